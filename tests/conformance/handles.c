/* Conformance: the handle model.  Open, connect, open request, close; stale,
 * forged and wrong-kind handles; status callbacks for the handles
 * themselves (HANDLE_CREATED, HANDLE_CLOSING). */
#include "harness.h"
#include "winhttp.h"

#define FORGED ((HINTERNET)(ULONG_PTR)0xdeadbee0)

static HINTERNET open_session(DWORD flags)
{
    HINTERNET session = WinHttpOpen(L"conformance", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, flags);
    ok(session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    return session;
}

static void test_open_close(void)
{
    HINTERNET session = open_session(0), connect, request;

    connect = WinHttpConnect(session, L"localhost", 80, 0);
    ok(connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    request = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0);
    ok(request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    ok(session != connect && connect != request && session != request, "handles not distinct");

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpCloseHandle(request), TRUE, 0);
    ok_bool_err(WinHttpCloseHandle(connect), TRUE, 0);
    ok_bool_err(WinHttpCloseHandle(session), TRUE, 0);
}

static void test_double_close(void)
{
    HINTERNET session = open_session(0);

    ok(WinHttpCloseHandle(session), "close failed: %lu", GetLastError());
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpCloseHandle(session), FALSE, ERROR_INVALID_HANDLE);
}

static void test_forged_handles(void)
{
    DWORD value, size = sizeof(value);

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpCloseHandle(NULL), FALSE, ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpCloseHandle(FORGED), FALSE, ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ok(!WinHttpConnect(FORGED, L"localhost", 80, 0), "connect on forged handle succeeded");
    ok_err(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ok(!WinHttpOpenRequest(FORGED, NULL, NULL, NULL, NULL, NULL, 0), "request on forged handle succeeded");
    ok_err(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(FORGED, WINHTTP_OPTION_CONNECT_TIMEOUT, &value, &size), FALSE,
                ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ok(WinHttpSetStatusCallback(FORGED, NULL, 0, 0) == WINHTTP_INVALID_STATUS_CALLBACK,
       "SetStatusCallback on forged handle did not fail");
    ok_err(ERROR_INVALID_HANDLE);
}

static void test_wrong_kind(void)
{
    HINTERNET session = open_session(0), connect, request;

    connect = WinHttpConnect(session, L"localhost", 80, 0);
    request = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0);

    SetLastError(0xdeadbeef);
    ok(!WinHttpConnect(connect, L"localhost", 80, 0), "connect on a connect handle succeeded");
    ok_err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    SetLastError(0xdeadbeef);
    ok(!WinHttpConnect(request, L"localhost", 80, 0), "connect on a request handle succeeded");
    ok_err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    SetLastError(0xdeadbeef);
    ok(!WinHttpOpenRequest(session, NULL, NULL, NULL, NULL, NULL, 0), "request on a session handle succeeded");
    ok_err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    SetLastError(0xdeadbeef);
    ok(!WinHttpOpenRequest(request, NULL, NULL, NULL, NULL, NULL, 0), "request on a request handle succeeded");
    ok_err(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);

    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* A closed handle must stay invalid even after new handles are opened:
 * reusing the value at once would hand a stale handle a new object. */
static void test_stale_handle(void)
{
    HINTERNET session = open_session(0), connect, stale, fresh[16];
    DWORD type, size = sizeof(type);

    connect = WinHttpConnect(session, L"localhost", 80, 0);
    stale = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0);
    ok(WinHttpCloseHandle(stale), "close failed");
    for (int i = 0; i < 16; i++)
    {
        fresh[i] = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0);
        ok(fresh[i] != stale, "request %d reuses the closed handle value %p", i, stale);
    }
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(stale, WINHTTP_OPTION_HANDLE_TYPE, &type, &size), FALSE, ERROR_INVALID_HANDLE);
    for (int i = 0; i < 16; i++) WinHttpCloseHandle(fresh[i]);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

