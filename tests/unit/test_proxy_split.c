/* Host unit tests for proxy_split.c: bypass lists taken apart and proxy
 * entries made URLs for WINHTTP_PROXY_SETTINGS_EX.  Inputs are widened into
 * exact-size heap blocks without a terminator, so AddressSanitizer sees any
 * read past them. */
#include <stdlib.h>

#include "unit.h"
#include "proxy_split.h"

static wchar16 *widen(const char *text, size_t *len)
{
    size_t n = strlen(text);
    wchar16 *out = malloc(n ? n * sizeof(wchar16) : 1);

    for (size_t i = 0; i < n; i++) out[i] = (unsigned char)text[i];
    *len = n;
    return out;
}

/* The entries joined with '|', as "a|b|c". */
static void split(const char *list, char *out)
{
    size_t len, pos = 0, n = 0, entry_len, calls = 0;
    wchar16 *text = widen(list, &len);
    const wchar16 *entry;

    while (proxy_bypass_next(text, len, &pos, &entry, &entry_len))
    {
        CHECK(entry >= text && entry + entry_len <= text + len && entry_len);
        CHECK(++calls <= len);
        if (n) out[n++] = '|';
        for (size_t i = 0; i < entry_len; i++) out[n++] = (char)entry[i];
    }
    CHECK_INT(pos, len);
    out[n] = 0;
    free(text);
}

#define CHECK_SPLIT(list, want)                                                      \
    do {                                                                             \
        char got_[256];                                                              \
        split(list, got_);                                                           \
        CHECK_MSG(!strcmp(got_, want), "\"%s\": got \"%s\", want \"%s\"", list, got_, want); \
    } while (0)

static void test_bypass_split(void)
{
    CHECK_SPLIT("", "");
    CHECK_SPLIT(" ;, \t", "");
    CHECK_SPLIT("<local>", "<local>");
    CHECK_SPLIT("<local>;*.corp.example", "<local>|*.corp.example");
    CHECK_SPLIT(";;a, b\tc ;", "a|b|c");
    CHECK_SPLIT("http://x:80 10.*", "http://x:80|10.*");
}

static void check_url(const char *list, enum proxy_scheme scheme, const char *want)
{
    size_t len, url_len;
    wchar16 *text = widen(list, &len), small[4], *url;
    struct proxy_entry entry;
    char got[256];

    CHECK(proxy_list_get(text, len, scheme, 0, &entry));
    url_len = proxy_entry_url(&entry, NULL, 0);
    CHECK_INT(url_len, strlen(want));
    /* too small: nothing past the capacity, no terminator promised */
    CHECK_INT(proxy_entry_url(&entry, small, 4), url_len);
    url = malloc((url_len + 1) * sizeof(wchar16));
    CHECK_INT(proxy_entry_url(&entry, url, url_len + 1), url_len);
    CHECK_INT(url[url_len], 0);
    for (size_t i = 0; i <= url_len; i++) got[i] = (char)url[i];
    CHECK_MSG(!strcmp(got, want), "got \"%s\", want \"%s\"", got, want);
    free(url);
    free(text);
}

static void test_entry_url(void)
{
    check_url("proxy.example:8080", PROXY_SCHEME_HTTP, "http://proxy.example:8080");
    check_url("proxy.example", PROXY_SCHEME_HTTPS, "http://proxy.example:80");
    check_url("http=h1:81;https=h2:82", PROXY_SCHEME_HTTP, "http://h1:81");
    check_url("http=h1:81;https=h2:82", PROXY_SCHEME_HTTPS, "http://h2:82");
    check_url("[::1]:65535", PROXY_SCHEME_HTTP, "http://[::1]:65535");
    check_url("h:1", PROXY_SCHEME_HTTP, "http://h:1");
}

int main(void)
{
    test_bypass_split();
    test_entry_url();
    return UNIT_DONE();
}
