/* Conformance of the WebSocket API (WinHttpWebSocket*), synchronous and
 * asynchronous: the upgrade, messages both ways (text, binary, fragments,
 * empty, 1 MiB, a receive buffer smaller than the message), the argument and
 * state rules, the closing handshake both ways and WinHttpWebSocketShutdown,
 * every notification and its payload, closing with operations pending,
 * sends and receives in flight together while another thread closes the
 * handle, the options, wss://, and server frames that break RFC 6455.
 *
 * The real server is tools/ws-server (python3-websockets), named by
 * WINHTTP_TEST_WS and WINHTTP_TEST_WSS ("127.0.0.1:PORT"; tools/with-websockets
 * sets them, inside tools/with-nginx --tls, whose test CA the Wine prefix
 * trusts); without them the cases that need it fail.  The wire-exact cases
 * and the broken frames use the scripted in-process server (server.h), which
 * answers the handshake with a Sec-WebSocket-Accept computed here (SHA-1 and
 * base64 by CryptoAPI).  Expectations are Microsoft's documentation and the
 * behaviour of native Windows as Wine's own tests record it ("native:" in
 * the comments); where neither says, the RFC. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "harness.h"
#include "server.h"
#include "winhttp.h"
#include <wincrypt.h>

#define WAIT_MS 5000   /* for a completion; short: a broken engine must not stall the run */
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

#define BINARY_MESSAGE WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE
#define BINARY_FRAGMENT WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE
#define UTF8_MESSAGE WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
#define UTF8_FRAGMENT WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE
#define CLOSE_BUFFER WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE

/* ---- the servers ------------------------------------------------------------------ */

struct endpoint
{
    WCHAR host[64];
    INTERNET_PORT port;
};

/* The server named by an environment variable ("HOST:PORT"); a failure
 * (not a skip) without it: tools/with-websockets always sets it. */
static BOOL env_endpoint(const WCHAR *variable, struct endpoint *ep)
{
    WCHAR value[96], *colon;
    DWORD length = GetEnvironmentVariableW(variable, value, ARRAYSIZE(value));

    if (!length || length >= ARRAYSIZE(value) || !(colon = wcsrchr(value, ':')) || colon == value ||
        colon - value >= (ptrdiff_t)ARRAYSIZE(ep->host))
    {
        ok(FALSE, "%ls is not set to HOST:PORT (tools/with-websockets sets it)", variable);
        return FALSE;
    }
    *colon = 0;
    lstrcpynW(ep->host, value, ARRAYSIZE(ep->host));
    ep->port = (INTERNET_PORT)wcstoul(colon + 1, NULL, 10);
    return ep->port != 0;
}

/* A name that no other case of this run uses, for /echo?id= and /last-close?id=. */
static void unique_id(WCHAR *out, size_t size)
{
    static LONG counter;

    swprintf(out, size, L"c%lu-%ld", GetCurrentProcessId(), InterlockedIncrement(&counter));
}

/* ---- recording the callbacks ---------------------------------------------------------- */

#define MAX_EVENTS 16384
#define MAX_WATCHED 4

struct event
{
    HINTERNET handle;
    DWORD status;
    DWORD length;                        /* dwStatusInformationLength */
    DWORD thread;
    DWORD dword;                         /* a DWORD payload */
    WINHTTP_WEB_SOCKET_STATUS ws;        /* READ/WRITE_COMPLETE of the WebSocket */
    WINHTTP_WEB_SOCKET_ASYNC_RESULT ws_error; /* REQUEST_ERROR of the WebSocket */
    WINHTTP_ASYNC_RESULT http_error;     /* REQUEST_ERROR of the request */
};

struct rec;
typedef void (*rec_hook)(struct rec *rec, const struct event *event);

/* The callbacks of one request and its WebSocket (both get the recorder as
 * their context; the session and connect handles have none and are not
 * recorded). */
struct rec
{
    CRITICAL_SECTION lock;
    HANDLE changed;                      /* set on every callback */
    struct event *events;
    int count;                           /* all events; the first MAX_EVENTS are kept */
    HINTERNET request;
    struct { HINTERNET handle; int closings, after_closing; } watched[MAX_WATCHED];
    LONG in_callback;
    rec_hook hook;                       /* called after recording, outside the lock */
    void *user;
};

static struct rec *rec_create(void)
{
    struct rec *rec = calloc(1, sizeof(*rec));

    InitializeCriticalSection(&rec->lock);
    rec->changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    rec->events = calloc(MAX_EVENTS, sizeof(*rec->events));
    return rec;
}

static void rec_free(struct rec *rec)
{
    if (!rec) return;
    CloseHandle(rec->changed);
    DeleteCriticalSection(&rec->lock);
    free(rec->events);
    free(rec);
}

static void CALLBACK rec_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct rec *rec = (struct rec *)context;
    struct event ev = { handle, status, length, GetCurrentThreadId() };
    BOOL is_request;
    int i;

    if (!rec) return;
    InterlockedIncrement(&rec->in_callback);
    is_request = handle == rec->request;
    if (info && length == sizeof(DWORD)) ev.dword = *(DWORD *)info;
    if (info && (status == WINHTTP_CALLBACK_STATUS_HANDLE_CREATED || status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING))
        ev.dword = (DWORD)(ULONG_PTR)*(HINTERNET *)info;
    if (!is_request && info &&
        (status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE || status == WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE))
        memcpy(&ev.ws, info, min(length, sizeof(ev.ws)));
    if (info && status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
    {
        if (is_request) memcpy(&ev.http_error, info, min(length, sizeof(ev.http_error)));
        else memcpy(&ev.ws_error, info, min(length, sizeof(ev.ws_error)));
    }

    EnterCriticalSection(&rec->lock);
    for (i = 0; i < MAX_WATCHED; i++)
        if (rec->watched[i].handle == handle || !rec->watched[i].handle) break;
    if (i < MAX_WATCHED)
    {
        rec->watched[i].handle = handle;
        if (rec->watched[i].closings) rec->watched[i].after_closing++;
        if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) rec->watched[i].closings++;
    }
    if (rec->count < MAX_EVENTS) rec->events[rec->count] = ev;
    rec->count++;
    LeaveCriticalSection(&rec->lock);
    SetEvent(rec->changed);
    if (rec->hook) rec->hook(rec, &ev);
    InterlockedDecrement(&rec->in_callback);
}

static int rec_mark(struct rec *rec)
{
    int count;

    EnterCriticalSection(&rec->lock);
    count = rec->count;
    LeaveCriticalSection(&rec->lock);
    return count;
}

/* The first event at index `from` or later of `handle` whose status is one
 * of `statuses` (a mask), waiting up to ms; 0 if none came. */
static DWORD rec_next(struct rec *rec, int from, HINTERNET handle, DWORD statuses, DWORD ms, struct event *out)
{
    ULONGLONG deadline = GetTickCount64() + ms;

    for (;;)
    {
        ULONGLONG now;

        EnterCriticalSection(&rec->lock);
        for (int i = from; i < rec->count && i < MAX_EVENTS; i++)
            if (rec->events[i].handle == handle && (rec->events[i].status & statuses))
            {
                if (out) *out = rec->events[i];
                LeaveCriticalSection(&rec->lock);
                return rec->events[i].status;
            }
        LeaveCriticalSection(&rec->lock);
        if ((now = GetTickCount64()) >= deadline) return 0;
        WaitForSingleObject(rec->changed, (DWORD)min(deadline - now, 50));
    }
}

/* How many events of `handle` with this status since `from`. */
static int rec_count(struct rec *rec, int from, HINTERNET handle, DWORD status)
{
    int n = 0;

    EnterCriticalSection(&rec->lock);
    for (int i = from; i < rec->count && i < MAX_EVENTS; i++)
        if (rec->events[i].handle == handle && rec->events[i].status == status) n++;
    LeaveCriticalSection(&rec->lock);
    return n;
}

/* The statuses of `handle` since `from`, for messages. */
static const char *status_text(DWORD status)
{
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_HANDLE_CREATED: return "HANDLE_CREATED";
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING: return "HANDLE_CLOSING";
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE: return "READ_COMPLETE";
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE: return "WRITE_COMPLETE";
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR: return "REQUEST_ERROR";
    case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE: return "CLOSE_COMPLETE";
    case WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE: return "SHUTDOWN_COMPLETE";
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE: return "SENDREQUEST_COMPLETE";
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE: return "HEADERS_AVAILABLE";
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE: return "DATA_AVAILABLE";
    default: return "other";
    }
}

static const char *rec_trace(struct rec *rec, int from, HINTERNET handle)
{
    static char text[1024];
    size_t used = 0;

    text[0] = 0;
    EnterCriticalSection(&rec->lock);
    for (int i = from; i < rec->count && i < MAX_EVENTS && used < sizeof(text) - 40; i++)
        if (rec->events[i].handle == handle)
            used += snprintf(text + used, sizeof(text) - used, "%s%s", used ? " " : "",
                             status_text(rec->events[i].status));
    LeaveCriticalSection(&rec->lock);
    return text;
}

/* HANDLE_CLOSING of `handle`: how many, and how many callbacks came after the first. */
static void rec_closings(struct rec *rec, HINTERNET handle, int *closings, int *after)
{
    *closings = *after = 0;
    EnterCriticalSection(&rec->lock);
    for (int i = 0; i < MAX_WATCHED; i++)
        if (rec->watched[i].handle == handle)
        {
            *closings = rec->watched[i].closings;
            *after = rec->watched[i].after_closing;
        }
    LeaveCriticalSection(&rec->lock);
}

/* ---- one WebSocket connection ------------------------------------------------------------ */

struct ws
{
    BOOL async;
    struct rec *rec;                     /* async only */
    HINTERNET session, connect, request, socket;
};

/* The proxy the next sessions go through ("host:port"), or NULL: direct. */
static const WCHAR *session_proxy;

