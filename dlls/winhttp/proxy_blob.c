/* The binary registry values WinHttpSettings and DefaultConnectionSettings.
 * Pure C: see proxy_config.h.  Lengths come from the registry, which anyone
 * may write: each is checked against what is left before it is used. */
#include <string.h>

#include "proxy_config.h"

struct reader
{
    const uint8_t *data;
    size_t         size, pos;
};

static int read_dword(struct reader *r, uint32_t *value)
{
    if (r->size - r->pos < 4) return 0;
    *value = r->data[r->pos] | r->data[r->pos + 1] << 8 | r->data[r->pos + 2] << 16 |
             (uint32_t)r->data[r->pos + 3] << 24;
    r->pos += 4;
    return 1;
}

/* DWORD length, then that many bytes */
static int read_string(struct reader *r, struct proxy_blob_string *s)
{
    uint32_t len;

    if (!read_dword(r, &len) || len > r->size - r->pos) return 0;
    s->data = r->data + r->pos;
    s->len = len;
    r->pos += len;
    return 1;
}

int proxy_blob_decode(const uint8_t *data, size_t size, enum proxy_blob_kind kind, struct proxy_blob *blob)
{
    struct reader r = { data, data ? size : 0, 0 };

    memset(blob, 0, sizeof(*blob));
    if (!read_dword(&r, &blob->version) || !read_dword(&r, &blob->counter) || !read_dword(&r, &blob->flags))
        return 0;
    if (!read_string(&r, &blob->proxy) || !read_string(&r, &blob->bypass)) return 0;
    if (kind == PROXY_BLOB_IE && !read_string(&r, &blob->auto_config_url)) return 0;
    blob->trailer.data = data + r.pos;
    blob->trailer.len = r.size - r.pos;
    return 1;
}

struct writer
{
    uint8_t *out;       /* NULL while only measuring */
    size_t   size;
};

static void write_bytes(struct writer *w, const void *bytes, size_t len)
{
    if (w->out && len) memcpy(w->out + w->size, bytes, len);
    w->size += len;
}

static void write_dword(struct writer *w, uint32_t value)
{
    uint8_t bytes[4] = { value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >> 24 };
    write_bytes(w, bytes, 4);
}

static void write_string(struct writer *w, const struct proxy_blob_string *s)
{
    write_dword(w, (uint32_t)s->len);
    write_bytes(w, s->data, s->len);
}

static void lay_out(const struct proxy_blob *blob, enum proxy_blob_kind kind, struct writer *w)
{
    write_dword(w, blob->version);
    write_dword(w, blob->counter);
    write_dword(w, blob->flags);
    write_string(w, &blob->proxy);
    write_string(w, &blob->bypass);
    if (kind == PROXY_BLOB_IE) write_string(w, &blob->auto_config_url);
    write_bytes(w, blob->trailer.data, blob->trailer.len);
}

/* Longer than a DWORD counts (never with a 32-bit size_t). */
static int too_long(const struct proxy_blob_string *s)
{
    return (s->len >> 31 >> 1) != 0;
}

size_t proxy_blob_encode(const struct proxy_blob *blob, enum proxy_blob_kind kind, uint8_t *out, size_t capacity)
{
    struct writer w = { NULL, 0 };

    if (too_long(&blob->proxy) || too_long(&blob->bypass) || too_long(&blob->auto_config_url)) return 0;
    lay_out(blob, kind, &w);
    if (out && capacity >= w.size)
    {
        size_t needed = w.size;

        w.out = out;
        w.size = 0;
        lay_out(blob, kind, &w);
        return needed;
    }
    return w.size;
}
