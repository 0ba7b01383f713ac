/* Client certificates for the TLS stream: the caller's PCCERT_CONTEXT as
 * OpenSSL's X509 and an EVP_PKEY whose private-key operations are done by
 * CryptoAPI or CNG, so that the private key never leaves them (it may not
 * be exportable, or live on a smart card).
 *
 * The hook is a legacy RSA_METHOD rather than a provider: OpenSSL 3.0 keeps
 * an RSA key whose method is not its default on the legacy code path (a
 * "foreign" key, as engines make them), where RSA_sign hands the method the
 * digest and its type, which is exactly what CryptSignHash and
 * NCryptSignHash want.  A provider would need a key manager, a signature
 * implementation and their dispatch tables for the same result.
 *
 * What each kind of key can do:
 *   - a CryptoAPI key signs PKCS#1 v1.5 only (CryptSignHash has no PSS), so
 *     TLS 1.3, whose CertificateVerify requires RSA-PSS, is out of reach
 *     (native Schannel negotiates TLS 1.2 with such keys too).  Wine 8's
 *     PFXImportCertStore gives such a key, in the "Enhanced" provider that
 *     knows no SHA-2: SHA-2 hashes are signed through the AES provider on
 *     the same key container.
 *   - a CNG key signs PKCS#1 v1.5 and RSA-PSS with NCryptSignHash.  PSS
 *     reaches the RSA_METHOD already padded, so it is caught earlier, in an
 *     EVP_PKEY_METHOD (see "RSA-PSS through NCryptSignHash"); without that
 *     method, a raw private operation (NCryptDecrypt without padding) when
 *     the key allows decryption.
 * Only RSA keys are supported. */
/* the legacy RSA_METHOD interface is deprecated in 3.0, and still what
 * OpenSSL itself uses for foreign keys */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/ssl.h>
#include <openssl/rsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/objects.h>
#include <openssl/core_names.h>

#include "tls.h"
#include <ncrypt.h>

struct client_key
{
    PCCERT_CONTEXT cert;        /* a cached key handle lives as long as its certificate */
    NCRYPT_KEY_HANDLE ncrypt;   /* a CNG key, or */
    HCRYPTPROV prov;            /* a CryptoAPI key's provider */
    HCRYPTPROV aes_prov;        /* the same container in the AES provider (SHA-2), or 0 */
    DWORD spec;                 /* AT_KEYEXCHANGE or AT_SIGNATURE */
    BOOL owned;                 /* ncrypt/prov are ours to free (not cached by crypt32) */
};

static INIT_ONCE method_once = INIT_ONCE_STATIC_INIT;
static RSA_METHOD *rsa_method;
static int key_index = -1;

static void client_key_free(struct client_key *key)
{
    if (!key) return;
    if (key->aes_prov) CryptReleaseContext(key->aes_prov, 0);
    if (key->owned && key->ncrypt) NCryptFreeObject(key->ncrypt);
    if (key->owned && key->prov) CryptReleaseContext(key->prov, 0);
    CertFreeCertificateContext(key->cert);
    heap_free(key);
}

/* ---- signing ------------------------------------------------------------------------ */

struct digest
{
    int nid;
    ALG_ID capi;
    const WCHAR *cng;           /* NULL: no DigestInfo (TLS 1.0/1.1's MD5+SHA-1) */
};

static const struct digest digests[] =
{
    { NID_sha1, CALG_SHA1, BCRYPT_SHA1_ALGORITHM },
    { NID_sha256, CALG_SHA_256, BCRYPT_SHA256_ALGORITHM },
    { NID_sha384, CALG_SHA_384, BCRYPT_SHA384_ALGORITHM },
    { NID_sha512, CALG_SHA_512, BCRYPT_SHA512_ALGORITHM },
    { NID_md5_sha1, CALG_SSL3_SHAMD5, NULL },
};

static const struct digest *find_digest(int nid)
{
    for (size_t i = 0; i < ARRAY_SIZE(digests); i++)
        if (digests[i].nid == nid) return &digests[i];
    return NULL;
}

