/* Running PAC scripts in Duktape, within time and memory limits (pac.h).
 *
 * Duktape asks pac_exec_timeout() now and then while running bytecode
 * (DUK_USE_EXEC_TIMEOUT_CHECK, set by tools/build-duktape); once it says
 * yes, a RangeError unwinds the script, and as it keeps saying yes until
 * the run ends, a catch in the script cannot resume it.  Every allocation goes
 * through alloc_*, which refuse to pass the heap's cap, so a script that
 * allocates without end gets a RangeError too.  Duktape's fatal errors
 * (which must not return) jump back to the run that met one; the heap is
 * then never touched again. */
#include <setjmp.h>
#include "winhttp_private.h"
#include "duktape.h"
#include "pac.h"

struct pac_script
{
    SRWLOCK lock;               /* one run at a time: a heap is single-threaded */
    duk_context *ctx;
    size_t allocated;           /* bytes in use, headers included */
    ULONGLONG deadline;         /* GetTickCount64() value ending the current run */
    const volatile LONG *cancel;
    BOOL cancelled;             /* the current run ended because *cancel was set */
    BOOL broken;                /* a fatal error met: the heap is abandoned */
    jmp_buf *fatal_jump;
};

/* ---- allocation within the cap --------------------------------------------------- */

/* A header before each block keeps its size, 16 bytes to keep alignment. */
#define HEADER 16

static void *alloc_block(void *udata, duk_size_t size)
{
    struct pac_script *script = udata;
    char *block;

    if (size > PAC_MEMORY_LIMIT - HEADER || script->allocated + size + HEADER > PAC_MEMORY_LIMIT) return NULL;
    /* past the deadline, fail allocations too: native code (joins, string
       building) that allocates in a loop never reaches the timeout check */
    if (script->deadline && GetTickCount64() >= script->deadline) return NULL;
    if (!(block = HeapAlloc(GetProcessHeap(), 0, size + HEADER))) return NULL;
    *(size_t *)block = size;
    script->allocated += size + HEADER;
    return block + HEADER;
}

static void free_block(void *udata, void *ptr)
{
    struct pac_script *script = udata;
    char *block;

    if (!ptr) return;
    block = (char *)ptr - HEADER;
    script->allocated -= *(size_t *)block + HEADER;
    HeapFree(GetProcessHeap(), 0, block);
}

static void *realloc_block(void *udata, void *ptr, duk_size_t size)
{
    struct pac_script *script = udata;
    char *block, *grown;
    size_t old;

    if (!ptr) return size ? alloc_block(udata, size) : NULL;
    if (!size)
    {
        free_block(udata, ptr);
        return NULL;
    }
    block = (char *)ptr - HEADER;
    old = *(size_t *)block;
    if (size > PAC_MEMORY_LIMIT - HEADER || script->allocated - old + size > PAC_MEMORY_LIMIT) return NULL;
    if (size > old && script->deadline && GetTickCount64() >= script->deadline) return NULL;
    if (!(grown = HeapReAlloc(GetProcessHeap(), 0, block, size + HEADER))) return NULL;
    *(size_t *)grown = size;
    script->allocated = script->allocated - old + size;
    return grown + HEADER;
}

/* ---- time and fatal errors ----------------------------------------------------------- */

int pac_exec_timeout(void *udata)
{
    struct pac_script *script = udata;

    if (script->cancel && *script->cancel) script->cancelled = TRUE;
    return script->cancelled || GetTickCount64() >= script->deadline;
}

static struct pac_script *script_of(duk_context *ctx)
{
    duk_memory_functions functions;

    duk_get_memory_functions(ctx, &functions);
    return functions.udata;
}

ULONGLONG pac_wait_begin(duk_context *ctx)
{
    return GetTickCount64();
}

void pac_wait_end(duk_context *ctx, ULONGLONG begun)
{
    script_of(ctx)->deadline += GetTickCount64() - begun;
}

static void fatal_error(void *udata, const char *message)
{
    struct pac_script *script = udata;

    ERR("script engine: %s\n", debugstr_a(message));
    script->broken = TRUE;
    /* every entry into the engine sets fatal_jump first */
    longjmp(*script->fatal_jump, 1);
}

/* ---- running ---------------------------------------------------------------------------- */

/* Runs fn(ctx, arg) as a protected call within the limits; returns
   ERROR_SUCCESS with its result on the stack, or an error with nothing. */
static DWORD guarded_call(struct pac_script *script, duk_safe_call_function fn, void *arg, duk_idx_t nargs)
{
    jmp_buf jump;
    duk_int_t rc;

    if (script->broken) return ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT;
    script->deadline = GetTickCount64() + PAC_TIME_LIMIT_MS;
    script->cancelled = FALSE;
    script->fatal_jump = &jump;
    if (setjmp(jump)) return ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT;
    rc = duk_safe_call(script->ctx, fn, arg, nargs, 1);
    script->deadline = 0;   /* no limit between runs */
    if (rc != DUK_EXEC_SUCCESS)
    {
        WARN("script error: %s\n", debugstr_a(duk_safe_to_string(script->ctx, -1)));
        duk_pop(script->ctx);
        return script->cancelled ? ERROR_WINHTTP_OPERATION_CANCELLED : ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT;
    }
    return ERROR_SUCCESS;
}

/* The script's text as UTF-8: kept when it is valid UTF-8, else read as
   Latin-1 (older PAC files are). */
