/* Conformance: the connection-based schemes, NTLM and Negotiate (issue 11,
 * part 2), synchronous and asynchronous.
 *
 * On the wire, with the scripted server (server.h) as the origin or the
 * proxy: the first leg answers a challenge naming the scheme, the server's
 * token (an NTLM CHALLENGE_MESSAGE built here from MS-NLMP) is answered by
 * the next leg on the same connection, a logged-in connection carries the
 * same user's next requests without a new handshake and never another
 * user's; refused logons, garbled tokens and servers that challenge
 * forever end with the 401/407 in the application's hands; the autologon
 * policy decides whether the logged-on user's credentials answer by
 * themselves.  The platform's SSPI computes every token (under Wine:
 * winbind's ntlm_auth and the host's Kerberos), so the tokens checked here
 * are their message types, not their bytes.
 *
 * Real servers when their variables name them: WINHTTP_TEST_APACHE's
 * /ntlm/ (mod_auth_gssapi with gss-ntlmssp: WINHTTP_TEST_NTLM_USER,
 * _PASSWORD, _DOMAIN) and /negotiate/ (Kerberos in the throwaway realm of
 * tools/with-kdc: WINHTTP_TEST_KRB5_USER, _PASSWORD, _REALM; KRB5CCNAME
 * holds that user's ticket, the default credentials); squid asking NTLM
 * (WINHTTP_TEST_SQUID_NTLM) and Digest (WINHTTP_TEST_SQUID_DIGEST) proxy
 * authentication in front of WINHTTP_TEST_NGINX (and WINHTTP_TEST_TLS's
 * "valid" server, through a tunnel).
 *
 * Expectations, from Microsoft's documentation where it speaks, else from
 * Wine's tests run on Windows:
 *   - NTLM and Negotiate answer a challenge, never pre-authenticate;
 *     WinHttpSetCredentials with a NULL user name means the logged-on
 *     user's credentials;
 *   - WINHTTP_OPTION_AUTOLOGON_POLICY: LOW uses the default credentials
 *     for every server, MEDIUM (the default) for the intranet, "any server
 *     on the proxy bypass list", HIGH never (documented); Wine's tests show
 *     no default logon to "localhost" without a proxy configuration;
 *   - WINHTTP_OPTION_SERVER_SPN_USED / PROXY_SPN_USED name the service the
 *     platform was asked a context for, "HTTP/<host>", with ":<port>" when
 *     WINHTTP_ENABLE_SPN_SERVER_PORT is set and the port is not the
 *     default (documented as the SPN WinHTTP built).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "harness.h"
#include "server.h"
#include "auth_client.h"
#include <wincrypt.h>

#define NTLM_TYPE1 "NTLM TlRMTVNTUAABAAAA"     /* "NTLMSSP\0" + NEGOTIATE_MESSAGE (1), base64 */
#define NTLM_TYPE3 "NTLM TlRMTVNTUAADAAAA"     /* + AUTHENTICATE_MESSAGE (3) */

/* ---- an NTLM CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2) ------------------------------------------ */

static size_t put_utf16(unsigned char *out, const char *text)
{
    size_t n = 0;
    for (; *text; text++)
    {
        out[n++] = (unsigned char)*text;
        out[n++] = 0;
    }
    return n;
}

static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, unsigned long v) { put16(p, v & 0xffff); put16(p + 2, v >> 16); }

/* "WWW-Authenticate: NTLM <challenge>\r\n" (or Proxy-Authenticate), cut
 * to cut bytes before encoding when cut is not 0. */
