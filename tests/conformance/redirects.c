/* Conformance (synchronous mode): automatic redirects, the keep-alive
 * connection pool, and connecting (refused, unresolvable, timeouts, every
 * address tried).  Each case runs its own scripted servers on 127.0.0.1. */
#include <string.h>
#include "harness.h"
#include "client.h"
#include "server.h"
#include "winhttp.h"
#include "mode.h"

/* ---- helpers ----------------------------------------------------------------- */

struct handles { HINTERNET session, connect, request; };

static HINTERNET open_session(void)
{
    HINTERNET session = WinHttpOpen(L"redirects/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    ok(session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    return session;
}

static HINTERNET open_request(HINTERNET connect, const WCHAR *verb, const WCHAR *path)
{
    HINTERNET request = WinHttpOpenRequest(connect, verb, path, NULL, NULL, NULL, 0);
    ok(request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    return request;
}

static struct handles open_all(const WCHAR *host, INTERNET_PORT port, const WCHAR *verb, const WCHAR *path)
{
    struct handles h;

    h.session = open_session();
    h.connect = WinHttpConnect(h.session, host, port, 0);
    ok(h.connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    h.request = open_request(h.connect, verb, path);
    return h;
}

/* A server whose reads give up after 2 s, so a client that never sends what
 * the script waits for costs little time. */
static struct server *start_server(void)
{
    struct server *srv = server_start();

    ok(srv != NULL, "server_start failed");
    server_set_timeout(srv, 2000);
    return srv;
}

static struct handles open_local(struct server *srv, const WCHAR *verb, const WCHAR *path)
{
    return open_all(L"127.0.0.1", server_port(srv), verb, path);
}

static void close_all(struct handles *h)
{
    WinHttpCloseHandle(h->request);
    WinHttpCloseHandle(h->connect);
    WinHttpCloseHandle(h->session);
}

static BOOL set_dword(HINTERNET handle, DWORD option, DWORD value)
{
    return WinHttpSetOption(handle, option, &value, sizeof(value));
}

/* Sends (with an optional whole body) and receives the response head. */
static BOOL send_receive(HINTERNET request, const WCHAR *headers, const char *body)
{
    DWORD length = body ? (DWORD)strlen(body) : 0;

    if (!WinHttpSendRequest(request, headers, headers ? (DWORD)-1 : 0, (void *)body, length, length, 0))
        return FALSE;
    return WinHttpReceiveResponse(request, NULL);
}

/* Reads the whole body into buffer (NUL-terminated); returns its length or -1. */
static int read_body(HINTERNET request, char *buffer, int size)
{
    int total = 0;
    DWORD read;

    for (;;)
    {
        if (!WinHttpReadData(request, buffer + total, size - 1 - total, &read)) return -1;
        if (!read) break;
        total += read;
        if (total == size - 1) break;
    }
    buffer[total] = 0;
    return total;
}

static void check_body(HINTERNET request, const char *want)
{
    char buffer[256];
    int length = read_body(request, buffer, sizeof(buffer));

    ok(length == (int)strlen(want) && !strcmp(buffer, want), "body \"%s\" (%d), want \"%s\"", buffer, length,
       want);
}

static void check_url(HINTERNET request, const WCHAR *want)
{
    WCHAR url[256];
    DWORD size = sizeof(url);

    url[0] = 0;
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_URL, url, &size), "query URL failed: %lu", GetLastError());
    ok_wstr(url, want);
}

static const char *head_of(struct server *srv, int i)
{
    const struct server_request *r = server_request(srv, i);
    return r ? r->head : "";
}

static void check_line(struct server *srv, int i, const char *start)
{
    const char *head = head_of(srv, i);
    ok(!strncmp(head, start, strlen(start)), "request %d starts \"%.40s\", want \"%s\"", i, head, start);
}

/* Header names are compared as the client sent them: "\r\nName:" */
/* Whether the head holds the text; in HTTP/2 mode ignoring case, since
 * nginx forwards the names in lower case. */
static BOOL head_has(struct server *srv, int i, const char *text)
{
    const char *head = head_of(srv, i);
    size_t length = strlen(text);

    if (!harness_http2_mode()) return strstr(head, text) != NULL;
    for (; *head; head++)
        if (!_strnicmp(head, text, length)) return TRUE;
    return FALSE;
}

static void check_request_body(struct server *srv, int i, const char *want)
{
    const struct server_request *r = server_request(srv, i);
    size_t want_length = want ? strlen(want) : 0;
    size_t got_length = r && r->body ? r->body_length : 0;

    ok(r && got_length == want_length && (!want_length || !memcmp(r->body, want, want_length)),
       "request %d body %.*s (%lu), want %s", i, (int)got_length, r && r->body ? r->body : "", (unsigned long)got_length,
       want ? want : "none");
}

/* Every POST or PUT the server read came with its whole body (a request
 * sent again must not go out without it). */
static void check_bodies_complete(struct server *srv, const char *body)
{
    for (int i = 0; i < server_requests(srv); i++)
    {
        const char *head = head_of(srv, i);
        if (strncmp(head, "POST ", 5) && strncmp(head, "PUT ", 4)) continue;
        check_request_body(srv, i, body);
    }
}

/* WinHttpSendRequest with no data, then the body with WinHttpWriteData. */
static BOOL send_written(HINTERNET request, const char *body)
{
    DWORD length = (DWORD)strlen(body), written = 0;

    if (!WinHttpSendRequest(request, NULL, 0, NULL, 0, length, 0)) return FALSE;
    return WinHttpWriteData(request, body, length, &written) && written == length;
}

static void script_redirect(struct script *c, int status, const char *location)
{
    char headers[256];

    snprintf(headers, sizeof(headers), "Location: %s\r\n", location);
    script_recv_request(c);
    script_recv_body(c, SERVER_BODY_AUTO);
    script_respond(c, status, headers, "moved");
}

static void script_ok(struct script *c, const char *body)
{
    script_recv_request(c);
    script_recv_body(c, SERVER_BODY_AUTO);
    script_respond(c, 200, NULL, body);
}

static void finish_server(struct server *srv)
{
    ok(server_wait_idle(srv, 5000), "server still busy");
    ok(server_errors(srv) == 0, "server errors: %s", server_error_text(srv));
    server_stop(srv);
}

/* ---- redirects: status codes and methods -------------------------------------------- */

static void test_redirect_301_relative(void)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct handles h;

    script_redirect(c, 301, "/new/place?x=1");
    script_ok(c, "final");
    h = open_local(srv, L"GET", L"/old");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    ok_int(status_of(h.request), 200);
    check_body(h.request, "final");
    close_all(&h);
    ok_int(server_requests(srv), 2);
    check_line(srv, 1, "GET /new/place?x=1 HTTP/1.1\r\n");
    finish_server(srv);
}

