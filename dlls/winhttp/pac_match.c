/* Address text, network tests and shell expressions for the PAC helper
 * functions.  Pure C: see pac_match.h. */
#include <string.h>
#include "pac_match.h"

/* ---- parsing ------------------------------------------------------------------ */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_ipv4(const char *text, size_t len, uint8_t out[4])
{
    size_t pos = 0;

    for (int part = 0; part < 4; part++)
    {
        unsigned int value = 0, digits = 0;

        if (part && (pos >= len || text[pos++] != '.')) return 0;
        while (pos < len && text[pos] >= '0' && text[pos] <= '9' && digits < 4)
        {
            value = value * 10 + (unsigned int)(text[pos++] - '0');
            digits++;
        }
        if (!digits || digits > 3 || value > 255) return 0;
        out[part] = (uint8_t)value;
    }
    return pos == len;
}

/* One hex group at *pos (1-4 digits); returns its value or -1. */
static long parse_group(const char *text, size_t len, size_t *pos)
{
    long value = 0;
    size_t digits = 0;

    while (*pos < len && hex_value(text[*pos]) >= 0)
    {
        if (++digits > 4) return -1;
        value = value * 16 + hex_value(text[(*pos)++]);
    }
    return digits ? value : -1;
}

/* Whether a dotted IPv4 tail starts at pos: digits then a '.'. */
static int ipv4_tail_at(const char *text, size_t len, size_t pos)
{
    while (pos < len && text[pos] >= '0' && text[pos] <= '9') pos++;
    return pos < len && text[pos] == '.';
}

static int parse_ipv6(const char *text, size_t len, uint8_t out[16])
{
    uint16_t groups[8];
    size_t pos = 0, count = 0, gap = 0;     /* gap: the group index "::" stands at */
    int has_gap = 0;

    if (len >= 2 && text[0] == ':' && text[1] == ':')
    {
        has_gap = 1;
        pos = 2;
    }
    while (pos < len)
    {
        long value;

        if (ipv4_tail_at(text, len, pos))
        {
            uint8_t v4[4];

            if (count + 2 > 8 || !parse_ipv4(text + pos, len - pos, v4)) return 0;
            groups[count++] = (uint16_t)(v4[0] << 8 | v4[1]);
            groups[count++] = (uint16_t)(v4[2] << 8 | v4[3]);
            pos = len;
            break;
        }
        if (count == 8 || (value = parse_group(text, len, &pos)) < 0) return 0;
        groups[count++] = (uint16_t)value;
        if (pos == len) break;
        if (text[pos++] != ':' || pos == len) return 0;
        if (text[pos] == ':')
        {
            if (has_gap) return 0;
            has_gap = 1;
            gap = count;
            pos++;
        }
    }
    if (has_gap ? count > 7 : count != 8) return 0;
    memset(out, 0, 16);
    for (size_t i = 0; i < count; i++)
    {
        size_t at = !has_gap || i < gap ? i : i + (8 - count);
        out[2 * at] = (uint8_t)(groups[i] >> 8);
        out[2 * at + 1] = (uint8_t)groups[i];
    }
    return 1;
}

int pac_ip_parse(const char *text, size_t len, struct pac_ip *ip)
{
    memset(ip, 0, sizeof(*ip));
    if (!text || !len) return 0;
    if (memchr(text, ':', len))
    {
        ip->family = 6;
        return parse_ipv6(text, len, ip->bytes);
    }
    ip->family = 4;
    return parse_ipv4(text, len, ip->bytes);
}

/* ---- formatting ------------------------------------------------------------------ */

static size_t put_text(char *out, size_t capacity, size_t at, const char *text, size_t len)
{
    if (at + len < capacity) memcpy(out + at, text, len);
    return at + len;
}

static size_t put_number(char *out, size_t capacity, size_t at, unsigned int value, int base)
{
    char digits[8];
    size_t n = 0;

    do digits[n++] = "0123456789abcdef"[value % (unsigned int)base];
    while ((value /= (unsigned int)base));
    while (n) at = put_text(out, capacity, at, &digits[--n], 1);
    return at;
}

/* The longest run of two or more zero groups (the first of equals). */
static void longest_zero_run(const struct pac_ip *ip, int *start, int *length)
{
    *start = -1;
    *length = 1;
    for (int i = 0; i < 8;)
    {
        int j = i;

        while (j < 8 && !ip->bytes[2 * j] && !ip->bytes[2 * j + 1]) j++;
        if (j - i > *length)
        {
            *start = i;
            *length = j - i;
        }
        i = j > i ? j : i + 1;
    }
}

