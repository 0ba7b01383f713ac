/* IDispatch of the WinHttpRequest object through its type library (the
 * DLL's TYPELIB resource 1), IProvideClassInfo and ISupportErrorInfo, and
 * the error information a failing method leaves for script engines
 * (IErrorInfo: what EXCEPINFO and Err.Description show). */
#include "com_private.h"

static INIT_ONCE typelib_once = INIT_ONCE_STATIC_INIT;
static ITypeLib *typelib;

static BOOL CALLBACK load_typelib(INIT_ONCE *once, void *param, void **context)
{
    WCHAR path[MAX_PATH];
    HRESULT hr;

    if (!GetModuleFileNameW(winhttp_instance, path, ARRAY_SIZE(path)))
        hr = HRESULT_FROM_WIN32(GetLastError());
    else hr = LoadTypeLibEx(path, REGKIND_NONE, &typelib);
    if (FAILED(hr)) ERR("cannot load the type library: %#lx\n", hr);
    return TRUE;
}

HRESULT com_get_typeinfo(REFGUID guid, ITypeInfo **info)
{
    InitOnceExecuteOnce(&typelib_once, load_typelib, NULL, NULL);
    if (!typelib) return TYPE_E_CANTLOADLIBRARY;
    return ITypeLib_GetTypeInfoOfGuid(typelib, guid, info);
}

/* ---- IDispatch ----------------------------------------------------------------------- */

HRESULT WINAPI com_GetTypeInfoCount(IWinHttpRequest *iface, UINT *count)
{
    if (!count) return E_INVALIDARG;
    *count = 1;
    return S_OK;
}

HRESULT WINAPI com_GetTypeInfo(IWinHttpRequest *iface, UINT index, LCID lcid, ITypeInfo **info)
{
    if (!info) return E_INVALIDARG;
    *info = NULL;
    if (index) return DISP_E_BADINDEX;
    return com_get_typeinfo(&IID_IWinHttpRequest, info);
}

