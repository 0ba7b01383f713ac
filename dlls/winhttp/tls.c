/* The TLS stream: OpenSSL over two BIOs of ours (received ciphertext read
 * where the socket put it, and a memory BIO for what OpenSSL writes), so
 * that every byte of ciphertext goes through the lower stream's resumable
 * operations and the asynchronous engine needs nothing special for https
 * (see tls.h).
 *
 * A receive and a send may run at once on two threads (full duplex,
 * stream.h): every OpenSSL call on the connection, and SSL_get_error right
 * after it, is made under ssl_lock, which is never held across I/O.
 *
 * Each operation keeps where it stands in the stream, so that calling it
 * again after ERROR_IO_PENDING goes on from there:
 *   - ciphertext OpenSSL wrote is moved to `out` and sent before anything
 *     else happens;
 *   - ciphertext received goes into `in` and is fed to OpenSSL before it is
 *     asked for more.
 */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "tls.h"

/* wincrypt.h's X509_NAME (a structure type number) hides OpenSSL's type */
#undef X509_NAME

/* Ciphertext is received into a buffer that starts small (thousands of
 * connections may be open) and doubles while data streams in, so that large
 * transfers read the socket in large blocks: under Wine every socket call
 * is a round trip to wineserver.  What OpenSSL writes goes out in blocks of
 * TLS_OUT_SIZE. */
#define TLS_IN_MIN   (16 * 1024)
#define TLS_IN_MAX   (512 * 1024)
#define TLS_OUT_SIZE (64 * 1024)

/* What a session may be resumed for (compared whole, zero-filled). */
struct session_key
{
    char host[256];
    INTERNET_PORT port;
    char proxy[256];            /* the route: "" direct */
    INTERNET_PORT proxy_port;
    DWORD protocols;
    struct trust_key trust;
};

struct tls_stream
{
    struct stream base;
    struct stream *lower;
    SSL *ssl;
    BIO *rbio, *wbio;           /* ciphertext to OpenSSL (reads `in`), from OpenSSL */
    char *out;                  /* ciphertext being sent: [out_start, out_end) */
    size_t out_start, out_end;
    char *in;                   /* ciphertext received, not yet taken by OpenSSL: [in_start, in_end) */
    size_t in_start, in_end, in_size;
    BOOL handshaken;
    BOOL failed;                /* a TLS error: its session must not be resumed */
    BOOL write_encrypted;       /* the current send's data is in `out` */
    BOOL closed;                /* close_notify or EOF seen */
    BOOL duplex;                /* tls_stream_duplex(): receives never send */
    SRWLOCK ssl_lock;           /* serializes OpenSSL calls between a receive and a send */
    X509 *client_x509;          /* WINHTTP_OPTION_CLIENT_CERT_CONTEXT, until OpenSSL takes it */
    EVP_PKEY *client_key;       /* its key, signing through CryptoAPI/CNG (tls_client_cert.c) */
    BOOL client_pss;            /* the key signs RSA-PSS */
    DWORD client_cert_error;    /* why the certificate cannot be used, if the server asks for it */
    struct tls_issuers *issuers;        /* named by the server's CertificateRequest */
    struct session_key session_key;     /* for resumption; host[0] == 0: none */
    PCCERT_CONTEXT server_cert;
    PCCERT_CHAIN_CONTEXT server_chain;
};

static inline struct tls_stream *impl(struct stream *stream)
{
    return CONTAINING_RECORD(stream, struct tls_stream, base);
}

/* ---- the read BIO ------------------------------------------------------------------ */

static BIO_METHOD *received_method;

/* OpenSSL reads received ciphertext straight from `in`, where the socket
 * put it: a memory BIO would copy every byte once more. */
static int received_read(BIO *bio, char *data, int size)
{
    struct tls_stream *t = BIO_get_data(bio);
    size_t available = t->in_end - t->in_start;

    BIO_clear_retry_flags(bio);
    if (!available)
    {
        BIO_set_retry_read(bio);
        return -1;
    }
    if ((size_t)size > available) size = (int)available;
    memcpy(data, t->in + t->in_start, size);
    t->in_start += size;
    return size;
}

static long received_ctrl(BIO *bio, int command, long arg, void *ptr)
{
    struct tls_stream *t = BIO_get_data(bio);

    if (command == BIO_CTRL_PENDING) return (long)(t->in_end - t->in_start);
    return command == BIO_CTRL_FLUSH;
}

static BIO_METHOD *create_received_method(void)
{
    BIO_METHOD *method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "winhttp received");

    if (method && BIO_meth_set_read(method, received_read) && BIO_meth_set_ctrl(method, received_ctrl)) return method;
    BIO_meth_free(method);
    return NULL;
}