static BOOL ws_open_request_at(struct ws *w, BOOL async, const struct endpoint *ep, BOOL secure,
                               const WCHAR *path, BOOL upgrade)
{
    memset(w, 0, sizeof(*w));
    w->async = async;
    w->session = WinHttpOpen(L"conformance/websocket",
                             session_proxy ? WINHTTP_ACCESS_TYPE_NAMED_PROXY : WINHTTP_ACCESS_TYPE_NO_PROXY,
                             session_proxy ? session_proxy : WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS,
                             async ? WINHTTP_FLAG_ASYNC : 0);
    ok(w->session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    if (!w->session) return FALSE;
    /* short limits: a broken engine must fail the case, not hang the run */
    WinHttpSetTimeouts(w->session, 5000, 5000, 10000, 10000);
    if (async)
    {
        w->rec = rec_create();
        ok(WinHttpSetStatusCallback(w->session, rec_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0)
               != WINHTTP_INVALID_STATUS_CALLBACK, "SetStatusCallback failed: %lu", GetLastError());
    }
    w->connect = WinHttpConnect(w->session, ep->host, ep->port, 0);
    ok(w->connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    if (!w->connect) return FALSE;
    w->request = WinHttpOpenRequest(w->connect, L"GET", path, NULL, WINHTTP_NO_REFERER,
                                    WINHTTP_DEFAULT_ACCEPT_TYPES, secure ? WINHTTP_FLAG_SECURE : 0);
    ok(w->request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    if (!w->request) return FALSE;
    if (async)
    {
        DWORD_PTR context = (DWORD_PTR)w->rec;

        w->rec->request = w->request;
        ok(WinHttpSetOption(w->request, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context)),
           "setting the context failed: %lu", GetLastError());
    }
    if (upgrade)
        ok(WinHttpSetOption(w->request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0),
           "WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET failed: %lu", GetLastError());
    return TRUE;
}

/* Sends the request and receives the response head; 0 or the error. */
static DWORD ws_handshake(struct ws *w, const WCHAR *headers)
{
    struct event ev;
    int mark;

    if (!w->async)
    {
        if (!WinHttpSendRequest(w->request, headers, headers ? (DWORD)-1 : 0, NULL, 0, 0, 0)) return GetLastError();
        if (!WinHttpReceiveResponse(w->request, NULL)) return GetLastError();
        return 0;
    }
    mark = rec_mark(w->rec);
    if (!WinHttpSendRequest(w->request, headers, headers ? (DWORD)-1 : 0, NULL, 0, 0, (DWORD_PTR)w->rec))
        return GetLastError();
    switch (rec_next(w->rec, mark, w->request,
                     WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE | WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, WAIT_MS, &ev))
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE: break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR: return ev.http_error.dwError;
    default: return WAIT_TIMEOUT;
    }
    mark = rec_mark(w->rec);
    if (!WinHttpReceiveResponse(w->request, NULL)) return GetLastError();
    switch (rec_next(w->rec, mark, w->request,
                     WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE | WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, WAIT_MS, &ev))
    {
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE: return 0;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR: return ev.http_error.dwError;
    default: return WAIT_TIMEOUT;
    }
}

static DWORD status_code(HINTERNET request)
{
    DWORD code = 0, size = sizeof(code);

    if (!WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &code, &size,
                             NULL))
        return 0;
    return code;
}

/* Upgrades and completes: the WebSocket handle in w->socket, or FALSE after a FAIL line. */
static BOOL ws_connect_at(struct ws *w, BOOL async, const struct endpoint *ep, BOOL secure, const WCHAR *path,
                          const WCHAR *headers)
{
    DWORD error;

    if (!ws_open_request_at(w, async, ep, secure, path, TRUE)) return FALSE;
    error = ws_handshake(w, headers);
    ok(!error, "the upgrade request to %ls failed: %lu", path, error);
    if (error) return FALSE;
    ok_int(status_code(w->request), 101);
    w->socket = WinHttpWebSocketCompleteUpgrade(w->request, (DWORD_PTR)w->rec);
    ok(w->socket != NULL, "WinHttpWebSocketCompleteUpgrade failed: %lu", GetLastError());
    return w->socket != NULL;
}

static BOOL ws_connect(struct ws *w, BOOL async, const WCHAR *path)
{
    struct endpoint ep;

    memset(w, 0, sizeof(*w));
    if (!env_endpoint(L"WINHTTP_TEST_WS", &ep)) return FALSE;
    return ws_connect_at(w, async, &ep, FALSE, path, NULL);
}

/* Closes every handle; asynchronously, waits for their HANDLE_CLOSING and
 * checks that each came once and last. */
static void ws_finish(struct ws *w)
{
    HINTERNET handles[2] = { w->socket, w->request };
    BOOL all_closed = TRUE;

    if (w->socket) WinHttpCloseHandle(w->socket);
    if (w->request) WinHttpCloseHandle(w->request);
    if (w->rec)
        for (int i = 0; i < 2; i++)
        {
            int closings, after;

            if (!handles[i]) continue;
            if (!rec_next(w->rec, 0, handles[i], WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, WAIT_MS, NULL))
            {
                ok(FALSE, "no HANDLE_CLOSING for the %s handle", i ? "request" : "WebSocket");
                all_closed = FALSE;
                continue;
            }
            Sleep(i ? 0 : 50);   /* anything late would be counted */
            rec_closings(w->rec, handles[i], &closings, &after);
            ok(closings == 1 && !after, "%s handle: %d HANDLE_CLOSING, %d callbacks after it",
               i ? "request" : "WebSocket", closings, after);
        }
    if (w->connect) WinHttpCloseHandle(w->connect);
    if (w->session) WinHttpCloseHandle(w->session);
    if (w->rec)
    {
        /* a recorder that may still be called is leaked, not freed */
        for (int i = 0; i < 100 && InterlockedCompareExchange(&w->rec->in_callback, 0, 0); i++) Sleep(10);
        if (all_closed && !InterlockedCompareExchange(&w->rec->in_callback, 0, 0)) rec_free(w->rec);
    }
    memset(w, 0, sizeof(*w));
}

/* ---- the WebSocket calls, waited for when asynchronous ------------------------------------ */

/* The completion of the operation started at `mark`: its status, and the
 * REQUEST_ERROR's error through *error. */
static DWORD ws_wait(struct ws *w, int mark, DWORD done_status, WINHTTP_WEB_SOCKET_OPERATION operation,
                     struct event *ev, DWORD *error)
{
    DWORD status = rec_next(w->rec, mark, w->socket, done_status | WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
                            WAIT_MS, ev);

    *error = 0;
    if (!status)
    {
        ok(FALSE, "no %s nor REQUEST_ERROR within %d ms; seen: %s", status_text(done_status), WAIT_MS,
           rec_trace(w->rec, mark, w->socket));
        *error = WAIT_TIMEOUT;
    }
    else if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
    {
        ok(ev->length == sizeof(WINHTTP_WEB_SOCKET_ASYNC_RESULT), "REQUEST_ERROR length %lu", ev->length);
        ok(ev->ws_error.Operation == operation, "REQUEST_ERROR for operation %d, want %d", ev->ws_error.Operation,
           operation);
        *error = ev->ws_error.AsyncResult.dwError;
        if (!*error) *error = ERROR_GEN_FAILURE;
    }
    return status;
}

static DWORD ws_send(struct ws *w, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, const void *data, DWORD length)
{
    struct event ev;
    DWORD error;
    int mark;

    if (!w->async) return WinHttpWebSocketSend(w->socket, type, (void *)data, length);
    mark = rec_mark(w->rec);
    if ((error = WinHttpWebSocketSend(w->socket, type, (void *)data, length))) return error;
    if (ws_wait(w, mark, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, WINHTTP_WEB_SOCKET_SEND_OPERATION, &ev, &error)
        == WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE)
    {
        ok(ev.length == sizeof(WINHTTP_WEB_SOCKET_STATUS), "WRITE_COMPLETE length %lu", ev.length);
        ok(ev.ws.eBufferType == type, "WRITE_COMPLETE buffer type %d, want %d", ev.ws.eBufferType, type);
    }
    return error;
}

static DWORD ws_receive(struct ws *w, void *buffer, DWORD size, DWORD *got, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    struct event ev;
    DWORD error;
    int mark;

    *got = 0xdeadbeef;
    *type = 0xdeadbeef;
    if (!w->async) return WinHttpWebSocketReceive(w->socket, buffer, size, got, type);
    mark = rec_mark(w->rec);
    if ((error = WinHttpWebSocketReceive(w->socket, buffer, size, got, type))) return error;
    /* native: asynchronously the out-parameters are not written */
    ok(*got == 0xdeadbeef && *type == 0xdeadbeef, "async receive wrote its out-parameters: %lu, %d", *got, *type);
    if (ws_wait(w, mark, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, &ev, &error)
        == WINHTTP_CALLBACK_STATUS_READ_COMPLETE)
    {
        ok(ev.length == sizeof(WINHTTP_WEB_SOCKET_STATUS), "READ_COMPLETE length %lu", ev.length);
        *got = ev.ws.dwBytesTransferred;
        *type = ev.ws.eBufferType;
    }
    return error;
}

static DWORD ws_close(struct ws *w, USHORT code, const void *reason, DWORD length)
{
    struct event ev;
    DWORD error;
    int mark;

    if (!w->async) return WinHttpWebSocketClose(w->socket, code, (void *)reason, length);
    mark = rec_mark(w->rec);
    if ((error = WinHttpWebSocketClose(w->socket, code, (void *)reason, length))) return error;
    if (ws_wait(w, mark, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, WINHTTP_WEB_SOCKET_CLOSE_OPERATION, &ev, &error)
        == WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE)
        ok(ev.length == 0, "CLOSE_COMPLETE length %lu, want 0", ev.length);
    return error;
}

static DWORD ws_shutdown(struct ws *w, USHORT code, const void *reason, DWORD length)
{
    struct event ev;
    DWORD error;
    int mark;

    if (!w->async) return WinHttpWebSocketShutdown(w->socket, code, (void *)reason, length);
    mark = rec_mark(w->rec);
    if ((error = WinHttpWebSocketShutdown(w->socket, code, (void *)reason, length))) return error;
    ws_wait(w, mark, WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE, WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION, &ev, &error);
    return error;
}

static const char *type_name(WINHTTP_WEB_SOCKET_BUFFER_TYPE type)
{
    switch (type)
    {
    case BINARY_MESSAGE: return "BINARY_MESSAGE";
    case BINARY_FRAGMENT: return "BINARY_FRAGMENT";
    case UTF8_MESSAGE: return "UTF8_MESSAGE";
    case UTF8_FRAGMENT: return "UTF8_FRAGMENT";
    case CLOSE_BUFFER: return "CLOSE";
    default: return "?";
    }
}

static BOOL is_fragment(WINHTTP_WEB_SOCKET_BUFFER_TYPE type)
{
    return type == BINARY_FRAGMENT || type == UTF8_FRAGMENT;
}

/* Receives one whole message (pieces of `piece` bytes at most) into buffer;
 * checks that the pieces are fragments of one kind and the last a message
 * of that kind.  Returns the error or 0; *length and *type the message's. */
static DWORD ws_receive_message(struct ws *w, char *buffer, DWORD size, DWORD piece, DWORD *length,
                                WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE first = 0xdeadbeef;
    DWORD have = 0;

    for (;;)
    {
        DWORD got, error, ask = min(piece, size - have);

        if (!ask)
        {
            ok(FALSE, "the message is longer than %lu bytes", size);
            return ERROR_MORE_DATA;
        }
        if ((error = ws_receive(w, buffer + have, ask, &got, type))) return error;
        if (got > ask)
        {
            ok(FALSE, "received %lu bytes into a buffer of %lu", got, ask);
            return ERROR_MORE_DATA;
        }
        have += got;
        if (first == 0xdeadbeef) first = *type;
        if (*type == CLOSE_BUFFER) break;
        ok((first == BINARY_FRAGMENT || first == BINARY_MESSAGE) == (*type == BINARY_FRAGMENT || *type == BINARY_MESSAGE),
           "a %s piece in a message that began with a %s one", type_name(*type), type_name(first));
        if (!is_fragment(*type)) break;
    }
    *length = have;
    return 0;
}