static const char *ntlm_challenge(const char *header, size_t cut)
{
    static char line[1024];
    unsigned char msg[256] = "NTLMSSP";
    size_t name_len, info_len = 0;
    DWORD length = 0;

    put32(msg + 8, 2);
    name_len = put_utf16(msg + 56, "WINHTTP");
    put16(msg + 12, name_len);
    put16(msg + 14, name_len);
    put32(msg + 16, 56);
    /* UNICODE, REQUEST_TARGET, NTLM, ALWAYS_SIGN, TARGET_TYPE_DOMAIN,
     * EXTENDED_SESSIONSECURITY, TARGET_INFO, VERSION, 128, 56 */
    put32(msg + 20, 0xa2898205);
    memcpy(msg + 24, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
    /* target info: MsvAvNbDomainName, MsvAvNbComputerName, MsvAvEOL */
    put16(msg + 56 + name_len, 2);
    put16(msg + 56 + name_len + 2, put_utf16(msg + 56 + name_len + 4, "WINHTTP"));
    info_len = 4 + name_len;
    put16(msg + 56 + name_len + info_len, 1);
    put16(msg + 56 + name_len + info_len + 2, put_utf16(msg + 56 + name_len + info_len + 4, "SERVER"));
    info_len += 4 + 12;
    put32(msg + 56 + name_len + info_len, 0);
    info_len += 4;
    put16(msg + 40, info_len);
    put16(msg + 42, info_len);
    put32(msg + 44, 56 + name_len);
    memcpy(msg + 48, "\x06\x01\xb1\x1d\x00\x00\x00\x0f", 8);
    sprintf(line, "%s: NTLM ", header);
    length = sizeof(line) - strlen(line);
    CryptBinaryToStringA(msg, cut ? (DWORD)cut : (DWORD)(56 + name_len + info_len), CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF,
                         line + strlen(line), &length);
    strcat(line, "\r\n");
    return line;
}

static BOOL starts_with(const char *value, const char *prefix)
{
    return !strncmp(value, prefix, strlen(prefix));
}

/* The server's requests first and first + 1 carry the two legs in header. */
static void check_legs(struct server *srv, int first, const char *header)
{
    ok(starts_with(request_header(srv, first, header), NTLM_TYPE1), "first leg: %s",
       request_header(srv, first, header));
    ok(starts_with(request_header(srv, first + 1, header), NTLM_TYPE3), "second leg: %s",
       request_header(srv, first + 1, header));
}

/* The script of a server (or proxy) that asks for NTLM: a 401 (407)
 * naming it (first: the challenge lines, NULL for just NTLM), then the
 * CHALLENGE_MESSAGE answering the first leg. */
static void script_ntlm_challenges(struct script *s, BOOL proxy, const char *first)
{
    const char *header = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
    char line[128];

    if (!first)
    {
        sprintf(line, "%s: NTLM\r\n", header);
        first = line;
    }
    script_recv_request(s);
    script_respond(s, proxy ? 407 : 401, first, "denied");
    script_recv_request(s);
    script_respond(s, proxy ? 407 : 401, ntlm_challenge(header, 0), "go on");
}

/* ---- the scripted server ------------------------------------------------------------------- */

/* The application's loop: 401 -> QueryAuthSchemes -> SetCredentials(NTLM)
 * -> send; the handshake's two legs then go on one connection. */
static void ntlm_application(BOOL async)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv), *s2 = server_add_connection(srv);
    DWORD status, supported = 0, first = 0, target = 0, spn_port = WINHTTP_ENABLE_SPN_SERVER_PORT;
    WCHAR spn[64] = L"", want_spn[64];
    DWORD size = sizeof(spn);
    struct client c;

    script_recv_request(s);
    script_respond(s, 401, "WWW-Authenticate: NTLM\r\nWWW-Authenticate: Basic realm=\"placebo\"\r\nConnection: close\r\n",
                   "denied");
    script_close(s);
    script_recv_request(s2);
    script_respond(s2, 401, ntlm_challenge("WWW-Authenticate", 0), "go on");
    script_recv_request(s2);
    script_respond(s2, 200, NULL, "welcome");
    client_open(&c, async, NULL, L"127.0.0.1", server_port(srv), L"/private", 0);
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    ok(WinHttpQueryAuthSchemes(c.request, &supported, &first, &target), "QueryAuthSchemes: %lu", GetLastError());
    ok_int(supported, WINHTTP_AUTH_SCHEME_NTLM | WINHTTP_AUTH_SCHEME_BASIC);
    ok_int(target, WINHTTP_AUTH_TARGET_SERVER);
    ok(WinHttpSetCredentials(c.request, target, WINHTTP_AUTH_SCHEME_NTLM, L"WINHTTP\\user", L"pwd", NULL),
       "SetCredentials: %lu", GetLastError());
    ok(WinHttpSetOption(c.request, WINHTTP_OPTION_SPN, &spn_port, sizeof(spn_port)), "%lu", GetLastError());
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 200);
    /* the name the platform was given for the server, with the port asked for */
    swprintf(want_spn, ARRAYSIZE(want_spn), L"HTTP/127.0.0.1:%u", server_port(srv));
    ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_SERVER_SPN_USED, spn, &size), "%lu", GetLastError());
    ok(!wcscmp(spn, want_spn), "SPN %ls", spn);
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok_int(server_requests(srv), 3);
    ok_int(server_connections(srv), 2);
    ok(!request_header(srv, 0, "Authorization")[0], "first: %s", request_header(srv, 0, "Authorization"));
    check_legs(srv, 1, "Authorization");
    ok(server_request(srv, 2) && server_request(srv, 2)->connection == 1, "the second leg on the first leg's connection");
    ok_int(server_errors(srv), 0);
    server_stop(srv);
}
static void test_ntlm_application(void) { ntlm_application(FALSE); }
static void test_ntlm_application_async(void) { ntlm_application(TRUE); }

