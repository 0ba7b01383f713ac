/* Connections: resolve, connect to each address in turn, and the read
 * buffer over the stream (see connection.h). */
#include <stdio.h>

#include "connection.h"

/* Connection GUIDs: one random GUID drawn per process, and a counter in
 * its first field, so that each connection gets its own without a call
 * into the system per connection. */
static INIT_ONCE guid_once = INIT_ONCE_STATIC_INIT;
static GUID guid_base;
static LONG guid_counter;

static BOOL CALLBACK init_guid_base(INIT_ONCE *once, void *param, void **context)
{
    if (FAILED(CoCreateGuid(&guid_base))) guid_base.Data1 = GetCurrentProcessId();
    return TRUE;
}

static void new_guid(GUID *guid)
{
    InitOnceExecuteOnce(&guid_once, init_guid_base, NULL, NULL);
    *guid = guid_base;
    guid->Data1 += (DWORD)InterlockedIncrement(&guid_counter);
}

static void note_time(struct connection *conn, WINHTTP_REQUEST_TIME_ENTRY entry)
{
    LARGE_INTEGER now;

    QueryPerformanceCounter(&now);
    conn->times[entry] = now.QuadPart;
}

/* ---- the process's live connections ------------------------------------------------- */

static SRWLOCK live_lock = SRWLOCK_INIT;
static struct connection *live_list;

static void live_add(struct connection *conn)
{
    AcquireSRWLockExclusive(&live_lock);
    if ((conn->live_next = live_list)) live_list->live_link = &conn->live_next;
    conn->live_link = &live_list;
    live_list = conn;
    ReleaseSRWLockExclusive(&live_lock);
}

static void live_remove(struct connection *conn)
{
    if (!conn->live_link) return;
    AcquireSRWLockExclusive(&live_lock);
    if ((*conn->live_link = conn->live_next)) conn->live_next->live_link = conn->live_link;
    ReleaseSRWLockExclusive(&live_lock);
}

void connection_mark(struct connection *conn, const GUID *guid)
{
    AcquireSRWLockExclusive(&live_lock);
    conn->guid = *guid;
    conn->marked = TRUE;
    ReleaseSRWLockExclusive(&live_lock);
}

void connection_for_each(void (*fn)(const struct connection *conn, void *context), void *context)
{
    AcquireSRWLockShared(&live_lock);
    for (struct connection *conn = live_list; conn; conn = conn->live_next) fn(conn, context);
    ReleaseSRWLockShared(&live_lock);
}

DWORD connection_create(const struct route *route, const struct http_buf *tunnel_request, BOOL async,
                        struct connection **out)
{
    struct connection *conn;
    DWORD error;

    if (!(conn = heap_alloc_zero(sizeof(*conn)))) return ERROR_OUTOFMEMORY;
    conn->async = async;
    conn->capacity = CONNECTION_BUFFER_MIN;
    conn->capacity_max = CONNECTION_BUFFER_MAX;
    new_guid(&conn->guid);
    http_buf_init(&conn->tunnel_request);
    if (!route_copy(&conn->route, route) || !(conn->buffer = heap_alloc(conn->capacity)) ||
        (route_tunnels(route) &&
         http_buf_append(&conn->tunnel_request, tunnel_request->data, tunnel_request->len) != HTTP_DONE))
    {
        connection_close(conn);
        return ERROR_OUTOFMEMORY;
    }
    if ((error = socket_stream_create(async, &conn->socket)))
    {
        connection_close(conn);
        return error;
    }
    conn->stream = conn->socket;
    if (route->secure && (error = tls_stream_create(conn->socket, &conn->tls)))
    {
        connection_close(conn);
        return error;
    }
    if (conn->tls) conn->stream = conn->tls;
    live_add(conn);
    *out = conn;
    return ERROR_SUCCESS;
}

