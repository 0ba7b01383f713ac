/* WinHttpAddRequestHeaders(Ex) and WinHttpQueryHeaders(Ex): every query
 * level, the NUMBER/NUMBER64/SYSTEMTIME/REQUEST_HEADERS/TRAILERS modifiers,
 * raw headers, custom names, index iteration and the buffer-size protocol. */
#include <stdio.h>
#include <wchar.h>

#include "request.h"

/* Header names by query level (levels with no header name are computed). */
static const WCHAR *const level_names[] =
{
    [WINHTTP_QUERY_MIME_VERSION] = L"Mime-Version",
    [WINHTTP_QUERY_CONTENT_TYPE] = L"Content-Type",
    [WINHTTP_QUERY_CONTENT_TRANSFER_ENCODING] = L"Content-Transfer-Encoding",
    [WINHTTP_QUERY_CONTENT_ID] = L"Content-ID",
    [WINHTTP_QUERY_CONTENT_DESCRIPTION] = L"Content-Description",
    [WINHTTP_QUERY_CONTENT_LENGTH] = L"Content-Length",
    [WINHTTP_QUERY_CONTENT_LANGUAGE] = L"Content-Language",
    [WINHTTP_QUERY_ALLOW] = L"Allow",
    [WINHTTP_QUERY_PUBLIC] = L"Public",
    [WINHTTP_QUERY_DATE] = L"Date",
    [WINHTTP_QUERY_EXPIRES] = L"Expires",
    [WINHTTP_QUERY_LAST_MODIFIED] = L"Last-Modified",
    [WINHTTP_QUERY_MESSAGE_ID] = L"Message-ID",
    [WINHTTP_QUERY_URI] = L"URI",
    [WINHTTP_QUERY_DERIVED_FROM] = L"Derived-From",
    [WINHTTP_QUERY_COST] = L"Cost",
    [WINHTTP_QUERY_LINK] = L"Link",
    [WINHTTP_QUERY_PRAGMA] = L"Pragma",
    [WINHTTP_QUERY_CONNECTION] = L"Connection",
    [WINHTTP_QUERY_ACCEPT] = L"Accept",
    [WINHTTP_QUERY_ACCEPT_CHARSET] = L"Accept-Charset",
    [WINHTTP_QUERY_ACCEPT_ENCODING] = L"Accept-Encoding",
    [WINHTTP_QUERY_ACCEPT_LANGUAGE] = L"Accept-Language",
    [WINHTTP_QUERY_AUTHORIZATION] = L"Authorization",
    [WINHTTP_QUERY_CONTENT_ENCODING] = L"Content-Encoding",
    [WINHTTP_QUERY_FORWARDED] = L"Forwarded",
    [WINHTTP_QUERY_FROM] = L"From",
    [WINHTTP_QUERY_IF_MODIFIED_SINCE] = L"If-Modified-Since",
    [WINHTTP_QUERY_LOCATION] = L"Location",
    [WINHTTP_QUERY_ORIG_URI] = L"Orig-Uri",
    [WINHTTP_QUERY_REFERER] = L"Referer",
    [WINHTTP_QUERY_RETRY_AFTER] = L"Retry-After",
    [WINHTTP_QUERY_SERVER] = L"Server",
    [WINHTTP_QUERY_TITLE] = L"Title",
    [WINHTTP_QUERY_USER_AGENT] = L"User-Agent",
    [WINHTTP_QUERY_WWW_AUTHENTICATE] = L"WWW-Authenticate",
    [WINHTTP_QUERY_PROXY_AUTHENTICATE] = L"Proxy-Authenticate",
    [WINHTTP_QUERY_ACCEPT_RANGES] = L"Accept-Ranges",
    [WINHTTP_QUERY_SET_COOKIE] = L"Set-Cookie",
    [WINHTTP_QUERY_COOKIE] = L"Cookie",
    [WINHTTP_QUERY_REFRESH] = L"Refresh",
    [WINHTTP_QUERY_CONTENT_DISPOSITION] = L"Content-Disposition",
    [WINHTTP_QUERY_AGE] = L"Age",
    [WINHTTP_QUERY_CACHE_CONTROL] = L"Cache-Control",
    [WINHTTP_QUERY_CONTENT_BASE] = L"Content-Base",
    [WINHTTP_QUERY_CONTENT_LOCATION] = L"Content-Location",
    [WINHTTP_QUERY_CONTENT_MD5] = L"Content-MD5",
    [WINHTTP_QUERY_CONTENT_RANGE] = L"Content-Range",
    [WINHTTP_QUERY_ETAG] = L"ETag",
    [WINHTTP_QUERY_HOST] = L"Host",
    [WINHTTP_QUERY_IF_MATCH] = L"If-Match",
    [WINHTTP_QUERY_IF_NONE_MATCH] = L"If-None-Match",
    [WINHTTP_QUERY_IF_RANGE] = L"If-Range",
    [WINHTTP_QUERY_IF_UNMODIFIED_SINCE] = L"If-Unmodified-Since",
    [WINHTTP_QUERY_MAX_FORWARDS] = L"Max-Forwards",
    [WINHTTP_QUERY_PROXY_AUTHORIZATION] = L"Proxy-Authorization",
    [WINHTTP_QUERY_RANGE] = L"Range",
    [WINHTTP_QUERY_TRANSFER_ENCODING] = L"Transfer-Encoding",
    [WINHTTP_QUERY_UPGRADE] = L"Upgrade",
    [WINHTTP_QUERY_VARY] = L"Vary",
    [WINHTTP_QUERY_VIA] = L"Via",
    [WINHTTP_QUERY_WARNING] = L"Warning",
    [WINHTTP_QUERY_EXPECT] = L"Expect",
    [WINHTTP_QUERY_PROXY_CONNECTION] = L"Proxy-Connection",
    [WINHTTP_QUERY_UNLESS_MODIFIED_SINCE] = L"Unless-Modified-Since",
    [WINHTTP_QUERY_PROXY_SUPPORT] = L"Proxy-Support",
    [WINHTTP_QUERY_AUTHENTICATION_INFO] = L"Authentication-Info",
    [WINHTTP_QUERY_PASSPORT_URLS] = L"PassportURLs",
    [WINHTTP_QUERY_PASSPORT_CONFIG] = L"PassportConfig",
};

