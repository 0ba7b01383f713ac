/* The proxy resolver handle: WinHttpCreateProxyResolver, its operations
 * (resolver.h), and the lookups on it: WinHttpGetProxyForUrlEx(2),
 * WinHttpGetProxyResult(Ex) and their frees.
 *
 * An operation is one task on the resolver's queue (task.c), so its
 * callbacks keep the requests' promises: one completion (its COMPLETE
 * status or REQUEST_ERROR), never two at once, and HANDLE_CLOSING after it.
 * The task hands the blocking work (a download and a script, a registry
 * read) to the process's thread pool and waits like a task waiting for I/O,
 * so the DLL's small pool is never held by a slow PAC server.  Closing the
 * resolver cancels the operation at once: the completion, REQUEST_ERROR
 * with ERROR_WINHTTP_OPERATION_CANCELLED, does not wait for the work, which
 * is told to stop (the download closed, the script interrupted) and ends on
 * its own, holding its own reference. */
#include "autoproxy.h"
#include "resolver.h"
#include "task.h"

/* A result kept for the getters until the next one of its kind. */
struct slot
{
    void *result;
    void (*free)(void *result);
};

struct resolver
{
    struct object obj;              /* parent: the session */
    struct task_queue queue;
    SRWLOCK lock;
    struct operation *op;           /* the operation in flight, or NULL */
    BOOL closed;
    struct slot slots[RESOLVER_SLOT_COUNT];
};

struct operation
{
    struct task task;
    LONG refs;                      /* the task's, the work's, a closer's */
    LONG resumed;                   /* the task was resumed, by the work or by a close */
    LONG started;                   /* the work was handed to the pool */
    LONG cancelled;                 /* the resolver was closed */
    struct resolver *resolver;
    const struct resolver_op_funcs *funcs;
    void *context;
    DWORD error;
    void *result;
};

static void operation_release(struct operation *op)
{
    if (InterlockedDecrement(&op->refs)) return;
    if (op->result) op->funcs->free_result(op->result);
    op->funcs->free_context(op->context);
    heap_free(op);
}


/* The first of the work's end and a close resumes the waiting task. */
static BOOL take_resume(struct operation *op)
{
    return !InterlockedExchange(&op->resumed, 1);
}

static void CALLBACK resume_work(TP_CALLBACK_INSTANCE *instance, void *context)
{
    struct operation *op = context;

    task_queue_resume(&op->resolver->queue);
}

static struct resolver *resolver_from_object(struct object *obj) { return (struct resolver *)obj; }

static void resolver_close(struct object *obj)
{
    struct resolver *resolver = resolver_from_object(obj);
    struct operation *op;

    AcquireSRWLockExclusive(&resolver->lock);
    resolver->closed = TRUE;
    if ((op = resolver->op)) InterlockedIncrement(&op->refs);
    ReleaseSRWLockExclusive(&resolver->lock);
    if (!op) return;
    InterlockedExchange(&op->cancelled, TRUE);
    if (op->funcs->cancel) op->funcs->cancel(op->context);
    /* complete now, on the pool (not inside WinHttpCloseHandle) */
    if (InterlockedCompareExchange(&op->started, TRUE, TRUE) && take_resume(op) &&
        !TrySubmitThreadpoolCallback(resume_work, op, blocking_environment()))
        task_queue_resume(&resolver->queue);
    operation_release(op);
}

static void resolver_destroy(struct object *obj)
{
    struct resolver *resolver = resolver_from_object(obj);

    task_queue_destroy(&resolver->queue);
    for (int i = 0; i < RESOLVER_SLOT_COUNT; i++)
        if (resolver->slots[i].result) resolver->slots[i].free(resolver->slots[i].result);
}

static const struct object_ops resolver_ops = { resolver_close, resolver_destroy };

/* ---- the operation task ------------------------------------------------------------------ */

static void CALLBACK operation_work(TP_CALLBACK_INSTANCE *instance, void *context)
{
    struct operation *op = context;

    op->error = op->funcs->work(op->context, &op->result);
    if (take_resume(op)) task_queue_resume(&op->resolver->queue);
    operation_release(op);
}

static enum task_result operation_run(struct task *task)
{
    struct operation *op = CONTAINING_RECORD(task, struct operation, task);

    if (op->started) return TASK_DONE;          /* resumed: the work is done, or cancelled */
    if (InterlockedCompareExchange(&op->cancelled, TRUE, TRUE)) return TASK_DONE;  /* closed before it started */
    InterlockedIncrement(&op->refs);            /* the work's */
    if (!TrySubmitThreadpoolCallback(operation_work, op, blocking_environment()))
    {
        WARN("no pool thread: working on this one\n");
        InterlockedDecrement(&op->refs);
        op->error = op->funcs->work(op->context, &op->result);
        return TASK_DONE;
    }
    /* from here a close may resume the task (the work may have already:
       the queue runs the task again once both it and this return are in) */
    InterlockedExchange(&op->started, TRUE);
    return TASK_PENDING;
}

