/* The scripted HTTP server of the conformance programs (see server.h).
 *
 * One thread accepts; each accepted connection runs its script on a thread
 * of its own.  Sockets are non-blocking and every wait is a WSAPoll() in
 * short slices that also watches the stop flag, so server_stop() never
 * waits on a client. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "server.h"

#define SLICE_MS 20           /* how often a wait looks at the stop flag */
#define QUIET_MS 200          /* script_close(): the client is done when quiet this long */
#define MAX_HEAD (64 * 1024)  /* a longer request head is an error */
#define MAX_SEND (64 * 1024)  /* bytes per send() call */

enum step_kind
{
    STEP_RECV_REQUEST, STEP_RECV_BODY, STEP_SEND, STEP_SEND_BUILT, STEP_WAIT,
    STEP_CLOSE, STEP_RESET, STEP_AWAIT_CLOSE, STEP_REPEAT,
};

struct step
{
    enum step_kind kind;
    char *bytes;        /* STEP_SEND: our own copy */
    size_t length;
    size_t piece;       /* STEP_SEND: bytes per send, 0 for all at once */
    DWORD ms;           /* STEP_SEND: pause between pieces; STEP_WAIT, STEP_AWAIT_CLOSE */
    long long count;    /* STEP_RECV_BODY */
    script_builder build; /* STEP_SEND_BUILT, with its context */
    void *context;
};

struct script
{
    struct step *steps;
    int count, capacity;
};

struct server
{
    SOCKET listener;
    unsigned short port;
    HANDLE accept_thread;
    HANDLE stop_event;
    volatile LONG stopping;
    volatile DWORD timeout;
    CRITICAL_SECTION lock;      /* guards the arrays and error_text */

    struct script **scripts;
    int script_count, script_capacity;
    struct script *every;

    HANDLE *threads;            /* connection threads, reaped as they finish */
    int thread_count, thread_capacity;

    struct server_request **requests;
    int request_count, request_capacity;

    volatile LONG connections, open, errors;
    char error_text[256];
};

/* One accepted connection; owned and freed by its thread. */
struct connection
{
    struct server *server;
    SOCKET socket;
    int index;
    const struct script *script;
    int step;
    char *buffer;               /* bytes received and not consumed yet */
    size_t have, capacity;
    struct server_request *last;
    int requests;
};

/* What a step tells the connection loop. */
enum outcome { NEXT, END, FAILED };

/* What a wait for the socket ended with. */
enum wait_result { READY, TIMED_OUT, STOPPED };

/* ---- small helpers ---------------------------------------------------------- */

static void *grow(void *array, int *capacity, int needed, size_t element)
{
    int new_capacity;
    void *p;

    if (needed <= *capacity) return array;
    new_capacity = *capacity ? *capacity * 2 : 8;
    while (new_capacity < needed) new_capacity *= 2;
    if (!(p = realloc(array, new_capacity * element))) abort();
    *capacity = new_capacity;
    return p;
}

static void *copy_bytes(const void *bytes, size_t length)
{
    char *p = malloc(length + 1);

    if (!p) abort();
    if (length) memcpy(p, bytes, length);
    p[length] = 0;
    return p;
}

static ULONGLONG deadline_after(DWORD ms)
{
    return ms == INFINITE ? ~0ull : GetTickCount64() + ms;
}

static DWORD remaining_until(ULONGLONG deadline)
{
    ULONGLONG now = GetTickCount64();

    if (deadline == ~0ull) return INFINITE;
    return now >= deadline ? 0 : (DWORD)(deadline - now);
}

