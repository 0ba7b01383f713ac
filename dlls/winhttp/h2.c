/* An HTTP/2 client connection over nghttp2, without I/O: see h2.h. */
#include <stdlib.h>
#include <string.h>

#include <nghttp2/nghttp2.h>

#include "h2.h"

/* A byte queue: [start, end) of data[0..cap). */
struct bytes
{
    uint8_t *data;
    size_t start, end, cap;
};

/* Which head the header fields being received belong to. */
enum building
{
    BUILD_NONE,
    BUILD_HEAD,                 /* a response head, interim or final */
    BUILD_TRAILERS,
    BUILD_IGNORE,               /* a head already refused (too large, out of memory) */
};

struct h2_stream
{
    struct h2_conn *conn;
    struct h2_stream *prev, *next;      /* the connection's streams */
    int32_t id;
    struct h2_head head, interim, trailers;
    struct h2_head building;            /* the head whose fields are arriving */
    enum building building_kind;
    size_t building_size;               /* its size as SETTINGS_MAX_HEADER_LIST_SIZE counts it */
    unsigned int interim_count;
    struct bytes received;              /* DATA not read yet: at most the stream's window */
    unsigned char *direct;              /* h2_stream_give_direct: DATA goes here first */
    size_t direct_size, direct_filled;
    struct bytes body;                  /* request body not yet framed */
    unsigned int has_body : 1;
    unsigned int body_ended : 1;
    unsigned int headers_sent : 1;
    unsigned int have_head : 1;
    unsigned int have_trailers : 1;
    unsigned int remote_ended : 1;      /* END_STREAM received */
    unsigned int closed : 1;            /* nghttp2 closed it (on_stream_close) */
    unsigned int peer_reset : 1;
    unsigned int cancelled : 1;
    unsigned int released : 1;          /* the engine gave it up: freed once nghttp2 closes it */
    unsigned int signalled : 1;         /* on the connection's list of streams with news */
    struct h2_stream *next_signalled;
    void *user;                         /* h2_stream_set_user */
    enum h2_result error;
    uint32_t error_code;
};

struct h2_conn
{
    nghttp2_session *session;
    nghttp2_mem mem;
    struct h2_settings settings;
    struct h2_stream *streams;
    struct h2_stream *signalled;        /* streams with news for the engine, oldest first */
    struct h2_stream **signalled_tail;
    unsigned int open_streams;          /* submitted and not yet closed by nghttp2 */
    struct bytes out;                   /* frames from nghttp2_session_mem_send not yet taken */
    unsigned int pings_sent, pings_acked;
    int settings_received;
    int goaway_received;
    int32_t goaway_last_stream_id;
    uint32_t goaway_error_code;
    int goaway_sent;
    size_t unacked;                     /* taken since the connection's last WINDOW_UPDATE (consumed) */
    int dead;                           /* nghttp2 failed fatally: call it no more */
    enum h2_result error;
};

const char *h2_result_name(enum h2_result result)
{
    static const char *const names[] = {
        "OK", "WAIT", "END", "NOMEM", "INVALID", "TOO_MANY_STREAMS", "CLOSING", "PROTOCOL", "RESET",
        "REFUSED", "GOAWAY", "HEADERS_TOO_LARGE", "CANCELLED", "CONNECTION_LOST",
    };
    if ((unsigned int)result < sizeof(names) / sizeof(names[0])) return names[result];
    return "?";
}

void h2_settings_default(struct h2_settings *settings)
{
    settings->stream_window = 65535;
    settings->connection_window = 16 * 1024 * 1024;
    settings->max_concurrent_streams = 100;
    settings->max_header_list = 64 * 1024;
}

/* ---- memory ---------------------------------------------------------------- */

static void *std_malloc(size_t size, void *user) { return malloc(size); }
static void std_free(void *ptr, void *user) { free(ptr); }
static void *std_calloc(size_t count, size_t size, void *user) { return calloc(count, size); }
static void *std_realloc(void *ptr, size_t size, void *user) { return realloc(ptr, size); }

static void *conn_alloc(struct h2_conn *conn, size_t size) { return conn->mem.malloc(size, conn->mem.mem_user_data); }
static void conn_free_mem(struct h2_conn *conn, void *ptr) { conn->mem.free(ptr, conn->mem.mem_user_data); }

static void bytes_free(struct h2_conn *conn, struct bytes *b)
{
    conn_free_mem(conn, b->data);
    memset(b, 0, sizeof(*b));
}

static size_t bytes_len(const struct bytes *b) { return b->end - b->start; }

