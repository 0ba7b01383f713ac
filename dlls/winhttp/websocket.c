/* The WebSocket API (websocket.h): WinHttpWebSocketSend, Receive,
 * Shutdown, Close and QueryCloseStatus, and closing the handle.
 *
 * Each call checks its arguments and the socket's state under ws->lock.
 * Synchronous sockets run the operation on the caller's thread.
 * Asynchronous ones make it a task: sends, Shutdown and Close's frame on
 * the send queue, receives (and Close's wait for the server's Close) on the
 * receive queue; each ends with exactly one callback (WRITE_COMPLETE,
 * READ_COMPLETE, SHUTDOWN_COMPLETE, CLOSE_COMPLETE, or REQUEST_ERROR with a
 * WINHTTP_WEB_SOCKET_ASYNC_RESULT naming the operation), and closing the
 * handle cancels both directions before HANDLE_CLOSING.
 *
 * WinHttpWebSocketClose with a receive in flight ends that receive at once
 * (REQUEST_ERROR, cancelled, from inside the call, as native does) and the
 * reader goes on for the Close: it drops data frames until the server's
 * Close frame.  CLOSE_COMPLETE comes when our Close frame is out and the
 * server's is in, from whichever side finishes last.
 */
#include "websocket.h"
#include "connection.h"
#include "request.h"

/* One callback to make: a status and its payload. */
struct outcome
{
    BOOL set;
    DWORD error;                                /* REQUEST_ERROR with this, or the success status */
    DWORD status;
    WINHTTP_WEB_SOCKET_STATUS ws_status;        /* for WRITE_COMPLETE and READ_COMPLETE */
};

enum ws_task_kind { TASK_SEND, TASK_SHUTDOWN, TASK_CLOSE_FRAME, TASK_READER };

struct ws_task
{
    struct task task;
    struct websocket *ws;
    enum ws_task_kind kind;
    struct ws_outgoing out;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    unsigned char close_payload[WS_MAX_CONTROL_PAYLOAD];
    struct outcome first, second;               /* a reader may end a receive and a Close */
};

static void deliver(struct websocket *ws, const struct outcome *o, WINHTTP_WEB_SOCKET_OPERATION operation)
{
    WINHTTP_WEB_SOCKET_ASYNC_RESULT result;

    if (!o->set) return;
    if (o->error)
    {
        result.AsyncResult.dwResult = 0;
        result.AsyncResult.dwError = o->error;
        result.Operation = operation;
        TRACE("%p: operation %d failed: %lu\n", ws->obj.handle, operation, o->error);
        notify(&ws->obj, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, &result, sizeof(result));
    }
    else if (o->status == WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE || o->status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE)
    {
        WINHTTP_WEB_SOCKET_STATUS status = o->ws_status;
        notify(&ws->obj, o->status, &status, sizeof(status));
    }
    else notify(&ws->obj, o->status, NULL, 0);
}

static struct outcome failed(DWORD error)
{
    struct outcome o = { TRUE, error };
    return o;
}

static struct outcome succeeded(DWORD status, DWORD bytes, WINHTTP_WEB_SOCKET_BUFFER_TYPE type)
{
    struct outcome o = { TRUE, ERROR_SUCCESS, status, { bytes, type } };
    return o;
}

void ws_fail(struct websocket *ws, DWORD error)
{
    AcquireSRWLockExclusive(&ws->lock);
    if (!ws->failure) ws->failure = error;
    ReleaseSRWLockExclusive(&ws->lock);
}

/* ---- the Close timer ------------------------------------------------------------------- */

/* The server did not answer our Close in time: the connection is aborted,
 * and what waits on it ends with ERROR_WINHTTP_TIMEOUT. */
