/* A connection to a server: its stream and its read buffer.
 *
 * Every operation is resumable in the way of stream.h: on an asynchronous
 * connection it may return ERROR_IO_PENDING, and once the stream's
 * completion has called the owner back, calling it again with the same
 * arguments finishes it.  On a synchronous connection it blocks instead.
 */
#ifndef WINHTTP_CONNECTION_H
#define WINHTTP_CONNECTION_H

#include "winhttp_private.h"
#include "stream.h"
#include "tls.h"
#include "resolve.h"
#include "route.h"
#include "http.h"

/* The buffer starts small (thousands of connections may be in flight) and
 * doubles while a body arrives faster than it is read, so that large
 * transfers read the socket in large blocks whatever the caller's read
 * size: under Wine every socket call is a round trip to wineserver. */
#define CONNECTION_BUFFER_MIN (16 * 1024)
#define CONNECTION_BUFFER_MAX (1024 * 1024)

enum connect_phase
{
    CONNECT_RESOLVE,
    CONNECT_NEXT_ADDRESS,
    CONNECT_WAIT,
    CONNECT_TUNNEL,         /* https through a proxy: CONNECT, then the proxy's reply */
    CONNECT_TUNNEL_REPLY,
    CONNECT_HANDSHAKE,      /* https: TLS over the connected socket (or tunnel) */
    CONNECT_DONE,
};

/* Who a connection-based scheme (NTLM, Negotiate) logged in on a
 * connection, for the server and for the proxy: the server and the proxy
 * take every later request on it as that user's, so the pool hands it only
 * to a request that would log in as the same one.  Each is an identity
 * (auth_identity: the user name and a hash of the password, or L"" for the
 * logged-on user's default credentials), or NULL: nobody. */
struct logon
{
    WCHAR *server;
    WCHAR *proxy;
};

struct connection
{
    struct connection *next;        /* in the pool's idle list */
    struct connection *live_next, **live_link;  /* among the process's live connections */
    struct stream *stream;          /* the top of the stack in use: TLS over the socket, or the socket */
    struct stream *socket;          /* the bottom, where completions come from */
    struct stream *tls;             /* https: TLS over the socket, owning it; NULL for http */
    struct route route;
    struct http_buf tunnel_request; /* route_tunnels(): the CONNECT request to send */
    BOOL tunnel_refused;            /* the proxy answered CONNECT with 407 (or, with keep_refusal,
                                       any status but 2xx): its reply is in the buffer */
    BOOL tunnel_keep_refusal;       /* WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE of the request */
    ULONGLONG idle_since;           /* GetTickCount64 when pooled */
    WCHAR address[64];              /* the peer, as CONNECTED_TO_SERVER reports it */
    SOCKADDR_STORAGE local_address, remote_address;     /* WINHTTP_OPTION_CONNECTION_INFO */
    PCCERT_CONTEXT server_cert;     /* https: what the server presented */
    PCCERT_CHAIN_CONTEXT server_chain;  /* https: its chain, as CryptoAPI built it */
    struct trust_key trust;         /* https: connection_trust_key() it was accepted under */
    struct logon logon;             /* who NTLM or Negotiate logged in on it */
    int cipher_bits;
    struct tls_summary tls_summary; /* https: what was negotiated (WINHTTP_OPTION_SECURITY_INFO) */
    struct tls_issuers *issuers;    /* https: the CAs of a CertificateRequest that stopped the handshake */
    char *buffer;                   /* received, not yet consumed: [start, end) */
    size_t start, end, capacity;
    size_t capacity_max;            /* the most one receive reads, and the buffer grows to */
    unsigned int requests;          /* requests sent on this connection */
    GUID guid;                      /* WINHTTP_OPTION_CONNECTION_GUID: its own, or the mark set on it */
    BOOL marked;                    /* an application set the GUID (WINHTTP_OPTION_MATCH_CONNECTION_GUID) */
    ULONGLONG times[WinHttpRequestTimeLast];    /* connecting steps, QueryPerformanceCounter values */
    DWORD connect_failures;         /* addresses that did not answer */

    BOOL offer_h2;                  /* https: ALPN offers h2 (set before connecting) */
    BOOL h2;                        /* the handshake chose h2: the connection is for a link (h2_link.c) */
    enum connect_phase phase;       /* connecting */
    BOOL async;
    SRWLOCK lookup_lock;            /* guards lookup and cancelled against connection_cancel */
    struct lookup *lookup;          /* name resolution in progress */
    BOOL cancelled;
    ADDRINFOEXW *addresses;
    struct connect_attempt *attempts;   /* the addresses in the order they are tried */
    size_t attempt_count, attempt_next;
    const struct connect_attempt *attempt;  /* the one being tried */
};

/* One address to try, within its own timeout (0: the connect timeout). */
struct connect_attempt
{
    const ADDRINFOEXW *address;
    int timeout;
};

/* WINHTTP_OPTION_IPV6_FAST_FALLBACK's first try of an IPv6 address, when
 * IPv4 ones were resolved too (documented: 300 ms). */
#define IPV6_FAST_FALLBACK_TIMEOUT 300

/* What WINHTTP_OPTION_MATCH_CONNECTION_GUID asks of a pooled connection:
 * one marked with guid, or (unless require_marked) one marked with none. */
struct connection_match
{
    BOOL active;
    BOOL require_marked;
    GUID guid;
};

/* A connection along the route, not connected yet.  A route that tunnels
 * takes the CONNECT request to send (the caller's head, whole), or fails. */