/* Sends a message and checks /echo's copy. */
static void check_echo(struct ws *w, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, const void *data, DWORD length)
{
    static char buffer[65536];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE got_type;
    DWORD error, got;

    error = ws_send(w, type, data, length);
    ok(!error, "sending %lu bytes (%s) failed: %lu", length, type_name(type), error);
    error = ws_receive_message(w, buffer, sizeof(buffer), sizeof(buffer), &got, &got_type);
    ok(!error, "receiving the echo failed: %lu", error);
    if (error) return;
    ok(got_type == (type == UTF8_MESSAGE ? UTF8_MESSAGE : BINARY_MESSAGE), "echo of type %s", type_name(got_type));
    ok(got == length && !memcmp(buffer, data, length), "echo of %lu bytes differs (%lu bytes back)", length, got);
}

/* Receives one text message and compares it. */
static void expect_text(struct ws *w, const char *want)
{
    char buffer[1024];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD error, got;

    error = ws_receive_message(w, buffer, sizeof(buffer) - 1, sizeof(buffer) - 1, &got, &type);
    ok(!error, "receiving \"%s\" failed: %lu", want, error);
    if (error) return;
    buffer[got] = 0;
    ok(type == UTF8_MESSAGE && !strcmp(buffer, want), "received %s \"%s\", want \"%s\"", type_name(type), buffer,
       want);
}

/* The close status the server sent, checked. */
static void expect_close_status(struct ws *w, USHORT code, const char *reason)
{
    char buffer[128];
    USHORT got = 0xbeef;
    DWORD error, length = 0xdeadbeef;

    error = WinHttpWebSocketQueryCloseStatus(w->socket, &got, buffer, sizeof(buffer), &length);
    ok(!error, "QueryCloseStatus failed: %lu", error);
    if (error) return;
    ok(got == code, "close status %u, want %u", got, code);
    ok(length == strlen(reason) && !memcmp(buffer, reason, length), "close reason \"%.*s\" (%lu bytes), want \"%s\"",
       (int)min(length, sizeof(buffer)), buffer, length, reason);
}

/* ---- the scripted server's side of the handshake --------------------------------------------- */

