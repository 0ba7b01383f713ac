/* Unit tests for the HTTP/2 client connection (dlls/winhttp/h2.c), driven
 * against a server-side nghttp2 session in the same process, memory to
 * memory, and against server bytes made by hand for what nghttp2 would
 * never send. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nghttp2/nghttp2.h>

#include "h2.h"
#include "unit.h"

/* ---- an allocator that counts and fails on demand -------------------------- */

static long live_allocations;
static long fail_after = -1;   /* the allocation after this many more fails; -1 never */

static int allocation_fails(void)
{
    if (fail_after < 0) return 0;
    return fail_after-- == 0;
}
static void *t_malloc(size_t size, void *user)
{
    void *p = allocation_fails() ? NULL : malloc(size);
    if (p) live_allocations++;
    return p;
}
static void t_free(void *p, void *user)
{
    if (p) live_allocations--;
    free(p);
}
static void *t_calloc(size_t n, size_t size, void *user)
{
    void *p = allocation_fails() ? NULL : calloc(n, size);
    if (p) live_allocations++;
    return p;
}
static void *t_realloc(void *p, size_t size, void *user)
{
    void *q;
    if (allocation_fails()) return NULL;
    if ((q = realloc(p, size)) && !p) live_allocations++;
    return q;
}
static const struct h2_allocator test_allocator = {NULL, t_malloc, t_free, t_calloc, t_realloc};

/* ---- the server: an nghttp2 server session --------------------------------- */

#define MAX_SRV_STREAMS 256

struct srv_stream
{
    int32_t id;
    char method[16], path[256], authority[256];
    char fields[4096];                  /* "name: value\n"... of the request */
    unsigned char *body;                /* the request body received */
    size_t body_len;
    int ended, closed;
    uint32_t close_code;
    /* the response body to send */
    const unsigned char *resp;
    size_t resp_len, resp_off;
    int resp_trailers;                  /* send "grpc-status: 0" after it */
    int resp_deferred;                  /* wait for srv_resume */
};

struct server
{
    nghttp2_session *session;
    struct srv_stream streams[MAX_SRV_STREAMS];
    int count;
    int rst_received;
    uint32_t last_rst_code;
    int32_t last_rst_stream;
    unsigned char *capture;             /* every byte it sent, for the fuzzer's seeds */
    size_t capture_len;
};

static struct srv_stream *srv_find(struct server *srv, int32_t id)
{
    for (int i = 0; i < srv->count; i++)
        if (srv->streams[i].id == id) return &srv->streams[i];
    return NULL;
}

static void append_text(char *dest, size_t size, const void *text, size_t len)
{
    size_t have = strlen(dest);
    if (have + len >= size) len = size - have - 1;
    memcpy(dest + have, text, len);
    dest[have + len] = 0;
}

static int srv_begin_headers(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    struct server *srv = user;
    if (frame->hd.type == NGHTTP2_HEADERS && !srv_find(srv, frame->hd.stream_id) && srv->count < MAX_SRV_STREAMS)
        srv->streams[srv->count++].id = frame->hd.stream_id;
    return 0;
}

static int srv_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name, size_t name_len,
                      const uint8_t *value, size_t value_len, uint8_t flags, void *user)
{
    struct srv_stream *st = srv_find(user, frame->hd.stream_id);
    char *dest = NULL;

    if (!st || (name_len == 7 && !memcmp(name, ":scheme", 7))) return 0;
    if (name_len == 7 && !memcmp(name, ":method", 7)) dest = st->method;
    else if (name_len == 5 && !memcmp(name, ":path", 5)) dest = st->path;
    else if (name_len == 10 && !memcmp(name, ":authority", 10)) dest = st->authority;
    if (dest)
    {
        size_t size = dest == st->method ? sizeof(st->method) : sizeof(st->path);
        dest[0] = 0;
        append_text(dest, size, value, value_len);
        return 0;
    }
    append_text(st->fields, sizeof(st->fields), name, name_len);
    append_text(st->fields, sizeof(st->fields), ": ", 2);
    append_text(st->fields, sizeof(st->fields), value, value_len);
    append_text(st->fields, sizeof(st->fields), "\n", 1);
    return 0;
}

static int srv_data(nghttp2_session *session, uint8_t flags, int32_t id, const uint8_t *data, size_t len, void *user)
{
    struct srv_stream *st = srv_find(user, id);
    if (!st) return 0;
    st->body = realloc(st->body, st->body_len + len + 1);
    memcpy(st->body + st->body_len, data, len);
    st->body_len += len;
    return 0;
}

static int srv_frame_recv(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    struct server *srv = user;
    struct srv_stream *st = srv_find(srv, frame->hd.stream_id);

    if (frame->hd.type == NGHTTP2_RST_STREAM)
    {
        srv->rst_received++;
        srv->last_rst_code = frame->rst_stream.error_code;
        srv->last_rst_stream = frame->hd.stream_id;
    }
    if (st && frame->hd.flags & NGHTTP2_FLAG_END_STREAM
        && (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA))
        st->ended = 1;
    return 0;
}

static int srv_stream_close(nghttp2_session *session, int32_t id, uint32_t code, void *user)
{
    struct srv_stream *st = srv_find(user, id);
    if (st)
    {
        st->closed = 1;
        st->close_code = code;
    }
    return 0;
}

static struct server *server_new(const nghttp2_settings_entry *settings, size_t count)
{
    struct server *srv = calloc(1, sizeof(*srv));
    nghttp2_session_callbacks *cb;
    nghttp2_settings_entry defaults[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 200}};

    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, srv_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cb, srv_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, srv_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, srv_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, srv_stream_close);
    nghttp2_session_server_new(&srv->session, cb, srv);
    nghttp2_session_callbacks_del(cb);
    if (!settings)
    {
        settings = defaults;
        count = 1;
    }
    nghttp2_submit_settings(srv->session, NGHTTP2_FLAG_NONE, settings, count);
    return srv;
}

static void server_free(struct server *srv)
{
    nghttp2_session_del(srv->session);
    for (int i = 0; i < srv->count; i++) free(srv->streams[i].body);
    free(srv->capture);
    free(srv);
}

static ssize_t srv_read_body(nghttp2_session *session, int32_t id, uint8_t *buf, size_t length, uint32_t *flags,
                             nghttp2_data_source *source, void *user)
{
    struct srv_stream *st = srv_find(user, id);
    size_t n = st->resp_len - st->resp_off;

    if (n > length) n = length;
    if (!n && st->resp_deferred) return NGHTTP2_ERR_DEFERRED;
    memcpy(buf, st->resp + st->resp_off, n);
    st->resp_off += n;
    if (st->resp_off == st->resp_len && !st->resp_deferred)
    {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        if (st->resp_trailers)
        {
            nghttp2_nv trailer[] = {{(uint8_t *)"grpc-status", (uint8_t *)"0", 11, 1, 0},
                                    {(uint8_t *)"grpc-message", (uint8_t *)"fine", 12, 4, 0}};
            *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
            nghttp2_submit_trailer(session, id, trailer, 2);
        }
    }
    return (ssize_t)n;
}

#define NV(n, v) {(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, sizeof(v) - 1, 0}

/* Responds with status and a body (NULL: a head with END_STREAM). */
static void server_respond(struct server *srv, int32_t id, const char *status, const void *body, size_t len,
                           int trailers)
{
    struct srv_stream *st = srv_find(srv, id);
    nghttp2_nv nva[] = {{(uint8_t *)":status", (uint8_t *)status, 7, strlen(status), 0},
                        NV("content-type", "text/plain"), NV("x-test", "one")};
    nghttp2_data_provider prd = {{0}, srv_read_body};

    st->resp = body;
    st->resp_len = len;
    st->resp_off = 0;
    st->resp_trailers = trailers;
    nghttp2_submit_response(srv->session, id, nva, 3, body ? &prd : NULL);
}