/* A Location without a leading slash resolves against the current directory
 * (RFC 3986 section 5.2). */
static void test_redirect_302_relative_path(void)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct handles h;
    WCHAR want[64];

    script_redirect(c, 302, "other?q=2");
    script_ok(c, "final");
    h = open_local(srv, L"GET", L"/dir/page?old=1");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    ok_int(status_of(h.request), 200);
    check_body(h.request, "final");
    swprintf(want, ARRAYSIZE(want), L"%ls://127.0.0.1:%u/dir/other?q=2", mode_scheme_w(), server_port(srv));
    check_url(h.request, want);
    close_all(&h);
    check_line(srv, 1, "GET /dir/other?q=2 HTTP/1.1\r\n");
    finish_server(srv);
}

/* 303 See Other: the method becomes GET and the body is not sent again
 * (RFC 9110 section 15.4.4); 301/302 turn POST into GET as browsers do and
 * as WinHTTP does (section 15.4.2/15.4.3 allow it). */
static void check_post_becomes_get(int status)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct handles h;

    script_redirect(c, status, "/target");
    script_ok(c, "got");
    h = open_local(srv, L"POST", L"/form");
    ok(send_receive(h.request, L"Content-Type: text/plain\r\n", "a=1&b=2"), "send/receive failed: %lu",
       GetLastError());
    ok_int(status_of(h.request), 200);
    check_body(h.request, "got");
    close_all(&h);
    ok(server_wait_idle(srv, 5000), "server still busy");
    check_line(srv, 0, "POST /form HTTP/1.1\r\n");
    check_request_body(srv, 0, "a=1&b=2");
    check_line(srv, 1, "GET /target HTTP/1.1\r\n");
    check_request_body(srv, 1, NULL);
    ok(!head_has(srv, 1, "Content-Length: 7"), "GET after %d still announces the body:\n%s", status, head_of(srv, 1));
    finish_server(srv);
}

static void test_redirect_303_post_to_get(void) { check_post_becomes_get(303); }
static void test_redirect_301_post_to_get(void) { check_post_becomes_get(301); }
static void test_redirect_302_post_to_get(void) { check_post_becomes_get(302); }

/* 307 and 308 keep the method and the body (RFC 9110 sections 15.4.8/15.4.9). */
static void check_method_kept(int status, const WCHAR *verb, const char *line)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct handles h;

    script_redirect(c, status, "/again");
    script_ok(c, "kept");
    h = open_local(srv, verb, L"/first");
    ok(send_receive(h.request, NULL, "payload"), "send/receive failed: %lu", GetLastError());
    ok_int(status_of(h.request), 200);
    check_body(h.request, "kept");
    close_all(&h);
    ok(server_wait_idle(srv, 5000), "server still busy");
    check_line(srv, 1, line);
    check_request_body(srv, 1, "payload");
    finish_server(srv);
}

static void test_redirect_307_keeps_post(void) { check_method_kept(307, L"POST", "POST /again HTTP/1.1\r\n"); }
static void test_redirect_308_keeps_put(void) { check_method_kept(308, L"PUT", "PUT /again HTTP/1.1\r\n"); }

/* HEAD is safe: every redirect keeps it (RFC 9110 section 15.4.4 lets 303
 * keep HEAD). */
static void test_redirect_head_stays_head(void)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct handles h;

    script_recv_request(c);
    script_send(c, "HTTP/1.1 303 See Other\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n", 0);
    script_recv_request(c);
    script_send(c, "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", 0);
    h = open_local(srv, L"HEAD", L"/a");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    ok_int(status_of(h.request), 200);
    check_body(h.request, "");
    close_all(&h);
    ok(server_wait_idle(srv, 5000), "server still busy");
    check_line(srv, 1, "HEAD /b HTTP/1.1\r\n");
    finish_server(srv);
}