static void test_parameters(void)
{
    HINTERNET session = open_session(0), connect;

    SetLastError(0xdeadbeef);
    ok(!WinHttpConnect(session, NULL, 80, 0), "NULL server accepted");
    ok_err(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ok(!WinHttpOpen(L"x", 2, NULL, NULL, 0), "access type 2 accepted");
    ok_err(ERROR_INVALID_PARAMETER);

    connect = WinHttpConnect(session, L"localhost", 80, 0);
    SetLastError(0xdeadbeef);
    ok(!WinHttpOpenRequest(connect, L"GET\r\nX-Injected: 1", NULL, NULL, NULL, NULL, 0),
       "verb with CR/LF accepted");
    ok_err(ERROR_INVALID_PARAMETER);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

static void test_handle_type_and_parent(void)
{
    HINTERNET session = open_session(0), connect, request, parent;
    DWORD type, size;

    connect = WinHttpConnect(session, L"localhost", 80, 0);
    request = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0);

    size = sizeof(type);
    ok(WinHttpQueryOption(session, WINHTTP_OPTION_HANDLE_TYPE, &type, &size), "query failed: %lu", GetLastError());
    ok_int(type, WINHTTP_HANDLE_TYPE_SESSION);
    size = sizeof(type);
    ok(WinHttpQueryOption(connect, WINHTTP_OPTION_HANDLE_TYPE, &type, &size), "query failed: %lu", GetLastError());
    ok_int(type, WINHTTP_HANDLE_TYPE_CONNECT);
    size = sizeof(type);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_HANDLE_TYPE, &type, &size), "query failed: %lu", GetLastError());
    ok_int(type, WINHTTP_HANDLE_TYPE_REQUEST);

    size = sizeof(parent);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_PARENT_HANDLE, &parent, &size), "query failed: %lu",
       GetLastError());
    ok(parent == connect, "request's parent %p, want %p", parent, connect);
    size = sizeof(parent);
    ok(WinHttpQueryOption(connect, WINHTTP_OPTION_PARENT_HANDLE, &parent, &size), "query failed: %lu",
       GetLastError());
    ok(parent == session, "connect's parent %p, want %p", parent, session);

    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* A child keeps working after its parent's handle is closed. */
static void test_close_parent_first(void)
{
    HINTERNET session = open_session(0), connect, request;
    DWORD type, size = sizeof(type);

    connect = WinHttpConnect(session, L"localhost", 80, 0);
    request = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0);
    ok(WinHttpCloseHandle(session), "close session failed");
    ok(WinHttpCloseHandle(connect), "close connect failed");
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_HANDLE_TYPE, &type, &size), "request unusable: %lu",
       GetLastError());
    ok(WinHttpCloseHandle(request), "close request failed");
}

static void test_check_platform(void)
{
    ok(WinHttpCheckPlatform(), "WinHttpCheckPlatform returned FALSE");
}

/* ---- callbacks for the handles themselves ------------------------------ */

struct callback_log
{
    LONG created, closing;
    HINTERNET created_handle[4], closing_handle[4];
    DWORD_PTR closing_context[4];
    DWORD bad_length;
};

static struct callback_log cb_log;

static void CALLBACK log_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    HINTERNET payload = info ? *(HINTERNET *)info : NULL;

    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CREATED)
    {
        LONG n = InterlockedIncrement(&cb_log.created) - 1;
        if (n < 4) cb_log.created_handle[n] = payload;
        if (payload != handle || length != sizeof(HINTERNET)) cb_log.bad_length++;
    }
    else if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING)
    {
        LONG n = InterlockedIncrement(&cb_log.closing) - 1;
        if (n < 4) { cb_log.closing_handle[n] = payload; cb_log.closing_context[n] = context; }
        if (payload != handle || length != sizeof(HINTERNET)) cb_log.bad_length++;
    }
}

static void wait_for_closing(LONG count)
{
    for (int i = 0; i < 200 && cb_log.closing < count; i++) Sleep(10);
}

static void test_status_callback_previous(void)
{
    HINTERNET session = open_session(0);
    WINHTTP_STATUS_CALLBACK previous;

    previous = WinHttpSetStatusCallback(session, log_callback, WINHTTP_CALLBACK_FLAG_HANDLES, 0);
    ok(previous == NULL, "first previous callback %p", previous);
    previous = WinHttpSetStatusCallback(session, NULL, 0, 0);
    ok(previous == log_callback, "previous callback %p, want %p", previous, log_callback);
    previous = WinHttpSetStatusCallback(session, NULL, 0, 0);
    ok(previous == NULL, "previous callback %p after clearing", previous);
    WinHttpCloseHandle(session);
}

