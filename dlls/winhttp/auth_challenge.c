/* The challenge parser: see auth_challenge.h. */
#include <string.h>

#include "auth_challenge.h"

struct cursor
{
    const char *p, *end;
};

static int is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_token68_char(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
    return c && strchr("-._~+/", c) != NULL;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static void skip_ows(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t')) c->p++;
}

/* Separators between list members: commas and whitespace (empty members
 * are allowed by the list syntax, RFC 9110 section 5.6.1). */
static void skip_separators(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == ',')) c->p++;
}

static struct auth_span read_token(struct cursor *c)
{
    struct auth_span span = { c->p, 0 };

    while (c->p < c->end && is_tchar((unsigned char)*c->p)) c->p++;
    span.len = (size_t)(c->p - span.ptr);
    return span;
}

/* Past the next comma outside a quoted string: where a member that did not
 * parse ends. */
static void skip_member(struct cursor *c)
{
    int quoted = 0;

    for (; c->p < c->end; c->p++)
    {
        if (quoted && *c->p == '\\' && c->p + 1 < c->end) c->p++;
        else if (*c->p == '"') quoted = !quoted;
        else if (!quoted && *c->p == ',') break;
    }
}

/* A token68 ends the challenge: its characters, then "="s, then nothing but
 * whitespace before a comma or the end.  Otherwise the cursor is left. */
static int read_token68(struct cursor *c, struct auth_span *out)
{
    struct cursor t = *c;

    while (t.p < t.end && is_token68_char((unsigned char)*t.p)) t.p++;
    if (t.p == c->p) return 0;
    while (t.p < t.end && *t.p == '=') t.p++;
    out->ptr = c->p;
    out->len = (size_t)(t.p - c->p);
    skip_ows(&t);
    if (t.p < t.end && *t.p != ',') return 0;
    *c = t;
    return 1;
}

/* A quoted-string's contents (escapes kept); 0 when it is not closed. */
static int read_quoted(struct cursor *c, struct auth_span *out)
{
    const char *start = ++c->p;

    for (; c->p < c->end; c->p++)
    {
        if (*c->p == '\\' && c->p + 1 < c->end) c->p++;
        else if (*c->p == '"')
        {
            out->ptr = start;
            out->len = (size_t)(c->p - start);
            c->p++;
            return 1;
        }
    }
    return 0;
}

/* "name = value" at the cursor: 1 parsed, 0 not a parameter (the cursor is
 * left where it was), -1 malformed (the cursor is past the member). */
static int read_param(struct cursor *c, struct auth_param *param)
{
    struct cursor t = *c;

    param->name = read_token(&t);
    if (!param->name.len) return 0;
    skip_ows(&t);
    if (t.p >= t.end || *t.p != '=') return 0;
    t.p++;
    skip_ows(&t);
    param->quoted = t.p < t.end && *t.p == '"';
    if (param->quoted)
    {
        if (!read_quoted(&t, &param->value)) { *c = t; return -1; }
    }
    else param->value = read_token(&t);
    skip_ows(&t);
    if (t.p < t.end && *t.p != ',')
    {
        *c = t;
        skip_member(c);
        return -1;
    }
    *c = t;
    return 1;
}

/* The parameters of the current challenge, up to the next scheme. */
static void read_params(struct cursor *c, struct auth_challenge *challenge)
{
    struct auth_param param;
    int result;

    for (;;)
    {
        skip_separators(c);
        if (c->p >= c->end) return;
        if (!(result = read_param(c, &param))) return;   /* a new challenge starts here */
        if (result < 0) continue;
        if (challenge && challenge->param_count < AUTH_MAX_PARAMS) challenge->params[challenge->param_count++] = param;
    }
}

size_t auth_parse(const char *text, size_t len, struct auth_challenges *list)
{
    struct cursor c = { text, text + len };
    size_t added = 0;

    for (;;)
    {
        struct auth_challenge *challenge = NULL;
        struct auth_span scheme;

        skip_separators(&c);
        if (c.p >= c.end) break;
        scheme = read_token(&c);
        /* a scheme must be followed by a space, a comma or the end */
        if (!scheme.len || (c.p < c.end && *c.p != ' ' && *c.p != '\t' && *c.p != ','))
        {
            skip_member(&c);
            continue;
        }
        if (list->count < AUTH_MAX_CHALLENGES)
        {
            challenge = &list->items[list->count++];
            memset(challenge, 0, sizeof(*challenge));
            challenge->scheme = scheme;
            added++;
        }
        skip_ows(&c);
        if (c.p < c.end && *c.p != ',')
        {
            struct auth_span token68;
            if (read_token68(&c, &token68))
            {
                if (challenge) challenge->token68 = token68;
                continue;
            }
        }
        read_params(&c, challenge);
    }
    return added;
}

int auth_span_is(struct auth_span span, const char *str)
{
    size_t i;

    for (i = 0; i < span.len; i++)
        if (!str[i] || lower((unsigned char)span.ptr[i]) != lower((unsigned char)str[i])) return 0;
    return !str[i];
}

const struct auth_param *auth_find_param(const struct auth_challenge *challenge, const char *name)
{
    for (size_t i = 0; i < challenge->param_count; i++)
        if (auth_span_is(challenge->params[i].name, name)) return &challenge->params[i];
    return NULL;
}

size_t auth_param_value(const struct auth_param *param, char *buf, size_t cap)
{
    size_t out = 0;

    for (size_t i = 0; i < param->value.len; i++)
    {
        char ch = param->value.ptr[i];
        if (param->quoted && ch == '\\' && i + 1 < param->value.len) ch = param->value.ptr[++i];
        if (!ch || out + 1 >= cap) return (size_t)-1;
        buf[out++] = ch;
    }
    if (!cap) return (size_t)-1;
    buf[out] = 0;
    return out;
}
