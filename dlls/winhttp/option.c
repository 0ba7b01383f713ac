/* WinHttpSetOption and WinHttpQueryOption.
 *
 * One table says, for each option, on which handle types it may be queried
 * and set, and how its value is stored.  Plain numeric settings live in
 * struct settings (inherited by children); the rest have accessors.
 */
#include <stddef.h>

#include "request.h"
#include "connection.h"
#include "proxy_settings.h"
#include "websocket.h"

#define ALL_TYPES (TYPE_BIT(OBJECT_SESSION) | TYPE_BIT(OBJECT_CONNECT) | TYPE_BIT(OBJECT_REQUEST) | \
                   TYPE_BIT(OBJECT_WEBSOCKET))
#define SESSION TYPE_BIT(OBJECT_SESSION)
#define CONNECT TYPE_BIT(OBJECT_CONNECT)
#define REQUEST TYPE_BIT(OBJECT_REQUEST)
#define WEBSOCKET TYPE_BIT(OBJECT_WEBSOCKET)
#define NO_OFFSET ((size_t)-1)

struct option_desc;
typedef BOOL (*query_fn)(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size);
typedef BOOL (*set_fn)(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size);

struct option_desc
{
    DWORD id;
    const char *name;
    unsigned int query_types;
    unsigned int set_types;
    size_t offset;          /* of a DWORD in struct settings, or NO_OFFSET */
    query_fn query;
    set_fn set;
    DWORD max_value;        /* for settings: largest value accepted (0: any) */
};

static DWORD *setting_ptr(struct object *obj, const struct option_desc *desc)
{
    return (DWORD *)((char *)&obj->settings + desc->offset);
}

/* A connect handle has no settings of its own: queried, it answers with its
 * session's current ones, as native does. */
static struct object *settings_owner(struct object *obj)
{
    return obj->type == OBJECT_CONNECT && obj->parent ? obj->parent : obj;
}

/* Buffer-size protocol for fixed-size values: too small (or NULL) gives
 * ERROR_INSUFFICIENT_BUFFER and the size needed. */
static BOOL copy_out(const void *value, DWORD value_size, void *buffer, DWORD *size)
{
    if (!buffer || *size < value_size)
    {
        *size = value_size;
        return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    }
    memcpy(buffer, value, value_size);
    *size = value_size;
    return TRUE;
}

/* Strings: the size needed counts the terminator, the size returned on
 * success does not. */
static BOOL copy_string_out(const WCHAR *str, void *buffer, DWORD *size)
{
    DWORD length = str ? lstrlenW(str) : 0, needed = (length + 1) * sizeof(WCHAR);

    if (!buffer || *size < needed)
    {
        *size = needed;
        return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    }
    if (length) memcpy(buffer, str, length * sizeof(WCHAR));
    ((WCHAR *)buffer)[length] = 0;
    *size = length * sizeof(WCHAR);
    return TRUE;
}

static BOOL read_dword(const void *buffer, DWORD size, DWORD *value)
{
    if (size != sizeof(DWORD)) return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    *value = *(const DWORD *)buffer;
    return TRUE;
}

/* String options are sized in characters; the value need not be terminated. */
static BOOL replace_string(WCHAR **slot, const void *buffer, DWORD length)
{
    WCHAR *copy = strndupW(buffer ? buffer : L"", buffer ? length : 0);

    if (!copy) return FAIL(ERROR_OUTOFMEMORY, FALSE);
    heap_free(*slot);
    *slot = copy;
    return TRUE;
}

/* Stored numeric settings. */

static BOOL query_setting(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    return copy_out(setting_ptr(settings_owner(obj), desc), sizeof(DWORD), buffer, size);
}

static BOOL set_setting(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    DWORD value;

    if (!read_dword(buffer, size, &value)) return FALSE;
    if (desc->max_value && value > desc->max_value) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    *setting_ptr(obj, desc) = value;
    return TRUE;
}

/* Feature switches accumulate: each set adds bits.  Native refuses a size
 * of 0 as a bad parameter, and unknown bits to enable; unknown bits to
 * disable it accepts (0xffffffff disables everything it knows). */
static BOOL set_feature_bits(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    DWORD value;

    if (!size) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!read_dword(buffer, size, &value)) return FALSE;
    if (desc->id == WINHTTP_OPTION_ENABLE_FEATURE && (value & ~desc->max_value))
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    *setting_ptr(obj, desc) |= value & desc->max_value;
    return TRUE;
}

/* A connection limit of zero would stall every request. */
static BOOL set_nonzero(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    DWORD value;

    if (!read_dword(buffer, size, &value)) return FALSE;
    if (!value) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    *setting_ptr(obj, desc) = value;
    return TRUE;
}

