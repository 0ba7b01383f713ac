/* Conformance: WinHttpQueryHeaders(Ex), WinHttpAddRequestHeaders(Ex) and
 * WinHttpQueryAuthSchemes against the scripted server, synchronous mode.
 * Expectations are Microsoft's documentation of each API, and where the
 * documentation is silent, what native Windows is known to do (the facts
 * Wine's own conformance suite records for native). */
#include <string.h>
#include <wchar.h>

#include "harness.h"
#include "server.h"
#include "winhttp.h"
#include "mode.h"

/* ---- helpers ----------------------------------------------------------------- */

struct exchange
{
    struct server *srv;
    HINTERNET session, connect, request;
};

#define AGENT L"headers-test/1.0"

/* Starts a server that answers one request on one connection with `response`
 * (raw bytes) and opens handles for `verb` `path` on it. */
static void open_exchange(struct exchange *x, const WCHAR *verb, const WCHAR *path, const char *response)
{
    struct script *c;

    x->srv = server_start();
    ok(x->srv != NULL, "server_start failed");
    c = server_add_connection(x->srv);
    script_recv_request(c);
    if (response) script_send(c, response, 0);
    script_close(c);
    x->session = WinHttpOpen(AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    x->connect = WinHttpConnect(x->session, L"127.0.0.1", server_port(x->srv), 0);
    x->request = WinHttpOpenRequest(x->connect, verb, path, NULL, NULL, NULL, 0);
    ok(x->session && x->connect && x->request, "handles %p %p %p", x->session, x->connect, x->request);
    WinHttpSetTimeouts(x->request, 5000, 5000, 5000, 5000);
}

static BOOL send_and_receive(struct exchange *x, const WCHAR *headers)
{
    BOOL sent = WinHttpSendRequest(x->request, headers, headers ? (DWORD)-1 : 0, NULL, 0, 0, 0);

    ok(sent, "WinHttpSendRequest failed: %lu", GetLastError());
    if (!sent) return FALSE;
    ok(WinHttpReceiveResponse(x->request, NULL), "WinHttpReceiveResponse failed: %lu", GetLastError());
    return TRUE;
}

/* One request, answered with `response`: handles ready to be queried. */
static BOOL exchange(struct exchange *x, const char *response)
{
    open_exchange(x, L"GET", L"/headers", response);
    return send_and_receive(x, NULL);
}

static void close_exchange(struct exchange *x)
{
    WinHttpCloseHandle(x->request);
    WinHttpCloseHandle(x->connect);
    WinHttpCloseHandle(x->session);
    server_wait_idle(x->srv, 5000);
    server_stop(x->srv);
}

/* The request head the server received, or "". */
static const char *wire_head(struct exchange *x)
{
    const struct server_request *r;

    server_wait_idle(x->srv, 5000);
    r = server_request(x->srv, 0);
    return r ? r->head : "";
}

/* How many lines of `head` start with `prefix` (e.g. "X-A: "). */
static int count_lines(const char *head, const char *prefix)
{
    size_t length = strlen(prefix);
    int count = 0;

    for (const char *line = head; line && *line; line = strstr(line, "\r\n"), line = line ? line + 2 : NULL)
        if (!_strnicmp(line, prefix, length)) count++;
    return count;
}

/* A text query into a static buffer: the value, or NULL on failure. */
static const WCHAR *query(HINTERNET request, DWORD level, const WCHAR *name, DWORD *index)
{
    static WCHAR buffer[16384];
    DWORD size = sizeof(buffer);

    buffer[0] = 0;
    return WinHttpQueryHeaders(request, level, name, buffer, &size, index) ? buffer : NULL;
}

#define ok_query(req, level, name, want)                                                  \
    do {                                                                                  \
        const WCHAR *value_ = query(req, level, name, NULL);                              \
        ok(value_ && !lstrcmpW(value_, want), "level %#lx %ls: got %ls (error %lu), want %ls", \
           (unsigned long)(level), (name) ? (name) : L"", value_ ? value_ : L"(failed)",  \
           value_ ? 0ul : GetLastError(), want);                                         \
    } while (0)

#define ok_query_fails(req, level, name, want_error)                                      \
    do {                                                                                  \
        SetLastError(0xdeadbeef);                                                         \
        ok_bool_err(query(req, level, name, NULL) != NULL, FALSE, want_error);            \
    } while (0)

static BOOL add_headers(HINTERNET request, const WCHAR *headers, DWORD modifiers)
{
    SetLastError(0xdeadbeef);
    return WinHttpAddRequestHeaders(request, headers, (DWORD)-1, modifiers);
}

#define REQ(level) ((level) | WINHTTP_QUERY_FLAG_REQUEST_HEADERS)

static const char simple_response[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "X-A: 1\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "hello";

/* ---- WinHttpQueryHeaders: levels --------------------------------------------- */

static void test_query_wrong_state_and_handles(void)
{
    struct exchange x;
    DWORD size = 64;
    WCHAR buffer[32];

    open_exchange(&x, L"GET", L"/", simple_response);
    /* response headers exist only once WinHttpReceiveResponse completed */
    ok_query_fails(x.request, WINHTTP_QUERY_CONTENT_TYPE, NULL, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    ok_query_fails(x.request, WINHTTP_QUERY_STATUS_CODE, NULL, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    /* request headers can be queried at any time */
    ok_query_fails(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Nothing", ERROR_WINHTTP_HEADER_NOT_FOUND);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryHeaders(x.connect, WINHTTP_QUERY_CONTENT_TYPE, NULL, buffer, &size, NULL), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryHeaders(NULL, WINHTTP_QUERY_CONTENT_TYPE, NULL, buffer, &size, NULL), FALSE,
                ERROR_INVALID_HANDLE);
    send_and_receive(&x, NULL);
    ok_query(x.request, WINHTTP_QUERY_CONTENT_TYPE, NULL, L"text/plain");
    close_exchange(&x);
}

/* Over HTTP/2 (its mode) there is no reason phrase and the version is
 * "HTTP/2": this DLL's reading, native's unknown. */
static void test_status_line_levels(void)
{
    BOOL h2 = harness_http2_mode();
    struct exchange x;
    DWORD status = 0, size = sizeof(status);

    exchange(&x, "HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n\r\n");
    ok_query(x.request, WINHTTP_QUERY_STATUS_CODE, NULL, L"418");
    ok_query(x.request, WINHTTP_QUERY_STATUS_TEXT, NULL, h2 ? L"" : L"I'm a teapot");
    ok_query(x.request, WINHTTP_QUERY_VERSION, NULL, h2 ? L"HTTP/2" : L"HTTP/1.1");
    ok(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size,
                           NULL), "status as number: %lu", GetLastError());
    ok_int(status, 418);
    ok_int(size, sizeof(DWORD));
    close_exchange(&x);

    exchange(&x, "HTTP/1.0 203 Non-Authoritative Information\r\nContent-Length: 0\r\n\r\n");
    ok_query(x.request, WINHTTP_QUERY_VERSION, NULL, h2 ? L"HTTP/2" : L"HTTP/1.0");
    ok_query(x.request, WINHTTP_QUERY_STATUS_TEXT, NULL, h2 ? L"" : L"Non-Authoritative Information");
    close_exchange(&x);
}

static const struct { DWORD level; const WCHAR *value; } common_levels[] =
{
    { WINHTTP_QUERY_CONTENT_TYPE, L"text/html; charset=utf-8" },
    { WINHTTP_QUERY_CONTENT_LENGTH, L"2" },
    { WINHTTP_QUERY_DATE, L"Sun, 06 Nov 1994 08:49:37 GMT" },
    { WINHTTP_QUERY_SERVER, L"scripted/1.0" },
    { WINHTTP_QUERY_LOCATION, L"http://example.com/elsewhere" },
    { WINHTTP_QUERY_ETAG, L"\"abc123\"" },
    { WINHTTP_QUERY_CACHE_CONTROL, L"no-cache" },
    { WINHTTP_QUERY_LAST_MODIFIED, L"Tue, 15 Nov 1994 12:45:26 GMT" },
    { WINHTTP_QUERY_ACCEPT_RANGES, L"bytes" },
    { WINHTTP_QUERY_EXPIRES, L"Thu, 01 Dec 1994 16:00:00 GMT" },
    { WINHTTP_QUERY_CONTENT_LANGUAGE, L"en" },
    { WINHTTP_QUERY_VARY, L"Accept-Encoding" },
    { WINHTTP_QUERY_AGE, L"12" },
    { WINHTTP_QUERY_ALLOW, L"GET, HEAD" },
    { WINHTTP_QUERY_PRAGMA, L"no-cache" },
    { WINHTTP_QUERY_RETRY_AFTER, L"120" },
    { WINHTTP_QUERY_VIA, L"1.1 proxy" },
};

static void test_common_levels(void)
{
    struct exchange x;

    exchange(&x, "HTTP/1.1 200 OK\r\n"
                 "Content-Type: text/html; charset=utf-8\r\n"
                 "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                 "Server: scripted/1.0\r\n"
                 "Location: http://example.com/elsewhere\r\n"
                 "ETag: \"abc123\"\r\n"
                 "Cache-Control: no-cache\r\n"
                 "Last-Modified: Tue, 15 Nov 1994 12:45:26 GMT\r\n"
                 "Accept-Ranges: bytes\r\n"
                 "Expires: Thu, 01 Dec 1994 16:00:00 GMT\r\n"
                 "Content-Language: en\r\n"
                 "Vary: Accept-Encoding\r\n"
                 "Age: 12\r\n"
                 "Allow: GET, HEAD\r\n"
                 "Pragma: no-cache\r\n"
                 "Retry-After: 120\r\n"
                 "Via: 1.1 proxy\r\n"
                 "Content-Length: 2\r\n"
                 "\r\nok");
    for (size_t i = 0; i < ARRAYSIZE(common_levels); i++)
        ok_query(x.request, common_levels[i].level, WINHTTP_HEADER_NAME_BY_INDEX, common_levels[i].value);
    /* a level whose header the response lacks */
    ok_query_fails(x.request, WINHTTP_QUERY_CONTENT_ENCODING, NULL, ERROR_WINHTTP_HEADER_NOT_FOUND);
    ok_query_fails(x.request, WINHTTP_QUERY_WWW_AUTHENTICATE, NULL, ERROR_WINHTTP_HEADER_NOT_FOUND);
    close_exchange(&x);
}

static void test_header_name_by_index_is_null(void)
{
    struct exchange x;

    ok(WINHTTP_HEADER_NAME_BY_INDEX == NULL, "WINHTTP_HEADER_NAME_BY_INDEX is not NULL");
    exchange(&x, simple_response);
    /* the name is ignored for a level other than CUSTOM */
    ok_query(x.request, WINHTTP_QUERY_CONTENT_TYPE, WINHTTP_HEADER_NAME_BY_INDEX, L"text/plain");
    close_exchange(&x);
}

static void test_flag_number(void)
{
    struct exchange x;
    DWORD number = 0, size = sizeof(number);

    exchange(&x, "HTTP/1.1 200 OK\r\nAge: 4321\r\nContent-Length: 5\r\n\r\nhello");
    ok(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER, NULL, &number,
                           &size, NULL), "Content-Length as number: %lu", GetLastError());
    ok_int(number, 5);
    ok_int(size, sizeof(DWORD));
    size = sizeof(number);
    ok(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_AGE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &number, &size, NULL),
       "Age as number: %lu", GetLastError());
    ok_int(number, 4321);

    /* the buffer-size protocol applies to numbers too: a DWORD is needed */
    size = 2;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_AGE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &number, &size,
                                    NULL), FALSE, ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(DWORD));
    close_exchange(&x);
}

