/* The Option property of the WinHttpRequest object (WinHttpRequestOption)
 * and the settings behind it and behind SetTimeouts, SetProxy,
 * SetAutoLogonPolicy and SetClientCertificate: kept by the object across
 * Open calls and applied to each request handle before it is sent. */
#include "com_private.h"
#include "charset.h"

#define DEFAULT_USER_AGENT L"Mozilla/4.0 (compatible; Win32; WinHttp.WinHttpRequest.5)"
#define SSL_IGNORE_ALL (SslErrorFlag_UnknownCA | SslErrorFlag_CertWrongUsage | \
                        SslErrorFlag_CertCNInvalid | SslErrorFlag_CertDateInvalid)

void com_settings_init(struct com_settings *settings)
{
    memset(settings, 0, sizeof(*settings));
    settings->user_agent = strdupW(DEFAULT_USER_AGENT);
    settings->url_codepage = CP_UTF8;
    settings->escape_percent = settings->escape = settings->escape_query = TRUE;
    settings->secure_protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1 |
                                 WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
    settings->enable_redirects = TRUE;
    settings->max_redirects = 10;
    settings->max_header_size = 64 * 1024;
    settings->max_drain_size = 1024 * 1024;
    settings->http_1_1 = TRUE;
    settings->revert_impersonation = TRUE;
    settings->autologon_policy = AutoLogonPolicy_OnlyIfBypassProxy;
    settings->timeouts[0] = 0;        /* the C API's defaults */
    settings->timeouts[1] = 60000;
    settings->timeouts[2] = 30000;
    settings->timeouts[3] = 30000;
    settings->proxy_setting = HTTPREQUEST_PROXYSETTING_DEFAULT;
}

void com_settings_free(struct com_settings *settings)
{
    heap_free(settings->user_agent);
    heap_free(settings->proxy_server);
    heap_free(settings->proxy_bypass);
    heap_free(settings->client_cert);
    memset(settings, 0, sizeof(*settings));
}

/* ---- the client certificate: "[LOCATION\][store\]subject" --------------------------- */

static const CERT_CONTEXT *find_client_cert(const WCHAR *spec)
{
    DWORD location = CERT_SYSTEM_STORE_CURRENT_USER;
    const WCHAR *store_name = L"MY", *subject = spec, *slash;
    WCHAR store_buf[64];
    const CERT_CONTEXT *cert;
    HCERTSTORE store;

    if ((slash = wcschr(spec, '\\')))
    {
        const WCHAR *second = wcschr(slash + 1, '\\');
        const WCHAR *store_start = spec;
        if (second)
        {
            if (!_wcsnicmp(spec, L"LOCAL_MACHINE\\", 14)) location = CERT_SYSTEM_STORE_LOCAL_MACHINE;
            store_start = slash + 1;
            slash = second;
        }
        if ((size_t)(slash - store_start) >= ARRAY_SIZE(store_buf)) return NULL;
        memcpy(store_buf, store_start, (slash - store_start) * sizeof(WCHAR));
        store_buf[slash - store_start] = 0;
        store_name = store_buf;
        subject = slash + 1;
    }
    if (!(store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, location | CERT_STORE_READONLY_FLAG,
                                store_name)))
        return NULL;
    cert = CertFindCertificateInStore(store, X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, 0,
                                      *subject ? CERT_FIND_SUBJECT_STR_W : CERT_FIND_ANY,
                                      *subject ? subject : NULL, NULL);
    CertCloseStore(store, 0);
    return cert;
}

/* ---- applying the settings to a request handle -------------------------------------- */

static BOOL set_dword(HINTERNET handle, DWORD option, DWORD value)
{
    return WinHttpSetOption(handle, option, &value, sizeof(value));
}

static BOOL apply_proxy(const struct com_settings *settings, HINTERNET request)
{
    WINHTTP_PROXY_INFO info = { 0 };

    switch (settings->proxy_setting)
    {
    case HTTPREQUEST_PROXYSETTING_DIRECT:
        info.dwAccessType = WINHTTP_ACCESS_TYPE_NO_PROXY;
        break;
    case HTTPREQUEST_PROXYSETTING_PROXY:
        if (!settings->proxy_server || !*settings->proxy_server) return TRUE;
        info.dwAccessType = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
        info.lpszProxy = settings->proxy_server;
        info.lpszProxyBypass = settings->proxy_bypass;
        break;
    default:
        return TRUE;   /* the session's: WinHTTP's configured proxy */
    }
    return WinHttpSetOption(request, WINHTTP_OPTION_PROXY, &info, sizeof(info));
}

