/* The scripted server (server.c) checked with plain Winsock clients, so that
 * the conformance programs can trust it.  Needs no winhttp at all. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "server.h"
#include <tlhelp32.h>

/* ---- a raw client ---------------------------------------------------------- */

static SOCKET client_connect(unsigned short port)
{
    struct sockaddr_in address = { 0 };
    DWORD timeout = 10000;
    WSADATA wsa;
    SOCKET s;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout));
    if (connect(s, (struct sockaddr *)&address, sizeof(address)))
    {
        closesocket(s);
        WSACleanup();
        return INVALID_SOCKET;
    }
    return s;
}

static void client_close(SOCKET s)
{
    closesocket(s);
    WSACleanup();
}

static void client_send(SOCKET s, const char *text)
{
    int length = (int)strlen(text);

    ok(send(s, text, length, 0) == length, "send failed: %d", WSAGetLastError());
}

/* Reads exactly `length` bytes (less if the connection ends first). */
static int client_read(SOCKET s, char *buffer, int length)
{
    int have = 0, n;

    while (have < length && (n = recv(s, buffer + have, length - have, 0)) > 0) have += n;
    return have;
}

/* Reads until the server closes; returns the bytes read, and in *error the
 * WSA error that ended it (0 for a clean close). */
static int client_read_to_end(SOCKET s, char *buffer, int size, int *error)
{
    int have = 0, n;

    while ((n = recv(s, buffer + have, size - 1 - have, 0)) > 0 && have + n < size - 1) have += n;
    if (n > 0) have += n;
    buffer[have] = 0;
    *error = n < 0 ? WSAGetLastError() : 0;
    return have;
}

/* Reads the next `expected` bytes and compares them. */
static void client_expect(SOCKET s, const char *expected)
{
    int length = (int)strlen(expected);
    char buffer[4096];
    int have = client_read(s, buffer, length);

    buffer[have] = 0;
    ok(have == length && !memcmp(buffer, expected, length), "received \"%s\", want \"%s\"",
       buffer, expected);
}

static void expect_clean_server(struct server *server)
{
    ok(server_wait_idle(server, 5000), "the scripts are still running");
    ok(server_errors(server) == 0, "server errors: %ld, first: %s", server_errors(server),
       server_error_text(server));
}

/* ---- cases ---------------------------------------------------------------------- */

static void test_start_stop(void)
{
    struct server *server = server_start();
    unsigned short port;
    SOCKET s;

    ok(server != NULL, "server_start failed");
    if (!server) return;
    port = server_port(server);
    ok(port != 0, "no port");
    ok_int(server_connections(server), 0);
    ok_int(server_requests(server), 0);
    ok_int(server_errors(server), 0);
    ok(!strcmp(server_last_request(server), ""), "a request already: %s", server_last_request(server));
    ok(server_request(server, 0) == NULL, "request 0 exists");
    server_stop(server);

    s = client_connect(port);
    ok(s == INVALID_SOCKET, "port %u still accepts after server_stop", port);
    if (s != INVALID_SOCKET) client_close(s);
}

static void test_exchange_exact_bytes(void)
{
    static const char request[] = "GET /path?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: b\r\n\r\n";
    struct server *server = server_start();
    struct script *script = server_add_connection(server);
    const struct server_request *seen;
    char buffer[1024];
    int error;
    SOCKET s;

    script_recv_request(script);
    script_respond(script, 200, "X-Test: 1\r\n", "hello");
    script_close(script);

    s = client_connect(server_port(server));
    client_send(s, request);
    client_read_to_end(s, buffer, sizeof(buffer), &error);
    ok(!strcmp(buffer, "HTTP/1.1 200 OK\r\nX-Test: 1\r\nContent-Length: 5\r\n\r\nhello"),
       "response: %s", buffer);
    ok_int(error, 0);
    client_close(s);

    expect_clean_server(server);
    ok(!strcmp(server_last_request(server), request), "request seen: %s", server_last_request(server));
    ok_int(server_connections(server), 1);
    ok_int(server_requests(server), 1);
    seen = server_request(server, 0);
    ok(seen && seen->head_length == strlen(request) && seen->connection == 0 && seen->index == 0
           && !seen->body, "request record wrong");
    server_stop(server);
}

