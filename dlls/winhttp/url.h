/* URL cracking and composing: the logic behind WinHttpCrackUrl and
 * WinHttpCreateUrl, and the URL the DLL reports for a request.
 *
 * Pure C (no <windows.h>) so it builds on the host for unit tests and
 * fuzzing.  Strings are UTF-16 with explicit lengths: nothing here reads a
 * character past a length it was given, and nothing writes past a capacity.
 */
#ifndef WINHTTP_URL_H
#define WINHTTP_URL_H

#include <stddef.h>
#include <stdint.h>
#include "wchar16.h"

/* Results.  url_api.c maps them to Win32 errors:
 * URL_INVALID             -> ERROR_WINHTTP_INVALID_URL
 * URL_UNRECOGNIZED_SCHEME -> ERROR_WINHTTP_UNRECOGNIZED_SCHEME
 * URL_INSUFFICIENT_BUFFER -> ERROR_INSUFFICIENT_BUFFER
 * URL_INVALID_PARAMETER   -> ERROR_INVALID_PARAMETER */
enum url_status
{
    URL_OK = 0,
    URL_INVALID,
    URL_UNRECOGNIZED_SCHEME,
    URL_INSUFFICIENT_BUFFER,
    URL_INVALID_PARAMETER,
};

/* The flags have the values of winhttp.h's ICU_* constants. */
#define URL_FLAG_ESCAPE         0x80000000u  /* ICU_ESCAPE */
#define URL_FLAG_DECODE         0x10000000u  /* ICU_DECODE */
#define URL_FLAG_REJECT_USERPWD 0x00004000u  /* ICU_REJECT_USERPWD */

/* INTERNET_SCHEME and INTERNET_PORT values. */
#define URL_SCHEME_HTTP  1
#define URL_SCHEME_HTTPS 2
#define URL_PORT_DEFAULT 0
#define URL_PORT_HTTP    80
#define URL_PORT_HTTPS   443

/* ---- parsing ---------------------------------------------------------- */

/* Where a component lies in the URL, in characters. */
struct url_span
{
    size_t start, length;
    int    present;     /* user and password may be absent; the rest never are */
};

/* A URL split into its parts: scheme "://" [user [":" password] "@"] host
 * [":" port] path extra, where extra starts at the first '?' or '#' after the
 * host.  An IPv6 literal host keeps its brackets.  port is the explicit port,
 * or the scheme's default when the URL names none. */
struct url_layout
{
    int             scheme_id;   /* URL_SCHEME_HTTP or URL_SCHEME_HTTPS */
    uint16_t        port;
    struct url_span scheme, user, password, host, path, extra;
};

/* Splits url[0..length) (no terminator needed).  Fails with
 * URL_UNRECOGNIZED_SCHEME unless the scheme is http or https (any case), and
 * with URL_INVALID when "//" does not follow, nothing follows it, a bracket is
 * unclosed or the port is not a number up to 65535. */
enum url_status url_parse(const wchar16 *url, size_t length, struct url_layout *layout);

/* ---- WinHttpCrackUrl ---------------------------------------------------- */

/* One string member of URL_COMPONENTS, in WinHttpCrackUrl's protocol.
 * In:  length 0 and text NULL: not wanted, left alone.
 *      length != 0 and text NULL: text is set to point into the URL.
 *      text != NULL: a buffer of length characters (0 is refused).
 * Out: the component's length in characters; a buffer receives a
 *      NUL-terminated copy and length excludes the NUL; a buffer too small is
 *      left alone and length becomes the size needed, NUL included. */
struct url_component
{
    wchar16 *text;
    uint32_t length;
};

struct url_components
{
    struct url_component scheme, host, user, password, path, extra;
    int                  scheme_id;   /* out */
    uint16_t             port;        /* out */
};

/* Cracks url[0..length) into *uc.  URL_FLAG_ESCAPE escapes the path and extra
 * info, URL_FLAG_DECODE decodes %xx in every component but the scheme (ESCAPE
 * wins when both are given); either needs buffers, not pointers, for every
 * component wanted.  URL_FLAG_REJECT_USERPWD fails URLs with a user-info part.
 * *uc is changed only on URL_OK and URL_INSUFFICIENT_BUFFER; in the second
 * case every component that fits is still copied. */
enum url_status url_crack(const wchar16 *url, size_t length, uint32_t flags, struct url_components *uc);

/* ---- WinHttpCreateUrl ----------------------------------------------------- */

/* A string given to url_create: text NULL means absent; length is exact. */
struct url_string
{
    const wchar16 *text;
    size_t         length;
};

struct url_create_parts
{
    struct url_string scheme;      /* absent: from scheme_id (0 means http) */
    int               scheme_id;
    struct url_string host, user, password, path, extra;
    uint16_t          port;        /* omitted when 0 or the scheme's default */
};

/* Composes scheme "://" [user [":" password] "@"] host [":" port] path extra.
 * A host with ':' and no '[' gets brackets; a path that does not start with
 * '/' gets one.  URL_FLAG_ESCAPE escapes the path and extra info.
 * URL_FLAG_REJECT_USERPWD refuses a user name or password (URL_INVALID).
 * On URL_OK *length is the number of characters written before the NUL; on
 * URL_INSUFFICIENT_BUFFER (out NULL or capacity too small; nothing written)
 * it is the capacity needed, NUL included. */
enum url_status url_create(const struct url_create_parts *parts, uint32_t flags, wchar16 *out,
                           size_t capacity, size_t *length);

/* ---- for the rest of the DLL ------------------------------------------------ */

/* "http[s]://host[:port]path" for WINHTTP_OPTION_URL: the port is left out
 * when it is 0 or the scheme's default, an IPv6 host gets brackets, and a
 * path not starting with '/' (or NULL) gets one.  host and path are
 * NUL-terminated.  Returns the length without the NUL; writes the
 * NUL-terminated URL only when capacity is larger than that. */
size_t url_build(int secure, const wchar16 *host, uint16_t port, const wchar16 *path, wchar16 *out,
                 size_t capacity);

#endif
