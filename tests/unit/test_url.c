/* Host unit tests for url.c: parsing, WinHttpCrackUrl's component protocol
 * and flags, WinHttpCreateUrl's composition and size protocol, url_build. */
#include <stdlib.h>
#include <uchar.h>

#include "unit.h"
#include "url.h"

#define W(s) ((const wchar16 *)u"" s)

/* Component text in ASCII for comparisons: other characters as \uXXXX, NUL as \0. */
static const char *ascii(const wchar16 *text, size_t length)
{
    static char ring[8][1024];
    static int next;
    char *out = ring[next++ % 8];
    size_t n = 0;

    if (!text) return "(null)";
    for (size_t i = 0; i < length && n < sizeof(ring[0]) - 8; i++)
    {
        if (text[i] >= 0x20 && text[i] < 0x7f) out[n++] = (char)text[i];
        else if (!text[i]) n += sprintf(out + n, "\\0");
        else n += sprintf(out + n, "\\u%04x", text[i]);
    }
    out[n] = 0;
    return out;
}

#define CHECK_TEXT(text, length, want)                                                   \
    do {                                                                                 \
        const char *got_ = ascii((text), (length));                                      \
        CHECK_MSG(!strcmp(got_, (want)), "got \"%s\", want \"%s\"", got_, (want));       \
    } while (0)

static size_t len16(const wchar16 *s)
{
    return wcslen16(s);
}

/* ---- url_parse ------------------------------------------------------------- */

static struct url_layout layout;
static const wchar16 *parsed;

static enum url_status parse(const wchar16 *url)
{
    parsed = url;
    return url_parse(url, len16(url), &layout);
}

#define CHECK_SPAN(field, want) CHECK_TEXT(parsed + layout.field.start, layout.field.length, want)

static void test_parse_full(void)
{
    CHECK_INT(parse(W("http://user:pass@host.example:8080/path/x.html?q=1#frag")), URL_OK);
    CHECK_INT(layout.scheme_id, URL_SCHEME_HTTP);
    CHECK_INT(layout.port, 8080);
    CHECK_SPAN(scheme, "http");
    CHECK_SPAN(user, "user");
    CHECK_SPAN(password, "pass");
    CHECK_SPAN(host, "host.example");
    CHECK_SPAN(path, "/path/x.html");
    CHECK_SPAN(extra, "?q=1#frag");
    CHECK_INT(layout.user.start, 7);
    CHECK_INT(layout.host.start, 17);
    CHECK_INT(layout.path.start, 34);
}

