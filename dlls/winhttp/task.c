/* Serialized task queues on a private thread pool (see task.h). */
#include "task.h"

/* A small pool: network waits hold no thread, so a handful of threads
 * serve thousands of requests, and a cap keeps Wine's process pool from
 * growing to hundreds of threads. */
#define DEFAULT_WORKERS 4
/* How long a runner keeps a busy queue before it hands it back to the
 * pool, so that one busy request cannot starve the others; a hand-off
 * costs a thread wake-up, so not after every few tasks. */
#define TURN_MS 4

static INIT_ONCE pool_once = INIT_ONCE_STATIC_INIT;
static TP_CALLBACK_ENVIRON environment;
static TP_POOL *pool;
static LONG worker_count = DEFAULT_WORKERS;
static BOOL pool_started;

static BOOL CALLBACK create_pool(INIT_ONCE *once, void *param, void **context)
{
    InitializeThreadpoolEnvironment(&environment);
    if (!(pool = CreateThreadpool(NULL)))
    {
        ERR("cannot create the thread pool: %lu\n", GetLastError());
        return TRUE; /* callbacks then go to the process pool */
    }
    SetThreadpoolThreadMaximum(pool, worker_count);
    SetThreadpoolThreadMinimum(pool, 1);
    SetThreadpoolCallbackPool(&environment, pool);
    /* keep the DLL loaded while a callback of ours is running */
    SetThreadpoolCallbackLibrary(&environment, winhttp_instance);
    pool_started = TRUE;
    TRACE("thread pool %p with at most %ld threads\n", pool, worker_count);
    return TRUE;
}

TP_CALLBACK_ENVIRON *task_environment(void)
{
    InitOnceExecuteOnce(&pool_once, create_pool, NULL, NULL);
    return &environment;
}

TP_CALLBACK_ENVIRON *blocking_environment(void)
{
    static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    static TP_CALLBACK_ENVIRON blocking;
    BOOL pending;

    if (InitOnceBeginInitialize(&once, 0, &pending, NULL) && pending)
    {
        InitializeThreadpoolEnvironment(&blocking);
        SetThreadpoolCallbackLibrary(&blocking, winhttp_instance);
        InitOnceComplete(&once, 0, NULL);
    }
    return &blocking;
}

static DWORD worker_count_set;  /* as the application set it: 0 when it did not */

DWORD task_worker_count(void)
{
    return worker_count_set;
}

BOOL task_set_worker_count(DWORD count)
{
    static LONG set_once;

    if (count > 1024) return FALSE;
    /* once, and before the pool exists */
    if (pool_started || InterlockedExchange(&set_once, 1)) return FALSE;
    worker_count = count ? count : DEFAULT_WORKERS;   /* 0: the default */
    worker_count_set = count;
    return TRUE;
}

/* ---- the runner ---------------------------------------------------------- */

static struct task *current_task(struct task_queue *queue)
{
    struct task *task;

    AcquireSRWLockExclusive(&queue->lock);
    task = queue->head;
    ReleaseSRWLockExclusive(&queue->lock);
    return task;
}

/* A task that returned TASK_PENDING and the completion of its I/O may
 * arrive in either order, on two threads: whichever comes second runs the
 * task again, so it never runs on two threads at once. */
static BOOL second_to_arrive(struct task_queue *queue)
{
    if (InterlockedIncrement(&queue->arrivals) == 1) return FALSE;
    queue->arrivals = 0;
    return TRUE;
}

static void set_runner(struct task_queue *queue)
{
    InterlockedExchange((LONG *)&queue->runner, (LONG)GetCurrentThreadId());
}

/* Only if it is still us: the queue may have been handed off meanwhile. */
static void clear_runner(struct task_queue *queue)
{
    InterlockedCompareExchange((LONG *)&queue->runner, 0, (LONG)GetCurrentThreadId());
}

/* A finished task leaves the queue before its callback is delivered; while
 * it is, the queue stays this runner's (calls made from the callback are
 * appended, or complete nested) unless another thread's call takes it over
 * (task_queue_push).  Returns whether the runner still owns the queue, and
 * in *more whether tasks wait. */
static BOOL deliver(struct task_queue *queue, struct task *task, BOOL *more)
{
    struct object *owner = queue->owner;
    unsigned int generation;
    BOOL owned;

    AcquireSRWLockExclusive(&queue->lock);
    queue->head = task->next;
    if (!queue->head) queue->tail = NULL;
    queue->delivering = TRUE;
    generation = queue->generation;
    ReleaseSRWLockExclusive(&queue->lock);

    /* HANDLE_CLOSING must not come before this callback has returned,
     * whoever owns the queue by then */
    object_addref(owner);
    if (task->deliver)
    {
        set_runner(queue);
        task->deliver(task);
        clear_runner(queue);
    }
    task->free(task);

    AcquireSRWLockExclusive(&queue->lock);
    if ((owned = queue->generation == generation))
    {
        queue->delivering = FALSE;
        *more = queue->head != NULL;
        if (!*more) queue->busy = FALSE;
    }
    ReleaseSRWLockExclusive(&queue->lock);
    object_release(owner);
    return owned;
}

