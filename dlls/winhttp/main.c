/* DLL entry points: DllMain, the COM registration entry points, and
 * WinHttpCheckPlatform. */
#include "winhttp_private.h"
#include "tls.h"
#include "pool.h"

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
        tls_unload();
        break;
    }
    return TRUE;
}

/* The WinHttpRequest COM object is not implemented yet: its class is not
 * offered, and the registration entry points say so. */
HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID iid, void **out)
{
    FIXME("%p, %p, %p: WinHttpRequest COM object not implemented\n", clsid, iid, out);
    if (out) *out = NULL;
    return CLASS_E_CLASSNOTAVAILABLE;
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    return object_count() ? S_FALSE : S_OK;
}

HRESULT WINAPI DllRegisterServer(void)
{
    FIXME("not implemented\n");
    return E_NOTIMPL;
}

HRESULT WINAPI DllUnregisterServer(void)
{
    FIXME("not implemented\n");
    return E_NOTIMPL;
}

BOOL WINAPI WinHttpCheckPlatform(void)
{
    TRACE("\n");
    return TRUE;
}
