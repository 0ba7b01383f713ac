/* The request state machine, sending: the request head, a connection
 * (request_conn.c), the head and body on the wire, a dead pooled
 * connection or an unreachable proxy replaced.  Receiving is receive.c,
 * redirects redirect.c; the body is read by body.c.  Synchronous calls run
 * these steps on the caller's thread, asynchronous ones as tasks on the
 * request's queue. */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "body.h"
#include "connection.h"
#include "websocket.h"

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

/* WINHTTP_OPTION_CODEPAGE: documented as the code page the URL's query
 * string is processed in, UTF-8 by default.  Another one: *bytes gets the
 * query's bytes in it (characters it lacks become its default character),
 * for the request line to escape; NULL with nothing to convert. */
static DWORD query_bytes(struct request *r, char **bytes, size_t *length)
{
    UINT codepage = r->obj.settings.codepage;
    const WCHAR *query = wcschr(r->path, '?');
    int count;

    *bytes = NULL;
    *length = 0;
    if (codepage == CP_UTF8 || !query) return ERROR_SUCCESS;
    if ((count = WideCharToMultiByte(codepage, 0, query, -1, NULL, 0, NULL, NULL)) <= 1) return ERROR_SUCCESS;
    if (!(*bytes = heap_alloc(count))) return ERROR_OUTOFMEMORY;
    WideCharToMultiByte(codepage, 0, query, -1, *bytes, count, NULL, NULL);
    *length = count - 1;
    return ERROR_SUCCESS;
}

/* Through a proxy, plain http names the origin in the request line
 * (absolute form, RFC 9112 section 3.2.2). */
static DWORD write_request_line(struct http_buf *head, struct request *r)
{
    WCHAR *origin = NULL;
    char *query;
    size_t query_length;
    DWORD error, flags = r->open_flags;

    /* WINHTTP_OPTION_ENCODE_EXTRA: documented as percent-encoding the path
     * and the query; here it overrides WINHTTP_FLAG_ESCAPE_DISABLE and
     * _DISABLE_QUERY ('%' stays as WINHTTP_FLAG_ESCAPE_PERCENT says) */
    if (r->obj.settings.encode_extra) flags &= ~(WINHTTP_FLAG_ESCAPE_DISABLE | WINHTTP_FLAG_ESCAPE_DISABLE_QUERY);
    if (route_absolute_form(&r->route) && !(origin = request_origin(r))) return ERROR_OUTOFMEMORY;
    if (!(error = query_bytes(r, &query, &query_length)))
        error = http_result_to_error(http_write_request_line_query(head, r->verb, origin, r->path, query,
                                                                   query_length, r->version, flags));
    heap_free(query);
    heap_free(origin);
    return error;
}

static BOOL verb_has_body(const WCHAR *verb)
{
    return !lstrcmpW(verb, L"POST") || !lstrcmpW(verb, L"PUT");
}

/* One Cookie header: the application's value first, then the session's
 * cookies (*jar, used up here), as native sends them (Wine's tests). */
static DWORD write_cookies(struct http_buf *head, const WCHAR *application, WCHAR **jar)
{
    WCHAR *joined;
    DWORD error;
    size_t length;

    if (!*jar) return http_result_to_error(http_write_header(head, L"Cookie", application));
    if (!application) joined = *jar;
    else
    {
        length = lstrlenW(application) + 2 + lstrlenW(*jar) + 1;
        if (!(joined = heap_alloc(length * sizeof(WCHAR)))) return ERROR_OUTOFMEMORY;
        swprintf(joined, length, L"%ls; %ls", application, *jar);
    }
    error = http_result_to_error(http_write_header(head, L"Cookie", joined));
    if (joined != *jar) heap_free(joined);
    heap_free(*jar);
    *jar = NULL;
    return error;
}

