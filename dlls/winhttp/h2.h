/* An HTTP/2 client connection (RFC 9113) over libnghttp2, without I/O: the
 * engine feeds it the bytes the server sent (h2_recv) and writes out the
 * bytes it makes (h2_output, h2_output_done), from the connection's
 * resumable stream, on no thread of its own.  nghttp2 does the framing,
 * HPACK and flow control; this module keeps each request's stream: its
 * response head, its body buffered up to the stream's receive window (the
 * window reopens only as the engine reads, so a slow reader holds the
 * server back and memory stays bounded), its trailers and how it ended.
 *
 * Pure C (no <windows.h>, no nghttp2.h here): unit tested and fuzzed on the
 * host against the host's libnghttp2, linked into the DLL against the
 * static one tools/build-nghttp2 makes.
 */
#ifndef WINHTTP_H2_H
#define WINHTTP_H2_H

#include <stddef.h>
#include <stdint.h>

enum h2_result
{
    H2_OK = 0,
    H2_WAIT,                    /* nothing yet: more bytes from the server are needed */
    H2_END,                     /* the response body is complete */
    H2_ERR_NOMEM,
    H2_ERR_INVALID,             /* a bad argument (a field name or value HTTP/2 cannot carry), or out of turn */
    H2_ERR_TOO_MANY_STREAMS,    /* the server's SETTINGS_MAX_CONCURRENT_STREAMS is reached: queue the request */
    H2_ERR_CLOSING,             /* GOAWAY sent or received, or stream ids used up: use a new connection */
    H2_ERR_PROTOCOL,            /* the server broke the protocol (on this stream, or on the connection) */
    H2_ERR_RESET,               /* the server reset the stream (h2_stream_error_code says why) */
    H2_ERR_REFUSED,             /* the server did not process the stream (REFUSED_STREAM, above GOAWAY's
                                   last-stream-id, or never sent): safe to retry on another connection */
    H2_ERR_GOAWAY,              /* the server ended the connection with an error code (h2_goaway_received) */
    H2_ERR_HEADERS_TOO_LARGE,   /* a response head or trailers over the header list limit */
    H2_ERR_CANCELLED,           /* this side reset the stream (h2_stream_cancel) */
    H2_ERR_CONNECTION_LOST,     /* the transport ended before the stream did (h2_connection_lost) */
};

const char *h2_result_name(enum h2_result result);