static void fail(struct connection *conn, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void fail(struct connection *conn, const char *format, ...)
{
    struct server *server = conn->server;
    char message[200];
    va_list args;

    va_start(args, format);
    vsnprintf(message, sizeof(message), format, args);
    va_end(args);
    InterlockedIncrement(&server->errors);
    EnterCriticalSection(&server->lock);
    if (!server->error_text[0])
        snprintf(server->error_text, sizeof(server->error_text), "connection %d step %d: %s",
                 conn->index, conn->step, message);
    LeaveCriticalSection(&server->lock);
    fprintf(stderr, "server: connection %d step %d: %s\n", conn->index, conn->step, message);
}

/* ---- waiting and socket I/O --------------------------------------------------- */

/* Waits until `socket` is readable (or writable), in slices that watch the
 * stop flag. */
static enum wait_result wait_socket(struct server *server, SOCKET socket, BOOL write, DWORD ms)
{
    ULONGLONG deadline = deadline_after(ms);

    for (;;)
    {
        DWORD left = remaining_until(deadline);
        WSAPOLLFD poll = { socket, write ? POLLOUT : POLLIN, 0 };
        int n;

        if (server->stopping) return STOPPED;
        /* one entry per socket: Wine 8's wineserver can assert when a
         * select() names the same socket in two sets */
        n = WSAPoll(&poll, 1, (int)(left < SLICE_MS ? left : SLICE_MS));
        if (n != 0) return READY;  /* readable, writable, failed: the next call says which */
        if (!left) return TIMED_OUT;
    }
}

/* Sleeps, waking at once when the server stops; FALSE if it did. */
static BOOL pause_ms(struct server *server, DWORD ms)
{
    return WaitForSingleObject(server->stop_event, ms) == WAIT_TIMEOUT;
}

enum receive_result { RECEIVED, PEER_CLOSED, RECV_ERROR, RECV_TIMEOUT, RECV_STOPPED };

/* Appends what the client sends to conn->buffer, waiting at most `ms`. */
static enum receive_result receive_more(struct connection *conn, DWORD ms)
{
    ULONGLONG deadline = deadline_after(ms);
    int n;

    if (conn->capacity - conn->have < 4096)
    {
        conn->capacity = conn->capacity ? conn->capacity * 2 : 16384;
        if (!(conn->buffer = realloc(conn->buffer, conn->capacity))) abort();
    }
    for (;;)
    {
        switch (wait_socket(conn->server, conn->socket, FALSE, remaining_until(deadline)))
        {
        case STOPPED: return RECV_STOPPED;
        case TIMED_OUT: return RECV_TIMEOUT;
        case READY: break;
        }
        n = recv(conn->socket, conn->buffer + conn->have, (int)(conn->capacity - conn->have), 0);
        if (n > 0)
        {
            conn->have += n;
            return RECEIVED;
        }
        if (n == 0) return PEER_CLOSED;
        if (WSAGetLastError() != WSAEWOULDBLOCK) return RECV_ERROR;
    }
}

static void consume(struct connection *conn, size_t length)
{
    memmove(conn->buffer, conn->buffer + length, conn->have - length);
    conn->have -= length;
}

static const char *receive_problem(enum receive_result result)
{
    switch (result)
    {
    case PEER_CLOSED: return "the client closed the connection";
    case RECV_ERROR: return "recv failed (connection reset?)";
    case RECV_TIMEOUT: return "timed out";
    default: return "stopped";
    }
}

static enum outcome send_all(struct connection *conn, const char *bytes, size_t length)
{
    while (length)
    {
        int n = send(conn->socket, bytes, (int)(length < MAX_SEND ? length : MAX_SEND), 0);

        if (n > 0)
        {
            bytes += n;
            length -= n;
            continue;
        }
        if (WSAGetLastError() != WSAEWOULDBLOCK)
        {
            fail(conn, "send failed with error %d, %lu bytes unsent", WSAGetLastError(),
                 (unsigned long)length);
            return FAILED;
        }
        switch (wait_socket(conn->server, conn->socket, TRUE, conn->server->timeout))
        {
        case STOPPED: return END;
        case TIMED_OUT:
            fail(conn, "send timed out (the client reads nothing), %lu bytes unsent",
                 (unsigned long)length);
            return FAILED;
        case READY: break;
        }
    }
    return NEXT;
}

static void close_socket(struct connection *conn)
{
    if (conn->socket == INVALID_SOCKET) return;
    closesocket(conn->socket);
    conn->socket = INVALID_SOCKET;
}

/* ---- parsing what the client sent ----------------------------------------------- */

static const char *find_bytes(const char *data, size_t length, const char *what)
{
    size_t n = strlen(what);

    for (size_t i = 0; i + n <= length; i++)
        if (!memcmp(data + i, what, n)) return data + i;
    return NULL;
}

/* The value of header `name` in a request head, or NULL. */
static const char *header_value(const char *head, const char *name)
{
    size_t n = strlen(name);

    for (const char *line = strstr(head, "\r\n"); line; line = strstr(line, "\r\n"))
    {
        line += 2;
        if (!_strnicmp(line, name, n) && line[n] == ':')
        {
            line += n + 1;
            while (*line == ' ' || *line == '\t') line++;
            return line;
        }
    }
    return NULL;
}

/* The length of a complete chunked body at the start of `data`: 0 if it is
 * not complete yet, -1 if it is malformed. */
static long long chunked_length(const char *data, size_t have)
{
    size_t pos = 0;

    for (;;)
    {
        const char *eol = find_bytes(data + pos, have - pos, "\r\n");
        unsigned long long size;
        char *end;

        if (!eol) return 0;
        size = strtoull(data + pos, &end, 16);
        if (end == data + pos) return -1;
        pos = eol - data + 2;
        if (!size) break;
        if (have - pos < size + 2) return 0;
        pos += size + 2;
    }
    for (;;)  /* trailer lines, then the empty line */
    {
        const char *eol = find_bytes(data + pos, have - pos, "\r\n");

        if (!eol) return 0;
        if (eol == data + pos) return pos + 2;
        pos = eol - data + 2;
    }
}

/* ---- recording ------------------------------------------------------------------- */

static void record_request(struct connection *conn, size_t head_length)
{
    struct server *server = conn->server;
    struct server_request *request = calloc(1, sizeof(*request));

    if (!request) abort();
    request->head = copy_bytes(conn->buffer, head_length);
    request->head_length = head_length;
    request->connection = conn->index;
    request->index = conn->requests++;
    EnterCriticalSection(&server->lock);
    server->requests = grow(server->requests, &server->request_capacity,
                            server->request_count + 1, sizeof(*server->requests));
    server->requests[server->request_count++] = request;
    LeaveCriticalSection(&server->lock);
    conn->last = request;
}

static void record_body(struct connection *conn, size_t length)
{
    char *body = copy_bytes(conn->buffer, length);

    if (!conn->last || conn->last->body)
    {
        free(body);  /* a body with no request of its own to go with */
        return;
    }
    EnterCriticalSection(&conn->server->lock);
    conn->last->body = body;
    conn->last->body_length = length;
    LeaveCriticalSection(&conn->server->lock);
}

/* ---- the steps --------------------------------------------------------------------- */

static enum outcome recv_request(struct connection *conn)
{
    for (;;)
    {
        const char *end = find_bytes(conn->buffer, conn->have, "\r\n\r\n");
        enum receive_result result;

        if (end)
        {
            size_t length = end - conn->buffer + 4;

            record_request(conn, length);
            consume(conn, length);
            return NEXT;
        }
        if (conn->have > MAX_HEAD)
        {
            fail(conn, "request head longer than %d bytes", MAX_HEAD);
            return FAILED;
        }
        result = receive_more(conn, conn->server->timeout);
        if (result == RECEIVED) continue;
        if (result == RECV_STOPPED) return END;
        if (result == PEER_CLOSED && !conn->have) return END;  /* closed between requests */
        fail(conn, "waiting for a request head (%lu bytes so far): %s",
             (unsigned long)conn->have, receive_problem(result));
        return FAILED;
    }
}

/* The body length the last head announced: Content-Length, -2 for chunked, 0. */
static long long announced_length(const struct connection *conn)
{
    const char *value;

    if (!conn->last) return 0;
    if ((value = header_value(conn->last->head, "Transfer-Encoding")))
    {
        const char *eol = strstr(value, "\r\n");
        if (find_bytes(value, eol - value, "chunked")) return -2;
    }
    if ((value = header_value(conn->last->head, "Content-Length")))
        return strtoll(value, NULL, 10);
    return 0;
}

static enum outcome recv_body(struct connection *conn, long long count)
{
    BOOL chunked = FALSE;

    if (count == SERVER_BODY_AUTO)
    {
        count = announced_length(conn);
        chunked = count == -2;
    }
    for (;;)
    {
        enum receive_result result;

        if (chunked)
        {
            long long length = chunked_length(conn->buffer, conn->have);
            if (length < 0)
            {
                fail(conn, "malformed chunked request body");
                return FAILED;
            }
            if (length) count = length;
        }
        if (count >= 0 && conn->have >= (unsigned long long)count)
        {
            record_body(conn, count);
            consume(conn, count);
            return NEXT;
        }
        result = receive_more(conn, conn->server->timeout);
        if (result == RECEIVED) continue;
        if (result == RECV_STOPPED) return END;
        fail(conn, "waiting for a request body (%lu bytes so far): %s",
             (unsigned long)conn->have, receive_problem(result));
        return FAILED;
    }
}

static enum outcome send_step(struct connection *conn, const struct step *step)
{
    size_t piece = step->piece ? step->piece : step->length;
    size_t sent = 0;

    while (sent < step->length)
    {
        size_t n = step->length - sent < piece ? step->length - sent : piece;
        enum outcome outcome = send_all(conn, step->bytes + sent, n);

        if (outcome != NEXT) return outcome;
        sent += n;
        if (sent < step->length && step->ms && !pause_ms(conn->server, step->ms)) return END;
    }
    return NEXT;
}

/* The bytes the step's builder makes from the last request, sent and freed. */
static enum outcome send_built(struct connection *conn, const struct step *step)
{
    size_t length = 0;
    char *bytes = step->build(conn->last, step->context, &length);
    enum outcome outcome;

    if (!bytes)
    {
        fail(conn, "the builder of a send step made nothing");
        return FAILED;
    }
    outcome = send_all(conn, bytes, length);
    free(bytes);
    return outcome;
}

/* shutdown(SD_SEND), then read until the client closes or goes quiet, so
 * that closesocket() does not turn unread bytes into a reset. */
static enum outcome close_gracefully(struct connection *conn)
{
    ULONGLONG deadline = deadline_after(conn->server->timeout);

    shutdown(conn->socket, SD_SEND);
    for (;;)
    {
        DWORD left = remaining_until(deadline);

        conn->have = 0;
        if (receive_more(conn, left < QUIET_MS ? left : QUIET_MS) != RECEIVED) break;
    }
    close_socket(conn);
    return END;
}

static enum outcome reset(struct connection *conn)
{
    struct linger linger = { 1, 0 };

    setsockopt(conn->socket, SOL_SOCKET, SO_LINGER, (const char *)&linger, sizeof(linger));
    close_socket(conn);
    return END;
}

static enum outcome await_close(struct connection *conn, DWORD ms)
{
    ULONGLONG deadline = deadline_after(ms);

    for (;;)
    {
        enum receive_result result;

        if (conn->have)
        {
            fail(conn, "received %lu unexpected bytes while waiting for the client to close",
                 (unsigned long)conn->have);
            return FAILED;
        }
        result = receive_more(conn, remaining_until(deadline));
        if (result == RECEIVED) continue;
        if (result == PEER_CLOSED || result == RECV_ERROR || result == RECV_STOPPED)
        {
            close_socket(conn);
            return END;
        }
        fail(conn, "the client did not close the connection within %lu ms", ms);
        return FAILED;
    }
}

static enum outcome run_step(struct connection *conn, const struct step *step)
{
    switch (step->kind)
    {
    case STEP_RECV_REQUEST: return recv_request(conn);
    case STEP_RECV_BODY: return recv_body(conn, step->count);
    case STEP_SEND: return send_step(conn, step);
    case STEP_SEND_BUILT: return send_built(conn, step);
    case STEP_WAIT: return pause_ms(conn->server, step->ms) ? NEXT : END;
    case STEP_CLOSE: return close_gracefully(conn);
    case STEP_RESET: return reset(conn);
    case STEP_AWAIT_CLOSE: return await_close(conn, step->ms);
    case STEP_REPEAT: break;
    }
    return NEXT;
}

static DWORD WINAPI connection_thread(void *arg)
{
    struct connection *conn = arg;
    struct server *server = conn->server;
    enum outcome outcome = NEXT;

    for (conn->step = 0; outcome == NEXT && conn->step < conn->script->count; conn->step++)
    {
        const struct step *step = &conn->script->steps[conn->step];

        outcome = run_step(conn, step);
        if (step->kind == STEP_REPEAT) conn->step = -1;
    }
    if (conn->socket != INVALID_SOCKET)
    {
        if (server->stopping) close_socket(conn);
        else close_gracefully(conn);
    }
    free(conn->buffer);
    free(conn);
    InterlockedDecrement(&server->open);
    return 0;
}

/* ---- accepting ----------------------------------------------------------------------- */

static void set_nonblocking(SOCKET socket)
{
    u_long yes = 1;

    ioctlsocket(socket, FIONBIO, &yes);
}

/* Closes the handles of connection threads that have finished. */
static void reap_threads(struct server *server)
{
    int kept = 0;

    for (int i = 0; i < server->thread_count; i++)
    {
        if (WaitForSingleObject(server->threads[i], 0) == WAIT_OBJECT_0)
            CloseHandle(server->threads[i]);
        else
            server->threads[kept++] = server->threads[i];
    }
    server->thread_count = kept;
}

static void start_connection(struct server *server, SOCKET socket)
{
    struct connection *conn = calloc(1, sizeof(*conn));
    const struct script *script;
    HANDLE thread;
    BOOL nodelay = TRUE;

    if (!conn) abort();
    conn->server = server;
    conn->socket = socket;
    InterlockedIncrement(&server->open);  /* before counting it: server_wait_idle() looks at both */
    conn->index = InterlockedIncrement(&server->connections) - 1;
    set_nonblocking(socket);
    setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, (const char *)&nodelay, sizeof(nodelay));

    EnterCriticalSection(&server->lock);
    script = conn->index < server->script_count ? server->scripts[conn->index] : server->every;
    LeaveCriticalSection(&server->lock);
    if (!script)
    {
        fail(conn, "no script for this connection");
        closesocket(socket);
        free(conn);
        InterlockedDecrement(&server->open);
        return;
    }
    conn->script = script;
    if (!(thread = CreateThread(NULL, 0, connection_thread, conn, 0, NULL)))
    {
        fail(conn, "CreateThread failed with error %lu", GetLastError());
        InterlockedDecrement(&server->open);
        closesocket(socket);
        free(conn);
        return;
    }
    reap_threads(server);
    server->threads = grow(server->threads, &server->thread_capacity, server->thread_count + 1,
                           sizeof(*server->threads));
    server->threads[server->thread_count++] = thread;
}

