/* Request objects. */
#ifndef WINHTTP_REQUEST_H
#define WINHTTP_REQUEST_H

#include "session.h"

struct request
{
    struct object obj;          /* parent: the connect object */
    WCHAR *verb;
    WCHAR *path;
    WCHAR *version;
    WCHAR *referrer;
    WCHAR **accept_types;       /* NULL-terminated */
    DWORD open_flags;           /* WINHTTP_FLAG_SECURE, ESCAPE_*, ... */
    WCHAR *username, *password; /* WINHTTP_OPTION_USERNAME/PASSWORD */
    WCHAR *proxy_username, *proxy_password;
};

static inline struct request *request_from_object(struct object *obj) { return (struct request *)obj; }
static inline struct connect *request_connect(struct request *request)
{
    return connect_from_object(request->obj.parent);
}

/* The request's URL as WINHTTP_OPTION_URL reports it (heap string). */
WCHAR *request_url(struct request *request);

#endif
