/* Internal declarations shared by the Windows-side files of the DLL. */
#ifndef WINHTTP_PRIVATE_H
#define WINHTTP_PRIVATE_H

#define WINHTTP_BUILDING_DLL
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include "winhttp.h"

#include "debug.h"
#include "handle.h"
#include "notify.h"

/* the DLL's module handle (main.c) */
extern HINSTANCE winhttp_instance;

/* the COM object's window class goes when the DLL is unloaded (com_events.c) */
void com_events_unload(void);

/* strings */
WCHAR *strdupW(const WCHAR *str);
WCHAR *strndupW(const WCHAR *str, size_t length);
BOOL contains_crlf(const WCHAR *str, size_t length);
WCHAR *host_to_ascii(const WCHAR *host, size_t length);

static inline void *heap_alloc(size_t size) { return HeapAlloc(GetProcessHeap(), 0, size); }
static inline void *heap_alloc_zero(size_t size) { return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size); }
static inline void heap_free(void *ptr) { if (ptr) HeapFree(GetProcessHeap(), 0, ptr); }

/* Moves the unconsumed part of a receive buffer, [*start, *end), to its
 * front; a no-op when there is nothing before it. */
static inline void buffer_compact(char *buffer, size_t *start, size_t *end)
{
    if (*start == *end) *start = *end = 0;
    else if (*start)
    {
        memmove(buffer, buffer + *start, *end - *start);
        *end -= *start;
        *start = 0;
    }
}

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Fail an API call: set the last error and return the given value. */
#define FAIL(error, value) (SetLastError(error), (value))

/* An export whose implementation has not landed yet says so honestly:
 * a FIXME trace and ERROR_CALL_NOT_IMPLEMENTED. */
#define NOT_IMPLEMENTED(value)                          \
    do {                                                \
        FIXME("not implemented\n");                     \
        return FAIL(ERROR_CALL_NOT_IMPLEMENTED, value); \
    } while (0)

#endif
