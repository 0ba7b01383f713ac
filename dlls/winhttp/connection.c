/* TCP connections: resolve, connect with a timeout, send, receive. */
#include <stdio.h>

#include "connection.h"

static BOOL winsock_ready(void)
{
    static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    static WSADATA data;
    BOOL pending;
    static BOOL ok;

    if (!InitOnceBeginInitialize(&once, 0, &pending, NULL)) return FALSE;
    if (pending)
    {
        ok = !WSAStartup(MAKEWORD(2, 2), &data);
        InitOnceComplete(&once, 0, NULL);
    }
    return ok;
}

static DWORD winsock_error(int error)
{
    switch (error)
    {
    case WSAETIMEDOUT: return ERROR_WINHTTP_TIMEOUT;
    case WSAENOBUFS:   return ERROR_OUTOFMEMORY;
    default:           return ERROR_WINHTTP_CONNECTION_ERROR;
    }
}

static void set_timeout(SOCKET s, int option, int timeout)
{
    DWORD value = timeout <= 0 ? 0 : (DWORD)timeout;   /* 0: wait forever */
    setsockopt(s, SOL_SOCKET, option, (const char *)&value, sizeof(value));
}

/* connect() with a timeout: non-blocking connect, then wait for writability. */
static DWORD connect_with_timeout(SOCKET s, const struct sockaddr *addr, int addr_len, int timeout)
{
    u_long nonblocking = 1, blocking = 0;
    struct timeval tv = { timeout / 1000, (timeout % 1000) * 1000 };
    fd_set writable, failed;
    int error = 0, len = sizeof(error), ready;

    ioctlsocket(s, FIONBIO, &nonblocking);
    if (!connect(s, addr, addr_len)) goto connected;
    if (WSAGetLastError() != WSAEWOULDBLOCK) return ERROR_WINHTTP_CANNOT_CONNECT;
    FD_ZERO(&writable); FD_SET(s, &writable);
    FD_ZERO(&failed); FD_SET(s, &failed);
    ready = select(0, NULL, &writable, &failed, timeout > 0 ? &tv : NULL);
    if (!ready) return ERROR_WINHTTP_TIMEOUT;
    if (ready < 0 || FD_ISSET(s, &failed)) return ERROR_WINHTTP_CANNOT_CONNECT;
    if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&error, &len) || error) return ERROR_WINHTTP_CANNOT_CONNECT;
connected:
    ioctlsocket(s, FIONBIO, &blocking);
    return ERROR_SUCCESS;
}

static void format_address(const struct sockaddr *addr, int addr_len, WCHAR *out, DWORD size)
{
    /* WSAAddressToString appends the port; the callback wants the address. */
    char host[64];
    if (getnameinfo(addr, addr_len, host, sizeof(host), NULL, 0, NI_NUMERICHOST)) host[0] = 0;
    MultiByteToWideChar(CP_ACP, 0, host, -1, out, size);
}

static DWORD resolve(struct object *obj, const WCHAR *host, INTERNET_PORT port, ADDRINFOW **result)
{
    ADDRINFOW hints = { 0 };
    WCHAR service[8], name[256];
    size_t length = lstrlenW(host);
    int ret;

    /* "[::1]" names an IPv6 literal */
    if (host[0] == '[' && length > 2 && host[length - 1] == ']' && length - 2 < ARRAY_SIZE(name))
    {
        memcpy(name, host + 1, (length - 2) * sizeof(WCHAR));
        name[length - 2] = 0;
        host = name;
    }
    swprintf(service, ARRAY_SIZE(service), L"%u", port);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    notify(obj, WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, (void *)host, (lstrlenW(host) + 1) * sizeof(WCHAR));
    ret = GetAddrInfoW(host, service, &hints, result);
    TRACE("%s -> %d\n", debugstr_w(host), ret);
    if (ret) return ERROR_WINHTTP_NAME_NOT_RESOLVED;
    notify(obj, WINHTTP_CALLBACK_STATUS_NAME_RESOLVED, (void *)host, (lstrlenW(host) + 1) * sizeof(WCHAR));
    return ERROR_SUCCESS;
}

DWORD connection_open(struct object *obj, const WCHAR *host, INTERNET_PORT port, BOOL secure,
                      struct connection **out)
{
    struct connection *conn;
    ADDRINFOW *addresses, *ai;
    DWORD error;

