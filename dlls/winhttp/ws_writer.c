/* WebSocket frames out (websocket.h): each frame's header and payload are
 * masked into a staging buffer (the caller's data is never written to) and
 * sent a buffer at a time, resumably: the send buffer
 * (WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE bytes), or for a message
 * larger than it a bulk buffer of up to WS_BULK_SIZE, so that a large
 * message takes few socket calls.  Frames never interleave: in asynchronous mode every
 * frame is a task on the send queue, in synchronous mode it is sent under
 * send_cs. */
#include "websocket.h"
#include "connection.h"

/* The masking keys (RFC 6455 5.3: unpredictable), drawn from the system's
 * RNG a pool at a time; only the one sender at a time uses the pool. */
static void next_mask(struct websocket *ws, unsigned char mask[4])
{
    if (ws->mask_used + 4 > sizeof(ws->mask_pool))
    {
        if (!RtlGenRandom(ws->mask_pool, sizeof(ws->mask_pool)))
            for (size_t i = 0; i < sizeof(ws->mask_pool); i++) ws->mask_pool[i] = (unsigned char)GetTickCount64() ^ i;
        ws->mask_used = 0;
    }
    memcpy(mask, ws->mask_pool + ws->mask_used, 4);
    ws->mask_used += 4;
}

void ws_outgoing_init(struct ws_outgoing *out, int opcode, BOOL fin, const void *data, DWORD length)
{
    memset(out, 0, sizeof(*out));
    out->opcode = opcode;
    out->fin = fin;
    out->data = data;
    out->length = length;
}

/* Where the next buffer of the frame is staged, and how big it may be. */
static BYTE *staging(struct websocket *ws, const struct ws_outgoing *out, size_t *size)
{
    uint64_t left = out->length - out->offset + (out->header_sent ? 0 : WS_MAX_HEADER);

    *size = ws->send_buffer_size;
    if (left <= ws->send_buffer_size || ws->send_buffer_size >= WS_BULK_SIZE) return ws->send_chunk;
    /* a whole bulk payload and its header go in one send */
    if (!ws->bulk_chunk && !(ws->bulk_chunk = heap_alloc(WS_BULK_SIZE + WS_MAX_HEADER))) return ws->send_chunk;
    *size = WS_BULK_SIZE + WS_MAX_HEADER;
    return ws->bulk_chunk;
}

/* The next buffer of the frame: its header first, then masked payload. */
static void fill_chunk(struct websocket *ws, struct ws_outgoing *out)
{
    size_t used = 0, take, size;
    BYTE *chunk = staging(ws, out, &size);

    if (!out->header_sent)
    {
        next_mask(ws, out->mask);
        used = ws_write_header(chunk, out->fin, out->opcode, out->length, out->mask);
        out->header_sent = TRUE;
    }
    take = (size_t)min(size - used, out->length - out->offset);
    ws_mask_copy(chunk + used, out->data + out->offset, take, out->mask, out->offset);
    out->offset += take;
    out->chunk = chunk;
    out->chunk_len = used + take;
}

DWORD ws_outgoing_send(struct websocket *ws, struct ws_outgoing *out)
{
    DWORD error;

    for (;;)
    {
        if (!out->chunk_len)
        {
            if (out->header_sent && out->offset == out->length) break;
            fill_chunk(ws, out);
        }
        error = connection_send(ws->conn, out->chunk, out->chunk_len, ws->obj.settings.send_timeout);
        if (error) return error;
        out->chunk_len = 0;
    }
    ws->last_send = GetTickCount64();
    return ERROR_SUCCESS;
}

/* ---- frames of the DLL's own ------------------------------------------------------ */

struct control_task
{
    struct task task;
    struct websocket *ws;
    struct ws_outgoing out;
    unsigned char payload[WS_MAX_CONTROL_PAYLOAD];
};

static enum task_result run_control(struct task *task)
{
    struct control_task *c = CONTAINING_RECORD(task, struct control_task, task);
    DWORD error = ws_outgoing_send(c->ws, &c->out);

