/* bench: throughput and keep-alive measurements over WinHTTP and bare Winsock.
 *
 *   bench download URL READSIZE                     WinHTTP, sync: one GET, ReadData(READSIZE) to the end
 *                                                   (https: after a HEAD, untimed, on the same connection)
 *   bench keepalive URL SECONDS                     WinHTTP, sync: GETs on one session for SECONDS
 *   bench handshakes URL SECONDS                    WinHTTP, sync: GETs on one session for SECONDS, each
 *                                                   on a new connection (WINHTTP_DISABLE_KEEP_ALIVE)
 *   bench auth URL SECONDS                          WinHTTP, sync: GETs on one session for SECONDS, each
 *                                                   request with WINHTTP_OPTION_USERNAME and _PASSWORD
 *                                                   from BENCH_USER and BENCH_PASSWORD
 *   bench winsock-download HOST PORT PATH READSIZE  blocking Winsock: one GET, recv(READSIZE) to the end
 *   bench winsock-keepalive HOST PORT PATH SECONDS  blocking Winsock: GETs on one connection for SECONDS
 *   bench async-download URL READSIZE               WinHTTP, WINHTTP_FLAG_ASYNC: one GET driven from the
 *                                                   callbacks, ReadData(READSIZE) to the end
 *   bench inflight URL N SECONDS                    WinHTTP, WINHTTP_FLAG_ASYNC: N GETs in flight at all
 *                                                   times for SECONDS, each closed and replaced when done
 *   bench ws-echo URL SECONDS                       WinHTTP WebSocket, sync: 32-byte binary messages sent
 *                                                   and their echoes received, one at a time, for SECONDS
 *                                                   (req_s: round trips/s)
 *   bench ws-bulk URL SECONDS                       the same with 1 MiB messages (mib_s: payload sent
 *                                                   and received, both directions)
 *   bench ws-echo-async URL SECONDS                 ws-echo with WINHTTP_FLAG_ASYNC, each round trip
 *                                                   started from the callbacks of the one before
 *
 * The ws-* modes want a WebSocket echo server at URL (http://; tools/bench/
 * ws-echo.c); bytes is the payload through the client: each message's
 * bytes sent plus its echo's received (both directions).
 *
 * URL may be http:// or https:// (WINHTTP_FLAG_SECURE); for https, the
 * server's certificate must be trusted by the Wine prefix.  handshakes
 * makes one untimed request first, so that its figure is the steady state
 * an application sees: a client that resumes TLS sessions resumes from the
 * first one on (whether it did is for the server to tell).
 *
 * auth leaves the authentication to the DLL, as an application that sets
 * the two options does: whatever 401s it answers on its own (Basic, NTLM
 * with "DOMAIN\user", ...) are the DLL's; a final status other than 200
 * fails the run (printed as "error ... status N").  It makes one untimed
 * request first, so that the process's first logon (which may load an
 * authentication package) is not in the figure.
 *
 * READSIZE takes a K or M suffix (8K, 64K, 1M).  Which winhttp.dll is used
 * (this project's or Wine's builtin) is up to whoever runs the program
 * (tools/bench/run), exactly as for the conformance programs.
 *
 * Each run prints one line of key=value pairs on stdout, for tools/bench/run:
 *   result mode=MODE bytes=N requests=N seconds=S mib_s=X req_s=X cpu_s=C server_cpu_s=W
 * cpu_s is this process's user+kernel time (GetProcessTimes) over the
 * measured interval only.  server_cpu_s is wineserver's over the same
 * interval, read from /proc/PID/stat through Wine's Z: drive when the
 * environment names it (BENCH_SERVER_STAT=Z:\proc\PID\stat, BENCH_CLK_TCK),
 * else "-".  download over https adds first_request_s, the seconds of its
 * HEAD (the process's first TLS handshake).  Failures print "error ..." on
 * stderr and exit with status 1.
 *
 * inflight adds to its line: in_flight=N; p50_ms and p99_ms, the latency of
 * a request from its send to its last READ_COMPLETE; peak_threads and
 * peak_private_mib, the process's peaks sampled every 50 ms by a thread of
 * its own (counted), first_threads and first_private_mib before the first
 * request; errors (and last_error), requests that failed; anomalies,
 * callbacks the documentation rules out; stuck, requests still in flight
 * 20 s after the end; open_requests, request handles never closed; deferred,
 * requests that a deeply nested callback left to the main thread to start;
 * max_depth, the deepest nesting of callbacks on one thread; total, the
 * requests completed over the whole run (warm-up and drain included).  The
 * first 1/5 of SECONDS (at most 1 s) is a warm-up, not measured.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <tlhelp32.h>
#include <psapi.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winhttp.h"

#define KEEPALIVE_BUFFER (64 * 1024)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- measuring ------------------------------------------------------------ */

struct sample
{
    LARGE_INTEGER wall;
    double cpu;          /* seconds of this process */
    double server;       /* seconds of wineserver, or < 0 when unknown */
};

static double process_cpu_seconds(void)
{
    FILETIME created, exited, kernel, user;
    ULARGE_INTEGER k, u;

    if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user)) return 0;
    k.LowPart = kernel.dwLowDateTime; k.HighPart = kernel.dwHighDateTime;
    u.LowPart = user.dwLowDateTime; u.HighPart = user.dwHighDateTime;
    return (double)(k.QuadPart + u.QuadPart) / 1e7;
}

/* utime + stime (fields 14 and 15 of /proc/PID/stat, after the ")" that ends
 * the command name) of the process BENCH_SERVER_STAT names. */
static double server_cpu_seconds(void)
{
    const char *path = getenv("BENCH_SERVER_STAT"), *tck = getenv("BENCH_CLK_TCK");
    char text[1024], *p;
    unsigned long long utime, stime;
    HANDLE file;
    DWORD got = 0;
    int field;

    if (!path || !*path) return -1;
    file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return -1;
    if (!ReadFile(file, text, sizeof(text) - 1, &got, NULL)) got = 0;
    CloseHandle(file);
    text[got] = 0;
    if (!(p = strrchr(text, ')'))) return -1;
    for (field = 3; field <= 14 && p; field++) p = strchr(p + 1, ' ');   /* p: before field 14 */
    if (!p || sscanf(p, " %llu %llu", &utime, &stime) != 2) return -1;
    return (double)(utime + stime) / (tck ? atof(tck) : 100.0);
}

static void take_sample(struct sample *s)
{
    s->server = server_cpu_seconds();
    s->cpu = process_cpu_seconds();
    QueryPerformanceCounter(&s->wall);
}

static double seconds_between(const LARGE_INTEGER *from, const LARGE_INTEGER *to)
{
    LARGE_INTEGER frequency;
    QueryPerformanceFrequency(&frequency);
    return (double)(to->QuadPart - from->QuadPart) / (double)frequency.QuadPart;
}

static double now_seconds(void)
{
    LARGE_INTEGER now, frequency;
    QueryPerformanceCounter(&now);
    QueryPerformanceFrequency(&frequency);
    return (double)now.QuadPart / (double)frequency.QuadPart;
}

/* `extra`: more " key=value" pairs for the line, or "". */
static void print_result(const char *mode, unsigned long long bytes, unsigned long requests,
                         const struct sample *before, const struct sample *after, const char *extra)
{
    double seconds = seconds_between(&before->wall, &after->wall);
    char server[32] = "-";

    if (before->server >= 0 && after->server >= 0)
        snprintf(server, sizeof(server), "%.3f", after->server - before->server);
    printf("result mode=%s bytes=%llu requests=%lu seconds=%.4f mib_s=%.1f req_s=%.1f cpu_s=%.3f server_cpu_s=%s%s\n",
           mode, bytes, requests, seconds, bytes / 1048576.0 / seconds, requests / seconds,
           after->cpu - before->cpu, server, extra);
    fflush(stdout);
}

