/* Response bodies: Content-Length, chunked and close-delimited framing over
 * the connection's read buffer.  The socket is always read in large blocks,
 * whatever size the caller asks for: under Wine each socket call is a round
 * trip to wineserver, so the number of calls decides speed. */
#include "body.h"
#include "connection.h"

DWORD http_result_to_error(enum http_result result)
{
    switch (result)
    {
    case HTTP_NEED_MORE:
    case HTTP_DONE:                     return ERROR_SUCCESS;
    case HTTP_ERR_HEADER_SIZE_OVERFLOW: return ERROR_WINHTTP_HEADER_SIZE_OVERFLOW;
    case HTTP_ERR_NO_MEMORY:            return ERROR_OUTOFMEMORY;
    case HTTP_ERR_INVALID_PARAMETER:    return ERROR_INVALID_PARAMETER;
    case HTTP_ERR_INVALID_HEADER:       return ERROR_WINHTTP_INVALID_HEADER;
    default:                            return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    }
}

static BOOL request_asked_close(struct request *request)
{
    int i = header_list_find(&request->headers, L"Connection", 0);

    return (request->obj.settings.disabled_features & WINHTTP_DISABLE_KEEP_ALIVE) ||
           (i >= 0 && !lstrcmpiW(request->headers.items[i].value, L"close"));
}

static BOOL response_allows_reuse(struct request *request)
{
    int i = header_list_find(&request->response.headers, L"Connection", 0);
    const WCHAR *connection = i >= 0 ? request->response.headers.items[i].value : L"";
    BOOL http10 = !lstrcmpW(request->response.version, L"HTTP/1.0");

    if (request->obj.settings.disabled_features & WINHTTP_DISABLE_KEEP_ALIVE) return FALSE;
    if (request->body.framing.kind == HTTP_BODY_CLOSE) return FALSE;
    if (http10) return !lstrcmpiW(connection, L"Keep-Alive") && request->body.framing.kind != HTTP_BODY_CHUNKED;
    return lstrcmpiW(connection, L"close") != 0;
}

static void finish(struct request *request)
{
    struct body_reader *body = &request->body;

    if (body->done) return;
    body->done = TRUE;
    request_time(request, WinHttpReceiveResponseEnd);
    if (request->h2)
    {
        request_h2_finish(request);
        return;
    }
    if (body->chunked_active)
    {
        /* trailers become queryable with WINHTTP_QUERY_FLAG_TRAILERS */
        for (size_t i = 0; i < body->chunked.trailer_count; i++)
        {
            const struct http_header *t = &body->chunked.trailers[i];
            WCHAR *name = heap_alloc((t->name_len + 1) * sizeof(WCHAR));
            WCHAR *value = heap_alloc((t->value_len + 1) * sizeof(WCHAR));
            if (name && value)
            {
                MultiByteToWideChar(CP_ACP, 0, t->name, (int)t->name_len + 1, name, (int)t->name_len + 1);
                MultiByteToWideChar(CP_ACP, 0, t->value, (int)t->value_len + 1, value, (int)t->value_len + 1);
                header_list_append(&request->response.trailers, name, value);
            }
            heap_free(name);
            heap_free(value);
        }
    }
    /* a 101 to an upgrade: the connection is the WebSocket's, not the pool's */
    if (request->upgraded) return;
    /* native reports closing only a connection the request asked to close;
     * one the server ended (Connection: close) goes silently (Wine's
     * notification tests, run on Windows) */
    if (response_allows_reuse(request) || request_asked_close(request))
        request_release_connection(request, response_allows_reuse(request));
    else
    {
        socket_stream_no_wait(request->conn->socket, FALSE);
        request_discard_connection(request);
    }
}

