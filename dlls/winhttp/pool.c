/* The keep-alive connection pool and the connection-group queries over it.
 *
 * A session's pool_server counts its connections in use to one server (for
 * WINHTTP_OPTION_MAX_CONNS_PER_SERVER) and queues the requests waiting for
 * a slot.  Idle connections are the process's, as native keeps them: a
 * session may reuse one another session left (Wine's tests see it on
 * Windows, from an asynchronous session to a synchronous one too), but only
 * one accepted under the same trust settings.  Idle connections past
 * POOL_IDLE_TIMEOUT_MS, or found dead, are closed when next looked at.
 */
#include "pool.h"
#include "request.h"

struct pool_server
{
    struct pool_server *next;
    struct route route;
    DWORD in_use;
    struct pool_waiter *waiters, **waiters_tail;   /* first come, first served */
};

/* ---- idle connections, process-wide or the session's own ----------------------------- */

static struct pool_idle global_idle = { SRWLOCK_INIT, NULL };

static struct pool_idle *idle_of(struct pool *pool)
{
    return pool_is_private(pool) ? &pool->own : &global_idle;
}

/* How well an idle connection serves a request's
 * WINHTTP_OPTION_MATCH_CONNECTION_GUID: 2, as well as can be (and any
 * connection when the request asks for none); 1, acceptable (one marked
 * with no GUID, when marked ones are not required); 0, not at all (marked
 * for another group). */
static int match_rank(const struct connection *conn, const struct connection_match *match)
{
    if (!match || !match->active) return 2;
    if (conn->marked) return IsEqualGUID(&conn->guid, &match->guid) ? 2 : 0;
    return match->require_marked ? 0 : 1;
}

/* Unlinks the newest idle connection to the server that is still fresh
 * and alive, made in the same mode and accepted under the same certificate
 * flags and client certificate (a server an IGNORE flag let through must
 * not reach a request that did not set it, nor a connection authenticated
 * with one client certificate a request that set another or none), and
 * logged in (NTLM, Negotiate) as nobody or as the user the request would
 * be; a connection marked with the GUID the request matches goes before
 * an unmarked one; closes the stale ones met on the way. */
static struct connection *take_idle(struct pool_idle *idle, const struct route *route, BOOL async,
                                    const struct trust_key *trust, const struct logon *logon,
                                    const struct connection_match *want)
{
    ULONGLONG now = GetTickCount64();
    struct connection **link, *conn, *found = NULL, *stale = NULL, **fallback = NULL;

    AcquireSRWLockExclusive(&idle->lock);
    for (link = &idle->list; (conn = *link);)
    {
        BOOL expired = now - conn->idle_since >= POOL_IDLE_TIMEOUT_MS;
        BOOL fits = !found && route_shares_connection(&conn->route, route) &&
                    !memcmp(&conn->trust, trust, sizeof(*trust)) && connection_logon_fits(conn, logon);
        int rank = fits ? match_rank(conn, want) : 0;
        BOOL match = rank == 2;

        /* later unlinks are all past it, so its link stays valid */
        if (rank == 1 && !fallback && !expired) fallback = link;
        if (!expired && !match)
        {
            link = &conn->next;
            continue;
        }
        *link = conn->next;
        if (match && !expired && connection_reusable(conn)) found = conn;
        else
        {
            conn->next = stale;
            stale = conn;
        }
    }
    if (!found && fallback)
    {
        conn = *fallback;
        *fallback = conn->next;
        if (connection_reusable(conn)) found = conn;
        else
        {
            conn->next = stale;
            stale = conn;
        }
    }
    ReleaseSRWLockExclusive(&idle->lock);
    while ((conn = stale))
    {
        stale = conn->next;
        TRACE("dropping idle connection %p\n", conn);
        connection_close(conn);
    }
    if (found)
    {
        found->next = NULL;
        connection_set_async(found, async);
    }
    return found;
}

static void put_idle(struct pool_idle *idle, struct connection *conn)
{
    TRACE("%p: %s:%u idle%s\n", conn, debugstr_w(route_peer_host(&conn->route)), route_peer_port(&conn->route),
          idle == &global_idle ? "" : " (the session's own pool)");
    connection_idle(conn);
    conn->idle_since = GetTickCount64();
    AcquireSRWLockExclusive(&idle->lock);
    conn->next = idle->list;
    idle->list = conn;
    ReleaseSRWLockExclusive(&idle->lock);
}

