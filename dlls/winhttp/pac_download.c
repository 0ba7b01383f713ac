/* Downloading a PAC file with this DLL's own API: a private synchronous
 * session with the caller's session's user agent and timeouts, no proxy
 * (the file says which proxy to use).  A cancel closes the request in
 * flight, which fails the blocked call at once.  fAutoLogonIfChallenged
 * lets the logged-on user's credentials answer an NTLM or Negotiate
 * challenge (the autologon policy LOW on the request); without it they
 * never do, and a challenge fails the download with
 * ERROR_WINHTTP_LOGIN_FAILURE, which the documentation tells callers to
 * answer by asking again with fAutoLogonIfChallenged. */
#include "autoproxy.h"
#include "session.h"

/* The handles of one download; closed in reverse order. */
struct download
{
    HINTERNET session, connect, request;
};

static void download_close(struct autoproxy_query *query, struct download *d)
{
    AcquireSRWLockExclusive(&query->lock);
    query->download = NULL;
    ReleaseSRWLockExclusive(&query->lock);
    /* a handle autoproxy_cancel closed already is just invalid now */
    if (d->request) WinHttpCloseHandle(d->request);
    if (d->connect) WinHttpCloseHandle(d->connect);
    if (d->session) WinHttpCloseHandle(d->session);
}

static DWORD open_session(struct autoproxy_query *query, struct download *d)
{
    const struct settings *settings = &query->session->settings;
    const WCHAR *agent = session_from_object(query->session)->agent;

    if (!(d->session = WinHttpOpen(agent ? agent : L"WinHTTP", WINHTTP_ACCESS_TYPE_NO_PROXY,
                                   WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0)))
        return GetLastError();
    WinHttpSetTimeouts(d->session, settings->resolve_timeout, settings->connect_timeout, settings->send_timeout,
                       settings->receive_timeout);
    return ERROR_SUCCESS;
}

static DWORD open_request(struct autoproxy_query *query, const WCHAR *url, struct download *d)
{
    URL_COMPONENTS uc = { sizeof(uc) };
    WCHAR host[256];
    DWORD policy;

    uc.lpszHostName = host;
    uc.dwHostNameLength = ARRAY_SIZE(host);
    uc.dwUrlPathLength = 1;
    if (!WinHttpCrackUrl(url, 0, 0, &uc))
        return GetLastError() == ERROR_WINHTTP_UNRECOGNIZED_SCHEME ? ERROR_WINHTTP_UNRECOGNIZED_SCHEME
                                                                 : ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT;
    if (!(d->connect = WinHttpConnect(d->session, host, uc.nPort, 0))) return GetLastError();
    /* the path and the query that follows it, as one object name */
    if (!(d->request = WinHttpOpenRequest(d->connect, L"GET", uc.dwUrlPathLength ? uc.lpszUrlPath : L"/", NULL,
                                          WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                          uc.nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE : 0)))
        return GetLastError();
    policy = query->autologon ? WINHTTP_AUTOLOGON_SECURITY_LEVEL_LOW : WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH;
    if (!WinHttpSetOption(d->request, WINHTTP_OPTION_AUTOLOGON_POLICY, &policy, sizeof(policy))) return GetLastError();
    AcquireSRWLockExclusive(&query->lock);
    query->download = d->request;
    ReleaseSRWLockExclusive(&query->lock);
    return query->cancelled ? ERROR_WINHTTP_OPERATION_CANCELLED : ERROR_SUCCESS;
}

static DWORD check_status(struct autoproxy_query *query, HINTERNET request)
{
    DWORD status = 0, size = sizeof(status);

    if (!WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status,
                             &size, NULL))
        return GetLastError();
    if (status == HTTP_STATUS_OK) return ERROR_SUCCESS;
    WARN("the PAC server answered %lu\n", status);
    if (status == HTTP_STATUS_DENIED || status == HTTP_STATUS_PROXY_AUTH_REQ) return ERROR_WINHTTP_LOGIN_FAILURE;
    return ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT;
}

static DWORD read_body(HINTERNET request, char **text, size_t *len)
{
    size_t capacity = 16384, used = 0;
    char *buffer = heap_alloc(capacity), *grown;
    DWORD got;

    if (!buffer) return ERROR_NOT_ENOUGH_MEMORY;
    for (;;)
    {
        if (used == capacity)
        {
            if (capacity >= PAC_DOWNLOAD_MAX ||
                !(grown = HeapReAlloc(GetProcessHeap(), 0, buffer, capacity * 2)))
            {
                heap_free(buffer);
                return ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT;
            }
            buffer = grown;
            capacity *= 2;
        }
        if (!WinHttpReadData(request, buffer + used, (DWORD)(capacity - used), &got))
        {
            heap_free(buffer);
            return GetLastError();
        }
        if (!got) break;
        used += got;
    }
    *text = buffer;
    *len = used;
    return ERROR_SUCCESS;
}

static DWORD fetch(struct autoproxy_query *query, const WCHAR *url, struct download *d, char **text, size_t *len)
{
    DWORD err;

    if ((err = open_session(query, d)) || (err = open_request(query, url, d))) return err;
    if (!WinHttpSendRequest(d->request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0) ||
        !WinHttpReceiveResponse(d->request, NULL))
        return GetLastError();
    if ((err = check_status(query, d->request))) return err;
    return read_body(d->request, text, len);
}

DWORD pac_download(struct autoproxy_query *query, const WCHAR *url, char **text, size_t *len)
{
    struct download d = { NULL, NULL, NULL };
    DWORD err;

    TRACE("%s\n", debugstr_w(url));
    err = fetch(query, url, &d, text, len);
    download_close(query, &d);
    if (query->cancelled)
    {
        if (!err) heap_free(*text);
        return ERROR_WINHTTP_OPERATION_CANCELLED;
    }
    if (err && err != ERROR_WINHTTP_UNRECOGNIZED_SCHEME && err != ERROR_NOT_ENOUGH_MEMORY &&
        err != ERROR_WINHTTP_LOGIN_FAILURE)
    {
        WARN("%s: error %lu\n", debugstr_w(url), err);
        err = ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT;
    }
    return err;
}
