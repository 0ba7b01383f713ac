/* Conformance: the HTTP/1.1 options of issue 14 against the scripted
 * server: WINHTTP_OPTION_HTTP_VERSION (process-wide, on the wire),
 * EXPIRE_CONNECTION, CONNECTION_GUID and MATCH_CONNECTION_GUID (which
 * pooled connection a request gets), MAX_HTTP_STATUS_CONTINUE,
 * REQUEST_TIMES and REQUEST_STATS, the buffer sizes documented as having
 * no effect, ASSURED_NON_BLOCKING_CALLBACKS; synchronous and asynchronous.
 * FEATURE_SUPPORTED, CODEPAGE (the query string's bytes on the wire),
 * REQUIRE_STREAM_END, UNSAFE_HEADER_PARSING, international host names
 * (Punycode in the request line and Host header, seen through a proxy),
 * REQUEST_ANNOTATION, the options kept (REQUEST_PRIORITY, USE_LOOKASIDE,
 * ERROR_LOG_GUID, SESSION_ERROR_LOG_GUID), REJECT_USERPWD_IN_URL (a
 * redirect's Location) and ENCODE_EXTRA. */
#include "harness.h"
#include "client.h"
#include "server.h"
#include "winhttp.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define AGENT L"opt-http/1.0"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fixture: a server, a session and a connect handle to it ------------- */

static BOOL fixture_open_flags(struct fixture *f, DWORD flags)
{
    return fixture_open_session(f, AGENT, L"127.0.0.1", flags, 3000);
}

static BOOL fixture_open(struct fixture *f)
{
    return fixture_open_flags(f, 0);
}

static HINTERNET open_request(struct fixture *f, const WCHAR *version)
{
    HINTERNET request = WinHttpOpenRequest(f->connect, L"GET", L"/", version, NULL, NULL, 0);
    ok(request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    return request;
}

/* A whole request on its own handle: sent, answered, read. */
static void do_request(struct fixture *f)
{
    HINTERNET request = open_request(f, NULL);

    if (send_and_receive(request)) ok_int(read_all(request), 5);
    WinHttpCloseHandle(request);
}

static int connection_of(struct fixture *f, int i)
{
    const struct server_request *r = server_request(f->srv, i);
    return r ? r->connection : -1;
}

static BOOL query_guid(HINTERNET request, GUID *guid)
{
    DWORD size = sizeof(*guid);
    return WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_GUID, guid, &size) && size == sizeof(*guid);
}

static const GUID guid_one = { 0x1e7a1c01, 0x1234, 0x4321, { 1, 2, 3, 4, 5, 6, 7, 8 } };
static const GUID guid_two = { 0x2e7a1c02, 0x1234, 0x4321, { 8, 7, 6, 5, 4, 3, 2, 1 } };
static const GUID guid_null;

/* ---- WINHTTP_OPTION_HTTP_VERSION ------------------------------------------- */

static BOOL set_version(HINTERNET handle, DWORD major, DWORD minor)
{
    HTTP_VERSION_INFO info = { major, minor };
    return WinHttpSetOption(handle, WINHTTP_OPTION_HTTP_VERSION, &info, sizeof(info));
}

static HTTP_VERSION_INFO query_version(HINTERNET handle)
{
    HTTP_VERSION_INFO info = { 0xdead, 0xbeef };
    DWORD size = sizeof(info);

    ok(WinHttpQueryOption(handle, WINHTTP_OPTION_HTTP_VERSION, &info, &size), "query failed: %lu", GetLastError());
    ok_int(size, sizeof(info));
    return info;
}

/* Documented as process-wide, set and read with a NULL handle; HTTP/1.1
 * unless set; the major version must be 1, the minor 0 or 1. */
static void test_http_version_option(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HTTP_VERSION_INFO info;
    DWORD size;

    info = query_version(NULL);
    ok(info.dwMajorVersion == 1 && info.dwMinorVersion == 1, "default %lu.%lu", info.dwMajorVersion,
       info.dwMinorVersion);
    SetLastError(0xdeadbeef);
    ok_bool_err(set_version(NULL, 1, 0), TRUE, ERROR_SUCCESS);
    info = query_version(NULL);
    ok(info.dwMajorVersion == 1 && info.dwMinorVersion == 0, "after set %lu.%lu", info.dwMajorVersion,
       info.dwMinorVersion);
    /* the table of option flags: read through a session handle too */
    info = query_version(session);
    ok(info.dwMajorVersion == 1 && info.dwMinorVersion == 0, "session %lu.%lu", info.dwMajorVersion,
       info.dwMinorVersion);
    SetLastError(0xdeadbeef);
    ok_bool_err(set_version(NULL, 2, 0), FALSE, ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ok_bool_err(set_version(NULL, 1, 2), FALSE, ERROR_INVALID_PARAMETER);
    info = query_version(NULL);
    ok(info.dwMinorVersion == 0, "a refused value changed it: %lu.%lu", info.dwMajorVersion, info.dwMinorVersion);
    size = 1;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(NULL, WINHTTP_OPTION_HTTP_VERSION, &info, &size), FALSE, ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(info));
    ok_bool_err(set_version(NULL, 1, 1), TRUE, ERROR_SUCCESS);
    info = query_version(NULL);
    ok(info.dwMinorVersion == 1, "restored %lu.%lu", info.dwMajorVersion, info.dwMinorVersion);
    WinHttpCloseHandle(session);
}

/* Set to 1.0, a request opened without a version goes out as HTTP/1.0;
 * one that names its own keeps it. */
static void test_http_version_wire(void)
{
    struct fixture f;
    HINTERNET request;
    const struct server_request *seen;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_every_connection(f.srv));
    ok(set_version(NULL, 1, 0), "set 1.0 failed: %lu", GetLastError());
    request = open_request(&f, NULL);
    if (send_and_receive(request)) read_all(request);
    WinHttpCloseHandle(request);
    request = open_request(&f, L"HTTP/1.1");
    if (send_and_receive(request)) read_all(request);
    WinHttpCloseHandle(request);
    ok(set_version(NULL, 1, 1), "set 1.1 failed: %lu", GetLastError());
    request = open_request(&f, NULL);
    if (send_and_receive(request)) read_all(request);
    WinHttpCloseHandle(request);
    if ((seen = server_request(f.srv, 0)))
        ok(!strncmp(seen->head, "GET / HTTP/1.0\r\n", 16), "1.0: %.40s", seen->head);
    if ((seen = server_request(f.srv, 1)))
        ok(!strncmp(seen->head, "GET / HTTP/1.1\r\n", 16), "explicit: %.40s", seen->head);
    if ((seen = server_request(f.srv, 2)))
        ok(!strncmp(seen->head, "GET / HTTP/1.1\r\n", 16), "back to 1.1: %.40s", seen->head);
    ok_int(server_requests(f.srv), 3);
    fixture_stop_now(&f);
}