/* The options answer by themselves, all on the first connection: the
 * USERNAME/PASSWORD ones the server's NTLM (rather than Basic, offered
 * first), the PROXY_USERNAME/PASSWORD ones a proxy's NTLM on plain
 * requests (Proxy-Authorization, never Authorization). */
static void ntlm_automatic(BOOL proxy, BOOL async)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv);
    const char *challenge = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
    char first[128];
    WCHAR proxy_name[32], spn[64] = L"";
    DWORD size = sizeof(spn);
    struct client c;
    DWORD status;

    sprintf(first, "%s: Basic realm=\"placebo\"\r\n%s: NTLM\r\n", challenge, challenge);
    script_ntlm_challenges(s, proxy, first);
    script_recv_request(s);
    script_respond(s, 200, NULL, "welcome");
    swprintf(proxy_name, ARRAYSIZE(proxy_name), L"127.0.0.1:%u", server_port(srv));
    if (proxy) client_open(&c, async, proxy_name, L"origin.example", 80, L"/page", 0);
    else client_open(&c, async, NULL, L"127.0.0.1", server_port(srv), L"/private", 0);
    client_options(&c, proxy, L"user", L"pwd");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 200);
    if (proxy)
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_PROXY_SPN_USED, spn, &size), "%lu", GetLastError());
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok_int(server_connections(srv), 1);
    ok_int(server_requests(srv), 3);
    check_legs(srv, 1, proxy ? "Proxy-Authorization" : "Authorization");
    if (proxy) ok(!request_header(srv, 2, "Authorization")[0], "%s", request_header(srv, 2, "Authorization"));
    if (proxy) ok(!wcscmp(spn, L"HTTP/127.0.0.1"), "proxy SPN %ls", spn);
    ok_int(server_errors(srv), 0);
    server_stop(srv);
}
static void test_ntlm_options(void) { ntlm_automatic(FALSE, FALSE); }
static void test_ntlm_options_async(void) { ntlm_automatic(FALSE, TRUE); }

/* A logged-in connection: the same user's next request goes on it with
 * no handshake; a request without credentials gets a new connection. */
static void test_ntlm_connection_logged_in(void)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv), *s2 = server_add_connection(srv);
    HINTERNET request;
    struct client c;
    DWORD status, size = sizeof(status);
    char body[16];
    DWORD read;

    script_ntlm_challenges(s, FALSE, NULL);
    script_recv_request(s);
    script_respond(s, 200, NULL, "welcome");
    script_recv_request(s);
    script_respond(s, 200, NULL, "again");
    script_await_close(s, INFINITE);
    script_recv_request(s2);
    script_respond(s2, 401, "WWW-Authenticate: NTLM\r\n", "denied");
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/private", 0);
    client_options(&c, FALSE, L"user", L"pwd");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 200);
    ok(WinHttpReadData(c.request, body, sizeof(body), &read), "read %lu", GetLastError());
    WinHttpCloseHandle(c.request);

    /* the same user */
    c.request = WinHttpOpenRequest(c.connect, NULL, L"/private/2", NULL, NULL, NULL, 0);
    client_options(&c, FALSE, L"user", L"pwd");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 200);
    ok(WinHttpReadData(c.request, body, sizeof(body), &read), "read %lu", GetLastError());

    /* nobody's request never goes on it */
    request = WinHttpOpenRequest(c.connect, NULL, L"/private/3", NULL, NULL, NULL, 0);
    ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL), "send %lu",
       GetLastError());
    ok(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL),
       "status %lu", GetLastError());
    ok_int(status, 401);
    WinHttpCloseHandle(request);
    client_close(&c);
    /* the connection stays pooled, open: what was read is all there is */
    ok_int(server_connections(srv), 2);
    ok_int(server_requests(srv), 5);
    ok(!request_header(srv, 3, "Authorization")[0], "logged in: %s", request_header(srv, 3, "Authorization"));
    ok(server_request(srv, 3) && server_request(srv, 3)->connection == 0, "the logged-in connection");
    ok(server_request(srv, 4) && server_request(srv, 4)->connection == 1, "a new connection");
    ok_int(server_errors(srv), 0);
    server_stop(srv);
}