/* 0, or -1 when out of memory (nothing appended). */
static int bytes_append(struct h2_conn *conn, struct bytes *b, const void *data, size_t len)
{
    if (!len) return 0;
    if (b->cap - b->end < len)
    {
        size_t used = bytes_len(b), cap = b->cap ? b->cap : 4096;
        uint8_t *grown;

        /* compacting moves no more than the reader freed (so each byte moves
         * O(1) times however the reads and the frames interleave); else
         * the buffer grows */
        if (b->start >= used && b->cap - used >= len)
        {
            memmove(b->data, b->data + b->start, used);
            b->start = 0;
            b->end = used;
        }
        else
        {
            while (cap - used < len) cap *= 2;
            if (!(grown = conn->mem.realloc(b->data, cap, conn->mem.mem_user_data))) return -1;
            memmove(grown, grown + b->start, used);
            b->data = grown;
            b->cap = cap;
            b->start = 0;
            b->end = used;
        }
    }
    memcpy(b->data + b->end, data, len);
    b->end += len;
    return 0;
}

static size_t bytes_take(struct bytes *b, void *out, size_t size)
{
    size_t n = bytes_len(b) < size ? bytes_len(b) : size;

    if (!n) return 0;
    memcpy(out, b->data + b->start, n);
    b->start += n;
    if (b->start == b->end) b->start = b->end = 0;
    return n;
}

static void head_clear(struct h2_conn *conn, struct h2_head *head)
{
    for (size_t i = 0; i < head->count; i++) conn_free_mem(conn, (char *)head->fields[i].name);
    conn_free_mem(conn, head->fields);
    memset(head, 0, sizeof(*head));
}

/* Adds a field, name and value in one allocation; 0 or -1. */
static int head_add(struct h2_conn *conn, struct h2_head *head, const uint8_t *name, size_t name_len,
                    const uint8_t *value, size_t value_len)
{
    char *text;

    /* room for 8, then doubled each time the array fills */
    if (!head->count || (head->count >= 8 && !(head->count & (head->count - 1))))
    {
        size_t cap = head->count ? head->count * 2 : 8;
        struct h2_field *fields = conn->mem.realloc(head->fields, cap * sizeof(*fields), conn->mem.mem_user_data);

        if (!fields) return -1;
        head->fields = fields;
    }
    if (!(text = conn_alloc(conn, name_len + value_len + 2))) return -1;
    memcpy(text, name, name_len);
    text[name_len] = 0;
    memcpy(text + name_len + 1, value, value_len);
    text[name_len + 1 + value_len] = 0;
    head->fields[head->count].name = text;
    head->fields[head->count].name_len = name_len;
    head->fields[head->count].value = text + name_len + 1;
    head->fields[head->count].value_len = value_len;
    head->count++;
    return 0;
}

/* ---- streams ----------------------------------------------------------------- */

static void stream_unlink_free(struct h2_conn *conn, struct h2_stream *s)
{
    if (s->signalled)
    {
        struct h2_stream **link = &conn->signalled;

        while (*link != s) link = &(*link)->next_signalled;
        if (!(*link = s->next_signalled)) conn->signalled_tail = link;
    }
    if (s->prev) s->prev->next = s->next;
    else conn->streams = s->next;
    if (s->next) s->next->prev = s->prev;
    head_clear(conn, &s->head);
    head_clear(conn, &s->interim);
    head_clear(conn, &s->trailers);
    head_clear(conn, &s->building);
    bytes_free(conn, &s->received);
    bytes_free(conn, &s->body);
    conn_free_mem(conn, s);
}

static struct h2_stream *stream_find(struct h2_conn *conn, int32_t id)
{
    struct h2_stream *s = nghttp2_session_get_stream_user_data(conn->session, id);

    if (s) return s;
    for (s = conn->streams; s; s = s->next)
        if (s->id == id) return s;
    return NULL;
}

static int stream_finished(const struct h2_stream *s) { return s->error || (s->remote_ended && s->have_head); }

/* Something the engine waits for happened on the stream: a head, body
 * bytes, its end or its failure, or its request body all framed. */
static void stream_signal(struct h2_stream *s)
{
    if (s->signalled || s->released) return;
    s->signalled = 1;
    s->next_signalled = NULL;
    if (!s->conn->signalled) s->conn->signalled_tail = &s->conn->signalled;
    *s->conn->signalled_tail = s;
    s->conn->signalled_tail = &s->next_signalled;
}

static void stream_fail(struct h2_stream *s, enum h2_result error, uint32_t code)
{
    if (stream_finished(s)) return;
    s->error = error;
    s->error_code = code;
    stream_signal(s);
}

/* The connection is over: every stream not finished fails with its error. */
static void conn_fail(struct h2_conn *conn, enum h2_result error)
{
    if (!conn->error) conn->error = error;
    for (struct h2_stream *s = conn->streams; s; s = s->next)
        stream_fail(s, s->headers_sent ? conn->error : H2_ERR_REFUSED, 0);
}

/* nghttp2 failed fatally: its session must not be driven any more. */
static enum h2_result conn_fatal(struct h2_conn *conn, int rv)
{
    conn->dead = 1;
    conn->out.start = conn->out.end = 0;
    conn_fail(conn, rv == NGHTTP2_ERR_NOMEM ? H2_ERR_NOMEM : H2_ERR_PROTOCOL);
    return conn->error;
}

