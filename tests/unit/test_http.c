/* Host tests of http.c: head parser, body framing, chunked decoder, request
 * writer, including every byte split of sample input. */
#include <stdlib.h>
#include <uchar.h>
#include "unit.h"
#include "http.h"
#include "charset.h"

#define W(s) ((const wchar16 *)u##s)

/* ---- helpers ---- */

/* A printable summary of a parsed head, to compare results of different splits. */
static void describe(const struct http_response_head *h, char *out, size_t size)
{
    int n = snprintf(out, size, "%u.%u %u [%s]", h->version_major, h->version_minor, h->status, h->reason);
    for (size_t i = 0; i < h->header_count && n > 0 && (size_t)n < size; i++)
        n += snprintf(out + n, size - n, " {%s}={%s}", h->headers[i].name, h->headers[i].value);
}

/* Feeds data in pieces of the given sizes (cycled; 0 means all the rest). */
static enum http_result feed_head(struct http_head_parser *p, const char *data, size_t len,
                                  const size_t *pieces, size_t npieces, size_t *consumed)
{
    enum http_result ret = HTTP_NEED_MORE;
    size_t pos = 0, k = 0;
    *consumed = 0;
    while (pos < len || (pos == len && k == 0))
    {
        size_t n = npieces ? pieces[k++ % npieces] : 0;
        size_t used;
        if (!n || n > len - pos) n = len - pos;
        ret = http_head_parser_feed(p, data + pos, n, &used);
        *consumed += used;
        if (ret != HTTP_NEED_MORE) break;
        CHECK_INT(used, n);
        pos += n;
        if (!n) break;
    }
    return ret;
}

static enum http_result parse_once(const char *text, size_t max, char *desc, size_t desc_size,
                                   size_t *consumed)
{
    struct http_head_parser p;
    enum http_result ret;
    size_t used;
    http_head_parser_init(&p, max);
    ret = feed_head(&p, text, strlen(text), NULL, 0, consumed ? consumed : &used);
    if (desc) { desc[0] = 0; if (ret == HTTP_DONE) describe(&p.head, desc, desc_size); }
    http_head_parser_free(&p);
    return ret;
}

static enum http_result parse_result(const char *text)
{
    return parse_once(text, 0, NULL, 0, NULL);
}

static int check_desc(const char *text, const char *want)
{
    char desc[2048];
    enum http_result ret = parse_once(text, 0, desc, sizeof(desc), NULL);
    CHECK_INT(ret, HTTP_DONE);
    CHECK_MSG(!strcmp(desc, want), "got '%s' want '%s'", desc, want);
    return !strcmp(desc, want);
}

/* ---- head parser ---- */

