/* Conformance against a real server: nginx on loopback, synchronous mode.
 * Keep-alive across framings, Content-Length and chunked bodies, a 16 MiB
 * file read in many sizes, HEAD, 304 from If-Modified-Since and
 * If-None-Match, 404, byte ranges, POST, query strings.
 *
 * The server is named by the environment variable WINHTTP_TEST_NGINX
 * ("127.0.0.1:PORT"); without it every case says "skip" and checks nothing.
 * It must be configured as tools/nginx-ctl configures it (tools/with-nginx
 * starts one and sets the variable): the site tools/site, the generated
 * /gen/big.bin, the /chunked, /gen-chunked, /query and /echo locations, and
 * an X-Connection header carrying nginx's connection serial number. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "harness.h"
#include "winhttp.h"

#define BIG_SIZE (16u << 20)
#define HELLO_TEXT "Hello from nginx.\nThis file is fetched by tests/conformance/nginx.c.\n"
#define CHUNKED_TEXT "This text came from nginx in chunks.\nThe SSI filter removed its Content-Length.\n"

static WCHAR server_host[64];
static INTERNET_PORT server_port;

/* Reads WINHTTP_TEST_NGINX; says "skip" and returns FALSE when it is unset. */
static BOOL have_server(void)
{
    WCHAR value[80], *colon;
    DWORD length = GetEnvironmentVariableW(L"WINHTTP_TEST_NGINX", value, ARRAYSIZE(value));

    if (!length || length >= ARRAYSIZE(value) || !(colon = wcsrchr(value, ':')) || colon == value)
    {
        skip("WINHTTP_TEST_NGINX is not set to HOST:PORT (tools/with-nginx sets it)");
        return FALSE;
    }
    *colon = 0;
    lstrcpynW(server_host, value, ARRAYSIZE(server_host));
    server_port = (INTERNET_PORT)wcstoul(colon + 1, NULL, 10);
    return TRUE;
}

static BYTE big_byte(DWORD offset)
{
    return (BYTE)(offset + (offset >> 8) + (offset >> 16));
}

/* The first offset in buffer (holding the file's bytes from offset) that
 * breaks the pattern of /gen/big.bin, or ~0u. */
static DWORD pattern_mismatch(const BYTE *buffer, DWORD offset, DWORD size)
{
    for (DWORD i = 0; i < size; i++)
        if (buffer[i] != big_byte(offset + i)) return offset + i;
    return ~0u;
}

struct server { HINTERNET session, connect; };

static struct server connect_server(void)
{
    struct server s;

