/* The HTTP/2 connection driver: see h2_link.h. */
#include "h2_link.h"
#include "connection.h"
#include "pool.h"
#include "task.h"

/* What one receive reads: TLS records decrypted straight into it. */
#define LINK_RECEIVE_SIZE (256 * 1024)
/* A stream's receive window unless WINHTTP_OPTION_HTTP2_RECEIVE_WINDOW
 * says otherwise, and the connection's: large, so that a download is not
 * held to a window a round trip (under Wine a WINDOW_UPDATE costs a
 * wineserver call); the connection's bounds what all streams buffer, and
 * is many streams' worth, so that streams whose bytes wait unread do not
 * shut the others out (a server holds a new stream's response while the
 * connection's window is shut: nginx does). */
#define LINK_STREAM_WINDOW (4 * 1024 * 1024)
#define LINK_CONNECTION_WINDOW (64 * 1024 * 1024)
/* How often the timeouts of asynchronous waits are looked at, while any. */
#define LINK_TICK_MS 100

struct h2_link
{
    struct h2_link *next;           /* among the live links (links_lock) */
    BOOL listed;
    LONG refs;                      /* the list's, each request's, and each I/O in flight's */
    SRWLOCK lock;                   /* guards everything below, and the session */
    CONDITION_VARIABLE changed;     /* synchronous requests wait on it */
    struct h2_conn *session;
    struct connection *conn;
    char *in;
    const uint8_t *out;             /* the send in flight: the session's bytes, until it completes */
    size_t out_len;
    BOOL receiving, sending;        /* an operation is in flight (it holds a reference) */
    BOOL failed;                    /* the connection ended: no more I/O */
    LONG runs;                      /* rendezvous of the driver's runner and those who kick it */
    LONG batching;                  /* threads waking requests (wake_batch) */
    LONG kick_pending;              /* a kick waits for the batch to end */
    LONG kick_scheduled;            /* the kicker is submitted and has not started */
    struct h2_waiter *timed;        /* asynchronous waits with a timeout */
    struct h2_waiter *room;         /* asynchronous waits for a stream to start */
    TP_TIMER *timer;                /* ticks while there are waits with a timeout, or keepalive */
    TP_WORK *kicker;                /* runs the driver for the timer: the timer callback never does */
    DWORD keepalive;                /* ms between PINGs; 0: none */
    ULONGLONG last_ping;
    const void *owner;              /* h2_link_config's */
};

static SRWLOCK links_lock = SRWLOCK_INIT;
static struct h2_link *links;

void h2_link_addref(struct h2_link *link)
{
    InterlockedIncrement(&link->refs);
}

void h2_link_release(struct h2_link *link)
{
    if (InterlockedDecrement(&link->refs)) return;
    TRACE("link %p freed\n", link);
    if (link->timer)
    {
        SetThreadpoolTimer(link->timer, NULL, 0, 0);
        WaitForThreadpoolTimerCallbacks(link->timer, TRUE);
        CloseThreadpoolTimer(link->timer);
    }
    if (link->kicker) CloseThreadpoolWork(link->kicker);    /* its callbacks each held a reference */
    connection_close(link->conn);
    h2_conn_free(link->session);
    heap_free(link->in);
    heap_free(link);
}

void h2_link_lock(struct h2_link *link) { AcquireSRWLockExclusive(&link->lock); }
void h2_link_unlock(struct h2_link *link) { ReleaseSRWLockExclusive(&link->lock); }
struct h2_conn *h2_link_session(struct h2_link *link) { return link->session; }
struct connection *h2_link_connection(struct h2_link *link) { return link->conn; }

static void unlist(struct h2_link *link)
{
    BOOL was_listed;

    AcquireSRWLockExclusive(&links_lock);
    if ((was_listed = link->listed))
    {
        struct h2_link **at = &links;

        while (*at != link) at = &(*at)->next;
        *at = link->next;
        link->listed = FALSE;
    }
    ReleaseSRWLockExclusive(&links_lock);
    if (was_listed) h2_link_release(link);
}

/* ---- the driver ---------------------------------------------------------------- */

