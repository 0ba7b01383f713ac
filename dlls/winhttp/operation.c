/* The request API calls that do I/O: WinHttpSendRequest, WriteData,
 * ReceiveResponse, QueryDataAvailable, ReadData and ReadDataEx.
 *
 * Each call checks its arguments and the request's state under the
 * request's lock, marks the operation in flight, and then runs the one
 * resumable state machine (send.c, body.c):
 *   - synchronous sessions run it on the caller's thread, which blocks in
 *     the socket calls;
 *   - asynchronous sessions queue it as a task on the request's queue and
 *     return TRUE at once; the task runs on the DLL's pool, gives its thread
 *     back while the network is slow, and ends with exactly one completion
 *     callback (or REQUEST_ERROR).
 * WinHttpCloseHandle cancels what is in flight (request_close), and the
 * operation ends with ERROR_WINHTTP_OPERATION_CANCELLED.
 */
#include <wchar.h>

#include "body.h"
#include "connection.h"

struct operation
{
    struct task task;
    struct request *request;
    enum request_op op;
    void *buffer;               /* ReadData, WriteData */
    DWORD size;
    BOOL fill;                  /* ReadDataEx FILL_BUFFER */
    DWORD count;                /* bytes read, written or available */
    const void *app_optional;   /* SendRequest: for SENDREQUEST_COMPLETE */
    BOOL deferred;              /* ReceiveResponse queued behind another call: takes the request when it runs */
    BOOL refused;               /* ...and found it in the wrong state */
    BOOL sent;                  /* SendRequest: the request is out, reading ahead */
    BOOL done;                  /* finished: only its callback is left (also when it finished nested
                                   at the depth limit and the callback was queued) */
    DWORD result;               /* ...with this error */
};

/* How deep operations may complete nested inside callbacks (native nests
 * too, to a bounded depth; Wine's tests see at least 2 and fewer than 128). */
#define MAX_NESTING 16

static BOOL is_async(struct request *r)
{
    return !!(r->obj.session_flags & WINHTTP_FLAG_ASYNC);
}

/* ---- one step of an operation ---------------------------------------------------- */

static DWORD write_step(struct operation *o)
{
    struct request *r = o->request;
    DWORD error;

    if (!o->size) return ERROR_SUCCESS;
    if (r->h2)
    {
        if (!(error = request_h2_write(r, o->buffer, o->size))) o->count = o->size;
        return error;
    }
    if (!r->conn) return ERROR_WINHTTP_CONNECTION_ERROR;
    error = connection_send(r->conn, o->buffer, o->size, r->obj.settings.send_timeout);
    if (!error) o->count = o->size;
    return error;
}

static DWORD send_step(struct operation *o)
{
    struct request *r = o->request;
    DWORD error;

    if (!o->sent)
    {
        if ((error = request_send(r))) return error;
        o->sent = TRUE;
    }
    /* the whole request is out (no WriteData to come): wait for the head */
    if (is_async(r) && r->written >= r->total_length) return request_read_ahead(r);
    return ERROR_SUCCESS;
}

static DWORD read_step(struct operation *o)
{
    for (;;)
    {
        DWORD count, error;

        error = body_read(o->request, (char *)o->buffer + o->count, o->size - o->count, &count);
        if (error) return error;
        o->count += count;
        /* FILL_BUFFER: on until the buffer is full or the body ends */
        if (!o->fill || !count || o->count == o->size) return ERROR_SUCCESS;
    }
}

/* Runs the operation as far as it goes: ERROR_IO_PENDING (async only) when
 * it waits for the network, else its result. */
static DWORD step(struct operation *o)
{
    struct request *r = o->request;

    if (r->closing) return ERROR_WINHTTP_OPERATION_CANCELLED;
    switch (o->op)
    {
    case OP_SEND:       return send_step(o);
    case OP_WRITE:      return write_step(o);
    case OP_RECEIVE:    return request_receive(r);
    case OP_QUERY_DATA: return body_available(r, &o->count);
    case OP_READ:       return read_step(o);
    case OP_NONE:       break;
    }
    return ERROR_WINHTTP_INTERNAL_ERROR;
}