static int fail(const char *what, DWORD error)
{
    fprintf(stderr, "error %s failed: %lu\n", what, error);
    return 1;
}

static DWORD parse_size(const char *text)
{
    char *end;
    unsigned long value = strtoul(text, &end, 10);

    if (*end == 'k' || *end == 'K') value *= 1024;
    else if (*end == 'm' || *end == 'M') value *= 1024 * 1024;
    return value;
}

/* ---- WinHTTP, sync ---------------------------------------------------------- */

struct target
{
    WCHAR host[256];
    WCHAR path[2048];
    INTERNET_PORT port;
    DWORD request_flags;        /* WINHTTP_FLAG_SECURE for https */
};

static BOOL crack_target(const char *url, struct target *t)
{
    WCHAR wide[2048];
    URL_COMPONENTS parts = { sizeof(parts) };

    if (!MultiByteToWideChar(CP_ACP, 0, url, -1, wide, ARRAY_SIZE(wide))) return FALSE;
    parts.lpszHostName = t->host;
    parts.dwHostNameLength = ARRAY_SIZE(t->host);
    parts.lpszUrlPath = t->path;
    parts.dwUrlPathLength = ARRAY_SIZE(t->path);
    if (!WinHttpCrackUrl(wide, 0, 0, &parts)) return FALSE;
    t->port = parts.nPort;
    t->request_flags = parts.nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE : 0;
    return TRUE;
}

struct winhttp
{
    HINTERNET session, connect;
    struct target target;
};

/* BENCH_PROXY=host:port in the environment: every request goes through
 * that proxy (WINHTTP_ACCESS_TYPE_NAMED_PROXY).  BENCH_HTTP2=1: HTTP/2 is
 * enabled on the session (WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL). */
static HINTERNET open_session(DWORD flags)
{
    static WCHAR proxy[256];
    DWORD protocols = WINHTTP_PROTOCOL_FLAG_HTTP2;
    HINTERNET session;

    if (!GetEnvironmentVariableW(L"BENCH_PROXY", proxy, ARRAYSIZE(proxy)) || !proxy[0])
        session = WinHttpOpen(L"bench", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, flags);
    else session = WinHttpOpen(L"bench", WINHTTP_ACCESS_TYPE_NAMED_PROXY, proxy, NULL, flags);
    if (session && GetEnvironmentVariableW(L"BENCH_HTTP2", NULL, 0) &&
        !WinHttpSetOption(session, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &protocols, sizeof(protocols)))
        fprintf(stderr, "warning: WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL: error %lu\n", GetLastError());
    return session;
}

static BOOL winhttp_open(const char *url, struct winhttp *w)
{
    memset(w, 0, sizeof(*w));
    if (!crack_target(url, &w->target)) return FALSE;
    if (!(w->session = open_session(0))) return FALSE;
    return (w->connect = WinHttpConnect(w->session, w->target.host, w->target.port, 0)) != NULL;
}

static void winhttp_close(struct winhttp *w)
{
    if (w->connect) WinHttpCloseHandle(w->connect);
    if (w->session) WinHttpCloseHandle(w->session);
}

/* Opens, sends and receives a request, with the features given disabled
 * (WINHTTP_OPTION_DISABLE_FEATURE, 0: none); the request handle on a 200,
 * else NULL. */
static HINTERNET winhttp_request(struct winhttp *w, const WCHAR *verb, DWORD disabled_features)
{
    DWORD status = 0, size = sizeof(status), error, decompression = WINHTTP_DECOMPRESSION_FLAG_ALL;
    HINTERNET request = WinHttpOpenRequest(w->connect, verb, w->target.path, NULL, NULL, NULL,
                                           w->target.request_flags);

    if (!request) return NULL;
    /* BENCH_DECOMPRESSION=1: ask for decoded bodies (a DLL without the
     * option reads the coded bytes, which the figure then says) */
    if (getenv("BENCH_DECOMPRESSION") &&
        !WinHttpSetOption(request, WINHTTP_OPTION_DECOMPRESSION, &decompression, sizeof(decompression)))
        fprintf(stderr, "bench: no WINHTTP_OPTION_DECOMPRESSION (%lu): coded bytes\n", GetLastError());
    if ((!disabled_features || WinHttpSetOption(request, WINHTTP_OPTION_DISABLE_FEATURE, &disabled_features,
                                                sizeof(disabled_features))) &&
        WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL) &&
        WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size,
                            NULL) && status == 200)
        return request;
    error = GetLastError() ? GetLastError() : ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    WinHttpCloseHandle(request);    /* may reset the last error */
    SetLastError(error);
    return NULL;
}

static HINTERNET winhttp_get(struct winhttp *w, DWORD disabled_features)
{
    return winhttp_request(w, L"GET", disabled_features);
}

/* ReadData in `size` pieces to the end of the body; the bytes read, or -1. */
static long long winhttp_read_all(HINTERNET request, char *buffer, DWORD size)
{
    long long total = 0;
    DWORD read;

    do
    {
        if (!WinHttpReadData(request, buffer, size, &read)) return -1;
        total += read;
    } while (read);
    return total;
}

/* Over https, a HEAD on the connection the GET then reuses: the figure is
 * the transfer's, not the process's first TLS handshake's, which loads the
 * TLS library and the root store once (its seconds: first_request_s). */
static int winhttp_download(int argc, char **argv)
{
    DWORD size = parse_size(argv[1]);
    char *buffer = malloc(size ? size : 1), extra[64] = "";
    struct sample before, after;
    struct winhttp w;
    HINTERNET request;
    long long bytes;

    if (!size || !buffer) return fail("read size", ERROR_INVALID_PARAMETER);
    if (!winhttp_open(argv[0], &w)) return fail("WinHttpOpen/Connect", GetLastError());
    if (w.target.request_flags & WINHTTP_FLAG_SECURE)
    {
        double start = now_seconds();
        if (!(request = winhttp_request(&w, L"HEAD", 0))) return fail("HEAD", GetLastError());
        WinHttpCloseHandle(request);
        snprintf(extra, sizeof(extra), " first_request_s=%.4f", now_seconds() - start);
    }
    take_sample(&before);
    if (!(request = winhttp_get(&w, 0))) return fail("GET", GetLastError());
    if ((bytes = winhttp_read_all(request, buffer, size)) < 0) return fail("WinHttpReadData", GetLastError());
    take_sample(&after);
    print_result("download", (unsigned long long)bytes, 1, &before, &after, extra);
    WinHttpCloseHandle(request);
    winhttp_close(&w);
    free(buffer);
    return 0;
}

/* One whole GET (head and body) with the features given disabled; the
 * body's length, or -1. */
static long long winhttp_get_all(struct winhttp *w, DWORD disabled_features, char *buffer)
{
    HINTERNET request = winhttp_get(w, disabled_features);
    long long read;

    if (!request)
    {
        fail("GET", GetLastError());
        return -1;
    }
    if ((read = winhttp_read_all(request, buffer, KEEPALIVE_BUFFER)) < 0) fail("WinHttpReadData", GetLastError());
    WinHttpCloseHandle(request);
    return read;
}