static void close_idle(struct pool_idle *idle)
{
    struct connection *conn;

    AcquireSRWLockExclusive(&idle->lock);
    conn = idle->list;
    idle->list = NULL;
    ReleaseSRWLockExclusive(&idle->lock);
    while (conn)
    {
        struct connection *next = conn->next;
        connection_close(conn);
        conn = next;
    }
}

void pool_close_idle(void)
{
    close_idle(&global_idle);
}

/* ---- a session's slots -------------------------------------------------------------- */

void pool_init(struct pool *pool)
{
    InitializeSRWLock(&pool->lock);
    InitializeConditionVariable(&pool->released);
    pool->servers = NULL;
    pool->private_idle = FALSE;
    InitializeSRWLock(&pool->own.lock);
    pool->own.list = NULL;
}

void pool_set_private(struct pool *pool, BOOL on)
{
    TRACE("%p: %s pool\n", pool, on ? "a private" : "the process's");
    InterlockedExchange(&pool->private_idle, !!on);
}

BOOL pool_is_private(struct pool *pool)
{
    return InterlockedCompareExchange(&pool->private_idle, 0, 0) != 0;
}

void pool_destroy(struct pool *pool)
{
    struct pool_server *server, *next_server;

    close_idle(&pool->own);
    for (server = pool->servers; server; server = next_server)
    {
        next_server = server->next;
        route_free(&server->route);
        heap_free(server);
    }
    pool->servers = NULL;
}

static struct pool_server *find_server(struct pool *pool, const struct route *route)
{
    struct pool_server *server;

    for (server = pool->servers; server; server = server->next)
        if (route_shares_connection(&server->route, route)) return server;
    if (!(server = heap_alloc_zero(sizeof(*server))) || !route_copy(&server->route, route))
    {
        heap_free(server);
        return NULL;
    }
    server->waiters_tail = &server->waiters;
    server->next = pool->servers;
    pool->servers = server;
    return server;
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

DWORD pool_acquire(struct pool *pool, const struct route *route, BOOL async, struct trust_key trust,
                   const struct logon *logon, const struct connection_match *match, DWORD max_conns, int timeout,
                   struct pool_waiter *waiter, struct connection **conn)
{
    struct pool_server *server;
    DWORD error = ERROR_SUCCESS;