/* The server refuses the last leg: the 401 goes to the application, and
 * the credentials are not tried again by themselves. */
static void test_ntlm_refused(void)
{
    struct server *srv = server_start();
    struct script *s = server_every_connection(srv);
    struct client c;
    DWORD status;

    script_ntlm_challenges(s, FALSE, NULL);
    script_recv_request(s);
    script_respond(s, 401, "WWW-Authenticate: NTLM\r\n", "denied");
    script_await_close(s, INFINITE);
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/private", 0);
    client_options(&c, FALSE, L"user", L"wrong");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    client_close(&c);
    /* the connection stays pooled, open: what was read is all there is */
    ok_int(server_requests(srv), 3);
    server_stop(srv);
}

/* Tokens the platform cannot answer: not base64, an NTLM challenge cut
 * short, a token where a new handshake starts, and a server that answers
 * every leg with a fresh challenge: the 401 comes back, nothing hangs. */
static void garbled_case(const char *second, int want_requests)
{
    struct server *srv = server_start();
    struct script *s = server_every_connection(srv);
    struct client c;
    DWORD status;

    script_recv_request(s);
    script_respond(s, 401, "WWW-Authenticate: NTLM\r\n", "denied");
    script_recv_request(s);
    script_respond(s, 401, second, "go on");
    script_repeat(s);
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/private", 0);
    client_options(&c, FALSE, L"user", L"pwd");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    client_close(&c);
    /* the connection stays pooled, open: what was read is all there is */
    ok(server_requests(srv) <= want_requests, "%ld requests", server_requests(srv));
    server_stop(srv);
}
static void test_ntlm_token_not_base64(void) { garbled_case("WWW-Authenticate: NTLM !!!!\r\n", 2); }
static void test_ntlm_token_cut_short(void)
{
    char line[1024];
    strcpy(line, ntlm_challenge("WWW-Authenticate", 30));
    garbled_case(line, 2);
}
static void test_ntlm_token_wrong_type(void) { garbled_case("WWW-Authenticate: " NTLM_TYPE1 "AAAAAAAAAAAAAAAAAAAAAAA=\r\n", 2); }
static void test_ntlm_challenge_forever(void)
{
    char line[1024];
    strcpy(line, ntlm_challenge("WWW-Authenticate", 0));
    garbled_case(line, 3);
}

/* The autologon policy: without credentials, HIGH and MEDIUM (for a
 * server off the bypass list) leave the 401 to the application, with no
 * attempt on the wire. */
static void policy_case(DWORD policy)
{
    struct server *srv = server_start();
    struct script *s = server_every_connection(srv);
    struct client c;
    DWORD status, supported = 0, first = 0, target = 0;

    script_recv_request(s);
    script_respond(s, 401, "WWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\n", "denied");
    script_await_close(s, INFINITE);
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/private", 0);
    if (policy != ~0u)
        ok(WinHttpSetOption(c.request, WINHTTP_OPTION_AUTOLOGON_POLICY, &policy, sizeof(policy)), "%lu",
           GetLastError());
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    ok(WinHttpQueryAuthSchemes(c.request, &supported, &first, &target), "%lu", GetLastError());
    ok_int(supported, WINHTTP_AUTH_SCHEME_NEGOTIATE | WINHTTP_AUTH_SCHEME_NTLM);
    client_close(&c);
    /* the connection stays pooled, open: what was read is all there is */
    ok_int(server_requests(srv), 1);
    server_stop(srv);
}
static void test_autologon_high(void) { policy_case(WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH); }
static void test_autologon_default(void) { policy_case(~0u); }

