/* An independent reference for UTF-8 validity, written from code point
 * arithmetic rather than byte tables, for the WebSocket codec's unit test
 * and fuzzer to check ws_frame.c's validator against. */
#ifndef TESTS_UTF8_REFERENCE_H
#define TESTS_UTF8_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

/* The first byte no valid text could go on with, from code point
 * arithmetic; len if none, *truncated when the end cuts a sequence. */
static inline size_t reference_utf8_error(const unsigned char *s, size_t len, int *truncated)
{
    static const uint32_t min_for_length[] = { 0, 0x80, 0x800, 0x10000 };

    *truncated = 0;
    for (size_t i = 0; i < len;)
    {
        unsigned char lead = s[i];
        int more = lead < 0x80 ? 0 : lead < 0xC0 ? -1 : lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : lead < 0xF8 ? 3 : -1;
        uint32_t cp;

        if (more < 0) return i;
        cp = lead & (0x7F >> more);
        for (int k = 0; k <= more; k++)
        {
            int bits_left = 6 * (more - k);
            uint32_t lowest, highest;

            if (k)
            {
                if (i + k >= len)
                {
                    *truncated = 1;
                    return len;
                }
                if ((s[i + k] & 0xC0) != 0x80) return i + k;
                cp = cp << 6 | (s[i + k] & 0x3F);
            }
            lowest = cp << bits_left;
            highest = lowest | ((1u << bits_left) - 1);
            if (highest < min_for_length[more] || lowest > 0x10FFFF || (lowest >= 0xD800 && highest <= 0xDFFF))
                return i + k;
        }
        i += more + 1;
    }
    return len;
}

#endif
