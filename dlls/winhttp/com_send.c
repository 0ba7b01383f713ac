/* A Send of the WinHttpRequest object: the C API's synchronous calls on the
 * request handle, on the caller's thread (Open's async argument false) or
 * on a thread of the process's pool (the blocking calls hold none of the
 * DLL's few workers), with the events fired as the response comes: OnResponseStart once the headers are in, OnResponseDataAvailable
 * per block read, OnResponseFinished, or OnError. */
#include "com_private.h"

/* The first block of a body of unknown length, and the most read at once. */
#define FIRST_BLOCK (16 * 1024)
#define MAX_BLOCK (1024 * 1024)
/* A Content-Length is trusted for the first allocation up to this. */
#define MAX_PREALLOCATION (16 * 1024 * 1024)

void com_job_release(struct com_job *job)
{
    if (InterlockedDecrement(&job->refs)) return;
    if (job->response) com_bytes_release(job->response);
    heap_free(job->body);
    if (job->done) CloseHandle(job->done);
    heap_free(job);
}

void com_job_abort(struct com_job *job)
{
    InterlockedExchange(&job->aborted, 1);
}

static void fire(struct com_job *job, enum com_event event, const struct com_event_args *args)
{
    if (!job->aborted) com_events_fire(job->owner, job, event, args);
}

static size_t first_allocation(HINTERNET handle)
{
    DWORD length, size = sizeof(length);

    if (WinHttpQueryHeaders(handle, WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER,
                            WINHTTP_HEADER_NAME_BY_INDEX, &length, &size, WINHTTP_NO_HEADER_INDEX))
        return length < MAX_PREALLOCATION ? length + 1 : MAX_PREALLOCATION;
    return FIRST_BLOCK;
}

static HRESULT read_body(struct com_job *job)
{
    struct com_bytes *body = job->response;
    struct com_event_args args = { 0 };
    size_t block = first_allocation(job->request);
    DWORD read;

    for (;;)
    {
        if (job->aborted) return HRESULT_FROM_WIN32(ERROR_WINHTTP_OPERATION_CANCELLED);
        if (body->size == body->capacity && !com_bytes_reserve(body, block)) return E_OUTOFMEMORY;
        read = min(body->capacity - body->size, MAX_BLOCK);
        if (!WinHttpReadData(job->request, body->data + body->size, read, &read)) return last_error_hr();
        if (!read) return S_OK;
        args.data = body->data + body->size;
        args.size = read;
        body->size += read;
        fire(job, EVENT_DATA, &args);
        if (block < MAX_BLOCK) block *= 2;
    }
}

static HRESULT run(struct com_job *job)
{
    struct com_event_args args = { 0 };
    WCHAR type[256];
    DWORD status, size = sizeof(status);
    HRESULT hr;

    if (!(job->response = com_bytes_create())) return E_OUTOFMEMORY;
    if (!WinHttpSendRequest(job->request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, job->body, job->body_size,
                            job->body_size, 0) ||
        !WinHttpReceiveResponse(job->request, NULL))
        return last_error_hr();
    if (!WinHttpQueryHeaders(job->request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                             WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX))
        return last_error_hr();
    size = sizeof(type);
    if (!WinHttpQueryHeaders(job->request, WINHTTP_QUERY_CONTENT_TYPE, WINHTTP_HEADER_NAME_BY_INDEX,
                             type, &size, WINHTTP_NO_HEADER_INDEX))
        type[0] = 0;
    job->headers_received = TRUE;
    args.status = status;
    args.text = type;
    fire(job, EVENT_START, &args);

    if (FAILED(hr = read_body(job))) return hr;
    fire(job, EVENT_FINISHED, NULL);
    return S_OK;
}

/* The end of a Send: the flag first, then the event of a waiter, if one
 * made it (com_job_wait publishes its event before it reads the flag, so
 * one of the two always sees the other). */
static void mark_finished(struct com_job *job)
{
    HANDLE done;

    InterlockedExchange(&job->finished, 1);
    if ((done = InterlockedCompareExchangePointer(&job->done, NULL, NULL))) SetEvent(done);
}

/* Runs the job and drops the runner's references; returns its result. */
static HRESULT run_job(struct com_job *job)
{
    struct com_request *owner = job->owner;
    struct com_event_args args = { 0 };
    HRESULT hr = run(job);

    if (job->aborted) hr = HRESULT_FROM_WIN32(ERROR_WINHTTP_OPERATION_CANCELLED);
    else if (FAILED(hr))
    {
        args.status = hr;
        args.text = com_error_text(hr);
        fire(job, EVENT_ERROR, &args);
        heap_free((WCHAR *)args.text);
    }
    TRACE("job %p: %#lx\n", job, hr);
    job->result = hr;
    mark_finished(job);
    com_job_release(job);
    com_request_internal_release(owner);
    return hr;
}

static void CALLBACK job_callback(TP_CALLBACK_INSTANCE *instance, void *context)
{
    run_job(context);
}

HRESULT com_job_start(struct com_request *request, struct com_job *job)
{
    HRESULT hr;

    job->owner = request;
    InterlockedIncrement(&request->internal_refs);
    InterlockedIncrement(&job->refs);
    if (!job->async) return run_job(job);
    if (TrySubmitThreadpoolCallback(job_callback, job, NULL)) return S_OK;
    hr = last_error_hr();
    job->result = hr;
    mark_finished(job);
    com_job_release(job);
    com_request_internal_release(request);
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