static void CALLBACK close_timer_callback(TP_CALLBACK_INSTANCE *instance, void *context, TP_TIMER *timer)
{
    struct websocket *ws = context;
    BOOL abort;

    AcquireSRWLockExclusive(&ws->lock);
    abort = ws->close_active && !ws->close_received;
    if (abort) ws->close_timed_out = TRUE;
    ReleaseSRWLockExclusive(&ws->lock);
    if (abort)
    {
        WARN("%p: no Close from the server within %lu ms\n", ws, ws->obj.settings.ws_close_timeout);
        connection_cancel(ws->conn);
    }
}

static void arm_close_timer(struct websocket *ws)
{
    LARGE_INTEGER due;
    FILETIME ft;

    if (!ws->close_timer && !(ws->close_timer = CreateThreadpoolTimer(close_timer_callback, ws, task_environment())))
        return;
    due.QuadPart = -(LONGLONG)ws->obj.settings.ws_close_timeout * 10000;
    ft.dwLowDateTime = due.LowPart;
    ft.dwHighDateTime = due.HighPart;
    SetThreadpoolTimer(ws->close_timer, &ft, 0, 0);
}

static void stop_timer(TP_TIMER *timer)
{
    if (!timer) return;
    SetThreadpoolTimer(timer, NULL, 0, 0);
    WaitForThreadpoolTimerCallbacks(timer, TRUE);
}

/* ---- the reader's results ---------------------------------------------------------- */

/* Runs the reader for whatever waits on it (a receive, a Close); resumable.
 * ERROR_SUCCESS when it stops, with what to deliver in *receive_done and
 * *close_done (either may be unset: a Close whose own frame is still going
 * out is completed by the send side). */
static DWORD run_reader(struct websocket *ws, struct outcome *receive_done, struct outcome *close_done)
{
    for (;;)
    {
        struct ws_receive *rc = &ws->receive;
        enum ws_read_event event = WS_READ_DATA;
        BOOL stop;
        DWORD error;

        AcquireSRWLockExclusive(&ws->lock);
        if (!rc->active && !ws->close_active)
        {
            ws->reader_busy = FALSE;
            ReleaseSRWLockExclusive(&ws->lock);
            return ERROR_SUCCESS;
        }
        error = ws->failure;
        ReleaseSRWLockExclusive(&ws->lock);
        if (!error && (error = ws_read(ws, &event)) == ERROR_IO_PENDING) return error;

        AcquireSRWLockExclusive(&ws->lock);
        stop = error || event == WS_READ_CLOSE;
        if (error && rc->active) *receive_done = failed(error);
        else if (error && ws->close_active) *close_done = failed(ws->close_timed_out ? ERROR_WINHTTP_TIMEOUT : error);
        else if (event == WS_READ_DATA && rc->active)
        {
            *receive_done = succeeded(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, rc->count, rc->type);
            stop = TRUE;
        }
        else if (event == WS_READ_CLOSE && rc->active)
            *receive_done = succeeded(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, 0, WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE);
        if (event == WS_READ_CLOSE && !error && ws->close_active && ws->close_frame_done)
            *close_done = succeeded(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, 0, 0);
        if (receive_done->set) rc->active = FALSE;
        if (close_done->set || (error && ws->close_active)) ws->close_active = FALSE;
        if (stop) ws->reader_busy = FALSE;
        ReleaseSRWLockExclusive(&ws->lock);
        if (stop) return ERROR_SUCCESS;
    }
}

/* ---- asynchronous tasks ------------------------------------------------------------------ */

static WINHTTP_WEB_SOCKET_OPERATION operation_of(enum ws_task_kind kind)
{
    switch (kind)
    {
    case TASK_SEND:     return WINHTTP_WEB_SOCKET_SEND_OPERATION;
    case TASK_SHUTDOWN: return WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION;
    case TASK_READER:   return WINHTTP_WEB_SOCKET_RECEIVE_OPERATION;
    default:            return WINHTTP_WEB_SOCKET_CLOSE_OPERATION;
    }
}

/* A frame of the caller's went out (or failed): the way is clear for the
 * next; a Close frame may complete the Close. */
static struct outcome frame_sent(struct websocket *ws, struct ws_task *t, DWORD error)
{
    struct outcome o = { FALSE };

