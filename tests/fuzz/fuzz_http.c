/* libFuzzer harness for http.c.  The first 4 bytes configure the run (request
 * kind, head/trailer limits, output buffer size, split seed); the rest is a
 * byte stream from a server, fed in splits drawn from the seed through the
 * head parser (skipping 1xx), body framing and the chunked decoder, for up to
 * a few pipelined responses.  The same bytes also drive the request writer as
 * UTF-16, checking that no CR or LF ever escapes into a line, and the
 * Content-Type charset reader (charset.c), whose answer is the fallback or a
 * code page. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "http.h"
#include "charset.h"

struct splitter { uint32_t state; };

static size_t next_split(struct splitter *s, size_t left)
{
    size_t n;
    s->state = s->state * 1103515245u + 12345u;
    n = 1 + (s->state >> 16) % 64;
    if ((s->state >> 8) % 8 == 0) n = left;   /* sometimes all the rest */
    return n > left ? left : n;
}

static void check_headers(const struct http_header *h, size_t count)
{
    for (size_t i = 0; i < count; i++)
    {
        assert(strlen(h[i].name) == h[i].name_len && h[i].name_len);
        assert(strlen(h[i].value) == h[i].value_len);
        assert(!memchr(h[i].value, '\n', h[i].value_len) && !memchr(h[i].value, '\r', h[i].value_len));
    }
}

/* Parses one head (skipping interim ones) from data; returns bytes used or 0. */
static size_t parse_head(struct http_head_parser *p, const uint8_t *data, size_t len,
                         struct splitter *s, int *ok)
{
    size_t pos = 0;
    int interim = 0;
    *ok = 0;
    while (pos < len)
    {
        size_t n = next_split(s, len - pos), used;
        enum http_result ret = http_head_parser_feed(p, data + pos, n, &used);
        assert(used <= n);
        pos += used;
        if (ret == HTTP_NEED_MORE) { assert(used == n); continue; }
        if (ret != HTTP_DONE) return pos;
        assert(p->head.status >= 100 && p->head.status <= 999);
        assert(strlen(p->head.reason) == p->head.reason_len);
        check_headers(p->head.headers, p->head.header_count);
        if (!http_status_is_interim(p->head.status) || ++interim > 4) { *ok = 1; return pos; }
        http_head_parser_reset(p);
    }
    return pos;
}

static size_t decode_chunked(const uint8_t *data, size_t len, size_t out_cap, size_t max_trailer,
                             struct splitter *s, int *done)
{
    struct http_chunked_decoder d;
    uint8_t *out = malloc(out_cap);
    size_t pos = 0;
    *done = 0;
    http_chunked_init(&d, max_trailer);
    while (pos < len)
    {
        size_t end = pos + next_split(s, len - pos), used, produced;
        enum http_result ret = HTTP_NEED_MORE;
        while (pos < end)
        {
            ret = http_chunked_feed(&d, data + pos, end - pos, &used, out, out_cap, &produced);
            assert(used <= end - pos && produced <= out_cap && produced <= used);
            pos += used;
            if (ret != HTTP_NEED_MORE || (!used && !produced)) break;
        }
        if (ret == HTTP_DONE) { check_headers(d.trailers, d.trailer_count); *done = 1; break; }
        if (ret != HTTP_NEED_MORE) break;
    }
    http_chunked_free(&d);
    free(out);
    return pos;
}

/* In place, in one go: must agree with the split run on where the body ends. */
static size_t decode_in_place(const uint8_t *data, size_t len, int *done)
{
    struct http_chunked_decoder d;
    uint8_t *copy = malloc(len ? len : 1);
    size_t used, produced;
    enum http_result ret;
    memcpy(copy, data, len);
    http_chunked_init(&d, 0);
    ret = http_chunked_feed(&d, copy, len, &used, copy, len, &produced);
    assert(produced <= used && used <= len);
    *done = ret == HTTP_DONE;
    http_chunked_free(&d);
    free(copy);
    return used;
}

