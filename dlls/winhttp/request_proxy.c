/* Which way a request goes: direct, or through a proxy of its own
 * WINHTTP_OPTION_PROXY setting or else its session's, unless the bypass
 * list names the origin.  The lists are parsed by proxy_config.c. */
#include <stdio.h>
#include <wchar.h>

#include "request.h"
#include "proxy_config.h"
#include "autoproxy.h"

static const struct proxy_setting *request_proxy_setting(struct request *r)
{
    if (r->proxy_set) return &r->proxy;
    if (r->auto_proxy_found) return &r->auto_proxy;
    return &request_session(r)->proxy;
}

/* WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY with auto-detection or a PAC URL in
 * the user's settings: what the script says for this URL.  The session
 * caches the script, so only a session's first request downloads it; the
 * lookup blocks the thread that runs the send (an asynchronous request's
 * worker).  When it fails the static settings apply, as on Windows, and
 * no lookup is made again for AUTO_PROXY_RETRY_MS (a network without WPAD
 * must not pay a detection per request). */
#define AUTO_PROXY_RETRY_MS (5 * 60 * 1000)

static DWORD run_auto_proxy(struct session *session, const WCHAR *url, const WINHTTP_AUTOPROXY_OPTIONS *options,
                            WCHAR **answer)
{
    struct autoproxy_query *query = NULL;
    DWORD error;

    if (!(error = autoproxy_query_create(&session->obj, url, options, &query))) error = autoproxy_run(query, answer);
    autoproxy_query_free(query);
    return error;
}

static void find_auto_proxy(struct request *r)
{
    struct session *session = request_session(r);
    WINHTTP_AUTOPROXY_OPTIONS options = { 0 };
    WINHTTP_PROXY_INFO info = { 0 };
    WCHAR *url, *answer = NULL;
    DWORD error;

    r->auto_proxy_found = FALSE;
    if (r->proxy_set || session->access_type != WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY) return;
    if (!session->auto_detect && !session->auto_config_url) return;
    if (GetTickCount64() < session->auto_retry_at) return;
    if (session->auto_detect)
    {
        options.dwFlags |= WINHTTP_AUTOPROXY_AUTO_DETECT;
        options.dwAutoDetectFlags = WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A;
    }
    if (session->auto_config_url)
    {
        options.dwFlags |= WINHTTP_AUTOPROXY_CONFIG_URL;
        options.lpszAutoConfigUrl = session->auto_config_url;
    }
    if (!(url = request_url(r))) return;
    error = run_auto_proxy(session, url, &options, &answer);
    /* a PAC server that asks who we are: as documented, ask again with the
     * logged-on user's credentials */
    if (error == ERROR_WINHTTP_LOGIN_FAILURE)
    {
        options.fAutoLogonIfChallenged = TRUE;
        error = run_auto_proxy(session, url, &options, &answer);
    }
    if (!error) error = autoproxy_to_info(answer, &info);
    if (!error)
        r->auto_proxy_found = proxy_setting_set(&r->auto_proxy, info.dwAccessType, info.lpszProxy,
                                                info.lpszProxyBypass);
    else session->auto_retry_at = GetTickCount64() + AUTO_PROXY_RETRY_MS;     /* a racing write is as good */
    TRACE("%s: automatic proxy %lu, %s\n", debugstr_w(url), error, debugstr_w(info.lpszProxy));
    GlobalFree(info.lpszProxy);
    GlobalFree(info.lpszProxyBypass);
    heap_free(answer);
    heap_free(url);
}

static enum proxy_scheme scheme_of(const struct route *route)
{
    return route->secure ? PROXY_SCHEME_HTTPS : PROXY_SCHEME_HTTP;
}

/* The index-th proxy for the route's origin, or none (direct). */
static DWORD choose_proxy(const struct proxy_setting *setting, size_t index, struct route *route)
{
    const WCHAR *host = route->host;
    struct proxy_entry entry;

    heap_free(route->proxy);
    route->proxy = NULL;
    route->proxy_port = 0;
    if (setting->access_type != WINHTTP_ACCESS_TYPE_NAMED_PROXY || !setting->proxy) return ERROR_SUCCESS;
    if (setting->bypass && proxy_bypass_match((const wchar16 *)setting->bypass, lstrlenW(setting->bypass),
                                              (const wchar16 *)host, lstrlenW(host),
                                              route->port, scheme_of(route)))
    {
        TRACE("%s bypasses the proxy\n", debugstr_w(host));
        return ERROR_SUCCESS;
    }
    if (!proxy_list_get((const wchar16 *)setting->proxy, lstrlenW(setting->proxy), scheme_of(route), index,
                        &entry))
        return index ? ERROR_NO_MORE_ITEMS : ERROR_SUCCESS;
    if (!(route->proxy = strndupW((const WCHAR *)entry.host, entry.host_len))) return ERROR_OUTOFMEMORY;
    route->proxy_port = entry.port;
    TRACE("%s:%u through proxy %s:%u\n", debugstr_w(host), route->port, debugstr_w(route->proxy),
          route->proxy_port);
    return ERROR_SUCCESS;
}

DWORD request_route(struct request *r, struct route *route)
{
    struct route next = { 0 };
    DWORD error;

    next.port = request_target_port(r);
    next.secure = r->target_secure;
    if (!(next.host = strdupW(request_target_host(r)))) return ERROR_OUTOFMEMORY;
    r->proxy_index = 0;
    find_auto_proxy(r);
    if ((error = choose_proxy(request_proxy_setting(r), 0, &next)))
    {
        route_free(&next);
        return error;
    }
    route_free(route);
    *route = next;
    return ERROR_SUCCESS;
}

BOOL request_next_proxy(struct request *r, struct route *route)
{
    if (choose_proxy(request_proxy_setting(r), r->proxy_index + 1, route) || !route->proxy) return FALSE;
    r->proxy_index++;
    return TRUE;
}

BOOL request_is_intranet(struct request *r)
{
    const struct proxy_setting *setting = request_proxy_setting(r);
    const WCHAR *host = request_target_host(r);

    return setting->bypass && proxy_bypass_match((const wchar16 *)setting->bypass, lstrlenW(setting->bypass),
                                                 (const wchar16 *)host, lstrlenW(host), request_target_port(r),
                                                 r->target_secure ? PROXY_SCHEME_HTTPS : PROXY_SCHEME_HTTP);
}

WCHAR *request_origin(struct request *r)
{
    const struct route *route = &r->route;
    BOOL bracket = wcschr(route->host, ':') && route->host[0] != '[';
    size_t length = lstrlenW(route->host) + 32;
    WCHAR port[8] = L"", *origin;

    if (route->port != (route->secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT))
        swprintf(port, ARRAY_SIZE(port), L":%u", route->port);
    if (!(origin = heap_alloc(length * sizeof(WCHAR)))) return NULL;
    swprintf(origin, length, L"%ls://%ls%ls%ls%ls", route->secure ? L"https" : L"http", bracket ? L"[" : L"",
             route->host, bracket ? L"]" : L"", port);
    return origin;
}
