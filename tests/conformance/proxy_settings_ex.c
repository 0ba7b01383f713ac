/* Conformance: the per-connection proxy settings of Windows 8 and later.
 * WinHttpReadProxySettings / WinHttpWriteProxySettings round trips over
 * IE's per-connection values (a named test connection, the default
 * connection's value written raw), versions, defaults_returned, fallback to
 * the default connection, WinHttpSetProxySettingsPerUser, the errors for bad
 * arguments, WinHttpGetProxySettingsEx on a resolver (one operation at a
 * time with its lookups), and change notifications fired by a registry
 * change.
 *
 * Microsoft documents little beyond the prototypes: where a case checks a
 * judgement of this project rather than a documented fact, it says so.
 * Every registry value a case touches is saved first and put back byte for
 * byte, also when the DLL under test crashes. */
#include "harness.h"
#include "saved_values.h"
#include "winhttp.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static const WCHAR connections_key[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections";
static const WCHAR policy_key[] = L"Software\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
static const WCHAR test_connection[] = L"winhttp-conformance-ex";
static const WCHAR missing_connection[] = L"winhttp-conformance-ex-missing";
static const WCHAR default_connection[] = L"DefaultConnectionSettings";

/* ---- saving and restoring registry values --------------------------------------- */

/* The user's per-connection values a case may change. */
struct saved_user
{
    struct saved_value values[3];
};

static void save_user(struct saved_user *s)
{
    save_value(&s->values[0], HKEY_CURRENT_USER, connections_key, 0, default_connection);
    save_value(&s->values[1], HKEY_CURRENT_USER, connections_key, 0, test_connection);
    save_value(&s->values[2], HKEY_CURRENT_USER, connections_key, 0, missing_connection);
    /* the test's own connections start absent */
    put_value(HKEY_CURRENT_USER, connections_key, 0, test_connection, 0, NULL, 0);
    put_value(HKEY_CURRENT_USER, connections_key, 0, missing_connection, 0, NULL, 0);
}

static void restore_user(struct saved_user *s)
{
    for (int i = 0; i < 3; i++) restore_value(&s->values[i]);
}

/* ---- blobs ----------------------------------------------------------------------- */

/* IE's per-connection value: version 0x46, counter, flags, then the proxy
   list, the bypass list and the auto-config URL, each with its DWORD length. */
static DWORD make_blob(BYTE *out, DWORD counter, DWORD flags, const char *proxy, const char *bypass,
                       const char *url)
{
    const char *strings[3] = { proxy, bypass, url };
    DWORD header[3] = { 0x46, counter, flags }, n = sizeof(header);

    memcpy(out, header, sizeof(header));
    for (int i = 0; i < 3; i++)
    {
        DWORD len = lstrlenA(strings[i]);
        memcpy(out + n, &len, 4);
        memcpy(out + n + 4, strings[i], len);
        n += 4 + len;
    }
    return n;
}

static BOOL put_user_blob(const WCHAR *name, DWORD counter, DWORD flags, const char *proxy, const char *bypass,
                          const char *url)
{
    BYTE blob[512];
    DWORD size = make_blob(blob, counter, flags, proxy, bypass, url);

    return !put_value(HKEY_CURRENT_USER, connections_key, 0, name, REG_BINARY, blob, size);
}

/* The header of a stored value: FALSE when it is not there. */
static BOOL stored_header(HKEY root, REGSAM view, const WCHAR *name, DWORD header[3])
{
    BYTE data[1024];
    DWORD size = sizeof(data), type;
    HKEY key;
    LONG err;

    if (RegOpenKeyExW(root, connections_key, 0, KEY_QUERY_VALUE | view, &key)) return FALSE;
    err = RegQueryValueExW(key, name, NULL, &type, data, &size);
    RegCloseKey(key);
    if (err || type != REG_BINARY || size < 12) return FALSE;
    memcpy(header, data, 12);
    return TRUE;
}

/* ---- helpers ---------------------------------------------------------------------- */