void connection_close(struct connection *conn)
{
    if (!conn) return;
    live_remove(conn);
    stream_destroy(conn->tls ? conn->tls : conn->socket);   /* a TLS stream destroys the socket below it */
    if (conn->server_cert) CertFreeCertificateContext(conn->server_cert);
    if (conn->server_chain) CertFreeCertificateChain(conn->server_chain);
    heap_free(conn->issuers);
    heap_free(conn->logon.server);
    heap_free(conn->logon.proxy);
    if (conn->lookup)
    {
        ADDRINFOEXW *late;
        lookup_finish(conn->lookup, &late);
        if (late) FreeAddrInfoExW(late);
    }
    if (conn->addresses) FreeAddrInfoExW(conn->addresses);
    heap_free(conn->attempts);
    http_buf_free(&conn->tunnel_request);
    heap_free(conn->buffer);
    route_free(&conn->route);
    heap_free(conn);
}

void connection_set_async(struct connection *conn, BOOL async)
{
    conn->async = async;
    socket_stream_set_async(conn->socket, async);
}

void connection_bind(struct connection *conn, void (*on_complete)(void *context), void *context)
{
    conn->socket->on_complete = conn->socket->on_send_complete = on_complete;
    conn->socket->on_complete_context = conn->socket->on_send_complete_context = context;
}

void connection_bind_duplex(struct connection *conn, void (*on_receive)(void *context),
                            void (*on_send)(void *context), void *context)
{
    conn->socket->on_complete = on_receive;
    conn->socket->on_send_complete = on_send;
    conn->socket->on_complete_context = conn->socket->on_send_complete_context = context;
    if (conn->tls) tls_stream_duplex(conn->tls);
}

void connection_cancel(struct connection *conn)
{
    AcquireSRWLockExclusive(&conn->lookup_lock);
    conn->cancelled = TRUE;
    if (conn->lookup) lookup_cancel(conn->lookup);
    ReleaseSRWLockExclusive(&conn->lookup_lock);
    stream_cancel(conn->tls ? conn->tls : conn->socket);
}

/* ---- connecting ------------------------------------------------------------------ */

static void format_address(const struct sockaddr *addr, int addr_len, WCHAR *out, DWORD size)
{
    /* the callback wants the bare address, without the port */
    char host[64];
    if (getnameinfo(addr, addr_len, host, sizeof(host), NULL, 0, NI_NUMERICHOST)) host[0] = 0;
    MultiByteToWideChar(CP_ACP, 0, host, -1, out, size);
}

static void notify_string(struct object *obj, DWORD status, const WCHAR *text)
{
    notify(obj, status, (void *)text, (lstrlenW(text) + 1) * sizeof(WCHAR));
}

/* The host as the resolver and the callbacks want it: "[::1]" names an
 * IPv6 literal. */
static const WCHAR *bare_host(const WCHAR *host, WCHAR *name, size_t size)
{
    size_t length = lstrlenW(host);

    if (host[0] != '[' || length <= 2 || host[length - 1] != ']' || length - 2 >= size) return host;
    memcpy(name, host + 1, (length - 2) * sizeof(WCHAR));
    name[length - 2] = 0;
    return name;
}

static const ADDRINFOEXW *next_address(const ADDRINFOEXW *ai)
{
    return (const ADDRINFOEXW *)ai->ai_next;    /* MinGW names the link type differently */
}

static const ADDRINFOEXW *first_of_family(const ADDRINFOEXW *ai, int family)
{
    for (; ai; ai = next_address(ai))
        if (ai->ai_family == family) return ai;
    return NULL;
}

/* The order the addresses are tried in: as resolved, each within the
 * connect timeout; with WINHTTP_OPTION_IPV6_FAST_FALLBACK and both
 * families resolved, as documented: the first IPv6 address within 300 ms,
 * the first IPv4 one, the first IPv6 one again, then the others. */
