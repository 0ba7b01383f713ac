/* Conformance: the system's proxy settings.  WinHttpGet/SetDefaultProxyConfiguration
 * over the WinHttpSettings registry value (round trips, a value written by
 * another tool, malformed values, the validation errors), the environment
 * variables standing in for an unset value under Wine,
 * WinHttpGetIEProxyConfigForCurrentUser over the current user's Internet
 * Settings, and WinHttpDetectAutoProxyConfigUrl's errors.
 *
 * Every registry value and environment variable a case changes is saved
 * first and put back byte for byte, in both registry views, as Wine's own
 * test does.  Writing HKLM needs an administrator on Windows: without one
 * those cases are skipped. */
#include "harness.h"
#include "saved_values.h"
#include "server.h"
#include "winhttp.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static const WCHAR connections_key[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections";
static const WCHAR internet_settings_key[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";

/* ---- saving and restoring registry values --------------------------------------- */

/* The registry views WinHttpSettings may be read from: both on a 64-bit system. */
static int settings_views(REGSAM views[2])
{
    BOOL wow64 = FALSE;

    IsWow64Process(GetCurrentProcess(), &wow64);
    if (sizeof(void *) == 8 || wow64)
    {
        views[0] = KEY_WOW64_64KEY;
        views[1] = KEY_WOW64_32KEY;
        return 2;
    }
    views[0] = 0;
    return 1;
}

struct saved_settings
{
    struct saved_value values[2];
    int                count;
};

static void save_settings(struct saved_settings *s)
{
    REGSAM views[2];

    s->count = settings_views(views);
    for (int i = 0; i < s->count; i++)
        save_value(&s->values[i], HKEY_LOCAL_MACHINE, connections_key, views[i], L"WinHttpSettings");
}

static void restore_settings(struct saved_settings *s)
{
    for (int i = 0; i < s->count; i++) restore_value(&s->values[i]);
}

/* Writes (or deletes, data NULL) WinHttpSettings in every view; FALSE when
   HKLM cannot be written. */
static BOOL put_settings(const BYTE *data, DWORD size)
{
    REGSAM views[2];
    int count = settings_views(views);

    for (int i = 0; i < count; i++)
        if (put_value(HKEY_LOCAL_MACHINE, connections_key, views[i], L"WinHttpSettings", REG_BINARY, data, size))
            return FALSE;
    return TRUE;
}

/* ---- blobs ----------------------------------------------------------------------- */

/* version, counter, flags, then each string with its DWORD length. */
static DWORD make_blob(BYTE *out, DWORD version, DWORD flags, const char *const *strings, int count)
{
    DWORD header[3] = { version, 0, flags }, n = sizeof(header);

    memcpy(out, header, sizeof(header));
    for (int i = 0; i < count; i++)
    {
        DWORD len = lstrlenA(strings[i]);
        memcpy(out + n, &len, 4);
        memcpy(out + n + 4, strings[i], len);
        n += 4 + len;
    }
    return n;
}

/* The index-th string of a blob as read from the 64-bit view (the one native
   WinHTTP keeps), NUL-terminated into buffer; FALSE when it is not there. */
static BOOL settings_string(int index, char *buffer, DWORD *flags)
{
    BYTE data[1024];
    DWORD size = sizeof(data), type, pos = 12, len = 0;
    HKEY key;
    LONG err;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, connections_key, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key)) return FALSE;
    err = RegQueryValueExW(key, L"WinHttpSettings", NULL, &type, data, &size);
    RegCloseKey(key);
    if (err || type != REG_BINARY || size < 12) return FALSE;
    memcpy(flags, data + 8, 4);
    for (int i = 0; i <= index; i++)
    {
        if (size - pos < 4) return FALSE;
        memcpy(&len, data + pos, 4);
        if (len > size - pos - 4) return FALSE;
        if (i < index) pos += 4 + len;
    }
    memcpy(buffer, data + pos + 4, len);
    buffer[len] = 0;
    return TRUE;
}

/* ---- checks -------------------------------------------------------------------- */

