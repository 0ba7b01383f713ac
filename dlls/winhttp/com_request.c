/* The WinHttpRequest object: its lifetime, QueryInterface and the
 * IWinHttpRequest methods.  Each Open makes a request handle of the C API
 * (one session per object, so cookies and keep-alive connections carry over
 * between its requests); Send runs it (com_send.c).  Wrong-state calls give
 * the errors native gives: ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN,
 * _BEFORE_SEND and _AFTER_SEND as HRESULTs. */
#include "com_private.h"

#define BEFORE_OPEN HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN)
#define BEFORE_SEND HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND)
#define AFTER_SEND HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND)

/* ---- lifetime ------------------------------------------------------------------------- */

static void close_request_handle(struct com_request *request)
{
    if (request->request) WinHttpCloseHandle(request->request);
    request->request = NULL;
}

static void close_connect_handle(struct com_request *request)
{
    if (request->connect) WinHttpCloseHandle(request->connect);
    request->connect = NULL;
    heap_free(request->connect_host);
    request->connect_host = NULL;
}

/* Ends the last Send, if any: a running one is cancelled and fires nothing
 * more; the object forgets it. */
static void drop_job(struct com_request *request)
{
    struct com_job *job = request->job;
    if (!job) return;
    request->job = NULL;
    com_job_abort(job);
    com_job_release(job);
}

/* Back to the state before Open (Abort, a new Open, the object's end). */
static void reset(struct com_request *request)
{
    drop_job(request);
    close_request_handle(request);
    heap_free(request->verb);
    heap_free(request->url);
    request->verb = request->url = NULL;
    request->state = COM_INITIALIZED;
}

void com_request_internal_release(struct com_request *request)
{
    if (InterlockedDecrement(&request->internal_refs)) return;
    TRACE("%p destroyed\n", request);
    com_settings_free(&request->settings);
    heap_free(request->sinks.items);
    DeleteCriticalSection(&request->lock);
    heap_free(request);
    com_object_destroyed();
}

/* The last COM reference: cancel what runs, let go of the sinks and
 * handles; a pool thread still finishing keeps the memory until it ends. */
static void shutdown_request(struct com_request *request)
{
    EnterCriticalSection(&request->lock);
    request->sinks_gone = TRUE;
    reset(request);
    close_connect_handle(request);
    if (request->session) WinHttpCloseHandle(request->session);
    request->session = NULL;
    com_sinks_clear(&request->sinks);
    if (request->events_window)
    {
        /* only its own thread can destroy it; elsewhere it is asked to close */
        if (request->thread_id == GetCurrentThreadId()) DestroyWindow(request->events_window);
        else PostMessageW(request->events_window, WM_CLOSE, 0, 0);
        request->events_window = NULL;
    }
    LeaveCriticalSection(&request->lock);
    com_request_internal_release(request);
}

static HRESULT WINAPI request_QueryInterface(IWinHttpRequest *iface, REFIID iid, void **out)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);

    if (!out) return E_POINTER;
    if (IsEqualIID(iid, &IID_IUnknown) || IsEqualIID(iid, &IID_IDispatch) ||
        IsEqualIID(iid, &IID_IWinHttpRequest))
        *out = &request->IWinHttpRequest_iface;
    else if (IsEqualIID(iid, &IID_IConnectionPointContainer))
        *out = &request->IConnectionPointContainer_iface;
    else if (IsEqualIID(iid, &IID_IProvideClassInfo))
        *out = &request->IProvideClassInfo_iface;
    else if (IsEqualIID(iid, &IID_ISupportErrorInfo))
        *out = &request->ISupportErrorInfo_iface;
    else
    {
        TRACE("%p: no interface %s\n", request, debugstr_guid(iid));
        *out = NULL;
        return E_NOINTERFACE;
    }
    IUnknown_AddRef((IUnknown *)*out);
    return S_OK;
}

static ULONG WINAPI request_AddRef(IWinHttpRequest *iface)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    return InterlockedIncrement(&request->refs);
}

static ULONG WINAPI request_Release(IWinHttpRequest *iface)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    LONG refs = InterlockedDecrement(&request->refs);
    if (!refs) shutdown_request(request);
    return refs;
}

