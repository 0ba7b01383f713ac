/* The conformance test framework.
 *
 * A program is a list of named cases.  Each check that fails prints
 *     FAIL name file:line: message
 * and each case ends with one line, "ok name" or "FAIL name (n failed)", so
 * that the runner can set two runs side by side per case.  The last line is
 * "N passed, M failed", counting cases.  Only <windows.h> and the public
 * winhttp.h are used: the programs build and run unchanged on Windows.
 */
#ifndef CONFORMANCE_HARNESS_H
#define CONFORMANCE_HARNESS_H

#include <winsock2.h>
#include <windows.h>
#include <stdio.h>

struct test_case
{
    const char *name;
    void (*run)(void);
};

#define TEST_CASES(...) \
    static const struct test_case test_cases[] = { __VA_ARGS__, { NULL, NULL } }
#define TEST(fn) { #fn, fn }

/* Run every case (or those named on the command line); returns the exit code. */
int harness_main(int argc, char **argv, const struct test_case *cases);

void harness_check(const char *file, int line, int condition, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
void harness_skip(const char *file, int line, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Whether a check of the running case has failed already. */
int harness_case_failed(void);

/* ok(condition, "printf format", ...): the message says what was seen. */
#define ok(cond, ...) harness_check(__FILE__, __LINE__, !!(cond), __VA_ARGS__)
#define skip(...) harness_skip(__FILE__, __LINE__, __VA_ARGS__)

/* Common shapes of checks, printing the values seen. */
#define ok_bool_err(ret, want_ret, want_err)                                             \
    do {                                                                                 \
        BOOL ret_ = (ret);                                                               \
        DWORD err_ = GetLastError();                                                     \
        ok(ret_ == (want_ret) && (ret_ || err_ == (DWORD)(want_err)),                    \
           #ret ": got %d error %lu, want %d error %lu", ret_, err_, (int)(want_ret),    \
           (unsigned long)(want_err));                                                   \
    } while (0)
#define ok_int(got, want)                                                                \
    do {                                                                                 \
        long long got_ = (long long)(got), want_ = (long long)(want);                   \
        ok(got_ == want_, #got ": got %lld, want %lld", got_, want_);                    \
    } while (0)
#define ok_err(want) ok_int(GetLastError(), want)
#define ok_wstr(got, want)                                                               \
    do {                                                                                 \
        const WCHAR *got_ = (got), *want_ = (want);                                      \
        ok(got_ && want_ ? !lstrcmpW(got_, want_) : got_ == want_,                       \
           #got ": got %ls, want %ls", got_ ? got_ : L"(null)", want_ ? want_ : L"(null)"); \
    } while (0)

/* A server named in WINHTTP_TEST_TLS ("NAME=HOST:PORT;...", as
 * tools/with-nginx --tls sets it); says "skip" and returns FALSE when it
 * names none. */
BOOL harness_tls_server(const WCHAR *name, WCHAR *host, DWORD host_count, WORD *port);

/* The programs that use the scripted server (server.h) also run in an
 * HTTP/2 mode, chosen by WINHTTP_TEST_MODE=http2: the server listens
 * behind one of nginx's HTTP/2 fronts (WINHTTP_TEST_H2_FRONTS,
 * "FRONT=BACKEND;..." loopback ports, as tools/with-nginx --tls sets it)
 * and the client asks for HTTP/2 over TLS on every request (mode.h), so
 * the same cases run with HTTP/2 between the client and nginx. */
BOOL harness_http2_mode(void);
/* The i-th front's ports; FALSE past the last. */
BOOL harness_h2_front(int i, WORD *front, WORD *backend);
/* In a case about HTTP/1.1's own wire (framing, connection reuse, bytes the
 * server sends as they are), HTTP/2 mode says "skip" with the reason and
 * ends the case: through an HTTP/2 front that wire is nginx's, not the
 * client's. */
#define HTTP1_WIRE_ONLY(reason)                                   \
    do {                                                          \
        if (harness_http2_mode())                                 \
        {                                                         \
            skip("HTTP/1.1 wire only: %s", reason);               \
            return;                                               \
        }                                                         \
    } while (0)

/* For leak checks: the process's handles and private bytes, measured in a
 * way that works on Windows and under Wine. */
DWORD harness_handle_count(void);
SIZE_T harness_private_bytes(void);

/* Whether the DLL under test is this project's, Wine's builtin or native
 * Windows' is not asked: every case states the documented behaviour. */

#endif
