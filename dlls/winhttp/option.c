/* WinHttpSetOption and WinHttpQueryOption.
 *
 * One table says, for each option, on which handle types it may be queried
 * and set, and how its value is stored.  Plain numeric settings live in
 * struct settings (inherited by children); the rest have accessors.
 */
#include <stddef.h>
#include <winsock2.h>
#include <mstcpip.h>
#ifndef SECURITY_WIN32
#define SECURITY_WIN32      /* sspi.h: SecPkgContext_Bindings (WINHTTP_OPTION_SERVER_CBT) */
#endif
#include <sspi.h>

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
/* On a NULL handle: an option of the DLL itself, not of a handle; its
 * handlers are called with obj NULL. */
#define PROCESS (1u << 31)
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
static BOOL has_room(const void *buffer, DWORD *size, DWORD needed)
{
    if (buffer && *size >= needed) return TRUE;
    *size = needed;
    return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
}

/* A fixed-size value out, by that protocol. */
static BOOL copy_out(const void *value, DWORD value_size, void *buffer, DWORD *size)
{
    if (!has_room(buffer, size, value_size)) return FALSE;
    memcpy(buffer, value, value_size);
    *size = value_size;
    return TRUE;
}

/* Strings: the size needed counts the terminator, the size returned on
 * success does not. */