/* The transport ended (an error, EOF or a cancel): every stream left fails,
 * and nothing more is sent or received. */
static void fail(struct h2_link *link, DWORD error)
{
    if (link->failed) return;
    TRACE("link %p: connection ended (%lu)\n", link, error);
    link->failed = TRUE;
    h2_connection_lost(link->session);
    connection_cancel(link->conn);      /* the other direction's operation in flight ends too */
}

/* An operation started (ERROR_IO_PENDING) holds a reference until it is
 * collected; TRUE while it is in flight. */
static BOOL track(struct h2_link *link, BOOL *in_flight, DWORD error, LONG *released)
{
    if (error == ERROR_IO_PENDING)
    {
        if (!*in_flight) h2_link_addref(link);
        *in_flight = TRUE;
        return TRUE;
    }
    if (*in_flight) (*released)++;
    *in_flight = FALSE;
    return FALSE;
}

/* Sends what the session has, as long as sends complete at once.  An
 * operation in flight is always collected, even once the link failed: it
 * holds a reference. */
static BOOL drive_send(struct h2_link *link, LONG *released)
{
    DWORD error;

    if (!link->sending)
    {
        if (link->failed) return FALSE;
        h2_output(link->session, &link->out, &link->out_len);
        if (!link->out_len) return FALSE;
    }
    error = connection_send(link->conn, link->out, link->out_len, 0);
    if (track(link, &link->sending, error, released)) return FALSE;
    if (error || link->failed)
    {
        fail(link, error);
        return FALSE;
    }
    h2_output_done(link->session, link->out_len);
    link->out_len = 0;
    return TRUE;
}

/* Feeds the session what arrived, and starts the next receive. */
static BOOL drive_receive(struct h2_link *link, LONG *released)
{
    size_t received;
    DWORD error;

    if (link->failed && !link->receiving) return FALSE;
    error = connection_recv(link->conn, link->in, LINK_RECEIVE_SIZE, 0, &received);
    if (track(link, &link->receiving, error, released) || link->failed) return FALSE;
    if (error || !received)
    {
        fail(link, error ? error : ERROR_WINHTTP_CONNECTION_ERROR);
        return FALSE;
    }
    if (h2_recv(link->session, link->in, received))
        TRACE("link %p: session ended (%s)\n", link, h2_result_name(h2_conn_error(link->session)));
    return TRUE;
}

/* One pass: sends as far as they go without waiting and at most one
 * receive, then the waiters of the streams with news, added to *wake.
 * TRUE when a receive came in: the caller goes on with another pass, and
 * meanwhile, between passes, synchronous readers take what came (a
 * download is not held up by the lock while the next bytes arrive). */
static BOOL drive(struct h2_link *link, struct h2_waiter **wake)
{
    struct h2_waiter *w, **tail = wake;
    LONG released = 0;
    BOOL dead, received = FALSE;

    AcquireSRWLockExclusive(&link->lock);
    for (;;)
    {
        BOOL progress = drive_send(link, &released);

        if ((received = drive_receive(link, &released))) break;
        if (!progress) break;
    }
    /* a session that has ended sends its GOAWAY, then is done */
    if (!link->failed && h2_conn_error(link->session) && !h2_wants_write(link->session) && !link->sending)
        fail(link, ERROR_WINHTTP_CONNECTION_ERROR);
    /* woken in the order their news came (FIFO), after any already listed */
    while (*tail) tail = &(*tail)->next_wake;
    while ((w = h2_next_signalled(link->session)))
    {
        if (!w->waiting) continue;
        h2_link_unwait(link, w);
        w->next_wake = NULL;
        *tail = w;
        tail = &w->next_wake;
    }
    /* a stream ended, or no stream will ever start here: those queued try again */
    if (link->room && (link->failed || h2_can_submit(link->session) != H2_ERR_TOO_MANY_STREAMS))
        while ((w = link->room))
        {
            h2_link_unwait(link, w);
            w->next_wake = NULL;
            *tail = w;
            tail = &w->next_wake;
        }
    dead = link->failed || h2_can_submit(link->session) == H2_ERR_CLOSING;
    WakeAllConditionVariable(&link->changed);
    ReleaseSRWLockExclusive(&link->lock);

    if (dead) unlist(link);     /* new requests go elsewhere */
    while (released--) h2_link_release(link);
    return received && !dead;
}

