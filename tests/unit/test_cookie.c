/* Unit tests of cookie.c: the date algorithm, domain and path matching,
 * public suffixes, parsing Set-Cookie and the jar.  Section numbers are
 * RFC 6265's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "cookie.h"

#define NOW INT64_C(1700000000)     /* 2023-11-14 22:13:20 UTC */

#define CHECK_STR(got, want)                                                       \
    do {                                                                           \
        const char *got_ = (got), *want_ = (want);                                 \
        CHECK_MSG(got_ && !strcmp(got_, want_), "got \"%s\", want \"%s\"",         \
                  got_ ? got_ : "(null)", want_);                                  \
    } while (0)

static struct cookie_request request(const char *host, const char *path, int secure, int64_t now)
{
    struct cookie_request req = { host, path, secure, now };
    return req;
}

/* Parses from an exact-size heap copy, so AddressSanitizer catches a read
 * past the bytes given. */
static enum cookie_result parse_at(const char *text, size_t len, const char *host, const char *path, int secure,
                                   int64_t now, struct cookie **out)
{
    struct cookie_request req = request(host, path, secure, now);
    char *copy = malloc(len ? len : 1);
    enum cookie_result result;

    memcpy(copy, text, len);
    result = cookie_parse(copy, len, &req, out);
    free(copy);
    return result;
}

static struct cookie *parse(const char *text, const char *host, const char *path)
{
    struct cookie *c = NULL;

    parse_at(text, strlen(text), host, path, 1, NOW, &c);
    return c;
}

static int ignored(const char *text, const char *host, const char *path)
{
    struct cookie *c = NULL;
    enum cookie_result r = parse_at(text, strlen(text), host, path, 1, NOW, &c);

    cookie_free(c);
    return r == COOKIE_IGNORED && !c;
}

static enum cookie_result set_at(struct cookie_jar *jar, const char *text, const char *host, const char *path,
                                 int secure, int64_t now)
{
    struct cookie_request req = request(host, path, secure, now);
    return cookie_jar_set(jar, text, strlen(text), &req);
}

static enum cookie_result set(struct cookie_jar *jar, const char *text, const char *host, const char *path)
{
    return set_at(jar, text, host, path, 1, NOW);
}

/* The Cookie header, "" for none (a static copy). */
static const char *header_at(struct cookie_jar *jar, const char *host, const char *path, int secure, int64_t now)
{
    static char buf[1 << 16];
    struct cookie_request req = request(host, path, secure, now);
    char *out = (char *)1;
    int ret = cookie_jar_header(jar, &req, &out);

    CHECK_INT(ret, 0);
    buf[0] = 0;
    if (out)
    {
        CHECK(out[0]);
        snprintf(buf, sizeof(buf), "%s", out);
        free(out);
    }
    return buf;
}

static const char *header(struct cookie_jar *jar, const char *host, const char *path)
{
    return header_at(jar, host, path, 1, NOW);
}

/* ---- dates ------------------------------------------------------------------ */

static int64_t date(const char *text)
{
    int64_t t = INT64_C(-999);
    size_t len = strlen(text);
    char *copy = malloc(len ? len : 1);

    memcpy(copy, text, len);
    if (!cookie_parse_date(copy, len, &t)) t = -999;
    free(copy);
    return t;
}

