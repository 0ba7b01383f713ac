/* Conformance: HTTPS.  Certificate errors and the SECURE_FAILURE callback,
 * revocation checking against a CRL on loopback, the SECURITY_FLAG_IGNORE_* flags and the fail/set/resend pattern, what
 * can be asked after the handshake (security flags, the server's
 * certificate, key bitness), WINHTTP_OPTION_SECURE_PROTOCOLS, client
 * certificates (from PKCS#12, and the same key moved into CNG),
 * https-to-http redirects; synchronous and asynchronous.
 * Then bad peers: garbage instead of a ServerHello, a truncated record, a
 * reset and silence mid-handshake (played by the scripted server), and
 * clear text or half a record after a real handshake (tools/tls-fault-server).
 *
 * The servers are nginx's TLS servers of tools/nginx-ctl, named in the
 * environment variable WINHTTP_TEST_TLS as "NAME=HOST:PORT;..." (valid,
 * expired, wrong-host, self-signed, unknown-ca, wrong-usage, client-auth,
 * tls13, tls12, revoked, not-revoked, crl-offline; and
 * garbage-after-handshake, truncated-after-handshake from
 * tools/tls-fault-server), with the certificates of
 * tools/make-test-pki: its test CA ("winhttp test CA") must be trusted by
 * the system the program runs on (tools/with-nginx --tls puts it into the
 * Wine prefix's root store).  The client certificate is the PKCS#12 file
 * WINHTTP_TEST_TLS_PFX with the password WINHTTP_TEST_TLS_PFX_PASSWORD.
 * Cases whose server is not named say "skip" and check nothing; the
 * scripted bad peers need no environment.
 *
 * Errors: WinHttpSendRequest's documentation says a certificate the client
 * rejects fails with ERROR_WINHTTP_SECURE_FAILURE, the details coming in
 * the WINHTTP_CALLBACK_STATUS_SECURE_FAILURE callback; WinHTTP's error list
 * also has one error per problem (ERROR_WINHTTP_SECURE_INVALID_CA,
 * ..._CERT_DATE_INVALID, ..._CERT_CN_INVALID), and programs written for
 * native winhttp handle both.  Which one native winhttp returns for a single
 * problem is not documented, so both are accepted; the callback's bits,
 * which are documented, are checked exactly. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "harness.h"
#include "server.h"
#include <schannel.h>       /* before winhttp.h: WINHTTP_SECURITY_INFO */
#define SECURITY_WIN32
#include <sspi.h>           /* SecPkgContext_Bindings */
#include "winhttp.h"
#include <wincrypt.h>
#include <ncrypt.h>

#define WAIT_MS 5000
#define HELLO_TEXT "Hello from nginx.\nThis file is fetched by tests/conformance/nginx.c.\n"
#define CA_NAME L"winhttp test CA"
#define SERVER_NAME L"127.0.0.1"
#define CLIENT_NAME L"winhttp test client"
#define NO_COMPLETION 0xffffffffu  /* an async call that never completed */
#define BIG_SIZE (16u << 20)

/* ---- the servers ------------------------------------------------------------------- */

struct endpoint
{
    WCHAR host[64];
    INTERNET_PORT port;
};

static BOOL find_server(const WCHAR *name, struct endpoint *out)
{
    return harness_tls_server(name, out->host, ARRAYSIZE(out->host), &out->port);
}

/* ---- what the status callback saw -------------------------------------------------- */

struct callback_log
{
    LONG secure_failures;       /* SECURE_FAILURE callbacks */
    DWORD secure_flags;         /* their WINHTTP_CALLBACK_STATUS_FLAG_* bits, or'ed */
    DWORD secure_length;        /* dwStatusInformationLength of the last one */
    DWORD completion;           /* the last completion status */
    WINHTTP_ASYNC_RESULT error; /* REQUEST_ERROR's payload */
    DWORD bytes;                /* DATA_AVAILABLE / READ_COMPLETE */
    HANDLE done;                /* a completion arrived */
    HANDLE closing;             /* HANDLE_CLOSING arrived */
};

#define CALLBACK_MASK (WINHTTP_CALLBACK_FLAG_SECURE_FAILURE | WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | \
                       WINHTTP_CALLBACK_FLAG_HANDLES)

static void CALLBACK record_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct callback_log *log = (struct callback_log *)context;

    if (!log) return;
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SECURE_FAILURE:
        InterlockedIncrement(&log->secure_failures);
        log->secure_flags |= info ? *(DWORD *)info : 0;
        log->secure_length = length;
        return;
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        SetEvent(log->closing);
        return;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        log->error = *(WINHTTP_ASYNC_RESULT *)info;
        break;
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
        log->bytes = *(DWORD *)info;
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        log->bytes = length;
        break;
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
        break;
    default:
        return;
    }
    log->completion = status;
    SetEvent(log->done);
}

/* ---- a client: one session, connect and request, sync or async -------------------- */

struct client
{
    BOOL async;
    BOOL keep_alive;            /* let finished connections go to the pool */
    HINTERNET session, connect, request;
    struct callback_log log;
    DWORD start;
    DWORD failed_call;          /* API_SEND_REQUEST or API_RECEIVE_RESPONSE: the exchange's call that failed */
    BOOL plain;                 /* open http requests, not https */
};

static BOOL client_open_session(struct client *c, BOOL async, DWORD timeout)
{
    memset(c, 0, sizeof(*c));
    c->async = async;
    c->log.done = CreateEventW(NULL, FALSE, FALSE, NULL);
    c->log.closing = CreateEventW(NULL, TRUE, FALSE, NULL);
    c->session = WinHttpOpen(L"conformance/tls", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL,
                             async ? WINHTTP_FLAG_ASYNC : 0);
    ok(c->session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    if (!c->session) return FALSE;
    /* short limits: a broken engine must fail the case, not hang the run */
    ok(WinHttpSetTimeouts(c->session, timeout, timeout, timeout, timeout), "SetTimeouts: %lu", GetLastError());
    return TRUE;
}

/* Opens an https (or c->plain: http) request for path on the client's connection; the callback watches it. */
static BOOL client_new_request(struct client *c, const WCHAR *path)
{
    DWORD_PTR context = (DWORD_PTR)&c->log;

    DWORD no_keep_alive = WINHTTP_DISABLE_KEEP_ALIVE;

    c->request = WinHttpOpenRequest(c->connect, L"GET", path, NULL, NULL, NULL, c->plain ? 0 : WINHTTP_FLAG_SECURE);
    ok(c->request != NULL, "WinHttpOpenRequest failed: %lu", GetLastError());
    if (!c->request) return FALSE;
    /* Every case makes its own handshake, whatever the scope of the pool:
     * a connection a case left behind (accepted with IGNORE flags, or with
     * a client certificate) must not decide the next case. */
    if (!c->keep_alive)
        ok(WinHttpSetOption(c->request, WINHTTP_OPTION_DISABLE_FEATURE, &no_keep_alive, sizeof(no_keep_alive)),
           "DISABLE_FEATURE KEEP_ALIVE: %lu", GetLastError());
    ok(WinHttpSetOption(c->request, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context)),
       "set CONTEXT_VALUE: %lu", GetLastError());
    ok(WinHttpSetStatusCallback(c->request, record_callback, CALLBACK_MASK, 0) != WINHTTP_INVALID_STATUS_CALLBACK,
       "WinHttpSetStatusCallback failed: %lu", GetLastError());
    return TRUE;
}

static BOOL client_open_request(struct client *c, const WCHAR *host, INTERNET_PORT port, const WCHAR *path)
{
    c->connect = WinHttpConnect(c->session, host, port, 0);
    ok(c->connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    return c->connect && client_new_request(c, path);
}

/* Closes the request and waits until it can call back no more (the log lives in *c). */
static void client_close_request(struct client *c)
{
    if (!c->request) return;
    WinHttpCloseHandle(c->request);
    WaitForSingleObject(c->log.closing, 2000);
    ResetEvent(c->log.closing);
    c->request = NULL;
}

/* Opens a request to one of the nginx servers; FALSE (after "skip") if it is not named. */
static BOOL client_open_pooled(struct client *c, const WCHAR *server, BOOL async, const WCHAR *path, BOOL pooled)
{
    struct endpoint ep;

    memset(c, 0, sizeof(*c));
    if (!find_server(server, &ep) || !client_open_session(c, async, 5000)) return FALSE;
    c->keep_alive = pooled;
    return client_open_request(c, ep.host, ep.port, path);
}

static BOOL client_open(struct client *c, const WCHAR *server, BOOL async, const WCHAR *path)
{
    return client_open_pooled(c, server, async, path, FALSE);
}

/* Waits for the completion of an async call that returned TRUE: 0 if it
 * was `want`, REQUEST_ERROR's error, or NO_COMPLETION. */
static DWORD wait_completion(struct client *c, DWORD want)
{
    if (WaitForSingleObject(c->log.done, WAIT_MS)) return NO_COMPLETION;
    if (c->log.completion == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) return c->log.error.dwError;
    ok(c->log.completion == want, "completion %#lx, want %#lx", c->log.completion, want);
    return 0;
}

/* WinHttpSendRequest then WinHttpReceiveResponse, in the client's mode:
 * 0 when the response head arrived, else the error of the call that failed. */
static DWORD client_exchange(struct client *c)
{
    DWORD error;

    c->start = GetTickCount();
    c->failed_call = API_SEND_REQUEST;
    ResetEvent(c->log.done);
    /* the dwContext of WinHttpSendRequest becomes the request's context value */
    if (!WinHttpSendRequest(c->request, NULL, 0, NULL, 0, 0, (DWORD_PTR)&c->log)) return GetLastError();
    if (c->async && (error = wait_completion(c, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE))) return error;
    c->failed_call = API_RECEIVE_RESPONSE;
    if (!WinHttpReceiveResponse(c->request, NULL)) return GetLastError();
    if (c->async && (error = wait_completion(c, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE))) return error;
    c->failed_call = 0;
    return 0;
}

static const char *call_name(DWORD call)
{
    return call == API_SEND_REQUEST ? "WinHttpSendRequest" : call == API_RECEIVE_RESPONSE ? "WinHttpReceiveResponse"
                                                                                           : "none";
}

/* The exchange failed in this call (the handshake is WinHttpSendRequest's). */
static void ok_failed_in(struct client *c, DWORD call)
{
    ok(c->failed_call == call, "failed in %s, want %s", call_name(c->failed_call), call_name(call));
    ok(c->log.completion != WINHTTP_CALLBACK_STATUS_REQUEST_ERROR || c->log.error.dwResult == call,
       "REQUEST_ERROR for API %lu, want %lu", (unsigned long)c->log.error.dwResult, call);
}

static DWORD status_code(HINTERNET request)
{
    DWORD status = 0, size = sizeof(status);

    WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL);
    return status;
}

/* Reads the body into buffer (NUL-terminated); returns its length, or -1. */
static int read_body(struct client *c, char *buffer, DWORD size)
{
    DWORD total = 0, got;

    for (;;)
    {
        if (total + 1 >= size) return -1;
        got = 0;
        ResetEvent(c->log.done);
        if (!WinHttpReadData(c->request, buffer + total, size - 1 - total, c->async ? NULL : &got)) return -1;
        if (c->async)
        {
            if (wait_completion(c, WINHTTP_CALLBACK_STATUS_READ_COMPLETE)) return -1;
            got = c->log.bytes;
        }
        if (!got) break;
        total += got;
    }
    buffer[total] = 0;
    return total;
}