static DWORD WINAPI accept_thread(void *arg)
{
    struct server *server = arg;

    while (wait_socket(server, server->listener, FALSE, INFINITE) == READY)
    {
        SOCKET socket = accept(server->listener, NULL, NULL);

        if (socket != INVALID_SOCKET) start_connection(server, socket);
    }
    return 0;
}

/* ---- the server's life ----------------------------------------------------------------- */

/* Listens on 127.0.0.1:*port (0: one the system picks) and says which. */
static SOCKET listen_on_loopback(unsigned short *port)
{
    struct sockaddr_in address = { 0 };
    int length = sizeof(address);
    SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

    if (listener == INVALID_SOCKET) return INVALID_SOCKET;
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(*port);
    if (bind(listener, (struct sockaddr *)&address, sizeof(address)) ||
        listen(listener, SOMAXCONN) ||
        getsockname(listener, (struct sockaddr *)&address, &length))
    {
        closesocket(listener);
        return INVALID_SOCKET;
    }
    set_nonblocking(listener);
    *port = ntohs(address.sin_port);
    return listener;
}

/* HTTP/2 mode: the first free backend port of nginx's fronts; clients
 * are given its front's port. */
static SOCKET listen_behind_front(unsigned short *port)
{
    WORD front, backend;
    SOCKET listener;

    for (int i = 0; harness_h2_front(i, &front, &backend); i++)
    {
        unsigned short bound = backend;

        if ((listener = listen_on_loopback(&bound)) == INVALID_SOCKET) continue;
        *port = front;
        return listener;
    }
    fprintf(stderr, "server: no free backend in WINHTTP_TEST_H2_FRONTS\n");
    return INVALID_SOCKET;
}

