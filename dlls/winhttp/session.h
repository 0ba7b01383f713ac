/* Session and connect objects. */
#ifndef WINHTTP_SESSION_H
#define WINHTTP_SESSION_H

#include "winhttp_private.h"
#include "pool.h"

struct session
{
    struct object obj;
    WCHAR *agent;
    DWORD access_type;
    WCHAR *proxy_server;
    WCHAR *proxy_bypass;
    DWORD open_flags;
    struct pool pool;           /* keep-alive connections */
    HANDLE unload_event;        /* WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT */
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
