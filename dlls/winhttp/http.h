/* HTTP/1.1 wire code: response head parser, body framing, chunked decoder and
 * request writer.  Pure C (no <windows.h>) so it builds on the host for unit
 * tests and fuzzing.  Everything takes bytes in arbitrary splits, as they come
 * from a socket, and is bounded in memory by limits the caller gives. */
#ifndef WINHTTP_HTTP_H
#define WINHTTP_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include "wchar16.h"

/* Results.  The DLL maps the errors to Win32 codes:
 * HTTP_ERR_INVALID_RESPONSE      -> ERROR_WINHTTP_INVALID_SERVER_RESPONSE
 * HTTP_ERR_HEADER_SIZE_OVERFLOW  -> ERROR_WINHTTP_HEADER_SIZE_OVERFLOW
 * HTTP_ERR_NO_MEMORY             -> ERROR_NOT_ENOUGH_MEMORY
 * HTTP_ERR_INVALID_PARAMETER     -> ERROR_INVALID_PARAMETER
 * HTTP_ERR_INVALID_HEADER        -> ERROR_WINHTTP_INVALID_HEADER */
enum http_result
{
    HTTP_NEED_MORE = 0,   /* all input consumed (or output full), not finished */
    HTTP_DONE,            /* finished; *consumed says where the next bytes start */
    HTTP_ERR_INVALID_RESPONSE,
    HTTP_ERR_HEADER_SIZE_OVERFLOW,
    HTTP_ERR_NO_MEMORY,
    HTTP_ERR_INVALID_PARAMETER,
    HTTP_ERR_INVALID_HEADER,
};

#define HTTP_DEFAULT_MAX_HEAD    (64 * 1024)
#define HTTP_DEFAULT_MAX_TRAILER (64 * 1024)

/* One raw header line, 8-bit, as received (obs-fold joined by one space).
 * name and value are NUL-terminated; the lengths exclude the NUL. */
struct http_header
{
    const char *name;
    size_t      name_len;
    const char *value;
    size_t      value_len;
};

struct http_response_head
{
    unsigned            version_major, version_minor;
    unsigned            status;          /* 100..999 */
    const char         *reason;          /* NUL-terminated, may be "" */
    size_t              reason_len;
    struct http_header *headers;         /* in order of arrival */
    size_t              header_count;
};

/* ---- response head parser ---- */

/* Bytes of a header block (a head or a trailer section) collected up to its
 * blank line, and the NUL-terminated strings the parsed result points into. */
struct http_block
{
    char  *raw;
    size_t raw_len, raw_cap;
    size_t line_start;      /* offset in raw of the line being received */
    size_t max;             /* bytes allowed, line ends included */
    char  *strings;
};

struct http_head_parser
{
    struct http_block block;
    enum http_result  result;          /* sticky once DONE or an error */
    struct http_response_head head;    /* valid after HTTP_DONE */
};

/* max_head 0 means HTTP_DEFAULT_MAX_HEAD. */
void http_head_parser_init(struct http_head_parser *p, size_t max_head);
/* Feeds bytes; *consumed gets how many belong to the head (the rest is body
 * or the next response).  Returns HTTP_NEED_MORE, HTTP_DONE or an error; after
 * an error or HTTP_DONE, call reset before feeding another response (a 1xx
 * interim response: record head.status, reset, feed the rest). */
enum http_result http_head_parser_feed(struct http_head_parser *p, const void *data,
                                       size_t len, size_t *consumed);
void http_head_parser_reset(struct http_head_parser *p);
void http_head_parser_free(struct http_head_parser *p);

/* Case-insensitive lookup of the index-th header called name, or NULL. */
const struct http_header *http_find_header(const struct http_header *headers, size_t count,
                                           const char *name, size_t index);

static inline int http_status_is_interim(unsigned status) { return status >= 100 && status < 200; }

/* ---- body framing ---- */

enum http_request_kind { HTTP_REQUEST_OTHER, HTTP_REQUEST_HEAD, HTTP_REQUEST_CONNECT };
enum http_body_kind
{
    HTTP_BODY_NONE,       /* no body at all */
    HTTP_BODY_LENGTH,     /* exactly .length bytes (may be 0) */
    HTTP_BODY_CHUNKED,    /* feed http_chunked_decoder */
    HTTP_BODY_CLOSE,      /* until the server closes the connection */
};
struct http_framing
{
    enum http_body_kind kind;
    uint64_t            length;
};

