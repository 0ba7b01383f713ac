/* Answering challenges for the state machine: see auth.h.  Nothing here
 * traces a user name, a password or a header value it builds. */
#include <stdio.h>
#include <stdlib.h>

#include "request.h"
#include "auth.h"
#include "connection.h"
#include <wchar.h>
#include <ntsecapi.h>

/* ---- challenges ------------------------------------------------------------ */

static const struct { const char *name; DWORD scheme; } scheme_names[] =
{
    { "Basic", WINHTTP_AUTH_SCHEME_BASIC },
    { "NTLM", WINHTTP_AUTH_SCHEME_NTLM },
    { "Passport1.4", WINHTTP_AUTH_SCHEME_PASSPORT },
    { "Digest", WINHTTP_AUTH_SCHEME_DIGEST },
    { "Negotiate", WINHTTP_AUTH_SCHEME_NEGOTIATE },
};

DWORD auth_scheme_flag(const struct auth_challenge *challenge)
{
    for (size_t i = 0; i < ARRAY_SIZE(scheme_names); i++)
        if (auth_span_is(challenge->scheme, scheme_names[i].name)) return scheme_names[i].scheme;
    return 0;
}

/* The header was widened with CP_ACP from the bytes received: narrowing
 * with it gives those bytes back. */
void auth_read_challenges(const struct header_list *headers, const WCHAR *name, struct auth_challenges *list,
                          char **text)
{
    size_t size = 0, used = 0;
    int i;

    memset(list, 0, sizeof(*list));
    for (int n = 0; (i = header_list_find(headers, name, n)) >= 0; n++)
        size += WideCharToMultiByte(CP_ACP, 0, headers->items[i].value, -1, NULL, 0, NULL, NULL);
    if (!(*text = heap_alloc(size + 1))) return;
    for (int n = 0; (i = header_list_find(headers, name, n)) >= 0; n++)
    {
        int length = WideCharToMultiByte(CP_ACP, 0, headers->items[i].value, -1, *text + used, (int)(size - used),
                                         NULL, NULL);
        if (length <= 0) break;
        auth_parse(*text + used, length - 1, list);
        used += length;
    }
}

static const WCHAR *challenge_header(enum auth_target t)
{
    return t == AUTH_PROXY ? L"Proxy-Authenticate" : L"WWW-Authenticate";
}

/* WINHTTP_OPTION_DISABLE_PROXY_AUTH_SCHEMES: the schemes never answered
 * for a proxy.  WINHTTP_PROXY_DISABLE_SCHEME_KERBEROS has no scheme flag of
 * its own: Negotiate stays answered, and what SSPI's Negotiate picks is its
 * own (see README). */
static DWORD proxy_schemes_disabled(const struct request *r, enum auth_target t)
{
    DWORD bits = r->obj.settings.proxy_auth_disabled, schemes = 0;

    if (t != AUTH_PROXY) return 0;
    if (bits & WINHTTP_PROXY_DISABLE_SCHEME_BASIC) schemes |= WINHTTP_AUTH_SCHEME_BASIC;
    if (bits & WINHTTP_PROXY_DISABLE_SCHEME_DIGEST) schemes |= WINHTTP_AUTH_SCHEME_DIGEST;
    if (bits & WINHTTP_PROXY_DISABLE_SCHEME_NTLM) schemes |= WINHTTP_AUTH_SCHEME_NTLM;
    if (bits & WINHTTP_PROXY_DISABLE_SCHEME_NEGOTIATE) schemes |= WINHTTP_AUTH_SCHEME_NEGOTIATE;
    return schemes;
}

/* A proxy on this machine's loopback (the connection's peer). */
static BOOL proxy_is_loopback(struct request *r)
{
    const SOCKADDR_STORAGE *a = &r->remote_address;
    static const BYTE v6_loopback[16] = { [15] = 1 };

    if (!r->have_addresses || !r->route.proxy) return FALSE;
    if (a->ss_family == AF_INET) return ((const SOCKADDR_IN *)a)->sin_addr.S_un.S_un_b.s_b1 == 127;
    return a->ss_family == AF_INET6 && !memcmp(&((const SOCKADDR_IN6 *)a)->sin6_addr, v6_loopback, 16);
}