/* Moves bytes both ways until neither side has any to send.  chunk limits
 * how much of the client's output each write takes (0: all). */
static void pump_chunked(struct h2_conn *c, struct server *srv, size_t chunk)
{
    for (int round = 0; round < 100000; round++)
    {
        const uint8_t *data;
        size_t len;
        int progress = 0;
        ssize_t n;

        while (h2_output(c, &data, &len) == H2_OK && len)
        {
            if (chunk && len > chunk) len = chunk;
            nghttp2_session_mem_recv(srv->session, data, len);
            h2_output_done(c, len);
            progress = 1;
        }
        while ((n = nghttp2_session_mem_send(srv->session, &data)) > 0)
        {
            srv->capture = realloc(srv->capture, srv->capture_len + n);
            memcpy(srv->capture + srv->capture_len, data, n);
            srv->capture_len += n;
            h2_recv(c, data, n);
            progress = 1;
        }
        if (!progress) return;
    }
}
static void pump(struct h2_conn *c, struct server *srv) { pump_chunked(c, srv, 0); }

/* Writes the server's bytes to $H2_CAPTURE_DIR/name (the fuzzer's seeds). */
static void capture(struct server *srv, const char *name)
{
    const char *dir = getenv("H2_CAPTURE_DIR");
    char path[512];
    FILE *f;

    if (!dir) return;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (!(f = fopen(path, "wb"))) return;
    fputc(0, f);            /* the fuzzer's first byte: how it cuts the rest into pieces */
    fwrite(srv->capture, 1, srv->capture_len, f);
    fclose(f);
}

static struct h2_conn *client_new(const struct h2_settings *settings)
{
    struct h2_settings defaults;
    struct h2_conn *c = NULL;

    if (!settings)
    {
        h2_settings_default(&defaults);
        settings = &defaults;
    }
    CHECK_INT(h2_conn_new(&c, settings, &test_allocator), H2_OK);
    return c;
}

static struct h2_stream *submit_get(struct h2_conn *c, const char *path)
{
    struct h2_request req = {"GET", "https", "example.com", path, NULL, 0, 0};
    struct h2_stream *s = NULL;
    CHECK_INT(h2_submit(c, &req, &s), H2_OK);
    return s;
}

/* Reads a stream's whole body (pumping as needed) into a malloc'd buffer. */
static enum h2_result read_all(struct h2_conn *c, struct server *srv, struct h2_stream *s, unsigned char **out,
                               size_t *out_len)
{
    unsigned char buf[3000];
    enum h2_result r;
    size_t n;

    *out = NULL;
    *out_len = 0;
    for (int i = 0; i < 100000; i++)
    {
        r = h2_stream_read(c, s, buf, sizeof(buf), &n);
        if (r == H2_OK)
        {
            *out = realloc(*out, *out_len + n);
            memcpy(*out + *out_len, buf, n);
            *out_len += n;
            continue;
        }
        if (r != H2_WAIT) return r;
        pump(c, srv);
    }
    return H2_WAIT;
}

static const char *find_field(const struct h2_head *head, const char *name)
{
    for (size_t i = 0; i < head->count; i++)
        if (!strcmp(head->fields[i].name, name)) return head->fields[i].value;
    return NULL;
}

static void finish(struct h2_conn *c, struct server *srv)
{
    h2_conn_free(c);
    server_free(srv);
    CHECK_INT(live_allocations, 0);
}

/* ---- the tests ------------------------------------------------------------- */

static void test_get(void)
{
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    struct h2_field fields[] = {
        {"User-Agent", 10, "test", 4},
        {"Host", 4, "  other.example:8443 ", 21},
        {"Connection", 10, "keep-alive, X-Hop", 17},
        {"X-Hop", 5, "1", 1},
        {"Keep-Alive", 10, "timeout=5", 9},
        {"Transfer-Encoding", 17, "chunked", 7},
        {"Upgrade", 7, "h2c", 3},
        {"Proxy-Connection", 16, "close", 5},
        {"TE", 2, "gzip", 4},
        {"Accept", 6, " */* ", 5},
    };
    struct h2_request req = {"GET", "https", "example.com", "/index.html", fields, 10, 0};
    struct h2_stream *s;
    const struct h2_head *head;
    unsigned char *body;
    size_t len;

    CHECK(!h2_settings_received(c));
    CHECK_INT(h2_submit(c, &req, &s), H2_OK);
    CHECK_INT(h2_stream_id(s), 1);
    pump_chunked(c, srv, 7);    /* the client's bytes a few at a time */
    CHECK(h2_settings_received(c));
    CHECK_INT(srv->count, 1);
    CHECK(!strcmp(srv->streams[0].method, "GET"));
    CHECK(!strcmp(srv->streams[0].path, "/index.html"));
    CHECK_MSG(!strcmp(srv->streams[0].authority, "other.example:8443"), "%s", srv->streams[0].authority);
    CHECK_MSG(!strcmp(srv->streams[0].fields, "user-agent: test\naccept: */*\n"), "%s", srv->streams[0].fields);
    CHECK(srv->streams[0].ended);
    CHECK(h2_stream_head(s) == NULL);
    CHECK_INT(h2_stream_read(c, s, NULL, 0, &len), H2_WAIT);

    server_respond(srv, 1, "200", "hello, world", 12, 0);
    pump(c, srv);
    CHECK((head = h2_stream_head(s)) != NULL);
    if (head)
    {
        CHECK_INT(head->status, 200);
        CHECK_INT(head->count, 2);
        CHECK(find_field(head, "content-type") && !strcmp(find_field(head, "content-type"), "text/plain"));
        CHECK(find_field(head, "x-test") && !strcmp(find_field(head, "x-test"), "one"));
    }
    CHECK_INT(read_all(c, srv, s, &body, &len), H2_END);
    CHECK_INT(len, 12);
    CHECK(body && !memcmp(body, "hello, world", 12));
    free(body);
    CHECK(h2_stream_trailers(s) == NULL);
    CHECK(h2_stream_interim(s) == NULL);
    CHECK_INT(h2_stream_error(s), H2_OK);
    capture(srv, "get_hello");
    h2_stream_release(c, s);
    CHECK_INT(h2_conn_error(c), H2_OK);
    CHECK(h2_wants_read(c));
    finish(c, srv);
}

static void test_bad_requests(void)
{
    struct h2_conn *c = client_new(NULL);
    struct h2_field bad_name[] = {{"Bad Name", 8, "x", 1}};
    struct h2_field bad_value[] = {{"X-A", 3, "a\r\nb", 4}};
    struct h2_field colon[] = {{":path", 5, "/x", 2}};
    struct h2_request req = {"GET", "https", "example.com", "/", bad_name, 1, 0};
    struct h2_stream *s = (void *)1;

    CHECK_INT(h2_submit(c, &req, &s), H2_ERR_INVALID);
    CHECK(s == NULL);
    req.fields = bad_value;
    CHECK_INT(h2_submit(c, &req, &s), H2_ERR_INVALID);
    req.fields = colon;
    CHECK_INT(h2_submit(c, &req, &s), H2_ERR_INVALID);
    req.fields = NULL;
    req.field_count = 0;
    req.authority = "";
    CHECK_INT(h2_submit(c, &req, &s), H2_ERR_INVALID);
    req.authority = "example.com";
    req.path = "";
    CHECK_INT(h2_submit(c, &req, &s), H2_ERR_INVALID);
    req.path = "/";
    CHECK_INT(h2_submit(c, &req, &s), H2_OK);
    CHECK_INT(h2_stream_write(c, s, "x", 1), H2_ERR_INVALID);   /* no body was announced */
    CHECK_INT(h2_stream_end_body(c, s), H2_ERR_INVALID);
    h2_stream_release(c, s);
    h2_conn_free(c);
    CHECK_INT(live_allocations, 0);
}