static BOOL set_flag_subset(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    DWORD value;

    if (!read_dword(buffer, size, &value)) return FALSE;
    if (value & ~desc->max_value) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    *setting_ptr(obj, desc) = value;
    return TRUE;
}

/* Handle identity. */

static BOOL query_context(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    DWORD_PTR context = obj->context;
    return copy_out(&context, sizeof(context), buffer, size);
}

static BOOL set_context(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    if (size != sizeof(DWORD_PTR)) return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    obj->context = *(const DWORD_PTR *)buffer;
    return TRUE;
}

static BOOL query_callback(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    WINHTTP_STATUS_CALLBACK callback = obj->callback;
    return copy_out(&callback, sizeof(callback), buffer, size);
}

static BOOL query_handle_type(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    DWORD type = obj->type;
    return copy_out(&type, sizeof(type), buffer, size);
}

static BOOL query_parent(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    HINTERNET parent = obj->parent ? obj->parent->handle : NULL;
    return copy_out(&parent, sizeof(parent), buffer, size);
}

static BOOL query_url(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    WCHAR *url = request_url(request_from_object(obj));
    BOOL ret;

    if (!url) return FAIL(ERROR_OUTOFMEMORY, FALSE);
    ret = copy_string_out(url, buffer, size);
    heap_free(url);
    return ret;
}

static BOOL query_user_agent(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    return copy_string_out(session_from_object(obj)->agent, buffer, size);
}

