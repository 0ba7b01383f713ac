/* A request's authentication: the credentials it was given and the
 * challenges it is answering, for the server and for the proxy.
 *
 * auth.c holds the APIs (WinHttpQueryAuthSchemes, WinHttpSetCredentials);
 * auth_state.c answers challenges for the state machine in send.c:
 *   - every send writes the Authorization / Proxy-Authorization a target's
 *     credentials call for (Basic at once; Digest once a challenge is at
 *     hand, RFC 7616); a CONNECT to a proxy carries the proxy's;
 *   - a 401/407 is answered without the application when credentials are
 *     at hand that were not sent yet: WinHttpSetCredentials' first, else
 *     the USERNAME/PASSWORD (PROXY_USERNAME/PASSWORD) options; credentials
 *     rejected once go back to the application as the 401/407, except a
 *     Digest nonce the server calls stale, answered once more; so a server
 *     that challenges forever costs a bounded number of resends;
 *   - credentials for the server are dropped when a redirect leaves its
 *     origin.
 * NTLM and Negotiate (auth_handshake.c) are connection-based: the first
 * leg answers a challenge that names the scheme, each 401/407 carrying a
 * token is answered by the next leg on the same connection (pinned,
 * request_conn.c), and once the server takes the last leg the connection
 * is logged in as that user: the pool gives it only to requests that
 * would log in as the same one.  Without credentials of the application's
 * or the options', the logged-on user's (default credentials) answer when
 * WINHTTP_OPTION_AUTOLOGON_POLICY allows it for the target (see
 * auth_default_allowed).
 */
#ifndef WINHTTP_AUTH_H
#define WINHTTP_AUTH_H

#include "winhttp_private.h"
#include "auth_digest.h"

enum auth_target { AUTH_SERVER, AUTH_PROXY, AUTH_TARGETS };

/* Automatic resends one WinHttpSendRequest may make for challenges, all
 * targets together (an NTLM logon to the proxy and then to the server
 * takes four): a guard beyond the "each credential once" rule. */
#define AUTH_MAX_AUTOMATIC 8

struct auth_target_state
{
    DWORD app_scheme;           /* WinHttpSetCredentials' scheme, or 0 */
    WCHAR *app_user, *app_password;     /* NULL with NTLM/Negotiate: default credentials */
    DWORD offered;              /* WINHTTP_AUTH_SCHEME_* of the last challenge */
    DWORD answering;            /* the scheme the options' credentials answer, or 0 */
    struct digest_challenge *digest;    /* the last usable Digest challenge, or NULL */
    unsigned nonce_count;       /* requests answered with digest->nonce */
    BOOL basic_utf8;            /* the Basic challenge said charset="UTF-8" */
    BOOL sent;                  /* the last request carried credentials for this target */
    BOOL stale_retried;         /* a stale nonce was answered once already */
    BOOL basic_cached;          /* the options' Basic went unasked: the session's cache has it already */
    struct sspi_handshake *handshake;   /* NTLM/Negotiate: the context of the legs sent so far */
    DWORD handshake_scheme;
    WCHAR *handshake_user;      /* who it logs in as: auth_identity() */
    char *token;                /* the server's token for the next leg, or NULL */
    char *leg;                  /* the header value of the next leg to send, or NULL */
    BOOL default_refused;       /* the default credentials failed once: not tried again */
    WCHAR *spn_used;            /* WINHTTP_OPTION_SERVER_SPN_USED / PROXY_SPN_USED */
};

struct auth_state
{
    struct auth_target_state target[AUTH_TARGETS];
    BOOL options_dropped;       /* a redirect left the origin the options' credentials were for */
    BOOL resending;             /* the response is being drained for an automatic resend */
    unsigned automatic;         /* automatic resends in this WinHttpSendRequest */
};

struct request;
struct http_buf;
struct header_list;
struct logon;
struct sspi_handshake;

/* WinHttpSendRequest starts over. */
void auth_begin_send(struct request *request);
/* Appends the Authorization (and, in absolute form through a proxy,
 * Proxy-Authorization) header lines the credentials call for; after the
 * request line is in head. */
DWORD auth_write_headers(struct request *request, struct http_buf *head);
/* The Proxy-Authorization value for a CONNECT to authority ("host:port"),
 * malloc'd, or NULL in *value when none goes. */
DWORD auth_tunnel_header(struct request *request, const char *authority, char **value);
/* After a final response head: whether to answer its challenge by sending
 * again without the application (the state machine drains the body, then
 * resends). */
BOOL auth_wants_resend(struct request *request);
/* A final response head, before its body is read: connection-based
 * handshakes it ends are recorded on the connection. */
void auth_note_response(struct request *request);
/* A redirect to another origin: the server's credentials are dropped. */
void auth_left_origin(struct request *request);
void auth_free(struct auth_state *state);

/* Who the request would log in as with NTLM or Negotiate, for the pool
 * (connection_logon_fits): heap strings, freed by auth_logon_free. */
void auth_logon_wanted(struct request *request, struct logon *logon);
void auth_logon_free(struct logon *logon);

/* WinHttpSetCredentials' storage. */
void auth_clear_app_credentials(struct auth_target_state *target);

/* The challenges of a response's WWW-Authenticate or Proxy-Authenticate
 * lines: *text (heap, free it after the list) holds what the list points
 * into.  Out of memory gives an empty list. */
void auth_read_challenges(const struct header_list *headers, const WCHAR *name, struct auth_challenges *list,
                          char **text);
/* WINHTTP_AUTH_SCHEME_* a challenge names, or 0. */
DWORD auth_scheme_flag(const struct auth_challenge *challenge);

/* ---- inside auth (auth_state.c, auth_handshake.c) ---------------------------------- */

/* The credentials a target answers with now. */
struct credentials
{
    DWORD scheme;               /* the application's choice; for the options', the one answering */
    const WCHAR *user, *password;       /* user NULL: the logged-on user's (default credentials) */
    BOOL from_app;
    BOOL is_default;            /* chosen by the autologon policy, not given */
};

#define AUTH_CONNECTION_SCHEMES (WINHTTP_AUTH_SCHEME_NTLM | WINHTTP_AUTH_SCHEME_NEGOTIATE)

BOOL auth_get_credentials(struct request *request, enum auth_target target, struct credentials *credentials);
/* Who credentials are, for the pool's logged-in connections and the
 * session's Basic cache: L"" for the logged-on user's, else the user name
 * and a SHA-256 of the password, so that what one password earned never
 * serves another (heap string; NULL when out of memory). */
WCHAR *auth_identity(const struct credentials *credentials);
/* Whether the autologon policy lets the logged-on user's credentials
 * answer the target without being asked. */
BOOL auth_default_allowed(struct request *request, enum auth_target target);
/* A handshake context for the credentials (a failure leaves none, and is
 * remembered for default credentials). */
BOOL handshake_begin(struct request *request, enum auth_target target, const struct credentials *credentials,
                     DWORD scheme);
/* The header value of the next leg, or none. */
DWORD handshake_value(struct request *request, enum auth_target target, const struct credentials *credentials,
                      char **value);
/* A 401/407 to a leg sent: whether it carries the token of a next leg. */
BOOL handshake_continues(struct request *request, enum auth_target target);
/* A final response: handshakes the response does not challenge again
 * succeeded, and the connection is logged in. */
void handshake_outcome(struct request *request);
/* The server's token for the handshake, from its challenge. */
void handshake_note_token(struct auth_target_state *state, const struct auth_challenge *challenge);
void handshake_reset(struct auth_target_state *state);

#endif
