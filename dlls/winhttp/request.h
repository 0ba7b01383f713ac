/* Request objects and their state machine. */
#ifndef WINHTTP_REQUEST_H
#define WINHTTP_REQUEST_H

#include "session.h"
#include "headers.h"
#include "http.h"
#include "task.h"
#include "route.h"
#include "auth.h"
#include "h2_link.h"

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

struct body_decoding;

/* The body pipeline: framing (length, chunked, close) gives the bytes as
 * sent; a content coding, when one is decoded (body_decode.c), turns them
 * into what the application reads. */
struct body_reader
{
    struct http_framing framing;
    uint64_t left;              /* LENGTH: bytes still to come */
    struct http_chunked_decoder chunked;
    BOOL chunked_active;
    BOOL done;                  /* the body as sent has ended (the connection is free) */
    DWORD drained;              /* body_drain() so far */
    struct body_decoding *decoding;     /* WINHTTP_OPTION_DECOMPRESSION at work, or NULL */
};

/* Where the resumable steps of send.c stand (see request_send/receive). */
enum send_phase
{
    SEND_START,         /* build the head, drop a connection still attached */
    SEND_ACQUIRE,       /* a pooled connection, or a new one */
    SEND_CONNECT,
    SEND_HEAD,          /* SENDING_REQUEST, then head (and a small body) in one send */
    SEND_HEAD_WAIT,
    SEND_BODY,          /* a large optional body after the head */
};

enum receive_phase
{
    RECEIVE_START,      /* RECEIVING_RESPONSE, a fresh parser */
    RECEIVE_HEAD,       /* reading and parsing until a final head */
    RECEIVE_DRAIN,      /* a redirect: the old body is read and dropped */
    RECEIVE_RESEND,     /* sending the request again (retry or redirect) */
};

/* An operation of the request API in flight (asynchronous mode: queued as
 * a task; synchronous mode: running on the caller's thread). */
enum request_op
{
    OP_NONE,
    OP_SEND,
    OP_WRITE,
    OP_RECEIVE,
    OP_QUERY_DATA,
    OP_READ,
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

