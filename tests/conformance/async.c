/* Conformance: WINHTTP_FLAG_ASYNC.  Requests driven from their status
 * callbacks against the scripted server: the order of the callbacks and the
 * shape of each payload (WINHTTP_STATUS_CALLBACK), context values,
 * notification masks, REQUEST_ERROR, uploads, redirects, 100 Continue,
 * reentrance, WinHttpSetStatusCallback(NULL) racing callbacks, the unload
 * event and the worker thread count.  The promises checked are those of
 * DESIGN.md, "The async engine: promises the seeds make". */
#include "harness.h"
#include "recorder.h"
#include "server.h"
#include "winhttp.h"
#include "mode.h"

#include <stdlib.h>
#include <string.h>

#define WAIT_MS 10000  /* what a finished exchange may take; the server answers at once */
#define MASK_ALL WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS
#define API_NONE 0

/* ---- a client: async session, connect, request, each watched by one recorder ---- */

struct client
{
    struct server *srv;
    struct recorder *rec;
    HINTERNET session, connect, request;
    LONG unknown_before;
};

static BOOL client_open_host(struct client *c, const WCHAR *host, unsigned short port, const WCHAR *verb,
                             const WCHAR *path, DWORD mask)
{
    c->rec = recorder_create();
    c->unknown_before = recorder_unknown_callbacks();
    c->session = WinHttpOpen(L"async-conformance", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    ok(c->session != NULL, "WinHttpOpen(ASYNC) failed: %lu", GetLastError());
    if (!c->session) return FALSE;
    WinHttpSetTimeouts(c->session, 5000, 5000, 5000, 5000);
    c->connect = WinHttpConnect(c->session, host, port, 0);
    ok(c->connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    if (c->connect) c->request = WinHttpOpenRequest(c->connect, verb, path, NULL, NULL, NULL, 0);
    ok(c->request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    if (!c->request) return FALSE;
    /* set after the handles exist, so no HANDLE_CREATED with a context not yet set */
    ok(recorder_attach(c->rec, KIND_SESSION, c->session, mask), "attach session: %lu", GetLastError());
    ok(recorder_attach(c->rec, KIND_CONNECT, c->connect, mask), "attach connect: %lu", GetLastError());
    ok(recorder_attach(c->rec, KIND_REQUEST, c->request, mask), "attach request: %lu", GetLastError());
    return TRUE;
}

static BOOL client_open_port(struct client *c, unsigned short port, const WCHAR *verb, const WCHAR *path,
                             DWORD mask)
{
    return client_open_host(c, L"127.0.0.1", port, verb, path, mask);
}

static BOOL client_open(struct client *c, const WCHAR *verb, const WCHAR *path, DWORD mask)
{
    memset(c, 0, sizeof(*c));
    if (!(c->srv = server_start()))
    {
        ok(0, "server_start failed");
        return FALSE;
    }
    server_set_timeout(c->srv, 3000);
    return client_open_port(c, server_port(c->srv), verb, path, mask);
}

/* The promises that hold for every exchange, whatever happened in it. */
static void ok_promises(struct recorder *rec)
{
    ok(!rec->overlaps, "%d callbacks of one handle ran at once on two threads", rec->overlaps);
    ok(!rec->after_closing, "%d callbacks after HANDLE_CLOSING", rec->after_closing);
    ok(!rec->double_closing, "%d second HANDLE_CLOSINGs", rec->double_closing);
    ok(!rec->closing_nested, "%d HANDLE_CLOSINGs inside another callback of the handle", rec->closing_nested);
    ok(!rec->stray_completions, "%d completions with no call pending", rec->stray_completions);
    ok(!rec->pending, "%ld calls returned TRUE and never completed", rec->pending);
    ok(!rec->wrong_handles, "%d callbacks with an hInternet not matching their context", rec->wrong_handles);
    ok(!rec->bad_read_buffers, "%d READ_COMPLETEs not giving the caller's buffer and a length within it",
       rec->bad_read_buffers);
}

/* Closes what is still open and waits for every HANDLE_CLOSING the masks
 * asked for. */
static void client_close(struct client *c, BOOL expect_closing)
{
    if (!c->rec) return;
    if (c->request && !c->rec->slots[KIND_REQUEST].close_called)
        ok(recorder_close(c->rec, KIND_REQUEST), "close request: %lu", GetLastError());
    if (c->connect && !c->rec->slots[KIND_CONNECT].close_called)
        ok(recorder_close(c->rec, KIND_CONNECT), "close connect: %lu", GetLastError());
    if (c->session && !c->rec->slots[KIND_SESSION].close_called)
        ok(recorder_close(c->rec, KIND_SESSION), "close session: %lu", GetLastError());
    if (expect_closing)
    {
        ok(recorder_wait_closed(c->rec, WAIT_MS), "HANDLE_CLOSING missing: %d of %d seen",
           c->rec->closing_seen, c->rec->closing_wanted);
        for (int k = 0; k < KIND_COUNT; k++)
            ok(c->rec->slots[k].closings == 1, "handle %d: %d HANDLE_CLOSINGs", k, c->rec->slots[k].closings);
    }
    Sleep(100);  /* stragglers show up as callbacks after HANDLE_CLOSING */
}

/* Closes (if not yet), checks the promises, then lets go of the recorder and the server. */
static void client_finish(struct client *c, BOOL expect_closing)
{
    client_close(c, expect_closing);
    if (!c->rec)
    {
        if (c->srv) server_stop(c->srv);
        return;
    }
    ok_promises(c->rec);
    recorder_free(c->rec);
    Sleep(50);
    ok(recorder_unknown_callbacks() == c->unknown_before, "%ld callbacks after the handles were all closed (last %s)",
       recorder_unknown_callbacks() - c->unknown_before, status_name(recorder_last_unknown_status()));
    if (c->srv) server_stop(c->srv);
}

static DWORD status_code(HINTERNET request)
{
    DWORD status = 0, size = sizeof(status);
    WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL);
    return status;
}

static void drive_simple(struct client *c, const char *body)
{
    struct drive d = { 0 };
    struct script *s = server_add_connection(c->srv);

    script_recv_request(s);
    script_respond(s, 200, NULL, body);
    ok_bool_err(recorder_drive(c->rec, 64, &d), TRUE, 0);
    ok(recorder_wait_done(c->rec, WAIT_MS), "the exchange did not finish");
}

/* ---- reading the log ---------------------------------------------------------------- */

struct cursor
{
    struct callback_event ev[RECORDER_LOG];
    int n, i;
};

static struct cursor cur;  /* large: one, used by the main thread only */

static void cursor_load(struct recorder *rec, enum handle_kind kind)
{
    cur.n = recorder_events(rec, kind, cur.ev, RECORDER_LOG);
    cur.i = 0;
}

static const struct callback_event *take(DWORD status)
{
    if (cur.i < cur.n && cur.ev[cur.i].status == status) return &cur.ev[cur.i++];
    return NULL;
}

/* (RECEIVING_RESPONSE RESPONSE_RECEIVED)*: informational pairs around socket reads. */
static int take_receive_pairs(void)
{
    int pairs = 0;

    while (take(WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE))
    {
        ok(take(WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED) != NULL, "RECEIVING_RESPONSE not followed by RESPONSE_RECEIVED");
        pairs++;
    }
    return pairs;
}

static void expect_next(DWORD status, const char *trace)
{
    ok(take(status) != NULL, "want %s at %d, got %s; trace: %s", status_name(status), cur.i,
       cur.i < cur.n ? status_name(cur.ev[cur.i].status) : "(end)", trace);
}

/* The payload shapes WINHTTP_STATUS_CALLBACK documents, for every event of a handle. */
static void check_payloads(struct recorder *rec, enum handle_kind kind)
{
    HINTERNET handle = rec->slots[kind].handle;

    cursor_load(rec, kind);
    for (int i = 0; i < cur.n; i++)
    {
        const struct callback_event *e = &cur.ev[i];
        const char *name = status_name(e->status);

        switch (e->status)
        {
        case WINHTTP_CALLBACK_STATUS_RESOLVING_NAME:
        case WINHTTP_CALLBACK_STATUS_NAME_RESOLVED:
        case WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER:
        case WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER:
            /* the server name / its address in dotted notation: both are 127.0.0.1 here */
            ok(e->info && !lstrcmpW(e->text, L"127.0.0.1"), "%s: payload %ls", name, e->info ? e->text : L"(null)");
            break;
        case WINHTTP_CALLBACK_STATUS_REQUEST_SENT:
        case WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED:
        case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
        case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
        case WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE:
            ok(e->info && e->length == sizeof(DWORD), "%s: info %p length %lu, want a DWORD", name, e->info, e->length);
            break;
        case WINHTTP_CALLBACK_STATUS_SENDING_REQUEST:
        case WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE:
        case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
            ok(!e->info, "%s: info %p, want NULL", name, e->info);
            break;
        case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
            ok(e->info && e->length == sizeof(WINHTTP_ASYNC_RESULT), "%s: info %p length %lu", name, e->info, e->length);
            break;
        case WINHTTP_CALLBACK_STATUS_REDIRECT:
            /* "the character count": whether it counts the terminating NUL is not
             * documented; Wine's builtin counts it */
            ok(e->info && (e->length == (DWORD)lstrlenW(e->text) || e->length == (DWORD)lstrlenW(e->text) + 1),
               "REDIRECT: length %lu for %ls", e->length, e->text);
            break;
        case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
            ok(e->info && e->handle_payload == handle && e->length == sizeof(HINTERNET),
               "HANDLE_CLOSING: payload %p length %lu, want %p", e->handle_payload, e->length, handle);
            break;
        }
        ok(e->handle == handle, "%s: hInternet %p, want %p", name, e->handle, handle);
    }
}

static const struct callback_event *find_event(DWORD status)
{
    for (int i = 0; i < cur.n; i++)
        if (cur.ev[i].status == status) return &cur.ev[i];
    return NULL;
}

/* ---- the cases --------------------------------------------------------------------------- */

/* WINHTTP_OPTION_WORKER_THREAD_COUNT: "can only be set on a NULL HINTERNET
 * handle before an asynchronous operation has occurred ... can only be set
 * once" (Option Flags).  Listed first so that no async call came before. */
static void test_worker_thread_count(void)
{
    struct client c;
    DWORD threads = 2;

    SetLastError(0xdeadbeef);
    ok(WinHttpSetOption(NULL, WINHTTP_OPTION_WORKER_THREAD_COUNT, &threads, sizeof(threads)),
       "setting the worker thread count on NULL failed: %lu", GetLastError());
    if (!client_open(&c, L"GET", L"/", MASK_ALL)) return client_finish(&c, FALSE);
    ok(!WinHttpSetOption(c.session, WINHTTP_OPTION_WORKER_THREAD_COUNT, &threads, sizeof(threads)),
       "worker thread count set on a session handle");
    drive_simple(&c, "threads");
    ok_int(c.rec->body_length, 7);
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(NULL, WINHTTP_OPTION_WORKER_THREAD_COUNT, &threads, sizeof(threads)),
       "the worker thread count was set twice, after an async operation");
    client_finish(&c, TRUE);
}

static void test_get_sequence(void)
{
    struct client c;
    struct drive d = { 0 };
    struct script *s;
    const char *trace;
    const struct callback_event *e;

    if (!client_open(&c, L"GET", L"/seq", MASK_ALL)) return client_finish(&c, FALSE);
    s = server_add_connection(c.srv);
    script_recv_request(s);
    script_respond(s, 200, "Content-Type: text/plain\r\n", "hello");

    ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
    ok(recorder_wait_done(c.rec, WAIT_MS), "the exchange did not finish");
    ok_int(c.rec->calls_failed, 0);
    ok_int(status_code(c.request), 200);
    c.rec->body[c.rec->body_length] = 0;
    ok(!strcmp(c.rec->body, "hello"), "body %s", c.rec->body);
    ok_promises(c.rec);
    client_close(&c, TRUE);

    trace = recorder_trace(c.rec, KIND_REQUEST);
    cursor_load(c.rec, KIND_REQUEST);
    /* sending: name, connection, request, then the completion */
    expect_next(WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, trace);
    expect_next(WINHTTP_CALLBACK_STATUS_NAME_RESOLVED, trace);
    expect_next(WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, trace);
    expect_next(WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, trace);
    expect_next(WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, trace);
    e = take(WINHTTP_CALLBACK_STATUS_REQUEST_SENT);
    ok(e && e->dword > 0, "REQUEST_SENT missing or 0 bytes; trace: %s", trace);
    e = take(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    ok(e && !e->info && !e->length, "SENDREQUEST_COMPLETE missing or not (NULL, 0) with no optional data; trace: %s",
       trace);
    /* receiving the head */
    ok(take_receive_pairs() >= 1, "no RECEIVING_RESPONSE/RESPONSE_RECEIVED before the headers; trace: %s", trace);
    expect_next(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, trace);
    /* the body: DATA_AVAILABLE 5, READ_COMPLETE 5, DATA_AVAILABLE 0 */
    take_receive_pairs();
    e = take(WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE);
    ok(e && e->dword == 5, "DATA_AVAILABLE %lu, want 5; trace: %s", e ? e->dword : 0xdeadbeef, trace);
    take_receive_pairs();
    e = take(WINHTTP_CALLBACK_STATUS_READ_COMPLETE);
    ok(e && e->length == 5, "READ_COMPLETE length %lu, want 5; trace: %s", e ? e->length : 0xdeadbeef, trace);
    take_receive_pairs();
    e = take(WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE);
    ok(e && e->dword == 0, "DATA_AVAILABLE %lu at the end, want 0; trace: %s", e ? e->dword : 0xdeadbeef, trace);
    /* closing: the connection may be closed or pooled, then HANDLE_CLOSING, last */
    if (take(WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION)) expect_next(WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED, trace);
    expect_next(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, trace);
    ok(cur.i == cur.n, "callbacks after the expected sequence; trace: %s", trace);
    check_payloads(c.rec, KIND_REQUEST);
    check_payloads(c.rec, KIND_CONNECT);
    check_payloads(c.rec, KIND_SESSION);
    client_finish(&c, TRUE);
}

/* dwContext of WinHttpSendRequest is what the request's callbacks get from
 * then on; WINHTTP_OPTION_CONTEXT_VALUE is what they get otherwise
 * (WINHTTP_STATUS_CALLBACK, dwContext). */
static void test_context_value(void)
{
    struct client c;
    struct recorder *by_send = recorder_create();
    struct drive d = { 0 };
    struct script *s;
    DWORD_PTR value = 0;
    DWORD size = sizeof(value);

    if (!client_open(&c, L"GET", L"/ctx", MASK_ALL)) return client_finish(&c, FALSE);
    s = server_add_connection(c.srv);
    script_recv_request(s);
    script_respond(s, 200, NULL, "abc");

    ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_CONTEXT_VALUE, &value, &size), "query context: %lu", GetLastError());
    ok(value == recorder_context(c.rec, KIND_REQUEST), "context %#Ix, want the one set", value);
    /* the second recorder drives the request: its SendRequest passes its own context */
    by_send->slots[KIND_REQUEST].handle = c.request;
    by_send->closing_wanted = 1;
    ok_bool_err(recorder_drive(by_send, 64, &d), TRUE, 0);
    ok(recorder_wait_done(by_send, WAIT_MS), "the exchange did not finish");
    by_send->body[by_send->body_length] = 0;
    ok(!strcmp(by_send->body, "abc"), "body %s", by_send->body);
    recorder_close(by_send, KIND_REQUEST);
    c.rec->slots[KIND_REQUEST].close_called = TRUE;
    ok(recorder_wait_closed(by_send, WAIT_MS), "no HANDLE_CLOSING with the SendRequest context");
    ok(c.rec->count == 0, "%d callbacks with the option's context after SendRequest set another: %s", c.rec->count,
       recorder_trace(c.rec, KIND_REQUEST));
    ok(recorder_status_count(by_send, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST) == 1 &&
       recorder_status_count(by_send, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE) == 1,
       "SendRequest's context missed callbacks: %s", recorder_trace(by_send, KIND_REQUEST));
    c.rec->closing_wanted = 2;  /* the request's closing went to the other recorder */
    c.rec->slots[KIND_REQUEST].closings = 1;
    ok_promises(by_send);
    recorder_free(by_send);
    client_finish(&c, TRUE);
}

