/* The callback recorder of the async conformance programs: see recorder.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recorder.h"

/* ---- the live recorders: a context value is looked up here ---------------- */

#define MAX_LIVE 256

static SRWLOCK live_lock = SRWLOCK_INIT;
static struct recorder *live[MAX_LIVE];
static LONG unknown_callbacks, global_max_depth;
static DWORD last_unknown_status;
static __thread int callback_depth;  /* callbacks nested on this thread */

static void register_recorder(struct recorder *rec)
{
    AcquireSRWLockExclusive(&live_lock);
    for (int i = 0; i < MAX_LIVE; i++)
        if (!live[i])
        {
            live[i] = rec;
            break;
        }
    ReleaseSRWLockExclusive(&live_lock);
}

static void unregister_recorder(struct recorder *rec)
{
    AcquireSRWLockExclusive(&live_lock);
    for (int i = 0; i < MAX_LIVE; i++)
        if (live[i] == rec) live[i] = NULL;
    ReleaseSRWLockExclusive(&live_lock);
}

/* The slot a context names, with its recorder's in_flight count taken. */
static struct slot *acquire_slot(DWORD_PTR context)
{
    struct slot *found = NULL;

    AcquireSRWLockShared(&live_lock);
    for (int i = 0; i < MAX_LIVE && !found; i++)
    {
        struct recorder *rec = live[i];
        if (!rec) continue;
        for (int k = 0; k < KIND_COUNT; k++)
            if (context == (DWORD_PTR)&rec->slots[k])
            {
                found = &rec->slots[k];
                InterlockedIncrement(&rec->in_flight);
                break;
            }
    }
    ReleaseSRWLockShared(&live_lock);
    return found;
}

LONG recorder_unknown_callbacks(void) { return unknown_callbacks; }
DWORD recorder_last_unknown_status(void) { return last_unknown_status; }
LONG recorder_global_max_depth(void) { return global_max_depth; }

/* ---- status codes ------------------------------------------------------------ */

static int status_bit(DWORD status)
{
    for (int i = 0; i < 32; i++)
        if (status == (1u << i)) return i;
    return 31;
}

const char *status_name(DWORD status)
{
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_RESOLVING_NAME: return "RESOLVING_NAME";
    case WINHTTP_CALLBACK_STATUS_NAME_RESOLVED: return "NAME_RESOLVED";
    case WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER: return "CONNECTING_TO_SERVER";
    case WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER: return "CONNECTED_TO_SERVER";
    case WINHTTP_CALLBACK_STATUS_SENDING_REQUEST: return "SENDING_REQUEST";
    case WINHTTP_CALLBACK_STATUS_REQUEST_SENT: return "REQUEST_SENT";
    case WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE: return "RECEIVING_RESPONSE";
    case WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED: return "RESPONSE_RECEIVED";
    case WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION: return "CLOSING_CONNECTION";
    case WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED: return "CONNECTION_CLOSED";
    case WINHTTP_CALLBACK_STATUS_HANDLE_CREATED: return "HANDLE_CREATED";
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING: return "HANDLE_CLOSING";
    case WINHTTP_CALLBACK_STATUS_DETECTING_PROXY: return "DETECTING_PROXY";
    case WINHTTP_CALLBACK_STATUS_REDIRECT: return "REDIRECT";
    case WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE: return "INTERMEDIATE_RESPONSE";
    case WINHTTP_CALLBACK_STATUS_SECURE_FAILURE: return "SECURE_FAILURE";
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE: return "HEADERS_AVAILABLE";
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE: return "DATA_AVAILABLE";
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE: return "READ_COMPLETE";
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE: return "WRITE_COMPLETE";
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR: return "REQUEST_ERROR";
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE: return "SENDREQUEST_COMPLETE";
    default: return "(other)";
    }
}

/* The six completions of WINHTTP_STATUS_CALLBACK's remarks (proxy ones aside). */
BOOL is_completion_status(DWORD status)
{
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        return TRUE;
    default:
        return FALSE;
    }
}

/* ---- recording ------------------------------------------------------------------ */

