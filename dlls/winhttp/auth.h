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
 * NTLM and Negotiate are multi-leg and pinned to one connection: they
 * take their own branch where credentials become a header value
 * (credentials_value in auth_state.c: SSPI contexts kept per target, the
 * connection pinned until the handshake ends); until then a send that
 * would have to answer them fails with ERROR_CALL_NOT_IMPLEMENTED and a
 * FIXME.
 */
#ifndef WINHTTP_AUTH_H
#define WINHTTP_AUTH_H

#include "winhttp_private.h"
#include "auth_digest.h"

enum auth_target { AUTH_SERVER, AUTH_PROXY, AUTH_TARGETS };

/* Automatic resends one WinHttpSendRequest may make for challenges, all
 * targets together: a guard beyond the "each credential once" rule. */
#define AUTH_MAX_AUTOMATIC 4

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
/* A redirect to another origin: the server's credentials are dropped. */
void auth_left_origin(struct request *request);
void auth_free(struct auth_state *state);

/* WinHttpSetCredentials' storage. */
void auth_clear_app_credentials(struct auth_target_state *target);

/* The challenges of a response's WWW-Authenticate or Proxy-Authenticate
 * lines: *text (heap, free it after the list) holds what the list points
 * into.  Out of memory gives an empty list. */
void auth_read_challenges(const struct header_list *headers, const WCHAR *name, struct auth_challenges *list,
                          char **text);
/* WINHTTP_AUTH_SCHEME_* a challenge names, or 0. */
DWORD auth_scheme_flag(const struct auth_challenge *challenge);

#endif
