/* Name resolution (resolve.h).
 *
 * A pending lookup is shared by its owner, GetAddrInfoExW's completion and
 * a delivery of the outcome to the owner, each holding a reference: an
 * owner that gives up (timeout, cancel) moves on at once, and the lookup
 * frees itself when GetAddrInfoExW finally calls back.  Whoever decides the
 * outcome first (the completion, the timer, a cancel) delivers it, once.
 */
#include <stdio.h>

#include "resolve.h"
#include "stream.h"
#include "task.h"

/* in ws2_32 since Windows 8, missing from MinGW's headers */
INT WSAAPI GetAddrInfoExCancel(LPHANDLE handle);

struct lookup
{
    OVERLAPPED overlapped;      /* GetAddrInfoExW's; the completion finds the lookup by it */
    LONG refs;
    SRWLOCK lock;
    BOOL decided;               /* the outcome is known */
    BOOL delivered;             /* and the owner was told */
    BOOL detached;              /* the owner has collected or left: tell it nothing more */
    DWORD error;                /* the outcome, once decided */
    int wsa_error;              /* GetAddrInfoExW's own error, for WINHTTP_OPTION_EXTENDED_ERROR */
    ADDRINFOEXW *result;        /* GetAddrInfoExW writes it before its completion */
    HANDLE cancel_handle;
    int timeout;
    HANDLE event;               /* synchronous: set once decided */
    TP_TIMER *timer;            /* asynchronous with a timeout */
    void (*on_complete)(void *context);
    void *context;
};

static void release(struct lookup *lookup)
{
    if (InterlockedDecrement(&lookup->refs)) return;
    if (lookup->result) FreeAddrInfoExW(lookup->result);
    if (lookup->event) CloseHandle(lookup->event);
    heap_free(lookup);
}

/* ---- the outcome ------------------------------------------------------------------ */

static void CALLBACK deliver_callback(TP_CALLBACK_INSTANCE *instance, void *context)
{
    struct lookup *lookup = context;
    BOOL tell;

    AcquireSRWLockExclusive(&lookup->lock);
    tell = !lookup->detached;
    lookup->delivered = TRUE;
    ReleaseSRWLockExclusive(&lookup->lock);
    if (tell) lookup->on_complete(lookup->context);
    release(lookup);
}

/* Tells the owner: a synchronous one by its event, an asynchronous one on
 * the DLL's pool, never from inside the canceller's or the resolver's call. */
static void deliver(struct lookup *lookup)
{
    if (lookup->event)
    {
        SetEvent(lookup->event);
        return;
    }
    InterlockedIncrement(&lookup->refs);
    if (!TrySubmitThreadpoolCallback(deliver_callback, lookup, task_environment()))
        deliver_callback(NULL, lookup);     /* out of memory: the outcome must still get through */
}

/* Records the outcome unless one is known; TRUE when this call decided. */
static BOOL decide(struct lookup *lookup, DWORD error)
{
    BOOL first;

    AcquireSRWLockExclusive(&lookup->lock);
    if ((first = !lookup->decided))
    {
        lookup->decided = TRUE;
        lookup->error = error;
    }
    ReleaseSRWLockExclusive(&lookup->lock);
    return first;
}

static void give_up(struct lookup *lookup, DWORD error)
{
    if (!decide(lookup, error)) return;
    TRACE("%p: %lu\n", lookup, error);
    /* where the resolver can stop, its resources go sooner; the completion still comes */
    GetAddrInfoExCancel(&lookup->cancel_handle);
    deliver(lookup);
}

static void CALLBACK lookup_complete(DWORD error, DWORD bytes, OVERLAPPED *overlapped)
{
    struct lookup *lookup = CONTAINING_RECORD(overlapped, struct lookup, overlapped);

    TRACE("%p: error %lu\n", lookup, error);
    lookup->wsa_error = error;      /* before the outcome is decided: the owner reads it after */
    if (decide(lookup, error ? ERROR_WINHTTP_NAME_NOT_RESOLVED : ERROR_SUCCESS)) deliver(lookup);
    release(lookup);
}

static void CALLBACK timer_callback(TP_CALLBACK_INSTANCE *instance, void *context, TP_TIMER *timer)
{
    give_up(context, ERROR_WINHTTP_TIMEOUT);
}

/* ---- the owner's side ------------------------------------------------------------- */

/* Once the lookup is pending: its outcome cannot reach the owner before
 * the owner's step has returned, so the timer is not closed under us. */
