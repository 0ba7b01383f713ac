/* HTTP/2 against a real server: nginx's HTTP/2 over TLS on loopback (the
 * "h2" server of WINHTTP_TEST_TLS, serving the site of tests/conformance/
 * nginx.c; tools/with-nginx --tls starts it, and its test CA must be
 * trusted by the system the program runs on).
 *
 * WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL on the session or the request offers
 * h2; WINHTTP_OPTION_HTTP_PROTOCOL_USED says whether the response came
 * over it.  Every request API works unchanged over HTTP/2: many requests
 * share one connection (nginx's X-Connection serial is the same), sync and
 * async, bodies both ways, redirects, decompression, and closing a request
 * resets only its stream.  The server allows 8 streams at a time: more
 * requests than that wait for one (WINHTTP_OPTION_DISABLE_STREAM_QUEUE:
 * they open connections instead).  Cases whose server is not named say
 * "skip"; WINHTTP_TEST_TLS's "valid" server is the same site without h2.
 * Servers that break HTTP/2 (tools/tls-fault-server's h2-* servers: silent,
 * garbage instead of frames, GOAWAY in the middle of a response, no flow
 * control window) end the request with the documented errors, in time. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "harness.h"
#include "winhttp.h"

#define HELLO_TEXT "Hello from nginx.\nThis file is fetched by tests/conformance/nginx.c.\n"
#define BIG_SIZE (16u << 20)
#define WAIT_MS 10000

static WCHAR server_host[64];
static INTERNET_PORT server_port;

static BOOL have_server(void)
{
    return harness_tls_server(L"h2", server_host, ARRAYSIZE(server_host), &server_port);
}

static BYTE big_byte(DWORD offset)
{
    return (BYTE)(offset + (offset >> 8) + (offset >> 16));
}

struct server { HINTERNET session, connect; };

/* A session (async or not) with HTTP/2 enabled on it when h2 is set. */
static struct server open_server(DWORD flags, BOOL h2)
{
    DWORD protocols = WINHTTP_PROTOCOL_FLAG_HTTP2;
    struct server s;

    s.session = WinHttpOpen(L"conformance/http2", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, flags);
    ok(s.session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    ok(WinHttpSetTimeouts(s.session, 5000, 5000, 10000, 10000), "SetTimeouts failed: %lu", GetLastError());
    if (h2)
        ok(WinHttpSetOption(s.session, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &protocols, sizeof(protocols)),
           "ENABLE_HTTP_PROTOCOL on the session failed: %lu", GetLastError());
    s.connect = WinHttpConnect(s.session, server_host, server_port, 0);
    ok(s.connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    return s;
}

static void close_server(struct server *s)
{
    WinHttpCloseHandle(s->connect);
    WinHttpCloseHandle(s->session);
}

static HINTERNET open_request(struct server *s, const WCHAR *verb, const WCHAR *path)
{
    HINTERNET request = WinHttpOpenRequest(s->connect, verb, path, NULL, NULL, NULL, WINHTTP_FLAG_SECURE);

    ok(request != NULL, "OpenRequest %ls %ls failed: %lu", verb, path, GetLastError());
    return request;
}

/* Synchronous: sends with an optional body and receives the head. */
static HINTERNET send_request(struct server *s, const WCHAR *verb, const WCHAR *path, const void *body,
                              DWORD size)
{
    HINTERNET request = open_request(s, verb, path);

    if (!request) return NULL;
    if (!WinHttpSendRequest(request, NULL, 0, (void *)body, size, size, 0) || !WinHttpReceiveResponse(request, NULL))
    {
        ok(FALSE, "%ls %ls failed: %lu", verb, path, GetLastError());
        WinHttpCloseHandle(request);
        return NULL;
    }
    return request;
}

static DWORD query_dword(HINTERNET request, DWORD level, const WCHAR *name)
{
    DWORD value = 0, size = sizeof(value);

    if (!WinHttpQueryHeaders(request, level | WINHTTP_QUERY_FLAG_NUMBER, name, &value, &size, NULL)) return ~0u;
    return value;
}

static DWORD status_of(HINTERNET request)
{
    return query_dword(request, WINHTTP_QUERY_STATUS_CODE, WINHTTP_HEADER_NAME_BY_INDEX);
}

/* nginx's connection serial: the same for every stream of one connection. */
static DWORD connection_of(HINTERNET request)
{
    return query_dword(request, WINHTTP_QUERY_CUSTOM, L"X-Connection");
}

static DWORD protocol_used(HINTERNET request)
{
    DWORD used = 0xdeadbeef, size = sizeof(used);

    ok(WinHttpQueryOption(request, WINHTTP_OPTION_HTTP_PROTOCOL_USED, &used, &size),
       "HTTP_PROTOCOL_USED failed: %lu", GetLastError());
    ok_int(size, sizeof(DWORD));
    return used;
}

/* Reads the body to its end, keeping up to capacity bytes; its length. */
static DWORD read_body(HINTERNET request, char *buffer, DWORD capacity)
{
    char scratch[8192];
    DWORD total = 0, got;

    for (;;)
    {
        char *into = total < capacity ? buffer + total : scratch;
        DWORD size = into == scratch ? sizeof(scratch) : capacity - total;

        if (!WinHttpReadData(request, into, size, &got))
        {
            ok(FALSE, "ReadData failed after %lu bytes: %lu", total, GetLastError());
            return total;
        }
        if (!got) return total;
        total += got;
    }
}

/* GETs path over h2 and checks status and body; the serving connection. */
static DWORD get_text(struct server *s, const WCHAR *path, DWORD want_status, const char *want_body)
{
    char body[1024];
    DWORD length, connection;
    HINTERNET request = send_request(s, L"GET", path, NULL, 0);

    if (!request) return ~0u;
    ok_int(status_of(request), want_status);
    ok_int(protocol_used(request), WINHTTP_PROTOCOL_FLAG_HTTP2);
    length = read_body(request, body, sizeof(body));
    if (want_body)
        ok(length == strlen(want_body) && !memcmp(body, want_body, length), "GET %ls: body %.*s", path,
           (int)min(length, sizeof(body)), body);
    connection = connection_of(request);
    WinHttpCloseHandle(request);
    return connection;
}

/* ---- the options --------------------------------------------------------------------- */

static void test_options(void)
{
    HINTERNET session, connect, request;
    DWORD value, size;

    session = WinHttpOpen(L"conformance/http2", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    connect = WinHttpConnect(session, L"127.0.0.1", 443, 0);
    request = WinHttpOpenRequest(connect, NULL, L"/", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(session && connect && request, "handles: %lu", GetLastError());

    value = WINHTTP_PROTOCOL_FLAG_HTTP2;
    ok(WinHttpSetOption(session, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &value, sizeof(value)),
       "session: %lu", GetLastError());
    ok(WinHttpSetOption(request, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &value, sizeof(value)),
       "request: %lu", GetLastError());
    value = 0;
    ok(WinHttpSetOption(request, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &value, sizeof(value)),
       "request, none: %lu", GetLastError());
    value = 0x80;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &value, sizeof(value)), FALSE,
                ERROR_INVALID_PARAMETER);
    /* as every DWORD option: a buffer of another size is too small */
    value = WINHTTP_PROTOCOL_FLAG_HTTP2;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &value, 2), FALSE,
                ERROR_INSUFFICIENT_BUFFER);

