/* Conformance: the connection options of issue 14 against the scripted
 * server: TCP_KEEPALIVE, TCP_FAST_OPEN, IPV6_FAST_FALLBACK,
 * SOURCE_ADDRESS, RESOLUTION_HOSTNAME, FAILED_CONNECTION_RETRIES,
 * FIRST_AVAILABLE_CONNECTION, DISABLE_GLOBAL_POOLING,
 * RESOLVER_CACHE_CONFIG, CONNECTION_STATS_V0/V1, EXTENDED_ERROR,
 * WinHttpQueryConnectionGroup / WinHttpFreeQueryConnectionGroupResult,
 * BACKGROUND_CONNECTIONS, TCP_PRIORITY_HINT/STATUS, DSCP_TAG,
 * NETWORK_INTERFACE_AFFINITY, RECEIVE/IS_PROXY_CONNECT_RESPONSE and
 * DISABLE_PROXY_AUTH_SCHEMES (the scripted server as the proxy).
 *
 * The handle kinds are the documentation's option table (option-flags);
 * where the documentation says nothing (SOURCE_ADDRESS,
 * FAILED_CONNECTION_RETRIES, the error of a wrong size), a comment says
 * so and the case asserts only what follows from the names. */
#define NTDDI_VERSION 0x0A000006    /* TCP_INFO_v0 and v1 in MinGW's mstcpip.h */
#include "harness.h"
#include "client.h"
#include "server.h"
#include "winhttp.h"

#include <mstcpip.h>
#include <iphlpapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define AGENT L"opt-conn/1.0"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fixture: a server, a session and a connect handle to it ------------- */

static BOOL fixture_open_host(struct fixture *f, const WCHAR *host)
{
    return fixture_open_session(f, AGENT, host, 0, 3000);
}

static BOOL fixture_open(struct fixture *f)
{
    return fixture_open_host(f, L"127.0.0.1");
}

static HINTERNET open_request(HINTERNET connect)
{
    HINTERNET request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    ok(request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    return request;
}

/* A whole request on a handle of its own: sent, answered, read. */
static BOOL do_request(HINTERNET connect)
{
    HINTERNET request = open_request(connect);
    BOOL done = FALSE;

    if (send_and_receive(request))
    {
        ok_int(status_of(request), 200);
        ok_int(read_all(request), 5);
        done = TRUE;
    }
    WinHttpCloseHandle(request);
    return done;
}

static unsigned short unused_port(void)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    struct sockaddr_in addr = { AF_INET };
    int length = sizeof(addr);

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *)&addr, sizeof(addr));
    getsockname(s, (struct sockaddr *)&addr, &length);
    closesocket(s);
    return ntohs(addr.sin_port);
}

static SOCKADDR_IN loopback(BYTE last)
{
    SOCKADDR_IN addr = { AF_INET };
    addr.sin_addr.s_addr = htonl(0x7f000000 | last);
    return addr;
}

/* ---- handle kinds and sizes --------------------------------------------------- */

/* The documentation's table: these are set on session handles only, and
 * cannot be queried.  A wrong size fails; with which error the
 * documentation does not say (ERROR_INVALID_PARAMETER or
 * ERROR_INSUFFICIENT_BUFFER are both taken). */
static void test_session_options(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", 80, 0);
    HINTERNET request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    struct tcp_keepalive keepalive = { 1, 60000, 1000 };
    WINHTTP_RESOLVER_CACHE_CONFIG cache = { 16, 60, 1, WinHttpSecureDnsSettingDefault, 0,
                                            WINHTTP_RESOLVER_CACHE_CONFIG_FLAG_BYPASS_CACHE };
    BOOL on = TRUE;
    struct { DWORD option; void *value; DWORD size; } options[] =
    {
        { WINHTTP_OPTION_TCP_KEEPALIVE, &keepalive, sizeof(keepalive) },
        { WINHTTP_OPTION_TCP_FAST_OPEN, &on, sizeof(on) },
        { WINHTTP_OPTION_IPV6_FAST_FALLBACK, &on, sizeof(on) },
        { WINHTTP_OPTION_FIRST_AVAILABLE_CONNECTION, &on, sizeof(on) },
        { WINHTTP_OPTION_DISABLE_GLOBAL_POOLING, &on, sizeof(on) },
        { WINHTTP_OPTION_RESOLVER_CACHE_CONFIG, &cache, sizeof(cache) },
    };
    char buffer[sizeof(cache) + 8];
    DWORD size, error;
    BOOL ret;

    for (size_t i = 0; i < ARRAY_SIZE(options); i++)
    {
        SetLastError(0xdeadbeef);
        ret = WinHttpSetOption(session, options[i].option, options[i].value, options[i].size);
        ok(ret && GetLastError() == ERROR_SUCCESS, "option %lu on the session: %d, error %lu", options[i].option,
           ret, GetLastError());
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpSetOption(request, options[i].option, options[i].value, options[i].size), FALSE,
                    ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
        SetLastError(0xdeadbeef);
        ret = WinHttpSetOption(session, options[i].option, options[i].value, options[i].size - 1);
        error = GetLastError();
        ok(!ret && (error == ERROR_INVALID_PARAMETER || error == ERROR_INSUFFICIENT_BUFFER),
           "option %lu, one byte short: %d, error %lu", options[i].option, ret, error);
        size = sizeof(buffer);
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpQueryOption(session, options[i].option, buffer, &size), FALSE, ERROR_INVALID_PARAMETER);
    }

    /* a flag nobody defined, a secure DNS setting past the last */
    cache.ullFlags = 0x100;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(session, WINHTTP_OPTION_RESOLVER_CACHE_CONFIG, &cache, sizeof(cache)), FALSE,
                ERROR_INVALID_PARAMETER);
    cache.ullFlags = 0;
    cache.SecureDnsSetting = WinHttpSecureDnsSettingMax;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(session, WINHTTP_OPTION_RESOLVER_CACHE_CONFIG, &cache, sizeof(cache)), FALSE,
                ERROR_INVALID_PARAMETER);

    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* Request options: RESOLUTION_HOSTNAME (request only, set only), the
 * statistics (request only, query only); EXTENDED_ERROR (documented as
 * queried with any handle, NULL too). */
