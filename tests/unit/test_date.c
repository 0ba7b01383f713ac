/* Unit tests for date.c: IMF-fixdate formatting and lenient HTTP-date parsing.
 *
 * Every parse goes through both the UTF-16 and the 8-bit entry point, each on
 * an exact-size heap copy without a terminator, so AddressSanitizer sees any
 * read past the length and the two entry points must agree. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>

#include "unit.h"
#include "date.h"

/* ---- helpers ------------------------------------------------------------- */

static struct http_time make_time(unsigned year, unsigned month, unsigned day,
                                  unsigned hour, unsigned minute, unsigned second)
{
    struct http_time t = { (uint16_t)year, (uint16_t)month, 0, (uint16_t)day,
                           (uint16_t)hour, (uint16_t)minute, (uint16_t)second, 0 };
    return t;
}

static int same_time(const struct http_time *a, const struct http_time *b)
{
    return !memcmp(a, b, sizeof(*a));
}

/* Parses the first length bytes of text both ways; 1 when both succeed with
 * the same result, 0 when both fail, -1 when they disagree. */
static int parse_n(const char *text, size_t length, struct http_time *t)
{
    char *narrow = malloc(length ? length : 1);
    wchar16 *wide = malloc((length ? length : 1) * sizeof(wchar16));
    struct http_time from_narrow = { 0 }, from_wide = { 0 };
    int ok_narrow, ok_wide;

    memcpy(narrow, text, length);
    for (size_t i = 0; i < length; i++) wide[i] = (unsigned char)text[i];
    ok_narrow = http_date_parse_ascii(narrow, length, &from_narrow);
    ok_wide = http_date_parse(wide, length, &from_wide);
    free(narrow);
    free(wide);
    if (ok_narrow != ok_wide || !same_time(&from_narrow, &from_wide)) return -1;
    if (ok_wide) *t = from_wide;
    return ok_wide;
}

static int parse(const char *text, struct http_time *t)
{
    return parse_n(text, strlen(text), t);
}

/* Formats into an exact-size heap buffer and narrows the result. */
static size_t format(const struct http_time *t, char *out)
{
    wchar16 *wide = malloc((HTTP_DATE_LENGTH + 1) * sizeof(wchar16));
    size_t length = http_date_format(t, wide, HTTP_DATE_LENGTH + 1);

    out[0] = 0;
    if (length)
    {
        for (size_t i = 0; i <= length; i++) out[i] = (char)wide[i];
        if (wide[length] != 0) out[0] = '!';
    }
    free(wide);
    return length;
}

#define CHECK_FORMAT(t, want)                                                     \
    do {                                                                          \
        char text_[64];                                                           \
        struct http_time time_ = (t);                                             \
        CHECK_INT(format(&time_, text_), HTTP_DATE_LENGTH);                       \
        CHECK_MSG(!strcmp(text_, want), "got \"%s\", want \"%s\"", text_, want);  \
    } while (0)

/* Parses text and compares every field, the day of the week included. */
#define CHECK_PARSE(text, y, mo, dow, d, h, mi, s)                                \
    do {                                                                          \
        struct http_time got_ = { 0 };                                            \
        struct http_time want_ = { y, mo, dow, d, h, mi, s, 0 };                  \
        int r_ = parse(text, &got_);                                              \
        CHECK_MSG(r_ == 1 && same_time(&got_, &want_),                            \
                  "\"%s\": result %d, got %u-%u-%u (%u) %u:%u:%u", text, r_,      \
                  got_.year, got_.month, got_.day, got_.day_of_week, got_.hour,   \
                  got_.minute, got_.second);                                      \
    } while (0)

#define CHECK_REJECTED(text)                                                      \
    do {                                                                          \
        struct http_time got_ = { 0 };                                            \
        CHECK_MSG(parse(text, &got_) == 0, "\"%s\" parsed as %u-%u-%u %u:%u:%u",  \
                  text, got_.year, got_.month, got_.day, got_.hour, got_.minute,  \
                  got_.second);                                                   \
    } while (0)

