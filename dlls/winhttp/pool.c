/* The keep-alive connection pool and the connection-group queries over it.
 *
 * A pool_server counts the connections in use to one server (for
 * WINHTTP_OPTION_MAX_CONNS_PER_SERVER) and keeps its idle ones, newest
 * first.  Idle connections past POOL_IDLE_TIMEOUT_MS, or found dead, are
 * closed when the pool is next looked at.
 */
#include "pool.h"

struct pool_server
{
    struct pool_server *next;
    WCHAR *host;
    INTERNET_PORT port;
    BOOL secure;
    DWORD in_use;
    struct connection *idle;
    struct pool_waiter *waiters, **waiters_tail;   /* first come, first served */
};

void pool_init(struct pool *pool)
{
    InitializeSRWLock(&pool->lock);
    InitializeConditionVariable(&pool->released);
    pool->servers = NULL;
}

void pool_destroy(struct pool *pool)
{
    struct pool_server *server, *next_server;
    struct connection *conn, *next;

    for (server = pool->servers; server; server = next_server)
    {
        next_server = server->next;
        for (conn = server->idle; conn; conn = next)
        {
            next = conn->next;
            connection_close(conn);
        }
        heap_free(server->host);
        heap_free(server);
    }
    pool->servers = NULL;
}

static struct pool_server *find_server(struct pool *pool, const WCHAR *host, INTERNET_PORT port, BOOL secure)
{
    struct pool_server *server;

    for (server = pool->servers; server; server = server->next)
        if (server->port == port && server->secure == secure && !lstrcmpiW(server->host, host)) return server;
    if (!(server = heap_alloc_zero(sizeof(*server))) || !(server->host = strdupW(host)))
    {
        heap_free(server);
        return NULL;
    }
    server->port = port;
    server->secure = secure;
    server->waiters_tail = &server->waiters;
    server->next = pool->servers;
    pool->servers = server;
    return server;
}

/* Unlinks the newest idle connection that is still fresh and alive and was
 * accepted under the same certificate flags and client certificate (a
 * server an IGNORE flag let through must not reach a request that did not
 * set it, nor a connection authenticated with one client certificate a
 * request that set another or none); closes the stale
 * ones met on the way. */
static struct connection *take_idle(struct pool_server *server, const struct trust_key *trust)
{
    ULONGLONG now = GetTickCount64();
    struct connection **link = &server->idle, *conn;

    while ((conn = *link))
    {
        BOOL fresh = now - conn->idle_since < POOL_IDLE_TIMEOUT_MS && connection_reusable(conn);

        if (fresh && memcmp(&conn->trust, trust, sizeof(*trust)))
        {
            link = &conn->next;
            continue;
        }
        *link = conn->next;
        conn->next = NULL;
        if (fresh) return conn;
        TRACE("dropping idle connection %p\n", conn);
        connection_close(conn);
    }
    return NULL;
}

static void enqueue(struct pool_server *server, struct pool_waiter *waiter)
{
    waiter->server = server;
    waiter->next = NULL;
    waiter->queued = TRUE;
    *server->waiters_tail = waiter;
    server->waiters_tail = &waiter->next;
}

static struct pool_waiter *dequeue(struct pool_server *server)
{
    struct pool_waiter *waiter = server->waiters;

    if (!waiter) return NULL;
    if (!(server->waiters = waiter->next)) server->waiters_tail = &server->waiters;
    waiter->queued = FALSE;
    return waiter;
}

/* Sync callers sleep on the condition variable within the timeout. */
static DWORD wait_for_slot(struct pool *pool, struct pool_server *server, DWORD max_conns, int timeout)
{
    DWORD wait = timeout > 0 ? (DWORD)timeout : INFINITE;

    while (server->in_use >= max_conns)
        if (!SleepConditionVariableSRW(&pool->released, &pool->lock, wait, 0)) return ERROR_WINHTTP_TIMEOUT;
    server->in_use++;
    return ERROR_SUCCESS;
}