/* What a 401/407 offers: its schemes, its Digest challenge (a new nonce
 * starts its count over), Basic's charset. */
static void note_challenges(struct request *r, enum auth_target t)
{
    struct auth_target_state *s = &r->auth.target[t];
    struct auth_challenges *list = heap_alloc(sizeof(*list));
    struct digest_challenge digest;
    char *text = NULL;

    s->offered = 0;
    s->basic_utf8 = FALSE;
    s->basic_cached = FALSE;    /* challenged: what it answers next is kept anew */
    free(s->token);
    s->token = NULL;
    if (!list) return;
    auth_read_challenges(&r->response.headers, challenge_header(t), list, &text);
    for (size_t i = 0; i < list->count; i++)
    {
        const struct auth_param *charset = auth_find_param(&list->items[i], "charset");
        DWORD scheme = auth_scheme_flag(&list->items[i]);

        s->offered |= scheme;
        handshake_note_token(s, &list->items[i]);
        if (scheme == WINHTTP_AUTH_SCHEME_BASIC && charset && auth_span_is(charset->value, "UTF-8"))
            s->basic_utf8 = TRUE;
    }
    if (s->offered & proxy_schemes_disabled(r, t))
        TRACE("proxy schemes %#lx not answered\n", s->offered & proxy_schemes_disabled(r, t));
    s->offered &= ~proxy_schemes_disabled(r, t);
    if (!digest_pick(list, &digest))
    {
        if (!s->digest || strcmp(s->digest->nonce, digest.nonce)) s->nonce_count = 0;
        if (s->digest || (s->digest = heap_alloc(sizeof(*s->digest)))) *s->digest = digest;
    }
    else
    {
        if (s->offered & WINHTTP_AUTH_SCHEME_DIGEST) WARN("no Digest challenge we can answer\n");
        heap_free(s->digest);
        s->digest = NULL;
    }
    heap_free(text);
    heap_free(list);
}

/* ---- credentials -------------------------------------------------------------- */

/* WinHttpSetCredentials' first (documented to take precedence, Wine's
 * tests run on Windows show it), then the options'. */
BOOL auth_get_credentials(struct request *r, enum auth_target t, struct credentials *c)
{
    struct auth_target_state *s = &r->auth.target[t];

    memset(c, 0, sizeof(*c));
    if (s->app_scheme)
    {
        c->scheme = s->app_scheme;
        c->user = s->app_user;
        c->password = s->app_password;
        c->from_app = TRUE;
        return TRUE;
    }
    c->scheme = s->answering;
    c->user = t == AUTH_SERVER ? r->username : r->proxy_username;
    c->password = t == AUTH_SERVER ? r->password : r->proxy_password;
    if (!c->password) c->password = L"";
    if (t == AUTH_SERVER && r->auth.options_dropped) return FALSE;
    if (c->user) return TRUE;
    /* the logged-on user's, where the policy allows and they did not fail */
    if (s->default_refused || !auth_default_allowed(r, t)) return FALSE;
    /* WINHTTP_PROXY_DISABLE_AUTH_LOCAL_SERVICE: documented as the machine
     * account for a proxy on loopback, so that the user's credentials do
     * not leak to it; there is no machine account to log in with here, so
     * such a proxy gets no default credentials at all */
    if (t == AUTH_PROXY && (r->obj.settings.proxy_auth_disabled & WINHTTP_PROXY_DISABLE_AUTH_LOCAL_SERVICE) &&
        proxy_is_loopback(r))
        return FALSE;
    c->password = NULL;
    c->is_default = TRUE;
    return TRUE;
}

BOOL auth_default_allowed(struct request *r, enum auth_target t)
{
    switch (r->obj.settings.autologon_policy)
    {
    case WINHTTP_AUTOLOGON_SECURITY_LEVEL_LOW:        return TRUE;
    case WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH:       return FALSE;
    case WINHTTP_AUTOLOGON_SECURITY_LEVEL_PROXY_ONLY: return t == AUTH_PROXY;
    /* MEDIUM: the intranet (documented: what the proxy bypass list
     * names), and a proxy, which is one's own network's */
    default:                                          return t == AUTH_PROXY || request_is_intranet(r);
    }
}

