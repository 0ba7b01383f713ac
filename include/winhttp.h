/*
 * winhttp.h - public interface of the project's winhttp.dll.
 *
 * Written for this project from Microsoft's WinHTTP reference documentation
 * (function, structure, enumeration and constant pages of learn.microsoft.com)
 * and the numeric values Microsoft publishes for the same names.  It declares
 * the flat C API exported by winhttp.dll; the COM WinHttpRequest object is not
 * covered here.
 *
 * Usage notes
 *  - The header includes <windows.h> itself, so it can be included alone.
 *  - WINHTTP_CONNECTION_INFO needs SOCKADDR_STORAGE: include <winsock2.h>
 *    before this header to get it (as Microsoft's documentation requires).
 *  - WINHTTP_SECURITY_INFO needs the Schannel context types: include
 *    <schannel.h> before this header to get it.
 *  - Code that builds winhttp.dll itself defines WINHTTP_BUILDING_DLL before
 *    including this header; everybody else gets dllimport declarations.
 *  - wininet.h shares some names with this header.  When wininet.h has been
 *    included first, the shared types and constants it already defines are
 *    taken from it; the scheme numbers differ between the two APIs, so use the
 *    WINHTTP_INTERNET_SCHEME_* names in that case.  Including wininet.h after
 *    this header does not work (its scheme enumeration clashes with the
 *    INTERNET_SCHEME_* macros defined here).
 *  - Sizes and layouts match the Windows SDK: for example on 32-bit
 *    sizeof(WINHTTP_CONNECTION_INFO) is 260 and sizeof(WINHTTP_REQUEST_TIMES)
 *    is 516, on 64-bit 264 and 520.
 */

#ifndef WINHTTP_PROJECT_WINHTTP_H
#define WINHTTP_PROJECT_WINHTTP_H

#include <windows.h>

/* Structures follow the Windows SDK packing: 8 on 64-bit, 4 on 32-bit. */
#ifdef _WIN64
#include <pshpack8.h>
#else
#include <pshpack4.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Declaration decoration                                                   */
/* ------------------------------------------------------------------------ */

#ifndef WINHTTPAPI
# ifdef WINHTTP_BUILDING_DLL
#  define WINHTTPAPI
# else
#  define WINHTTPAPI __declspec(dllimport)
# endif
#endif

#ifndef BOOLAPI
# define BOOLAPI WINHTTPAPI BOOL WINAPI
#endif

/* WINHTTP_EXTENDED_HEADER has anonymous unions (C11; older C as an extension). */
#ifdef __GNUC__
# define WINHTTP_EXTENSION_ __extension__
#else
# define WINHTTP_EXTENSION_
#endif

/* ------------------------------------------------------------------------ */
/* Basic types shared with wininet.h                                        */
/* ------------------------------------------------------------------------ */

#ifndef _WININET_
typedef LPVOID HINTERNET;
typedef HINTERNET *LPHINTERNET;

typedef WORD INTERNET_PORT;
typedef INTERNET_PORT *LPINTERNET_PORT;

typedef int INTERNET_SCHEME;
typedef INTERNET_SCHEME *LPINTERNET_SCHEME;
#endif

/* Ports */
#ifndef INTERNET_DEFAULT_PORT
#define INTERNET_DEFAULT_PORT           0
#endif
#ifndef INTERNET_DEFAULT_HTTP_PORT
#define INTERNET_DEFAULT_HTTP_PORT      80
#endif
#ifndef INTERNET_DEFAULT_HTTPS_PORT
#define INTERNET_DEFAULT_HTTPS_PORT     443
#endif

/* URL schemes as WinHTTP numbers them (wininet.h uses other numbers). */
#define WINHTTP_INTERNET_SCHEME_HTTP    1
#define WINHTTP_INTERNET_SCHEME_HTTPS   2
#define WINHTTP_INTERNET_SCHEME_FTP     3
#define WINHTTP_INTERNET_SCHEME_SOCKS   4

#ifndef _WININET_
#define INTERNET_SCHEME_HTTP            WINHTTP_INTERNET_SCHEME_HTTP
#define INTERNET_SCHEME_HTTPS           WINHTTP_INTERNET_SCHEME_HTTPS
#define INTERNET_SCHEME_FTP             WINHTTP_INTERNET_SCHEME_FTP
#define INTERNET_SCHEME_SOCKS           WINHTTP_INTERNET_SCHEME_SOCKS
#endif

/* ------------------------------------------------------------------------ */
/* WinHttpOpen                                                              */
/* ------------------------------------------------------------------------ */

/* dwAccessType */
#define WINHTTP_ACCESS_TYPE_DEFAULT_PROXY       0
#define WINHTTP_ACCESS_TYPE_NO_PROXY            1
#define WINHTTP_ACCESS_TYPE_NAMED_PROXY         3
#define WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY     4

/* dwFlags */
#define WINHTTP_FLAG_ASYNC                      0x10000000
#define WINHTTP_FLAG_SECURE_DEFAULTS            0x30000000

/* Null arguments, spelled out */
#define WINHTTP_NO_PROXY_NAME                   NULL
#define WINHTTP_NO_PROXY_BYPASS                 NULL

/* ------------------------------------------------------------------------ */
/* WinHttpOpenRequest / WinHttpSendRequest / WinHttpQueryHeaders            */
/* ------------------------------------------------------------------------ */

/* dwFlags of WinHttpOpenRequest */
#define WINHTTP_FLAG_ESCAPE_PERCENT             0x00000004
#define WINHTTP_FLAG_NULL_CODEPAGE              0x00000008
#define WINHTTP_FLAG_ESCAPE_DISABLE             0x00000040
#define WINHTTP_FLAG_ESCAPE_DISABLE_QUERY       0x00000080
#define WINHTTP_FLAG_BYPASS_PROXY_CACHE         0x00000100
#define WINHTTP_FLAG_REFRESH                    WINHTTP_FLAG_BYPASS_PROXY_CACHE
#define WINHTTP_FLAG_AUTOMATIC_CHUNKING         0x00000200
#define WINHTTP_FLAG_SECURE                     0x00800000

/* More null arguments */
#define WINHTTP_NO_REFERER                      NULL
#define WINHTTP_DEFAULT_ACCEPT_TYPES            NULL
#define WINHTTP_NO_ADDITIONAL_HEADERS           NULL
#define WINHTTP_NO_REQUEST_DATA                 NULL
#define WINHTTP_HEADER_NAME_BY_INDEX            NULL
#define WINHTTP_NO_OUTPUT_BUFFER                NULL
#define WINHTTP_NO_HEADER_INDEX                 NULL
#define WINHTTP_NO_CLIENT_CERT_CONTEXT          NULL

/* dwTotalLength of WinHttpSendRequest when the body is sent chunked */
#define WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH     0

/* ------------------------------------------------------------------------ */
/* WinHttpCrackUrl / WinHttpCreateUrl                                        */
/* ------------------------------------------------------------------------ */

#ifndef ICU_ESCAPE
#define ICU_ESCAPE                      0x80000000
#endif
#ifndef ICU_NO_ENCODE
#define ICU_NO_ENCODE                   0x20000000
#endif
#ifndef ICU_DECODE
#define ICU_DECODE                      0x10000000
#endif
#ifndef ICU_NO_META
#define ICU_NO_META                     0x08000000
#endif
#ifndef ICU_ENCODE_SPACES_ONLY
#define ICU_ENCODE_SPACES_ONLY          0x04000000
#endif
#ifndef ICU_BROWSER_MODE
#define ICU_BROWSER_MODE                0x02000000
#endif
#ifndef ICU_INCLUDE_DEFAULT_PORT
#define ICU_INCLUDE_DEFAULT_PORT        0x00008000
#endif
#ifndef ICU_REJECT_USERPWD
#define ICU_REJECT_USERPWD              0x00004000
#endif
#ifndef ICU_ESCAPE_AUTHORITY
#define ICU_ESCAPE_AUTHORITY            0x00002000
#endif
#ifndef ICU_ENCODE_PERCENT
#define ICU_ENCODE_PERCENT              0x00001000
#endif

/*
 * URL_COMPONENTS as WinHTTP defines it (wide strings only).  The structure
 * also carries a WinHTTP-specific name so that it stays reachable when
 * wininet.h, which has its own URL_COMPONENTS, was included first.
 */
typedef struct _WINHTTP_URL_COMPONENTS
{
    DWORD           dwStructSize;
    LPWSTR          lpszScheme;
    DWORD           dwSchemeLength;
    INTERNET_SCHEME nScheme;
    LPWSTR          lpszHostName;
    DWORD           dwHostNameLength;
    INTERNET_PORT   nPort;
    LPWSTR          lpszUserName;
    DWORD           dwUserNameLength;
    LPWSTR          lpszPassword;
    DWORD           dwPasswordLength;
    LPWSTR          lpszUrlPath;
    DWORD           dwUrlPathLength;
    LPWSTR          lpszExtraInfo;
    DWORD           dwExtraInfoLength;
} WINHTTP_URL_COMPONENTS, *LPWINHTTP_URL_COMPONENTS;

#ifndef _WININET_
typedef WINHTTP_URL_COMPONENTS URL_COMPONENTS;
typedef LPWINHTTP_URL_COMPONENTS LPURL_COMPONENTS;
typedef WINHTTP_URL_COMPONENTS URL_COMPONENTSW;
typedef LPWINHTTP_URL_COMPONENTS LPURL_COMPONENTSW;
#endif

/* Size of the buffer WinHttpTimeFromSystemTime writes, in bytes */
#define WINHTTP_TIME_FORMAT_BUFSIZE     62

/* ------------------------------------------------------------------------ */
/* WinHttpAddRequestHeaders(Ex)                                             */
/* ------------------------------------------------------------------------ */

#define WINHTTP_ADDREQ_INDEX_MASK                   0x0000FFFF
#define WINHTTP_ADDREQ_FLAGS_MASK                   0xFFFF0000
#define WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON 0x01000000
#define WINHTTP_ADDREQ_FLAG_ADD_IF_NEW              0x10000000
#define WINHTTP_ADDREQ_FLAG_ADD                     0x20000000
#define WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA     0x40000000
#define WINHTTP_ADDREQ_FLAG_COALESCE                WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA
#define WINHTTP_ADDREQ_FLAG_REPLACE                 0x80000000

/* ullFlags of WinHttpAddRequestHeadersEx / WinHttpQueryHeadersEx */
#define WINHTTP_EXTENDED_HEADER_FLAG_UNICODE        0x00000001

/* A header name and value, wide or narrow (see the flag above) */
WINHTTP_EXTENSION_ typedef struct _WINHTTP_EXTENDED_HEADER
{
    union
    {
        PCWSTR pwszName;
        PCSTR  pszName;
    };
    union
    {
        PCWSTR pwszValue;
        PCSTR  pszValue;
    };
} WINHTTP_EXTENDED_HEADER, *PWINHTTP_EXTENDED_HEADER;

/* Name of a custom header for WinHttpQueryHeadersEx */
typedef union _WINHTTP_HEADER_NAME
{
    PCWSTR pwszName;
    PCSTR  pszName;
} WINHTTP_HEADER_NAME, *PWINHTTP_HEADER_NAME;

/* ------------------------------------------------------------------------ */
/* WinHttpQueryHeaders(Ex) info levels                                      */
/* ------------------------------------------------------------------------ */