static void fuzz_writer(const uint8_t *data, size_t size, unsigned flags)
{
    size_t count = size / 2, third = count / 3;
    wchar16 *w = calloc(count + 3, sizeof(*w));
    struct http_buf b;
    struct http_wheader h;
    memcpy(w, data, count * 2);
    for (size_t i = 0; i < count; i++) if (!w[i]) w[i] = 'x';
    /* three NUL-terminated strings: verb|path, name, value */
    memmove(w + third * 2 + 2, w + third * 2, (count - third * 2) * sizeof(*w));
    memmove(w + third + 1, w + third, third * sizeof(*w));
    w[third] = 0;
    w[third * 2 + 1] = 0;
    w[count + 2] = 0;
    h.name = w + third + 1;
    h.value = w + third * 2 + 2;
    http_buf_init(&b);
    if (http_write_request_head(&b, (const wchar16 *)u"GET", w, NULL, &h, 1, flags) == HTTP_DONE)
    {
        /* exactly three line ends: request line, header, blank line */
        size_t lf = 0;
        for (size_t i = 0; i < b.len; i++)
        {
            if (b.data[i] == '\r') assert(i + 1 < b.len && b.data[i + 1] == '\n');
            if (b.data[i] == '\n') { assert(i && b.data[i - 1] == '\r'); lf++; }
        }
        assert(lf == 3);
    }
    /* the query as another code page's bytes (WINHTTP_OPTION_CODEPAGE): the
     * raw input, any byte; one line, no NUL, nothing past ASCII */
    b.len = 0;
    if (http_write_request_line_query(&b, (const wchar16 *)u"GET", NULL, w, (const char *)data, size, NULL, flags)
        == HTTP_DONE)
    {
        for (size_t i = 0; i + 2 < b.len; i++)
            assert(b.data[i] != '\r' && b.data[i] != '\n' && b.data[i] && (unsigned char)b.data[i] < 0x80);
        assert(b.len >= 2 && b.data[b.len - 2] == '\r' && b.data[b.len - 1] == '\n');
    }
    http_buf_free(&b);
    free(w);
}

/* The bytes as a UTF-16 media type, in a heap block of exactly its size. */
static void fuzz_charset(const uint8_t *data, size_t size)
{
    size_t len = size / 2;
    wchar16 *type = malloc(len ? len * sizeof(wchar16) : 1);
    unsigned int codepage;

    if (!type) return;
    memcpy(type, data, len * sizeof(wchar16));
    codepage = charset_codepage(type, len, 7);
    assert(codepage == 7 || (codepage > 0 && codepage <= 65535));
    free(type);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum http_request_kind kinds[] = { HTTP_REQUEST_OTHER, HTTP_REQUEST_HEAD, HTTP_REQUEST_CONNECT };
    struct http_head_parser p;
    struct splitter s;
    size_t pos = 0, max_head, max_trailer, out_cap;
    enum http_request_kind kind;

    if (size < 4) return 0;
    kind = kinds[data[0] % 3];
    max_head = data[1] & 1 ? 64 + data[1] * 4 : 0;
    max_trailer = data[1] & 2 ? 16 + data[1] : 0;
    out_cap = 1 + data[2] % 128;
    s.state = data[3] | (uint32_t)data[2] << 8;
    fuzz_writer(data, size, data[0] & (HTTP_ESCAPE_PERCENT | HTTP_ESCAPE_DISABLE | HTTP_ESCAPE_DISABLE_QUERY));
    fuzz_charset(data, size);
    data += 4;
    size -= 4;

    http_head_parser_init(&p, max_head);
    for (int response = 0; response < 4 && pos < size; response++)
    {
        struct http_framing f;
        int ok, done, done2;
        size_t used;

        http_head_parser_reset(&p);
        pos += parse_head(&p, data + pos, size - pos, &s, &ok);
        assert(pos <= size);
        if (!ok || http_body_framing(&p.head, kind, &f) != HTTP_DONE) break;
        if (f.kind == HTTP_BODY_CLOSE) break;
        if (f.kind == HTTP_BODY_LENGTH)
        {
            if (f.length > size - pos) break;
            pos += (size_t)f.length;
        }
        else if (f.kind == HTTP_BODY_CHUNKED)
        {
            used = decode_chunked(data + pos, size - pos, out_cap, max_trailer, &s, &done);
            if (!max_trailer)
            {
                size_t used2 = decode_in_place(data + pos, size - pos, &done2);
                assert(done == done2);
                if (done) assert(used == used2);
            }
            pos += used;
            if (!done) break;
        }
    }
    http_head_parser_free(&p);
    return 0;
}
