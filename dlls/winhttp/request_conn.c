/* A request's connection, in one place: acquire (a pooled one or a new
 * one), attach, pin, release (back to the pool or closed) and discard.
 * The body code only says when a body is complete.
 *
 * Pinning: a connection-based handshake (NTLM, Negotiate) must run all its
 * legs on one connection, so while auth has the request pinned a
 * connection whose body ended stays attached, its slot held, and the next
 * send of the request takes it instead of asking the pool; a proxy's 407
 * to CONNECT is answered by the next CONNECT on the same connection. */
#include "body.h"
#include "connection.h"

static void resume_request(void *context)
{
    struct request *r = context;
    task_queue_resume(&r->queue);
}

void request_set_conn(struct request *r, struct connection *conn)
{
    AcquireSRWLockExclusive(&r->conn_lock);
    r->conn = conn;
    if (conn)
    {
        connection_bind(conn, resume_request, r);
        if (r->closing) connection_cancel(conn);
    }
    ReleaseSRWLockExclusive(&r->conn_lock);
}

void request_stop_waiting(struct request *r, BOOL resume)
{
    if (pool_forget_waiter(&request_session(r)->pool, &r->pool_waiter) && resume) resume_request(r);
}

void request_note_connect_stats(struct request *r)
{
    static const WINHTTP_REQUEST_TIME_ENTRY steps[] =
    {
        WinHttpNameResolutionStart, WinHttpNameResolutionEnd, WinHttpConnectionEstablishmentStart,
        WinHttpConnectionEstablishmentEnd, WinHttpTlsHandshakeClientLeg1Start, WinHttpTlsHandshakeClientLeg1End,
        WinHttpProxyTunnelStart, WinHttpProxyTunnelEnd,
    };
    struct connection *conn = r->conn;

    for (size_t i = 0; i < ARRAY_SIZE(steps); i++) r->times[steps[i]] = conn->times[steps[i]];
    r->stats[WinHttpConnectFailureCount] += conn->connect_failures;
    conn->connect_failures = 0;     /* a CONNECT asked again on it must not count them twice */
    /* the CAs of a handshake that stopped for a client certificate, until
     * the next handshake */
    if (conn->issuers || conn->tls_summary.cipher)
    {
        struct tls_issuers *old;

        AcquireSRWLockExclusive(&r->conn_lock);     /* a query may read them */
        old = r->issuers;
        r->issuers = conn->issuers;
        ReleaseSRWLockExclusive(&r->conn_lock);
        conn->issuers = NULL;
        heap_free(old);
    }
}

void request_note_connection(struct request *r)
{
    struct connection *conn = request_wire(r);

    r->stat_index = conn->requests;
    r->stat_flags = conn->requests ? 0 : WINHTTP_REQUEST_STAT_FLAG_FIRST_REQUEST;
    AcquireSRWLockExclusive(&r->conn_lock);
    r->conn_guid = conn->guid;
    r->local_address = conn->local_address;
    r->remote_address = conn->remote_address;
    r->have_addresses = TRUE;
    if (r->server_cert) CertFreeCertificateContext(r->server_cert);
    r->server_cert = conn->server_cert ? CertDuplicateCertificateContext(conn->server_cert) : NULL;
    if (r->server_chain) CertFreeCertificateChain(r->server_chain);
    r->server_chain = conn->server_chain ? CertDuplicateCertificateChain(conn->server_chain) : NULL;
    r->cipher_bits = conn->cipher_bits;
    r->tls_summary = conn->tls_summary;
    ReleaseSRWLockExclusive(&r->conn_lock);
}

/* The CONNECT of a tunnel, with the proxy's credentials when there are. */
static DWORD build_tunnel_request(struct request *r, struct http_buf *head)
{
    char authority[300], *credentials = NULL;
    DWORD error;

    http_buf_init(head);
    if ((error = tunnel_authority(&r->route, authority, sizeof(authority)))) return error;
    if ((error = auth_tunnel_header(r, authority, &credentials))) return error;
    error = tunnel_build_request(head, &r->route, request_session(r)->agent, credentials);
    if (credentials) SecureZeroMemory(credentials, strlen(credentials));
    free(credentials);
    return error;
}

