/* Conformance: the request APIs in synchronous mode.  WinHttpSendRequest,
 * WinHttpWriteData, WinHttpReceiveResponse, WinHttpQueryDataAvailable,
 * WinHttpReadData and WinHttpReadDataEx against the scripted server: what
 * goes on the wire, how response bodies are framed, the order the calls
 * must come in, keep-alive and the connection options. */
#include "harness.h"
#include "client.h"
#include "server.h"
#include "winhttp.h"
#include "mode.h"

#include <string.h>

#define FORGED ((HINTERNET)(ULONG_PTR)0xdeadbee0)
#define AGENT L"req-agent/1.0"

/* ---- fixture: a server, a session and a connect handle to it ------------- */

static BOOL fixture_open(struct fixture *f)
{
    return fixture_open_session(f, AGENT, L"127.0.0.1", 0, 3000);
}

static void fixture_stop(struct fixture *f)
{
    if (f->connect || f->session) fixture_finish(f);
    server_stop(f->srv);
}

static void ok_no_server_errors(struct fixture *f)
{
    ok(!server_errors(f->srv), "server errors: %s", server_error_text(f->srv));
}

/* ---- client helpers ------------------------------------------------------- */

static HINTERNET open_request(struct fixture *f, const WCHAR *verb, const WCHAR *path, DWORD flags)
{
    HINTERNET request = WinHttpOpenRequest(f->connect, verb, path, NULL, NULL, NULL, flags);
    ok(request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    return request;
}

/* Reads the whole body in reads of `piece` bytes; NUL-terminates it. */
static DWORD read_body(HINTERNET request, char *buffer, DWORD size, DWORD piece)
{
    DWORD total = 0, got;

    for (;;)
    {
        DWORD want = min(piece, size - 1 - total);
        got = 0xdeadbeef;
        if (!WinHttpReadData(request, buffer + total, want, &got))
        {
            ok(0, "WinHttpReadData failed: %lu", GetLastError());
            break;
        }
        if (!got || !want) break;
        total += got;
    }
    buffer[total] = 0;
    return total;
}

/* One request: status and body as expected. */
static void expect_response(struct fixture *f, const WCHAR *verb, const WCHAR *path, DWORD status,
                            const char *body)
{
    HINTERNET request = open_request(f, verb, path, 0);
    char buffer[256];

    if (request && send_and_receive(request))
    {
        ok_int(status_of(request), status);
        read_body(request, buffer, sizeof(buffer), sizeof(buffer));
        ok(!strcmp(buffer, body), "body %s, want %s", buffer, body);
    }
    WinHttpCloseHandle(request);
}

/* ---- what the server saw ---------------------------------------------------- */

static const char *head_of(struct fixture *f, int i)
{
    const struct server_request *r = server_request(f->srv, i);
    return r ? r->head : "";
}

static const char *body_of(struct fixture *f, int i, size_t *length)
{
    const struct server_request *r = server_request(f->srv, i);
    *length = r && r->body ? r->body_length : 0;
    return r && r->body ? r->body : "";
}

/* Whether the head holds this exact header line (name spelled as given). */
static BOOL has_line(const char *head, const char *line)
{
    size_t length = strlen(line);
    const char *p = head;

    while ((p = strstr(p, "\r\n")))
    {
        p += 2;
        if (!strncmp(p, line, length) && !strncmp(p + length, "\r\n", 2)) return TRUE;
    }
    return FALSE;
}

/* How many header lines have this name (case-insensitive). */
static int count_headers(const char *head, const char *name)
{
    size_t length = strlen(name);
    const char *p = head;
    int count = 0;

    while ((p = strstr(p, "\r\n")))
    {
        p += 2;
        if (!_strnicmp(p, name, length) && p[length] == ':') count++;
    }
    return count;
}

static BOOL has_header(const char *head, const char *name)
{
    return count_headers(head, name) > 0;
}

static BOOL starts_with(const char *head, const char *prefix)
{
    return !strncmp(head, prefix, strlen(prefix));
}

/* ---- WinHttpSendRequest and what goes on the wire --------------------------- */

static void test_get_default_headers(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    struct fixture f;
    char host[32];
    const char *head;
    struct script *c;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "ok");
    expect_response(&f, L"GET", L"/index.html", 200, "ok");
    fixture_finish(&f);

    head = head_of(&f, 0);
    ok(starts_with(head, "GET /index.html HTTP/1.1\r\n"), "request line: %s", head);
    ok(has_line(head, "User-Agent: req-agent/1.0"), "no User-Agent from WinHttpOpen: %s", head);
    /* native WinHTTP asks for a persistent connection explicitly */
    ok(has_line(head, "Connection: Keep-Alive"), "no Connection: Keep-Alive: %s", head);
    snprintf(host, sizeof(host), "Host: 127.0.0.1:%u", server_port(f.srv));
    ok(has_line(head, host), "no %s: %s", host, head);
    /* a GET without data has no body and so no framing header */
    ok(!has_header(head, "Content-Length"), "Content-Length on a GET: %s", head);
    ok(!has_header(head, "Transfer-Encoding"), "Transfer-Encoding on a GET: %s", head);
    ok(!server_request(f.srv, 0) || !server_request(f.srv, 0)->body, "a body was read");
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

static void test_post_without_data(void)
{
    struct fixture f;
    struct script *c;
    const char *head;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "posted");
    expect_response(&f, L"POST", L"/form", 200, "posted");
    fixture_finish(&f);
    head = head_of(&f, 0);
    ok(starts_with(head, "POST /form HTTP/1.1\r\n"), "request line: %s", head);
    /* Windows announces an empty body on a POST without data */
    ok(has_line(head, "Content-Length: 0"), "no Content-Length: 0: %s", head);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

static void test_extra_headers(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    static const WCHAR headers[] = L"X-One: 1\r\nX-Two: two\r\n";
    struct fixture f;
    struct script *c;
    HINTERNET request;
    const char *head;
    char buffer[64];

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "a");
    script_recv_request(c);
    script_respond(c, 200, NULL, "b");

    /* -1L: the string is NUL-terminated */
    request = open_request(&f, L"GET", L"/one", 0);
    ok_bool_err(WinHttpSendRequest(request, headers, (DWORD)-1L, NULL, 0, 0, 0), TRUE, 0);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    WinHttpCloseHandle(request);

    /* an explicit length: only the first header is within it */
    request = open_request(&f, L"GET", L"/two", 0);
    ok_bool_err(WinHttpSendRequest(request, headers, 8 /* "X-One: 1" */, NULL, 0, 0, 0), TRUE, 0);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    WinHttpCloseHandle(request);
    fixture_finish(&f);

    head = head_of(&f, 0);
    ok(has_line(head, "X-One: 1") && has_line(head, "X-Two: two"), "headers missing: %s", head);
    head = head_of(&f, 1);
    ok(has_line(head, "X-One: 1"), "X-One missing: %s", head);
    ok(!has_header(head, "X-Two"), "X-Two sent past the length: %s", head);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

static void test_optional_data(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    static char data[] = "name=value";
    struct fixture f;
    struct script *c;
    HINTERNET request;
    const char *head, *body;
    size_t length;
    char buffer[64];

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_recv_body(c, SERVER_BODY_AUTO);
    script_respond(c, 200, NULL, "thanks");

    request = open_request(&f, L"POST", L"/submit", 0);
    ok_bool_err(WinHttpSendRequest(request, L"Content-Type: application/x-www-form-urlencoded\r\n", (DWORD)-1L,
                                   data, 10, 10, 0), TRUE, 0);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    ok(!strcmp(buffer, "thanks"), "body %s", buffer);
    WinHttpCloseHandle(request);
    fixture_finish(&f);

    head = head_of(&f, 0);
    ok(has_line(head, "Content-Length: 10"), "Content-Length: %s", head);
    ok(has_line(head, "Content-Type: application/x-www-form-urlencoded"), "Content-Type: %s", head);
    body = body_of(&f, 0, &length);
    ok(length == 10 && !memcmp(body, "name=value", 10), "body %.*s", (int)length, body);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* dwTotalLength larger than the optional data: the rest comes by WriteData. */
static void test_total_length_and_write(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    DWORD written;
    const char *body;
    size_t length;
    char buffer[64];

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_recv_body(c, SERVER_BODY_AUTO);
    script_respond(c, 201, NULL, "made");

    request = open_request(&f, L"PUT", L"/file", 0);
    ok_bool_err(WinHttpSendRequest(request, NULL, 0, "abc", 3, 11, 0), TRUE, 0);
    written = 0xdeadbeef;
    ok_bool_err(WinHttpWriteData(request, "defg", 4, &written), TRUE, 0);
    ok_int(written, 4);
    written = 0xdeadbeef;
    ok_bool_err(WinHttpWriteData(request, "hijk", 4, &written), TRUE, 0);
    ok_int(written, 4);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    ok_int(status_of(request), 201);
    read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    WinHttpCloseHandle(request);
    fixture_finish(&f);

    ok(has_line(head_of(&f, 0), "Content-Length: 11"), "Content-Length: %s", head_of(&f, 0));
    body = body_of(&f, 0, &length);
    ok(length == 11 && !memcmp(body, "abcdefghijk", 11), "body %.*s", (int)length, body);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* Documented: with a Transfer-Encoding header, dwTotalLength is
 * WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH and the application writes the chunks
 * itself with WinHttpWriteData, ending with a zero-length chunk. */
static void test_chunked_upload(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    DWORD written;
    const char *head, *body;
    size_t length;
    char buffer[64];

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_recv_body(c, SERVER_BODY_AUTO);
    script_respond(c, 200, NULL, "got it");

    request = open_request(&f, L"POST", L"/upload", 0);
    ok_bool_err(WinHttpSendRequest(request, L"Transfer-Encoding: chunked\r\n", (DWORD)-1L, NULL, 0,
                                   WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH, 0), TRUE, 0);
    ok_bool_err(WinHttpWriteData(request, "5\r\nhello\r\n", 10, &written), TRUE, 0);
    ok_bool_err(WinHttpWriteData(request, "0\r\n\r\n", 5, &written), TRUE, 0);
    ok_int(written, 5);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    ok(!strcmp(buffer, "got it"), "body %s", buffer);
    WinHttpCloseHandle(request);
    fixture_finish(&f);

    head = head_of(&f, 0);
    ok(has_line(head, "Transfer-Encoding: chunked"), "Transfer-Encoding: %s", head);
    ok(!has_header(head, "Content-Length"), "Content-Length with chunked: %s", head);
    body = body_of(&f, 0, &length);
    ok(length == 15 && !memcmp(body, "5\r\nhello\r\n0\r\n\r\n", 15), "body %.*s", (int)length, body);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* Documented ERROR_INVALID_PARAMETER cases: a Content-Length header that
 * differs from dwTotalLength, optional data or a Content-Length along with
 * a Transfer-Encoding header.  A Content-Length header that agrees is sent
 * once, as given. */
static void test_framing_headers(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    const char *head, *body;
    size_t length;
    char buffer[16];

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_recv_body(c, SERVER_BODY_AUTO);
    script_respond(c, 200, NULL, "fine");

    request = open_request(&f, L"POST", L"/", 0);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSendRequest(request, L"Content-Length: 5\r\n", (DWORD)-1L, "abcd", 4, 4, 0), FALSE,
                ERROR_INVALID_PARAMETER);
    WinHttpCloseHandle(request);
    request = open_request(&f, L"POST", L"/", 0);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSendRequest(request, L"Transfer-Encoding: chunked\r\n", (DWORD)-1L, "abcd", 4,
                                   WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH, 0), FALSE, ERROR_INVALID_PARAMETER);
    WinHttpCloseHandle(request);
    request = open_request(&f, L"POST", L"/", 0);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSendRequest(request, L"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", (DWORD)-1L,
                                   NULL, 0, WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH, 0), FALSE, ERROR_INVALID_PARAMETER);
    WinHttpCloseHandle(request);

    request = open_request(&f, L"POST", L"/agree", 0);
    ok_bool_err(WinHttpSendRequest(request, L"Content-Length: 4\r\n", (DWORD)-1L, "abcd", 4, 4, 0), TRUE, 0);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    WinHttpCloseHandle(request);
    fixture_finish(&f);

    ok_int(server_requests(f.srv), 1);
    head = head_of(&f, 0);
    ok(has_line(head, "Content-Length: 4"), "Content-Length: %s", head);
    ok_int(count_headers(head, "Content-Length"), 1);
    body = body_of(&f, 0, &length);
    ok(length == 4 && !memcmp(body, "abcd", 4), "body %.*s", (int)length, body);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* WriteData after ReceiveResponse: the sending phase is over.  *written is
 * zeroed before any checking (documented). */
static void test_write_data_after_receive(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    DWORD written;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_recv_body(c, SERVER_BODY_AUTO);
    script_respond(c, 200, NULL, "");

    request = open_request(&f, L"POST", L"/", 0);
    ok_bool_err(WinHttpSendRequest(request, NULL, 0, "x", 1, 1, 0), TRUE, 0);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    written = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpWriteData(request, "y", 1, &written), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    ok_int(written, 0);
    WinHttpCloseHandle(request);
    fixture_finish(&f);
    ok_int(server_requests(f.srv), 1);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

static void test_http10_request(void)
{
    HTTP1_WIRE_ONLY("an HTTP/1.0 request line: HTTP/2 has no version to choose");
    struct fixture f;
    struct script *c;
    HINTERNET request;
    char buffer[64];

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "old");
    request = WinHttpOpenRequest(f.connect, L"GET", L"/legacy", L"HTTP/1.0", NULL, NULL, 0);
    ok(request != NULL, "open failed: %lu", GetLastError());
    if (send_and_receive(request)) read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    WinHttpCloseHandle(request);
    fixture_finish(&f);
    ok(starts_with(head_of(&f, 0), "GET /legacy HTTP/1.0\r\n"), "request line: %s", head_of(&f, 0));
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

static void test_referrer_and_accept(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    static const WCHAR *types[] = { L"text/html", L"application/json", NULL };
    struct fixture f;
    struct script *c;
    HINTERNET request;
    const char *head;
    char buffer[64];

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "x");
    request = WinHttpOpenRequest(f.connect, L"GET", L"/page", NULL, L"http://referrer.example/from", types, 0);
    ok(request != NULL, "open failed: %lu", GetLastError());
    if (send_and_receive(request)) read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    WinHttpCloseHandle(request);
    fixture_finish(&f);

    head = head_of(&f, 0);
    ok(has_line(head, "Referer: http://referrer.example/from"), "Referer: %s", head);
    ok(strstr(head, "text/html") && strstr(head, "application/json") && has_header(head, "Accept"),
       "accept types: %s", head);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* ---- path escaping ------------------------------------------------------- */

/* Sends a request for path with these flags; returns the request line seen. */
static void expect_request_line(const WCHAR *path, DWORD flags, const char *line)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    char buffer[64];

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "");
    request = open_request(&f, L"GET", path, flags);
    if (send_and_receive(request)) read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    WinHttpCloseHandle(request);
    fixture_finish(&f);
    ok(starts_with(head_of(&f, 0), line), "flags %#lx: got %.60s, want %s", flags, head_of(&f, 0), line);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* By default spaces, controls, DEL and the unsafe '<' '>' '"' are escaped, in
 * the path and the query alike; '%' is left alone (a caller's escapes). */
static void test_escape_default(void)
{
    expect_request_line(L"/a b<c>\"d%41?q=1 2\x7f", 0, "GET /a%20b%3Cc%3E%22d%41?q=1%202%7F HTTP/1.1\r\n");
}

static void test_escape_percent(void)
{
    expect_request_line(L"/50% off?x=1%", WINHTTP_FLAG_ESCAPE_PERCENT, "GET /50%25%20off?x=1%25 HTTP/1.1\r\n");
}

/* With escaping disabled native still escapes what the request line cannot
 * carry (spaces, non-ASCII as UTF-8) and leaves CR/LF out; the rest goes as
 * it is (Wine's tests, run on Windows). */
static void test_escape_disable(void)
{
    expect_request_line(L"/a b<\"#?c d\r\n", WINHTTP_FLAG_ESCAPE_DISABLE, "GET /a%20b<\"#?c%20d HTTP/1.1\r\n");
}

static void test_escape_disable_query(void)
{
    expect_request_line(L"/a b<?c d<\r\n", WINHTTP_FLAG_ESCAPE_DISABLE_QUERY, "GET /a%20b%3C?c%20d< HTTP/1.1\r\n");
}

/* An object name without its leading '/' gets one (native: Wine's tests and
 * published samples open "tests/post.php" and "ms.htm"). */
static void test_object_name_gets_slash(void)
{
    expect_request_line(L"tests/post.php?a", 0, "GET /tests/post.php?a HTTP/1.1\r\n");
}

/* Headers given to WinHttpSendRequest with a length of 0 are read up to
 * their NUL, as with -1 (native; a published POST sample relies on it). */
static void test_send_headers_length_zero(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    struct fixture f;
    struct script *c;
    HINTERNET request;
    char buffer[64];
    BOOL ret;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "x");
    request = open_request(&f, L"GET", L"/h", 0);
    ret = WinHttpSendRequest(request, L"X-Zero: length\r\nX-Two: lines", 0, NULL, 0, 0, 0);
    ok(ret, "WinHttpSendRequest failed: %lu", GetLastError());
    if (ret && WinHttpReceiveResponse(request, NULL)) read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    WinHttpCloseHandle(request);
    fixture_finish(&f);
    ok(has_line(head_of(&f, 0), "X-Zero: length") && has_line(head_of(&f, 0), "X-Two: lines"), "head: %s",
       head_of(&f, 0));
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* CR and LF in the path never reach the wire raw: they are escaped. */
static void test_escape_crlf_in_path(void)
{
    expect_request_line(L"/x\r\ny", 0, "GET /x%0D%0Ay HTTP/1.1\r\n");
}

/* A verb holding CR/LF would split the request line: refused with
 * ERROR_INVALID_PARAMETER (when opening or when sending), nothing sent. */
static void test_crlf_in_verb(void)
{
    struct fixture f;
    HINTERNET request;
    BOOL ret;

    if (!fixture_open(&f)) return;
    SetLastError(0xdeadbeef);
    request = WinHttpOpenRequest(f.connect, L"GET / HTTP/1.1\r\nX-Evil: 1\r\nX", L"/", NULL, NULL, NULL, 0);
    if (request)
    {
        SetLastError(0xdeadbeef);
        ret = WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0);
        ok(!ret, "a verb with CR/LF was sent");
        WinHttpCloseHandle(request);
    }
    ok_err(ERROR_INVALID_PARAMETER);
    fixture_finish(&f);
    ok_int(server_requests(f.srv), 0);
    fixture_stop(&f);
}

/* ---- response framing ------------------------------------------------------ */

/* One connection answering one GET with these raw bytes, then closing. */
static void serve_raw(struct fixture *f, const char *response)
{
    struct script *c = server_add_connection(f->srv);
    script_recv_request(c);
    script_send(c, response, 0);
    script_close(c);
}

static void test_content_length_body(void)
{
    struct fixture f;

    if (!fixture_open(&f)) return;
    serve_raw(&f, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world");
    expect_response(&f, L"GET", L"/", 200, "hello world");
    fixture_stop(&f);
}

static void test_chunked_body(void)
{
    static const struct response r = { 200, NULL, NULL, "a body sent in many small chunks", 0, RESPONSE_CHUNKED, 3 };
    struct fixture f;
    struct script *c;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_send_response(c, &r);
    expect_response(&f, L"GET", L"/", 200, "a body sent in many small chunks");
    fixture_finish(&f);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* Chunk extensions are skipped, trailers consumed: the connection carries
 * the next response cleanly, and the trailer can be queried. */
static void test_chunked_extensions_trailers(void)
{
    HTTP1_WIRE_ONLY("chunk extensions and trailers of an HTTP/1.1 body: nginx 1.22 passes neither on");
    struct fixture f;
    struct script *c;
    HINTERNET request;
    char buffer[64];
    WCHAR value[32];
    DWORD size = sizeof(value);

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_send(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Check\r\n\r\n"
                   "5;name=value\r\nhello\r\n6 ; a ; b=\"q;s\"\r\n world\r\n0;last\r\nX-Check: done\r\n\r\n", 0);
    script_recv_request(c);
    script_respond(c, 200, NULL, "second");

    request = open_request(&f, L"GET", L"/", 0);
    if (send_and_receive(request))
    {
        read_body(request, buffer, sizeof(buffer), sizeof(buffer));
        ok(!strcmp(buffer, "hello world"), "body %s", buffer);
        if (WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_TRAILERS, L"X-Check", value,
                                &size, NULL))
            ok_wstr(value, L"done");
        else
            ok(GetLastError() == ERROR_INVALID_PARAMETER, "trailer query failed: %lu", GetLastError());
    }
    WinHttpCloseHandle(request);
    expect_response(&f, L"GET", L"/next", 200, "second");
    fixture_finish(&f);
    ok_int(server_connections(f.srv), 1);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

static void test_close_delimited_body(void)
{
    struct fixture f;

    if (!fixture_open(&f)) return;
    serve_raw(&f, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the server closes");
    expect_response(&f, L"GET", L"/", 200, "until the server closes");
    fixture_stop(&f);
}

static void test_http10_response(void)
{
    HTTP1_WIRE_ONLY("the server's HTTP/1.0 status line: over HTTP/2 the version is HTTP/2");
    struct fixture f;
    HINTERNET request;
    WCHAR version[16];
    DWORD size = sizeof(version);
    char buffer[64];

    if (!fixture_open(&f)) return;
    serve_raw(&f, "HTTP/1.0 200 OK\r\n\r\nold server");
    request = open_request(&f, L"GET", L"/", 0);
    if (send_and_receive(request))
    {
        ok(WinHttpQueryHeaders(request, WINHTTP_QUERY_VERSION, NULL, version, &size, NULL), "version: %lu",
           GetLastError());
        ok_wstr(version, L"HTTP/1.0");
        read_body(request, buffer, sizeof(buffer), sizeof(buffer));
        ok(!strcmp(buffer, "old server"), "body %s", buffer);
    }
    WinHttpCloseHandle(request);
    fixture_stop(&f);
}

/* Responses that never have a body, whatever Content-Length says (RFC 9112
 * 6.3): the next response on the connection follows the head at once. */
static void expect_no_body(const WCHAR *verb, int status, const char *response)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    char buffer[64];
    DWORD got;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_send(c, response, 0);
    script_recv_request(c);
    script_respond(c, 200, NULL, "next");

    request = open_request(&f, verb, L"/", 0);
    if (send_and_receive(request))
    {
        ok_int(status_of(request), status);
        got = 0xdeadbeef;
        ok_bool_err(WinHttpReadData(request, buffer, sizeof(buffer), &got), TRUE, 0);
        ok_int(got, 0);
    }
    WinHttpCloseHandle(request);
    expect_response(&f, L"GET", L"/next", 200, "next");
    fixture_finish(&f);
    ok_int(server_connections(f.srv), 1);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

static void test_head_no_body(void)
{
    expect_no_body(L"HEAD", 200, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n");
}

static void test_204_no_body(void)
{
    expect_no_body(L"GET", 204, "HTTP/1.1 204 No Content\r\nContent-Length: 20\r\n\r\n");
}

static void test_304_no_body(void)
{
    expect_no_body(L"GET", 304, "HTTP/1.1 304 Not Modified\r\nContent-Length: 20\r\n\r\n");
}

/* 1xx interim responses are skipped: the application sees the final one. */
static void test_interim_responses(void)
{
    HTTP1_WIRE_ONLY("1xx responses from the server: nginx 1.22 takes a backend's 1xx for its final response");
    struct fixture f;

    if (!fixture_open(&f)) return;
    serve_raw(&f, "HTTP/1.1 100 Continue\r\n\r\n"
                  "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");
    expect_response(&f, L"GET", L"/", 200, "final");
    fixture_stop(&f);
}

/* Framing the client cannot trust is an invalid response; the error may come
 * from ReceiveResponse or from the first read of the body. */
static void expect_invalid_response(const char *response)
{
    struct fixture f;
    HINTERNET request;
    char buffer[64];
    DWORD got, error = 0;

    if (!fixture_open(&f)) return;
    serve_raw(&f, response);
    request = open_request(&f, L"GET", L"/", 0);
    ok_bool_err(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), TRUE, 0);
    if (!WinHttpReceiveResponse(request, NULL)) error = GetLastError();
    else
    {
        for (int i = 0; i < 8 && !error; i++)
        {
            if (!WinHttpReadData(request, buffer, sizeof(buffer), &got)) error = GetLastError();
            else if (!got) break;
        }
    }
    ok_int(error, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    WinHttpCloseHandle(request);
    fixture_stop(&f);
}

/* RFC 9112 6.3 (5): differing Content-Length values are unrecoverable. */
static void test_conflicting_content_length(void)
{
    HTTP1_WIRE_ONLY("a malformed HTTP/1.1 response: nginx answers 502 for it");
    expect_invalid_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
}

/* RFC 9112 6.3 (3): both framings at once "ought to be handled as an
 * error" (response smuggling); this DLL refuses it. */
static void test_content_length_with_chunked(void)
{
    HTTP1_WIRE_ONLY("a malformed HTTP/1.1 response: nginx answers 502 for it");
    expect_invalid_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "5\r\nhello\r\n0\r\n\r\n");
}

static void test_chunk_size_overflow(void)
{
    HTTP1_WIRE_ONLY("a malformed HTTP/1.1 response: nginx answers 502 for it");
    expect_invalid_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "1FFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n");
}

static void expect_status_text(const char *response, const WCHAR *text)
{
    struct fixture f;
    HINTERNET request;
    WCHAR buffer[32];
    DWORD size = sizeof(buffer);
    char body[32];

    if (!fixture_open(&f)) return;
    serve_raw(&f, response);
    request = open_request(&f, L"GET", L"/", 0);
    if (send_and_receive(request))
    {
        ok_int(status_of(request), 200);
        ok(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_TEXT, NULL, buffer, &size, NULL),
           "status text: %lu", GetLastError());
        ok_wstr(buffer, text);
        read_body(request, body, sizeof(body), sizeof(body));
        ok(!strcmp(body, "ok"), "body %s", body);
    }
    WinHttpCloseHandle(request);
    fixture_stop(&f);
}

/* RFC 9112 4: the reason phrase may be empty (the SP before it stays). */
static void test_empty_reason_phrase(void)
{
    expect_status_text("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok", L"");
}

/* RFC 9112 2.2: a recipient may take a bare LF as a line end. */
static void test_bare_lf_line_ends(void)
{
    HTTP1_WIRE_ONLY("bare LF line ends in the response head: nginx rewrites the head");
    expect_status_text("HTTP/1.1 200 Fine\nContent-Length: 2\n\nok", L"Fine");
}

/* RFC 9112 5.2: a user agent replaces obs-fold with SP before using the value. */
static void test_obs_fold(void)
{
    HTTP1_WIRE_ONLY("obsolete line folding in the response head: nginx answers 502 for it");
    struct fixture f;
    HINTERNET request;
    WCHAR value[64];
    DWORD size = sizeof(value);
    char body[32];

    if (!fixture_open(&f)) return;
    serve_raw(&f, "HTTP/1.1 200 OK\r\nX-Folded: first\r\n  second\r\nContent-Length: 2\r\n\r\nok");
    request = open_request(&f, L"GET", L"/", 0);
    if (send_and_receive(request))
    {
        ok(WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM, L"X-Folded", value, &size, NULL),
           "query: %lu", GetLastError());
        ok(!wcsncmp(value, L"first", 5) && wcsstr(value, L"second") && !wcschr(value, '\r') && !wcschr(value, '\n'),
           "folded value %ls", value);
        read_body(request, body, sizeof(body), sizeof(body));
        ok(!strcmp(body, "ok"), "body %s", body);
    }
    WinHttpCloseHandle(request);
    fixture_stop(&f);
}

/* ---- reading ---------------------------------------------------------------- */

static void test_read_sizes(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    char buffer[64];
    DWORD got, available;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "0123456789");
    script_recv_request(c);
    script_respond(c, 200, NULL, "0123456789");
    script_recv_request(c);
    script_respond(c, 200, NULL, "0123456789");

    /* one byte at a time */
    request = open_request(&f, L"GET", L"/1", 0);
    if (send_and_receive(request))
    {
        ok_int(read_body(request, buffer, sizeof(buffer), 1), 10);
        ok(!strcmp(buffer, "0123456789"), "body %s", buffer);
    }
    WinHttpCloseHandle(request);

    /* exactly the body's size, then 0 at the end */
    request = open_request(&f, L"GET", L"/2", 0);
    if (send_and_receive(request))
    {
        ok(WinHttpQueryDataAvailable(request, &available), "available: %lu", GetLastError());
        ok(available > 0 && available <= 10, "available %lu", available);
        memset(buffer, 0, sizeof(buffer));
        ok_bool_err(WinHttpReadData(request, buffer, 10, &got), TRUE, 0);
        ok(got > 0 && got <= 10 && !memcmp(buffer, "0123456789", got), "read %lu: %s", got, buffer);
        if (got < 10) ok_bool_err(WinHttpReadData(request, buffer + got, 10 - got, &got), TRUE, 0);
        available = 0xdeadbeef;
        ok_bool_err(WinHttpQueryDataAvailable(request, &available), TRUE, 0);
        ok_int(available, 0);
        got = 0xdeadbeef;
        ok_bool_err(WinHttpReadData(request, buffer, sizeof(buffer), &got), TRUE, 0);
        ok_int(got, 0);
        got = 0xdeadbeef;
        ok_bool_err(WinHttpReadData(request, buffer, sizeof(buffer), &got), TRUE, 0);
        ok_int(got, 0);
    }
    WinHttpCloseHandle(request);

    /* a buffer larger than the body */
    request = open_request(&f, L"GET", L"/3", 0);
    if (send_and_receive(request))
    {
        ok_int(read_body(request, buffer, sizeof(buffer), sizeof(buffer)), 10);
        ok(!strcmp(buffer, "0123456789"), "body %s", buffer);
    }
    WinHttpCloseHandle(request);
    fixture_finish(&f);
    ok_int(server_connections(f.srv), 1);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* A chunked body arriving in pieces: without FILL_BUFFER a read returns
 * what is there; with it, the buffer is filled or the body ends. */
static void test_read_data_ex(void)
{
    static const char chunks[] = "4\r\nabcd\r\n4\r\nefgh\r\n4\r\nijkl\r\n0\r\n\r\n";
    struct fixture f;
    struct script *c;
    HINTERNET request;
    char buffer[64];
    DWORD got, ret;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_send(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0);
    script_send_slow(c, chunks, strlen(chunks), 9, 100);
    script_recv_request(c);
    script_send(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0);
    script_send_slow(c, chunks, strlen(chunks), 9, 100);

    request = open_request(&f, L"GET", L"/plain", 0);
    if (send_and_receive(request))
    {
        got = 0xdeadbeef;
        ret = WinHttpReadDataEx(request, buffer, sizeof(buffer), &got, 0, 0, NULL);
        ok_int(ret, ERROR_SUCCESS);
        ok(got > 0 && got < 12 && !memcmp(buffer, "abcdefghijkl", got), "read %lu bytes", got);
        read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    }
    WinHttpCloseHandle(request);

    request = open_request(&f, L"GET", L"/fill", 0);
    if (send_and_receive(request))
    {
        got = 0xdeadbeef;
        ret = WinHttpReadDataEx(request, buffer, 10, &got, WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER, 0, NULL);
        ok_int(ret, ERROR_SUCCESS);
        ok(got == 10 && !memcmp(buffer, "abcdefghij", 10), "read %lu bytes", got);
        got = 0xdeadbeef;
        ret = WinHttpReadDataEx(request, buffer, sizeof(buffer), &got, WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER, 0, NULL);
        ok_int(ret, ERROR_SUCCESS);
        ok(got == 2 && !memcmp(buffer, "kl", 2), "read %lu bytes", got);
        got = 0xdeadbeef;
        ret = WinHttpReadDataEx(request, buffer, sizeof(buffer), &got, WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER, 0, NULL);
        ok_int(ret, ERROR_SUCCESS);
        ok_int(got, 0);
    }
    WinHttpCloseHandle(request);
    fixture_finish(&f);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* ---- the order of the calls --------------------------------------------------- */

static void test_call_order(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    char buffer[16];
    DWORD got, status, size;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "body");

    request = open_request(&f, L"GET", L"/", 0);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryDataAvailable(request, &got), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    got = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReadData(request, buffer, sizeof(buffer), &got), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    ok_int(got, 0); /* documented: zeroed before any checking */

    ok_bool_err(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), TRUE, 0);
    /* sent, not yet received: the body and the response head are out of reach */
    got = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReadData(request, buffer, sizeof(buffer), &got), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    ok_int(got, 0);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryDataAvailable(request, &got), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    size = sizeof(status);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status,
                                    &size, NULL), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);

    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    ok_int(status_of(request), 200);
    read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    ok(!strcmp(buffer, "body"), "body %s", buffer);
    WinHttpCloseHandle(request);
    fixture_finish(&f);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