/* Tells nghttp2 that n bytes of a stream's body were taken (read, or given
 * up with the stream), so that the windows reopen.  nghttp2 sends a
 * stream's WINDOW_UPDATE once half its window is taken; the connection's
 * goes sooner, once a sixteenth of its window is: streams whose bytes wait
 * unread hold their share of it meanwhile, and with several of them and
 * half of the rest taken but not given back, a server whose connection
 * window is shut holds a new stream's response too (nginx does). */
static void consumed(struct h2_conn *conn, int32_t stream_id, size_t n)
{
    int rv;

    if (!n || conn->dead) return;
    /* out of memory leaves the window shut for good: end the connection rather than hang */
    if ((rv = nghttp2_session_consume(conn->session, stream_id, n)) && nghttp2_is_fatal(rv))
    {
        conn_fatal(conn, rv);
        return;
    }
    conn->unacked += n;
    if (conn->unacked < conn->settings.connection_window / 16) return;
    /* counted against what nghttp2 would acknowledge itself: it sends no second one */
    if ((rv = nghttp2_submit_window_update(conn->session, NGHTTP2_FLAG_NONE, 0, (int32_t)conn->unacked)) &&
        nghttp2_is_fatal(rv))
        conn_fatal(conn, rv);
    else if (!rv) conn->unacked = 0;
}

/* ---- nghttp2's callbacks ----------------------------------------------------------- */

static int on_begin_headers(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    struct h2_conn *conn = user;
    struct h2_stream *s;

    if (frame->hd.type == NGHTTP2_PUSH_PROMISE)
    {
        /* push is off in our SETTINGS; before the server has them nghttp2
         * itself resets a promise (CANCEL), and should it not, we refuse it */
        nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->push_promise.promised_stream_id,
                                  NGHTTP2_REFUSED_STREAM);
        return 0;
    }
    if (frame->hd.type != NGHTTP2_HEADERS || !(s = stream_find(conn, frame->hd.stream_id)) || s->released) return 0;
    head_clear(conn, &s->building);
    s->building_size = 0;
    /* after the final head, a HEADERS frame can only be trailers (nghttp2 checks END_STREAM) */
    s->building_kind = s->have_head ? BUILD_TRAILERS : BUILD_HEAD;
    return 0;
}

static int on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name, size_t name_len,
                     const uint8_t *value, size_t value_len, uint8_t flags, void *user)
{
    struct h2_conn *conn = user;
    struct h2_stream *s;

    if (frame->hd.type != NGHTTP2_HEADERS || !(s = stream_find(conn, frame->hd.stream_id)) || s->released
        || s->building_kind == BUILD_NONE || s->building_kind == BUILD_IGNORE)
        return 0;
    /* RFC 9113 6.5.2: each field counts its name, value and 32 */
    s->building_size += name_len + value_len + 32;
    if (s->building_size > conn->settings.max_header_list)
    {
        s->building_kind = BUILD_IGNORE;
        stream_fail(s, H2_ERR_HEADERS_TOO_LARGE, 0);
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;   /* nghttp2 resets the stream */
    }
    if (name_len == 7 && !memcmp(name, ":status", 7))
    {
        int status = 0;

        /* nghttp2's HTTP checks passed it: three digits */
        for (size_t i = 0; i < value_len && i < 3; i++) status = status * 10 + (value[i] - '0');
        s->building.status = status;
        return 0;
    }
    if (name_len && name[0] == ':') return 0;
    if (head_add(conn, &s->building, name, name_len, value, value_len))
    {
        s->building_kind = BUILD_IGNORE;
        stream_fail(s, H2_ERR_NOMEM, 0);
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    return 0;
}

/* A complete head arrived (nghttp2 checked its fields): file it. */
static void head_received(struct h2_conn *conn, struct h2_stream *s)
{
    struct h2_head *dest;

    if (s->building_kind == BUILD_TRAILERS)
    {
        dest = &s->trailers;
        s->have_trailers = 1;
    }
    else if (s->building.status >= 100 && s->building.status < 200)
    {
        dest = &s->interim;     /* only the last is kept: a server may send any number */
        s->interim_count++;
    }
    else
    {
        dest = &s->head;
        s->have_head = 1;
    }
    head_clear(conn, dest);
    *dest = s->building;
    memset(&s->building, 0, sizeof(s->building));
    s->building_kind = BUILD_NONE;
    stream_signal(s);
}

static int on_frame_recv(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    struct h2_conn *conn = user;
    struct h2_stream *s = NULL;

    switch (frame->hd.type)
    {
    case NGHTTP2_SETTINGS:
        if (!(frame->hd.flags & NGHTTP2_FLAG_ACK)) conn->settings_received = 1;
        return 0;
    case NGHTTP2_PING:
        if (frame->hd.flags & NGHTTP2_FLAG_ACK && conn->pings_acked < conn->pings_sent) conn->pings_acked++;
        return 0;
    case NGHTTP2_GOAWAY:
        /* nghttp2 closes the streams above last-stream-id with REFUSED_STREAM */
        conn->goaway_received = 1;
        conn->goaway_last_stream_id = frame->goaway.last_stream_id;
        conn->goaway_error_code = frame->goaway.error_code;
        if (frame->goaway.error_code != NGHTTP2_NO_ERROR)
        {
            conn->error = conn->error ? conn->error : H2_ERR_GOAWAY;
            for (s = conn->streams; s; s = s->next)
                if (s->id <= frame->goaway.last_stream_id) stream_fail(s, H2_ERR_GOAWAY, frame->goaway.error_code);
        }
        return 0;
    case NGHTTP2_HEADERS:
    case NGHTTP2_DATA:
    case NGHTTP2_RST_STREAM:
        break;
    default:
        return 0;
    }
    if (!(s = stream_find(conn, frame->hd.stream_id)) || s->released) return 0;
    if (frame->hd.type == NGHTTP2_RST_STREAM)
    {
        s->peer_reset = 1;
        return 0;
    }
    if (frame->hd.type == NGHTTP2_HEADERS && (s->building_kind == BUILD_HEAD || s->building_kind == BUILD_TRAILERS))
        head_received(conn, s);
    if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)
    {
        s->remote_ended = 1;
        stream_signal(s);
    }
    return 0;
}

