/* Request objects: WinHttpOpenRequest.  The request state machine (send,
 * receive, read, write) comes with the HTTP engine. */
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
    heap_free(request->proxy_username);
    heap_free(request->proxy_password);
    heap_free(request->optional);
    heap_free(request->target_host);
    header_list_free(&request->headers);
    http_buf_free(&request->sent_head);
    response_clear(&request->response);
    body_free(&request->body);
    body_discard_connection(request);
}

static const struct object_ops request_ops = { NULL, request_destroy };

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
    http_buf_init(&request->sent_head);
    request->verb = strdupW(verb && *verb ? verb : L"GET");
    request->path = strdupW(path && *path ? path : L"/");
    request->version = strdupW(version && *version ? version : L"HTTP/1.1");
    request->referrer = referrer ? strdupW(referrer) : NULL;
    request->accept_types = copy_accept_types(accept_types, &copied);
    if (!request->verb || !request->path || !request->version || (referrer && !request->referrer) || !copied)
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
    swprintf(url, length, L"%ls://%ls%ls%ls%ls%ls%ls", secure ? L"https" : L"http", bracket ? L"[" : L"", host,
             bracket ? L"]" : L"", port_text, request->path[0] == '/' ? L"" : L"/", request->path);
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

/* Ends an API call: the error (if any) becomes the last error. */
static BOOL leave_with(struct request *request, DWORD error)
{
    request_leave(request);
    SetLastError(error);
    return !error;
}

static DWORD add_headers_text(struct request *request, const WCHAR *headers, DWORD length)
{
    if (!headers) return ERROR_SUCCESS;
    if (length == ~0u) length = lstrlenW(headers);
    return header_list_apply_text(&request->headers, headers, length,
                                  WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE);
}

/* The framing the application chose must agree with the call (documented):
 * no optional data and no Content-Length with its Transfer-Encoding, and a
 * Content-Length below 2^32 equal to dwTotalLength. */
static DWORD check_framing(struct request *request, DWORD optional_length, DWORD total_length)
{
    int length = header_list_find(&request->headers, L"Content-Length", 0);
    BOOL chunked = header_list_find(&request->headers, L"Transfer-Encoding", 0) >= 0;
    WCHAR *end;
    ULONGLONG value;

    if (chunked) return optional_length || length >= 0 ? ERROR_INVALID_PARAMETER : ERROR_SUCCESS;
    if (length < 0) return ERROR_SUCCESS;
    value = wcstoull(request->headers.items[length].value, &end, 10);
    if (value < 0x100000000ull && value != total_length) return ERROR_INVALID_PARAMETER;
    return ERROR_SUCCESS;
}

BOOL WINAPI WinHttpSendRequest(HINTERNET handle, LPCWSTR headers, DWORD headers_length, LPVOID optional,
                               DWORD optional_length, DWORD total_length, DWORD_PTR context)
{
    struct request *request;
    DWORD error;

    TRACE("%p, %s, %lu, %p, %lu, %lu, %Ix\n", handle,
          debugstr_wn(headers, headers_length == ~0u ? -1 : (int)headers_length), headers_length, optional,
          optional_length, total_length, context);

    if (!(request = request_enter(handle))) return FALSE;
    if (request->obj.session_flags & WINHTTP_FLAG_ASYNC)
    {
        FIXME("asynchronous requests are not implemented yet\n");
        return leave_with(request, ERROR_CALL_NOT_IMPLEMENTED);
    }
    if ((optional_length && !optional) || total_length < optional_length)
        return leave_with(request, ERROR_INVALID_PARAMETER);
    if ((error = add_headers_text(request, headers, headers_length))) return leave_with(request, error);
    if ((error = check_framing(request, optional_length, total_length))) return leave_with(request, error);

    request->obj.context = context;
    request->total_length = total_length;
    request->written = 0;
    request->redirects = 0;
    heap_free(request->optional);
    request->optional = NULL;
    request->optional_length = 0;
    if (optional_length)
    {
        if (!(request->optional = heap_alloc(optional_length))) return leave_with(request, ERROR_OUTOFMEMORY);
        memcpy(request->optional, optional, optional_length);
        request->optional_length = optional_length;
    }
    error = request_send(request, request->optional, request->optional_length);
    /* completion callbacks (SENDREQUEST_COMPLETE and the like) belong to
     * asynchronous mode; a synchronous caller gets only the progress ones */
    request->state = error ? REQUEST_OPEN : request->written < total_length ? REQUEST_SENDING_BODY : REQUEST_SENT;
    return leave_with(request, error);
}