/* GETs on one session for SECONDS, after `warm_up` untimed ones. */
static int winhttp_repeat(const char *mode, char **argv, DWORD disabled_features, int warm_up)
{
    double seconds = atof(argv[1]), end;
    char *buffer = malloc(KEEPALIVE_BUFFER);
    unsigned long long bytes = 0;
    unsigned long requests = 0;
    struct sample before, after;
    struct winhttp w;
    long long read;

    if (seconds <= 0 || !buffer) return fail("seconds", ERROR_INVALID_PARAMETER);
    if (!winhttp_open(argv[0], &w)) return fail("WinHttpOpen/Connect", GetLastError());
    while (warm_up--)
        if (winhttp_get_all(&w, disabled_features, buffer) < 0) return 1;
    take_sample(&before);
    end = now_seconds() + seconds;
    do
    {
        if ((read = winhttp_get_all(&w, disabled_features, buffer)) < 0) return 1;
        bytes += read;
        requests++;
    } while (now_seconds() < end);
    take_sample(&after);
    print_result(mode, bytes, requests, &before, &after, "");
    winhttp_close(&w);
    free(buffer);
    return 0;
}

static int winhttp_keepalive(int argc, char **argv)
{
    return winhttp_repeat("keepalive", argv, 0, 0);
}

/* A new connection for each request: over https, a TLS handshake each. */
static int winhttp_handshakes(int argc, char **argv)
{
    return winhttp_repeat("handshakes", argv, WINHTTP_DISABLE_KEEP_ALIVE, 1);
}

/* One whole GET with the credentials set as options on the request handle
 * (WINHTTP_OPTION_USERNAME and _PASSWORD, lengths in characters), as an
 * application does for each request: the body's length, or -1 (a final
 * status other than 200 is printed). */
static long long winhttp_auth_get(struct winhttp *w, const WCHAR *user, const WCHAR *password, char *buffer)
{
    HINTERNET request = WinHttpOpenRequest(w->connect, L"GET", w->target.path, NULL, NULL, NULL,
                                           w->target.request_flags);
    DWORD status = 0, size = sizeof(status);
    long long read = -1;

    if (!request)
    {
        fail("WinHttpOpenRequest", GetLastError());
        return -1;
    }
    if (!WinHttpSetOption(request, WINHTTP_OPTION_USERNAME, (void *)user, lstrlenW(user)))
        fail("WINHTTP_OPTION_USERNAME", GetLastError());
    else if (!WinHttpSetOption(request, WINHTTP_OPTION_PASSWORD, (void *)password, lstrlenW(password)))
        fail("WINHTTP_OPTION_PASSWORD", GetLastError());
    else if (!WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0)) fail("WinHttpSendRequest", GetLastError());
    else if (!WinHttpReceiveResponse(request, NULL)) fail("WinHttpReceiveResponse", GetLastError());
    else if (!WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status,
                                  &size, NULL))
        fail("WinHttpQueryHeaders", GetLastError());
    else if (status != 200) fprintf(stderr, "error GET failed: status %lu\n", status);
    else if ((read = winhttp_read_all(request, buffer, KEEPALIVE_BUFFER)) < 0) fail("WinHttpReadData", GetLastError());
    WinHttpCloseHandle(request);
    return read;
}

/* Authenticated GETs on one session for SECONDS, one request handle each,
 * after one untimed GET. */
static int winhttp_auth(int argc, char **argv)
{
    static WCHAR user[256], password[256];
    double seconds = atof(argv[1]), end;
    char *buffer = malloc(KEEPALIVE_BUFFER);
    unsigned long long bytes = 0;
    unsigned long requests = 0;
    struct sample before, after;
    struct winhttp w;
    long long read;

    if (seconds <= 0 || !buffer) return fail("seconds", ERROR_INVALID_PARAMETER);
    if (!GetEnvironmentVariableW(L"BENCH_USER", user, ARRAY_SIZE(user)) ||
        !GetEnvironmentVariableW(L"BENCH_PASSWORD", password, ARRAY_SIZE(password)))
        return fail("BENCH_USER and BENCH_PASSWORD", ERROR_INVALID_PARAMETER);
    if (!winhttp_open(argv[0], &w)) return fail("WinHttpOpen/Connect", GetLastError());
    if (winhttp_auth_get(&w, user, password, buffer) < 0) return 1;
    take_sample(&before);
    end = now_seconds() + seconds;
    do
    {
        if ((read = winhttp_auth_get(&w, user, password, buffer)) < 0) return 1;
        bytes += read;
        requests++;
    } while (now_seconds() < end);
    take_sample(&after);
    print_result("auth", bytes, requests, &before, &after, "");
    winhttp_close(&w);
    free(buffer);
    return 0;
}

/* ---- WinHTTP, async: the exchange driven from the completion callbacks ------- */

/* One request driven from the callbacks: SendRequest -> SENDREQUEST_COMPLETE
 * -> ReceiveResponse -> HEADERS_AVAILABLE -> ReadData -> READ_COMPLETE ...
 * until a READ_COMPLETE of 0 bytes.  `finished` is called once per request
 * (error 0: the whole body was read), `closed` on its HANDLE_CLOSING. */
struct transfer
{
    HINTERNET request;
    char *buffer;
    DWORD buffer_size;
    unsigned long long bytes;
    LARGE_INTEGER started;
    volatile LONG done;         /* `finished` has been called */
    void (*finished)(struct transfer *t, DWORD error);
    void (*closed)(struct transfer *t);
};

/* A READ_COMPLETE may come from inside WinHttpReadData on the calling thread
 * (documented for data already at hand).  Issuing the next read from there
 * would nest one stack frame per read, so the read loop notes it here and
 * issues the next read itself once WinHttpReadData has returned. */
static __thread struct transfer *reading;      /* inside WinHttpReadData for it */
static __thread BOOL read_inline;
static __thread DWORD read_inline_bytes;
static __thread int callback_depth;            /* callbacks nested on this thread */

/* Callbacks the WinHTTP documentation does not allow: any callback for a
 * request after its completion or error was handled, but HANDLE_CLOSING. */
static volatile LONG anomalies;
static volatile LONG max_callback_depth;

static void finish_transfer(struct transfer *t, DWORD error)
{
    if (InterlockedExchange(&t->done, 1))
    {
        InterlockedIncrement(&anomalies);
        return;
    }
    t->finished(t, error);
}

static void read_body(struct transfer *t)
{
    for (;;)
    {
        struct transfer *outer = reading;
        BOOL ok, completed_inline;
        DWORD bytes;

        reading = t;
        read_inline = FALSE;
        ok = WinHttpReadData(t->request, t->buffer, t->buffer_size, NULL);
        completed_inline = read_inline;
        bytes = read_inline_bytes;
        reading = outer;
        /* After an inline READ_COMPLETE of 0 bytes, t may already be reused. */
        if (!ok) finish_transfer(t, GetLastError());
        if (!ok || !completed_inline || !bytes) return;
    }
}

static void body_read(struct transfer *t, DWORD bytes)
{
    t->bytes += bytes;
    if (reading == t)
    {
        read_inline = TRUE;
        read_inline_bytes = bytes;
        if (!bytes) finish_transfer(t, 0);
        return;
    }
    if (!bytes) finish_transfer(t, 0);
    else read_body(t);
}

static DWORD response_status(HINTERNET request)
{
    DWORD status = 0, size = sizeof(status);

    if (!WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size,
                             NULL))
        return 0;
    return status;
}