/* The response must be 200 with the text of /hello.txt. */
static void ok_hello(struct client *c)
{
    char body[512];
    DWORD status = status_code(c->request);

    ok_int(status, 200);
    if (status != 200) return;  /* no response to read */
    body[0] = 0;
    ok(read_body(c, body, sizeof(body)) >= 0 && !strcmp(body, HELLO_TEXT), "body: %.80s", body);
}

static void client_close(struct client *c)
{
    client_close_request(c);
    if (c->connect) WinHttpCloseHandle(c->connect);
    if (c->session) WinHttpCloseHandle(c->session);
    if (c->log.done) CloseHandle(c->log.done);
    if (c->log.closing) CloseHandle(c->log.closing);
    memset(c, 0, sizeof(*c));
}

static void set_security_flags(struct client *c, DWORD flags)
{
    ok(WinHttpSetOption(c->request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags)),
       "set SECURITY_FLAGS %#lx: %lu", flags, GetLastError());
}

/* ---- certificate errors ------------------------------------------------------------ */

/* A certificate problem: the exchange fails with the problem's own error or
 * ERROR_WINHTTP_SECURE_FAILURE (see the top of the file), and the
 * SECURE_FAILURE callback came with exactly these bits in a DWORD. */
static void ok_certificate_error(struct client *c, DWORD error, DWORD specific, DWORD flags)
{
    ok(error == specific || error == ERROR_WINHTTP_SECURE_FAILURE, "%s: got error %lu, want %lu or %u",
       c->async ? "async" : "sync", error, specific, ERROR_WINHTTP_SECURE_FAILURE);
    ok(c->log.secure_failures >= 1, "no SECURE_FAILURE callback");
    ok(c->log.secure_flags == flags, "SECURE_FAILURE flags %#lx, want %#lx", c->log.secure_flags, flags);
    ok(!c->log.secure_failures || c->log.secure_length == sizeof(DWORD), "SECURE_FAILURE length %lu",
       c->log.secure_length);
    ok_failed_in(c, API_SEND_REQUEST);
}

static void check_rejected(const WCHAR *server, BOOL async, DWORD specific, DWORD flags)
{
    struct client c;

    if (client_open(&c, server, async, L"/hello.txt"))
        ok_certificate_error(&c, client_exchange(&c), specific, flags);
    client_close(&c);
}

static void valid_sync(void)
{
    struct client c;

    if (client_open(&c, L"valid", FALSE, L"/hello.txt"))
    {
        ok_int(client_exchange(&c), 0);
        ok_hello(&c);
        ok(!c.log.secure_failures, "%ld SECURE_FAILURE callbacks", c.log.secure_failures);
    }
    client_close(&c);
}

static void valid_async(void)
{
    struct client c;

    if (client_open(&c, L"valid", TRUE, L"/hello.txt"))
    {
        ok_int(client_exchange(&c), 0);
        ok_hello(&c);
        ok(!c.log.secure_failures, "%ld SECURE_FAILURE callbacks", c.log.secure_failures);
    }
    client_close(&c);
}

static void self_signed_sync(void)
{
    check_rejected(L"self-signed", FALSE, ERROR_WINHTTP_SECURE_INVALID_CA, WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA);
}

static void self_signed_async(void)
{
    check_rejected(L"self-signed", TRUE, ERROR_WINHTTP_SECURE_INVALID_CA, WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA);
}

/* signed by a CA the system does not trust, which the server sends along */
static void unknown_ca_sync(void)
{
    check_rejected(L"unknown-ca", FALSE, ERROR_WINHTTP_SECURE_INVALID_CA, WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA);
}

static void unknown_ca_async(void)
{
    check_rejected(L"unknown-ca", TRUE, ERROR_WINHTTP_SECURE_INVALID_CA, WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA);
}

static void expired_sync(void)
{
    check_rejected(L"expired", FALSE, ERROR_WINHTTP_SECURE_CERT_DATE_INVALID,
                   WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID);
}

static void expired_async(void)
{
    check_rejected(L"expired", TRUE, ERROR_WINHTTP_SECURE_CERT_DATE_INVALID,
                   WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID);
}

static void wrong_host_sync(void)
{
    check_rejected(L"wrong-host", FALSE, ERROR_WINHTTP_SECURE_CERT_CN_INVALID,
                   WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID);
}

static void wrong_host_async(void)
{
    check_rejected(L"wrong-host", TRUE, ERROR_WINHTTP_SECURE_CERT_CN_INVALID,
                   WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID);
}

/* A certificate for clientAuth only.  The callback documentation has no bit
 * for it; winhttp.h has WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE and
 * the error list ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE (CERT_E_WRONG_USAGE),
 * while INVALID_CERT is the documented bit for "a certificate is invalid". */
static void wrong_usage_sync(void)
{
    struct client c;
    DWORD error;

    if (client_open(&c, L"wrong-usage", FALSE, L"/hello.txt"))
    {
        error = client_exchange(&c);
        ok(error == ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE || error == ERROR_WINHTTP_SECURE_INVALID_CERT ||
           error == ERROR_WINHTTP_SECURE_FAILURE, "got error %lu", error);
        ok(c.log.secure_flags == WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE ||
           c.log.secure_flags == WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT,
           "SECURE_FAILURE flags %#lx, want CERT_WRONG_USAGE or INVALID_CERT", c.log.secure_flags);
    }
    client_close(&c);
}

/* Revocation checking (WINHTTP_ENABLE_SSL_REVOCATION) of a certificate that
 * names no CRL and no OCSP responder: CryptoAPI cannot decide
 * (CRYPT_E_NO_REVOCATION_CHECK), which winhttp reports as CERT_REV_FAILED. */
static void revocation_unknown_sync(void)
{
    struct client c;
    DWORD feature = WINHTTP_ENABLE_SSL_REVOCATION;

    if (client_open(&c, L"valid", FALSE, L"/hello.txt"))
    {
        ok(WinHttpSetOption(c.request, WINHTTP_OPTION_ENABLE_FEATURE, &feature, sizeof(feature)),
           "ENABLE_FEATURE SSL_REVOCATION: %lu", GetLastError());
        ok_certificate_error(&c, client_exchange(&c), ERROR_WINHTTP_SECURE_CERT_REV_FAILED,
                             WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED);
    }
    client_close(&c);
}

/* Revocation against a real CRL: the revoked, not-revoked and crl-offline
 * certificates name a CRL distribution point on loopback (tools/nginx-ctl
 * serves the test CA's CRL, which lists revoked; nothing listens where
 * crl-offline's points).  WINHTTP_ENABLE_SSL_REVOCATION goes on the request
 * handle ("can be set only on the request handle", option flags). */
static BOOL client_open_revocation(struct client *c, const WCHAR *server, BOOL async, BOOL check)
{
    DWORD feature = WINHTTP_ENABLE_SSL_REVOCATION;

    if (!client_open(c, server, async, L"/hello.txt")) return FALSE;
    if (check)
        ok(WinHttpSetOption(c->request, WINHTTP_OPTION_ENABLE_FEATURE, &feature, sizeof(feature)),
           "ENABLE_FEATURE SSL_REVOCATION: %lu", GetLastError());
    return TRUE;
}

/* The status callback documentation: CERT_REVOKED "SSL certificate was
 * revoked"; the error list: ERROR_WINHTTP_SECURE_CERT_REVOKED (CRYPT_E_REVOKED). */
static void check_revoked(BOOL async, DWORD security_flags)
{
    struct client c;

    if (client_open_revocation(&c, L"revoked", async, TRUE))
    {
        if (security_flags) set_security_flags(&c, security_flags);
        ok_certificate_error(&c, client_exchange(&c), ERROR_WINHTTP_SECURE_CERT_REVOKED,
                             WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED);
    }
    client_close(&c);
}

static void check_not_rejected(const WCHAR *server, BOOL async, BOOL check)
{
    struct client c;

    if (client_open_revocation(&c, server, async, check))
    {
        ok_int(client_exchange(&c), 0);
        ok_hello(&c);
        ok(!c.log.secure_failures, "%ld SECURE_FAILURE callbacks", c.log.secure_failures);
    }
    client_close(&c);
}

static void revoked_sync(void)
{
    check_revoked(FALSE, 0);
}

static void revoked_async(void)
{
    check_revoked(TRUE, 0);
}

static void not_revoked_sync(void)
{
    check_not_rejected(L"not-revoked", FALSE, TRUE);
}

static void not_revoked_async(void)
{
    check_not_rejected(L"not-revoked", TRUE, TRUE);
}

/* Without WINHTTP_ENABLE_SSL_REVOCATION nothing is checked: it is a feature
 * to enable ("If enabled, WinHTTP allows SSL revocation", option flags). */
static void revoked_unchecked_by_default(void)
{
    check_not_rejected(L"revoked", FALSE, FALSE);
}

/* The CRL cannot be fetched: CERT_REV_FAILED, "the revocation check failed
 * to verify whether a certificate has been revoked.  The server used to
 * check for revocation might be unreachable" (status callback);
 * ERROR_WINHTTP_SECURE_CERT_REV_FAILED is CRYPT_E_REVOCATION_OFFLINE. */
static void revocation_offline_sync(void)
{
    struct client c;

    if (client_open_revocation(&c, L"crl-offline", FALSE, TRUE))
        ok_certificate_error(&c, client_exchange(&c), ERROR_WINHTTP_SECURE_CERT_REV_FAILED,
                             WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED);
    client_close(&c);
}

/* No SECURITY_FLAG_IGNORE_* excuses a revoked certificate: each documented
 * flag (WINHTTP_OPTION_SECURITY_FLAGS) names the problem it allows, none is
 * revocation, and SECURITY_FLAG_IGNORE_ALL_CERT_ERRORS is the four of them
 * (0x3300, as SslErrorFlag_Ignore_All of WinHttpRequestSslErrorFlags). */
static void revoked_not_ignored(void)
{
    check_revoked(FALSE, SECURITY_FLAG_IGNORE_ALL_CERT_ERRORS);
}

/* ---- SECURITY_FLAG_IGNORE_*: set before sending, or after a failure ----------------- */

static void check_ignored(const WCHAR *server, DWORD flags, BOOL async)
{
    struct client c;

    if (client_open(&c, server, async, L"/hello.txt"))
    {
        set_security_flags(&c, flags);
        ok_int(client_exchange(&c), 0);
        ok_hello(&c);
    }
    client_close(&c);
}

static void ignore_unknown_ca(void)
{
    check_ignored(L"self-signed", SECURITY_FLAG_IGNORE_UNKNOWN_CA, FALSE);
    check_ignored(L"unknown-ca", SECURITY_FLAG_IGNORE_UNKNOWN_CA, TRUE);
}

static void ignore_date_invalid(void)
{
    check_ignored(L"expired", SECURITY_FLAG_IGNORE_CERT_DATE_INVALID, FALSE);
    check_ignored(L"expired", SECURITY_FLAG_IGNORE_CERT_DATE_INVALID, TRUE);
}

static void ignore_cn_invalid(void)
{
    check_ignored(L"wrong-host", SECURITY_FLAG_IGNORE_CERT_CN_INVALID, FALSE);
    check_ignored(L"wrong-host", SECURITY_FLAG_IGNORE_CERT_CN_INVALID, TRUE);
}

