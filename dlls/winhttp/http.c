/* HTTP/1.1 wire code (RFC 9112): response head parser, body framing, chunked
 * decoder, request writer.  Pure C; see http.h for the contracts.  Input is
 * hostile: every length is checked before it is used, and memory is bounded
 * by the limits the caller passes. */
#include <stdlib.h>
#include <string.h>
#include "http.h"

#define MAX_CHUNK_EXTENSION 4096   /* bytes of extensions on one chunk-size line */

static int is_ows(unsigned char c) { return c == ' ' || c == '\t'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static unsigned char to_lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static int equal_nocase(const char *a, size_t a_len, const char *b)
{
    size_t b_len = strlen(b);
    if (a_len != b_len) return 0;
    for (size_t i = 0; i < a_len; i++)
        if (to_lower(a[i]) != to_lower(b[i])) return 0;
    return 1;
}

static void trim_ows(const char **str, size_t *len)
{
    while (*len && is_ows((*str)[0])) { (*str)++; (*len)--; }
    while (*len && is_ows((*str)[*len - 1])) (*len)--;
}

/* ---- header blocks: bytes up to a blank line ---- */

static void block_init(struct http_block *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
}

static void block_free(struct http_block *b)
{
    free(b->raw);
    free(b->strings);
    block_init(b, b->max);
}

static int block_reserve(struct http_block *b, size_t need)
{
    size_t cap;
    char *raw;
    if (need <= b->raw_cap) return 1;
    cap = b->raw_cap ? b->raw_cap : 256;
    while (cap < need) cap = cap > b->max / 2 ? b->max : cap * 2;   /* need <= max */
    if (!(raw = realloc(b->raw, cap))) return 0;
    b->raw = raw;
    b->raw_cap = cap;
    return 1;
}

static int line_is_blank(const struct http_block *b)
{
    size_t len = b->raw_len - b->line_start - 1;    /* without the LF */
    return len == 0 || (len == 1 && b->raw[b->line_start] == '\r');
}

/* Appends bytes up to and including the blank line that ends the block.
 * Blank lines before the first line are skipped when skip_leading (a stray
 * CRLF after a previous body on a kept-alive connection). */
static enum http_result block_collect(struct http_block *b, const char *data, size_t len,
                                      size_t *consumed, int skip_leading)
{
    size_t pos = 0;
    while (pos < len)
    {
        const char *lf = memchr(data + pos, '\n', len - pos);
        size_t take = lf ? (size_t)(lf - (data + pos)) + 1 : len - pos;

        if (take > b->max - b->raw_len) { *consumed = pos; return HTTP_ERR_HEADER_SIZE_OVERFLOW; }
        if (!block_reserve(b, b->raw_len + take)) { *consumed = pos; return HTTP_ERR_NO_MEMORY; }
        memcpy(b->raw + b->raw_len, data + pos, take);
        b->raw_len += take;
        pos += take;
        if (!lf) break;
        if (line_is_blank(b))
        {
            if (skip_leading && b->line_start == 0) { b->raw_len = 0; continue; }
            *consumed = pos;
            return HTTP_DONE;
        }
        b->line_start = b->raw_len;
    }
    *consumed = pos;
    return HTTP_NEED_MORE;
}

/* Gives the next line of the collected block (without its CR LF); 0 at the
 * blank line.  A CR or NUL inside a line makes it invalid (-1). */
static int next_line(const struct http_block *b, size_t *pos, const char **line, size_t *len)
{
    const char *start = b->raw + *pos;
    const char *lf = memchr(start, '\n', b->raw_len - *pos);
    size_t n;

    if (!lf) return 0;                         /* cannot happen: blocks end with a blank line */
    n = (size_t)(lf - start);

    *pos += n + 1;
    if (n && start[n - 1] == '\r') n--;
    if (memchr(start, '\r', n) || memchr(start, 0, n)) return -1;
    *line = start;
    *len = n;
    return n != 0;
}

static char *put_string(char **out, const char *str, size_t len)
{
    char *ret = *out;
    memcpy(ret, str, len);
    ret[len] = 0;
    *out += len + 1;
    return ret;
}

static int valid_field_name(const char *name, size_t len)
{
    if (!len) return 0;
    for (size_t i = 0; i < len; i++)
    {
        unsigned char c = name[i];
        if (c <= ' ' || c == 0x7f) return 0;
    }
    return 1;
}

/* Folds a continuation line into the last header, joined by one space.  The
 * value is the last string written, so it grows in place. */
static void fold_into(struct http_header *last, char **out, const char *line, size_t len)
{
    trim_ows(&line, &len);
    if (!len) return;
    char *end = (char *)last->value + last->value_len;
    *end++ = ' ';
    memcpy(end, line, len);
    end[len] = 0;
    last->value_len += 1 + len;
    *out = end + len + 1;
}

static int parse_field_line(struct http_header *h, char **out, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    const char *value;
    size_t name_len, value_len;

    if (!colon) return 0;
    name_len = (size_t)(colon - line);
    while (name_len && is_ows(line[name_len - 1])) name_len--;   /* "Name :" seen in the wild */
    if (!valid_field_name(line, name_len)) return 0;
    value = colon + 1;
    value_len = (size_t)(line + len - value);
    trim_ows(&value, &value_len);
    h->name = put_string(out, line, name_len);
    h->name_len = name_len;
    h->value = put_string(out, value, value_len);
    h->value_len = value_len;
    return 1;
}

static size_t count_lines(const struct http_block *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->raw_len; i++) n += b->raw[i] == '\n';
    return n;
}