/* ---- settings ------------------------------------------------------------------------ */

static HRESULT WINAPI request_SetProxy(IWinHttpRequest *iface, HTTPREQUEST_PROXY_SETTING setting,
                                       VARIANT server, VARIANT bypass)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    struct com_settings *settings = &request->settings;
    WCHAR *new_server = NULL, *new_bypass = NULL;
    VARIANT text;

    TRACE("%p, %ld\n", request, setting);
    if (setting != HTTPREQUEST_PROXYSETTING_DEFAULT && setting != HTTPREQUEST_PROXYSETTING_DIRECT &&
        setting != HTTPREQUEST_PROXYSETTING_PROXY)
        return com_result(E_INVALIDARG);
    if (setting == HTTPREQUEST_PROXYSETTING_PROXY)
    {
        VariantInit(&text);
        if (V_VT(&server) != VT_ERROR && V_VT(&server) != VT_EMPTY &&
            SUCCEEDED(VariantChangeType(&text, &server, 0, VT_BSTR)))
        {
            new_server = strdupW(V_BSTR(&text) ? V_BSTR(&text) : L"");
            VariantClear(&text);
        }
        if (V_VT(&bypass) != VT_ERROR && V_VT(&bypass) != VT_EMPTY &&
            SUCCEEDED(VariantChangeType(&text, &bypass, 0, VT_BSTR)))
        {
            new_bypass = strdupW(V_BSTR(&text) ? V_BSTR(&text) : L"");
            VariantClear(&text);
        }
    }
    EnterCriticalSection(&request->lock);
    heap_free(settings->proxy_server);
    heap_free(settings->proxy_bypass);
    settings->proxy_setting = setting;
    settings->proxy_server = new_server;
    settings->proxy_bypass = new_bypass;
    LeaveCriticalSection(&request->lock);
    return com_result(S_OK);
}

static HRESULT WINAPI request_SetCredentials(IWinHttpRequest *iface, BSTR user, BSTR password,
                                             HTTPREQUEST_SETCREDENTIALS_FLAGS flags)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    DWORD user_option, password_option;
    HRESULT hr = S_OK;

    TRACE("%p, %s, %#lx\n", request, debugstr_w(user), flags);  /* never the password */
    EnterCriticalSection(&request->lock);
    if (request->state == COM_INITIALIZED) hr = BEFORE_OPEN;
    else if (!user || !password) hr = E_INVALIDARG;
    else if (flags == HTTPREQUEST_SETCREDENTIALS_FOR_SERVER)
        user_option = WINHTTP_OPTION_USERNAME, password_option = WINHTTP_OPTION_PASSWORD;
    else if (flags == HTTPREQUEST_SETCREDENTIALS_FOR_PROXY)
        user_option = WINHTTP_OPTION_PROXY_USERNAME, password_option = WINHTTP_OPTION_PROXY_PASSWORD;
    else hr = E_INVALIDARG;
    if (hr == S_OK &&
        (!WinHttpSetOption(request->request, user_option, user, SysStringLen(user)) ||
         !WinHttpSetOption(request->request, password_option, password, SysStringLen(password))))
        hr = last_error_hr();
    LeaveCriticalSection(&request->lock);
    return com_result(hr);
}

static HRESULT WINAPI request_SetTimeouts(IWinHttpRequest *iface, LONG resolve, LONG connect,
                                          LONG send, LONG receive)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    HRESULT hr = S_OK;

    TRACE("%p, %ld, %ld, %ld, %ld\n", request, resolve, connect, send, receive);
    if (resolve < -1 || connect < -1 || send < -1 || receive < -1) return com_result(E_INVALIDARG);
    EnterCriticalSection(&request->lock);
    request->settings.timeouts[0] = resolve;
    request->settings.timeouts[1] = connect;
    request->settings.timeouts[2] = send;
    request->settings.timeouts[3] = receive;
    if (request->request && !WinHttpSetTimeouts(request->request, resolve, connect, send, receive))
        hr = last_error_hr();
    LeaveCriticalSection(&request->lock);
    return com_result(hr);
}