static void test_flag_number64(void)
{
    struct exchange x;
    ULONGLONG number = 0;
    DWORD size = sizeof(number);

    /* WINHTTP_QUERY_FLAG_NUMBER64 (winhttp.h, Windows 10): a 64-bit value */
    exchange(&x, "HTTP/1.1 200 OK\r\nX-Big: 12345678901234\r\nContent-Length: 0\r\n\r\n");
    ok(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_NUMBER64, L"X-Big", &number, &size,
                           NULL), "X-Big as NUMBER64: %lu", GetLastError());
    ok(number == 12345678901234ull, "got %I64u", number);
    ok_int(size, sizeof(ULONGLONG));
    close_exchange(&x);
}

static void test_flag_systemtime(void)
{
    struct exchange x;
    SYSTEMTIME time;
    DWORD size = sizeof(time);

    exchange(&x, "HTTP/1.1 200 OK\r\n"
                 "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                 "Last-Modified: Tue, 15 Nov 1994 12:45:26 GMT\r\n"
                 "Content-Length: 0\r\n\r\n");
    memset(&time, 0xcc, sizeof(time));
    ok(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_DATE | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, &time, &size, NULL),
       "Date as SYSTEMTIME: %lu", GetLastError());
    ok_int(size, sizeof(SYSTEMTIME));
    ok(time.wYear == 1994 && time.wMonth == 11 && time.wDay == 6 && time.wDayOfWeek == 0 && time.wHour == 8 &&
       time.wMinute == 49 && time.wSecond == 37 && time.wMilliseconds == 0,
       "Date: got %u-%u-%u (dow %u) %u:%u:%u.%u", time.wYear, time.wMonth, time.wDay, time.wDayOfWeek, time.wHour,
       time.wMinute, time.wSecond, time.wMilliseconds);

    size = sizeof(time);
    ok(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_LAST_MODIFIED | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, &time,
                           &size, NULL), "Last-Modified as SYSTEMTIME: %lu", GetLastError());
    ok(time.wYear == 1994 && time.wMonth == 11 && time.wDay == 15 && time.wDayOfWeek == 2 && time.wHour == 12 &&
       time.wMinute == 45 && time.wSecond == 26,
       "Last-Modified: got %u-%u-%u (dow %u) %u:%u:%u", time.wYear, time.wMonth, time.wDay, time.wDayOfWeek,
       time.wHour, time.wMinute, time.wSecond);

    size = 4;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_DATE | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, &time,
                                    &size, NULL), FALSE, ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(SYSTEMTIME));
    close_exchange(&x);
}

