/* Base64 (RFC 4648 section 4), for Basic credentials and the tokens of
 * NTLM and Negotiate (RFC 4559), which travel base64 in token68 form.
 * Pure C (no <windows.h>): unit tested and fuzzed on the host, since the
 * decoder reads what a server sent. */
#ifndef WINHTTP_AUTH_BASE64_H
#define WINHTTP_AUTH_BASE64_H

#include <stddef.h>

/* len bytes as base64 after prefix (which may be ""), NUL-terminated,
 * malloc'd; NULL when out of memory. */
char *base64_encode(const char *prefix, const void *data, size_t len);

/* Decodes text[0..len) strictly: the alphabet only, padding to a multiple
 * of four, no whitespace.  *out is malloc'd (free it; it may hold a
 * secret: the caller clears it).  Returns 0, or -1 when the text is not
 * base64 or memory runs out. */
int base64_decode(const char *text, size_t len, unsigned char **out, size_t *out_len);

#endif