    /* nothing sent yet: no protocol used */
    value = 0xdeadbeef;
    size = sizeof(value);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_HTTP_PROTOCOL_USED, &value, &size), "USED: %lu",
       GetLastError());
    ok_int(value, 0);
    size = sizeof(value);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(session, WINHTTP_OPTION_HTTP_PROTOCOL_USED, &value, &size), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    /* the last send's stream was not reset */
    value = 0xdeadbeef;
    size = sizeof(value);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_STREAM_ERROR_CODE, &value, &size), "STREAM_ERROR_CODE: %lu",
       GetLastError());
    ok_int(value, 0);

    /* the session's HTTP/2 settings */
    value = 20000;
    ok(WinHttpSetOption(session, WINHTTP_OPTION_HTTP2_KEEPALIVE, &value, sizeof(value)), "KEEPALIVE: %lu",
       GetLastError());
    value = 0;
    size = sizeof(value);
    ok(WinHttpQueryOption(session, WINHTTP_OPTION_HTTP2_KEEPALIVE, &value, &size), "KEEPALIVE: %lu", GetLastError());
    ok_int(value, 20000);
    value = TRUE;
    ok(WinHttpSetOption(session, WINHTTP_OPTION_DISABLE_STREAM_QUEUE, &value, sizeof(value)), "STREAM_QUEUE: %lu",
       GetLastError());
    ok(WinHttpSetOption(request, WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED, &value, sizeof(value)), "REQUIRED: %lu",
       GetLastError());
    {
        WINHTTP_HTTP2_RECEIVE_WINDOW window = { 1 << 20, 1 << 19 };

        ok(WinHttpSetOption(session, WINHTTP_OPTION_HTTP2_RECEIVE_WINDOW, &window, sizeof(window)), "WINDOW: %lu",
           GetLastError());
        SetLastError(0xdeadbeef);
        ok_bool_err(WinHttpSetOption(session, WINHTTP_OPTION_HTTP2_RECEIVE_WINDOW, &window, sizeof(window) - 1), FALSE,
                    ERROR_INVALID_PARAMETER);
    }
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* ---- synchronous ----------------------------------------------------------------------- */

static void test_get(void)
{
    struct server s;
    HINTERNET request;
    WCHAR text[256];
    DWORD size, length;
    char body[256];

    if (!have_server()) return;
    s = open_server(0, TRUE);
    if (!(request = send_request(&s, L"GET", L"/hello.txt", NULL, 0))) goto done;
    ok_int(status_of(request), 200);
    ok_int(protocol_used(request), WINHTTP_PROTOCOL_FLAG_HTTP2);
    /* HTTP/2 sends lower-case names; queries stay case-insensitive */
    size = sizeof(text);
    ok(WinHttpQueryHeaders(request, WINHTTP_QUERY_CONTENT_TYPE, NULL, text, &size, NULL), "Content-Type: %lu",
       GetLastError());
    ok_wstr(text, L"text/plain");
    ok_int(query_dword(request, WINHTTP_QUERY_CONTENT_LENGTH, NULL), strlen(HELLO_TEXT));
    length = read_body(request, body, sizeof(body));
    ok(length == strlen(HELLO_TEXT) && !memcmp(body, HELLO_TEXT, length), "body %.*s", (int)length, body);
    WinHttpCloseHandle(request);
done:
    close_server(&s);
}

/* Requests one after another share the connection; a 404 and a HEAD too. */
static void test_one_connection(void)
{
    struct server s;
    HINTERNET request;
    DWORD first, length;
    char body[64];

    if (!have_server()) return;
    s = open_server(0, TRUE);
    first = get_text(&s, L"/hello.txt", 200, HELLO_TEXT);
    ok(first != ~0u, "no X-Connection");
    for (int i = 0; i < 5; i++) ok_int(get_text(&s, L"/hello.txt", 200, HELLO_TEXT), first);
    ok_int(get_text(&s, L"/no-such-file", 404, NULL), first);
    if ((request = send_request(&s, L"HEAD", L"/hello.txt", NULL, 0)))
    {
        ok_int(status_of(request), 200);
        ok_int(query_dword(request, WINHTTP_QUERY_CONTENT_LENGTH, NULL), strlen(HELLO_TEXT));
        length = read_body(request, body, sizeof(body));
        ok_int(length, 0);
        ok_int(connection_of(request), first);
        WinHttpCloseHandle(request);
    }
    close_server(&s);
}