/* ---- the context ------------------------------------------------------------------ */

static INIT_ONCE context_once = INIT_ONCE_STATIC_INIT;
static SSL_CTX *context;

/* ---- session resumption --------------------------------------------------------- */

/* The last session of each server, so that the next connection to it (the
 * pool opens several) resumes instead of a full handshake. */
#define SESSION_SLOTS 64

static SRWLOCK sessions_lock = SRWLOCK_INIT;
static struct { struct session_key key; SSL_SESSION *session; ULONGLONG used; } sessions[SESSION_SLOTS];

static int slot_of(const struct session_key *key)
{
    int i, oldest = 0;

    for (i = 0; i < SESSION_SLOTS; i++)
    {
        if (!memcmp(&sessions[i].key, key, sizeof(*key))) return i;
        if (sessions[i].used < sessions[oldest].used) oldest = i;
    }
    return -oldest - 1;
}

/* OpenSSL hands over a reference to each new session (TLS 1.3 sends them
 * after the handshake). */
static int new_session_callback(SSL *ssl, SSL_SESSION *session)
{
    struct tls_stream *t = SSL_get_app_data(ssl);
    SSL_SESSION *old;
    int slot;

    if (!t->session_key.host[0]) return 0;
    AcquireSRWLockExclusive(&sessions_lock);
    if ((slot = slot_of(&t->session_key)) < 0)
    {
        slot = -slot - 1;
        sessions[slot].key = t->session_key;
    }
    old = sessions[slot].session;
    sessions[slot].session = session;
    sessions[slot].used = GetTickCount64();
    ReleaseSRWLockExclusive(&sessions_lock);
    if (old) SSL_SESSION_free(old);
    return 1;
}

static void resume_session(struct tls_stream *t)
{
    int slot;

    AcquireSRWLockShared(&sessions_lock);
    if ((slot = slot_of(&t->session_key)) >= 0 && sessions[slot].session)
        SSL_set_session(t->ssl, sessions[slot].session);
    ReleaseSRWLockShared(&sessions_lock);
}

/* The server asks for a certificate.  The caller's goes to OpenSSL, which
 * takes ownership; one that cannot be used stops the handshake with
 * t->client_cert_error.  Without one the caller must decide: the handshake
 * stops (ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED) unless
 * WINHTTP_NO_CLIENT_CERT_CONTEXT said to go on without. */
/* The CAs the server named (WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST), as
 * DER names in one block. */
static struct tls_issuers *issuers_of(SSL *ssl)
{
    const STACK_OF(X509_NAME) *names = SSL_get0_peer_CA_list(ssl);
    int count, length;
    struct tls_issuers *issuers;
    DWORD size = 0;
    BYTE *at;

    if (!names) names = SSL_get_client_CA_list(ssl);
    count = names ? sk_X509_NAME_num(names) : 0;
    for (int i = 0; i < count; i++)
        if ((length = i2d_X509_NAME(sk_X509_NAME_value(names, i), NULL)) > 0) size += length;
    if (!(issuers = heap_alloc(sizeof(*issuers) + count * sizeof(DWORD) + size))) return NULL;
    issuers->count = 0;
    issuers->size = size;
    issuers->lengths = (DWORD *)(issuers + 1);
    issuers->der = at = (BYTE *)(issuers->lengths + count);
    for (int i = 0; i < count; i++)
    {
        BYTE *start = at;

        if (i2d_X509_NAME(sk_X509_NAME_value(names, i), NULL) <= 0) continue;
        i2d_X509_NAME(sk_X509_NAME_value(names, i), &at);   /* advances at */
        issuers->lengths[issuers->count++] = at - start;
    }
    TRACE("the server names %lu certificate authorities\n", issuers->count);
    return issuers;
}

static int client_cert_callback(SSL *ssl, X509 **cert, EVP_PKEY **key)
{
    struct tls_stream *t = SSL_get_app_data(ssl);

    if (!t->issuers) t->issuers = issuers_of(ssl);

    if (t->client_key && !t->client_pss && SSL_version(ssl) >= TLS1_3_VERSION)
    {
        WARN("the client certificate's key cannot sign RSA-PSS, which TLS 1.3 requires\n");
        t->client_cert_error = ERROR_WINHTTP_SECURE_CHANNEL_ERROR;
    }
    if (t->client_cert_error) return -1;
    if (t->client_key)
    {
        *cert = t->client_x509;
        *key = t->client_key;
        t->client_x509 = NULL;
        t->client_key = NULL;
        return 1;
    }
    return t->session_key.trust.flags & TRUST_NO_CLIENT_CERT ? 0 : -1;
}