/* A context set with WINHTTP_OPTION_CONTEXT_VALUE survives a WinHttpSendRequest
 * whose dwContext is 0, and children start with their parent's context, so
 * even a connect handle's HANDLE_CREATED carries the session's (native: Wine's
 * notification tests and a published download sample rely on both). */
static DWORD_PTR contexts_seen[64];
static LONG contexts_count;
static HANDLE context_done;

static void CALLBACK context_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    LONG i = InterlockedIncrement(&contexts_count) - 1;

    if (i < (LONG)ARRAYSIZE(contexts_seen)) contexts_seen[i] = context;
    if (status == WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE || status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
        SetEvent(context_done);
}

static void test_context_kept_and_inherited(void)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv);
    DWORD_PTR session_context = 0x5e55, request_context = 0x1234;
    HINTERNET session, connect = NULL, request = NULL;

    script_recv_request(s);
    script_respond(s, 200, NULL, "ok");
    context_done = CreateEventW(NULL, FALSE, FALSE, NULL);
    contexts_count = 0;
    session = WinHttpOpen(L"winhttp-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    WinHttpSetStatusCallback(session, context_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    ok(WinHttpSetOption(session, WINHTTP_OPTION_CONTEXT_VALUE, &session_context, sizeof(session_context)),
       "set context: %lu", GetLastError());
    connect = WinHttpConnect(session, L"127.0.0.1", server_port(srv), 0);
    ok(contexts_count == 1 && contexts_seen[0] == session_context, "connect's HANDLE_CREATED: %ld calls, context %#Ix",
       contexts_count, contexts_seen[0]);
    request = WinHttpOpenRequest(connect, L"GET", L"/c", NULL, NULL, NULL, 0);
    ok(contexts_count == 2 && contexts_seen[1] == session_context, "request's HANDLE_CREATED: context %#Ix",
       contexts_seen[1]);
    ok(WinHttpSetOption(request, WINHTTP_OPTION_CONTEXT_VALUE, &request_context, sizeof(request_context)),
       "set context: %lu", GetLastError());
    contexts_count = 0;
    ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "send: %lu", GetLastError());
    ok(WaitForSingleObject(context_done, WAIT_MS) == WAIT_OBJECT_0, "no completion");
    ok(contexts_count > 0, "no callbacks");
    for (LONG i = 0; i < contexts_count && i < (LONG)ARRAYSIZE(contexts_seen); i++)
        ok(contexts_seen[i] == request_context, "callback %ld had context %#Ix", i, contexts_seen[i]);
    WinHttpSetStatusCallback(session, NULL, 0, 0);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
    server_stop(srv);
    CloseHandle(context_done);
}

