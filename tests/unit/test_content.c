/* Unit tests of the content decoder (content_decoder.c): the
 * Content-Encoding values it names, and gzip, zlib and raw deflate bodies
 * made by the host's zlib, decoded in every combination of input chunks and
 * output buffer sizes; several gzip members, what follows the end, corrupt
 * and truncated streams, and a high-ratio stream through a small buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "unit.h"
#include "content_decoder.h"

#define KIB 1024

struct buf
{
    unsigned char *data;
    size_t len, cap;
};

static void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* windowBits 31: gzip, 15: zlib, -15: raw deflate. */
static struct buf compress_with(const unsigned char *data, size_t len, int window_bits, int level)
{
    struct buf out = { 0 };
    z_stream z;
    size_t cap;

    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) abort();
    cap = deflateBound(&z, (uLong)len) + 64;
    if (!(out.data = malloc(cap))) abort();
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = out.data;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) abort();
    out.len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static struct buf zcompress(const unsigned char *data, size_t len, int window_bits)
{
    return compress_with(data, len, window_bits, Z_DEFAULT_COMPRESSION);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned char *make_text(size_t len)
{
    static const char *const words[] = { "the ", "body ", "of ", "a ", "response ", "compressed ", "with ",
                                         "gzip ", "or ", "deflate, ", "streaming\n", "HTTP/1.1 ", "200 ", "OK " };
    unsigned char *p = malloc(len ? len : 1);
    size_t n = 0;

    while (n < len)
    {
        const char *w = words[rng() % (sizeof(words) / sizeof(words[0]))];

        for (; *w && n < len; w++) p[n++] = (unsigned char)*w;
    }
    return p;
}

static unsigned char *make_random(size_t len)
{
    unsigned char *p = malloc(len ? len : 1);

    for (size_t i = 0; i < len; i++) p[i] = (unsigned char)rng();
    return p;
}

/* ---- a caller that feeds a whole body --------------------------------- */

struct outcome
{
    enum decode_result last;    /* END, ERROR, or MORE when the input ran out */
    struct buf out;             /* everything produced */
    size_t consumed;            /* input bytes used, over all calls */
    size_t end_at;              /* input delivered (offset in the body) when END first came */
    size_t end_out;             /* ...and output produced by then */
    int ends;                   /* how many END results */
    int ended_early;            /* content_decoder_ended before any END result */
    int ended_after;            /* content_decoder_ended after it all */
    int stuck;                  /* a call that could have progressed did not */
    int flush_bytes;            /* what the flush calls (in_len 0) delivered */
    int inconsistent;           /* consumed/produced beyond what was given */
};

static void append(struct buf *b, const unsigned char *p, size_t n)
{
    if (!n) return;
    if (b->len + n > b->cap)
    {
        b->cap = b->len + n > 2 * b->cap ? b->len + n : 2 * b->cap;
        if (!(b->data = realloc(b->data, b->cap))) abort();
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* Feeds body[0..len) in chunks of `chunk` bytes (each in an exact-size heap
 * copy, so AddressSanitizer sees any overread) into out_size-byte output
 * buffers (exact-size too), each chunk until it is used up, then flushes
 * with in_len 0 until END or nothing comes.  With stop_at_end, stops at the
 * first END, as a caller that trusts it would; without, goes on feeding
 * whatever is left (a body's framing says where it ends). */
static struct outcome decode(enum content_coding coding, const unsigned char *body, size_t len, size_t chunk,
                             size_t out_size, int stop_at_end)
{
    struct outcome o;
    struct content_decoder d;
    unsigned char *out = malloc(out_size);
    size_t pos = 0;
    long calls = 0, max_calls = 4 * (long)(len + 16) * 64 + 100000;

    memset(&o, 0, sizeof(o));
    o.last = DECODE_MORE;
    if (content_decoder_init(&d, coding)) abort();
    while (pos < len && !(stop_at_end && o.ends))
    {
        size_t n = len - pos < chunk ? len - pos : chunk, off = 0;
        unsigned char *in = malloc(n);

        memcpy(in, body + pos, n);
        while (off < n && !(stop_at_end && o.ends) && o.last != DECODE_ERROR && calls++ < max_calls)
        {
            size_t c = 12345, p = 12345;
            enum decode_result r = content_decoder_feed(&d, in + off, n - off, &c, out, out_size, &p);

            if (c > n - off || p > out_size)
            {
                o.inconsistent = 1;
                break;
            }
            if (!o.ends && content_decoder_ended(&d) && r != DECODE_END) o.ended_early = 1;
            append(&o.out, out, p);
            off += c;
            o.consumed += c;
            o.last = r;
            if (r == DECODE_END && !o.ends++)
            {
                o.end_at = pos + off;
                o.end_out = o.out.len;
            }
            if (r == DECODE_MORE && !c && !p)
            {
                o.stuck = 1;    /* input left and room for output, yet nothing */
                break;
            }
        }
        free(in);
        pos += n;
        if (o.last == DECODE_ERROR || o.stuck || o.inconsistent) break;
    }
    /* the body is over: what zlib still holds */
    while (o.last == DECODE_MORE && !o.stuck && !o.inconsistent && calls++ < max_calls)
    {
        size_t c = 12345, p = 12345;
        enum decode_result r = content_decoder_feed(&d, NULL, 0, &c, out, out_size, &p);

        if (c || p > out_size)
        {
            o.inconsistent = 1;
            break;
        }
        append(&o.out, out, p);
        o.flush_bytes += (int)p;
        o.last = r;
        if (r == DECODE_END && !o.ends++)
        {
            o.end_at = len;
            o.end_out = o.out.len;
        }
        if (!p) break;
    }
    if (calls >= max_calls) o.stuck = 1;
    o.ended_after = content_decoder_ended(&d);
    content_decoder_free(&d);
    free(out);
    return o;
}

static void outcome_free(struct outcome *o)
{
    buf_free(&o->out);
}

/* ---- content_coding_parse ----------------------------------------------- */

static void check_parse(const char *value, enum content_coding want)
{
    size_t len = strlen(value);
    char *copy = malloc(len ? len : 1);     /* exact size: no terminator to lean on */

    memcpy(copy, value, len);
    CHECK_MSG(content_coding_parse(copy, len) == want, "\"%s\": got %d, want %d", value,
              (int)content_coding_parse(copy, len), (int)want);
    free(copy);
}

static void test_parse(void)
{
    check_parse("gzip", CODING_GZIP);
    check_parse("x-gzip", CODING_GZIP);
    check_parse("GZIP", CODING_GZIP);
    check_parse("GzIp", CODING_GZIP);
    check_parse("X-GZIP", CODING_GZIP);
    check_parse("deflate", CODING_DEFLATE);
    check_parse("DEFLATE", CODING_DEFLATE);
    check_parse(" gzip", CODING_GZIP);
    check_parse("gzip ", CODING_GZIP);
    check_parse("\tgzip\t", CODING_GZIP);
    check_parse(" \t deflate \t ", CODING_DEFLATE);
    check_parse("  x-gzip", CODING_GZIP);
    check_parse("identity", CODING_IDENTITY);
    check_parse("IDENTITY", CODING_IDENTITY);
    check_parse("br", CODING_IDENTITY);
    check_parse("compress", CODING_IDENTITY);
    check_parse("zstd", CODING_IDENTITY);
    check_parse("gzip, deflate", CODING_IDENTITY);
    check_parse("deflate, gzip", CODING_IDENTITY);
    check_parse("gzip,gzip", CODING_IDENTITY);
    check_parse("gzip, identity", CODING_IDENTITY);
    check_parse("", CODING_IDENTITY);
    check_parse(" ", CODING_IDENTITY);
    check_parse(" \t ", CODING_IDENTITY);
    check_parse("gzi", CODING_IDENTITY);
    check_parse("gzipp", CODING_IDENTITY);
    check_parse("g zip", CODING_IDENTITY);
    check_parse("x-deflate", CODING_IDENTITY);
    check_parse("gzip;q=1", CODING_IDENTITY);
    check_parse("\"gzip\"", CODING_IDENTITY);
    /* only len bytes are read */
    CHECK(content_coding_parse("gzipped", 4) == CODING_GZIP);
    CHECK(content_coding_parse("deflate", 3) == CODING_IDENTITY);
    CHECK(content_coding_parse(NULL, 0) == CODING_IDENTITY);
}

/* ---- round trips ---------------------------------------------------------- */

struct form
{
    const char *name;
    enum content_coding coding;
    int window_bits;
};

static const struct form forms[] = {
    { "gzip", CODING_GZIP, 31 },
    { "zlib", CODING_DEFLATE, 15 },
    { "raw", CODING_DEFLATE, -15 },
};
#define NFORMS (sizeof(forms) / sizeof(forms[0]))

static const size_t chunks[] = { 1, 7, (size_t)-1 };
static const size_t out_sizes[] = { 1, 13, 64 * KIB };

/* One body in one form, every chunking and output size. */
static void check_round_trip(const struct form *f, const char *kind, const unsigned char *data, size_t len)
{
    struct buf z = zcompress(data, len, f->window_bits);

    for (size_t ci = 0; ci < 3; ci++)
        for (size_t oi = 0; oi < 3; oi++)
        {
            struct outcome o = decode(f->coding, z.data, z.len, chunks[ci], out_sizes[oi], 1);
            int same = o.out.len == len && (!len || !memcmp(o.out.data, data, len));

            CHECK_MSG(o.last == DECODE_END && same && o.ends == 1 && o.end_at == z.len && o.end_out == len &&
                          o.consumed == z.len && !o.ended_early && o.ended_after && !o.stuck && !o.inconsistent,
                      "%s %s %zu bytes (stream %zu), chunk %zd, out %zu: last %d, same %d (%zu bytes), ends %d "
                      "at %zu/%zu out %zu, consumed %zu, ended early %d after %d, stuck %d, inconsistent %d",
                      f->name, kind, len, z.len, (ssize_t)chunks[ci], out_sizes[oi], (int)o.last, same, o.out.len,
                      o.ends, o.end_at, z.len, o.end_out, o.consumed, o.ended_early, o.ended_after, o.stuck,
                      o.inconsistent);
            outcome_free(&o);
        }
    buf_free(&z);
}

static void test_round_trips(void)
{
    static const size_t sizes[] = { 0, 1, 100, 64 * KIB };

    for (size_t fi = 0; fi < NFORMS; fi++)
        for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
        {
            unsigned char *text = make_text(sizes[si]), *random = make_random(sizes[si]);

            check_round_trip(&forms[fi], "text", text, sizes[si]);
            check_round_trip(&forms[fi], "random", random, sizes[si]);
            free(text);
            free(random);
        }
}

/* Each level (0 is stored blocks, 1 fast, 9 best) decodes the same. */
static void test_levels(void)
{
    unsigned char *text = make_text(20000);

    for (size_t fi = 0; fi < NFORMS; fi++)
        for (int level = 0; level <= 9; level += 1)
        {
            struct buf z = compress_with(text, 20000, forms[fi].window_bits, level);
            struct outcome o = decode(forms[fi].coding, z.data, z.len, 7, 13, 1);

            CHECK_MSG(o.last == DECODE_END && o.out.len == 20000 && !memcmp(o.out.data, text, 20000) &&
                          o.consumed == z.len,
                      "%s level %d: last %d, %zu bytes", forms[fi].name, level, (int)o.last, o.out.len);
            outcome_free(&o);
            buf_free(&z);
        }
    free(text);
}

/* The whole body given, and given again from where it stopped, until all
 * of it is used; then calls with in_len 0 deliver what is still due, and
 * END with the last of it.  zlib reads input as it needs it, so the input
 * is used up early only when the last bytes hold no more than the end of a
 * match (and, raw, the end-of-block code): the bodies tried are zeros and
 * text of many lengths, through 13-byte buffers. */
static void test_flush(void)
{
    unsigned char *text = make_text(3000), *zeros = calloc(1, 3000), *out = malloc(13);

    for (size_t fi = 0; fi < NFORMS; fi++)
    {
        int bad = 0, flushed_cases = 0, tried = 0;

        for (size_t len = 1; len < 3000; len += len < 300 ? 1 : 37)
            for (int kind = 0; kind < 2; kind++)
            {
                const unsigned char *data = kind ? text : zeros;
                struct buf z = zcompress(data, len, forms[fi].window_bits), got = { 0 };
                struct content_decoder d;
                size_t off = 0, c, p, flushed = 0;
                enum decode_result r = DECODE_MORE;
                int calls = 0;
                unsigned char *in = malloc(z.len);

                tried++;
                memcpy(in, z.data, z.len);
                if (content_decoder_init(&d, forms[fi].coding)) abort();
                while (off < z.len && r == DECODE_MORE && calls++ < 100000)
                {
                    r = content_decoder_feed(&d, in + off, z.len - off, &c, out, 13, &p);
                    append(&got, out, p);
                    off += c;
                }
                while (r == DECODE_MORE && calls++ < 100000)
                {
                    r = content_decoder_feed(&d, NULL, 0, &c, out, 13, &p);
                    if (c) bad++;
                    append(&got, out, p);
                    flushed += p;
                    if (!p && r == DECODE_MORE) break;
                }
                if (flushed) flushed_cases++;
                if (r != DECODE_END || off != z.len || got.len != len || memcmp(got.data, data, len) ||
                    !content_decoder_ended(&d))
                {
                    if (bad++ < 5)
                        printf("FAIL-detail flush %s %s %zu: result %d, used %zu of %zu, %zu bytes (%zu flushed)\n",
                               forms[fi].name, kind ? "text" : "zeros", len, (int)r, off, z.len, got.len, flushed);
                }
                /* after the end a flush is END with nothing, and stays so */
                r = content_decoder_feed(&d, NULL, 0, &c, out, 13, &p);
                if (r != DECODE_END || c || p) bad++;
                content_decoder_free(&d);
                free(in);
                buf_free(&z);
                buf_free(&got);
            }
        CHECK_MSG(!bad, "%s: %d bad of %d", forms[fi].name, bad, tried);
        printf("note: flush: %s: %d of %d bodies had output due after all the input was used\n", forms[fi].name,
               flushed_cases, tried);
        if (forms[fi].window_bits < 0)
            CHECK_MSG(flushed_cases, "raw: no body left output to the flush calls");
    }
    free(text);
    free(zeros);
    free(out);
}

/* ---- several gzip members, and what follows the end ----------------------- */

static void test_members(void)
{
    unsigned char *a = make_text(5000), *b = make_random(3000), *ab = malloc(8000);
    struct buf za = zcompress(a, 5000, 31), zb = zcompress(b, 3000, 31), zempty = zcompress(a, 0, 31);
    struct buf both = { 0 }, three = { 0 };

    memcpy(ab, a, 5000);
    memcpy(ab + 5000, b, 3000);
    append(&both, za.data, za.len);
    append(&both, zb.data, zb.len);
    append(&three, za.data, za.len);
    append(&three, zempty.data, zempty.len);
    append(&three, zb.data, zb.len);

    for (size_t ci = 0; ci < 3; ci++)
        for (size_t oi = 0; oi < 3; oi++)
        {
            /* a caller that feeds the whole body, END or not */
            struct outcome o = decode(CODING_GZIP, both.data, both.len, chunks[ci], out_sizes[oi], 0);
            struct outcome o3 = decode(CODING_GZIP, three.data, three.len, chunks[ci], out_sizes[oi], 0);

            CHECK_MSG(o.last == DECODE_END && o.out.len == 8000 && !memcmp(o.out.data, ab, 8000) &&
                          o.consumed == both.len && o.ended_after && !o.stuck,
                      "two members, chunk %zd, out %zu: last %d, %zu bytes, consumed %zu of %zu", (ssize_t)chunks[ci],
                      out_sizes[oi], (int)o.last, o.out.len, o.consumed, both.len);
            CHECK_MSG(o3.last == DECODE_END && o3.out.len == 8000 && !memcmp(o3.out.data, ab, 8000) &&
                          o3.consumed == three.len && o3.ended_after && !o3.stuck,
                      "three members (one empty), chunk %zd, out %zu: last %d, %zu bytes", (ssize_t)chunks[ci],
                      out_sizes[oi], (int)o3.last, o3.out.len);
            if (o.ends > 1)
                printf("note: two gzip members, chunk %zd, out %zu: END reported %d times, the first after %zu of "
                       "%zu input bytes and %zu of 8000 output bytes\n",
                       (ssize_t)chunks[ci], out_sizes[oi], o.ends, o.end_at, both.len, o.end_out);
            outcome_free(&o);
            outcome_free(&o3);
        }
    free(a);
    free(b);
    free(ab);
    buf_free(&za);
    buf_free(&zb);
    buf_free(&zempty);
    buf_free(&both);
    buf_free(&three);
}

static void test_trailing_garbage(void)
{
    static const char *const garbage[] = { "garbage\r\n", "\0\0\0\0\0\0\0\0", "x" };
    static const size_t garbage_len[] = { 9, 8, 1 };
    unsigned char *text = make_text(1000);

    for (size_t fi = 0; fi < NFORMS; fi++)
    {
        struct buf z = zcompress(text, 1000, forms[fi].window_bits);

        for (size_t gi = 0; gi < 3; gi++)
        {
            struct buf body = { 0 };

            append(&body, z.data, z.len);
            append(&body, (const unsigned char *)garbage[gi], garbage_len[gi]);
            for (size_t ci = 0; ci < 3; ci++)
                for (size_t oi = 0; oi < 3; oi++)
                {
                    struct outcome o = decode(forms[fi].coding, body.data, body.len, chunks[ci], out_sizes[oi], 0);

                    CHECK_MSG(o.last == DECODE_END && o.out.len == 1000 && !memcmp(o.out.data, text, 1000) &&
                                  o.consumed == body.len && o.end_out == 1000 && o.end_at >= z.len &&
                                  o.ended_after,
                              "%s + garbage %zu, chunk %zd, out %zu: last %d, %zu bytes, consumed %zu of %zu, end at %zu",
                              forms[fi].name, gi, (ssize_t)chunks[ci], out_sizes[oi], (int)o.last, o.out.len,
                              o.consumed, body.len, o.end_at);
                    outcome_free(&o);
                }
            buf_free(&body);
        }
        buf_free(&z);
    }

    /* Garbage that holds a gzip member further on: once what follows the
     * end is not a member, all of it is ignored, however the body comes in
     * (found by fuzz_content: the check for a next member was made at the
     * start of every call after the end, so a 1f byte starting a later
     * call began a "member" inside the garbage). */
    {
        unsigned char *other = make_text(500);
        struct buf z = zcompress(text, 1000, 31), z2 = zcompress(other, 500, 31), body = { 0 };

        append(&body, z.data, z.len);
        append(&body, (const unsigned char *)"x", 1);
        append(&body, z2.data, z2.len);
        for (size_t ci = 0; ci < 3; ci++)
            for (size_t oi = 0; oi < 3; oi++)
            {
                struct outcome o = decode(CODING_GZIP, body.data, body.len, chunks[ci], out_sizes[oi], 0);

                CHECK_MSG(o.last == DECODE_END && o.out.len == 1000 && !memcmp(o.out.data, text, 1000) &&
                              o.consumed == body.len && o.ended_after,
                          "gzip + 'x' + a gzip member, chunk %zd, out %zu: last %d, %zu bytes (want 1000), consumed %zu "
                          "of %zu", (ssize_t)chunks[ci], out_sizes[oi], (int)o.last, o.out.len, o.consumed, body.len);
                outcome_free(&o);
            }
        /* the same in three calls: the stream, the 'x', the member */
        {
            struct content_decoder d;
            unsigned char *out = malloc(64 * KIB);
            size_t c, p, total = 0;
            enum decode_result r1, r2, r3;

            CHECK(!content_decoder_init(&d, CODING_GZIP));
            r1 = content_decoder_feed(&d, body.data, z.len, &c, out, 64 * KIB, &p);
            total += p;
            r2 = content_decoder_feed(&d, body.data + z.len, 1, &c, out, 64 * KIB, &p);
            total += p;
            r3 = content_decoder_feed(&d, body.data + z.len + 1, z2.len, &c, out, 64 * KIB, &p);
            total += p;
            CHECK_MSG(r1 == DECODE_END && r2 == DECODE_END && r3 == DECODE_END && total == 1000 && c == z2.len,
                      "stream, 'x', member in three calls: %d %d %d, %zu bytes (want 1000)", (int)r1, (int)r2, (int)r3,
                      total);
            content_decoder_free(&d);
            free(out);
        }
        free(other);
        buf_free(&body);
        buf_free(&z);
        buf_free(&z2);
    }

    /* garbage that starts like a gzip member is taken for one: note it */
    {
        struct buf z = zcompress(text, 1000, 31), body = { 0 };
        static const unsigned char not_member[] = { 0x1f, 'x', 'y', 'z' };
        struct outcome o;

        append(&body, z.data, z.len);
        append(&body, not_member, sizeof(not_member));
        o = decode(CODING_GZIP, body.data, body.len, (size_t)-1, 64 * KIB, 0);
        printf("note: gzip followed by 1f 'x' 'y' 'z': last %d (0 MORE, 1 END, 2 ERROR), %zu of 1000 bytes, "
               "ended %d\n", (int)o.last, o.out.len, o.ended_after);
        outcome_free(&o);
        buf_free(&body);
        buf_free(&z);
    }
    free(text);
}

/* ---- corrupt and truncated streams ---------------------------------------- */

static struct outcome decode_modified(enum content_coding coding, const struct buf *z, size_t at, unsigned char xor,
                                      size_t chunk, size_t out_size)
{
    unsigned char *copy = malloc(z->len);
    struct outcome o;

    memcpy(copy, z->data, z->len);
    copy[at] ^= xor;
    o = decode(coding, copy, z->len, chunk, out_size, 1);
    free(copy);
    return o;
}

static void test_corrupt(void)
{
    unsigned char *text = make_text(64 * KIB);
    struct buf gz = zcompress(text, 64 * KIB, 31), zl = zcompress(text, 64 * KIB, 15), raw = zcompress(text, 64 * KIB, -15);
    int raw_errors = 0, raw_cases = 0;

    /* bytes flipped in the middle: the checksums catch what the deflate
     * data itself does not */
    for (int i = 1; i <= 16; i++)
    {
        static const unsigned char xors[] = { 0x01, 0x80, 0xff, 0x10 };
        unsigned char x = xors[i % 4];
        struct outcome og = decode_modified(CODING_GZIP, &gz, gz.len * i / 18, x, 7, 13 * KIB);
        struct outcome oz = decode_modified(CODING_DEFLATE, &zl, zl.len * i / 18, x, 7, 13 * KIB);
        struct outcome orr = decode_modified(CODING_DEFLATE, &raw, raw.len * i / 18, x, 7, 13 * KIB);

        CHECK_MSG(og.last == DECODE_ERROR && !og.ended_after, "gzip flipped at %zu: last %d", gz.len * i / 18,
                  (int)og.last);
        CHECK_MSG(oz.last == DECODE_ERROR && !oz.ended_after, "zlib flipped at %zu: last %d", zl.len * i / 18,
                  (int)oz.last);
        /* raw deflate has no checksum: wrong data may decode */
        raw_cases++;
        raw_errors += orr.last == DECODE_ERROR;
        CHECK(!orr.stuck && !orr.inconsistent);
        outcome_free(&og);
        outcome_free(&oz);
        outcome_free(&orr);
    }
    printf("note: raw deflate with a byte flipped: %d of %d cases were errors (no checksum to catch the rest)\n",
           raw_errors, raw_cases);

    /* the gzip header: magic, method, reserved flags */
    {
        static const struct { size_t at; unsigned char xor; const char *what; } header[] = {
            { 0, 0x01, "first magic byte" }, { 1, 0x01, "second magic byte" }, { 2, 0x01, "method 9" },
            { 2, 0x08, "method 0" }, { 3, 0xe0, "reserved flags" },
        };

        for (size_t i = 0; i < sizeof(header) / sizeof(header[0]); i++)
            for (size_t ci = 0; ci < 3; ci++)
            {
                struct outcome o = decode_modified(CODING_GZIP, &gz, header[i].at, header[i].xor, chunks[ci], 64 * KIB);

                CHECK_MSG(o.last == DECODE_ERROR && !o.out.len && !o.ended_after, "gzip %s, chunk %zd: last %d",
                          header[i].what, (ssize_t)chunks[ci], (int)o.last);
                outcome_free(&o);
            }
    }
    /* the gzip trailer: CRC-32, then ISIZE */
    for (size_t k = 0; k < 8; k++)
        for (size_t ci = 0; ci < 3; ci++)
        {
            struct outcome o = decode_modified(CODING_GZIP, &gz, gz.len - 8 + k, 0x04, chunks[ci], 13);

            CHECK_MSG(o.last == DECODE_ERROR && !o.ended_after && !o.ends, "gzip trailer byte %zu, chunk %zd: last %d",
                      k, (ssize_t)chunks[ci], (int)o.last);
            outcome_free(&o);
        }
    /* the zlib header check bits and the Adler-32 */
    for (size_t k = 0; k < 4; k++)
        for (size_t ci = 0; ci < 3; ci++)
        {
            struct outcome o = decode_modified(CODING_DEFLATE, &zl, zl.len - 4 + k, 0x20, chunks[ci], 13);

            CHECK_MSG(o.last == DECODE_ERROR && !o.ended_after && !o.ends, "zlib Adler-32 byte %zu, chunk %zd: last %d",
                      k, (ssize_t)chunks[ci], (int)o.last);
            outcome_free(&o);
        }
    /* a zlib header with a preset dictionary, which a body cannot have */
    {
        struct buf dict = { 0 };
        unsigned char h[2] = { 0x78, 0 };

        for (int b = 0; b < 256; b++)
            if ((b & 0x20) && ((0x78 << 8) | b) % 31 == 0)
            {
                h[1] = (unsigned char)b;
                break;
            }
        append(&dict, h, 2);
        append(&dict, (const unsigned char *)"\x01\x02\x03\x04", 4);
        append(&dict, zl.data + 2, zl.len - 2);
        for (size_t ci = 0; ci < 3; ci++)
        {
            struct outcome o = decode(CODING_DEFLATE, dict.data, dict.len, chunks[ci], 64 * KIB, 1);

            CHECK_MSG(o.last == DECODE_ERROR && !o.ended_after, "zlib FDICT, chunk %zd: last %d", (ssize_t)chunks[ci],
                      (int)o.last);
            outcome_free(&o);
        }
        buf_free(&dict);
    }
    /* gzip given as deflate, and the other way round */
    {
        struct outcome o1 = decode(CODING_DEFLATE, gz.data, gz.len, 7, 64 * KIB, 1);
        struct outcome o2 = decode(CODING_GZIP, zl.data, zl.len, 7, 64 * KIB, 1);
        struct outcome o3 = decode(CODING_GZIP, raw.data, raw.len, 7, 64 * KIB, 1);

        CHECK_MSG(o1.last == DECODE_ERROR, "gzip as deflate: last %d", (int)o1.last);
        CHECK_MSG(o2.last == DECODE_ERROR, "zlib as gzip: last %d", (int)o2.last);
        CHECK_MSG(o3.last == DECODE_ERROR, "raw as gzip: last %d", (int)o3.last);
        outcome_free(&o1);
        outcome_free(&o2);
        outcome_free(&o3);
    }
    /* no stream at all */
    {
        static const char junk[] = "<html>not compressed</html>\n";
        struct outcome o1 = decode(CODING_GZIP, (const unsigned char *)junk, sizeof(junk) - 1, 7, 13, 1);
        struct outcome o2 = decode(CODING_DEFLATE, (const unsigned char *)junk, sizeof(junk) - 1, 7, 13, 1);

        CHECK_MSG(o1.last == DECODE_ERROR, "text as gzip: last %d", (int)o1.last);
        CHECK_MSG(!o2.ended_after && o2.last != DECODE_END, "text as deflate: last %d", (int)o2.last);
        printf("note: HTML given as deflate: last %d (0 MORE, 1 END, 2 ERROR), %zu bytes out\n", (int)o2.last,
               o2.out.len);
        outcome_free(&o1);
        outcome_free(&o2);
    }
    buf_free(&gz);
    buf_free(&zl);
    buf_free(&raw);
    free(text);
}

/* Every prefix of a stream: never END, never ended, and what comes out is
 * a prefix of the data. */
static void test_truncated(void)
{
    unsigned char *text = make_text(3000);

    for (size_t fi = 0; fi < NFORMS; fi++)
    {
        struct buf z = zcompress(text, 3000, forms[fi].window_bits);
        int bad = 0, checked = 0;

        for (size_t n = 0; n < z.len; n++)
            for (size_t ci = 0; ci < 3; ci++)
            {
                struct outcome o = decode(forms[fi].coding, z.data, n, chunks[ci], ci == 1 ? 13 : 64 * KIB, 1);

                checked++;
                if (o.ends || o.ended_after || o.last != DECODE_MORE || o.out.len > 3000 ||
                    (o.out.len && memcmp(o.out.data, text, o.out.len)) || o.consumed != n || o.stuck)
                {
                    if (bad++ < 5)
                        printf("FAIL-detail %s truncated to %zu of %zu, chunk %zd: last %d ends %d ended %d, %zu bytes, "
                               "consumed %zu\n", forms[fi].name, n, z.len, (ssize_t)chunks[ci], (int)o.last, o.ends,
                               o.ended_after, o.out.len, o.consumed);
                }
                outcome_free(&o);
            }
        CHECK_MSG(!bad, "%s: %d of %d truncations misreported", forms[fi].name, bad, checked);
        buf_free(&z);
    }
    free(text);
}

/* ---- a high ratio, through a small buffer ----------------------------------- */

static void test_high_ratio(void)
{
    const size_t total = (size_t)64 * KIB * KIB;
    unsigned char *zeros = calloc(1, total), *out = malloc(4 * KIB);

    for (size_t fi = 0; fi < NFORMS; fi++)
    {
        struct buf z = compress_with(zeros, total, forms[fi].window_bits, 9);
        struct content_decoder d;
        size_t pos = 0, count = 0, c, p, calls = 0;
        unsigned char nonzero = 0;
        enum decode_result r = DECODE_MORE;
        int over = 0;

        CHECK(!content_decoder_init(&d, forms[fi].coding));
        while (r == DECODE_MORE && calls++ < 10 * total / (4 * KIB))
        {
            size_t n = z.len - pos < 4 * KIB ? z.len - pos : 4 * KIB;

            r = content_decoder_feed(&d, n ? z.data + pos : NULL, n, &c, out, 4 * KIB, &p);
            if (p > 4 * KIB || c > n) over = 1;
            for (size_t i = 0; i < p; i++) nonzero |= out[i];
            pos += c;
            count += p;
            if (!n && !p) break;
        }
        CHECK_MSG(!over, "%s: a call claimed more than its buffers", forms[fi].name);
        CHECK_MSG(r == DECODE_END && count == total && !nonzero && pos == z.len && content_decoder_ended(&d),
                  "%s: 64 MiB of zeros in %zu bytes: result %d, %zu bytes out, %zu of %zu in, %zu calls",
                  forms[fi].name, z.len, (int)r, count, pos, z.len, calls);
        printf("note: %s: 64 MiB of zeros from %zu bytes (ratio %zu) through 4 KiB in %zu calls\n", forms[fi].name,
               z.len, total / z.len, calls);
        content_decoder_free(&d);
        buf_free(&z);
    }
    free(zeros);
    free(out);
}

/* ---- the zlib-or-raw guess ----------------------------------------------- */

static void test_ambiguity(void)
{
    /* A raw stream: a stored block, not final, whose padding bits make the
     * first byte 0x78 ("zlib, 32 KiB window"), LEN 1 making 78 01 a valid
     * zlib header; then 'A', then an empty final stored block. */
    static const unsigned char raw[] = { 0x78, 0x01, 0x00, 0xfe, 0xff, 'A', 0x01, 0x00, 0x00, 0xff, 0xff };
    struct outcome o = decode(CODING_DEFLATE, raw, sizeof(raw), (size_t)-1, 64, 1);
    z_stream z;
    unsigned char check[64];
    int ret;

    /* it is a valid raw stream */
    memset(&z, 0, sizeof(z));
    inflateInit2(&z, -15);
    z.next_in = (Bytef *)raw;
    z.avail_in = sizeof(raw);
    z.next_out = check;
    z.avail_out = sizeof(check);
    ret = inflate(&z, Z_FINISH);
    CHECK(ret == Z_STREAM_END && z.total_out == 1 && check[0] == 'A');
    inflateEnd(&z);
    printf("note: raw deflate starting 78 01 (a valid zlib header): last %d (0 MORE, 1 END, 2 ERROR), %zu bytes%s\n",
           (int)o.last, o.out.len, o.out.len == 1 && o.out.data[0] == 'A' ? " ('A', right)" : "");
    outcome_free(&o);

    /* zlib's own raw streams never look like that: a first byte with low
     * nibble 8 is a non-final stored block with a padding bit set, and zlib
     * pads with zeros.  Check over many small inputs and every level. */
    {
        int looked_like_zlib = 0, tried = 0;

        for (int level = 0; level <= 9; level++)
            for (size_t len = 0; len < 200; len += 3)
            {
                unsigned char *data = len % 2 ? make_random(len) : make_text(len);
                struct buf r = compress_with(data, len, -15, level);

                tried++;
                if (r.len >= 2 && (r.data[0] & 0x0f) == 8 && ((r.data[0] << 8) | r.data[1]) % 31 == 0)
                    looked_like_zlib++;
                free(data);
                buf_free(&r);
            }
        CHECK_MSG(!looked_like_zlib, "%d of %d raw streams from zlib start like a zlib header", looked_like_zlib, tried);
    }
}

/* ---- the decoder's life ------------------------------------------------------- */

static void test_lifecycle(void)
{
    struct content_decoder d;
    unsigned char out[16];
    size_t c = 99, p = 99;
    enum decode_result r;

    /* freed without feeding; freed twice */
    for (int coding = CODING_IDENTITY; coding <= CODING_DEFLATE; coding++)
    {
        CHECK(!content_decoder_init(&d, (enum content_coding)coding));
        CHECK(!content_decoder_ended(&d));
        content_decoder_free(&d);
        content_decoder_free(&d);
    }
    /* a flush before any input */
    for (int coding = CODING_GZIP; coding <= CODING_DEFLATE; coding++)
    {
        CHECK(!content_decoder_init(&d, (enum content_coding)coding));
        r = content_decoder_feed(&d, NULL, 0, &c, out, sizeof(out), &p);
        CHECK_MSG(r == DECODE_MORE && !c && !p, "coding %d: flush first: %d, %zu, %zu", coding, (int)r, c, p);
        CHECK(!content_decoder_ended(&d));
        content_decoder_free(&d);
    }
    /* deflate's first byte alone, then a flush, then the rest */
    {
        static const unsigned char hello[] = "hello, hello, hello";
        struct buf z = zcompress(hello, sizeof(hello) - 1, 15);
        size_t got = 0;

        CHECK(!content_decoder_init(&d, CODING_DEFLATE));
        r = content_decoder_feed(&d, z.data, 1, &c, out, sizeof(out), &p);
        CHECK(r == DECODE_MORE && c == 1 && !p);
        r = content_decoder_feed(&d, NULL, 0, &c, out, sizeof(out), &p);
        CHECK(r == DECODE_MORE && !c && !p);
        r = content_decoder_feed(&d, z.data + 1, z.len - 1, &c, out, sizeof(out), &p);
        got += p;
        CHECK(r == DECODE_MORE && p == sizeof(out));
        r = content_decoder_feed(&d, z.data + 1 + c, z.len - 1 - c, &c, out, sizeof(out), &p);
        got += p;
        CHECK_MSG(r == DECODE_END && got == sizeof(hello) - 1 && content_decoder_ended(&d), "result %d, %zu bytes",
                  (int)r, got);
        content_decoder_free(&d);
        buf_free(&z);
    }
}

int main(void)
{
    test_parse();
    test_round_trips();
    test_levels();
    test_flush();
    test_members();
    test_trailing_garbage();
    test_corrupt();
    test_truncated();
    test_high_ratio();
    test_ambiguity();
    test_lifecycle();
    return UNIT_DONE();
}