    if (error) ws_fail(ws, error);
    AcquireSRWLockExclusive(&ws->lock);
    ws->send_busy = FALSE;
    switch (t->kind)
    {
    case TASK_SEND:
        o = error ? failed(error) : succeeded(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, t->out.length, t->type);
        break;
    case TASK_SHUTDOWN:
        if (!error) ws->close_frame_done = TRUE;
        o = error ? failed(error) : succeeded(WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE, 0, 0);
        break;
    default:
        if (!error) ws->close_frame_done = TRUE;
        if (ws->close_active && (error || ws->close_received))
        {
            ws->close_active = FALSE;
            o = error ? failed(error) : succeeded(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, 0, 0);
        }
        break;
    }
    ReleaseSRWLockExclusive(&ws->lock);
    return o;
}

static enum task_result run_task(struct task *task)
{
    struct ws_task *t = CONTAINING_RECORD(task, struct ws_task, task);
    struct websocket *ws = t->ws;
    DWORD error;

    if (t->kind == TASK_READER)
    {
        error = run_reader(ws, &t->first, &t->second);
        return error == ERROR_IO_PENDING ? TASK_PENDING : TASK_DONE;
    }
    error = ws_outgoing_send(ws, &t->out);
    if (error == ERROR_IO_PENDING) return TASK_PENDING;
    t->first = frame_sent(ws, t, error);
    return TASK_DONE;
}

static void deliver_task(struct task *task)
{
    struct ws_task *t = CONTAINING_RECORD(task, struct ws_task, task);

    deliver(t->ws, &t->first, operation_of(t->kind));
    deliver(t->ws, &t->second, WINHTTP_WEB_SOCKET_CLOSE_OPERATION);
}

static void free_task(struct task *task)
{
    heap_free(CONTAINING_RECORD(task, struct ws_task, task));
}

static struct ws_task *new_task(struct websocket *ws, enum ws_task_kind kind)
{
    struct ws_task *t = heap_alloc_zero(sizeof(*t));

    if (!t) return NULL;
    t->task.run = run_task;
    t->task.deliver = deliver_task;
    t->task.free = free_task;
    t->ws = ws;
    t->kind = kind;
    return t;
}

static DWORD push(struct task_queue *queue, struct ws_task *t)
{
    if (task_queue_push(queue, &t->task, TRUE) != PUSH_FAILED) return ERROR_SUCCESS;
    heap_free(t);
    return ERROR_OUTOFMEMORY;
}

static DWORD push_reader(struct websocket *ws)
{
    struct ws_task *t = new_task(ws, TASK_READER);
    return t ? push(&ws->recv_queue, t) : ERROR_OUTOFMEMORY;
}

/* ---- the calls ----------------------------------------------------------------------------- */

static struct websocket *websocket_enter(HINTERNET handle, DWORD *error)
{
    struct object *obj = handle_ref_typed(handle, TYPE_BIT(OBJECT_WEBSOCKET));

    *error = obj ? ERROR_SUCCESS : GetLastError();
    return obj ? websocket_from_object(obj) : NULL;
}

static void websocket_leave(struct websocket *ws)
{
    object_release(&ws->obj);
}

static BOOL is_utf8(WINHTTP_WEB_SOCKET_BUFFER_TYPE type)
{
    return type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
}

static BOOL is_fragment(WINHTTP_WEB_SOCKET_BUFFER_TYPE type)
{
    return type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE || type == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
}

/* Under ws->lock: whether a frame of this type may go now; the opcode it
 * goes with, and the fragment sequence moved on. */
static DWORD take_send(struct websocket *ws, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, int *opcode)
{
    int message = is_utf8(type) ? WS_OP_TEXT : WS_OP_BINARY;

    if (ws->failure) return ws->failure;
    if (ws->close_sent || ws->send_busy || ws->close_active) return ERROR_INVALID_OPERATION;
    if (ws->fragment_opcode && ws->fragment_opcode != message) return ERROR_INVALID_PARAMETER;
    *opcode = ws->fragment_opcode ? WS_OP_CONTINUATION : message;
    ws->fragment_opcode = is_fragment(type) ? message : 0;
    ws->send_busy = TRUE;
    return ERROR_SUCCESS;
}

