/* Serialized task queues on the DLL's own thread pool.
 *
 * Every asynchronous object (a request, later a WebSocket) owns one queue.
 * Its tasks run one at a time and in order, on the pool.  A task that must
 * wait for the network starts overlapped I/O and returns TASK_PENDING: its
 * thread goes back to the pool, and the I/O completion calls
 * task_queue_resume(), which runs the same task again on the completing
 * thread.  Because only one runner owns a queue at a time, the callbacks of
 * one object never run on two threads at once, and an API called from
 * inside a callback only appends a task that the same runner picks up once
 * the callback has returned: the stack never grows with reentrance.
 */
#ifndef WINHTTP_TASK_H
#define WINHTTP_TASK_H

#include "winhttp_private.h"

enum task_result
{
    TASK_DONE,      /* finished: the runner frees it and moves on */
    TASK_PENDING,   /* waiting for I/O: run again by task_queue_resume() */
};

struct task
{
    struct task *next;
    enum task_result (*run)(struct task *task);
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
};

BOOL task_queue_init(struct task_queue *queue, struct object *owner);
/* The queue must be idle (its owner is being destroyed). */
void task_queue_destroy(struct task_queue *queue);
/* Appends a task; starts a runner on the pool if none owns the queue.
 * FALSE (the task is not queued) only when the pool cannot be used. */
BOOL task_queue_push(struct task_queue *queue, struct task *task);
/* The current task's I/O completed: run it again on this thread, then go on
 * with the queue. */
void task_queue_resume(struct task_queue *queue);

/* The pool every async object uses (created on first use). */
TP_CALLBACK_ENVIRON *task_environment(void);
/* WINHTTP_OPTION_WORKER_THREAD_COUNT: the pool's maximum (0: the default),
 * once, before the pool is first used. */
BOOL task_set_worker_count(DWORD count);
/* The count the application set (0: none). */
DWORD task_worker_count(void);

#endif
