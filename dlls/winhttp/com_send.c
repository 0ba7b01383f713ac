/* A Send of the WinHttpRequest object: one job, the same steps in both
 * modes (send, headers, each block of the body), differing only in who
 * waits.  The object's session is asynchronous: an asynchronous Send starts
 * each step from the completion callback of the one before, so it holds no
 * thread while it waits for the network; a synchronous Open's request
 * handle runs in synchronous mode (handle_make_synchronous), and its Send
 * takes the steps in a loop on the caller's thread, with no thread switch.
 *
 * The events (OnResponseStart once the headers are in,
 * OnResponseDataAvailable per block read, OnResponseFinished or OnError)
 * run on the object's thread: a synchronous Send's caller fires them as they
 * come; for an asynchronous Send in a single-threaded apartment the
 * engine's thread queues them and posts a message to the object's window,
 * never waiting for the sinks; in a multithreaded apartment the engine's
 * thread fires them. */
#include "com_private.h"

/* The first block of a body of unknown length, and the most read at once. */
#define FIRST_BLOCK (16 * 1024)
#define MAX_BLOCK (1024 * 1024)
/* A Content-Length is trusted for the first allocation up to this. */
#define MAX_PREALLOCATION (16 * 1024 * 1024)

static void free_queued(struct com_queued_event *queued)
{
    heap_free(queued->text);
    heap_free(queued->data);
    heap_free(queued);
}

void com_job_release(struct com_job *job)
{
    struct com_queued_event *queued;

    if (InterlockedDecrement(&job->refs)) return;
    while ((queued = job->head))
    {
        job->head = queued->next;
        free_queued(queued);
    }
    if (job->response) com_bytes_release(job->response);
    heap_free(job->body);
    if (job->done) CloseHandle(job->done);
    heap_free(job);
}

void com_job_abort(struct com_job *job)
{
    AcquireSRWLockExclusive(&job->lock);
    InterlockedExchange(&job->aborted, 1);
    ReleaseSRWLockExclusive(&job->lock);
}

/* ---- events: queued by the engine's side, fired on the object's thread ------------------ */

static struct com_queued_event *pop_queued(struct com_job *job)
{
    struct com_queued_event *queued = job->head;

    if (queued && !(job->head = queued->next)) job->tail = &job->head;
    return queued;
}

static void fire_queued(struct com_job *job, struct com_queued_event *queued)
{
    struct com_event_args args = { queued->status, queued->text, queued->data, queued->size };

    com_events_fire(job->owner, job, queued->event, &args);
    free_queued(queued);
}

void com_job_drain(struct com_job *job)
{
    struct com_queued_event *queued;

    for (;;)
    {
        AcquireSRWLockExclusive(&job->lock);
        queued = pop_queued(job);
        ReleaseSRWLockExclusive(&job->lock);
        if (!queued) return;
        fire_queued(job, queued);
    }
}

void com_job_posted(struct com_job *job)
{
    AcquireSRWLockExclusive(&job->lock);
    job->posted = FALSE;
    ReleaseSRWLockExclusive(&job->lock);
    com_job_drain(job);
    com_job_release(job);
}

/* Adds an event for the object's thread and posts a message to its window
 * (one on its way at a time, holding a reference).  Nothing is queued once the job is aborted, so no message is
 * posted after the abort that comes before the window's end. */
static void queue_event(struct com_job *job, struct com_queued_event *queued)
{
    AcquireSRWLockExclusive(&job->lock);
    if (job->aborted)
    {
        ReleaseSRWLockExclusive(&job->lock);
        free_queued(queued);
        return;
    }
    queued->next = NULL;
    *job->tail = queued;
    job->tail = &queued->next;
    if (!job->posted)
    {
        InterlockedIncrement(&job->refs);
        if (com_events_post(job->events_window, job)) job->posted = TRUE;
        else InterlockedDecrement(&job->refs);   /* the engine's reference remains */
    }
    ReleaseSRWLockExclusive(&job->lock);
}

/* An event of the job: fired on this thread, or queued for the object's
 * window; nothing is done while no sink is connected. */
static void fire(struct com_job *job, enum com_event event, const struct com_event_args *args)
{
    struct com_queued_event *queued;

    if (job->aborted || !job->owner->sinks.count) return;   /* read unlocked: a hint */
    if (job->delivery != DELIVER_WINDOW)
    {
        com_events_fire(job->owner, job, event, args);
        return;
    }
    if (!(queued = heap_alloc_zero(sizeof(*queued)))) return;
    queued->event = event;
    queued->status = args ? args->status : 0;
    if ((args && args->text && !(queued->text = strdupW(args->text))) ||
        (args && args->size && !(queued->data = heap_alloc(args->size))))
    {
        free_queued(queued);
        return;
    }
    if (queued->data) memcpy(queued->data, args->data, args->size);
    queued->size = queued->data ? args->size : 0;
    queue_event(job, queued);
}

/* ---- the engine's side ------------------------------------------------------------------ */

/* The end of a Send, once: its last event, then the flag and the wake-ups
 * (com_job_wait publishes its event before it reads the flag, so one of the
 * two always sees the other), then the engine's references go. */
