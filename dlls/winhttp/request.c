/* Request objects: WinHttpOpenRequest.  The request state machine (send,
 * receive, read, write) comes with the HTTP engine. */
#include <stdio.h>
#include <wchar.h>

#include "request.h"

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

WCHAR *request_url(struct request *request)
{
    struct connect *connect = request_connect(request);
    BOOL secure = !!(request->open_flags & WINHTTP_FLAG_SECURE);
    INTERNET_PORT default_port = secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
    BOOL bracket = wcschr(connect->host, ':') && connect->host[0] != '[';
    size_t length = lstrlenW(connect->host) + lstrlenW(request->path) + 32;
    WCHAR port[8] = L"", *url;

    if (connect->port != INTERNET_DEFAULT_PORT && connect->port != default_port)
        swprintf(port, ARRAY_SIZE(port), L":%u", connect->port);
    if (!(url = heap_alloc(length * sizeof(WCHAR)))) return NULL;
    swprintf(url, length, L"%ls://%ls%ls%ls%ls%ls%ls", secure ? L"https" : L"http", bracket ? L"[" : L"",
             connect->host, bracket ? L"]" : L"", port, request->path[0] == '/' ? L"" : L"/", request->path);
    return url;
}

/* The request state machine lands with the HTTP/1.1 engine. */

BOOL WINAPI WinHttpSendRequest(HINTERNET handle, LPCWSTR headers, DWORD headers_length, LPVOID optional,
                               DWORD optional_length, DWORD total_length, DWORD_PTR context)
{
    TRACE("%p, %s, %lu, %p, %lu, %lu, %Ix\n", handle, debugstr_wn(headers, headers_length == ~0u ? -1 : (int)headers_length),
          headers_length, optional, optional_length, total_length, context);
    NOT_IMPLEMENTED(FALSE);
}

BOOL WINAPI WinHttpWriteData(HINTERNET handle, LPCVOID buffer, DWORD size, LPDWORD written)
{
    TRACE("%p, %p, %lu, %p\n", handle, buffer, size, written);
    NOT_IMPLEMENTED(FALSE);
}

BOOL WINAPI WinHttpReceiveResponse(HINTERNET handle, LPVOID reserved)
{
    TRACE("%p, %p\n", handle, reserved);
    NOT_IMPLEMENTED(FALSE);
}

BOOL WINAPI WinHttpQueryDataAvailable(HINTERNET handle, LPDWORD available)
{
    TRACE("%p, %p\n", handle, available);
    NOT_IMPLEMENTED(FALSE);
}

BOOL WINAPI WinHttpReadData(HINTERNET handle, LPVOID buffer, DWORD size, LPDWORD read)
{
    TRACE("%p, %p, %lu, %p\n", handle, buffer, size, read);
    NOT_IMPLEMENTED(FALSE);
}

DWORD WINAPI WinHttpReadDataEx(HINTERNET handle, LPVOID buffer, DWORD size, LPDWORD read, ULONGLONG flags,
                               DWORD property_size, PVOID property)
{
    TRACE("%p, %p, %lu, %p, %#I64x, %lu, %p\n", handle, buffer, size, read, flags, property_size, property);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}
