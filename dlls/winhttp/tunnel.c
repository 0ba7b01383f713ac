/* The CONNECT tunnel of https through a proxy (RFC 9110, 9.3.6): once the
 * socket to the proxy is up, one CONNECT exchange in plain http, then the
 * bytes pass through untouched and TLS runs with the origin over them.  No
 * stream is stacked for it: after the reply it has nothing left to do.
 *
 * The reply is read into the connection's buffer without consuming it, so
 * that a 407 can be handed to the request as its response (the application
 * answers the proxy's challenge and sends again, as for a 401), and with
 * WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE any other refusal too.
 */
#include <stdio.h>
#include <wchar.h>

#include "connection.h"

/* Bounds a reply that never ends; a proxy's reply head is small. */
#define TUNNEL_MAX_REPLY_HEAD (64 * 1024)

static DWORD append_line(struct http_buf *head, const WCHAR *name, const WCHAR *value)
{
    return http_write_header(head, name, value) == HTTP_DONE ? ERROR_SUCCESS : ERROR_WINHTTP_INVALID_URL;
}

static void authority_text(const struct route *route, WCHAR *out, size_t count)
{
    BOOL bracket = wcschr(route->host, ':') && route->host[0] != '[';

    swprintf(out, count, L"%ls%ls%ls:%u", bracket ? L"[" : L"", route->host, bracket ? L"]" : L"", route->port);
}

DWORD tunnel_authority(const struct route *route, char *out, size_t size)
{
    WCHAR authority[300];

    if (lstrlenW(route->host) > 256) return ERROR_WINHTTP_INVALID_URL;
    authority_text(route, authority, ARRAY_SIZE(authority));
    if (!WideCharToMultiByte(CP_UTF8, 0, authority, -1, out, (int)size, NULL, NULL)) return ERROR_WINHTTP_INVALID_URL;
    return ERROR_SUCCESS;
}

DWORD tunnel_build_request(struct http_buf *head, const struct route *route, const WCHAR *agent,
                           const char *credentials)
{
    WCHAR authority[300];
    DWORD error;
    char line[600];

    if ((error = tunnel_authority(route, line + 8, sizeof(line) - 32))) return error;
    authority_text(route, authority, ARRAY_SIZE(authority));
    memcpy(line, "CONNECT ", 8);
    strcat(line, " HTTP/1.1\r\n");
    if (http_buf_append(head, line, strlen(line)) != HTTP_DONE) return ERROR_OUTOFMEMORY;
    if ((error = append_line(head, L"Host", authority))) return error;
    if (agent && *agent && (error = append_line(head, L"User-Agent", agent))) return error;
    if ((error = append_line(head, L"Proxy-Connection", L"Keep-Alive"))) return error;
    if (credentials)
    {
        /* the value is ours (base64 or Digest's quoted fields): no CR or LF */
        if (http_buf_append(head, "Proxy-Authorization: ", 21) != HTTP_DONE ||
            http_buf_append(head, credentials, strlen(credentials)) != HTTP_DONE ||
            http_buf_append(head, "\r\n", 2) != HTTP_DONE)
            return ERROR_OUTOFMEMORY;
    }
    return http_buf_append(head, "\r\n", 2) == HTTP_DONE ? ERROR_SUCCESS : ERROR_OUTOFMEMORY;
}

DWORD tunnel_send(struct connection *conn, int timeout)
{
    TRACE("%p: CONNECT %s:%u through %s:%u\n", conn, debugstr_w(conn->route.host), conn->route.port,
          debugstr_w(conn->route.proxy), conn->route.proxy_port);
    return stream_send(conn->socket, conn->tunnel_request.data, conn->tunnel_request.len, timeout);
}

/* The reply head, parsed from the start of the buffer each time: it is
 * small, and the bytes stay where a refused tunnel's reader wants them. */
static enum http_result parse_reply(struct connection *conn, unsigned *status, size_t *head_length)
{
    struct http_head_parser parser;
    enum http_result result;

    http_head_parser_init(&parser, TUNNEL_MAX_REPLY_HEAD);
    result = http_head_parser_feed(&parser, conn->buffer + conn->start, connection_buffered(conn), head_length);
    /* a 1xx before the final reply is not something a proxy sends to CONNECT */
    if (result == HTTP_DONE) *status = parser.head.status;
    http_head_parser_free(&parser);
    return result;
}

static DWORD receive_more(struct connection *conn, int timeout)
{
    size_t space, received;
    DWORD error;

    buffer_compact(conn->buffer, &conn->start, &conn->end);
    if (!(space = conn->capacity - conn->end)) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    error = stream_recv(conn->socket, conn->buffer + conn->end, space, timeout, &received);
    if (error) return error;
    if (!received) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;     /* closed without a whole reply */
    conn->end += received;
    return ERROR_SUCCESS;
}

DWORD tunnel_reply(struct connection *conn, int timeout)
{
    enum http_result result = HTTP_NEED_MORE;
    size_t head_length = 0;
    unsigned status = 0;
    DWORD error;

    /* a call made again to collect a pending receive goes on from there */
    while (!connection_buffered(conn) || (result = parse_reply(conn, &status, &head_length)) == HTTP_NEED_MORE)
    {
        if (connection_buffered(conn) >= TUNNEL_MAX_REPLY_HEAD) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
        if ((error = receive_more(conn, timeout))) return error;
    }
    if (result != HTTP_DONE) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    TRACE("%p: the proxy answered CONNECT with %u\n", conn, status);
    /* WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE: any refusal is the
     * request's response, as a 407 always is */
    if (status == 407 || (conn->tunnel_keep_refusal && (status < 200 || status > 299)))
    {
        conn->tunnel_refused = TRUE;
        return ERROR_SUCCESS;
    }
    if (status < 200 || status > 299) return ERROR_WINHTTP_CANNOT_CONNECT;
    /* the origin speaks only after our ClientHello: bytes past the reply
     * head would be the proxy's, inside what TLS is about to read */
    if (connection_buffered(conn) != head_length) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    conn->start = conn->end = 0;
    return ERROR_SUCCESS;
}

void tunnel_retry(struct connection *conn, struct http_buf *request)
{
    http_buf_free(&conn->tunnel_request);
    conn->tunnel_request = *request;
    http_buf_init(request);
    conn->tunnel_refused = FALSE;
    conn->stream = conn->tls ? conn->tls : conn->socket;
    conn->phase = CONNECT_TUNNEL;
}
