/* The request state machine, receiving: the response head read ahead by
 * an asynchronous send, the final head parsed (1xx skipped), an automatic
 * resend for a challenge (auth.h) or a redirect (redirect.c), a dead pooled
 * connection that never answered replaced. */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "body.h"
#include "connection.h"
#include "websocket.h"

void response_clear(struct response *response)
{
    heap_free(response->status_text);
    heap_free(response->version);
    heap_free(response->raw);
    header_list_free(&response->headers);
    header_list_free(&response->trailers);
    memset(response, 0, sizeof(*response));
}

/* ---- reading ahead ----------------------------------------------------------- */

/* Whether a whole head (up to its blank line) is in the buffer. */
static BOOL head_buffered(const struct connection *conn)
{
    const char *p = conn->buffer + conn->start, *end = conn->buffer + conn->end;

    for (; p < end; p++)
        if (*p == '\n' && ((p + 1 < end && p[1] == '\n') || (p + 2 < end && p[1] == '\r' && p[2] == '\n')))
            return TRUE;
    return FALSE;
}

DWORD request_read_ahead(struct request *r)
{
    struct connection *conn = r->conn;
    size_t received;
    DWORD error;

    r->read_ahead_error = ERROR_SUCCESS;
    if (r->h2) return request_h2_wait_head(r);
    while (conn && !head_buffered(conn))
    {
        error = connection_fill(conn, r->obj.settings.receive_timeout, &received);
        if (error == ERROR_IO_PENDING || error == ERROR_WINHTTP_OPERATION_CANCELLED) return error;
        if (error) r->read_ahead_error = error;     /* for WinHttpReceiveResponse to report */
        if (error || !received) break;              /* the end: the receive meets it again */
    }
    return ERROR_SUCCESS;
}

/* ---- the response head -------------------------------------------------- */

static WCHAR *widen(const char *str, size_t length)
{
    int count = MultiByteToWideChar(CP_ACP, 0, str, (int)length, NULL, 0);
    WCHAR *out = heap_alloc((count + 1) * sizeof(WCHAR));

    if (!out) return NULL;
    MultiByteToWideChar(CP_ACP, 0, str, (int)length, out, count);
    out[count] = 0;
    return out;
}

static DWORD store_response(struct request *r, const struct http_response_head *head, const char *raw,
                            size_t raw_length)
{
    struct response *response = &r->response;
    char version[16];

    response_clear(response);
    response->status = head->status;
    /* HTTP/2 has no version in a status line: named as RFC 9113 names it */
    if (head->version_major == 2) strcpy(version, "HTTP/2");
    else snprintf(version, sizeof(version), "HTTP/%u.%u", head->version_major, head->version_minor);
    response->version = widen(version, strlen(version));
    response->status_text = widen(head->reason, head->reason_len);
    /* the raw head without its final blank line */
    while (raw_length && (raw[raw_length - 1] == '\r' || raw[raw_length - 1] == '\n')) raw_length--;
    response->raw = widen(raw, raw_length);
    if (!response->version || !response->status_text || !response->raw) return ERROR_OUTOFMEMORY;
    for (size_t i = 0; i < head->header_count; i++)
    {
        WCHAR *name = widen(head->headers[i].name, head->headers[i].name_len);
        WCHAR *value = widen(head->headers[i].value, head->headers[i].value_len);
        DWORD error = name && value ? header_list_append(&response->headers, name, value) : ERROR_OUTOFMEMORY;
        heap_free(name);
        heap_free(value);
        if (error) return error;
    }
    return ERROR_SUCCESS;
}

/* How long the next read of a head may wait: the receive timeout
 * (WinHttpSetTimeouts: "to receive a response to a request") for each read,
 * within WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT for the whole head (deadline
 * 0: none).  0 or less waits forever. */
static int head_read_timeout(struct request *r, ULONGLONG deadline)
{
    int timeout = r->obj.settings.receive_timeout;
    ULONGLONG now = GetTickCount64();
    int left;

    if (!deadline) return timeout;
    left = now >= deadline ? 1 : (int)min(deadline - now, 0x7fffffff);
    return timeout <= 0 || left < timeout ? left : timeout;
}

static void parser_done(struct request *r)
{
    if (r->parser_active) http_head_parser_free(&r->parser);
    r->parser_active = FALSE;
}

