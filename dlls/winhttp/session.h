/* Session and connect objects. */
#ifndef WINHTTP_SESSION_H
#define WINHTTP_SESSION_H

#include "winhttp_private.h"
#include "pool.h"
#include "auth_cache.h"
#include "cookie.h"

/* A proxy configuration, as WINHTTP_PROXY_INFO carries it. */
struct proxy_setting
{
    DWORD access_type;          /* WINHTTP_ACCESS_TYPE_NO_PROXY or _NAMED_PROXY */
    WCHAR *proxy;               /* the proxy list, when named */
    WCHAR *bypass;              /* the bypass list, or NULL */
};

BOOL proxy_setting_set(struct proxy_setting *setting, DWORD access_type, const WCHAR *proxy, const WCHAR *bypass);
void proxy_setting_free(struct proxy_setting *setting);

struct session
{
    struct object obj;
    WCHAR *agent;
    DWORD access_type;          /* as WinHttpOpen was given it */
    struct proxy_setting proxy; /* what it means for requests (WINHTTP_OPTION_PROXY) */
    BOOL auto_detect;           /* AUTOMATIC_PROXY: the user's settings ask for WPAD ... */
    WCHAR *auto_config_url;     /* ... or name a PAC script (request_proxy.c runs it) */
    ULONGLONG auto_retry_at;    /* after a failed lookup: none before this tick (GetTickCount64) */
    DWORD open_flags;
    struct pool pool;           /* keep-alive connections */
    struct auth_cache auth_cache;       /* Basic credentials servers and proxies accepted */
    SRWLOCK cookies_lock;
    struct cookie_jar cookies;  /* the session's cookies (request_cookies.c) */
    HANDLE unload_event;        /* WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT */
    LONG background_started;    /* WINHTTP_OPTION_BACKGROUND_CONNECTIONS: its first send opened them */
};

struct connect
{
    struct object obj;          /* parent: the session */
    WCHAR *host;
    INTERNET_PORT port;         /* INTERNET_DEFAULT_PORT: by scheme at send */
};

static inline struct session *session_from_object(struct object *obj) { return (struct session *)obj; }
static inline struct connect *connect_from_object(struct object *obj) { return (struct connect *)obj; }

/* Defaults of a new session's settings, as documented. */
void settings_init_defaults(struct settings *settings);

#endif