#define WINHTTP_QUERY_MIME_VERSION                  0
#define WINHTTP_QUERY_CONTENT_TYPE                  1
#define WINHTTP_QUERY_CONTENT_TRANSFER_ENCODING     2
#define WINHTTP_QUERY_CONTENT_ID                    3
#define WINHTTP_QUERY_CONTENT_DESCRIPTION           4
#define WINHTTP_QUERY_CONTENT_LENGTH                5
#define WINHTTP_QUERY_CONTENT_LANGUAGE              6
#define WINHTTP_QUERY_ALLOW                         7
#define WINHTTP_QUERY_PUBLIC                        8
#define WINHTTP_QUERY_DATE                          9
#define WINHTTP_QUERY_EXPIRES                       10
#define WINHTTP_QUERY_LAST_MODIFIED                 11
#define WINHTTP_QUERY_MESSAGE_ID                    12
#define WINHTTP_QUERY_URI                           13
#define WINHTTP_QUERY_DERIVED_FROM                  14
#define WINHTTP_QUERY_COST                          15
#define WINHTTP_QUERY_LINK                          16
#define WINHTTP_QUERY_PRAGMA                        17
#define WINHTTP_QUERY_VERSION                       18
#define WINHTTP_QUERY_STATUS_CODE                   19
#define WINHTTP_QUERY_STATUS_TEXT                   20
#define WINHTTP_QUERY_RAW_HEADERS                   21
#define WINHTTP_QUERY_RAW_HEADERS_CRLF              22
#define WINHTTP_QUERY_CONNECTION                    23
#define WINHTTP_QUERY_ACCEPT                        24
#define WINHTTP_QUERY_ACCEPT_CHARSET                25
#define WINHTTP_QUERY_ACCEPT_ENCODING               26
#define WINHTTP_QUERY_ACCEPT_LANGUAGE               27
#define WINHTTP_QUERY_AUTHORIZATION                 28
#define WINHTTP_QUERY_CONTENT_ENCODING              29
#define WINHTTP_QUERY_FORWARDED                     30
#define WINHTTP_QUERY_FROM                          31
#define WINHTTP_QUERY_IF_MODIFIED_SINCE             32
#define WINHTTP_QUERY_LOCATION                      33
#define WINHTTP_QUERY_ORIG_URI                      34
#define WINHTTP_QUERY_REFERER                       35
#define WINHTTP_QUERY_RETRY_AFTER                   36
#define WINHTTP_QUERY_SERVER                        37
#define WINHTTP_QUERY_TITLE                         38
#define WINHTTP_QUERY_USER_AGENT                    39
#define WINHTTP_QUERY_WWW_AUTHENTICATE              40
#define WINHTTP_QUERY_PROXY_AUTHENTICATE            41
#define WINHTTP_QUERY_ACCEPT_RANGES                 42
#define WINHTTP_QUERY_SET_COOKIE                    43
#define WINHTTP_QUERY_COOKIE                        44
#define WINHTTP_QUERY_REQUEST_METHOD                45
#define WINHTTP_QUERY_REFRESH                       46
#define WINHTTP_QUERY_CONTENT_DISPOSITION           47
#define WINHTTP_QUERY_AGE                           48
#define WINHTTP_QUERY_CACHE_CONTROL                 49
#define WINHTTP_QUERY_CONTENT_BASE                  50
#define WINHTTP_QUERY_CONTENT_LOCATION              51
#define WINHTTP_QUERY_CONTENT_MD5                   52
#define WINHTTP_QUERY_CONTENT_RANGE                 53
#define WINHTTP_QUERY_ETAG                          54
#define WINHTTP_QUERY_HOST                          55
#define WINHTTP_QUERY_IF_MATCH                      56
#define WINHTTP_QUERY_IF_NONE_MATCH                 57
#define WINHTTP_QUERY_IF_RANGE                      58
#define WINHTTP_QUERY_IF_UNMODIFIED_SINCE           59
#define WINHTTP_QUERY_MAX_FORWARDS                  60
#define WINHTTP_QUERY_PROXY_AUTHORIZATION           61
#define WINHTTP_QUERY_RANGE                         62
#define WINHTTP_QUERY_TRANSFER_ENCODING             63
#define WINHTTP_QUERY_UPGRADE                       64
#define WINHTTP_QUERY_VARY                          65
#define WINHTTP_QUERY_VIA                           66
#define WINHTTP_QUERY_WARNING                       67
#define WINHTTP_QUERY_EXPECT                        68
#define WINHTTP_QUERY_PROXY_CONNECTION              69
#define WINHTTP_QUERY_UNLESS_MODIFIED_SINCE         70
#define WINHTTP_QUERY_PROXY_SUPPORT                 75
#define WINHTTP_QUERY_AUTHENTICATION_INFO           76
#define WINHTTP_QUERY_PASSPORT_URLS                 77
#define WINHTTP_QUERY_PASSPORT_CONFIG               78
#define WINHTTP_QUERY_MAX                           78
#define WINHTTP_QUERY_EX_ALL_HEADERS                WINHTTP_QUERY_RAW_HEADERS
#define WINHTTP_QUERY_CUSTOM                        65535

/* Modifiers OR-ed into the info level */
#define WINHTTP_QUERY_FLAG_WIRE_ENCODING            0x01000000
#define WINHTTP_QUERY_FLAG_TRAILERS                 0x02000000
#define WINHTTP_QUERY_FLAG_NUMBER64                 0x08000000
#define WINHTTP_QUERY_FLAG_NUMBER                   0x20000000
#define WINHTTP_QUERY_FLAG_SYSTEMTIME               0x40000000
#define WINHTTP_QUERY_FLAG_REQUEST_HEADERS          0x80000000

/*
 * Project extension (not a Microsoft name): the bits of an info level that
 * select the header, without any of the modifiers above.
 */
#define WINHTTP_QUERY_HEADER_MASK                   0x0000FFFF

/* ------------------------------------------------------------------------ */
/* WinHttpReadDataEx / WinHttpQueryConnectionGroup flags                    */
/* ------------------------------------------------------------------------ */

#define WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER       0x0000000000000001ull
#define WINHTTP_QUERY_CONNECTION_GROUP_FLAG_INSECURE 0x0000000000000001ull

/* ------------------------------------------------------------------------ */
/* Authentication                                                           */
/* ------------------------------------------------------------------------ */

/* Schemes (WinHttpQueryAuthSchemes, WinHttpSetCredentials) */
#define WINHTTP_AUTH_SCHEME_BASIC       0x00000001
#define WINHTTP_AUTH_SCHEME_NTLM        0x00000002
#define WINHTTP_AUTH_SCHEME_PASSPORT    0x00000004
#define WINHTTP_AUTH_SCHEME_DIGEST      0x00000008
#define WINHTTP_AUTH_SCHEME_NEGOTIATE   0x00000010

/* Targets */
#define WINHTTP_AUTH_TARGET_SERVER      0x00000000
#define WINHTTP_AUTH_TARGET_PROXY       0x00000001

/* ------------------------------------------------------------------------ */
/* Options for WinHttpSetOption / WinHttpQueryOption                        */
/* ------------------------------------------------------------------------ */

#define WINHTTP_OPTION_CALLBACK                         1
#define WINHTTP_FIRST_OPTION                            WINHTTP_OPTION_CALLBACK
#define WINHTTP_OPTION_RESOLVE_TIMEOUT                  2
#define WINHTTP_OPTION_CONNECT_TIMEOUT                  3
#define WINHTTP_OPTION_CONNECT_RETRIES                  4
#define WINHTTP_OPTION_SEND_TIMEOUT                     5
#define WINHTTP_OPTION_RECEIVE_TIMEOUT                  6
#define WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT         7
#define WINHTTP_OPTION_HANDLE_TYPE                      9
#define WINHTTP_OPTION_READ_BUFFER_SIZE                 12
#define WINHTTP_OPTION_WRITE_BUFFER_SIZE                13
#define WINHTTP_OPTION_PARENT_HANDLE                    21
#define WINHTTP_OPTION_EXTENDED_ERROR                   24
#define WINHTTP_OPTION_SECURITY_FLAGS                   31
#define WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT      32
#define WINHTTP_OPTION_URL                              34
#define WINHTTP_OPTION_SECURITY_KEY_BITNESS             36
#define WINHTTP_OPTION_PROXY                            38
#define WINHTTP_OPTION_PROXY_RESULT_ENTRY               39
#define WINHTTP_OPTION_USER_AGENT                       41
#define WINHTTP_OPTION_CONTEXT_VALUE                    45
#define WINHTTP_OPTION_CLIENT_CERT_CONTEXT              47
#define WINHTTP_OPTION_REQUEST_PRIORITY                 58
#define WINHTTP_OPTION_HTTP_VERSION                     59
#define WINHTTP_OPTION_DISABLE_FEATURE                  63
#define WINHTTP_OPTION_CODEPAGE                         68
#define WINHTTP_OPTION_MAX_CONNS_PER_SERVER             73
#define WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER         74
#define WINHTTP_OPTION_AUTOLOGON_POLICY                 77
#define WINHTTP_OPTION_SERVER_CERT_CONTEXT              78
#define WINHTTP_OPTION_ENABLE_FEATURE                   79
#define WINHTTP_OPTION_WORKER_THREAD_COUNT              80
#define WINHTTP_OPTION_PASSPORT_COBRANDING_TEXT         81
#define WINHTTP_OPTION_PASSPORT_COBRANDING_URL          82
#define WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH          83
#define WINHTTP_OPTION_SECURE_PROTOCOLS                 84
#define WINHTTP_OPTION_ENABLETRACING                    85
#define WINHTTP_OPTION_PASSPORT_SIGN_OUT                86
#define WINHTTP_OPTION_PASSPORT_RETURN_URL              87
#define WINHTTP_OPTION_REDIRECT_POLICY                  88
#define WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS     89
#define WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE         90
#define WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE         91
#define WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE          92
#define WINHTTP_OPTION_CONNECTION_INFO                  93
#define WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST          94
#define WINHTTP_OPTION_SPN                              96
#define WINHTTP_OPTION_GLOBAL_PROXY_CREDS               97
#define WINHTTP_OPTION_GLOBAL_SERVER_CREDS              98
#define WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT              99
#define WINHTTP_OPTION_REJECT_USERPWD_IN_URL            100
#define WINHTTP_OPTION_USE_GLOBAL_SERVER_CREDENTIALS    101
#define WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE   103
#define WINHTTP_OPTION_IS_PROXY_CONNECT_RESPONSE        104
#define WINHTTP_OPTION_NETWORK_INTERFACE_AFFINITY       105
#define WINHTTP_OPTION_SERVER_SPN_USED                  106
#define WINHTTP_OPTION_PROXY_SPN_USED                   107
#define WINHTTP_OPTION_SERVER_CBT                       108
#define WINHTTP_OPTION_UNSAFE_HEADER_PARSING            110
#define WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS   111
#define WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET            114
#define WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT         115
#define WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL    116
#define WINHTTP_OPTION_DECOMPRESSION                    118
#define WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE   122
#define WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE      123
#define WINHTTP_OPTION_TCP_PRIORITY_HINT                128
#define WINHTTP_OPTION_CONNECTION_FILTER                131
#define WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL             133
#define WINHTTP_OPTION_HTTP_PROTOCOL_USED               134
#define WINHTTP_OPTION_KDC_PROXY_SETTINGS               136
#define WINHTTP_OPTION_PROXY_DISABLE_SERVICE_CALLS      137
#define WINHTTP_OPTION_ENCODE_EXTRA                     138
#define WINHTTP_OPTION_DISABLE_STREAM_QUEUE             139
#define WINHTTP_OPTION_IPV6_FAST_FALLBACK               140
#define WINHTTP_OPTION_CONNECTION_STATS_V0              141
#define WINHTTP_OPTION_REQUEST_TIMES                    142
#define WINHTTP_OPTION_EXPIRE_CONNECTION                143
#define WINHTTP_OPTION_DISABLE_SECURE_PROTOCOL_FALLBACK 144
#define WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED           145
#define WINHTTP_OPTION_REQUEST_STATS                    146
#define WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT        147
#define WINHTTP_OPTION_SERVER_CERT_CHAIN_BUILD_FLAGS    148
#define WINHTTP_OPTION_CONNECTION_STATS_V1              150
#define WINHTTP_OPTION_SECURITY_INFO                    151
#define WINHTTP_OPTION_TCP_KEEPALIVE                    152
#define WINHTTP_OPTION_TCP_FAST_OPEN                    153
#define WINHTTP_OPTION_TLS_FALSE_START                  154
#define WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE   155
#define WINHTTP_OPTION_SOURCE_ADDRESS                   156
#define WINHTTP_OPTION_HEAP_EXTENSION                   157
#define WINHTTP_OPTION_TLS_PROTOCOL_INSECURE_FALLBACK   158
#define WINHTTP_OPTION_STREAM_ERROR_CODE                159
#define WINHTTP_OPTION_REQUIRE_STREAM_END               160
#define WINHTTP_OPTION_ENABLE_HTTP2_PLUS_CLIENT_CERT    161
#define WINHTTP_OPTION_FAILED_CONNECTION_RETRIES        162
#define WINHTTP_OPTION_SET_GLOBAL_CALLBACK              163
#define WINHTTP_OPTION_HTTP2_KEEPALIVE                  164
#define WINHTTP_OPTION_RESOLUTION_HOSTNAME              165
#define WINHTTP_OPTION_SET_TOKEN_BINDING                166
#define WINHTTP_OPTION_TOKEN_BINDING_PUBLIC_KEY         167
#define WINHTTP_OPTION_REFERER_TOKEN_BINDING_HOSTNAME   168
#define WINHTTP_OPTION_HTTP2_PLUS_TRANSFER_ENCODING     169
#define WINHTTP_OPTION_RESOLVER_CACHE_CONFIG            170
#define WINHTTP_OPTION_DISABLE_CERT_CHAIN_BUILDING      171
#define WINHTTP_OPTION_BACKGROUND_CONNECTIONS           172
#define WINHTTP_OPTION_FIRST_AVAILABLE_CONNECTION       173
#define WINHTTP_OPTION_ENABLE_TEST_SIGNING              174
#define WINHTTP_OPTION_NTSERVICE_FLAG_TEST              175
#define WINHTTP_OPTION_DISABLE_PROXY_LINK_LOCAL_NAME_RESOLUTION 176
#define WINHTTP_OPTION_TCP_PRIORITY_STATUS              177
#define WINHTTP_OPTION_CONNECTION_GUID                  178
#define WINHTTP_OPTION_MATCH_CONNECTION_GUID            179
#define WINHTTP_OPTION_PROXY_CONFIG_INFO                180
#define WINHTTP_OPTION_AGGREGATE_PROXY_CONFIG           181
#define WINHTTP_OPTION_SELECTED_PROXY_CONFIG_INFO       182
#define WINHTTP_OPTION_HTTP2_RECEIVE_WINDOW             183
#define WINHTTP_OPTION_FEATURE_SUPPORTED                184
#define WINHTTP_OPTION_QUIC_STATS                       185
#define WINHTTP_OPTION_HTTP3_KEEPALIVE                  188
#define WINHTTP_OPTION_HTTP3_HANDSHAKE_TIMEOUT          189
#define WINHTTP_OPTION_HTTP3_INITIAL_RTT                190
#define WINHTTP_OPTION_HTTP3_STREAM_ERROR_CODE          191
#define WINHTTP_OPTION_REQUEST_ANNOTATION               192
#define WINHTTP_OPTION_DISABLE_PROXY_AUTH_SCHEMES       193
#define WINHTTP_OPTION_REVERT_IMPERSONATION_SERVER_CERT 194
#define WINHTTP_OPTION_DISABLE_GLOBAL_POOLING           195
#define WINHTTP_OPTION_USE_SESSION_SCH_CRED             196
#define WINHTTP_OPTION_SERVER_CERT_CHAIN_BUILD_CACHE_ONLY 199
#define WINHTTP_OPTION_QUIC_STATS_V2                    200
#define WINHTTP_OPTION_QUIC_STREAM_STATS                202
#define WINHTTP_OPTION_USE_LOOKASIDE                    203
#define WINHTTP_OPTION_ERROR_LOG_GUID                   204
#define WINHTTP_OPTION_ENABLE_FAST_FORWARDING           205
#define WINHTTP_OPTION_FAST_FORWARDING_RESPONSE_DATA    206
#define WINHTTP_OPTION_UPGRADE_TO_PROTOCOL              207
#define WINHTTP_OPTION_CONNECTION_STATS_V2              208
#define WINHTTP_OPTION_FAST_FORWARDING_RESPONSE_STATUS  209
#define WINHTTP_OPTION_DSCP_TAG                         210
#define WINHTTP_OPTION_HTTP11_DOWNGRADE_TTL             211
#define WINHTTP_OPTION_SESSION_ERROR_LOG_GUID           212
#define WINHTTP_LAST_OPTION                             WINHTTP_OPTION_SESSION_ERROR_LOG_GUID

