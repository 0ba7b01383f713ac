/* Where a connection goes: the origin it speaks for, and the peer it
 * connects to, which is either the origin itself or a proxy.
 *
 * Plain http through a proxy sends each request in absolute form, so one
 * connection to the proxy may carry requests for any origin; https through
 * a proxy tunnels (CONNECT) to one origin, and TLS then runs end to end.
 * The pool, the per-server connection slots and TLS session resumption
 * are keyed by the route, so a connection is only reused for the same way
 * to the same place.
 */
#ifndef WINHTTP_ROUTE_H
#define WINHTTP_ROUTE_H

#include "winhttp_private.h"

struct route
{
    WCHAR *host;                /* the origin, as the application named it */
    INTERNET_PORT port;
    BOOL secure;
    WCHAR *proxy;               /* the proxy's host, or NULL: direct */
    INTERNET_PORT proxy_port;
    BOOL tunnel;                /* through a proxy, CONNECT for plain http too: a WebSocket's
                                   upgrade must reach the origin, not a forwarding proxy */
    WCHAR *resolve_as;          /* WINHTTP_OPTION_RESOLUTION_HOSTNAME: the name looked up for the
                                   origin instead of host (a proxy is looked up by its own), or NULL */
    SOCKADDR_STORAGE source;    /* WINHTTP_OPTION_SOURCE_ADDRESS: the local end; ss_family 0: any */
};

/* Copies of the strings; FALSE when out of memory (dst then empty). */
BOOL route_copy(struct route *dst, const struct route *src);
void route_free(struct route *route);

/* Whether a connection made for one route can serve the other. */
BOOL route_shares_connection(const struct route *a, const struct route *b);

/* The peer the socket connects to. */
static inline const WCHAR *route_peer_host(const struct route *r) { return r->proxy ? r->proxy : r->host; }
/* The name looked up for the peer. */
static inline const WCHAR *route_peer_lookup_name(const struct route *r)
{
    return r->proxy || !r->resolve_as ? route_peer_host(r) : r->resolve_as;
}
static inline INTERNET_PORT route_peer_port(const struct route *r) { return r->proxy ? r->proxy_port : r->port; }

/* https (or a WebSocket) through a proxy: a CONNECT tunnel (before TLS). */
static inline BOOL route_tunnels(const struct route *r) { return r->proxy && (r->secure || r->tunnel); }
/* http through a proxy: requests carry the origin in absolute form. */
static inline BOOL route_absolute_form(const struct route *r) { return r->proxy && !route_tunnels(r); }

#endif
