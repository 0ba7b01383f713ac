/* The request state machine: send the request, receive the response head,
 * follow redirects; then the body is read by body.c.  Synchronous calls run
 * it on the caller's thread; the async engine will run the same steps as
 * tasks on the request's queue. */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "body.h"
#include "connection.h"


void response_clear(struct response *response)
{
    heap_free(response->status_text);
    heap_free(response->version);
    heap_free(response->raw);
    header_list_free(&response->headers);
    header_list_free(&response->trailers);
    memset(response, 0, sizeof(*response));
}

/* ---- the request head ---------------------------------------------------- */

static BOOL has_header(struct request *r, const WCHAR *name)
{
    return header_list_find(&r->headers, name, 0) >= 0;
}

static DWORD add_default(struct http_buf *head, struct request *r, const WCHAR *name, const WCHAR *value)
{
    if (has_header(r, name)) return ERROR_SUCCESS;
    return http_result_to_error(http_write_header(head, name, value));
}

static DWORD write_host(struct http_buf *head, struct request *r)
{
    INTERNET_PORT port = request_target_port(r);
    INTERNET_PORT default_port = r->target_secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
    const WCHAR *host = request_target_host(r);
    BOOL bracket = wcschr(host, ':') && host[0] != '[';
    WCHAR value[300];

    if (lstrlenW(host) > 256) return ERROR_WINHTTP_INVALID_URL;
    if (port == default_port) swprintf(value, ARRAY_SIZE(value), L"%ls%ls%ls", bracket ? L"[" : L"", host, bracket ? L"]" : L"");
    else swprintf(value, ARRAY_SIZE(value), L"%ls%ls%ls:%u", bracket ? L"[" : L"", host, bracket ? L"]" : L"", port);
    return add_default(head, r, L"Host", value);
}

static DWORD write_accept(struct http_buf *head, struct request *r)
{
    DWORD error = ERROR_SUCCESS;

    if (!r->accept_types) return ERROR_SUCCESS;
    for (WCHAR **type = r->accept_types; *type && !error; type++)
        if (**type) error = http_result_to_error(http_write_header(head, L"Accept", *type));
    return error;
}

/* Through a proxy, plain http names the origin in the request line
 * (absolute form, RFC 9112 section 3.2.2). */
static DWORD write_request_line(struct http_buf *head, struct request *r)
{
    WCHAR *origin = NULL;
    DWORD error;

    if (route_absolute_form(&r->route) && !(origin = request_origin(r))) return ERROR_OUTOFMEMORY;
    error = http_result_to_error(http_write_request_line(head, r->verb, origin, r->path, r->version, r->open_flags));
    heap_free(origin);
    return error;
}

static BOOL verb_has_body(const WCHAR *verb)
{
    return !lstrcmpW(verb, L"POST") || !lstrcmpW(verb, L"PUT");
}

static DWORD build_head(struct request *r, struct http_buf *head)
{
    struct session *session = request_session(r);
    DWORD error;
    WCHAR length[24];

    http_buf_free(head);
    http_buf_init(head);
    if ((error = write_request_line(head, r))) return error;
    if (r->obj.settings.disabled_features & WINHTTP_DISABLE_KEEP_ALIVE)
        error = add_default(head, r, L"Connection", L"Close");
    else
        error = add_default(head, r, L"Connection", L"Keep-Alive");
    if (!error && r->accept_types && !has_header(r, L"Accept")) error = write_accept(head, r);
    if (!error && r->referrer && *r->referrer) error = add_default(head, r, L"Referer", r->referrer);
    if (!error && session->agent && *session->agent) error = add_default(head, r, L"User-Agent", session->agent);
    /* with the application's Transfer-Encoding it frames the body itself:
     * Content-Length must not be present as well (documented) */
    if (!error && (r->total_length || verb_has_body(r->verb)) && !has_header(r, L"Transfer-Encoding"))
    {
        swprintf(length, ARRAY_SIZE(length), L"%lu", r->total_length);
        error = add_default(head, r, L"Content-Length", length);
    }
    /* WINHTTP_FLAG_REFRESH (= BYPASS_PROXY_CACHE): documented as these two,
     * the second for HTTP/1.1 requests only */
    if (!error && (r->open_flags & WINHTTP_FLAG_REFRESH)) error = add_default(head, r, L"Pragma", L"no-cache");
    if (!error && (r->open_flags & WINHTTP_FLAG_REFRESH) && !lstrcmpW(r->version, L"HTTP/1.1"))
        error = add_default(head, r, L"Cache-Control", L"no-cache");
    if (!error) error = write_host(head, r);
    if (!error) error = auth_write_headers(r, head);
    for (size_t i = 0; !error && i < r->headers.count; i++)
        error = http_result_to_error(http_write_header(head, r->headers.items[i].name, r->headers.items[i].value));
    if (!error) error = http_result_to_error(http_buf_append(head, "\r\n", 2));
    return error;
}

