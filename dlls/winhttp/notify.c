/* Status callbacks: mask filtering, context value, WinHttpSetStatusCallback. */
#include "winhttp_private.h"

/* Every WINHTTP_CALLBACK_FLAG_* bit is the status code it enables (the
 * HANDLES flag covers both CREATED and CLOSING), so the mask test is a plain
 * AND with the status. */
void notify(struct object *obj, DWORD status, void *info, DWORD length)
{
    WINHTTP_STATUS_CALLBACK callback = obj->callback;

    if (!callback || !(obj->notify_mask & status)) return;
    TRACE("%p status %#lx info %p length %lu\n", obj->handle, status, info, length);
    callback(obj->handle, obj->context, status, info, length);
    TRACE("%p status %#lx returned\n", obj->handle, status);
}

WINHTTP_STATUS_CALLBACK WINAPI WinHttpSetStatusCallback(HINTERNET handle, WINHTTP_STATUS_CALLBACK callback,
                                                        DWORD flags, DWORD_PTR reserved)
{
    WINHTTP_STATUS_CALLBACK previous;
    struct object *obj;

    TRACE("%p, %p, %#lx, %Ix\n", handle, callback, flags, reserved);

    if (!(obj = handle_ref(handle))) return WINHTTP_INVALID_STATUS_CALLBACK;
    /* Deliberately not synchronised with callbacks already running on other
     * threads, as documented: the application must tolerate one in flight. */
    previous = obj->callback;
    obj->callback = callback;
    obj->notify_mask = callback ? flags : 0;
    object_release(obj);
    SetLastError(ERROR_SUCCESS);
    return previous;
}
