/* NTLM and Negotiate through SSPI: see auth_sspi.h.  Nothing here traces a
 * credential or a token. */
#include <stdlib.h>

#define SECURITY_WIN32
#include "winhttp_private.h"
#include <sspi.h>

#include "auth_sspi.h"
#include "auth_base64.h"

struct sspi_handshake
{
    DWORD scheme;
    CredHandle credentials;
    CtxtHandle context;
    BOOL have_context;
    BOOL complete;
    ULONG max_token;
    WCHAR *spn;
};

static const WCHAR *package_name(DWORD scheme)
{
    return scheme == WINHTTP_AUTH_SCHEME_NTLM ? L"NTLM" : L"Negotiate";
}

/* "DOMAIN\user" splits into its parts, and for Negotiate "user@realm"
 * too: Wine's Kerberos names the principal User@Domain, so a whole UPN in
 * User would become "user@realm@"; Windows takes either form.  NTLM gets a
 * UPN whole, as Windows documents it. */
static void fill_identity(SEC_WINNT_AUTH_IDENTITY_W *id, DWORD scheme, const WCHAR *user, const WCHAR *password)
{
    const WCHAR *slash = wcschr(user, '\\'), *at = wcsrchr(user, '@');

    memset(id, 0, sizeof(*id));
    id->Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    id->User = (unsigned short *)user;
    id->UserLength = lstrlenW(user);
    if (slash)
    {
        id->Domain = (unsigned short *)user;
        id->DomainLength = (ULONG)(slash - user);
        id->User = (unsigned short *)(slash + 1);
        id->UserLength = lstrlenW(slash + 1);
    }
    else if (at && at > user && at[1] && scheme == WINHTTP_AUTH_SCHEME_NEGOTIATE)
    {
        id->UserLength = (ULONG)(at - user);
        id->Domain = (unsigned short *)(at + 1);
        id->DomainLength = lstrlenW(at + 1);
    }
    id->Password = (unsigned short *)password;
    id->PasswordLength = password ? lstrlenW(password) : 0;
}

DWORD sspi_start(DWORD scheme, const WCHAR *user, const WCHAR *password, const WCHAR *spn,
                 struct sspi_handshake **out)
{
    struct sspi_handshake *h;
    SEC_WINNT_AUTH_IDENTITY_W identity;
    SecPkgInfoW *info;
    SECURITY_STATUS status;
    TimeStamp expiry;

    *out = NULL;
    if (!(h = heap_alloc_zero(sizeof(*h))) || !(h->spn = strdupW(spn)))
    {
        heap_free(h);
        return ERROR_OUTOFMEMORY;
    }
    h->scheme = scheme;
    status = QuerySecurityPackageInfoW((WCHAR *)package_name(scheme), &info);
    if (status != SEC_E_OK)
    {
        WARN("no %s security package (%#lx)\n", debugstr_w(package_name(scheme)), (ULONG)status);
        heap_free(h->spn);
        heap_free(h);
        return ERROR_WINHTTP_LOGIN_FAILURE;
    }
    h->max_token = info->cbMaxToken;
    FreeContextBuffer(info);
    if (user) fill_identity(&identity, scheme, user, password);
    status = AcquireCredentialsHandleW(NULL, (WCHAR *)package_name(scheme), SECPKG_CRED_OUTBOUND, NULL,
                                       user ? &identity : NULL, NULL, NULL, &h->credentials, &expiry);
    if (status != SEC_E_OK)
    {
        WARN("no %s credentials (%#lx)\n", debugstr_w(package_name(scheme)), (ULONG)status);
        heap_free(h->spn);
        heap_free(h);
        return ERROR_WINHTTP_LOGIN_FAILURE;
    }
    TRACE("%s handshake for %s with %s credentials\n", debugstr_w(package_name(scheme)), debugstr_w(spn),
          user ? "explicit" : "the default");
    *out = h;
    return ERROR_SUCCESS;
}

DWORD sspi_step(struct sspi_handshake *h, const char *token, size_t len, char **value)
{
    SecBuffer in_buf = { 0, SECBUFFER_TOKEN, NULL }, out_buf = { h->max_token, SECBUFFER_TOKEN, NULL };
    SecBufferDesc in_desc = { SECBUFFER_VERSION, 1, &in_buf }, out_desc = { SECBUFFER_VERSION, 1, &out_buf };
    unsigned char *input = NULL;
    size_t input_len = 0;
    ULONG attributes;
    SECURITY_STATUS status;
    TimeStamp expiry;

    *value = NULL;
    if (len && base64_decode(token, len, &input, &input_len))
    {
        WARN("the server's token is not base64\n");
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    }
    if (h->have_context && !input_len)
    {
        free(input);
        return ERROR_WINHTTP_LOGIN_FAILURE;    /* a leg without the token it needs */
    }
    if (input_len > ULONG_MAX || !(out_buf.pvBuffer = heap_alloc(h->max_token)))
    {
        free(input);
        return ERROR_OUTOFMEMORY;
    }
    in_buf.pvBuffer = input;
    in_buf.cbBuffer = (ULONG)input_len;
    status = InitializeSecurityContextW(&h->credentials, h->have_context ? &h->context : NULL, h->spn,
                                        ISC_REQ_CONNECTION, 0, SECURITY_NETWORK_DREP,
                                        input_len ? &in_desc : NULL, 0, &h->context, &out_desc, &attributes, &expiry);
    free(input);
    if (status != SEC_E_OK && status != SEC_I_CONTINUE_NEEDED)
    {
        WARN("InitializeSecurityContext failed (%#lx)\n", (ULONG)status);
        heap_free(out_buf.pvBuffer);
        return ERROR_WINHTTP_LOGIN_FAILURE;
    }
    h->have_context = TRUE;
    h->complete = status == SEC_E_OK;
    if (out_buf.cbBuffer)
    {
        *value = base64_encode(h->scheme == WINHTTP_AUTH_SCHEME_NTLM ? "NTLM " : "Negotiate ", out_buf.pvBuffer,
                               out_buf.cbBuffer);
        if (!*value)
        {
            heap_free(out_buf.pvBuffer);
            return ERROR_OUTOFMEMORY;
        }
    }
    heap_free(out_buf.pvBuffer);
    return ERROR_SUCCESS;
}

BOOL sspi_complete(const struct sspi_handshake *h)
{
    return h->complete;
}

void sspi_free(struct sspi_handshake *h)
{
    if (!h) return;
    if (h->have_context) DeleteSecurityContext(&h->context);
    FreeCredentialsHandle(&h->credentials);
    heap_free(h->spn);
    heap_free(h);
}
