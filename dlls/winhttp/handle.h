/* Objects behind HINTERNET handles, and the handle table that names them. */
#ifndef WINHTTP_HANDLE_H
#define WINHTTP_HANDLE_H

#include <winsock2.h>
#include <windows.h>
#include <wincrypt.h>
#include "winhttp.h"

enum object_type
{
    OBJECT_SESSION   = WINHTTP_HANDLE_TYPE_SESSION,
    OBJECT_CONNECT   = WINHTTP_HANDLE_TYPE_CONNECT,
    OBJECT_REQUEST   = WINHTTP_HANDLE_TYPE_REQUEST,
    OBJECT_WEBSOCKET = WINHTTP_HANDLE_TYPE_WEBSOCKET,
    OBJECT_RESOLVER  = WINHTTP_HANDLE_TYPE_PROXY_RESOLVER,
};

/* Bit of an object type in a set of types (option tables use these). */
#define TYPE_BIT(type) (1u << (type))

/* Settings every handle carries; a child copies its parent's at creation. */
struct settings
{
    int resolve_timeout;
    int connect_timeout;
    int send_timeout;
    int receive_timeout;
    int receive_response_timeout;
    DWORD redirect_policy;
    DWORD max_redirects;
    DWORD max_response_header_size;
    DWORD max_response_drain_size;
    DWORD max_conns_per_server;
    DWORD max_conns_per_1_0_server;
    DWORD disabled_features;
    DWORD enabled_features;
    DWORD security_flags;
    DWORD secure_protocols;
    DWORD autologon_policy;
    DWORD spn;                      /* WINHTTP_OPTION_SPN: WINHTTP_ENABLE_SPN_SERVER_PORT */
    DWORD decompression;
    DWORD no_client_cert;           /* WINHTTP_NO_CLIENT_CERT_CONTEXT was set */
    PCCERT_CONTEXT client_cert;     /* WINHTTP_OPTION_CLIENT_CERT_CONTEXT: a reference each copy owns */
    BYTE client_cert_hash[20];      /* its SHA-1 thumbprint: pooled connections and sessions go by it */
    DWORD http_protocols;           /* WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL: WINHTTP_PROTOCOL_FLAG_* */
    DWORD h2_receive_window;        /* WINHTTP_OPTION_HTTP2_RECEIVE_WINDOW: a stream's; 0: the default */
    DWORD no_stream_queue;          /* WINHTTP_OPTION_DISABLE_STREAM_QUEUE (BOOL): a new connection when streams run out */
    DWORD h2_keepalive;             /* WINHTTP_OPTION_HTTP2_KEEPALIVE: ms between PINGs on an idle link; 0: none */
    DWORD protocol_required;        /* WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED (BOOL): no fallback to HTTP/1.1 */
    DWORD h2_client_cert;           /* WINHTTP_OPTION_ENABLE_HTTP2_PLUS_CLIENT_CERT (BOOL): HTTP/2 with a client certificate */
    DWORD h2_transfer_encoding;     /* WINHTTP_OPTION_HTTP2_PLUS_TRANSFER_ENCODING (BOOL): a chunked upload over HTTP/2 */
    DWORD connect_retries;          /* WINHTTP_OPTION_CONNECT_RETRIES: kept; every address is tried once */
    DWORD passport_flags;           /* WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH */
    DWORD ws_receive_buffer_size;   /* WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE */
    DWORD ws_send_buffer_size;      /* WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE */
    DWORD ws_close_timeout;         /* WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, ms */
    DWORD max_status_continue;      /* WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE: 1xx heads skipped at most */
    DWORD read_buffer_size;         /* WINHTTP_OPTION_READ/WRITE_BUFFER_SIZE: documented as having */
    DWORD write_buffer_size;        /* no effect; kept for reading back */
    DWORD assured_non_blocking;     /* WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS: kept (see option.c) */
    /* connections (options_conn in option.c; applied in connection.c and socket.c) */
    DWORD tcp_keepalive;            /* WINHTTP_OPTION_TCP_KEEPALIVE: onoff, then the two times in ms */
    DWORD tcp_keepalive_time;
    DWORD tcp_keepalive_interval;
    DWORD tcp_fast_open;            /* WINHTTP_OPTION_TCP_FAST_OPEN (BOOL) */
    DWORD ipv6_fast_fallback;       /* WINHTTP_OPTION_IPV6_FAST_FALLBACK (BOOL) */
    DWORD first_available;          /* WINHTTP_OPTION_FIRST_AVAILABLE_CONNECTION (BOOL): kept */
    DWORD retry_max;                /* WINHTTP_OPTION_FAILED_CONNECTION_RETRIES */
    DWORD retry_conditions;         /* WINHTTP_CONNECTION_RETRY_CONDITION_* */
    SOCKADDR_STORAGE source_address;    /* WINHTTP_OPTION_SOURCE_ADDRESS; ss_family 0: none */
    WINHTTP_RESOLVER_CACHE_CONFIG resolver_cache;   /* WINHTTP_OPTION_RESOLVER_CACHE_CONFIG: kept */
    /* HTTP (options_http in option.c) */
    DWORD codepage;                 /* WINHTTP_OPTION_CODEPAGE: the query string's bytes (default UTF-8) */
    DWORD require_stream_end;       /* WINHTTP_OPTION_REQUIRE_STREAM_END (BOOL): kept, see option.c */
    DWORD unsafe_header_parsing;    /* WINHTTP_OPTION_UNSAFE_HEADER_PARSING (BOOL): kept, see option.c */
    DWORD reject_userpwd;           /* WINHTTP_OPTION_REJECT_USERPWD_IN_URL (BOOL): redirects' Location */
    DWORD encode_extra;             /* WINHTTP_OPTION_ENCODE_EXTRA (BOOL): path and query percent-encoded */
    DWORD receive_proxy_connect;    /* WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE (BOOL) */
    DWORD proxy_auth_disabled;      /* WINHTTP_OPTION_DISABLE_PROXY_AUTH_SCHEMES: WINHTTP_PROXY_DISABLE_* */
    DWORD background_connections;   /* WINHTTP_OPTION_BACKGROUND_CONNECTIONS: opened at the first send */
    DWORD tcp_priority_hint;        /* WINHTTP_OPTION_TCP_PRIORITY_HINT: the hint + 1; 0: none set */
    DWORD dscp_tag;                 /* WINHTTP_OPTION_DSCP_TAG: the DSCP value + 1; 0: none set */
    SOCKADDR_STORAGE interface_address; /* WINHTTP_OPTION_NETWORK_INTERFACE_AFFINITY: the interface's address,
                                           found when the option was set; ss_family 0: none */
    DWORD request_priority;         /* WINHTTP_OPTION_REQUEST_PRIORITY: documented as no effect; kept */
    DWORD use_lookaside;            /* WINHTTP_OPTION_USE_LOOKASIDE (BOOL): kept, see option.c */
    GUID error_log_guid;            /* WINHTTP_OPTION_(SESSION_)ERROR_LOG_GUID: kept, see option.c */
    /* TLS (option.c's TLS part; applied in connection.c and tls_trust.c) */
    DWORD chain_build_flags;        /* WINHTTP_OPTION_SERVER_CERT_CHAIN_BUILD_FLAGS: WINHTTP_SERVER_CERT_CHAIN_* */
    DWORD chain_cache_only;         /* WINHTTP_OPTION_SERVER_CERT_CHAIN_BUILD_CACHE_ONLY (BOOL) */
    DWORD no_chain_building;        /* WINHTTP_OPTION_DISABLE_CERT_CHAIN_BUILDING (BOOL): no retrieval */
    DWORD ignore_rev_offline;       /* WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE (BOOL) */
    DWORD revert_impersonation;     /* WINHTTP_OPTION_REVERT_IMPERSONATION_SERVER_CERT (BOOL) */
    DWORD no_protocol_fallback;     /* WINHTTP_OPTION_DISABLE_SECURE_PROTOCOL_FALLBACK (BOOL): kept, never falls back */
    DWORD insecure_fallback;        /* WINHTTP_OPTION_TLS_PROTOCOL_INSECURE_FALLBACK (BOOL): kept, see option.c */
    DWORD false_start;              /* WINHTTP_OPTION_TLS_FALSE_START (BOOL): kept, see option.c */
    DWORD session_sch_cred;         /* WINHTTP_OPTION_USE_SESSION_SCH_CRED (BOOL): kept, see option.c */
};

