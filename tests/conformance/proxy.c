/* Conformance: named proxies (issue 10), synchronous and asynchronous.
 *
 * WinHttpOpen's access types, http through a proxy (the request target in
 * absolute form, the origin's Host, keep-alive to the proxy), the proxy
 * list (per scheme, several entries) and the bypass list, the
 * WINHTTP_OPTION_PROXY option on sessions and requests, https through a
 * CONNECT tunnel (the CONNECT request itself; certificates checked against
 * the origin, never the proxy; HTTP/2 inside it), a proxy refusing or
 * breaking the CONNECT, and what the status callbacks name when a proxy
 * is used.
 *
 * Two kinds of proxy:
 *   - the scripted server of server.h playing the proxy, for exact control
 *     of the wire; the origins it "serves" are names nobody can resolve
 *     (example.test), so a request that reached it went through the proxy;
 *   - real proxies on loopback, in front of nginx (tools/with-proxies and
 *     tools/with-nginx start them): WINHTTP_TEST_SQUID, WINHTTP_TEST_TINYPROXY
 *     and WINHTTP_TEST_SQUID_AUTH (Basic authentication) are "HOST:PORT",
 *     WINHTTP_TEST_NGINX and WINHTTP_TEST_TLS name nginx as for nginx.c and
 *     tls.c (the test CA must be trusted).  squid resolves names from its
 *     own hosts file, where some.other.name (the name in the wrong-host
 *     certificate) is 127.0.0.1: a request for that name can only have
 *     gone through squid.  tinyproxy's log (WINHTTP_TEST_TINYPROXY_LOG, a
 *     path) shows its CONNECTs.  A case whose server is not named says
 *     "skip" and checks nothing.
 *
 * The expectations, from Microsoft's documentation where it speaks:
 *   - WinHttpOpen: pszProxyW names the proxy for NAMED_PROXY and must be
 *     WINHTTP_NO_PROXY_NAME otherwise; a proxy list is entries
 *     "([<scheme>=][<scheme>"://"]<server>[":"<port>])" separated by
 *     semicolons or whitespace, and the bypass list names hosts, may hold
 *     wildcards, and "<local>" bypasses every name without a period
 *     (WinHttpOpen, WINHTTP_PROXY_INFO).  NAMED_PROXY without a proxy name
 *     failing with ERROR_INVALID_PARAMETER is not written there (nor seen
 *     on native here): it is what native does for the same mistake in
 *     WinHttpSetDefaultProxyConfiguration (Wine's tests, run on Windows).
 *   - WinHttpQueryOption: strings it returns are GlobalAlloc'd, freed with
 *     GlobalFree.
 *   - WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER: "the IP address of the
 *     server": the server connected to, the proxy when there is one;
 *     REQUEST_SENT: the number of bytes sent.
 *   - A proxy's 407 to CONNECT is a response like any other (WinHTTP's
 *     authentication documentation: the application sees 407 and calls
 *     WinHttpQueryAuthSchemes, target WINHTTP_AUTH_TARGET_PROXY).  Any
 *     other refusal is a connection that could not be made:
 *     ERROR_WINHTTP_CANNOT_CONNECT ("connection to the server failed").
 *     A reply that cannot be parsed is ERROR_WINHTTP_INVALID_SERVER_RESPONSE
 *     ("the server response cannot be parsed"); a reply cut short by a
 *     close is accepted as that or ERROR_WINHTTP_CONNECTION_ERROR ("reset or
 *     terminated"), as faults.c does for responses; a head past the limit
 *     as that or ERROR_WINHTTP_HEADER_SIZE_OVERFLOW; silence as
 *     ERROR_WINHTTP_TIMEOUT.  The native errors for refusals and broken
 *     replies are not documented one by one.
 *   - The bypass list with a port ("name:port") is the requirement;
 *     the documentation does not describe ports in it.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "harness.h"
#include "recorder.h"
#include "server.h"
#include "winhttp.h"
#include <wincrypt.h>

#define WAIT_MS       10000        /* what an async exchange may take at most */
#define TIMEOUT_MS    3000         /* every WinHTTP timeout of a case */
#define BODY_MAX      65536
#define NO_COMPLETION 0xffffffffu  /* an async exchange that never finished */
#define MASK_ALL      WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS
#define AGENT         L"conformance/proxy"
#define ORIGIN        L"example.test"     /* never resolved: only a proxy can reach it */
#define OTHER_ORIGIN  L"other.example.test"
#define SQUID_NAME    L"some.other.name"  /* only squid resolves it (to 127.0.0.1) */
#define CONNECT_OK    "HTTP/1.1 200 Connection established\r\n\r\n"
#define HELLO_TEXT    "Hello from nginx.\nThis file is fetched by tests/conformance/nginx.c.\n"
#define CHUNKED_TEXT  "This text came from nginx in chunks.\nThe SSI filter removed its Content-Length.\n"
#define BIG_SIZE      (16u << 20)

/* ---- the real servers ---------------------------------------------------------------- */

struct endpoint
{
    WCHAR host[64];
    INTERNET_PORT port;
    WCHAR text[80];   /* HOST:PORT, as a proxy list names it */
};

static BOOL parse_endpoint(const WCHAR *value, struct endpoint *ep)
{
    const WCHAR *colon = wcsrchr(value, ':');

    if (!colon || colon == value || colon - value >= (ptrdiff_t)ARRAYSIZE(ep->host)) return FALSE;
    memset(ep, 0, sizeof(*ep));
    memcpy(ep->host, value, (colon - value) * sizeof(WCHAR));
    ep->port = (INTERNET_PORT)wcstoul(colon + 1, NULL, 10);
    swprintf(ep->text, ARRAYSIZE(ep->text), L"%ls:%u", ep->host, ep->port);
    return ep->port != 0;
}

/* The server named by an environment variable; "skip" and FALSE without it. */
static BOOL env_server(const WCHAR *variable, struct endpoint *ep)
{
    WCHAR value[128];
    DWORD length = GetEnvironmentVariableW(variable, value, ARRAYSIZE(value));

    if (length && length < ARRAYSIZE(value) && parse_endpoint(value, ep)) return TRUE;
    skip("%ls is not set to HOST:PORT (tools/with-proxies and tools/with-nginx set it)", variable);
    return FALSE;
}

/* NAME's server in WINHTTP_TEST_TLS ("NAME=HOST:PORT;..."); "skip" without it. */
static BOOL tls_server(const WCHAR *name, struct endpoint *ep)
{
    static WCHAR list[2048];
    WCHAR *entry, *next;
    size_t name_length = wcslen(name);
    DWORD length = GetEnvironmentVariableW(L"WINHTTP_TEST_TLS", list, ARRAYSIZE(list));

    if (length && length < ARRAYSIZE(list))
        for (entry = list; entry && *entry; entry = next)
        {
            if ((next = wcschr(entry, ';'))) *next++ = 0;
            if (!wcsncmp(entry, name, name_length) && entry[name_length] == '=' &&
                parse_endpoint(entry + name_length + 1, ep))
                return TRUE;
        }
    skip("WINHTTP_TEST_TLS names no \"%ls\" server (tools/with-nginx --tls sets it)", name);
    return FALSE;
}

/* How many times `needle` occurs in the file named by the environment
 * variable (a log); -1 when the variable or the file is missing. */
static int count_in_log(const WCHAR *variable, const char *needle)
{
    WCHAR path[MAX_PATH];
    DWORD length = GetEnvironmentVariableW(variable, path, ARRAYSIZE(path)), size, got;
    HANDLE file;
    char *text, *at;
    int count = 0;

    if (!length || length >= ARRAYSIZE(path)) return -1;
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return -1;
    size = GetFileSize(file, NULL);
    if (size == INVALID_FILE_SIZE || !(text = malloc(size + 1)))
    {
        CloseHandle(file);
        return -1;
    }
    if (!ReadFile(file, text, size, &got, NULL)) got = 0;
    text[got] = 0;
    CloseHandle(file);
    for (at = text; (at = strstr(at, needle)); at += strlen(needle)) count++;
    free(text);
    return count;
}

/* ---- the scripted proxy ------------------------------------------------------------ */

static struct server *script_server(void)
{
    struct server *srv = server_start();

    ok(srv != NULL, "server_start failed");
    if (srv) server_set_timeout(srv, TIMEOUT_MS);
    return srv;
}

/* "127.0.0.1:PORT" of a scripted server (a static buffer per slot). */
static const WCHAR *address_of(struct server *srv, int slot)
{
    static WCHAR text[4][32];

    swprintf(text[slot], ARRAYSIZE(text[slot]), L"127.0.0.1:%u", server_port(srv));
    return text[slot];
}

static const char *head_of(struct server *srv, int i)
{
    const struct server_request *r = server_request(srv, i);
    return r ? r->head : "";
}

/* The request line of a head, without its CRLF (a static buffer). */
static const char *request_line(const char *head)
{
    static char line[512];
    size_t length = strcspn(head, "\r\n");

    if (length >= sizeof(line)) length = sizeof(line) - 1;
    memcpy(line, head, length);
    line[length] = 0;
    return line;
}

/* The value of header `name` in a head, or NULL if it has none (a static buffer). */
static const char *header_of(const char *head, const char *name)
{
    static char value[512];
    size_t name_length = strlen(name), length;
    const char *line = strstr(head, "\r\n"), *v;

    while (line && line[2] && line[2] != '\r')
    {
        line += 2;
        if (!_strnicmp(line, name, name_length) && line[name_length] == ':')
        {
            for (v = line + name_length + 1; *v == ' ' || *v == '\t'; v++) ;
            length = strcspn(v, "\r\n");
            if (length >= sizeof(value)) length = sizeof(value) - 1;
            memcpy(value, v, length);
            value[length] = 0;
            return value;
        }
        line = strstr(line, "\r\n");
    }
    return NULL;
}

