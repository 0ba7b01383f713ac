/* Basic credentials a server or proxy accepted, kept per session: a later
 * request of the session whose options (USERNAME/PASSWORD, or the proxy's)
 * hold the same credentials for the same protection space sends them with
 * its first try, as RFC 7617 section 2.2 allows ("a client MAY
 * preemptively send the related credentials"), instead of paying a 401
 * each time.  The space of a server is its origin and the directory of the
 * path that was accepted (every path at or below it); of a proxy, the
 * proxy.  Credentials are only ever sent where they were accepted. */
#ifndef WINHTTP_AUTH_CACHE_H
#define WINHTTP_AUTH_CACHE_H

#include "winhttp_private.h"

#define AUTH_CACHE_MAX 32

struct auth_cache_entry;

struct auth_cache
{
    SRWLOCK lock;
    struct auth_cache_entry *entries;   /* newest first */
};

void auth_cache_init(struct auth_cache *cache);
void auth_cache_free(struct auth_cache *cache);
/* Basic with identity (see auth_identity) was accepted at space. */
void auth_cache_add(struct auth_cache *cache, const WCHAR *space, const WCHAR *identity, BOOL utf8);
/* Whether identity's Basic was accepted at or above space; *utf8 as it was. */
BOOL auth_cache_find(struct auth_cache *cache, const WCHAR *space, const WCHAR *identity, BOOL *utf8);

#endif