    *conn = NULL;
    AcquireSRWLockExclusive(&pool->lock);
    if (!(server = find_server(pool, route))) error = ERROR_OUTOFMEMORY;
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
    ReleaseSRWLockExclusive(&pool->lock);
    if (!error) *conn = take_idle(idle_of(pool), route, async, &trust, logon, match);
    if (!error)
        TRACE("%s:%u via %s %s (%lu in use)\n", debugstr_w(route->host), route->port, debugstr_w(route->proxy),
              *conn ? "reusing" : "new", server->in_use);
    return error;
}

void pool_release(struct pool *pool, const struct route *route, struct connection *conn, BOOL keep)
{
    struct pool_waiter *waiter = NULL;
    struct pool_server *server;

    AcquireSRWLockExclusive(&pool->lock);
    if ((server = find_server(pool, route)))
    {
        /* the slot goes straight to the first asynchronous waiter */
        if ((waiter = dequeue(server))) waiter->granted = TRUE;
        else if (server->in_use) server->in_use--;
    }
    ReleaseSRWLockExclusive(&pool->lock);
    /* idle before the slot is handed on, so that the waiter can take it */
    if (conn && keep) put_idle(idle_of(pool), conn);
    else if (conn) connection_close(conn);
    WakeAllConditionVariable(&pool->released);
    if (waiter) waiter->resume(waiter->context);
}

void pool_add_idle(struct pool *pool, struct connection *conn)
{
    put_idle(idle_of(pool), conn);
    WakeAllConditionVariable(&pool->released);
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

/* ---- WinHttpQueryConnectionGroup ---------------------------------------------------- */

/* The connections to one host, grouped by GUID: a connection's own, or
 * the mark WINHTTP_OPTION_CONNECTION_GUID set on it (so that a group is
 * what MATCH_CONNECTION_GUID would pick from). */
struct group_query
{
    const WCHAR *host;
    INTERNET_PORT port;
    BOOL secure;
    const GUID *only;
    WINHTTP_CONNECTION_GROUP *groups;
    ULONG count, capacity;
    BOOL failed;
};

static void count_connection(const struct connection *conn, void *context)
{
    struct group_query *q = context;
    WINHTTP_CONNECTION_GROUP *groups;
    ULONG i;

    if (conn->route.secure != q->secure || conn->route.port != q->port || lstrcmpiW(conn->route.host, q->host))
        return;
    if (q->only && !IsEqualGUID(&conn->guid, q->only)) return;
    for (i = 0; i < q->count; i++)
        if (IsEqualGUID(&q->groups[i].guidGroup, &conn->guid)) break;
    if (i == q->count)
    {
        if (q->count == q->capacity)
        {
            ULONG capacity = q->capacity ? q->capacity * 2 : 8;
            groups = q->groups ? HeapReAlloc(GetProcessHeap(), 0, q->groups, capacity * sizeof(*groups))
                               : heap_alloc(capacity * sizeof(*groups));
            if (!groups)
            {
                q->failed = TRUE;
                return;
            }
            q->groups = groups;
            q->capacity = capacity;
        }
        q->groups[i].cConnections = 0;
        q->groups[i].guidGroup = conn->guid;
        q->count++;
    }
    q->groups[i].cConnections++;
}

/* One block the caller frees with WinHttpFreeQueryConnectionGroupResult:
 * the result, its host, the host's groups, the host's name. */
static WINHTTP_QUERY_CONNECTION_GROUP_RESULT *group_result(const struct group_query *q)
{
    size_t name_size = (lstrlenW(q->host) + 1) * sizeof(WCHAR);
    size_t groups_size = q->count * sizeof(WINHTTP_CONNECTION_GROUP);
    WINHTTP_QUERY_CONNECTION_GROUP_RESULT *result;
    WINHTTP_HOST_CONNECTION_GROUP *host;
    char *p;

    if (!(p = heap_alloc_zero(sizeof(*result) + sizeof(*host) + groups_size + name_size))) return NULL;
    result = (WINHTTP_QUERY_CONNECTION_GROUP_RESULT *)p;
    if (!q->count) return result;   /* no connection to the host: no host */
    host = (WINHTTP_HOST_CONNECTION_GROUP *)(p + sizeof(*result));
    host->pConnectionGroups = (WINHTTP_CONNECTION_GROUP *)(p + sizeof(*result) + sizeof(*host));
    memcpy(host->pConnectionGroups, q->groups, groups_size);
    host->cConnectionGroups = q->count;
    host->pwszHost = (WCHAR *)(p + sizeof(*result) + sizeof(*host) + groups_size);
    memcpy((WCHAR *)host->pwszHost, q->host, name_size);
    result->cHosts = 1;
    result->pHostConnectionGroups = host;
    return result;
}

/* Documented: on a request handle, the connections to its host (its
 * scheme); on a connect handle, to its host over https unless
 * WINHTTP_QUERY_CONNECTION_GROUP_FLAG_INSECURE; only those of a GUID when
 * one is given.  Every live connection of the process counts: idle, in
 * use or being made. */
DWORD WINAPI WinHttpQueryConnectionGroup(HINTERNET handle, const GUID *connection, ULONGLONG flags,
                                         PWINHTTP_QUERY_CONNECTION_GROUP_RESULT *result)
{
    struct group_query q = { 0 };
    struct object *obj;
    DWORD error = ERROR_SUCCESS;

    TRACE("%p, %s, %#I64x, %p\n", handle, connection ? debugstr_guid(connection) : "(null)", flags, result);

    if (!result || (flags & ~(ULONGLONG)WINHTTP_QUERY_CONNECTION_GROUP_FLAG_INSECURE))
        return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    *result = NULL;
    if (!(obj = handle_ref_typed(handle, TYPE_BIT(OBJECT_CONNECT) | TYPE_BIT(OBJECT_REQUEST))))
        return GetLastError();
    if (obj->type == OBJECT_REQUEST)
    {
        struct request *r = request_from_object(obj);
        q.host = request_target_host(r);
        q.port = request_target_port(r);
        q.secure = r->target_secure;
    }
    else
    {
        struct connect *c = connect_from_object(obj);
        q.host = c->host;
        q.secure = !(flags & WINHTTP_QUERY_CONNECTION_GROUP_FLAG_INSECURE);
        q.port = c->port != INTERNET_DEFAULT_PORT ? c->port
                 : q.secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
    }
    q.only = connection;
    connection_for_each(count_connection, &q);
    if (q.failed || !(*result = group_result(&q))) error = ERROR_OUTOFMEMORY;
    else TRACE("%s:%u: %lu groups\n", debugstr_w(q.host), q.port, q.count);
    heap_free(q.groups);
    object_release(obj);
    SetLastError(error);
    return error;
}

VOID WINAPI WinHttpFreeQueryConnectionGroupResult(WINHTTP_QUERY_CONNECTION_GROUP_RESULT *result)
{
    TRACE("%p\n", result);
    heap_free(result);
}
