/* A request and its session's cookies (cookie.c's jar, RFC 6265 with
 * native WinHTTP's ways): what a response's Set-Cookie headers store, and
 * the Cookie header a request sends.  WINHTTP_DISABLE_COOKIES turns both
 * off for a request.  Header values travel as the rest of the headers do
 * (the ANSI code page both ways), so the bytes a server set are the bytes
 * sent back. */
#include <stdlib.h>
#include <time.h>

#include "request.h"

static BOOL cookies_enabled(struct request *r)
{
    return !(r->obj.settings.disabled_features & WINHTTP_DISABLE_COOKIES);
}

static char *narrow(const WCHAR *text)
{
    int length = WideCharToMultiByte(CP_ACP, 0, text, -1, NULL, 0, NULL, NULL);
    char *out = length > 0 ? malloc(length) : NULL;

    if (out) WideCharToMultiByte(CP_ACP, 0, text, -1, out, length, NULL, NULL);
    return out;
}

/* What the jar needs of the request: its host and path as 8-bit strings
 * (the caller frees them). */
static BOOL describe(struct request *r, struct cookie_request *req, char **host, char **path)
{
    *host = narrow(request_target_host(r));
    *path = narrow(r->path);
    req->host = *host;
    req->path = *path;
    req->secure = r->target_secure;
    req->now = (int64_t)time(NULL);
    if (*host && *path) return TRUE;
    free(*host);
    free(*path);
    return FALSE;
}

void request_store_cookies(struct request *r)
{
    struct session *session = request_session(r);
    const struct header_list *headers = &r->response.headers;
    struct cookie_request req;
    char *host, *path;
    int i;

    if (!cookies_enabled(r) || header_list_find(headers, L"Set-Cookie", 0) < 0) return;
    if (!describe(r, &req, &host, &path)) return;
    for (size_t n = 0; (i = header_list_find(headers, L"Set-Cookie", n)) >= 0; n++)
    {
        char *value = narrow(headers->items[i].value);
        enum cookie_result result;

        if (!value) break;
        AcquireSRWLockExclusive(&session->cookies_lock);
        result = cookie_jar_set(&session->cookies, value, strlen(value), &req);
        ReleaseSRWLockExclusive(&session->cookies_lock);
        TRACE("Set-Cookie for %s: %d\n", debugstr_a(host), result);
        free(value);
    }
    free(host);
    free(path);
}

WCHAR *request_cookie_header(struct request *r)
{
    struct session *session = request_session(r);
    struct cookie_request req;
    char *host, *path, *value = NULL;
    WCHAR *wide = NULL;
    BOOL empty;
    int length;

    if (!cookies_enabled(r)) return NULL;
    /* most sessions never get a cookie: no work on their requests' way */
    AcquireSRWLockShared(&session->cookies_lock);
    empty = !session->cookies.count;
    ReleaseSRWLockShared(&session->cookies_lock);
    if (empty || !describe(r, &req, &host, &path)) return NULL;
    AcquireSRWLockExclusive(&session->cookies_lock);
    cookie_jar_header(&session->cookies, &req, &value);
    ReleaseSRWLockExclusive(&session->cookies_lock);
    if (value && (length = MultiByteToWideChar(CP_ACP, 0, value, -1, NULL, 0)) > 0 &&
        (wide = heap_alloc(length * sizeof(WCHAR))))
        MultiByteToWideChar(CP_ACP, 0, value, -1, wide, length);
    free(value);
    free(host);
    free(path);
    return wide;
}
