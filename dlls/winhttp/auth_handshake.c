/* NTLM and Negotiate: connection-based handshakes through SSPI (see
 * auth.h).  The legs are computed when the decision to send them is made,
 * so that a token the platform cannot answer (a cut-short NTLM challenge,
 * a realm without a KDC) ends the handshake there and the 401/407 goes to
 * the application.  Nothing here traces a credential or a token. */
#include <stdio.h>
#include <stdlib.h>

#include "request.h"
#include "connection.h"
#include "auth_sspi.h"
#include "auth_hash.h"

/* "HTTP/host", with the port when WINHTTP_ENABLE_SPN_SERVER_PORT asks for
 * it and it is not the scheme's default (documented). */
static WCHAR *make_spn(struct request *r, enum auth_target t)
{
    BOOL proxy = t == AUTH_PROXY;
    const WCHAR *host = proxy ? r->route.proxy : request_target_host(r);
    INTERNET_PORT port = proxy ? r->route.proxy_port : request_target_port(r);
    INTERNET_PORT default_port = !proxy && r->target_secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
    size_t length = lstrlenW(host) + 16;
    WCHAR *spn = heap_alloc(length * sizeof(WCHAR));

    if (!spn) return NULL;
    if ((r->obj.settings.spn & WINHTTP_ENABLE_SPN_SERVER_PORT) && port != default_port)
        swprintf(spn, length, L"HTTP/%ls:%u", host, port);
    else
        swprintf(spn, length, L"HTTP/%ls", host);
    return spn;
}

WCHAR *auth_identity(const struct credentials *c)
{
    unsigned char digest[AUTH_HASH_MAX];
    struct auth_hash hash;
    size_t length, digest_len;
    WCHAR *out;

    if (!c->user) return strdupW(L"");
    auth_hash_init(&hash, AUTH_HASH_SHA256);
    if (c->password) auth_hash_update(&hash, c->password, lstrlenW(c->password) * sizeof(WCHAR));
    digest_len = auth_hash_final(&hash, digest);
    length = lstrlenW(c->user) + 2 + 2 * digest_len;
    if (!(out = heap_alloc(length * sizeof(WCHAR)))) return NULL;
    lstrcpyW(out, c->user);
    lstrcatW(out, L":");
    for (size_t i = 0; i < digest_len; i++)
        swprintf(out + lstrlenW(out), 3, L"%02x", digest[i]);
    SecureZeroMemory(digest, sizeof(digest));
    return out;
}

void handshake_reset(struct auth_target_state *s)
{
    sspi_free(s->handshake);
    s->handshake = NULL;
    s->handshake_scheme = 0;
    heap_free(s->handshake_user);
    s->handshake_user = NULL;
    free(s->token);
    s->token = NULL;
    if (s->leg) SecureZeroMemory(s->leg, strlen(s->leg));
    free(s->leg);
    s->leg = NULL;
}

static void handshake_failed(struct auth_target_state *s)
{
    if (s->handshake_user && !*s->handshake_user) s->default_refused = TRUE;
    handshake_reset(s);
}

BOOL handshake_begin(struct request *r, enum auth_target t, const struct credentials *c, DWORD scheme)
{
    struct auth_target_state *s = &r->auth.target[t];
    WCHAR *spn = make_spn(r, t);
    DWORD error;

    handshake_reset(s);
    if (!spn) return FALSE;
    heap_free(s->spn_used);
    s->spn_used = spn;
    if (!(s->handshake_user = auth_identity(c))) return FALSE;
    error = sspi_start(scheme, c->user, c->password, spn, &s->handshake);
    if (!error) error = sspi_step(s->handshake, NULL, 0, &s->leg);
    if (!error && !s->leg) error = ERROR_WINHTTP_LOGIN_FAILURE;
    if (error)
    {
        WARN("no %s logon (%lu)\n", scheme == WINHTTP_AUTH_SCHEME_NTLM ? "NTLM" : "Negotiate", error);
        handshake_failed(s);
        return FALSE;
    }
    s->handshake_scheme = scheme;
    return TRUE;
}

