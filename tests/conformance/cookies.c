/* Conformance: the session's cookie jar, synchronous mode, against the
 * scripted server.
 *
 * WinHTTP keeps the cookies that responses set (Set-Cookie) in its session
 * and sends them (Cookie) on the session's later requests, unless a request
 * says WINHTTP_DISABLE_COOKIES.  Every case checks the exact request heads
 * the server received.  Expectations are RFC 6265 (sections 5.1-5.4, the
 * rules of host, path and Secure) and, where it leaves a choice, what native
 * Windows is known to do: the facts Wine's own winhttp tests record for
 * native (the spacing, case and order of test_native_facts below).  Where
 * native's order of several cookies is not known, a case accepts either
 * order but no other difference.
 *
 * Every response says "Connection: close", so each request comes on a new
 * connection and the n-th connection script answers the n-th request,
 * whichever session or connect handle sends it.  The server listens on
 * 127.0.0.1; a connect handle for "localhost" reaches it too. */
#include <string.h>

#include "harness.h"
#include "server.h"
#include "winhttp.h"

#define AGENT L"cookies-test/1.0"
#define WAIT_MS 5000

/* ---- helpers ------------------------------------------------------------------------ */

/* The next connection answers one request with `status` and `headers`
 * (each line ending in "\r\n", or NULL), then closes. */
static void serve_status(struct server *srv, int status, const char *headers)
{
    struct script *c = server_add_connection(srv);
    struct response response = { .status = status, .headers = headers, .body = "ok", .flags = RESPONSE_CLOSE };

    script_recv_request(c);
    script_send_response(c, &response);
    script_close(c);
}

static void serve(struct server *srv, const char *headers)
{
    serve_status(srv, 200, headers);
}

static struct server *start(void)
{
    struct server *srv = server_start();

    ok(srv != NULL, "server_start failed");
    return srv;
}

static void stop(struct server *srv)
{
    ok(server_wait_idle(srv, WAIT_MS), "server not idle");
    ok_int(server_errors(srv), 0);
    if (server_errors(srv)) ok(0, "server: %s", server_error_text(srv));
    server_stop(srv);
}

static HINTERNET open_session(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);

    ok(session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    if (session) WinHttpSetTimeouts(session, WAIT_MS, WAIT_MS, WAIT_MS, WAIT_MS);
    return session;
}

static HINTERNET connect_to(HINTERNET session, const WCHAR *host, struct server *srv)
{
    HINTERNET connect = WinHttpConnect(session, host, server_port(srv), 0);

    ok(connect != NULL, "WinHttpConnect(%ls) failed: %lu", host, GetLastError());
    return connect;
}

/* GET `path` with the application's `headers` (or NULL) and, if nonzero,
 * WINHTTP_OPTION_DISABLE_FEATURE `disable`; reads the body and closes the
 * request.  Returns the status code, 0 on failure. */
static DWORD get(HINTERNET connect, const WCHAR *path, const WCHAR *headers, DWORD disable)
{
    HINTERNET request = WinHttpOpenRequest(connect, L"GET", path, NULL, NULL, NULL, 0);
    DWORD status = 0, size = sizeof(status), read;
    char buffer[256];

    ok(request != NULL, "WinHttpOpenRequest(%ls) failed: %lu", path, GetLastError());
    if (!request) return 0;
    if (disable)
        ok(WinHttpSetOption(request, WINHTTP_OPTION_DISABLE_FEATURE, &disable, sizeof(disable)),
           "WINHTTP_OPTION_DISABLE_FEATURE %#lx failed: %lu", (unsigned long)disable, GetLastError());
    if (!WinHttpSendRequest(request, headers, headers ? (DWORD)-1 : 0, NULL, 0, 0, 0))
        ok(0, "WinHttpSendRequest(%ls) failed: %lu", path, GetLastError());
    else if (!WinHttpReceiveResponse(request, NULL))
        ok(0, "WinHttpReceiveResponse(%ls) failed: %lu", path, GetLastError());
    else
    {
        if (!WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status,
                                 &size, NULL))
            ok(0, "status of %ls: error %lu", path, GetLastError());
        while (WinHttpReadData(request, buffer, sizeof(buffer), &read) && read) {}
    }
    WinHttpCloseHandle(request);
    return status;
}

#define ok_get(connect, path, headers, disable) ok_int(get(connect, path, headers, disable), 200)

/* The request head the server read i-th, or "" (and a failure) if none. */
static const char *head_of(struct server *srv, int i)
{
    const struct server_request *r = server_request(srv, i);

    ok(r != NULL, "the server read no request %d (%ld in all)", i, server_requests(srv));
    return r ? r->head : "";
}