static void test_request_options(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", 80, 0);
    HINTERNET request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    static const DWORD stats[] = { WINHTTP_OPTION_CONNECTION_STATS_V0, WINHTTP_OPTION_CONNECTION_STATS_V1 };
    static const DWORD stats_size[] = { sizeof(TCP_INFO_v0), sizeof(TCP_INFO_v1) };
    static const WCHAR name[] = L"localhost";
    TCP_INFO_v1 info;
    DWORD size, value;

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_RESOLUTION_HOSTNAME, (void *)name, lstrlenW(name)), TRUE,
                ERROR_SUCCESS);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(session, WINHTTP_OPTION_RESOLUTION_HOSTNAME, (void *)name, lstrlenW(name)), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    size = sizeof(info);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(request, WINHTTP_OPTION_RESOLUTION_HOSTNAME, &info, &size), FALSE,
                ERROR_INVALID_PARAMETER);

    for (size_t i = 0; i < ARRAY_SIZE(stats); i++)
    {
        size = 0;
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpQueryOption(request, stats[i], NULL, &size), FALSE, ERROR_INSUFFICIENT_BUFFER);
        ok_int(size, stats_size[i]);
        size = sizeof(info);
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpQueryOption(session, stats[i], &info, &size), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
        /* no connection yet, as WINHTTP_OPTION_CONNECTION_INFO */
        size = sizeof(info);
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpQueryOption(request, stats[i], &info, &size), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
        SetLastError(0xdeadbeef);
        ok(!WinHttpSetOption(request, stats[i], &info, stats_size[i]), "setting statistics succeeded");
    }

    HINTERNET handles[] = { NULL, session, request };
    for (size_t i = 0; i < ARRAY_SIZE(handles); i++)
    {
        HINTERNET *h = &handles[i];

        size = sizeof(value);
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpQueryOption(*h, WINHTTP_OPTION_EXTENDED_ERROR, &value, &size), TRUE, ERROR_SUCCESS);
        ok_int(size, sizeof(DWORD));
        size = 0;
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpQueryOption(*h, WINHTTP_OPTION_EXTENDED_ERROR, NULL, &size), FALSE,
                    ERROR_INSUFFICIENT_BUFFER);
        ok_int(size, sizeof(DWORD));
    }
    value = 0;
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(request, WINHTTP_OPTION_EXTENDED_ERROR, &value, sizeof(value)), "set succeeded");

    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* ---- sockets -------------------------------------------------------------------- */

/* Keep-alive probes and Fast Open cannot be seen from here; a session
 * with them (and IPv6 fast fallback) still gets its answers, over
 * "localhost" too, whichever families it resolves to. */
static void test_socket_options(void)
{
    struct fixture f;
    struct tcp_keepalive keepalive = { 1, 30000, 1000 };
    BOOL on = TRUE;
    HINTERNET localhost;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_every_connection(f.srv));
    ok(WinHttpSetOption(f.session, WINHTTP_OPTION_TCP_KEEPALIVE, &keepalive, sizeof(keepalive)), "set failed: %lu",
       GetLastError());
    ok(WinHttpSetOption(f.session, WINHTTP_OPTION_TCP_FAST_OPEN, &on, sizeof(on)), "set failed: %lu",
       GetLastError());
    ok(WinHttpSetOption(f.session, WINHTTP_OPTION_IPV6_FAST_FALLBACK, &on, sizeof(on)), "set failed: %lu",
       GetLastError());
    ok(do_request(f.connect), "request failed");
    localhost = WinHttpConnect(f.session, L"localhost", server_port(f.srv), 0);
    ok(do_request(localhost), "request to localhost failed");
    WinHttpCloseHandle(localhost);
    fixture_stop_now(&f);
}