static HINTERNET open_session(DWORD flags)
{
    HINTERNET session = WinHttpOpen(L"conformance", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, flags);

    ok(session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    return session;
}

static void init_settings(WINHTTP_PROXY_SETTINGS *settings)
{
    memset(settings, 0, sizeof(*settings));
    settings->dwStructSize = sizeof(*settings);
}

static DWORD read_settings(HINTERNET session, const WCHAR *connection, BOOL fallback, BOOL autodiscover,
                           DWORD *version, BOOL *defaults, WINHTTP_PROXY_SETTINGS *settings)
{
    init_settings(settings);
    *version = 0xdeadbeef;
    *defaults = 0xdeadbeef;
    return WinHttpReadProxySettings(session, connection, fallback, autodiscover, version, defaults, settings);
}

/* ---- errors ----------------------------------------------------------------------- */

static void test_errors(void)
{
    HINTERNET session = open_session(0), connect;
    WINHTTP_PROXY_SETTINGS settings;
    DWORD version, err;
    BOOL defaults;

    if (!session) return;
    connect = WinHttpConnect(session, L"localhost", 80, 0);
    ok(connect != NULL, "WinHttpConnect failed: %lu", GetLastError());

    err = read_settings(NULL, NULL, FALSE, FALSE, &version, &defaults, &settings);
    ok_int(err, ERROR_INVALID_HANDLE);
    err = read_settings(connect, NULL, FALSE, FALSE, &version, &defaults, &settings);
    ok_int(err, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    err = WinHttpReadProxySettings(session, NULL, FALSE, FALSE, &version, &defaults, NULL);
    ok_int(err, ERROR_INVALID_PARAMETER);
    init_settings(&settings);
    settings.dwStructSize = 0;
    err = WinHttpReadProxySettings(session, NULL, FALSE, FALSE, &version, &defaults, &settings);
    ok_int(err, ERROR_INVALID_PARAMETER);

    init_settings(&settings);
    ok_int(WinHttpWriteProxySettings(NULL, FALSE, &settings), ERROR_INVALID_HANDLE);
    ok_int(WinHttpWriteProxySettings(connect, FALSE, &settings), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    ok_int(WinHttpWriteProxySettings(session, FALSE, NULL), ERROR_INVALID_PARAMETER);
    settings.dwStructSize = sizeof(settings) - 1;
    ok_int(WinHttpWriteProxySettings(session, FALSE, &settings), ERROR_INVALID_PARAMETER);

    ok_int(WinHttpGetProxySettingsVersion(NULL, &version), ERROR_INVALID_HANDLE);
    ok_int(WinHttpGetProxySettingsVersion(connect, &version), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    ok_int(WinHttpGetProxySettingsVersion(session, NULL), ERROR_INVALID_PARAMETER);

    WinHttpFreeProxySettings(NULL);     /* nothing to free: no crash */
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* ---- round trips ------------------------------------------------------------------ */

static void check_strings(const WINHTTP_PROXY_SETTINGS *s, const WCHAR *proxy, const WCHAR *bypass,
                          const WCHAR *url)
{
    ok_wstr(s->pwszProxy, proxy);
    ok_wstr(s->pwszProxyBypass, bypass);
    ok_wstr(s->pwszAutoconfigUrl, url);
}

static void test_round_trip(void)
{
    HINTERNET session = open_session(0);
    WINHTTP_PROXY_SETTINGS settings, written;
    struct saved_user saved;
    DWORD version, header[3], err;
    BOOL defaults;

    if (!session) return;
    save_user(&saved);

    /* nothing stored: defaults, direct, version 0 */
    err = read_settings(session, test_connection, FALSE, FALSE, &version, &defaults, &settings);
    ok_int(err, ERROR_SUCCESS);
    ok_int(defaults, TRUE);
    ok_int(version, 0);
    ok_int(settings.dwFlags, WINHTTP_PROXY_TYPE_DIRECT);
    check_strings(&settings, NULL, NULL, NULL);
    WinHttpFreeProxySettings(&settings);
    err = read_settings(session, test_connection, FALSE, TRUE, &version, &defaults, &settings);
    ok_int(err, ERROR_SUCCESS);
    ok_int(defaults, TRUE);
    ok_int(settings.dwFlags, WINHTTP_PROXY_TYPE_DIRECT | WINHTTP_PROXY_TYPE_AUTO_DETECT);
    WinHttpFreeProxySettings(&settings);

    init_settings(&written);
    written.dwFlags = WINHTTP_PROXY_TYPE_DIRECT | WINHTTP_PROXY_TYPE_PROXY | WINHTTP_PROXY_TYPE_AUTO_PROXY_URL;
    written.pwszConnectionName = (WCHAR *)test_connection;
    written.pwszProxy = (WCHAR *)L"proxy.example:8080";
    written.pwszProxyBypass = (WCHAR *)L"<local>;*.corp.example";
    written.pwszAutoconfigUrl = (WCHAR *)L"http://pac.example/proxy.pac";
    ok_int(WinHttpWriteProxySettings(session, FALSE, &written), ERROR_SUCCESS);

    err = read_settings(session, test_connection, FALSE, FALSE, &version, &defaults, &settings);
    ok_int(err, ERROR_SUCCESS);
    ok_int(defaults, FALSE);
    ok_int(settings.dwFlags, written.dwFlags);
    ok(version != 0, "version %lu", version);
    ok_int(settings.dwCurrentSettingsVersion, version);
    ok_wstr(settings.pwszConnectionName, test_connection);
    check_strings(&settings, written.pwszProxy, written.pwszProxyBypass, written.pwszAutoconfigUrl);
    WinHttpFreeProxySettings(&settings);
    ok(!settings.pwszProxy && !settings.pwszConnectionName, "Free left %p %p", settings.pwszProxy,
       settings.pwszConnectionName);

    /* stored as IE's per-connection value, the version its counter */
    ok(stored_header(HKEY_CURRENT_USER, 0, test_connection, header), "no value stored");
    ok_int(header[0], 0x46);
    ok_int(header[1], version);
    ok_int(header[2], written.dwFlags);

    /* judgement: a write based on an older version fails unless forced */
    written.dwCurrentSettingsVersion = version - 1;
    written.pwszProxy = (WCHAR *)L"other.example:1";
    ok_int(WinHttpWriteProxySettings(session, FALSE, &written), ERROR_REVISION_MISMATCH);
    ok_int(WinHttpWriteProxySettings(session, TRUE, &written), ERROR_SUCCESS);
    err = read_settings(session, test_connection, FALSE, FALSE, &header[0], &defaults, &settings);
    ok_int(err, ERROR_SUCCESS);
    ok_int(header[0], version + 1);
    ok_wstr(settings.pwszProxy, L"other.example:1");
    WinHttpFreeProxySettings(&settings);

    /* the version read is the one to write with */
    written.dwCurrentSettingsVersion = version + 1;
    written.dwFlags = WINHTTP_PROXY_TYPE_DIRECT;
    written.pwszProxy = written.pwszProxyBypass = written.pwszAutoconfigUrl = NULL;
    ok_int(WinHttpWriteProxySettings(session, FALSE, &written), ERROR_SUCCESS);
    err = read_settings(session, test_connection, FALSE, FALSE, &version, &defaults, &settings);
    ok_int(settings.dwFlags, WINHTTP_PROXY_TYPE_DIRECT);
    check_strings(&settings, NULL, NULL, NULL);
    WinHttpFreeProxySettings(&settings);

    /* judgement: 8-bit values, so only ASCII; unknown flags refused */
    written.pwszProxy = (WCHAR *)L"\x226f\x575b:1";
    ok_int(WinHttpWriteProxySettings(session, TRUE, &written), ERROR_INVALID_PARAMETER);
    written.pwszProxy = NULL;
    written.dwFlags = 0x100;
    ok_int(WinHttpWriteProxySettings(session, TRUE, &written), ERROR_INVALID_PARAMETER);

    restore_user(&saved);
    WinHttpCloseHandle(session);
}

/* The default connection's value as another tool (Internet Options) writes it. */
static void test_default_connection(void)
{
    HINTERNET session = open_session(0);
    WINHTTP_PROXY_SETTINGS settings;
    struct saved_user saved;
    DWORD version, err;
    BOOL defaults;

    if (!session) return;
    save_user(&saved);
    ok(put_user_blob(default_connection, 0x1234, 3, "ie.example:3128", "<local>", ""), "cannot write HKCU");

    err = read_settings(session, NULL, FALSE, FALSE, &version, &defaults, &settings);
    ok_int(err, ERROR_SUCCESS);
    ok_int(defaults, FALSE);
    ok_int(version, 0x1234);
    ok_int(settings.dwFlags, 3);
    ok_wstr(settings.pwszConnectionName, NULL);
    check_strings(&settings, L"ie.example:3128", L"<local>", NULL);
    WinHttpFreeProxySettings(&settings);

    ok_int(WinHttpGetProxySettingsVersion(session, &version), ERROR_SUCCESS);
    ok_int(version, 0x1234);

    /* a missing connection falls back to the default one when asked to */
    err = read_settings(session, missing_connection, TRUE, FALSE, &version, &defaults, &settings);
    ok_int(err, ERROR_SUCCESS);
    ok_int(defaults, FALSE);
    ok_int(version, 0x1234);
    ok_wstr(settings.pwszProxy, L"ie.example:3128");
    WinHttpFreeProxySettings(&settings);
    err = read_settings(session, missing_connection, FALSE, FALSE, &version, &defaults, &settings);
    ok_int(err, ERROR_SUCCESS);
    ok_int(defaults, TRUE);
    ok_wstr(settings.pwszProxy, NULL);
    WinHttpFreeProxySettings(&settings);

    /* judgement: a malformed value reads as none */
    ok(!put_value(HKEY_CURRENT_USER, connections_key, 0, default_connection, REG_BINARY, "\x46\0\0\0\1", 5),
       "cannot write HKCU");
    err = read_settings(session, NULL, FALSE, FALSE, &version, &defaults, &settings);
    ok_int(err, ERROR_SUCCESS);
    ok_int(defaults, TRUE);
    WinHttpFreeProxySettings(&settings);

    put_value(HKEY_CURRENT_USER, connections_key, 0, default_connection, 0, NULL, 0);
    ok_int(WinHttpGetProxySettingsVersion(session, &version), ERROR_SUCCESS);
    ok_int(version, 0);

    restore_user(&saved);
    WinHttpCloseHandle(session);
}

/* ---- WinHttpSetProxySettingsPerUser -------------------------------------------------- */

static void test_per_user(void)
{
    HINTERNET session = open_session(0);
    struct saved_value policy[2], machine[2];
    WINHTTP_PROXY_SETTINGS settings;
    struct saved_user saved;
    DWORD version, header[3], err;
    BOOL defaults;

    if (!session) return;
    save_user(&saved);
    save_value(&policy[0], HKEY_LOCAL_MACHINE, policy_key, KEY_WOW64_64KEY, L"ProxySettingsPerUser");
    save_value(&policy[1], HKEY_LOCAL_MACHINE, policy_key, KEY_WOW64_32KEY, L"ProxySettingsPerUser");
    save_value(&machine[0], HKEY_LOCAL_MACHINE, connections_key, KEY_WOW64_64KEY, test_connection);
    save_value(&machine[1], HKEY_LOCAL_MACHINE, connections_key, KEY_WOW64_32KEY, test_connection);

    err = WinHttpSetProxySettingsPerUser(FALSE);
    if (err == ERROR_ACCESS_DENIED)
    {
        skip("cannot set the per-user policy: access denied");
        goto done;
    }
    ok_int(err, ERROR_SUCCESS);

    /* machine-wide: written to HKLM, not the user's key */
    init_settings(&settings);
    settings.dwFlags = WINHTTP_PROXY_TYPE_DIRECT | WINHTTP_PROXY_TYPE_PROXY;
    settings.pwszConnectionName = (WCHAR *)test_connection;
    settings.pwszProxy = (WCHAR *)L"machine.example:80";
    ok_int(WinHttpWriteProxySettings(session, TRUE, &settings), ERROR_SUCCESS);
    ok(stored_header(HKEY_LOCAL_MACHINE, KEY_WOW64_64KEY, test_connection, header), "not in HKLM");
    ok(!stored_header(HKEY_CURRENT_USER, 0, test_connection, header), "in HKCU");
    err = read_settings(session, test_connection, FALSE, FALSE, &version, &defaults, &settings);
    ok_int(defaults, FALSE);
    ok_wstr(settings.pwszProxy, L"machine.example:80");
    WinHttpFreeProxySettings(&settings);

    /* per user again: the machine's settings are not the user's */
    ok_int(WinHttpSetProxySettingsPerUser(TRUE), ERROR_SUCCESS);
    err = read_settings(session, test_connection, FALSE, FALSE, &version, &defaults, &settings);
    ok_int(err, ERROR_SUCCESS);
    ok_int(defaults, TRUE);
    WinHttpFreeProxySettings(&settings);
done:
    restore_value(&machine[1]);
    restore_value(&machine[0]);
    restore_value(&policy[1]);
    restore_value(&policy[0]);
    restore_user(&saved);
    WinHttpCloseHandle(session);
}

/* ---- change notifications ------------------------------------------------------------ */

struct change_log
{
    HANDLE event;
    LONG calls;
    ULONGLONG flags;
};

static void CALLBACK on_change(ULONGLONG flags, PVOID context)
{
    struct change_log *log = context;

    log->flags = flags;
    InterlockedIncrement(&log->calls);
    SetEvent(log->event);
}

static void test_notify_errors(void)
{
    WINHTTP_PROXY_CHANGE_REGISTRATION_HANDLE handle = NULL;
    struct change_log log = { 0 };

    ok_int(WinHttpRegisterProxyChangeNotification(0, on_change, &log, &handle), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpRegisterProxyChangeNotification(WINHTTP_PROXY_NOTIFY_CHANGE, NULL, &log, &handle),
           ERROR_INVALID_PARAMETER);
    ok_int(WinHttpRegisterProxyChangeNotification(WINHTTP_PROXY_NOTIFY_CHANGE, on_change, &log, NULL),
           ERROR_INVALID_PARAMETER);
    ok(!handle, "handle %p", handle);
}

static void test_notify_change(void)
{
    WINHTTP_PROXY_CHANGE_REGISTRATION_HANDLE handle = NULL;
    struct change_log log = { CreateEventW(NULL, FALSE, FALSE, NULL) };
    struct saved_user saved;
    DWORD err;

    save_user(&saved);
    err = WinHttpRegisterProxyChangeNotification(WINHTTP_PROXY_NOTIFY_CHANGE, on_change, &log, &handle);
    ok_int(err, ERROR_SUCCESS);
    if (err) goto done;
    ok(handle != NULL, "no handle");

    put_user_blob(test_connection, 1, 3, "change.example:1", "", "");
    ok_int(WaitForSingleObject(log.event, 5000), WAIT_OBJECT_0);
    ok_int(log.flags, WINHTTP_PROXY_NOTIFY_CHANGE);

    /* watched again after each change */
    Sleep(200);
    put_user_blob(test_connection, 2, 3, "change.example:2", "", "");
    ok_int(WaitForSingleObject(log.event, 5000), WAIT_OBJECT_0);
    ok(log.calls >= 2, "calls %ld", log.calls);

    ok_int(WinHttpUnregisterProxyChangeNotification(handle), ERROR_SUCCESS);
    Sleep(200);
    ResetEvent(log.event);
    put_user_blob(test_connection, 3, 3, "change.example:3", "", "");
    ok_int(WaitForSingleObject(log.event, 1000), WAIT_TIMEOUT);
done:
    restore_user(&saved);
    CloseHandle(log.event);
}

/* Unregistering from inside the callback returns, and nothing follows. */
static WINHTTP_PROXY_CHANGE_REGISTRATION_HANDLE inner_handle;
static DWORD inner_result = 0xdeadbeef;

static void CALLBACK unregister_inside(ULONGLONG flags, PVOID context)
{
    inner_result = WinHttpUnregisterProxyChangeNotification(inner_handle);
    SetEvent(context);
}

static void test_notify_unregister_inside(void)
{
    HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
    struct saved_user saved;
    DWORD err;

    save_user(&saved);
    err = WinHttpRegisterProxyChangeNotification(WINHTTP_PROXY_NOTIFY_CHANGE, unregister_inside, event,
                                                 &inner_handle);
    ok_int(err, ERROR_SUCCESS);
    if (!err)
    {
        put_user_blob(test_connection, 1, 1, "", "", "");
        ok_int(WaitForSingleObject(event, 5000), WAIT_OBJECT_0);
        ok_int(inner_result, ERROR_SUCCESS);
        Sleep(200);
        put_user_blob(test_connection, 2, 1, "", "", "");
        ok_int(WaitForSingleObject(event, 1000), WAIT_TIMEOUT);
    }
    restore_user(&saved);
    CloseHandle(event);
}

/* Unregistering while the callback runs returns once it has returned. */
static volatile LONG slow_state;    /* 1: inside the callback, 2: it returned */

static void CALLBACK slow_callback(ULONGLONG flags, PVOID context)
{
    InterlockedExchange(&slow_state, 1);
    SetEvent(context);
    Sleep(500);
    InterlockedExchange(&slow_state, 2);
}

static void test_notify_unregister_waits(void)
{
    WINHTTP_PROXY_CHANGE_REGISTRATION_HANDLE handle = NULL;
    HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
    struct saved_user saved;
    DWORD err;

    save_user(&saved);
    slow_state = 0;
    err = WinHttpRegisterProxyChangeNotification(WINHTTP_PROXY_NOTIFY_CHANGE, slow_callback, event, &handle);
    ok_int(err, ERROR_SUCCESS);
    if (!err)
    {
        put_user_blob(test_connection, 1, 1, "", "", "");
        ok_int(WaitForSingleObject(event, 5000), WAIT_OBJECT_0);
        ok_int(WinHttpUnregisterProxyChangeNotification(handle), ERROR_SUCCESS);
        ok_int(slow_state, 2);
    }
    restore_user(&saved);
    CloseHandle(event);
}

/* ---- WinHttpGetProxySettingsEx --------------------------------------------------------- */

struct ex_log
{
    HANDLE done;
    DWORD status, error;
    DWORD_PTR context;
};

static void CALLBACK ex_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct ex_log *log = (struct ex_log *)context;

    if (status != WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE && status != WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
        return;
    log->status = status;
    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) log->error = ((WINHTTP_ASYNC_RESULT *)info)->dwError;
    log->context = context;
    SetEvent(log->done);
}

static void test_settings_ex(void)
{
    HINTERNET session = open_session(WINHTTP_FLAG_ASYNC), resolver = NULL;
    struct ex_log log = { CreateEventW(NULL, FALSE, FALSE, NULL) };
    WINHTTP_PROXY_SETTINGS_EX ex;
    struct saved_user saved;
    DWORD err;

    if (!session) return;
    save_user(&saved);
    err = WinHttpCreateProxyResolver(session, &resolver);
    ok_int(err, ERROR_SUCCESS);
    if (err) goto done;
    WinHttpSetStatusCallback(resolver, ex_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);

    ok_int(WinHttpGetProxySettingsEx(session, WinHttpProxySettingsTypeWsl, NULL, (DWORD_PTR)&log),
           ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    ok_int(WinHttpGetProxySettingsEx(resolver, WinHttpProxySettingsTypeUnknown, NULL, (DWORD_PTR)&log),
           ERROR_INVALID_PARAMETER);
    memset(&ex, 0, sizeof(ex));
    ok_int(WinHttpGetProxySettingsResultEx(resolver, &ex), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);

    ok(put_user_blob(default_connection, 7, 7, "http=h1:81;https=h2:82", "<local>;*.corp.example",
                     "http://pac.example/x.pac"), "cannot write HKCU");
    err = WinHttpGetProxySettingsEx(resolver, WinHttpProxySettingsTypeWsl, NULL, (DWORD_PTR)&log);
    ok_int(err, ERROR_IO_PENDING);
    if (err != ERROR_IO_PENDING) goto done;
    ok_int(WaitForSingleObject(log.done, 5000), WAIT_OBJECT_0);
    ok_int(log.status, WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE);
    ok(log.context == (DWORD_PTR)&log, "context %#Ix", log.context);

    memset(&ex, 0, sizeof(ex));
    ok_int(WinHttpGetProxySettingsResultEx(resolver, &ex), ERROR_SUCCESS);
    ok_int(ex.ullGenerationId, 7);
    ok_int(ex.ullFlags, 7);
    /* judgement: the proxies as URLs, as the documentation's examples show them */
    ok_wstr(ex.pcwszProxy, L"http://h1:81");
    ok_wstr(ex.pcwszSecureProxy, L"http://h2:82");
    ok_wstr(ex.pcwszAutoconfigUrl, L"http://pac.example/x.pac");
    ok_int(ex.cProxyBypasses, 2);
    if (ex.cProxyBypasses == 2)
    {
        ok_wstr(ex.rgpcwszProxyBypasses[0], L"<local>");
        ok_wstr(ex.rgpcwszProxyBypasses[1], L"*.corp.example");
    }
    ok_int(WinHttpFreeProxySettingsEx(WinHttpProxySettingsTypeWsl, &ex), ERROR_SUCCESS);
done:
    restore_user(&saved);
    if (resolver) WinHttpCloseHandle(resolver);
    WinHttpCloseHandle(session);
    Sleep(100);     /* HANDLE_CLOSING, before log goes away */
    CloseHandle(log.done);
}

/* Closing the resolver at once: one completion, then HANDLE_CLOSING last. */
struct close_log
{
    HANDLE closed;
    LONG completions, after_closing;
    BOOL closing_seen;
};

static void CALLBACK close_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct close_log *log = (struct close_log *)context;

    if (log->closing_seen) InterlockedIncrement(&log->after_closing);
    if (status == WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE) InterlockedIncrement(&log->completions);
    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
    {
        WINHTTP_ASYNC_RESULT *result = info;
        ok(result->dwResult == API_GET_PROXY_SETTINGS, "dwResult %Iu", result->dwResult);
        ok(result->dwError == ERROR_WINHTTP_OPERATION_CANCELLED, "dwError %lu", result->dwError);
        InterlockedIncrement(&log->completions);
    }
    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING)
    {
        log->closing_seen = TRUE;
        SetEvent(log->closed);
    }
}

static void test_settings_ex_close(void)
{
    HINTERNET session = open_session(WINHTTP_FLAG_ASYNC), resolver = NULL;
    struct close_log log = { CreateEventW(NULL, TRUE, FALSE, NULL) };
    DWORD err;

    if (!session) return;
    err = WinHttpCreateProxyResolver(session, &resolver);
    ok_int(err, ERROR_SUCCESS);
    if (!err)
    {
        WinHttpSetStatusCallback(resolver, close_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
        err = WinHttpGetProxySettingsEx(resolver, WinHttpProxySettingsTypeWsa, NULL, (DWORD_PTR)&log);
        ok_int(err, ERROR_IO_PENDING);
        WinHttpCloseHandle(resolver);
        ok_int(WaitForSingleObject(log.closed, 5000), WAIT_OBJECT_0);
        Sleep(100);
        ok_int(log.completions, err == ERROR_IO_PENDING ? 1 : 0);
        ok_int(log.after_closing, 0);
    }
    WinHttpCloseHandle(session);
    CloseHandle(log.closed);
}

/* A listener that never accepts: a PAC download from it waits until closed. */
static SOCKET silent_listener(WCHAR *url, size_t len)
{
    struct sockaddr_in addr = { AF_INET };
    int size = sizeof(addr);
    WSADATA wsa;
    SOCKET s;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((s = socket(AF_INET, SOCK_STREAM, 0)) == INVALID_SOCKET) return s;
    if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) || listen(s, 4) ||
        getsockname(s, (struct sockaddr *)&addr, &size))
    {
        closesocket(s);
        return INVALID_SOCKET;
    }
    swprintf(url, len, L"http://127.0.0.1:%u/proxy.pac", ntohs(addr.sin_port));
    return s;
}

struct busy_log
{
    HANDLE closed;
    LONG lookups, settings, after_closing;
    WINHTTP_ASYNC_RESULT error;
    BOOL closing_seen;
};

static void CALLBACK busy_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct busy_log *log = (struct busy_log *)context;

    if (!log || status == WINHTTP_CALLBACK_STATUS_HANDLE_CREATED) return;
    if (log->closing_seen) InterlockedIncrement(&log->after_closing);
    if (status == WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE) InterlockedIncrement(&log->settings);
    if (status == WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE) InterlockedIncrement(&log->lookups);
    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
    {
        log->error = *(WINHTTP_ASYNC_RESULT *)info;
        if (log->error.dwResult == API_GET_PROXY_SETTINGS) InterlockedIncrement(&log->settings);
        else InterlockedIncrement(&log->lookups);
    }
    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING)
    {
        log->closing_seen = TRUE;
        SetEvent(log->closed);
    }
}