/* A send step whose bytes are made from the request just read. */
static char *echo_request_line(const struct server_request *last, void *context, size_t *length)
{
    const char *eol = last ? strstr(last->head, "\r\n") : NULL;
    char *bytes;

    (*(int *)context)++;
    if (!eol) return NULL;
    *length = eol - last->head;
    if (!(bytes = malloc(*length))) return NULL;
    memcpy(bytes, last->head, *length);
    return bytes;
}

static void test_send_built(void)
{
    struct server *server = server_start();
    struct script *script = server_add_connection(server);
    char buffer[256];
    int calls = 0, error;
    SOCKET s;

    script_recv_request(script);
    script_send_built(script, echo_request_line, &calls);
    script_close(script);

    s = client_connect(server_port(server));
    client_send(s, "GET /made/from/this HTTP/1.1\r\n\r\n");
    client_read_to_end(s, buffer, sizeof(buffer), &error);
    ok(!strcmp(buffer, "GET /made/from/this HTTP/1.1"), "sent: %s", buffer);
    ok_int(error, 0);
    client_close(s);
    expect_clean_server(server);
    ok_int(calls, 1);
    server_stop(server);

    /* a builder that makes nothing fails its step */
    server = server_start();
    script = server_add_connection(server);
    script_send_built(script, echo_request_line, &calls);
    s = client_connect(server_port(server));
    client_read_to_end(s, buffer, sizeof(buffer), &error);
    client_close(s);
    ok(server_wait_idle(server, 5000), "the server did not finish");
    ok_int(server_errors(server), 1);
    ok_int(calls, 2);
    server_stop(server);
}

