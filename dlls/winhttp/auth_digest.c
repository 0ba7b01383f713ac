/* Digest (RFC 7616) and Basic (RFC 7617) credentials: see auth_digest.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_digest.h"
#include "auth_base64.h"
#include "auth_hash.h"

/* ---- reading a challenge ---- */

static int copy_param(const struct auth_challenge *c, const char *name, char *buf, size_t cap)
{
    const struct auth_param *param = auth_find_param(c, name);

    buf[0] = 0;
    return param && auth_param_value(param, buf, cap) != (size_t)-1;
}

static int param_is(const struct auth_challenge *c, const char *name, const char *value)
{
    const struct auth_param *param = auth_find_param(c, name);
    return param && auth_span_is(param->value, value);
}

static int read_algorithm(const struct auth_challenge *c, enum digest_algorithm *algorithm)
{
    static const struct { const char *name; enum digest_algorithm algorithm; } names[] =
    {
        { "MD5", DIGEST_MD5 }, { "MD5-sess", DIGEST_MD5_SESS },
        { "SHA-256", DIGEST_SHA256 }, { "SHA-256-sess", DIGEST_SHA256_SESS },
    };
    const struct auth_param *param = auth_find_param(c, "algorithm");

    *algorithm = DIGEST_MD5;            /* the default (RFC 7616 section 3.3) */
    if (!param) return 1;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (auth_span_is(param->value, names[i].name))
        {
            *algorithm = names[i].algorithm;
            return 1;
        }
    return 0;
}

/* qop-options is a quoted, comma-separated list; unknown members are ignored. */
static unsigned read_qop(const struct auth_challenge *c, int *given)
{
    char list[DIGEST_TEXT_MAX];
    unsigned qop = 0;
    size_t i = 0;

    *given = copy_param(c, "qop", list, sizeof(list));
    while (*given && list[i])
    {
        size_t start, len;

        while (list[i] == ',' || list[i] == ' ' || list[i] == '\t') i++;
        start = i;
        while (list[i] && list[i] != ',' && list[i] != ' ' && list[i] != '\t') i++;
        len = i - start;
        if (len == 4 && !memcmp(list + start, "auth", 4)) qop |= DIGEST_QOP_AUTH;
        else if (len == 8 && !memcmp(list + start, "auth-int", 8)) qop |= DIGEST_QOP_AUTH_INT;
    }
    return qop;
}

int digest_read_challenge(const struct auth_challenge *c, struct digest_challenge *out)
{
    int qop_given;

    memset(out, 0, sizeof(*out));
    if (!auth_span_is(c->scheme, "Digest")) return -1;
    if (!copy_param(c, "realm", out->realm, sizeof(out->realm))) return -1;
    if (!copy_param(c, "nonce", out->nonce, sizeof(out->nonce)) || !out->nonce[0]) return -1;
    if (auth_find_param(c, "opaque") && !(out->has_opaque = copy_param(c, "opaque", out->opaque, sizeof(out->opaque))))
        return -1;
    if (!read_algorithm(c, &out->algorithm)) return -1;
    out->qop = read_qop(c, &qop_given);
    if (qop_given && !out->qop) return -1;
    out->stale = param_is(c, "stale", "true");
    out->userhash = param_is(c, "userhash", "true");
    out->utf8 = param_is(c, "charset", "UTF-8");
    return 0;
}

static int strength(enum digest_algorithm algorithm)
{
    return algorithm == DIGEST_SHA256 || algorithm == DIGEST_SHA256_SESS;
}

int digest_pick(const struct auth_challenges *list, struct digest_challenge *out)
{
    struct digest_challenge candidate;
    int found = 0;

    for (size_t i = 0; i < list->count; i++)
    {
        if (digest_read_challenge(&list->items[i], &candidate)) continue;
        if (found && strength(candidate.algorithm) <= strength(out->algorithm)) continue;
        *out = candidate;
        found = 1;
    }
    return found ? 0 : -1;
}

/* ---- a growing string ---- */

struct text
{
    char *data;
    size_t len, cap;
    int failed;
};

static void put(struct text *t, const char *s, size_t len)
{
    if (t->failed) return;
    if (t->len + len + 1 > t->cap)
    {
        size_t cap = (t->len + len + 1) * 2;
        char *data = realloc(t->data, cap);
        if (!data) { t->failed = 1; return; }
        t->data = data;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, len);
    t->len += len;
    t->data[t->len] = 0;
}

static void puts_(struct text *t, const char *s) { put(t, s, strlen(s)); }

/* A quoted-string: '"' and '\' escaped. */
static void put_quoted(struct text *t, const char *s)
{
    put(t, "\"", 1);
    for (; *s; s++)
    {
        if (*s == '"' || *s == '\\') put(t, "\\", 1);
        put(t, s, 1);
    }
    put(t, "\"", 1);
}

/* ---- hashing ---- */

static enum auth_hash_kind hash_kind(enum digest_algorithm algorithm)
{
    return strength(algorithm) ? AUTH_HASH_SHA256 : AUTH_HASH_MD5;
}

/* H() of the pieces joined by ':', as lowercase hex. */
static void hash_hex(enum auth_hash_kind kind, const char *const *pieces, size_t count, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char digest[AUTH_HASH_MAX];
    struct auth_hash hash;
    size_t len;

    auth_hash_init(&hash, kind);
    for (size_t i = 0; i < count; i++)
    {
        if (i) auth_hash_update(&hash, ":", 1);
        auth_hash_update(&hash, pieces[i], strlen(pieces[i]));
    }
    len = auth_hash_final(&hash, digest);
    for (size_t i = 0; i < len; i++)
    {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * len] = 0;
}