static BOOL local_address(HINTERNET request, SOCKADDR_IN *local)
{
    WINHTTP_CONNECTION_INFO info;
    DWORD size = sizeof(info);

    if (!WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_INFO, &info, &size)) return FALSE;
    memcpy(local, &info.LocalAddress, sizeof(*local));
    return TRUE;
}

/* The documentation's table does not list SOURCE_ADDRESS: a SOCKADDR_IN
 * (or a SOCKADDR_STORAGE holding one) is the local end of the sockets;
 * a request taking another source does not get a connection made from
 * the first. */
static void test_source_address(void)
{
    struct fixture f;
    SOCKADDR_IN two = loopback(2), three = loopback(3), local;
    SOCKADDR_STORAGE storage = { 0 };
    HINTERNET request;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_every_connection(f.srv));
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(f.session, WINHTTP_OPTION_SOURCE_ADDRESS, &two, sizeof(two)), TRUE, ERROR_SUCCESS);

    request = open_request(f.connect);
    if (send_and_receive(request) && local_address(request, &local))
        ok(local.sin_addr.s_addr == two.sin_addr.s_addr, "local address %#lx", (unsigned long)ntohl(local.sin_addr.s_addr));
    read_all(request);
    WinHttpCloseHandle(request);

    request = open_request(f.connect);
    memcpy(&storage, &three, sizeof(three));
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_SOURCE_ADDRESS, &storage, sizeof(storage)), TRUE,
                ERROR_SUCCESS);
    if (send_and_receive(request) && local_address(request, &local))
        ok(local.sin_addr.s_addr == three.sin_addr.s_addr, "local address %#lx",
           (unsigned long)ntohl(local.sin_addr.s_addr));
    read_all(request);
    WinHttpCloseHandle(request);

    /* the session's source again: the first connection, kept alive */
    request = open_request(f.connect);
    if (send_and_receive(request) && local_address(request, &local))
        ok(local.sin_addr.s_addr == two.sin_addr.s_addr, "local address %#lx", (unsigned long)ntohl(local.sin_addr.s_addr));
    read_all(request);
    WinHttpCloseHandle(request);
    ok_int(server_connections(f.srv), 2);

    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(f.session, WINHTTP_OPTION_SOURCE_ADDRESS, &two, 2), "a short address was taken");
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(f.connect, WINHTTP_OPTION_SOURCE_ADDRESS, &two, sizeof(two)), "set on a connect handle");
    fixture_stop_now(&f);
}

/* Documented: the caller's name is looked up instead of the URL's host;
 * the request still names its host (the Host header). */
static void test_resolution_hostname(void)
{
    static const WCHAR name[] = L"127.0.0.1";
    struct fixture f;
    struct script *c;
    HINTERNET request;
    char host[80];

    if (!fixture_open_host(&f, L"options-conn.invalid")) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "hello");
    script_close(c);

    request = open_request(f.connect);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_RESOLUTION_HOSTNAME, (void *)name, lstrlenW(name)), TRUE,
                ERROR_SUCCESS);
    if (send_and_receive(request))
    {
        ok_int(status_of(request), 200);
        ok_int(read_all(request), 5);
    }
    WinHttpCloseHandle(request);
    server_wait_idle(f.srv, 3000);
    sprintf(host, "\r\nHost: options-conn.invalid:%u\r\n", server_port(f.srv));
    ok(strstr(server_last_request(f.srv), host) != NULL, "request head: %s", server_last_request(f.srv));
    ok_int(server_requests(f.srv), 1);
    fixture_stop_now(&f);
}

/* ---- errors ------------------------------------------------------------------------ */

/* Documented: the Winsock error behind the ERROR_WINHTTP_* error last
 * returned on this thread.  A refused connection is WSAECONNREFUSED. */
static void test_extended_error(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", unused_port(), 0);
    HINTERNET request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    DWORD value = 0, size = sizeof(value);

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), FALSE, ERROR_WINHTTP_CANNOT_CONNECT);
    ok(WinHttpQueryOption(NULL, WINHTTP_OPTION_EXTENDED_ERROR, &value, &size), "query failed: %lu", GetLastError());
    ok_int(value, WSAECONNREFUSED);
    value = 0;
    size = sizeof(value);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_EXTENDED_ERROR, &value, &size), "query failed: %lu",
       GetLastError());
    ok_int(value, WSAECONNREFUSED);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* Not in the option table of the documentation; the conditions' names say
 * what they allow.  A 408 with WINHTTP_CONNECTION_RETRY_CONDITION_408:
 * the request goes again (on a new connection: the server closed its
 * one); without the option the 408 is the answer. */
