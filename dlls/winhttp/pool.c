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
    server->next = pool->servers;
    pool->servers = server;
    return server;
}

/* Unlinks the newest idle connection that is still fresh and alive; closes
 * the stale ones met on the way. */
static struct connection *take_idle(struct pool_server *server)
{
    ULONGLONG now = GetTickCount64();
    struct connection *conn;

    while ((conn = server->idle))
    {
        server->idle = conn->next;
        conn->next = NULL;
        if (now - conn->idle_since < POOL_IDLE_TIMEOUT_MS && connection_reusable(conn)) return conn;
        TRACE("dropping idle connection %p\n", conn);
        connection_close(conn);
    }
    return NULL;
}

DWORD pool_acquire(struct pool *pool, const WCHAR *host, INTERNET_PORT port, BOOL secure, DWORD max_conns,
                   int timeout, struct connection **conn)
{
    struct pool_server *server;
    DWORD wait = timeout > 0 ? (DWORD)timeout : INFINITE;

    *conn = NULL;
    AcquireSRWLockExclusive(&pool->lock);
    if (!(server = find_server(pool, host, port, secure)))
    {
        ReleaseSRWLockExclusive(&pool->lock);
        return ERROR_OUTOFMEMORY;
    }
    while (server->in_use >= max_conns)
    {
        if (!SleepConditionVariableSRW(&pool->released, &pool->lock, wait, 0))
        {
            ReleaseSRWLockExclusive(&pool->lock);
            return ERROR_WINHTTP_TIMEOUT;
        }
    }
    server->in_use++;
    *conn = take_idle(server);
    ReleaseSRWLockExclusive(&pool->lock);
    TRACE("%s:%u %s (%lu in use)\n", debugstr_w(host), port, *conn ? "reusing" : "new", server->in_use);
    return ERROR_SUCCESS;
}

void pool_release(struct pool *pool, const WCHAR *host, INTERNET_PORT port, BOOL secure,
                  struct connection *conn, BOOL keep)
{
    struct pool_server *server;

    AcquireSRWLockExclusive(&pool->lock);
    if ((server = find_server(pool, host, port, secure)))
    {
        if (server->in_use) server->in_use--;
        if (conn && keep)
        {
            connection_idle(conn);
            conn->idle_since = GetTickCount64();
            conn->next = server->idle;
            server->idle = conn;
            conn = NULL;
        }
    }
    ReleaseSRWLockExclusive(&pool->lock);
    WakeAllConditionVariable(&pool->released);
    if (conn) connection_close(conn);
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
