/* The keep-alive connection pool (lands with the HTTP/1.1 engine) and the
 * connection-group queries over it. */
#include "winhttp_private.h"

DWORD WINAPI WinHttpQueryConnectionGroup(HINTERNET handle, const GUID *connection, ULONGLONG flags,
                                         PWINHTTP_QUERY_CONNECTION_GROUP_RESULT *result)
{
    TRACE("%p, %p, %#I64x, %p\n", handle, connection, flags, result);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

VOID WINAPI WinHttpFreeQueryConnectionGroupResult(WINHTTP_QUERY_CONNECTION_GROUP_RESULT *result)
{
    TRACE("%p\n", result);
    FIXME("not implemented\n");
}
