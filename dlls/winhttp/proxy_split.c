/* Proxy settings taken apart for WINHTTP_PROXY_SETTINGS_EX.  Pure C: see
 * proxy_split.h.  Nothing reads past a given length or writes past a
 * given capacity. */
#include "proxy_split.h"
#include "proxy_text.h"

static int is_bypass_separator(wchar16 c)
{
    return c == ';' || c == ',' || text_is_space(c);
}

int proxy_bypass_next(const wchar16 *list, size_t len, size_t *pos, const wchar16 **entry, size_t *entry_len)
{
    size_t i = *pos, start;

    while (i < len && is_bypass_separator(list[i])) i++;
    start = i;
    while (i < len && !is_bypass_separator(list[i])) i++;
    *pos = i;
    *entry = list + start;
    *entry_len = i - start;
    return i > start;
}

/* Appends text to out[*n..) while it fits; *n counts every character. */
static void put(wchar16 *out, size_t capacity, size_t *n, const wchar16 *text, size_t len)
{
    for (size_t i = 0; i < len; i++, (*n)++)
        if (*n < capacity) out[*n] = text[i];
}

static void put_ascii(wchar16 *out, size_t capacity, size_t *n, const char *text)
{
    for (; *text; text++, (*n)++)
        if (*n < capacity) out[*n] = (unsigned char)*text;
}

size_t proxy_entry_url(const struct proxy_entry *entry, wchar16 *out, size_t capacity)
{
    char port[8];
    size_t n = 0, i = sizeof(port) - 1;
    unsigned value = entry->port;

    port[i] = 0;
    do port[--i] = (char)('0' + value % 10); while ((value /= 10));
    port[--i] = ':';
    put_ascii(out, capacity, &n, "http://");
    put(out, capacity, &n, entry->host, entry->host_len);
    put_ascii(out, capacity, &n, port + i);
    if (!out || n >= capacity) return n;
    out[n] = 0;
    return n;
}
