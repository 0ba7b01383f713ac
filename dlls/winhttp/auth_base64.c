/* Base64: see auth_base64.h. */
#include <stdlib.h>
#include <string.h>

#include "auth_base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const char *prefix, const void *data, size_t len)
{
    const unsigned char *in = data;
    size_t prefix_len = strlen(prefix);
    char *out, *p;

    if (len > ((size_t)-1 - prefix_len - 1) / 4 * 3 - 3) return NULL;
    if (!(out = malloc(prefix_len + (len + 2) / 3 * 4 + 1))) return NULL;
    memcpy(out, prefix, prefix_len);
    p = out + prefix_len;
    for (size_t i = 0; i < len; i += 3)
    {
        unsigned v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
        *p++ = alphabet[v >> 18];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        *p++ = i + 2 < len ? alphabet[v & 63] : '=';
    }
    *p = 0;
    return out;
}

static int sextet(char c)
{
    const char *at = c ? strchr(alphabet, c) : NULL;
    return at ? (int)(at - alphabet) : -1;
}

int base64_decode(const char *text, size_t len, unsigned char **out, size_t *out_len)
{
    size_t pad = 0, n = 0;
    unsigned char *bytes;

    *out = NULL;
    *out_len = 0;
    if (len % 4) return -1;
    if (len && text[len - 1] == '=') pad++;
    if (len > 1 && text[len - 2] == '=') pad++;
    if (!(bytes = malloc(len / 4 * 3 + 1))) return -1;
    for (size_t i = 0; i < len; i += 4)
    {
        unsigned v = 0;
        for (size_t j = 0; j < 4; j++)
        {
            int s = i + j >= len - pad ? 0 : sextet(text[i + j]);
            if (s < 0)
            {
                free(bytes);
                return -1;
            }
            v = v << 6 | (unsigned)s;
        }
        bytes[n++] = (unsigned char)(v >> 16);
        bytes[n++] = (unsigned char)(v >> 8);
        bytes[n++] = (unsigned char)v;
    }
    *out = bytes;
    *out_len = n - pad;
    return 0;
}
