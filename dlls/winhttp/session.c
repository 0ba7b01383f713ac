/* Sessions and connections: WinHttpOpen, WinHttpConnect, WinHttpSetTimeouts. */
#include "session.h"
#include "proxy_settings.h"
#include "autoproxy.h"
#include "h2_link.h"

void settings_init_defaults(struct settings *s)
{
    memset(s, 0, sizeof(*s));
    s->resolve_timeout = 0;                  /* infinite */
    s->connect_timeout = 60000;
    s->send_timeout = 30000;
    s->receive_timeout = 30000;
    /* native reads back ~0 (none) until set: the whole head is bounded by
     * the receive timeout of each read only */
    s->receive_response_timeout = -1;
    s->redirect_policy = WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP;
    s->max_redirects = 10;
    s->max_response_header_size = 64 * 1024;
    s->max_response_drain_size = 1024 * 1024;
    s->max_conns_per_server = INFINITE;
    s->max_conns_per_1_0_server = INFINITE;
    s->secure_protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3;
    s->autologon_policy = WINHTTP_AUTOLOGON_SECURITY_LEVEL_MEDIUM;
    s->connect_retries = 5;
    s->ws_receive_buffer_size = 32768;
    s->ws_send_buffer_size = 32768;
    s->ws_close_timeout = 10000;
    s->max_status_continue = 10;            /* documented default */
    s->read_buffer_size = 8192;
    s->write_buffer_size = 8192;
    s->codepage = CP_UTF8;                  /* documented default */
}

static void session_destroy(struct object *obj)
{
    struct session *session = session_from_object(obj);

    heap_free(session->agent);
    proxy_setting_free(&session->proxy);
    heap_free(session->auto_config_url);
    pac_cache_reset(obj, TRUE, TRUE);
    pool_destroy(&session->pool);
    h2_link_close_owner(session);
    auth_cache_free(&session->auth_cache);
    cookie_jar_clear(&session->cookies);
    /* every child is gone and every callback has returned: the
     * application may unload the code its callbacks live in */
    if (session->unload_event) SetEvent(session->unload_event);
}

static const struct object_ops session_ops = { NULL, session_destroy };

static BOOL valid_access_type(DWORD type)
{
    return type == WINHTTP_ACCESS_TYPE_DEFAULT_PROXY || type == WINHTTP_ACCESS_TYPE_NO_PROXY ||
           type == WINHTTP_ACCESS_TYPE_NAMED_PROXY || type == WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY;
}

BOOL proxy_setting_set(struct proxy_setting *setting, DWORD access_type, const WCHAR *proxy, const WCHAR *bypass)
{
    struct proxy_setting new = { WINHTTP_ACCESS_TYPE_NO_PROXY };

    if (access_type == WINHTTP_ACCESS_TYPE_NAMED_PROXY && proxy && *proxy)
    {
        new.access_type = access_type;
        if (!(new.proxy = strdupW(proxy)) || (bypass && *bypass && !(new.bypass = strdupW(bypass))))
        {
            proxy_setting_free(&new);
            return FALSE;
        }
    }
    proxy_setting_free(setting);
    *setting = new;
    return TRUE;
}

void proxy_setting_free(struct proxy_setting *setting)
{
    heap_free(setting->proxy);
    heap_free(setting->bypass);
    memset(setting, 0, sizeof(*setting));
    setting->access_type = WINHTTP_ACCESS_TYPE_NO_PROXY;
}

/* WINHTTP_ACCESS_TYPE_DEFAULT_PROXY: the WinHTTP configuration (netsh
 * winhttp; under Wine without one, the environment), read when the session
 * opens, as native does. */
static BOOL load_default_proxy(struct proxy_setting *setting)
{
    DWORD access_type;
    WCHAR *proxy, *bypass;
    BOOL ok;

    if (proxy_default_config(&access_type, &proxy, &bypass)) return FALSE;
    ok = proxy_setting_set(setting, access_type, proxy, bypass);
    heap_free(proxy);
    heap_free(bypass);
    return ok;
}

/* WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY: the user's system settings.  The
 * static proxy is the session's; auto-detection and the PAC URL are kept
 * for each request to run (request_proxy.c), as Windows 8.1 and later do. */
static BOOL load_automatic_proxy(struct session *session)
{
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG config;
    BOOL ok = TRUE;

    if (!WinHttpGetIEProxyConfigForCurrentUser(&config)) return TRUE;
    session->auto_detect = config.fAutoDetect;
    if (config.lpszAutoConfigUrl && !(session->auto_config_url = strdupW(config.lpszAutoConfigUrl))) ok = FALSE;
    if (ok && config.lpszProxy)
        ok = proxy_setting_set(&session->proxy, WINHTTP_ACCESS_TYPE_NAMED_PROXY, config.lpszProxy,
                               config.lpszProxyBypass);
    GlobalFree(config.lpszAutoConfigUrl);
    GlobalFree(config.lpszProxy);
    GlobalFree(config.lpszProxyBypass);
    return ok;
}

