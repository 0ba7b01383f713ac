/* An HTTP/2 connection shared by many requests (DESIGN.md, "The next
 * shape", item 4): a TLS connection whose handshake chose h2, the h2.c
 * session over it, and its own driver.
 *
 * The driver keeps one receive in flight whenever the connection lives and
 * sends whatever the session has to send, always asynchronously (on the
 * DLL's pool, whatever the mode of the requests on it), one runner at a
 * time: a completion or a request's kick that arrives while it runs makes
 * it go round again.  Requests never do the connection's I/O.  They submit
 * and read their streams under the link's lock, and wait for news:
 *   - an asynchronous request registers its waiter and returns
 *     ERROR_IO_PENDING; the driver calls the waiter's wake once its stream
 *     has news (h2_next_signalled), and the request runs again;
 *   - a synchronous one sleeps on the link's condition variable, which the
 *     driver wakes after each batch of frames.
 *
 * Links are process-wide, like the idle pool: a request whose route and
 * trust match one with room for a stream takes it instead of a connection.
 * A session that keeps its own pool (WINHTTP_OPTION_DISABLE_GLOBAL_POOLING)
 * keeps its own links too: they have it as their owner, are found only by
 * its requests, and end when it does (h2_link_close_owner).
 */
#ifndef WINHTTP_H2_LINK_H
#define WINHTTP_H2_LINK_H

#include "winhttp_private.h"
#include "h2.h"

struct connection;
struct route;
struct trust_key;

/* A request's stake in its stream: the stream's user pointer. */
struct h2_waiter
{
    struct h2_waiter *next_wake;    /* the driver's list of waiters to wake */
    /* under the link's lock: */
    BOOL waiting;                   /* an asynchronous request is pending on it */
    BOOL timed_out;                 /* its wait's timeout came first */
    ULONGLONG deadline;             /* GetTickCount64; 0: no timeout */
    struct h2_waiter *timed_next, **timed_prev;     /* among the link's waits with a timeout */
    struct h2_waiter *room_next, **room_prev;       /* among those waiting for a stream to start */
    void (*wake)(void *context);
    void *context;
};

struct h2_link;

/* The connection's handshake chose h2: a link takes it over (the caller's
 * reference on the link; the connection is the link's from then on, also
 * on failure).  With keepalive, a PING goes out every so often, and a link
 * whose PINGs go unanswered twice is ended (its streams fail). */
struct h2_link_config
{
    DWORD stream_window;        /* a stream's receive window; 0: the default */
    DWORD keepalive;            /* ms between PINGs (WINHTTP_OPTION_HTTP2_KEEPALIVE); 0: none */
    const void *owner;          /* the session whose own link it is; NULL: the process's */
};
DWORD h2_link_create(struct connection *conn, const struct h2_link_config *config, struct h2_link **out);
/* A live link to route accepted under trust with room for another stream,
 * or, with queue, one whose streams are all in use (the request waits
 * for one, h2_link_wait's for_room); referenced, or NULL. */
struct h2_link *h2_link_find(const struct route *route, const struct trust_key *trust, const void *owner,
                             BOOL queue);
/* Ends the owner's links (its session is gone, and with it their requests). */
void h2_link_close_owner(const void *owner);
void h2_link_addref(struct h2_link *link);
void h2_link_release(struct h2_link *link);

/* The session, for the caller holding the lock. */
void h2_link_lock(struct h2_link *link);
void h2_link_unlock(struct h2_link *link);
struct h2_conn *h2_link_session(struct h2_link *link);
/* The connection underneath, for what requests report of it (addresses,
 * certificates): it lives as long as the link. */
struct connection *h2_link_connection(struct h2_link *link);

/* With the lock held, the condition not met yet: an asynchronous waiter is
 * registered (ERROR_IO_PENDING) and woken by its stream's news or, after
 * timeout ms, with timed_out set (woken on the pool); a synchronous caller
 * sleeps until the link has news (ERROR_SUCCESS: look again) or timeout ms
 * pass (ERROR_WINHTTP_TIMEOUT).  0 or less: no limit. */
DWORD h2_link_wait(struct h2_link *link, struct h2_waiter *waiter, BOOL async, int timeout);
/* The same for a request waiting for the server's concurrent streams to
 * leave room for its own (woken when one may start, or the link ends). */
DWORD h2_link_wait_room(struct h2_link *link, struct h2_waiter *waiter, BOOL async, int timeout);
/* With the lock held: the waiter waits no more (its stream is going). */
void h2_link_unwait(struct h2_link *link, struct h2_waiter *waiter);
/* With the lock held: an asynchronous waiter is woken now, on the pool (its
 * request was closed). */
void h2_link_interrupt(struct h2_link *link, struct h2_waiter *waiter);
/* After submitting, writing, reading or cancelling: the driver sends what
 * there is, now on this thread, or soon on the pool, together with what
 * others submit meanwhile (one send for many streams: asynchronous
 * requests, which do not wait for it). */
void h2_link_kick(struct h2_link *link, BOOL soon);

/* DLL unload: every link is closed. */
void h2_link_close_all(void);

#endif