/* Parses the field lines from *pos to the blank line into a header array. */
static enum http_result parse_fields(struct http_block *b, size_t pos, char *out,
                                     struct http_header **headers, size_t *count)
{
    size_t max = count_lines(b), n = 0;
    struct http_header *array = calloc(max ? max : 1, sizeof(*array));
    const char *line;
    size_t len;
    int got;

    if (!array) return HTTP_ERR_NO_MEMORY;
    while ((got = next_line(b, &pos, &line, &len)) > 0)
    {
        if (is_ows(line[0]))
        {
            if (!n) { got = -1; break; }
            fold_into(&array[n - 1], &out, line, len);
        }
        else if (!parse_field_line(&array[n++], &out, line, len)) { got = -1; break; }
    }
    if (got < 0) { free(array); return HTTP_ERR_INVALID_RESPONSE; }
    *headers = array;
    *count = n;
    return HTTP_DONE;
}

/* The strings never outgrow the raw bytes: a field line loses ':' and CR LF
 * and gains two NULs; a fold line loses its LF and whitespace, gains a space. */
static int block_alloc_strings(struct http_block *b)
{
    free(b->strings);
    return (b->strings = malloc(b->raw_len + 2)) != NULL;
}

/* ---- response head ---- */

void http_head_parser_init(struct http_head_parser *p, size_t max_head)
{
    memset(p, 0, sizeof(*p));
    block_init(&p->block, max_head ? max_head : HTTP_DEFAULT_MAX_HEAD);
}

void http_head_parser_reset(struct http_head_parser *p)
{
    free(p->head.headers);
    block_free(&p->block);
    p->result = HTTP_NEED_MORE;
    memset(&p->head, 0, sizeof(p->head));
}

void http_head_parser_free(struct http_head_parser *p)
{
    http_head_parser_reset(p);
}

/* "HTTP/" DIGIT "." DIGIT SP 3DIGIT [ SP reason ] */
static int parse_status_line(struct http_response_head *head, char **out, const char *line, size_t len)
{
    const char *reason;
    size_t reason_len;

    if (len < 12 || memcmp(line, "HTTP/", 5)) return 0;
    if (!is_digit(line[5]) || line[6] != '.' || !is_digit(line[7]) || line[8] != ' ') return 0;
    if (line[5] != '1') return 0;
    if (!is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11]) || line[9] == '0') return 0;
    if (len > 12 && line[12] != ' ') return 0;
    head->version_major = line[5] - '0';
    head->version_minor = line[7] - '0';
    head->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    reason = line + (len > 12 ? 13 : 12);
    reason_len = (size_t)(line + len - reason);
    head->reason = put_string(out, reason, reason_len);
    head->reason_len = reason_len;
    return 1;
}

