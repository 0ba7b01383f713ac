/* The object's one connection point, IWinHttpRequestEvents, and firing
 * its events.  Sinks are called on the object's own thread, in its
 * apartment: the caller of a synchronous Send fires them while it waits;
 * the engine's thread running an asynchronous Send for an object of a
 * single-threaded apartment queues them and posts a message to a
 * message-only window of the object, which the thread handles whenever it
 * waits in WaitForResponse or runs any message loop, the way a call into an
 * STA arrives.  The engine's thread never waits for the sinks.  (Marshaling
 * the sinks instead would need a proxy for the interface, whose methods
 * return void: the automation marshaler of Wine 8 cannot make one.)  In a
 * multithreaded apartment the engine's thread calls the sinks itself. */
#include "com_private.h"

#define WM_WINHTTP_EVENT (WM_APP + 0x4e)

static struct com_request *impl_from_container(IConnectionPointContainer *iface)
{
    return CONTAINING_RECORD(iface, struct com_request, IConnectionPointContainer_iface);
}

static struct com_request *impl_from_point(IConnectionPoint *iface)
{
    return CONTAINING_RECORD(iface, struct com_request, IConnectionPoint_iface);
}

/* ---- IConnectionPointContainer ------------------------------------------------------- */

static HRESULT WINAPI container_QueryInterface(IConnectionPointContainer *iface, REFIID iid, void **out)
{
    struct com_request *request = impl_from_container(iface);
    return IWinHttpRequest_QueryInterface(&request->IWinHttpRequest_iface, iid, out);
}

static ULONG WINAPI container_AddRef(IConnectionPointContainer *iface)
{
    struct com_request *request = impl_from_container(iface);
    return IWinHttpRequest_AddRef(&request->IWinHttpRequest_iface);
}

static ULONG WINAPI container_Release(IConnectionPointContainer *iface)
{
    struct com_request *request = impl_from_container(iface);
    return IWinHttpRequest_Release(&request->IWinHttpRequest_iface);
}

/* An enumerator of the one connection point. */
struct point_enum
{
    IEnumConnectionPoints IEnumConnectionPoints_iface;
    LONG refs;
    struct com_request *request;    /* a COM reference */
    ULONG position;
};

static struct point_enum *impl_from_enum(IEnumConnectionPoints *iface)
{
    return CONTAINING_RECORD(iface, struct point_enum, IEnumConnectionPoints_iface);
}

static HRESULT point_enum_create(struct com_request *request, ULONG position, IEnumConnectionPoints **out);

