/* HTTP dates (RFC 9110 §5.6.7): formatting and lenient parsing.
 *
 * Pure C, no <windows.h>: built on the host for unit tests and fuzzing.
 * date_api.c maps these onto WinHttpTimeFromSystemTime/WinHttpTimeToSystemTime.
 */
#ifndef WINHTTP_DATE_H
#define WINHTTP_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "wchar16.h"

/* SYSTEMTIME's fields, in SYSTEMTIME's order and layout.  Times are UTC;
 * day_of_week is 0 for Sunday. */
struct http_time
{
    uint16_t year;
    uint16_t month;
    uint16_t day_of_week;
    uint16_t day;
    uint16_t hour;
    uint16_t minute;
    uint16_t second;
    uint16_t milliseconds;
};

/* The years both SYSTEMTIME (from 1601) and HTTP's four-digit year can hold. */
#define HTTP_DATE_MIN_YEAR 1601
#define HTTP_DATE_MAX_YEAR 9999

/* Length of an IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", without the NUL. */
#define HTTP_DATE_LENGTH 29

/* Whether year, month, day, hour, minute and second name a real UTC time
 * (no leap second) in the supported years.  day_of_week and milliseconds
 * are not looked at. */
int http_time_is_valid(const struct http_time *t);

/* 0 for Sunday .. 6 for Saturday, proleptic Gregorian calendar; year >= 1,
 * month 1-12 (day may run past the month's end: it just counts on). */
unsigned int http_day_of_week(unsigned int year, unsigned int month, unsigned int day);

/* Writes t as an IMF-fixdate.  The day name comes from the date, never from
 * t->day_of_week; milliseconds are dropped.  Returns HTTP_DATE_LENGTH, and
 * writes the text and a NUL only when capacity > HTTP_DATE_LENGTH; returns 0
 * (writing nothing) when t is not valid (see http_time_is_valid). */
size_t http_date_format(const struct http_time *t, wchar16 *out, size_t capacity);

/* Parses length code units of text (no terminator needed; nothing past
 * length is read).  Accepts IMF-fixdate, rfc850-date and asctime-date and
 * lenient variations of them (see date.c).  On success fills *t, with
 * day_of_week computed from the date and milliseconds 0, and returns 1;
 * otherwise returns 0 and leaves *t alone. */
int http_date_parse(const wchar16 *text, size_t length, struct http_time *t);

/* The same, for 8-bit text such as a raw header value. */
int http_date_parse_ascii(const char *text, size_t length, struct http_time *t);

#endif