static BOOL CALLBACK create_context(INIT_ONCE *once, void *param, void **unused)
{
    /* no atexit handler: the DLL may be unloaded before the process ends */
    if (!OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, NULL) ||
        !(received_method = create_received_method()) || !(context = SSL_CTX_new(TLS_client_method())))
    {
        ERR("cannot initialise OpenSSL\n");
        return TRUE;
    }
    /* trust is CryptoAPI's to decide, after the handshake */
    SSL_CTX_set_verify(context, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_CLIENT);
    SSL_CTX_set_client_cert_cb(context, client_cert_callback);
    SSL_CTX_sess_set_new_cb(context, new_session_callback);
    return TRUE;
}

static SSL_CTX *tls_context(void)
{
    InitOnceExecuteOnce(&context_once, create_context, NULL, NULL);
    return context;
}

/* ---- moving ciphertext ---------------------------------------------------------- */

/* Sends what OpenSSL has written; resumable. */
static DWORD flush(struct tls_stream *t, int timeout)
{
    for (;;)
    {
        DWORD error;
        int pending;

        if (t->out_start == t->out_end)
        {
            t->out_start = t->out_end = 0;
            AcquireSRWLockExclusive(&t->ssl_lock);
            pending = BIO_read(t->wbio, t->out, TLS_OUT_SIZE);
            ReleaseSRWLockExclusive(&t->ssl_lock);
            if (pending <= 0) return ERROR_SUCCESS;
            t->out_end = pending;
        }
        if ((error = stream_send(t->lower, t->out + t->out_start, t->out_end - t->out_start, timeout)))
            return error;
        t->out_start = t->out_end;
    }
}

/* Receives ciphertext for OpenSSL; resumable.  The end of the stream is
 * remembered in t->closed. */
static DWORD feed(struct tls_stream *t, int timeout)
{
    size_t received, space;
    DWORD error;
    char *bigger;

    /* OpenSSL only asks for more once it has taken all there was, so this
     * is the same place when called again to collect a pending receive */
    AcquireSRWLockExclusive(&t->ssl_lock);
    buffer_compact(t->in, &t->in_start, &t->in_end);
    ReleaseSRWLockExclusive(&t->ssl_lock);
    space = t->in_size - t->in_end;
    if ((error = stream_recv(t->lower, t->in + t->in_end, space, timeout, &received))) return error;
    AcquireSRWLockExclusive(&t->ssl_lock);
    if (!received) t->closed = TRUE;
    t->in_end += received;
    if (received == space && t->in_size < TLS_IN_MAX &&
        (bigger = HeapReAlloc(GetProcessHeap(), 0, t->in, t->in_size * 2)))
    {
        t->in = bigger;
        t->in_size *= 2;
    }
    ReleaseSRWLockExclusive(&t->ssl_lock);
    return ERROR_SUCCESS;
}

/* After an OpenSSL call that could not finish: move ciphertext (the caller
 * then checks t->closed), or fail. */
/* A fatal TLS error.  A server that refused our certificate as expired says
 * so in its alert, and native reports that as Schannel's SEC_E_CERT_EXPIRED
 * (Wine's tests, run on Windows); anything else is a channel error. */
static DWORD failed(struct tls_stream *t)
{
    unsigned long error = ERR_peek_last_error();

    WARN("TLS error %lu (reason %d)\n", error, ERR_GET_REASON(error));
    ERR_clear_error();
    t->failed = TRUE;
    if (ERR_GET_LIB(error) == ERR_LIB_SSL && ERR_GET_REASON(error) == SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED)
        return SEC_E_CERT_EXPIRED;
    return ERROR_WINHTTP_SECURE_CHANNEL_ERROR;
}

/* ssl_error: SSL_get_error() of the call that could not finish. */
static DWORD pump(struct tls_stream *t, int ssl_error, int timeout)
{
    DWORD error;

    switch (ssl_error)
    {
    case SSL_ERROR_WANT_WRITE:
        return flush(t, timeout);
    case SSL_ERROR_WANT_READ:
        /* in full duplex only the sender sends: what OpenSSL wrote while
         * reading (a KeyUpdate's answer) goes out with the next send */
        if (!t->duplex && (error = flush(t, timeout))) return error;
        return feed(t, timeout);
    case SSL_ERROR_WANT_X509_LOOKUP:
        return t->client_cert_error ? t->client_cert_error : ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED;
    case SSL_ERROR_ZERO_RETURN:     /* close_notify */
        t->closed = TRUE;
        return ERROR_SUCCESS;
    default:
        return failed(t);
    }
}

