/* Character helpers shared by the proxy configuration parsers (pure C). */
#ifndef WINHTTP_PROXY_TEXT_H
#define WINHTTP_PROXY_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "wchar16.h"

static inline int text_is_space(wchar16 c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static inline int text_is_digit(wchar16 c)
{
    return c >= '0' && c <= '9';
}

static inline wchar16 text_lower(wchar16 c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Whether str[0..len) spells the lowercase ASCII word, in any case. */
static inline int text_equals(const wchar16 *str, size_t len, const char *word)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (!word[i] || text_lower(str[i]) != (wchar16)word[i]) return 0;
    return !word[i];
}

/* Whether str[0..len) starts with the lowercase ASCII word, in any case. */
static inline int text_starts(const wchar16 *str, size_t len, const char *word)
{
    size_t i;

    for (i = 0; word[i]; i++)
        if (i >= len || text_lower(str[i]) != (wchar16)word[i]) return 0;
    return 1;
}

/* The index of the first c in str[start..end), or end. */
static inline size_t text_find(const wchar16 *str, size_t start, size_t end, wchar16 c)
{
    while (start < end && str[start] != c) start++;
    return start;
}

/* The index of the last c in str[start..end), or end. */
static inline size_t text_find_last(const wchar16 *str, size_t start, size_t end, wchar16 c)
{
    for (size_t i = end; i > start; i--)
        if (str[i - 1] == c) return i - 1;
    return end;
}

/* A TCP port: 1 to 65535 in decimal digits. */
static inline int text_port(const wchar16 *str, size_t len, uint16_t *port)
{
    uint32_t value = 0;

    if (!len) return 0;
    for (size_t i = 0; i < len; i++)
    {
        if (!text_is_digit(str[i])) return 0;
        value = value * 10 + (str[i] - '0');
        if (value > 65535) return 0;
    }
    if (!value) return 0;
    *port = (uint16_t)value;
    return 1;
}

/* Whether host[0..len) (not empty), a name or an address literal in
   brackets, holds no character that none of them has. */
static inline int text_valid_host(const wchar16 *host, size_t len)
{
    size_t start = 0, end = len;

    if (host[0] == '[') start++, end--;
    for (size_t i = start; i < end; i++)
    {
        wchar16 c = host[i];
        if (c < 0x21 || c == 0x7f || c == '/' || c == '@' || c == '=' || c == '\\' || c == '?' || c == '#' ||
            c == '[' || c == ']' || c == ';' || c == ',' || c == '<' || c == '>' || c == '"')
            return 0;
    }
    return 1;
}

/* host[":"port] in str[0..len), host possibly an IPv6 literal in brackets
   (kept).  Returns 0 for an empty host, an unclosed bracket, a bad port or
   an unbracketed host with more than one ':' (a bare IPv6 address). */
static inline int text_host_port(const wchar16 *str, size_t len, const wchar16 **host, size_t *host_len,
                                 uint16_t *port, int *has_port)
{
    size_t end;

    *has_port = 0;
    if (len && str[0] == '[')
    {
        end = text_find(str, 0, len, ']');
        if (end == len || end == 1) return 0;
        end++;
        if (end < len && str[end] != ':') return 0;
    }
    else
    {
        end = text_find(str, 0, len, ':');
        if (end < len && text_find(str, end + 1, len, ':') < len) return 0;
    }
    if (!end) return 0;
    *host = str;
    *host_len = end;
    if (end == len) return 1;
    *has_port = 1;
    return text_port(str + end + 1, len - end - 1, port);
}

#endif
