/* Client steps the conformance programs share (client.h). */
#include <string.h>

#include "client.h"

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

void fixture_finish(struct fixture *f)
{
    if (f->connect) WinHttpCloseHandle(f->connect);
    if (f->session) WinHttpCloseHandle(f->session);
    f->connect = f->session = NULL;
    ok(server_wait_idle(f->srv, 5000), "server did not finish its scripts");
}