struct server *server_start(void)
{
    struct server *server;
    WSADATA wsa;

    if (WSAStartup(MAKEWORD(2, 2), &wsa)) return NULL;
    if (!(server = calloc(1, sizeof(*server)))) abort();
    server->timeout = 10000;
    InitializeCriticalSection(&server->lock);
    server->stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    server->listener = harness_http2_mode() ? listen_behind_front(&server->port)
                                            : listen_on_loopback(&server->port);
    if (server->listener != INVALID_SOCKET && server->stop_event)
        server->accept_thread = CreateThread(NULL, 0, accept_thread, server, 0, NULL);
    if (!server->accept_thread)
    {
        fprintf(stderr, "server: cannot listen on 127.0.0.1: error %d\n", WSAGetLastError());
        server_stop(server);
        return NULL;
    }
    return server;
}

static void free_script(struct script *script)
{
    if (!script) return;
    for (int i = 0; i < script->count; i++) free(script->steps[i].bytes);
    free(script->steps);
    free(script);
}

void server_stop(struct server *server)
{
    if (!server) return;
    InterlockedExchange(&server->stopping, 1);
    if (server->stop_event) SetEvent(server->stop_event);
    if (server->accept_thread)
    {
        WaitForSingleObject(server->accept_thread, INFINITE);
        CloseHandle(server->accept_thread);
    }
    for (int i = 0; i < server->thread_count; i++)
    {
        WaitForSingleObject(server->threads[i], INFINITE);
        CloseHandle(server->threads[i]);
    }
    if (server->listener != INVALID_SOCKET) closesocket(server->listener);
    for (int i = 0; i < server->script_count; i++) free_script(server->scripts[i]);
    free_script(server->every);
    for (int i = 0; i < server->request_count; i++)
    {
        free((void *)server->requests[i]->head);
        free((void *)server->requests[i]->body);
        free(server->requests[i]);
    }
    free(server->scripts);
    free(server->threads);
    free(server->requests);
    if (server->stop_event) CloseHandle(server->stop_event);
    DeleteCriticalSection(&server->lock);
    free(server);
    WSACleanup();
}