static const char *const month_abbr[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const day_abbr[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const day_full[7] = { "Sunday", "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday" };

/* The next day, for walking the calendar without date.c's help. */
static void next_day(struct http_time *t)
{
    static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    unsigned leap = (t->year % 4 == 0 && t->year % 100 != 0) || t->year % 400 == 0;
    unsigned last = days[t->month - 1] + (t->month == 2 ? leap : 0);

    if (++t->day <= last) return;
    t->day = 1;
    if (++t->month <= 12) return;
    t->month = 1;
    t->year++;
}

/* ---- formatting ---------------------------------------------------------- */

static void test_format_known_dates(void)
{
    CHECK_FORMAT(make_time(1994, 11, 6, 8, 49, 37), "Sun, 06 Nov 1994 08:49:37 GMT"); /* RFC 9110 */
    CHECK_FORMAT(make_time(2000, 11, 21, 1, 6, 53), "Tue, 21 Nov 2000 01:06:53 GMT"); /* MS docs */
    CHECK_FORMAT(make_time(2005, 1, 7, 12, 6, 35), "Fri, 07 Jan 2005 12:06:35 GMT");
    CHECK_FORMAT(make_time(1970, 1, 1, 0, 0, 0), "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK_FORMAT(make_time(2000, 2, 29, 23, 59, 59), "Tue, 29 Feb 2000 23:59:59 GMT");
    CHECK_FORMAT(make_time(2024, 2, 29, 12, 0, 0), "Thu, 29 Feb 2024 12:00:00 GMT");
    CHECK_FORMAT(make_time(1601, 1, 1, 0, 0, 0), "Mon, 01 Jan 1601 00:00:00 GMT");
    CHECK_FORMAT(make_time(1900, 1, 1, 0, 0, 0), "Mon, 01 Jan 1900 00:00:00 GMT");
    CHECK_FORMAT(make_time(2100, 1, 1, 0, 0, 0), "Fri, 01 Jan 2100 00:00:00 GMT");
    CHECK_FORMAT(make_time(1752, 9, 14, 0, 0, 0), "Thu, 14 Sep 1752 00:00:00 GMT"); /* proleptic */
    CHECK_FORMAT(make_time(9999, 12, 31, 23, 59, 59), "Fri, 31 Dec 9999 23:59:59 GMT");
}

static void test_format_every_month(void)
{
    for (unsigned month = 1; month <= 12; month++)
    {
        struct http_time t = make_time(2023, month, 15, 10, 20, 30);
        char got[64], want[64];

        snprintf(want, sizeof(want), "%s, 15 %s 2023 10:20:30 GMT",
                 day_abbr[http_day_of_week(2023, month, 15)], month_abbr[month - 1]);
        CHECK_INT(format(&t, got), HTTP_DATE_LENGTH);
        CHECK_MSG(!strcmp(got, want), "got \"%s\", want \"%s\"", got, want);
    }
}

static void test_format_ignores_day_of_week_and_milliseconds(void)
{
    struct http_time t = make_time(1994, 11, 6, 8, 49, 37);

    t.day_of_week = 3;
    t.milliseconds = 999;
    CHECK_FORMAT(t, "Sun, 06 Nov 1994 08:49:37 GMT");
    t.day_of_week = 0xffff;
    t.milliseconds = 0xffff;
    CHECK_FORMAT(t, "Sun, 06 Nov 1994 08:49:37 GMT");
}

static void test_format_invalid(void)
{
    const struct http_time invalid[] = {
        make_time(2000, 0, 1, 0, 0, 0),    make_time(2000, 13, 1, 0, 0, 0),
        make_time(2000, 1, 0, 0, 0, 0),    make_time(2000, 1, 32, 0, 0, 0),
        make_time(2000, 4, 31, 0, 0, 0),   make_time(2000, 2, 30, 0, 0, 0),
        make_time(1900, 2, 29, 0, 0, 0),   make_time(2023, 2, 29, 0, 0, 0),
        make_time(2000, 1, 1, 24, 0, 0),   make_time(2000, 1, 1, 0, 60, 0),
        make_time(2000, 1, 1, 0, 0, 60),   make_time(1600, 12, 31, 0, 0, 0),
        make_time(10000, 1, 1, 0, 0, 0),   make_time(0, 1, 1, 0, 0, 0),
        make_time(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff),
    };
    wchar16 out[40];

    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
    {
        out[0] = 'X';
        CHECK_INT(http_date_format(&invalid[i], out, 40), 0);
        CHECK_INT(out[0], 'X');
        CHECK(!http_time_is_valid(&invalid[i]));
    }
    CHECK(http_time_is_valid(&(struct http_time){ 2000, 2, 0, 29, 0, 0, 0, 0 }));
    CHECK(http_time_is_valid(&(struct http_time){ 1601, 1, 0, 1, 0, 0, 0, 0 }));
}

static void test_format_capacity(void)
{
    struct http_time t = make_time(1994, 11, 6, 8, 49, 37);
    wchar16 out[HTTP_DATE_LENGTH + 2];

    for (size_t capacity = 0; capacity <= HTTP_DATE_LENGTH; capacity++)
    {
        for (size_t i = 0; i < HTTP_DATE_LENGTH + 2; i++) out[i] = 'X';
        CHECK_INT(http_date_format(&t, out, capacity), HTTP_DATE_LENGTH);
        CHECK_INT(out[0], 'X');
    }
    CHECK_INT(http_date_format(&t, NULL, 0), HTTP_DATE_LENGTH);
    for (size_t i = 0; i < HTTP_DATE_LENGTH + 2; i++) out[i] = 'X';
    CHECK_INT(http_date_format(&t, out, HTTP_DATE_LENGTH + 1), HTTP_DATE_LENGTH);
    CHECK_INT(out[HTTP_DATE_LENGTH], 0);
    CHECK_INT(out[HTTP_DATE_LENGTH + 1], 'X');
}

/* Every day from 1601 to 9999, against a weekday counted one day at a time
 * from Monday 1 January 1601; and the formatted name follows it (sampled:
 * formatting every day under the sanitizers takes seconds). */
static void test_day_of_week_every_day(void)
{
    struct http_time t = make_time(HTTP_DATE_MIN_YEAR, 1, 1, 0, 0, 0);
    unsigned expected = 1, mismatches = 0, name_mismatches = 0, days = 0;
    char text[64];

    while (t.year <= HTTP_DATE_MAX_YEAR)
    {
        if (http_day_of_week(t.year, t.month, t.day) != expected) mismatches++;
        if (days % 29 == 0 && (format(&t, text) != HTTP_DATE_LENGTH || memcmp(text, day_abbr[expected], 3)))
            name_mismatches++;
        next_day(&t);
        expected = (expected + 1) % 7;
        days++;
    }
    CHECK_INT(days, 8399 * 365 + 2036); /* 8399 years, 2036 of them leap */
    CHECK_INT(mismatches, 0);
    CHECK_INT(name_mismatches, 0);
}

/* A second, unrelated oracle: the C library's calendar. */
static void test_day_of_week_against_libc(void)
{
    unsigned mismatches = 0;

    for (unsigned year = 1601; year <= 9999; year += 7)
        for (unsigned month = 1; month <= 12; month++)
        {
            struct tm tm = { .tm_year = (int)year - 1900, .tm_mon = (int)month - 1, .tm_mday = 13 };
            time_t seconds = timegm(&tm);
            struct tm out;

            gmtime_r(&seconds, &out);
            if ((unsigned)out.tm_wday != http_day_of_week(year, month, 13)) mismatches++;
        }
    CHECK_INT(mismatches, 0);
}

/* ---- parsing the three formats ------------------------------------------- */

static void test_parse_imf_fixdate(void)
{
    CHECK_PARSE("Sun, 06 Nov 1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Tue, 21 Nov 2000 01:06:53 GMT", 2000, 11, 2, 21, 1, 6, 53);
    CHECK_PARSE("Thu, 01 Jan 1970 00:00:00 GMT", 1970, 1, 4, 1, 0, 0, 0);
    CHECK_PARSE("Tue, 29 Feb 2000 23:59:59 GMT", 2000, 2, 2, 29, 23, 59, 59);
    CHECK_PARSE("Mon, 01 Jan 1601 00:00:00 GMT", 1601, 1, 1, 1, 0, 0, 0);
    CHECK_PARSE("Fri, 31 Dec 9999 23:59:59 GMT", 9999, 12, 5, 31, 23, 59, 59);
}

static void test_parse_rfc850(void)
{
    CHECK_PARSE("Sunday, 06-Nov-94 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Saturday, 01-Jan-00 00:00:00 GMT", 2000, 1, 6, 1, 0, 0, 0);
    CHECK_PARSE("Thursday, 01-Jan-70 00:00:00 GMT", 1970, 1, 4, 1, 0, 0, 0);
    CHECK_PARSE("Sunday, 01-Jan-69 00:00:00 GMT", 2069, 1, 2, 1, 0, 0, 0);
    CHECK_PARSE("Friday, 31-Dec-99 23:59:59 GMT", 1999, 12, 5, 31, 23, 59, 59);
    CHECK_PARSE("Wednesday, 09-Jun-21 10:18:14 GMT", 2021, 6, 3, 9, 10, 18, 14);
    /* Four-digit years are seen in the wild in this shape (cookies). */
    CHECK_PARSE("Wednesday, 09-Jun-2021 10:18:14 GMT", 2021, 6, 3, 9, 10, 18, 14);
}

static void test_parse_asctime(void)
{
    CHECK_PARSE("Sun Nov  6 08:49:37 1994", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Sun Nov 06 08:49:37 1994", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Tue Feb 29 00:00:00 2000", 2000, 2, 2, 29, 0, 0, 0);
    CHECK_PARSE("Thu Jan  1 00:00:00 1970", 1970, 1, 4, 1, 0, 0, 0);
    CHECK_PARSE("Sun Nov  6 1994", 1994, 11, 0, 6, 0, 0, 0);
}

/* ---- leniency ------------------------------------------------------------ */

static void test_parse_case(void)
{
    CHECK_PARSE("sun, 06 nov 1994 08:49:37 gmt", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("SUN, 06 NOV 1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("sUnDaY, 06-nOv-94 08:49:37 gMt", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("SUN NOV  6 08:49:37 1994", 1994, 11, 0, 6, 8, 49, 37);
}

static void test_parse_whitespace(void)
{
    CHECK_PARSE("  Sun, 06 Nov 1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Sun, 06 Nov 1994 08:49:37 GMT  ", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("\t Sun,\t06  Nov\t1994  08:49:37\tGMT\r\n", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Sun,06 Nov 1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Sun, 06 Nov 1994 08 : 49 : 37 GMT", 1994, 11, 0, 6, 8, 49, 37);
}

static void test_parse_optional_parts(void)
{
    CHECK_PARSE("Sun, 06 Nov 1994 08:49:37", 1994, 11, 0, 6, 8, 49, 37);   /* no zone */
    CHECK_PARSE("06 Nov 1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);    /* no day name */
    CHECK_PARSE("Sun, 06 Nov 1994 08:49 GMT", 1994, 11, 0, 6, 8, 49, 0);   /* no seconds */
    CHECK_PARSE("Sun, 06 Nov 1994 08: GMT", 1994, 11, 0, 6, 8, 0, 0);      /* dangling ':' */
    CHECK_PARSE("Sun, 06 Nov 1994", 1994, 11, 0, 6, 0, 0, 0);              /* no time */
    CHECK_PARSE("06 Nov 1994", 1994, 11, 0, 6, 0, 0, 0);
    CHECK_PARSE("Sun, 06 Nov 1994 08:49:37 UTC", 1994, 11, 0, 6, 8, 49, 37);
}

static void test_parse_loose_fields(void)
{
    /* What native Windows is known to accept: spaces for ':', no comma, no zone. */
    CHECK_PARSE(" fri 7 jan 2005 12 06 35", 2005, 1, 5, 7, 12, 6, 35);
    CHECK_PARSE("fri 7 jan 2005 12 06", 2005, 1, 5, 7, 12, 6, 0);
    CHECK_PARSE("Sun, 6 Nov 1994 8:9:7 GMT", 1994, 11, 0, 6, 8, 9, 7);
    CHECK_PARSE("Sun, 06 November 1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Sun, 06 Sept 1994 08:49:37 GMT", 1994, 9, 2, 6, 8, 49, 37);
    CHECK_PARSE("Tues, 08 Nov 1994 08:49:37 GMT", 1994, 11, 2, 8, 8, 49, 37);
    CHECK_PARSE("Sun, 06-Nov-1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Sun, 06/Nov/1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Sun Nov 6 1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);  /* JavaScript's shape */
}

static void test_parse_day_name_is_not_trusted(void)
{
    CHECK_PARSE("Mon, 06 Nov 1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Saturday, 06-Nov-94 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    CHECK_PARSE("Wed Nov  6 08:49:37 1994", 1994, 11, 0, 6, 8, 49, 37);
}

static void test_parse_two_digit_years(void)
{
    static const struct { unsigned digits, year; } cases[] = {
        { 0, 2000 }, { 1, 2001 }, { 25, 2025 }, { 69, 2069 }, { 70, 1970 }, { 94, 1994 }, { 99, 1999 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        char text[64];
        struct http_time t = { 0 };

        snprintf(text, sizeof(text), "%s, 01-Mar-%02u 00:00:00 GMT",
                 day_full[http_day_of_week(cases[i].year, 3, 1)], cases[i].digits);
        CHECK_INT(parse(text, &t), 1);
        CHECK_INT(t.year, cases[i].year);
    }
}

/* ---- rejection ----------------------------------------------------------- */

static void test_parse_invalid(void)
{
    CHECK_REJECTED("");
    CHECK_REJECTED("   ");
    CHECK_REJECTED("garbage");
    CHECK_REJECTED("GMT");
    CHECK_REJECTED("Sun, 06 Foo 1994 08:49:37 GMT");
    CHECK_REJECTED("Sun, 06 No 1994 08:49:37 GMT");
    CHECK_REJECTED("Sun, 06 Nov 1994 08:49:37 PST");
    CHECK_REJECTED("Sun, 06 Nov 1994 08:49:37 GMT junk");
    CHECK_REJECTED("Sun, 06 Nov 1994 08:49:37 +0000");
    CHECK_REJECTED("Sun, 06 Nov Nov 1994 08:49:37 GMT");
    CHECK_REJECTED("Sun, 06 1994 08:49:37 GMT");            /* no month */
    CHECK_REJECTED("Sun, Nov 1994 08:49:37 GMT");           /* no day */
    CHECK_REJECTED("Sun, 06 Nov 08:49:37 GMT");             /* no year */
    CHECK_REJECTED("Sun, 06 Nov 1994 1995 08:49:37 GMT");   /* a number too many */
    CHECK_REJECTED("Sun, 06 Nov 1994 08:49:37 09:00 GMT");  /* two times */
    CHECK_REJECTED("Sun, 06 Nov 1994 08:49:37:12 GMT");
    CHECK_REJECTED("Sun, 06 Nov 1994 :49:37 GMT");
    CHECK_REJECTED("Sun, 32 Nov 1994 08:49:37 GMT");
    CHECK_REJECTED("Sun, 31 Nov 1994 08:49:37 GMT");
    CHECK_REJECTED("Sun, 00 Nov 1994 08:49:37 GMT");
    CHECK_REJECTED("Thu, 29 Feb 1900 00:00:00 GMT");
    CHECK_REJECTED("Sun, 06 Nov 1994 24:00:00 GMT");
    CHECK_REJECTED("Sun, 06 Nov 1994 08:60:00 GMT");
    CHECK_REJECTED("Sun, 06 Nov 1994 08:49:60 GMT");
    CHECK_REJECTED("Sun, 006 Nov 1994 08:49:37 GMT");
    CHECK_REJECTED("Sun, 06 Nov 1994 008:49:37 GMT");
    CHECK_REJECTED("Sun, 06 Nov 994 08:49:37 GMT");         /* three-digit year */
    CHECK_REJECTED("Sun, 06 Nov 5 08:49:37 GMT");           /* one-digit year */
    CHECK_REJECTED("Sun, 06 Nov 19940 08:49:37 GMT");
    CHECK_REJECTED("Sun, 06 Nov 1600 08:49:37 GMT");
    CHECK_REJECTED("Sun, 06 Nov 99999999999999999999 08:49:37 GMT");
    CHECK_REJECTED("Sun; 06 Nov 1994 08:49:37 GMT");        /* unknown separator */
    CHECK_REJECTED("Sundayy, 06 Nov 1994 08:49:37 GMT");
    CHECK_REJECTED("Septembers 06 1994");
    CHECK_REJECTED("1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1");
    CHECK_REJECTED("::::::::::::::::::::::::::::::");
}

static void test_parse_embedded_nul(void)
{
    static const char text[] = "Sun, 06 Nov 1994\0 08:49:37 GMT";
    struct http_time t;

    CHECK_INT(parse_n(text, sizeof(text) - 1, &t), 0);
    CHECK_INT(parse_n(text, 16, &t), 1); /* the caller's length rules, not the NUL */
}

/* Non-ASCII UTF-16 code units never pass for their low byte. */
static void test_parse_wide_only(void)
{
    static const char base[] = "Sun, 06 Nov 1994 08:49:37 GMT";
    const size_t length = sizeof(base) - 1;
    wchar16 *text = malloc(length * sizeof(wchar16));
    struct http_time t;
    unsigned accepted = 0;

    for (size_t at = 0; at < length; at++)
    {
        for (size_t i = 0; i < length; i++) text[i] = (unsigned char)base[i];
        text[at] |= 0x100;
        accepted += http_date_parse(text, length, &t);
        text[at] = 0x3000; /* IDEOGRAPHIC SPACE */
        accepted += http_date_parse(text, length, &t);
    }
    for (size_t i = 0; i < length; i++) text[i] = (unsigned char)base[i];
    CHECK_INT(http_date_parse(text, length, &t), 1);
    CHECK_INT(accepted, 0);
    free(text);
}

static void test_parse_leaves_time_alone_on_failure(void)
{
    struct http_time t = make_time(1234, 5, 6, 7, 8, 9), before = t;

    CHECK_INT(parse("Sun, 32 Nov 1994 08:49:37 GMT", &t), 0);
    CHECK(same_time(&t, &before));
}

/* ---- truncation ---------------------------------------------------------- */

/* Every prefix parses or fails cleanly (no read past it: exact-size copies),
 * and whatever parses is a real time. */
static unsigned check_prefixes(const char *text, struct http_time *last)
{
    unsigned bad = 0;

    for (size_t length = 0; length <= strlen(text); length++)
    {
        struct http_time t;
        int r = parse_n(text, length, &t);

        if (r < 0 || (r && (!http_time_is_valid(&t) || t.day_of_week != http_day_of_week(t.year, t.month, t.day))))
            bad++;
        if (r == 1) *last = t;
    }
    return bad;
}

static void test_parse_truncations(void)
{
    static const char *const texts[] = {
        "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
        " fri 7 jan 2005 12 06 35",
    };
    struct http_time t, want = make_time(1994, 11, 6, 8, 49, 37);

    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
    {
        CHECK_INT(check_prefixes(texts[i], &t), 0);
        if (i < 3) CHECK(same_time(&t, &want)); /* the whole text is the last to parse */
    }

    /* IMF-fixdate: nothing before a year parses; the date is right as soon as
     * the whole year is there, and the time fills in field by field. */
    const char *imf = texts[0];
    for (size_t length = 0; length < 14; length++) CHECK_INT(parse_n(imf, length, &t), 0);
    CHECK_INT(parse_n(imf, 15, &t), 0); /* "...Nov 199" */
    for (size_t length = 16; length <= strlen(imf); length++)
    {
        int cut_zone = length == 27 || length == 28; /* "G" and "GM" are unknown words */

        CHECK_INT(parse_n(imf, length, &t), !cut_zone);
        CHECK(cut_zone || (t.year == 1994 && t.month == 11 && t.day == 6));
    }
    CHECK_INT(parse_n(imf, 19, &t), 1);
    CHECK_INT(t.hour, 8);
    CHECK_INT(parse_n(imf, 21, &t), 1);
    CHECK_INT(t.minute, 4);
}

/* ---- round trips --------------------------------------------------------- */

/* Every day of 1900-2100 and every 31st day elsewhere, at varying times. */
static void test_round_trip_many_days(void)
{
    struct http_time t = make_time(HTTP_DATE_MIN_YEAR, 1, 1, 0, 0, 0);
    unsigned failures = 0, n = 0, tried = 0;
    char text[64];

    for (; t.year <= HTTP_DATE_MAX_YEAR; next_day(&t), n++)
    {
        struct http_time back;

        if ((t.year < 1900 || t.year > 2100) && n % 31) continue;
        tried++;
        t.hour = n % 24;
        t.minute = (n / 24) % 60;
        t.second = (n * 7) % 60;
        t.day_of_week = (uint16_t)http_day_of_week(t.year, t.month, t.day);
        if (format(&t, text) != HTTP_DATE_LENGTH || parse(text, &back) != 1 || !same_time(&back, &t)) failures++;
    }
    CHECK(tried > 150000);
    CHECK_INT(failures, 0);
}

/* rfc850-date and asctime-date, written here, come back as the same time. */
static void test_round_trip_other_formats(void)
{
    struct http_time t = make_time(1970, 1, 1, 0, 0, 0);
    unsigned failures = 0, n = 0;

    while (t.year < 2070)
    {
        char rfc850[64], asctime_text[64];
        struct http_time back850, back_asc;

        t.hour = (n * 5) % 24;
        t.minute = (n * 11) % 60;
        t.second = (n * 13) % 60;
        t.day_of_week = (uint16_t)http_day_of_week(t.year, t.month, t.day);
        snprintf(rfc850, sizeof(rfc850), "%s, %02u-%s-%02u %02u:%02u:%02u GMT", day_full[t.day_of_week], t.day,
                 month_abbr[t.month - 1], t.year % 100, t.hour, t.minute, t.second);
        snprintf(asctime_text, sizeof(asctime_text), "%s %s %2u %02u:%02u:%02u %04u", day_abbr[t.day_of_week],
                 month_abbr[t.month - 1], t.day, t.hour, t.minute, t.second, t.year);
        if (parse(rfc850, &back850) != 1 || !same_time(&back850, &t)) failures++;
        if (parse(asctime_text, &back_asc) != 1 || !same_time(&back_asc, &t)) failures++;
        next_day(&t);
        n++;
    }
    CHECK_INT(failures, 0);
}

int main(void)
{
    test_format_known_dates();
    test_format_every_month();
    test_format_ignores_day_of_week_and_milliseconds();
    test_format_invalid();
    test_format_capacity();
    test_day_of_week_every_day();
    test_day_of_week_against_libc();
    test_parse_imf_fixdate();
    test_parse_rfc850();
    test_parse_asctime();
    test_parse_case();
    test_parse_whitespace();
    test_parse_optional_parts();
    test_parse_loose_fields();
    test_parse_day_name_is_not_trusted();
    test_parse_two_digit_years();
    test_parse_invalid();
    test_parse_embedded_nul();
    test_parse_wide_only();
    test_parse_leaves_time_alone_on_failure();
    test_parse_truncations();
    test_round_trip_many_days();
    test_round_trip_other_formats();
    return UNIT_DONE();
}