/* An asynchronous WinHttpSendRequest completes once the response head is
 * in (native does: Wine's notification tests expect WinHttpReceiveResponse,
 * called when SENDREQUEST_COMPLETE has been seen, to call back on the
 * calling thread); the head is only read then, parsed and reported by
 * WinHttpReceiveResponse: RECEIVING_RESPONSE .. HEADERS_AVAILABLE come on
 * the calling thread before it returns.  A server that answers nothing
 * delays SENDREQUEST_COMPLETE to the receive timeout, and the receive fails
 * with ERROR_WINHTTP_TIMEOUT. */
static DWORD thread_of[32];
static LONG statuses_seen;
static HANDLE status_event;
static DWORD wanted_status, receive_error;

static void CALLBACK thread_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    int bit = 0;

    while (bit < 31 && !(status & (1u << bit))) bit++;
    thread_of[bit] = GetCurrentThreadId();
    InterlockedIncrement(&statuses_seen);
    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) receive_error = ((WINHTTP_ASYNC_RESULT *)info)->dwError;
    if (status == wanted_status || status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) SetEvent(status_event);
}

static DWORD thread_for(DWORD status)
{
    int bit = 0;

    while (bit < 31 && !(status & (1u << bit))) bit++;
    return thread_of[bit];
}

static HINTERNET read_ahead_request(struct server *srv, HINTERNET *session, HINTERNET *connect, int receive_ms)
{
    HINTERNET request;

    memset(thread_of, 0, sizeof(thread_of));
    receive_error = 0;
    *session = WinHttpOpen(L"winhttp-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    WinHttpSetStatusCallback(*session, thread_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    *connect = WinHttpConnect(*session, L"127.0.0.1", server_port(srv), 0);
    request = WinHttpOpenRequest(*connect, L"GET", L"/ahead", NULL, NULL, NULL, 0);
    if (receive_ms) WinHttpSetTimeouts(request, 0, 0, 0, receive_ms);
    wanted_status = WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE;
    ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "send: %lu", GetLastError());
    return request;
}