/* Enabled on the request alone; and not enabled: HTTP/1.1 to the same server. */
static void test_request_option(void)
{
    DWORD value = WINHTTP_PROTOCOL_FLAG_HTTP2;
    struct server s;
    HINTERNET request;

    if (!have_server()) return;
    s = open_server(0, FALSE);
    if ((request = open_request(&s, L"GET", L"/hello.txt")))
    {
        ok(WinHttpSetOption(request, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &value, sizeof(value)), "set: %lu",
           GetLastError());
        ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL),
           "send: %lu", GetLastError());
        ok_int(protocol_used(request), WINHTTP_PROTOCOL_FLAG_HTTP2);
        WinHttpCloseHandle(request);
    }
    if ((request = send_request(&s, L"GET", L"/hello.txt", NULL, 0)))
    {
        WCHAR version[32];
        DWORD size = sizeof(version);

        ok_int(status_of(request), 200);
        ok_int(protocol_used(request), 0);
        ok(WinHttpQueryHeaders(request, WINHTTP_QUERY_VERSION, NULL, version, &size, NULL), "version: %lu",
           GetLastError());
        ok_wstr(version, L"HTTP/1.1");
        WinHttpCloseHandle(request);
    }
    close_server(&s);
}

/* WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED: to a server without h2 the
 * request fails rather than fall back; to one with it, it goes. */
static void test_protocol_required(void)
{
    DWORD on = TRUE, protocols = WINHTTP_PROTOCOL_FLAG_HTTP2;
    WCHAR host[64];
    INTERNET_PORT port;
    HINTERNET session, connect, request;

    if (!have_server() || !harness_tls_server(L"valid", host, ARRAYSIZE(host), &port)) return;
    session = WinHttpOpen(L"conformance/http2", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    WinHttpSetTimeouts(session, 5000, 5000, 10000, 10000);
    WinHttpSetOption(session, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &protocols, sizeof(protocols));
    connect = WinHttpConnect(session, host, port, 0);
    request = WinHttpOpenRequest(connect, NULL, L"/hello.txt", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(request != NULL, "OpenRequest: %lu", GetLastError());
    ok(WinHttpSetOption(request, WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED, &on, sizeof(on)), "REQUIRED: %lu",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "sent over HTTP/1.1");
    WinHttpCloseHandle(request);
    /* without the option: HTTP/1.1, and HTTP_PROTOCOL_USED says so */
    request = WinHttpOpenRequest(connect, NULL, L"/hello.txt", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL), "send: %lu",
       GetLastError());
    ok_int(status_of(request), 200);
    ok_int(protocol_used(request), 0);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);

    connect = WinHttpConnect(session, server_host, server_port, 0);
    request = WinHttpOpenRequest(connect, NULL, L"/hello.txt", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(WinHttpSetOption(request, WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED, &on, sizeof(on)), "REQUIRED: %lu",
       GetLastError());
    ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL), "send: %lu",
       GetLastError());
    ok_int(protocol_used(request), WINHTTP_PROTOCOL_FLAG_HTTP2);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* A body with the send, and one written with WriteData (nginx echoes it). */
static void test_post(void)
{
    static const char data[] = "a body for nginx to echo";
    struct server s;
    HINTERNET request;
    DWORD length, written;
    char body[128];

    if (!have_server()) return;
    s = open_server(0, TRUE);
    if ((request = send_request(&s, L"POST", L"/echo", data, sizeof(data) - 1)))
    {
        ok_int(status_of(request), 200);
        ok_int(protocol_used(request), WINHTTP_PROTOCOL_FLAG_HTTP2);
        length = read_body(request, body, sizeof(body));
        ok(length == sizeof(data) - 1 && !memcmp(body, data, length), "echo %.*s", (int)length, body);
        WinHttpCloseHandle(request);
    }
    if ((request = open_request(&s, L"POST", L"/echo")))
    {
        ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, sizeof(data) - 1, 0), "send: %lu", GetLastError());
        ok(WinHttpWriteData(request, data, 10, &written), "write: %lu", GetLastError());
        ok_int(written, 10);
        ok(WinHttpWriteData(request, data + 10, sizeof(data) - 11, &written), "write: %lu", GetLastError());
        ok_int(written, sizeof(data) - 11);
        ok(WinHttpReceiveResponse(request, NULL), "receive: %lu", GetLastError());
        ok_int(status_of(request), 200);
        length = read_body(request, body, sizeof(body));
        ok(length == sizeof(data) - 1 && !memcmp(body, data, length), "echo %.*s", (int)length, body);
        WinHttpCloseHandle(request);
    }
    close_server(&s);
}

static BOOL ok_receive(HINTERNET request)
{
    BOOL ret = WinHttpReceiveResponse(request, NULL);

    ok(ret, "ReceiveResponse failed: %lu", GetLastError());
    return ret;
}

static BOOL ok_receive_sent(HINTERNET request)
{
    BOOL ret = WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0);

    ok(ret, "SendRequest failed: %lu", GetLastError());
    return ret && ok_receive(request);
}

/* The options about a request's own connection answer for the one its
 * stream is on: CONNECTION_STATS_V0 and TCP_PRIORITY_STATUS work, or are
 * not supported by the system's stack (Wine 8), as over HTTP/1.1. */
