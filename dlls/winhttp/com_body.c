/* Bodies of the WinHttpRequest object: what Send accepts (strings, byte
 * arrays, streams), ResponseText's decoding, and ResponseStream, an IStream
 * over the response's bytes that outlives the object. */
#include "com_private.h"
#include "charset.h"

/* ---- shared bytes ------------------------------------------------------------------- */

struct com_bytes *com_bytes_create(void)
{
    struct com_bytes *bytes = heap_alloc_zero(sizeof(*bytes));
    if (bytes) bytes->refs = 1;
    return bytes;
}

struct com_bytes *com_bytes_addref(struct com_bytes *bytes)
{
    InterlockedIncrement(&bytes->refs);
    return bytes;
}

void com_bytes_release(struct com_bytes *bytes)
{
    if (InterlockedDecrement(&bytes->refs)) return;
    heap_free(bytes->data);
    heap_free(bytes);
}

BOOL com_bytes_reserve(struct com_bytes *bytes, size_t more)
{
    size_t capacity;
    BYTE *data;

    if (bytes->capacity - bytes->size >= more) return TRUE;
    if (more > SIZE_MAX / 2 - bytes->size) return FALSE;
    capacity = max(bytes->size + more, bytes->capacity * 2);
    data = bytes->data ? HeapReAlloc(GetProcessHeap(), 0, bytes->data, capacity) : heap_alloc(capacity);
    if (!data) return FALSE;
    bytes->data = data;
    bytes->capacity = capacity;
    return TRUE;
}

/* A SAFEARRAY of VT_UI1 holding a copy of the bytes (ResponseBody, and
 * OnResponseDataAvailable's blocks). */
HRESULT com_byte_array(const BYTE *data, size_t size, SAFEARRAY **out)
{
    SAFEARRAY *array;
    void *elements;
    HRESULT hr;

    if (size > ULONG_MAX || !(array = SafeArrayCreateVector(VT_UI1, 0, size))) return E_OUTOFMEMORY;
    if (FAILED(hr = SafeArrayAccessData(array, &elements)))
    {
        SafeArrayDestroy(array);
        return hr;
    }
    if (size) memcpy(elements, data, size);
    SafeArrayUnaccessData(array);
    *out = array;
    return S_OK;
}

/* ---- charsets ---------------------------------------------------------------------------- */

UINT com_charset_codepage(const WCHAR *content_type, UINT fallback)
{
    if (!content_type) return fallback;
    return charset_codepage((const wchar16 *)content_type, wcslen(content_type), fallback);
}

/* ---- ResponseText ---------------------------------------------------------------------- */

static HRESULT decode_utf16(const BYTE *data, size_t size, BOOL big_endian, BSTR *text)
{
    size_t count = size / 2, i;

    if (!(*text = SysAllocStringLen(NULL, count))) return E_OUTOFMEMORY;
    for (i = 0; i < count; i++)
        (*text)[i] = big_endian ? (data[2 * i] << 8 | data[2 * i + 1]) : (data[2 * i] | data[2 * i + 1] << 8);
    return S_OK;
}