static void close_three(HINTERNET session, HINTERNET connect, HINTERNET request)
{
    WinHttpSetStatusCallback(session, NULL, 0, 0);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

static void test_send_reads_ahead(void)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv);
    HINTERNET session, connect, request;
    DWORD me = GetCurrentThreadId();

    script_recv_request(s);
    script_wait(s, 300);
    script_respond(s, 200, NULL, "ahead");
    status_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    request = read_ahead_request(srv, &session, &connect, 0);
    ok(WaitForSingleObject(status_event, 200) == WAIT_TIMEOUT, "SENDREQUEST_COMPLETE before the server answered");
    ok(WaitForSingleObject(status_event, WAIT_MS) == WAIT_OBJECT_0, "no SENDREQUEST_COMPLETE");
    ok(!thread_for(WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE), "the head was reported before the receive");
    wanted_status = WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE;
    ok(WinHttpReceiveResponse(request, NULL), "receive: %lu", GetLastError());
    ok(thread_for(WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE) == me &&
       thread_for(WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED) == me &&
       thread_for(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE) == me,
       "the receive's callbacks came on threads %#lx %#lx %#lx, not on the calling thread %#lx",
       thread_for(WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE), thread_for(WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED),
       thread_for(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE), me);
    close_three(session, connect, request);
    server_stop(srv);
    CloseHandle(status_event);
}

static void test_send_read_ahead_timeout(void)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv);
    HINTERNET session, connect, request;
    ULONGLONG start;

    script_recv_request(s);
    script_wait(s, 3000);
    status_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    start = GetTickCount64();
    request = read_ahead_request(srv, &session, &connect, 500);
    ok(WaitForSingleObject(status_event, WAIT_MS) == WAIT_OBJECT_0, "no SENDREQUEST_COMPLETE");
    ok(thread_for(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE) && GetTickCount64() - start >= 400,
       "SENDREQUEST_COMPLETE after %I64u ms, want the receive timeout (500 ms)", GetTickCount64() - start);
    wanted_status = WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE;
    ok(WinHttpReceiveResponse(request, NULL), "receive: %lu", GetLastError());
    ok(WaitForSingleObject(status_event, WAIT_MS) == WAIT_OBJECT_0, "no completion of the receive");
    ok_int(receive_error, ERROR_WINHTTP_TIMEOUT);
    close_three(session, connect, request);
    server_stop(srv);
    CloseHandle(status_event);
}

/* Only the statuses in the mask arrive (WinHttpSetStatusCallback, dwNotificationFlags). */
static void expect_only(struct client *c, DWORD mask)
{
    for (int k = 0; k < KIND_COUNT; k++)
    {
        cursor_load(c->rec, k);
        for (int i = 0; i < cur.n; i++)
            ok(cur.ev[i].status & mask, "handle %d got %s outside its mask %#lx", k, status_name(cur.ev[i].status),
               mask);
    }
}

static void test_mask_completions(void)
{
    struct client c;

    if (!client_open(&c, L"GET", L"/", WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS)) return client_finish(&c, FALSE);
    drive_simple(&c, "12345");
    ok_int(c.rec->body_length, 5);
    client_close(&c, FALSE);
    Sleep(200);
    expect_only(&c, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS);
    ok(recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE) == 1 &&
       recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE) == 1 &&
       recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_READ_COMPLETE) >= 1,
       "completions missing: %s", recorder_trace(c.rec, KIND_REQUEST));
    client_finish(&c, FALSE);
}

static void test_mask_send_and_completions(void)
{
    struct client c;
    DWORD mask = WINHTTP_CALLBACK_FLAG_SEND_REQUEST | WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS |
                 WINHTTP_CALLBACK_FLAG_HANDLES;

    if (!client_open(&c, L"GET", L"/", mask)) return client_finish(&c, FALSE);
    drive_simple(&c, "12345");
    client_close(&c, TRUE);
    expect_only(&c, mask);
    ok(recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST) == 1 &&
       recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_REQUEST_SENT) == 1 &&
       recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE) == 1,
       "statuses in the mask missing: %s", recorder_trace(c.rec, KIND_REQUEST));
    client_finish(&c, TRUE);
}

static void test_mask_handles_only(void)
{
    struct client c;
    struct script *s;

    if (!client_open(&c, L"GET", L"/", WINHTTP_CALLBACK_FLAG_HANDLES)) return client_finish(&c, FALSE);
    s = server_add_connection(c.srv);
    script_recv_request(s);
    script_respond(s, 200, NULL, "x");
    /* no completion will be seen: send, let it run, close */
    ok_bool_err(recorder_send(c.rec, NULL, 0, 0), TRUE, 0);
    Sleep(300);
    ok(c.rec->count == 0, "callbacks outside WINHTTP_CALLBACK_FLAG_HANDLES: %s", recorder_trace(c.rec, KIND_REQUEST));
    InterlockedExchange(&c.rec->pending, 0);  /* its completion is filtered out by the mask */
    client_close(&c, TRUE);
    expect_only(&c, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING);
    client_finish(&c, TRUE);
}