/* A string the caller frees with GlobalFree. */
#define ok_global_wstr(got, want)                                                         \
    do {                                                                                  \
        const WCHAR *g_ = (got);                                                          \
        ok_wstr(g_, want);                                                                \
        if (g_) ok(GlobalSize((HGLOBAL)g_) >= (lstrlenW(g_) + 1) * sizeof(WCHAR),        \
                   #got " is not a GlobalAlloc'd block");                                 \
    } while (0)

static void free_info(WINHTTP_PROXY_INFO *info)
{
    GlobalFree(info->lpszProxy);
    GlobalFree(info->lpszProxyBypass);
}

static void check_default(DWORD access_type, const WCHAR *proxy, const WCHAR *bypass)
{
    WINHTTP_PROXY_INFO info;

    memset(&info, 0xcc, sizeof(info));
    SetLastError(0xdeadbeef);
    ok(WinHttpGetDefaultProxyConfiguration(&info), "Get failed: %lu", GetLastError());
    ok_int(info.dwAccessType, access_type);
    ok_global_wstr(info.lpszProxy, proxy);
    ok_global_wstr(info.lpszProxyBypass, bypass);
    free_info(&info);
}

/* Sets the default configuration; FALSE (and a skip) when HKLM is not writable. */
static BOOL set_default(DWORD access_type, const WCHAR *proxy, const WCHAR *bypass)
{
    WINHTTP_PROXY_INFO info = { access_type, (WCHAR *)proxy, (WCHAR *)bypass };
    BOOL ret;

    SetLastError(0xdeadbeef);
    ret = WinHttpSetDefaultProxyConfiguration(&info);
    if (!ret && GetLastError() == ERROR_ACCESS_DENIED)
    {
        skip("cannot write the default proxy configuration: access denied");
        return FALSE;
    }
    ok(ret, "Set(%lu, %ls) failed: %lu", access_type, proxy ? proxy : L"(null)", GetLastError());
    ok_err(ERROR_SUCCESS);
    return ret;
}

/* ---- WinHttpSetDefaultProxyConfiguration's validation ------------------------------- */

static void test_set_default_validation(void)
{
    WINHTTP_PROXY_INFO info = { 0xdeadbeef, NULL, NULL };
    WCHAR wide[] = { 0x226f, 0x575b, 0 };
    struct saved_settings saved;
    BOOL ret;

    save_settings(&saved);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetDefaultProxyConfiguration(&info), FALSE, ERROR_INVALID_PARAMETER);

    /* a named proxy needs a proxy list, a bypass list is not enough */
    info.dwAccessType = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetDefaultProxyConfiguration(&info), FALSE, ERROR_INVALID_PARAMETER);
    info.lpszProxyBypass = (WCHAR *)L"foo";
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetDefaultProxyConfiguration(&info), FALSE, ERROR_INVALID_PARAMETER);

    /* the value holds 8-bit text: no other characters */
    info.lpszProxy = wide;
    SetLastError(0xdeadbeef);
    ret = WinHttpSetDefaultProxyConfiguration(&info);
    if (!ret && GetLastError() == ERROR_ACCESS_DENIED) skip("access denied");
    else ok_bool_err(ret, FALSE, ERROR_INVALID_PARAMETER);
    restore_settings(&saved);
}

/* ---- round trips ------------------------------------------------------------------ */

static void test_default_round_trip(void)
{
    struct saved_settings saved;
    char text[1024];
    DWORD flags;

    save_settings(&saved);
    if (!set_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"proxy.example:8080", L"<local>;*.corp.example"))
        goto done;
    check_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"proxy.example:8080", L"<local>;*.corp.example");

    /* in the value netsh winhttp shows: a named proxy and its 8-bit lists */
    ok(settings_string(0, text, &flags), "no WinHttpSettings in the 64-bit view");
    ok(flags & 2, "flags %#lx", flags);
    ok(!strcmp(text, "proxy.example:8080"), "proxy \"%s\"", text);
    ok(settings_string(1, text, &flags) && !strcmp(text, "<local>;*.corp.example"), "bypass \"%s\"", text);

    set_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"http=a:1;https=b:2", NULL);
    check_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"http=a:1;https=b:2", NULL);

    /* going direct drops the lists, whatever is passed with it */
    set_default(WINHTTP_ACCESS_TYPE_NO_PROXY, L"ignored:1", L"ignored");
    check_default(WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL);
    ok(settings_string(0, text, &flags) && !text[0] && !(flags & 2), "proxy \"%s\", flags %#lx", text, flags);

    set_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"p:1", L"b");
    set_default(WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, NULL, NULL);
    check_default(WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL);
done:
    restore_settings(&saved);
}