static void test_failed_connection_retries(void)
{
    WINHTTP_FAILED_CONNECTION_RETRIES retries = { 1, WINHTTP_CONNECTION_RETRY_CONDITION_408 };
    struct fixture f;
    struct script *c;
    HINTERNET request;
    int i;

    if (!fixture_open(&f)) return;
    for (i = 0; i < 3; i++)
    {
        c = server_add_connection(f.srv);
        script_recv_request(c);
        if (i == 1) script_respond(c, 200, "Connection: close\r\n", "hello");
        else script_respond(c, 408, "Connection: close\r\n", "late!");
        script_close(c);
    }

    request = open_request(f.connect);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_FAILED_CONNECTION_RETRIES, &retries, sizeof(retries)), TRUE,
                ERROR_SUCCESS);
    if (send_and_receive(request))
    {
        ok_int(status_of(request), 200);
        ok_int(read_all(request), 5);
    }
    WinHttpCloseHandle(request);

    request = open_request(f.connect);
    if (send_and_receive(request)) ok_int(status_of(request), 408);
    read_all(request);
    WinHttpCloseHandle(request);
    server_wait_idle(f.srv, 3000);
    ok_int(server_requests(f.srv), 3);

    retries.dwAllowedRetryConditions = 0x80;
    SetLastError(0xdeadbeef);
    request = open_request(f.connect);
    ok(!WinHttpSetOption(request, WINHTTP_OPTION_FAILED_CONNECTION_RETRIES, &retries, sizeof(retries)),
       "an unknown condition was taken");
    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
}

/* ---- pooling -------------------------------------------------------------------------- */

/* Documented: DISABLE_GLOBAL_POOLING ends the cross-session pooling that
 * is the default.  Session A leaves an idle connection; session B (its own
 * pool) makes another, then reuses its own; session C (the global pool)
 * takes A's. */
static void test_disable_global_pooling(void)
{
    struct fixture f;
    HINTERNET b, b_connect, c, c_connect;
    BOOL on = TRUE;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_every_connection(f.srv));
    ok(do_request(f.connect), "request A failed");
    ok_int(server_connections(f.srv), 1);

    b = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    ok(WinHttpSetOption(b, WINHTTP_OPTION_DISABLE_GLOBAL_POOLING, &on, sizeof(on)), "set failed: %lu",
       GetLastError());
    b_connect = WinHttpConnect(b, L"127.0.0.1", server_port(f.srv), 0);
    ok(do_request(b_connect), "request B failed");
    ok_int(server_connections(f.srv), 2);
    ok(do_request(b_connect), "second request B failed");
    ok_int(server_connections(f.srv), 2);

    c = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    c_connect = WinHttpConnect(c, L"127.0.0.1", server_port(f.srv), 0);
    ok(do_request(c_connect), "request C failed");
    ok(do_request(c_connect), "second request C failed");
    ok_int(server_connections(f.srv), 2);

    WinHttpCloseHandle(c_connect);
    WinHttpCloseHandle(c);
    WinHttpCloseHandle(b_connect);
    WinHttpCloseHandle(b);
    fixture_stop_now(&f);
}

/* ---- WinHttpQueryConnectionGroup ------------------------------------------------------ */

typedef DWORD (WINAPI *query_group_fn)(HINTERNET, const GUID *, ULONGLONG, PWINHTTP_QUERY_CONNECTION_GROUP_RESULT *);
typedef VOID (WINAPI *free_group_fn)(WINHTTP_QUERY_CONNECTION_GROUP_RESULT *);

static ULONG total_connections(const WINHTTP_QUERY_CONNECTION_GROUP_RESULT *result)
{
    ULONG total = 0;

    for (ULONG h = 0; h < result->cHosts; h++)
        for (ULONG g = 0; g < result->pHostConnectionGroups[h].cConnectionGroups; g++)
            total += result->pHostConnectionGroups[h].pConnectionGroups[g].cConnections;
    return total;
}

/* Documented: on a connect handle, the host's https connections unless
 * WINHTTP_QUERY_CONNECTION_GROUP_FLAG_INSECURE; on a request handle, its
 * host's; only those of the GUID given.  Looked up at run time: Windows
 * before build 22000 and Wine's builtin lack them. */
