/* The WinHttpRequest COM object (WinHttp.WinHttpRequest.5.1), built on the
 * DLL's own C API: one engine for both.
 *
 * com_request.c   the object: lifetime, QueryInterface, the methods
 * com_send.c      a Send: the request on the caller's thread or a pool thread
 * com_option.c    the Option property and the settings it reads and writes
 * com_dispatch.c  IDispatch through the type library, IProvideClassInfo,
 *                 ISupportErrorInfo, the error information of a failure
 * com_events.c    the connection point of IWinHttpRequestEvents
 * com_body.c      request bodies from VARIANTs, response text, the response
 *                 stream
 * com_factory.c   the class factory, DllGetClassObject, DllCanUnloadNow
 * com_register.c  DllRegisterServer, DllUnregisterServer
 */
#ifndef COM_PRIVATE_H
#define COM_PRIVATE_H

#define COBJMACROS
#define CONST_VTABLE
#include "winhttp_private.h"
#include <stdio.h>
#include <ole2.h>
#include <olectl.h>
#include <ocidl.h>
#include "httprequest.h"

/* The thread's last error as an HRESULT (never S_OK). */
static inline HRESULT last_error_hr(void)
{
    DWORD error = GetLastError();
    return HRESULT_FROM_WIN32(error ? error : ERROR_INTERNAL_ERROR);
}

/* ---- settings kept by the object across Open calls -------------------------------- */

struct com_settings
{
    WCHAR *user_agent;
    UINT url_codepage;
    BOOL escape_percent, escape, escape_query;   /* the three escaping options, TRUE by default */
    DWORD ssl_ignore_flags;
    DWORD secure_protocols;
    BOOL enable_redirects, https_to_http_redirects;
    DWORD max_redirects, max_header_size, max_drain_size;
    BOOL http_1_1;
    BOOL revocation_check;
    BOOL tracing, revert_impersonation, passport, reject_userpwd;
    DWORD autologon_policy;
    int timeouts[4];                      /* resolve, connect, send, receive (ms) */
    DWORD proxy_setting;                  /* HTTPREQUEST_PROXYSETTING_* */
    WCHAR *proxy_server, *proxy_bypass;
    WCHAR *client_cert;                   /* "LOCATION\store\subject", or NULL */
};

/* What a request handle was given, so that a Send sets only what changed
 * (a new handle starts with the engine's defaults, which are the object's). */
struct com_applied
{
    int timeouts[4];
    BOOL enable_redirects, https_to_http_redirects, revocation_check;
    DWORD max_redirects, max_header_size, max_drain_size, autologon_policy, ssl_ignore_flags;
};

void com_settings_init(struct com_settings *settings);
void com_settings_free(struct com_settings *settings);
void com_settings_reset_applied(struct com_applied *applied);
/* Gives the request handle what it takes before it is sent and does not
 * have yet. */
DWORD com_settings_apply(const struct com_settings *settings, struct com_applied *applied, HINTERNET request);
HRESULT com_option_get(struct com_settings *settings, HINTERNET request, LONG option, VARIANT *value);
HRESULT com_option_put(struct com_settings *settings, HINTERNET session, LONG option, VARIANT value);

/* ---- bytes shared by the object and its response streams ---------------------------- */

struct com_bytes
{
    LONG refs;
    BYTE *data;
    size_t size, capacity;
};

struct com_bytes *com_bytes_create(void);
struct com_bytes *com_bytes_addref(struct com_bytes *bytes);
void com_bytes_release(struct com_bytes *bytes);
/* Makes room for at least `more` bytes past size; FALSE when out of memory. */
BOOL com_bytes_reserve(struct com_bytes *bytes, size_t more);
HRESULT com_stream_create(struct com_bytes *bytes, IStream **out);
HRESULT com_byte_array(const BYTE *data, size_t size, SAFEARRAY **out);

/* A Send's body as bytes (text in the charset of the Content-Type the
 * application set on the request handle, else UTF-8; byte arrays, streams,
 * references to them). */
HRESULT com_body_from_variant(VARIANT *body, HINTERNET request, BYTE **data, DWORD *size);
/* The response's bytes as text, by its BOM or Content-Type charset (UTF-8
 * when it names none). */
HRESULT com_text_decode(const BYTE *data, size_t size, const WCHAR *content_type, BSTR *text);
UINT com_charset_codepage(const WCHAR *content_type, UINT fallback);

/* ---- events -------------------------------------------------------------------------- */

struct com_sink
{
    DWORD cookie;                 /* Advise's cookie */
    IWinHttpRequestEvents *sink;  /* called on the object's own thread only */
};

struct com_sinks
{
    struct com_sink *items;
    unsigned count, capacity;
    DWORD next_cookie;
};

/* One event, to every connected sink, on the object's thread (see
 * com_events.c). */
enum com_event { EVENT_START, EVENT_DATA, EVENT_FINISHED, EVENT_ERROR };
struct com_event_args
{
    LONG status;              /* EVENT_START: status; EVENT_ERROR: the HRESULT */
    const WCHAR *text;        /* content type / error description */
    const BYTE *data;         /* EVENT_DATA */
    size_t size;
};

/* ---- the object ------------------------------------------------------------------------ */

enum com_state { COM_INITIALIZED, COM_OPEN, COM_SENT };

/* An event waiting for the thread that fires it (see com_send.c). */
struct com_queued_event
{
    struct com_queued_event *next;
    enum com_event event;
    LONG status;
    WCHAR *text;
    BYTE *data;                   /* a copy: the response buffer may move */
    size_t size;
};

/* Who fires a Send's events: the caller of a synchronous Send, which runs
 * it; the object's STA thread through its window; or, for an asynchronous
 * Send in a multithreaded apartment, the engine's thread. */
