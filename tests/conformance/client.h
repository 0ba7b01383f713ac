/* Client steps the conformance programs share, each checking what it
 * did with ok(): only <windows.h> and the public winhttp.h. */
#ifndef CONFORMANCE_CLIENT_H
#define CONFORMANCE_CLIENT_H

#include "harness.h"
#include "winhttp.h"

/* WinHttpSendRequest with nothing, then WinHttpReceiveResponse. */
BOOL send_and_receive(HINTERNET request);
/* The response's status code (0 when it cannot be read). */
DWORD status_of(HINTERNET request);

#endif
