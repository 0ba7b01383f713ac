/* Conformance: authentication (issue 11, part 1: everything but NTLM and
 * Negotiate), synchronous and asynchronous.
 *
 * WinHttpSetCredentials' checks; the application's loop (401/407 ->
 * WinHttpQueryAuthSchemes -> WinHttpSetCredentials -> WinHttpSendRequest);
 * the USERNAME/PASSWORD and PROXY_USERNAME/PASSWORD options answering a
 * challenge without the application; WINHTTP_DISABLE_AUTHENTICATION; Basic
 * and Digest (MD5, MD5-sess, SHA-256, SHA-256-sess, qop auth and auth-int,
 * stale nonces) exact on the wire; a proxy's 407 on plain requests and on
 * CONNECT; servers that challenge forever or garble their challenges;
 * redirects to another origin dropping the credentials.
 *
 * The scripted server (server.h) plays the origin or the proxy.  A Digest
 * answer is checked by recomputing its response from RFC 7616 with
 * CryptoAPI's hashes (an implementation independent of the DLL's).  Real
 * servers when their variables name them (tools/with-apache,
 * tools/with-proxies): WINHTTP_TEST_APACHE (HOST:PORT; /basic/ and
 * /digest/ want WINHTTP_TEST_APACHE_USER / _PASSWORD, Basic and Digest
 * MD5), WINHTTP_TEST_SQUID_AUTH (squid asking Basic proxy authentication of
 * WINHTTP_TEST_PROXY_USER / _PASSWORD) in front of WINHTTP_TEST_NGINX.  A
 * case whose server is not named says "skip".
 *
 * The expectations, from Microsoft's documentation where it speaks, else
 * from Wine's tests run on Windows:
 *   - WinHttpSetCredentials: one target, one scheme, pAuthParams NULL;
 *     "the password can be blank"; Basic and Digest need a user name and a
 *     password, NTLM, Negotiate and Passport accept neither (the logged-on
 *     user's own); a success sets ERROR_SUCCESS (Wine's tests).
 *   - Basic pre-authenticates ("always possible"), Digest never does; the
 *     credentials of WinHttpSetCredentials win over the options' (Wine's
 *     tests: with both, the options' password is never tried).
 *   - Credentials rejected once are not sent again by themselves: the
 *     401/407 goes to the application (the documentation's loop, and
 *     Wine's tests: wrong credentials give the 401).
 *   - WINHTTP_DISABLE_AUTHENTICATION: "automatic authentication is
 *     disabled".
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "harness.h"
#include "server.h"
#include "auth_client.h"
#include "winhttp.h"
#include <wincrypt.h>

#define BASIC_USER_PWD "Basic dXNlcjpwd2Q="      /* user:pwd */
#define NONCE      "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define DIGEST_OPAQUE     "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"

/* ---- Digest, recomputed --------------------------------------------------------- */

static void hash_hex(ALG_ID alg, const char *text, size_t length, char *hex)
{
    HCRYPTPROV prov;
    HCRYPTHASH hash;
    BYTE digest[32];
    DWORD size = sizeof(digest);

    hex[0] = 0;
    if (!CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT)) return;
    if (CryptCreateHash(prov, alg, 0, 0, &hash))
    {
        CryptHashData(hash, (const BYTE *)text, (DWORD)length, 0);
        if (CryptGetHashParam(hash, HP_HASHVAL, digest, &size, 0))
            for (DWORD i = 0; i < size; i++) sprintf(hex + 2 * i, "%02x", digest[i]);
        CryptDestroyHash(hash);
    }
    CryptReleaseContext(prov, 0);
}

/* A parameter of an Authorization value, unquoted (no escapes in ours). */
static const char *param(const char *value, const char *name, char *buf, size_t size)
{
    char pattern[64];
    const char *p, *end;

    buf[0] = 0;
    sprintf(pattern, " %s=", name);
    if (!(p = strstr(value, pattern))) return buf;
    p += strlen(pattern);
    if (*p == '"') end = strchr(++p, '"');
    else if (!(end = strchr(p, ','))) end = p + strlen(p);
    if (end && (size_t)(end - p) < size)
    {
        memcpy(buf, p, end - p);
        buf[end - p] = 0;
    }
    return buf;
}