#define ok_request_line(srv, i, want)                                                      \
    do {                                                                                   \
        const char *line_ = request_line(head_of(srv, i));                                 \
        ok(!strcmp(line_, want), "request %d: line \"%s\", want \"%s\"", i, line_, want);  \
    } while (0)
#define ok_header(srv, i, name, want)                                                              \
    do {                                                                                           \
        const char *value_ = header_of(head_of(srv, i), name);                                     \
        ok(value_ && !strcmp(value_, want), "request %d: %s: %s, want %s", i, name,                \
           value_ ? value_ : "(none)", want);                                                      \
    } while (0)

static void ok_no_server_errors(struct server *srv)
{
    ok(!server_errors(srv), "server errors: %s", server_error_text(srv));
}

/* ---- a session, and one exchange (connect, request, send, receive, read) ----------- */

static HINTERNET open_session(BOOL async, DWORD access, const WCHAR *proxy, const WCHAR *bypass)
{
    HINTERNET session = WinHttpOpen(AGENT, access, proxy, bypass, async ? WINHTTP_FLAG_ASYNC : 0);

    ok(session != NULL, "WinHttpOpen(%lu, %ls, %ls) failed: %lu", access, proxy ? proxy : L"(null)",
       bypass ? bypass : L"(null)", GetLastError());
    /* short limits: a broken engine must fail the case, not hang the run */
    if (session)
        ok(WinHttpSetTimeouts(session, TIMEOUT_MS, TIMEOUT_MS, TIMEOUT_MS, TIMEOUT_MS), "SetTimeouts: %lu",
           GetLastError());
    return session;
}

static HINTERNET open_proxy_session(BOOL async, const WCHAR *proxy, const WCHAR *bypass)
{
    return open_session(async, WINHTTP_ACCESS_TYPE_NAMED_PROXY, proxy, bypass ? bypass : WINHTTP_NO_PROXY_BYPASS);
}

struct exchange
{
    BOOL async;
    struct recorder *rec;       /* async: watches the connect and request handles */
    HINTERNET connect, request;
    DWORD error;                /* the error of the call that failed, or 0 */
    DWORD failed_call;          /* API_SEND_REQUEST, API_RECEIVE_RESPONSE, API_READ_DATA, or 0 */
    DWORD status;               /* the status code when every call succeeded */
    DWORD elapsed;              /* ms from WinHttpSendRequest to the end */
    char *body;                 /* what was read, NUL-terminated */
    DWORD body_length;
    BOOL overflow;              /* more than BODY_MAX */
    DWORD secure_flags;         /* async: the SECURE_FAILURE callback's flags */
};

static BOOL exchange_open(struct exchange *x, HINTERNET session, BOOL async, const WCHAR *host, INTERNET_PORT port,
                          const WCHAR *path, DWORD flags)
{
    memset(x, 0, sizeof(*x));
    x->async = async;
    if (!session) return FALSE;
    x->connect = WinHttpConnect(session, host, port, 0);
    ok(x->connect != NULL, "WinHttpConnect(%ls, %u) failed: %lu", host, port, GetLastError());
    if (!x->connect) return FALSE;
    x->request = WinHttpOpenRequest(x->connect, L"GET", path, NULL, NULL, NULL, flags);
    ok(x->request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    if (!x->request) return FALSE;
    if (async)
    {
        x->rec = recorder_create();
        ok(recorder_attach(x->rec, KIND_CONNECT, x->connect, MASK_ALL), "attach connect: %lu", GetLastError());
        ok(recorder_attach(x->rec, KIND_REQUEST, x->request, MASK_ALL), "attach request: %lu", GetLastError());
    }
    return TRUE;
}

static void exchange_fail(struct exchange *x, DWORD call, DWORD error)
{
    x->failed_call = call;
    x->error = error;
}

static void run_sync(struct exchange *x)
{
    char scratch[4096];
    DWORD got;

    x->body = malloc(BODY_MAX + 1);
    if (!WinHttpSendRequest(x->request, NULL, 0, NULL, 0, 0, 0))
    {
        exchange_fail(x, API_SEND_REQUEST, GetLastError());
        return;
    }
    if (!WinHttpReceiveResponse(x->request, NULL))
    {
        exchange_fail(x, API_RECEIVE_RESPONSE, GetLastError());
        return;
    }
    for (;;)
    {
        BOOL room = x->body_length < BODY_MAX;
        char *into = room ? x->body + x->body_length : scratch;
        DWORD size = room ? BODY_MAX - x->body_length : sizeof(scratch);

        got = 0;
        if (!WinHttpReadData(x->request, into, size, &got))
        {
            exchange_fail(x, API_READ_DATA, GetLastError());
            return;
        }
        if (!got) break;
        if (room) x->body_length += got;
        else x->overflow = TRUE;
    }
}

/* The first event of the request handle with this status, if any. */
static BOOL find_event(struct recorder *rec, DWORD status, struct callback_event *out)
{
    static struct callback_event events[RECORDER_LOG];
    int n = recorder_events(rec, KIND_REQUEST, events, ARRAYSIZE(events));

    for (int i = 0; i < n; i++)
        if (events[i].status == status)
        {
            *out = events[i];
            return TRUE;
        }
    return FALSE;
}

static void run_async(struct exchange *x)
{
    struct callback_event ev;
    struct drive d = { 0 };

    x->body = malloc(BODY_MAX + 1);
    if (!recorder_drive(x->rec, BODY_MAX, &d))
    {
        exchange_fail(x, API_SEND_REQUEST, GetLastError());
        return;
    }
    if (!recorder_wait_done(x->rec, WAIT_MS))
    {
        exchange_fail(x, API_SEND_REQUEST, NO_COMPLETION);
        ok(0, "the async exchange did not finish in %u ms; trace: %s", WAIT_MS, recorder_trace(x->rec, KIND_REQUEST));
        return;
    }
    if (find_event(x->rec, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, &ev)) x->secure_flags = ev.dword;
    x->body_length = min(x->rec->body_length, BODY_MAX);
    memcpy(x->body, x->rec->body, x->body_length);
    x->overflow = x->rec->overflow;
    if (find_event(x->rec, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, &ev))
        exchange_fail(x, ev.result.dwResult, ev.result.dwError);
    else if (x->rec->calls_failed)
        exchange_fail(x, API_READ_DATA, x->rec->first_call_error);
}

static DWORD status_code(HINTERNET request)
{
    DWORD status = 0, size = sizeof(status);

    WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL);
    return status;
}

/* Runs the exchange to its end; returns the error (0: every call succeeded). */
static DWORD exchange_run(struct exchange *x)
{
    DWORD start = GetTickCount();

    if (!x->request) return ERROR_INVALID_HANDLE;
    if (x->async) run_async(x);
    else run_sync(x);
    x->elapsed = GetTickCount() - start;
    if (x->body) x->body[x->body_length] = 0;
    if (!x->failed_call) x->status = status_code(x->request);
    return x->error;
}

/* The promises of DESIGN.md that hold for every async exchange. */
static void ok_promises(struct recorder *rec)
{
    ok(!rec->overlaps, "%d callbacks of one handle ran at once on two threads", rec->overlaps);
    ok(!rec->after_closing, "%d callbacks after HANDLE_CLOSING", rec->after_closing);
    ok(!rec->double_closing, "%d second HANDLE_CLOSINGs", rec->double_closing);
    ok(!rec->stray_completions, "%d completions with no call pending", rec->stray_completions);
    ok(!rec->pending, "%ld calls returned TRUE and never completed", rec->pending);
    ok(!rec->wrong_handles, "%d callbacks with an hInternet not matching their context", rec->wrong_handles);
    ok(!rec->bad_read_buffers, "%d READ_COMPLETEs not giving the caller's buffer and a length within it",
       rec->bad_read_buffers);
}

static void exchange_close(struct exchange *x)
{
    if (x->rec)
    {
        if (x->request) recorder_close(x->rec, KIND_REQUEST);
        if (x->connect) recorder_close(x->rec, KIND_CONNECT);
        ok(recorder_wait_closed(x->rec, WAIT_MS), "HANDLE_CLOSING missing: %d of %d seen", x->rec->closing_seen,
           x->rec->closing_wanted);
        ok_promises(x->rec);
        recorder_free(x->rec);
    }
    else
    {
        if (x->request) WinHttpCloseHandle(x->request);
        if (x->connect) WinHttpCloseHandle(x->connect);
    }
    free(x->body);
    memset(x, 0, sizeof(*x));
}

static const char *call_name(DWORD call)
{
    switch (call)
    {
    case 0: return "no call";
    case API_SEND_REQUEST: return "WinHttpSendRequest";
    case API_RECEIVE_RESPONSE: return "WinHttpReceiveResponse";
    case API_READ_DATA: return "WinHttpReadData";
    case API_QUERY_DATA_AVAILABLE: return "WinHttpQueryDataAvailable";
    default: return "another call";
    }
}

/* Every call succeeded, with this status and (if not NULL) this body. */
static void ok_response(struct exchange *x, DWORD status, const char *body)
{
    ok(!x->failed_call, "%s failed with %lu", call_name(x->failed_call), x->error);
    if (x->failed_call) return;
    ok(x->status == status, "status %lu, want %lu", x->status, status);
    if (body)
        ok(!x->overflow && x->body_length == strlen(body) && !memcmp(x->body, body, x->body_length),
           "body (%lu bytes) \"%.80s\", want \"%.80s\"", x->body_length, x->body, body);
}