/* Runs tasks until the queue is empty, a task waits for I/O, or the turn
 * is over (first_only: after the first task), then hands what is left to
 * the pool.  The owner's reference taken when the queue became busy is
 * dropped when the runner gives the queue up (or goes with it to the
 * thread that took it over).  Returns whether the first task ran to its
 * end here. */
static BOOL run_tasks(struct task_queue *queue, BOOL first_only)
{
    struct object *owner = queue->owner;
    struct task *task = current_task(queue);
    ULONGLONG turn_end = GetTickCount64() + TURN_MS;
    BOOL first_done = FALSE, more;

    while (task)
    {
        enum task_result result;

        set_runner(queue);
        result = task->run(task);
        clear_runner(queue);
        if (result == TASK_PENDING)
        {
            if (!second_to_arrive(queue)) return first_done;
            continue; /* its I/O completed already: run it again */
        }
        if (result == TASK_YIELD)
        {
            if (!first_only) continue;  /* on the pool already */
            SubmitThreadpoolWork(queue->work);
            return FALSE;
        }
        if (!deliver(queue, task, &more)) return TRUE;     /* taken over */
        if (!more)
        {
            object_release(owner);
            return TRUE;
        }
        first_done = TRUE;
        if (first_only || GetTickCount64() >= turn_end)
        {
            SubmitThreadpoolWork(queue->work);
            return TRUE;
        }
        task = current_task(queue);
    }
    return first_done;
}

static void CALLBACK work_callback(TP_CALLBACK_INSTANCE *instance, void *context, TP_WORK *work)
{
    run_tasks(context, FALSE);
}

/* ---- the queue ------------------------------------------------------------ */

BOOL task_queue_init(struct task_queue *queue, struct object *owner)
{
    InitializeSRWLock(&queue->lock);
    queue->head = queue->tail = NULL;
    queue->busy = FALSE;
    queue->arrivals = 0;
    queue->owner = owner;
    queue->work = NULL;     /* made on first use: synchronous requests never need the pool */
    queue->runner = 0;
    queue->delivering = FALSE;
    queue->generation = 0;
    return TRUE;
}

void task_queue_destroy(struct task_queue *queue)
{
    /* callbacks still unwinding on the pool are waited for by the pool, not
     * here: CloseThreadpoolWork frees the work once they are done */
    if (queue->work) CloseThreadpoolWork(queue->work);
    queue->work = NULL;
}

enum push_result task_queue_push(struct task_queue *queue, struct task *task, BOOL run_here)
{
    BOOL start = FALSE, take_over = FALSE;

    task->next = NULL;
    AcquireSRWLockExclusive(&queue->lock);
    if (!queue->work && !(queue->work = CreateThreadpoolWork(work_callback, queue, task_environment())))
    {
        ReleaseSRWLockExclusive(&queue->lock);
        ERR("cannot create a work item: %lu\n", GetLastError());
        return PUSH_FAILED;
    }
    if (queue->tail) queue->tail->next = task;
    else queue->head = task;
    queue->tail = task;
    if (!queue->busy) start = queue->busy = TRUE;
    /* as native: another thread's call while the runner only delivers a
     * finished operation's callback (say the application signalled that
     * thread from it) runs at once on the calling thread; the runner leaves
     * the queue to it when its callback returns */
    else if (run_here && queue->delivering && queue->head == task &&
             queue->runner != GetCurrentThreadId())
    {
        queue->generation++;
        queue->delivering = FALSE;
        take_over = TRUE;
    }
    ReleaseSRWLockExclusive(&queue->lock);
    if (take_over) return run_tasks(queue, TRUE) ? PUSH_RAN : PUSH_QUEUED;
    if (!start) return PUSH_QUEUED;
    object_addref(queue->owner);
    if (run_here) return run_tasks(queue, TRUE) ? PUSH_RAN : PUSH_QUEUED;
    SubmitThreadpoolWork(queue->work);
    return PUSH_QUEUED;
}

BOOL task_queue_is_current_runner(struct task_queue *queue)
{
    BOOL ret;

    AcquireSRWLockExclusive(&queue->lock);
    ret = queue->runner == GetCurrentThreadId() && queue->delivering && !queue->head;
    ReleaseSRWLockExclusive(&queue->lock);
    return ret;
}

void task_queue_resume(struct task_queue *queue)
{
    if (second_to_arrive(queue)) run_tasks(queue, FALSE);
}
