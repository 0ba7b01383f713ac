/* The charset parameter of a Content-Type, as a Windows code page (pure C:
 * unit-tested and fuzzed on the host).  The WinHttpRequest object decodes
 * ResponseText and encodes string bodies with it. */
#ifndef WINHTTP_CHARSET_H
#define WINHTTP_CHARSET_H

#include "wchar16.h"

#define CHARSET_UTF8 65001u
#define CHARSET_UTF16LE 1200u
#define CHARSET_UTF16BE 1201u

/* The code page of the first charset parameter of the media type in
 * type[0..len) (RFC 9110: parameters after ';', the name in any case, the
 * value a token or a quoted string), or fallback when there is none or it
 * names a charset this table does not know. */
unsigned int charset_codepage(const wchar16 *type, size_t len, unsigned int fallback);

/* The code page of a charset name[0..len) ("utf-8", "Windows-1252"), or 0. */
unsigned int charset_name_codepage(const wchar16 *name, size_t len);

#endif