static BOOL load_proxy(struct session *session, DWORD access_type, const WCHAR *proxy, const WCHAR *bypass)
{
    switch (access_type)
    {
    case WINHTTP_ACCESS_TYPE_NAMED_PROXY:     return proxy_setting_set(&session->proxy, access_type, proxy, bypass);
    case WINHTTP_ACCESS_TYPE_DEFAULT_PROXY:   return load_default_proxy(&session->proxy);
    case WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY: return load_automatic_proxy(session);
    default:                                  return TRUE;
    }
}

HINTERNET WINAPI WinHttpOpen(LPCWSTR agent, DWORD access_type, LPCWSTR proxy, LPCWSTR bypass, DWORD flags)
{
    struct session *session;
    HINTERNET handle;

    TRACE("%s, %lu, %s, %s, %#lx\n", debugstr_w(agent), access_type, debugstr_w(proxy),
          debugstr_w(bypass), flags);

    if (!valid_access_type(access_type)) return FAIL(ERROR_INVALID_PARAMETER, NULL);
    if (access_type != WINHTTP_ACCESS_TYPE_NAMED_PROXY) proxy = bypass = NULL;
    else if (!proxy || !*proxy) return FAIL(ERROR_INVALID_PARAMETER, NULL);

    if (!(session = heap_alloc_zero(sizeof(*session)))) return FAIL(ERROR_OUTOFMEMORY, NULL);
    object_init(&session->obj, OBJECT_SESSION, &session_ops, NULL);
    settings_init_defaults(&session->obj.settings);
    session->obj.session_flags = flags;
    session->open_flags = flags;
    session->access_type = access_type;
    session->proxy.access_type = WINHTTP_ACCESS_TYPE_NO_PROXY;
    pool_init(&session->pool);
    auth_cache_init(&session->auth_cache);
    InitializeSRWLock(&session->cookies_lock);
    cookie_jar_init(&session->cookies);
    /* as native keeps them (Wine's tests): for the session's life, the
     * latest first among cookies of one path length */
    session->cookies.session_only = session->cookies.newest_first = 1;
    if ((agent && !(session->agent = strdupW(agent))) || !load_proxy(session, access_type, proxy, bypass))
    {
        object_release(&session->obj);
        return FAIL(ERROR_OUTOFMEMORY, NULL);
    }
    handle = handle_alloc(&session->obj);
    object_release(&session->obj);
    TRACE("returning %p\n", handle);
    if (handle) SetLastError(ERROR_SUCCESS);
    return handle;
}

static void connect_destroy(struct object *obj)
{
    heap_free(connect_from_object(obj)->host);
}

static const struct object_ops connect_ops = { NULL, connect_destroy };

HINTERNET WINAPI WinHttpConnect(HINTERNET session_handle, LPCWSTR server, INTERNET_PORT port, DWORD reserved)
{
    struct object *session;
    struct connect *connect;
    HINTERNET handle = NULL;

    TRACE("%p, %s, %u, %#lx\n", session_handle, debugstr_w(server), port, reserved);

    if (!(session = handle_ref_typed(session_handle, TYPE_BIT(OBJECT_SESSION)))) return NULL;
    if (!server || !*server || contains_crlf(server, lstrlenW(server)))
    {
        object_release(session);
        return FAIL(ERROR_INVALID_PARAMETER, NULL);
    }
    if (!(connect = heap_alloc_zero(sizeof(*connect))))
    {
        object_release(session);
        return FAIL(ERROR_OUTOFMEMORY, NULL);
    }
    object_init(&connect->obj, OBJECT_CONNECT, &connect_ops, session);
    object_release(session);
    connect->port = port;
    /* an internationalized name goes to DNS and on the wire in its ASCII form */
    if (!(connect->host = host_to_ascii(server, lstrlenW(server)))) SetLastError(ERROR_OUTOFMEMORY);
    else if ((handle = handle_alloc(&connect->obj)))
        notify(&connect->obj, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &handle, sizeof(handle));
    object_release(&connect->obj);
    TRACE("returning %p\n", handle);
    if (handle) SetLastError(ERROR_SUCCESS);
    return handle;
}

static BOOL valid_timeout(int value)
{
    return value >= -1;
}

BOOL WINAPI WinHttpSetTimeouts(HINTERNET handle, int resolve, int connect, int send, int receive)
{
    struct object *obj;

    TRACE("%p, %d, %d, %d, %d\n", handle, resolve, connect, send, receive);

    if (!valid_timeout(resolve) || !valid_timeout(connect) || !valid_timeout(send) || !valid_timeout(receive))
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!(obj = handle_ref_typed(handle, TYPE_BIT(OBJECT_SESSION) | TYPE_BIT(OBJECT_REQUEST)))) return FALSE;
    obj->settings.resolve_timeout = resolve;
    obj->settings.connect_timeout = connect;
    obj->settings.send_timeout = send;
    obj->settings.receive_timeout = receive;
    object_release(obj);
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}
