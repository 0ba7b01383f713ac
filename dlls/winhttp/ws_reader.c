/* WebSocket frames in (websocket.h).  One reader runs at a time (the
 * receive queue's task, or a synchronous caller); it keeps where it stands
 * in the frames in ws->reader, so a receive that ends in the middle of a
 * frame (the caller's buffer was full) leaves the rest for the next.
 *
 * The caller's buffer is written only under ws->lock and only while its
 * receive is active: WinHttpWebSocketClose may cancel the receive from
 * another thread, and from then on the buffer is the application's again.
 */
#include "websocket.h"
#include "connection.h"

/* The connection fails: a Close with the RFC's code goes out (when ours
 * has not), and the operation ends with a bad-response error. */
static DWORD protocol_error(struct websocket *ws, enum ws_result why)
{
    unsigned char payload[2];
    unsigned code = ws_result_close_code(why);
    BOOL send;

    WARN("%p: protocol violation %d, closing with %u\n", ws, why, code);
    AcquireSRWLockExclusive(&ws->lock);
    send = !ws->close_sent;
    ws->close_sent = TRUE;
    ReleaseSRWLockExclusive(&ws->lock);
    if (send && ws_close_build(payload, code, NULL, 0)) ws_send_control(ws, WS_OP_CLOSE, payload, 2);
    ws_fail(ws, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
}

/* How much one read may take: the receive buffer's size, or for a large
 * receive (a frame longer than that going to a caller's buffer with room
 * for it) up to WS_BULK_SIZE, so that a large message takes few socket
 * calls.  The connection's buffer grows to it as reads fill it. */
static size_t read_size(struct websocket *ws)
{
    size_t want = ws->receive_buffer_size;
    uint64_t left = ws->reader.in_frame ? ws->reader.payload_left : 0;
    DWORD room;

    AcquireSRWLockShared(&ws->lock);
    room = ws->receive.active ? ws->receive.size - ws->receive.count : 0;
    ReleaseSRWLockShared(&ws->lock);
    if (min(left, room) > want) want = (size_t)min(min(left, room), WS_BULK_SIZE);
    return want;
}

/* More bytes into the connection's buffer; EOF is an error: a WebSocket
 * ends with a Close frame, not a closed connection. */
static DWORD receive_more(struct websocket *ws)
{
    size_t received;
    DWORD error;

    ws->conn->capacity_max = read_size(ws);
    error = connection_fill(ws->conn, 0, &received);

    if (error == ERROR_WINHTTP_OPERATION_CANCELLED && ws->close_timed_out) return ERROR_WINHTTP_TIMEOUT;
    if (error) return error;
    return received ? ERROR_SUCCESS : ERROR_WINHTTP_CONNECTION_ERROR;
}

static BOOL is_control(int opcode) { return opcode >= WS_OP_CLOSE; }

/* A frame's header, collected across receives if need be. */
static DWORD read_header(struct websocket *ws)
{
    struct ws_reader_state *rd = &ws->reader;
    struct connection *conn = ws->conn;
    size_t before = rd->header_len, take;
    enum ws_result result;

    take = min(connection_buffered(conn), sizeof(rd->header) - rd->header_len);
    memcpy(rd->header + rd->header_len, conn->buffer + conn->start, take);
    rd->header_len += take;
    result = ws_parse_header(rd->header, rd->header_len, ~(uint64_t)0 >> 1, &rd->frame);
    if (result == WS_NEED_MORE)
    {
        conn->start += take;
        return ERROR_IO_INCOMPLETE;
    }
    if (result != WS_OK) return protocol_error(ws, result);
    conn->start += rd->frame.header_len - before;     /* the rest is payload */
    rd->header_len = 0;
    if (!is_control(rd->frame.opcode))
    {
        /* a continuation continues a message; a new message waits for the last to end */
        if ((rd->frame.opcode == WS_OP_CONTINUATION) != (rd->message_opcode != 0))
            return protocol_error(ws, WS_ERR_OPCODE);
        if (rd->frame.opcode != WS_OP_CONTINUATION)
        {
            rd->message_opcode = rd->frame.opcode;
            ws_utf8_init(&rd->utf8);
        }
    }
    rd->in_frame = TRUE;
    rd->payload_left = rd->frame.length;
    rd->control_len = 0;
    TRACE("%p: opcode %d fin %d length %I64u\n", ws, rd->frame.opcode, rd->frame.fin, rd->frame.length);
    return ERROR_SUCCESS;
}

/* A whole control frame's payload is in: answer a ping, note a Close. */
static DWORD control_frame(struct websocket *ws, enum ws_read_event *event, BOOL *returns)
{
    struct ws_reader_state *rd = &ws->reader;
    const unsigned char *reason;
    size_t reason_len;
    enum ws_result result;
    unsigned code;

    *returns = FALSE;
    rd->in_frame = FALSE;
    if (rd->frame.opcode == WS_OP_PING) ws_send_control(ws, WS_OP_PONG, rd->control, rd->control_len);
    if (rd->frame.opcode != WS_OP_CLOSE) return ERROR_SUCCESS;
    if ((result = ws_close_parse(rd->control, rd->control_len, &code, &reason, &reason_len)))
        return protocol_error(ws, result);
    AcquireSRWLockExclusive(&ws->lock);
    ws->close_received = TRUE;
    ws->close_status = (USHORT)code;
    ws->close_reason_len = (DWORD)reason_len;
    memcpy(ws->close_reason, reason, reason_len);
    ReleaseSRWLockExclusive(&ws->lock);
    TRACE("%p: the server closed with %u\n", ws, code);
    *event = WS_READ_CLOSE;
    *returns = TRUE;
    return ERROR_SUCCESS;
}

/* Payload of a data frame: into the caller's buffer while its receive is
 * active, else (a Close waiting for the server's) dropped.  *returns when
 * the receive has something to return. */
static DWORD data_payload(struct websocket *ws, BOOL *returns)
{
    struct ws_reader_state *rd = &ws->reader;
    struct connection *conn = ws->conn;
    struct ws_receive *rc = &ws->receive;
    size_t take = (size_t)min(connection_buffered(conn), rd->payload_left);
    const BYTE *data = (const BYTE *)conn->buffer + conn->start;
    BOOL text = rd->message_opcode == WS_OP_TEXT, message_end;

    *returns = FALSE;
    if (text && ws_utf8_feed(&rd->utf8, data, take)) return protocol_error(ws, WS_ERR_UTF8);
    AcquireSRWLockExclusive(&ws->lock);
    if (rc->active) take = min(take, rc->size - rc->count);
    if (rc->active) memcpy(rc->buffer + rc->count, data, take);
    if (rc->active) rc->count += (DWORD)take;
    ReleaseSRWLockExclusive(&ws->lock);
    conn->start += take;
    rd->payload_left -= take;
    if (rd->payload_left)
    {
        *returns = rc->active && rc->count == rc->size;
        if (*returns) rc->type = text ? WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE
                                      : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
        return ERROR_SUCCESS;
    }
    rd->in_frame = FALSE;
    message_end = rd->frame.fin;
    if (message_end && text && ws_utf8_complete(&rd->utf8)) return protocol_error(ws, WS_ERR_UTF8);
    if (message_end) rd->message_opcode = 0;
    *returns = rc->active;
    if (text) rc->type = message_end ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
                                     : WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
    else rc->type = message_end ? WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE
                                : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
    return ERROR_SUCCESS;
}

/* A synchronous receive of a large frame's payload, with nothing buffered,
 * reads it straight into the caller's buffer: one copy fewer.  (Only
 * synchronous: there the buffer is the caller's until its call returns,
 * even when a Close on another thread ends the receive meanwhile, while an
 * asynchronous receive's buffer goes back to the application as soon as
 * the cancellation is reported.) */
static BOOL receives_direct(struct websocket *ws)
{
    const struct ws_reader_state *rd = &ws->reader;
    BOOL direct;

    if (ws->async || !rd->in_frame || is_control(rd->frame.opcode) || connection_buffered(ws->conn) ||
        rd->payload_left < ws->receive_buffer_size)
        return FALSE;
    AcquireSRWLockShared(&ws->lock);
    direct = ws->receive.active && ws->receive.size - ws->receive.count >= ws->receive_buffer_size;
    ReleaseSRWLockShared(&ws->lock);
    return direct;
}

static DWORD receive_direct(struct websocket *ws, BOOL *returns)
{
    struct ws_reader_state *rd = &ws->reader;
    struct ws_receive *rc = &ws->receive;
    BYTE *at = rc->buffer + rc->count;
    size_t size = (size_t)min(rd->payload_left, rc->size - rc->count), received;
    DWORD error = connection_recv(ws->conn, at, size, 0, &received);

    if (error == ERROR_WINHTTP_OPERATION_CANCELLED && ws->close_timed_out) return ERROR_WINHTTP_TIMEOUT;
    if (error) return error;
    if (!received) return ERROR_WINHTTP_CONNECTION_ERROR;
    if (rd->message_opcode == WS_OP_TEXT && ws_utf8_feed(&rd->utf8, at, received))
        return protocol_error(ws, WS_ERR_UTF8);
    AcquireSRWLockExclusive(&ws->lock);
    if (rc->active) rc->count += (DWORD)received;
    ReleaseSRWLockExclusive(&ws->lock);
    rd->payload_left -= received;
    /* nothing is buffered: data_payload() only says what the receive returns */
    return data_payload(ws, returns);
}

/* One step over what is buffered; ERROR_IO_INCOMPLETE: more bytes needed. */
static DWORD read_step(struct websocket *ws, enum ws_read_event *event, BOOL *returns)
{
    struct ws_reader_state *rd = &ws->reader;
    struct connection *conn = ws->conn;
    size_t take;

    *returns = FALSE;
    if (!rd->in_frame)
    {
        if (!connection_buffered(conn)) return ERROR_IO_INCOMPLETE;
        return read_header(ws);
    }
    if (!is_control(rd->frame.opcode))
    {
        *event = WS_READ_DATA;
        if (receives_direct(ws)) return receive_direct(ws, returns);
        /* an empty frame ends at once; a non-empty one needs bytes */
        if (rd->payload_left && !connection_buffered(conn)) return ERROR_IO_INCOMPLETE;
        *event = WS_READ_DATA;
        return data_payload(ws, returns);
    }
    take = (size_t)min(connection_buffered(conn), rd->payload_left);
    memcpy(rd->control + rd->control_len, conn->buffer + conn->start, take);
    rd->control_len += take;
    rd->payload_left -= take;
    conn->start += take;
    if (rd->payload_left) return ERROR_IO_INCOMPLETE;
    return control_frame(ws, event, returns);
}

DWORD ws_read(struct websocket *ws, enum ws_read_event *event)
{
    for (;;)
    {
        BOOL returns;
        DWORD error = read_step(ws, event, &returns);

        if (error == ERROR_IO_INCOMPLETE) error = receive_more(ws);
        if (error) return error;
        if (returns) return ERROR_SUCCESS;
    }
}
