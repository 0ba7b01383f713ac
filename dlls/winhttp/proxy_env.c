/* http_proxy, https_proxy and no_proxy, as Linux users set them, turned
 * into a WinHTTP proxy list and bypass list.  Pure C: see proxy_config.h.
 * The user name and password a value may carry are dropped here and never
 * reach a list (nor a trace). */
#include "proxy_config.h"
#include "proxy_text.h"

/* Output measured first, then written, so that a buffer too small is left
   untouched. */
struct text_out
{
    wchar16 *buf;       /* NULL while measuring */
    size_t   len;
};

static void put_text(struct text_out *o, const wchar16 *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
    {
        if (o->buf) o->buf[o->len] = text[i];
        o->len++;
    }
}

static void put_ascii(struct text_out *o, const char *text)
{
    for (; *text; text++)
    {
        if (o->buf) o->buf[o->len] = (wchar16)*text;
        o->len++;
    }
}

/* Each entry after the first is preceded by a ';'. */
static void put_separator(struct text_out *o)
{
    if (o->len) put_ascii(o, ";");
}

/* An environment value ends at its first NUL, whatever length it came with:
   nothing after one may reach a list (which would end there too). */
static size_t value_length(const wchar16 *value, size_t len)
{
    size_t n = 0;

    if (!value) return 0;
    while (n < len && value[n]) n++;
    return n;
}

static void trim(const wchar16 **text, size_t *len)
{
    while (*len && text_is_space((*text)[0])) (*text)++, (*len)--;
    while (*len && text_is_space((*text)[*len - 1])) (*len)--;
}

/* ---- http_proxy, https_proxy ----------------------------------------------- */

/* [<scheme>"://"][<user>[":"<password>]"@"]<host>[":"<port>]["/"...]: the
   host[:port] span, when the scheme (if any) is http or https. */
static int env_proxy(const wchar16 *value, size_t len, const wchar16 **host_port, size_t *host_port_len)
{
    const wchar16 *host;
    size_t authority_end, at, host_len;
    uint16_t port;
    int has_port;

    if (!value) return 0;
    trim(&value, &len);
    if (text_starts(value, len, "http://")) value += 7, len -= 7;
    else if (text_starts(value, len, "https://")) value += 8, len -= 8;
    else
    {
        size_t colon = text_find(value, 0, len, ':');
        if (len - colon >= 3 && value[colon + 1] == '/' && value[colon + 2] == '/') return 0;
    }
    authority_end = 0;
    while (authority_end < len && value[authority_end] != '/' && value[authority_end] != '?' &&
           value[authority_end] != '#')
        authority_end++;
    at = text_find_last(value, 0, authority_end, '@');
    if (at < authority_end) value += at + 1, authority_end -= at + 1;

    if (!text_host_port(value, authority_end, &host, &host_len, &port, &has_port)) return 0;
    if (!text_valid_host(host, host_len)) return 0;
    *host_port = value;
    *host_port_len = authority_end;
    return 1;
}

static int same_text(const wchar16 *a, size_t a_len, const wchar16 *b, size_t b_len)
{
    if (a_len != b_len) return 0;
    for (size_t i = 0; i < a_len; i++)
        if (text_lower(a[i]) != text_lower(b[i])) return 0;
    return 1;
}

static void build_list(const wchar16 *http, size_t http_len, const wchar16 *https, size_t https_len,
                       struct text_out *o)
{
    const wchar16 *a = NULL, *b = NULL;
    size_t a_len = 0, b_len = 0;
    int have_http = env_proxy(http, http_len, &a, &a_len);
    int have_https = env_proxy(https, https_len, &b, &b_len);

    /* http_proxy alone serves both schemes, as Wine's builtin reads it */
    if (have_http && (!have_https || same_text(a, a_len, b, b_len))) put_text(o, a, a_len);
    else if (have_http)
    {
        put_ascii(o, "http=");
        put_text(o, a, a_len);
        put_ascii(o, ";https=");
        put_text(o, b, b_len);
    }
    else if (have_https)
    {
        put_ascii(o, "https=");
        put_text(o, b, b_len);
    }
}

size_t proxy_env_list(const wchar16 *http, size_t http_len, const wchar16 *https, size_t https_len,
                      wchar16 *out, size_t capacity)
{
    struct text_out o = { NULL, 0 };
    size_t len;

    http_len = value_length(http, http_len);
    https_len = value_length(https, https_len);
    build_list(http, http_len, https, https_len, &o);
    len = o.len;
    if (!out || capacity <= len) return len;
    o.buf = out;
    o.len = 0;
    build_list(http, http_len, https, https_len, &o);
    out[len] = 0;
    return len;
}

/* ---- no_proxy ---------------------------------------------------------------- */

static int is_ipv4(const wchar16 *text, size_t len)
{
    if (!len) return 0;
    for (size_t i = 0; i < len; i++)
        if (!text_is_digit(text[i]) && text[i] != '.') return 0;
    return 1;
}