/* ---- redirects: another origin, URL, callback ---------------------------------------- */

struct redirect_log
{
    int count;
    WCHAR url[4][256];
};

static void CALLBACK redirect_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct redirect_log *log = (struct redirect_log *)context;

    if (status != WINHTTP_CALLBACK_STATUS_REDIRECT || !log) return;
    if (log->count < 4 && info) lstrcpynW(log->url[log->count], info, 256);
    log->count++;
}

static void test_redirect_other_origin(void)
{
    struct server *first = start_server(), *second = start_server();
    struct script *c1 = server_add_connection(first), *c2 = server_add_connection(second);
    char location[64], host[64];
    WCHAR want[64];
    struct handles h;

    snprintf(location, sizeof(location), "%s://127.0.0.1:%u/elsewhere", mode_scheme(), server_port(second));
    script_redirect(c1, 302, location);
    script_ok(c2, "there");
    h = open_local(first, L"GET", L"/here");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    ok_int(status_of(h.request), 200);
    check_body(h.request, "there");
    swprintf(want, ARRAYSIZE(want), L"%ls://127.0.0.1:%u/elsewhere", mode_scheme_w(), server_port(second));
    check_url(h.request, want);
    close_all(&h);
    ok_int(server_requests(first), 1);
    ok_int(server_requests(second), 1);
    check_line(second, 0, "GET /elsewhere HTTP/1.1\r\n");
    snprintf(host, sizeof(host), "\r\nHost: 127.0.0.1:%u\r\n", server_port(second));
    ok(head_has(second, 0, host), "no %s in\n%s", host + 2, head_of(second, 0));
    finish_server(first);
    finish_server(second);
}

/* WINHTTP_CALLBACK_STATUS_REDIRECT carries the new URL; synchronous
 * requests get their callbacks too. */
static void test_redirect_callback(void)
{
    struct server *first = start_server(), *second = start_server();
    struct script *c1 = server_add_connection(first), *c2 = server_add_connection(second);
    struct redirect_log log = { 0 };
    char location[64];
    WCHAR want[64];
    struct handles h;

    snprintf(location, sizeof(location), "%s://127.0.0.1:%u/cb", mode_scheme(), server_port(second));
    script_redirect(c1, 301, location);
    script_ok(c2, "done");
    h = open_local(first, L"GET", L"/start");
    WinHttpSetStatusCallback(h.request, redirect_callback, WINHTTP_CALLBACK_FLAG_REDIRECT, 0);
    ok(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, (DWORD_PTR)&log), "send failed: %lu", GetLastError());
    ok(WinHttpReceiveResponse(h.request, NULL), "receive failed: %lu", GetLastError());
    ok_int(log.count, 1);
    swprintf(want, ARRAYSIZE(want), L"%ls://127.0.0.1:%u/cb", mode_scheme_w(), server_port(second));
    ok_wstr(log.url[0], want);
    check_body(h.request, "done");
    close_all(&h);
    finish_server(first);
    finish_server(second);
}

/* A header the application added goes with the request to the new URL, but
 * credentials do not travel to another origin (RFC 9110 section 15.4:
 * a client SHOULD drop Authorization on a cross-origin redirect). */
static void test_redirect_authorization_not_forwarded(void)
{
    struct server *first = start_server(), *second = start_server();
    struct script *c1 = server_add_connection(first), *c2 = server_add_connection(second);
    char location[64];
    struct handles h;

    snprintf(location, sizeof(location), "%s://127.0.0.1:%u/x", mode_scheme(), server_port(second));
    script_redirect(c1, 302, location);
    script_ok(c2, "x");
    h = open_local(first, L"GET", L"/secret");
    ok(send_receive(h.request, L"Authorization: Bearer s3cret\r\nX-Custom: kept\r\n", NULL),
       "send/receive failed: %lu", GetLastError());
    ok_int(status_of(h.request), 200);
    check_body(h.request, "x");
    close_all(&h);
    ok(head_has(first, 0, "\r\nAuthorization: Bearer s3cret\r\n"), "first request:\n%s", head_of(first, 0));
    ok(!head_has(second, 0, "s3cret"), "credentials sent to another origin:\n%s", head_of(second, 0));
    ok(head_has(second, 0, "\r\nX-Custom: kept\r\n"), "added header lost:\n%s", head_of(second, 0));
    finish_server(first);
    finish_server(second);
}

/* A network-path reference ("//host:port/path") keeps the scheme and
 * changes the authority (RFC 3986 section 4.2). */
static void test_redirect_network_path(void)
{
    struct server *first = start_server(), *second = start_server();
    char location[64];
    WCHAR want[64];
    struct handles h;

    snprintf(location, sizeof(location), "//127.0.0.1:%u/np", server_port(second));
    script_redirect(server_add_connection(first), 301, location);
    script_ok(server_add_connection(second), "np");
    h = open_local(first, L"GET", L"/a");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    check_body(h.request, "np");
    swprintf(want, ARRAYSIZE(want), L"%ls://127.0.0.1:%u/np", mode_scheme_w(), server_port(second));
    check_url(h.request, want);
    close_all(&h);
    check_line(second, 0, "GET /np HTTP/1.1\r\n");
    finish_server(first);
    finish_server(second);
}