/* Credentials and identity strings (set on request handles) */
#define WINHTTP_OPTION_USERNAME                         0x1000
#define WINHTTP_OPTION_PASSWORD                         0x1001
#define WINHTTP_OPTION_PROXY_USERNAME                   0x1002
#define WINHTTP_OPTION_PROXY_PASSWORD                   0x1003

/* Longest string WINHTTP_OPTION_REQUEST_ANNOTATION takes, in characters */
#define WINHTTP_OPTION_REQUEST_ANNOTATION_MAX_LENGTH    64000

/* WINHTTP_OPTION_MAX_CONNS_PER_SERVER / _1_0_SERVER: no limit */
#define WINHTTP_CONNS_PER_SERVER_UNLIMITED              0xFFFFFFFF

/* WINHTTP_OPTION_HANDLE_TYPE results */
#define WINHTTP_HANDLE_TYPE_SESSION                     1
#define WINHTTP_HANDLE_TYPE_CONNECT                     2
#define WINHTTP_HANDLE_TYPE_REQUEST                     3
#define WINHTTP_HANDLE_TYPE_PROXY_RESOLVER              4
#define WINHTTP_HANDLE_TYPE_WEBSOCKET                   5
#define WINHTTP_HANDLE_TYPE_PROTOCOL                    6

/* WINHTTP_OPTION_AUTOLOGON_POLICY values */
#define WINHTTP_AUTOLOGON_SECURITY_LEVEL_MEDIUM         0
#define WINHTTP_AUTOLOGON_SECURITY_LEVEL_LOW            1
#define WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH           2
#define WINHTTP_AUTOLOGON_SECURITY_LEVEL_PROXY_ONLY     3
#define WINHTTP_AUTOLOGON_SECURITY_LEVEL_DEFAULT        WINHTTP_AUTOLOGON_SECURITY_LEVEL_MEDIUM
#define WINHTTP_AUTOLOGON_SECURITY_LEVEL_MAX            WINHTTP_AUTOLOGON_SECURITY_LEVEL_PROXY_ONLY

/* WINHTTP_OPTION_REDIRECT_POLICY values */
#define WINHTTP_OPTION_REDIRECT_POLICY_NEVER                    0
#define WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP   1
#define WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS                   2
#define WINHTTP_OPTION_REDIRECT_POLICY_LAST     WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS
#define WINHTTP_OPTION_REDIRECT_POLICY_DEFAULT  WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP

/* WINHTTP_OPTION_DISABLE_FEATURE bits */
#define WINHTTP_DISABLE_COOKIES                         0x00000001
#define WINHTTP_DISABLE_REDIRECTS                       0x00000002
#define WINHTTP_DISABLE_AUTHENTICATION                  0x00000004
#define WINHTTP_DISABLE_KEEP_ALIVE                      0x00000008

/* WINHTTP_OPTION_ENABLE_FEATURE bits */
#define WINHTTP_ENABLE_SSL_REVOCATION                   0x00000001
#define WINHTTP_ENABLE_SSL_REVERT_IMPERSONATION         0x00000002

/* WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH values */
#define WINHTTP_DISABLE_PASSPORT_AUTH                   0x00000000
#define WINHTTP_ENABLE_PASSPORT_AUTH                    0x10000000
#define WINHTTP_DISABLE_PASSPORT_KEYRING                0x20000000
#define WINHTTP_ENABLE_PASSPORT_KEYRING                 0x40000000

/* WINHTTP_OPTION_SPN values */
#define WINHTTP_DISABLE_SPN_SERVER_PORT                 0x00000000
#define WINHTTP_ENABLE_SPN_SERVER_PORT                  0x00000001
#define WINHTTP_OPTION_SPN_MASK                         WINHTTP_ENABLE_SPN_SERVER_PORT

/* WINHTTP_OPTION_SECURE_PROTOCOLS bits */
#define WINHTTP_FLAG_SECURE_PROTOCOL_SSL2               0x00000008
#define WINHTTP_FLAG_SECURE_PROTOCOL_SSL3               0x00000020
#define WINHTTP_FLAG_SECURE_PROTOCOL_TLS1               0x00000080
#define WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1             0x00000200
#define WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2             0x00000800
#define WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3             0x00002000
/* "ALL" is the historical set: SSL 2, SSL 3 and TLS 1.0 only. */
#define WINHTTP_FLAG_SECURE_PROTOCOL_ALL    (WINHTTP_FLAG_SECURE_PROTOCOL_SSL2 | \
                                             WINHTTP_FLAG_SECURE_PROTOCOL_SSL3 | \
                                             WINHTTP_FLAG_SECURE_PROTOCOL_TLS1)

/* WINHTTP_OPTION_DECOMPRESSION bits */
#define WINHTTP_DECOMPRESSION_FLAG_GZIP                 0x00000001
#define WINHTTP_DECOMPRESSION_FLAG_DEFLATE              0x00000002
#define WINHTTP_DECOMPRESSION_FLAG_ALL      (WINHTTP_DECOMPRESSION_FLAG_GZIP | \
                                             WINHTTP_DECOMPRESSION_FLAG_DEFLATE)

/* WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL / _HTTP_PROTOCOL_USED bits */
#define WINHTTP_PROTOCOL_FLAG_HTTP2                     0x00000001
#define WINHTTP_PROTOCOL_FLAG_HTTP3                     0x00000002

/* WINHTTP_OPTION_FAILED_CONNECTION_RETRIES conditions */
#define WINHTTP_CONNECTION_RETRY_CONDITION_408              0x00000001
#define WINHTTP_CONNECTION_RETRY_CONDITION_SSL_HANDSHAKE    0x00000002
#define WINHTTP_CONNECTION_RETRY_CONDITION_STALE_CONNECTION 0x00000004

/* WINHTTP_OPTION_SERVER_CERT_CHAIN_BUILD_FLAGS bits */
#define WINHTTP_SERVER_CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL      0x00000004
#define WINHTTP_SERVER_CERT_CHAIN_DISABLE_AIA                   0x00002000
#define WINHTTP_SERVER_CERT_CHAIN_REVOCATION_CHECK_CACHE_ONLY   0x80000000

/* WINHTTP_OPTION_RESOLVER_CACHE_CONFIG flags */
#define WINHTTP_RESOLVER_CACHE_CONFIG_FLAG_SOFT_LIMIT       0x00000001
#define WINHTTP_RESOLVER_CACHE_CONFIG_FLAG_BYPASS_CACHE     0x00000002
#define WINHTTP_RESOLVER_CACHE_CONFIG_FLAG_USE_DNS_TTL      0x00000004
#define WINHTTP_RESOLVER_CACHE_CONFIG_FLAG_CONN_USE_TTL     0x00000008

/* WINHTTP_OPTION_MATCH_CONNECTION_GUID flags */
#define WINHTTP_MATCH_CONNECTION_GUID_FLAG_REQUIRE_MARKED_CONNECTION 0x00000001
#define WINHTTP_MATCH_CONNECTION_GUID_FLAGS_MASK \
            WINHTTP_MATCH_CONNECTION_GUID_FLAG_REQUIRE_MARKED_CONNECTION

/* WINHTTP_OPTION_DISABLE_PROXY_AUTH_SCHEMES bits */
#define WINHTTP_PROXY_DISABLE_SCHEME_BASIC              0x00000001
#define WINHTTP_PROXY_DISABLE_SCHEME_DIGEST             0x00000002
#define WINHTTP_PROXY_DISABLE_SCHEME_NTLM               0x00000004
#define WINHTTP_PROXY_DISABLE_SCHEME_KERBEROS           0x00000008
#define WINHTTP_PROXY_DISABLE_SCHEME_NEGOTIATE          0x00000010
#define WINHTTP_PROXY_DISABLE_AUTH_LOCAL_SERVICE        0x00000100