    if (error == ERROR_IO_PENDING) return TASK_PENDING;
    if (error && error != ERROR_WINHTTP_OPERATION_CANCELLED) ws_fail(c->ws, error);
    return TASK_DONE;
}

static void free_control(struct task *task)
{
    heap_free(CONTAINING_RECORD(task, struct control_task, task));
}

/* Whether a frame of the DLL's own may still go: never after a Close. */
static BOOL may_send_control(struct websocket *ws, int opcode)
{
    BOOL ok;

    AcquireSRWLockShared(&ws->lock);
    ok = !ws->closing && !ws->failure && !ws->close_sent;
    ReleaseSRWLockShared(&ws->lock);
    return ok || opcode == WS_OP_CLOSE;
}

static void send_control_sync(struct websocket *ws, int opcode, const void *payload, size_t length, BOOL try_only)
{
    struct ws_outgoing out;
    DWORD error;

    if (!try_only) EnterCriticalSection(&ws->send_cs);
    else if (!TryEnterCriticalSection(&ws->send_cs)) return;
    ws_outgoing_init(&out, opcode, TRUE, payload, (DWORD)length);
    error = ws_outgoing_send(ws, &out);
    LeaveCriticalSection(&ws->send_cs);
    if (error && error != ERROR_WINHTTP_OPERATION_CANCELLED) ws_fail(ws, error);
}

static void send_control(struct websocket *ws, int opcode, const void *payload, size_t length, BOOL try_only)
{
    struct control_task *c;

    if (length > WS_MAX_CONTROL_PAYLOAD || !may_send_control(ws, opcode)) return;
    TRACE("%p: opcode %d, %Iu bytes\n", ws, opcode, length);
    if (!ws->async)
    {
        send_control_sync(ws, opcode, payload, length, try_only);
        return;
    }
    if (!(c = heap_alloc(sizeof(*c)))) return;
    c->task.run = run_control;
    c->task.deliver = NULL;
    c->task.free = free_control;
    c->ws = ws;
    if (length) memcpy(c->payload, payload, length);
    ws_outgoing_init(&c->out, opcode, TRUE, c->payload, (DWORD)length);
    if (task_queue_push(&ws->send_queue, &c->task, TRUE) == PUSH_FAILED) heap_free(c);
}

void ws_send_control(struct websocket *ws, int opcode, const void *payload, size_t length)
{
    send_control(ws, opcode, payload, length, FALSE);
}

/* ---- the keep-alive ------------------------------------------------------------------ */

/* An unsolicited Pong is a heartbeat the server must not answer (RFC 6455
 * 5.5.3): one goes out when nothing else did for an interval.  A send in
 * progress is activity enough, so a synchronous one is not waited for. */
static void CALLBACK keepalive_callback(TP_CALLBACK_INSTANCE *instance, void *context, TP_TIMER *timer)
{
    struct websocket *ws = context;

    if (GetTickCount64() - ws->last_send + 50 < ws->keepalive) return;
    send_control(ws, WS_OP_PONG, NULL, 0, TRUE);
}

void ws_keepalive_start(struct websocket *ws)
{
    LARGE_INTEGER due;
    FILETIME ft;

    if (!ws->keepalive) return;
    /* a synchronous socket's Pong is a blocking send: off the DLL's few
     * workers, onto the process's pool */
    if (!ws->keepalive_timer &&
        !(ws->keepalive_timer = CreateThreadpoolTimer(keepalive_callback, ws,
                                                      ws->async ? task_environment() : blocking_environment())))
        return;
    due.QuadPart = -(LONGLONG)ws->keepalive * 10000;
    ft.dwLowDateTime = due.LowPart;
    ft.dwHighDateTime = due.HighPart;
    SetThreadpoolTimer(ws->keepalive_timer, &ft, ws->keepalive, 1000);
}

void ws_keepalive_stop(struct websocket *ws)
{
    if (!ws->keepalive_timer) return;
    SetThreadpoolTimer(ws->keepalive_timer, NULL, 0, 0);
    WaitForThreadpoolTimerCallbacks(ws->keepalive_timer, TRUE);
}