static BOOL set_user_agent(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    if (buffer && contains_crlf(buffer, size)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    return replace_string(&session_from_object(obj)->agent, buffer, size);
}

/* WINHTTP_OPTION_SERVER_SPN_USED / PROXY_SPN_USED: the name Negotiate or
 * NTLM last asked a ticket for ("" before any). */
static BOOL query_spn_used(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    enum auth_target t = desc->id == WINHTTP_OPTION_PROXY_SPN_USED ? AUTH_PROXY : AUTH_SERVER;
    const WCHAR *spn = request->auth.target[t].spn_used;

    return copy_string_out(spn ? spn : L"", buffer, size);
}

/* Credentials given as options, by option id. */
static WCHAR **credential_slot(struct request *request, DWORD id)
{
    switch (id)
    {
    case WINHTTP_OPTION_USERNAME:       return &request->username;
    case WINHTTP_OPTION_PASSWORD:       return &request->password;
    case WINHTTP_OPTION_PROXY_USERNAME: return &request->proxy_username;
    default:                            return &request->proxy_password;
    }
}

static BOOL query_credential(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    return copy_string_out(*credential_slot(request_from_object(obj), desc->id), buffer, size);
}

static BOOL set_credential(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    return replace_string(credential_slot(request_from_object(obj), desc->id), buffer, size);
}

/* The two ends of the connection the request last used (from SendRequest on). */
static BOOL query_connection_info(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    WINHTTP_CONNECTION_INFO info;
    BOOL have;

    memset(&info, 0, sizeof(info));
    info.cbSize = sizeof(info);
    AcquireSRWLockExclusive(&request->conn_lock);
    if ((have = request->have_addresses))
    {
        info.LocalAddress = request->local_address;
        info.RemoteAddress = request->remote_address;
    }
    ReleaseSRWLockExclusive(&request->conn_lock);
    if (!have) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    return copy_out(&info, sizeof(info), buffer, size);
}

static BOOL set_unload_event(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    if (size != sizeof(HANDLE)) return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    session_from_object(obj)->unload_event = *(HANDLE const *)buffer;
    return TRUE;
}

/* WINHTTP_OPTION_WORKER_THREAD_COUNT read on any handle: what the
 * application set (0, the default, when it set nothing), as native reads. */
static BOOL query_worker_count(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    DWORD count = task_worker_count();
    return copy_out(&count, sizeof(count), buffer, size);
}

/* WINHTTP_OPTION_CLIENT_CERT_CONTEXT on a request that is not https: native
 * refuses it as a call in the wrong state. */
static BOOL request_is_secure(struct object *obj)
{
    return request_from_object(obj)->target_secure;
}

/* ---- process-wide: WINHTTP_OPTION_HTTP_VERSION ---------------------------------- */

/* Documented as process-wide (a NULL handle); the table of handles says it
 * is also read and set through session and request handles: the same
 * value.  It is the version of the requests WinHttpOpenRequest opens
 * afterwards without one of their own: 1.1, or 1.0. */
static LONG http_minor_version = 1;

const WCHAR *http_default_version(void)
{
    return InterlockedCompareExchange(&http_minor_version, 0, 0) ? L"HTTP/1.1" : L"HTTP/1.0";
}

static BOOL query_http_version_value(void *buffer, DWORD *size)
{
    HTTP_VERSION_INFO info = { 1, (DWORD)InterlockedCompareExchange(&http_minor_version, 0, 0) };
    return copy_out(&info, sizeof(info), buffer, size);
}

/* HTTP_VERSION_INFO: the major version must be 1, the minor 1 or 0. */
static BOOL set_http_version_value(const void *buffer, DWORD size)
{
    const HTTP_VERSION_INFO *info = buffer;

    if (!buffer) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (size < sizeof(*info)) return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    if (info->dwMajorVersion != 1 || info->dwMinorVersion > 1) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    InterlockedExchange(&http_minor_version, (LONG)info->dwMinorVersion);
    TRACE("HTTP/1.%lu\n", info->dwMinorVersion);
    return TRUE;
}

static BOOL query_http_version(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    return query_http_version_value(buffer, size);
}

static BOOL set_http_version(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    return set_http_version_value(buffer, size);
}

/* WINHTTP_OPTION_WORKER_THREAD_COUNT belongs to the DLL, not to a handle:
 * documented as set on a NULL handle, once, before any asynchronous
 * operation (the pool serves every session).  So does
 * WINHTTP_OPTION_HTTP_VERSION. */
static BOOL set_global_option(DWORD option, const void *buffer, DWORD size)
{
    DWORD count;

    if (option == WINHTTP_OPTION_HTTP_VERSION)
    {
        if (!set_http_version_value(buffer, size)) return FALSE;
        SetLastError(ERROR_SUCCESS);
        return TRUE;
    }
    if (option != WINHTTP_OPTION_WORKER_THREAD_COUNT) return FAIL(ERROR_INVALID_HANDLE, FALSE);
    if (!buffer || !read_dword(buffer, size, &count)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!task_set_worker_count(count)) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

/* Queried on a NULL handle: the process-wide options. */
static BOOL query_global_option(DWORD option, void *buffer, DWORD *size)
{
    if (option != WINHTTP_OPTION_HTTP_VERSION) return FAIL(ERROR_INVALID_HANDLE, FALSE);
    if (!size) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!query_http_version_value(buffer, size)) return FALSE;
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

/* ---- a request's connection ------------------------------------------------------- */

/* WINHTTP_OPTION_EXPIRE_CONNECTION (no value): the connection the request
 * uses is closed once the request is done with it, never pooled.  A request
 * whose response has ended and whose connection has gone back to the pool
 * has none to expire any more. */
static BOOL set_expire_connection(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    struct request *request = request_from_object(obj);
    BOOL ended, attached;

    AcquireSRWLockExclusive(&request->lock);
    ended = request->state == REQUEST_RESPONSE && request->op == OP_NONE && request->body.done;
    ReleaseSRWLockExclusive(&request->lock);
    AcquireSRWLockExclusive(&request->conn_lock);
    attached = request->conn != NULL;
    ReleaseSRWLockExclusive(&request->conn_lock);
    if (ended && !attached) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    request->expire_conn = TRUE;
    return TRUE;
}

/* WINHTTP_OPTION_CONNECTION_GUID, read: the GUID of the connection the
 * request last used (each connection has its own; requests sharing a
 * keep-alive connection read the same one). */
static BOOL query_connection_guid(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    GUID guid;
    BOOL have;

    AcquireSRWLockExclusive(&request->conn_lock);
    if ((have = request->have_addresses)) guid = request->conn_guid;
    ReleaseSRWLockExclusive(&request->conn_lock);
    if (!have) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    return copy_out(&guid, sizeof(guid), buffer, size);
}

/* WINHTTP_OPTION_CONNECTION_GUID, set: documented as marking the
 * request's connection with the GUID, for MATCH_CONNECTION_GUID to find;
 * the connection attached now, and any the request takes later. */
static BOOL set_connection_guid(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    struct request *request = request_from_object(obj);

    if (size < sizeof(GUID)) return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    request->mark = *(const GUID *)buffer;
    request->mark_set = TRUE;
    AcquireSRWLockExclusive(&request->conn_lock);
    request_mark_connection(request);
    if (request->conn && request->have_addresses) request->conn_guid = request->mark;
    ReleaseSRWLockExclusive(&request->conn_lock);
    return TRUE;
}

/* WINHTTP_OPTION_MATCH_CONNECTION_GUID: a WINHTTP_MATCH_CONNECTION_GUID;
 * the pool then serves the request from a connection marked with that GUID,
 * else (unless REQUIRE_MARKED_CONNECTION) an unmarked one, else a new one. */
static BOOL set_match_connection_guid(struct object *obj, const struct option_desc *desc, const void *buffer,
                                      DWORD size)
{
    struct request *request = request_from_object(obj);
    const WINHTTP_MATCH_CONNECTION_GUID *match = buffer;

    if (size < sizeof(*match)) return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    if (match->ullFlags & ~(ULONGLONG)WINHTTP_MATCH_CONNECTION_GUID_FLAGS_MASK)
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    request->match.guid = match->ConnectionGuid;
    request->match.require_marked = !!(match->ullFlags & WINHTTP_MATCH_CONNECTION_GUID_FLAG_REQUIRE_MARKED_CONNECTION);
    request->match.active = TRUE;
    return TRUE;
}

/* ---- what a request's latest send took ------------------------------------------------ */

/* WINHTTP_OPTION_REQUEST_TIMES: cTimes says how many entries the caller
 * wants (WinHttpRequestTimeLast, usually); those this engine knows are
 * filled (QueryPerformanceCounter values), the others and those past
 * cTimes are 0, and cTimes comes back as the number filled in. */
static BOOL query_request_times(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    WINHTTP_REQUEST_TIMES *times = buffer;
    ULONG count;

    if (!buffer || *size < sizeof(*times))
    {
        *size = sizeof(*times);
        return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    }
    count = min(times->cTimes, (ULONG)WinHttpRequestTimeLast);
    memset(times->rgullTimes, 0, sizeof(times->rgullTimes));
    memcpy(times->rgullTimes, request->times, count * sizeof(ULONGLONG));
    times->cTimes = count;
    *size = sizeof(*times);
    return TRUE;
}

/* WINHTTP_OPTION_REQUEST_STATS: as the times, with cStats; ullFlags says
 * whether the request was the first on its connection, ulIndex how many
 * went before it there. */
static BOOL query_request_stats(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    WINHTTP_REQUEST_STATS *stats = buffer;
    ULONG count;

    if (!buffer || *size < sizeof(*stats))
    {
        *size = sizeof(*stats);
        return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    }
    count = min(stats->cStats, (ULONG)WinHttpRequestStatLast);
    memset(stats->rgullStats, 0, sizeof(stats->rgullStats));
    memcpy(stats->rgullStats, request->stats, count * sizeof(ULONGLONG));
    stats->cStats = count;
    stats->ullFlags = request->stat_flags;
    stats->ulIndex = request->stat_index;
    *size = sizeof(*stats);
    return TRUE;
}

/* ---- https: what the server presented ------------------------------------------ */

/* The server's certificate, once a connection has carried the request. */
static PCCERT_CONTEXT server_cert(struct request *request)
{
    PCCERT_CONTEXT cert;

    AcquireSRWLockExclusive(&request->conn_lock);
    cert = request->server_cert ? CertDuplicateCertificateContext(request->server_cert) : NULL;
    ReleaseSRWLockExclusive(&request->conn_lock);
    return cert;
}

static DWORD strength_flags(int bits)
{
    if (!bits) return 0;
    return SECURITY_FLAG_SECURE |
           (bits >= 128 ? SECURITY_FLAG_STRENGTH_STRONG : bits >= 56 ? SECURITY_FLAG_STRENGTH_MEDIUM
                                                                   : SECURITY_FLAG_STRENGTH_WEAK);
}

/* The flags the caller set, and after a handshake the strength flags. */
static BOOL query_security_flags(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    DWORD flags = obj->settings.security_flags | strength_flags(request->cipher_bits);
    return copy_out(&flags, sizeof(flags), buffer, size);
}

static BOOL query_server_cert(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    PCCERT_CONTEXT cert = server_cert(request_from_object(obj));
    BOOL ret;

    if (!cert) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    /* the caller frees the context it gets */
    if (!(ret = copy_out(&cert, sizeof(cert), buffer, size))) CertFreeCertificateContext(cert);
    return ret;
}

/* WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT: the chain built for the server's
 * certificate; the caller frees it with CertFreeCertificateChain. */
static BOOL query_server_chain(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    PCCERT_CHAIN_CONTEXT chain;
    BOOL ret;

    AcquireSRWLockExclusive(&request->conn_lock);
    chain = request->server_chain ? CertDuplicateCertificateChain(request->server_chain) : NULL;
    ReleaseSRWLockExclusive(&request->conn_lock);
    if (!chain) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    if (!(ret = copy_out(&chain, sizeof(chain), buffer, size))) CertFreeCertificateChain(chain);
    return ret;
}

static BOOL query_key_bitness(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    DWORD bits = request_from_object(obj)->cipher_bits;

    if (!bits) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    return copy_out(&bits, sizeof(bits), buffer, size);
}

/* A name of the certificate as text, LocalAlloc'ed: the caller frees it. */
static WCHAR *cert_name(PCCERT_CONTEXT cert, CERT_NAME_BLOB *name)
{
    DWORD length = CertNameToStrW(cert->dwCertEncodingType, name, CERT_SIMPLE_NAME_STR | CERT_NAME_STR_CRLF_FLAG,
                                  NULL, 0);
    WCHAR *text = LocalAlloc(0, length * sizeof(WCHAR));

    if (text) CertNameToStrW(cert->dwCertEncodingType, name, CERT_SIMPLE_NAME_STR | CERT_NAME_STR_CRLF_FLAG, text,
                             length);
    return text;
}

static BOOL query_certificate_struct(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    PCCERT_CONTEXT cert;
    WINHTTP_CERTIFICATE_INFO info;

    if (!buffer || *size < sizeof(info))
    {
        *size = sizeof(info);
        return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    }
    if (!(cert = server_cert(request))) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    memset(&info, 0, sizeof(info));
    info.ftExpiry = cert->pCertInfo->NotAfter;
    info.ftStart = cert->pCertInfo->NotBefore;
    info.lpszSubjectInfo = cert_name(cert, &cert->pCertInfo->Subject);
    info.lpszIssuerInfo = cert_name(cert, &cert->pCertInfo->Issuer);
    info.dwKeySize = request->cipher_bits;
    CertFreeCertificateContext(cert);
    memcpy(buffer, &info, sizeof(info));
    *size = sizeof(info);
    return TRUE;
}

/* WINHTTP_NO_CLIENT_CERT_CONTEXT (NULL, 0): go on without a certificate
 * when the server asks for one.  A certificate: the request keeps its own
 * reference (CertDuplicateCertificateContext, as documented) and replaces
 * the one set before.  Its private key is looked for only when a server
 * asks for the certificate: one without fails that WinHttpSendRequest with
 * ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY (WinHTTP's error list). */
static BOOL set_client_cert(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    PCCERT_CONTEXT cert = buffer;
    BYTE hash[20];
    DWORD hash_size = sizeof(hash);

    if (!request_is_secure(obj)) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    if (cert && !CertGetCertificateContextProperty(cert, CERT_HASH_PROP_ID, hash, &hash_size))
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (obj->settings.client_cert) CertFreeCertificateContext(obj->settings.client_cert);
    obj->settings.client_cert = cert ? CertDuplicateCertificateContext(cert) : NULL;
    memset(obj->settings.client_cert_hash, 0, sizeof(obj->settings.client_cert_hash));
    if (cert) memcpy(obj->settings.client_cert_hash, hash, sizeof(hash));
    obj->settings.no_client_cert = !cert;
    return TRUE;
}

/* WINHTTP_OPTION_PROXY: a request's own setting, else its session's. */
static struct proxy_setting *proxy_setting_of(struct object *obj, BOOL for_set)
{
    struct request *request;

    if (obj->type == OBJECT_SESSION) return &session_from_object(obj)->proxy;
    request = request_from_object(obj);
    if (for_set || request->proxy_set) return &request->proxy;
    return &request_session(request)->proxy;
}

/* Documented: the strings are the caller's, freed with GlobalFree. */
static BOOL query_proxy(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    const struct proxy_setting *setting = proxy_setting_of(obj, FALSE);
    WINHTTP_PROXY_INFO info = { setting->access_type };

    if (!buffer || *size < sizeof(info))
    {
        *size = sizeof(info);
        return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    }
    if ((setting->proxy && !(info.lpszProxy = proxy_global_copy(setting->proxy))) ||
        (setting->bypass && !(info.lpszProxyBypass = proxy_global_copy(setting->bypass))))
    {
        GlobalFree(info.lpszProxy);
        return FAIL(ERROR_OUTOFMEMORY, FALSE);
    }
    memcpy(buffer, &info, sizeof(info));
    *size = sizeof(info);
    return TRUE;
}

static BOOL set_proxy(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    const WINHTTP_PROXY_INFO *info = buffer;

    if (!info || size < sizeof(*info)) return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    if (info->dwAccessType != WINHTTP_ACCESS_TYPE_NO_PROXY && info->dwAccessType != WINHTTP_ACCESS_TYPE_NAMED_PROXY)
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (info->dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY && (!info->lpszProxy || !*info->lpszProxy))
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if ((info->lpszProxy && contains_crlf(info->lpszProxy, lstrlenW(info->lpszProxy))) ||
        (info->lpszProxyBypass && contains_crlf(info->lpszProxyBypass, lstrlenW(info->lpszProxyBypass))))
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!proxy_setting_set(proxy_setting_of(obj, TRUE), info->dwAccessType, info->lpszProxy, info->lpszProxyBypass))
        return FAIL(ERROR_OUTOFMEMORY, FALSE);
    if (obj->type == OBJECT_REQUEST) request_from_object(obj)->proxy_set = TRUE;
    return TRUE;
}

#define SETTING(field) offsetof(struct settings, field)
#define TIMEOUT(id, field) \
    { id, #id, SESSION | CONNECT | REQUEST, SESSION | REQUEST, SETTING(field), query_setting, set_setting, 0 }

/* WebSockets. */

static BOOL set_upgrade(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    struct request *request = request_from_object(obj);

    AcquireSRWLockExclusive(&request->lock);
    request->upgrade = TRUE;
    ReleaseSRWLockExclusive(&request->lock);
    return TRUE;
}

/* Native takes exactly a DWORD of at least 15 s, on the WebSocket handle
 * only, and cannot read it back (Wine's tests). */
static BOOL set_keepalive(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    DWORD value;

    if (size != sizeof(DWORD)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    value = *(const DWORD *)buffer;
    if (value < WS_MIN_KEEPALIVE) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    websocket_set_keepalive(websocket_from_object(obj), value);
    return TRUE;
}

static const struct option_desc options[] =
{
    { WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT, "UNLOAD_NOTIFY_EVENT", 0, SESSION, NO_OFFSET, NULL, set_unload_event, 0 },
    { WINHTTP_OPTION_CALLBACK, "CALLBACK", ALL_TYPES, 0, NO_OFFSET, query_callback, NULL, 0 },
    { WINHTTP_OPTION_CONTEXT_VALUE, "CONTEXT_VALUE", ALL_TYPES, ALL_TYPES, NO_OFFSET, query_context, set_context, 0 },
    { WINHTTP_OPTION_HANDLE_TYPE, "HANDLE_TYPE", ALL_TYPES, 0, NO_OFFSET, query_handle_type, NULL, 0 },
    { WINHTTP_OPTION_PARENT_HANDLE, "PARENT_HANDLE", ALL_TYPES, 0, NO_OFFSET, query_parent, NULL, 0 },
    { WINHTTP_OPTION_URL, "URL", REQUEST, 0, NO_OFFSET, query_url, NULL, 0 },
    { WINHTTP_OPTION_CONNECTION_INFO, "CONNECTION_INFO", REQUEST, 0, NO_OFFSET, query_connection_info, NULL, 0 },
    { WINHTTP_OPTION_USER_AGENT, "USER_AGENT", SESSION, SESSION, NO_OFFSET, query_user_agent, set_user_agent, 0 },
    { WINHTTP_OPTION_USERNAME, "USERNAME", REQUEST, REQUEST, NO_OFFSET, query_credential, set_credential, 0 },
    { WINHTTP_OPTION_PASSWORD, "PASSWORD", REQUEST, REQUEST, NO_OFFSET, query_credential, set_credential, 0 },
    { WINHTTP_OPTION_PROXY, "PROXY", SESSION | REQUEST, SESSION | REQUEST, NO_OFFSET, query_proxy, set_proxy, 0 },
    { WINHTTP_OPTION_PROXY_USERNAME, "PROXY_USERNAME", REQUEST, REQUEST, NO_OFFSET, query_credential, set_credential, 0 },
    { WINHTTP_OPTION_PROXY_PASSWORD, "PROXY_PASSWORD", REQUEST, REQUEST, NO_OFFSET, query_credential, set_credential, 0 },
    TIMEOUT(WINHTTP_OPTION_RESOLVE_TIMEOUT, resolve_timeout),
    TIMEOUT(WINHTTP_OPTION_CONNECT_TIMEOUT, connect_timeout),
    TIMEOUT(WINHTTP_OPTION_SEND_TIMEOUT, send_timeout),
    TIMEOUT(WINHTTP_OPTION_RECEIVE_TIMEOUT, receive_timeout),
    TIMEOUT(WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, receive_response_timeout),
    { WINHTTP_OPTION_REDIRECT_POLICY, "REDIRECT_POLICY", SESSION | REQUEST, SESSION | REQUEST,
      SETTING(redirect_policy), query_setting, set_setting, WINHTTP_OPTION_REDIRECT_POLICY_LAST },
    { WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, "MAX_HTTP_AUTOMATIC_REDIRECTS", SESSION | REQUEST,
      SESSION | REQUEST, SETTING(max_redirects), query_setting, set_setting, 0 },
    { WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE, "MAX_RESPONSE_HEADER_SIZE", SESSION | REQUEST, SESSION | REQUEST,
      SETTING(max_response_header_size), query_setting, set_nonzero, 0 },
    { WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE, "MAX_RESPONSE_DRAIN_SIZE", SESSION | REQUEST, SESSION | REQUEST,
      SETTING(max_response_drain_size), query_setting, set_setting, 0 },
    { WINHTTP_OPTION_MAX_CONNS_PER_SERVER, "MAX_CONNS_PER_SERVER", SESSION, SESSION,
      SETTING(max_conns_per_server), query_setting, set_nonzero, 0 },
    { WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER, "MAX_CONNS_PER_1_0_SERVER", SESSION, SESSION,
      SETTING(max_conns_per_1_0_server), query_setting, set_nonzero, 0 },
    { WINHTTP_OPTION_DISABLE_FEATURE, "DISABLE_FEATURE", 0, REQUEST, SETTING(disabled_features), NULL,
      set_feature_bits, WINHTTP_DISABLE_COOKIES | WINHTTP_DISABLE_REDIRECTS | WINHTTP_DISABLE_AUTHENTICATION |
      WINHTTP_DISABLE_KEEP_ALIVE },
    { WINHTTP_OPTION_ENABLE_FEATURE, "ENABLE_FEATURE", 0, SESSION | REQUEST, SETTING(enabled_features), NULL,
      set_feature_bits, WINHTTP_ENABLE_SSL_REVOCATION | WINHTTP_ENABLE_SSL_REVERT_IMPERSONATION },
    { WINHTTP_OPTION_CLIENT_CERT_CONTEXT, "CLIENT_CERT_CONTEXT", 0, REQUEST, NO_OFFSET, NULL, set_client_cert, 0 },
    { WINHTTP_OPTION_SERVER_CERT_CONTEXT, "SERVER_CERT_CONTEXT", REQUEST, 0, NO_OFFSET, query_server_cert, NULL,
      0 },
    { WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT, "SERVER_CERT_CHAIN_CONTEXT", REQUEST, 0, NO_OFFSET,
      query_server_chain, NULL, 0 },
    { WINHTTP_OPTION_SECURITY_KEY_BITNESS, "SECURITY_KEY_BITNESS", REQUEST, 0, NO_OFFSET, query_key_bitness, NULL,
      0 },
    { WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT, "SECURITY_CERTIFICATE_STRUCT", REQUEST, 0, NO_OFFSET,
      query_certificate_struct, NULL, 0 },
    { WINHTTP_OPTION_SECURITY_FLAGS, "SECURITY_FLAGS", REQUEST, REQUEST, SETTING(security_flags), query_security_flags,
      set_flag_subset, SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID |
      SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE },
    { WINHTTP_OPTION_SECURE_PROTOCOLS, "SECURE_PROTOCOLS", SESSION, SESSION, SETTING(secure_protocols),
      query_setting, set_flag_subset, WINHTTP_FLAG_SECURE_PROTOCOL_ALL | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1 |
      WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3 },
    { WINHTTP_OPTION_AUTOLOGON_POLICY, "AUTOLOGON_POLICY", 0, REQUEST, SETTING(autologon_policy), NULL,
      set_setting, WINHTTP_AUTOLOGON_SECURITY_LEVEL_MAX },
    { WINHTTP_OPTION_SPN, "SPN", 0, SESSION | REQUEST, SETTING(spn), NULL, set_flag_subset, WINHTTP_OPTION_SPN_MASK },
    { WINHTTP_OPTION_SERVER_SPN_USED, "SERVER_SPN_USED", REQUEST, 0, NO_OFFSET, query_spn_used, NULL, 0 },
    { WINHTTP_OPTION_PROXY_SPN_USED, "PROXY_SPN_USED", REQUEST, 0, NO_OFFSET, query_spn_used, NULL, 0 },
    { WINHTTP_OPTION_WORKER_THREAD_COUNT, "WORKER_THREAD_COUNT", ALL_TYPES, 0, NO_OFFSET, query_worker_count, NULL,
      0 },
    { WINHTTP_OPTION_CONNECT_RETRIES, "CONNECT_RETRIES", SESSION | CONNECT | REQUEST, SESSION | REQUEST,
      SETTING(connect_retries), query_setting, set_setting, 0 },
    { WINHTTP_OPTION_DECOMPRESSION, "DECOMPRESSION", 0, SESSION | REQUEST, SETTING(decompression), NULL,
      set_flag_subset, WINHTTP_DECOMPRESSION_FLAG_ALL },
    { WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, "UPGRADE_TO_WEB_SOCKET", 0, REQUEST, NO_OFFSET, NULL, set_upgrade, 0 },
    { WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, "WEB_SOCKET_RECEIVE_BUFFER_SIZE", SESSION | REQUEST,
      SESSION | REQUEST, SETTING(ws_receive_buffer_size), query_setting, set_setting, 0 },
    { WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, "WEB_SOCKET_SEND_BUFFER_SIZE", SESSION | REQUEST, SESSION | REQUEST,
      SETTING(ws_send_buffer_size), query_setting, set_setting, 0 },
    { WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, "WEB_SOCKET_CLOSE_TIMEOUT", SESSION | REQUEST | WEBSOCKET,
      SESSION | REQUEST | WEBSOCKET, SETTING(ws_close_timeout), query_setting, set_setting, 0 },
    { WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, "WEB_SOCKET_KEEPALIVE_INTERVAL", 0, WEBSOCKET, NO_OFFSET, NULL,
      set_keepalive, 0 },
    { WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH, "CONFIGURE_PASSPORT_AUTH", 0, SESSION, SETTING(passport_flags), NULL,
      set_flag_subset, WINHTTP_ENABLE_PASSPORT_AUTH | WINHTTP_DISABLE_PASSPORT_KEYRING |
      WINHTTP_ENABLE_PASSPORT_KEYRING },
    { WINHTTP_OPTION_HTTP_VERSION, "HTTP_VERSION", SESSION | CONNECT | REQUEST, SESSION | REQUEST, NO_OFFSET,
      query_http_version, set_http_version, 0 },
    { WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, "MAX_HTTP_STATUS_CONTINUE", SESSION | CONNECT | REQUEST,
      SESSION | REQUEST, SETTING(max_status_continue), query_setting, set_setting, 0 },
    { WINHTTP_OPTION_EXPIRE_CONNECTION, "EXPIRE_CONNECTION", 0, REQUEST, NO_OFFSET, NULL, set_expire_connection, 0 },
    { WINHTTP_OPTION_CONNECTION_GUID, "CONNECTION_GUID", REQUEST, REQUEST, NO_OFFSET, query_connection_guid,
      set_connection_guid, 0 },
    { WINHTTP_OPTION_MATCH_CONNECTION_GUID, "MATCH_CONNECTION_GUID", 0, REQUEST, NO_OFFSET, NULL,
      set_match_connection_guid, 0 },
    { WINHTTP_OPTION_REQUEST_TIMES, "REQUEST_TIMES", REQUEST, 0, NO_OFFSET, query_request_times, NULL, 0 },
    { WINHTTP_OPTION_REQUEST_STATS, "REQUEST_STATS", REQUEST, 0, NO_OFFSET, query_request_stats, NULL, 0 },
    /* documented as having no effect: kept and read back */
    { WINHTTP_OPTION_READ_BUFFER_SIZE, "READ_BUFFER_SIZE", REQUEST, REQUEST, SETTING(read_buffer_size),
      query_setting, set_setting, 0 },
    { WINHTTP_OPTION_WRITE_BUFFER_SIZE, "WRITE_BUFFER_SIZE", REQUEST, REQUEST, SETTING(write_buffer_size),
      query_setting, set_setting, 0 },
    /* a BOOL that lets WinHTTP stop guaranteeing progress while callbacks
     * block; this engine keeps the guarantee either way */
    { WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS, "ASSURED_NON_BLOCKING_CALLBACKS", 0, SESSION,
      SETTING(assured_non_blocking), NULL, set_setting, 0 },
};

static const struct option_desc *find_option(DWORD id)
{
    for (size_t i = 0; i < ARRAY_SIZE(options); i++)
        if (options[i].id == id) return &options[i];
    return NULL;
}

BOOL WINAPI WinHttpQueryOption(HINTERNET handle, DWORD option, void *buffer, DWORD *size)
{
    const struct option_desc *desc = find_option(option);
    struct object *obj;
    BOOL ret;

    TRACE("%p, %lu (%s), %p, %p\n", handle, option, desc ? desc->name : "?", buffer, size);

    if (!handle) return query_global_option(option, buffer, size);
    if (!(obj = handle_ref(handle))) return FALSE;
    /* native: an option that cannot be queried (unknown, or write-only such
     * as DISABLE_FEATURE) is a bad parameter, not ERROR_WINHTTP_INVALID_OPTION */
    if (!desc || !desc->query)
        ret = FAIL(ERROR_INVALID_PARAMETER, FALSE);
    else if (!(TYPE_BIT(obj->type) & desc->query_types))
        ret = FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, FALSE);
    else if (!size)
        ret = FAIL(ERROR_INVALID_PARAMETER, FALSE);
    else
        ret = desc->query(obj, desc, buffer, size);
    object_release(obj);
    if (ret) SetLastError(ERROR_SUCCESS);
    return ret;
}

BOOL WINAPI WinHttpSetOption(HINTERNET handle, DWORD option, void *buffer, DWORD size)
{
    const struct option_desc *desc = find_option(option);
    struct object *obj;
    BOOL ret;

    TRACE("%p, %lu (%s), %p, %lu\n", handle, option, desc ? desc->name : "?", buffer, size);

    if (!handle) return set_global_option(option, buffer, size);
    if (!(obj = handle_ref(handle))) return FALSE;
    if (!desc || !desc->set)
        ret = FAIL(ERROR_WINHTTP_INVALID_OPTION, FALSE);
    else if (!(TYPE_BIT(obj->type) & desc->set_types))
        ret = FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, FALSE);
    else if (!buffer && size)
        ret = FAIL(ERROR_INVALID_PARAMETER, FALSE);
    else if (!buffer && desc->offset != NO_OFFSET)
        ret = FAIL(ERROR_INVALID_PARAMETER, FALSE);
    else
        ret = desc->set(obj, desc, buffer, size);
    object_release(obj);
    if (ret) SetLastError(ERROR_SUCCESS);
    return ret;
}