/* ---- the buffer-size protocol and index iteration ------------------------------ */

static void test_buffer_size_protocol(void)
{
    struct exchange x;
    WCHAR buffer[64];
    DWORD size, index;

    exchange(&x, simple_response);
    /* no buffer: ERROR_INSUFFICIENT_BUFFER and the bytes needed, terminator included */
    size = 0;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_CONTENT_TYPE, NULL, NULL, &size, NULL), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(L"text/plain"));

    /* room for the characters but not the terminator: refused, buffer untouched */
    size = sizeof(L"text/plain") - sizeof(WCHAR);
    memset(buffer, 0xab, sizeof(buffer));
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_CONTENT_TYPE, NULL, buffer, &size, NULL), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(L"text/plain"));
    ok(buffer[0] == 0xabab && buffer[1] == 0xabab, "buffer written: %04x %04x", buffer[0], buffer[1]);

    /* exactly enough: success, and the size no longer counts the terminator */
    size = sizeof(L"text/plain");
    ok(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_CONTENT_TYPE, NULL, buffer, &size, NULL), "query: %lu",
       GetLastError());
    ok_wstr(buffer, L"text/plain");
    ok_int(size, sizeof(L"text/plain") - sizeof(WCHAR));

    /* a failed query leaves the index alone */
    index = 0;
    size = 0;
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_CONTENT_TYPE, NULL, NULL, &size, &index), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(index, 0);
    close_exchange(&x);
}

static void test_index_iteration(void)
{
    static const WCHAR *const cookies[] = { L"a=1; Path=/", L"b=2", L"c=3; HttpOnly" };
    struct exchange x;
    const WCHAR *value;
    DWORD index = 0;

    exchange(&x, "HTTP/1.1 200 OK\r\n"
                 "Set-Cookie: a=1; Path=/\r\n"
                 "X-Other: between\r\n"
                 "Set-Cookie: b=2\r\n"
                 "Set-Cookie: c=3; HttpOnly\r\n"
                 "Content-Length: 0\r\n\r\n");
    for (int i = 0; i < 3; i++)
    {
        value = query(x.request, WINHTTP_QUERY_SET_COOKIE, NULL, &index);
        ok(value && !lstrcmpW(value, cookies[i]), "cookie %d: got %ls", i, value ? value : L"(failed)");
        ok_int(index, i + 1);
    }
    /* past the last one: not found, and the index stays */
    SetLastError(0xdeadbeef);
    ok_bool_err(query(x.request, WINHTTP_QUERY_SET_COOKIE, NULL, &index) != NULL, FALSE,
                ERROR_WINHTTP_HEADER_NOT_FOUND);
    ok_int(index, 3);

    /* starting in the middle; no index means the first */
    index = 1;
    value = query(x.request, WINHTTP_QUERY_CUSTOM, L"set-cookie", &index);
    ok(value && !lstrcmpW(value, L"b=2"), "index 1: got %ls", value ? value : L"(failed)");
    ok_int(index, 2);
    ok_query(x.request, WINHTTP_QUERY_SET_COOKIE, NULL, L"a=1; Path=/");
    close_exchange(&x);
}

/* ---- raw headers ------------------------------------------------------------- */

static void test_raw_headers_crlf(void)
{
    HTTP1_WIRE_ONLY("the raw head's text as the server sent it: over HTTP/2 it is \"HTTP/2 200\" and nginx's lower-case fields in its order");
    static const WCHAR want[] = L"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-A: 1\r\nContent-Length: 5\r\n\r\n";
    struct exchange x;
    WCHAR buffer[256];
    DWORD size = 0;

    exchange(&x, simple_response);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, NULL, &size, NULL), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, sizeof(want));
    size = sizeof(buffer);
    ok(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, buffer, &size, NULL), "raw: %lu",
       GetLastError());
    ok_wstr(buffer, want);
    ok_int(size, sizeof(want) - sizeof(WCHAR));
    close_exchange(&x);
}

static void test_raw_headers_nul_separated(void)
{
    HTTP1_WIRE_ONLY("the raw head's text as the server sent it: over HTTP/2 it is \"HTTP/2 200\" and nginx's lower-case fields in its order");
    /* each line ends in NUL; the list ends with one more NUL */
    static const WCHAR want[] = L"HTTP/1.1 200 OK\0Content-Type: text/plain\0X-A: 1\0Content-Length: 5\0";
    struct exchange x;
    WCHAR buffer[256];
    DWORD size = sizeof(buffer);

    exchange(&x, simple_response);
    memset(buffer, 0xff, sizeof(buffer));
    ok(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_RAW_HEADERS, NULL, buffer, &size, NULL), "raw: %lu",
       GetLastError());
    /* the size covers every line with its NUL; the final NUL follows it */
    ok_int(size, sizeof(want) - sizeof(WCHAR));
    ok(!memcmp(buffer, want, sizeof(want)), "raw headers differ: %ls|%ls", buffer, buffer + lstrlenW(buffer) + 1);
    ok(size >= 2 * sizeof(WCHAR) && !buffer[size / 2 - 1] && !buffer[size / 2], "no double NUL at the end");
    close_exchange(&x);
}