static BOOL apply_client_cert(const struct com_settings *settings, HINTERNET request)
{
    const CERT_CONTEXT *cert;
    BOOL ret;

    if (!settings->client_cert) return TRUE;
    if (!(cert = find_client_cert(settings->client_cert)))
    {
        WARN("no certificate %s\n", debugstr_w(settings->client_cert));
        return TRUE;   /* a server that asks for one fails the request then */
    }
    ret = WinHttpSetOption(request, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, (void *)cert, sizeof(*cert));
    CertFreeCertificateContext(cert);
    return ret;
}

static INIT_ONCE defaults_once = INIT_ONCE_STATIC_INIT;
static struct com_applied default_applied;

/* A new request handle has the engine's defaults, which are the object's
 * own (com_settings_init). */
static BOOL CALLBACK init_default_applied(INIT_ONCE *once, void *param, void **context)
{
    struct com_applied *a = &default_applied;
    struct com_settings defaults;

    com_settings_init(&defaults);
    memcpy(a->timeouts, defaults.timeouts, sizeof(a->timeouts));
    a->enable_redirects = defaults.enable_redirects;
    a->https_to_http_redirects = defaults.https_to_http_redirects;
    a->revocation_check = defaults.revocation_check;
    a->max_redirects = defaults.max_redirects;
    a->max_header_size = defaults.max_header_size;
    a->max_drain_size = defaults.max_drain_size;
    a->autologon_policy = defaults.autologon_policy;
    a->ssl_ignore_flags = defaults.ssl_ignore_flags;
    com_settings_free(&defaults);
    return TRUE;
}

void com_settings_reset_applied(struct com_applied *applied)
{
    InitOnceExecuteOnce(&defaults_once, init_default_applied, NULL, NULL);
    *applied = default_applied;
}

/* Sets a DWORD option when it changed; FALSE when the set failed. */
static BOOL update_dword(HINTERNET handle, DWORD option, DWORD value, DWORD *applied)
{
    if (value == *applied) return TRUE;
    if (!set_dword(handle, option, value)) return FALSE;
    *applied = value;
    return TRUE;
}

static BOOL update_redirects(const struct com_settings *settings, struct com_applied *applied, HINTERNET request)
{
    if (settings->enable_redirects != applied->enable_redirects)
    {
        if (!set_dword(request, settings->enable_redirects ? WINHTTP_OPTION_ENABLE_FEATURE
                                                           : WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_REDIRECTS))
            return FALSE;
        applied->enable_redirects = settings->enable_redirects;
    }
    if (settings->https_to_http_redirects != applied->https_to_http_redirects)
    {
        if (!set_dword(request, WINHTTP_OPTION_REDIRECT_POLICY,
                       settings->https_to_http_redirects ? WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS
                                                         : WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP))
            return FALSE;
        applied->https_to_http_redirects = settings->https_to_http_redirects;
    }
    return update_dword(request, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, settings->max_redirects,
                        &applied->max_redirects);
}

static BOOL update_timeouts(const struct com_settings *settings, struct com_applied *applied, HINTERNET request)
{
    const int *t = settings->timeouts;

    if (!memcmp(t, applied->timeouts, sizeof(applied->timeouts))) return TRUE;
    if (!WinHttpSetTimeouts(request, t[0], t[1], t[2], t[3])) return FALSE;
    memcpy(applied->timeouts, t, sizeof(applied->timeouts));
    return TRUE;
}

DWORD com_settings_apply(const struct com_settings *settings, struct com_applied *applied, HINTERNET request)
{
    BOOL ok =
        update_timeouts(settings, applied, request) &&
        update_redirects(settings, applied, request) &&
        update_dword(request, WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE, settings->max_header_size,
                     &applied->max_header_size) &&
        update_dword(request, WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE, settings->max_drain_size,
                     &applied->max_drain_size) &&
        update_dword(request, WINHTTP_OPTION_AUTOLOGON_POLICY, settings->autologon_policy,
                     &applied->autologon_policy) &&
        apply_proxy(settings, request) &&
        apply_client_cert(settings, request);

    /* the security flags and revocation are for https requests only: an
     * http request refuses them, which is no failure of the Send */
    if (ok && settings->ssl_ignore_flags != applied->ssl_ignore_flags &&
        set_dword(request, WINHTTP_OPTION_SECURITY_FLAGS, settings->ssl_ignore_flags))
        applied->ssl_ignore_flags = settings->ssl_ignore_flags;
    if (ok && settings->revocation_check && !applied->revocation_check &&
        set_dword(request, WINHTTP_OPTION_ENABLE_FEATURE, WINHTTP_ENABLE_SSL_REVOCATION))
        applied->revocation_check = TRUE;
    return ok ? ERROR_SUCCESS : GetLastError();
}

/* ---- Option ----------------------------------------------------------------------------- */