/* ---- connections: EXPIRE, CONNECTION_GUID, MATCH_CONNECTION_GUID ----------- */

/* Requests on one keep-alive connection read the same GUID; a connection
 * of its own gives another; nothing before a connection. */
static void test_connection_guid_reuse(void)
{
    struct fixture f;
    HINTERNET first, second;
    GUID a, b, c;
    DWORD size = sizeof(a);

    if (!fixture_open(&f)) return;
    serve_keepalive(server_add_connection(f.srv));
    serve_keepalive(server_add_connection(f.srv));
    first = open_request(&f, NULL);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(first, WINHTTP_OPTION_CONNECTION_GUID, &a, &size), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    if (send_and_receive(first)) read_all(first);
    ok(query_guid(first, &a), "query failed: %lu", GetLastError());
    ok(!IsEqualGUID(&a, &guid_null), "a null GUID");
    second = open_request(&f, NULL);
    /* both open: the second needs a connection of its own */
    if (send_and_receive(second))
    {
        ok(query_guid(second, &b), "query failed: %lu", GetLastError());
        read_all(second);
    }
    WinHttpCloseHandle(first);
    WinHttpCloseHandle(second);
    first = open_request(&f, NULL);
    if (send_and_receive(first)) read_all(first);
    ok(query_guid(first, &c), "query failed: %lu", GetLastError());
    WinHttpCloseHandle(first);
    ok_int(server_connections(f.srv), 1);
    ok_int(connection_of(&f, 1), 0);
    ok(IsEqualGUID(&a, &b), "a reused connection read another GUID");
    ok(IsEqualGUID(&a, &c), "a reused connection read another GUID");
    fixture_stop_now(&f);
}

/* Set before the send (or once the response has come), the request's
 * connection is closed when it is done with it: the next request opens a
 * new one, with a GUID of its own. */
static void test_expire_connection(void)
{
    struct fixture f;
    HINTERNET request;
    GUID a = guid_null, b = guid_null;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_add_connection(f.srv));
    serve_keepalive(server_add_connection(f.srv));
    serve_keepalive(server_add_connection(f.srv));

    request = open_request(&f, NULL);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_EXPIRE_CONNECTION, NULL, 0), TRUE, ERROR_SUCCESS);
    if (send_and_receive(request)) ok_int(read_all(request), 5);
    query_guid(request, &a);
    WinHttpCloseHandle(request);

    request = open_request(&f, NULL);
    if (send_and_receive(request))
    {
        /* while its body is unread: the connection is still the request's */
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_EXPIRE_CONNECTION, NULL, 0), TRUE, ERROR_SUCCESS);
        ok_int(read_all(request), 5);
    }
    query_guid(request, &b);
    WinHttpCloseHandle(request);
    ok(!IsEqualGUID(&a, &b), "the expired connection was used again");

    do_request(&f);
    do_request(&f);     /* this one reuses the third connection */
    ok_int(server_connections(f.srv), 3);
    ok_int(connection_of(&f, 0), 0);
    ok_int(connection_of(&f, 1), 1);
    ok_int(connection_of(&f, 2), 2);
    ok_int(connection_of(&f, 3), 2);
    /* only on request handles */
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(f.session, WINHTTP_OPTION_EXPIRE_CONNECTION, NULL, 0), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    fixture_stop_now(&f);
}

static BOOL set_match(HINTERNET request, const GUID *guid, ULONGLONG flags)
{
    WINHTTP_MATCH_CONNECTION_GUID match;

    match.ConnectionGuid = *guid;
    match.ullFlags = flags;
    return WinHttpSetOption(request, WINHTTP_OPTION_MATCH_CONNECTION_GUID, &match, sizeof(match));
}

/* Two idle connections, one marked with guid_one through CONNECTION_GUID:
 * a request matching guid_one gets the marked one (not the newer unmarked
 * one); one matching guid_two gets the unmarked one; one requiring a
 * connection marked with guid_two gets a new connection. */
static void test_match_connection_guid(void)
{
    struct fixture f;
    HINTERNET first, second, request;
    GUID seen = guid_null;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_add_connection(f.srv));
    serve_keepalive(server_add_connection(f.srv));
    serve_keepalive(server_add_connection(f.srv));

    first = open_request(&f, NULL);
    second = open_request(&f, NULL);
    if (send_and_receive(first) && send_and_receive(second))
    {
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpSetOption(first, WINHTTP_OPTION_CONNECTION_GUID, (void *)&guid_one, sizeof(GUID)), TRUE,
                    ERROR_SUCCESS);
        ok(query_guid(first, &seen) && IsEqualGUID(&seen, &guid_one), "the mark does not read back");
        read_all(first);
        read_all(second);     /* idle: the second connection, then the first (newest) */
    }
    WinHttpCloseHandle(first);
    WinHttpCloseHandle(second);

    request = open_request(&f, NULL);
    ok(set_match(request, &guid_one, 0), "set match failed: %lu", GetLastError());
    if (send_and_receive(request)) read_all(request);
    ok(query_guid(request, &seen) && IsEqualGUID(&seen, &guid_one), "not served on the marked connection");
    WinHttpCloseHandle(request);

    request = open_request(&f, NULL);
    ok(set_match(request, &guid_two, WINHTTP_MATCH_CONNECTION_GUID_FLAG_REQUIRE_MARKED_CONNECTION),
       "set match failed: %lu", GetLastError());
    if (send_and_receive(request)) read_all(request);
    WinHttpCloseHandle(request);

    request = open_request(&f, NULL);
    ok(set_match(request, &guid_two, 0), "set match failed: %lu", GetLastError());
    if (send_and_receive(request)) read_all(request);
    ok(query_guid(request, &seen) && !IsEqualGUID(&seen, &guid_one), "served on a connection marked otherwise");
    WinHttpCloseHandle(request);

    ok_int(server_connections(f.srv), 3);
    ok_int(connection_of(&f, 2), 0);    /* matching guid_one: the marked first connection */
    ok_int(connection_of(&f, 3), 2);    /* requiring guid_two: a new one */
    ok(connection_of(&f, 4) == 1 || connection_of(&f, 4) == 2, "guid_two went to connection %d",
       connection_of(&f, 4));
    fixture_stop_now(&f);
}

