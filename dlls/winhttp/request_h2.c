/* A request's exchange over HTTP/2: its stream on a shared connection
 * (h2_link.c).  The state machine's steps stay the same (send.c,
 * receive.c, body.c); where they would touch the connection they come
 * here instead: the head written by the one head builder goes out as a
 * HEADERS frame, the body as DATA, the response head and body come from
 * the stream.  Waiting is the link's: an asynchronous request gives its
 * thread back until its stream has news, a synchronous one sleeps.
 */
#include <stdio.h>

#include "body.h"
#include "connection.h"
#include "h2_link.h"

static BOOL is_async(struct request *r)
{
    return !!(r->obj.session_flags & WINHTTP_FLAG_ASYNC);
}

static void wake_request(void *context)
{
    struct request *r = context;
    task_queue_resume(&r->queue);
}

DWORD request_h2_error(enum h2_result result)
{
    switch (result)
    {
    case H2_OK:
    case H2_END:
    case H2_WAIT:                   return ERROR_SUCCESS;
    case H2_ERR_NOMEM:              return ERROR_OUTOFMEMORY;
    case H2_ERR_INVALID:            return ERROR_WINHTTP_INVALID_HEADER;
    case H2_ERR_HEADERS_TOO_LARGE:  return ERROR_WINHTTP_HEADER_SIZE_OVERFLOW;
    case H2_ERR_CANCELLED:          return ERROR_WINHTTP_OPERATION_CANCELLED;
    case H2_ERR_PROTOCOL:           return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    /* not processed by the server, or no room: the request may go again elsewhere */
    case H2_ERR_TOO_MANY_STREAMS:
    case H2_ERR_CLOSING:
    case H2_ERR_REFUSED:            return ERROR_RETRY;
    case H2_ERR_RESET:
    case H2_ERR_GOAWAY:
    case H2_ERR_CONNECTION_LOST:    break;
    }
    return ERROR_WINHTTP_CONNECTION_ERROR;
}

/* A body the application frames itself ("Transfer-Encoding: chunked" and
 * chunks written with WinHttpWriteData): HTTP/2 has no such framing
 * (RFC 9113 8.2.2).  The request goes over HTTP/1.1, where it works as
 * written, unless WINHTTP_OPTION_HTTP2_PLUS_TRANSFER_ENCODING is set: then
 * the chunks' data goes as DATA frames (write_dechunked). */
static BOOL sends_own_framing(struct request *r)
{
    int i = header_list_find(&r->headers, L"Transfer-Encoding", 0);

    return i >= 0 && lstrcmpiW(r->headers.items[i].value, L"identity");
}

/* A client certificate goes with HTTP/2 only when the application says it
 * may (WINHTTP_OPTION_ENABLE_HTTP2_PLUS_CLIENT_CERT: opt-in on native, our
 * reading of it): HTTP/2 forbids the renegotiation servers use to ask for
 * one late (RFC 9113 9.2.1), so the request goes over HTTP/1.1. */
static BOOL has_client_cert(struct request *r)
{
    return r->obj.settings.client_cert && !r->obj.settings.h2_client_cert;
}

BOOL request_h2_wanted(struct request *r)
{
    return (r->obj.settings.http_protocols & WINHTTP_PROTOCOL_FLAG_HTTP2) && r->route.secure && !r->upgrade &&
           !r->h2_refused && (!sends_own_framing(r) || r->obj.settings.h2_transfer_encoding) &&
           !has_client_cert(r);
}

/* RFC 9113 8.1.1: HTTP_1_1_REQUIRED (0xd), as servers answer a request
 * they will only authenticate over HTTP/1.1 (NTLM, Negotiate, client
 * certificates after the handshake): the request goes again over HTTP/1.1. */
#define H2_HTTP_1_1_REQUIRED 0xd

DWORD request_h2_check_protocol(struct request *r)
{
    if (!r->obj.settings.protocol_required || !(r->obj.settings.http_protocols & WINHTTP_PROTOCOL_FLAG_HTTP2) || r->h2)
        return ERROR_SUCCESS;
    /* WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED: no HTTP/1.1 instead (the
     * error is our choice; none is documented) */
    WARN("HTTP/2 required, not negotiated\n");
    return ERROR_WINHTTP_CANNOT_CONNECT;
}

/* The request's link (its reference), under conn_lock: WinHttpCloseHandle
 * may be cancelling. */
static void set_link(struct request *r, struct h2_link *link)
{
    AcquireSRWLockExclusive(&r->conn_lock);
    r->h2 = link;
    ReleaseSRWLockExclusive(&r->conn_lock);
    r->h2_waiter.wake = wake_request;
    r->h2_waiter.context = r;
}