static DWORD plan_attempts(struct connection *conn, BOOL fast_fallback)
{
    const ADDRINFOEXW *ai, *v6 = first_of_family(conn->addresses, AF_INET6);
    const ADDRINFOEXW *v4 = first_of_family(conn->addresses, AF_INET);
    size_t count = 0, n = 0;

    for (ai = conn->addresses; ai; ai = next_address(ai)) count++;
    if (!(fast_fallback && v6 && v4)) v6 = v4 = NULL;
    if (!(conn->attempts = heap_alloc_zero((count + 1) * sizeof(*conn->attempts)))) return ERROR_OUTOFMEMORY;
    if (v6)
    {
        TRACE("IPv6 fast fallback\n");
        conn->attempts[n].address = v6;
        conn->attempts[n++].timeout = IPV6_FAST_FALLBACK_TIMEOUT;
        conn->attempts[n++].address = v4;
        conn->attempts[n++].address = v6;
    }
    for (ai = conn->addresses; ai; ai = next_address(ai))
        if (ai != v6 && ai != v4) conn->attempts[n++].address = ai;
    conn->attempt_count = n;
    conn->attempt_next = 0;
    return ERROR_SUCCESS;
}

/* After the lookup: NAME_RESOLVED, and the addresses to try. */
static DWORD resolved(struct connection *conn, struct object *obj, const WCHAR *host, DWORD error)
{
    TRACE("%s: %lu\n", debugstr_w(host), error);
    note_time(conn, WinHttpNameResolutionEnd);
    if (error) return error;
    notify_string(obj, WINHTTP_CALLBACK_STATUS_NAME_RESOLVED, host);
    return plan_attempts(conn, !!obj->settings.ipv6_fast_fallback);
}

/* RESOLVING_NAME, the lookup (resumable: a name is looked up without
 * holding a thread of an asynchronous request), NAME_RESOLVED. */
static DWORD resolve(struct connection *conn, struct object *obj)
{
    WCHAR name[256];
    const WCHAR *host = bare_host(route_peer_lookup_name(&conn->route), name, ARRAY_SIZE(name));
    struct lookup *lookup;
    DWORD error;

    if (!conn->lookup)
    {
        notify_string(obj, WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, host);
        note_time(conn, WinHttpNameResolutionStart);
        AcquireSRWLockExclusive(&conn->lookup_lock);
        error = conn->cancelled ? ERROR_WINHTTP_OPERATION_CANCELLED
                                : lookup_start(host, route_peer_port(&conn->route), conn->async, obj->settings.resolve_timeout,
                                               conn->socket->on_complete, conn->socket->on_complete_context,
                                               &conn->lookup, &conn->addresses);
        ReleaseSRWLockExclusive(&conn->lookup_lock);
        if (error != ERROR_IO_PENDING) return resolved(conn, obj, host, error);
        if (conn->async) return error;
        lookup_wait(conn->lookup);
    }
    else if (!lookup_done(conn->lookup)) return ERROR_IO_PENDING;
    AcquireSRWLockExclusive(&conn->lookup_lock);
    lookup = conn->lookup;
    conn->lookup = NULL;
    ReleaseSRWLockExclusive(&conn->lookup_lock);
    return resolved(conn, obj, host, lookup_finish(lookup, &conn->addresses));
}

static DWORD handshake(struct connection *conn, struct object *obj)
{
    struct tls_config config;
    DWORD error, failure;

    /* with the origin, end to end, whatever the route */
    config.host = conn->route.host;
    config.port = conn->route.port;
    config.proxy = conn->route.proxy;
    config.proxy_port = conn->route.proxy_port;
    config.protocols = obj->settings.secure_protocols;
    config.security_flags = obj->settings.security_flags;
    conn->trust = connection_trust_key(&obj->settings, TRUE);
    if (!conn->times[WinHttpTlsHandshakeClientLeg1Start]) note_time(conn, WinHttpTlsHandshakeClientLeg1Start);
    config.check_revocation = !!(obj->settings.enabled_features & WINHTTP_ENABLE_SSL_REVOCATION);
    config.trust = conn->trust;
    config.client_cert = obj->settings.client_cert;
    config.timeout = obj->settings.receive_timeout;
    config.offer_h2 = conn->offer_h2;
    config.chain_flags = conn->trust.chain_flags;
    config.ignore_revocation_offline = conn->trust.ignore_offline;
    config.revert_impersonation = obj->settings.revert_impersonation ||
                                  (obj->settings.enabled_features & WINHTTP_ENABLE_SSL_REVERT_IMPERSONATION);
    error = tls_stream_handshake(conn->tls, &config, &failure);
    if (error == ERROR_IO_PENDING) return error;
    /* one handshake, not legs: its whole span is reported as the first leg */
    note_time(conn, WinHttpTlsHandshakeClientLeg1End);
    if (failure)
    {
        TRACE("certificate problems %#lx: %lu\n", failure, error);
        notify(obj, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, &failure, sizeof(failure));
    }
    /* for WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST (request_note_connect_stats) */
    if (error == ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED)
    {
        heap_free(conn->issuers);
        conn->issuers = tls_stream_take_issuers(conn->tls);
    }
    if (error) return error;
    conn->server_cert = tls_stream_server_cert(conn->tls);
    conn->server_chain = tls_stream_server_chain(conn->tls);
    conn->cipher_bits = tls_stream_cipher_bits(conn->tls);
    tls_stream_summary(conn->tls, &conn->tls_summary);
    conn->h2 = conn->offer_h2 && tls_stream_h2(conn->tls);
    return ERROR_SUCCESS;
}

