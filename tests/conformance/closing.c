/* Conformance: closing async handles (WinHttpCloseHandle, "About
 * Callbacks", WINHTTP_STATUS_CALLBACK; DESIGN.md promises 1-3 and 5).
 *
 * The rule checked, from those documents: WinHttpCloseHandle works
 * synchronously and returns at once, whatever the network does.  Every call
 * on the request that returned TRUE is owed exactly one completion: its own
 * (SENDREQUEST_COMPLETE, HEADERS_AVAILABLE, DATA_AVAILABLE, READ_COMPLETE,
 * WRITE_COMPLETE) if the operation had finished before the close took
 * effect, otherwise REQUEST_ERROR with ERROR_WINHTTP_OPERATION_CANCELLED --
 * and when the server is stalled the operation cannot have finished, so it
 * must be the REQUEST_ERROR.  A completion already delivered is not
 * repeated: closing inside a completion callback with no new call pending
 * yields no further completion.  Then HANDLE_CLOSING, exactly once per
 * handle, last: nothing for that handle after it, and never inside another
 * callback of the same handle.
 *
 * Then a stress loop of in-flight closes with random timing (violations
 * counted, zero allowed), and a soak of request handles opened and closed
 * with callbacks set, watching private bytes.
 *
 *     closing.exe                 every case, the stress loop scaled down
 *     closing.exe stress [N]      the stress loop alone, N iterations (10000)
 */
#include "harness.h"
#include "recorder.h"
#include "server.h"
#include "winhttp.h"
#include "mode.h"

#include <stdlib.h>
#include <string.h>

#define MASK_ALL WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS
#define STALL_MS 10000          /* the server's silence: far longer than any close may take */
#define PROMPT_MS 1000          /* what WinHttpCloseHandle and the cancellation may take */
#define STRESS_DEFAULT 1500     /* iterations by default: the full 10000 with "stress" */
#define STRESS_BUDGET_MS 35000  /* the default run stops the loop here, whatever the count */

static int stress_iterations = STRESS_DEFAULT;
static DWORD stress_budget_ms = STRESS_BUDGET_MS;

/* ---- a client: async session, connect, request, watched by one recorder ------ */

struct client
{
    struct recorder *rec;
    HINTERNET session, connect, request;
};