static void secure_free(char *str)
{
    if (!str) return;
    SecureZeroMemory(str, strlen(str));
    free(str);
}

/* 8-bit text for a scheme: UTF-8 when the server asked for it (RFC 7616
 * section 4, RFC 7617 section 2.1), else the ANSI code page when it holds
 * every character, else UTF-8 (malloc'd, NULL when out of memory). */
static char *narrow(const WCHAR *str, BOOL utf8)
{
    BOOL lossy = FALSE;
    UINT codepage = CP_UTF8;
    int length;
    char *out;

    if (!utf8 && WideCharToMultiByte(CP_ACP, WC_NO_BEST_FIT_CHARS, str, -1, NULL, 0, NULL, &lossy) > 0 && !lossy)
        codepage = CP_ACP;
    length = WideCharToMultiByte(codepage, 0, str, -1, NULL, 0, NULL, NULL);
    if (length <= 0 || !(out = malloc(length))) return NULL;
    WideCharToMultiByte(codepage, 0, str, -1, out, length, NULL, NULL);
    return out;
}

static DWORD basic_value(const struct credentials *c, BOOL utf8, char **value)
{
    char *user = narrow(c->user, utf8), *password = narrow(c->password, utf8);
    DWORD error = ERROR_SUCCESS;

    if (!user || !password || !(*value = basic_authorization(user, password))) error = ERROR_OUTOFMEMORY;
    secure_free(user);
    secure_free(password);
    return error;
}

/* 16 random bytes as hex (RFC 7616 section 5.12: unpredictable). */
static BOOL make_cnonce(char *out)
{
    unsigned char bytes[16];

    if (!RtlGenRandom(bytes, sizeof(bytes))) return FALSE;
    for (int i = 0; i < 16; i++) sprintf(out + 2 * i, "%02x", bytes[i]);
    return TRUE;
}

static DWORD digest_value(struct request *r, struct auth_target_state *s, const struct credentials *c,
                          const char *method, const char *uri, BOOL connect, char **value)
{
    struct digest_request dr = { 0 };
    char cnonce[33], *user = narrow(c->user, s->digest->utf8), *password = narrow(c->password, s->digest->utf8);
    enum digest_result result = DIGEST_NO_MEMORY;

    if (user && password && make_cnonce(cnonce))
    {
        dr.username = user;
        dr.password = password;
        dr.method = method;
        dr.uri = uri;
        /* auth-int hashes the body: at hand unless WinHttpWriteData sends it */
        dr.body = connect ? NULL : r->send_body;
        dr.body_len = connect ? 0 : r->send_body_length;
        dr.body_known = connect || r->total_length <= r->send_body_length;
        dr.cnonce = cnonce;
        dr.nc = ++s->nonce_count;
        result = digest_authorization(s->digest, &dr, value);
    }
    secure_free(user);
    secure_free(password);
    if (result == DIGEST_NO_QOP)
    {
        FIXME("the server takes only qop=auth-int and the body is written later: no Digest answer\n");
        return ERROR_SUCCESS;
    }
    return result == DIGEST_OK ? ERROR_SUCCESS : ERROR_OUTOFMEMORY;
}

/* ---- the session's Basic cache (auth_cache.h) ------------------------------------------------ */

/* The protection space of the request for a target: the origin and the
 * directory of the path, or the proxy (heap string, NULL when out of
 * memory). */
static WCHAR *protection_space(struct request *r, enum auth_target t)
{
    size_t length, dir;
    WCHAR *origin, *space;

    if (t == AUTH_PROXY)
    {
        length = lstrlenW(r->route.proxy) + 16;
        if ((space = heap_alloc(length * sizeof(WCHAR))))
            swprintf(space, length, L"proxy %ls:%u", r->route.proxy, r->route.proxy_port);
        return space;
    }
    if (!(origin = request_origin(r))) return NULL;
    dir = wcscspn(r->path, L"?");
    while (dir && r->path[dir - 1] != '/') dir--;
    length = lstrlenW(origin) + dir + 2;
    if ((space = heap_alloc(length * sizeof(WCHAR))))
        swprintf(space, length, L"%ls%.*ls%ls", origin, (int)dir, r->path, dir ? L"" : L"/");
    heap_free(origin);
    return space;
}

