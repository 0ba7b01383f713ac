/* HTTP Digest authentication (RFC 7616) and Basic (RFC 7617): reading a
 * challenge and writing the credentials' header value.
 *
 * Pure C (no <windows.h>), host-tested against the RFCs' examples.  Text is
 * 8-bit: the caller converts the user name and password (UTF-8 when the
 * challenge says charset=UTF-8, RFC 7616 section 4) and supplies the
 * cnonce from a cryptographic generator.
 */
#ifndef WINHTTP_AUTH_DIGEST_H
#define WINHTTP_AUTH_DIGEST_H

#include <stddef.h>

#include "auth_challenge.h"

enum digest_algorithm
{
    DIGEST_MD5,
    DIGEST_MD5_SESS,
    DIGEST_SHA256,
    DIGEST_SHA256_SESS,
};

#define DIGEST_QOP_AUTH     1
#define DIGEST_QOP_AUTH_INT 2

#define DIGEST_TEXT_MAX 512     /* longest realm, nonce or opaque accepted */

struct digest_challenge
{
    char realm[DIGEST_TEXT_MAX];
    char nonce[DIGEST_TEXT_MAX];
    char opaque[DIGEST_TEXT_MAX];
    int has_opaque;
    enum digest_algorithm algorithm;
    unsigned qop;               /* DIGEST_QOP_* offered; 0: none (RFC 2069 form) */
    int stale;
    int userhash;
    int utf8;                   /* charset=UTF-8 */
};

/* Reads a Digest challenge; 0 when it can be answered: a nonce and a
 * realm, an algorithm named above, and if qop is given one we know. */
int digest_read_challenge(const struct auth_challenge *challenge, struct digest_challenge *out);
/* Of several challenges, the Digest one to answer: the strongest algorithm
 * (SHA-256 before MD5), the first of equals; -1 when none can be. */
int digest_pick(const struct auth_challenges *list, struct digest_challenge *out);

struct digest_request
{
    const char *username, *password;
    const char *method;         /* "GET", "CONNECT", ... */
    const char *uri;            /* the request-target as sent */
    const void *body;           /* for qop=auth-int */
    size_t body_len;
    int body_known;             /* 0: the body is not at hand (written later) */
    const char *cnonce;         /* printable, no quote or backslash */
    unsigned nc;                /* the nonce count, from 1 */
};

enum digest_result
{
    DIGEST_OK,
    DIGEST_NO_MEMORY,
    DIGEST_NO_QOP,              /* only auth-int offered and the body is not at hand */
};

/* Writes the Authorization value ("Digest username=..., response=...")
 * into a malloc'd string. */
enum digest_result digest_authorization(const struct digest_challenge *challenge,
                                        const struct digest_request *request, char **out);

/* "Basic " and base64 of "user:password", malloc'd; NULL when out of memory. */
char *basic_authorization(const char *username, const char *password);

#endif
