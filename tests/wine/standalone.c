/* What Wine's test.h needs from its host beyond the C runtime, for Wine's own
 * winhttp tests built as standalone Windows programs (tools/wine-tests).
 *
 * Under Wine, ntdll provides __wine_dbg_strdup; on Windows nothing does, and
 * these programs must run on both.  wine/debug.h's string helpers format
 * into a stack buffer and hand it here to outlive the call: a ring of
 * per-thread buffers, long enough for the few strings one trace line
 * formats. */
#include <string.h>

#define RING_SIZE 32
#define STRING_MAX 1024

const char *__cdecl __wine_dbg_strdup(const char *str)
{
    static __thread char ring[RING_SIZE][STRING_MAX];
    static __thread unsigned int next;
    char *copy = ring[next++ % RING_SIZE];
    size_t length = strlen(str);

    if (length >= STRING_MAX) length = STRING_MAX - 1;
    memcpy(copy, str, length);
    copy[length] = 0;
    return copy;
}
