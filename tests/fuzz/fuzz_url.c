/* libFuzzer harness for url.c.
 *
 * The first byte picks the crack flags (bits 0-2: ESCAPE, DECODE,
 * REJECT_USERPWD), how components are requested (bits 3-4: pointers, small,
 * tight or large buffers; bit 5: leave the user name and extra info out) and
 * how the rest is read (bit 7: UTF-16LE code units, else one character per
 * byte).  The URL lives in an exact-size heap block without a terminator and
 * every buffer is exact-size too, so AddressSanitizer sees any overrun.  What
 * is cracked is composed again with url_create and, for plain cracks,
 * cracked once more: the parts must survive the trip. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

enum request_mode { MODE_POINTERS, MODE_SMALL, MODE_TIGHT, MODE_LARGE };

static size_t read_url(const uint8_t *data, size_t size, int utf16, wchar16 **url)
{
    size_t length = utf16 ? size / 2 : size;

    *url = malloc((length ? length : 1) * sizeof(wchar16));
    for (size_t i = 0; i < length; i++)
        (*url)[i] = utf16 ? (wchar16)(data[2 * i] | data[2 * i + 1] << 8) : data[i];
    return length;
}

static struct url_component *components(struct url_components *uc, int i)
{
    struct url_component *all[] = { &uc->scheme, &uc->host, &uc->user, &uc->password, &uc->path, &uc->extra };
    return all[i];
}

static void request(struct url_components *uc, enum request_mode mode, int sparse, size_t url_length)
{
    memset(uc, 0, sizeof(*uc));
    for (int i = 0; i < 6; i++)
    {
        struct url_component *c = components(uc, i);
        uint32_t size = mode == MODE_SMALL ? 2 : mode == MODE_TIGHT ? (uint32_t)url_length / 2 + 1
                                                                   : (uint32_t)url_length * 3 + 1;

        if (sparse && (i == 2 || i == 5)) continue;
        c->length = mode == MODE_POINTERS ? ~0u : size;
        if (mode != MODE_POINTERS) c->text = malloc(size * sizeof(wchar16));
    }
}

static void release(wchar16 *const buffers[6])
{
    for (int i = 0; i < 6; i++) free(buffers[i]);
}

/* What a successful crack hands back must lie where it says. */
static void check_cracked(const struct url_components *uc, wchar16 *const buffers[6], const wchar16 *url,
                          size_t length)
{
    for (int i = 0; i < 6; i++)
    {
        const struct url_component *c = components((struct url_components *)uc, i);
        if (buffers[i])
        {
            assert(c->text == buffers[i]);
            assert(c->text[c->length] == 0);
        }
        else if (c->text)
        {
            assert(c->text >= url && c->text + c->length <= url + length);
        }
    }
}

static struct url_string as_string(const struct url_component *c)
{
    struct url_string s = { c->text, c->text ? c->length : 0 };
    return s;
}

/* Compose the cracked parts; return the new URL (malloc'd) or NULL. */
static wchar16 *compose(const struct url_components *uc, uint32_t flags, size_t *length)
{
    struct url_create_parts parts;
    enum url_status status;
    wchar16 *out;
    size_t needed = 0;

    memset(&parts, 0, sizeof(parts));
    parts.scheme = as_string(&uc->scheme);
    parts.scheme_id = uc->scheme_id;
    parts.host = as_string(&uc->host);
    parts.port = uc->port;
    parts.user = as_string(&uc->user);
    parts.password = as_string(&uc->password);
    if (uc->path.length) parts.path = as_string(&uc->path);
    parts.extra = as_string(&uc->extra);
    if (!parts.user.text) parts.password.text = NULL;

    status = url_create(&parts, flags, NULL, 0, &needed);
    if (status != URL_INSUFFICIENT_BUFFER) return NULL;
    assert(needed >= 1);
    out = malloc(needed * sizeof(wchar16));
    if (needed > 1) assert(url_create(&parts, flags, out, needed - 1, length) == URL_INSUFFICIENT_BUFFER);
    status = url_create(&parts, flags, out, needed, length);
    assert(status == URL_OK);
    assert(*length == needed - 1 && out[*length] == 0);
    return out;
}

static int same(const struct url_component *a, const struct url_component *b)
{
    if (!a->text || !b->text) return !a->text == !b->text;
    return a->length == b->length && !memcmp(a->text, b->text, a->length * sizeof(wchar16));
}

/* A plain crack, composed and cracked again, gives the same parts. */
static void check_round_trip(const struct url_components *first, const wchar16 *url, size_t length)
{
    struct url_components second;
    wchar16 *copy;

    if (!first->port) return;   /* port 0 means "default" to url_create */
    request(&second, MODE_POINTERS, 0, length);
    copy = malloc(length * sizeof(wchar16));
    memcpy(copy, url, length * sizeof(wchar16));
    if (url_crack(copy, length, 0, &second) == URL_OK)
    {
        assert(second.scheme_id == first->scheme_id);
        assert(second.port == first->port);
        assert(same(&second.scheme, &first->scheme));
        assert(same(&second.host, &first->host));
        assert(same(&second.user, &first->user));
        assert(same(&second.password, &first->password));
        assert(same(&second.path, &first->path));
        assert(same(&second.extra, &first->extra));
    }
    else
    {
        /* Only an empty authority after "://" collapses into an invalid URL. */
        assert(length == first->scheme.length + 3);
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t flag_bits[] = { URL_FLAG_ESCAPE, URL_FLAG_DECODE, URL_FLAG_REJECT_USERPWD };
    struct url_components uc;
    wchar16 *url, *buffers[6], *composed;
    uint32_t flags = 0;
    enum request_mode mode;
    enum url_status status;
    size_t length, composed_length;
    wchar16 built[64];

    if (!size) return 0;
    for (int i = 0; i < 3; i++)
        if (data[0] & (1 << i)) flags |= flag_bits[i];
    mode = (enum request_mode)((data[0] >> 3) & 3);
    length = read_url(data + 1, size - 1, data[0] & 0x80, &url);

    request(&uc, mode, data[0] & 0x20, length);
    for (int i = 0; i < 6; i++) buffers[i] = mode == MODE_POINTERS ? NULL : components(&uc, i)->text;

    status = url_crack(url, length, flags, &uc);
    if (status == URL_OK)
    {
        check_cracked(&uc, buffers, url, length);
        if ((composed = compose(&uc, flags & ~URL_FLAG_REJECT_USERPWD, &composed_length)))
        {
            if (mode == MODE_POINTERS && !(flags & (URL_FLAG_ESCAPE | URL_FLAG_DECODE)) && !(data[0] & 0x20))
                check_round_trip(&uc, composed, composed_length);
            free(composed);
        }
        /* The URL_OPTION helper takes NUL-terminated host and path. */
        if (buffers[1] && buffers[4])
            url_build(uc.scheme_id == URL_SCHEME_HTTPS, uc.host.text, uc.port, uc.path.text, built, 64);
    }
    else if (status == URL_INSUFFICIENT_BUFFER) assert(mode != MODE_POINTERS);
    release(buffers);
    free(url);
    return 0;
}