/* Checks a Digest Authorization value against RFC 7616 for these credentials. */
static void check_digest(const char *value, const char *user, const char *password, const char *realm,
                         const char *method, const char *body, BOOL sha256, BOOL sess, const char *want_qop,
                         const char *want_nc)
{
    ALG_ID alg = sha256 ? CALG_SHA_256 : CALG_MD5;
    char uri[512], nonce[256], cnonce[256], nc[32], qop[32], response[80], text[2048];
    char ha1[65], ha2[65], body_hash[65], want[65];

    ok(!strncmp(value, "Digest ", 7), "not Digest: %s", value);
    param(value, "uri", uri, sizeof(uri));
    param(value, "nonce", nonce, sizeof(nonce));
    param(value, "cnonce", cnonce, sizeof(cnonce));
    param(value, "nc", nc, sizeof(nc));
    param(value, "qop", qop, sizeof(qop));
    param(value, "response", response, sizeof(response));
    ok(!strcmp(qop, want_qop), "qop %s, want %s", qop, want_qop);
    ok(!want_nc || !strcmp(nc, want_nc), "nc %s, want %s", nc, want_nc ? want_nc : "");
    ok(strlen(cnonce) >= 8, "cnonce %s", cnonce);
    sprintf(text, "%s:%s:%s", user, realm, password);
    hash_hex(alg, text, strlen(text), ha1);
    if (sess)
    {
        sprintf(text, "%s:%s:%s", ha1, nonce, cnonce);
        hash_hex(alg, text, strlen(text), ha1);
    }
    if (!strcmp(qop, "auth-int"))
    {
        hash_hex(alg, body, strlen(body), body_hash);
        sprintf(text, "%s:%s:%s", method, uri, body_hash);
    }
    else sprintf(text, "%s:%s", method, uri);
    hash_hex(alg, text, strlen(text), ha2);
    if (qop[0]) sprintf(text, "%s:%s:%s:%s:%s:%s", ha1, nonce, nc, cnonce, qop, ha2);
    else sprintf(text, "%s:%s:%s", ha1, nonce, ha2);
    hash_hex(alg, text, strlen(text), want);
    ok(want[0] && !strcmp(response, want), "response %s, want %s (%s)", response, want, value);
}

/* ---- WinHttpSetCredentials ------------------------------------------------------------ */

static void test_set_credentials_errors(void)
{
    struct client c;

    if (!client_open(&c, FALSE, NULL, L"localhost", 80, L"/", 0)) { ok(0, "open: %lu", GetLastError()); return; }
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpSetCredentials(NULL, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"u", L"p", NULL),
                FALSE, ERROR_INVALID_HANDLE);
    ok_bool_err(WinHttpSetCredentials(c.session, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"u", L"p",
                                      NULL), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    ok_bool_err(WinHttpSetCredentials(c.connect, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"u", L"p",
                                      NULL), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    ok_bool_err(WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, NULL, NULL,
                                      NULL), FALSE, ERROR_INVALID_PARAMETER);
    ok_bool_err(WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"u", NULL,
                                      NULL), FALSE, ERROR_INVALID_PARAMETER);
    ok_bool_err(WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, NULL, L"p",
                                      NULL), FALSE, ERROR_INVALID_PARAMETER);
    ok_bool_err(WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_PROXY, WINHTTP_AUTH_SCHEME_DIGEST, NULL, NULL,
                                      NULL), FALSE, ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ok(WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_NTLM, NULL, NULL, NULL),
       "NTLM, default credentials: %lu", GetLastError());
    ok_err(ERROR_SUCCESS);
    ok(WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_PROXY, WINHTTP_AUTH_SCHEME_NEGOTIATE, NULL, NULL, NULL),
       "Negotiate: %lu", GetLastError());
    ok(WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_PASSPORT, NULL, NULL, NULL),
       "Passport: %lu", GetLastError());
    /* the password can be blank */
    ok(WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"u", L"", NULL),
       "blank password: %lu", GetLastError());
    ok(WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_PROXY, WINHTTP_AUTH_SCHEME_DIGEST, L"u", L"p", NULL),
       "Digest for the proxy: %lu", GetLastError());
    client_close(&c);
}

/* ---- Basic ------------------------------------------------------------------------------ */

static const char *basic_challenge = "WWW-Authenticate: Basic realm=\"placebo\"\r\n";

/* 401, then the application answers: QueryAuthSchemes, SetCredentials, send again. */
static void basic_application_loop(BOOL async)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv), *s2 = server_add_connection(srv);
    DWORD status = 0, supported = 0, first = 0, target = 0;
    struct client c;

    /* the 401's body is left unread: the connection cannot carry the next request */
    script_recv_request(s);
    script_respond(s, 401, "WWW-Authenticate: Basic realm=\"placebo\"\r\nConnection: close\r\n", "denied");
    script_close(s);
    script_recv_request(s2);
    script_respond(s2, 200, NULL, "welcome");
    if (!client_open(&c, async, NULL, L"127.0.0.1", server_port(srv), L"/private", 0)) ok(0, "open");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    ok(WinHttpQueryAuthSchemes(c.request, &supported, &first, &target), "QueryAuthSchemes: %lu", GetLastError());
    ok_int(supported, WINHTTP_AUTH_SCHEME_BASIC);
    ok_int(first, WINHTTP_AUTH_SCHEME_BASIC);
    ok_int(target, WINHTTP_AUTH_TARGET_SERVER);
    ok(WinHttpSetCredentials(c.request, target, first, L"user", L"pwd", NULL), "SetCredentials: %lu", GetLastError());
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 200);
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok_int(server_requests(srv), 2);
    ok(!request_header(srv, 0, "Authorization")[0], "first request: %s", request_header(srv, 0, "Authorization"));
    ok(!strcmp(request_header(srv, 1, "Authorization"), BASIC_USER_PWD), "got %s",
       request_header(srv, 1, "Authorization"));
    ok_int(server_errors(srv), 0);
    server_stop(srv);
}
static void test_basic_application_loop(void) { basic_application_loop(FALSE); }
static void test_basic_application_loop_async(void) { basic_application_loop(TRUE); }