static void test_autologon_option_values(void)
{
    HINTERNET session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = WinHttpConnect(session, L"127.0.0.1", 80, 0);
    HINTERNET request = WinHttpOpenRequest(connect, NULL, L"/", NULL, NULL, NULL, 0);
    DWORD value = WINHTTP_AUTOLOGON_SECURITY_LEVEL_LOW, spn = WINHTTP_ENABLE_SPN_SERVER_PORT;
    WCHAR name[64];
    DWORD size = sizeof(name);

    ok(WinHttpSetOption(request, WINHTTP_OPTION_AUTOLOGON_POLICY, &value, sizeof(value)), "%lu", GetLastError());
    value = 0x10;
    ok_bool_err(WinHttpSetOption(request, WINHTTP_OPTION_AUTOLOGON_POLICY, &value, sizeof(value)), FALSE,
                ERROR_INVALID_PARAMETER);
    ok(WinHttpSetOption(request, WINHTTP_OPTION_SPN, &spn, sizeof(spn)), "%lu", GetLastError());
    /* before any handshake: an empty name */
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_SERVER_SPN_USED, name, &size), "%lu", GetLastError());
    ok_int(size, 0);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* WINHTTP_DISABLE_AUTHENTICATION: no leg, whatever the credentials. */
static void test_ntlm_disabled(void)
{
    struct server *srv = server_start();
    struct script *s = server_every_connection(srv);
    DWORD features = WINHTTP_DISABLE_AUTHENTICATION, status;
    struct client c;

    script_recv_request(s);
    script_respond(s, 401, "WWW-Authenticate: NTLM\r\n", "denied");
    script_await_close(s, INFINITE);
    client_open(&c, FALSE, NULL, L"127.0.0.1", server_port(srv), L"/private", 0);
    client_options(&c, FALSE, L"user", L"pwd");
    ok(WinHttpSetOption(c.request, WINHTTP_OPTION_DISABLE_FEATURE, &features, sizeof(features)), "%lu",
       GetLastError());
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 401);
    client_close(&c);
    /* the connection stays pooled, open: what was read is all there is */
    ok_int(server_requests(srv), 1);
    server_stop(srv);
}

static void test_ntlm_proxy(void) { ntlm_automatic(TRUE, FALSE); }
static void test_ntlm_proxy_async(void) { ntlm_automatic(TRUE, TRUE); }

/* NTLM on CONNECT: the legs are CONNECTs on one connection; once the
 * tunnel opens the scripted proxy closes (no TLS here), which fails the
 * request after the logon, as it must. */
static void test_ntlm_proxy_connect(void)
{
    struct server *srv = server_start();
    struct script *s = server_add_connection(srv);
    WCHAR proxy[32];
    struct client c;
    DWORD status;

    script_ntlm_challenges(s, TRUE, NULL);
    script_recv_request(s);
    script_send(s, "HTTP/1.1 200 Connection established\r\n\r\n", 0);
    script_reset(s);
    swprintf(proxy, ARRAYSIZE(proxy), L"127.0.0.1:%u", server_port(srv));
    client_open(&c, FALSE, proxy, L"origin.example", 443, L"/page", WINHTTP_FLAG_SECURE);
    client_options(&c, TRUE, L"user", L"pwd");
    ok(client_exchange(&c, NULL, 0, &status) != 0, "the TLS handshake cannot succeed");
    client_close(&c);
    server_wait_idle(srv, WAIT_MS);
    ok_int(server_connections(srv), 1);
    ok_int(server_requests(srv), 3);
    ok(starts_with(server_last_request(srv), "CONNECT origin.example:443 "), "%s", server_last_request(srv));
    check_legs(srv, 1, "Proxy-Authorization");
    server_stop(srv);
}

/* ---- real servers ------------------------------------------------------------------------------- */

/* Apache's /ntlm/ or /negotiate/: explicit credentials (options or the
 * application's loop), right or wrong, or the default credentials. */
enum who { RIGHT, WRONG, DEFAULT };