static HRESULT WINAPI request_SetClientCertificate(IWinHttpRequest *iface, BSTR certificate)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    WCHAR *copy;

    TRACE("%p, %s\n", request, debugstr_w(certificate));
    if (!certificate) return com_result(E_INVALIDARG);
    /* the location, when named, is one of the two the documentation gives */
    if (wcschr(certificate, '\\') && _wcsnicmp(certificate, L"LOCAL_MACHINE\\", 14) &&
        _wcsnicmp(certificate, L"CURRENT_USER\\", 13) && wcschr(wcschr(certificate, '\\') + 1, '\\'))
        return com_result(E_INVALIDARG);
    if (!(copy = strdupW(certificate))) return com_result(E_OUTOFMEMORY);
    EnterCriticalSection(&request->lock);
    heap_free(request->settings.client_cert);
    request->settings.client_cert = copy;
    LeaveCriticalSection(&request->lock);
    return com_result(S_OK);
}

static HRESULT WINAPI request_SetAutoLogonPolicy(IWinHttpRequest *iface, WinHttpRequestAutoLogonPolicy policy)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);

    TRACE("%p, %d\n", request, policy);
    if (policy != AutoLogonPolicy_Always && policy != AutoLogonPolicy_OnlyIfBypassProxy &&
        policy != AutoLogonPolicy_Never)
        return com_result(E_INVALIDARG);
    EnterCriticalSection(&request->lock);
    request->settings.autologon_policy = policy;   /* the same numbers as WINHTTP_AUTOLOGON_SECURITY_LEVEL_* */
    LeaveCriticalSection(&request->lock);
    return com_result(S_OK);
}

static HRESULT WINAPI request_get_Option(IWinHttpRequest *iface, WinHttpRequestOption option, VARIANT *value)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    HRESULT hr;

    TRACE("%p, %d\n", request, option);
    if (!value) return com_result(E_INVALIDARG);
    EnterCriticalSection(&request->lock);
    hr = com_option_get(&request->settings, request->request, option, value);
    LeaveCriticalSection(&request->lock);
    return com_result(hr);
}

static HRESULT WINAPI request_put_Option(IWinHttpRequest *iface, WinHttpRequestOption option, VARIANT value)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    HRESULT hr;

    TRACE("%p, %d, vt %d\n", request, option, V_VT(&value));
    EnterCriticalSection(&request->lock);
    hr = com_option_put(&request->settings, request->session, option, value);
    LeaveCriticalSection(&request->lock);
    return com_result(hr);
}

/* ---- Open ----------------------------------------------------------------------------- */

static BOOL variant_is_missing(const VARIANT *value)
{
    return V_VT(value) == VT_ERROR || V_VT(value) == VT_EMPTY;
}

static HRESULT async_flag(VARIANT *value, BOOL *async)
{
    VARIANT flag;

    *async = FALSE;
    if (variant_is_missing(value)) return S_OK;
    VariantInit(&flag);
    if (FAILED(VariantChangeType(&flag, value, 0, VT_BOOL))) return DISP_E_TYPEMISMATCH;
    *async = V_BOOL(&flag) != VARIANT_FALSE;
    return S_OK;
}

/* The object's session, made at the first Open with the current user agent. */
static HRESULT ensure_session(struct com_request *request)
{
    DWORD protocols = request->settings.secure_protocols;

    if (request->session) return S_OK;
    request->session = WinHttpOpen(request->settings.user_agent, WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
                                   WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, WINHTTP_FLAG_ASYNC);
    if (!request->session) return last_error_hr();
    /* every Send runs on the engine's asynchronous mode (com_send.c) */
    if (WinHttpSetStatusCallback(request->session, com_job_callback, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS, 0) ==
        WINHTTP_INVALID_STATUS_CALLBACK)
    {
        WinHttpCloseHandle(request->session);
        request->session = NULL;
        return last_error_hr();
    }
    WinHttpSetOption(request->session, WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof(protocols));
    return S_OK;
}