static void expect_all_fail(HINTERNET handle, DWORD error)
{
    char buffer[8];
    DWORD count;

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSendRequest(handle, NULL, 0, NULL, 0, 0, 0), FALSE, error);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReceiveResponse(handle, NULL), FALSE, error);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryDataAvailable(handle, &count), FALSE, error);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReadData(handle, buffer, sizeof(buffer), &count), FALSE, error);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpWriteData(handle, buffer, sizeof(buffer), &count), FALSE, error);
}

static void test_wrong_handle_types(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", 1, 0);

    expect_all_fail(session, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    expect_all_fail(connect, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

static void test_invalid_handles(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", 1, 0);
    HINTERNET closed = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0);

    WinHttpCloseHandle(closed);
    expect_all_fail(NULL, ERROR_INVALID_HANDLE);
    expect_all_fail(FORGED, ERROR_INVALID_HANDLE);
    expect_all_fail(closed, ERROR_INVALID_HANDLE);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* ---- connections ----------------------------------------------------------- */

/* Two requests read to the end go over one persistent connection. */
static void test_keep_alive(void)
{
    struct fixture f;
    struct script *c;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "first");
    script_recv_request(c);
    script_respond(c, 200, NULL, "second");
    expect_response(&f, L"GET", L"/1", 200, "first");
    expect_response(&f, L"GET", L"/2", 200, "second");
    fixture_finish(&f);
    ok_int(server_connections(f.srv), 1);
    ok_int(server_requests(f.srv), 2);
    ok(starts_with(head_of(&f, 1), "GET /2 HTTP/1.1\r\n"), "second request: %s", head_of(&f, 1));
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* The same handle sent again once its response was read (documented). */
static void test_resend(void)
{
    static char data[] = "payload";
    struct fixture f;
    struct script *c;
    HINTERNET request;
    char buffer[64];
    size_t length;
    const char *body;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_recv_body(c, SERVER_BODY_AUTO);
    script_respond(c, 401, NULL, "again");
    script_recv_request(c);
    script_recv_body(c, SERVER_BODY_AUTO);
    script_respond(c, 200, NULL, "done");

    request = open_request(&f, L"POST", L"/resend", 0);
    ok_bool_err(WinHttpSendRequest(request, NULL, 0, data, 7, 7, 0), TRUE, 0);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    ok_int(status_of(request), 401);
    read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    ok(!strcmp(buffer, "again"), "body %s", buffer);
    ok_bool_err(WinHttpSendRequest(request, NULL, 0, data, 7, 7, 0), TRUE, 0);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    ok_int(status_of(request), 200);
    read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    ok(!strcmp(buffer, "done"), "body %s", buffer);
    WinHttpCloseHandle(request);
    fixture_finish(&f);

    ok_int(server_requests(f.srv), 2);
    ok_int(server_connections(f.srv), 1);
    ok(starts_with(head_of(&f, 1), "POST /resend HTTP/1.1\r\n"), "resent: %s", head_of(&f, 1));
    body = body_of(&f, 1, &length);
    ok(length == 7 && !memcmp(body, "payload", 7), "resent body %.*s", (int)length, body);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* WINHTTP_DISABLE_KEEP_ALIVE: the connection is not kept for the next
 * request, and the request does not ask for a persistent one. */
static void test_disable_keep_alive(void)
{
    HTTP1_WIRE_ONLY("connections per request (WINHTTP_DISABLE_KEEP_ALIVE): HTTP/2's one connection is nginx's");
    struct fixture f;
    struct script *c;
    HINTERNET request;
    DWORD feature = WINHTTP_DISABLE_KEEP_ALIVE;
    char buffer[64];

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "one");
    script_recv_request(c);     /* only if the client wrongly reuses the connection */
    script_respond(c, 200, NULL, "two");
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "two");

    request = open_request(&f, L"GET", L"/1", 0);
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_DISABLE_FEATURE, &feature, sizeof(feature)), TRUE, 0);
    if (send_and_receive(request))
    {
        read_body(request, buffer, sizeof(buffer), sizeof(buffer));
        ok(!strcmp(buffer, "one"), "body %s", buffer);
    }
    WinHttpCloseHandle(request);
    expect_response(&f, L"GET", L"/2", 200, "two");
    fixture_finish(&f);

    ok_int(server_connections(f.srv), 2);
    ok(!has_line(head_of(&f, 0), "Connection: Keep-Alive"), "keep-alive asked: %s", head_of(&f, 0));
    ok(has_line(head_of(&f, 1), "Connection: Keep-Alive"), "second request: %s", head_of(&f, 1));
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

static BOOL is_loopback(const SOCKADDR_STORAGE *address, unsigned short port)
{
    const SOCKADDR_IN *in = (const SOCKADDR_IN *)address;
    return in->sin_family == AF_INET && in->sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
           (!port || ntohs(in->sin_port) == port);
}

/* WINHTTP_OPTION_CONNECTION_INFO: the local and remote addresses of the
 * request's connection, once it has one. */
static void test_connection_info(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request;
    WINHTTP_CONNECTION_INFO info;
    DWORD size;
    char buffer[64];

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "info");

    request = open_request(&f, L"GET", L"/", 0);
    size = sizeof(info);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_INFO, &info, &size), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    ok_bool_err(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), TRUE, 0);

    size = 0;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_INFO, &info, &size), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(info));

    memset(&info, 0, sizeof(info));
    size = sizeof(info);
    ok_bool_err(WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_INFO, &info, &size), TRUE, 0);
    ok_int(info.cbSize, sizeof(info));
    ok(is_loopback(&info.RemoteAddress, server_port(f.srv)), "remote address");
    ok(is_loopback(&info.LocalAddress, 0), "local address");

    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    memset(&info, 0, sizeof(info));
    size = sizeof(info);
    ok_bool_err(WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_INFO, &info, &size), TRUE, 0);
    ok(is_loopback(&info.RemoteAddress, server_port(f.srv)), "remote address after the response");
    read_body(request, buffer, sizeof(buffer), sizeof(buffer));
    WinHttpCloseHandle(request);

    /* only request handles have a connection */
    size = sizeof(info);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryOption(f.connect, WINHTTP_OPTION_CONNECTION_INFO, &info, &size), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    fixture_finish(&f);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