/* Copies what the payload points to, by the shape WINHTTP_STATUS_CALLBACK documents. */
static void copy_payload(struct callback_event *ev, DWORD status, const void *info)
{
    if (!info) return;
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_RESOLVING_NAME:
    case WINHTTP_CALLBACK_STATUS_NAME_RESOLVED:
    case WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER:
    case WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER:
    case WINHTTP_CALLBACK_STATUS_REDIRECT:
        lstrcpynW(ev->text, info, EVENT_TEXT);
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_SENT:
    case WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED:
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE:
    case WINHTTP_CALLBACK_STATUS_SECURE_FAILURE:
        ev->dword = *(const DWORD *)info;
        break;
    case WINHTTP_CALLBACK_STATUS_HANDLE_CREATED:
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        ev->handle_payload = *(HINTERNET const *)info;
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        ev->result = *(const WINHTTP_ASYNC_RESULT *)info;
        break;
    }
}

static void note_closing(struct recorder *rec, struct slot *slot)
{
    if (++slot->closings > 1)
    {
        rec->double_closing++;
        return;
    }
    if (slot->running > 1) rec->closing_nested++;  /* delivered inside another callback of this handle */
    if (++rec->closing_seen == rec->closing_wanted) SetEvent(rec->all_closed);
}

static void note_completion(struct recorder *rec)
{
    if (InterlockedDecrement(&rec->pending) < 0)
    {
        InterlockedIncrement(&rec->pending);
        rec->stray_completions++;
    }
}

/* Records one callback; called with the slot's callback counted as running. */
static void record(struct slot *slot, HINTERNET handle, DWORD status, void *info, DWORD length, int depth)
{
    struct recorder *rec = slot->owner;
    struct callback_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.status = status;
    ev.kind = slot->kind;
    ev.handle = handle;
    ev.thread = GetCurrentThreadId();
    ev.depth = depth;
    ev.info = info;
    ev.length = length;
    copy_payload(&ev, status, info);

    EnterCriticalSection(&rec->lock);
    ev.after_close_call = slot->close_called;
    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) note_closing(rec, slot);
    else if (slot->closings) rec->after_closing++;  /* anything but a second closing, counted there */
    if (slot->kind == KIND_REQUEST && is_completion_status(status)) note_completion(rec);
    if (handle != slot->handle) rec->wrong_handles++;
    if (depth > rec->max_depth) rec->max_depth = depth;
    if (rec->count < RECORDER_LOG) rec->log[rec->count] = ev;
    rec->count++;
    rec->status_count[status_bit(status)]++;
    LeaveCriticalSection(&rec->lock);
}

/* Counts the callback as running for its handle; notes an overlap with another thread. */
static void enter_slot(struct slot *slot)
{
    struct recorder *rec = slot->owner;
    DWORD me = GetCurrentThreadId();

    EnterCriticalSection(&rec->lock);
    if (slot->running && slot->running_thread != me) rec->overlaps++;
    slot->running++;
    slot->running_thread = me;
    LeaveCriticalSection(&rec->lock);
}

static void leave_slot(struct slot *slot)
{
    EnterCriticalSection(&slot->owner->lock);
    slot->running--;
    LeaveCriticalSection(&slot->owner->lock);
}

static void drive_step(struct recorder *rec, DWORD status, void *info, DWORD length);

void CALLBACK recorder_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct slot *slot = acquire_slot(context);
    struct recorder *rec;
    int depth = ++callback_depth;

    if (depth > global_max_depth) InterlockedExchange(&global_max_depth, depth);  /* a high-water mark, racy but monotone enough */
    if (!slot)
    {
        last_unknown_status = status;
        InterlockedIncrement(&unknown_callbacks);
        callback_depth--;
        return;
    }
    rec = slot->owner;
    enter_slot(slot);
    record(slot, handle, status, info, length, depth);
    if (rec->hook) rec->hook(rec, slot->kind, status, info, length);
    if (slot->kind == KIND_REQUEST && rec->drive.enabled) drive_step(rec, status, info, length);
    leave_slot(slot);
    callback_depth--;
    InterlockedDecrement(&rec->in_flight);
}

/* ---- life ------------------------------------------------------------------------ */

struct recorder *recorder_create(void)
{
    struct recorder *rec = calloc(1, sizeof(*rec));

    if (!rec || !(rec->log = calloc(RECORDER_LOG, sizeof(*rec->log)))) abort();
    InitializeCriticalSection(&rec->lock);
    for (int k = 0; k < KIND_COUNT; k++)
    {
        rec->slots[k].owner = rec;
        rec->slots[k].kind = k;
    }
    rec->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    rec->all_closed = CreateEventW(NULL, TRUE, FALSE, NULL);
    register_recorder(rec);
    return rec;
}