/* A fragment in Location is never sent: a request target has none (RFC 9112
 * section 3.2). */
static void test_redirect_fragment_not_sent(void)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct handles h;

    script_redirect(c, 302, "/frag?k=v#part");
    script_ok(c, "frag");
    h = open_local(srv, L"GET", L"/a");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    check_body(h.request, "frag");
    close_all(&h);
    check_line(srv, 1, "GET /frag?k=v HTTP/1.1\r\n");
    finish_server(srv);
}

/* The new location does not answer: the request fails as a first request to
 * it would, with ERROR_WINHTTP_CANNOT_CONNECT. */
static INTERNET_PORT closed_port(void);

static void test_redirect_target_refused(void)
{
    struct server *srv = start_server();
    char location[64];
    struct handles h;

    snprintf(location, sizeof(location), "%s://127.0.0.1:%u/gone", mode_scheme(), closed_port());
    script_redirect(server_add_connection(srv), 302, location);
    h = open_local(srv, L"GET", L"/a");
    ok(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0), "send failed: %lu", GetLastError());
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReceiveResponse(h.request, NULL), FALSE, ERROR_WINHTTP_CANNOT_CONNECT);
    close_all(&h);
    finish_server(srv);
}

/* 307 with a body written by WinHttpWriteData: WinHTTP no longer has it, so
 * the request must not be repeated without it; whatever happens, what the
 * server gets is whole. */
static void test_redirect_307_written_body(void)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct handles h;
    BOOL received;

    script_redirect(c, 307, "/again");
    script_ok(c, "kept");
    h = open_local(srv, L"POST", L"/first");
    ok(send_written(h.request, "written"), "send/write failed: %lu", GetLastError());
    received = WinHttpReceiveResponse(h.request, NULL);
    if (received)
    {
        DWORD status = status_of(h.request);
        ok(status == 307 || status == 200, "status %lu", status);
    }
    close_all(&h);
    server_wait_idle(srv, 3000);
    check_request_body(srv, 0, "written");
    check_bodies_complete(srv, "written");
    server_stop(srv);
}

/* ---- redirects: policy, disabling, limits ---------------------------------------------- */

/* The 3xx comes back to the caller as is, with its Location and body. */
static void check_not_followed(HINTERNET request, struct server *srv)
{
    WCHAR location[64];
    DWORD size = sizeof(location);

    ok(send_receive(request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    ok_int(status_of(request), 302);
    ok(WinHttpQueryHeaders(request, WINHTTP_QUERY_LOCATION, NULL, location, &size, NULL), "no Location: %lu",
       GetLastError());
    ok_wstr(location, L"/next");
    check_body(request, "moved");
    ok_int(server_requests(srv), 1);
}

static void test_redirect_policy_never(void)
{
    struct server *srv = start_server();
    struct handles h;

    script_redirect(server_add_connection(srv), 302, "/next");
    h = open_local(srv, L"GET", L"/a");
    ok(set_dword(h.request, WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_NEVER),
       "set policy failed: %lu", GetLastError());
    check_not_followed(h.request, srv);
    close_all(&h);
    finish_server(srv);
}

static void test_redirect_disable_feature(void)
{
    struct server *srv = start_server();
    struct handles h;

    script_redirect(server_add_connection(srv), 302, "/next");
    h = open_local(srv, L"GET", L"/a");
    ok(set_dword(h.request, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_REDIRECTS), "disable failed: %lu",
       GetLastError());
    check_not_followed(h.request, srv);
    close_all(&h);
    finish_server(srv);
}

static void check_policy_follows(DWORD policy, BOOL on_session)
{
    struct server *first = start_server(), *second = start_server();
    char location[64];
    struct handles h;

    snprintf(location, sizeof(location), "%s://127.0.0.1:%u/p", mode_scheme(), server_port(second));
    script_redirect(server_add_connection(first), 302, location);
    script_ok(server_add_connection(second), "followed");
    h = open_local(first, L"GET", L"/a");
    ok(set_dword(on_session ? h.session : h.request, WINHTTP_OPTION_REDIRECT_POLICY, policy),
       "set policy failed: %lu", GetLastError());
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    ok_int(status_of(h.request), 200);
    check_body(h.request, "followed");
    close_all(&h);
    finish_server(first);
    finish_server(second);
}

static void test_redirect_policy_always(void)
{
    check_policy_follows(WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS, FALSE);
}

/* The default policy, DISALLOW_HTTPS_TO_HTTP, follows http -> http, also to
 * another origin (set on the session: requests opened later inherit it). */
static void test_redirect_policy_disallow_https_to_http(void)
{
    HINTERNET session = open_session();
    DWORD policy = 0, size = sizeof(policy);

    ok(WinHttpQueryOption(session, WINHTTP_OPTION_REDIRECT_POLICY, &policy, &size), "query failed: %lu",
       GetLastError());
    ok_int(policy, WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP);
    WinHttpCloseHandle(session);
    check_policy_follows(WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP, TRUE);
}

/* A chain of `hops` redirects /0 -> /1 -> ... on one keep-alive connection,
 * then a 200 if the client gets that far. */
static struct server *chain_server(int hops)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    char location[16];

    for (int i = 0; i < hops; i++)
    {
        snprintf(location, sizeof(location), "/%d", i + 1);
        script_redirect(c, 302, location);
    }
    script_ok(c, "end");
    return srv;
}

/* MAX_HTTP_AUTOMATIC_REDIRECTS = n: n redirects are followed... */
static void test_redirect_max_reached(void)
{
    struct server *srv = chain_server(2);
    struct handles h = open_local(srv, L"GET", L"/0");

    ok(set_dword(h.request, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, 2), "set failed: %lu", GetLastError());
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    ok_int(status_of(h.request), 200);
    check_body(h.request, "end");
    close_all(&h);
    ok_int(server_requests(srv), 3);
    finish_server(srv);
}

/* ... and the redirect past them fails the request with
 * ERROR_WINHTTP_REDIRECT_FAILED (documented for WinHttpReceiveResponse). */
static void test_redirect_max_exceeded(void)
{
    struct server *srv = chain_server(3);
    struct handles h = open_local(srv, L"GET", L"/0");

    ok(set_dword(h.request, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, 2), "set failed: %lu", GetLastError());
    ok(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0), "send failed: %lu", GetLastError());
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReceiveResponse(h.request, NULL), FALSE, ERROR_WINHTTP_REDIRECT_FAILED);
    close_all(&h);
    ok_int(server_requests(srv), 3);
    server_stop(srv);     /* the last step (the 200) never runs */
}