static void test_match_connection_guid_errors(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", 80, 0);
    HINTERNET request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    WINHTTP_MATCH_CONNECTION_GUID match = { { 0 }, 0 };

    SetLastError(0xdeadbeef);
    ok_bool_err(set_match(request, &guid_one, 0x2), FALSE, ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(request, WINHTTP_OPTION_MATCH_CONNECTION_GUID, &match, sizeof(match) - 1),
       "a short structure was taken");
    SetLastError(0xdeadbeef);
    ok_bool_err(set_match(session, &guid_one, 0), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    SetLastError(0xdeadbeef);
    ok_bool_err(set_match(request, &guid_one, WINHTTP_MATCH_CONNECTION_GUID_FLAG_REQUIRE_MARKED_CONNECTION), TRUE,
                ERROR_SUCCESS);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* ---- WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE --------------------------------- */

static const char continue_head[] = "HTTP/1.1 100 Continue\r\n\r\n";

static void test_max_status_continue(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    DWORD value, size;

    if (!fixture_open(&f)) return;
    value = 0xdeadbeef, size = sizeof(value);
    ok(WinHttpQueryOption(f.session, WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, &value, &size), "query failed: %lu",
       GetLastError());
    ok_int(value, 10);     /* the documented default */
    value = 3;
    ok(WinHttpSetOption(f.session, WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, &value, sizeof(value)),
       "set failed: %lu", GetLastError());

    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_send(c, continue_head, 0);
    script_send(c, "HTTP/1.1 102 Processing\r\n\r\n", 0);
    script_send(c, continue_head, 0);
    script_respond(c, 200, NULL, "hello");
    script_recv_request(c);
    script_send(c, continue_head, 0);
    script_send(c, continue_head, 0);
    script_send(c, continue_head, 0);
    script_send(c, continue_head, 0);
    script_respond(c, 200, NULL, "hello");
    script_close(c);

    /* inherited from the session: three are skipped */
    request = open_request(&f, NULL);
    value = 0, size = sizeof(value);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, &value, &size), "query failed: %lu",
       GetLastError());
    ok_int(value, 3);
    if (send_and_receive(request))
    {
        DWORD status = 0;
        size = sizeof(status);
        WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size,
                            NULL);
        ok_int(status, 200);
        ok_int(read_all(request), 5);
    }
    WinHttpCloseHandle(request);

    /* four are one too many */
    request = open_request(&f, NULL);
    ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "send failed: %lu", GetLastError());
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), FALSE, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
}

/* ---- WINHTTP_OPTION_REQUEST_TIMES / REQUEST_STATS ------------------------------ */

/* A fixed-size structure option whose size comes back unchanged. */
static BOOL query_struct(HINTERNET request, DWORD option, void *out, DWORD size)
{
    DWORD got = size;

    if (!WinHttpQueryOption(request, option, out, &got))
    {
        ok(0, "query %lu failed: %lu", option, GetLastError());
        return FALSE;
    }
    ok_int(got, size);
    return TRUE;
}

static BOOL query_times(HINTERNET request, WINHTTP_REQUEST_TIMES *times)
{
    memset(times, 0xcc, sizeof(*times));
    times->cTimes = WinHttpRequestTimeLast;
    return query_struct(request, WINHTTP_OPTION_REQUEST_TIMES, times, sizeof(*times));
}

static BOOL query_stats(HINTERNET request, WINHTTP_REQUEST_STATS *stats)
{
    memset(stats, 0xcc, sizeof(*stats));
    stats->cStats = WinHttpRequestStatLast;
    return query_struct(request, WINHTTP_OPTION_REQUEST_STATS, stats, sizeof(*stats));
}

/* The steps of a request on a new connection, in the order they happen;
 * every one a performance counter value. */
static void check_times_in_order(const WINHTTP_REQUEST_TIMES *t, BOOL fresh)
{
    static const WINHTTP_REQUEST_TIME_ENTRY fresh_order[] =
    {
        WinHttpConnectionAcquireStart, WinHttpNameResolutionStart, WinHttpNameResolutionEnd,
        WinHttpConnectionEstablishmentStart, WinHttpConnectionEstablishmentEnd, WinHttpSendRequestStart,
        WinHttpSendRequestEnd, WinHttpReceiveResponseStart, WinHttpReceiveResponseHeadersEnd,
        WinHttpReceiveResponseEnd,
    };
    static const WINHTTP_REQUEST_TIME_ENTRY reused_order[] =
    {
        WinHttpConnectionAcquireStart, WinHttpConnectionAcquireEnd, WinHttpSendRequestStart,
        WinHttpSendRequestEnd, WinHttpReceiveResponseStart, WinHttpReceiveResponseHeadersEnd,
        WinHttpReceiveResponseEnd,
    };
    const WINHTTP_REQUEST_TIME_ENTRY *order = fresh ? fresh_order : reused_order;
    size_t count = fresh ? ARRAY_SIZE(fresh_order) : ARRAY_SIZE(reused_order);
    LARGE_INTEGER now;

    QueryPerformanceCounter(&now);
    ok_int(t->cTimes, WinHttpRequestTimeLast);
    for (size_t i = 0; i < count; i++)
    {
        ok(t->rgullTimes[order[i]] && t->rgullTimes[order[i]] <= (ULONGLONG)now.QuadPart, "time %d: %I64u",
           order[i], t->rgullTimes[order[i]]);
        if (i) ok(t->rgullTimes[order[i - 1]] <= t->rgullTimes[order[i]], "time %d (%I64u) after %d (%I64u)",
                  order[i - 1], t->rgullTimes[order[i - 1]], order[i], t->rgullTimes[order[i]]);
    }
    for (size_t i = WinHttpRequestTimeLast; i < (size_t)WinHttpRequestTimeMax; i++)
        ok(!t->rgullTimes[i], "entry %Iu past the last: %I64u", i, t->rgullTimes[i]);
}

static void test_request_times(void)
{
    struct fixture f;
    HINTERNET request;
    WINHTTP_REQUEST_TIMES times;
    DWORD size;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_add_connection(f.srv));
    request = open_request(&f, NULL);
    size = sizeof(times) - 1;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(request, WINHTTP_OPTION_REQUEST_TIMES, &times, &size), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(times));
    if (send_and_receive(request)) read_all(request);
    if (query_times(request, &times)) check_times_in_order(&times, TRUE);
    /* fewer asked for: fewer given */
    memset(&times, 0xcc, sizeof(times));
    times.cTimes = WinHttpConnectionAcquireStart + 1;
    size = sizeof(times);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_REQUEST_TIMES, &times, &size), "query failed: %lu", GetLastError());
    ok_int(times.cTimes, WinHttpConnectionAcquireStart + 1);
    ok(times.rgullTimes[WinHttpConnectionAcquireStart], "no acquire time");
    ok(!times.rgullTimes[WinHttpNameResolutionStart], "an entry past cTimes: %I64u",
       times.rgullTimes[WinHttpNameResolutionStart]);
    WinHttpCloseHandle(request);

    /* on the pooled connection: no lookup, no connect */
    request = open_request(&f, NULL);
    if (send_and_receive(request)) read_all(request);
    if (query_times(request, &times))
    {
        check_times_in_order(&times, FALSE);
        ok(!times.rgullTimes[WinHttpNameResolutionStart], "a lookup on a reused connection");
        ok(!times.rgullTimes[WinHttpConnectionEstablishmentStart], "a connect on a reused connection");
    }
    WinHttpCloseHandle(request);
    SetLastError(0xdeadbeef);
    size = sizeof(times);
    ok_bool_err(WinHttpQueryOption(f.session, WINHTTP_OPTION_REQUEST_TIMES, &times, &size), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    ok_int(server_connections(f.srv), 1);
    fixture_stop_now(&f);
}

