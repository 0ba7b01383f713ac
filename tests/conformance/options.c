/* Conformance: WinHttpSetOption / WinHttpQueryOption / WinHttpSetTimeouts on
 * session, connect and request handles: values, defaults, inheritance, the
 * buffer-size protocol and the documented errors. */
#include "harness.h"
#include "winhttp.h"

struct handles { HINTERNET session, connect, request; };

static struct handles open_all(const WCHAR *host, INTERNET_PORT port, const WCHAR *path, DWORD flags)
{
    struct handles h;

    h.session = WinHttpOpen(L"agent/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    h.connect = WinHttpConnect(h.session, host, port, 0);
    h.request = WinHttpOpenRequest(h.connect, L"GET", path, NULL, NULL, NULL, flags);
    ok(h.session && h.connect && h.request, "handles %p %p %p", h.session, h.connect, h.request);
    return h;
}

static void close_all(struct handles *h)
{
    WinHttpCloseHandle(h->request);
    WinHttpCloseHandle(h->connect);
    WinHttpCloseHandle(h->session);
}

static DWORD query_dword(HINTERNET handle, DWORD option)
{
    DWORD value = 0xdeadbeef, size = sizeof(value);
    ok(WinHttpQueryOption(handle, option, &value, &size), "query %lu failed: %lu", option, GetLastError());
    ok_int(size, sizeof(DWORD));
    return value;
}

static BOOL set_dword(HINTERNET handle, DWORD option, DWORD value)
{
    return WinHttpSetOption(handle, option, &value, sizeof(value));
}

static void test_timeout_defaults(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);

    ok_int(query_dword(h.session, WINHTTP_OPTION_RESOLVE_TIMEOUT), 0);
    ok_int(query_dword(h.session, WINHTTP_OPTION_CONNECT_TIMEOUT), 60000);
    ok_int(query_dword(h.session, WINHTTP_OPTION_SEND_TIMEOUT), 30000);
    ok_int(query_dword(h.session, WINHTTP_OPTION_RECEIVE_TIMEOUT), 30000);
    ok_int(query_dword(h.request, WINHTTP_OPTION_CONNECT_TIMEOUT), 60000);
    close_all(&h);
}

static void test_set_timeouts(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);
    HINTERNET request2;

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetTimeouts(h.session, -2, 0, 0, 0), FALSE, ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetTimeouts(h.session, 0, 0, 0, -2), FALSE, ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetTimeouts(h.connect, 1, 2, 3, 4), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);

    ok(WinHttpSetTimeouts(h.session, 1000, 2000, 3000, 4000), "SetTimeouts failed: %lu", GetLastError());
    ok_int(query_dword(h.session, WINHTTP_OPTION_RESOLVE_TIMEOUT), 1000);
    ok_int(query_dword(h.session, WINHTTP_OPTION_CONNECT_TIMEOUT), 2000);
    ok_int(query_dword(h.session, WINHTTP_OPTION_SEND_TIMEOUT), 3000);
    ok_int(query_dword(h.session, WINHTTP_OPTION_RECEIVE_TIMEOUT), 4000);

    /* a request opened later inherits its session's timeouts ... */
    request2 = WinHttpOpenRequest(h.connect, NULL, NULL, NULL, NULL, NULL, 0);
    ok_int(query_dword(request2, WINHTTP_OPTION_CONNECT_TIMEOUT), 2000);
    /* ... and its own setting stays its own */
    ok(WinHttpSetTimeouts(request2, -1, -1, -1, -1), "SetTimeouts(-1) failed: %lu", GetLastError());
    ok_int(query_dword(request2, WINHTTP_OPTION_RECEIVE_TIMEOUT), 0xffffffff);
    ok_int(query_dword(h.session, WINHTTP_OPTION_RECEIVE_TIMEOUT), 4000);

    ok(set_dword(h.request, WINHTTP_OPTION_SEND_TIMEOUT, 777), "set failed: %lu", GetLastError());
    ok_int(query_dword(h.request, WINHTTP_OPTION_SEND_TIMEOUT), 777);
    WinHttpCloseHandle(request2);
    close_all(&h);
}

static void test_buffer_protocol(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);
    DWORD value, size;

    size = 0;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(h.session, WINHTTP_OPTION_CONNECT_TIMEOUT, NULL, &size), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(DWORD));
    size = 2;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(h.session, WINHTTP_OPTION_CONNECT_TIMEOUT, &value, &size), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(DWORD));

    value = 5;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(h.session, WINHTTP_OPTION_CONNECT_TIMEOUT, &value, 2), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    close_all(&h);
}