static void fill(unsigned char *buf, size_t len, unsigned int seed)
{
    for (size_t i = 0; i < len; i++) buf[i] = (unsigned char)(i * 31 + seed + (i >> 8));
}

static void test_bodies_both_ways(void)
{
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    struct h2_field fields[] = {{"Content-Type", 12, "application/octet-stream", 24}};
    struct h2_request req = {"POST", "https", "example.com", "/upload", fields, 1, 1};
    static unsigned char up[300000], down[200000];
    struct h2_stream *s;
    unsigned char *body;
    size_t len;

    fill(up, sizeof(up), 1);
    fill(down, sizeof(down), 2);
    CHECK_INT(h2_submit(c, &req, &s), H2_OK);
    /* more than the server's 64 KiB window: it goes as WINDOW_UPDATEs come */
    for (size_t off = 0; off < sizeof(up); off += 50000) CHECK_INT(h2_stream_write(c, s, up + off, 50000), H2_OK);
    CHECK_INT(h2_stream_unsent(s), sizeof(up));
    CHECK_INT(h2_stream_end_body(c, s), H2_OK);
    CHECK_INT(h2_stream_end_body(c, s), H2_ERR_INVALID);
    CHECK_INT(h2_stream_write(c, s, "x", 1), H2_ERR_INVALID);
    pump(c, srv);
    CHECK_INT(h2_stream_unsent(s), 0);
    CHECK_INT(srv->streams[0].body_len, sizeof(up));
    CHECK(srv->streams[0].body_len == sizeof(up) && !memcmp(srv->streams[0].body, up, sizeof(up)));
    CHECK(srv->streams[0].ended);
    CHECK(strstr(srv->streams[0].fields, "content-type: application/octet-stream\n") != NULL);
    server_respond(srv, 1, "201", down, sizeof(down), 0);
    CHECK_INT(read_all(c, srv, s, &body, &len), H2_END);
    CHECK_INT(len, sizeof(down));
    CHECK(len == sizeof(down) && !memcmp(body, down, len));
    free(body);
    CHECK_INT(h2_stream_head(s)->status, 201);
    h2_stream_release(c, s);
    finish(c, srv);
}

static void test_deferred_body(void)
{
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    struct h2_request req = {"PUT", "https", "example.com", "/d", NULL, 0, 1};
    struct h2_stream *s;
    unsigned char *body;
    size_t len;

    CHECK_INT(h2_submit(c, &req, &s), H2_OK);
    pump(c, srv);
    CHECK_INT(srv->count, 1);       /* the head went, the body waits */
    CHECK(!srv->streams[0].ended);
    CHECK_INT(srv->streams[0].body_len, 0);
    CHECK(!h2_wants_write(c));
    CHECK_INT(h2_stream_write(c, s, "abc", 3), H2_OK);
    CHECK(h2_wants_write(c));
    pump(c, srv);
    CHECK_INT(srv->streams[0].body_len, 3);
    CHECK(!srv->streams[0].ended);
    CHECK_INT(h2_stream_write(c, s, "defg", 4), H2_OK);
    CHECK_INT(h2_stream_write(c, s, "", 0), H2_OK);
    pump(c, srv);
    CHECK_INT(srv->streams[0].body_len, 7);
    CHECK_INT(h2_stream_end_body(c, s), H2_OK);
    pump(c, srv);
    CHECK(srv->streams[0].ended);
    CHECK(srv->streams[0].body_len == 7 && !memcmp(srv->streams[0].body, "abcdefg", 7));
    server_respond(srv, 1, "204", NULL, 0, 0);
    CHECK_INT(read_all(c, srv, s, &body, &len), H2_END);
    CHECK_INT(len, 0);
    free(body);
    CHECK_INT(h2_stream_head(s)->status, 204);
    capture(srv, "put_204");
    h2_stream_release(c, s);
    finish(c, srv);
}

static void test_trailers(void)
{
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    struct h2_field te[] = {{"TE", 2, "trailers", 8}};
    struct h2_request req = {"POST", "https", "example.com", "/pkg.Service/Call", te, 1, 0};
    struct h2_stream *s, *s2;
    const struct h2_head *t;
    unsigned char *body;
    size_t len;

    CHECK_INT(h2_submit(c, &req, &s), H2_OK);
    pump(c, srv);
    CHECK(strstr(srv->streams[0].fields, "te: trailers\n") != NULL);
    server_respond(srv, 1, "200", "\0\0\0\0\0", 5, 1);
    pump(c, srv);
    CHECK(h2_stream_trailers(s) != NULL);
    CHECK_INT(read_all(c, srv, s, &body, &len), H2_END);
    CHECK_INT(len, 5);
    free(body);
    if ((t = h2_stream_trailers(s)))
    {
        CHECK_INT(t->status, 0);
        CHECK_INT(t->count, 2);
        CHECK(find_field(t, "grpc-status") && !strcmp(find_field(t, "grpc-status"), "0"));
        CHECK(find_field(t, "grpc-message") && !strcmp(find_field(t, "grpc-message"), "fine"));
    }
    CHECK_INT(h2_stream_head(s)->count, 2);   /* the trailers did not join the head */
    capture(srv, "grpc_trailers");
    h2_stream_release(c, s);

    /* trailers right after the head, no DATA at all */
    s2 = submit_get(c, "/t");
    pump(c, srv);
    {
        nghttp2_nv head[] = {NV(":status", "200")}, trailer[] = {NV("grpc-status", "5")};
        nghttp2_submit_headers(srv->session, NGHTTP2_FLAG_NONE, 3, NULL, head, 1, NULL);
        nghttp2_submit_headers(srv->session, NGHTTP2_FLAG_END_STREAM, 3, NULL, trailer, 1, NULL);
    }
    CHECK_INT(read_all(c, srv, s2, &body, &len), H2_END);
    free(body);
    CHECK(h2_stream_trailers(s2) && !strcmp(find_field(h2_stream_trailers(s2), "grpc-status"), "5"));
    h2_stream_release(c, s2);
    finish(c, srv);
}

static void test_interim(void)
{
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    struct h2_stream *s = submit_get(c, "/early");
    nghttp2_nv hints[] = {NV(":status", "103"), NV("link", "</style.css>; rel=preload")};
    nghttp2_nv cont[] = {NV(":status", "100")};
    unsigned char *body;
    size_t len;

    pump(c, srv);
    nghttp2_submit_headers(srv->session, NGHTTP2_FLAG_NONE, 1, NULL, cont, 1, NULL);
    nghttp2_submit_headers(srv->session, NGHTTP2_FLAG_NONE, 1, NULL, hints, 2, NULL);
    pump(c, srv);
    CHECK(h2_stream_head(s) == NULL);
    CHECK_INT(h2_stream_interim_count(s), 2);
    CHECK(h2_stream_interim(s) && h2_stream_interim(s)->status == 103);
    CHECK(h2_stream_interim(s) && find_field(h2_stream_interim(s), "link") != NULL);
    CHECK_INT(h2_stream_read(c, s, NULL, 0, &len), H2_WAIT);
    server_respond(srv, 1, "200", "ok", 2, 0);
    CHECK_INT(read_all(c, srv, s, &body, &len), H2_END);
    free(body);
    CHECK_INT(h2_stream_head(s)->status, 200);
    CHECK(find_field(h2_stream_head(s), "link") == NULL);
    CHECK_INT(h2_stream_interim_count(s), 2);
    capture(srv, "interim_103");
    h2_stream_release(c, s);
    finish(c, srv);
}