unsigned short server_port(const struct server *server)
{
    return server->port;
}

void server_set_timeout(struct server *server, DWORD ms)
{
    server->timeout = ms;
}

/* ---- writing scripts ------------------------------------------------------------------- */

static struct script *new_script(void)
{
    struct script *script = calloc(1, sizeof(*script));

    if (!script) abort();
    return script;
}

struct script *server_add_connection(struct server *server)
{
    struct script *script = new_script();

    EnterCriticalSection(&server->lock);
    server->scripts = grow(server->scripts, &server->script_capacity, server->script_count + 1,
                           sizeof(*server->scripts));
    server->scripts[server->script_count++] = script;
    LeaveCriticalSection(&server->lock);
    return script;
}

struct script *server_every_connection(struct server *server)
{
    EnterCriticalSection(&server->lock);
    if (!server->every) server->every = new_script();
    LeaveCriticalSection(&server->lock);
    return server->every;
}

static struct step *add_step(struct script *script, enum step_kind kind)
{
    struct step *step;

    script->steps = grow(script->steps, &script->capacity, script->count + 1, sizeof(*step));
    step = &script->steps[script->count++];
    memset(step, 0, sizeof(*step));
    step->kind = kind;
    return step;
}

void script_recv_request(struct script *script)
{
    add_step(script, STEP_RECV_REQUEST);
}

