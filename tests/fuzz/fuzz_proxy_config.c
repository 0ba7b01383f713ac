/* libFuzzer harness for the proxy configuration parsers (proxy_config.h).
 *
 * The first byte picks how the rest is read (bit 0: UTF-16LE code units,
 * else one character per byte) and the second where it is split in two
 * (a bypass list and a host, http_proxy and https_proxy).  Every parser
 * runs on every input, each over an exact-size heap copy without a
 * terminator, so AddressSanitizer sees any read past a length:
 *   - proxy lists: every entry lies in the list and, written back alone as
 *     "host:port", reads back the same;
 *   - bypass lists: a list naming a plain host, or "*", matches it;
 *   - WPAD domains: each is a suffix of the domain;
 *   - PAC results: the walk moves forward and ends;
 *   - registry blobs (the raw bytes, both kinds): what decodes encodes back
 *     to the same bytes;
 *   - the environment variables: no '@' (credentials) gets through, and the
 *     lists made read back as lists.
 * Any broken promise aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy_config.h"

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

static int inside(const wchar16 *p, size_t n, const wchar16 *start, size_t len)
{
    return p >= start && p + n <= start + len;
}

/* "host:port" for one entry, as its own list. */
static void check_entry_reads_back(const struct proxy_entry *entry, enum proxy_scheme scheme)
{
    size_t len = entry->host_len + 6, n = entry->host_len;
    wchar16 *text = malloc(len * sizeof(wchar16));
    struct proxy_entry again;
    uint16_t port = entry->port;

    memcpy(text, entry->host, n * sizeof(wchar16));
    text[n++] = ':';
    for (uint32_t div = 10000; div; div /= 10)
        if (port >= div || div == 1) text[n++] = '0' + port / div % 10;
    require(proxy_list_get(text, n, scheme, 0, &again));
    require(again.host == text && again.host_len == entry->host_len && again.port == entry->port);
    free(text);
}

static void fuzz_list(const wchar16 *list, size_t len)
{
    for (int scheme = PROXY_SCHEME_HTTP; scheme <= PROXY_SCHEME_HTTPS; scheme++)
    {
        struct proxy_entry entry;
        size_t index = 0;

        while (proxy_list_get(list, len, scheme, index, &entry))
        {
            require(entry.host_len && inside(entry.host, entry.host_len, list, len) && entry.port);
            check_entry_reads_back(&entry, scheme);
            require(++index <= len);
        }
    }
}

static int plain_host(const wchar16 *host, size_t len)
{
    if (!len) return 0;
    for (size_t i = 0; i < len; i++)
    {
        wchar16 c = host[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return 0;
    }
    return 1;
}

static void fuzz_bypass(const wchar16 *list, size_t list_len, const wchar16 *host, size_t host_len, uint16_t port)
{
    static const wchar16 star[] = { '*' };

    proxy_bypass_match(list, list_len, host, host_len, port, PROXY_SCHEME_HTTP);
    proxy_bypass_match(list, list_len, host, host_len, port, PROXY_SCHEME_HTTPS);
    if (host_len) require(proxy_bypass_match(star, 1, host, host_len, port, PROXY_SCHEME_HTTPS));
    if (plain_host(host, host_len)) require(proxy_bypass_match(host, host_len, host, host_len, port, PROXY_SCHEME_HTTP));
}

static void fuzz_wpad(const wchar16 *domain, size_t len)
{
    const wchar16 *suffix;
    size_t suffix_len, index = 0, end = len && domain[len - 1] == '.' ? len - 1 : len;

    while (proxy_wpad_suffix(domain, len, index, &suffix, &suffix_len))
    {
        require(inside(suffix, suffix_len, domain, len) && suffix + suffix_len == domain + end);
        require(++index <= len);
    }
}

static void fuzz_pac(const wchar16 *text, size_t len)
{
    struct pac_entry entry;
    size_t pos = 0, last = 0, steps = 0;

    while (pac_result_next(text, len, &pos, &entry))
    {
        require(pos > last && pos <= len);
        last = pos;
        if (entry.host) require(entry.host_len && inside(entry.host, entry.host_len, text, len) && entry.port);
        else require(entry.type == PAC_DIRECT || entry.type == PAC_INVALID);
        require(++steps <= len);
    }
}

static void fuzz_blob(const uint8_t *data, size_t size, enum proxy_blob_kind kind)
{
    uint8_t *copy = malloc(size ? size : 1), *out;
    struct proxy_blob blob;
    size_t needed;

    memcpy(copy, data, size);
    if (proxy_blob_decode(copy, size, kind, &blob))
    {
        needed = proxy_blob_encode(&blob, kind, NULL, 0);
        require(needed == size);
        out = malloc(needed);
        require(proxy_blob_encode(&blob, kind, out, needed - 1) == needed);
        require(proxy_blob_encode(&blob, kind, out, needed) == needed);
        require(!memcmp(out, copy, size));
        free(out);
    }
    free(copy);
}

/* An exact-size copy of what an environment function writes. */
static wchar16 *env_output(size_t (*list)(const wchar16 *, size_t, const wchar16 *, size_t, wchar16 *, size_t),
                           const wchar16 *a, size_t a_len, const wchar16 *b, size_t b_len, size_t *len)
{
    wchar16 *out;

    *len = list ? list(a, a_len, b, b_len, NULL, 0) : proxy_env_bypass(a, a_len, NULL, 0);
    out = malloc((*len + 1) * sizeof(wchar16));
    if (list) require(list(a, a_len, b, b_len, out, *len + 1) == *len);
    else require(proxy_env_bypass(a, a_len, out, *len + 1) == *len);
    require(out[*len] == 0);
    for (size_t i = 0; i < *len; i++) require(out[i] != '@' && out[i] != 0);
    return out;
}

static void fuzz_env(const wchar16 *a, size_t a_len, const wchar16 *b, size_t b_len)
{
    struct proxy_entry entry;
    size_t len;
    wchar16 *out = env_output(proxy_env_list, a, a_len, b, b_len, &len);

    if (len) require(proxy_list_get(out, len, PROXY_SCHEME_HTTP, 0, &entry) ||
                     proxy_list_get(out, len, PROXY_SCHEME_HTTPS, 0, &entry));
    fuzz_list(out, len);
    free(out);
    out = env_output(NULL, a, a_len, NULL, 0, &len);
    fuzz_bypass(out, len, b, b_len, 80);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wchar16 *text, *first, *second;
    size_t len, split, first_len, second_len;
    int utf16;

    if (size < 2) return 0;
    utf16 = data[0] & 1;
    text = copy_text(data + 2, size - 2, utf16, &len);
    split = len ? data[1] % (len + 1) : 0;
    first = copy_text(data + 2, utf16 ? split * 2 : split, utf16, &first_len);
    second = copy_text(data + 2 + (utf16 ? split * 2 : split), size - 2 - (utf16 ? split * 2 : split), utf16,
                       &second_len);

    fuzz_list(text, len);
    fuzz_bypass(first, first_len, second, second_len, (uint16_t)(data[0] << 8 | data[1]));
    fuzz_wpad(text, len);
    fuzz_pac(text, len);
    fuzz_blob(data, size, PROXY_BLOB_WINHTTP);
    fuzz_blob(data, size, PROXY_BLOB_IE);
    fuzz_env(first, first_len, second, second_len);

    free(text);
    free(first);
    free(second);
    return 0;
}