BOOL WINAPI WinHttpWriteData(HINTERNET handle, LPCVOID buffer, DWORD size, LPDWORD written)
{
    struct request *request;
    DWORD error;

    TRACE("%p, %p, %lu, %p\n", handle, buffer, size, written);

    if (written) *written = 0;  /* documented: zeroed before any checking */
    if (!(request = request_enter(handle))) return FALSE;
    if (request->state != REQUEST_SENDING_BODY && request->state != REQUEST_SENT)
        return leave_with(request, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    if (!buffer && size) return leave_with(request, ERROR_INVALID_PARAMETER);
    error = size ? connection_send(request->conn, buffer, size, request->obj.settings.send_timeout) : 0;
    if (!error)
    {
        request->written += size;
        if (written) *written = size;
        if (request->written >= request->total_length) request->state = REQUEST_SENT;
    }
    return leave_with(request, error);
}

BOOL WINAPI WinHttpReceiveResponse(HINTERNET handle, LPVOID reserved)
{
    struct request *request;
    DWORD error;

    TRACE("%p, %p\n", handle, reserved);

    if (!(request = request_enter(handle))) return FALSE;
    if (request->state != REQUEST_SENT && request->state != REQUEST_SENDING_BODY)
        return leave_with(request, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    if (request->written < request->total_length)
        return leave_with(request, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    error = request_receive(request);
    request->state = error ? REQUEST_OPEN : REQUEST_RESPONSE;
    return leave_with(request, error);
}

BOOL WINAPI WinHttpQueryDataAvailable(HINTERNET handle, LPDWORD available)
{
    struct request *request;
    DWORD error, count = 0;

    TRACE("%p, %p\n", handle, available);

    if (!(request = request_enter(handle))) return FALSE;
    if (request->state != REQUEST_RESPONSE) return leave_with(request, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    error = body_available(request, &count);
    if (!error && available) *available = count;
    TRACE("%lu available\n", count);
    return leave_with(request, error);
}

BOOL WINAPI WinHttpReadData(HINTERNET handle, LPVOID buffer, DWORD size, LPDWORD read)
{
    struct request *request;
    DWORD error, count = 0;

    TRACE("%p, %p, %lu, %p\n", handle, buffer, size, read);

    if (read) *read = 0;        /* documented: zeroed before any checking */
    if (!(request = request_enter(handle))) return FALSE;
    if (request->state != REQUEST_RESPONSE) return leave_with(request, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    if (!buffer && size) return leave_with(request, ERROR_INVALID_PARAMETER);
    error = body_read(request, buffer, size, &count);
    if (read) *read = count;
    return leave_with(request, error);
}

DWORD WINAPI WinHttpReadDataEx(HINTERNET handle, LPVOID buffer, DWORD size, LPDWORD read, ULONGLONG flags,
                               DWORD property_size, PVOID property)
{
    struct request *request;
    DWORD error, total = 0, count;

    TRACE("%p, %p, %lu, %p, %#I64x, %lu, %p\n", handle, buffer, size, read, flags, property_size, property);

    if (read) *read = 0;        /* documented: zeroed before any checking */
    if (flags & ~(ULONGLONG)WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER)
        return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    if (!(request = request_enter(handle))) return GetLastError();
    if (request->state != REQUEST_RESPONSE) error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else if (!buffer && size) error = ERROR_INVALID_PARAMETER;
    else do
    {
        /* FILL_BUFFER: keep reading until the buffer is full or the body ends */
        error = body_read(request, (char *)buffer + total, size - total, &count);
        total += count;
    } while (!error && count && total < size && (flags & WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER));
    if (read) *read = total;
    leave_with(request, error);
    return error;
}