struct object;

struct object_ops
{
    /* The handle was closed: stop what is in flight.  May be NULL. */
    void (*close)(struct object *obj);
    /* The last reference went: free the type's own state (not the object). */
    void (*destroy)(struct object *obj);
};

struct object
{
    const struct object_ops *ops;
    enum object_type type;
    LONG refs;
    HINTERNET handle;
    struct object *parent;          /* referenced for the child's lifetime */
    DWORD session_flags;            /* WinHttpOpen's flags (WINHTTP_FLAG_ASYNC) */

    /* status callback: read racily by design (see WinHttpSetStatusCallback) */
    WINHTTP_STATUS_CALLBACK volatile callback;
    DWORD volatile notify_mask;
    DWORD_PTR volatile context;

    struct settings settings;
};

/* Initialise an object (one reference, owned by the caller). */
void object_init(struct object *obj, enum object_type type, const struct object_ops *ops,
                 struct object *parent);
struct object *object_addref(struct object *obj);
void object_release(struct object *obj);

/* Enter an object into the handle table; the table takes its own reference.
 * Returns NULL (ERROR_WINHTTP_OUT_OF_HANDLES) when the table is full. */
HINTERNET handle_alloc(struct object *obj);

/* Look a handle up and take a reference.  On failure sets the last error
 * (ERROR_INVALID_HANDLE) and returns NULL. */
struct object *handle_ref(HINTERNET handle);

/* As handle_ref, and the object must be one of the types in type_bits
 * (else ERROR_WINHTTP_INCORRECT_HANDLE_TYPE). */
struct object *handle_ref_typed(HINTERNET handle, unsigned int type_bits);

/* Remove a handle from the table; returns the table's reference (or NULL). */
struct object *handle_remove(HINTERNET handle);

/* A request handle of an asynchronous session made to run in synchronous
 * mode, before its first operation: the WinHttpRequest object's
 * synchronous Opens share its one (asynchronous) session.  Sets the last
 * error and returns FALSE for another handle. */
BOOL handle_make_synchronous(HINTERNET request);

/* Objects alive (for leak checks in tests and at unload). */
LONG object_count(void);


#endif