/* The start of the request line (up to " HTTP/"), for messages. */
static const char *request_line(const char *head, char *buffer, size_t size)
{
    const char *end = strstr(head, " HTTP/");
    size_t length = end ? (size_t)(end - head) : strcspn(head, "\r\n");

    if (length >= size) length = size - 1;
    memcpy(buffer, head, length);
    buffer[length] = 0;
    return buffer;
}

/* Checks that request i's head has exactly one Cookie header line, spelt
 * "Cookie: " + one of the values given (want2 may be NULL), or none at all
 * if want1 is NULL.  On failure the whole head is printed. */
static void check_cookie(const char *file, int line, struct server *srv, int i, const char *want1,
                         const char *want2)
{
    const char *head = head_of(srv, i), *first = NULL, *p;
    char value[1024] = "", what[256];
    int count = 0, good;

    for (p = head; *p; )
    {
        const char *eol = strstr(p, "\r\n");

        if (!eol) break;
        if (!_strnicmp(p, "Cookie:", 7))
        {
            if (!count++) first = p;
        }
        p = eol + 2;
    }
    if (first)
    {
        size_t length = strstr(first, "\r\n") - first;

        if (length >= sizeof(value)) length = sizeof(value) - 1;
        memcpy(value, first, length);
        value[length] = 0;
    }
    if (!want1) good = !count;
    else
    {
        good = count == 1 && !strncmp(value, "Cookie: ", 8) &&
               (!strcmp(value + 8, want1) || (want2 && !strcmp(value + 8, want2)));
    }
    harness_check(file, line, good, "request %d (%s): %d Cookie line(s), first \"%s\"; want %s%s%s%s%s; head:\n%s",
                  i, request_line(head, what, sizeof(what)), count, first ? value : "(none)",
                  want1 ? "\"Cookie: " : "no Cookie header", want1 ? want1 : "", want1 ? "\"" : "",
                  want2 ? " or the same in the other order: " : "", want2 ? want2 : "", head);
}

#define ok_cookie(srv, i, want) check_cookie(__FILE__, __LINE__, srv, i, want, NULL)
#define ok_cookie_either(srv, i, want1, want2) check_cookie(__FILE__, __LINE__, srv, i, want1, want2)
#define ok_no_cookie(srv, i) check_cookie(__FILE__, __LINE__, srv, i, NULL, NULL)

/* ---- cases -------------------------------------------------------------------------- */

/* A cookie a response set goes on the session's next requests to that
 * host, through the same connect handle or a new one; another session has
 * its own jar. */
static void test_same_session(void)
{
    struct server *srv = start();
    HINTERNET session, session2, connect, connect2, other;

    if (!srv) return;
    serve(srv, "Set-Cookie: a=1\r\n");
    serve(srv, NULL);
    serve(srv, NULL);
    serve(srv, NULL);
    session = open_session();
    session2 = open_session();
    connect = connect_to(session, L"127.0.0.1", srv);
    ok_get(connect, L"/", NULL, 0);
    ok_get(connect, L"/next", NULL, 0);
    connect2 = connect_to(session, L"127.0.0.1", srv);
    ok_get(connect2, L"/again", NULL, 0);
    other = connect_to(session2, L"127.0.0.1", srv);
    ok_get(other, L"/elsewhere", NULL, 0);

    ok_int(server_requests(srv), 4);
    ok_no_cookie(srv, 0);
    ok_cookie(srv, 1, "a=1");
    ok_cookie(srv, 2, "a=1");
    ok_no_cookie(srv, 3);
    WinHttpCloseHandle(other);
    WinHttpCloseHandle(connect2);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session2);
    WinHttpCloseHandle(session);
    stop(srv);
}

/* What Wine's tests record for native (test_cookies in
 * dlls/winhttp/tests/winhttp.c): names keep their case, the spaces around
 * name and value go, the cookie set later comes first, the application's
 * own Cookie header is merged in front of the jar's into one line, and a
 * cookie whose Expires is in the past (13 Jan 2021) is still sent. */