static DWORD build_head(struct request *r, struct http_buf *head)
{
    struct session *session = request_session(r);
    const WCHAR *accept_encoding = body_decode_accept(r->obj.settings.decompression);
    WCHAR *cookies = request_cookie_header(r);
    DWORD error;
    WCHAR length[24];

    http_buf_free(head);
    http_buf_init(head);
    if ((error = write_request_line(head, r))) return error;
    if (r->upgrade)
        error = add_default(head, r, L"Connection", L"Upgrade");
    else if (r->obj.settings.disabled_features & WINHTTP_DISABLE_KEEP_ALIVE)
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
    if (!error && r->upgrade) error = ws_upgrade_write_headers(r, head);
    /* WINHTTP_OPTION_DECOMPRESSION sends its own, in place of the application's (documented) */
    if (!error && accept_encoding) error = http_result_to_error(http_write_header(head, L"Accept-Encoding", accept_encoding));
    for (size_t i = 0; !error && i < r->headers.count; i++)
    {
        const struct header *h = &r->headers.items[i];

        if (accept_encoding && !wcsicmp(h->name, L"Accept-Encoding")) continue;
        if (!wcsicmp(h->name, L"Cookie")) error = write_cookies(head, h->value, &cookies);
        else error = http_result_to_error(http_write_header(head, h->name, h->value));
    }
    if (!error && cookies) error = write_cookies(head, NULL, &cookies);
    heap_free(cookies);
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
        if (r->upgrade && (error = ws_upgrade_check(r))) return error;
        if ((error = request_route(r, &r->route))) return error;
        request_h2_release(r);
        request_drop_unless_pinned(r);
        r->h2_used = FALSE;
        r->h2_error_code = 0;
        r->upgraded = FALSE;
        response_clear(&r->response);
        body_free(&r->body);
        memset(&r->body, 0, sizeof(r->body));
        r->retried = FALSE;
        r->proxy_replied = FALSE;
        /* REQUEST_TIMES and REQUEST_STATS describe the latest send */
        memset(r->times, 0, sizeof(r->times));
        memset(r->stats, 0, sizeof(r->stats));
        r->stat_flags = 0;
        r->stat_index = 0;
        request_time(r, WinHttpConnectionAcquireStart);
        r->send_phase = SEND_ACQUIRE;
        return ERROR_SUCCESS;

    case SEND_ACQUIRE:
        /* a stream on a shared HTTP/2 connection, or a connection of its own */
        if ((r->conn || !request_h2_attach(r)) && (error = request_acquire_connection(r))) return error;
        /* a pooled connection is HTTP/1.1 */
        if (r->conn_reused && (error = request_h2_check_protocol(r))) return error;
        /* the head knows its connection: one already logged in needs no
         * handshake (auth_handshake.c) */
        if ((error = build_head(r, &r->sent_head))) return error;
        r->send_phase = r->conn_reused ? SEND_HEAD : SEND_CONNECT;
        return ERROR_SUCCESS;

    case SEND_CONNECT:
        r->conn->tunnel_keep_refusal = !!r->obj.settings.receive_proxy_connect;
        r->conn->offer_h2 = request_h2_wanted(r);
        error = connection_connect(r->conn, &r->obj);
        if (error == ERROR_IO_PENDING) return error;
        request_note_connect_stats(r);
        if (error) return error;
        if (r->conn->tunnel_refused)
        {
            r->proxy_replied = TRUE;
            /* the proxy's 407 (or, as asked, its other refusal) is the
             * response: nothing goes to the origin */
            request_note_connection(r);
            r->send_phase = SEND_START;
            return ERROR_NO_MORE_ITEMS;
        }
        if (r->conn->h2 && (error = request_h2_adopt(r))) return error;
        if ((error = request_h2_check_protocol(r))) return error;
        r->send_phase = SEND_HEAD;
        return ERROR_SUCCESS;

    case SEND_HEAD:
        request_time(r, WinHttpConnectionAcquireEnd);
        request_note_connection(r);
        request_time(r, WinHttpSendRequestStart);
        notify(&r->obj, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, NULL, 0);
        r->head_length = r->sent_head.len;
        if (r->h2)
        {
            r->send_phase = SEND_HEAD_WAIT;
            return ERROR_SUCCESS;
        }
        /* the head, and the body when it is small, go out in one send */
        r->body_with_head = r->send_body_length && r->send_body_length <= 64 * 1024 &&
                            http_buf_append(&r->sent_head, r->send_body, r->send_body_length) == HTTP_DONE;
        r->send_phase = SEND_HEAD_WAIT;
        return ERROR_SUCCESS;

    case SEND_HEAD_WAIT:
        if (r->h2)
        {
            /* a stream: the head and the body go out as the link sends */
            if ((error = request_h2_send(r)) == ERROR_IO_PENDING) return error;
            if (error == ERROR_RETRY)
            {
                request_h2_release(r);
                r->send_phase = SEND_ACQUIRE;
                return ERROR_SUCCESS;
            }
            if (error) return error;
            r->h2_used = TRUE;
            r->stats[WinHttpRequestHeadersSize] = r->head_length;
            break;
        }
        error = connection_send(r->conn, r->sent_head.data, r->sent_head.len, timeout);
        if (error == ERROR_IO_PENDING) return error;
        r->sent_head.len = r->head_length;     /* keep only the head, for queries */
        if (error) return error;
        request_time(r, WinHttpSendRequestHeadersEnd);
        r->stats[WinHttpRequestHeadersSize] = r->head_length;
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
    request_wire(r)->requests++;
    request_time(r, WinHttpSendRequestEnd);
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
    r->stats[WinHttpProxyFailureCount]++;
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
        if (phase == SEND_CONNECT && r->conn && r->conn->phase == CONNECT_HANDSHAKE &&
            (error == ERROR_WINHTTP_SECURE_CHANNEL_ERROR || error == ERROR_WINHTTP_CONNECTION_ERROR) &&
            request_retry(r, WINHTTP_CONNECTION_RETRY_CONDITION_SSL_HANDSHAKE))
        {
            TRACE("TLS handshake failed (%lu), once more on a new connection\n", error);
            request_drop_connection(r);
            r->send_phase = SEND_ACQUIRE;
            continue;
        }
        if (phase >= SEND_HEAD && r->conn_reused && !r->h2 && error != ERROR_WINHTTP_OPERATION_CANCELLED &&
            (!r->retried || request_retry(r, WINHTTP_CONNECTION_RETRY_CONDITION_STALE_CONNECTION)))
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