/* A Location pointing at itself ends after the default limit of 10. */
static void test_redirect_loop(void)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct handles h;

    script_redirect(c, 302, "/loop");
    script_repeat(c);
    h = open_local(srv, L"GET", L"/loop");
    ok(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0), "send failed: %lu", GetLastError());
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReceiveResponse(h.request, NULL), FALSE, ERROR_WINHTTP_REDIRECT_FAILED);
    close_all(&h);
    ok_int(server_requests(srv), 11);
    server_stop(srv);
}

static void test_redirect_without_location(void)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct handles h;

    script_recv_request(c);
    script_respond(c, 302, NULL, "nowhere");
    h = open_local(srv, L"GET", L"/a");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    ok_int(status_of(h.request), 302);
    check_body(h.request, "nowhere");
    close_all(&h);
    ok_int(server_requests(srv), 1);
    finish_server(srv);
}

/* The small body of a 3xx is drained, so the connection carries the next hop. */
static void test_redirect_reuses_connection(void)
{
    struct server *srv = chain_server(2);
    struct handles h = open_local(srv, L"GET", L"/0");

    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    check_body(h.request, "end");
    close_all(&h);
    ok_int(server_connections(srv), 1);
    finish_server(srv);
}

/* ---- the connection pool ------------------------------------------------------------ */

static void get_ok(HINTERNET connect, const WCHAR *path, const char *want)
{
    HINTERNET request = open_request(connect, L"GET", path);

    ok(send_receive(request, NULL, NULL), "send/receive %ls failed: %lu", path, GetLastError());
    check_body(request, want);
    WinHttpCloseHandle(request);
}

/* Serves every connection with "ok" responses until the client closes it. */
static struct server *repeat_server(void)
{
    struct server *srv = start_server();
    struct script *c = server_every_connection(srv);

    script_ok(c, "ok");
    script_repeat(c);
    return srv;
}

static void test_pool_same_request_handle(void)
{
    struct server *srv = repeat_server();
    struct handles h = open_local(srv, L"GET", L"/r");

    for (int i = 0; i < 2; i++)
    {
        ok(send_receive(h.request, NULL, NULL), "send/receive %d failed: %lu", i, GetLastError());
        check_body(h.request, "ok");
    }
    close_all(&h);
    ok_int(server_requests(srv), 2);
    ok_int(server_connections(srv), 1);
    server_stop(srv);
}

static void test_pool_two_requests_one_connect(void)
{
    struct server *srv = repeat_server();
    struct handles h = open_local(srv, L"GET", L"/1");

    WinHttpCloseHandle(h.request);
    h.request = NULL;
    get_ok(h.connect, L"/1", "ok");
    get_ok(h.connect, L"/2", "ok");
    close_all(&h);
    ok_int(server_requests(srv), 2);
    ok_int(server_connections(srv), 1);
    server_stop(srv);
}

static void test_pool_two_connects_one_session(void)
{
    struct server *srv = repeat_server();
    HINTERNET session = open_session(), connect;

    for (int i = 0; i < 2; i++)
    {
        connect = WinHttpConnect(session, L"127.0.0.1", server_port(srv), 0);
        get_ok(connect, L"/c", "ok");
        WinHttpCloseHandle(connect);
    }
    WinHttpCloseHandle(session);
    ok_int(server_requests(srv), 2);
    ok_int(server_connections(srv), 1);
    server_stop(srv);
}

/* Idle connections are the process's: a second session reuses the first
 * one's (native does: Wine's notification tests, run on Windows, see no new
 * connection for a new session). */
static void test_pool_across_sessions(void)
{
    struct server *srv = repeat_server();
    HINTERNET session[2], connect[2];

    for (int i = 0; i < 2; i++)
    {
        session[i] = open_session();
        connect[i] = WinHttpConnect(session[i], L"127.0.0.1", server_port(srv), 0);
        get_ok(connect[i], L"/s", "ok");
    }
    for (int i = 0; i < 2; i++)
    {
        WinHttpCloseHandle(connect[i]);
        WinHttpCloseHandle(session[i]);
    }
    ok_int(server_requests(srv), 2);
    ok_int(server_connections(srv), 1);
    server_stop(srv);
}