static void test_many_streams(void)
{
    enum { N = 60 };
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    static unsigned char bodies[N][20000];
    struct h2_stream *s[N];
    unsigned char buf[1000];
    size_t got[N] = {0}, n;
    int done = 0, ok = 1;

    for (int i = 0; i < N; i++) s[i] = submit_get(c, "/many");
    pump(c, srv);
    CHECK_INT(srv->count, N);
    for (int i = N - 1; i >= 0; i--)     /* answered in reverse, all at once: DATA frames interleave */
    {
        fill(bodies[i], sizeof(bodies[i]), i);
        server_respond(srv, h2_stream_id(s[i]), "200", bodies[i], 1000 + i * 300, 0);
    }
    for (int round = 0; round < 10000 && done < N; round++)
    {
        pump(c, srv);
        for (int i = 0; i < N; i++)
        {
            enum h2_result r;
            if (!s[i]) continue;
            while ((r = h2_stream_read(c, s[i], buf, sizeof(buf), &n)) == H2_OK)
            {
                if (memcmp(buf, bodies[i] + got[i], n)) ok = 0;
                got[i] += n;
            }
            if (r == H2_END)
            {
                if (got[i] != 1000 + (size_t)i * 300) ok = 0;
                h2_stream_release(c, s[i]);
                s[i] = NULL;
                done++;
            }
            else if (r != H2_WAIT) ok = 0;
        }
    }
    CHECK_INT(done, N);
    CHECK(ok);
    finish(c, srv);
}

static void test_max_concurrent(void)
{
    nghttp2_settings_entry two[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 2}};
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(two, 1);
    struct h2_request req = {"GET", "https", "example.com", "/", NULL, 0, 0};
    struct h2_stream *a, *b, *d = NULL;
    unsigned char *body;
    size_t len;

    pump(c, srv);       /* the SETTINGS exchange */
    CHECK_INT(h2_can_submit(c), H2_OK);
    a = submit_get(c, "/a");
    b = submit_get(c, "/b");
    CHECK_INT(h2_can_submit(c), H2_ERR_TOO_MANY_STREAMS);
    CHECK_INT(h2_submit(c, &req, &d), H2_ERR_TOO_MANY_STREAMS);
    CHECK(d == NULL);
    pump(c, srv);
    server_respond(srv, h2_stream_id(a), "200", "a", 1, 0);
    CHECK_INT(read_all(c, srv, a, &body, &len), H2_END);
    free(body);
    CHECK_INT(h2_can_submit(c), H2_OK);     /* a closed: a slot is free */
    CHECK_INT(h2_submit(c, &req, &d), H2_OK);
    CHECK_INT(h2_can_submit(c), H2_ERR_TOO_MANY_STREAMS);
    h2_stream_release(c, a);
    h2_stream_release(c, b);    /* reset: the slot frees when nghttp2 sends the RST_STREAM */
    pump(c, srv);
    CHECK_INT(h2_can_submit(c), H2_OK);
    CHECK_INT(srv->rst_received, 1);
    CHECK_INT(srv->last_rst_code, NGHTTP2_CANCEL);
    h2_stream_release(c, d);
    finish(c, srv);
}

static void test_slow_reader(void)
{
    struct h2_settings settings;
    struct h2_conn *c;
    struct server *srv = server_new(NULL, 0);
    static unsigned char big[1 << 20];
    unsigned char buf[5000], *copy = malloc(sizeof(big));
    struct h2_stream *s;
    size_t total = 0, n, most = 0;
    enum h2_result r = H2_WAIT;
    int over_window = 0;

    h2_settings_default(&settings);
    settings.stream_window = 32768;
    settings.connection_window = 100000;
    c = client_new(&settings);
    fill(big, sizeof(big), 7);
    s = submit_get(c, "/big");
    pump(c, srv);
    server_respond(srv, 1, "200", big, sizeof(big), 0);
    pump(c, srv);
    pump(c, srv);
    /* nothing read: the server stopped at the window */
    CHECK_MSG(h2_stream_buffered(s) <= 32768 && h2_stream_buffered(s) > 16384, "%zu", h2_stream_buffered(s));
    CHECK(srv->streams[0].resp_off < 40000);
    CHECK(!h2_wants_write(c));
    /* reading a little reopens nothing yet (below half the window)... */
    CHECK_INT(h2_stream_read(c, s, buf, 100, &n), H2_OK);
    total += n;
    memcpy(copy, buf, n);
    pump(c, srv);
    CHECK(srv->streams[0].resp_off < 40000);
    /* a sixteenth of the connection's window taken: its WINDOW_UPDATE goes
     * (the stream's waits for half the stream's) */
    for (int i = 0; i < 2; i++)
    {
        CHECK_INT(h2_stream_read(c, s, buf, sizeof(buf), &n), H2_OK);
        memcpy(copy + total, buf, n);
        total += n;
    }
    CHECK(h2_wants_write(c));
    /* ...reading on does, and it all comes through, never more than a window buffered */
    for (int i = 0; i < 100000 && total < sizeof(big); i++)
    {
        /* the connection's window never grows past what was set */
        if (nghttp2_session_get_remote_window_size(srv->session) > 100000) over_window++;
        if (h2_stream_buffered(s) > most) most = h2_stream_buffered(s);
        r = h2_stream_read(c, s, buf, sizeof(buf), &n);
        if (r == H2_OK)
        {
            memcpy(copy + total, buf, n);
            total += n;
        }
        else pump(c, srv);
    }
    CHECK_INT(total, sizeof(big));
    CHECK_INT(over_window, 0);
    CHECK_MSG(most <= 32768, "%zu", most);
    CHECK(!memcmp(copy, big, sizeof(big)));
    CHECK_INT(h2_stream_read(c, s, buf, sizeof(buf), &n), H2_END);
    free(copy);
    h2_stream_release(c, s);
    finish(c, srv);
}

/* A lent buffer takes the body's bytes first, as they come, and the rest
 * waits in the stream's; taking it counts its bytes as read, so the
 * window reopens; once bytes wait buffered, a new lent buffer gets none
 * ahead of them. */
