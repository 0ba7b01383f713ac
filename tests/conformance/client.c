/* Client steps the conformance programs share (client.h). */
#include <string.h>
#include <wchar.h>

#include "client.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

BOOL send_and_receive(HINTERNET request)
{
    BOOL ret = WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0);
    ok(ret, "WinHttpSendRequest failed: %lu", GetLastError());
    if (!ret) return FALSE;
    ret = WinHttpReceiveResponse(request, NULL);
    ok(ret, "WinHttpReceiveResponse failed: %lu", GetLastError());
    return ret;
}

DWORD status_of(HINTERNET request)
{
    DWORD status = 0, size = sizeof(status);
    BOOL ret = WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL,
                                   &status, &size, NULL);
    ok(ret, "query status failed: %lu", GetLastError());
    return status;
}

DWORD read_all(HINTERNET request)
{
    char buffer[256];
    DWORD total = 0, got;

    do
    {
        got = 0;
        if (!WinHttpReadData(request, buffer, sizeof(buffer), &got))
        {
            ok(0, "WinHttpReadData failed: %lu", GetLastError());
            break;
        }
        total += got;
    } while (got);
    return total;
}

BOOL fixture_open_session(struct fixture *f, const WCHAR *agent, const WCHAR *host, DWORD flags, int timeout_ms)
{
    memset(f, 0, sizeof(*f));
    if (!(f->srv = server_start()))
    {
        ok(0, "server_start failed");
        return FALSE;
    }
    server_set_timeout(f->srv, 3000);
    f->session = WinHttpOpen(agent, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, flags);
    ok(f->session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    WinHttpSetTimeouts(f->session, timeout_ms, timeout_ms, timeout_ms, timeout_ms);
    f->connect = WinHttpConnect(f->session, host, server_port(f->srv), 0);
    ok(f->connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    return f->session && f->connect;
}

BOOL fixture_open_proxy(struct fixture *f, const WCHAR *agent)
{
    WCHAR proxy[32];

    memset(f, 0, sizeof(*f));
    if (!(f->srv = server_start()))
    {
        ok(0, "server_start failed");
        return FALSE;
    }
    server_set_timeout(f->srv, 3000);
    swprintf(proxy, ARRAY_SIZE(proxy), L"127.0.0.1:%u", server_port(f->srv));
    f->session = WinHttpOpen(agent, WINHTTP_ACCESS_TYPE_NAMED_PROXY, proxy, WINHTTP_NO_PROXY_BYPASS, 0);
    ok(f->session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    WinHttpSetTimeouts(f->session, 3000, 3000, 3000, 3000);
    return f->session != NULL;
}

void fixture_finish(struct fixture *f)
{
    if (f->connect) WinHttpCloseHandle(f->connect);
    if (f->session) WinHttpCloseHandle(f->session);
    f->connect = f->session = NULL;
    ok(server_wait_idle(f->srv, 5000), "server did not finish its scripts");
}

void fixture_stop_now(struct fixture *f)
{
    if (f->connect) WinHttpCloseHandle(f->connect);
    if (f->session) WinHttpCloseHandle(f->session);
    f->connect = f->session = NULL;
    ok(!server_errors(f->srv), "server errors: %s", server_error_text(f->srv));
    server_stop(f->srv);
}

void serve_keepalive(struct script *c)
{
    script_recv_request(c);
    script_respond(c, 200, NULL, "hello");
    script_repeat(c);
}
