/* Host unit tests for the proxy configuration parsers: proxy lists, bypass
 * lists, WPAD domains, PAC results, the registry blobs and the proxy
 * environment variables.  Every input is widened into an exact-size heap
 * block without a terminator, so AddressSanitizer sees any read past it. */
#include <stdlib.h>

#include "unit.h"
#include "proxy_config.h"

/* ---- helpers ------------------------------------------------------------------ */

static wchar16 *widen(const char *text, size_t *len)
{
    size_t n = text ? strlen(text) : 0;
    wchar16 *out = malloc(n ? n * sizeof(wchar16) : 1);

    for (size_t i = 0; i < n; i++) out[i] = (unsigned char)text[i];
    *len = n;
    return out;
}

/* A ring of result strings, so several can be compared in one check. */
static char *result_buffer(void)
{
    static char ring[8][4096];
    static int next;
    return ring[next++ % 8];
}

static void narrow(const wchar16 *text, size_t len, char *out, size_t size)
{
    size_t n = 0;

    for (size_t i = 0; i < len && n + 8 < size; i++)
    {
        if (text[i] >= 0x20 && text[i] < 0x7f) out[n++] = (char)text[i];
        else n += snprintf(out + n, size - n, "\\u%04x", text[i]);
    }
    out[n] = 0;
}

#define CHECK_STR(got, want)                                                             \
    do {                                                                                 \
        const char *got_ = (got), *want_ = (want);                                       \
        CHECK_MSG(!strcmp(got_, want_), "got \"%s\", want \"%s\"", got_, want_);         \
    } while (0)

/* ---- proxy_list_get -------------------------------------------------------------- */

/* "host:port" of the index-th proxy for the scheme, or "(none)". */
static const char *proxy_at(const char *list, enum proxy_scheme scheme, size_t index)
{
    char *out = result_buffer(), host[1024];
    size_t len;
    wchar16 *text = widen(list, &len);
    struct proxy_entry entry;

    if (!proxy_list_get(text, len, scheme, index, &entry)) strcpy(out, "(none)");
    else if (entry.host < text || entry.host + entry.host_len > text + len || !entry.host_len)
        strcpy(out, "(host outside the list)");
    else
    {
        narrow(entry.host, entry.host_len, host, sizeof(host));
        snprintf(out, 4096, "%s:%u", host, entry.port);
    }
    free(text);
    return out;
}

#define HTTP PROXY_SCHEME_HTTP
#define HTTPS PROXY_SCHEME_HTTPS

static void test_list_simple(void)
{
    CHECK_STR(proxy_at("proxy:8080", HTTP, 0), "proxy:8080");
    CHECK_STR(proxy_at("proxy:8080", HTTPS, 0), "proxy:8080");
    CHECK_STR(proxy_at("proxy:8080", HTTP, 1), "(none)");
    CHECK_STR(proxy_at("proxy", HTTP, 0), "proxy:80");
    CHECK_STR(proxy_at("proxy", HTTPS, 0), "proxy:80");
    CHECK_STR(proxy_at("10.0.0.1:3128", HTTP, 0), "10.0.0.1:3128");
    CHECK_STR(proxy_at("", HTTP, 0), "(none)");
    CHECK_STR(proxy_at(" ; \t;", HTTP, 0), "(none)");
    CHECK(!proxy_list_get(NULL, 5, HTTP, 0, &(struct proxy_entry){ 0 }));
}

static void test_list_separators(void)
{
    const char *list = "  ;; a:1 \t b:2 ;\r\nc:3;";

    CHECK_STR(proxy_at(list, HTTP, 0), "a:1");
    CHECK_STR(proxy_at(list, HTTP, 1), "b:2");
    CHECK_STR(proxy_at(list, HTTP, 2), "c:3");
    CHECK_STR(proxy_at(list, HTTP, 3), "(none)");
    CHECK_STR(proxy_at(list, HTTPS, 2), "c:3");
}

