/* libFuzzer harness for content_decoder.c.
 *
 * The first byte picks the mode and the chunking: bits 0-1 the mode, bits
 * 2-4 the input chunk size, bits 5-7 the output buffer size.
 *   - modes 0 and 1: the rest is a gzip (0) or deflate (1) body, fed in
 *     chunks (exact-size heap copies, so AddressSanitizer sees an overread)
 *     into small output buffers as a caller does, on after END until the
 *     body is used up or ERROR, then flushed with in_len 0.  Each call uses
 *     what it is given or fills the buffer or ends; it comes out the same,
 *     bytes and verdict, as the whole body fed at once into a large buffer;
 *     END means ended.  Output is capped (a small body can hold megabytes).
 *   - mode 2: the rest (after a second byte picking the form and level) is
 *     compressed with zlib as gzip, zlib or raw deflate, and decodes back
 *     exactly, with END at the end;
 *   - mode 3: the same as two gzip members, split where the second byte
 *     says: the concatenation. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "content_decoder.h"

static const size_t chunk_sizes[8] = { 1, 2, 3, 7, 64, 512, 4096, (size_t)-1 };
static const size_t out_sizes[8] = { 1, 2, 13, 64, 256, 4096, 65536, 7 };

struct run
{
    enum decode_result last;
    unsigned char *out;     /* the first `cap` bytes of the output */
    size_t out_len, cap;
    int capped;             /* stopped at the cap: no verdict */
    int ends, ended;
    size_t consumed;
};

static void keep(struct run *r, const unsigned char *p, size_t n)
{
    size_t room = r->cap - r->out_len;

    if (n > room) n = room;
    memcpy(r->out + r->out_len, p, n);
    r->out_len += n;
}

static void run_decoder(struct run *r, enum content_coding coding, const unsigned char *body, size_t len, size_t chunk,
                        size_t out_size, size_t cap)
{
    struct content_decoder d;
    unsigned char *out = malloc(out_size);
    size_t pos = 0, calls = 0, max_calls = len + cap + 64;

    memset(r, 0, sizeof(*r));
    r->last = DECODE_MORE;
    r->cap = cap;
    r->out = malloc(cap ? cap : 1);
    if (content_decoder_init(&d, coding))
    {
        content_decoder_free(&d);   /* init failed: out of memory only */
        r->last = DECODE_ERROR;
        free(out);
        return;
    }
    while (pos < len && r->last != DECODE_ERROR && !r->capped)
    {
        size_t n = len - pos < chunk ? len - pos : chunk, off = 0;
        unsigned char *in = malloc(n);

        memcpy(in, body + pos, n);
        while (off < n && r->last != DECODE_ERROR && !r->capped)
        {
            size_t c = 0, p = 0;
            enum decode_result res = content_decoder_feed(&d, in + off, n - off, &c, out, out_size, &p);

            assert(++calls <= max_calls);
            assert(c <= n - off && p <= out_size);
            /* used what it was given, or filled the buffer, or ended */
            assert(res != DECODE_MORE || c == n - off || p == out_size);
            assert(res != DECODE_END || content_decoder_ended(&d));
            keep(r, out, p);
            off += c;
            r->consumed += c;
            r->last = res;
            r->ends += res == DECODE_END;
            r->capped = r->out_len >= cap;
            if (res == DECODE_END && !c && !p) break;     /* would say so again: next chunk */
        }
        free(in);
        pos += n;
    }
    /* the body is over: what zlib still holds */
    while (r->last == DECODE_MORE && !r->capped)
    {
        size_t c = 1, p = 0;
        enum decode_result res = content_decoder_feed(&d, NULL, 0, &c, out, out_size, &p);

        assert(++calls <= max_calls);
        assert(!c && p <= out_size);
        assert(res != DECODE_END || content_decoder_ended(&d));
        keep(r, out, p);
        r->last = res;
        r->ends += res == DECODE_END;
        r->capped = r->out_len >= cap;
        if (!p) break;
    }
    r->ended = content_decoder_ended(&d);
    if (!r->capped && r->last == DECODE_MORE) assert(!r->ended);
    content_decoder_free(&d);
    free(out);
}

static void check_decode(enum content_coding coding, const unsigned char *body, size_t len, size_t chunk,
                         size_t out_size)
{
    size_t cap = out_size < 64 ? 16384 * out_size : 1 << 20;
    struct run pieces, whole;

    run_decoder(&pieces, coding, body, len, chunk, out_size, cap);
    run_decoder(&whole, coding, body, len, (size_t)-1, 65536, cap);
    if (!pieces.capped && !whole.capped)
    {
        assert(pieces.last == whole.last);
        assert(pieces.ended == whole.ended);
        assert(pieces.out_len == whole.out_len);
        if (pieces.last != DECODE_ERROR) assert(pieces.consumed == len && whole.consumed == len);
    }
    /* ERROR may come after different amounts of output; what came agrees */
    {
        size_t n = pieces.out_len < whole.out_len ? pieces.out_len : whole.out_len;

        assert(!memcmp(pieces.out, whole.out, n));
    }
    free(pieces.out);
    free(whole.out);
}

static unsigned char *zcompress(const unsigned char *data, size_t len, int window_bits, int level, size_t *out_len)
{
    z_stream z;
    size_t cap;
    unsigned char *out;

    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) abort();
    cap = deflateBound(&z, (uLong)len) + 64;
    out = malloc(cap);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) abort();
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static void check_round_trip(const unsigned char *data, size_t len, unsigned form, size_t chunk, size_t out_size,
                             int two_members)
{
    static const int window_bits[3] = { 31, 15, -15 };
    int wb = two_members ? 31 : window_bits[form % 3], level = (int)(form / 3) % 10;
    enum content_coding coding = wb == 31 ? CODING_GZIP : CODING_DEFLATE;
    size_t split = two_members ? len * (form & 0xff) / 256 : len, z1_len, z2_len = 0, body_len;
    unsigned char *z1 = zcompress(data, split, wb, level, &z1_len), *z2 = NULL, *body;
    struct run r;

    if (two_members) z2 = zcompress(data + split, len - split, wb, level, &z2_len);
    body_len = z1_len + z2_len;
    body = malloc(body_len);
    memcpy(body, z1, z1_len);
    if (z2_len) memcpy(body + z1_len, z2, z2_len);
    run_decoder(&r, coding, body, body_len, chunk, out_size, len + 1);
    assert(!r.capped);
    assert(r.last == DECODE_END && r.ended && r.consumed == body_len);
    assert(r.out_len == len && !memcmp(r.out, data, len));
    free(r.out);
    free(body);
    free(z1);
    free(z2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned mode, form;
    size_t chunk, out_size;

    if (!size) return 0;
    mode = data[0] & 3;
    chunk = chunk_sizes[(data[0] >> 2) & 7];
    out_size = out_sizes[data[0] >> 5];
    data++, size--;
    if (mode < 2)
    {
        check_decode(mode == 0 ? CODING_GZIP : CODING_DEFLATE, data, size, chunk, out_size);
        return 0;
    }
    form = size ? data[0] : 0;
    if (size) data++, size--;
    check_round_trip(data, size, form, chunk, out_size, mode == 3);
    return 0;
}
