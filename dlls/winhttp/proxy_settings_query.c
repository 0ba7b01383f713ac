/* WinHttpGetProxySettingsEx, WinHttpGetProxySettingsResultEx and
 * WinHttpFreeProxySettingsEx: the proxy settings a WSL or WSA guest should
 * use, asked for on a resolver handle and delivered asynchronously.
 *
 * The settings are the default connection's (proxy_settings_ex.c): the
 * HTTP and HTTPS proxies of its list as "http://host:port", its bypass list
 * as an array, its auto-config URL, its change counter as the generation.
 * The query is an operation of the resolver (resolver.h): one at a time
 * with its lookups, the read on the process's thread pool, completing on
 * the resolver's queue with GETPROXYSETTINGS_COMPLETE, or REQUEST_ERROR
 * (API_GET_PROXY_SETTINGS) when it failed or the resolver was closed
 * meanwhile.  The result stays in the resolver until the next one. */
#include "resolver.h"
#include "proxy_split.h"
#include "proxy_settings_ex.h"

/* ---- WINHTTP_PROXY_SETTINGS_EX ------------------------------------------------------------ */

static WCHAR *copy_n(const WCHAR *str, size_t len, BOOL *oom)
{
    WCHAR *copy;

    if (!str) return NULL;
    if (!(copy = heap_alloc((len + 1) * sizeof(WCHAR))))
    {
        *oom = TRUE;
        return NULL;
    }
    memcpy(copy, str, len * sizeof(WCHAR));
    copy[len] = 0;
    return copy;
}

static WCHAR *copy_str(const WCHAR *str, BOOL *oom)
{
    return str ? copy_n(str, lstrlenW(str), oom) : NULL;
}

static void free_ex(WINHTTP_PROXY_SETTINGS_EX *ex)
{
    for (DWORD i = 0; ex->rgpcwszProxyBypasses && i < ex->cProxyBypasses; i++)
        heap_free((WCHAR *)ex->rgpcwszProxyBypasses[i]);
    heap_free((WCHAR **)ex->rgpcwszProxyBypasses);
    heap_free((WCHAR *)ex->pcwszAutoconfigUrl);
    heap_free((WCHAR *)ex->pcwszProxy);
    heap_free((WCHAR *)ex->pcwszSecureProxy);
    heap_free((WCHAR *)ex->pcwszConnectionName);
    memset(ex, 0, sizeof(*ex));
}

static BOOL copy_bypasses(const WINHTTP_PROXY_SETTINGS_EX *src, WINHTTP_PROXY_SETTINGS_EX *dst, BOOL *oom)
{
    PCWSTR *array;

    if (!src->cProxyBypasses) return TRUE;
    if (!(array = heap_alloc_zero(src->cProxyBypasses * sizeof(*array)))) return !(*oom = TRUE);
    dst->rgpcwszProxyBypasses = array;
    dst->cProxyBypasses = src->cProxyBypasses;
    for (DWORD i = 0; i < src->cProxyBypasses; i++) array[i] = copy_str(src->rgpcwszProxyBypasses[i], oom);
    return !*oom;
}

/* A deep copy for the caller, freed by WinHttpFreeProxySettingsEx. */
static DWORD copy_ex(const WINHTTP_PROXY_SETTINGS_EX *src, WINHTTP_PROXY_SETTINGS_EX *dst)
{
    BOOL oom = FALSE;

    *dst = *src;
    dst->pcwszAutoconfigUrl = copy_str(src->pcwszAutoconfigUrl, &oom);
    dst->pcwszProxy = copy_str(src->pcwszProxy, &oom);
    dst->pcwszSecureProxy = copy_str(src->pcwszSecureProxy, &oom);
    dst->pcwszConnectionName = copy_str(src->pcwszConnectionName, &oom);
    dst->cProxyBypasses = 0;
    dst->rgpcwszProxyBypasses = NULL;
    if (copy_bypasses(src, dst, &oom) && !oom) return ERROR_SUCCESS;
    free_ex(dst);
    return ERROR_NOT_ENOUGH_MEMORY;
}

/* ---- building the settings ------------------------------------------------------------------ */

/* The first proxy of the list for the scheme, as a URL; NULL when none. */
static WCHAR *proxy_url(const WCHAR *list, enum proxy_scheme scheme, BOOL *oom)
{
    struct proxy_entry entry;
    size_t len;
    WCHAR *url;

    if (!list || !proxy_list_get(list, lstrlenW(list), scheme, 0, &entry)) return NULL;
    len = proxy_entry_url(&entry, NULL, 0);
    if (!(url = heap_alloc((len + 1) * sizeof(WCHAR))))
    {
        *oom = TRUE;
        return NULL;
    }
    proxy_entry_url(&entry, url, len + 1);
    return url;
}

static void split_bypasses(const WCHAR *list, WINHTTP_PROXY_SETTINGS_EX *ex, BOOL *oom)
{
    size_t len = list ? lstrlenW(list) : 0, pos = 0, count = 0, entry_len;
    const wchar16 *entry;
    PCWSTR *array;

    if (!list) return;
    while (proxy_bypass_next(list, len, &pos, &entry, &entry_len)) count++;
    if (!count) return;
    if (!(array = heap_alloc_zero(count * sizeof(*array))))
    {
        *oom = TRUE;
        return;
    }
    ex->rgpcwszProxyBypasses = array;
    ex->cProxyBypasses = count;
    for (pos = 0, count = 0; proxy_bypass_next(list, len, &pos, &entry, &entry_len); count++)
        array[count] = copy_n(entry, entry_len, oom);
}