static BOOL client_open(struct client *c, struct server *srv, const WCHAR *path)
{
    memset(c, 0, sizeof(*c));
    c->rec = recorder_create();
    c->session = WinHttpOpen(L"closing-conformance", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    if (c->session) WinHttpSetTimeouts(c->session, 5000, 5000, 5000, 30000);
    if (c->session) c->connect = WinHttpConnect(c->session, L"127.0.0.1", server_port(srv), 0);
    if (c->connect) c->request = WinHttpOpenRequest(c->connect, L"GET", path, NULL, NULL, NULL, 0);
    if (!c->request) return FALSE;
    return recorder_attach(c->rec, KIND_SESSION, c->session, MASK_ALL) &&
           recorder_attach(c->rec, KIND_CONNECT, c->connect, MASK_ALL) &&
           recorder_attach(c->rec, KIND_REQUEST, c->request, MASK_ALL);
}

static double now_ms(void)
{
    LARGE_INTEGER freq, t;
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * 1000.0 / (double)freq.QuadPart;
}

/* Closes one handle and returns how long WinHttpCloseHandle took, in ms. */
static double timed_close(struct recorder *rec, enum handle_kind kind, BOOL *ret)
{
    double start = now_ms();
    *ret = recorder_close(rec, kind);
    return now_ms() - start;
}

struct closer
{
    struct recorder *rec;
    BOOL ret;
    double ms;
};

static DWORD WINAPI closer_thread(void *arg)
{
    struct closer *cl = arg;
    cl->ms = timed_close(cl->rec, KIND_REQUEST, &cl->ret);
    return 0;
}

/* Closes the request from a thread of its own, the way a "cancel" button would. */
static void close_from_other_thread(struct recorder *rec)
{
    struct closer cl = { rec };
    HANDLE thread = CreateThread(NULL, 0, closer_thread, &cl, 0, NULL);

    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
    ok(cl.ret, "WinHttpCloseHandle failed: %lu", GetLastError());
    ok(cl.ms < PROMPT_MS, "WinHttpCloseHandle took %.0f ms with the server stalled", cl.ms);
}

/* ---- what the log must show after a close ---------------------------------------- */

static struct callback_event events[RECORDER_LOG];

/* The completions and HANDLE_CLOSING of the request after the close was called. */
struct after_close
{
    int completions, cancelled, other_errors, closing_index, count;
    DWORD last_status, error_api, other_error;
};

static struct after_close look_after_close(struct recorder *rec)
{
    struct after_close a = { 0 };
    int n = recorder_events(rec, KIND_REQUEST, events, RECORDER_LOG);

    a.closing_index = -1;
    a.count = n;
    for (int i = 0; i < n; i++)
    {
        const struct callback_event *e = &events[i];
        if (e->status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING && a.closing_index < 0) a.closing_index = i;
        if (!e->after_close_call || !is_completion_status(e->status)) continue;
        a.completions++;
        if (e->status != WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) continue;
        if (e->result.dwError == ERROR_WINHTTP_OPERATION_CANCELLED)
        {
            a.cancelled++;
            a.error_api = (DWORD)e->result.dwResult;
        }
        else
        {
            a.other_errors++;
            a.other_error = e->result.dwError;
        }
    }
    if (n) a.last_status = events[n - 1].status;
    return a;
}

/* The promises of every close, whatever the stage. */
static void ok_closed_cleanly(struct client *c)
{
    struct recorder *rec = c->rec;

    ok(recorder_wait_closed(rec, PROMPT_MS), "HANDLE_CLOSING missing: %d of %d", rec->closing_seen,
       rec->closing_wanted);
    Sleep(100);  /* callbacks straggling after HANDLE_CLOSING */
    for (int k = 0; k < KIND_COUNT; k++)
        ok(rec->slots[k].closings == 1, "handle %d: %d HANDLE_CLOSINGs", k, rec->slots[k].closings);
    ok(!rec->after_closing, "%d callbacks after HANDLE_CLOSING: %s", rec->after_closing,
       recorder_trace(rec, KIND_REQUEST));
    ok(!rec->double_closing, "%d second HANDLE_CLOSINGs", rec->double_closing);
    ok(!rec->closing_nested, "HANDLE_CLOSING delivered inside another callback of the request");
    ok(!rec->overlaps, "%d callbacks of one handle ran at once on two threads", rec->overlaps);
    ok(!rec->stray_completions, "%d completions with no call pending: %s", rec->stray_completions,
       recorder_trace(rec, KIND_REQUEST));
    ok(!rec->pending, "%ld calls returned TRUE and never completed: %s", rec->pending,
       recorder_trace(rec, KIND_REQUEST));
}

static void client_close_rest(struct client *c)
{
    if (!c->rec->slots[KIND_REQUEST].close_called) recorder_close(c->rec, KIND_REQUEST);
    if (c->connect) recorder_close(c->rec, KIND_CONNECT);
    if (c->session) recorder_close(c->rec, KIND_SESSION);
}

/* must_cancel: the operation in flight could not have finished. */
static void expect_cancelled(struct client *c, BOOL must_cancel, DWORD api)
{
    struct after_close a;

    ok_closed_cleanly(c);
    a = look_after_close(c->rec);
    ok(a.completions <= 1, "%d completions after the close: %s", a.completions, recorder_trace(c->rec, KIND_REQUEST));
    ok(!a.other_errors, "REQUEST_ERROR %lu after the close, want ERROR_WINHTTP_OPERATION_CANCELLED", a.other_error);
    if (must_cancel)
    {
        ok(a.cancelled == 1, "no REQUEST_ERROR ERROR_WINHTTP_OPERATION_CANCELLED: %s", recorder_trace(c->rec, KIND_REQUEST));
        if (a.cancelled && api) ok(a.error_api == api, "REQUEST_ERROR dwResult %lu, want %lu", a.error_api, api);
    }
    ok(a.last_status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, "last callback %s, want HANDLE_CLOSING",
       status_name(a.last_status));
}

static void client_release(struct client *c)
{
    LONG unknown = recorder_unknown_callbacks();

    recorder_free(c->rec);
    Sleep(50);
    ok(recorder_unknown_callbacks() == unknown, "%ld callbacks after every handle was closed and released (last %s)",
       recorder_unknown_callbacks() - unknown, status_name(recorder_last_unknown_status()));
}

/* Waits until the server has read the request head: from then on the client
 * waits for a response the stalled server will not send. */
static BOOL wait_request_read(struct server *srv)
{
    DWORD start = GetTickCount();
    while (server_requests(srv) < 1)
    {
        if (GetTickCount() - start > 5000) return FALSE;
        Sleep(5);
    }
    Sleep(100);
    return TRUE;
}

/* ---- closing from another thread at each stage ------------------------------------- */

static struct server *stalled_server(BOOL half_body)
{
    struct server *srv = server_start();
    struct script *s;

    if (!srv) return NULL;
    s = server_add_connection(srv);
    script_recv_request(s);
    if (half_body)
    {
        static char half[500];
        memset(half, 'h', sizeof(half));
        script_send(s, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 0);
        script_send(s, half, sizeof(half));
    }
    script_wait(s, STALL_MS);
    script_respond(s, 200, NULL, "late");
    return srv;
}

/* Right after WinHttpSendRequest returns: the send may have finished or not. */
static void test_close_right_after_send(void)
{
    struct server *srv = stalled_server(FALSE);
    struct drive d = { 0 };
    struct client c;
    BOOL ret;
    double ms;

    if (!srv || !client_open(&c, srv, L"/"))
    {
        ok(0, "setup failed");
        server_stop(srv);
        return;
    }
    ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
    ms = timed_close(c.rec, KIND_REQUEST, &ret);
    ok(ret, "WinHttpCloseHandle failed: %lu", GetLastError());
    ok(ms < PROMPT_MS, "WinHttpCloseHandle took %.0f ms", ms);
    client_close_rest(&c);
    expect_cancelled(&c, FALSE, API_SEND_REQUEST);
    client_release(&c);
    server_stop(srv);
}

static void test_close_waiting_for_headers(void)
{
    struct server *srv = stalled_server(FALSE);
    struct drive d = { 0 };
    struct client c;

    if (!srv || !client_open(&c, srv, L"/"))
    {
        ok(0, "setup failed");
        server_stop(srv);
        return;
    }
    ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
    ok(wait_request_read(srv), "the request was not sent");
    close_from_other_thread(c.rec);
    client_close_rest(&c);
    /* the call waiting: WinHttpReceiveResponse, or WinHttpSendRequest if SENDREQUEST_COMPLETE waits for the head */
    expect_cancelled(&c, TRUE, recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE)
                                   ? API_RECEIVE_RESPONSE : API_SEND_REQUEST);
    client_release(&c);
    server_stop(srv);
}