/* HP_HASHVAL takes the hash at the algorithm's own length. */
static BOOL capi_sign_with(HCRYPTPROV prov, DWORD spec, ALG_ID alg, const BYTE *hash, BYTE *out, DWORD *size)
{
    HCRYPTHASH h;
    BOOL ret;

    if (!prov || !CryptCreateHash(prov, alg, 0, 0, &h)) return FALSE;
    ret = CryptSetHashParam(h, HP_HASHVAL, hash, 0) && CryptSignHashW(h, spec, NULL, 0, out, size);
    CryptDestroyHash(h);
    return ret;
}

/* CryptSignHash writes the signature little-endian; TLS wants it big-endian. */
static int capi_sign(struct client_key *key, const struct digest *digest, const BYTE *hash, DWORD hash_size,
                     BYTE *out, DWORD size)
{
    DWORD done = size;

    if (!capi_sign_with(key->prov, key->spec, digest->capi, hash, out, &done) &&
        (done = size, !capi_sign_with(key->aes_prov, key->spec, digest->capi, hash, out, &done)))
    {
        WARN("CryptSignHash failed: %#lx\n", GetLastError());
        return 0;
    }
    for (DWORD i = 0; i < done / 2; i++)
    {
        BYTE byte = out[i];
        out[i] = out[done - 1 - i];
        out[done - 1 - i] = byte;
    }
    return (int)done;
}

static int cng_sign(struct client_key *key, const struct digest *digest, const BYTE *hash, DWORD hash_size,
                    BYTE *out, DWORD size)
{
    BCRYPT_PKCS1_PADDING_INFO padding = { digest->cng };
    SECURITY_STATUS status;
    DWORD done = 0;

    if ((status = NCryptSignHash(key->ncrypt, &padding, (BYTE *)hash, hash_size, out, size, &done, BCRYPT_PAD_PKCS1)))
    {
        WARN("NCryptSignHash failed: %#lx\n", status);
        return 0;
    }
    return (int)done;
}

/* RSA_sign: PKCS#1 v1.5 over a digest of the given type. */
static int rsa_sign(int type, const unsigned char *hash, unsigned int hash_size, unsigned char *out,
                    unsigned int *out_size, const RSA *rsa)
{
    struct client_key *key = RSA_get_ex_data(rsa, key_index);
    const struct digest *digest = find_digest(type);
    int done;

    if (!key || !digest)
    {
        WARN("cannot sign digest %d\n", type);
        return 0;
    }
    done = key->ncrypt ? cng_sign(key, digest, hash, hash_size, out, RSA_size(rsa))
                       : capi_sign(key, digest, hash, hash_size, out, RSA_size(rsa));
    TRACE("digest %s: %d bytes\n", OBJ_nid2sn(type), done);
    if (done <= 0) return 0;
    *out_size = done;
    return 1;
}

/* The raw private operation, for RSA-PSS (OpenSSL has padded already): CNG
 * keys only. */
static int rsa_priv_enc(int size, const unsigned char *in, unsigned char *out, RSA *rsa, int padding)
{
    struct client_key *key = RSA_get_ex_data(rsa, key_index);
    SECURITY_STATUS status;
    DWORD done = 0;

    if (!key || !key->ncrypt || padding != RSA_NO_PADDING)
    {
        WARN("private operation with padding %d is not available for this key\n", padding);
        return -1;
    }
    if ((status = NCryptDecrypt(key->ncrypt, (BYTE *)in, size, NULL, out, RSA_size(rsa), &done,
                                NCRYPT_NO_PADDING_FLAG)))
    {
        WARN("NCryptDecrypt failed: %#lx\n", status);
        return -1;
    }
    return (int)done;
}

static int rsa_priv_dec(int size, const unsigned char *in, unsigned char *out, RSA *rsa, int padding)
{
    return -1;  /* a TLS client never decrypts with its key */
}

static int rsa_finish(RSA *rsa)
{
    int (*finish)(RSA *) = RSA_meth_get_finish(RSA_PKCS1_OpenSSL());

    client_key_free(RSA_get_ex_data(rsa, key_index));
    RSA_set_ex_data(rsa, key_index, NULL);
    return finish ? finish(rsa) : 1;
}

/* ---- RSA-PSS through NCryptSignHash ---------------------------------------------------- */