#define MODIFIERS (WINHTTP_QUERY_FLAG_REQUEST_HEADERS | WINHTTP_QUERY_FLAG_SYSTEMTIME | WINHTTP_QUERY_FLAG_NUMBER | \
                   WINHTTP_QUERY_FLAG_NUMBER64 | WINHTTP_QUERY_FLAG_TRAILERS | WINHTTP_QUERY_FLAG_WIRE_ENCODING)

/* ---- adding ------------------------------------------------------------------ */

BOOL WINAPI WinHttpAddRequestHeaders(HINTERNET handle, LPCWSTR headers, DWORD length, DWORD modifiers)
{
    struct request *request;
    DWORD error;

    TRACE("%p, %s, %lu, %#lx\n", handle, debugstr_headers(headers, length == ~0u ? -1 : (int)length), length, modifiers);

    if (!headers || !length) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!(request = request_enter(handle))) return FALSE;
    if (length == ~0u) length = lstrlenW(headers);
    error = header_list_apply_text(&request->headers, headers, length, modifiers);
    request_leave(request);
    SetLastError(error);
    return !error;
}

static WCHAR *extended_string(const WINHTTP_EXTENDED_HEADER *header, BOOL name, ULONGLONG flags)
{
    const void *text = name ? (const void *)header->pwszName : (const void *)header->pwszValue;
    int count;
    WCHAR *out;

    if (!text) return NULL;
    if (flags & WINHTTP_EXTENDED_HEADER_FLAG_UNICODE) return strdupW(text);
    count = MultiByteToWideChar(CP_UTF8, 0, text, -1, NULL, 0);
    if (!(out = heap_alloc(count * sizeof(WCHAR)))) return NULL;
    MultiByteToWideChar(CP_UTF8, 0, text, -1, out, count);
    return out;
}