static void close_mid_body(BOOL direct)
{
    struct server *srv = stalled_server(TRUE);
    struct drive d = { 0 };
    struct client c;
    DWORD start = GetTickCount();

    if (!srv || !client_open(&c, srv, L"/"))
    {
        ok(0, "setup failed");
        server_stop(srv);
        return;
    }
    d.read_without_query = direct;
    d.piece = 500;  /* exactly what was sent: the next query or read must wait */
    ok_bool_err(recorder_drive(c.rec, 2000, &d), TRUE, 0);
    while (c.rec->body_length < 500 && GetTickCount() - start < 5000) Sleep(5);
    ok_int(c.rec->body_length, 500);
    Sleep(100);  /* the next query or read now waits for the stalled server */
    close_from_other_thread(c.rec);
    client_close_rest(&c);
    expect_cancelled(&c, TRUE, direct ? API_READ_DATA : API_QUERY_DATA_AVAILABLE);
    client_release(&c);
    server_stop(srv);
}

static void test_close_mid_body_query(void) { close_mid_body(FALSE); }
static void test_close_mid_body_read(void) { close_mid_body(TRUE); }

/* Closing the parents first while the request waits: the request lives on
 * until its own close; every handle still gets one HANDLE_CLOSING. */
static void close_in_order(const enum handle_kind order[3])
{
    struct server *srv = stalled_server(FALSE);
    struct drive d = { 0 };
    struct client c;

    if (!srv || !client_open(&c, srv, L"/"))
    {
        ok(0, "setup failed");
        server_stop(srv);
        return;
    }
    ok_bool_err(recorder_drive(c.rec, 64, &d), TRUE, 0);
    ok(wait_request_read(srv), "the request was not sent");
    for (int i = 0; i < 3; i++)
    {
        BOOL ret;
        double ms = timed_close(c.rec, order[i], &ret);
        ok(ret && ms < PROMPT_MS, "closing handle %d: %d in %.0f ms", order[i], ret, ms);
    }
    expect_cancelled(&c, TRUE, recorder_status_count(c.rec, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE)
                                   ? API_RECEIVE_RESPONSE : API_SEND_REQUEST);
    client_release(&c);
    server_stop(srv);
}

