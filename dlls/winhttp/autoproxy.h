/* Auto-proxy lookups: what WinHttpGetProxyForUrl and the resolver handle's
 * WinHttpGetProxyForUrlEx share (autoproxy.c), the per-session cache of
 * PAC scripts and detected URLs (pac_cache.c) and the PAC download
 * (pac_download.c). */
#ifndef WINHTTP_AUTOPROXY_H
#define WINHTTP_AUTOPROXY_H

#include "winhttp_private.h"

struct pac_script;

/* One lookup, with copies of the caller's arguments. */
struct autoproxy_query
{
    struct object *session;     /* referenced */
    WCHAR *url;
    DWORD flags;                /* WINHTTP_AUTOPROXY_* */
    DWORD detect_flags;         /* WINHTTP_AUTO_DETECT_TYPE_* */
    WCHAR *config_url;          /* NULL unless WINHTTP_AUTOPROXY_CONFIG_URL */
    BOOL autologon;
    volatile LONG cancelled;    /* set by autoproxy_cancel, from any thread */
    SRWLOCK lock;
    HINTERNET download;         /* the PAC download's request in flight, under lock */
};

/* Checks the arguments as native does (ERROR_INVALID_PARAMETER) and makes
   the query; ERROR_SUCCESS or an error. */
DWORD autoproxy_query_create(struct object *session, const WCHAR *url, const WINHTTP_AUTOPROXY_OPTIONS *options,
                             struct autoproxy_query **query);
void autoproxy_query_free(struct autoproxy_query *query);

/* Runs the lookup (blocking): *answer is the PAC script's string (heap). */
DWORD autoproxy_run(struct autoproxy_query *query, WCHAR **answer);
/* Stops a running lookup soon; it then fails with ERROR_WINHTTP_OPERATION_CANCELLED. */
void autoproxy_cancel(struct autoproxy_query *query);

/* The answer as WINHTTP_PROXY_INFO (GlobalAlloc'd strings). */
DWORD autoproxy_to_info(const WCHAR *answer, WINHTTP_PROXY_INFO *info);
/* The answer as WINHTTP_PROXY_RESULT entries, every entry in order
   (one heap block, freed with heap_free). */
DWORD autoproxy_to_entries(const WCHAR *answer, WINHTTP_PROXY_RESULT_ENTRY **entries, DWORD *count);

/* ---- the cache (pac_cache.c) ---------------------------------------------------------- */

struct pac_cached;

/* The session's script for url, referenced, or NULL. */
struct pac_cached *pac_cache_find(struct object *session, const WCHAR *url);
/* Keeps the script (the cache owns it) for the session and url; returns
   the entry referenced, or NULL (the script freed) when out of memory.
   With keep FALSE the entry is not entered in the cache: only the caller
   holds it. */
struct pac_cached *pac_cache_add(struct object *session, const WCHAR *url, struct pac_script *script, BOOL keep);
struct pac_script *pac_cached_script(struct pac_cached *entry);
void pac_cache_release(struct pac_cached *entry);

/* The URL auto-detection found for the session (heap copy), or NULL. */
WCHAR *pac_cache_detected(struct object *session);
void pac_cache_set_detected(struct object *session, const WCHAR *url);

/* WinHttpResetAutoProxy: drops the session's scripts and/or detected URL. */
void pac_cache_reset(struct object *session, BOOL scripts, BOOL detected);

/* ---- the download (pac_download.c) ---------------------------------------------------- */

/* Fetches the query's PAC URL url with this DLL's own API (a private
   synchronous session, the session's timeouts).  ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT
   unless it answers 200, ERROR_WINHTTP_UNRECOGNIZED_SCHEME for a scheme
   other than http(s), ERROR_WINHTTP_OPERATION_CANCELLED. */
DWORD pac_download(struct autoproxy_query *query, const WCHAR *url, char **text, size_t *len);

#define PAC_DOWNLOAD_MAX (16u << 20)

#endif