static void test_parse_schemes(void)
{
    CHECK_INT(parse(W("http://h")), URL_OK);
    CHECK_INT(layout.scheme_id, URL_SCHEME_HTTP);
    CHECK_INT(layout.port, 80);
    CHECK_INT(parse(W("https://h")), URL_OK);
    CHECK_INT(layout.scheme_id, URL_SCHEME_HTTPS);
    CHECK_INT(layout.port, 443);
    CHECK_INT(parse(W("HTTP://h")), URL_OK);
    CHECK_SPAN(scheme, "HTTP");
    CHECK_INT(parse(W("hTtPs://h")), URL_OK);
    CHECK_INT(layout.scheme_id, URL_SCHEME_HTTPS);

    CHECK_INT(parse(W("ftp://host/")), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(parse(W("file:///c:/x")), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(parse(W("httpx://host/")), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(parse(W("htt://host/")), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(parse(W(" http://host/")), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(parse(W("h ttp://x")), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(parse(W("nocolon")), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(parse(W("http")), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(parse(W("://host")), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(parse(W("")), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(url_parse(NULL, 0, &layout), URL_UNRECOGNIZED_SCHEME);
}

static void test_parse_invalid(void)
{
    CHECK_INT(parse(W("http:")), URL_INVALID);
    CHECK_INT(parse(W("http:/")), URL_INVALID);
    CHECK_INT(parse(W("http:/host")), URL_INVALID);
    CHECK_INT(parse(W("http:host")), URL_INVALID);
    CHECK_INT(parse(W("http:\\\\host")), URL_INVALID);
    CHECK_INT(parse(W("http://")), URL_INVALID);
    CHECK_INT(parse(W("https://")), URL_INVALID);
}

static void test_parse_empty_host(void)
{
    CHECK_INT(parse(W("http:///path")), URL_OK);
    CHECK_SPAN(host, "");
    CHECK_SPAN(path, "/path");
    CHECK_INT(parse(W("http://?q")), URL_OK);
    CHECK_SPAN(host, "");
    CHECK_SPAN(extra, "?q");
    CHECK_INT(parse(W("http://:81/")), URL_OK);
    CHECK_SPAN(host, "");
    CHECK_INT(layout.port, 81);
}

static void test_parse_ports(void)
{
    CHECK_INT(parse(W("http://host:")), URL_OK);
    CHECK_INT(layout.port, 80);
    CHECK_SPAN(host, "host");
    CHECK_INT(parse(W("https://host:/x")), URL_OK);
    CHECK_INT(layout.port, 443);
    CHECK_INT(parse(W("http://host:0")), URL_OK);
    CHECK_INT(layout.port, 0);
    CHECK_INT(parse(W("http://host:1")), URL_OK);
    CHECK_INT(layout.port, 1);
    CHECK_INT(parse(W("http://host:65535")), URL_OK);
    CHECK_INT(layout.port, 65535);
    CHECK_INT(parse(W("http://host:080/")), URL_OK);
    CHECK_INT(layout.port, 80);
    CHECK_INT(parse(W("http://host:000000000000000443")), URL_OK);
    CHECK_INT(layout.port, 443);
    CHECK_INT(parse(W("https://host:80")), URL_OK);
    CHECK_INT(layout.port, 80);
    CHECK_INT(parse(W("http://host:8080?q")), URL_OK);
    CHECK_INT(layout.port, 8080);
    CHECK_SPAN(extra, "?q");
    CHECK_INT(parse(W("http://host:8080#f")), URL_OK);
    CHECK_INT(layout.port, 8080);

    CHECK_INT(parse(W("http://host:65536")), URL_INVALID);
    CHECK_INT(parse(W("http://host:99999")), URL_INVALID);
    CHECK_INT(parse(W("http://host:4294967376")), URL_INVALID);   /* 80 + 2^32 */
    CHECK_INT(parse(W("http://host:12a")), URL_INVALID);
    CHECK_INT(parse(W("http://host:-1")), URL_INVALID);
    CHECK_INT(parse(W("http://host:+80")), URL_INVALID);
    CHECK_INT(parse(W("http://host: 80")), URL_INVALID);
    CHECK_INT(parse(W("http://host:80 ")), URL_INVALID);
    CHECK_INT(parse(W("http://host:8:8")), URL_INVALID);
    CHECK_INT(parse(W("http://host:0x50")), URL_INVALID);
    CHECK_INT(parse(W("http://host:\x0661")), URL_INVALID);   /* Arabic-Indic one */
}

static void test_parse_ipv6(void)
{
    CHECK_INT(parse(W("http://[::1]/")), URL_OK);
    CHECK_SPAN(host, "[::1]");
    CHECK_INT(layout.port, 80);
    CHECK_SPAN(path, "/");
    CHECK_INT(parse(W("https://[::1]:81/x")), URL_OK);
    CHECK_SPAN(host, "[::1]");
    CHECK_INT(layout.port, 81);
    CHECK_SPAN(path, "/x");
    CHECK_INT(parse(W("http://[2001:db8::7]")), URL_OK);
    CHECK_SPAN(host, "[2001:db8::7]");
    CHECK_SPAN(path, "");
    CHECK_INT(parse(W("http://[::1]:")), URL_OK);
    CHECK_INT(layout.port, 80);
    CHECK_INT(parse(W("http://[fe80::1%25eth0]:8080/")), URL_OK);
    CHECK_SPAN(host, "[fe80::1%25eth0]");
    CHECK_INT(layout.port, 8080);
    CHECK_INT(parse(W("http://u:p@[::1]:99/")), URL_OK);
    CHECK_SPAN(user, "u");
    CHECK_SPAN(password, "p");
    CHECK_SPAN(host, "[::1]");
    CHECK_INT(layout.port, 99);
    CHECK_INT(parse(W("http://[::1]?x")), URL_OK);
    CHECK_SPAN(host, "[::1]");
    CHECK_SPAN(extra, "?x");

    CHECK_INT(parse(W("http://[::1")), URL_INVALID);
    CHECK_INT(parse(W("http://[::1/x]")), URL_INVALID);
    CHECK_INT(parse(W("http://[::1]x/")), URL_INVALID);
    CHECK_INT(parse(W("http://[::1]:x/")), URL_INVALID);
    CHECK_INT(parse(W("http://[::1]:65536/")), URL_INVALID);
    CHECK_INT(parse(W("http://::1/")), URL_INVALID);   /* unbracketed: ":1" is no port */
}

static void test_parse_userinfo(void)
{
    CHECK_INT(parse(W("http://user@host")), URL_OK);
    CHECK_SPAN(user, "user");
    CHECK_INT(layout.password.present, 0);
    CHECK_SPAN(host, "host");
    CHECK_INT(parse(W("http://:pw@host")), URL_OK);
    CHECK_SPAN(user, "");
    CHECK_SPAN(password, "pw");
    CHECK_INT(parse(W("http://u:@host")), URL_OK);
    CHECK_SPAN(user, "u");
    CHECK_INT(layout.password.present, 1);
    CHECK_SPAN(password, "");
    CHECK_INT(parse(W("http://@host")), URL_OK);
    CHECK_INT(layout.user.present, 1);
    CHECK_SPAN(user, "");
    CHECK_INT(layout.password.present, 0);
    CHECK_INT(parse(W("http://u:p:q@host/")), URL_OK);
    CHECK_SPAN(user, "u");
    CHECK_SPAN(password, "p:q");
    CHECK_INT(parse(W("http://a@b@host/")), URL_OK);
    CHECK_SPAN(user, "a@b");
    CHECK_SPAN(host, "host");
    CHECK_INT(parse(W("http://u:p@host:81")), URL_OK);
    CHECK_INT(layout.port, 81);
    CHECK_INT(parse(W("http://host/@x")), URL_OK);
    CHECK_INT(layout.user.present, 0);
    CHECK_SPAN(path, "/@x");
    CHECK_INT(parse(W("http://host?@x")), URL_OK);
    CHECK_INT(layout.user.present, 0);
    CHECK_SPAN(host, "host");
    CHECK_INT(parse(W("http://host")), URL_OK);
    CHECK_INT(layout.user.present, 0);
    CHECK_INT(layout.password.present, 0);
}

static void test_parse_path_extra(void)
{
    CHECK_INT(parse(W("http://host")), URL_OK);
    CHECK_SPAN(path, "");
    CHECK_SPAN(extra, "");
    CHECK_INT(layout.path.start, 11);
    CHECK_INT(layout.extra.start, 11);
    CHECK_INT(parse(W("http://host?q")), URL_OK);
    CHECK_SPAN(host, "host");
    CHECK_SPAN(path, "");
    CHECK_SPAN(extra, "?q");
    CHECK_INT(parse(W("http://host#f")), URL_OK);
    CHECK_SPAN(host, "host");
    CHECK_SPAN(extra, "#f");
    CHECK_INT(parse(W("http://host/p#f?q")), URL_OK);
    CHECK_SPAN(path, "/p");
    CHECK_SPAN(extra, "#f?q");
    CHECK_INT(parse(W("http://host/p?q#f")), URL_OK);
    CHECK_SPAN(path, "/p");
    CHECK_SPAN(extra, "?q#f");
    CHECK_INT(parse(W("http://host/a/b/c.html")), URL_OK);
    CHECK_SPAN(path, "/a/b/c.html");
    CHECK_SPAN(extra, "");
    CHECK_INT(parse(W("http://host/?")), URL_OK);
    CHECK_SPAN(path, "/");
    CHECK_SPAN(extra, "?");
    CHECK_INT(parse(W("http://host\\path")), URL_OK);   /* '\' is no delimiter */
    CHECK_SPAN(host, "host\\path");
    CHECK_INT(parse(W("http://ho st/p q")), URL_OK);   /* no validation */
    CHECK_SPAN(host, "ho st");
    CHECK_SPAN(path, "/p q");
    CHECK_INT(parse(W("http://host;x/p")), URL_OK);
    CHECK_SPAN(host, "host;x");
}

static void test_parse_explicit_length(void)
{
    const wchar16 *url = W("http://user:pass@host.example:8080/path?q");

    parsed = url;
    CHECK_INT(url_parse(url, 20, &layout), URL_OK);
    CHECK_SPAN(host, "hos");
    CHECK_INT(layout.port, 80);
    CHECK_INT(url_parse(url, 30, &layout), URL_OK);
    CHECK_SPAN(host, "host.example");
    CHECK_INT(layout.port, 80);
    CHECK_INT(url_parse(url, 36, &layout), URL_OK);
    CHECK_SPAN(path, "/p");
    CHECK_INT(url_parse(url, 3, &layout), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(url_parse(url, 5, &layout), URL_INVALID);
    CHECK_INT(url_parse(url, 7, &layout), URL_INVALID);
    CHECK_INT(url_parse(url, 0, &layout), URL_UNRECOGNIZED_SCHEME);

    url = W("http://h\0x/a\0b?c");
    parsed = url;
    CHECK_INT(url_parse(url, 16, &layout), URL_OK);
    CHECK_SPAN(host, "h\\0x");
    CHECK_SPAN(path, "/a\\0b");
    CHECK_SPAN(extra, "?c");
}

/* ---- url_crack: the component protocol ---------------------------------------- */

static struct url_components uc;
static wchar16 buffers[6][300];

static void want_pointers(void)
{
    memset(&uc, 0, sizeof(uc));
    uc.scheme.length = uc.host.length = uc.user.length = uc.password.length = uc.path.length = uc.extra.length = ~0u;
    uc.port = 1234;
    uc.scheme_id = 77;
}

static void want_buffers(uint32_t size)
{
    struct url_component *all[] = { &uc.scheme, &uc.host, &uc.user, &uc.password, &uc.path, &uc.extra };

    memset(&uc, 0, sizeof(uc));
    for (int i = 0; i < 6; i++)
    {
        for (int j = 0; j < 300; j++) buffers[i][j] = 'X';
        all[i]->text = buffers[i];
        all[i]->length = size;
    }
    uc.port = 1234;
    uc.scheme_id = 77;
}

static enum url_status crack(const wchar16 *url, uint32_t flags)
{
    return url_crack(url, len16(url), flags, &uc);
}

#define CHECK_COMPONENT(c, want) CHECK_TEXT(uc.c.text, uc.c.length, want)

static void test_crack_pointers(void)
{
    const wchar16 *url = W("http://user:pass@host.example:8080/path/x.html?q=1#frag");

    want_pointers();
    CHECK_INT(crack(url, 0), URL_OK);
    CHECK_INT(uc.scheme_id, URL_SCHEME_HTTP);
    CHECK_INT(uc.port, 8080);
    CHECK(uc.scheme.text == url);
    CHECK(uc.user.text == url + 7);
    CHECK(uc.password.text == url + 12);
    CHECK(uc.host.text == url + 17);
    CHECK(uc.path.text == url + 34);
    CHECK(uc.extra.text == url + 46);
    CHECK_COMPONENT(scheme, "http");
    CHECK_COMPONENT(user, "user");
    CHECK_COMPONENT(password, "pass");
    CHECK_COMPONENT(host, "host.example");
    CHECK_COMPONENT(path, "/path/x.html");
    CHECK_COMPONENT(extra, "?q=1#frag");
}

static void test_crack_pointers_absent(void)
{
    const wchar16 *url = W("https://host");

    want_pointers();
    CHECK_INT(crack(url, 0), URL_OK);
    CHECK_INT(uc.scheme_id, URL_SCHEME_HTTPS);
    CHECK_INT(uc.port, 443);
    CHECK(uc.user.text == NULL);
    CHECK_INT(uc.user.length, 0);
    CHECK(uc.password.text == NULL);
    CHECK_INT(uc.password.length, 0);
    CHECK(uc.path.text == url + 12);
    CHECK_INT(uc.path.length, 0);
    CHECK(uc.extra.text == url + 12);
    CHECK_INT(uc.extra.length, 0);

    want_pointers();
    CHECK_INT(crack(W("http://u@h"), 0), URL_OK);
    CHECK_COMPONENT(user, "u");
    CHECK(uc.password.text == NULL);
    CHECK_INT(uc.password.length, 0);
}

static void test_crack_not_wanted(void)
{
    memset(&uc, 0, sizeof(uc));
    uc.host.length = 5;
    uc.port = 1;
    CHECK_INT(crack(W("https://u:p@host:99/x?y"), 0), URL_OK);
    CHECK_INT(uc.scheme_id, URL_SCHEME_HTTPS);
    CHECK_INT(uc.port, 99);
    CHECK_COMPONENT(host, "host");
    CHECK(uc.scheme.text == NULL && uc.scheme.length == 0);
    CHECK(uc.user.text == NULL && uc.user.length == 0);
    CHECK(uc.path.text == NULL && uc.path.length == 0);
    CHECK(uc.extra.text == NULL && uc.extra.length == 0);
}

/* The extra info not asked for: the path carries it (native, Wine's url.c
 * run on Windows), in pointers and in buffers alike. */
static void test_crack_path_takes_extra(void)
{
    const wchar16 *url = W("https://h:19133/a/b?x=3#f");

    memset(&uc, 0, sizeof(uc));
    uc.path.length = ~0u;
    CHECK_INT(crack(url, 0), URL_OK);
    CHECK(uc.path.text == url + 15);
    CHECK_COMPONENT(path, "/a/b?x=3#f");
    CHECK(uc.extra.text == NULL && uc.extra.length == 0);

    memset(&uc, 0, sizeof(uc));
    uc.path.text = buffers[4];
    uc.path.length = 300;
    CHECK_INT(crack(url, 0), URL_OK);
    CHECK_COMPONENT(path, "/a/b?x=3#f");

    want_pointers();
    CHECK_INT(crack(url, 0), URL_OK);
    CHECK_COMPONENT(path, "/a/b");
    CHECK_COMPONENT(extra, "?x=3#f");
}

static void test_crack_buffers(void)
{
    want_buffers(300);
    CHECK_INT(crack(W("http://user:pass@host.example:8080/path/x.html?q=1#frag"), 0), URL_OK);
    CHECK(uc.host.text == buffers[1]);
    CHECK_COMPONENT(scheme, "http");
    CHECK_COMPONENT(user, "user");
    CHECK_COMPONENT(password, "pass");
    CHECK_COMPONENT(host, "host.example");
    CHECK_COMPONENT(path, "/path/x.html");
    CHECK_COMPONENT(extra, "?q=1#frag");
    CHECK_INT(buffers[1][12], 0);
    CHECK_INT(buffers[1][13], 'X');

    want_buffers(300);
    CHECK_INT(crack(W("http://host"), 0), URL_OK);
    CHECK_COMPONENT(user, "");
    CHECK_INT(buffers[2][0], 0);
    CHECK_COMPONENT(password, "");
    CHECK_INT(buffers[3][0], 0);
    CHECK_COMPONENT(path, "");
    CHECK_INT(buffers[4][0], 0);
    CHECK_COMPONENT(extra, "");
}

static void test_crack_buffer_sizes(void)
{
    const wchar16 *url = W("http://user:pass@host.example:8080/path/x.html?q=1#frag");

    /* 5 fits "http", "user" and "pass" exactly; the rest report what they need. */
    want_buffers(5);
    CHECK_INT(crack(url, 0), URL_INSUFFICIENT_BUFFER);
    CHECK_INT(uc.scheme_id, URL_SCHEME_HTTP);
    CHECK_INT(uc.port, 8080);
    CHECK_COMPONENT(scheme, "http");
    CHECK_COMPONENT(user, "user");
    CHECK_COMPONENT(password, "pass");
    CHECK_INT(uc.host.length, 13);
    CHECK_INT(uc.path.length, 13);
    CHECK_INT(uc.extra.length, 10);
    CHECK_INT(buffers[1][0], 'X');
    CHECK_INT(buffers[4][0], 'X');

    want_buffers(4);
    CHECK_INT(crack(url, 0), URL_INSUFFICIENT_BUFFER);
    CHECK_INT(uc.scheme.length, 5);
    CHECK_INT(uc.user.length, 5);
    CHECK_INT(buffers[0][0], 'X');

    want_buffers(1);
    CHECK_INT(crack(W("http://h"), 0), URL_INSUFFICIENT_BUFFER);
    CHECK_COMPONENT(user, "");
    CHECK_COMPONENT(path, "");
    CHECK_INT(uc.host.length, 2);

    want_buffers(13);
    CHECK_INT(crack(url, 0), URL_OK);
    CHECK_COMPONENT(host, "host.example");
    CHECK_COMPONENT(path, "/path/x.html");
}

static void test_crack_bad_requests(void)
{
    want_buffers(300);
    uc.host.length = 0;
    CHECK_INT(crack(W("http://h/"), 0), URL_INVALID_PARAMETER);
    CHECK(uc.host.text == buffers[1]);
    CHECK_INT(uc.port, 1234);

    want_pointers();
    CHECK_INT(crack(W("http://h/"), URL_FLAG_DECODE), URL_INVALID_PARAMETER);
    want_pointers();
    CHECK_INT(crack(W("http://h/"), URL_FLAG_ESCAPE), URL_INVALID_PARAMETER);
    want_buffers(300);
    uc.user.text = NULL;
    CHECK_INT(crack(W("http://h/"), URL_FLAG_DECODE), URL_INVALID_PARAMETER);

    /* Transforming with nothing wanted is fine. */
    memset(&uc, 0, sizeof(uc));
    CHECK_INT(crack(W("https://h:99/"), URL_FLAG_DECODE | URL_FLAG_ESCAPE), URL_OK);
    CHECK_INT(uc.port, 99);
    CHECK_INT(uc.scheme_id, URL_SCHEME_HTTPS);
}

static void test_crack_failure_leaves_struct(void)
{
    want_pointers();
    CHECK_INT(crack(W("ftp://host/"), 0), URL_UNRECOGNIZED_SCHEME);
    CHECK(uc.scheme.text == NULL);
    CHECK_INT(uc.scheme.length, ~0u);
    CHECK_INT(uc.port, 1234);
    CHECK_INT(uc.scheme_id, 77);

    want_pointers();
    CHECK_INT(crack(W("http://host:65536/"), 0), URL_INVALID);
    CHECK(uc.host.text == NULL);
    CHECK_INT(uc.port, 1234);

    want_buffers(300);
    CHECK_INT(crack(W("http:/x"), 0), URL_INVALID);
    CHECK_INT(buffers[0][0], 'X');
}

static void test_crack_explicit_length(void)
{
    const wchar16 *url = W("http://host/ab?cd");

    want_buffers(300);
    CHECK_INT(url_crack(url, 14, 0, &uc), URL_OK);
    CHECK_COMPONENT(path, "/ab");
    CHECK_COMPONENT(extra, "");
    want_pointers();
    CHECK_INT(url_crack(url, 12, 0, &uc), URL_OK);
    CHECK_COMPONENT(path, "/");
    CHECK(uc.extra.text == url + 12);
}

/* ---- url_crack: flags ---------------------------------------------------------------- */

static void test_crack_decode(void)
{
    want_buffers(300);
    CHECK_INT(crack(W("http://us%41r:p%20w@ho%41st:81/a%20b%zz%4/c d?x=%41 y#f%20"), URL_FLAG_DECODE), URL_OK);
    CHECK_COMPONENT(scheme, "http");
    CHECK_COMPONENT(user, "usAr");
    CHECK_COMPONENT(password, "p w");
    CHECK_COMPONENT(host, "hoAst");
    CHECK_INT(uc.port, 81);
    CHECK_COMPONENT(path, "/a b%zz%4/c d");
    CHECK_COMPONENT(extra, "?x=A y#f ");

    want_buffers(300);
    CHECK_INT(crack(W("http://h/%4"), URL_FLAG_DECODE), URL_OK);
    CHECK_COMPONENT(path, "/%4");
    want_buffers(300);
    CHECK_INT(crack(W("http://h/%"), URL_FLAG_DECODE), URL_OK);
    CHECK_COMPONENT(path, "/%");
    want_buffers(300);
    CHECK_INT(crack(W("http://h/%%41%2541"), URL_FLAG_DECODE), URL_OK);
    CHECK_COMPONENT(path, "/%A%41");
    want_buffers(300);
    CHECK_INT(crack(W("http://h/%4a%4A%g1"), URL_FLAG_DECODE), URL_OK);
    CHECK_COMPONENT(path, "/JJ%g1");
}

static void test_crack_decode_bytes(void)
{
    /* Each %xx is one character: no UTF-8, and %00 stays inside the length. */
    want_buffers(300);
    CHECK_INT(crack(W("http://h/a%e9b%C3%A9"), URL_FLAG_DECODE), URL_OK);
    CHECK_COMPONENT(path, "/a\\u00e9b\\u00c3\\u00a9");
    want_buffers(300);
    CHECK_INT(crack(W("http://h/a%00b"), URL_FLAG_DECODE), URL_OK);
    CHECK_INT(uc.path.length, 4);
    CHECK_COMPONENT(path, "/a\\0b");
    CHECK_INT(buffers[4][4], 0);
}

static void test_crack_decode_keeps_structure(void)
{
    /* Decoding happens after the split: escaped delimiters stay data. */
    want_buffers(300);
    CHECK_INT(crack(W("http://u%40x%3Ay@h%3a81/a%3Fb%2fc?d%23e"), URL_FLAG_DECODE), URL_OK);
    CHECK_COMPONENT(user, "u@x:y");
    CHECK_INT(uc.password.length, 0);
    CHECK_COMPONENT(host, "h:81");
    CHECK_INT(uc.port, 80);
    CHECK_COMPONENT(path, "/a?b/c");
    CHECK_COMPONENT(extra, "?d#e");
}

static void test_crack_decode_sizes(void)
{
    want_buffers(3);
    CHECK_INT(crack(W("http://h/a%41"), URL_FLAG_DECODE), URL_INSUFFICIENT_BUFFER);
    CHECK_INT(uc.path.length, 4);
    CHECK_COMPONENT(host, "h");
    want_buffers(4);
    CHECK_INT(crack(W("http://h/a%41"), URL_FLAG_DECODE), URL_INSUFFICIENT_BUFFER);   /* scheme */
    CHECK_COMPONENT(path, "/aA");
}

static void test_crack_escape_set(void)
{
    static const char escaped[] = " \"#%<>[\\]^`{|}~";

    for (int c = 1; c < 0x100; c++)
    {
        wchar16 url[32], expect_path[16];
        int n = 0, must = c < 0x21 || c >= 0x7f || strchr(escaped, c);

        if (c == '/' || c == '?' || c == '#') continue;
        memcpy(url, W("http://h/a"), 10 * sizeof(wchar16));
        url[10] = (wchar16)c;
        url[11] = 0;
        want_buffers(300);
        CHECK_INT(crack(url, URL_FLAG_ESCAPE), URL_OK);
        expect_path[n++] = '/';
        expect_path[n++] = 'a';
        if (must)
        {
            char hex[4];
            sprintf(hex, "%02X", c);
            expect_path[n++] = '%';
            expect_path[n++] = (wchar16)hex[0];
            expect_path[n++] = (wchar16)hex[1];
        }
        else expect_path[n++] = (wchar16)c;
        CHECK_MSG(uc.path.length == (uint32_t)n && !memcmp(uc.path.text, expect_path, n * sizeof(wchar16)),
                  "char %#x: got \"%s\"", c, ascii(uc.path.text, uc.path.length));
    }
}

static void test_crack_escape_components(void)
{
    want_buffers(300);
    CHECK_INT(crack(W("http://u s:p<w@h t/a b\"c?x y<z>#f g"), URL_FLAG_ESCAPE), URL_OK);
    CHECK_COMPONENT(user, "u s");
    CHECK_COMPONENT(password, "p<w");
    CHECK_COMPONENT(host, "h t");
    CHECK_COMPONENT(path, "/a%20b%22c");
    CHECK_COMPONENT(extra, "?x%20y%3Cz%3E%23f%20g");

    want_buffers(300);
    CHECK_INT(crack(W("http://h/p#f"), URL_FLAG_ESCAPE), URL_OK);
    CHECK_COMPONENT(path, "/p");
    CHECK_COMPONENT(extra, "%23f");

    /* ESCAPE wins over DECODE. */
    want_buffers(300);
    CHECK_INT(crack(W("http://ho%41st/a%41 b"), URL_FLAG_ESCAPE | URL_FLAG_DECODE), URL_OK);
    CHECK_COMPONENT(host, "ho%41st");
    CHECK_COMPONENT(path, "/a%2541%20b");
}

static void test_crack_escape_percent(void)
{
    /* '%' before the last '/' of path and extra is kept, after it escaped. */
    want_buffers(300);
    CHECK_INT(crack(W("http://host/a%20b"), URL_FLAG_ESCAPE), URL_OK);
    CHECK_COMPONENT(path, "/a%2520b");
    want_buffers(300);
    CHECK_INT(crack(W("http://host/a%20b/c d"), URL_FLAG_ESCAPE), URL_OK);
    CHECK_COMPONENT(path, "/a%20b/c%20d");
    want_buffers(300);
    CHECK_INT(crack(W("http://host/a%20b%zz%4/c d"), URL_FLAG_ESCAPE), URL_OK);
    CHECK_COMPONENT(path, "/a%20b%zz%4/c%20d");
    want_buffers(300);
    CHECK_INT(crack(W("http://host/a%20b?%20"), URL_FLAG_ESCAPE), URL_OK);
    CHECK_COMPONENT(path, "/a%2520b");
    CHECK_COMPONENT(extra, "?%2520");
    want_buffers(300);
    CHECK_INT(crack(W("http://host/a%20/b%20?c%20/d%20"), URL_FLAG_ESCAPE), URL_OK);
    CHECK_COMPONENT(path, "/a%20/b%20");
    CHECK_COMPONENT(extra, "?c%20/d%2520");
    want_buffers(300);
    CHECK_INT(crack(W("http://host?a%20b"), URL_FLAG_ESCAPE), URL_OK);
    CHECK_COMPONENT(extra, "?a%2520b");
    want_buffers(300);
    CHECK_INT(crack(W("http://host/%"), URL_FLAG_ESCAPE), URL_OK);
    CHECK_COMPONENT(path, "/%25");
}

static void test_crack_escape_limits(void)
{
    want_buffers(300);
    CHECK_INT(crack(W("http://h/a\x0100" "b"), URL_FLAG_ESCAPE), URL_INVALID_PARAMETER);
    CHECK_INT(buffers[0][0], 'X');   /* nothing written */
    CHECK_INT(uc.port, 1234);
    want_buffers(300);
    CHECK_INT(crack(W("http://h/a?\x20ac"), URL_FLAG_ESCAPE), URL_INVALID_PARAMETER);
    want_buffers(300);
    CHECK_INT(crack(W("http://h\x20ac/a\x00ff"), URL_FLAG_ESCAPE), URL_OK);
    CHECK_COMPONENT(host, "h\\u20ac");
    CHECK_COMPONENT(path, "/a%FF");
    /* Without ESCAPE anything goes. */
    want_buffers(300);
    CHECK_INT(crack(W("http://h/a\x0100"), 0), URL_OK);
    CHECK_COMPONENT(path, "/a\\u0100");

    want_buffers(6);
    CHECK_INT(crack(W("http://h/a b"), URL_FLAG_ESCAPE), URL_INSUFFICIENT_BUFFER);
    CHECK_INT(uc.path.length, 7);
    want_buffers(7);
    CHECK_INT(crack(W("http://h/a b"), URL_FLAG_ESCAPE), URL_OK);
    CHECK_COMPONENT(path, "/a%20b");
}

static void test_crack_reject_userpwd(void)
{
    want_pointers();
    CHECK_INT(crack(W("http://u:p@host/"), URL_FLAG_REJECT_USERPWD), URL_INVALID);
    CHECK_INT(uc.port, 1234);
    want_pointers();
    CHECK_INT(crack(W("http://u@host/"), URL_FLAG_REJECT_USERPWD), URL_INVALID);
    want_pointers();
    CHECK_INT(crack(W("http://:p@host/"), URL_FLAG_REJECT_USERPWD), URL_INVALID);
    want_pointers();
    CHECK_INT(crack(W("http://@host/"), URL_FLAG_REJECT_USERPWD), URL_INVALID);
    want_pointers();
    CHECK_INT(crack(W("http://host/@x"), URL_FLAG_REJECT_USERPWD), URL_OK);
    CHECK_COMPONENT(path, "/@x");
    want_pointers();
    CHECK_INT(crack(W("https://host:81/"), URL_FLAG_REJECT_USERPWD), URL_OK);
    CHECK_INT(uc.port, 81);
    want_buffers(300);
    CHECK_INT(crack(W("http://u:p@host/"), URL_FLAG_REJECT_USERPWD | URL_FLAG_DECODE), URL_INVALID);
}

/* ---- url_create ------------------------------------------------------------------------ */

static struct url_create_parts parts;
static wchar16 out[300];
static size_t out_length;

static void reset_parts(void)
{
    memset(&parts, 0, sizeof(parts));
    parts.scheme_id = URL_SCHEME_HTTP;
    parts.host.text = W("host");
    parts.host.length = 4;
    for (int i = 0; i < 300; i++) out[i] = 'X';
    out_length = 12345;
}

static void set(struct url_string *s, const wchar16 *text)
{
    s->text = text;
    s->length = text ? len16(text) : 0;
}

static enum url_status create(uint32_t flags)
{
    return url_create(&parts, flags, out, 300, &out_length);
}

#define CHECK_URL(flags, want)                                                           \
    do {                                                                                 \
        CHECK_INT(create(flags), URL_OK);                                                \
        CHECK_TEXT(out, out_length, want);                                               \
        CHECK_INT(out[out_length], 0);                                                   \
    } while (0)

static void test_create_ports(void)
{
    reset_parts();
    CHECK_URL(0, "http://host");
    reset_parts();
    parts.port = 80;
    CHECK_URL(0, "http://host");
    reset_parts();
    parts.port = 443;
    CHECK_URL(0, "http://host:443");
    reset_parts();
    parts.port = 8080;
    CHECK_URL(0, "http://host:8080");
    reset_parts();
    parts.port = 65535;
    CHECK_URL(0, "http://host:65535");
    reset_parts();
    parts.port = 1;
    CHECK_URL(0, "http://host:1");
    reset_parts();
    parts.scheme_id = URL_SCHEME_HTTPS;
    parts.port = 443;
    CHECK_URL(0, "https://host");
    reset_parts();
    parts.scheme_id = URL_SCHEME_HTTPS;
    parts.port = 80;
    CHECK_URL(0, "https://host:80");
    reset_parts();
    parts.scheme_id = URL_SCHEME_HTTPS;
    CHECK_URL(0, "https://host");
}

static void test_create_schemes(void)
{
    /* no scheme at all: http, and port 0 is written as it is (native) */
    reset_parts();
    parts.scheme_id = 0;
    CHECK_URL(0, "http://host:0");
    reset_parts();
    parts.scheme_id = 0;
    parts.port = 80;
    CHECK_URL(0, "http://host");
    reset_parts();
    parts.scheme_id = 3;
    CHECK_INT(create(0), URL_UNRECOGNIZED_SCHEME);
    CHECK_INT(out_length, 12345);
    reset_parts();
    parts.scheme_id = -1;
    CHECK_INT(create(0), URL_UNRECOGNIZED_SCHEME);

    /* A scheme string wins over scheme_id and decides the default port. */
    reset_parts();
    set(&parts.scheme, W("https"));
    parts.port = 443;
    CHECK_URL(0, "https://host");
    reset_parts();
    set(&parts.scheme, W("HTTPS"));
    parts.scheme_id = URL_SCHEME_HTTP;
    parts.port = 80;
    CHECK_URL(0, "HTTPS://host:80");
    reset_parts();
    set(&parts.scheme, W("ftp"));
    parts.scheme_id = 99;
    parts.port = 21;
    CHECK_URL(0, "ftp://host:21");
    reset_parts();
    parts.scheme.text = W("httpxx");
    parts.scheme.length = 4;
    parts.port = 80;
    CHECK_URL(0, "http://host");
}

static void test_create_userinfo(void)
{
    reset_parts();
    set(&parts.user, W("user"));
    CHECK_URL(0, "http://user@host");
    reset_parts();
    set(&parts.user, W("user"));
    set(&parts.password, W("pw"));
    CHECK_URL(0, "http://user:pw@host");
    reset_parts();
    set(&parts.user, W(""));
    CHECK_URL(0, "http://@host");
    reset_parts();
    set(&parts.user, W("user"));
    set(&parts.password, W(""));
    CHECK_URL(0, "http://user:@host");
    reset_parts();
    set(&parts.user, W("u@s:r"));
    set(&parts.password, W("p@:/w"));
    CHECK_URL(URL_FLAG_ESCAPE, "http://u@s:r:p@:/w@host");
    reset_parts();
    set(&parts.password, W("pw"));
    CHECK_INT(create(0), URL_INVALID_PARAMETER);

    reset_parts();
    set(&parts.user, W("user"));
    set(&parts.password, W("pw"));
    CHECK_INT(create(URL_FLAG_REJECT_USERPWD), URL_INVALID);
    reset_parts();
    set(&parts.user, W("user"));
    CHECK_INT(create(URL_FLAG_REJECT_USERPWD), URL_INVALID);
    reset_parts();
    set(&parts.user, W(""));
    CHECK_INT(create(URL_FLAG_REJECT_USERPWD), URL_INVALID);
    reset_parts();
    set(&parts.path, W("/p"));
    CHECK_URL(URL_FLAG_REJECT_USERPWD, "http://host/p");
}

static void test_create_host(void)
{
    reset_parts();
    parts.host.text = NULL;
    parts.port = 8080;
    set(&parts.path, W("/x"));
    CHECK_URL(0, "http:///x");
    reset_parts();
    set(&parts.host, W(""));
    parts.port = 81;
    CHECK_URL(0, "http://:81");
    reset_parts();
    set(&parts.host, W("::1"));
    CHECK_URL(0, "http://[::1]");
    reset_parts();
    set(&parts.host, W("::1"));
    parts.port = 81;
    CHECK_URL(0, "http://[::1]:81");
    reset_parts();
    set(&parts.host, W("[::1]"));
    parts.port = 81;
    CHECK_URL(0, "http://[::1]:81");
    reset_parts();
    parts.host.text = W("hostxx");
    parts.host.length = 4;
    CHECK_URL(0, "http://host");
    reset_parts();
    set(&parts.host, W("h t"));
    set(&parts.user, W("u s"));
    CHECK_URL(URL_FLAG_ESCAPE, "http://u s@h t");
}

static void test_create_path_extra(void)
{
    reset_parts();
    set(&parts.path, W("/path"));
    CHECK_URL(0, "http://host/path");
    reset_parts();
    set(&parts.path, W("path"));
    CHECK_URL(0, "http://host/path");
    reset_parts();
    set(&parts.path, W(""));
    CHECK_URL(0, "http://host/");
    /* without a host the path is written as it is (native) */
    reset_parts();
    parts.host.text = NULL;
    set(&parts.path, W("p q"));
    CHECK_URL(0, "http://p q");
    CHECK_URL(URL_FLAG_ESCAPE, "http://p%20q");
    reset_parts();
    parts.path.text = W("/pathxx");
    parts.path.length = 3;
    CHECK_URL(0, "http://host/pa");
    reset_parts();
    set(&parts.extra, W("?q=1"));
    CHECK_URL(0, "http://host?q=1");
    reset_parts();
    set(&parts.path, W("/p"));
    set(&parts.extra, W("?q=1"));
    CHECK_URL(0, "http://host/p?q=1");
    reset_parts();
    set(&parts.path, W("/p"));
    set(&parts.extra, W("q=1"));
    CHECK_URL(0, "http://host/pq=1");
    reset_parts();
    set(&parts.path, W("/p"));
    set(&parts.extra, W("#f"));
    CHECK_URL(0, "http://host/p#f");
    reset_parts();
    parts.extra.text = W("?a");
    parts.extra.length = 1;
    CHECK_URL(0, "http://host?");
    reset_parts();
    set(&parts.path, W("/a b%20<>"));
    set(&parts.extra, W("?x y%#<>"));
    CHECK_URL(0, "http://host/a b%20<>?x y%#<>");
}

static void test_create_escape(void)
{
    reset_parts();
    set(&parts.path, W("/a b%20<>\"#{}|\\^~[]'`%"));
    set(&parts.extra, W("?x y%#<>"));
    CHECK_URL(URL_FLAG_ESCAPE,
              "http://host/a%20b%2520%3C%3E%22%23%7B%7D%7C%5C%5E%7E%5B%5D'%60%25?x%20y%25%23%3C%3E");
    reset_parts();
    set(&parts.path, W("/d%20/a b%20/c%20"));
    set(&parts.extra, W("?x%20/y%20"));
    CHECK_URL(URL_FLAG_ESCAPE, "http://host/d%2520/a%20b%2520/c%2520?x%2520/y%2520");
    reset_parts();
    set(&parts.path, W("/\x00e9\x0001\x007f"));
    CHECK_URL(URL_FLAG_ESCAPE, "http://host/%E9%01%7F");
    reset_parts();
    set(&parts.path, W("/\x00e9\x0100"));
    CHECK_INT(create(URL_FLAG_ESCAPE), URL_INVALID_PARAMETER);
    CHECK_INT(out[0], 'X');
    reset_parts();
    set(&parts.extra, W("?\x20ac"));
    CHECK_INT(create(URL_FLAG_ESCAPE), URL_INVALID_PARAMETER);
    reset_parts();
    set(&parts.path, W("/\x20ac"));
    CHECK_URL(0, "http://host/\\u20ac");
    reset_parts();
    set(&parts.path, W("/a b"));
    CHECK_URL(URL_FLAG_DECODE, "http://host/a b");
}

static void test_create_sizes(void)
{
    size_t length = 0;

    reset_parts();
    CHECK_INT(url_create(&parts, 0, NULL, 0, &length), URL_INSUFFICIENT_BUFFER);
    CHECK_INT(length, 12);
    CHECK_INT(url_create(&parts, 0, NULL, 100, &length), URL_INSUFFICIENT_BUFFER);
    CHECK_INT(length, 12);
    CHECK_INT(url_create(&parts, 0, out, 0, &length), URL_INSUFFICIENT_BUFFER);
    CHECK_INT(length, 12);
    CHECK_INT(url_create(&parts, 0, out, 11, &length), URL_INSUFFICIENT_BUFFER);
    CHECK_INT(length, 12);
    CHECK_INT(out[0], 'X');
    CHECK_INT(url_create(&parts, 0, out, 12, &length), URL_OK);
    CHECK_INT(length, 11);
    CHECK_TEXT(out, 11, "http://host");
    CHECK_INT(out[11], 0);
    CHECK_INT(out[12], 'X');

    reset_parts();
    set(&parts.path, W("/a b"));
    CHECK_INT(url_create(&parts, URL_FLAG_ESCAPE, NULL, 0, &length), URL_INSUFFICIENT_BUFFER);
    CHECK_INT(length, 18);
    CHECK_INT(url_create(&parts, URL_FLAG_ESCAPE, out, 17, &length), URL_INSUFFICIENT_BUFFER);
    CHECK_INT(length, 18);
    CHECK_INT(url_create(&parts, URL_FLAG_ESCAPE, out, 18, &length), URL_OK);
    CHECK_INT(length, 17);
    CHECK_TEXT(out, 17, "http://host/a%20b");
}

static void test_create_round_trip(void)
{
    static const char16_t *urls[] =
    {
        u"https://us:pw@example.com:444/a/b?c=d#e",
        u"http://host",
        u"http://host/",
        u"http://[::1]:8080/x?y",
        u"https://u@h/p#f",
        u"http://h:81?q",
    };

    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
    {
        const wchar16 *url = (const wchar16 *)urls[i];
        want_pointers();
        CHECK_INT(crack(url, 0), URL_OK);
        memset(&parts, 0, sizeof(parts));
        parts.scheme.text = uc.scheme.text;
        parts.scheme.length = uc.scheme.length;
        parts.scheme_id = uc.scheme_id;
        parts.host.text = uc.host.text;
        parts.host.length = uc.host.length;
        parts.port = uc.port;
        parts.user.text = uc.user.text;
        parts.user.length = uc.user.length;
        parts.password.text = uc.password.text;
        parts.password.length = uc.password.length;
        if (uc.path.length)
        {
            parts.path.text = uc.path.text;
            parts.path.length = uc.path.length;
        }
        parts.extra.text = uc.extra.text;
        parts.extra.length = uc.extra.length;
        CHECK_INT(url_create(&parts, 0, out, 300, &out_length), URL_OK);
        CHECK_MSG(out_length == len16(url) && !memcmp(out, url, out_length * sizeof(wchar16)),
                  "%s -> %s", ascii(url, len16(url)), ascii(out, out_length));
    }
}

/* ---- url_build ------------------------------------------------------------------------ */

static void test_build(void)
{
    wchar16 buf[64];
    size_t n;

    n = url_build(0, W("host"), 80, W("/path?q"), buf, 64);
    CHECK_INT(n, 18);
    CHECK_TEXT(buf, n, "http://host/path?q");
    CHECK_INT(buf[n], 0);
    n = url_build(1, W("host"), 443, W("/"), buf, 64);
    CHECK_TEXT(buf, n, "https://host/");
    n = url_build(1, W("host"), 8443, W("/x"), buf, 64);
    CHECK_TEXT(buf, n, "https://host:8443/x");
    n = url_build(0, W("host"), 443, W("/x"), buf, 64);
    CHECK_TEXT(buf, n, "http://host:443/x");
    n = url_build(0, W("host"), 0, W("x"), buf, 64);
    CHECK_TEXT(buf, n, "http://host/x");
    n = url_build(0, W("host"), 80, NULL, buf, 64);
    CHECK_TEXT(buf, n, "http://host/");
    n = url_build(0, W("host"), 80, W(""), buf, 64);
    CHECK_TEXT(buf, n, "http://host/");
    n = url_build(0, W("::1"), 8080, W("/"), buf, 64);
    CHECK_TEXT(buf, n, "http://[::1]:8080/");
    n = url_build(0, W("[::1]"), 80, W("/"), buf, 64);
    CHECK_TEXT(buf, n, "http://[::1]/");
    n = url_build(0, W("a b"), 80, W("/a b"), buf, 64);
    CHECK_TEXT(buf, n, "http://a b/a b");

    /* Sizing: nothing written unless the NUL fits too. */
    for (int i = 0; i < 64; i++) buf[i] = 'X';
    CHECK_INT(url_build(0, W("host"), 80, W("/"), NULL, 0), 12);
    CHECK_INT(url_build(0, W("host"), 80, W("/"), buf, 12), 12);
    CHECK_INT(buf[0], 'X');
    CHECK_INT(url_build(0, W("host"), 80, W("/"), buf, 13), 12);
    CHECK_TEXT(buf, 12, "http://host/");
    CHECK_INT(buf[12], 0);
}

int main(void)
{
    test_parse_full();
    test_parse_schemes();
    test_parse_invalid();
    test_parse_empty_host();
    test_parse_ports();
    test_parse_ipv6();
    test_parse_userinfo();
    test_parse_path_extra();
    test_parse_explicit_length();
    test_crack_pointers();
    test_crack_pointers_absent();
    test_crack_not_wanted();
    test_crack_path_takes_extra();
    test_crack_buffers();
    test_crack_buffer_sizes();
    test_crack_bad_requests();
    test_crack_failure_leaves_struct();
    test_crack_explicit_length();
    test_crack_decode();
    test_crack_decode_bytes();
    test_crack_decode_keeps_structure();
    test_crack_decode_sizes();
    test_crack_escape_set();
    test_crack_escape_components();
    test_crack_escape_percent();
    test_crack_escape_limits();
    test_crack_reject_userpwd();
    test_create_ports();
    test_create_schemes();
    test_create_userinfo();
    test_create_host();
    test_create_path_extra();
    test_create_escape();
    test_create_sizes();
    test_create_round_trip();
    test_build();
    return UNIT_DONE();
}