/* A value another tool wrote (netsh winhttp set proxy, Wine's builtin) is
   the same setting. */
static void test_default_from_registry(void)
{
    static const char *const named[] = { "netsh.example:3128", "<local>;10.*" };
    static const char *const unflagged[] = { "stale.example:1", "" };
    static const char *const empty[] = { "", "" };
    struct saved_settings saved;
    WINHTTP_PROXY_INFO info;
    BYTE blob[256];
    DWORD size;
    BOOL ret;

    save_settings(&saved);
    size = make_blob(blob, 0x18, 3, named, 2);
    if (!put_settings(blob, size))
    {
        skip("cannot write HKLM");
        goto done;
    }
    check_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"netsh.example:3128", L"<local>;10.*");

    /* a proxy list without the named-proxy flag is not used */
    size = make_blob(blob, 0x18, 1, unflagged, 2);
    put_settings(blob, size);
    check_default(WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL);

    /* what netsh winhttp reset proxy leaves */
    size = make_blob(blob, 0x18, 1, empty, 2);
    put_settings(blob, size);
    check_default(WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL);

    /* malformed values: cut short, a length past the end; never a proxy */
    size = make_blob(blob, 0x18, 3, named, 2);
    put_settings(blob, 14);
    memset(&info, 0, sizeof(info));
    ret = WinHttpGetDefaultProxyConfiguration(&info);
    ok(!ret || info.dwAccessType == WINHTTP_ACCESS_TYPE_NO_PROXY, "cut value: %d, access type %lu", ret,
       info.dwAccessType);
    if (ret) free_info(&info);
    memset(blob + 12, 0xff, 4);
    put_settings(blob, size);
    memset(&info, 0, sizeof(info));
    ret = WinHttpGetDefaultProxyConfiguration(&info);
    ok(!ret || info.dwAccessType == WINHTTP_ACCESS_TYPE_NO_PROXY, "bad length: %d, access type %lu", ret,
       info.dwAccessType);
    if (ret) free_info(&info);
done:
    restore_settings(&saved);
}

/* ---- the environment under Wine ---------------------------------------------------- */

static BOOL running_under_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version");
}

struct saved_env
{
    const WCHAR *name;
    WCHAR        value[1024];
    BOOL         present;
};

static void save_env(struct saved_env *e, const WCHAR *name)
{
    DWORD n = GetEnvironmentVariableW(name, e->value, ARRAY_SIZE(e->value));

    e->name = name;
    e->present = n && n < ARRAY_SIZE(e->value);
}

static void restore_env(struct saved_env *e)
{
    SetEnvironmentVariableW(e->name, e->present ? e->value : NULL);
}

static void set_proxy_env(const WCHAR *http, const WCHAR *https, const WCHAR *no_proxy)
{
    SetEnvironmentVariableW(L"http_proxy", http);
    SetEnvironmentVariableW(L"https_proxy", https);
    SetEnvironmentVariableW(L"no_proxy", no_proxy);
}

static void test_default_from_environment(void)
{
    static const char *const direct[] = { "", "" };
    struct saved_settings saved;
    struct saved_env env[3];
    BYTE blob[64];

    if (!running_under_wine())
    {
        skip("not under Wine: Windows does not read the proxy environment variables");
        return;
    }
    save_settings(&saved);
    save_env(&env[0], L"http_proxy");
    save_env(&env[1], L"https_proxy");
    save_env(&env[2], L"no_proxy");
    if (!put_settings(NULL, 0))
    {
        skip("cannot write HKLM");
        goto done;
    }

    /* credentials and the path are dropped; a name covers its subdomains */
    set_proxy_env(L"http://user:secret@envproxy.example:3128/", NULL, L".corp.example,localhost");
    check_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"envproxy.example:3128",
                  L"corp.example;*.corp.example;localhost;*.localhost");

    set_proxy_env(L"a:1", L"http://b:2", NULL);
    check_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"http=a:1;https=b:2", NULL);
    set_proxy_env(NULL, L"b:2", L"*");
    check_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"https=b:2", L"*");
    set_proxy_env(L"socks5://s:1080", NULL, L"x");
    check_default(WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL);
    set_proxy_env(NULL, NULL, NULL);
    check_default(WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL);

    /* a value in the registry, even "direct", wins over the environment */
    set_proxy_env(L"envproxy.example:3128", NULL, NULL);
    put_settings(blob, make_blob(blob, 0x18, 1, direct, 2));
    check_default(WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL);