/* Whether the options' credentials were accepted with Basic in this space
 * before, in this session: then they go at once. */
static BOOL cached_basic(struct request *r, enum auth_target t, const struct credentials *c)
{
    WCHAR *space = protection_space(r, t), *identity = auth_identity(c);
    BOOL utf8 = FALSE, found = space && identity && auth_cache_find(&request_session(r)->auth_cache, space, identity, &utf8);

    if (found) r->auth.target[t].basic_utf8 = utf8;
    heap_free(space);
    heap_free(identity);
    return found;
}

/* A final response that does not challenge a target whose options' Basic
 * went with the request: the space accepted them (kept once: what came
 * from the cache is there already). */
static void remember_basic(struct request *r)
{
    for (int t = 0; t < AUTH_TARGETS; t++)
    {
        struct auth_target_state *s = &r->auth.target[t];
        struct credentials c;
        WCHAR *space, *identity;

        if (!s->sent || s->app_scheme || s->answering != WINHTTP_AUTH_SCHEME_BASIC || s->basic_cached) continue;
        if (r->response.status == (t == AUTH_PROXY ? 407u : 401u) || !auth_get_credentials(r, t, &c)) continue;
        space = protection_space(r, t);
        identity = auth_identity(&c);
        if (space && identity) auth_cache_add(&request_session(r)->auth_cache, space, identity, s->basic_utf8);
        heap_free(space);
        heap_free(identity);
    }
}

/* The header value a target's credentials call for now, or NULL. */
static DWORD credentials_value(struct request *r, enum auth_target t, const char *method, const char *uri,
                               BOOL connect, char **value)
{
    struct auth_target_state *s = &r->auth.target[t];
    struct credentials c;

    *value = NULL;
    if (!auth_get_credentials(r, t, &c)) return ERROR_SUCCESS;
    if (!c.from_app && !c.is_default && !c.scheme && !s->offered && cached_basic(r, t, &c))
    {
        c.scheme = s->answering = WINHTTP_AUTH_SCHEME_BASIC;
        s->basic_cached = TRUE;
    }
    if (c.scheme & proxy_schemes_disabled(r, t)) return ERROR_SUCCESS;
    switch (c.scheme)
    {
    case WINHTTP_AUTH_SCHEME_BASIC:
        return basic_value(&c, s->basic_utf8, value);
    case WINHTTP_AUTH_SCHEME_DIGEST:
        /* never before a challenge: Digest cannot pre-authenticate (documented) */
        return s->digest ? digest_value(r, s, &c, method, uri, connect, value) : ERROR_SUCCESS;
    case WINHTTP_AUTH_SCHEME_NTLM:
    case WINHTTP_AUTH_SCHEME_NEGOTIATE:
        return handshake_value(r, t, &c, value);
    case WINHTTP_AUTH_SCHEME_PASSPORT:
        if (s->offered & c.scheme) FIXME("no Passport logon\n");
        return ERROR_SUCCESS;
    }
    return ERROR_SUCCESS;
}

/* ---- the request head ------------------------------------------------------------ */

static DWORD append_header(struct http_buf *head, const char *name, const char *value)
{
    if (strpbrk(value, "\r\n")) return ERROR_WINHTTP_INTERNAL_ERROR;
    if (http_buf_append(head, name, strlen(name)) != HTTP_DONE || http_buf_append(head, ": ", 2) != HTTP_DONE ||
        http_buf_append(head, value, strlen(value)) != HTTP_DONE || http_buf_append(head, "\r\n", 2) != HTTP_DONE)
        return ERROR_OUTOFMEMORY;
    return ERROR_SUCCESS;
}

/* The request-target and method of the request line at the start of head
 * (malloc'd), what Digest's uri and method must be. */