/* ---- sending ------------------------------------------------------------------ */

static DWORD send_step(struct request *r)
{
    int timeout = r->obj.settings.send_timeout;
    DWORD error, sent;

    switch (r->send_phase)
    {
    case SEND_START:
        if ((error = request_route(r, &r->route))) return error;
        /* a connection still attached has an unread body, unless a
         * handshake pinned it: only then can it carry this */
        request_keeps_pinned(r);
        response_clear(&r->response);
        body_free(&r->body);
        memset(&r->body, 0, sizeof(r->body));
        r->retried = FALSE;
        r->proxy_replied = FALSE;
        r->send_phase = SEND_ACQUIRE;
        return ERROR_SUCCESS;

    case SEND_ACQUIRE:
        if ((error = request_acquire_connection(r))) return error;
        /* the head knows its connection: one already logged in needs no
         * handshake (auth_handshake.c) */
        if ((error = build_head(r, &r->sent_head))) return error;
        r->send_phase = r->conn_reused ? SEND_HEAD : SEND_CONNECT;
        return ERROR_SUCCESS;

    case SEND_CONNECT:
        if ((error = connection_connect(r->conn, &r->obj))) return error;
        if (r->conn->tunnel_refused)
        {
            r->proxy_replied = TRUE;
            /* the proxy's 407 is the response: nothing goes to the origin */
            request_note_connection(r);
            r->send_phase = SEND_START;
            return ERROR_NO_MORE_ITEMS;
        }
        r->send_phase = SEND_HEAD;
        return ERROR_SUCCESS;

    case SEND_HEAD:
        request_note_connection(r);
        notify(&r->obj, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, NULL, 0);
        /* the head, and the body when it is small, go out in one send */
        r->head_length = r->sent_head.len;
        r->body_with_head = r->send_body_length && r->send_body_length <= 64 * 1024 &&
                            http_buf_append(&r->sent_head, r->send_body, r->send_body_length) == HTTP_DONE;
        r->send_phase = SEND_HEAD_WAIT;
        return ERROR_SUCCESS;

    case SEND_HEAD_WAIT:
        error = connection_send(r->conn, r->sent_head.data, r->sent_head.len, timeout);
        if (error == ERROR_IO_PENDING) return error;
        r->sent_head.len = r->head_length;     /* keep only the head, for queries */
        if (error) return error;
        if (!r->body_with_head && r->send_body_length)
        {
            r->send_phase = SEND_BODY;
            return ERROR_SUCCESS;
        }
        break;

    case SEND_BODY:
        error = connection_send(r->conn, r->send_body, r->send_body_length, timeout);
        if (error) return error;
        break;
    }
    r->conn->requests++;
    sent = (DWORD)r->head_length + r->send_body_length;
    notify(&r->obj, WINHTTP_CALLBACK_STATUS_REQUEST_SENT, &sent, sizeof(sent));
    r->send_phase = SEND_START;
    return ERROR_NO_MORE_ITEMS;   /* done */
}

/* A proxy that could not be reached: the next one of the list, if any
 * (the request head, in absolute form or not, stays the same). */
static BOOL proxy_failed(struct request *r, DWORD error)
{
    if (!r->route.proxy || r->conn->phase > CONNECT_WAIT) return FALSE;
    if (error != ERROR_WINHTTP_CANNOT_CONNECT && error != ERROR_WINHTTP_NAME_NOT_RESOLVED &&
        error != ERROR_WINHTTP_TIMEOUT)
        return FALSE;
    TRACE("proxy %s:%u failed (%lu)\n", debugstr_w(r->route.proxy), r->route.proxy_port, error);
    return request_next_proxy(r, &r->route);
}

/* Sends the request head and r->send_body on a pooled or new connection;
 * a pooled connection that turns out dead is replaced once. */
