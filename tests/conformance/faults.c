/* Conformance: bad input from the network (issue 3, synchronous mode).
 *
 * Whatever the server sends -- a response cut at any byte by a close or a
 * reset, garbage, oversized heads, slow trickles, silence, absurd framing --
 * the client ends in a documented error or in a correct success: never a
 * crash, a hang, a truncated body passed off as complete, or a leak.
 *
 * The documented errors: WinHttpReceiveResponse lists
 * ERROR_WINHTTP_INVALID_SERVER_RESPONSE, ERROR_WINHTTP_CONNECTION_ERROR,
 * ERROR_WINHTTP_HEADER_SIZE_OVERFLOW (a head past
 * WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE, 64 KiB by default) and
 * ERROR_WINHTTP_TIMEOUT; WinHttpReadData lists ERROR_WINHTTP_CONNECTION_ERROR
 * ("the connection with the server has been reset or terminated") and
 * ERROR_WINHTTP_TIMEOUT.  RFC 9112 section 8: a message whose Content-Length
 * or chunked framing is cut short is incomplete and must not be taken as a
 * whole one.
 */
#include "harness.h"
#include "server.h"
#include "winhttp.h"
#include <string.h>

#define BODY_MAX      8192
#define READ_PIECE    13    /* odd-sized reads cross every framing boundary */
#define LOOP_TIMEOUT  2000  /* every timeout of a fault-loop exchange, in ms */
#define MAX_DETAILS   3     /* violations of each check printed in full per loop; the rest are counted */

enum stage { STAGE_DONE, STAGE_SEND, STAGE_RECEIVE, STAGE_READ, STAGE_COUNT };
static const char *const stage_names[] = { "no call (all succeeded)", "SendRequest", "ReceiveResponse", "read" };

struct outcome
{
    enum stage stage;       /* STAGE_DONE: every call succeeded */
    DWORD error;            /* the failing call's last error */
    DWORD status;
    char body[BODY_MAX];
    size_t body_length;
    BOOL body_overflow;     /* more body than BODY_MAX */
    DWORD elapsed;          /* ms from SendRequest to the outcome */
};

/* ---- a client for one exchange ------------------------------------------- */

struct client
{
    HINTERNET session, connect, request;
};

static BOOL open_client(struct client *c, struct server *srv, int timeout)
{
    memset(c, 0, sizeof(*c));
    c->session = WinHttpOpen(L"faults", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    if (c->session) c->connect = WinHttpConnect(c->session, L"127.0.0.1", server_port(srv), 0);
    if (c->connect) c->request = WinHttpOpenRequest(c->connect, L"GET", L"/fault", NULL, NULL, NULL, 0);
    ok(c->request != NULL, "opening the client failed: %lu", GetLastError());
    if (c->request) ok(WinHttpSetTimeouts(c->request, timeout, timeout, timeout, timeout),
                       "WinHttpSetTimeouts failed: %lu", GetLastError());
    return c->request != NULL;
}

static void close_client(struct client *c)
{
    if (c->request) WinHttpCloseHandle(c->request);
    if (c->connect) WinHttpCloseHandle(c->connect);
    if (c->session) WinHttpCloseHandle(c->session);
}

static BOOL fail_at(struct outcome *out, enum stage stage)
{
    out->error = GetLastError();
    out->stage = stage;
    return FALSE;
}

/* Reads the body to its end in READ_PIECE-byte reads, asking
 * WinHttpQueryDataAvailable first when query_first. */
static BOOL read_all(HINTERNET request, BOOL query_first, struct outcome *out)
{
    for (;;)
    {
        DWORD want = READ_PIECE, available, got = 0;
        char piece[READ_PIECE];

        if (query_first)
        {
            if (!WinHttpQueryDataAvailable(request, &available)) return fail_at(out, STAGE_READ);
            if (!available) return TRUE;
            if (available < want) want = available;
        }
        if (!WinHttpReadData(request, piece, want, &got)) return fail_at(out, STAGE_READ);
        if (!got) return TRUE;
        if (got > want || out->body_length + got > BODY_MAX)
        {
            out->body_overflow = TRUE;
            return TRUE;
        }
        memcpy(out->body + out->body_length, piece, got);
        out->body_length += got;
    }
}

/* SendRequest, ReceiveResponse, read everything. */
static void exchange(HINTERNET request, BOOL query_first, struct outcome *out)
{
    DWORD start = GetTickCount(), size = sizeof(out->status);

    memset(out, 0, sizeof(*out));
    if (!WinHttpSendRequest(request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, 0))
        fail_at(out, STAGE_SEND);
    else if (!WinHttpReceiveResponse(request, NULL))
        fail_at(out, STAGE_RECEIVE);
    else
    {
        WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                            WINHTTP_HEADER_NAME_BY_INDEX, &out->status, &size, WINHTTP_NO_HEADER_INDEX);
        read_all(request, query_first, out);
    }
    out->elapsed = GetTickCount() - start;
}