static void test_native_facts(void)
{
    struct server *srv = start();
    HINTERNET session, connect;

    if (!srv) return;
    serve(srv, "Set-Cookie: name = value \r\nSet-Cookie: NAME = value \r\n");
    serve(srv, NULL);
    serve(srv, NULL);
    serve(srv, "Set-Cookie: name2=value; Domain = localhost; Path=/cookie5;"
               "Expires=Wed, 13 Jan 2021 22:23:01 GMT; HttpOnly; \r\n");
    serve(srv, NULL);

    session = open_session();
    connect = connect_to(session, L"localhost", srv);
    ok_get(connect, L"/cookie", NULL, 0);
    ok_get(connect, L"/cookie2", NULL, 0);
    ok_get(connect, L"/cookie3", L"Cookie: name=value2\r\n", 0);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);

    /* a new session: its jar holds only what /cookie4 sets */
    session = open_session();
    connect = connect_to(session, L"localhost", srv);
    ok_get(connect, L"/cookie4", NULL, 0);
    ok_get(connect, L"/cookie5", NULL, 0);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);

    ok_int(server_requests(srv), 5);
    ok_no_cookie(srv, 0);
    ok_cookie(srv, 1, "NAME=value; name=value");
    ok_cookie(srv, 2, "name=value2; NAME=value; name=value");
    ok_no_cookie(srv, 3);
    ok_cookie(srv, 4, "name2=value");
    stop(srv);
}

/* RFC 6265 5.1.4: Path=/a matches /a and /a/..., not /ab nor /; a cookie
 * without Path gets the directory of the request's path (/dir from
 * /dir/page), which for a path with one '/' is "/" (from /top: sent to
 * /other; a new session, so that no other cookie is in its jar). */
static void test_path_rules(void)
{
    static const WCHAR *paths[] = { L"/a", L"/a/b", L"/ab", L"/", L"/dir", L"/dir/other", L"/directory", L"/other" };
    static const char *want[] = { "p=1", "p=1", NULL, NULL, "d=1", "d=1", NULL, NULL };
    struct server *srv = start();
    HINTERNET session, connect;
    int i;

    if (!srv) return;
    serve(srv, "Set-Cookie: p=1; Path=/a\r\n");
    serve(srv, "Set-Cookie: d=1\r\n");
    for (i = 0; i < (int)ARRAYSIZE(paths); i++) serve(srv, NULL);
    serve(srv, "Set-Cookie: t=1\r\n");
    serve(srv, NULL);

    session = open_session();
    connect = connect_to(session, L"127.0.0.1", srv);
    ok_get(connect, L"/set", NULL, 0);
    ok_get(connect, L"/dir/page", NULL, 0);
    for (i = 0; i < (int)ARRAYSIZE(paths); i++) ok_get(connect, paths[i], NULL, 0);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);

    session = open_session();
    connect = connect_to(session, L"127.0.0.1", srv);
    ok_get(connect, L"/top", NULL, 0);
    ok_get(connect, L"/other", NULL, 0);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);

    ok_int(server_requests(srv), 4 + (int)ARRAYSIZE(paths));
    ok_no_cookie(srv, 0);
    ok_no_cookie(srv, 1);   /* p=1 is for /a only */
    for (i = 0; i < (int)ARRAYSIZE(paths); i++) check_cookie(__FILE__, __LINE__, srv, 2 + i, want[i], NULL);
    i += 2;
    ok_no_cookie(srv, i);               /* /top */
    ok_cookie(srv, i + 1, "t=1");       /* /other */
    stop(srv);
}

/* A host-only cookie goes back to its host only: "localhost" and
 * "127.0.0.1" are two hosts, though the same server.  A Domain attribute
 * naming a domain the host is not in (example.com from localhost) makes
 * the Set-Cookie ignored (RFC 6265 5.3 step 6). */
static void test_host_rules(void)
{
    struct server *srv = start();
    HINTERNET session, by_name, by_address;

    if (!srv) return;
    serve(srv, "Set-Cookie: h=local\r\n");
    serve(srv, "Set-Cookie: i=ip\r\n");
    serve(srv, "Set-Cookie: e=1; Domain=example.com\r\n");
    serve(srv, NULL);
    serve(srv, NULL);

    session = open_session();
    by_name = connect_to(session, L"localhost", srv);
    by_address = connect_to(session, L"127.0.0.1", srv);
    ok_get(by_name, L"/", NULL, 0);
    ok_get(by_address, L"/", NULL, 0);
    ok_get(by_name, L"/domain", NULL, 0);
    ok_get(by_name, L"/check", NULL, 0);
    ok_get(by_address, L"/check", NULL, 0);
    WinHttpCloseHandle(by_address);
    WinHttpCloseHandle(by_name);
    WinHttpCloseHandle(session);

    ok_int(server_requests(srv), 5);
    ok_no_cookie(srv, 0);
    ok_no_cookie(srv, 1);           /* h=local is not for 127.0.0.1 */
    ok_cookie(srv, 2, "h=local");   /* i=ip is not for localhost */
    ok_cookie(srv, 3, "h=local");   /* no e=1 */
    ok_cookie(srv, 4, "i=ip");
    stop(srv);
}