/* The request's state after the operation, and the way clear for the next. */
static void finish(struct operation *o, DWORD error)
{
    struct request *r = o->request;

    if (o->refused) return;     /* it never took the request */
    AcquireSRWLockExclusive(&r->lock);
    switch (o->op)
    {
    case OP_SEND:
        r->state = error ? REQUEST_OPEN : r->written < r->total_length ? REQUEST_SENDING_BODY : REQUEST_SENT;
        break;
    case OP_WRITE:
        if (error) break;
        r->written += o->count;
        if (r->written >= r->total_length) r->state = REQUEST_SENT;
        break;
    case OP_RECEIVE:
        r->state = error ? REQUEST_OPEN : REQUEST_RESPONSE;
        break;
    default:
        break;
    }
    r->op = OP_NONE;
    ReleaseSRWLockExclusive(&r->lock);
}

/* ---- asynchronous: a task on the request's queue ---------------------------------- */

static DWORD api_of(enum request_op op)
{
    switch (op)
    {
    case OP_SEND:       return API_SEND_REQUEST;
    case OP_WRITE:      return API_WRITE_DATA;
    case OP_RECEIVE:    return API_RECEIVE_RESPONSE;
    case OP_QUERY_DATA: return API_QUERY_DATA_AVAILABLE;
    default:            return API_READ_DATA;
    }
}

/* The one completion callback of an operation, with its documented payload. */
static void complete(struct operation *o, DWORD error)
{
    struct object *obj = &o->request->obj;
    WINHTTP_ASYNC_RESULT result;

    TRACE("%p op %d: error %lu, count %lu\n", obj->handle, o->op, error, o->count);
    if (error)
    {
        result.dwResult = api_of(o->op);
        result.dwError = error;
        notify(obj, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, &result, sizeof(result));
        return;
    }
    switch (o->op)
    {
    case OP_SEND:
        notify(obj, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, (void *)o->app_optional,
               o->request->optional_length);
        break;
    case OP_WRITE:
        notify(obj, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, &o->count, sizeof(o->count));
        break;
    case OP_RECEIVE:
        notify(obj, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, NULL, 0);
        break;
    case OP_QUERY_DATA:
        notify(obj, WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, &o->count, sizeof(o->count));
        break;
    default:
        notify(obj, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, o->buffer, o->count);
        break;
    }
}

static BOOL receive_allowed(struct request *r)
{
    return (r->state == REQUEST_SENT || r->state == REQUEST_SENDING_BODY) && r->written >= r->total_length;
}

/* A deferred ReceiveResponse takes the request when its turn comes, if the
 * request is ready for it by then. */
static DWORD take_request(struct operation *o)
{
    struct request *r = o->request;
    DWORD error = ERROR_SUCCESS;

    AcquireSRWLockExclusive(&r->lock);
    if (r->op != OP_NONE || !receive_allowed(r))
    {
        o->refused = TRUE;
        error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    }
    else r->op = o->op;
    ReleaseSRWLockExclusive(&r->lock);
    o->deferred = FALSE;
    return error;
}

/* The operation runs; its completion callback is delivered once the task
 * is off the queue (deliver_operation, see task.h). */
static enum task_result run_operation(struct task *task)
{
    struct operation *o = CONTAINING_RECORD(task, struct operation, task);
    DWORD error;

    if (o->done) return TASK_DONE;      /* only its callback was left */
    error = o->deferred ? take_request(o) : ERROR_SUCCESS;
    if (!error) error = step(o);
    if (error == ERROR_IO_PENDING) return TASK_PENDING;
    if (error == STEP_YIELD) return TASK_YIELD;
    finish(o, error);
    o->done = TRUE;
    o->result = error;
    return TASK_DONE;
}

static void deliver_operation(struct task *task)
{
    struct operation *o = CONTAINING_RECORD(task, struct operation, task);

    complete(o, o->result);
}

static void free_operation(struct task *task)
{
    heap_free(CONTAINING_RECORD(task, struct operation, task));
}

/* ---- the calls ------------------------------------------------------------------- */

/* Takes the request for an operation: its state allows it and nothing else
 * is in flight.  On failure sets the last error and returns NULL. */
static struct request *begin(HINTERNET handle, enum request_op op, unsigned int allowed_states)
{
    struct request *r = request_enter(handle);

    if (!r) return NULL;
    if (r->op != OP_NONE || !(allowed_states & (1u << r->state)))
    {
        request_leave(r);
        return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, NULL);
    }
    return r;
}

#define STATE(s) (1u << (s))