/* The session's own links when it keeps its own pool, else the process's. */
static const void *link_owner(struct request *r)
{
    struct session *session = request_session(r);

    return pool_is_private(&session->pool) ? session : NULL;
}

BOOL request_h2_attach(struct request *r)
{
    struct trust_key trust = connection_trust_key(&r->obj.settings, TRUE);
    struct h2_link *link;

    if (!request_h2_wanted(r) || !(link = h2_link_find(&r->route, &trust, link_owner(r), !r->obj.settings.no_stream_queue)))
        return FALSE;
    TRACE("%p: a stream on link %p\n", r->obj.handle, link);
    set_link(r, link);
    r->conn_reused = TRUE;
    return TRUE;
}

DWORD request_h2_adopt(struct request *r)
{
    struct h2_link_config config = { r->obj.settings.h2_receive_window, r->obj.settings.h2_keepalive,
                                     link_owner(r) };
    struct h2_link *link;
    DWORD error;

    if ((error = h2_link_create(request_detach_connection(r), &config, &link))) return error;
    set_link(r, link);
    return ERROR_SUCCESS;
}

struct connection *request_wire(struct request *r)
{
    return r->h2 ? h2_link_connection(r->h2) : r->conn;
}

void request_h2_release(struct request *r)
{
    struct h2_link *link;
    struct h2_stream *stream;

    if (!r->h2) return;     /* only the request's own thread sets it: no lock for HTTP/1.1's sends */
    AcquireSRWLockExclusive(&r->conn_lock);
    link = r->h2;
    stream = r->h2_stream;
    r->h2 = NULL;
    r->h2_stream = NULL;
    ReleaseSRWLockExclusive(&r->conn_lock);
    if (r->h2_dechunking) http_chunked_free(&r->h2_dechunk);
    r->h2_dechunking = FALSE;
    if (!link) return;
    if (stream)
    {
        h2_link_lock(link);
        if (h2_stream_error(stream) == H2_ERR_RESET || h2_stream_error(stream) == H2_ERR_GOAWAY)
            r->h2_error_code = h2_stream_error_code(stream);
        h2_link_unwait(link, &r->h2_waiter);
        h2_stream_release(h2_link_session(link), stream);
        h2_link_unlock(link);
        h2_link_kick(link, TRUE);   /* its RST_STREAM or WINDOW_UPDATE goes out */
    }
    h2_link_release(link);
}

void request_h2_cancel(struct request *r)
{
    /* under conn_lock (WinHttpCloseHandle): the stream cannot go meanwhile */
    if (!r->h2) return;
    h2_link_lock(r->h2);
    if (r->h2_stream) h2_stream_cancel(h2_link_session(r->h2), r->h2_stream);
    /* a request queued for a stream has none to be woken by */
    h2_link_interrupt(r->h2, &r->h2_waiter);
    h2_link_unlock(r->h2);
    h2_link_kick(r->h2, TRUE);  /* sends the reset, and wakes the request */
}

/* ---- waiting -------------------------------------------------------------------- */

/* What a step waits for on the stream: TRUE once it is there (or the
 * stream failed: the step reads why).  Without a stream: room for one. */
typedef BOOL (*stream_ready)(struct request *r, struct h2_stream *stream);

/* Waits, the link locked, until ready or the timeout: ERROR_SUCCESS with
 * the lock still held, else the lock released and ERROR_IO_PENDING
 * (asynchronous), STREAM_WOULD_BLOCK (nested in a callback: never wait),
 * ERROR_WINHTTP_TIMEOUT or ERROR_WINHTTP_OPERATION_CANCELLED. */
static DWORD lock_when(struct request *r, stream_ready ready, int timeout)
{
    ULONGLONG deadline = timeout > 0 ? GetTickCount64() + timeout : 0;
    DWORD error;

    h2_link_lock(r->h2);
    for (;;)
    {
        if (ready(r, r->h2_stream) || (r->h2_stream && h2_stream_error(r->h2_stream)))
        {
            r->h2_waiter.timed_out = FALSE;
            return ERROR_SUCCESS;
        }
        if (r->closing) error = ERROR_WINHTTP_OPERATION_CANCELLED;
        else if (r->h2_waiter.timed_out) error = ERROR_WINHTTP_TIMEOUT;
        else if (r->h2_no_wait) error = STREAM_WOULD_BLOCK;
        else if (is_async(r))
        {
            error = r->h2_stream ? h2_link_wait(r->h2, &r->h2_waiter, TRUE, timeout)
                                 : h2_link_wait_room(r->h2, &r->h2_waiter, TRUE, timeout);
        }
        else
        {
            int left = 0;

            if (deadline)
            {
                ULONGLONG now = GetTickCount64();
                left = now >= deadline ? 1 : (int)min(deadline - now, 0x7fffffff);
            }
            if (!(error = h2_link_wait(r->h2, &r->h2_waiter, FALSE, left))) continue;
        }
        r->h2_waiter.timed_out = FALSE;
        h2_link_unlock(r->h2);
        return error;
    }
}