static void test_handle_created_closing(void)
{
    HINTERNET session = open_session(0), connect, request;
    DWORD_PTR context = 0x1234;

    memset(&cb_log, 0, sizeof(cb_log));
    WinHttpSetStatusCallback(session, log_callback, WINHTTP_CALLBACK_FLAG_HANDLES, 0);
    connect = WinHttpConnect(session, L"localhost", 80, 0);
    request = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0);
    ok_int(cb_log.created, 2);
    ok(cb_log.created_handle[0] == connect, "first HANDLE_CREATED for %p, want %p", cb_log.created_handle[0], connect);
    ok(cb_log.created_handle[1] == request, "second HANDLE_CREATED for %p, want %p", cb_log.created_handle[1], request);

    ok(WinHttpSetOption(request, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context)), "set context failed");
    ok(WinHttpCloseHandle(request), "close failed");
    wait_for_closing(1);
    ok_int(cb_log.closing, 1);
    ok(cb_log.closing_handle[0] == request, "HANDLE_CLOSING for %p, want %p", cb_log.closing_handle[0], request);
    ok(cb_log.closing_context[0] == context, "HANDLE_CLOSING context %Ix, want %Ix", cb_log.closing_context[0], context);

    /* closing the session first: the connect (which holds it) goes first */
    ok(WinHttpCloseHandle(session), "close failed");
    ok(WinHttpCloseHandle(connect), "close failed");
    wait_for_closing(3);
    Sleep(50);
    ok_int(cb_log.closing, 3);
    ok(cb_log.closing_handle[1] == connect, "second HANDLE_CLOSING for %p, want connect %p", cb_log.closing_handle[1], connect);
    ok(cb_log.closing_handle[2] == session, "third HANDLE_CLOSING for %p, want session %p", cb_log.closing_handle[2], session);
    ok_int(cb_log.bad_length, 0);
}

static void test_mask_filters(void)
{
    HINTERNET session = open_session(0), connect;

    memset(&cb_log, 0, sizeof(cb_log));
    WinHttpSetStatusCallback(session, log_callback, WINHTTP_CALLBACK_FLAG_RESOLVE_NAME, 0);
    connect = WinHttpConnect(session, L"localhost", 80, 0);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
    Sleep(50);
    ok_int(cb_log.created, 0);
    ok_int(cb_log.closing, 0);
}

/* ---- many handles and concurrent close ---------------------------------- */

static void test_many_handles(void)
{
    enum { COUNT = 5000 };
    HINTERNET session = open_session(0), connect, *requests = malloc(COUNT * sizeof(*requests));
    int failures = 0, duplicates = 0;

    connect = WinHttpConnect(session, L"localhost", 80, 0);
    for (int i = 0; i < COUNT; i++)
        if (!(requests[i] = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0))) failures++;
    for (int i = 1; i < COUNT; i++)
        if (requests[i] && requests[i] == requests[i - 1]) duplicates++;
    for (int i = 0; i < COUNT; i++)
        if (requests[i] && !WinHttpCloseHandle(requests[i])) failures++;
    ok_int(failures, 0);
    ok_int(duplicates, 0);
    free(requests);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

static HINTERNET volatile race_handle;
static LONG volatile race_stop, race_bad_errors;

static DWORD WINAPI query_loop(void *arg)
{
    while (!race_stop)
    {
        DWORD type, size = sizeof(type);
        if (!WinHttpQueryOption(race_handle, WINHTTP_OPTION_HANDLE_TYPE, &type, &size) &&
            GetLastError() != ERROR_INVALID_HANDLE)
            InterlockedIncrement(&race_bad_errors);
    }
    return 0;
}

static void test_close_while_in_use(void)
{
    HINTERNET session = open_session(0), connect;
    HANDLE thread;

    connect = WinHttpConnect(session, L"localhost", 80, 0);
    race_handle = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0);
    thread = CreateThread(NULL, 0, query_loop, NULL, 0, NULL);
    for (int i = 0; i < 2000; i++)
    {
        HINTERNET old = race_handle;
        race_handle = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0);
        WinHttpCloseHandle(old);
    }
    race_stop = 1;
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
    ok_int(race_bad_errors, 0);
    WinHttpCloseHandle(race_handle);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

TEST_CASES(
    TEST(test_open_close),
    TEST(test_double_close),
    TEST(test_forged_handles),
    TEST(test_wrong_kind),
    TEST(test_stale_handle),
    TEST(test_parameters),
    TEST(test_handle_type_and_parent),
    TEST(test_close_parent_first),
    TEST(test_check_platform),
    TEST(test_status_callback_previous),
    TEST(test_handle_created_closing),
    TEST(test_mask_filters),
    TEST(test_many_handles),
    TEST(test_close_while_in_use)
);

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