static BOOL account(const WCHAR *kind, WCHAR *user, WCHAR *password)
{
    WCHAR name[64], domain[64];

    swprintf(name, ARRAYSIZE(name), L"WINHTTP_TEST_%ls_USER", kind);
    if (!env(name, user, 64)) return FALSE;
    swprintf(name, ARRAYSIZE(name), L"WINHTTP_TEST_%ls_PASSWORD", kind);
    if (!env(name, password, 64)) return FALSE;
    swprintf(name, ARRAYSIZE(name), L"WINHTTP_TEST_%ls", wcscmp(kind, L"NTLM") ? L"KRB5_REALM" : L"NTLM_DOMAIN");
    if (!env(name, domain, ARRAYSIZE(domain))) return FALSE;
    /* NTLM: DOMAIN\user; Kerberos: user@REALM */
    if (!wcscmp(kind, L"NTLM"))
    {
        WCHAR plain[64];
        lstrcpyW(plain, user);
        swprintf(user, 64, L"%ls\\%ls", domain, plain);
    }
    else
    {
        lstrcatW(user, L"@");
        lstrcatW(user, domain);
    }
    return TRUE;
}

static void apache_logon(const WCHAR *path, const WCHAR *kind, DWORD scheme, BOOL options, enum who who, BOOL async)
{
    WCHAR host[64], user[64], password[64];
    DWORD status, supported, first, target;
    INTERNET_PORT port = 0;
    struct client c;

    if (!env(L"WINHTTP_TEST_APACHE", host, ARRAYSIZE(host)) || !account(kind, user, password)) return;
    if (who == WRONG) lstrcatW(password, L"-wrong");
    ok(split_endpoint(host, &port), "WINHTTP_TEST_APACHE");
    /* Kerberos names the service by host: HTTP/localhost is in the realm */
    client_open(&c, async, NULL, L"localhost", port, path, 0);
    if (who == DEFAULT)
    {
        DWORD policy = WINHTTP_AUTOLOGON_SECURITY_LEVEL_LOW;
        ok(WinHttpSetOption(c.request, WINHTTP_OPTION_AUTOLOGON_POLICY, &policy, sizeof(policy)), "%lu",
           GetLastError());
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
    }
    else if (options)
    {
        client_options(&c, FALSE, user, password);
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
    }
    else
    {
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
        ok_int(status, 401);
        ok(WinHttpQueryAuthSchemes(c.request, &supported, &first, &target), "%lu", GetLastError());
        ok(supported & scheme, "supported %#lx", supported);
        ok(WinHttpSetCredentials(c.request, target, scheme, user, password, NULL), "%lu", GetLastError());
        ok_int(client_exchange(&c, NULL, 0, &status), 0);
    }
    ok_int(status, who == WRONG ? 401 : 200);
    if (status == 200 && !async)
    {
        char body[64] = "";
        DWORD read = 0;
        WinHttpReadData(c.request, body, sizeof(body) - 1, &read);
        ok(!strncmp(body, "secret", 6), "body %s", body);
    }
    if (scheme == WINHTTP_AUTH_SCHEME_NEGOTIATE && who != WRONG)
    {
        WCHAR spn[128];
        DWORD size = sizeof(spn);
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_SERVER_SPN_USED, spn, &size), "%lu", GetLastError());
        ok(!wcscmp(spn, L"HTTP/localhost"), "SPN %ls", spn);
    }
    client_close(&c);
}
static void test_apache_ntlm(void) { apache_logon(L"/ntlm/secret.txt", L"NTLM", WINHTTP_AUTH_SCHEME_NTLM, TRUE, RIGHT, FALSE); }
static void test_apache_ntlm_application_async(void)
{
    apache_logon(L"/ntlm/secret.txt", L"NTLM", WINHTTP_AUTH_SCHEME_NTLM, FALSE, RIGHT, TRUE);
}
static void test_apache_ntlm_wrong(void) { apache_logon(L"/ntlm/secret.txt", L"NTLM", WINHTTP_AUTH_SCHEME_NTLM, TRUE, WRONG, FALSE); }
static void test_apache_negotiate(void)
{
    apache_logon(L"/negotiate/secret.txt", L"KRB5", WINHTTP_AUTH_SCHEME_NEGOTIATE, FALSE, RIGHT, FALSE);
}
static void test_apache_negotiate_options_async(void)
{
    apache_logon(L"/negotiate/secret.txt", L"KRB5", WINHTTP_AUTH_SCHEME_NEGOTIATE, TRUE, RIGHT, TRUE);
}
static void test_apache_negotiate_default(void)
{
    apache_logon(L"/negotiate/secret.txt", L"KRB5", WINHTTP_AUTH_SCHEME_NEGOTIATE, FALSE, DEFAULT, FALSE);
}