static void transfer_step(struct transfer *t, DWORD status, void *info, DWORD length)
{
    if (t->done && status != WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING)
    {
        InterlockedIncrement(&anomalies);
        return;
    }
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        if (!WinHttpReceiveResponse(t->request, NULL)) finish_transfer(t, GetLastError());
        break;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        if (response_status(t->request) == 200) read_body(t);
        else finish_transfer(t, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        body_read(t, length);
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        finish_transfer(t, ((WINHTTP_ASYNC_RESULT *)info)->dwError);
        break;
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        t->closed(t);
        break;
    }
}

static void CALLBACK transfer_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    LONG depth = ++callback_depth, seen;

    while ((seen = max_callback_depth) < depth && InterlockedCompareExchange(&max_callback_depth, depth, seen) != seen)
        ;
    /* The session's and the connection's handles have no context. */
    if (context) transfer_step((struct transfer *)context, status, info, length);
    callback_depth--;
}

#define TRANSFER_CALLBACKS (WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING)

/* An async session and its connection, every request's callback set. */
static BOOL winhttp_open_async(const char *url, struct winhttp *w)
{
    memset(w, 0, sizeof(*w));
    if (!crack_target(url, &w->target)) return FALSE;
    if (!(w->session = open_session(WINHTTP_FLAG_ASYNC))) return FALSE;
    if (WinHttpSetStatusCallback(w->session, transfer_callback, TRANSFER_CALLBACKS, 0) ==
        WINHTTP_INVALID_STATUS_CALLBACK)
        return FALSE;
    return (w->connect = WinHttpConnect(w->session, w->target.host, w->target.port, 0)) != NULL;
}

/* Opens a GET for t and sends it; FALSE when no request handle could be
 * opened (no HANDLE_CLOSING will come).  A send that fails at once is a
 * finished transfer: its handle closes like any other. */
static BOOL start_transfer(struct winhttp *w, struct transfer *t)
{
    DWORD_PTR context = (DWORD_PTR)t;

    t->bytes = 0;
    t->done = 0;
    if (!(t->request = WinHttpOpenRequest(w->connect, L"GET", w->target.path, NULL, NULL, NULL,
                                          w->target.request_flags)))
        return FALSE;
    /* Set before the send so that HANDLE_CLOSING carries it even when the send fails. */
    if (!WinHttpSetOption(t->request, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context)))
    {
        DWORD error = GetLastError();
        WinHttpCloseHandle(t->request);
        SetLastError(error);
        return FALSE;
    }
    QueryPerformanceCounter(&t->started);
    if (!WinHttpSendRequest(t->request, NULL, 0, NULL, 0, 0, context)) finish_transfer(t, GetLastError());
    return TRUE;
}

/* -- async-download: one GET, the main thread waits -- */

struct download
{
    struct transfer t;
    DWORD error;
    HANDLE finished, closed;
};

static void download_finished(struct transfer *t, DWORD error)
{
    struct download *d = (struct download *)t;
    d->error = error;
    SetEvent(d->finished);
}

static void download_closed(struct transfer *t)
{
    SetEvent(((struct download *)t)->closed);
}

#define ASYNC_DOWNLOAD_TIMEOUT_MS 300000
#define CLOSE_TIMEOUT_MS 10000

static int winhttp_async_download(int argc, char **argv)
{
    struct download d = { { 0 } };
    struct sample before, after;
    struct winhttp w;

    d.t.buffer_size = parse_size(argv[1]);
    d.t.buffer = malloc(d.t.buffer_size ? d.t.buffer_size : 1);
    d.t.finished = download_finished;
    d.t.closed = download_closed;
    d.finished = CreateEventW(NULL, TRUE, FALSE, NULL);
    d.closed = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!d.t.buffer_size || !d.t.buffer) return fail("read size", ERROR_INVALID_PARAMETER);
    if (!winhttp_open_async(argv[0], &w)) return fail("WinHttpOpen/SetStatusCallback/Connect", GetLastError());
    take_sample(&before);
    if (!start_transfer(&w, &d.t)) return fail("WinHttpOpenRequest", GetLastError());
    if (WaitForSingleObject(d.finished, ASYNC_DOWNLOAD_TIMEOUT_MS)) return fail("waiting for the body", WAIT_TIMEOUT);
    take_sample(&after);
    if (d.error) return fail("GET", d.error);
    print_result("async-download", d.t.bytes, 1, &before, &after, "");
    WinHttpCloseHandle(d.t.request);
    if (WaitForSingleObject(d.closed, CLOSE_TIMEOUT_MS)) return fail("waiting for HANDLE_CLOSING", WAIT_TIMEOUT);
    if (anomalies) return fail("callbacks after the completion", anomalies);
    winhttp_close(&w);
    free(d.t.buffer);
    return 0;
}

/* -- inflight: N requests in flight at all times -- */

/* Latencies in buckets 2% wide from 1 µs: percentiles within 2%, with no
 * memory that grows with the number of requests. */
#define LATENCY_BUCKETS 1024
#define LATENCY_STEP 1.02

static volatile LONG latency_histogram[LATENCY_BUCKETS];

static void record_latency(double seconds)
{
    double micro = seconds * 1e6;
    int bucket = micro <= 1 ? 0 : (int)(log(micro) / log(LATENCY_STEP));
    InterlockedIncrement(&latency_histogram[bucket < LATENCY_BUCKETS ? bucket : LATENCY_BUCKETS - 1]);
}

/* The upper bound of the bucket holding the `fraction` quantile, in ms. */
static double latency_quantile(double fraction)
{
    LONGLONG total = 0, seen = 0;
    int i;

    for (i = 0; i < LATENCY_BUCKETS; i++) total += latency_histogram[i];
    if (!total) return -1;
    for (i = 0; i < LATENCY_BUCKETS; i++)
        if ((seen += latency_histogram[i]) >= fraction * total) break;
    return pow(LATENCY_STEP, i + 1) / 1e3;
}

struct inflight
{
    struct winhttp w;
    volatile LONG active;           /* slots not retired */
    volatile LONG stopping;         /* no new requests */
    volatile LONG counting;         /* latencies recorded (after the warm-up, before the end) */
    volatile LONG completed, errors, open_requests, deferred_count;
    volatile LONGLONG bytes;
    volatile DWORD last_error;
    HANDLE drained, wake;
    CRITICAL_SECTION lock;
    struct slot **deferred;         /* slots the main thread starts */
    LONG deferred_size;
};

struct slot
{
    struct transfer t;              /* first: a slot is its transfer */
    struct inflight *run;
};

/* Deeper than this, a callback hands the next request to the main thread
 * rather than start it where it stands. */
#define MAX_START_DEPTH 8

static void retire_slot(struct slot *s)
{
    if (!InterlockedDecrement(&s->run->active)) SetEvent(s->run->drained);
}

static void defer_slot(struct slot *s)
{
    struct inflight *run = s->run;

    EnterCriticalSection(&run->lock);
    run->deferred[run->deferred_size++] = s;
    LeaveCriticalSection(&run->lock);
    InterlockedIncrement(&run->deferred_count);
    SetEvent(run->wake);
}

static void count_error(struct inflight *run, DWORD error)
{
    InterlockedIncrement(&run->errors);
    run->last_error = error;
}

static void start_slot(struct slot *s)
{
    struct inflight *run = s->run;

    if (run->stopping) retire_slot(s);
    else if (callback_depth > MAX_START_DEPTH) defer_slot(s);
    else
    {
        /* counted before the send: its HANDLE_CLOSING may come before start_transfer returns */
        InterlockedIncrement(&run->open_requests);
        if (start_transfer(&run->w, &s->t)) return;
        InterlockedDecrement(&run->open_requests);
        count_error(run, GetLastError());
        defer_slot(s);      /* retried by the main thread, not in a tight loop here */
    }
}