/* ---- the handshake ---------------------------------------------------------------- */

static BOOL is_address(const WCHAR *host)
{
    for (; *host; host++)
        if (!(*host >= '0' && *host <= '9') && *host != '.' && *host != ':' && *host != '[' && *host != ']')
            return FALSE;
    return TRUE;
}

/* The lowest and highest of the versions WINHTTP_OPTION_SECURE_PROTOCOLS
 * allows (OpenSSL takes a range); FALSE when it allows none. */
static BOOL set_protocols(SSL *ssl, DWORD protocols)
{
    static const struct { DWORD flag; int version; } versions[] =
    {
        { WINHTTP_FLAG_SECURE_PROTOCOL_TLS1,   TLS1_VERSION },
        { WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1, TLS1_1_VERSION },
        { WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2, TLS1_2_VERSION },
        { WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3, TLS1_3_VERSION },
    };
    int min = 0, max = 0;

    for (size_t i = 0; i < ARRAY_SIZE(versions); i++)
    {
        if (!(protocols & versions[i].flag)) continue;
        if (!min) min = versions[i].version;
        max = versions[i].version;
    }
    if (!min || !SSL_set_min_proto_version(ssl, min) || !SSL_set_max_proto_version(ssl, max)) return FALSE;
    /* TLS 1.0 and 1.1 sign with SHA-1, which OpenSSL's default security
     * level refuses: a caller that allows them gets them, as from Schannel */
    if (min < TLS1_2_VERSION) SSL_set_security_level(ssl, 0);
    return TRUE;
}

/* The caller's certificate is loaded before the handshake so that it offers
 * only what the key can sign: a key without RSA-PSS (CryptoAPI's) signs
 * PKCS#1 v1.5 only, which TLS 1.3 forbids, so the handshake stays at TLS
 * 1.2 when the caller allows it (native Schannel does the same).  A key
 * that cannot be had fails the handshake only if the server asks. */
static void load_client_cert(struct tls_stream *t, const struct tls_config *config)
{
    if ((t->client_cert_error = tls_client_cert_load(config->client_cert, &t->client_x509, &t->client_key,
                                                     &t->client_pss)) || t->client_pss)
        return;
    SSL_set1_client_sigalgs_list(t->ssl, "RSA+SHA256:RSA+SHA384:RSA+SHA512:RSA+SHA1");
    /* lowers the highest version allowed, never raises it */
    if (SSL_get_max_proto_version(t->ssl) > TLS1_2_VERSION &&
        config->protocols & (WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1 |
                             WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2))
        SSL_set_max_proto_version(t->ssl, TLS1_2_VERSION);
}