/* Inside a completion callback, on the thread running the request's queue,
 * an operation that data already received can satisfy completes at once,
 * nested, as native's do: its callback comes before the call returns (a
 * caller may read into a buffer on its own stack, such as one byte in its
 * callback's frame).  The socket starts no I/O meanwhile; if the data is
 * not all there the operation keeps what it has done and is queued for the
 * rest (the caller's buffer must then outlive the call, as documented).
 * Past MAX_NESTING the data is still copied at once, and only the callback
 * is queued: the stack stays bounded and the buffer is never written late.
 * FALSE: queue the operation; *queue_callback: queue its callback only. */
static BOOL run_nested(struct request *r, struct operation *o, BOOL *queue_callback)
{
    struct connection *conn = r->conn;
    BOOL deep = r->nesting >= MAX_NESTING;
    DWORD error;

    *queue_callback = FALSE;
    if ((o->op != OP_READ && o->op != OP_QUERY_DATA) || !task_queue_is_current_runner(&r->queue))
        return FALSE;
    r->nesting++;
    if (conn) socket_stream_no_wait(conn->socket, TRUE);
    r->h2_no_wait = TRUE;
    error = step(o);
    r->h2_no_wait = FALSE;
    /* a body that ended gave the connection up, switched back (body.c) */
    if (conn && r->conn == conn) socket_stream_no_wait(conn->socket, FALSE);
    if (error != STREAM_WOULD_BLOCK)
    {
        finish(o, error);
        if (deep)
        {
            o->done = TRUE;
            o->result = error;
            *queue_callback = TRUE;
        }
        else complete(o, error);
    }
    r->nesting--;
    return error != STREAM_WOULD_BLOCK && !deep;
}

/* Asynchronous: the operation is a task on the request's queue, run at once
 * on this thread when the queue is idle (see task.h).  The call returns TRUE
 * with ERROR_SUCCESS when the operation has completed (its callback made),
 * or ERROR_IO_PENDING when its completion is to come, as native does. */
static BOOL run_async(struct request *r, struct operation *o)
{
    struct operation *queued = heap_alloc(sizeof(*queued));
    enum push_result pushed;
    BOOL callback_only = FALSE;

    if (!queued)
    {
        if (!o->deferred) r->op = OP_NONE;
        request_leave(r);
        return FAIL(ERROR_OUTOFMEMORY, FALSE);
    }
    *queued = *o;
    queued->task.run = run_operation;
    queued->task.deliver = deliver_operation;
    queued->task.free = free_operation;
    ReleaseSRWLockExclusive(&r->lock);
    if (!queued->deferred && run_nested(r, queued, &callback_only))
    {
        heap_free(queued);
        object_release(&r->obj);
        SetLastError(ERROR_SUCCESS);
        return TRUE;
    }
    /* the task may run and be freed inside the push */
    if ((pushed = task_queue_push(&r->queue, &queued->task, TRUE)) == PUSH_FAILED)
    {
        heap_free(queued);
        if (!o->deferred && !callback_only) finish(o, ERROR_OUTOFMEMORY);
        object_release(&r->obj);
        return FAIL(ERROR_OUTOFMEMORY, FALSE);
    }
    object_release(&r->obj);
    /* native: reads and queries whose completion is to come say so */
    SetLastError(pushed == PUSH_QUEUED && (o->op == OP_READ || o->op == OP_QUERY_DATA) ? ERROR_IO_PENDING
                                                                                      : ERROR_SUCCESS);
    return TRUE;
}

/* Runs an operation begun with begin() (lock held); for async sessions it
 * is a task.  Returns the call's result with the last error set; *o is
 * filled in for the caller's outputs in synchronous mode. */
static BOOL run(struct request *r, struct operation *o)
{
    DWORD error;

    o->request = r;
    if (!o->deferred) r->op = o->op;
    if (is_async(r)) return run_async(r, o);
    /* the lock is not held while the network is waited for: WinHttpCloseHandle
     * and queries from callbacks must get through */
    ReleaseSRWLockExclusive(&r->lock);
    error = step(o);
    if (error == ERROR_IO_PENDING) error = ERROR_WINHTTP_INTERNAL_ERROR;   /* never on a sync stream */
    finish(o, error);
    object_release(&r->obj);
    SetLastError(error);
    return !error;
}