done:
    for (int i = 0; i < 3; i++) restore_env(&env[i]);
    restore_settings(&saved);
}

/* ---- WinHttpGetIEProxyConfigForCurrentUser ---------------------------------------------- */

static const WCHAR *const ie_values[] = { L"ProxyEnable", L"ProxyServer", L"ProxyOverride", L"AutoConfigURL" };

struct saved_ie
{
    struct saved_value values[ARRAY_SIZE(ie_values)], connection;
};

static void save_ie(struct saved_ie *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(ie_values); i++)
        save_value(&s->values[i], HKEY_CURRENT_USER, internet_settings_key, 0, ie_values[i]);
    save_value(&s->connection, HKEY_CURRENT_USER, connections_key, 0, L"DefaultConnectionSettings");
}

static void restore_ie(struct saved_ie *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(ie_values); i++) restore_value(&s->values[i]);
    restore_value(&s->connection);
}

static void put_ie_string(const WCHAR *name, const WCHAR *value)
{
    LONG err = put_value(HKEY_CURRENT_USER, internet_settings_key, 0, name, REG_SZ, value,
                         value ? (lstrlenW(value) + 1) * sizeof(WCHAR) : 0);
    ok(!err, "setting %ls: %ld", name, err);
}

static void put_ie_enable(DWORD enable)
{
    LONG err = put_value(HKEY_CURRENT_USER, internet_settings_key, 0, L"ProxyEnable", REG_DWORD, &enable, 4);
    ok(!err, "setting ProxyEnable: %ld", err);
}

/* IE keeps the same settings twice: as values and in this blob; both are set
   alike so that the case holds whichever one is read. */
static void put_ie_connection(DWORD flags, const char *proxy, const char *bypass, const char *url)
{
    const char *strings[3] = { proxy, bypass, url };
    BYTE blob[512];
    DWORD size = make_blob(blob, 0x46, flags, strings, 3);
    LONG err;

    memset(blob + size, 0, 32);   /* IE's trailing bytes */
    err = put_value(HKEY_CURRENT_USER, connections_key, 0, L"DefaultConnectionSettings", REG_BINARY, blob, size + 32);
    ok(!err, "setting DefaultConnectionSettings: %ld", err);
}

static void check_ie(BOOL auto_detect, const WCHAR *url, const WCHAR *proxy, const WCHAR *bypass)
{
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG config;

    memset(&config, 0xcc, sizeof(config));
    SetLastError(0xdeadbeef);
    ok(WinHttpGetIEProxyConfigForCurrentUser(&config), "failed: %lu", GetLastError());
    ok_err(ERROR_SUCCESS);
    ok_int(config.fAutoDetect, auto_detect);
    ok_global_wstr(config.lpszAutoConfigUrl, url);
    ok_global_wstr(config.lpszProxy, proxy);
    ok_global_wstr(config.lpszProxyBypass, bypass);
    GlobalFree(config.lpszAutoConfigUrl);
    GlobalFree(config.lpszProxy);
    GlobalFree(config.lpszProxyBypass);
}

static void test_ie_config_errors(void)
{
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG config;

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpGetIEProxyConfigForCurrentUser(NULL), FALSE, ERROR_INVALID_PARAMETER);
    /* whatever the user has, the call succeeds */
    memset(&config, 0, sizeof(config));
    SetLastError(0xdeadbeef);
    ok(WinHttpGetIEProxyConfigForCurrentUser(&config), "failed: %lu", GetLastError());
    ok_err(ERROR_SUCCESS);
    GlobalFree(config.lpszAutoConfigUrl);
    GlobalFree(config.lpszProxy);
    GlobalFree(config.lpszProxyBypass);
}

