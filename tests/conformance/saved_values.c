/* Registry values a test changes, saved first and put back byte for byte
 * (see saved_values.h). */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "saved_values.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Sets (data) or deletes (NULL) a value; the key is made when needed. */
LONG put_value(HKEY root, const WCHAR *path, REGSAM view, const WCHAR *name, DWORD type, const void *data,
                      DWORD size)
{
    HKEY key;
    LONG err = RegCreateKeyExW(root, path, 0, NULL, 0, KEY_SET_VALUE | view, NULL, &key, NULL);

    if (err) return err;
    if (data) err = RegSetValueExW(key, name, 0, type, data, size);
    else
    {
        err = RegDeleteValueW(key, name);
        if (err == ERROR_FILE_NOT_FOUND) err = ERROR_SUCCESS;
    }
    RegCloseKey(key);
    return err;
}

/* The values saved and not yet restored: put back even when the DLL under
   test crashes, so that a crash never leaves the machine configured. */
static struct saved_value *live_values[16];

static void track(struct saved_value *v, BOOL live)
{
    for (size_t i = 0; i < ARRAY_SIZE(live_values); i++)
        if (live ? !live_values[i] : live_values[i] == v)
        {
            live_values[i] = live ? v : NULL;
            return;
        }
}

static LONG put_back(const struct saved_value *v)
{
    return put_value(v->root, v->path, v->view, v->name, v->type, v->present ? v->data : NULL, v->size);
}

LONG WINAPI restore_on_crash(EXCEPTION_POINTERS *info)
{
    for (size_t i = 0; i < ARRAY_SIZE(live_values); i++)
        if (live_values[i]) put_back(live_values[i]);
    printf("crashed (exception %#lx): the proxy settings were put back\n", info->ExceptionRecord->ExceptionCode);
    fflush(stdout);
    return EXCEPTION_CONTINUE_SEARCH;
}

void save_value(struct saved_value *v, HKEY root, const WCHAR *path, REGSAM view, const WCHAR *name)
{
    HKEY key;

    memset(v, 0, sizeof(*v));
    v->root = root, v->path = path, v->view = view, v->name = name;
    track(v, TRUE);
    if (RegOpenKeyExW(root, path, 0, KEY_QUERY_VALUE | view, &key)) return;
    if (!RegQueryValueExW(key, name, NULL, &v->type, NULL, &v->size))
    {
        v->data = HeapAlloc(GetProcessHeap(), 0, v->size + 1);
        v->present = !RegQueryValueExW(key, name, NULL, &v->type, v->data, &v->size);
    }
    RegCloseKey(key);
}

void restore_value(struct saved_value *v)
{
    LONG err = put_back(v);

    track(v, FALSE);
    ok(!err, "restoring %ls: error %ld", v->name, err);
    HeapFree(GetProcessHeap(), 0, v->data);
    v->data = NULL;
}


/* The settings are the machine's and the user's, not the process's: the
   runs of both arches (side by side under the runner), and any other
   program that changes them, take this mutex first. */
#define SETTINGS_MUTEX L"winhttp-conformance-proxy-settings"

int settings_main(int argc, char **argv, const struct test_case *cases)
{
    HANDLE mutex = CreateMutexW(NULL, FALSE, SETTINGS_MUTEX);
    DWORD wait = mutex ? WaitForSingleObject(mutex, 60000) : WAIT_FAILED;
    int ret;

    if (wait != WAIT_OBJECT_0 && wait != WAIT_ABANDONED)
        printf("note: running without the settings mutex (wait result %lu)\n", wait);
    SetUnhandledExceptionFilter(restore_on_crash);
    ret = harness_main(argc, argv, cases);
    if (wait == WAIT_OBJECT_0 || wait == WAIT_ABANDONED) ReleaseMutex(mutex);
    if (mutex) CloseHandle(mutex);
    return ret;
}