/* A server whose every connection reads the request, sends these bytes and
 * closes (gracefully, or with a reset). */
static struct server *start_server(const void *bytes, size_t length, BOOL reset)
{
    struct server *srv = server_start();
    struct script *script;

    ok(srv != NULL, "server_start failed");
    if (!srv) return NULL;
    server_set_timeout(srv, 3000);
    script = server_every_connection(srv);
    script_recv_request(script);
    if (length) script_send(script, bytes, length);
    if (reset) script_reset(script);
    else script_close(script);
    return srv;
}

/* One whole exchange against a server that sends these bytes and closes. */
static void serve_once(const void *bytes, size_t length, BOOL reset, int timeout, struct outcome *out)
{
    struct server *srv = start_server(bytes, length, reset);
    struct client c;

    memset(out, 0, sizeof(*out));
    out->stage = STAGE_SEND;
    out->error = ~0u;
    if (!srv) return;
    if (open_client(&c, srv, timeout)) exchange(c.request, FALSE, out);
    close_client(&c);
    server_stop(srv);
}

static BOOL body_is(const struct outcome *out, const char *body, size_t length)
{
    return !out->body_overflow && out->body_length == length && !memcmp(out->body, body, length);
}

/* ---- the fault loop: every prefix of a good response, then close or reset -- */

struct reference
{
    const char *name;
    const char *bytes;
    size_t length;
    size_t complete_at;     /* a cut before this byte leaves the body incomplete */
    const char *body;
    size_t body_length;
};

static const char body40[] = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

