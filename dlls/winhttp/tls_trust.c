/* Trust in a server's certificate, decided by CryptoAPI: the chain is built
 * against the Windows (or Wine prefix) root store with
 * CertGetCertificateChain, and the name checked with the SSL policy, so the
 * caller's SECURITY_FLAG_IGNORE_* flags excuse exactly what they excuse for
 * native winhttp. */
#include "tls.h"

/* The chain's problems as WINHTTP_CALLBACK_STATUS_FLAG_* bits. */
static DWORD chain_failures(const CERT_CHAIN_CONTEXT *chain)
{
    DWORD status = chain->TrustStatus.dwErrorStatus, failure = 0;

    if (status & (CERT_TRUST_IS_UNTRUSTED_ROOT | CERT_TRUST_IS_PARTIAL_CHAIN))
        failure |= WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA;
    if (status & CERT_TRUST_IS_NOT_TIME_VALID) failure |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID;
    if (status & CERT_TRUST_IS_REVOKED) failure |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED;
    if (status & (CERT_TRUST_REVOCATION_STATUS_UNKNOWN | CERT_TRUST_IS_OFFLINE_REVOCATION))
        failure |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED;
    if (status & CERT_TRUST_IS_NOT_VALID_FOR_USAGE) failure |= WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
    if (status & (CERT_TRUST_IS_NOT_SIGNATURE_VALID | CERT_TRUST_IS_CYCLIC | CERT_TRUST_INVALID_EXTENSION |
                  CERT_TRUST_INVALID_BASIC_CONSTRAINTS | CERT_TRUST_INVALID_NAME_CONSTRAINTS))
        failure |= WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
    return failure;
}

/* The SSL policy with every check but the name switched off. */
static BOOL name_matches(const CERT_CHAIN_CONTEXT *chain, const WCHAR *host)
{
    SSL_EXTRA_CERT_CHAIN_POLICY_PARA ssl = { { sizeof(ssl) } };
    CERT_CHAIN_POLICY_PARA para = { sizeof(para) };
    CERT_CHAIN_POLICY_STATUS status = { sizeof(status) };

    ssl.dwAuthType = AUTHTYPE_SERVER;
    ssl.fdwChecks = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID |
                    SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE | 0x80 /* SECURITY_FLAG_IGNORE_REVOCATION */;
    ssl.pwszServerName = (WCHAR *)host;
    para.dwFlags = CERT_CHAIN_POLICY_IGNORE_ALL_NOT_TIME_VALID_FLAGS | CERT_CHAIN_POLICY_ALLOW_UNKNOWN_CA_FLAG |
                   CERT_CHAIN_POLICY_IGNORE_WRONG_USAGE_FLAG | CERT_CHAIN_POLICY_IGNORE_ALL_REV_UNKNOWN_FLAGS;
    para.pvExtraPolicyPara = &ssl;
    if (!CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, chain, &para, &status)) return FALSE;
    return status.dwError != (DWORD)CERT_E_CN_NO_MATCH;
}

/* What the caller's SECURITY_FLAG_IGNORE_* flags excuse. */
static DWORD excused(DWORD failure, DWORD flags)
{
    if (flags & SECURITY_FLAG_IGNORE_UNKNOWN_CA) failure &= ~WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA;
    if (flags & SECURITY_FLAG_IGNORE_CERT_DATE_INVALID) failure &= ~WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID;
    if (flags & SECURITY_FLAG_IGNORE_CERT_CN_INVALID) failure &= ~WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID;
    if (flags & SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE) failure &= ~WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
    return failure;
}

/* One problem has its own error; several are ERROR_WINHTTP_SECURE_FAILURE,
 * with the details in the SECURE_FAILURE callback. */
static DWORD failure_error(DWORD failure)
{
    switch (failure)
    {
    case 0:                                                return ERROR_SUCCESS;
    case WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA:          return ERROR_WINHTTP_SECURE_INVALID_CA;
    case WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID:   return ERROR_WINHTTP_SECURE_CERT_DATE_INVALID;
    case WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID:     return ERROR_WINHTTP_SECURE_CERT_CN_INVALID;
    case WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED:        return ERROR_WINHTTP_SECURE_CERT_REVOKED;
    case WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED:     return ERROR_WINHTTP_SECURE_CERT_REV_FAILED;
    case WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT:        return ERROR_WINHTTP_SECURE_INVALID_CERT;
    default:                                               return ERROR_WINHTTP_SECURE_FAILURE;
    }
}

static HCERTSTORE store_of(const BYTE *const *certs, const DWORD *lengths, DWORD count, PCCERT_CONTEXT *leaf)
{
    HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, CERT_STORE_CREATE_NEW_FLAG, NULL);

    *leaf = NULL;
    if (!store) return NULL;
    for (DWORD i = 0; i < count; i++)
        CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, certs[i], lengths[i], CERT_STORE_ADD_ALWAYS,
                                         i ? NULL : leaf);
    if (!*leaf)
    {
        CertCloseStore(store, 0);
        return NULL;
    }
    return store;
}

DWORD tls_verify_chain(const BYTE *const *certs, const DWORD *lengths, DWORD count, const WCHAR *host,
                       DWORD security_flags, BOOL check_revocation, DWORD *failure, PCCERT_CONTEXT *leaf)
{
    static const char *server_auth[] = { szOID_PKIX_KP_SERVER_AUTH };
    CERT_CHAIN_PARA para = { sizeof(para) };
    const CERT_CHAIN_CONTEXT *chain;
    HCERTSTORE store;
    DWORD flags = check_revocation ? CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT : 0;

    *failure = 0;
    if (!count || !(store = store_of(certs, lengths, count, leaf)))
    {
        *failure = WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
        return ERROR_WINHTTP_SECURE_INVALID_CERT;
    }
    para.RequestedUsage.dwType = USAGE_MATCH_TYPE_AND;
    para.RequestedUsage.Usage.cUsageIdentifier = 1;
    para.RequestedUsage.Usage.rgpszUsageIdentifier = (char **)server_auth;
    if (!CertGetCertificateChain(NULL, *leaf, NULL, store, &para, flags, NULL, &chain))
    {
        WARN("CertGetCertificateChain failed: %lu\n", GetLastError());
        CertCloseStore(store, 0);
        *failure = WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
        return ERROR_WINHTTP_SECURE_INVALID_CERT;
    }
    *failure = chain_failures(chain);
    if (!name_matches(chain, host)) *failure |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID;
    TRACE("%s: trust status %#lx, failures %#lx, flags %#lx\n", debugstr_w(host),
          chain->TrustStatus.dwErrorStatus, *failure, security_flags);
    CertFreeCertificateChain(chain);
    CertCloseStore(store, 0);
    *failure = excused(*failure, security_flags);
    return failure_error(*failure);
}