static const char stats_head[] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Pad: abcdef\r\n\r\n";

static void test_request_stats(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    WINHTTP_REQUEST_STATS stats;
    const struct server_request *seen;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_send(c, stats_head, 0);
    script_send(c, "hello world", 0);
    script_repeat(c);

    request = open_request(&f, NULL);
    if (send_and_receive(request)) ok_int(read_all(request), 11);
    if (query_stats(request, &stats) && (seen = server_request(f.srv, 0)))
    {
        ok_int(stats.cStats, WinHttpRequestStatLast);
        ok(stats.ullFlags & WINHTTP_REQUEST_STAT_FLAG_FIRST_REQUEST, "flags %#I64x", stats.ullFlags);
        ok_int(stats.ulIndex, 0);
        ok_int(stats.rgullStats[WinHttpConnectFailureCount], 0);
        ok_int(stats.rgullStats[WinHttpRequestHeadersSize], seen->head_length);
        ok_int(stats.rgullStats[WinHttpResponseHeadersSize], strlen(stats_head));
        ok_int(stats.rgullStats[WinHttpResponseBodySize], 11);
        for (int i = WinHttpRequestStatLast; i < WinHttpRequestStatMax; i++)
            ok(!stats.rgullStats[i], "entry %d past the last: %I64u", i, stats.rgullStats[i]);
    }
    WinHttpCloseHandle(request);

    request = open_request(&f, NULL);
    if (send_and_receive(request)) read_all(request);
    if (query_stats(request, &stats))
    {
        ok(!(stats.ullFlags & WINHTTP_REQUEST_STAT_FLAG_FIRST_REQUEST), "flags %#I64x", stats.ullFlags);
        ok_int(stats.ulIndex, 1);
    }
    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
}

/* A connection refused at one address counts as a failure; the request
 * fails when no address is left. */
static void test_request_stats_connect_failure(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    struct sockaddr_in addr = { AF_INET };
    int length = sizeof(addr);
    HINTERNET connect, request;
    WINHTTP_REQUEST_STATS stats;
    INTERNET_PORT port;

    /* a port nobody listens on: bound, then closed */
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *)&addr, sizeof(addr));
    getsockname(s, (struct sockaddr *)&addr, &length);
    port = ntohs(addr.sin_port);
    closesocket(s);
    WinHttpSetTimeouts(session, 3000, 3000, 3000, 3000);
    connect = WinHttpConnect(session, L"127.0.0.1", port, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), FALSE, ERROR_WINHTTP_CANNOT_CONNECT);
    if (query_stats(request, &stats)) ok_int(stats.rgullStats[WinHttpConnectFailureCount], 1);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* ---- asynchronous ------------------------------------------------------------ */

struct async_context
{
    HANDLE done;
    DWORD status;       /* the last completion */
    DWORD error;        /* REQUEST_ERROR's */
    DWORD read;         /* READ_COMPLETE's count */
};

static void CALLBACK async_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct async_context *ctx = (struct async_context *)context;

    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        ctx->read = length;
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        ctx->error = ((WINHTTP_ASYNC_RESULT *)info)->dwError;
        break;
    default:
        return;
    }
    ctx->status = status;
    SetEvent(ctx->done);
}

static BOOL async_wait(struct async_context *ctx, DWORD want)
{
    if (WaitForSingleObject(ctx->done, 5000))
    {
        ok(0, "no completion (waiting for %#lx)", want);
        return FALSE;
    }
    ok(ctx->status == want, "completion %#lx (error %lu), want %#lx", ctx->status, ctx->error, want);
    return ctx->status == want;
}

/* An asynchronous request sent, answered and read to its end. */
static BOOL async_request(HINTERNET request, struct async_context *ctx, BOOL expire)
{
    char buffer[64];

    WinHttpSetStatusCallback(request, async_callback, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS, 0);
    if (expire) ok(WinHttpSetOption(request, WINHTTP_OPTION_EXPIRE_CONNECTION, NULL, 0), "expire failed: %lu",
                   GetLastError());
    if (!WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, (DWORD_PTR)ctx) ||
        !async_wait(ctx, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE))
        return FALSE;
    if (!WinHttpReceiveResponse(request, NULL) || !async_wait(ctx, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE))
        return FALSE;
    do
    {
        if (!WinHttpReadData(request, buffer, sizeof(buffer), NULL) ||
            !async_wait(ctx, WINHTTP_CALLBACK_STATUS_READ_COMPLETE))
            return FALSE;
    } while (ctx->read);
    return TRUE;
}

/* Asynchronously too: an expired connection is not reused; the times and
 * the connection GUID are there once the request is done. */
static void test_async_expire_times(void)
{
    struct fixture f;
    struct async_context ctx = { CreateEventW(NULL, FALSE, FALSE, NULL) };
    HINTERNET request;
    WINHTTP_REQUEST_TIMES times;
    GUID a = guid_null, b = guid_null, c = guid_null;

    if (!fixture_open_flags(&f, WINHTTP_FLAG_ASYNC)) return;
    serve_keepalive(server_add_connection(f.srv));
    serve_keepalive(server_add_connection(f.srv));

    request = open_request(&f, NULL);
    ok(async_request(request, &ctx, TRUE), "first request failed");
    ok(query_guid(request, &a), "query failed: %lu", GetLastError());
    if (query_times(request, &times)) check_times_in_order(&times, TRUE);
    WinHttpCloseHandle(request);

    request = open_request(&f, NULL);
    ok(async_request(request, &ctx, FALSE), "second request failed");
    ok(query_guid(request, &b), "query failed: %lu", GetLastError());
    WinHttpCloseHandle(request);

    request = open_request(&f, NULL);
    ok(async_request(request, &ctx, FALSE), "third request failed");
    ok(query_guid(request, &c), "query failed: %lu", GetLastError());
    if (query_times(request, &times)) check_times_in_order(&times, FALSE);
    WinHttpCloseHandle(request);

    ok(!IsEqualGUID(&a, &b), "the expired connection was used again");
    ok(IsEqualGUID(&b, &c), "the pooled connection has another GUID");
    ok_int(server_connections(f.srv), 2);
    fixture_stop_now(&f);
    CloseHandle(ctx.done);
}