static void test_dates(void)
{
    /* the three formats of RFC 9110 (and 6265's own example) */
    CHECK_INT(date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    CHECK_INT(date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
    CHECK_INT(date("Sun Nov  6 08:49:37 1994"), 784111777);
    CHECK_INT(date("Wed, 09 Jun 2021 10:18:14 GMT"), 1623233894);
    /* the order of the tokens does not matter, words are skipped */
    CHECK_INT(date("2020 Jan 01 00:00:00"), 1577836800);
    CHECK_INT(date("00:00:00 2020 01 jan"), 1577836800);
    CHECK_INT(date("foo 1 bar JANUARY 2020 0:0:0 baz"), 1577836800);
    CHECK_INT(date("12:00:00GMT 1st Janvier 2020x"), 1577880000);   /* trailing non-digits */
    CHECK_INT(date("Jan 1 2020 1:2:3"), 1577840523);
    CHECK_INT(date("01-Jan-2020 00:00:00"), 1577836800);
    CHECK_INT(date(";;Thu, 01 Jan 1970 00:00:00 GMT;;"), 0);
    CHECK_INT(date("Thu, 01 Jan 1970 00:00:01 GMT"), 1);
    /* two-digit years: 70-99 are 19xx, 0-69 20xx (also with more digits) */
    CHECK_INT(date("1 Jan 70 00:00:00"), 0);
    CHECK_INT(date("1 Jan 99 00:00:00"), 915148800);
    CHECK_INT(date("1 Jan 00 00:00:00"), 946684800);
    CHECK_INT(date("1 Jan 69 00:00:00"), 3124224000);
    CHECK_INT(date("1 Jan 070 00:00:00"), 0);
    CHECK_INT(date("1 Jan 0069 00:00:00"), 3124224000);
    /* leap years, the earliest year, the latest */
    CHECK_INT(date("29 Feb 2020 00:00:00"), 1582934400);
    CHECK_INT(date("29 Feb 2000 00:00:00"), 951782400);
    CHECK_INT(date("1 Jan 1601 00:00:00"), INT64_C(-11644473600));
    CHECK_INT(date("31 Dec 9999 23:59:59"), INT64_C(253402300799));
    /* invalid */
    CHECK_INT(date(""), -999);
    CHECK_INT(date("   ,;"), -999);
    CHECK_INT(date("29 Feb 2021 00:00:00"), -999);
    CHECK_INT(date("29 Feb 1900 00:00:00"), -999);
    CHECK_INT(date("31 Apr 2020 00:00:00"), -999);
    CHECK_INT(date("0 Jan 2020 00:00:00"), -999);
    CHECK_INT(date("32 Jan 2020 00:00:00"), -999);
    CHECK_INT(date("1 Jan 1600 00:00:00"), -999);
    CHECK_INT(date("1 Jan 100 00:00:00"), -999);            /* 3 digits, not 70-99 or 0-69 */
    CHECK_INT(date("1 Jan 20201 00:00:00"), -999);          /* 5 digits: no year */
    CHECK_INT(date("1 Jan 2020 24:00:00"), -999);
    CHECK_INT(date("1 Jan 2020 23:60:00"), -999);
    CHECK_INT(date("1 Jan 2020 23:59:60"), -999);
    CHECK_INT(date("1 Jan 2020"), -999);                    /* no time */
    CHECK_INT(date("1 Jan 2020 12:34"), -999);              /* not hh:mm:ss */
    CHECK_INT(date("1 Jan 2020 123:00:00"), -999);
    CHECK_INT(date("1 Jan 2020 12:00:000"), -999);
    CHECK_INT(date("Jan 2020 00:00:00"), -999);             /* no day */
    CHECK_INT(date("1 2020 00:00:00"), -999);               /* no month */
    CHECK_INT(date("1 Ja 2020 00:00:00"), -999);
    CHECK_INT(date("Jan 70 1 00:00:00"), -999);             /* 70 is the day, 1 no year */
    CHECK_INT(date("1 Jan 2020 00:00:00 +0100"), 1577836800);  /* a zone is one more token, ignored */
}

/* ---- domains, paths, IP addresses ------------------------------------------ */

static void test_domain_match(void)
{
    CHECK(cookie_domain_match("example.com", "example.com"));
    CHECK(cookie_domain_match("www.example.com", "example.com"));
    CHECK(cookie_domain_match("a.b.example.com", "example.com"));
    CHECK(!cookie_domain_match("badexample.com", "example.com"));
    CHECK(!cookie_domain_match("example.com", "www.example.com"));
    CHECK(!cookie_domain_match("example.org", "example.com"));
    CHECK(!cookie_domain_match("example.com", ""));
    CHECK(cookie_domain_match("192.0.2.1", "192.0.2.1"));
    CHECK(!cookie_domain_match("192.0.2.1", "0.2.1"));
    CHECK(!cookie_domain_match("192.0.2.1", "2.1"));

    CHECK(cookie_host_is_ip("192.0.2.1"));
    CHECK(cookie_host_is_ip("192.0.2.1."));
    CHECK(cookie_host_is_ip("127.1"));
    CHECK(cookie_host_is_ip("0x7f.0x1"));
    CHECK(cookie_host_is_ip("::1"));
    CHECK(cookie_host_is_ip("[::1]"));
    CHECK(cookie_host_is_ip("[2001:db8::1]"));
    CHECK(cookie_host_is_ip("2001:db8::1"));
    CHECK(!cookie_host_is_ip("example.com"));
    CHECK(!cookie_host_is_ip("1.example"));
    CHECK(!cookie_host_is_ip("localhost"));
    CHECK(!cookie_host_is_ip("a.0xg1"));
    CHECK(!cookie_host_is_ip("a.0x"));
    CHECK(!cookie_host_is_ip(""));
}

static const char *default_path(const char *path)
{
    static char buf[256];
    size_t len = cookie_default_path(path, buf);

    CHECK_INT(len, strlen(buf));
    return buf;
}

static int path_match(const char *request_path, const char *cookie_path)
{
    return cookie_path_match(request_path, strlen(request_path), cookie_path);
}

static void test_paths(void)
{
    CHECK_STR(default_path(""), "/");
    CHECK_STR(default_path("foo"), "/");
    CHECK_STR(default_path("foo/bar"), "/");
    CHECK_STR(default_path("/"), "/");
    CHECK_STR(default_path("/foo"), "/");
    CHECK_STR(default_path("/foo/"), "/foo");
    CHECK_STR(default_path("/foo/bar"), "/foo");
    CHECK_STR(default_path("/foo/bar/baz.html"), "/foo/bar");
    CHECK_STR(default_path("/foo/bar?q=/x/y"), "/foo");
    CHECK_STR(default_path("/foo?a/b"), "/");
    CHECK_STR(default_path("/foo#/a/b"), "/");
    CHECK_STR(default_path("//"), "/");

    CHECK(path_match("/", "/"));
    CHECK(path_match("/anything", "/"));
    CHECK(path_match("/foo", "/foo"));
    CHECK(path_match("/foo/", "/foo"));
    CHECK(path_match("/foo/bar", "/foo"));
    CHECK(!path_match("/foobar", "/foo"));
    CHECK(!path_match("/fo", "/foo"));
    CHECK(!path_match("/", "/foo"));
    CHECK(!path_match("/Foo", "/foo"));                     /* case matters */
    CHECK(!path_match("/foo", "/foo/"));
    CHECK(path_match("/foo/", "/foo/"));
    CHECK(path_match("/foo/bar", "/foo/"));
    CHECK(path_match("/foobar", "/foobar"));
}

/* ---- public suffixes -------------------------------------------------------- */

static void test_public_suffixes(void)
{
    CHECK(cookie_is_public_suffix("com"));
    CHECK(!cookie_is_public_suffix("example.com"));
    CHECK(cookie_is_public_suffix("uk"));
    CHECK(cookie_is_public_suffix("co.uk"));
    CHECK(!cookie_is_public_suffix("example.co.uk"));
    CHECK(!cookie_is_public_suffix("www.example.co.uk"));
    /* *.ck with the exception !www.ck */
    CHECK(cookie_is_public_suffix("ck"));
    CHECK(cookie_is_public_suffix("foo.ck"));
    CHECK(!cookie_is_public_suffix("bar.foo.ck"));
    CHECK(!cookie_is_public_suffix("www.ck"));
    CHECK(!cookie_is_public_suffix("a.www.ck"));
    /* *.kawasaki.jp with !city.kawasaki.jp; kawasaki.jp itself has no rule */
    CHECK(cookie_is_public_suffix("jp"));
    CHECK(!cookie_is_public_suffix("kawasaki.jp"));
    CHECK(cookie_is_public_suffix("foo.kawasaki.jp"));
    CHECK(!cookie_is_public_suffix("city.kawasaki.jp"));
    CHECK(!cookie_is_public_suffix("www.city.kawasaki.jp"));
    /* *.bd without bd itself: the implicit rule for one label */
    CHECK(cookie_is_public_suffix("bd"));
    CHECK(cookie_is_public_suffix("com.bd"));
    CHECK(!cookie_is_public_suffix("example.com.bd"));
    /* no rule: only a single label */
    CHECK(cookie_is_public_suffix("localhost"));
    CHECK(cookie_is_public_suffix("no-such-tld"));
    CHECK(!cookie_is_public_suffix("example.no-such-tld"));
    /* internationalized: as written (UTF-8) and as A-labels */
    CHECK(cookie_is_public_suffix("\xd1\x80\xd1\x84"));     /* рф */
    CHECK(cookie_is_public_suffix("xn--p1ai"));
    CHECK(!cookie_is_public_suffix("example.xn--p1ai"));
    /* only the ICANN section */
    CHECK(!cookie_is_public_suffix("blogspot.com"));
    CHECK(!cookie_is_public_suffix("github.io"));
    /* odd names */
    CHECK(cookie_is_public_suffix(""));
    CHECK(cookie_is_public_suffix("."));
    CHECK(cookie_is_public_suffix("com."));
    CHECK(cookie_is_public_suffix("co.uk."));
    CHECK(!cookie_is_public_suffix("example.com."));
    CHECK(cookie_is_public_suffix(".com"));
    CHECK(cookie_is_public_suffix("a..com"));
}

/* ---- parsing ---------------------------------------------------------------- */

static void test_parse_basics(void)
{
    struct cookie *c;

    c = parse("SID=31d4d96e407aad42", "example.com", "/");
    CHECK(c);
    if (c)
    {
        CHECK_STR(c->name, "SID");
        CHECK_STR(c->value, "31d4d96e407aad42");
        CHECK_STR(c->domain, "example.com");
        CHECK_STR(c->path, "/");
        CHECK(c->host_only);
        CHECK(!c->persistent);
        CHECK(!c->secure);
        CHECK(!c->http_only);
        CHECK_INT(c->expiry, COOKIE_TIME_MAX);
        CHECK_INT(c->creation, NOW);
        CHECK_INT(c->last_access, NOW);
    }
    cookie_free(c);

    /* spaces and tabs around names, values and attributes */
    c = parse(" \t name \t=  a value\t ;  Path = /x ;Secure ; HttpOnly", "Example.COM", "/a/b");
    CHECK(c);
    if (c)
    {
        CHECK_STR(c->name, "name");
        CHECK_STR(c->value, "a value");
        CHECK_STR(c->path, "/x");
        CHECK_STR(c->domain, "example.com");
        CHECK(c->secure);
        CHECK(c->http_only);
    }
    cookie_free(c);

    /* empty value, '=' in the value, quotes kept */
    c = parse("a=", "example.com", "/");
    CHECK(c && !strcmp(c->value, ""));
    cookie_free(c);
    c = parse("a=;", "example.com", "/");
    CHECK(c && !strcmp(c->value, ""));
    cookie_free(c);
    c = parse("a=b=c", "example.com", "/");
    CHECK(c && !strcmp(c->name, "a") && !strcmp(c->value, "b=c"));
    cookie_free(c);
    c = parse("a=\"quoted value\"", "example.com", "/");
    CHECK(c && !strcmp(c->value, "\"quoted value\""));
    cookie_free(c);
    c = parse("a=b\tc", "example.com", "/");
    CHECK(c && !strcmp(c->value, "b\tc"));
    cookie_free(c);
    c = parse("a=b;;;", "example.com", "/");
    CHECK(c && !strcmp(c->value, "b"));
    cookie_free(c);
    c = parse("a=\xc3\xa9t\xc3\xa9", "example.com", "/");   /* UTF-8 bytes kept */
    CHECK(c && !strcmp(c->value, "\xc3\xa9t\xc3\xa9"));
    cookie_free(c);

    /* what RFC 6265 ignores: no '=', an empty name; and control characters */
    CHECK(ignored("", "example.com", "/"));
    CHECK(ignored(";", "example.com", "/"));
    CHECK(ignored(";a=b", "example.com", "/"));
    CHECK(ignored("noequals", "example.com", "/"));
    CHECK(ignored("noequals; a=b", "example.com", "/"));
    CHECK(ignored("=value", "example.com", "/"));
    CHECK(ignored("  =value", "example.com", "/"));
    CHECK(ignored("=", "example.com", "/"));
    CHECK(ignored("a=b\r\nSet-Cookie: c=d", "example.com", "/"));
    CHECK(ignored("a=\x01", "example.com", "/"));
    CHECK(ignored("a=b; Path=/\x7f", "example.com", "/"));
    CHECK(ignored("a=b", "", "/"));
    {
        struct cookie *n = NULL;
        CHECK_INT(parse_at("a=b\0c", 5, "example.com", "/", 0, NOW, &n), COOKIE_IGNORED);
        CHECK(!n);
        CHECK_INT(parse_at("a=bc", 3, "example.com", "/", 0, NOW, &n), COOKIE_STORED);   /* only len bytes */
        CHECK(n && !strcmp(n->value, "b"));
        cookie_free(n);
    }
}

static void test_parse_attributes(void)
{
    struct cookie *c;

    /* case-insensitive names, values of Secure/HttpOnly ignored */
    c = parse("a=b; DOMAIN=Example.COM; pAtH=/p; MAX-age=10; SECURE=no; httpONLY=0", "www.example.com", "/");
    CHECK(c);
    if (c)
    {
        CHECK_STR(c->domain, "example.com");
        CHECK(!c->host_only);
        CHECK_STR(c->path, "/p");
        CHECK_INT(c->expiry, NOW + 10);
        CHECK(c->persistent);
        CHECK(c->secure);
        CHECK(c->http_only);
    }
    cookie_free(c);

    /* attributes without values, unknown attributes */
    c = parse("a=b; Path; Domain; Max-Age; Expires; SameSite=Lax; Priority; Foo=bar=baz; =x; ;", "www.example.com",
              "/dir/page");
    CHECK(c);
    if (c)
    {
        CHECK_STR(c->path, "/dir");
        CHECK(c->host_only);
        CHECK_STR(c->domain, "www.example.com");
        CHECK(!c->persistent);
        CHECK_INT(c->expiry, COOKIE_TIME_MAX);
    }
    cookie_free(c);

    /* Path not starting with '/': the default path; the last Path wins */
    c = parse("a=b; Path=foo", "example.com", "/x/y");
    CHECK(c && !strcmp(c->path, "/x"));
    cookie_free(c);
    c = parse("a=b; Path=/one; Path=/two", "example.com", "/x/y");
    CHECK(c && !strcmp(c->path, "/two"));
    cookie_free(c);
    c = parse("a=b; Path=/one; Path=", "example.com", "/x/y");
    CHECK(c && !strcmp(c->path, "/x"));
    cookie_free(c);
    c = parse("a=b; Path=/A/b/", "example.com", "/");     /* kept as is */
    CHECK(c && !strcmp(c->path, "/A/b/"));
    cookie_free(c);
    c = parse("a=b", "example.com", "/x/y?q=/z/w");
    CHECK(c && !strcmp(c->path, "/x"));
    cookie_free(c);
    c = parse("a=b", "example.com", NULL);
    CHECK(c && !strcmp(c->path, "/"));
    cookie_free(c);

    /* Max-Age */
    c = parse("a=b; Max-Age=0", "example.com", "/");
    CHECK(c && c->expiry == COOKIE_TIME_MIN && c->persistent);
    cookie_free(c);
    c = parse("a=b; Max-Age=-5", "example.com", "/");
    CHECK(c && c->expiry == COOKIE_TIME_MIN);
    cookie_free(c);
    c = parse("a=b; Max-Age=-0", "example.com", "/");
    CHECK(c && c->expiry == COOKIE_TIME_MIN);
    cookie_free(c);
    c = parse("a=b; Max-Age=00100", "example.com", "/");
    CHECK(c && c->expiry == NOW + 100);
    cookie_free(c);
    c = parse("a=b; Max-Age=99999999999999999999999999", "example.com", "/");
    CHECK(c && c->expiry == COOKIE_TIME_MAX);
    cookie_free(c);
    c = parse("a=b; Max-Age=9223372036854775807", "example.com", "/");
    CHECK(c && c->expiry == COOKIE_TIME_MAX);
    cookie_free(c);
    static const char *const bad_max_age[] = { "a=b; Max-Age=abc", "a=b; Max-Age=1a", "a=b; Max-Age=-",
                                               "a=b; Max-Age=+5", "a=b; Max-Age=1 2", "a=b; Max-Age=--1",
                                               "a=b; Max-Age=1.5" };
    for (size_t i = 0; i < sizeof(bad_max_age) / sizeof(*bad_max_age); i++)
    {
        c = parse(bad_max_age[i], "example.com", "/");
        CHECK_MSG(c && !c->persistent && c->expiry == COOKIE_TIME_MAX, "%s", bad_max_age[i]);
        cookie_free(c);
    }
    c = parse("a=b; Max-Age=10; Max-Age=20", "example.com", "/");
    CHECK(c && c->expiry == NOW + 20);
    cookie_free(c);
    c = parse("a=b; Max-Age=10; Max-Age=x", "example.com", "/");  /* an invalid one is not there */
    CHECK(c && c->expiry == NOW + 10);
    cookie_free(c);

    /* Expires, and Max-Age over it whatever the order */
    c = parse("a=b; Expires=Wed, 09 Jun 2041 10:18:14 GMT", "example.com", "/");
    CHECK(c && c->expiry == 2254385894 && c->persistent);
    cookie_free(c);
    c = parse("a=b; Expires=Wed, 09 Jun 2041 10:18:14 GMT; Max-Age=0", "example.com", "/");
    CHECK(c && c->expiry == COOKIE_TIME_MIN);
    cookie_free(c);
    c = parse("a=b; Max-Age=100; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "example.com", "/");
    CHECK(c && c->expiry == NOW + 100);
    cookie_free(c);
    c = parse("a=b; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Expires=1 Jan 2040 00:00:00", "example.com", "/");
    CHECK(c && c->expiry == 2208988800);
    cookie_free(c);
    c = parse("a=b; Expires=1 Jan 2040 00:00:00; Expires=tomorrow", "example.com", "/");
    CHECK(c && c->expiry == 2208988800);
    cookie_free(c);
    c = parse("a=b; Expires=tomorrow", "example.com", "/");
    CHECK(c && !c->persistent && c->expiry == COOKIE_TIME_MAX);
    cookie_free(c);
    c = parse("a=b; Expires=Thu, 01 Jan 70 00:00:00 GMT", "example.com", "/");
    CHECK(c && c->expiry == 0);
    cookie_free(c);

    /* Secure only from a secure request */
    {
        struct cookie *n = NULL;
        const char *text = "a=b; Secure";
        CHECK_INT(parse_at(text, strlen(text), "example.com", "/", 0, NOW, &n), COOKIE_IGNORED);
        CHECK(!n);
        CHECK_INT(parse_at(text, strlen(text), "example.com", "/", 1, NOW, &n), COOKIE_STORED);
        CHECK(n && n->secure);
        cookie_free(n);
    }
}

static void test_parse_limits(void)
{
    char *text = malloc(COOKIE_MAX_NAME_VALUE + 2000);
    struct cookie *c;

    /* name and value: 4096 bytes together, not counting '=' and spaces */
    memset(text, 'v', COOKIE_MAX_NAME_VALUE + 1);
    memcpy(text, "n=", 2);
    text[COOKIE_MAX_NAME_VALUE + 1] = 0;                    /* 1 + 4095 */
    c = parse(text, "example.com", "/");
    CHECK(c && strlen(c->value) == COOKIE_MAX_NAME_VALUE - 1);
    cookie_free(c);
    memcpy(text + COOKIE_MAX_NAME_VALUE + 1, "v", 2);       /* 1 + 4096 */
    CHECK(ignored(text, "example.com", "/"));
    memcpy(text, "n =", 3);                                 /* 1 + 4095 */
    c = parse(text, "example.com", "/");
    CHECK(c);
    cookie_free(c);

    /* an attribute value over 1024 bytes is ignored */
    strcpy(text, "a=b; Path=/");
    memset(text + 11, 'p', 1023);
    text[11 + 1023] = 0;                                    /* a value of 1024 */
    c = parse(text, "example.com", "/x/y");
    CHECK(c && strlen(c->path) == 1024);
    cookie_free(c);
    strcat(text, "p");
    c = parse(text, "example.com", "/x/y");
    CHECK(c && !strcmp(c->path, "/x"));
    cookie_free(c);
    free(text);
}

static void check_domain(const char *text, const char *host, const char *domain, int host_only)
{
    struct cookie *c = parse(text, host, "/");

    CHECK_MSG(c, "%s from %s", text, host);
    if (!c) return;
    CHECK_MSG(!strcmp(c->domain, domain) && c->host_only == host_only, "%s from %s: %s, host-only %d", text, host,
              c->domain, c->host_only);
    cookie_free(c);
}

static void test_parse_domain(void)
{
    check_domain("a=b; Domain=example.com", "www.example.com", "example.com", 0);
    check_domain("a=b; Domain=.example.com", "www.example.com", "example.com", 0);
    check_domain("a=b; Domain=EXAMPLE.Com", "WWW.example.com", "example.com", 0);
    check_domain("a=b; Domain=example.com", "example.com", "example.com", 0);
    check_domain("a=b; Domain=.example.com", "example.com", "example.com", 0);
    check_domain("a=b; Domain=www.example.com", "a.b.www.example.com", "www.example.com", 0);
    check_domain("a=b; Domain=.", "www.example.com", "www.example.com", 1);  /* empty: host-only */
    check_domain("a=b; Domain=", "www.example.com", "www.example.com", 1);   /* ignored */
    check_domain("a=b; Domain=other.com; Domain=example.com", "www.example.com", "example.com", 0);
    CHECK(ignored("a=b; Domain=other.com", "www.example.com", "/"));
    CHECK(ignored("a=b; Domain=example.com; Domain=other.com", "www.example.com", "/"));
    CHECK(ignored("a=b; Domain=ample.com", "example.com", "/"));
    CHECK(ignored("a=b; Domain=www.example.com", "example.com", "/"));
    CHECK(ignored("a=b; Domain=..example.com", "www.example.com", "/"));
    CHECK(ignored("a=b; Domain=example.com.", "www.example.com", "/"));
    CHECK(ignored("a=b; Domain=b.example.com", "ab.example.com", "/"));
    /* public suffixes (5.3 step 5) */
    CHECK(ignored("a=b; Domain=com", "example.com", "/"));
    CHECK(ignored("a=b; Domain=.com", "example.com", "/"));
    CHECK(ignored("a=b; Domain=co.uk", "example.co.uk", "/"));
    CHECK(ignored("a=b; Domain=uk", "example.co.uk", "/"));
    check_domain("a=b; Domain=example.co.uk", "www.example.co.uk", "example.co.uk", 0);
    check_domain("a=b; Domain=co.uk", "co.uk", "co.uk", 1);
    check_domain("a=b; Domain=.CO.UK", "co.uk", "co.uk", 1);
    check_domain("a=b; Domain=localhost", "localhost", "localhost", 1);
    CHECK(ignored("a=b; Domain=foo.ck", "a.foo.ck", "/"));  /* *.ck */
    CHECK(ignored("a=b; Domain=ck", "a.www.ck", "/"));
    check_domain("a=b; Domain=www.ck", "a.www.ck", "www.ck", 0);   /* !www.ck */
    check_domain("a=b; Domain=foo.ck", "foo.ck", "foo.ck", 1);
    CHECK(ignored("a=b; Domain=foo.kawasaki.jp", "www.foo.kawasaki.jp", "/"));
    check_domain("a=b; Domain=city.kawasaki.jp", "www.city.kawasaki.jp", "city.kawasaki.jp", 0);
    check_domain("a=b; Domain=blogspot.com", "x.blogspot.com", "blogspot.com", 0);  /* a private suffix */
    /* IP addresses: host-only at most */
    check_domain("a=b", "192.0.2.1", "192.0.2.1", 1);
    check_domain("a=b; Domain=192.0.2.1", "192.0.2.1", "192.0.2.1", 1);
    check_domain("a=b; Domain=.192.0.2.1", "192.0.2.1", "192.0.2.1", 1);
    CHECK(ignored("a=b; Domain=0.2.1", "192.0.2.1", "/"));
    CHECK(ignored("a=b; Domain=2.1", "192.0.2.1", "/"));
    CHECK(ignored("a=b; Domain=1", "192.0.2.1", "/"));
    check_domain("a=b; Domain=[2001:db8::1]", "[2001:DB8::1]", "[2001:db8::1]", 1);
    check_domain("a=b; Domain=2001:db8::1", "2001:db8::1", "2001:db8::1", 1);
    CHECK(ignored("a=b; Domain=db8::1", "2001:db8::1", "/"));
    CHECK(ignored("a=b; Domain=example.com", "[2001:db8::1]", "/"));
}

/* ---- the jar ---------------------------------------------------------------- */

/* RFC 6265 section 3.1's examples, in order. */
static void test_rfc_examples(void)
{
    struct cookie_jar jar;

    cookie_jar_init(&jar);
    CHECK_INT(set(&jar, "SID=31d4d96e407aad42", "www.example.com", "/"), COOKIE_STORED);
    CHECK_STR(header(&jar, "www.example.com", "/"), "SID=31d4d96e407aad42");
    cookie_jar_clear(&jar);

    CHECK_INT(set(&jar, "SID=31d4d96e407aad42; Path=/; Domain=example.com", "www.example.com", "/"), COOKIE_STORED);
    CHECK_STR(header(&jar, "www.example.com", "/"), "SID=31d4d96e407aad42");
    CHECK_STR(header(&jar, "example.com", "/"), "SID=31d4d96e407aad42");
    CHECK_STR(header(&jar, "a.b.example.com", "/deep/path"), "SID=31d4d96e407aad42");
    CHECK_STR(header(&jar, "example.org", "/"), "");
    cookie_jar_clear(&jar);

    CHECK_INT(set(&jar, "SID=31d4d96e407aad42; Path=/; Secure; HttpOnly", "www.example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "lang=en-US; Path=/; Domain=example.com", "www.example.com", "/"), COOKIE_STORED);
    CHECK_STR(header(&jar, "www.example.com", "/"), "SID=31d4d96e407aad42; lang=en-US");
    CHECK_STR(header_at(&jar, "www.example.com", "/", 0, NOW), "lang=en-US");   /* not Secure over http */
    CHECK_STR(header(&jar, "example.com", "/"), "lang=en-US");                  /* SID is host-only */

    cookie_jar_clear(&jar);

    /* persistent for a while, then deleted by an Expires in the past */
#define T INT64_C(1600000000)
    CHECK_INT(set_at(&jar, "SID=31d4d96e407aad42; Path=/; Secure; HttpOnly", "www.example.com", "/", 1, T), COOKIE_STORED);
    CHECK_INT(set_at(&jar, "lang=en-US; Path=/; Domain=example.com", "www.example.com", "/", 1, T), COOKIE_STORED);
    CHECK_INT(set_at(&jar, "lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 GMT", "www.example.com", "/", 1, T),
              COOKIE_STORED);
    CHECK_STR(header_at(&jar, "www.example.com", "/", 1, T + 1), "SID=31d4d96e407aad42; lang=en-US; lang=en-US");
    CHECK_STR(header_at(&jar, "example.com", "/", 1, T + 1), "lang=en-US");
    CHECK_INT(set_at(&jar, "lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "www.example.com", "/", 1, T + 2),
              COOKIE_EXPIRED);
    CHECK_STR(header_at(&jar, "www.example.com", "/", 1, T + 2), "SID=31d4d96e407aad42; lang=en-US");
    CHECK_INT(set_at(&jar, "lang=; Domain=example.com; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "www.example.com", "/",
                     1, T + 3), COOKIE_EXPIRED);
    CHECK_STR(header_at(&jar, "www.example.com", "/", 1, T + 3), "SID=31d4d96e407aad42");
    /* and one that runs out by itself */
    CHECK_INT(set_at(&jar, "lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 GMT", "www.example.com", "/", 1, T + 4),
              COOKIE_STORED);
    CHECK_STR(header_at(&jar, "www.example.com", "/", 1, 1623233893), "SID=31d4d96e407aad42; lang=en-US");
    CHECK_STR(header_at(&jar, "www.example.com", "/", 1, 1623233894), "SID=31d4d96e407aad42");
#undef T
    CHECK_INT(jar.count, 1);
    cookie_jar_clear(&jar);
    CHECK_INT(jar.count, 0);
    CHECK(!jar.cookies);
}

static void test_jar_replace(void)
{
    struct cookie_jar jar;
    size_t i;

    cookie_jar_init(&jar);
    CHECK_INT(set_at(&jar, "a=1", "example.com", "/", 1, NOW), COOKIE_STORED);
    CHECK_INT(set_at(&jar, "b=2", "example.com", "/", 1, NOW + 1), COOKIE_STORED);
    CHECK_INT(set_at(&jar, "a=3; HttpOnly", "example.com", "/", 1, NOW + 2), COOKIE_STORED);
    CHECK_INT(jar.count, 2);
    CHECK_STR(header_at(&jar, "example.com", "/", 1, NOW + 3), "a=3; b=2");   /* a keeps its creation time */
    for (i = 0; i < jar.count; i++)
        if (!strcmp(jar.cookies[i]->name, "a"))
        {
            CHECK_INT(jar.cookies[i]->creation, NOW);
            CHECK_INT(jar.cookies[i]->last_access, NOW + 3);
            CHECK(jar.cookies[i]->http_only);
        }

    /* not the same: another path, host-only vs domain, case of the name */
    CHECK_INT(set(&jar, "a=4; Path=/x", "example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "a=5; Domain=example.com", "example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "A=6", "example.com", "/"), COOKIE_STORED);
    CHECK_INT(jar.count, 5);
    CHECK_STR(header_at(&jar, "example.com", "/x", 1, NOW + 4), "a=4; a=3; a=5; A=6; b=2");
    CHECK_STR(header_at(&jar, "www.example.com", "/x", 1, NOW + 4), "a=5");

    /* Max-Age=0 deletes, and only the one it names */
    CHECK_INT(set_at(&jar, "a=; Max-Age=0", "example.com", "/", 1, NOW + 5), COOKIE_EXPIRED);
    CHECK_INT(jar.count, 4);
    CHECK_STR(header_at(&jar, "example.com", "/x", 1, NOW + 5), "a=4; a=5; A=6; b=2");
    CHECK_INT(set_at(&jar, "a=; Max-Age=-1; Path=/x", "example.com", "/", 1, NOW + 5), COOKIE_EXPIRED);
    CHECK_INT(set_at(&jar, "a=; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "example.com", "/", 1,
                     NOW + 5), COOKIE_EXPIRED);
    CHECK_STR(header_at(&jar, "example.com", "/x", 1, NOW + 5), "A=6; b=2");
    /* deleting what is not there stores nothing */
    CHECK_INT(set_at(&jar, "zz=; Max-Age=0", "example.com", "/", 1, NOW + 5), COOKIE_EXPIRED);
    CHECK_INT(jar.count, 2);
    /* an ignored Set-Cookie deletes nothing */
    CHECK_INT(set_at(&jar, "b=; Max-Age=0; Domain=com", "example.com", "/", 1, NOW + 5), COOKIE_IGNORED);
    CHECK_INT(jar.count, 2);
    cookie_jar_clear(&jar);
}

static void test_jar_expiry(void)
{
    struct cookie_jar jar;

    cookie_jar_init(&jar);
    CHECK_INT(set(&jar, "short=1; Max-Age=10", "example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "long=2; Max-Age=100", "example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "session=3", "example.com", "/"), COOKIE_STORED);
    CHECK_STR(header_at(&jar, "example.com", "/", 1, NOW + 9), "short=1; long=2; session=3");
    CHECK_STR(header_at(&jar, "example.com", "/", 1, NOW + 10), "long=2; session=3");
    CHECK_INT(jar.count, 2);
    CHECK_INT(cookie_jar_remove_expired(&jar, NOW + 99), 0);
    CHECK_INT(cookie_jar_remove_expired(&jar, NOW + 100), 1);
    CHECK_INT(cookie_jar_remove_expired(&jar, INT64_MAX - 1), 0);   /* a session cookie stays */
    CHECK_INT(jar.count, 1);
    cookie_jar_clear(&jar);
}

static void test_jar_matching(void)
{
    struct cookie_jar jar;

    cookie_jar_init(&jar);
    CHECK_INT(set(&jar, "host=1", "Example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "dom=2; Domain=.example.com", "www.example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "sub=3; Domain=www.example.com", "www.example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "sec=4; Secure", "example.com", "/"), COOKIE_STORED);
    CHECK_STR(header(&jar, "example.com", "/"), "host=1; dom=2; sec=4");
    CHECK_STR(header(&jar, "EXAMPLE.COM", "/"), "host=1; dom=2; sec=4");
    CHECK_STR(header_at(&jar, "example.com", "/", 0, NOW), "host=1; dom=2");
    CHECK_STR(header(&jar, "www.example.com", "/"), "dom=2; sub=3");
    CHECK_STR(header(&jar, "a.www.example.com", "/"), "dom=2; sub=3");
    CHECK_STR(header(&jar, "notexample.com", "/"), "");
    CHECK_STR(header(&jar, "example.com.evil.org", "/"), "");
    CHECK_STR(header(&jar, "com", "/"), "");
    cookie_jar_clear(&jar);

    /* IP hosts: only the very host */
    CHECK_INT(set(&jar, "ip=1; Domain=192.0.2.1", "192.0.2.1", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "v6=1", "[2001:db8::1]", "/"), COOKIE_STORED);
    CHECK_STR(header(&jar, "192.0.2.1", "/"), "ip=1");
    CHECK_STR(header(&jar, "x.192.0.2.1", "/"), "");
    CHECK_STR(header(&jar, "[2001:db8::1]", "/"), "v6=1");
    CHECK_STR(header(&jar, "[2001:db8::2]", "/"), "");
    cookie_jar_clear(&jar);

    /* paths: / vs /foo vs /foobar, longer first */
    CHECK_INT(set(&jar, "root=1; Path=/", "example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "foo=2; Path=/foo", "example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "foobar=3; Path=/foobar", "example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "fooslash=4; Path=/foo/", "example.com", "/"), COOKIE_STORED);
    CHECK_INT(set(&jar, "deflt=5", "example.com", "/foo/bar"), COOKIE_STORED);   /* path /foo */
    CHECK_STR(header(&jar, "example.com", "/"), "root=1");
    CHECK_STR(header(&jar, "example.com", ""), "root=1");
    CHECK_STR(header(&jar, "example.com", NULL), "root=1");
    CHECK_STR(header(&jar, "example.com", "/fo"), "root=1");
    CHECK_STR(header(&jar, "example.com", "/foo"), "foo=2; deflt=5; root=1");
    CHECK_STR(header(&jar, "example.com", "/foo?x=/foobar"), "foo=2; deflt=5; root=1");
    CHECK_STR(header(&jar, "example.com", "/foo/"), "fooslash=4; foo=2; deflt=5; root=1");
    CHECK_STR(header(&jar, "example.com", "/foo/x/y"), "fooslash=4; foo=2; deflt=5; root=1");
    CHECK_STR(header(&jar, "example.com", "/foobar"), "foobar=3; root=1");
    CHECK_STR(header(&jar, "example.com", "/foobar/x"), "foobar=3; root=1");
    CHECK_STR(header(&jar, "example.com", "/foobarx"), "root=1");
    CHECK_STR(header(&jar, "example.com", "/FOO"), "root=1");
    cookie_jar_clear(&jar);

    /* an empty jar, an empty header */
    CHECK_STR(header(&jar, "example.com", "/"), "");
}

static void test_jar_order(void)
{
    struct cookie_jar jar;

    cookie_jar_init(&jar);
    /* same second: the order they came in; earlier seconds first */
    CHECK_INT(set_at(&jar, "c=1", "example.com", "/", 1, NOW), COOKIE_STORED);
    CHECK_INT(set_at(&jar, "b=2", "example.com", "/", 1, NOW), COOKIE_STORED);
    CHECK_INT(set_at(&jar, "a=3", "example.com", "/", 1, NOW - 10), COOKIE_STORED);
    CHECK_INT(set_at(&jar, "long=4; Path=/a/b", "example.com", "/", 1, NOW + 10), COOKIE_STORED);
    CHECK_INT(set_at(&jar, "mid=5; Path=/a", "example.com", "/", 1, NOW + 20), COOKIE_STORED);
    CHECK_STR(header_at(&jar, "example.com", "/a/b/c", 1, NOW + 30), "long=4; mid=5; a=3; c=1; b=2");
    /* the order survives removals from the middle of the jar */
    CHECK_INT(set_at(&jar, "c=; Max-Age=0", "example.com", "/", 1, NOW + 30), COOKIE_EXPIRED);
    CHECK_STR(header_at(&jar, "example.com", "/a/b/c", 1, NOW + 30), "long=4; mid=5; a=3; b=2");
    cookie_jar_clear(&jar);
}

/* Native WinHTTP's ways (struct cookie_jar): Wine's test_cookies. */
static void test_jar_native(void)
{
    struct cookie_jar jar;

    cookie_jar_init(&jar);
    jar.session_only = jar.newest_first = 1;
    CHECK_INT(set_at(&jar, "name = value ", "localhost", "/cookie", 0, NOW), COOKIE_STORED);
    CHECK_INT(set_at(&jar, "NAME = value ", "localhost", "/cookie", 0, NOW), COOKIE_STORED);
    CHECK_STR(header_at(&jar, "localhost", "/cookie2", 0, NOW), "NAME=value; name=value");
    /* an Expires in the past neither refuses nor deletes */
    CHECK_INT(set_at(&jar, "name2=value; Domain = localhost; Path=/cookie5;Expires=Wed, 13 Jan 2021 22:23:01 GMT; "
                     "HttpOnly; ", "localhost", "/cookie4", 0, NOW), COOKIE_STORED);
    CHECK_STR(header_at(&jar, "localhost", "/cookie5", 0, NOW), "name2=value; NAME=value; name=value");
    CHECK_INT(set_at(&jar, "name=gone; Max-Age=0", "localhost", "/", 0, NOW), COOKIE_STORED);
    CHECK_STR(header_at(&jar, "localhost", "/", 0, NOW + 1000000), "NAME=value; name=gone");
    /* longer paths still first */
    CHECK_INT(set_at(&jar, "deep=1; Path=/cookie5", "localhost", "/", 0, NOW), COOKIE_STORED);
    CHECK_STR(header_at(&jar, "localhost", "/cookie5", 0, NOW), "deep=1; name2=value; NAME=value; name=gone");
    cookie_jar_clear(&jar);
}

static const struct cookie *find(const struct cookie_jar *jar, const char *name, const char *domain)
{
    for (size_t i = 0; i < jar->count; i++)
        if (!strcmp(jar->cookies[i]->name, name) && !strcmp(jar->cookies[i]->domain, domain)) return jar->cookies[i];
    return NULL;
}

static void test_jar_limits(void)
{
    struct cookie_jar jar;
    char text[64], host[64];
    int i, d;

    /* 50 a domain: the least recently used goes */
    cookie_jar_init(&jar);
    for (i = 0; i < COOKIE_MAX_PER_DOMAIN; i++)
    {
        snprintf(text, sizeof(text), "c%d=%d; Path=/p%d", i, i, i);
        CHECK_INT(set_at(&jar, text, "example.com", "/", 1, NOW + i), COOKIE_STORED);
    }
    CHECK_INT(jar.count, COOKIE_MAX_PER_DOMAIN);
    CHECK_STR(header_at(&jar, "example.com", "/p0", 1, NOW + 100), "c0=0");   /* c0 used last now */
    CHECK_INT(set_at(&jar, "x=1", "other.example.com", "/", 1, NOW + 101), COOKIE_STORED);  /* another domain */
    CHECK_INT(jar.count, COOKIE_MAX_PER_DOMAIN + 1);
    CHECK_INT(set_at(&jar, "new=1", "example.com", "/", 1, NOW + 102), COOKIE_STORED);
    CHECK_INT(jar.count, COOKIE_MAX_PER_DOMAIN + 1);
    CHECK(find(&jar, "c0", "example.com"));
    CHECK(!find(&jar, "c1", "example.com"));
    CHECK(find(&jar, "c2", "example.com"));
    CHECK(find(&jar, "new", "example.com"));
    CHECK(find(&jar, "x", "other.example.com"));
    /* a replacement is not one more */
    CHECK_INT(set_at(&jar, "c2=again; Path=/p2", "example.com", "/", 1, NOW + 103), COOKIE_STORED);
    CHECK_INT(jar.count, COOKIE_MAX_PER_DOMAIN + 1);
    CHECK(find(&jar, "c3", "example.com"));
    /* expired cookies go before any other */
    CHECK_INT(set_at(&jar, "c3=soon; Path=/p3; Max-Age=5", "example.com", "/", 1, NOW + 104), COOKIE_STORED);
    CHECK_INT(set_at(&jar, "newer=1", "example.com", "/", 1, NOW + 110), COOKIE_STORED);
    CHECK(!find(&jar, "c3", "example.com"));
    CHECK(find(&jar, "c4", "example.com"));
    CHECK_INT(jar.count, COOKIE_MAX_PER_DOMAIN + 1);
    cookie_jar_clear(&jar);

    /* 3000 in all: the least recently used of any domain goes */
    for (d = 0; d < COOKIE_MAX_COOKIES / COOKIE_MAX_PER_DOMAIN; d++)
    {
        snprintf(host, sizeof(host), "d%d.example", d);
        for (i = 0; i < COOKIE_MAX_PER_DOMAIN; i++)
        {
            snprintf(text, sizeof(text), "c%d=%d", i, i);
            CHECK_INT(set_at(&jar, text, host, "/", 0, NOW + d), COOKIE_STORED);
        }
    }
    CHECK_INT(jar.count, COOKIE_MAX_COOKIES);
    CHECK(strlen(header_at(&jar, "d0.example", "/", 0, NOW + 100)) > 0);     /* d0's all used now */
    CHECK_INT(set_at(&jar, "extra=1", "new.example", "/", 0, NOW + 101), COOKIE_STORED);
    CHECK_INT(jar.count, COOKIE_MAX_COOKIES);
    CHECK(find(&jar, "c0", "d0.example"));
    CHECK(!find(&jar, "c0", "d1.example"));                 /* the first of d1, the least recent */
    CHECK(find(&jar, "c1", "d1.example"));
    CHECK(find(&jar, "extra", "new.example"));
    CHECK_INT(set_at(&jar, "extra2=1", "new.example", "/", 0, NOW + 102), COOKIE_STORED);
    CHECK(!find(&jar, "c1", "d1.example"));
    CHECK_INT(jar.count, COOKIE_MAX_COOKIES);
    cookie_jar_clear(&jar);
}

static void test_jar_set_errors(void)
{
    struct cookie_jar jar;
    struct cookie_request req = request("example.com", "/", 0, NOW);

    cookie_jar_init(&jar);
    CHECK_INT(cookie_jar_set(&jar, "", 0, &req), COOKIE_IGNORED);
    CHECK_INT(cookie_jar_set(&jar, "a=b; Secure", 11, &req), COOKIE_IGNORED);
    CHECK_INT(jar.count, 0);
    CHECK_INT(cookie_jar_remove_expired(&jar, NOW), 0);
    cookie_jar_clear(&jar);
    cookie_jar_clear(&jar);                                 /* twice is fine */
}

/* ---- out of memory ----------------------------------------------------------
 * cookie.c's malloc, realloc and strdup come here (the test links with
 * -Wl,--wrap=malloc,--wrap=realloc,--wrap=strdup): the allocation after
 * fail_after more succeed fails. */
void *__real_malloc(size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
static long fail_after = -1;

static int allocation_fails(void)
{
    if (fail_after < 0) return 0;
    return fail_after-- == 0;
}
void *__wrap_malloc(size_t size) { return allocation_fails() ? NULL : __real_malloc(size); }
void *__wrap_realloc(void *p, size_t size) { return allocation_fails() ? NULL : __real_realloc(p, size); }
char *__wrap_strdup(const char *s) { return allocation_fails() ? NULL : __real_strdup(s); }

static void test_out_of_memory(void)
{
    long n;
    int finished = 0;

    /* every allocation of a store and a header fails in turn: an error, the
     * jar as it was, no leak (AddressSanitizer checks at exit) */
    for (n = 0; n < 100 && !finished; n++)
    {
        struct cookie_jar jar;
        struct cookie_request req = request("www.example.com", "/a/b", 1, NOW);
        enum cookie_result r1, r2;
        char *out = NULL;
        int ret;

        cookie_jar_init(&jar);
        fail_after = n;
        r1 = cookie_jar_set(&jar, "a=1; Domain=example.com", 23, &req);
        r2 = cookie_jar_set(&jar, "b=2", 3, &req);
        ret = cookie_jar_header(&jar, &req, &out);
        finished = fail_after >= 0;                         /* nothing failed */
        fail_after = -1;
        CHECK(r1 == COOKIE_STORED || r1 == COOKIE_NO_MEMORY);
        CHECK(r2 == COOKIE_STORED || r2 == COOKIE_NO_MEMORY);
        CHECK_INT(jar.count, (r1 == COOKIE_STORED) + (r2 == COOKIE_STORED));
        if (ret) CHECK(!out);
        else if (jar.count) CHECK(out && strlen(out) == 3 + 2 * (jar.count - 1) + 3 * (jar.count - 1));
        free(out);
        cookie_jar_clear(&jar);
    }
    CHECK(finished);
    CHECK_MSG(n > 5, "%ld allocations", n);
}

int main(void)
{
    test_dates();
    test_domain_match();
    test_paths();
    test_public_suffixes();
    test_parse_basics();
    test_parse_attributes();
    test_parse_limits();
    test_parse_domain();
    test_rfc_examples();
    test_jar_replace();
    test_jar_expiry();
    test_jar_matching();
    test_jar_order();
    test_jar_native();
    test_jar_limits();
    test_jar_set_errors();
    test_out_of_memory();
    return UNIT_DONE();
}