static void ignore_wrong_usage(void)
{
    check_ignored(L"wrong-usage", SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE, FALSE);
}

/* A flag excuses its own problem and no other. */
static void ignore_other_problem(void)
{
    struct client c;

    if (client_open(&c, L"expired", FALSE, L"/hello.txt"))
    {
        set_security_flags(&c, SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_UNKNOWN_CA);
        ok_certificate_error(&c, client_exchange(&c), ERROR_WINHTTP_SECURE_CERT_DATE_INVALID,
                             WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID);
    }
    client_close(&c);
}

/* The documented recovery: the send fails, the caller adds the flag that
 * excuses the problem to the request's flags and sends the same request again. */
static void check_retry(BOOL async)
{
    struct client c;
    DWORD flags = 0, size = sizeof(flags);

    if (client_open(&c, L"self-signed", async, L"/hello.txt"))
    {
        ok_certificate_error(&c, client_exchange(&c), ERROR_WINHTTP_SECURE_INVALID_CA,
                             WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA);
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, &size), "query SECURITY_FLAGS: %lu",
           GetLastError());
        set_security_flags(&c, flags | SECURITY_FLAG_IGNORE_UNKNOWN_CA);
        ok_int(client_exchange(&c), 0);
        ok_hello(&c);
    }
    client_close(&c);
}

static void retry_after_failure_sync(void)
{
    check_retry(FALSE);
}

static void retry_after_failure_async(void)
{
    check_retry(TRUE);
}

/* ---- after the handshake: flags, certificate, strength ---------------------------- */

/* SECURITY_FLAGS after the handshake: SECURITY_FLAG_SECURE and the cipher's
 * strength (SECURITY_FLAG_STRENGTH_STRONG: 128 bits or more), with the
 * caller's IGNORE flags kept. */
static void security_flags_after_handshake(void)
{
    struct client c;
    DWORD flags = 0, size = sizeof(flags);

    if (client_open(&c, L"expired", FALSE, L"/hello.txt"))
    {
        set_security_flags(&c, SECURITY_FLAG_IGNORE_CERT_DATE_INVALID);
        ok_int(client_exchange(&c), 0);
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, &size), "query: %lu", GetLastError());
        ok_int(size, sizeof(DWORD));
        ok(flags & SECURITY_FLAG_SECURE, "flags %#lx: no SECURITY_FLAG_SECURE", flags);
        ok(flags & SECURITY_FLAG_STRENGTH_STRONG, "flags %#lx: no SECURITY_FLAG_STRENGTH_STRONG", flags);
        ok(!(flags & (SECURITY_FLAG_STRENGTH_WEAK | SECURITY_FLAG_STRENGTH_MEDIUM)), "flags %#lx: weak or medium",
           flags);
        ok(flags & SECURITY_FLAG_IGNORE_CERT_DATE_INVALID, "flags %#lx: the IGNORE flag set was lost", flags);
    }
    client_close(&c);
}

static BOOL cert_name_is(PCCERT_CONTEXT cert, DWORD flags, const WCHAR *want)
{
    WCHAR name[256];

    name[0] = 0;
    CertGetNameStringW(cert, CERT_NAME_SIMPLE_DISPLAY_TYPE, flags, NULL, name, ARRAYSIZE(name));
    ok(!lstrcmpW(name, want), "certificate %s name %ls, want %ls", flags ? "issuer" : "subject", name, want);
    return !lstrcmpW(name, want);
}

/* WINHTTP_OPTION_SERVER_CERT_CONTEXT: a PCCERT_CONTEXT the caller frees. */
static void server_cert_context(void)
{
    struct client c;
    PCCERT_CONTEXT cert = NULL;
    DWORD size = sizeof(cert);

    if (client_open(&c, L"valid", FALSE, L"/hello.txt"))
    {
        ok_int(client_exchange(&c), 0);
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &size), "query: %lu",
           GetLastError());
        ok_int(size, sizeof(PCCERT_CONTEXT));
        ok(cert != NULL, "no certificate");
        if (cert)
        {
            cert_name_is(cert, 0, SERVER_NAME);
            cert_name_is(cert, CERT_NAME_ISSUER_FLAG, CA_NAME);
            CertFreeCertificateContext(cert);
        }
    }
    client_close(&c);
}

/* WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT: the chain built for the
 * server's certificate, a PCCERT_CHAIN_CONTEXT the caller frees with
 * CertFreeCertificateChain (option flags documentation).  Before a
 * connection there is none, as for SERVER_CERT_CONTEXT. */
static PCCERT_CHAIN_CONTEXT query_chain(HINTERNET request)
{
    PCCERT_CHAIN_CONTEXT chain = NULL;
    DWORD size = sizeof(chain);

    ok(WinHttpQueryOption(request, WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT, &chain, &size), "query chain: %lu",
       GetLastError());
    ok_int(size, sizeof(chain));
    ok(chain != NULL, "no chain");
    return chain;
}

static void check_chain_names(PCCERT_CHAIN_CONTEXT chain)
{
    const CERT_SIMPLE_CHAIN *simple;

    ok(chain->cChain >= 1, "%lu simple chains", chain->cChain);
    if (chain->cChain < 1) return;
    simple = chain->rgpChain[0];
    ok_int(simple->cElement, 2);    /* the server's certificate, then the test CA */
    if (simple->cElement < 2) return;
    cert_name_is(simple->rgpElement[0]->pCertContext, 0, SERVER_NAME);
    cert_name_is(simple->rgpElement[simple->cElement - 1]->pCertContext, 0, CA_NAME);
}

static void server_cert_chain(BOOL async)
{
    struct client c;
    PCCERT_CHAIN_CONTEXT chain = (PCCERT_CHAIN_CONTEXT)1;
    DWORD size = sizeof(chain);

    if (client_open(&c, L"valid", async, L"/hello.txt"))
    {
        ok_bool_err(WinHttpQueryOption(c.request, WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT, &chain, &size), FALSE,
                    ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
        ok_int(client_exchange(&c), 0);
        size = sizeof(chain) - 1;
        ok_bool_err(WinHttpQueryOption(c.request, WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT, &chain, &size), FALSE,
                    ERROR_INSUFFICIENT_BUFFER);
        ok_int(size, sizeof(chain));
        if ((chain = query_chain(c.request)))
        {
            ok_int(chain->TrustStatus.dwErrorStatus, CERT_TRUST_NO_ERROR);
            check_chain_names(chain);
            CertFreeCertificateChain(chain);
        }
    }
    client_close(&c);
}

static void server_cert_chain_sync(void)
{
    server_cert_chain(FALSE);
}

static void server_cert_chain_async(void)
{
    server_cert_chain(TRUE);
}

/* An excused problem is still in the chain's trust status. */
static void server_cert_chain_excused(void)
{
    struct client c;
    PCCERT_CHAIN_CONTEXT chain;

    if (client_open(&c, L"expired", FALSE, L"/hello.txt"))
    {
        set_security_flags(&c, SECURITY_FLAG_IGNORE_CERT_DATE_INVALID);
        ok_int(client_exchange(&c), 0);
        if ((chain = query_chain(c.request)))
        {
            ok(chain->TrustStatus.dwErrorStatus & CERT_TRUST_IS_NOT_TIME_VALID, "trust status %#lx",
               chain->TrustStatus.dwErrorStatus);
            check_chain_names(chain);
            CertFreeCertificateChain(chain);
        }
    }
    client_close(&c);
}

/* What one request's flags excused does not carry over to the next on a
 * new connection: each is decided on its own flags. */
static void excused_then_strict(void)
{
    struct client c;

    if (client_open(&c, L"self-signed", FALSE, L"/hello.txt"))
    {
        set_security_flags(&c, SECURITY_FLAG_IGNORE_UNKNOWN_CA);
        ok_int(client_exchange(&c), 0);
    }
    client_close(&c);
    if (client_open(&c, L"self-signed", TRUE, L"/hello.txt"))
        ok_certificate_error(&c, client_exchange(&c), ERROR_WINHTTP_SECURE_INVALID_CA,
                             WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA);
    client_close(&c);
}

static BOOL filetime_before(const FILETIME *a, const FILETIME *b)
{
    return CompareFileTime(a, b) < 0;
}

/* WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT: a WINHTTP_CERTIFICATE_INFO whose
 * strings the caller frees with LocalFree. */
static void certificate_struct(void)
{
    struct client c;
    WINHTTP_CERTIFICATE_INFO info;
    DWORD size = 0;
    FILETIME now;

    if (client_open(&c, L"valid", FALSE, L"/hello.txt"))
    {
        ok_int(client_exchange(&c), 0);
        ok_bool_err(WinHttpQueryOption(c.request, WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT, NULL, &size), FALSE,
                    ERROR_INSUFFICIENT_BUFFER);
        ok_int(size, sizeof(info));
        memset(&info, 0, sizeof(info));
        size = sizeof(info);
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT, &info, &size), "query: %lu",
           GetLastError());
        ok(info.lpszSubjectInfo && wcsstr(info.lpszSubjectInfo, SERVER_NAME), "subject %ls",
           info.lpszSubjectInfo ? info.lpszSubjectInfo : L"(null)");
        ok(info.lpszIssuerInfo && wcsstr(info.lpszIssuerInfo, CA_NAME), "issuer %ls",
           info.lpszIssuerInfo ? info.lpszIssuerInfo : L"(null)");
        GetSystemTimeAsFileTime(&now);
        ok(filetime_before(&info.ftStart, &now) && filetime_before(&now, &info.ftExpiry),
           "validity does not include now");
        ok(info.dwKeySize >= 128, "dwKeySize %lu", info.dwKeySize);
        LocalFree(info.lpszSubjectInfo);
        LocalFree(info.lpszIssuerInfo);
        LocalFree(info.lpszProtocolName);
        LocalFree(info.lpszSignatureAlgName);
        LocalFree(info.lpszEncryptionAlgName);
    }
    client_close(&c);
}

static void key_bitness(void)
{
    struct client c;
    DWORD bits = 0, size = sizeof(bits);

    if (client_open(&c, L"valid", TRUE, L"/hello.txt"))
    {
        ok_int(client_exchange(&c), 0);
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_SECURITY_KEY_BITNESS, &bits, &size), "query: %lu",
           GetLastError());
        ok_int(size, sizeof(DWORD));
        ok(bits >= 128, "key bitness %lu", bits);
    }
    client_close(&c);
}

/* ---- connections and bodies over TLS ------------------------------------------------ */

static long long connection_serial(HINTERNET request)
{
    DWORD value = 0, size = sizeof(value);

    if (!WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_NUMBER, L"X-Connection", &value,
                             &size, NULL))
        return -1;
    return value;
}

/* Two requests, one after the other, go over one TLS connection. */
static void keep_alive(void)
{
    struct client c;
    long long first;

    if (!client_open_pooled(&c, L"valid", FALSE, L"/hello.txt", TRUE)) goto done;
    ok_int(client_exchange(&c), 0);
    ok_hello(&c);
    first = connection_serial(c.request);
    client_close_request(&c);
    if (!client_new_request(&c, L"/hello.txt")) goto done;
    ok_int(client_exchange(&c), 0);
    ok_hello(&c);
    ok(first >= 0 && connection_serial(c.request) == first, "connections %lld then %lld", first,
       connection_serial(c.request));
done:
    client_close(&c);
}