static void start_head(struct request *r)
{
    int whole = r->obj.settings.receive_response_timeout;

    notify(&r->obj, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, NULL, 0);
    parser_done(r);
    http_head_parser_init(&r->parser, r->obj.settings.max_response_header_size);
    r->parser_active = TRUE;
    r->nothing_received = TRUE;
    r->head_bytes = 0;
    r->interim_heads = 0;
    r->head_deadline = whole > 0 ? GetTickCount64() + whole : 0;
    request_time(r, WinHttpReceiveResponseStart);
}

/* With WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH enabled, native reports a
 * redirect that carries a Passport1.4 challenge as that challenge: a 401
 * (the reason phrase stays the server's), not followed. */
static void passport_challenge(struct request *r)
{
    struct response *response = &r->response;
    WCHAR *space;
    int i;

    if (!(r->obj.settings.passport_flags & WINHTTP_ENABLE_PASSPORT_AUTH) || !redirect_status(response->status)) return;
    if ((i = header_list_find(&response->headers, L"WWW-Authenticate", 0)) < 0 ||
        wcsnicmp(response->headers.items[i].value, L"Passport1.4", 11))
        return;
    response->status = 401;
    if ((space = wcschr(response->raw, ' ')) && lstrlenW(space) >= 4) memcpy(space + 1, L"401", 3 * sizeof(WCHAR));
}

/* The final head is in: the response, and what it tells cookies, auth,
 * a WebSocket upgrade and the body. */
static DWORD head_received(struct request *r, const struct http_response_head *head, const char *raw,
                           size_t raw_length)
{
    DWORD error = store_response(r, head, raw, raw_length);

    request_time(r, WinHttpReceiveResponseHeadersEnd);
    r->stats[WinHttpResponseHeadersSize] = raw_length;
    r->stats[WinHttpResponseBodySize] = 0;
    if (!error) passport_challenge(r);
    if (!error) ws_upgrade_note_response(r);
    if (!error) request_store_cookies(r);
    if (!error) auth_note_response(r);
    if (!error) error = body_start(r, head);
    return error;
}

/* The same from an HTTP/2 stream. */
static DWORD read_h2_head(struct request *r)
{
    struct h2_response_head head;
    DWORD error = request_h2_read_head(r, head_read_timeout(r, r->head_deadline), &head);

    if (error == ERROR_IO_PENDING || error == STREAM_WOULD_BLOCK) return error;
    /* may_resend is HTTP/1.1's: a stream says itself whether the server
     * took it (ERROR_RETRY when it did not) */
    r->nothing_received = FALSE;
    if (!error)
    {
        r->head_bytes = (DWORD)head.raw_len;
        error = head_received(r, &head.head, head.raw, head.raw_len);
    }
    request_h2_head_free(&head);
    if (!error)
        notify(&r->obj, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, &r->head_bytes, sizeof(r->head_bytes));
    return error;
}

/* Reads until one final response head is parsed, skipping 1xx interim
 * ones; resumable. */
static DWORD read_head(struct request *r)
{
    struct connection *conn = r->conn;
    DWORD error = ERROR_SUCCESS;

    for (;;)
    {
        enum http_result result;
        size_t consumed, received;

        if (!connection_buffered(conn) && r->read_ahead_error)
        {
            error = r->read_ahead_error;    /* what reading ahead met */
            r->read_ahead_error = ERROR_SUCCESS;
            break;
        }
        if (!connection_buffered(conn))
        {
            error = connection_fill(conn, head_read_timeout(r, r->head_deadline), &received);
            if (error == ERROR_IO_PENDING) return error;
            if (!error && !received) error = ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
            if (error) break;
            if (!r->nothing_received) r->head_bytes += (DWORD)received;
        }
        /* what was read ahead (or by a refused tunnel) counts as received */
        if (r->nothing_received) r->head_bytes += (DWORD)connection_buffered(conn);
        r->nothing_received = FALSE;
        result = http_head_parser_feed(&r->parser, conn->buffer + conn->start, connection_buffered(conn), &consumed);
        conn->start += consumed;
        if (result == HTTP_NEED_MORE) continue;
        if (result != HTTP_DONE)
        {
            error = http_result_to_error(result);
            break;
        }
        if (http_status_is_interim(r->parser.head.status) && r->parser.head.status != 101)
        {
            DWORD status = r->parser.head.status;

            /* WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE: so many are skipped, no more */
            if (++r->interim_heads > r->obj.settings.max_status_continue)
            {
                WARN("more than %lu interim responses\n", r->obj.settings.max_status_continue);
                error = ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
                break;
            }
            notify(&r->obj, WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE, &status, sizeof(status));
            http_head_parser_reset(&r->parser);
            continue;
        }
        error = head_received(r, &r->parser.head, r->parser.block.raw, r->parser.block.raw_len);
        break;
    }
    parser_done(r);
    if (!error)
        notify(&r->obj, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, &r->head_bytes, sizeof(r->head_bytes));
    return error;
}

