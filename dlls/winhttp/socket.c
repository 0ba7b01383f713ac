/* The TCP socket stream (stream.h).
 *
 * Synchronous streams use plain blocking Winsock calls with SO_RCVTIMEO /
 * SO_SNDTIMEO: under Wine every socket call is a round trip to wineserver,
 * and a blocking recv is the fewest.  Asynchronous streams use overlapped
 * WSARecv/WSASend/ConnectEx bound to the DLL's thread pool, with
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS so that an operation that completes
 * at once is handled inline, without a hop through the pool.
 *
 * Receiving and sending each have their own slot (overlapped structure,
 * state, timer), so one receive and one send can be in flight at once: a
 * WebSocket's full duplex.  Connecting uses the send slot.
 */
/* SIO_TCP_INFO and TCP_INFO_v0 are Windows 10 1703's, TCP_INFO_v1 1809's */
#ifndef NTDDI_VERSION
#define NTDDI_VERSION 0x0A000006
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <mstcpip.h>
#include <iphlpapi.h>

#include "stream.h"
#include "task.h"

/* Not in every MinGW's headers (they are Windows 10's). */
#ifndef SIO_TCP_INFO
#define SIO_TCP_INFO _WSAIORW(IOC_VENDOR, 39)
#endif
#ifndef TCP_FASTOPEN
#define TCP_FASTOPEN 15
#endif

enum op_state
{
    OP_IDLE,
    OP_PENDING,   /* overlapped I/O in flight */
    OP_DONE,      /* completed; the next call of the operation collects it */
};

struct socket_stream;

/* One direction's overlapped operation. */
struct io_slot
{
    struct socket_stream *stream;
    BOOL sending;               /* which of the owner's callbacks its completion calls */
    enum op_state state;
    OVERLAPPED overlapped;
    TP_TIMER *timer;
    BOOL timed_out;
    ULONGLONG deadline;         /* of the pending operation (GetTickCount64) */
    DWORD result, bytes;        /* of the operation in OP_DONE */
};

struct socket_stream
{
    struct stream base;
    SOCKET socket;
    BOOL async;
    BOOL cancelled;             /* stream_cancel() was called */
    BOOL no_wait;               /* socket_stream_no_wait() */
    int recv_timeout, send_timeout;   /* as last set on the socket (sync) */

    /* asynchronous state */
    SRWLOCK lock;               /* guards the slots' states against completions, timers and cancel */
    struct io_slot receiving, sending;
    TP_IO *io;
    BOOL skip_on_success;       /* FILE_SKIP_COMPLETION_PORT_ON_SUCCESS took */
    size_t send_done;           /* bytes of the current send already sent */
    DWORD priority;             /* WINHTTP_OPTION_TCP_PRIORITY_HINT the socket took (normal by default) */
    int priority_error;         /* the Winsock error of the last hint asked, or 0 */
};

static inline struct socket_stream *impl(struct stream *stream)
{
    return CONTAINING_RECORD(stream, struct socket_stream, base);
}

/* ---- WINHTTP_OPTION_EXTENDED_ERROR ------------------------------------------------ */

static INIT_ONCE error_once = INIT_ONCE_STATIC_INIT;
static DWORD error_slot = TLS_OUT_OF_INDEXES;

static BOOL CALLBACK init_error_slot(INIT_ONCE *once, void *param, void **context)
{
    error_slot = TlsAlloc();
    return TRUE;
}

void winsock_note_error(int error)
{
    DWORD saved = GetLastError();

    InitOnceExecuteOnce(&error_once, init_error_slot, NULL, NULL);
    if (error_slot != TLS_OUT_OF_INDEXES) TlsSetValue(error_slot, (void *)(ULONG_PTR)(DWORD)error);
    SetLastError(saved);
}

DWORD winsock_last_error(void)
{
    DWORD saved = GetLastError(), error = 0;

    InitOnceExecuteOnce(&error_once, init_error_slot, NULL, NULL);
    if (error_slot != TLS_OUT_OF_INDEXES) error = (DWORD)(ULONG_PTR)TlsGetValue(error_slot);
    SetLastError(saved);
    return error;
}