DWORD handshake_value(struct request *r, enum auth_target t, const struct credentials *c, char **value)
{
    struct auth_target_state *s = &r->auth.target[t];
    const WCHAR *logged_in = r->conn ? (t == AUTH_PROXY ? r->conn->logon.proxy : r->conn->logon.server) : NULL;
    WCHAR *identity;

    *value = NULL;
    /* a connection logged in as this user already: a new handshake would
     * only start over what the server has done (a server may refuse it) */
    if (logged_in && (identity = auth_identity(c)))
    {
        BOOL same = !lstrcmpW(logged_in, identity);
        heap_free(identity);
        if (same)
        {
            TRACE("the connection is logged in already\n");
            handshake_reset(s);
            s->offered &= ~AUTH_CONNECTION_SCHEMES;
            return ERROR_SUCCESS;
        }
    }
    /* a first leg answers a challenge that names the scheme (never before
     * one); it starts over when the leg due went on a connection now gone */
    if (!s->leg && (s->offered & c->scheme)) handshake_begin(r, t, c, c->scheme);
    *value = s->leg;
    s->leg = NULL;
    return ERROR_SUCCESS;
}

void handshake_note_token(struct auth_target_state *s, const struct auth_challenge *challenge)
{
    DWORD scheme = auth_scheme_flag(challenge);

    if (!s->handshake || scheme != s->handshake_scheme || !challenge->token68.len || s->token) return;
    if ((s->token = malloc(challenge->token68.len + 1)))
    {
        memcpy(s->token, challenge->token68.ptr, challenge->token68.len);
        s->token[challenge->token68.len] = 0;
    }
}

BOOL handshake_continues(struct request *r, enum auth_target t)
{
    struct auth_target_state *s = &r->auth.target[t];
    DWORD error;

    if (!s->handshake || !s->sent || !s->token || sspi_complete(s->handshake))
    {
        TRACE("the %s refused the logon\n", t == AUTH_PROXY ? "proxy" : "server");
        handshake_failed(s);
        return FALSE;
    }
    error = sspi_step(s->handshake, s->token, strlen(s->token), &s->leg);
    free(s->token);
    s->token = NULL;
    if (error || !s->leg)
    {
        WARN("no answer to the %s's token (%lu)\n", t == AUTH_PROXY ? "proxy" : "server", error);
        handshake_failed(s);
        return FALSE;
    }
    return TRUE;
}

void handshake_outcome(struct request *r)
{
    for (int t = 0; t < AUTH_TARGETS; t++)
    {
        struct auth_target_state *s = &r->auth.target[t];
        DWORD challenge = t == AUTH_PROXY ? 407 : 401;

        if (!s->handshake || !s->sent || r->response.status == challenge) continue;
        /* a Negotiate server may end with a token of its own (mutual
         * authentication): TLS, not this, is what proves the server here */
        TRACE("logged in to the %s\n", t == AUTH_PROXY ? "proxy" : "server");
        if (r->conn) connection_set_logon(r->conn, t == AUTH_PROXY, s->handshake_user);
        s->offered &= ~AUTH_CONNECTION_SCHEMES;     /* the connection is logged in: no new first leg */
        handshake_reset(s);
    }
}

/* ---- who a request would log in as -------------------------------------------------- */

static WCHAR *wanted(struct request *r, enum auth_target t)
{
    struct credentials c;

    if (!auth_get_credentials(r, t, &c)) return NULL;
    if (c.from_app && !(c.scheme & AUTH_CONNECTION_SCHEMES)) return NULL;
    return auth_identity(&c);
}

void auth_logon_wanted(struct request *r, struct logon *logon)
{
    logon->server = wanted(r, AUTH_SERVER);
    logon->proxy = r->route.proxy ? wanted(r, AUTH_PROXY) : NULL;
}

void auth_logon_free(struct logon *logon)
{
    heap_free(logon->server);
    heap_free(logon->proxy);
}
