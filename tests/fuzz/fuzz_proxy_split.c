/* libFuzzer harness for proxy_split.h.  The first byte picks how the rest
 * is read (bit 0: UTF-16LE code units, else one character per byte); the
 * text, an exact-size heap copy without a terminator, is split as a bypass
 * list (every entry inside it and free of separators, the walk moving
 * forward and ending) and read as a proxy list whose entries are written as
 * URLs (the length asked first is the length written, never past the
 * capacity, and the URL ends in the entry's port).  Any broken promise
 * aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy_split.h"

static void require(int condition)
{
    if (!condition) abort();
}

static wchar16 *copy_text(const uint8_t *data, size_t size, int utf16, size_t *len)
{
    wchar16 *text;

    *len = utf16 ? size / 2 : size;
    text = malloc(*len ? *len * sizeof(wchar16) : 1);
    for (size_t i = 0; i < *len; i++)
        text[i] = utf16 ? (wchar16)(data[2 * i] | data[2 * i + 1] << 8) : data[i];
    return text;
}

static void split_bypass(const wchar16 *text, size_t len)
{
    size_t pos = 0, last = 0, entry_len, calls = 0;
    const wchar16 *entry;

    while (proxy_bypass_next(text, len, &pos, &entry, &entry_len))
    {
        require(entry >= text && entry_len && entry + entry_len <= text + len);
        require(pos > last && ++calls <= len);
        for (size_t i = 0; i < entry_len; i++) require(entry[i] != ';' && entry[i] != ',');
        last = pos;
    }
    require(pos == len);
}

static void proxy_urls(const wchar16 *text, size_t len)
{
    struct proxy_entry entry;

    for (size_t i = 0; i < 8 && proxy_list_get(text, len, PROXY_SCHEME_HTTP, i, &entry); i++)
    {
        size_t n = proxy_entry_url(&entry, NULL, 0);
        wchar16 *url = malloc((n + 1) * sizeof(wchar16));

        require(proxy_entry_url(&entry, url, n + 1) == n && !url[n]);
        require(n > 7 && url[n - 1] >= '0' && url[n - 1] <= '9');
        free(url);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len;
    wchar16 *text;

    if (!size) return 0;
    text = copy_text(data + 1, size - 1, data[0] & 1, &len);
    split_bypass(text, len);
    proxy_urls(text, len);
    free(text);
    return 0;
}