static HRESULT return_bool(VARIANT *value, BOOL flag)
{
    V_VT(value) = VT_BOOL;
    V_BOOL(value) = flag ? VARIANT_TRUE : VARIANT_FALSE;
    return S_OK;
}

static HRESULT return_i4(VARIANT *value, LONG number)
{
    V_VT(value) = VT_I4;
    V_I4(value) = number;
    return S_OK;
}

static HRESULT return_string(VARIANT *value, const WCHAR *text)
{
    V_VT(value) = VT_BSTR;
    V_BSTR(value) = SysAllocString(text ? text : L"");
    return V_BSTR(value) ? S_OK : E_OUTOFMEMORY;
}

static HRESULT current_url(HINTERNET request, VARIANT *value)
{
    DWORD size = 0;
    WCHAR *url;
    HRESULT hr;

    if (!request) return HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN);  /* documented */
    WinHttpQueryOption(request, WINHTTP_OPTION_URL, NULL, &size);
    if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) return HRESULT_FROM_WIN32(GetLastError());
    if (!(url = heap_alloc(size + sizeof(WCHAR)))) return E_OUTOFMEMORY;
    if (WinHttpQueryOption(request, WINHTTP_OPTION_URL, url, &size)) hr = return_string(value, url);
    else hr = HRESULT_FROM_WIN32(GetLastError());
    heap_free(url);
    return hr;
}

HRESULT com_option_get(struct com_settings *settings, HINTERNET request, LONG option, VARIANT *value)
{
    V_VT(value) = VT_EMPTY;
    switch (option)
    {
    case WinHttpRequestOption_UserAgentString: return return_string(value, settings->user_agent);
    case WinHttpRequestOption_URL: return current_url(request, value);
    case WinHttpRequestOption_URLCodePage: return return_i4(value, settings->url_codepage);
    case WinHttpRequestOption_EscapePercentInURL: return return_bool(value, settings->escape_percent);
    case WinHttpRequestOption_SslErrorIgnoreFlags: return return_i4(value, settings->ssl_ignore_flags);
    case WinHttpRequestOption_EnableRedirects: return return_bool(value, settings->enable_redirects);
    case WinHttpRequestOption_UrlEscapeDisable: return return_bool(value, settings->escape);
    case WinHttpRequestOption_UrlEscapeDisableQuery: return return_bool(value, settings->escape_query);
    case WinHttpRequestOption_SecureProtocols: return return_i4(value, settings->secure_protocols);
    case WinHttpRequestOption_EnableTracing: return return_bool(value, settings->tracing);
    case WinHttpRequestOption_RevertImpersonationOverSsl: return return_bool(value, settings->revert_impersonation);
    case WinHttpRequestOption_EnableHttpsToHttpRedirects: return return_bool(value, settings->https_to_http_redirects);
    case WinHttpRequestOption_EnablePassportAuthentication: return return_bool(value, settings->passport);
    case WinHttpRequestOption_MaxAutomaticRedirects: return return_i4(value, settings->max_redirects);
    case WinHttpRequestOption_MaxResponseHeaderSize: return return_i4(value, settings->max_header_size);
    case WinHttpRequestOption_MaxResponseDrainSize: return return_i4(value, settings->max_drain_size);
    case WinHttpRequestOption_EnableHttp1_1: return return_bool(value, settings->http_1_1);
    case WinHttpRequestOption_EnableCertificateRevocationCheck: return return_bool(value, settings->revocation_check);
    case WinHttpRequestOption_RejectUserpwd: return return_bool(value, settings->reject_userpwd);
    case WinHttpRequestOption_SelectCertificate:   /* write-only, as documented */
    default:
        return E_INVALIDARG;
    }
}

static HRESULT to_bool(VARIANT *value, BOOL *out)
{
    VARIANT converted;

    VariantInit(&converted);
    if (FAILED(VariantChangeType(&converted, value, 0, VT_BOOL))) return DISP_E_TYPEMISMATCH;
    *out = V_BOOL(&converted) != VARIANT_FALSE;
    return S_OK;
}

static HRESULT to_i4(VARIANT *value, LONG *out)
{
    VARIANT converted;

    VariantInit(&converted);
    if (FAILED(VariantChangeType(&converted, value, 0, VT_I4))) return DISP_E_TYPEMISMATCH;
    *out = V_I4(&converted);
    return S_OK;
}

static HRESULT to_string(VARIANT *value, WCHAR **out)
{
    VARIANT converted;
    HRESULT hr;

    VariantInit(&converted);
    if (FAILED(VariantChangeType(&converted, value, 0, VT_BSTR))) return DISP_E_TYPEMISMATCH;
    *out = strdupW(V_BSTR(&converted) ? V_BSTR(&converted) : L"");
    hr = *out ? S_OK : E_OUTOFMEMORY;
    VariantClear(&converted);
    return hr;
}

