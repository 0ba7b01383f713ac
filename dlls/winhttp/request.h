/* Request objects and their state machine. */
#ifndef WINHTTP_REQUEST_H
#define WINHTTP_REQUEST_H

#include "session.h"
#include "headers.h"
#include "http.h"

struct connection;

enum request_state
{
    REQUEST_OPEN,           /* headers may be added; SendRequest next */
    REQUEST_SENDING_BODY,   /* sent the head; WriteData until total_length */
    REQUEST_SENT,           /* ReceiveResponse next */
    REQUEST_RESPONSE,       /* headers available; body may be read */
};

struct response
{
    DWORD status;
    WCHAR *status_text;
    WCHAR *version;             /* "HTTP/1.1" */
    WCHAR *raw;                 /* status line and headers, CRLF-separated, as received */
    struct header_list headers;
    struct header_list trailers;
};

struct body_reader
{
    struct http_framing framing;
    uint64_t left;              /* LENGTH: bytes still to come */
    struct http_chunked_decoder chunked;
    BOOL chunked_active;
    BOOL done;
};

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

    SRWLOCK lock;               /* one API call at a time on a request */
    enum request_state state;
    struct header_list headers; /* request headers the application added */
    struct http_buf sent_head;  /* the last request head sent, for REQUEST_HEADERS queries */
    DWORD total_length, written;
    void *optional;             /* copy of SendRequest's body, for resends */
    DWORD optional_length;
    struct connection *conn;
    BOOL conn_reused;
    struct response response;
    struct body_reader body;
    WCHAR *target_host;         /* after redirects: where the request now goes */
    INTERNET_PORT target_port;
    BOOL target_secure;
    DWORD redirects;
};

static inline struct request *request_from_object(struct object *obj) { return (struct request *)obj; }
static inline struct connect *request_connect(struct request *request)
{
    return connect_from_object(request->obj.parent);
}
static inline struct session *request_session(struct request *request)
{
    return session_from_object(request->obj.parent->parent);
}

/* Where the request goes now (after any redirects), the port resolved from
 * INTERNET_DEFAULT_PORT by the scheme. */
const WCHAR *request_target_host(struct request *request);
INTERNET_PORT request_target_port(struct request *request);

/* The request's URL as WINHTTP_OPTION_URL reports it (heap string). */
WCHAR *request_url(struct request *request);
void response_clear(struct response *response);

/* The state machine (send.c). */
DWORD request_send(struct request *request, const void *optional, DWORD optional_length);
DWORD request_receive(struct request *request);
/* Takes a request handle for an API call: the object, its lock held. */
struct request *request_enter(HINTERNET handle);
void request_leave(struct request *request);

#endif
