/* Name resolution for a connection, resumable in the way of stream.h.
 *
 * An address literal resolves at once.  A name is looked up by
 * GetAddrInfoExW, which calls back when it is done, so that an asynchronous
 * request holds no thread while DNS answers, and either kind can give up
 * when the resolve timeout (WinHttpSetTimeouts) ends or the request is
 * closed.  A lookup given up on finishes in the background and frees
 * itself.
 */
#ifndef WINHTTP_RESOLVE_H
#define WINHTTP_RESOLVE_H

#include "winhttp_private.h"

struct lookup;

/* Starts resolving host (a name, or an address literal, IPv6 in brackets
 * or not) for port.  Returns ERROR_SUCCESS with *result, an
 * ERROR_WINHTTP_* error, or ERROR_IO_PENDING with *lookup: then, for an
 * asynchronous lookup, on_complete(context) comes once, on the DLL's thread
 * pool; a synchronous one is waited for with lookup_wait.  Either way
 * lookup_finish collects the outcome.  timeout <= 0: none. */
DWORD lookup_start(const WCHAR *host, INTERNET_PORT port, BOOL async, int timeout,
                   void (*on_complete)(void *context), void *context, struct lookup **lookup,
                   ADDRINFOEXW **result);
/* Synchronous lookups: blocks until the outcome is known. */
void lookup_wait(struct lookup *lookup);
/* Whether the outcome is known (a resumed step may come early). */
BOOL lookup_done(struct lookup *lookup);
/* The outcome: ERROR_SUCCESS with *result (FreeAddrInfoExW), or
 * ERROR_WINHTTP_NAME_NOT_RESOLVED, ERROR_WINHTTP_TIMEOUT,
 * ERROR_WINHTTP_OPERATION_CANCELLED.  Frees the lookup, or leaves it to
 * finish in the background. */
DWORD lookup_finish(struct lookup *lookup, ADDRINFOEXW **result);
/* From any thread: the lookup ends with ERROR_WINHTTP_OPERATION_CANCELLED
 * unless its outcome is known already. */
void lookup_cancel(struct lookup *lookup);

#endif
