/* The system's proxy settings, for the rest of the DLL (proxy_settings.c). */
#ifndef WINHTTP_PROXY_SETTINGS_H
#define WINHTTP_PROXY_SETTINGS_H

#include <windows.h>
#include "proxy_config.h"

/* The WinHTTP default proxy configuration, what WINHTTP_ACCESS_TYPE_DEFAULT_PROXY
   uses: the WinHttpSettings registry value, or, under Wine with no value
   set, the http_proxy/https_proxy/no_proxy environment variables.  Gives
   WINHTTP_ACCESS_TYPE_NAMED_PROXY with heap_alloc'd *proxy and *bypass
   (*bypass may be NULL), or WINHTTP_ACCESS_TYPE_NO_PROXY with both NULL.
   Returns ERROR_SUCCESS or ERROR_NOT_ENOUGH_MEMORY. */
DWORD proxy_default_config(DWORD *access_type, WCHAR **proxy, WCHAR **bypass);

/* Whether this DLL runs under Wine, where Linux users configure proxies in
   the environment rather than in the registry. */
BOOL proxy_running_under_wine(void);

/* A registry blob's 8-bit string as a heap string; NULL when empty (and
   *oom set when out of memory). */
WCHAR *proxy_blob_widen(const struct proxy_blob_string *s, BOOL *oom);
/* A REG_BINARY value's bytes (heap), or NULL when absent or of another type. */
BYTE *proxy_read_binary(HKEY key, const WCHAR *name, DWORD *size);
/* A copy the caller frees with GlobalFree (the proxy APIs' documented
   contract), or NULL for NULL or out of memory. */
WCHAR *proxy_global_copy(const WCHAR *str);
/* Whether a string (NULL too) is 7-bit: what the 8-bit blobs can hold. */
BOOL proxy_is_ascii(const WCHAR *str);

#endif