static BYTE big_byte(DWORD offset)
{
    return (BYTE)(offset + (offset >> 8) + (offset >> 16));
}

/* 16 MiB in reads of odd sizes: many records, reads that end inside one. */
static void big_body(void)
{
    static BYTE buffer[70001];
    struct client c;
    DWORD total = 0, got, bad = ~0u;

    if (client_open(&c, L"valid", FALSE, L"/gen/big.bin"))
    {
        ok_int(client_exchange(&c), 0);
        ok_int(status_code(c.request), 200);
        for (DWORD piece = 1; WinHttpReadData(c.request, buffer, piece, &got) && got; piece = piece * 7 % 70001 + 1)
        {
            for (DWORD i = 0; i < got && bad == ~0u; i++)
                if (buffer[i] != big_byte(total + i)) bad = total + i;
            total += got;
        }
        ok_int(total, BIG_SIZE);
        ok(bad == ~0u, "wrong byte at offset %lu", bad);
    }
    client_close(&c);
}

/* ---- WINHTTP_OPTION_SECURE_PROTOCOLS ------------------------------------------------ */

/* A session limited to `protocols` against `server`: 0 or the error. */
static DWORD exchange_with_protocols(const WCHAR *server, DWORD protocols, BOOL async, DWORD *status)
{
    struct endpoint ep;
    struct client c;
    DWORD error = NO_COMPLETION;

    *status = 0;
    if (!find_server(server, &ep)) return NO_COMPLETION;
    if (client_open_session(&c, async, 5000))
    {
        ok(WinHttpSetOption(c.session, WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof(protocols)),
           "set SECURE_PROTOCOLS %#lx: %lu", protocols, GetLastError());
        if (client_open_request(&c, ep.host, ep.port, L"/hello.txt") && !(error = client_exchange(&c)))
            *status = status_code(c.request);
    }
    client_close(&c);
    return error;
}

/* No protocol in common: the handshake fails.  Schannel fails it with a
 * SEC_E_ error, which is ERROR_WINHTTP_SECURE_CHANNEL_ERROR by that error's
 * documentation; ERROR_WINHTTP_SECURE_FAILURE is what older Windows
 * versions are reported to give for it. */
static void ok_no_common_protocol(DWORD error)
{
    ok(error == ERROR_WINHTTP_SECURE_CHANNEL_ERROR || error == ERROR_WINHTTP_SECURE_FAILURE,
       "error %lu, want SECURE_CHANNEL_ERROR (%u) or SECURE_FAILURE (%u)", error, ERROR_WINHTTP_SECURE_CHANNEL_ERROR,
       ERROR_WINHTTP_SECURE_FAILURE);
}

/* Both protocol-limited servers are named (else "skip"). */
static BOOL have_protocol_servers(void)
{
    struct endpoint ep;

    return find_server(L"tls12", &ep) && find_server(L"tls13", &ep);
}

static void protocols_tls12_only_vs_tls13_server(void)
{
    DWORD status;

    if (!have_protocol_servers()) return;
    ok_no_common_protocol(exchange_with_protocols(L"tls13", WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2, FALSE, &status));
    ok_no_common_protocol(exchange_with_protocols(L"tls13", WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2, TRUE, &status));
}

/* WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3 (Windows 11 and later) */
static void protocols_tls13_only(void)
{
    DWORD status;

    if (!have_protocol_servers()) return;
    ok_int(exchange_with_protocols(L"tls13", WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3, FALSE, &status), 0);
    ok_int(status, 200);
    ok_no_common_protocol(exchange_with_protocols(L"tls12", WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3, FALSE, &status));
}

static void protocols_tls12_and_tls13(void)
{
    DWORD both = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3, status;

    if (!have_protocol_servers()) return;
    ok_int(exchange_with_protocols(L"tls12", both, FALSE, &status), 0);
    ok_int(status, 200);
    ok_int(exchange_with_protocols(L"tls13", both, TRUE, &status), 0);
    ok_int(status, 200);
}

/* ---- client certificates -------------------------------------------------------------- */

/* The server asks for a certificate and the caller gave none: the documented
 * ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED. */
static void check_cert_needed(BOOL async)
{
    struct client c;

    if (client_open(&c, L"client-auth", async, L"/hello.txt"))
        ok_int(client_exchange(&c), ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED);
    client_close(&c);
}

static void client_cert_needed_sync(void)
{
    check_cert_needed(FALSE);
}

static void client_cert_needed_async(void)
{
    check_cert_needed(TRUE);
}

static BOOL set_client_cert(struct client *c, PCCERT_CONTEXT cert)
{
    return WinHttpSetOption(c->request, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, (void *)cert,
                            cert ? sizeof(CERT_CONTEXT) : 0);
}

/* WINHTTP_NO_CLIENT_CERT_CONTEXT: go on without one.  nginx then answers
 * 400 ("No required SSL certificate was sent"). */
static void no_client_cert_context(void)
{
    struct client c;

    if (client_open(&c, L"client-auth", FALSE, L"/hello.txt"))
    {
        ok(set_client_cert(&c, WINHTTP_NO_CLIENT_CERT_CONTEXT), "set NO_CLIENT_CERT_CONTEXT: %lu", GetLastError());
        ok_int(client_exchange(&c), 0);
        ok_int(status_code(c.request), 400);
    }
    client_close(&c);
}

/* The documented recovery: CERT_NEEDED, set the option, send again. */
static void client_cert_retry(void)
{
    struct client c;

    if (client_open(&c, L"client-auth", TRUE, L"/hello.txt"))
    {
        ok_int(client_exchange(&c), ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED);
        ok(set_client_cert(&c, WINHTTP_NO_CLIENT_CERT_CONTEXT), "set NO_CLIENT_CERT_CONTEXT: %lu", GetLastError());
        ok_int(client_exchange(&c), 0);
        ok_int(status_code(c.request), 400);
    }
    client_close(&c);
}

/* The response came, and the server verified the client certificate
 * (tools/nginx-ctl's client-auth server: X-Client-Subject, from
 * $ssl_client_s_dn; without a verified certificate nginx answers 400). */
static void ok_authenticated(struct client *c)
{
    WCHAR subject[128];
    DWORD size = sizeof(subject);

    ok_hello(c);
    subject[0] = 0;
    WinHttpQueryHeaders(c->request, WINHTTP_QUERY_CUSTOM, L"X-Client-Subject", subject, &size, NULL);
    ok(!lstrcmpW(subject, L"CN=" CLIENT_NAME), "the server saw \"%ls\"", subject);
}

/* PFXImportCertStore with CRYPT_USER_KEYSET puts the key in the user's
 * default key container, one for every process: when the two arches run
 * side by side, an import without CRYPT_EXPORTABLE by one may land between
 * the exportable import of the other and its export.  Imports, and the
 * CNG case's import and export, hold this mutex across processes. */
static HANDLE pfx_lock(void)
{
    HANDLE mutex = CreateMutexW(NULL, FALSE, L"winhttp-conformance-pfx-import");

    if (mutex) WaitForSingleObject(mutex, 60000);
    return mutex;
}

static void pfx_unlock(HANDLE mutex)
{
    if (!mutex) return;
    ReleaseMutex(mutex);
    CloseHandle(mutex);
}

/* The client certificate of WINHTTP_TEST_TLS_PFX, imported from PKCS#12
 * with PFXImportCertStore's FLAGS. */
static PCCERT_CONTEXT load_client_cert_with(HCERTSTORE *store, DWORD flags)
{
    WCHAR path[MAX_PATH], password[128];
    CRYPT_DATA_BLOB blob = { 0 };
    PCCERT_CONTEXT cert = NULL;
    HANDLE file;
    DWORD size;

    *store = NULL;
    if (!GetEnvironmentVariableW(L"WINHTTP_TEST_TLS_PFX", path, ARRAYSIZE(path)) ||
        !GetEnvironmentVariableW(L"WINHTTP_TEST_TLS_PFX_PASSWORD", password, ARRAYSIZE(password)))
    {
        skip("WINHTTP_TEST_TLS_PFX and WINHTTP_TEST_TLS_PFX_PASSWORD are not set");
        return NULL;
    }
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ok(file != INVALID_HANDLE_VALUE, "cannot open %ls: %lu", path, GetLastError());
    if (file == INVALID_HANDLE_VALUE) return NULL;
    size = GetFileSize(file, NULL);
    if ((blob.pbData = malloc(size)) && ReadFile(file, blob.pbData, size, &blob.cbData, NULL))
    {
        HANDLE lock = pfx_lock();
        *store = PFXImportCertStore(&blob, password, flags);
        pfx_unlock(lock);
    }
    CloseHandle(file);
    free(blob.pbData);
    ok(*store != NULL, "PFXImportCertStore failed: %#lx", GetLastError());
    if (*store)
        cert = CertFindCertificateInStore(*store, X509_ASN_ENCODING, 0, CERT_FIND_SUBJECT_STR_W, CLIENT_NAME, NULL);
    ok(cert != NULL, "no certificate for %ls in the PFX", CLIENT_NAME);
    return cert;
}

static PCCERT_CONTEXT load_client_cert(HCERTSTORE *store)
{
    return load_client_cert_with(store, CRYPT_USER_KEYSET);
}

static void check_client_cert(BOOL async)
{
    struct client c = { 0 };
    HCERTSTORE store;
    PCCERT_CONTEXT cert = load_client_cert(&store);

    if (cert && client_open(&c, L"client-auth", async, L"/hello.txt"))
    {
        ok(set_client_cert(&c, cert), "set CLIENT_CERT_CONTEXT: %lu", GetLastError());
        /* the option holds its own reference (CertDuplicateCertificateContext, documented) */
        CertFreeCertificateContext(cert);
        cert = NULL;
        ok_int(client_exchange(&c), 0);
        ok_authenticated(&c);
    }
    client_close(&c);
    if (cert) CertFreeCertificateContext(cert);
    if (store) CertCloseStore(store, 0);
}

static void client_cert_from_pfx_sync(void)
{
    check_client_cert(FALSE);
}

static void client_cert_from_pfx_async(void)
{
    check_client_cert(TRUE);
}

/* The documented recovery with a real certificate (WinHttpSendRequest,
 * ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED): fail, set it, send again. */
static void check_client_cert_after_needed(BOOL async)
{
    struct client c = { 0 };
    HCERTSTORE store;
    PCCERT_CONTEXT cert = load_client_cert(&store);

    if (cert && client_open(&c, L"client-auth", async, L"/hello.txt"))
    {
        ok_int(client_exchange(&c), ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED);
        ok(set_client_cert(&c, cert), "set CLIENT_CERT_CONTEXT: %lu", GetLastError());
        ok_int(client_exchange(&c), 0);
        ok_authenticated(&c);
    }
    client_close(&c);
    if (cert) CertFreeCertificateContext(cert);
    if (store) CertCloseStore(store, 0);
}

static void client_cert_after_needed_sync(void)
{
    check_client_cert_after_needed(FALSE);
}

static void client_cert_after_needed_async(void)
{
    check_client_cert_after_needed(TRUE);
}

/* A connection authenticated with a certificate is not handed to a request
 * on the same connect handle that set none: that one is asked for its own
 * (the connection is the server's proof of who the client is). */