HRESULT WINAPI com_GetIDsOfNames(IWinHttpRequest *iface, REFIID riid, LPOLESTR *names, UINT count,
                                 LCID lcid, DISPID *ids)
{
    ITypeInfo *info;
    HRESULT hr;

    if (!IsEqualIID(riid, &IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
    if (!names || !ids || !count) return E_INVALIDARG;
    if (FAILED(hr = com_get_typeinfo(&IID_IWinHttpRequest, &info))) return hr;
    hr = ITypeInfo_GetIDsOfNames(info, names, count, ids);
    ITypeInfo_Release(info);
    return hr;
}

/* The option index of an Option call: the first argument in the caller's
 * order, the last in rgvarg. */
static HRESULT option_index(DISPPARAMS *params, LONG *index)
{
    VARIANT converted;
    HRESULT hr;

    if (!params->cArgs) return DISP_E_PARAMNOTFOUND;
    VariantInit(&converted);
    if (FAILED(hr = VariantChangeType(&converted, &params->rgvarg[params->cArgs - 1], 0, VT_I4)))
        return DISP_E_TYPEMISMATCH;
    *index = V_I4(&converted);
    return S_OK;
}

/* Option is read whenever the call is a method call or a property get, and
 * written only by a pure property put, as native does; a call with no flag
 * succeeds and returns nothing. */
static HRESULT invoke_option(IWinHttpRequest *iface, WORD flags, DISPPARAMS *params, VARIANT *result)
{
    VARIANT value;
    LONG index;
    HRESULT hr;

    if (!flags)
    {
        if (result) V_VT(result) = VT_EMPTY;
        return S_OK;
    }
    if (!params) return E_INVALIDARG;
    if (FAILED(hr = option_index(params, &index))) return hr;
    if (flags == DISPATCH_PROPERTYPUT || flags == DISPATCH_PROPERTYPUTREF)
    {
        if (params->cArgs < 2) return DISP_E_PARAMNOTFOUND;
        return IWinHttpRequest_put_Option(iface, index, params->rgvarg[0]);
    }
    VariantInit(&value);
    hr = IWinHttpRequest_get_Option(iface, index, &value);
    if (SUCCEEDED(hr) && result) *result = value;
    else VariantClear(&value);
    return hr;
}

HRESULT WINAPI com_Invoke(IWinHttpRequest *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
                          DISPPARAMS *params, VARIANT *result, EXCEPINFO *excepinfo, UINT *argerr)
{
    ITypeInfo *info;
    HRESULT hr;

    TRACE("%p, %ld, %#x\n", iface, id, flags);
    if (!IsEqualIID(riid, &IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
    if (id == DISPID_HTTPREQUEST_OPTION) return invoke_option(iface, flags, params, result);
    if (FAILED(hr = com_get_typeinfo(&IID_IWinHttpRequest, &info))) return hr;
    hr = ITypeInfo_Invoke(info, iface, id, flags, params, result, excepinfo, argerr);
    ITypeInfo_Release(info);
    return hr;
}

/* ---- IProvideClassInfo, ISupportErrorInfo ------------------------------------------- */

static struct com_request *impl_from_classinfo(IProvideClassInfo *iface)
{
    return CONTAINING_RECORD(iface, struct com_request, IProvideClassInfo_iface);
}

static HRESULT WINAPI classinfo_QueryInterface(IProvideClassInfo *iface, REFIID iid, void **out)
{
    return IWinHttpRequest_QueryInterface(&impl_from_classinfo(iface)->IWinHttpRequest_iface, iid, out);
}

static ULONG WINAPI classinfo_AddRef(IProvideClassInfo *iface)
{
    return IWinHttpRequest_AddRef(&impl_from_classinfo(iface)->IWinHttpRequest_iface);
}

static ULONG WINAPI classinfo_Release(IProvideClassInfo *iface)
{
    return IWinHttpRequest_Release(&impl_from_classinfo(iface)->IWinHttpRequest_iface);
}

static HRESULT WINAPI classinfo_GetClassInfo(IProvideClassInfo *iface, ITypeInfo **info)
{
    if (!info) return E_POINTER;
    *info = NULL;
    return com_get_typeinfo(&CLSID_WinHttpRequest, info);
}

const IProvideClassInfoVtbl com_classinfo_vtbl =
{
    classinfo_QueryInterface, classinfo_AddRef, classinfo_Release, classinfo_GetClassInfo,
};

static struct com_request *impl_from_errorinfo(ISupportErrorInfo *iface)
{
    return CONTAINING_RECORD(iface, struct com_request, ISupportErrorInfo_iface);
}

static HRESULT WINAPI errorinfo_QueryInterface(ISupportErrorInfo *iface, REFIID iid, void **out)
{
    return IWinHttpRequest_QueryInterface(&impl_from_errorinfo(iface)->IWinHttpRequest_iface, iid, out);
}

static ULONG WINAPI errorinfo_AddRef(ISupportErrorInfo *iface)
{
    return IWinHttpRequest_AddRef(&impl_from_errorinfo(iface)->IWinHttpRequest_iface);
}

static ULONG WINAPI errorinfo_Release(ISupportErrorInfo *iface)
{
    return IWinHttpRequest_Release(&impl_from_errorinfo(iface)->IWinHttpRequest_iface);
}

static HRESULT WINAPI errorinfo_InterfaceSupportsErrorInfo(ISupportErrorInfo *iface, REFIID iid)
{
    return IsEqualIID(iid, &IID_IWinHttpRequest) ? S_OK : S_FALSE;
}

const ISupportErrorInfoVtbl com_errorinfo_vtbl =
{
    errorinfo_QueryInterface, errorinfo_AddRef, errorinfo_Release, errorinfo_InterfaceSupportsErrorInfo,
};

/* ---- error information --------------------------------------------------------------- */

WCHAR *com_error_text(HRESULT hr)
{
    DWORD code = HRESULT_FACILITY(hr) == FACILITY_WIN32 ? HRESULT_CODE(hr) : (DWORD)hr;
    WCHAR *text = NULL, *copy;
    DWORD length;

    /* WinHTTP's own messages are in this DLL's message table, the rest in
     * the system's */
    length = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_HMODULE |
                            FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                            winhttp_instance, code, 0, (WCHAR *)&text, 0, NULL);
    if (!length && code != (DWORD)hr)
        length = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                FORMAT_MESSAGE_IGNORE_INSERTS, NULL, hr, 0, (WCHAR *)&text, 0, NULL);
    while (length && (text[length - 1] == '\n' || text[length - 1] == '\r')) text[--length] = 0;
    if (!length)
    {
        if (text) LocalFree(text);
        if (!(copy = heap_alloc(32 * sizeof(WCHAR)))) return NULL;
        _snwprintf(copy, 32, L"error %#lx", hr);
        copy[31] = 0;
        return copy;
    }
    copy = strdupW(text);
    LocalFree(text);
    return copy;
}

HRESULT com_result(HRESULT hr)
{
    ICreateErrorInfo *create;
    IErrorInfo *info;
    WCHAR *text;

    /* on success the error information is left alone: callers read it
     * only after a failure, which always sets it */
    if (SUCCEEDED(hr)) return hr;
    TRACE("failing with %#lx\n", hr);
    if (FAILED(CreateErrorInfo(&create))) return hr;
    ICreateErrorInfo_SetGUID(create, &IID_IWinHttpRequest);
    ICreateErrorInfo_SetSource(create, (WCHAR *)L"WinHttp.WinHttpRequest");
    if ((text = com_error_text(hr)))
    {
        ICreateErrorInfo_SetDescription(create, text);
        heap_free(text);
    }
    if (SUCCEEDED(ICreateErrorInfo_QueryInterface(create, &IID_IErrorInfo, (void **)&info)))
    {
        SetErrorInfo(0, info);
        IErrorInfo_Release(info);
    }
    ICreateErrorInfo_Release(create);
    return hr;
}
