/* WinHttpCrackUrl and WinHttpCreateUrl: URL_COMPONENTS in and out of url.c. */
#include "winhttp_private.h"
#include "url.h"

_Static_assert(sizeof(WCHAR) == sizeof(wchar16), "WCHAR is UTF-16");

static DWORD error_from_status(enum url_status status)
{
    switch (status)
    {
    case URL_OK:                  return ERROR_SUCCESS;
    case URL_INVALID:             return ERROR_WINHTTP_INVALID_URL;
    case URL_UNRECOGNIZED_SCHEME: return ERROR_WINHTTP_UNRECOGNIZED_SCHEME;
    case URL_INSUFFICIENT_BUFFER: return ERROR_INSUFFICIENT_BUFFER;
    case URL_INVALID_PARAMETER:   return ERROR_INVALID_PARAMETER;
    }
    return ERROR_WINHTTP_INTERNAL_ERROR;
}

static BOOL finish(enum url_status status)
{
    SetLastError(error_from_status(status));
    return status == URL_OK;
}

/* ---- WinHttpCrackUrl ---------------------------------------------------- */

static void component_in(struct url_component *c, WCHAR *text, DWORD length)
{
    c->text = (wchar16 *)text;
    c->length = length;
}

static void component_out(const struct url_component *c, WCHAR **text, DWORD *length)
{
    *text = (WCHAR *)c->text;
    *length = c->length;
}

static void components_in(const URL_COMPONENTS *uc, struct url_components *parts)
{
    component_in(&parts->scheme, uc->lpszScheme, uc->dwSchemeLength);
    component_in(&parts->host, uc->lpszHostName, uc->dwHostNameLength);
    component_in(&parts->user, uc->lpszUserName, uc->dwUserNameLength);
    component_in(&parts->password, uc->lpszPassword, uc->dwPasswordLength);
    component_in(&parts->path, uc->lpszUrlPath, uc->dwUrlPathLength);
    component_in(&parts->extra, uc->lpszExtraInfo, uc->dwExtraInfoLength);
}

static void components_out(const struct url_components *parts, URL_COMPONENTS *uc)
{
    component_out(&parts->scheme, &uc->lpszScheme, &uc->dwSchemeLength);
    component_out(&parts->host, &uc->lpszHostName, &uc->dwHostNameLength);
    component_out(&parts->user, &uc->lpszUserName, &uc->dwUserNameLength);
    component_out(&parts->password, &uc->lpszPassword, &uc->dwPasswordLength);
    component_out(&parts->path, &uc->lpszUrlPath, &uc->dwUrlPathLength);
    component_out(&parts->extra, &uc->lpszExtraInfo, &uc->dwExtraInfoLength);
    uc->nScheme = parts->scheme_id;
    uc->nPort = parts->port;
}

BOOL WINAPI WinHttpCrackUrl(LPCWSTR url, DWORD length, DWORD flags, LPURL_COMPONENTS uc)
{
    struct url_components parts;
    enum url_status status;

    TRACE("%s, %lu, %#lx, %p\n", debugstr_wn(url, length ? (int)min(length, 0x7fffffffu) : -1), length, flags, uc);

    if (!url || !uc || uc->dwStructSize != sizeof(*uc)) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!length) length = lstrlenW(url);

    components_in(uc, &parts);
    status = url_crack((const wchar16 *)url, length, flags, &parts);
    if (status == URL_OK || status == URL_INSUFFICIENT_BUFFER) components_out(&parts, uc);
    return finish(status);
}

/* ---- WinHttpCreateUrl ------------------------------------------------------ */

/* A length of 0 means the string is NUL-terminated. */
static struct url_string string_in(const WCHAR *text, DWORD length)
{
    struct url_string s = { (const wchar16 *)text, 0 };

    if (text) s.length = length ? length : (size_t)lstrlenW(text);
    return s;
}

static void create_parts_in(const URL_COMPONENTS *uc, struct url_create_parts *parts)
{
    parts->scheme = string_in(uc->lpszScheme, uc->dwSchemeLength);
    parts->scheme_id = uc->nScheme;
    parts->host = string_in(uc->lpszHostName, uc->dwHostNameLength);
    parts->port = uc->nPort;
    parts->user = string_in(uc->lpszUserName, uc->dwUserNameLength);
    parts->password = string_in(uc->lpszPassword, uc->dwPasswordLength);
    parts->path = string_in(uc->lpszUrlPath, uc->dwUrlPathLength);
    parts->extra = string_in(uc->lpszExtraInfo, uc->dwExtraInfoLength);
}

BOOL WINAPI WinHttpCreateUrl(LPURL_COMPONENTS uc, DWORD flags, LPWSTR url, LPDWORD length)
{
    struct url_create_parts parts;
    enum url_status status;
    size_t written = 0;

    TRACE("%p, %#lx, %p, %p\n", uc, flags, url, length);

    /* A size without a buffer is a caller error, not a size query. */
    if (!uc || uc->dwStructSize != sizeof(*uc) || !length || (!url && *length))
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    TRACE("scheme %s (%d), host %s, port %u, path %s, extra %s\n",
          debugstr_wn(uc->lpszScheme, uc->lpszScheme && uc->dwSchemeLength ? (int)uc->dwSchemeLength : -1),
          uc->nScheme,
          debugstr_wn(uc->lpszHostName, uc->lpszHostName && uc->dwHostNameLength ? (int)uc->dwHostNameLength : -1),
          uc->nPort,
          debugstr_wn(uc->lpszUrlPath, uc->lpszUrlPath && uc->dwUrlPathLength ? (int)uc->dwUrlPathLength : -1),
          debugstr_wn(uc->lpszExtraInfo, uc->lpszExtraInfo && uc->dwExtraInfoLength ? (int)uc->dwExtraInfoLength : -1));

    create_parts_in(uc, &parts);
    status = url_create(&parts, flags, (wchar16 *)url, url ? *length : 0, &written);
    if (status == URL_OK || status == URL_INSUFFICIENT_BUFFER)
    {
        if (written > MAXDWORD) return FAIL(ERROR_NOT_ENOUGH_MEMORY, FALSE);
        *length = (DWORD)written;
    }
    return finish(status);
}
