/* Serialized task queues on the DLL's own thread pool.
 *
 * Every asynchronous object (a request, later a WebSocket) owns one queue.
 * Its tasks run one at a time and in order, on the pool.  A task that must
 * wait for the network starts overlapped I/O and returns TASK_PENDING: its
 * thread goes back to the pool, and the I/O completion calls
 * task_queue_resume(), which runs the same task again on the completing
 * thread.  Because only one runner owns a queue at a time, the callbacks of
 * one object never run on two threads at once.
 *
 * As native WinHTTP does, a call that finds its object's queue idle runs its
 * task at once on the calling thread (its callbacks come there, before the
 * call returns, if nothing has to be waited for); what waits, and whatever
 * was queued meanwhile, goes on on the pool.  A finished task's completion
 * callback is delivered with the task already off the queue: a call made
 * from inside it on the runner's thread is appended, and the same runner
 * picks it up once the callback has returned (operation.c may instead
 * complete it nested, from data already received, to a bounded depth); a
 * call from another thread takes the queue over and runs at once there, as
 * native's do when an application signals another thread from a callback.
 */
#ifndef WINHTTP_TASK_H
#define WINHTTP_TASK_H

#include "winhttp_private.h"

enum task_result
{
    TASK_DONE,      /* finished: the runner frees it and moves on */
    TASK_PENDING,   /* waiting for I/O: run again by task_queue_resume() */
    TASK_YIELD,     /* run again, but not on the caller's thread: on the pool */
};

/* A step that wants TASK_YIELD says so with this (never an API's error). */
#define STEP_YIELD 0xfffffffeu

struct task
{
    struct task *next;
    enum task_result (*run)(struct task *task);
    /* After run() returned TASK_DONE, with the task off the queue: the
     * completion callback.  May be NULL. */
    void (*deliver)(struct task *task);
    void (*free)(struct task *task);
};

struct task_queue
{
    SRWLOCK lock;
    struct task *head, *tail;   /* head is the current task while busy */
    BOOL busy;                  /* a runner owns the queue (running or waiting) */
    LONG arrivals;              /* rendezvous of a PENDING return and its completion */
    struct object *owner;       /* kept alive while the queue is busy */
    TP_WORK *work;
    DWORD runner;               /* the thread inside a task's run() or deliver(), or 0 */
    BOOL delivering;            /* the runner is delivering a finished task's callback */
    unsigned int generation;    /* bumped when another thread takes the queue over */
};

enum push_result
{
    PUSH_FAILED,    /* not queued: the pool cannot be used */
    PUSH_QUEUED,    /* queued; it runs later */
    PUSH_RAN,       /* the queue was idle: the task ran to its end on this thread */
};

BOOL task_queue_init(struct task_queue *queue, struct object *owner);
/* The queue must be idle (its owner is being destroyed). */
void task_queue_destroy(struct task_queue *queue);
/* Appends a task.  If no runner owns the queue, run_here makes the calling
 * thread its runner for this one task (else a runner starts on the pool). */
enum push_result task_queue_push(struct task_queue *queue, struct task *task, BOOL run_here);
/* Whether the calling thread is delivering a finished task's callback,
 * with nothing queued behind it. */
BOOL task_queue_is_current_runner(struct task_queue *queue);
/* The current task's I/O completed: run it again on this thread, then go on
 * with the queue. */
void task_queue_resume(struct task_queue *queue);

/* The pool every async object uses (created on first use). */
TP_CALLBACK_ENVIRON *task_environment(void);
/* The process's pool, with the DLL kept loaded while a callback of ours
 * runs: for work that may block for seconds (PAC lookups, the resolver
 * handle's operations), which must not hold the DLL's own few workers. */
TP_CALLBACK_ENVIRON *blocking_environment(void);
/* WINHTTP_OPTION_WORKER_THREAD_COUNT: the pool's maximum (0: the default),
 * once, before the pool is first used. */
BOOL task_set_worker_count(DWORD count);
/* The count the application set (0: none). */
DWORD task_worker_count(void);

#endif