/* The pinned connection, for the next leg of a handshake: a refused
 * tunnel is asked again. */
static DWORD take_pinned(struct request *r)
{
    struct http_buf tunnel_request;
    DWORD error;

    r->conn_pinned = FALSE;
    r->conn_reused = TRUE;
    if (!r->conn->tunnel_refused) return ERROR_SUCCESS;
    if ((error = build_tunnel_request(r, &tunnel_request)))
    {
        http_buf_free(&tunnel_request);
        return error;
    }
    tunnel_retry(r->conn, &tunnel_request);
    r->conn_reused = FALSE;     /* connection_connect runs the CONNECT */
    TRACE("the next CONNECT on the pinned connection\n");
    return ERROR_SUCCESS;
}

/* ---- WINHTTP_OPTION_BACKGROUND_CONNECTIONS ------------------------------------------ */

/* Documented: set on a session, the number of connections to open; at
 * the first send, rather than one, that many are opened in parallel, so
 * that later requests to the same place find them made.  The first is
 * the request's own; the others are made here, asynchronously whatever the
 * session's mode (their waits for the network hold no thread), with the
 * request's settings (no callbacks: they belong to no request), and go
 * idle into the session's pool, where the pool's rules for reuse apply.
 * Only a route that needs no CONNECT: a tunnel's request carries its
 * request's proxy credentials. */
#define BACKGROUND_MAX 64

struct background
{
    struct session *session;        /* referenced */
    struct object settings;         /* a callback-less object carrying the request's settings */
    struct route route;
    struct connection *conn;
    LONG wakeups;                   /* resumptions not yet taken by the running step */
};

static void background_free(struct background *b)
{
    if (b->settings.settings.client_cert) CertFreeCertificateContext(b->settings.settings.client_cert);
    route_free(&b->route);
    object_release(&b->session->obj);
    heap_free(b);
}

/* One step of the connect; TRUE once it ended (made and pooled, or
 * failed), with b freed. */
static BOOL background_step(struct background *b)
{
    DWORD error = connection_connect(b->conn, &b->settings);

    if (error == ERROR_IO_PENDING) return FALSE;
    if (!error && connection_reusable(b->conn))
    {
        TRACE("background connection %p to %s:%u\n", b->conn, debugstr_w(b->route.host), b->route.port);
        pool_add_idle(&b->session->pool, b->conn);
    }
    else
    {
        TRACE("background connection to %s:%u failed: %lu\n", debugstr_w(b->route.host), b->route.port, error);
        connection_close(b->conn);
    }
    background_free(b);
    return TRUE;
}

/* The connection's I/O completed (or the first step): one runner at a
 * time; a completion arriving while a step runs makes it go round again. */
static void background_resume(void *context)
{
    struct background *b = context;

    if (InterlockedIncrement(&b->wakeups) > 1) return;
    do
    {
        if (background_step(b)) return;
    } while (InterlockedDecrement(&b->wakeups));
}

static void open_background(struct request *r)
{
    struct session *session = request_session(r);
    struct http_buf none;
    DWORD count = session->obj.settings.background_connections, limit = r->obj.settings.max_conns_per_server;

    if (count < 2 || route_tunnels(&r->route) || InterlockedExchange(&session->background_started, 1)) return;
    count = min(count - 1, BACKGROUND_MAX);
    if (limit && limit - 1 < count) count = limit - 1;
    TRACE("opening %lu connections in the background\n", count);
    for (DWORD i = 0; i < count; i++)
    {
        struct background *b = heap_alloc_zero(sizeof(*b));

        if (!b) return;
        if (!route_copy(&b->route, &r->route))
        {
            heap_free(b);
            return;
        }
        b->settings.type = OBJECT_REQUEST;
        b->settings.settings = r->obj.settings;
        if (b->settings.settings.client_cert)
            b->settings.settings.client_cert = CertDuplicateCertificateContext(b->settings.settings.client_cert);
        b->session = session;
        object_addref(&session->obj);
        http_buf_init(&none);
        if (connection_create(&b->route, &none, TRUE, &b->conn))
        {
            background_free(b);
            return;
        }
        connection_bind(b->conn, background_resume, b);
        background_resume(b);
    }
}

