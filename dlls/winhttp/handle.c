/* The handle table and object lifetime.
 *
 * A handle value encodes a table slot and that slot's generation, so a
 * closed handle stays invalid after its slot is reused, and a forged value
 * finds no object.  Freed slots wait in a FIFO and are reused only once
 * enough of them have piled up, so a just-closed value does not come back
 * at once.
 */
#include "winhttp_private.h"

#define INDEX_SHIFT 2
#define INDEX_BITS 22
#define GENERATION_SHIFT (INDEX_SHIFT + INDEX_BITS)
#define GENERATION_MASK 0xff
#define MAX_SLOTS ((1u << INDEX_BITS) - 1)
#define REUSE_AFTER 256     /* free slots kept before one is reused */

struct slot
{
    struct object *obj;
    unsigned int generation;
};

static SRWLOCK table_lock = SRWLOCK_INIT;
static struct slot *slots;
static unsigned int slot_count, slot_capacity;
static unsigned int *free_ring;       /* FIFO of free slot indexes */
static unsigned int free_head, free_count;
static LONG live_objects;

static HINTERNET encode(unsigned int index, unsigned int generation)
{
    return (HINTERNET)(ULONG_PTR)(((ULONG)generation << GENERATION_SHIFT) |
                                  ((ULONG)(index + 1) << INDEX_SHIFT));
}

static BOOL decode(HINTERNET handle, unsigned int *index, unsigned int *generation)
{
    ULONG_PTR value = (ULONG_PTR)handle;
    ULONG_PTR index_plus_one = (value >> INDEX_SHIFT) & MAX_SLOTS;

    if ((ULONG_PTR)(ULONG)value != value) return FALSE;     /* above 4 GiB on 64-bit */
    if (value & ((1u << INDEX_SHIFT) - 1) || !index_plus_one) return FALSE;
    *index = (unsigned int)index_plus_one - 1;
    *generation = (unsigned int)(value >> GENERATION_SHIFT) & GENERATION_MASK;
    return TRUE;
}

static BOOL grow_table(void)
{
    unsigned int capacity = slot_capacity ? slot_capacity * 2 : 1024;
    struct slot *new_slots;
    unsigned int *new_ring;

    if (capacity > MAX_SLOTS) capacity = MAX_SLOTS;
    if (capacity <= slot_capacity) return FALSE;
    new_ring = heap_alloc(capacity * sizeof(*new_ring));
    if (!new_ring) return FALSE;
    new_slots = slots ? HeapReAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, slots, capacity * sizeof(*slots))
                      : heap_alloc_zero(capacity * sizeof(*slots));
    if (!new_slots)
    {
        heap_free(new_ring);
        return FALSE;
    }
    slots = new_slots;
    for (unsigned int i = 0; i < free_count; i++)   /* unroll the FIFO */
        new_ring[i] = free_ring[(free_head + i) % slot_capacity];
    heap_free(free_ring);
    free_ring = new_ring;
    free_head = 0;
    slot_capacity = capacity;
    return TRUE;
}

static void reuse_slot(unsigned int *index)
{
    *index = free_ring[free_head];
    free_head = (free_head + 1) % slot_capacity;
    free_count--;
}

static BOOL take_slot(unsigned int *index)
{
    if (free_count > REUSE_AFTER)
        reuse_slot(index);
    else if (slot_count < slot_capacity || grow_table())
    {
        *index = slot_count++;
        slots[*index].generation = 1;
    }
    else if (free_count)
        reuse_slot(index);
    else
        return FALSE;
    return TRUE;
}

HINTERNET handle_alloc(struct object *obj)
{
    unsigned int index;
    HINTERNET handle = NULL;

    AcquireSRWLockExclusive(&table_lock);
    if (take_slot(&index))
    {
        slots[index].obj = object_addref(obj);
        handle = obj->handle = encode(index, slots[index].generation);
    }
    ReleaseSRWLockExclusive(&table_lock);
    if (!handle) SetLastError(ERROR_WINHTTP_OUT_OF_HANDLES);
    return handle;
}