static HRESULT WINAPI enum_QueryInterface(IEnumConnectionPoints *iface, REFIID iid, void **out)
{
    if (!out) return E_POINTER;
    if (IsEqualIID(iid, &IID_IUnknown) || IsEqualIID(iid, &IID_IEnumConnectionPoints))
    {
        *out = iface;
        IEnumConnectionPoints_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI enum_AddRef(IEnumConnectionPoints *iface)
{
    return InterlockedIncrement(&impl_from_enum(iface)->refs);
}

static ULONG WINAPI enum_Release(IEnumConnectionPoints *iface)
{
    struct point_enum *points = impl_from_enum(iface);
    LONG refs = InterlockedDecrement(&points->refs);
    if (!refs)
    {
        IWinHttpRequest_Release(&points->request->IWinHttpRequest_iface);
        heap_free(points);
    }
    return refs;
}

static HRESULT WINAPI enum_Next(IEnumConnectionPoints *iface, ULONG count, IConnectionPoint **out, ULONG *fetched)
{
    struct point_enum *points = impl_from_enum(iface);
    ULONG n = 0;

    if (!out || (count > 1 && !fetched)) return E_POINTER;
    if (count && points->position == 0)
    {
        out[n++] = &points->request->IConnectionPoint_iface;
        IConnectionPoint_AddRef(out[0]);
        points->position = 1;
    }
    if (fetched) *fetched = n;
    return n == count ? S_OK : S_FALSE;
}

static HRESULT WINAPI enum_Skip(IEnumConnectionPoints *iface, ULONG count)
{
    struct point_enum *points = impl_from_enum(iface);
    ULONG left = 1 - points->position;

    points->position += min(count, left);
    return count <= left ? S_OK : S_FALSE;
}

static HRESULT WINAPI enum_Reset(IEnumConnectionPoints *iface)
{
    impl_from_enum(iface)->position = 0;
    return S_OK;
}

static HRESULT WINAPI enum_Clone(IEnumConnectionPoints *iface, IEnumConnectionPoints **out)
{
    struct point_enum *points = impl_from_enum(iface);
    if (!out) return E_POINTER;
    return point_enum_create(points->request, points->position, out);
}

static const IEnumConnectionPointsVtbl enum_vtbl =
{
    enum_QueryInterface, enum_AddRef, enum_Release, enum_Next, enum_Skip, enum_Reset, enum_Clone,
};

static HRESULT point_enum_create(struct com_request *request, ULONG position, IEnumConnectionPoints **out)
{
    struct point_enum *points;

    if (!(points = heap_alloc(sizeof(*points)))) return E_OUTOFMEMORY;
    points->IEnumConnectionPoints_iface.lpVtbl = &enum_vtbl;
    points->refs = 1;
    points->request = request;
    points->position = position;
    IWinHttpRequest_AddRef(&request->IWinHttpRequest_iface);
    *out = &points->IEnumConnectionPoints_iface;
    return S_OK;
}

static HRESULT WINAPI container_EnumConnectionPoints(IConnectionPointContainer *iface, IEnumConnectionPoints **out)
{
    if (!out) return E_POINTER;
    return point_enum_create(impl_from_container(iface), 0, out);
}

static HRESULT WINAPI container_FindConnectionPoint(IConnectionPointContainer *iface, REFIID iid,
                                                    IConnectionPoint **out)
{
    struct com_request *request = impl_from_container(iface);

    TRACE("%p, %s\n", request, debugstr_guid(iid));
    if (!out) return E_POINTER;
    if (!IsEqualIID(iid, &IID_IWinHttpRequestEvents))
    {
        *out = NULL;
        return CONNECT_E_NOCONNECTION;
    }
    *out = &request->IConnectionPoint_iface;
    IConnectionPoint_AddRef(*out);
    return S_OK;
}

const IConnectionPointContainerVtbl com_container_vtbl =
{
    container_QueryInterface,
    container_AddRef,
    container_Release,
    container_EnumConnectionPoints,
    container_FindConnectionPoint,
};

/* ---- IConnectionPoint ---------------------------------------------------------------- */

static HRESULT WINAPI point_QueryInterface(IConnectionPoint *iface, REFIID iid, void **out)
{
    struct com_request *request = impl_from_point(iface);

    if (!out) return E_POINTER;
    if (IsEqualIID(iid, &IID_IUnknown) || IsEqualIID(iid, &IID_IConnectionPoint))
    {
        *out = iface;
        IConnectionPoint_AddRef(iface);
        return S_OK;
    }
    TRACE("%p: no interface %s\n", request, debugstr_guid(iid));
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI point_AddRef(IConnectionPoint *iface)
{
    struct com_request *request = impl_from_point(iface);
    return IWinHttpRequest_AddRef(&request->IWinHttpRequest_iface);
}

static ULONG WINAPI point_Release(IConnectionPoint *iface)
{
    struct com_request *request = impl_from_point(iface);
    return IWinHttpRequest_Release(&request->IWinHttpRequest_iface);
}

static HRESULT WINAPI point_GetConnectionInterface(IConnectionPoint *iface, IID *iid)
{
    if (!iid) return E_POINTER;
    *iid = IID_IWinHttpRequestEvents;
    return S_OK;
}

static HRESULT WINAPI point_GetConnectionPointContainer(IConnectionPoint *iface, IConnectionPointContainer **out)
{
    struct com_request *request = impl_from_point(iface);

    if (!out) return E_POINTER;
    *out = &request->IConnectionPointContainer_iface;
    IConnectionPointContainer_AddRef(*out);
    return S_OK;
}

static HRESULT WINAPI point_Advise(IConnectionPoint *iface, IUnknown *unknown, DWORD *cookie)
{
    struct com_request *request = impl_from_point(iface);
    struct com_sinks *sinks = &request->sinks;
    IWinHttpRequestEvents *sink;
    struct com_sink *slot;

    TRACE("%p, %p\n", request, unknown);
    if (!unknown || !cookie) return E_POINTER;
    *cookie = 0;
    if (FAILED(IUnknown_QueryInterface(unknown, &IID_IWinHttpRequestEvents, (void **)&sink)))
        return CONNECT_E_CANNOTCONNECT;

    EnterCriticalSection(&request->lock);
    if (sinks->count == sinks->capacity)
    {
        unsigned capacity = sinks->capacity ? sinks->capacity * 2 : 2;
        struct com_sink *items = heap_alloc(capacity * sizeof(*items));
        if (!items)
        {
            LeaveCriticalSection(&request->lock);
            IWinHttpRequestEvents_Release(sink);
            return E_OUTOFMEMORY;
        }
        if (sinks->count) memcpy(items, sinks->items, sinks->count * sizeof(*items));
        heap_free(sinks->items);
        sinks->items = items;
        sinks->capacity = capacity;
    }
    slot = &sinks->items[sinks->count++];
    slot->cookie = *cookie = ++sinks->next_cookie;
    slot->sink = sink;
    LeaveCriticalSection(&request->lock);
    return S_OK;
}

static void sink_free(struct com_sink *sink)
{
    IWinHttpRequestEvents_Release(sink->sink);
}

static HRESULT WINAPI point_Unadvise(IConnectionPoint *iface, DWORD cookie)
{
    struct com_request *request = impl_from_point(iface);
    struct com_sinks *sinks = &request->sinks;
    struct com_sink removed;
    unsigned i;

    TRACE("%p, %lu\n", request, cookie);
    EnterCriticalSection(&request->lock);
    for (i = 0; i < sinks->count; i++)
        if (sinks->items[i].cookie == cookie) break;
    if (!cookie || i == sinks->count)
    {
        LeaveCriticalSection(&request->lock);
        return CONNECT_E_NOCONNECTION;
    }
    removed = sinks->items[i];
    sinks->items[i] = sinks->items[--sinks->count];
    LeaveCriticalSection(&request->lock);
    sink_free(&removed);
    return S_OK;
}

/* Enumerating the connections is optional (documented E_NOTIMPL); nothing
 * in WinHTTP's own documentation relies on it. */
static HRESULT WINAPI point_EnumConnections(IConnectionPoint *iface, IEnumConnections **out)
{
    TRACE("%p: not offered\n", iface);
    if (out) *out = NULL;
    return E_NOTIMPL;
}

const IConnectionPointVtbl com_point_vtbl =
{
    point_QueryInterface,
    point_AddRef,
    point_Release,
    point_GetConnectionInterface,
    point_GetConnectionPointContainer,
    point_Advise,
    point_Unadvise,
    point_EnumConnections,
};

void com_sinks_clear(struct com_sinks *sinks)
{
    while (sinks->count) sink_free(&sinks->items[--sinks->count]);
}

/* ---- firing ---------------------------------------------------------------------------- */

static void call_sink(IWinHttpRequestEvents *sink, enum com_event event, const struct com_event_args *args)
{
    SAFEARRAY *array;
    BSTR text;

    switch (event)
    {
    case EVENT_START:
    case EVENT_ERROR:
        text = SysAllocString(args->text ? args->text : L"");
        if (event == EVENT_START) IWinHttpRequestEvents_OnResponseStart(sink, args->status, text);
        else IWinHttpRequestEvents_OnError(sink, args->status, text);
        SysFreeString(text);
        break;
    case EVENT_DATA:
        if (FAILED(com_byte_array(args->data, args->size, &array))) break;
        IWinHttpRequestEvents_OnResponseDataAvailable(sink, &array);
        SafeArrayDestroy(array);
        break;
    case EVENT_FINISHED:
        IWinHttpRequestEvents_OnResponseFinished(sink);
        break;
    }
}

void com_events_fire(struct com_request *request, struct com_job *job, enum com_event event,
                     const struct com_event_args *args)
{
    struct com_sink *snapshot;
    unsigned count, i;

    if (job->aborted || !request->sinks.count) return;   /* read unlocked: a hint */
    EnterCriticalSection(&request->lock);
    if (request->sinks_gone || job->aborted || !(count = request->sinks.count) ||
        !(snapshot = heap_alloc(count * sizeof(*snapshot))))
    {
        LeaveCriticalSection(&request->lock);
        return;
    }
    memcpy(snapshot, request->sinks.items, count * sizeof(*snapshot));
    for (i = 0; i < count; i++) IWinHttpRequestEvents_AddRef(snapshot[i].sink);  /* a sink may Unadvise */
    LeaveCriticalSection(&request->lock);

    for (i = 0; i < count && !job->aborted; i++) call_sink(snapshot[i].sink, event, args);
    for (i = 0; i < count; i++) IWinHttpRequestEvents_Release(snapshot[i].sink);
    heap_free(snapshot);
}

/* A message names a job and holds a reference to it.  Messages still
 * queued when the window goes (the object's end) only drop theirs. */
static LRESULT CALLBACK event_window_proc(HWND window, UINT message, WPARAM wparam, LPARAM lparam)
{
    MSG left;

    switch (message)
    {
    case WM_WINHTTP_EVENT:
        com_job_posted((struct com_job *)lparam);
        return 0;
    case WM_NCDESTROY:
        while (PeekMessageW(&left, window, WM_WINHTTP_EVENT, WM_WINHTTP_EVENT, PM_REMOVE))
            com_job_release((struct com_job *)left.lParam);
        break;
    }
    return DefWindowProcW(window, message, wparam, lparam);
}

BOOL com_events_post(HWND window, struct com_job *job)
{
    return PostMessageW(window, WM_WINHTTP_EVENT, 0, (LPARAM)job);
}

static INIT_ONCE class_once = INIT_ONCE_STATIC_INIT;
static ATOM event_class;
static const WCHAR event_class_name[] = L"WinHttpRequestEvents";

static BOOL CALLBACK register_class(INIT_ONCE *once, void *param, void **context)
{
    WNDCLASSW class = { 0 };

    class.lpfnWndProc = event_window_proc;
    class.hInstance = winhttp_instance;
    class.lpszClassName = event_class_name;
    /* a class outlives the module that registered it: one left by an earlier
     * load of this DLL would point into code that is gone */
    if (!(event_class = RegisterClassW(&class)) && GetLastError() == ERROR_CLASS_ALREADY_EXISTS &&
        UnregisterClassW(event_class_name, winhttp_instance))
        event_class = RegisterClassW(&class);
    if (!event_class) WARN("cannot register the class: error %lu\n", GetLastError());
    return TRUE;
}

void com_events_unload(void)
{
    if (event_class) UnregisterClassW(event_class_name, winhttp_instance);
}

HWND com_events_window(void)
{
    HWND window;

    InitOnceExecuteOnce(&class_once, register_class, NULL, NULL);
    if (!event_class) return NULL;
    window = CreateWindowExW(0, MAKEINTRESOURCEW(event_class), NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL,
                             winhttp_instance, NULL);
    if (!window) WARN("no window: error %lu\n", GetLastError());
    return window;
}