/* The value of a header in a request head (case-insensitive name), copied. */
static BOOL head_value(const char *head, const char *name, char *out, size_t size)
{
    size_t name_length = strlen(name);

    for (const char *line = strstr(head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n"))
    {
        const char *start = line + 2, *end;

        if (_strnicmp(start, name, name_length) || start[name_length] != ':') continue;
        start += name_length + 1;
        while (*start == ' ' || *start == '\t') start++;
        end = strstr(start, "\r\n");
        while (end > start && (end[-1] == ' ' || end[-1] == '\t')) end--;
        if ((size_t)(end - start) >= size) return FALSE;
        memcpy(out, start, end - start);
        out[end - start] = 0;
        return TRUE;
    }
    return FALSE;
}

/* base64(SHA-1(key + the RFC 6455 GUID)), by CryptoAPI. */
static BOOL accept_value(const char *key, char *out, DWORD size)
{
    char text[128];
    BYTE digest[20];
    DWORD digest_length = sizeof(digest);
    HCRYPTPROV provider;
    HCRYPTHASH hash;
    BOOL done = FALSE;

    if (strlen(key) + sizeof(WS_GUID) > sizeof(text)) return FALSE;
    strcpy(text, key);
    strcat(text, WS_GUID);
    if (!CryptAcquireContextW(&provider, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT)) return FALSE;
    if (CryptCreateHash(provider, CALG_SHA1, 0, 0, &hash))
    {
        done = CryptHashData(hash, (const BYTE *)text, (DWORD)strlen(text), 0) &&
               CryptGetHashParam(hash, HP_HASHVAL, digest, &digest_length, 0) &&
               CryptBinaryToStringA(digest, digest_length, CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF, out, &size);
        CryptDestroyHash(hash);
    }
    CryptReleaseContext(provider, 0);
    return done;
}

/* A builder for script_send_built(): the 101 answering the client's key,
 * with the extra header lines in `context` (or none). */
static char *handshake_answer(const struct server_request *last, void *context, size_t *length)
{
    char key[128], accept[64], *bytes;
    const char *extra = context ? context : "";

    if (!last || !head_value(last->head, "Sec-WebSocket-Key", key, sizeof(key)) ||
        !accept_value(key, accept, sizeof(accept)))
        return NULL;
    if (!(bytes = malloc(256 + strlen(extra)))) return NULL;
    *length = sprintf(bytes,
                      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: %s\r\n%s\r\n", accept, extra);
    return bytes;
}

/* A scripted server whose first connection gets the handshake answered. */
static struct server *scripted_ws_server(struct script **script, struct endpoint *ep)
{
    struct server *srv = server_start();

    server_set_timeout(srv, 3000);
    *script = server_add_connection(srv);
    script_recv_request(*script);
    script_send_built(*script, handshake_answer, NULL);
    wcscpy(ep->host, L"127.0.0.1");
    ep->port = server_port(srv);
    return srv;
}

/* Unmasks a client frame of `length` bytes in place (7-bit payload length
 * only); returns the payload or NULL if the frame is not a masked one. */
static BYTE *unmask_frame(BYTE *frame, size_t length, size_t *payload_length)
{
    size_t n;

    if (length < 6 || !(frame[1] & 0x80)) return NULL;
    n = frame[1] & 0x7f;
    if (n > 125 || length < 6 + n) return NULL;
    for (size_t i = 0; i < n; i++) frame[6 + i] ^= frame[2 + i % 4];
    *payload_length = n;
    return frame + 6;
}

/* ---- cases: the upgrade --------------------------------------------------------------------- */

static BOOL query_request_header(HINTERNET request, const WCHAR *name, WCHAR *out, DWORD chars)
{
    DWORD size = chars * sizeof(WCHAR);

    return WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, name, out, &size,
                               NULL);
}

static void upgrade_case(BOOL async)
{
    struct endpoint ep;
    struct ws w;
    WCHAR value[128];
    DWORD size, available = 0xdeadbeef, error;
    char text[] = "still here";

    if (!env_endpoint(L"WINHTTP_TEST_WS", &ep)) return;
    if (!ws_open_request_at(&w, async, &ep, FALSE, L"/echo", TRUE)) goto done;

    /* native: before the send there is no response, and our own headers are not added yet */
    size = sizeof(value);
    ok_bool_err(WinHttpQueryHeaders(w.request, WINHTTP_QUERY_UPGRADE, NULL, value, &size, NULL), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    ok_bool_err(query_request_header(w.request, L"Sec-WebSocket-Key", value, ARRAYSIZE(value)), FALSE,
                ERROR_WINHTTP_HEADER_NOT_FOUND);
    ok_bool_err(query_request_header(w.request, L"Sec-WebSocket-Version", value, ARRAYSIZE(value)), FALSE,
                ERROR_WINHTTP_HEADER_NOT_FOUND);

    error = ws_handshake(&w, NULL);
    ok(!error, "the upgrade request failed: %lu", error);
    if (error) goto done;
    ok(query_request_header(w.request, L"Sec-WebSocket-Key", value, ARRAYSIZE(value)) && wcslen(value) == 24,
       "Sec-WebSocket-Key after the send: %lu, %ls", GetLastError(), value);
    ok(query_request_header(w.request, L"Sec-WebSocket-Version", value, ARRAYSIZE(value)) && !wcscmp(value, L"13"),
       "Sec-WebSocket-Version after the send: %lu, %ls", GetLastError(), value);
    ok_int(status_code(w.request), 101);
    size = sizeof(value);
    ok(WinHttpQueryHeaders(w.request, WINHTTP_QUERY_UPGRADE, NULL, value, &size, NULL) && !_wcsicmp(value, L"websocket"),
       "Upgrade: %lu, %ls", GetLastError(), value);
    size = sizeof(value);
    ok(WinHttpQueryHeaders(w.request, WINHTTP_QUERY_CONNECTION, NULL, value, &size, NULL) && !_wcsicmp(value, L"Upgrade"),
       "Connection: %lu, %ls", GetLastError(), value);
    if (!async)
    {
        ok(WinHttpQueryDataAvailable(w.request, &available), "QueryDataAvailable failed: %lu", GetLastError());
        ok_int(available, 0);
    }
    else
    {
        int mark = rec_mark(w.rec);
        struct event ev;

        ok(WinHttpQueryDataAvailable(w.request, NULL), "QueryDataAvailable failed: %lu", GetLastError());
        ok(rec_next(w.rec, mark, w.request, WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, WAIT_MS, &ev),
           "no DATA_AVAILABLE; seen %s", rec_trace(w.rec, mark, w.request));
        ok_int(ev.dword, 0);
    }

    w.socket = WinHttpWebSocketCompleteUpgrade(w.request, (DWORD_PTR)w.rec);
    ok(w.socket != NULL, "WinHttpWebSocketCompleteUpgrade failed: %lu", GetLastError());
    if (!w.socket) goto done;

    /* native: the WebSocket handle is not a request */
    size = sizeof(value);
    ok_bool_err(WinHttpQueryHeaders(w.socket, WINHTTP_QUERY_STATUS_CODE, NULL, value, &size, NULL), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    SetLastError(0xdeadbeef);
    ok(!WinHttpWebSocketCompleteUpgrade(w.socket, 0) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "CompleteUpgrade on the WebSocket handle: error %lu", GetLastError());

    /* native: the request outlives its connect and session handles, and the
     * WebSocket outlives the request */
    WinHttpCloseHandle(w.connect);
    WinHttpCloseHandle(w.session);
    w.connect = w.session = NULL;
    ok_int(status_code(w.request), 101);
    check_echo(&w, UTF8_MESSAGE, "before", 6);
    WinHttpCloseHandle(w.request);
    if (async && !rec_next(w.rec, 0, w.request, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, WAIT_MS, NULL))
        ok(FALSE, "no HANDLE_CLOSING for the request");
    w.request = NULL;
    check_echo(&w, UTF8_MESSAGE, text, (DWORD)strlen(text));
    error = ws_close(&w, 1000, NULL, 0);
    ok(!error, "Close failed: %lu", error);
done:
    ws_finish(&w);
}

static void test_upgrade_sync(void) { upgrade_case(FALSE); }
static void test_upgrade_async(void) { upgrade_case(TRUE); }

/* CompleteUpgrade fails on a response other than 101, on handles that are
 * not requests, and before the response. */
static void test_upgrade_refused(void)
{
    struct endpoint ep;
    struct server *srv;
    struct script *script;
    struct ws w;
    HINTERNET socket;
    DWORD error;

    if (!env_endpoint(L"WINHTTP_TEST_WS", &ep)) return;

    /* a path the server has no WebSocket at: 404 */
    if (ws_open_request_at(&w, FALSE, &ep, FALSE, L"/no-such-websocket", TRUE))
    {
        error = ws_handshake(&w, NULL);
        ok(!error, "the request failed: %lu", error);
        ok_int(status_code(w.request), 404);
        SetLastError(0xdeadbeef);
        socket = WinHttpWebSocketCompleteUpgrade(w.request, 0);
        ok(!socket && GetLastError() != 0xdeadbeef && GetLastError(),
           "CompleteUpgrade after a 404: %p, error %lu", socket, GetLastError());
        if (socket) WinHttpCloseHandle(socket);
    }
    ws_finish(&w);

    /* the server's WebSocket path asked without the upgrade option: not 101 */
    if (ws_open_request_at(&w, FALSE, &ep, FALSE, L"/echo", FALSE))
    {
        error = ws_handshake(&w, NULL);
        ok(!error, "the request failed: %lu", error);
        ok(status_code(w.request) != 101, "status %lu without the upgrade option", status_code(w.request));
        SetLastError(0xdeadbeef);
        socket = WinHttpWebSocketCompleteUpgrade(w.request, 0);
        ok(!socket && GetLastError() != 0xdeadbeef && GetLastError(),
           "CompleteUpgrade without the option: %p, error %lu", socket, GetLastError());
        if (socket) WinHttpCloseHandle(socket);
    }
    ws_finish(&w);

    /* a plain 200 to an upgrade request */
    srv = server_start();
    script = server_add_connection(srv);
    script_recv_request(script);
    script_respond(script, 200, NULL, "not a WebSocket");
    wcscpy(ep.host, L"127.0.0.1");
    ep.port = server_port(srv);
    if (ws_open_request_at(&w, FALSE, &ep, FALSE, L"/", TRUE))
    {
        error = ws_handshake(&w, NULL);
        ok(!error, "the request failed: %lu", error);
        ok_int(status_code(w.request), 200);
        SetLastError(0xdeadbeef);
        socket = WinHttpWebSocketCompleteUpgrade(w.request, 0);
        ok(!socket && GetLastError() != 0xdeadbeef && GetLastError(),
           "CompleteUpgrade after a 200: %p, error %lu", socket, GetLastError());
        if (socket) WinHttpCloseHandle(socket);

        /* handles that are not requests */
        SetLastError(0xdeadbeef);
        ok(!WinHttpWebSocketCompleteUpgrade(w.session, 0) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
           "CompleteUpgrade on a session: error %lu", GetLastError());
        SetLastError(0xdeadbeef);
        ok(!WinHttpWebSocketCompleteUpgrade(w.connect, 0) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
           "CompleteUpgrade on a connect handle: error %lu", GetLastError());
    }
    ws_finish(&w);
    server_stop(srv);
}

/* CompleteUpgrade before the request was sent: there is no response, let
 * alone a 101.  (Last in the list: Wine 8's builtin crashes here.) */
static void test_upgrade_before_send(void)
{
    struct endpoint ep;
    HINTERNET socket;
    struct ws w;

    if (!env_endpoint(L"WINHTTP_TEST_WS", &ep)) return;
    if (ws_open_request_at(&w, FALSE, &ep, FALSE, L"/echo", TRUE))
    {
        SetLastError(0xdeadbeef);
        socket = WinHttpWebSocketCompleteUpgrade(w.request, 0);
        ok(!socket && GetLastError() != 0xdeadbeef && GetLastError(), "CompleteUpgrade before the send: %p, error %lu",
           socket, GetLastError());
        if (socket) WinHttpCloseHandle(socket);
    }
    ws_finish(&w);
}

/* A 101 whose Sec-WebSocket-Accept does not answer the key, or that has
 * none, must not give a WebSocket (RFC 6455 4.1: the client fails the
 * connection).  Native's exact error is not documented: the failure may come
 * from ReceiveResponse or from CompleteUpgrade. */
static void test_upgrade_bad_accept(void)
{
    static const char *answers[] = {
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    };

    for (int i = 0; i < (int)ARRAYSIZE(answers); i++)
    {
        struct server *srv = server_start();
        struct script *script = server_add_connection(srv);
        struct endpoint ep = { L"127.0.0.1", server_port(srv) };
        HINTERNET socket = NULL;
        struct ws w;
        DWORD error = 0;

        server_set_timeout(srv, 3000);
        script_recv_request(script);
        script_send(script, answers[i], 0);
        script_await_close(script, 5000);
        if (ws_open_request_at(&w, FALSE, &ep, FALSE, L"/", TRUE))
        {
            error = ws_handshake(&w, NULL);
            if (!error)
            {
                SetLastError(0xdeadbeef);
                socket = WinHttpWebSocketCompleteUpgrade(w.request, 0);
                error = socket ? 0 : GetLastError();
            }
            ok(!socket && error, "answer %d: the upgrade succeeded", i);
            if (socket) WinHttpCloseHandle(socket);
        }
        ws_finish(&w);
        server_stop(srv);
    }
}

/* The handshake request and the frames exactly as they go on the wire. */
static void test_frames_on_wire(void)
{
    struct script *script;
    struct endpoint ep;
    struct server *srv = scripted_ws_server(&script, &ep);
    const struct server_request *seen;
    char value[128];
    BYTE raw[64], key[32];
    DWORD error, key_length = sizeof(key);
    size_t payload_length;
    BYTE *payload;
    struct ws w;

    /* the binary message "abc" (9 bytes), then the close 1000 "bye" (11 bytes) */
    script_recv_body(script, 9 + 11);
    script_send(script, "\x88\x02\x03\xe8", 4);
    script_close(script);
    if (!ws_connect_at(&w, FALSE, &ep, FALSE, L"/chat", NULL)) goto done;
    error = ws_send(&w, BINARY_MESSAGE, "abc", 3);
    ok(!error, "Send failed: %lu", error);
    error = ws_close(&w, 1000, "bye", 3);
    ok(!error, "Close failed: %lu", error);
    expect_close_status(&w, 1000, "");
done:
    ws_finish(&w);
    ok(server_wait_idle(srv, 5000), "the server did not finish");
    ok(!server_errors(srv), "server: %s", server_error_text(srv));
    seen = server_request(srv, 0);
    ok(seen != NULL, "no request seen");
    if (seen)
    {
        ok(!strncmp(seen->head, "GET /chat HTTP/1.1\r\n", 20), "request line: %.30s", seen->head);
        ok(head_value(seen->head, "Upgrade", value, sizeof(value)) && !_stricmp(value, "websocket"), "Upgrade: %s",
           value);
        ok(head_value(seen->head, "Connection", value, sizeof(value)) && strstr(value, "Upgrade"), "Connection: %s",
           value);
        ok(head_value(seen->head, "Sec-WebSocket-Version", value, sizeof(value)) && !strcmp(value, "13"),
           "Sec-WebSocket-Version: %s", value);
        ok(head_value(seen->head, "Sec-WebSocket-Key", value, sizeof(value)) &&
               CryptStringToBinaryA(value, 0, CRYPT_STRING_BASE64, key, &key_length, NULL, NULL) && key_length == 16,
           "Sec-WebSocket-Key %s is not 16 bytes in base64", value);
    }
    if (seen && seen->body && seen->body_length == 20)
    {
        memcpy(raw, seen->body, 20);
        ok(raw[0] == 0x82, "data frame's first byte %#x, want 0x82 (FIN, binary)", raw[0]);
        payload = unmask_frame(raw, 9, &payload_length);
        ok(payload && payload_length == 3 && !memcmp(payload, "abc", 3), "data frame not \"abc\" masked");
        ok(raw[9] == 0x88, "close frame's first byte %#x, want 0x88", raw[9]);
        ok(memcmp(raw + 2, raw + 11, 4), "the two frames have the same masking key");
        payload = unmask_frame(raw + 9, 11, &payload_length);
        ok(payload && payload_length == 5 && !memcmp(payload, "\x03\xe8" "bye", 5), "close frame not 1000 \"bye\" masked");
    }
    else
        ok(FALSE, "the server did not get the 20 bytes of the two frames");
    server_stop(srv);
}

/* Sec-WebSocket-Protocol: the server picks "chat" and says so. */
static void test_subprotocol(void)
{
    struct endpoint ep;
    struct ws w;
    WCHAR value[64];
    DWORD size = sizeof(value);

    if (!env_endpoint(L"WINHTTP_TEST_WS", &ep)) return;
    if (!ws_connect_at(&w, FALSE, &ep, FALSE, L"/protocol", L"Sec-WebSocket-Protocol: chat\r\n")) goto done;
    ok(WinHttpQueryHeaders(w.request, WINHTTP_QUERY_CUSTOM, L"Sec-WebSocket-Protocol", value, &size, NULL) &&
           !wcscmp(value, L"chat"), "Sec-WebSocket-Protocol: %lu, %ls", GetLastError(), value);
    expect_text(&w, "chat");
    ok(!ws_close(&w, 1000, NULL, 0), "Close failed");
done:
    ws_finish(&w);
}

/* ---- cases: messages ---------------------------------------------------------------------------- */

static void echo_case(BOOL async)
{
    static char small[256], text[200], buffer[512];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD error, got;
    struct ws w;

    for (int i = 0; i < (int)sizeof(small); i++) small[i] = (char)i;
    for (int i = 0; i < (int)sizeof(text); i++) text[i] = 'a' + i % 26;
    if (!ws_connect(&w, async, L"/echo")) goto done;

    check_echo(&w, UTF8_MESSAGE, "hello, world", 12);
    check_echo(&w, BINARY_MESSAGE, small, 3);
    check_echo(&w, UTF8_MESSAGE, "h\xc3\xa9llo w\xc3\xb6rld \xe2\x82\xac \xf0\x9f\x98\x80", 23);
    /* empty messages */
    check_echo(&w, BINARY_MESSAGE, NULL, 0);
    check_echo(&w, UTF8_MESSAGE, NULL, 0);

    /* native: 256 bytes into 128: a fragment, then the end of the message */
    error = ws_send(&w, BINARY_MESSAGE, small, sizeof(small));
    ok(!error, "Send failed: %lu", error);
    error = ws_receive(&w, buffer, 128, &got, &type);
    ok(!error && got == 128 && type == BINARY_FRAGMENT, "first 128: error %lu, %lu bytes, %s", error, got,
       type_name(type));
    error = ws_receive(&w, buffer + 128, 128, &got, &type);
    ok(!error && got == 128 && type == BINARY_MESSAGE, "second 128: error %lu, %lu bytes, %s", error, got,
       type_name(type));
    ok(!memcmp(buffer, small, sizeof(small)), "the pieces differ from the message");

    /* the same with text, received in pieces of 64 */
    error = ws_send(&w, UTF8_MESSAGE, text, sizeof(text));
    ok(!error, "Send failed: %lu", error);
    error = ws_receive_message(&w, buffer, sizeof(buffer), 64, &got, &type);
    ok(!error && got == sizeof(text) && type == UTF8_MESSAGE && !memcmp(buffer, text, sizeof(text)),
       "text in pieces of 64: error %lu, %lu bytes, %s", error, got, type_name(type));

    /* fragments sent: one message at the other end */
    ok(!ws_send(&w, BINARY_FRAGMENT, "abc", 3), "BINARY_FRAGMENT failed");
    ok(!ws_send(&w, BINARY_FRAGMENT, "def", 3), "BINARY_FRAGMENT failed");
    ok(!ws_send(&w, BINARY_MESSAGE, "gh", 2), "BINARY_MESSAGE failed");
    error = ws_receive_message(&w, buffer, sizeof(buffer), sizeof(buffer), &got, &type);
    ok(!error && got == 8 && type == BINARY_MESSAGE && !memcmp(buffer, "abcdefgh", 8),
       "echo of the fragments: error %lu, %lu bytes, %s", error, got, type_name(type));
    ok(!ws_send(&w, UTF8_FRAGMENT, "h\xc3\xa9llo ", 7), "UTF8_FRAGMENT failed");
    ok(!ws_send(&w, UTF8_MESSAGE, "w\xc3\xb6rld", 6), "UTF8_MESSAGE failed");
    error = ws_receive_message(&w, buffer, sizeof(buffer), sizeof(buffer), &got, &type);
    ok(!error && got == 13 && type == UTF8_MESSAGE && !memcmp(buffer, "h\xc3\xa9llo w\xc3\xb6rld", 13),
       "echo of the text fragments: error %lu, %lu bytes, %s", error, got, type_name(type));

    ok(!ws_close(&w, 1000, NULL, 0), "Close failed");
    expect_close_status(&w, 1000, "");
done:
    ws_finish(&w);
}

static void test_echo_sync(void) { echo_case(FALSE); }
static void test_echo_async(void) { echo_case(TRUE); }

static void large_message_case(BOOL async)
{
    const DWORD size = 1 << 20;
    char *message = malloc(size), *back = malloc(size + 1);
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD error, got;
    struct ws w;

    for (DWORD i = 0; i < size; i++) message[i] = (char)(i * 7 + (i >> 10));
    if (!ws_connect(&w, async, L"/echo")) goto done;
    error = ws_send(&w, BINARY_MESSAGE, message, size);
    ok(!error, "sending 1 MiB failed: %lu", error);
    error = ws_receive_message(&w, back, size + 1, size + 1, &got, &type);
    ok(!error && got == size && type == BINARY_MESSAGE, "1 MiB echo: error %lu, %lu bytes, %s", error, got,
       type_name(type));
    ok(!memcmp(back, message, size), "the 1 MiB echo differs");

    /* 1 MiB sent as 16 fragments, received in pieces of 100000 bytes */
    for (int i = 0; i < 16 && !error; i++)
        error = ws_send(&w, i < 15 ? BINARY_FRAGMENT : BINARY_MESSAGE, message + i * (size / 16), size / 16);
    ok(!error, "sending 16 fragments failed: %lu", error);
    memset(back, 0, size);
    error = ws_receive_message(&w, back, size + 1, 100000, &got, &type);
    ok(!error && got == size && type == BINARY_MESSAGE && !memcmp(back, message, size),
       "1 MiB in fragments: error %lu, %lu bytes, %s", error, got, type_name(type));
    ok(!ws_close(&w, 1000, NULL, 0), "Close failed");
done:
    ws_finish(&w);
    free(message);
    free(back);
}

static void test_large_message_sync(void) { large_message_case(FALSE); }
static void test_large_message_async(void) { large_message_case(TRUE); }

/* /fragmented: a text message in 3 frames with a ping among them, a binary
 * one in 2; they arrive whole (in pieces the client may cut anywhere), and
 * the ping was answered. */
static void server_fragments_case(BOOL async)
{
    static const char binary[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    char buffer[256];
    DWORD error, got;
    struct ws w;

    if (!ws_connect(&w, async, L"/fragmented")) goto done;
    error = ws_receive_message(&w, buffer, sizeof(buffer), sizeof(buffer), &got, &type);
    ok(!error && type == UTF8_MESSAGE && got == 23 && !memcmp(buffer, "fragmented text message", 23),
       "text: error %lu, %s, %lu bytes \"%.*s\"", error, type_name(type), got, (int)min(got, 64), buffer);
    error = ws_receive_message(&w, buffer, sizeof(buffer), sizeof(buffer), &got, &type);
    ok(!error && type == BINARY_MESSAGE && got == 10 && !memcmp(buffer, binary, 10),
       "binary: error %lu, %s, %lu bytes", error, type_name(type), got);
    expect_text(&w, "pong received");
    check_echo(&w, UTF8_MESSAGE, "after", 5);
    ok(!ws_close(&w, 1000, NULL, 0), "Close failed");
done:
    ws_finish(&w);
}

static void test_server_fragments_sync(void) { server_fragments_case(FALSE); }
static void test_server_fragments_async(void) { server_fragments_case(TRUE); }

/* /ping: the client answers a ping (while receiving) with its payload. */
static void ping_case(BOOL async)
{
    struct ws w;

    if (!ws_connect(&w, async, L"/ping")) goto done;
    expect_text(&w, "pong received");
    check_echo(&w, BINARY_MESSAGE, "x", 1);
    ok(!ws_close(&w, 1000, NULL, 0), "Close failed");
done:
    ws_finish(&w);
}

static void test_ping_sync(void) { ping_case(FALSE); }
static void test_ping_async(void) { ping_case(TRUE); }

/* ---- cases: argument and state rules ----------------------------------------------------------- */

static void arguments_case(BOOL async)
{
    char reason[130], buffer[64];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD error, got;
    struct ws w;

    memset(reason, 'r', sizeof(reason));
    if (!ws_connect(&w, async, L"/echo")) goto done;

    /* native: a NULL buffer with a length */
    ok_int(WinHttpWebSocketSend(w.socket, BINARY_MESSAGE, NULL, 1), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketSend(w.socket, UTF8_MESSAGE, NULL, 1), ERROR_INVALID_PARAMETER);
    /* native: no buffer or an empty one to receive into */
    ok_int(WinHttpWebSocketReceive(w.socket, NULL, 0, &got, &type), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketReceive(w.socket, buffer, 0, &got, &type), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketReceive(w.socket, NULL, 1, &got, &type), ERROR_INVALID_PARAMETER);

    /* native: text may not join a binary message under way */
    ok(!ws_send(&w, BINARY_FRAGMENT, "bin", 3), "BINARY_FRAGMENT failed");
    ok_int(WinHttpWebSocketSend(w.socket, UTF8_FRAGMENT, "t", 1), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketSend(w.socket, UTF8_MESSAGE, "t", 1), ERROR_INVALID_PARAMETER);
    ok(!ws_send(&w, BINARY_MESSAGE, "ary", 3), "BINARY_MESSAGE failed");
    error = ws_receive_message(&w, buffer, sizeof(buffer), sizeof(buffer), &got, &type);
    ok(!error && type == BINARY_MESSAGE && got == 6 && !memcmp(buffer, "binary", 6),
       "the message around the refused sends: error %lu, %s, %lu bytes", error, type_name(type), got);

    /* native: close reasons are at most 123 bytes, and NULL means none */
    ok_int(WinHttpWebSocketShutdown(w.socket, 1000, NULL, 1), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketClose(w.socket, 1000, NULL, 1), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketShutdown(w.socket, 1000, reason, 124), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketClose(w.socket, 1000, reason, 124), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketClose(w.socket, 1000, reason, 128), ERROR_INVALID_PARAMETER);

    /* the refusals changed nothing */
    check_echo(&w, UTF8_MESSAGE, "still open", 10);
    /* a reason of 123 bytes is allowed */
    error = ws_close(&w, 4000, reason, 123);
    ok(!error, "Close with 123 bytes of reason failed: %lu", error);
    reason[123] = 0;
    expect_close_status(&w, 4000, reason);
done:
    ws_finish(&w);
}

static void test_arguments_sync(void) { arguments_case(FALSE); }
static void test_arguments_async(void) { arguments_case(TRUE); }

/* WinHttpWebSocketQueryCloseStatus: nothing before the peer's close, and its
 * argument rules after one (native). */
static void test_query_close_status(void)
{
    char buffer[16] = "untouched";
    USHORT status = 0xbeef;
    DWORD length = 0xdeadbeef;
    struct ws w;

    if (!ws_connect(&w, FALSE, L"/echo")) goto done;
    ok_int(WinHttpWebSocketQueryCloseStatus(w.socket, &status, buffer, sizeof(buffer), &length),
           ERROR_INVALID_OPERATION);
    ok(status == 0xbeef && length == 0xdeadbeef && !strcmp(buffer, "untouched"),
       "outputs written before a close: %u, %lu", status, length);
    ok(!ws_close(&w, 1000, NULL, 0), "Close failed");

    ok_int(WinHttpWebSocketQueryCloseStatus(w.socket, NULL, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketQueryCloseStatus(w.socket, &status, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketQueryCloseStatus(w.socket, &status, buffer, 0, NULL), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketQueryCloseStatus(w.socket, &status, buffer, sizeof(buffer), NULL), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketQueryCloseStatus(w.socket, NULL, NULL, 0, &length), ERROR_INVALID_PARAMETER);
    ok_int(WinHttpWebSocketQueryCloseStatus(w.socket, &status, NULL, 1, &length), ERROR_INVALID_PARAMETER);
    status = 0xbeef;
    length = 0xdeadbeef;
    ok_int(WinHttpWebSocketQueryCloseStatus(w.socket, &status, NULL, 0, &length), 0);
    ok_int(status, 1000);
    ok_int(length, 0);
done:
    ws_finish(&w);
}

/* ---- cases: the closing handshake ---------------------------------------------------------------- */

/* The server closes first (/close?code=4001&reason=bye). */
static void server_close_case(BOOL async)
{
    char buffer[16], small[2];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    USHORT status;
    DWORD error, got, length;
    struct ws w;

    if (!ws_connect(&w, async, L"/close?code=4001&reason=bye")) goto done;
    error = ws_receive(&w, buffer, sizeof(buffer), &got, &type);
    ok(!error && type == CLOSE_BUFFER && got == 0, "receiving the close: error %lu, %s, %lu bytes", error,
       type_name(type), got);
    expect_close_status(&w, 4001, "bye");
    /* the documented sizing call (no buffer: too small for "bye"), and a buffer too small */
    length = 0xdeadbeef;
    ok_int(WinHttpWebSocketQueryCloseStatus(w.socket, &status, NULL, 0, &length), ERROR_INSUFFICIENT_BUFFER);
    ok_int(length, 3);
    ok_int(WinHttpWebSocketQueryCloseStatus(w.socket, &status, small, sizeof(small), &length),
           ERROR_INSUFFICIENT_BUFFER);
    /* documented: the receive channel is closed */
    ok_int(WinHttpWebSocketReceive(w.socket, buffer, sizeof(buffer), &got, &type), ERROR_INVALID_OPERATION);
    error = ws_close(&w, 1000, NULL, 0);
    ok(!error, "Close after the server's close failed: %lu", error);
    expect_close_status(&w, 4001, "bye");
done:
    ws_finish(&w);
}

static void test_server_close_sync(void) { server_close_case(FALSE); }
static void test_server_close_async(void) { server_close_case(TRUE); }

/* Our close: the server got its status and reason (/last-close reports what
 * /echo?id= received), and echoed them. */
static void client_close_case(BOOL async)
{
    WCHAR id[32], path[64];
    struct ws w;
    DWORD error;

    unique_id(id, ARRAYSIZE(id));
    swprintf(path, ARRAYSIZE(path), L"/echo?id=%ls", id);
    if (!ws_connect(&w, async, path)) goto done;
    check_echo(&w, UTF8_MESSAGE, "one", 3);
    error = ws_close(&w, 4002, "client bye", 10);
    ok(!error, "Close failed: %lu", error);
    expect_close_status(&w, 4002, "client bye");
    /* closed: no more sends or receives */
    ok_int(WinHttpWebSocketSend(w.socket, UTF8_MESSAGE, "x", 1), ERROR_INVALID_OPERATION);
    ws_finish(&w);

    swprintf(path, ARRAYSIZE(path), L"/last-close?id=%ls", id);
    if (!ws_connect(&w, FALSE, path)) goto done;
    expect_text(&w, "4002 client bye");
    ok(!ws_close(&w, 1000, NULL, 0), "Close failed");
done:
    ws_finish(&w);
}

static void test_client_close_sync(void) { client_close_case(FALSE); }
static void test_client_close_async(void) { client_close_case(TRUE); }

/* WinHttpWebSocketShutdown: our close frame goes, the receive side stays
 * open until the server's close; then Close finishes (native). */
static void shutdown_case(BOOL async)
{
    char buffer[64];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type = 0xdeadbeef;
    DWORD error, got = 0xdeadbeef;
    struct event ev;
    struct ws w;
    int mark = 0;

    if (!ws_connect(&w, async, L"/echo")) goto done;
    check_echo(&w, BINARY_MESSAGE, "before", 6);
    if (async)
    {
        /* native: a receive pending across the shutdown ends with the server's close */
        mark = rec_mark(w.rec);
        ok_int(WinHttpWebSocketReceive(w.socket, buffer, sizeof(buffer), &got, &type), 0);
    }
    error = ws_shutdown(&w, 1000, "done", 4);
    ok(!error, "Shutdown failed: %lu", error);
    ok_int(WinHttpWebSocketSend(w.socket, BINARY_MESSAGE, "x", 1), ERROR_INVALID_OPERATION);
    ok_int(WinHttpWebSocketShutdown(w.socket, 1000, NULL, 0), ERROR_INVALID_OPERATION);
    if (async)
    {
        if (ws_wait(&w, mark, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, &ev, &error)
            == WINHTTP_CALLBACK_STATUS_READ_COMPLETE)
            ok(ev.ws.eBufferType == CLOSE_BUFFER && ev.ws.dwBytesTransferred == 0,
               "the pending receive ended with %s, %lu bytes", type_name(ev.ws.eBufferType), ev.ws.dwBytesTransferred);
        else
            ok(FALSE, "the pending receive failed: %lu", error);
        ok(rec_count(w.rec, mark, w.socket, WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE) == 1,
           "SHUTDOWN_COMPLETE: %s", rec_trace(w.rec, mark, w.socket));
    }
    else
    {
        error = ws_receive(&w, buffer, sizeof(buffer), &got, &type);
        ok(!error && type == CLOSE_BUFFER && got == 0, "receive after the shutdown: error %lu, %s, %lu bytes", error,
           type_name(type), got);
    }
    expect_close_status(&w, 1000, "done");
    ok_int(WinHttpWebSocketReceive(w.socket, buffer, sizeof(buffer), &got, &type), ERROR_INVALID_OPERATION);
    /* native: Close (with a reason) still succeeds and finishes */
    error = ws_close(&w, 1000, "x", 1);
    ok(!error, "Close after the shutdown failed: %lu", error);
    expect_close_status(&w, 1000, "done");
done:
    ws_finish(&w);
}

static void test_shutdown_sync(void) { shutdown_case(FALSE); }
static void test_shutdown_async(void) { shutdown_case(TRUE); }

/* ---- cases: asynchronous completions ------------------------------------------------------------- */

/* A second receive while one is pending; WinHttpWebSocketClose cancels the
 * pending one (native: REQUEST_ERROR during the Close call, then CLOSE_COMPLETE). */
static void test_close_with_receive_pending(void)
{
    char buffer[64], other[64];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    struct event ev;
    DWORD got;
    struct ws w;
    int mark, errors_during;

    if (!ws_connect(&w, TRUE, L"/echo")) goto done;
    mark = rec_mark(w.rec);
    ok_int(WinHttpWebSocketReceive(w.socket, buffer, sizeof(buffer), &got, &type), 0);
    ok_int(WinHttpWebSocketReceive(w.socket, other, sizeof(other), &got, &type), ERROR_INVALID_OPERATION);
    ok_int(WinHttpWebSocketClose(w.socket, 1000, NULL, 0), 0);
    errors_during = rec_count(w.rec, mark, w.socket, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR);
    ok(errors_during == 1, "REQUEST_ERRORs during the Close call: %d (%s)", errors_during,
       rec_trace(w.rec, mark, w.socket));
    if (rec_next(w.rec, mark, w.socket, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, WAIT_MS, &ev))
    {
        ok(ev.length == sizeof(WINHTTP_WEB_SOCKET_ASYNC_RESULT), "REQUEST_ERROR length %lu", ev.length);
        ok(ev.ws_error.Operation == WINHTTP_WEB_SOCKET_RECEIVE_OPERATION &&
               ev.ws_error.AsyncResult.dwError == ERROR_WINHTTP_OPERATION_CANCELLED,
           "REQUEST_ERROR operation %d error %lu", ev.ws_error.Operation, ev.ws_error.AsyncResult.dwError);
    }
    else
        ok(FALSE, "no REQUEST_ERROR for the pending receive: %s", rec_trace(w.rec, mark, w.socket));
    if (rec_next(w.rec, mark, w.socket, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, WAIT_MS, &ev))
        ok(ev.length == 0, "CLOSE_COMPLETE length %lu", ev.length);
    else
        ok(FALSE, "no CLOSE_COMPLETE: %s", rec_trace(w.rec, mark, w.socket));
    ok(!strcmp(rec_trace(w.rec, mark, w.socket), "REQUEST_ERROR CLOSE_COMPLETE"), "order: %s",
       rec_trace(w.rec, mark, w.socket));
    expect_close_status(&w, 1000, "");
done:
    ws_finish(&w);
}

/* Closes the WebSocket handle with one operation pending: exactly its
 * REQUEST_ERROR (that operation, cancelled), then HANDLE_CLOSING once, and
 * nothing after it. */
static void close_expecting_cancel(struct ws *w, int mark, WINHTTP_WEB_SOCKET_OPERATION operation)
{
    HINTERNET socket = w->socket;
    struct event ev;

    w->socket = NULL;
    ok(WinHttpCloseHandle(socket), "WinHttpCloseHandle failed: %lu", GetLastError());
    if (rec_next(w->rec, mark, socket, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, WAIT_MS, NULL))
    {
        int closings, after;

        Sleep(100);
        ok(!strcmp(rec_trace(w->rec, mark, socket), "REQUEST_ERROR HANDLE_CLOSING"), "callbacks: %s",
           rec_trace(w->rec, mark, socket));
        if (rec_next(w->rec, mark, socket, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, &ev))
            ok(ev.ws_error.Operation == operation &&
                   ev.ws_error.AsyncResult.dwError == ERROR_WINHTTP_OPERATION_CANCELLED,
               "REQUEST_ERROR operation %d error %lu", ev.ws_error.Operation, ev.ws_error.AsyncResult.dwError);
        rec_closings(w->rec, socket, &closings, &after);
        ok(closings == 1 && !after, "%d HANDLE_CLOSING, %d callbacks after it", closings, after);
    }
    else
        ok(FALSE, "no HANDLE_CLOSING: %s", rec_trace(w->rec, mark, socket));
}

/* WinHttpCloseHandle on the WebSocket with a receive pending: REQUEST_ERROR
 * (RECEIVE_OPERATION, cancelled), then HANDLE_CLOSING, once and last. */
static void test_close_handle_with_receive_pending(void)
{
    char buffer[64];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD got;
    struct ws w;
    int mark;

    if (!ws_connect(&w, TRUE, L"/echo")) goto done;
    mark = rec_mark(w.rec);
    ok_int(WinHttpWebSocketReceive(w.socket, buffer, sizeof(buffer), &got, &type), 0);
    close_expecting_cancel(&w, mark, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION);
done:
    ws_finish(&w);
}

/* WinHttpCloseHandle while a WinHttpWebSocketClose waits for a server that
 * never answers: REQUEST_ERROR (CLOSE_OPERATION, cancelled), then HANDLE_CLOSING. */
static void test_close_handle_with_close_pending(void)
{
    struct ws w;
    int mark;

    if (!ws_connect(&w, TRUE, L"/silent-close")) goto done;
    mark = rec_mark(w.rec);
    ok_int(WinHttpWebSocketClose(w.socket, 1000, NULL, 0), 0);
    Sleep(100);
    ok(!rec_count(w.rec, mark, w.socket, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE), "CLOSE_COMPLETE with no answer");
    close_expecting_cancel(&w, mark, WINHTTP_WEB_SOCKET_CLOSE_OPERATION);
done:
    ws_finish(&w);
}

/* ---- case: full duplex under a close from another thread --------------------------------------- */

#define DUPLEX_MESSAGES 400

struct duplex
{
    struct ws w;
    HANDLE write_done;
    LONG sends_issued, sends_completed, sends_failed, send_refused;
    LONG receives_issued, receives_completed, receives_failed;
    LONG messages, bad_messages, bad_pieces;
    DWORD first_bad;
    char receive_buffer[65536];
    char *message;            /* the message being received */
    DWORD message_length;
    volatile LONG closing;
    HINTERNET socket;
};

static DWORD duplex_length(int i) { return 1 + (DWORD)(i * 7919u) % 20000; }
static WINHTTP_WEB_SOCKET_BUFFER_TYPE duplex_type(int i) { return i % 3 ? BINARY_MESSAGE : UTF8_MESSAGE; }
static char duplex_byte(int i, DWORD j)
{
    return duplex_type(i) == UTF8_MESSAGE ? (char)('a' + (i + j) % 26) : (char)(i * 31 + j);
}

static void duplex_receive(struct duplex *d)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD got;

    if (!WinHttpWebSocketReceive(d->socket, d->receive_buffer, sizeof(d->receive_buffer), &got, &type))
        InterlockedIncrement(&d->receives_issued);
}

static void duplex_hook(struct rec *rec, const struct event *ev)
{
    struct duplex *d = rec->user;

    if (ev->handle != d->socket) return;
    switch (ev->status)
    {
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
        InterlockedIncrement(&d->sends_completed);
        SetEvent(d->write_done);
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
    {
        DWORD n = ev->ws.dwBytesTransferred;

        InterlockedIncrement(&d->receives_completed);
        if (n > sizeof(d->receive_buffer) || d->message_length + n > 20000)
            d->bad_pieces++;
        else
        {
            memcpy(d->message + d->message_length, d->receive_buffer, n);
            d->message_length += n;
        }
        if (!is_fragment(ev->ws.eBufferType))
        {
            int i = d->messages;
            BOOL good = d->message_length == duplex_length(i) && ev->ws.eBufferType == duplex_type(i);

            for (DWORD j = 0; good && j < d->message_length; j++) good = d->message[j] == duplex_byte(i, j);
            if (!good && !d->bad_messages++) d->first_bad = i;
            d->message_length = 0;
            InterlockedIncrement(&d->messages);
        }
        duplex_receive(d);   /* the next one, from the callback */
        break;
    }
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        if (ev->ws_error.Operation == WINHTTP_WEB_SOCKET_SEND_OPERATION)
        {
            InterlockedIncrement(&d->sends_failed);
            SetEvent(d->write_done);
        }
        else if (ev->ws_error.Operation == WINHTTP_WEB_SOCKET_RECEIVE_OPERATION)
            InterlockedIncrement(&d->receives_failed);
        break;
    }
}

static DWORD WINAPI duplex_sender(void *arg)
{
    struct duplex *d = arg;
    char *message = malloc(20000);

    for (int i = 0; i < DUPLEX_MESSAGES; i++)
    {
        DWORD length = duplex_length(i);

        for (DWORD j = 0; j < length; j++) message[j] = duplex_byte(i, j);
        if (WinHttpWebSocketSend(d->socket, duplex_type(i), message, length))
        {
            d->send_refused++;   /* the handle closed: the end */
            break;
        }
        InterlockedIncrement(&d->sends_issued);
        if (WaitForSingleObject(d->write_done, WAIT_MS)) break;
    }
    /* the buffer must outlive the last send: its completion came, or the
     * handle's close cancels it before HANDLE_CLOSING */
    while (!InterlockedCompareExchange(&d->closing, 0, 0)) Sleep(10);
    free(message);
    return 0;
}

static DWORD WINAPI duplex_closer(void *arg)
{
    struct duplex *d = arg;
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;

    while (InterlockedCompareExchange(&d->messages, 0, 0) < DUPLEX_MESSAGES / 2 && GetTickCount64() < deadline)
        Sleep(1);
    WinHttpCloseHandle(d->socket);
    return 0;
}

static void test_full_duplex_close(void)
{
    struct duplex *d = calloc(1, sizeof(*d));
    HANDLE sender, closer;
    int closings, after;

    d->write_done = CreateEventW(NULL, FALSE, FALSE, NULL);
    d->message = malloc(20000);
    if (!ws_connect(&d->w, TRUE, L"/echo")) goto done;
    d->socket = d->w.socket;
    d->w.rec->user = d;
    d->w.rec->hook = duplex_hook;
    duplex_receive(d);
    ok_int(d->receives_issued, 1);
    sender = CreateThread(NULL, 0, duplex_sender, d, 0, NULL);
    closer = CreateThread(NULL, 0, duplex_closer, d, 0, NULL);
    ok(!WaitForSingleObject(closer, 2 * WAIT_MS), "the closing thread did not end");
    ok(rec_next(d->w.rec, 0, d->socket, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, WAIT_MS, NULL),
       "no HANDLE_CLOSING after the close");
    InterlockedExchange(&d->closing, 1);
    ok(!WaitForSingleObject(sender, 2 * WAIT_MS), "the sending thread did not end");
    Sleep(100);
    rec_closings(d->w.rec, d->socket, &closings, &after);
    ok(closings == 1 && !after, "%d HANDLE_CLOSING, %d callbacks after it", closings, after);
    ok(d->messages >= DUPLEX_MESSAGES / 2, "%ld messages echoed", d->messages);
    ok(!d->bad_messages && !d->bad_pieces, "%ld messages differ (the first: %lu), %ld pieces too long",
       d->bad_messages, d->first_bad, d->bad_pieces);
    ok(d->sends_issued == d->sends_completed + d->sends_failed,
       "%ld sends, %ld WRITE_COMPLETE, %ld REQUEST_ERROR", d->sends_issued, d->sends_completed, d->sends_failed);
    ok(d->receives_issued == d->receives_completed + d->receives_failed,
       "%ld receives, %ld READ_COMPLETE, %ld REQUEST_ERROR", d->receives_issued, d->receives_completed,
       d->receives_failed);
    ok(d->receives_failed <= 1 && d->sends_failed <= 1, "%ld receives and %ld sends failed", d->receives_failed,
       d->sends_failed);
    CloseHandle(sender);
    CloseHandle(closer);
    d->w.socket = NULL;   /* closed by the thread */
done:
    ws_finish(&d->w);
    CloseHandle(d->write_done);
    free(d->message);
    free(d);
}

/* ---- cases: options ---------------------------------------------------------------------------- */

static DWORD query_dword(HINTERNET handle, DWORD option, BOOL *done)
{
    DWORD value = 0xdeadbeef, size = sizeof(value);

    *done = WinHttpQueryOption(handle, option, &value, &size);
    if (*done && size != sizeof(DWORD)) ok(FALSE, "option %lu: size %lu", option, size);
    return value;
}

/* WEB_SOCKET_RECEIVE_BUFFER_SIZE and SEND_BUFFER_SIZE (native: 32768 by
 * default, inherited from the session, a send buffer under 16 refused). */
static void buffer_sizes_case(BOOL async)
{
    static const DWORD options[2] = { WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE,
                                      WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE };
    struct endpoint ep;
    DWORD value, error;
    BOOL done;
    struct ws w;

    if (!env_endpoint(L"WINHTTP_TEST_WS", &ep)) return;
    if (!ws_open_request_at(&w, async, &ep, FALSE, L"/echo", TRUE)) goto finish;
    for (int i = 0; i < 2; i++)
    {
        value = query_dword(w.session, options[i], &done);
        ok(done && value == 32768, "option %lu on the session: %d, %lu (error %lu)", options[i], done, value,
           GetLastError());
        value = query_dword(w.request, options[i], &done);
        ok(done && value == 32768, "option %lu on the request: %d, %lu (error %lu)", options[i], done, value,
           GetLastError());
    }
    /* set on the request: the session keeps its own */
    value = 65536;
    ok(WinHttpSetOption(w.request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &value, sizeof(value)),
       "setting the request's receive buffer size failed: %lu", GetLastError());
    ok_int(query_dword(w.request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &done), 65536);
    ok_int(query_dword(w.session, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &done), 32768);
    /* set on the session: a new request inherits it */
    value = 20000;
    ok(WinHttpSetOption(w.session, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &value, sizeof(value)),
       "setting the session's send buffer size failed: %lu", GetLastError());
    WinHttpCloseHandle(w.request);
    if (async) rec_next(w.rec, 0, w.request, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, WAIT_MS, NULL);
    w.request = WinHttpOpenRequest(w.connect, L"GET", L"/echo", NULL, NULL, NULL, 0);
    ok_int(query_dword(w.request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &done), 20000);
    WinHttpCloseHandle(w.request);
    w.request = NULL;
finish:
    ws_finish(&w);

    /* native: a send buffer of 15 bytes makes the send fail */
    if (!ws_open_request_at(&w, async, &ep, FALSE, L"/echo", TRUE)) goto finish2;
    value = 15;
    ok(WinHttpSetOption(w.request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &value, sizeof(value)),
       "setting a send buffer of 15 failed: %lu", GetLastError());
    if (!async)
    {
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpSendRequest(w.request, NULL, 0, NULL, 0, 0, 0), FALSE, ERROR_NOT_ENOUGH_MEMORY);
    }
    else
    {
        int mark = rec_mark(w.rec);
        struct event ev;

        ok(WinHttpSendRequest(w.request, NULL, 0, NULL, 0, 0, 0), "async SendRequest failed at once: %lu",
           GetLastError());
        ok(rec_next(w.rec, mark, w.request,
                    WINHTTP_CALLBACK_STATUS_REQUEST_ERROR | WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, WAIT_MS, &ev)
               == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
           "a send buffer of 15: %s", rec_trace(w.rec, mark, w.request));
    }
finish2:
    ws_finish(&w);

    /* ... and one of 16 works */
    if (!ws_open_request_at(&w, async, &ep, FALSE, L"/echo", TRUE)) goto finish3;
    value = 16;
    ok(WinHttpSetOption(w.request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &value, sizeof(value)),
       "setting a send buffer of 16 failed: %lu", GetLastError());
    error = ws_handshake(&w, NULL);
    ok(!error, "the upgrade with a send buffer of 16 failed: %lu", error);
    if (error) goto finish3;
    w.socket = WinHttpWebSocketCompleteUpgrade(w.request, (DWORD_PTR)w.rec);
    ok(w.socket != NULL, "CompleteUpgrade failed: %lu", GetLastError());
    if (!w.socket) goto finish3;
    check_echo(&w, BINARY_MESSAGE, "a message longer than sixteen bytes", 35);
    /* native: not options of the WebSocket handle */
    for (int i = 0; i < 2; i++)
    {
        value = 4096;
        ok(!WinHttpSetOption(w.socket, options[i], &value, sizeof(value)), "option %lu set on the WebSocket",
           options[i]);
        query_dword(w.socket, options[i], &done);
        ok(!done, "option %lu queried on the WebSocket", options[i]);
    }
    ok(!ws_close(&w, 1000, NULL, 0), "Close failed");
finish3:
    ws_finish(&w);
}

static void test_buffer_sizes_sync(void) { buffer_sizes_case(FALSE); }
static void test_buffer_sizes_async(void) { buffer_sizes_case(TRUE); }

/* WEB_SOCKET_KEEPALIVE_INTERVAL (native): never queried, set on the
 * WebSocket handle only, as a DWORD of at least 15000 ms. */
static void test_keepalive_option(void)
{
    DWORD value;
    ULONGLONG value8 = 20000;
    BOOL done;
    struct ws w;

    if (!ws_connect(&w, FALSE, L"/echo")) goto done;
    query_dword(w.session, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &done);
    ok(!done && GetLastError() == ERROR_INVALID_PARAMETER, "query on the session: %d, error %lu", done, GetLastError());
    query_dword(w.request, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &done);
    ok(!done && GetLastError() == ERROR_INVALID_PARAMETER, "query on the request: %d, error %lu", done, GetLastError());
    query_dword(w.socket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &done);
    ok(!done && GetLastError() == ERROR_INVALID_PARAMETER, "query on the WebSocket: %d, error %lu", done,
       GetLastError());
    value = 20000;
    ok(!WinHttpSetOption(w.request, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, sizeof(value)),
       "set on the request succeeded");
    ok_bool_err(WinHttpSetOption(w.socket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, 2), FALSE,
                ERROR_INVALID_PARAMETER);
    ok_bool_err(WinHttpSetOption(w.socket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value8, 8), FALSE,
                ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ok(WinHttpSetOption(w.socket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, sizeof(value)),
       "20000 on the WebSocket failed: %lu", GetLastError());
    ok_err(0);
    value = 10000;
    ok_bool_err(WinHttpSetOption(w.socket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, sizeof(value)),
                FALSE, ERROR_INVALID_PARAMETER);
    check_echo(&w, UTF8_MESSAGE, "alive", 5);
    ok(!ws_close(&w, 1000, NULL, 0), "Close failed");
done:
    ws_finish(&w);
}

struct close_call
{
    HINTERNET socket;
    DWORD error;
    ULONGLONG took;
};

static DWORD WINAPI close_thread(void *arg)
{
    struct close_call *call = arg;
    ULONGLONG start = GetTickCount64();

    call->error = WinHttpWebSocketClose(call->socket, 1000, NULL, 0);
    call->took = GetTickCount64() - start;
    return 0;
}

/* WEB_SOCKET_CLOSE_TIMEOUT (documented in milliseconds, default 10 s): a
 * server that never answers our close frame (/silent-close) ends
 * WinHttpWebSocketClose with an error after about the timeout set. */
static void test_close_timeout(void)
{
    struct close_call *call = calloc(1, sizeof(*call));
    HANDLE thread;
    DWORD value = 1000;
    struct ws w;

    if (!ws_connect(&w, FALSE, L"/silent-close")) goto done;
    ok(WinHttpSetOption(w.socket, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &value, sizeof(value)),
       "setting the close timeout failed: %lu", GetLastError());
    call->socket = w.socket;
    thread = CreateThread(NULL, 0, close_thread, call, 0, NULL);
    if (WaitForSingleObject(thread, 5000))
    {
        ok(FALSE, "WinHttpWebSocketClose did not return within 5 s of a 1 s close timeout");
        WinHttpCloseHandle(w.socket);   /* let it end */
        w.socket = NULL;
        if (WaitForSingleObject(thread, 2000))
        {
            /* it still uses the handles and *call: leave them all */
            ok(FALSE, "WinHttpWebSocketClose did not return when its handle was closed either");
            return;
        }
    }
    CloseHandle(thread);
    ok(call->error != 0, "WinHttpWebSocketClose succeeded with no answer (took %llu ms)", call->took);
    ok(call->took >= 500, "WinHttpWebSocketClose returned after %llu ms, before the timeout", call->took);
done:
    free(call);
    ws_finish(&w);
}

/* ---- cases: wss:// ----------------------------------------------------------------------------- */

static void wss_case(BOOL async)
{
    static char binary[3000];
    struct endpoint ep;
    struct ws w;

    for (int i = 0; i < (int)sizeof(binary); i++) binary[i] = (char)(i ^ 0x5a);
    memset(&w, 0, sizeof(w));
    if (!env_endpoint(L"WINHTTP_TEST_WSS", &ep)) return;
    if (!ws_connect_at(&w, async, &ep, TRUE, L"/greet", NULL)) goto done;
    expect_text(&w, "hello from ws-server");
    check_echo(&w, UTF8_MESSAGE, "over TLS", 8);
    check_echo(&w, BINARY_MESSAGE, binary, sizeof(binary));
    ok(!ws_close(&w, 1000, "tls", 3), "Close failed");
    expect_close_status(&w, 1000, "tls");
done:
    ws_finish(&w);
}

static void test_wss_sync(void) { wss_case(FALSE); }
static void test_wss_async(void) { wss_case(TRUE); }

/* ---- cases: through a proxy ------------------------------------------------------------------ */

/* How many lines of squid's access log (WINHTTP_TEST_SQUID_LOG, a Windows
 * path) contain needle; -1 when it cannot be read. */
static int squid_log_count(const char *needle)
{
    WCHAR path[MAX_PATH];
    char *text, *at;
    DWORD size, done;
    HANDLE file;
    int count = 0;

    if (!GetEnvironmentVariableW(L"WINHTTP_TEST_SQUID_LOG", path, ARRAYSIZE(path))) return -1;
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return -1;
    size = GetFileSize(file, NULL);
    text = calloc(1, size + 1);
    if (!ReadFile(file, text, size, &done, NULL)) done = 0;
    CloseHandle(file);
    text[done] = 0;
    for (at = text; (at = strstr(at, needle)); at++) count++;
    free(text);
    return count;
}

/* ws:// and wss:// through squid: a WebSocket goes through a CONNECT tunnel
 * (a forwarding proxy would not carry the upgrade: squid strips Upgrade),
 * so both work and squid logs a CONNECT to the server for each (when the
 * tunnel closes; a forwarded request would be logged as a GET). */
static void proxy_case(BOOL async, BOOL secure)
{
    WCHAR proxy[96];
    struct endpoint ep;
    char needle[96];
    struct ws w;
    int before, after = -1;

    memset(&w, 0, sizeof(w));
    if (!GetEnvironmentVariableW(L"WINHTTP_TEST_SQUID", proxy, ARRAYSIZE(proxy)))
    {
        ok(FALSE, "WINHTTP_TEST_SQUID is not set (tools/with-proxies sets it)");
        return;
    }
    if (!env_endpoint(secure ? L"WINHTTP_TEST_WSS" : L"WINHTTP_TEST_WS", &ep)) return;
    snprintf(needle, sizeof(needle), "CONNECT %ls:%u", ep.host, ep.port);
    before = squid_log_count(needle);
    session_proxy = proxy;
    if (ws_connect_at(&w, async, &ep, secure, L"/greet", NULL))
    {
        expect_text(&w, "hello from ws-server");
        check_echo(&w, UTF8_MESSAGE, "through the proxy", 17);
        ok(!ws_close(&w, 1000, NULL, 0), "Close failed");
    }
    session_proxy = NULL;
    ws_finish(&w);
    /* squid writes the line when the tunnel ends: give it a moment */
    for (int i = 0; i < 50 && (after = squid_log_count(needle)) <= before; i++) Sleep(50);
    /* at least one more: the other arch's run may share the proxy */
    ok(before >= 0 && after > before, "squid logged %d CONNECTs to the server (before: %d)", after, before);
}

static void test_proxy_ws_sync(void) { proxy_case(FALSE, FALSE); }
static void test_proxy_ws_async(void) { proxy_case(TRUE, FALSE); }
static void test_proxy_wss_sync(void) { proxy_case(FALSE, TRUE); }

/* ---- cases: server frames that break RFC 6455 ------------------------------------------------ */

struct fault
{
    const char *name;
    const char *bytes;
    size_t length;
    USHORT close_code;     /* the close the client must send; 0: the connection is gone */
};

static const struct fault faults[] = {
    { "reserved bit RSV1 set", "\xc1\x02hi", 4, 1002 },
    { "reserved opcode 3", "\x83\x02hi", 4, 1002 },
    { "masked server frame", "\x81\x82\x01\x02\x03\x04\x69\x6b", 8, 1002 },
    { "16-bit length for 2 bytes", "\x82\x7e\x00\x02hi", 6, 1002 },
    { "continuation with no message", "\x80\x02hi", 4, 1002 },
    { "fragmented ping", "\x09\x00", 2, 1002 },
    { "close with a 1-byte payload", "\x88\x01\x03", 3, 1002 },
    { "close with code 1005", "\x88\x02\x03\xed", 4, 1002 },
    { "text that is not UTF-8", "\x81\x02\xc3\x28", 4, 1007 },
    { "connection dropped mid-frame", "\x82\x0a" "abc", 5, 0 },
};

/* The client's close frame as the scripted server read it (8 bytes: header,
 * mask, code), checked. */
static void expect_close_frame(struct server *srv, const struct fault *f)
{
    const struct server_request *seen = server_request(srv, 0);
    BYTE frame[8];
    size_t n;
    BYTE *payload;

    if (!seen || !seen->body || seen->body_length != 8)
    {
        ok(FALSE, "%s: no close frame from the client", f->name);
        return;
    }
    memcpy(frame, seen->body, 8);
    ok(frame[0] == 0x88 && (frame[1] & 0x80) && (frame[1] & 0x7f) >= 2 && (frame[1] & 0x7f) <= 125,
       "%s: frame %02x %02x is not a masked close with a code", f->name, frame[0], frame[1]);
    if ((frame[1] & 0x7f) != 2) frame[1] = 0x82;   /* unmask just the code */
    payload = unmask_frame(frame, 8, &n);
    ok(payload && ((payload[0] << 8) | payload[1]) == f->close_code, "%s: close code %u, want %u", f->name,
       payload ? (payload[0] << 8) | payload[1] : 0, f->close_code);
}

static void frame_fault_case(BOOL async)
{
    for (int i = 0; i < (int)ARRAYSIZE(faults); i++)
    {
        const struct fault *f = &faults[i];
        struct script *script;
        struct endpoint ep;
        struct server *srv = scripted_ws_server(&script, &ep);
        WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
        char buffer[64];
        DWORD error, got;
        struct ws w;

        script_send(script, f->bytes, f->length);
        if (f->close_code)
        {
            script_recv_body(script, 8);
            script_close(script);
        }
        else
            script_reset(script);
        if (ws_connect_at(&w, async, &ep, FALSE, L"/", NULL))
        {
            error = ws_receive(&w, buffer, sizeof(buffer), &got, &type);
            /* a frame cut short may still give the bytes that came first */
            if (!error && !f->close_code && type == BINARY_FRAGMENT)
                error = ws_receive(&w, buffer, sizeof(buffer), &got, &type);
            if (f->close_code)
                ok(error == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "%s: receive gave error %lu (%lu bytes, %s)",
                   f->name, error, got, type_name(type));
            else
                ok(error != 0, "%s: receive succeeded (%lu bytes, %s)", f->name, got, type_name(type));
            if (error == WAIT_TIMEOUT)
            {
                ok(FALSE, "the faults after \"%s\" are not tried: each would wait as long", f->name);
                i = ARRAYSIZE(faults);
            }
        }
        /* the close frame may go when the error is found or when the handle closes */
        ws_finish(&w);
        ok(server_wait_idle(srv, 5000), "%s: the server did not finish", f->name);
        if (f->close_code) expect_close_frame(srv, f);
        server_stop(srv);
    }
}

static void test_frame_faults_sync(void) { frame_fault_case(FALSE); }
static void test_frame_faults_async(void) { frame_fault_case(TRUE); }

int main(int argc, char **argv)
{
    TEST_CASES(TEST(test_upgrade_sync), TEST(test_upgrade_async), TEST(test_upgrade_refused),
               TEST(test_upgrade_bad_accept), TEST(test_frames_on_wire),
               TEST(test_proxy_ws_sync), TEST(test_proxy_ws_async), TEST(test_proxy_wss_sync), TEST(test_subprotocol),
               TEST(test_echo_sync), TEST(test_echo_async), TEST(test_large_message_sync),
               TEST(test_large_message_async), TEST(test_server_fragments_sync), TEST(test_server_fragments_async),
               TEST(test_ping_sync), TEST(test_ping_async), TEST(test_arguments_sync), TEST(test_arguments_async),
               TEST(test_query_close_status), TEST(test_server_close_sync), TEST(test_server_close_async),
               TEST(test_client_close_sync), TEST(test_client_close_async), TEST(test_shutdown_sync),
               TEST(test_shutdown_async), TEST(test_close_with_receive_pending),
               TEST(test_close_handle_with_receive_pending), TEST(test_close_handle_with_close_pending),
               TEST(test_full_duplex_close), TEST(test_buffer_sizes_sync), TEST(test_buffer_sizes_async),
               TEST(test_keepalive_option), TEST(test_close_timeout), TEST(test_wss_sync), TEST(test_wss_async),
               TEST(test_frame_faults_sync), TEST(test_frame_faults_async),
               TEST(test_upgrade_before_send));
    WSADATA wsa;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    return harness_main(argc, argv, test_cases);
}