/* A call that fails at once yields no callback ("WinHTTP Questions: About Callbacks"). */
static void test_failed_call_no_callback(void)
{
    struct client c;
    char buffer[16];

    if (!client_open(&c, L"GET", L"/", MASK_ALL)) return client_finish(&c, FALSE);
    SetLastError(0xdeadbeef);
    ok_bool_err(recorder_read(c.rec, buffer, sizeof(buffer)), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    SetLastError(0xdeadbeef);
    ok_bool_err(recorder_query_data(c.rec), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    Sleep(300);
    ok(c.rec->count == 0, "callbacks after calls that failed: %s", recorder_trace(c.rec, KIND_REQUEST));
    drive_simple(&c, "after");
    ok_int(c.rec->body_length, 5);
    client_finish(&c, TRUE);
}

/* An asynchronous WinHttpReceiveResponse is accepted at any time (native:
 * Wine's tests call it before WinHttpSendRequest and from SENDING_REQUEST,
 * and see TRUE); it is checked when its turn comes, and fails then with one
 * REQUEST_ERROR if the request was not sent.  The request works afterwards. */
static void test_receive_before_send(void)
{
    struct client c;

    if (!client_open(&c, L"GET", L"/", MASK_ALL)) return client_finish(&c, FALSE);
    SetLastError(0xdeadbeef);
    ok_bool_err(recorder_receive(c.rec), TRUE, ERROR_SUCCESS);
    Sleep(300);
    ok_int(recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR), 1);
    ok_int(recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE), 0);
    drive_simple(&c, "after");
    ok_int(c.rec->body_length, 5);
    client_finish(&c, TRUE);
}

/* The same for WinHttpWriteData before WinHttpSendRequest.  Listed last:
 * Wine's builtin queues the write and crashes on it in a pool thread. */
static void test_write_before_send_no_callback(void)
{
    struct client c;
    char buffer[16] = { 0 };

    if (!client_open(&c, L"POST", L"/", MASK_ALL)) return client_finish(&c, FALSE);
    SetLastError(0xdeadbeef);
    ok_bool_err(recorder_write(c.rec, buffer, sizeof(buffer)), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    Sleep(300);
    ok(c.rec->count == 0, "callbacks after a call that failed: %s", recorder_trace(c.rec, KIND_REQUEST));
    client_finish(&c, TRUE);
}

/* REQUEST_ERROR: WINHTTP_ASYNC_RESULT names the call (dwResult) and the error. */
static void expect_request_error(struct client *c, DWORD api, DWORD api2, DWORD error, DWORD error2)
{
    const struct callback_event *e;

    ok(recorder_wait_done(c->rec, WAIT_MS), "the exchange did not finish");
    cursor_load(c->rec, KIND_REQUEST);
    e = find_event(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR);
    ok(e != NULL, "no REQUEST_ERROR: %s", recorder_trace(c->rec, KIND_REQUEST));
    if (!e) return;
    ok(e->result.dwResult == api || e->result.dwResult == api2, "dwResult %Iu, want %lu", e->result.dwResult, api);
    ok(e->result.dwError == error || e->result.dwError == error2, "dwError %lu, want %lu", e->result.dwError, error);
    ok_int(recorder_status_count(c->rec, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR), 1);
}

static unsigned short closed_port(void)
{
    struct sockaddr_in address = { 0 };
    int length = sizeof(address);
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *)&address, sizeof(address));
    getsockname(s, (struct sockaddr *)&address, &length);
    closesocket(s);  /* bound, never listening: connecting is refused */
    return ntohs(address.sin_port);
}

static void test_error_connect_refused(void)
{
    struct client c;
    struct drive d = { 0 };
    WSADATA wsa;

    memset(&c, 0, sizeof(c));
    WSAStartup(MAKEWORD(2, 2), &wsa);
    if (client_open_port(&c, closed_port(), L"GET", L"/", MASK_ALL))
    {
        ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
        expect_request_error(&c, API_SEND_REQUEST, API_SEND_REQUEST, ERROR_WINHTTP_CANNOT_CONNECT,
                             ERROR_WINHTTP_CANNOT_CONNECT);
        ok(!recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER), "CONNECTED_TO_SERVER: %s",
           recorder_trace(c.rec, KIND_REQUEST));
        ok(!recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE), "SENDREQUEST_COMPLETE too");
    }
    client_finish(&c, TRUE);
    WSACleanup();
}

/* ---- names ---------------------------------------------------------------------------- */

/* A host name is looked up, RESOLVING_NAME (with the name) and
 * NAME_RESOLVED around it (WINHTTP_STATUS_CALLBACK); the resolve
 * timeout client_open sets (5 s) is armed and left unused. */
static void test_resolve_name(void)
{
    struct client c;
    struct drive d = { 0 };
    struct script *s;
    const struct callback_event *e;

    memset(&c, 0, sizeof(c));
    if (!(c.srv = server_start()) ||
        !client_open_host(&c, L"localhost", server_port(c.srv), L"GET", L"/named", MASK_ALL))
        return client_finish(&c, FALSE);
    s = server_add_connection(c.srv);
    script_recv_request(s);
    script_respond(s, 200, NULL, "named");
    ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
    ok(recorder_wait_done(c.rec, WAIT_MS), "the exchange did not finish");
    ok_int(c.rec->calls_failed, 0);
    ok_int(status_code(c.request), 200);
    cursor_load(c.rec, KIND_REQUEST);
    e = take(WINHTTP_CALLBACK_STATUS_RESOLVING_NAME);
    ok(e && !wcscmp(e->text, L"localhost"), "RESOLVING_NAME %ls", e ? e->text : L"missing");
    /* "the name that was resolved" (WINHTTP_STATUS_CALLBACK); Wine's builtin
     * gives the address it found, which the text allows too */
    e = take(WINHTTP_CALLBACK_STATUS_NAME_RESOLVED);
    ok(e && (!wcscmp(e->text, L"localhost") || !wcscmp(e->text, L"127.0.0.1") || !wcscmp(e->text, L"::1")),
       "NAME_RESOLVED %ls", e ? e->text : L"missing");
    ok(take(WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER) != NULL, "no CONNECTING_TO_SERVER after the name: %s",
       recorder_trace(c.rec, KIND_REQUEST));
    client_finish(&c, TRUE);
}

/* The same in synchronous mode, with and without a resolve timeout. */
static void test_resolve_name_sync(void)
{
    struct server *srv = server_start();
    HINTERNET session, connect, request;
    struct script *s;

    if (!srv) return;
    for (int timeout = 0; timeout <= 5000; timeout += 5000)
    {
        s = server_add_connection(srv);
        script_recv_request(s);
        script_respond(s, 200, "Connection: close\r\n", "named");
        session = WinHttpOpen(L"async-conformance", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
        ok(WinHttpSetTimeouts(session, timeout, 5000, 5000, 5000), "SetTimeouts: %lu", GetLastError());
        connect = WinHttpConnect(session, L"localhost", server_port(srv), 0);
        request = WinHttpOpenRequest(connect, L"GET", L"/named", NULL, NULL, NULL, 0);
        ok_bool_err(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), TRUE, 0);
        ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
        ok_int(status_code(request), 200);
        WinHttpCloseHandle(request);
        WinHttpCloseHandle(connect);
        WinHttpCloseHandle(session);
    }
    server_stop(srv);
}

