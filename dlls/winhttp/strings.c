/* Small string helpers for the Windows-side files. */
#include "winhttp_private.h"

WCHAR *strndupW(const WCHAR *str, size_t length)
{
    WCHAR *copy;

    if (!str) return NULL;
    if (!(copy = heap_alloc((length + 1) * sizeof(WCHAR)))) return NULL;
    memcpy(copy, str, length * sizeof(WCHAR));
    copy[length] = 0;
    return copy;
}

WCHAR *strdupW(const WCHAR *str)
{
    return str ? strndupW(str, lstrlenW(str)) : NULL;
}

/* CR or LF in a caller's string would let it inject protocol lines. */
BOOL contains_crlf(const WCHAR *str, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (str[i] == '\r' || str[i] == '\n') return TRUE;
    return FALSE;
}
