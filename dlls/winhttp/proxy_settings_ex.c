/* The per-connection proxy settings of Windows 8 and later:
 * WinHttpReadProxySettings, WinHttpWriteProxySettings,
 * WinHttpFreeProxySettings, WinHttpGetProxySettingsVersion and
 * WinHttpSetProxySettingsPerUser.
 *
 * The settings are IE's binary per-connection values under
 * ...\Internet Settings\Connections: DefaultConnectionSettings for the
 * default connection, a value named after a dial-up or VPN connection for
 * that one; proxy_blob.c reads and writes them.  The blob's change counter
 * is the settings' version.  Like the ProxySettingsPerUser policy, the
 * settings are the current user's (HKCU) unless that policy is 0, when they
 * are the machine's (HKLM, 64-bit view for both arches). */
#include "winhttp_private.h"
#include "proxy_config.h"
#include "proxy_settings_ex.h"

static const WCHAR connections_key[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections";
static const WCHAR policy_key[] = L"Software\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
static const WCHAR default_connection[] = L"DefaultConnectionSettings";

#define KNOWN_FLAGS (WINHTTP_PROXY_TYPE_DIRECT | WINHTTP_PROXY_TYPE_PROXY | WINHTTP_PROXY_TYPE_AUTO_PROXY_URL | \
                     WINHTTP_PROXY_TYPE_AUTO_DETECT)

/* ---- where the settings live ------------------------------------------------------------ */

static BOOL settings_per_user(void)
{
    DWORD value = 1, size = sizeof(value);

    /* absent: per user, Windows' default */
    if (RegGetValueW(HKEY_LOCAL_MACHINE, policy_key, L"ProxySettingsPerUser", RRF_RT_DWORD | RRF_SUBKEY_WOW6464KEY,
                     NULL, &value, &size))
        return TRUE;
    return value != 0;
}

/* The Connections key of the current scope, opened with access. */
static DWORD open_connections(REGSAM access, BOOL create, HKEY *key)
{
    HKEY root = settings_per_user() ? HKEY_CURRENT_USER : HKEY_LOCAL_MACHINE;
    REGSAM view = root == HKEY_LOCAL_MACHINE ? KEY_WOW64_64KEY : 0;

    if (create) return RegCreateKeyExW(root, connections_key, 0, NULL, 0, access | view, NULL, key, NULL);
    return RegOpenKeyExW(root, connections_key, 0, access | view, key);
}

/* The decoded settings of a connection (NULL: the default one); the blob
   points into *data, which the caller frees.  FALSE when none are stored
   (or they are malformed, which reads as none). */
static BOOL load_blob(HKEY key, const WCHAR *connection, BYTE **data, struct proxy_blob *blob)
{
    const WCHAR *name = connection ? connection : default_connection;
    DWORD size = 0;

    if (!(*data = proxy_read_binary(key, name, &size))) return FALSE;
    if (proxy_blob_decode(*data, size, PROXY_BLOB_IE, blob)) return TRUE;
    WARN("malformed %s (%lu bytes): read as no settings\n", debugstr_w(name), size);
    heap_free(*data);
    *data = NULL;
    return FALSE;
}

DWORD proxy_settings_load(const WCHAR *connection, BYTE **data, struct proxy_blob *blob)
{
    HKEY key;
    BOOL found;

    *data = NULL;
    if (open_connections(KEY_QUERY_VALUE, FALSE, &key)) return ERROR_FILE_NOT_FOUND;
    found = load_blob(key, connection, data, blob);
    RegCloseKey(key);
    return found ? ERROR_SUCCESS : ERROR_FILE_NOT_FOUND;
}

/* ---- strings -------------------------------------------------------------------------- */

static WCHAR *copy_string(const WCHAR *str, BOOL *oom)
{
    size_t size;
    WCHAR *copy;

    if (!str) return NULL;
    size = (lstrlenW(str) + 1) * sizeof(WCHAR);
    if ((copy = heap_alloc(size))) memcpy(copy, str, size);
    else *oom = TRUE;
    return copy;
}

/* The 8-bit copy of an ASCII string, into buffer. */
static struct proxy_blob_string narrow(const WCHAR *str, char *buffer)
{
    struct proxy_blob_string s = { (const uint8_t *)buffer, 0 };

    for (; str && *str; str++) buffer[s.len++] = (char)*str;
    return s;
}

/* ---- WinHttpReadProxySettings ------------------------------------------------------------------ */

static DWORD fill_settings(const struct proxy_blob *blob, const WCHAR *connection, WINHTTP_PROXY_SETTINGS *settings)
{
    BOOL oom = FALSE;

    settings->dwFlags = blob->flags;
    settings->dwCurrentSettingsVersion = blob->counter;
    settings->pwszConnectionName = copy_string(connection, &oom);
    settings->pwszProxy = proxy_blob_widen(&blob->proxy, &oom);
    settings->pwszProxyBypass = proxy_blob_widen(&blob->bypass, &oom);
    settings->pwszAutoconfigUrl = proxy_blob_widen(&blob->auto_config_url, &oom);
    if (!oom) return ERROR_SUCCESS;
    WinHttpFreeProxySettings(settings);
    return ERROR_NOT_ENOUGH_MEMORY;
}