/* The exchange failed in `call` with one of the errors given (0-terminated). */
static void ok_failure(struct exchange *x, DWORD call, const DWORD *errors, const char *what)
{
    BOOL found = FALSE;

    for (const DWORD *e = errors; *e; e++) found |= x->error == *e;
    ok(x->failed_call == call && found, "%s: %s failed with %lu (status %lu), want %s to fail with %s",
       x->async ? "async" : "sync", call_name(x->failed_call), x->error, x->status, call_name(call), what);
}

static void ok_failure1(struct exchange *x, DWORD call, DWORD error, const char *what)
{
    DWORD errors[2] = { error, 0 };
    ok_failure(x, call, errors, what);
}

static void ok_bounded(struct exchange *x, DWORD ms)
{
    ok(x->elapsed < ms, "the exchange took %lu ms (at most %lu expected)", x->elapsed, ms);
}

/* A header of the response (empty string when absent). */
static const WCHAR *response_header(HINTERNET request, DWORD level, const WCHAR *name)
{
    static WCHAR value[256];
    DWORD size = sizeof(value);

    value[0] = 0;
    if (!WinHttpQueryHeaders(request, level, name, value, &size, NULL)) value[0] = 0;
    return value;
}

/* ---- WinHttpOpen's access types ------------------------------------------------------- */

static void open_named_proxy_requires_name(void)
{
    HINTERNET session;

    SetLastError(0xdeadbeef);
    session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NAMED_PROXY, NULL, NULL, 0);
    ok(!session && GetLastError() == ERROR_INVALID_PARAMETER, "NULL proxy: session %p, error %lu", session,
       GetLastError());
    if (session) WinHttpCloseHandle(session);

    SetLastError(0xdeadbeef);
    session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"", NULL, 0);
    ok(!session && GetLastError() == ERROR_INVALID_PARAMETER, "empty proxy: session %p, error %lu", session,
       GetLastError());
    if (session) WinHttpCloseHandle(session);

    SetLastError(0xdeadbeef);
    session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NAMED_PROXY, NULL, L"<local>", 0);
    ok(!session && GetLastError() == ERROR_INVALID_PARAMETER, "NULL proxy with a bypass list: session %p, error %lu",
       session, GetLastError());
    if (session) WinHttpCloseHandle(session);
}

/* NO_PROXY with a proxy name: the name is ignored, the request goes direct. */
static void open_no_proxy_ignores_name(void)
{
    struct server *origin = script_server(), *proxy = script_server();
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!origin || !proxy) goto done;
    s = server_add_connection(origin);
    script_recv_request(s);
    script_respond(s, 200, NULL, "direct");
    session = open_session(FALSE, WINHTTP_ACCESS_TYPE_NO_PROXY, address_of(proxy, 0), WINHTTP_NO_PROXY_BYPASS);
    if (exchange_open(&x, session, FALSE, L"127.0.0.1", server_port(origin), L"/direct", 0))
    {
        exchange_run(&x);
        ok_response(&x, 200, "direct");
        ok_request_line(origin, 0, "GET /direct HTTP/1.1");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    ok_int(server_connections(proxy), 0);
done:
    if (origin) server_stop(origin);
    if (proxy) server_stop(proxy);
}

/* WINHTTP_OPTION_PROXY on a NAMED_PROXY session gives back what WinHttpOpen got. */
static void open_named_proxy_query(void)
{
    HINTERNET session = open_proxy_session(FALSE, L"127.0.0.1:1", L"<local>");
    WINHTTP_PROXY_INFO info;
    DWORD size = sizeof(info);

    if (!session) return;
    memset(&info, 0, sizeof(info));
    if (!WinHttpQueryOption(session, WINHTTP_OPTION_PROXY, &info, &size))
    {
        ok(0, "query PROXY: %lu", GetLastError());
        WinHttpCloseHandle(session);
        return;
    }
    ok_int(size, sizeof(info));
    ok_int(info.dwAccessType, WINHTTP_ACCESS_TYPE_NAMED_PROXY);
    ok_wstr(info.lpszProxy, L"127.0.0.1:1");
    ok_wstr(info.lpszProxyBypass, L"<local>");
    ok(!info.lpszProxy || !GlobalFree(info.lpszProxy), "GlobalFree(lpszProxy) failed");
    ok(!info.lpszProxyBypass || !GlobalFree(info.lpszProxyBypass), "GlobalFree(lpszProxyBypass) failed");
    WinHttpCloseHandle(session);
}

/* ---- http through the scripted proxy ---------------------------------------------------- */

/* The request target is the absolute URL, the Host header the origin's. */
static void check_absolute_form(BOOL async)
{
    struct server *proxy = script_server();
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!proxy) return;
    s = server_add_connection(proxy);
    script_recv_request(s);
    script_respond(s, 200, "Content-Type: text/plain\r\n", "from the proxy");
    script_close(s);
    session = open_proxy_session(async, address_of(proxy, 0), NULL);
    if (exchange_open(&x, session, async, ORIGIN, 8080, L"/path/file.txt?q=1&r=2", 0))
    {
        exchange_run(&x);
        ok_response(&x, 200, "from the proxy");
        ok_request_line(proxy, 0, "GET http://example.test:8080/path/file.txt?q=1&r=2 HTTP/1.1");
        ok_header(proxy, 0, "Host", "example.test:8080");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    ok(server_wait_idle(proxy, 3000), "the proxy's script did not finish");
    ok_int(server_connections(proxy), 1);
    ok_no_server_errors(proxy);
    server_stop(proxy);
}

static void http_absolute_form_sync(void)
{
    check_absolute_form(FALSE);
}

static void http_absolute_form_async(void)
{
    check_absolute_form(TRUE);
}

/* Port 80 is left out of the URL and of Host. */
static void http_default_port(void)
{
    struct server *proxy = script_server();
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!proxy) return;
    s = server_add_connection(proxy);
    script_recv_request(s);
    script_respond(s, 200, NULL, "ok");
    script_close(s);
    session = open_proxy_session(FALSE, address_of(proxy, 0), NULL);
    if (exchange_open(&x, session, FALSE, ORIGIN, INTERNET_DEFAULT_HTTP_PORT, L"/index.html", 0))
    {
        exchange_run(&x);
        ok_response(&x, 200, "ok");
        ok_request_line(proxy, 0, "GET http://example.test/index.html HTTP/1.1");
        ok_header(proxy, 0, "Host", "example.test");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    server_stop(proxy);
}

/* Two requests to two origins through one proxy that keeps the connection
 * alive: one connection carries both. */
static void check_keep_alive_two_origins(BOOL async)
{
    struct server *proxy = script_server();
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!proxy) return;
    s = server_add_connection(proxy);
    script_recv_request(s);
    script_respond(s, 200, NULL, "first");
    script_recv_request(s);
    script_respond(s, 200, NULL, "second");
    script_await_close(s, INFINITE);
    session = open_proxy_session(async, address_of(proxy, 0), NULL);
    if (exchange_open(&x, session, async, ORIGIN, 8080, L"/one", 0))
    {
        exchange_run(&x);
        ok_response(&x, 200, "first");
    }
    exchange_close(&x);
    if (exchange_open(&x, session, async, OTHER_ORIGIN, INTERNET_DEFAULT_HTTP_PORT, L"/two", 0))
    {
        exchange_run(&x);
        ok_response(&x, 200, "second");
    }
    exchange_close(&x);
    ok_int(server_connections(proxy), 1);
    ok_int(server_requests(proxy), 2);
    ok_request_line(proxy, 0, "GET http://example.test:8080/one HTTP/1.1");
    ok_header(proxy, 0, "Host", "example.test:8080");
    ok_request_line(proxy, 1, "GET http://other.example.test/two HTTP/1.1");
    ok_header(proxy, 1, "Host", "other.example.test");
    if (session) WinHttpCloseHandle(session);
    server_stop(proxy);
}

static void http_keep_alive_two_origins_sync(void)
{
    check_keep_alive_two_origins(FALSE);
}

static void http_keep_alive_two_origins_async(void)
{
    check_keep_alive_two_origins(TRUE);
}

/* ---- proxy lists and bypass lists ---------------------------------------------------------- */

/* "http=A;https=B": http requests go to A, https ones to B. */
static void per_scheme_lists(void)
{
    struct server *http = script_server(), *https = script_server();
    WCHAR list[96];
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!http || !https) goto done;
    s = server_add_connection(http);
    script_recv_request(s);
    script_respond(s, 200, NULL, "http proxy");
    script_close(s);
    s = server_add_connection(https);
    script_recv_request(s);
    script_close(s);
    swprintf(list, ARRAYSIZE(list), L"http=%ls;https=%ls", address_of(http, 0), address_of(https, 1));
    session = open_proxy_session(FALSE, list, NULL);
    if (exchange_open(&x, session, FALSE, ORIGIN, 80, L"/plain", 0))
    {
        exchange_run(&x);
        ok_response(&x, 200, "http proxy");
    }
    exchange_close(&x);
    if (exchange_open(&x, session, FALSE, ORIGIN, 443, L"/secure", WINHTTP_FLAG_SECURE))
    {
        exchange_run(&x);
        ok(x.failed_call == API_SEND_REQUEST, "https through a proxy that closes: %s failed with %lu",
           call_name(x.failed_call), x.error);
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    ok_int(server_connections(http), 1);
    ok_int(server_connections(https), 1);
    if (server_connections(http) && server_connections(https))
        ok(server_wait_idle(http, 2000) && server_wait_idle(https, 2000), "the proxies' scripts did not finish");
    ok_request_line(http, 0, "GET http://example.test/plain HTTP/1.1");
    ok_request_line(https, 0, "CONNECT example.test:443 HTTP/1.1");
done:
    if (http) server_stop(http);
    if (https) server_stop(https);
}