static void test_close_parents_first(void)
{
    static const enum handle_kind session_first[3] = { KIND_SESSION, KIND_CONNECT, KIND_REQUEST };
    static const enum handle_kind connect_first[3] = { KIND_CONNECT, KIND_SESSION, KIND_REQUEST };
    close_in_order(session_first);
    close_in_order(connect_first);
}

/* ---- closing from inside each callback ------------------------------------------------ */

struct inside
{
    DWORD status;
    BOOL after_next_call;  /* issue the next call, then close */
    BOOL half_body;        /* the server sends the head and half the body, then stalls; else it stalls at once */
    int must;              /* 1: the close must cancel; 0: success or cancel; -1: no completion at all */
};

static const struct inside inside_cases[] =
{
    { WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, FALSE, FALSE, 0 },
    { WINHTTP_CALLBACK_STATUS_NAME_RESOLVED, FALSE, FALSE, 0 },
    { WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, FALSE, FALSE, 0 },
    { WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, FALSE, FALSE, 0 },
    { WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, FALSE, FALSE, 0 },
    { WINHTTP_CALLBACK_STATUS_REQUEST_SENT, FALSE, FALSE, 0 },
    /* an asynchronous send completes once the response head is in (native
     * does: Wine's notification tests), so these need a server that sends it */
    { WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, FALSE, TRUE, -1 },
    { WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, TRUE, TRUE, 1 },
    { WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, FALSE, TRUE, 1 },
    { WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, FALSE, TRUE, 0 },
    { WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, FALSE, TRUE, -1 },
    { WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, TRUE, TRUE, 0 },
    { WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, FALSE, TRUE, -1 },
    { WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, TRUE, TRUE, 0 },
    { WINHTTP_CALLBACK_STATUS_READ_COMPLETE, FALSE, TRUE, -1 },
    { WINHTTP_CALLBACK_STATUS_READ_COMPLETE, TRUE, TRUE, 0 },
};

static void close_inside(const struct inside *t)
{
    struct server *srv = stalled_server(t->half_body);
    struct drive d = { 0 };
    struct client c;
    struct after_close a;
    const char *what = status_name(t->status);

    if (!srv || !client_open(&c, srv, L"/"))
    {
        ok(0, "setup failed");
        server_stop(srv);
        return;
    }
    d.close_in_status = t->status;
    d.close_after_next_call = t->after_next_call;
    ok_bool_err(recorder_drive(c.rec, 2000, &d), TRUE, 0);
    ok(recorder_wait_done(c.rec, 3000) && c.rec->closed_in_callback, "%s: never closed inside it: %s", what,
       recorder_trace(c.rec, KIND_REQUEST));
    ok(!c.rec->calls_failed, "%s%s: a call failed (%lu): %s", what, t->after_next_call ? "+call" : "",
       c.rec->first_call_error, recorder_trace(c.rec, KIND_REQUEST));
    client_close_rest(&c);
    ok_closed_cleanly(&c);
    a = look_after_close(c.rec);
    if (t->must < 0)
        ok(!a.completions, "%s: %d completions after closing inside a completion: %s", what, a.completions,
           recorder_trace(c.rec, KIND_REQUEST));
    else
        ok(a.completions == 1, "%s%s: %d completions after the close, want 1: %s", what,
           t->after_next_call ? "+call" : "", a.completions, recorder_trace(c.rec, KIND_REQUEST));
    if (t->must > 0)
        ok(a.cancelled == 1, "%s%s: not cancelled: %s", what, t->after_next_call ? "+call" : "",
           recorder_trace(c.rec, KIND_REQUEST));
    ok(!a.other_errors, "%s: REQUEST_ERROR %lu, want ERROR_WINHTTP_OPERATION_CANCELLED", what, a.other_error);
    ok(a.last_status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, "%s: last callback %s", what,
       status_name(a.last_status));
    client_release(&c);
    server_stop(srv);
}