static void test_query_connection_group(void)
{
    HMODULE module = GetModuleHandleW(L"winhttp.dll");
    query_group_fn query_group = (query_group_fn)(void *)GetProcAddress(module, "WinHttpQueryConnectionGroup");
    free_group_fn free_group = (free_group_fn)(void *)GetProcAddress(module, "WinHttpFreeQueryConnectionGroupResult");
    static const GUID other = { 0x0c0ffee0, 1, 2, { 3, 4, 5, 6, 7, 8, 9, 10 } };
    WINHTTP_QUERY_CONNECTION_GROUP_RESULT *result;
    struct fixture f;
    HINTERNET request;
    GUID guid;
    DWORD size = sizeof(guid), error;

    if (!query_group || !free_group)
    {
        ok(0, "WinHttpQueryConnectionGroup is not exported");
        return;
    }
    if (!fixture_open(&f)) return;
    serve_keepalive(server_every_connection(f.srv));
    request = open_request(f.connect);
    if (send_and_receive(request)) read_all(request);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_GUID, &guid, &size), "query failed: %lu",
       GetLastError());

    result = NULL;
    error = query_group(f.connect, NULL, WINHTTP_QUERY_CONNECTION_GROUP_FLAG_INSECURE, &result);
    ok_int(error, ERROR_SUCCESS);
    if (result)
    {
        ok_int(result->cHosts, 1);
        if (result->cHosts == 1)
        {
            const WINHTTP_HOST_CONNECTION_GROUP *host = &result->pHostConnectionGroups[0];
            ok_wstr(host->pwszHost, L"127.0.0.1");
            ok_int(host->cConnectionGroups, 1);
            if (host->cConnectionGroups == 1)
            {
                ok_int(host->pConnectionGroups[0].cConnections, 1);
                ok(IsEqualGUID(&host->pConnectionGroups[0].guidGroup, &guid), "another GUID");
            }
        }
        free_group(result);
    }

    /* the request's own host and scheme */
    result = NULL;
    ok_int(query_group(request, &guid, 0, &result), ERROR_SUCCESS);
    if (result) ok_int(total_connections(result), 1);
    free_group(result);

    /* https by default on a connect handle; another GUID */
    result = NULL;
    ok_int(query_group(f.connect, NULL, 0, &result), ERROR_SUCCESS);
    if (result) ok_int(total_connections(result), 0);
    free_group(result);
    result = NULL;
    ok_int(query_group(f.connect, &other, WINHTTP_QUERY_CONNECTION_GROUP_FLAG_INSECURE, &result), ERROR_SUCCESS);
    if (result) ok_int(total_connections(result), 0);
    free_group(result);

    result = (void *)0xdeadbeef;
    ok_int(query_group(f.session, NULL, 0, &result), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    ok_int(query_group(f.connect, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    free_group(NULL);

    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
}

/* ---- statistics ----------------------------------------------------------------------- */

/* Documented: TCP_INFO_v0/v1 of the request's connection.  Under Wine 8
 * the socket layer has no SIO_TCP_INFO: then the query fails with
 * ERROR_NOT_SUPPORTED (this DLL's choice; the documentation names no
 * error) and EXTENDED_ERROR says WSAEOPNOTSUPP. */
static void test_connection_stats(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    TCP_INFO_v1 info;
    DWORD size, extended = 0, extended_size = sizeof(extended);

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "hello");
    script_close(c);

    request = open_request(f.connect);
    if (send_and_receive(request))
    {
        /* the body is not read yet: the connection is still the request's */
        memset(&info, 0xcc, sizeof(info));
        size = sizeof(info);
        if (WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_STATS_V1, &info, &size))
        {
            ok_int(size, sizeof(TCP_INFO_v1));
            ok_int(info.State, TCPSTATE_ESTABLISHED);
            ok(info.BytesOut > 0 && info.BytesIn > 0, "bytes out %llu in %llu", info.BytesOut, info.BytesIn);
            size = sizeof(info);
            ok(WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_STATS_V0, &info, &size), "v0 failed: %lu",
               GetLastError());
            ok_int(size, sizeof(TCP_INFO_v0));
        }
        else
        {
            ok_err(ERROR_NOT_SUPPORTED);
            ok(WinHttpQueryOption(NULL, WINHTTP_OPTION_EXTENDED_ERROR, &extended, &extended_size),
               "query failed: %lu", GetLastError());
            ok_int(extended, WSAEOPNOTSUPP);
            skip("no SIO_TCP_INFO here (Wine 8)");
        }
        ok_int(read_all(request), 5);
    }
    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
}

/* ---- BACKGROUND_CONNECTIONS ----------------------------------------------------- */

/* Documented: set on a session, the number of connections to open; at the
 * first send WinHTTP opens that many in parallel instead of one, so later
 * requests to the same destination find them made.  The session keeps its
 * pool to itself (DISABLE_GLOBAL_POOLING) so that closing it closes them. */
static LONG wait_connections(struct server *srv, LONG want, DWORD ms)
{
    DWORD start = GetTickCount();

    while (server_connections(srv) < want && GetTickCount() - start < ms) Sleep(10);
    return server_connections(srv);
}