static void test_invalid_option(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);
    DWORD value = 0, size = sizeof(value);

    /* native (Wine's tests, run on Windows): an option that cannot be
     * queried is a bad parameter; one that cannot be set is an invalid option */
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(h.session, 9999, &value, &size), FALSE, ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(h.session, 9999, &value, sizeof(value)), FALSE, ERROR_WINHTTP_INVALID_OPTION);
    close_all(&h);
}

static void test_context_value(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);
    HINTERNET all[3] = { h.session, h.connect, h.request };

    for (int i = 0; i < 3; i++)
    {
        DWORD_PTR context = 0xdead0000 + i, got = 1;
        DWORD size = sizeof(got);

        ok(WinHttpQueryOption(all[i], WINHTTP_OPTION_CONTEXT_VALUE, &got, &size), "query failed: %lu",
           GetLastError());
        ok(got == 0, "handle %d: default context %Ix", i, got);
        ok(WinHttpSetOption(all[i], WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context)), "set failed: %lu",
           GetLastError());
        size = sizeof(got);
        ok(WinHttpQueryOption(all[i], WINHTTP_OPTION_CONTEXT_VALUE, &got, &size), "query failed: %lu",
           GetLastError());
        ok(got == context, "handle %d: context %Ix, want %Ix", i, got, context);
        ok_int(size, sizeof(DWORD_PTR));
    }
    close_all(&h);
}

static void test_user_agent(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);
    WCHAR buffer[64];
    DWORD size = 0;

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(h.session, WINHTTP_OPTION_USER_AGENT, NULL, &size), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(L"agent/1.0"));
    size = sizeof(buffer);
    ok(WinHttpQueryOption(h.session, WINHTTP_OPTION_USER_AGENT, buffer, &size), "query failed: %lu", GetLastError());
    ok_wstr(buffer, L"agent/1.0");
    ok_int(size, lstrlenW(L"agent/1.0") * sizeof(WCHAR));

    ok(WinHttpSetOption(h.session, WINHTTP_OPTION_USER_AGENT, (void *)L"other", 5), "set failed: %lu",
       GetLastError());
    size = sizeof(buffer);
    ok(WinHttpQueryOption(h.session, WINHTTP_OPTION_USER_AGENT, buffer, &size), "query failed: %lu", GetLastError());
    ok_wstr(buffer, L"other");

    size = sizeof(buffer);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(h.request, WINHTTP_OPTION_USER_AGENT, buffer, &size), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    close_all(&h);
}

static void check_url(const WCHAR *host, INTERNET_PORT port, const WCHAR *path, DWORD flags, const WCHAR *want)
{
    struct handles h = open_all(host, port, path, flags);
    WCHAR buffer[256];
    DWORD size = sizeof(buffer);

    ok(WinHttpQueryOption(h.request, WINHTTP_OPTION_URL, buffer, &size), "query URL failed: %lu", GetLastError());
    ok_wstr(buffer, want);
    ok_int(size, lstrlenW(want) * sizeof(WCHAR));
    close_all(&h);
}

static void test_url(void)
{
    check_url(L"example.com", 0, L"/index.html", 0, L"http://example.com/index.html");
    check_url(L"example.com", 80, L"/a?b=c", 0, L"http://example.com/a?b=c");
    check_url(L"example.com", 8080, L"/", 0, L"http://example.com:8080/");
    check_url(L"example.com", 443, L"/s", WINHTTP_FLAG_SECURE, L"https://example.com/s");
    check_url(L"example.com", 8443, L"/s", WINHTTP_FLAG_SECURE, L"https://example.com:8443/s");
}

static void test_url_wrong_handle(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);
    WCHAR buffer[64];
    DWORD size = sizeof(buffer);

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(h.session, WINHTTP_OPTION_URL, buffer, &size), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    close_all(&h);
}

static void test_credentials(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);
    WCHAR buffer[64];
    DWORD size;

    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_USERNAME, (void *)L"user", 4), "set failed: %lu", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_PASSWORD, (void *)L"secret", 6), "set failed: %lu", GetLastError());
    size = sizeof(buffer);
    ok(WinHttpQueryOption(h.request, WINHTTP_OPTION_USERNAME, buffer, &size), "query failed: %lu", GetLastError());
    ok_wstr(buffer, L"user");
    size = sizeof(buffer);
    ok(WinHttpQueryOption(h.request, WINHTTP_OPTION_PASSWORD, buffer, &size), "query failed: %lu", GetLastError());
    ok_wstr(buffer, L"secret");
    close_all(&h);
}