/* ---- names, sizes, counts ------------------------------------------------------ */

static void test_custom_names_case_insensitive(void)
{
    struct exchange x;

    exchange(&x, "HTTP/1.1 200 OK\r\n"
                 "x-MiXeD-case: yes\r\n"
                 "content-type: text/html\r\n"
                 "X-Empty:\r\n"
                 "Content-Length: 0\r\n\r\n");
    ok_query(x.request, WINHTTP_QUERY_CUSTOM, L"X-Mixed-Case", L"yes");
    ok_query(x.request, WINHTTP_QUERY_CUSTOM, L"X-MIXED-CASE", L"yes");
    ok_query(x.request, WINHTTP_QUERY_CONTENT_TYPE, NULL, L"text/html");
    ok_query(x.request, WINHTTP_QUERY_CUSTOM, L"CONTENT-TYPE", L"text/html");
    ok_query_fails(x.request, WINHTTP_QUERY_CUSTOM, L"X-Mixed", ERROR_WINHTTP_HEADER_NOT_FOUND);
    /* an empty value is a value: an empty string */
    ok_query(x.request, WINHTTP_QUERY_CUSTOM, L"X-Empty", L"");
    ok_query_fails(x.request, WINHTTP_QUERY_CUSTOM, L"X-Mixed-Case-Longer", ERROR_WINHTTP_HEADER_NOT_FOUND);
    close_exchange(&x);
}

static void test_long_header_intact(void)
{
    enum { LONG_VALUE = 5000 };   /* well past one 1460-byte segment */
    struct exchange x;
    char *response = malloc(LONG_VALUE + 256);
    WCHAR *want = malloc((LONG_VALUE + 1) * sizeof(WCHAR));
    const WCHAR *value;
    int n;

    n = sprintf(response, "HTTP/1.1 200 OK\r\nX-Long: ");
    for (int i = 0; i < LONG_VALUE; i++) response[n + i] = want[i] = (char)('a' + i % 26);
    want[LONG_VALUE] = 0;
    strcpy(response + n + LONG_VALUE, "\r\nX-After: tail\r\nContent-Length: 0\r\n\r\n");
    exchange(&x, response);
    value = query(x.request, WINHTTP_QUERY_CUSTOM, L"X-Long", NULL);
    ok(value != NULL, "X-Long: %lu", GetLastError());
    ok(value && lstrlenW(value) == LONG_VALUE, "length %d, want %d", value ? lstrlenW(value) : -1, LONG_VALUE);
    ok(value && !lstrcmpW(value, want), "X-Long value differs");
    ok_query(x.request, WINHTTP_QUERY_CUSTOM, L"X-After", L"tail");
    close_exchange(&x);
    free(response);
    free(want);
}

static void test_many_headers(void)
{
    HTTP1_WIRE_ONLY("the raw head's size as the server sent it: over HTTP/2 the status line is \"HTTP/2 200\"");
    enum { COUNT = 300 };
    struct exchange x;
    char *response = malloc(COUNT * 32 + 128), *p = response;
    WCHAR name[32], want[32];
    DWORD size = 0;
    int wrong = 0;

    p += sprintf(p, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < COUNT; i++) p += sprintf(p, "X-H%d: v%d\r\n", i, i);
    sprintf(p, "Content-Length: 0\r\n\r\n");
    exchange(&x, response);
    for (int i = 0; i < COUNT; i++)
    {
        const WCHAR *value;
        swprintf(name, ARRAYSIZE(name), L"X-H%d", i);
        swprintf(want, ARRAYSIZE(want), L"v%d", i);
        value = query(x.request, WINHTTP_QUERY_CUSTOM, name, NULL);
        if (!value || lstrcmpW(value, want)) wrong++;
    }
    ok_int(wrong, 0);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryHeaders(x.request, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, NULL, &size, NULL), FALSE,
                ERROR_INSUFFICIENT_BUFFER);
    ok_int(size, (strlen(response)) * sizeof(WCHAR) + sizeof(WCHAR));
    close_exchange(&x);
    free(response);
}

/* ---- request headers --------------------------------------------------------- */

static void test_request_headers_before_send(void)
{
    struct exchange x;
    const WCHAR *raw;

    open_exchange(&x, L"POST", L"/form", simple_response);
    ok(add_headers(x.request, L"X-Added: one", WINHTTP_ADDREQ_FLAG_ADD), "add: %lu", GetLastError());
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Added", L"one");
    /* the raw request headers start with the request line, before any send */
    raw = query(x.request, REQ(WINHTTP_QUERY_RAW_HEADERS_CRLF), NULL, NULL);
    ok(raw && !wcsncmp(raw, L"POST /form HTTP/1.1\r\n", 21), "raw: %ls", raw ? raw : L"(failed)");
    ok(raw && wcsstr(raw, L"\r\nX-Added: one\r\n"), "raw lacks X-Added: %ls", raw ? raw : L"(failed)");
    ok(raw && lstrlenW(raw) >= 4 && !lstrcmpW(raw + lstrlenW(raw) - 4, L"\r\n\r\n"), "raw does not end in an empty line");
    close_exchange(&x);
}