static DWORD build_ex(const WCHAR *connection, WINHTTP_PROXY_SETTINGS_EX *ex)
{
    struct proxy_blob blob;
    WCHAR *proxy = NULL, *bypass = NULL;
    BYTE *data;
    BOOL oom = FALSE;

    memset(ex, 0, sizeof(*ex));
    ex->ullFlags = WINHTTP_PROXY_TYPE_DIRECT;
    ex->pcwszConnectionName = copy_str(connection, &oom);
    if (!proxy_settings_load(connection, &data, &blob) ||
        (connection && !proxy_settings_load(NULL, &data, &blob)))
    {
        ex->ullGenerationId = blob.counter;
        ex->ullFlags = blob.flags;
        if (blob.flags & WINHTTP_PROXY_TYPE_AUTO_PROXY_URL)
            ex->pcwszAutoconfigUrl = proxy_blob_widen(&blob.auto_config_url, &oom);
        if (blob.flags & WINHTTP_PROXY_TYPE_PROXY)
        {
            proxy = proxy_blob_widen(&blob.proxy, &oom);
            bypass = proxy_blob_widen(&blob.bypass, &oom);
        }
    }
    heap_free(data);
    ex->pcwszProxy = proxy_url(proxy, PROXY_SCHEME_HTTP, &oom);
    ex->pcwszSecureProxy = proxy_url(proxy, PROXY_SCHEME_HTTPS, &oom);
    split_bypasses(bypass, ex, &oom);
    heap_free(proxy);
    heap_free(bypass);
    if (!oom) return ERROR_SUCCESS;
    free_ex(ex);
    return ERROR_NOT_ENOUGH_MEMORY;
}

/* ---- the query ------------------------------------------------------------------------------ */

/* The context is the caller's connection name (heap), or NULL. */
static DWORD settings_work(void *connection, void **result)
{
    WINHTTP_PROXY_SETTINGS_EX *ex;
    DWORD err;

    if (!(ex = heap_alloc(sizeof(*ex)))) return ERROR_NOT_ENOUGH_MEMORY;
    if ((err = build_ex(connection, ex)))
    {
        heap_free(ex);
        return err;
    }
    *result = ex;
    return ERROR_SUCCESS;
}

static void settings_free(void *result)
{
    free_ex(result);
    heap_free(result);
}

/* The read is short: a close completes the query at once without stopping it. */
static const struct resolver_op_funcs settings_funcs =
{
    RESOLVER_SETTINGS_RESULT, API_GET_PROXY_SETTINGS, WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE,
    settings_work, NULL, heap_free, settings_free,
};

static DWORD start_query(struct object *resolver, const WCHAR *connection, DWORD_PTR context)
{
    BOOL oom = FALSE;
    WCHAR *copy = copy_str(connection, &oom);

    if (oom) return ERROR_NOT_ENOUGH_MEMORY;
    return resolver_start(resolver, &settings_funcs, copy, context);
}

static DWORD read_copy(const void *result, void *out)
{
    return copy_ex(result, out);
}

static BOOL valid_type(WINHTTP_PROXY_SETTINGS_TYPE type)
{
    return type == WinHttpProxySettingsTypeWsl || type == WinHttpProxySettingsTypeWsa;
}

DWORD WINAPI WinHttpGetProxySettingsEx(HINTERNET handle, WINHTTP_PROXY_SETTINGS_TYPE type,
                                       PWINHTTP_PROXY_SETTINGS_PARAM param, DWORD_PTR context)
{
    struct object *resolver;
    const WCHAR *connection = NULL;
    DWORD err;

    TRACE("%p, %d, %p, %Ix\n", handle, type, param, context);

    if (!(resolver = handle_ref_typed(handle, TYPE_BIT(OBJECT_RESOLVER)))) return GetLastError();
    if (!valid_type(type)) err = ERROR_INVALID_PARAMETER;
    else
    {
        if (param)
        {
            TRACE("flags %#I64x, connection %s, probe host %s\n", param->ullFlags,
                  debugstr_w(param->pcwszConnectionName), debugstr_w(param->pcwszProbeHost));
            connection = param->pcwszConnectionName;
        }
        err = start_query(resolver, connection, context);
    }
    object_release(resolver);
    SetLastError(err);
    return err;
}

DWORD WINAPI WinHttpGetProxySettingsResultEx(HINTERNET handle, PVOID out)
{
    struct object *resolver;
    DWORD err;

    TRACE("%p, %p\n", handle, out);

    if (!(resolver = handle_ref_typed(handle, TYPE_BIT(OBJECT_RESOLVER)))) return GetLastError();
    err = out ? resolver_read(resolver, RESOLVER_SETTINGS_RESULT, read_copy, out) : ERROR_INVALID_PARAMETER;
    object_release(resolver);
    return FAIL(err, err);
}

DWORD WINAPI WinHttpFreeProxySettingsEx(WINHTTP_PROXY_SETTINGS_TYPE type, PVOID settings)
{
    TRACE("%d, %p\n", type, settings);

    if (!valid_type(type) || !settings) return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    free_ex(settings);
    SetLastError(ERROR_SUCCESS);
    return ERROR_SUCCESS;
}
