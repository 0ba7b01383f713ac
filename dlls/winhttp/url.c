/* URL cracking and composing for WinHttpCrackUrl and WinHttpCreateUrl.
 * Pure C: see url.h.  Every loop is bounded by a length it was given. */
#include <string.h>

#include "url.h"

/* ---- characters --------------------------------------------------------- */

static int is_digit(wchar16 c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(wchar16 c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static wchar16 ascii_lower(wchar16 c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Whether str[0..length) spells the lowercase ASCII name, in any case. */
static int equals_nocase(const wchar16 *str, size_t length, const char *name)
{
    size_t i;

    for (i = 0; i < length; i++)
        if (!name[i] || ascii_lower(str[i]) != (wchar16)name[i]) return 0;
    return !name[i];
}

/* The index of the first c in str[start..end), or end. */
static size_t find_char(const wchar16 *str, size_t start, size_t end, wchar16 c)
{
    while (start < end && str[start] != c) start++;
    return start;
}

/* The index of the first character of set in str[start..end), or end. */
static size_t find_any(const wchar16 *str, size_t start, size_t end, const char *set)
{
    for (; start < end; start++)
        if (str[start] < 0x80 && str[start] && strchr(set, (char)str[start])) break;
    return start;
}

/* The index of the last c in str[start..end), or end. */
static size_t find_last(const wchar16 *str, size_t start, size_t end, wchar16 c)
{
    for (size_t i = end; i > start; i--)
        if (str[i - 1] == c) return i - 1;
    return end;
}

static struct url_span span(size_t start, size_t end)
{
    struct url_span result = { start, end - start, 1 };
    return result;
}

/* ---- parsing ---------------------------------------------------------- */

/* An empty port ("host:") keeps the scheme's default. */
static enum url_status parse_port(const wchar16 *text, size_t length, uint16_t *port)
{
    uint32_t value = 0;

    if (!length) return URL_OK;
    for (size_t i = 0; i < length; i++)
    {
        if (!is_digit(text[i])) return URL_INVALID;
        value = value * 10 + (text[i] - '0');
        if (value > 65535) return URL_INVALID;
    }
    *port = (uint16_t)value;
    return URL_OK;
}

static enum url_status parse_scheme(const wchar16 *url, size_t length, struct url_layout *layout)
{
    size_t colon = find_char(url, 0, length, ':');

    if (colon == length) return URL_UNRECOGNIZED_SCHEME;
    layout->scheme = span(0, colon);
    if (equals_nocase(url, colon, "http"))
    {
        layout->scheme_id = URL_SCHEME_HTTP;
        layout->port = URL_PORT_HTTP;
    }
    else if (equals_nocase(url, colon, "https"))
    {
        layout->scheme_id = URL_SCHEME_HTTPS;
        layout->port = URL_PORT_HTTPS;
    }
    else return URL_UNRECOGNIZED_SCHEME;
    return URL_OK;
}

/* userinfo "@": the last '@' of the authority ends it, as in browsers; the
 * first ':' in it separates the password. */
static size_t parse_userinfo(const wchar16 *url, size_t start, size_t end, struct url_layout *layout)
{
    size_t at = find_last(url, start, end, '@'), colon;

    if (at == end) return start;
    colon = find_char(url, start, at, ':');
    layout->user = span(start, colon);
    if (colon < at) layout->password = span(colon + 1, at);
    return at + 1;
}

/* host [":" port], where host may be an IPv6 literal in brackets. */
static enum url_status parse_hostport(const wchar16 *url, size_t start, size_t end, struct url_layout *layout)
{
    size_t host_end;

    if (start < end && url[start] == '[')
    {
        size_t close = find_char(url, start, end, ']');
        if (close == end) return URL_INVALID;
        host_end = close + 1;
        if (host_end < end && url[host_end] != ':') return URL_INVALID;
    }
    else host_end = find_char(url, start, end, ':');

    layout->host = span(start, host_end);
    if (host_end == end) return URL_OK;
    return parse_port(url + host_end + 1, end - host_end - 1, &layout->port);
}

enum url_status url_parse(const wchar16 *url, size_t length, struct url_layout *layout)
{
    enum url_status status;
    size_t authority, authority_end, extra;

    memset(layout, 0, sizeof(*layout));
    if (!url) return URL_UNRECOGNIZED_SCHEME;
    if ((status = parse_scheme(url, length, layout))) return status;

    authority = layout->scheme.length + 1;
    if (length - authority < 2 || url[authority] != '/' || url[authority + 1] != '/') return URL_INVALID;
    authority += 2;
    if (authority == length) return URL_INVALID;

    authority_end = find_any(url, authority, length, "/?#");
    authority = parse_userinfo(url, authority, authority_end, layout);
    if ((status = parse_hostport(url, authority, authority_end, layout))) return status;

    extra = find_any(url, authority_end, length, "?#");
    layout->path = span(authority_end, extra);
    layout->extra = span(extra, length);
    return URL_OK;
}

/* ---- escaping and decoding ------------------------------------------------- */

enum transform { TRANSFORM_COPY, TRANSFORM_DECODE, TRANSFORM_ESCAPE };

#define UNESCAPABLE SIZE_MAX

/* Controls, space, non-ASCII and RFC 1738's unsafe characters. */
static int needs_escape(wchar16 c)
{
    if (c <= 0x20 || c >= 0x7f) return 1;
    return strchr("\"#%<>[\\]^`{|}~", (char)c) != NULL;
}

/* Transforms src[0..length): copies it, decodes each %xx into the character
 * xx (no UTF-8), or escapes what needs_escape() says into %XX, '%' only from
 * index percent_from on.  One %xx stands for one character up to U+00FF, so a
 * character above that cannot be escaped: the result is then UNESCAPABLE.
 * Returns the length of the result; writes it to out unless out is NULL. */
static size_t transform(const wchar16 *src, size_t length, enum transform how, size_t percent_from,
                        wchar16 *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;

    for (size_t i = 0; i < length; i++)
    {
        wchar16 c = src[i];

        if (how == TRANSFORM_DECODE && c == '%' && length - i >= 3 && hex_value(src[i + 1]) >= 0 &&
            hex_value(src[i + 2]) >= 0)
        {
            if (out) out[n] = (wchar16)(hex_value(src[i + 1]) * 16 + hex_value(src[i + 2]));
            n++;
            i += 2;
        }
        else if (how == TRANSFORM_ESCAPE && needs_escape(c) && (c != '%' || i >= percent_from))
        {
            if (c > 0xff) return UNESCAPABLE;
            if (out)
            {
                out[n] = '%';
                out[n + 1] = (wchar16)hex[c >> 4];
                out[n + 2] = (wchar16)hex[c & 0xf];
            }
            n += 3;
        }
        else
        {
            if (out) out[n] = c;
            n++;
        }
    }
    return n;
}

/* ---- WinHttpCrackUrl ---------------------------------------------------- */

/* What url_crack does for one component. */
struct crack_job
{
    struct url_component  *component;
    const struct url_span *span;
    enum transform         how;
    size_t                 percent_from;
    size_t                 needed;       /* transformed length, without the NUL */
};

/* Components that want a buffer copy: size them, so that nothing is written
 * before every component is known to be expressible. */
static enum url_status size_job(const wchar16 *url, struct crack_job *job)
{
    const struct url_span *s = job->span;

    job->needed = 0;
    if (!job->component->text || !s->present) return URL_OK;
    job->needed = transform(url + s->start, s->length, job->how, job->percent_from, NULL);
    if (job->needed == UNESCAPABLE) return URL_INVALID_PARAMETER;
    if (job->needed >= UINT32_MAX) return URL_INVALID;
    return URL_OK;
}

static enum url_status run_job(const wchar16 *url, struct crack_job *job)
{
    struct url_component *c = job->component;
    const struct url_span *s = job->span;

    if (!c->length) return URL_OK;
    if (!c->text)
    {
        /* The URL is the caller's; the pointer handed back is theirs too. */
        c->text = s->present ? (wchar16 *)(uintptr_t)(url + s->start) : NULL;
        c->length = s->present ? (uint32_t)s->length : 0;
        return URL_OK;
    }
    if (job->needed >= c->length)
    {
        c->length = (uint32_t)job->needed + 1;
        return URL_INSUFFICIENT_BUFFER;
    }
    if (s->present) transform(url + s->start, s->length, job->how, job->percent_from, c->text);
    c->text[job->needed] = 0;
    c->length = (uint32_t)job->needed;
    return URL_OK;
}

static enum transform transform_for(uint32_t flags)
{
    if (flags & URL_FLAG_ESCAPE) return TRANSFORM_ESCAPE;
    if (flags & URL_FLAG_DECODE) return TRANSFORM_DECODE;
    return TRANSFORM_COPY;
}

/* A buffer of no size is refused; so are pointers into the URL when the
 * components have to be transformed (the result lives nowhere). */
static enum url_status check_requests(const struct url_components *uc, enum transform how)
{
    const struct url_component *all[] = { &uc->scheme, &uc->host, &uc->user, &uc->password, &uc->path, &uc->extra };

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
    {
        if (all[i]->text && !all[i]->length) return URL_INVALID_PARAMETER;
        if (!all[i]->text && all[i]->length && how != TRANSFORM_COPY) return URL_INVALID_PARAMETER;
    }
    return URL_OK;
}

/* ICU_ESCAPE keeps the '%' before the last '/' of the path and extra info
 * (escapes already made there) and escapes those after it, as Windows'
 * builtin does.  Returns the index just after that '/'. */
static size_t percent_escape_start(const wchar16 *url, const struct url_layout *layout)
{
    size_t start = layout->path.start, end = layout->extra.start + layout->extra.length;
    size_t slash = find_last(url, start, end, '/');

    return slash == end ? start : slash + 1;
}

enum url_status url_crack(const wchar16 *url, size_t length, uint32_t flags, struct url_components *uc)
{
    struct url_components result = *uc;
    struct url_layout layout;
    enum transform how = transform_for(flags);
    enum transform strings = how == TRANSFORM_ESCAPE ? TRANSFORM_COPY : how;
    enum url_status status, overall = URL_OK;
    size_t percent_from;

    if ((status = check_requests(uc, how))) return status;
    if ((status = url_parse(url, length, &layout))) return status;
    if ((flags & URL_FLAG_REJECT_USERPWD) && layout.user.present) return URL_INVALID;

    /* native: a caller that does not ask for the extra info gets it with
     * the path ("/a?b" as the path) */
    if (!uc->extra.text && !uc->extra.length && uc->path.length)
    {
        layout.path.length += layout.extra.length;
        layout.extra.start += layout.extra.length;
        layout.extra.length = 0;
    }
    percent_from = percent_escape_start(url, &layout);
    {
        struct crack_job jobs[] =
        {
            { &result.scheme,   &layout.scheme,   TRANSFORM_COPY, 0, 0 },
            { &result.host,     &layout.host,     strings,        0, 0 },
            { &result.user,     &layout.user,     strings,        0, 0 },
            { &result.password, &layout.password, strings,        0, 0 },
            { &result.path,     &layout.path,     how,            0, 0 },
            { &result.extra,    &layout.extra,    how,            0, 0 },
        };
        size_t count = sizeof(jobs) / sizeof(jobs[0]);

        jobs[4].percent_from = percent_from > layout.path.start ? percent_from - layout.path.start : 0;
        jobs[5].percent_from = percent_from > layout.extra.start ? percent_from - layout.extra.start : 0;
        for (size_t i = 0; i < count; i++)
            if ((status = size_job(url, &jobs[i]))) return status;
        for (size_t i = 0; i < count; i++)
            if ((status = run_job(url, &jobs[i]))) overall = status;
    }
    result.scheme_id = layout.scheme_id;
    result.port = layout.port;
    *uc = result;
    return overall;
}

/* ---- WinHttpCreateUrl ------------------------------------------------------ */

/* Output that counts first (out NULL) and writes once the size is known. */
struct writer
{
    wchar16 *out;
    size_t   length;
    int      overflow;
};

static void put_chars(struct writer *w, const wchar16 *text, size_t n)
{
    if (n > SIZE_MAX / 4 - w->length)
    {
        w->overflow = 1;
        return;
    }
    if (w->out && n) memcpy(w->out + w->length, text, n * sizeof(*text));
    w->length += n;
}

static void put_char(struct writer *w, wchar16 c)
{
    put_chars(w, &c, 1);
}

static void put_ascii(struct writer *w, const char *text)
{
    while (*text) put_char(w, (wchar16)*text++);
}

static void put_port(struct writer *w, uint16_t port)
{
    char digits[8], *p = digits + sizeof(digits);

    *--p = 0;
    do *--p = (char)('0' + port % 10); while (port /= 10);
    put_char(w, ':');
    put_ascii(w, p);
}

/* Writes a string, escaped when asked; 0 when it cannot be escaped. */
static int put_string(struct writer *w, const struct url_string *s, int escape)
{
    size_t n;

    if (!escape)
    {
        put_chars(w, s->text, s->length);
        return 1;
    }
    n = transform(s->text, s->length, TRANSFORM_ESCAPE, 0, NULL);
    if (n == UNESCAPABLE) return 0;
    if (n > SIZE_MAX / 4 - w->length)
    {
        w->overflow = 1;
        return 1;
    }
    if (w->out) transform(s->text, s->length, TRANSFORM_ESCAPE, 0, w->out + w->length);
    w->length += n;
    return 1;
}

static const wchar16 http_name[] = { 'h', 't', 't', 'p' };
static const wchar16 https_name[] = { 'h', 't', 't', 'p', 's' };

/* The scheme string and its default port (-1: none). */
static enum url_status scheme_for(const struct url_create_parts *parts, struct url_string *name, int *default_port)
{
    if (parts->scheme.text) *name = parts->scheme;
    else if (parts->scheme_id == URL_SCHEME_HTTPS)
    {
        name->text = https_name;
        name->length = sizeof(https_name) / sizeof(https_name[0]);
    }
    else if (parts->scheme_id == URL_SCHEME_HTTP || !parts->scheme_id)
    {
        name->text = http_name;
        name->length = sizeof(http_name) / sizeof(http_name[0]);
    }
    else return URL_UNRECOGNIZED_SCHEME;

    if (equals_nocase(name->text, name->length, "http")) *default_port = URL_PORT_HTTP;
    else if (equals_nocase(name->text, name->length, "https")) *default_port = URL_PORT_HTTPS;
    else *default_port = -1;
    return URL_OK;
}

/* An IPv6 address needs brackets in a URL. */
static int needs_brackets(const struct url_string *host)
{
    return host->length && host->text[0] != '[' && find_char(host->text, 0, host->length, ':') < host->length;
}

/* The port goes out unless it is the scheme's default; port 0 means "the
 * default" only when a scheme was given (native writes ":0" otherwise). */
static void put_host(struct writer *w, const struct url_create_parts *parts, int default_port)
{
    int brackets = needs_brackets(&parts->host);
    int scheme_given = parts->scheme.text || parts->scheme_id;

    if (brackets) put_char(w, '[');
    put_chars(w, parts->host.text, parts->host.length);
    if (brackets) put_char(w, ']');
    if (parts->port != default_port && (parts->port != URL_PORT_DEFAULT || !scheme_given)) put_port(w, parts->port);
}

static enum url_status compose(const struct url_create_parts *parts, uint32_t flags, struct writer *w)
{
    int escape = !!(flags & URL_FLAG_ESCAPE), default_port;
    struct url_string scheme;
    enum url_status status;

    if ((status = scheme_for(parts, &scheme, &default_port))) return status;
    put_chars(w, scheme.text, scheme.length);
    put_ascii(w, "://");
    if (parts->user.text)
    {
        put_chars(w, parts->user.text, parts->user.length);
        if (parts->password.text)
        {
            put_char(w, ':');
            put_chars(w, parts->password.text, parts->password.length);
        }
        put_char(w, '@');
    }
    if (parts->host.text) put_host(w, parts, default_port);
    if (parts->path.text)
    {
        /* a path joins a host with a '/'; without a host native writes it as it is */
        if (parts->host.text && (!parts->path.length || parts->path.text[0] != '/')) put_char(w, '/');
        if (!put_string(w, &parts->path, escape)) return URL_INVALID_PARAMETER;
    }
    if (parts->extra.text && !put_string(w, &parts->extra, escape)) return URL_INVALID_PARAMETER;
    return w->overflow ? URL_INVALID_PARAMETER : URL_OK;
}

enum url_status url_create(const struct url_create_parts *parts, uint32_t flags, wchar16 *out,
                           size_t capacity, size_t *length)
{
    struct writer w = { NULL, 0, 0 };
    enum url_status status;

    if (parts->password.text && !parts->user.text) return URL_INVALID_PARAMETER;
    if ((flags & URL_FLAG_REJECT_USERPWD) && (parts->user.text || parts->password.text)) return URL_INVALID;
    if ((status = compose(parts, flags, &w))) return status;
    if (!out || capacity <= w.length)
    {
        *length = w.length + 1;
        return URL_INSUFFICIENT_BUFFER;
    }
    w.out = out;
    w.length = 0;
    compose(parts, flags, &w);
    out[w.length] = 0;
    *length = w.length;
    return URL_OK;
}

/* ---- for the rest of the DLL ------------------------------------------------ */

size_t url_build(int secure, const wchar16 *host, uint16_t port, const wchar16 *path, wchar16 *out,
                 size_t capacity)
{
    static const wchar16 root[] = { '/', 0 };
    struct url_create_parts parts;
    size_t length = 0;

    memset(&parts, 0, sizeof(parts));
    parts.scheme_id = secure ? URL_SCHEME_HTTPS : URL_SCHEME_HTTP;
    parts.host.text = host;
    parts.host.length = host ? wcslen16(host) : 0;
    parts.path.text = path ? path : root;
    parts.path.length = wcslen16(parts.path.text);
    parts.port = port;
    if (url_create(&parts, 0, out, capacity, &length) == URL_OK) return length;
    return length ? length - 1 : 0;
}