/* Asynchronously: too many interim responses end in REQUEST_ERROR. */
static void test_async_max_status_continue(void)
{
    struct fixture f;
    struct async_context ctx = { CreateEventW(NULL, FALSE, FALSE, NULL) };
    struct script *c;
    HINTERNET request;
    DWORD value = 0;

    if (!fixture_open_flags(&f, WINHTTP_FLAG_ASYNC)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_send(c, continue_head, 0);
    script_respond(c, 200, NULL, "hello");
    script_close(c);

    request = open_request(&f, NULL);
    WinHttpSetStatusCallback(request, async_callback, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS, 0);
    ok(WinHttpSetOption(request, WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, &value, sizeof(value)), "set failed: %lu",
       GetLastError());
    if (WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, (DWORD_PTR)&ctx) &&
        async_wait(&ctx, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE) && WinHttpReceiveResponse(request, NULL) &&
        async_wait(&ctx, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR))
        ok_int(ctx.error, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
    CloseHandle(ctx.done);
}

/* ---- options with no effect to see ---------------------------------------------- */

/* Documented as deprecated, having no effect: set and read back on request
 * handles. */
static void test_buffer_sizes(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", 80, 0);
    HINTERNET request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    static const DWORD options[] = { WINHTTP_OPTION_READ_BUFFER_SIZE, WINHTTP_OPTION_WRITE_BUFFER_SIZE };

    for (size_t i = 0; i < ARRAY_SIZE(options); i++)
    {
        DWORD value = 4096, size = sizeof(value);

        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpSetOption(request, options[i], &value, sizeof(value)), TRUE, ERROR_SUCCESS);
        value = 0;
        ok(WinHttpQueryOption(request, options[i], &value, &size), "query %lu failed: %lu", options[i],
           GetLastError());
        ok_int(value, 4096);
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpSetOption(session, options[i], &value, sizeof(value)), FALSE,
                    ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    }
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* A session option, set only. */
static void test_assured_non_blocking(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", 80, 0);
    HINTERNET request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    BOOL value = TRUE;

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(session, WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS, &value, sizeof(value)), TRUE,
                ERROR_SUCCESS);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS, &value, sizeof(value)),
                FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* ---- WINHTTP_OPTION_FEATURE_SUPPORTED ------------------------------------------------ */

/* Documented as checking whether "a provided option flag is supported by
 * this version of WinHTTP", nothing more: the buffer holds a
 * WINHTTP_FEATURE_* number; the layout of the answer is not documented.
 * This DLL answers with a BOOL in its place: what is checked here of the
 * answer's layout is our reading, not native's measured behaviour. */
static BOOL feature_answer(HINTERNET handle, DWORD feature, BOOL *supported)
{
    DWORD value = feature, size = sizeof(value);
    BOOL ret;

    SetLastError(0xdeadbeef);
    ret = WinHttpQueryOption(handle, WINHTTP_OPTION_FEATURE_SUPPORTED, &value, &size);
    *supported = ret && value;
    return ret;
}

/* Whether an option is known at all: setting it with a DWORD gives some
 * answer other than ERROR_WINHTTP_INVALID_OPTION. */
static BOOL option_known(HINTERNET handle, DWORD option, DWORD value)
{
    SetLastError(0xdeadbeef);
    return WinHttpSetOption(handle, option, &value, sizeof(value)) || GetLastError() != ERROR_WINHTTP_INVALID_OPTION;
}

static void test_feature_supported(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", 80, 0);
    HINTERNET request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    static const DWORD have[] = { WINHTTP_FEATURE_IS_FEATURE_SUPPORTED, WINHTTP_FEATURE_REQUEST_TIMES,
                                  WINHTTP_FEATURE_REQUEST_STATS, WINHTTP_FEATURE_EXPIRE_CONNECTION,
                                  WINHTTP_FEATURE_CONNECTION_GUID, WINHTTP_FEATURE_MATCH_CONNECTION_GUID,
                                  WINHTTP_FEATURE_SERVER_CERT_CHAIN_CONTEXT, WINHTTP_FEATURE_REQUIRE_STREAM_END,
                                  WINHTTP_FEATURE_ADD_REQUEST_HEADERS_EX, WINHTTP_FEATURE_READ_DATA_EX,
                                  WINHTTP_FEATURE_QUERY_HEADERS_EX };
    /* features named after session options: the answer agrees with the option table */
    static const struct { DWORD feature, option, value; } named[] = {
        { WINHTTP_FEATURE_REQUIRE_STREAM_END, WINHTTP_OPTION_REQUIRE_STREAM_END, TRUE },
        { WINHTTP_FEATURE_HTTP2_KEEPALIVE, WINHTTP_OPTION_HTTP2_KEEPALIVE, 15000 },
        { WINHTTP_FEATURE_DISABLE_STREAM_QUEUE, WINHTTP_OPTION_DISABLE_STREAM_QUEUE, TRUE },
        { WINHTTP_FEATURE_TCP_FAST_OPEN, WINHTTP_OPTION_TCP_FAST_OPEN, TRUE },
        { WINHTTP_FEATURE_TLS_FALSE_START, WINHTTP_OPTION_TLS_FALSE_START, TRUE },
        { WINHTTP_FEATURE_DISABLE_GLOBAL_POOLING, WINHTTP_OPTION_DISABLE_GLOBAL_POOLING, TRUE },
    };
    HINTERNET handles[] = { session, connect, request };
    DWORD value, size;
    BOOL supported;

    for (size_t i = 0; i < ARRAY_SIZE(have); i++)
    {
        ok(feature_answer(session, have[i], &supported), "feature %lu: query failed: %lu", have[i], GetLastError());
        ok(supported, "feature %lu not reported", have[i]);
    }
    for (size_t i = 0; i < ARRAY_SIZE(handles); i++)
    {
        ok(feature_answer(handles[i], WINHTTP_FEATURE_REQUEST_TIMES, &supported), "handle %d: query failed: %lu", (int)i,
           GetLastError());
        ok(supported, "handle %d: REQUEST_TIMES not reported", (int)i);
    }
    for (size_t i = 0; i < ARRAY_SIZE(named); i++)
    {
        BOOL known = option_known(session, named[i].option, named[i].value);

        feature_answer(session, named[i].feature, &supported);
        ok(supported == known, "feature %lu: reported %d, option %lu known %d", named[i].feature, supported,
           named[i].option, known);
    }
    /* a number no feature has is not a supported one */
    ok(!feature_answer(session, 0xdeadbeef, &supported) || !supported, "feature 0xdeadbeef reported");
    ok(!feature_answer(session, 0, &supported) || !supported, "feature 0 reported");

    /* the feature number must fit: the neighbours' buffer rules */
    size = 0;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(session, WINHTTP_OPTION_FEATURE_SUPPORTED, NULL, &size), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(DWORD));
    value = WINHTTP_FEATURE_REQUEST_TIMES;
    size = 2;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(session, WINHTTP_OPTION_FEATURE_SUPPORTED, &value, &size), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(DWORD));
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(session, WINHTTP_OPTION_FEATURE_SUPPORTED, &value, NULL), FALSE,
                ERROR_INVALID_PARAMETER);
    /* a question, not a setting */
    value = WINHTTP_FEATURE_REQUEST_TIMES;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(session, WINHTTP_OPTION_FEATURE_SUPPORTED, &value, sizeof(value)), FALSE,
                ERROR_WINHTTP_INVALID_OPTION);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* "This version of WinHTTP": the process-wide NULL handle asks too. */