/* Basic set before sending goes with the first request. */
static void test_basic_preemptive(void)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv);
    struct client c;
    DWORD status;

    script_recv_request(s);
    script_respond(s, 200, NULL, "ok");
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/", 0);
    ok(WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"Aladdin",
                             L"open sesame", NULL), "SetCredentials: %lu", GetLastError());
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 200);
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok(!strcmp(request_header(srv, 0, "Authorization"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), "got %s",
       request_header(srv, 0, "Authorization"));
    server_stop(srv);
}

/* The options' credentials answer a 401 without the application. */
static void basic_options(BOOL async)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv);
    struct client c;
    DWORD status;

    script_recv_request(s);
    script_respond(s, 401, basic_challenge, "denied");
    script_recv_request(s);
    script_respond(s, 200, NULL, "welcome");
    client_open(&c, async, NULL, L"127.0.0.1", server_port(srv), L"/", 0);
    client_options(&c, FALSE, L"user", L"pwd");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 200);
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok_int(server_requests(srv), 2);
    ok_int(server_connections(srv), 1);
    ok(!request_header(srv, 0, "Authorization")[0], "not before a challenge");
    ok(!strcmp(request_header(srv, 1, "Authorization"), BASIC_USER_PWD), "got %s",
       request_header(srv, 1, "Authorization"));
    server_stop(srv);
}
static void test_basic_options(void) { basic_options(FALSE); }
static void test_basic_options_async(void) { basic_options(TRUE); }

/* A request of the session with the options' credentials a server accepted
 * with Basic sends them at once in that protection space (the directory
 * and below, RFC 7617 section 2.2); not outside it, nor with another
 * password, nor in another session. */
static DWORD options_request(HINTERNET connect, const WCHAR *path, const WCHAR *password)
{
    HINTERNET request = WinHttpOpenRequest(connect, NULL, path, NULL, NULL, NULL, 0);
    DWORD status = 0, size = sizeof(status);

    set_string_option(request, WINHTTP_OPTION_USERNAME, L"user");
    set_string_option(request, WINHTTP_OPTION_PASSWORD, password);
    if (WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL))
        WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL);
    WinHttpCloseHandle(request);
    return status;
}

static void test_basic_remembered(void)
{
    struct server *srv = server_start();
    struct script *s = server_every_connection(srv);
    HINTERNET session, other, connect, connect2;
    const struct server_request *r;
    static const struct { const char *path; BOOL at_once; } want[] =
    {
        { "/dir/a", FALSE }, { "/dir/a", TRUE },        /* the first earns it */
        { "/dir/sub/b?x=/y", TRUE },                    /* below the directory */
        { "/other", FALSE }, { "/other", TRUE },        /* outside: its own 401 */
        { "/dir/a", FALSE }, { "/dir/a", TRUE },        /* another password: a 401, then it */
        { "/dir/a", FALSE }, { "/dir/a", TRUE },        /* another session */
    };
    int i = 0;

    script_recv_request(s);
    script_respond(s, 401, basic_challenge, "denied");
    script_recv_request(s);
    script_respond(s, 200, NULL, "welcome");
    script_recv_request(s);
    script_respond(s, 200, NULL, "welcome");
    script_recv_request(s);
    script_respond(s, 401, basic_challenge, "denied");
    script_recv_request(s);
    script_respond(s, 200, NULL, "welcome");
    script_recv_request(s);
    script_respond(s, 401, basic_challenge, "denied");
    script_recv_request(s);
    script_respond(s, 200, NULL, "welcome");
    script_recv_request(s);
    script_respond(s, 401, basic_challenge, "denied");
    script_recv_request(s);
    script_respond(s, 200, NULL, "welcome");
    script_await_close(s, INFINITE);
    session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    connect = WinHttpConnect(session, L"127.0.0.1", server_port(srv), 0);
    ok_int(options_request(connect, L"/dir/a", L"pwd"), 200);
    ok_int(options_request(connect, L"/dir/sub/b?x=/y", L"pwd"), 200);
    ok_int(options_request(connect, L"/other", L"pwd"), 200);
    ok_int(options_request(connect, L"/dir/a", L"pwd2"), 200);
    other = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    connect2 = WinHttpConnect(other, L"127.0.0.1", server_port(srv), 0);
    ok_int(options_request(connect2, L"/dir/a", L"pwd"), 200);
    ok_int(server_requests(srv), ARRAYSIZE(want));
    for (i = 0; i < (int)ARRAYSIZE(want) && (r = server_request(srv, i)); i++)
    {
        BOOL sent = request_header(srv, i, "Authorization")[0] != 0;
        ok(!strncmp(r->head + 4, want[i].path, strlen(want[i].path)), "request %d: %.40s", i, r->head);
        ok(sent == want[i].at_once, "request %d: Authorization %s", i, request_header(srv, i, "Authorization"));
    }
    WinHttpCloseHandle(connect2);
    WinHttpCloseHandle(other);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
    server_stop(srv);
}

