/* Authentication: schemes offered by the server, credentials. */
#include "request.h"

BOOL WINAPI WinHttpQueryAuthSchemes(HINTERNET handle, LPDWORD supported, LPDWORD first, LPDWORD target)
{
    TRACE("%p, %p, %p, %p\n", handle, supported, first, target);
    NOT_IMPLEMENTED(FALSE);
}

BOOL WINAPI WinHttpSetCredentials(HINTERNET handle, DWORD target, DWORD scheme, LPCWSTR username,
                                  LPCWSTR password, LPVOID params)
{
    TRACE("%p, %lu, %#lx, %s, %p, %p\n", handle, target, scheme, debugstr_w(username), password, params);
    NOT_IMPLEMENTED(FALSE);
}
