/* Conformance: a program linked against MinGW's own winhttp import library
 * (not this project's) loads the winhttp.dll beside it and gets working
 * handles: the DLL is a drop-in for the system one. */
#include "harness.h"
#include <winhttp.h>

static void test_system_import_library(void)
{
    HINTERNET session = WinHttpOpen(L"sysimport", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect;
    DWORD type = 0, size = sizeof(type);

    ok(session != NULL, "WinHttpOpen failed: %lu", GetLastError());
    connect = WinHttpConnect(session, L"localhost", 80, 0);
    ok(connect != NULL, "WinHttpConnect failed: %lu", GetLastError());
    ok(WinHttpQueryOption(connect, WINHTTP_OPTION_HANDLE_TYPE, &type, &size), "query failed: %lu", GetLastError());
    ok(type == WINHTTP_HANDLE_TYPE_CONNECT, "handle type %lu", type);
    ok(WinHttpCloseHandle(connect) && WinHttpCloseHandle(session), "close failed");
}

static void test_loaded_dll_is_beside_program(void)
{
    HMODULE module = GetModuleHandleA("winhttp.dll");
    char path[MAX_PATH] = "", self[MAX_PATH] = "";
    char *slash;

    ok(module != NULL, "winhttp.dll not loaded");
    GetModuleFileNameA(module, path, sizeof(path));
    GetModuleFileNameA(NULL, self, sizeof(self));
    printf("# winhttp.dll loaded from %s\n", path);
    if ((slash = strrchr(self, '\\'))) slash[1] = 0;
    ok(!_strnicmp(path, self, strlen(self)), "winhttp.dll loaded from %s, not beside %s", path, self);
}

TEST_CASES(
    TEST(test_system_import_library),
    TEST(test_loaded_dll_is_beside_program)
);

int main(int argc, char **argv)
{
    return harness_main(argc, argv, test_cases);
}