static void test_direct(void)
{
    struct h2_settings settings;
    struct h2_conn *c;
    struct server *srv = server_new(NULL, 0);
    static unsigned char body[100000], lent[30000], rest[100000];
    struct h2_stream *s;
    size_t n, got;

    h2_settings_default(&settings);
    settings.stream_window = 65535;
    c = client_new(&settings);
    fill(body, sizeof(body), 9);
    s = submit_get(c, "/direct");
    pump(c, srv);
    h2_stream_give_direct(s, lent, sizeof(lent));
    CHECK_INT(h2_stream_direct_filled(s), 0);
    server_respond(srv, 1, "200", body, sizeof(body), 0);
    pump(c, srv);
    CHECK_INT(h2_stream_direct_filled(s), sizeof(lent));
    CHECK(!memcmp(lent, body, sizeof(lent)));
    /* the window's rest waits in the stream: the server stopped there */
    CHECK_INT(h2_stream_buffered(s), 65535 - sizeof(lent));
    CHECK(!h2_wants_write(c));
    CHECK_INT(h2_stream_take_direct(c, s), sizeof(lent));
    CHECK_INT(h2_stream_direct_filled(s), 0);
    CHECK_INT(h2_stream_take_direct(c, s), 0);
    /* bytes wait buffered: what comes while a buffer is lent goes after them */
    got = sizeof(lent);
    memcpy(rest, body, got);
    h2_stream_give_direct(s, lent, sizeof(lent));
    CHECK_INT(h2_stream_read(c, s, rest + got, 10000, &n), H2_OK);
    got += n;
    CHECK(h2_wants_write(c));     /* 40,000 of 65,535 read: WINDOW_UPDATE */
    pump(c, srv);
    CHECK_INT(h2_stream_direct_filled(s), 0);
    CHECK_MSG(h2_stream_buffered(s) > 65535 - 40000, "%zu", h2_stream_buffered(s));
    CHECK_INT(h2_stream_take_direct(c, s), 0);
    for (int i = 0; i < 1000 && got < sizeof(body); i++)
    {
        if (h2_stream_read(c, s, rest + got, sizeof(rest) - got, &n) == H2_OK) got += n;
        else pump(c, srv);
    }
    CHECK_INT(got, sizeof(body));
    CHECK(!memcmp(rest, body, sizeof(body)));
    CHECK_INT(h2_stream_read(c, s, rest, sizeof(rest), &n), H2_END);
    h2_stream_release(c, s);
    finish(c, srv);
}

/* Two streams share a connection window smaller than the data: one read
 * slowly still lets the other through once its unread bytes are given
 * back by a release. */
static void test_release_returns_window(void)
{
    struct h2_settings settings;
    struct h2_conn *c;
    struct server *srv = server_new(NULL, 0);
    static unsigned char big[200000];
    struct h2_stream *a, *b;
    unsigned char *body;
    size_t len;

    h2_settings_default(&settings);
    settings.stream_window = 60000;
    settings.connection_window = 65535;
    c = client_new(&settings);
    a = submit_get(c, "/a");
    b = submit_get(c, "/b");
    pump(c, srv);
    server_respond(srv, 1, "200", big, sizeof(big), 0);
    pump(c, srv);
    CHECK(h2_stream_buffered(a) >= 60000 - 16384);
    server_respond(srv, 3, "200", big, 1000, 0);
    pump(c, srv);
    h2_stream_release(c, a);
    CHECK_INT(read_all(c, srv, b, &body, &len), H2_END);
    CHECK_INT(len, 1000);
    free(body);
    h2_stream_release(c, b);
    finish(c, srv);
}

static void test_resets(void)
{
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    struct h2_stream *a = submit_get(c, "/a"), *b = submit_get(c, "/b"), *d = submit_get(c, "/d");
    static unsigned char big[100000];
    unsigned char buf[100];
    size_t n;

    pump(c, srv);
    /* the server resets a and refuses b */
    nghttp2_submit_rst_stream(srv->session, NGHTTP2_FLAG_NONE, 1, NGHTTP2_INTERNAL_ERROR);
    nghttp2_submit_rst_stream(srv->session, NGHTTP2_FLAG_NONE, 3, NGHTTP2_REFUSED_STREAM);
    server_respond(srv, 5, "200", big, sizeof(big), 0);
    pump(c, srv);
    CHECK_INT(h2_stream_error(a), H2_ERR_RESET);
    CHECK_INT(h2_stream_error_code(a), NGHTTP2_INTERNAL_ERROR);
    CHECK_INT(h2_stream_read(c, a, buf, sizeof(buf), &n), H2_ERR_RESET);
    CHECK_INT(h2_stream_error(b), H2_ERR_REFUSED);
    CHECK_INT(h2_stream_error_code(b), NGHTTP2_REFUSED_STREAM);
    /* the client resets d mid-body: the server sees CANCEL, the handle says so */
    CHECK_INT(h2_stream_read(c, d, buf, sizeof(buf), &n), H2_OK);
    h2_stream_cancel(c, d);
    CHECK_INT(h2_stream_read(c, d, buf, sizeof(buf), &n), H2_OK);   /* what came before is still there */
    CHECK_INT(h2_stream_error(d), H2_ERR_CANCELLED);
    pump(c, srv);
    CHECK_INT(srv->last_rst_stream, 5);
    CHECK_INT(srv->last_rst_code, NGHTTP2_CANCEL);
    CHECK(srv->streams[2].closed);
    CHECK_INT(h2_conn_error(c), H2_OK);
    h2_stream_release(c, a);
    h2_stream_release(c, b);
    h2_stream_release(c, d);
    /* the connection goes on */
    a = submit_get(c, "/after");
    pump(c, srv);
    server_respond(srv, 7, "200", "x", 1, 0);
    pump(c, srv);
    CHECK(h2_stream_head(a) != NULL);
    h2_stream_release(c, a);
    /* a stream released before its HEADERS left is never sent */
    a = submit_get(c, "/never");
    h2_stream_release(c, a);
    pump(c, srv);
    CHECK_INT(srv->count, 4);
    CHECK_INT(h2_can_submit(c), H2_OK);
    finish(c, srv);
}

static void test_goaway(void)
{
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    struct h2_stream *s[3];
    unsigned char *body;
    size_t len;
    int32_t last = -1;
    uint32_t code = 99;
    struct h2_stream *late;
    struct h2_request req = {"GET", "https", "example.com", "/", NULL, 0, 0};

    for (int i = 0; i < 3; i++) s[i] = submit_get(c, "/g");
    pump(c, srv);
    nghttp2_submit_goaway(srv->session, NGHTTP2_FLAG_NONE, 1, NGHTTP2_NO_ERROR, NULL, 0);
    server_respond(srv, 1, "200", "done", 4, 0);
    pump(c, srv);
    CHECK(h2_goaway_received(c, &last, &code));
    CHECK_INT(last, 1);
    CHECK_INT(code, NGHTTP2_NO_ERROR);
    CHECK_INT(h2_stream_error(s[1]), H2_ERR_REFUSED);     /* not processed: retry elsewhere */
    CHECK_INT(h2_stream_error(s[2]), H2_ERR_REFUSED);
    CHECK_INT(read_all(c, srv, s[0], &body, &len), H2_END);
    CHECK(len == 4 && !memcmp(body, "done", 4));
    free(body);
    CHECK_INT(h2_can_submit(c), H2_ERR_CLOSING);
    CHECK_INT(h2_submit(c, &req, &late), H2_ERR_CLOSING);
    CHECK_INT(h2_conn_error(c), H2_OK);
    CHECK(!h2_wants_read(c));     /* nothing left open */
    capture(srv, "goaway_last_1");
    for (int i = 0; i < 3; i++) h2_stream_release(c, s[i]);
    finish(c, srv);

    /* a GOAWAY with an error fails the streams it covers too */
    c = client_new(NULL);
    srv = server_new(NULL, 0);
    for (int i = 0; i < 3; i++) s[i] = submit_get(c, "/g");
    pump(c, srv);
    nghttp2_submit_goaway(srv->session, NGHTTP2_FLAG_NONE, 3, NGHTTP2_ENHANCE_YOUR_CALM, NULL, 0);
    pump(c, srv);
    CHECK_INT(h2_conn_error(c), H2_ERR_GOAWAY);
    CHECK_INT(h2_stream_error(s[0]), H2_ERR_GOAWAY);
    CHECK_INT(h2_stream_error_code(s[0]), NGHTTP2_ENHANCE_YOUR_CALM);
    CHECK_INT(h2_stream_error(s[1]), H2_ERR_GOAWAY);
    CHECK_INT(h2_stream_error(s[2]), H2_ERR_REFUSED);
    CHECK(!h2_wants_read(c));
    for (int i = 0; i < 3; i++) h2_stream_release(c, s[i]);
    finish(c, srv);

    /* a request still queued when the GOAWAY comes is refused, never sent */
    c = client_new(NULL);
    srv = server_new(NULL, 0);
    s[0] = submit_get(c, "/g");
    pump(c, srv);
    nghttp2_submit_goaway(srv->session, NGHTTP2_FLAG_NONE, 1, NGHTTP2_NO_ERROR, NULL, 0);
    s[1] = submit_get(c, "/queued");
    {
        const uint8_t *sd;
        ssize_t n = nghttp2_session_mem_send(srv->session, &sd);
        CHECK_INT(h2_recv(c, sd, n), H2_OK);
    }
    pump(c, srv);
    CHECK_INT(h2_stream_error(s[1]), H2_ERR_REFUSED);
    CHECK_INT(srv->count, 1);
    h2_stream_release(c, s[0]);
    h2_stream_release(c, s[1]);
    finish(c, srv);
}