/* Every Winsock failure is mapped here, and noted for EXTENDED_ERROR. */
static DWORD winsock_error(int error)
{
    TRACE("Winsock error %d\n", error);
    winsock_note_error(error);
    switch (error)
    {
    case WSAETIMEDOUT: return ERROR_WINHTTP_TIMEOUT;
    case WSAENOBUFS:   return ERROR_OUTOFMEMORY;
    default:           return ERROR_WINHTTP_CONNECTION_ERROR;
    }
}

static DWORD cancelled_or(struct socket_stream *s, DWORD error)
{
    return s->cancelled ? ERROR_WINHTTP_OPERATION_CANCELLED : error;
}

/* ---- synchronous operations -------------------------------------------------- */

static void set_timeout(SOCKET socket, int option, int timeout, int *current)
{
    DWORD value = timeout <= 0 ? 0 : (DWORD)timeout;   /* 0: wait forever */

    if (*current == timeout) return;
    setsockopt(socket, SOL_SOCKET, option, (const char *)&value, sizeof(value));
    *current = timeout;
}

static DWORD sync_recv(struct socket_stream *s, void *buffer, size_t size, int timeout, size_t *received)
{
    int ret;

    *received = 0;
    if (s->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
    set_timeout(s->socket, SO_RCVTIMEO, timeout, &s->recv_timeout);
    ret = recv(s->socket, buffer, size > 0x40000000 ? 0x40000000 : (int)size, 0);
    if (ret < 0) return cancelled_or(s, winsock_error(WSAGetLastError()));
    if (s->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;   /* woken by shutdown() */
    *received = ret;
    return ERROR_SUCCESS;
}

static DWORD sync_send(struct socket_stream *s, const void *data, size_t size, int timeout)
{
    const char *p = data;

    set_timeout(s->socket, SO_SNDTIMEO, timeout, &s->send_timeout);
    while (size)
    {
        int sent;
        if (s->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
        sent = send(s->socket, p, size > 0x40000000 ? 0x40000000 : (int)size, 0);
        if (sent <= 0) return cancelled_or(s, winsock_error(WSAGetLastError()));
        p += sent;
        size -= sent;
    }
    return ERROR_SUCCESS;
}

/* A connect that failed: the peer could not be reached. */
static DWORD connect_failed(int error)
{
    TRACE("connect failed: Winsock error %d\n", error);
    winsock_note_error(error);
    return ERROR_WINHTTP_CANNOT_CONNECT;
}

/* connect() within a timeout: non-blocking connect, then wait to be
 * writable.  WSAPoll with one entry rather than select() with the socket in
 * two sets, which Wine 8's wineserver can trip an assertion on. */
static DWORD sync_connect(struct socket_stream *s, const struct sockaddr *address, int length, int timeout)
{
    u_long nonblocking = 1, blocking = 0;
    WSAPOLLFD poll = { s->socket, POLLOUT, 0 };
    int error = 0, error_length = sizeof(error), ready;

    ioctlsocket(s->socket, FIONBIO, &nonblocking);
    if (connect(s->socket, address, length))
    {
        if ((error = WSAGetLastError()) != WSAEWOULDBLOCK) return connect_failed(error);
        ready = WSAPoll(&poll, 1, timeout > 0 ? timeout : -1);
        if (s->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
        if (!ready)
        {
            winsock_note_error(WSAETIMEDOUT);
            return ERROR_WINHTTP_TIMEOUT;
        }
        if (ready < 0) return connect_failed(WSAGetLastError());
        /* a refused or unreachable peer: SO_ERROR says which */
        if (getsockopt(s->socket, SOL_SOCKET, SO_ERROR, (char *)&error, &error_length)) error = WSAGetLastError();
        if (error || (poll.revents & (POLLERR | POLLHUP))) return connect_failed(error ? error : WSAECONNREFUSED);
    }
    ioctlsocket(s->socket, FIONBIO, &blocking);
    return ERROR_SUCCESS;
}

/* ---- asynchronous operations ---------------------------------------------------- */

static void set_timer(struct io_slot *slot, ULONGLONG ms)
{
    LARGE_INTEGER due;
    FILETIME ft;

    due.QuadPart = -(LONGLONG)ms * 10000;   /* relative, in 100 ns units */
    ft.dwLowDateTime = due.LowPart;
    ft.dwHighDateTime = due.HighPart;
    SetThreadpoolTimer(slot->timer, &ft, 0, 0);
}

static void CALLBACK timer_callback(TP_CALLBACK_INSTANCE *instance, void *context, TP_TIMER *timer)
{
    struct io_slot *slot = context;
    struct socket_stream *s = slot->stream;
    ULONGLONG now = GetTickCount64();

    /* A late firing meant for an earlier operation must spare this one;
     * and under Wine the tick count lags when wineserver is busy, so a
     * firing that looks early is one too: either way the timer goes
     * again for what is left, never dropped while an operation waits. */
    AcquireSRWLockExclusive(&s->lock);
    if (slot->state == OP_PENDING && now + 20 >= slot->deadline)
    {
        slot->timed_out = TRUE;
        CancelIoEx((HANDLE)s->socket, &slot->overlapped);
    }
    else if (slot->state == OP_PENDING && slot->deadline != ~0ull)
        set_timer(slot, slot->deadline - now);
    ReleaseSRWLockExclusive(&s->lock);
}

static void arm_timer(struct io_slot *slot, int timeout)
{
    if (timeout <= 0) return;
    if (!slot->timer && !(slot->timer = CreateThreadpoolTimer(timer_callback, slot, task_environment()))) return;
    set_timer(slot, timeout);
}

static void disarm_timer(struct io_slot *slot)
{
    if (slot->timer) SetThreadpoolTimer(slot->timer, NULL, 0, 0);
}

static void free_timer(struct io_slot *slot)
{
    if (!slot->timer) return;
    SetThreadpoolTimer(slot->timer, NULL, 0, 0);
    WaitForThreadpoolTimerCallbacks(slot->timer, TRUE);
    CloseThreadpoolTimer(slot->timer);
    slot->timer = NULL;
}

static void CALLBACK io_callback(TP_CALLBACK_INSTANCE *instance, void *context, void *overlapped, ULONG result,
                                 ULONG_PTR bytes, TP_IO *io)
{
    struct io_slot *slot = CONTAINING_RECORD(overlapped, struct io_slot, overlapped);
    struct socket_stream *s = slot->stream;
    BOOL sending = slot->sending;

    TRACE("%p: %s result %lu, %Iu bytes\n", s, sending ? "send" : "recv", result, bytes);
    disarm_timer(slot);
    AcquireSRWLockExclusive(&s->lock);
    slot->state = OP_DONE;
    slot->result = result;
    slot->bytes = (DWORD)bytes;
    ReleaseSRWLockExclusive(&s->lock);
    /* the stream may be destroyed by the owner from here on */
    if (sending) s->base.on_send_complete(s->base.on_send_complete_context);
    else s->base.on_complete(s->base.on_complete_context);
}

/* The finished operation's outcome as a WinHTTP error. */
static DWORD collect(struct socket_stream *s, struct io_slot *slot, DWORD *bytes)
{
    DWORD error = ERROR_SUCCESS;

    slot->state = OP_IDLE;
    *bytes = slot->bytes;
    if (s->cancelled) error = ERROR_WINHTTP_OPERATION_CANCELLED;
    else if (slot->timed_out)
    {
        winsock_note_error(WSAETIMEDOUT);
        error = ERROR_WINHTTP_TIMEOUT;
    }
    else if (slot->result)
    {
        DWORD done, flags;

        /* the completion gave a system error; the overlapped result gives
         * the Winsock one */
        if (!WSAGetOverlappedResult(s->socket, &slot->overlapped, &done, FALSE, &flags))
            winsock_note_error(WSAGetLastError());
        else winsock_note_error(slot->result);
        error = ERROR_WINHTTP_CONNECTION_ERROR;
    }
    slot->timed_out = FALSE;
    if (error) *bytes = 0;
    return error;
}

/* After an overlapped call (ret, and *bytes as the call set it): returns
 * ERROR_IO_PENDING when a completion will come, or the result of one that
 * finished at once (its count left in *bytes). */
static DWORD started(struct socket_stream *s, struct io_slot *slot, int ret, int timeout, DWORD *bytes)
{
    int error = ret ? WSAGetLastError() : 0;

    TRACE("%p: ret %d error %d bytes %lu\n", s, ret, error, *bytes);
    if (!ret && s->skip_on_success)
    {
        CancelThreadpoolIo(s->io);   /* no completion packet will come */
        return cancelled_or(s, ERROR_SUCCESS);
    }
    if (ret && error != WSA_IO_PENDING)
    {
        CancelThreadpoolIo(s->io);
        *bytes = 0;
        return cancelled_or(s, winsock_error(error));
    }
    AcquireSRWLockExclusive(&s->lock);
    if (slot->state == OP_IDLE) slot->state = OP_PENDING;   /* unless it has completed already */
    if (s->cancelled && slot->state == OP_PENDING) CancelIoEx((HANDLE)s->socket, &slot->overlapped);
    ReleaseSRWLockExclusive(&s->lock);
    arm_timer(slot, timeout);
    return ERROR_IO_PENDING;
}

static void begin(struct socket_stream *s, struct io_slot *slot, int timeout)
{
    memset(&slot->overlapped, 0, sizeof(slot->overlapped));
    AcquireSRWLockExclusive(&s->lock);
    slot->timed_out = FALSE;
    slot->deadline = timeout > 0 ? GetTickCount64() + timeout : ~0ull;
    ReleaseSRWLockExclusive(&s->lock);
    StartThreadpoolIo(s->io);
}

static DWORD async_recv(struct socket_stream *s, void *buffer, size_t size, int timeout, size_t *received)
{
    struct io_slot *slot = &s->receiving;
    WSABUF wsabuf = { size > 0x40000000 ? 0x40000000 : (ULONG)size, buffer };
    DWORD flags = 0, done = 0, error;
    int ret;

    *received = 0;
    if (slot->state == OP_PENDING) return ERROR_IO_PENDING;
    if (slot->state == OP_DONE)
    {
        error = collect(s, slot, &done);
        *received = done;
        return error;
    }
    if (s->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
    if (s->no_wait) return STREAM_WOULD_BLOCK;
    begin(s, slot, timeout);
    ret = WSARecv(s->socket, &wsabuf, 1, &done, &flags, &slot->overlapped, NULL);
    error = started(s, slot, ret, timeout, &done);
    if (error != ERROR_IO_PENDING) *received = done;
    return error;
}

/* Sends what is left of data; a short send goes round again. */
static DWORD async_send(struct socket_stream *s, const void *data, size_t size, int timeout)
{
    struct io_slot *slot = &s->sending;
    DWORD done = 0, error;
    int ret;

    for (;;)
    {
        WSABUF wsabuf;

        if (slot->state == OP_PENDING) return ERROR_IO_PENDING;
        if (slot->state == OP_DONE)
        {
            if ((error = collect(s, slot, &done))) break;
            s->send_done += done;
        }
        if (s->send_done >= size) { error = ERROR_SUCCESS; break; }
        if (s->cancelled) { error = ERROR_WINHTTP_OPERATION_CANCELLED; break; }
        if (s->no_wait) return STREAM_WOULD_BLOCK;     /* send_done kept for the call made again */
        wsabuf.len = size - s->send_done > 0x40000000 ? 0x40000000 : (ULONG)(size - s->send_done);
        wsabuf.buf = (char *)data + s->send_done;
        begin(s, slot, timeout);
        ret = WSASend(s->socket, &wsabuf, 1, &done, 0, &slot->overlapped, NULL);
        error = started(s, slot, ret, timeout, &done);
        if (error == ERROR_IO_PENDING) return error;
        if (error) break;
        s->send_done += done;
    }
    s->send_done = 0;
    return error;
}

static LPFN_CONNECTEX connect_ex_function(SOCKET socket)
{
    static LPFN_CONNECTEX function;
    GUID guid = WSAID_CONNECTEX;
    DWORD size;

    if (!function)
        WSAIoctl(socket, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), &function, sizeof(function),
                 &size, NULL, NULL);
    return function;
}

static DWORD async_connect(struct socket_stream *s, const struct sockaddr *address, int length, int timeout,
                           const struct socket_config *config)
{
    struct io_slot *slot = &s->sending;
    SOCKADDR_STORAGE local = { 0 };
    LPFN_CONNECTEX connect_ex;
    DWORD done = 0, error;
    int ret;

    if (slot->state == OP_PENDING) return ERROR_IO_PENDING;
    if (slot->state == OP_DONE)
    {
        if ((error = collect(s, slot, &done)))
            return error == ERROR_WINHTTP_CONNECTION_ERROR ? ERROR_WINHTTP_CANNOT_CONNECT : error;
        setsockopt(s->socket, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0);
        return ERROR_SUCCESS;
    }
    if (s->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
    if (s->no_wait) return STREAM_WOULD_BLOCK;
    /* ConnectEx wants a bound socket: to the source address, or any */
    if (!config->source)
    {
        local.ss_family = address->sa_family;
        if (bind(s->socket, (struct sockaddr *)&local, length)) return connect_failed(WSAGetLastError());
    }
    if (!(connect_ex = connect_ex_function(s->socket))) return connect_failed(WSAGetLastError());
    begin(s, slot, timeout);
    ret = connect_ex(s->socket, address, length, NULL, 0, NULL, &slot->overlapped) ? 0 : -1;
    error = started(s, slot, ret, timeout, &done);
    if (!error) setsockopt(s->socket, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0);
    return error == ERROR_WINHTTP_CONNECTION_ERROR ? ERROR_WINHTTP_CANNOT_CONNECT : error;
}

/* ---- the stream ------------------------------------------------------------------- */

static DWORD socket_recv(struct stream *stream, void *buffer, size_t size, int timeout, size_t *received)
{
    struct socket_stream *s = impl(stream);
    return s->async ? async_recv(s, buffer, size, timeout, received) : sync_recv(s, buffer, size, timeout, received);
}

static DWORD socket_send(struct stream *stream, const void *data, size_t size, int timeout)
{
    struct socket_stream *s = impl(stream);
    return s->async ? async_send(s, data, size, timeout) : sync_send(s, data, size, timeout);
}

static void socket_cancel(struct stream *stream)
{
    struct socket_stream *s = impl(stream);

    AcquireSRWLockExclusive(&s->lock);
    s->cancelled = TRUE;
    if (s->socket != INVALID_SOCKET)
    {
        if (s->async && s->receiving.state == OP_PENDING) CancelIoEx((HANDLE)s->socket, &s->receiving.overlapped);
        if (s->async && s->sending.state == OP_PENDING) CancelIoEx((HANDLE)s->socket, &s->sending.overlapped);
        /* wakes a blocking call on another thread: shutdown() does on
         * Windows, not under Wine, where cancelling every I/O of the socket
         * (a blocking call's too, whatever thread made it) does */
        if (!s->async)
        {
            shutdown(s->socket, SD_BOTH);
            CancelIoEx((HANDLE)s->socket, NULL);
        }
    }
    ReleaseSRWLockExclusive(&s->lock);
}

static BOOL socket_reusable(struct stream *stream)
{
    struct socket_stream *s = impl(stream);
    struct timeval zero = { 0, 0 };
    fd_set readable;

    if (s->cancelled || s->socket == INVALID_SOCKET) return FALSE;
    /* an idle connection must have nothing to read: readable means EOF, a
     * reset, or bytes the server should not have sent */
    FD_ZERO(&readable);
    FD_SET(s->socket, &readable);
    return select(0, &readable, NULL, NULL, &zero) == 0;
}

static void close_socket(struct socket_stream *s)
{
    if (s->io)
    {
        CloseThreadpoolIo(s->io);
        s->io = NULL;
    }
    if (s->socket != INVALID_SOCKET) closesocket(s->socket);
    s->socket = INVALID_SOCKET;
    s->receiving.state = s->sending.state = OP_IDLE;
    s->send_done = 0;
    s->recv_timeout = s->send_timeout = -1;
}

/* The owner destroys a stream only when no operation is in flight. */
static void socket_destroy(struct stream *stream)
{
    struct socket_stream *s = impl(stream);

    free_timer(&s->receiving);
    free_timer(&s->sending);
    close_socket(s);
    heap_free(s);
}

static const struct stream_ops socket_ops =
{
    socket_recv,
    socket_send,
    socket_cancel,
    socket_reusable,
    socket_destroy,
};

static BOOL winsock_ready(void)
{
    static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    static BOOL ok;
    BOOL pending;

    if (!InitOnceBeginInitialize(&once, 0, &pending, NULL)) return FALSE;
    if (pending)
    {
        WSADATA data;
        ok = !WSAStartup(MAKEWORD(2, 2), &data);
        InitOnceComplete(&once, 0, NULL);
    }
    return ok;
}

DWORD socket_stream_create(BOOL async, struct stream **out)
{
    struct socket_stream *s;

    if (!winsock_ready()) return ERROR_WINHTTP_INTERNAL_ERROR;
    if (!(s = heap_alloc_zero(sizeof(*s)))) return ERROR_OUTOFMEMORY;
    s->base.ops = &socket_ops;
    s->socket = INVALID_SOCKET;
    s->async = async;
    s->recv_timeout = s->send_timeout = -1;
    s->receiving.stream = s->sending.stream = s;
    s->sending.sending = TRUE;
    InitializeSRWLock(&s->lock);
    *out = &s->base;
    return ERROR_SUCCESS;
}

/* Overlapped calls complete on the DLL's pool. */
static DWORD bind_to_pool(struct socket_stream *s)
{
    if (s->io) return ERROR_SUCCESS;
    if (!(s->io = CreateThreadpoolIo((HANDLE)s->socket, io_callback, s, task_environment())))
        return ERROR_OUTOFMEMORY;
    s->skip_on_success = SetFileCompletionNotificationModes((HANDLE)s->socket, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
    return ERROR_SUCCESS;
}

static int address_length(const SOCKADDR_STORAGE *address)
{
    return address->ss_family == AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN);
}

/* TCP keep-alive as WINHTTP_OPTION_TCP_KEEPALIVE asks: SIO_KEEPALIVE_VALS
 * (Wine 8 has it; it has neither TCP_KEEPIDLE nor TCP_KEEPINTVL), else at
 * least SO_KEEPALIVE with the stack's times. */
static void set_keepalive(SOCKET socket, const struct socket_config *config)
{
    struct tcp_keepalive values = { 1, config->keepalive_time, config->keepalive_interval };
    DWORD returned, on = TRUE;

    if (!WSAIoctl(socket, SIO_KEEPALIVE_VALS, &values, sizeof(values), NULL, 0, &returned, NULL, NULL)) return;
    WARN("SIO_KEEPALIVE_VALS failed (%d): SO_KEEPALIVE with the default times\n", WSAGetLastError());
    setsockopt(socket, SOL_SOCKET, SO_KEEPALIVE, (const char *)&on, sizeof(on));
}

/* SIO_SET_PRIORITY_HINT and its values (mstcpip.h has them only for
 * newer Windows targets). */
#ifndef SIO_SET_PRIORITY_HINT
#define SIO_SET_PRIORITY_HINT _WSAIOW(IOC_VENDOR, 24)
#endif
#define PRIORITY_HINT_NORMAL 2

static void apply_priority(struct socket_stream *s, DWORD hint)
{
    DWORD returned;

    if (!WSAIoctl(s->socket, SIO_SET_PRIORITY_HINT, &hint, sizeof(hint), NULL, 0, &returned, NULL, NULL))
    {
        s->priority = hint;
        s->priority_error = 0;
        return;
    }
    s->priority_error = WSAGetLastError();
    TRACE("no priority hint %lu: %d\n", hint, s->priority_error);
}

/* WINHTTP_OPTION_DSCP_TAG: the DSCP is the upper six bits of the IPv4 TOS
 * byte and of the IPv6 traffic class.  Windows applies IP_TOS only where
 * its policy lets applications mark packets; Wine passes it to the host. */
static void apply_dscp(SOCKET socket, int family, int dscp)
{
    DWORD value = (DWORD)dscp << 2;
    int result = family == AF_INET6 ? setsockopt(socket, IPPROTO_IPV6, IPV6_TCLASS, (const char *)&value, sizeof(value))
                                    : setsockopt(socket, IPPROTO_IP, IP_TOS, (const char *)&value, sizeof(value));

    if (result) TRACE("DSCP %d not set: %d\n", dscp, WSAGetLastError());
}

static DWORD open_socket(struct socket_stream *s, int family, const struct socket_config *config)
{
    BOOL nodelay = TRUE, on = TRUE;

    s->socket = WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s->socket == INVALID_SOCKET) return connect_failed(WSAGetLastError());
    setsockopt(s->socket, IPPROTO_TCP, TCP_NODELAY, (const char *)&nodelay, sizeof(nodelay));
    if (config->keepalive) set_keepalive(s->socket, config);
    /* Windows 10 1607 and later; Wine 8 answers WSAENOPROTOOPT, and the
     * connection goes on without it */
    if (config->fast_open && setsockopt(s->socket, IPPROTO_TCP, TCP_FASTOPEN, (const char *)&on, sizeof(on)))
        TRACE("no TCP Fast Open: %d\n", WSAGetLastError());
    s->priority = PRIORITY_HINT_NORMAL;
    s->priority_error = 0;
    if (config->dscp >= 0) apply_dscp(s->socket, family, config->dscp);
    if (config->priority_hint >= 0) apply_priority(s, (DWORD)config->priority_hint);
    if (config->source && bind(s->socket, (const struct sockaddr *)config->source, address_length(config->source)))
        return connect_failed(WSAGetLastError());
    return s->async ? bind_to_pool(s) : ERROR_SUCCESS;
}

void socket_stream_set_async(struct stream *stream, BOOL async)
{
    struct socket_stream *s = impl(stream);

    /* should the binding fail, the socket stays blocking: slower, not wrong */
    if (async && s->socket != INVALID_SOCKET && bind_to_pool(s)) return;
    s->async = async;
}

DWORD socket_stream_connect(struct stream *stream, const struct sockaddr *address, int length, int timeout,
                            const struct socket_config *config)
{
    struct socket_stream *s = impl(stream);
    DWORD error;

    /* a source address of the other family cannot reach this one */
    if (config->source && config->source->ss_family != address->sa_family) return connect_failed(WSAEAFNOSUPPORT);
    if (s->socket == INVALID_SOCKET && (error = open_socket(s, address->sa_family, config))) return error;
    return s->async ? async_connect(s, address, length, timeout, config) : sync_connect(s, address, length, timeout);
}

DWORD socket_tcp_info_size(DWORD version)
{
    return version ? sizeof(TCP_INFO_v1) : sizeof(TCP_INFO_v0);
}

DWORD socket_stream_tcp_info(struct stream *stream, DWORD version, void *buffer, DWORD size, DWORD *returned)
{
    struct socket_stream *s = impl(stream);
    int error;

    *returned = 0;
    if (!WSAIoctl(s->socket, SIO_TCP_INFO, &version, sizeof(version), buffer, size, returned, NULL, NULL))
        return ERROR_SUCCESS;
    error = WSAGetLastError();
    TRACE("SIO_TCP_INFO version %lu: Winsock error %d\n", version, error);
    winsock_note_error(error);
    return error == WSAEFAULT ? ERROR_INSUFFICIENT_BUFFER : ERROR_NOT_SUPPORTED;
}

/* WINHTTP_OPTION_NETWORK_INTERFACE_AFFINITY: a unicast address of the
 * interface with that index (IPv4 or IPv6 index), of the family asked, or
 * AF_UNSPEC for the first IPv4 one, else the first IPv6 one. */
typedef ULONG (WINAPI *adapters_fn)(ULONG, ULONG, void *, IP_ADAPTER_ADDRESSES *, ULONG *);

BOOL socket_interface_address(DWORD index, int family, SOCKADDR_STORAGE *out)
{
    static const ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
    HMODULE iphlpapi = LoadLibraryW(L"iphlpapi.dll");
    IP_ADAPTER_ADDRESSES *list = NULL, *adapter;
    IP_ADAPTER_UNICAST_ADDRESS *address;
    ULONG size = 16384, err = ERROR_BUFFER_OVERFLOW;
    adapters_fn get_adapters;
    BOOL found = FALSE;

    memset(out, 0, sizeof(*out));
    if (!index || !iphlpapi) return FALSE;
    get_adapters = (adapters_fn)(void *)GetProcAddress(iphlpapi, "GetAdaptersAddresses");
    for (int tries = 0; get_adapters && err == ERROR_BUFFER_OVERFLOW && tries < 3; tries++)
    {
        heap_free(list);
        if (!(list = heap_alloc(size))) break;
        err = get_adapters(AF_UNSPEC, flags, NULL, list, &size);
    }
    for (int pass = 0; !err && list && pass < 2 && !found; pass++)
    {
        int want = family != AF_UNSPEC ? family : pass ? AF_INET6 : AF_INET;

        for (adapter = list; adapter && !found; adapter = adapter->Next)
        {
            if (adapter->IfIndex != index && adapter->Ipv6IfIndex != index) continue;
            for (address = adapter->FirstUnicastAddress; address && !found; address = address->Next)
            {
                const SOCKADDR *sa = address->Address.lpSockaddr;

                if (!sa || sa->sa_family != want || address->Address.iSockaddrLength > (int)sizeof(*out)) continue;
                memcpy(out, sa, address->Address.iSockaddrLength);
                found = TRUE;
            }
        }
    }
    heap_free(list);
    FreeLibrary(iphlpapi);
    return found;
}

DWORD socket_stream_set_priority(struct stream *stream, DWORD hint)
{
    struct socket_stream *s = impl(stream);

    if (s->socket == INVALID_SOCKET) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    apply_priority(s, hint);
    return s->priority_error;
}

DWORD socket_stream_priority(struct stream *stream, DWORD *hint)
{
    struct socket_stream *s = impl(stream);

    if (s->socket == INVALID_SOCKET) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (s->priority_error)
    {
        winsock_note_error(s->priority_error);
        return ERROR_NOT_SUPPORTED;
    }
    *hint = s->priority;
    return ERROR_SUCCESS;
}

void socket_stream_no_wait(struct stream *stream, BOOL on)
{
    impl(stream)->no_wait = on;
}

void socket_stream_reset(struct stream *stream)
{
    close_socket(impl(stream));
}

void socket_stream_addresses(struct stream *stream, SOCKADDR_STORAGE *local, SOCKADDR_STORAGE *remote)
{
    struct socket_stream *s = impl(stream);
    int local_length = sizeof(*local), remote_length = sizeof(*remote);

    memset(local, 0, sizeof(*local));
    memset(remote, 0, sizeof(*remote));
    getsockname(s->socket, (struct sockaddr *)local, &local_length);
    getpeername(s->socket, (struct sockaddr *)remote, &remote_length);
}