/* A server that answers 401 forever: the credentials go once, the 401
 * comes back to the application. */
static void test_challenge_forever(void)
{
    struct server *srv = server_start();
    struct script *s = server_every_connection(srv);
    struct client c;
    DWORD status;

    script_recv_request(s);
    script_respond(s, 401, basic_challenge, "denied");
    script_repeat(s);
    /* the options' */
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/", 0);
    client_options(&c, FALSE, L"user", L"wrong");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    client_close(&c);
    Sleep(100);
    ok_int(server_requests(srv), 2);
    /* WinHttpSetCredentials': sent at once, rejected, not sent again */
    client_open(&c, TRUE, NULL, L"127.0.0.1", server_port(srv), L"/", 0);
    WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"wrong", NULL);
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    /* and the application's loop sending again is answered again, once */
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    client_close(&c);
    Sleep(100);
    ok_int(server_requests(srv), 4);
    server_stop(srv);
}

/* WinHttpSetCredentials' win over the options'. */
static void test_precedence(void)
{
    struct server *srv = server_start();
    struct script *s = server_every_connection(srv);
    struct client c;
    DWORD status;

    script_recv_request(s);
    script_respond(s, 401, basic_challenge, "denied");
    script_repeat(s);
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/", 0);
    client_options(&c, FALSE, L"user", L"pwd");
    WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"other", NULL);
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    client_close(&c);
    Sleep(100);
    ok_int(server_requests(srv), 1);
    ok(!strcmp(request_header(srv, 0, "Authorization"), "Basic dXNlcjpvdGhlcg=="), "got %s",
       request_header(srv, 0, "Authorization"));
    server_stop(srv);
}

static void test_disable_authentication(void)
{
    struct server *srv = server_start();
    struct script *s = server_every_connection(srv);
    DWORD status, value = WINHTTP_DISABLE_AUTHENTICATION;
    struct client c;

    script_recv_request(s);
    script_respond(s, 401, basic_challenge, "denied");
    script_repeat(s);
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/", 0);
    client_options(&c, FALSE, L"user", L"pwd");
    ok(WinHttpSetOption(c.request, WINHTTP_OPTION_DISABLE_FEATURE, &value, sizeof(value)), "%lu", GetLastError());
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    client_close(&c);
    Sleep(100);
    ok_int(server_requests(srv), 1);
    server_stop(srv);
}

/* Challenges that make no sense are the application's to judge; nothing breaks. */
static void test_malformed_challenges(void)
{
    static const char *const challenges[] =
    {
        "WWW-Authenticate: Basic realm=\"unterminated\r\n",
        "WWW-Authenticate: ,,,, =,=\"\\\r\n",
        "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256\r\n",
        "WWW-Authenticate: Digest realm=\"r\"\r\n",
        "WWW-Authenticate: Digest nonce=\"n\", qop=\"x-unknown\"\r\n",
        "WWW-Authenticate: \r\n",
    };
    for (size_t i = 0; i < ARRAYSIZE(challenges); i++)
    {
        struct server *srv = server_start();
        struct script *s = server_every_connection(srv);
        DWORD status, supported, first, target;
        struct client c;

        script_recv_request(s);
        script_respond(s, 401, challenges[i], "denied");
        script_repeat(s);
        client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/", 0);
        client_options(&c, FALSE, L"user", L"pwd");
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
        ok_int(status, 401);
        WinHttpQueryAuthSchemes(c.request, &supported, &first, &target);
        client_close(&c);
        Sleep(50);
        ok(server_requests(srv) <= 2, "%s: %ld requests", challenges[i], server_requests(srv));
        server_stop(srv);
    }
    /* a huge one */
    {
        size_t size = 60000;
        char *big = malloc(size + 64);
        struct server *srv = server_start();
        struct script *s = server_every_connection(srv);
        struct client c;
        DWORD status;

        strcpy(big, "WWW-Authenticate: Digest ");
        for (char *end = big + strlen(big); end - big < (ptrdiff_t)size; end += 6) memcpy(end, "a=\"b\",", 7);
        strcat(big, "\r\n");
        script_recv_request(s);
        script_respond(s, 401, big, "denied");
        script_repeat(s);
        client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/", 0);
        client_options(&c, FALSE, L"user", L"pwd");
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
        ok_int(status, 401);
        client_close(&c);
        server_stop(srv);
        free(big);
    }
}