/* WINHTTP_OPTION_REQUEST_STATS: WINHTTP_REQUEST_STATS.ullFlags bits */
#define WINHTTP_REQUEST_STAT_FLAG_TCP_FAST_OPEN                 0x00000001
#define WINHTTP_REQUEST_STAT_FLAG_TLS_SESSION_RESUMPTION        0x00000002
#define WINHTTP_REQUEST_STAT_FLAG_TLS_FALSE_START               0x00000004
#define WINHTTP_REQUEST_STAT_FLAG_PROXY_TLS_SESSION_RESUMPTION  0x00000008
#define WINHTTP_REQUEST_STAT_FLAG_PROXY_TLS_FALSE_START         0x00000010
#define WINHTTP_REQUEST_STAT_FLAG_FIRST_REQUEST                 0x00000020

/* WINHTTP_OPTION_FEATURE_SUPPORTED: feature numbers */
#define WINHTTP_FEATURE_DISABLE_STREAM_QUEUE                1
#define WINHTTP_FEATURE_IPV6_FAST_FALLBACK                  2
#define WINHTTP_FEATURE_CONNECTION_STATS_V0                 3
#define WINHTTP_FEATURE_REQUEST_TIMES                       4
#define WINHTTP_FEATURE_EXPIRE_CONNECTION                   5
#define WINHTTP_FEATURE_DISABLE_SECURE_PROTOCOL_FALLBACK    6
#define WINHTTP_FEATURE_HTTP_PROTOCOL_REQUIRED              7
#define WINHTTP_FEATURE_REQUEST_STATS                       8
#define WINHTTP_FEATURE_SERVER_CERT_CHAIN_CONTEXT           9
#define WINHTTP_FEATURE_CONNECTION_STATS_V1                 12
#define WINHTTP_FEATURE_SECURITY_INFO                       13
#define WINHTTP_FEATURE_TCP_KEEPALIVE                       14
#define WINHTTP_FEATURE_TCP_FAST_OPEN                       15
#define WINHTTP_FEATURE_TLS_FALSE_START                     16
#define WINHTTP_FEATURE_IGNORE_CERT_REVOCATION_OFFLINE      17
#define WINHTTP_FEATURE_TLS_PROTOCOL_INSECURE_FALLBACK      20
#define WINHTTP_FEATURE_STREAM_ERROR_CODE                   21
#define WINHTTP_FEATURE_REQUIRE_STREAM_END                  22
#define WINHTTP_FEATURE_ENABLE_HTTP2_PLUS_CLIENT_CERT       23
#define WINHTTP_FEATURE_FAILED_CONNECTION_RETRIES           24
#define WINHTTP_FEATURE_HTTP2_KEEPALIVE                     26
#define WINHTTP_FEATURE_RESOLUTION_HOSTNAME                 27
#define WINHTTP_FEATURE_SET_TOKEN_BINDING                   28
#define WINHTTP_FEATURE_TOKEN_BINDING_PUBLIC_KEY            29
#define WINHTTP_FEATURE_REFERER_TOKEN_BINDING_HOSTNAME      30
#define WINHTTP_FEATURE_HTTP2_PLUS_TRANSFER_ENCODING        31
#define WINHTTP_FEATURE_RESOLVER_CACHE_CONFIG               32
#define WINHTTP_FEATURE_DISABLE_CERT_CHAIN_BUILDING         33
#define WINHTTP_FEATURE_BACKGROUND_CONNECTIONS              34
#define WINHTTP_FEATURE_FIRST_AVAILABLE_CONNECTION          35
#define WINHTTP_FEATURE_TCP_PRIORITY_STATUS                 37
#define WINHTTP_FEATURE_CONNECTION_GUID                     38
#define WINHTTP_FEATURE_MATCH_CONNECTION_GUID               39
#define WINHTTP_FEATURE_HTTP2_RECEIVE_WINDOW                43
#define WINHTTP_FEATURE_IS_FEATURE_SUPPORTED                44
#define WINHTTP_FEATURE_ADD_REQUEST_HEADERS_EX              46
#define WINHTTP_FEATURE_SET_PROXY_SETINGS_PER_USER          47
#define WINHTTP_FEATURE_READ_DATA_EX                        48
#define WINHTTP_FEATURE_QUERY_HEADERS_EX                    49
#define WINHTTP_FEATURE_QUERY_CONNECTION_GROUP              50
#define WINHTTP_FEATURE_FREE_QUERY_CONNECTION_GROUP_RESULT  51
#define WINHTTP_FEATURE_SECURITY_FLAG_IGNORE_ALL_CERT_ERRORS 52
#define WINHTTP_FEATURE_FLAG_SECURE_DEFAULTS                53
#define WINHTTP_FEATURE_EXTENDED_HEADER_FLAG_UNICODE        54
#define WINHTTP_FEATURE_QUERY_FLAG_TRAILERS                 55
#define WINHTTP_FEATURE_QUERY_FLAG_WIRE_ENCODING            56
#define WINHTTP_FEATURE_RESOLVER_CACHE_CONFIG_FLAG_SOFT_LIMIT   57
#define WINHTTP_FEATURE_RESOLVER_CACHE_CONFIG_FLAG_BYPASS_CACHE 58
#define WINHTTP_FEATURE_FLAG_AUTOMATIC_CHUNKING             59
#define WINHTTP_FEATURE_QUERY_CONNECTION_GROUP_FLAG_INSECURE 60
#define WINHTTP_FEATURE_MATCH_CONNECTION_GUID_FLAG_REQUIRE_MARKED_CONNECTION 61
#define WINHTTP_FEATURE_QUERY_EX_ALL_HEADERS                62
#define WINHTTP_FEATURE_READ_DATA_EX_FLAG_FILL_BUFFER       63
#define WINHTTP_FEATURE_RESOLVER_CACHE_CONFIG_FLAG_USE_DNS_TTL  64
#define WINHTTP_FEATURE_RESOLVER_CACHE_CONFIG_FLAG_CONN_USE_TTL 65
#define WINHTTP_FEATURE_QUIC_STATS                          66
#define WINHTTP_FEATURE_HTTP3_KEEPALIVE                     69
#define WINHTTP_FEATURE_HTTP3_HANDSHAKE_TIMEOUT             70
#define WINHTTP_FEATURE_HTTP3_INITIAL_RTT                   71
#define WINHTTP_FEATURE_HTTP3_STREAM_ERROR_CODE             72
#define WINHTTP_FEATURE_REQUEST_ANNOTATION                  73
#define WINHTTP_FEATURE_DISABLE_PROXY_AUTH_SCHEMES          74
#define WINHTTP_FEATURE_REVERT_IMPERSONATION_SERVER_CERT    75
#define WINHTTP_FEATURE_DISABLE_GLOBAL_POOLING              76
#define WINHTTP_FEATURE_GET_PROXY_SETTINGS_EX               77
#define WINHTTP_FEATURE_SESSION_SCH_CRED                    78
#define WINHTTP_FEATURE_QUIC_STATS_V2                       79
#define WINHTTP_FEATURE_URL_INCLUDE_DEFAULT_PORT            80
#define WINHTTP_FEATURE_QUIC_STREAM_STATS                   81
#define WINHTTP_FEATURE_USE_LOOKASIDE                       82
#define WINHTTP_FEATURE_ERROR_LOG_GUID                      83
#define WINHTTP_FEATURE_UPGRADE_TO_PROTOCOL                 88
#define WINHTTP_FEATURE_CONNECTION_STATS_V2                 89
#define WINHTTP_FEATURE_FAST_FORWARD_RESPONSE               90
#define WINHTTP_FEATURE_DISABLE_AIA_FLAG                    91
#define WINHTTP_FEATURE_DSCP_TAG                            92
#define WINHTTP_FEATURE_HTTP11_DOWNGRADE_TTL                93
#define WINHTTP_FEATURE_SESSION_ERROR_LOG_GUID              94
#define WINHTTP_FEATURE_GET_PROXY_SETTINGS_EX_XBOX          95

/* ------------------------------------------------------------------------ */
/* Certificate and TLS state (WINHTTP_OPTION_SECURITY_FLAGS)                */
/* ------------------------------------------------------------------------ */

#ifndef SECURITY_FLAG_SECURE
#define SECURITY_FLAG_SECURE                    0x00000001
#endif
#ifndef SECURITY_FLAG_IGNORE_UNKNOWN_CA
#define SECURITY_FLAG_IGNORE_UNKNOWN_CA         0x00000100
#endif
#ifndef SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE
#define SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE   0x00000200
#endif
#ifndef SECURITY_FLAG_IGNORE_CERT_CN_INVALID
#define SECURITY_FLAG_IGNORE_CERT_CN_INVALID    0x00001000
#endif
#ifndef SECURITY_FLAG_IGNORE_CERT_DATE_INVALID
#define SECURITY_FLAG_IGNORE_CERT_DATE_INVALID  0x00002000
#endif
#ifndef SECURITY_FLAG_IGNORE_WEAK_SIGNATURE
#define SECURITY_FLAG_IGNORE_WEAK_SIGNATURE     0x00010000
#endif
#ifndef SECURITY_FLAG_STRENGTH_WEAK
#define SECURITY_FLAG_STRENGTH_WEAK             0x10000000
#endif
#ifndef SECURITY_FLAG_STRENGTH_STRONG
#define SECURITY_FLAG_STRENGTH_STRONG           0x20000000
#endif
#ifndef SECURITY_FLAG_STRENGTH_MEDIUM
#define SECURITY_FLAG_STRENGTH_MEDIUM           0x40000000
#endif
#ifndef SECURITY_FLAG_IGNORE_ALL_CERT_ERRORS
#define SECURITY_FLAG_IGNORE_ALL_CERT_ERRORS   (SECURITY_FLAG_IGNORE_UNKNOWN_CA | \
                                                SECURITY_FLAG_IGNORE_CERT_DATE_INVALID | \
                                                SECURITY_FLAG_IGNORE_CERT_CN_INVALID | \
                                                SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE)
#endif

/* ------------------------------------------------------------------------ */
/* Status callback                                                          */
/* ------------------------------------------------------------------------ */

typedef void (CALLBACK *WINHTTP_STATUS_CALLBACK)(HINTERNET hInternet, DWORD_PTR dwContext,
                                                 DWORD dwInternetStatus, LPVOID lpvStatusInformation,
                                                 DWORD dwStatusInformationLength);
typedef WINHTTP_STATUS_CALLBACK *LPWINHTTP_STATUS_CALLBACK;

/* What WinHttpSetStatusCallback returns when it fails */
#define WINHTTP_INVALID_STATUS_CALLBACK ((WINHTTP_STATUS_CALLBACK)(-1L))

/* dwInternetStatus values */
#define WINHTTP_CALLBACK_STATUS_RESOLVING_NAME          0x00000001
#define WINHTTP_CALLBACK_STATUS_NAME_RESOLVED           0x00000002
#define WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER    0x00000004
#define WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER     0x00000008
#define WINHTTP_CALLBACK_STATUS_SENDING_REQUEST         0x00000010
#define WINHTTP_CALLBACK_STATUS_REQUEST_SENT            0x00000020
#define WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE      0x00000040
#define WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED       0x00000080
#define WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION      0x00000100
#define WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED       0x00000200
#define WINHTTP_CALLBACK_STATUS_HANDLE_CREATED          0x00000400
#define WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING          0x00000800
#define WINHTTP_CALLBACK_STATUS_DETECTING_PROXY         0x00001000
#define WINHTTP_CALLBACK_STATUS_REDIRECT                0x00004000
#define WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE   0x00008000
#define WINHTTP_CALLBACK_STATUS_SECURE_FAILURE          0x00010000
#define WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE       0x00020000
#define WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE          0x00040000
#define WINHTTP_CALLBACK_STATUS_READ_COMPLETE           0x00080000
#define WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE          0x00100000
#define WINHTTP_CALLBACK_STATUS_REQUEST_ERROR           0x00200000
#define WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE    0x00400000
#define WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE 0x01000000
#define WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE          0x02000000
#define WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE       0x04000000
#define WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE 0x08000000
#define WINHTTP_CALLBACK_STATUS_SETTINGS_WRITE_COMPLETE 0x10000000
#define WINHTTP_CALLBACK_STATUS_SETTINGS_READ_COMPLETE  0x20000000