static int on_data_chunk_recv(nghttp2_session *session, uint8_t flags, int32_t stream_id, const uint8_t *data,
                              size_t len, void *user)
{
    struct h2_conn *conn = user;
    struct h2_stream *s = stream_find(conn, stream_id);

    if (!s || s->released || s->error)
    {
        /* nobody will read it: give its window back now */
        consumed(conn, stream_id, len);
        return 0;
    }
    if (s->direct && !bytes_len(&s->received))
    {
        size_t n = len < s->direct_size - s->direct_filled ? len : s->direct_size - s->direct_filled;

        memcpy(s->direct + s->direct_filled, data, n);
        s->direct_filled += n;
        data += n;
        len -= n;
    }
    if (len && bytes_append(conn, &s->received, data, len))
    {
        stream_fail(s, H2_ERR_NOMEM, 0);
        nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_INTERNAL_ERROR);
        consumed(conn, stream_id, len);
    }
    else stream_signal(s);
    return 0;
}

static int on_stream_close(nghttp2_session *session, int32_t stream_id, uint32_t code, void *user)
{
    struct h2_conn *conn = user;
    struct h2_stream *s = stream_find(conn, stream_id);

    if (!s || s->closed) return 0;
    s->closed = 1;
    conn->open_streams--;
    nghttp2_session_set_stream_user_data(session, stream_id, NULL);
    if (s->released)
    {
        stream_unlink_free(conn, s);
        return 0;
    }
    stream_signal(s);       /* a body still being written has no more to wait for */
    if (code == NGHTTP2_NO_ERROR && s->remote_ended) return 0;     /* complete (a reset NO_ERROR only stops our body) */
    if (s->cancelled) stream_fail(s, H2_ERR_CANCELLED, code);
    /* RFC 9113 8.7: refused, or above a GOAWAY's last-stream-id, or never sent */
    else if (code == NGHTTP2_REFUSED_STREAM) stream_fail(s, H2_ERR_REFUSED, code);
    else if (s->peer_reset) stream_fail(s, H2_ERR_RESET, code);
    else stream_fail(s, H2_ERR_PROTOCOL, code);   /* nghttp2 reset it: the server broke the rules on it */
    return 0;
}

static int on_frame_send(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    struct h2_conn *conn = user;
    struct h2_stream *s;

    if (frame->hd.type == NGHTTP2_HEADERS && (s = stream_find(conn, frame->hd.stream_id))) s->headers_sent = 1;
    if (frame->hd.type == NGHTTP2_GOAWAY)
    {
        conn->goaway_sent = 1;
        /* nghttp2 ends the connection so when the server breaks the
         * protocol; ours at close (h2_goaway) ends what is left */
        conn_fail(conn, frame->goaway.error_code != NGHTTP2_NO_ERROR ? H2_ERR_PROTOCOL : H2_ERR_CLOSING);
    }
    return 0;
}

/* The request body's DATA: what the engine wrote so far, or "later". */
static ssize_t read_body(nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t length,
                         uint32_t *data_flags, nghttp2_data_source *source, void *user)
{
    struct h2_stream *s = source->ptr;
    size_t n;

    if (s->released) return NGHTTP2_ERR_DEFERRED;    /* its RST_STREAM goes first */
    n = bytes_take(&s->body, buf, length);
    if (n && !bytes_len(&s->body)) stream_signal(s);  /* a writer waiting for room */
    if (s->body_ended && !bytes_len(&s->body)) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    else if (!n) return NGHTTP2_ERR_DEFERRED;     /* h2_stream_write resumes it */
    return (ssize_t)n;
}

/* ---- the connection ------------------------------------------------------------------ */

