/* WWW-Authenticate / Proxy-Authenticate values (RFC 9110 section 11.6.1):
 *
 *     challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *     auth-param = token BWS "=" BWS ( token / quoted-string )
 *
 * several challenges in one value, separated by commas like the auth-params
 * (a token followed by "=" is a parameter, otherwise a new scheme), and
 * several header lines appended to one list.
 *
 * Pure C (no <windows.h>): it builds on the host for unit tests and
 * fuzzing.  Nothing allocates: challenges are spans into the caller's text,
 * which must outlive them; quoted values stay escaped until
 * auth_param_value() copies them out.  The counts are bounded, so a hostile
 * header costs linear time and a fixed amount of memory; what does not
 * parse is skipped up to the next comma.
 */
#ifndef WINHTTP_AUTH_CHALLENGE_H
#define WINHTTP_AUTH_CHALLENGE_H

#include <stddef.h>

#define AUTH_MAX_CHALLENGES 16
#define AUTH_MAX_PARAMS     16

struct auth_span
{
    const char *ptr;
    size_t len;
};

struct auth_param
{
    struct auth_span name;
    struct auth_span value;     /* a quoted-string without its quotes, escapes kept */
    int quoted;
};

struct auth_challenge
{
    struct auth_span scheme;
    struct auth_span token68;   /* len 0 when the challenge has parameters instead */
    size_t param_count;
    struct auth_param params[AUTH_MAX_PARAMS];
};

struct auth_challenges
{
    size_t count;
    struct auth_challenge items[AUTH_MAX_CHALLENGES];
};

/* Appends the challenges of one header value; returns how many it added
 * (those past AUTH_MAX_CHALLENGES, and parameters past AUTH_MAX_PARAMS,
 * are dropped). */
size_t auth_parse(const char *text, size_t len, struct auth_challenges *list);

/* Whether a span equals a string, ASCII case-insensitively. */
int auth_span_is(struct auth_span span, const char *str);

/* The challenge's parameter of that name (case-insensitive), or NULL; the
 * first one when it repeats. */
const struct auth_param *auth_find_param(const struct auth_challenge *challenge, const char *name);

/* Copies a parameter's value, quoted-pair escapes resolved, NUL-terminated;
 * returns its length, or (size_t)-1 when it does not fit in cap bytes (or
 * holds a NUL). */
size_t auth_param_value(const struct auth_param *param, char *buf, size_t cap);

#endif