size_t pac_ip_format(const struct pac_ip *ip, char *out, size_t capacity)
{
    size_t at = 0;

    if (ip->family == 4)
    {
        for (int i = 0; i < 4; i++)
        {
            if (i) at = put_text(out, capacity, at, ".", 1);
            at = put_number(out, capacity, at, ip->bytes[i], 10);
        }
    }
    else
    {
        int zero_start, zero_length;

        longest_zero_run(ip, &zero_start, &zero_length);
        for (int i = 0; i < 8; i++)
        {
            if (i == zero_start)
            {
                at = put_text(out, capacity, at, "::", 2);
                i += zero_length - 1;
                continue;
            }
            if (i && i != zero_start + zero_length) at = put_text(out, capacity, at, ":", 1);
            at = put_number(out, capacity, at, (unsigned int)(ip->bytes[2 * i] << 8 | ip->bytes[2 * i + 1]), 16);
        }
    }
    if (at >= capacity) return 0;
    out[at] = 0;
    return at;
}

/* ---- networks ------------------------------------------------------------------ */

int pac_ip_in_net(const struct pac_ip *ip, const struct pac_ip *pattern, const struct pac_ip *mask)
{
    if (ip->family != 4 || pattern->family != 4 || mask->family != 4) return 0;
    for (int i = 0; i < 4; i++)
        if ((ip->bytes[i] & mask->bytes[i]) != (pattern->bytes[i] & mask->bytes[i])) return 0;
    return 1;
}

int pac_prefix_parse(const char *text, size_t len, struct pac_ip *net, unsigned int *bits)
{
    const char *slash = text ? memchr(text, '/', len) : NULL;
    size_t pos, digits = 0;
    unsigned int value = 0;

    if (!slash || !pac_ip_parse(text, (size_t)(slash - text), net)) return 0;
    for (pos = (size_t)(slash - text) + 1; pos < len && text[pos] >= '0' && text[pos] <= '9'; pos++)
    {
        if (++digits > 3) return 0;
        value = value * 10 + (unsigned int)(text[pos] - '0');
    }
    if (!digits || pos != len || value > (net->family == 4 ? 32u : 128u)) return 0;
    *bits = value;
    return 1;
}

int pac_ip_in_prefix(const struct pac_ip *ip, const struct pac_ip *net, unsigned int bits)
{
    unsigned int whole = bits / 8, rest = bits % 8;

    if (ip->family != net->family || bits > (ip->family == 4 ? 32u : 128u)) return 0;
    if (memcmp(ip->bytes, net->bytes, whole)) return 0;
    if (!rest) return 1;
    return !((ip->bytes[whole] ^ net->bytes[whole]) & (0xff00 >> rest));
}

/* ---- shell expressions ------------------------------------------------------------ */

int pac_glob_match(const char *text, size_t len, const char *pattern, size_t pattern_len)
{
    size_t t = 0, p = 0, star = (size_t)-1, mark = 0;

    /* on a mismatch, let the last '*' take one more character and retry */
    while (t < len)
    {
        if (p < pattern_len && pattern[p] == '*')
        {
            star = p++;
            mark = t;
        }
        else if (p < pattern_len && (pattern[p] == '?' || pattern[p] == text[t]))
        {
            p++;
            t++;
        }
        else if (star != (size_t)-1)
        {
            p = star + 1;
            t = ++mark;
        }
        else return 0;
    }
    while (p < pattern_len && pattern[p] == '*') p++;
    return p == pattern_len;
}

/* ---- sorting ----------------------------------------------------------------------- */

struct sort_entry
{
    struct pac_ip ip;
    size_t start, len;
};

/* IPv6 before IPv4, then by value. */
static int entry_before(const struct sort_entry *a, const struct sort_entry *b)
{
    if (a->ip.family != b->ip.family) return a->ip.family == 6;
    return memcmp(a->ip.bytes, b->ip.bytes, a->ip.family == 4 ? 4 : 16) < 0;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Splits the list into entries; returns their count, or 0 on a bad entry. */
static size_t split_list(const char *list, size_t len, struct sort_entry *entries)
{
    size_t count = 0, pos = 0;

    while (pos <= len)
    {
        size_t end = pos, start;

        while (end < len && list[end] != ';') end++;
        start = pos;
        while (start < end && is_blank(list[start])) start++;
        pos = end + 1;
        while (end > start && is_blank(list[end - 1])) end--;
        if (start == end) continue;     /* empty entries (a trailing ';') are skipped */
        if (count == PAC_SORT_MAX || !pac_ip_parse(list + start, end - start, &entries[count].ip)) return 0;
        entries[count].start = start;
        entries[count].len = end - start;
        count++;
    }
    return count;
}

size_t pac_sort_ip_list(const char *list, size_t len, char *out, size_t capacity)
{
    struct sort_entry entries[PAC_SORT_MAX];
    size_t count = list ? split_list(list, len, entries) : 0, at = 0;

    if (!count) return (size_t)-1;
    for (size_t i = 1; i < count; i++)      /* insertion sort: stable, and lists are short */
    {
        struct sort_entry key = entries[i];
        size_t j = i;

        for (; j && entry_before(&key, &entries[j - 1]); j--) entries[j] = entries[j - 1];
        entries[j] = key;
    }
    for (size_t i = 0; i < count; i++)
    {
        if (i) at = put_text(out, capacity, at, ";", 1);
        at = put_text(out, capacity, at, list + entries[i].start, entries[i].len);
    }
    if (at >= capacity) return (size_t)-1;
    out[at] = 0;
    return at;
}
