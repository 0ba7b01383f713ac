/* Cookies (RFC 6265, sections 5.1-5.4): parsing a Set-Cookie header value
 * received for a request, a jar that keeps what it accepts, and the Cookie
 * header value for a request.
 *
 * Pure C (no <windows.h>): it builds on the host for unit tests and
 * fuzzing.  Strings are bytes (ASCII or UTF-8), compared bytewise except
 * where the RFC says case-insensitive (ASCII letters only).  Times are
 * seconds since the epoch (UTC), given by the caller: nothing here reads a
 * clock.  Every allocation is checked; a jar owns its cookies and frees them
 * in cookie_jar_clear.
 *
 * Where RFC 6265 leaves a choice, or where its successor draft
 * (draft-ietf-httpbis-rfc6265bis, "bis" below) closed a hole, this code does:
 *   - a Set-Cookie without '=' in its name-value pair, or with an empty name,
 *     is ignored (RFC 6265 5.2 steps 2 and 5; bis would make a nameless
 *     cookie of it);
 *   - a Set-Cookie holding a control character (0x00-0x08, 0x0A-0x1F, 0x7F)
 *     is ignored (bis): a CR or LF must never reach a Cookie header;
 *   - a name and value longer than 4096 bytes together are ignored, and so is
 *     an attribute whose value is longer than 1024 bytes (bis);
 *   - a Secure cookie from a request that is not secure is ignored (bis);
 *   - for a host that is an IP address (IPv4 dotted, IPv6 with or without
 *     brackets), Domain equal to the host gives a host-only cookie, any other
 *     Domain ignores the cookie: no domain cookie for an IP address;
 *   - the date grammar's trailing "( non-digit *OCTET )" after a time,
 *     a day of the month and a year is taken as optional (every
 *     implementation does; without it "Jan 1970" would never parse);
 *   - the public suffixes are the ICANN section of the Public Suffix List,
 *     compiled in (public_suffix.inc, generated at build time);
 *   - at most 50 cookies a domain (the cookie's domain field, exactly) and
 *     3000 in a jar: past that, expired cookies go first, then the ones with
 *     the earliest last access (5.3's order).
 * The host given with a request is its name without the port
 * ("www.example.com", "192.0.2.1", "[2001:db8::1]" or "2001:db8::1": an
 * IPv6 literal's brackets may stay); it is lowercased here.  Its path is the request-target's
 * path: anything from a '?' or '#' on is left out here.
 */
#ifndef WINHTTP_COOKIE_H
#define WINHTTP_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#define COOKIE_MAX_NAME_VALUE      4096
#define COOKIE_MAX_ATTRIBUTE_VALUE 1024
#define COOKIE_MAX_PER_DOMAIN      50
#define COOKIE_MAX_COOKIES         3000

/* The earliest and latest times a cookie's expiry can hold (5.2.1, 5.2.2). */
#define COOKIE_TIME_MIN INT64_MIN
#define COOKIE_TIME_MAX INT64_MAX

/* One cookie (5.3).  The four strings live in the same allocation as the
 * struct: cookie_free frees it all. */
struct cookie
{
    char *name, *value, *domain, *path;
    int64_t expiry;         /* COOKIE_TIME_MAX for a session cookie */
    int64_t creation;
    int64_t last_access;
    uint64_t creation_seq;  /* the jar's counter: orders cookies created in the same second */
    uint64_t access_seq;    /* likewise for last_access */
    unsigned persistent : 1, host_only : 1, secure : 1, http_only : 1;
};

/* A request, as far as cookies care. */
struct cookie_request
{
    const char *host;
    const char *path;
    int secure;             /* https (or wss) */
    int64_t now;
};

enum cookie_result
{
    COOKIE_STORED = 0,      /* stored, new or in place of one with the same name, domain, host-only flag and path */
    COOKIE_EXPIRED,         /* already expired: it removed any such old one and was not stored */
    COOKIE_IGNORED,         /* not valid for this request (syntax, domain, limits): nothing changed */
    COOKIE_NO_MEMORY,
};

struct cookie_jar
{
    struct cookie **cookies;    /* in no particular order */
    size_t count, capacity;
    uint64_t next_seq;
    /* Native WinHTTP's ways, where they differ from RFC 6265 (Wine's tests,
     * which pass on Windows), set by its user: */
    unsigned session_only : 1;  /* Expires and Max-Age ignored: a cookie lives as long as the jar */
    unsigned newest_first : 1;  /* cookies of the same path length: the latest created first */
};

/* The lenient date of 5.1.1: the time in *out (seconds since the epoch) and
 * 1, or 0 when the text is not a cookie date. */
int cookie_parse_date(const char *text, size_t len, int64_t *out);

/* 5.1.3 and 5.1.4, on canonical (lowercased) strings. */
int cookie_domain_match(const char *host, const char *domain);
int cookie_path_match(const char *request_path, size_t request_path_len, const char *cookie_path);
/* The default-path of 5.1.4 for a request path, in out (at least
 * strlen(path) + 2 bytes); returns its length. */
size_t cookie_default_path(const char *path, char *out);
/* Whether a canonical host is an IPv4 or IPv6 address rather than a name. */
int cookie_host_is_ip(const char *host);

/* Whether a domain (lowercase, no trailing dot) is a public suffix by the
 * Public Suffix List's algorithm: its rules, wildcards and exceptions, and
 * the implicit "*" rule (a name of one label is a public suffix). */
int cookie_is_public_suffix(const char *domain);

/* Parses a Set-Cookie header value (5.2) received for a request and makes
 * the cookie 5.3 would store (steps 1-10) in *out, to be given to a jar or
 * freed with cookie_free.  COOKIE_STORED (the cookie in *out), or
 * COOKIE_IGNORED or COOKIE_NO_MEMORY (*out NULL).  An expired cookie is
 * still made: storing it is what deletes an older one. */
enum cookie_result cookie_parse(const char *set_cookie, size_t len, const struct cookie_request *req,
                                struct cookie **out);
void cookie_free(struct cookie *cookie);

void cookie_jar_init(struct cookie_jar *jar);
/* Frees every cookie and the jar's array; the jar is empty and usable again. */
void cookie_jar_clear(struct cookie_jar *jar);

/* Stores a cookie made by cookie_parse (5.3 steps 11-12, then the limits),
 * taking it over whatever the result: COOKIE_STORED, COOKIE_EXPIRED or
 * COOKIE_NO_MEMORY (the jar unchanged but for expired cookies removed). */
enum cookie_result cookie_jar_add(struct cookie_jar *jar, struct cookie *cookie, int64_t now);
/* cookie_parse then cookie_jar_add. */
enum cookie_result cookie_jar_set(struct cookie_jar *jar, const char *set_cookie, size_t len,
                                  const struct cookie_request *req);

/* Removes the cookies that expire at or before now; returns how many. */
size_t cookie_jar_remove_expired(struct cookie_jar *jar, int64_t now);

/* The Cookie header value for a request (5.4): "name=value; name2=value2",
 * longer paths first, then earlier creation; their last access becomes
 * now.  0 and a string to free() in *out, or NULL when no cookie applies;
 * -1 when out of memory (*out NULL). */
int cookie_jar_header(struct cookie_jar *jar, const struct cookie_request *req, char **out);

#endif