/* ---- Digest ---------------------------------------------------------------------------------- */

static char *digest_header(const char *algorithm, const char *qop, const char *nonce, BOOL stale)
{
    static char header[512];

    sprintf(header, "WWW-Authenticate: Digest realm=\"http-auth@example.org\", %s%s%snonce=\"%s\", opaque=\"" DIGEST_OPAQUE
            "\"%s%s\r\n", qop ? "qop=\"" : "", qop ? qop : "", qop ? "\", " : "", nonce, algorithm ? ", algorithm=" : "",
            algorithm ? algorithm : "");
    if (stale) strcpy(header + strlen(header) - 2, ", stale=true\r\n");
    return header;
}

/* The options answer a Digest challenge; the answer is recomputed. */
static void digest_options(const char *algorithm, BOOL sha256, BOOL sess, BOOL async)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv);
    struct client c;
    DWORD status;

    script_recv_request(s);
    script_respond(s, 401, digest_header(algorithm, "auth", NONCE, FALSE), "denied");
    script_recv_request(s);
    script_respond(s, 200, NULL, "welcome");
    client_open(&c, async, NULL, L"127.0.0.1", server_port(srv), L"/dir/index.html", 0);
    client_options(&c, FALSE, L"Mufasa", L"Circle of Life");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 200);
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok_int(server_requests(srv), 2);
    check_digest(request_header(srv, 1, "Authorization"), "Mufasa", "Circle of Life", "http-auth@example.org", "GET",
                 NULL, sha256, sess, "auth", "00000001");
    {
        char buf[128];
        const char *value = request_header(srv, 1, "Authorization");
        ok(!strcmp(param(value, "uri", buf, sizeof(buf)), "/dir/index.html"), "uri %s", buf);
        ok(!strcmp(param(value, "opaque", buf, sizeof(buf)), DIGEST_OPAQUE), "opaque %s", buf);
        ok(!strcmp(param(value, "username", buf, sizeof(buf)), "Mufasa"), "username %s", buf);
    }
    server_stop(srv);
}
static void test_digest_md5(void) { digest_options(NULL, FALSE, FALSE, FALSE); }
static void test_digest_md5_async(void) { digest_options("MD5", FALSE, FALSE, TRUE); }
static void test_digest_md5_sess(void) { digest_options("MD5-sess", FALSE, TRUE, FALSE); }
static void test_digest_sha256(void) { digest_options("SHA-256", TRUE, FALSE, FALSE); }
static void test_digest_sha256_sess_async(void) { digest_options("SHA-256-sess", TRUE, TRUE, TRUE); }

/* The application's loop with Digest; auth-int over a POST body. */
static void digest_application(BOOL async)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv), *s2 = server_add_connection(srv);
    DWORD status, supported, first, target;
    char challenge[512];
    struct client c;

    sprintf(challenge, "%sConnection: close\r\n", digest_header("SHA-256", "auth-int", NONCE, FALSE));
    script_recv_request(s);
    script_recv_body(s, SERVER_BODY_AUTO);
    script_respond(s, 401, challenge, "denied");
    script_close(s);
    script_recv_request(s2);
    script_recv_body(s2, SERVER_BODY_AUTO);
    script_respond(s2, 200, NULL, "welcome");
    client_open(&c, async, NULL, L"127.0.0.1", server_port(srv), L"/form", 0);
    WinHttpCloseHandle(c.request);
    c.request = WinHttpOpenRequest(c.connect, L"POST", L"/form", NULL, NULL, NULL, 0);
    if (async) client_watch(&c, c.request);
    ok_int(client_exchange(&c, "a=1&b=2", 7, &status), 0);
    ok_int(status, 401);
    ok(WinHttpQueryAuthSchemes(c.request, &supported, &first, &target), "%lu", GetLastError());
    ok_int(first, WINHTTP_AUTH_SCHEME_DIGEST);
    ok(WinHttpSetCredentials(c.request, target, first, L"Mufasa", L"Circle of Life", NULL), "%lu", GetLastError());
    ok_int(client_exchange(&c, "a=1&b=2", 7, &status), 0);
    ok_int(status, 200);
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok_int(server_requests(srv), 2);
    check_digest(request_header(srv, 1, "Authorization"), "Mufasa", "Circle of Life", "http-auth@example.org", "POST",
                 "a=1&b=2", TRUE, FALSE, "auth-int", "00000001");
    server_stop(srv);
}
static void test_digest_application(void) { digest_application(FALSE); }
static void test_digest_application_async(void) { digest_application(TRUE); }

