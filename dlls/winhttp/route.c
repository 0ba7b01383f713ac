/* Routes (see route.h). */
#include "route.h"

BOOL route_copy(struct route *dst, const struct route *src)
{
    *dst = *src;
    dst->host = src->host ? strdupW(src->host) : NULL;
    dst->proxy = src->proxy ? strdupW(src->proxy) : NULL;
    if ((src->host && !dst->host) || (src->proxy && !dst->proxy))
    {
        route_free(dst);
        return FALSE;
    }
    return TRUE;
}

void route_free(struct route *route)
{
    heap_free(route->host);
    heap_free(route->proxy);
    memset(route, 0, sizeof(*route));
}

static BOOL same_host(const WCHAR *a, const WCHAR *b)
{
    if (!a || !b) return a == b;
    return !lstrcmpiW(a, b);
}

BOOL route_shares_connection(const struct route *a, const struct route *b)
{
    if (a->secure != b->secure || !same_host(a->proxy, b->proxy)) return FALSE;
    if (a->proxy && (a->proxy_port != b->proxy_port || route_tunnels(a) != route_tunnels(b))) return FALSE;
    /* a connection to a proxy speaking plain http serves every origin */
    if (route_absolute_form(a)) return TRUE;
    return a->port == b->port && same_host(a->host, b->host);
}