static void check_client_cert_not_pooled(BOOL async)
{
    struct client c = { 0 };
    HCERTSTORE store;
    PCCERT_CONTEXT cert = load_client_cert(&store);

    if (cert && client_open_pooled(&c, L"client-auth", async, L"/hello.txt", TRUE))
    {
        ok(set_client_cert(&c, cert), "set CLIENT_CERT_CONTEXT: %lu", GetLastError());
        ok_int(client_exchange(&c), 0);
        ok_authenticated(&c);
        client_close_request(&c);
        if (client_new_request(&c, L"/hello.txt"))
            ok_int(client_exchange(&c), ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED);
    }
    client_close(&c);
    if (cert) CertFreeCertificateContext(cert);
    if (store) CertCloseStore(store, 0);
}

static void client_cert_not_pooled_sync(void)
{
    check_client_cert_not_pooled(FALSE);
}

static void client_cert_not_pooled_async(void)
{
    check_client_cert_not_pooled(TRUE);
}

/* The option belongs to request handles (option flags documentation:
 * WINHTTP_OPTION_CLIENT_CERT_CONTEXT is set on a request handle);
 * WinHttpSetOption fails elsewhere with ERROR_WINHTTP_INCORRECT_HANDLE_TYPE. */
static void client_cert_on_session_or_connect(void)
{
    struct client c = { 0 };
    HCERTSTORE store;
    PCCERT_CONTEXT cert = load_client_cert(&store);

    if (cert && client_open(&c, L"client-auth", FALSE, L"/hello.txt"))
    {
        ok_bool_err(WinHttpSetOption(c.session, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, (void *)cert,
                                     sizeof(CERT_CONTEXT)), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
        ok_bool_err(WinHttpSetOption(c.connect, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, (void *)cert,
                                     sizeof(CERT_CONTEXT)), FALSE, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    }
    client_close(&c);
    if (cert) CertFreeCertificateContext(cert);
    if (store) CertCloseStore(store, 0);
}

/* The same certificate without its private key (a context made from the
 * encoded certificate alone): the server asks for it and the handshake
 * fails with ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY, which WinHTTP's
 * error list describes as exactly this ("the context for the SSL client
 * certificate does not have a private key associated with it"). */
static void client_cert_without_private_key(void)
{
    struct client c = { 0 };
    HCERTSTORE store;
    PCCERT_CONTEXT with_key = load_client_cert(&store), bare = NULL;

    if (with_key)
        bare = CertCreateCertificateContext(X509_ASN_ENCODING, with_key->pbCertEncoded, with_key->cbCertEncoded);
    if (bare && client_open(&c, L"client-auth", FALSE, L"/hello.txt"))
    {
        DWORD flags = SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;

        /* idle connections are the process's and keyed by the certificate's
         * thumbprint, which the bare context shares with the one the cases
         * before authenticated with: other (harmless) security flags keep
         * this request off those, so that the server asks again */
        ok(WinHttpSetOption(c.request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags)), "set flags: %lu",
           GetLastError());
        ok(set_client_cert(&c, bare), "set CLIENT_CERT_CONTEXT: %lu", GetLastError());
        ok_int(client_exchange(&c), ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY);
        ok_failed_in(&c, API_SEND_REQUEST);
    }
    client_close(&c);
    if (bare) CertFreeCertificateContext(bare);
    if (with_key) CertFreeCertificateContext(with_key);
    if (store) CertCloseStore(store, 0);
}

/* ---- client certificates whose key is a CNG key ---------------------------------------- */

/* Writes N bytes of IN to OUT in the opposite order; returns the end. */
static BYTE *reversed(BYTE *out, const BYTE *in, DWORD n)
{
    for (DWORD i = 0; i < n; i++) out[i] = in[n - 1 - i];
    return out + n;
}

/* CryptExportKey's PRIVATEKEYBLOB (little-endian: BLOBHEADER, RSAPUBKEY,
 * modulus, p, q, dp, dq, qinv, d) as a BCRYPT_RSAFULLPRIVATE_BLOB
 * (big-endian: BCRYPT_RSAKEY_BLOB, exponent, modulus, p, q, dp, dq, qinv,
 * d), both layouts documented.  NCryptImportKey's LEGACY_RSAPRIVATE_BLOB
 * would take the first as it is, but Wine 8 rejects it. */
static BYTE *rsa_full_private_blob(const BYTE *legacy, DWORD *size)
{
    const RSAPUBKEY *rsa = (const RSAPUBKEY *)(legacy + sizeof(BLOBHEADER));
    const BYTE *in = (const BYTE *)(rsa + 1);
    DWORD modulus = rsa->bitlen / 8, prime = modulus / 2;
    const DWORD parts[] = { modulus, prime, prime, prime, prime, prime, modulus };
    BCRYPT_RSAKEY_BLOB *header;
    BYTE *out;

    *size = sizeof(*header) + sizeof(rsa->pubexp) + 2 * modulus + 5 * prime;
    if (!(header = calloc(1, *size))) return NULL;
    header->Magic = BCRYPT_RSAFULLPRIVATE_MAGIC;
    header->BitLength = rsa->bitlen;
    header->cbPublicExp = sizeof(rsa->pubexp);
    header->cbModulus = modulus;
    header->cbPrime1 = header->cbPrime2 = prime;
    out = reversed((BYTE *)(header + 1), (const BYTE *)&rsa->pubexp, sizeof(rsa->pubexp));
    for (size_t i = 0; i < ARRAYSIZE(parts); i++)
    {
        out = reversed(out, in, parts[i]);
        in += parts[i];
    }
    return (BYTE *)header;
}

/* CERT's CryptoAPI private key (the PFX imported with CRYPT_EXPORTABLE),
 * exported and imported into the Microsoft Software Key Storage Provider
 * as an ephemeral key; 0 on failure. */
static NCRYPT_KEY_HANDLE cng_key_of(PCCERT_CONTEXT cert)
{
    HCRYPTPROV_OR_NCRYPT_KEY_HANDLE prov = 0;
    NCRYPT_PROV_HANDLE ksp = 0;
    NCRYPT_KEY_HANDLE key = 0;
    HCRYPTKEY legacy_key = 0;
    DWORD spec = 0, size = 0, blob_size = 0;
    BYTE *legacy = NULL, *blob = NULL;
    BOOL must_free = FALSE;
    SECURITY_STATUS status = NTE_FAIL;

    ok(CryptAcquireCertificatePrivateKey(cert, CRYPT_ACQUIRE_SILENT_FLAG, NULL, &prov, &spec, &must_free),
       "CryptAcquireCertificatePrivateKey: %#lx", GetLastError());
    /* which key the container has (Wine 8 reports a key spec of 3) */
    if (prov && !CryptGetUserKey(prov, AT_KEYEXCHANGE, &legacy_key)) CryptGetUserKey(prov, AT_SIGNATURE, &legacy_key);
    if (legacy_key && CryptExportKey(legacy_key, 0, PRIVATEKEYBLOB, 0, NULL, &size) && (legacy = malloc(size)) &&
        CryptExportKey(legacy_key, 0, PRIVATEKEYBLOB, 0, legacy, &size) &&
        (blob = rsa_full_private_blob(legacy, &blob_size)) &&
        !(status = NCryptOpenStorageProvider(&ksp, MS_KEY_STORAGE_PROVIDER, 0)))
        status = NCryptImportKey(ksp, 0, BCRYPT_RSAFULLPRIVATE_BLOB, NULL, &key, blob, blob_size, 0);
    ok(!status, "the key did not get into CNG: %#lx (CryptoAPI %#lx)", status, GetLastError());
    if (legacy) SecureZeroMemory(legacy, size);
    if (blob) SecureZeroMemory(blob, blob_size);
    free(legacy);
    free(blob);
    if (ksp) NCryptFreeObject(ksp);
    if (legacy_key) CryptDestroyKey(legacy_key);
    if (must_free) CryptReleaseContext(prov, 0);
    return status ? 0 : key;
}

/* A new context of CERT whose private key is KEY, attached as a
 * CERT_KEY_CONTEXT_PROP_ID with CERT_NCRYPT_KEY_SPEC (the CERT_KEY_CONTEXT
 * documentation: hNCryptKey is used with that spec; Wine 8 does not
 * implement CERT_NCRYPT_KEY_HANDLE_PROP_ID).  The caller frees KEY after
 * the context (CERT_STORE_NO_CRYPT_RELEASE_FLAG). */
static PCCERT_CONTEXT cert_with_cng_key(PCCERT_CONTEXT cert, NCRYPT_KEY_HANDLE key)
{
    PCCERT_CONTEXT result = CertCreateCertificateContext(X509_ASN_ENCODING, cert->pbCertEncoded, cert->cbCertEncoded);
    CERT_KEY_CONTEXT context = { sizeof(context) };
    HCRYPTPROV_OR_NCRYPT_KEY_HANDLE found = 0;
    DWORD spec = 0;
    BOOL must_free = TRUE;

    context.hNCryptKey = key;
    context.dwKeySpec = CERT_NCRYPT_KEY_SPEC;
    if (result && !CertSetCertificateContextProperty(result, CERT_KEY_CONTEXT_PROP_ID, CERT_STORE_NO_CRYPT_RELEASE_FLAG,
                                                     &context))
    {
        ok(FALSE, "set CERT_KEY_CONTEXT_PROP_ID: %#lx", GetLastError());
        CertFreeCertificateContext(result);
        return NULL;
    }
    /* what winhttp will find: the CNG key itself */
    ok(result && CryptAcquireCertificatePrivateKey(result, CRYPT_ACQUIRE_CACHE_FLAG | CRYPT_ACQUIRE_ONLY_NCRYPT_KEY_FLAG |
                                                   CRYPT_ACQUIRE_SILENT_FLAG, NULL, &found, &spec, &must_free),
       "CryptAcquireCertificatePrivateKey(ONLY_NCRYPT): %#lx", GetLastError());
    ok(found == key && spec == CERT_NCRYPT_KEY_SPEC && !must_free, "got key %#Ix spec %#lx free %d",
       (ULONG_PTR)found, spec, must_free);
    return result;
}

/* The client certificate with its key in CNG, or NULL (skipped or failed). */
static PCCERT_CONTEXT load_cng_client_cert(NCRYPT_KEY_HANDLE *key)
{
    HANDLE lock = pfx_lock();   /* held from the import to the export (see pfx_lock) */
    HCERTSTORE store;
    PCCERT_CONTEXT from_pfx = load_client_cert_with(&store, CRYPT_USER_KEYSET | CRYPT_EXPORTABLE), cert = NULL;

    *key = from_pfx ? cng_key_of(from_pfx) : 0;
    pfx_unlock(lock);
    if (*key) cert = cert_with_cng_key(from_pfx, *key);
    if (from_pfx) CertFreeCertificateContext(from_pfx);
    if (store) CertCloseStore(store, 0);
    return cert;
}

static void query_custom(HINTERNET request, const WCHAR *name, WCHAR *value, DWORD size)
{
    size *= sizeof(WCHAR);
    value[0] = 0;
    WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM, name, value, &size, NULL);
}

/* PROTOCOLS 0: the default ones.  Returns FALSE if skipped, else the
 * version the client-auth server saw (its X-TLS-Protocol, nginx's
 * $ssl_protocol) in VERSION. */