static BOOL request_line_parts(const struct http_buf *head, char **method, char **target)
{
    const char *line = head->data, *end = memchr(line, '\r', head->len), *sp1, *sp2;

    *method = *target = NULL;
    if (!end || !(sp1 = memchr(line, ' ', end - line))) return FALSE;
    for (sp2 = end; sp2 > sp1 && *sp2 != ' '; sp2--) ;
    if (sp2 <= sp1) return FALSE;
    if (!(*method = malloc(sp1 - line + 1)) || !(*target = malloc(sp2 - sp1)))
    {
        free(*method);
        return FALSE;
    }
    memcpy(*method, line, sp1 - line);
    (*method)[sp1 - line] = 0;
    memcpy(*target, sp1 + 1, sp2 - sp1 - 1);
    (*target)[sp2 - sp1 - 1] = 0;
    return TRUE;
}

static DWORD write_target(struct request *r, struct http_buf *head, enum auth_target t, const char *name,
                          const char *method, const char *uri)
{
    char *value;
    DWORD error = credentials_value(r, t, method, uri, FALSE, &value);

    r->auth.target[t].sent = value != NULL;
    if (!error && value) error = append_header(head, name, value);
    secure_free(value);
    return error;
}

DWORD auth_write_headers(struct request *r, struct http_buf *head)
{
    char *method, *uri;
    DWORD error = ERROR_SUCCESS;

    if (!request_line_parts(head, &method, &uri)) return ERROR_OUTOFMEMORY;
    /* an Authorization the application added itself goes as it is */
    if (header_list_find(&r->headers, L"Authorization", 0) >= 0) r->auth.target[AUTH_SERVER].sent = TRUE;
    else error = write_target(r, head, AUTH_SERVER, "Authorization", method, uri);
    /* through a proxy, plain http carries the proxy's credentials on each
     * request; a tunnel carries them on its CONNECT (auth_tunnel_header),
     * never inside, where the origin would read them */
    if (!error && route_absolute_form(&r->route) && header_list_find(&r->headers, L"Proxy-Authorization", 0) < 0)
        error = write_target(r, head, AUTH_PROXY, "Proxy-Authorization", method, uri);
    free(method);
    free(uri);
    return error;
}

DWORD auth_tunnel_header(struct request *r, const char *authority, char **value)
{
    DWORD error = credentials_value(r, AUTH_PROXY, "CONNECT", authority, TRUE, value);

    r->auth.target[AUTH_PROXY].sent = *value != NULL;
    return error;
}

/* ---- answering a 401/407 ------------------------------------------------------------ */

/* For the options' credentials, the strongest scheme offered that can be
 * answered: Negotiate, NTLM (when the platform has a context for them),
 * Digest, Basic; the default credentials answer only the first two. */
static DWORD automatic_scheme(struct request *r, enum auth_target t, const struct credentials *c)
{
    static const DWORD connection_schemes[] = { WINHTTP_AUTH_SCHEME_NEGOTIATE, WINHTTP_AUTH_SCHEME_NTLM };
    struct auth_target_state *s = &r->auth.target[t];

    for (size_t i = 0; i < ARRAY_SIZE(connection_schemes); i++)
        if ((s->offered & connection_schemes[i]) && handshake_begin(r, t, c, connection_schemes[i]))
            return connection_schemes[i];
    if (c->is_default) return 0;
    if (s->digest) return WINHTTP_AUTH_SCHEME_DIGEST;
    if (s->offered & WINHTTP_AUTH_SCHEME_BASIC) return WINHTTP_AUTH_SCHEME_BASIC;
    return 0;
}

/* Sending again for a challenge: the connection stays with the request
 * for a connection-based scheme's next leg. */
static BOOL resend(struct request *r, DWORD scheme)
{
    r->auth.automatic++;
    r->auth.resending = TRUE;
    r->conn_pinned = !!(scheme & AUTH_CONNECTION_SCHEMES);
    TRACE("answering the %lu challenge with scheme %#lx\n", r->response.status, scheme);
    return TRUE;
}

void auth_note_response(struct request *r)
{
    handshake_outcome(r);
    remember_basic(r);
}

