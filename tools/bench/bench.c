/* bench: throughput and keep-alive measurements over WinHTTP and bare Winsock.
 *
 *   bench download URL READSIZE                     WinHTTP, sync: one GET, ReadData(READSIZE) to the end
 *   bench keepalive URL SECONDS                     WinHTTP, sync: GETs on one session for SECONDS
 *   bench winsock-download HOST PORT PATH READSIZE  blocking Winsock: one GET, recv(READSIZE) to the end
 *   bench winsock-keepalive HOST PORT PATH SECONDS  blocking Winsock: GETs on one connection for SECONDS
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
 * else "-".  Failures print "error ..." on stderr and exit with status 1.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
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

static void print_result(const char *mode, unsigned long long bytes, unsigned long requests,
                         const struct sample *before, const struct sample *after)
{
    double seconds = seconds_between(&before->wall, &after->wall);
    char server[32] = "-";

    if (before->server >= 0 && after->server >= 0)
        snprintf(server, sizeof(server), "%.3f", after->server - before->server);
    printf("result mode=%s bytes=%llu requests=%lu seconds=%.4f mib_s=%.1f req_s=%.1f cpu_s=%.3f server_cpu_s=%s\n",
           mode, bytes, requests, seconds, bytes / 1048576.0 / seconds, requests / seconds,
           after->cpu - before->cpu, server);
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
    return TRUE;
}

struct winhttp
{
    HINTERNET session, connect;
    struct target target;
};

static BOOL winhttp_open(const char *url, struct winhttp *w)
{
    memset(w, 0, sizeof(*w));
    if (!crack_target(url, &w->target)) return FALSE;
    if (!(w->session = WinHttpOpen(L"bench", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0))) return FALSE;
    return (w->connect = WinHttpConnect(w->session, w->target.host, w->target.port, 0)) != NULL;
}

static void winhttp_close(struct winhttp *w)
{
    if (w->connect) WinHttpCloseHandle(w->connect);
    if (w->session) WinHttpCloseHandle(w->session);
}

/* Opens, sends and receives a GET; the request handle on a 200, else NULL. */
static HINTERNET winhttp_get(struct winhttp *w)
{
    DWORD status = 0, size = sizeof(status);
    HINTERNET request = WinHttpOpenRequest(w->connect, L"GET", w->target.path, NULL, NULL, NULL, 0);

    if (!request) return NULL;
    if (WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL) &&
        WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size,
                            NULL) && status == 200)
        return request;
    if (!GetLastError()) SetLastError(ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    WinHttpCloseHandle(request);
    return NULL;
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

static int winhttp_download(int argc, char **argv)
{
    DWORD size = parse_size(argv[1]);
    char *buffer = malloc(size ? size : 1);
    struct sample before, after;
    struct winhttp w;
    HINTERNET request;
    long long bytes;

    if (!size || !buffer) return fail("read size", ERROR_INVALID_PARAMETER);
    if (!winhttp_open(argv[0], &w)) return fail("WinHttpOpen/Connect", GetLastError());
    take_sample(&before);
    if (!(request = winhttp_get(&w))) return fail("GET", GetLastError());
    if ((bytes = winhttp_read_all(request, buffer, size)) < 0) return fail("WinHttpReadData", GetLastError());
    take_sample(&after);
    print_result("download", (unsigned long long)bytes, 1, &before, &after);
    WinHttpCloseHandle(request);
    winhttp_close(&w);
    free(buffer);
    return 0;
}

static int winhttp_keepalive(int argc, char **argv)
{
    double seconds = atof(argv[1]), end;
    char *buffer = malloc(KEEPALIVE_BUFFER);
    unsigned long long bytes = 0;
    unsigned long requests = 0;
    struct sample before, after;
    struct winhttp w;

    if (seconds <= 0 || !buffer) return fail("seconds", ERROR_INVALID_PARAMETER);
    if (!winhttp_open(argv[0], &w)) return fail("WinHttpOpen/Connect", GetLastError());
    take_sample(&before);
    end = now_seconds() + seconds;
    do
    {
        HINTERNET request = winhttp_get(&w);
        long long read;

        if (!request) return fail("GET", GetLastError());
        if ((read = winhttp_read_all(request, buffer, KEEPALIVE_BUFFER)) < 0)
            return fail("WinHttpReadData", GetLastError());
        WinHttpCloseHandle(request);
        bytes += read;
        requests++;
    } while (now_seconds() < end);
    take_sample(&after);
    print_result("keepalive", bytes, requests, &before, &after);
    winhttp_close(&w);
    free(buffer);
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
    print_result("winsock-download", (unsigned long long)bytes, 1, &before, &after);
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
    print_result("winsock-keepalive", bytes, requests, &before, &after);
    closesocket(s);
    free(buffer);
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
    { "winsock-download", "HOST PORT PATH READSIZE", 4, winsock_download },
    { "winsock-keepalive", "HOST PORT PATH SECONDS", 4, winsock_keepalive },
    /* The async modes (WINHTTP_FLAG_ASYNC: download-async, keepalive-async
     * with many requests in flight) go here once the async engine lands;
     * tools/bench/run lists the modes it runs in one table too. */
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