void recorder_free(struct recorder *rec)
{
    if (!rec) return;
    unregister_recorder(rec);
    while (rec->in_flight) Sleep(1);
    CloseHandle(rec->done);
    CloseHandle(rec->all_closed);
    DeleteCriticalSection(&rec->lock);
    free(rec->body);
    free(rec->log);
    free(rec);
}

DWORD_PTR recorder_context(struct recorder *rec, enum handle_kind kind)
{
    return (DWORD_PTR)&rec->slots[kind];
}

BOOL recorder_attach(struct recorder *rec, enum handle_kind kind, HINTERNET handle, DWORD mask)
{
    DWORD_PTR context = recorder_context(rec, kind);

    rec->slots[kind].handle = handle;
    if (!WinHttpSetOption(handle, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context))) return FALSE;
    if (WinHttpSetStatusCallback(handle, recorder_callback, mask, 0) == WINHTTP_INVALID_STATUS_CALLBACK)
        return FALSE;
    if (mask & WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) rec->closing_wanted++;
    return TRUE;
}

BOOL recorder_close(struct recorder *rec, enum handle_kind kind)
{
    struct slot *slot = &rec->slots[kind];
    BOOL first;

    EnterCriticalSection(&rec->lock);
    first = !slot->close_called;
    slot->close_called = TRUE;
    LeaveCriticalSection(&rec->lock);
    /* at most once: a handle value may be reused at once for a new handle */
    return first ? WinHttpCloseHandle(slot->handle) : TRUE;
}

/* ---- the async calls ---------------------------------------------------------------- */

/* A completion may come (inline) before the call returns: count it owed first. */
static BOOL counted_call(struct recorder *rec, BOOL (*call)(struct recorder *, void *), void *arg)
{
    BOOL ret;

    InterlockedIncrement(&rec->pending);
    ret = call(rec, arg);
    if (!ret)
    {
        DWORD error = GetLastError();
        InterlockedDecrement(&rec->pending);
        SetLastError(error);
    }
    return ret;
}

struct call_args { const void *buffer; DWORD size, total; };

static BOOL call_send(struct recorder *rec, void *arg)
{
    struct call_args *a = arg;
    return WinHttpSendRequest(rec->slots[KIND_REQUEST].handle, NULL, 0, (void *)a->buffer, a->size, a->total,
                              recorder_context(rec, KIND_REQUEST));
}

static BOOL call_receive(struct recorder *rec, void *arg)
{
    (void)arg;
    return WinHttpReceiveResponse(rec->slots[KIND_REQUEST].handle, NULL);
}

static BOOL call_query(struct recorder *rec, void *arg)
{
    (void)arg;
    return WinHttpQueryDataAvailable(rec->slots[KIND_REQUEST].handle, NULL);
}

static BOOL call_read(struct recorder *rec, void *arg)
{
    struct call_args *a = arg;
    return WinHttpReadData(rec->slots[KIND_REQUEST].handle, (void *)a->buffer, a->size, NULL);
}

static BOOL call_write(struct recorder *rec, void *arg)
{
    struct call_args *a = arg;
    return WinHttpWriteData(rec->slots[KIND_REQUEST].handle, a->buffer, a->size, NULL);
}

BOOL recorder_send(struct recorder *rec, const void *optional, DWORD optional_length, DWORD total_length)
{
    struct call_args a = { optional, optional_length, total_length };
    return counted_call(rec, call_send, &a);
}

BOOL recorder_receive(struct recorder *rec) { return counted_call(rec, call_receive, NULL); }
BOOL recorder_query_data(struct recorder *rec) { return counted_call(rec, call_query, NULL); }

BOOL recorder_read(struct recorder *rec, void *buffer, DWORD size)
{
    struct call_args a = { buffer, size, 0 };
    rec->last_read_buffer = buffer;
    rec->last_read_size = size;
    return counted_call(rec, call_read, &a);
}

BOOL recorder_write(struct recorder *rec, const void *buffer, DWORD size)
{
    struct call_args a = { buffer, size, 0 };
    return counted_call(rec, call_write, &a);
}

/* ---- the driver ------------------------------------------------------------------------ */

static void finish(struct recorder *rec)
{
    rec->finished = TRUE;
    SetEvent(rec->done);
}

static void check_call(struct recorder *rec, BOOL ret)
{
    if (ret) return;
    if (!rec->calls_failed++) rec->first_call_error = GetLastError();
    finish(rec);
}

static void write_next(struct recorder *rec)
{
    DWORD piece = rec->drive.upload_piece ? rec->drive.upload_piece : rec->drive.upload_length;
    DWORD left = rec->drive.upload_length - rec->upload_done;

    check_call(rec, recorder_write(rec, rec->drive.upload + rec->upload_done, min(piece, left)));
}