static void test_redirect_options(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);

    ok_int(query_dword(h.session, WINHTTP_OPTION_REDIRECT_POLICY), WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP);
    ok_int(query_dword(h.request, WINHTTP_OPTION_REDIRECT_POLICY), WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP);
    ok(set_dword(h.request, WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_NEVER), "set failed: %lu",
       GetLastError());
    ok_int(query_dword(h.request, WINHTTP_OPTION_REDIRECT_POLICY), WINHTTP_OPTION_REDIRECT_POLICY_NEVER);
    SetLastError(0xdeadbeef);
    ok_bool_err(set_dword(h.request, WINHTTP_OPTION_REDIRECT_POLICY, 3), FALSE, ERROR_INVALID_PARAMETER);

    ok_int(query_dword(h.request, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS), 10);
    ok(set_dword(h.request, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, 2), "set failed: %lu", GetLastError());
    ok_int(query_dword(h.request, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS), 2);
    close_all(&h);
}

static void test_disable_feature(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);
    DWORD value, size = sizeof(value);

    ok(set_dword(h.request, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_REDIRECTS), "set failed: %lu",
       GetLastError());
    ok(set_dword(h.request, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_KEEP_ALIVE), "set failed: %lu",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(h.request, WINHTTP_OPTION_DISABLE_FEATURE, &value, &size), FALSE,
                ERROR_INVALID_PARAMETER);   /* native: write-only options are a bad parameter to query */
    SetLastError(0xdeadbeef);
    ok_bool_err(set_dword(h.session, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_REDIRECTS), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    close_all(&h);
}

static void test_security_flags(void)
{
    struct handles h = open_all(L"localhost", 443, NULL, WINHTTP_FLAG_SECURE);
    DWORD flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID;

    ok(set_dword(h.request, WINHTTP_OPTION_SECURITY_FLAGS, flags), "set failed: %lu", GetLastError());
    ok((query_dword(h.request, WINHTTP_OPTION_SECURITY_FLAGS) & flags) == flags, "flags not kept");
    close_all(&h);
}

static void test_read_only_options(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);
    DWORD value = 1;

    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(h.session, WINHTTP_OPTION_HANDLE_TYPE, &value, sizeof(value)), "HANDLE_TYPE was set");
    ok(GetLastError() == ERROR_WINHTTP_INVALID_OPTION || GetLastError() == ERROR_WINHTTP_OPTION_NOT_SETTABLE,
       "error %lu", GetLastError());
    close_all(&h);
}

static void CALLBACK dummy_callback(HINTERNET h, DWORD_PTR c, DWORD s, void *i, DWORD l) {}

static void test_callback_option(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);
    WINHTTP_STATUS_CALLBACK got = NULL;
    DWORD size = sizeof(got);

    WinHttpSetStatusCallback(h.request, dummy_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    ok(WinHttpQueryOption(h.request, WINHTTP_OPTION_CALLBACK, &got, &size), "query failed: %lu", GetLastError());
    ok(got == dummy_callback, "callback %p, want %p", got, dummy_callback);
    close_all(&h);
}

static void test_max_connections(void)
{
    struct handles h = open_all(L"localhost", 80, NULL, 0);

    ok(set_dword(h.session, WINHTTP_OPTION_MAX_CONNS_PER_SERVER, 4), "set failed: %lu", GetLastError());
    ok_int(query_dword(h.session, WINHTTP_OPTION_MAX_CONNS_PER_SERVER), 4);
    SetLastError(0xdeadbeef);
    ok_bool_err(set_dword(h.session, WINHTTP_OPTION_MAX_CONNS_PER_SERVER, 0), FALSE, ERROR_INVALID_PARAMETER);
    close_all(&h);
}

TEST_CASES(
    TEST(test_timeout_defaults),
    TEST(test_set_timeouts),
    TEST(test_buffer_protocol),
    TEST(test_invalid_option),
    TEST(test_context_value),
    TEST(test_user_agent),
    TEST(test_url),
    TEST(test_url_wrong_handle),
    TEST(test_credentials),
    TEST(test_redirect_options),
    TEST(test_disable_feature),
    TEST(test_security_flags),
    TEST(test_read_only_options),
    TEST(test_callback_option),
    TEST(test_max_connections)
);

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