static void slot_finished(struct transfer *t, DWORD error)
{
    struct inflight *run = ((struct slot *)t)->run;
    LARGE_INTEGER now;

    QueryPerformanceCounter(&now);
    if (error) count_error(run, error);
    else
    {
        if (run->counting) record_latency(seconds_between(&t->started, &now));
        InterlockedIncrement(&run->completed);
        InterlockedAdd64(&run->bytes, t->bytes);
    }
    WinHttpCloseHandle(t->request);     /* the slot may be reused from here on */
}

static void slot_closed(struct transfer *t)
{
    InterlockedDecrement(&((struct slot *)t)->run->open_requests);
    start_slot((struct slot *)t);
}

/* Starts (or, when stopping, retires) the slots the callbacks deferred. */
static void start_deferred(struct inflight *run)
{
    struct slot *batch[64];
    LONG n, i;

    do
    {
        EnterCriticalSection(&run->lock);
        n = run->deferred_size < 64 ? run->deferred_size : 64;
        run->deferred_size -= n;
        memcpy(batch, run->deferred + run->deferred_size, n * sizeof(*batch));
        LeaveCriticalSection(&run->lock);
        for (i = 0; i < n; i++) start_slot(batch[i]);
    } while (n == 64);
}

/* Peaks of the process's thread count and private bytes, sampled every
 * SAMPLE_MS by a thread of its own (counted among the threads). */
#define SAMPLE_MS 50

struct peaks
{
    volatile LONG stop;
    LONG threads, first_threads;
    SIZE_T private_bytes, first_private;
    HANDLE thread;
};

static LONG count_threads(void)
{
    HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    THREADENTRY32 entry = { sizeof(entry) };
    DWORD pid = GetCurrentProcessId();
    LONG count = 0;

    if (snapshot == INVALID_HANDLE_VALUE) return -1;
    for (BOOL more = Thread32First(snapshot, &entry); more; more = Thread32Next(snapshot, &entry))
        if (entry.th32OwnerProcessID == pid) count++;
    CloseHandle(snapshot);
    return count;
}

/* PrivateUsage stays 0 under Wine 8; PagefileUsage is the same figure on
 * Windows and holds it under Wine. */
static SIZE_T private_bytes(void)
{
    PROCESS_MEMORY_COUNTERS_EX counters = { sizeof(counters) };

    if (!K32GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&counters, sizeof(counters)))
        return 0;
    return counters.PrivateUsage > counters.PagefileUsage ? counters.PrivateUsage : counters.PagefileUsage;
}

static void take_peaks(struct peaks *p)
{
    LONG threads = count_threads();
    SIZE_T bytes = private_bytes();

    if (threads > p->threads) p->threads = threads;
    if (bytes > p->private_bytes) p->private_bytes = bytes;
}

static DWORD WINAPI sample_peaks(void *arg)
{
    struct peaks *p = arg;

    while (!p->stop)
    {
        take_peaks(p);
        Sleep(SAMPLE_MS);
    }
    take_peaks(p);
    return 0;
}

static BOOL start_sampler(struct peaks *p)
{
    memset(p, 0, sizeof(*p));
    p->first_private = private_bytes();
    if (!(p->thread = CreateThread(NULL, 0, sample_peaks, p, 0, NULL))) return FALSE;
    p->first_threads = count_threads();     /* main + sampler, before any request */
    return TRUE;
}

static void stop_sampler(struct peaks *p)
{
    p->stop = 1;
    WaitForSingleObject(p->thread, INFINITE);
    CloseHandle(p->thread);
}

#define DRAIN_TIMEOUT_MS 20000

/* Runs the slots until `end` (QPC seconds), starting what the callbacks defer. */
static void run_until(struct inflight *run, double end)
{
    double now;

    while ((now = now_seconds()) < end)
    {
        WaitForSingleObject(run->wake, (DWORD)((end - now) * 1000) + 1);
        start_deferred(run);
    }
}

static BOOL drain(struct inflight *run)
{
    DWORD start = GetTickCount();

    run->stopping = 1;
    while (GetTickCount() - start < DRAIN_TIMEOUT_MS)
    {
        start_deferred(run);    /* retires them */
        if (!WaitForSingleObject(run->drained, 50)) return TRUE;
    }
    return FALSE;
}

static int winhttp_inflight(int argc, char **argv)
{
    LONG n = atol(argv[1]), i, completed_from, completed_to;
    double seconds = atof(argv[2]), warm_up = seconds / 5 < 1 ? seconds / 5 : 1;
    struct inflight run = { { 0 } };
    struct slot *slots = calloc(n > 0 ? n : 1, sizeof(*slots));
    DWORD max_conns = n;
    struct sample before, after;
    struct peaks peaks;
    char server[32] = "-";
    BOOL drained;

    if (n <= 0 || seconds <= 0 || !slots) return fail("arguments", ERROR_INVALID_PARAMETER);
    run.deferred = calloc(n, sizeof(*run.deferred));
    run.drained = CreateEventW(NULL, TRUE, FALSE, NULL);
    run.wake = CreateEventW(NULL, FALSE, FALSE, NULL);
    InitializeCriticalSection(&run.lock);
    for (i = 0; i < n; i++)
    {
        slots[i].run = &run;
        slots[i].t.buffer_size = 2048;
        slots[i].t.buffer = malloc(slots[i].t.buffer_size);
        slots[i].t.finished = slot_finished;
        slots[i].t.closed = slot_closed;
        if (!slots[i].t.buffer) return fail("malloc", ERROR_OUTOFMEMORY);
    }
    if (!start_sampler(&peaks)) return fail("CreateThread", GetLastError());
    if (!winhttp_open_async(argv[0], &run.w)) return fail("WinHttpOpen/SetStatusCallback/Connect", GetLastError());
    if (!WinHttpSetOption(run.w.session, WINHTTP_OPTION_MAX_CONNS_PER_SERVER, &max_conns, sizeof(max_conns)))
        fprintf(stderr, "warning: WINHTTP_OPTION_MAX_CONNS_PER_SERVER %lu: error %lu\n", max_conns, GetLastError());

    run.active = n;
    for (i = 0; i < n; i++) start_slot(&slots[i]);
    run_until(&run, now_seconds() + warm_up);
    take_sample(&before);
    completed_from = run.completed;
    run.counting = 1;
    run_until(&run, now_seconds() + seconds - warm_up);
    run.counting = 0;
    completed_to = run.completed;
    take_sample(&after);
    drained = drain(&run);
    stop_sampler(&peaks);
    if (before.server >= 0 && after.server >= 0)
        snprintf(server, sizeof(server), "%.3f", after.server - before.server);
    printf("result mode=inflight bytes=%lld requests=%ld seconds=%.4f mib_s=- req_s=%.1f cpu_s=%.3f server_cpu_s=%s "
           "in_flight=%ld p50_ms=%.3f p99_ms=%.3f peak_threads=%ld first_threads=%ld peak_private_mib=%.1f "
           "first_private_mib=%.1f errors=%ld last_error=%lu anomalies=%ld stuck=%ld open_requests=%ld "
           "deferred=%ld max_depth=%ld total=%ld\n",
           (long long)run.bytes, completed_to - completed_from, seconds_between(&before.wall, &after.wall),
           (completed_to - completed_from) / seconds_between(&before.wall, &after.wall), after.cpu - before.cpu,
           server, n, latency_quantile(0.5), latency_quantile(0.99),
           peaks.threads, peaks.first_threads, peaks.private_bytes / 1048576.0, peaks.first_private / 1048576.0,
           run.errors, run.last_error, anomalies, drained ? 0 : run.active, run.open_requests, run.deferred_count,
           max_callback_depth, run.completed);
    fflush(stdout);
    if (!drained) return fail("draining the requests in flight", WAIT_TIMEOUT);
    winhttp_close(&run.w);
    return 0;
}

