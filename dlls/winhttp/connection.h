/* A TCP connection to a server, with its read buffer.  Sync mode uses
 * blocking Winsock with per-call timeouts; the async engine will drive the
 * same buffer with overlapped I/O. */
#ifndef WINHTTP_CONNECTION_H
#define WINHTTP_CONNECTION_H

#include "winhttp_private.h"

#define CONNECTION_BUFFER_SIZE (64 * 1024)

struct connection
{
    struct connection *next;        /* in the pool's idle list */
    SOCKET socket;
    WCHAR *host;
    INTERNET_PORT port;
    BOOL secure;
    ULONGLONG idle_since;           /* GetTickCount64 when pooled */
    WCHAR address[64];              /* the peer, as CONNECTED_TO_SERVER reports it */
    char *buffer;                   /* received, not yet consumed: [start, end) */
    size_t start, end;
    unsigned int requests;          /* requests sent on this connection */
};

/* Resolves host and connects to the first address that answers, within the
 * timeouts; notifies RESOLVING_NAME .. CONNECTED_TO_SERVER on obj.
 * Returns ERROR_SUCCESS or an ERROR_WINHTTP_* code. */
DWORD connection_open(struct object *obj, const WCHAR *host, INTERNET_PORT port, BOOL secure,
                      struct connection **out);
void connection_close(struct connection *conn);

DWORD connection_send(struct connection *conn, const void *data, size_t size, int timeout);
/* Receives more bytes into the buffer (compacting it first); *received is 0
 * when the server closed the connection. */
DWORD connection_fill(struct connection *conn, int timeout, size_t *received);
/* Receives straight into the caller's buffer (large reads skip the copy). */
DWORD connection_recv(struct connection *conn, void *buffer, size_t size, int timeout, size_t *received);
/* Whether an idle connection is still usable (no EOF or stray bytes). */
BOOL connection_alive(struct connection *conn);

static inline size_t connection_buffered(const struct connection *conn) { return conn->end - conn->start; }

#endif