static void test_keep_alive_and_split_head(void)
{
    struct server *server = server_start();
    struct script *script = server_add_connection(server);
    const struct server_request *second;
    SOCKET s;

    script_recv_request(script);
    script_respond(script, 200, NULL, "first");
    script_recv_request(script);
    script_respond(script, 404, NULL, NULL);
    script_await_close(script, 5000);

    s = client_connect(server_port(server));
    client_send(s, "GET /1 HTTP/1.1\r\n\r\n");
    client_expect(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
    client_send(s, "GET /2 HTTP/1.1\r\nHo");
    Sleep(50);
    client_send(s, "st: x\r\n\r\n");
    client_expect(s, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    client_close(s);

    expect_clean_server(server);
    ok_int(server_connections(server), 1);
    ok_int(server_requests(server), 2);
    second = server_request(server, 1);
    ok(second && !strcmp(second->head, "GET /2 HTTP/1.1\r\nHost: x\r\n\r\n"), "second head: %s",
       second ? second->head : "(none)");
    ok(second && second->connection == 0 && second->index == 1, "second request numbering");
    server_stop(server);
}

static void test_pipelined_requests(void)
{
    struct server *server = server_start();
    struct script *script = server_add_connection(server);
    SOCKET s;

    script_recv_request(script);
    script_send(script, "A", 0);
    script_recv_request(script);
    script_send(script, "B", 0);
    script_close(script);

    s = client_connect(server_port(server));
    client_send(s, "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
    client_expect(s, "AB");
    client_close(s);

    expect_clean_server(server);
    ok_int(server_requests(server), 2);
    ok(!strcmp(server_last_request(server), "GET /b HTTP/1.1\r\n\r\n"), "last: %s",
       server_last_request(server));
    server_stop(server);
}

static void test_request_bodies(void)
{
    struct server *server = server_start();
    struct script *script = server_add_connection(server);
    const struct server_request *r;
    SOCKET s;

    for (int i = 0; i < 3; i++)
    {
        script_recv_request(script);
        script_recv_body(script, i < 2 ? SERVER_BODY_AUTO : 3);
        script_respond(script, 204, NULL, NULL);
    }
    script_await_close(script, 5000);

    s = client_connect(server_port(server));
    client_send(s, "POST / HTTP/1.1\r\ncontent-length: 11\r\n\r\nhello");
    Sleep(50);
    client_send(s, " world");
    client_expect(s, "HTTP/1.1 204 No Content\r\n\r\n");
    client_send(s, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    Sleep(50);
    client_send(s, "0\r\nX-Trailer: 1\r\n\r\n");
    client_expect(s, "HTTP/1.1 204 No Content\r\n\r\n");
    client_send(s, "PUT / HTTP/1.1\r\n\r\nabc");
    client_expect(s, "HTTP/1.1 204 No Content\r\n\r\n");
    client_close(s);

    expect_clean_server(server);
    ok_int(server_requests(server), 3);
    r = server_request(server, 0);
    ok(r && r->body_length == 11 && !memcmp(r->body, "hello world", 11), "body 0 wrong");
    r = server_request(server, 1);
    ok(r && r->body && !strcmp(r->body, "5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n"),
       "chunked body: %s", r && r->body ? r->body : "(none)");
    r = server_request(server, 2);
    ok(r && r->body_length == 3 && !strcmp(r->body, "abc"), "body 2 wrong");
    server_stop(server);
}

static void test_send_slow_and_wait(void)
{
    struct server *server = server_start();
    struct script *script = server_add_connection(server);
    ULONGLONG start;
    char buffer[64];
    int error, n;
    SOCKET s;

    script_send_slow(script, "abcdef", 6, 2, 100);
    script_wait(script, 200);
    script_send(script, "!", 1);
    script_close(script);

    start = GetTickCount64();
    s = client_connect(server_port(server));
    n = recv(s, buffer, sizeof(buffer), 0);
    ok(n == 2 && !memcmp(buffer, "ab", 2), "first piece: %d bytes", n);
    n = client_read_to_end(s, buffer, sizeof(buffer), &error);
    ok(!strcmp(buffer, "cdef!"), "rest: %s", buffer);
    ok(GetTickCount64() - start >= 380, "took only %llu ms", GetTickCount64() - start);
    client_close(s);

    expect_clean_server(server);
    server_stop(server);
}

static void test_graceful_close(void)
{
    struct server *server = server_start();
    struct script *script = server_add_connection(server);
    char buffer[64];
    int error;
    SOCKET s;

    script_send(script, "bye", 0);
    script_close(script);
    script_send(script, "never sent", 0);

    s = client_connect(server_port(server));
    client_read_to_end(s, buffer, sizeof(buffer), &error);
    ok(!strcmp(buffer, "bye"), "got %s", buffer);
    ok_int(error, 0);
    client_close(s);

    expect_clean_server(server);
    server_stop(server);
}

static void test_reset(void)
{
    struct server *server = server_start();
    struct script *first = server_add_connection(server);
    struct script *second = server_add_connection(server);
    char buffer[64];
    int error;
    SOCKET s;

    script_send(first, "partial", 0);
    script_wait(first, 200);
    script_reset(first);
    script_recv_request(second);
    script_reset(second);

    s = client_connect(server_port(server));
    client_expect(s, "partial");
    client_read_to_end(s, buffer, sizeof(buffer), &error);
    ok_int(error, WSAECONNRESET);
    client_close(s);

    s = client_connect(server_port(server));
    client_send(s, "GET / HTTP/1.1\r\n\r\n");
    client_read_to_end(s, buffer, sizeof(buffer), &error);
    ok_int(error, WSAECONNRESET);
    client_close(s);

    expect_clean_server(server);
    server_stop(server);
}

static void test_sequential_connections(void)
{
    static const char *bodies[] = { "one", "two", "three" };
    struct server *server = server_start();
    char buffer[256], expected[256];
    int error;

    for (int i = 0; i < 3; i++)
    {
        struct script *script = server_add_connection(server);
        script_recv_request(script);
        script_send_response(script, &(struct response){ .body = bodies[i], .flags = RESPONSE_CLOSE });
        script_close(script);
    }
    for (int i = 0; i < 3; i++)
    {
        SOCKET s = client_connect(server_port(server));
        client_send(s, "GET / HTTP/1.1\r\n\r\n");
        client_read_to_end(s, buffer, sizeof(buffer), &error);
        snprintf(expected, sizeof(expected),
                 "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s",
                 (int)strlen(bodies[i]), bodies[i]);
        ok(!strcmp(buffer, expected), "connection %d got %s", i, buffer);
        client_close(s);
    }
    expect_clean_server(server);
    ok_int(server_connections(server), 3);
    ok_int(server_requests(server), 3);
    ok(server_request(server, 2) && server_request(server, 2)->connection == 2, "numbering");
    server_stop(server);
}

#define CLIENTS 4
#define REQUESTS_EACH 3

struct concurrent_client
{
    struct server *server;
    HANDLE go;
    SOCKET socket;
    int good;
};

static DWORD WINAPI concurrent_client_thread(void *arg)
{
    struct concurrent_client *client = arg;
    static const char want[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    char buffer[64];

    WaitForSingleObject(client->go, INFINITE);
    for (int i = 0; i < REQUESTS_EACH; i++)
    {
        int n = (int)strlen(want);
        send(client->socket, "GET / HTTP/1.1\r\n\r\n", 18, 0);
        if (client_read(client->socket, buffer, n) == n && !memcmp(buffer, want, n)) client->good++;
    }
    return 0;
}

static void test_concurrent_connections(void)
{
    struct server *server = server_start();
    struct script *every = server_every_connection(server);
    struct concurrent_client clients[CLIENTS];
    HANDLE threads[CLIENTS];
    HANDLE go = CreateEventW(NULL, TRUE, FALSE, NULL);
    ULONGLONG start;

    script_recv_request(every);
    script_respond(every, 200, NULL, "ok");
    script_repeat(every);

    for (int i = 0; i < CLIENTS; i++)
    {
        clients[i] = (struct concurrent_client){ server, go, client_connect(server_port(server)), 0 };
        threads[i] = CreateThread(NULL, 0, concurrent_client_thread, &clients[i], 0, NULL);
    }
    start = GetTickCount64();
    while (server_open_connections(server) < CLIENTS && GetTickCount64() - start < 5000) Sleep(5);
    ok_int(server_open_connections(server), CLIENTS);
    SetEvent(go);
    WaitForMultipleObjects(CLIENTS, threads, TRUE, 10000);
    for (int i = 0; i < CLIENTS; i++)
    {
        ok(clients[i].good == REQUESTS_EACH, "client %d: %d good responses", i, clients[i].good);
        client_close(clients[i].socket);
        CloseHandle(threads[i]);
    }
    CloseHandle(go);

    expect_clean_server(server);
    ok_int(server_connections(server), CLIENTS);
    ok_int(server_requests(server), CLIENTS * REQUESTS_EACH);
    ok_int(server_open_connections(server), 0);
    server_stop(server);
}

static void test_unscripted_connection(void)
{
    struct server *server = server_start();
    char buffer[64];
    int error;
    SOCKET s = client_connect(server_port(server));

    ok(client_read_to_end(s, buffer, sizeof(buffer), &error) == 0, "got bytes: %s", buffer);
    client_close(s);
    ok_int(server_connections(server), 1);
    ok_int(server_errors(server), 1);
    ok(strstr(server_error_text(server), "no script") != NULL, "error: %s", server_error_text(server));
    server_stop(server);
}

static void test_read_timeout(void)
{
    struct server *server = server_start();
    struct script *script = server_add_connection(server);
    char buffer[64];
    int error;
    SOCKET s;

    server_set_timeout(server, 200);
    script_recv_request(script);
    script_send(script, "not reached", 0);

    s = client_connect(server_port(server));
    client_send(s, "GET / HTTP/1.1\r\n");  /* never finished */
    ok(server_wait_idle(server, 3000), "the script did not time out");
    ok_int(server_errors(server), 1);
    ok(strstr(server_error_text(server), "timed out") != NULL, "error: %s", server_error_text(server));
    ok(client_read_to_end(s, buffer, sizeof(buffer), &error) == 0, "got bytes: %s", buffer);
    ok_int(server_requests(server), 0);
    client_close(s);
    server_stop(server);
}

static void test_await_close(void)
{
    struct server *server = server_start();
    struct script *script = server_add_connection(server);
    SOCKET s;

    script_await_close(script, 5000);
    s = client_connect(server_port(server));
    Sleep(50);
    client_close(s);
    ok(server_wait_idle(server, 3000), "the close was not seen");
    ok_int(server_errors(server), 0);
    server_stop(server);

    server = server_start();
    script = server_add_connection(server);
    script_send(script, "x", 0);
    script_await_close(script, 300);
    s = client_connect(server_port(server));
    client_expect(s, "x");
    ok(server_wait_idle(server, 3000), "the wait did not time out");
    ok_int(server_errors(server), 1);
    ok(strstr(server_error_text(server), "did not close") != NULL, "error: %s",
       server_error_text(server));
    client_close(s);
    server_stop(server);
}

static void test_stop_interrupts_everything(void)
{
    struct server *server = server_start();
    struct script *held = server_add_connection(server);
    struct script *waiting = server_add_connection(server);
    struct script *reading = server_add_connection(server);
    SOCKET a, b, c;
    ULONGLONG start;
    char buffer[64];
    int error;

    script_await_close(held, INFINITE);
    script_wait(waiting, 60000);
    script_recv_request(reading);
    a = client_connect(server_port(server));
    b = client_connect(server_port(server));
    c = client_connect(server_port(server));
    start = GetTickCount64();
    while (server_open_connections(server) < 3 && GetTickCount64() - start < 5000) Sleep(5);
    ok_int(server_open_connections(server), 3);

    start = GetTickCount64();
    server_stop(server);
    ok(GetTickCount64() - start < 1000, "server_stop took %llu ms", GetTickCount64() - start);
    ok(client_read_to_end(a, buffer, sizeof(buffer), &error) == 0, "a got bytes");
    ok(client_read_to_end(b, buffer, sizeof(buffer), &error) == 0, "b got bytes");
    ok(client_read_to_end(c, buffer, sizeof(buffer), &error) == 0, "c got bytes");
    client_close(a);
    client_close(b);
    client_close(c);
}

static void test_large_response_to_slow_reader(void)
{
    enum { SIZE = 4 * 1024 * 1024 };
    struct server *server = server_start();
    struct script *script = server_add_connection(server);
    char *body = malloc(SIZE), *got = malloc(SIZE + 100);
    int head, have;
    SOCKET s;

    for (int i = 0; i < SIZE; i++) body[i] = (char)('a' + i % 26);
    script_recv_request(script);
    script_send_response(script, &(struct response){ .body = body, .body_length = SIZE });
    script_close(script);

    s = client_connect(server_port(server));
    client_send(s, "GET /big HTTP/1.1\r\n\r\n");
    Sleep(300);  /* the server fills the socket buffers and must wait for us */
    head = (int)strlen("HTTP/1.1 200 OK\r\nContent-Length: 4194304\r\n\r\n");
    have = client_read(s, got, head + SIZE);
    ok_int(have, head + SIZE);
    ok(have == head + SIZE && !memcmp(got + head, body, SIZE), "body differs");
    client_close(s);

    expect_clean_server(server);
    server_stop(server);
    free(body);
    free(got);
}

static void expect_built(const struct response *response, const char *want, size_t want_length)
{
    size_t length;
    char *got = response_build(response, &length);

    if (!want_length) want_length = strlen(want);
    ok(length == want_length && !memcmp(got, want, length), "built \"%s\", want \"%s\"", got, want);
    free(got);
}

static void test_response_builder(void)
{
    expect_built(&(struct response){ .body = "hello world", .flags = RESPONSE_CHUNKED, .chunk_size = 4 },
                 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "4\r\nhell\r\n4\r\no wo\r\n3\r\nrld\r\n0\r\n\r\n", 0);
    expect_built(&(struct response){ .body = "abc", .flags = RESPONSE_CHUNKED },
                 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 0);
    expect_built(&(struct response){ .status = 200, .headers = "A: 1\r\nB: 2\r\n", .body = "xy",
                                     .flags = RESPONSE_NO_LENGTH | RESPONSE_CLOSE | RESPONSE_HTTP10 },
                 "HTTP/1.0 200 OK\r\nA: 1\r\nB: 2\r\nConnection: close\r\n\r\nxy", 0);
    expect_built(&(struct response){ .status = 204 }, "HTTP/1.1 204 No Content\r\n\r\n", 0);
    expect_built(&(struct response){ .status = 304 }, "HTTP/1.1 304 Not Modified\r\n\r\n", 0);
    expect_built(&(struct response){ .status = 100 }, "HTTP/1.1 100 Continue\r\n\r\n", 0);
    expect_built(&(struct response){ .status = 404 }, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0);
    expect_built(&(struct response){ .status = 299, .reason = "Fine Thanks" },
                 "HTTP/1.1 299 Fine Thanks\r\nContent-Length: 0\r\n\r\n", 0);
    expect_built(&(struct response){ .body = "a\0b", .body_length = 3 },
                 "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\na\0b", 41);
    ok(!strcmp(response_reason(299), "Unknown"), "reason of 299");
    ok(!strcmp(response_reason(407), "Proxy Authentication Required"), "reason of 407");
}

static int count_own_threads(void)
{
    HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    THREADENTRY32 entry = { sizeof(entry) };
    DWORD self = GetCurrentProcessId();
    int count = 0;

    if (snapshot == INVALID_HANDLE_VALUE) return -1;
    for (BOOL more = Thread32First(snapshot, &entry); more; more = Thread32Next(snapshot, &entry))
        if (entry.th32OwnerProcessID == self) count++;
    CloseHandle(snapshot);
    return count;
}

static void run_one_exchange(void)
{
    struct server *server = server_start();
    struct script *script = server_add_connection(server);
    char buffer[256];
    int error;
    SOCKET s;

    script_recv_request(script);
    script_respond(script, 200, NULL, "x");
    s = client_connect(server_port(server));
    client_send(s, "GET / HTTP/1.1\r\n\r\n");
    client_read_to_end(s, buffer, sizeof(buffer), &error);
    client_close(s);
    server_stop(server);
}

/* 20 servers, each with two threads and several handles: a leak would show
 * as dozens; the slack allows for a worker thread the system starts. */
static void test_nothing_left_behind(void)
{
    DWORD handles_before = 0, handles_after = 0;
    int before, after;

    run_one_exchange();  /* whatever the system starts once */
    before = count_own_threads();
    GetProcessHandleCount(GetCurrentProcess(), &handles_before);  /* 0 under Wine 8 */
    for (int i = 0; i < 20; i++) run_one_exchange();
    after = count_own_threads();
    GetProcessHandleCount(GetCurrentProcess(), &handles_after);
    ok(before > 0 && after <= before + 2, "threads: %d before, %d after", before, after);
    ok(handles_after <= handles_before + 4, "handles: %lu before, %lu after", handles_before,
       handles_after);
}

TEST_CASES(TEST(test_start_stop), TEST(test_exchange_exact_bytes), TEST(test_send_built),
           TEST(test_keep_alive_and_split_head),
           TEST(test_pipelined_requests), TEST(test_request_bodies), TEST(test_send_slow_and_wait),
           TEST(test_graceful_close), TEST(test_reset), TEST(test_sequential_connections),
           TEST(test_concurrent_connections), TEST(test_unscripted_connection),
           TEST(test_read_timeout), TEST(test_await_close), TEST(test_stop_interrupts_everything),
           TEST(test_large_response_to_slow_reader), TEST(test_response_builder),
           TEST(test_nothing_left_behind));

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