/* dwNotificationFlags of WinHttpSetStatusCallback */
#define WINHTTP_CALLBACK_FLAG_RESOLVE_NAME      (WINHTTP_CALLBACK_STATUS_RESOLVING_NAME | \
                                                 WINHTTP_CALLBACK_STATUS_NAME_RESOLVED)
#define WINHTTP_CALLBACK_FLAG_CONNECT_TO_SERVER (WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER | \
                                                 WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER)
#define WINHTTP_CALLBACK_FLAG_SEND_REQUEST      (WINHTTP_CALLBACK_STATUS_SENDING_REQUEST | \
                                                 WINHTTP_CALLBACK_STATUS_REQUEST_SENT)
#define WINHTTP_CALLBACK_FLAG_RECEIVE_RESPONSE  (WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE | \
                                                 WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED)
#define WINHTTP_CALLBACK_FLAG_CLOSE_CONNECTION  (WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION | \
                                                 WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED)
#define WINHTTP_CALLBACK_FLAG_HANDLES           (WINHTTP_CALLBACK_STATUS_HANDLE_CREATED | \
                                                 WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING)
#define WINHTTP_CALLBACK_FLAG_DETECTING_PROXY           WINHTTP_CALLBACK_STATUS_DETECTING_PROXY
#define WINHTTP_CALLBACK_FLAG_REDIRECT                  WINHTTP_CALLBACK_STATUS_REDIRECT
#define WINHTTP_CALLBACK_FLAG_INTERMEDIATE_RESPONSE     WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE
#define WINHTTP_CALLBACK_FLAG_SECURE_FAILURE            WINHTTP_CALLBACK_STATUS_SECURE_FAILURE
#define WINHTTP_CALLBACK_FLAG_SENDREQUEST_COMPLETE      WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE
#define WINHTTP_CALLBACK_FLAG_HEADERS_AVAILABLE         WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE
#define WINHTTP_CALLBACK_FLAG_DATA_AVAILABLE            WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE
#define WINHTTP_CALLBACK_FLAG_READ_COMPLETE             WINHTTP_CALLBACK_STATUS_READ_COMPLETE
#define WINHTTP_CALLBACK_FLAG_WRITE_COMPLETE            WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE
#define WINHTTP_CALLBACK_FLAG_REQUEST_ERROR             WINHTTP_CALLBACK_STATUS_REQUEST_ERROR
#define WINHTTP_CALLBACK_FLAG_GETPROXYFORURL_COMPLETE   WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE
#define WINHTTP_CALLBACK_FLAG_GETPROXYSETTINGS_COMPLETE WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE
#define WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS   (WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE | \
                                                 WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE | \
                                                 WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE | \
                                                 WINHTTP_CALLBACK_STATUS_READ_COMPLETE | \
                                                 WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE | \
                                                 WINHTTP_CALLBACK_STATUS_REQUEST_ERROR | \
                                                 WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE)
#define WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS 0xFFFFFFFF

/* Details of WINHTTP_CALLBACK_STATUS_SECURE_FAILURE (a DWORD of bits) */
#define WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED        0x00000001
#define WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT           0x00000002
#define WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED           0x00000004
#define WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA             0x00000008
#define WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID        0x00000010
#define WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID      0x00000020
#define WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE       0x00000040
#define WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR 0x80000000

/* WINHTTP_ASYNC_RESULT.dwResult of WINHTTP_CALLBACK_STATUS_REQUEST_ERROR */
#define API_RECEIVE_RESPONSE            1
#define API_QUERY_DATA_AVAILABLE        2
#define API_READ_DATA                   3
#define API_WRITE_DATA                  4
#define API_SEND_REQUEST                5
#define API_GET_PROXY_FOR_URL           6
#define API_GET_PROXY_SETTINGS          7

/* Status information of WINHTTP_CALLBACK_STATUS_REQUEST_ERROR */
typedef struct _WINHTTP_ASYNC_RESULT
{
    DWORD_PTR dwResult;     /* API_* of the call that failed */
    DWORD     dwError;      /* its error code */
} WINHTTP_ASYNC_RESULT, *LPWINHTTP_ASYNC_RESULT;

/* ------------------------------------------------------------------------ */
/* Proxy configuration and automatic proxy discovery                        */
/* ------------------------------------------------------------------------ */

/* WINHTTP_AUTOPROXY_OPTIONS.dwFlags */
#define WINHTTP_AUTOPROXY_AUTO_DETECT           0x00000001
#define WINHTTP_AUTOPROXY_CONFIG_URL            0x00000002
#define WINHTTP_AUTOPROXY_HOST_KEEPCASE         0x00000004
#define WINHTTP_AUTOPROXY_HOST_LOWERCASE        0x00000008
#define WINHTTP_AUTOPROXY_ALLOW_AUTOCONFIG      0x00000100
#define WINHTTP_AUTOPROXY_ALLOW_STATIC          0x00000200
#define WINHTTP_AUTOPROXY_ALLOW_CM              0x00000400
#define WINHTTP_AUTOPROXY_USE_INTERFACE_CONFIG  0x00000800
#define WINHTTP_AUTOPROXY_RUN_INPROCESS         0x00010000
#define WINHTTP_AUTOPROXY_RUN_OUTPROCESS_ONLY   0x00020000
#define WINHTTP_AUTOPROXY_NO_DIRECTACCESS       0x00040000
#define WINHTTP_AUTOPROXY_NO_CACHE_CLIENT       0x00080000
#define WINHTTP_AUTOPROXY_NO_CACHE_SVC          0x00100000
#define WINHTTP_AUTOPROXY_SORT_RESULTS          0x00400000

/* WINHTTP_AUTOPROXY_OPTIONS.dwAutoDetectFlags, WinHttpDetectAutoProxyConfigUrl */
#define WINHTTP_AUTO_DETECT_TYPE_DHCP           0x00000001
#define WINHTTP_AUTO_DETECT_TYPE_DNS_A          0x00000002

/* WinHttpResetAutoProxy dwFlags */
#define WINHTTP_RESET_STATE                     0x00000001
#define WINHTTP_RESET_SWPAD_CURRENT_NETWORK     0x00000002
#define WINHTTP_RESET_SWPAD_ALL                 0x00000004
#define WINHTTP_RESET_SCRIPT_CACHE              0x00000008
#define WINHTTP_RESET_ALL                       0x0000FFFF
#define WINHTTP_RESET_NOTIFY_NETWORK_CHANGED    0x00010000
#define WINHTTP_RESET_OUT_OF_PROC               0x00020000
#define WINHTTP_RESET_DISCARD_RESOLVERS         0x00040000

/* WINHTTP_PROXY_SETTINGS.dwFlags, WINHTTP_PROXY_SETTINGS_EX.ullFlags */
#define WINHTTP_PROXY_TYPE_DIRECT               0x00000001
#define WINHTTP_PROXY_TYPE_PROXY                0x00000002
#define WINHTTP_PROXY_TYPE_AUTO_PROXY_URL       0x00000004
#define WINHTTP_PROXY_TYPE_AUTO_DETECT          0x00000008

/* WinHttpRegisterProxyChangeNotification ullFlags */
#define WINHTTP_PROXY_NOTIFY_CHANGE             0x00000001

/* Size of WINHTTP_PROXY_NETWORKING_KEY.pbBuffer */
#define NETWORKING_KEY_BUFSIZE                  128

/* Proxy data of a session or request (WINHTTP_OPTION_PROXY and others) */
typedef struct _WINHTTP_PROXY_INFO
{
    DWORD  dwAccessType;    /* WINHTTP_ACCESS_TYPE_* */
    LPWSTR lpszProxy;
    LPWSTR lpszProxyBypass;
} WINHTTP_PROXY_INFO, *LPWINHTTP_PROXY_INFO;

typedef WINHTTP_PROXY_INFO WINHTTP_PROXY_INFOW;
typedef LPWINHTTP_PROXY_INFO LPWINHTTP_PROXY_INFOW;

/* Input of WinHttpGetProxyForUrl(Ex) */
typedef struct _WINHTTP_AUTOPROXY_OPTIONS
{
    DWORD   dwFlags;
    DWORD   dwAutoDetectFlags;
    LPCWSTR lpszAutoConfigUrl;
    LPVOID  lpvReserved;
    DWORD   dwReserved;
    BOOL    fAutoLogonIfChallenged;
} WINHTTP_AUTOPROXY_OPTIONS;

/* Internet Explorer proxy settings of the current user */
typedef struct _WINHTTP_CURRENT_USER_IE_PROXY_CONFIG
{
    BOOL   fAutoDetect;
    LPWSTR lpszAutoConfigUrl;
    LPWSTR lpszProxy;
    LPWSTR lpszProxyBypass;
} WINHTTP_CURRENT_USER_IE_PROXY_CONFIG;

/* One proxy (or "go direct") of a proxy resolver result */
typedef struct _WINHTTP_PROXY_RESULT_ENTRY
{
    BOOL            fProxy;
    BOOL            fBypass;
    INTERNET_SCHEME ProxyScheme;
    PWSTR           pwszProxy;
    INTERNET_PORT   ProxyPort;
} WINHTTP_PROXY_RESULT_ENTRY;

/* Output of WinHttpGetProxyResult */
typedef struct _WINHTTP_PROXY_RESULT
{
    DWORD                       cEntries;
    WINHTTP_PROXY_RESULT_ENTRY *pEntries;
} WINHTTP_PROXY_RESULT;

/* Output of WinHttpGetProxyResultEx */
typedef struct _WINHTTP_PROXY_RESULT_EX
{
    DWORD                       cEntries;
    WINHTTP_PROXY_RESULT_ENTRY *pEntries;
    HANDLE                      hProxyDetectionHandle;
    DWORD                       dwProxyInterfaceAffinity;
} WINHTTP_PROXY_RESULT_EX;

/* Opaque key identifying a network in WINHTTP_PROXY_SETTINGS */
typedef struct _WinHttpProxyNetworkKey
{
    BYTE pbBuffer[NETWORKING_KEY_BUFSIZE];
} WINHTTP_PROXY_NETWORKING_KEY, *PWINHTTP_PROXY_NETWORKING_KEY;

/* Stored proxy settings (WinHttpReadProxySettings / WinHttpWriteProxySettings) */
typedef struct _WINHTTP_PROXY_SETTINGS
{
    DWORD                          dwStructSize;
    DWORD                          dwFlags;                 /* WINHTTP_PROXY_TYPE_* */
    DWORD                          dwCurrentSettingsVersion;
    PWSTR                          pwszConnectionName;
    PWSTR                          pwszProxy;
    PWSTR                          pwszProxyBypass;
    PWSTR                          pwszAutoconfigUrl;
    PWSTR                          pwszAutoconfigSecondaryUrl;
    DWORD                          dwAutoDiscoveryFlags;
    PWSTR                          pwszLastKnownGoodAutoConfigUrl;
    DWORD                          dwAutoconfigReloadDelayMins;
    FILETIME                       ftLastKnownDetectTime;
    DWORD                          dwDetectedInterfaceIpCount;
    PDWORD                         pdwDetectedInterfaceIp;
    DWORD                          cNetworkKeys;
    PWINHTTP_PROXY_NETWORKING_KEY  pNetworkKeys;
} WINHTTP_PROXY_SETTINGS, *PWINHTTP_PROXY_SETTINGS;