static DWORD start(struct tls_stream *t, const struct tls_config *config)
{
    struct session_key *key = &t->session_key;
    static const unsigned char alpn_h2[] = { 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
    const unsigned char *alpn = config->offer_h2 ? alpn_h2 : alpn_h2 + 3;
    unsigned int alpn_length = config->offer_h2 ? sizeof(alpn_h2) : sizeof(alpn_h2) - 3;

    if (!tls_context() || !(t->ssl = SSL_new(tls_context()))) return ERROR_WINHTTP_SECURE_CHANNEL_ERROR;
    t->rbio = BIO_new(received_method);
    t->wbio = BIO_new(BIO_s_mem());
    if (!t->rbio || !t->wbio) return ERROR_OUTOFMEMORY;
    BIO_set_data(t->rbio, t);
    BIO_set_init(t->rbio, 1);
    SSL_set_bio(t->ssl, t->rbio, t->wbio);
    SSL_set_app_data(t->ssl, t);
    SSL_set_connect_state(t->ssl);
    if (!set_protocols(t->ssl, config->protocols)) return ERROR_WINHTTP_SECURE_CHANNEL_ERROR;
    if (config->client_cert) load_client_cert(t, config);
    /* what we speak: h2 only when the request enabled it */
    SSL_set_alpn_protos(t->ssl, alpn, alpn_length);
    /* sessions are resumed per route and per everything that let the
     * handshake through (struct trust_key) */
    memset(key, 0, sizeof(*key));
    key->port = config->port;
    key->proxy_port = config->proxy_port;
    if (config->proxy &&
        !WideCharToMultiByte(CP_UTF8, 0, config->proxy, -1, key->proxy, sizeof(key->proxy), NULL, NULL))
        return ERROR_WINHTTP_SECURE_CHANNEL_ERROR;
    key->protocols = config->protocols;
    key->trust = config->trust;
    if (!WideCharToMultiByte(CP_UTF8, 0, config->host, -1, key->host, sizeof(key->host), NULL, NULL))
        memset(key->host, 0, sizeof(key->host));
    if (key->host[0] && !is_address(config->host)) SSL_set_tlsext_host_name(t->ssl, key->host);
    /* a certificate whose key cannot be had must not ride on a session
     * another request authenticated with it */
    if (key->host[0] && !t->client_cert_error) resume_session(t);
    return ERROR_SUCCESS;
}

/* The chain the server sent, as DER, checked by CryptoAPI. */
static DWORD verify(struct tls_stream *t, const struct tls_config *config, DWORD *failure)
{
    STACK_OF(X509) *peer = SSL_get_peer_cert_chain(t->ssl);
    int count = peer ? min(sk_X509_num(peer), TLS_MAX_CHAIN) : 0;
    struct sent_chain sent = { NULL };
    BYTE *at;
    DWORD error;

    for (int i = 0; i < count; i++)
    {
        int length = i2d_X509(sk_X509_value(peer, i), NULL);
        if (length <= 0) break;
        sent.lengths[sent.count++] = length;
        sent.size += length;
    }
    if (sent.size && !(sent.der = heap_alloc(sent.size))) return ERROR_OUTOFMEMORY;
    at = sent.der;
    for (DWORD i = 0; i < sent.count; i++) i2d_X509(sk_X509_value(peer, i), &at);   /* advances at */
    error = tls_verify_chain(&sent, config, failure, &t->server_cert, &t->server_chain);
    heap_free(sent.der);
    return error;
}

DWORD tls_stream_handshake(struct stream *stream, const struct tls_config *config, DWORD *failure)
{
    struct tls_stream *t = impl(stream);
    DWORD error;
    int ret;

    *failure = 0;
    if (!t->ssl && (error = start(t, config))) return error;
    for (;;)
    {
        if ((error = flush(t, config->timeout))) return error;
        if ((ret = SSL_do_handshake(t->ssl)) == 1) break;
        if ((error = pump(t, SSL_get_error(t->ssl, ret), config->timeout))) return error;
        if (t->closed) return ERROR_WINHTTP_CONNECTION_ERROR;   /* the server hung up mid-handshake */
    }
    if ((error = flush(t, config->timeout))) return error;
    t->handshaken = TRUE;
    TRACE("%s, %s%s\n", SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl),
          SSL_session_reused(t->ssl) ? ", resumed" : "");
    return verify(t, config, failure);
}

BOOL tls_stream_h2(struct stream *stream)
{
    struct tls_stream *t = impl(stream);
    const unsigned char *chosen;
    unsigned int length;

    SSL_get0_alpn_selected(t->ssl, &chosen, &length);
    return length == 2 && !memcmp(chosen, "h2", 2);
}

/* ---- the stream ---------------------------------------------------------------------- */

/* Decrypts what is already received into the caller's buffer, a record at
 * a time, without waiting for more. */
static size_t drain(struct tls_stream *t, char *buffer, size_t size)
{
    size_t done = 0;
    int ret;

    while (done < size && (SSL_pending(t->ssl) || BIO_ctrl_pending(t->rbio)) &&
           (ret = SSL_read(t->ssl, buffer + done, (int)min(size - done, INT_MAX))) > 0)
        done += ret;
    return done;
}

static DWORD tls_recv(struct stream *stream, void *buffer, size_t size, int timeout, size_t *received)
{
    struct tls_stream *t = impl(stream);
    DWORD error;
    int ret;

    *received = 0;
    if (size > INT_MAX) size = INT_MAX;
    for (;;)
    {
        int ssl_error;
        BOOL truncated;

        AcquireSRWLockExclusive(&t->ssl_lock);
        if ((ret = SSL_read(t->ssl, buffer, (int)size)) > 0)
        {
            *received = ret + drain(t, (char *)buffer + ret, size - ret);
            ReleaseSRWLockExclusive(&t->ssl_lock);
            return ERROR_SUCCESS;
        }
        ssl_error = SSL_get_error(t->ssl, ret);
        truncated = SSL_has_pending(t->ssl);
        ReleaseSRWLockExclusive(&t->ssl_lock);
        /* the end: close_notify, or EOF at a record boundary (HTTP's framing
         * tells a truncated body); EOF inside a record is an error */
        if (t->closed) return truncated ? ERROR_WINHTTP_CONNECTION_ERROR : ERROR_SUCCESS;
        if ((error = pump(t, ssl_error, timeout))) return error;
    }
}