/* Digest set before sending: never pre-authenticates; the challenge is then answered. */
static void test_digest_not_preemptive(void)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv);
    struct client c;
    DWORD status;

    script_recv_request(s);
    script_respond(s, 401, digest_header(NULL, "auth", NONCE, FALSE), "denied");
    script_recv_request(s);
    script_respond(s, 200, NULL, "welcome");
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/", 0);
    WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_DIGEST, L"u", L"p", NULL);
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 200);
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok(!request_header(srv, 0, "Authorization")[0], "sent before the challenge");
    check_digest(request_header(srv, 1, "Authorization"), "u", "p", "http-auth@example.org", "GET", NULL, FALSE, FALSE,
                 "auth", "00000001");
    server_stop(srv);
}

/* stale=true: the new nonce is answered once more; a second stale goes to the application. */
static void test_digest_stale(void)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv);
    struct client c;
    DWORD status;

    script_recv_request(s);
    script_respond(s, 401, digest_header("MD5", "auth", "first", FALSE), "denied");
    script_recv_request(s);
    script_respond(s, 401, digest_header("MD5", "auth", "second", TRUE), "stale");
    script_recv_request(s);
    script_respond(s, 401, digest_header("MD5", "auth", "third", TRUE), "stale again");
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/", 0);
    client_options(&c, FALSE, L"u", L"p");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok_int(server_requests(srv), 3);
    {
        char buf[64];
        ok(!strcmp(param(request_header(srv, 1, "Authorization"), "nonce", buf, sizeof(buf)), "first"), "%s", buf);
        ok(!strcmp(param(request_header(srv, 2, "Authorization"), "nonce", buf, sizeof(buf)), "second"), "%s", buf);
    }
    check_digest(request_header(srv, 2, "Authorization"), "u", "p", "http-auth@example.org", "GET", NULL, FALSE, FALSE,
                 "auth", "00000001");
    server_stop(srv);
}

/* A challenge naming an algorithm nobody knows is not answered. */
static void test_digest_unknown_algorithm(void)
{
    struct server *srv = server_start();
    struct script *s = server_every_connection(srv);
    struct client c;
    DWORD status;

    script_recv_request(s);
    script_respond(s, 401, digest_header("X-UNKNOWN", "auth", NONCE, FALSE), "denied");
    script_repeat(s);
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/", 0);
    client_options(&c, FALSE, L"u", L"p");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    client_close(&c);
    Sleep(100);
    ok_int(server_requests(srv), 1);
    server_stop(srv);
}

/* ---- redirects ---------------------------------------------------------------------------------- */

static void redirect_case(BOOL same_origin, BOOL options)
{
    struct server *a = server_start(), *b = server_start();
    struct script *sa = server_add_connection(a), *sb = server_every_connection(b);
    char location[128];
    struct client c;
    DWORD status;

    if (same_origin) sprintf(location, "Location: /next\r\n");
    else sprintf(location, "Location: http://127.0.0.1:%u/next\r\n", server_port(b));
    if (options)
    {
        script_recv_request(sa);
        script_respond(sa, 401, basic_challenge, "");
    }
    script_recv_request(sa);
    script_respond(sa, 302, location, "");
    if (same_origin)
    {
        script_recv_request(sa);
        script_respond(sa, 200, NULL, "same origin");
    }
    script_recv_request(sb);
    script_respond(sb, 401, basic_challenge, "other origin");
    script_repeat(sb);
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(a), L"/", 0);
    if (options)
    {
        client_options(&c, FALSE, L"user", L"pwd");
    }
    else WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd", NULL);
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, same_origin ? 200 : 401);
    client_close(&c);
    Sleep(100);
    if (same_origin)
    {
        ok(!strcmp(request_header(a, 2, "Authorization"), BASIC_USER_PWD), "same origin: %s",
           request_header(a, 2, "Authorization"));
    }
    else
    {
        ok(!strcmp(request_header(a, options ? 1 : 0, "Authorization"), BASIC_USER_PWD), "got %s",
           request_header(a, options ? 1 : 0, "Authorization"));
        ok_int(server_requests(b), 1);
        ok(!request_header(b, 0, "Authorization")[0], "sent to another origin: %s", request_header(b, 0, "Authorization"));
    }
    server_stop(a);
    server_stop(b);
}
static void test_redirect_drops_credentials(void) { redirect_case(FALSE, FALSE); }
static void test_redirect_drops_options(void) { redirect_case(FALSE, TRUE); }
static void test_redirect_same_origin_keeps(void) { redirect_case(TRUE, TRUE); }

/* ---- proxies ------------------------------------------------------------------------------------ */

static const char *proxy_challenge = "Proxy-Authenticate: Basic realm=\"proxy\"\r\n";