static void test_request_headers_after_send(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    struct exchange x;
    WCHAR host[64];
    const WCHAR *raw;

    open_exchange(&x, L"GET", L"/sent", simple_response);
    ok(add_headers(x.request, L"X-Added: one", WINHTTP_ADDREQ_FLAG_ADD), "add: %lu", GetLastError());
    send_and_receive(&x, L"X-Sent: two\r\n");
    swprintf(host, ARRAYSIZE(host), L"127.0.0.1:%u", server_port(x.srv));

    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Added", L"one");
    /* headers given to WinHttpSendRequest join the request's headers */
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Sent", L"two");
    /* and so do the ones WinHTTP adds itself */
    ok_query(x.request, REQ(WINHTTP_QUERY_USER_AGENT), NULL, AGENT);
    ok_query(x.request, REQ(WINHTTP_QUERY_HOST), NULL, host);
    /* response headers are a separate list */
    ok_query_fails(x.request, WINHTTP_QUERY_CUSTOM, L"X-Added", ERROR_WINHTTP_HEADER_NOT_FOUND);
    ok_query_fails(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-A", ERROR_WINHTTP_HEADER_NOT_FOUND);

    raw = query(x.request, REQ(WINHTTP_QUERY_RAW_HEADERS_CRLF), NULL, NULL);
    ok(raw && !wcsncmp(raw, L"GET /sent HTTP/1.1\r\n", 20), "raw: %ls", raw ? raw : L"(failed)");
    ok(raw && wcsstr(raw, L"\r\nX-Added: one\r\n") && wcsstr(raw, L"\r\nX-Sent: two\r\n"), "raw: %ls",
       raw ? raw : L"(failed)");
    ok(raw && wcsstr(raw, L"\r\nUser-Agent: " AGENT L"\r\n"), "raw lacks User-Agent: %ls", raw ? raw : L"(failed)");

    ok(strstr(wire_head(&x), "\r\nX-Added: one\r\n") && strstr(wire_head(&x), "\r\nX-Sent: two\r\n"),
       "wire: %s", wire_head(&x));
    close_exchange(&x);
}

static void test_trailers(void)
{
    HTTP1_WIRE_ONLY("trailers of an HTTP/1.1 chunked body: nginx 1.22 does not pass a backend's trailers on");
    struct exchange x;
    char body[64];
    DWORD read = 0, total = 0;

    exchange(&x, "HTTP/1.1 200 OK\r\n"
                 "Transfer-Encoding: chunked\r\n"
                 "Trailer: X-Checksum\r\n"
                 "\r\n"
                 "5\r\nhello\r\n"
                 "0\r\n"
                 "X-Checksum: abc123\r\n"
                 "\r\n");
    /* trailers are there only once the body was read to its end */
    SetLastError(0xdeadbeef);
    ok(!query(x.request, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_TRAILERS, L"X-Checksum", NULL),
       "trailer found before the body was read");
    do
    {
        read = 0;
        ok(WinHttpReadData(x.request, body, sizeof(body), &read), "read: %lu", GetLastError());
        total += read;
    } while (read);
    ok_int(total, 5);
    ok_query(x.request, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_TRAILERS, L"X-Checksum", L"abc123");
    ok_query(x.request, WINHTTP_QUERY_CUSTOM, L"Trailer", L"X-Checksum");
    close_exchange(&x);
}

/* ---- WinHttpAddRequestHeaders -------------------------------------------------- */

static void test_add_basic_and_wire(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    struct exchange x;

    open_exchange(&x, L"GET", L"/add", simple_response);
    ok(add_headers(x.request, L"X-First: 1", WINHTTP_ADDREQ_FLAG_ADD), "add: %lu", GetLastError());
    /* modifiers 0 add too */
    ok(add_headers(x.request, L"X-Zero: z", 0), "add with 0: %lu", GetLastError());
    /* ADD adds a second header of the same name */
    ok(add_headers(x.request, L"X-First: 2", WINHTTP_ADDREQ_FLAG_ADD), "add again: %lu", GetLastError());
    /* an explicit length in characters */
    SetLastError(0xdeadbeef);
    ok(WinHttpAddRequestHeaders(x.request, L"X-Len: abcdef", 10, WINHTTP_ADDREQ_FLAG_ADD), "add len: %lu",
       GetLastError());
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Len", L"abc");
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Zero", L"z");
    send_and_receive(&x, NULL);
    ok_int(count_lines(wire_head(&x), "X-First: "), 2);
    ok(strstr(wire_head(&x), "\r\nX-First: 1\r\n") && strstr(wire_head(&x), "\r\nX-First: 2\r\n"), "wire: %s",
       wire_head(&x));
    ok(strstr(wire_head(&x), "\r\nX-Len: abc\r\n") != NULL, "wire: %s", wire_head(&x));
    close_exchange(&x);
}

static void test_add_overrides_defaults(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    struct exchange x;

    open_exchange(&x, L"GET", L"/", simple_response);
    /* a header the application sets replaces the one WinHTTP would add */
    ok(add_headers(x.request, L"User-Agent: other/2.0", WINHTTP_ADDREQ_FLAG_ADD), "add: %lu", GetLastError());
    send_and_receive(&x, NULL);
    ok_int(count_lines(wire_head(&x), "User-Agent: "), 1);
    ok(strstr(wire_head(&x), "\r\nUser-Agent: other/2.0\r\n") != NULL, "wire: %s", wire_head(&x));
    ok_query(x.request, REQ(WINHTTP_QUERY_USER_AGENT), NULL, L"other/2.0");
    ok_int(count_lines(wire_head(&x), "Host: "), 1);
    close_exchange(&x);
}

static void test_add_if_new(void)
{
    struct exchange x;

    open_exchange(&x, L"GET", L"/", simple_response);
    ok(add_headers(x.request, L"X-New: 1", WINHTTP_ADDREQ_FLAG_ADD_IF_NEW), "first: %lu", GetLastError());
    ok_bool_err(add_headers(x.request, L"X-New: 2", WINHTTP_ADDREQ_FLAG_ADD_IF_NEW), FALSE,
                ERROR_WINHTTP_HEADER_ALREADY_EXISTS);
    /* names compare without case */
    ok_bool_err(add_headers(x.request, L"x-new: 3", WINHTTP_ADDREQ_FLAG_ADD_IF_NEW), FALSE,
                ERROR_WINHTTP_HEADER_ALREADY_EXISTS);
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-New", L"1");
    send_and_receive(&x, NULL);
    ok_int(count_lines(wire_head(&x), "X-New: "), 1);
    close_exchange(&x);
}

static void test_add_replace(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    struct exchange x;

    open_exchange(&x, L"GET", L"/", simple_response);
    ok(add_headers(x.request, L"X-R: 1", WINHTTP_ADDREQ_FLAG_ADD), "add: %lu", GetLastError());
    ok(add_headers(x.request, L"X-R: 2", WINHTTP_ADDREQ_FLAG_REPLACE), "replace: %lu", GetLastError());
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-R", L"2");
    /* REPLACE of a header that is not there fails, unless ADD comes with it */
    ok_bool_err(add_headers(x.request, L"X-Absent: 1", WINHTTP_ADDREQ_FLAG_REPLACE), FALSE,
                ERROR_WINHTTP_HEADER_NOT_FOUND);
    ok(add_headers(x.request, L"X-Absent: 1", WINHTTP_ADDREQ_FLAG_REPLACE | WINHTTP_ADDREQ_FLAG_ADD),
       "add|replace: %lu", GetLastError());
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Absent", L"1");
    /* REPLACE with an empty value removes the header */
    ok(add_headers(x.request, L"X-Gone: 1", WINHTTP_ADDREQ_FLAG_ADD), "add: %lu", GetLastError());
    ok(add_headers(x.request, L"X-Gone:", WINHTTP_ADDREQ_FLAG_REPLACE), "remove: %lu", GetLastError());
    ok_query_fails(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Gone", ERROR_WINHTTP_HEADER_NOT_FOUND);
    send_and_receive(&x, NULL);
    ok_int(count_lines(wire_head(&x), "X-R: "), 1);
    ok(strstr(wire_head(&x), "\r\nX-R: 2\r\n") != NULL, "wire: %s", wire_head(&x));
    ok_int(count_lines(wire_head(&x), "X-Gone:"), 0);
    ok_int(count_lines(wire_head(&x), "X-Absent: 1"), 1);
    close_exchange(&x);
}

static void test_add_coalesce(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    struct exchange x;

    open_exchange(&x, L"GET", L"/", simple_response);
    /* the documented examples: "a, b" with a comma, "a; b" with a semicolon */
    ok(add_headers(x.request, L"X-C: a", WINHTTP_ADDREQ_FLAG_ADD), "add: %lu", GetLastError());
    ok(add_headers(x.request, L"X-C: b", WINHTTP_ADDREQ_FLAG_COALESCE), "coalesce: %lu", GetLastError());
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-C", L"a, b");
    ok(add_headers(x.request, L"X-Comma: a", WINHTTP_ADDREQ_FLAG_ADD), "add: %lu", GetLastError());
    ok(add_headers(x.request, L"X-Comma: b", WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA), "comma: %lu", GetLastError());
    ok(add_headers(x.request, L"x-comma: c", WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA), "comma: %lu", GetLastError());
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Comma", L"a, b, c");
    ok(add_headers(x.request, L"X-Semi: a", WINHTTP_ADDREQ_FLAG_ADD), "add: %lu", GetLastError());
    ok(add_headers(x.request, L"X-Semi: b", WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON), "semi: %lu",
       GetLastError());
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Semi", L"a; b");
    /* coalescing onto nothing just adds */
    ok(add_headers(x.request, L"X-Fresh: f", WINHTTP_ADDREQ_FLAG_COALESCE), "coalesce new: %lu", GetLastError());
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Fresh", L"f");
    send_and_receive(&x, NULL);
    ok(strstr(wire_head(&x), "\r\nX-C: a, b\r\n") && strstr(wire_head(&x), "\r\nX-Comma: a, b, c\r\n") &&
       strstr(wire_head(&x), "\r\nX-Semi: a; b\r\n"), "wire: %s", wire_head(&x));
    ok_int(count_lines(wire_head(&x), "X-C: "), 1);
    close_exchange(&x);
}

static void test_add_several_lines(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    struct exchange x;
    static const WCHAR two[] = L"X-Three: 3\r\nX-Four: 4";

    open_exchange(&x, L"GET", L"/", simple_response);
    ok(add_headers(x.request, L"X-One: 1\r\nX-Two: 2\r\n", WINHTTP_ADDREQ_FLAG_ADD), "two lines: %lu",
       GetLastError());
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-One", L"1");
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Two", L"2");
    /* the length bounds what is read: only the first line here */
    SetLastError(0xdeadbeef);
    ok(WinHttpAddRequestHeaders(x.request, two, 10, WINHTTP_ADDREQ_FLAG_ADD), "bounded: %lu", GetLastError());
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Three", L"3");
    ok_query_fails(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Four", ERROR_WINHTTP_HEADER_NOT_FOUND);
    send_and_receive(&x, NULL);
    ok(strstr(wire_head(&x), "\r\nX-One: 1\r\nX-Two: 2\r\n") != NULL, "wire: %s", wire_head(&x));
    ok_int(count_lines(wire_head(&x), "X-Four"), 0);
    close_exchange(&x);
}

static void test_add_invalid(void)
{
    static const WCHAR *const invalid[] = { L":", L":b", L"cd", L" e :f" };
    struct exchange x;
    DWORD error;

    open_exchange(&x, L"GET", L"/", simple_response);
    /* a zero length is an invalid parameter (native fact) */
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpAddRequestHeaders(x.request, L"X-A: 1", 0, WINHTTP_ADDREQ_FLAG_ADD), FALSE,
                ERROR_INVALID_PARAMETER);
    for (size_t i = 0; i < ARRAYSIZE(invalid); i++)
    {
        /* lines without a name or a colon are refused; which error is not documented */
        ok(!add_headers(x.request, invalid[i], WINHTTP_ADDREQ_FLAG_ADD), "\"%ls\" was accepted", invalid[i]);
        error = GetLastError();
        ok(error == ERROR_WINHTTP_INVALID_HEADER || error == ERROR_INVALID_PARAMETER, "\"%ls\": error %lu",
           invalid[i], error);
    }
    /* a name with an empty value is a header */
    ok(add_headers(x.request, L"a:", WINHTTP_ADDREQ_FLAG_ADD), "\"a:\": %lu", GetLastError());
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"a", L"");
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpAddRequestHeaders(x.connect, L"X-A: 1", (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpAddRequestHeaders(NULL, L"X-A: 1", (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD), FALSE,
                ERROR_INVALID_HANDLE);
    close_exchange(&x);
}

/* No caller string may put a bare CR or LF, or an empty line, into the head. */
static BOOL head_is_clean(const struct server_request *r)
{
    const char *end;

    if (!r) return FALSE;
    for (size_t i = 0; i < r->head_length; i++)
    {
        if (r->head[i] == '\r' && r->head[i + 1] != '\n') return FALSE;
        if (r->head[i] == '\n' && (!i || r->head[i - 1] != '\r')) return FALSE;
    }
    end = strstr(r->head, "\r\n\r\n");
    return end && (size_t)(end + 4 - r->head) == r->head_length;
}

static void test_add_crlf_injection(void)
{
    struct exchange x;

    open_exchange(&x, L"GET", L"/", simple_response);
    /* CRLF separates lines (documented); bare CR or LF must not reach the
     * wire inside a line, whether the call splits or refuses them */
    add_headers(x.request, L"X-Cr: a\rX-Evil-Cr: b", WINHTTP_ADDREQ_FLAG_ADD);
    add_headers(x.request, L"X-Lf: a\nX-Evil-Lf: b", WINHTTP_ADDREQ_FLAG_ADD);
    add_headers(x.request, L"X-Smuggle: a\r\n\r\nGET /smuggled HTTP/1.1", WINHTTP_ADDREQ_FLAG_ADD);
    send_and_receive(&x, NULL);
    server_wait_idle(x.srv, 5000);
    ok(head_is_clean(server_request(x.srv, 0)), "head has a bare CR/LF or an early empty line: %s", wire_head(&x));
    ok(!strstr(wire_head(&x), "\r\nGET /smuggled"), "smuggled request line: %s", wire_head(&x));
    ok_int(server_requests(x.srv), 1);
    close_exchange(&x);
}

/* ---- the Ex forms (Windows 10 2004+; absent from Wine 8) ----------------------- */

typedef DWORD (WINAPI *add_ex_fn)(HINTERNET, DWORD, ULONGLONG, ULONGLONG, DWORD, WINHTTP_EXTENDED_HEADER *);
typedef DWORD (WINAPI *query_ex_fn)(HINTERNET, DWORD, ULONGLONG, UINT, DWORD *, WINHTTP_HEADER_NAME *, void *,
                                    DWORD *, WINHTTP_EXTENDED_HEADER **, DWORD *);

/* Through void *, as a FARPROC does not convert to other function types cleanly. */
static void *winhttp_export(const char *name)
{
    return (void *)GetProcAddress(GetModuleHandleA("winhttp.dll"), name);
}

static void test_add_request_headers_ex(void)
{
    HTTP1_WIRE_ONLY("the request head's bytes as the server read them: nginx rebuilds them from the HTTP/2 request (lower-case names, no connection headers)");
    add_ex_fn add_ex = (add_ex_fn)winhttp_export("WinHttpAddRequestHeadersEx");
    WINHTTP_EXTENDED_HEADER wide[2], narrow[1], bad[1];
    struct exchange x;

    if (!add_ex)
    {
        skip("WinHttpAddRequestHeadersEx is not exported");
        return;
    }
    open_exchange(&x, L"GET", L"/", simple_response);
    wide[0].pwszName = L"X-Wide";
    wide[0].pwszValue = L"w1";
    wide[1].pwszName = L"X-Wide2";
    wide[1].pwszValue = L"w2";
    ok_int(add_ex(x.request, WINHTTP_ADDREQ_FLAG_ADD, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 0, 2, wide),
           ERROR_SUCCESS);
    narrow[0].pszName = "X-Narrow";
    narrow[0].pszValue = "n1";
    ok_int(add_ex(x.request, WINHTTP_ADDREQ_FLAG_ADD, 0, 0, 1, narrow), ERROR_SUCCESS);
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Wide", L"w1");
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Wide2", L"w2");
    ok_query(x.request, REQ(WINHTTP_QUERY_CUSTOM), L"X-Narrow", L"n1");
    /* ADD_IF_NEW keeps its meaning */
    ok_int(add_ex(x.request, WINHTTP_ADDREQ_FLAG_ADD_IF_NEW, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 0, 1, wide),
           ERROR_WINHTTP_HEADER_ALREADY_EXISTS);
    /* a value carrying CRLF would inject a header: refused */
    bad[0].pwszName = L"X-Bad";
    bad[0].pwszValue = L"v\r\nX-Injected: 1";
    ok(add_ex(x.request, WINHTTP_ADDREQ_FLAG_ADD, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 0, 1, bad) != ERROR_SUCCESS,
       "CRLF in a value was accepted");
    send_and_receive(&x, NULL);
    ok(strstr(wire_head(&x), "\r\nX-Wide: w1\r\n") && strstr(wire_head(&x), "\r\nX-Narrow: n1\r\n"), "wire: %s",
       wire_head(&x));
    ok_int(count_lines(wire_head(&x), "X-Injected"), 0);
    close_exchange(&x);
}

static void test_query_headers_ex(void)
{
    HTTP1_WIRE_ONLY("field names and order as the server sent them: nginx sends lower-case names over HTTP/2, Content-Length first");
    query_ex_fn query_ex = (query_ex_fn)winhttp_export("WinHttpQueryHeadersEx");
    WINHTTP_EXTENDED_HEADER *headers = NULL;
    WINHTTP_HEADER_NAME name;
    struct exchange x;
    DWORD size = 0, count = 0, index = 0;
    char *buffer;

    if (!query_ex)
    {
        skip("WinHttpQueryHeadersEx is not exported");
        return;
    }
    exchange(&x, "HTTP/1.1 200 OK\r\nX-Multi: one\r\nX-Multi: two\r\nContent-Length: 0\r\n\r\n");
    /* without WINHTTP_QUERY_FLAG_WIRE_ENCODING names and values are Unicode */
    name.pwszName = L"x-multi";
    ok_int(query_ex(x.request, WINHTTP_QUERY_CUSTOM, 0, 0, &index, &name, NULL, &size, &headers, &count),
           ERROR_INSUFFICIENT_BUFFER);
    ok(size > 0, "no size");
    buffer = malloc(size);
    ok_int(query_ex(x.request, WINHTTP_QUERY_CUSTOM, 0, 0, &index, &name, buffer, &size, &headers, &count),
           ERROR_SUCCESS);
    ok(count >= 1 && headers, "count %lu", count);
    if (count >= 1 && headers)
    {
        ok_wstr(headers[0].pwszName, L"X-Multi");
        ok_wstr(headers[0].pwszValue, L"one");
    }
    free(buffer);

    /* every response header */
    size = 0;
    ok_int(query_ex(x.request, WINHTTP_QUERY_EX_ALL_HEADERS, 0, 0, NULL, NULL, NULL, &size, &headers, &count),
           ERROR_INSUFFICIENT_BUFFER);
    buffer = malloc(size);
    ok_int(query_ex(x.request, WINHTTP_QUERY_EX_ALL_HEADERS, 0, 0, NULL, NULL, buffer, &size, &headers, &count),
           ERROR_SUCCESS);
    ok_int(count, 3);
    if (count == 3)
    {
        ok_wstr(headers[1].pwszValue, L"two");
        ok_wstr(headers[2].pwszName, L"Content-Length");
    }
    free(buffer);

    /* wire encoding: narrow strings */
    size = 4096;
    buffer = malloc(size);
    name.pszName = "X-Multi";
    ok_int(query_ex(x.request, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_WIRE_ENCODING, 0, 0, NULL, &name, buffer,
                    &size, &headers, &count), ERROR_SUCCESS);
    ok(count >= 1 && headers && !strcmp(headers[0].pszValue, "one"), "wire value %s",
       count && headers ? headers[0].pszValue : "(none)");
    free(buffer);

    /* documented: these levels and modifiers are invalid for the Ex form */
    size = 0;
    ok_int(query_ex(x.request, WINHTTP_QUERY_STATUS_CODE, 0, 0, NULL, NULL, NULL, &size, &headers, &count),
           ERROR_INVALID_PARAMETER);
    size = 0;
    ok_int(query_ex(x.request, WINHTTP_QUERY_RAW_HEADERS_CRLF, 0, 0, NULL, NULL, NULL, &size, &headers, &count),
           ERROR_INVALID_PARAMETER);
    size = 0;
    ok_int(query_ex(x.request, WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER, 0, 0, NULL, NULL, NULL,
                    &size, &headers, &count), ERROR_INVALID_PARAMETER);
    close_exchange(&x);
}

/* ---- WinHttpQueryAuthSchemes ------------------------------------------------- */

static void expect_schemes(const char *response, DWORD want_supported, DWORD want_first, DWORD want_target)
{
    struct exchange x;
    DWORD supported = 0xdeadbeef, first = 0xdeadbeef, target = 0xdeadbeef;

    exchange(&x, response);
    ok(WinHttpQueryAuthSchemes(x.request, &supported, &first, &target), "QueryAuthSchemes: %lu", GetLastError());
    ok(supported == want_supported, "supported %#lx, want %#lx", supported, want_supported);
    ok(first == want_first, "first %#lx, want %#lx", first, want_first);
    ok(target == want_target, "target %#lx, want %#lx", target, want_target);
    close_exchange(&x);
}

static void test_auth_schemes_401(void)
{
    const DWORD all = WINHTTP_AUTH_SCHEME_BASIC | WINHTTP_AUTH_SCHEME_NTLM | WINHTTP_AUTH_SCHEME_NEGOTIATE |
                      WINHTTP_AUTH_SCHEME_DIGEST;

    expect_schemes("HTTP/1.1 401 Unauthorized\r\n"
                   "WWW-Authenticate: Basic realm=\"test\"\r\n"
                   "WWW-Authenticate: NTLM\r\n"
                   "WWW-Authenticate: Negotiate\r\n"
                   "WWW-Authenticate: Digest realm=\"test\", nonce=\"abc\", qop=\"auth\"\r\n"
                   "Content-Length: 0\r\n\r\n",
                   all, WINHTTP_AUTH_SCHEME_BASIC, WINHTTP_AUTH_TARGET_SERVER);
    /* the first scheme is the first the server listed */
    expect_schemes("HTTP/1.1 401 Unauthorized\r\n"
                   "WWW-Authenticate: Negotiate\r\n"
                   "WWW-Authenticate: NTLM\r\n"
                   "WWW-Authenticate: Basic realm=\"test\"\r\n"
                   "Content-Length: 0\r\n\r\n",
                   WINHTTP_AUTH_SCHEME_NEGOTIATE | WINHTTP_AUTH_SCHEME_NTLM | WINHTTP_AUTH_SCHEME_BASIC,
                   WINHTTP_AUTH_SCHEME_NEGOTIATE, WINHTTP_AUTH_TARGET_SERVER);
    /* scheme names compare without case */
    expect_schemes("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: basic realm=\"x\"\r\nContent-Length: 0\r\n\r\n",
                   WINHTTP_AUTH_SCHEME_BASIC, WINHTTP_AUTH_SCHEME_BASIC, WINHTTP_AUTH_TARGET_SERVER);
}

static void test_auth_schemes_407(void)
{
    /* documented: WINHTTP_AUTH_TARGET_PROXY "indicates that a 407 status code has been received" */
    expect_schemes("HTTP/1.1 407 Proxy Authentication Required\r\n"
                   "Proxy-Authenticate: NTLM\r\n"
                   "Proxy-Authenticate: Basic realm=\"proxy\"\r\n"
                   "Content-Length: 0\r\n\r\n",
                   WINHTTP_AUTH_SCHEME_NTLM | WINHTTP_AUTH_SCHEME_BASIC, WINHTTP_AUTH_SCHEME_NTLM,
                   WINHTTP_AUTH_TARGET_PROXY);
}

static void test_auth_schemes_errors(void)
{
    struct exchange x;
    DWORD supported = 0xdeadbeef, first = 0xdeadbeef, target = 0xdeadbeef;

    open_exchange(&x, L"GET", L"/", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    /* before a response: ERROR_INVALID_OPERATION on native, outputs untouched */
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryAuthSchemes(x.request, &supported, &first, &target), FALSE, ERROR_INVALID_OPERATION);
    ok(supported == 0xdeadbeef && first == 0xdeadbeef && target == 0xdeadbeef, "outputs written");
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryAuthSchemes(NULL, &supported, &first, &target), FALSE, ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ok_bool_err(WinHttpQueryAuthSchemes(x.connect, &supported, &first, &target), FALSE,
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    /* a response without a challenge offers no scheme */
    send_and_receive(&x, NULL);
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryAuthSchemes(x.request, &supported, &first, &target), "succeeded on a 200");
    ok(supported == 0xdeadbeef && first == 0xdeadbeef, "outputs written on a 200");
    close_exchange(&x);
}

TEST_CASES(TEST(test_query_wrong_state_and_handles), TEST(test_status_line_levels), TEST(test_common_levels),
           TEST(test_header_name_by_index_is_null), TEST(test_flag_number), TEST(test_flag_number64),
           TEST(test_flag_systemtime), TEST(test_buffer_size_protocol), TEST(test_index_iteration),
           TEST(test_raw_headers_crlf), TEST(test_raw_headers_nul_separated),
           TEST(test_custom_names_case_insensitive), TEST(test_long_header_intact), TEST(test_many_headers),
           TEST(test_request_headers_before_send), TEST(test_request_headers_after_send), TEST(test_trailers),
           TEST(test_add_basic_and_wire), TEST(test_add_overrides_defaults),
           TEST(test_add_if_new), TEST(test_add_replace), TEST(test_add_coalesce),
           TEST(test_add_several_lines), TEST(test_add_invalid), TEST(test_add_crlf_injection),
           TEST(test_add_request_headers_ex), TEST(test_query_headers_ex), TEST(test_auth_schemes_401),
           TEST(test_auth_schemes_407), TEST(test_auth_schemes_errors));

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