/* "A;B": the first entry is used. */
static void several_proxies_first_used(void)
{
    struct server *first = script_server(), *second = script_server();
    WCHAR list[96];
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!first || !second) goto done;
    s = server_add_connection(first);
    script_recv_request(s);
    script_respond(s, 200, NULL, "first proxy");
    script_close(s);
    swprintf(list, ARRAYSIZE(list), L"%ls;%ls", address_of(first, 0), address_of(second, 1));
    session = open_proxy_session(FALSE, list, NULL);
    if (exchange_open(&x, session, FALSE, ORIGIN, 80, L"/", 0))
    {
        exchange_run(&x);
        ok_response(&x, 200, "first proxy");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    ok_int(server_connections(first), 1);
    ok_int(server_connections(second), 0);
done:
    if (first) server_stop(first);
    if (second) server_stop(second);
}

/* One request for host:port to the scripted proxy with this bypass list:
 * when `bypassed`, the proxy must see nothing (the host cannot be resolved,
 * so going direct fails with ERROR_WINHTTP_NAME_NOT_RESOLVED); else it
 * answers. */
static void check_bypass(const WCHAR *bypass, const WCHAR *host, INTERNET_PORT port, BOOL bypassed)
{
    struct server *proxy = script_server();
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!proxy) return;
    if (!bypassed)
    {
        s = server_add_connection(proxy);
        script_recv_request(s);
        script_respond(s, 200, NULL, "proxied");
        script_close(s);
    }
    session = open_proxy_session(FALSE, address_of(proxy, 0), bypass);
    if (exchange_open(&x, session, FALSE, host, port, L"/", 0))
    {
        exchange_run(&x);
        if (bypassed)
            ok(x.failed_call == API_SEND_REQUEST && x.error == ERROR_WINHTTP_NAME_NOT_RESOLVED,
               "bypass \"%ls\", %ls:%u: %s failed with %lu (status %lu), want a direct attempt failing with "
               "ERROR_WINHTTP_NAME_NOT_RESOLVED", bypass, host, port, call_name(x.failed_call), x.error, x.status);
        else
        {
            ok(!x.failed_call && x.status == 200, "bypass \"%ls\", %ls:%u: %s failed with %lu (status %lu), "
               "want it through the proxy", bypass, host, port, call_name(x.failed_call), x.error, x.status);
        }
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    ok(server_connections(proxy) == (bypassed ? 0 : 1), "bypass \"%ls\", %ls:%u: the proxy saw %ld connections",
       bypass, host, port, server_connections(proxy));
    server_stop(proxy);
}

/* "<local>": names without a period. */
static void bypass_local(void)
{
    check_bypass(L"<local>", L"nodots-winhttp-test", 80, TRUE);
    check_bypass(L"<local>", L"with.dots.invalid", 80, FALSE);
}

static void bypass_wildcard(void)
{
    check_bypass(L"*.bypass.invalid", L"www.bypass.invalid", 80, TRUE);
    check_bypass(L"*.bypass.invalid", L"www.proxied.invalid", 80, FALSE);
    check_bypass(L"other.invalid;*.bypass.invalid", L"a.b.bypass.invalid", 80, TRUE);
}

static void bypass_exact_name(void)
{
    check_bypass(L"exact.bypass.invalid", L"exact.bypass.invalid", 80, TRUE);
    check_bypass(L"exact.bypass.invalid", L"notexact.bypass.invalid", 80, FALSE);
    /* entries separated by semicolons or whitespace */
    check_bypass(L"first.invalid second.bypass.invalid", L"second.bypass.invalid", 80, TRUE);
}

/* an entry with a port matches that port only */
static void bypass_port(void)
{
    check_bypass(L"port.bypass.invalid:8080", L"port.bypass.invalid", 8080, TRUE);
    check_bypass(L"port.bypass.invalid:8080", L"port.bypass.invalid", 8081, FALSE);
}

/* An address in the bypass list (as is, and by a wildcard): the request
 * reaches the scripted origin directly, in origin form. */
static void check_bypass_address(const WCHAR *bypass)
{
    struct server *origin = script_server(), *proxy = script_server();
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!origin || !proxy) goto done;
    s = server_add_connection(origin);
    script_recv_request(s);
    script_respond(s, 200, NULL, "direct");
    script_close(s);
    session = open_proxy_session(FALSE, address_of(proxy, 0), bypass);
    if (exchange_open(&x, session, FALSE, L"127.0.0.1", server_port(origin), L"/direct", 0))
    {
        exchange_run(&x);
        ok_response(&x, 200, "direct");
        ok_request_line(origin, 0, "GET /direct HTTP/1.1");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    ok(server_connections(proxy) == 0, "bypass \"%ls\": the proxy saw %ld connections", bypass,
       server_connections(proxy));
done:
    if (origin) server_stop(origin);
    if (proxy) server_stop(proxy);
}

static void bypass_ip_literal(void)
{
    check_bypass_address(L"127.0.0.1");
}

static void bypass_ip_wildcard(void)
{
    check_bypass_address(L"127.0.0.*");
}

/* ---- WINHTTP_OPTION_PROXY ------------------------------------------------------------------- */

static BOOL set_proxy(HINTERNET handle, DWORD access, const WCHAR *proxy, const WCHAR *bypass)
{
    WINHTTP_PROXY_INFO info = { access, (WCHAR *)proxy, (WCHAR *)bypass };
    BOOL ret = WinHttpSetOption(handle, WINHTTP_OPTION_PROXY, &info, sizeof(info));

    ok(ret, "set PROXY %lu %ls: %lu", access, proxy ? proxy : L"(null)", GetLastError());
    return ret;
}

/* The handle's WINHTTP_OPTION_PROXY is this. */
static void ok_proxy_option(HINTERNET handle, DWORD access, const WCHAR *proxy, const WCHAR *bypass)
{
    WINHTTP_PROXY_INFO info;
    DWORD size = sizeof(info);

    memset(&info, 0, sizeof(info));
    if (!WinHttpQueryOption(handle, WINHTTP_OPTION_PROXY, &info, &size))
    {
        ok(0, "query PROXY: %lu", GetLastError());
        return;
    }
    ok_int(info.dwAccessType, access);
    ok_wstr(info.lpszProxy, proxy);
    ok_wstr(info.lpszProxyBypass, bypass);
    /* GlobalAlloc'd (WinHttpQueryOption): GlobalSize knows them, GlobalFree takes them */
    ok(!info.lpszProxy || GlobalSize(info.lpszProxy) >= (wcslen(info.lpszProxy) + 1) * sizeof(WCHAR),
       "lpszProxy is not a global allocation of its size");
    ok(!info.lpszProxy || !GlobalFree(info.lpszProxy), "GlobalFree(lpszProxy) failed");
    ok(!info.lpszProxyBypass || !GlobalFree(info.lpszProxyBypass), "GlobalFree(lpszProxyBypass) failed");
}

/* The size protocol: no buffer, or a short one, gives the size needed. */
static void option_proxy_query_size(void)
{
    HINTERNET session = open_proxy_session(FALSE, L"127.0.0.1:1", NULL);
    WINHTTP_PROXY_INFO info;
    DWORD size = 0;

    if (!session) return;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(session, WINHTTP_OPTION_PROXY, NULL, &size), FALSE, ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(WINHTTP_PROXY_INFO));
    size = sizeof(info) - 1;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(session, WINHTTP_OPTION_PROXY, &info, &size), FALSE, ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(WINHTTP_PROXY_INFO));
    WinHttpCloseHandle(session);
}

/* Set on a NO_PROXY session, the proxy is used, and read back. */
static void option_proxy_session(void)
{
    struct server *proxy = script_server();
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!proxy) return;
    s = server_add_connection(proxy);
    script_recv_request(s);
    script_respond(s, 200, NULL, "set on the session");
    script_close(s);
    session = open_session(FALSE, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL);
    if (session && set_proxy(session, WINHTTP_ACCESS_TYPE_NAMED_PROXY, address_of(proxy, 0), L"<local>"))
        ok_proxy_option(session, WINHTTP_ACCESS_TYPE_NAMED_PROXY, address_of(proxy, 0), L"<local>");
    if (exchange_open(&x, session, FALSE, ORIGIN, 80, L"/session", 0))
    {
        exchange_run(&x);
        ok_response(&x, 200, "set on the session");
        ok_request_line(proxy, 0, "GET http://example.test/session HTTP/1.1");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    server_stop(proxy);
}

/* The request's own proxy wins over the session's. */
static void check_request_overrides(BOOL async)
{
    struct server *session_proxy = script_server(), *request_proxy = script_server();
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!session_proxy || !request_proxy) goto done;
    s = server_add_connection(request_proxy);
    script_recv_request(s);
    script_respond(s, 200, NULL, "set on the request");
    script_close(s);
    session = open_proxy_session(async, address_of(session_proxy, 0), NULL);
    if (exchange_open(&x, session, async, ORIGIN, 80, L"/request", 0) &&
        set_proxy(x.request, WINHTTP_ACCESS_TYPE_NAMED_PROXY, address_of(request_proxy, 1), NULL))
    {
        ok_proxy_option(x.request, WINHTTP_ACCESS_TYPE_NAMED_PROXY, address_of(request_proxy, 1), NULL);
        exchange_run(&x);
        ok_response(&x, 200, "set on the request");
        ok_request_line(request_proxy, 0, "GET http://example.test/request HTTP/1.1");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    ok_int(server_connections(session_proxy), 0);
    ok_int(server_connections(request_proxy), 1);
done:
    if (session_proxy) server_stop(session_proxy);
    if (request_proxy) server_stop(request_proxy);
}

static void option_proxy_request_overrides_sync(void)
{
    check_request_overrides(FALSE);
}

static void option_proxy_request_overrides_async(void)
{
    check_request_overrides(TRUE);
}