static void arm_timer(struct lookup *lookup)
{
    LARGE_INTEGER due;
    FILETIME ft;

    if (!(lookup->timer = CreateThreadpoolTimer(timer_callback, lookup, task_environment())))
    {
        WARN("no timer: the resolve timeout of %d ms is not enforced\n", lookup->timeout);
        return;
    }
    due.QuadPart = -(LONGLONG)lookup->timeout * 10000;   /* relative, in 100 ns units */
    ft.dwLowDateTime = due.LowPart;
    ft.dwHighDateTime = due.HighPart;
    SetThreadpoolTimer(lookup->timer, &ft, 0, 0);
}

static struct lookup *lookup_create(BOOL async, int timeout, void (*on_complete)(void *), void *context)
{
    struct lookup *lookup = heap_alloc_zero(sizeof(*lookup));

    if (!lookup) return NULL;
    lookup->refs = 1;
    InitializeSRWLock(&lookup->lock);
    lookup->timeout = timeout;
    lookup->on_complete = on_complete;
    lookup->context = context;
    if (!async && !(lookup->event = CreateEventW(NULL, TRUE, FALSE, NULL)))
    {
        heap_free(lookup);
        return NULL;
    }
    return lookup;
}

static void close_timer(struct lookup *lookup)
{
    if (!lookup->timer) return;
    SetThreadpoolTimer(lookup->timer, NULL, 0, 0);
    WaitForThreadpoolTimerCallbacks(lookup->timer, TRUE);
    CloseThreadpoolTimer(lookup->timer);
    lookup->timer = NULL;
}

DWORD lookup_start(const WCHAR *host, INTERNET_PORT port, BOOL async, int timeout,
                   void (*on_complete)(void *context), void *context, struct lookup **out, ADDRINFOEXW **result)
{
    ADDRINFOEXW hints = { 0 };
    struct lookup *lookup;
    WCHAR service[8];
    int ret;

    *out = NULL;
    *result = NULL;
    swprintf(service, ARRAY_SIZE(service), L"%u", port);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    /* an address literal needs no lookup */
    hints.ai_flags = AI_NUMERICHOST;
    if (!GetAddrInfoExW(host, service, NS_ALL, NULL, &hints, result, NULL, NULL, NULL, NULL)) return ERROR_SUCCESS;
    hints.ai_flags = 0;
    if (!(lookup = lookup_create(async, timeout, on_complete, context))) return ERROR_OUTOFMEMORY;
    InterlockedIncrement(&lookup->refs);    /* the completion's */
    ret = GetAddrInfoExW(host, service, NS_ALL, NULL, &hints, &lookup->result, NULL, &lookup->overlapped,
                         lookup_complete, &lookup->cancel_handle);
    TRACE("%s: %d, lookup %p\n", debugstr_w(host), ret, lookup);
    if (ret == WSA_IO_PENDING)
    {
        if (async && timeout > 0) arm_timer(lookup);
        *out = lookup;
        return ERROR_IO_PENDING;
    }
    /* done at once: no completion will come */
    release(lookup);
    *result = ret ? NULL : lookup->result;
    lookup->result = NULL;
    release(lookup);
    if (ret) winsock_note_error(ret);
    return ret ? ERROR_WINHTTP_NAME_NOT_RESOLVED : ERROR_SUCCESS;
}

void lookup_wait(struct lookup *lookup)
{
    if (WaitForSingleObject(lookup->event, lookup->timeout > 0 ? (DWORD)lookup->timeout : INFINITE) == WAIT_TIMEOUT)
        give_up(lookup, ERROR_WINHTTP_TIMEOUT);
}

BOOL lookup_done(struct lookup *lookup)
{
    BOOL done;

    AcquireSRWLockShared(&lookup->lock);
    done = lookup->event ? lookup->decided : lookup->delivered;
    ReleaseSRWLockShared(&lookup->lock);
    return done;
}

DWORD lookup_finish(struct lookup *lookup, ADDRINFOEXW **result)
{
    DWORD error;

    close_timer(lookup);
    AcquireSRWLockExclusive(&lookup->lock);
    lookup->detached = TRUE;
    if (!lookup->decided)   /* the owner leaves before the outcome */
    {
        lookup->decided = TRUE;
        lookup->error = ERROR_WINHTTP_OPERATION_CANCELLED;
    }
    error = lookup->error;
    *result = error ? NULL : lookup->result;
    if (!error) lookup->result = NULL;
    /* noted on the owner's thread, which reports the failure */
    if (error == ERROR_WINHTTP_NAME_NOT_RESOLVED) winsock_note_error(lookup->wsa_error);
    ReleaseSRWLockExclusive(&lookup->lock);
    release(lookup);
    return error;
}

void lookup_cancel(struct lookup *lookup)
{
    give_up(lookup, ERROR_WINHTTP_OPERATION_CANCELLED);
}
