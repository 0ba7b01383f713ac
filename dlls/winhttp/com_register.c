/* DllRegisterServer and DllUnregisterServer: the WinHttpRequest class under
 * HKEY_CLASSES_ROOT (CLSID with InprocServer32 naming this very DLL file,
 * ThreadingModel Apartment, both ProgIDs, TypeLib and Version), and the type
 * library with its interfaces (RegisterTypeLib: the automation marshaler
 * for IWinHttpRequest and IWinHttpRequestEvents). */
#include "com_private.h"

#define CLSID_KEY L"CLSID\\{2087C2F4-2CEF-4953-A8AB-66779B670495}"
#define CLSID_TEXT L"{2087C2F4-2CEF-4953-A8AB-66779B670495}"
#define LIBID_TEXT L"{662901FC-6951-4854-9EB2-D9A2570F2B2E}"
#define PROGID L"WinHttp.WinHttpRequest.5.1"
#define PROGID_ANY_VERSION L"WinHttp.WinHttpRequest"
#define DESCRIPTION L"WinHttpRequest Component version 5.1"

static LSTATUS set_value(const WCHAR *key_name, const WCHAR *name, const WCHAR *value)
{
    HKEY key;
    LSTATUS status = RegCreateKeyExW(HKEY_CLASSES_ROOT, key_name, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL);

    if (status) return status;
    status = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)value, (wcslen(value) + 1) * sizeof(WCHAR));
    RegCloseKey(key);
    return status;
}

static LSTATUS register_class(const WCHAR *path)
{
    static const WCHAR *const values[][3] =
    {
        { CLSID_KEY, NULL, DESCRIPTION },
        { CLSID_KEY L"\\InprocServer32", L"ThreadingModel", L"Apartment" },
        { CLSID_KEY L"\\ProgID", NULL, PROGID },
        { CLSID_KEY L"\\VersionIndependentProgID", NULL, PROGID_ANY_VERSION },
        { CLSID_KEY L"\\TypeLib", NULL, LIBID_TEXT },
        { CLSID_KEY L"\\Version", NULL, L"5.1" },
        { PROGID, NULL, DESCRIPTION },
        { PROGID L"\\CLSID", NULL, CLSID_TEXT },
        { PROGID_ANY_VERSION, NULL, DESCRIPTION },
        { PROGID_ANY_VERSION L"\\CLSID", NULL, CLSID_TEXT },
        { PROGID_ANY_VERSION L"\\CurVer", NULL, PROGID },
    };
    LSTATUS status = set_value(CLSID_KEY L"\\InprocServer32", NULL, path);
    size_t i;

    for (i = 0; !status && i < ARRAY_SIZE(values); i++)
        status = set_value(values[i][0], values[i][1], values[i][2]);
    return status;
}

HRESULT WINAPI DllRegisterServer(void)
{
    WCHAR path[MAX_PATH];
    ITypeLib *typelib;
    LSTATUS status;
    HRESULT hr;

    if (!GetModuleFileNameW(winhttp_instance, path, ARRAY_SIZE(path))) return HRESULT_FROM_WIN32(GetLastError());
    TRACE("%s\n", debugstr_w(path));
    if ((status = register_class(path)))
    {
        ERR("cannot register the class: %ld\n", status);
        return HRESULT_FROM_WIN32(status);
    }
    if (FAILED(hr = LoadTypeLibEx(path, REGKIND_NONE, &typelib))) return hr;
    hr = RegisterTypeLib(typelib, path, NULL);
    ITypeLib_Release(typelib);
    if (FAILED(hr)) ERR("cannot register the type library: %#lx\n", hr);
    return hr;
}

HRESULT WINAPI DllUnregisterServer(void)
{
    static const WCHAR *const keys[] = { CLSID_KEY, PROGID, PROGID_ANY_VERSION };
    HRESULT hr = S_OK;
    LSTATUS status;
    size_t i;

    TRACE("\n");
    for (i = 0; i < ARRAY_SIZE(keys); i++)
        if ((status = RegDeleteTreeW(HKEY_CLASSES_ROOT, keys[i])) && status != ERROR_FILE_NOT_FOUND)
            hr = HRESULT_FROM_WIN32(status);
    if (FAILED(UnRegisterTypeLib(&LIBID_WinHttp, 5, 1, LOCALE_NEUTRAL, sizeof(void *) == 8 ? SYS_WIN64 : SYS_WIN32)))
        WARN("the type library was not registered\n");
    return hr;
}