static void release_send(struct websocket *ws)
{
    AcquireSRWLockExclusive(&ws->lock);
    ws->send_busy = FALSE;
    ReleaseSRWLockExclusive(&ws->lock);
}

static DWORD send_sync(struct websocket *ws, struct ws_outgoing *out)
{
    DWORD error;

    EnterCriticalSection(&ws->send_cs);
    error = ws_outgoing_send(ws, out);
    LeaveCriticalSection(&ws->send_cs);
    if (error) ws_fail(ws, error);
    release_send(ws);
    return error;
}

DWORD WINAPI WinHttpWebSocketSend(HINTERNET handle, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, PVOID buffer, DWORD size)
{
    struct websocket *ws;
    struct ws_outgoing out;
    struct ws_task *t;
    DWORD error;
    int opcode;

    TRACE("%p, %d, %p, %lu\n", handle, type, buffer, size);
    if (type > WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE || (!buffer && size)) return ERROR_INVALID_PARAMETER;
    if (!(ws = websocket_enter(handle, &error))) return error;
    AcquireSRWLockExclusive(&ws->lock);
    error = take_send(ws, type, &opcode);
    ReleaseSRWLockExclusive(&ws->lock);
    if (!error)
    {
        ws_outgoing_init(&out, opcode, !is_fragment(type), buffer, size);
        if (!ws->async) error = send_sync(ws, &out);
        else if (!(t = new_task(ws, TASK_SEND))) error = ERROR_OUTOFMEMORY;
        else
        {
            t->out = out;
            t->type = type;
            error = push(&ws->send_queue, t);
        }
        if (error && ws->async) release_send(ws);
    }
    websocket_leave(ws);
    return error;
}

/* ---- receiving ---------------------------------------------------------------------------- */

static DWORD receive_sync(struct websocket *ws, DWORD *read, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    struct outcome receive_done = { FALSE }, close_done = { FALSE };

    run_reader(ws, &receive_done, &close_done);
    if (close_done.set)
    {
        /* a Close on another thread waits for what this reader saw */
        ws->close_result = close_done.error;
        SetEvent(ws->close_event);
    }
    if (!receive_done.set) return ERROR_WINHTTP_OPERATION_CANCELLED;     /* Close took the receive */
    if (receive_done.error) return receive_done.error;
    *read = receive_done.ws_status.dwBytesTransferred;
    *type = receive_done.ws_status.eBufferType;
    return ERROR_SUCCESS;
}

DWORD WINAPI WinHttpWebSocketReceive(HINTERNET handle, PVOID buffer, DWORD size, DWORD *read,
                                     WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    struct websocket *ws;
    BOOL start_reader;
    DWORD error;

    TRACE("%p, %p, %lu, %p, %p\n", handle, buffer, size, read, type);
    if (!buffer || !size) return ERROR_INVALID_PARAMETER;
    if (!(ws = websocket_enter(handle, &error))) return error;
    if (!ws->async && (!read || !type))
    {
        websocket_leave(ws);
        return ERROR_INVALID_PARAMETER;
    }
    AcquireSRWLockExclusive(&ws->lock);
    if (ws->failure) error = ws->failure;
    else if (ws->receive.active || ws->close_received || ws->close_active || (!ws->async && ws->reader_busy))
        error = ERROR_INVALID_OPERATION;
    else
    {
        ws->receive.active = TRUE;
        ws->receive.buffer = buffer;
        ws->receive.size = size;
        ws->receive.count = 0;
        start_reader = !ws->reader_busy;
        ws->reader_busy = TRUE;
    }
    ReleaseSRWLockExclusive(&ws->lock);
    if (!error && !ws->async) error = receive_sync(ws, read, type);
    else if (!error && start_reader && (error = push_reader(ws)))
    {
        AcquireSRWLockExclusive(&ws->lock);
        ws->receive.active = ws->reader_busy = FALSE;
        ReleaseSRWLockExclusive(&ws->lock);
    }
    websocket_leave(ws);
    return error;
}

