/* WinHTTP proxy lists and bypass lists, and the domains WPAD tries.
 * Pure C: see proxy_config.h.  Every loop is bounded by a length it was
 * given; the wildcard match is at worst the product of two lengths. */
#include "proxy_config.h"
#include "proxy_text.h"

#define SCHEMES_HTTP  (1u << PROXY_SCHEME_HTTP)
#define SCHEMES_HTTPS (1u << PROXY_SCHEME_HTTPS)
#define SCHEMES_BOTH  (SCHEMES_HTTP | SCHEMES_HTTPS)

/* ---- walking a list ---------------------------------------------------------- */

static int is_proxy_separator(wchar16 c)
{
    return c == ';' || text_is_space(c);
}

static int is_bypass_separator(wchar16 c)
{
    return c == ';' || c == ',' || text_is_space(c);
}

/* The next entry at or after *pos: [*start, *end), between separators. */
static int next_entry(const wchar16 *list, size_t len, int (*separator)(wchar16), size_t *pos, size_t *start,
                      size_t *end)
{
    size_t i = *pos;

    while (i < len && separator(list[i])) i++;
    *start = i;
    while (i < len && !separator(list[i])) i++;
    *end = *pos = i;
    return *start < i;
}

/* A "http://" or "https://" prefix: the schemes it limits the entry to, and
   its length.  Another "<scheme>://" limits it to none. */
static unsigned url_scheme_prefix(const wchar16 *text, size_t len, size_t *skip)
{
    size_t colon = text_find(text, 0, len, ':');

    *skip = 0;
    if (text_starts(text, len, "http://")) return *skip = 7, SCHEMES_HTTP;
    if (text_starts(text, len, "https://")) return *skip = 8, SCHEMES_HTTPS;
    if (len - colon >= 3 && text[colon + 1] == '/' && text[colon + 2] == '/') return 0;
    return SCHEMES_BOTH;
}

/* ---- proxy lists ------------------------------------------------------------- */

/* One entry, [<scheme>=][<scheme>"://"]<server>[":"<port>]["/"]: the schemes
   of the URLs it serves (0 when none or when it does not parse). */
static unsigned parse_proxy(const wchar16 *text, size_t len, struct proxy_entry *entry)
{
    size_t eq = text_find(text, 0, len, '='), skip;
    unsigned schemes = SCHEMES_BOTH;
    int has_port;

    if (eq < len)
    {
        if (text_equals(text, eq, "http")) schemes = SCHEMES_HTTP;
        else if (text_equals(text, eq, "https")) schemes = SCHEMES_HTTPS;
        else return 0;
        text += eq + 1;
        len -= eq + 1;
    }
    /* WinHTTP speaks plain HTTP to the proxy whichever scheme names it */
    if (!url_scheme_prefix(text, len, &skip)) return 0;
    text += skip;
    len -= skip;
    if (len && text[len - 1] == '/') len--;

    entry->port = PROXY_DEFAULT_PORT;
    if (!text_host_port(text, len, &entry->host, &entry->host_len, &entry->port, &has_port)) return 0;
    return text_valid_host(entry->host, entry->host_len) ? schemes : 0;
}

int proxy_list_get(const wchar16 *list, size_t len, enum proxy_scheme scheme, size_t index, struct proxy_entry *entry)
{
    size_t pos = 0, start, end;
    struct proxy_entry found;

    if (!list) return 0;
    while (next_entry(list, len, is_proxy_separator, &pos, &start, &end))
    {
        if (!(parse_proxy(list + start, end - start, &found) & (1u << scheme))) continue;
        if (index--) continue;
        *entry = found;
        return 1;
    }
    return 0;
}

/* ---- bypass lists ------------------------------------------------------------- */

/* pattern, with '*' standing for any run of characters, against str; ASCII
   letters in any case. */
static int wildcard_match(const wchar16 *pattern, size_t pattern_len, const wchar16 *str, size_t len)
{
    size_t p = 0, s = 0, star = SIZE_MAX, resume = 0;

    while (s < len)
    {
        if (p < pattern_len && pattern[p] == '*')
        {
            star = p++;
            resume = s;
        }
        else if (p < pattern_len && text_lower(pattern[p]) == text_lower(str[s])) p++, s++;
        else if (star != SIZE_MAX)
        {
            /* let the last '*' take one more character */
            p = star + 1;
            s = ++resume;
        }
        else return 0;
    }
    while (p < pattern_len && pattern[p] == '*') p++;
    return p == pattern_len;
}

