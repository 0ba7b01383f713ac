/* UTF-16 strings for the pure-C parts, which must build without <windows.h>
 * (on the host, for unit tests and fuzzing).  wchar16 has WCHAR's layout. */
#ifndef WINHTTP_WCHAR16_H
#define WINHTTP_WCHAR16_H

#include <stddef.h>
#include <stdint.h>

typedef uint16_t wchar16;

static inline size_t wcslen16(const wchar16 *str)
{
    size_t n = 0;
    while (str[n]) n++;
    return n;
}

#endif