/* The connection options of the request's settings, for a new socket. */
static void socket_config(const struct connection *conn, const struct settings *settings,
                          struct socket_config *config)
{
    config->source = conn->route.source.ss_family ? &conn->route.source : NULL;
    config->keepalive = !!settings->tcp_keepalive;
    config->keepalive_time = settings->tcp_keepalive_time;
    config->keepalive_interval = settings->tcp_keepalive_interval;
    config->fast_open = !!settings->tcp_fast_open;
    config->dscp = (int)settings->dscp_tag - 1;
    config->priority_hint = (int)settings->tcp_priority_hint - 1;
}

DWORD connection_connect(struct connection *conn, struct object *obj)
{
    const ADDRINFOEXW *ai;
    struct socket_config config;
    DWORD error = ERROR_WINHTTP_CANNOT_CONNECT;

    for (;;)
    {
        switch (conn->phase)
        {
        case CONNECT_RESOLVE:
            if ((error = resolve(conn, obj))) return error;
            conn->phase = CONNECT_NEXT_ADDRESS;
            break;

        case CONNECT_NEXT_ADDRESS:   /* every address in turn */
            if (conn->attempt_next >= conn->attempt_count) return error;
            conn->attempt = &conn->attempts[conn->attempt_next++];
            ai = conn->attempt->address;
            format_address(ai->ai_addr, (int)ai->ai_addrlen, conn->address, ARRAY_SIZE(conn->address));
            notify_string(obj, WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, conn->address);
            note_time(conn, WinHttpConnectionEstablishmentStart);
            conn->phase = CONNECT_WAIT;
            break;

        case CONNECT_WAIT:
            ai = conn->attempt->address;
            socket_config(conn, &obj->settings, &config);
            error = socket_stream_connect(conn->socket, ai->ai_addr, (int)ai->ai_addrlen,
                                          conn->attempt->timeout ? conn->attempt->timeout
                                                                 : obj->settings.connect_timeout, &config);
            if (error == ERROR_IO_PENDING || error == ERROR_WINHTTP_OPERATION_CANCELLED) return error;
            if (error)
            {
                TRACE("connect to %s failed: %lu\n", debugstr_w(conn->address), error);
                conn->connect_failures++;
                socket_stream_reset(conn->socket);
                conn->phase = CONNECT_NEXT_ADDRESS;
                break;
            }
            note_time(conn, WinHttpConnectionEstablishmentEnd);
            socket_stream_addresses(conn->socket, &conn->local_address, &conn->remote_address);
            FreeAddrInfoExW(conn->addresses);
            heap_free(conn->attempts);
            conn->addresses = NULL;
            conn->attempts = NULL;
            conn->attempt = NULL;
            conn->attempt_count = conn->attempt_next = 0;
            if (route_tunnels(&conn->route)) conn->phase = CONNECT_TUNNEL;
            else conn->phase = conn->route.secure ? CONNECT_HANDSHAKE : CONNECT_DONE;
            notify_string(obj, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, conn->address);
            break;

        case CONNECT_TUNNEL:
            if (!conn->times[WinHttpProxyTunnelStart]) note_time(conn, WinHttpProxyTunnelStart);
            if ((error = tunnel_send(conn, obj->settings.send_timeout))) return error;
            conn->phase = CONNECT_TUNNEL_REPLY;
            break;

        case CONNECT_TUNNEL_REPLY:
            if ((error = tunnel_reply(conn, obj->settings.receive_timeout))) return error;
            note_time(conn, WinHttpProxyTunnelEnd);
            if (conn->tunnel_refused)
            {
                conn->stream = conn->socket;    /* the proxy's reply is plain http */
                conn->phase = CONNECT_DONE;
                return ERROR_SUCCESS;
            }
            conn->phase = conn->route.secure ? CONNECT_HANDSHAKE : CONNECT_DONE;
            break;

        case CONNECT_HANDSHAKE:
            if ((error = handshake(conn, obj))) return error;
            conn->phase = CONNECT_DONE;
            return ERROR_SUCCESS;

        case CONNECT_DONE:
            return ERROR_SUCCESS;
        }
    }
}