/* ---- bare Winsock, blocking: the ceiling for any Winsock-based DLL ---------- */

static SOCKET winsock_connect(const char *host, const char *port)
{
    struct addrinfo hints = { 0 }, *addresses;
    WSADATA data;
    SOCKET s;
    BOOL nodelay = TRUE;

    if (WSAStartup(MAKEWORD(2, 2), &data)) return INVALID_SOCKET;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &addresses)) return INVALID_SOCKET;
    s = socket(addresses->ai_family, addresses->ai_socktype, addresses->ai_protocol);
    if (s != INVALID_SOCKET && connect(s, addresses->ai_addr, (int)addresses->ai_addrlen))
    {
        closesocket(s);
        s = INVALID_SOCKET;
    }
    freeaddrinfo(addresses);
    if (s != INVALID_SOCKET) setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&nodelay, sizeof(nodelay));
    return s;
}

static BOOL send_get(SOCKET s, const char *host, const char *port, const char *path)
{
    char head[2048];
    int len = snprintf(head, sizeof(head), "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: bench\r\n\r\n",
                       path, host, port);

    return len > 0 && len < (int)sizeof(head) && send(s, head, len, 0) == len;
}

/* Receives a response head into buffer (which the body may follow);
 * returns the head's length and sets *length from Content-Length, or -1. */
static int recv_head(SOCKET s, char *buffer, int size, int *have, long long *length)
{
    char *end, *field;

    *have = 0;
    for (;;)
    {
        int got = recv(s, buffer + *have, size - 1 - *have, 0);
        if (got <= 0) return -1;
        *have += got;
        buffer[*have] = 0;
        if ((end = strstr(buffer, "\r\n\r\n"))) break;
        if (*have >= size - 1) return -1;
    }
    if (strncmp(buffer, "HTTP/1.1 200 ", 13)) return -1;
    /* nginx spells it this way; enough for a benchmark */
    if (!(field = strstr(buffer, "\r\nContent-Length:")) || field > end) return -1;
    *length = _strtoui64(field + 17, NULL, 10);
    return (int)(end + 4 - buffer);
}

static int winsock_download(int argc, char **argv)
{
    const char *host = argv[0], *port = argv[1], *path = argv[2];
    int size = (int)parse_size(argv[3]), have, head;
    char *buffer = malloc(size > 16384 ? size : 16384);
    long long length, bytes;
    struct sample before, after;
    SOCKET s;

    if (size <= 0 || !buffer) return fail("read size", ERROR_INVALID_PARAMETER);
    if ((s = winsock_connect(host, port)) == INVALID_SOCKET) return fail("connect", WSAGetLastError());
    take_sample(&before);
    if (!send_get(s, host, port, path)) return fail("send", WSAGetLastError());
    if ((head = recv_head(s, buffer, size > 16384 ? size : 16384, &have, &length)) < 0)
        return fail("response head", WSAGetLastError());
    for (bytes = have - head; bytes < length; )
    {
        int got = recv(s, buffer, size, 0);
        if (got <= 0) return fail("recv", WSAGetLastError());
        bytes += got;
    }
    take_sample(&after);
    print_result("winsock-download", (unsigned long long)bytes, 1, &before, &after, "");
    closesocket(s);
    free(buffer);
    return 0;
}

static int winsock_keepalive(int argc, char **argv)
{
    const char *host = argv[0], *port = argv[1], *path = argv[2];
    double seconds = atof(argv[3]), end;
    char *buffer = malloc(KEEPALIVE_BUFFER);
    unsigned long long bytes = 0;
    unsigned long requests = 0;
    struct sample before, after;
    SOCKET s;

    if (seconds <= 0 || !buffer) return fail("seconds", ERROR_INVALID_PARAMETER);
    if ((s = winsock_connect(host, port)) == INVALID_SOCKET) return fail("connect", WSAGetLastError());
    take_sample(&before);
    end = now_seconds() + seconds;
    do
    {
        long long length, body;
        int have, head;

        if (!send_get(s, host, port, path)) return fail("send", WSAGetLastError());
        if ((head = recv_head(s, buffer, KEEPALIVE_BUFFER, &have, &length)) < 0)
            return fail("response head", WSAGetLastError());
        for (body = have - head; body < length; )   /* no pipelining: nothing follows the body */
        {
            int got = recv(s, buffer, KEEPALIVE_BUFFER, 0);
            if (got <= 0) return fail("recv", WSAGetLastError());
            body += got;
        }
        bytes += body;
        requests++;
    } while (now_seconds() < end);
    take_sample(&after);
    print_result("winsock-keepalive", bytes, requests, &before, &after, "");
    closesocket(s);
    free(buffer);
    return 0;
}

/* ---- WebSocket ---------------------------------------------------------------- */

/* ws-echo, ws-bulk and ws-echo-async against an echo server (tools/bench/
 * ws-echo.c) at an http:// URL: one WebSocket (WINHTTP_OPTION_UPGRADE_TO_
 * WEB_SOCKET, SendRequest, ReceiveResponse, a 101, CompleteUpgrade), then
 * binary messages one at a time, each sent whole (one Send, a
 * BINARY_MESSAGE) and its echo received whole (Receive until a *_MESSAGE
 * buffer type, into a buffer of the message's size) before the next:
 * WS_ECHO_SIZE bytes for ws-echo (round trips/s), WS_BULK_SIZE for ws-bulk
 * (MiB/s of payload through the client, both directions: bytes counts
 * each message sent and its echo received, 2 MiB a round trip; the
 * native client, tools/bench/ws-client.c, counts the same).  WS_WARM_UP
 * untimed round trips
 * first; a close handshake (WinHttpWebSocketClose, 1000) after.  The last
 * echo is compared with its message. */
#define WS_ECHO_SIZE 32
#define WS_BULK_SIZE (1024 * 1024)
#define WS_WARM_UP 4

/* The upgrade's request handle.  BENCH_WS_BUFFER=R[,S] in the environment
 * (diagnostics, not set by tools/bench/run): WINHTTP_OPTION_WEB_SOCKET_
 * RECEIVE_BUFFER_SIZE of R bytes and _SEND_BUFFER_SIZE of S (default R) on
 * it (K and M suffixes; 0: the DLL's default), else the DLL's defaults. */
static HINTERNET websocket_upgrade_request(struct winhttp *w)
{
    HINTERNET request = WinHttpOpenRequest(w->connect, L"GET", w->target.path, NULL, NULL, NULL,
                                           w->target.request_flags);
    const char *buffer = getenv("BENCH_WS_BUFFER"), *comma = buffer ? strchr(buffer, ',') : NULL;
    DWORD receive = buffer ? parse_size(buffer) : 0, send = comma ? parse_size(comma + 1) : receive;

    if (request &&
        ((receive && !WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &receive,
                                       sizeof(receive))) ||
         (send && !WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &send, sizeof(send)))))
    {
        fail("BENCH_WS_BUFFER", GetLastError());
        WinHttpCloseHandle(request);
        return NULL;
    }
    return request;
}

