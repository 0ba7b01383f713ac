/* HTTP dates (RFC 9110 §5.6.7).
 *
 * Formatting always produces an IMF-fixdate:  Sun, 06 Nov 1994 08:49:37 GMT
 *
 * Parsing is lenient, because servers send all sorts of dates and native
 * WinHttpTimeToSystemTime accepts more than the grammar (it takes
 * " fri 7 jan 2005 12 06 35", for instance).  The text is cut into tokens:
 *     numbers, month names, day names, the zones GMT/UTC, and ':'
 * with space, tab, CR, LF and , - . / as separators.  Anything else (an
 * unknown word, another character) makes the whole date invalid: a date we
 * half understand is worse than none.  Then:
 *   - a number followed by ':' starts the time: h[:m[:s]] (missing parts are
 *     0), which may stand anywhere (asctime puts it before the year);
 *   - the other numbers are, in order, day and year, and, when no ':' time
 *     was seen, hour, minute and second (so "7 jan 2005 12 06 35" works);
 *   - the month name may stand before the day (asctime) or after it;
 *   - day names and the zone are optional and ignored: the day of the week
 *     is computed from the date, whatever the text claims;
 *   - the time of day is optional (midnight);
 *   - a two-digit year (rfc850-date) is 2000-2069 for 00-69 and 1970-1999
 *     for 70-99.  RFC 9110 asks for "no more than 50 years in the future",
 *     which needs a clock; a fixed window keeps parsing a pure function.
 *     1970-2069 is the RFC's window as seen from 2019; seen from a later
 *     year Y it differs only for 70 .. 70+(Y-2020), read as 19xx, not 20xx.
 * The result must be a real date and time (no leap second) in the years
 * 1601-9999, the years SYSTEMTIME and a four-digit HTTP year share.
 */
#include <string.h>

#include "date.h"

static const char month_names[12][10] = {
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
};
static const char day_names[7][10] = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
};

/* ---- calendar ------------------------------------------------------------ */

