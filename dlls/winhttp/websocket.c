/* WebSocket.  Not implemented yet: each export says so with
 * ERROR_CALL_NOT_IMPLEMENTED and a FIXME. */
#include "winhttp_private.h"

HINTERNET WINAPI WinHttpWebSocketCompleteUpgrade(HINTERNET request, DWORD_PTR context)
{
    TRACE("%p, %Ix\n", request, context);
    NOT_IMPLEMENTED(NULL);
}

DWORD WINAPI WinHttpWebSocketSend(HINTERNET socket, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, PVOID buffer, DWORD size)
{
    TRACE("%p, %d, %p, %lu\n", socket, type, buffer, size);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpWebSocketReceive(HINTERNET socket, PVOID buffer, DWORD size, DWORD *read,
                                     WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    TRACE("%p, %p, %lu, %p, %p\n", socket, buffer, size, read, type);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpWebSocketShutdown(HINTERNET socket, USHORT status, PVOID reason, DWORD length)
{
    TRACE("%p, %u, %p, %lu\n", socket, status, reason, length);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpWebSocketClose(HINTERNET socket, USHORT status, PVOID reason, DWORD length)
{
    TRACE("%p, %u, %p, %lu\n", socket, status, reason, length);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpWebSocketQueryCloseStatus(HINTERNET socket, USHORT *status, PVOID reason, DWORD length,
                                              DWORD *consumed)
{
    TRACE("%p, %p, %p, %lu, %p\n", socket, status, reason, length, consumed);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}
