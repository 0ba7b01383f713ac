/* The WinHttpRequest class object: DllGetClassObject and DllCanUnloadNow,
 * which counts live COM objects (requests and response streams) and
 * LockServer's locks along with the API's handles. */
#include "com_private.h"
#include "handle.h"

static LONG com_objects;

void com_object_created(void)
{
    InterlockedIncrement(&com_objects);
}

void com_object_destroyed(void)
{
    InterlockedDecrement(&com_objects);
}

static HRESULT WINAPI factory_QueryInterface(IClassFactory *iface, REFIID iid, void **out)
{
    if (!out) return E_POINTER;
    if (IsEqualIID(iid, &IID_IUnknown) || IsEqualIID(iid, &IID_IClassFactory))
    {
        *out = iface;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

/* the class object is static: its references do not count */
static ULONG WINAPI factory_AddRef(IClassFactory *iface)
{
    return 2;
}

static ULONG WINAPI factory_Release(IClassFactory *iface)
{
    return 1;
}

static HRESULT WINAPI factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID iid, void **out)
{
    TRACE("%p, %s, %p\n", outer, debugstr_guid(iid), out);
    if (!out) return E_POINTER;
    return com_request_create(outer, iid, out);
}

static HRESULT WINAPI factory_LockServer(IClassFactory *iface, BOOL lock)
{
    TRACE("%d\n", lock);
    if (lock) com_object_created();
    else com_object_destroyed();
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl =
{
    factory_QueryInterface, factory_AddRef, factory_Release, factory_CreateInstance, factory_LockServer,
};

static IClassFactory request_factory = { &factory_vtbl };

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID iid, void **out)
{
    TRACE("%s, %s, %p\n", debugstr_guid(clsid), debugstr_guid(iid), out);
    if (!out) return E_POINTER;
    *out = NULL;
    if (!IsEqualCLSID(clsid, &CLSID_WinHttpRequest))
    {
        WARN("unknown class %s\n", debugstr_guid(clsid));
        return CLASS_E_CLASSNOTAVAILABLE;
    }
    return IClassFactory_QueryInterface(&request_factory, iid, out);
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    return com_objects || object_count() ? S_FALSE : S_OK;
}