    s.session = WinHttpOpen(L"conformance/nginx", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    ok(s.session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    /* short limits: a broken engine must fail the case, not hang the run */
    ok(WinHttpSetTimeouts(s.session, 5000, 5000, 10000, 10000), "SetTimeouts failed: %lu", GetLastError());
    s.connect = WinHttpConnect(s.session, server_host, server_port, 0);
    ok(s.connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    return s;
}

static void disconnect_server(struct server *s)
{
    WinHttpCloseHandle(s->connect);
    WinHttpCloseHandle(s->session);
}

/* Opens a request, sends it with optional extra headers and body, and
 * receives the response head; NULL (after a FAIL line) if any step failed. */
static HINTERNET send_request(struct server *s, const WCHAR *verb, const WCHAR *path, const WCHAR *headers,
                              const void *body, DWORD body_size)
{
    HINTERNET request = WinHttpOpenRequest(s->connect, verb, path, NULL, NULL, NULL, 0);

    ok(request != NULL, "OpenRequest %ls %ls failed: %lu", verb, path, GetLastError());
    if (!request) return NULL;
    if (!WinHttpSendRequest(request, headers, headers ? ~0u : 0, (void *)body, body_size, body_size, 0)
        || !WinHttpReceiveResponse(request, NULL))
    {
        ok(FALSE, "%ls %ls failed: %lu", verb, path, GetLastError());
        WinHttpCloseHandle(request);
        return NULL;
    }
    return request;
}

/* A numeric header, or -1 (with the last error) when it cannot be had. */
static long long query_number(HINTERNET request, DWORD level, const WCHAR *name)
{
    DWORD value = 0, size = sizeof(value);

    if (!WinHttpQueryHeaders(request, level | WINHTTP_QUERY_FLAG_NUMBER, name, &value, &size, NULL)) return -1;
    return value;
}

static DWORD query_status(HINTERNET request)
{
    return (DWORD)query_number(request, WINHTTP_QUERY_STATUS_CODE, WINHTTP_HEADER_NAME_BY_INDEX);
}

/* Which nginx connection served the response (-1 if the header is missing). */
static long long query_connection(HINTERNET request)
{
    return query_number(request, WINHTTP_QUERY_CUSTOM, L"X-Connection");
}

static BOOL query_text(HINTERNET request, DWORD level, const WCHAR *name, WCHAR *buffer, DWORD count)
{
    DWORD size = count * sizeof(WCHAR);

    buffer[0] = 0;
    return WinHttpQueryHeaders(request, level, name, buffer, &size, NULL);
}

/* Reads the body to its end in reads of `chunk` bytes, keeping up to
 * `capacity` bytes; returns the total length, or -1 after a failed read. */
static long long read_body(HINTERNET request, char *buffer, DWORD capacity, DWORD chunk)
{
    char scratch[4096];
    long long total = 0;
    DWORD got;

    for (;;)
    {
        char *into = total + chunk <= capacity ? buffer + total : scratch;
        DWORD size = into == scratch ? min(chunk, sizeof(scratch)) : chunk;

        got = 0xdeadbeef;
        if (!WinHttpReadData(request, into, size, &got))
        {
            ok(FALSE, "ReadData failed after %lld bytes: %lu", total, GetLastError());
            return -1;
        }
        if (!got) return total;
        ok(got <= size, "ReadData read %lu bytes into %lu", got, size);
        total += got;
    }
}

/* GETs path and checks status and body; returns the serving connection. */
static long long get_and_check(struct server *s, const WCHAR *path, DWORD want_status, const char *want_body)
{
    char body[1024];
    long long length, connection;
    HINTERNET request = send_request(s, L"GET", path, NULL, NULL, 0);

    if (!request) return -1;
    ok(query_status(request) == want_status, "GET %ls: status %lu, want %lu", path, query_status(request),
       want_status);
    length = read_body(request, body, sizeof(body), sizeof(body));
    if (want_body)
        ok(length == (long long)strlen(want_body) && !memcmp(body, want_body, length),
           "GET %ls: body %.*s", path, (int)max(length, 0), body);
    connection = query_connection(request);
    WinHttpCloseHandle(request);
    return connection;
}

static void test_get_text(void)
{
    struct server s;
    HINTERNET request;
    WCHAR text[64];
    char body[256];
    long long length;

    if (!have_server()) return;
    s = connect_server();
    if ((request = send_request(&s, L"GET", L"/hello.txt", NULL, NULL, 0)))
    {
        ok_int(query_status(request), 200);
        ok(query_text(request, WINHTTP_QUERY_STATUS_TEXT, NULL, text, ARRAYSIZE(text)), "status text: %lu",
           GetLastError());
        ok_wstr(text, L"OK");
        ok(query_text(request, WINHTTP_QUERY_VERSION, NULL, text, ARRAYSIZE(text)), "version: %lu",
           GetLastError());
        ok_wstr(text, L"HTTP/1.1");
        ok(query_text(request, WINHTTP_QUERY_CONTENT_TYPE, NULL, text, ARRAYSIZE(text)), "type: %lu",
           GetLastError());
        ok_wstr(text, L"text/plain");
        ok_int(query_number(request, WINHTTP_QUERY_CONTENT_LENGTH, NULL), strlen(HELLO_TEXT));
        length = read_body(request, body, sizeof(body), sizeof(body));
        ok(length == strlen(HELLO_TEXT) && !memcmp(body, HELLO_TEXT, length), "body (%lld bytes): %.*s", length,
           (int)max(length, 0), body);
        WinHttpCloseHandle(request);
    }
    disconnect_server(&s);
}

/* One request of the keep-alive series: a mix of framings, each read to
 * its end (WinHTTP returns a connection to its pool only then). */
static long long keep_alive_request(struct server *s, int i)
{
    HINTERNET request;
    long long connection;
    char body[256];

    switch (i % 5)
    {
    case 0: return get_and_check(s, L"/hello.txt", 200, HELLO_TEXT);
    case 1: return get_and_check(s, L"/chunked/text.txt", 200, CHUNKED_TEXT);
    case 2: return get_and_check(s, L"/query?n=2", 200, "n=2");
    case 3: return get_and_check(s, L"/no-such-file.txt", 404, NULL);
    default:
        if (!(request = send_request(s, L"HEAD", L"/hello.txt", NULL, NULL, 0))) return -1;
        ok_int(read_body(request, body, sizeof(body), sizeof(body)), 0);
        connection = query_connection(request);
        WinHttpCloseHandle(request);
        return connection;
    }
}

static void test_keep_alive(void)
{
    long long first = -1, connection;
    struct server s;
    int reused = 0;

    if (!have_server()) return;
    s = connect_server();
    for (int i = 0; i < 20; i++)
    {
        connection = keep_alive_request(&s, i);
        ok(connection >= 0, "request %d: no X-Connection header", i);
        if (!i) first = connection;
        else reused += connection == first;
    }
    ok(reused == 19, "%d of 19 requests reused the first connection (%lld)", reused, first);
    disconnect_server(&s);
}

/* Reads /gen/big.bin or /gen-chunked/big.bin in reads whose sizes cycle
 * through `sizes`, checking every byte; QueryDataAvailable before each read
 * when asked. */
static void read_big(struct server *s, const WCHAR *path, const DWORD *sizes, int count, BOOL ask_available)
{
    DWORD offset = 0, got, available, bad = ~0u;
    HINTERNET request = send_request(s, L"GET", path, NULL, NULL, 0);
    BYTE *buffer = malloc(1 << 20);
    int i = 0;

    if (!request || !buffer) goto done;
    ok_int(query_status(request), 200);
    for (;; i++)
    {
        DWORD size = sizes[i % count];

        if (ask_available)
        {
            if (!WinHttpQueryDataAvailable(request, &available))
            {
                ok(FALSE, "QueryDataAvailable failed at %lu: %lu", offset, GetLastError());
                break;
            }
            if (!available) break;
            size = min(size, available);
        }
        if (!WinHttpReadData(request, buffer, size, &got))
        {
            ok(FALSE, "ReadData(%lu) failed at %lu: %lu", size, offset, GetLastError());
            break;
        }
        if (!got) break;
        ok(got <= size, "ReadData read %lu into %lu", got, size);
        if (offset + got > BIG_SIZE) { offset += got; break; }
        if (bad == ~0u) bad = pattern_mismatch(buffer, offset, got);
        offset += got;
    }
    ok(offset == BIG_SIZE, "%ls: read %lu bytes, want %u", path, offset, BIG_SIZE);
    ok(bad == ~0u, "%ls: wrong byte at offset %lu", path, bad);
    if (ask_available)
        ok(WinHttpQueryDataAvailable(request, &available) && !available, "available at the end: %lu (error %lu)",
           available, GetLastError());
done:
    free(buffer);
    if (request) WinHttpCloseHandle(request);
}

static void test_large_file(void)
{
    static const DWORD sizes[] = { 1, 3, 4096, 65537, 1 << 20, 700001, 8191 };
    struct server s;
    HINTERNET request;

    if (!have_server()) return;
    s = connect_server();
    if ((request = send_request(&s, L"HEAD", L"/gen/big.bin", NULL, NULL, 0)))
    {
        ok_int(query_number(request, WINHTTP_QUERY_CONTENT_LENGTH, NULL), BIG_SIZE);
        WinHttpCloseHandle(request);
    }
    read_big(&s, L"/gen/big.bin", sizes, ARRAYSIZE(sizes), FALSE);
    disconnect_server(&s);
}

/* A request closed with most of its body unread must not leave those bytes
 * to be taken for the next response on the session. */
static void test_large_file_unread(void)
{
    HINTERNET request;
    struct server s;
    BYTE head[16];
    DWORD got = 0;

    if (!have_server()) return;
    s = connect_server();
    if ((request = send_request(&s, L"GET", L"/gen/big.bin", NULL, NULL, 0)))
    {
        ok(WinHttpReadData(request, head, sizeof(head), &got), "ReadData: %lu", GetLastError());
        ok(got && pattern_mismatch(head, 0, got) == ~0u, "first %lu bytes wrong", got);
        WinHttpCloseHandle(request);
    }
    for (int i = 0; i < 3; i++)
        ok(get_and_check(&s, L"/hello.txt", 200, HELLO_TEXT) >= 0, "GET %d after an unread body", i);
    disconnect_server(&s);
}

static void test_large_file_available(void)
{
    static const DWORD sizes[] = { 1 << 20, 5, 100000 };
    struct server s;

    if (!have_server()) return;
    s = connect_server();
    read_big(&s, L"/gen/big.bin", sizes, ARRAYSIZE(sizes), TRUE);
    disconnect_server(&s);
}

static void test_chunked_text(void)
{
    struct server s;
    HINTERNET request;
    WCHAR text[64];
    char body[256];
    long long length;

    if (!have_server()) return;
    s = connect_server();
    if ((request = send_request(&s, L"GET", L"/chunked/text.txt", NULL, NULL, 0)))
    {
        ok_int(query_status(request), 200);
        ok(query_text(request, WINHTTP_QUERY_TRANSFER_ENCODING, NULL, text, ARRAYSIZE(text)),
           "Transfer-Encoding: %lu", GetLastError());
        ok_wstr(text, L"chunked");
        SetLastError(0xdeadbeef);
        ok_int(query_number(request, WINHTTP_QUERY_CONTENT_LENGTH, NULL), -1);
        ok_err(ERROR_WINHTTP_HEADER_NOT_FOUND);
        /* small reads cross chunk boundaries */
        length = read_body(request, body, sizeof(body), 7);
        ok(length == strlen(CHUNKED_TEXT) && !memcmp(body, CHUNKED_TEXT, length), "body (%lld bytes): %.*s",
           length, (int)max(length, 0), body);
        WinHttpCloseHandle(request);
    }
    disconnect_server(&s);
}

static void test_large_chunked(void)
{
    static const DWORD sizes[] = { 65536, 1, 1 << 20, 12345 };
    struct server s;
    HINTERNET request;
    WCHAR text[64];

    if (!have_server()) return;
    s = connect_server();
    read_big(&s, L"/gen-chunked/big.bin", sizes, ARRAYSIZE(sizes), FALSE);
    read_big(&s, L"/gen-chunked/big.bin", sizes, ARRAYSIZE(sizes), TRUE);
    if ((request = send_request(&s, L"GET", L"/gen-chunked/big.bin", NULL, NULL, 0)))
    {
        ok(query_text(request, WINHTTP_QUERY_TRANSFER_ENCODING, NULL, text, ARRAYSIZE(text)),
           "Transfer-Encoding: %lu", GetLastError());
        ok_wstr(text, L"chunked");
        /* closed unread: the connection is dropped, never reused half-read */
        WinHttpCloseHandle(request);
    }
    ok(get_and_check(&s, L"/hello.txt", 200, HELLO_TEXT) >= 0, "no X-Connection after an unread body");
    disconnect_server(&s);
}

static void test_head(void)
{
    long long connection = -1;
    struct server s;
    HINTERNET request;
    DWORD available = 0xdeadbeef, got = 0xdeadbeef;
    char body[64];

    if (!have_server()) return;
    s = connect_server();
    if ((request = send_request(&s, L"HEAD", L"/hello.txt", NULL, NULL, 0)))
    {
        ok_int(query_status(request), 200);
        /* HEAD: the headers of a GET, no body (RFC 9110 9.3.2) */
        ok_int(query_number(request, WINHTTP_QUERY_CONTENT_LENGTH, NULL), strlen(HELLO_TEXT));
        ok(WinHttpQueryDataAvailable(request, &available), "QueryDataAvailable: %lu", GetLastError());
        ok_int(available, 0);
        ok(WinHttpReadData(request, body, sizeof(body), &got), "ReadData: %lu", GetLastError());
        ok_int(got, 0);
        connection = query_connection(request);
        WinHttpCloseHandle(request);
    }
    /* the connection was not waiting for a body: the next GET reuses it */
    ok_int(get_and_check(&s, L"/hello.txt", 200, HELLO_TEXT), connection);
    disconnect_server(&s);
}

/* GETs hello.txt and returns one of its validators. */
static BOOL get_validator(struct server *s, DWORD level, WCHAR *value, DWORD count)
{
    HINTERNET request = send_request(s, L"GET", L"/hello.txt", NULL, NULL, 0);
    char body[256];
    BOOL found;

    if (!request) return FALSE;
    found = query_text(request, level, NULL, value, count);
    ok(found && value[0], "validator %lu missing: %lu", level, GetLastError());
    read_body(request, body, sizeof(body), sizeof(body));
    WinHttpCloseHandle(request);
    return found;
}

/* Sends a conditional GET that must come back 304 with no body. */
static void check_not_modified(struct server *s, const WCHAR *header)
{
    HINTERNET request = send_request(s, L"GET", L"/hello.txt", header, NULL, 0);
    long long connection;
    char body[256];

    if (!request) return;
    ok(query_status(request) == 304, "%ls: status %lu, want 304", header, query_status(request));
    /* a 304 has no body (RFC 9110 15.4.5) */
    ok_int(read_body(request, body, sizeof(body), sizeof(body)), 0);
    connection = query_connection(request);
    WinHttpCloseHandle(request);
    ok_int(get_and_check(s, L"/hello.txt", 200, HELLO_TEXT), connection);
}

static void test_if_modified_since(void)
{
    WCHAR date[64], header[128];
    struct server s;

    if (!have_server()) return;
    s = connect_server();
    if (get_validator(&s, WINHTTP_QUERY_LAST_MODIFIED, date, ARRAYSIZE(date)))
    {
        wsprintfW(header, L"If-Modified-Since: %s", date);
        check_not_modified(&s, header);
    }
    disconnect_server(&s);
}

/* The application's way to keep a date: Last-Modified as a SYSTEMTIME,
 * formatted back by WinHttpTimeFromSystemTime. */
static void test_if_modified_since_systemtime(void)
{
    WCHAR date[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(WCHAR)], header[128];
    HINTERNET request;
    SYSTEMTIME time;
    DWORD size = sizeof(time);
    struct server s;
    char body[256];

    if (!have_server()) return;
    s = connect_server();
    if ((request = send_request(&s, L"GET", L"/hello.txt", NULL, NULL, 0)))
    {
        ok(WinHttpQueryHeaders(request, WINHTTP_QUERY_LAST_MODIFIED | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, &time,
                               &size, NULL), "Last-Modified as SYSTEMTIME: %lu", GetLastError());
        read_body(request, body, sizeof(body), sizeof(body));
        WinHttpCloseHandle(request);
        ok(WinHttpTimeFromSystemTime(&time, date), "TimeFromSystemTime: %lu", GetLastError());
        wsprintfW(header, L"If-Modified-Since: %s", date);
        check_not_modified(&s, header);
    }
    disconnect_server(&s);
}

static void test_if_none_match(void)
{
    WCHAR etag[64], header[128];
    struct server s;

    if (!have_server()) return;
    s = connect_server();
    if (get_validator(&s, WINHTTP_QUERY_ETAG, etag, ARRAYSIZE(etag)))
    {
        wsprintfW(header, L"If-None-Match: %s", etag);
        check_not_modified(&s, header);
    }
    disconnect_server(&s);
}

static void test_not_found(void)
{
    struct server s;
    HINTERNET request;
    WCHAR text[64];
    char body[1024];
    long long length;

    if (!have_server()) return;
    s = connect_server();
    if ((request = send_request(&s, L"GET", L"/no-such-file.txt", NULL, NULL, 0)))
    {
        /* an error status is a successful request: the application reads it */
        ok_int(query_status(request), 404);
        ok(query_text(request, WINHTTP_QUERY_STATUS_TEXT, NULL, text, ARRAYSIZE(text)), "status text: %lu",
           GetLastError());
        ok_wstr(text, L"Not Found");
        length = read_body(request, body, sizeof(body), 100);
        ok(length > 0 && length == query_number(request, WINHTTP_QUERY_CONTENT_LENGTH, NULL),
           "404 body of %lld bytes, Content-Length %lld", length,
           query_number(request, WINHTTP_QUERY_CONTENT_LENGTH, NULL));
        WinHttpCloseHandle(request);
    }
    disconnect_server(&s);
}

/* A GET of bytes [first, last] of big.bin: 206, Content-Range, the bytes. */
static void check_range(struct server *s, DWORD first, DWORD last)
{
    WCHAR header[64], range[64], want[64];
    HINTERNET request;
    BYTE body[256];
    long long length;

    wsprintfW(header, L"Range: bytes=%lu-%lu", first, last);
    if (!(request = send_request(s, L"GET", L"/gen/big.bin", header, NULL, 0))) return;
    ok(query_status(request) == 206, "%ls: status %lu", header, query_status(request));
    wsprintfW(want, L"bytes %lu-%lu/%u", first, last, BIG_SIZE);
    ok(query_text(request, WINHTTP_QUERY_CONTENT_RANGE, NULL, range, ARRAYSIZE(range)), "Content-Range: %lu",
       GetLastError());
    ok_wstr(range, want);
    ok_int(query_number(request, WINHTTP_QUERY_CONTENT_LENGTH, NULL), last - first + 1);
    length = read_body(request, (char *)body, sizeof(body), 64);
    ok(length == last - first + 1 && pattern_mismatch(body, first, last - first + 1) == ~0u,
       "%ls: %lld bytes, or wrong ones", header, length);
    WinHttpCloseHandle(request);
}

static void test_range(void)
{
    struct server s;

    if (!have_server()) return;
    s = connect_server();
    check_range(&s, 100, 199);
    check_range(&s, BIG_SIZE - 16, BIG_SIZE - 1);
    check_range(&s, 65500, 65700);
    disconnect_server(&s);
}

static void test_post_echo(void)
{
    static const char data[] = "name=value&other=two%20words";
    struct server s;
    HINTERNET request;
    char body[256];
    long long length;

    if (!have_server()) return;
    s = connect_server();
    request = send_request(&s, L"POST", L"/echo", L"Content-Type: application/x-www-form-urlencoded", data,
                           sizeof(data) - 1);
    if (request)
    {
        ok_int(query_status(request), 200);
        length = read_body(request, body, sizeof(body), sizeof(body));
        ok(length == sizeof(data) - 1 && !memcmp(body, data, length), "echo (%lld bytes): %.*s", length,
           (int)max(length, 0), body);
        WinHttpCloseHandle(request);
    }
    disconnect_server(&s);
}

/* The body announced by SendRequest's total length, sent by WriteData. */
static void test_post_write_data(void)
{
    enum { SIZE = 3000 };
    static char data[SIZE], body[SIZE + 16];
    DWORD written, offset = 0, pieces[] = { 1, 1999, 1000 };
    struct server s;
    HINTERNET request;
    long long length;

    if (!have_server()) return;
    for (int i = 0; i < SIZE; i++) data[i] = 'a' + i % 26;
    s = connect_server();
    request = WinHttpOpenRequest(s.connect, L"POST", L"/echo", NULL, NULL, NULL, 0);
    ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, SIZE, 0), "SendRequest: %lu", GetLastError());
    for (size_t i = 0; i < ARRAYSIZE(pieces); offset += pieces[i++])
    {
        written = 0;
        ok(WinHttpWriteData(request, data + offset, pieces[i], &written), "WriteData: %lu", GetLastError());
        ok_int(written, pieces[i]);
    }
    ok(WinHttpReceiveResponse(request, NULL), "ReceiveResponse: %lu", GetLastError());
    ok_int(query_status(request), 200);
    length = read_body(request, body, sizeof(body), 1000);
    ok(length == SIZE && !memcmp(body, data, SIZE), "echo of %lld bytes differs", length);
    WinHttpCloseHandle(request);
    disconnect_server(&s);
}

static void test_post_not_allowed(void)
{
    static const char data[] = "ignored";
    struct server s;
    HINTERNET request;
    char body[1024];

    if (!have_server()) return;
    s = connect_server();
    /* nginx serves static files to GET and HEAD only */
    if ((request = send_request(&s, L"POST", L"/hello.txt", NULL, data, sizeof(data) - 1)))
    {
        ok_int(query_status(request), 405);
        ok(read_body(request, body, sizeof(body), sizeof(body)) >= 0, "405 body unreadable");
        WinHttpCloseHandle(request);
    }
    ok(get_and_check(&s, L"/hello.txt", 200, HELLO_TEXT) >= 0, "GET after the 405 failed");
    disconnect_server(&s);
}

static void test_query_string(void)
{
    struct server s;

    if (!have_server()) return;
    s = connect_server();
    /* the query goes to the server as given, in the request line */
    get_and_check(&s, L"/query?a=1&b=two%20words&c", 200, "a=1&b=two%20words&c");
    get_and_check(&s, L"/query?x=%2F%3F%26", 200, "x=%2F%3F%26");
    get_and_check(&s, L"/query", 200, "");
    disconnect_server(&s);
}

TEST_CASES(TEST(test_get_text), TEST(test_keep_alive), TEST(test_large_file), TEST(test_large_file_available),
           TEST(test_large_file_unread), TEST(test_chunked_text), TEST(test_large_chunked), TEST(test_head),
           TEST(test_if_modified_since), TEST(test_if_modified_since_systemtime), TEST(test_if_none_match),
           TEST(test_not_found), TEST(test_range), TEST(test_post_echo), TEST(test_post_write_data),
           TEST(test_post_not_allowed), TEST(test_query_string));

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