static void test_ie_config_values(void)
{
    struct saved_ie saved;

    save_ie(&saved);
    put_ie_enable(1);
    put_ie_string(L"ProxyServer", L"ieproxy.example:8080");
    put_ie_string(L"ProxyOverride", L"<local>;*.corp.example");
    put_ie_string(L"AutoConfigURL", L"http://pac.example/proxy.pac");
    put_ie_connection(0x0f, "ieproxy.example:8080", "<local>;*.corp.example", "http://pac.example/proxy.pac");
    check_ie(TRUE, L"http://pac.example/proxy.pac", L"ieproxy.example:8080", L"<local>;*.corp.example");

    /* "Use a proxy server" off: the server stays in the registry but is not
       reported, nor its bypass list */
    put_ie_enable(0);
    put_ie_string(L"AutoConfigURL", NULL);
    put_ie_connection(0x01, "ieproxy.example:8080", "<local>;*.corp.example", "");
    check_ie(FALSE, NULL, NULL, NULL);

    /* auto-detection alone */
    put_ie_connection(0x09, "", "", "");
    check_ie(TRUE, NULL, NULL, NULL);
    restore_ie(&saved);
}

/* Nothing configured: "Automatically detect settings" is on, as in a new
   Windows profile (our reading; the documentation does not say). */
static void test_ie_config_defaults(void)
{
    struct saved_ie saved;

    save_ie(&saved);
    for (size_t i = 0; i < ARRAY_SIZE(ie_values); i++)
        put_value(HKEY_CURRENT_USER, internet_settings_key, 0, ie_values[i], 0, NULL, 0);
    put_value(HKEY_CURRENT_USER, connections_key, 0, L"DefaultConnectionSettings", 0, NULL, 0);
    check_ie(TRUE, NULL, NULL, NULL);
    restore_ie(&saved);
}

/* ---- WinHttpDetectAutoProxyConfigUrl ------------------------------------------------------- */

static void check_detected(DWORD flags)
{
    WCHAR *url = (WCHAR *)0xdeadbeef;
    BOOL ret;

    SetLastError(0xdeadbeef);
    ret = WinHttpDetectAutoProxyConfigUrl(flags, &url);
    if (ret)
    {
        ok(url && !wcsncmp(url, L"http", 4), "url %ls", url ? url : L"(null)");
        ok_err(ERROR_SUCCESS);
        GlobalFree(url);
    }
    else
    {
        ok_err(ERROR_WINHTTP_AUTODETECTION_FAILED);
        ok(!url, "url %p", url);
    }
}

static void test_detect(void)
{
    WCHAR *url = NULL;

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpDetectAutoProxyConfigUrl(0, NULL), FALSE, ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpDetectAutoProxyConfigUrl(0, &url), FALSE, ERROR_INVALID_PARAMETER);
    ok(!url, "url %p", url);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpDetectAutoProxyConfigUrl(WINHTTP_AUTO_DETECT_TYPE_DNS_A, NULL), FALSE,
                ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpDetectAutoProxyConfigUrl(WINHTTP_AUTO_DETECT_TYPE_DHCP, NULL), FALSE,
                ERROR_INVALID_PARAMETER);

    /* found or not, on this network: either a URL or the documented error */
    check_detected(WINHTTP_AUTO_DETECT_TYPE_DHCP);
    check_detected(WINHTTP_AUTO_DETECT_TYPE_DNS_A);
    check_detected(WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A);
}

/* tools/with-wpad gives the machine the DNS domain corp.example.test and
   only wpad.example.test an address: the search walks up one level. */
static void test_detect_dns(void)
{
    char expected[256];
    WCHAR want[256], *url = NULL;

    if (!GetEnvironmentVariableA("WINHTTP_TEST_WPAD", expected, sizeof(expected)))
    {
        skip("WINHTTP_TEST_WPAD is not set (tools/with-wpad sets it)");
        return;
    }
    MultiByteToWideChar(CP_ACP, 0, expected, -1, want, ARRAY_SIZE(want));
    SetLastError(0xdeadbeef);
    ok(WinHttpDetectAutoProxyConfigUrl(WINHTTP_AUTO_DETECT_TYPE_DNS_A, &url), "failed: %lu", GetLastError());
    ok_err(ERROR_SUCCESS);
    ok_global_wstr(url, want);
    GlobalFree(url);
}

/* ---- WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY ------------------------------------------------- */

/* The user's settings name a PAC script (auto-detection off): a session
   opened with AUTOMATIC_PROXY runs it for each request's URL (Windows 8.1
   and later) and sends the request where it says, in absolute form to a
   proxy; a host the script sends DIRECT goes straight to its server. */