static void test_list_schemes(void)
{
    const char *list = "http=a:1;https=b:2";

    CHECK_STR(proxy_at(list, HTTP, 0), "a:1");
    CHECK_STR(proxy_at(list, HTTP, 1), "(none)");
    CHECK_STR(proxy_at(list, HTTPS, 0), "b:2");
    CHECK_STR(proxy_at(list, HTTPS, 1), "(none)");
    CHECK_STR(proxy_at("HTTP=a:1 HtTpS=b:2", HTTPS, 0), "b:2");
    CHECK_STR(proxy_at("HTTP=a:1 HtTpS=b:2", HTTP, 0), "a:1");

    /* entries for both come in list order, whatever the scheme entries around them */
    list = "http=a;b;https=c;d";
    CHECK_STR(proxy_at(list, HTTP, 0), "a:80");
    CHECK_STR(proxy_at(list, HTTP, 1), "b:80");
    CHECK_STR(proxy_at(list, HTTP, 2), "d:80");
    CHECK_STR(proxy_at(list, HTTP, 3), "(none)");
    CHECK_STR(proxy_at(list, HTTPS, 0), "b:80");
    CHECK_STR(proxy_at(list, HTTPS, 1), "c:80");
    CHECK_STR(proxy_at(list, HTTPS, 2), "d:80");

    /* schemes WinHTTP does not proxy never apply */
    list = "socks=s:1080;ftp=f:21;gopher=g;p:3";
    CHECK_STR(proxy_at(list, HTTP, 0), "p:3");
    CHECK_STR(proxy_at(list, HTTPS, 0), "p:3");
    CHECK_STR(proxy_at(list, HTTP, 1), "(none)");
    CHECK_STR(proxy_at("=a:1", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("http=", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("httpx=a:1", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("http=https=a:1", HTTP, 0), "(none)");
}

static void test_list_url_prefixes(void)
{
    CHECK_STR(proxy_at("http://a:1/", HTTP, 0), "a:1");
    CHECK_STR(proxy_at("http://a:1/", HTTPS, 0), "a:1");
    CHECK_STR(proxy_at("https://b:2", HTTPS, 0), "b:2");
    CHECK_STR(proxy_at("HTTP://c", HTTP, 0), "c:80");
    CHECK_STR(proxy_at("http=http://e:5/", HTTP, 0), "e:5");
    CHECK_STR(proxy_at("http=http://e:5/", HTTPS, 0), "(none)");
    CHECK_STR(proxy_at("https=http://f:6", HTTPS, 0), "f:6");
    CHECK_STR(proxy_at("socks://d:1 g:7", HTTP, 0), "g:7");
    CHECK_STR(proxy_at("ftp://d:1", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("http://", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("http:///", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("a:1//", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("a/b:1", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("http://a:1/path", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("user:pass@host:1", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("http://user@host:1", HTTP, 0), "(none)");
}

static void test_list_ports(void)
{
    CHECK_STR(proxy_at("a:65535", HTTP, 0), "a:65535");
    CHECK_STR(proxy_at("a:1", HTTP, 0), "a:1");
    CHECK_STR(proxy_at("a:00080", HTTP, 0), "a:80");
    CHECK_STR(proxy_at("a:0", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("a:65536", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("a:99999999999999999999", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("a:x", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("a:", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("a:-1", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("a:+1", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("a:1:2", HTTP, 0), "(none)");
    CHECK_STR(proxy_at(":80", HTTP, 0), "(none)");
    /* an invalid entry is skipped, not the end of the list */
    CHECK_STR(proxy_at("a:0;b:x;c:3", HTTP, 0), "c:3");
}

static void test_list_ipv6(void)
{
    CHECK_STR(proxy_at("[::1]:8080", HTTP, 0), "[::1]:8080");
    CHECK_STR(proxy_at("[::1]", HTTP, 0), "[::1]:80");
    CHECK_STR(proxy_at("http://[fe80::1]:3128/", HTTPS, 0), "[fe80::1]:3128");
    CHECK_STR(proxy_at("::1", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("[::1", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("[]:80", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("[::1]x", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("[::1]:", HTTP, 0), "(none)");
    CHECK_STR(proxy_at("[::[1]", HTTP, 0), "(none)");
}

static void test_list_points_into_list(void)
{
    size_t len;
    wchar16 *text = widen("http=x:1 https=proxy.example:8443", &len);
    struct proxy_entry entry;

    CHECK(proxy_list_get(text, len, HTTPS, 0, &entry));
    CHECK(entry.host == text + 15);
    CHECK_INT(entry.host_len, 13);
    CHECK_INT(entry.port, 8443);
    /* the length given is the end, whatever follows in memory */
    CHECK(proxy_list_get(text, 15, HTTPS, 0, &entry) == 0);
    CHECK(proxy_list_get(text, 3, HTTP, 0, &entry));
    CHECK(entry.host == text && entry.host_len == 3 && entry.port == 80);
    free(text);
}

/* ---- proxy_bypass_match ---------------------------------------------------------- */

static int bypass(const char *list, const char *host, uint16_t port, enum proxy_scheme scheme)
{
    size_t list_len, host_len;
    wchar16 *l = widen(list, &list_len), *h = widen(host, &host_len);
    int result = proxy_bypass_match(l, list_len, h, host_len, port, scheme);

    free(l);
    free(h);
    return result;
}

static void test_bypass_local(void)
{
    CHECK(bypass("<local>", "intranet", 80, HTTP));
    CHECK(bypass("<LOCAL>", "intranet", 443, HTTPS));
    CHECK(bypass("<local>", "localhost", 80, HTTP));
    CHECK(!bypass("<local>", "intranet.corp", 80, HTTP));
    CHECK(!bypass("<local>", "127.0.0.1", 80, HTTP));
    CHECK(!bypass("<local>", "[::1]", 80, HTTP));
    CHECK(!bypass("<local>", "::1", 80, HTTP));
    CHECK(!bypass("<local>", "", 80, HTTP));
    CHECK(!bypass("<local", "intranet", 80, HTTP));
    CHECK(!bypass("local", "intranet", 80, HTTP));
}

static void test_bypass_exact(void)
{
    CHECK(bypass("example.com", "example.com", 80, HTTP));
    CHECK(bypass("example.com", "Example.COM", 80, HTTP));
    CHECK(bypass("EXAMPLE.com", "example.com", 443, HTTPS));
    CHECK(!bypass("example.com", "www.example.com", 80, HTTP));
    CHECK(!bypass("example.com", "example.co", 80, HTTP));
    CHECK(!bypass("example.com", "example.com.evil", 80, HTTP));
    CHECK(!bypass("example.com", "xexample.com", 80, HTTP));
    CHECK(bypass("10.1.2.3", "10.1.2.3", 80, HTTP));
    CHECK(!bypass("10.1.2.3", "10.1.2.30", 80, HTTP));
    CHECK(!bypass("", "example.com", 80, HTTP));
    CHECK(!bypass(NULL, "example.com", 80, HTTP));
}

static void test_bypass_wildcards(void)
{
    CHECK(bypass("*.example.com", "www.example.com", 80, HTTP));
    CHECK(bypass("*.example.com", "a.b.example.com", 80, HTTP));
    CHECK(bypass("*.example.com", "WWW.EXAMPLE.COM", 80, HTTP));
    CHECK(!bypass("*.example.com", "example.com", 80, HTTP));
    CHECK(!bypass("*.example.com", "www.example.com.evil", 80, HTTP));
    CHECK(!bypass("*.example.com", "wwwexample.com", 80, HTTP));
    CHECK(bypass("10.*", "10.1.2.3", 80, HTTP));
    CHECK(!bypass("10.*", "110.1.2.3", 80, HTTP));
    CHECK(bypass("*example*", "myexample.org", 80, HTTP));
    CHECK(bypass("*example*", "example", 80, HTTP));
    CHECK(!bypass("*example*", "exampl", 80, HTTP));
    CHECK(bypass("*", "anything.at.all", 8080, HTTPS));
    CHECK(bypass("**", "x", 80, HTTP));
    CHECK(bypass("a*b*c", "aXbYc", 80, HTTP));
    CHECK(bypass("a*b*c", "abbbcc", 80, HTTP));
    CHECK(!bypass("a*b*c", "aXbYcd", 80, HTTP));
    CHECK(bypass("www.*.com", "www.example.com", 80, HTTP));
    CHECK(!bypass("www.*.com", "www.example.org", 80, HTTP));
    CHECK(bypass("*.*.*", "a.b.c", 80, HTTP));
    CHECK(!bypass("*.*.*", "a.b", 80, HTTP));
}

static void test_bypass_ports_and_schemes(void)
{
    CHECK(bypass("example.com:8080", "example.com", 8080, HTTP));
    CHECK(!bypass("example.com:8080", "example.com", 80, HTTP));
    CHECK(bypass("example.com:*", "example.com", 1234, HTTP));
    CHECK(bypass("*.example.com:443", "www.example.com", 443, HTTPS));
    CHECK(!bypass("example.com:0", "example.com", 0, HTTP));
    CHECK(!bypass("example.com:abc", "example.com", 80, HTTP));
    CHECK(!bypass("example.com:", "example.com", 80, HTTP));

    CHECK(bypass("https://secure.example", "secure.example", 443, HTTPS));
    CHECK(!bypass("https://secure.example", "secure.example", 80, HTTP));
    CHECK(bypass("http://plain.example", "plain.example", 80, HTTP));
    CHECK(!bypass("http://plain.example", "plain.example", 443, HTTPS));
    CHECK(bypass("HTTP://plain.example:8080/", "plain.example", 8080, HTTP));
    CHECK(!bypass("ftp://plain.example", "plain.example", 80, HTTP));
    CHECK(bypass("http://*", "x", 80, HTTP));
}

static void test_bypass_ipv6(void)
{
    CHECK(bypass("[::1]", "::1", 80, HTTP));
    CHECK(bypass("[::1]", "[::1]", 80, HTTP));
    CHECK(bypass("::1", "[::1]", 80, HTTP));
    CHECK(bypass("::1", "::1", 80, HTTP));
    CHECK(bypass("[::1]:8080", "[::1]", 8080, HTTP));
    CHECK(!bypass("[::1]:8080", "[::1]", 80, HTTP));
    CHECK(bypass("[fe80::*]", "fe80::1:2", 80, HTTP));
    CHECK(bypass("[FE80::1]", "fe80::1", 80, HTTP));
    CHECK(!bypass("[::1]", "::2", 80, HTTP));
    CHECK(!bypass("[::1", "::1", 80, HTTP));
    CHECK(!bypass("[]", "x", 80, HTTP));
    CHECK(!bypass("[::1]x", "::1", 80, HTTP));
    CHECK(bypass("https://[::1]:443", "::1", 443, HTTPS));
}

static void test_bypass_lists(void)
{
    const char *list = "a.com,b.com;c.com d.com\te.com ,, ;<local>";

    CHECK(bypass(list, "a.com", 80, HTTP));
    CHECK(bypass(list, "b.com", 80, HTTP));
    CHECK(bypass(list, "c.com", 80, HTTP));
    CHECK(bypass(list, "d.com", 80, HTTP));
    CHECK(bypass(list, "e.com", 80, HTTP));
    CHECK(bypass(list, "host", 80, HTTP));
    CHECK(!bypass(list, "f.com", 80, HTTP));
    /* a bad entry is passed over */
    CHECK(bypass("x:0;[bad;y.com", "y.com", 80, HTTP));
    /* the host's length is exact */
    {
        size_t list_len, host_len;
        wchar16 *l = widen("exam", &list_len), *h = widen("example", &host_len);
        CHECK(proxy_bypass_match(l, list_len, h, 4, 80, HTTP));
        CHECK(!proxy_bypass_match(l, list_len, h, host_len, 80, HTTP));
        CHECK(!proxy_bypass_match(l, list_len, NULL, 0, 80, HTTP));
        free(l);
        free(h);
    }
}

/* ---- proxy_wpad_suffix -------------------------------------------------------- */

static const char *wpad_at(const char *domain, size_t index)
{
    char *out = result_buffer();
    size_t len, suffix_len;
    wchar16 *text = widen(domain, &len);
    const wchar16 *suffix;

    if (!proxy_wpad_suffix(text, len, index, &suffix, &suffix_len)) strcpy(out, "(none)");
    else if (suffix < text || suffix + suffix_len > text + len) strcpy(out, "(outside)");
    else narrow(suffix, suffix_len, out, 4096);
    free(text);
    return out;
}

static void test_wpad_suffixes(void)
{
    CHECK_STR(wpad_at("a.b.example.com", 0), "a.b.example.com");
    CHECK_STR(wpad_at("a.b.example.com", 1), "b.example.com");
    CHECK_STR(wpad_at("a.b.example.com", 2), "example.com");
    CHECK_STR(wpad_at("a.b.example.com", 3), "(none)");
    CHECK_STR(wpad_at("a.b.example.com", 1000), "(none)");
    CHECK_STR(wpad_at("example.com", 0), "example.com");
    CHECK_STR(wpad_at("example.com", 1), "(none)");
    CHECK_STR(wpad_at("corp.example.com.", 0), "corp.example.com");
    CHECK_STR(wpad_at("corp.example.com.", 1), "example.com");
    CHECK_STR(wpad_at("corp.example.com.", 2), "(none)");
    CHECK_STR(wpad_at("com", 0), "(none)");
    CHECK_STR(wpad_at("com.", 0), "(none)");
    CHECK_STR(wpad_at("", 0), "(none)");
    CHECK_STR(wpad_at(".", 0), "(none)");
    CHECK_STR(wpad_at(".example.com", 0), "(none)");
    CHECK_STR(wpad_at("a..example.com", 0), "(none)");
    CHECK_STR(wpad_at("example.com..", 0), "(none)");
    CHECK(!proxy_wpad_suffix(NULL, 3, 0, &(const wchar16 *){ 0 }, &(size_t){ 0 }));
}

/* ---- pac_result_next --------------------------------------------------------------- */

static const char *type_name(enum pac_type type)
{
    static const char *names[] = { "INVALID", "DIRECT", "PROXY", "HTTP", "HTTPS", "SOCKS", "SOCKS4", "SOCKS5" };
    return type <= PAC_SOCKS5 ? names[type] : "?";
}

/* Every entry as "TYPE host:port" (or "TYPE"), joined with " | ". */
static const char *pac_walk(const char *result)
{
    char *out = result_buffer(), host[1024];
    size_t len, pos = 0, n = 0, steps = 0;
    wchar16 *text = widen(result, &len);
    struct pac_entry entry;

    out[0] = 0;
    while (pac_result_next(text, len, &pos, &entry) && n < 3000)
    {
        if (++steps > len + 1) return strcpy(out, "(does not end)");
        n += snprintf(out + n, 4096 - n, "%s%s", n ? " | " : "", type_name(entry.type));
        if (entry.host)
        {
            narrow(entry.host, entry.host_len, host, sizeof(host));
            n += snprintf(out + n, 4096 - n, " %s:%u", host, entry.port);
        }
    }
    free(text);
    return out;
}

static void test_pac_entries(void)
{
    CHECK_STR(pac_walk("PROXY a:1; SOCKS b; DIRECT; HTTP c; HTTPS d"),
              "PROXY a:1 | SOCKS b:1080 | DIRECT | HTTP c:80 | HTTPS d:443");
    CHECK_STR(pac_walk("SOCKS4 s4; SOCKS5 s5:9050; PROXY p"), "SOCKS4 s4:1080 | SOCKS5 s5:9050 | PROXY p:80");
    CHECK_STR(pac_walk("direct"), "DIRECT");
    CHECK_STR(pac_walk("Proxy a:1"), "PROXY a:1");
    CHECK_STR(pac_walk("  \tPROXY \t a:1  ;;; DIRECT ;"), "PROXY a:1 | DIRECT");
    CHECK_STR(pac_walk("PROXY [::1]:8080; PROXY [fe80::2]"), "PROXY [::1]:8080 | PROXY [fe80::2]:80");
    CHECK_STR(pac_walk("PROXY 10.0.0.1:3128"), "PROXY 10.0.0.1:3128");
}

static void test_pac_empty_and_garbage(void)
{
    CHECK_STR(pac_walk(""), "");
    CHECK_STR(pac_walk(" ; ;\t\n; "), "");
    CHECK_STR(pac_walk("PROXY"), "INVALID");
    CHECK_STR(pac_walk("PROXY "), "INVALID");
    CHECK_STR(pac_walk("DIRECT x"), "INVALID");
    CHECK_STR(pac_walk("FOO a:1"), "INVALID");
    CHECK_STR(pac_walk("PROXYa:1"), "INVALID");
    CHECK_STR(pac_walk("PROXY a b"), "INVALID");
    CHECK_STR(pac_walk("PROXY a:0"), "INVALID");
    CHECK_STR(pac_walk("PROXY a:65536"), "INVALID");
    CHECK_STR(pac_walk("PROXY a:"), "INVALID");
    CHECK_STR(pac_walk("PROXY ::1"), "INVALID");
    CHECK_STR(pac_walk("PROXY http://a:1"), "INVALID");
    CHECK_STR(pac_walk("PROXY a,b"), "INVALID");
    CHECK_STR(pac_walk("garbage; PROXY a:1; more garbage"), "INVALID | PROXY a:1 | INVALID");
    CHECK_STR(pac_walk("\x01\x02;\x7f"), "INVALID | INVALID");
}

static void test_pac_bounds(void)
{
    size_t len, pos, count = 0;
    wchar16 *text = widen("PROXY a:1; DIRECT", &len);
    struct pac_entry entry;

    /* the length is the end: a cut entry is read as what is left of it */
    pos = 0;
    CHECK(pac_result_next(text, 7, &pos, &entry));
    CHECK_INT(entry.type, PAC_PROXY);
    CHECK_INT(entry.host_len, 1);
    CHECK_INT(pos, 7);
    CHECK(!pac_result_next(text, 7, &pos, &entry));
    pos = 1000;
    CHECK(!pac_result_next(text, len, &pos, &entry));
    CHECK(!pac_result_next(NULL, 5, &(size_t){ 0 }, &entry));
    free(text);

    /* a huge result is walked once, entry by entry */
    {
        const char *one = "PROXY proxy.example:8080; ";
        size_t n = 100000, unit = strlen(one);
        char *huge = malloc(n * unit + 1);

        for (size_t i = 0; i < n; i++) memcpy(huge + i * unit, one, unit);
        huge[n * unit] = 0;
        text = widen(huge, &len);
        pos = 0;
        while (pac_result_next(text, len, &pos, &entry))
        {
            if (entry.type != PAC_PROXY || entry.port != 8080) break;
            count++;
        }
        CHECK_INT(count, n);
        free(text);
        free(huge);
    }
}

/* ---- registry blobs ------------------------------------------------------------------ */

static const uint8_t winhttp_blob[] = {
    0x18, 0, 0, 0,   5, 0, 0, 0,   3, 0, 0, 0,
    3, 0, 0, 0,   'p', ':', '1',
    7, 0, 0, 0,   '<', 'l', 'o', 'c', 'a', 'l', '>',
};

static const uint8_t ie_blob[] = {
    0x46, 0, 0, 0,   0x12, 0x34, 0, 0,   0x0f, 0, 0, 0,
    4, 0, 0, 0,   'a', ':', '8', '0',
    0, 0, 0, 0,
    9, 0, 0, 0,   'h', 't', 't', 'p', ':', '/', '/', 'x', '/',
    1, 2, 3, 0, 0, 0, 0, 0,
};

#define CHECK_BYTES(s, text) \
    CHECK_MSG((s).len == strlen(text) && !memcmp((s).data, text, (s).len), "want \"%s\"", text)

static void test_blob_decode(void)
{
    struct proxy_blob blob;

    CHECK(proxy_blob_decode(winhttp_blob, sizeof(winhttp_blob), PROXY_BLOB_WINHTTP, &blob));
    CHECK_INT(blob.version, PROXY_BLOB_VERSION_WINHTTP);
    CHECK_INT(blob.counter, 5);
    CHECK_INT(blob.flags, PROXY_BLOB_DIRECT | PROXY_BLOB_NAMED);
    CHECK_BYTES(blob.proxy, "p:1");
    CHECK_BYTES(blob.bypass, "<local>");
    CHECK_INT(blob.auto_config_url.len, 0);
    CHECK_INT(blob.trailer.len, 0);
    CHECK(blob.proxy.data == winhttp_blob + 16);

    CHECK(proxy_blob_decode(ie_blob, sizeof(ie_blob), PROXY_BLOB_IE, &blob));
    CHECK_INT(blob.version, PROXY_BLOB_VERSION_IE);
    CHECK_INT(blob.counter, 0x3412);
    CHECK_INT(blob.flags, 0x0f);
    CHECK_BYTES(blob.proxy, "a:80");
    CHECK_INT(blob.bypass.len, 0);
    CHECK_BYTES(blob.auto_config_url, "http://x/");
    CHECK_INT(blob.trailer.len, 8);
    CHECK(blob.trailer.data == ie_blob + sizeof(ie_blob) - 8);

    /* read as WinHttpSettings, IE's auto-config URL is trailing data */
    CHECK(proxy_blob_decode(ie_blob, sizeof(ie_blob), PROXY_BLOB_WINHTTP, &blob));
    CHECK_INT(blob.trailer.len, 4 + 9 + 8);
}

static void test_blob_truncated(void)
{
    struct proxy_blob blob;
    uint8_t bad[sizeof(winhttp_blob)];

    /* every cut of a blob without trailing data is refused */
    for (size_t n = 0; n < sizeof(winhttp_blob); n++)
    {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, winhttp_blob, n);
        CHECK_MSG(!proxy_blob_decode(copy, n, PROXY_BLOB_WINHTTP, &blob), "cut at %zu", n);
        free(copy);
    }
    for (size_t n = 0; n < sizeof(ie_blob) - 8; n++)
        CHECK_MSG(!proxy_blob_decode(ie_blob, n, PROXY_BLOB_IE, &blob), "cut at %zu", n);
    CHECK(!proxy_blob_decode(NULL, 100, PROXY_BLOB_WINHTTP, &blob));

    /* lengths past the end, by one and by far */
    memcpy(bad, winhttp_blob, sizeof(bad));
    bad[12] = 4;
    CHECK(!proxy_blob_decode(bad, sizeof(bad), PROXY_BLOB_WINHTTP, &blob));
    bad[12] = 0xff, bad[13] = 0xff, bad[14] = 0xff, bad[15] = 0xff;
    CHECK(!proxy_blob_decode(bad, sizeof(bad), PROXY_BLOB_WINHTTP, &blob));
    memcpy(bad, winhttp_blob, sizeof(bad));
    bad[19] = 8;
    CHECK(!proxy_blob_decode(bad, sizeof(bad), PROXY_BLOB_WINHTTP, &blob));
    bad[19] = 6;    /* shorter than what follows: the rest is trailing data */
    CHECK(proxy_blob_decode(bad, sizeof(bad), PROXY_BLOB_WINHTTP, &blob));
    CHECK_INT(blob.trailer.len, 1);
    /* a proxy string that takes all that is left, leaving no bypass length */
    memcpy(bad, winhttp_blob, sizeof(bad));
    bad[12] = (uint8_t)(sizeof(bad) - 16);
    CHECK(!proxy_blob_decode(bad, sizeof(bad), PROXY_BLOB_WINHTTP, &blob));
}

static void test_blob_encode(void)
{
    struct proxy_blob blob;
    uint8_t out[256];
    size_t size;

    CHECK(proxy_blob_decode(winhttp_blob, sizeof(winhttp_blob), PROXY_BLOB_WINHTTP, &blob));
    CHECK_INT(proxy_blob_encode(&blob, PROXY_BLOB_WINHTTP, NULL, 0), sizeof(winhttp_blob));
    memset(out, 0xcc, sizeof(out));
    CHECK_INT(proxy_blob_encode(&blob, PROXY_BLOB_WINHTTP, out, sizeof(winhttp_blob) - 1), sizeof(winhttp_blob));
    CHECK_INT(out[0], 0xcc);
    CHECK_INT(proxy_blob_encode(&blob, PROXY_BLOB_WINHTTP, out, sizeof(winhttp_blob)), sizeof(winhttp_blob));
    CHECK(!memcmp(out, winhttp_blob, sizeof(winhttp_blob)));

    CHECK(proxy_blob_decode(ie_blob, sizeof(ie_blob), PROXY_BLOB_IE, &blob));
    CHECK_INT(proxy_blob_encode(&blob, PROXY_BLOB_IE, out, sizeof(out)), sizeof(ie_blob));
    CHECK(!memcmp(out, ie_blob, sizeof(ie_blob)));

    /* an empty direct setting, as netsh winhttp reset proxy leaves it */
    memset(&blob, 0, sizeof(blob));
    blob.version = PROXY_BLOB_VERSION_WINHTTP;
    blob.flags = PROXY_BLOB_DIRECT;
    size = proxy_blob_encode(&blob, PROXY_BLOB_WINHTTP, out, sizeof(out));
    CHECK_INT(size, 20);
    CHECK(!memcmp(out, "\x18\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\0\0\0\0", 20));
    CHECK_INT(proxy_blob_encode(&blob, PROXY_BLOB_IE, NULL, 0), 24);

    blob.counter = 0x01020304;
    blob.proxy.data = (const uint8_t *)"host:1";
    blob.proxy.len = 6;
    size = proxy_blob_encode(&blob, PROXY_BLOB_WINHTTP, out, sizeof(out));
    CHECK_INT(size, 26);
    CHECK(!memcmp(out + 4, "\x04\x03\x02\x01", 4));
    CHECK(!memcmp(out + 12, "\x06\0\0\0host:1\0\0\0\0", 14));
}

/* ---- environment variables ------------------------------------------------------------ */

static const char *env_list(const char *http, const char *https)
{
    char *out = result_buffer();
    size_t http_len, https_len, len;
    wchar16 *h = widen(http, &http_len), *s = widen(https, &https_len), buffer[512];

    len = proxy_env_list(http ? h : NULL, http_len, https ? s : NULL, https_len, buffer, 512);
    if (len >= 512 || buffer[len]) strcpy(out, "(not terminated)");
    else narrow(buffer, len, out, 4096);
    free(h);
    free(s);
    return out;
}

static void test_env_list(void)
{
    CHECK_STR(env_list("http://user:pass@proxy.example:3128/", NULL), "proxy.example:3128");
    CHECK_STR(env_list("proxy:8080", "proxy:8080"), "proxy:8080");
    CHECK_STR(env_list("proxy:8080", "http://proxy:8080/"), "proxy:8080");
    CHECK_STR(env_list("http://a:1", "http://b:2"), "http=a:1;https=b:2");
    CHECK_STR(env_list(NULL, "https://b:2/"), "https=b:2");
    CHECK_STR(env_list("", "b:2"), "https=b:2");
    CHECK_STR(env_list("HTTP://A:1", "http://a:1"), "A:1");
    CHECK_STR(env_list("  a:1  ", NULL), "a:1");
    CHECK_STR(env_list("http://[::1]:3128", NULL), "[::1]:3128");
    CHECK_STR(env_list("user@host", NULL), "host");
    CHECK_STR(env_list("http://u:p@w@host:1/x@y", NULL), "host:1");
    CHECK_STR(env_list("http://p:1?x", NULL), "p:1");
    CHECK_STR(env_list("proxy", NULL), "proxy");
    CHECK_STR(env_list("socks5://s:1080", NULL), "");
    CHECK_STR(env_list("socks5://s:1080", "b:2"), "https=b:2");
    CHECK_STR(env_list("http://", NULL), "");
    CHECK_STR(env_list("a:0", NULL), "");
    CHECK_STR(env_list("a:", NULL), "");
    CHECK_STR(env_list("http://user:pass@", NULL), "");
    CHECK_STR(env_list("a b:1", NULL), "");
    CHECK_STR(env_list(NULL, NULL), "");
    /* credentials never reach the list */
    CHECK(!strstr(env_list("http://me:secret@p:1", "https://me:secret@q:2"), "secret"));
}

static void test_env_list_capacity(void)
{
    size_t len;
    wchar16 *h = widen("http://a:1", &len), buffer[8];

    for (int i = 0; i < 8; i++) buffer[i] = 0xcccc;
    CHECK_INT(proxy_env_list(h, len, NULL, 0, NULL, 0), 3);
    CHECK_INT(proxy_env_list(h, len, NULL, 0, buffer, 3), 3);
    CHECK_INT(buffer[0], 0xcccc);
    CHECK_INT(proxy_env_list(h, len, NULL, 0, buffer, 4), 3);
    CHECK(buffer[0] == 'a' && buffer[1] == ':' && buffer[2] == '1' && buffer[3] == 0);
    CHECK_INT(buffer[4], 0xcccc);
    free(h);
}

static const char *env_bypass(const char *no_proxy)
{
    char *out = result_buffer();
    size_t len, n;
    wchar16 *text = widen(no_proxy, &len), buffer[1024];

    n = proxy_env_bypass(no_proxy ? text : NULL, len, buffer, 1024);
    if (n >= 1024 || buffer[n]) strcpy(out, "(not terminated)");
    else narrow(buffer, n, out, 4096);
    free(text);
    return out;
}

static void test_env_bypass(void)
{
    CHECK_STR(env_bypass("a,.b.com,*"), "a;*.a;b.com;*.b.com;*");
    CHECK_STR(env_bypass("localhost, 127.0.0.1, ::1, [::1]:8080"), "localhost;*.localhost;127.0.0.1;[::1];[::1]:8080");
    CHECK_STR(env_bypass("10.0.0.0/8,192.168.0.0/16,10.1.2.0/24,10.1.2.3/32,0.0.0.0/0"),
              "10.*;192.168.*;10.1.2.*;10.1.2.3;*");
    CHECK_STR(env_bypass("172.16.0.0/12,fe80::/10,host/8,10/8"), "");
    CHECK_STR(env_bypass("host:8080"), "host:8080;*.host:8080");
    CHECK_STR(env_bypass("*.example.com"), "*.example.com");
    CHECK_STR(env_bypass("..example.com"), "example.com;*.example.com");
    CHECK_STR(env_bypass("a;b c\td"), "a;*.a;b;*.b;c;*.c;d;*.d");
    CHECK_STR(env_bypass(""), "");
    CHECK_STR(env_bypass(" ,, "), "");
    CHECK_STR(env_bypass("."), "");
    CHECK_STR(env_bypass("h:0,h:x,h:,[::1,[::1]x,[],<x>"), "");
    CHECK_STR(env_bypass("[zz::1]"), "");
    CHECK_STR(env_bypass(NULL), "");
    /* '@' is never part of a name: the entry goes (found by the fuzzer) */
    CHECK_STR(env_bypass("a,u@b,c"), "a;*.a;c;*.c");
    /* a value ends at its first NUL, whatever length it came with */
    {
        static const wchar16 value[] = { 'a', ',', 'b', 0, 'c', ',', 'd' };
        wchar16 buffer[64];
        char out[64];
        size_t n = proxy_env_bypass(value, 7, buffer, 64);

        narrow(buffer, n, out, sizeof(out));
        CHECK_STR(out, "a;*.a;b;*.b");
        CHECK_INT(proxy_env_list(value, 7, NULL, 0, NULL, 0), 0);   /* "a,b" names no proxy */
    }
}

/* What the two environment lists produce is what the list functions read. */
static void test_env_round_trip(void)
{
    size_t len, n;
    wchar16 *text = widen("localhost,.corp.example,10.0.0.0/8", &len), list[256], *host;
    size_t host_len;

    n = proxy_env_bypass(text, len, list, 256);
    free(text);
    host = widen("www.corp.example", &host_len);
    CHECK(proxy_bypass_match(list, n, host, host_len, 80, HTTP));
    CHECK(proxy_bypass_match(list, n, host, host_len, 443, HTTPS));
    free(host);
    host = widen("corp.example", &host_len);
    CHECK(proxy_bypass_match(list, n, host, host_len, 80, HTTP));
    free(host);
    host = widen("notcorp.example", &host_len);
    CHECK(!proxy_bypass_match(list, n, host, host_len, 80, HTTP));
    free(host);
    host = widen("10.9.8.7", &host_len);
    CHECK(proxy_bypass_match(list, n, host, host_len, 80, HTTP));
    free(host);

    text = widen("http://u:p@proxy.example:3128/", &len);
    n = proxy_env_list(text, len, NULL, 0, list, 256);
    free(text);
    CHECK_STR(proxy_at("proxy.example:3128", HTTPS, 0), "proxy.example:3128");
    {
        struct proxy_entry entry;
        CHECK(proxy_list_get(list, n, HTTPS, 0, &entry));
        CHECK_INT(entry.port, 3128);
        CHECK_INT(entry.host_len, 13);
    }
}

int main(void)
{
    test_list_simple();
    test_list_separators();
    test_list_schemes();
    test_list_url_prefixes();
    test_list_ports();
    test_list_ipv6();
    test_list_points_into_list();
    test_bypass_local();
    test_bypass_exact();
    test_bypass_wildcards();
    test_bypass_ports_and_schemes();
    test_bypass_ipv6();
    test_bypass_lists();
    test_wpad_suffixes();
    test_pac_entries();
    test_pac_empty_and_garbage();
    test_pac_bounds();
    test_blob_decode();
    test_blob_truncated();
    test_blob_encode();
    test_env_list();
    test_env_list_capacity();
    test_env_bypass();
    test_env_round_trip();
    return UNIT_DONE();
}