static void test_connection_options(void)
{
    static const DWORD options[] = { WINHTTP_OPTION_CONNECTION_STATS_V0, WINHTTP_OPTION_TCP_PRIORITY_STATUS };
    struct server s;
    HINTERNET request;
    BYTE buffer[256];

    if (!have_server()) return;
    s = open_server(0, TRUE);
    if ((request = send_request(&s, L"GET", L"/gen/big.bin", NULL, 0)))
    {
        ok_int(protocol_used(request), WINHTTP_PROTOCOL_FLAG_HTTP2);
        for (DWORD i = 0; i < ARRAYSIZE(options); i++)
        {
            DWORD size = sizeof(buffer);
            BOOL ret = WinHttpQueryOption(request, options[i], buffer, &size);

            ok(ret || GetLastError() == ERROR_NOT_SUPPORTED, "option %lu: error %lu", options[i], GetLastError());
        }
        WinHttpCloseHandle(request);
    }
    close_server(&s);
}

/* A chunked upload the application frames itself: over HTTP/1.1 unless
 * WINHTTP_OPTION_HTTP2_PLUS_TRANSFER_ENCODING is set, then over HTTP/2 with
 * the chunks' data as the body; framing that is not chunked fails the
 * write with ERROR_INVALID_PARAMETER (this DLL's choice). */
static DWORD chunked_upload(struct server *s, BOOL option, const char *const *pieces, char *body, DWORD size)
{
    static const WCHAR chunked[] = L"Transfer-Encoding: chunked";
    HINTERNET request = open_request(s, L"POST", L"/echo");
    DWORD length = 0, written, protocol = ~0u;

    if (!request) return ~0u;
    ok(WinHttpSetOption(request, WINHTTP_OPTION_HTTP2_PLUS_TRANSFER_ENCODING, &option, sizeof(option)),
       "HTTP2_PLUS_TRANSFER_ENCODING: %lu", GetLastError());
    ok(WinHttpSendRequest(request, chunked, ~0u, NULL, 0, 0, 0), "send: %lu", GetLastError());
    for (; *pieces; pieces++)
        ok(WinHttpWriteData(request, *pieces, strlen(*pieces), &written) && written == strlen(*pieces),
           "write %s: %lu", *pieces, GetLastError());
    if (ok_receive(request))
    {
        ok_int(status_of(request), 200);
        protocol = protocol_used(request);
        length = read_body(request, body, size - 1);
    }
    body[length] = 0;
    WinHttpCloseHandle(request);
    return protocol;
}

/* With HTTP2_PLUS_TRANSFER_ENCODING, a write that is not chunked framing
 * fails with ERROR_INVALID_PARAMETER. */
static void expect_write_refused(struct server *s, const char *bytes)
{
    HINTERNET request = open_request(s, L"POST", L"/echo");
    DWORD written, on = TRUE;

    if (!request) return;
    ok(WinHttpSetOption(request, WINHTTP_OPTION_HTTP2_PLUS_TRANSFER_ENCODING, &on, sizeof(on)), "set: %lu",
       GetLastError());
    ok(WinHttpSendRequest(request, L"Transfer-Encoding: chunked", ~0u, NULL, 0, 0, 0), "send: %lu", GetLastError());
    ok_bool_err(WinHttpWriteData(request, bytes, strlen(bytes), &written), FALSE, ERROR_INVALID_PARAMETER);
    WinHttpCloseHandle(request);
}

static void test_chunked_upload(void)
{
    static const char *const pieces[] = { "5\r\nhello\r\n", "6;ext=1\r\n world\r\n", "0\r\n\r\n", NULL };
    struct server s;
    DWORD value = 0xdeadbeef, size = sizeof(value);
    char body[64];

    if (!have_server()) return;
    s = open_server(0, TRUE);
    ok(WinHttpQueryOption(s.session, WINHTTP_OPTION_HTTP2_PLUS_TRANSFER_ENCODING, &value, &size) && !value,
       "HTTP2_PLUS_TRANSFER_ENCODING: %lu, %lu", GetLastError(), value);
    ok_int(chunked_upload(&s, FALSE, pieces, body, sizeof(body)), 0);
    ok(!strcmp(body, "hello world"), "over HTTP/1.1: %s", body);
    ok_int(chunked_upload(&s, TRUE, pieces, body, sizeof(body)), WINHTTP_PROTOCOL_FLAG_HTTP2);
    ok(!strcmp(body, "hello world"), "over HTTP/2: %s", body);
    expect_write_refused(&s, "not chunked");
    expect_write_refused(&s, "0\r\n\r\nextra");    /* bytes after the last chunk */
    close_server(&s);
}

/* A client certificate set on a request keeps it on HTTP/1.1 unless
 * WINHTTP_OPTION_ENABLE_HTTP2_PLUS_CLIENT_CERT allows HTTP/2 with it (the
 * server never asks for it here: any certificate does, the server's own). */