void script_recv_body(struct script *script, long long length)
{
    add_step(script, STEP_RECV_BODY)->count = length;
}

void script_send_slow(struct script *script, const void *bytes, size_t length, size_t piece,
                      DWORD ms)
{
    struct step *step = add_step(script, STEP_SEND);

    if (!length) length = strlen(bytes);
    step->bytes = copy_bytes(bytes, length);
    step->length = length;
    step->piece = piece;
    step->ms = ms;
}

void script_send(struct script *script, const void *bytes, size_t length)
{
    script_send_slow(script, bytes, length, 0, 0);
}

void script_send_response(struct script *script, const struct response *response)
{
    size_t length;
    char *bytes = response_build(response, &length);
    struct step *step = add_step(script, STEP_SEND);

    step->bytes = bytes;
    step->length = length;
}

void script_send_built(struct script *script, script_builder build, void *context)
{
    struct step *step = add_step(script, STEP_SEND_BUILT);

    step->build = build;
    step->context = context;
}

void script_respond(struct script *script, int status, const char *headers, const char *body)
{
    struct response response = { .status = status, .headers = headers, .body = body };

    script_send_response(script, &response);
}

void script_wait(struct script *script, DWORD ms)
{
    add_step(script, STEP_WAIT)->ms = ms;
}

