/* Prints which winhttp.dll a program linked the usual way (MinGW's import
 * library, nothing beside it) gets: its path, its ProductName, and whether
 * its handles work.  tools/test-wine-install reads the output.  Runs
 * unchanged on Windows. */
#include <windows.h>
#include <winhttp.h>
#include <stdio.h>

static void print_product_name(const WCHAR *path)
{
    DWORD ignored, size = GetFileVersionInfoSizeW(path, &ignored);
    WCHAR *name = NULL;
    UINT length = 0;
    void *info;

    if (!size || !(info = malloc(size))) { printf("product: (none)\n"); return; }
    if (GetFileVersionInfoW(path, 0, size, info) &&
        VerQueryValueW(info, L"\\StringFileInfo\\040904B0\\ProductName", (void **)&name, &length) && length)
        printf("product: %ls\n", name);
    else
        printf("product: (none)\n");
    free(info);
}

int main(void)
{
    HINTERNET session = WinHttpOpen(L"loaded", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    WCHAR path[MAX_PATH] = L"";

    GetModuleFileNameW(GetModuleHandleW(L"winhttp.dll"), path, MAX_PATH);
    printf("path: %ls\n", path);
    print_product_name(path);
    printf("session: %s\n", session ? "ok" : "failed");
    if (session) WinHttpCloseHandle(session);
    return session ? 0 : 1;
}