static void wake_all(struct h2_waiter *wake)
{
    struct h2_waiter *next;

    for (; wake; wake = next)
    {
        next = wake->next_wake;
        wake->wake(wake->context);     /* the request runs on: wake may be gone after */
    }
}

static void CALLBACK wake_on_pool(TP_CALLBACK_INSTANCE *instance, void *context)
{
    wake_all(context);
}

static void run(struct h2_link *link, BOOL on_pool);

/* Wakes the requests with news on this thread.  What they submit from
 * their callbacks meanwhile waits (h2_link_kick), to go out together after
 * them: one send for many streams, while completions keep driving the
 * link on other threads. */
static void wake_batch(struct h2_link *link, struct h2_waiter *wake)
{
    InterlockedIncrement(&link->batching);
    wake_all(wake);
    InterlockedDecrement(&link->batching);
    if (InterlockedExchange(&link->kick_pending, 0)) run(link, TRUE);
}

/* One runner at a time; a kick or a completion meanwhile makes it go round
 * again (once, however many came).  The requests woken run on once the
 * runner is done: on this thread when it is the pool's (an I/O
 * completion), else on the pool, never inside a request's call.  The
 * caller holds a reference. */
static void run(struct h2_link *link, BOOL on_pool)
{
    struct h2_waiter *wake = NULL;

    if (InterlockedIncrement(&link->runs) > 1) return;
    do
    {
        InterlockedExchange(&link->runs, 1);
        while (drive(link, &wake))
            ;
    } while (InterlockedDecrement(&link->runs));
    if (!wake) return;
    if (on_pool || !TrySubmitThreadpoolCallback(wake_on_pool, wake, task_environment())) wake_batch(link, wake);
}

static void on_io(void *context)
{
    struct h2_link *link = context;

    h2_link_addref(link);
    run(link, TRUE);
    h2_link_release(link);
}

void h2_link_kick(struct h2_link *link, BOOL soon)
{
    /* during a batch of wakes, the batch's end runs it (wake_batch) */
    InterlockedExchange(&link->kick_pending, 1);
    if (link->batching) return;
    if (soon)
    {
        if (!InterlockedExchange(&link->kick_scheduled, 1))
        {
            h2_link_addref(link);
            SubmitThreadpoolWork(link->kicker);
        }
        return;
    }
    if (InterlockedExchange(&link->kick_pending, 0)) run(link, FALSE);
}

void h2_link_unwait(struct h2_link *link, struct h2_waiter *waiter)
{
    waiter->waiting = FALSE;
    if (waiter->room_prev)
    {
        if ((*waiter->room_prev = waiter->room_next)) waiter->room_next->room_prev = waiter->room_prev;
        waiter->room_prev = NULL;
        waiter->room_next = NULL;
    }
    if (!waiter->timed_prev) return;
    if ((*waiter->timed_prev = waiter->timed_next)) waiter->timed_next->timed_prev = waiter->timed_prev;
    waiter->timed_prev = NULL;
    waiter->timed_next = NULL;
}

void h2_link_interrupt(struct h2_link *link, struct h2_waiter *waiter)
{
    if (!waiter->waiting) return;
    h2_link_unwait(link, waiter);
    waiter->next_wake = NULL;
    if (!TrySubmitThreadpoolCallback(wake_on_pool, waiter, task_environment()))
        ERR("request %p not woken\n", waiter->context);
}

/* A reference, unless the link is already going. */
static BOOL link_try_addref(struct h2_link *link)
{
    LONG refs = link->refs;

    while (refs)
    {
        LONG seen = InterlockedCompareExchange(&link->refs, refs + 1, refs);
        if (seen == refs) return TRUE;
        refs = seen;
    }
    return FALSE;
}

/* A kick for later (h2_link_kick), or the keepalive's: each submission
 * holds a reference. */