DWORD WINAPI WinHttpAddRequestHeadersEx(HINTERNET handle, DWORD modifiers, ULONGLONG flags, ULONGLONG extra,
                                        DWORD count, WINHTTP_EXTENDED_HEADER *headers)
{
    struct request *request;
    DWORD error = ERROR_SUCCESS;

    TRACE("%p, %#lx, %#I64x, %#I64x, %lu, %p\n", handle, modifiers, flags, extra, count, headers);

    if (!headers || !count || extra) return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    if (!(request = request_enter(handle))) return GetLastError();
    for (DWORD i = 0; i < count && !error; i++)
    {
        WCHAR *name = extended_string(&headers[i], TRUE, flags);
        WCHAR *value = extended_string(&headers[i], FALSE, flags);

        if (!name || !value) error = name && !headers[i].pwszValue ? ERROR_INVALID_PARAMETER : ERROR_OUTOFMEMORY;
        else if (contains_crlf(name, lstrlenW(name)) || contains_crlf(value, lstrlenW(value)) || !*name)
            error = ERROR_WINHTTP_INVALID_HEADER;
        else error = header_list_apply(&request->headers, name, lstrlenW(name), value, lstrlenW(value), modifiers);
        heap_free(name);
        heap_free(value);
    }
    request_leave(request);
    SetLastError(error);
    return error;
}

/* ---- querying ---------------------------------------------------------------- */

/* Text output: sizes in bytes; the size needed counts the terminator, the
 * size returned on success does not. */
