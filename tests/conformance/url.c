/* Conformance: WinHttpCrackUrl and WinHttpCreateUrl.
 *
 * Expectations come from Microsoft's pages for WinHttpCrackUrl,
 * WinHttpCreateUrl, URL_COMPONENTS and "Uniform Resource Locators (URLs) in
 * WinHTTP".  Where those are silent, a case follows what native Windows is
 * known to do and says so in a comment. */
#include "harness.h"
#include "winhttp.h"

#define ALL_LENGTHS (~0u)

/* The call fails with the error; the error is read after the call. */
#define ok_fails(call, want_err)                                                         \
    do {                                                                                 \
        BOOL r_ = (call);                                                                \
        DWORD e_ = GetLastError();                                                       \
        ok(!r_ && e_ == (DWORD)(want_err), "%s: got %d error %lu, want FALSE error %lu", \
           #call, r_, e_, (unsigned long)(want_err));                                    \
    } while (0)

/* A component given back as (pointer, length) equals want. */
#define ok_wstrn(text, length, want)                                                     \
    do {                                                                                 \
        const WCHAR *t_ = (text), *w_ = (want);                                          \
        DWORD l_ = (length);                                                             \
        ok(t_ && l_ == (DWORD)lstrlenW(w_) && !memcmp(t_, w_, l_ * sizeof(WCHAR)),       \
           #text ": got %.*ls (%lu), want %ls", t_ ? (int)l_ : 6, t_ ? t_ : L"(null)",   \
           l_, w_);                                                                      \
    } while (0)

static URL_COMPONENTS uc;
static WCHAR scheme[64], host[64], user[64], password[64], path[256], extra[256];

static void want_pointers(void)
{
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwSchemeLength = uc.dwHostNameLength = uc.dwUserNameLength = ALL_LENGTHS;
    uc.dwPasswordLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = ALL_LENGTHS;
    uc.nScheme = 77;
    uc.nPort = 1234;
}

static void fill(WCHAR *buffer, size_t count)
{
    for (size_t i = 0; i < count; i++) buffer[i] = 'X';
}

static void want_buffers(DWORD size)
{
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    fill(scheme, ARRAYSIZE(scheme));
    fill(host, ARRAYSIZE(host));
    fill(user, ARRAYSIZE(user));
    fill(password, ARRAYSIZE(password));
    fill(path, ARRAYSIZE(path));
    fill(extra, ARRAYSIZE(extra));
    uc.lpszScheme = scheme;
    uc.lpszHostName = host;
    uc.lpszUserName = user;
    uc.lpszPassword = password;
    uc.lpszUrlPath = path;
    uc.lpszExtraInfo = extra;
    uc.dwSchemeLength = uc.dwHostNameLength = uc.dwUserNameLength = size;
    uc.dwPasswordLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = size;
    uc.nScheme = 77;
    uc.nPort = 1234;
}

static BOOL crack(const WCHAR *url, DWORD flags)
{
    SetLastError(0xdeadbeef);
    return WinHttpCrackUrl(url, 0, flags, &uc);
}

/* ---- WinHttpCrackUrl: parameters ------------------------------------------------ */

static void test_crack_invalid_parameters(void)
{
    want_pointers();
    SetLastError(0xdeadbeef);
    ok_fails(WinHttpCrackUrl(NULL, 0, 0, &uc), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ok_fails(WinHttpCrackUrl(L"http://host/", 0, 0, NULL), ERROR_INVALID_PARAMETER);

    /* dwStructSize must hold the size of the structure. */
    want_pointers();
    uc.dwStructSize = 0;
    ok_fails(crack(L"http://host/", 0), ERROR_INVALID_PARAMETER);
    want_pointers();
    uc.dwStructSize = sizeof(uc) - 1;
    ok_fails(crack(L"http://host/", 0), ERROR_INVALID_PARAMETER);
    want_pointers();
    uc.dwStructSize = sizeof(uc) + 1;
    ok_fails(crack(L"http://host/", 0), ERROR_INVALID_PARAMETER);
}

/* The example on Microsoft's WinHttpCrackUrl and WinHttpCreateUrl pages. */
static void test_crack_documented_example(void)
{
    const WCHAR *url1 = L"http://search.msn.com/results.asp?RS=CHECKED&FORM=MSNH&v=1&q=wininet";
    WCHAR url2[256];
    DWORD length = 0;

    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwSchemeLength = uc.dwHostNameLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = (DWORD)-1;
    ok(WinHttpCrackUrl(url1, (DWORD)wcslen(url1), 0, &uc), "crack failed: %lu", GetLastError());
    ok(uc.lpszScheme == url1, "scheme %p, url %p", uc.lpszScheme, url1);
    ok_wstrn(uc.lpszScheme, uc.dwSchemeLength, L"http");
    ok(uc.lpszHostName == url1 + 7, "host %p, url %p", uc.lpszHostName, url1);
    ok_wstrn(uc.lpszHostName, uc.dwHostNameLength, L"search.msn.com");
    ok_wstrn(uc.lpszUrlPath, uc.dwUrlPathLength, L"/results.asp");
    ok_wstrn(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"?RS=CHECKED&FORM=MSNH&v=1&q=wininet");
    ok_int(uc.nScheme, INTERNET_SCHEME_HTTP);
    ok_int(uc.nPort, INTERNET_DEFAULT_HTTP_PORT);
    ok(!uc.lpszUserName && !uc.dwUserNameLength, "user %p %lu", uc.lpszUserName, uc.dwUserNameLength);

    uc.lpszExtraInfo = L"?RS=CHECKED&FORM=MSNH&v=1&q=winhttp";
    SetLastError(0xdeadbeef);
    ok_fails(WinHttpCreateUrl(&uc, 0, NULL, &length), ERROR_INSUFFICIENT_BUFFER);
    ok_int(length, wcslen(url1) + 1);
    ok(WinHttpCreateUrl(&uc, 0, url2, &length), "create failed: %lu", GetLastError());
    ok_wstr(url2, L"http://search.msn.com/results.asp?RS=CHECKED&FORM=MSNH&v=1&q=winhttp");
    ok_int(length, wcslen(url1));
}

/* ---- WinHttpCrackUrl: the two ways of returning components -------------------------- */

static void test_crack_pointers(void)
{
    const WCHAR *url = L"http://user:pass@host.example:8080/path/x.html?q=1";

    want_pointers();
    ok(crack(url, 0), "crack failed: %lu", GetLastError());
    ok_int(uc.nScheme, INTERNET_SCHEME_HTTP);
    ok_int(uc.nPort, 8080);
    ok(uc.lpszScheme == url, "scheme %p, url %p", uc.lpszScheme, url);
    ok(uc.lpszUserName == url + 7, "user %p, url %p", uc.lpszUserName, url);
    ok(uc.lpszPassword == url + 12, "password %p, url %p", uc.lpszPassword, url);
    ok(uc.lpszHostName == url + 17, "host %p, url %p", uc.lpszHostName, url);
    ok(uc.lpszUrlPath == url + 34, "path %p, url %p", uc.lpszUrlPath, url);
    ok(uc.lpszExtraInfo == url + 46, "extra %p, url %p", uc.lpszExtraInfo, url);
    ok_wstrn(uc.lpszScheme, uc.dwSchemeLength, L"http");
    ok_wstrn(uc.lpszUserName, uc.dwUserNameLength, L"user");
    ok_wstrn(uc.lpszPassword, uc.dwPasswordLength, L"pass");
    ok_wstrn(uc.lpszHostName, uc.dwHostNameLength, L"host.example");
    ok_wstrn(uc.lpszUrlPath, uc.dwUrlPathLength, L"/path/x.html");
    ok_wstrn(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"?q=1");
}

static void test_crack_pointers_absent_parts(void)
{
    const WCHAR *url = L"https://host";

    want_pointers();
    ok(crack(url, 0), "crack failed: %lu", GetLastError());
    ok_int(uc.nScheme, INTERNET_SCHEME_HTTPS);
    ok_int(uc.nPort, INTERNET_DEFAULT_HTTPS_PORT);
    ok_wstrn(uc.lpszHostName, uc.dwHostNameLength, L"host");
    /* Native: missing credentials come back as NULL, an empty path and
     * extra info as empty strings at the end of the URL. */
    ok(!uc.lpszUserName && !uc.dwUserNameLength, "user %p %lu", uc.lpszUserName, uc.dwUserNameLength);
    ok(!uc.lpszPassword && !uc.dwPasswordLength, "password %p %lu", uc.lpszPassword, uc.dwPasswordLength);
    ok(uc.lpszUrlPath == url + 12 && !uc.dwUrlPathLength, "path %p %lu", uc.lpszUrlPath, uc.dwUrlPathLength);
    ok(uc.lpszExtraInfo == url + 12 && !uc.dwExtraInfoLength, "extra %p %lu", uc.lpszExtraInfo,
       uc.dwExtraInfoLength);
}

static void test_crack_components_not_wanted(void)
{
    /* A component whose pointer and length are both zero is not returned;
     * scheme and port numbers are returned on every successful call. */
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    ok(crack(L"https://user:pw@host:99/x?y", 0), "crack failed: %lu", GetLastError());
    ok_int(uc.nScheme, INTERNET_SCHEME_HTTPS);
    ok_int(uc.nPort, 99);
    ok(!uc.lpszScheme && !uc.dwSchemeLength, "scheme %p %lu", uc.lpszScheme, uc.dwSchemeLength);
    ok(!uc.lpszHostName && !uc.dwHostNameLength, "host %p %lu", uc.lpszHostName, uc.dwHostNameLength);
    ok(!uc.lpszUserName && !uc.dwUserNameLength, "user %p %lu", uc.lpszUserName, uc.dwUserNameLength);
    ok(!uc.lpszUrlPath && !uc.dwUrlPathLength, "path %p %lu", uc.lpszUrlPath, uc.dwUrlPathLength);

    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwHostNameLength = 1;
    ok(crack(L"https://user:pw@host:99/x?y", 0), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszHostName, uc.dwHostNameLength, L"host");
    ok(!uc.lpszUrlPath && !uc.dwUrlPathLength, "path %p %lu", uc.lpszUrlPath, uc.dwUrlPathLength);
}

static void test_crack_buffers(void)
{
    want_buffers(64);
    ok(crack(L"http://user:pass@host.example:8080/path/x.html?q=1", 0), "crack failed: %lu", GetLastError());
    ok(uc.lpszHostName == host, "host buffer moved: %p", uc.lpszHostName);
    /* The length excludes the terminator, which is written. */
    ok_int(uc.dwSchemeLength, 4);
    ok_wstr(scheme, L"http");
    ok_int(uc.dwUserNameLength, 4);
    ok_wstr(user, L"user");
    ok_int(uc.dwPasswordLength, 4);
    ok_wstr(password, L"pass");
    ok_int(uc.dwHostNameLength, 12);
    ok_wstr(host, L"host.example");
    ok_int(uc.dwUrlPathLength, 12);
    ok_wstr(path, L"/path/x.html");
    ok_int(uc.dwExtraInfoLength, 4);
    ok_wstr(extra, L"?q=1");
    ok_int(host[13], 'X');
    ok_int(uc.nPort, 8080);
    ok_int(uc.nScheme, INTERNET_SCHEME_HTTP);

    /* Native: a buffer for a missing part receives an empty string. */
    want_buffers(64);
    ok(crack(L"http://host", 0), "crack failed: %lu", GetLastError());
    ok_int(uc.dwUserNameLength, 0);
    ok_int(user[0], 0);
    ok_int(uc.dwPasswordLength, 0);
    ok_int(password[0], 0);
    ok_int(uc.dwUrlPathLength, 0);
    ok_int(path[0], 0);
    ok_int(uc.dwExtraInfoLength, 0);
    ok_int(extra[0], 0);
}

static void test_crack_buffer_too_small(void)
{
    const WCHAR *url = L"http://user:pass@host.example:8080/path/x.html?q=1";

    /* The terminator must fit: 4 characters do not hold "http". */
    want_buffers(4);
    ok_fails(crack(url, 0), ERROR_INSUFFICIENT_BUFFER);
    /* Native: each component too big reports the size it needs, terminator
     * included; the scheme and port numbers are still returned. */
    ok_int(uc.dwSchemeLength, 5);
    ok_int(uc.dwHostNameLength, 13);
    ok_int(uc.dwUrlPathLength, 13);
    ok_int(uc.nScheme, INTERNET_SCHEME_HTTP);
    ok_int(uc.nPort, 8080);

    want_buffers(5);
    ok_fails(crack(url, 0), ERROR_INSUFFICIENT_BUFFER);
    ok_int(uc.dwSchemeLength, 4);
    ok_wstr(scheme, L"http");
    ok_int(uc.dwExtraInfoLength, 4);
    ok_wstr(extra, L"?q=1");
    ok_int(uc.dwHostNameLength, 13);
    ok_int(host[0], 'X');

    want_buffers(13);
    ok(crack(url, 0), "crack failed: %lu", GetLastError());
    ok_wstr(host, L"host.example");
    ok_wstr(path, L"/path/x.html");

    /* A buffer of no size is refused. */
    want_buffers(64);
    uc.dwHostNameLength = 0;
    ok_fails(crack(url, 0), ERROR_INVALID_PARAMETER);
}

/* ---- WinHttpCrackUrl: what is parsed -------------------------------------------------- */

static void test_crack_default_ports(void)
{
    want_pointers();
    ok(crack(L"http://host/", 0), "crack failed: %lu", GetLastError());
    ok_int(uc.nPort, INTERNET_DEFAULT_HTTP_PORT);
    ok_int(uc.nScheme, INTERNET_SCHEME_HTTP);
    want_pointers();
    ok(crack(L"https://host/", 0), "crack failed: %lu", GetLastError());
    ok_int(uc.nPort, INTERNET_DEFAULT_HTTPS_PORT);
    ok_int(uc.nScheme, INTERNET_SCHEME_HTTPS);
    want_pointers();
    ok(crack(L"https://host:80/", 0), "crack failed: %lu", GetLastError());
    ok_int(uc.nPort, 80);
    want_pointers();
    ok(crack(L"http://host:65535/", 0), "crack failed: %lu", GetLastError());
    ok_int(uc.nPort, 65535);
    ok_wstrn(uc.lpszHostName, uc.dwHostNameLength, L"host");
    /* Native: an empty port keeps the default. */
    want_pointers();
    ok(crack(L"http://host:/", 0), "crack failed: %lu", GetLastError());
    ok_int(uc.nPort, INTERNET_DEFAULT_HTTP_PORT);
}

static void test_crack_schemes(void)
{
    want_pointers();
    ok(crack(L"HTTP://host/", 0), "crack failed: %lu", GetLastError());
    ok_int(uc.nScheme, INTERNET_SCHEME_HTTP);
    ok_wstrn(uc.lpszScheme, uc.dwSchemeLength, L"HTTP");
    want_pointers();
    ok(crack(L"HttpS://host/", 0), "crack failed: %lu", GetLastError());
    ok_int(uc.nScheme, INTERNET_SCHEME_HTTPS);

    /* Only HTTP and HTTPS are recognised. */
    want_pointers();
    ok_fails(crack(L"ftp://host/", 0), ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
    want_pointers();
    ok_fails(crack(L"file:///c:/x", 0), ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
    want_pointers();
    ok_fails(crack(L"gopher://host/", 0), ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
    want_pointers();
    ok_fails(crack(L"httpx://host/", 0), ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
    want_pointers();
    ok_fails(crack(L"host/path", 0), ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
    want_pointers();
    ok_fails(crack(L"", 0), ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
}

static void test_crack_invalid_urls(void)
{
    want_pointers();
    ok_fails(crack(L"http:", 0), ERROR_WINHTTP_INVALID_URL);
    want_pointers();
    ok_fails(crack(L"http:/host/", 0), ERROR_WINHTTP_INVALID_URL);
    want_pointers();
    ok_fails(crack(L"http:host/", 0), ERROR_WINHTTP_INVALID_URL);
    want_pointers();
    ok_fails(crack(L"http://", 0), ERROR_WINHTTP_INVALID_URL);
    /* A port is a 16-bit number. */
    want_pointers();
    ok_fails(crack(L"http://host:65536/", 0), ERROR_WINHTTP_INVALID_URL);
    want_pointers();
    ok_fails(crack(L"http://host:99999/", 0), ERROR_WINHTTP_INVALID_URL);
}

static void test_crack_url_length(void)
{
    const WCHAR *url = L"http://user:pass@host.example:8080/path?q";

    /* dwUrlLength counts characters; only that much is cracked. */
    want_pointers();
    SetLastError(0xdeadbeef);
    ok(WinHttpCrackUrl(url, 20, 0, &uc), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszHostName, uc.dwHostNameLength, L"hos");
    ok_int(uc.nPort, INTERNET_DEFAULT_HTTP_PORT);
    ok_int(uc.dwUrlPathLength, 0);

    want_buffers(64);
    SetLastError(0xdeadbeef);
    ok(WinHttpCrackUrl(url, 36, 0, &uc), "crack failed: %lu", GetLastError());
    ok_wstr(path, L"/p");
    ok_int(uc.dwExtraInfoLength, 0);
    ok_int(uc.nPort, 8080);

    /* "http:" is all there is of "http://host/" when the length is 5. */
    want_pointers();
    SetLastError(0xdeadbeef);
    ok_fails(WinHttpCrackUrl(L"http://host/", 5, 0, &uc), ERROR_WINHTTP_INVALID_URL);
}

static void test_crack_user_password(void)
{
    want_pointers();
    ok(crack(L"http://user@host/", 0), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszUserName, uc.dwUserNameLength, L"user");
    ok(!uc.lpszPassword && !uc.dwPasswordLength, "password %p %lu", uc.lpszPassword, uc.dwPasswordLength);
    ok_wstrn(uc.lpszHostName, uc.dwHostNameLength, L"host");

    want_pointers();
    ok(crack(L"http://user:@host/", 0), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszUserName, uc.dwUserNameLength, L"user");
    ok_wstrn(uc.lpszPassword, uc.dwPasswordLength, L"");

    want_pointers();
    ok(crack(L"http://u:p:w@host:81/", 0), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszUserName, uc.dwUserNameLength, L"u");
    ok_wstrn(uc.lpszPassword, uc.dwPasswordLength, L"p:w");
    ok_wstrn(uc.lpszHostName, uc.dwHostNameLength, L"host");
    ok_int(uc.nPort, 81);

    /* An '@' in the path is not a user name. */
    want_pointers();
    ok(crack(L"http://host/a@b", 0), "crack failed: %lu", GetLastError());
    ok(!uc.lpszUserName && !uc.dwUserNameLength, "user %p %lu", uc.lpszUserName, uc.dwUserNameLength);
    ok_wstrn(uc.lpszUrlPath, uc.dwUrlPathLength, L"/a@b");
}

static void test_crack_extra_info(void)
{
    /* Extra info is "?something or #something". */
    want_pointers();
    ok(crack(L"http://host/p?q=1", 0), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszUrlPath, uc.dwUrlPathLength, L"/p");
    ok_wstrn(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"?q=1");
    want_pointers();
    ok(crack(L"http://host/p?q=1#frag", 0), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszUrlPath, uc.dwUrlPathLength, L"/p");
    ok_wstrn(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"?q=1#frag");
    want_pointers();
    ok(crack(L"http://host/p#frag", 0), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszUrlPath, uc.dwUrlPathLength, L"/p");
    ok_wstrn(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"#frag");
    want_pointers();
    ok(crack(L"http://host/?", 0), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszUrlPath, uc.dwUrlPathLength, L"/");
    ok_wstrn(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"?");
}

static void test_crack_ipv6(void)
{
    /* RFC 3986: an IPv6 host is written in brackets, and the port follows. */
    want_pointers();
    ok(crack(L"http://[::1]:8080/x?y", 0), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszHostName, uc.dwHostNameLength, L"[::1]");
    ok_int(uc.nPort, 8080);
    ok_wstrn(uc.lpszUrlPath, uc.dwUrlPathLength, L"/x");
    ok_wstrn(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"?y");
    want_pointers();
    ok(crack(L"https://[2001:db8::7]/", 0), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszHostName, uc.dwHostNameLength, L"[2001:db8::7]");
    ok_int(uc.nPort, INTERNET_DEFAULT_HTTPS_PORT);
}

/* ---- WinHttpCrackUrl: flags ---------------------------------------------------------------- */

static void test_crack_decode(void)
{
    want_buffers(64);
    ok(crack(L"http://us%41r:p%20w@host/a%20b%41?x=%41%42", ICU_DECODE), "crack failed: %lu", GetLastError());
    ok_wstr(user, L"usAr");
    ok_int(uc.dwUserNameLength, 4);
    ok_wstr(password, L"p w");
    ok_wstr(path, L"/a bA");
    ok_int(uc.dwUrlPathLength, 5);
    ok_wstr(extra, L"?x=AB");
    ok_wstr(scheme, L"http");

    /* Not UTF-8: each %xx is one character. */
    want_buffers(64);
    ok(crack(L"http://host/%C3%A9", ICU_DECODE), "crack failed: %lu", GetLastError());
    ok_wstr(path, L"/\x00c3\x00a9");

    /* Something that is no escape stays as it is. */
    want_buffers(64);
    ok(crack(L"http://host/%zz%4", ICU_DECODE), "crack failed: %lu", GetLastError());
    ok_wstr(path, L"/%zz%4");

    /* The size needed is that of the decoded text. */
    want_buffers(64);
    uc.dwUrlPathLength = 3;
    ok_fails(crack(L"http://host/a%41", ICU_DECODE), ERROR_INSUFFICIENT_BUFFER);
    ok_int(uc.dwUrlPathLength, 4);

    /* Only with buffers; pointers into the URL cannot show decoded text. */
    want_pointers();
    ok_fails(crack(L"http://host/a%41", ICU_DECODE), ERROR_INVALID_PARAMETER);
}

static void test_crack_escape(void)
{
    want_buffers(256);
    ok(crack(L"http://host/a b\"<>{}|\\^`~?x y", ICU_ESCAPE), "crack failed: %lu", GetLastError());
    ok_wstr(path, L"/a%20b%22%3C%3E%7B%7D%7C%5C%5E%60%7E");
    ok_wstr(extra, L"?x%20y");
    ok_wstr(host, L"host");

    /* Non-ASCII characters are escaped too. */
    want_buffers(64);
    ok(crack(L"http://host/caf\x00e9", ICU_ESCAPE), "crack failed: %lu", GetLastError());
    ok_wstr(path, L"/caf%E9");

    /* Characters that need no escape stay. */
    want_buffers(256);
    ok(crack(L"http://host/AZaz09-._!$&()*+,;=:@", ICU_ESCAPE), "crack failed: %lu", GetLastError());
    ok_wstr(path, L"/AZaz09-._!$&()*+,;=:@");

    want_buffers(64);
    uc.dwUrlPathLength = 6;
    ok_fails(crack(L"http://host/a b", ICU_ESCAPE), ERROR_INSUFFICIENT_BUFFER);
    ok_int(uc.dwUrlPathLength, 7);

    want_pointers();
    ok_fails(crack(L"http://host/a b", ICU_ESCAPE), ERROR_INVALID_PARAMETER);
}

static void test_crack_reject_userpwd(void)
{
    want_pointers();
    ok_fails(crack(L"http://user:pass@host/", ICU_REJECT_USERPWD), ERROR_WINHTTP_INVALID_URL);
    want_pointers();
    ok_fails(crack(L"http://user@host/", ICU_REJECT_USERPWD), ERROR_WINHTTP_INVALID_URL);
    want_pointers();
    ok_fails(crack(L"http://:pass@host/", ICU_REJECT_USERPWD), ERROR_WINHTTP_INVALID_URL);
    want_pointers();
    ok(crack(L"http://host/a@b", ICU_REJECT_USERPWD), "crack failed: %lu", GetLastError());
    ok_wstrn(uc.lpszHostName, uc.dwHostNameLength, L"host");
}

/* ---- WinHttpCreateUrl ------------------------------------------------------------------------ */

static void reset_create(void)
{
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.nScheme = INTERNET_SCHEME_HTTP;
    uc.lpszHostName = L"host";
    uc.nPort = INTERNET_DEFAULT_HTTP_PORT;
}

static WCHAR created[256];
static DWORD created_length;

static BOOL create(DWORD flags)
{
    fill(created, ARRAYSIZE(created));
    created_length = ARRAYSIZE(created);
    SetLastError(0xdeadbeef);
    return WinHttpCreateUrl(&uc, flags, created, &created_length);
}

#define ok_create(flags, want)                                                           \
    do {                                                                                 \
        ok(create(flags), "create failed: %lu", GetLastError());                         \
        ok_wstr(created, want);                                                          \
        ok_int(created_length, wcslen(want));                                            \
    } while (0)

static void test_create_invalid_parameters(void)
{
    DWORD length = 0;

    SetLastError(0xdeadbeef);
    ok_fails(WinHttpCreateUrl(NULL, 0, NULL, &length), ERROR_INVALID_PARAMETER);
    reset_create();
    SetLastError(0xdeadbeef);
    ok_fails(WinHttpCreateUrl(&uc, 0, NULL, NULL), ERROR_INVALID_PARAMETER);
    reset_create();
    uc.dwStructSize = 0;
    ok_fails(create(0), ERROR_INVALID_PARAMETER);
    reset_create();
    uc.dwStructSize = sizeof(uc) + 1;
    ok_fails(create(0), ERROR_INVALID_PARAMETER);
    /* Native: a size with no buffer is refused, not taken for a size query. */
    reset_create();
    length = 100;
    SetLastError(0xdeadbeef);
    ok_fails(WinHttpCreateUrl(&uc, 0, NULL, &length), ERROR_INVALID_PARAMETER);
    /* Native: a password needs a user name. */
    reset_create();
    uc.lpszPassword = L"pw";
    ok_fails(create(0), ERROR_INVALID_PARAMETER);
}

static void test_create_size_protocol(void)
{
    WCHAR buffer[32];
    DWORD length = 0;

    /* Too small: the number of characters needed, terminator included. */
    reset_create();
    uc.lpszUrlPath = L"/p";
    SetLastError(0xdeadbeef);
    ok_fails(WinHttpCreateUrl(&uc, 0, NULL, &length), ERROR_INSUFFICIENT_BUFFER);
    ok_int(length, 14);

    fill(buffer, ARRAYSIZE(buffer));
    length = 13;
    SetLastError(0xdeadbeef);
    ok_fails(WinHttpCreateUrl(&uc, 0, buffer, &length), ERROR_INSUFFICIENT_BUFFER);
    ok_int(length, 14);
    ok_int(buffer[13], 'X');

    /* Success: the length of the URL, terminator excluded. */
    length = 14;
    ok(WinHttpCreateUrl(&uc, 0, buffer, &length), "create failed: %lu", GetLastError());
    ok_int(length, 13);
    ok_wstr(buffer, L"http://host/p");
}

static void test_create_default_ports(void)
{
    reset_create();
    ok_create(0, L"http://host");
    reset_create();
    uc.nPort = 8080;
    ok_create(0, L"http://host:8080");
    reset_create();
    uc.nPort = INTERNET_DEFAULT_HTTPS_PORT;
    ok_create(0, L"http://host:443");
    reset_create();
    uc.nScheme = INTERNET_SCHEME_HTTPS;
    uc.nPort = INTERNET_DEFAULT_HTTPS_PORT;
    ok_create(0, L"https://host");
    reset_create();
    uc.nScheme = INTERNET_SCHEME_HTTPS;
    uc.nPort = INTERNET_DEFAULT_HTTP_PORT;
    ok_create(0, L"https://host:80");
}

static void test_create_components(void)
{
    reset_create();
    uc.lpszUserName = L"user";
    uc.lpszPassword = L"pw";
    uc.lpszUrlPath = L"/a/b";
    uc.lpszExtraInfo = L"?c=d";
    uc.nPort = 81;
    ok_create(0, L"http://user:pw@host:81/a/b?c=d");

    reset_create();
    uc.lpszUserName = L"user";
    ok_create(0, L"http://user@host");

    /* A non-zero length says how much of a string to take. */
    reset_create();
    uc.lpszScheme = L"https://";
    uc.dwSchemeLength = 5;
    uc.lpszHostName = L"hostname";
    uc.dwHostNameLength = 4;
    uc.nPort = INTERNET_DEFAULT_HTTPS_PORT;
    uc.lpszUrlPath = L"/pathname";
    uc.dwUrlPathLength = 5;
    ok_create(0, L"https://host/path");

    /* The scheme string wins over nScheme. */
    reset_create();
    uc.lpszScheme = L"https";
    uc.nScheme = INTERNET_SCHEME_HTTP;
    uc.nPort = INTERNET_DEFAULT_HTTPS_PORT;
    ok_create(0, L"https://host");

    /* Native: a path gets its leading '/'; extra info is taken as it is. */
    reset_create();
    uc.lpszUrlPath = L"path";
    ok_create(0, L"http://host/path");
    reset_create();
    uc.lpszUrlPath = L"/p";
    uc.lpszExtraInfo = L"#frag";
    ok_create(0, L"http://host/p#frag");
    reset_create();
    uc.lpszUrlPath = L"/a b";
    ok_create(0, L"http://host/a b");
}

static void test_create_escape(void)
{
    reset_create();
    uc.lpszUrlPath = L"/a b<>\"{}|\\^`~";
    uc.lpszExtraInfo = L"?x y";
    ok_create(ICU_ESCAPE, L"http://host/a%20b%3C%3E%22%7B%7D%7C%5C%5E%60%7E?x%20y");
    reset_create();
    uc.lpszUrlPath = L"/caf\x00e9";
    ok_create(ICU_ESCAPE, L"http://host/caf%E9");
    /* Only the path and extra info are escaped. */
    reset_create();
    uc.lpszUserName = L"a b";
    uc.lpszUrlPath = L"/a b";
    ok_create(ICU_ESCAPE, L"http://a b@host/a%20b");
}

static void test_create_reject_userpwd(void)
{
    reset_create();
    uc.lpszUserName = L"user";
    uc.lpszPassword = L"pw";
    ok_fails(create(ICU_REJECT_USERPWD), ERROR_WINHTTP_INVALID_URL);
    reset_create();
    uc.lpszUserName = L"user";
    ok_fails(create(ICU_REJECT_USERPWD), ERROR_WINHTTP_INVALID_URL);
    reset_create();
    uc.lpszUrlPath = L"/p";
    ok_create(ICU_REJECT_USERPWD, L"http://host/p");
}

static void test_crack_create_round_trip(void)
{
    static const WCHAR *urls[] =
    {
        L"https://us:pw@example.com:444/a/b?c=d#e",
        L"http://example.com/",
        L"http://u@example.com:8080/x?y",
        L"https://example.com/a%20b",
        L"http://[::1]:8080/x",
    };

    for (size_t i = 0; i < ARRAYSIZE(urls); i++)
    {
        want_pointers();
        ok(crack(urls[i], 0), "crack %ls failed: %lu", urls[i], GetLastError());
        ok(create(0), "create %ls failed: %lu", urls[i], GetLastError());
        ok_wstr(created, urls[i]);
    }
}

TEST_CASES(
    TEST(test_crack_invalid_parameters),
    TEST(test_crack_documented_example),
    TEST(test_crack_pointers),
    TEST(test_crack_pointers_absent_parts),
    TEST(test_crack_components_not_wanted),
    TEST(test_crack_buffers),
    TEST(test_crack_buffer_too_small),
    TEST(test_crack_default_ports),
    TEST(test_crack_schemes),
    TEST(test_crack_invalid_urls),
    TEST(test_crack_url_length),
    TEST(test_crack_user_password),
    TEST(test_crack_extra_info),
    TEST(test_crack_ipv6),
    TEST(test_crack_decode),
    TEST(test_crack_escape),
    TEST(test_crack_reject_userpwd),
    TEST(test_create_invalid_parameters),
    TEST(test_create_size_protocol),
    TEST(test_create_default_ports),
    TEST(test_create_components),
    TEST(test_create_escape),
    TEST(test_create_reject_userpwd),
    TEST(test_crack_create_round_trip)
);

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