/* OpenSSL pads PSS itself before RSA_METHOD sees the data, so a CNG key
 * that cannot do a raw private operation (a sign-only key, or Wine 8's
 * ncrypt, whose NCryptDecrypt is a stub) could not sign PSS through the
 * RSA_METHOD.  An application EVP_PKEY_METHOD for RSA sees the digest and
 * the padding parameters first: PSS with one of our CNG keys goes to
 * NCryptSignHash(BCRYPT_PAD_PSS), everything else to OpenSSL's own. */
static EVP_PKEY_METHOD *pkey_method;
static int (*default_pkey_sign)(EVP_PKEY_CTX *, unsigned char *, size_t *, const unsigned char *, size_t);

static int cng_sign_pss(struct client_key *key, EVP_PKEY_CTX *ctx, unsigned char *sig, size_t *sig_size,
                        const unsigned char *hash, size_t hash_size)
{
    const EVP_MD *md = NULL, *mgf1 = NULL;
    const struct digest *digest = NULL;
    BCRYPT_PSS_PADDING_INFO padding;
    SECURITY_STATUS status;
    DWORD done = 0;
    int salt = 0;

    if (EVP_PKEY_CTX_get_signature_md(ctx, &md) > 0 && md && EVP_PKEY_CTX_get_rsa_mgf1_md(ctx, &mgf1) > 0 &&
        mgf1 && EVP_MD_get_type(mgf1) == EVP_MD_get_type(md) && EVP_PKEY_CTX_get_rsa_pss_saltlen(ctx, &salt) > 0)
        digest = find_digest(EVP_MD_get_type(md));
    /* CNG's PSS uses the digest for MGF1 too, and a fixed salt length (TLS:
     * the digest's length) */
    if (salt == RSA_PSS_SALTLEN_DIGEST && md) salt = EVP_MD_get_size(md);
    if (!digest || !digest->cng || salt < 0 || hash_size != (size_t)EVP_MD_get_size(md))
    {
        WARN("cannot sign this RSA-PSS variant (salt %d)\n", salt);
        return 0;
    }
    padding.pszAlgId = digest->cng;
    padding.cbSalt = salt;
    if ((status = NCryptSignHash(key->ncrypt, &padding, (BYTE *)hash, hash_size, sig, *sig_size, &done,
                                 BCRYPT_PAD_PSS)))
    {
        WARN("NCryptSignHash (PSS) failed: %#lx\n", status);
        return 0;
    }
    TRACE("PSS %s, salt %d: %lu bytes\n", OBJ_nid2sn(digest->nid), salt, done);
    *sig_size = done;
    return 1;
}

static int pkey_sign(EVP_PKEY_CTX *ctx, unsigned char *sig, size_t *sig_size, const unsigned char *tbs,
                     size_t tbs_size)
{
    EVP_PKEY *pkey = EVP_PKEY_CTX_get0_pkey(ctx);
    const RSA *rsa = pkey && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA ? EVP_PKEY_get0_RSA(pkey) : NULL;
    struct client_key *key = rsa && RSA_get_method(rsa) == rsa_method ? RSA_get_ex_data(rsa, key_index) : NULL;
    int padding = 0;

    if (sig && key && key->ncrypt && EVP_PKEY_CTX_get_rsa_padding(ctx, &padding) > 0 &&
        padding == RSA_PKCS1_PSS_PADDING)
        return cng_sign_pss(key, ctx, sig, sig_size, tbs, tbs_size);
    return default_pkey_sign(ctx, sig, sig_size, tbs, tbs_size);
}

static void create_pkey_method(void)
{
    const EVP_PKEY_METHOD *standard = EVP_PKEY_meth_find(EVP_PKEY_RSA);
    int (*sign_init)(EVP_PKEY_CTX *);
    EVP_PKEY_METHOD *method;
    int id, flags;

    if (!standard) return;
    EVP_PKEY_meth_get0_info(&id, &flags, standard);
    if (!(method = EVP_PKEY_meth_new(EVP_PKEY_RSA, flags))) return;
    EVP_PKEY_meth_copy(method, standard);
    EVP_PKEY_meth_get_sign(standard, &sign_init, &default_pkey_sign);
    EVP_PKEY_meth_set_sign(method, sign_init, pkey_sign);
    if (!default_pkey_sign || !EVP_PKEY_meth_add0(method))
    {
        EVP_PKEY_meth_free(method);
        return;
    }
    pkey_method = method;
}

