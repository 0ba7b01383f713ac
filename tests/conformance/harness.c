/* The conformance test framework: case runner, result lines, and the
 * process counters leak checks use. */
#define PSAPI_VERSION 2     /* GetProcessMemoryInfo is kernel32's K32GetProcessMemoryInfo */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "harness.h"
#include <psapi.h>

static const char *current_case;
static int case_failures;

void harness_check(const char *file, int line, int condition, const char *format, ...)
{
    va_list args;

    if (condition) return;
    case_failures++;
    printf("FAIL %s %s:%d: ", current_case, file, line);
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
}

void harness_skip(const char *file, int line, const char *format, ...)
{
    va_list args;

    printf("skip %s %s:%d: ", current_case, file, line);
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    printf("\n");
}

int harness_case_failed(void)
{
    return case_failures != 0;
}

static int selected(int argc, char **argv, const char *name)
{
    if (argc < 2) return 1;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], name)) return 1;
    return 0;
}

int harness_main(int argc, char **argv, const struct test_case *cases)
{
    int passed = 0, failed = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (harness_http2_mode()) printf("mode http2: the scripted server behind nginx's HTTP/2 fronts\n");
    for (const struct test_case *c = cases; c->name; c++)
    {
        if (!selected(argc, argv, c->name)) continue;
        current_case = c->name;
        case_failures = 0;
        c->run();
        if (case_failures)
        {
            printf("FAIL %s (%d failed)\n", c->name, case_failures);
            failed++;
        }
        else
        {
            printf("ok %s\n", c->name);
            passed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

/* GetProcessHandleCount gives 0 under Wine: probe handle values there. */
DWORD harness_handle_count(void)
{
    DWORD count = 0, flags;

    if (GetProcessHandleCount(GetCurrentProcess(), &count) && count) return count;
    for (ULONG_PTR value = 4; value < 0x10000; value += 4)
        if (GetHandleInformation((HANDLE)value, &flags)) count++;
    return count;
}

/* PagefileUsage is the commit charge on Windows and the one counter Wine 8
 * fills in (PrivateUsage stays 0 there). */
SIZE_T harness_private_bytes(void)
{
    PROCESS_MEMORY_COUNTERS counters = { sizeof(counters) };

    if (!GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof(counters))) return 0;
    return counters.PagefileUsage;
}

BOOL harness_tls_server(const WCHAR *name, WCHAR *host, DWORD host_count, WORD *port)
{
    static WCHAR list[2048];
    WCHAR *entry, *next, *colon;
    size_t name_length = wcslen(name);
    DWORD length = GetEnvironmentVariableW(L"WINHTTP_TEST_TLS", list, ARRAYSIZE(list));

    if (length && length < ARRAYSIZE(list))
        for (entry = list; entry && *entry; entry = next)
        {
            if ((next = wcschr(entry, ';'))) *next++ = 0;
            if (wcsncmp(entry, name, name_length) || entry[name_length] != '=' || !(colon = wcsrchr(entry, ':')))
                continue;
            *colon = 0;
            lstrcpynW(host, entry + name_length + 1, host_count);
            *port = (WORD)wcstoul(colon + 1, NULL, 10);
            return TRUE;
        }
    skip("WINHTTP_TEST_TLS names no \"%ls\" server (tools/with-nginx --tls sets it)", name);
    return FALSE;
}

BOOL harness_http2_mode(void)
{
    char mode[16];
    DWORD length = GetEnvironmentVariableA("WINHTTP_TEST_MODE", mode, sizeof(mode));

    return length && length < sizeof(mode) && !strcmp(mode, "http2");
}

BOOL harness_h2_front(int i, WORD *front, WORD *backend)
{
    char list[512], *entry = list, *end;
    DWORD length = GetEnvironmentVariableA("WINHTTP_TEST_H2_FRONTS", list, sizeof(list));

    if (!length || length >= sizeof(list)) return FALSE;
    for (; i > 0 && entry; i--)
        if ((entry = strchr(entry, ';'))) entry++;
    if (!entry || !*entry) return FALSE;
    *front = (WORD)strtoul(entry, &end, 10);
    if (*end != '=') return FALSE;
    *backend = (WORD)strtoul(end + 1, NULL, 10);
    return *front && *backend;
}