/* A name that cannot exist (RFC 6761 reserves .invalid): REQUEST_ERROR
 * with ERROR_WINHTTP_NAME_NOT_RESOLVED for WinHttpSendRequest, nothing
 * resolved, nothing connected. */
static void test_resolve_failure(void)
{
    struct client c;
    struct drive d = { 0 };

    memset(&c, 0, sizeof(c));
    if (client_open_host(&c, L"no-such-host.invalid", 80, L"GET", L"/", MASK_ALL))
    {
        ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
        expect_request_error(&c, API_SEND_REQUEST, API_SEND_REQUEST, ERROR_WINHTTP_NAME_NOT_RESOLVED,
                             ERROR_WINHTTP_NAME_NOT_RESOLVED);
        ok(!recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_NAME_RESOLVED), "NAME_RESOLVED: %s",
           recorder_trace(c.rec, KIND_REQUEST));
        ok(!recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER), "CONNECTING_TO_SERVER");
    }
    client_finish(&c, TRUE);
}

/* Closing the request while its name is being looked up: the send either
 * completed first or ends with ERROR_WINHTTP_OPERATION_CANCELLED, and
 * HANDLE_CLOSING comes last, every time. */
static void test_close_while_resolving(void)
{
    struct server *srv = server_start();
    struct script *s;
    int other = 0;

    if (!srv) return;
    s = server_every_connection(srv);
    script_recv_request(s);
    script_respond(s, 200, NULL, "named");
    for (int i = 0; i < 40; i++)
    {
        struct client c;
        struct drive d = { 0 };
        const struct callback_event *e;

        memset(&c, 0, sizeof(c));
        if (!client_open_host(&c, L"localhost", server_port(srv), L"GET", L"/", MASK_ALL)) break;
        /* every other time inside RESOLVING_NAME (before the lookup), else
         * from here as soon as it was sent (while the lookup runs) */
        if (i % 2) d.close_in_status = WINHTTP_CALLBACK_STATUS_RESOLVING_NAME;
        ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
        if (!(i % 2))
        {
            DWORD start = GetTickCount();
            while (!recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_RESOLVING_NAME) && GetTickCount() - start < 2000)
                SwitchToThread();
            recorder_close(c.rec, KIND_REQUEST);
        }
        client_close(&c, TRUE);
        cursor_load(c.rec, KIND_REQUEST);
        if ((e = find_event(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)))
        {
            if (e->result.dwError != ERROR_WINHTTP_OPERATION_CANCELLED && !other++) ok(0, "REQUEST_ERROR %lu: %s", e->result.dwError, recorder_trace(c.rec, KIND_REQUEST));
        }
        client_finish(&c, FALSE);
    }
    ok_int(other, 0);
    server_stop(srv);
}

static void test_error_reset(void)
{
    HTTP1_WIRE_ONLY("the server resets the connection: behind nginx the client gets a 502");
    struct client c;
    struct drive d = { 0 };
    struct script *s;

    if (!client_open(&c, L"GET", L"/", MASK_ALL)) return client_finish(&c, FALSE);
    s = server_add_connection(c.srv);
    script_recv_request(s);
    script_reset(s);
    ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
    expect_request_error(&c, API_RECEIVE_RESPONSE, API_RECEIVE_RESPONSE, ERROR_WINHTTP_CONNECTION_ERROR,
                         ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    client_finish(&c, TRUE);
}

static void test_error_invalid_response(void)
{
    HTTP1_WIRE_ONLY("a malformed HTTP/1.1 response: nginx answers 502 for it");
    struct client c;
    struct drive d = { 0 };
    struct script *s;

    if (!client_open(&c, L"GET", L"/", MASK_ALL)) return client_finish(&c, FALSE);
    s = server_add_connection(c.srv);
    script_recv_request(s);
    script_send(s, "HTTP/1.1 OK\r\n\r\n", 0);  /* no status code */
    script_close(s);
    ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
    expect_request_error(&c, API_RECEIVE_RESPONSE, API_RECEIVE_RESPONSE, ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
                         ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    client_finish(&c, TRUE);
}

/* A reset in the body: the query or the read that meets it fails. */
static void test_error_reset_in_body(void)
{
    struct client c;
    struct drive d = { 0 };
    struct script *s;

    if (!client_open(&c, L"GET", L"/", MASK_ALL)) return client_finish(&c, FALSE);
    s = server_add_connection(c.srv);
    script_recv_request(s);
    script_send(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", 0);
    script_wait(s, 100);
    script_reset(s);
    ok_bool_err(recorder_drive(c.rec, 256, &d), TRUE, 0);
    expect_request_error(&c, API_QUERY_DATA_AVAILABLE, API_READ_DATA, ERROR_WINHTTP_CONNECTION_ERROR,
                         ERROR_WINHTTP_CONNECTION_ERROR);
    ok(recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE) == 1, "no headers: %s",
       recorder_trace(c.rec, KIND_REQUEST));
    client_finish(&c, TRUE);
}

/* SENDREQUEST_COMPLETE gives lpOptional and its length; WRITE_COMPLETE a DWORD of bytes written. */
static void test_post_write_data(void)
{
    static char upload[1000];
    struct client c;
    struct drive d = { 0 };
    struct script *s;
    const struct server_request *r;
    const struct callback_event *e;
    DWORD written = 0;

    for (int i = 0; i < (int)sizeof(upload); i++) upload[i] = 'a' + i % 26;
    if (!client_open(&c, L"POST", L"/upload", MASK_ALL)) return client_finish(&c, FALSE);
    s = server_add_connection(c.srv);
    script_recv_request(s);
    script_recv_body(s, SERVER_BODY_AUTO);
    script_respond(s, 200, NULL, "stored");
    d.upload = upload;
    d.upload_length = sizeof(upload);
    d.optional_length = 100;
    d.upload_piece = 300;
    ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
    ok(recorder_wait_done(c.rec, WAIT_MS), "the exchange did not finish");
    c.rec->body[c.rec->body_length] = 0;
    ok(!strcmp(c.rec->body, "stored"), "body %s", c.rec->body);

    cursor_load(c.rec, KIND_REQUEST);
    e = find_event(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    ok(e && e->info == upload && e->length == 100, "SENDREQUEST_COMPLETE info %p length %lu, want %p 100",
       e ? e->info : NULL, e ? e->length : 0, upload);
    for (int i = 0; i < cur.n; i++)
        if (cur.ev[i].status == WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE)
        {
            ok(cur.ev[i].length == sizeof(DWORD), "WRITE_COMPLETE length %lu", cur.ev[i].length);
            ok(cur.ev[i].dword == 300, "WRITE_COMPLETE %lu, want the 300 bytes written", cur.ev[i].dword);
            written += cur.ev[i].dword;
        }
    ok_int(written, 900);
    ok_int(recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE), 3);
    server_wait_idle(c.srv, 3000);
    r = server_request(c.srv, 0);
    ok(r && r->body_length == sizeof(upload) && !memcmp(r->body, upload, sizeof(upload)), "the server got another body");
    client_finish(&c, TRUE);
}

/* REDIRECT: the new URL, dwStatusInformationLength its length in characters. */
static void test_redirect(void)
{
    struct client c;
    struct drive d = { 0 };
    struct script *s;
    const struct callback_event *e;
    WCHAR want[64];
    char location[80];
    int redirect_at = -1, headers_at = -1;

    if (!client_open(&c, L"GET", L"/from", MASK_ALL)) return client_finish(&c, FALSE);
    sprintf(location, "Location: %s://127.0.0.1:%u/to\r\n", mode_scheme(), server_port(c.srv));
    _snwprintf(want, 64, L"%ls://127.0.0.1:%u/to", mode_scheme_w(), server_port(c.srv));
    s = server_add_connection(c.srv);
    script_recv_request(s);
    script_respond(s, 302, location, "");
    script_recv_request(s);
    script_respond(s, 200, NULL, "final");
    s = server_every_connection(c.srv);  /* should the client not reuse the connection */
    script_recv_request(s);
    script_respond(s, 200, NULL, "final");
    ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
    ok(recorder_wait_done(c.rec, WAIT_MS), "the exchange did not finish");
    c.rec->body[c.rec->body_length] = 0;
    ok(!strcmp(c.rec->body, "final"), "body %s", c.rec->body);
    ok_int(status_code(c.request), 200);

    cursor_load(c.rec, KIND_REQUEST);
    e = find_event(WINHTTP_CALLBACK_STATUS_REDIRECT);
    ok(e && !lstrcmpW(e->text, want), "REDIRECT %ls, want %ls", e ? e->text : L"(none)", want);
    for (int i = 0; i < cur.n; i++)
    {
        if (cur.ev[i].status == WINHTTP_CALLBACK_STATUS_REDIRECT && redirect_at < 0) redirect_at = i;
        if (cur.ev[i].status == WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE && headers_at < 0) headers_at = i;
    }
    ok(redirect_at >= 0 && redirect_at < headers_at, "REDIRECT not before HEADERS_AVAILABLE: %s",
       recorder_trace(c.rec, KIND_REQUEST));
    ok_int(recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_REDIRECT), 1);
    ok_int(recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE), 1);
    ok_int(recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE), 1);
    check_payloads(c.rec, KIND_REQUEST);
    client_finish(&c, TRUE);
}

