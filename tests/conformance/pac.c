/* Proxy auto-configuration: WinHttpGetProxyForUrl with PAC files served by
 * the in-process server (and one from nginx when WINHTTP_TEST_NGINX is
 * set), the PAC helper functions, odd and hostile scripts, the script
 * cache, the resolver handle (WinHttpCreateProxyResolver,
 * WinHttpGetProxyForUrlEx, WinHttpGetProxyResult, cancel by close) and the
 * argument checks. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "server.h"
#include "winhttp.h"

/* ---- serving PAC files ------------------------------------------------------------ */

struct pac_server
{
    struct server *server;
    WCHAR url[64];
};

/* Serves body (status 200, or the status given) to every connection. */
static BOOL pac_serve(struct pac_server *ps, int status, const char *body, DWORD delay_ms)
{
    struct script *s;

    if (!(ps->server = server_start())) return FALSE;
    s = server_every_connection(ps->server);
    script_recv_request(s);
    if (delay_ms) script_wait(s, delay_ms);
    script_respond(s, status, "Content-Type: application/x-ns-proxy-autoconfig\r\n", body);
    script_close(s);
    swprintf(ps->url, ARRAYSIZE(ps->url), L"http://127.0.0.1:%u/proxy.pac", server_port(ps->server));
    return TRUE;
}

static void pac_stop(struct pac_server *ps)
{
    if (ps->server) server_stop(ps->server);
    ps->server = NULL;
}

static void options_for(WINHTTP_AUTOPROXY_OPTIONS *options, const WCHAR *config_url, DWORD extra_flags)
{
    memset(options, 0, sizeof(*options));
    options->dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL | extra_flags;
    options->lpszAutoConfigUrl = config_url;
}

/* WinHttpGetProxyForUrl on session for url with the PAC at config_url;
   returns 0 or the error. */
static DWORD lookup_in(HINTERNET session, const WCHAR *config_url, const WCHAR *url, DWORD flags,
                       WINHTTP_PROXY_INFO *info)
{
    WINHTTP_AUTOPROXY_OPTIONS options;

    options_for(&options, config_url, flags);
    memset(info, 0, sizeof(*info));
    SetLastError(0xdeadbeef);
    if (WinHttpGetProxyForUrl(session, url, &options, info)) return 0;
    return GetLastError();
}

static void free_info(WINHTTP_PROXY_INFO *info)
{
    if (info->lpszProxy) GlobalFree(info->lpszProxy);
    if (info->lpszProxyBypass) GlobalFree(info->lpszProxyBypass);
    memset(info, 0, sizeof(*info));
}