static void CALLBACK kick_work(TP_CALLBACK_INSTANCE *instance, void *context, TP_WORK *work)
{
    struct h2_link *link = context;

    InterlockedExchange(&link->kick_scheduled, 0);
    InterlockedExchange(&link->kick_pending, 0);
    run(link, TRUE);
    h2_link_release(link);
}

/* WINHTTP_OPTION_HTTP2_KEEPALIVE's PING; TRUE when the driver must send it.
 * A server that answered neither of the last two is gone. */
static BOOL keepalive(struct h2_link *link, ULONGLONG now)
{
    link->last_ping = now;
    if (h2_pings_unanswered(link->session) >= 2)
    {
        WARN("link %p: PINGs unanswered\n", link);
        fail(link, ERROR_WINHTTP_TIMEOUT);
        return FALSE;
    }
    return !h2_ping(link->session);
}

/* The waits whose time is up are woken, on the pool (never on this
 * thread: a request woken may let the link go, whose end waits for this
 * callback). */
static void CALLBACK tick(TP_CALLBACK_INSTANCE *instance, void *context, TP_TIMER *timer)
{
    struct h2_link *link = context;
    struct h2_waiter *w, *next, *wake = NULL;
    ULONGLONG now = GetTickCount64();
    BOOL kick;

    AcquireSRWLockExclusive(&link->lock);
    for (w = link->timed; w; w = next)
    {
        next = w->timed_next;
        if (w->deadline > now) continue;
        h2_link_unwait(link, w);
        w->timed_out = TRUE;
        w->next_wake = wake;
        wake = w;
    }
    kick = link->keepalive && !link->failed && now - link->last_ping >= link->keepalive && keepalive(link, now);
    if (!link->timed && !link->keepalive) SetThreadpoolTimer(link->timer, NULL, 0, 0);
    ReleaseSRWLockExclusive(&link->lock);
    if (wake && !TrySubmitThreadpoolCallback(wake_on_pool, wake, task_environment())) wake_all(wake);
    /* the driver runs elsewhere, holding a reference taken while the link
     * is sure to be alive (its end waits for this callback) */
    if (kick && link_try_addref(link)) SubmitThreadpoolWork(link->kicker);
}

static void start_ticking(struct h2_link *link)
{
    FILETIME due;
    LARGE_INTEGER when;

    when.QuadPart = -(LONGLONG)LINK_TICK_MS * 10000;
    due.dwLowDateTime = when.LowPart;
    due.dwHighDateTime = when.HighPart;
    SetThreadpoolTimer(link->timer, &due, LINK_TICK_MS, LINK_TICK_MS / 2);
}

DWORD h2_link_wait(struct h2_link *link, struct h2_waiter *waiter, BOOL async, int timeout)
{
    if (async)
    {
        waiter->waiting = TRUE;
        waiter->timed_out = FALSE;
        if (timeout <= 0) return ERROR_IO_PENDING;
        waiter->deadline = GetTickCount64() + timeout;
        if (!link->timed && !link->keepalive) start_ticking(link);
        if ((waiter->timed_next = link->timed)) link->timed->timed_prev = &waiter->timed_next;
        waiter->timed_prev = &link->timed;
        link->timed = waiter;
        return ERROR_IO_PENDING;
    }
    if (SleepConditionVariableSRW(&link->changed, &link->lock, timeout > 0 ? (DWORD)timeout : INFINITE, 0))
        return ERROR_SUCCESS;
    return GetLastError() == ERROR_TIMEOUT ? ERROR_WINHTTP_TIMEOUT : ERROR_SUCCESS;
}

DWORD h2_link_wait_room(struct h2_link *link, struct h2_waiter *waiter, BOOL async, int timeout)
{
    DWORD error = h2_link_wait(link, waiter, async, timeout);

    if (error == ERROR_IO_PENDING)
    {
        if ((waiter->room_next = link->room)) link->room->room_prev = &waiter->room_next;
        waiter->room_prev = &link->room;
        link->room = waiter;
    }
    return error;
}

/* ---- the links ------------------------------------------------------------------- */