/* INTERMEDIATE_RESPONSE: a DWORD holding the 1xx status, before the final headers. */
static void test_intermediate_response(void)
{
    HTTP1_WIRE_ONLY("1xx responses from the server: nginx 1.22 takes a backend's 1xx for its final response");
    struct client c;
    struct drive d = { 0 };
    struct script *s;
    const struct callback_event *e;

    if (!client_open(&c, L"GET", L"/", MASK_ALL)) return client_finish(&c, FALSE);
    s = server_add_connection(c.srv);
    script_recv_request(s);
    script_send(s, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal", 0);
    ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
    ok(recorder_wait_done(c.rec, WAIT_MS), "the exchange did not finish");
    c.rec->body[c.rec->body_length] = 0;
    ok(!strcmp(c.rec->body, "final"), "body %s", c.rec->body);
    cursor_load(c.rec, KIND_REQUEST);
    e = find_event(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR);
    ok(!e, "REQUEST_ERROR %Iu %lu", e ? e->result.dwResult : 0, e ? e->result.dwError : 0);
    e = find_event(WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE);
    ok(e && e->dword == 100 && e->length == sizeof(DWORD), "INTERMEDIATE_RESPONSE %lu length %lu",
       e ? e->dword : 0, e ? e->length : 0);
    ok(e && e < find_event(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE), "not before HEADERS_AVAILABLE: %s",
       recorder_trace(c.rec, KIND_REQUEST));
    client_finish(&c, TRUE);
}

/* Reads issued from inside READ_COMPLETE that complete at once call back on
 * the same thread; the nesting must stay bounded (WINHTTP_STATUS_CALLBACK:
 * "reentered on the same thread for the current request"). */
static void expect_reentrant_reads(DWORD body_size, DWORD piece, BOOL direct)
{
    struct client c;
    struct drive d = { 0 };
    struct script *s;
    struct response response = { 200 };
    char *body = malloc(body_size), *bytes;
    size_t length;
    DWORD start;

    for (DWORD i = 0; i < body_size; i++) body[i] = (char)(i * 7 + i / 4096);
    if (!client_open(&c, L"GET", L"/big", MASK_ALL)) return client_finish(&c, FALSE);
    s = server_add_connection(c.srv);
    script_recv_request(s);
    response.body = body;
    response.body_length = body_size;
    bytes = response_build(&response, &length);
    script_send(s, bytes, length);
    free(bytes);
    d.piece = piece;
    d.read_without_query = direct;
    start = GetTickCount();
    ok_bool_err(recorder_drive(c.rec, body_size, &d), TRUE, 0);
    ok(recorder_wait_done(c.rec, 40000), "the exchange did not finish: %lu of %lu bytes", c.rec->body_length, body_size);
    printf("  %lu bytes in %lu-byte reads: %lu ms, %d callbacks, deepest nesting %d\n", body_size, piece,
           GetTickCount() - start, c.rec->count, c.rec->max_depth);
    ok(c.rec->body_length == body_size && !memcmp(c.rec->body, body, body_size), "body differs (%lu bytes)",
       c.rec->body_length);
    ok(c.rec->max_depth < 64, "callbacks nested %d deep on one thread", c.rec->max_depth);
    ok_int(c.rec->calls_failed, 0);
    free(body);
    client_finish(&c, TRUE);
}

static void test_reentrant_reads(void)
{
    expect_reentrant_reads(4 << 20, 16, TRUE);
}

static void test_reentrant_query_and_read(void)
{
    expect_reentrant_reads(256 << 10, 16, FALSE);
}

/* WinHttpSetStatusCallback(NULL) is not synchronised with running callbacks
 * ("About Callbacks"): the engine must stay safe.  Best effort: race it. */
struct nuller
{
    HINTERNET request;
    DWORD delay_us;
    WINHTTP_STATUS_CALLBACK previous;
};

static DWORD WINAPI null_callback_thread(void *arg)
{
    struct nuller *n = arg;
    LARGE_INTEGER freq, t0, t;

    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t0);
    do QueryPerformanceCounter(&t);
    while ((t.QuadPart - t0.QuadPart) * 1000000 / freq.QuadPart < n->delay_us);
    n->previous = WinHttpSetStatusCallback(n->request, NULL, 0, 0);
    return 0;
}

