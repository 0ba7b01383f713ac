/* The proxy settings kept in the registry: WinHTTP's default configuration
 * (WinHttpGet/SetDefaultProxyConfiguration over the WinHttpSettings value,
 * the one netsh winhttp and Wine's builtin use, so all of them share one
 * setting) and the current user's Internet Explorer settings
 * (WinHttpGetIEProxyConfigForCurrentUser).  The binary values are read and
 * written by proxy_blob.c; under Wine an unset default comes from the
 * http_proxy family of environment variables (proxy_env.c). */
#include "winhttp_private.h"
#include "proxy_config.h"
#include "proxy_settings.h"

_Static_assert(sizeof(WCHAR) == sizeof(wchar16), "WCHAR is UTF-16");

static const WCHAR internet_settings_key[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
static const WCHAR connections_key[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections";
static const WCHAR winhttp_settings_value[] = L"WinHttpSettings";

/* One machine-wide setting for both arches: a 32-bit process reads and
   writes the 64-bit view, as native WinHTTP does (the flag means nothing
   on a 32-bit system). */
#define SETTINGS_VIEW KEY_WOW64_64KEY

BOOL proxy_running_under_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version");
}

/* ---- strings ---------------------------------------------------------------- */

WCHAR *proxy_global_copy(const WCHAR *str)
{
    SIZE_T size;
    WCHAR *copy;

    if (!str) return NULL;
    size = (lstrlenW(str) + 1) * sizeof(WCHAR);
    if ((copy = GlobalAlloc(GMEM_FIXED, size))) memcpy(copy, str, size);
    return copy;
}

/* Copies src into the caller's *dst with GlobalAlloc; FALSE when out of memory. */
static BOOL hand_over(const WCHAR *src, WCHAR **dst)
{
    *dst = proxy_global_copy(src);
    return !src || *dst;
}

WCHAR *proxy_blob_widen(const struct proxy_blob_string *s, BOOL *oom)
{
    WCHAR *out;
    int len;

    if (!s->len || s->len > 0x7fffffff) return NULL;
    len = MultiByteToWideChar(CP_ACP, 0, (const char *)s->data, (int)s->len, NULL, 0);
    if (!(out = heap_alloc((len + 1) * sizeof(WCHAR))))
    {
        *oom = TRUE;
        return NULL;
    }
    MultiByteToWideChar(CP_ACP, 0, (const char *)s->data, (int)s->len, out, len);
    out[len] = 0;
    return out;
}

BOOL proxy_is_ascii(const WCHAR *str)
{
    for (; str && *str; str++)
        if (*str >= 0x80) return FALSE;
    return TRUE;
}

/* ---- registry --------------------------------------------------------------- */

BYTE *proxy_read_binary(HKEY key, const WCHAR *name, DWORD *size)
{
    DWORD type, len = 0;
    BYTE *data;

    if (RegQueryValueExW(key, name, NULL, &type, NULL, &len) || type != REG_BINARY) return NULL;
    if (!(data = heap_alloc(len ? len : 1))) return NULL;
    if (RegQueryValueExW(key, name, NULL, &type, data, &len) || type != REG_BINARY)
    {
        heap_free(data);
        return NULL;
    }
    *size = len;
    return data;
}

static BYTE *read_binary_at(HKEY root, const WCHAR *path, REGSAM view, const WCHAR *name, DWORD *size)
{
    HKEY key;
    BYTE *data;

    if (RegOpenKeyExW(root, path, 0, KEY_QUERY_VALUE | view, &key)) return NULL;
    data = proxy_read_binary(key, name, size);
    RegCloseKey(key);
    return data;
}

/* A string value (REG_SZ or REG_EXPAND_SZ, not expanded) as a heap string;
   NULL when absent or empty. */
static WCHAR *read_string(HKEY key, const WCHAR *name)
{
    DWORD size = 0;
    WCHAR *str;

    if (RegGetValueW(key, NULL, name, RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, NULL, NULL, &size))
        return NULL;
    if (size <= sizeof(WCHAR) || !(str = heap_alloc(size))) return NULL;
    if (RegGetValueW(key, NULL, name, RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, NULL, str, &size) ||
        !str[0])
    {
        heap_free(str);
        return NULL;
    }
    return str;
}

static DWORD read_dword(HKEY key, const WCHAR *name)
{
    DWORD value = 0, size = sizeof(value);

    if (RegGetValueW(key, NULL, name, RRF_RT_DWORD, NULL, &value, &size)) return 0;
    return value;
}

/* ---- the default configuration ------------------------------------------------- */

static WCHAR *getenv_heap(const WCHAR *name, size_t *len)
{
    DWORD size = GetEnvironmentVariableW(name, NULL, 0), got;
    WCHAR *value;

    *len = 0;
    if (!size || !(value = heap_alloc(size * sizeof(WCHAR)))) return NULL;
    got = GetEnvironmentVariableW(name, value, size);
    if (!got || got >= size)
    {
        heap_free(value);
        return NULL;
    }
    *len = got;
    return value;
}

/* The lists proxy_env.c makes of the variables, as heap strings; NULL when
   empty.  The values themselves may carry a password: never trace them. */
static WCHAR *env_proxy_list(const WCHAR *http, size_t http_len, const WCHAR *https, size_t https_len, BOOL *oom)
{
    size_t len = proxy_env_list(http, http_len, https, https_len, NULL, 0);
    WCHAR *out;

    if (!len) return NULL;
    if (!(out = heap_alloc((len + 1) * sizeof(WCHAR))))
    {
        *oom = TRUE;
        return NULL;
    }
    proxy_env_list(http, http_len, https, https_len, out, len + 1);
    return out;
}

static WCHAR *env_bypass_list(const WCHAR *no_proxy, size_t no_proxy_len, BOOL *oom)
{
    size_t len = proxy_env_bypass(no_proxy, no_proxy_len, NULL, 0);
    WCHAR *out;

    if (!len) return NULL;
    if (!(out = heap_alloc((len + 1) * sizeof(WCHAR))))
    {
        *oom = TRUE;
        return NULL;
    }
    proxy_env_bypass(no_proxy, no_proxy_len, out, len + 1);
    return out;
}

static DWORD default_from_environment(DWORD *access_type, WCHAR **proxy, WCHAR **bypass)
{
    size_t http_len, https_len, no_proxy_len;
    WCHAR *http = getenv_heap(L"http_proxy", &http_len), *https = getenv_heap(L"https_proxy", &https_len);
    WCHAR *no_proxy = getenv_heap(L"no_proxy", &no_proxy_len);
    BOOL oom = FALSE;

    *proxy = env_proxy_list(http, http_len, https, https_len, &oom);
    if (*proxy) *bypass = env_bypass_list(no_proxy, no_proxy_len, &oom);
    heap_free(http);
    heap_free(https);
    heap_free(no_proxy);
    if (oom)
    {
        heap_free(*proxy);
        heap_free(*bypass);
        *proxy = *bypass = NULL;
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (*proxy) *access_type = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
    TRACE("from the environment: %s, bypass %s\n", debugstr_w(*proxy), debugstr_w(*bypass));
    return ERROR_SUCCESS;
}

static DWORD default_from_blob(const BYTE *data, DWORD size, DWORD *access_type, WCHAR **proxy, WCHAR **bypass)
{
    struct proxy_blob blob;
    BOOL oom = FALSE;

    if (!proxy_blob_decode(data, size, PROXY_BLOB_WINHTTP, &blob))
    {
        WARN("malformed WinHttpSettings value (%lu bytes): no proxy\n", size);
        return ERROR_SUCCESS;
    }
    if (!(blob.flags & PROXY_BLOB_NAMED) || !blob.proxy.len) return ERROR_SUCCESS;
    *proxy = proxy_blob_widen(&blob.proxy, &oom);
    *bypass = proxy_blob_widen(&blob.bypass, &oom);
    if (oom)
    {
        heap_free(*proxy);
        heap_free(*bypass);
        *proxy = *bypass = NULL;
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    *access_type = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
    return ERROR_SUCCESS;
}

DWORD proxy_default_config(DWORD *access_type, WCHAR **proxy, WCHAR **bypass)
{
    DWORD size = 0, err;
    BYTE *data;

    *access_type = WINHTTP_ACCESS_TYPE_NO_PROXY;
    *proxy = *bypass = NULL;
    data = read_binary_at(HKEY_LOCAL_MACHINE, connections_key, SETTINGS_VIEW, winhttp_settings_value, &size);
    if (!data) return proxy_running_under_wine() ? default_from_environment(access_type, proxy, bypass)
                                                 : ERROR_SUCCESS;
    err = default_from_blob(data, size, access_type, proxy, bypass);
    heap_free(data);
    return err;
}

BOOL WINAPI WinHttpGetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *info)
{
    WCHAR *proxy, *bypass, *global_proxy = NULL, *global_bypass = NULL;
    DWORD access_type, err;

    TRACE("%p\n", info);

    if (!info) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    err = proxy_default_config(&access_type, &proxy, &bypass);
    if (!err && (!hand_over(proxy, &global_proxy) || !hand_over(bypass, &global_bypass)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    heap_free(proxy);
    heap_free(bypass);
    if (err)
    {
        GlobalFree(global_proxy);
        return FAIL(err, FALSE);
    }
    info->dwAccessType = access_type;
    info->lpszProxy = global_proxy;
    info->lpszProxyBypass = global_bypass;
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

/* The 8-bit copy of an ASCII string that a blob holds. */
static struct proxy_blob_string blob_string(const WCHAR *str, char *buffer)
{
    struct proxy_blob_string s = { (const uint8_t *)buffer, 0 };

    for (; str && *str; str++) buffer[s.len++] = (char)*str;
    return s;
}

/* The new value, keeping the old one's version, counter and trailing data.
   The counter is not advanced: Wine's builtin ignores a value whose counter
   is not 0, and nothing reads it for WinHTTP. */
static BYTE *build_settings(HKEY key, const WINHTTP_PROXY_INFO *info, DWORD *size)
{
    BOOL named = info->dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY;
    struct proxy_blob old, blob = { PROXY_BLOB_VERSION_WINHTTP, 0, PROXY_BLOB_DIRECT };
    DWORD old_size = 0;
    BYTE *old_data = proxy_read_binary(key, winhttp_settings_value, &old_size), *data = NULL;
    char *strings = NULL;

    if (old_data && proxy_blob_decode(old_data, old_size, PROXY_BLOB_WINHTTP, &old))
    {
        blob.version = old.version;
        blob.counter = old.counter;
        blob.trailer = old.trailer;
    }
    if (named)
    {
        size_t proxy_len = lstrlenW(info->lpszProxy);
        size_t bypass_len = info->lpszProxyBypass ? lstrlenW(info->lpszProxyBypass) : 0;

        if (!(strings = heap_alloc(proxy_len + bypass_len + 1))) goto done;
        blob.flags |= PROXY_BLOB_NAMED;
        blob.proxy = blob_string(info->lpszProxy, strings);
        blob.bypass = blob_string(info->lpszProxyBypass, strings + proxy_len);
    }
    *size = proxy_blob_encode(&blob, PROXY_BLOB_WINHTTP, NULL, 0);
    if (*size && (data = heap_alloc(*size))) proxy_blob_encode(&blob, PROXY_BLOB_WINHTTP, data, *size);
done:
    heap_free(strings);
    heap_free(old_data);
    return data;
}

static DWORD write_settings(const WINHTTP_PROXY_INFO *info)
{
    HKEY key;
    BYTE *data;
    DWORD size, err;

    err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, connections_key, 0, NULL, 0,
                          KEY_QUERY_VALUE | KEY_SET_VALUE | SETTINGS_VIEW, NULL, &key, NULL);
    if (err) return err;
    if ((data = build_settings(key, info, &size)))
        err = RegSetValueExW(key, winhttp_settings_value, 0, REG_BINARY, data, size);
    else err = ERROR_NOT_ENOUGH_MEMORY;
    heap_free(data);
    RegCloseKey(key);
    return err;
}

BOOL WINAPI WinHttpSetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *info)
{
    DWORD err;

    TRACE("%p\n", info);

    if (!info) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    TRACE("access type %lu, proxy %s, bypass %s\n", info->dwAccessType, debugstr_w(info->lpszProxy),
          debugstr_w(info->lpszProxyBypass));
    switch (info->dwAccessType)
    {
    case WINHTTP_ACCESS_TYPE_NO_PROXY:
    case WINHTTP_ACCESS_TYPE_DEFAULT_PROXY:
        break;   /* direct: any strings given are not kept, as native */
    case WINHTTP_ACCESS_TYPE_NAMED_PROXY:
        /* the value holds 8-bit strings: native refuses other characters */
        if (!info->lpszProxy || !info->lpszProxy[0] || !proxy_is_ascii(info->lpszProxy) ||
            !proxy_is_ascii(info->lpszProxyBypass))
            return FAIL(ERROR_INVALID_PARAMETER, FALSE);
        break;
    default:
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    }
    if ((err = write_settings(info)))
    {
        WARN("cannot write WinHttpSettings: %lu\n", err);
        return FAIL(err, FALSE);
    }
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

/* ---- the current user's Internet Explorer settings ------------------------------ */

/* "Automatically detect settings", from DefaultConnectionSettings; on when
   nothing says otherwise, as a new Windows profile has it. */
static BOOL ie_auto_detect(void)
{
    struct proxy_blob blob;
    DWORD size = 0;
    BYTE *data = read_binary_at(HKEY_CURRENT_USER, connections_key, 0, L"DefaultConnectionSettings", &size);
    BOOL on = TRUE;

    if (data && proxy_blob_decode(data, size, PROXY_BLOB_IE, &blob)) on = !!(blob.flags & PROXY_BLOB_AUTO_DETECT);
    else if (data) WARN("malformed DefaultConnectionSettings (%lu bytes)\n", size);
    heap_free(data);
    return on;
}

BOOL WINAPI WinHttpGetIEProxyConfigForCurrentUser(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG *config)
{
    WCHAR *proxy = NULL, *bypass = NULL, *url = NULL;
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG result = { 0 };
    HKEY key;
    BOOL ok;

    TRACE("%p\n", config);

    if (!config) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!RegOpenKeyExW(HKEY_CURRENT_USER, internet_settings_key, 0, KEY_QUERY_VALUE, &key))
    {
        /* the bypass list means something only with the proxy */
        if (read_dword(key, L"ProxyEnable") && (proxy = read_string(key, L"ProxyServer")))
            bypass = read_string(key, L"ProxyOverride");
        url = read_string(key, L"AutoConfigURL");
        RegCloseKey(key);
    }
    result.fAutoDetect = ie_auto_detect();
    ok = hand_over(proxy, &result.lpszProxy) && hand_over(bypass, &result.lpszProxyBypass) &&
         hand_over(url, &result.lpszAutoConfigUrl);
    heap_free(proxy);
    heap_free(bypass);
    heap_free(url);
    if (!ok)
    {
        GlobalFree(result.lpszProxy);
        GlobalFree(result.lpszProxyBypass);
        GlobalFree(result.lpszAutoConfigUrl);
        return FAIL(ERROR_NOT_ENOUGH_MEMORY, FALSE);
    }
    TRACE("auto-detect %d, auto-config URL %s, proxy %s, bypass %s\n", result.fAutoDetect,
          debugstr_w(result.lpszAutoConfigUrl), debugstr_w(result.lpszProxy), debugstr_w(result.lpszProxyBypass));
    *config = result;
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}