/* Serves script, looks url up on a new session: the error, and the info. */
static DWORD lookup(const char *script, const WCHAR *url, DWORD flags, WINHTTP_PROXY_INFO *info)
{
    struct pac_server ps;
    HINTERNET session;
    DWORD err;

    memset(info, 0, sizeof(*info));
    if (!pac_serve(&ps, 200, script, 0)) return 0xdeadbeef;
    session = WinHttpOpen(L"pac-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    err = lookup_in(session, ps.url, url, flags, info);
    WinHttpCloseHandle(session);
    pac_stop(&ps);
    return err;
}

/* The proxy list a script's answer gives, or NULL for NO_PROXY (static). */
static const WCHAR *answer_of(const char *script, const WCHAR *url, DWORD flags, DWORD *err)
{
    static WCHAR list[4096];
    WINHTTP_PROXY_INFO info;

    *err = lookup(script, url, flags, &info);
    if (*err) return L"(error)";
    if (info.dwAccessType == WINHTTP_ACCESS_TYPE_NO_PROXY && !info.lpszProxy) return NULL;
    lstrcpynW(list, info.lpszProxy ? info.lpszProxy : L"(null)", ARRAYSIZE(list));
    ok(info.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY, "access type %lu", info.dwAccessType);
    ok(!info.lpszProxyBypass, "bypass %ls", info.lpszProxyBypass);
    free_info(&info);
    return list;
}

#define FIND(body) "function FindProxyForURL(url, host) { " body " }"

/* ---- the helper functions ------------------------------------------------------------- */

static const char *helper_checks[] = {
    "isPlainHostName('www') === true",
    "isPlainHostName('www.example.com') === false",
    "dnsDomainIs('www.netscape.com', '.netscape.com') === true",
    "dnsDomainIs('www', '.netscape.com') === false",
    "dnsDomainIs('www.mcom.com', '.netscape.com') === false",
    "localHostOrDomainIs('www.netscape.com', 'www.netscape.com') === true",
    "localHostOrDomainIs('www', 'www.netscape.com') === true",
    "localHostOrDomainIs('www.mcom.com', 'www.netscape.com') === false",
    "localHostOrDomainIs('home.netscape.com', 'www.netscape.com') === false",
    "isResolvable('127.0.0.1') === true",
    "isResolvable('localhost') === true",
    "isResolvable('no-such-host.invalid') === false",
    "dnsResolve('127.0.0.1') === '127.0.0.1'",
    "dnsResolve('no-such-host.invalid') === null",
    "isInNet('127.0.0.1', '127.0.0.0', '255.0.0.0') === true",
    "isInNet('127.0.0.1', '10.0.0.0', '255.0.0.0') === false",
    "isInNet('198.95.249.79', '198.95.0.0', '255.255.0.0') === true",
    "isInNet('localhost', '127.0.0.0', '255.0.0.0') === true",
    "/^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$/.test(myIpAddress())",
    "dnsDomainLevels('www') === 0",
    "dnsDomainLevels('www.netscape.com') === 2",
    "shExpMatch('http://home.netscape.com/people/ari/index.html', '*/ari/*') === true",
    "shExpMatch('http://home.netscape.com/people/montulli/index.html', '*/ari/*') === false",
    "shExpMatch('abc', 'a?c') === true",
    "shExpMatch('a.example.com', '*.example.com') === true",
    "weekdayRange('SUN', 'SAT') === true",
    "weekdayRange(['SUN','MON','TUE','WED','THU','FRI','SAT'][new Date().getDay()]) === true",
    "weekdayRange(['SUN','MON','TUE','WED','THU','FRI','SAT'][new Date().getUTCDay()], 'GMT') === true",
    "weekdayRange(['SUN','MON','TUE','WED','THU','FRI','SAT'][(new Date().getDay() + 1) % 7]) === false",
    "dateRange(1, 31) === true",
    "dateRange('JAN', 'DEC') === true",
    "dateRange(new Date().getFullYear()) === true",
    "dateRange(1995) === false",
    "dateRange(1995, 2200) === true",
    "dateRange(new Date().getDate()) === true",
    "timeRange(0, 23) === true",
    "timeRange(new Date().getHours()) === true",
    "timeRange(0, 0, 0, 23, 59, 59) === true",
    "isResolvableEx('127.0.0.1') === true",
    "isResolvableEx('no-such-host.invalid') === false",
    "dnsResolveEx('127.0.0.1').indexOf('127.0.0.1') >= 0",
    "isInNetEx('127.0.0.1', '127.0.0.0/8') === true",
    "isInNetEx('127.0.0.1', '10.0.0.0/8') === false",
    "isInNetEx('198.95.249.79', '198.95.0.0/16') === true",
    "typeof myIpAddressEx() === 'string' && myIpAddressEx().length > 0",
    "sortIpAddressList('10.2.3.9;2001:4898:28:3:201:2ff:feea:fc14;::1;127.0.0.1;::9') === "
    "'::1;::9;2001:4898:28:3:201:2ff:feea:fc14;10.2.3.9;127.0.0.1'",
    "typeof getClientVersion() === 'string'",
};

static void test_helpers(void)
{
    char *script = malloc(16384);
    const WCHAR *answer;
    DWORD err;

    /* each check's result in turn; the answer names the first that failed */
    strcpy(script, "function FindProxyForURL(url, host) { var r = [];\n");
    for (size_t i = 0; i < ARRAYSIZE(helper_checks); i++)
    {
        strcat(script, "try { r.push(");
        strcat(script, helper_checks[i]);
        strcat(script, "); } catch (e) { r.push(false); }\n");
    }
    strcat(script, "for (var i = 0; i < r.length; i++) if (r[i] !== true) return 'PROXY failed' + i + ':1';\n"
                   "return 'DIRECT'; }");
    answer = answer_of(script, L"http://www.example.com/", 0, &err);
    ok_int(err, 0);
    if (!err && answer)
    {
        int index = _wtoi(answer + 6);
        ok(0, "%ls: %s", answer, index >= 0 && index < (int)ARRAYSIZE(helper_checks) ? helper_checks[index] : "?");
    }
    free(script);
}

/* ---- answers ------------------------------------------------------------------------ */

static void test_answers(void)
{
    static const struct
    {
        const char *answer;
        const WCHAR *list;      /* NULL: WINHTTP_ACCESS_TYPE_NO_PROXY */
    } tests[] = {
        { "DIRECT", NULL },
        { "PROXY proxy.example:8080", L"proxy.example:8080" },
        { "PROXY a:1; PROXY b", L"a:1;b:80" },
        { "PROXY a:1; SOCKS b:2; DIRECT", L"a:1" },
        { "SOCKS b:2; PROXY a:1", L"a:1" },
        { "  proxy   a:1  ;;  DIRECT ", L"a:1" },
        { "DIRECT; PROXY a:1", L"a:1" },
        { "", NULL },
    };
    char script[256];
    DWORD err;

    for (size_t i = 0; i < ARRAYSIZE(tests); i++)
    {
        const WCHAR *list;

        sprintf(script, FIND("return '%s';"), tests[i].answer);
        list = answer_of(script, L"http://www.example.com/", 0, &err);
        ok(!err, "\"%s\": error %lu", tests[i].answer, err);
        ok(tests[i].list ? list && !lstrcmpW(list, tests[i].list) : !list, "\"%s\": got %ls, want %ls",
           tests[i].answer, list ? list : L"NO_PROXY", tests[i].list ? tests[i].list : L"NO_PROXY");
    }
}

static void test_odd_answers(void)
{
    WINHTTP_PROXY_INFO info;
    char *script;
    DWORD err;

    /* nothing WinHTTP can use: no proxy can be located */
    err = lookup(FIND("return 'garbage';"), L"http://www.example.com/", 0, &info);
    ok_int(err, ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR);
    free_info(&info);
    err = lookup(FIND("return 'SOCKS s:1080';"), L"http://www.example.com/", 0, &info);
    ok_int(err, ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR);
    free_info(&info);

    /* a huge answer: a megabyte of entries */
    script = FIND("var s = 'PROXY first:1;'; while (s.length < 1048576) s += s; return s;");
    err = lookup(script, L"http://www.example.com/", 0, &info);
    ok_int(err, 0);
    ok(info.lpszProxy && !wcsncmp(info.lpszProxy, L"first:1;first:1", 15), "got %.20ls", info.lpszProxy);
    free_info(&info);
}

/* FindProxyForURLEx wins when both are defined; url and host as given. */
static void test_arguments(void)
{
    const WCHAR *list;
    DWORD err;

    list = answer_of("function FindProxyForURL(url, host) { return 'PROXY old:1'; }\n"
                     "function FindProxyForURLEx(url, host) { return 'PROXY ex:1'; }",
                     L"http://www.example.com/", 0, &err);
    ok(!err && list && !lstrcmpW(list, L"ex:1"), "got %lu %ls", err, list);

    list = answer_of(FIND("return 'PROXY ' + host + ':1';"), L"http://Www.Example.COM:8080/a?b", 0, &err);
    ok(!err && list && !lstrcmpW(list, L"Www.Example.COM:1"), "got %lu %ls", err, list);
    list = answer_of(FIND("return 'PROXY ' + host + ':1';"), L"http://Www.Example.COM/", WINHTTP_AUTOPROXY_HOST_LOWERCASE, &err);
    ok(!err && list && !lstrcmpW(list, L"www.example.com:1"), "got %lu %ls", err, list);
    list = answer_of(FIND("return url === 'http://www.example.com:8080/a/b?c=d' ? 'PROXY same:1' : 'PROXY other:1';"),
                     L"http://www.example.com:8080/a/b?c=d", 0, &err);
    ok(!err && list && !lstrcmpW(list, L"same:1"), "got %lu %ls", err, list);

    /* an https URL: its path and query may be hidden from the script (this
       DLL cuts them; native not verified), the origin never is */
    list = answer_of(FIND("return url.indexOf('https://www.example.com') === 0 ? 'PROXY https:1' : 'PROXY other:1';"),
                     L"https://www.example.com/secret?token=1", 0, &err);
    ok(!err && list && !lstrcmpW(list, L"https:1"), "got %lu %ls", err, list);
}

/* ---- bad scripts ---------------------------------------------------------------------- */

static void test_bad_scripts(void)
{
    static const char *scripts[] = {
        "function FindProxyForURL(url, host) { return 'DIRECT'",             /* syntax error */
        FIND("throw new Error('no');"),                                     /* exception */
        FIND("return undefinedFunction();"),                                /* reference error */
        "function SomethingElse(url, host) { return 'DIRECT'; }",            /* no function */
        "var FindProxyForURL = 42;",                                        /* not a function */
        FIND("return 42;"),                                                 /* not a string */
        FIND("return null;"),
        "throw 'at the top level';",
        "",                                                                 /* nothing at all */
    };
    WINHTTP_PROXY_INFO info;

    for (size_t i = 0; i < ARRAYSIZE(scripts); i++)
    {
        DWORD err = lookup(scripts[i], L"http://www.example.com/", 0, &info);

        ok(err == ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT, "script %u: error %lu", (unsigned)i, err);
        free_info(&info);
    }
}

/* Scripts that never end or allocate without end fail within a bound. */
static void test_runaway_scripts(void)
{
    static const char *scripts[] = {
        FIND("for (;;) {}"),
        "while (true) {}",
        FIND("var a = []; for (;;) a.push(new Array(100000).join('x') + a.length);"),
        FIND("function f() { return f() + 1; } return f();"),
        FIND("for (;;) { try { for (;;) {} } catch (e) {} }"),
    };
    WINHTTP_PROXY_INFO info;

    for (size_t i = 0; i < ARRAYSIZE(scripts); i++)
    {
        DWORD start = GetTickCount(), err = lookup(scripts[i], L"http://www.example.com/", 0, &info);
        DWORD elapsed = GetTickCount() - start;

        ok(err == ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT, "script %u: error %lu", (unsigned)i, err);
        ok(elapsed < 30000, "script %u: took %lu ms", (unsigned)i, elapsed);
        free_info(&info);
    }
}

/* An engine's finalizer that never ends (Duktape's, where the engine is
   Duktape) must not hang the release of the script. */
static void test_endless_finalizer(void)
{
    WINHTTP_PROXY_INFO info;
    DWORD start = GetTickCount(), err;

    /* run when the script is released */
    err = lookup("var kept = {};\n"
                 "if (typeof Duktape === 'object') Duktape.fin(kept, function () { for (;;) {} });\n"
                 FIND("return 'DIRECT';"), L"http://www.example.com/", WINHTTP_AUTOPROXY_NO_CACHE_CLIENT, &info);
    ok_int(err, 0);
    ok(GetTickCount() - start < 30000, "took %lu ms", GetTickCount() - start);
    free_info(&info);
    /* run at once, inside the script's own time */
    start = GetTickCount();
    err = lookup("if (typeof Duktape === 'object') Duktape.fin({}, function () { for (;;) {} });\n"
                 FIND("return 'DIRECT';"), L"http://www.example.com/", WINHTTP_AUTOPROXY_NO_CACHE_CLIENT, &info);
    ok(err == 0 || err == ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT, "error %lu", err);
    ok(GetTickCount() - start < 30000, "took %lu ms", GetTickCount() - start);
    free_info(&info);
}

/* Scripts that nest deeply (the compiler, the regular expression engine,
   native calls) end in an error or an answer, never a crash. */
static void test_deep_scripts(void)
{
    static const char *shapes[][3] = {
        { "function FindProxyForURL(url, host) { return 'DIRECT' + ", "(", "'' + 1)" },
        { "function FindProxyForURL(url, host) { var a = ", "[", "]; return 'DIRECT'; }" },
        { "function FindProxyForURL(url, host) { return /", "(", "a)/.test('a') ? 'DIRECT' : 'DIRECT'; }" },
        { "function FindProxyForURL(url, host) { return ", "!", "0 ? 'DIRECT' : 'DIRECT'; }" },
    };
    WINHTTP_PROXY_INFO info;

    for (size_t i = 0; i < ARRAYSIZE(shapes); i++)
    {
        for (int depth = 1000; depth <= 100000; depth *= 10)
        {
            size_t open_len = strlen(shapes[i][1]), len = strlen(shapes[i][0]) + depth * 2 + strlen(shapes[i][2]) + 1;
            char *script = malloc(len), *p = script;
            const char *close = i == 0 ? ")" : i == 1 ? "]" : i == 2 ? ")" : "";
            DWORD err;

            p += sprintf(p, "%s", shapes[i][0]);
            for (int d = 0; d < depth; d++) p += sprintf(p, "%s", shapes[i][1]);
            if (i == 0) p += sprintf(p, "''");
            else if (i == 2) p += sprintf(p, "a");
            for (int d = 0; d < depth && *close; d++) p += sprintf(p, "%s", close);
            p += sprintf(p, "%s", i == 0 ? "; }" : i == 2 ? ".test('a') ? 'DIRECT' : 'DIRECT'; }" : shapes[i][2]);
            (void)open_len;
            err = lookup(script, L"http://www.example.com/", 0, &info);
            ok(err == 0 || err == ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT, "shape %u depth %d: error %lu",
               (unsigned)i, depth, err);
            free_info(&info);
            free(script);
        }
    }
    /* native calls recursing through script callbacks */
    {
        DWORD err = lookup(FIND("function f() { return [1].map(f); } f(); return 'DIRECT';"),
                           L"http://www.example.com/", 0, &info);
        ok_int(err, ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT);
        free_info(&info);
        err = lookup(FIND("return /^(a|b)*c$/.test(new Array(200000).join('a')) ? 'PROXY p:1' : 'DIRECT';"),
                     L"http://www.example.com/", 0, &info);
        ok(err == 0 || err == ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT, "regexp: error %lu", err);
        free_info(&info);
        err = lookup(FIND("var s = new Array(30).join('a'); return /^(a+)+$/.test(s + 'b') ? 'PROXY p:1' : 'DIRECT';"),
                     L"http://www.example.com/", 0, &info);
        ok(err == 0 || err == ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT, "backtracking: error %lu", err);
        free_info(&info);
        err = lookup(FIND("var o = {}; o.toString = function () { return String(o); }; return String(o);"),
                     L"http://www.example.com/", 0, &info);
        ok_int(err, ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT);
        free_info(&info);
    }
}

/* ---- downloads ------------------------------------------------------------------------ */

static void test_downloads(void)
{
    struct pac_server ps;
    WINHTTP_PROXY_INFO info;
    HINTERNET session = WinHttpOpen(L"pac-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    WCHAR url[64];
    DWORD err;

    /* 404 */
    if (pac_serve(&ps, 404, "not here", 0))
    {
        err = lookup_in(session, ps.url, L"http://www.example.com/", 0, &info);
        ok_int(err, ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT);
        free_info(&info);
        lstrcpyW(url, ps.url);
        pac_stop(&ps);
        /* the server is gone: nobody listens on its port */
        err = lookup_in(session, url, L"http://www.example.com/", 0, &info);
        ok_int(err, ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT);
        free_info(&info);
    }
    err = lookup_in(session, L"ftp://127.0.0.1/proxy.pac", L"http://www.example.com/", 0, &info);
    ok(err == ERROR_WINHTTP_UNRECOGNIZED_SCHEME || err == ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT, "got %lu", err);
    free_info(&info);
    WinHttpCloseHandle(session);
}

/* The script is downloaded once per session and URL. */
static void test_cache(void)
{
    struct pac_server ps;
    WINHTTP_PROXY_INFO info;
    HINTERNET session, other;
    DWORD err;

    if (!pac_serve(&ps, 200, FIND("return 'PROXY cached:1';"), 0)) return;
    session = WinHttpOpen(L"pac-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    for (int i = 0; i < 3; i++)
    {
        err = lookup_in(session, ps.url, L"http://www.example.com/", 0, &info);
        ok(!err && info.lpszProxy && !lstrcmpW(info.lpszProxy, L"cached:1"), "call %d: %lu %ls", i, err,
           info.lpszProxy);
        free_info(&info);
    }
    server_wait_idle(ps.server, 5000);
    ok_int(server_requests(ps.server), 1);

    /* NO_CACHE_CLIENT downloads again */
    err = lookup_in(session, ps.url, L"http://www.example.com/", WINHTTP_AUTOPROXY_NO_CACHE_CLIENT, &info);
    ok_int(err, 0);
    free_info(&info);
    server_wait_idle(ps.server, 5000);
    ok_int(server_requests(ps.server), 2);

    /* another session has its own cache */
    other = WinHttpOpen(L"pac-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    err = lookup_in(other, ps.url, L"http://www.example.com/", 0, &info);
    ok_int(err, 0);
    free_info(&info);
    server_wait_idle(ps.server, 5000);
    ok_int(server_requests(ps.server), 3);
    WinHttpCloseHandle(other);

    /* WinHttpResetAutoProxy drops the script */
    ok_int(WinHttpResetAutoProxy(session, WINHTTP_RESET_SCRIPT_CACHE), ERROR_SUCCESS);
    err = lookup_in(session, ps.url, L"http://www.example.com/", 0, &info);
    ok_int(err, 0);
    free_info(&info);
    server_wait_idle(ps.server, 5000);
    ok_int(server_requests(ps.server), 4);
    WinHttpCloseHandle(session);
    pac_stop(&ps);
}

/* A real server: nginx serves tools/site/proxy.pac. */
static void test_nginx(void)
{
    WCHAR server[128], url[256];
    WINHTTP_PROXY_INFO info;
    HINTERNET session;
    DWORD err;

    if (!GetEnvironmentVariableW(L"WINHTTP_TEST_NGINX", server, ARRAYSIZE(server)))
    {
        skip("WINHTTP_TEST_NGINX is not set to HOST:PORT (tools/with-nginx sets it)");
        return;
    }
    swprintf(url, ARRAYSIZE(url), L"http://%ls/proxy.pac", server);
    session = WinHttpOpen(L"pac-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    err = lookup_in(session, url, L"http://intranet/", 0, &info);
    ok(!err && info.dwAccessType == WINHTTP_ACCESS_TYPE_NO_PROXY, "intranet: %lu %lu", err, info.dwAccessType);
    free_info(&info);
    err = lookup_in(session, url, L"http://www.example.com/", 0, &info);
    ok(!err && info.lpszProxy && !lstrcmpW(info.lpszProxy, L"proxy.example:3128;backup.example:8080"),
       "www: %lu %ls", err, info.lpszProxy);
    free_info(&info);
    WinHttpCloseHandle(session);
}

/* fAutoLogonIfChallenged: without it a PAC server's challenge fails the
 * lookup with ERROR_WINHTTP_LOGIN_FAILURE (documented: the caller then asks
 * again with it), with it the logged-on user's credentials answer NTLM or
 * Negotiate.  Apache's /negotiate/ (tools/with-kdc's realm; KRB5CCNAME
 * holds the user's ticket) plays the server that asks. */
static DWORD lookup_autologon(HINTERNET session, const WCHAR *config_url, BOOL autologon, WINHTTP_PROXY_INFO *info)
{
    WINHTTP_AUTOPROXY_OPTIONS options;

    options_for(&options, config_url, 0);
    options.fAutoLogonIfChallenged = autologon;
    memset(info, 0, sizeof(*info));
    if (WinHttpGetProxyForUrl(session, L"http://www.example.com/", &options, info)) return 0;
    return GetLastError();
}

static void test_autologon(void)
{
    struct server *srv = server_start();
    struct script *s = server_every_connection(srv);
    WCHAR url[128], apache[64];
    WINHTTP_PROXY_INFO info;
    HINTERNET session = WinHttpOpen(L"pac-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    DWORD err;

    script_recv_request(s);
    script_respond(s, 401, "WWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\nConnection: close\r\n", "who?");
    script_close(s);
    swprintf(url, ARRAYSIZE(url), L"http://127.0.0.1:%u/proxy.pac", server_port(srv));
    err = lookup_autologon(session, url, FALSE, &info);
    ok_int(err, ERROR_WINHTTP_LOGIN_FAILURE);
    free_info(&info);
    ok_int(server_requests(srv), 1);
    server_stop(srv);

    if (!GetEnvironmentVariableW(L"WINHTTP_TEST_APACHE", apache, ARRAYSIZE(apache)) ||
        !GetEnvironmentVariableW(L"WINHTTP_TEST_KRB5_REALM", url, ARRAYSIZE(url)))
    {
        skip("WINHTTP_TEST_APACHE or WINHTTP_TEST_KRB5_REALM is not set (tools/with-apache, tools/with-kdc)");
        WinHttpCloseHandle(session);
        return;
    }
    /* Kerberos names the service by host: HTTP/localhost is in the realm */
    swprintf(url, ARRAYSIZE(url), L"http://localhost:%ls/negotiate/proxy.pac", wcschr(apache, ':') + 1);
    err = lookup_autologon(session, url, FALSE, &info);
    ok_int(err, ERROR_WINHTTP_LOGIN_FAILURE);
    free_info(&info);
    err = lookup_autologon(session, url, TRUE, &info);
    ok(!err && info.lpszProxy && !lstrcmpW(info.lpszProxy, L"negotiate.example:3128"), "autologon: %lu %ls", err,
       info.lpszProxy);
    free_info(&info);
    WinHttpCloseHandle(session);
}

/* ---- argument checks ------------------------------------------------------------------ */

static void test_validation(void)
{
    WINHTTP_AUTOPROXY_OPTIONS options;
    WINHTTP_PROXY_INFO info;
    WINHTTP_PROXY_RESULT result;
    HINTERNET session, async_session, resolver = NULL, connect;

    memset(&options, 0, sizeof(options));
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpGetProxyForUrl(NULL, NULL, NULL, NULL), FALSE, ERROR_INVALID_HANDLE);
    session = WinHttpOpen(L"pac-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    ok_bool_err(WinHttpGetProxyForUrl(session, NULL, NULL, NULL), FALSE, ERROR_INVALID_PARAMETER);
    ok_bool_err(WinHttpGetProxyForUrl(session, L"", NULL, NULL), FALSE, ERROR_INVALID_PARAMETER);
    ok_bool_err(WinHttpGetProxyForUrl(session, L"http://winehq.org", NULL, NULL), FALSE, ERROR_INVALID_PARAMETER);
    ok_bool_err(WinHttpGetProxyForUrl(session, L"http://winehq.org", &options, &info), FALSE, ERROR_INVALID_PARAMETER);
    options.dwFlags = WINHTTP_AUTOPROXY_AUTO_DETECT;
    options.dwAutoDetectFlags = WINHTTP_AUTO_DETECT_TYPE_DNS_A;
    ok_bool_err(WinHttpGetProxyForUrl(session, L"http://winehq.org", &options, NULL), FALSE, ERROR_INVALID_PARAMETER);
    options.dwAutoDetectFlags = 0;
    ok_bool_err(WinHttpGetProxyForUrl(session, L"http://winehq.org", &options, &info), FALSE, ERROR_INVALID_PARAMETER);
    options.dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL;
    ok_bool_err(WinHttpGetProxyForUrl(session, L"http://winehq.org", &options, &info), FALSE, ERROR_INVALID_PARAMETER);

    connect = WinHttpConnect(session, L"localhost", 80, 0);
    options.lpszAutoConfigUrl = L"http://127.0.0.1:1/proxy.pac";
    ok_bool_err(WinHttpGetProxyForUrl(connect, L"http://winehq.org", &options, &info), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    WinHttpCloseHandle(connect);

    /* the resolver wants an async session */
    ok_int(WinHttpCreateProxyResolver(NULL, &resolver), ERROR_INVALID_HANDLE);
    ok_int(WinHttpCreateProxyResolver(session, &resolver), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    async_session = WinHttpOpen(L"pac-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    ok_int(WinHttpCreateProxyResolver(async_session, &resolver), ERROR_SUCCESS);
    ok_int(WinHttpGetProxyForUrlEx(session, L"http://winehq.org", &options, 0), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    ok_int(WinHttpGetProxyResult(resolver, &result), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    options.dwFlags = 0;
    ok_int(WinHttpGetProxyForUrlEx(resolver, L"http://winehq.org", &options, 0), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpResetAutoProxy(NULL, WINHTTP_RESET_ALL), ERROR_INVALID_HANDLE);
    WinHttpCloseHandle(resolver);
    WinHttpCloseHandle(async_session);
    WinHttpCloseHandle(session);
}

/* ---- the resolver ------------------------------------------------------------------------ */

struct watch
{
    CRITICAL_SECTION lock;
    DWORD statuses[16];
    int count;
    int closings;
    int after_closing;
    WINHTTP_ASYNC_RESULT error;
    DWORD_PTR context;
    HANDLE completed, closed;
};

static void CALLBACK watch_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct watch *w = (struct watch *)context;

    /* HANDLE_CREATED of the resolver may come before the test set its context */
    if (!w || status == WINHTTP_CALLBACK_STATUS_HANDLE_CREATED) return;
    EnterCriticalSection(&w->lock);
    if (w->closings) w->after_closing++;
    if (w->count < 16) w->statuses[w->count] = status;
    w->count++;
    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR && info) w->error = *(WINHTTP_ASYNC_RESULT *)info;
    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) w->closings++;
    w->context = context;
    LeaveCriticalSection(&w->lock);
    if (status == WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE || status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
        SetEvent(w->completed);
    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) SetEvent(w->closed);
}

static void watch_init(struct watch *w)
{
    memset(w, 0, sizeof(*w));
    InitializeCriticalSection(&w->lock);
    w->completed = CreateEventW(NULL, TRUE, FALSE, NULL);
    w->closed = CreateEventW(NULL, TRUE, FALSE, NULL);
}

static void watch_free(struct watch *w)
{
    CloseHandle(w->completed);
    CloseHandle(w->closed);
    DeleteCriticalSection(&w->lock);
}

/* An async session whose resolver reports to w. */
static HINTERNET open_resolver(struct watch *w, HINTERNET *session)
{
    HINTERNET resolver = NULL;

    *session = WinHttpOpen(L"pac-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    WinHttpSetStatusCallback(*session, watch_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    ok_int(WinHttpCreateProxyResolver(*session, &resolver), ERROR_SUCCESS);
    return resolver;
}

static void test_resolver(void)
{
    struct pac_server ps;
    WINHTTP_AUTOPROXY_OPTIONS options;
    WINHTTP_PROXY_RESULT result;
    WINHTTP_PROXY_RESULT_EX result_ex;
    HINTERNET session, resolver;
    struct watch w;

    if (!pac_serve(&ps, 200, FIND("return 'PROXY a.example:8080; SOCKS s.example; DIRECT';"), 0)) return;
    watch_init(&w);
    resolver = open_resolver(&w, &session);
    options_for(&options, ps.url, 0);
    ok_int(WinHttpGetProxyForUrlEx(resolver, L"http://www.example.com/", &options, (DWORD_PTR)&w), ERROR_IO_PENDING);
    ok(!WaitForSingleObject(w.completed, 20000), "no completion");
    ok(w.count >= 1 && w.statuses[0] == WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE, "status %#lx",
       w.count ? w.statuses[0] : 0);
    ok(w.context == (DWORD_PTR)&w, "context %Ix", w.context);

    memset(&result, 0, sizeof(result));
    ok_int(WinHttpGetProxyResult(resolver, &result), ERROR_SUCCESS);
    ok_int(result.cEntries, 3);
    if (result.cEntries == 3)
    {
        ok(result.pEntries[0].fProxy && result.pEntries[0].ProxyScheme == INTERNET_SCHEME_HTTP &&
           !lstrcmpW(result.pEntries[0].pwszProxy, L"a.example") && result.pEntries[0].ProxyPort == 8080,
           "entry 0: %d %d %ls %u", result.pEntries[0].fProxy, result.pEntries[0].ProxyScheme,
           result.pEntries[0].pwszProxy, result.pEntries[0].ProxyPort);
        ok(result.pEntries[1].fProxy && result.pEntries[1].ProxyScheme == INTERNET_SCHEME_SOCKS &&
           !lstrcmpW(result.pEntries[1].pwszProxy, L"s.example"), "entry 1: %d %d", result.pEntries[1].fProxy,
           result.pEntries[1].ProxyScheme);
        ok(!result.pEntries[2].fProxy, "entry 2 is a proxy");
    }
    WinHttpFreeProxyResult(&result);
    memset(&result_ex, 0, sizeof(result_ex));
    ok_int(WinHttpGetProxyResultEx(resolver, &result_ex), ERROR_SUCCESS);
    ok_int(result_ex.cEntries, 3);
    WinHttpFreeProxyResultEx(&result_ex);

    /* a failing lookup: REQUEST_ERROR with the API and the error */
    ResetEvent(w.completed);
    w.count = 0;
    options.lpszAutoConfigUrl = L"http://127.0.0.1:1/missing.pac";
    ok_int(WinHttpGetProxyForUrlEx(resolver, L"http://www.example.com/", &options, (DWORD_PTR)&w), ERROR_IO_PENDING);
    ok(!WaitForSingleObject(w.completed, 20000), "no completion");
    ok(w.count >= 1 && w.statuses[0] == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, "status %#lx", w.count ? w.statuses[0] : 0);
    ok(w.error.dwResult == API_GET_PROXY_FOR_URL && w.error.dwError == ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT,
       "result %Iu error %lu", w.error.dwResult, w.error.dwError);

    WinHttpCloseHandle(resolver);
    ok(!WaitForSingleObject(w.closed, 5000), "no HANDLE_CLOSING");
    WinHttpCloseHandle(session);
    Sleep(100);
    ok_int(w.after_closing, 0);
    ok_int(w.closings, 1);
    watch_free(&w);
    pac_stop(&ps);
}

/* Closing the resolver mid-lookup cancels it: REQUEST_ERROR with
   ERROR_WINHTTP_OPERATION_CANCELLED, then HANDLE_CLOSING, promptly. */
static void cancel_case(const char *name, const char *script, DWORD delay_ms)
{
    struct pac_server ps;
    WINHTTP_AUTOPROXY_OPTIONS options;
    HINTERNET session, resolver;
    struct watch w;
    DWORD start;

    if (!pac_serve(&ps, 200, script, delay_ms)) return;
    server_set_timeout(ps.server, 2000);
    watch_init(&w);
    resolver = open_resolver(&w, &session);
    options_for(&options, ps.url, 0);
    ok_int(WinHttpGetProxyForUrlEx(resolver, L"http://www.example.com/", &options, (DWORD_PTR)&w), ERROR_IO_PENDING);
    Sleep(300);     /* the download or the script is under way */
    start = GetTickCount();
    ok(WinHttpCloseHandle(resolver), "%s: close failed", name);
    ok(!WaitForSingleObject(w.closed, 10000), "%s: no HANDLE_CLOSING", name);
    ok(GetTickCount() - start < 2500, "%s: took %lu ms", name, GetTickCount() - start);
    EnterCriticalSection(&w.lock);
    ok(w.count == 2 && w.statuses[0] == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR &&
       w.statuses[1] == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, "%s: %d callbacks, first %#lx", name, w.count,
       w.statuses[0]);
    ok(w.error.dwResult == API_GET_PROXY_FOR_URL && w.error.dwError == ERROR_WINHTTP_OPERATION_CANCELLED,
       "%s: result %Iu error %lu", name, w.error.dwResult, w.error.dwError);
    LeaveCriticalSection(&w.lock);
    WinHttpCloseHandle(session);
    Sleep(100);
    ok_int(w.after_closing, 0);
    watch_free(&w);
    pac_stop(&ps);
}

/* Closes racing the completion: one completion, then HANDLE_CLOSING, always. */
static void close_races(void)
{
    struct pac_server ps;
    WINHTTP_AUTOPROXY_OPTIONS options;
    int bad = 0, completed = 0, cancelled = 0;

    if (!pac_serve(&ps, 200, FIND("for (var i = 0; i < 20000; i++) {} return 'PROXY p:1';"), 0)) return;
    options_for(&options, ps.url, 0);
    for (int i = 0; i < 60; i++)
    {
        HINTERNET session, resolver;
        struct watch w;

        watch_init(&w);
        resolver = open_resolver(&w, &session);
        if (WinHttpGetProxyForUrlEx(resolver, L"http://www.example.com/", &options, (DWORD_PTR)&w) != ERROR_IO_PENDING)
            bad++;
        if (i % 3) Sleep(i % 20 * 5);
        WinHttpCloseHandle(resolver);
        if (WaitForSingleObject(w.closed, 10000)) bad++;
        WinHttpCloseHandle(session);
        Sleep(5);
        EnterCriticalSection(&w.lock);
        if (w.count != 2 || w.statuses[1] != WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING || w.after_closing) bad++;
        else if (w.statuses[0] == WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE) completed++;
        else if (w.statuses[0] == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR &&
                 w.error.dwError == ERROR_WINHTTP_OPERATION_CANCELLED) cancelled++;
        else bad++;
        LeaveCriticalSection(&w.lock);
        watch_free(&w);
    }
    ok(!bad, "%d bad runs (%d completed, %d cancelled)", bad, completed, cancelled);
    pac_stop(&ps);
}

static void test_cancel(void)
{
    cancel_case("slow download", FIND("return 'DIRECT';"), 5000);
    cancel_case("endless script", FIND("for (;;) {}"), 0);
    close_races();
}

TEST_CASES(TEST(test_validation), TEST(test_helpers), TEST(test_answers), TEST(test_odd_answers),
           TEST(test_arguments), TEST(test_bad_scripts), TEST(test_runaway_scripts), TEST(test_endless_finalizer),
           TEST(test_deep_scripts),
           TEST(test_downloads),
           TEST(test_cache), TEST(test_nginx), TEST(test_autologon), TEST(test_resolver), TEST(test_cancel));

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
