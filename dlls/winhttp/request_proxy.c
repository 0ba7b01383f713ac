/* Which way a request goes: direct, or through a proxy of its own
 * WINHTTP_OPTION_PROXY setting or else its session's, unless the bypass
 * list names the origin.  The lists are parsed by proxy_config.c. */
#include <stdio.h>
#include <wchar.h>

#include "request.h"
#include "proxy_config.h"

static const struct proxy_setting *request_proxy_setting(struct request *r)
{
    if (r->proxy_set) return &r->proxy;
    if (r->auto_proxy_found) return &r->auto_proxy;
    return &request_session(r)->proxy;
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

    r->proxy_index = 0;
    /* asynchronous: ERROR_IO_PENDING while a PAC lookup runs on the pool */
    if ((error = request_find_auto_proxy(r))) return error;
    next.port = request_target_port(r);
    next.secure = r->target_secure;
    next.tunnel = r->upgrade;
    next.source = r->obj.settings.source_address;
    /* WINHTTP_OPTION_NETWORK_INTERFACE_AFFINITY: bound to the interface's
     * address, unless SOURCE_ADDRESS names one */
    if (!next.source.ss_family) next.source = r->obj.settings.interface_address;
    if (!(next.host = strdupW(request_target_host(r)))) return ERROR_OUTOFMEMORY;
    if (r->resolution_host && !(next.resolve_as = strdupW(r->resolution_host)))
    {
        route_free(&next);
        return ERROR_OUTOFMEMORY;
    }
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