static void test_client_cert_option(void)
{
    struct server s;
    HINTERNET request;
    const CERT_CONTEXT *cert = NULL;
    DWORD size = sizeof(cert), on = TRUE;

    if (!have_server()) return;
    s = open_server(0, TRUE);
    if ((request = send_request(&s, L"GET", L"/hello.txt", NULL, 0)))
    {
        ok(WinHttpQueryOption(request, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &size) && cert,
           "SERVER_CERT_CONTEXT: %lu", GetLastError());
        WinHttpCloseHandle(request);
    }
    for (int allowed = 0; cert && allowed < 2; allowed++)
    {
        if (allowed)
            ok(WinHttpSetOption(s.session, WINHTTP_OPTION_ENABLE_HTTP2_PLUS_CLIENT_CERT, &on, sizeof(on)),
               "ENABLE_HTTP2_PLUS_CLIENT_CERT: %lu", GetLastError());
        if (!(request = open_request(&s, L"GET", L"/hello.txt"))) continue;
        ok(WinHttpSetOption(request, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, (void *)cert, sizeof(*cert)),
           "CLIENT_CERT_CONTEXT: %lu", GetLastError());
        if (ok_receive_sent(request))
        {
            ok_int(status_of(request), 200);
            ok_int(protocol_used(request), allowed ? WINHTTP_PROTOCOL_FLAG_HTTP2 : 0);
        }
        WinHttpCloseHandle(request);
    }
    if (cert) CertFreeCertificateContext(cert);
    close_server(&s);
}

/* 16 MiB read to the end, every byte checked, through a stream window of
 * 1 MiB (WINHTTP_OPTION_HTTP2_RECEIVE_WINDOW). */
static void test_large_file(void)
{
    WINHTTP_HTTP2_RECEIVE_WINDOW window = { 1 << 20, 1 << 19 };
    struct server s;
    HINTERNET request;
    BYTE *buffer = malloc(256 * 1024);
    DWORD total = 0, got, bad = ~0u;

    if (!have_server()) { free(buffer); return; }
    s = open_server(0, TRUE);
    ok(WinHttpSetOption(s.session, WINHTTP_OPTION_HTTP2_RECEIVE_WINDOW, &window, sizeof(window)), "window: %lu",
       GetLastError());
    if ((request = send_request(&s, L"GET", L"/gen/big.bin", NULL, 0)))
    {
        ok_int(status_of(request), 200);
        while (WinHttpReadData(request, buffer, 256 * 1024, &got) && got)
        {
            for (DWORD i = 0; i < got && bad == ~0u; i++)
                if (buffer[i] != big_byte(total + i)) bad = total + i;
            total += got;
        }
        ok_int(total, BIG_SIZE);
        ok(bad == ~0u, "wrong byte at %lu", bad);
        WinHttpCloseHandle(request);
    }
    close_server(&s);
    free(buffer);
}

/* Closing a request in the middle of its body resets its stream only:
 * the next request goes on the same connection. */
static void test_close_mid_body(void)
{
    struct server s;
    HINTERNET request;
    char buffer[4096];
    DWORD got, connection = ~0u;

    if (!have_server()) return;
    s = open_server(0, TRUE);
    if ((request = send_request(&s, L"GET", L"/gen/big.bin", NULL, 0)))
    {
        ok(WinHttpReadData(request, buffer, sizeof(buffer), &got) && got, "read: %lu", GetLastError());
        connection = connection_of(request);
        WinHttpCloseHandle(request);
    }
    ok_int(get_text(&s, L"/hello.txt", 200, HELLO_TEXT), connection);
    close_server(&s);
}

/* A redirect is followed over the same connection; a gzip body decoded. */
static void test_redirect_and_gzip(void)
{
    DWORD decompression = WINHTTP_DECOMPRESSION_FLAG_ALL, length, total = 0, got;
    struct server s;
    HINTERNET request;
    char body[256];
    BYTE *buffer;

    if (!have_server()) return;
    s = open_server(0, TRUE);
    ok_int(get_text(&s, L"/scripts/redirect", 200, HELLO_TEXT) != ~0u, TRUE);
    if ((request = open_request(&s, L"GET", L"/gzip-gen/big.bin")))
    {
        ok(WinHttpSetOption(request, WINHTTP_OPTION_DECOMPRESSION, &decompression, sizeof(decompression)),
           "DECOMPRESSION: %lu", GetLastError());
        ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL), "send: %lu",
           GetLastError());
        ok_int(protocol_used(request), WINHTTP_PROTOCOL_FLAG_HTTP2);
        buffer = malloc(65536);
        while (WinHttpReadData(request, buffer, 65536, &got) && got) total += got;
        ok_int(total, BIG_SIZE);
        free(buffer);
        WinHttpCloseHandle(request);
    }
    if ((request = send_request(&s, L"GET", L"/query?a=1&b=two", NULL, 0)))
    {
        length = read_body(request, body, sizeof(body));
        ok(length == 9 && !memcmp(body, "a=1&b=two", 9), "query %.*s", (int)length, body);
        WinHttpCloseHandle(request);
    }
    close_server(&s);
}

/* ---- asynchronous ------------------------------------------------------------------------ */

struct async_request
{
    HINTERNET request;
    HANDLE done;
    DWORD error;            /* REQUEST_ERROR's, or 0 */
    DWORD status, connection, length, protocol;
    char buffer[4096];
    char order[64];         /* one letter per completion: S R H D... */
    LONG order_length;
};

static void note(struct async_request *a, char c)
{
    LONG i = InterlockedIncrement(&a->order_length) - 1;
    if (i < (LONG)sizeof(a->order) - 1) a->order[i] = c;
}

static void CALLBACK async_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct async_request *a = (struct async_request *)context;

    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        note(a, 'S');
        if (!WinHttpReceiveResponse(handle, NULL)) { a->error = GetLastError(); SetEvent(a->done); }
        break;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        note(a, 'H');
        a->status = status_of(handle);
        a->connection = connection_of(handle);
        a->protocol = protocol_used(handle);
        if (!WinHttpReadData(handle, a->buffer, sizeof(a->buffer), NULL)) { a->error = GetLastError(); SetEvent(a->done); }
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        if (!length)
        {
            note(a, 'E');
            SetEvent(a->done);
            break;
        }
        a->length += length;
        if (!WinHttpReadData(handle, a->buffer, sizeof(a->buffer), NULL)) { a->error = GetLastError(); SetEvent(a->done); }
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        note(a, 'X');
        a->error = ((WINHTTP_ASYNC_RESULT *)info)->dwError;
        SetEvent(a->done);
        break;
    }
}

