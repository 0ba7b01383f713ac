/* libFuzzer harness for date.c.
 *
 * The input is parsed three ways, each from an exact-size heap copy without
 * a terminator, so AddressSanitizer sees any read past the length:
 *   - as UTF-16LE code units;
 *   - as 8-bit text, and the same bytes widened to UTF-16: both entry points
 *     must give the same answer;
 * and its first 16 bytes are also formatted as a struct http_time.
 * Whatever parses must be a valid time whose day of the week matches the
 * date, must format to an IMF-fixdate, and that must parse back to the very
 * same time.  Any mismatch aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

static void require(int condition)
{
    if (!condition) abort();
}

static int same_time(const struct http_time *a, const struct http_time *b)
{
    return !memcmp(a, b, sizeof(*a));
}

/* Formatting t into an exact-size buffer gives an IMF-fixdate that parses
 * back to want. */
static void check_formats_back(const struct http_time *t, const struct http_time *want)
{
    wchar16 *text = malloc((HTTP_DATE_LENGTH + 1) * sizeof(wchar16));
    struct http_time back;

    require(http_date_format(t, text, HTTP_DATE_LENGTH + 1) == HTTP_DATE_LENGTH);
    require(text[HTTP_DATE_LENGTH] == 0);
    require(http_date_parse(text, HTTP_DATE_LENGTH, &back));
    require(same_time(&back, want));
    free(text);
}

static void check_parsed(const struct http_time *t)
{
    require(http_time_is_valid(t));
    require(t->day_of_week == http_day_of_week(t->year, t->month, t->day));
    require(t->milliseconds == 0);
    check_formats_back(t, t);
}

static void fuzz_utf16(const uint8_t *data, size_t size)
{
    size_t length = size / 2;
    wchar16 *text = malloc((length ? length : 1) * sizeof(wchar16));
    struct http_time t;

    for (size_t i = 0; i < length; i++) text[i] = (wchar16)(data[2 * i] | data[2 * i + 1] << 8);
    if (http_date_parse(text, length, &t)) check_parsed(&t);
    free(text);
}

static void fuzz_8bit(const uint8_t *data, size_t size)
{
    char *narrow = malloc(size ? size : 1);
    wchar16 *wide = malloc((size ? size : 1) * sizeof(wchar16));
    struct http_time from_narrow = { 0 }, from_wide = { 0 };
    int ok_narrow, ok_wide;

    memcpy(narrow, data, size);
    for (size_t i = 0; i < size; i++) wide[i] = data[i];
    ok_narrow = http_date_parse_ascii(narrow, size, &from_narrow);
    ok_wide = http_date_parse(wide, size, &from_wide);
    require(ok_narrow == ok_wide && same_time(&from_narrow, &from_wide));
    if (ok_narrow) check_parsed(&from_narrow);
    free(narrow);
    free(wide);
}

/* Arbitrary field values: formatting refuses exactly the invalid ones, never
 * writes into a buffer that is too small, and what it writes parses back. */
static void fuzz_format(const uint8_t *data, size_t size)
{
    struct http_time t, want;
    wchar16 small[HTTP_DATE_LENGTH];

    if (size < sizeof(t)) return;
    memcpy(&t, data, sizeof(t));
    if (!http_time_is_valid(&t))
    {
        require(http_date_format(&t, small, 0) == 0);
        return;
    }
    require(http_date_format(&t, NULL, 0) == HTTP_DATE_LENGTH);
    require(http_date_format(&t, small, sizeof(small) / sizeof(small[0])) == HTTP_DATE_LENGTH);
    want = t;
    want.day_of_week = (uint16_t)http_day_of_week(t.year, t.month, t.day);
    want.milliseconds = 0;
    check_formats_back(&t, &want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_utf16(data, size);
    fuzz_8bit(data, size);
    fuzz_format(data, size);
    return 0;
}