static const char length_response[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "X-Fault: reference\r\n"
    "Content-Length: 40\r\n"
    "\r\n"
    "0123456789abcdefghijklmnopqrstuvwxyzABCD";

/* the chunked reference up to its last (zero-size) chunk, then its trailer */
#define CHUNKED_TO_LAST_CHUNK                       \
    "HTTP/1.1 200 OK\r\n"                           \
    "Content-Type: text/plain\r\n"                  \
    "Transfer-Encoding: chunked\r\n"                \
    "\r\n"                                          \
    "10\r\n0123456789abcdef\r\n"                    \
    "18;ext=1\r\nghijklmnopqrstuvwxyzABCD\r\n"      \
    "0\r\n"
static const char chunked_response[] = CHUNKED_TO_LAST_CHUNK "X-Trailer: done\r\n\r\n";

static struct reference references[] =
{
    /* RFC 9112 section 8: a Content-Length body is incomplete until its last
     * byte; a chunked one until its last (zero-size) chunk.  A cut inside the
     * trailer section is not named by the RFC: success is allowed there, but
     * only with the whole body. */
    { "content-length", length_response, sizeof(length_response) - 1, sizeof(length_response) - 1,
      body40, 40 },
    { "chunked", chunked_response, sizeof(chunked_response) - 1, sizeof(CHUNKED_TO_LAST_CHUNK) - 1,
      body40, 40 },
};

struct tally
{
    int cases, successes, failures[STAGE_COUNT];
    int by_error[4];        /* INVALID_SERVER_RESPONSE, CONNECTION_ERROR, TIMEOUT, other */
    int violations[5], hidden;   /* per check */
};

static int error_slot(DWORD error)
{
    switch (error)
    {
    case ERROR_WINHTTP_INVALID_SERVER_RESPONSE: return 0;
    case ERROR_WINHTTP_CONNECTION_ERROR: return 1;
    case ERROR_WINHTTP_TIMEOUT: return 2;
    default: return 3;
    }
}

/* ok() for the first MAX_DETAILS violations of each check in a loop; the
 * rest are counted and reported once at the end. */
#define violation(tally, check, cond, ...)                                     \
    do {                                                                       \
        if (cond) break;                                                       \
        if ((tally)->violations[check]++ < MAX_DETAILS) ok(0, __VA_ARGS__);    \
        else (tally)->hidden++;                                                \
    } while (0)

static void judge(const struct reference *ref, size_t cut, BOOL reset, const struct outcome *out,
                  struct tally *tally)
{
    const char *how = reset ? "reset" : "close";

    tally->cases++;
    if (out->stage == STAGE_DONE)
    {
        tally->successes++;
        violation(tally, 0, body_is(out, ref->body, ref->body_length),
                  "%s, %s after %u bytes: success with a %u-byte body%s", ref->name, how, (unsigned)cut,
                  (unsigned)out->body_length, out->body_overflow ? " (overflow)" : "");
        violation(tally, 1, cut >= ref->complete_at,
                  "%s, %s after %u of %u bytes: an incomplete response taken as complete", ref->name, how,
                  (unsigned)cut, (unsigned)ref->length);
        return;
    }
    tally->failures[out->stage]++;
    tally->by_error[error_slot(out->error)]++;
    violation(tally, 2, out->stage != STAGE_SEND && (out->error == ERROR_WINHTTP_INVALID_SERVER_RESPONSE ||
                                                  out->error == ERROR_WINHTTP_CONNECTION_ERROR),
              "%s, %s after %u bytes: %s failed with %lu", ref->name, how, (unsigned)cut,
              stage_names[out->stage], out->error);
    /* a graceful close after the whole response takes nothing away */
    violation(tally, 3, reset || cut < ref->length, "%s, close after the whole response: %s failed with %lu",
              ref->name, stage_names[out->stage], out->error);
    violation(tally, 4, out->elapsed < LOOP_TIMEOUT, "%s, %s after %u bytes: took %lu ms", ref->name, how,
              (unsigned)cut, out->elapsed);
}

/* One server serves a whole loop, a script per connection in accept order. */
struct loop_server
{
    struct server *srv;
    LONG scripts;
    int restarts;
};

static void fault_case(struct loop_server *ls, const struct reference *ref, size_t cut, BOOL reset,
                       struct tally *tally)
{
    struct script *script;
    struct outcome out;
    struct client c;

    if (!ls->srv)
    {
        if (!(ls->srv = server_start())) { ok(0, "server_start failed"); return; }
        server_set_timeout(ls->srv, 3000);
        ls->scripts = 0;
    }
    script = server_add_connection(ls->srv);
    ls->scripts++;
    script_recv_request(script);
    if (cut) script_send(script, ref->bytes, cut);
    if (reset) script_reset(script);
    else script_close(script);
    if (open_client(&c, ls->srv, LOOP_TIMEOUT))
    {
        /* both ways of reading: odd cuts ask QueryDataAvailable first */
        exchange(c.request, cut & 1, &out);
        judge(ref, cut, reset, &out, tally);
    }
    close_client(&c);
    /* a client that opened another connection (a retry) would take the next
     * exchange's script: start over with a fresh server */
    if (server_connections(ls->srv) != ls->scripts)
    {
        ls->restarts++;
        server_stop(ls->srv);
        ls->srv = NULL;
    }
}

static void fault_loop(BOOL print)
{
    DWORD start = GetTickCount();

    for (size_t i = 0; i < ARRAYSIZE(references); i++)
    {
        const struct reference *ref = &references[i];
        struct loop_server ls = { 0 };
        struct tally tally = { 0 };

        for (size_t cut = 0; cut <= ref->length; cut++)
        {
            fault_case(&ls, ref, cut, FALSE, &tally);
            fault_case(&ls, ref, cut, TRUE, &tally);
        }
        if (ls.srv) server_stop(ls.srv);
        ok(!tally.hidden, "%s: %d more violations not shown", ref->name, tally.hidden);
        ok(tally.cases == 2 * (int)(ref->length + 1), "%s: %d of %d exchanges ran", ref->name, tally.cases,
           2 * (int)(ref->length + 1));
        if (print)
            printf("# %s: %d cuts: %d whole successes; failed in ReceiveResponse %d, in reading %d; "
                   "INVALID_SERVER_RESPONSE %d, CONNECTION_ERROR %d, TIMEOUT %d, other %d; "
                   "%d exchanges used another connection\n",
                   ref->name, tally.cases, tally.successes, tally.failures[STAGE_RECEIVE],
                   tally.failures[STAGE_READ], tally.by_error[0], tally.by_error[1], tally.by_error[2],
                   tally.by_error[3], ls.restarts);
    }
    if (print) printf("# fault loop: %lu ms\n", GetTickCount() - start);
}

static BOOL loop_ran;

static void test_fault_loop(void)
{
    fault_loop(TRUE);
    loop_ran = TRUE;
}

/* ---- leaks: the loop once more must not grow the process ------------------ */

static void test_fault_loop_leaks(void)
{
    DWORD handles_before, handles_after;
    SIZE_T memory_before, memory_after;
    HANDLE probe;

    if (!loop_ran) fault_loop(FALSE);      /* the first run settles caches and pools */
    handles_before = harness_handle_count();
    probe = CreateEventW(NULL, FALSE, FALSE, NULL);
    ok(harness_handle_count() == handles_before + 1, "the count does not see a new handle: %lu -> %lu",
       handles_before, harness_handle_count());
    CloseHandle(probe);
    memory_before = harness_private_bytes();
    fault_loop(FALSE);
    handles_after = harness_handle_count();
    memory_after = harness_private_bytes();
    printf("# leaks: handles %lu -> %lu, private bytes %llu -> %llu\n", handles_before, handles_after,
           (unsigned long long)memory_before, (unsigned long long)memory_after);
    ok(handles_before > 0 && memory_before > 0, "cannot measure: %lu handles, %llu bytes", handles_before,
       (unsigned long long)memory_before);
    ok(handles_after <= handles_before + 4, "handles grew from %lu to %lu over %u exchanges", handles_before,
       handles_after, (unsigned)(2 * (references[0].length + references[1].length + 2)));
    ok(memory_after <= memory_before + 512 * 1024, "private bytes grew from %llu to %llu",
       (unsigned long long)memory_before, (unsigned long long)memory_after);
}

/* ---- garbage instead of a response ---------------------------------------- */

static void expect_receive_error(const char *what, const void *bytes, size_t length, DWORD want)
{
    struct outcome out;

    serve_once(bytes, length ? length : strlen(bytes), FALSE, 3000, &out);
    ok(out.stage == STAGE_RECEIVE && out.error == want, "%s: %s failed with %lu, want ReceiveResponse %lu",
       what, stage_names[out.stage], out.error, want);
    ok(out.elapsed < 2000, "%s: took %lu ms", what, out.elapsed);
}

static void test_garbage_status_lines(void)
{
    static const char binary[] = "\x00\x01\x02\x7f\x80\xfe\xff\r\n\x00\r\n\r\n\x1b[0m\x00\x00";
    char random[512];
    unsigned seed = 12345;

    for (size_t i = 0; i < sizeof(random); i++)
    {
        seed = seed * 1103515245 + 12345;
        random[i] = (char)(seed >> 16);
    }
    random[0] = 'X';   /* never "HTTP/" by chance */
    expect_receive_error("random bytes", random, sizeof(random), ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    expect_receive_error("binary junk", binary, sizeof(binary) - 1, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    expect_receive_error("HTTP/1.1 abc", "HTTP/1.1 abc\r\nContent-Length: 0\r\n\r\n", 0,
                         ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    expect_receive_error("no status line", "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi", 0,
                         ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    expect_receive_error("status line without CRLF", "HTTP/1.1 200 OK", 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    expect_receive_error("blank lines only", "\r\n\r\n\r\n", 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
}

/* RFC 9110 section 5.5: a field value holding NUL is invalid; a recipient
 * rejects the message or replaces the NUL with SP. */
static void test_nul_in_header(void)
{
    static const char response[] = "HTTP/1.1 200 OK\r\nX-Nul: a\0b\r\nContent-Length: 2\r\n\r\nhi";
    struct server *srv = start_server(response, sizeof(response) - 1, FALSE);
    struct outcome out;
    struct client c;

    if (!srv) return;
    if (open_client(&c, srv, 3000))
    {
        exchange(c.request, FALSE, &out);
        if (out.stage == STAGE_DONE)
        {
            WCHAR value[16];
            DWORD size = sizeof(value);

            ok(body_is(&out, "hi", 2), "the body is %u bytes", (unsigned)out.body_length);
            ok(WinHttpQueryHeaders(c.request, WINHTTP_QUERY_CUSTOM, L"X-Nul", value, &size,
                                   WINHTTP_NO_HEADER_INDEX), "X-Nul query failed: %lu", GetLastError());
            ok(size == 3 * sizeof(WCHAR) && !memcmp(value, L"a b", 3 * sizeof(WCHAR)),
               "X-Nul holds %lu bytes, want \"a b\"", size);
        }
        else
            ok(out.stage == STAGE_RECEIVE && out.error == ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
               "%s failed with %lu", stage_names[out.stage], out.error);
    }
    close_client(&c);
    server_stop(srv);
}

/* ---- oversized heads -------------------------------------------------------- */

/* "HTTP/1.1 200 OK\r\n", `size` bytes of `line`-byte header lines, then
 * "Content-Length: 2", the blank line and "ok" (terminated when complete). */
static char *build_head(size_t size, size_t line, BOOL complete, size_t *length)
{
    char *head = malloc(size + 128);
    size_t used = sprintf(head, "HTTP/1.1 200 OK\r\n"), status_length = used;
    int n = 0;

    while (used - status_length + line <= size)
    {
        int prefix = sprintf(head + used, "X-Fill-%05d: ", n++);
        memset(head + used + prefix, 'a', line - prefix - 2);
        memcpy(head + used + line - 2, "\r\n", 2);
        used += line;
    }
    if (complete) used += sprintf(head + used, "Content-Length: 2\r\n\r\nok");
    *length = used;
    return head;
}

static void expect_head(const char *what, size_t size, size_t line, DWORD limit, BOOL complete, DWORD want)
{
    size_t length;
    char *head = build_head(size, line, complete, &length);
    struct server *srv = start_server(head, length, FALSE);
    struct outcome out;
    struct client c;

    free(head);
    if (!srv) return;
    if (open_client(&c, srv, 3000))
    {
        if (limit)
            ok(WinHttpSetOption(c.request, WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE, &limit, sizeof(limit)),
               "%s: setting MAX_RESPONSE_HEADER_SIZE failed: %lu", what, GetLastError());
        exchange(c.request, FALSE, &out);
        if (want)
            ok(out.stage == STAGE_RECEIVE && out.error == want, "%s: %s failed with %lu, want %lu", what,
               stage_names[out.stage], out.error, want);
        else
            ok(out.stage == STAGE_DONE && body_is(&out, "ok", 2), "%s: %s failed with %lu", what,
               stage_names[out.stage], out.error);
        ok(out.elapsed < 2000, "%s: took %lu ms", what, out.elapsed);
    }
    close_client(&c);
    server_stop(srv);
}

/* WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE: 64 KiB by default; a larger head
 * fails with ERROR_WINHTTP_HEADER_SIZE_OVERFLOW. */
static void test_header_block_overflow(void)
{
    expect_head("48 KiB head", 48 * 1024, 1000, 0, TRUE, 0);
    expect_head("80 KiB head", 80 * 1024, 1000, 0, TRUE, ERROR_WINHTTP_HEADER_SIZE_OVERFLOW);
    expect_head("one 100 KiB header line", 100 * 1024, 100 * 1024, 0, TRUE, ERROR_WINHTTP_HEADER_SIZE_OVERFLOW);
    /* no blank line in 256 KiB of headers: the client stops at its limit */
    expect_head("endless headers", 256 * 1024, 40, 0, FALSE, ERROR_WINHTTP_HEADER_SIZE_OVERFLOW);
}

static void test_header_limit_option(void)
{
    expect_head("512-byte head, 1 KiB limit", 512, 100, 1024, TRUE, 0);
    expect_head("2 KiB head, 1 KiB limit", 2048, 100, 1024, TRUE, ERROR_WINHTTP_HEADER_SIZE_OVERFLOW);
    expect_head("one 2 KiB line, 1 KiB limit", 2048, 2048, 1024, TRUE, ERROR_WINHTTP_HEADER_SIZE_OVERFLOW);
}

/* ---- slow and silent servers ---------------------------------------------- */

static const char slow_response[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nslow!";

/* Each byte comes 50 ms after the last, well within the receive timeout
 * (5 s, more than the whole trickle, whether the timeout bounds each receive
 * or the whole head). */
static void test_slow_within_timeout(void)
{
    struct server *srv = server_start();
    struct script *script;
    struct outcome out;
    struct client c;

    if (!srv) return;
    script = server_every_connection(srv);
    script_recv_request(script);
    script_send_slow(script, slow_response, sizeof(slow_response) - 1, 1, 50);
    script_close(script);
    if (open_client(&c, srv, 5000))
    {
        exchange(c.request, FALSE, &out);
        ok(out.stage == STAGE_DONE, "%s failed with %lu", stage_names[out.stage], out.error);
        ok(out.status == 200 && body_is(&out, "slow!", 5), "status %lu, body of %u bytes", out.status,
           (unsigned)out.body_length);
    }
    close_client(&c);
    server_stop(srv);
}

/* A gap between two bytes longer than the receive timeout: the call waiting
 * fails with ERROR_WINHTTP_TIMEOUT, at once, not after the whole trickle. */
static void expect_timeout(const char *what, size_t head_bytes, DWORD gap, enum stage want_stage)
{
    struct server *srv = server_start();
    struct script *script;
    struct outcome out;
    struct client c;

    if (!srv) return;
    script = server_every_connection(srv);
    script_recv_request(script);
    if (head_bytes) script_send(script, slow_response, head_bytes);
    script_send_slow(script, slow_response + head_bytes, sizeof(slow_response) - 1 - head_bytes, 1, gap);
    script_close(script);
    if (open_client(&c, srv, 300))
    {
        exchange(c.request, FALSE, &out);
        ok(out.stage == want_stage && out.error == ERROR_WINHTTP_TIMEOUT, "%s: %s failed with %lu, want %s %u",
           what, stage_names[out.stage], out.error, stage_names[want_stage], ERROR_WINHTTP_TIMEOUT);
        ok(out.elapsed < 2500, "%s: took %lu ms", what, out.elapsed);
    }
    close_client(&c);
    server_stop(srv);
}

static void test_slow_beyond_timeout(void)
{
    expect_timeout("a slow head", 0, 700, STAGE_RECEIVE);
    expect_timeout("a slow body", sizeof(slow_response) - 1 - 5, 700, STAGE_READ);
}

/* WinHttpSetTimeouts' receive timeout bounds the wait for a response. */
static void test_server_never_answers(void)
{
    struct server *srv = server_start();
    struct script *script;
    struct outcome out;
    struct client c;

    if (!srv) return;
    script = server_every_connection(srv);
    script_recv_request(script);
    script_await_close(script, 5000);
    if (open_client(&c, srv, 300))
    {
        exchange(c.request, FALSE, &out);
        ok(out.stage == STAGE_RECEIVE && out.error == ERROR_WINHTTP_TIMEOUT, "%s failed with %lu",
           stage_names[out.stage], out.error);
        ok(out.elapsed >= 250 && out.elapsed < 2500, "took %lu ms", out.elapsed);
    }
    close_client(&c);
    server_stop(srv);
}

/* ---- absurd framing --------------------------------------------------------- */

/* The body must never come out as a complete success, nor as more than the
 * bytes that arrived. */
static void expect_body_failure(const char *what, const char *response, BOOL reset, const char *arrived)
{
    struct outcome out;

    serve_once(response, strlen(response), reset, 3000, &out);
    ok(out.stage == STAGE_RECEIVE || out.stage == STAGE_READ, "%s: %s (error %lu)", what,
       stage_names[out.stage], out.error);
    ok(out.error == ERROR_WINHTTP_INVALID_SERVER_RESPONSE || out.error == ERROR_WINHTTP_CONNECTION_ERROR,
       "%s: %s failed with %lu", what, stage_names[out.stage], out.error);
    ok(out.body_length <= strlen(arrived) && !memcmp(out.body, arrived, out.body_length),
       "%s: %u body bytes came out", what, (unsigned)out.body_length);
    ok(out.elapsed < 2000, "%s: took %lu ms", what, out.elapsed);
}

static void test_huge_chunk_size(void)
{
    /* 72 bits of size: no 64-bit count holds it */
    expect_body_failure("chunk size ffffffffffffffffff",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc", FALSE,
                        "");
    /* 2^64 - 1 bytes announced, 3 sent: nothing of that size is allocated */
    expect_body_failure("chunk size ffffffffffffffff",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc", FALSE,
                        "abc");
    expect_body_failure("chunk size with junk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc",
                        FALSE, "");
}

/* RFC 9110 section 8.6: Content-Length is 1*DIGIT.  A client that refuses
 * "-1" says ERROR_WINHTTP_INVALID_SERVER_RESPONSE; one that ignores it reads
 * to the close.  Either way nothing but the bytes sent comes out. */
static void test_negative_content_length(void)
{
    struct outcome out;

    static const char response[] = "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nabc";

    serve_once(response, sizeof(response) - 1, FALSE, 3000, &out);
    if (out.stage == STAGE_DONE)
        ok(body_is(&out, "abc", 3), "the body is %u bytes", (unsigned)out.body_length);
    else
        ok(out.stage == STAGE_RECEIVE && out.error == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "%s failed with %lu",
           stage_names[out.stage], out.error);
    ok(out.elapsed < 2000, "took %lu ms", out.elapsed);
}

static void test_content_length_too_large(void)
{
    static const char response[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
    struct outcome out;

    /* WinHttpReadData: ERROR_WINHTTP_CONNECTION_ERROR, "the connection with
     * the server has been reset or terminated" */
    serve_once(response, sizeof(response) - 1, FALSE, 3000, &out);
    ok(out.stage == STAGE_READ && out.error == ERROR_WINHTTP_CONNECTION_ERROR, "closed: %s failed with %lu",
       stage_names[out.stage], out.error);
    ok(out.body_length <= 10 && !memcmp(out.body, "0123456789", out.body_length), "closed: %u bytes came out",
       (unsigned)out.body_length);
    ok(out.elapsed < 2000, "closed: took %lu ms", out.elapsed);

    /* a reset may also discard what was received but not yet read */
    serve_once(response, sizeof(response) - 1, TRUE, 3000, &out);
    ok((out.stage == STAGE_READ || out.stage == STAGE_RECEIVE) && out.error == ERROR_WINHTTP_CONNECTION_ERROR,
       "reset: %s failed with %lu", stage_names[out.stage], out.error);
    ok(out.body_length <= 10 && !memcmp(out.body, "0123456789", out.body_length), "reset: %u bytes came out",
       (unsigned)out.body_length);
    ok(out.elapsed < 2000, "reset: took %lu ms", out.elapsed);

    expect_body_failure("Content-Length beyond 64 bits",
                        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nabc", FALSE, "abc");
}

TEST_CASES(TEST(test_fault_loop), TEST(test_fault_loop_leaks), TEST(test_garbage_status_lines),
           TEST(test_nul_in_header), TEST(test_header_block_overflow), TEST(test_header_limit_option),
           TEST(test_slow_within_timeout), TEST(test_slow_beyond_timeout), TEST(test_server_never_answers),
           TEST(test_huge_chunk_size), TEST(test_negative_content_length), TEST(test_content_length_too_large));

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