static BOOL has_head(struct request *r, struct h2_stream *stream)
{
    return h2_stream_head(stream) || h2_stream_interim_count(stream) > r->h2_interim;
}

static BOOL has_final_head(struct request *r, struct h2_stream *stream)
{
    return h2_stream_head(stream) != NULL;
}

static BOOL has_body_news(struct request *r, struct h2_stream *stream)
{
    size_t read;
    return h2_stream_buffered(stream) || h2_stream_direct_filled(stream) ||
           h2_stream_read(h2_link_session(r->h2), stream, NULL, 0, &read) != H2_WAIT;
}

static BOOL body_sent(struct request *r, struct h2_stream *stream)
{
    return !h2_stream_unsent(stream);
}

static BOOL room_for_stream(struct request *r, struct h2_stream *none)
{
    return h2_can_submit(h2_link_session(r->h2)) != H2_ERR_TOO_MANY_STREAMS;
}

/* ---- sending ----------------------------------------------------------------------- */

/* The application's chunked framing off its bytes: the chunks' data goes
 * on the stream, and the last chunk ends it (its trailer section is not
 * sent).  Framing that is not chunked fails the write. */
static enum h2_result write_dechunked(struct request *r, struct h2_conn *session, const void *data, size_t size)
{
    enum h2_result result = H2_OK;
    enum http_result decoded;
    size_t used, length;
    char *out;

    if (!size) return H2_OK;
    if (!(out = heap_alloc(size))) return H2_ERR_NOMEM;
    decoded = http_chunked_feed(&r->h2_dechunk, data, size, &used, out, size, &length);
    /* bytes after the last chunk are as wrong as bad framing */
    if ((decoded != HTTP_NEED_MORE && decoded != HTTP_DONE) || used < size) result = H2_ERR_INVALID;
    else if (length) result = h2_stream_write(session, r->h2_stream, out, length);
    if (!result && decoded == HTTP_DONE) result = h2_stream_end_body(session, r->h2_stream);
    heap_free(out);
    return result;
}

DWORD request_h2_send(struct request *r)
{
    struct h2_conn *session;
    enum h2_result result;
    BOOL has_body, dechunk = sends_own_framing(r);
    DWORD error;

    /* the server's streams all in use: the request waits its turn without
     * a thread, as a request waits for a connection slot
     * (WINHTTP_OPTION_DISABLE_STREAM_QUEUE: another connection instead) */
    if (r->obj.settings.no_stream_queue) h2_link_lock(r->h2);
    else if ((error = lock_when(r, room_for_stream, r->obj.settings.connect_timeout))) return error;
    session = h2_link_session(r->h2);
    if (r->h2_dechunking) http_chunked_free(&r->h2_dechunk);
    if (dechunk) http_chunked_init(&r->h2_dechunk, 0);
    r->h2_dechunking = dechunk;
    has_body = dechunk || r->total_length > 0;
    result = h2_submit_http1(session, "https", r->sent_head.data, r->head_length, has_body, &r->h2_stream);
    if (!result)
    {
        r->h2_waiter.timed_out = FALSE;
        h2_stream_set_user(r->h2_stream, &r->h2_waiter);
        if (dechunk) result = write_dechunked(r, session, r->send_body, r->send_body_length);
        else if (r->send_body_length) result = h2_stream_write(session, r->h2_stream, r->send_body, r->send_body_length);
        if (!result && !dechunk && has_body && r->send_body_length >= r->total_length)
            result = h2_stream_end_body(session, r->h2_stream);
    }
    h2_link_unlock(r->h2);
    if (result) TRACE("%p: no stream (%s)\n", r->obj.handle, h2_result_name(result));
    else h2_link_kick(r->h2, is_async(r));
    r->h2_interim = 0;
    return request_h2_error(result);
}