static void test_ping_and_close(void)
{
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    struct h2_stream *s = submit_get(c, "/p");
    unsigned char buf[10];
    size_t n;

    pump(c, srv);
    CHECK_INT(h2_ping(c), H2_OK);
    CHECK_INT(h2_ping(c), H2_OK);
    CHECK_INT(h2_pings_unanswered(c), 2);
    CHECK(h2_wants_write(c));
    pump(c, srv);
    CHECK_INT(h2_pings_unanswered(c), 0);
    /* GOAWAY at close: sent, then nothing more is read and the stream is over */
    CHECK_INT(h2_goaway(c), H2_OK);
    pump(c, srv);
    CHECK(!h2_wants_read(c));
    CHECK(!h2_wants_write(c));
    CHECK_INT(h2_conn_error(c), H2_ERR_CLOSING);
    CHECK_INT(h2_stream_read(c, s, buf, sizeof(buf), &n), H2_ERR_CLOSING);
    CHECK_INT(h2_can_submit(c), H2_ERR_CLOSING);
    CHECK(nghttp2_session_get_remote_settings(srv->session, NGHTTP2_SETTINGS_ENABLE_PUSH) == 0);
    h2_stream_release(c, s);
    finish(c, srv);
}

static void test_connection_lost(void)
{
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    struct h2_stream *sent = submit_get(c, "/sent"), *queued;

    pump(c, srv);
    queued = submit_get(c, "/queued");
    h2_connection_lost(c);
    CHECK_INT(h2_stream_error(sent), H2_ERR_CONNECTION_LOST);
    CHECK_INT(h2_stream_error(queued), H2_ERR_REFUSED);
    CHECK_INT(h2_conn_error(c), H2_ERR_CONNECTION_LOST);
    CHECK(!h2_wants_read(c));
    h2_stream_release(c, sent);
    h2_stream_release(c, queued);
    finish(c, srv);
}

/* ---- server bytes made by hand ---------------------------------------------- */

static size_t frame(unsigned char *out, uint32_t len, uint8_t type, uint8_t flags, uint32_t id, const void *payload)
{
    out[0] = (unsigned char)(len >> 16);
    out[1] = (unsigned char)(len >> 8);
    out[2] = (unsigned char)len;
    out[3] = type;
    out[4] = flags;
    out[5] = (unsigned char)(id >> 24);
    out[6] = (unsigned char)(id >> 16);
    out[7] = (unsigned char)(id >> 8);
    out[8] = (unsigned char)id;
    if (payload) memcpy(out + 9, payload, len);
    else memset(out + 9, 0, len);
    return 9 + len;
}

static void drain(struct h2_conn *c, unsigned char *sent, size_t *sent_len, size_t cap)
{
    const uint8_t *data;
    size_t len;

    while (h2_output(c, &data, &len) == H2_OK && len)
    {
        if (sent && *sent_len + len <= cap)
        {
            memcpy(sent + *sent_len, data, len);
            *sent_len += len;
        }
        h2_output_done(c, len);
    }
}

/* Whether the client's bytes hold a frame of this type (and stream, and
 * error code for RST_STREAM and GOAWAY when not ~0u). */
static int sent_frame(const unsigned char *p, size_t len, uint8_t type, int32_t stream, uint32_t code)
{
    size_t pos = 24;      /* the preface */

    while (pos + 9 <= len)
    {
        uint32_t flen = (uint32_t)p[pos] << 16 | p[pos + 1] << 8 | p[pos + 2];
        int32_t id = (int32_t)((uint32_t)(p[pos + 5] & 0x7f) << 24 | p[pos + 6] << 16 | p[pos + 7] << 8 | p[pos + 8]);
        const unsigned char *pl = p + pos + 9;

        if (pos + 9 + flen > len) break;
        if (p[pos + 3] == type && (stream < 0 || id == stream))
        {
            uint32_t c = ~0u;
            if (type == NGHTTP2_RST_STREAM && flen >= 4) c = (uint32_t)pl[0] << 24 | pl[1] << 16 | pl[2] << 8 | pl[3];
            if (type == NGHTTP2_GOAWAY && flen >= 8) c = (uint32_t)pl[4] << 24 | pl[5] << 16 | pl[6] << 8 | pl[7];
            if (code == ~0u || c == code) return 1;
        }
        pos += 9 + flen;
    }
    return 0;
}

/* A client with stream 1 open and the server's bytes fed by hand: an
 * empty SETTINGS and the ACK of ours unless settings is 0. */
static struct h2_conn *raw_client(struct h2_stream **s, int settings)
{
    struct h2_conn *c = client_new(NULL);
    unsigned char buf[64];
    size_t len = 0;

    *s = submit_get(c, "/raw");
    drain(c, NULL, NULL, 0);
    if (settings)
    {
        len += frame(buf + len, 0, NGHTTP2_SETTINGS, 0, 0, NULL);
        len += frame(buf + len, 0, NGHTTP2_SETTINGS, NGHTTP2_FLAG_ACK, 0, NULL);
        CHECK_INT(h2_recv(c, buf, len), H2_OK);
        drain(c, NULL, NULL, 0);
    }
    return c;
}

/* Feeds bad server bytes: the connection must end with a GOAWAY of this code
 * (~0u: any error), its stream failing, nothing leaking. */
static void expect_connection_error(const char *what, const void *bytes, size_t len, int settings, uint32_t code)
{
    static unsigned char sent[65536];
    size_t sent_len = 0;
    struct h2_stream *s;
    struct h2_conn *c = raw_client(&s, settings);
    unsigned char buf[16];
    size_t n;
    enum h2_result r = h2_recv(c, bytes, len);

    CHECK_MSG(r == H2_OK || r == H2_ERR_PROTOCOL, "%s: %s", what, h2_result_name(r));
    memcpy(sent, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);   /* sent_frame skips a preface */
    sent_len = 24;
    drain(c, sent, &sent_len, sizeof(sent));
    CHECK_MSG(h2_conn_error(c) == H2_ERR_PROTOCOL, "%s: %s", what, h2_result_name(h2_conn_error(c)));
    CHECK_MSG(sent_frame(sent, sent_len, NGHTTP2_GOAWAY, 0, code), "%s: no GOAWAY %u", what, code);
    CHECK_MSG(h2_stream_error(s) == H2_ERR_PROTOCOL, "%s: %s", what, h2_result_name(h2_stream_error(s)));
    CHECK_MSG(h2_stream_read(c, s, buf, sizeof(buf), &n) == H2_ERR_PROTOCOL, "%s", what);
    CHECK_MSG(!h2_wants_read(c) && !h2_wants_write(c), "%s", what);
    CHECK_INT(h2_recv(c, bytes, len), H2_OK);   /* more is ignored */
    h2_stream_release(c, s);
    h2_conn_free(c);
    CHECK_MSG(live_allocations == 0, "%s: %ld left", what, live_allocations);
}