static char *script_utf8(const char *text, size_t len, size_t *out_len)
{
    WCHAR *wide;
    char *utf8 = NULL;
    int wide_len, utf8_len;

    if (len > PAC_MEMORY_LIMIT) return NULL;
    if (!(wide_len = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text, (int)len, NULL, 0)) && len)
    {
        wide_len = MultiByteToWideChar(28591, 0, text, (int)len, NULL, 0);
        if (!(wide = heap_alloc((wide_len + 1) * sizeof(WCHAR)))) return NULL;
        MultiByteToWideChar(28591, 0, text, (int)len, wide, wide_len);
        utf8_len = WideCharToMultiByte(CP_UTF8, 0, wide, wide_len, NULL, 0, NULL, NULL);
        if ((utf8 = heap_alloc(utf8_len + 1))) WideCharToMultiByte(CP_UTF8, 0, wide, wide_len, utf8, utf8_len, NULL, NULL);
        heap_free(wide);
        *out_len = utf8_len;
        return utf8;
    }
    if ((utf8 = heap_alloc(len + 1))) memcpy(utf8, text, len);
    *out_len = len;
    return utf8;
}

static duk_ret_t compile_and_run(duk_context *ctx, void *arg)
{
    /* the source string is on the stack; a file name makes errors readable */
    duk_push_string(ctx, "pac");
    duk_compile(ctx, 0);
    duk_call(ctx, 0);
    return 1;
}

static void script_destroy(struct pac_script *script)
{
    /* a heap that met a fatal error may be in any state: leak it */
    if (script->ctx && !script->broken) duk_destroy_heap(script->ctx);
    heap_free(script);
}

DWORD pac_script_load(const char *text, size_t len, struct pac_script **out)
{
    struct pac_script *script;
    size_t source_len;
    char *source;
    DWORD err;

    if (!(script = heap_alloc_zero(sizeof(*script)))) return ERROR_NOT_ENOUGH_MEMORY;
    InitializeSRWLock(&script->lock);
    script->ctx = duk_create_heap(alloc_block, realloc_block, free_block, script, fatal_error);
    if (!script->ctx || !(source = script_utf8(text, len, &source_len)))
    {
        script_destroy(script);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if ((err = guarded_call(script, pac_helpers_define, NULL, 0))) err = ERROR_NOT_ENOUGH_MEMORY;
    else if (duk_pop(script->ctx), !duk_check_stack(script->ctx, 4)) err = ERROR_NOT_ENOUGH_MEMORY;
    else
    {
        duk_push_lstring(script->ctx, source, source_len);
        if (!(err = guarded_call(script, compile_and_run, NULL, 1))) duk_pop(script->ctx);
    }
    heap_free(source);
    if (err)
    {
        script_destroy(script);
        return err == ERROR_WINHTTP_OPERATION_CANCELLED ? ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT : err;
    }
    *out = script;
    return ERROR_SUCCESS;
}

/* [url, host] on the stack: the script's answer, or an error thrown. */
static duk_ret_t find_proxy(duk_context *ctx, void *arg)
{
    duk_push_global_object(ctx);
    if (!duk_get_prop_string(ctx, -1, "FindProxyForURLEx") || !duk_is_function(ctx, -1))
    {
        duk_pop(ctx);
        if (!duk_get_prop_string(ctx, -1, "FindProxyForURL") || !duk_is_function(ctx, -1))
            return duk_error(ctx, DUK_ERR_TYPE_ERROR, "no FindProxyForURL function");
    }
    duk_dup(ctx, 0);
    duk_dup(ctx, 1);
    duk_call(ctx, 2);
    if (!duk_is_string(ctx, -1)) return duk_error(ctx, DUK_ERR_TYPE_ERROR, "FindProxyForURL returned no string");
    return 1;
}

static BOOL push_wide(duk_context *ctx, const WCHAR *text)
{
    int len = WideCharToMultiByte(CP_UTF8, 0, text, -1, NULL, 0, NULL, NULL);
    char *utf8 = len ? heap_alloc(len) : NULL;

    if (!utf8) return FALSE;
    WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, len, NULL, NULL);
    duk_push_lstring(ctx, utf8, len - 1);
    heap_free(utf8);
    return TRUE;
}

static WCHAR *to_wide(const char *utf8, size_t len)
{
    int wide_len = len ? MultiByteToWideChar(CP_UTF8, 0, utf8, (int)len, NULL, 0) : 0;
    WCHAR *wide = heap_alloc((wide_len + 1) * sizeof(WCHAR));

    if (!wide) return NULL;
    if (wide_len) MultiByteToWideChar(CP_UTF8, 0, utf8, (int)len, wide, wide_len);
    wide[wide_len] = 0;
    return wide;
}

static DWORD run_locked(struct pac_script *script, const WCHAR *url, const WCHAR *host, WCHAR **result)
{
    duk_context *ctx = script->ctx;
    const char *answer;
    duk_size_t len;
    DWORD err;

    if (script->broken) return ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT;
    if (!duk_check_stack(ctx, 4) || !push_wide(ctx, url)) return ERROR_NOT_ENOUGH_MEMORY;
    if (!push_wide(ctx, host))
    {
        duk_pop(ctx);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if ((err = guarded_call(script, find_proxy, NULL, 2))) return err;
    answer = duk_get_lstring(ctx, -1, &len);
    *result = to_wide(answer, len);
    duk_pop(ctx);
    return *result ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

DWORD pac_script_run(struct pac_script *script, const WCHAR *url, const WCHAR *host,
                     const volatile LONG *cancel, WCHAR **result)
{
    DWORD err;

    AcquireSRWLockExclusive(&script->lock);
    script->cancel = cancel;
    err = run_locked(script, url, host, result);
    script->cancel = NULL;
    ReleaseSRWLockExclusive(&script->lock);
    TRACE("%s %s -> %lu %s\n", debugstr_w(url), debugstr_w(host), err, err ? "" : debugstr_w(*result));
    return err;
}

void pac_script_free(struct pac_script *script)
{
    if (script) script_destroy(script);
}