DWORD h2_link_create(struct connection *conn, const struct h2_link_config *config, struct h2_link **out)
{
    struct h2_link *link = heap_alloc_zero(sizeof(*link));
    struct h2_settings settings;

    *out = NULL;
    if (!link)
    {
        connection_close(conn);
        return ERROR_OUTOFMEMORY;
    }
    link->conn = conn;
    link->refs = 1;
    h2_settings_default(&settings);
    settings.stream_window = config->stream_window ? config->stream_window : LINK_STREAM_WINDOW;
    settings.connection_window = max(LINK_CONNECTION_WINDOW, settings.stream_window);
    if (!(link->in = heap_alloc(LINK_RECEIVE_SIZE)) || h2_conn_new(&link->session, &settings, NULL) ||
        !(link->timer = CreateThreadpoolTimer(tick, link, task_environment())) ||
        !(link->kicker = CreateThreadpoolWork(kick_work, link, task_environment())))
    {
        h2_link_release(link);
        return ERROR_OUTOFMEMORY;
    }
    link->keepalive = config->keepalive;
    link->owner = config->owner;
    link->last_ping = GetTickCount64();
    if (link->keepalive) start_ticking(link);
    link->refs = 2;     /* the caller's and the list's */
    InitializeSRWLock(&link->lock);
    InitializeConditionVariable(&link->changed);
    connection_set_async(conn, TRUE);
    connection_bind_duplex(conn, on_io, on_io, link);
    AcquireSRWLockExclusive(&links_lock);
    link->next = links;
    link->listed = TRUE;
    links = link;
    ReleaseSRWLockExclusive(&links_lock);
    TRACE("link %p on connection %p to %s:%u\n", link, conn, debugstr_w(conn->route.host), conn->route.port);
    run(link, FALSE);   /* the preface and our SETTINGS go out; the first receive starts */
    *out = link;
    return ERROR_SUCCESS;
}

/* Whether a stream more may start on it now (H2_OK), or once one of its
 * streams ends (H2_ERR_TOO_MANY_STREAMS); else it is ending. */
static enum h2_result link_room(struct h2_link *link)
{
    enum h2_result result;

    AcquireSRWLockExclusive(&link->lock);
    result = link->failed ? H2_ERR_CLOSING : h2_can_submit(link->session);
    ReleaseSRWLockExclusive(&link->lock);
    return result;
}

struct h2_link *h2_link_find(const struct route *route, const struct trust_key *trust, const void *owner,
                             BOOL queue)
{
    struct h2_link *link, *found = NULL, *full = NULL;

    AcquireSRWLockShared(&links_lock);
    for (link = links; link && !found; link = link->next)
    {
        enum h2_result room;

        if (link->owner != owner || !route_shares_connection(&link->conn->route, route) ||
            memcmp(&link->conn->trust, trust, sizeof(*trust)))
            continue;
        if ((room = link_room(link)) == H2_OK) found = link;
        else if (room == H2_ERR_TOO_MANY_STREAMS && queue && !full) full = link;
    }
    if (!found) found = full;
    if (found) h2_link_addref(found);
    ReleaseSRWLockShared(&links_lock);
    return found;
}

/* Ends the listed links of an owner, or all of them. */
static void close_links(BOOL all, const void *owner)
{
    struct h2_link *link, **at;

    for (;;)
    {
        AcquireSRWLockExclusive(&links_lock);
        for (at = &links; *at && !all && (*at)->owner != owner; at = &(*at)->next)
            ;
        if ((link = *at))
        {
            *at = link->next;
            link->listed = FALSE;
        }
        ReleaseSRWLockExclusive(&links_lock);
        if (!link) break;
        AcquireSRWLockExclusive(&link->lock);
        fail(link, ERROR_WINHTTP_OPERATION_CANCELLED);
        ReleaseSRWLockExclusive(&link->lock);
        h2_link_release(link);
    }
}

void h2_link_close_owner(const void *owner)
{
    if (owner) close_links(FALSE, owner);
}

void h2_link_close_all(void)
{
    close_links(TRUE, NULL);
}