static enum http_result parse_head(struct http_head_parser *p)
{
    struct http_block *b = &p->block;
    size_t pos = 0, len;
    const char *line;
    char *out;

    if (!block_alloc_strings(b)) return HTTP_ERR_NO_MEMORY;
    out = b->strings;
    if (next_line(b, &pos, &line, &len) <= 0) return HTTP_ERR_INVALID_RESPONSE;
    if (!parse_status_line(&p->head, &out, line, len)) return HTTP_ERR_INVALID_RESPONSE;
    return parse_fields(b, pos, out, &p->head.headers, &p->head.header_count);
}

enum http_result http_head_parser_feed(struct http_head_parser *p, const void *data,
                                       size_t len, size_t *consumed)
{
    enum http_result ret;

    *consumed = 0;
    if (p->result != HTTP_NEED_MORE) return p->result;
    ret = block_collect(&p->block, data, len, consumed, 1);
    if (ret == HTTP_DONE) ret = parse_head(p);
    return p->result = ret;
}

const struct http_header *http_find_header(const struct http_header *headers, size_t count,
                                           const char *name, size_t index)
{
    for (size_t i = 0; i < count; i++)
        if (equal_nocase(headers[i].name, headers[i].name_len, name) && !index--)
            return &headers[i];
    return NULL;
}

/* ---- body framing (RFC 9112 section 6.3) ---- */

enum http_request_kind http_request_kind_of(const wchar16 *verb)
{
    static const wchar16 head[] = {'H','E','A','D',0}, connect[] = {'C','O','N','N','E','C','T',0};
    size_t len = verb ? wcslen16(verb) : 0;
    if (len == 4 && !memcmp(verb, head, sizeof(head))) return HTTP_REQUEST_HEAD;
    if (len == 7 && !memcmp(verb, connect, sizeof(connect))) return HTTP_REQUEST_CONNECT;
    return HTTP_REQUEST_OTHER;
}

/* Calls fn on each non-empty element of a comma-separated list value; stops
 * and returns 0 when fn does. */
static int for_each_element(const char *value, size_t len, int (*fn)(const char *, size_t, void *),
                            void *ctx)
{
    while (len)
    {
        const char *comma = memchr(value, ',', len);
        size_t n = comma ? (size_t)(comma - value) : len;
        const char *elem = value;
        size_t elem_len = n;

        trim_ows(&elem, &elem_len);
        if (elem_len && !fn(elem, elem_len, ctx)) return 0;
        if (!comma) break;
        value += n + 1;
        len -= n + 1;
    }
    return 1;
}

struct coding_state { unsigned codings, chunked; int last_is_chunked; };

static int note_coding(const char *elem, size_t len, void *ctx)
{
    struct coding_state *st = ctx;
    if (equal_nocase(elem, len, "identity")) return 1;   /* obsolete no-op coding */
    st->codings++;
    st->last_is_chunked = equal_nocase(elem, len, "chunked");
    st->chunked += st->last_is_chunked;
    return 1;
}

struct length_state { unsigned elements; uint64_t value; };

static int note_length(const char *elem, size_t len, void *ctx)
{
    struct length_state *st = ctx;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++)
    {
        unsigned d = (unsigned char)elem[i] - '0';
        if (d > 9) return 0;
        if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && d > UINT64_MAX % 10)) return 0;
        v = v * 10 + d;
    }
    if (st->elements++ && st->value != v) return 0;   /* a list must repeat one value */
    st->value = v;
    return 1;
}