static BOOL check_client_cert_cng(BOOL async, DWORD protocols, WCHAR *version, DWORD size)
{
    struct client c = { 0 };
    struct endpoint ep;
    NCRYPT_KEY_HANDLE key;
    PCCERT_CONTEXT cert = load_cng_client_cert(&key);
    BOOL ran = FALSE;

    version[0] = 0;
    if (cert && find_server(L"client-auth", &ep) && client_open_session(&c, async, 5000))
    {
        if (protocols)
            ok(WinHttpSetOption(c.session, WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof(protocols)),
               "set SECURE_PROTOCOLS: %lu", GetLastError());
        ran = client_open_request(&c, ep.host, ep.port, L"/hello.txt");
    }
    if (ran)
    {
        ok(set_client_cert(&c, cert), "set CLIENT_CERT_CONTEXT: %lu", GetLastError());
        ok_int(client_exchange(&c), 0);
        ok_authenticated(&c);
        query_custom(c.request, L"X-TLS-Protocol", version, size);
    }
    client_close(&c);
    if (cert) CertFreeCertificateContext(cert);
    if (key) NCryptFreeObject(key);
    return ran;
}

/* The server verified a signature made by NCryptSignHash.  Which version
 * the defaults give depends on the system (TLS 1.3 needs Windows 11 or
 * Server 2022); either is fine here. */
static void check_client_cert_cng_default(BOOL async)
{
    WCHAR version[32];

    if (check_client_cert_cng(async, 0, version, ARRAYSIZE(version)))
        ok( !lstrcmpW(version, L"TLSv1.2") || !lstrcmpW(version, L"TLSv1.3"), "negotiated %ls", version);
}

static void client_cert_cng_sync(void)
{
    check_client_cert_cng_default(FALSE);
}

static void client_cert_cng_async(void)
{
    check_client_cert_cng_default(TRUE);
}

/* TLS 1.3 only: the CertificateVerify must be RSA-PSS (RFC 8446 4.4.3),
 * which a CNG RSA key signs (NCryptSignHash, BCRYPT_PAD_PSS). */
static void client_cert_cng_tls13(void)
{
    WCHAR version[32];

    if (check_client_cert_cng(FALSE, WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3, version, ARRAYSIZE(version)))
        ok_wstr(version, L"TLSv1.3");
}

/* ---- redirects from https to http ---------------------------------------------------- */

/* The default policy, DISALLOW_HTTPS_TO_HTTP, refuses it: the scheme
 * changed, ERROR_WINHTTP_REDIRECT_FAILED. */
static void check_https_to_http_refused(BOOL async)
{
    struct client c;

    if (client_open(&c, L"valid", async, L"/redirect-to-http"))
        ok_int(client_exchange(&c), ERROR_WINHTTP_REDIRECT_FAILED);
    client_close(&c);
}

static void https_to_http_refused_sync(void)
{
    check_https_to_http_refused(FALSE);
}

static void https_to_http_refused_async(void)
{
    check_https_to_http_refused(TRUE);
}

/* WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS follows it. */
static void check_https_to_http_always(BOOL async)
{
    struct client c;
    DWORD policy = WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS, size;
    WCHAR url[256];
    BOOL queried;

    if (client_open(&c, L"valid", async, L"/redirect-to-http"))
    {
        ok(WinHttpSetOption(c.request, WINHTTP_OPTION_REDIRECT_POLICY, &policy, sizeof(policy)), "set policy: %lu",
           GetLastError());
        ok_int(client_exchange(&c), 0);
        ok_hello(&c);
        size = sizeof(url);
        url[0] = 0;
        queried = WinHttpQueryOption(c.request, WINHTTP_OPTION_URL, url, &size);
        ok(queried, "query URL: error %lu", GetLastError());
        ok(!queried || (!wcsncmp(url, L"http://", 7) && wcsstr(url, L"/hello.txt")), "URL after the redirect: %ls",
           url);
    }
    client_close(&c);
}

static void https_to_http_always_sync(void)
{
    check_https_to_http_always(FALSE);
}

static void https_to_http_always_async(void)
{
    check_https_to_http_always(TRUE);
}

/* From http to https: every policy but NEVER follows it (REDIRECT_POLICY
 * documentation), and the https leg is checked like any other: the
 * scripted server answers 302 to the "valid" (then "self-signed") TLS
 * server. */
static DWORD http_to_https(const WCHAR *server, BOOL async, struct client *c)
{
    struct endpoint ep;
    struct server *srv;
    struct script *s;
    char location[128];
    DWORD error = NO_COMPLETION;

    memset(c, 0, sizeof(*c));
    if (!find_server(server, &ep) || !client_open_session(c, async, 5000)) return error;
    srv = server_start();
    sprintf(location, "Location: https://%ls:%u/hello.txt\r\n", ep.host, ep.port);
    s = server_add_connection(srv);
    script_recv_request(s);
    script_respond(s, 302, location, "moved");
    c->plain = TRUE;
    c->connect = WinHttpConnect(c->session, L"127.0.0.1", server_port(srv), 0);
    ok(c->connect != NULL, "WinHttpConnect: %lu", GetLastError());
    if (c->connect && client_new_request(c, L"/moved")) error = client_exchange(c);
    server_stop(srv);
    return error;
}

static void check_http_to_https(BOOL async)
{
    struct client c;
    WCHAR url[256];
    DWORD size = sizeof(url), error;

    error = http_to_https(L"valid", async, &c);
    if (!c.session) return;     /* skipped */
    ok_int(error, 0);
    if (c.request)
    {
        ok_hello(&c);
        url[0] = 0;
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_URL, url, &size), "query URL: %lu", GetLastError());
        ok(!wcsncmp(url, L"https://", 8), "URL after the redirect: %ls", url);
    }
    client_close(&c);
    /* the redirect is followed by WinHttpReceiveResponse, which fails */
    error = http_to_https(L"self-signed", async, &c);
    ok(error == ERROR_WINHTTP_SECURE_INVALID_CA || error == ERROR_WINHTTP_SECURE_FAILURE, "self-signed: error %lu",
       error);
    ok(c.log.secure_flags == WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA, "SECURE_FAILURE flags %#lx",
       c.log.secure_flags);
    ok_failed_in(&c, API_RECEIVE_RESPONSE);
    client_close(&c);
}

static void http_to_https_sync(void)
{
    check_http_to_https(FALSE);
}

static void http_to_https_async(void)
{
    check_http_to_https(TRUE);
}

/* ---- bad peers: the scripted server instead of a TLS server ------------------------ */

/* One https request to the scripted server, with short timeouts; returns
 * its error (0 if it somehow succeeded) and checks it took less than 10 s. */
static DWORD exchange_with_script(struct server *srv, BOOL async)
{
    struct client c;
    DWORD error = NO_COMPLETION;

    if (client_open_session(&c, async, 1000) && client_open_request(&c, L"127.0.0.1", server_port(srv), L"/"))
    {
        error = client_exchange(&c);
        ok_failed_in(&c, API_SEND_REQUEST);
        ok(GetTickCount() - c.start < 10000, "the failure took %lu ms", GetTickCount() - c.start);
    }
    client_close(&c);
    return error;
}

/* The TLS record header of the ClientHello (type, version, length): read
 * it, so the reply below answers a ClientHello that has begun. */
static void recv_client_hello_header(struct script *s)
{
    script_recv_body(s, 5);
}

static BOOL is_one_of(DWORD error, const DWORD *allowed, int count)
{
    for (int i = 0; i < count; i++)
        if (error == allowed[i]) return TRUE;
    return FALSE;
}

/* What a broken handshake or record may give, by the documented errors:
 * a failed secure channel, or a connection ended abnormally. */
static void ok_broken_handshake(DWORD error)
{
    static const DWORD allowed[] = { ERROR_WINHTTP_SECURE_FAILURE, ERROR_WINHTTP_SECURE_CHANNEL_ERROR,
                                     ERROR_WINHTTP_CONNECTION_ERROR };

    ok(is_one_of(error, allowed, ARRAYSIZE(allowed)), "error %lu, want SECURE_FAILURE (%u), SECURE_CHANNEL_ERROR "
       "(%u) or CONNECTION_ERROR (%u)", error, ERROR_WINHTTP_SECURE_FAILURE, ERROR_WINHTTP_SECURE_CHANNEL_ERROR,
       ERROR_WINHTTP_CONNECTION_ERROR);
}

static struct server *script_server(void)
{
    struct server *srv = server_start();

    ok(srv != NULL, "server_start failed");
    if (srv) server_set_timeout(srv, 5000);
    return srv;
}

/* An HTTP server answering a TLS client: a plain HTTP response where the
 * ServerHello should be. */
static void check_garbage_hello(BOOL async)
{
    struct server *srv = script_server();
    struct script *s;

    if (!srv) return;
    s = server_add_connection(srv);
    recv_client_hello_header(s);
    script_send(s, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 0);
    script_close(s);
    ok_broken_handshake(exchange_with_script(srv, async));
    server_stop(srv);
}

static void garbage_instead_of_server_hello_sync(void)
{
    check_garbage_hello(FALSE);
}

static void garbage_instead_of_server_hello_async(void)
{
    check_garbage_hello(TRUE);
}

/* A handshake record that announces 64 bytes, of which 6 come, then the
 * server closes. */
static void truncated_record(void)
{
    static const BYTE partial[] = { 0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00, 0x00, 0x3c, 0x03, 0x03 };
    struct server *srv = script_server();
    struct script *s;

    if (!srv) return;
    s = server_add_connection(srv);
    recv_client_hello_header(s);
    script_send(s, partial, sizeof(partial));
    script_close(s);
    ok_broken_handshake(exchange_with_script(srv, FALSE));
    server_stop(srv);
}

/* A record whose length is beyond what TLS allows (2^14 + 2048). */
static void oversized_record(void)
{
    static const BYTE header[] = { 0x16, 0x03, 0x03, 0xff, 0xff, 0x02, 0x00, 0xff, 0xfb };
    struct server *srv = script_server();
    struct script *s;

    if (!srv) return;
    s = server_add_connection(srv);
    recv_client_hello_header(s);
    script_send(s, header, sizeof(header));
    script_close(s);
    ok_broken_handshake(exchange_with_script(srv, FALSE));
    server_stop(srv);
}

/* The server resets the connection mid-handshake. */
static void check_reset_mid_handshake(BOOL async)
{
    static const BYTE partial[] = { 0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00 };
    struct server *srv = script_server();
    struct script *s;

    if (!srv) return;
    s = server_add_connection(srv);
    recv_client_hello_header(s);
    script_send(s, partial, sizeof(partial));
    script_reset(s);
    ok_broken_handshake(exchange_with_script(srv, async));
    server_stop(srv);
}

static void reset_mid_handshake_sync(void)
{
    check_reset_mid_handshake(FALSE);
}

static void reset_mid_handshake_async(void)
{
    check_reset_mid_handshake(TRUE);
}

/* The server closes at once, without a byte. */
static void closed_before_server_hello(void)
{
    struct server *srv = script_server();
    struct script *s;

    if (!srv) return;
    s = server_add_connection(srv);
    recv_client_hello_header(s);
    script_close(s);
    ok_broken_handshake(exchange_with_script(srv, FALSE));
    server_stop(srv);
}

