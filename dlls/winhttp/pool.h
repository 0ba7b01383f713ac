/* The keep-alive pool of a session: idle connections keyed by host, port
 * and security, and the per-server connection limit. */
#ifndef WINHTTP_POOL_H
#define WINHTTP_POOL_H

#include "connection.h"

#define POOL_IDLE_TIMEOUT_MS 60000

struct pool_server;

struct pool
{
    SRWLOCK lock;
    CONDITION_VARIABLE released;        /* a connection slot came free */
    struct pool_server *servers;
};

void pool_init(struct pool *pool);
void pool_destroy(struct pool *pool);

/* Takes a slot for a connection to the server, waiting (sync mode) while
 * max_conns are in use.  Returns an idle pooled connection if there is a
 * live one (*conn), else NULL in *conn and the caller opens a new one. */
DWORD pool_acquire(struct pool *pool, const WCHAR *host, INTERNET_PORT port, BOOL secure, DWORD max_conns,
                   int timeout, struct connection **conn);
/* Gives the slot back: keep the connection idle for reuse, or close it. */
void pool_release(struct pool *pool, const WCHAR *host, INTERNET_PORT port, BOOL secure,
                  struct connection *conn, BOOL keep);

#endif