static void test_close_inside_callbacks(void)
{
    for (size_t i = 0; i < sizeof(inside_cases) / sizeof(inside_cases[0]); i++) close_inside(&inside_cases[i]);
}

/* ---- stress: in-flight closes with random timing ------------------------------------- */

#define STRESS_SERVERS 4

struct tally
{
    long after_closing, double_closing, missing_closing, missing_completion, overlaps;
    long stray_completions, closing_nested, other_errors, late_callbacks, slow_closes;
    long cancelled, completed;  /* not violations: how the iterations ended */
};

static unsigned int rng_state = 12345;

static unsigned int rng(void)
{
    rng_state = rng_state * 1103515245 + 12345;
    return (rng_state >> 8) & 0xffffff;
}

static void busy_wait_us(unsigned int us)
{
    double end = now_ms() + us / 1000.0;
    while (now_ms() < end) YieldProcessor();
}

/* Servers with different latencies, each serving every connection, kept alive. */
static struct server *stress_server(int i)
{
    static char body[24 * 1024];
    struct server *srv = server_start();
    struct script *s;
    char head[128];
    DWORD body_size = 1000 + i * 7000;

    if (!srv) return NULL;
    memset(body, 'b', sizeof(body));
    server_set_timeout(srv, 5000);
    s = server_every_connection(srv);
    script_recv_request(s);
    script_wait(s, i);  /* 0 to 3 ms before the head */
    sprintf(head, "HTTP/1.1 200 OK\r\nContent-Length: %lu\r\n\r\n", body_size);
    script_send(s, head, 0);
    if (i % 2) script_send_slow(s, body, body_size, 4096, 1);
    else script_send(s, body, body_size);
    script_repeat(s);
    return srv;
}

static void tally_iteration(struct tally *t, struct client *c, double close_ms)
{
    struct recorder *rec = c->rec;
    struct after_close a;
    LONG unknown = recorder_unknown_callbacks();

    recorder_wait_closed(rec, 3000);
    for (int k = 0; k < KIND_COUNT; k++) t->missing_closing += rec->slots[k].closings == 0;
    a = look_after_close(rec);
    t->after_closing += rec->after_closing;
    t->double_closing += rec->double_closing;
    t->missing_completion += rec->pending;
    t->overlaps += rec->overlaps;
    t->stray_completions += rec->stray_completions;
    t->closing_nested += rec->closing_nested;
    t->other_errors += a.other_errors;
    t->cancelled += a.cancelled;
    t->completed += a.completions - a.cancelled - a.other_errors;
    t->slow_closes += close_ms >= PROMPT_MS;
    recorder_free(rec);
    t->late_callbacks += recorder_unknown_callbacks() - unknown;
}

static const DWORD stress_close_statuses[] =
{
    WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
    WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE,
    WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE,
    WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
};

static void stress_once(struct tally *t, struct server *srv)
{
    struct drive d = { 0 };
    struct client c;
    double close_ms;
    BOOL ret;

    if (!client_open(&c, srv, L"/stress"))
    {
        t->missing_closing += 3;
        client_close_rest(&c);
        recorder_free(c.rec);
        return;
    }
    d.piece = 1 + rng() % 8192;
    d.read_without_query = rng() % 2;
    if (rng() % 3 == 0)  /* a third of the time, the close races one from inside a callback */
    {
        d.close_in_status = stress_close_statuses[rng() % ARRAYSIZE(stress_close_statuses)];
        d.close_after_next_call = rng() % 2;
    }
    if (!recorder_drive(c.rec, 64 * 1024, &d)) t->other_errors++;
    busy_wait_us(rng() % 2001);
    close_ms = timed_close(c.rec, KIND_REQUEST, &ret);
    recorder_close(c.rec, KIND_CONNECT);
    recorder_close(c.rec, KIND_SESSION);
    tally_iteration(t, &c, close_ms);
}