/* Which settings WinHttpGetProxySettingsEx retrieves */
typedef enum _WINHTTP_PROXY_SETTINGS_TYPE
{
    WinHttpProxySettingsTypeUnknown = 0,
    WinHttpProxySettingsTypeWsl     = 1,
    WinHttpProxySettingsTypeWsa     = 2,
    WinHttpProxySettingsTypeXBox    = 3
} WINHTTP_PROXY_SETTINGS_TYPE, *PWINHTTP_PROXY_SETTINGS_TYPE;

/* Optional input of WinHttpGetProxySettingsEx */
typedef struct _WINHTTP_PROXY_SETTINGS_PARAM
{
    ULONGLONG ullFlags;
    PCWSTR    pcwszConnectionName;
    PCWSTR    pcwszProbeHost;
} WINHTTP_PROXY_SETTINGS_PARAM, *PWINHTTP_PROXY_SETTINGS_PARAM;

/* Output of WinHttpGetProxySettingsResultEx */
typedef struct _WINHTTP_PROXY_SETTINGS_EX
{
    ULONGLONG ullGenerationId;
    ULONGLONG ullFlags;                 /* WINHTTP_PROXY_TYPE_* */
    PCWSTR    pcwszAutoconfigUrl;
    PCWSTR    pcwszProxy;
    PCWSTR    pcwszSecureProxy;
    DWORD     cProxyBypasses;
    PCWSTR   *rgpcwszProxyBypasses;
    DWORD     dwInterfaceIndex;
    PCWSTR    pcwszConnectionName;
} WINHTTP_PROXY_SETTINGS_EX, *PWINHTTP_PROXY_SETTINGS_EX;

/* Proxy change notifications */
typedef PVOID WINHTTP_PROXY_CHANGE_REGISTRATION_HANDLE;
/* Project extension (not a Microsoft name): same handle, older spelling. */
typedef WINHTTP_PROXY_CHANGE_REGISTRATION_HANDLE WINHTTP_PROXY_CHANGE_NOTIFICATION_HANDLE;

typedef void (CALLBACK *WINHTTP_PROXY_CHANGE_CALLBACK)(ULONGLONG ullFlags, PVOID pvContext);

/* ------------------------------------------------------------------------ */
/* Other structures used with options                                       */
/* ------------------------------------------------------------------------ */

/* WINHTTP_OPTION_HTTP_VERSION */
#ifndef _WININET_
typedef struct _HTTP_VERSION_INFO
{
    DWORD dwMajorVersion;
    DWORD dwMinorVersion;
} HTTP_VERSION_INFO, *LPHTTP_VERSION_INFO;
#endif

/* WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT */
typedef struct _WINHTTP_CERTIFICATE_INFO
{
    FILETIME ftExpiry;
    FILETIME ftStart;
    LPWSTR   lpszSubjectInfo;
    LPWSTR   lpszIssuerInfo;
    LPWSTR   lpszProtocolName;
    LPWSTR   lpszSignatureAlgName;
    LPWSTR   lpszEncryptionAlgName;
    DWORD    dwKeySize;
} WINHTTP_CERTIFICATE_INFO, *PWINHTTP_CERTIFICATE_INFO;

/* WINHTTP_OPTION_CONNECTION_INFO (needs <winsock2.h> first) */
#if defined(_WINSOCK2API_)
typedef struct _WINHTTP_CONNECTION_INFO
{
    DWORD            cbSize;
    SOCKADDR_STORAGE LocalAddress;
    SOCKADDR_STORAGE RemoteAddress;
} WINHTTP_CONNECTION_INFO, *PWINHTTP_CONNECTION_INFO;
#endif

/* WINHTTP_OPTION_SECURITY_INFO (needs <schannel.h> first) */
#if defined(SECPKGCONTEXT_CIPHERINFO_V1)
typedef struct _WINHTTP_SECURITY_INFO
{
    SecPkgContext_ConnectionInfo ConnectionInfo;
    SecPkgContext_CipherInfo     CipherInfo;
} WINHTTP_SECURITY_INFO, *PWINHTTP_SECURITY_INFO;
#endif

/* WINHTTP_OPTION_GLOBAL_PROXY_CREDS / _GLOBAL_SERVER_CREDS (narrow strings) */
typedef struct _WINHTTP_CREDS
{
    LPSTR lpszUserName;
    LPSTR lpszPassword;
    LPSTR lpszRealm;
    DWORD dwAuthScheme;     /* WINHTTP_AUTH_SCHEME_* */
    LPSTR lpszHostName;
    DWORD dwPort;
} WINHTTP_CREDS, *PWINHTTP_CREDS;

typedef struct _WINHTTP_CREDS_EX
{
    LPSTR lpszUserName;
    LPSTR lpszPassword;
    LPSTR lpszRealm;
    DWORD dwAuthScheme;
    LPSTR lpszHostName;
    DWORD dwPort;
    LPSTR lpszUrl;
} WINHTTP_CREDS_EX, *PWINHTTP_CREDS_EX;

/* WINHTTP_OPTION_REQUEST_TIMES: indexes into rgullTimes */
typedef enum _WINHTTP_REQUEST_TIME_ENTRY
{
    WinHttpProxyDetectionStart = 0,
    WinHttpProxyDetectionEnd,
    WinHttpConnectionAcquireStart,
    WinHttpConnectionAcquireWaitEnd,
    WinHttpConnectionAcquireEnd,
    WinHttpNameResolutionStart,
    WinHttpNameResolutionEnd,
    WinHttpConnectionEstablishmentStart,
    WinHttpConnectionEstablishmentEnd,
    WinHttpTlsHandshakeClientLeg1Start,
    WinHttpTlsHandshakeClientLeg1End,
    WinHttpTlsHandshakeClientLeg2Start,
    WinHttpTlsHandshakeClientLeg2End,
    WinHttpTlsHandshakeClientLeg3Start,
    WinHttpTlsHandshakeClientLeg3End,
    WinHttpStreamWaitStart,
    WinHttpStreamWaitEnd,
    WinHttpSendRequestStart,
    WinHttpSendRequestHeadersCompressionStart,
    WinHttpSendRequestHeadersCompressionEnd,
    WinHttpSendRequestHeadersEnd,
    WinHttpSendRequestEnd,
    WinHttpReceiveResponseStart,
    WinHttpReceiveResponseHeadersDecompressionStart,
    WinHttpReceiveResponseHeadersDecompressionEnd,
    WinHttpReceiveResponseHeadersEnd,
    WinHttpReceiveResponseBodyDecompressionDelta,
    WinHttpReceiveResponseEnd,
    WinHttpProxyTunnelStart,
    WinHttpProxyTunnelEnd,
    WinHttpProxyTlsHandshakeClientLeg1Start,
    WinHttpProxyTlsHandshakeClientLeg1End,
    WinHttpProxyTlsHandshakeClientLeg2Start,
    WinHttpProxyTlsHandshakeClientLeg2End,
    WinHttpProxyTlsHandshakeClientLeg3Start,
    WinHttpProxyTlsHandshakeClientLeg3End,
    WinHttpRequestTimeLast,                 /* 36: number of entries in use */
    WinHttpRequestTimeMax = 64              /* size of the array */
} WINHTTP_REQUEST_TIME_ENTRY;

typedef struct _WINHTTP_REQUEST_TIMES
{
    ULONG     cTimes;
    ULONGLONG rgullTimes[WinHttpRequestTimeMax];
} WINHTTP_REQUEST_TIMES, *PWINHTTP_REQUEST_TIMES;

/* WINHTTP_OPTION_REQUEST_STATS: indexes into rgullStats */
typedef enum _WINHTTP_REQUEST_STAT_ENTRY
{
    WinHttpConnectFailureCount = 0,
    WinHttpProxyFailureCount,
    WinHttpTlsHandshakeClientLeg1Size,
    WinHttpTlsHandshakeServerLeg1Size,
    WinHttpTlsHandshakeClientLeg2Size,
    WinHttpTlsHandshakeServerLeg2Size,
    WinHttpRequestHeadersSize,
    WinHttpRequestHeadersCompressedSize,
    WinHttpResponseHeadersSize,
    WinHttpResponseHeadersCompressedSize,
    WinHttpResponseBodySize,
    WinHttpResponseBodyCompressedSize,
    WinHttpProxyTlsHandshakeClientLeg1Size,
    WinHttpProxyTlsHandshakeServerLeg1Size,
    WinHttpProxyTlsHandshakeClientLeg2Size,
    WinHttpProxyTlsHandshakeServerLeg2Size,
    WinHttpRequestStatLast,                 /* 16: number of entries in use */
    WinHttpRequestStatMax = 32              /* size of the array */
} WINHTTP_REQUEST_STAT_ENTRY;

typedef struct _WINHTTP_REQUEST_STATS
{
    ULONGLONG ullFlags;                     /* WINHTTP_REQUEST_STAT_FLAG_* */
    ULONG     ulIndex;
    ULONG     cStats;
    ULONGLONG rgullStats[WinHttpRequestStatMax];
} WINHTTP_REQUEST_STATS, *PWINHTTP_REQUEST_STATS;

/* WINHTTP_OPTION_MATCH_CONNECTION_GUID */
typedef struct _WINHTTP_MATCH_CONNECTION_GUID
{
    GUID      ConnectionGuid;
    ULONGLONG ullFlags;                     /* WINHTTP_MATCH_CONNECTION_GUID_FLAG_* */
} WINHTTP_MATCH_CONNECTION_GUID, *PWINHTTP_MATCH_CONNECTION_GUID;

/* WINHTTP_OPTION_RESOLVER_CACHE_CONFIG */
typedef enum _WINHTTP_SECURE_DNS_SETTING
{
    WinHttpSecureDnsSettingDefault = 0,
    WinHttpSecureDnsSettingForcePlaintext = 1,
    WinHttpSecureDnsSettingRequireEncryption = 2,
    WinHttpSecureDnsSettingTryEncryptionWithFallback = 3,
    WinHttpSecureDnsSettingMax = 4
} WINHTTP_SECURE_DNS_SETTING;

typedef struct _WINHTTP_RESOLVER_CACHE_CONFIG
{
    ULONG                      ulMaxResolverCacheEntries;
    ULONG                      ulMaxCacheEntryAge;
    ULONG                      ulMinCacheEntryTtl;
    WINHTTP_SECURE_DNS_SETTING SecureDnsSetting;
    ULONGLONG                  ullConnResolutionWaitTime;
    ULONGLONG                  ullFlags;    /* WINHTTP_RESOLVER_CACHE_CONFIG_FLAG_* */
} WINHTTP_RESOLVER_CACHE_CONFIG, *PWINHTTP_RESOLVER_CACHE_CONFIG;

/* WINHTTP_OPTION_FAILED_CONNECTION_RETRIES */
typedef struct _WINHTTP_FAILED_CONNECTION_RETRIES
{
    DWORD dwMaxRetries;
    DWORD dwAllowedRetryConditions;         /* WINHTTP_CONNECTION_RETRY_CONDITION_* */
} WINHTTP_FAILED_CONNECTION_RETRIES, *PWINHTTP_FAILED_CONNECTION_RETRIES;

/* WINHTTP_OPTION_HTTP2_RECEIVE_WINDOW */
typedef struct _WINHTTP_HTTP2_RECEIVE_WINDOW
{
    ULONG ulStreamWindow;
    ULONG ulStreamWindowUpdateDelta;
} WINHTTP_HTTP2_RECEIVE_WINDOW, *PWINHTTP_HTTP2_RECEIVE_WINDOW;

/* ------------------------------------------------------------------------ */
/* WinHttpQueryConnectionGroup results                                      */
/* ------------------------------------------------------------------------ */

typedef struct _WINHTTP_CONNECTION_GROUP
{
    ULONG cConnections;
    GUID  guidGroup;
} WINHTTP_CONNECTION_GROUP, *PWINHTTP_CONNECTION_GROUP;