static int is_leap_year(unsigned int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned int days_in_month(unsigned int year, unsigned int month)
{
    static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

unsigned int http_day_of_week(unsigned int year, unsigned int month, unsigned int day)
{
    /* Count days from a fixed origin with years starting in March, so that
     * the leap day is the last day of the "year" and needs no special case. */
    unsigned long days;

    if (month < 3)
    {
        year--;
        month += 12;
    }
    days = 365ul * year + year / 4 - year / 100 + year / 400 + (153 * (month - 3) + 2) / 5 + day;
    return (unsigned int)((days + 2) % 7);
}

int http_time_is_valid(const struct http_time *t)
{
    if (t->year < HTTP_DATE_MIN_YEAR || t->year > HTTP_DATE_MAX_YEAR) return 0;
    if (t->month < 1 || t->month > 12) return 0;
    if (t->day < 1 || t->day > days_in_month(t->year, t->month)) return 0;
    return t->hour <= 23 && t->minute <= 59 && t->second <= 59;
}

/* ---- formatting ---------------------------------------------------------- */

static wchar16 *put_name(wchar16 *out, const char *name)
{
    out[0] = (wchar16)(name[0] - 'a' + 'A');
    out[1] = (wchar16)name[1];
    out[2] = (wchar16)name[2];
    return out + 3;
}

static wchar16 *put_number(wchar16 *out, unsigned int value, int digits)
{
    for (int i = digits - 1; i >= 0; i--, value /= 10) out[i] = (wchar16)('0' + value % 10);
    return out + digits;
}

static wchar16 *put_char(wchar16 *out, char c)
{
    *out = (wchar16)c;
    return out + 1;
}

size_t http_date_format(const struct http_time *t, wchar16 *out, size_t capacity)
{
    wchar16 *p = out;

    if (!http_time_is_valid(t)) return 0;
    if (capacity <= HTTP_DATE_LENGTH) return HTTP_DATE_LENGTH;

    p = put_name(p, day_names[http_day_of_week(t->year, t->month, t->day)]);
    p = put_char(p, ',');
    p = put_char(p, ' ');
    p = put_number(p, t->day, 2);
    p = put_char(p, ' ');
    p = put_name(p, month_names[t->month - 1]);
    p = put_char(p, ' ');
    p = put_number(p, t->year, 4);
    p = put_char(p, ' ');
    p = put_number(p, t->hour, 2);
    p = put_char(p, ':');
    p = put_number(p, t->minute, 2);
    p = put_char(p, ':');
    p = put_number(p, t->second, 2);
    p = put_char(p, ' ');
    p = put_char(p, 'G');
    p = put_char(p, 'M');
    p = put_char(p, 'T');
    *p = 0;
    return HTTP_DATE_LENGTH;
}

/* ---- tokens -------------------------------------------------------------- */

/* The text to parse, in either code unit size: one parser serves both. */
struct text
{
    const void *data;
    size_t length;
    int wide;
};

static unsigned int char_at(const struct text *text, size_t i)
{
    if (text->wide) return ((const wchar16 *)text->data)[i];
    return ((const unsigned char *)text->data)[i];
}

static int is_digit(unsigned int c) { return c >= '0' && c <= '9'; }
static unsigned int lower(unsigned int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int is_letter(unsigned int c) { return lower(c) >= 'a' && lower(c) <= 'z'; }

static int is_separator(unsigned int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '-' || c == '.' || c == '/';
}

enum token_kind { TOKEN_NUMBER, TOKEN_COLON, TOKEN_MONTH, TOKEN_DAY_NAME, TOKEN_ZONE };

struct token
{
    enum token_kind kind;
    unsigned int value;   /* a number's value; a month's number, 1-12 */
    unsigned int digits;  /* a number's digit count */
};

/* More tokens than any date has, with room for a day name and a zone. */
#define MAX_TOKENS 12
/* Longer than any field: years have four digits. */
#define MAX_DIGITS 4
/* "september" and "wednesday" are the longest names. */
#define MAX_WORD 9

struct tokens
{
    struct token items[MAX_TOKENS];
    unsigned int count;
};

static int add_token(struct tokens *tokens, enum token_kind kind, unsigned int value, unsigned int digits)
{
    if (tokens->count == MAX_TOKENS) return 0;
    tokens->items[tokens->count].kind = kind;
    tokens->items[tokens->count].value = value;
    tokens->items[tokens->count].digits = digits;
    tokens->count++;
    return 1;
}

/* Whether word (lowercase, not terminated) is name or an abbreviation of it
 * of three letters or more: "Nov", "November" and "Sept" all count. */
static int word_names(const char *word, size_t length, const char *name)
{
    size_t i;

    if (length < 3) return 0;
    for (i = 0; i < length; i++)
        if (!name[i] || word[i] != name[i]) return 0;
    return 1;
}

static int classify_word(const char *word, size_t length, struct tokens *tokens)
{
    for (unsigned int i = 0; i < 12; i++)
        if (word_names(word, length, month_names[i])) return add_token(tokens, TOKEN_MONTH, i + 1, 0);
    for (unsigned int i = 0; i < 7; i++)
        if (word_names(word, length, day_names[i])) return add_token(tokens, TOKEN_DAY_NAME, i, 0);
    if (length == 3 && (!memcmp(word, "gmt", 3) || !memcmp(word, "utc", 3)))
        return add_token(tokens, TOKEN_ZONE, 0, 0);
    return 0;
}

static int read_word(const struct text *text, size_t *pos, struct tokens *tokens)
{
    char word[MAX_WORD];
    size_t length = 0;

    for (; *pos < text->length && is_letter(char_at(text, *pos)); (*pos)++)
    {
        if (length == MAX_WORD) return 0;
        word[length++] = (char)lower(char_at(text, *pos));
    }
    return classify_word(word, length, tokens);
}

static int read_number(const struct text *text, size_t *pos, struct tokens *tokens)
{
    unsigned int value = 0, digits = 0;

    for (; *pos < text->length && is_digit(char_at(text, *pos)); (*pos)++)
    {
        if (++digits > MAX_DIGITS) return 0;
        value = value * 10 + (char_at(text, *pos) - '0');
    }
    return add_token(tokens, TOKEN_NUMBER, value, digits);
}

static int tokenize(const struct text *text, struct tokens *tokens)
{
    size_t pos = 0;

    tokens->count = 0;
    while (pos < text->length)
    {
        unsigned int c = char_at(text, pos);

        if (is_separator(c)) pos++;
        else if (is_digit(c)) { if (!read_number(text, &pos, tokens)) return 0; }
        else if (is_letter(c)) { if (!read_word(text, &pos, tokens)) return 0; }
        else if (c == ':') { pos++; if (!add_token(tokens, TOKEN_COLON, 0, 0)) return 0; }
        else return 0;
    }
    return 1;
}

/* ---- fields -------------------------------------------------------------- */

struct number
{
    unsigned int value, digits;
};

/* What the tokens say, before it is checked and put into a struct http_time. */
struct fields
{
    unsigned int month;          /* 0: not seen */
    struct number plain[5];      /* numbers outside the h:m:s group, in order */
    unsigned int plain_count;
    struct number time[3];       /* the h:m:s group */
    unsigned int time_count;     /* 0: no ':' group */
};

static int is_number(const struct tokens *tokens, unsigned int i)
{
    return i < tokens->count && tokens->items[i].kind == TOKEN_NUMBER;
}

static int is_colon(const struct tokens *tokens, unsigned int i)
{
    return i < tokens->count && tokens->items[i].kind == TOKEN_COLON;
}

static struct number number_at(const struct tokens *tokens, unsigned int i)
{
    struct number n = { tokens->items[i].value, tokens->items[i].digits };
    return n;
}

/* Reads h[:m[:s]] starting at the hour; a trailing ':' with nothing after it
 * is tolerated.  Returns the index after the group, or 0 for a bad group. */
static unsigned int read_time_group(const struct tokens *tokens, unsigned int i, struct fields *f)
{
    if (f->time_count) return 0;
    f->time[f->time_count++] = number_at(tokens, i++);
    while (is_colon(tokens, i))
    {
        i++;
        if (!is_number(tokens, i)) break;
        if (f->time_count == 3) return 0;
        f->time[f->time_count++] = number_at(tokens, i++);
    }
    return i;
}

static int collect_fields(const struct tokens *tokens, struct fields *f)
{
    unsigned int i = 0;

    while (i < tokens->count)
    {
        const struct token *token = &tokens->items[i];

        if (token->kind == TOKEN_MONTH)
        {
            if (f->month) return 0;
            f->month = token->value;
            i++;
        }
        else if (token->kind == TOKEN_NUMBER && is_colon(tokens, i + 1))
        {
            if (!(i = read_time_group(tokens, i, f))) return 0;
        }
        else if (token->kind == TOKEN_NUMBER)
        {
            if (f->plain_count == 5) return 0;
            f->plain[f->plain_count++] = number_at(tokens, i++);
        }
        else if (token->kind == TOKEN_COLON) return 0;
        else i++;  /* day names and zones say nothing we need */
    }
    return 1;
}

/* Without a ':' group, the numbers after day and year are the time. */
static void time_from_plain_numbers(struct fields *f)
{
    if (f->time_count || f->plain_count <= 2) return;
    for (unsigned int i = 2; i < f->plain_count; i++) f->time[f->time_count++] = f->plain[i];
    f->plain_count = 2;
}

static int year_from_number(struct number n, uint16_t *year)
{
    if (n.digits == 4) *year = (uint16_t)n.value;
    else if (n.digits == 2) *year = (uint16_t)(n.value < 70 ? 2000 + n.value : 1900 + n.value);
    else return 0;
    return 1;
}

static int small_field(struct number n, uint16_t *field)
{
    if (n.digits > 2) return 0;
    *field = (uint16_t)n.value;
    return 1;
}

static int fields_to_time(struct fields *f, struct http_time *t)
{
    struct http_time result = { 0 };

    time_from_plain_numbers(f);
    if (!f->month || f->plain_count != 2) return 0;
    result.month = (uint16_t)f->month;
    if (!small_field(f->plain[0], &result.day) || !year_from_number(f->plain[1], &result.year)) return 0;
    if (f->time_count > 0 && !small_field(f->time[0], &result.hour)) return 0;
    if (f->time_count > 1 && !small_field(f->time[1], &result.minute)) return 0;
    if (f->time_count > 2 && !small_field(f->time[2], &result.second)) return 0;
    if (!http_time_is_valid(&result)) return 0;

    result.day_of_week = (uint16_t)http_day_of_week(result.year, result.month, result.day);
    *t = result;
    return 1;
}

static int parse_text(const struct text *text, struct http_time *t)
{
    struct tokens tokens;
    struct fields fields = { 0 };

    return tokenize(text, &tokens) && collect_fields(&tokens, &fields) && fields_to_time(&fields, t);
}

int http_date_parse(const wchar16 *text, size_t length, struct http_time *t)
{
    struct text source = { text, length, 1 };
    return parse_text(&source, t);
}

int http_date_parse_ascii(const char *text, size_t length, struct http_time *t)
{
    struct text source = { text, length, 0 };
    return parse_text(&source, t);
}