static void report_violation(const char *what, long count)
{
    ok(!count, "%ld %s", count, what);
}

static void test_stress(void)
{
    struct server *srv[STRESS_SERVERS];
    struct tally t = { 0 };
    DWORD start = GetTickCount();
    int done = 0;

    for (int i = 0; i < STRESS_SERVERS; i++) srv[i] = stress_server(i);
    for (; done < stress_iterations && GetTickCount() - start < stress_budget_ms; done++)
        stress_once(&t, srv[rng() % STRESS_SERVERS]);
    for (int i = 0; i < STRESS_SERVERS; i++) server_stop(srv[i]);
    printf("  %d iterations in %lu ms: %ld completed, %ld cancelled by the close\n", done, GetTickCount() - start,
           t.completed, t.cancelled);
    if (done < stress_iterations) printf("  (stopped after %lu ms: run \"closing stress %d\" for all)\n",
                                        stress_budget_ms, stress_iterations);
    report_violation("callbacks after HANDLE_CLOSING", t.after_closing);
    report_violation("second HANDLE_CLOSINGs", t.double_closing);
    report_violation("missing HANDLE_CLOSINGs", t.missing_closing);
    report_violation("calls that returned TRUE and never completed", t.missing_completion);
    report_violation("times two callbacks of one handle ran at once on two threads", t.overlaps);
    report_violation("completions with no call pending (a second completion)", t.stray_completions);
    report_violation("HANDLE_CLOSINGs inside another callback of the handle", t.closing_nested);
    report_violation("REQUEST_ERRORs other than OPERATION_CANCELLED (or failed sends)", t.other_errors);
    report_violation("callbacks after the handles were closed and released", t.late_callbacks);
    report_violation("WinHttpCloseHandle calls that took 1 s or more", t.slow_closes);
}

/* ---- soak: request handles opened and closed with callbacks set, no network ------------ */

#define SOAK_HANDLES 100000
#define SOAK_WARMUP  10000

static LONG soak_closings, soak_bad_payloads;

static void CALLBACK soak_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    (void)length;
    if (status != WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) return;
    InterlockedIncrement(&soak_closings);
    if (!info || *(HINTERNET *)info != handle || context != 0x50a4) InterlockedIncrement(&soak_bad_payloads);
}

static BOOL soak_one(HINTERNET connect)
{
    DWORD_PTR context = 0x50a4;
    HINTERNET request = WinHttpOpenRequest(connect, L"GET", L"/soak", NULL, NULL, NULL, 0);

    if (!request) return FALSE;
    WinHttpSetOption(request, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context));
    WinHttpSetStatusCallback(request, soak_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    return WinHttpCloseHandle(request);
}

static void wait_closings(LONG want)
{
    DWORD start = GetTickCount();
    while (soak_closings < want && GetTickCount() - start < 5000) Sleep(10);
}

