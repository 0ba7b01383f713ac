/* Conformance: the WinHttpRequest COM object (IWinHttpRequest, its
 * IDispatch side, IWinHttpRequestEvents through a connection point),
 * against the scripted server.
 *
 * The object is reached the way applications reach it: CoCreateInstance
 * with CLSID_WinHttpRequest or a ProgID, so COM must find the DLL under
 * test through the registry (the runner registers it with regsvr32).  The
 * program imports nothing from winhttp.dll itself.  Every case initializes
 * COM for an apartment (CoInitialize) and uninitializes it at its end.
 *
 * Expectations are Microsoft's documentation of the object (IWinHttpRequest
 * methods and properties, WinHttpRequestOption, IWinHttpRequestEvents) and,
 * where it is silent, what native Windows is known to return: the argument
 * and call-order checks Wine's own tests record for native (wrong-state
 * calls, NULL arguments, Invoke's flag combinations).  Every response the
 * scripted server sends says "Connection: close", so the n-th connection
 * script answers the n-th request the object sends.
 *
 * Before the cases run, main() prints one line "com-server PATH KIND": the
 * file the object's code came from and whether it is a Wine builtin module
 * ("wine-builtin") or a PE file ("pe"); the runner uses it to check that
 * the DLL under test served the object. */
#define COBJMACROS
#include "harness.h"
#include "server.h"
#include "winhttp.h"

#include <ole2.h>
#include <ocidl.h>
#include <olectl.h>
#include <string.h>
#include <wchar.h>

#include <initguid.h>
#include "httprequest.h"

#define WAIT_MS 5000
#define HR(e) HRESULT_FROM_WIN32(e)

#define ok_hr(got, want)                                                                  \
    do {                                                                                  \
        HRESULT got_ = (got), want_ = (want);                                             \
        ok(got_ == want_, #got ": got %#lx, want %#lx", (unsigned long)got_,              \
           (unsigned long)want_);                                                         \
    } while (0)

/* ---- variants ------------------------------------------------------------------------ */

static VARIANT v_missing(void)
{
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_ERROR;
    V_ERROR(&v) = DISP_E_PARAMNOTFOUND;
    return v;
}

static VARIANT v_bool(BOOL b)
{
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BOOL;
    V_BOOL(&v) = b ? VARIANT_TRUE : VARIANT_FALSE;
    return v;
}

static VARIANT v_i4(LONG i)
{
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_I4;
    V_I4(&v) = i;
    return v;
}

/* A VT_BSTR variant owning a copy of s: VariantClear it. */
static VARIANT v_bstr(const WCHAR *s)
{
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(s);
    return v;
}

/* A VT_ARRAY|VT_UI1 variant holding these bytes: VariantClear it. */
static VARIANT v_bytes(const void *bytes, ULONG length)
{
    VARIANT v;
    void *data;

    VariantInit(&v);
    V_VT(&v) = VT_ARRAY | VT_UI1;
    V_ARRAY(&v) = SafeArrayCreateVector(VT_UI1, 0, length);
    if (V_ARRAY(&v) && SUCCEEDED(SafeArrayAccessData(V_ARRAY(&v), &data)))
    {
        memcpy(data, bytes, length);
        SafeArrayUnaccessData(V_ARRAY(&v));
    }
    return v;
}

/* A wide string for messages: ASCII as itself, the rest as \uXXXX (the C
 * runtime's %ls stops at characters the console code page lacks). */
static const char *printable(const WCHAR *s, char *buffer, size_t size)
{
    size_t n = 0;

    if (!s) return "(null)";
    for (; *s && n + 8 < size; s++)
        n += *s >= 0x20 && *s < 0x7f ? (size_t)snprintf(buffer + n, size - n, "%c", (char)*s)
                                     : (size_t)snprintf(buffer + n, size - n, "\\u%04x", *s);
    buffer[n] = 0;
    return buffer;
}

/* ---- the server ---------------------------------------------------------------------- */

static struct server *start(void)
{
    struct server *srv = server_start();

    ok(srv != NULL, "server_start failed");
    if (srv) server_set_timeout(srv, WAIT_MS);
    return srv;
}

/* Stops the server after its scripts ran as written. */
static void stop(struct server *srv)
{
    if (!srv) return;
    ok(server_wait_idle(srv, WAIT_MS), "server not idle");
    ok(!server_errors(srv), "server errors: %s", server_error_text(srv));
    server_stop(srv);
}

/* Stops the server whatever its scripts were doing (cases that cut the
 * client off). */
static void stop_quietly(struct server *srv)
{
    if (srv) server_stop(srv);
}

/* The next connection reads one request (and its body) and answers with
 * `status`, the header lines given and `body`, then closes. */
static void serve_full(struct server *srv, int status, const char *reason, const char *headers,
                       const void *body, size_t body_length)
{
    struct script *c = server_add_connection(srv);
    struct response r = { .status = status, .reason = reason, .headers = headers, .body = body,
                          .body_length = body_length, .flags = RESPONSE_CLOSE };

    script_recv_request(c);
    script_recv_body(c, SERVER_BODY_AUTO);
    script_send_response(c, &r);
    script_close(c);
}

static void serve(struct server *srv, int status, const char *headers, const char *body)
{
    serve_full(srv, status, NULL, headers, body, body ? strlen(body) : 0);
}

/* The next connection reads a request and says nothing for `ms`. */
static void serve_silence(struct server *srv, DWORD ms)
{
    struct script *c = server_add_connection(srv);

    script_recv_request(c);
    script_wait(c, ms);
    script_reset(c);
}

/* The next connection reads a request, waits `ms`, then answers. */
static void serve_late(struct server *srv, DWORD ms, const char *body)
{
    struct script *c = server_add_connection(srv);
    struct response r = { .status = 200, .headers = "Content-Type: text/plain\r\n", .body = body,
                          .flags = RESPONSE_CLOSE };

    script_recv_request(c);
    script_wait(c, ms);
    script_send_response(c, &r);
    script_close(c);
}

static const struct server_request *request_at(struct server *srv, int i)
{
    const struct server_request *r = server_request(srv, i);

    ok(r != NULL, "the server read no request %d (%ld in all)", i, server_requests(srv));
    return r;
}

static const char *head_at(struct server *srv, int i)
{
    const struct server_request *r = request_at(srv, i);
    return r ? r->head : "";
}

/* The value of header `name` in a request head (first one), or NULL. */
static const char *header_in(const char *head, const char *name, char *buffer, size_t size)
{
    size_t n = strlen(name);
    const char *p = strstr(head, "\r\n");

    while (p && p[2] && !(p[2] == '\r' && p[3] == '\n'))
    {
        const char *line = p + 2, *eol = strstr(line, "\r\n");

        if (!eol) break;
        if (!_strnicmp(line, name, n) && line[n] == ':')
        {
            const char *v = line + n + 1;
            size_t len;

            while (*v == ' ' || *v == '\t') v++;
            len = eol - v;
            if (len >= size) len = size - 1;
            memcpy(buffer, v, len);
            buffer[len] = 0;
            return buffer;
        }
        p = eol;
    }
    return NULL;
}

static int count_headers(const char *head, const char *name)
{
    char line[64];
    int count = 0;
    const char *p = head;

    snprintf(line, sizeof(line), "\r\n%s:", name);
    while ((p = strstr(p, line))) { count++; p += 2; }
    return count;
}

#define ok_header(head, name, want)                                                              \
    do {                                                                                         \
        char buf_[1024];                                                                         \
        const char *got_ = header_in(head, name, buf_, sizeof(buf_)), *want_ = (want);           \
        ok(want_ ? got_ && !strcmp(got_, want_) : !got_, "header %s: got %s, want %s; head:\n%s", \
           name, got_ ? got_ : "(none)", want_ ? want_ : "(none)", head);                         \
    } while (0)

#define ok_request_line(head, want)                                                         \
    do {                                                                                    \
        const char *h_ = (head), *w_ = (want);                                              \
        ok(!strncmp(h_, w_, strlen(w_)) && !strncmp(h_ + strlen(w_), "\r\n", 2),            \
           "request line: got \"%.*s\", want \"%s\"", (int)strcspn(h_, "\r\n"), h_, w_);     \
    } while (0)

/* The body the server read with request i, compared with `want`. */
static void check_body(const char *file, int line, struct server *srv, int i, const void *want, size_t length)
{
    const struct server_request *r = server_request(srv, i);

    harness_check(file, line, r && r->body_length == length && (!length || !memcmp(r->body, want, length)),
                  "request %d body: got %lu bytes \"%.*s\", want %lu bytes \"%.*s\"", i,
                  r ? (unsigned long)r->body_length : 0ul, r ? (int)r->body_length : 0, r && r->body ? r->body : "",
                  (unsigned long)length, (int)length, (const char *)want);
}
#define ok_body(srv, i, want, length) check_body(__FILE__, __LINE__, srv, i, want, length)

/* ---- the object ---------------------------------------------------------------------- */

static BSTR url_of(struct server *srv, const WCHAR *path)
{
    WCHAR url[512];

    swprintf(url, ARRAYSIZE(url), L"http://127.0.0.1:%u%ls", srv ? server_port(srv) : 1, path);
    return SysAllocString(url);
}

static IWinHttpRequest *create(void)
{
    IWinHttpRequest *req = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_WinHttpRequest, NULL, CLSCTX_INPROC_SERVER, &IID_IWinHttpRequest,
                                  (void **)&req);

    ok(hr == S_OK && req, "CoCreateInstance(CLSID_WinHttpRequest): %#lx", (unsigned long)hr);
    return SUCCEEDED(hr) ? req : NULL;
}

static HRESULT open_with(IWinHttpRequest *req, const WCHAR *method, const WCHAR *url, VARIANT async)
{
    BSTR m = method ? SysAllocString(method) : NULL, u = url ? SysAllocString(url) : NULL;
    HRESULT hr = IWinHttpRequest_Open(req, m, u, async);

    SysFreeString(m);
    SysFreeString(u);
    return hr;
}

/* Open(method, the server's URL for path, async) */
static HRESULT open_at(IWinHttpRequest *req, const WCHAR *method, struct server *srv, const WCHAR *path, BOOL async)
{
    BSTR url = url_of(srv, path);
    HRESULT hr = open_with(req, method, url, v_bool(async));

    SysFreeString(url);
    return hr;
}

static HRESULT send_nothing(IWinHttpRequest *req)
{
    return IWinHttpRequest_Send(req, v_missing());
}

static HRESULT set_header(IWinHttpRequest *req, const WCHAR *name, const WCHAR *value)
{
    BSTR n = name ? SysAllocString(name) : NULL, v = value ? SysAllocString(value) : NULL;
    HRESULT hr = IWinHttpRequest_SetRequestHeader(req, n, v);

    SysFreeString(n);
    SysFreeString(v);
    return hr;
}

static LONG status_of(IWinHttpRequest *req)
{
    LONG status = -1;
    HRESULT hr = IWinHttpRequest_get_Status(req, &status);

    ok(hr == S_OK, "get_Status: %#lx", (unsigned long)hr);
    return status;
}