/* "<local>": a name without a dot, which no IPv4 or IPv6 literal is. */
static int is_local_name(const wchar16 *host, size_t len)
{
    if (!len) return 0;
    for (size_t i = 0; i < len; i++)
        if (host[i] == '.' || host[i] == ':' || host[i] == '[') return 0;
    return 1;
}

struct bypass_rule
{
    unsigned       schemes;
    const wchar16 *pattern;     /* without brackets */
    size_t         pattern_len;
    int            any_port;
    uint16_t       port;
};

/* <pattern>[":"<port>|":*"], the pattern an IPv6 literal in brackets or
   bare (then with no port). */
static int parse_bypass_target(const wchar16 *text, size_t len, struct bypass_rule *rule)
{
    size_t colon;

    rule->any_port = 1;
    if (len && text[0] == '[')
    {
        size_t close = text_find(text, 0, len, ']');
        if (close == len) return 0;
        rule->pattern = text + 1;
        rule->pattern_len = close - 1;
        colon = close + 1;
        if (colon < len && text[colon] != ':') return 0;
    }
    else
    {
        colon = text_find(text, 0, len, ':');
        if (colon < len && text_find(text, colon + 1, len, ':') < len) colon = len;
        rule->pattern = text;
        rule->pattern_len = colon;
    }
    if (!rule->pattern_len) return 0;
    if (colon >= len) return 1;
    if (len - colon == 2 && text[colon + 1] == '*') return 1;
    rule->any_port = 0;
    return text_port(text + colon + 1, len - colon - 1, &rule->port);
}

/* ["http://" | "https://"]<target>["/"] */
static int parse_bypass(const wchar16 *text, size_t len, struct bypass_rule *rule)
{
    size_t skip;

    if (!(rule->schemes = url_scheme_prefix(text, len, &skip))) return 0;
    text += skip;
    len -= skip;
    if (len && text[len - 1] == '/') len--;
    return parse_bypass_target(text, len, rule);
}

int proxy_bypass_match(const wchar16 *list, size_t len, const wchar16 *host, size_t host_len, uint16_t port, enum proxy_scheme scheme)
{
    size_t pos = 0, start, end;
    struct bypass_rule rule;

    if (!list || !host || !host_len) return 0;
    /* the application may have written an IPv6 literal either way */
    if (host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']') host++, host_len -= 2;

    while (next_entry(list, len, is_bypass_separator, &pos, &start, &end))
    {
        if (text_equals(list + start, end - start, "<local>"))
        {
            if (is_local_name(host, host_len)) return 1;
            continue;
        }
        if (!parse_bypass(list + start, end - start, &rule)) continue;
        if (!(rule.schemes & (1u << scheme))) continue;
        if (!rule.any_port && rule.port != port) continue;
        if (wildcard_match(rule.pattern, rule.pattern_len, host, host_len)) return 1;
    }
    return 0;
}

/* ---- WPAD ---------------------------------------------------------------- */

int proxy_wpad_suffix(const wchar16 *domain, size_t len, size_t index, const wchar16 **suffix, size_t *suffix_len)
{
    size_t labels = 1, start = 0;

    if (!domain) return 0;
    if (len && domain[len - 1] == '.') len--;   /* a fully qualified "example.com." */
    if (!len) return 0;
    for (size_t i = 0; i < len; i++)
    {
        if (domain[i] != '.') continue;
        if (!i || domain[i - 1] == '.' || i == len - 1) return 0;   /* an empty label */
        labels++;
    }
    /* a suffix keeps at least two labels: wpad.com is never asked for */
    if (labels < 2 || index > labels - 2) return 0;
    for (size_t skipped = 0; skipped < index; skipped++) start = text_find(domain, start, len, '.') + 1;
    *suffix = domain + start;
    *suffix_len = len - start;
    return 1;
}
