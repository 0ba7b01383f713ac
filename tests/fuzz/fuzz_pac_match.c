/* libFuzzer harness for pac_match.c.
 *
 * The first byte picks the function (0: parse and format an address, 1: a
 * prefix and a test against it, 2: a shell expression, the input split at
 * its first NUL into pattern and text, 3: sorting an address list).  Inputs
 * live in exact-size heap blocks without a terminator, so AddressSanitizer
 * sees any overread.  A formatted address must parse back to itself. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pac_match.h"

static void fuzz_address(const char *text, size_t len)
{
    struct pac_ip ip, again;
    char out[PAC_IP_TEXT_MAX + 1];
    size_t out_len;

    if (!pac_ip_parse(text, len, &ip)) return;
    out_len = pac_ip_format(&ip, out, sizeof(out));
    assert(out_len && out_len <= PAC_IP_TEXT_MAX);
    assert(pac_ip_parse(out, out_len, &again));
    assert(again.family == ip.family && !memcmp(again.bytes, ip.bytes, sizeof(ip.bytes)));
}

static void fuzz_prefix(const char *text, size_t len)
{
    struct pac_ip net;
    unsigned int bits;

    if (!pac_prefix_parse(text, len, &net, &bits)) return;
    assert(bits <= (net.family == 4 ? 32u : 128u));
    assert(pac_ip_in_prefix(&net, &net, bits));
}

static void fuzz_glob(const char *text, size_t len)
{
    const char *nul = memchr(text, 0, len);
    size_t pattern_len = nul ? (size_t)(nul - text) : len;
    const char *subject = nul ? nul + 1 : text + len;

    pac_glob_match(subject, len - pattern_len - (nul ? 1 : 0), text, pattern_len);
    assert(pac_glob_match(text, pattern_len, "*", 1));
}

static void fuzz_sort(const char *text, size_t len)
{
    char out[4096];
    size_t out_len = pac_sort_ip_list(text, len, out, sizeof(out));

    if (out_len != (size_t)-1) assert(out_len < sizeof(out) && !out[out_len] && out_len <= len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;

    if (!size) return 0;
    text = malloc(size - 1 ? size - 1 : 1);
    memcpy(text, data + 1, size - 1);
    switch (data[0] % 4)
    {
    case 0: fuzz_address(text, size - 1); break;
    case 1: fuzz_prefix(text, size - 1); break;
    case 2: fuzz_glob(text, size - 1); break;
    case 3: fuzz_sort(text, size - 1); break;
    }
    free(text);
    return 0;
}