static void test_feature_supported_global(void)
{
    BOOL supported;

    ok(feature_answer(NULL, WINHTTP_FEATURE_IS_FEATURE_SUPPORTED, &supported), "query failed: %lu", GetLastError());
    ok(supported, "IS_FEATURE_SUPPORTED not reported");
    ok_err(ERROR_SUCCESS);
}

/* ---- WINHTTP_OPTION_CODEPAGE ----------------------------------------------------------- */

/* Documented as setting the code page the URL, "that is, query string", is
 * processed in, UTF-8 by default.  The docs name no handle and no read;
 * taken here on session and request handles, set only. */
static void test_codepage_option(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", 80, 0);
    HINTERNET request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    DWORD value = 1252;

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(session, WINHTTP_OPTION_CODEPAGE, &value, sizeof(value)), TRUE, ERROR_SUCCESS);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_CODEPAGE, &value, sizeof(value)), TRUE, ERROR_SUCCESS);
    value = CP_UTF8;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_CODEPAGE, &value, sizeof(value)), TRUE, ERROR_SUCCESS);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(connect, WINHTTP_OPTION_CODEPAGE, &value, sizeof(value)), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_CODEPAGE, &value, 2), FALSE, ERROR_INSUFFICIENT_BUFFER);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_CODEPAGE, NULL, sizeof(value)), FALSE,
                ERROR_INVALID_PARAMETER);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* The object name's query goes out in the code page's bytes, escaped; the
 * path before it stays UTF-8 (the docs name the query string only).  Set on
 * the request, and on the session for the requests opened after. */
static void test_codepage_wire(void)
{
    static const WCHAR object[] = L"/caf\u00e9?q=\u00e9\u20ac";
    static const char *const want[] = {
        "GET /caf%C3%A9?q=%C3%A9%E2%82%AC HTTP/1.1\r\n",   /* the default, UTF-8 */
        "GET /caf%C3%A9?q=%E9%80 HTTP/1.1\r\n",             /* 1252 on the request */
        "GET /caf%C3%A9?q=%E9%80 HTTP/1.1\r\n",             /* 1252 on the session */
    };
    struct fixture f;
    HINTERNET request;
    DWORD cp1252 = 1252;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_add_connection(f.srv));
    for (int i = 0; i < 3; i++)
    {
        const struct server_request *seen;

        if (i == 2) ok(WinHttpSetOption(f.session, WINHTTP_OPTION_CODEPAGE, &cp1252, sizeof(cp1252)),
                       "set failed: %lu", GetLastError());
        request = WinHttpOpenRequest(f.connect, L"GET", object, NULL, NULL, NULL, 0);
        ok(request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
        if (i == 1) ok(WinHttpSetOption(request, WINHTTP_OPTION_CODEPAGE, &cp1252, sizeof(cp1252)),
                       "set failed: %lu", GetLastError());
        if (send_and_receive(request)) read_all(request);
        WinHttpCloseHandle(request);
        seen = server_request(f.srv, i);
        ok(seen && !strncmp(seen->head, want[i], strlen(want[i])), "request %d: got %.60s", i,
           seen ? seen->head : "(none)");
    }
    fixture_stop_now(&f);
}

/* ---- WINHTTP_OPTION_REQUIRE_STREAM_END ------------------------------------------------- */

/* Documented as making WinHTTP "ignore Content-Length response headers,
 * and continue receiving on a stream until the END_STREAM flag is
 * received": HTTP/2's flag.  A BOOL; a gRPC client sets it on its session.
 * Over HTTP/1.1 what native does with it is not documented: this engine
 * always requires a body to reach its Content-Length or last chunk, so
 * with the option a body still ends at its length (the connection is used
 * again) and one cut short still fails. */
static void test_require_stream_end(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    DWORD value = TRUE;
    char buffer[64];
    DWORD got = 0, total = 0;
    BOOL ret;

    if (!fixture_open(&f)) return;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(f.session, WINHTTP_OPTION_REQUIRE_STREAM_END, &value, sizeof(value)), TRUE,
                ERROR_SUCCESS);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(f.connect, WINHTTP_OPTION_REQUIRE_STREAM_END, &value, sizeof(value)), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "hello");
    script_recv_request(c);
    script_send(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 0);
    script_close(c);

    request = open_request(&f, NULL);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_REQUIRE_STREAM_END, &value, sizeof(value)), TRUE,
                ERROR_SUCCESS);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_REQUIRE_STREAM_END, &value, 2), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    if (send_and_receive(request)) ok_int(read_all(request), 5);
    WinHttpCloseHandle(request);

    request = open_request(&f, NULL);
    WinHttpSetOption(request, WINHTTP_OPTION_REQUIRE_STREAM_END, &value, sizeof(value));
    if (send_and_receive(request))
    {
        do
        {
            got = 0;
            ret = WinHttpReadData(request, buffer, sizeof(buffer), &got);
            total += got;
        } while (ret && got);
        ok(!ret, "a body cut short ended quietly after %lu bytes", total);
        ok_err(ERROR_WINHTTP_CONNECTION_ERROR);
    }
    WinHttpCloseHandle(request);
    ok_int(server_connections(f.srv), 1);
    fixture_stop_now(&f);
}

/* ---- WINHTTP_OPTION_UNSAFE_HEADER_PARSING ---------------------------------------------- */

/* Documented as "reserved for internal use and should not be called".  This
 * DLL takes the BOOL on session and request handles and keeps it; the
 * head parser is the same either way (it already takes bare LF line ends
 * and folded lines). */
