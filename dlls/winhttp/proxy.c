/* The proxy resolver and the proxy settings APIs of Windows 8 and later.
 * Not implemented yet: each export says so with ERROR_CALL_NOT_IMPLEMENTED
 * and a FIXME.  The registry settings are proxy_settings.c's, WPAD
 * detection proxy_detect.c's. */
#include "winhttp_private.h"

BOOL WINAPI WinHttpGetProxyForUrl(HINTERNET session, LPCWSTR url, WINHTTP_AUTOPROXY_OPTIONS *options,
                                  WINHTTP_PROXY_INFO *info)
{
    TRACE("%p, %s, %p, %p\n", session, debugstr_w(url), options, info);
    NOT_IMPLEMENTED(FALSE);
}

DWORD WINAPI WinHttpCreateProxyResolver(HINTERNET session, HINTERNET *resolver)
{
    TRACE("%p, %p\n", session, resolver);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpGetProxyForUrlEx(HINTERNET resolver, PCWSTR url, WINHTTP_AUTOPROXY_OPTIONS *options,
                                     DWORD_PTR context)
{
    TRACE("%p, %s, %p, %Ix\n", resolver, debugstr_w(url), options, context);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpGetProxyForUrlEx2(HINTERNET resolver, PCWSTR url, WINHTTP_AUTOPROXY_OPTIONS *options,
                                      DWORD selection_size, BYTE *selection, DWORD_PTR context)
{
    TRACE("%p, %s, %p, %lu, %p, %Ix\n", resolver, debugstr_w(url), options, selection_size, selection, context);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpGetProxyResult(HINTERNET resolver, WINHTTP_PROXY_RESULT *result)
{
    TRACE("%p, %p\n", resolver, result);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpGetProxyResultEx(HINTERNET resolver, WINHTTP_PROXY_RESULT_EX *result)
{
    TRACE("%p, %p\n", resolver, result);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

VOID WINAPI WinHttpFreeProxyResult(WINHTTP_PROXY_RESULT *result)
{
    TRACE("%p\n", result);
    FIXME("not implemented\n");
}

VOID WINAPI WinHttpFreeProxyResultEx(WINHTTP_PROXY_RESULT_EX *result)
{
    TRACE("%p\n", result);
    FIXME("not implemented\n");
}

DWORD WINAPI WinHttpResetAutoProxy(HINTERNET session, DWORD flags)
{
    TRACE("%p, %#lx\n", session, flags);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpReadProxySettings(HINTERNET session, PCWSTR connection, BOOL fallback_to_default,
                                      BOOL set_autodiscover, DWORD *version, BOOL *defaults_returned,
                                      WINHTTP_PROXY_SETTINGS *settings)
{
    TRACE("%p, %s, %d, %d, %p, %p, %p\n", session, debugstr_w(connection), fallback_to_default, set_autodiscover,
          version, defaults_returned, settings);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpWriteProxySettings(HINTERNET session, BOOL force, WINHTTP_PROXY_SETTINGS *settings)
{
    TRACE("%p, %d, %p\n", session, force, settings);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

VOID WINAPI WinHttpFreeProxySettings(WINHTTP_PROXY_SETTINGS *settings)
{
    TRACE("%p\n", settings);
    FIXME("not implemented\n");
}

DWORD WINAPI WinHttpGetProxySettingsVersion(HINTERNET session, DWORD *version)
{
    TRACE("%p, %p\n", session, version);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpSetProxySettingsPerUser(BOOL per_user)
{
    TRACE("%d\n", per_user);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpGetProxySettingsEx(HINTERNET resolver, WINHTTP_PROXY_SETTINGS_TYPE type,
                                       PWINHTTP_PROXY_SETTINGS_PARAM param, DWORD_PTR context)
{
    TRACE("%p, %d, %p, %Ix\n", resolver, type, param, context);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpGetProxySettingsResultEx(HINTERNET resolver, PVOID settings)
{
    TRACE("%p, %p\n", resolver, settings);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpFreeProxySettingsEx(WINHTTP_PROXY_SETTINGS_TYPE type, PVOID settings)
{
    TRACE("%d, %p\n", type, settings);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpRegisterProxyChangeNotification(ULONGLONG flags, WINHTTP_PROXY_CHANGE_CALLBACK callback,
                                                    PVOID context, WINHTTP_PROXY_CHANGE_NOTIFICATION_HANDLE *handle)
{
    TRACE("%#I64x, %p, %p, %p\n", flags, callback, context, handle);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}

DWORD WINAPI WinHttpUnregisterProxyChangeNotification(WINHTTP_PROXY_CHANGE_NOTIFICATION_HANDLE handle)
{
    TRACE("%p\n", handle);
    NOT_IMPLEMENTED(ERROR_CALL_NOT_IMPLEMENTED);
}