/* ---- who is logged in ----------------------------------------------------------- */

static BOOL logon_fits(const WCHAR *have, const WCHAR *want)
{
    return !have || (want && !lstrcmpW(have, want));
}

BOOL connection_logon_fits(const struct connection *conn, const struct logon *want)
{
    return logon_fits(conn->logon.server, want->server) && logon_fits(conn->logon.proxy, want->proxy);
}

void connection_set_logon(struct connection *conn, BOOL proxy, const WCHAR *identity)
{
    WCHAR **field = proxy ? &conn->logon.proxy : &conn->logon.server;
    WCHAR *copy = NULL;

    if (identity && !(copy = strdupW(identity))) return;    /* out of memory: kept as it was */
    heap_free(*field);
    *field = copy;
}

/* ---- data ----------------------------------------------------------------------- */

DWORD connection_send(struct connection *conn, const void *data, size_t size, int timeout)
{
    return stream_send(conn->stream, data, size, timeout);
}

DWORD connection_recv(struct connection *conn, void *buffer, size_t size, int timeout, size_t *received)
{
    return stream_recv(conn->stream, buffer, size, timeout, received);
}

/* A receive that filled the buffer means data arrives faster than it is
 * consumed: read bigger blocks from now on. */
static void grow(struct connection *conn)
{
    size_t capacity = conn->capacity * 2;
    char *buffer;

    if (capacity > conn->capacity_max || !(buffer = HeapReAlloc(GetProcessHeap(), 0, conn->buffer, capacity)))
        return;
    conn->buffer = buffer;
    conn->capacity = capacity;
}

DWORD connection_fill(struct connection *conn, int timeout, size_t *received)
{
    size_t space;
    DWORD error;

    /* compacting is a no-op when called again to collect a pending receive */
    buffer_compact(conn->buffer, &conn->start, &conn->end);
    space = min(conn->capacity - conn->end, conn->capacity_max);
    if (!space)
    {
        *received = 0;
        return ERROR_WINHTTP_INTERNAL_ERROR;
    }
    error = stream_recv(conn->stream, conn->buffer + conn->end, space, timeout, received);
    if (error) return error;
    conn->end += *received;
    TRACE("%p: %Iu of %Iu bytes\n", conn, *received, space);
    if (*received == space) grow(conn);
    return ERROR_SUCCESS;
}

BOOL connection_reusable(struct connection *conn)
{
    /* a server that closes a keep-alive connection within a second of its
     * last response is rare, and a request sent on a dead connection is
     * sent again on a new one: skip the socket call for fresh connections */
    if (conn->start != conn->end) return FALSE;
    if (GetTickCount64() - conn->idle_since < 1000) return TRUE;
    return stream_reusable(conn->stream);
}

void connection_idle(struct connection *conn)
{
    char *buffer;

    conn->start = conn->end = 0;
    if (conn->capacity == CONNECTION_BUFFER_MIN) return;
    if (!(buffer = HeapReAlloc(GetProcessHeap(), 0, conn->buffer, CONNECTION_BUFFER_MIN))) return;
    conn->buffer = buffer;
    conn->capacity = CONNECTION_BUFFER_MIN;
}
