/* Registry values the proxy-settings programs change: saved first, put
 * back byte for byte (also when the DLL under test crashes, through
 * restore_on_crash as the unhandled-exception filter), so that a run never
 * leaves the machine configured. */
#ifndef CONFORMANCE_SAVED_VALUES_H
#define CONFORMANCE_SAVED_VALUES_H

#include <windows.h>

struct saved_value
{
    HKEY         root;
    const WCHAR *path, *name;
    REGSAM       view;
    BOOL         present;
    DWORD        type, size;
    BYTE        *data;
};

/* Sets (data) or deletes (NULL) a value; the key is made when needed. */
LONG put_value(HKEY root, const WCHAR *path, REGSAM view, const WCHAR *name, DWORD type, const void *data,
               DWORD size);
/* Remembers the value (or its absence) and tracks it for restore_on_crash. */
void save_value(struct saved_value *v, HKEY root, const WCHAR *path, REGSAM view, const WCHAR *name);
/* Puts it back (a failure is a failed check) and stops tracking it. */
void restore_value(struct saved_value *v);
/* SetUnhandledExceptionFilter's filter: puts back every value still saved. */
LONG WINAPI restore_on_crash(EXCEPTION_POINTERS *info);

struct test_case;

/* main() of a program that changes the proxy settings: its cases run
   holding the settings mutex (the other program and the other arch wait),
   with restore_on_crash as the unhandled-exception filter. */
int settings_main(int argc, char **argv, const struct test_case *cases);

#endif