/* What a connection with nothing stored gets: go direct. */
static void default_settings(BOOL set_autodiscover, WINHTTP_PROXY_SETTINGS *settings)
{
    settings->dwFlags = WINHTTP_PROXY_TYPE_DIRECT;
    if (set_autodiscover) settings->dwFlags |= WINHTTP_PROXY_TYPE_AUTO_DETECT;
}

static DWORD read_settings(const WCHAR *connection, BOOL fallback, BOOL set_autodiscover, BOOL *defaults,
                           WINHTTP_PROXY_SETTINGS *settings)
{
    struct proxy_blob blob;
    BYTE *data;
    DWORD err;

    *defaults = FALSE;
    if (!proxy_settings_load(connection, &data, &blob)) err = fill_settings(&blob, connection, settings);
    else if (connection && fallback && !proxy_settings_load(NULL, &data, &blob))
        err = fill_settings(&blob, NULL, settings);     /* the default connection's, named as such */
    else
    {
        BOOL oom = FALSE;

        *defaults = TRUE;
        default_settings(set_autodiscover, settings);
        settings->pwszConnectionName = copy_string(connection, &oom);
        err = oom ? ERROR_NOT_ENOUGH_MEMORY : ERROR_SUCCESS;
    }
    heap_free(data);
    return err;
}

static DWORD check_session(HINTERNET session)
{
    struct object *obj = handle_ref_typed(session, TYPE_BIT(OBJECT_SESSION));

    if (!obj) return GetLastError();
    object_release(obj);
    return ERROR_SUCCESS;
}

DWORD WINAPI WinHttpReadProxySettings(HINTERNET session, PCWSTR connection, BOOL fallback_to_default,
                                      BOOL set_autodiscover, DWORD *version, BOOL *defaults_returned,
                                      WINHTTP_PROXY_SETTINGS *settings)
{
    BOOL defaults;
    DWORD err;

    TRACE("%p, %s, %d, %d, %p, %p, %p\n", session, debugstr_w(connection), fallback_to_default, set_autodiscover,
          version, defaults_returned, settings);

    if ((err = check_session(session))) return FAIL(err, err);
    if (!settings || settings->dwStructSize != sizeof(*settings) || (connection && !connection[0]))
        return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    memset(&settings->dwFlags, 0, sizeof(*settings) - offsetof(WINHTTP_PROXY_SETTINGS, dwFlags));
    if ((err = read_settings(connection, fallback_to_default, set_autodiscover, &defaults, settings)))
        return FAIL(err, err);
    TRACE("flags %#lx, version %lu, defaults %d, proxy %s, bypass %s, url %s\n", settings->dwFlags,
          settings->dwCurrentSettingsVersion, defaults, debugstr_w(settings->pwszProxy),
          debugstr_w(settings->pwszProxyBypass), debugstr_w(settings->pwszAutoconfigUrl));
    if (version) *version = settings->dwCurrentSettingsVersion;
    if (defaults_returned) *defaults_returned = defaults;
    SetLastError(ERROR_SUCCESS);
    return ERROR_SUCCESS;
}

VOID WINAPI WinHttpFreeProxySettings(WINHTTP_PROXY_SETTINGS *settings)
{
    TRACE("%p\n", settings);

    if (!settings) return;
    heap_free(settings->pwszConnectionName);
    heap_free(settings->pwszProxy);
    heap_free(settings->pwszProxyBypass);
    heap_free(settings->pwszAutoconfigUrl);
    heap_free(settings->pwszAutoconfigSecondaryUrl);
    heap_free(settings->pwszLastKnownGoodAutoConfigUrl);
    heap_free(settings->pdwDetectedInterfaceIp);
    heap_free(settings->pNetworkKeys);
    /* the size stays: the structure can be read into again */
    memset(&settings->dwFlags, 0, sizeof(*settings) - offsetof(WINHTTP_PROXY_SETTINGS, dwFlags));
}

/* ---- WinHttpWriteProxySettings ----------------------------------------------------------------- */

static BOOL valid_for_write(const WINHTTP_PROXY_SETTINGS *settings)
{
    if (!settings || settings->dwStructSize != sizeof(*settings)) return FALSE;
    if (settings->dwFlags & ~KNOWN_FLAGS) return FALSE;
    if (settings->pwszConnectionName && !settings->pwszConnectionName[0]) return FALSE;
    /* the value holds 8-bit text */
    return proxy_is_ascii(settings->pwszProxy) && proxy_is_ascii(settings->pwszProxyBypass) &&
           proxy_is_ascii(settings->pwszAutoconfigUrl);
}

