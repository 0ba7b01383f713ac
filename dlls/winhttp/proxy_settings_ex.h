/* The per-connection proxy settings (proxy_settings_ex.c), for
 * WinHttpGetProxySettingsEx (proxy_settings_query.c). */
#ifndef WINHTTP_PROXY_SETTINGS_EX_H
#define WINHTTP_PROXY_SETTINGS_EX_H

#include "winhttp_private.h"
#include "proxy_config.h"
#include "proxy_settings.h"

/* The stored settings of a connection (NULL: the default one), in the
   current scope (the user's, or the machine's by policy).  The blob points
   into *data (heap, NULL when none), which the caller frees.
   ERROR_FILE_NOT_FOUND when none are stored or they are malformed. */
DWORD proxy_settings_load(const WCHAR *connection, BYTE **data, struct proxy_blob *blob);

/* A blob's 8-bit string as a heap string, NULL when empty; sets *oom when
   out of memory. */

#endif