static void read_next(struct recorder *rec, DWORD available)
{
    DWORD piece = rec->drive.piece ? rec->drive.piece : 4096;
    DWORD room = rec->body_capacity - rec->body_length;

    if (!room)
    {
        rec->overflow = TRUE;
        finish(rec);
        return;
    }
    if (available) piece = min(piece, available);
    check_call(rec, recorder_read(rec, rec->body + rec->body_length, min(piece, room)));
}

static void after_headers_or_read(struct recorder *rec)
{
    if (rec->drive.read_without_query) read_next(rec, 0);
    else check_call(rec, recorder_query_data(rec));
}

static void close_inside(struct recorder *rec, DWORD status)
{
    rec->closed_in_callback = TRUE;
    rec->close_status = status;
    if (!recorder_close(rec, KIND_REQUEST) && !rec->calls_failed++) rec->first_call_error = GetLastError();
    finish(rec);
}

static void drive_step(struct recorder *rec, DWORD status, void *info, DWORD length)
{
    const struct drive *d = &rec->drive;
    BOOL close_here = d->close_in_status == status && !rec->closed_in_callback;

    if (status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE &&
        (info != rec->last_read_buffer || length > rec->last_read_size))
        rec->bad_read_buffers++;
    if (rec->finished || status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) return;
    if (close_here && (!d->close_after_next_call || !is_completion_status(status)))
    {
        close_inside(rec, status);
        return;
    }
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        if (d->upload && rec->upload_done < d->upload_length) write_next(rec);
        else check_call(rec, recorder_receive(rec));
        break;
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
        rec->upload_done += info ? *(DWORD *)info : 0;
        if (rec->upload_done < d->upload_length) write_next(rec);
        else check_call(rec, recorder_receive(rec));
        break;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        after_headers_or_read(rec);
        break;
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
        if (info && *(DWORD *)info) read_next(rec, *(DWORD *)info);
        else finish(rec);
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        rec->body_length += length;
        if (length) after_headers_or_read(rec);
        else finish(rec);
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        finish(rec);
        break;
    }
    if (close_here && !rec->closed_in_callback) close_inside(rec, status);
}

BOOL recorder_drive(struct recorder *rec, DWORD body_capacity, const struct drive *drive)
{
    BOOL ret;

    rec->drive = *drive;
    rec->drive.enabled = TRUE;
    rec->body_capacity = body_capacity;
    if (!(rec->body = malloc(body_capacity + 1))) abort();
    rec->upload_done = drive->upload ? drive->optional_length : 0;
    ret = recorder_send(rec, drive->upload, rec->upload_done, drive->upload ? drive->upload_length : 0);
    if (!ret)
    {
        DWORD error = GetLastError();
        finish(rec);
        SetLastError(error);
    }
    return ret;
}

BOOL recorder_wait_done(struct recorder *rec, DWORD ms)
{
    return WaitForSingleObject(rec->done, ms) == WAIT_OBJECT_0;
}

BOOL recorder_wait_closed(struct recorder *rec, DWORD ms)
{
    return WaitForSingleObject(rec->all_closed, ms) == WAIT_OBJECT_0;
}

/* ---- reading the log -------------------------------------------------------------------- */

int recorder_events(struct recorder *rec, enum handle_kind kind, struct callback_event *out, int max)
{
    int n = 0;

    EnterCriticalSection(&rec->lock);
    for (int i = 0; i < rec->count && i < RECORDER_LOG && n < max; i++)
        if (rec->log[i].kind == kind) out[n++] = rec->log[i];
    LeaveCriticalSection(&rec->lock);
    return n;
}

LONG recorder_status_count(struct recorder *rec, DWORD status)
{
    return rec->status_count[status_bit(status)];
}

const char *recorder_trace(struct recorder *rec, enum handle_kind kind)
{
    static char text[4096];
    size_t used = 0;

    text[0] = 0;
    EnterCriticalSection(&rec->lock);
    for (int i = 0; i < rec->count && i < RECORDER_LOG; i++)
    {
        const char *name;
        if (rec->log[i].kind != kind) continue;
        name = status_name(rec->log[i].status);
        if (used + strlen(name) + 6 >= sizeof(text))
        {
            strcpy(text + used, " ...");
            break;
        }
        used += sprintf(text + used, "%s%s", used ? " " : "", name);
    }
    LeaveCriticalSection(&rec->lock);
    return text;
}