void script_close(struct script *script)
{
    add_step(script, STEP_CLOSE);
}

void script_reset(struct script *script)
{
    add_step(script, STEP_RESET);
}

void script_await_close(struct script *script, DWORD ms)
{
    add_step(script, STEP_AWAIT_CLOSE)->ms = ms;
}

void script_repeat(struct script *script)
{
    if (!script->count) return;  /* a loop of nothing would spin */
    add_step(script, STEP_REPEAT);
}

/* ---- what the server saw ----------------------------------------------------------------- */

LONG server_connections(struct server *server)
{
    return InterlockedCompareExchange(&server->connections, 0, 0);
}

LONG server_requests(struct server *server)
{
    LONG count;

    EnterCriticalSection(&server->lock);
    count = server->request_count;
    LeaveCriticalSection(&server->lock);
    return count;
}

LONG server_open_connections(struct server *server)
{
    return InterlockedCompareExchange(&server->open, 0, 0);
}

LONG server_errors(struct server *server)
{
    return InterlockedCompareExchange(&server->errors, 0, 0);
}

const char *server_error_text(struct server *server)
{
    return server->error_text;
}

const struct server_request *server_request(struct server *server, int i)
{
    const struct server_request *request = NULL;

    EnterCriticalSection(&server->lock);
    if (i >= 0 && i < server->request_count) request = server->requests[i];
    LeaveCriticalSection(&server->lock);
    return request;
}

const char *server_last_request(struct server *server)
{
    const struct server_request *request = server_request(server, server_requests(server) - 1);

    return request ? request->head : "";
}

static LONG scripts_listed(struct server *server)
{
    LONG count;

    EnterCriticalSection(&server->lock);
    count = server->script_count;
    LeaveCriticalSection(&server->lock);
    return count;
}

/* Once a check of the case has failed, the client is off its script:
 * waiting the whole time for the scripts to run tells nothing more and
 * only slows the failing runs (the builtin's, mostly) down. */
#define IDLE_WAIT_AFTER_FAILURE_MS 200

BOOL server_wait_idle(struct server *server, DWORD ms)
{
    ULONGLONG deadline = deadline_after(harness_case_failed() ? min(ms, IDLE_WAIT_AFTER_FAILURE_MS) : ms);

    /* connections before open: start_connection() counts them the other way round */
    while (server_connections(server) < scripts_listed(server) || server_open_connections(server))
    {
        if (!remaining_until(deadline)) return FALSE;
        Sleep(5);
    }
    return TRUE;
}