DWORD pool_acquire(struct pool *pool, const WCHAR *host, INTERNET_PORT port, BOOL secure, struct trust_key trust,
                   DWORD max_conns, int timeout, struct pool_waiter *waiter, struct connection **conn)
{
    struct pool_server *server;
    DWORD error = ERROR_SUCCESS;

    *conn = NULL;
    AcquireSRWLockExclusive(&pool->lock);
    if (!(server = find_server(pool, host, port, secure))) error = ERROR_OUTOFMEMORY;
    else if (waiter && waiter->cancelled) error = ERROR_WINHTTP_OPERATION_CANCELLED;
    else if (waiter && waiter->granted) waiter->granted = FALSE;     /* handed over by pool_release */
    else if (waiter && waiter->queued) error = ERROR_IO_PENDING;
    else if (waiter && (server->in_use >= max_conns || server->waiters))
    {
        enqueue(server, waiter);
        error = ERROR_IO_PENDING;
    }
    else if (waiter) server->in_use++;
    else error = wait_for_slot(pool, server, max_conns, timeout);
    if (!error) *conn = take_idle(server, &trust);
    ReleaseSRWLockExclusive(&pool->lock);
    if (!error)
        TRACE("%s:%u %s (%lu in use)\n", debugstr_w(host), port, *conn ? "reusing" : "new", server->in_use);
    return error;
}

void pool_release(struct pool *pool, const WCHAR *host, INTERNET_PORT port, BOOL secure,
                  struct connection *conn, BOOL keep)
{
    struct pool_waiter *waiter = NULL;
    struct pool_server *server;

    AcquireSRWLockExclusive(&pool->lock);
    if ((server = find_server(pool, host, port, secure)))
    {
        if (conn && keep)
        {
            connection_idle(conn);
            conn->idle_since = GetTickCount64();
            conn->next = server->idle;
            server->idle = conn;
            conn = NULL;
        }
        /* the slot goes straight to the first asynchronous waiter */
        if ((waiter = dequeue(server))) waiter->granted = TRUE;
        else if (server->in_use) server->in_use--;
    }
    ReleaseSRWLockExclusive(&pool->lock);
    WakeAllConditionVariable(&pool->released);
    if (conn) connection_close(conn);
    if (waiter) waiter->resume(waiter->context);
}

BOOL pool_forget_waiter(struct pool *pool, struct pool_waiter *waiter)
{
    struct pool_server *server = waiter->server;
    struct pool_waiter **p, *next = NULL;
    BOOL was_queued;

    AcquireSRWLockExclusive(&pool->lock);
    waiter->cancelled = TRUE;
    if ((was_queued = waiter->queued))
    {
        for (p = &server->waiters; *p != waiter; p = &(*p)->next) ;
        *p = waiter->next;
        if (!*p) server->waiters_tail = p;
        waiter->queued = FALSE;
    }
    if (waiter->granted)
    {
        /* the slot it never used goes to the next in line */
        waiter->granted = FALSE;
        if ((next = dequeue(server))) next->granted = TRUE;
        else if (server->in_use) server->in_use--;
    }
    ReleaseSRWLockExclusive(&pool->lock);
    WakeAllConditionVariable(&pool->released);
    if (next) next->resume(next->context);
    return was_queued;
}

DWORD WINAPI WinHttpQueryConnectionGroup(HINTERNET handle, const GUID *connection, ULONGLONG flags,
                                         PWINHTTP_QUERY_CONNECTION_GROUP_RESULT *result)
{
    TRACE("%p, %p, %#I64x, %p\n", handle, connection, flags, result);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

VOID WINAPI WinHttpFreeQueryConnectionGroupResult(WINHTTP_QUERY_CONNECTION_GROUP_RESULT *result)
{
    TRACE("%p\n", result);
    FIXME("not implemented\n");
}