BOOL auth_wants_resend(struct request *r)
{
    enum auth_target t;
    struct auth_target_state *s;
    struct credentials c;
    DWORD scheme;

    if (r->response.status == 401) t = AUTH_SERVER;
    /* through an open tunnel a 407 is the origin's: nothing of the proxy's answers it */
    else if (r->response.status == 407 && r->route.proxy && (!route_tunnels(&r->route) || r->proxy_replied))
        t = AUTH_PROXY;
    else return FALSE;
    s = &r->auth.target[t];
    note_challenges(r, t);
    /* a connection thought logged in was challenged: the server keeps no
     * logon per connection (Kerberos without connection binding) */
    if (r->conn && (t == AUTH_PROXY ? r->conn->logon.proxy : r->conn->logon.server))
        connection_set_logon(r->conn, t == AUTH_PROXY, NULL);
    if (r->obj.settings.disabled_features & WINHTTP_DISABLE_AUTHENTICATION) return FALSE;
    /* a body written with WinHttpWriteData is gone: the application resends */
    if (r->written > r->optional_length || r->auth.automatic >= AUTH_MAX_AUTOMATIC)
    {
        handshake_reset(s);
        return FALSE;
    }
    /* a leg was sent: the next one, or the logon failed */
    if (s->handshake) return handshake_continues(r, t) && resend(r, s->handshake_scheme);
    if (!auth_get_credentials(r, t, &c)) return FALSE;
    if (s->sent)
    {
        /* the credentials were rejected, unless only a Digest nonce had aged */
        scheme = c.from_app ? c.scheme : s->answering;
        if (scheme != WINHTTP_AUTH_SCHEME_DIGEST || !s->digest || !s->digest->stale || s->stale_retried)
            return FALSE;
        s->stale_retried = TRUE;
        return resend(r, scheme);
    }
    scheme = c.from_app ? c.scheme : automatic_scheme(r, t, &c);
    if (!(s->offered & scheme)) return FALSE;
    switch (scheme)
    {
    case WINHTTP_AUTH_SCHEME_BASIC:
        break;
    case WINHTTP_AUTH_SCHEME_DIGEST:
        if (!s->digest) return FALSE;
        break;
    case WINHTTP_AUTH_SCHEME_NTLM:
    case WINHTTP_AUTH_SCHEME_NEGOTIATE:
        if (c.from_app && !handshake_begin(r, t, &c, scheme)) return FALSE;
        break;
    default:
        return FALSE;       /* Passport: no logon (passport_challenge) */
    }
    if (!c.from_app) s->answering = scheme;
    return resend(r, scheme);
}

/* ---- lifetime ------------------------------------------------------------------------- */

void auth_begin_send(struct request *r)
{
    r->auth.automatic = 0;
    r->auth.resending = FALSE;
    r->conn_pinned = FALSE;
    for (int t = 0; t < AUTH_TARGETS; t++)
    {
        r->auth.target[t].stale_retried = FALSE;
        r->auth.target[t].default_refused = FALSE;
        handshake_reset(&r->auth.target[t]);
    }
}

static void clear_challenge(struct auth_target_state *s)
{
    handshake_reset(s);
    heap_free(s->digest);
    s->digest = NULL;
    s->offered = 0;
    s->answering = 0;
    s->basic_cached = FALSE;
    s->nonce_count = 0;
}

void auth_clear_app_credentials(struct auth_target_state *s)
{
    if (s->app_user) SecureZeroMemory(s->app_user, lstrlenW(s->app_user) * sizeof(WCHAR));
    if (s->app_password) SecureZeroMemory(s->app_password, lstrlenW(s->app_password) * sizeof(WCHAR));
    heap_free(s->app_user);
    heap_free(s->app_password);
    s->app_user = s->app_password = NULL;
    s->app_scheme = 0;
}

void auth_left_origin(struct request *r)
{
    struct auth_target_state *s = &r->auth.target[AUTH_SERVER];

    TRACE("credentials for the server dropped\n");
    auth_clear_app_credentials(s);
    clear_challenge(s);
    r->auth.options_dropped = TRUE;
}

void auth_free(struct auth_state *state)
{
    for (int t = 0; t < AUTH_TARGETS; t++)
    {
        auth_clear_app_credentials(&state->target[t]);
        clear_challenge(&state->target[t]);
        heap_free(state->target[t].spn_used);
    }
}