enum com_delivery { DELIVER_CALLER, DELIVER_WINDOW, DELIVER_ENGINE };

/* One Send: run by its caller (synchronous) or by the engine's completion
 * callbacks (asynchronous).  Shared by the object and the engine; the
 * queue, `posted` and the order of `aborted` against new events are under
 * `lock`.  The response fields are written by the running side and read by
 * the object once the job has finished. */
struct com_job
{
    LONG refs;
    struct com_request *owner;    /* held by an internal reference while the engine runs it */
    HINTERNET request;            /* the object's request handle (not owned) */
    BYTE *body;
    DWORD body_size;
    BOOL async;
    enum com_delivery delivery;
    HWND events_window;           /* DELIVER_WINDOW */
    SRWLOCK lock;
    struct com_queued_event *head, **tail;   /* DELIVER_WINDOW */
    BOOL posted;                  /* a message to the window is on its way */
    volatile LONG ended;          /* the engine's side reached its end (once) */
    volatile LONG finished;       /* the Send has ended (com_job_finished) */
    HANDLE done;                  /* made by the first waiter only: no kernel object per Send */
    volatile LONG aborted;        /* Abort, Open or the object's end: stop, fire nothing */
    BOOL headers_received;
    HRESULT result;
    DWORD block;                  /* the size of the next read */
    struct com_bytes *response;
};

struct com_request
{
    IWinHttpRequest IWinHttpRequest_iface;
    IConnectionPointContainer IConnectionPointContainer_iface;
    IConnectionPoint IConnectionPoint_iface;
    IProvideClassInfo IProvideClassInfo_iface;
    ISupportErrorInfo ISupportErrorInfo_iface;
    LONG refs;                    /* COM references */
    LONG internal_refs;           /* 1 while COM references exist, 1 per running job */
    CRITICAL_SECTION lock;

    enum com_state state;
    BOOL async;
    WCHAR *verb, *url;
    HINTERNET session, connect, request;
    WCHAR *connect_host;          /* the server of the connect handle, kept across Opens */
    INTERNET_PORT connect_port;
    struct com_job *job;          /* the last Send */
    struct com_settings settings;
    struct com_applied applied;   /* to the request handle */
    struct com_sinks sinks;
    BOOL sinks_gone;              /* the object is ending: no more events */
    HWND events_window;           /* made by the first asynchronous Send in an STA */
    DWORD thread_id;              /* the thread that made it (the object's) */
};

static inline struct com_request *impl_from_IWinHttpRequest(IWinHttpRequest *iface)
{
    return CONTAINING_RECORD(iface, struct com_request, IWinHttpRequest_iface);
}

void com_request_internal_release(struct com_request *request);

/* com_send.c */
/* The status callback of the object's (asynchronous) session. */
void CALLBACK com_job_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD size);
HRESULT com_job_start(struct com_request *request, struct com_job *job);
void com_job_release(struct com_job *job);
void com_job_abort(struct com_job *job);
static inline BOOL com_job_finished(struct com_job *job)
{
    return InterlockedCompareExchange(&job->finished, 0, 0) != 0;
}
/* Waits for the job, dispatching COM calls and messages meanwhile (an STA
 * fires the job's events as their messages come); FALSE on timeout. */
BOOL com_job_wait(struct com_job *job, DWORD timeout_ms);
/* Fires the job's queued events on this thread, the object's. */
void com_job_drain(struct com_job *job);
/* The window's message for the job arrived (it carried a reference). */
void com_job_posted(struct com_job *job);

/* com_events.c */
extern const IConnectionPointContainerVtbl com_container_vtbl;
extern const IConnectionPointVtbl com_point_vtbl;
/* Calls every connected sink on this thread (the object's, or the engine's
 * for DELIVER_ENGINE), unless the job was aborted. */
void com_events_fire(struct com_request *request, struct com_job *job, enum com_event event,
                     const struct com_event_args *args);
void com_sinks_clear(struct com_sinks *sinks);
/* A message-only window of this thread that fires the events of jobs
 * posted to it (com_events_post). */
HWND com_events_window(void);
/* Asks the window's thread to fire the job's queued events. */
BOOL com_events_post(HWND window, struct com_job *job);
/* The DLL is unloaded (not at process exit): its window class goes. */
void com_events_unload(void);

/* com_dispatch.c */
extern const IProvideClassInfoVtbl com_classinfo_vtbl;
extern const ISupportErrorInfoVtbl com_errorinfo_vtbl;
HRESULT com_get_typeinfo(REFGUID guid, ITypeInfo **info);
HRESULT WINAPI com_GetTypeInfoCount(IWinHttpRequest *iface, UINT *count);
HRESULT WINAPI com_GetTypeInfo(IWinHttpRequest *iface, UINT index, LCID lcid, ITypeInfo **info);
HRESULT WINAPI com_GetIDsOfNames(IWinHttpRequest *iface, REFIID riid, LPOLESTR *names, UINT count,
                                 LCID lcid, DISPID *ids);
HRESULT WINAPI com_Invoke(IWinHttpRequest *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
                          DISPPARAMS *params, VARIANT *result, EXCEPINFO *excepinfo, UINT *argerr);
/* The result of a method: sets (or clears) the thread's error information. */
HRESULT com_result(HRESULT hr);
/* The text of an HRESULT_FROM_WIN32(WinHTTP error) or other HRESULT. */
WCHAR *com_error_text(HRESULT hr);

/* com_factory.c */
void com_object_created(void);
void com_object_destroyed(void);
HRESULT com_request_create(IUnknown *outer, REFIID iid, void **out);

#endif
