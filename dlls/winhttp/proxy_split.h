/* Proxy settings taken apart for WINHTTP_PROXY_SETTINGS_EX, which gives the
 * HTTP and HTTPS proxies as URLs and the bypass list as an array
 * (proxy_split.c).  Pure C, like proxy_config.h. */
#ifndef WINHTTP_PROXY_SPLIT_H
#define WINHTTP_PROXY_SPLIT_H

#include "proxy_config.h"

/* The bypass list's next entry at or after *pos (entries separated by ';',
   ',' and whitespace, as proxy_bypass_match reads them); moves *pos past
   it.  Returns 0 when only separators are left. */
int proxy_bypass_next(const wchar16 *list, size_t len, size_t *pos, const wchar16 **entry, size_t *entry_len);

/* The entry as "http://host:port" (a WinHTTP proxy is spoken to in plain
   HTTP, whichever scheme it serves).  Returns the length without the NUL
   and writes the NUL-terminated URL only when capacity is larger. */
size_t proxy_entry_url(const struct proxy_entry *entry, wchar16 *out, size_t capacity);

#endif