/* A response the server asked to close after is not pooled. */
static void test_pool_connection_close(void)
{
    struct server *srv = start_server();
    struct script *c = server_every_connection(srv);
    HINTERNET session, connect;

    script_recv_request(c);
    script_respond(c, 200, "Connection: close\r\n", "ok");
    session = open_session();
    connect = WinHttpConnect(session, L"127.0.0.1", server_port(srv), 0);
    get_ok(connect, L"/1", "ok");
    get_ok(connect, L"/2", "ok");
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
    ok_int(server_connections(srv), 2);
    ok_int(server_errors(srv), 0);
    server_stop(srv);
}

/* A request handle closed before its body was read gives its connection up:
 * the rest of the body would have to be read first, and WinHTTP closes it
 * (the next request goes out on a new connection). */
static void test_pool_unread_body_not_reused(void)
{
    HTTP1_WIRE_ONLY("HTTP/1.1 connection reuse: over HTTP/2 the connection to nginx is shared and its backend connections are nginx's");
    struct server *srv = start_server();
    struct script *c0 = server_add_connection(srv), *c1 = server_add_connection(srv);
    static char big[200000];
    struct response response = { 200, NULL, NULL, big, sizeof(big), 0, 0 };
    struct handles h;
    char buffer[16];
    DWORD read = 0;

    memset(big, 'b', sizeof(big));
    script_recv_request(c0);
    script_send_response(c0, &response);
    script_recv_request(c0);           /* only if it were reused */
    script_respond(c0, 200, NULL, "reused");
    script_ok(c1, "fresh");
    h = open_local(srv, L"GET", L"/big");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    ok(WinHttpReadData(h.request, buffer, sizeof(buffer), &read) && read, "read failed: %lu", GetLastError());
    WinHttpCloseHandle(h.request);
    h.request = NULL;
    get_ok(h.connect, L"/next", "fresh");
    close_all(&h);
    ok_int(server_connections(srv), 2);
    /* connection 0 sees the close (or a reset, with data unread): no error check */
    server_stop(srv);
}

/* MAX_CONNS_PER_SERVER = 1: a second request from another thread waits for
 * the first one's connection and then goes out on it. */
struct second_request
{
    HINTERNET connect;
    BOOL ok;
    char body[64];
};

static DWORD WINAPI second_request_thread(void *arg)
{
    struct second_request *second = arg;
    HINTERNET request = WinHttpOpenRequest(second->connect, L"GET", L"/second", NULL, NULL, NULL, 0);

    second->ok = request && send_receive(request, NULL, NULL) &&
                 read_body(request, second->body, sizeof(second->body)) >= 0;
    WinHttpCloseHandle(request);
    return 0;
}

static void test_pool_max_conns_per_server(void)
{
    HTTP1_WIRE_ONLY("HTTP/1.1 connection reuse: over HTTP/2 the connection to nginx is shared and its backend connections are nginx's");
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct second_request second = { 0 };
    struct handles h;
    HANDLE thread;
    DWORD wait;

    script_recv_request(c);
    script_wait(c, 500);
    script_respond(c, 200, NULL, "first");
    script_ok(c, "second");
    h = open_local(srv, L"GET", L"/first");
    ok(set_dword(h.session, WINHTTP_OPTION_MAX_CONNS_PER_SERVER, 1), "set failed: %lu", GetLastError());
    ok(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0), "send failed: %lu", GetLastError());
    second.connect = h.connect;
    thread = CreateThread(NULL, 0, second_request_thread, &second, 0, NULL);
    Sleep(100);
    ok_int(server_connections(srv), 1);
    ok(WinHttpReceiveResponse(h.request, NULL), "receive failed: %lu", GetLastError());
    check_body(h.request, "first");
    wait = WaitForSingleObject(thread, 5000);
    ok_int(wait, WAIT_OBJECT_0);
    CloseHandle(thread);
    ok(second.ok, "second request failed");
    ok(!strcmp(second.body, "second"), "second body %s", second.body);
    close_all(&h);
    ok_int(server_connections(srv), 1);
    ok_int(server_requests(srv), 2);
    finish_server(srv);
}

/* The server closed the idle pooled connection: the next request goes out on
 * a new one without an error. */
static void test_pool_server_closed_idle(void)
{
    struct server *srv = start_server();
    struct script *c0 = server_add_connection(srv);
    struct handles h = open_local(srv, L"GET", L"/1");

    script_ok(c0, "one");                   /* no Connection: close, then the script ends: closed */
    script_ok(server_add_connection(srv), "two");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    check_body(h.request, "one");
    WinHttpCloseHandle(h.request);
    for (int i = 0; i < 50 && server_open_connections(srv); i++) Sleep(20);
    Sleep(50);
    h.request = NULL;
    get_ok(h.connect, L"/2", "two");
    close_all(&h);
    ok_int(server_connections(srv), 2);
    finish_server(srv);
}

