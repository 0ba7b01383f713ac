/* WinHttpTimeFromSystemTime and WinHttpTimeToSystemTime: SYSTEMTIME in and
 * out of date.c.
 *
 * Choices where Microsoft's pages are silent:
 *   - A SYSTEMTIME that is not a real date and time in 1601-9999 is refused
 *     with ERROR_INVALID_PARAMETER rather than printed as nonsense; the day of
 *     the week is computed from the date, wDayOfWeek and wMilliseconds are
 *     not looked at.
 *   - A string that is no HTTP date (see date.c for how lenient that is) is
 *     refused with ERROR_INVALID_PARAMETER and *time is left alone; native
 *     tends to return TRUE with zeroed or partial fields, which lets callers
 *     believe garbage.
 */
#include <stddef.h>

#include "winhttp_private.h"
#include "date.h"

_Static_assert(sizeof(WCHAR) == sizeof(wchar16), "WCHAR is UTF-16");
_Static_assert(sizeof(struct http_time) == sizeof(SYSTEMTIME), "http_time mirrors SYSTEMTIME");
_Static_assert(offsetof(struct http_time, day_of_week) == offsetof(SYSTEMTIME, wDayOfWeek), "same layout");
_Static_assert(offsetof(struct http_time, milliseconds) == offsetof(SYSTEMTIME, wMilliseconds), "same layout");

static void time_in(const SYSTEMTIME *st, struct http_time *t)
{
    t->year = st->wYear;
    t->month = st->wMonth;
    t->day_of_week = st->wDayOfWeek;
    t->day = st->wDay;
    t->hour = st->wHour;
    t->minute = st->wMinute;
    t->second = st->wSecond;
    t->milliseconds = st->wMilliseconds;
}

static void time_out(const struct http_time *t, SYSTEMTIME *st)
{
    st->wYear = t->year;
    st->wMonth = t->month;
    st->wDayOfWeek = t->day_of_week;
    st->wDay = t->day;
    st->wHour = t->hour;
    st->wMinute = t->minute;
    st->wSecond = t->second;
    st->wMilliseconds = t->milliseconds;
}

BOOL WINAPI WinHttpTimeFromSystemTime(const SYSTEMTIME *time, LPWSTR string)
{
    struct http_time t;

    TRACE("%p, %p\n", time, string);

    if (!time || !string) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    TRACE("%u-%02u-%02u %02u:%02u:%02u.%03u (day %u)\n", time->wYear, time->wMonth, time->wDay,
          time->wHour, time->wMinute, time->wSecond, time->wMilliseconds, time->wDayOfWeek);

    time_in(time, &t);
    /* The caller's buffer is documented as WINHTTP_TIME_FORMAT_BUFSIZE bytes. */
    if (!http_date_format(&t, (wchar16 *)string, WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(WCHAR)))
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);

    TRACE("-> %s\n", debugstr_w(string));
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

BOOL WINAPI WinHttpTimeToSystemTime(LPCWSTR string, SYSTEMTIME *time)
{
    struct http_time t;

    TRACE("%s, %p\n", debugstr_w(string), time);

    if (!string || !time) return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    if (!http_date_parse((const wchar16 *)string, wcslen16((const wchar16 *)string), &t))
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);

    time_out(&t, time);
    TRACE("-> %u-%02u-%02u %02u:%02u:%02u (day %u)\n", t.year, t.month, t.day, t.hour, t.minute,
          t.second, t.day_of_week);
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}