static BOOL CALLBACK create_method(INIT_ONCE *once, void *param, void **unused)
{
    RSA_METHOD *method;

    if ((key_index = RSA_get_ex_new_index(0, NULL, NULL, NULL, NULL)) < 0) return TRUE;
    if (!(method = RSA_meth_dup(RSA_PKCS1_OpenSSL()))) return TRUE;
    if (!RSA_meth_set1_name(method, "winhttp CryptoAPI/CNG key") || !RSA_meth_set_sign(method, rsa_sign) ||
        !RSA_meth_set_priv_enc(method, rsa_priv_enc) || !RSA_meth_set_priv_dec(method, rsa_priv_dec) ||
        !RSA_meth_set_finish(method, rsa_finish))
    {
        RSA_meth_free(method);
        return TRUE;
    }
    rsa_method = method;
    create_pkey_method();
    return TRUE;
}

/* ---- the key -------------------------------------------------------------------------- */

/* Wine 8 reports a key spec of 3 for imported keys: ask the provider
 * which key the container has. */
static BOOL find_key_spec(HCRYPTPROV prov, DWORD *spec)
{
    DWORD specs[] = { *spec, AT_KEYEXCHANGE, AT_SIGNATURE };
    HCRYPTKEY key;

    for (size_t i = 0; i < ARRAY_SIZE(specs); i++)
    {
        if (specs[i] != AT_KEYEXCHANGE && specs[i] != AT_SIGNATURE) continue;
        if (!CryptGetUserKey(prov, specs[i], &key)) continue;
        CryptDestroyKey(key);
        *spec = specs[i];
        return TRUE;
    }
    return FALSE;
}

/* The key's container opened in the AES provider, which signs SHA-2
 * hashes that older provider types do not know. */
static HCRYPTPROV open_aes_provider(HCRYPTPROV prov)
{
    char container[512];
    DWORD size = sizeof(container), type = 0, keyset = 0;
    HCRYPTPROV aes = 0;

    size = sizeof(type);
    if (CryptGetProvParam(prov, PP_PROVTYPE, (BYTE *)&type, &size, 0) && type == PROV_RSA_AES) return 0;
    size = sizeof(container);
    if (!CryptGetProvParam(prov, PP_CONTAINER, (BYTE *)container, &size, 0)) return 0;
    size = sizeof(keyset);
    if (!CryptGetProvParam(prov, PP_KEYSET_TYPE, (BYTE *)&keyset, &size, 0)) keyset = 0;
    if (!CryptAcquireContextA(&aes, container, MS_ENH_RSA_AES_PROV_A, PROV_RSA_AES,
                              CRYPT_SILENT | (keyset & CRYPT_MACHINE_KEYSET)))
        return 0;
    return aes;
}

static BOOL cng_can_decrypt(NCRYPT_KEY_HANDLE key)
{
    DWORD usage = 0, size = 0;

    return !NCryptGetProperty(key, NCRYPT_KEY_USAGE_PROPERTY, (BYTE *)&usage, sizeof(usage), &size, 0) &&
           (usage & NCRYPT_ALLOW_DECRYPT_FLAG);
}

