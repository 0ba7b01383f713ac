/* Byte streams stacked like filters: a TCP socket at the bottom, TLS on top
 * of it (through a proxy, over the CONNECT tunnel, which is a step of
 * connecting: tunnel.c), each with the same interface, so the request state
 * machine never knows what carries its bytes.
 *
 * Every operation is resumable.  A synchronous stream blocks (within the
 * timeout) and never returns ERROR_IO_PENDING.  An asynchronous one starts
 * overlapped I/O and, when it cannot finish at once, returns
 * ERROR_IO_PENDING; when the I/O completes it calls the owner back
 * (on_complete for a receive, on_send_complete for a send or a connect), and
 * the owner then calls the same operation again with the same arguments to
 * collect the result.
 *
 * A stream carries one receive and one send in flight at the same time
 * (full duplex, for WebSockets): each direction resumes on its own callback.
 * A request, which does one thing at a time, gives the same callback for
 * both.  A TLS stream in full duplex (tls_stream_duplex) never sends from a
 * receive: what OpenSSL writes there goes out with the next send.
 */
#ifndef WINHTTP_STREAM_H
#define WINHTTP_STREAM_H

#include "winhttp_private.h"

struct stream;

struct stream_ops
{
    /* Up to size bytes into buffer; *received 0 means the peer closed. */
    DWORD (*recv)(struct stream *stream, void *buffer, size_t size, int timeout, size_t *received);
    /* All size bytes, or an error. */
    DWORD (*send)(struct stream *stream, const void *data, size_t size, int timeout);
    /* From any thread: the operation in flight (or the next one) fails with
     * ERROR_WINHTTP_OPERATION_CANCELLED, and so does every one after it. */
    void (*cancel)(struct stream *stream);
    /* Whether an idle stream can carry another request: no EOF, no reset,
     * no stray bytes. */
    BOOL (*reusable)(struct stream *stream);
    void (*destroy)(struct stream *stream);
};

struct stream
{
    const struct stream_ops *ops;
    /* the owner's resumptions, for asynchronous streams: a receive's, and a
     * send's or a connect's */
    void (*on_complete)(void *context);
    void *on_complete_context;
    void (*on_send_complete)(void *context);
    void *on_send_complete_context;
};

static inline DWORD stream_recv(struct stream *s, void *buffer, size_t size, int timeout, size_t *received)
{
    return s->ops->recv(s, buffer, size, timeout, received);
}
static inline DWORD stream_send(struct stream *s, const void *data, size_t size, int timeout)
{
    return s->ops->send(s, data, size, timeout);
}
static inline void stream_cancel(struct stream *s) { s->ops->cancel(s); }
static inline BOOL stream_reusable(struct stream *s) { return s->ops->reusable(s); }
static inline void stream_destroy(struct stream *s) { if (s) s->ops->destroy(s); }

/* ---- the TCP socket stream (socket.c) -------------------------------------- */

/* A socket stream, not connected yet.  async: overlapped I/O completes on
 * the DLL's thread pool; otherwise the caller's thread waits. */
DWORD socket_stream_create(BOOL async, struct stream **out);
/* What a new socket is set up with before it connects (the connection
 * options of its request's session and request). */
struct socket_config
{
    const SOCKADDR_STORAGE *source;     /* WINHTTP_OPTION_SOURCE_ADDRESS: bound first; NULL: any */
    BOOL keepalive;                     /* WINHTTP_OPTION_TCP_KEEPALIVE */
    ULONG keepalive_time, keepalive_interval;   /* ms */
    BOOL fast_open;                     /* WINHTTP_OPTION_TCP_FAST_OPEN: asked, where the stack has it */
    int dscp;                           /* WINHTTP_OPTION_DSCP_TAG: IP_TOS / IPV6_TCLASS; -1: none */
    int priority_hint;                  /* WINHTTP_OPTION_TCP_PRIORITY_HINT: SIO_SET_PRIORITY_HINT; -1: none */
};
/* Connects to one address within the timeout; resumable like the rest.
 * An address of another family than config's source fails at once
 * (ERROR_WINHTTP_CANNOT_CONNECT), for the next address to be tried. */
DWORD socket_stream_connect(struct stream *stream, const struct sockaddr *address, int address_length,
                            int timeout, const struct socket_config *config);
/* SIO_TCP_INFO of a connected socket (version 0, 1 or 2) into buffer:
 * ERROR_SUCCESS and *returned, or ERROR_NOT_SUPPORTED where the stack has
 * no such statistics (Wine 8: WSAEOPNOTSUPP, noted as the extended error). */
DWORD socket_stream_tcp_info(struct stream *stream, DWORD version, void *buffer, DWORD size, DWORD *returned);
/* The size of a TCP_INFO of that version (2: at least a TCP_INFO_v1's; its
 * layout is not in the documentation at hand). */
DWORD socket_tcp_info_size(DWORD version);
/* WINHTTP_OPTION_EXTENDED_ERROR: the Winsock error behind the last
 * ERROR_WINHTTP_* error the socket layer (or the resolver) mapped on this
 * thread, documented as kept per thread; 0 before any. */
void winsock_note_error(int error);
DWORD winsock_last_error(void);
/* WINHTTP_OPTION_TCP_PRIORITY_HINT on an open socket: SIO_SET_PRIORITY_HINT
 * (Windows 10 1809 and later); the Winsock error where the stack has no
 * such hint (Wine 8). */
DWORD socket_stream_set_priority(struct stream *stream, DWORD hint);
/* WINHTTP_OPTION_TCP_PRIORITY_STATUS: the hint the socket took (the
 * stack's normal one when none was set), or ERROR_NOT_SUPPORTED when the
 * last hint asked of it was refused. */
DWORD socket_stream_priority(struct stream *stream, DWORD *hint);
/* A unicast address of the network interface with that index, of the
 * family (AF_UNSPEC: IPv4 first), for WINHTTP_OPTION_NETWORK_INTERFACE_AFFINITY. */
BOOL socket_interface_address(DWORD index, int family, SOCKADDR_STORAGE *out);
/* The two ends of a connected socket stream. */
void socket_stream_addresses(struct stream *stream, SOCKADDR_STORAGE *local, SOCKADDR_STORAGE *remote);
/* A connected socket changes mode between requests: blocking calls and
 * overlapped ones both work on it (the pool's I/O binding is made when
 * first needed). */
void socket_stream_set_async(struct stream *stream, BOOL async);
/* Drops a socket that failed to connect, ready for the next address. */
void socket_stream_reset(struct stream *stream);
/* While on, an asynchronous socket starts no I/O: an operation that would
 * have to wait fails with STREAM_WOULD_BLOCK instead, nothing in flight, and
 * the same call made again later (off) carries on.  Streams above pass it up
 * unchanged, so a TLS stream still hands out what it has decrypted. */
void socket_stream_no_wait(struct stream *stream, BOOL on);
#define STREAM_WOULD_BLOCK WSAEWOULDBLOCK

#endif
