/* gzip and deflate bodies with zlib: see content_decoder.h. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "content_decoder.h"

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int names(const char *value, size_t len, const char *name)
{
    size_t n = strlen(name);

    if (len != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)value[i]) != name[i]) return 0;
    return 1;
}

enum content_coding content_coding_parse(const char *value, size_t len)
{
    while (len && (*value == ' ' || *value == '\t')) { value++; len--; }
    while (len && (value[len - 1] == ' ' || value[len - 1] == '\t')) len--;
    if (names(value, len, "gzip") || names(value, len, "x-gzip")) return CODING_GZIP;
    if (names(value, len, "deflate")) return CODING_DEFLATE;
    return CODING_IDENTITY;
}

int content_decoder_init(struct content_decoder *d, enum content_coding coding)
{
    memset(d, 0, sizeof(*d));
    d->coding = coding;
    if (!(d->zstream = calloc(1, sizeof(z_stream)))) return -1;
    if (coding != CODING_GZIP) return 0;
    /* 16: the gzip wrapper, with its header and CRC checked */
    if (inflateInit2((z_stream *)d->zstream, 15 + 16) != Z_OK) return -1;
    d->started = 1;
    return 0;
}

/* "deflate" is the zlib format (RFC 9110 8.4.1.2), but some servers send a
 * raw deflate stream: a valid zlib header (RFC 1950 2.2: method 8, a window
 * of at most 32 KiB, the check bits) decides. */
static int start_deflate(struct content_decoder *d)
{
    const unsigned char *h = d->first;
    int zlib = (h[0] & 0x0f) == 8 && (h[0] >> 4) <= 7 && ((h[0] << 8) | h[1]) % 31 == 0;

    if (inflateInit2((z_stream *)d->zstream, zlib ? 15 : -15) != Z_OK) return -1;
    d->started = 1;
    return 0;
}

/* One inflate call over in[0..in_len); adds to *used and *made. */
static enum decode_result run(struct content_decoder *d, const unsigned char *in, size_t in_len, size_t *used,
                              unsigned char *out, size_t out_size, size_t *made)
{
    z_stream *z = d->zstream;
    int ret;

    z->next_in = (Bytef *)in;
    z->avail_in = (uInt)(in_len > 0x40000000 ? 0x40000000 : in_len);
    z->next_out = out;
    z->avail_out = (uInt)(out_size > 0x40000000 ? 0x40000000 : out_size);
    ret = inflate(z, Z_NO_FLUSH);
    *used += (size_t)(z->next_in - in);
    *made += (size_t)(z->next_out - out);
    if (ret == Z_STREAM_END)
    {
        d->ended = 1;
        return DECODE_END;
    }
    return ret == Z_OK || ret == Z_BUF_ERROR ? DECODE_MORE : DECODE_ERROR;
}

/* A gzip body may hold several members one after another (RFC 1952 2.2):
 * after one ends, another that starts is decoded too. */
static int next_member(struct content_decoder *d, const unsigned char *in, size_t in_len)
{
    if (d->coding != CODING_GZIP || !in_len || in[0] != 0x1f) return 0;
    if (inflateReset((z_stream *)d->zstream) != Z_OK) return 0;
    d->ended = 0;
    return 1;
}

enum decode_result content_decoder_feed(struct content_decoder *d, const void *in_data, size_t in_len, size_t *consumed,
                                        void *out_data, size_t out_size, size_t *produced)
{
    const unsigned char *in = in_data ? in_data : (const unsigned char *)"";   /* a flush may pass NULL: no arithmetic on it */
    unsigned char *out = out_data;
    enum decode_result result = DECODE_MORE;

    *consumed = *produced = 0;
    while (!d->started && d->first_len < 2 && *consumed < in_len) d->first[d->first_len++] = in[(*consumed)++];
    if (!d->started)
    {
        if (d->first_len < 2) return DECODE_MORE;
        if (start_deflate(d)) return DECODE_ERROR;
    }
    /* the two bytes that decided go to zlib before the rest */
    while (d->coding == CODING_DEFLATE && d->first_used < d->first_len && !d->ended)
    {
        size_t before = d->first_used, made = *produced;

        result = run(d, d->first + d->first_used, d->first_len - d->first_used, &d->first_used, out + *produced,
                     out_size - *produced, produced);
        if (result == DECODE_ERROR) return result;
        if (d->first_used == before && *produced == made) return DECODE_MORE;    /* the output is full */
    }
    while (*consumed < in_len || (result == DECODE_MORE && *produced < out_size && !in_len))
    {
        size_t before = *consumed, made = *produced;

        if (d->ended && (d->trailing || !next_member(d, in + *consumed, in_len - *consumed)))
        {
            if (*consumed < in_len) d->trailing = 1;
            *consumed = in_len;     /* after the end: ignored, as browsers do */
            return DECODE_END;
        }
        result = run(d, in + *consumed, in_len - *consumed, consumed, out + *produced, out_size - *produced, produced);
        if (result == DECODE_ERROR) return result;
        if (*produced == out_size || (*consumed == before && *produced == made)) break;
    }
    return d->ended ? DECODE_END : result;
}

void content_decoder_free(struct content_decoder *d)
{
    if (d->zstream && d->started) inflateEnd((z_stream *)d->zstream);
    free(d->zstream);
    memset(d, 0, sizeof(*d));
}