static void test_bad_server_bytes(void)
{
    unsigned char buf[40000];
    size_t len;
    /* HPACK: index 70 names no entry of the static table or an empty dynamic one */
    const unsigned char bad_index[] = {0xbe + 8};
    const unsigned char bad_huffman[] = {0x88, 0x40, 0x81, 0xff, 0x01, 'x'};
    const unsigned char status_200[] = {0x88};
    const unsigned char rst_cancel[] = {0, 0, 0, 8};
    const unsigned char window_max[] = {0x7f, 0xff, 0xff, 0xff};
    const unsigned char ping[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const unsigned char bad_setting[] = {0, 4, 0x80, 0, 0, 0};    /* INITIAL_WINDOW_SIZE 2^31 */

    expect_connection_error("garbage", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 38, 0, ~0u);
    len = frame(buf, 8, NGHTTP2_PING, 0, 0, ping);
    expect_connection_error("no SETTINGS first", buf, len, 0, NGHTTP2_PROTOCOL_ERROR);
    len = frame(buf, 1, NGHTTP2_HEADERS, NGHTTP2_FLAG_END_HEADERS, 1, bad_index);
    expect_connection_error("bad HPACK index", buf, len, 1, NGHTTP2_COMPRESSION_ERROR);
    len = frame(buf, sizeof(bad_huffman), NGHTTP2_HEADERS, NGHTTP2_FLAG_END_HEADERS, 1, bad_huffman);
    expect_connection_error("bad HPACK Huffman", buf, len, 1, NGHTTP2_COMPRESSION_ERROR);
    len = frame(buf, 20000, NGHTTP2_DATA, 0, 1, NULL);
    expect_connection_error("oversized frame", buf, len, 1, NGHTTP2_FRAME_SIZE_ERROR);
    len = frame(buf, 1, NGHTTP2_HEADERS, NGHTTP2_FLAG_END_HEADERS, 3, status_200);
    expect_connection_error("HEADERS on a stream never opened", buf, len, 1, NGHTTP2_PROTOCOL_ERROR);
    len = frame(buf, 10, NGHTTP2_DATA, 0, 5, NULL);
    expect_connection_error("DATA on a stream never opened", buf, len, 1, NGHTTP2_PROTOCOL_ERROR);
    len = frame(buf, 4, NGHTTP2_WINDOW_UPDATE, 0, 0, window_max);
    expect_connection_error("connection window overflow", buf, len, 1, NGHTTP2_FLOW_CONTROL_ERROR);
    len = frame(buf, sizeof(bad_setting), NGHTTP2_SETTINGS, 0, 0, bad_setting);
    expect_connection_error("bad SETTINGS", buf, len, 0, NGHTTP2_FLOW_CONTROL_ERROR);
    /* stream 1 done (RST_STREAM), then a HEADERS on it again */
    len = frame(buf, 4, NGHTTP2_RST_STREAM, 0, 1, rst_cancel);
    len += frame(buf + len, 1, NGHTTP2_HEADERS, NGHTTP2_FLAG_END_HEADERS | NGHTTP2_FLAG_END_STREAM, 1, status_200);
    {
        /* the reset stream fails RESET; nghttp2 ignores frames on a stream
         * it closed (RFC 9113 5.1 allows it): nothing changes */
        struct h2_stream *s;
        struct h2_conn *c = raw_client(&s, 1);
        static unsigned char sent[4096];
        size_t sent_len = 24;
        CHECK_INT(h2_recv(c, buf, len), H2_OK);
        drain(c, sent, &sent_len, sizeof(sent));
        CHECK_INT(h2_stream_error(s), H2_ERR_RESET);
        CHECK_INT(h2_stream_error_code(s), NGHTTP2_CANCEL);
        CHECK(h2_stream_head(s) == NULL);
        CHECK_INT(h2_conn_error(c), H2_OK);
        CHECK(!sent_frame(sent, sent_len, NGHTTP2_GOAWAY, -1, ~0u));
        h2_stream_release(c, s);
        h2_conn_free(c);
        CHECK_INT(live_allocations, 0);
    }
}

/* A PUSH_PROMISE before the server has our SETTINGS: the promised stream
 * is reset; after them: a connection error. */
static void test_push_refused(void)
{
    const unsigned char promise[] = {0, 0, 0, 2, 0x82, 0x87, 0x84, 0x41, 3, 'a', '.', 'b'};
    const unsigned char status_200[] = {0x88};
    static unsigned char sent[4096];
    unsigned char buf[100];
    size_t len, sent_len = 24;
    struct h2_stream *s;
    struct h2_conn *c = raw_client(&s, 0);

    len = frame(buf, 0, NGHTTP2_SETTINGS, 0, 0, NULL);
    len += frame(buf + len, sizeof(promise), NGHTTP2_PUSH_PROMISE, NGHTTP2_FLAG_END_HEADERS, 1, promise);
    len += frame(buf + len, 1, NGHTTP2_HEADERS, NGHTTP2_FLAG_END_HEADERS | NGHTTP2_FLAG_END_STREAM, 1, status_200);
    CHECK_INT(h2_recv(c, buf, len), H2_OK);
    drain(c, sent, &sent_len, sizeof(sent));
    CHECK(sent_frame(sent, sent_len, NGHTTP2_RST_STREAM, 2, ~0u));
    CHECK_INT(h2_conn_error(c), H2_OK);
    CHECK(h2_stream_head(s) && h2_stream_head(s)->status == 200);
    CHECK(h2_stream_head(s) && h2_stream_head(s)->count == 0);   /* the promise's fields went nowhere */
    h2_stream_release(c, s);
    h2_conn_free(c);
    CHECK_INT(live_allocations, 0);

    len = frame(buf, sizeof(promise), NGHTTP2_PUSH_PROMISE, NGHTTP2_FLAG_END_HEADERS, 1, promise);
    expect_connection_error("PUSH_PROMISE with push off", buf, len, 1, NGHTTP2_PROTOCOL_ERROR);
}

static void test_header_limit(void)
{
    struct h2_settings settings;
    struct h2_conn *c;
    struct server *srv = server_new(NULL, 0);
    static char big[5000];
    struct h2_stream *a, *b;
    unsigned char *body;
    size_t len;

    memset(big, 'v', sizeof(big));
    h2_settings_default(&settings);
    settings.max_header_list = 4096;
    c = client_new(&settings);
    a = submit_get(c, "/a");
    b = submit_get(c, "/b");
    pump(c, srv);
    {
        nghttp2_nv nva[] = {NV(":status", "200"), {(uint8_t *)"x-big", (uint8_t *)big, 5, sizeof(big), 0}};
        nghttp2_submit_response(srv->session, 1, nva, 2, NULL);
    }
    server_respond(srv, 3, "200", "fine", 4, 1);    /* its trailers fit */
    pump(c, srv);
    CHECK_INT(h2_stream_error(a), H2_ERR_HEADERS_TOO_LARGE);
    CHECK(h2_stream_head(a) == NULL);
    CHECK(srv->streams[0].closed);  /* reset */
    CHECK_INT(read_all(c, srv, b, &body, &len), H2_END);
    free(body);
    CHECK_INT(h2_conn_error(c), H2_OK);
    h2_stream_release(c, a);
    h2_stream_release(c, b);
    finish(c, srv);
}

/* ---- out of memory ---------------------------------------------------------------- */

/* A whole exchange with the allocation after n failing: it may fail, but
 * with an error, and leaves nothing allocated.  1 when nothing failed. */
static int exchange_failing_at(long n)
{
    struct h2_conn *c = NULL;
    struct server *srv;
    struct h2_settings settings;
    struct h2_field fields[] = {{"Accept", 6, "*/*", 3}, {"X-Many", 6, "many", 4}};
    struct h2_request req = {"POST", "https", "example.com", "/oom", fields, 2, 1};
    static unsigned char down[70000];
    struct h2_stream *s = NULL, *g = NULL;
    unsigned char buf[4096];
    size_t sz;
    enum h2_result r;

    h2_settings_default(&settings);
    settings.stream_window = 40000;
    fail_after = n;
    if (h2_conn_new(&c, &settings, &test_allocator))
    {
        CHECK(c == NULL);
        goto done;
    }
    srv = server_new(NULL, 0);
    if (h2_submit(c, &req, &s) == H2_OK)
    {
        h2_stream_write(c, s, "body", 4);
        h2_stream_end_body(c, s);
    }
    h2_submit(c, &req, &g);     /* a second, never answered: released open */
    pump(c, srv);
    if (s && srv->count)
    {
        server_respond(srv, h2_stream_id(s), "200", down, sizeof(down), 1);
        for (int i = 0; i < 1000; i++)
        {
            pump(c, srv);
            while ((r = h2_stream_read(c, s, buf, sizeof(buf), &sz)) == H2_OK);
            if (r != H2_WAIT) break;
        }
        h2_ping(c);
        pump(c, srv);
    }
    h2_stream_release(c, s);
    h2_stream_release(c, g);
    pump(c, srv);
    h2_conn_free(c);
    server_free(srv);
done:
    CHECK_MSG(live_allocations == 0, "failing at %ld: %ld left", n, live_allocations);
    live_allocations = 0;
    {
        int finished = fail_after >= 0;
        fail_after = -1;
        return finished;
    }
}

static void test_out_of_memory(void)
{
    long n;

    for (n = 0; n < 5000; n++)
        if (exchange_failing_at(n)) break;
    CHECK_MSG(n > 20 && n < 5000, "%ld allocations", n);
    printf("out of memory: each of %ld allocations failed in turn\n", n);
}

/* The engine's HTTP/1.1 head, as it writes it, goes out as the same request. */
static void test_submit_http1(void)
{
    static const char head[] =
        "POST /upload?x=1 HTTP/1.1\r\n"
        "Connection: Keep-Alive\r\n"
        "User-Agent: agent\r\n"
        "Content-Length: 3\r\n"
        "Host: example.com:8443\r\n"
        "X-Empty:\r\n"
        "\r\n";
    static const char *const bad[] = {
        "GET /\r\n\r\n",                              /* no version */
        "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n",              /* no blank line */
        "GET / HTTP/1.1\r\n\r\n",                     /* no Host: no :authority */
        "",
    };
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    struct h2_stream *s, *none;
    unsigned char *body;
    size_t len;

    CHECK_INT(h2_submit_http1(c, "https", head, sizeof(head) - 1, 1, &s), H2_OK);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        CHECK_MSG(h2_submit_http1(c, "https", bad[i], strlen(bad[i]), 0, &none) == H2_ERR_INVALID, "%s", bad[i]);
        CHECK(none == NULL);
    }
    CHECK_INT(h2_stream_write(c, s, "abc", 3), H2_OK);
    CHECK_INT(h2_stream_end_body(c, s), H2_OK);
    pump(c, srv);
    CHECK_INT(srv->count, 1);
    CHECK(!strcmp(srv->streams[0].method, "POST"));
    CHECK(!strcmp(srv->streams[0].path, "/upload?x=1"));
    CHECK(!strcmp(srv->streams[0].authority, "example.com:8443"));
    CHECK_MSG(!strcmp(srv->streams[0].fields, "user-agent: agent\ncontent-length: 3\nx-empty: \n"), "%s",
              srv->streams[0].fields);
    CHECK(srv->streams[0].body_len == 3 && !memcmp(srv->streams[0].body, "abc", 3));
    server_respond(srv, 1, "200", "ok", 2, 0);
    pump(c, srv);
    CHECK_INT(read_all(c, srv, s, &body, &len), H2_END);
    CHECK(len == 2 && body && !memcmp(body, "ok", 2));
    free(body);
    h2_stream_release(c, s);
    finish(c, srv);
}