DWORD request_h2_write(struct request *r, const void *data, DWORD size)
{
    struct h2_conn *session = h2_link_session(r->h2);
    enum h2_result result = H2_OK;
    DWORD error;

    if (!r->h2_stream) return ERROR_WINHTTP_CONNECTION_ERROR;
    if (!r->h2_writing)
    {
        h2_link_lock(r->h2);
        if (r->h2_dechunking) result = write_dechunked(r, session, data, size);
        else
        {
            result = h2_stream_write(session, r->h2_stream, data, size);
            if (!result && r->written + size >= r->total_length) result = h2_stream_end_body(session, r->h2_stream);
        }
        h2_link_unlock(r->h2);
        /* not chunked framing, or bytes after its end: the caller's mistake */
        if (result == H2_ERR_INVALID && r->h2_dechunking) return ERROR_INVALID_PARAMETER;
        if (result) return request_h2_error(result);
        r->h2_writing = TRUE;
        h2_link_kick(r->h2, is_async(r));
    }
    /* done when it is all framed: the stream's windows pace the writer */
    if ((error = lock_when(r, body_sent, r->obj.settings.send_timeout))) return error;
    result = h2_stream_error(r->h2_stream);
    h2_link_unlock(r->h2);
    r->h2_writing = FALSE;
    return request_h2_error(result);
}

/* ---- the response head ---------------------------------------------------------------- */

DWORD request_h2_wait_head(struct request *r)
{
    DWORD error;

    if (!r->h2_stream) return ERROR_SUCCESS;
    /* as over HTTP/1.1, a server that does not answer within the receive
     * timeout ends the wait; the receive then meets the timeout itself */
    if ((error = lock_when(r, has_final_head, r->obj.settings.receive_timeout)))
        return error == ERROR_WINHTTP_TIMEOUT ? ERROR_SUCCESS : error;
    h2_link_unlock(r->h2);
    return ERROR_SUCCESS;       /* a failure is kept by the stream for the receive */
}

static const char *put(char *raw, size_t *at, const char *data, size_t len)
{
    const char *start = raw + *at;

    memcpy(raw + *at, data, len);
    *at += len;
    return start;
}

/* The head as the HTTP/1.1 parser would give it, and its raw text:
 * "HTTP/2 <status>", then the fields as received. */
static DWORD copy_head(const struct h2_head *h2, struct h2_response_head *out)
{
    size_t size = 16, at;

    out->headers = heap_alloc_zero((h2->count + 1) * sizeof(*out->headers));
    for (size_t i = 0; i < h2->count; i++) size += h2->fields[i].name_len + h2->fields[i].value_len + 4;
    out->raw = heap_alloc(size + 2);
    if (!out->headers || !out->raw) return ERROR_OUTOFMEMORY;
    at = sprintf(out->raw, "HTTP/2 %03d\r\n", h2->status);
    for (size_t i = 0; i < h2->count; i++)
    {
        const struct h2_field *f = &h2->fields[i];

        out->headers[i].name = put(out->raw, &at, f->name, f->name_len);
        out->headers[i].name_len = f->name_len;
        put(out->raw, &at, ": ", 2);
        out->headers[i].value = put(out->raw, &at, f->value, f->value_len);
        out->headers[i].value_len = f->value_len;
        put(out->raw, &at, "\r\n", 2);
    }
    memcpy(out->raw + at, "\r\n", 3);
    out->raw_len = at + 2;
    out->head.version_major = 2;
    out->head.version_minor = 0;
    out->head.status = h2->status;
    out->head.reason = "";
    out->head.reason_len = 0;
    out->head.headers = out->headers;
    out->head.header_count = h2->count;
    return ERROR_SUCCESS;
}

void request_h2_head_free(struct h2_response_head *head)
{
    heap_free(head->headers);
    heap_free(head->raw);
    memset(head, 0, sizeof(*head));
}

DWORD request_h2_read_head(struct request *r, int timeout, struct h2_response_head *out)
{
    const struct h2_head *head;
    enum h2_result result;
    DWORD error;

    memset(out, 0, sizeof(*out));
    if (!r->h2_stream) return ERROR_WINHTTP_CONNECTION_ERROR;
    for (;;)
    {
        DWORD status;

        if ((error = lock_when(r, has_head, timeout))) return error;
        if (h2_stream_interim_count(r->h2_stream) > r->h2_interim)
        {
            /* each 1xx head the stream kept count of, reported as it came */
            r->h2_interim = h2_stream_interim_count(r->h2_stream);
            status = h2_stream_interim(r->h2_stream)->status;
            h2_link_unlock(r->h2);
            if (++r->interim_heads > r->obj.settings.max_status_continue)
            {
                WARN("more than %lu interim responses\n", r->obj.settings.max_status_continue);
                return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
            }
            notify(&r->obj, WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE, &status, sizeof(status));
            continue;
        }
        break;
    }
    if ((head = h2_stream_head(r->h2_stream))) error = copy_head(head, out);
    else if ((result = h2_stream_error(r->h2_stream)) == H2_ERR_RESET &&
             h2_stream_error_code(r->h2_stream) == H2_HTTP_1_1_REQUIRED)
    {
        TRACE("%p: the server wants HTTP/1.1\n", r->obj.handle);
        r->h2_refused = TRUE;
        error = ERROR_RETRY;
    }
    else if (result) error = request_h2_error(result);
    h2_link_unlock(r->h2);
    return error;
}