static int make_callbacks(nghttp2_session_callbacks **callbacks)
{
    int rv = nghttp2_session_callbacks_new(callbacks);

    if (rv) return rv;
    nghttp2_session_callbacks_set_on_begin_headers_callback(*callbacks, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(*callbacks, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(*callbacks, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(*callbacks, on_data_chunk_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(*callbacks, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_send_callback(*callbacks, on_frame_send);
    return 0;
}

static int make_session(struct h2_conn *conn)
{
    nghttp2_session_callbacks *callbacks;
    nghttp2_option *option;
    int rv;

    if ((rv = make_callbacks(&callbacks))) return rv;
    if ((rv = nghttp2_option_new(&option)))
    {
        nghttp2_session_callbacks_del(callbacks);
        return rv;
    }
    /* the window reopens as the engine reads, not as bytes arrive */
    nghttp2_option_set_no_auto_window_update(option, 1);
    rv = nghttp2_session_client_new3(&conn->session, callbacks, conn, option, &conn->mem);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(callbacks);
    return rv;
}

static int submit_settings(struct h2_conn *conn)
{
    const struct h2_settings *s = &conn->settings;
    nghttp2_settings_entry entries[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, s->max_concurrent_streams},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, s->stream_window},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, s->max_header_list},
    };
    int rv = nghttp2_submit_settings(conn->session, NGHTTP2_FLAG_NONE, entries, sizeof(entries) / sizeof(entries[0]));

    if (rv || s->connection_window <= NGHTTP2_INITIAL_CONNECTION_WINDOW_SIZE) return rv;
    return nghttp2_session_set_local_window_size(conn->session, NGHTTP2_FLAG_NONE, 0, (int32_t)s->connection_window);
}

enum h2_result h2_conn_new(struct h2_conn **ret, const struct h2_settings *settings,
                           const struct h2_allocator *allocator)
{
    nghttp2_mem mem = {NULL, std_malloc, std_free, std_calloc, std_realloc};
    struct h2_conn *conn;
    int rv;

    *ret = NULL;
    if (settings->stream_window > NGHTTP2_MAX_WINDOW_SIZE || settings->connection_window > NGHTTP2_MAX_WINDOW_SIZE)
        return H2_ERR_INVALID;
    if (allocator)
    {
        mem.mem_user_data = allocator->user;
        mem.malloc = allocator->malloc;
        mem.free = allocator->free;
        mem.calloc = allocator->calloc;
        mem.realloc = allocator->realloc;
    }
    if (!(conn = mem.calloc(1, sizeof(*conn), mem.mem_user_data))) return H2_ERR_NOMEM;
    conn->mem = mem;
    conn->settings = *settings;
    if ((rv = make_session(conn)) || (rv = submit_settings(conn)))
    {
        h2_conn_free(conn);
        return rv == NGHTTP2_ERR_NOMEM ? H2_ERR_NOMEM : H2_ERR_INVALID;
    }
    *ret = conn;
    return H2_OK;
}

void h2_conn_free(struct h2_conn *conn)
{
    if (!conn) return;
    /* first nghttp2, whose queued DATA still points at the streams */
    nghttp2_session_del(conn->session);
    while (conn->streams) stream_unlink_free(conn, conn->streams);
    bytes_free(conn, &conn->out);
    conn_free_mem(conn, conn);
}

enum h2_result h2_recv(struct h2_conn *conn, const void *data, size_t len)
{
    ssize_t rv;

    if (conn->dead) return conn->error;
    rv = nghttp2_session_mem_recv(conn->session, data, len);
    if (rv < 0) return conn_fatal(conn, (int)rv);
    return H2_OK;
}

/* nghttp2 serializes a frame a call: as many as fit in this go out
 * together, one socket call for many streams' frames. */
#define OUTPUT_BATCH (64 * 1024)

enum h2_result h2_output(struct h2_conn *conn, const uint8_t **data, size_t *len)
{
    const uint8_t *frame;
    ssize_t rv;

    while (!conn->dead && bytes_len(&conn->out) < OUTPUT_BATCH)
    {
        if ((rv = nghttp2_session_mem_send(conn->session, &frame)) < 0) conn_fatal(conn, (int)rv);
        else if (!rv) break;
        else if (bytes_append(conn, &conn->out, frame, (size_t)rv)) conn_fatal(conn, NGHTTP2_ERR_NOMEM);
    }
    *data = conn->out.data + conn->out.start;
    *len = bytes_len(&conn->out);
    return conn->dead ? conn->error : H2_OK;
}

void h2_output_done(struct h2_conn *conn, size_t len)
{
    if (len > bytes_len(&conn->out)) len = bytes_len(&conn->out);
    conn->out.start += len;
    if (conn->out.start == conn->out.end) conn->out.start = conn->out.end = 0;
}

int h2_wants_read(const struct h2_conn *conn)
{
    return !conn->dead && !conn->error && nghttp2_session_want_read(conn->session);
}

int h2_wants_write(const struct h2_conn *conn)
{
    return bytes_len(&conn->out) || (!conn->dead && nghttp2_session_want_write(conn->session));
}

enum h2_result h2_conn_error(const struct h2_conn *conn) { return conn->error; }

int h2_settings_received(const struct h2_conn *conn) { return conn->settings_received; }

int h2_goaway_received(const struct h2_conn *conn, int32_t *last_stream_id, uint32_t *error_code)
{
    if (!conn->goaway_received) return 0;
    if (last_stream_id) *last_stream_id = conn->goaway_last_stream_id;
    if (error_code) *error_code = conn->goaway_error_code;
    return 1;
}

void h2_connection_lost(struct h2_conn *conn)
{
    conn_fail(conn, H2_ERR_CONNECTION_LOST);
}

enum h2_result h2_ping(struct h2_conn *conn)
{
    int rv;

    if (conn->dead || conn->error) return conn->error;
    if ((rv = nghttp2_submit_ping(conn->session, NGHTTP2_FLAG_NONE, NULL)))
        return rv == NGHTTP2_ERR_NOMEM ? H2_ERR_NOMEM : H2_ERR_INVALID;
    conn->pings_sent++;
    return H2_OK;
}

unsigned int h2_pings_unanswered(const struct h2_conn *conn) { return conn->pings_sent - conn->pings_acked; }

enum h2_result h2_goaway(struct h2_conn *conn)
{
    int rv;

    if (conn->dead) return conn->error;
    if ((rv = nghttp2_session_terminate_session(conn->session, NGHTTP2_NO_ERROR)))
        return rv == NGHTTP2_ERR_NOMEM ? H2_ERR_NOMEM : H2_ERR_INVALID;
    return H2_OK;
}

enum h2_result h2_can_submit(const struct h2_conn *conn)
{
    if (conn->dead || conn->error) return conn->error;
    if (conn->goaway_received || conn->goaway_sent) return H2_ERR_CLOSING;
    if (conn->open_streams >= nghttp2_session_get_remote_settings(conn->session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS))
        return H2_ERR_TOO_MANY_STREAMS;
    return H2_OK;
}

/* ---- requests ----------------------------------------------------------------------------- */

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int same_name(const char *a, size_t a_len, const char *b, size_t b_len)
{
    if (a_len != b_len) return 0;
    for (size_t i = 0; i < a_len; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) return 0;
    return 1;
}

static int is_ows(char c) { return c == ' ' || c == '\t'; }

/* Whether a Connection field of the request names this field. */
static int named_by_connection(const struct h2_request *req, const char *name, size_t name_len)
{
    for (size_t i = 0; i < req->field_count; i++)
    {
        const struct h2_field *f = &req->fields[i];
        size_t pos = 0;

        if (!same_name(f->name, f->name_len, "connection", 10)) continue;
        while (pos < f->value_len)
        {
            size_t start, end;

            while (pos < f->value_len && (is_ows(f->value[pos]) || f->value[pos] == ',')) pos++;
            start = pos;
            while (pos < f->value_len && f->value[pos] != ',') pos++;
            end = pos;
            while (end > start && is_ows(f->value[end - 1])) end--;
            if (end > start && same_name(f->value + start, end - start, name, name_len)) return 1;
        }
    }
    return 0;
}

/* RFC 9113 8.2.2: fields that belong to one HTTP/1.1 connection. */
static int connection_specific(const struct h2_request *req, const struct h2_field *f, size_t value_len)
{
    static const char *const names[] = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (same_name(f->name, f->name_len, names[i], strlen(names[i]))) return 1;
    if (same_name(f->name, f->name_len, "te", 2))
        return !same_name(f->value, value_len, "trailers", 8);   /* the one TE allowed */
    return named_by_connection(req, f->name, f->name_len);
}

static nghttp2_nv make_nv(const char *name, size_t name_len, const char *value, size_t value_len)
{
    nghttp2_nv nv = {(uint8_t *)name, (uint8_t *)value, name_len, value_len, NGHTTP2_NV_FLAG_NONE};
    return nv;
}

/* The request's header list: the pseudo-header fields, then the fields with
 * names lowered (into *names, which the caller frees) and values trimmed. */
static enum h2_result build_nva(struct h2_conn *conn, const struct h2_request *req, nghttp2_nv *nva, size_t *count,
                                char *names)
{
    const char *authority = req->authority ? req->authority : "";
    size_t authority_len = strlen(authority), n = 4;

    for (size_t i = 0; i < req->field_count; i++)
    {
        const struct h2_field *f = &req->fields[i];
        const char *value = f->value;
        size_t value_len = f->value_len;

        while (value_len && is_ows(*value)) { value++; value_len--; }
        while (value_len && is_ows(value[value_len - 1])) value_len--;
        for (size_t j = 0; j < f->name_len; j++) names[j] = (char)lower((unsigned char)f->name[j]);
        if (!f->name_len || names[0] == ':' || !nghttp2_check_header_name((const uint8_t *)names, f->name_len)
            || !nghttp2_check_header_value((const uint8_t *)value, value_len))
            return H2_ERR_INVALID;
        if (same_name(names, f->name_len, "host", 4))
        {
            authority = value;      /* the application's Host wins, as over HTTP/1.1 */
            authority_len = value_len;
            continue;
        }
        if (connection_specific(req, f, value_len)) continue;
        nva[n++] = make_nv(names, f->name_len, value, value_len);
        names += f->name_len;
    }
    if (!authority_len || !nghttp2_check_header_value((const uint8_t *)authority, authority_len))
        return H2_ERR_INVALID;
    nva[0] = make_nv(":method", 7, req->method, strlen(req->method));
    nva[1] = make_nv(":scheme", 7, req->scheme, strlen(req->scheme));
    nva[2] = make_nv(":authority", 10, authority, authority_len);
    nva[3] = make_nv(":path", 5, req->path, strlen(req->path));
    *count = n;
    return H2_OK;
}

static int valid_request(const struct h2_request *req)
{
    return req->method && *req->method && req->scheme && *req->scheme && req->path && *req->path
        && (req->fields || !req->field_count);
}

static enum h2_result submit_stream(struct h2_conn *conn, const struct h2_request *req, struct h2_stream *s)
{
    size_t names_len = 0, count;
    nghttp2_data_provider body = {{.ptr = s}, read_body};
    nghttp2_nv *nva;
    char *names;
    enum h2_result result;
    int32_t id;

    for (size_t i = 0; i < req->field_count; i++) names_len += req->fields[i].name_len;
    if (!(nva = conn_alloc(conn, (req->field_count + 4) * sizeof(*nva)))) return H2_ERR_NOMEM;
    if (!(names = conn_alloc(conn, names_len + 1)))
    {
        conn_free_mem(conn, nva);
        return H2_ERR_NOMEM;
    }
    if (!(result = build_nva(conn, req, nva, &count, names)))
    {
        /* nghttp2 copies the header list */
        id = nghttp2_submit_request(conn->session, NULL, nva, count, req->has_body ? &body : NULL, s);
        if (id > 0) s->id = id;
        else if (id == NGHTTP2_ERR_NOMEM) result = H2_ERR_NOMEM;
        else if (id == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE) result = H2_ERR_CLOSING;
        else result = H2_ERR_INVALID;
    }
    conn_free_mem(conn, names);
    conn_free_mem(conn, nva);
    return result;
}

enum h2_result h2_submit(struct h2_conn *conn, const struct h2_request *req, struct h2_stream **ret)
{
    struct h2_stream *s;
    enum h2_result result;

    *ret = NULL;
    if (!valid_request(req)) return H2_ERR_INVALID;
    if ((result = h2_can_submit(conn))) return result;
    if (!(s = conn->mem.calloc(1, sizeof(*s), conn->mem.mem_user_data))) return H2_ERR_NOMEM;
    s->conn = conn;
    s->has_body = !!req->has_body;
    if ((result = submit_stream(conn, req, s)))
    {
        conn_free_mem(conn, s);
        return result;
    }
    s->next = conn->streams;
    if (s->next) s->next->prev = s;
    conn->streams = s;
    conn->open_streams++;
    *ret = s;
    return H2_OK;
}

int32_t h2_stream_id(const struct h2_stream *s) { return s->id; }

static const char *find_crlf(const char *p, const char *end)
{
    for (; p + 1 < end; p++)
        if (p[0] == '\r' && p[1] == '\n') return p;
    return NULL;
}

enum h2_result h2_submit_http1(struct h2_conn *conn, const char *scheme, const char *head, size_t len, int has_body,
                               struct h2_stream **stream)
{
    struct h2_request req = {.scheme = scheme, .has_body = has_body};
    const char *end = head + len, *line_end, *p;
    struct h2_field *fields;
    size_t lines = 0;
    char *copy, *sp1, *sp2;
    enum h2_result result = H2_ERR_INVALID;

    *stream = NULL;
    for (p = head; p < end && (line_end = find_crlf(p, end)); p = line_end + 2) lines++;
    if (!lines || !(line_end = find_crlf(head, end))) return H2_ERR_INVALID;
    /* the request line, NUL-terminated pieces in a copy: "METHOD SP target SP version" */
    if (!(copy = conn_alloc(conn, line_end - head + 1))) return H2_ERR_NOMEM;
    memcpy(copy, head, line_end - head);
    copy[line_end - head] = 0;
    if (!(fields = conn_alloc(conn, lines * sizeof(*fields))))
    {
        conn_free_mem(conn, copy);
        return H2_ERR_NOMEM;
    }
    if ((sp1 = strchr(copy, ' ')) && (sp2 = strchr(sp1 + 1, ' ')))
    {
        *sp1 = *sp2 = 0;
        req.method = copy;
        req.path = sp1 + 1;
        req.fields = fields;
        for (p = line_end + 2; p < end && (line_end = find_crlf(p, end)) && line_end > p; p = line_end + 2)
        {
            const char *colon = memchr(p, ':', line_end - p);
            struct h2_field *f = &fields[req.field_count++];

            if (!colon) break;
            f->name = p;
            f->name_len = colon - p;
            f->value = colon + 1;
            f->value_len = line_end - colon - 1;
        }
        /* every line a field, up to the blank line that ends the head */
        if (p < end && line_end == p) result = h2_submit(conn, &req, stream);
    }
    conn_free_mem(conn, fields);
    conn_free_mem(conn, copy);
    return result;
}

void h2_stream_set_user(struct h2_stream *s, void *user) { s->user = user; }

void *h2_next_signalled(struct h2_conn *conn)
{
    struct h2_stream *s;

    while ((s = conn->signalled))
    {
        if (!(conn->signalled = s->next_signalled)) conn->signalled_tail = &conn->signalled;
        s->signalled = 0;
        if (s->user && !s->released) return s->user;
    }
    return NULL;
}

/* ---- a stream ---------------------------------------------------------------------------- */

enum h2_result h2_stream_write(struct h2_conn *conn, struct h2_stream *s, const void *data, size_t len)
{
    if (!s->has_body || s->body_ended) return H2_ERR_INVALID;
    if (s->error) return s->error;
    if (s->closed) return H2_OK;    /* the server finished early: the rest of the body is not wanted */
    if (!len) return H2_OK;
    if (bytes_append(conn, &s->body, data, len)) return H2_ERR_NOMEM;
    if (!conn->dead) nghttp2_session_resume_data(conn->session, s->id);   /* fails harmlessly when not deferred */
    return H2_OK;
}

enum h2_result h2_stream_end_body(struct h2_conn *conn, struct h2_stream *s)
{
    if (!s->has_body || s->body_ended) return H2_ERR_INVALID;
    s->body_ended = 1;
    if (s->error) return s->error;
    if (!s->closed && !conn->dead) nghttp2_session_resume_data(conn->session, s->id);
    return H2_OK;
}

size_t h2_stream_unsent(const struct h2_stream *s) { return bytes_len(&s->body); }

const struct h2_head *h2_stream_head(const struct h2_stream *s) { return s->have_head ? &s->head : NULL; }

const struct h2_head *h2_stream_interim(const struct h2_stream *s) { return s->interim_count ? &s->interim : NULL; }

unsigned int h2_stream_interim_count(const struct h2_stream *s) { return s->interim_count; }

const struct h2_head *h2_stream_trailers(const struct h2_stream *s) { return s->have_trailers ? &s->trailers : NULL; }

enum h2_result h2_stream_read(struct h2_conn *conn, struct h2_stream *s, void *buf, size_t size, size_t *read)
{
    *read = 0;
    if (bytes_len(&s->received) && size)
    {
        *read = bytes_take(&s->received, buf, size);
        consumed(conn, s->id, *read);   /* only now: a slow reader keeps the window shut */
        return H2_OK;
    }
    if (s->error) return s->error;
    if (s->remote_ended && s->have_head) return H2_END;
    return H2_WAIT;
}

size_t h2_stream_buffered(const struct h2_stream *s) { return bytes_len(&s->received); }

void h2_stream_give_direct(struct h2_stream *s, void *buf, size_t size)
{
    s->direct = buf;
    s->direct_size = size;
    s->direct_filled = 0;
}

size_t h2_stream_direct_filled(const struct h2_stream *s) { return s->direct_filled; }

size_t h2_stream_take_direct(struct h2_conn *conn, struct h2_stream *s)
{
    size_t n = s->direct_filled;

    s->direct = NULL;
    s->direct_size = s->direct_filled = 0;
    consumed(conn, s->id, n);
    return n;
}

enum h2_result h2_stream_error(const struct h2_stream *s) { return s->error; }

uint32_t h2_stream_error_code(const struct h2_stream *s) { return s->error_code; }

void h2_stream_cancel(struct h2_conn *conn, struct h2_stream *s)
{
    if (s->closed || s->cancelled) return;
    s->cancelled = 1;
    stream_fail(s, H2_ERR_CANCELLED, NGHTTP2_CANCEL);
    if (!conn->dead) nghttp2_submit_rst_stream(conn->session, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_CANCEL);
}

void h2_stream_release(struct h2_conn *conn, struct h2_stream *s)
{
    if (!s) return;
    /* what was never read gives its share of the connection's window back */
    consumed(conn, s->id, bytes_len(&s->received));
    bytes_free(conn, &s->received);
    if (s->closed || conn->dead)
    {
        if (!s->closed) conn->open_streams--;
        stream_unlink_free(conn, s);
        return;
    }
    /* nghttp2 still has the stream open: reset it (even when its response
     * is complete, our body may still be going) and keep the memory its
     * callbacks find until it closes it */
    if (!s->cancelled) nghttp2_submit_rst_stream(conn->session, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_CANCEL);
    s->cancelled = 1;
    s->released = 1;
    bytes_free(conn, &s->body);
}
