/* Client steps the conformance programs share (client.h). */
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