/* NO_PROXY set on the request of a NAMED_PROXY session: direct. */
static void option_proxy_request_no_proxy(void)
{
    struct server *origin = script_server(), *proxy = script_server();
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!origin || !proxy) goto done;
    s = server_add_connection(origin);
    script_recv_request(s);
    script_respond(s, 200, NULL, "direct");
    script_close(s);
    session = open_proxy_session(FALSE, address_of(proxy, 0), NULL);
    if (exchange_open(&x, session, FALSE, L"127.0.0.1", server_port(origin), L"/direct", 0) &&
        set_proxy(x.request, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL))
    {
        exchange_run(&x);
        ok_response(&x, 200, "direct");
        ok_request_line(origin, 0, "GET /direct HTTP/1.1");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    ok_int(server_connections(proxy), 0);
done:
    if (origin) server_stop(origin);
    if (proxy) server_stop(proxy);
}

/* ---- https through the scripted proxy: the CONNECT request ------------------------------------- */

/* The proxy answers 200, and what follows is the client's TLS handshake
 * (a record of type 22); the proxy then closes. */
static void check_connect_request(BOOL async, INTERNET_PORT port, const char *line, const char *host)
{
    struct server *proxy = script_server();
    const struct server_request *r;
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!proxy) return;
    s = server_add_connection(proxy);
    script_recv_request(s);
    script_send(s, CONNECT_OK, 0);
    script_recv_body(s, 5);   /* the header of the first TLS record */
    script_close(s);
    session = open_proxy_session(async, address_of(proxy, 0), NULL);
    if (exchange_open(&x, session, async, ORIGIN, port, L"/secret", WINHTTP_FLAG_SECURE))
    {
        exchange_run(&x);
        ok(x.failed_call == API_SEND_REQUEST, "the handshake with a proxy that closes: %s failed with %lu",
           call_name(x.failed_call), x.error);
        ok_bounded(&x, 2 * TIMEOUT_MS);
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    ok(server_wait_idle(proxy, 3000), "the proxy's script did not finish");
    ok_request_line(proxy, 0, line);
    ok_header(proxy, 0, "Host", host);
    ok(!strstr(head_of(proxy, 0), "/secret"), "the CONNECT request shows the path: %s", head_of(proxy, 0));
    r = server_request(proxy, 0);
    ok(r && r->body_length == 5 && r->body[0] == 0x16, "after the 200, %u bytes starting %#x, want a TLS "
       "handshake record", r ? (unsigned)r->body_length : 0, r && r->body_length ? (BYTE)r->body[0] : 0);
    ok_int(server_connections(proxy), 1);
    server_stop(proxy);
}

static void https_connect_request_sync(void)
{
    check_connect_request(FALSE, INTERNET_DEFAULT_HTTPS_PORT, "CONNECT example.test:443 HTTP/1.1",
                          "example.test:443");
}

static void https_connect_request_async(void)
{
    check_connect_request(TRUE, INTERNET_DEFAULT_HTTPS_PORT, "CONNECT example.test:443 HTTP/1.1",
                          "example.test:443");
}

static void https_connect_request_port(void)
{
    check_connect_request(FALSE, 8443, "CONNECT example.test:8443 HTTP/1.1", "example.test:8443");
}

/* ---- the scripted proxy refuses or breaks the CONNECT ------------------------------------------ */

/* One https exchange through a scripted proxy whose CONNECT reply is
 * `reply` (length 0: strlen), then `end`: 0 close, 1 reset, 2 silence. */
enum reply_end { END_CLOSE, END_RESET, END_SILENT };

static void connect_exchange(struct exchange *x, BOOL async, const char *reply, size_t length, enum reply_end end,
                             DWORD receive_timeout)
{
    struct server *proxy = script_server();
    struct script *s;
    HINTERNET session;

    memset(x, 0, sizeof(*x));
    if (!proxy) return;
    s = server_add_connection(proxy);
    script_recv_request(s);
    if (reply && (length || *reply)) script_send(s, reply, length);
    if (end == END_SILENT) script_wait(s, receive_timeout + 1500);
    if (end == END_RESET) script_reset(s);
    else script_close(s);
    session = open_proxy_session(async, address_of(proxy, 0), NULL);
    if (exchange_open(x, session, async, ORIGIN, 443, L"/", WINHTTP_FLAG_SECURE))
    {
        if (receive_timeout)
            ok(WinHttpSetTimeouts(x->request, TIMEOUT_MS, TIMEOUT_MS, TIMEOUT_MS, receive_timeout),
               "SetTimeouts: %lu", GetLastError());
        exchange_run(x);
    }
    /* the caller checks x and closes it */
    if (session) WinHttpCloseHandle(session);
    ok(server_connections(proxy) == 1, "the proxy saw %ld connections", server_connections(proxy));
    ok_request_line(proxy, 0, "CONNECT example.test:443 HTTP/1.1");
    server_stop(proxy);
}

/* 407: the proxy's response is the request's, and names the proxy as the
 * target of authentication. */
static void check_connect_407(BOOL async)
{
    static const char reply[] = "HTTP/1.1 407 Proxy Authentication Required\r\n"
                                "Proxy-Authenticate: Basic realm=\"x\"\r\n"
                                "Content-Length: 9\r\n\r\nno access";
    struct server *proxy = script_server();
    DWORD supported = 0, first = 0, target = 0;
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!proxy) return;
    s = server_add_connection(proxy);
    script_recv_request(s);
    script_send(s, reply, 0);
    script_close(s);
    session = open_proxy_session(async, address_of(proxy, 0), NULL);
    if (exchange_open(&x, session, async, ORIGIN, 443, L"/", WINHTTP_FLAG_SECURE))
    {
        exchange_run(&x);
        ok_response(&x, 407, "no access");
        ok_int(status_code(x.request), 407);
        ok(WinHttpQueryAuthSchemes(x.request, &supported, &first, &target), "QueryAuthSchemes: %lu", GetLastError());
        ok(supported & WINHTTP_AUTH_SCHEME_BASIC, "supported schemes %#lx", supported);
        ok_int(first, WINHTTP_AUTH_SCHEME_BASIC);
        ok_int(target, WINHTTP_AUTH_TARGET_PROXY);
        ok_wstr(response_header(x.request, WINHTTP_QUERY_PROXY_AUTHENTICATE, NULL), L"Basic realm=\"x\"");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    ok_request_line(proxy, 0, "CONNECT example.test:443 HTTP/1.1");
    server_stop(proxy);
}

static void connect_407_sync(void)
{
    check_connect_407(FALSE);
}

static void connect_407_async(void)
{
    check_connect_407(TRUE);
}

/* Any other refusal: the connection could not be made. */
static void check_connect_refused(BOOL async, const char *reply)
{
    struct exchange x;

    connect_exchange(&x, async, reply, 0, END_CLOSE, 0);
    ok_failure1(&x, API_SEND_REQUEST, ERROR_WINHTTP_CANNOT_CONNECT, "ERROR_WINHTTP_CANNOT_CONNECT");
    ok_bounded(&x, 2 * TIMEOUT_MS);
    exchange_close(&x);
}

static void connect_403_sync(void)
{
    check_connect_refused(FALSE, "HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\n\r\ndenied");
}

static void connect_403_async(void)
{
    check_connect_refused(TRUE, "HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\n\r\ndenied");
}