static DWORD acquire_key(PCCERT_CONTEXT cert, struct client_key **out, BOOL *pss)
{
    HCRYPTPROV_OR_NCRYPT_KEY_HANDLE handle = 0;
    struct client_key *key;
    BOOL must_free = FALSE;
    DWORD spec = 0;

    if (!CryptAcquireCertificatePrivateKey(cert, CRYPT_ACQUIRE_CACHE_FLAG | CRYPT_ACQUIRE_ALLOW_NCRYPT_KEY_FLAG |
                                           CRYPT_ACQUIRE_SILENT_FLAG, NULL, &handle, &spec, &must_free))
    {
        DWORD error = GetLastError();
        WARN("no private key: %#lx\n", error);
        return error == (DWORD)CRYPT_E_NO_KEY_PROPERTY || error == (DWORD)NTE_BAD_KEYSET
               ? ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY : ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY;
    }
    if (!(key = heap_alloc_zero(sizeof(*key))))
    {
        if (must_free && spec == CERT_NCRYPT_KEY_SPEC) NCryptFreeObject(handle);
        else if (must_free) CryptReleaseContext(handle, 0);
        return ERROR_OUTOFMEMORY;
    }
    key->cert = CertDuplicateCertificateContext(cert);
    key->owned = must_free;
    key->spec = spec;
    if (spec == CERT_NCRYPT_KEY_SPEC)
    {
        key->ncrypt = handle;
        *pss = pkey_method || cng_can_decrypt(handle);
    }
    else
    {
        key->prov = handle;
        *pss = FALSE;
        if (!find_key_spec(handle, &key->spec))
        {
            client_key_free(key);
            return ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY;
        }
        key->aes_prov = open_aes_provider(handle);
    }
    TRACE("%s key, spec %lu, PSS %s\n", key->ncrypt ? "CNG" : "CryptoAPI", key->spec, *pss ? "yes" : "no");
    *out = key;
    return ERROR_SUCCESS;
}

/* An RSA key with the certificate's public half and our method. */
static EVP_PKEY *make_rsa_key(X509 *x509, struct client_key *key)
{
    EVP_PKEY *public = X509_get0_pubkey(x509), *pkey = NULL;
    BIGNUM *n = NULL, *e = NULL;
    RSA *rsa = NULL;

    if (!public || EVP_PKEY_get_base_id(public) != EVP_PKEY_RSA) return NULL;
    if (!EVP_PKEY_get_bn_param(public, OSSL_PKEY_PARAM_RSA_N, &n) ||
        !EVP_PKEY_get_bn_param(public, OSSL_PKEY_PARAM_RSA_E, &e) ||
        !(rsa = RSA_new()) || !RSA_set_method(rsa, rsa_method) || !RSA_set0_key(rsa, n, e, NULL))
        goto failed;
    n = e = NULL;   /* the RSA has them */
    if (!RSA_set_ex_data(rsa, key_index, key) || !(pkey = EVP_PKEY_new()) || !EVP_PKEY_assign_RSA(pkey, rsa))
    {
        RSA_set_ex_data(rsa, key_index, NULL);
        goto failed;
    }
    return pkey;    /* RSA_free, through rsa_finish, frees key */

failed:
    BN_free(n);
    BN_free(e);
    RSA_free(rsa);
    EVP_PKEY_free(pkey);
    return NULL;
}

DWORD tls_client_cert_load(PCCERT_CONTEXT cert, X509 **x509, EVP_PKEY **pkey, BOOL *pss)
{
    const unsigned char *der = cert->pbCertEncoded;
    struct client_key *key;
    DWORD error;

    *x509 = NULL;
    *pkey = NULL;
    *pss = FALSE;
    InitOnceExecuteOnce(&method_once, create_method, NULL, NULL);
    if (!rsa_method) return ERROR_WINHTTP_SECURE_CHANNEL_ERROR;
    if (!(*x509 = d2i_X509(NULL, &der, cert->cbCertEncoded))) return ERROR_WINHTTP_SECURE_CHANNEL_ERROR;
    if (EVP_PKEY_get_base_id(X509_get0_pubkey(*x509)) != EVP_PKEY_RSA)
    {
        FIXME("only RSA client certificates are supported\n");
        error = ERROR_WINHTTP_SECURE_CHANNEL_ERROR;
    }
    else if (!(error = acquire_key(cert, &key, pss)) && !(*pkey = make_rsa_key(*x509, key)))
    {
        client_key_free(key);
        error = ERROR_WINHTTP_SECURE_CHANNEL_ERROR;
    }
    if (error)
    {
        X509_free(*x509);
        *x509 = NULL;
    }
    return error;
}

void tls_client_cert_unload(void)
{
    if (pkey_method && EVP_PKEY_meth_remove(pkey_method)) EVP_PKEY_meth_free(pkey_method);
    pkey_method = NULL;
    if (rsa_method) RSA_meth_free(rsa_method);
    rsa_method = NULL;
}