#define ok_bstr(got, want)                                                                \
    do {                                                                                  \
        BSTR g_ = (got);                                                                  \
        const WCHAR *w_ = (want);                                                         \
        ok(g_ && !wcscmp(g_, w_), #got ": got \"%ls\", want \"%ls\"", g_ ? g_ : L"(null)", w_); \
    } while (0)

/* ResponseText compared with `want`. */
static void check_text(const char *file, int line, IWinHttpRequest *req, const WCHAR *want)
{
    BSTR text = NULL;
    HRESULT hr = IWinHttpRequest_get_ResponseText(req, &text);
    char got_text[512], want_text[512];

    harness_check(file, line, hr == S_OK && text && !wcscmp(text, want),
                  "ResponseText: %#lx \"%s\" (%u chars), want \"%s\"", (unsigned long)hr,
                  printable(text, got_text, sizeof(got_text)), text ? SysStringLen(text) : 0,
                  printable(want, want_text, sizeof(want_text)));
    SysFreeString(text);
}
#define ok_text(req, want) check_text(__FILE__, __LINE__, req, want)

/* Option(option) as a variant (VariantClear it). */
static VARIANT option_of(IWinHttpRequest *req, WinHttpRequestOption option, HRESULT *hr)
{
    VARIANT v;

    VariantInit(&v);
    *hr = IWinHttpRequest_get_Option(req, option, &v);
    return v;
}

static void check_option_bool(const char *file, int line, IWinHttpRequest *req, WinHttpRequestOption option,
                              BOOL want)
{
    HRESULT hr;
    VARIANT v = option_of(req, option, &hr);

    harness_check(file, line, hr == S_OK && V_VT(&v) == VT_BOOL && V_BOOL(&v) == (want ? VARIANT_TRUE : VARIANT_FALSE),
                  "Option(%d): %#lx vt %u value %d, want VT_BOOL %d", option, (unsigned long)hr, V_VT(&v),
                  V_VT(&v) == VT_BOOL ? V_BOOL(&v) : -99, want ? VARIANT_TRUE : VARIANT_FALSE);
    VariantClear(&v);
}

static void check_option_i4(const char *file, int line, IWinHttpRequest *req, WinHttpRequestOption option, LONG want)
{
    HRESULT hr;
    VARIANT v = option_of(req, option, &hr);

    harness_check(file, line, hr == S_OK && V_VT(&v) == VT_I4 && V_I4(&v) == want,
                  "Option(%d): %#lx vt %u value %ld, want VT_I4 %ld", option, (unsigned long)hr, V_VT(&v),
                  V_VT(&v) == VT_I4 ? V_I4(&v) : -99, want);
    VariantClear(&v);
}

static void check_option_bstr(const char *file, int line, IWinHttpRequest *req, WinHttpRequestOption option,
                              const WCHAR *want)
{
    HRESULT hr;
    VARIANT v = option_of(req, option, &hr);

    harness_check(file, line, hr == S_OK && V_VT(&v) == VT_BSTR && V_BSTR(&v) && !wcscmp(V_BSTR(&v), want),
                  "Option(%d): %#lx vt %u \"%ls\", want VT_BSTR \"%ls\"", option, (unsigned long)hr, V_VT(&v),
                  V_VT(&v) == VT_BSTR && V_BSTR(&v) ? V_BSTR(&v) : L"", want);
    VariantClear(&v);
}

#define ok_option_bool(req, option, want) check_option_bool(__FILE__, __LINE__, req, option, want)
#define ok_option_i4(req, option, want) check_option_i4(__FILE__, __LINE__, req, option, want)
#define ok_option_bstr(req, option, want) check_option_bstr(__FILE__, __LINE__, req, option, want)

static HRESULT put_option(IWinHttpRequest *req, WinHttpRequestOption option, VARIANT value)
{
    HRESULT hr = IWinHttpRequest_put_Option(req, option, value);

    VariantClear(&value);
    return hr;
}

/* The bytes of a VT_ARRAY|VT_UI1 variant compared with `want`. */
static void check_bytes(const char *file, int line, const VARIANT *v, const void *want, ULONG length)
{
    LONG lower = -1, upper = -2;
    void *data = NULL;
    BOOL good = FALSE;

    if (V_VT(v) == (VT_ARRAY | VT_UI1) && V_ARRAY(v) && SafeArrayGetDim(V_ARRAY(v)) == 1)
    {
        SafeArrayGetLBound(V_ARRAY(v), 1, &lower);
        SafeArrayGetUBound(V_ARRAY(v), 1, &upper);
        if (lower == 0 && (ULONG)(upper + 1) == length && SUCCEEDED(SafeArrayAccessData(V_ARRAY(v), &data)))
        {
            good = !length || !memcmp(data, want, length);
            SafeArrayUnaccessData(V_ARRAY(v));
        }
    }
    harness_check(file, line, good, "bytes: vt %#x bounds %ld..%ld, want VT_ARRAY|VT_UI1 0..%ld with %lu given bytes",
                  V_VT(v), lower, upper, (long)length - 1, (unsigned long)length);
}
#define ok_bytes(v, want, length) check_bytes(__FILE__, __LINE__, v, want, length)

/* Reads an IStream to its end. */
static size_t read_stream(IStream *stream, char *buffer, size_t size)
{
    size_t total = 0;
    ULONG got;

    while (total < size && SUCCEEDED(IStream_Read(stream, buffer + total, (ULONG)(size - total), &got)) && got)
        total += got;
    return total;
}

/* After a failing call: GetErrorInfo gives a description. */
static void check_error_info(const char *file, int line)
{
    IErrorInfo *info = NULL;
    BSTR description = NULL;
    HRESULT hr = GetErrorInfo(0, &info);

    if (hr == S_OK && info)
    {
        IErrorInfo_GetDescription(info, &description);
        IErrorInfo_Release(info);
    }
    harness_check(file, line, hr == S_OK && description && *description,
                  "GetErrorInfo: %#lx, description \"%ls\"", (unsigned long)hr, description ? description : L"(none)");
    SysFreeString(description);
}
#define ok_error_info() check_error_info(__FILE__, __LINE__)

/* ---- an event sink: IWinHttpRequestEvents on a plain C object ---------------------------- */

struct sink
{
    IWinHttpRequestEvents iface;
    LONG ref;
    char log[1024];      /* "start(200,text/plain) data finished error(...)" */
    char data[65536];    /* the OnResponseDataAvailable bytes, concatenated */
    size_t data_length;
    size_t last_length;  /* the bytes of the last OnResponseDataAvailable */
    int events, wrong_thread;
    DWORD thread;        /* the thread the events must come on */
    LONG error;
    WCHAR error_text[256];
};

static struct sink *sink_of(IWinHttpRequestEvents *iface)
{
    return CONTAINING_RECORD(iface, struct sink, iface);
}

static void sink_log(struct sink *s, const char *what)
{
    size_t n = strlen(s->log);

    if (GetCurrentThreadId() != s->thread) s->wrong_thread++;
    s->events++;
    snprintf(s->log + n, sizeof(s->log) - n, "%s%s", n ? " " : "", what);
}

static HRESULT WINAPI sink_QueryInterface(IWinHttpRequestEvents *iface, REFIID iid, void **out)
{
    if (IsEqualIID(iid, &IID_IUnknown) || IsEqualIID(iid, &IID_IWinHttpRequestEvents))
    {
        *out = iface;
        IWinHttpRequestEvents_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI sink_AddRef(IWinHttpRequestEvents *iface)
{
    return InterlockedIncrement(&sink_of(iface)->ref);
}

static ULONG WINAPI sink_Release(IWinHttpRequestEvents *iface)
{
    return InterlockedDecrement(&sink_of(iface)->ref);
}

static void WINAPI sink_OnResponseStart(IWinHttpRequestEvents *iface, LONG status, BSTR content_type)
{
    char what[160];

    snprintf(what, sizeof(what), "start(%ld,%ls)", status, content_type ? content_type : L"(null)");
    sink_log(sink_of(iface), what);
}

static void WINAPI sink_OnResponseDataAvailable(IWinHttpRequestEvents *iface, SAFEARRAY **data)
{
    struct sink *s = sink_of(iface);
    LONG lower = 0, upper = -1;
    void *bytes;

    sink_log(s, "data");
    s->last_length = 0;
    if (!data || !*data) return;
    SafeArrayGetLBound(*data, 1, &lower);
    SafeArrayGetUBound(*data, 1, &upper);
    if (upper < lower || FAILED(SafeArrayAccessData(*data, &bytes))) return;
    s->last_length = upper - lower + 1;
    if (s->data_length + s->last_length <= sizeof(s->data))
    {
        memcpy(s->data + s->data_length, bytes, s->last_length);
        s->data_length += s->last_length;
    }
    SafeArrayUnaccessData(*data);
}

static void WINAPI sink_OnResponseFinished(IWinHttpRequestEvents *iface)
{
    sink_log(sink_of(iface), "finished");
}

static void WINAPI sink_OnError(IWinHttpRequestEvents *iface, LONG number, BSTR description)
{
    struct sink *s = sink_of(iface);

    sink_log(s, "error");
    s->error = number;
    lstrcpynW(s->error_text, description ? description : L"", ARRAYSIZE(s->error_text));
}

static IWinHttpRequestEventsVtbl sink_vtbl = {
    sink_QueryInterface, sink_AddRef, sink_Release, sink_OnResponseStart, sink_OnResponseDataAvailable,
    sink_OnResponseFinished, sink_OnError,
};

static void sink_init(struct sink *s)
{
    memset(s, 0, sizeof(*s));
    s->iface.lpVtbl = &sink_vtbl;
    s->ref = 1;
    s->thread = GetCurrentThreadId();
}

/* Advise: returns the connection point (Release it) and the cookie. */
static IConnectionPoint *advise(IWinHttpRequest *req, struct sink *s, DWORD *cookie)
{
    IConnectionPointContainer *container = NULL;
    IConnectionPoint *point = NULL;
    HRESULT hr;

    *cookie = 0;
    hr = IWinHttpRequest_QueryInterface(req, &IID_IConnectionPointContainer, (void **)&container);
    ok(hr == S_OK, "QueryInterface(IConnectionPointContainer): %#lx", (unsigned long)hr);
    if (FAILED(hr)) return NULL;
    hr = IConnectionPointContainer_FindConnectionPoint(container, &IID_IWinHttpRequestEvents, &point);
    ok(hr == S_OK, "FindConnectionPoint(IWinHttpRequestEvents): %#lx", (unsigned long)hr);
    IConnectionPointContainer_Release(container);
    if (FAILED(hr)) return NULL;
    hr = IConnectionPoint_Advise(point, (IUnknown *)&s->iface, cookie);
    ok(hr == S_OK && *cookie, "Advise: %#lx cookie %lu", (unsigned long)hr, *cookie);
    return point;
}

/* ---- cases: creation, interfaces, IDispatch ------------------------------------------------ */

/* CoCreateInstance by CLSID and through both ProgIDs (CLSIDFromProgID); the
 * version-independent ProgID names the same class. */
static void test_create(void)
{
    IWinHttpRequest *req;
    IUnknown *unk = NULL;
    CLSID clsid;
    LPOLESTR progid = NULL;
    HRESULT hr;

    CoInitialize(NULL);
    req = create();
    if (req) IWinHttpRequest_Release(req);

    hr = CoCreateInstance(&CLSID_WinHttpRequest, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&unk);
    ok(hr == S_OK && unk, "CoCreateInstance(IUnknown): %#lx", (unsigned long)hr);
    if (unk) IUnknown_Release(unk);

    memset(&clsid, 0, sizeof(clsid));
    ok_hr(CLSIDFromProgID(L"WinHttp.WinHttpRequest.5.1", &clsid), S_OK);
    ok(IsEqualCLSID(&clsid, &CLSID_WinHttpRequest), "WinHttp.WinHttpRequest.5.1 names another class");
    memset(&clsid, 0, sizeof(clsid));
    ok_hr(CLSIDFromProgID(L"WinHttp.WinHttpRequest", &clsid), S_OK);
    ok(IsEqualCLSID(&clsid, &CLSID_WinHttpRequest), "WinHttp.WinHttpRequest names another class");

    hr = ProgIDFromCLSID(&CLSID_WinHttpRequest, &progid);
    ok(hr == S_OK && progid && !wcscmp(progid, L"WinHttp.WinHttpRequest.5.1"), "ProgIDFromCLSID: %#lx %ls",
       (unsigned long)hr, progid ? progid : L"(null)");
    CoTaskMemFree(progid);

    /* by IDispatch, as scripts do */
    unk = NULL;
    hr = CoCreateInstance(&CLSID_WinHttpRequest, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&unk);
    ok(hr == S_OK && unk, "CoCreateInstance(IDispatch): %#lx", (unsigned long)hr);
    if (unk) IUnknown_Release(unk);
    CoUninitialize();
}

/* QueryInterface: IUnknown (one identity), IDispatch, IWinHttpRequest and
 * IConnectionPointContainer (documented for the events); an interface the
 * object has not (IStream) gives E_NOINTERFACE and sets the out pointer to
 * NULL (IUnknown::QueryInterface's contract). */
static void test_interfaces(void)
{
    IWinHttpRequest *req, *req2 = NULL;
    IUnknown *unk1 = NULL, *unk2 = NULL, *other = (IUnknown *)0xdeadbeef;
    IDispatch *disp = NULL;
    IConnectionPointContainer *container = NULL;
    IConnectionPoint *point = NULL;
    IEnumConnectionPoints *points = NULL;
    HRESULT hr;

    CoInitialize(NULL);
    if (!(req = create())) goto done;
    ok_hr(IWinHttpRequest_QueryInterface(req, &IID_IUnknown, (void **)&unk1), S_OK);
    ok_hr(IWinHttpRequest_QueryInterface(req, &IID_IDispatch, (void **)&disp), S_OK);
    if (disp) ok_hr(IDispatch_QueryInterface(disp, &IID_IUnknown, (void **)&unk2), S_OK);
    ok(unk1 && unk1 == unk2, "IUnknown identity: %p and %p", unk1, unk2);
    if (disp) ok_hr(IDispatch_QueryInterface(disp, &IID_IWinHttpRequest, (void **)&req2), S_OK);
    ok(req2 == req, "IWinHttpRequest from IDispatch: %p, want %p", req2, req);

    hr = IWinHttpRequest_QueryInterface(req, &IID_IStream, (void **)&other);
    ok(hr == E_NOINTERFACE && other == NULL, "QueryInterface(IStream): %#lx %p", (unsigned long)hr, other);

    hr = IWinHttpRequest_QueryInterface(req, &IID_IConnectionPointContainer, (void **)&container);
    ok(hr == S_OK && container, "QueryInterface(IConnectionPointContainer): %#lx", (unsigned long)hr);
    if (container)
    {
        IID iid;

        hr = IConnectionPointContainer_FindConnectionPoint(container, &IID_IWinHttpRequestEvents, &point);
        ok(hr == S_OK && point, "FindConnectionPoint: %#lx", (unsigned long)hr);
        if (point)
        {
            ok_hr(IConnectionPoint_GetConnectionInterface(point, &iid), S_OK);
            ok(IsEqualIID(&iid, &IID_IWinHttpRequestEvents), "connection point for another interface");
            IConnectionPoint_Release(point);
        }
        point = (IConnectionPoint *)0xdeadbeef;
        hr = IConnectionPointContainer_FindConnectionPoint(container, &IID_IDispatch, &point);
        ok(hr == CONNECT_E_NOCONNECTION && !point, "FindConnectionPoint(IDispatch): %#lx %p", (unsigned long)hr, point);
        hr = IConnectionPointContainer_EnumConnectionPoints(container, &points);
        ok(hr == S_OK || hr == E_NOTIMPL, "EnumConnectionPoints: %#lx", (unsigned long)hr);
        if (points) IEnumConnectionPoints_Release(points);
        IConnectionPointContainer_Release(container);
    }
done:
    if (req2) IWinHttpRequest_Release(req2);
    if (unk2) IUnknown_Release(unk2);
    if (unk1) IUnknown_Release(unk1);
    if (disp) IDispatch_Release(disp);
    if (req) ok_int(IWinHttpRequest_Release(req), 0);
    CoUninitialize();
}

/* GetTypeInfoCount is 1; GetTypeInfo(0) describes IWinHttpRequest in the
 * WinHttp 5.1 library (TYPELIB resource of the DLL); index 1 is refused. */
static void test_typeinfo(void)
{
    IWinHttpRequest *req;
    ITypeInfo *info = NULL, *bad = (ITypeInfo *)0xdeadbeef;
    ITypeLib *lib = NULL;
    TYPEATTR *attr;
    TLIBATTR *libattr;
    UINT count = 99, index = 99;
    HRESULT hr;

    CoInitialize(NULL);
    if (!(req = create())) goto done;
    ok_hr(IWinHttpRequest_GetTypeInfoCount(req, &count), S_OK);
    ok_int(count, 1);
    hr = IWinHttpRequest_GetTypeInfo(req, 0, 0, &info);
    ok(hr == S_OK && info, "GetTypeInfo(0): %#lx", (unsigned long)hr);
    hr = IWinHttpRequest_GetTypeInfo(req, 1, 0, &bad);
    ok(hr == DISP_E_BADINDEX, "GetTypeInfo(1): %#lx", (unsigned long)hr);
    if (!info) goto done;
    if (SUCCEEDED(ITypeInfo_GetTypeAttr(info, &attr)))
    {
        ok(IsEqualGUID(&attr->guid, &IID_IWinHttpRequest), "the type info is not IWinHttpRequest's");
        ok(attr->typekind == TKIND_DISPATCH || attr->typekind == TKIND_INTERFACE, "typekind %d", attr->typekind);
        ok(attr->cFuncs > 0, "no functions");
        ITypeInfo_ReleaseTypeAttr(info, attr);
    }
    else ok(0, "GetTypeAttr failed");
    hr = ITypeInfo_GetContainingTypeLib(info, &lib, &index);
    ok(hr == S_OK && lib, "GetContainingTypeLib: %#lx", (unsigned long)hr);
    if (lib && SUCCEEDED(ITypeLib_GetLibAttr(lib, &libattr)))
    {
        ok(IsEqualGUID(&libattr->guid, &LIBID_WinHttp), "another library");
        ok(libattr->wMajorVerNum == 5 && libattr->wMinorVerNum == 1, "library version %u.%u",
           libattr->wMajorVerNum, libattr->wMinorVerNum);
        ITypeLib_ReleaseTLibAttr(lib, libattr);
    }
    if (lib) ITypeLib_Release(lib);
    ITypeInfo_Release(info);
done:
    if (req) IWinHttpRequest_Release(req);
    CoUninitialize();
}

/* GetIDsOfNames: every method and property has its documented DISPID
 * (httprequestid.h: Open 1 ... SetAutoLogonPolicy 18), names in any case;
 * an unknown name gives DISP_E_UNKNOWNNAME and DISPID_UNKNOWN. */
static void test_dispids(void)
{
    static const struct { const WCHAR *name; DISPID id; } names[] = {
        { L"Open", DISPID_HTTPREQUEST_OPEN },
        { L"SetRequestHeader", DISPID_HTTPREQUEST_SETREQUESTHEADER },
        { L"GetResponseHeader", DISPID_HTTPREQUEST_GETRESPONSEHEADER },
        { L"GetAllResponseHeaders", DISPID_HTTPREQUEST_GETALLRESPONSEHEADERS },
        { L"Send", DISPID_HTTPREQUEST_SEND },
        { L"Option", DISPID_HTTPREQUEST_OPTION },
        { L"Status", DISPID_HTTPREQUEST_STATUS },
        { L"StatusText", DISPID_HTTPREQUEST_STATUSTEXT },
        { L"ResponseText", DISPID_HTTPREQUEST_RESPONSETEXT },
        { L"ResponseBody", DISPID_HTTPREQUEST_RESPONSEBODY },
        { L"ResponseStream", DISPID_HTTPREQUEST_RESPONSESTREAM },
        { L"Abort", DISPID_HTTPREQUEST_ABORT },
        { L"SetProxy", DISPID_HTTPREQUEST_SETPROXY },
        { L"SetCredentials", DISPID_HTTPREQUEST_SETCREDENTIALS },
        { L"WaitForResponse", DISPID_HTTPREQUEST_WAITFORRESPONSE },
        { L"SetTimeouts", DISPID_HTTPREQUEST_SETTIMEOUTS },
        { L"SetClientCertificate", DISPID_HTTPREQUEST_SETCLIENTCERTIFICATE },
        { L"SetAutoLogonPolicy", DISPID_HTTPREQUEST_SETAUTOLOGONPOLICY },
        { L"open", DISPID_HTTPREQUEST_OPEN },
        { L"RESPONSETEXT", DISPID_HTTPREQUEST_RESPONSETEXT },
    };
    IWinHttpRequest *req;
    HRESULT hr;
    int i;

    CoInitialize(NULL);
    if (!(req = create())) goto done;
    for (i = 0; i < (int)ARRAYSIZE(names); i++)
    {
        LPOLESTR name = (LPOLESTR)names[i].name;
        DISPID id = -99;

        hr = IWinHttpRequest_GetIDsOfNames(req, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id);
        ok(hr == S_OK && id == names[i].id, "GetIDsOfNames(%ls): %#lx id %ld, want %ld", names[i].name,
           (unsigned long)hr, id, names[i].id);
    }
    {
        LPOLESTR name = (LPOLESTR)L"NoSuchMember";
        DISPID id = 12345;

        hr = IWinHttpRequest_GetIDsOfNames(req, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id);
        ok(hr == DISP_E_UNKNOWNNAME && id == DISPID_UNKNOWN, "GetIDsOfNames(NoSuchMember): %#lx id %ld",
           (unsigned long)hr, id);
    }
done:
    if (req) IWinHttpRequest_Release(req);
    CoUninitialize();
}

/* Invoke by DISPID (arguments in reverse order, as DISPPARAMS has them):
 * Open, SetRequestHeader, Send, Status and ResponseText as a script calls
 * them; the Option property's get and put; what native answers for unknown
 * members, a non-null riid, missing arguments and DISPATCH_METHOD on a
 * property (Wine's test_IWinHttpRequest_Invoke). */
static void test_invoke(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    DISPPARAMS params = { 0 };
    DISPID put = DISPID_PROPERTYPUT;
    VARIANT args[3], ret;
    BSTR url = NULL;
    UINT arg_err;
    HRESULT hr;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, "Content-Type: text/plain\r\n", "invoked");
    url = url_of(srv, L"/invoke");

    /* Open("GET", url, False) */
    args[2] = v_bstr(L"GET");
    V_VT(&args[1]) = VT_BSTR;
    V_BSTR(&args[1]) = url;
    args[0] = v_bool(FALSE);
    params.rgvarg = args;
    params.cArgs = 3;
    ok_hr(IWinHttpRequest_Invoke(req, DISPID_HTTPREQUEST_OPEN, &IID_NULL, 0, DISPATCH_METHOD, &params, NULL, NULL,
                                 &arg_err), S_OK);
    VariantClear(&args[2]);

    /* SetRequestHeader("X-Invoked", "yes") */
    args[1] = v_bstr(L"X-Invoked");
    args[0] = v_bstr(L"yes");
    params.cArgs = 2;
    ok_hr(IWinHttpRequest_Invoke(req, DISPID_HTTPREQUEST_SETREQUESTHEADER, &IID_NULL, 0, DISPATCH_METHOD, &params,
                                 NULL, NULL, &arg_err), S_OK);
    VariantClear(&args[0]);
    VariantClear(&args[1]);

    /* Send() with its optional argument left out */
    params.cArgs = 0;
    ok_hr(IWinHttpRequest_Invoke(req, DISPID_HTTPREQUEST_SEND, &IID_NULL, 0, DISPATCH_METHOD, &params, NULL, NULL,
                                 &arg_err), S_OK);

    VariantInit(&ret);
    ok_hr(IWinHttpRequest_Invoke(req, DISPID_HTTPREQUEST_STATUS, &IID_NULL, 0, DISPATCH_PROPERTYGET, &params, &ret,
                                 NULL, &arg_err), S_OK);
    ok(V_VT(&ret) == VT_I4 && V_I4(&ret) == 200, "Status: vt %u %ld", V_VT(&ret), V_I4(&ret));
    VariantInit(&ret);
    ok_hr(IWinHttpRequest_Invoke(req, DISPID_HTTPREQUEST_RESPONSETEXT, &IID_NULL, 0, DISPATCH_PROPERTYGET, &params,
                                 &ret, NULL, &arg_err), S_OK);
    ok(V_VT(&ret) == VT_BSTR && V_BSTR(&ret) && !wcscmp(V_BSTR(&ret), L"invoked"), "ResponseText: vt %u %ls",
       V_VT(&ret), V_VT(&ret) == VT_BSTR ? V_BSTR(&ret) : L"");
    VariantClear(&ret);

    /* Option(URLCodePage) = 1252 by DISPATCH_PROPERTYPUT: the new value is
     * rgvarg[0] (named DISPID_PROPERTYPUT), the index a VT_R8 */
    args[0] = v_i4(1252);
    VariantInit(&args[1]);
    V_VT(&args[1]) = VT_R8;
    V_R8(&args[1]) = WinHttpRequestOption_URLCodePage;
    params.cArgs = 2;
    params.cNamedArgs = 1;
    params.rgdispidNamedArgs = &put;
    ok_hr(IWinHttpRequest_Invoke(req, DISPID_HTTPREQUEST_OPTION, &IID_NULL, 0, DISPATCH_PROPERTYPUT, &params, NULL,
                                 NULL, &arg_err), S_OK);
    ok_option_i4(req, WinHttpRequestOption_URLCodePage, 1252);

    /* a method call of the property with two arguments changes nothing */
    V_I4(&args[0]) = 437;
    params.cNamedArgs = 0;
    params.rgdispidNamedArgs = NULL;
    hr = IWinHttpRequest_Invoke(req, DISPID_HTTPREQUEST_OPTION, &IID_NULL, 0, DISPATCH_METHOD, &params, NULL, NULL,
                                &arg_err);
    ok(hr == S_OK, "Invoke(Option, DISPATCH_METHOD, 2 args): %#lx", (unsigned long)hr);
    ok_option_i4(req, WinHttpRequestOption_URLCodePage, 1252);

    /* the property's get, also as DISPATCH_METHOD|DISPATCH_PROPERTYGET */
    args[0] = v_i4(WinHttpRequestOption_URLCodePage);
    params.cArgs = 1;
    VariantInit(&ret);
    ok_hr(IWinHttpRequest_Invoke(req, DISPID_HTTPREQUEST_OPTION, &IID_NULL, 0, DISPATCH_METHOD | DISPATCH_PROPERTYGET,
                                 &params, &ret, NULL, NULL), S_OK);
    ok(V_VT(&ret) == VT_I4 && V_I4(&ret) == 1252, "Option get: vt %u %ld", V_VT(&ret), V_I4(&ret));

    /* errors */
    ok_hr(IWinHttpRequest_Invoke(req, 255, &IID_NULL, 0, DISPATCH_METHOD, &params, NULL, NULL, NULL),
          DISP_E_MEMBERNOTFOUND);
    ok_hr(IWinHttpRequest_Invoke(req, DISPID_HTTPREQUEST_OPTION, &IID_IUnknown, 0, DISPATCH_PROPERTYGET, &params,
                                 &ret, NULL, NULL), DISP_E_UNKNOWNINTERFACE);
    params.cArgs = 0;
    ok_hr(IWinHttpRequest_Invoke(req, DISPID_HTTPREQUEST_OPTION, &IID_NULL, 0, DISPATCH_PROPERTYGET, &params, &ret,
                                 NULL, NULL), DISP_E_PARAMNOTFOUND);

    /* SetAutoLogonPolicy(AutoLogonPolicy_Never) */
    args[0] = v_i4(AutoLogonPolicy_Never);
    params.cArgs = 1;
    ok_hr(IWinHttpRequest_Invoke(req, DISPID_HTTPREQUEST_SETAUTOLOGONPOLICY, &IID_NULL, 0, DISPATCH_METHOD, &params,
                                 NULL, NULL, NULL), S_OK);

    IWinHttpRequest_Release(req);
    ok_int(server_requests(srv), 1);
    ok_request_line(head_at(srv, 0), "GET /invoke HTTP/1.1");
    ok_header(head_at(srv, 0), "X-Invoked", "yes");
done:
    SysFreeString(url);
    stop(srv);
    CoUninitialize();
}

/* ---- cases: Open, SetRequestHeader, Send ----------------------------------------------- */

/* Open's Async argument as VT_BOOL, VT_I4 and left out; NULL (or empty)
 * method or URL give E_INVALIDARG; a URL without a scheme or with another scheme gives
 * ERROR_WINHTTP_UNRECOGNIZED_SCHEME, and sets the error info. */
static void test_open(void)
{
    IWinHttpRequest *req;
    const WCHAR *url = L"http://127.0.0.1:1/";
    VARIANT empty;

    CoInitialize(NULL);
    if (!(req = create())) goto done;
    VariantInit(&empty);
    ok_hr(open_with(req, L"GET", url, v_bool(FALSE)), S_OK);
    ok_hr(open_with(req, L"GET", url, v_bool(TRUE)), S_OK);
    ok_hr(open_with(req, L"GET", url, v_i4(0)), S_OK);
    ok_hr(open_with(req, L"GET", url, v_i4(1)), S_OK);
    ok_hr(open_with(req, L"GET", url, v_missing()), S_OK);
    ok_hr(open_with(req, L"POST", url, empty), S_OK);
    ok_hr(open_with(req, NULL, url, v_missing()), E_INVALIDARG);
    ok_hr(open_with(req, L"GET", NULL, v_missing()), E_INVALIDARG);
    ok_hr(open_with(req, NULL, NULL, v_bool(FALSE)), E_INVALIDARG);
    ok_hr(open_with(req, L"GET", L"127.0.0.1/page", v_bool(FALSE)), HR(ERROR_WINHTTP_UNRECOGNIZED_SCHEME));
    ok_error_info();
    ok_hr(open_with(req, L"GET", L"ftp://127.0.0.1/page", v_bool(FALSE)), HR(ERROR_WINHTTP_UNRECOGNIZED_SCHEME));
    /* an empty BSTR is a NULL one (BSTR rules) */
    ok_hr(open_with(req, L"GET", L"", v_bool(FALSE)), E_INVALIDARG);
    /* the object is still usable */
    ok_hr(open_with(req, L"GET", url, v_missing()), S_OK);
    ok_hr(IWinHttpRequest_Abort(req), S_OK);
    IWinHttpRequest_Release(req);
done:
    CoUninitialize();
}

/* A synchronous GET: the request on the wire (line, Host, the default
 * User-Agent equal to the UserAgentString option), then Status,
 * StatusText and ResponseText. */
static void test_get(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    BSTR text = NULL;
    HRESULT hr;
    VARIANT agent;
    char host[64], want_agent[512] = "";

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, "Content-Type: text/plain\r\n", "hello");
    ok_hr(open_at(req, L"GET", srv, L"/get/page?x=1", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_int(status_of(req), 200);
    hr = IWinHttpRequest_get_StatusText(req, &text);
    ok(hr == S_OK && text && !wcscmp(text, L"OK"), "StatusText: %#lx %ls", (unsigned long)hr, text ? text : L"");
    SysFreeString(text);
    ok_text(req, L"hello");
    agent = option_of(req, WinHttpRequestOption_UserAgentString, &hr);
    ok(hr == S_OK && V_VT(&agent) == VT_BSTR && V_BSTR(&agent) && *V_BSTR(&agent), "UserAgentString: %#lx vt %u",
       (unsigned long)hr, V_VT(&agent));
    if (V_VT(&agent) == VT_BSTR && V_BSTR(&agent))
        WideCharToMultiByte(CP_UTF8, 0, V_BSTR(&agent), -1, want_agent, sizeof(want_agent), NULL, NULL);
    VariantClear(&agent);
    IWinHttpRequest_Release(req);

    ok_int(server_requests(srv), 1);
    ok_request_line(head_at(srv, 0), "GET /get/page?x=1 HTTP/1.1");
    snprintf(host, sizeof(host), "127.0.0.1:%u", server_port(srv));
    ok_header(head_at(srv, 0), "Host", host);
    if (*want_agent) ok_header(head_at(srv, 0), "User-Agent", want_agent);
done:
    stop(srv);
    CoUninitialize();
}

/* SetRequestHeader adds a header, a second call for the same name replaces
 * it, a NULL value deletes it; names and values with CR or LF (header
 * injection) and an empty name are refused, and nothing of them reaches the
 * wire. */
static void test_request_headers(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    const char *head;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "ok");
    ok_hr(open_at(req, L"GET", srv, L"/headers", FALSE), S_OK);
    ok_hr(set_header(req, L"X-One", L"first"), S_OK);
    ok_hr(set_header(req, L"X-One", L"second"), S_OK);
    ok_hr(set_header(req, L"X-Two", L"two"), S_OK);
    ok_hr(set_header(req, L"X-Gone", L"soon"), S_OK);
    ok_hr(set_header(req, L"X-Gone", NULL), S_OK);
    ok(FAILED(set_header(req, L"X-Bad\r\nX-Injected", L"1")), "a name with CRLF was accepted");
    ok(FAILED(set_header(req, L"X-Bad", L"1\r\nX-Injected: 2")), "a value with CRLF was accepted");
    ok(FAILED(set_header(req, L"X-Bad", L"1\nX-Injected: 3")), "a value with LF was accepted");
    ok(FAILED(set_header(req, L"", L"1")), "an empty name was accepted");
    ok_hr(set_header(req, NULL, L"1"), E_INVALIDARG);
    ok_hr(send_nothing(req), S_OK);
    IWinHttpRequest_Release(req);

    head = head_at(srv, 0);
    ok_header(head, "X-One", "second");
    ok_int(count_headers(head, "X-One"), 1);
    ok_header(head, "X-Two", "two");
    ok_header(head, "X-Gone", NULL);
    ok(!strstr(head, "X-Injected") && !strstr(head, "X-Bad"), "injected header on the wire:\n%s", head);
done:
    stop(srv);
    CoUninitialize();
}

/* Send with no body (left out, VT_EMPTY) on a POST: Content-Length 0; a
 * GET sends no body even when one is given (documented for Send). */
static void test_send_empty(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    VARIANT empty, body;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "a");
    serve(srv, 200, NULL, "b");
    serve(srv, 200, NULL, "c");
    VariantInit(&empty);
    ok_hr(open_at(req, L"POST", srv, L"/missing", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_hr(open_at(req, L"POST", srv, L"/empty", FALSE), S_OK);
    ok_hr(IWinHttpRequest_Send(req, empty), S_OK);
    ok_hr(open_at(req, L"GET", srv, L"/get-with-body", FALSE), S_OK);
    body = v_bstr(L"ignored");
    ok_hr(IWinHttpRequest_Send(req, body), S_OK);
    VariantClear(&body);
    IWinHttpRequest_Release(req);

    ok_int(server_requests(srv), 3);
    ok_request_line(head_at(srv, 0), "POST /missing HTTP/1.1");
    ok_header(head_at(srv, 0), "Content-Length", "0");
    ok_body(srv, 0, "", 0);
    ok_header(head_at(srv, 1), "Content-Length", "0");
    ok_body(srv, 1, "", 0);
    ok_request_line(head_at(srv, 2), "GET /get-with-body HTTP/1.1");
    ok_body(srv, 2, "", 0);
    ok(!strstr(head_at(srv, 2), "ignored"), "GET carried the body");
done:
    stop(srv);
    CoUninitialize();
}

/* A VT_BSTR body goes out as UTF-8, with its Content-Length in bytes;
 * also with a Content-Type saying charset=utf-8; a NULL BSTR is an empty
 * body. */
static void test_send_bstr(void)
{
    static const char utf8[] = "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80";
    struct server *srv = start();
    IWinHttpRequest *req;
    VARIANT body;
    char length[16];

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "a");
    serve(srv, 200, NULL, "b");
    serve(srv, 200, NULL, "c");
    ok_hr(open_at(req, L"POST", srv, L"/bstr", FALSE), S_OK);
    body = v_bstr(L"h\x00e9llo \x20ac \xd83d\xde00");
    ok_hr(IWinHttpRequest_Send(req, body), S_OK);
    ok_hr(open_at(req, L"POST", srv, L"/bstr-utf8", FALSE), S_OK);
    ok_hr(set_header(req, L"Content-Type", L"text/plain; charset=utf-8"), S_OK);
    ok_hr(IWinHttpRequest_Send(req, body), S_OK);
    VariantClear(&body);
    ok_hr(open_at(req, L"POST", srv, L"/bstr-null", FALSE), S_OK);
    V_VT(&body) = VT_BSTR;
    V_BSTR(&body) = NULL;
    ok_hr(IWinHttpRequest_Send(req, body), S_OK);
    IWinHttpRequest_Release(req);

    ok_int(server_requests(srv), 3);
    snprintf(length, sizeof(length), "%u", (unsigned)strlen(utf8));
    ok_header(head_at(srv, 0), "Content-Length", length);
    ok_body(srv, 0, utf8, strlen(utf8));
    ok_header(head_at(srv, 1), "Content-Type", "text/plain; charset=utf-8");
    ok_body(srv, 1, utf8, strlen(utf8));
    ok_header(head_at(srv, 2), "Content-Length", "0");
done:
    stop(srv);
    CoUninitialize();
}

/* A VT_ARRAY|VT_UI1 body goes out byte for byte (NULs and 0xff included),
 * also an empty array. */
static void test_send_array(void)
{
    static const char bytes[] = { 'a', 0, 'b', (char)0xff, (char)0x80, '\r', '\n', 'z' };
    struct server *srv = start();
    IWinHttpRequest *req;
    VARIANT body;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "a");
    serve(srv, 200, NULL, "b");
    ok_hr(open_at(req, L"PUT", srv, L"/array", FALSE), S_OK);
    body = v_bytes(bytes, sizeof(bytes));
    ok_hr(IWinHttpRequest_Send(req, body), S_OK);
    VariantClear(&body);
    ok_hr(open_at(req, L"PUT", srv, L"/array-empty", FALSE), S_OK);
    body = v_bytes("", 0);
    ok_hr(IWinHttpRequest_Send(req, body), S_OK);
    VariantClear(&body);
    IWinHttpRequest_Release(req);

    ok_int(server_requests(srv), 2);
    ok_request_line(head_at(srv, 0), "PUT /array HTTP/1.1");
    ok_header(head_at(srv, 0), "Content-Length", "8");
    ok_body(srv, 0, bytes, sizeof(bytes));
    ok_header(head_at(srv, 1), "Content-Length", "0");
done:
    stop(srv);
    CoUninitialize();
}

/* VT_BYREF bodies: a BSTR, a byte array and a VARIANT holding a BSTR, all
 * by reference (as Visual Basic passes them). */
static void test_send_byref(void)
{
    static const char bytes[] = "by\0ref";
    struct server *srv = start();
    IWinHttpRequest *req;
    VARIANT body, inner, array;
    BSTR text = SysAllocString(L"by-ref text");
    SAFEARRAY *psa;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "a");
    serve(srv, 200, NULL, "b");
    serve(srv, 200, NULL, "c");

    ok_hr(open_at(req, L"POST", srv, L"/byref-bstr", FALSE), S_OK);
    V_VT(&body) = VT_BYREF | VT_BSTR;
    V_BSTRREF(&body) = &text;
    ok_hr(IWinHttpRequest_Send(req, body), S_OK);

    ok_hr(open_at(req, L"POST", srv, L"/byref-array", FALSE), S_OK);
    array = v_bytes(bytes, sizeof(bytes) - 1);
    psa = V_ARRAY(&array);
    V_VT(&body) = VT_BYREF | VT_ARRAY | VT_UI1;
    V_ARRAYREF(&body) = &psa;
    ok_hr(IWinHttpRequest_Send(req, body), S_OK);
    VariantClear(&array);

    ok_hr(open_at(req, L"POST", srv, L"/byref-variant", FALSE), S_OK);
    V_VT(&inner) = VT_BSTR;
    V_BSTR(&inner) = text;
    V_VT(&body) = VT_BYREF | VT_VARIANT;
    V_VARIANTREF(&body) = &inner;
    ok_hr(IWinHttpRequest_Send(req, body), S_OK);
    IWinHttpRequest_Release(req);

    ok_int(server_requests(srv), 3);
    ok_body(srv, 0, "by-ref text", 11);
    ok_body(srv, 1, bytes, sizeof(bytes) - 1);
    ok_body(srv, 2, "by-ref text", 11);
done:
    SysFreeString(text);
    stop(srv);
    CoUninitialize();
}