static void connect_502_sync(void)
{
    check_connect_refused(FALSE, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

static void connect_502_async(void)
{
    check_connect_refused(TRUE, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

static void check_connect_garbage(BOOL async)
{
    static const char *const replies[] = {
        "garbage, not HTTP at all\r\n\r\n",
        "\x16\x03\x03\x00\x02\x02\x28",     /* a TLS alert where the reply should be */
        "HTTP/1.1 abc Established\r\n\r\n",
        "HTTP/9 200\r\n\r\n",
    };
    struct exchange x;

    for (size_t i = 0; i < ARRAYSIZE(replies); i++)
    {
        connect_exchange(&x, async, replies[i], 0, END_CLOSE, 0);
        ok_failure1(&x, API_SEND_REQUEST, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "INVALID_SERVER_RESPONSE");
        ok_bounded(&x, 2 * TIMEOUT_MS);
        exchange_close(&x);
    }
}

static void connect_garbage_sync(void)
{
    check_connect_garbage(FALSE);
}

static void connect_garbage_async(void)
{
    check_connect_garbage(TRUE);
}

/* The 200 reply cut at every byte (0: the proxy closes without a reply),
 * by a close and by a reset.  One scripted proxy serves the whole loop, a
 * script per connection in accept order; a client that opened another
 * connection (a retry) would take the next cut's script, so the proxy is
 * then started afresh. */
static void check_connect_truncated(BOOL async)
{
    static const DWORD allowed[] = { ERROR_WINHTTP_INVALID_SERVER_RESPONSE, ERROR_WINHTTP_CONNECTION_ERROR, 0 };
    static const char reply[] = CONNECT_OK;
    struct server *proxy = NULL;
    int bad = 0, runs = 0, restarts = 0;
    LONG scripts = 0;
    struct exchange x;
    struct script *s;
    HINTERNET session;

    for (size_t cut = 0; cut < sizeof(reply) - 1; cut++)
        for (int reset = 0; reset < 2; reset++)
        {
            BOOL fine;

            if (!proxy && !(proxy = script_server())) return;
            if (!scripts) server_set_timeout(proxy, TIMEOUT_MS);
            s = server_add_connection(proxy);
            scripts++;
            script_recv_request(s);
            if (cut) script_send(s, reply, cut);
            if (reset) script_reset(s);
            else script_close(s);
            session = open_proxy_session(async, address_of(proxy, 0), NULL);
            if (exchange_open(&x, session, async, ORIGIN, 443, L"/", WINHTTP_FLAG_SECURE))
            {
                exchange_run(&x);
                runs++;
            }
            if (session) WinHttpCloseHandle(session);
            fine = x.failed_call == API_SEND_REQUEST && (x.error == allowed[0] || x.error == allowed[1]) &&
                   x.elapsed < 2 * TIMEOUT_MS;
            if (!fine && bad++ < 3)
                ok(0, "reply cut after %u bytes by a %s: %s failed with %lu after %lu ms, want WinHttpSendRequest "
                   "to fail with INVALID_SERVER_RESPONSE or CONNECTION_ERROR", (unsigned)cut, reset ? "reset" : "close",
                   call_name(x.failed_call), x.error, x.elapsed);
            exchange_close(&x);
            if (server_connections(proxy) != scripts)
            {
                restarts++;
                server_stop(proxy);
                proxy = NULL;
                scripts = 0;
            }
        }
    if (proxy) server_stop(proxy);
    ok(bad <= 3, "%d more cuts went wrong", bad - 3);
    ok(runs == 2 * (int)(sizeof(reply) - 1), "%d of %d exchanges ran", runs, 2 * (int)(sizeof(reply) - 1));
    ok(!restarts, "%d exchanges opened more than one connection to the proxy", restarts);
}

static void connect_truncated_sync(void)
{
    check_connect_truncated(FALSE);
}

static void connect_truncated_async(void)
{
    check_connect_truncated(TRUE);
}

/* A reply head that never ends: 200 KiB of header lines. */
static void check_connect_huge(BOOL async)
{
    static const DWORD allowed[] = { ERROR_WINHTTP_INVALID_SERVER_RESPONSE, ERROR_WINHTTP_HEADER_SIZE_OVERFLOW, 0 };
    size_t size = 200 * 1024, used;
    char *reply = malloc(size + 1);
    struct exchange x;

    used = sprintf(reply, "HTTP/1.1 200 Connection established\r\n");
    while (used + 64 < size) used += sprintf(reply + used, "X-Filler-%06u: 0123456789abcdef0123456789\r\n", (unsigned)used);
    connect_exchange(&x, async, reply, used, END_CLOSE, 0);
    ok_failure(&x, API_SEND_REQUEST, allowed, "INVALID_SERVER_RESPONSE or HEADER_SIZE_OVERFLOW");
    ok_bounded(&x, 2 * TIMEOUT_MS);
    exchange_close(&x);
    free(reply);
}

static void connect_huge_head_sync(void)
{
    check_connect_huge(FALSE);
}

static void connect_huge_head_async(void)
{
    check_connect_huge(TRUE);
}

/* A proxy that reads the CONNECT and says nothing: the receive timeout. */
static void check_connect_silent(BOOL async)
{
    struct exchange x;

    connect_exchange(&x, async, NULL, 0, END_SILENT, 1000);
    ok_failure1(&x, API_SEND_REQUEST, ERROR_WINHTTP_TIMEOUT, "ERROR_WINHTTP_TIMEOUT");
    /* (the proxy closes after 2.5 s: a timeout not enforced ends in another error) */
    ok(x.elapsed >= 800 && x.elapsed < 2500, "the timeout came after %lu ms, want about 1000", x.elapsed);
    exchange_close(&x);
}

static void connect_silent_sync(void)
{
    check_connect_silent(FALSE);
}

static void connect_silent_async(void)
{
    check_connect_silent(TRUE);
}

/* ---- the tunnel breaks after the 200 --------------------------------------------------------- */

static void ok_broken_tunnel(struct exchange *x)
{
    static const DWORD allowed[] = { ERROR_WINHTTP_SECURE_FAILURE, ERROR_WINHTTP_SECURE_CHANNEL_ERROR,
                                     ERROR_WINHTTP_CONNECTION_ERROR, 0 };

    ok_failure(x, API_SEND_REQUEST, allowed, "SECURE_FAILURE, SECURE_CHANNEL_ERROR or CONNECTION_ERROR");
    ok_bounded(x, 2 * TIMEOUT_MS);
}

/* The proxy says 200, reads the start of the ClientHello, and closes or resets. */
static void check_tunnel_broken(BOOL async, BOOL reset)
{
    struct server *proxy = script_server();
    struct exchange x;
    struct script *s;
    HINTERNET session;

    if (!proxy) return;
    s = server_add_connection(proxy);
    script_recv_request(s);
    script_send(s, CONNECT_OK, 0);
    script_recv_body(s, 5);
    if (reset) script_reset(s);
    else script_close(s);
    session = open_proxy_session(async, address_of(proxy, 0), NULL);
    if (exchange_open(&x, session, async, ORIGIN, 443, L"/", WINHTTP_FLAG_SECURE))
    {
        exchange_run(&x);
        ok_broken_tunnel(&x);
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    server_stop(proxy);
}

static void tunnel_closed_after_200_sync(void)
{
    check_tunnel_broken(FALSE, FALSE);
}

static void tunnel_closed_after_200_async(void)
{
    check_tunnel_broken(TRUE, FALSE);
}

static void tunnel_reset_after_200(void)
{
    check_tunnel_broken(FALSE, TRUE);
}

/* The 200 and at once the end of the connection, before any TLS byte is read. */
static void tunnel_closed_with_200(void)
{
    struct exchange x;

    connect_exchange(&x, FALSE, CONNECT_OK, 0, END_CLOSE, 0);
    ok_broken_tunnel(&x);
    exchange_close(&x);
}

/* ---- what the callbacks name -------------------------------------------------------------------- */

/* The proxy is 127.0.0.1, the origin the address literal 127.0.0.2: the
 * connection callbacks name the proxy; REQUEST_SENT counts the bytes of
 * the request the proxy received. */
static void check_callbacks(BOOL secure)
{
    static struct callback_event events[RECORDER_LOG];
    struct server *proxy = script_server();
    const struct server_request *r;
    struct exchange x;
    struct script *s;
    HINTERNET session;
    int n, connected = 0, sent = 0;

    if (!proxy) return;
    s = server_add_connection(proxy);
    script_recv_request(s);
    if (secure)
    {
        script_send(s, CONNECT_OK, 0);
        script_recv_body(s, 5);
    }
    else script_respond(s, 200, NULL, "callbacks");
    script_close(s);
    session = open_proxy_session(TRUE, address_of(proxy, 0), NULL);
    if (exchange_open(&x, session, TRUE, L"127.0.0.2", 8080, L"/cb", secure ? WINHTTP_FLAG_SECURE : 0))
    {
        exchange_run(&x);
        if (!secure) ok_response(&x, 200, "callbacks");
        n = recorder_events(x.rec, KIND_REQUEST, events, ARRAYSIZE(events));
        for (int i = 0; i < n; i++)
        {
            const struct callback_event *e = &events[i];

            switch (e->status)
            {
            case WINHTTP_CALLBACK_STATUS_RESOLVING_NAME:
            case WINHTTP_CALLBACK_STATUS_NAME_RESOLVED:
            case WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER:
            case WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER:
                ok(e->info && !lstrcmpW(e->text, L"127.0.0.1"), "%s: %ls, want the proxy's 127.0.0.1",
                   status_name(e->status), e->info ? e->text : L"(null)");
                connected += e->status == WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER;
                break;
            case WINHTTP_CALLBACK_STATUS_REQUEST_SENT:
                r = server_request(proxy, 0);
                ok(e->info && e->length == sizeof(DWORD), "REQUEST_SENT: info %p length %lu", e->info, e->length);
                /* the request head, all sent in one piece */
                if (!secure && r && !sent)
                    ok(e->dword == r->head_length, "REQUEST_SENT: %lu bytes, the proxy received %u", e->dword,
                       (unsigned)r->head_length);
                sent++;
                break;
            }
        }
        ok(connected == 1, "%d CONNECTED_TO_SERVER callbacks; trace: %s", connected,
           recorder_trace(x.rec, KIND_REQUEST));
        ok(secure || sent >= 1, "no REQUEST_SENT; trace: %s", recorder_trace(x.rec, KIND_REQUEST));
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
    ok_request_line(proxy, 0, secure ? "CONNECT 127.0.0.2:8080 HTTP/1.1" : "GET http://127.0.0.2:8080/cb HTTP/1.1");
    server_stop(proxy);
}

static void callbacks_name_proxy_http(void)
{
    check_callbacks(FALSE);
}

static void callbacks_name_proxy_https(void)
{
    check_callbacks(TRUE);
}

/* ---- the real proxies: http ---------------------------------------------------------------------- */

/* Each real-proxy case makes its own connections and handshakes: a
 * connection an earlier case left in the pool must not decide this one
 * (squid_https_two_origins checks what the pool may reuse). */
static void no_keep_alive(HINTERNET request)
{
    DWORD feature = WINHTTP_DISABLE_KEEP_ALIVE;

    ok(WinHttpSetOption(request, WINHTTP_OPTION_DISABLE_FEATURE, &feature, sizeof(feature)),
       "DISABLE_FEATURE KEEP_ALIVE: %lu", GetLastError());
}

/* One GET of path on origin through the proxy named by `variable`; TRUE
 * when both servers are there (else "skip"). */
static BOOL real_http(struct exchange *x, HINTERNET *session, const WCHAR *variable, BOOL async, const WCHAR *origin,
                      const WCHAR *path)
{
    struct endpoint proxy, nginx;

    *session = NULL;
    memset(x, 0, sizeof(*x));
    if (!env_server(variable, &proxy) || !env_server(L"WINHTTP_TEST_NGINX", &nginx)) return FALSE;
    *session = open_proxy_session(async, proxy.text, NULL);
    if (exchange_open(x, *session, async, origin, nginx.port, path, 0))
    {
        no_keep_alive(x->request);
        exchange_run(x);
    }
    return TRUE;
}

/* The response came through the proxy: its Via header names it. */
static void ok_via(struct exchange *x, const WCHAR *name)
{
    const WCHAR *via;

    if (x->failed_call) return;
    via = response_header(x->request, WINHTTP_QUERY_VIA, NULL);
    ok(wcsstr(via, name) != NULL, "Via: %ls, want it to name %ls", via, name);
}

/* squid: the origin's name is one only squid can resolve. */
static void check_squid_http(BOOL async)
{
    struct exchange x;
    HINTERNET session;

    if (real_http(&x, &session, L"WINHTTP_TEST_SQUID", async, SQUID_NAME, L"/hello.txt"))
    {
        ok_response(&x, 200, HELLO_TEXT);
        ok_via(&x, L"squid");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
}

static void squid_http_sync(void)
{
    check_squid_http(FALSE);
}

static void squid_http_async(void)
{
    check_squid_http(TRUE);
}

/* chunked framing from the origin, through squid */
static void squid_http_chunked(void)
{
    struct exchange x;
    HINTERNET session;

    if (real_http(&x, &session, L"WINHTTP_TEST_SQUID", FALSE, SQUID_NAME, L"/chunked/text.txt"))
    {
        ok_response(&x, 200, CHUNKED_TEXT);
        ok_via(&x, L"squid");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
}

static void check_tinyproxy_http(BOOL async)
{
    struct exchange x;
    HINTERNET session;

    if (real_http(&x, &session, L"WINHTTP_TEST_TINYPROXY", async, L"localhost", L"/hello.txt"))
    {
        ok_response(&x, 200, HELLO_TEXT);
        ok_via(&x, L"tinyproxy");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
}

static void tinyproxy_http_sync(void)
{
    check_tinyproxy_http(FALSE);
}

static void tinyproxy_http_async(void)
{
    check_tinyproxy_http(TRUE);
}

/* nginx's 16 MiB file through the proxy, every byte checked; over http
 * the response's Via names the proxy (`via`). */
static void check_big_through(const WCHAR *variable, const WCHAR *origin, BOOL secure, const WCHAR *via)
{
    struct endpoint proxy, nginx;
    HINTERNET session, connect = NULL, request = NULL;
    DWORD offset = 0, got, bad = ~0u;
    BYTE *buffer;

    if (!env_server(variable, &proxy)) return;
    if (secure ? !tls_server(L"wrong-host", &nginx) : !env_server(L"WINHTTP_TEST_NGINX", &nginx)) return;
    if (!(session = open_proxy_session(FALSE, proxy.text, NULL))) return;
    buffer = malloc(1 << 20);
    connect = WinHttpConnect(session, origin, nginx.port, 0);
    if (connect) request = WinHttpOpenRequest(connect, L"GET", L"/gen/big.bin", NULL, NULL, NULL,
                                              secure ? WINHTTP_FLAG_SECURE : 0);
    ok(request != NULL, "opening the request failed: %lu", GetLastError());
    if (request) no_keep_alive(request);
    if (request && WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL))
    {
        ok_int(status_code(request), 200);
        if (via)
            ok(wcsstr(response_header(request, WINHTTP_QUERY_VIA, NULL), via) != NULL, "Via: %ls, want it to name %ls",
               response_header(request, WINHTTP_QUERY_VIA, NULL), via);
        for (;;)
        {
            got = 0;
            if (!WinHttpReadData(request, buffer, 1 << 20, &got))
            {
                ok(0, "ReadData failed after %lu bytes: %lu", offset, GetLastError());
                break;
            }
            if (!got) break;
            for (DWORD i = 0; i < got && bad == ~0u; i++)
                if (buffer[i] != (BYTE)((offset + i) + ((offset + i) >> 8) + ((offset + i) >> 16))) bad = offset + i;
            offset += got;
            if (offset > BIG_SIZE) break;
        }
        ok(offset == BIG_SIZE, "read %lu bytes, want %u", offset, BIG_SIZE);
        ok(bad == ~0u, "byte %lu differs", bad);
    }
    else if (request) ok(0, "the request failed: %lu", GetLastError());
    free(buffer);
    if (request) WinHttpCloseHandle(request);
    if (connect) WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

static void squid_http_big(void)
{
    check_big_through(L"WINHTTP_TEST_SQUID", SQUID_NAME, FALSE, L"squid");
}

static void tinyproxy_http_big(void)
{
    check_big_through(L"WINHTTP_TEST_TINYPROXY", L"localhost", FALSE, L"tinyproxy");
}

/* ---- the real proxies: https, a CONNECT tunnel to nginx's TLS servers ---------------------------- */

/* One https GET of /hello.txt on origin:(port of nginx's `tls_name` server)
 * through the proxy named by `variable`. */
static BOOL real_https(struct exchange *x, HINTERNET *session, const WCHAR *variable, BOOL async,
                       const WCHAR *origin, const WCHAR *tls_name, struct endpoint *server)
{
    struct endpoint proxy;

    *session = NULL;
    memset(x, 0, sizeof(*x));
    if (!env_server(variable, &proxy) || !tls_server(tls_name, server)) return FALSE;
    *session = open_proxy_session(async, proxy.text, NULL);
    if (exchange_open(x, *session, async, origin, server->port, L"/hello.txt", WINHTTP_FLAG_SECURE))
    {
        no_keep_alive(x->request);
        exchange_run(x);
    }
    return TRUE;
}

/* After the handshake: the connection is secure, and the certificate and
 * the URL are the origin's. */
static void ok_secure_origin(struct exchange *x, const WCHAR *origin, INTERNET_PORT port, const WCHAR *dns_name)
{
    const CERT_CONTEXT *cert = NULL;
    DWORD flags = 0, size = sizeof(flags);
    WCHAR name[256], url[256], want[256];

    if (x->failed_call) return;
    ok(WinHttpQueryOption(x->request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, &size), "SECURITY_FLAGS: %lu",
       GetLastError());
    ok(flags & SECURITY_FLAG_SECURE, "SECURITY_FLAGS %#lx: not SECURE", flags);
    ok(!(flags & (SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_UNKNOWN_CA)),
       "SECURITY_FLAGS %#lx: certificate checks off", flags);
    size = sizeof(cert);
    ok(WinHttpQueryOption(x->request, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &size) && cert,
       "SERVER_CERT_CONTEXT: %lu", GetLastError());
    if (cert)
    {
        name[0] = 0;
        CertGetNameStringW(cert, CERT_NAME_DNS_TYPE, 0, NULL, name, ARRAYSIZE(name));
        ok_wstr(name, dns_name);
        CertFreeCertificateContext(cert);
    }
    size = sizeof(url);
    url[0] = 0;
    ok(WinHttpQueryOption(x->request, WINHTTP_OPTION_URL, url, &size), "URL: %lu", GetLastError());
    swprintf(want, ARRAYSIZE(want), L"https://%ls:%u/hello.txt", origin, port);
    ok_wstr(url, want);
}

/* squid, to nginx's wrong-host server under the name its certificate has
 * (some.other.name, which only squid resolves): trusted, and the origin's. */
static void check_squid_https(BOOL async)
{
    struct endpoint server;
    struct exchange x;
    HINTERNET session;

    if (real_https(&x, &session, L"WINHTTP_TEST_SQUID", async, SQUID_NAME, L"wrong-host", &server))
    {
        ok_response(&x, 200, HELLO_TEXT);
        ok_secure_origin(&x, SQUID_NAME, server.port, SQUID_NAME);
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
}

static void squid_https_sync(void)
{
    check_squid_https(FALSE);
}

static void squid_https_async(void)
{
    check_squid_https(TRUE);
}

/* HTTP/2 through squid's tunnel: ALPN inside the tunnel chooses h2 with
 * nginx's "h2" server, and the response comes over it. */
static void check_squid_http2(BOOL async)
{
    DWORD protocols = WINHTTP_PROTOCOL_FLAG_HTTP2, used = 0, size = sizeof(used);
    struct endpoint proxy, server;
    struct exchange x;
    HINTERNET session;

    if (!env_server(L"WINHTTP_TEST_SQUID", &proxy) || !tls_server(L"h2", &server)) return;
    session = open_proxy_session(async, proxy.text, NULL);
    ok(WinHttpSetOption(session, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &protocols, sizeof(protocols)),
       "ENABLE_HTTP_PROTOCOL: %lu", GetLastError());
    if (exchange_open(&x, session, async, L"127.0.0.1", server.port, L"/hello.txt", WINHTTP_FLAG_SECURE))
    {
        exchange_run(&x);
        ok_response(&x, 200, HELLO_TEXT);
        ok(WinHttpQueryOption(x.request, WINHTTP_OPTION_HTTP_PROTOCOL_USED, &used, &size), "PROTOCOL_USED: %lu",
           GetLastError());
        ok_int(used, WINHTTP_PROTOCOL_FLAG_HTTP2);
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
}

static void squid_http2_sync(void)
{
    check_squid_http2(FALSE);
}

static void squid_http2_async(void)
{
    check_squid_http2(TRUE);
}

/* A certificate problem of the origin: its own error, or SECURE_FAILURE
 * with the bit in the callback (as tls.c accepts). */
static void ok_name_mismatch(struct exchange *x)
{
    ok(x->failed_call == API_SEND_REQUEST &&
       (x->error == ERROR_WINHTTP_SECURE_CERT_CN_INVALID || x->error == ERROR_WINHTTP_SECURE_FAILURE),
       "%s failed with %lu (status %lu), want WinHttpSendRequest to fail with SECURE_CERT_CN_INVALID or "
       "SECURE_FAILURE", call_name(x->failed_call), x->error, x->status);
    if (x->async)
        ok(x->secure_flags == WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID, "SECURE_FAILURE flags %#lx, want CN_INVALID",
           x->secure_flags);
}

/* squid, to nginx's "valid" server (127.0.0.1 and localhost: the proxy's
 * own name) as some.other.name: the certificate does not name the origin. */
static void check_squid_mismatch(BOOL async)
{
    struct endpoint server;
    struct exchange x;
    HINTERNET session;

    if (real_https(&x, &session, L"WINHTTP_TEST_SQUID", async, SQUID_NAME, L"valid", &server)) ok_name_mismatch(&x);
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
}

static void squid_https_name_mismatch_sync(void)
{
    check_squid_mismatch(FALSE);
}

static void squid_https_name_mismatch_async(void)
{
    check_squid_mismatch(TRUE);
}

/* tinyproxy, to nginx's "valid" server as localhost; its log shows the CONNECT. */
static int tinyproxy_connects(INTERNET_PORT port)
{
    char needle[64];

    sprintf(needle, "CONNECT localhost:%u HTTP/", port);
    return count_in_log(L"WINHTTP_TEST_TINYPROXY_LOG", needle);
}

static void check_tinyproxy_https(BOOL async, const WCHAR *tls_name, BOOL mismatch)
{
    struct endpoint server;
    struct exchange x;
    HINTERNET session;
    int before = -1, after;

    if (tls_server(tls_name, &server)) before = tinyproxy_connects(server.port);
    if (real_https(&x, &session, L"WINHTTP_TEST_TINYPROXY", async, L"localhost", tls_name, &server))
    {
        if (mismatch) ok_name_mismatch(&x);
        else
        {
            ok_response(&x, 200, HELLO_TEXT);
            ok_secure_origin(&x, L"localhost", server.port, L"localhost");
        }
        after = tinyproxy_connects(server.port);
        if (before >= 0) ok(after > before, "tinyproxy's log shows %d CONNECTs to localhost:%u, as before", after,
                            server.port);
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
}

static void tinyproxy_https_sync(void)
{
    check_tinyproxy_https(FALSE, L"valid", FALSE);
}

static void tinyproxy_https_async(void)
{
    check_tinyproxy_https(TRUE, L"valid", FALSE);
}

static void tinyproxy_https_name_mismatch(void)
{
    check_tinyproxy_https(FALSE, L"wrong-host", TRUE);
}

/* to the wrong-host server under its certificate's name, which only squid resolves */
static void squid_https_big(void)
{
    check_big_through(L"WINHTTP_TEST_SQUID", SQUID_NAME, TRUE, NULL);
}

/* Two https origins through one squid, keep-alive allowed: a tunnel is
 * the origin's, and the second request must not travel in the first's
 * (each gets its own server's certificate and response). */
static void squid_https_two_origins(void)
{
    struct endpoint proxy, first, second;
    struct exchange x;
    HINTERNET session;

    memset(&x, 0, sizeof(x));
    if (!env_server(L"WINHTTP_TEST_SQUID", &proxy) || !tls_server(L"wrong-host", &first) ||
        !tls_server(L"valid", &second))
        return;
    session = open_proxy_session(FALSE, proxy.text, NULL);
    if (exchange_open(&x, session, FALSE, SQUID_NAME, first.port, L"/hello.txt", WINHTTP_FLAG_SECURE))
    {
        exchange_run(&x);
        ok_response(&x, 200, HELLO_TEXT);
        ok_secure_origin(&x, SQUID_NAME, first.port, SQUID_NAME);
    }
    exchange_close(&x);
    if (exchange_open(&x, session, FALSE, L"127.0.0.1", second.port, L"/hello.txt", WINHTTP_FLAG_SECURE))
    {
        exchange_run(&x);
        ok_response(&x, 200, HELLO_TEXT);
        ok_secure_origin(&x, L"127.0.0.1", second.port, L"localhost");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
}

/* squid refuses a CONNECT to a destination it does not serve (403). */
static void check_squid_refuses(BOOL async)
{
    struct endpoint proxy;
    struct exchange x;
    HINTERNET session;

    memset(&x, 0, sizeof(x));
    if (!env_server(L"WINHTTP_TEST_SQUID", &proxy)) return;
    session = open_proxy_session(async, proxy.text, NULL);
    if (exchange_open(&x, session, async, L"refused.invalid", 443, L"/", WINHTTP_FLAG_SECURE))
    {
        no_keep_alive(x.request);
        exchange_run(&x);
        ok_failure1(&x, API_SEND_REQUEST, ERROR_WINHTTP_CANNOT_CONNECT, "ERROR_WINHTTP_CANNOT_CONNECT");
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
}

static void squid_refuses_connect_sync(void)
{
    check_squid_refuses(FALSE);
}

static void squid_refuses_connect_async(void)
{
    check_squid_refuses(TRUE);
}

/* squid with Basic authentication, no credentials given: 407, the proxy
 * the target; for http the proxy's response, for https its reply to CONNECT. */
static void check_squid_auth_407(BOOL async, BOOL secure)
{
    struct endpoint proxy, server;
    DWORD supported = 0, first = 0, target = 0;
    struct exchange x;
    HINTERNET session;

    memset(&x, 0, sizeof(x));
    if (!env_server(L"WINHTTP_TEST_SQUID_AUTH", &proxy)) return;
    if (secure ? !tls_server(L"valid", &server) : !env_server(L"WINHTTP_TEST_NGINX", &server)) return;
    session = open_proxy_session(async, proxy.text, NULL);
    if (exchange_open(&x, session, async, L"127.0.0.1", server.port, L"/hello.txt", secure ? WINHTTP_FLAG_SECURE : 0))
    {
        no_keep_alive(x.request);
        exchange_run(&x);
        ok(!x.failed_call, "%s failed with %lu", call_name(x.failed_call), x.error);
        ok_int(status_code(x.request), 407);
        ok(WinHttpQueryAuthSchemes(x.request, &supported, &first, &target), "QueryAuthSchemes: %lu", GetLastError());
        ok(supported & WINHTTP_AUTH_SCHEME_BASIC, "supported schemes %#lx", supported);
        ok_int(target, WINHTTP_AUTH_TARGET_PROXY);
        ok(wcsstr(response_header(x.request, WINHTTP_QUERY_PROXY_AUTHENTICATE, NULL), L"Basic") != NULL,
           "Proxy-Authenticate: %ls", response_header(x.request, WINHTTP_QUERY_PROXY_AUTHENTICATE, NULL));
    }
    exchange_close(&x);
    if (session) WinHttpCloseHandle(session);
}

static void squid_auth_407_http(void)
{
    check_squid_auth_407(FALSE, FALSE);
}

static void squid_auth_407_https_sync(void)
{
    check_squid_auth_407(FALSE, TRUE);
}

static void squid_auth_407_https_async(void)
{
    check_squid_auth_407(TRUE, TRUE);
}

int main(int argc, char **argv)
{
    TEST_CASES(
        TEST(open_named_proxy_requires_name),
        TEST(open_no_proxy_ignores_name),
        TEST(open_named_proxy_query),
        TEST(http_absolute_form_sync),
        TEST(http_absolute_form_async),
        TEST(http_default_port),
        TEST(http_keep_alive_two_origins_sync),
        TEST(http_keep_alive_two_origins_async),
        TEST(per_scheme_lists),
        TEST(several_proxies_first_used),
        TEST(bypass_local),
        TEST(bypass_wildcard),
        TEST(bypass_exact_name),
        TEST(bypass_port),
        TEST(bypass_ip_literal),
        TEST(bypass_ip_wildcard),
        TEST(option_proxy_query_size),
        TEST(option_proxy_session),
        TEST(option_proxy_request_overrides_sync),
        TEST(option_proxy_request_overrides_async),
        TEST(option_proxy_request_no_proxy),
        TEST(https_connect_request_sync),
        TEST(https_connect_request_async),
        TEST(https_connect_request_port),
        TEST(connect_407_sync),
        TEST(connect_407_async),
        TEST(connect_403_sync),
        TEST(connect_403_async),
        TEST(connect_502_sync),
        TEST(connect_502_async),
        TEST(connect_garbage_sync),
        TEST(connect_garbage_async),
        TEST(connect_truncated_sync),
        TEST(connect_truncated_async),
        TEST(connect_huge_head_sync),
        TEST(connect_huge_head_async),
        TEST(connect_silent_sync),
        TEST(connect_silent_async),
        TEST(tunnel_closed_after_200_sync),
        TEST(tunnel_closed_after_200_async),
        TEST(tunnel_reset_after_200),
        TEST(tunnel_closed_with_200),
        TEST(callbacks_name_proxy_http),
        TEST(callbacks_name_proxy_https),
        TEST(squid_http_sync),
        TEST(squid_http_async),
        TEST(squid_http_chunked),
        TEST(squid_http_big),
        TEST(tinyproxy_http_sync),
        TEST(tinyproxy_http_async),
        TEST(tinyproxy_http_big),
        TEST(squid_https_sync),
        TEST(squid_https_async),
        TEST(squid_https_name_mismatch_sync),
        TEST(squid_https_name_mismatch_async),
        TEST(squid_https_big),
        TEST(squid_http2_sync),
        TEST(squid_http2_async),
        TEST(tinyproxy_https_sync),
        TEST(tinyproxy_https_async),
        TEST(tinyproxy_https_name_mismatch),
        TEST(squid_refuses_connect_sync),
        TEST(squid_refuses_connect_async),
        TEST(squid_auth_407_http),
        TEST(squid_auth_407_https_sync),
        TEST(squid_auth_407_https_async),
        /* last: it leaves a pooled tunnel behind */
        TEST(squid_https_two_origins));
    return harness_main(argc, argv, test_cases);
}
