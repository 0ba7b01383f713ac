/* NTLM and Negotiate (RFC 4559) through SSPI: the platform does the
 * cryptography (secur32's InitializeSecurityContextW; under Wine, winbind's
 * ntlm_auth for NTLM and the host's Kerberos for Negotiate).  A handshake
 * is one security context: each leg turns the server's token (none on the
 * first) into the header value to send. */
#ifndef WINHTTP_AUTH_SSPI_H
#define WINHTTP_AUTH_SSPI_H

#include "winhttp_private.h"

struct sspi_handshake;

/* A context for scheme (WINHTTP_AUTH_SCHEME_NTLM or _NEGOTIATE) with the
 * credentials user ("DOMAIN\user", "user@realm" or "user") and password,
 * or the logged-on user's when user is NULL; spn names the server to
 * Kerberos ("HTTP/host").  Fails with ERROR_WINHTTP_LOGIN_FAILURE when the
 * platform has no such package or refuses the credentials. */
DWORD sspi_start(DWORD scheme, const WCHAR *user, const WCHAR *password, const WCHAR *spn,
                 struct sspi_handshake **out);
/* One leg: the server's base64 token (len 0 on the first leg) in, the
 * header value ("NTLM <base64>", malloc'd) out.  *value is NULL when the
 * context is complete and nothing more is to be sent. */
DWORD sspi_step(struct sspi_handshake *handshake, const char *token, size_t len, char **value);
/* Whether the last step completed the context on our side. */
BOOL sspi_complete(const struct sspi_handshake *handshake);
void sspi_free(struct sspi_handshake *handshake);

#endif
