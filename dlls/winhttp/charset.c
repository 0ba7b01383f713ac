/* Content-Type charsets to code pages.  The names are IANA's (and the
 * aliases servers send), the numbers Windows' code page identifiers. */
#include <string.h>

#include "charset.h"

static const struct { const char *name; unsigned int codepage; } charsets[] =
{
    { "utf-8", CHARSET_UTF8 }, { "utf8", CHARSET_UTF8 }, { "unicode-1-1-utf-8", CHARSET_UTF8 },
    { "utf-16", CHARSET_UTF16LE }, { "utf-16le", CHARSET_UTF16LE }, { "unicode", CHARSET_UTF16LE },
    { "utf-16be", CHARSET_UTF16BE },
    { "us-ascii", 20127 }, { "ascii", 20127 },
    { "iso-8859-1", 28591 }, { "latin1", 28591 }, { "l1", 28591 },
    { "shift_jis", 932 }, { "shift-jis", 932 }, { "sjis", 932 }, { "x-sjis", 932 },
    { "euc-jp", 20932 }, { "iso-2022-jp", 50220 },
    { "gb2312", 936 }, { "gbk", 936 }, { "gb18030", 54936 }, { "big5", 950 },
    { "euc-kr", 949 }, { "ks_c_5601-1987", 949 }, { "koi8-r", 20866 }, { "koi8-u", 21866 },
};

#define MAX_NAME 40

static int is_space(wchar16 c) { return c == ' ' || c == '\t'; }
static wchar16 lower(wchar16 c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* A decimal number filling text[0..len), at most max; 0 if it is not one. */
static unsigned int number(const char *text, unsigned int max)
{
    unsigned int n = 0;

    if (!*text) return 0;
    for (; *text; text++)
    {
        if (*text < '0' || *text > '9' || n > (max - (unsigned)(*text - '0')) / 10) return 0;
        n = n * 10 + (unsigned)(*text - '0');
    }
    return n;
}

/* name: lowercase ASCII */
static unsigned int lookup(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(charsets) / sizeof(charsets[0]); i++)
        if (!strcmp(name, charsets[i].name)) return charsets[i].codepage;
    /* families named by number */
    if (!strncmp(name, "windows-", 8)) return number(name + 8, 65535);
    if (!strncmp(name, "cp", 2)) return number(name + 2, 65535);
    if (!strncmp(name, "iso-8859-", 9))
    {
        unsigned int part = number(name + 9, 16);
        return part ? 28590 + part : 0;
    }
    return 0;
}

unsigned int charset_name_codepage(const wchar16 *name, size_t len)
{
    char lowered[MAX_NAME + 1];
    size_t i;

    if (!len || len > MAX_NAME) return 0;
    for (i = 0; i < len; i++)
    {
        if (name[i] < 0x21 || name[i] > 0x7e) return 0;
        lowered[i] = (char)lower(name[i]);
    }
    lowered[len] = 0;
    return lookup(lowered);
}

unsigned int charset_codepage(const wchar16 *type, size_t len, unsigned int fallback)
{
    static const char charset[] = "charset";
    size_t pos = 0, i, start;
    unsigned int codepage;

    while (pos < len)
    {
        /* to the next parameter */
        while (pos < len && type[pos] != ';') pos++;
        if (pos++ >= len) break;
        while (pos < len && is_space(type[pos])) pos++;
        for (i = 0; i < 7 && pos + i < len && lower(type[pos + i]) == (wchar16)charset[i]; i++) ;
        if (i < 7) continue;
        pos += 7;
        while (pos < len && is_space(type[pos])) pos++;
        if (pos >= len || type[pos] != '=') continue;
        for (pos++; pos < len && is_space(type[pos]); pos++) ;
        if (pos < len && type[pos] == '"') pos++;
        for (start = pos; pos < len && type[pos] != ';' && type[pos] != '"' && !is_space(type[pos]); pos++) ;
        return (codepage = charset_name_codepage(type + start, pos - start)) ? codepage : fallback;
    }
    return fallback;
}