/* http through the scripted proxy: 407 answered by the proxy options, or by the application. */
static void proxy_plain(BOOL options, BOOL async)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv);
    DWORD status, supported, first, target;
    WCHAR proxy[64];
    struct client c;

    /* answered by the application, the 407's body is left unread: a new connection */
    script_recv_request(s);
    if (options) script_respond(s, 407, proxy_challenge, "denied");
    else
    {
        script_respond(s, 407, "Proxy-Authenticate: Basic realm=\"proxy\"\r\nConnection: close\r\n", "denied");
        script_close(s);
        s = server_add_connection(srv);
    }
    script_recv_request(s);
    script_respond(s, 200, NULL, "through");
    swprintf(proxy, ARRAYSIZE(proxy), L"127.0.0.1:%u", server_port(srv));
    client_open(&c, async, proxy, L"example.test", 80, L"/p", 0);
    /* the server's credentials never go to the proxy, nor the proxy's to the server */
    WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_DIGEST, L"server", L"s", NULL);
    if (options)
    {
        client_options(&c, TRUE, L"user", L"pwd");
    }
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    if (!options)
    {
        ok_int(status, 407);
        ok(WinHttpQueryAuthSchemes(c.request, &supported, &first, &target), "%lu", GetLastError());
        ok_int(target, WINHTTP_AUTH_TARGET_PROXY);
        ok(WinHttpSetCredentials(c.request, target, first, L"user", L"pwd", NULL), "%lu", GetLastError());
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
    }
    ok_int(status, 200);
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok_int(server_requests(srv), 2);
    ok(!request_header(srv, 0, "Proxy-Authorization")[0], "before the challenge");
    ok(!strcmp(request_header(srv, 1, "Proxy-Authorization"), BASIC_USER_PWD), "got %s",
       request_header(srv, 1, "Proxy-Authorization"));
    ok(!request_header(srv, 1, "Authorization")[0], "server's: %s", request_header(srv, 1, "Authorization"));
    server_stop(srv);
}
static void test_proxy_options(void) { proxy_plain(TRUE, FALSE); }
static void test_proxy_options_async(void) { proxy_plain(TRUE, TRUE); }
static void test_proxy_application(void) { proxy_plain(FALSE, FALSE); }

/* https through the scripted proxy: the 407 to CONNECT, then a CONNECT with
 * the credentials (refused here with 403: no TLS follows). */