/* ---- building responses -------------------------------------------------------------------- */

const char *response_reason(int status)
{
    static const struct { int status; const char *reason; } reasons[] =
    {
        { 100, "Continue" }, { 101, "Switching Protocols" },
        { 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
        { 203, "Non-Authoritative Information" }, { 204, "No Content" },
        { 205, "Reset Content" }, { 206, "Partial Content" },
        { 300, "Multiple Choices" }, { 301, "Moved Permanently" }, { 302, "Found" },
        { 303, "See Other" }, { 304, "Not Modified" }, { 305, "Use Proxy" },
        { 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
        { 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
        { 404, "Not Found" }, { 405, "Method Not Allowed" },
        { 407, "Proxy Authentication Required" }, { 408, "Request Timeout" },
        { 411, "Length Required" }, { 413, "Payload Too Large" },
        { 500, "Internal Server Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
        { 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
    };

    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (reasons[i].status == status) return reasons[i].reason;
    return "Unknown";
}

struct buffer
{
    char *data;
    size_t length, capacity;
};

static void append(struct buffer *buffer, const void *bytes, size_t length)
{
    if (buffer->length + length + 1 > buffer->capacity)
    {
        while (buffer->length + length + 1 > buffer->capacity)
            buffer->capacity = buffer->capacity ? buffer->capacity * 2 : 256;
        if (!(buffer->data = realloc(buffer->data, buffer->capacity))) abort();
    }
    if (length) memcpy(buffer->data + buffer->length, bytes, length);
    buffer->length += length;
    buffer->data[buffer->length] = 0;
}

static void append_text(struct buffer *buffer, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void append_text(struct buffer *buffer, const char *format, ...)
{
    char text[512];
    va_list args;
    int n;

    va_start(args, format);
    n = vsnprintf(text, sizeof(text), format, args);
    va_end(args);
    append(buffer, text, n < 0 ? 0 : n >= (int)sizeof(text) ? sizeof(text) - 1 : (size_t)n);
}

static BOOL status_has_no_length(int status)
{
    return status < 200 || status == 204 || status == 304;
}

static void append_chunked(struct buffer *buffer, const char *body, size_t length, size_t chunk)
{
    if (!chunk) chunk = length;
    for (size_t done = 0; done < length; done += chunk)
    {
        size_t n = length - done < chunk ? length - done : chunk;

        append_text(buffer, "%lx\r\n", (unsigned long)n);
        append(buffer, body + done, n);
        append(buffer, "\r\n", 2);
    }
    append(buffer, "0\r\n\r\n", 5);
}

char *response_build(const struct response *response, size_t *length)
{
    struct buffer buffer = { 0 };
    int status = response->status ? response->status : 200;
    const char *body = response->body;
    size_t body_length = body ? (response->body_length ? response->body_length : strlen(body)) : 0;

    append_text(&buffer, "HTTP/1.%d %d %s\r\n", response->flags & RESPONSE_HTTP10 ? 0 : 1, status,
                response->reason ? response->reason : response_reason(status));
    if (response->headers) append(&buffer, response->headers, strlen(response->headers));
    if (response->flags & RESPONSE_CLOSE) append_text(&buffer, "Connection: close\r\n");
    if (response->flags & RESPONSE_CHUNKED)
        append_text(&buffer, "Transfer-Encoding: chunked\r\n");
    else if (!(response->flags & RESPONSE_NO_LENGTH) && !status_has_no_length(status))
        append_text(&buffer, "Content-Length: %lu\r\n", (unsigned long)body_length);
    append(&buffer, "\r\n", 2);
    if (response->flags & RESPONSE_CHUNKED)
        append_chunked(&buffer, body, body_length, response->chunk_size);
    else
        append(&buffer, body, body_length);
    *length = buffer.length;
    return buffer.data;
}