/* The new value: the caller's flags and strings, the old value's version
   and trailing bytes, the counter one up. */
static BYTE *build_blob(const WINHTTP_PROXY_SETTINGS *settings, const struct proxy_blob *old, char *strings,
                        DWORD *size)
{
    struct proxy_blob blob = { PROXY_BLOB_VERSION_IE, 1, settings->dwFlags };
    BYTE *data;

    if (old)
    {
        blob.version = old->version;
        blob.counter = old->counter + 1;
        blob.trailer = old->trailer;
    }
    blob.proxy = narrow(settings->pwszProxy, strings);
    blob.bypass = narrow(settings->pwszProxyBypass, strings + blob.proxy.len);
    blob.auto_config_url = narrow(settings->pwszAutoconfigUrl, strings + blob.proxy.len + blob.bypass.len);
    *size = proxy_blob_encode(&blob, PROXY_BLOB_IE, NULL, 0);
    if (!*size || !(data = heap_alloc(*size))) return NULL;
    proxy_blob_encode(&blob, PROXY_BLOB_IE, data, *size);
    return data;
}

static size_t length(const WCHAR *str)
{
    return str ? lstrlenW(str) : 0;
}

static DWORD write_settings(HKEY key, BOOL force, const WINHTTP_PROXY_SETTINGS *settings)
{
    const WCHAR *name = settings->pwszConnectionName ? settings->pwszConnectionName : default_connection;
    struct proxy_blob old;
    BYTE *old_data, *data = NULL;
    BOOL found = load_blob(key, settings->pwszConnectionName, &old_data, &old);
    DWORD stored = found ? old.counter : 0, size, err;
    char *strings;

    if (!force && settings->dwCurrentSettingsVersion != stored)
    {
        /* changed since the caller read them */
        TRACE("version %lu, stored %lu\n", settings->dwCurrentSettingsVersion, stored);
        heap_free(old_data);
        return ERROR_REVISION_MISMATCH;
    }
    strings = heap_alloc(length(settings->pwszProxy) + length(settings->pwszProxyBypass) +
                         length(settings->pwszAutoconfigUrl) + 1);
    if (strings) data = build_blob(settings, found ? &old : NULL, strings, &size);
    err = data ? RegSetValueExW(key, name, 0, REG_BINARY, data, size) : ERROR_NOT_ENOUGH_MEMORY;
    heap_free(data);
    heap_free(strings);
    heap_free(old_data);
    return err;
}

DWORD WINAPI WinHttpWriteProxySettings(HINTERNET session, BOOL force, WINHTTP_PROXY_SETTINGS *settings)
{
    HKEY key;
    DWORD err;

    TRACE("%p, %d, %p\n", session, force, settings);

    if ((err = check_session(session))) return FAIL(err, err);
    if (!valid_for_write(settings)) return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    TRACE("%s: flags %#lx, version %lu, proxy %s, bypass %s, url %s\n", debugstr_w(settings->pwszConnectionName),
          settings->dwFlags, settings->dwCurrentSettingsVersion, debugstr_w(settings->pwszProxy),
          debugstr_w(settings->pwszProxyBypass), debugstr_w(settings->pwszAutoconfigUrl));
    if ((err = open_connections(KEY_QUERY_VALUE | KEY_SET_VALUE, TRUE, &key))) return FAIL(err, err);
    err = write_settings(key, force, settings);
    RegCloseKey(key);
    if (err) WARN("not written: %lu\n", err);
    return FAIL(err, err);
}

/* ---- versions and scope ------------------------------------------------------------------------ */

DWORD WINAPI WinHttpGetProxySettingsVersion(HINTERNET session, DWORD *version)
{
    struct proxy_blob blob;
    BYTE *data;
    DWORD err;

    TRACE("%p, %p\n", session, version);

    if ((err = check_session(session))) return FAIL(err, err);
    if (!version) return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    *version = proxy_settings_load(NULL, &data, &blob) ? 0 : blob.counter;
    heap_free(data);
    SetLastError(ERROR_SUCCESS);
    return ERROR_SUCCESS;
}

DWORD WINAPI WinHttpSetProxySettingsPerUser(BOOL per_user)
{
    DWORD value = !!per_user;
    HKEY key;
    LONG err;

    TRACE("%d\n", per_user);

    /* the policy value itself: machine-wide, so it needs an administrator */
    err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, policy_key, 0, NULL, 0, KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key,
                          NULL);
    if (!err)
    {
        err = RegSetValueExW(key, L"ProxySettingsPerUser", 0, REG_DWORD, (const BYTE *)&value, sizeof(value));
        RegCloseKey(key);
    }
    if (err) WARN("cannot set the policy: %ld\n", err);
    return FAIL(err, err);
}