DWORD body_start(struct request *request, const struct http_response_head *head)
{
    struct body_reader *body = &request->body;
    enum http_result result;
    DWORD error;

    body_free(body);
    memset(body, 0, sizeof(*body));
    result = http_body_framing(head, http_request_kind_of(request->verb), &body->framing);
    if (result != HTTP_DONE) return http_result_to_error(result);
    body->left = body->framing.length;
    if (body->framing.kind == HTTP_BODY_CHUNKED)
    {
        http_chunked_init(&body->chunked, 0);
        body->chunked_active = TRUE;
    }
    TRACE("framing %d length %I64u\n", body->framing.kind, body->framing.length);
    if (body->framing.kind != HTTP_BODY_NONE && (error = body_decode_start(request))) return error;
    if (body->framing.kind == HTTP_BODY_NONE || (body->framing.kind == HTTP_BODY_LENGTH && !body->left))
        finish(request);
    return ERROR_SUCCESS;
}

void body_free(struct body_reader *body)
{
    if (body->chunked_active) http_chunked_free(&body->chunked);
    body->chunked_active = FALSE;
    body_decode_free(body);
}

/* More raw bytes into the connection buffer; the end of the stream before
 * the end of the body is an error unless the body is close-delimited. */
static DWORD receive_more(struct request *request)
{
    size_t received;
    DWORD error = connection_fill(request->conn, request->obj.settings.receive_timeout, &received);

    if (error) return error;
    if (received) return ERROR_SUCCESS;
    if (request->body.framing.kind == HTTP_BODY_CLOSE)
    {
        finish(request);
        return ERROR_SUCCESS;
    }
    return ERROR_WINHTTP_CONNECTION_ERROR;
}

/* Chunked: decode from the connection buffer into the caller's buffer. */
static DWORD read_chunked(struct request *request, char *buffer, DWORD size, DWORD *read)
{
    struct connection *conn = request->conn;

    *read = 0;
    while (!request->body.done && !*read)
    {
        size_t consumed, produced;
        enum http_result result;

        if (!connection_buffered(conn))
        {
            DWORD error = receive_more(request);
            if (error) return error;
            continue;
        }
        result = http_chunked_feed(&request->body.chunked, conn->buffer + conn->start, connection_buffered(conn),
                                   &consumed, buffer, size, &produced);
        conn->start += consumed;
        *read = (DWORD)produced;
        if (result == HTTP_DONE) finish(request);
        else if (result != HTTP_NEED_MORE) return http_result_to_error(result);
    }
    return ERROR_SUCCESS;
}

/* Content-Length and close-delimited bodies: through the buffer, which
 * grows to read the socket in large blocks (a socket call costs far more
 * under Wine than a copy), or straight from the stream for reads as large
 * as the largest buffer, and for every read over TLS, which keeps its
 * decrypted record itself: a second copy through the buffer would only
 * cost. */
static DWORD read_plain(struct request *request, char *buffer, DWORD size, DWORD *read)
{
    struct body_reader *body = &request->body;
    struct connection *conn = request->conn;
    BOOL bounded = body->framing.kind == HTTP_BODY_LENGTH;
    uint64_t want = bounded && body->left < size ? body->left : size;

    *read = 0;
    if (!connection_buffered(conn) && (want >= CONNECTION_BUFFER_MAX || connection_secure(conn)))
    {
        size_t received;
        DWORD error = connection_recv(conn, buffer, (size_t)want, request->obj.settings.receive_timeout, &received);
        if (error) return error;
        if (!received)
        {
            if (bounded) return ERROR_WINHTTP_CONNECTION_ERROR;
            finish(request);
            return ERROR_SUCCESS;
        }
        *read = (DWORD)received;
    }
    else
    {
        if (!connection_buffered(conn))
        {
            DWORD error = receive_more(request);
            if (error || body->done) return error;
        }
        *read = (DWORD)min(want, connection_buffered(conn));
        memcpy(buffer, conn->buffer + conn->start, *read);
        conn->start += *read;
    }
    if (bounded && !(body->left -= *read)) finish(request);
    return ERROR_SUCCESS;
}