/* Each stream with news is named once, by its user pointer, and a released
 * one never. */
static void test_signalled(void)
{
    struct h2_conn *c = client_new(NULL);
    struct server *srv = server_new(NULL, 0);
    struct h2_request req = {"GET", "https", "example.com", "/", NULL, 0, 0};
    struct h2_stream *a, *b, *quiet;
    int user_a, user_b, user_quiet;
    void *seen[4];
    size_t n = 0;
    unsigned char *body;
    size_t len;

    CHECK_INT(h2_submit(c, &req, &a), H2_OK);
    CHECK_INT(h2_submit(c, &req, &b), H2_OK);
    CHECK_INT(h2_submit(c, &req, &quiet), H2_OK);
    h2_stream_set_user(a, &user_a);
    h2_stream_set_user(b, &user_b);
    h2_stream_set_user(quiet, &user_quiet);
    pump(c, srv);
    CHECK(h2_next_signalled(c) == NULL);
    server_respond(srv, 1, "200", "a", 1, 0);
    server_respond(srv, 3, "200", "b", 1, 0);
    pump(c, srv);
    while (n < 4 && (seen[n] = h2_next_signalled(c))) n++;
    CHECK_INT(n, 2);
    CHECK((seen[0] == &user_a && seen[1] == &user_b) || (seen[0] == &user_b && seen[1] == &user_a));
    CHECK(h2_next_signalled(c) == NULL);
    CHECK_INT(read_all(c, srv, a, &body, &len), H2_END);
    free(body);
    /* a stream released with news pending drops out of the list */
    server_respond(srv, 5, "500", NULL, 0, 0);
    pump(c, srv);
    h2_stream_release(c, quiet);
    h2_stream_release(c, a);
    while (h2_next_signalled(c) == &user_b) ;
    CHECK(h2_next_signalled(c) == NULL);
    /* a connection that ends names every stream left */
    h2_connection_lost(c);
    CHECK(h2_next_signalled(c) == NULL);    /* b had finished: nothing new */
    h2_stream_release(c, b);
    finish(c, srv);
}

int main(void)
{
    test_get();
    test_submit_http1();
    test_signalled();
    test_bad_requests();
    test_bodies_both_ways();
    test_deferred_body();
    test_trailers();
    test_interim();
    test_many_streams();
    test_max_concurrent();
    test_slow_reader();
    test_direct();
    test_release_returns_window();
    test_resets();
    test_goaway();
    test_ping_and_close();
    test_connection_lost();
    test_bad_server_bytes();
    test_push_refused();
    test_header_limit();
    test_out_of_memory();
    return UNIT_DONE();
}