static BOOL start_async(struct server *s, struct async_request *a, const WCHAR *path)
{
    memset(a, 0, sizeof(*a));
    a->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!(a->request = open_request(s, L"GET", path))) return FALSE;
    WinHttpSetStatusCallback(a->request, async_callback, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS, 0);
    ok(WinHttpSendRequest(a->request, NULL, 0, NULL, 0, 0, (DWORD_PTR)a), "send %ls: %lu", path, GetLastError());
    return TRUE;
}

/* Many requests in flight at once, each a stream of one connection. */
static void test_async_many(void)
{
    enum { COUNT = 32 };
    struct async_request *a = calloc(COUNT, sizeof(*a));
    struct server s;

    if (!have_server()) { free(a); return; }
    s = open_server(WINHTTP_FLAG_ASYNC, TRUE);
    /* the first makes the connection; the others find it */
    start_async(&s, &a[0], L"/hello.txt");
    ok(WaitForSingleObject(a[0].done, WAIT_MS) == WAIT_OBJECT_0, "the first request did not end");
    for (int i = 1; i < COUNT; i++) start_async(&s, &a[i], i % 4 ? L"/hello.txt" : L"/gen/big.bin");
    for (int i = 0; i < COUNT; i++)
    {
        ok(WaitForSingleObject(a[i].done, WAIT_MS) == WAIT_OBJECT_0, "request %d did not end", i);
        ok(!a[i].error, "request %d: error %lu", i, a[i].error);
        ok_int(a[i].status, 200);
        ok_int(a[i].protocol, WINHTTP_PROTOCOL_FLAG_HTTP2);
        ok_int(a[i].length, i && !(i % 4) ? BIG_SIZE : strlen(HELLO_TEXT));
        ok_int(a[i].connection, a[0].connection);
        ok(!strcmp(a[i].order, "SHE"), "request %d: completions %s", i, a[i].order);
        WinHttpCloseHandle(a[i].request);
        CloseHandle(a[i].done);
    }
    close_server(&s);
    free(a);
}

/* WINHTTP_OPTION_DISABLE_STREAM_QUEUE: requests beyond the server's 8
 * streams open another connection rather than wait. */
static void test_async_no_queue(void)
{
    enum { COUNT = 12 };
    struct async_request *a = calloc(COUNT, sizeof(*a));
    DWORD on = TRUE, others = 0;
    struct server s;

    if (!have_server()) { free(a); return; }
    s = open_server(WINHTTP_FLAG_ASYNC, TRUE);
    ok(WinHttpSetOption(s.session, WINHTTP_OPTION_DISABLE_STREAM_QUEUE, &on, sizeof(on)), "set: %lu", GetLastError());
    start_async(&s, &a[0], L"/hello.txt");
    ok(WaitForSingleObject(a[0].done, WAIT_MS) == WAIT_OBJECT_0, "the first request did not end");
    for (int i = 1; i < COUNT; i++) start_async(&s, &a[i], L"/gen/big.bin");
    for (int i = 0; i < COUNT; i++)
    {
        ok(WaitForSingleObject(a[i].done, WAIT_MS) == WAIT_OBJECT_0, "request %d did not end", i);
        ok(!a[i].error, "request %d: error %lu", i, a[i].error);
        ok_int(a[i].protocol, WINHTTP_PROTOCOL_FLAG_HTTP2);
        ok_int(a[i].length, i ? BIG_SIZE : strlen(HELLO_TEXT));
        if (a[i].connection != a[0].connection) others++;
        WinHttpCloseHandle(a[i].request);
        CloseHandle(a[i].done);
    }
    ok(others > 0, "11 large downloads in flight, 8 streams: all on one connection");
    close_server(&s);
    free(a);
}

/* Closing an asynchronous request whose response is still coming: it ends
 * with ERROR_WINHTTP_OPERATION_CANCELLED or not at all, and the connection
 * carries the next. */
static void test_async_close(void)
{
    struct async_request a, b;
    struct server s;

    if (!have_server()) return;
    s = open_server(WINHTTP_FLAG_ASYNC, TRUE);
    if (start_async(&s, &a, L"/gen/big.bin"))
    {
        Sleep(50);
        WinHttpCloseHandle(a.request);
        /* a read from its callback after the close meets the closed handle */
        if (WaitForSingleObject(a.done, WAIT_MS) == WAIT_OBJECT_0 && a.error)
            ok(a.error == ERROR_WINHTTP_OPERATION_CANCELLED || a.error == ERROR_INVALID_HANDLE, "error %lu",
               a.error);
    }
    if (start_async(&s, &b, L"/hello.txt"))
    {
        ok(WaitForSingleObject(b.done, WAIT_MS) == WAIT_OBJECT_0, "the next request did not end");
        ok(!b.error, "error %lu", b.error);
        ok_int(b.length, strlen(HELLO_TEXT));
        ok_int(b.protocol, WINHTTP_PROTOCOL_FLAG_HTTP2);
        WinHttpCloseHandle(b.request);
    }
    CloseHandle(a.done);
    CloseHandle(b.done);
    close_server(&s);
}

/* Sends and stops: SENDREQUEST_COMPLETE (or REQUEST_ERROR) ends it, the
 * response left unread, its stream held. */
