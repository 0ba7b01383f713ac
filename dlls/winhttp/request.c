/* Request objects: WinHttpOpenRequest, their lifetime, and the URL they
 * report.  The calls that do I/O are in operation.c, the state machine in
 * send.c and body.c. */
#include <stdio.h>
#include <wchar.h>

#include "body.h"
#include "connection.h"

static void request_destroy(struct object *obj)
{
    struct request *request = request_from_object(obj);

    heap_free(request->verb);
    heap_free(request->path);
    heap_free(request->version);
    heap_free(request->referrer);
    if (request->accept_types)
        for (WCHAR **type = request->accept_types; *type; type++) heap_free(*type);
    heap_free(request->accept_types);
    heap_free(request->username);
    heap_free(request->password);
    heap_free(request->resolution_host);
    heap_free(request->annotation);
    heap_free(request->proxy_username);
    proxy_setting_free(&request->proxy);
    proxy_setting_free(&request->auto_proxy);
    request_free_auto_proxy(request);
    route_free(&request->route);
    heap_free(request->proxy_password);
    auth_free(&request->auth);
    heap_free(request->optional);
    heap_free(request->target_host);
    header_list_free(&request->headers);
    http_buf_free(&request->sent_head);
    response_clear(&request->response);
    body_free(&request->body);
    if (request->parser_active) http_head_parser_free(&request->parser);
    request_discard_connection(request);
    if (request->server_cert) CertFreeCertificateContext(request->server_cert);
    if (request->server_chain) CertFreeCertificateChain(request->server_chain);
    heap_free(request->issuers);
    task_queue_destroy(&request->queue);
}

static const struct object_ops request_ops = { request_close, request_destroy };

static BOOL has_crlf(const WCHAR *str)
{
    return str && contains_crlf(str, lstrlenW(str));
}

static WCHAR **copy_accept_types(const WCHAR **types, BOOL *ok)
{
    size_t count = 0;
    WCHAR **copy;

    *ok = TRUE;
    if (!types) return NULL;
    while (types[count]) count++;
    if (!(copy = heap_alloc_zero((count + 1) * sizeof(*copy)))) { *ok = FALSE; return NULL; }
    for (size_t i = 0; i < count; i++)
        if (!(copy[i] = strdupW(types[i]))) *ok = FALSE;
    return copy;
}

static BOOL accept_types_valid(const WCHAR **types)
{
    if (types)
        for (; *types; types++) if (has_crlf(*types)) return FALSE;
    return TRUE;
}

/* The object name as sent: native puts a '/' before one that lacks it
 * ("tests/post.php" goes out as "/tests/post.php"). */
static WCHAR *object_name(const WCHAR *path)
{
    size_t length = path ? lstrlenW(path) : 0;
    WCHAR *name;

    if (length && path[0] == '/') return strdupW(path);
    if (!(name = heap_alloc((length + 2) * sizeof(WCHAR)))) return NULL;
    name[0] = '/';
    if (length) memcpy(name + 1, path, length * sizeof(WCHAR));
    name[length + 1] = 0;
    return name;
}

HINTERNET WINAPI WinHttpOpenRequest(HINTERNET connect_handle, LPCWSTR verb, LPCWSTR path, LPCWSTR version,
                                    LPCWSTR referrer, LPCWSTR *accept_types, DWORD flags)
{
    struct object *connect;
    struct request *request;
    HINTERNET handle = NULL;
    BOOL copied;

    TRACE("%p, %s, %s, %s, %s, %p, %#lx\n", connect_handle, debugstr_w(verb), debugstr_w(path),
          debugstr_w(version), debugstr_w(referrer), accept_types, flags);
    if (accept_types && TRACE_ON(winhttp))
        for (const WCHAR **type = accept_types; *type; type++) TRACE("accept %s\n", debugstr_w(*type));

    if (!(connect = handle_ref_typed(connect_handle, TYPE_BIT(OBJECT_CONNECT)))) return NULL;
    if (has_crlf(verb) || has_crlf(version) || has_crlf(referrer) || !accept_types_valid(accept_types))
    {
        object_release(connect);
        return FAIL(ERROR_INVALID_PARAMETER, NULL);
    }
    if (!(request = heap_alloc_zero(sizeof(*request))))
    {
        object_release(connect);
        return FAIL(ERROR_OUTOFMEMORY, NULL);
    }
    object_init(&request->obj, OBJECT_REQUEST, &request_ops, connect);
    object_release(connect);
    request->open_flags = flags;
    request->target_secure = !!(flags & WINHTTP_FLAG_SECURE);
    InitializeSRWLock(&request->lock);
    InitializeSRWLock(&request->conn_lock);
    http_buf_init(&request->sent_head);
    request->verb = strdupW(verb && *verb ? verb : L"GET");
    request->path = object_name(path);
    request->version = strdupW(version && *version ? version : http_default_version());
    request->referrer = referrer ? strdupW(referrer) : NULL;
    request->accept_types = copy_accept_types(accept_types, &copied);
    if (!request->verb || !request->path || !request->version || (referrer && !request->referrer) || !copied ||
        !task_queue_init(&request->queue, &request->obj))
        SetLastError(ERROR_OUTOFMEMORY);
    else if ((handle = handle_alloc(&request->obj)))
        notify(&request->obj, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &handle, sizeof(handle));
    object_release(&request->obj);
    TRACE("returning %p\n", handle);
    if (handle) SetLastError(ERROR_SUCCESS);
    return handle;
}

const WCHAR *request_target_host(struct request *request)
{
    return request->target_host ? request->target_host : request_connect(request)->host;
}

INTERNET_PORT request_target_port(struct request *request)
{
    INTERNET_PORT port = request->target_host ? request->target_port : request_connect(request)->port;

    if (port == INTERNET_DEFAULT_PORT)
        port = request->target_secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
    return port;
}

WCHAR *request_url(struct request *request)
{
    const WCHAR *host = request_target_host(request);
    BOOL secure = request->target_secure;
    INTERNET_PORT port = request_target_port(request);
    INTERNET_PORT default_port = secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
    BOOL bracket = wcschr(host, ':') && host[0] != '[';
    size_t length = lstrlenW(host) + lstrlenW(request->path) + 32;
    WCHAR port_text[8] = L"", *url;

    if (port != default_port) swprintf(port_text, ARRAY_SIZE(port_text), L":%u", port);
    if (!(url = heap_alloc(length * sizeof(WCHAR)))) return NULL;
    swprintf(url, length, L"%ls://%ls%ls%ls%ls%ls", secure ? L"https" : L"http", bracket ? L"[" : L"", host,
             bracket ? L"]" : L"", port_text, request->path);
    return url;
}

struct request *request_enter(HINTERNET handle)
{
    struct object *obj = handle_ref_typed(handle, TYPE_BIT(OBJECT_REQUEST));
    struct request *request;

    if (!obj) return NULL;
    request = request_from_object(obj);
    AcquireSRWLockExclusive(&request->lock);
    return request;
}

void request_leave(struct request *request)
{
    ReleaseSRWLockExclusive(&request->lock);
    object_release(&request->obj);
}