/* The server closes the pooled connection just as the next request arrives,
 * without answering (the keep-alive race): the request is sent once more on
 * a new connection and succeeds (RFC 9112 section 9.3.1 allows retrying an
 * idempotent request). */
static void test_pool_retry_on_closed_reuse(void)
{
    HTTP1_WIRE_ONLY("HTTP/1.1 connection reuse: over HTTP/2 the connection to nginx is shared and its backend connections are nginx's");
    struct server *srv = start_server();
    struct script *c0 = server_add_connection(srv);
    struct handles h = open_local(srv, L"GET", L"/1");

    script_ok(c0, "one");
    script_wait(c0, 300);                   /* the second request arrives meanwhile ... */
    script_close(c0);                       /* ... and is discarded unanswered */
    script_ok(server_add_connection(srv), "two");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    check_body(h.request, "one");
    WinHttpCloseHandle(h.request);
    h.request = NULL;
    get_ok(h.connect, L"/2", "two");
    close_all(&h);
    ok_int(server_connections(srv), 2);
    ok_int(server_requests(srv), 2);
    check_line(srv, 1, "GET /2 HTTP/1.1\r\n");
    finish_server(srv);
}

/* A POST whose whole body was given to WinHttpSendRequest, on a reused
 * connection the server resets before answering, is sent once more, with its
 * body, on a new connection (WinINet documents the same re-POST on a dead
 * keep-alive connection, KB 895954; it must not go out without its body). */
static void test_pool_post_retry_on_reset(void)
{
    HTTP1_WIRE_ONLY("HTTP/1.1 connection reuse: over HTTP/2 the connection to nginx is shared and its backend connections are nginx's");
    struct server *srv = start_server();
    struct script *c0 = server_add_connection(srv), *c1 = server_add_connection(srv);
    struct handles h = open_local(srv, L"GET", L"/1");
    HINTERNET post;

    script_ok(c0, "one");
    script_recv_request(c0);
    script_recv_body(c0, SERVER_BODY_AUTO);
    script_reset(c0);
    script_ok(c1, "posted");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    check_body(h.request, "one");
    post = open_request(h.connect, L"POST", L"/post");
    ok(send_receive(post, NULL, "data=1"), "send/receive POST failed: %lu", GetLastError());
    check_body(post, "posted");
    WinHttpCloseHandle(post);
    close_all(&h);
    ok_int(server_connections(srv), 2);
    ok_int(server_requests(srv), 3);
    check_line(srv, 2, "POST /post HTTP/1.1\r\n");
    check_request_body(srv, 2, "data=1");
    finish_server(srv);
}

/* The same with a body written by WinHttpWriteData: it cannot be sent again,
 * so the request fails rather than go out on a new connection without it. */
static void test_pool_written_body_not_resent(void)
{
    HTTP1_WIRE_ONLY("HTTP/1.1 connection reuse: over HTTP/2 the connection to nginx is shared and its backend connections are nginx's");
    struct server *srv = start_server();
    struct script *c0 = server_add_connection(srv), *c1 = server_add_connection(srv);
    struct handles h = open_local(srv, L"GET", L"/1");
    HINTERNET post;

    script_ok(c0, "one");
    script_recv_request(c0);
    script_recv_body(c0, SERVER_BODY_AUTO);
    script_reset(c0);
    script_ok(c1, "posted");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    check_body(h.request, "one");
    post = open_request(h.connect, L"POST", L"/post");
    ok(send_written(post, "data=1"), "send/write failed: %lu", GetLastError());
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReceiveResponse(post, NULL), FALSE, ERROR_WINHTTP_CONNECTION_ERROR);
    WinHttpCloseHandle(post);
    close_all(&h);
    check_bodies_complete(srv, "data=1");
    ok_int(server_connections(srv), 1);
    server_stop(srv);
}

/* A reused connection on which the server is merely slow is not a dead one:
 * the receive timeout ends the request, which is not sent again (the
 * documented WINHTTP_OPTION_FAILED_CONNECTION_RETRIES makes retrying after a
 * timeout an opt-in). */
static void test_pool_timeout_not_retried(void)
{
    struct server *srv = start_server();
    struct script *c0 = server_add_connection(srv);
    struct handles h = open_local(srv, L"GET", L"/1");
    HINTERNET slow;

    script_ok(c0, "one");
    script_recv_request(c0);
    script_wait(c0, 1500);
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    check_body(h.request, "one");
    slow = open_request(h.connect, L"GET", L"/slow");
    ok(WinHttpSetTimeouts(slow, 0, 2000, 2000, 300), "set timeouts failed: %lu", GetLastError());
    ok(WinHttpSendRequest(slow, NULL, 0, NULL, 0, 0, 0), "send failed: %lu", GetLastError());
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReceiveResponse(slow, NULL), FALSE, ERROR_WINHTTP_TIMEOUT);
    WinHttpCloseHandle(slow);
    close_all(&h);
    ok_int(server_connections(srv), 1);
    ok_int(server_requests(srv), 2);
    server_stop(srv);
}

/* ---- connecting -------------------------------------------------------------------- */