static DWORD tls_send(struct stream *stream, const void *data, size_t size, int timeout)
{
    struct tls_stream *t = impl(stream);
    DWORD error;

    /* a memory BIO takes everything: the whole buffer is encrypted at once,
     * and a call made again to finish sending does not encrypt it twice */
    AcquireSRWLockExclusive(&t->ssl_lock);
    while (size && !t->write_encrypted)
    {
        int ret = SSL_write(t->ssl, data, size > INT_MAX ? INT_MAX : (int)size);
        if (ret <= 0)
        {
            WARN("SSL_write failed: %d\n", SSL_get_error(t->ssl, ret));
            ERR_clear_error();
            ReleaseSRWLockExclusive(&t->ssl_lock);
            return ERROR_WINHTTP_SECURE_CHANNEL_ERROR;
        }
        data = (const char *)data + ret;
        size -= ret;
    }
    ReleaseSRWLockExclusive(&t->ssl_lock);
    t->write_encrypted = TRUE;
    if ((error = flush(t, timeout)) == ERROR_IO_PENDING) return error;
    t->write_encrypted = FALSE;
    return error;
}

static void tls_cancel(struct stream *stream)
{
    stream_cancel(impl(stream)->lower);
}

static BOOL tls_reusable(struct stream *stream)
{
    struct tls_stream *t = impl(stream);
    return t->handshaken && !t->closed && !BIO_ctrl_pending(t->rbio) && stream_reusable(t->lower);
}

