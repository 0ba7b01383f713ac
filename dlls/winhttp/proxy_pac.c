/* The string a PAC script's FindProxyForURL returns, one entry at a time.
 * Pure C: see proxy_config.h.  Scripts return anything, so every entry that
 * does not parse is reported as PAC_INVALID for the caller to skip. */
#include "proxy_config.h"
#include "proxy_text.h"

static const struct
{
    const char   *keyword;
    enum pac_type type;
    uint16_t      port;
} pac_types[] = {
    { "direct", PAC_DIRECT, 0 },     { "proxy", PAC_PROXY, 80 },      { "http", PAC_HTTP, 80 },
    { "https", PAC_HTTPS, 443 },     { "socks", PAC_SOCKS, 1080 },    { "socks4", PAC_SOCKS4, 1080 },
    { "socks5", PAC_SOCKS5, 1080 },
};

static void parse_entry(const wchar16 *text, size_t len, struct pac_entry *entry)
{
    size_t keyword_end = 0, rest;
    int has_port;

    entry->type = PAC_INVALID;
    entry->host = NULL;
    entry->host_len = 0;
    entry->port = 0;

    while (len && text_is_space(text[len - 1])) len--;
    while (keyword_end < len && !text_is_space(text[keyword_end])) keyword_end++;
    for (rest = keyword_end; rest < len && text_is_space(text[rest]);) rest++;

    for (size_t i = 0; i < sizeof(pac_types) / sizeof(pac_types[0]); i++)
    {
        const wchar16 *host;
        size_t host_len;
        uint16_t port = pac_types[i].port;

        if (!text_equals(text, keyword_end, pac_types[i].keyword)) continue;
        if (pac_types[i].type == PAC_DIRECT)
        {
            if (rest == len) entry->type = PAC_DIRECT;
            return;
        }
        if (!text_host_port(text + rest, len - rest, &host, &host_len, &port, &has_port)) return;
        if (!text_valid_host(host, host_len)) return;
        entry->type = pac_types[i].type;
        entry->host = host;
        entry->host_len = host_len;
        entry->port = port;
        return;
    }
}

int pac_result_next(const wchar16 *text, size_t len, size_t *pos, struct pac_entry *entry)
{
    size_t start = *pos, end;

    if (!text) return 0;
    while (start < len && (text[start] == ';' || text_is_space(text[start]))) start++;
    if (start >= len)
    {
        *pos = len;
        return 0;
    }
    end = text_find(text, start, len, ';');
    *pos = end < len ? end + 1 : len;
    parse_entry(text + start, end - start, entry);
    return 1;
}