DWORD request_acquire_connection(struct request *r)
{
    struct session *session = request_session(r);
    BOOL async = !!(r->obj.session_flags & WINHTTP_FLAG_ASYNC);
    struct http_buf tunnel_request;
    struct connection *conn;
    struct logon logon;
    DWORD error;

    /* what went to the proxy is for this send to say (a CONNECT, or the
     * request in absolute form) */
    r->auth.target[AUTH_PROXY].sent = FALSE;
    if (r->conn) return take_pinned(r);
    r->pool_waiter.resume = resume_request;
    r->pool_waiter.context = r;
    auth_logon_wanted(r, &logon);
    error = pool_acquire(&session->pool, &r->route, async, connection_trust_key(&r->obj.settings, r->route.secure),
                         &logon, &r->match, r->obj.settings.max_conns_per_server, r->obj.settings.connect_timeout,
                         async ? &r->pool_waiter : NULL, &conn);
    auth_logon_free(&logon);
    if (error) return error;
    request_time(r, WinHttpConnectionAcquireWaitEnd);
    r->conn_reused = conn != NULL;
    if (!conn)
    {
        if (route_tunnels(&r->route)) error = build_tunnel_request(r, &tunnel_request);
        else http_buf_init(&tunnel_request);
        if (!error) error = connection_create(&r->route, &tunnel_request, async, &conn);
        http_buf_free(&tunnel_request);
        if (!error) open_background(r);
    }
    if (error)
    {
        pool_release(&session->pool, &r->route, NULL, FALSE);
        return error;
    }
    request_set_conn(r, conn);
    request_mark_connection(r);
    return ERROR_SUCCESS;
}

void request_mark_connection(struct request *r)
{
    if (!r->mark_set || !r->conn) return;
    connection_mark(r->conn, &r->mark);
}

struct connection *request_detach_connection(struct request *r)
{
    struct connection *conn = r->conn;

    if (!conn) return NULL;
    r->conn_pinned = FALSE;
    request_set_conn(r, NULL);
    /* its slot goes back: a WebSocket is not a request to the server */
    pool_release(&request_session(r)->pool, &conn->route, NULL, FALSE);
    return conn;
}

void request_drop_unless_pinned(struct request *r)
{
    if (!r->conn) return;
    if (r->conn_pinned && r->body.done && route_shares_connection(&r->conn->route, &r->route)) return;
    request_drop_connection(r);
}

void request_discard_connection(struct request *r)
{
    struct connection *conn = r->conn;

    request_h2_release(r);
    r->conn_pinned = FALSE;
    if (!conn) return;
    request_set_conn(r, NULL);
    pool_release(&request_session(r)->pool, &conn->route, NULL, FALSE);
    connection_close(conn);
}

void request_release_connection(struct request *r, BOOL keep)
{
    struct connection *conn = r->conn;

    request_h2_release(r);      /* a stream: no connection of its own to release */
    if (!conn) return;
    socket_stream_no_wait(conn->socket, FALSE);     /* a nested read may have set it (operation.c) */
    /* bytes past the body would be a pipelining desync: never reuse then */
    if (keep && !connection_buffered(conn))
    {
        if (r->conn_pinned) return;     /* the handshake's next leg goes on it */
        /* a proxy's refusal to tunnel leads nowhere, unless pinned;
         * WINHTTP_OPTION_EXPIRE_CONNECTION ends it after this request */
        if (!conn->tunnel_refused && !r->expire_conn)
        {
            request_set_conn(r, NULL);
            pool_release(&request_session(r)->pool, &conn->route, conn, TRUE);
            return;
        }
    }
    notify(&r->obj, WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION, NULL, 0);
    request_discard_connection(r);
    notify(&r->obj, WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED, NULL, 0);
}

void request_drop_connection(struct request *r)
{
    r->conn_pinned = FALSE;
    request_release_connection(r, FALSE);
}