    SRWLOCK lock;               /* guards state and op; never held across I/O */
    enum request_state state;
    enum request_op op;         /* the operation in flight, or OP_NONE */
    SRWLOCK conn_lock;          /* guards conn against WinHttpCloseHandle's cancel */
    BOOL closing;               /* the handle was closed: cancel what runs */
    unsigned int nesting;       /* operations completing nested in callbacks (operation.c) */
    struct task_queue queue;    /* asynchronous mode */
    struct header_list headers; /* request headers the application added */
    struct http_buf sent_head;  /* the last request head sent, for REQUEST_HEADERS queries */
    DWORD total_length, written;
    void *optional;             /* copy of SendRequest's body, for resends */
    DWORD optional_length;
    const void *send_body;      /* what the current send carries: optional or NULL */
    DWORD send_body_length;
    struct connection *conn;
    SOCKADDR_STORAGE local_address, remote_address;   /* of the last connection used */
    BOOL have_addresses;
    PCCERT_CONTEXT server_cert;     /* https: of the last connection used */
    PCCERT_CHAIN_CONTEXT server_chain;
    int cipher_bits;
    struct tls_summary tls_summary;     /* https: what the last connection negotiated */
    struct tls_issuers *issuers;        /* WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST: of the last CERT_NEEDED */
    BOOL conn_reused;
    BOOL conn_pinned;           /* a handshake's next leg goes on conn (request_conn.c) */
    BOOL proxy_replied;         /* the response is the proxy's refusal to tunnel, not the origin's */
    BOOL retried;               /* the once-only resend on a dead pooled connection */
    struct pool_waiter pool_waiter;     /* async: waiting for a connection slot */
    enum send_phase send_phase;
    enum receive_phase receive_phase;
    size_t head_length;         /* of sent_head, without a body appended for sending */
    BOOL body_with_head;        /* the body went out in the head's send */
    DWORD read_ahead_error;     /* met while reading the response ahead (request_read_ahead) */
    struct http_head_parser parser;
    BOOL parser_active;
    BOOL nothing_received;      /* no byte of a response yet */
    DWORD head_bytes;           /* RESPONSE_RECEIVED's count */
    ULONGLONG head_deadline;    /* WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, or 0 */
    struct response response;
    struct body_reader body;
    struct proxy_setting proxy; /* WINHTTP_OPTION_PROXY on the request, if proxy_set */
    BOOL proxy_set;
    struct proxy_setting auto_proxy;    /* what the PAC script said for this send, if auto_proxy_found */
    struct auto_proxy_lookup *auto_proxy_lookup;    /* running, or ended and not yet applied (under conn_lock) */
    BOOL auto_proxy_found;
    struct route route;         /* the way of the current send (request_route) */
    size_t proxy_index;         /* which proxy of the list it takes */
    WCHAR *target_host;         /* after redirects: where the request now goes */
    INTERNET_PORT target_port;
    BOOL target_secure;
    DWORD redirects;
    struct auth_state auth;     /* credentials and the challenges being answered (auth.h) */
    BOOL upgrade;               /* WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET (ws_upgrade.c) */
    char ws_key[32];            /* the last send's Sec-WebSocket-Key */
    BOOL upgraded;              /* a 101 to it: the connection waits for WinHttpWebSocketCompleteUpgrade */
    DWORD interim_heads;        /* 1xx heads skipped for this response (MAX_HTTP_STATUS_CONTINUE) */
    BOOL expire_conn;           /* WINHTTP_OPTION_EXPIRE_CONNECTION: its connection is not reused */
    BOOL mark_set;              /* WINHTTP_OPTION_CONNECTION_GUID was set: mark its connections */
    GUID mark;
    struct connection_match match;      /* WINHTTP_OPTION_MATCH_CONNECTION_GUID */
    GUID conn_guid;             /* of the last connection used (under conn_lock, with have_addresses) */
    WCHAR *resolution_host;     /* WINHTTP_OPTION_RESOLUTION_HOSTNAME: looked up instead of the host */
    WCHAR *annotation;          /* WINHTTP_OPTION_REQUEST_ANNOTATION: the caller's string, or NULL */
    DWORD failed_retries;       /* WINHTTP_OPTION_FAILED_CONNECTION_RETRIES: resends of this send so far */
    BOOL retry_408;             /* a 408 is drained, then the request goes again */
    /* WINHTTP_OPTION_REQUEST_TIMES / REQUEST_STATS of the last send
     * (QueryPerformanceCounter values; 0 for what did not happen) */
    ULONGLONG times[WinHttpRequestTimeLast];
    ULONGLONG stats[WinHttpRequestStatLast];
    ULONGLONG stat_flags;
    ULONG stat_index;
    /* HTTP/2 (request_h2.c): the link and the stream of the current send
     * (under conn_lock, with conn) */
    struct h2_link *h2;
    struct h2_stream *h2_stream;
    struct h2_waiter h2_waiter;
    BOOL h2_used;               /* WINHTTP_OPTION_HTTP_PROTOCOL_USED: the last send went over HTTP/2 */
    BOOL h2_writing;            /* WriteData: the data is in the stream, waiting to go out */
    BOOL h2_dechunking;         /* the application's chunked body goes as DATA (HTTP2_PLUS_TRANSFER_ENCODING) */
    struct http_chunked_decoder h2_dechunk;
    BOOL h2_no_wait;            /* nested in a callback (operation.c): never wait */
    unsigned int h2_interim;    /* interim heads reported */
    DWORD h2_error_code;        /* WINHTTP_OPTION_STREAM_ERROR_CODE: the last send's stream's */
    BOOL h2_refused;            /* the server asked for HTTP/1.1 (HTTP_1_1_REQUIRED): not offered again */
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

/* Which way the request goes now: direct, or through the first proxy of
 * its own WINHTTP_OPTION_PROXY, the PAC script's answer, or its session's
 * that applies and is not bypassed (request_proxy.c); resumable, as
 * request_find_auto_proxy. */
DWORD request_route(struct request *request, struct route *route);
/* AUTOMATIC_PROXY's lookup for the send (request_autoproxy.c): sets
 * auto_proxy; ERROR_IO_PENDING while an asynchronous request's lookup runs
 * on the process's pool (the request is resumed when it ends, and calling
 * again applies it), ERROR_WINHTTP_OPERATION_CANCELLED when the handle was
 * closed meanwhile. */
DWORD request_find_auto_proxy(struct request *request);
/* WinHttpCloseHandle: a running lookup stops soon. */
void request_cancel_auto_proxy(struct request *request);
void request_free_auto_proxy(struct request *request);
/* The next proxy of the list, after one could not be reached: FALSE when
 * there is none. */
BOOL request_next_proxy(struct request *request, struct route *route);
/* Whether the target host is on the local intranet, as the autologon
 * policy means it (documented): one the proxy bypass list names ("<local>"
 * there covers names without a dot); Wine's tests show native sends no
 * default credentials to "localhost" without a proxy configuration. */
BOOL request_is_intranet(struct request *request);
/* "http://host[:port]": what the request line names in absolute form. */
WCHAR *request_origin(struct request *request);

/* Cookies (request_cookies.c): a response's Set-Cookie headers into the
 * session's jar; the Cookie header value for the request (heap string, or
 * NULL when no cookie applies).  Both do nothing under WINHTTP_DISABLE_COOKIES. */
void request_store_cookies(struct request *request);
WCHAR *request_cookie_header(struct request *request);

/* The version WinHttpOpenRequest gives a request that names none:
 * WINHTTP_OPTION_HTTP_VERSION, process-wide (option.c). */
const WCHAR *http_default_version(void);
/* Notes the time of a step of the current send (WINHTTP_OPTION_REQUEST_TIMES). */
static inline void request_time(struct request *request, WINHTTP_REQUEST_TIME_ENTRY entry)
{
    LARGE_INTEGER now;

    QueryPerformanceCounter(&now);
    request->times[entry] = now.QuadPart;
}

/* WINHTTP_OPTION_FAILED_CONNECTION_RETRIES: whether the request may go
 * again for that WINHTTP_CONNECTION_RETRY_CONDITION_*, and counts it. */
static inline BOOL request_retry(struct request *request, DWORD condition)
{
    if (!(request->obj.settings.retry_conditions & condition) ||
        request->failed_retries >= request->obj.settings.retry_max)
        return FALSE;
    request->failed_retries++;
    return TRUE;
}

/* The request's URL as WINHTTP_OPTION_URL reports it (heap string). */
WCHAR *request_url(struct request *request);
void response_clear(struct response *response);

/* The state machine (send.c).  Both are resumable: ERROR_IO_PENDING (async
 * mode only) means call again once the connection's I/O has completed. */
DWORD request_send(struct request *request);
DWORD request_receive(struct request *request);
/* Redirects (redirect.c): whether a status is one (301, 302, 303, 307,
 * 308); whether the response just received is to be followed (policy,
 * limits, Location); following it once its body is drained: the new
 * target, REDIRECT, the method and body of the next send. */
BOOL redirect_status(DWORD status);
BOOL redirect_wanted(struct request *request);
DWORD redirect_follow(struct request *request);
/* Asynchronous WinHttpSendRequest, once the whole request is sent, waits
 * for the response head before it completes, as native does (Wine's tests:
 * WinHttpReceiveResponse called from SENDREQUEST_COMPLETE's signal gets its
 * callbacks on the calling thread); nothing is parsed or notified yet, and
 * an error met is kept for WinHttpReceiveResponse. */
DWORD request_read_ahead(struct request *request);
/* The request's connection (request_conn.c). */
/* A pooled connection along r->route (or a new, unconnected one) attached
 * to the request; the pinned one when a handshake kept it (resumable:
 * ERROR_IO_PENDING while an asynchronous request waits for a slot). */
DWORD request_acquire_connection(struct request *request);
/* SEND_START: a connection still attached stays only when a handshake
 * pinned it and it fits the new route; else it is dropped (it has an
 * unread body). */
void request_drop_unless_pinned(struct request *request);
/* The body ended: the connection goes back to the pool (keep, when
 * reusable), stays attached (pinned), or is closed with CLOSING_CONNECTION
 * and CONNECTION_CLOSED. */
void request_release_connection(struct request *request, BOOL keep);
/* Closes it, unpinned, with those callbacks (an error, a new send). */
void request_drop_connection(struct request *request);
/* WINHTTP_OPTION_CONNECTION_GUID: the attached connection takes the
 * request's mark, if it has one. */
void request_mark_connection(struct request *request);
/* Hands it over, out of the pool's count, to a new owner (a WebSocket
 * after a 101); NULL when there is none. */
struct connection *request_detach_connection(struct request *request);
/* Closes it without callbacks (the handle is going away). */
void request_discard_connection(struct request *request);
/* Attaches or detaches the request's connection (WinHttpCloseHandle may be
 * cancelling it from another thread). */
void request_set_conn(struct request *request, struct connection *conn);
/* Gives up a wait for a connection slot; resumes the request's task when
 * it was queued (WinHttpCloseHandle). */
void request_stop_waiting(struct request *request, BOOL resume);
/* The connecting steps of a connection this send made, done or failed:
 * their times and failed addresses are the request's (REQUEST_TIMES and
 * REQUEST_STATS; a reused connection had none for it). */
void request_note_connect_stats(struct request *request);
/* For WINHTTP_OPTION_CONNECTION_INFO and the certificate options, which
 * outlive the connection. */
void request_note_connection(struct request *request);
/* ---- HTTP/2 (request_h2.c) ----------------------------------------------------------------- */

/* A response head from a stream, shaped as the HTTP/1.1 parser's, and its
 * raw text ("HTTP/2 200", the fields as received). */
struct h2_response_head
{
    struct http_response_head head;
    struct http_header *headers;
    char *raw;
    size_t raw_len;
};

/* WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL asks for it, and the route can have
 * it (TLS: h2 is offered by ALPN; never for a WebSocket upgrade). */
BOOL request_h2_wanted(struct request *request);
/* SEND_ACQUIRE: a live HTTP/2 connection along the route with room takes
 * the request (TRUE), instead of a connection of its own. */
BOOL request_h2_attach(struct request *request);
/* WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED: the request's exchange is HTTP/2,
 * or it fails. */
DWORD request_h2_check_protocol(struct request *request);
/* The request's new connection chose h2: it becomes a shared link. */
DWORD request_h2_adopt(struct request *request);
/* The connection the request's bytes go over: its own, or its link's. */
struct connection *request_wire(struct request *request);
/* The head built (sent_head) and the send's body: a new stream.
 * ERROR_RETRY: no stream could start there (full or closing), another
 * connection is to be found. */
DWORD request_h2_send(struct request *request);
/* WinHttpWriteData: resumable; done once the data is framed. */
DWORD request_h2_write(struct request *request, const void *data, DWORD size);
/* An asynchronous send waits for the response head (request_read_ahead). */
DWORD request_h2_wait_head(struct request *request);
/* The final head, 1xx ones reported on the way; ERROR_RETRY: the server
 * did not process the stream. */
DWORD request_h2_read_head(struct request *request, int timeout, struct h2_response_head *head);
void request_h2_head_free(struct h2_response_head *head);
DWORD request_h2_read(struct request *request, void *buffer, DWORD size, DWORD *read, BOOL *end);
DWORD request_h2_available(struct request *request, DWORD *available, BOOL *end);
/* The body ended: trailers kept, the stream given up. */
void request_h2_finish(struct request *request);
/* The stream and the link given up (a new send, an error, the handle closed). */
void request_h2_release(struct request *request);
/* WinHttpCloseHandle, under conn_lock: the stream is reset. */
void request_h2_cancel(struct request *request);
DWORD request_h2_error(enum h2_result result);

/* Takes a request handle for an API call: the object, its lock held. */
struct request *request_enter(HINTERNET handle);
void request_leave(struct request *request);
/* WinHttpCloseHandle: cancel what is in flight (operation.c). */
void request_close(struct object *obj);

#endif