/* ---- Shutdown and Close ------------------------------------------------------------------- */

/* The Close payload for the caller's status and reason. */
static DWORD close_payload(USHORT status, const void *reason, DWORD length, unsigned char *out, size_t *out_len)
{
    if ((!reason && length) || length > WS_MAX_REASON) return ERROR_INVALID_PARAMETER;
    if (status == WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS)
    {
        *out_len = 0;
        return length ? ERROR_INVALID_PARAMETER : ERROR_SUCCESS;
    }
    *out_len = ws_close_build(out, status, reason, length);
    return *out_len ? ERROR_SUCCESS : ERROR_INVALID_PARAMETER;
}

/* The start of Shutdown and Close: the Close payload for the caller's
 * status and reason, then the socket; NULL with *error set. */
static struct websocket *close_call_enter(HINTERNET handle, USHORT status, const void *reason, DWORD length,
                                          unsigned char *payload, size_t *payload_len, DWORD *error)
{
    if ((*error = close_payload(status, reason, length, payload, payload_len))) return NULL;
    return websocket_enter(handle, error);
}

static DWORD send_close_frame(struct websocket *ws, enum ws_task_kind kind, const unsigned char *payload, size_t length)
{
    struct ws_task *t;
    struct ws_outgoing out;
    DWORD error;

    if (ws->async)
    {
        if (!(t = new_task(ws, kind)))
        {
            release_send(ws);
            return ERROR_OUTOFMEMORY;
        }
        memcpy(t->close_payload, payload, length);
        ws_outgoing_init(&t->out, WS_OP_CLOSE, TRUE, t->close_payload, (DWORD)length);
        if ((error = push(&ws->send_queue, t))) release_send(ws);
        return error;
    }
    ws_outgoing_init(&out, WS_OP_CLOSE, TRUE, payload, (DWORD)length);
    if ((error = send_sync(ws, &out))) return error;
    AcquireSRWLockExclusive(&ws->lock);
    ws->close_frame_done = TRUE;
    ReleaseSRWLockExclusive(&ws->lock);
    return ERROR_SUCCESS;
}

DWORD WINAPI WinHttpWebSocketShutdown(HINTERNET handle, USHORT status, PVOID reason, DWORD length)
{
    unsigned char payload[WS_MAX_CONTROL_PAYLOAD];
    struct websocket *ws;
    size_t payload_len;
    DWORD error;

    TRACE("%p, %u, %p, %lu\n", handle, status, reason, length);
    if (!(ws = close_call_enter(handle, status, reason, length, payload, &payload_len, &error))) return error;
    AcquireSRWLockExclusive(&ws->lock);
    if (ws->failure) error = ws->failure;
    else if (ws->close_sent || ws->send_busy || ws->close_active) error = ERROR_INVALID_OPERATION;
    else ws->close_sent = ws->send_busy = TRUE;
    ReleaseSRWLockExclusive(&ws->lock);
    if (!error) error = send_close_frame(ws, TASK_SHUTDOWN, payload, payload_len);
    websocket_leave(ws);
    return error;
}

/* A synchronous Close, after its frame: waits for the server's Close,
 * reading itself (read_here), or for the reader of a receive on another
 * thread, which sets close_event. */
static DWORD close_wait_sync(struct websocket *ws, BOOL read_here)
{
    struct outcome receive_done = { FALSE }, close_done = { FALSE };
    BOOL received;

    AcquireSRWLockExclusive(&ws->lock);
    received = ws->close_received;
    if (received)
    {
        ws->close_active = FALSE;
        if (read_here) ws->reader_busy = FALSE;
    }
    ReleaseSRWLockExclusive(&ws->lock);
    if (received) return ERROR_SUCCESS;
    arm_close_timer(ws);
    if (read_here) run_reader(ws, &receive_done, &close_done);
    else WaitForSingleObject(ws->close_event, INFINITE);
    stop_timer(ws->close_timer);
    if (!read_here) return ws->close_result;
    return close_done.set ? close_done.error : ERROR_SUCCESS;
}

