/* Routes (see route.h). */
#include "route.h"

BOOL route_copy(struct route *dst, const struct route *src)
{
    *dst = *src;
    dst->host = src->host ? strdupW(src->host) : NULL;
    dst->proxy = src->proxy ? strdupW(src->proxy) : NULL;
    dst->resolve_as = src->resolve_as ? strdupW(src->resolve_as) : NULL;
    if ((src->host && !dst->host) || (src->proxy && !dst->proxy) || (src->resolve_as && !dst->resolve_as))
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
    heap_free(route->resolve_as);
    memset(route, 0, sizeof(*route));
}

static BOOL same_host(const WCHAR *a, const WCHAR *b)
{
    if (!a || !b) return a == b;
    return !lstrcmpiW(a, b);
}

/* Both ends: a connection from one local address does not serve a
 * request that asked for another. */
static BOOL same_source(const SOCKADDR_STORAGE *a, const SOCKADDR_STORAGE *b)
{
    if (a->ss_family != b->ss_family) return FALSE;
    if (a->ss_family == AF_INET)
        return ((const SOCKADDR_IN *)a)->sin_addr.s_addr == ((const SOCKADDR_IN *)b)->sin_addr.s_addr;
    if (a->ss_family == AF_INET6)
        return !memcmp(&((const SOCKADDR_IN6 *)a)->sin6_addr, &((const SOCKADDR_IN6 *)b)->sin6_addr,
                       sizeof(IN6_ADDR));
    return TRUE;
}

BOOL route_shares_connection(const struct route *a, const struct route *b)
{
    if (a->secure != b->secure || !same_host(a->proxy, b->proxy) || !same_source(&a->source, &b->source))
        return FALSE;
    if (a->proxy && (a->proxy_port != b->proxy_port || route_tunnels(a) != route_tunnels(b))) return FALSE;
    /* a connection to a proxy speaking plain http serves every origin */
    if (route_absolute_form(a)) return TRUE;
    return a->port == b->port && same_host(a->host, b->host) &&
           (a->proxy || same_host(a->resolve_as, b->resolve_as));
}