static void test_automatic_proxy_pac(void)
{
    struct server *pac = server_start(), *proxy = server_start(), *origin = server_start();
    struct saved_ie saved;
    struct script *s;
    char script[256], pac_url[64], origin_host[32];
    HINTERNET session, connect, request;
    DWORD status, size;
    WCHAR url[64];

    if (!pac || !proxy || !origin)
    {
        ok(0, "cannot start the scripted servers");
        goto done;
    }
    snprintf(script, sizeof(script), "function FindProxyForURL(url, host) { if (host == \"127.0.0.1\") return "
             "\"DIRECT\"; return \"PROXY 127.0.0.1:%u\"; }", server_port(proxy));
    s = server_every_connection(pac);
    script_recv_request(s);
    script_respond(s, 200, "Content-Type: application/x-ns-proxy-autoconfig\r\n", script);
    script_close(s);
    s = server_add_connection(proxy);
    script_recv_request(s);
    script_respond(s, 200, "", "through the proxy");
    script_close(s);
    s = server_add_connection(origin);
    script_recv_request(s);
    script_respond(s, 200, "", "direct");
    script_close(s);
    snprintf(pac_url, sizeof(pac_url), "http://127.0.0.1:%u/proxy.pac", server_port(pac));
    snprintf(origin_host, sizeof(origin_host), "127.0.0.1:%u", server_port(origin));

    save_ie(&saved);
    put_ie_enable(0);
    swprintf(url, ARRAYSIZE(url), L"%hs", pac_url);
    put_ie_string(L"AutoConfigURL", url);
    put_ie_connection(0x05, "", "", pac_url);   /* direct + auto-config URL, no auto-detection */

    session = WinHttpOpen(L"conformance", WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, NULL, NULL, 0);
    ok(session != NULL, "WinHttpOpen(AUTOMATIC_PROXY) failed: %lu", GetLastError());
    /* a name the machine cannot resolve: only the proxy can take it */
    connect = session ? WinHttpConnect(session, L"pac-routed.example", 8080, 0) : NULL;
    request = connect ? WinHttpOpenRequest(connect, NULL, L"/file.txt", NULL, NULL, NULL, 0) : NULL;
    ok(request && WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL),
       "request through the PAC's proxy failed: %lu", GetLastError());
    size = sizeof(status);
    ok(request && WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL,
                                      &status, &size, NULL) && status == 200, "no 200 through the proxy");
    {
        const char *head = server_request(proxy, 0) ? server_request(proxy, 0)->head : "";
        const char *want = "GET http://pac-routed.example:8080/file.txt HTTP/1.1\r\n";
        ok(!strncmp(head, want, strlen(want)), "the proxy saw \"%.60s\"", head);
    }
    if (request) WinHttpCloseHandle(request);
    if (connect) WinHttpCloseHandle(connect);

    /* the script says DIRECT for 127.0.0.1 */
    connect = session ? WinHttpConnect(session, L"127.0.0.1", server_port(origin), 0) : NULL;
    request = connect ? WinHttpOpenRequest(connect, NULL, L"/direct", NULL, NULL, NULL, 0) : NULL;
    ok(request && WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL),
       "direct request failed: %lu", GetLastError());
    ok_int(server_requests(origin), 1);
    ok_int(server_requests(proxy), 1);
    ok_int(server_requests(pac), 1);    /* the session keeps the script */
    if (request) WinHttpCloseHandle(request);
    if (connect) WinHttpCloseHandle(connect);
    if (session) WinHttpCloseHandle(session);
    restore_ie(&saved);
done:
    if (pac) server_stop(pac);
    if (proxy) server_stop(proxy);
    if (origin) server_stop(origin);
}

/* Asynchronous requests: the lookup runs while WinHttpSendRequest has
   returned (it may wait for a slow PAC server), the request goes where the
   script says, and closing the handle while the script downloads cancels
   the request at once: REQUEST_ERROR with ERROR_WINHTTP_OPERATION_CANCELLED,
   then HANDLE_CLOSING (the documented order), long before the PAC server
   would have answered. */
struct async_watch
{
    HANDLE done, closing;
    volatile DWORD status, error;
};

static void CALLBACK watch_status(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct async_watch *w = (struct async_watch *)context;

    if (!w) return;
    if (status == WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE || status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
    {
        w->error = status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR ? ((WINHTTP_ASYNC_RESULT *)info)->dwError : 0;
        w->status = status;
        SetEvent(w->done);
    }
    else if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) SetEvent(w->closing);
}