static void proxy_connect(BOOL options)
{
    struct server *srv = server_start();
    struct script *s1 = server_add_connection(srv), *s2 = server_add_connection(srv);
    DWORD status, error;
    WCHAR proxy[64];
    struct client c;

    script_recv_request(s1);
    script_respond(s1, 407, proxy_challenge, "denied");
    script_recv_request(s2);
    script_respond(s2, 403, NULL, "no");
    swprintf(proxy, ARRAYSIZE(proxy), L"127.0.0.1:%u", server_port(srv));
    client_open(&c, FALSE, proxy, L"example.test", 443, L"/", WINHTTP_FLAG_SECURE);
    if (options)
    {
        client_options(&c, TRUE, L"user", L"pwd");
        error = client_exchange(&c, NULL, 0, &status);
    }
    else
    {
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
        ok_int(status, 407);
        WinHttpSetCredentials(c.request, WINHTTP_AUTH_TARGET_PROXY, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd", NULL);
        error = client_exchange(&c, NULL, 0, &status);
    }
    ok_int(error, ERROR_WINHTTP_CANNOT_CONNECT);
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok_int(server_requests(srv), 2);
    {
        const struct server_request *r = server_request(srv, 1);
        ok(r && !strncmp(r->head, "CONNECT example.test:443 HTTP/1.1\r\n", 35), "got %s", r ? r->head : "");
    }
    ok(!strcmp(request_header(srv, 1, "Proxy-Authorization"), BASIC_USER_PWD), "got %s",
       request_header(srv, 1, "Proxy-Authorization"));
    server_stop(srv);
}
static void test_proxy_connect_options(void) { proxy_connect(TRUE); }
static void test_proxy_connect_application(void) { proxy_connect(FALSE); }

/* ---- real servers --------------------------------------------------------------------------------- */

static void apache_case(const WCHAR *path, BOOL options, BOOL right, BOOL async, DWORD want_scheme)
{
    WCHAR host[64], user[64], password[64];
    DWORD status, supported, first, target;
    INTERNET_PORT port = 0;
    struct client c;

    if (!env(L"WINHTTP_TEST_APACHE", host, ARRAYSIZE(host)) || !env(L"WINHTTP_TEST_APACHE_USER", user, ARRAYSIZE(user)) ||
        !env(L"WINHTTP_TEST_APACHE_PASSWORD", password, ARRAYSIZE(password)))
        return;
    if (!right) lstrcatW(password, L"-wrong");
    ok(split_endpoint(host, &port), "WINHTTP_TEST_APACHE");
    client_open(&c, async, NULL, host, port, path, 0);
    if (options)
    {
        client_options(&c, FALSE, user, password);
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
    }
    else
    {
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
        ok_int(status, 401);
        ok(WinHttpQueryAuthSchemes(c.request, &supported, &first, &target), "%lu", GetLastError());
        ok_int(first, want_scheme);
        ok(WinHttpSetCredentials(c.request, target, first, user, password, NULL), "%lu", GetLastError());
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
    }
    ok_int(status, right ? 200 : 401);
    if (right)
    {
        char body[64] = "";
        DWORD read = 0;
        if (!async) WinHttpReadData(c.request, body, sizeof(body) - 1, &read);
        ok(async || !strncmp(body, "secret", 6), "body %s", body);
    }
    client_close(&c);
}
static void test_apache_basic(void) { apache_case(L"/basic/secret.txt", TRUE, TRUE, FALSE, 0); }
static void test_apache_basic_application_async(void)
{
    apache_case(L"/basic/secret.txt", FALSE, TRUE, TRUE, WINHTTP_AUTH_SCHEME_BASIC);
}
static void test_apache_basic_wrong(void) { apache_case(L"/basic/secret.txt", TRUE, FALSE, FALSE, 0); }
static void test_apache_digest(void) { apache_case(L"/digest/secret.txt", TRUE, TRUE, FALSE, 0); }
static void test_apache_digest_application(void)
{
    apache_case(L"/digest/secret.txt", FALSE, TRUE, FALSE, WINHTTP_AUTH_SCHEME_DIGEST);
}
static void test_apache_digest_async(void) { apache_case(L"/digest/secret.txt", TRUE, TRUE, TRUE, 0); }
static void test_apache_digest_wrong(void) { apache_case(L"/digest/secret.txt", TRUE, FALSE, FALSE, 0); }

static void squid_case(BOOL options, BOOL async)
{
    WCHAR proxy[64], nginx[64], user[64], password[64];
    DWORD status, supported, first, target;
    INTERNET_PORT port = 0;
    struct client c;

    if (!env(L"WINHTTP_TEST_SQUID_AUTH", proxy, ARRAYSIZE(proxy)) || !env(L"WINHTTP_TEST_NGINX", nginx, ARRAYSIZE(nginx)) ||
        !env(L"WINHTTP_TEST_PROXY_USER", user, ARRAYSIZE(user)) ||
        !env(L"WINHTTP_TEST_PROXY_PASSWORD", password, ARRAYSIZE(password)))
        return;
    ok(split_endpoint(nginx, &port), "WINHTTP_TEST_NGINX");
    client_open(&c, async, proxy, L"localhost", port, L"/hello.txt", 0);
    if (options)
    {
        client_options(&c, TRUE, user, password);
    }
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    if (!options)
    {
        ok_int(status, 407);
        ok(WinHttpQueryAuthSchemes(c.request, &supported, &first, &target), "%lu", GetLastError());
        ok_int(target, WINHTTP_AUTH_TARGET_PROXY);
        ok(WinHttpSetCredentials(c.request, target, WINHTTP_AUTH_SCHEME_BASIC, user, password, NULL), "%lu",
           GetLastError());
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
    }
    ok_int(status, 200);
    client_close(&c);
}
static void test_squid_options(void) { squid_case(TRUE, FALSE); }
static void test_squid_application_async(void) { squid_case(FALSE, TRUE); }

TEST_CASES(
    TEST(test_set_credentials_errors),
    TEST(test_basic_application_loop),
    TEST(test_basic_application_loop_async),
    TEST(test_basic_preemptive),
    TEST(test_basic_options),
    TEST(test_basic_options_async),
    TEST(test_basic_remembered),
    TEST(test_challenge_forever),
    TEST(test_precedence),
    TEST(test_disable_authentication),
    TEST(test_malformed_challenges),
    TEST(test_digest_md5),
    TEST(test_digest_md5_async),
    TEST(test_digest_md5_sess),
    TEST(test_digest_sha256),
    TEST(test_digest_sha256_sess_async),
    TEST(test_digest_application),
    TEST(test_digest_application_async),
    TEST(test_digest_not_preemptive),
    TEST(test_digest_stale),
    TEST(test_digest_unknown_algorithm),
    TEST(test_redirect_drops_credentials),
    TEST(test_redirect_drops_options),
    TEST(test_redirect_same_origin_keeps),
    TEST(test_proxy_options),
    TEST(test_proxy_options_async),
    TEST(test_proxy_application),
    TEST(test_proxy_connect_options),
    TEST(test_proxy_connect_application),
    TEST(test_apache_basic),
    TEST(test_apache_basic_application_async),
    TEST(test_apache_basic_wrong),
    TEST(test_apache_digest),
    TEST(test_apache_digest_application),
    TEST(test_apache_digest_async),
    TEST(test_apache_digest_wrong),
    TEST(test_squid_options),
    TEST(test_squid_application_async));

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
