/* Auto-proxy lookups (autoproxy.h) and WinHttpGetProxyForUrl.
 *
 * A lookup finds the PAC script (auto-detection first when asked, then the
 * configured URL; each from the session's cache unless
 * WINHTTP_AUTOPROXY_NO_CACHE_CLIENT), runs it for the URL and host, and
 * turns its answer into what the API returns. */
#include "autoproxy.h"
#include "pac.h"
#include "proxy_config.h"

_Static_assert(sizeof(WCHAR) == sizeof(wchar16), "WCHAR is UTF-16");

/* Flags this DLL has nothing to do for: there is no out-of-process
   auto-proxy service, the system-settings flags concern
   WinHttpGetProxySettingsEx, and results keep the script's order. */
#define IGNORED_FLAGS (WINHTTP_AUTOPROXY_ALLOW_AUTOCONFIG | WINHTTP_AUTOPROXY_ALLOW_STATIC | \
    WINHTTP_AUTOPROXY_ALLOW_CM | WINHTTP_AUTOPROXY_USE_INTERFACE_CONFIG | WINHTTP_AUTOPROXY_RUN_INPROCESS | \
    WINHTTP_AUTOPROXY_RUN_OUTPROCESS_ONLY | WINHTTP_AUTOPROXY_NO_DIRECTACCESS | WINHTTP_AUTOPROXY_NO_CACHE_SVC | \
    WINHTTP_AUTOPROXY_SORT_RESULTS)

/* ---- the query ----------------------------------------------------------------------- */

static DWORD check_options(const WCHAR *url, const WINHTTP_AUTOPROXY_OPTIONS *options)
{
    if (!url || !*url || !options) return ERROR_INVALID_PARAMETER;
    if (!(options->dwFlags & (WINHTTP_AUTOPROXY_AUTO_DETECT | WINHTTP_AUTOPROXY_CONFIG_URL)))
        return ERROR_INVALID_PARAMETER;
    if ((options->dwFlags & WINHTTP_AUTOPROXY_AUTO_DETECT) &&
        !(options->dwAutoDetectFlags & (WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A)))
        return ERROR_INVALID_PARAMETER;
    if ((options->dwFlags & WINHTTP_AUTOPROXY_CONFIG_URL) &&
        (!options->lpszAutoConfigUrl || !*options->lpszAutoConfigUrl))
        return ERROR_INVALID_PARAMETER;
    if (options->lpvReserved || options->dwReserved) return ERROR_INVALID_PARAMETER;
    if (options->dwFlags & IGNORED_FLAGS) TRACE("ignoring flags %#lx\n", options->dwFlags & IGNORED_FLAGS);
    return ERROR_SUCCESS;
}

/* The URL must be one a request could be made for. */
static DWORD check_url(const WCHAR *url)
{
    URL_COMPONENTS uc = { sizeof(uc) };

    uc.dwHostNameLength = 1;
    if (!WinHttpCrackUrl(url, 0, 0, &uc)) return GetLastError();
    return uc.dwHostNameLength ? ERROR_SUCCESS : ERROR_WINHTTP_INVALID_URL;
}

DWORD autoproxy_query_create(struct object *session, const WCHAR *url, const WINHTTP_AUTOPROXY_OPTIONS *options,
                             struct autoproxy_query **out)
{
    struct autoproxy_query *query;
    DWORD err;

