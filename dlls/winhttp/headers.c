/* Request and response headers: add, replace, coalesce, query.  The header
 * list lands with the HTTP/1.1 engine. */
#include "request.h"

BOOL WINAPI WinHttpAddRequestHeaders(HINTERNET handle, LPCWSTR headers, DWORD length, DWORD modifiers)
{
    TRACE("%p, %s, %lu, %#lx\n", handle, debugstr_wn(headers, length == ~0u ? -1 : (int)length), length, modifiers);
    NOT_IMPLEMENTED(FALSE);
}

DWORD WINAPI WinHttpAddRequestHeadersEx(HINTERNET handle, DWORD modifiers, ULONGLONG flags, ULONGLONG extra,
                                        DWORD count, WINHTTP_EXTENDED_HEADER *headers)
{
    TRACE("%p, %#lx, %#I64x, %#I64x, %lu, %p\n", handle, modifiers, flags, extra, count, headers);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

BOOL WINAPI WinHttpQueryHeaders(HINTERNET handle, DWORD level, LPCWSTR name, LPVOID buffer, LPDWORD size,
                                LPDWORD index)
{
    TRACE("%p, %#lx, %s, %p, %p, %p\n", handle, level, debugstr_w(name), buffer, size, index);
    NOT_IMPLEMENTED(FALSE);
}

DWORD WINAPI WinHttpQueryHeadersEx(HINTERNET handle, DWORD level, ULONGLONG flags, UINT codepage, PDWORD index,
                                   PWINHTTP_HEADER_NAME name, PVOID buffer, PDWORD size,
                                   PWINHTTP_EXTENDED_HEADER *headers, PDWORD count)
{
    TRACE("%p, %#lx, %#I64x, %u, %p, %p, %p, %p, %p, %p\n", handle, level, flags, codepage, index, name, buffer,
          size, headers, count);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}