/* The server closed a pooled connection before answering: the request can
 * go again on a new one, unless it timed out (a slow server is no reason to
 * send it twice) or its body came through WinHttpWriteData (gone). */
static BOOL may_resend(struct request *r, DWORD error)
{
    return error != ERROR_WINHTTP_TIMEOUT && error != ERROR_WINHTTP_OPERATION_CANCELLED && r->nothing_received &&
           r->conn_reused && r->written == r->send_body_length;
}

static DWORD receive_step(struct request *r)
{
    DWORD error;

    switch (r->receive_phase)
    {
    case RECEIVE_START:
        start_head(r);
        r->receive_phase = RECEIVE_HEAD;
        return ERROR_SUCCESS;

    case RECEIVE_HEAD:
        error = r->h2 ? read_h2_head(r) : read_head(r);
        if (error == ERROR_IO_PENDING) return error;
        if (error == ERROR_RETRY)
        {
            /* the server did not process the stream: once more, elsewhere */
            if (r->retried || r->written != r->send_body_length) return ERROR_WINHTTP_CONNECTION_ERROR;
            TRACE("stream refused, retrying\n");
            r->retried = TRUE;
            request_drop_connection(r);
            r->receive_phase = RECEIVE_RESEND;
            return ERROR_SUCCESS;
        }
        if (error && may_resend(r, error))
        {
            TRACE("no response on a reused connection, retrying\n");
            request_drop_connection(r);
            r->receive_phase = RECEIVE_RESEND;
            return ERROR_SUCCESS;
        }
        if (error) return error;
        if (r->response.status == HTTP_STATUS_REQUEST_TIMEOUT && request_retry(r, WINHTTP_CONNECTION_RETRY_CONDITION_408))
        {
            TRACE("408: sending again (%lu of %lu)\n", r->failed_retries, r->obj.settings.retry_max);
            r->retry_408 = TRUE;
            r->body.drained = 0;
            r->receive_phase = RECEIVE_DRAIN;
            return ERROR_SUCCESS;
        }
        if (auth_wants_resend(r))
        {
            r->body.drained = 0;
            r->receive_phase = RECEIVE_DRAIN;
            return ERROR_SUCCESS;
        }
        if (!redirect_wanted(r)) return ERROR_NO_MORE_ITEMS;
        if (++r->redirects > r->obj.settings.max_redirects) return ERROR_WINHTTP_REDIRECT_FAILED;
        r->body.drained = 0;
        r->receive_phase = RECEIVE_DRAIN;
        return ERROR_SUCCESS;

    case RECEIVE_DRAIN:
        error = body_drain(r, r->obj.settings.max_response_drain_size);
        if (error == ERROR_IO_PENDING) return error;
        if (error) request_drop_connection(r);   /* the body is not worth reading: a new connection */
        if (r->auth.resending)
        {
            /* answering a challenge: the same request again */
            r->auth.resending = FALSE;
            if (r->conn && !r->conn_pinned) request_drop_connection(r);
        }
        else if (r->retry_408)
        {
            /* the server gave up on the connection: the request again, on a new one */
            r->retry_408 = FALSE;
            if (r->conn) request_drop_connection(r);
        }
        else if ((error = redirect_follow(r))) return error;
        r->receive_phase = RECEIVE_RESEND;
        return ERROR_SUCCESS;

    case RECEIVE_RESEND:
        if ((error = request_send(r))) return error;
        r->receive_phase = RECEIVE_START;
        /* as native: the response to a request sent again is waited for on
         * the pool, never on the thread that called WinHttpReceiveResponse */
        return r->obj.session_flags & WINHTTP_FLAG_ASYNC ? STEP_YIELD : ERROR_SUCCESS;
    }
    return ERROR_WINHTTP_INTERNAL_ERROR;
}

/* Receives the final response head, following redirects; resumable. */
DWORD request_receive(struct request *r)
{
    DWORD error;

    for (;;)
    {
        if (r->closing) error = ERROR_WINHTTP_OPERATION_CANCELLED;
        else error = receive_step(r);
        if (error == ERROR_SUCCESS) continue;
        if (error == ERROR_IO_PENDING || error == STEP_YIELD) return error;
        r->receive_phase = RECEIVE_START;
        parser_done(r);
        if (error == ERROR_NO_MORE_ITEMS) return ERROR_SUCCESS;
        request_drop_connection(r);
        return error;
    }
}