/* The object name for WinHttpOpenRequest.  The engine escapes characters
 * past ASCII as %XX of their UTF-8 bytes, the default URLCodePage; another
 * code page's bytes are escaped here: the URL is text, the request line is
 * bytes. */
static WCHAR *object_name(const WCHAR *path, size_t length, UINT codepage)
{
    static const char hex[] = "0123456789ABCDEF";
    char *bytes;
    WCHAR *out, *p;
    int count, i;

    if (!length) return strdupW(L"/");
    if (codepage == CP_UTF8) return strndupW(path, length);
    count = WideCharToMultiByte(codepage, 0, path, length, NULL, 0, NULL, NULL);
    if (count <= 0 || !(bytes = heap_alloc(count))) return NULL;
    WideCharToMultiByte(codepage, 0, path, length, bytes, count, NULL, NULL);
    if (!(out = heap_alloc((count * 3 + 1) * sizeof(WCHAR)))) { heap_free(bytes); return NULL; }
    for (i = 0, p = out; i < count; i++)
    {
        unsigned char c = bytes[i];
        if (c < 0x80) *p++ = c;
        else { *p++ = '%'; *p++ = hex[c >> 4]; *p++ = hex[c & 15]; }
    }
    *p = 0;
    heap_free(bytes);
    return out;
}

/* The three escaping options read TRUE by default, documented as "unsafe
 * characters (but '%') are converted": FALSE turns conversion off for the
 * path and query, or the query.  EscapePercentInURL cannot ask for more
 * than the default, which leaves '%' as it is either way. */
static DWORD open_flags(const struct com_settings *settings, BOOL secure)
{
    DWORD flags = secure ? WINHTTP_FLAG_SECURE : 0;
    if (!settings->escape) flags |= WINHTTP_FLAG_ESCAPE_DISABLE;
    if (!settings->escape_query) flags |= WINHTTP_FLAG_ESCAPE_DISABLE_QUERY;
    return flags;
}

static HRESULT open_request(struct com_request *request, const WCHAR *verb, const WCHAR *url, BOOL async)
{
    static const WCHAR *accept[] = { L"*/*", NULL };
    URL_COMPONENTS parts = { sizeof(parts) };
    WCHAR *host = NULL, *object = NULL;
    HRESULT hr;

    parts.dwHostNameLength = parts.dwUrlPathLength = parts.dwExtraInfoLength = (DWORD)-1;
    parts.dwSchemeLength = (DWORD)-1;
    /* WinHttpRequestOption_RejectUserpwd: a URL with a user name or
     * password is refused here, and in the redirects it leads to */
    if (!WinHttpCrackUrl(url, 0, request->settings.reject_userpwd ? ICU_REJECT_USERPWD : 0, &parts))
        return last_error_hr();
    if (parts.nScheme != INTERNET_SCHEME_HTTP && parts.nScheme != INTERNET_SCHEME_HTTPS)
        return HRESULT_FROM_WIN32(ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
    if (FAILED(hr = ensure_session(request))) return hr;

    host = strndupW(parts.lpszHostName, parts.dwHostNameLength);
    object = object_name(parts.lpszUrlPath, parts.dwUrlPathLength + parts.dwExtraInfoLength,
                         request->settings.url_codepage);
    /* a script's requests mostly go to one server: its connect handle stays */
    if (request->connect && (!host || request->connect_port != parts.nPort || wcscmp(request->connect_host, host)))
        close_connect_handle(request);
    if (!host || !object) hr = E_OUTOFMEMORY;
    else if (!request->connect && !(request->connect = WinHttpConnect(request->session, host, parts.nPort, 0)))
        hr = last_error_hr();
    else if (!request->connect_host && !(request->connect_host = strdupW(host)))
        hr = E_OUTOFMEMORY;
    else if ((request->connect_port = parts.nPort), !(request->request = WinHttpOpenRequest(request->connect, verb, object,
                                                     request->settings.http_1_1 ? NULL : L"HTTP/1.0",
                                                     WINHTTP_NO_REFERER, accept,
                                                     open_flags(&request->settings,
                                                                parts.nScheme == INTERNET_SCHEME_HTTPS))))
        hr = last_error_hr();
    /* the session is asynchronous; a synchronous Send runs on its caller's thread */
    else if (!async && !handle_make_synchronous(request->request))
        hr = last_error_hr();
    else if (request->settings.reject_userpwd &&
             !WinHttpSetOption(request->request, WINHTTP_OPTION_REJECT_USERPWD_IN_URL,
                               &request->settings.reject_userpwd, sizeof(request->settings.reject_userpwd)))
        hr = last_error_hr();
    heap_free(host);
    heap_free(object);
    if (FAILED(hr)) close_request_handle(request);
    else com_settings_reset_applied(&request->applied);   /* a new handle has the engine's defaults */
    return hr;
}

static HRESULT WINAPI request_Open(IWinHttpRequest *iface, BSTR verb, BSTR url, VARIANT async)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    BOOL is_async;
    HRESULT hr;

    TRACE("%p, %s, %s, vt %d\n", request, debugstr_w(verb), debugstr_w(url), V_VT(&async));
    if (!verb || !url || !*url) return com_result(E_INVALIDARG);
    if (FAILED(hr = async_flag(&async, &is_async))) return com_result(hr);

    EnterCriticalSection(&request->lock);
    reset(request);
    if (SUCCEEDED(hr = open_request(request, *verb ? verb : L"GET", url, is_async)))
    {
        request->verb = strdupW(verb);
        request->url = strdupW(url);
        request->async = is_async;
        request->state = COM_OPEN;
    }
    LeaveCriticalSection(&request->lock);
    return com_result(hr);
}

