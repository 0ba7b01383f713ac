/* WinHttpRegisterProxyChangeNotification and
 * WinHttpUnregisterProxyChangeNotification.
 *
 * A registration watches the registry keys the proxy settings live in: the
 * user's Internet Settings with its subkeys (IE's values, the per-connection
 * settings) and the machine's Connections key (WinHttpSettings, the
 * per-connection settings under the machine policy).  RegNotifyChangeKeyValue
 * signals one event, a thread-pool wait runs the callback and arms the watch
 * again, so a change made while the callback runs is reported too.
 * Unregistering stops the wait and returns only when no callback of the
 * registration is running (but for the one it is called from).  The
 * registration handle is checked against the live ones, so a stale or forged
 * handle is ERROR_INVALID_HANDLE rather than a crash. */
#include "winhttp_private.h"

static const WCHAR internet_settings_key[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
static const WCHAR connections_key[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections";

#define WATCH_FILTER (REG_NOTIFY_CHANGE_NAME | REG_NOTIFY_CHANGE_LAST_SET)

struct registration
{
    struct registration *next;
    WINHTTP_PROXY_CHANGE_CALLBACK callback;
    void *context;
    ULONGLONG flags;
    HKEY user_key, machine_key;     /* NULL when the key cannot be opened */
    HANDLE event;
    TP_WAIT *wait;
    SRWLOCK lock;
    BOOL closing;                   /* unregistered: arm nothing, call nothing */
    BOOL free_on_return;            /* unregistered from its own callback */
    DWORD callback_thread;          /* the thread inside the callback, or 0 */
};

static SRWLOCK registrations_lock = SRWLOCK_INIT;
static struct registration *registrations;

/* ---- watching ----------------------------------------------------------------------------- */

/* Asks for the next change of one key.  Thread-agnostic, as the pool thread
   that asks may exit before the change comes. */
static void watch_key(HKEY key, BOOL subtree, HANDLE event)
{
    LONG err;

    if (!key) return;
    err = RegNotifyChangeKeyValue(key, subtree, WATCH_FILTER | REG_NOTIFY_THREAD_AGNOSTIC, event, TRUE);
    if (err == ERROR_INVALID_PARAMETER) err = RegNotifyChangeKeyValue(key, subtree, WATCH_FILTER, event, TRUE);
    if (err) WARN("cannot watch %p: %ld\n", key, err);
}

static void watch(struct registration *reg)
{
    watch_key(reg->user_key, TRUE, reg->event);
    watch_key(reg->machine_key, FALSE, reg->event);
}

static void registration_free(struct registration *reg)
{
    if (reg->wait) CloseThreadpoolWait(reg->wait);
    if (reg->user_key) RegCloseKey(reg->user_key);
    if (reg->machine_key) RegCloseKey(reg->machine_key);
    if (reg->event) CloseHandle(reg->event);
    heap_free(reg);
}

static void CALLBACK changed(TP_CALLBACK_INSTANCE *instance, void *context, TP_WAIT *wait, TP_WAIT_RESULT result)
{
    struct registration *reg = context;
    BOOL call, free_now;

    AcquireSRWLockExclusive(&reg->lock);
    if ((call = !reg->closing))
    {
        /* watch again before calling: a change during the callback is not lost */
        watch(reg);
        SetThreadpoolWait(reg->wait, reg->event, NULL);
        reg->callback_thread = GetCurrentThreadId();
    }
    ReleaseSRWLockExclusive(&reg->lock);
    if (!call) return;
    TRACE("proxy settings changed: calling %p(%#I64x, %p)\n", reg->callback, reg->flags, reg->context);
    reg->callback(reg->flags, reg->context);
    AcquireSRWLockExclusive(&reg->lock);
    reg->callback_thread = 0;
    free_now = reg->free_on_return;
    ReleaseSRWLockExclusive(&reg->lock);
    if (free_now) registration_free(reg);
}

/* ---- the APIs ------------------------------------------------------------------------------- */

static DWORD registration_start(struct registration *reg)
{
    if (RegCreateKeyExW(HKEY_CURRENT_USER, internet_settings_key, 0, NULL, 0, KEY_NOTIFY, NULL, &reg->user_key, NULL))
        reg->user_key = NULL;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, connections_key, 0, KEY_NOTIFY | KEY_WOW64_64KEY, &reg->machine_key))
        reg->machine_key = NULL;
    if (!reg->user_key && !reg->machine_key) return ERROR_FILE_NOT_FOUND;
    if (!(reg->event = CreateEventW(NULL, FALSE, FALSE, NULL))) return GetLastError();
    if (!(reg->wait = CreateThreadpoolWait(changed, reg, NULL))) return GetLastError();
    watch(reg);
    SetThreadpoolWait(reg->wait, reg->event, NULL);
    return ERROR_SUCCESS;
}

DWORD WINAPI WinHttpRegisterProxyChangeNotification(ULONGLONG flags, WINHTTP_PROXY_CHANGE_CALLBACK callback,
                                                    PVOID context, WINHTTP_PROXY_CHANGE_NOTIFICATION_HANDLE *handle)
{
    struct registration *reg;
    DWORD err;

    TRACE("%#I64x, %p, %p, %p\n", flags, callback, context, handle);

    if (flags != WINHTTP_PROXY_NOTIFY_CHANGE || !callback || !handle)
        return FAIL(ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    if (!(reg = heap_alloc_zero(sizeof(*reg)))) return FAIL(ERROR_NOT_ENOUGH_MEMORY, ERROR_NOT_ENOUGH_MEMORY);
    reg->callback = callback;
    reg->context = context;
    reg->flags = flags;
    InitializeSRWLock(&reg->lock);
    if ((err = registration_start(reg)))
    {
        WARN("cannot watch the settings: %lu\n", err);
        registration_free(reg);
        return FAIL(err, err);
    }
    AcquireSRWLockExclusive(&registrations_lock);
    reg->next = registrations;
    registrations = reg;
    ReleaseSRWLockExclusive(&registrations_lock);
    *handle = reg;
    SetLastError(ERROR_SUCCESS);
    return ERROR_SUCCESS;
}

/* Takes a live registration off the list; NULL when the handle is none. */
static struct registration *unlink_registration(void *handle)
{
    struct registration **r, *reg = NULL;

    AcquireSRWLockExclusive(&registrations_lock);
    for (r = &registrations; *r; r = &(*r)->next)
        if (*r == handle)
        {
            reg = *r;
            *r = reg->next;
            break;
        }
    ReleaseSRWLockExclusive(&registrations_lock);
    return reg;
}

DWORD WINAPI WinHttpUnregisterProxyChangeNotification(WINHTTP_PROXY_CHANGE_NOTIFICATION_HANDLE handle)
{
    struct registration *reg;
    BOOL inside;

    TRACE("%p\n", handle);

    if (!handle || !(reg = unlink_registration(handle))) return FAIL(ERROR_INVALID_HANDLE, ERROR_INVALID_HANDLE);
    AcquireSRWLockExclusive(&reg->lock);
    reg->closing = TRUE;
    SetThreadpoolWait(reg->wait, NULL, NULL);
    if ((inside = reg->callback_thread == GetCurrentThreadId())) reg->free_on_return = TRUE;
    ReleaseSRWLockExclusive(&reg->lock);
    if (!inside)
    {
        /* a callback already started runs to its end before this returns */
        WaitForThreadpoolWaitCallbacks(reg->wait, TRUE);
        registration_free(reg);
    }
    SetLastError(ERROR_SUCCESS);
    return ERROR_SUCCESS;
}