    if ((err = check_options(url, options)) || (err = check_url(url))) return err;
    if (!(query = heap_alloc_zero(sizeof(*query)))) return ERROR_NOT_ENOUGH_MEMORY;
    InitializeSRWLock(&query->lock);
    query->session = object_addref(session);
    query->flags = options->dwFlags;
    query->detect_flags = options->dwAutoDetectFlags;
    query->autologon = options->fAutoLogonIfChallenged;
    if (!(query->url = strdupW(url)) ||
        ((options->dwFlags & WINHTTP_AUTOPROXY_CONFIG_URL) && !(query->config_url = strdupW(options->lpszAutoConfigUrl))))
    {
        autoproxy_query_free(query);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    *out = query;
    return ERROR_SUCCESS;
}

void autoproxy_query_free(struct autoproxy_query *query)
{
    if (!query) return;
    object_release(query->session);
    heap_free(query->url);
    heap_free(query->config_url);
    heap_free(query);
}

void autoproxy_cancel(struct autoproxy_query *query)
{
    HINTERNET download;

    InterlockedExchange(&query->cancelled, 1);
    AcquireSRWLockExclusive(&query->lock);
    download = query->download;
    ReleaseSRWLockExclusive(&query->lock);
    if (download) WinHttpCloseHandle(download);
}

/* ---- what the script is given ---------------------------------------------------------- */

/* The host as the script sees it: no IPv6 brackets, lower case only when
   asked (WINHTTP_AUTOPROXY_HOST_KEEPCASE is the default). */
static WCHAR *script_host(const struct autoproxy_query *query)
{
    URL_COMPONENTS uc = { sizeof(uc) };
    const WCHAR *host;
    DWORD len;
    WCHAR *copy;

    uc.dwHostNameLength = 1;
    if (!WinHttpCrackUrl(query->url, 0, 0, &uc)) return NULL;
    host = uc.lpszHostName;
    len = uc.dwHostNameLength;
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
    {
        host++;
        len -= 2;
    }
    if ((copy = strndupW(host, len)) && (query->flags & WINHTTP_AUTOPROXY_HOST_LOWERCASE))
        for (WCHAR *p = copy; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p += 'a' - 'A';
    return copy;
}

/* The URL as the script sees it.  An https URL is cut to its origin,
   "https://host:port/": its path and query travel encrypted, and a PAC
   script (code from the network) must not learn them. */
static WCHAR *script_url(const struct autoproxy_query *query)
{
    URL_COMPONENTS uc = { sizeof(uc) };

    uc.dwUrlPathLength = 1;
    if (!WinHttpCrackUrl(query->url, 0, 0, &uc)) return NULL;
    if (uc.nScheme != INTERNET_SCHEME_HTTPS) return strdupW(query->url);
    return strndupW(query->url, uc.lpszUrlPath - query->url + (uc.dwUrlPathLength && *uc.lpszUrlPath == '/'));
}

/* ---- finding the script ------------------------------------------------------------------ */

static DWORD load_script(struct autoproxy_query *query, const WCHAR *pac_url, struct pac_cached **entry)
{
    BOOL use_cache = !(query->flags & WINHTTP_AUTOPROXY_NO_CACHE_CLIENT);
    struct pac_script *script;
    size_t len;
    char *text;
    DWORD err;

    if (use_cache && (*entry = pac_cache_find(query->session, pac_url)))
    {
        TRACE("cached script for %s\n", debugstr_w(pac_url));
        return ERROR_SUCCESS;
    }
    if ((err = pac_download(query, pac_url, &text, &len))) return err;
    err = pac_script_load(text, len, &script);
    heap_free(text);
    if (err) return err;
    if (!(*entry = pac_cache_add(query->session, pac_url, script, use_cache))) return ERROR_NOT_ENOUGH_MEMORY;
    return ERROR_SUCCESS;
}

/* WPAD: the URL detection finds (or found before), then its script. */
static DWORD load_detected(struct autoproxy_query *query, struct pac_cached **entry)
{
    BOOL use_cache = !(query->flags & WINHTTP_AUTOPROXY_NO_CACHE_CLIENT);
    WCHAR *found = NULL, *url = use_cache ? pac_cache_detected(query->session) : NULL;
    DWORD err;

    if (!url)
    {
        /* any failure of detection, whatever its reason, is the documented one */
        if (!WinHttpDetectAutoProxyConfigUrl(query->detect_flags, &found) || !found)
        {
            TRACE("detection failed: %lu\n", GetLastError());
            return ERROR_WINHTTP_AUTODETECTION_FAILED;
        }
        url = strdupW(found);
        GlobalFree(found);
        if (!url) return ERROR_NOT_ENOUGH_MEMORY;
        if (use_cache) pac_cache_set_detected(query->session, url);
    }
    err = load_script(query, url, entry);
    heap_free(url);
    return err;
}

DWORD autoproxy_run(struct autoproxy_query *query, WCHAR **answer)
{
    struct pac_cached *entry = NULL;
    WCHAR *url = NULL, *host = NULL;
    DWORD err = ERROR_WINHTTP_AUTODETECTION_FAILED;

    if (query->flags & WINHTTP_AUTOPROXY_AUTO_DETECT) err = load_detected(query, &entry);
    if (!entry && (query->flags & WINHTTP_AUTOPROXY_CONFIG_URL) && !query->cancelled)
        err = load_script(query, query->config_url, &entry);
    if (query->cancelled) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    if (err)
    {
        pac_cache_release(entry);
        return err;
    }
    if (!(url = script_url(query)) || !(host = script_host(query))) err = ERROR_NOT_ENOUGH_MEMORY;
    else err = pac_script_run(pac_cached_script(entry), url, host, &query->cancelled, answer);
    heap_free(url);
    heap_free(host);
    pac_cache_release(entry);
    return err;
}

/* ---- the answer ------------------------------------------------------------------------------ */

/* ":port" into out (8 characters); returns its length. */
static int format_port(WCHAR *out, unsigned int port)
{
    WCHAR digits[5];
    int n = 0, len = 0;

    do digits[n++] = '0' + port % 10;
    while ((port /= 10) && n < 5);
    out[len++] = ':';
    while (n) out[len++] = digits[--n];
    return len;
}

static BOOL is_blank(const WCHAR *text)
{
    while (*text == ' ' || *text == '\t' || *text == ';') text++;
    return !*text;
}

/* "host:port;host:port" of the PROXY and HTTP entries, into out (NULL:
   only count); returns the length without the NUL. */
static size_t proxy_list(const WCHAR *answer, WCHAR *out, BOOL *direct)
{
    size_t len = lstrlenW(answer), pos = 0, at = 0;
    struct pac_entry entry;

    *direct = FALSE;
    while (pac_result_next(answer, len, &pos, &entry))
    {
        WCHAR port[8];
        int port_len;

        if (entry.type == PAC_DIRECT) *direct = TRUE;
        if (entry.type != PAC_PROXY && entry.type != PAC_HTTP)
        {
            /* SOCKS: WinHTTP cannot use it; HTTPS (TLS to the proxy): neither */
            if (entry.type != PAC_DIRECT) TRACE("skipping entry of type %d\n", entry.type);
            continue;
        }
        port_len = format_port(port, entry.port);
        if (out)
        {
            if (at) out[at] = ';';
            memcpy(out + at + !!at, entry.host, entry.host_len * sizeof(WCHAR));
            memcpy(out + at + !!at + entry.host_len, port, port_len * sizeof(WCHAR));
        }
        at += !!at + entry.host_len + port_len;
    }
    if (out) out[at] = 0;
    return at;
}

DWORD autoproxy_to_info(const WCHAR *answer, WINHTTP_PROXY_INFO *info)
{
    BOOL direct;
    size_t len = proxy_list(answer, NULL, &direct);
    WCHAR *list;

    if (!len)
    {
        /* only DIRECT, or nothing at all: go direct; only entries WinHTTP
           cannot use, or none that parse: no proxy can be located */
        if (!direct && !is_blank(answer)) return ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR;
        info->dwAccessType = WINHTTP_ACCESS_TYPE_NO_PROXY;
        info->lpszProxy = info->lpszProxyBypass = NULL;
        return ERROR_SUCCESS;
    }
    if (!(list = GlobalAlloc(GMEM_FIXED, (len + 1) * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    proxy_list(answer, list, &direct);
    /* a DIRECT after the proxies has no place in WINHTTP_PROXY_INFO */
    info->dwAccessType = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
    info->lpszProxy = list;
    info->lpszProxyBypass = NULL;
    return ERROR_SUCCESS;
}

static INTERNET_SCHEME entry_scheme(enum pac_type type)
{
    switch (type)
    {
    case PAC_HTTPS: return INTERNET_SCHEME_HTTPS;
    case PAC_SOCKS: case PAC_SOCKS4: case PAC_SOCKS5: return INTERNET_SCHEME_SOCKS;
    default: return INTERNET_SCHEME_HTTP;
    }
}

/* Counts the valid entries and the characters of their hosts. */
static DWORD count_entries(const WCHAR *answer, size_t *chars)
{
    size_t len = lstrlenW(answer), pos = 0;
    struct pac_entry entry;
    DWORD count = 0;

    *chars = 0;
    while (pac_result_next(answer, len, &pos, &entry))
    {
        if (entry.type == PAC_INVALID) continue;
        count++;
        *chars += entry.host_len + 1;
    }
    return count;
}

DWORD autoproxy_to_entries(const WCHAR *answer, WINHTTP_PROXY_RESULT_ENTRY **out, DWORD *out_count)
{
    size_t len = lstrlenW(answer), pos = 0, chars;
    DWORD count = count_entries(answer, &chars), i = 0;
    WINHTTP_PROXY_RESULT_ENTRY *entries;
    struct pac_entry entry;
    WCHAR *text;

    if (!count && !is_blank(answer)) return ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR;
    if (!count) count = 1;      /* blank: one DIRECT */
    if (!(entries = heap_alloc_zero(count * sizeof(*entries) + chars * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    text = (WCHAR *)(entries + count);
    while (pac_result_next(answer, len, &pos, &entry))
    {
        if (entry.type == PAC_INVALID) continue;
        if (entry.type != PAC_DIRECT)
        {
            entries[i].fProxy = TRUE;
            entries[i].ProxyScheme = entry_scheme(entry.type);
            entries[i].pwszProxy = text;
            entries[i].ProxyPort = entry.port;
            memcpy(text, entry.host, entry.host_len * sizeof(WCHAR));
            text += entry.host_len;
            *text++ = 0;
        }
        i++;
    }
    *out = entries;
    *out_count = count;
    return ERROR_SUCCESS;
}

/* ---- WinHttpGetProxyForUrl --------------------------------------------------------------------- */

BOOL WINAPI WinHttpGetProxyForUrl(HINTERNET session, LPCWSTR url, WINHTTP_AUTOPROXY_OPTIONS *options,
                                  WINHTTP_PROXY_INFO *info)
{
    struct autoproxy_query *query = NULL;
    struct object *obj;
    WCHAR *answer = NULL;
    DWORD err;

    TRACE("%p, %s, %p, %p\n", session, debugstr_w(url), options, info);

    if (!(obj = handle_ref_typed(session, TYPE_BIT(OBJECT_SESSION)))) return FALSE;
    if (!info) err = ERROR_INVALID_PARAMETER;
    else if (!(err = autoproxy_query_create(obj, url, options, &query)) && !(err = autoproxy_run(query, &answer)))
        err = autoproxy_to_info(answer, info);
    heap_free(answer);
    autoproxy_query_free(query);
    object_release(obj);
    if (err) return FAIL(err, FALSE);
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}