/* Keeps a successful operation's result in its slot, under the lock. */
static void keep_result(struct resolver *resolver, struct operation *op)
{
    struct slot *slot = &resolver->slots[op->funcs->slot];
    void *old = slot->result;

    slot->result = op->result;
    slot->free = op->funcs->free_result;
    op->result = old;   /* freed with the operation */
}

static void operation_deliver(struct task *task)
{
    struct operation *op = CONTAINING_RECORD(task, struct operation, task);
    struct resolver *resolver = op->resolver;
    WINHTTP_ASYNC_RESULT result = { op->funcs->api, op->error };

    AcquireSRWLockExclusive(&resolver->lock);
    resolver->op = NULL;
    if (resolver->closed) result.dwError = ERROR_WINHTTP_OPERATION_CANCELLED;
    else if (!result.dwError) keep_result(resolver, op);
    ReleaseSRWLockExclusive(&resolver->lock);
    TRACE("%p: operation %Iu done, error %lu\n", resolver->obj.handle, result.dwResult, result.dwError);
    if (result.dwError) notify(&resolver->obj, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, &result, sizeof(result));
    else notify(&resolver->obj, op->funcs->complete, NULL, 0);
}

static void operation_free(struct task *task)
{
    operation_release(CONTAINING_RECORD(task, struct operation, task));
}