static DWORD copy_text(const WCHAR *text, size_t length, void *buffer, DWORD *size)
{
    DWORD needed = (DWORD)((length + 1) * sizeof(WCHAR));

    if (!buffer || *size < needed)
    {
        *size = needed;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy(buffer, text, length * sizeof(WCHAR));
    ((WCHAR *)buffer)[length] = 0;
    *size = (DWORD)(length * sizeof(WCHAR));
    return ERROR_SUCCESS;
}

static DWORD copy_fixed(const void *value, DWORD value_size, void *buffer, DWORD *size)
{
    if (!buffer || *size < value_size)
    {
        *size = value_size;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy(buffer, value, value_size);
    *size = value_size;
    return ERROR_SUCCESS;
}

/* A value, converted as the modifiers ask. */
static DWORD copy_value(const WCHAR *value, DWORD level, void *buffer, DWORD *size)
{
    if (level & WINHTTP_QUERY_FLAG_NUMBER)
    {
        DWORD number = wcstoul(value, NULL, 10);
        return copy_fixed(&number, sizeof(number), buffer, size);
    }
    if (level & WINHTTP_QUERY_FLAG_NUMBER64)
    {
        ULONGLONG number = _wcstoui64(value, NULL, 10);
        return copy_fixed(&number, sizeof(number), buffer, size);
    }
    if (level & WINHTTP_QUERY_FLAG_SYSTEMTIME)
    {
        SYSTEMTIME time;
        if (!WinHttpTimeToSystemTime(value, &time)) return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
        return copy_fixed(&time, sizeof(time), buffer, size);
    }
    return copy_text(value, lstrlenW(value), buffer, size);
}

/* Raw headers: lines joined by CRLF (ending with an empty line), or by NUL
 * (ending with an extra NUL). */
static DWORD copy_raw(const WCHAR *first_line, const struct header_list *list, BOOL crlf, void *buffer, DWORD *size)
{
    size_t length = lstrlenW(first_line) + 2, pos;
    WCHAR *text;
    DWORD error;

    for (size_t i = 0; i < list->count; i++)
        length += lstrlenW(list->items[i].name) + 2 + lstrlenW(list->items[i].value) + 2;
    length += 2;
    if (!(text = heap_alloc((length + 1) * sizeof(WCHAR)))) return ERROR_OUTOFMEMORY;
    pos = swprintf(text, length + 1, L"%ls\r\n", first_line);
    for (size_t i = 0; i < list->count; i++)
        pos += swprintf(text + pos, length + 1 - pos, L"%ls: %ls\r\n", list->items[i].name, list->items[i].value);
    pos += swprintf(text + pos, length + 1 - pos, L"\r\n");
    if (!crlf)
    {
        /* NUL-separated: each CRLF becomes one NUL */
        size_t out = 0;
        for (size_t i = 0; i < pos; i++)
        {
            if (text[i] == '\r' && text[i + 1] == '\n') { text[out++] = 0; i++; }
            else text[out++] = text[i];
        }
        pos = out - 1;  /* the size reported leaves out the final terminator */
    }
    error = copy_text(text, pos, buffer, size);
    heap_free(text);
    return error;
}

static WCHAR *widen_utf8(const char *text, size_t length)
{
    int count = MultiByteToWideChar(CP_UTF8, 0, text, (int)length, NULL, 0);
    WCHAR *out = heap_alloc((count + 1) * sizeof(WCHAR));

    if (!out) return NULL;
    MultiByteToWideChar(CP_UTF8, 0, text, (int)length, out, count);
    out[count] = 0;
    return out;
}

/* The request headers as a REQUEST_HEADERS query sees them.  Like native,
 * the headers WinHTTP adds when sending (Host, User-Agent, Connection, ...)
 * count as request headers: they are read back from the last head sent, and
 * come first, as on the wire; then the application's own, current list.
 * The caller frees the list and the request line. */
static DWORD request_header_view(struct request *request, struct header_list *view, WCHAR **request_line)
{
    const char *p = request->sent_head.data, *end = p + request->sent_head.len, *eol;
    DWORD error = ERROR_SUCCESS;

    memset(view, 0, sizeof(*view));
    *request_line = NULL;
    if (!p)
    {
        size_t length = lstrlenW(request->verb) + lstrlenW(request->path) + lstrlenW(request->version) + 3;
        if (!(*request_line = heap_alloc(length * sizeof(WCHAR)))) return ERROR_OUTOFMEMORY;
        swprintf(*request_line, length, L"%ls %ls %ls", request->verb, request->path, request->version);
    }
    else
    {
        if (!(eol = memchr(p, '\r', end - p)) || !(*request_line = widen_utf8(p, eol - p))) return ERROR_OUTOFMEMORY;
        for (p = eol + 2; !error && p < end && (eol = memchr(p, '\r', end - p)) && eol > p; p = eol + 2)
        {
            const char *colon = memchr(p, ':', eol - p), *value;
            WCHAR *name, *wide_value;
            if (!colon) continue;
            for (value = colon + 1; value < eol && *value == ' '; value++) ;
            name = widen_utf8(p, colon - p);
            wide_value = widen_utf8(value, eol - value);
            if (!name || !wide_value) error = ERROR_OUTOFMEMORY;
            else if (header_list_find(&request->headers, name, 0) < 0) /* a default, not the application's */
                error = header_list_append(view, name, wide_value);
            heap_free(name);
            heap_free(wide_value);
        }
    }
    for (size_t i = 0; !error && i < request->headers.count; i++)
        error = header_list_append(view, request->headers.items[i].name, request->headers.items[i].value);
    return error;
}

/* The list a query reads, by its modifiers: trailers, the request's
 * headers (into view, which the caller frees), or the response's. */
static DWORD select_list(struct request *request, DWORD level, struct header_list *view,
                         const struct header_list **list)
{
    WCHAR *line;
    DWORD error;

    if (level & WINHTTP_QUERY_FLAG_TRAILERS) *list = &request->response.trailers;
    else if (!(level & WINHTTP_QUERY_FLAG_REQUEST_HEADERS)) *list = &request->response.headers;
    else
    {
        if ((error = request_header_view(request, view, &line))) return error;
        heap_free(line);
        *list = view;
    }
    return ERROR_SUCCESS;
}

static DWORD query_request_raw(struct request *request, DWORD level, void *buffer, DWORD *size)
{
    struct header_list view;
    WCHAR *line;
    DWORD error = request_header_view(request, &view, &line);

    if (!error) error = copy_raw(line, &view, level == WINHTTP_QUERY_RAW_HEADERS_CRLF, buffer, size);
    header_list_free(&view);
    heap_free(line);
    return error;
}

static DWORD query_special(struct request *request, DWORD level, void *buffer, DWORD *size, BOOL *handled)
{
    struct response *response = &request->response;
    BOOL want_request = !!(level & WINHTTP_QUERY_FLAG_REQUEST_HEADERS);
    DWORD base = level & WINHTTP_QUERY_HEADER_MASK;
    WCHAR text[64];

    *handled = TRUE;
    switch (base)
    {
    case WINHTTP_QUERY_REQUEST_METHOD:
        return copy_value(request->verb, level, buffer, size);
    case WINHTTP_QUERY_STATUS_CODE:
        if (want_request) return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
        swprintf(text, ARRAY_SIZE(text), L"%lu", response->status);
        return copy_value(text, level, buffer, size);
    case WINHTTP_QUERY_STATUS_TEXT:
        if (want_request) return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
        return copy_value(response->status_text, level, buffer, size);
    case WINHTTP_QUERY_VERSION:
        return copy_value(want_request ? request->version : response->version, level, buffer, size);
    case WINHTTP_QUERY_RAW_HEADERS:
    case WINHTTP_QUERY_RAW_HEADERS_CRLF:
        if (want_request) return query_request_raw(request, base, buffer, size);
        swprintf(text, ARRAY_SIZE(text), L"%ls %lu ", response->version, response->status);
        {
            size_t prefix = lstrlenW(text), reason = lstrlenW(response->status_text);
            WCHAR *line = heap_alloc((prefix + reason + 1) * sizeof(WCHAR));
            DWORD error;
            if (!line) return ERROR_OUTOFMEMORY;
            memcpy(line, text, prefix * sizeof(WCHAR));
            memcpy(line + prefix, response->status_text, (reason + 1) * sizeof(WCHAR));
            if (!reason) line[prefix - 1] = 0;
            error = copy_raw(line, &response->headers, base == WINHTTP_QUERY_RAW_HEADERS_CRLF, buffer, size);
            heap_free(line);
            return error;
        }
    }
    *handled = FALSE;
    return ERROR_SUCCESS;
}

static DWORD query_headers(struct request *request, DWORD level, const WCHAR *name, void *buffer, DWORD *size,
                           DWORD *index)
{
    DWORD base = level & WINHTTP_QUERY_HEADER_MASK, error;
    struct header_list view = { 0 };
    const struct header_list *list;
    BOOL handled;
    int found;

    if (level & ~(MODIFIERS | WINHTTP_QUERY_HEADER_MASK)) return ERROR_INVALID_PARAMETER;
    if (base > WINHTTP_QUERY_MAX && base != WINHTTP_QUERY_CUSTOM) return ERROR_INVALID_PARAMETER;
    /* the method is the request's own: native answers it before any response */
    if (!(level & WINHTTP_QUERY_FLAG_REQUEST_HEADERS) && request->state != REQUEST_RESPONSE &&
        base != WINHTTP_QUERY_REQUEST_METHOD)
        return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    error = query_special(request, level, buffer, size, &handled);
    if (handled) return error;

    if (base == WINHTTP_QUERY_CUSTOM)
    {
        if (!name || !*name) return ERROR_INVALID_PARAMETER;
    }
    else if (base >= ARRAY_SIZE(level_names) || !(name = level_names[base]))
        return ERROR_WINHTTP_INVALID_QUERY_REQUEST;

    if ((error = select_list(request, level, &view, &list))) goto done;

    found = header_list_find(list, name, index ? *index : 0);
    if (found < 0) error = ERROR_WINHTTP_HEADER_NOT_FOUND;
    else if (!(error = copy_value(list->items[found].value, level, buffer, size)) && index) (*index)++;
done:
    header_list_free(&view);
    return error;
}

BOOL WINAPI WinHttpQueryHeaders(HINTERNET handle, DWORD level, LPCWSTR name, LPVOID buffer, LPDWORD size,
                                LPDWORD index)
{
    struct request *request;
    DWORD error;

    TRACE("%p, %#lx, %s, %p, %p, %p\n", handle, level, debugstr_w(name), buffer, size, index);

    if (!(request = request_enter(handle))) return FALSE;
    error = size ? query_headers(request, level, name, buffer, size, index) : ERROR_INVALID_PARAMETER;
    request_leave(request);
    SetLastError(error);
    return !error;
}

/* The Ex form returns headers as WINHTTP_EXTENDED_HEADER entries laid out in
 * the caller's buffer: the array first, then the strings. */
DWORD WINAPI WinHttpQueryHeadersEx(HINTERNET handle, DWORD level, ULONGLONG flags, UINT codepage, PDWORD index,
                                   PWINHTTP_HEADER_NAME header_name, PVOID buffer, PDWORD size,
                                   PWINHTTP_EXTENDED_HEADER *headers, PDWORD count)
{
    struct request *request;
    const struct header_list *list;
    const WCHAR *name = NULL;
    WCHAR *wide_name = NULL;
    DWORD base = level & WINHTTP_QUERY_HEADER_MASK, needed, error = ERROR_SUCCESS, matches = 0;
    BOOL all = base == WINHTTP_QUERY_EX_ALL_HEADERS;
    /* documented: Unicode strings unless WINHTTP_QUERY_FLAG_WIRE_ENCODING asks for the wire form */
    BOOL unicode = !(level & WINHTTP_QUERY_FLAG_WIRE_ENCODING);
    struct header_list view = { 0 };

    TRACE("%p, %#lx, %#I64x, %u, %p, %p, %p, %p, %p, %p\n", handle, level, flags, codepage, index, header_name,
          buffer, size, headers, count);

    if (!size || !headers || !count) return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    if (!(request = request_enter(handle))) return GetLastError();
    /* documented: these levels and modifiers have no meaning for the Ex form */
    if (base == WINHTTP_QUERY_VERSION || base == WINHTTP_QUERY_STATUS_CODE || base == WINHTTP_QUERY_STATUS_TEXT ||
        base == WINHTTP_QUERY_RAW_HEADERS_CRLF ||
        (level & (WINHTTP_QUERY_FLAG_NUMBER | WINHTTP_QUERY_FLAG_NUMBER64 | WINHTTP_QUERY_FLAG_SYSTEMTIME)))
        error = ERROR_INVALID_PARAMETER;
    else if (base == WINHTTP_QUERY_CUSTOM)
    {
        if (!header_name || !header_name->pwszName) error = ERROR_INVALID_PARAMETER;
        else if (unicode) name = header_name->pwszName;
        else if ((wide_name = heap_alloc(1024 * sizeof(WCHAR))))
        {
            MultiByteToWideChar(CP_UTF8, 0, header_name->pszName, -1, wide_name, 1024);
            name = wide_name;
        }
        else error = ERROR_OUTOFMEMORY;
    }
    else if (!all && (base >= ARRAY_SIZE(level_names) || !(name = level_names[base])))
        error = ERROR_WINHTTP_INVALID_QUERY_REQUEST;
    if (!error && !(level & WINHTTP_QUERY_FLAG_REQUEST_HEADERS) && request->state != REQUEST_RESPONSE)
        error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (error) goto done;

    if ((error = select_list(request, level, &view, &list))) goto done;

    /* size the result: the array, then each string in the wanted encoding */
    needed = 0;
    for (size_t i = 0, seen = 0; i < list->count; i++)
    {
        const struct header *h = &list->items[i];
        if (!all && CompareStringOrdinal(h->name, -1, name, -1, TRUE) != CSTR_EQUAL) continue;
        if (!all && index && seen++ < *index) continue;
        matches++;
        needed += sizeof(WINHTTP_EXTENDED_HEADER);
        if (unicode) needed += (lstrlenW(h->name) + lstrlenW(h->value) + 2) * sizeof(WCHAR);
        else needed += WideCharToMultiByte(codepage ? codepage : CP_UTF8, 0, h->name, -1, NULL, 0, NULL, NULL) +
                       WideCharToMultiByte(codepage ? codepage : CP_UTF8, 0, h->value, -1, NULL, 0, NULL, NULL);
        if (!all) break;
    }
    if (!matches) { error = ERROR_WINHTTP_HEADER_NOT_FOUND; goto done; }
    if (!buffer || *size < needed) { *size = needed; error = ERROR_INSUFFICIENT_BUFFER; goto done; }

    {
        WINHTTP_EXTENDED_HEADER *out = buffer;
        char *strings = (char *)buffer + matches * sizeof(*out);
        DWORD n = 0;

        for (size_t i = 0, seen = 0; i < list->count && n < matches; i++)
        {
            const struct header *h = &list->items[i];
            const WCHAR *pair[2] = { h->name, h->value };
            if (!all && CompareStringOrdinal(h->name, -1, name, -1, TRUE) != CSTR_EQUAL) continue;
            if (!all && index && seen++ < *index) continue;
            for (int k = 0; k < 2; k++)
            {
                void *place = strings;
                if (unicode)
                {
                    size_t bytes = (lstrlenW(pair[k]) + 1) * sizeof(WCHAR);
                    memcpy(strings, pair[k], bytes);
                    strings += bytes;
                }
                else strings += WideCharToMultiByte(codepage ? codepage : CP_UTF8, 0, pair[k], -1, strings,
                                                    (int)(needed - (strings - (char *)buffer)), NULL, NULL);
                if (k) out[n].pwszValue = place; else out[n].pwszName = place;
            }
            n++;
        }
        *headers = out;
        *count = matches;
        *size = needed;
        if (index && !all) (*index)++;
    }
done:
    header_list_free(&view);
    heap_free(wide_name);
    request_leave(request);
    SetLastError(error);
    return error;
}