/* ---- request headers and Send -------------------------------------------------------- */

static HRESULT WINAPI request_SetRequestHeader(IWinHttpRequest *iface, BSTR name, BSTR value)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    size_t name_len, value_len;
    WCHAR *line;
    HRESULT hr = S_OK;

    TRACE("%p, %s, %s\n", request, debugstr_w(name), debugstr_w(value));
    if (!name || !*name) return com_result(E_INVALIDARG);
    name_len = SysStringLen(name);
    value_len = value ? SysStringLen(value) : 0;
    if (wcspbrk(name, L":\r\n") || (value && contains_crlf(value, value_len)))
        return com_result(E_INVALIDARG);

    EnterCriticalSection(&request->lock);
    if (request->state == COM_INITIALIZED) hr = BEFORE_OPEN;
    else if (request->state == COM_SENT) hr = AFTER_SEND;
    else if (!(line = heap_alloc((name_len + value_len + 3) * sizeof(WCHAR)))) hr = E_OUTOFMEMORY;
    else
    {
        memcpy(line, name, name_len * sizeof(WCHAR));
        memcpy(line + name_len, L": ", 2 * sizeof(WCHAR));
        if (value_len) memcpy(line + name_len + 2, value, value_len * sizeof(WCHAR));
        line[name_len + 2 + value_len] = 0;
        /* a header set twice keeps the last value; an empty one removes it */
        if (!WinHttpAddRequestHeaders(request->request, line, -1,
                                      WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE) &&
            (value_len || GetLastError() != ERROR_WINHTTP_HEADER_NOT_FOUND))
            hr = last_error_hr();
        heap_free(line);
    }
    LeaveCriticalSection(&request->lock);
    return com_result(hr);
}

static BOOL thread_is_sta(void)
{
    APTTYPEQUALIFIER qualifier;
    APTTYPE type;

    return SUCCEEDED(CoGetApartmentType(&type, &qualifier)) && (type == APTTYPE_STA || type == APTTYPE_MAINSTA);
}

/* The object's message-only window, made on its (STA) thread when first needed. */
static HWND events_window(struct com_request *request)
{
    if (!request->events_window)
    {
        request->events_window = com_events_window();
        request->thread_id = GetCurrentThreadId();
    }
    return request->thread_id == GetCurrentThreadId() ? request->events_window : NULL;
}