typedef struct _WINHTTP_HOST_CONNECTION_GROUP
{
    PCWSTR                    pwszHost;
    ULONG                     cConnectionGroups;
    PWINHTTP_CONNECTION_GROUP pConnectionGroups;
} WINHTTP_HOST_CONNECTION_GROUP, *PWINHTTP_HOST_CONNECTION_GROUP;

typedef struct _WINHTTP_QUERY_CONNECTION_GROUP_RESULT
{
    ULONG                          cHosts;
    PWINHTTP_HOST_CONNECTION_GROUP pHostConnectionGroups;
} WINHTTP_QUERY_CONNECTION_GROUP_RESULT, *PWINHTTP_QUERY_CONNECTION_GROUP_RESULT;

/* ------------------------------------------------------------------------ */
/* WebSocket                                                                */
/* ------------------------------------------------------------------------ */

/* Longest close reason, in bytes */
#define WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH  123
/* Smallest WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, in milliseconds */
#define WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE      15000

typedef enum _WINHTTP_WEB_SOCKET_OPERATION
{
    WINHTTP_WEB_SOCKET_SEND_OPERATION     = 0,
    WINHTTP_WEB_SOCKET_RECEIVE_OPERATION  = 1,
    WINHTTP_WEB_SOCKET_CLOSE_OPERATION    = 2,
    WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION = 3
} WINHTTP_WEB_SOCKET_OPERATION;

typedef enum _WINHTTP_WEB_SOCKET_BUFFER_TYPE
{
    WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE   = 0,
    WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE  = 1,
    WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE     = 2,
    WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE    = 3,
    WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE            = 4
} WINHTTP_WEB_SOCKET_BUFFER_TYPE;

/* Close codes of RFC 6455 */
typedef enum _WINHTTP_WEB_SOCKET_CLOSE_STATUS
{
    WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS                 = 1000,
    WINHTTP_WEB_SOCKET_ENDPOINT_TERMINATED_CLOSE_STATUS     = 1001,
    WINHTTP_WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS          = 1002,
    WINHTTP_WEB_SOCKET_INVALID_DATA_TYPE_CLOSE_STATUS       = 1003,
    WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS                   = 1005,
    WINHTTP_WEB_SOCKET_ABORTED_CLOSE_STATUS                 = 1006,
    WINHTTP_WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS         = 1007,
    WINHTTP_WEB_SOCKET_POLICY_VIOLATION_CLOSE_STATUS        = 1008,
    WINHTTP_WEB_SOCKET_MESSAGE_TOO_BIG_CLOSE_STATUS         = 1009,
    WINHTTP_WEB_SOCKET_UNSUPPORTED_EXTENSIONS_CLOSE_STATUS  = 1010,
    WINHTTP_WEB_SOCKET_SERVER_ERROR_CLOSE_STATUS            = 1011,
    WINHTTP_WEB_SOCKET_SECURE_HANDSHAKE_ERROR_CLOSE_STATUS  = 1015
} WINHTTP_WEB_SOCKET_CLOSE_STATUS;

/* Status information of WebSocket completions */
typedef struct _WINHTTP_WEB_SOCKET_STATUS
{
    DWORD                          dwBytesTransferred;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE eBufferType;
} WINHTTP_WEB_SOCKET_STATUS;

/* Status information of a failed WebSocket operation */
typedef struct _WINHTTP_WEB_SOCKET_ASYNC_RESULT
{
    WINHTTP_ASYNC_RESULT         AsyncResult;
    WINHTTP_WEB_SOCKET_OPERATION Operation;
} WINHTTP_WEB_SOCKET_ASYNC_RESULT;

/* ------------------------------------------------------------------------ */
/* HTTP status codes                                                        */
/* ------------------------------------------------------------------------ */

#ifndef HTTP_STATUS_FIRST
#define HTTP_STATUS_CONTINUE            100
#define HTTP_STATUS_SWITCH_PROTOCOLS    101
#define HTTP_STATUS_OK                  200
#define HTTP_STATUS_CREATED             201
#define HTTP_STATUS_ACCEPTED            202
#define HTTP_STATUS_PARTIAL             203
#define HTTP_STATUS_NO_CONTENT          204
#define HTTP_STATUS_RESET_CONTENT       205
#define HTTP_STATUS_PARTIAL_CONTENT     206
#define HTTP_STATUS_WEBDAV_MULTI_STATUS 207
#define HTTP_STATUS_AMBIGUOUS           300
#define HTTP_STATUS_MOVED               301
#define HTTP_STATUS_REDIRECT            302
#define HTTP_STATUS_REDIRECT_METHOD     303
#define HTTP_STATUS_NOT_MODIFIED        304
#define HTTP_STATUS_USE_PROXY           305
#define HTTP_STATUS_REDIRECT_KEEP_VERB  307
#define HTTP_STATUS_PERMANENT_REDIRECT  308
#define HTTP_STATUS_BAD_REQUEST         400
#define HTTP_STATUS_DENIED              401
#define HTTP_STATUS_PAYMENT_REQ         402
#define HTTP_STATUS_FORBIDDEN           403
#define HTTP_STATUS_NOT_FOUND           404
#define HTTP_STATUS_BAD_METHOD          405
#define HTTP_STATUS_NONE_ACCEPTABLE     406
#define HTTP_STATUS_PROXY_AUTH_REQ      407
#define HTTP_STATUS_REQUEST_TIMEOUT     408
#define HTTP_STATUS_CONFLICT            409
#define HTTP_STATUS_GONE                410
#define HTTP_STATUS_LENGTH_REQUIRED     411
#define HTTP_STATUS_PRECOND_FAILED      412
#define HTTP_STATUS_REQUEST_TOO_LARGE   413
#define HTTP_STATUS_URI_TOO_LONG        414
#define HTTP_STATUS_UNSUPPORTED_MEDIA   415
#define HTTP_STATUS_RETRY_WITH          449
#define HTTP_STATUS_SERVER_ERROR        500
#define HTTP_STATUS_NOT_SUPPORTED       501
#define HTTP_STATUS_BAD_GATEWAY         502
#define HTTP_STATUS_SERVICE_UNAVAIL     503
#define HTTP_STATUS_GATEWAY_TIMEOUT     504
#define HTTP_STATUS_VERSION_NOT_SUP     505
#define HTTP_STATUS_FIRST               HTTP_STATUS_CONTINUE
#define HTTP_STATUS_LAST                HTTP_STATUS_VERSION_NOT_SUP
#endif

/* ------------------------------------------------------------------------ */
/* Error codes (GetLastError, or the DWORD result of the newer functions)   */
/* ------------------------------------------------------------------------ */

#define WINHTTP_ERROR_BASE                                  12000

#define ERROR_WINHTTP_OUT_OF_HANDLES                        12001
#define ERROR_WINHTTP_TIMEOUT                               12002
#define ERROR_WINHTTP_INTERNAL_ERROR                        12004
#define ERROR_WINHTTP_INVALID_URL                           12005
#define ERROR_WINHTTP_UNRECOGNIZED_SCHEME                   12006
#define ERROR_WINHTTP_NAME_NOT_RESOLVED                     12007
#define ERROR_WINHTTP_INVALID_OPTION                        12009
#define ERROR_WINHTTP_OPTION_NOT_SETTABLE                   12011
#define ERROR_WINHTTP_SHUTDOWN                              12012
#define ERROR_WINHTTP_LOGIN_FAILURE                         12015
#define ERROR_WINHTTP_OPERATION_CANCELLED                   12017
#define ERROR_WINHTTP_INCORRECT_HANDLE_TYPE                 12018
#define ERROR_WINHTTP_INCORRECT_HANDLE_STATE                12019
#define ERROR_WINHTTP_CANNOT_CONNECT                        12029
#define ERROR_WINHTTP_CONNECTION_ERROR                      12030
#define ERROR_WINHTTP_RESEND_REQUEST                        12032
#define ERROR_WINHTTP_SECURE_CERT_DATE_INVALID              12037
#define ERROR_WINHTTP_SECURE_CERT_CN_INVALID                12038
#define ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED               12044
#define ERROR_WINHTTP_SECURE_INVALID_CA                     12045
#define ERROR_WINHTTP_SECURE_CERT_REV_FAILED                12057

/* Reported by the WinHttpRequest COM object */
#define ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN               12100
#define ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND               12101
#define ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND                12102
#define ERROR_WINHTTP_CANNOT_CALL_AFTER_OPEN                12103

#define ERROR_WINHTTP_HEADER_NOT_FOUND                      12150
#define ERROR_WINHTTP_INVALID_SERVER_RESPONSE               12152
#define ERROR_WINHTTP_INVALID_HEADER                        12153
#define ERROR_WINHTTP_INVALID_QUERY_REQUEST                 12154
#define ERROR_WINHTTP_HEADER_ALREADY_EXISTS                 12155
#define ERROR_WINHTTP_REDIRECT_FAILED                       12156
#define ERROR_WINHTTP_SECURE_CHANNEL_ERROR                  12157
#define ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT                 12166
#define ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT             12167
#define ERROR_WINHTTP_SECURE_INVALID_CERT                   12169
#define ERROR_WINHTTP_SECURE_CERT_REVOKED                   12170
#define ERROR_WINHTTP_NOT_INITIALIZED                       12172
#define ERROR_WINHTTP_SECURE_FAILURE                        12175
#define ERROR_WINHTTP_UNHANDLED_SCRIPT_TYPE                 12176
#define ERROR_WINHTTP_SCRIPT_EXECUTION_ERROR                12177
#define ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR              12178
#define ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE               12179
#define ERROR_WINHTTP_AUTODETECTION_FAILED                  12180
#define ERROR_WINHTTP_HEADER_COUNT_EXCEEDED                 12181
#define ERROR_WINHTTP_HEADER_SIZE_OVERFLOW                  12182
#define ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW 12183
#define ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW               12184
#define ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY            12185
#define ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY     12186
#define ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED_PROXY         12187
#define ERROR_WINHTTP_SECURE_FAILURE_PROXY                  12188
#define ERROR_WINHTTP_RESERVED_189                          12189
#define ERROR_WINHTTP_HTTP_PROTOCOL_MISMATCH                12190
#define ERROR_WINHTTP_GLOBAL_CALLBACK_FAILED                12191
#define ERROR_WINHTTP_FEATURE_DISABLED                      12192
#define ERROR_WINHTTP_FAST_FORWARDING_NOT_SUPPORTED         12193

#define WINHTTP_ERROR_LAST                                  ERROR_WINHTTP_FAST_FORWARDING_NOT_SUPPORTED

/* ------------------------------------------------------------------------ */
/* Functions: sessions, connections, handles                                */
/* ------------------------------------------------------------------------ */

WINHTTPAPI BOOL WINAPI WinHttpCheckPlatform(void);

WINHTTPAPI HINTERNET WINAPI WinHttpOpen(LPCWSTR pszAgentW, DWORD dwAccessType, LPCWSTR pszProxyW,
                                        LPCWSTR pszProxyBypassW, DWORD dwFlags);

WINHTTPAPI HINTERNET WINAPI WinHttpConnect(HINTERNET hSession, LPCWSTR pswzServerName,
                                           INTERNET_PORT nServerPort, DWORD dwReserved);

WINHTTPAPI BOOL WINAPI WinHttpCloseHandle(HINTERNET hInternet);

WINHTTPAPI WINHTTP_STATUS_CALLBACK WINAPI WinHttpSetStatusCallback(HINTERNET hInternet,
                                                                  WINHTTP_STATUS_CALLBACK lpfnInternetCallback,
                                                                  DWORD dwNotificationFlags,
                                                                  DWORD_PTR dwReserved);

WINHTTPAPI BOOL WINAPI WinHttpSetTimeouts(HINTERNET hInternet, int nResolveTimeout, int nConnectTimeout,
                                          int nSendTimeout, int nReceiveTimeout);

WINHTTPAPI BOOL WINAPI WinHttpQueryOption(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
                                          LPDWORD lpdwBufferLength);