/* A header field, as name and value byte strings (not NUL-terminated). */
struct h2_field
{
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

/* A received head: the final response, an interim (1xx) one, or trailers
 * (status 0).  The fields keep the server's order, names in lower case as
 * HTTP/2 sends them, without pseudo-header fields. */
struct h2_head
{
    int status;
    struct h2_field *fields;
    size_t count;
};

struct h2_settings
{
    uint32_t stream_window;             /* SETTINGS_INITIAL_WINDOW_SIZE: the most a stream buffers unread */
    uint32_t connection_window;         /* the connection's receive window, across all streams */
    uint32_t max_concurrent_streams;    /* streams the server may open (push is refused whatever this is) */
    uint32_t max_header_list;           /* SETTINGS_MAX_HEADER_LIST_SIZE, enforced on every head received */
};

/* 64 KiB - 1 and 16 MiB windows (RFC 9113's default and a large one), 100
 * streams, a 64 KiB header list. */
void h2_settings_default(struct h2_settings *settings);

/* An allocator for the module and nghttp2 alike (the shape of nghttp2_mem);
 * NULL for malloc and free. */
struct h2_allocator
{
    void *user;
    void *(*malloc)(size_t size, void *user);
    void (*free)(void *ptr, void *user);
    void *(*calloc)(size_t count, size_t size, void *user);
    void *(*realloc)(void *ptr, size_t size, void *user);
};

struct h2_conn;
struct h2_stream;

/* A connection whose first output is the client preface, our SETTINGS and
 * the connection window's WINDOW_UPDATE. */
enum h2_result h2_conn_new(struct h2_conn **conn, const struct h2_settings *settings,
                           const struct h2_allocator *allocator);
/* Frees the connection and every stream, released or not. */
void h2_conn_free(struct h2_conn *conn);

/* Bytes the server sent, all of them taken.  An error here is fatal to the
 * connection; a protocol error the server made queues a GOAWAY instead,
 * which h2_output sends and then reports (h2_conn_error). */
enum h2_result h2_recv(struct h2_conn *conn, const void *data, size_t len);
/* The next bytes to send, *len 0 when none: valid until h2_output_done has
 * taken them all, which may be a piece at a time. */
enum h2_result h2_output(struct h2_conn *conn, const uint8_t **data, size_t *len);
void h2_output_done(struct h2_conn *conn, size_t len);
int h2_wants_read(const struct h2_conn *conn);
int h2_wants_write(const struct h2_conn *conn);

/* H2_OK while the connection is usable; else the error that ended it, each
 * unfinished stream failing with it too. */
enum h2_result h2_conn_error(const struct h2_conn *conn);
/* Whether the server's SETTINGS came (a server that never sends them is the
 * engine's timeout). */
int h2_settings_received(const struct h2_conn *conn);
/* Whether the server sent GOAWAY, with its last-stream-id and error code. */
int h2_goaway_received(const struct h2_conn *conn, int32_t *last_stream_id, uint32_t *error_code);
/* The transport ended (EOF or an error): each unfinished stream fails,
 * with H2_ERR_REFUSED if its request never left. */
void h2_connection_lost(struct h2_conn *conn);

/* A keepalive PING; h2_pings_unanswered counts those not yet acknowledged. */
enum h2_result h2_ping(struct h2_conn *conn);
unsigned int h2_pings_unanswered(const struct h2_conn *conn);
/* GOAWAY (NO_ERROR) at close: after it is sent the connection takes no
 * more frames and starts no more streams. */
enum h2_result h2_goaway(struct h2_conn *conn);

/* Whether a new stream may start now (else h2_submit says why not). */
enum h2_result h2_can_submit(const struct h2_conn *conn);

struct h2_request
{
    const char *method;         /* NUL-terminated, as are the next three */
    const char *scheme;
    const char *authority;      /* host[:port]; a Host field replaces it */
    const char *path;
    const struct h2_field *fields;
    size_t field_count;
    int has_body;               /* the body follows, h2_stream_write then h2_stream_end_body */
};

/* Starts a stream for the request.  Field names go out in lower case;
 * connection-specific fields (Connection and those it names, Keep-Alive,
 * Proxy-Connection, Transfer-Encoding, Upgrade, TE but "trailers") are
 * dropped, as RFC 9113 8.2.2 requires, and Host becomes :authority.  The
 * stream belongs to the caller until h2_stream_release. */
enum h2_result h2_submit(struct h2_conn *conn, const struct h2_request *request, struct h2_stream **stream);

/* The same from an HTTP/1.1 request head as the engine writes it
 * ("METHOD target version", fields, the blank line; nothing after it): one
 * head builder for both protocols.  The target is the :path, Host the
 * :authority. */
enum h2_result h2_submit_http1(struct h2_conn *conn, const char *scheme, const char *head, size_t len, int has_body,
                               struct h2_stream **stream);

int32_t h2_stream_id(const struct h2_stream *stream);

/* The engine's pointer for a stream (its request). */
void h2_stream_set_user(struct h2_stream *stream, void *user);
/* The user pointer of a stream with news since it was last returned (a
 * head, body bytes, its end or failure, its request body all framed),
 * each once; NULL when there is none.  Call after h2_recv and h2_output. */
void *h2_next_signalled(struct h2_conn *conn);

/* Request body bytes, copied, to go out as DATA frames as the server's
 * windows allow; h2_stream_unsent says how many are still waiting. */
enum h2_result h2_stream_write(struct h2_conn *conn, struct h2_stream *stream, const void *data, size_t len);
enum h2_result h2_stream_end_body(struct h2_conn *conn, struct h2_stream *stream);
size_t h2_stream_unsent(const struct h2_stream *stream);

/* The final response head, NULL until it came. */
const struct h2_head *h2_stream_head(const struct h2_stream *stream);
/* The last interim (1xx) head, NULL if none came; how many came. */
const struct h2_head *h2_stream_interim(const struct h2_stream *stream);
unsigned int h2_stream_interim_count(const struct h2_stream *stream);
/* The trailers, NULL unless the server sent some (known once H2_END). */
const struct h2_head *h2_stream_trailers(const struct h2_stream *stream);

/* Response body bytes into buf: H2_OK with *read > 0, H2_WAIT (none
 * buffered now), H2_END (all read), or the stream's error once the bytes
 * before it are read.  Reading reopens the stream's window. */
enum h2_result h2_stream_read(struct h2_conn *conn, struct h2_stream *stream, void *buf, size_t size, size_t *read);
/* Body bytes received and not read yet. */
size_t h2_stream_buffered(const struct h2_stream *stream);
/* A reader's buffer that body bytes go straight into, rather than through
 * the stream's own, while nothing is buffered ahead of them: one copy
 * fewer for a reader that waits for them.  The buffer is the session's to
 * fill until h2_stream_take_direct(), which ends it and counts the bytes
 * in it as read (they come before any buffered since); how many are in it
 * meanwhile: h2_stream_direct_filled(). */
void h2_stream_give_direct(struct h2_stream *stream, void *buf, size_t size);
size_t h2_stream_direct_filled(const struct h2_stream *stream);
size_t h2_stream_take_direct(struct h2_conn *conn, struct h2_stream *stream);

/* H2_OK, or why the stream failed; the HTTP/2 error code of a reset or GOAWAY. */
enum h2_result h2_stream_error(const struct h2_stream *stream);
uint32_t h2_stream_error_code(const struct h2_stream *stream);

/* Resets the stream (RST_STREAM CANCEL) unless it is over; the handle stays. */
void h2_stream_cancel(struct h2_conn *conn, struct h2_stream *stream);
/* Cancels the stream if need be and gives up the handle. */
void h2_stream_release(struct h2_conn *conn, struct h2_stream *stream);

#endif