static BOOL copy_string_out(const WCHAR *str, void *buffer, DWORD *size)
{
    DWORD length = str ? lstrlenW(str) : 0, needed = (length + 1) * sizeof(WCHAR);

    if (!has_room(buffer, size, needed)) return FALSE;
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

/* WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL: HTTP/2 is offered by ALPN to TLS
 * servers; HTTP/3 is not spoken here, and asking for it as well leaves the
 * request on HTTP/2 or HTTP/1.1, as native's own fallback does. */
static BOOL set_http_protocols(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    DWORD value;

    if (!read_dword(buffer, size, &value)) return FALSE;
    if (value & ~(WINHTTP_PROTOCOL_FLAG_HTTP2 | WINHTTP_PROTOCOL_FLAG_HTTP3)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (value & WINHTTP_PROTOCOL_FLAG_HTTP3) FIXME("HTTP/3 is not supported: HTTP/2 or HTTP/1.1 instead\n");
    obj->settings.http_protocols = value & WINHTTP_PROTOCOL_FLAG_HTTP2;
    return TRUE;
}

/* WINHTTP_OPTION_HTTP2_RECEIVE_WINDOW: a stream's receive window, between
 * RFC 9113's default and its largest (our reading; the limits are not
 * documented).  The update delta is kept: nghttp2 sends WINDOW_UPDATE once
 * half a window is read, whatever it says. */
static BOOL set_h2_window(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    const WINHTTP_HTTP2_RECEIVE_WINDOW *window = buffer;

    if (size != sizeof(*window)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (window->ulStreamWindow < 65535 || window->ulStreamWindow > 0x7fffffff ||
        window->ulStreamWindowUpdateDelta > window->ulStreamWindow)
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    obj->settings.h2_receive_window = window->ulStreamWindow;
    return TRUE;
}

/* WINHTTP_OPTION_STREAM_ERROR_CODE: the HTTP/2 error code the server reset
 * the last send's stream with (RST_STREAM or GOAWAY), 0 when none. */
static BOOL query_stream_error(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    DWORD code = request_from_object(obj)->h2_error_code;

    return copy_out(&code, sizeof(code), buffer, size);
}

/* WINHTTP_OPTION_HTTP_PROTOCOL_USED: the protocol of the last send. */
static BOOL query_protocol_used(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    DWORD used = request_from_object(obj)->h2_used ? WINHTTP_PROTOCOL_FLAG_HTTP2 : 0;

    return copy_out(&used, sizeof(used), buffer, size);
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

static BOOL query_http_version(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    HTTP_VERSION_INFO info = { 1, (DWORD)InterlockedCompareExchange(&http_minor_version, 0, 0) };
    return copy_out(&info, sizeof(info), buffer, size);
}

/* HTTP_VERSION_INFO: the major version must be 1, the minor 1 or 0. */
static BOOL set_http_version(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    const HTTP_VERSION_INFO *info = buffer;

    if (!buffer) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (size < sizeof(*info)) return FAIL(ERROR_INSUFFICIENT_BUFFER, FALSE);
    if (info->dwMajorVersion != 1 || info->dwMinorVersion > 1) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    InterlockedExchange(&http_minor_version, (LONG)info->dwMinorVersion);
    TRACE("HTTP/1.%lu\n", info->dwMinorVersion);
    return TRUE;
}

/* WINHTTP_OPTION_WORKER_THREAD_COUNT belongs to the DLL, not to a handle:
 * documented as set on a NULL handle, once, before any asynchronous
 * operation (the pool serves every session). */
static BOOL set_worker_count(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    DWORD count;

    if (!buffer || !read_dword(buffer, size, &count)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!task_set_worker_count(count)) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
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

    if (!has_room(buffer, size, sizeof(*times))) return FALSE;
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

    if (!has_room(buffer, size, sizeof(*stats))) return FALSE;
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

    if (!has_room(buffer, size, sizeof(info))) return FALSE;
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

/* ---- https: the TLS options of issue 14 ------------------------------------------ */

/* WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST, after a send failed with
 * ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED: the buffer receives a pointer to a
 * SecPkgContext_IssuerListInfoEx, the CAs the server named in its
 * CertificateRequest (none: cIssuers 0), in one block the caller frees
 * with GlobalFree (the documentation's example).  Without such a failure
 * there is no list: ERROR_WINHTTP_INCORRECT_HANDLE_STATE. */
static BOOL query_issuer_list(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    const struct tls_issuers *issuers;
    SecPkgContext_IssuerListInfoEx *list = NULL;
    CERT_NAME_BLOB *blobs;
    BYTE *der;

    AcquireSRWLockExclusive(&request->conn_lock);
    if ((issuers = request->issuers) && buffer && *size >= sizeof(list))
        list = GlobalAlloc(GMEM_FIXED, sizeof(*list) + issuers->count * sizeof(*blobs) + issuers->size);
    if (!list)
    {
        ReleaseSRWLockExclusive(&request->conn_lock);
        if (!issuers) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
        if (!has_room(buffer, size, sizeof(list))) return FALSE;
        return FAIL(ERROR_OUTOFMEMORY, FALSE);
    }
    blobs = (CERT_NAME_BLOB *)(list + 1);
    der = (BYTE *)(blobs + issuers->count);
    memcpy(der, issuers->der, issuers->size);
    for (DWORD i = 0; i < issuers->count; der += issuers->lengths[i++])
    {
        blobs[i].cbData = issuers->lengths[i];
        blobs[i].pbData = der;
    }
    list->aIssuers = issuers->count ? blobs : NULL;
    list->cIssuers = issuers->count;
    ReleaseSRWLockExclusive(&request->conn_lock);
    TRACE("%lu issuers\n", list->cIssuers);
    memcpy(buffer, &list, sizeof(list));
    *size = sizeof(list);
    return TRUE;
}

/* WINHTTP_OPTION_SECURITY_INFO: WINHTTP_SECURITY_INFO, Schannel's
 * connection and cipher information (tls_describe), once a connection
 * has carried the request. */
struct security_info
{
    SecPkgContext_ConnectionInfo ConnectionInfo;    /* WINHTTP_SECURITY_INFO's layout */
    SecPkgContext_CipherInfo CipherInfo;
};

static BOOL query_security_info(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    struct tls_summary summary;
    struct security_info info;

    AcquireSRWLockExclusive(&request->conn_lock);
    summary = request->tls_summary;
    ReleaseSRWLockExclusive(&request->conn_lock);
    if (!has_room(buffer, size, sizeof(info))) return FALSE;
    if (!summary.cipher) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    tls_describe(&summary, &info.ConnectionInfo, &info.CipherInfo);
    TRACE("protocol %#lx, %s\n", info.CipherInfo.dwProtocol, debugstr_w(info.CipherInfo.szCipherSuite));
    memcpy(buffer, &info, sizeof(info));
    *size = sizeof(info);
    return TRUE;
}

/* WINHTTP_OPTION_SERVER_CBT: the channel binding token, as Schannel's
 * endpoint bindings: RFC 5929's tls-server-end-point ("tls-server-end-point:"
 * and the hash of the server's certificate) after a SEC_CHANNEL_BINDINGS
 * whose other members are 0.  All in the caller's buffer: a
 * SecPkgContext_Bindings whose Bindings points just after it; a NULL or
 * short buffer learns the size (the documentation's two calls). */
static BOOL query_server_cbt(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    static const char prefix[] = "tls-server-end-point:";
    PCCERT_CONTEXT cert = server_cert(request_from_object(obj));
    BYTE hash[64];
    DWORD hash_size = sizeof(hash), data, needed;
    SecPkgContext_Bindings *bindings = buffer;
    SEC_CHANNEL_BINDINGS *channel;
    BOOL hashed;

    if (!cert) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    hashed = tls_endpoint_hash(cert->pbCertEncoded, cert->cbCertEncoded, hash, &hash_size);
    CertFreeCertificateContext(cert);
    if (!hashed) return FAIL(ERROR_WINHTTP_SECURE_CHANNEL_ERROR, FALSE);
    data = sizeof(prefix) - 1 + hash_size;
    needed = sizeof(*bindings) + sizeof(*channel) + data;
    if (!has_room(buffer, size, needed)) return FALSE;
    channel = (SEC_CHANNEL_BINDINGS *)(bindings + 1);
    memset(channel, 0, sizeof(*channel));
    channel->cbApplicationDataLength = data;
    channel->dwApplicationDataOffset = sizeof(*channel);
    memcpy(channel + 1, prefix, sizeof(prefix) - 1);
    memcpy((BYTE *)(channel + 1) + sizeof(prefix) - 1, hash, hash_size);
    bindings->BindingsLength = sizeof(*channel) + data;
    bindings->Bindings = channel;
    TRACE("%lu bytes of binding\n", data);
    *size = needed;
    return TRUE;
}

/* WINHTTP_OPTION_ENABLE_TEST_SIGNING: in no documentation (Microsoft's
 * header has only its number), so nothing says what it would switch on;
 * refused as an option this WinHTTP does not support, which the option
 * flags page says is ERROR_WINHTTP_INVALID_OPTION (see README). */
static BOOL set_refused(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    TRACE("%s: undocumented, not supported\n", desc->name);
    return FAIL(ERROR_WINHTTP_INVALID_OPTION, FALSE);
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

    if (!has_room(buffer, size, sizeof(info))) return FALSE;
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

/* ---- connections: how sockets are made, which are pooled ------------------------------ */

/* WINHTTP_OPTION_TCP_KEEPALIVE (session): a struct tcp_keepalive, whose
 * times are in milliseconds; the session's requests open their sockets
 * with it from then on (socket.c: SIO_KEEPALIVE_VALS). */
static BOOL set_tcp_keepalive(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    const struct tcp_keepalive *value = buffer;

    if (size != sizeof(*value)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    obj->settings.tcp_keepalive = !!value->onoff;
    obj->settings.tcp_keepalive_time = value->keepalivetime;
    obj->settings.tcp_keepalive_interval = value->keepaliveinterval;
    TRACE("keep-alive %lu, %lu ms, every %lu ms\n", value->onoff, value->keepalivetime, value->keepaliveinterval);
    return TRUE;
}

/* WINHTTP_OPTION_DISABLE_GLOBAL_POOLING (session, BOOL): idle connections
 * of the session's requests stay the session's (pool.c). */
static BOOL set_global_pooling(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    DWORD value;

    if (!read_dword(buffer, size, &value)) return FALSE;
    pool_set_private(&session_from_object(obj)->pool, !!value);
    return TRUE;
}

/* WINHTTP_OPTION_SOURCE_ADDRESS: the local address the sockets are bound
 * to before they connect.  Not in the option table of the documentation:
 * a SOCKADDR_IN or SOCKADDR_IN6 is taken, alone or at the start of a
 * SOCKADDR_INET or SOCKADDR_STORAGE (the size says which fits). */
static BOOL set_source_address(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    const SOCKADDR *address = buffer;
    DWORD needed;

    if (size < sizeof(address->sa_family) || size > sizeof(SOCKADDR_STORAGE)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (address->sa_family == AF_INET) needed = sizeof(SOCKADDR_IN);
    else if (address->sa_family == AF_INET6) needed = sizeof(SOCKADDR_IN6);
    else return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (size < needed) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    memset(&obj->settings.source_address, 0, sizeof(obj->settings.source_address));
    memcpy(&obj->settings.source_address, buffer, needed);
    return TRUE;
}

/* WINHTTP_OPTION_RESOLUTION_HOSTNAME (request, before it is sent): the
 * name looked up instead of the URL's host; the Host header, certificate
 * checks and pooling by host stay the URL's (route.h).  Sized in
 * characters, as the other strings; an empty one clears it. */
static BOOL set_resolution_hostname(struct object *obj, const struct option_desc *desc, const void *buffer,
                                    DWORD size)
{
    struct request *request = request_from_object(obj);
    BOOL sent;

    AcquireSRWLockExclusive(&request->lock);
    sent = request->state != REQUEST_OPEN || request->op != OP_NONE;
    ReleaseSRWLockExclusive(&request->lock);
    if (sent) return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_STATE, FALSE);
    if (buffer && contains_crlf(buffer, size)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!replace_string(&request->resolution_host, buffer, size)) return FALSE;
    if (!*request->resolution_host)
    {
        heap_free(request->resolution_host);
        request->resolution_host = NULL;
    }
    TRACE("resolving %s\n", debugstr_w(request->resolution_host));
    return TRUE;
}

/* WINHTTP_OPTION_FAILED_CONNECTION_RETRIES: how often a request goes
 * again when a condition of WINHTTP_CONNECTION_RETRY_CONDITION_* meets it
 * (send.c, receive.c). */
static BOOL set_failed_retries(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    const WINHTTP_FAILED_CONNECTION_RETRIES *value = buffer;
    const DWORD known = WINHTTP_CONNECTION_RETRY_CONDITION_408 | WINHTTP_CONNECTION_RETRY_CONDITION_SSL_HANDSHAKE |
                        WINHTTP_CONNECTION_RETRY_CONDITION_STALE_CONNECTION;

    if (size != sizeof(*value) || (value->dwAllowedRetryConditions & ~known))
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    obj->settings.retry_max = value->dwMaxRetries;
    obj->settings.retry_conditions = value->dwAllowedRetryConditions;
    return TRUE;
}

/* WINHTTP_OPTION_RESOLVER_CACHE_CONFIG (session): kept.  This engine has
 * no cache of its own (every connection asks GetAddrInfoExW), so
 * BYPASS_CACHE holds by construction and the limits bound nothing. */
static BOOL set_resolver_cache(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    const WINHTTP_RESOLVER_CACHE_CONFIG *value = buffer;
    const ULONGLONG known = WINHTTP_RESOLVER_CACHE_CONFIG_FLAG_SOFT_LIMIT |
                            WINHTTP_RESOLVER_CACHE_CONFIG_FLAG_BYPASS_CACHE |
                            WINHTTP_RESOLVER_CACHE_CONFIG_FLAG_USE_DNS_TTL |
                            WINHTTP_RESOLVER_CACHE_CONFIG_FLAG_CONN_USE_TTL;

    if (size != sizeof(*value) || (value->ullFlags & ~known) || (DWORD)value->SecureDnsSetting >=
        (DWORD)WinHttpSecureDnsSettingMax)
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    obj->settings.resolver_cache = *value;
    return TRUE;
}

/* WINHTTP_OPTION_EXTENDED_ERROR: documented as the Winsock error behind
 * the ERROR_WINHTTP_* error last returned on this thread, whatever the
 * handle, NULL too. */
static BOOL query_extended_error(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    DWORD error = winsock_last_error();
    return copy_out(&error, sizeof(error), buffer, size);
}

/* WINHTTP_OPTION_CONNECTION_STATS_V0/V1/V2: SIO_TCP_INFO of the
 * connection the request holds now (one that went back to the pool is no
 * longer the request's; over HTTP/2, the one its stream is on).  Wine 8 has no SIO_TCP_INFO: ERROR_NOT_SUPPORTED,
 * and WSAEOPNOTSUPP as the extended error. */
static BOOL query_connection_stats(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    DWORD version = desc->id == WINHTTP_OPTION_CONNECTION_STATS_V0 ? 0
                    : desc->id == WINHTTP_OPTION_CONNECTION_STATS_V1 ? 1 : 2;
    DWORD needed = socket_tcp_info_size(version), returned = 0, error;
    struct connection *wire;

    if (!has_room(buffer, size, needed)) return FALSE;
    AcquireSRWLockExclusive(&request->conn_lock);
    if (!(wire = request_wire(request))) error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else error = socket_stream_tcp_info(wire->socket, version, buffer, version == 2 ? *size : needed, &returned);
    ReleaseSRWLockExclusive(&request->conn_lock);
    if (error) return FAIL(error, FALSE);
    *size = returned;
    return TRUE;
}

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

/* ---- HTTP options of issue 14 ----------------------------------------------------- */

/* WINHTTP_OPTION_CODEPAGE: documented as setting the code page the URL's
 * query string is processed in, UTF-8 by default (send.c converts the
 * query's characters with it).  A code page WideCharToMultiByte cannot
 * use is refused: the docs are silent there, and that is our judgement. */
static BOOL set_codepage(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    DWORD value;

    if (!read_dword(buffer, size, &value)) return FALSE;
    if (value != CP_ACP && value != CP_OEMCP && value != CP_MACCP && value != CP_THREAD_ACP &&
        !IsValidCodePage(value))
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    TRACE("code page %lu\n", value);
    *setting_ptr(obj, desc) = value;
    return TRUE;
}

/* ---- more options of issue 14: see README, "Connection options" and "Options" -------- */

/* WINHTTP_OPTION_REQUEST_ANNOTATION (request): documented as a string the
 * caller attaches to the request and reads back later; sized in
 * characters as the other strings, at most
 * WINHTTP_OPTION_REQUEST_ANNOTATION_MAX_LENGTH; an empty one clears it. */
static BOOL set_annotation(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    struct request *request = request_from_object(obj);

    if (size > WINHTTP_OPTION_REQUEST_ANNOTATION_MAX_LENGTH) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!replace_string(&request->annotation, buffer, size)) return FALSE;
    if (!*request->annotation)
    {
        heap_free(request->annotation);
        request->annotation = NULL;
    }
    return TRUE;
}

static BOOL query_annotation(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    return copy_string_out(request_from_object(obj)->annotation, buffer, size);
}

/* WINHTTP_OPTION_IS_PROXY_CONNECT_RESPONSE (session and request, BOOL):
 * on a request, whether its response is the proxy's answer to CONNECT
 * (a 407, or with RECEIVE_PROXY_CONNECT_RESPONSE any refusal); on a
 * session, whether RECEIVE_PROXY_CONNECT_RESPONSE is on, that is whether
 * such a response can be retrieved (our reading of the one sentence). */
static BOOL query_is_proxy_connect(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    BOOL value = obj->type == OBJECT_REQUEST ? request_from_object(obj)->proxy_replied
                                            : !!obj->settings.receive_proxy_connect;
    return copy_out(&value, sizeof(value), buffer, size);
}

/* A DWORD up to desc->max_value, stored plus one so that 0 means "not
 * set" (TCP_PRIORITY_HINT, DSCP_TAG). */
static BOOL set_plus_one(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    DWORD value;

    if (!read_dword(buffer, size, &value)) return FALSE;
    if (value > desc->max_value) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    *setting_ptr(obj, desc) = value + 1;
    return TRUE;
}

/* WINHTTP_OPTION_TCP_PRIORITY_HINT (session and request; a
 * SOCKET_PRIORITY_HINT: 0 very low, 1 low, 2 normal): new sockets get it
 * (SIO_SET_PRIORITY_HINT), and so does the connection a request holds. */
static BOOL set_priority_hint(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    struct request *request;

    if (!set_plus_one(obj, desc, buffer, size)) return FALSE;
    if (obj->type != OBJECT_REQUEST) return TRUE;
    request = request_from_object(obj);
    AcquireSRWLockExclusive(&request->conn_lock);
    if (request->conn) socket_stream_set_priority(request->conn->socket, obj->settings.tcp_priority_hint - 1);
    ReleaseSRWLockExclusive(&request->conn_lock);
    return TRUE;
}

/* WINHTTP_OPTION_TCP_PRIORITY_STATUS (request, query): documented as the
 * hinted priority of the socket; a DWORD here (the layout is not given):
 * the hint the socket of the request's connection (over HTTP/2, its
 * stream's) took, the stack's normal
 * one when none was asked.  ERROR_WINHTTP_INCORRECT_HANDLE_STATE without a
 * connection; ERROR_NOT_SUPPORTED where the stack refused the hint (Wine 8),
 * its Winsock error then in EXTENDED_ERROR. */
static BOOL query_priority_status(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    struct request *request = request_from_object(obj);
    struct connection *wire;
    DWORD hint = 0, error;

    if (!has_room(buffer, size, sizeof(DWORD))) return FALSE;
    AcquireSRWLockExclusive(&request->conn_lock);
    wire = request_wire(request);
    error = wire ? socket_stream_priority(wire->socket, &hint) : ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    ReleaseSRWLockExclusive(&request->conn_lock);
    if (error) return FAIL(error, FALSE);
    return copy_out(&hint, sizeof(hint), buffer, size);
}

/* WINHTTP_OPTION_NETWORK_INTERFACE_AFFINITY (session and request): an
 * interface index; the sockets are bound to an address of that interface
 * (its first IPv4 one, else IPv6) unless SOURCE_ADDRESS names one.  The
 * address is looked up here, once, not for every request.  An index no
 * interface has is refused; 0 clears it. */
static BOOL set_interface(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    SOCKADDR_STORAGE address = { 0 };
    DWORD value;

    if (!read_dword(buffer, size, &value)) return FALSE;
    if (value && !socket_interface_address(value, AF_UNSPEC, &address)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    obj->settings.interface_address = address;
    return TRUE;
}

/* WINHTTP_OPTION_ERROR_LOG_GUID (request) and SESSION_ERROR_LOG_GUID
 * (session): not described by the documentation; by the names, a GUID that
 * tags Windows' own error log entries for the request or session.  This
 * DLL writes no such log (it traces through WINEDEBUG): the GUID is kept
 * and read back, inherited by the session's later requests. */
static BOOL set_error_log_guid(struct object *obj, const struct option_desc *desc, const void *buffer, DWORD size)
{
    if (size != sizeof(GUID)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    obj->settings.error_log_guid = *(const GUID *)buffer;
    return TRUE;
}

static BOOL query_error_log_guid(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    return copy_out(&obj->settings.error_log_guid, sizeof(GUID), buffer, size);
}

static const struct option_desc *find_option(DWORD id);

/* WINHTTP_OPTION_FEATURE_SUPPORTED: documented as checking whether this
 * version of WinHTTP supports a feature.  The caller's buffer holds a
 * WINHTTP_FEATURE_* number; the answer replaces it, a BOOL (the docs give
 * no layout: that is our reading).  A feature named after an option is
 * supported when the option table has that option, so the answer follows
 * the table; the others are listed with what this DLL has. */
static const struct
{
    DWORD feature;
    DWORD option;       /* the option it names, or 0 */
    BOOL supported;     /* for the others */
}
features[] =
{
    { WINHTTP_FEATURE_DISABLE_STREAM_QUEUE, WINHTTP_OPTION_DISABLE_STREAM_QUEUE },
    { WINHTTP_FEATURE_IPV6_FAST_FALLBACK, WINHTTP_OPTION_IPV6_FAST_FALLBACK },
    { WINHTTP_FEATURE_CONNECTION_STATS_V0, WINHTTP_OPTION_CONNECTION_STATS_V0 },
    { WINHTTP_FEATURE_REQUEST_TIMES, WINHTTP_OPTION_REQUEST_TIMES },
    { WINHTTP_FEATURE_EXPIRE_CONNECTION, WINHTTP_OPTION_EXPIRE_CONNECTION },
    { WINHTTP_FEATURE_DISABLE_SECURE_PROTOCOL_FALLBACK, WINHTTP_OPTION_DISABLE_SECURE_PROTOCOL_FALLBACK },
    { WINHTTP_FEATURE_HTTP_PROTOCOL_REQUIRED, WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED },
    { WINHTTP_FEATURE_REQUEST_STATS, WINHTTP_OPTION_REQUEST_STATS },
    { WINHTTP_FEATURE_SERVER_CERT_CHAIN_CONTEXT, WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT },
    { WINHTTP_FEATURE_CONNECTION_STATS_V1, WINHTTP_OPTION_CONNECTION_STATS_V1 },
    { WINHTTP_FEATURE_SECURITY_INFO, WINHTTP_OPTION_SECURITY_INFO },
    { WINHTTP_FEATURE_TCP_KEEPALIVE, WINHTTP_OPTION_TCP_KEEPALIVE },
    { WINHTTP_FEATURE_TCP_FAST_OPEN, WINHTTP_OPTION_TCP_FAST_OPEN },
    { WINHTTP_FEATURE_TLS_FALSE_START, WINHTTP_OPTION_TLS_FALSE_START },
    { WINHTTP_FEATURE_IGNORE_CERT_REVOCATION_OFFLINE, WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE },
    { WINHTTP_FEATURE_TLS_PROTOCOL_INSECURE_FALLBACK, WINHTTP_OPTION_TLS_PROTOCOL_INSECURE_FALLBACK },
    { WINHTTP_FEATURE_STREAM_ERROR_CODE, WINHTTP_OPTION_STREAM_ERROR_CODE },
    { WINHTTP_FEATURE_REQUIRE_STREAM_END, WINHTTP_OPTION_REQUIRE_STREAM_END },
    { WINHTTP_FEATURE_ENABLE_HTTP2_PLUS_CLIENT_CERT, WINHTTP_OPTION_ENABLE_HTTP2_PLUS_CLIENT_CERT },
    { WINHTTP_FEATURE_FAILED_CONNECTION_RETRIES, WINHTTP_OPTION_FAILED_CONNECTION_RETRIES },
    { WINHTTP_FEATURE_HTTP2_KEEPALIVE, WINHTTP_OPTION_HTTP2_KEEPALIVE },
    { WINHTTP_FEATURE_RESOLUTION_HOSTNAME, WINHTTP_OPTION_RESOLUTION_HOSTNAME },
    { WINHTTP_FEATURE_SET_TOKEN_BINDING, WINHTTP_OPTION_SET_TOKEN_BINDING },
    { WINHTTP_FEATURE_TOKEN_BINDING_PUBLIC_KEY, WINHTTP_OPTION_TOKEN_BINDING_PUBLIC_KEY },
    { WINHTTP_FEATURE_REFERER_TOKEN_BINDING_HOSTNAME, WINHTTP_OPTION_REFERER_TOKEN_BINDING_HOSTNAME },
    { WINHTTP_FEATURE_HTTP2_PLUS_TRANSFER_ENCODING, WINHTTP_OPTION_HTTP2_PLUS_TRANSFER_ENCODING },
    { WINHTTP_FEATURE_RESOLVER_CACHE_CONFIG, WINHTTP_OPTION_RESOLVER_CACHE_CONFIG },
    { WINHTTP_FEATURE_DISABLE_CERT_CHAIN_BUILDING, WINHTTP_OPTION_DISABLE_CERT_CHAIN_BUILDING },
    { WINHTTP_FEATURE_BACKGROUND_CONNECTIONS, WINHTTP_OPTION_BACKGROUND_CONNECTIONS },
    { WINHTTP_FEATURE_FIRST_AVAILABLE_CONNECTION, WINHTTP_OPTION_FIRST_AVAILABLE_CONNECTION },
    { WINHTTP_FEATURE_TCP_PRIORITY_STATUS, WINHTTP_OPTION_TCP_PRIORITY_STATUS },
    { WINHTTP_FEATURE_CONNECTION_GUID, WINHTTP_OPTION_CONNECTION_GUID },
    { WINHTTP_FEATURE_MATCH_CONNECTION_GUID, WINHTTP_OPTION_MATCH_CONNECTION_GUID },
    { WINHTTP_FEATURE_HTTP2_RECEIVE_WINDOW, WINHTTP_OPTION_HTTP2_RECEIVE_WINDOW },
    { WINHTTP_FEATURE_IS_FEATURE_SUPPORTED, WINHTTP_OPTION_FEATURE_SUPPORTED },
    { WINHTTP_FEATURE_QUIC_STATS, WINHTTP_OPTION_QUIC_STATS },
    { WINHTTP_FEATURE_HTTP3_KEEPALIVE, WINHTTP_OPTION_HTTP3_KEEPALIVE },
    { WINHTTP_FEATURE_HTTP3_HANDSHAKE_TIMEOUT, WINHTTP_OPTION_HTTP3_HANDSHAKE_TIMEOUT },
    { WINHTTP_FEATURE_HTTP3_INITIAL_RTT, WINHTTP_OPTION_HTTP3_INITIAL_RTT },
    { WINHTTP_FEATURE_HTTP3_STREAM_ERROR_CODE, WINHTTP_OPTION_HTTP3_STREAM_ERROR_CODE },
    { WINHTTP_FEATURE_REQUEST_ANNOTATION, WINHTTP_OPTION_REQUEST_ANNOTATION },
    { WINHTTP_FEATURE_DISABLE_PROXY_AUTH_SCHEMES, WINHTTP_OPTION_DISABLE_PROXY_AUTH_SCHEMES },
    { WINHTTP_FEATURE_REVERT_IMPERSONATION_SERVER_CERT, WINHTTP_OPTION_REVERT_IMPERSONATION_SERVER_CERT },
    { WINHTTP_FEATURE_DISABLE_GLOBAL_POOLING, WINHTTP_OPTION_DISABLE_GLOBAL_POOLING },
    { WINHTTP_FEATURE_SESSION_SCH_CRED, WINHTTP_OPTION_USE_SESSION_SCH_CRED },
    { WINHTTP_FEATURE_QUIC_STATS_V2, WINHTTP_OPTION_QUIC_STATS_V2 },
    { WINHTTP_FEATURE_QUIC_STREAM_STATS, WINHTTP_OPTION_QUIC_STREAM_STATS },
    { WINHTTP_FEATURE_USE_LOOKASIDE, WINHTTP_OPTION_USE_LOOKASIDE },
    { WINHTTP_FEATURE_ERROR_LOG_GUID, WINHTTP_OPTION_ERROR_LOG_GUID },
    { WINHTTP_FEATURE_UPGRADE_TO_PROTOCOL, WINHTTP_OPTION_UPGRADE_TO_PROTOCOL },
    { WINHTTP_FEATURE_CONNECTION_STATS_V2, WINHTTP_OPTION_CONNECTION_STATS_V2 },
    { WINHTTP_FEATURE_FAST_FORWARD_RESPONSE, WINHTTP_OPTION_ENABLE_FAST_FORWARDING },
    { WINHTTP_FEATURE_DSCP_TAG, WINHTTP_OPTION_DSCP_TAG },
    { WINHTTP_FEATURE_HTTP11_DOWNGRADE_TTL, WINHTTP_OPTION_HTTP11_DOWNGRADE_TTL },
    { WINHTTP_FEATURE_SESSION_ERROR_LOG_GUID, WINHTTP_OPTION_SESSION_ERROR_LOG_GUID },
    /* functions and flags */
    { WINHTTP_FEATURE_ADD_REQUEST_HEADERS_EX, 0, TRUE },
    { WINHTTP_FEATURE_SET_PROXY_SETINGS_PER_USER, 0, TRUE },
    { WINHTTP_FEATURE_READ_DATA_EX, 0, TRUE },
    { WINHTTP_FEATURE_QUERY_HEADERS_EX, 0, TRUE },
    { WINHTTP_FEATURE_QUERY_CONNECTION_GROUP, 0, TRUE },
    { WINHTTP_FEATURE_FREE_QUERY_CONNECTION_GROUP_RESULT, 0, TRUE },
    { WINHTTP_FEATURE_SECURITY_FLAG_IGNORE_ALL_CERT_ERRORS, 0, TRUE },
    { WINHTTP_FEATURE_FLAG_SECURE_DEFAULTS, 0, FALSE },
    { WINHTTP_FEATURE_EXTENDED_HEADER_FLAG_UNICODE, 0, TRUE },
    { WINHTTP_FEATURE_QUERY_FLAG_TRAILERS, 0, TRUE },
    { WINHTTP_FEATURE_QUERY_FLAG_WIRE_ENCODING, 0, TRUE },
    { WINHTTP_FEATURE_RESOLVER_CACHE_CONFIG_FLAG_SOFT_LIMIT, 0, FALSE },
    { WINHTTP_FEATURE_RESOLVER_CACHE_CONFIG_FLAG_BYPASS_CACHE, 0, FALSE },
    { WINHTTP_FEATURE_FLAG_AUTOMATIC_CHUNKING, 0, FALSE },
    { WINHTTP_FEATURE_QUERY_CONNECTION_GROUP_FLAG_INSECURE, 0, TRUE },
    { WINHTTP_FEATURE_MATCH_CONNECTION_GUID_FLAG_REQUIRE_MARKED_CONNECTION, 0, TRUE },
    { WINHTTP_FEATURE_QUERY_EX_ALL_HEADERS, 0, TRUE },
    { WINHTTP_FEATURE_READ_DATA_EX_FLAG_FILL_BUFFER, 0, TRUE },
    { WINHTTP_FEATURE_RESOLVER_CACHE_CONFIG_FLAG_USE_DNS_TTL, 0, FALSE },
    { WINHTTP_FEATURE_RESOLVER_CACHE_CONFIG_FLAG_CONN_USE_TTL, 0, FALSE },
    { WINHTTP_FEATURE_GET_PROXY_SETTINGS_EX, 0, TRUE },
    { WINHTTP_FEATURE_URL_INCLUDE_DEFAULT_PORT, 0, FALSE },
    { WINHTTP_FEATURE_DISABLE_AIA_FLAG, 0, FALSE },
    { WINHTTP_FEATURE_GET_PROXY_SETTINGS_EX_XBOX, 0, FALSE },
};

static BOOL feature_supported(DWORD feature)
{
    const struct option_desc *desc;

    for (size_t i = 0; i < ARRAY_SIZE(features); i++)
    {
        if (features[i].feature != feature) continue;
        if (!features[i].option) return features[i].supported;
        return (desc = find_option(features[i].option)) && (desc->query || desc->set);
    }
    return FALSE;
}

static BOOL query_feature(struct object *obj, const struct option_desc *desc, void *buffer, DWORD *size)
{
    DWORD feature;
    BOOL supported;

    if (!has_room(buffer, size, sizeof(DWORD))) return FALSE;
    feature = *(const DWORD *)buffer;
    supported = feature_supported(feature);
    TRACE("feature %lu: %s\n", feature, supported ? "supported" : "not supported");
    *(BOOL *)buffer = supported;
    *size = sizeof(BOOL);
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
    /* TLS options of issue 14 (see README: what each does, and where OpenSSL limits it) */
    { WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST, "CLIENT_CERT_ISSUER_LIST", REQUEST, 0, NO_OFFSET, query_issuer_list,
      NULL, 0 },
    { WINHTTP_OPTION_SECURITY_INFO, "SECURITY_INFO", REQUEST, 0, NO_OFFSET, query_security_info, NULL, 0 },
    { WINHTTP_OPTION_SERVER_CBT, "SERVER_CBT", REQUEST, 0, NO_OFFSET, query_server_cbt, NULL, 0 },
    /* undocumented but for the flag names of Microsoft's header: the
     * handle types are our reading (a setting children inherit) */
    { WINHTTP_OPTION_SERVER_CERT_CHAIN_BUILD_FLAGS, "SERVER_CERT_CHAIN_BUILD_FLAGS", 0, SESSION | REQUEST,
      SETTING(chain_build_flags), NULL, set_flag_subset, WINHTTP_SERVER_CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL |
      WINHTTP_SERVER_CERT_CHAIN_DISABLE_AIA | WINHTTP_SERVER_CERT_CHAIN_REVOCATION_CHECK_CACHE_ONLY },
    { WINHTTP_OPTION_SERVER_CERT_CHAIN_BUILD_CACHE_ONLY, "SERVER_CERT_CHAIN_BUILD_CACHE_ONLY", 0, SESSION | REQUEST,
      SETTING(chain_cache_only), NULL, set_setting, 0 },
    /* the chain is always built and checked: this only stops fetching
     * missing certificates (connection_chain_flags) */
    { WINHTTP_OPTION_DISABLE_CERT_CHAIN_BUILDING, "DISABLE_CERT_CHAIN_BUILDING", 0, SESSION,
      SETTING(no_chain_building), NULL, set_setting, 0 },
    { WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE, "IGNORE_CERT_REVOCATION_OFFLINE", 0, REQUEST,
      SETTING(ignore_rev_offline), NULL, set_setting, 0 },
    { WINHTTP_OPTION_REVERT_IMPERSONATION_SERVER_CERT, "REVERT_IMPERSONATION_SERVER_CERT", 0, SESSION | REQUEST,
      SETTING(revert_impersonation), NULL, set_setting, 0 },
    /* this engine never retries a failed handshake with an older
     * protocol: DISABLE_SECURE_PROTOCOL_FALLBACK holds by construction and
     * TLS_PROTOCOL_INSECURE_FALLBACK's permission is never used; OpenSSL's
     * client does no False Start; there is one OpenSSL context for the
     * process, the single credential USE_SESSION_SCH_CRED asks for: kept */
    { WINHTTP_OPTION_DISABLE_SECURE_PROTOCOL_FALLBACK, "DISABLE_SECURE_PROTOCOL_FALLBACK", 0, SESSION,
      SETTING(no_protocol_fallback), NULL, set_setting, 0 },
    { WINHTTP_OPTION_TLS_PROTOCOL_INSECURE_FALLBACK, "TLS_PROTOCOL_INSECURE_FALLBACK", 0, SESSION,
      SETTING(insecure_fallback), NULL, set_setting, 0 },
    { WINHTTP_OPTION_TLS_FALSE_START, "TLS_FALSE_START", 0, SESSION, SETTING(false_start), NULL, set_setting, 0 },
    { WINHTTP_OPTION_USE_SESSION_SCH_CRED, "USE_SESSION_SCH_CRED", 0, SESSION, SETTING(session_sch_cred), NULL,
      set_setting, 0 },
    { WINHTTP_OPTION_ENABLE_TEST_SIGNING, "ENABLE_TEST_SIGNING", 0, ALL_TYPES, NO_OFFSET, NULL, set_refused, 0 },
    { WINHTTP_OPTION_AUTOLOGON_POLICY, "AUTOLOGON_POLICY", 0, REQUEST, SETTING(autologon_policy), NULL,
      set_setting, WINHTTP_AUTOLOGON_SECURITY_LEVEL_MAX },
    { WINHTTP_OPTION_SPN, "SPN", 0, SESSION | REQUEST, SETTING(spn), NULL, set_flag_subset, WINHTTP_OPTION_SPN_MASK },
    { WINHTTP_OPTION_SERVER_SPN_USED, "SERVER_SPN_USED", REQUEST, 0, NO_OFFSET, query_spn_used, NULL, 0 },
    { WINHTTP_OPTION_PROXY_SPN_USED, "PROXY_SPN_USED", REQUEST, 0, NO_OFFSET, query_spn_used, NULL, 0 },
    { WINHTTP_OPTION_WORKER_THREAD_COUNT, "WORKER_THREAD_COUNT", ALL_TYPES, PROCESS, NO_OFFSET, query_worker_count,
      set_worker_count, 0 },
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
    { WINHTTP_OPTION_HTTP_VERSION, "HTTP_VERSION", PROCESS | SESSION | CONNECT | REQUEST, PROCESS | SESSION | REQUEST,
      NO_OFFSET,
      query_http_version, set_http_version, 0 },
    /* HTTP/2 (issue 15) */
    { WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, "ENABLE_HTTP_PROTOCOL", SESSION | REQUEST, SESSION | REQUEST,
      SETTING(http_protocols), query_setting, set_http_protocols, 0 },
    { WINHTTP_OPTION_HTTP_PROTOCOL_USED, "HTTP_PROTOCOL_USED", REQUEST, 0, NO_OFFSET, query_protocol_used, NULL, 0 },
    { WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED, "HTTP_PROTOCOL_REQUIRED", 0, REQUEST, SETTING(protocol_required), NULL,
      set_setting, 0 },
    { WINHTTP_OPTION_DISABLE_STREAM_QUEUE, "DISABLE_STREAM_QUEUE", 0, SESSION | REQUEST, SETTING(no_stream_queue),
      NULL, set_setting, 0 },
    { WINHTTP_OPTION_HTTP2_KEEPALIVE, "HTTP2_KEEPALIVE", SESSION, SESSION, SETTING(h2_keepalive), query_setting,
      set_setting, 0 },
    { WINHTTP_OPTION_HTTP2_RECEIVE_WINDOW, "HTTP2_RECEIVE_WINDOW", 0, SESSION, NO_OFFSET, NULL, set_h2_window, 0 },
    { WINHTTP_OPTION_STREAM_ERROR_CODE, "STREAM_ERROR_CODE", REQUEST, 0, NO_OFFSET, query_stream_error, NULL, 0 },
    { WINHTTP_OPTION_ENABLE_HTTP2_PLUS_CLIENT_CERT, "ENABLE_HTTP2_PLUS_CLIENT_CERT", SESSION | REQUEST,
      SESSION | REQUEST, SETTING(h2_client_cert), query_setting, set_setting, 0 },
    { WINHTTP_OPTION_HTTP2_PLUS_TRANSFER_ENCODING, "HTTP2_PLUS_TRANSFER_ENCODING", SESSION | REQUEST,
      SESSION | REQUEST, SETTING(h2_transfer_encoding), query_setting, set_setting, 0 },
    { WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, "MAX_HTTP_STATUS_CONTINUE", SESSION | CONNECT | REQUEST,
      SESSION | REQUEST, SETTING(max_status_continue), query_setting, set_setting, 0 },
    { WINHTTP_OPTION_EXPIRE_CONNECTION, "EXPIRE_CONNECTION", 0, REQUEST, NO_OFFSET, NULL, set_expire_connection, 0 },
    { WINHTTP_OPTION_CONNECTION_GUID, "CONNECTION_GUID", REQUEST, REQUEST, NO_OFFSET, query_connection_guid,
      set_connection_guid, 0 },
    { WINHTTP_OPTION_MATCH_CONNECTION_GUID, "MATCH_CONNECTION_GUID", 0, REQUEST, NO_OFFSET, NULL,
      set_match_connection_guid, 0 },
    { WINHTTP_OPTION_REQUEST_TIMES, "REQUEST_TIMES", REQUEST, 0, NO_OFFSET, query_request_times, NULL, 0 },
    { WINHTTP_OPTION_REQUEST_STATS, "REQUEST_STATS", REQUEST, 0, NO_OFFSET, query_request_stats, NULL, 0 },
    /* connections (see README: what each does here, and what is kept only) */
    { WINHTTP_OPTION_TCP_KEEPALIVE, "TCP_KEEPALIVE", 0, SESSION, NO_OFFSET, NULL, set_tcp_keepalive, 0 },
    { WINHTTP_OPTION_TCP_FAST_OPEN, "TCP_FAST_OPEN", 0, SESSION, SETTING(tcp_fast_open), NULL, set_setting, 0 },
    { WINHTTP_OPTION_IPV6_FAST_FALLBACK, "IPV6_FAST_FALLBACK", 0, SESSION, SETTING(ipv6_fast_fallback), NULL,
      set_setting, 0 },
    /* the engine binds a request to the connection it makes (the
     * documented default): kept */
    { WINHTTP_OPTION_FIRST_AVAILABLE_CONNECTION, "FIRST_AVAILABLE_CONNECTION", 0, SESSION,
      SETTING(first_available), NULL, set_setting, 0 },
    { WINHTTP_OPTION_DISABLE_GLOBAL_POOLING, "DISABLE_GLOBAL_POOLING", 0, SESSION, NO_OFFSET, NULL,
      set_global_pooling, 0 },
    { WINHTTP_OPTION_SOURCE_ADDRESS, "SOURCE_ADDRESS", 0, SESSION | REQUEST, NO_OFFSET, NULL, set_source_address,
      0 },
    { WINHTTP_OPTION_RESOLUTION_HOSTNAME, "RESOLUTION_HOSTNAME", 0, REQUEST, NO_OFFSET, NULL,
      set_resolution_hostname, 0 },
    { WINHTTP_OPTION_FAILED_CONNECTION_RETRIES, "FAILED_CONNECTION_RETRIES", 0, SESSION | REQUEST, NO_OFFSET, NULL,
      set_failed_retries, 0 },
    { WINHTTP_OPTION_RESOLVER_CACHE_CONFIG, "RESOLVER_CACHE_CONFIG", 0, SESSION, NO_OFFSET, NULL,
      set_resolver_cache, 0 },
    { WINHTTP_OPTION_EXTENDED_ERROR, "EXTENDED_ERROR", PROCESS | ALL_TYPES, 0, NO_OFFSET, query_extended_error, NULL, 0 },
    { WINHTTP_OPTION_CONNECTION_STATS_V0, "CONNECTION_STATS_V0", REQUEST, 0, NO_OFFSET, query_connection_stats,
      NULL, 0 },
    { WINHTTP_OPTION_CONNECTION_STATS_V1, "CONNECTION_STATS_V1", REQUEST, 0, NO_OFFSET, query_connection_stats,
      NULL, 0 },
    { WINHTTP_OPTION_CONNECTION_STATS_V2, "CONNECTION_STATS_V2", REQUEST, 0, NO_OFFSET, query_connection_stats,
      NULL, 0 },
    /* documented as having no effect: kept and read back */
    { WINHTTP_OPTION_READ_BUFFER_SIZE, "READ_BUFFER_SIZE", REQUEST, REQUEST, SETTING(read_buffer_size),
      query_setting, set_setting, 0 },
    { WINHTTP_OPTION_WRITE_BUFFER_SIZE, "WRITE_BUFFER_SIZE", REQUEST, REQUEST, SETTING(write_buffer_size),
      query_setting, set_setting, 0 },
    /* a BOOL that lets WinHTTP stop guaranteeing progress while callbacks
     * block; this engine keeps the guarantee either way */
    { WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS, "ASSURED_NON_BLOCKING_CALLBACKS", 0, SESSION,
      SETTING(assured_non_blocking), NULL, set_setting, 0 },
    /* HTTP options of issue 14 */
    { WINHTTP_OPTION_CODEPAGE, "CODEPAGE", 0, SESSION | REQUEST, SETTING(codepage), NULL, set_codepage, 0 },
    { WINHTTP_OPTION_FEATURE_SUPPORTED, "FEATURE_SUPPORTED", PROCESS | ALL_TYPES, 0, NO_OFFSET, query_feature, NULL, 0 },
    /* documented for HTTP/2's END_STREAM; an HTTP/1.1 body here must always
     * reach its Content-Length or last chunk (body.c): kept, see README */
    { WINHTTP_OPTION_REQUIRE_STREAM_END, "REQUIRE_STREAM_END", 0, SESSION | REQUEST, SETTING(require_stream_end),
      NULL, set_setting, 0 },
    /* documented as reserved for internal use: accepted and kept; the head
     * parser is the same either way (see README) */
    { WINHTTP_OPTION_UNSAFE_HEADER_PARSING, "UNSAFE_HEADER_PARSING", 0, SESSION | REQUEST,
      SETTING(unsafe_header_parsing), NULL, set_setting, 0 },
    /* more of issue 14 (README: "Options" and "Connection options") */
    { WINHTTP_OPTION_REJECT_USERPWD_IN_URL, "REJECT_USERPWD_IN_URL", 0, REQUEST, SETTING(reject_userpwd), NULL,
      set_setting, 0 },
    { WINHTTP_OPTION_ENCODE_EXTRA, "ENCODE_EXTRA", 0, SESSION | REQUEST, SETTING(encode_extra), NULL, set_setting,
      0 },
    { WINHTTP_OPTION_REQUEST_ANNOTATION, "REQUEST_ANNOTATION", REQUEST, REQUEST, NO_OFFSET, query_annotation,
      set_annotation, 0 },
    { WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE, "RECEIVE_PROXY_CONNECT_RESPONSE", 0, SESSION | REQUEST,
      SETTING(receive_proxy_connect), NULL, set_setting, 0 },
    { WINHTTP_OPTION_IS_PROXY_CONNECT_RESPONSE, "IS_PROXY_CONNECT_RESPONSE", SESSION | REQUEST, 0, NO_OFFSET,
      query_is_proxy_connect, NULL, 0 },
    { WINHTTP_OPTION_DISABLE_PROXY_AUTH_SCHEMES, "DISABLE_PROXY_AUTH_SCHEMES", 0, SESSION,
      SETTING(proxy_auth_disabled), NULL, set_flag_subset, WINHTTP_PROXY_DISABLE_SCHEME_BASIC |
      WINHTTP_PROXY_DISABLE_SCHEME_DIGEST | WINHTTP_PROXY_DISABLE_SCHEME_NTLM | WINHTTP_PROXY_DISABLE_SCHEME_KERBEROS |
      WINHTTP_PROXY_DISABLE_SCHEME_NEGOTIATE | WINHTTP_PROXY_DISABLE_AUTH_LOCAL_SERVICE },
    { WINHTTP_OPTION_BACKGROUND_CONNECTIONS, "BACKGROUND_CONNECTIONS", 0, SESSION, SETTING(background_connections),
      NULL, set_setting, 0 },
    { WINHTTP_OPTION_TCP_PRIORITY_HINT, "TCP_PRIORITY_HINT", 0, SESSION | REQUEST, SETTING(tcp_priority_hint), NULL,
      set_priority_hint, 2 /* SocketPriorityHintNormal */ },
    { WINHTTP_OPTION_TCP_PRIORITY_STATUS, "TCP_PRIORITY_STATUS", REQUEST, 0, NO_OFFSET, query_priority_status,
      NULL, 0 },
    { WINHTTP_OPTION_DSCP_TAG, "DSCP_TAG", 0, SESSION | REQUEST, SETTING(dscp_tag), NULL, set_plus_one, 63 },
    { WINHTTP_OPTION_NETWORK_INTERFACE_AFFINITY, "NETWORK_INTERFACE_AFFINITY", 0, SESSION | REQUEST, NO_OFFSET,
      NULL, set_interface, 0 },
    /* documented as deprecated, with no effect: kept and read back */
    { WINHTTP_OPTION_REQUEST_PRIORITY, "REQUEST_PRIORITY", REQUEST, REQUEST, SETTING(request_priority),
      query_setting, set_setting, 0 },
    /* not in the documentation; by its name Windows' choice of allocator
     * (lookaside lists): the DLL allocates from the process heap either
     * way, so the BOOL is kept, nothing more */
    { WINHTTP_OPTION_USE_LOOKASIDE, "USE_LOOKASIDE", 0, SESSION | REQUEST, SETTING(use_lookaside), NULL, set_setting,
      0 },
    { WINHTTP_OPTION_ERROR_LOG_GUID, "ERROR_LOG_GUID", REQUEST, REQUEST, NO_OFFSET, query_error_log_guid,
      set_error_log_guid, 0 },
    { WINHTTP_OPTION_SESSION_ERROR_LOG_GUID, "SESSION_ERROR_LOG_GUID", SESSION, SESSION, NO_OFFSET,
      query_error_log_guid, set_error_log_guid, 0 },
};

static const struct option_desc *find_option(DWORD id)
{
    for (size_t i = 0; i < ARRAY_SIZE(options); i++)
        if (options[i].id == id) return &options[i];
    return NULL;
}

/* A NULL handle: only the DLL's own options (PROCESS). */
static BOOL query_process_option(const struct option_desc *desc, void *buffer, DWORD *size)
{
    if (!desc || !desc->query || !(desc->query_types & PROCESS)) return FAIL(ERROR_INVALID_HANDLE, FALSE);
    if (!size) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!desc->query(NULL, desc, buffer, size)) return FALSE;
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

static BOOL set_process_option(const struct option_desc *desc, void *buffer, DWORD size)
{
    if (!desc || !desc->set || !(desc->set_types & PROCESS)) return FAIL(ERROR_INVALID_HANDLE, FALSE);
    if (!desc->set(NULL, desc, buffer, size)) return FALSE;
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

BOOL WINAPI WinHttpQueryOption(HINTERNET handle, DWORD option, void *buffer, DWORD *size)
{
    const struct option_desc *desc = find_option(option);
    struct object *obj;
    BOOL ret;

    TRACE("%p, %lu (%s), %p, %p\n", handle, option, desc ? desc->name : "?", buffer, size);

    if (!handle) return query_process_option(desc, buffer, size);
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

    if (!handle) return set_process_option(desc, buffer, size);
    if (!(obj = handle_ref(handle))) return FALSE;
    if (!desc || !desc->set || !(desc->set_types & ~PROCESS))
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
