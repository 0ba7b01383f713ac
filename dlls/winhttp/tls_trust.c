/* Trust in a server's certificate, decided by CryptoAPI: the chain is built
 * against the Windows (or Wine prefix) root store with
 * CertGetCertificateChain, and the name checked with the SSL policy, so the
 * caller's SECURITY_FLAG_IGNORE_* flags excuse exactly what they excuse for
 * native winhttp. */
#include "tls.h"

#define TRUST_SLOTS   32
#define TRUST_SECONDS 60
#define FILETIME_SECOND 10000000ull

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

/* ---- asking CryptoAPI --------------------------------------------------------------- */

static HCERTSTORE store_of(const struct sent_chain *sent, PCCERT_CONTEXT *leaf)
{
    HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, CERT_STORE_CREATE_NEW_FLAG, NULL);
    const BYTE *der = sent->der;

    *leaf = NULL;
    if (!store) return NULL;
    for (DWORD i = 0; i < sent->count; der += sent->lengths[i++])
        CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, der, sent->lengths[i], CERT_STORE_ADD_ALWAYS,
                                         i ? NULL : leaf);
    if (!*leaf)
    {
        CertCloseStore(store, 0);
        return NULL;
    }
    return store;
}

/* The chain's problems before any flag excuses them; *leaf and *chain get
 * what CryptoAPI made of it (*chain NULL when it could not build one).
 * config->chain_flags are the CertGetCertificateChain flags the CHAIN_BUILD
 * options asked for (no network retrieval, no AIA, revocation from the
 * cache only).  A revocation server that cannot be reached is no failure
 * under WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE. */
static DWORD check_chain(const struct sent_chain *sent, const struct tls_config *config, PCCERT_CONTEXT *leaf,
                         PCCERT_CHAIN_CONTEXT *chain)
{
    static const char *server_auth[] = { szOID_PKIX_KP_SERVER_AUTH };
    CERT_CHAIN_PARA para = { sizeof(para) };
    DWORD flags = config->chain_flags, failure, status;
    HANDLE token = NULL;
    HCERTSTORE store;
    BOOL built;

    if (config->check_revocation) flags |= CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT;
    if (!(store = store_of(sent, leaf))) return WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
    para.RequestedUsage.dwType = USAGE_MATCH_TYPE_AND;
    para.RequestedUsage.Usage.cUsageIdentifier = 1;
    para.RequestedUsage.Usage.rgpszUsageIdentifier = (char **)server_auth;
    /* REVERT_IMPERSONATION_SERVER_CERT: the chain is built with the
     * process's token, the thread's impersonation put back afterwards */
    if (config->revert_impersonation && OpenThreadToken(GetCurrentThread(), TOKEN_IMPERSONATE, TRUE, &token))
    {
        TRACE("building the chain without impersonation\n");
        if (!RevertToSelf())
        {
            CloseHandle(token);
            token = NULL;
        }
    }
    /* the contexts keep the store alive after it is closed here */
    built = CertGetCertificateChain(NULL, *leaf, NULL, store, &para, flags, NULL, chain);
    if (!built) WARN("CertGetCertificateChain failed: %lu\n", GetLastError());
    CertCloseStore(store, 0);
    if (built)
    {
        failure = chain_failures(*chain);
        status = (*chain)->TrustStatus.dwErrorStatus;
        if (config->ignore_revocation_offline && (status & CERT_TRUST_IS_OFFLINE_REVOCATION) &&
            !(status & CERT_TRUST_IS_REVOKED))
            failure &= ~WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED;
        if (!name_matches(*chain, config->host)) failure |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID;
        TRACE("%s: chain flags %#lx, trust status %#lx, failures %#lx\n", debugstr_w(config->host), flags, status,
              failure);
    }
    if (token)
    {
        SetThreadToken(NULL, token);
        CloseHandle(token);
    }
    if (built) return failure;
    *chain = NULL;
    return WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
}

/* ---- the trust cache ------------------------------------------------------------- */

/* Building a chain costs milliseconds under Wine, more than all the rest
 * of a full handshake.  So what CryptoAPI decided for the chain a server
 * sent is kept for a while, per host name, as Windows' chain engine keeps
 * end certificates' chains itself (CERT_CHAIN_CACHE_END_CERT): only the
 * problems found, before the caller's flags excuse any, and never past the
 * earliest expiry in the chain.  Revocation is never answered from here:
 * CryptoAPI keeps CRLs as long as they say. */
struct trust_entry
{
    BYTE *certs;                /* the DER certificates as sent, one after another */
    DWORD size;
    WCHAR host[256];
    DWORD chain_flags;          /* what it was built with */
    ULONGLONG expires;          /* as a FILETIME */
    DWORD failure;
    PCCERT_CONTEXT leaf;
    PCCERT_CHAIN_CONTEXT chain;
};