DWORD connection_create(const struct route *route, const struct http_buf *tunnel_request, BOOL async,
                        struct connection **out);
/* Resolves the peer and connects to the first address that answers, each
 * within obj's timeouts, notifying RESOLVING_NAME .. CONNECTED_TO_SERVER;
 * through a proxy, for https, the CONNECT tunnel: a 2xx opens it, a 407 is
 * kept as the response to read (tunnel_refused; ERROR_SUCCESS and no TLS),
 * another status fails with ERROR_WINHTTP_CANNOT_CONNECT unless
 * tunnel_keep_refusal keeps it as the 407 is kept; then, for https,
 * the TLS handshake with the origin, whose certificate problems the
 * SECURE_FAILURE callback reports. */
DWORD connection_connect(struct connection *conn, struct object *obj);
void connection_close(struct connection *conn);

/* WINHTTP_OPTION_CONNECTION_GUID's mark. */
void connection_mark(struct connection *conn, const GUID *guid);
/* Calls fn for every connection of the process, idle, in use or being
 * made (WinHttpQueryConnectionGroup), with none made or closed meanwhile. */
void connection_for_each(void (*fn)(const struct connection *conn, void *context), void *context);

/* A pooled connection taken by a request of the other mode. */
void connection_set_async(struct connection *conn, BOOL async);
/* Where an asynchronous connection's completions go. */
void connection_bind(struct connection *conn, void (*on_complete)(void *context), void *context);
/* For a full-duplex owner (a WebSocket): receives and sends resume
 * separately, and may be in flight at the same time. */
void connection_bind_duplex(struct connection *conn, void (*on_receive)(void *context),
                            void (*on_send)(void *context), void *context);
/* From any thread: fail what is in flight with ERROR_WINHTTP_OPERATION_CANCELLED. */
void connection_cancel(struct connection *conn);

DWORD connection_send(struct connection *conn, const void *data, size_t size, int timeout);
/* Receives more bytes into the buffer; *received is 0 when the server
 * closed the connection. */
DWORD connection_fill(struct connection *conn, int timeout, size_t *received);
/* Receives straight into the caller's buffer (large reads skip the copy). */
DWORD connection_recv(struct connection *conn, void *buffer, size_t size, int timeout, size_t *received);
/* Whether an idle connection can carry another request. */
BOOL connection_reusable(struct connection *conn);
/* Going idle: the buffer shrinks back. */
void connection_idle(struct connection *conn);

/* Whether a request that would log in as want (its fields NULL for
 * nobody) may use the connection: nobody logged in on it for a target, or
 * the same user. */
BOOL connection_logon_fits(const struct connection *conn, const struct logon *want);
/* NTLM or Negotiate logged in as identity on the connection for the
 * server, or for the proxy; NULL: nobody (a server that challenges again
 * keeps no logon per connection). */
void connection_set_logon(struct connection *conn, BOOL proxy, const WCHAR *identity);

/* Whether the bytes go through TLS (a refused tunnel's reply does not). */
static inline BOOL connection_secure(const struct connection *conn) { return conn->stream != conn->socket; }

/* The CertGetCertificateChain flags the TLS options ask for: the
 * WINHTTP_SERVER_CERT_CHAIN_* bits are CryptoAPI's CERT_CHAIN_* values;
 * SERVER_CERT_CHAIN_BUILD_CACHE_ONLY means fetching nothing, certificates or
 * revocation; DISABLE_CERT_CHAIN_BUILDING no retrieval of missing
 * certificates (the chain is still built and checked: see option.c). */
static inline DWORD connection_chain_flags(const struct settings *settings)
{
    DWORD flags = settings->chain_build_flags;

    if (settings->chain_cache_only) flags |= CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL | CERT_CHAIN_REVOCATION_CHECK_CACHE_ONLY;
    if (settings->no_chain_building) flags |= CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL | CERT_CHAIN_DISABLE_AIA;
    return flags;
}

/* The trust_key of a connection for these settings; all zeros for http. */
static inline struct trust_key connection_trust_key(const struct settings *settings, BOOL secure)
{
    struct trust_key key = { 0 };

    if (!secure) return key;
    key.flags = settings->security_flags | (settings->no_client_cert ? TRUST_NO_CLIENT_CERT : 0);
    memcpy(key.client_cert, settings->client_cert_hash, sizeof(key.client_cert));
    key.chain_flags = connection_chain_flags(settings);
    key.ignore_offline = !!settings->ignore_rev_offline;
    return key;
}

static inline size_t connection_buffered(const struct connection *conn) { return conn->end - conn->start; }

/* ---- the CONNECT tunnel (tunnel.c), steps of connection_connect ---------------------- */

/* Sends conn->tunnel_request on the socket; resumable. */
DWORD tunnel_send(struct connection *conn, int timeout);
/* Reads the proxy's reply head into the buffer and judges it; resumable. */
DWORD tunnel_reply(struct connection *conn, int timeout);
/* The CONNECT request for a route that tunnels (appended to head), with a
 * Proxy-Authorization value when credentials is not NULL. */
DWORD tunnel_build_request(struct http_buf *head, const struct route *route, const WCHAR *agent,
                           const char *credentials);
/* A connection whose tunnel the proxy refused with 407, kept open for a
 * connection-based proxy handshake: the next connection_connect sends
 * request (taken over: *request is left empty) as the next CONNECT. */
void tunnel_retry(struct connection *conn, struct http_buf *request);
/* "host:port" (brackets around an IPv6 address) in UTF-8: what CONNECT names. */
DWORD tunnel_authority(const struct route *route, char *out, size_t size);

#endif
