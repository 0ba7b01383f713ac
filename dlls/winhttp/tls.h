/* TLS: a stream stacked on the socket stream (stream.h), with OpenSSL for
 * the protocol and Windows' CryptoAPI for trust (tls_trust.c), so that the
 * root store of Windows (or of the Wine prefix) and the caller's flags
 * decide exactly as they do for native winhttp. */
#ifndef WINHTTP_TLS_H
#define WINHTTP_TLS_H

#include "stream.h"
#include <wincrypt.h>
#include <schannel.h>

/* What an https connection is accepted under, so that neither a pooled
 * connection nor a resumed TLS session serves a stricter request than the
 * one it was made for: the SECURITY_FLAG_IGNORE_* flags, whether a client
 * certificate could be left out (WINHTTP_NO_CLIENT_CERT_CONTEXT: the top
 * bit, which no security flag uses), and the client certificate it
 * authenticates with (SHA-1 thumbprint, zeros for none).  Compared whole. */
#define TRUST_NO_CLIENT_CERT 0x80000000
struct trust_key
{
    DWORD flags;
    BYTE client_cert[20];
    DWORD chain_flags;          /* tls_config.chain_flags */
    DWORD ignore_offline;       /* tls_config.ignore_revocation_offline */
};

struct tls_config
{
    const WCHAR *host;          /* for SNI and the name check */
    INTERNET_PORT port;         /* with host: the session cache key */
    const WCHAR *proxy;         /* the route's proxy (NULL: direct), also in the key */
    INTERNET_PORT proxy_port;
    DWORD protocols;            /* WINHTTP_FLAG_SECURE_PROTOCOL_* */
    DWORD security_flags;       /* SECURITY_FLAG_IGNORE_* */
    BOOL check_revocation;      /* WINHTTP_ENABLE_SSL_REVOCATION */
    DWORD chain_flags;          /* CertGetCertificateChain flags of the CHAIN_BUILD options */
    BOOL ignore_revocation_offline; /* WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE */
    BOOL revert_impersonation;  /* build the chain as the process, not an impersonated client */
    struct trust_key trust;     /* with host, port and protocols: the session cache key */
    PCCERT_CONTEXT client_cert; /* WINHTTP_OPTION_CLIENT_CERT_CONTEXT, or NULL */
    int timeout;                /* for each handshake read and write */
    BOOL offer_h2;              /* ALPN offers h2 before http/1.1 (WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL) */
};

/* A TLS stream over lower, which it owns from then on. */
DWORD tls_stream_create(struct stream *lower, struct stream **out);
/* Resumable like every stream operation.  A certificate the caller's flags
 * do not excuse fails with ERROR_WINHTTP_SECURE_FAILURE (or the specific
 * ERROR_WINHTTP_SECURE_* error) and *failure gets the
 * WINHTTP_CALLBACK_STATUS_FLAG_* bits of every problem found. */
DWORD tls_stream_handshake(struct stream *stream, const struct tls_config *config, DWORD *failure);

/* After the handshake, before a receive and a send run at once: receives
 * stop sending (stream.h), renegotiation is refused. */
void tls_stream_duplex(struct stream *stream);

/* After the handshake: whether the server chose h2 by ALPN. */
BOOL tls_stream_h2(struct stream *stream);

/* After the handshake: the server's certificate and the chain CryptoAPI
 * built for it (new references, or NULL), the cipher's strength in bits. */
PCCERT_CONTEXT tls_stream_server_cert(struct stream *stream);
PCCERT_CHAIN_CONTEXT tls_stream_server_chain(struct stream *stream);
int tls_stream_cipher_bits(struct stream *stream);

/* What was negotiated, kept by connections and requests after the
 * handshake (a few words: the names are made only when asked for). */
struct tls_summary
{
    const void *cipher;         /* OpenSSL's SSL_CIPHER, static; NULL: no handshake */
    int version;                /* TLS1_2_VERSION... */
    int exchange_nid;           /* the key exchange's group or key type */
    int exchange_bits;
    int server_key_nid;         /* the type of the server certificate's key */
};
void tls_stream_summary(struct stream *stream, struct tls_summary *summary);
/* WINHTTP_OPTION_SECURITY_INFO: WINHTTP_SECURITY_INFO's two members. */
void tls_describe(const struct tls_summary *summary, SecPkgContext_ConnectionInfo *connection,
                  SecPkgContext_CipherInfo *cipher);

/* The certificate authorities the server named in its CertificateRequest,
 * kept when the handshake stopped for a client certificate: count DER
 * names of lengths[i] bytes one after another in der.  One heap block. */
struct tls_issuers
{
    DWORD count;
    DWORD size;                 /* of der */
    DWORD *lengths;
    BYTE *der;
};
/* The issuers of the last CertificateRequest (the caller's to heap_free), or NULL. */
struct tls_issuers *tls_stream_take_issuers(struct stream *stream);

/* RFC 5929's tls-server-end-point binding of a certificate: the hash of
 * its DER with the hash of its signature algorithm (SHA-256 for MD5 and
 * SHA-1).  *size: in, the room in hash; out, the hash's length. */
BOOL tls_endpoint_hash(const BYTE *der, DWORD der_size, BYTE *hash, DWORD *size);

/* DllMain: a thread leaves (its OpenSSL state goes), the DLL is unloaded
 * by FreeLibrary (not at process exit). */
void tls_thread_detach(void);
void tls_unload(void);

/* ---- trust (tls_trust.c) --------------------------------------------------------- */

/* The certificates a server sent, leaf first: their DER encodings one
 * after another (which delimit themselves, so two blocks are equal exactly
 * when the chains are). */
#define TLS_MAX_CHAIN 16
struct sent_chain
{
    BYTE *der;
    DWORD size;
    DWORD count;
    DWORD lengths[TLS_MAX_CHAIN];
};

/* Builds and checks the chain the server sent the way native winhttp
 * does.  Returns ERROR_SUCCESS or an ERROR_WINHTTP_SECURE_* error, with the
 * WINHTTP_CALLBACK_STATUS_FLAG_* bits in *failure; *leaf and *chain get the
 * server's certificate and its chain (references the caller frees; NULL
 * when there are none). */
DWORD tls_verify_chain(const struct sent_chain *sent, const struct tls_config *config, DWORD *failure,
                       PCCERT_CONTEXT *leaf, PCCERT_CHAIN_CONTEXT *chain);
/* DLL unload: the trust decisions kept go. */
void tls_trust_unload(void);

/* ---- client certificates (tls_client_cert.c) --------------------------------------- */

struct x509_st;
struct evp_pkey_st;

/* cert as OpenSSL's X509 and an RSA EVP_PKEY whose private-key operations
 * are done by CryptoAPI/CNG, which keep the key; both are the caller's to
 * free.  *pss: whether the key can sign RSA-PSS (TLS 1.3 requires it).
 * Fails with ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY (no key),
 * ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY (a key that cannot be
 * had silently) or ERROR_WINHTTP_SECURE_CHANNEL_ERROR (not RSA). */
DWORD tls_client_cert_load(PCCERT_CONTEXT cert, struct x509_st **x509, struct evp_pkey_st **pkey, BOOL *pss);
void tls_client_cert_unload(void);

#endif
