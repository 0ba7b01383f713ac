/* The session's accepted Basic credentials: see auth_cache.h.  It holds a
 * hash of each password (auth_identity), never the password. */
#include "auth_cache.h"

struct auth_cache_entry
{
    struct auth_cache_entry *next;
    WCHAR *space;               /* "http://host:port/dir/" or "proxy host:port" */
    WCHAR *identity;
    BOOL utf8;
};

static void entry_free(struct auth_cache_entry *entry)
{
    heap_free(entry->space);
    heap_free(entry->identity);
    heap_free(entry);
}

void auth_cache_init(struct auth_cache *cache)
{
    InitializeSRWLock(&cache->lock);
    cache->entries = NULL;
}

void auth_cache_free(struct auth_cache *cache)
{
    struct auth_cache_entry *entry;

    while ((entry = cache->entries))
    {
        cache->entries = entry->next;
        entry_free(entry);
    }
}

static BOOL covers(const struct auth_cache_entry *entry, const WCHAR *space, const WCHAR *identity)
{
    return !wcsncmp(space, entry->space, lstrlenW(entry->space)) && !lstrcmpW(identity, entry->identity);
}

void auth_cache_add(struct auth_cache *cache, const WCHAR *space, const WCHAR *identity, BOOL utf8)
{
    struct auth_cache_entry *entry = heap_alloc_zero(sizeof(*entry)), **link, *old;
    unsigned count = 0;

    if (!entry || !(entry->space = strdupW(space)) || !(entry->identity = strdupW(identity)))
    {
        if (entry) entry_free(entry);
        return;
    }
    entry->utf8 = utf8;
    AcquireSRWLockExclusive(&cache->lock);
    /* the same space and user replace what was there; the oldest go past the limit */
    for (link = &cache->entries; (old = *link);)
    {
        if ((!lstrcmpW(old->space, space) && !lstrcmpW(old->identity, identity)) || ++count >= AUTH_CACHE_MAX)
        {
            *link = old->next;
            entry_free(old);
            continue;
        }
        link = &old->next;
    }
    entry->next = cache->entries;
    cache->entries = entry;
    ReleaseSRWLockExclusive(&cache->lock);
}

BOOL auth_cache_find(struct auth_cache *cache, const WCHAR *space, const WCHAR *identity, BOOL *utf8)
{
    struct auth_cache_entry *entry;
    BOOL found = FALSE;

    AcquireSRWLockShared(&cache->lock);
    for (entry = cache->entries; entry && !found; entry = entry->next)
        if ((found = covers(entry, space, identity))) *utf8 = entry->utf8;
    ReleaseSRWLockShared(&cache->lock);
    return found;
}