HRESULT com_text_decode(const BYTE *data, size_t size, const WCHAR *content_type, BSTR *text)
{
    UINT codepage = com_charset_codepage(content_type, CP_UTF8);
    int count;

    /* a byte order mark says more than the header */
    if (size >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
        codepage = CP_UTF8, data += 3, size -= 3;
    else if (size >= 2 && data[0] == 0xff && data[1] == 0xfe) return decode_utf16(data + 2, size - 2, FALSE, text);
    else if (size >= 2 && data[0] == 0xfe && data[1] == 0xff) return decode_utf16(data + 2, size - 2, TRUE, text);
    else if (codepage == CHARSET_UTF16LE || codepage == CHARSET_UTF16BE)
        return decode_utf16(data, size, codepage == CHARSET_UTF16BE, text);

    if (size > INT_MAX) return E_OUTOFMEMORY;
    if (!size) return (*text = SysAllocString(L"")) ? S_OK : E_OUTOFMEMORY;
    if (!(count = MultiByteToWideChar(codepage, 0, (const char *)data, size, NULL, 0)))
    {
        /* a code page this system lacks: the bytes as Latin-1 */
        WARN("codepage %u unavailable\n", codepage);
        codepage = 28591;
        if (!(count = MultiByteToWideChar(codepage, 0, (const char *)data, size, NULL, 0))) return E_FAIL;
    }
    if (!(*text = SysAllocStringLen(NULL, count))) return E_OUTOFMEMORY;
    MultiByteToWideChar(codepage, 0, (const char *)data, size, *text, count);
    return S_OK;
}

/* ---- Send's body ------------------------------------------------------------------------ */

/* The codepage text goes out in: the charset of the Content-Type the
 * application set, UTF-8 otherwise. */
static UINT request_text_codepage(HINTERNET request)
{
    WCHAR type[256];
    DWORD size = sizeof(type);

    if (!WinHttpQueryHeaders(request, WINHTTP_QUERY_CONTENT_TYPE | WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
                             WINHTTP_HEADER_NAME_BY_INDEX, type, &size, WINHTTP_NO_HEADER_INDEX))
        return CP_UTF8;
    return com_charset_codepage(type, CP_UTF8);
}

static HRESULT body_from_string(const WCHAR *string, HINTERNET request, BYTE **data, DWORD *size)
{
    int length = string ? SysStringLen((BSTR)string) : 0;
    UINT codepage;
    int count;

    if (!length) return S_OK;
    codepage = request_text_codepage(request);
    if (codepage == CHARSET_UTF16LE)
    {
        if (!(*data = heap_alloc(length * sizeof(WCHAR)))) return E_OUTOFMEMORY;
        memcpy(*data, string, length * sizeof(WCHAR));
        *size = length * sizeof(WCHAR);
        return S_OK;
    }
    if (!(count = WideCharToMultiByte(codepage, 0, string, length, NULL, 0, NULL, NULL)))
        codepage = CP_UTF8, count = WideCharToMultiByte(codepage, 0, string, length, NULL, 0, NULL, NULL);
    if (!(*data = heap_alloc(count))) return E_OUTOFMEMORY;
    *size = WideCharToMultiByte(codepage, 0, string, length, (char *)*data, count, NULL, NULL);
    return S_OK;
}

static HRESULT body_from_array(SAFEARRAY *array, BYTE **data, DWORD *size)
{
    LONG lower, upper;
    size_t count;
    void *source;
    HRESULT hr;

    if (!array) return S_OK;
    if (SafeArrayGetDim(array) != 1 || SafeArrayGetElemsize(array) != 1) return DISP_E_TYPEMISMATCH;
    if (FAILED(hr = SafeArrayGetLBound(array, 1, &lower)) || FAILED(hr = SafeArrayGetUBound(array, 1, &upper)))
        return hr;
    if (upper < lower) return S_OK;
    count = (size_t)upper - lower + 1;
    if (count > MAXDWORD || !(*data = heap_alloc(count))) return E_OUTOFMEMORY;
    if (FAILED(hr = SafeArrayAccessData(array, &source)))
    {
        heap_free(*data);
        *data = NULL;
        return hr;
    }
    memcpy(*data, source, count);
    SafeArrayUnaccessData(array);
    *size = count;
    return S_OK;
}

static HRESULT body_from_stream(IStream *stream, BYTE **data, DWORD *size)
{
    struct com_bytes *bytes = com_bytes_create();
    ULONG read;
    HRESULT hr;

    if (!bytes) return E_OUTOFMEMORY;
    for (;;)
    {
        if (!com_bytes_reserve(bytes, 64 * 1024) || bytes->capacity > MAXDWORD) { hr = E_OUTOFMEMORY; break; }
        read = 0;
        hr = IStream_Read(stream, bytes->data + bytes->size, bytes->capacity - bytes->size, &read);
        if (FAILED(hr)) break;
        bytes->size += read;
        if (hr == S_FALSE || !read) { hr = S_OK; break; }
    }
    if (SUCCEEDED(hr) && bytes->size)
    {
        *data = bytes->data;   /* handed over */
        *size = bytes->size;
        bytes->data = NULL;
    }
    com_bytes_release(bytes);
    return hr;
}

HRESULT com_body_from_variant(VARIANT *body, HINTERNET request, BYTE **data, DWORD *size)
{
    VARIANT *value = body, text;
    IStream *stream;
    HRESULT hr;

    *data = NULL;
    *size = 0;
    while (V_VT(value) == (VT_VARIANT | VT_BYREF)) value = V_VARIANTREF(value);
    switch (V_VT(value))
    {
    case VT_EMPTY:
    case VT_NULL:
    case VT_ERROR:
        return S_OK;
    case VT_BSTR:
        return body_from_string(V_BSTR(value), request, data, size);
    case VT_BSTR | VT_BYREF:
        return body_from_string(*V_BSTRREF(value), request, data, size);
    case VT_ARRAY | VT_UI1:
    case VT_ARRAY | VT_I1:
        return body_from_array(V_ARRAY(value), data, size);
    case VT_ARRAY | VT_UI1 | VT_BYREF:
    case VT_ARRAY | VT_I1 | VT_BYREF:
        return body_from_array(*V_ARRAYREF(value), data, size);
    case VT_UNKNOWN:
    case VT_DISPATCH:
    case VT_UNKNOWN | VT_BYREF:
    case VT_DISPATCH | VT_BYREF:
    {
        IUnknown *unknown = (V_VT(value) & VT_BYREF) ? *V_UNKNOWNREF(value) : V_UNKNOWN(value);
        if (!unknown) return S_OK;
        if (FAILED(IUnknown_QueryInterface(unknown, &IID_IStream, (void **)&stream))) return DISP_E_TYPEMISMATCH;
        hr = body_from_stream(stream, data, size);
        IStream_Release(stream);
        return hr;
    }
    default:
        /* numbers, dates, booleans: their text, as a script would write them */
        VariantInit(&text);
        if (FAILED(VariantChangeType(&text, value, 0, VT_BSTR))) return DISP_E_TYPEMISMATCH;
        hr = body_from_string(V_BSTR(&text), request, data, size);
        VariantClear(&text);
        return hr;
    }
}

/* ---- ResponseStream ------------------------------------------------------------------------ */

struct response_stream
{
    IStream IStream_iface;
    LONG refs;
    struct com_bytes *bytes;
    ULONGLONG position;
};

static struct response_stream *impl_from_IStream(IStream *iface)
{
    return CONTAINING_RECORD(iface, struct response_stream, IStream_iface);
}

static HRESULT WINAPI stream_QueryInterface(IStream *iface, REFIID iid, void **out)
{
    if (!out) return E_POINTER;
    if (IsEqualIID(iid, &IID_IUnknown) || IsEqualIID(iid, &IID_IStream) ||
        IsEqualIID(iid, &IID_ISequentialStream))
    {
        *out = iface;
        IStream_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI stream_AddRef(IStream *iface)
{
    return InterlockedIncrement(&impl_from_IStream(iface)->refs);
}

static ULONG WINAPI stream_Release(IStream *iface)
{
    struct response_stream *stream = impl_from_IStream(iface);
    LONG refs = InterlockedDecrement(&stream->refs);
    if (!refs)
    {
        com_bytes_release(stream->bytes);
        heap_free(stream);
        com_object_destroyed();
    }
    return refs;
}

static HRESULT WINAPI stream_Read(IStream *iface, void *buffer, ULONG count, ULONG *read)
{
    struct response_stream *stream = impl_from_IStream(iface);
    ULONGLONG left = stream->position < stream->bytes->size ? stream->bytes->size - stream->position : 0;
    ULONG n = (ULONG)min(left, count);

    if (!buffer && count) return STG_E_INVALIDPOINTER;
    if (n) memcpy(buffer, stream->bytes->data + stream->position, n);
    stream->position += n;
    if (read) *read = n;
    return n == count ? S_OK : S_FALSE;
}

static HRESULT WINAPI stream_Write(IStream *iface, const void *buffer, ULONG count, ULONG *written)
{
    if (written) *written = 0;
    return STG_E_ACCESSDENIED;   /* the response is read-only */
}

static HRESULT WINAPI stream_Seek(IStream *iface, LARGE_INTEGER move, DWORD origin, ULARGE_INTEGER *position)
{
    struct response_stream *stream = impl_from_IStream(iface);
    LONGLONG base;

    switch (origin)
    {
    case STREAM_SEEK_SET: base = 0; break;
    case STREAM_SEEK_CUR: base = stream->position; break;
    case STREAM_SEEK_END: base = stream->bytes->size; break;
    default: return STG_E_INVALIDFUNCTION;
    }
    if (base + move.QuadPart < 0) return STG_E_INVALIDFUNCTION;
    stream->position = base + move.QuadPart;
    if (position) position->QuadPart = stream->position;
    return S_OK;
}

static HRESULT WINAPI stream_SetSize(IStream *iface, ULARGE_INTEGER size)
{
    return STG_E_ACCESSDENIED;
}

static HRESULT WINAPI stream_CopyTo(IStream *iface, IStream *target, ULARGE_INTEGER count,
                                    ULARGE_INTEGER *read, ULARGE_INTEGER *written)
{
    struct response_stream *stream = impl_from_IStream(iface);
    ULONGLONG left = stream->position < stream->bytes->size ? stream->bytes->size - stream->position : 0;
    ULONGLONG n = min(left, count.QuadPart), done = 0;
    ULONG chunk, wrote;
    HRESULT hr = S_OK;

    if (!target) return STG_E_INVALIDPOINTER;
    while (done < n)
    {
        chunk = (ULONG)min(n - done, 1u << 30);
        wrote = 0;
        hr = IStream_Write(target, stream->bytes->data + stream->position + done, chunk, &wrote);
        done += wrote;
        if (FAILED(hr) || wrote < chunk) break;
    }
    stream->position += done;
    if (read) read->QuadPart = done;
    if (written) written->QuadPart = done;
    return FAILED(hr) ? hr : S_OK;
}

static HRESULT WINAPI stream_Commit(IStream *iface, DWORD flags)
{
    return S_OK;   /* nothing is buffered */
}

static HRESULT WINAPI stream_Revert(IStream *iface)
{
    return S_OK;
}

static HRESULT WINAPI stream_LockRegion(IStream *iface, ULARGE_INTEGER offset, ULARGE_INTEGER count, DWORD type)
{
    return STG_E_INVALIDFUNCTION;   /* locking is not supported, as for memory streams */
}

static HRESULT WINAPI stream_UnlockRegion(IStream *iface, ULARGE_INTEGER offset, ULARGE_INTEGER count, DWORD type)
{
    return STG_E_INVALIDFUNCTION;
}

static HRESULT WINAPI stream_Stat(IStream *iface, STATSTG *stat, DWORD flags)
{
    struct response_stream *stream = impl_from_IStream(iface);

    if (!stat) return STG_E_INVALIDPOINTER;
    memset(stat, 0, sizeof(*stat));
    stat->type = STGTY_STREAM;
    stat->cbSize.QuadPart = stream->bytes->size;
    stat->grfMode = STGM_READ;
    return S_OK;
}

static HRESULT WINAPI stream_Clone(IStream *iface, IStream **out)
{
    struct response_stream *stream = impl_from_IStream(iface);
    HRESULT hr;

    if (!out) return STG_E_INVALIDPOINTER;
    if (SUCCEEDED(hr = com_stream_create(stream->bytes, out)))
        impl_from_IStream(*out)->position = stream->position;
    return hr;
}

static const IStreamVtbl stream_vtbl =
{
    stream_QueryInterface, stream_AddRef, stream_Release, stream_Read, stream_Write, stream_Seek,
    stream_SetSize, stream_CopyTo, stream_Commit, stream_Revert, stream_LockRegion, stream_UnlockRegion,
    stream_Stat, stream_Clone,
};

HRESULT com_stream_create(struct com_bytes *bytes, IStream **out)
{
    struct response_stream *stream;

    if (!(stream = heap_alloc_zero(sizeof(*stream)))) return E_OUTOFMEMORY;
    stream->IStream_iface.lpVtbl = &stream_vtbl;
    stream->refs = 1;
    stream->bytes = com_bytes_addref(bytes);
    com_object_created();
    *out = &stream->IStream_iface;
    return S_OK;
}
