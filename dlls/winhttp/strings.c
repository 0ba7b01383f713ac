/* Small string helpers for the Windows-side files. */
#include <limits.h>

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

/* A host name as it goes to DNS, into the Host header and the request
 * line: a name with characters past ASCII (an internationalized domain
 * name) becomes its ASCII form, its labels in Punycode (IdnToAscii,
 * RFC 3490), as WinINet documents for Unicode URLs; an ASCII name, an
 * address or a name IdnToAscii refuses is kept as given (and goes to
 * the resolver as it is). */
WCHAR *host_to_ascii(const WCHAR *host, size_t length)
{
    WCHAR *ascii;
    size_t i;
    int count;

    for (i = 0; i < length && host[i] < 0x80; i++) ;
    if (i == length || length > INT_MAX) return strndupW(host, length);
    if ((count = IdnToAscii(0, host, (int)length, NULL, 0)) <= 0)
    {
        WARN("%s: not a domain name (%lu)\n", debugstr_wn(host, (int)length), GetLastError());
        return strndupW(host, length);
    }
    if (!(ascii = heap_alloc((count + 1) * sizeof(WCHAR)))) return NULL;
    IdnToAscii(0, host, (int)length, ascii, count);
    ascii[count] = 0;
    TRACE("%s -> %s\n", debugstr_wn(host, (int)length), debugstr_w(ascii));
    return ascii;
}