    if (!winsock_ready()) return ERROR_WINHTTP_INTERNAL_ERROR;
    if ((error = resolve(obj, host, port, &addresses))) return error;
    if (!(conn = heap_alloc_zero(sizeof(*conn))) || !(conn->buffer = heap_alloc(CONNECTION_BUFFER_SIZE)) ||
        !(conn->host = strdupW(host)))
    {
        FreeAddrInfoW(addresses);
        if (conn) { heap_free(conn->buffer); heap_free(conn); }
        return ERROR_OUTOFMEMORY;
    }
    conn->port = port;
    conn->secure = secure;
    conn->socket = INVALID_SOCKET;
    error = ERROR_WINHTTP_CANNOT_CONNECT;
    for (ai = addresses; ai; ai = ai->ai_next)   /* every address in turn */
    {
        SOCKET s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s == INVALID_SOCKET) continue;
        format_address(ai->ai_addr, (int)ai->ai_addrlen, conn->address, ARRAY_SIZE(conn->address));
        notify(obj, WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, conn->address,
               (lstrlenW(conn->address) + 1) * sizeof(WCHAR));
        error = connect_with_timeout(s, ai->ai_addr, (int)ai->ai_addrlen, obj->settings.connect_timeout);
        if (!error)
        {
            BOOL nodelay = TRUE;
            setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&nodelay, sizeof(nodelay));
            conn->socket = s;
            break;
        }
        TRACE("connect to %s failed: %lu\n", debugstr_w(conn->address), error);
        closesocket(s);
    }
    FreeAddrInfoW(addresses);
    if (conn->socket == INVALID_SOCKET)
    {
        connection_close(conn);
        return error;
    }
    notify(obj, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, conn->address,
           (lstrlenW(conn->address) + 1) * sizeof(WCHAR));
    *out = conn;
    return ERROR_SUCCESS;
}

void connection_close(struct connection *conn)
{
    if (!conn) return;
    if (conn->socket != INVALID_SOCKET) closesocket(conn->socket);
    heap_free(conn->buffer);
    heap_free(conn->host);
    heap_free(conn);
}

DWORD connection_send(struct connection *conn, const void *data, size_t size, int timeout)
{
    const char *p = data;

    set_timeout(conn->socket, SO_SNDTIMEO, timeout);
    while (size)
    {
        int chunk = size > 0x40000000 ? 0x40000000 : (int)size;
        int sent = send(conn->socket, p, chunk, 0);
        if (sent <= 0) return winsock_error(WSAGetLastError());
        p += sent;
        size -= sent;
    }
    return ERROR_SUCCESS;
}

DWORD connection_recv(struct connection *conn, void *buffer, size_t size, int timeout, size_t *received)
{
    int ret;

    set_timeout(conn->socket, SO_RCVTIMEO, timeout);
    ret = recv(conn->socket, buffer, size > 0x40000000 ? 0x40000000 : (int)size, 0);
    if (ret < 0)
    {
        int error = WSAGetLastError();
        *received = 0;
        /* a reset ends the stream like a close, but it is an error */
        return winsock_error(error);
    }
    *received = ret;
    return ERROR_SUCCESS;
}

DWORD connection_fill(struct connection *conn, int timeout, size_t *received)
{
    if (conn->start == conn->end) conn->start = conn->end = 0;
    else if (conn->start)
    {
        memmove(conn->buffer, conn->buffer + conn->start, conn->end - conn->start);
        conn->end -= conn->start;
        conn->start = 0;
    }
    if (conn->end == CONNECTION_BUFFER_SIZE) { *received = 0; return ERROR_WINHTTP_INTERNAL_ERROR; }
    DWORD error = connection_recv(conn, conn->buffer + conn->end, CONNECTION_BUFFER_SIZE - conn->end, timeout,
                                  received);
    conn->end += *received;
    return error;
}

BOOL connection_alive(struct connection *conn)
{
    fd_set readable;
    struct timeval zero = { 0, 0 };

    /* An idle connection must have nothing to read: readable means EOF, a
     * reset, or bytes the server should not have sent. */
    FD_ZERO(&readable);
    FD_SET(conn->socket, &readable);
    return select(0, &readable, NULL, NULL, &zero) == 0 && conn->start == conn->end;
}
