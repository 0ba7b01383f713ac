/* A session's connection slots per server (the per-server connection
 * limit), and the process's idle keep-alive connections. */
#ifndef WINHTTP_POOL_H
#define WINHTTP_POOL_H

#include "connection.h"

#define POOL_IDLE_TIMEOUT_MS 60000

struct pool_server;

/* Idle keep-alive connections, newest first: the process's, or a
 * session's own (WINHTTP_OPTION_DISABLE_GLOBAL_POOLING). */
struct pool_idle
{
    SRWLOCK lock;
    struct connection *list;
};

struct pool
{
    SRWLOCK lock;
    CONDITION_VARIABLE released;        /* a connection slot came free */
    struct pool_server *servers;
    LONG private_idle;                  /* WINHTTP_OPTION_DISABLE_GLOBAL_POOLING: idle ones go to own */
    struct pool_idle own;
};

/* An asynchronous request waiting for a slot: it gives its thread back,
 * and pool_release() hands it the slot and calls resume. */
struct pool_waiter
{
    struct pool_waiter *next;
    BOOL queued;
    BOOL granted;               /* a slot is counted for it already */
    BOOL cancelled;             /* pool_forget_waiter() was called: never queue again */
    struct pool_server *server; /* whose queue it is on, or whose slot it holds */
    void (*resume)(void *context);
    void *context;
};

void pool_init(struct pool *pool);
/* Closes the session's own idle connections too. */
void pool_destroy(struct pool *pool);
/* WINHTTP_OPTION_DISABLE_GLOBAL_POOLING: from now on the session's
 * requests take and leave idle connections in its own list, not the
 * process's. */
void pool_set_private(struct pool *pool, BOOL on);
/* Whether it keeps its own idle connections (and HTTP/2 links). */
BOOL pool_is_private(struct pool *pool);

/* Takes a slot for a connection along the route.  Returns an idle pooled
 * connection if there is a live one accepted under trust that fits the
 * logon (connection_logon_fits) and the match (WINHTTP_OPTION_MATCH_CONNECTION_GUID;
 * NULL: any) (*conn), else NULL in *conn and the caller opens a new one.  While max_conns are in use, a synchronous caller
 * (waiter NULL) waits up to timeout; an asynchronous one is queued and gets
 * ERROR_IO_PENDING, and calls again once resumed. */
DWORD pool_acquire(struct pool *pool, const struct route *route, BOOL async, struct trust_key trust,
                   const struct logon *logon, const struct connection_match *match, DWORD max_conns, int timeout,
                   struct pool_waiter *waiter, struct connection **conn);
/* A waiter that will not wait any more (its request was closed): taken off
 * the queue, and a slot granted to it passed on.  Returns whether it was
 * on the queue (then nobody else will resume it). */
BOOL pool_forget_waiter(struct pool *pool, struct pool_waiter *waiter);
/* Gives the slot back: keep the connection idle for reuse, or close it. */
void pool_release(struct pool *pool, const struct route *route, struct connection *conn, BOOL keep);
/* A connection opened ahead of need (WINHTTP_OPTION_BACKGROUND_CONNECTIONS)
 * goes idle without having held a slot. */
void pool_add_idle(struct pool *pool, struct connection *conn);
/* Closes every idle connection (the DLL is unloaded). */
void pool_close_idle(void);

#endif