DWORD WINAPI WinHttpWebSocketClose(HINTERNET handle, USHORT status, PVOID reason, DWORD length)
{
    unsigned char payload[WS_MAX_CONTROL_PAYLOAD];
    struct outcome cancelled = { FALSE }, done = { FALSE };
    BOOL send_frame = FALSE, start_reader = FALSE;
    struct websocket *ws;
    size_t payload_len;
    DWORD error;

    TRACE("%p, %u, %p, %lu\n", handle, status, reason, length);
    if (!(ws = close_call_enter(handle, status, reason, length, payload, &payload_len, &error))) return error;
    AcquireSRWLockExclusive(&ws->lock);
    if (ws->failure) error = ws->failure;
    else if (ws->send_busy || ws->close_active) error = ERROR_INVALID_OPERATION;
    else
    {
        /* the receive in flight ends now; the reader goes on for the Close */
        if (ws->receive.active) cancelled = failed(ERROR_WINHTTP_OPERATION_CANCELLED);
        ws->receive.active = FALSE;
        ws->close_active = TRUE;
        send_frame = !ws->close_sent;
        ws->close_sent = ws->send_busy = TRUE;
        if (!send_frame) ws->send_busy = FALSE;
        if (!ws->close_received && !ws->reader_busy) start_reader = ws->reader_busy = TRUE;
        /* both Close frames are through already: nothing to wait for */
        if (ws->close_received && ws->close_frame_done)
        {
            ws->close_active = FALSE;
            done = succeeded(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, 0, 0);
        }
        ResetEvent(ws->close_event);
    }
    ReleaseSRWLockExclusive(&ws->lock);
    if (error) goto out;

    if (ws->async)
    {
        deliver(ws, &cancelled, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION);
        if (!done.set && !ws->close_received) arm_close_timer(ws);
        if (send_frame) error = send_close_frame(ws, TASK_CLOSE_FRAME, payload, payload_len);
        if (!error && start_reader) error = push_reader(ws);
        deliver(ws, &done, WINHTTP_WEB_SOCKET_CLOSE_OPERATION);
    }
    else
    {
        if (send_frame) error = send_close_frame(ws, TASK_CLOSE_FRAME, payload, payload_len);
        if (!error && !done.set) error = close_wait_sync(ws, start_reader);
    }
    if (error)
    {
        AcquireSRWLockExclusive(&ws->lock);
        ws->close_active = FALSE;
        if (start_reader && !ws->async) ws->reader_busy = FALSE;
        ReleaseSRWLockExclusive(&ws->lock);
    }
out:
    websocket_leave(ws);
    return error;
}

DWORD WINAPI WinHttpWebSocketQueryCloseStatus(HINTERNET handle, USHORT *status, PVOID reason, DWORD length,
                                              DWORD *consumed)
{
    struct websocket *ws;
    DWORD error;

    TRACE("%p, %p, %p, %lu, %p\n", handle, status, reason, length, consumed);
    if (!status || !consumed || (!reason && length)) return ERROR_INVALID_PARAMETER;
    if (!(ws = websocket_enter(handle, &error))) return error;
    AcquireSRWLockShared(&ws->lock);
    if (!ws->close_received) error = ERROR_INVALID_OPERATION;
    else
    {
        *status = ws->close_status;
        *consumed = ws->close_reason_len;
        if (length < ws->close_reason_len) error = ERROR_INSUFFICIENT_BUFFER;
        else if (ws->close_reason_len) memcpy(reason, ws->close_reason, ws->close_reason_len);
    }
    ReleaseSRWLockShared(&ws->lock);
    websocket_leave(ws);
    return error;
}

/* ---- the object ---------------------------------------------------------------------------- */