static void test_soak_handles(void)
{
    HINTERNET session = WinHttpOpen(L"soak", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", 9, 0);
    SIZE_T before = 0, after;
    DWORD handles_before = 0, handles_after;
    int failures = 0;
    DWORD start = GetTickCount();

    ok(connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    for (int i = 0; i < SOAK_HANDLES; i++)
    {
        if (!soak_one(connect)) failures++;
        if (i + 1 == SOAK_WARMUP)
        {
            wait_closings(SOAK_WARMUP);
            before = harness_private_bytes();
            handles_before = harness_handle_count();
        }
    }
    wait_closings(SOAK_HANDLES);
    after = harness_private_bytes();
    handles_after = harness_handle_count();
    printf("  %d handles in %lu ms; private bytes %lu KiB after %d, %lu KiB after %d; process handles %lu, %lu\n",
           SOAK_HANDLES, GetTickCount() - start, (unsigned long)(before / 1024), SOAK_WARMUP,
           (unsigned long)(after / 1024), SOAK_HANDLES, handles_before, handles_after);
    ok(handles_after <= handles_before + 2, "process handles grew from %lu to %lu", handles_before, handles_after);
    ok(!failures, "%d open/close failures", failures);
    ok(soak_closings == SOAK_HANDLES, "%ld HANDLE_CLOSINGs for %d handles", soak_closings, SOAK_HANDLES);
    ok(!soak_bad_payloads, "%ld HANDLE_CLOSINGs with a wrong payload or context", soak_bad_payloads);
    /* 2 MiB over 90000 handles: a leak of 24 bytes a handle shows */
    ok(after < before + 2 * 1024 * 1024, "private bytes grew by %ld KiB over %d handles",
       (long)(((LONG_PTR)after - (LONG_PTR)before) / 1024), SOAK_HANDLES - SOAK_WARMUP);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* ---- a synchronous request closed from another thread -------------------------- */

struct sync_close
{
    HINTERNET request;
    DWORD delay_ms;
};

static DWORD WINAPI close_later(void *arg)
{
    struct sync_close *sc = arg;
    Sleep(sc->delay_ms);
    WinHttpCloseHandle(sc->request);
    return 0;
}

/* A synchronous call blocked on a stalled server returns soon after another
   thread closes its handle, failing (the operation was cancelled: the
   error is ERROR_WINHTTP_OPERATION_CANCELLED, or ERROR_INVALID_HANDLE for a
   call that looks the handle up again), rather than waiting for the
   server or the receive timeout. */
static void test_close_sync_from_other_thread(void)
{
    struct server *srv = stalled_server(FALSE);
    HINTERNET session = WinHttpOpen(L"conformance", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = NULL;
    struct sync_close sc = { NULL, 300 };
    HANDLE thread = NULL;
    DWORD start, elapsed, error;
    BOOL ret;

    if (srv && session) connect = WinHttpConnect(session, L"127.0.0.1", server_port(srv), 0);
    if (connect) sc.request = WinHttpOpenRequest(connect, NULL, L"/", NULL, NULL, NULL, 0);
    if (!sc.request)
    {
        ok(0, "setup failed: %lu", GetLastError());
        goto done;
    }
    start = GetTickCount();
    ret = WinHttpSendRequest(sc.request, NULL, 0, NULL, 0, 0, 0);
    ok(ret, "WinHttpSendRequest failed: %lu", GetLastError());
    thread = CreateThread(NULL, 0, close_later, &sc, 0, NULL);
    SetLastError(0xdeadbeef);
    ret = WinHttpReceiveResponse(sc.request, NULL);
    error = GetLastError();
    elapsed = GetTickCount() - start;
    ok(!ret, "WinHttpReceiveResponse succeeded on a closed handle");
    ok(error == ERROR_WINHTTP_OPERATION_CANCELLED || error == ERROR_INVALID_HANDLE, "error %lu", error);
    ok(elapsed < sc.delay_ms + PROMPT_MS, "the blocked call returned after %lu ms", elapsed);
done:
    if (thread)
    {
        WaitForSingleObject(thread, INFINITE);
        CloseHandle(thread);
    }
    if (connect) WinHttpCloseHandle(connect);
    if (session) WinHttpCloseHandle(session);
    if (srv) server_stop(srv);
}

TEST_CASES(
    TEST(test_close_right_after_send),
    TEST(test_close_waiting_for_headers),
    TEST(test_close_mid_body_query),
    TEST(test_close_mid_body_read),
    TEST(test_close_sync_from_other_thread),
    TEST(test_close_parents_first),
    TEST(test_close_inside_callbacks),
    TEST(test_stress),
    TEST(test_soak_handles)
);

int main(int argc, char **argv)
{
    static char *stress_argv[] = { NULL, "test_stress", NULL };

    if (argc >= 2 && !strcmp(argv[1], "stress"))
    {
        stress_iterations = argc >= 3 ? atoi(argv[2]) : 10000;
        stress_budget_ms = INFINITE;
        stress_argv[0] = argv[0];
        return harness_main(2, stress_argv, test_cases);
    }
    return harness_main(argc, argv, test_cases);
}