static HRESULT WINAPI request_Send(IWinHttpRequest *iface, VARIANT body)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    struct com_job *job;
    HRESULT hr;

    TRACE("%p, vt %d\n", request, V_VT(&body));
    EnterCriticalSection(&request->lock);
    if (request->state == COM_INITIALIZED)
    {
        LeaveCriticalSection(&request->lock);
        return com_result(BEFORE_OPEN);
    }
    /* one request handle carries one Send at a time */
    if (request->job && !com_job_finished(request->job))
    {
        LeaveCriticalSection(&request->lock);
        return com_result(AFTER_SEND);
    }
    drop_job(request);
    if (!(job = heap_alloc_zero(sizeof(*job))))
    {
        LeaveCriticalSection(&request->lock);
        return com_result(E_OUTOFMEMORY);
    }
    job->refs = 1;
    job->request = request->request;
    job->async = request->async;
    job->delivery = job->async ? DELIVER_ENGINE : DELIVER_CALLER;
    if (job->async && thread_is_sta())
    {
        if ((job->events_window = events_window(request))) job->delivery = DELIVER_WINDOW;
        else WARN("no window for events: they come on the engine's thread\n");
    }
    /* documented: a GET goes without the body it is given */
    if ((_wcsicmp(request->verb, L"GET") &&
         FAILED(hr = com_body_from_variant(&body, request->request, &job->body, &job->body_size))) ||
        com_settings_apply(&request->settings, &request->applied, request->request) != ERROR_SUCCESS)
    {
        if (SUCCEEDED(hr)) hr = last_error_hr();
        com_job_release(job);
        LeaveCriticalSection(&request->lock);
        return com_result(hr);
    }
    request->job = job;
    request->state = COM_SENT;
    LeaveCriticalSection(&request->lock);

    /* a synchronous Send waits here, firing the events; the lock is not
     * held, so the sinks may call back into the object */
    return com_result(com_job_start(request, job));
}

static HRESULT WINAPI request_WaitForResponse(IWinHttpRequest *iface, VARIANT timeout, VARIANT_BOOL *succeeded)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    DWORD wait_ms = INFINITE;
    struct com_job *job;
    VARIANT seconds;
    BOOL done = TRUE;

    TRACE("%p, vt %d\n", request, V_VT(&timeout));
    if (!variant_is_missing(&timeout))
    {
        VariantInit(&seconds);
        if (FAILED(VariantChangeType(&seconds, &timeout, 0, VT_I4))) return com_result(DISP_E_TYPEMISMATCH);
        if (V_I4(&seconds) >= 0) wait_ms = V_I4(&seconds) > INT_MAX / 1000 ? INFINITE : V_I4(&seconds) * 1000;
    }
    EnterCriticalSection(&request->lock);
    if ((job = request->job)) InterlockedIncrement(&job->refs);
    LeaveCriticalSection(&request->lock);
    if (job)
    {
        done = com_job_wait(job, wait_ms);
        /* the events still queued for this thread come before the answer */
        if (done && job->delivery == DELIVER_WINDOW && request->thread_id == GetCurrentThreadId())
            com_job_drain(job);
        com_job_release(job);
    }
    if (succeeded) *succeeded = done ? VARIANT_TRUE : VARIANT_FALSE;
    return com_result(S_OK);
}

static HRESULT WINAPI request_Abort(IWinHttpRequest *iface)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);

    TRACE("%p\n", request);
    EnterCriticalSection(&request->lock);
    reset(request);
    LeaveCriticalSection(&request->lock);
    return com_result(S_OK);
}

/* ---- the response --------------------------------------------------------------------- */

/* The finished response's job (a reference: its response is there), or
 * the error for the state. */
static HRESULT response_job(struct com_request *request, struct com_job **out)
{
    struct com_job *job;
    HRESULT hr = S_OK;

    *out = NULL;
    EnterCriticalSection(&request->lock);
    job = request->job;
    if (request->state != COM_SENT || !job) hr = BEFORE_SEND;
    else if (!com_job_finished(job)) hr = E_PENDING;
    else if (FAILED(job->result) && !job->headers_received) hr = BEFORE_SEND;
    else
    {
        InterlockedIncrement(&job->refs);
        *out = job;
    }
    LeaveCriticalSection(&request->lock);
    return hr;
}