static DWORD add_headers_text(struct request *request, const WCHAR *headers, DWORD length)
{
    if (!headers) return ERROR_SUCCESS;
    /* native reads a length of 0 as "NUL-terminated", like -1 */
    if (length == ~0u || !length) length = lstrlenW(headers);
    return header_list_apply_text(&request->headers, headers, length,
                                  WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE);
}

/* The framing the application chose must agree with the call (documented):
 * no optional data and no Content-Length with its Transfer-Encoding, and a
 * Content-Length below 2^32 equal to dwTotalLength. */
static DWORD check_framing(struct request *request, DWORD optional_length, DWORD total_length)
{
    int length = header_list_find(&request->headers, L"Content-Length", 0);
    BOOL chunked = header_list_find(&request->headers, L"Transfer-Encoding", 0) >= 0;
    WCHAR *end;
    ULONGLONG value;

    if (chunked) return optional_length || length >= 0 ? ERROR_INVALID_PARAMETER : ERROR_SUCCESS;
    if (length < 0) return ERROR_SUCCESS;
    value = wcstoull(request->headers.items[length].value, &end, 10);
    if (value < 0x100000000ull && value != total_length) return ERROR_INVALID_PARAMETER;
    return ERROR_SUCCESS;
}

static DWORD prepare_send(struct request *r, const WCHAR *headers, DWORD headers_length, const void *optional,
                          DWORD optional_length, DWORD total_length, DWORD_PTR context)
{
    DWORD error;

    if ((optional_length && !optional) || total_length < optional_length) return ERROR_INVALID_PARAMETER;
    if ((error = add_headers_text(r, headers, headers_length))) return error;
    if ((error = check_framing(r, optional_length, total_length))) return error;

    /* a context of 0 keeps the one set before (WINHTTP_OPTION_CONTEXT_VALUE
     * or an earlier send), as native does */
    if (context) r->obj.context = context;
    r->total_length = total_length;
    r->written = 0;
    r->redirects = 0;
    r->failed_retries = 0;
    auth_begin_send(r);
    heap_free(r->optional);
    r->optional = NULL;
    r->optional_length = 0;
    if (optional_length)
    {
        /* a copy: a redirect or a retry sends it again */
        if (!(r->optional = heap_alloc(optional_length))) return ERROR_OUTOFMEMORY;
        memcpy(r->optional, optional, optional_length);
        r->optional_length = optional_length;
    }
    r->send_body = r->optional;
    r->send_body_length = r->optional_length;
    r->send_phase = SEND_START;
    r->receive_phase = RECEIVE_START;
    r->read_ahead_error = ERROR_SUCCESS;
    return ERROR_SUCCESS;
}

BOOL WINAPI WinHttpSendRequest(HINTERNET handle, LPCWSTR headers, DWORD headers_length, LPVOID optional,
                               DWORD optional_length, DWORD total_length, DWORD_PTR context)
{
    struct operation o = { .op = OP_SEND, .app_optional = optional };
    struct request *r;
    DWORD error;

    TRACE("%p, %s, %lu, %p, %lu, %lu, %Ix\n", handle,
          debugstr_headers(headers, headers_length == ~0u ? -1 : (int)headers_length), headers_length, optional,
          optional_length, total_length, context);

    /* a request can be sent again once the previous exchange is over */
    if (!(r = begin(handle, OP_SEND, STATE(REQUEST_OPEN) | STATE(REQUEST_SENT) | STATE(REQUEST_RESPONSE))))
        return FALSE;
    if ((error = prepare_send(r, headers, headers_length, optional, optional_length, total_length, context)))
    {
        request_leave(r);
        return FAIL(error, FALSE);
    }
    return run(r, &o);
}

BOOL WINAPI WinHttpWriteData(HINTERNET handle, LPCVOID buffer, DWORD size, LPDWORD written)
{
    struct operation o = { .op = OP_WRITE, .buffer = (void *)buffer, .size = size };
    struct request *r;
    BOOL ret;

    TRACE("%p, %p, %lu, %p\n", handle, buffer, size, written);

    if (written) *written = 0;  /* documented: zeroed before any checking */
    if (!(r = begin(handle, OP_WRITE, STATE(REQUEST_SENDING_BODY) | STATE(REQUEST_SENT)))) return FALSE;
    if (!buffer && size)
    {
        request_leave(r);
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    }
    ret = run(r, &o);
    if (ret && written && !is_async(r)) *written = o.count;
    return ret;
}