struct object *handle_ref(HINTERNET handle)
{
    unsigned int index, generation;
    struct object *obj = NULL;

    if (decode(handle, &index, &generation))
    {
        AcquireSRWLockShared(&table_lock);
        if (index < slot_count && slots[index].obj && slots[index].generation == generation)
            obj = object_addref(slots[index].obj);
        ReleaseSRWLockShared(&table_lock);
    }
    if (!obj) SetLastError(ERROR_INVALID_HANDLE);
    return obj;
}

struct object *handle_ref_typed(HINTERNET handle, unsigned int type_bits)
{
    struct object *obj = handle_ref(handle);

    if (obj && !(TYPE_BIT(obj->type) & type_bits))
    {
        object_release(obj);
        SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
        return NULL;
    }
    return obj;
}

struct object *handle_remove(HINTERNET handle)
{
    unsigned int index, generation;
    struct object *obj = NULL;

    if (!decode(handle, &index, &generation)) return NULL;
    AcquireSRWLockExclusive(&table_lock);
    if (index < slot_count && slots[index].obj && slots[index].generation == generation)
    {
        obj = slots[index].obj;
        slots[index].obj = NULL;
        slots[index].generation = slots[index].generation % GENERATION_MASK + 1;
        free_ring[(free_head + free_count) % slot_capacity] = index;
        free_count++;
    }
    ReleaseSRWLockExclusive(&table_lock);
    return obj;
}

BOOL handle_make_synchronous(HINTERNET request)
{
    struct object *obj = handle_ref_typed(request, TYPE_BIT(OBJECT_REQUEST));

    if (!obj) return FALSE;
    obj->session_flags &= ~WINHTTP_FLAG_ASYNC;
    object_release(obj);
    return TRUE;
}

void object_init(struct object *obj, enum object_type type, const struct object_ops *ops,
                 struct object *parent)
{
    obj->ops = ops;
    obj->type = type;
    obj->refs = 1;
    obj->handle = NULL;
    obj->parent = parent ? object_addref(parent) : NULL;
    if (parent)
    {
        obj->session_flags = parent->session_flags;
        obj->callback = parent->callback;
        obj->notify_mask = parent->notify_mask;
        /* as native: a child starts with its parent's context value, so
         * even its HANDLE_CREATED carries it */
        obj->context = parent->context;
        /* a connect handle has no settings of its own: a request takes its
         * session's as they are now, not as they were at WinHttpConnect */
        obj->settings = parent->type == OBJECT_CONNECT && parent->parent ? parent->parent->settings
                                                                          : parent->settings;
        if (obj->settings.client_cert)
            obj->settings.client_cert = CertDuplicateCertificateContext(obj->settings.client_cert);
    }
    InterlockedIncrement(&live_objects);
}

struct object *object_addref(struct object *obj)
{
    InterlockedIncrement(&obj->refs);
    return obj;
}

void object_release(struct object *obj)
{
    struct object *parent;
    HINTERNET handle;

    if (InterlockedDecrement(&obj->refs)) return;
    handle = obj->handle;
    TRACE("destroying %p (type %u)\n", handle, obj->type);
    /* HANDLE_CLOSING is the object's last callback; a child's comes before
     * its parent's because the child holds the parent until here. */
    if (handle) notify(obj, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, &handle, sizeof(handle));
    parent = obj->parent;
    obj->ops->destroy(obj);
    if (obj->settings.client_cert) CertFreeCertificateContext(obj->settings.client_cert);
    heap_free(obj);
    InterlockedDecrement(&live_objects);
    if (parent) object_release(parent);
}

LONG object_count(void)
{
    return live_objects;
}

BOOL WINAPI WinHttpCloseHandle(HINTERNET handle)
{
    struct object *obj;

    TRACE("%p\n", handle);

    /* From here on no API on any thread finds the handle.  The object lives
     * on while anything still holds a reference (a child, a task in flight);
     * HANDLE_CLOSING comes when the last one goes. */
    if (!(obj = handle_remove(handle))) return FAIL(ERROR_INVALID_HANDLE, FALSE);
    if (obj->ops->close) obj->ops->close(obj);
    object_release(obj);
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}