static HRESULT query_header_text(HINTERNET handle, DWORD level, const WCHAR *name, BSTR *out)
{
    DWORD size = 0;
    BSTR text;

    WinHttpQueryHeaders(handle, level, name, NULL, &size, WINHTTP_NO_HEADER_INDEX);
    if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) return last_error_hr();
    if (!(text = SysAllocStringLen(NULL, size / sizeof(WCHAR)))) return E_OUTOFMEMORY;
    if (!WinHttpQueryHeaders(handle, level, name, text, &size, WINHTTP_NO_HEADER_INDEX))
    {
        SysFreeString(text);
        return last_error_hr();
    }
    /* the size asked for counted the terminator, the one returned does not */
    if (!SysReAllocStringLen(&text, text, size / sizeof(WCHAR)))
    {
        SysFreeString(text);
        return E_OUTOFMEMORY;
    }
    *out = text;
    return S_OK;
}

/* The headers are in once the job got them, even while the body still comes. */
static HRESULT headers_ready(struct com_request *request)
{
    if (request->state != COM_SENT || !request->job || !request->job->headers_received)
        return BEFORE_SEND;
    return S_OK;
}

static HRESULT WINAPI request_get_Status(IWinHttpRequest *iface, LONG *status)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    DWORD code, size = sizeof(code);
    HRESULT hr;

    TRACE("%p\n", request);
    if (!status) return com_result(E_INVALIDARG);
    EnterCriticalSection(&request->lock);
    if (SUCCEEDED(hr = headers_ready(request)) &&
        !WinHttpQueryHeaders(request->request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                             WINHTTP_HEADER_NAME_BY_INDEX, &code, &size, WINHTTP_NO_HEADER_INDEX))
        hr = last_error_hr();
    else if (SUCCEEDED(hr)) *status = code;
    LeaveCriticalSection(&request->lock);
    return com_result(hr);
}

static HRESULT WINAPI request_get_StatusText(IWinHttpRequest *iface, BSTR *text)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    HRESULT hr;

    TRACE("%p\n", request);
    if (!text) return com_result(E_INVALIDARG);
    EnterCriticalSection(&request->lock);
    if (SUCCEEDED(hr = headers_ready(request)))
        hr = query_header_text(request->request, WINHTTP_QUERY_STATUS_TEXT, WINHTTP_HEADER_NAME_BY_INDEX, text);
    LeaveCriticalSection(&request->lock);
    return com_result(hr);
}

static HRESULT WINAPI request_GetResponseHeader(IWinHttpRequest *iface, BSTR name, BSTR *value)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    HRESULT hr;

    TRACE("%p, %s\n", request, debugstr_w(name));
    EnterCriticalSection(&request->lock);
    if (SUCCEEDED(hr = headers_ready(request)))
    {
        if (!name || !*name || !value) hr = E_INVALIDARG;
        else hr = query_header_text(request->request, WINHTTP_QUERY_CUSTOM, name, value);
    }
    LeaveCriticalSection(&request->lock);
    return com_result(hr);
}

static HRESULT WINAPI request_GetAllResponseHeaders(IWinHttpRequest *iface, BSTR *headers)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    BSTR raw = NULL;
    WCHAR *after_status;
    HRESULT hr;

    TRACE("%p\n", request);
    if (!headers) return com_result(E_INVALIDARG);
    EnterCriticalSection(&request->lock);
    if (SUCCEEDED(hr = headers_ready(request)))
        hr = query_header_text(request->request, WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX, &raw);
    LeaveCriticalSection(&request->lock);
    if (FAILED(hr)) return com_result(hr);

    /* the header lines without the status line */
    after_status = wcsstr(raw, L"\r\n");
    after_status = after_status ? after_status + 2 : raw + SysStringLen(raw);
    *headers = SysAllocStringLen(after_status, SysStringLen(raw) - (after_status - raw));
    SysFreeString(raw);
    return com_result(*headers ? S_OK : E_OUTOFMEMORY);
}