/* Classifies a verb as sent on the wire ("HEAD", "CONNECT" are case-sensitive). */
enum http_request_kind http_request_kind_of(const wchar16 *verb);
/* HTTP_DONE on success (framing set) or HTTP_ERR_INVALID_RESPONSE. */
enum http_result http_body_framing(const struct http_response_head *head,
                                   enum http_request_kind request, struct http_framing *framing);

/* ---- chunked decoder ---- */

struct http_chunked_decoder
{
    int      state;
    uint64_t chunk_left;     /* data bytes left in this chunk, or the size being read */
    size_t   line_len;       /* bytes of extension skipped on this size line */
    struct http_block block; /* the trailer section */
    struct http_header *trailers;   /* valid after HTTP_DONE */
    size_t   trailer_count;
};

/* max_trailer 0 means HTTP_DEFAULT_MAX_TRAILER. */
void http_chunked_init(struct http_chunked_decoder *d, size_t max_trailer);
/* Decodes in[0..in_len) into out[0..out_cap) (out may equal in: decoding in
 * place is safe).  *in_consumed and *out_len say how much was used/produced.
 * HTTP_NEED_MORE: either all input was consumed or out is full (then
 * *in_consumed < in_len; call again with the rest).  HTTP_DONE: the last chunk
 * and trailers are complete; bytes after *in_consumed are not part of the body. */
enum http_result http_chunked_feed(struct http_chunked_decoder *d, const void *in, size_t in_len,
                                   size_t *in_consumed, void *out, size_t out_cap,
                                   size_t *out_len);
void http_chunked_free(struct http_chunked_decoder *d);
/* Data bytes of the current chunk still to come, when the decoder is inside
 * a chunk's data (0 otherwise): what can be reported available at once. */
uint64_t http_chunked_data_left(const struct http_chunked_decoder *d);

/* ---- request writer ---- */

/* The same values as WINHTTP_FLAG_ESCAPE_*, so WinHttpOpenRequest's flags pass through. */
#define HTTP_ESCAPE_PERCENT        0x00000004
#define HTTP_ESCAPE_DISABLE        0x00000040
#define HTTP_ESCAPE_DISABLE_QUERY  0x00000080

struct http_buf
{
    char  *data;
    size_t len, cap;
};

void http_buf_init(struct http_buf *b);
void http_buf_free(struct http_buf *b);
enum http_result http_buf_append(struct http_buf *b, const void *data, size_t len);

struct http_wheader
{
    const wchar16 *name;
    const wchar16 *value;
};

/* Writes "VERB path VERSION\r\n", or "VERB origin path VERSION\r\n" in
 * absolute form when origin ("http://host:port", as given) is not NULL.
 * version NULL means HTTP/1.1, path NULL or empty means "/".  Refuses (HTTP_ERR_INVALID_PARAMETER, nothing written) a
 * verb or version that is empty or holds CR, LF, SP or other controls, and a
 * path holding CR or LF when escaping is disabled. */
enum http_result http_write_request_line(struct http_buf *b, const wchar16 *verb, const wchar16 *origin,
                                         const wchar16 *path, const wchar16 *version, unsigned flags);
/* The same with the query string (from the path's first '?' on) given as
 * bytes the caller converted from another code page (WINHTTP_OPTION_CODEPAGE):
 * query[0..query_len) stands for that part of path and is escaped as the
 * rest is (bytes past ASCII as %XX, CR and LF left out).  query NULL: the
 * whole path in UTF-8, as http_write_request_line. */
enum http_result http_write_request_line_query(struct http_buf *b, const wchar16 *verb, const wchar16 *origin,
                                               const wchar16 *path, const char *query, size_t query_len,
                                               const wchar16 *version, unsigned flags);
/* Writes "name: value\r\n" in UTF-8.  Refuses (HTTP_ERR_INVALID_HEADER, nothing
 * written) an empty name, a name with ':', spaces or controls, or a value with
 * CR or LF. */
enum http_result http_write_header(struct http_buf *b, const wchar16 *name, const wchar16 *value);
/* The whole head, in origin form: request line, headers in order, blank
 * line.  On error the buffer is left as it was. */
enum http_result http_write_request_head(struct http_buf *b, const wchar16 *verb,
                                         const wchar16 *path, const wchar16 *version,
                                         const struct http_wheader *headers, size_t count,
                                         unsigned flags);
/* Appends the path as UTF-8, escaped per flags (see http_write_request_line);
 * with query not NULL, the path up to its first '?' and then the query bytes
 * (see http_write_request_line_query). */
enum http_result http_escape_path(struct http_buf *b, const wchar16 *path, const char *query, size_t query_len,
                                  unsigned flags);

#endif