static void test_background_connections(void)
{
    struct fixture f;
    DWORD count = 3;
    BOOL on = TRUE;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_every_connection(f.srv));
    ok(WinHttpSetOption(f.session, WINHTTP_OPTION_DISABLE_GLOBAL_POOLING, &on, sizeof(on)), "set failed: %lu",
       GetLastError());
    ok(WinHttpSetOption(f.session, WINHTTP_OPTION_BACKGROUND_CONNECTIONS, &count, sizeof(count)),
       "set failed: %lu", GetLastError());
    ok(do_request(f.connect), "first request failed");
    ok_int(wait_connections(f.srv, 3, 2000), 3);
    /* later requests take the connections made: none more is opened */
    ok(do_request(f.connect), "second request failed");
    ok(do_request(f.connect), "third request failed");
    Sleep(50);
    ok_int(server_connections(f.srv), 3);
    ok_int(server_requests(f.srv), 3);
    fixture_stop_now(&f);

    /* without it, one */
    if (!fixture_open(&f)) return;
    serve_keepalive(server_every_connection(f.srv));
    ok(WinHttpSetOption(f.session, WINHTTP_OPTION_DISABLE_GLOBAL_POOLING, &on, sizeof(on)), "set failed: %lu",
       GetLastError());
    ok(do_request(f.connect), "request failed");
    Sleep(100);
    ok_int(server_connections(f.srv), 1);
    fixture_stop_now(&f);
}

/* ---- TCP_PRIORITY_HINT, TCP_PRIORITY_STATUS, DSCP_TAG ----------------------------------- */

/* Neither is in the documentation's table.  TCP_PRIORITY_STATUS is
 * documented as the hinted priority of the socket, set with
 * TCP_PRIORITY_HINT, pointing at SIO_SET_PRIORITY_HINT: the values are
 * taken to be SOCKET_PRIORITY_HINT's (0 very low .. 2 normal), a DWORD each
 * way (our reading).  A stack without the ioctl (Wine 8) cannot hint:
 * the status then fails with ERROR_NOT_SUPPORTED (this DLL's choice). */
static void test_tcp_priority(void)
{
    struct fixture f;
    HINTERNET request;
    DWORD value = 3, status = 99, size = sizeof(status);
    BOOL ret;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_every_connection(f.srv));
    ok_bool_err(WinHttpSetOption(f.session, WINHTTP_OPTION_TCP_PRIORITY_HINT, &value, sizeof(value)), FALSE,
                ERROR_INVALID_PARAMETER);
    value = 1;  /* low */
    ok(WinHttpSetOption(f.session, WINHTTP_OPTION_TCP_PRIORITY_HINT, &value, sizeof(value)), "set failed: %lu",
       GetLastError());
    request = open_request(f.connect);
    ok(!WinHttpQueryOption(request, WINHTTP_OPTION_TCP_PRIORITY_STATUS, &status, &size), "status before a send");
    if (send_and_receive(request))
    {
        size = sizeof(status);
        ret = WinHttpQueryOption(request, WINHTTP_OPTION_TCP_PRIORITY_STATUS, &status, &size);
        ok(ret ? status == 1 : GetLastError() == ERROR_NOT_SUPPORTED, "status: %d, %lu, error %lu", ret, status,
           GetLastError());
        value = 0;  /* very low, on the request's connection */
        ok(WinHttpSetOption(request, WINHTTP_OPTION_TCP_PRIORITY_HINT, &value, sizeof(value)), "set failed: %lu",
           GetLastError());
        size = sizeof(status);
        ret = WinHttpQueryOption(request, WINHTTP_OPTION_TCP_PRIORITY_STATUS, &status, &size);
        ok(ret ? status == 0 : GetLastError() == ERROR_NOT_SUPPORTED, "status: %d, %lu, error %lu", ret, status,
           GetLastError());
        ok_int(read_all(request), 5);
    }
    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
}

/* DSCP_TAG is not documented beyond its name: a DSCP value (0-63) marking
 * the connections' packets (IP_TOS / IPV6_TCLASS here).  What the packets
 * carry cannot be seen from a socket on loopback without raw sockets; the
 * case asserts the range and that a marked connection carries requests. */
static void test_dscp_tag(void)
{
    struct fixture f;
    HINTERNET request;
    DWORD value = 64;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_every_connection(f.srv));
    ok_bool_err(WinHttpSetOption(f.session, WINHTTP_OPTION_DSCP_TAG, &value, sizeof(value)), FALSE,
                ERROR_INVALID_PARAMETER);
    value = 46;     /* expedited forwarding */
    ok(WinHttpSetOption(f.session, WINHTTP_OPTION_DSCP_TAG, &value, sizeof(value)), "set failed: %lu",
       GetLastError());
    request = open_request(f.connect);
    value = 10;
    ok(WinHttpSetOption(request, WINHTTP_OPTION_DSCP_TAG, &value, sizeof(value)), "set failed: %lu", GetLastError());
    if (send_and_receive(request))
    {
        ok_int(status_of(request), 200);
        ok_int(read_all(request), 5);
    }
    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
}