/* squid asking NTLM or Digest of the proxy's user, for http and through
 * a CONNECT tunnel to nginx's TLS port. */
static void squid_logon(const WCHAR *variable, BOOL tls, BOOL async)
{
    WCHAR proxy[64], origin[64], user[64], password[64];
    INTERNET_PORT port = 0;
    struct client c;
    DWORD status;

    if (!env(variable, proxy, ARRAYSIZE(proxy)) || !env(L"WINHTTP_TEST_PROXY_USER", user, ARRAYSIZE(user)) ||
        !env(L"WINHTTP_TEST_PROXY_PASSWORD", password, ARRAYSIZE(password)))
        return;
    if (tls ? !env_tls_server(L"valid", origin, ARRAYSIZE(origin), &port)
            : !(env(L"WINHTTP_TEST_NGINX", origin, ARRAYSIZE(origin)) && split_endpoint(origin, &port)))
        return;
    client_open(&c, async, proxy, L"localhost", port, L"/hello.txt", tls ? WINHTTP_FLAG_SECURE : 0);
    client_options(&c, TRUE, user, password);
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 200);
    client_close(&c);
}
/* Through an open tunnel a 407 is the origin's: the proxy's credentials
 * neither answer it nor go inside; the application gets it at once. */
static void test_origin_407_in_tunnel(void)
{
    WCHAR proxy[64], origin[64], value[16];
    INTERNET_PORT port = 0;
    DWORD status, size = sizeof(value);
    struct client c;

    if (!env(L"WINHTTP_TEST_SQUID", proxy, ARRAYSIZE(proxy)) ||
        !env_tls_server(L"valid", origin, ARRAYSIZE(origin), &port))
        return;
    client_open(&c, FALSE, proxy, L"localhost", port, L"/status-407", WINHTTP_FLAG_SECURE);
    client_options(&c, TRUE, L"user", L"pwd");
    ok_int(client_exchange(&c, NULL, 0, &status), 0);
    ok_int(status, 407);
    ok(WinHttpQueryHeaders(c.request, WINHTTP_QUERY_CUSTOM, L"X-Connection-Requests", value, &size, NULL), "%lu",
       GetLastError());
    ok(!wcscmp(value, L"1"), "requests on the tunnel: %ls", value);
    client_close(&c);
}

static void test_squid_ntlm(void) { squid_logon(L"WINHTTP_TEST_SQUID_NTLM", FALSE, FALSE); }
static void test_squid_ntlm_tunnel_async(void) { squid_logon(L"WINHTTP_TEST_SQUID_NTLM", TRUE, TRUE); }
static void test_squid_digest(void) { squid_logon(L"WINHTTP_TEST_SQUID_DIGEST", FALSE, FALSE); }
static void test_squid_digest_tunnel(void) { squid_logon(L"WINHTTP_TEST_SQUID_DIGEST", TRUE, FALSE); }

TEST_CASES(
    TEST(test_ntlm_application),
    TEST(test_ntlm_application_async),
    TEST(test_ntlm_options),
    TEST(test_ntlm_options_async),
    TEST(test_ntlm_connection_logged_in),
    TEST(test_ntlm_refused),
    TEST(test_ntlm_token_not_base64),
    TEST(test_ntlm_token_cut_short),
    TEST(test_ntlm_token_wrong_type),
    TEST(test_ntlm_challenge_forever),
    TEST(test_autologon_high),
    TEST(test_autologon_default),
    TEST(test_autologon_option_values),
    TEST(test_ntlm_disabled),
    TEST(test_ntlm_proxy),
    TEST(test_ntlm_proxy_async),
    TEST(test_ntlm_proxy_connect),
    TEST(test_apache_ntlm),
    TEST(test_apache_ntlm_application_async),
    TEST(test_apache_ntlm_wrong),
    TEST(test_apache_negotiate),
    TEST(test_apache_negotiate_options_async),
    TEST(test_apache_negotiate_default),
    TEST(test_origin_407_in_tunnel),
    TEST(test_squid_ntlm),
    TEST(test_squid_ntlm_tunnel_async),
    TEST(test_squid_digest),
    TEST(test_squid_digest_tunnel));

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
