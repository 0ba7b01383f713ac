/* The client side of the HTTP/2 mode (mode.h). */
#include "harness.h"
#include "winhttp.h"
#include "mode.h"

#undef WinHttpOpenRequest

/* Each case's scripted server is new, so over HTTP/1.1 a case's first
 * request always opens a connection; behind the fronts, servers share the
 * fronts' ports, so a session keeps its own connections (an earlier case's
 * would be found otherwise) and they end with it. */
static void keep_own_connections(HINTERNET connect)
{
    HINTERNET session = NULL;
    DWORD size = sizeof(session), on = TRUE;

    if (!WinHttpQueryOption(connect, WINHTTP_OPTION_PARENT_HANDLE, &session, &size) || !session)
        return;
    ok(WinHttpSetOption(session, WINHTTP_OPTION_DISABLE_GLOBAL_POOLING, &on, sizeof(on)),
       "HTTP/2 mode: DISABLE_GLOBAL_POOLING failed: %lu", GetLastError());
}

HINTERNET WINAPI mode_open_request(HINTERNET connect, const WCHAR *verb, const WCHAR *object,
                                   const WCHAR *version, const WCHAR *referrer, const WCHAR **types,
                                   DWORD flags)
{
    DWORD protocols = WINHTTP_PROTOCOL_FLAG_HTTP2;
    HINTERNET request;

    if (!harness_http2_mode())
        return WinHttpOpenRequest(connect, verb, object, version, referrer, types, flags);
    keep_own_connections(connect);
    request = WinHttpOpenRequest(connect, verb, object, version, referrer, types, flags | WINHTTP_FLAG_SECURE);
    if (request)
        ok(WinHttpSetOption(request, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &protocols, sizeof(protocols)),
           "HTTP/2 mode: ENABLE_HTTP_PROTOCOL failed: %lu", GetLastError());
    return request;
}

const char *mode_scheme(void)
{
    return harness_http2_mode() ? "https" : "http";
}

const WCHAR *mode_scheme_w(void)
{
    return harness_http2_mode() ? L"https" : L"http";
}