static void body_hex(enum auth_hash_kind kind, const void *body, size_t len, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char digest[AUTH_HASH_MAX];
    struct auth_hash hash;

    auth_hash_init(&hash, kind);
    if (len) auth_hash_update(&hash, body, len);
    len = auth_hash_final(&hash, digest);
    for (size_t i = 0; i < len; i++)
    {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * len] = 0;
}

static int needs_extended(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80 || (unsigned char)*s < 0x20) return 1;
    return 0;
}

/* username*=UTF-8''... (RFC 7616 section 3.4.4, RFC 8187 ext-value) */
static void put_ext_value(struct text *t, const char *s)
{
    static const char digits[] = "0123456789ABCDEF";

    puts_(t, "UTF-8''");
    for (; *s; s++)
    {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c))
            put(t, s, 1);
        else
        {
            char esc[3] = { '%', digits[c >> 4], digits[c & 15] };
            put(t, esc, 3);
        }
    }
}

static void put_username(struct text *t, const struct digest_challenge *c, const struct digest_request *r)
{
    char hex[2 * AUTH_HASH_MAX + 1];

    if (c->userhash)
    {
        const char *pieces[] = { r->username, c->realm };
        hash_hex(hash_kind(c->algorithm), pieces, 2, hex);
        puts_(t, "username=\"");
        puts_(t, hex);
        puts_(t, "\"");
    }
    else if (c->utf8 && needs_extended(r->username))
    {
        puts_(t, "username*=");
        put_ext_value(t, r->username);
    }
    else
    {
        puts_(t, "username=");
        put_quoted(t, r->username);
    }
}

static const char *algorithm_name(enum digest_algorithm algorithm)
{
    static const char *const names[] = { "MD5", "MD5-sess", "SHA-256", "SHA-256-sess" };
    return names[algorithm];
}

enum digest_result digest_authorization(const struct digest_challenge *c, const struct digest_request *r,
                                        char **out)
{
    enum auth_hash_kind kind = hash_kind(c->algorithm);
    char ha1[2 * AUTH_HASH_MAX + 1], ha2[2 * AUTH_HASH_MAX + 1], response[2 * AUTH_HASH_MAX + 1];
    char entity[2 * AUTH_HASH_MAX + 1], nc[16];
    const char *qop = NULL;
    struct text t = { 0 };

    /* auth when offered; auth-int only when it is all the server takes */
    if (c->qop & DIGEST_QOP_AUTH) qop = "auth";
    else if (c->qop & DIGEST_QOP_AUTH_INT)
    {
        if (!r->body_known) return DIGEST_NO_QOP;
        qop = "auth-int";
    }
    snprintf(nc, sizeof(nc), "%08x", r->nc);

    {
        const char *pieces[] = { r->username, c->realm, r->password };
        hash_hex(kind, pieces, 3, ha1);
    }
    if (c->algorithm == DIGEST_MD5_SESS || c->algorithm == DIGEST_SHA256_SESS)
    {
        const char *pieces[] = { ha1, c->nonce, r->cnonce };
        char sess[sizeof(ha1)];
        hash_hex(kind, pieces, 3, sess);
        memcpy(ha1, sess, sizeof(ha1));
    }
    if (qop && !strcmp(qop, "auth-int"))
    {
        const char *pieces[] = { r->method, r->uri, entity };
        body_hex(kind, r->body, r->body_len, entity);
        hash_hex(kind, pieces, 3, ha2);
    }
    else
    {
        const char *pieces[] = { r->method, r->uri };
        hash_hex(kind, pieces, 2, ha2);
    }
    if (qop)
    {
        const char *pieces[] = { ha1, c->nonce, nc, r->cnonce, qop, ha2 };
        hash_hex(kind, pieces, 6, response);
    }
    else
    {
        const char *pieces[] = { ha1, c->nonce, ha2 };
        hash_hex(kind, pieces, 3, response);
    }

    puts_(&t, "Digest ");
    put_username(&t, c, r);
    puts_(&t, ", realm=");
    put_quoted(&t, c->realm);
    puts_(&t, ", nonce=");
    put_quoted(&t, c->nonce);
    puts_(&t, ", uri=");
    put_quoted(&t, r->uri);
    puts_(&t, ", algorithm=");
    puts_(&t, algorithm_name(c->algorithm));
    puts_(&t, ", response=\"");
    puts_(&t, response);
    puts_(&t, "\"");
    if (c->has_opaque)
    {
        puts_(&t, ", opaque=");
        put_quoted(&t, c->opaque);
    }
    if (qop)
    {
        puts_(&t, ", qop=");
        puts_(&t, qop);
        puts_(&t, ", nc=");
        puts_(&t, nc);
        puts_(&t, ", cnonce=");
        put_quoted(&t, r->cnonce);
    }
    if (c->userhash) puts_(&t, ", userhash=true");
    if (t.failed)
    {
        free(t.data);
        return DIGEST_NO_MEMORY;
    }
    *out = t.data;
    return DIGEST_OK;
}

/* ---- Basic ---- */

char *basic_authorization(const char *username, const char *password)
{
    size_t user_len = strlen(username), len = user_len + 1 + strlen(password);
    char *plain = malloc(len + 1), *out;

    if (!plain) return NULL;
    memcpy(plain, username, user_len);
    plain[user_len] = ':';
    memcpy(plain + user_len + 1, password, len - user_len - 1);
    out = base64_encode("Basic ", plain, len);
    /* the password is not left in freed memory */
    memset(plain, 0, len);
    free(plain);
    return out;
}