/* A Secure cookie set over http: not stored (RFC 6265bis 5.6 step 8) or at
 * least never sent over http; a plain cookie set afterwards still is.  Both
 * have the path "/", so only Secure can keep s=1 off /next and /last. */
static void test_secure_over_http(void)
{
    struct server *srv = start();
    HINTERNET session, connect;

    if (!srv) return;
    serve(srv, "Set-Cookie: s=1; Secure\r\n");     /* from "/": its path is "/" */
    serve(srv, "Set-Cookie: plain=1; Path=/\r\n");
    serve(srv, NULL);

    session = open_session();
    connect = connect_to(session, L"127.0.0.1", srv);
    ok_get(connect, L"/", NULL, 0);
    ok_get(connect, L"/next", NULL, 0);
    ok_get(connect, L"/last", NULL, 0);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);

    ok_int(server_requests(srv), 3);
    ok_no_cookie(srv, 0);
    ok_no_cookie(srv, 1);
    ok_cookie(srv, 2, "plain=1");
    stop(srv);
}

/* WINHTTP_DISABLE_COOKIES on a request: it sends none of the session's
 * cookies and keeps none its response sets; the next request is as if it
 * had not been. */
static void test_disable_cookies(void)
{
    struct server *srv = start();
    HINTERNET session, connect;

    if (!srv) return;
    serve(srv, "Set-Cookie: a=1\r\n");
    serve(srv, "Set-Cookie: b=2; Path=/\r\n");
    serve(srv, NULL);

    session = open_session();
    connect = connect_to(session, L"127.0.0.1", srv);
    ok_get(connect, L"/", NULL, 0);
    ok_get(connect, L"/disabled", NULL, WINHTTP_DISABLE_COOKIES);
    ok_get(connect, L"/next", NULL, 0);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);

    ok_int(server_requests(srv), 3);
    ok_no_cookie(srv, 0);
    ok_no_cookie(srv, 1);
    ok_cookie(srv, 2, "a=1");
    stop(srv);
}

/* A 302 that sets a cookie: the redirected request carries it; the final
 * response's cookie is in the jar for the next request.  r has
 * Path=/final so that the last request shows f alone (no order to
 * guess); f has Path=/ so that only the redirect is tested here. */
static void test_redirect(void)
{
    struct server *srv = start();
    HINTERNET session, connect;

    if (!srv) return;
    serve_status(srv, 302, "Location: /final\r\nSet-Cookie: r=1; Path=/final\r\n");
    serve(srv, "Set-Cookie: f=2; Path=/\r\n");
    serve(srv, NULL);

    session = open_session();
    connect = connect_to(session, L"127.0.0.1", srv);
    ok_get(connect, L"/start", NULL, 0);
    ok_get(connect, L"/next", NULL, 0);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);

    ok_int(server_requests(srv), 3);
    ok(!strncmp(head_of(srv, 1), "GET /final HTTP/1.1\r\n", 21), "redirected request: %.40s", head_of(srv, 1));
    ok_no_cookie(srv, 0);
    ok_cookie(srv, 1, "r=1");
    ok_cookie(srv, 2, "f=2");
    stop(srv);
}

/* Several Set-Cookie headers in one response: a later one of the same
 * name (domain and path) replaces the earlier, and one without '=' is
 * ignored (RFC 6265 5.2 step 2); a later response replaces again.  Native's
 * order of x and y is not known: either is accepted. */
static void test_several_and_replaced(void)
{
    struct server *srv = start();
    HINTERNET session, connect;

    if (!srv) return;
    serve(srv, "Set-Cookie: x=1\r\nSet-Cookie: y=2\r\nSet-Cookie: x=3\r\nSet-Cookie: flag\r\n");
    serve(srv, "Set-Cookie: x=4; Path=/\r\n");
    serve(srv, NULL);

    session = open_session();
    connect = connect_to(session, L"127.0.0.1", srv);
    ok_get(connect, L"/", NULL, 0);
    ok_get(connect, L"/replace", NULL, 0);
    ok_get(connect, L"/check", NULL, 0);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);

    ok_int(server_requests(srv), 3);
    ok_no_cookie(srv, 0);
    ok_cookie_either(srv, 1, "x=3; y=2", "y=2; x=3");
    ok_cookie_either(srv, 2, "x=4; y=2", "y=2; x=4");
    stop(srv);
}

TEST_CASES(TEST(test_same_session), TEST(test_native_facts), TEST(test_path_rules), TEST(test_host_rules),
           TEST(test_secure_over_http), TEST(test_disable_cookies), TEST(test_redirect),
           TEST(test_several_and_replaced));

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