static void end_job(struct com_job *job, HRESULT hr)
{
    struct com_request *owner = job->owner;
    struct com_event_args args = { 0 };
    HANDLE done;

    if (InterlockedExchange(&job->ended, 1)) return;
    if (job->aborted) hr = HRESULT_FROM_WIN32(ERROR_WINHTTP_OPERATION_CANCELLED);
    else if (FAILED(hr))
    {
        args.status = hr;
        args.text = com_error_text(hr);
        fire(job, EVENT_ERROR, &args);
        heap_free((WCHAR *)args.text);
    }
    else fire(job, EVENT_FINISHED, NULL);
    TRACE("job %p: %#lx\n", job, hr);
    job->result = hr;

    InterlockedExchange(&job->finished, 1);
    if ((done = InterlockedCompareExchangePointer(&job->done, NULL, NULL))) SetEvent(done);

    com_job_release(job);
    com_request_internal_release(owner);
}

static DWORD first_block(HINTERNET handle)
{
    DWORD length, size = sizeof(length);

    if (WinHttpQueryHeaders(handle, WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER,
                            WINHTTP_HEADER_NAME_BY_INDEX, &length, &size, WINHTTP_NO_HEADER_INDEX))
        return length < MAX_PREALLOCATION ? length + 1 : MAX_PREALLOCATION;
    return FIRST_BLOCK;
}

/* Takes a block read into the body and fires its event; FALSE when it was
 * the end of the body, which ends the job. */
static BOOL took_block(struct com_job *job, DWORD read)
{
    struct com_bytes *body = job->response;
    struct com_event_args args = { 0 };

    if (!read)
    {
        end_job(job, S_OK);
        return FALSE;
    }
    args.data = body->data + body->size;
    args.size = read;
    body->size += read;
    fire(job, EVENT_DATA, &args);
    if (job->block < MAX_BLOCK) job->block *= 2;
    return TRUE;
}

/* Reads the body: in synchronous mode block after block, here; in
 * asynchronous mode one block, whose READ_COMPLETE goes on. */
static void read_body(struct com_job *job)
{
    struct com_bytes *body = job->response;
    DWORD read = 0;

    do
    {
        if (job->aborted)
        {
            end_job(job, S_OK);
            return;
        }
        if (body->size == body->capacity && !com_bytes_reserve(body, job->block))
        {
            end_job(job, E_OUTOFMEMORY);
            return;
        }
        if (!WinHttpReadData(job->request, body->data + body->size, min(body->capacity - body->size, MAX_BLOCK),
                             job->async ? NULL : &read))
        {
            end_job(job, last_error_hr());
            return;
        }
    } while (!job->async && took_block(job, read));
}

static void headers_available(struct com_job *job)
{
    struct com_event_args args = { 0 };
    WCHAR type[256];
    DWORD status, size = sizeof(status);

    if (!WinHttpQueryHeaders(job->request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                             WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX))
    {
        end_job(job, last_error_hr());
        return;
    }
    size = sizeof(type);
    if (!WinHttpQueryHeaders(job->request, WINHTTP_QUERY_CONTENT_TYPE, WINHTTP_HEADER_NAME_BY_INDEX,
                             type, &size, WINHTTP_NO_HEADER_INDEX))
        type[0] = 0;
    job->headers_received = TRUE;
    job->block = first_block(job->request);
    args.status = status;
    args.text = type;
    fire(job, EVENT_START, &args);
    read_body(job);
}

/* The request is sent: its response next. */
static void sent(struct com_job *job)
{
    if (job->aborted) end_job(job, S_OK);
    else if (!WinHttpReceiveResponse(job->request, NULL)) end_job(job, last_error_hr());
    else if (!job->async) headers_available(job);
}

/* An asynchronous job's steps.  The engine calls back only for completions
 * (the session's notification flags), and a job has one operation pending
 * until its end, so the context is a live job (synchronous Sends give none). */
void CALLBACK com_job_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD size)
{
    struct com_job *job = (struct com_job *)context;
    WINHTTP_ASYNC_RESULT *result;

    if (!job) return;
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        sent(job);
        break;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        headers_available(job);
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        if (took_block(job, size)) read_body(job);
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        result = info;
        end_job(job, HRESULT_FROM_WIN32(result->dwError));
        break;
    }
}

/* ---- the object's side ------------------------------------------------------------------ */

HRESULT com_job_start(struct com_request *request, struct com_job *job)
{
    HRESULT hr = S_OK;

    InitializeSRWLock(&job->lock);
    job->tail = &job->head;
    job->owner = request;
    InterlockedIncrement(&request->internal_refs);
    InterlockedIncrement(&job->refs);                 /* the engine's, until end_job */
    InterlockedIncrement(&job->refs);                 /* this call's */
    if (!(job->response = com_bytes_create())) end_job(job, E_OUTOFMEMORY);
    else if (!WinHttpSendRequest(job->request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, job->body, job->body_size,
                                 job->body_size, job->async ? (DWORD_PTR)job : 0))
        end_job(job, last_error_hr());
    else if (!job->async) sent(job);
    if (!job->async) hr = job->result;
    com_job_release(job);
    return hr;
}

BOOL com_job_wait(struct com_job *job, DWORD timeout_ms)
{
    HANDLE done, event;
    DWORD index;
    HRESULT hr;

    if (com_job_finished(job)) return TRUE;
    if (!(done = InterlockedCompareExchangePointer(&job->done, NULL, NULL)))
    {
        if (!(event = CreateEventW(NULL, TRUE, FALSE, NULL))) return FALSE;
        if ((done = InterlockedCompareExchangePointer(&job->done, event, NULL))) CloseHandle(event);
        else done = event;
    }
    if (com_job_finished(job)) return TRUE;
    hr = CoWaitForMultipleHandles(0, timeout_ms, 1, &done, &index);
    if (hr == CO_E_NOTINITIALIZED) return WaitForSingleObject(done, timeout_ms) == WAIT_OBJECT_0;
    return hr == S_OK;
}