DWORD resolver_start(struct object *obj, const struct resolver_op_funcs *funcs, void *context, DWORD_PTR app_context)
{
    struct resolver *resolver = resolver_from_object(obj);
    struct operation *op;
    DWORD err = ERROR_SUCCESS;

    if (!(op = heap_alloc_zero(sizeof(*op))))
    {
        funcs->free_context(context);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    op->refs = 1;
    op->task.run = operation_run;
    op->task.deliver = operation_deliver;
    op->task.free = operation_free;
    op->resolver = resolver;
    op->funcs = funcs;
    op->context = context;
    /* complete before it is published: a close or a getter may look at it */
    AcquireSRWLockExclusive(&resolver->lock);
    if (resolver->op) err = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;   /* one operation at a time */
    else
    {
        resolver->op = op;
        resolver->obj.context = app_context;
    }
    ReleaseSRWLockExclusive(&resolver->lock);
    /* on the pool, never here: the completion comes after this returns */
    if (!err && task_queue_push(&resolver->queue, &op->task, FALSE) != PUSH_FAILED) return ERROR_IO_PENDING;
    if (!err)
    {
        AcquireSRWLockExclusive(&resolver->lock);
        resolver->op = NULL;
        ReleaseSRWLockExclusive(&resolver->lock);
        err = ERROR_NOT_ENOUGH_MEMORY;
    }
    operation_release(op);      /* a close may hold it for a moment */
    return err;
}

DWORD resolver_read(struct object *obj, enum resolver_slot slot, DWORD (*read)(const void *result, void *out),
                    void *out)
{
    struct resolver *resolver = resolver_from_object(obj);
    const void *result;
    DWORD err;

    AcquireSRWLockShared(&resolver->lock);
    result = resolver->slots[slot].result;
    if (!result || (resolver->op && resolver->op->funcs->slot == slot)) err = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else err = read(result, out);
    ReleaseSRWLockShared(&resolver->lock);
    return err;
}

/* ---- the APIs ------------------------------------------------------------------------------ */

DWORD WINAPI WinHttpCreateProxyResolver(HINTERNET session, HINTERNET *out)
{
    struct resolver *resolver;
    struct object *parent;
    HINTERNET handle;

    TRACE("%p, %p\n", session, out);

    if (!(parent = handle_ref_typed(session, TYPE_BIT(OBJECT_SESSION)))) return GetLastError();
    if (!(parent->session_flags & WINHTTP_FLAG_ASYNC))
    {
        object_release(parent);
        return FAIL(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    }
    if (!out || !(resolver = heap_alloc_zero(sizeof(*resolver))))
    {
        object_release(parent);
        return out ? FAIL(ERROR_NOT_ENOUGH_MEMORY, ERROR_NOT_ENOUGH_MEMORY)
                   : FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    }
    object_init(&resolver->obj, OBJECT_RESOLVER, &resolver_ops, parent);
    object_release(parent);
    InitializeSRWLock(&resolver->lock);
    task_queue_init(&resolver->queue, &resolver->obj);
    if ((handle = handle_alloc(&resolver->obj)))
        notify(&resolver->obj, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &handle, sizeof(handle));
    object_release(&resolver->obj);
    if (!handle) return GetLastError();
    *out = handle;
    SetLastError(ERROR_SUCCESS);
    return ERROR_SUCCESS;
}

/* ---- the lookups ---------------------------------------------------------------------------- */

static DWORD lookup_work(void *context, void **result)
{
    WCHAR *answer = NULL;
    DWORD err = autoproxy_run(context, &answer);

    *result = answer;
    return err;
}

static void lookup_cancel(void *context)
{
    autoproxy_cancel(context);
}

static void lookup_free(void *context)
{
    autoproxy_query_free(context);
}

static const struct resolver_op_funcs lookup_funcs =
{
    RESOLVER_PROXY_RESULT, API_GET_PROXY_FOR_URL, WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE,
    lookup_work, lookup_cancel, lookup_free, heap_free,
};

static DWORD get_proxy_for_url(HINTERNET handle, const WCHAR *url, WINHTTP_AUTOPROXY_OPTIONS *options,
                               DWORD_PTR context)
{
    struct autoproxy_query *query;
    struct object *obj;
    DWORD err;

    if (!(obj = handle_ref_typed(handle, TYPE_BIT(OBJECT_RESOLVER)))) return GetLastError();
    if (!(err = autoproxy_query_create(obj->parent, url, options, &query)))
        err = resolver_start(obj, &lookup_funcs, query, context);
    object_release(obj);
    SetLastError(err);
    return err;
}

DWORD WINAPI WinHttpGetProxyForUrlEx(HINTERNET resolver, PCWSTR url, WINHTTP_AUTOPROXY_OPTIONS *options,
                                     DWORD_PTR context)
{
    TRACE("%p, %s, %p, %Ix\n", resolver, debugstr_w(url), options, context);
    return get_proxy_for_url(resolver, url, options, context);
}

DWORD WINAPI WinHttpGetProxyForUrlEx2(HINTERNET resolver, PCWSTR url, WINHTTP_AUTOPROXY_OPTIONS *options,
                                      DWORD selection_size, BYTE *selection, DWORD_PTR context)
{
    TRACE("%p, %s, %p, %lu, %p, %Ix\n", resolver, debugstr_w(url), options, selection_size, selection, context);
    if (selection_size && !selection) return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    /* the interface selection only matters with several network interfaces
       configured differently; lookups here use the system's routing */
    if (selection_size) TRACE("ignoring the interface selection\n");
    return get_proxy_for_url(resolver, url, options, context);
}

struct entries
{
    WINHTTP_PROXY_RESULT_ENTRY **entries;
    DWORD *count;
};

static DWORD read_entries(const void *answer, void *out)
{
    struct entries *entries = out;

    return autoproxy_to_entries(answer, entries->entries, entries->count);
}

/* The last lookup's entries, for WinHttpGetProxyResult(Ex). */
static DWORD get_result(HINTERNET handle, WINHTTP_PROXY_RESULT_ENTRY **entries, DWORD *count)
{
    struct entries out = { entries, count };
    struct object *obj;
    DWORD err;

    if (!(obj = handle_ref_typed(handle, TYPE_BIT(OBJECT_RESOLVER)))) return GetLastError();
    err = resolver_read(obj, RESOLVER_PROXY_RESULT, read_entries, &out);
    object_release(obj);
    return err;
}

DWORD WINAPI WinHttpGetProxyResult(HINTERNET resolver, WINHTTP_PROXY_RESULT *result)
{
    DWORD err;

    TRACE("%p, %p\n", resolver, result);
    if (!result) return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    if ((err = get_result(resolver, &result->pEntries, &result->cEntries))) return FAIL(err, err);
    SetLastError(ERROR_SUCCESS);
    return ERROR_SUCCESS;
}

DWORD WINAPI WinHttpGetProxyResultEx(HINTERNET resolver, WINHTTP_PROXY_RESULT_EX *result)
{
    DWORD err;

    TRACE("%p, %p\n", resolver, result);
    if (!result) return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    if ((err = get_result(resolver, &result->pEntries, &result->cEntries))) return FAIL(err, err);
    result->hProxyDetectionHandle = NULL;
    result->dwProxyInterfaceAffinity = 0;
    SetLastError(ERROR_SUCCESS);
    return ERROR_SUCCESS;
}

VOID WINAPI WinHttpFreeProxyResult(WINHTTP_PROXY_RESULT *result)
{
    TRACE("%p\n", result);
    if (!result) return;
    heap_free(result->pEntries);    /* entries and their strings are one block */
    result->pEntries = NULL;
    result->cEntries = 0;
}

VOID WINAPI WinHttpFreeProxyResultEx(WINHTTP_PROXY_RESULT_EX *result)
{
    TRACE("%p\n", result);
    if (!result) return;
    heap_free(result->pEntries);
    result->pEntries = NULL;
    result->cEntries = 0;
}

DWORD WINAPI WinHttpResetAutoProxy(HINTERNET session, DWORD flags)
{
    struct object *obj;

    TRACE("%p, %#lx\n", session, flags);
    if (!(obj = handle_ref_typed(session, TYPE_BIT(OBJECT_SESSION)))) return GetLastError();
    /* RESET_STATE forgets what detection found, RESET_SCRIPT_CACHE the
       scripts; the out-of-process and network flags have no service or
       per-network state here to reset */
    pac_cache_reset(obj, !!(flags & WINHTTP_RESET_SCRIPT_CACHE), !!(flags & WINHTTP_RESET_STATE));
    if (flags & ~(WINHTTP_RESET_STATE | WINHTTP_RESET_SCRIPT_CACHE))
        TRACE("nothing to do for %#lx\n", flags & ~(WINHTTP_RESET_STATE | WINHTTP_RESET_SCRIPT_CACHE));
    object_release(obj);
    SetLastError(ERROR_SUCCESS);
    return ERROR_SUCCESS;
}