/* Judgement: a resolver runs one operation at a time, a settings query as
   a lookup (the documented "one lookup at a time"), so the settings query
   is refused while a lookup runs and only the lookup completes. */
static void test_settings_ex_busy(void)
{
    HINTERNET session = open_session(WINHTTP_FLAG_ASYNC), resolver = NULL;
    struct busy_log log = { CreateEventW(NULL, TRUE, FALSE, NULL) };
    WINHTTP_AUTOPROXY_OPTIONS options = { WINHTTP_AUTOPROXY_CONFIG_URL };
    WINHTTP_PROXY_SETTINGS_EX ex;
    WCHAR url[64];
    SOCKET listener = silent_listener(url, ARRAY_SIZE(url));
    DWORD err;

    ok(listener != INVALID_SOCKET, "no listener: %d", WSAGetLastError());
    if (!session || listener == INVALID_SOCKET) goto done;
    err = WinHttpCreateProxyResolver(session, &resolver);
    ok_int(err, ERROR_SUCCESS);
    if (err) goto done;
    WinHttpSetStatusCallback(resolver, busy_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);

    options.lpszAutoConfigUrl = url;
    err = WinHttpGetProxyForUrlEx(resolver, L"http://www.example.com/", &options, (DWORD_PTR)&log);
    ok_int(err, ERROR_IO_PENDING);
    ok_int(WinHttpGetProxySettingsEx(resolver, WinHttpProxySettingsTypeWsl, NULL, (DWORD_PTR)&log),
           ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    memset(&ex, 0, sizeof(ex));
    ok_int(WinHttpGetProxySettingsResultEx(resolver, &ex), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);

    WinHttpCloseHandle(resolver);
    ok_int(WaitForSingleObject(log.closed, 5000), WAIT_OBJECT_0);
    Sleep(100);
    ok_int(log.lookups, err == ERROR_IO_PENDING ? 1 : 0);
    ok_int(log.settings, 0);
    ok(log.error.dwResult == API_GET_PROXY_FOR_URL && log.error.dwError == ERROR_WINHTTP_OPERATION_CANCELLED,
       "result %Iu error %lu", log.error.dwResult, log.error.dwError);
    ok_int(log.after_closing, 0);
done:
    if (listener != INVALID_SOCKET) closesocket(listener);
    if (session) WinHttpCloseHandle(session);
    CloseHandle(log.closed);
}

TEST_CASES(TEST(test_errors), TEST(test_round_trip), TEST(test_default_connection), TEST(test_notify_errors),
           TEST(test_notify_change), TEST(test_notify_unregister_inside), TEST(test_notify_unregister_waits),
           TEST(test_settings_ex), TEST(test_settings_ex_close), TEST(test_settings_ex_busy),
           TEST(test_per_user));

int main(int argc, char **argv)
{
    return settings_main(argc, argv, test_cases);
}
