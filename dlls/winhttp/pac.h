/* Running proxy auto-configuration (PAC) scripts.
 *
 * A script runs in its own Duktape heap (tools/build-duktape), with the PAC
 * helper functions defined (pac_helpers.c) and within limits: each run (the
 * script's top level, then each FindProxyForURL call) ends with
 * ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT once PAC_TIME_LIMIT_MS of script time
 * has passed (time spent in name lookups is not counted) or its heap would
 * pass PAC_MEMORY_LIMIT.  A loaded script may be run from any thread; runs
 * are serialized.
 */
#ifndef WINHTTP_PAC_H
#define WINHTTP_PAC_H

#include <windows.h>

#define PAC_TIME_LIMIT_MS 3000
#define PAC_MEMORY_LIMIT  (64u << 20)

struct pac_script;

/* Compiles the script (UTF-8, or Latin-1 when it is not valid UTF-8) and
   runs its top level.  ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT for a syntax
   error, an exception or a limit reached. */
DWORD pac_script_load(const char *text, size_t len, struct pac_script **script);

/* Calls FindProxyForURLEx(url, host) if the script defines it, else
   FindProxyForURL(url, host); *result is its string (heap_free it).
   ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT when neither is a function, the call
   throws or reaches a limit, or the result is not a string;
   ERROR_WINHTTP_OPERATION_CANCELLED when *cancel became nonzero. */
DWORD pac_script_run(struct pac_script *script, const WCHAR *url, const WCHAR *host,
                     const volatile LONG *cancel, WCHAR **result);

void pac_script_free(struct pac_script *script);

/* ---- for pac_helpers.c ------------------------------------------------------------- */

struct duk_hthread;

/* Defines the helper functions in the heap's global object: a Duktape
   safe-call function (it may throw, when memory runs out). */
int pac_helpers_define(struct duk_hthread *ctx, void *arg);

/* A helper is about to block (a name lookup): its time does not count
   against the limit.  pac_wait_end takes the value pac_wait_begin gave. */
ULONGLONG pac_wait_begin(struct duk_hthread *ctx);
void pac_wait_end(struct duk_hthread *ctx, ULONGLONG begun);

#endif