/* A code page as a number or a charset name ("utf-8", "windows-1252"). */
static HRESULT to_codepage(VARIANT *value, UINT *codepage)
{
    WCHAR *name;
    LONG number;
    HRESULT hr;

    if (V_VT(value) != VT_BSTR && V_VT(value) != (VT_BSTR | VT_BYREF))
    {
        if (FAILED(hr = to_i4(value, &number))) return hr;
        *codepage = number;
        return S_OK;
    }
    if (FAILED(hr = to_string(value, &name))) return hr;
    number = charset_name_codepage((const wchar16 *)name, wcslen(name));
    heap_free(name);
    if (!number) return E_INVALIDARG;
    *codepage = number;
    return S_OK;
}

static HRESULT put_user_agent(struct com_settings *settings, HINTERNET session, VARIANT *value)
{
    WCHAR *agent;
    HRESULT hr;

    if (FAILED(hr = to_string(value, &agent))) return hr;
    if (session && !WinHttpSetOption(session, WINHTTP_OPTION_USER_AGENT, agent, wcslen(agent)))
    {
        heap_free(agent);
        return HRESULT_FROM_WIN32(GetLastError());
    }
    heap_free(settings->user_agent);
    settings->user_agent = agent;
    return S_OK;
}

HRESULT com_option_put(struct com_settings *settings, HINTERNET session, LONG option, VARIANT value)
{
    LONG number;
    HRESULT hr;

    switch (option)
    {
    case WinHttpRequestOption_UserAgentString: return put_user_agent(settings, session, &value);
    case WinHttpRequestOption_URLCodePage: return to_codepage(&value, &settings->url_codepage);
    case WinHttpRequestOption_EscapePercentInURL: return to_bool(&value, &settings->escape_percent);
    case WinHttpRequestOption_EnableRedirects: return to_bool(&value, &settings->enable_redirects);
    case WinHttpRequestOption_UrlEscapeDisable: return to_bool(&value, &settings->escape);
    case WinHttpRequestOption_UrlEscapeDisableQuery: return to_bool(&value, &settings->escape_query);
    case WinHttpRequestOption_EnableTracing: return to_bool(&value, &settings->tracing);
    case WinHttpRequestOption_RevertImpersonationOverSsl: return to_bool(&value, &settings->revert_impersonation);
    case WinHttpRequestOption_EnableHttpsToHttpRedirects: return to_bool(&value, &settings->https_to_http_redirects);
    case WinHttpRequestOption_EnablePassportAuthentication: return to_bool(&value, &settings->passport);
    case WinHttpRequestOption_EnableHttp1_1: return to_bool(&value, &settings->http_1_1);
    case WinHttpRequestOption_EnableCertificateRevocationCheck: return to_bool(&value, &settings->revocation_check);
    case WinHttpRequestOption_RejectUserpwd: return to_bool(&value, &settings->reject_userpwd);
    case WinHttpRequestOption_SslErrorIgnoreFlags:
        if (FAILED(hr = to_i4(&value, &number))) return hr;
        if (number & ~SSL_IGNORE_ALL) return E_INVALIDARG;
        settings->ssl_ignore_flags = number;
        return S_OK;
    case WinHttpRequestOption_SecureProtocols:
        if (FAILED(hr = to_i4(&value, &number))) return hr;
        if (number & ~(SecureProtocol_ALL | SecureProtocol_TLS1_1 | SecureProtocol_TLS1_2)) return E_INVALIDARG;
        settings->secure_protocols = number;
        if (session) WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, &settings->secure_protocols,
                                      sizeof(DWORD));
        return S_OK;
    case WinHttpRequestOption_MaxAutomaticRedirects:
    case WinHttpRequestOption_MaxResponseHeaderSize:
    case WinHttpRequestOption_MaxResponseDrainSize:
        if (FAILED(hr = to_i4(&value, &number))) return hr;
        if (number < 0 || (option != WinHttpRequestOption_MaxAutomaticRedirects && !number)) return E_INVALIDARG;
        if (option == WinHttpRequestOption_MaxAutomaticRedirects) settings->max_redirects = number;
        else if (option == WinHttpRequestOption_MaxResponseHeaderSize) settings->max_header_size = number;
        else settings->max_drain_size = number;
        return S_OK;
    case WinHttpRequestOption_SelectCertificate:
    {
        WCHAR *spec;
        if (FAILED(hr = to_string(&value, &spec))) return hr;
        heap_free(settings->client_cert);
        settings->client_cert = spec;
        return S_OK;
    }
    case WinHttpRequestOption_URL:   /* read-only */
    default:
        return E_INVALIDARG;
    }
}