/* The server never answers the ClientHello: the 1 s timeouts end it with
 * ERROR_WINHTTP_TIMEOUT. */
static void check_silent_server(BOOL async)
{
    struct server *srv = script_server();
    struct script *s;

    if (!srv) return;
    s = server_add_connection(srv);
    recv_client_hello_header(s);
    script_wait(s, 4000);
    script_close(s);
    ok_int(exchange_with_script(srv, async), ERROR_WINHTTP_TIMEOUT);
    server_stop(srv);
}

static void never_answers_client_hello_sync(void)
{
    check_silent_server(FALSE);
}

static void never_answers_client_hello_async(void)
{
    check_silent_server(TRUE);
}

/* A peer that completes the handshake and then breaks the exchange: the
 * response cannot be read; the failure is the secure channel's or the
 * connection's, in time. */
static void check_broken_after_handshake(const WCHAR *server, BOOL async)
{
    struct client c;

    if (client_open(&c, server, async, L"/"))
    {
        ok_broken_handshake(client_exchange(&c));
        ok_failed_in(&c, API_RECEIVE_RESPONSE);
        ok(GetTickCount() - c.start < 10000, "the failure took %lu ms", GetTickCount() - c.start);
    }
    client_close(&c);
}

/* clear text where a TLS record should be */
static void garbage_after_handshake_sync(void)
{
    check_broken_after_handshake(L"garbage-after-handshake", FALSE);
}

static void garbage_after_handshake_async(void)
{
    check_broken_after_handshake(L"garbage-after-handshake", TRUE);
}

/* half of the response's record, then the connection closes */
static void truncated_after_handshake(void)
{
    check_broken_after_handshake(L"truncated-after-handshake", FALSE);
}

/* ---- the TLS options of issue 14 ------------------------------------------------------ */

/* WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST after ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED:
 * a pointer to a SecPkgContext_IssuerListInfoEx the caller frees with
 * GlobalFree (the documentation's example, lpBuffer big enough for a
 * pointer), listing the CAs the server accepts: tools/nginx-ctl's
 * client-auth server names the test CA (ssl_client_certificate). */
static void check_issuer_list(BOOL async)
{
    SecPkgContext_IssuerListInfoEx *list = NULL;
    struct client c;
    DWORD size = 0;
    BOOL found = FALSE;
    WCHAR name[256];

    if (client_open(&c, L"client-auth", async, L"/hello.txt"))
    {
        ok_int(client_exchange(&c), ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED);
        ok(!WinHttpQueryOption(c.request, WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST, NULL, &size),
           "query without a buffer succeeded");
        ok_int(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
        ok_int(size, sizeof(list));
        size = sizeof(list);
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST, &list, &size), "query: %lu",
           GetLastError());
        ok_int(size, sizeof(list));
        ok(list && list->cIssuers >= 1, "no issuers (%lu)", list ? list->cIssuers : 0);
        for (DWORD i = 0; list && i < list->cIssuers; i++)
        {
            name[0] = 0;
            CertNameToStrW(X509_ASN_ENCODING, &list->aIssuers[i], CERT_SIMPLE_NAME_STR, name, ARRAYSIZE(name));
            if (wcsstr(name, CA_NAME)) found = TRUE;
        }
        ok(found, "the test CA is not in the list");
        if (list) ok(GlobalFree(list) == NULL, "GlobalFree failed: %lu", GetLastError());
    }
    client_close(&c);
}

static void client_cert_issuer_list_sync(void)
{
    check_issuer_list(FALSE);
}

static void client_cert_issuer_list_async(void)
{
    check_issuer_list(TRUE);
}

/* Before a server asked for a certificate there is no list.  Which error
 * native gives is not documented: only the failure is checked (this DLL:
 * ERROR_WINHTTP_INCORRECT_HANDLE_STATE, as for the server's certificate). */
static void client_cert_issuer_list_none(void)
{
    SecPkgContext_IssuerListInfoEx *list = NULL;
    struct client c;
    DWORD size = sizeof(list);

    if (client_open(&c, L"valid", FALSE, L"/hello.txt"))
    {
        ok(!WinHttpQueryOption(c.request, WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST, &list, &size),
           "query before sending succeeded");
        ok_int(client_exchange(&c), 0);
        ok(!WinHttpQueryOption(c.request, WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST, &list, &size),
           "query without a CertificateRequest succeeded");
        ok(WinHttpQueryOption(c.session, WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST, &list, &size) == FALSE &&
           GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "on a session: %lu", GetLastError());
    }
    client_close(&c);
}

/* WINHTTP_OPTION_SECURITY_INFO (Windows 10 2004): WINHTTP_SECURITY_INFO,
 * Schannel's connection and cipher information of the request's
 * connection.  The test servers speak TLS 1.2 or 1.3 with a 128- or
 * 256-bit AEAD cipher and an RSA certificate (tools/make-test-pki). */
static void security_info(void)
{
    WINHTTP_SECURITY_INFO info;
    struct client c;
    DWORD size = sizeof(info), protocol;

    if (client_open(&c, L"valid", FALSE, L"/hello.txt"))
    {
        ok(!WinHttpQueryOption(c.request, WINHTTP_OPTION_SECURITY_INFO, &info, &size), "query before sending");
        ok_int(client_exchange(&c), 0);
        size = 0;
        ok(!WinHttpQueryOption(c.request, WINHTTP_OPTION_SECURITY_INFO, NULL, &size), "query without a buffer");
        ok_int(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
        ok_int(size, sizeof(info));
        memset(&info, 0xcc, sizeof(info));
        size = sizeof(info);
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_SECURITY_INFO, &info, &size), "query: %lu", GetLastError());
        ok_int(size, sizeof(info));
        protocol = info.ConnectionInfo.dwProtocol;
        ok(protocol == SP_PROT_TLS1_2_CLIENT || protocol == 0x2000 /* SP_PROT_TLS1_3_CLIENT */, "protocol %#lx",
           protocol);
        ok_int(info.CipherInfo.dwProtocol, protocol);
        ok_int(info.CipherInfo.dwVersion, SECPKGCONTEXT_CIPHERINFO_V1);
        ok(info.ConnectionInfo.dwCipherStrength >= 128, "cipher strength %lu", info.ConnectionInfo.dwCipherStrength);
        ok(info.ConnectionInfo.aiCipher == CALG_AES_128 || info.ConnectionInfo.aiCipher == CALG_AES_256 ||
           !wcscmp(info.CipherInfo.szCipher, L"CHACHA20_POLY1305"), "cipher %#x (%ls)",
           info.ConnectionInfo.aiCipher, info.CipherInfo.szCipher);
        ok(info.ConnectionInfo.dwExchStrength >= 128, "exchange strength %lu", info.ConnectionInfo.dwExchStrength);
        ok(info.CipherInfo.dwCipherSuite && info.CipherInfo.dwCipherSuite <= 0xffff, "cipher suite %#lx",
           info.CipherInfo.dwCipherSuite);
        ok(!wcsncmp(info.CipherInfo.szCipherSuite, L"TLS_", 4), "cipher suite name %.64ls",
           info.CipherInfo.szCipherSuite);
        ok(!wcscmp(info.CipherInfo.szCertificate, L"RSA"), "certificate %.64ls", info.CipherInfo.szCertificate);
        ok_int(info.CipherInfo.dwCipherLen, info.ConnectionInfo.dwCipherStrength);
    }
    client_close(&c);
}

/* WINHTTP_OPTION_SERVER_CBT: a SecPkgContext_Bindings, its
 * SEC_CHANNEL_BINDINGS and the token in the caller's buffer, whose size a
 * NULL buffer learns (the documentation's note).  The token is RFC 5929's
 * tls-server-end-point: the test certificates are signed with SHA-256, so
 * it is "tls-server-end-point:" and the SHA-256 of the server's certificate. */
static void server_cbt(void)
{
    static const char prefix[] = "tls-server-end-point:";
    SecPkgContext_Bindings *bindings;
    PCCERT_CONTEXT cert = NULL;
    BYTE want[32], *data;
    DWORD size = 0, want_size = sizeof(want), cert_size = sizeof(cert);
    HCRYPTPROV prov = 0;
    struct client c;
    char *buffer;

    if (client_open(&c, L"valid", FALSE, L"/hello.txt"))
    {
        ok(!WinHttpQueryOption(c.request, WINHTTP_OPTION_SERVER_CBT, NULL, &size), "query before sending");
        ok_int(client_exchange(&c), 0);
        size = 0;
        ok(!WinHttpQueryOption(c.request, WINHTTP_OPTION_SERVER_CBT, NULL, &size), "query without a buffer");
        ok_int(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
        ok(size == sizeof(*bindings) + sizeof(SEC_CHANNEL_BINDINGS) + sizeof(prefix) - 1 + sizeof(want),
           "size %lu", size);
        buffer = calloc(1, size + 16);
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_SERVER_CBT, buffer, &size), "query: %lu", GetLastError());
        bindings = (SecPkgContext_Bindings *)buffer;
        ok((char *)bindings->Bindings >= buffer && (char *)bindings->Bindings < buffer + size,
           "Bindings %p outside the buffer %p", bindings->Bindings, buffer);
        ok(WinHttpQueryOption(c.request, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &cert_size), "server cert: %lu",
           GetLastError());
        ok(CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT) && cert &&
           CryptHashCertificate(prov, CALG_SHA_256, 0, cert->pbCertEncoded, cert->cbCertEncoded, want, &want_size),
           "hashing the certificate: %lu", GetLastError());
        if ((char *)bindings->Bindings >= buffer && (char *)bindings->Bindings < buffer + size)
        {
            SEC_CHANNEL_BINDINGS *channel = bindings->Bindings;

            ok_int(bindings->BindingsLength, sizeof(*channel) + sizeof(prefix) - 1 + sizeof(want));
            ok_int(channel->cbApplicationDataLength, sizeof(prefix) - 1 + sizeof(want));
            ok_int(channel->dwApplicationDataOffset, sizeof(*channel));
            ok(!channel->cbInitiatorLength && !channel->cbAcceptorLength, "addresses in the bindings");
            data = (BYTE *)channel + channel->dwApplicationDataOffset;
            ok(channel->cbApplicationDataLength == sizeof(prefix) - 1 + sizeof(want) &&
               !memcmp(data, prefix, sizeof(prefix) - 1) && !memcmp(data + sizeof(prefix) - 1, want, sizeof(want)),
               "not tls-server-end-point with the certificate's SHA-256");
        }
        if (cert) CertFreeCertificateContext(cert);
        if (prov) CryptReleaseContext(prov, 0);
        free(buffer);
    }
    client_close(&c);
}

/* WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE (request, BOOL): "allows
 * secure connections to use security certificates for which the
 * certificate revocation list could not be downloaded"; a certificate the
 * CRL lists is still refused. */
static void check_revocation_offline_ignored(const WCHAR *server, DWORD want)
{
    struct client c;
    BOOL on = TRUE;

    if (client_open_revocation(&c, server, FALSE, TRUE))
    {
        ok(WinHttpSetOption(c.request, WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE, &on, sizeof(on)),
           "set IGNORE_CERT_REVOCATION_OFFLINE: %lu", GetLastError());
        if (!want)
        {
            ok_int(client_exchange(&c), 0);
            ok_hello(&c);
        }
        else ok_certificate_error(&c, client_exchange(&c), want, WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED);
    }
    client_close(&c);
}