static void test_null_callback_race(void)
{
    int bad_previous = 0, close_failed = 0, late = 0, not_sent = 0;

    for (int round = 0; round < 10; round++)
    {
        struct client c;
        struct drive d = { 0 };
        struct script *s;
        struct response response = { 200 };
        static char body[256 << 10];
        struct nuller n;
        HANDLE thread;
        char *bytes;
        size_t length;
        int count;

        if (!client_open(&c, L"GET", L"/", MASK_ALL)) return client_finish(&c, FALSE);
        s = server_add_connection(c.srv);
        script_recv_request(s);
        response.body = body;
        response.body_length = sizeof(body);
        bytes = response_build(&response, &length);
        script_send(s, bytes, length);
        free(bytes);
        d.piece = 512;
        n.request = c.request;
        n.delay_us = (round * 1997) % 20000;
        n.previous = NULL;
        if (!recorder_drive(c.rec, sizeof(body), &d)) not_sent++;
        thread = CreateThread(NULL, 0, null_callback_thread, &n, 0, NULL);
        WaitForSingleObject(thread, INFINITE);
        CloseHandle(thread);
        if (n.previous != recorder_callback) bad_previous++;
        recorder_wait_done(c.rec, 200);
        if (!recorder_close(c.rec, KIND_REQUEST)) close_failed++;
        Sleep(100);
        count = c.rec->count;
        Sleep(200);
        if (c.rec->count != count) late++;
        InterlockedExchange(&c.rec->pending, 0);  /* completions may be lost to the NULL callback */
        c.rec->closing_wanted = 2;
        c.rec->slots[KIND_REQUEST].closings = 1;
        client_finish(&c, TRUE);
    }
    ok(!not_sent, "%d of 10 requests not sent", not_sent);
    ok(!bad_previous, "%d times WinHttpSetStatusCallback(NULL) did not return the previous callback", bad_previous);
    ok(!close_failed, "%d closes failed", close_failed);
    ok(!late, "%d times callbacks kept coming 200 ms after close with the callback removed", late);
}

/* Idle connections call nobody back ("About Callbacks"): a keep-alive
 * connection the server resets once the exchange is over produces nothing. */
static void test_idle_reset_no_callback(void)
{
    struct client c;
    struct drive d = { 0 };
    struct script *s;
    int count;

    if (!client_open(&c, L"GET", L"/", MASK_ALL)) return client_finish(&c, FALSE);
    s = server_add_connection(c.srv);
    script_recv_request(s);
    script_respond(s, 200, NULL, "idle");
    script_wait(s, 150);
    script_reset(s);
    ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
    ok(recorder_wait_done(c.rec, WAIT_MS), "the exchange did not finish");
    count = c.rec->count;
    Sleep(500);
    ok(c.rec->count == count, "callbacks while idle: %s", recorder_trace(c.rec, KIND_REQUEST));
    client_finish(&c, TRUE);
}

/* WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT: "an event that will be set when the
 * last callback has completed for a particular session ... must be used on a
 * session handle" (Option Flags). */
static HANDLE unload_event;
static LONG unload_set_during_closing = -1;

static void unload_hook(struct recorder *rec, enum handle_kind kind, DWORD status, void *info, DWORD length)
{
    (void)rec; (void)info; (void)length;
    if (kind == KIND_SESSION && status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING)
        unload_set_during_closing = WaitForSingleObject(unload_event, 0) == WAIT_OBJECT_0;
}

static void test_unload_notify_event(void)
{
    struct client c;
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);

    unload_event = event;
    if (!client_open(&c, L"GET", L"/", MASK_ALL)) return client_finish(&c, FALSE);
    c.rec->hook = unload_hook;
    SetLastError(0xdeadbeef);
    ok(WinHttpSetOption(c.session, WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT, &event, sizeof(event)),
       "setting the unload event failed: %lu", GetLastError());
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(c.request, WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT, &event, sizeof(event)), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    drive_simple(&c, "unload");
    ok(recorder_close(c.rec, KIND_SESSION), "close session: %lu", GetLastError());
    ok(WaitForSingleObject(event, 200) == WAIT_TIMEOUT, "unload event set with the request still open");
    ok(recorder_close(c.rec, KIND_REQUEST), "close request: %lu", GetLastError());
    ok(recorder_close(c.rec, KIND_CONNECT), "close connect: %lu", GetLastError());
    ok(WaitForSingleObject(event, WAIT_MS) == WAIT_OBJECT_0, "unload event not set after everything closed");
    ok(recorder_wait_closed(c.rec, WAIT_MS), "HANDLE_CLOSING missing");
    ok(unload_set_during_closing == 0, "unload event set before the session's HANDLE_CLOSING returned (%ld)",
       unload_set_during_closing);
    client_finish(&c, TRUE);
    CloseHandle(event);
}

TEST_CASES(
    TEST(test_worker_thread_count),
    TEST(test_get_sequence),
    TEST(test_context_value),
    TEST(test_context_kept_and_inherited),
    TEST(test_mask_completions),
    TEST(test_mask_send_and_completions),
    TEST(test_mask_handles_only),
    TEST(test_failed_call_no_callback),
    TEST(test_receive_before_send),
    TEST(test_send_reads_ahead),
    TEST(test_send_read_ahead_timeout),
    TEST(test_error_connect_refused),
    TEST(test_error_reset),
    TEST(test_error_invalid_response),
    TEST(test_error_reset_in_body),
    TEST(test_post_write_data),
    TEST(test_redirect),
    TEST(test_intermediate_response),
    TEST(test_reentrant_reads),
    TEST(test_reentrant_query_and_read),
    TEST(test_null_callback_race),
    TEST(test_idle_reset_no_callback),
    TEST(test_unload_notify_event),
    TEST(test_resolve_name),
    TEST(test_resolve_name_sync),
    TEST(test_resolve_failure),
    TEST(test_close_while_resolving),
    TEST(test_write_before_send_no_callback)   /* last: it crashes Wine's builtin */
);

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