/* ---- NETWORK_INTERFACE_AFFINITY ------------------------------------------------------ */

/* Not in the documentation's table: an interface index (a DWORD), the
 * sockets bound to that interface's address (our reading).  The loopback
 * interface's index is looked up with GetAdaptersAddresses; a second
 * interface with an IPv4 address, if there is one, shows the binding: a
 * connection to 127.0.0.1 then comes from that address. */
typedef ULONG (WINAPI *adapters_fn)(ULONG, ULONG, void *, void *, ULONG *);

struct iface { DWORD index; SOCKADDR_IN address; };

static int find_interfaces(struct iface *out, int max)
{
    HMODULE iphlpapi = LoadLibraryA("iphlpapi.dll");
    adapters_fn get = iphlpapi ? (adapters_fn)(void *)GetProcAddress(iphlpapi, "GetAdaptersAddresses") : NULL;
    ULONG size = 65536;
    IP_ADAPTER_ADDRESSES *list = malloc(size), *a;
    int count = 0;

    if (get && list && !get(AF_INET, 0x0e /* skip anycast, multicast, DNS servers */, NULL, list, &size))
        for (a = list; a && count < max; a = a->Next)
            if (a->FirstUnicastAddress && a->FirstUnicastAddress->Address.lpSockaddr->sa_family == AF_INET)
            {
                out[count].index = a->IfIndex;
                memcpy(&out[count].address, a->FirstUnicastAddress->Address.lpSockaddr, sizeof(SOCKADDR_IN));
                count++;
            }
    free(list);
    if (iphlpapi) FreeLibrary(iphlpapi);
    return count;
}

static void test_interface_affinity(void)
{
    struct iface ifaces[8];
    int count = find_interfaces(ifaces, ARRAY_SIZE(ifaces)), other = -1;
    struct fixture f;
    HINTERNET request;
    SOCKADDR_IN local;
    DWORD value = 0x7ffffff0;

    if (!fixture_open(&f)) return;
    serve_keepalive(server_every_connection(f.srv));
    /* an index no interface has: refused (error not documented) */
    ok(!WinHttpSetOption(f.session, WINHTTP_OPTION_NETWORK_INTERFACE_AFFINITY, &value, sizeof(value)),
       "unknown interface accepted");
    for (int i = 0; i < count; i++)
        if (ifaces[i].address.sin_addr.s_addr != htonl(INADDR_LOOPBACK)) other = i;
    if (other < 0) skip("no interface but loopback with an IPv4 address");
    else
    {
        ok(WinHttpSetOption(f.session, WINHTTP_OPTION_NETWORK_INTERFACE_AFFINITY, &ifaces[other].index,
                            sizeof(DWORD)), "set failed: %lu", GetLastError());
        request = open_request(f.connect);
        if (send_and_receive(request) && local_address(request, &local))
        {
            ok(local.sin_addr.s_addr == ifaces[other].address.sin_addr.s_addr, "local address %08lx, want %08lx",
               (unsigned long)ntohl(local.sin_addr.s_addr),
               (unsigned long)ntohl(ifaces[other].address.sin_addr.s_addr));
            read_all(request);
        }
        WinHttpCloseHandle(request);
    }
    fixture_stop_now(&f);
}

/* ---- RECEIVE_PROXY_CONNECT_RESPONSE, IS_PROXY_CONNECT_RESPONSE -------------------------- */

/* Documented: RECEIVE_PROXY_CONNECT_RESPONSE (session and request, BOOL,
 * set) "sets whether or not the proxy response entity can be retrieved",
 * off by default; IS_PROXY_CONNECT_RESPONSE (session and request, BOOL,
 * query) "gets whether or not a Proxy Return Connect Response can be
 * retrieved".  Read here as: with the option, a proxy's refusal of the
 * CONNECT tunnel (a 403 here) is the request's response, status and body,
 * and IS_PROXY_CONNECT_RESPONSE on the request says so.  Without it the
 * request cannot connect (proxy.c).  The scripted server is the proxy. */