static int is_ipv6(const wchar16 *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
    {
        wchar16 c = text_lower(text[i]);
        if (!text_is_digit(c) && !(c >= 'a' && c <= 'f') && c != ':' && c != '.') return 0;
    }
    return 1;
}

/* "a.b.c.d/n" with n a multiple of 8: the whole octets as a pattern. */
static void put_cidr(struct text_out *o, const wchar16 *addr, size_t addr_len, const wchar16 *bits, size_t bits_len)
{
    size_t octets, end = 0;

    if (!is_ipv4(addr, addr_len)) return;
    if (bits_len == 1 && bits[0] == '0') octets = 0;
    else if (bits_len == 1 && bits[0] == '8') octets = 1;
    else if (bits_len == 2 && bits[0] == '1' && bits[1] == '6') octets = 2;
    else if (bits_len == 2 && bits[0] == '2' && bits[1] == '4') octets = 3;
    else if (bits_len == 2 && bits[0] == '3' && bits[1] == '2') octets = 4;
    else return;

    for (size_t i = 0; i < octets; i++)
    {
        end = text_find(addr, i ? end + 1 : 0, addr_len, '.');
        if (i < 3 && end == addr_len) return;   /* fewer than four octets */
    }
    put_separator(o);
    put_text(o, addr, octets == 4 ? addr_len : end);
    if (octets < 4) put_ascii(o, octets ? ".*" : "*");
}

/* One host pattern with its port, if any. */
static void put_host(struct text_out *o, const char *prefix, const wchar16 *host, size_t host_len, int bracket,
                     const wchar16 *port, size_t port_len)
{
    put_separator(o);
    put_ascii(o, prefix);
    if (bracket) put_ascii(o, "[");
    put_text(o, host, host_len);
    if (bracket) put_ascii(o, "]");
    if (!port_len) return;
    put_ascii(o, ":");
    put_text(o, port, port_len);
}

/* host, [v6], [v6]:port, bare v6, host:port; names cover their subdomains. */
static void put_no_proxy_entry(struct text_out *o, const wchar16 *text, size_t len)
{
    size_t slash = text_find(text, 0, len, '/'), colon;
    const wchar16 *port = NULL;
    size_t port_len = 0;
    int ipv6 = 0;
    uint16_t number;

    if (len == 1 && text[0] == '*')
    {
        put_separator(o);
        put_ascii(o, "*");
        return;
    }
    if (slash < len)
    {
        put_cidr(o, text, slash, text + slash + 1, len - slash - 1);
        return;
    }

    if (text[0] == '[')
    {
        size_t close = text_find(text, 0, len, ']');

        if (close == len || close == 1) return;
        if (close + 1 < len)
        {
            if (text[close + 1] != ':') return;
            port = text + close + 2;
            port_len = len - close - 2;
        }
        text++;
        len = close - 1;
        ipv6 = 1;
    }
    else
    {
        colon = text_find(text, 0, len, ':');
        if (colon < len && text_find(text, colon + 1, len, ':') < len) ipv6 = 1;
        else if (colon < len) port = text + colon + 1, port_len = len - colon - 1, len = colon;
    }
    if (port && !text_port(port, port_len, &number)) return;
    while (!ipv6 && len && text[0] == '.') text++, len--;   /* ".b.com" is "b.com" and below */
    if (!len) return;
    if (ipv6 ? !is_ipv6(text, len) : !text_valid_host(text, len)) return;

    put_host(o, "", text, len, ipv6, port, port_len);
    if (!ipv6 && !is_ipv4(text, len) && text[0] != '*') put_host(o, "*.", text, len, 0, port, port_len);
}

static int is_no_proxy_separator(wchar16 c)
{
    return c == ',' || c == ';' || text_is_space(c);
}

static void build_bypass(const wchar16 *no_proxy, size_t len, struct text_out *o)
{
    size_t pos = 0;

    while (no_proxy && pos < len)
    {
        size_t start;

        while (pos < len && is_no_proxy_separator(no_proxy[pos])) pos++;
        start = pos;
        while (pos < len && !is_no_proxy_separator(no_proxy[pos])) pos++;
        /* a name never holds '@': such an entry is dropped whole, so that
           nothing shaped like user@host reaches a list */
        if (pos > start && text_find(no_proxy, start, pos, '@') == pos)
            put_no_proxy_entry(o, no_proxy + start, pos - start);
    }
}

size_t proxy_env_bypass(const wchar16 *no_proxy, size_t len, wchar16 *out, size_t capacity)
{
    struct text_out o = { NULL, 0 };
    size_t needed;

    len = value_length(no_proxy, len);
    build_bypass(no_proxy, len, &o);
    needed = o.len;
    if (!out || capacity <= needed) return needed;
    o.buf = out;
    o.len = 0;
    build_bypass(no_proxy, len, &o);
    out[needed] = 0;
    return needed;
}