/* WinHttpCloseHandle: both directions stop; what was in flight ends with
 * ERROR_WINHTTP_OPERATION_CANCELLED before HANDLE_CLOSING. */
static void websocket_close(struct object *obj)
{
    struct websocket *ws = websocket_from_object(obj);

    AcquireSRWLockExclusive(&ws->lock);
    ws->closing = TRUE;
    ReleaseSRWLockExclusive(&ws->lock);
    ws_keepalive_stop(ws);
    connection_cancel(ws->conn);
}

static void websocket_destroy(struct object *obj)
{
    struct websocket *ws = websocket_from_object(obj);

    ws_keepalive_stop(ws);
    if (ws->keepalive_timer) CloseThreadpoolTimer(ws->keepalive_timer);
    stop_timer(ws->close_timer);
    if (ws->close_timer) CloseThreadpoolTimer(ws->close_timer);
    if (ws->conn) connection_close(ws->conn);
    if (ws->close_event) CloseHandle(ws->close_event);
    DeleteCriticalSection(&ws->send_cs);
    task_queue_destroy(&ws->send_queue);
    task_queue_destroy(&ws->recv_queue);
    heap_free(ws->send_chunk);
    heap_free(ws->bulk_chunk);
}

static const struct object_ops websocket_ops = { websocket_close, websocket_destroy };

static void resume_receiving(void *context)
{
    struct websocket *ws = context;
    task_queue_resume(&ws->recv_queue);
}

static void resume_sending(void *context)
{
    struct websocket *ws = context;
    task_queue_resume(&ws->send_queue);
}

HINTERNET websocket_create(struct request *r, struct connection *conn, DWORD_PTR context)
{
    struct websocket *ws = heap_alloc_zero(sizeof(*ws));
    HINTERNET handle;

    if (!ws)
    {
        connection_close(conn);
        return FAIL(ERROR_OUTOFMEMORY, NULL);
    }
    object_init(&ws->obj, OBJECT_WEBSOCKET, &websocket_ops, r->obj.parent);
    InitializeSRWLock(&ws->lock);
    InitializeCriticalSection(&ws->send_cs);
    ws->conn = conn;
    ws->obj.settings.send_timeout = r->obj.settings.send_timeout;
    ws->obj.settings.ws_close_timeout = r->obj.settings.ws_close_timeout;
    ws->obj.context = context;
    ws->async = !!(r->obj.session_flags & WINHTTP_FLAG_ASYNC);
    /* the receive buffer bounds each read; a tiny one would read a byte a time */
    ws->receive_buffer_size = max(r->obj.settings.ws_receive_buffer_size, 256);
    ws->send_buffer_size = r->obj.settings.ws_send_buffer_size;
    ws->keepalive = WS_DEFAULT_KEEPALIVE;
    ws->mask_used = sizeof(ws->mask_pool);
    ws->last_send = GetTickCount64();
    ws->close_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    ws->send_chunk = heap_alloc(ws->send_buffer_size);
    if (!ws->close_event || !ws->send_chunk || !task_queue_init(&ws->send_queue, &ws->obj) ||
        !task_queue_init(&ws->recv_queue, &ws->obj))
    {
        object_release(&ws->obj);
        return FAIL(ERROR_OUTOFMEMORY, NULL);
    }
    conn->capacity_max = ws->receive_buffer_size;
    connection_set_async(conn, ws->async);
    connection_bind_duplex(conn, resume_receiving, resume_sending, ws);
    if ((handle = handle_alloc(&ws->obj)))
    {
        TRACE("%p: WebSocket over connection %p, %Iu bytes already received\n", handle, conn,
              connection_buffered(conn));
        ws_keepalive_start(ws);
        notify(&ws->obj, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &handle, sizeof(handle));
    }
    object_release(&ws->obj);      /* the handle table's reference keeps it */
    return handle;
}

void websocket_set_keepalive(struct websocket *ws, DWORD interval)
{
    ws->keepalive = interval;
    ws_keepalive_start(ws);
}