/* An IStream body (VT_UNKNOWN, and VT_UNKNOWN|VT_BYREF): its bytes from its
 * current position to its end are sent. */
static void test_send_stream(void)
{
    static const char bytes[] = "stream\0body\xff";
    struct server *srv = start();
    IWinHttpRequest *req;
    IStream *stream = NULL;
    IUnknown *unk;
    VARIANT body;
    LARGE_INTEGER zero = { { 0 } };

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "a");
    serve(srv, 200, NULL, "b");
    ok_hr(CreateStreamOnHGlobal(NULL, TRUE, &stream), S_OK);
    if (!stream) goto release;
    ok_hr(IStream_Write(stream, bytes, sizeof(bytes) - 1, NULL), S_OK);
    IStream_Seek(stream, zero, STREAM_SEEK_SET, NULL);

    ok_hr(open_at(req, L"POST", srv, L"/stream", FALSE), S_OK);
    V_VT(&body) = VT_UNKNOWN;
    V_UNKNOWN(&body) = (IUnknown *)stream;
    ok_hr(IWinHttpRequest_Send(req, body), S_OK);

    IStream_Seek(stream, zero, STREAM_SEEK_SET, NULL);
    ok_hr(open_at(req, L"POST", srv, L"/stream-byref", FALSE), S_OK);
    unk = (IUnknown *)stream;
    V_VT(&body) = VT_UNKNOWN | VT_BYREF;
    V_UNKNOWNREF(&body) = &unk;
    ok_hr(IWinHttpRequest_Send(req, body), S_OK);
    IStream_Release(stream);

    ok_int(server_requests(srv), 2);
    ok_body(srv, 0, bytes, sizeof(bytes) - 1);
    ok_body(srv, 1, bytes, sizeof(bytes) - 1);