static HRESULT WINAPI request_get_ResponseText(IWinHttpRequest *iface, BSTR *text)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    WCHAR type[256];
    DWORD size = sizeof(type);
    struct com_job *job;
    HRESULT hr;

    TRACE("%p\n", request);
    if (!text) return com_result(E_INVALIDARG);
    if (FAILED(hr = response_job(request, &job))) return com_result(hr);
    if (!WinHttpQueryHeaders(job->request, WINHTTP_QUERY_CONTENT_TYPE, WINHTTP_HEADER_NAME_BY_INDEX,
                             type, &size, WINHTTP_NO_HEADER_INDEX))
        type[0] = 0;
    hr = com_text_decode(job->response->data, job->response->size, type, text);
    com_job_release(job);
    return com_result(hr);
}

static HRESULT WINAPI request_get_ResponseBody(IWinHttpRequest *iface, VARIANT *body)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    struct com_job *job;
    SAFEARRAY *array;
    HRESULT hr;

    TRACE("%p\n", request);
    if (!body) return com_result(E_INVALIDARG);
    if (FAILED(hr = response_job(request, &job))) return com_result(hr);
    if (SUCCEEDED(hr = com_byte_array(job->response->data, job->response->size, &array)))
    {
        V_VT(body) = VT_ARRAY | VT_UI1;
        V_ARRAY(body) = array;
    }
    com_job_release(job);
    return com_result(hr);
}

static HRESULT WINAPI request_get_ResponseStream(IWinHttpRequest *iface, VARIANT *body)
{
    struct com_request *request = impl_from_IWinHttpRequest(iface);
    struct com_job *job;
    IStream *stream;
    HRESULT hr;

    TRACE("%p\n", request);
    if (!body) return com_result(E_INVALIDARG);
    if (FAILED(hr = response_job(request, &job))) return com_result(hr);

    hr = com_stream_create(job->response, &stream);
    com_job_release(job);
    if (SUCCEEDED(hr))
    {
        V_VT(body) = VT_UNKNOWN;
        V_UNKNOWN(body) = (IUnknown *)stream;
    }
    return com_result(hr);
}

static const IWinHttpRequestVtbl request_vtbl =
{
    request_QueryInterface,
    request_AddRef,
    request_Release,
    com_GetTypeInfoCount,
    com_GetTypeInfo,
    com_GetIDsOfNames,
    com_Invoke,
    request_SetProxy,
    request_SetCredentials,
    request_Open,
    request_SetRequestHeader,
    request_GetResponseHeader,
    request_GetAllResponseHeaders,
    request_Send,
    request_get_Status,
    request_get_StatusText,
    request_get_ResponseText,
    request_get_ResponseBody,
    request_get_ResponseStream,
    request_get_Option,
    request_put_Option,
    request_WaitForResponse,
    request_Abort,
    request_SetTimeouts,
    request_SetClientCertificate,
    request_SetAutoLogonPolicy,
};

HRESULT com_request_create(IUnknown *outer, REFIID iid, void **out)
{
    struct com_request *request;
    HRESULT hr;

    *out = NULL;
    if (outer) return CLASS_E_NOAGGREGATION;
    if (!(request = heap_alloc_zero(sizeof(*request)))) return E_OUTOFMEMORY;
    request->IWinHttpRequest_iface.lpVtbl = &request_vtbl;
    request->IConnectionPointContainer_iface.lpVtbl = &com_container_vtbl;
    request->IConnectionPoint_iface.lpVtbl = &com_point_vtbl;
    request->IProvideClassInfo_iface.lpVtbl = &com_classinfo_vtbl;
    request->ISupportErrorInfo_iface.lpVtbl = &com_errorinfo_vtbl;
    request->refs = 1;
    request->internal_refs = 1;
    InitializeCriticalSection(&request->lock);
    com_settings_init(&request->settings);
    if (!request->settings.user_agent)
    {
        DeleteCriticalSection(&request->lock);
        heap_free(request);
        return E_OUTOFMEMORY;
    }
    com_object_created();
    TRACE("created %p\n", request);
    hr = IWinHttpRequest_QueryInterface(&request->IWinHttpRequest_iface, iid, out);
    IWinHttpRequest_Release(&request->IWinHttpRequest_iface);
    return hr;
}