DWORD request_send(struct request *r)
{
    DWORD error;

    for (;;)
    {
        enum send_phase phase = r->send_phase;

        if (r->closing)
        {
            if (phase == SEND_ACQUIRE) request_stop_waiting(r, FALSE);
            error = ERROR_WINHTTP_OPERATION_CANCELLED;
        }
        else error = send_step(r);
        if (error == ERROR_SUCCESS) continue;
        if (error == ERROR_NO_MORE_ITEMS) break;
        if (error == ERROR_IO_PENDING) return error;
        if (phase == SEND_CONNECT && proxy_failed(r, error))
        {
            request_drop_connection(r);
            r->send_phase = SEND_ACQUIRE;
            continue;
        }
        if (phase >= SEND_HEAD && r->conn_reused && !r->retried && error != ERROR_WINHTTP_OPERATION_CANCELLED)
        {
            /* a pooled connection the server had closed: once more on a new one */
            TRACE("reused connection failed (%lu), retrying on a new one\n", error);
            r->retried = TRUE;
            request_drop_connection(r);
            r->send_phase = SEND_ACQUIRE;
            continue;
        }
        request_drop_connection(r);
        r->send_phase = SEND_START;
        return error;
    }
    r->written = r->send_body_length;
    return ERROR_SUCCESS;
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
    snprintf(version, sizeof(version), "HTTP/%u.%u", head->version_major, head->version_minor);
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
    r->head_deadline = whole > 0 ? GetTickCount64() + whole : 0;
}

static BOOL is_redirect(DWORD status);

/* With WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH enabled, native reports a
 * redirect that carries a Passport1.4 challenge as that challenge: a 401
 * (the reason phrase stays the server's), not followed. */
static void passport_challenge(struct request *r)
{
    struct response *response = &r->response;
    WCHAR *space;
    int i;

    if (!(r->obj.settings.passport_flags & WINHTTP_ENABLE_PASSPORT_AUTH) || !is_redirect(response->status)) return;
    if ((i = header_list_find(&response->headers, L"WWW-Authenticate", 0)) < 0 ||
        wcsnicmp(response->headers.items[i].value, L"Passport1.4", 11))
        return;
    response->status = 401;
    if ((space = wcschr(response->raw, ' ')) && lstrlenW(space) >= 4) memcpy(space + 1, L"401", 3 * sizeof(WCHAR));
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
            notify(&r->obj, WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE, &status, sizeof(status));
            http_head_parser_reset(&r->parser);
            continue;
        }
        error = store_response(r, &r->parser.head, r->parser.block.raw, r->parser.block.raw_len);
        if (!error) passport_challenge(r);
        if (!error) auth_note_response(r);
        if (!error) error = body_start(r, &r->parser.head);
        break;
    }
    parser_done(r);
    if (!error)
        notify(&r->obj, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, &r->head_bytes, sizeof(r->head_bytes));
    return error;
}

/* ---- redirects ----------------------------------------------------------- */