/* Sync: the WebSocket handle, or NULL with the last error set. */
static HINTERNET websocket_open(struct winhttp *w)
{
    DWORD status = 0, size = sizeof(status), error;
    HINTERNET request = websocket_upgrade_request(w), ws = NULL;

    if (!request) return NULL;
    if (WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0) &&
        WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL) &&
        WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size,
                            NULL))
    {
        if (status == 101) ws = WinHttpWebSocketCompleteUpgrade(request, 0);
        else SetLastError(ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    }
    error = ws ? 0 : GetLastError() ? GetLastError() : ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    WinHttpCloseHandle(request);    /* the WebSocket outlives it */
    SetLastError(error);
    return ws;
}

/* Sync: receives one whole message into buffer[0..size); 0 with its length
 * in *length, else an error (a message larger than size is one). */
static DWORD websocket_receive_message(HINTERNET ws, char *buffer, DWORD size, DWORD *length)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD got, error;

    *length = 0;
    for (;;)
    {
        if (*length >= size) return ERROR_INSUFFICIENT_BUFFER;
        if ((error = WinHttpWebSocketReceive(ws, buffer + *length, size - *length, &got, &type))) return error;
        *length += got;
        if (type == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE || type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE)
            return 0;
        if (type == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE) return ERROR_WINHTTP_CONNECTION_ERROR;
    }
}

static void fill_message(char *message, DWORD size)
{
    DWORD i;
    for (i = 0; i < size; i++) message[i] = (char)(i * 7);
}

/* Sync: messages of `size` bytes, one round trip at a time, for SECONDS. */
static int websocket_repeat(const char *mode, char **argv, DWORD size)
{
    double seconds = atof(argv[1]), end;
    char *message = malloc(size), *echo = malloc(size);
    unsigned long long bytes = 0;
    unsigned long round_trips = 0;
    struct sample before, after;
    struct winhttp w;
    HINTERNET ws;
    DWORD error, got;
    int i;

    if (seconds <= 0 || !message || !echo) return fail("seconds", ERROR_INVALID_PARAMETER);
    fill_message(message, size);
    if (!winhttp_open(argv[0], &w)) return fail("WinHttpOpen/Connect", GetLastError());
    if (!(ws = websocket_open(&w))) return fail("WebSocket upgrade", GetLastError());
    for (i = 0; i < WS_WARM_UP + 1; i++)
    {
        if (i == WS_WARM_UP)
        {
            take_sample(&before);
            end = now_seconds() + seconds;
        }
        do
        {
            if ((error = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, size)))
                return fail("WinHttpWebSocketSend", error);
            if ((error = websocket_receive_message(ws, echo, size, &got)))
                return fail("WinHttpWebSocketReceive", error);
            if (got != size) return fail("echo length check", ERROR_INVALID_DATA);
            if (i == WS_WARM_UP)
            {
                bytes += size + got;
                round_trips++;
            }
        } while (i == WS_WARM_UP && now_seconds() < end);
    }
    take_sample(&after);
    if (memcmp(echo, message, size)) return fail("echo content check", ERROR_INVALID_DATA);
    print_result(mode, bytes, round_trips, &before, &after, "");
    if ((error = WinHttpWebSocketClose(ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0)))
        return fail("WinHttpWebSocketClose", error);
    WinHttpCloseHandle(ws);
    winhttp_close(&w);
    free(message);
    free(echo);
    return 0;
}

static int websocket_echo(int argc, char **argv)
{
    return websocket_repeat("ws-echo", argv, WS_ECHO_SIZE);
}

static int websocket_bulk(int argc, char **argv)
{
    return websocket_repeat("ws-bulk", argv, WS_BULK_SIZE);
}

/* -- ws-echo-async: WINHTTP_FLAG_ASYNC, each round trip started from the
 * callback that ends the one before: a Receive, then a Send; the round
 * trip is done when both its READ_COMPLETE of a *_MESSAGE type (further
 * Receives after fragment types) and its WRITE_COMPLETE came, in either
 * order.  A callback nested deeper than MAX_START_DEPTH on its thread hands
 * the next round trip to the main thread. */

struct ws_async
{
    struct winhttp w;
    HINTERNET request, ws;
    HANDLE upgraded, finished, kick, closed;
    volatile LONG pending;          /* completions the round trip waits for */
    volatile DWORD error;
    DWORD received;
    unsigned long round_trips, target;  /* target: round trips to make, 0: until `end` */
    double end;
    char message[WS_ECHO_SIZE], echo[WS_ECHO_SIZE];
};

static __thread int ws_callback_depth;

/* ALL_COMPLETIONS does not have CLOSE_COMPLETE */
#define WS_CALLBACKS (WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE)

static void ws_async_fail(struct ws_async *a, DWORD error)
{
    if (!a->error) a->error = error ? error : ERROR_WINHTTP_INTERNAL_ERROR;
    SetEvent(a->finished);
}

static void ws_async_start(struct ws_async *a)
{
    DWORD error;

    a->pending = 2;
    a->received = 0;
    if ((error = WinHttpWebSocketReceive(a->ws, a->echo, sizeof(a->echo), NULL, NULL)))
        ws_async_fail(a, error);
    else if ((error = WinHttpWebSocketSend(a->ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, a->message,
                                           sizeof(a->message))))
        ws_async_fail(a, error);
}

static void ws_async_done(struct ws_async *a)
{
    if (InterlockedDecrement(&a->pending)) return;
    a->round_trips++;
    if (a->target ? a->round_trips >= a->target : now_seconds() >= a->end) SetEvent(a->finished);
    else if (ws_callback_depth > MAX_START_DEPTH) SetEvent(a->kick);
    else ws_async_start(a);
}

static void CALLBACK ws_async_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct ws_async *a = (struct ws_async *)context;
    WINHTTP_WEB_SOCKET_STATUS *ws_status = info;
    DWORD error;

    if (!a) return;     /* the session's and the connection's handles */
    ws_callback_depth++;
    if (handle == a->request)
    {
        switch (status)
        {
        case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
            if (!WinHttpReceiveResponse(handle, NULL)) SetEvent(a->upgraded);
            break;
        case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
            SetEvent(a->upgraded);
            break;
        }
    }
    else if (handle == a->ws)
    {
        switch (status)
        {
        case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
            ws_async_done(a);
            break;
        case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
            a->received += ws_status->dwBytesTransferred;
            if (ws_status->eBufferType == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE ||
                ws_status->eBufferType == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE)
            {
                if (a->received != sizeof(a->echo)) ws_async_fail(a, ERROR_INVALID_DATA);
                else ws_async_done(a);
            }
            else if (ws_status->eBufferType == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE ||
                     a->received >= sizeof(a->echo))
                ws_async_fail(a, ERROR_INVALID_DATA);
            else if ((error = WinHttpWebSocketReceive(handle, a->echo + a->received, sizeof(a->echo) - a->received,
                                                      NULL, NULL)))
                ws_async_fail(a, error);
            break;
        case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
            ws_async_fail(a, ((WINHTTP_WEB_SOCKET_ASYNC_RESULT *)info)->AsyncResult.dwError);
            break;
        case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE:
            SetEvent(a->closed);
            break;
        }
    }
    ws_callback_depth--;
}