BOOL WINAPI WinHttpReceiveResponse(HINTERNET handle, LPVOID reserved)
{
    struct operation o = { .op = OP_RECEIVE };
    struct request *r;

    TRACE("%p, %p\n", handle, reserved);

    if (!(r = request_enter(handle))) return FALSE;
    if (r->op != OP_NONE || !receive_allowed(r))
    {
        /* native accepts an asynchronous ReceiveResponse at any time (even
         * from SENDING_REQUEST, or before WinHttpSendRequest) and checks the
         * request when its turn comes: REQUEST_ERROR if it is not ready */
        if (!is_async(r))
        {
            request_leave(r);
            return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
        }
        o.deferred = TRUE;
    }
    return run(r, &o);
}

BOOL WINAPI WinHttpQueryDataAvailable(HINTERNET handle, LPDWORD available)
{
    struct operation o = { .op = OP_QUERY_DATA };
    struct request *r;
    BOOL ret, async;

    TRACE("%p, %p\n", handle, available);

    if (!(r = begin(handle, OP_QUERY_DATA, STATE(REQUEST_RESPONSE)))) return FALSE;
    async = is_async(r);
    ret = run(r, &o);
    /* asynchronous callers get the count with DATA_AVAILABLE: the variable
     * behind the pointer may be gone by then (documented: pass NULL) */
    if (ret && available && !async) *available = o.count;
    TRACE("%lu available\n", o.count);
    return ret;
}

static BOOL read_data(HINTERNET handle, void *buffer, DWORD size, DWORD *read, BOOL fill)
{
    struct operation o = { .op = OP_READ, .buffer = buffer, .size = size, .fill = fill };
    struct request *r;
    BOOL ret, async;

    if (read) *read = 0;        /* documented: zeroed before any checking */
    if (!(r = begin(handle, OP_READ, STATE(REQUEST_RESPONSE)))) return FALSE;
    if (!buffer && size)
    {
        request_leave(r);
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    }
    async = is_async(r);
    ret = run(r, &o);
    if (ret && read && !async) *read = o.count;
    return ret;
}

BOOL WINAPI WinHttpReadData(HINTERNET handle, LPVOID buffer, DWORD size, LPDWORD read)
{
    TRACE("%p, %p, %lu, %p\n", handle, buffer, size, read);
    return read_data(handle, buffer, size, read, FALSE);
}

DWORD WINAPI WinHttpReadDataEx(HINTERNET handle, LPVOID buffer, DWORD size, LPDWORD read, ULONGLONG flags,
                               DWORD property_size, PVOID property)
{
    TRACE("%p, %p, %lu, %p, %#I64x, %lu, %p\n", handle, buffer, size, read, flags, property_size, property);

    if (read) *read = 0;
    if (flags & ~(ULONGLONG)WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER)
        return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    if (!read_data(handle, buffer, size, read, !!(flags & WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER)))
        return GetLastError();
    return ERROR_SUCCESS;
}

/* ---- closing ---------------------------------------------------------------------- */

/* WinHttpCloseHandle: whatever is in flight fails with
 * ERROR_WINHTTP_OPERATION_CANCELLED, at once, on any thread. */
void request_close(struct object *obj)
{
    struct request *r = request_from_object(obj);
    BOOL idle;

    /* a response whose body is all here leaves its connection to the pool
     * (no API call can reach the handle any more; the marker keeps a
     * deferred ReceiveResponse out) */
    AcquireSRWLockExclusive(&r->lock);
    if ((idle = r->op == OP_NONE && r->state == REQUEST_RESPONSE)) r->op = OP_READ;
    ReleaseSRWLockExclusive(&r->lock);
    if (idle)
    {
        body_finish_buffered(r);
        AcquireSRWLockExclusive(&r->lock);
        r->op = OP_NONE;
        ReleaseSRWLockExclusive(&r->lock);
    }

    AcquireSRWLockExclusive(&r->conn_lock);
    r->closing = TRUE;
    if (r->conn) connection_cancel(r->conn);
    request_h2_cancel(r);
    ReleaseSRWLockExclusive(&r->conn_lock);
    request_cancel_auto_proxy(r);
    /* a task waiting for a connection slot wakes up to be cancelled */
    if (is_async(r)) request_stop_waiting(r, TRUE);
}