static int content_length(const struct http_response_head *head, struct length_state *st)
{
    const struct http_header *h;
    for (size_t i = 0; (h = http_find_header(head->headers, head->header_count, "Content-Length", i)); i++)
    {
        unsigned before = st->elements;
        if (!for_each_element(h->value, h->value_len, note_length, st)) return 0;
        if (st->elements == before) return 0;   /* an empty value */
    }
    return 1;
}

static int response_has_no_body(const struct http_response_head *head, enum http_request_kind request)
{
    if (request == HTTP_REQUEST_HEAD) return 1;
    if (request == HTTP_REQUEST_CONNECT && head->status / 100 == 2) return 1;   /* a tunnel */
    return http_status_is_interim(head->status) || head->status == 204 || head->status == 304;
}

enum http_result http_body_framing(const struct http_response_head *head,
                                   enum http_request_kind request, struct http_framing *framing)
{
    struct coding_state codings = {0};
    struct length_state length = {0};
    const struct http_header *h;

    framing->kind = HTTP_BODY_NONE;
    framing->length = 0;
    if (response_has_no_body(head, request)) return HTTP_DONE;

    for (size_t i = 0; (h = http_find_header(head->headers, head->header_count, "Transfer-Encoding", i)); i++)
        for_each_element(h->value, h->value_len, note_coding, &codings);
    if (!content_length(head, &length)) return HTTP_ERR_INVALID_RESPONSE;

    if (codings.codings)
    {
        /* Both framings at once is how responses get smuggled: refuse. */
        if (length.elements || codings.chunked > 1) return HTTP_ERR_INVALID_RESPONSE;
        framing->kind = codings.last_is_chunked ? HTTP_BODY_CHUNKED : HTTP_BODY_CLOSE;
        return HTTP_DONE;
    }
    if (length.elements)
    {
        framing->kind = HTTP_BODY_LENGTH;
        framing->length = length.value;
        return HTTP_DONE;
    }
    framing->kind = HTTP_BODY_CLOSE;
    return HTTP_DONE;
}

/* ---- chunked decoder (RFC 9112 section 7.1) ---- */

enum chunk_state
{
    CHUNK_SIZE_FIRST,   /* expecting the first hex digit of a size */
    CHUNK_SIZE,         /* in the hex digits */
    CHUNK_EXTENSION,    /* after the size: whitespace, extensions, to LF */
    CHUNK_DATA,
    CHUNK_DATA_END,     /* expecting CR LF (or LF) after the data */
    CHUNK_DATA_LF,
    CHUNK_TRAILER,
    CHUNK_DONE,
    CHUNK_ERROR,
};

void http_chunked_init(struct http_chunked_decoder *d, size_t max_trailer)
{
    memset(d, 0, sizeof(*d));
    d->state = CHUNK_SIZE_FIRST;
    block_init(&d->block, max_trailer ? max_trailer : HTTP_DEFAULT_MAX_TRAILER);
}

void http_chunked_free(struct http_chunked_decoder *d)
{
    free(d->trailers);
    block_free(&d->block);
    d->trailers = NULL;
    d->trailer_count = 0;
}

uint64_t http_chunked_data_left(const struct http_chunked_decoder *d)
{
    return d->state == CHUNK_DATA ? d->chunk_left : 0;
}