static void CALLBACK hold_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct async_request *a = (struct async_request *)context;

    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) a->error = ((WINHTTP_ASYNC_RESULT *)info)->dwError;
    if (status == WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE || status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
        SetEvent(a->done);
}

/* A request queued for one of the server's 8 streams, closed while it
 * waits: it ends at once, cancelled, not when its wait would time out.
 * (Before test_async_no_queue, whose extra connections would have room.) */
static void test_async_close_queued(void)
{
    enum { HELD = 8 };
    struct async_request *a = calloc(HELD + 1, sizeof(*a));
    struct server s;
    DWORD start;

    if (!have_server()) { free(a); return; }
    s = open_server(WINHTTP_FLAG_ASYNC, TRUE);
    for (int i = 0; i <= HELD; i++)
    {
        a[i].done = CreateEventW(NULL, TRUE, FALSE, NULL);
        a[i].request = open_request(&s, L"GET", L"/gen/big.bin");
        WinHttpSetStatusCallback(a[i].request, hold_callback, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS, 0);
        ok(WinHttpSendRequest(a[i].request, NULL, 0, NULL, 0, 0, (DWORD_PTR)&a[i]), "send %d: %lu", i,
           GetLastError());
        if (i < HELD) ok(!WaitForSingleObject(a[i].done, WAIT_MS), "request %d: no completion", i);
    }
    ok(WaitForSingleObject(a[HELD].done, 300) == WAIT_TIMEOUT, "the ninth request was not queued");
    start = GetTickCount();
    WinHttpCloseHandle(a[HELD].request);
    ok(!WaitForSingleObject(a[HELD].done, WAIT_MS), "the queued request never ended");
    ok(GetTickCount() - start < 2000, "the queued request ended after %lu ms", GetTickCount() - start);
    ok_int(a[HELD].error, ERROR_WINHTTP_OPERATION_CANCELLED);
    for (int i = 0; i <= HELD; i++)
    {
        if (i < HELD) WinHttpCloseHandle(a[i].request);
        CloseHandle(a[i].done);
    }
    close_server(&s);
    free(a);
}

/* ---- servers that break HTTP/2 (tools/tls-fault-server) ---------------------------- */

/* A session (flags: WinHttpOpen's) with HTTP/2 enabled and every timeout
 * timeout_ms, connected to the named server of WINHTTP_TEST_TLS; FALSE
 * (and "skip") when it is not named. */
