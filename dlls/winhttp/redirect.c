/* Redirects: whether a response is one to follow, and following it (the
 * new target, the method and body the next send carries, credentials
 * dropped when the origin changes). */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "body.h"
#include "connection.h"

BOOL redirect_status(DWORD status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Resolves Location against the current URL into host, port, security and path. */
static DWORD apply_location(struct request *r, const WCHAR *location, WCHAR **new_url)
{
    WCHAR *current = request_url(r), *url;
    DWORD length;
    URL_COMPONENTS uc = { sizeof(uc) };
    WCHAR *host, *path, *fragment;

    if (!current) return ERROR_OUTOFMEMORY;
    if (wcsstr(location, L"://")) url = strdupW(location);
    else if (location[0] == '/' && location[1] == '/')
    {
        length = lstrlenW(location) + 8;
        url = heap_alloc(length * sizeof(WCHAR));
        if (url) swprintf(url, length, L"%ls:%ls", r->target_secure ? L"https" : L"http", location);
    }
    else
    {
        /* relative: against the scheme and authority, or the current directory */
        WCHAR *cut = wcschr(wcsstr(current, L"://") + 3, '/');
        length = lstrlenW(current) + lstrlenW(location) + 2;
        url = heap_alloc(length * sizeof(WCHAR));
        if (url && cut)
        {
            if (location[0] != '/')
            {
                WCHAR *end = wcschr(cut, '?');
                if (end) *end = 0;
                if ((end = wcsrchr(cut, '/'))) end[1] = 0;
            }
            else *cut = 0;
            swprintf(url, length, L"%ls%ls", current, location);
        }
        else if (url) swprintf(url, length, L"%ls/%ls", current, location[0] == '/' ? location + 1 : location);
    }
    heap_free(current);
    if (!url) return ERROR_OUTOFMEMORY;

    uc.dwHostNameLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = ~0u;
    if (!WinHttpCrackUrl(url, 0, 0, &uc) || !uc.dwHostNameLength)
    {
        heap_free(url);
        return ERROR_WINHTTP_REDIRECT_FAILED;
    }
    /* WINHTTP_OPTION_REJECT_USERPWD_IN_URL: documented as failing a URL with
     * user-info (even ":@") with ERROR_WINHTTP_INVALID_URL */
    if (r->obj.settings.reject_userpwd && !WinHttpCrackUrl(url, 0, ICU_REJECT_USERPWD, &uc))
    {
        TRACE("user name or password in %s\n", debugstr_w(url));
        heap_free(url);
        return ERROR_WINHTTP_INVALID_URL;
    }
    if (uc.nScheme == INTERNET_SCHEME_HTTP && r->target_secure &&
        r->obj.settings.redirect_policy == WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP)
    {
        heap_free(url);
        return ERROR_WINHTTP_REDIRECT_FAILED;
    }
    host = host_to_ascii(uc.lpszHostName, uc.dwHostNameLength);
    path = heap_alloc((uc.dwUrlPathLength + uc.dwExtraInfoLength + 2) * sizeof(WCHAR));
    if (!host || !path)
    {
        heap_free(host);
        heap_free(path);
        heap_free(url);
        return ERROR_OUTOFMEMORY;
    }
    memcpy(path, uc.lpszUrlPath, uc.dwUrlPathLength * sizeof(WCHAR));
    memcpy(path + uc.dwUrlPathLength, uc.lpszExtraInfo, uc.dwExtraInfoLength * sizeof(WCHAR));
    path[uc.dwUrlPathLength + uc.dwExtraInfoLength] = 0;
    if ((fragment = wcschr(path, '#'))) *fragment = 0;     /* never sent (RFC 9112 section 3.2) */
    if (!path[0]) { path[0] = '/'; path[1] = 0; }

    /* credentials never travel to another origin */
    if (lstrcmpiW(host, request_target_host(r)) || uc.nPort != request_target_port(r) ||
        (uc.nScheme == INTERNET_SCHEME_HTTPS) != r->target_secure)
    {
        int i;
        while ((i = header_list_find(&r->headers, L"Authorization", 0)) >= 0)
            header_list_apply(&r->headers, L"Authorization", 13, L"", 0, WINHTTP_ADDREQ_FLAG_REPLACE);
        (void)i;
        auth_left_origin(r);
    }
    heap_free(r->target_host);
    r->target_host = host;
    r->target_port = uc.nPort;
    r->target_secure = uc.nScheme == INTERNET_SCHEME_HTTPS;
    if (r->target_secure) r->open_flags |= WINHTTP_FLAG_SECURE;
    else r->open_flags &= ~WINHTTP_FLAG_SECURE;
    heap_free(r->path);
    r->path = path;
    *new_url = url;
    return ERROR_SUCCESS;
}

/* 303 turns any method but HEAD into GET; 301/302 turn POST into GET;
 * 307/308 keep the method and body. */
static void redirect_method(struct request *r, DWORD status)
{
    BOOL to_get = (status == 303 && lstrcmpW(r->verb, L"HEAD") && lstrcmpW(r->verb, L"GET")) ||
                  ((status == 301 || status == 302) && !lstrcmpW(r->verb, L"POST"));
    if (!to_get) return;
    heap_free(r->verb);
    r->verb = strdupW(L"GET");
    r->total_length = 0;
    while (header_list_find(&r->headers, L"Content-Type", 0) >= 0)
        header_list_apply(&r->headers, L"Content-Type", 12, L"", 0, WINHTTP_ADDREQ_FLAG_REPLACE);
}

BOOL redirect_wanted(struct request *r)
{
    if (!redirect_status(r->response.status)) return FALSE;
    if (r->obj.settings.disabled_features & WINHTTP_DISABLE_REDIRECTS) return FALSE;
    if (r->obj.settings.redirect_policy == WINHTTP_OPTION_REDIRECT_POLICY_NEVER) return FALSE;
    /* 307/308 resend the body: one written with WinHttpWriteData is gone,
     * so the response goes to the caller rather than a request without it */
    if ((r->response.status == 307 || r->response.status == 308) && r->written > r->optional_length)
        return FALSE;
    return header_list_find(&r->response.headers, L"Location", 0) >= 0;
}

/* After the old body is drained: the new target, REDIRECT, and the method
 * and body the next send carries. */
DWORD redirect_follow(struct request *r)
{
    int i = header_list_find(&r->response.headers, L"Location", 0);
    WCHAR *location = strdupW(r->response.headers.items[i].value), *url = NULL;
    DWORD status = r->response.status, error;

    if (!location) return ERROR_OUTOFMEMORY;
    if (r->conn || r->h2) request_drop_connection(r);
    error = apply_location(r, location, &url);
    heap_free(location);
    if (error) return error;
    TRACE("redirect %lu to %s\n", status, debugstr_w(url));
    notify(&r->obj, WINHTTP_CALLBACK_STATUS_REDIRECT, url, lstrlenW(url));
    heap_free(url);
    redirect_method(r, status);
    if (status != 307 && status != 308)
    {
        r->send_body = NULL;
        r->send_body_length = 0;
    }
    return ERROR_SUCCESS;
}