static void check_connect_response(BOOL receive, BOOL on_session)
{
    struct fixture f;
    struct script *c;
    HINTERNET connect, request;
    BOOL on = TRUE, is = 2;
    DWORD size = sizeof(is);
    char body[16] = "";

    if (!fixture_open_proxy(&f, AGENT)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_send(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\nX-Proxy: yes\r\n\r\ndenied", 0);
    script_close(c);
    if (receive && on_session)
        ok(WinHttpSetOption(f.session, WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE, &on, sizeof(on)),
           "set failed: %lu", GetLastError());
    connect = WinHttpConnect(f.session, L"secure.example", 443, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    if (receive && !on_session)
        ok(WinHttpSetOption(request, WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE, &on, sizeof(on)),
           "set failed: %lu", GetLastError());
    if (!receive)
    {
        ok(!WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(request, NULL),
           "a refused tunnel succeeded");
    }
    else if (send_and_receive(request))
    {
        DWORD got = 0;

        ok_int(status_of(request), 403);
        ok(WinHttpReadData(request, body, sizeof(body) - 1, &got), "read failed: %lu", GetLastError());
        ok(!strcmp(body, "denied"), "body %s", body);
        ok(WinHttpQueryOption(request, WINHTTP_OPTION_IS_PROXY_CONNECT_RESPONSE, &is, &size), "query failed: %lu",
           GetLastError());
        ok_int(is, TRUE);
    }
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    fixture_stop_now(&f);
}

static void test_proxy_connect_response(void)
{
    struct fixture f;
    HINTERNET request;
    BOOL is = 2;
    DWORD size = sizeof(is);

    check_connect_response(FALSE, FALSE);
    check_connect_response(TRUE, FALSE);
    check_connect_response(TRUE, TRUE);
    /* a direct request's response is the origin's */
    if (!fixture_open(&f)) return;
    serve_keepalive(server_every_connection(f.srv));
    request = open_request(f.connect);
    if (send_and_receive(request))
    {
        ok(WinHttpQueryOption(request, WINHTTP_OPTION_IS_PROXY_CONNECT_RESPONSE, &is, &size), "query failed: %lu",
           GetLastError());
        ok_int(is, FALSE);
        read_all(request);
    }
    WinHttpCloseHandle(request);
    fixture_stop_now(&f);
}

/* ---- DISABLE_PROXY_AUTH_SCHEMES ---------------------------------------------------------- */

/* Documented (session): the schemes not used with a proxy.  A proxy asking
 * for Basic with credentials given as options: answered, unless Basic is
 * disabled, when the 407 is the response and no Proxy-Authorization was
 * sent.  The scripted server is the (plain http) proxy. */
static void check_proxy_basic(BOOL disable)
{
    struct fixture f;
    struct script *c;
    HINTERNET connect, request;
    DWORD schemes = WINHTTP_PROXY_DISABLE_SCHEME_BASIC;
    const struct server_request *seen;

    if (!fixture_open_proxy(&f, AGENT)) return;
    c = server_every_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 407, "Proxy-Authenticate: Basic realm=\"p\"\r\n", "no");
    script_recv_request(c);
    script_respond(c, 200, NULL, "hello");
    script_repeat(c);
    if (disable)
        ok(WinHttpSetOption(f.session, WINHTTP_OPTION_DISABLE_PROXY_AUTH_SCHEMES, &schemes, sizeof(schemes)),
           "set failed: %lu", GetLastError());
    connect = WinHttpConnect(f.session, L"plain.example", 80, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    ok(WinHttpSetOption(request, WINHTTP_OPTION_PROXY_USERNAME, (void *)L"user", 4), "set failed: %lu",
       GetLastError());
    ok(WinHttpSetOption(request, WINHTTP_OPTION_PROXY_PASSWORD, (void *)L"pass", 4), "set failed: %lu",
       GetLastError());
    if (send_and_receive(request))
    {
        ok_int(status_of(request), disable ? 407 : 200);
        ok_int(server_requests(f.srv), disable ? 1 : 2);
        seen = server_request(f.srv, 1);
        ok(disable ? !seen : seen && strstr(seen->head, "\r\nProxy-Authorization: Basic dXNlcjpwYXNz\r\n") != NULL,
           "second request: %s", seen ? seen->head : "(none)");
        read_all(request);
    }
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    fixture_stop_now(&f);
}

static void test_disable_proxy_auth_schemes(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    DWORD value = 0x80000000;

    /* bits it does not know: refused (error not documented) */
    ok(!WinHttpSetOption(session, WINHTTP_OPTION_DISABLE_PROXY_AUTH_SCHEMES, &value, sizeof(value)),
       "unknown bits accepted");
    WinHttpCloseHandle(session);
    check_proxy_basic(FALSE);
    check_proxy_basic(TRUE);
}

TEST_CASES(
    TEST(test_session_options),
    TEST(test_request_options),
    TEST(test_socket_options),
    TEST(test_source_address),
    TEST(test_resolution_hostname),
    TEST(test_extended_error),
    TEST(test_failed_connection_retries),
    TEST(test_disable_global_pooling),
    TEST(test_query_connection_group),
    TEST(test_connection_stats),
    TEST(test_background_connections),
    TEST(test_tcp_priority),
    TEST(test_dscp_tag),
    TEST(test_interface_affinity),
    TEST(test_proxy_connect_response),
    TEST(test_disable_proxy_auth_schemes)
);

int main(int argc, char **argv)
{
    WSADATA data;

    WSAStartup(MAKEWORD(2, 2), &data);
    return harness_main(argc, argv, test_cases);
}
