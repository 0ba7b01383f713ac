/* The proxy resolver handle's asynchronous operations (resolver.c), for the
 * files that add one: WinHttpGetProxyForUrlEx(2) and WinHttpGetProxySettingsEx.
 *
 * A resolver runs one operation at a time, whatever its kind.  It is a task
 * on the resolver's queue, so its completion never runs beside another
 * callback of that resolver and comes before HANDLE_CLOSING; its blocking
 * work runs on the process's thread pool.  Closing the resolver completes
 * it at once with ERROR_WINHTTP_OPERATION_CANCELLED and tells the work to
 * stop; the work ends on its own.  A successful operation leaves its result
 * in the resolver's slot for its kind, freed with the resolver. */
#ifndef WINHTTP_RESOLVER_H
#define WINHTTP_RESOLVER_H

#include "winhttp_private.h"

enum resolver_slot
{
    RESOLVER_PROXY_RESULT,      /* WinHttpGetProxyResult(Ex) */
    RESOLVER_SETTINGS_RESULT,   /* WinHttpGetProxySettingsResultEx */
    RESOLVER_SLOT_COUNT
};

/* A kind of operation. */
struct resolver_op_funcs
{
    enum resolver_slot slot;    /* where its result is kept */
    DWORD api;                  /* dwResult of its REQUEST_ERROR */
    DWORD complete;             /* its status callback when it succeeded */
    /* The blocking work, on a pool thread: an error, or *result (heap). */
    DWORD (*work)(void *context, void **result);
    /* From the closing thread, while the work may run: stop it soon.  May be NULL. */
    void (*cancel)(void *context);
    void (*free_context)(void *context);
    void (*free_result)(void *result);
};

/* Starts an operation on a resolver object (the caller checked its type);
 * its completion gets app_context.  ERROR_IO_PENDING when started;
 * ERROR_WINHTTP_INCORRECT_HANDLE_STATE while another operation runs, or
 * another error.  The context is the operation's in every case (freed with
 * free_context): a close may be cancelling it while the start fails. */
DWORD resolver_start(struct object *resolver, const struct resolver_op_funcs *funcs, void *context,
                     DWORD_PTR app_context);

/* Calls read with the slot's result under the resolver's lock; read's
 * error, or ERROR_WINHTTP_INCORRECT_HANDLE_STATE when there is no result
 * yet or an operation of that kind runs. */
DWORD resolver_read(struct object *resolver, enum resolver_slot slot,
                    DWORD (*read)(const void *result, void *out), void *out);

#endif