static void revocation_offline_ignored(void)
{
    check_revocation_offline_ignored(L"crl-offline", 0);
}

static void revoked_despite_offline_ignored(void)
{
    check_revocation_offline_ignored(L"revoked", ERROR_WINHTTP_SECURE_CERT_REVOKED);
}

/* Options set on the wrong kind of handle (the option flags table:
 * session only, or request only): ERROR_WINHTTP_INCORRECT_HANDLE_TYPE. */
static void ok_wrong_handle(HINTERNET handle, DWORD option, const char *name)
{
    BOOL on = TRUE;

    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(handle, option, &on, sizeof(on)), "%s set on the wrong handle", name);
    ok(GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "%s: error %lu", name, GetLastError());
}

static void ok_set_bool(HINTERNET handle, DWORD option, const char *name)
{
    BOOL on = TRUE;

    ok(WinHttpSetOption(handle, option, &on, sizeof(on)), "set %s: %lu", name, GetLastError());
}

/* The session options of the option flags table, all BOOLs:
 * DISABLE_SECURE_PROTOCOL_FALLBACK (1903), TLS_FALSE_START (2004),
 * TLS_PROTOCOL_INSECURE_FALLBACK and DISABLE_CERT_CHAIN_BUILDING (21H1),
 * and USE_SESSION_SCH_CRED; IGNORE_CERT_REVOCATION_OFFLINE is the
 * request's.  With all of them on, the valid server is still reached and
 * a self-signed certificate still refused: none of them turns the
 * certificate check off (DISABLE_CERT_CHAIN_BUILDING is documented as
 * whether the chain is built, not whether it is checked; that native keeps
 * checking is our reading). */
static void session_tls_options(void)
{
    static const struct { DWORD option; const char *name; } session_only[] =
    {
        { WINHTTP_OPTION_DISABLE_SECURE_PROTOCOL_FALLBACK, "DISABLE_SECURE_PROTOCOL_FALLBACK" },
        { WINHTTP_OPTION_TLS_FALSE_START, "TLS_FALSE_START" },
        { WINHTTP_OPTION_TLS_PROTOCOL_INSECURE_FALLBACK, "TLS_PROTOCOL_INSECURE_FALLBACK" },
        { WINHTTP_OPTION_DISABLE_CERT_CHAIN_BUILDING, "DISABLE_CERT_CHAIN_BUILDING" },
        { WINHTTP_OPTION_USE_SESSION_SCH_CRED, "USE_SESSION_SCH_CRED" },
    };
    const WCHAR *servers[] = { L"valid", L"self-signed" };
    struct endpoint ep;
    struct client c;

    for (size_t s = 0; s < ARRAYSIZE(servers); s++)
    {
        if (!find_server(servers[s], &ep) || !client_open_session(&c, FALSE, 5000)) continue;
        for (size_t i = 0; i < ARRAYSIZE(session_only); i++)
            ok_set_bool(c.session, session_only[i].option, session_only[i].name);
        if (client_open_request(&c, ep.host, ep.port, L"/hello.txt"))
        {
            for (size_t i = 0; i < ARRAYSIZE(session_only); i++)
                ok_wrong_handle(c.request, session_only[i].option, session_only[i].name);
            ok_wrong_handle(c.session, WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE, "IGNORE_CERT_REVOCATION_OFFLINE");
            ok_set_bool(c.request, WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE, "IGNORE_CERT_REVOCATION_OFFLINE");
            if (!s)
            {
                ok_int(client_exchange(&c), 0);
                ok_hello(&c);
            }
            else
                ok_certificate_error(&c, client_exchange(&c), ERROR_WINHTTP_SECURE_INVALID_CA,
                                     WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA);
        }
        client_close(&c);
    }
}

/* No fallback: a session allowed only TLS 1.2, against a TLS 1.3-only
 * server, fails the same with TLS_PROTOCOL_INSECURE_FALLBACK on (a retry
 * with TLS 1.0 finds no common protocol either). */
static void insecure_fallback_no_common_protocol(void)
{
    DWORD protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
    struct endpoint ep;
    struct client c;

    if (!have_protocol_servers() || !find_server(L"tls13", &ep) || !client_open_session(&c, FALSE, 5000)) return;
    ok_set_bool(c.session, WINHTTP_OPTION_TLS_PROTOCOL_INSECURE_FALLBACK, "TLS_PROTOCOL_INSECURE_FALLBACK");
    ok(WinHttpSetOption(c.session, WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof(protocols)),
       "set SECURE_PROTOCOLS: %lu", GetLastError());
    if (client_open_request(&c, ep.host, ep.port, L"/hello.txt")) ok_no_common_protocol(client_exchange(&c));
    client_close(&c);
}

/* WINHTTP_OPTION_SERVER_CERT_CHAIN_BUILD_FLAGS and
 * SERVER_CERT_CHAIN_BUILD_CACHE_ONLY are in no documentation but
 * Microsoft's header (the WINHTTP_SERVER_CERT_CHAIN_* flags): that they are
 * set on a request (and on a session) is our reading.  The test CA is in the
 * local root store, so building from the cache alone, without AIA, still
 * reaches it. */
static void chain_build_flags(void)
{
    DWORD flags = WINHTTP_SERVER_CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL | WINHTTP_SERVER_CERT_CHAIN_DISABLE_AIA |
                  WINHTTP_SERVER_CERT_CHAIN_REVOCATION_CHECK_CACHE_ONLY;
    struct client c;

    if (client_open(&c, L"valid", FALSE, L"/hello.txt"))
    {
        ok(WinHttpSetOption(c.request, WINHTTP_OPTION_SERVER_CERT_CHAIN_BUILD_FLAGS, &flags, sizeof(flags)),
           "set SERVER_CERT_CHAIN_BUILD_FLAGS: %lu", GetLastError());
        ok_set_bool(c.request, WINHTTP_OPTION_SERVER_CERT_CHAIN_BUILD_CACHE_ONLY, "SERVER_CERT_CHAIN_BUILD_CACHE_ONLY");
        ok_int(client_exchange(&c), 0);
        ok_hello(&c);
    }
    client_close(&c);
}

/* WINHTTP_OPTION_REVERT_IMPERSONATION_SERVER_CERT: "reverts any thread
 * impersonation when building the server cert chain, forcing the use of
 * the process token instead".  A synchronous send on an impersonating
 * thread succeeds, and the thread impersonates again afterwards.  Which
 * handle takes it is not documented: the request here. */
static void revert_impersonation_server_cert(void)
{
    struct client c;
    HANDLE token = NULL;

    if (client_open(&c, L"valid", FALSE, L"/hello.txt"))
    {
        ok_set_bool(c.request, WINHTTP_OPTION_REVERT_IMPERSONATION_SERVER_CERT, "REVERT_IMPERSONATION_SERVER_CERT");
        ok(ImpersonateSelf(SecurityImpersonation), "ImpersonateSelf: %lu", GetLastError());
        ok_int(client_exchange(&c), 0);
        ok(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token), "no longer impersonating: %lu",
           GetLastError());
        if (token) CloseHandle(token);
        RevertToSelf();
        ok_hello(&c);
    }
    client_close(&c);
}

/* WINHTTP_OPTION_ENABLE_TEST_SIGNING has only a number in Microsoft's
 * header and no documentation.  This DLL refuses it as not supported
 * (ERROR_WINHTTP_INVALID_OPTION, the option flags page's error for that);
 * native may take it: only the error of a refusal is checked. */
static void enable_test_signing(void)
{
    HINTERNET session = WinHttpOpen(L"conformance/tls", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    BOOL on = TRUE;

    ok(session != NULL, "WinHttpOpen: %lu", GetLastError());
    if (!WinHttpSetOption(session, WINHTTP_OPTION_ENABLE_TEST_SIGNING, &on, sizeof(on)))
        ok_int(GetLastError(), ERROR_WINHTTP_INVALID_OPTION);
    WinHttpCloseHandle(session);
}

TEST_CASES(
    TEST(valid_sync),
    TEST(valid_async),
    TEST(self_signed_sync),
    TEST(self_signed_async),
    TEST(unknown_ca_sync),
    TEST(unknown_ca_async),
    TEST(expired_sync),
    TEST(expired_async),
    TEST(wrong_host_sync),
    TEST(wrong_host_async),
    TEST(wrong_usage_sync),
    TEST(revocation_unknown_sync),
    TEST(revoked_sync),
    TEST(revoked_async),
    TEST(not_revoked_sync),
    TEST(not_revoked_async),
    TEST(revoked_unchecked_by_default),
    TEST(revocation_offline_sync),
    TEST(revoked_not_ignored),
    TEST(ignore_unknown_ca),
    TEST(ignore_date_invalid),
    TEST(ignore_cn_invalid),
    TEST(ignore_wrong_usage),
    TEST(ignore_other_problem),
    TEST(retry_after_failure_sync),
    TEST(retry_after_failure_async),
    TEST(security_flags_after_handshake),
    TEST(server_cert_context),
    TEST(server_cert_chain_sync),
    TEST(server_cert_chain_async),
    TEST(server_cert_chain_excused),
    TEST(excused_then_strict),
    TEST(certificate_struct),
    TEST(key_bitness),
    TEST(keep_alive),
    TEST(big_body),
    TEST(protocols_tls12_only_vs_tls13_server),
    TEST(protocols_tls13_only),
    TEST(protocols_tls12_and_tls13),
    TEST(client_cert_needed_sync),
    TEST(client_cert_needed_async),
    TEST(no_client_cert_context),
    TEST(client_cert_retry),
    TEST(client_cert_from_pfx_sync),
    TEST(client_cert_from_pfx_async),
    TEST(client_cert_after_needed_sync),
    TEST(client_cert_after_needed_async),
    TEST(client_cert_not_pooled_sync),
    TEST(client_cert_not_pooled_async),
    TEST(client_cert_on_session_or_connect),
    TEST(client_cert_without_private_key),
    TEST(client_cert_cng_sync),
    TEST(client_cert_cng_async),
    TEST(client_cert_cng_tls13),
    TEST(https_to_http_refused_sync),
    TEST(https_to_http_refused_async),
    TEST(https_to_http_always_sync),
    TEST(https_to_http_always_async),
    TEST(http_to_https_sync),
    TEST(http_to_https_async),
    TEST(garbage_instead_of_server_hello_sync),
    TEST(garbage_instead_of_server_hello_async),
    TEST(truncated_record),
    TEST(oversized_record),
    TEST(reset_mid_handshake_sync),
    TEST(reset_mid_handshake_async),
    TEST(closed_before_server_hello),
    TEST(never_answers_client_hello_sync),
    TEST(never_answers_client_hello_async),
    TEST(garbage_after_handshake_sync),
    TEST(garbage_after_handshake_async),
    TEST(truncated_after_handshake),
    TEST(client_cert_issuer_list_sync),
    TEST(client_cert_issuer_list_async),
    TEST(client_cert_issuer_list_none),
    TEST(security_info),
    TEST(server_cbt),
    TEST(revocation_offline_ignored),
    TEST(revoked_despite_offline_ignored),
    TEST(session_tls_options),
    TEST(insecure_fallback_no_common_protocol),
    TEST(chain_build_flags),
    TEST(revert_impersonation_server_cert),
    TEST(enable_test_signing)
);

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