static int hex_value(unsigned char c)
{
    if (is_digit(c)) return c - '0';
    c = to_lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static void end_size_line(struct http_chunked_decoder *d)
{
    d->state = d->chunk_left ? CHUNK_DATA : CHUNK_TRAILER;
}

/* One byte of a chunk-size line or of the CR LF after the data. */
static int framing_byte(struct http_chunked_decoder *d, unsigned char c)
{
    int hex;
    switch (d->state)
    {
    case CHUNK_SIZE_FIRST:
    case CHUNK_SIZE:
        if ((hex = hex_value(c)) >= 0)
        {
            if (d->chunk_left > (UINT64_MAX >> 4)) return 0;
            d->chunk_left = (d->chunk_left << 4) | (uint64_t)hex;
            d->state = CHUNK_SIZE;
            return 1;
        }
        if (d->state == CHUNK_SIZE_FIRST) return 0;
        d->line_len = 0;
        if (c == '\n') end_size_line(d);
        else if (c == ';' || is_ows(c) || c == '\r') d->state = CHUNK_EXTENSION;
        else return 0;
        return 1;
    case CHUNK_EXTENSION:
        if (c == '\n') { end_size_line(d); return 1; }
        return ++d->line_len <= MAX_CHUNK_EXTENSION;
    case CHUNK_DATA_END:
        if (c == '\r') { d->state = CHUNK_DATA_LF; return 1; }
        if (c != '\n') return 0;   /* a bare LF ends the line too */
        d->state = CHUNK_SIZE_FIRST;
        d->chunk_left = 0;
        return 1;
    case CHUNK_DATA_LF:
        if (c != '\n') return 0;
        d->state = CHUNK_SIZE_FIRST;
        d->chunk_left = 0;
        return 1;
    }
    return 0;
}

static enum http_result finish_trailers(struct http_chunked_decoder *d)
{
    if (!block_alloc_strings(&d->block)) return HTTP_ERR_NO_MEMORY;
    return parse_fields(&d->block, 0, d->block.strings, &d->trailers, &d->trailer_count);
}

static enum http_result chunked_step(struct http_chunked_decoder *d, const unsigned char *in,
                                     size_t in_len, size_t *pos, unsigned char *out,
                                     size_t out_cap, size_t *out_len)
{
    while (*pos < in_len)
    {
        if (d->state == CHUNK_DATA)
        {
            size_t n = in_len - *pos;
            if (n > out_cap - *out_len) n = out_cap - *out_len;
            if (n > d->chunk_left) n = (size_t)d->chunk_left;
            if (!n) return HTTP_NEED_MORE;   /* the output is full */
            memmove(out + *out_len, in + *pos, n);
            *out_len += n;
            *pos += n;
            if (!(d->chunk_left -= n)) d->state = CHUNK_DATA_END;
        }
        else if (d->state == CHUNK_TRAILER)
        {
            size_t used;
            enum http_result ret = block_collect(&d->block, (const char *)in + *pos,
                                                 in_len - *pos, &used, 0);
            *pos += used;
            if (ret == HTTP_DONE) ret = finish_trailers(d);
            if (ret == HTTP_DONE) d->state = CHUNK_DONE;
            return ret;
        }
        else if (!framing_byte(d, in[(*pos)++])) return HTTP_ERR_INVALID_RESPONSE;
    }
    return HTTP_NEED_MORE;
}

enum http_result http_chunked_feed(struct http_chunked_decoder *d, const void *in, size_t in_len,
                                   size_t *in_consumed, void *out, size_t out_cap,
                                   size_t *out_len)
{
    enum http_result ret;
    size_t pos = 0;

    *in_consumed = *out_len = 0;
    if (d->state == CHUNK_DONE) return HTTP_DONE;
    if (d->state == CHUNK_ERROR) return HTTP_ERR_INVALID_RESPONSE;
    ret = chunked_step(d, in, in_len, &pos, out, out_cap, out_len);
    *in_consumed = pos;
    if (ret != HTTP_NEED_MORE && ret != HTTP_DONE) d->state = CHUNK_ERROR;
    return ret;
}

/* ---- growable byte buffer ---- */

void http_buf_init(struct http_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void http_buf_free(struct http_buf *b)
{
    free(b->data);
    http_buf_init(b);
}

enum http_result http_buf_append(struct http_buf *b, const void *data, size_t len)
{
    if (len > SIZE_MAX - b->len) return HTTP_ERR_NO_MEMORY;
    if (b->len + len > b->cap)
    {
        size_t cap = b->cap ? b->cap : 256;
        char *grown;
        while (cap < b->len + len) cap = cap > SIZE_MAX / 2 ? b->len + len : cap * 2;
        if (!(grown = realloc(b->data, cap))) return HTTP_ERR_NO_MEMORY;
        b->data = grown;
        b->cap = cap;
    }
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    return HTTP_DONE;
}

static enum http_result append_str(struct http_buf *b, const char *str)
{
    return http_buf_append(b, str, strlen(str));
}

/* ---- request writer ---- */

/* Decodes one code point at *i (surrogate pairs joined, a lone surrogate
 * becomes U+FFFD) and UTF-8 encodes it; returns the byte count. */
static size_t utf8_next(const wchar16 *str, size_t *i, unsigned char bytes[4])
{
    uint32_t c = str[(*i)++];
    if (c >= 0xd800 && c <= 0xdbff && str[*i] >= 0xdc00 && str[*i] <= 0xdfff)
        c = 0x10000 + ((c - 0xd800) << 10) + (str[(*i)++] - 0xdc00);
    else if (c >= 0xd800 && c <= 0xdfff)
        c = 0xfffd;
    if (c < 0x80) { bytes[0] = (unsigned char)c; return 1; }
    if (c < 0x800) { bytes[0] = 0xc0 | (c >> 6); bytes[1] = 0x80 | (c & 0x3f); return 2; }
    if (c < 0x10000)
    {
        bytes[0] = 0xe0 | (c >> 12); bytes[1] = 0x80 | ((c >> 6) & 0x3f);
        bytes[2] = 0x80 | (c & 0x3f);
        return 3;
    }
    bytes[0] = 0xf0 | (c >> 18); bytes[1] = 0x80 | ((c >> 12) & 0x3f);
    bytes[2] = 0x80 | ((c >> 6) & 0x3f); bytes[3] = 0x80 | (c & 0x3f);
    return 4;
}

static enum http_result append_utf8(struct http_buf *b, const wchar16 *str)
{
    unsigned char bytes[4];
    size_t i = 0;
    while (str[i])
    {
        size_t n = utf8_next(str, &i, bytes);
        if (http_buf_append(b, bytes, n) != HTTP_DONE) return HTTP_ERR_NO_MEMORY;
    }
    return HTTP_DONE;
}

static int has_char(const wchar16 *str, int (*bad)(wchar16))
{
    for (; *str; str++) if (bad(*str)) return 1;
    return 0;
}

static int is_line_break(wchar16 c) { return c == '\r' || c == '\n'; }
static int is_not_token_safe(wchar16 c) { return c <= ' ' || c == 0x7f; }
static int is_not_name_safe(wchar16 c) { return c <= ' ' || c == 0x7f || c == ':'; }

/* What native WinHTTP escapes in an object name (observed: Wine's test
 * suite, run on Windows): controls, space, DEL and the RFC 1738 "unsafe"
 * characters, in the path and the query alike; '%' only when asked. */
static int must_escape(unsigned char c, unsigned flags)
{
    return c <= ' ' || c >= 0x7f || (c && strchr("\"#<>[\\]^`{|}", c)) ||
           ((flags & HTTP_ESCAPE_PERCENT) && c == '%');
}

/* One byte of the request target.  With escaping disabled native still
 * escapes what the request line cannot carry: spaces and the bytes of
 * non-ASCII characters; CR and LF are left out, never sent raw.  A NUL
 * (only a code page's query bytes can hold one) is always escaped. */
static enum http_result escape_byte(struct http_buf *b, unsigned char c, int escaping, unsigned flags)
{
    static const char hex[] = "0123456789ABCDEF";
    char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

    if (c == ' ' || !c || c >= 0x80 || (escaping && must_escape(c, flags))) return http_buf_append(b, esc, 3);
    if (c != '\r' && c != '\n') return http_buf_append(b, &c, 1);
    return HTTP_DONE;
}

enum http_result http_escape_path(struct http_buf *b, const wchar16 *path, const char *query, size_t query_len,
                                  unsigned flags)
{
    int escaping = !(flags & HTTP_ESCAPE_DISABLE);
    size_t i = 0, start = b->len;
    enum http_result ret = HTTP_DONE;

    while (ret == HTTP_DONE && path[i])
    {
        unsigned char bytes[4];
        size_t n;
        if (path[i] == '?')
        {
            if (flags & HTTP_ESCAPE_DISABLE_QUERY) escaping = 0;
            if (query) break;
        }
        n = utf8_next(path, &i, bytes);
        for (size_t k = 0; ret == HTTP_DONE && k < n; k++) ret = escape_byte(b, bytes[k], escaping, flags);
    }
    /* the query in the caller's code page, from its '?' */
    if (query && path[i])
        for (size_t k = 0; ret == HTTP_DONE && k < query_len; k++)
            ret = escape_byte(b, (unsigned char)query[k], escaping, flags);
    if (ret != HTTP_DONE) b->len = start;
    return ret;
}

enum http_result http_write_request_line_query(struct http_buf *b, const wchar16 *verb, const wchar16 *origin,
                                               const wchar16 *path, const char *query, size_t query_len,
                                               const wchar16 *version, unsigned flags)
{
    size_t start = b->len;
    enum http_result ret;

    if (!verb || !verb[0] || has_char(verb, is_not_token_safe)) return HTTP_ERR_INVALID_PARAMETER;
    if (version && (!version[0] || has_char(version, is_not_token_safe))) return HTTP_ERR_INVALID_PARAMETER;

    if (origin && has_char(origin, is_line_break)) return HTTP_ERR_INVALID_PARAMETER;

    if ((ret = append_utf8(b, verb)) == HTTP_DONE && (ret = append_str(b, " ")) == HTTP_DONE && origin)
        ret = append_utf8(b, origin);
    if (ret == HTTP_DONE)
    {
        if (path && path[0]) ret = http_escape_path(b, path, query, query_len, flags);
        else ret = append_str(b, "/");
    }
    if (ret == HTTP_DONE) ret = append_str(b, " ");
    if (ret == HTTP_DONE) ret = version ? append_utf8(b, version) : append_str(b, "HTTP/1.1");
    if (ret == HTTP_DONE) ret = append_str(b, "\r\n");
    if (ret != HTTP_DONE) b->len = start;
    return ret;
}

enum http_result http_write_request_line(struct http_buf *b, const wchar16 *verb, const wchar16 *origin,
                                         const wchar16 *path, const wchar16 *version, unsigned flags)
{
    return http_write_request_line_query(b, verb, origin, path, NULL, 0, version, flags);
}

enum http_result http_write_header(struct http_buf *b, const wchar16 *name, const wchar16 *value)
{
    size_t start = b->len;
    enum http_result ret;

    if (!name || !name[0] || has_char(name, is_not_name_safe)) return HTTP_ERR_INVALID_HEADER;
    if (!value) return HTTP_ERR_INVALID_HEADER;
    if (has_char(value, is_line_break)) return HTTP_ERR_INVALID_HEADER;

    if ((ret = append_utf8(b, name)) == HTTP_DONE && (ret = append_str(b, ": ")) == HTTP_DONE &&
        (ret = append_utf8(b, value)) == HTTP_DONE)
        ret = append_str(b, "\r\n");
    if (ret != HTTP_DONE) b->len = start;
    return ret;
}

enum http_result http_write_request_head(struct http_buf *b, const wchar16 *verb,
                                         const wchar16 *path, const wchar16 *version,
                                         const struct http_wheader *headers, size_t count,
                                         unsigned flags)
{
    size_t start = b->len;
    enum http_result ret = http_write_request_line(b, verb, NULL, path, version, flags);

    for (size_t i = 0; ret == HTTP_DONE && i < count; i++)
        ret = http_write_header(b, headers[i].name, headers[i].value);
    if (ret == HTTP_DONE) ret = append_str(b, "\r\n");
    if (ret != HTTP_DONE) b->len = start;
    return ret;
}