static BOOL is_redirect(DWORD status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Resolves Location against the current URL into host, port, security and path. */
static DWORD apply_location(struct request *r, const WCHAR *location, WCHAR **new_url)
{
    WCHAR *current = request_url(r), *url;
    DWORD length;
    URL_COMPONENTS uc = { sizeof(uc) };
    WCHAR *host, *path, *fragment;

    if (!current) return ERROR_OUTOFMEMORY;
    if (wcsstr(location, L"://")) url = strdupW(location);
    else if (location[0] == '/' && location[1] == '/')
    {
        length = lstrlenW(location) + 8;
        url = heap_alloc(length * sizeof(WCHAR));
        if (url) swprintf(url, length, L"%ls:%ls", r->target_secure ? L"https" : L"http", location);
    }
    else
    {
        /* relative: against the scheme and authority, or the current directory */
        WCHAR *cut = wcschr(wcsstr(current, L"://") + 3, '/');
        length = lstrlenW(current) + lstrlenW(location) + 2;
        url = heap_alloc(length * sizeof(WCHAR));
        if (url && cut)
        {
            if (location[0] != '/')
            {
                WCHAR *end = wcschr(cut, '?');
                if (end) *end = 0;
                if ((end = wcsrchr(cut, '/'))) end[1] = 0;
            }
            else *cut = 0;
            swprintf(url, length, L"%ls%ls", current, location);
        }
        else if (url) swprintf(url, length, L"%ls/%ls", current, location[0] == '/' ? location + 1 : location);
    }
    heap_free(current);
    if (!url) return ERROR_OUTOFMEMORY;

    uc.dwHostNameLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = ~0u;
    if (!WinHttpCrackUrl(url, 0, 0, &uc) || !uc.dwHostNameLength)
    {
        heap_free(url);
        return ERROR_WINHTTP_REDIRECT_FAILED;
    }
    if (uc.nScheme == INTERNET_SCHEME_HTTP && r->target_secure &&
        r->obj.settings.redirect_policy == WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP)
    {
        heap_free(url);
        return ERROR_WINHTTP_REDIRECT_FAILED;
    }
    host = strndupW(uc.lpszHostName, uc.dwHostNameLength);
    path = heap_alloc((uc.dwUrlPathLength + uc.dwExtraInfoLength + 2) * sizeof(WCHAR));
    if (!host || !path)
    {
        heap_free(host);
        heap_free(path);
        heap_free(url);
        return ERROR_OUTOFMEMORY;
    }
    memcpy(path, uc.lpszUrlPath, uc.dwUrlPathLength * sizeof(WCHAR));
    memcpy(path + uc.dwUrlPathLength, uc.lpszExtraInfo, uc.dwExtraInfoLength * sizeof(WCHAR));
    path[uc.dwUrlPathLength + uc.dwExtraInfoLength] = 0;
    if ((fragment = wcschr(path, '#'))) *fragment = 0;     /* never sent (RFC 9112 section 3.2) */
    if (!path[0]) { path[0] = '/'; path[1] = 0; }

    /* credentials never travel to another origin */
    if (lstrcmpiW(host, request_target_host(r)) || uc.nPort != request_target_port(r) ||
        (uc.nScheme == INTERNET_SCHEME_HTTPS) != r->target_secure)
    {
        int i;
        while ((i = header_list_find(&r->headers, L"Authorization", 0)) >= 0)
            header_list_apply(&r->headers, L"Authorization", 13, L"", 0, WINHTTP_ADDREQ_FLAG_REPLACE);
        (void)i;
        auth_left_origin(r);
    }
    heap_free(r->target_host);
    r->target_host = host;
    r->target_port = uc.nPort;
    r->target_secure = uc.nScheme == INTERNET_SCHEME_HTTPS;
    if (r->target_secure) r->open_flags |= WINHTTP_FLAG_SECURE;
    else r->open_flags &= ~WINHTTP_FLAG_SECURE;
    heap_free(r->path);
    r->path = path;
    *new_url = url;
    return ERROR_SUCCESS;
}

/* 303 turns any method but HEAD into GET; 301/302 turn POST into GET;
 * 307/308 keep the method and body. */
static void redirect_method(struct request *r, DWORD status)
{
    BOOL to_get = (status == 303 && lstrcmpW(r->verb, L"HEAD") && lstrcmpW(r->verb, L"GET")) ||
                  ((status == 301 || status == 302) && !lstrcmpW(r->verb, L"POST"));
    if (!to_get) return;
    heap_free(r->verb);
    r->verb = strdupW(L"GET");
    r->total_length = 0;
    while (header_list_find(&r->headers, L"Content-Type", 0) >= 0)
        header_list_apply(&r->headers, L"Content-Type", 12, L"", 0, WINHTTP_ADDREQ_FLAG_REPLACE);
}

static BOOL should_redirect(struct request *r)
{
    if (!is_redirect(r->response.status)) return FALSE;
    if (r->obj.settings.disabled_features & WINHTTP_DISABLE_REDIRECTS) return FALSE;
    if (r->obj.settings.redirect_policy == WINHTTP_OPTION_REDIRECT_POLICY_NEVER) return FALSE;
    /* 307/308 resend the body: one written with WinHttpWriteData is gone,
     * so the response goes to the caller rather than a request without it */
    if ((r->response.status == 307 || r->response.status == 308) && r->written > r->optional_length)
        return FALSE;
    return header_list_find(&r->response.headers, L"Location", 0) >= 0;
}

/* After the old body is drained: the new target, REDIRECT, and the method
 * and body the next send carries. */
static DWORD follow_redirect(struct request *r)
{
    int i = header_list_find(&r->response.headers, L"Location", 0);
    WCHAR *location = strdupW(r->response.headers.items[i].value), *url = NULL;
    DWORD status = r->response.status, error;

    if (!location) return ERROR_OUTOFMEMORY;
    if (r->conn) request_drop_connection(r);
    error = apply_location(r, location, &url);
    heap_free(location);
    if (error) return error;
    TRACE("redirect %lu to %s\n", status, debugstr_w(url));
    notify(&r->obj, WINHTTP_CALLBACK_STATUS_REDIRECT, url, lstrlenW(url));
    heap_free(url);
    redirect_method(r, status);
    if (status != 307 && status != 308)
    {
        r->send_body = NULL;
        r->send_body_length = 0;
    }
    return ERROR_SUCCESS;
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
        error = read_head(r);
        if (error == ERROR_IO_PENDING) return error;
        if (error && may_resend(r, error))
        {
            TRACE("no response on a reused connection, retrying\n");
            request_drop_connection(r);
            r->receive_phase = RECEIVE_RESEND;
            return ERROR_SUCCESS;
        }
        if (error) return error;
        if (auth_wants_resend(r))
        {
            r->body.drained = 0;
            r->receive_phase = RECEIVE_DRAIN;
            return ERROR_SUCCESS;
        }
        if (!should_redirect(r)) return ERROR_NO_MORE_ITEMS;
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
        else if ((error = follow_redirect(r))) return error;
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
