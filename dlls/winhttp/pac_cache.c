/* The auto-proxy cache: a session's compiled PAC scripts by URL, and the
 * URL auto-detection found for it, reused by later lookups until
 * WinHttpResetAutoProxy or the session's end.
 *
 * Entries are kept in one process-wide list, keyed by the session object
 * and its handle value.  The session object does not know about them:
 * an entry whose handle no longer names its object (the session was
 * closed) is dropped the next time the list is written, so the cache never
 * holds a session alive and never outlives it by much. */
#include "autoproxy.h"
#include "pac.h"

struct pac_cached
{
    struct pac_cached *next;
    LONG refs;                  /* the list's, and each user's */
    struct object *session;     /* compared only, never dereferenced: not referenced */
    HINTERNET handle;
    WCHAR *url;                 /* the script's URL; for a detected URL, that URL */
    struct pac_script *script;  /* NULL for a detected URL */
};

static SRWLOCK cache_lock = SRWLOCK_INIT;
static struct pac_cached *cache;

static void entry_free(struct pac_cached *entry)
{
    pac_script_free(entry->script);
    heap_free(entry->url);
    heap_free(entry);
}

void pac_cache_release(struct pac_cached *entry)
{
    if (entry && !InterlockedDecrement(&entry->refs)) entry_free(entry);
}

struct pac_script *pac_cached_script(struct pac_cached *entry)
{
    return entry->script;
}

/* Whether the entry's session is still open (its handle names it). */
static BOOL session_alive(struct pac_cached *entry)
{
    DWORD saved = GetLastError();
    struct object *obj = handle_ref(entry->handle);
    BOOL alive = obj == entry->session;

    if (obj) object_release(obj);
    SetLastError(saved);
    return alive;
}

/* Unlinks the session's entries (scripts, detected URLs, or both); called
   with the lock held, returns the unlinked chain. */
static struct pac_cached *unlink_entries(struct object *session, BOOL scripts, BOOL detected)
{
    struct pac_cached **link = &cache, *dropped = NULL, *entry;

    while ((entry = *link))
    {
        if (entry->session != session || !(entry->script ? scripts : detected))
        {
            link = &entry->next;
            continue;
        }
        *link = entry->next;
        entry->next = dropped;
        dropped = entry;
    }
    return dropped;
}

static void release_chain(struct pac_cached *chain)
{
    while (chain)
    {
        struct pac_cached *next = chain->next;
        pac_cache_release(chain);
        chain = next;
    }
}

static struct pac_cached *find_locked(struct object *session, const WCHAR *url, BOOL script)
{
    for (struct pac_cached *entry = cache; entry; entry = entry->next)
        if (entry->session == session && entry->handle == session->handle && !entry->script == !script &&
            (!url || !lstrcmpW(entry->url, url)))
            return entry;
    return NULL;
}

struct pac_cached *pac_cache_find(struct object *session, const WCHAR *url)
{
    struct pac_cached *entry;

    AcquireSRWLockShared(&cache_lock);
    if ((entry = find_locked(session, url, TRUE))) InterlockedIncrement(&entry->refs);
    ReleaseSRWLockShared(&cache_lock);
    return entry;
}

static struct pac_cached *entry_new(struct object *session, const WCHAR *url, struct pac_script *script)
{
    struct pac_cached *entry = heap_alloc_zero(sizeof(*entry));

    if (!entry || !(entry->url = strdupW(url)))
    {
        heap_free(entry);
        pac_script_free(script);
        return NULL;
    }
    entry->refs = 1;
    entry->session = session;
    entry->handle = session->handle;
    entry->script = script;
    return entry;
}

#define PRUNE_BATCH 32

/* Drops the entries of closed sessions.  Their handles are checked with no
   lock held: checking may release the last reference of a session, and its
   HANDLE_CLOSING callback may call back into the cache. */
static void prune(void)
{
    struct pac_cached *seen[PRUNE_BATCH], *dropped = NULL;
    struct object *dead[PRUNE_BATCH];
    size_t count = 0, dead_count = 0;

    AcquireSRWLockShared(&cache_lock);
    for (struct pac_cached *entry = cache; entry && count < PRUNE_BATCH; entry = entry->next)
    {
        InterlockedIncrement(&entry->refs);
        seen[count++] = entry;
    }
    ReleaseSRWLockShared(&cache_lock);
    for (size_t i = 0; i < count; i++)
    {
        if (!session_alive(seen[i])) dead[dead_count++] = seen[i]->session;
        pac_cache_release(seen[i]);
    }
    if (!dead_count) return;
    AcquireSRWLockExclusive(&cache_lock);
    for (size_t i = 0; i < dead_count; i++)
    {
        struct pac_cached *chain = unlink_entries(dead[i], TRUE, TRUE), *last = chain;

        if (!chain) continue;
        while (last->next) last = last->next;
        last->next = dropped;
        dropped = chain;
    }
    ReleaseSRWLockExclusive(&cache_lock);
    release_chain(dropped);
}

/* Enters the entry, replacing one of the same kind and URL. */
static void insert(struct pac_cached *entry)
{
    struct pac_cached *dropped = NULL, *old;

    prune();
    AcquireSRWLockExclusive(&cache_lock);
    if ((old = find_locked(entry->session, entry->script ? entry->url : NULL, entry->script != NULL)))
    {
        struct pac_cached **link = &cache;
        while (*link != old) link = &(*link)->next;
        *link = old->next;
        old->next = dropped;
        dropped = old;
    }
    entry->next = cache;
    cache = entry;
    ReleaseSRWLockExclusive(&cache_lock);
    release_chain(dropped);
}

struct pac_cached *pac_cache_add(struct object *session, const WCHAR *url, struct pac_script *script, BOOL keep)
{
    struct pac_cached *entry = entry_new(session, url, script);

    if (!entry || !keep) return entry;
    InterlockedIncrement(&entry->refs);     /* the list's */
    insert(entry);
    return entry;
}

WCHAR *pac_cache_detected(struct object *session)
{
    struct pac_cached *entry;
    WCHAR *url = NULL;

    AcquireSRWLockShared(&cache_lock);
    if ((entry = find_locked(session, NULL, FALSE))) url = strdupW(entry->url);
    ReleaseSRWLockShared(&cache_lock);
    return url;
}

void pac_cache_set_detected(struct object *session, const WCHAR *url)
{
    struct pac_cached *entry = entry_new(session, url, NULL);

    if (entry) insert(entry);
}

void pac_cache_reset(struct object *session, BOOL scripts, BOOL detected)
{
    struct pac_cached *dropped;

    AcquireSRWLockExclusive(&cache_lock);
    dropped = unlink_entries(session, scripts, detected);
    ReleaseSRWLockExclusive(&cache_lock);
    release_chain(dropped);
}
