/* DLL entry points: DllMain and WinHttpCheckPlatform (the COM entry
 * points are in com_factory.c and com_register.c). */
#include "winhttp_private.h"
#include "tls.h"
#include "pool.h"
#include "h2_link.h"

HINSTANCE winhttp_instance;

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    switch (reason)
    {
    case DLL_PROCESS_ATTACH:
        winhttp_instance = instance;
        debug_init();
        TRACE("%p loaded\n", instance);
        break;
    case DLL_THREAD_DETACH:
        tls_thread_detach();
        break;
    case DLL_PROCESS_DETACH:
        /* At process exit (reserved != NULL) other threads are gone and the
         * heap goes with the process: nothing to free. */
        if (reserved) break;
        TRACE("unloading, %ld objects alive\n", object_count());
        pool_close_idle();
        h2_link_close_all();
        tls_unload();
        com_events_unload();
        break;
    }
    return TRUE;
}

BOOL WINAPI WinHttpCheckPlatform(void)
{
    TRACE("\n");
    return TRUE;
}