WINHTTPAPI BOOL WINAPI WinHttpSetOption(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
                                        DWORD dwBufferLength);

/* ------------------------------------------------------------------------ */
/* Functions: requests and responses                                        */
/* ------------------------------------------------------------------------ */

WINHTTPAPI HINTERNET WINAPI WinHttpOpenRequest(HINTERNET hConnect, LPCWSTR pwszVerb, LPCWSTR pwszObjectName,
                                               LPCWSTR pwszVersion, LPCWSTR pwszReferrer,
                                               LPCWSTR *ppwszAcceptTypes, DWORD dwFlags);

WINHTTPAPI BOOL WINAPI WinHttpAddRequestHeaders(HINTERNET hRequest, LPCWSTR lpszHeaders,
                                                DWORD dwHeadersLength, DWORD dwModifiers);

WINHTTPAPI DWORD WINAPI WinHttpAddRequestHeadersEx(HINTERNET hRequest, DWORD dwModifiers, ULONGLONG ullFlags,
                                                   ULONGLONG ullExtra, DWORD cHeaders,
                                                   WINHTTP_EXTENDED_HEADER *pHeaders);

WINHTTPAPI BOOL WINAPI WinHttpSendRequest(HINTERNET hRequest, LPCWSTR lpszHeaders, DWORD dwHeadersLength,
                                          LPVOID lpOptional, DWORD dwOptionalLength, DWORD dwTotalLength,
                                          DWORD_PTR dwContext);

WINHTTPAPI BOOL WINAPI WinHttpWriteData(HINTERNET hRequest, LPCVOID lpBuffer, DWORD dwNumberOfBytesToWrite,
                                        LPDWORD lpdwNumberOfBytesWritten);

WINHTTPAPI BOOL WINAPI WinHttpReceiveResponse(HINTERNET hRequest, LPVOID lpReserved);

WINHTTPAPI BOOL WINAPI WinHttpQueryHeaders(HINTERNET hRequest, DWORD dwInfoLevel, LPCWSTR pwszName,
                                           LPVOID lpBuffer, LPDWORD lpdwBufferLength, LPDWORD lpdwIndex);

WINHTTPAPI DWORD WINAPI WinHttpQueryHeadersEx(HINTERNET hRequest, DWORD dwInfoLevel, ULONGLONG ullFlags,
                                              UINT uiCodePage, PDWORD pdwIndex,
                                              PWINHTTP_HEADER_NAME pHeaderName, PVOID pBuffer,
                                              PDWORD pdwBufferLength, PWINHTTP_EXTENDED_HEADER *ppHeaders,
                                              PDWORD pdwHeadersCount);

WINHTTPAPI BOOL WINAPI WinHttpQueryDataAvailable(HINTERNET hRequest, LPDWORD lpdwNumberOfBytesAvailable);

WINHTTPAPI BOOL WINAPI WinHttpReadData(HINTERNET hRequest, LPVOID lpBuffer, DWORD dwNumberOfBytesToRead,
                                       LPDWORD lpdwNumberOfBytesRead);

WINHTTPAPI DWORD WINAPI WinHttpReadDataEx(HINTERNET hRequest, LPVOID lpBuffer, DWORD dwNumberOfBytesToRead,
                                          LPDWORD lpdwNumberOfBytesRead, ULONGLONG ullFlags,
                                          DWORD cbProperty, PVOID pvProperty);

WINHTTPAPI BOOL WINAPI WinHttpQueryAuthSchemes(HINTERNET hRequest, LPDWORD lpdwSupportedSchemes,
                                               LPDWORD lpdwFirstScheme, LPDWORD pdwAuthTarget);

WINHTTPAPI BOOL WINAPI WinHttpSetCredentials(HINTERNET hRequest, DWORD AuthTargets, DWORD AuthScheme,
                                             LPCWSTR pwszUserName, LPCWSTR pwszPassword, LPVOID pAuthParams);

WINHTTPAPI DWORD WINAPI WinHttpQueryConnectionGroup(HINTERNET hInternet, const GUID *pGuidConnection,
                                                    ULONGLONG ullFlags,
                                                    PWINHTTP_QUERY_CONNECTION_GROUP_RESULT *ppResult);

WINHTTPAPI VOID WINAPI WinHttpFreeQueryConnectionGroupResult(WINHTTP_QUERY_CONNECTION_GROUP_RESULT *pResult);

/* ------------------------------------------------------------------------ */
/* Functions: URLs and dates                                                */
/* ------------------------------------------------------------------------ */

/* LPWINHTTP_URL_COMPONENTS is the same type as LPURL_COMPONENTS. */
WINHTTPAPI BOOL WINAPI WinHttpCrackUrl(LPCWSTR pwszUrl, DWORD dwUrlLength, DWORD dwFlags,
                                       LPWINHTTP_URL_COMPONENTS lpUrlComponents);

WINHTTPAPI BOOL WINAPI WinHttpCreateUrl(LPWINHTTP_URL_COMPONENTS lpUrlComponents, DWORD dwFlags,
                                        LPWSTR pwszUrl, LPDWORD pdwUrlLength);

WINHTTPAPI BOOL WINAPI WinHttpTimeFromSystemTime(const SYSTEMTIME *pst, LPWSTR pwszTime);

WINHTTPAPI BOOL WINAPI WinHttpTimeToSystemTime(LPCWSTR pwszTime, SYSTEMTIME *pst);

/* ------------------------------------------------------------------------ */
/* Functions: proxies                                                       */
/* ------------------------------------------------------------------------ */

WINHTTPAPI BOOL WINAPI WinHttpGetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *pProxyInfo);

WINHTTPAPI BOOL WINAPI WinHttpSetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *pProxyInfo);

WINHTTPAPI BOOL WINAPI WinHttpGetIEProxyConfigForCurrentUser(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG *pProxyConfig);

WINHTTPAPI BOOL WINAPI WinHttpDetectAutoProxyConfigUrl(DWORD dwAutoDetectFlags, LPWSTR *ppwstrAutoConfigUrl);

WINHTTPAPI BOOL WINAPI WinHttpGetProxyForUrl(HINTERNET hSession, LPCWSTR lpcwszUrl,
                                             WINHTTP_AUTOPROXY_OPTIONS *pAutoProxyOptions,
                                             WINHTTP_PROXY_INFO *pProxyInfo);

WINHTTPAPI DWORD WINAPI WinHttpCreateProxyResolver(HINTERNET hSession, HINTERNET *phResolver);

WINHTTPAPI DWORD WINAPI WinHttpGetProxyForUrlEx(HINTERNET hResolver, PCWSTR pcwszUrl,
                                                WINHTTP_AUTOPROXY_OPTIONS *pAutoProxyOptions,
                                                DWORD_PTR pContext);

WINHTTPAPI DWORD WINAPI WinHttpGetProxyForUrlEx2(HINTERNET hResolver, PCWSTR pcwszUrl,
                                                 WINHTTP_AUTOPROXY_OPTIONS *pAutoProxyOptions,
                                                 DWORD cbInterfaceSelectionContext,
                                                 BYTE *pInterfaceSelectionContext, DWORD_PTR pContext);

WINHTTPAPI DWORD WINAPI WinHttpGetProxyResult(HINTERNET hResolver, WINHTTP_PROXY_RESULT *pProxyResult);

WINHTTPAPI DWORD WINAPI WinHttpGetProxyResultEx(HINTERNET hResolver, WINHTTP_PROXY_RESULT_EX *pProxyResultEx);

WINHTTPAPI VOID WINAPI WinHttpFreeProxyResult(WINHTTP_PROXY_RESULT *pProxyResult);

WINHTTPAPI VOID WINAPI WinHttpFreeProxyResultEx(WINHTTP_PROXY_RESULT_EX *pProxyResultEx);

WINHTTPAPI DWORD WINAPI WinHttpResetAutoProxy(HINTERNET hSession, DWORD dwFlags);

WINHTTPAPI DWORD WINAPI WinHttpReadProxySettings(HINTERNET hSession, PCWSTR pcwszConnectionName,
                                                 BOOL fFallBackToDefaultSettings,
                                                 BOOL fSetAutoDiscoverForDefaultSettings,
                                                 DWORD *pdwSettingsVersion,
                                                 BOOL *pfDefaultSettingsAreReturned,
                                                 WINHTTP_PROXY_SETTINGS *pWinHttpProxySettings);

WINHTTPAPI DWORD WINAPI WinHttpWriteProxySettings(HINTERNET hSession, BOOL fForceUpdate,
                                                  WINHTTP_PROXY_SETTINGS *pWinHttpProxySettings);

WINHTTPAPI VOID WINAPI WinHttpFreeProxySettings(WINHTTP_PROXY_SETTINGS *pWinHttpProxySettings);

WINHTTPAPI DWORD WINAPI WinHttpGetProxySettingsVersion(HINTERNET hSession, DWORD *pdwProxySettingsVersion);

WINHTTPAPI DWORD WINAPI WinHttpSetProxySettingsPerUser(BOOL fProxySettingsPerUser);

WINHTTPAPI DWORD WINAPI WinHttpGetProxySettingsEx(HINTERNET hResolver,
                                                  WINHTTP_PROXY_SETTINGS_TYPE ProxySettingsType,
                                                  PWINHTTP_PROXY_SETTINGS_PARAM pProxySettingsParam,
                                                  DWORD_PTR pContext);

WINHTTPAPI DWORD WINAPI WinHttpGetProxySettingsResultEx(HINTERNET hResolver, PVOID pProxySettingsEx);

WINHTTPAPI DWORD WINAPI WinHttpFreeProxySettingsEx(WINHTTP_PROXY_SETTINGS_TYPE ProxySettingsType,
                                                   PVOID pProxySettingsEx);

WINHTTPAPI DWORD WINAPI WinHttpRegisterProxyChangeNotification(ULONGLONG ullFlags,
                                                               WINHTTP_PROXY_CHANGE_CALLBACK pfnCallback,
                                                               PVOID pvContext,
                                                               WINHTTP_PROXY_CHANGE_REGISTRATION_HANDLE *hRegistration);

WINHTTPAPI DWORD WINAPI WinHttpUnregisterProxyChangeNotification(WINHTTP_PROXY_CHANGE_REGISTRATION_HANDLE hRegistration);

/* ------------------------------------------------------------------------ */
/* Functions: WebSocket                                                     */
/* ------------------------------------------------------------------------ */

WINHTTPAPI HINTERNET WINAPI WinHttpWebSocketCompleteUpgrade(HINTERNET hRequest, DWORD_PTR pContext);

WINHTTPAPI DWORD WINAPI WinHttpWebSocketSend(HINTERNET hWebSocket, WINHTTP_WEB_SOCKET_BUFFER_TYPE eBufferType,
                                             PVOID pvBuffer, DWORD dwBufferLength);

WINHTTPAPI DWORD WINAPI WinHttpWebSocketReceive(HINTERNET hWebSocket, PVOID pvBuffer, DWORD dwBufferLength,
                                                DWORD *pdwBytesRead,
                                                WINHTTP_WEB_SOCKET_BUFFER_TYPE *peBufferType);

WINHTTPAPI DWORD WINAPI WinHttpWebSocketShutdown(HINTERNET hWebSocket, USHORT usStatus, PVOID pvReason,
                                                 DWORD dwReasonLength);

WINHTTPAPI DWORD WINAPI WinHttpWebSocketClose(HINTERNET hWebSocket, USHORT usStatus, PVOID pvReason,
                                              DWORD dwReasonLength);

WINHTTPAPI DWORD WINAPI WinHttpWebSocketQueryCloseStatus(HINTERNET hWebSocket, USHORT *pusStatus,
                                                         PVOID pvReason, DWORD dwReasonLength,
                                                         DWORD *pdwReasonLengthConsumed);

#undef WINHTTP_EXTENSION_

#ifdef __cplusplus
}
#endif

#include <poppack.h>

#endif /* WINHTTP_PROJECT_WINHTTP_H */