/* ---- the response body ---------------------------------------------------------------- */

/* A synchronous reader about to wait for the body lends the link its
 * buffer: what arrives meanwhile is decrypted into the link's and copied
 * into it once (h2_stream_give_direct), not through the stream's.  An
 * asynchronous one does not: its buffer may be read on another thread
 * while it is not waiting. */
static void lend_buffer(struct request *r, void *buffer, DWORD size)
{
    if (is_async(r) || r->h2_no_wait || !size) return;
    h2_link_lock(r->h2);
    if (!h2_stream_buffered(r->h2_stream) && !h2_stream_error(r->h2_stream))
        h2_stream_give_direct(r->h2_stream, buffer, size);
    h2_link_unlock(r->h2);
}

DWORD request_h2_read(struct request *r, void *buffer, DWORD size, DWORD *read, BOOL *end)
{
    struct h2_conn *session = h2_link_session(r->h2);
    enum h2_result result = H2_OK;
    size_t got = 0, more;
    BOOL window;
    DWORD error;

    *read = 0;
    *end = FALSE;
    lend_buffer(r, buffer, size);
    if ((error = lock_when(r, has_body_news, r->obj.settings.receive_timeout)))
    {
        /* bytes that came in the lent buffer before the wait ended are the caller's */
        h2_link_lock(r->h2);
        got = h2_stream_take_direct(session, r->h2_stream);
        if (!got)
        {
            h2_link_unlock(r->h2);
            return error;
        }
    }
    else got = h2_stream_take_direct(session, r->h2_stream);
    if (got < size)
    {
        result = h2_stream_read(session, r->h2_stream, (char *)buffer + got, size - got, &more);
        if (got && result != H2_OK) result = H2_OK;    /* the end or an error: next time */
        else got += more;
    }
    window = h2_wants_write(session);     /* reading reopened the window */
    h2_link_unlock(r->h2);
    if (window) h2_link_kick(r->h2, is_async(r));
    *read = (DWORD)got;
    *end = result == H2_END;
    return request_h2_error(result == H2_WAIT ? H2_OK : result);
}

DWORD request_h2_available(struct request *r, DWORD *available, BOOL *end)
{
    size_t read;
    enum h2_result result;
    DWORD error;

    *available = 0;
    *end = FALSE;
    if ((error = lock_when(r, has_body_news, r->obj.settings.receive_timeout))) return error;
    *available = (DWORD)min(h2_stream_buffered(r->h2_stream), 0xffffffff);
    result = *available ? H2_OK : h2_stream_read(h2_link_session(r->h2), r->h2_stream, NULL, 0, &read);
    h2_link_unlock(r->h2);
    *end = result == H2_END;
    return request_h2_error(result == H2_WAIT ? H2_OK : result);
}

void request_h2_finish(struct request *r)
{
    const struct h2_head *trailers;

    /* trailers become queryable with WINHTTP_QUERY_FLAG_TRAILERS, as over HTTP/1.1 */
    if (r->h2 && r->h2_stream && (trailers = h2_stream_trailers(r->h2_stream)))
    {
        for (size_t i = 0; i < trailers->count; i++)
        {
            const struct h2_field *f = &trailers->fields[i];
            WCHAR *name = heap_alloc((f->name_len + 1) * sizeof(WCHAR));
            WCHAR *value = heap_alloc((f->value_len + 1) * sizeof(WCHAR));

            if (name && value)
            {
                name[MultiByteToWideChar(CP_ACP, 0, f->name, (int)f->name_len, name, (int)f->name_len)] = 0;
                value[MultiByteToWideChar(CP_ACP, 0, f->value, (int)f->value_len, value, (int)f->value_len)] = 0;
                header_list_append(&r->response.trailers, name, value);
            }
            heap_free(name);
            heap_free(value);
        }
    }
    request_h2_release(r);
}