DWORD body_read_sent(struct request *request, void *buffer, DWORD size, DWORD *read)
{
    DWORD error;
    BOOL end;

    *read = 0;
    if (request->body.done || !size) return ERROR_SUCCESS;
    if (request->h2)
    {
        if (!(error = request_h2_read(request, buffer, size, read, &end)) && end) finish(request);
    }
    else if (request->body.framing.kind == HTTP_BODY_CHUNKED) error = read_chunked(request, buffer, size, read);
    else error = read_plain(request, buffer, size, read);
    /* WINHTTP_OPTION_REQUEST_STATS: the body as sent (before any decoding) */
    request->stats[WinHttpResponseBodySize] += *read;
    return error;
}

DWORD body_read(struct request *request, void *buffer, DWORD size, DWORD *read)
{
    if (request->body.decoding) return body_decode_read(request, buffer, size, read);
    return body_read_sent(request, buffer, size, read);
}

DWORD body_available(struct request *request, DWORD *available)
{
    struct body_reader *body = &request->body;
    struct connection *conn = request->conn;
    DWORD error;

    if (body->decoding) return body_decode_available(request, available);
    *available = 0;
    if (body->done) return ERROR_SUCCESS;
    if (request->h2)
    {
        BOOL end;

        if (!(error = request_h2_available(request, available, &end)) && end) finish(request);
        return error;
    }
    if (body->framing.kind == HTTP_BODY_CHUNKED)
    {
        /* what is buffered is encoded: report the current chunk's bytes at hand */
        while (!body->done && !*available)
        {
            uint64_t in_chunk = http_chunked_data_left(&body->chunked);

            if (in_chunk && connection_buffered(conn))
            {
                *available = (DWORD)min(in_chunk, connection_buffered(conn));
                break;
            }
            if (connection_buffered(conn))
            {
                /* step the decoder past size lines without producing data */
                size_t consumed, produced;
                char scratch[1];
                enum http_result result = http_chunked_feed(&body->chunked, conn->buffer + conn->start,
                                                            connection_buffered(conn), &consumed, scratch, 0,
                                                            &produced);
                conn->start += consumed;
                if (result == HTTP_DONE) { finish(request); break; }
                if (result != HTTP_NEED_MORE) return http_result_to_error(result);
                if (consumed) continue;
            }
            if ((error = receive_more(request))) return error;
        }
        return ERROR_SUCCESS;
    }
    if (!connection_buffered(conn) && (error = receive_more(request))) return error;
    if (body->done) return ERROR_SUCCESS;
    *available = (DWORD)connection_buffered(conn);
    if (body->framing.kind == HTTP_BODY_LENGTH && body->left < *available) *available = (DWORD)body->left;
    return ERROR_SUCCESS;
}

/* Closing a request whose body was not read to the end: when the rest of it
 * has arrived already, it is consumed, so that the connection goes back to
 * the pool rather than being closed (native reuses it).  Never waits; over
 * TLS the rest is inside the TLS stream, and the connection is closed. */
void body_finish_buffered(struct request *request)
{
    struct body_reader *body = &request->body;
    struct connection *conn = request->conn;

    if (!conn || request->h2 || body->done || connection_secure(conn)) return;
    if (body->framing.kind == HTTP_BODY_LENGTH && body->left <= connection_buffered(conn))
    {
        conn->start += (size_t)body->left;
        body->left = 0;
        finish(request);
    }
    else if (body->framing.kind == HTTP_BODY_CHUNKED)
    {
        size_t consumed, produced;
        char scratch[4096];
        enum http_result result;

        do
        {
            result = http_chunked_feed(&body->chunked, conn->buffer + conn->start, connection_buffered(conn),
                                       &consumed, scratch, sizeof(scratch), &produced);
            conn->start += consumed;
        } while (result == HTTP_NEED_MORE && connection_buffered(conn) && (consumed || produced));
        if (result == HTTP_DONE) finish(request);
    }
}

DWORD body_drain(struct request *request, DWORD limit)
{
    char scratch[4096];
    DWORD read, error;

    /* small reads come from the connection's buffer, never straight from
     * the socket into scratch: a pending receive never targets the stack */
    while (!request->body.done)
    {
        if (request->body.drained >= limit) return ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW;
        if ((error = body_read_sent(request, scratch, sizeof(scratch), &read))) return error;
        request->body.drained += read;
    }
    return ERROR_SUCCESS;
}
