/* WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY with auto-detection or a PAC URL in
 * the user's settings: what the script says for the request's URL, before
 * request_route picks the proxy.  The session caches the script, so only a
 * session's first request downloads it.  A synchronous request runs the
 * lookup on its own thread; an asynchronous one runs it on the process's
 * pool (it may wait seconds for a download or detection) and gives its
 * worker back meanwhile: the send resumes when the lookup ends, and
 * WinHttpCloseHandle cancels it.  When the lookup fails the static
 * settings apply, as on Windows, and none is made again for
 * AUTO_PROXY_RETRY_MS (a network without WPAD must not pay a detection per
 * request).  A PAC server that asks who we are is asked again with the
 * logged-on user's credentials, as the documentation tells callers to. */
#include "request.h"
#include "autoproxy.h"

#define AUTO_PROXY_RETRY_MS (5 * 60 * 1000)

struct auto_proxy_lookup
{
    struct request *request;
    struct autoproxy_query *query;
    WCHAR *answer;              /* the script's answer (heap), once done */
    DWORD error;
};

/* The lookup's options, or FALSE when none is to be made. */
static BOOL lookup_wanted(struct request *r, WINHTTP_AUTOPROXY_OPTIONS *options)
{
    struct session *session = request_session(r);

    memset(options, 0, sizeof(*options));
    if (r->proxy_set || session->access_type != WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY) return FALSE;
    if (!session->auto_detect && !session->auto_config_url) return FALSE;
    if (GetTickCount64() < session->auto_retry_at) return FALSE;
    if (session->auto_detect)
    {
        options->dwFlags |= WINHTTP_AUTOPROXY_AUTO_DETECT;
        options->dwAutoDetectFlags = WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A;
    }
    if (session->auto_config_url)
    {
        options->dwFlags |= WINHTTP_AUTOPROXY_CONFIG_URL;
        options->lpszAutoConfigUrl = session->auto_config_url;
    }
    return TRUE;
}

/* Runs the query (blocking), once more with autologon if challenged. */
static DWORD run_query(struct autoproxy_query *query, WCHAR **answer)
{
    DWORD error = autoproxy_run(query, answer);

    if (error == ERROR_WINHTTP_LOGIN_FAILURE && !query->cancelled)
    {
        query->autologon = TRUE;
        error = autoproxy_run(query, answer);
    }
    return error;
}

/* The answer (or the failure) becomes the request's proxy setting. */
static void apply(struct request *r, DWORD error, const WCHAR *answer)
{
    WINHTTP_PROXY_INFO info = { 0 };

    if (!error) error = autoproxy_to_info(answer, &info);
    if (!error)
        r->auto_proxy_found = proxy_setting_set(&r->auto_proxy, info.dwAccessType, info.lpszProxy,
                                                info.lpszProxyBypass);
    else if (error != ERROR_WINHTTP_OPERATION_CANCELLED)
        request_session(r)->auto_retry_at = GetTickCount64() + AUTO_PROXY_RETRY_MS;  /* a racing write is as good */
    TRACE("automatic proxy %lu, %s\n", error, debugstr_w(info.lpszProxy));
    GlobalFree(info.lpszProxy);
    GlobalFree(info.lpszProxyBypass);
}

static void lookup_free(struct auto_proxy_lookup *lookup)
{
    if (!lookup) return;
    autoproxy_query_free(lookup->query);
    heap_free(lookup->answer);
    heap_free(lookup);
}

/* On the process's pool.  The request is alive: its task waits for this
 * resume (task.h), and nothing touches the lookup after it. */
static void CALLBACK lookup_work(TP_CALLBACK_INSTANCE *instance, void *context)
{
    struct auto_proxy_lookup *lookup = context;

    lookup->error = run_query(lookup->query, &lookup->answer);
    task_queue_resume(&lookup->request->queue);
}

DWORD request_find_auto_proxy(struct request *r)
{
    struct auto_proxy_lookup *lookup = r->auto_proxy_lookup;
    WINHTTP_AUTOPROXY_OPTIONS options;
    struct autoproxy_query *query = NULL;
    WCHAR *url;
    DWORD error;

    if (lookup)
    {
        /* the lookup has ended (resumed from the pool, or run here) */
        AcquireSRWLockExclusive(&r->conn_lock);
        r->auto_proxy_lookup = NULL;
        ReleaseSRWLockExclusive(&r->conn_lock);
        apply(r, lookup->error, lookup->answer);
        error = lookup->error == ERROR_WINHTTP_OPERATION_CANCELLED ? lookup->error : ERROR_SUCCESS;
        lookup_free(lookup);
        return error;
    }
    r->auto_proxy_found = FALSE;
    if (!lookup_wanted(r, &options)) return ERROR_SUCCESS;
    if (!(url = request_url(r))) return ERROR_SUCCESS;
    error = autoproxy_query_create(&request_session(r)->obj, url, &options, &query);
    heap_free(url);
    if (!error && !(lookup = heap_alloc_zero(sizeof(*lookup)))) error = ERROR_OUTOFMEMORY;
    if (error)
    {
        autoproxy_query_free(query);
        apply(r, error, NULL);
        return ERROR_SUCCESS;
    }
    lookup->request = r;
    lookup->query = query;
    /* WinHttpCloseHandle finds it there to cancel it */
    AcquireSRWLockExclusive(&r->conn_lock);
    r->auto_proxy_lookup = lookup;
    ReleaseSRWLockExclusive(&r->conn_lock);
    if (r->closing) autoproxy_cancel(query);
    if ((r->obj.session_flags & WINHTTP_FLAG_ASYNC) &&
        TrySubmitThreadpoolCallback(lookup_work, lookup, blocking_environment()))
        return ERROR_IO_PENDING;
    /* synchronous (or the pool refused the work): on this thread */
    lookup->error = run_query(query, &lookup->answer);
    return request_find_auto_proxy(r);
}

void request_cancel_auto_proxy(struct request *r)
{
    AcquireSRWLockExclusive(&r->conn_lock);
    if (r->auto_proxy_lookup) autoproxy_cancel(r->auto_proxy_lookup->query);
    ReleaseSRWLockExclusive(&r->conn_lock);
}

void request_free_auto_proxy(struct request *r)
{
    lookup_free(r->auto_proxy_lookup);
    r->auto_proxy_lookup = NULL;
}