/* Kept last: Wine 8's builtin crashes on these calls, and a crash ends the
 * program. */

static void test_write_data_before_send(void)
{
    struct fixture f;
    HINTERNET request;
    DWORD written = 0xdeadbeef;

    if (!fixture_open(&f)) return;
    request = open_request(&f, L"POST", L"/", 0);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpWriteData(request, "x", 1, &written), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    ok_int(written, 0); /* documented: zeroed before any checking */
    WinHttpCloseHandle(request);
    fixture_finish(&f);
    ok_int(server_connections(f.srv), 0);
    fixture_stop(&f);
}

/* WinHttpReadDataEx returns its error rather than setting it. */
static void test_read_data_ex_errors(void)
{
    struct fixture f;
    struct script *c;
    HINTERNET request, closed;
    char buffer[16];
    DWORD got;

    if (!fixture_open(&f)) return;
    c = server_add_connection(f.srv);
    script_recv_request(c);
    script_respond(c, 200, NULL, "ex");

    got = 0xdeadbeef;
    ok_int(WinHttpReadDataEx(NULL, buffer, sizeof(buffer), &got, 0, 0, NULL), ERROR_INVALID_HANDLE);
    ok_int(got, 0);
    ok_int(WinHttpReadDataEx(FORGED, buffer, sizeof(buffer), &got, 0, 0, NULL), ERROR_INVALID_HANDLE);
    closed = open_request(&f, L"GET", L"/", 0);
    WinHttpCloseHandle(closed);
    ok_int(WinHttpReadDataEx(closed, buffer, sizeof(buffer), &got, 0, 0, NULL), ERROR_INVALID_HANDLE);
    ok_int(WinHttpReadDataEx(f.session, buffer, sizeof(buffer), &got, 0, 0, NULL),
           ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    ok_int(WinHttpReadDataEx(f.connect, buffer, sizeof(buffer), &got, 0, 0, NULL),
           ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);

    request = open_request(&f, L"GET", L"/", 0);
    got = 0xdeadbeef;
    ok_int(WinHttpReadDataEx(request, buffer, sizeof(buffer), &got, 0, 0, NULL), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    ok_int(got, 0);
    ok_bool_err(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), TRUE, 0);
    ok_int(WinHttpReadDataEx(request, buffer, sizeof(buffer), &got, 0, 0, NULL), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    ok_bool_err(WinHttpReceiveResponse(request, NULL), TRUE, 0);
    ok_int(WinHttpReadDataEx(request, buffer, sizeof(buffer), &got, 0, 0, NULL), ERROR_SUCCESS);
    ok(got == 2 && !memcmp(buffer, "ex", 2), "read %lu bytes", got);
    WinHttpCloseHandle(request);
    fixture_finish(&f);
    ok_no_server_errors(&f);
    fixture_stop(&f);
}

TEST_CASES(
    TEST(test_get_default_headers),
    TEST(test_post_without_data),
    TEST(test_extra_headers),
    TEST(test_optional_data),
    TEST(test_total_length_and_write),
    TEST(test_chunked_upload),
    TEST(test_framing_headers),
    TEST(test_write_data_after_receive),
    TEST(test_http10_request),
    TEST(test_referrer_and_accept),
    TEST(test_escape_default),
    TEST(test_escape_percent),
    TEST(test_escape_disable),
    TEST(test_escape_disable_query),
    TEST(test_escape_crlf_in_path),
    TEST(test_object_name_gets_slash),
    TEST(test_send_headers_length_zero),
    TEST(test_crlf_in_verb),
    TEST(test_content_length_body),
    TEST(test_chunked_body),
    TEST(test_chunked_extensions_trailers),
    TEST(test_close_delimited_body),
    TEST(test_http10_response),
    TEST(test_head_no_body),
    TEST(test_204_no_body),
    TEST(test_304_no_body),
    TEST(test_interim_responses),
    TEST(test_conflicting_content_length),
    TEST(test_content_length_with_chunked),
    TEST(test_chunk_size_overflow),
    TEST(test_empty_reason_phrase),
    TEST(test_bare_lf_line_ends),
    TEST(test_obs_fold),
    TEST(test_read_sizes),
    TEST(test_call_order),
    TEST(test_wrong_handle_types),
    TEST(test_invalid_handles),
    TEST(test_keep_alive),
    TEST(test_resend),
    TEST(test_disable_keep_alive),
    TEST(test_connection_info),
    TEST(test_write_data_before_send),
    TEST(test_read_data_ex),
    TEST(test_read_data_ex_errors));

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