static void test_unsafe_header_parsing(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    DWORD value = TRUE;
    WCHAR header[32];
    DWORD size = sizeof(header);

    if (!fixture_open(&f)) return;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(f.connect, WINHTTP_OPTION_UNSAFE_HEADER_PARSING, &value, sizeof(value)), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_send(c, "HTTP/1.1 200 OK\nX-Test: one\nContent-Length: 5\n\nhello", 0);
    script_close(c);
    request = open_request(&f, NULL);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_UNSAFE_HEADER_PARSING, &value, sizeof(value)), TRUE,
                ERROR_SUCCESS);
    if (send_and_receive(request))
    {
        ok_int(status_of(request), 200);
        ok(WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM, L"X-Test", header, &size, NULL), "query failed: %lu",
           GetLastError());
        ok_wstr(header, L"one");
        ok_int(read_all(request), 5);
    }
    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
}

/* ---- international host names ------------------------------------------------------------ */

/* A server name with characters past ASCII goes to DNS and on the wire in
 * its ASCII form (IdnToAscii, Punycode labels).  Through a proxy the
 * request line names the origin in absolute form, so the scripted server
 * acting as the proxy sees the converted name; so does a redirect to such
 * a name.  WinHttpCrackUrl leaves the name as given. */
static void test_idn_host(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET connect, request;
    WCHAR proxy[32];
    const struct server_request *seen;
    URL_COMPONENTS uc;
    static const char want0[] = "GET http://xn--bcher-kva.example/a?b HTTP/1.1\r\n";
    static const char want1[] = "GET http://xn--mnchen-3ya.example:8080/x HTTP/1.1\r\n";

    if (!fixture_open_proxy(&f, AGENT)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    /* the response head is read in the ANSI code page: 0xFC is u-umlaut in 1252 */
    script_send(c, "HTTP/1.1 302 Found\r\nLocation: http://m\xfcnchen.example:8080/x\r\nContent-Length: 0\r\n\r\n", 0);
    script_recv_request(c);
    script_respond(c, 200, NULL, "hello");
    script_close(c);

    connect = WinHttpConnect(f.session, L"b\u00fccher.example", 80, 0);
    ok(connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    request = WinHttpOpenRequest(connect, L"GET", L"/a?b", NULL, NULL, NULL, 0);
    ok(request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    if (send_and_receive(request))
    {
        ok_int(status_of(request), 200);
        read_all(request);
    }
    seen = server_request(f.srv, 0);
    ok(seen && !strncmp(seen->head, want0, strlen(want0)), "got %.60s", seen ? seen->head : "(none)");
    ok(seen && strstr(seen->head, "\r\nHost: xn--bcher-kva.example\r\n"), "Host: %s", seen ? seen->head : "(none)");
    seen = server_request(f.srv, 1);
    if (MultiByteToWideChar(CP_ACP, 0, "\xfc", 1, proxy, 1) != 1 || proxy[0] != 0xfc)
        skip("the ANSI code page has no u-umlaut at 0xFC");
    else
    {
        ok(seen && !strncmp(seen->head, want1, strlen(want1)), "redirect: got %.60s", seen ? seen->head : "(none)");
        ok(seen && strstr(seen->head, "\r\nHost: xn--mnchen-3ya.example:8080\r\n"), "Host: %s",
           seen ? seen->head : "(none)");
    }
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    fixture_stop_now(&f);

    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwHostNameLength = (DWORD)-1;
    ok(WinHttpCrackUrl(L"http://b\u00fccher.example/", 0, 0, &uc), "WinHttpCrackUrl failed: %lu", GetLastError());
    ok(uc.dwHostNameLength == 14 && uc.lpszHostName && !wcsncmp(uc.lpszHostName, L"b\u00fccher.example", 14),
       "host %.*ls", (int)uc.dwHostNameLength, uc.lpszHostName ? uc.lpszHostName : L"");
}

/* ---- REQUEST_ANNOTATION, REQUEST_PRIORITY, USE_LOOKASIDE, ERROR_LOG_GUID ----------- */

/* Documented: a string attached to the request for the caller's own later
 * retrieval.  Sized in characters as the other string options (the docs
 * give no size rule: our reading), read back with the buffer protocol of
 * WINHTTP_OPTION_URL; longer than WINHTTP_OPTION_REQUEST_ANNOTATION_MAX_LENGTH
 * is refused (error not documented: ERROR_INVALID_PARAMETER here). */
static void test_request_annotation(void)
{
    struct fixture f;
    HINTERNET request;
    WCHAR buffer[32];
    DWORD size;
    static WCHAR big[WINHTTP_OPTION_REQUEST_ANNOTATION_MAX_LENGTH + 2];

    if (!fixture_open(&f)) return;
    serve_keepalive(server_add_connection(f.srv));
    request = open_request(&f, NULL);
    size = sizeof(buffer);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_REQUEST_ANNOTATION, buffer, &size), "query failed: %lu",
       GetLastError());
    ok_int(size, 0);
    ok(WinHttpSetOption(request, WINHTTP_OPTION_REQUEST_ANNOTATION, (void *)L"job-42", 6), "set failed: %lu",
       GetLastError());
    size = 2;
    ok_bool_err(WinHttpQueryOption(request, WINHTTP_OPTION_REQUEST_ANNOTATION, buffer, &size), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, 14);
    size = sizeof(buffer);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_REQUEST_ANNOTATION, buffer, &size), "query failed: %lu",
       GetLastError());
    ok_int(size, 12);
    ok_wstr(buffer, L"job-42");
    /* it stays the request's through a send */
    if (send_and_receive(request)) read_all(request);
    size = sizeof(buffer);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_REQUEST_ANNOTATION, buffer, &size) && !wcscmp(buffer, L"job-42"),
       "annotation lost: %lu", GetLastError());
    for (size_t i = 0; i < ARRAY_SIZE(big) - 1; i++) big[i] = 'a';
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_REQUEST_ANNOTATION, big,
                                 WINHTTP_OPTION_REQUEST_ANNOTATION_MAX_LENGTH + 1), FALSE, ERROR_INVALID_PARAMETER);
    ok_bool_err(WinHttpSetOption(f.session, WINHTTP_OPTION_REQUEST_ANNOTATION, (void *)L"x", 1), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
}

/* REQUEST_PRIORITY is documented as deprecated, with no effect (a request
 * DWORD, queried and set, in the table): kept and read back.  USE_LOOKASIDE,
 * ERROR_LOG_GUID and SESSION_ERROR_LOG_GUID are not described by the
 * documentation: what native does with them is unknown; this DLL keeps
 * them (see README). */