static const char sample[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: test\r\n"
    "Content-Type: text/plain\n"
    "X-Folded: first\r\n"
    "   second\r\n"
    "\tthird\r\n"
    "Empty:\r\n"
    "Set-Cookie: a=1\r\n"
    "Set-Cookie: b=2\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "body";
static const char sample_desc[] =
    "1.1 200 [OK] {Server}={test} {Content-Type}={text/plain} {X-Folded}={first second third}"
    " {Empty}={} {Set-Cookie}={a=1} {Set-Cookie}={b=2} {Content-Length}={4}";

static void test_basic(void)
{
    char desc[1024];
    size_t consumed;
    CHECK_INT(parse_once(sample, 0, desc, sizeof(desc), &consumed), HTTP_DONE);
    CHECK_MSG(!strcmp(desc, sample_desc), "%s", desc);
    CHECK_INT(consumed, strlen(sample) - 4);

    check_desc("HTTP/1.0 404 Not Found\r\n\r\n", "1.0 404 [Not Found]");
    check_desc("HTTP/1.1 200 \r\n\r\n", "1.1 200 []");
    check_desc("HTTP/1.1 200\r\n\r\n", "1.1 200 []");
    check_desc("HTTP/1.1 599 Odd reason: with colon\r\n\r\n", "1.1 599 [Odd reason: with colon]");
    check_desc("HTTP/1.1 200 OK\nA: 1\nB:2  \n\n", "1.1 200 [OK] {A}={1} {B}={2}");
    check_desc("\r\n\nHTTP/1.1 200 OK\r\n\r\n", "1.1 200 [OK]");   /* stray blank lines */
    check_desc("HTTP/1.1 200 OK\r\nName : v\r\n\r\n", "1.1 200 [OK] {Name}={v}");
    check_desc("HTTP/1.1 200 OK\r\nX:  \t\r\n\r\n", "1.1 200 [OK] {X}={}");
    check_desc("HTTP/1.1 200 OK\r\nX: a\r\n \r\n\r\n", "1.1 200 [OK] {X}={a}");
    check_desc("HTTP/1.1 200 OK\r\nX: \xc3\xa9\xff\r\n\r\n", "1.1 200 [OK] {X}={\xc3\xa9\xff}");
}

static void test_head_errors(void)
{
    static const char *bad[] = {
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 099 OK\r\n\r\n",
        "HTTP/1.1 abc OK\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.x 200 OK\r\n\r\n",
        "HTTX/1.1 200 OK\r\n\r\n",
        "HTTP/1.1  200 OK\r\n\r\n",
        "http/1.1 200 OK\r\n\r\n",
        "HTTP/1.1\r\n\r\n",
        "garbage\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded-first: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\r\r\n\r\n",
        "HTTP/1.1 200 O\rK\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_MSG(parse_result(bad[i]) == HTTP_ERR_INVALID_RESPONSE, "case %zu: %s", i, bad[i]);

    /* NUL bytes inside a line */
    {
        static const char nul[] = "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n";
        struct http_head_parser p;
        size_t used;
        http_head_parser_init(&p, 0);
        CHECK_INT(http_head_parser_feed(&p, nul, sizeof(nul) - 1, &used), HTTP_ERR_INVALID_RESPONSE);
        /* errors are sticky */
        CHECK_INT(http_head_parser_feed(&p, "x", 1, &used), HTTP_ERR_INVALID_RESPONSE);
        CHECK_INT(used, 0);
        http_head_parser_free(&p);
    }
    /* incomplete heads want more */
    CHECK_INT(parse_result("HTTP/1.1 200 OK\r\nX: 1\r\n"), HTTP_NEED_MORE);
    CHECK_INT(parse_result("HTTP/1.1 200 OK\r\n\r"), HTTP_NEED_MORE);
    CHECK_INT(parse_result(""), HTTP_NEED_MORE);
}

static void test_overflow(void)
{
    struct http_head_parser p;
    size_t used, len;
    char *big;
    enum http_result ret;

    /* exactly at the limit is fine, one byte over is not */
    static const char head[] = "HTTP/1.1 200 OK\r\nX: 12345\r\n\r\n";
    CHECK_INT(parse_once(head, sizeof(head) - 1, NULL, 0, NULL), HTTP_DONE);
    CHECK_INT(parse_once(head, sizeof(head) - 2, NULL, 0, NULL), HTTP_ERR_HEADER_SIZE_OVERFLOW);

    /* one 70 KiB header against the default 64 KiB */
    len = 70 * 1024;
    big = malloc(len + 64);
    strcpy(big, "HTTP/1.1 200 OK\r\nX-Big: ");
    memset(big + strlen(big), 'a', len);
    strcpy(big + 24 + len, "\r\n\r\n");
    CHECK_INT(parse_once(big, 0, NULL, 0, NULL), HTTP_ERR_HEADER_SIZE_OVERFLOW);
    CHECK_INT(parse_once(big, 128 * 1024, NULL, 0, NULL), HTTP_DONE);

    /* fed in small pieces with no line end: still stops at the limit */
    http_head_parser_init(&p, 0);
    {
        size_t pieces[] = { 1000 };
        ret = feed_head(&p, big, 24 + len, pieces, 1, &used);
    }
    CHECK_INT(ret, HTTP_ERR_HEADER_SIZE_OVERFLOW);
    CHECK(used <= HTTP_DEFAULT_MAX_HEAD);
    http_head_parser_free(&p);

    /* many small headers adding up past the limit */
    {
        size_t n = 0;
        char *many = malloc(80000);
        n += sprintf(many, "HTTP/1.1 200 OK\r\n");
        while (n < 70000) n += sprintf(many + n, "H%zu: v\r\n", n);
        strcpy(many + n, "\r\n");
        CHECK_INT(parse_once(many, 0, NULL, 0, NULL), HTTP_ERR_HEADER_SIZE_OVERFLOW);
        CHECK_INT(parse_once(many, 100000, NULL, 0, NULL), HTTP_DONE);
        free(many);
    }
    free(big);
}

static void test_interim(void)
{
    static const char text[] = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    struct http_head_parser p;
    size_t used, pos = 0;
    struct http_framing f;

    http_head_parser_init(&p, 0);
    CHECK_INT(http_head_parser_feed(&p, text, sizeof(text) - 1, &used), HTTP_DONE);
    CHECK_INT(p.head.status, 100);
    CHECK(http_status_is_interim(p.head.status));
    CHECK_INT(http_body_framing(&p.head, HTTP_REQUEST_OTHER, &f), HTTP_DONE);
    CHECK_INT(f.kind, HTTP_BODY_NONE);
    pos += used;
    /* done is sticky until reset */
    CHECK_INT(http_head_parser_feed(&p, text + pos, sizeof(text) - 1 - pos, &used), HTTP_DONE);
    CHECK_INT(used, 0);
    http_head_parser_reset(&p);
    CHECK_INT(http_head_parser_feed(&p, text + pos, sizeof(text) - 1 - pos, &used), HTTP_DONE);
    pos += used;
    CHECK_INT(p.head.status, 200);
    CHECK(!http_status_is_interim(p.head.status));
    CHECK_INT(sizeof(text) - 1 - pos, 2);
    CHECK_INT(http_body_framing(&p.head, HTTP_REQUEST_OTHER, &f), HTTP_DONE);
    CHECK_INT(f.kind, HTTP_BODY_LENGTH);
    CHECK_INT(f.length, 2);
    http_head_parser_free(&p);
}

static void check_split(const char *text, size_t len, const size_t *pieces, size_t npieces,
                        const char *want_desc, size_t want_consumed)
{
    struct http_head_parser p;
    size_t consumed;
    char desc[1024] = "";
    enum http_result ret;
    http_head_parser_init(&p, 0);
    ret = feed_head(&p, text, len, pieces, npieces, &consumed);
    if (ret == HTTP_DONE) describe(&p.head, desc, sizeof(desc));
    CHECK_INT(ret, HTTP_DONE);
    CHECK_INT(consumed, want_consumed);
    CHECK_MSG(!strcmp(desc, want_desc), "%s", desc);
    http_head_parser_free(&p);
}

static void test_splits(void)
{
    size_t len = strlen(sample), want = len - 4;
    size_t one = 1;
    int failed_before = unit_failed;

    check_split(sample, len, &one, 1, sample_desc, want);
    for (size_t i = 1; i < len; i++)
    {
        size_t pieces[2] = { i, 0 };
        check_split(sample, len, pieces, 2, sample_desc, want);
    }
    /* every pair of split points */
    for (size_t i = 1; i < len && unit_failed == failed_before; i++)
        for (size_t j = 1; i + j < len; j++)
        {
            size_t pieces[3] = { i, j, 0 };
            check_split(sample, len, pieces, 3, sample_desc, want);
        }
    srand(12345);
    for (int r = 0; r < 2000; r++)
    {
        size_t pieces[8];
        for (int k = 0; k < 8; k++) pieces[k] = 1 + rand() % 20;
        check_split(sample, len, pieces, 8, sample_desc, want);
    }
}

static void test_find_header(void)
{
    struct http_head_parser p;
    size_t used;
    const struct http_header *h;
    http_head_parser_init(&p, 0);
    CHECK_INT(http_head_parser_feed(&p, sample, sizeof(sample) - 1, &used), HTTP_DONE);
    h = http_find_header(p.head.headers, p.head.header_count, "set-COOKIE", 1);
    CHECK(h && !strcmp(h->value, "b=2") && h->value_len == 3 && h->name_len == 10);
    CHECK(!http_find_header(p.head.headers, p.head.header_count, "set-cookie", 2));
    CHECK(!http_find_header(p.head.headers, p.head.header_count, "Missing", 0));
    h = http_find_header(p.head.headers, p.head.header_count, "x-folded", 0);
    CHECK(h && h->value_len == strlen("first second third"));
    http_head_parser_free(&p);
}

/* ---- framing ---- */

static int framing_of(const char *status_and_headers, enum http_request_kind kind,
                      struct http_framing *f)
{
    char text[1024];
    struct http_head_parser p;
    size_t used;
    int ret;
    snprintf(text, sizeof(text), "%s\r\n", status_and_headers);
    http_head_parser_init(&p, 0);
    ret = http_head_parser_feed(&p, text, strlen(text), &used);
    CHECK_MSG(ret == HTTP_DONE, "%s", text);
    if (ret == HTTP_DONE) ret = http_body_framing(&p.head, kind, f);
    http_head_parser_free(&p);
    return ret;
}

#define OK200 "HTTP/1.1 200 OK\r\n"

static void check_framing(const char *head, enum http_request_kind kind, int want_ret,
                          enum http_body_kind want_kind, uint64_t want_len)
{
    struct http_framing f = { HTTP_BODY_NONE, 0 };
    int ret = framing_of(head, kind, &f);
    CHECK_MSG(ret == want_ret, "%s: ret %d", head, ret);
    if (ret == HTTP_DONE && want_ret == HTTP_DONE)
    {
        CHECK_MSG(f.kind == want_kind, "%s: kind %d", head, f.kind);
        CHECK_MSG(f.length == want_len, "%s: length %llu", head, (unsigned long long)f.length);
    }
}

static void test_framing(void)
{
    const int OK = HTTP_DONE, BAD = HTTP_ERR_INVALID_RESPONSE;
    const enum http_request_kind GET = HTTP_REQUEST_OTHER;

    check_framing(OK200 "Content-Length: 10\r\n", GET, OK, HTTP_BODY_LENGTH, 10);
    check_framing(OK200 "Content-Length: 0\r\n", GET, OK, HTTP_BODY_LENGTH, 0);
    check_framing(OK200 "Content-Length: 10, 10\r\n", GET, OK, HTTP_BODY_LENGTH, 10);
    check_framing(OK200 "Content-Length: 10,10 ,10\r\n", GET, OK, HTTP_BODY_LENGTH, 10);
    check_framing(OK200 "Content-Length: 10\r\ncontent-length: 10\r\n", GET, OK, HTTP_BODY_LENGTH, 10);
    check_framing(OK200 "Content-Length: 007\r\n", GET, OK, HTTP_BODY_LENGTH, 7);
    check_framing(OK200 "Content-Length: 18446744073709551615\r\n", GET, OK, HTTP_BODY_LENGTH, UINT64_MAX);
    check_framing(OK200 "Content-Length: 18446744073709551616\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length: 99999999999999999999999\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length: 10\r\nContent-Length: 11\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length: 10, 11\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length: abc\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length: 1 0\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length: -1\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length: +1\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length: 0x10\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length:\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length: ,\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length: 5\r\nContent-Length:\r\n", GET, BAD, 0, 0);

    check_framing(OK200 "Transfer-Encoding: chunked\r\n", GET, OK, HTTP_BODY_CHUNKED, 0);
    check_framing(OK200 "Transfer-Encoding: CHUNKED\r\n", GET, OK, HTTP_BODY_CHUNKED, 0);
    check_framing(OK200 "Transfer-Encoding: gzip, chunked\r\n", GET, OK, HTTP_BODY_CHUNKED, 0);
    check_framing(OK200 "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", GET, OK, HTTP_BODY_CHUNKED, 0);
    check_framing(OK200 "Transfer-Encoding: chunked, gzip\r\n", GET, OK, HTTP_BODY_CLOSE, 0);
    check_framing(OK200 "Transfer-Encoding: gzip\r\n", GET, OK, HTTP_BODY_CLOSE, 0);
    check_framing(OK200 "Transfer-Encoding: chunked, chunked\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n", GET, BAD, 0, 0);
    check_framing(OK200 "Transfer-Encoding: identity\r\n", GET, OK, HTTP_BODY_CLOSE, 0);
    check_framing(OK200 "Transfer-Encoding: identity\r\nContent-Length: 3\r\n", GET, OK, HTTP_BODY_LENGTH, 3);
    check_framing(OK200 "Transfer-Encoding: ,chunked,\r\n", GET, OK, HTTP_BODY_CHUNKED, 0);
    check_framing("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n", GET, OK, HTTP_BODY_CHUNKED, 0);

    check_framing(OK200, GET, OK, HTTP_BODY_CLOSE, 0);
    check_framing("HTTP/1.0 200 OK\r\n", GET, OK, HTTP_BODY_CLOSE, 0);

    check_framing(OK200 "Content-Length: 10\r\n", HTTP_REQUEST_HEAD, OK, HTTP_BODY_NONE, 0);
    check_framing(OK200 "Content-Length: bogus\r\n", HTTP_REQUEST_HEAD, OK, HTTP_BODY_NONE, 0);
    check_framing(OK200 "Transfer-Encoding: chunked\r\n", HTTP_REQUEST_HEAD, OK, HTTP_BODY_NONE, 0);
    check_framing("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n", GET, OK, HTTP_BODY_NONE, 0);
    check_framing("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n", GET, OK, HTTP_BODY_NONE, 0);
    check_framing("HTTP/1.1 100 Continue\r\n", GET, OK, HTTP_BODY_NONE, 0);
    check_framing("HTTP/1.1 101 Switching Protocols\r\n", GET, OK, HTTP_BODY_NONE, 0);
    check_framing("HTTP/1.1 199 Whatever\r\nContent-Length: 3\r\n", GET, OK, HTTP_BODY_NONE, 0);
    check_framing(OK200, HTTP_REQUEST_CONNECT, OK, HTTP_BODY_NONE, 0);
    check_framing("HTTP/1.1 407 Proxy Auth\r\nContent-Length: 3\r\n", HTTP_REQUEST_CONNECT, OK, HTTP_BODY_LENGTH, 3);
    check_framing("HTTP/1.1 205 Reset\r\nContent-Length: 0\r\n", GET, OK, HTTP_BODY_LENGTH, 0);

    CHECK_INT(http_request_kind_of(W("HEAD")), HTTP_REQUEST_HEAD);
    CHECK_INT(http_request_kind_of(W("CONNECT")), HTTP_REQUEST_CONNECT);
    CHECK_INT(http_request_kind_of(W("GET")), HTTP_REQUEST_OTHER);
    CHECK_INT(http_request_kind_of(W("HEADS")), HTTP_REQUEST_OTHER);
    CHECK_INT(http_request_kind_of(W("H")), HTTP_REQUEST_OTHER);
    CHECK_INT(http_request_kind_of(W("head")), HTTP_REQUEST_OTHER);
    CHECK_INT(http_request_kind_of(NULL), HTTP_REQUEST_OTHER);
}

/* ---- chunked decoder ---- */

struct dechunked
{
    enum http_result ret;
    size_t consumed;
    char body[4096];
    size_t body_len;
    char trailers[1024];
};

/* Decodes with the given input pieces (cycled, 0 = the rest) and output capacity. */
static void dechunk(const char *text, size_t len, const size_t *pieces, size_t npieces,
                    size_t out_cap, size_t max_trailer, struct dechunked *r)
{
    struct http_chunked_decoder d;
    size_t pos = 0, k = 0;
    char out[4096];

    memset(r, 0, sizeof(*r));
    r->ret = HTTP_NEED_MORE;
    if (out_cap > sizeof(out)) out_cap = sizeof(out);
    http_chunked_init(&d, max_trailer);
    while (pos < len)
    {
        size_t n = npieces ? pieces[k++ % npieces] : 0;
        size_t end, used, produced;
        if (!n || n > len - pos) n = len - pos;
        end = pos + n;
        while (pos < end)
        {
            r->ret = http_chunked_feed(&d, text + pos, end - pos, &used, out, out_cap, &produced);
            if (produced > out_cap) { CHECK(0); break; }
            if (r->body_len + produced <= sizeof(r->body))
                memcpy(r->body + r->body_len, out, produced);
            r->body_len += produced;
            pos += used;
            if (r->ret != HTTP_NEED_MORE) goto done;
            if (!used && !produced) { CHECK_MSG(0, "no progress"); goto done; }
        }
    }
done:
    r->consumed = pos;
    if (r->ret == HTTP_DONE)
    {
        int m = 0;
        for (size_t i = 0; i < d.trailer_count; i++)
            m += snprintf(r->trailers + m, sizeof(r->trailers) - m, "{%s}={%s}",
                          d.trailers[i].name, d.trailers[i].value);
    }
    http_chunked_free(&d);
}

static void check_dechunk(const char *text, int want_ret, const char *want_body, const char *want_trailers)
{
    struct dechunked r;
    size_t len = strlen(text);
    dechunk(text, len, NULL, 0, 4096, 0, &r);
    CHECK_MSG((int)r.ret == want_ret, "%s: ret %d", text, r.ret);
    if (want_body)
        CHECK_MSG(r.body_len == strlen(want_body) && !memcmp(r.body, want_body, r.body_len),
                  "%s: body '%.*s'", text, (int)r.body_len, r.body);
    if (want_trailers) CHECK_MSG(!strcmp(r.trailers, want_trailers), "%s: trailers %s", text, r.trailers);
}

static const char chunked_sample[] =
    "5\r\nhello\r\n"
    "6;name=value;other\r\n world\r\n"
    "A \r\n0123456789\r\n"
    "001\n!\n"
    "0;last\r\n"
    "X-Checksum: abc\r\n"
    "X-Folded: a\r\n  b\r\n"
    "\r\n"
    "HTTP/1.1 200 OK\r\n";
static const char chunked_body[] = "hello world0123456789!";
static const char chunked_trailers[] = "{X-Checksum}={abc}{X-Folded}={a b}";

static void test_chunked(void)
{
    const int OK = HTTP_DONE, BAD = HTTP_ERR_INVALID_RESPONSE, MORE = HTTP_NEED_MORE;
    struct dechunked r;

    dechunk(chunked_sample, strlen(chunked_sample), NULL, 0, 4096, 0, &r);
    CHECK_INT(r.ret, HTTP_DONE);
    CHECK_INT(r.consumed, strlen(chunked_sample) - strlen("HTTP/1.1 200 OK\r\n"));
    CHECK(r.body_len == strlen(chunked_body) && !memcmp(r.body, chunked_body, r.body_len));
    CHECK_MSG(!strcmp(r.trailers, chunked_trailers), "%s", r.trailers);

    check_dechunk("0\r\n\r\n", OK, "", "");
    check_dechunk("0\n\n", OK, "", "");
    check_dechunk("3\r\nabc\r\n0\r\n\r\n", OK, "abc", "");
    check_dechunk("3\nabc\n0\n\n", OK, "abc", "");
    check_dechunk("000003\r\nabc\r\n00\r\n\r\n", OK, "abc", "");
    check_dechunk("a\r\n0123456789\r\n0\r\n\r\n", OK, "0123456789", "");
    check_dechunk("3;a=\"quoted;x\"\r\nabc\r\n0\r\n\r\n", OK, "abc", "");
    check_dechunk("3\t;x\r\nabc\r\n0\r\n\r\n", OK, "abc", "");
    check_dechunk("0\r\nA: 1\r\nB: 2\r\n\r\n", OK, "", "{A}={1}{B}={2}");
    check_dechunk("3\r\nabc\r\n", MORE, "abc", NULL);
    check_dechunk("3\r\nab", MORE, "ab", NULL);
    check_dechunk("0\r\nA: 1\r\n", MORE, "", NULL);
    check_dechunk("FFFFFFFFFFFFFFFF\r\nab", MORE, "ab", NULL);
    check_dechunk("0000000000000000000000000001\r\na\r\n0\r\n\r\n", OK, "a", "");

    /* bad sizes */
    check_dechunk("\r\n", BAD, NULL, NULL);
    check_dechunk("g\r\n", BAD, NULL, NULL);
    check_dechunk("-1\r\n", BAD, NULL, NULL);
    check_dechunk("+1\r\n", BAD, NULL, NULL);
    check_dechunk(" 1\r\n", BAD, NULL, NULL);
    check_dechunk(";ext\r\n", BAD, NULL, NULL);
    check_dechunk("0x5\r\n", BAD, NULL, NULL);
    check_dechunk("1g\r\n", BAD, NULL, NULL);
    check_dechunk("10000000000000000\r\n", BAD, NULL, NULL);     /* 2^64 */
    check_dechunk("FFFFFFFFFFFFFFFFF\r\n", BAD, NULL, NULL);
    /* no CR LF after the data */
    check_dechunk("3\r\nabcd\r\n0\r\n\r\n", BAD, "abc", NULL);
    check_dechunk("3\r\nabc\rX", BAD, "abc", NULL);
    check_dechunk("3\r\nabc0\r\n\r\n", BAD, "abc", NULL);
    /* bad trailers */
    check_dechunk("0\r\nno colon\r\n\r\n", BAD, "", NULL);
    check_dechunk("0\r\n folded first\r\n\r\n", BAD, "", NULL);
    /* overlong extension */
    {
        char *text = malloc(10000);
        strcpy(text, "1;");
        memset(text + 2, 'x', 5000);
        strcpy(text + 5002, "\r\na\r\n0\r\n\r\n");
        check_dechunk(text, BAD, "", NULL);
        free(text);
    }
    /* trailer bound */
    {
        static const char text[] = "0\r\nX-Long: 0123456789012345678901234567890123456789\r\n\r\n";
        dechunk(text, strlen(text), NULL, 0, 4096, 32, &r);
        CHECK_INT(r.ret, HTTP_ERR_HEADER_SIZE_OVERFLOW);
        dechunk(text, strlen(text), NULL, 0, 4096, strlen(text) - 3, &r);
        CHECK_INT(r.ret, HTTP_DONE);
        dechunk(text, strlen(text), NULL, 0, 4096, strlen(text) - 4, &r);
        CHECK_INT(r.ret, HTTP_ERR_HEADER_SIZE_OVERFLOW);
    }
    /* errors and the end are sticky */
    {
        struct http_chunked_decoder d;
        size_t used, produced;
        char out[16];
        http_chunked_init(&d, 0);
        CHECK_INT(http_chunked_feed(&d, "z", 1, &used, out, sizeof(out), &produced), BAD);
        CHECK_INT(http_chunked_feed(&d, "0\r\n\r\n", 5, &used, out, sizeof(out), &produced), BAD);
        CHECK_INT(used, 0);
        http_chunked_free(&d);
        http_chunked_init(&d, 0);
        CHECK_INT(http_chunked_feed(&d, "0\r\n\r\n", 5, &used, out, sizeof(out), &produced), OK);
        CHECK_INT(http_chunked_feed(&d, "1\r\n", 3, &used, out, sizeof(out), &produced), OK);
        CHECK_INT(used, 0);
        CHECK_INT(produced, 0);
        http_chunked_free(&d);
    }
}

static void check_chunked_split(const size_t *pieces, size_t npieces, size_t out_cap)
{
    struct dechunked r;
    size_t len = strlen(chunked_sample);
    dechunk(chunked_sample, len, pieces, npieces, out_cap, 0, &r);
    CHECK_INT(r.ret, HTTP_DONE);
    CHECK_INT(r.consumed, len - strlen("HTTP/1.1 200 OK\r\n"));
    CHECK(r.body_len == strlen(chunked_body) && !memcmp(r.body, chunked_body, r.body_len));
    CHECK_MSG(!strcmp(r.trailers, chunked_trailers), "%s", r.trailers);
}

static void test_chunked_splits(void)
{
    size_t len = strlen(chunked_sample), one = 1;
    check_chunked_split(&one, 1, 4096);
    check_chunked_split(NULL, 0, 1);
    check_chunked_split(&one, 1, 1);
    for (size_t i = 1; i < len; i++)
    {
        size_t pieces[2] = { i, 0 };
        check_chunked_split(pieces, 2, 4096);
        check_chunked_split(pieces, 2, 3);
    }
    for (size_t i = 1; i < len; i++)
        for (size_t j = 1; i + j < len; j++)
        {
            size_t pieces[3] = { i, j, 0 };
            check_chunked_split(pieces, 3, 4096);
        }
    srand(777);
    for (int r = 0; r < 2000; r++)
    {
        size_t pieces[8];
        for (int k = 0; k < 8; k++) pieces[k] = 1 + rand() % 16;
        check_chunked_split(pieces, 8, 1 + rand() % 12);
    }
}

static void test_chunked_in_place(void)
{
    struct http_chunked_decoder d;
    char *buf = strdup(chunked_sample);
    size_t used, produced, len = strlen(buf);
    http_chunked_init(&d, 0);
    CHECK_INT(http_chunked_feed(&d, buf, len, &used, buf, len, &produced), HTTP_DONE);
    CHECK(produced == strlen(chunked_body) && !memcmp(buf, chunked_body, produced));
    CHECK_INT(d.trailer_count, 2);
    CHECK(!strcmp(buf + used, "HTTP/1.1 200 OK\r\n"));
    http_chunked_free(&d);
    free(buf);
}

/* ---- request writer ---- */

static int buf_is(const struct http_buf *b, const char *want)
{
    int same = b->len == strlen(want) && !memcmp(b->data, want, b->len);
    if (!same) printf("  got '%.*s'\n want '%s'\n", (int)b->len, b->data ? b->data : "", want);
    return same;
}

static void check_path(const wchar16 *path, unsigned flags, const char *want)
{
    struct http_buf b;
    http_buf_init(&b);
    CHECK_INT(http_escape_path(&b, path, NULL, 0, flags), HTTP_DONE);
    CHECK(buf_is(&b, want));
    http_buf_free(&b);
}

static void test_writer(void)
{
    struct http_buf b;
    struct http_wheader headers[] = {
        { W("Host"), W("example.com:8080") },
        { W("User-Agent"), W("test/1.0") },
        { W("X-Utf8"), W("\u00e9") },
        { W("X-Empty"), W("") },
    };

    http_buf_init(&b);
    CHECK_INT(http_write_request_head(&b, W("GET"), W("/index.html?a=1"), W("HTTP/1.1"), headers, 4, 0), HTTP_DONE);
    CHECK(buf_is(&b, "GET /index.html?a=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: test/1.0\r\n"
                     "X-Utf8: \xc3\xa9\r\nX-Empty: \r\n\r\n"));
    http_buf_free(&b);

    CHECK_INT(http_write_request_head(&b, W("POST"), NULL, NULL, NULL, 0, 0), HTTP_DONE);
    CHECK(buf_is(&b, "POST / HTTP/1.1\r\n\r\n"));
    b.len = 0;
    CHECK_INT(http_write_request_head(&b, W("OPTIONS"), W(""), W("HTTP/1.0"), NULL, 0, 0), HTTP_DONE);
    CHECK(buf_is(&b, "OPTIONS / HTTP/1.0\r\n\r\n"));
    b.len = 0;
    CHECK_INT(http_write_request_line(&b, W("GET"), NULL, W("*"), NULL, 0), HTTP_DONE);
    CHECK_INT(http_write_header(&b, W("A"), W("b\tc")), HTTP_DONE);
    CHECK(buf_is(&b, "GET * HTTP/1.1\r\nA: b\tc\r\n"));
    /* absolute form, through a proxy: the origin as given, then the path escaped */
    b.len = 0;
    CHECK_INT(http_write_request_line(&b, W("GET"), W("http://example.com:8080"), W("/a b"), NULL, 0), HTTP_DONE);
    CHECK(buf_is(&b, "GET http://example.com:8080/a%20b HTTP/1.1\r\n"));
    b.len = 0;
    CHECK_INT(http_write_request_line(&b, W("GET"), W("http://[::1]"), NULL, NULL, 0), HTTP_DONE);
    CHECK(buf_is(&b, "GET http://[::1]/ HTTP/1.1\r\n"));
    b.len = 0;
    CHECK_INT(http_write_request_line(&b, W("GET"), W("http://a\r\nX: y"), W("/"), NULL, 0),
              HTTP_ERR_INVALID_PARAMETER);
    CHECK_INT((int)b.len, 0);
    http_buf_free(&b);
}

static void test_writer_refusals(void)
{
    struct http_buf b;
    static const struct { const char16_t *verb, *version; } bad_lines[] = {
        { u"GET\r\nX: y", NULL }, { u"GET\n", NULL }, { u"G\rET", NULL }, { u"GE T", NULL },
        { u"", NULL }, { u"GET", u"HTTP/1.1\r\nX: y" }, { u"GET", u"HTTP/1.1\n" },
        { u"GET", u"HTTP/1.1\r" }, { u"GET", u"" }, { u"GET", u"HTTP/1.1 x" },
    };
    static const struct { const char16_t *name, *value; } bad_headers[] = {
        { u"X\r\nEvil", u"1" }, { u"X\n", u"1" }, { u"X", u"1\r\nEvil: 2" }, { u"X", u"1\n" },
        { u"X", u"\r" }, { u"", u"1" }, { u"X:Y", u"1" }, { u"X Y", u"1" }, { u"X\t", u"1" },
    };

    http_buf_init(&b);
    http_buf_append(&b, "keep", 4);
    for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++)
    {
        CHECK_MSG(http_write_request_line(&b, (const wchar16 *)bad_lines[i].verb, NULL, W("/"),
                                          (const wchar16 *)bad_lines[i].version, 0)
                  == HTTP_ERR_INVALID_PARAMETER, "line case %zu", i);
        CHECK_MSG(http_write_request_head(&b, (const wchar16 *)bad_lines[i].verb, W("/"),
                                          (const wchar16 *)bad_lines[i].version, NULL, 0, 0)
                  == HTTP_ERR_INVALID_PARAMETER, "head case %zu", i);
        CHECK_INT(b.len, 4);
    }
    CHECK_INT(http_write_request_line(&b, NULL, NULL, W("/"), NULL, 0), HTTP_ERR_INVALID_PARAMETER);
    for (size_t i = 0; i < sizeof(bad_headers) / sizeof(bad_headers[0]); i++)
    {
        struct http_wheader h[2] = { { W("Host"), W("a") },
                                     { (const wchar16 *)bad_headers[i].name, (const wchar16 *)bad_headers[i].value } };
        CHECK_MSG(http_write_header(&b, h[1].name, h[1].value) == HTTP_ERR_INVALID_HEADER, "header case %zu", i);
        CHECK_MSG(http_write_request_head(&b, W("GET"), W("/"), NULL, h, 2, 0) == HTTP_ERR_INVALID_HEADER,
                  "head header case %zu", i);
        CHECK_INT(b.len, 4);
        CHECK(!memchr(b.data, '\n', b.len));
    }
    CHECK_INT(http_write_header(&b, NULL, W("x")), HTTP_ERR_INVALID_HEADER);
    CHECK_INT(http_write_header(&b, W("X"), NULL), HTTP_ERR_INVALID_HEADER);
    /* CR/LF in the path: escaped by default, left out when escaping is off
     * (as native does), never on the wire */
    CHECK_INT(http_write_request_line(&b, W("GET"), NULL, W("/a\r\nX: y"), NULL, 0), HTTP_DONE);
    CHECK(buf_is(&b, "keepGET /a%0D%0AX:%20y HTTP/1.1\r\n"));
    b.len = 4;
    CHECK_INT(http_write_request_line(&b, W("GET"), NULL, W("/a\r\nX: y"), NULL, HTTP_ESCAPE_DISABLE), HTTP_DONE);
    CHECK(buf_is(&b, "keepGET /aX:%20y HTTP/1.1\r\n"));
    b.len = 4;
    CHECK_INT(http_write_request_line(&b, W("GET"), NULL, W("/a\r?\n"), NULL, HTTP_ESCAPE_DISABLE_QUERY), HTTP_DONE);
    CHECK(buf_is(&b, "keepGET /a%0D? HTTP/1.1\r\n"));
    http_buf_free(&b);
}

static void test_escaping(void)
{
    const wchar16 *path = W("/a b/\x01\x7f/\u00e9%41?q=a b&r=\u00e9%");
    check_path(path, 0, "/a%20b/%01%7F/%C3%A9%41?q=a%20b&r=%C3%A9%");
    check_path(path, HTTP_ESCAPE_PERCENT, "/a%20b/%01%7F/%C3%A9%2541?q=a%20b&r=%C3%A9%25");
    check_path(path, HTTP_ESCAPE_DISABLE, "/a%20b/\x01\x7f/%C3%A9%41?q=a%20b&r=%C3%A9%");
    check_path(path, HTTP_ESCAPE_DISABLE | HTTP_ESCAPE_PERCENT, "/a%20b/\x01\x7f/%C3%A9%41?q=a%20b&r=%C3%A9%");
    check_path(path, HTTP_ESCAPE_DISABLE_QUERY, "/a%20b/%01%7F/%C3%A9%41?q=a%20b&r=%C3%A9%");
    check_path(path, HTTP_ESCAPE_DISABLE_QUERY | HTTP_ESCAPE_PERCENT, "/a%20b/%01%7F/%C3%A9%2541?q=a%20b&r=%C3%A9%");
    /* the set native escapes (Wine's tests, run on Windows) */
    check_path(W("/!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), 0, "/!%22%23$%&'()*+,-./:;%3C=%3E?@%5B%5C%5D%5E_%60%7B%7C%7D~");
    check_path(W("/!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), HTTP_ESCAPE_DISABLE, "/!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
    check_path(W("/\t/\u20ac/\U0001F600"), 0, "/%09/%E2%82%AC/%F0%9F%98%80");
    check_path(W("/~!$&'()*+,;=:@"), 0, "/~!$&'()*+,;=:@");
    {
        /* lone surrogates become U+FFFD */
        const wchar16 lone[] = { '/', 0xd800, 'x', 0xdc00, 0xd800, 0 };
        check_path(lone, 0, "/%EF%BF%BDx%EF%BF%BD%EF%BF%BD");
    }
    {
        struct http_buf b;
        http_buf_init(&b);
        CHECK_INT(http_write_request_line(&b, W("GET"), NULL, W("/\u00e9 x"), NULL, 0), HTTP_DONE);
        CHECK(buf_is(&b, "GET /%C3%A9%20x HTTP/1.1\r\n"));
        http_buf_free(&b);
    }
    {
        /* the query in another code page (WINHTTP_OPTION_CODEPAGE): its bytes
         * stand for the path's part from the first '?', escaped the same way;
         * the path before it stays UTF-8 */
        const char cp1252[] = "?q=\xe9 \x80&r=%41\r\n#";
        struct http_buf b;
        http_buf_init(&b);
        CHECK_INT(http_escape_path(&b, W("/\u00e9?q=\u00e9 \u20ac&r=%41\r\n#"), cp1252, sizeof(cp1252) - 1, 0),
                  HTTP_DONE);
        CHECK(buf_is(&b, "/%C3%A9?q=%E9%20%80&r=%41%0D%0A%23"));
        b.len = 0;
        CHECK_INT(http_escape_path(&b, W("/a?\u00e9"), "?\xe9%", 3, HTTP_ESCAPE_PERCENT), HTTP_DONE);
        CHECK(buf_is(&b, "/a?%E9%25"));
        b.len = 0;
        /* escaping off for the query: only spaces, bytes past ASCII, CR and LF */
        CHECK_INT(http_escape_path(&b, W("/<?x"), "?<\xe9 \r", 5, HTTP_ESCAPE_DISABLE_QUERY), HTTP_DONE);
        CHECK(buf_is(&b, "/%3C?<%E9%20"));
        b.len = 0;
        /* a path without '?': the query bytes have nothing to stand for */
        CHECK_INT(http_escape_path(&b, W("/\u00e9"), "?x", 2, 0), HTTP_DONE);
        CHECK(buf_is(&b, "/%C3%A9"));
        b.len = 0;
        /* a NUL byte (a code page's) is escaped, never cuts the line */
        CHECK_INT(http_write_request_line_query(&b, W("GET"), W("http://h"), W("/p?\u00e9"), "?\0a", 3, NULL, 0),
                  HTTP_DONE);
        CHECK(buf_is(&b, "GET http://h/p?%00a HTTP/1.1\r\n"));
        b.len = 0;
        CHECK_INT(http_write_request_line_query(&b, W("GET"), NULL, NULL, "?x", 2, NULL, 0), HTTP_DONE);
        CHECK(buf_is(&b, "GET / HTTP/1.1\r\n"));
        http_buf_free(&b);
    }
}

static void test_buf(void)
{
    struct http_buf b;
    http_buf_init(&b);
    for (int i = 0; i < 10000; i++) CHECK_INT(http_buf_append(&b, "0123456789", 10), HTTP_DONE);
    CHECK_INT(b.len, 100000);
    CHECK(b.cap >= b.len);
    CHECK_INT(http_buf_append(&b, NULL, 0), HTTP_DONE);
    CHECK_INT(http_buf_append(&b, "x", SIZE_MAX), HTTP_ERR_NO_MEMORY);
    CHECK_INT(b.len, 100000);
    http_buf_free(&b);
    CHECK(!b.data && !b.len);
}

/* charset.c: the charset parameter of a Content-Type as a code page */
static void check_charset(const wchar16 *type, unsigned int want)
{
    unsigned int got = charset_codepage(type, wcslen16(type), 7);
    CHECK_MSG(got == want, "charset of the type %u: got %u, want %u", (unsigned)wcslen16(type), got, want);
}

static void test_charset(void)
{
    check_charset(W("text/plain; charset=utf-8"), CHARSET_UTF8);
    check_charset(W("text/html;charset=\"ISO-8859-1\""), 28591);
    check_charset(W("text/plain; Charset = UTF-8"), CHARSET_UTF8);           /* lenient spaces, any case */
    check_charset(W("text/plain; format=flowed; charset=koi8-r"), 20866);   /* not the first parameter */
    check_charset(W("text/plain; charset=windows-1252; x=y"), 1252);
    check_charset(W("text/plain; charset=cp1251"), 1251);
    check_charset(W("text/plain; charset=iso-8859-2"), 28592);
    check_charset(W("text/plain; charset=utf-16be"), CHARSET_UTF16BE);
    check_charset(W("text/plain; charset=Shift_JIS"), 932);
    /* nothing this table knows: the fallback */
    check_charset(W("text/plain"), 7);
    check_charset(W(""), 7);
    check_charset(W("charset=utf-8"), 7);                      /* not after a ';' */
    check_charset(W("text/plain; charsetx=utf-8"), 7);
    check_charset(W("text/plain; charset"), 7);
    check_charset(W("text/plain; charset="), 7);
    check_charset(W("text/plain; charset=\""), 7);
    check_charset(W("text/plain; charset=klingon"), 7);
    check_charset(W("text/plain; charset=iso-8859-99"), 7);
    check_charset(W("text/plain; charset=windows-99999999999999999999"), 7);   /* no overflow */
    check_charset(W("text/plain; charset=windows-"), 7);
    check_charset(W("text/plain; charset=utf-8xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), 7);
    check_charset(W("text/plain; charset=utf\u00e9-8"), 7);    /* not ASCII */
    /* the length bounds the reading: a NUL inside is not an end, nor allowed */
    {
        static const wchar16 cut[] = { ';', 'c', 'h', 'a', 'r', 's', 'e', 't', '=', 'u', 't', 'f', '-', '8' };
        static const wchar16 nul[] = { ';', 'c', 'h', 'a', 'r', 's', 'e', 't', '=', 'u', 't', 'f', '-', '8', 0, 'x' };
        CHECK_INT(charset_codepage(cut, 13, 7), 7);             /* "utf-" */
        CHECK_INT(charset_codepage(cut, 14, 7), CHARSET_UTF8);
        CHECK_INT(charset_codepage(nul, 16, 7), 7);
    }
}

int main(void)
{
    test_basic();
    test_head_errors();
    test_overflow();
    test_interim();
    test_splits();
    test_find_header();
    test_framing();
    test_chunked();
    test_chunked_splits();
    test_chunked_in_place();
    test_writer();
    test_writer_refusals();
    test_escaping();
    test_buf();
    test_charset();
    return UNIT_DONE();
}