static BOOL open_named_server(struct server *s, const WCHAR *name, DWORD flags, int timeout_ms)
{
    DWORD protocols = WINHTTP_PROTOCOL_FLAG_HTTP2;
    WCHAR host[64];
    WORD port;

    if (!harness_tls_server(name, host, ARRAYSIZE(host), &port)) return FALSE;
    s->session = WinHttpOpen(L"conformance/http2", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, flags);
    ok(s->session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    ok(WinHttpSetTimeouts(s->session, timeout_ms, timeout_ms, timeout_ms, timeout_ms), "SetTimeouts failed: %lu",
       GetLastError());
    /* without HTTP/2 these servers (nghttpd, the broken ones) would only
     * make the case wait for its timeouts */
    if (!WinHttpSetOption(s->session, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &protocols, sizeof(protocols)))
    {
        ok(FALSE, "ENABLE_HTTP_PROTOCOL failed: %lu", GetLastError());
        WinHttpCloseHandle(s->session);
        return FALSE;
    }
    s->connect = WinHttpConnect(s->session, host, port, 0);
    ok(s->connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    return s->connect != NULL;
}

/* Sends (with body bytes of optional data) and receives; the error, 0 if
 * both worked.  How long it took goes to *ms. */
static DWORD fault_exchange(struct server *s, HINTERNET *request, DWORD body, DWORD *ms)
{
    char *data = body ? calloc(1, body) : NULL;
    DWORD start = GetTickCount(), error = 0;

    *request = open_request(s, body ? L"POST" : L"GET", L"/");
    if (!*request) return ~0u;
    if (!WinHttpSendRequest(*request, NULL, 0, data, body, body, 0) || !WinHttpReceiveResponse(*request, NULL))
        error = GetLastError();
    *ms = GetTickCount() - start;
    free(data);
    return error;
}

/* An exchange with the named server (a request body of body bytes) that
 * the 1000 ms timeouts end: ERROR_WINHTTP_TIMEOUT, in about that time. */
static void expect_timeout(const WCHAR *name, DWORD body)
{
    struct server s;
    HINTERNET request;
    DWORD ms;

    if (!open_named_server(&s, name, 0, 1000)) return;
    ok_int(fault_exchange(&s, &request, body, &ms), ERROR_WINHTTP_TIMEOUT);
    ok(ms >= 900 && ms < 5000, "%ls: gave up after %lu ms, want the 1000 ms timeout", name, ms);
    WinHttpCloseHandle(request);
    close_server(&s);
}

/* A server that never sends a byte, not even its SETTINGS: the response
 * never comes, and the receive timeout ends the wait. */
static void test_fault_silent(void)
{
    expect_timeout(L"h2-silent", 0);
}

/* A server that answers the preface with HTTP/1.1 text: not HTTP/2. */
static void test_fault_garbage(void)
{
    struct server s;
    HINTERNET request;
    DWORD ms;

    if (!open_named_server(&s, L"h2-garbage", 0, 5000)) return;
    ok_int(fault_exchange(&s, &request, 0, &ms), ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    WinHttpCloseHandle(request);
    close_server(&s);
}

/* GOAWAY in the middle of a response the server had begun (the stream is
 * at or below its last stream id: processed, so never sent again), and the
 * connection closed: the head and the bytes that came are the caller's,
 * then the read fails with ERROR_WINHTTP_CONNECTION_ERROR. */
static void test_fault_goaway_mid_response(void)
{
    struct server s;
    HINTERNET request;
    char buffer[4096];
    DWORD ms, got, total = 0, error = 0;

    if (!open_named_server(&s, L"h2-goaway-mid", 0, 5000)) return;
    ok_int(fault_exchange(&s, &request, 0, &ms), 0);
    ok_int(status_of(request), 200);
    for (;;)
    {
        if (!WinHttpReadData(request, buffer, sizeof(buffer), &got))
        {
            error = GetLastError();
            break;
        }
        if (!got) break;
        total += got;
    }
    ok_int(error, ERROR_WINHTTP_CONNECTION_ERROR);
    ok_int(total, 1000);
    WinHttpCloseHandle(request);
    close_server(&s);
}

/* A server that never opens a flow control window: a request body larger
 * than the initial one (65,535 bytes) stalls, and the send timeout ends it. */
static void test_fault_no_window(void)
{
    expect_timeout(L"h2-no-window", 1 << 20);
}

/* ---- nghttpd (tools/with-nginx's "nghttpd" server) --------------------------------- */

/* One stream at a time (-m 1): requests beyond it wait for the stream
 * before them to end, on the same connection, without a thread each; every
 * byte of each 16 MiB body arrives. */
static void test_nghttpd_one_stream(void)
{
    enum { COUNT = 5 };
    struct async_request *a = calloc(COUNT, sizeof(*a));
    struct server s;

    if (!open_named_server(&s, L"nghttpd", WINHTTP_FLAG_ASYNC, 10000)) { free(a); return; }
    /* the first makes the connection; the others find it, and queue */
    start_async(&s, &a[0], L"/hello.txt");
    ok(WaitForSingleObject(a[0].done, WAIT_MS) == WAIT_OBJECT_0, "the first request did not end");
    for (int i = 1; i < COUNT; i++) start_async(&s, &a[i], L"/big.bin");
    for (int i = 0; i < COUNT; i++)
    {
        ok(WaitForSingleObject(a[i].done, 30000) == WAIT_OBJECT_0, "request %d did not end", i);
        ok(!a[i].error, "request %d: error %lu", i, a[i].error);
        ok_int(a[i].status, 200);
        ok_int(a[i].protocol, WINHTTP_PROTOCOL_FLAG_HTTP2);
        ok_int(a[i].length, i ? BIG_SIZE : strlen(HELLO_TEXT));
        WinHttpCloseHandle(a[i].request);
        CloseHandle(a[i].done);
    }
    close_server(&s);
    free(a);
}

/* Trailers from a real server (nginx sends none): queryable with
 * WINHTTP_QUERY_FLAG_TRAILERS once the body is read, not before; not
 * among the headers. */
static void test_nghttpd_trailers(void)
{
    struct server s;
    HINTERNET request;
    WCHAR value[64];
    DWORD size = sizeof(value);
    char body[256];

    if (!open_named_server(&s, L"nghttpd", 0, 10000)) return;
    if ((request = send_request(&s, L"GET", L"/hello.txt", NULL, 0)))
    {
        ok_int(status_of(request), 200);
        ok(!WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM, L"x-checksum", value, &size, NULL) &&
           GetLastError() == ERROR_WINHTTP_HEADER_NOT_FOUND, "x-checksum among the headers: %lu", GetLastError());
        ok_int(read_body(request, body, sizeof(body)), strlen(HELLO_TEXT));
        size = sizeof(value);
        ok(WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_TRAILERS, L"X-Checksum", value,
                               &size, NULL), "trailer: %lu", GetLastError());
        ok(!wcscmp(value, L"abc123"), "trailer %ls", value);
        WinHttpCloseHandle(request);
    }
    close_server(&s);
}

/* An upload of 1 MiB to a server whose receive window is 16 KiB (-w 14):
 * the body goes as its WINDOW_UPDATEs allow, and comes back whole
 * (--echo-upload). */
static void test_nghttpd_upload_window(void)
{
    enum { SIZE = 1 << 20 };
    char *data = malloc(SIZE), *echo = malloc(SIZE + 1);
    struct server s;
    HINTERNET request;
    DWORD length;

    if (!open_named_server(&s, L"nghttpd", 0, 10000)) { free(data); free(echo); return; }
    for (DWORD i = 0; i < SIZE; i++) data[i] = (char)big_byte(i);
    if ((request = send_request(&s, L"POST", L"/hello.txt", data, SIZE)))
    {
        ok_int(status_of(request), 200);
        ok_int(protocol_used(request), WINHTTP_PROTOCOL_FLAG_HTTP2);
        length = read_body(request, echo, SIZE + 1);
        ok(length == SIZE && !memcmp(echo, data, SIZE), "echoed %lu bytes, want %u", length, SIZE);
        WinHttpCloseHandle(request);
    }
    close_server(&s);
    free(data);
    free(echo);
}

TEST_CASES(TEST(test_options), TEST(test_get), TEST(test_one_connection), TEST(test_request_option),
           TEST(test_post), TEST(test_large_file), TEST(test_close_mid_body), TEST(test_redirect_and_gzip),
           TEST(test_protocol_required), TEST(test_async_many), TEST(test_async_close_queued), TEST(test_async_no_queue),
           TEST(test_async_close), TEST(test_chunked_upload), TEST(test_client_cert_option),
           TEST(test_connection_options), TEST(test_fault_silent), TEST(test_fault_garbage),
           TEST(test_fault_goaway_mid_response), TEST(test_fault_no_window), TEST(test_nghttpd_one_stream),
           TEST(test_nghttpd_trailers), TEST(test_nghttpd_upload_window));

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