static void test_kept_options(void)
{
    static const GUID log_guid = { 0x10c0ffee, 0x5a5a, 0x4b4b, { 9, 8, 7, 6, 5, 4, 3, 2 } };
    struct fixture f;
    HINTERNET request;
    DWORD value = 7, size = sizeof(value);
    BOOL on = TRUE;
    GUID guid;

    if (!fixture_open(&f)) return;
    request = open_request(&f, NULL);
    ok(WinHttpSetOption(request, WINHTTP_OPTION_REQUEST_PRIORITY, &value, sizeof(value)), "set failed: %lu",
       GetLastError());
    value = 0;
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_REQUEST_PRIORITY, &value, &size), "query failed: %lu",
       GetLastError());
    ok_int(value, 7);
    ok(WinHttpSetOption(f.session, WINHTTP_OPTION_USE_LOOKASIDE, &on, sizeof(on)), "set failed: %lu",
       GetLastError());
    ok(WinHttpSetOption(f.session, WINHTTP_OPTION_SESSION_ERROR_LOG_GUID, (void *)&log_guid, sizeof(log_guid)),
       "set failed: %lu", GetLastError());
    size = sizeof(guid);
    ok(WinHttpQueryOption(f.session, WINHTTP_OPTION_SESSION_ERROR_LOG_GUID, &guid, &size) &&
       !memcmp(&guid, &log_guid, sizeof(guid)), "session GUID not kept: %lu", GetLastError());
    ok(WinHttpSetOption(request, WINHTTP_OPTION_ERROR_LOG_GUID, (void *)&log_guid, sizeof(log_guid)),
       "set failed: %lu", GetLastError());
    size = sizeof(guid);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_ERROR_LOG_GUID, &guid, &size) &&
       !memcmp(&guid, &log_guid, sizeof(guid)), "request GUID not kept: %lu", GetLastError());
    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
}

/* ---- REJECT_USERPWD_IN_URL -------------------------------------------------------- */

/* Documented: URLs with user-info ("u:p@host", even ":@host") are rejected
 * with ERROR_WINHTTP_INVALID_URL.  A request's URL enters WinHTTP as a host
 * and an object name; the URL that enters whole is a redirect's Location.
 * The scripted server is the proxy, so the redirect may name any host. */
static void check_userpwd_redirect(BOOL reject)
{
    struct fixture f;
    struct script *c;
    HINTERNET connect, request;
    BOOL on = TRUE;

    if (!fixture_open_proxy(&f, AGENT)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_send(c, "HTTP/1.1 302 Found\r\nLocation: http://u:p@other.example/next\r\nContent-Length: 0\r\n\r\n", 0);
    script_recv_request(c);
    script_respond(c, 200, NULL, "hello");
    script_repeat(c);

    connect = WinHttpConnect(f.session, L"first.example", 80, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    ok(request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    if (reject)
    {
        ok(WinHttpSetOption(request, WINHTTP_OPTION_REJECT_USERPWD_IN_URL, &on, sizeof(on)), "set failed: %lu",
           GetLastError());
        ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "send failed: %lu", GetLastError());
        ok_bool_err(WinHttpReceiveResponse(request, NULL), FALSE, ERROR_WINHTTP_INVALID_URL);
        ok_int(server_requests(f.srv), 1);
    }
    else if (send_and_receive(request))
    {
        const struct server_request *seen = server_request(f.srv, 1);

        ok_int(status_of(request), 200);
        ok(seen && !strncmp(seen->head, "GET http://other.example/next ", 30), "got %.50s",
           seen ? seen->head : "(none)");
    }
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    fixture_stop_now(&f);
}

static void test_reject_userpwd(void)
{
    struct fixture f;
    BOOL on = TRUE;

    check_userpwd_redirect(FALSE);
    check_userpwd_redirect(TRUE);
    /* the table: request handles only */
    if (!fixture_open(&f)) return;
    ok_bool_err(WinHttpSetOption(f.session, WINHTTP_OPTION_REJECT_USERPWD_IN_URL, &on, sizeof(on)), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    fixture_stop_now(&f);
}

/* ---- ENCODE_EXTRA ------------------------------------------------------------------ */

/* Documented: "Enables URL percent encoding for path and query string"
 * (session and request, BOOL).  WinHTTP already escapes unsafe characters
 * unless WINHTTP_FLAG_ESCAPE_DISABLE(_QUERY) says not to; our reading is
 * that the option asks for the encoding whatever those flags say ('%'
 * alone stays as WINHTTP_FLAG_ESCAPE_PERCENT says).  Native unverified. */
static void test_encode_extra(void)
{
    static const char *const want[] = {
        "GET /a<b>?q=\"x\"| HTTP/1.1\r\n",              /* escaping disabled */
        "GET /a%3Cb%3E?q=%22x%22%7C HTTP/1.1\r\n",      /* ENCODE_EXTRA on the request */
        "GET /a%3Cb%3E?q=%22x%22%7C HTTP/1.1\r\n",      /* ENCODE_EXTRA on the session */
    };
    struct fixture f;
    HINTERNET request;
    BOOL on = TRUE;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_add_connection(f.srv));
    for (int i = 0; i < 3; i++)
    {
        const struct server_request *seen;

        if (i == 2) ok(WinHttpSetOption(f.session, WINHTTP_OPTION_ENCODE_EXTRA, &on, sizeof(on)), "set failed: %lu",
                       GetLastError());
        request = WinHttpOpenRequest(f.connect, L"GET", L"/a<b>?q=\"x\"|", NULL, NULL, NULL,
                                     WINHTTP_FLAG_ESCAPE_DISABLE);
        ok(request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
        if (i == 1) ok(WinHttpSetOption(request, WINHTTP_OPTION_ENCODE_EXTRA, &on, sizeof(on)), "set failed: %lu",
                       GetLastError());
        if (send_and_receive(request)) read_all(request);
        WinHttpCloseHandle(request);
        seen = server_request(f.srv, i);
        ok(seen && !strncmp(seen->head, want[i], strlen(want[i])), "request %d: got %.60s", i,
           seen ? seen->head : "(none)");
    }
    fixture_stop_now(&f);
}

TEST_CASES(
    TEST(test_http_version_option),
    TEST(test_http_version_wire),
    TEST(test_connection_guid_reuse),
    TEST(test_expire_connection),
    TEST(test_match_connection_guid),
    TEST(test_match_connection_guid_errors),
    TEST(test_max_status_continue),
    TEST(test_request_times),
    TEST(test_request_stats),
    TEST(test_request_stats_connect_failure),
    TEST(test_async_expire_times),
    TEST(test_async_max_status_continue),
    TEST(test_buffer_sizes),
    TEST(test_assured_non_blocking),
    TEST(test_feature_supported),
    TEST(test_feature_supported_global),
    TEST(test_codepage_option),
    TEST(test_codepage_wire),
    TEST(test_require_stream_end),
    TEST(test_unsafe_header_parsing),
    TEST(test_idn_host),
    TEST(test_request_annotation),
    TEST(test_kept_options),
    TEST(test_reject_userpwd),
    TEST(test_encode_extra)
);

int main(int argc, char **argv)
{
    WSADATA data;

    WSAStartup(MAKEWORD(2, 2), &data);
    return harness_main(argc, argv, test_cases);
}