static HINTERNET async_request(HINTERNET session, const WCHAR *host, INTERNET_PORT port, struct async_watch *w)
{
    HINTERNET connect = WinHttpConnect(session, host, port, 0);
    HINTERNET request = connect ? WinHttpOpenRequest(connect, NULL, L"/file.txt", NULL, NULL, NULL, 0) : NULL;
    DWORD_PTR context = (DWORD_PTR)w;

    if (connect) WinHttpCloseHandle(connect);   /* the request keeps what it needs */
    if (!request) return NULL;
    WinHttpSetStatusCallback(request, watch_status, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    WinHttpSetOption(request, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context));
    return request;
}

static void test_automatic_proxy_pac_async(void)
{
    struct server *pac = server_start(), *proxy = server_start();
    struct async_watch w = { CreateEventW(NULL, FALSE, FALSE, NULL), CreateEventW(NULL, TRUE, FALSE, NULL) };
    struct saved_ie saved;
    struct script *s;
    char script[256], pac_url[64];
    HINTERNET session, request;
    DWORD start;
    WCHAR url[64];

    if (!pac || !proxy)
    {
        ok(0, "cannot start the scripted servers");
        goto done;
    }
    snprintf(script, sizeof(script), "function FindProxyForURL(url, host) { return \"PROXY 127.0.0.1:%u\"; }",
             server_port(proxy));
    s = server_every_connection(pac);
    script_recv_request(s);
    script_wait(s, 2000);       /* a slow PAC server */
    script_respond(s, 200, "Content-Type: application/x-ns-proxy-autoconfig\r\n", script);
    script_close(s);
    s = server_every_connection(proxy);
    script_recv_request(s);
    script_respond(s, 200, "", "through the proxy");
    script_close(s);
    snprintf(pac_url, sizeof(pac_url), "http://127.0.0.1:%u/proxy.pac", server_port(pac));

    save_ie(&saved);
    put_ie_enable(0);
    swprintf(url, ARRAYSIZE(url), L"%hs", pac_url);
    put_ie_string(L"AutoConfigURL", url);
    put_ie_connection(0x05, "", "", pac_url);

    /* the lookup runs after WinHttpSendRequest returned; the proxy gets the request */
    session = WinHttpOpen(L"conformance", WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    request = session ? async_request(session, L"pac-routed.example", 8080, &w) : NULL;
    start = GetTickCount();
    ok(request && WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "send: %lu", GetLastError());
    ok(GetTickCount() - start < 1500, "WinHttpSendRequest waited %lu ms for the PAC server", GetTickCount() - start);
    ok(!WaitForSingleObject(w.done, 10000), "no completion");
    ok_int(w.status, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    ok_int(server_requests(proxy), 1);
    if (request) WinHttpCloseHandle(request);
    ok(!WaitForSingleObject(w.closing, 5000), "no HANDLE_CLOSING");
    if (session) WinHttpCloseHandle(session);

    /* a new session downloads the script again: closed meanwhile, the request is cancelled at once */
    ResetEvent(w.closing);
    w.status = 0;
    session = WinHttpOpen(L"conformance", WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    request = session ? async_request(session, L"pac-routed.example", 8080, &w) : NULL;
    ok(request && WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "send: %lu", GetLastError());
    Sleep(300);
    start = GetTickCount();
    if (request) WinHttpCloseHandle(request);
    ok(!WaitForSingleObject(w.closing, 5000), "no HANDLE_CLOSING");
    ok(GetTickCount() - start < 1200, "HANDLE_CLOSING after %lu ms", GetTickCount() - start);
    ok_int(w.status, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR);
    ok_int(w.error, ERROR_WINHTTP_OPERATION_CANCELLED);
    ok_int(server_requests(proxy), 1);
    if (session) WinHttpCloseHandle(session);
    restore_ie(&saved);
done:
    CloseHandle(w.done);
    CloseHandle(w.closing);
    if (pac) server_stop(pac);
    if (proxy) server_stop(proxy);
}

TEST_CASES(TEST(test_set_default_validation), TEST(test_default_round_trip), TEST(test_default_from_registry),
           TEST(test_default_from_environment), TEST(test_ie_config_errors), TEST(test_ie_config_values),
           TEST(test_ie_config_defaults), TEST(test_detect), TEST(test_detect_dns), TEST(test_automatic_proxy_pac),
           TEST(test_automatic_proxy_pac_async));

int main(int argc, char **argv)
{
    return settings_main(argc, argv, test_cases);
}