/* Round trips until `target` were made (or `end`); FALSE on an error. */
static BOOL ws_async_run(struct ws_async *a, unsigned long target, double end)
{
    HANDLE events[2] = { a->finished, a->kick };

    a->round_trips = 0;
    a->target = target;
    a->end = end;
    ResetEvent(a->finished);
    ws_async_start(a);
    for (;;)
    {
        DWORD which = WaitForMultipleObjects(2, events, FALSE, ASYNC_DOWNLOAD_TIMEOUT_MS);
        if (which == WAIT_OBJECT_0 + 1) ws_async_start(a);
        else if (which == WAIT_OBJECT_0) return !a->error;
        else
        {
            a->error = WAIT_TIMEOUT;
            return FALSE;
        }
    }
}

static int websocket_echo_async(int argc, char **argv)
{
    static struct ws_async a;
    double seconds = atof(argv[1]);
    DWORD_PTR context = (DWORD_PTR)&a;
    DWORD status = 0, size = sizeof(status), error;
    struct sample before, after;

    if (seconds <= 0) return fail("seconds", ERROR_INVALID_PARAMETER);
    fill_message(a.message, sizeof(a.message));
    a.upgraded = CreateEventW(NULL, FALSE, FALSE, NULL);
    a.finished = CreateEventW(NULL, TRUE, FALSE, NULL);
    a.kick = CreateEventW(NULL, FALSE, FALSE, NULL);
    a.closed = CreateEventW(NULL, TRUE, FALSE, NULL);
    memset(&a.w, 0, sizeof(a.w));
    if (!crack_target(argv[0], &a.w.target) || !(a.w.session = open_session(WINHTTP_FLAG_ASYNC)) ||
        WinHttpSetStatusCallback(a.w.session, ws_async_callback, WS_CALLBACKS, 0) ==
            WINHTTP_INVALID_STATUS_CALLBACK ||
        !(a.w.connect = WinHttpConnect(a.w.session, a.w.target.host, a.w.target.port, 0)))
        return fail("WinHttpOpen/SetStatusCallback/Connect", GetLastError());
    if (!(a.request = websocket_upgrade_request(&a.w)))
        return fail("WinHttpOpenRequest", GetLastError());
    if (!WinHttpSetOption(a.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0))
        return fail("WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET", GetLastError());
    if (!WinHttpSendRequest(a.request, NULL, 0, NULL, 0, 0, context)) return fail("WinHttpSendRequest", GetLastError());
    if (WaitForSingleObject(a.upgraded, ASYNC_DOWNLOAD_TIMEOUT_MS)) return fail("waiting for the 101", WAIT_TIMEOUT);
    if (!WinHttpQueryHeaders(a.request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size,
                             NULL) || status != 101)
        return fail("WebSocket upgrade (status)", status ? ERROR_WINHTTP_INVALID_SERVER_RESPONSE : GetLastError());
    if (!(a.ws = WinHttpWebSocketCompleteUpgrade(a.request, context)))
        return fail("WinHttpWebSocketCompleteUpgrade", GetLastError());
    WinHttpCloseHandle(a.request);
    a.request = NULL;
    if (!ws_async_run(&a, WS_WARM_UP, 0)) return fail("warm-up round trips", a.error);
    take_sample(&before);
    if (!ws_async_run(&a, 0, now_seconds() + seconds)) return fail("round trips", a.error);
    take_sample(&after);
    if (memcmp(a.echo, a.message, sizeof(a.message))) return fail("echo content check", ERROR_INVALID_DATA);
    print_result("ws-echo-async", (unsigned long long)a.round_trips * 2 * WS_ECHO_SIZE, a.round_trips, &before, &after, "");
    if ((error = WinHttpWebSocketClose(a.ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0)) &&
        error != ERROR_IO_PENDING)
        return fail("WinHttpWebSocketClose", error);
    if (WaitForSingleObject(a.closed, CLOSE_TIMEOUT_MS)) return fail("waiting for CLOSE_COMPLETE", WAIT_TIMEOUT);
    WinHttpCloseHandle(a.ws);
    winhttp_close(&a.w);
    return 0;
}

/* ---- PAC evaluation ---------------------------------------------------------- */

/* WinHttpGetProxyForUrl calls on one session for SECONDS with the PAC file
   at PACURL, after one untimed call that downloads and compiles it (later
   calls use the session's cached script): calls/s and microseconds a call. */
static int winhttp_pac(int argc, char **argv)
{
    WCHAR pac_url[1024];
    WINHTTP_AUTOPROXY_OPTIONS options = {0};
    WINHTTP_PROXY_INFO info;
    double seconds = atof(argv[1]), end;
    unsigned long calls = 0;
    struct sample before, after;
    char extra[64];
    HINTERNET session;

    if (seconds <= 0 || !MultiByteToWideChar(CP_ACP, 0, argv[0], -1, pac_url, ARRAY_SIZE(pac_url)))
        return fail("arguments", ERROR_INVALID_PARAMETER);
    if (!(session = WinHttpOpen(L"bench", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0)))
        return fail("WinHttpOpen", GetLastError());
    options.dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL;
    options.lpszAutoConfigUrl = pac_url;
    take_sample(&before);
    end = now_seconds() + seconds;
    do
    {
        /* a URL no rule matches: every rule is evaluated */
        if (!WinHttpGetProxyForUrl(session, L"http://www.no-rule-matches.test/index.html", &options, &info))
            return fail("WinHttpGetProxyForUrl", GetLastError());
        GlobalFree(info.lpszProxy);
        GlobalFree(info.lpszProxyBypass);
        if (!calls++) take_sample(&before);     /* the first call downloads: not timed */
    } while (now_seconds() < end || calls < 2);
    take_sample(&after);
    snprintf(extra, sizeof(extra), " us_per_call=%.1f",
             seconds_between(&before.wall, &after.wall) * 1e6 / (calls - 1));
    print_result("pac", 0, calls - 1, &before, &after, extra);
    WinHttpCloseHandle(session);
    return 0;
}

/* ---- modes ------------------------------------------------------------------- */

static const struct mode
{
    const char *name, *usage;
    int args;
    int (*run)(int argc, char **argv);
} modes[] =
{
    { "download", "URL READSIZE", 2, winhttp_download },
    { "keepalive", "URL SECONDS", 2, winhttp_keepalive },
    { "handshakes", "URL SECONDS", 2, winhttp_handshakes },
    { "auth", "URL SECONDS", 2, winhttp_auth },
    { "winsock-download", "HOST PORT PATH READSIZE", 4, winsock_download },
    { "winsock-keepalive", "HOST PORT PATH SECONDS", 4, winsock_keepalive },
    { "async-download", "URL READSIZE", 2, winhttp_async_download },
    { "inflight", "URL N SECONDS", 3, winhttp_inflight },
    { "pac", "PACURL SECONDS", 2, winhttp_pac },
    { "ws-echo", "URL SECONDS", 2, websocket_echo },
    { "ws-bulk", "URL SECONDS", 2, websocket_bulk },
    { "ws-echo-async", "URL SECONDS", 2, websocket_echo_async },
};

int main(int argc, char **argv)
{
    size_t i;

    for (i = 0; argc > 1 && i < ARRAY_SIZE(modes); i++)
        if (!strcmp(argv[1], modes[i].name) && argc - 2 == modes[i].args) return modes[i].run(argc - 2, argv + 2);
    fprintf(stderr, "usage:\n");
    for (i = 0; i < ARRAY_SIZE(modes); i++) fprintf(stderr, "  bench %s %s\n", modes[i].name, modes[i].usage);
    return 2;
}