static SRWLOCK trust_lock = SRWLOCK_INIT;
static struct trust_entry trust[TRUST_SLOTS];
static unsigned int trust_next;     /* the slot to replace next */

static ULONGLONG now(void)
{
    FILETIME ft;

    GetSystemTimeAsFileTime(&ft);
    return ((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
}

static ULONGLONG filetime_value(const FILETIME *ft)
{
    return ((ULONGLONG)ft->dwHighDateTime << 32) | ft->dwLowDateTime;
}

static void entry_clear(struct trust_entry *entry)
{
    heap_free(entry->certs);
    if (entry->leaf) CertFreeCertificateContext(entry->leaf);
    if (entry->chain) CertFreeCertificateChain(entry->chain);
    memset(entry, 0, sizeof(*entry));
}

static BOOL trust_lookup(const BYTE *certs, DWORD size, const WCHAR *host, DWORD chain_flags, DWORD *failure,
                         PCCERT_CONTEXT *leaf, PCCERT_CHAIN_CONTEXT *chain)
{
    ULONGLONG time = now();
    BOOL found = FALSE;

    AcquireSRWLockShared(&trust_lock);
    for (int i = 0; i < TRUST_SLOTS && !found; i++)
    {
        const struct trust_entry *entry = &trust[i];

        if (entry->size != size || time >= entry->expires || entry->chain_flags != chain_flags ||
            wcsicmp(entry->host, host) ||
            memcmp(entry->certs, certs, size))
            continue;
        *failure = entry->failure;
        *leaf = CertDuplicateCertificateContext(entry->leaf);
        *chain = CertDuplicateCertificateChain(entry->chain);
        found = TRUE;
    }
    ReleaseSRWLockShared(&trust_lock);
    return found;
}

/* Keeps a copy of the certificates and references of its own to leaf and chain. */
static void trust_store(const BYTE *der, DWORD size, const WCHAR *host, DWORD chain_flags, DWORD failure,
                        PCCERT_CONTEXT leaf, PCCERT_CHAIN_CONTEXT chain)
{
    const CERT_SIMPLE_CHAIN *simple = chain->rgpChain[0];
    ULONGLONG expires = now() + TRUST_SECONDS * FILETIME_SECOND;
    struct trust_entry *entry;
    BYTE *certs;

    if (wcslen(host) >= ARRAY_SIZE(entry->host) || !(certs = heap_alloc(size))) return;
    memcpy(certs, der, size);
    for (DWORD i = 0; i < simple->cElement; i++)
        expires = min(expires, filetime_value(&simple->rgpElement[i]->pCertContext->pCertInfo->NotAfter));
    AcquireSRWLockExclusive(&trust_lock);
    entry = &trust[trust_next++ % TRUST_SLOTS];
    entry_clear(entry);
    entry->certs = certs;
    entry->size = size;
    wcscpy(entry->host, host);
    entry->chain_flags = chain_flags;
    entry->expires = expires;
    entry->failure = failure;
    entry->leaf = CertDuplicateCertificateContext(leaf);
    entry->chain = CertDuplicateCertificateChain(chain);
    ReleaseSRWLockExclusive(&trust_lock);
}

void tls_trust_unload(void)
{
    for (int i = 0; i < TRUST_SLOTS; i++) entry_clear(&trust[i]);
}

/* ---- the decision --------------------------------------------------------------- */

DWORD tls_verify_chain(const struct sent_chain *sent, const struct tls_config *config, DWORD *failure,
                       PCCERT_CONTEXT *leaf, PCCERT_CHAIN_CONTEXT *chain)
{
    /* revocation is never answered from the cache, nor is a chain whose
     * building the caller wants done as the process */
    BOOL cached = !config->check_revocation && !config->revert_impersonation;

    *leaf = NULL;
    *chain = NULL;
    if (!sent->count) *failure = WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
    else if (cached && trust_lookup(sent->der, sent->size, config->host, config->chain_flags, failure, leaf, chain))
        TRACE("%s: failures %#lx, as decided before\n", debugstr_w(config->host), *failure);
    else
    {
        *failure = check_chain(sent, config, leaf, chain);
        if (cached && *chain)
            trust_store(sent->der, sent->size, config->host, config->chain_flags, *failure, *leaf, *chain);
    }
    if (!*leaf)     /* nothing to trust at all: no flag excuses that */
    {
        *failure = WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
        return ERROR_WINHTTP_SECURE_INVALID_CERT;
    }
    *failure = excused(*failure, config->security_flags);
    TRACE("flags %#lx: failures %#lx\n", config->security_flags, *failure);
    return failure_error(*failure);
}