/* A port on 127.0.0.1 that nothing listens on. */
static INTERNET_PORT closed_port(void)
{
    struct sockaddr_in addr = { 0 };
    int length = sizeof(addr);
    WSADATA data;
    SOCKET s;

    WSAStartup(MAKEWORD(2, 2), &data);
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *)&addr, sizeof(addr));
    getsockname(s, (struct sockaddr *)&addr, &length);
    closesocket(s);
    WSACleanup();
    return ntohs(addr.sin_port);
}

static void test_connect_refused(void)
{
    struct handles h = open_all(L"127.0.0.1", closed_port(), L"GET", L"/");

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0), FALSE, ERROR_WINHTTP_CANNOT_CONNECT);
    close_all(&h);
}

static void test_connect_name_not_resolved(void)
{
    /* ".invalid" never resolves (RFC 6761 section 6.4) */
    struct handles h = open_all(L"nonexistent.invalid", 80, L"GET", L"/");

    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0), FALSE, ERROR_WINHTTP_NAME_NOT_RESOLVED);
    close_all(&h);
}

/* The receive timeout of WinHttpSetTimeouts bounds the wait for the
 * response: ERROR_WINHTTP_TIMEOUT. */
static void test_connect_receive_timeout(void)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct handles h;
    DWORD start, elapsed;

    script_recv_request(c);
    script_wait(c, 3000);
    script_respond(c, 200, NULL, "late");
    h = open_local(srv, L"GET", L"/slow");
    ok(WinHttpSetTimeouts(h.request, 0, 2000, 2000, 300), "set timeouts failed: %lu", GetLastError());
    ok(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0), "send failed: %lu", GetLastError());
    start = GetTickCount();
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReceiveResponse(h.request, NULL), FALSE, ERROR_WINHTTP_TIMEOUT);
    elapsed = GetTickCount() - start;
    ok(elapsed < 2500, "timed out after %lu ms", elapsed);
    close_all(&h);
    server_stop(srv);
}

/* A body that stops coming: the receive timeout applies to each read. */
static void test_connect_body_timeout(void)
{
    struct server *srv = start_server();
    struct script *c = server_add_connection(srv);
    struct handles h;
    char buffer[64];
    DWORD read = 0;

    script_recv_request(c);
    script_send(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0);
    script_wait(c, 3000);
    h = open_local(srv, L"GET", L"/stall");
    ok(WinHttpSetTimeouts(h.request, 0, 2000, 2000, 300), "set timeouts failed: %lu", GetLastError());
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    ok(WinHttpReadData(h.request, buffer, sizeof(buffer), &read), "read failed: %lu", GetLastError());
    ok_int(read, 3);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpReadData(h.request, buffer, sizeof(buffer), &read), FALSE, ERROR_WINHTTP_TIMEOUT);
    close_all(&h);
    server_stop(srv);
}

/* "localhost" may resolve to ::1 before 127.0.0.1; the server listens only
 * on 127.0.0.1, and every address is tried in turn. */
static void test_connect_localhost_every_address(void)
{
    struct server *srv = start_server();
    struct handles h;

    script_ok(server_add_connection(srv), "local");
    h = open_all(L"localhost", server_port(srv), L"GET", L"/");
    ok(send_receive(h.request, NULL, NULL), "send/receive failed: %lu", GetLastError());
    ok_int(status_of(h.request), 200);
    check_body(h.request, "local");
    close_all(&h);
    ok(head_has(srv, 0, "\r\nHost: localhost:"), "host header:\n%s", head_of(srv, 0));
    finish_server(srv);
}

TEST_CASES(
    TEST(test_redirect_301_relative),
    TEST(test_redirect_302_relative_path),
    TEST(test_redirect_303_post_to_get),
    TEST(test_redirect_301_post_to_get),
    TEST(test_redirect_302_post_to_get),
    TEST(test_redirect_307_keeps_post),
    TEST(test_redirect_308_keeps_put),
    TEST(test_redirect_307_written_body),
    TEST(test_redirect_head_stays_head),
    TEST(test_redirect_other_origin),
    TEST(test_redirect_callback),
    TEST(test_redirect_authorization_not_forwarded),
    TEST(test_redirect_network_path),
    TEST(test_redirect_fragment_not_sent),
    TEST(test_redirect_target_refused),
    TEST(test_redirect_policy_never),
    TEST(test_redirect_disable_feature),
    TEST(test_redirect_policy_always),
    TEST(test_redirect_policy_disallow_https_to_http),
    TEST(test_redirect_max_reached),
    TEST(test_redirect_max_exceeded),
    TEST(test_redirect_loop),
    TEST(test_redirect_without_location),
    TEST(test_redirect_reuses_connection),
    TEST(test_pool_same_request_handle),
    TEST(test_pool_two_requests_one_connect),
    TEST(test_pool_two_connects_one_session),
    TEST(test_pool_across_sessions),
    TEST(test_pool_connection_close),
    TEST(test_pool_unread_body_not_reused),
    TEST(test_pool_max_conns_per_server),
    TEST(test_pool_server_closed_idle),
    TEST(test_pool_retry_on_closed_reuse),
    TEST(test_pool_post_retry_on_reset),
    TEST(test_pool_written_body_not_resent),
    TEST(test_pool_timeout_not_retried),
    TEST(test_connect_refused),
    TEST(test_connect_name_not_resolved),
    TEST(test_connect_receive_timeout),
    TEST(test_connect_body_timeout),
    TEST(test_connect_localhost_every_address)
);

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