release:
    IWinHttpRequest_Release(req);
done:
    stop(srv);
    CoUninitialize();
}

/* A minimal IDispatch that is no stream and no DOM document. */
static HRESULT WINAPI nodisp_QueryInterface(IDispatch *iface, REFIID iid, void **out)
{
    if (IsEqualIID(iid, &IID_IUnknown) || IsEqualIID(iid, &IID_IDispatch))
    {
        *out = iface;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI nodisp_AddRef(IDispatch *iface) { return 2; }
static ULONG WINAPI nodisp_Release(IDispatch *iface) { return 1; }
static HRESULT WINAPI nodisp_GetTypeInfoCount(IDispatch *iface, UINT *count) { *count = 0; return S_OK; }
static HRESULT WINAPI nodisp_GetTypeInfo(IDispatch *iface, UINT i, LCID lcid, ITypeInfo **info) { return E_NOTIMPL; }
static HRESULT WINAPI nodisp_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count, LCID lcid,
                                           DISPID *ids)
{
    return DISP_E_UNKNOWNNAME;
}
static HRESULT WINAPI nodisp_Invoke(IDispatch *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
                                    DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    return DISP_E_MEMBERNOTFOUND;
}
static IDispatchVtbl nodisp_vtbl = {
    nodisp_QueryInterface, nodisp_AddRef, nodisp_Release, nodisp_GetTypeInfoCount, nodisp_GetTypeInfo,
    nodisp_GetIDsOfNames, nodisp_Invoke,
};

/* Bodies of other types: a VT_DISPATCH that is neither a stream nor a
 * document is refused; whatever a VT_I4 or VT_DATE body does, the object
 * stays usable for the next request. */
static void test_send_bad_types(void)
{
    struct server *srv = start();
    IDispatch nodisp = { &nodisp_vtbl };
    IWinHttpRequest *req;
    VARIANT body;
    HRESULT hr;
    int n;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    {
        struct script *c = server_every_connection(srv);
        struct response r = { .status = 200, .body = "any", .flags = RESPONSE_CLOSE };

        script_recv_request(c);
        script_recv_body(c, SERVER_BODY_AUTO);
        script_send_response(c, &r);
        script_close(c);
    }
    ok_hr(open_at(req, L"POST", srv, L"/dispatch", FALSE), S_OK);
    V_VT(&body) = VT_DISPATCH;
    V_DISPATCH(&body) = &nodisp;
    hr = IWinHttpRequest_Send(req, body);
    ok(FAILED(hr), "Send(VT_DISPATCH of no stream): %#lx", (unsigned long)hr);

    ok_hr(open_at(req, L"POST", srv, L"/i4", FALSE), S_OK);
    IWinHttpRequest_Send(req, v_i4(42));
    ok_hr(open_at(req, L"POST", srv, L"/date", FALSE), S_OK);
    V_VT(&body) = VT_DATE;
    V_DATE(&body) = 45000.5;
    IWinHttpRequest_Send(req, body);

    ok_hr(open_at(req, L"GET", srv, L"/after", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_int(status_of(req), 200);
    ok_text(req, L"any");
    IWinHttpRequest_Release(req);
    n = server_requests(srv);
    ok(n >= 1 && strstr(head_at(srv, n - 1), "GET /after "), "the last request: %.40s", head_at(srv, n - 1));
done:
    stop(srv);
    CoUninitialize();
}

/* Send twice on one Open: the second is a new request, S_OK, and the
 * response is the second one. */
static void test_send_twice(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "first");
    serve(srv, 201, NULL, "second");
    ok_hr(open_at(req, L"GET", srv, L"/twice", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"first");
    ok_hr(send_nothing(req), S_OK);
    ok_int(status_of(req), 201);
    ok_text(req, L"second");
    IWinHttpRequest_Release(req);
    ok_int(server_requests(srv), 2);
    ok_request_line(head_at(srv, 1), "GET /twice HTTP/1.1");
done:
    stop(srv);
    CoUninitialize();
}

/* ---- cases: the response ---------------------------------------------------------------- */

/* Status and StatusText from the status line (any reason phrase);
 * GetResponseHeader by name in any case, a missing header
 * ERROR_WINHTTP_HEADER_NOT_FOUND; GetAllResponseHeaders: the headers
 * without the status line, each ending in CRLF, the last followed by
 * another CRLF (documented). */
static void test_response_headers(void)
{
    static const char response[] = "HTTP/1.1 299 Fine Thing\r\nX-One: 1\r\nX-Two: two words\r\n"
                                   "Content-Length: 2\r\nConnection: close\r\n\r\nok";
    struct server *srv = start();
    IWinHttpRequest *req;
    struct script *c;
    BSTR name, value = NULL, all = NULL;
    HRESULT hr;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    c = server_add_connection(srv);
    script_recv_request(c);
    script_send(c, response, 0);
    script_close(c);
    ok_hr(open_at(req, L"GET", srv, L"/headers", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_int(status_of(req), 299);
    hr = IWinHttpRequest_get_StatusText(req, &value);
    ok(hr == S_OK && value && !wcscmp(value, L"Fine Thing"), "StatusText: %#lx %ls", (unsigned long)hr,
       value ? value : L"");
    SysFreeString(value);

    name = SysAllocString(L"x-two");
    value = NULL;
    hr = IWinHttpRequest_GetResponseHeader(req, name, &value);
    ok(hr == S_OK && value && !wcscmp(value, L"two words"), "GetResponseHeader(x-two): %#lx %ls",
       (unsigned long)hr, value ? value : L"");
    SysFreeString(value);
    SysFreeString(name);
    name = SysAllocString(L"X-Missing");
    value = NULL;
    ok_hr(IWinHttpRequest_GetResponseHeader(req, name, &value), HR(ERROR_WINHTTP_HEADER_NOT_FOUND));
    ok_hr(IWinHttpRequest_GetResponseHeader(req, name, NULL), E_INVALIDARG);
    ok_hr(IWinHttpRequest_GetResponseHeader(req, NULL, &value), E_INVALIDARG);
    SysFreeString(name);

    hr = IWinHttpRequest_GetAllResponseHeaders(req, &all);
    ok(hr == S_OK && all && !wcscmp(all, L"X-One: 1\r\nX-Two: two words\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"),
       "GetAllResponseHeaders: %#lx \"%ls\"", (unsigned long)hr, all ? all : L"(null)");
    SysFreeString(all);
    ok_hr(IWinHttpRequest_GetAllResponseHeaders(req, NULL), E_INVALIDARG);
    IWinHttpRequest_Release(req);
done:
    stop(srv);
    CoUninitialize();
}

/* ResponseText decodes the body by the charset of Content-Type: utf-8
 * (any case), iso-8859-1, windows-1252. */
static void test_text_charsets(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, "Content-Type: text/plain; charset=utf-8\r\n", "caf\xc3\xa9 \xe2\x82\xac");
    serve(srv, 200, "Content-Type: text/html; Charset=UTF-8\r\n", "\xc3\xa9t\xc3\xa9");
    serve(srv, 200, "Content-Type: text/plain; charset=iso-8859-1\r\n", "caf\xe9");
    serve(srv, 200, "Content-Type: text/plain; charset=windows-1252\r\n", "\x80 caf\xe9");
    ok_hr(open_at(req, L"GET", srv, L"/utf8", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"caf\x00e9 \x20ac");
    ok_hr(open_at(req, L"GET", srv, L"/UTF8", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"\x00e9t\x00e9");
    ok_hr(open_at(req, L"GET", srv, L"/latin1", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"caf\x00e9");
    ok_hr(open_at(req, L"GET", srv, L"/cp1252", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"\x20ac caf\x00e9");
    IWinHttpRequest_Release(req);
done:
    stop(srv);
    CoUninitialize();
}

/* No charset (no Content-Type, or one without charset): an ASCII body is
 * itself; a body starting with a UTF-8 byte order mark is UTF-8, the mark
 * not part of the text. */
static void test_text_bom(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "plain ascii");
    serve(srv, 200, "Content-Type: text/plain\r\n", "still ascii");
    serve(srv, 200, "Content-Type: text/plain\r\n", "\xef\xbb\xbf" "caf\xc3\xa9");
    ok_hr(open_at(req, L"GET", srv, L"/none", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"plain ascii");
    ok_hr(open_at(req, L"GET", srv, L"/nocharset", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"still ascii");
    ok_hr(open_at(req, L"GET", srv, L"/bom", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"caf\x00e9");
    IWinHttpRequest_Release(req);
done:
    stop(srv);
    CoUninitialize();
}

/* ResponseBody: VT_ARRAY|VT_UI1, one dimension from 0, the exact bytes
 * (also a chunked body); an empty body gives an empty array. */
static void test_response_body(void)
{
    static const char bytes[] = "\0\x01\xff body \r\n\x80";
    struct server *srv = start();
    IWinHttpRequest *req;
    struct script *c;
    struct response r = { .status = 200, .body = bytes, .body_length = sizeof(bytes) - 1,
                          .flags = RESPONSE_CLOSE | RESPONSE_CHUNKED, .chunk_size = 3 };
    VARIANT body;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve_full(srv, 200, NULL, "Content-Type: application/octet-stream\r\n", bytes, sizeof(bytes) - 1);
    c = server_add_connection(srv);
    script_recv_request(c);
    script_send_response(c, &r);
    script_close(c);
    serve(srv, 204, NULL, NULL);

    ok_hr(open_at(req, L"GET", srv, L"/bytes", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    VariantInit(&body);
    ok_hr(IWinHttpRequest_get_ResponseBody(req, &body), S_OK);
    ok_bytes(&body, bytes, sizeof(bytes) - 1);
    VariantClear(&body);
    ok_hr(IWinHttpRequest_get_ResponseBody(req, NULL), E_INVALIDARG);

    ok_hr(open_at(req, L"GET", srv, L"/chunked", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_hr(IWinHttpRequest_get_ResponseBody(req, &body), S_OK);
    ok_bytes(&body, bytes, sizeof(bytes) - 1);
    VariantClear(&body);

    ok_hr(open_at(req, L"GET", srv, L"/empty", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_int(status_of(req), 204);
    ok_hr(IWinHttpRequest_get_ResponseBody(req, &body), S_OK);
    ok_bytes(&body, "", 0);
    VariantClear(&body);
    IWinHttpRequest_Release(req);
done:
    stop(srv);
    CoUninitialize();
}

/* ResponseStream: VT_UNKNOWN that is an IStream giving the exact bytes;
 * each get a new stream; seekable; it outlives the request object. */
static void test_response_stream(void)
{
    static const char bytes[] = "stream \0bytes\xff";
    struct server *srv = start();
    IWinHttpRequest *req;
    IStream *stream = NULL;
    VARIANT v, v2;
    LARGE_INTEGER zero = { { 0 } }, back;
    ULARGE_INTEGER pos;
    STATSTG stat;
    char buffer[256];
    size_t got;
    HRESULT hr;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve_full(srv, 200, NULL, NULL, bytes, sizeof(bytes) - 1);
    ok_hr(open_at(req, L"GET", srv, L"/stream", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    VariantInit(&v);
    VariantInit(&v2);
    ok_hr(IWinHttpRequest_get_ResponseStream(req, &v), S_OK);
    ok(V_VT(&v) == VT_UNKNOWN && V_UNKNOWN(&v), "ResponseStream: vt %u", V_VT(&v));
    if (V_VT(&v) != VT_UNKNOWN || !V_UNKNOWN(&v)) goto release;
    ok_hr(IUnknown_QueryInterface(V_UNKNOWN(&v), &IID_IStream, (void **)&stream), S_OK);
    if (!stream) goto release;
    got = read_stream(stream, buffer, sizeof(buffer));
    ok(got == sizeof(bytes) - 1 && !memcmp(buffer, bytes, got), "stream: %lu bytes", (unsigned long)got);

    ok_hr(IWinHttpRequest_get_ResponseStream(req, &v2), S_OK);
    ok(V_VT(&v2) == VT_UNKNOWN && V_UNKNOWN(&v2) != V_UNKNOWN(&v), "a second ResponseStream is the same object");
    VariantClear(&v2);
    ok_hr(IWinHttpRequest_get_ResponseStream(req, NULL), E_INVALIDARG);
    ok_int(IWinHttpRequest_Release(req), 0);
    req = NULL;

    /* after the request's release: seek back, read again */
    hr = IStream_Seek(stream, zero, STREAM_SEEK_SET, &pos);
    ok(hr == S_OK && pos.QuadPart == 0, "Seek(0): %#lx", (unsigned long)hr);
    got = read_stream(stream, buffer, sizeof(buffer));
    ok(got == sizeof(bytes) - 1 && !memcmp(buffer, bytes, got), "stream after Release: %lu bytes", (unsigned long)got);
    back.QuadPart = -5;
    hr = IStream_Seek(stream, back, STREAM_SEEK_END, &pos);
    ok(hr == S_OK && pos.QuadPart == sizeof(bytes) - 1 - 5, "Seek(-5, END): %#lx %lu", (unsigned long)hr,
       (unsigned long)pos.QuadPart);
    got = read_stream(stream, buffer, sizeof(buffer));
    ok(got == 5 && !memcmp(buffer, bytes + sizeof(bytes) - 1 - 5, 5), "the last 5 bytes: %lu", (unsigned long)got);
    if (SUCCEEDED(IStream_Stat(stream, &stat, STATFLAG_NONAME)))
        ok(stat.cbSize.QuadPart == sizeof(bytes) - 1, "Stat size %lu", (unsigned long)stat.cbSize.QuadPart);
    IStream_Release(stream);
release:
    VariantClear(&v);
    if (req) IWinHttpRequest_Release(req);
done:
    stop(srv);
    CoUninitialize();
}

/* ---- cases: call order, bad arguments, errors --------------------------------------------- */

/* Before Open: Send, SetRequestHeader and SetCredentials give
 * ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN; the response's properties give
 * ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND (also after Open), NULL out
 * pointers E_INVALIDARG; the URL option cannot be read before Open. */
static void test_before_open(void)
{
    IWinHttpRequest *req;
    BSTR name = SysAllocString(L"Date"), value = SysAllocString(L"x"), out = NULL;
    LONG status;
    VARIANT v;
    HRESULT hr;
    int round;

    CoInitialize(NULL);
    if (!(req = create())) goto done;
    ok_hr(send_nothing(req), HR(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN));
    ok_error_info();
    ok_hr(IWinHttpRequest_SetRequestHeader(req, name, value), HR(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN));
    ok_hr(IWinHttpRequest_SetCredentials(req, name, value, HTTPREQUEST_SETCREDENTIALS_FOR_SERVER),
          HR(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN));
    VariantInit(&v);
    hr = IWinHttpRequest_get_Option(req, WinHttpRequestOption_URL, &v);
    ok(FAILED(hr), "Option(URL) before Open: %#lx vt %u", (unsigned long)hr, V_VT(&v));
    VariantClear(&v);

    for (round = 0; round < 2; round++)
    {
        if (round) ok_hr(open_with(req, L"GET", L"http://127.0.0.1:1/", v_bool(FALSE)), S_OK);
        ok_hr(IWinHttpRequest_get_Status(req, &status), HR(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND));
        ok_hr(IWinHttpRequest_get_StatusText(req, &out), HR(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND));
        ok_hr(IWinHttpRequest_get_ResponseText(req, &out), HR(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND));
        VariantInit(&v);
        ok_hr(IWinHttpRequest_get_ResponseBody(req, &v), HR(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND));
        ok_hr(IWinHttpRequest_get_ResponseStream(req, &v), HR(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND));
        ok_hr(IWinHttpRequest_GetAllResponseHeaders(req, &out), HR(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND));
        ok_hr(IWinHttpRequest_GetResponseHeader(req, name, &out), HR(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND));
        ok_hr(IWinHttpRequest_get_Status(req, NULL), E_INVALIDARG);
        ok_hr(IWinHttpRequest_get_StatusText(req, NULL), E_INVALIDARG);
        ok_hr(IWinHttpRequest_get_ResponseText(req, NULL), E_INVALIDARG);
        ok_hr(IWinHttpRequest_get_ResponseBody(req, NULL), E_INVALIDARG);
        ok_hr(IWinHttpRequest_GetAllResponseHeaders(req, NULL), E_INVALIDARG);
    }
    /* after Open the URL option is the URL opened */
    ok_option_bstr(req, WinHttpRequestOption_URL, L"http://127.0.0.1:1/");
    IWinHttpRequest_Release(req);
done:
    SysFreeString(name);
    SysFreeString(value);
    CoUninitialize();
}

/* After Send: SetRequestHeader gives ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND
 * until the next Open. */
static void test_after_send(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "a");
    serve(srv, 200, NULL, "b");
    ok_hr(open_at(req, L"GET", srv, L"/one", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_hr(set_header(req, L"X-Late", L"1"), HR(ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND));
    ok_error_info();
    ok_hr(open_at(req, L"GET", srv, L"/two", FALSE), S_OK);
    ok_hr(set_header(req, L"X-Again", L"2"), S_OK);
    ok_hr(send_nothing(req), S_OK);
    IWinHttpRequest_Release(req);
    ok_header(head_at(srv, 1), "X-Again", "2");
    ok_header(head_at(srv, 1), "X-Late", NULL);
done:
    stop(srv);
    CoUninitialize();
}

/* A port nobody listens on: Send fails with ERROR_WINHTTP_CANNOT_CONNECT
 * and sets the error info (IErrorInfo with a description). */
static void test_connect_refused(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    unsigned short port;
    WCHAR url[64];
    LONG status;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    port = server_port(srv);
    server_stop(srv);
    srv = NULL;
    swprintf(url, ARRAYSIZE(url), L"http://127.0.0.1:%u/refused", port);
    ok_hr(open_with(req, L"GET", url, v_bool(FALSE)), S_OK);
    SetErrorInfo(0, NULL);
    ok_hr(send_nothing(req), HR(ERROR_WINHTTP_CANNOT_CONNECT));
    ok_error_info();
    ok(FAILED(IWinHttpRequest_get_Status(req, &status)), "Status after a failed Send");
    IWinHttpRequest_Release(req);
done:
    stop(srv);
    CoUninitialize();
}

/* SetTimeouts: a receive timeout of 500 ms against a server that does not
 * answer fails the Send with ERROR_WINHTTP_TIMEOUT, soon. */
static void test_timeouts(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    ULONGLONG t0, elapsed;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve_silence(srv, 4000);
    ok_hr(IWinHttpRequest_SetTimeouts(req, 2000, 2000, 2000, 500), S_OK);
    ok_hr(open_at(req, L"GET", srv, L"/silent", FALSE), S_OK);
    t0 = GetTickCount64();
    ok_hr(send_nothing(req), HR(ERROR_WINHTTP_TIMEOUT));
    elapsed = GetTickCount64() - t0;
    ok(elapsed >= 400 && elapsed < 3000, "the timeout took %lu ms", (unsigned long)elapsed);
    ok_hr(IWinHttpRequest_SetTimeouts(req, -1, 0, 1000, 1000), S_OK);
    IWinHttpRequest_Release(req);
done:
    stop_quietly(srv);
    CoUninitialize();
}

/* NULL and empty BSTRs where they are not allowed; Abort before Open and
 * twice; huge request headers are sent whole. */
static void test_bad_input(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    WCHAR *big;
    const char *value;
    int i;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "ok");
    ok_hr(IWinHttpRequest_Abort(req), S_OK);
    ok_hr(IWinHttpRequest_Abort(req), S_OK);
    ok_hr(IWinHttpRequest_SetRequestHeader(req, NULL, NULL), E_INVALIDARG);
    ok_hr(open_at(req, L"GET", srv, L"/big", FALSE), S_OK);
    big = malloc(32001 * sizeof(WCHAR));
    for (i = 0; i < 32000; i++) big[i] = L'a' + i % 26;
    big[32000] = 0;
    ok_hr(set_header(req, L"X-Big", big), S_OK);
    free(big);
    ok_hr(send_nothing(req), S_OK);
    ok_int(status_of(req), 200);
    ok_hr(IWinHttpRequest_Abort(req), S_OK);
    ok_hr(IWinHttpRequest_Abort(req), S_OK);
    IWinHttpRequest_Release(req);
    value = strstr(head_at(srv, 0), "X-Big: ");
    ok(value && strspn(value + 7, "abcdefghijklmnopqrstuvwxyz") == 32000, "the big header did not arrive whole");
done:
    stop(srv);
    CoUninitialize();
}

/* A response head larger than MaxResponseHeaderSize fails the Send with
 * ERROR_WINHTTP_HEADER_SIZE_OVERFLOW. */
static void test_huge_response_header(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    char *headers;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    headers = malloc(4200);
    strcpy(headers, "X-Huge: ");
    memset(headers + 8, 'h', 4096);
    strcpy(headers + 8 + 4096, "\r\n");
    serve(srv, 200, headers, "ok");
    free(headers);
    ok_hr(put_option(req, WinHttpRequestOption_MaxResponseHeaderSize, v_i4(1024)), S_OK);
    ok_option_i4(req, WinHttpRequestOption_MaxResponseHeaderSize, 1024);
    ok_hr(open_at(req, L"GET", srv, L"/huge", FALSE), S_OK);
    ok_hr(send_nothing(req), HR(ERROR_WINHTTP_HEADER_SIZE_OVERFLOW));
    IWinHttpRequest_Release(req);
done:
    stop_quietly(srv);
    CoUninitialize();
}

/* ---- cases: asynchronous mode ----------------------------------------------------------- */

/* Open(..., True): Send returns at once; the response properties say
 * E_PENDING until the response is there; WaitForResponse(5) returns
 * VARIANT_TRUE; then everything is as in synchronous mode.  WaitForResponse
 * after that (timeout left out) returns VARIANT_TRUE at once. */
static void test_async_wait(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    VARIANT_BOOL done_flag = 99;
    ULONGLONG t0, elapsed;
    VARIANT v;
    HRESULT hr;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve_late(srv, 1500, "late answer");
    ok_hr(open_at(req, L"GET", srv, L"/async", TRUE), S_OK);
    t0 = GetTickCount64();
    ok_hr(send_nothing(req), S_OK);
    elapsed = GetTickCount64() - t0;
    ok(elapsed < 1000, "Send took %lu ms in asynchronous mode", (unsigned long)elapsed);
    VariantInit(&v);
    hr = IWinHttpRequest_get_ResponseStream(req, &v);
    ok(hr == E_PENDING, "ResponseStream before the response: %#lx", (unsigned long)hr);
    VariantClear(&v);
    ok_hr(IWinHttpRequest_WaitForResponse(req, v_i4(5), &done_flag), S_OK);
    ok(done_flag == VARIANT_TRUE, "WaitForResponse: %d", done_flag);
    ok_int(status_of(req), 200);
    ok_text(req, L"late answer");
    done_flag = 99;
    t0 = GetTickCount64();
    ok_hr(IWinHttpRequest_WaitForResponse(req, v_missing(), &done_flag), S_OK);
    ok(done_flag == VARIANT_TRUE && GetTickCount64() - t0 < 1000, "WaitForResponse again: %d", done_flag);
    IWinHttpRequest_Release(req);
done:
    stop(srv);
    CoUninitialize();
}

/* WaitForResponse(1) against a server that does not answer: VARIANT_FALSE
 * after about a second (the request goes on); Abort cancels it, then a
 * new Open and Send work. */
static void test_async_timeout(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    VARIANT_BOOL done_flag = 99;
    ULONGLONG t0, elapsed;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve_silence(srv, 6000);
    serve(srv, 200, NULL, "after abort");
    ok_hr(open_at(req, L"GET", srv, L"/never", TRUE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    t0 = GetTickCount64();
    ok_hr(IWinHttpRequest_WaitForResponse(req, v_i4(1), &done_flag), S_OK);
    elapsed = GetTickCount64() - t0;
    ok(done_flag == VARIANT_FALSE, "WaitForResponse on a silent server: %d", done_flag);
    ok(elapsed >= 800 && elapsed < 3000, "WaitForResponse(1) took %lu ms", (unsigned long)elapsed);
    t0 = GetTickCount64();
    ok_hr(IWinHttpRequest_Abort(req), S_OK);
    ok(GetTickCount64() - t0 < 2000, "Abort took %lu ms", (unsigned long)(GetTickCount64() - t0));
    ok_hr(IWinHttpRequest_Abort(req), S_OK);

    ok_hr(open_at(req, L"GET", srv, L"/after", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"after abort");
    IWinHttpRequest_Release(req);
done:
    stop_quietly(srv);
    CoUninitialize();
}

/* Releasing the object with an asynchronous request in flight returns
 * soon, without a crash; so does CoUninitialize after it. */
static void test_release_in_flight(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    ULONGLONG t0;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve_silence(srv, 6000);
    ok_hr(open_at(req, L"GET", srv, L"/in-flight", TRUE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    Sleep(200);
    t0 = GetTickCount64();
    IWinHttpRequest_Release(req);
    ok(GetTickCount64() - t0 < 3000, "Release took %lu ms", (unsigned long)(GetTickCount64() - t0));
done:
    t0 = GetTickCount64();
    CoUninitialize();
    ok(GetTickCount64() - t0 < 3000, "CoUninitialize took %lu ms", (unsigned long)(GetTickCount64() - t0));
    stop_quietly(srv);
}

/* ---- cases: events -------------------------------------------------------------------- */

/* A body that arrives in pieces. */
static void serve_events_body(struct server *srv, const char *body)
{
    struct script *c = server_add_connection(srv);
    char head[256];

    snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %u\r\n"
             "Connection: close\r\n\r\n", (unsigned)strlen(body));
    script_recv_request(c);
    script_send(c, head, 0);
    script_send_slow(c, body, strlen(body), 10, 50);
    script_close(c);
}

static void check_events(const char *file, int line, struct sink *s, const char *body)
{
    size_t length = strlen(body);
    const char *log = s->log;
    BOOL ordered = !strncmp(log, "start(200,text/plain) data", 26);

    if (ordered)
    {
        const char *p = log + strlen("start(200,text/plain)");

        while (!strncmp(p, " data", 5)) p += 5;
        ordered = !strcmp(p, " finished");
    }
    harness_check(file, line, ordered, "events: \"%s\", want start(200,text/plain), data..., finished", log);
    /* each event holds new bytes (their concatenation is the body), or the
     * bytes so far (the last one is the body) */
    harness_check(file, line, (s->data_length == length && !memcmp(s->data, body, length)) ||
                  (s->last_length == length && !memcmp(s->data + s->data_length - length, body, length)),
                  "event data: %lu bytes concatenated, %lu in the last, want the body's %lu",
                  (unsigned long)s->data_length, (unsigned long)s->last_length, (unsigned long)length);
    harness_check(file, line, !s->wrong_thread, "%d events on another thread", s->wrong_thread);
}
#define ok_events(s, body) check_events(__FILE__, __LINE__, s, body)

/* Synchronous mode: during Send, OnResponseStart(200, content type),
 * OnResponseDataAvailable with the body's bytes, OnResponseFinished, in
 * that order, on the calling thread; after Unadvise none. */
static void test_events_sync(void)
{
    static const char body[] = "event body, arriving in several pieces";
    struct server *srv = start();
    IWinHttpRequest *req;
    IConnectionPoint *point = NULL;
    struct sink s;
    DWORD cookie;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve_events_body(srv, body);
    serve(srv, 200, "Content-Type: text/plain\r\n", "unadvised");
    sink_init(&s);
    if (!(point = advise(req, &s, &cookie))) goto release;
    ok(s.ref > 1, "Advise kept no reference to the sink");
    ok_hr(open_at(req, L"GET", srv, L"/events", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_events(&s, body);
    ok_text(req, L"event body, arriving in several pieces");

    ok_hr(IConnectionPoint_Unadvise(point, cookie), S_OK);
    ok_hr(IConnectionPoint_Unadvise(point, cookie), CONNECT_E_NOCONNECTION);
    s.events = 0;
    s.log[0] = 0;
    ok_hr(open_at(req, L"GET", srv, L"/unadvised", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_int(s.events, 0);
    IConnectionPoint_Release(point);
release:
    IWinHttpRequest_Release(req);
    ok_int(s.ref, 1);
done:
    stop(srv);
    CoUninitialize();
}

/* An asynchronous Send with a sink; the thread sleeps hold_ms first,
 * pumping nothing.  The events come on this thread, in order, all of them
 * once WaitForResponse returns; while the apartment does not pump, none:
 * they are calls into it, however far the request has come. */
static void check_async_events(const WCHAR *path, const char *body, DWORD hold_ms)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    IConnectionPoint *point = NULL;
    VARIANT_BOOL done_flag = 99;
    struct sink s;
    DWORD cookie;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve_events_body(srv, body);
    sink_init(&s);
    if (!(point = advise(req, &s, &cookie))) goto release;
    ok_hr(open_at(req, L"GET", srv, path, TRUE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    if (hold_ms)
    {
        Sleep(hold_ms);
        ok(!s.events, "%d events while the apartment did not pump: %s", s.events, s.log);
    }
    ok_hr(IWinHttpRequest_WaitForResponse(req, v_i4(5), &done_flag), S_OK);
    ok(done_flag == VARIANT_TRUE, "WaitForResponse: %d", done_flag);
    ok_events(&s, body);
    ok_hr(IConnectionPoint_Unadvise(point, cookie), S_OK);
    IConnectionPoint_Release(point);
release:
    IWinHttpRequest_Release(req);
done:
    stop(srv);
    CoUninitialize();
}

static void test_events_async(void)
{
    check_async_events(L"/events-async", "asynchronous event body in pieces", 0);
}

/* 1.5 s: the whole body is served meanwhile. */
static void test_events_async_unpumped(void)
{
    check_async_events(L"/events-unpumped", "events held until the apartment pumps", 1500);
}

/* A failing request (connection refused): OnError with the error (as an
 * HRESULT or a WinHTTP error number) and a description, and no response
 * events; sync and async. */
static void test_events_error(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    IConnectionPoint *point = NULL;
    VARIANT_BOOL done_flag = 99;
    unsigned short port;
    struct sink s;
    WCHAR url[64];
    DWORD cookie;
    int async;

    CoInitialize(NULL);
    if (!srv) goto done;
    port = server_port(srv);
    server_stop(srv);
    swprintf(url, ARRAYSIZE(url), L"http://127.0.0.1:%u/refused", port);
    for (async = 0; async < 2; async++)
    {
        if (!(req = create())) break;
        sink_init(&s);
        if ((point = advise(req, &s, &cookie)))
        {
            ok_hr(open_with(req, L"GET", url, v_bool(async)), S_OK);
            if (!async) ok_hr(send_nothing(req), HR(ERROR_WINHTTP_CANNOT_CONNECT));
            else
            {
                ok_hr(send_nothing(req), S_OK);
                IWinHttpRequest_WaitForResponse(req, v_i4(5), &done_flag);
            }
            ok(!strcmp(s.log, "error"), "%s: events \"%s\", want error", async ? "async" : "sync", s.log);
            ok(s.error == (LONG)HR(ERROR_WINHTTP_CANNOT_CONNECT) || s.error == ERROR_WINHTTP_CANNOT_CONNECT,
               "OnError number %#lx", (unsigned long)s.error);
            ok(s.error_text[0], "OnError without a description");
            ok(!s.wrong_thread, "%d events on another thread", s.wrong_thread);
            IConnectionPoint_Unadvise(point, cookie);
            IConnectionPoint_Release(point);
        }
        IWinHttpRequest_Release(req);
    }
done:
    CoUninitialize();
}

/* ---- cases: options ------------------------------------------------------------------- */

/* Every option's documented default and type. */
static void test_option_defaults(void)
{
    IWinHttpRequest *req;
    VARIANT v;
    HRESULT hr;

    CoInitialize(NULL);
    if (!(req = create())) goto done;
    v = option_of(req, WinHttpRequestOption_UserAgentString, &hr);
    ok(hr == S_OK && V_VT(&v) == VT_BSTR && V_BSTR(&v) && *V_BSTR(&v), "UserAgentString: %#lx vt %u",
       (unsigned long)hr, V_VT(&v));
    VariantClear(&v);
    ok_option_i4(req, WinHttpRequestOption_URLCodePage, CP_UTF8);
    ok_option_bool(req, WinHttpRequestOption_EscapePercentInURL, TRUE);
    ok_option_i4(req, WinHttpRequestOption_SslErrorIgnoreFlags, 0);
    ok_option_bool(req, WinHttpRequestOption_EnableRedirects, TRUE);
    ok_option_bool(req, WinHttpRequestOption_UrlEscapeDisable, TRUE);
    ok_option_bool(req, WinHttpRequestOption_UrlEscapeDisableQuery, TRUE);
    v = option_of(req, WinHttpRequestOption_SecureProtocols, &hr);
    ok(hr == S_OK && V_VT(&v) == VT_I4 && V_I4(&v) && !(V_I4(&v) & ~0xaa8), "SecureProtocols: %#lx vt %u %#lx",
       (unsigned long)hr, V_VT(&v), V_VT(&v) == VT_I4 ? (unsigned long)V_I4(&v) : 0ul);
    VariantClear(&v);
    v = option_of(req, WinHttpRequestOption_EnableTracing, &hr);
    ok(hr == S_OK && V_VT(&v) == VT_BOOL, "EnableTracing: %#lx vt %u", (unsigned long)hr, V_VT(&v));
    VariantClear(&v);
    ok_option_bool(req, WinHttpRequestOption_RevertImpersonationOverSsl, TRUE);
    ok_option_bool(req, WinHttpRequestOption_EnableHttpsToHttpRedirects, FALSE);
    ok_option_bool(req, WinHttpRequestOption_EnablePassportAuthentication, FALSE);
    ok_option_i4(req, WinHttpRequestOption_MaxAutomaticRedirects, 10);
    ok_option_i4(req, WinHttpRequestOption_MaxResponseHeaderSize, 64 * 1024);
    ok_option_i4(req, WinHttpRequestOption_MaxResponseDrainSize, 1024 * 1024);
    ok_option_bool(req, WinHttpRequestOption_EnableHttp1_1, TRUE);
    ok_option_bool(req, WinHttpRequestOption_EnableCertificateRevocationCheck, FALSE);
    IWinHttpRequest_Release(req);
done:
    CoUninitialize();
}

/* The settable options keep what is put (booleans as VT_BOOL, numbers as
 * VT_I4, also when put as another integer type); URLCodePage also takes a
 * charset name. */
static void test_option_roundtrip(void)
{
    IWinHttpRequest *req;

    CoInitialize(NULL);
    if (!(req = create())) goto done;
    ok_hr(put_option(req, WinHttpRequestOption_UserAgentString, v_bstr(L"roundtrip/1.0")), S_OK);
    ok_option_bstr(req, WinHttpRequestOption_UserAgentString, L"roundtrip/1.0");
    ok_hr(put_option(req, WinHttpRequestOption_URLCodePage, v_i4(1252)), S_OK);
    ok_option_i4(req, WinHttpRequestOption_URLCodePage, 1252);
    ok_hr(put_option(req, WinHttpRequestOption_URLCodePage, v_bstr(L"utf-8")), S_OK);
    ok_option_i4(req, WinHttpRequestOption_URLCodePage, CP_UTF8);
    ok_hr(put_option(req, WinHttpRequestOption_EscapePercentInURL, v_bool(FALSE)), S_OK);
    ok_option_bool(req, WinHttpRequestOption_EscapePercentInURL, FALSE);
    ok_hr(put_option(req, WinHttpRequestOption_SslErrorIgnoreFlags, v_i4(SslErrorFlag_Ignore_All)), S_OK);
    ok_option_i4(req, WinHttpRequestOption_SslErrorIgnoreFlags, SslErrorFlag_Ignore_All);
    ok_hr(put_option(req, WinHttpRequestOption_EnableRedirects, v_bool(FALSE)), S_OK);
    ok_option_bool(req, WinHttpRequestOption_EnableRedirects, FALSE);
    ok_hr(put_option(req, WinHttpRequestOption_UrlEscapeDisable, v_bool(FALSE)), S_OK);
    ok_option_bool(req, WinHttpRequestOption_UrlEscapeDisable, FALSE);
    ok_hr(put_option(req, WinHttpRequestOption_UrlEscapeDisableQuery, v_bool(FALSE)), S_OK);
    ok_option_bool(req, WinHttpRequestOption_UrlEscapeDisableQuery, FALSE);
    ok_hr(put_option(req, WinHttpRequestOption_SecureProtocols, v_i4(SecureProtocol_TLS1_2)), S_OK);
    ok_option_i4(req, WinHttpRequestOption_SecureProtocols, SecureProtocol_TLS1_2);
    ok_hr(put_option(req, WinHttpRequestOption_EnableHttpsToHttpRedirects, v_bool(TRUE)), S_OK);
    ok_option_bool(req, WinHttpRequestOption_EnableHttpsToHttpRedirects, TRUE);
    ok_hr(put_option(req, WinHttpRequestOption_EnablePassportAuthentication, v_bool(TRUE)), S_OK);
    ok_option_bool(req, WinHttpRequestOption_EnablePassportAuthentication, TRUE);
    ok_hr(put_option(req, WinHttpRequestOption_RevertImpersonationOverSsl, v_bool(FALSE)), S_OK);
    ok_option_bool(req, WinHttpRequestOption_RevertImpersonationOverSsl, FALSE);
    ok_hr(put_option(req, WinHttpRequestOption_MaxAutomaticRedirects, v_i4(3)), S_OK);
    ok_option_i4(req, WinHttpRequestOption_MaxAutomaticRedirects, 3);
    ok_hr(put_option(req, WinHttpRequestOption_MaxResponseHeaderSize, v_i4(8192)), S_OK);
    ok_option_i4(req, WinHttpRequestOption_MaxResponseHeaderSize, 8192);
    ok_hr(put_option(req, WinHttpRequestOption_MaxResponseDrainSize, v_i4(4096)), S_OK);
    ok_option_i4(req, WinHttpRequestOption_MaxResponseDrainSize, 4096);
    ok_hr(put_option(req, WinHttpRequestOption_EnableHttp1_1, v_bool(FALSE)), S_OK);
    ok_option_bool(req, WinHttpRequestOption_EnableHttp1_1, FALSE);
    ok_hr(put_option(req, WinHttpRequestOption_EnableCertificateRevocationCheck, v_bool(TRUE)), S_OK);
    ok_option_bool(req, WinHttpRequestOption_EnableCertificateRevocationCheck, TRUE);
    ok_hr(put_option(req, WinHttpRequestOption_EnableTracing, v_bool(FALSE)), S_OK);
    ok_option_bool(req, WinHttpRequestOption_EnableTracing, FALSE);
    ok_hr(put_option(req, WinHttpRequestOption_SelectCertificate, v_bstr(L"CURRENT_USER\\MY\\")), S_OK);
    /* the URL is read-only */
    ok(FAILED(put_option(req, WinHttpRequestOption_URL, v_bstr(L"http://example.com/"))), "URL was settable");
    IWinHttpRequest_Release(req);
done:
    CoUninitialize();
}

/* UserAgentString: the default and a value put are what the server sees. */
static void test_user_agent(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "a");
    ok_hr(put_option(req, WinHttpRequestOption_UserAgentString, v_bstr(L"conformance-agent/2.0")), S_OK);
    ok_hr(open_at(req, L"GET", srv, L"/agent", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    IWinHttpRequest_Release(req);
    ok_header(head_at(srv, 0), "User-Agent", "conformance-agent/2.0");
done:
    stop(srv);
    CoUninitialize();
}

/* Redirects: followed by default and the URL option is then the final URL;
 * EnableRedirects False makes the 302 the response; MaxAutomaticRedirects
 * 1 against two redirects fails the Send (ERROR_WINHTTP_REDIRECT_FAILED). */
static void test_redirects(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    char location[128];
    WCHAR final[128];
    BSTR header, value = NULL;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    snprintf(location, sizeof(location), "Location: http://127.0.0.1:%u/final\r\n", server_port(srv));
    serve(srv, 302, location, "moved");
    serve(srv, 200, NULL, "final");
    serve(srv, 302, "Location: /final\r\n", "moved");
    serve(srv, 302, "Location: /second\r\n", "moved");
    serve(srv, 302, "Location: /third\r\n", "moved");

    ok_hr(open_at(req, L"GET", srv, L"/start", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_int(status_of(req), 200);
    ok_text(req, L"final");
    swprintf(final, ARRAYSIZE(final), L"http://127.0.0.1:%u/final", server_port(srv));
    ok_option_bstr(req, WinHttpRequestOption_URL, final);

    ok_hr(put_option(req, WinHttpRequestOption_EnableRedirects, v_bool(FALSE)), S_OK);
    ok_hr(open_at(req, L"GET", srv, L"/start2", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_int(status_of(req), 302);
    header = SysAllocString(L"Location");
    ok_hr(IWinHttpRequest_GetResponseHeader(req, header, &value), S_OK);
    ok(value && !wcscmp(value, L"/final"), "Location: %ls", value ? value : L"(null)");
    SysFreeString(value);
    SysFreeString(header);

    ok_hr(put_option(req, WinHttpRequestOption_EnableRedirects, v_bool(TRUE)), S_OK);
    ok_hr(put_option(req, WinHttpRequestOption_MaxAutomaticRedirects, v_i4(1)), S_OK);
    ok_hr(open_at(req, L"GET", srv, L"/first", FALSE), S_OK);
    ok_hr(send_nothing(req), HR(ERROR_WINHTTP_REDIRECT_FAILED));
    IWinHttpRequest_Release(req);
    ok_request_line(head_at(srv, 1), "GET /final HTTP/1.1");
    ok_int(server_requests(srv), 5);
done:
    stop_quietly(srv);
    CoUninitialize();
}

/* URLCodePage converts the URL given to Open: é is %C3%A9 in UTF-8 (the
 * default) and %E9 in code page 1252, both escaped on the wire;
 * EnableHttp1_1 False sends HTTP/1.0. */
static void test_url_codepage(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 200, NULL, "a");
    serve(srv, 200, NULL, "b");
    serve(srv, 200, NULL, "c");
    ok_hr(open_at(req, L"GET", srv, L"/caf\x00e9", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_hr(put_option(req, WinHttpRequestOption_URLCodePage, v_i4(1252)), S_OK);
    ok_hr(open_at(req, L"GET", srv, L"/caf\x00e9", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_hr(put_option(req, WinHttpRequestOption_EnableHttp1_1, v_bool(FALSE)), S_OK);
    ok_hr(open_at(req, L"GET", srv, L"/old", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    IWinHttpRequest_Release(req);
    ok_request_line(head_at(srv, 0), "GET /caf%C3%A9 HTTP/1.1");
    ok_request_line(head_at(srv, 1), "GET /caf%E9 HTTP/1.1");
    ok_request_line(head_at(srv, 2), "GET /old HTTP/1.0");
done:
    stop(srv);
    CoUninitialize();
}

/* ---- cases: proxy, credentials, logon policy, client certificates -------------------------- */

/* SetProxy(PROXY, server): the request goes to the proxy in absolute form;
 * a host in the bypass list goes direct; DIRECT goes direct; an unknown
 * setting is E_INVALIDARG. */
static void test_proxy(void)
{
    struct server *proxy = start(), *origin = start();
    IWinHttpRequest *req;
    WCHAR proxy_name[64];
    VARIANT server, bypass;

    CoInitialize(NULL);
    if (!proxy || !origin || !(req = create())) goto done;
    serve(proxy, 200, NULL, "via proxy");
    serve(origin, 200, NULL, "bypassed");
    serve(origin, 200, NULL, "direct");
    swprintf(proxy_name, ARRAYSIZE(proxy_name), L"127.0.0.1:%u", server_port(proxy));
    server = v_bstr(proxy_name);
    bypass = v_bstr(L"bypassed.invalid");
    ok_hr(IWinHttpRequest_SetProxy(req, HTTPREQUEST_PROXYSETTING_PROXY, server, bypass), S_OK);
    ok_hr(open_with(req, L"GET", L"http://origin.invalid/through?q=1", v_bool(FALSE)), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"via proxy");
    VariantClear(&bypass);
    bypass = v_bstr(L"127.0.0.1");
    ok_hr(IWinHttpRequest_SetProxy(req, HTTPREQUEST_PROXYSETTING_PROXY, server, bypass), S_OK);
    ok_hr(open_at(req, L"GET", origin, L"/bypassed", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"bypassed");
    ok_hr(IWinHttpRequest_SetProxy(req, 0xdeadbeef, server, bypass), E_INVALIDARG);
    ok_hr(IWinHttpRequest_SetProxy(req, HTTPREQUEST_PROXYSETTING_DIRECT, v_missing(), v_missing()), S_OK);
    ok_hr(open_at(req, L"GET", origin, L"/direct", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_text(req, L"direct");
    VariantClear(&server);
    VariantClear(&bypass);
    IWinHttpRequest_Release(req);
    ok_int(server_requests(proxy), 1);
    ok_request_line(head_at(proxy, 0), "GET http://origin.invalid/through?q=1 HTTP/1.1");
    ok_header(head_at(proxy, 0), "Host", "origin.invalid");
    ok_int(server_requests(origin), 2);
    ok_request_line(head_at(origin, 0), "GET /bypassed HTTP/1.1");
done:
    stop(proxy);
    stop(origin);
    CoUninitialize();
}

/* SetCredentials' checks after Open (native: NULL user or bad flags are
 * E_INVALIDARG); with credentials for the server, a 401 with a Basic
 * challenge is answered: the second request carries
 * "Authorization: Basic <user:password>" and the response is its 200. */
static void test_credentials_server(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;
    BSTR user = SysAllocString(L"user"), password = SysAllocString(L"pass");

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 401, "WWW-Authenticate: Basic realm=\"test\"\r\n", "denied");
    serve(srv, 200, NULL, "welcome");
    ok_hr(open_at(req, L"GET", srv, L"/auth", FALSE), S_OK);
    ok_hr(IWinHttpRequest_SetCredentials(req, NULL, password, HTTPREQUEST_SETCREDENTIALS_FOR_SERVER), E_INVALIDARG);
    ok_hr(IWinHttpRequest_SetCredentials(req, user, password, 0xdeadbeef), E_INVALIDARG);
    ok_hr(IWinHttpRequest_SetCredentials(req, user, password, HTTPREQUEST_SETCREDENTIALS_FOR_SERVER), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_int(status_of(req), 200);
    ok_text(req, L"welcome");
    IWinHttpRequest_Release(req);
    ok_int(server_requests(srv), 2);
    ok_header(head_at(srv, 0), "Authorization", NULL);
    ok_header(head_at(srv, 1), "Authorization", "Basic dXNlcjpwYXNz");
done:
    SysFreeString(user);
    SysFreeString(password);
    stop(srv);
    CoUninitialize();
}

/* Without credentials the 401 is the response (Status 401, its body). */
static void test_credentials_none(void)
{
    struct server *srv = start();
    IWinHttpRequest *req;

    CoInitialize(NULL);
    if (!srv || !(req = create())) goto done;
    serve(srv, 401, "WWW-Authenticate: Basic realm=\"test\"\r\n", "Unauthorized");
    ok_hr(open_at(req, L"POST", srv, L"/auth", FALSE), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_int(status_of(req), 401);
    ok_text(req, L"Unauthorized");
    IWinHttpRequest_Release(req);
done:
    stop(srv);
    CoUninitialize();
}

/* HTTPREQUEST_SETCREDENTIALS_FOR_PROXY: the proxy's 407 with a Basic
 * challenge is answered with Proxy-Authorization. */
static void test_credentials_proxy(void)
{
    struct server *proxy = start();
    IWinHttpRequest *req;
    BSTR user = SysAllocString(L"puser"), password = SysAllocString(L"ppass");
    WCHAR proxy_name[64];
    VARIANT server;

    CoInitialize(NULL);
    if (!proxy || !(req = create())) goto done;
    serve(proxy, 407, "Proxy-Authenticate: Basic realm=\"proxy\"\r\n", "proxy says no");
    serve(proxy, 200, NULL, "proxied");
    swprintf(proxy_name, ARRAYSIZE(proxy_name), L"127.0.0.1:%u", server_port(proxy));
    server = v_bstr(proxy_name);
    ok_hr(IWinHttpRequest_SetProxy(req, HTTPREQUEST_PROXYSETTING_PROXY, server, v_missing()), S_OK);
    VariantClear(&server);
    ok_hr(open_with(req, L"GET", L"http://origin.invalid/p", v_bool(FALSE)), S_OK);
    ok_hr(IWinHttpRequest_SetCredentials(req, user, password, HTTPREQUEST_SETCREDENTIALS_FOR_PROXY), S_OK);
    ok_hr(send_nothing(req), S_OK);
    ok_int(status_of(req), 200);
    ok_text(req, L"proxied");
    IWinHttpRequest_Release(req);
    ok_int(server_requests(proxy), 2);
    ok_header(head_at(proxy, 1), "Proxy-Authorization", "Basic cHVzZXI6cHBhc3M=");
done:
    SysFreeString(user);
    SysFreeString(password);
    stop(proxy);
    CoUninitialize();
}

/* SetAutoLogonPolicy: the three policies are S_OK (before and after Open),
 * another value E_INVALIDARG. */
static void test_autologon_policy(void)
{
    IWinHttpRequest *req;

    CoInitialize(NULL);
    if (!(req = create())) goto done;
    ok_hr(IWinHttpRequest_SetAutoLogonPolicy(req, AutoLogonPolicy_Always), S_OK);
    ok_hr(IWinHttpRequest_SetAutoLogonPolicy(req, AutoLogonPolicy_OnlyIfBypassProxy), S_OK);
    ok_hr(IWinHttpRequest_SetAutoLogonPolicy(req, AutoLogonPolicy_Never), S_OK);
    ok_hr(IWinHttpRequest_SetAutoLogonPolicy(req, 3), E_INVALIDARG);
    ok_hr(IWinHttpRequest_SetAutoLogonPolicy(req, 0xdeadbeef), E_INVALIDARG);
    ok_hr(open_with(req, L"GET", L"http://127.0.0.1:1/", v_bool(FALSE)), S_OK);
    ok_hr(IWinHttpRequest_SetAutoLogonPolicy(req, AutoLogonPolicy_Never), S_OK);
    IWinHttpRequest_Release(req);
done:
    CoUninitialize();
}

/* SetClientCertificate: a store location that does not exist is refused
 * (the documented locations are LOCAL_MACHINE and CURRENT_USER); the
 * object stays usable. */
static void test_client_certificate(void)
{
    IWinHttpRequest *req;
    BSTR bad = SysAllocString(L"NO_SUCH_LOCATION\\MY\\nobody");
    HRESULT hr;

    CoInitialize(NULL);
    if (!(req = create())) goto done;
    ok_hr(open_with(req, L"GET", L"https://127.0.0.1:1/", v_bool(FALSE)), S_OK);
    hr = IWinHttpRequest_SetClientCertificate(req, bad);
    ok(FAILED(hr), "SetClientCertificate(%ls): %#lx", bad, (unsigned long)hr);
    ok_hr(open_with(req, L"GET", L"http://127.0.0.1:1/", v_bool(FALSE)), S_OK);
    IWinHttpRequest_Release(req);
done:
    SysFreeString(bad);
    CoUninitialize();
}

TEST_CASES(TEST(test_create), TEST(test_interfaces), TEST(test_typeinfo), TEST(test_dispids), TEST(test_invoke),
           TEST(test_open), TEST(test_get), TEST(test_request_headers), TEST(test_send_empty),
           TEST(test_send_bstr), TEST(test_send_array), TEST(test_send_byref), TEST(test_send_stream),
           TEST(test_send_bad_types), TEST(test_send_twice), TEST(test_response_headers),
           TEST(test_text_charsets), TEST(test_text_bom), TEST(test_response_body), TEST(test_response_stream),
           TEST(test_before_open), TEST(test_after_send), TEST(test_connect_refused), TEST(test_timeouts),
           TEST(test_bad_input), TEST(test_huge_response_header), TEST(test_async_wait),
           TEST(test_async_timeout), TEST(test_release_in_flight), TEST(test_events_sync),
           TEST(test_events_async), TEST(test_events_async_unpumped), TEST(test_events_error), TEST(test_option_defaults),
           TEST(test_option_roundtrip), TEST(test_user_agent), TEST(test_redirects), TEST(test_url_codepage),
           TEST(test_proxy), TEST(test_credentials_server), TEST(test_credentials_none),
           TEST(test_credentials_proxy), TEST(test_autologon_policy), TEST(test_client_certificate));

/* Which module serves the object: its file and whether it is a Wine builtin
 * (Wine marks those with "Wine builtin DLL" after the DOS header). */
static void print_com_server(void)
{
    IWinHttpRequest *req = NULL;
    HMODULE module = NULL;
    WCHAR path[MAX_PATH] = L"";
    HRESULT hr;

    CoInitialize(NULL);
    hr = CoCreateInstance(&CLSID_WinHttpRequest, NULL, CLSCTX_INPROC_SERVER, &IID_IWinHttpRequest, (void **)&req);
    if (SUCCEEDED(hr) && GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                            GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                            (const WCHAR *)req->lpVtbl->Open, &module))
    {
        const char *kind = memcmp((const char *)module + sizeof(IMAGE_DOS_HEADER), "Wine builtin DLL", 16)
                           ? "pe" : "wine-builtin";

        GetModuleFileNameW(module, path, MAX_PATH);
        printf("com-server %ls %s\n", path, kind);
    }
    else printf("com-server none %#lx\n", (unsigned long)hr);
    if (req) IWinHttpRequest_Release(req);
    CoUninitialize();
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    print_com_server();
    return harness_main(argc, argv, test_cases);
}