static void tls_destroy(struct stream *stream)
{
    struct tls_stream *t = impl(stream);

    /* HTTP closes without close_notify; OpenSSL would take that for a
     * broken session and spoil it for resumption, unless told otherwise */
    if (t->ssl && t->handshaken && !t->failed) SSL_set_shutdown(t->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    if (t->ssl) SSL_free(t->ssl);    /* frees the BIOs too */
    else
    {
        BIO_free(t->rbio);
        BIO_free(t->wbio);
    }
    if (t->server_cert) CertFreeCertificateContext(t->server_cert);
    if (t->server_chain) CertFreeCertificateChain(t->server_chain);
    X509_free(t->client_x509);
    EVP_PKEY_free(t->client_key);
    heap_free(t->issuers);
    stream_destroy(t->lower);
    heap_free(t->out);
    heap_free(t->in);
    heap_free(t);
}

static const struct stream_ops tls_ops =
{
    tls_recv,
    tls_send,
    tls_cancel,
    tls_reusable,
    tls_destroy,
};

DWORD tls_stream_create(struct stream *lower, struct stream **out)
{
    struct tls_stream *t;

    if (!(t = heap_alloc_zero(sizeof(*t))) || !(t->out = heap_alloc(TLS_OUT_SIZE)) || !(t->in = heap_alloc(TLS_IN_MIN)))
    {
        if (t) { heap_free(t->out); heap_free(t); }
        return ERROR_OUTOFMEMORY;
    }
    t->base.ops = &tls_ops;
    InitializeSRWLock(&t->ssl_lock);
    t->in_size = TLS_IN_MIN;
    t->lower = lower;
    *out = &t->base;
    return ERROR_SUCCESS;
}

void tls_stream_duplex(struct stream *stream)
{
    struct tls_stream *t = impl(stream);

    t->duplex = TRUE;
    /* a renegotiation would have a send wait for a receive */
    SSL_set_options(t->ssl, SSL_OP_NO_RENEGOTIATION);
}

PCCERT_CONTEXT tls_stream_server_cert(struct stream *stream)
{
    struct tls_stream *t = impl(stream);
    return t->server_cert ? CertDuplicateCertificateContext(t->server_cert) : NULL;
}

PCCERT_CHAIN_CONTEXT tls_stream_server_chain(struct stream *stream)
{
    struct tls_stream *t = impl(stream);
    return t->server_chain ? CertDuplicateCertificateChain(t->server_chain) : NULL;
}

int tls_stream_cipher_bits(struct stream *stream)
{
    struct tls_stream *t = impl(stream);
    return t->ssl ? SSL_get_cipher_bits(t->ssl, NULL) : 0;
}

struct tls_issuers *tls_stream_take_issuers(struct stream *stream)
{
    struct tls_stream *t = impl(stream);
    struct tls_issuers *issuers = t->issuers;

    t->issuers = NULL;
    return issuers;
}

/* ---- what was negotiated: WINHTTP_OPTION_SECURITY_INFO ---------------------------- */

void tls_stream_summary(struct stream *stream, struct tls_summary *summary)
{
    struct tls_stream *t = impl(stream);
    EVP_PKEY *key = NULL;
    X509 *peer;
    int nid;

    memset(summary, 0, sizeof(*summary));
    if (!t->ssl || !(summary->cipher = SSL_get_current_cipher(t->ssl))) return;
    summary->version = SSL_version(t->ssl);
    if (SSL_get_peer_tmp_key(t->ssl, &key) > 0)
    {
        summary->exchange_nid = EVP_PKEY_get_base_id(key);
        summary->exchange_bits = EVP_PKEY_get_bits(key);
        EVP_PKEY_free(key);
    }
    if ((nid = SSL_get_negotiated_group(t->ssl)) > 0 && !(nid & TLSEXT_nid_unknown)) summary->exchange_nid = nid;
    if ((peer = SSL_get0_peer_certificate(t->ssl)) && X509_get0_pubkey(peer))
    {
        summary->server_key_nid = EVP_PKEY_get_base_id(X509_get0_pubkey(peer));
        /* an RSA key exchange is the server key's */
        if (!summary->exchange_bits) summary->exchange_bits = EVP_PKEY_get_bits(X509_get0_pubkey(peer));
    }
}

static void copy_name(WCHAR *out, const char *name)
{
    int i;

    for (i = 0; name && name[i] && i < SZ_ALG_MAX_SIZE - 1; i++) out[i] = (unsigned char)name[i];
    out[i] = 0;
}

static DWORD protocol_flag(int version)
{
    switch (version)
    {
    case TLS1_VERSION:   return SP_PROT_TLS1_CLIENT;
    case TLS1_1_VERSION: return SP_PROT_TLS1_1_CLIENT;
    case TLS1_2_VERSION: return SP_PROT_TLS1_2_CLIENT;
    case TLS1_3_VERSION: return 0x2000;     /* SP_PROT_TLS1_3_CLIENT */
    default:             return 0;
    }
}

/* The cipher, as ALG_ID and as the CNG algorithm name Schannel uses, its
 * block length in bytes (1 for a stream cipher). */
static void cipher_names(int nid, ALG_ID *alg, const char **name, DWORD *block)
{
    switch (nid)
    {
    case NID_aes_128_gcm: case NID_aes_128_cbc: case NID_aes_128_ccm:
        *alg = CALG_AES_128; *name = "AES"; *block = 16; return;
    case NID_aes_256_gcm: case NID_aes_256_cbc: case NID_aes_256_ccm:
        *alg = CALG_AES_256; *name = "AES"; *block = 16; return;
    case NID_des_ede3_cbc:
        *alg = CALG_3DES; *name = "3DES"; *block = 8; return;
    case NID_chacha20_poly1305:     /* no ALG_ID names it */
        *alg = 0; *name = "CHACHA20_POLY1305"; *block = 1; return;
    default:
        *alg = 0; *name = OBJ_nid2sn(nid); *block = 0; return;
    }
}

static void hash_names(int nid, ALG_ID *alg, const char **name)
{
    switch (nid)
    {
    case NID_sha1:   *alg = CALG_SHA1;    *name = "SHA1";   return;
    case NID_sha256: *alg = CALG_SHA_256; *name = "SHA256"; return;
    case NID_sha384: *alg = CALG_SHA_384; *name = "SHA384"; return;
    case NID_sha512: *alg = CALG_SHA_512; *name = "SHA512"; return;
    case NID_md5:    *alg = CALG_MD5;     *name = "MD5";    return;
    default:         *alg = 0;            *name = nid ? OBJ_nid2sn(nid) : ""; return;
    }
}

/* The key exchange: ECDHE (named curves and X25519/X448), DHE, or RSA. */
static void exchange_names(const struct tls_summary *summary, int kx, ALG_ID *alg, const char **name)
{
    int nid = summary->exchange_nid;

    if (kx == NID_kx_rsa)
    {
        *alg = CALG_RSA_KEYX;
        *name = "RSA";
    }
    else if (kx == NID_kx_dhe || nid == EVP_PKEY_DH || nid == EVP_PKEY_DHX ||
             (nid >= NID_ffdhe2048 && nid <= NID_ffdhe8192))
    {
        *alg = CALG_DH_EPHEM;
        *name = "DH";
    }
    else
    {
        *alg = CALG_ECDH_EPHEM;
        *name = "ECDH";
    }
}

/* WINHTTP_SECURITY_INFO is Schannel's two context attributes: sizes in
 * bits (the block length in bytes), names as CNG's algorithm names.  The
 * AEAD suites have no MAC: their hash is the handshake's (PRF) hash.
 * dwKeyType, undocumented, stays 0. */
void tls_describe(const struct tls_summary *summary, SecPkgContext_ConnectionInfo *connection,
                  SecPkgContext_CipherInfo *cipher)
{
    const SSL_CIPHER *suite = summary->cipher;
    const char *cipher_name, *hash_name, *exchange_name;
    ALG_ID cipher_alg, hash_alg, exchange_alg;
    const EVP_MD *md;
    int hash_nid, bits;
    DWORD block;

    memset(connection, 0, sizeof(*connection));
    memset(cipher, 0, sizeof(*cipher));
    cipher->dwVersion = SECPKGCONTEXT_CIPHERINFO_V1;
    if (!suite) return;
    bits = SSL_CIPHER_get_bits(suite, NULL);
    cipher_names(SSL_CIPHER_get_cipher_nid(suite), &cipher_alg, &cipher_name, &block);
    if ((hash_nid = SSL_CIPHER_get_digest_nid(suite)) == NID_undef)
        hash_nid = (md = SSL_CIPHER_get_handshake_digest(suite)) ? EVP_MD_get_type(md) : NID_undef;
    hash_names(hash_nid, &hash_alg, &hash_name);
    exchange_names(summary, SSL_CIPHER_get_kx_nid(suite), &exchange_alg, &exchange_name);

    connection->dwProtocol = protocol_flag(summary->version);
    connection->aiCipher = cipher_alg;
    connection->dwCipherStrength = bits;
    connection->aiHash = hash_alg;
    connection->dwHashStrength = (md = EVP_get_digestbynid(hash_nid)) ? EVP_MD_get_size(md) * 8 : 0;
    connection->aiExch = exchange_alg;
    connection->dwExchStrength = summary->exchange_bits;

    cipher->dwProtocol = connection->dwProtocol;
    cipher->dwCipherSuite = cipher->dwBaseCipherSuite = SSL_CIPHER_get_protocol_id(suite);
    copy_name(cipher->szCipherSuite, SSL_CIPHER_standard_name(suite));
    copy_name(cipher->szCipher, cipher_name);
    cipher->dwCipherLen = bits;
    cipher->dwCipherBlockLen = block;
    copy_name(cipher->szHash, hash_name);
    cipher->dwHashLen = connection->dwHashStrength;
    copy_name(cipher->szExchange, exchange_name);
    cipher->dwMinExchangeLen = cipher->dwMaxExchangeLen = summary->exchange_bits;
    copy_name(cipher->szCertificate, summary->server_key_nid == EVP_PKEY_RSA ? "RSA" :
                                     summary->server_key_nid == EVP_PKEY_EC ? "ECDSA" :
                                     summary->server_key_nid ? OBJ_nid2sn(summary->server_key_nid) : "");
}

/* ---- channel binding: WINHTTP_OPTION_SERVER_CBT --------------------------------- */

BOOL tls_endpoint_hash(const BYTE *der, DWORD der_size, BYTE *hash, DWORD *size)
{
    const unsigned char *p = der;
    X509 *x509 = d2i_X509(NULL, &p, der_size);
    int md_nid = NID_undef, pk_nid;
    const EVP_MD *md;
    unsigned int length = 0;
    BOOL ret;

    if (!x509) return FALSE;
    /* RSA-PSS names its hash in the parameters: OpenSSL finds it */
    if (!X509_get_signature_info(x509, &md_nid, &pk_nid, NULL, NULL)) md_nid = NID_undef;
    X509_free(x509);
    if (md_nid == NID_undef || md_nid == NID_md5 || md_nid == NID_sha1 || md_nid == NID_md5_sha1)
        md_nid = NID_sha256;
    if (!(md = EVP_get_digestbynid(md_nid)) || (DWORD)EVP_MD_get_size(md) > *size) return FALSE;
    ret = EVP_Digest(der, der_size, hash, &length, md, NULL);
    *size = length;
    return ret;
}

/* ---- the DLL's lifetime ----------------------------------------------------------- */

/* A static OpenSSL learns of no thread's end by itself: its per-thread
 * state (the error queue) goes when DllMain sees the thread leave. */
void tls_thread_detach(void)
{
    OPENSSL_thread_stop();
}

void tls_unload(void)
{
    for (int i = 0; i < SESSION_SLOTS; i++)
        if (sessions[i].session) SSL_SESSION_free(sessions[i].session);
    if (context) SSL_CTX_free(context);
    context = NULL;
    BIO_meth_free(received_method);
    received_method = NULL;
    tls_trust_unload();
    tls_client_cert_unload();
    OPENSSL_cleanup();
}
