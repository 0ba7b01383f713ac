/* The client side of the conformance programs' HTTP/2 mode (harness.h):
 * included after winhttp.h by the programs that run in it, it makes every
 * WinHttpOpenRequest of theirs a request over TLS that asks for HTTP/2, to
 * the nginx front the scripted server listens behind.  Outside that mode
 * nothing changes. */
#ifndef CONFORMANCE_MODE_H
#define CONFORMANCE_MODE_H

#include "harness.h"
#include "winhttp.h"

/* WinHttpOpenRequest; in HTTP/2 mode with WINHTTP_FLAG_SECURE added and
 * WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL set to HTTP/2 on the new request. */
HINTERNET WINAPI mode_open_request(HINTERNET connect, const WCHAR *verb, const WCHAR *object,
                                   const WCHAR *version, const WCHAR *referrer, const WCHAR **types,
                                   DWORD flags);
#define WinHttpOpenRequest mode_open_request

/* The scheme of the scripted server's URLs: "https" in HTTP/2 mode, else "http". */
const char *mode_scheme(void);
const WCHAR *mode_scheme_w(void);

#endif
