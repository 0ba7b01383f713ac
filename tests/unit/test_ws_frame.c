/* Unit tests of the WebSocket frame codec (ws_frame.c): headers both ways,
 * the mask, UTF-8 validation and Close payloads.  Section numbers are
 * RFC 6455's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "ws_frame.h"
#include "utf8_reference.h"

static const unsigned char rfc_mask[4] = { 0x37, 0xfa, 0x21, 0x3d };  /* 5.7's examples */

/* Parses from an exact-size heap copy, so AddressSanitizer catches a read
 * past the bytes given. */
static enum ws_result parse(const unsigned char *bytes, size_t len, uint64_t max, struct ws_frame_header *out)
{
    unsigned char *copy = malloc(len ? len : 1);
    enum ws_result result;

    memcpy(copy, bytes, len);
    result = ws_parse_header(copy, len, max, out);
    free(copy);
    return result;
}

/* What a server sends: unmasked, the length in as few bytes as it fits. */
static size_t server_header(unsigned char *out, int fin, int opcode, uint64_t length)
{
    size_t extended = length > 0xFFFF ? 8 : length > 125 ? 2 : 0;

    out[0] = (unsigned char)((fin ? 0x80 : 0) | opcode);
    out[1] = extended == 8 ? 127 : extended == 2 ? 126 : (unsigned char)length;
    for (size_t i = 0; i < extended; i++) out[2 + i] = (unsigned char)(length >> (8 * (extended - 1 - i)));
    return 2 + extended;
}

/* Every prefix of a valid header needs more; the whole of it parses. */
static void check_prefixes_need_more(const unsigned char *bytes, size_t header_len)
{
    struct ws_frame_header h;

    for (size_t n = 0; n < header_len; n++)
        CHECK_MSG(parse(bytes, n, UINT64_MAX, &h) == WS_NEED_MORE, "prefix %zu of %zu", n, header_len);
}

static void test_header_lengths(void)
{
    static const uint64_t lengths[] = { 0, 1, 125, 126, 127, 65535, 65536, 0xFFFFFFFFull, 0x100000000ull,
                                        0x7FFFFFFFFFFFFFFFull };
    static const size_t header_lens[] = { 2, 2, 2, 4, 4, 4, 10, 10, 10, 10 };
    unsigned char buf[WS_MAX_HEADER + 8];
    struct ws_frame_header h;

    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++)
    {
        size_t n = server_header(buf, 1, WS_OP_BINARY, lengths[i]);

        CHECK_INT(n, header_lens[i]);
        memset(&h, 0xAA, sizeof(h));
        CHECK_INT(parse(buf, n, UINT64_MAX, &h), WS_OK);
        CHECK_MSG(h.length == lengths[i], "length %llu", (unsigned long long)lengths[i]);
        CHECK_INT(h.header_len, n);
        CHECK_INT(h.fin, 1);
        CHECK_INT(h.opcode, WS_OP_BINARY);
        CHECK_INT(h.masked, 0);
        CHECK(!h.mask[0] && !h.mask[1] && !h.mask[2] && !h.mask[3]);
        check_prefixes_need_more(buf, n);
        /* what follows the header is the payload, not the parser's business */
        memset(buf + n, 0xFF, 8);
        CHECK_INT(parse(buf, n + 8, UINT64_MAX, &h), WS_OK);
        CHECK_INT(h.header_len, n);
        /* the limit is inclusive */
        CHECK_INT(parse(buf, n, lengths[i], &h), WS_OK);
        if (lengths[i]) CHECK_INT(parse(buf, n, lengths[i] - 1, &h), WS_TOO_BIG);
    }

    /* 5.7's unmasked examples */
    {
        static const unsigned char hello[] = { 0x81, 0x05, 'H', 'e', 'l', 'l', 'o' };
        static const unsigned char first[] = { 0x01, 0x03, 'H', 'e', 'l' }, last[] = { 0x80, 0x02, 'l', 'o' };
        static const unsigned char ping[] = { 0x89, 0x05, 'H', 'e', 'l', 'l', 'o' };
        static const unsigned char pong[] = { 0x8a, 0x00 };
        static const unsigned char bin256[] = { 0x82, 0x7E, 0x01, 0x00 };
        static const unsigned char bin64k[] = { 0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0 };

        CHECK_INT(parse(hello, sizeof(hello), 1000, &h), WS_OK);
        CHECK(h.fin && h.opcode == WS_OP_TEXT && h.length == 5 && h.header_len == 2);
        CHECK_INT(parse(first, sizeof(first), 1000, &h), WS_OK);
        CHECK(!h.fin && h.opcode == WS_OP_TEXT && h.length == 3);
        CHECK_INT(parse(last, sizeof(last), 1000, &h), WS_OK);
        CHECK(h.fin && h.opcode == WS_OP_CONTINUATION && h.length == 2);
        CHECK_INT(parse(ping, sizeof(ping), 1000, &h), WS_OK);
        CHECK(h.fin && h.opcode == WS_OP_PING && h.length == 5);
        CHECK_INT(parse(pong, sizeof(pong), 1000, &h), WS_OK);
        CHECK(h.fin && h.opcode == WS_OP_PONG && h.length == 0);
        CHECK_INT(parse(bin256, sizeof(bin256), 1000, &h), WS_OK);
        CHECK(h.opcode == WS_OP_BINARY && h.length == 256 && h.header_len == 4);
        CHECK_INT(parse(bin64k, sizeof(bin64k), 65536, &h), WS_OK);
        CHECK(h.length == 65536 && h.header_len == 10);
        CHECK_INT(parse(bin64k, sizeof(bin64k), 65535, &h), WS_TOO_BIG);
    }

    /* every opcode, fragmented data frames, control frames up to 125 */
    {
        static const int opcodes[] = { WS_OP_CONTINUATION, WS_OP_TEXT, WS_OP_BINARY, WS_OP_CLOSE, WS_OP_PING,
                                       WS_OP_PONG };
        for (size_t i = 0; i < sizeof(opcodes) / sizeof(opcodes[0]); i++)
            for (int fin = 0; fin <= 1; fin++)
            {
                int control = opcodes[i] >= WS_OP_CLOSE;
                size_t n = server_header(buf, fin, opcodes[i], control ? 125 : 70000);
                enum ws_result want = control && !fin ? WS_ERR_CONTROL_FRAGMENTED : WS_OK;

                CHECK_INT(parse(buf, n, UINT64_MAX, &h), want);
                if (want == WS_OK) CHECK(h.opcode == opcodes[i] && h.fin == fin);
            }
    }
}

static void check_error(const unsigned char *bytes, size_t len, enum ws_result want, size_t shows_at)
{
    struct ws_frame_header h;

    CHECK_INT(parse(bytes, len, UINT64_MAX, &h), want);
    /* fail fast: the error shows with the byte that carries it */
    CHECK_INT(parse(bytes, shows_at, UINT64_MAX, &h), want);
    if (shows_at > 1) CHECK_INT(parse(bytes, shows_at - 1, UINT64_MAX, &h), WS_NEED_MORE);
}

static void test_header_errors(void)
{
    unsigned char frame[WS_MAX_HEADER];

    /* 5.2: each reserved bit, with and without FIN */
    for (int bit = 0x10; bit <= 0x40; bit <<= 1)
    {
        frame[0] = (unsigned char)(0x80 | bit | WS_OP_TEXT);
        frame[1] = 0;
        check_error(frame, 2, WS_ERR_RESERVED_BITS, 1);
        frame[0] &= 0x7F;
        check_error(frame, 2, WS_ERR_RESERVED_BITS, 1);
    }
    /* 5.2: reserved opcodes, non-control 3-7 and control 11-15 */
    for (int op = 0; op < 16; op++)
    {
        int reserved = (op >= 3 && op <= 7) || op >= 11;

        frame[0] = (unsigned char)(0x80 | op);
        frame[1] = 0;
        if (reserved) check_error(frame, 2, WS_ERR_OPCODE, 1);
        else CHECK_INT(parse(frame, 2, 0, &(struct ws_frame_header){0}), WS_OK);
    }
    /* 5.5: control frames without FIN, longer than 125 */
    for (int op = WS_OP_CLOSE; op <= WS_OP_PONG; op++)
    {
        frame[0] = (unsigned char)op;
        frame[1] = 0;
        check_error(frame, 2, WS_ERR_CONTROL_FRAGMENTED, 1);
        frame[0] = (unsigned char)(0x80 | op);
        for (unsigned len7 = 126; len7 <= 127; len7++)
        {
            memset(frame + 2, 0, 8);
            frame[1] = (unsigned char)len7;
            frame[len7 == 126 ? 3 : 9] = 126;   /* even 126 bytes, minimally encoded */
            check_error(frame, len7 == 126 ? 4 : 10, WS_ERR_CONTROL_LENGTH, 2);
        }
    }
    /* 5.1: a masked frame from the server, whatever its length form */
    for (unsigned len7 = 5; len7 <= 127; len7 += 61)
    {
        frame[0] = 0x81;
        frame[1] = (unsigned char)(0x80 | len7);
        memset(frame + 2, 0x11, 12);
        check_error(frame, 14, WS_ERR_MASKED, 2);
    }
    /* 5.2: the 64-bit length's top bit: shown by its first byte */
    {
        static const unsigned char top[] = { 0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0 };
        static const unsigned char all[] = { 0x82, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

        check_error(top, sizeof(top), WS_ERR_LENGTH_TOP_BIT, 3);
        check_error(all, sizeof(all), WS_ERR_LENGTH_TOP_BIT, 3);
    }
    /* 5.2: the minimal encoding, at each boundary */
    {
        static const unsigned char len16_125[] = { 0x82, 0x7E, 0x00, 0x7D };
        static const unsigned char len16_0[] = { 0x82, 0x7E, 0x00, 0x00 };
        static const unsigned char len16_126[] = { 0x82, 0x7E, 0x00, 0x7E };
        static const unsigned char len64_0[] = { 0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0 };
        static const unsigned char len64_125[] = { 0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 125 };
        static const unsigned char len64_65535[] = { 0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };
        static const unsigned char len64_65536[] = { 0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0 };
        struct ws_frame_header h;

        check_error(len16_125, sizeof(len16_125), WS_ERR_LENGTH_NOT_MINIMAL, 4);
        check_error(len16_0, sizeof(len16_0), WS_ERR_LENGTH_NOT_MINIMAL, 4);
        check_error(len64_0, sizeof(len64_0), WS_ERR_LENGTH_NOT_MINIMAL, 10);
        check_error(len64_125, sizeof(len64_125), WS_ERR_LENGTH_NOT_MINIMAL, 10);
        check_error(len64_65535, sizeof(len64_65535), WS_ERR_LENGTH_NOT_MINIMAL, 10);
        CHECK_INT(parse(len16_126, sizeof(len16_126), UINT64_MAX, &h), WS_OK);
        CHECK_INT(parse(len64_65536, sizeof(len64_65536), UINT64_MAX, &h), WS_OK);
        /* a malformed length is malformed before it is too big */
        CHECK_INT(parse(len64_65535, sizeof(len64_65535), 0, &h), WS_ERR_LENGTH_NOT_MINIMAL);
    }
    /* the byte order the checks go in: an earlier byte's error wins */
    {
        static const unsigned char rsv_and_opcode[] = { 0xF3, 0x00 };
        static const unsigned char opcode_and_masked[] = { 0x83, 0x80, 1, 2, 3, 4 };
        static const unsigned char fragmented_and_long[] = { 0x09, 0x7E, 0x00, 0x80 };
        static const unsigned char masked_and_long[] = { 0x89, 0xFE, 0x00, 0x80, 1, 2, 3, 4 };

        check_error(rsv_and_opcode, sizeof(rsv_and_opcode), WS_ERR_RESERVED_BITS, 1);
        check_error(opcode_and_masked, sizeof(opcode_and_masked), WS_ERR_OPCODE, 1);
        check_error(fragmented_and_long, sizeof(fragmented_and_long), WS_ERR_CONTROL_FRAGMENTED, 1);
        check_error(masked_and_long, sizeof(masked_and_long), WS_ERR_MASKED, 2);
    }
    /* too big: 0 takes only empty frames */
    {
        static const unsigned char one[] = { 0x82, 0x01 };
        static const unsigned char empty[] = { 0x82, 0x00 };
        struct ws_frame_header h;

        CHECK_INT(parse(one, sizeof(one), 0, &h), WS_TOO_BIG);
        CHECK_INT(parse(empty, sizeof(empty), 0, &h), WS_OK);
    }

    /* 7.4.1: what to close with */
    CHECK_INT(ws_result_close_code(WS_OK), 0);
    CHECK_INT(ws_result_close_code(WS_NEED_MORE), 0);
    for (enum ws_result r = WS_ERR_RESERVED_BITS; r <= WS_ERR_CLOSE_PAYLOAD; r++)
        CHECK_INT(ws_result_close_code(r), WS_CLOSE_PROTOCOL_ERROR);
    CHECK_INT(ws_result_close_code(WS_ERR_UTF8), WS_CLOSE_INVALID_DATA);
    CHECK_INT(ws_result_close_code(WS_TOO_BIG), WS_CLOSE_TOO_BIG);
}

/* A client's header, unmasked and without its key, is a server's. */
static void check_written_header(int fin, int opcode, uint64_t length)
{
    unsigned char out[WS_MAX_HEADER], want[WS_MAX_HEADER];
    struct ws_frame_header h;
    size_t n = ws_write_header(out, fin, opcode, length, rfc_mask);
    size_t want_len = server_header(want, fin, opcode, length);

    CHECK_INT(n, want_len + 4);
    if (n != want_len + 4) return;
    CHECK(out[1] & 0x80);
    CHECK(!memcmp(out + n - 4, rfc_mask, 4));
    out[1] &= 0x7F;
    CHECK(!memcmp(out, want, want_len));
    CHECK_INT(parse(out, n - 4, UINT64_MAX, &h), WS_OK);
    CHECK(h.fin == !!fin && h.opcode == opcode && h.length == length && h.header_len == n - 4);
}

static void test_write_header(void)
{
    static const uint64_t lengths[] = { 0, 1, 125, 126, 127, 65535, 65536, 0x123456789ull, 0x7FFFFFFFFFFFFFFFull };
    unsigned char out[WS_MAX_HEADER];

    /* 5.7: a single-frame masked text message, "Hello" */
    {
        static const unsigned char want[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d };
        CHECK_INT(ws_write_header(out, 1, WS_OP_TEXT, 5, rfc_mask), sizeof(want));
        CHECK(!memcmp(out, want, sizeof(want)));
    }
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++)
        for (int fin = 0; fin <= 1; fin++)
        {
            check_written_header(fin, WS_OP_BINARY, lengths[i]);
            check_written_header(fin, WS_OP_TEXT, lengths[i]);
            check_written_header(fin, WS_OP_CONTINUATION, lengths[i]);
        }
    for (uint64_t len = 0; len <= WS_MAX_CONTROL_PAYLOAD; len++)
    {
        check_written_header(1, WS_OP_CLOSE, len);
        check_written_header(1, WS_OP_PING, len);
        check_written_header(1, WS_OP_PONG, len);
    }

    /* nothing an endpoint may not send */
    for (int op = 0; op < 16; op++)
        if ((op >= 3 && op <= 7) || op >= 11) CHECK_INT(ws_write_header(out, 1, op, 0, rfc_mask), 0);
    CHECK_INT(ws_write_header(out, 1, 16, 0, rfc_mask), 0);
    CHECK_INT(ws_write_header(out, 1, -1, 0, rfc_mask), 0);
    CHECK_INT(ws_write_header(out, 1, WS_OP_BINARY, 0x8000000000000000ull, rfc_mask), 0);
    CHECK_INT(ws_write_header(out, 1, WS_OP_BINARY, UINT64_MAX, rfc_mask), 0);
    CHECK_INT(ws_write_header(out, 0, WS_OP_PING, 0, rfc_mask), 0);
    CHECK_INT(ws_write_header(out, 1, WS_OP_CLOSE, 126, rfc_mask), 0);
    CHECK_INT(ws_write_header(out, 1, WS_OP_PONG, 65536, rfc_mask), 0);
}

static void naive_mask(unsigned char *data, size_t len, const unsigned char mask[4], uint64_t offset)
{
    for (size_t i = 0; i < len; i++) data[i] ^= mask[(offset + i) % 4];
}

static void test_mask(void)
{
    static const unsigned char hello_masked[] = { 0x7f, 0x9f, 0x4d, 0x51, 0x58 };
    unsigned char hello[] = "Hello", buf[128], want[128], orig[128];
    int mismatches = 0, cases = 0;

    /* 5.7 */
    ws_mask(hello, 5, rfc_mask, 0);
    CHECK(!memcmp(hello, hello_masked, 5));
    ws_mask(hello, 5, rfc_mask, 0);
    CHECK(!memcmp(hello, "Hello", 5));

    for (size_t i = 0; i < sizeof(orig); i++) orig[i] = (unsigned char)(i * 37 + 11);
    /* every start alignment, payload offset (mod 4 and past 2^32) and
     * length up to a few words, against the obvious loop */
    for (size_t align = 0; align < 8; align++)
        for (uint64_t offset = 0; offset < 12; offset++)
            for (size_t len = 0; len + align <= 100; len++)
            {
                uint64_t off = offset < 8 ? offset : 0xFFFFFFFFull + offset;

                memcpy(buf, orig, sizeof(buf));
                memcpy(want, orig, sizeof(want));
                ws_mask(buf + align, len, rfc_mask, off);
                naive_mask(want + align, len, rfc_mask, off);
                mismatches += memcmp(buf, want, sizeof(buf)) != 0;
                cases++;
            }
    CHECK_MSG(!mismatches, "%d of %d cases differ", mismatches, cases);

    /* a payload masked a piece at a time, as it arrives */
    for (size_t piece = 1; piece <= 19; piece++)
    {
        memcpy(buf, orig, sizeof(buf));
        memcpy(want, orig, sizeof(want));
        for (size_t at = 0; at < sizeof(buf); at += piece)
            ws_mask(buf + at, at + piece <= sizeof(buf) ? piece : sizeof(buf) - at, rfc_mask, at);
        naive_mask(want, sizeof(want), rfc_mask, 0);
        CHECK_MSG(!memcmp(buf, want, sizeof(buf)), "pieces of %zu", piece);
    }
    ws_mask(NULL, 0, rfc_mask, 3);
    /* masking while copying gives what copying then masking gives, at every
     * alignment of source and destination, offset and length */
    {
        unsigned char src[64 + 8], want[64 + 8], got[64 + 8];
        int wrong = 0;

        for (size_t i = 0; i < sizeof(src); i++) src[i] = (unsigned char)(i * 37 + 11);
        for (size_t s_align = 0; s_align < 8; s_align++)
            for (size_t d_align = 0; d_align < 8; d_align++)
                for (uint64_t off = 0; off < 5; off++)
                    for (size_t len = 0; len <= 64; len += 3)
                    {
                        memcpy(want, src + s_align, len);
                        ws_mask(want, len, rfc_mask, off);
                        ws_mask_copy(got + d_align, src + s_align, len, rfc_mask, off);
                        wrong += memcmp(got + d_align, want, len) != 0;
                    }
        CHECK_MSG(!wrong, "ws_mask_copy differs from ws_mask in %d cases", wrong);
    }
}


/* Byte at a time: where the validator first fails. */
static size_t feed_bytewise(const unsigned char *s, size_t len, struct ws_utf8 *state)
{
    ws_utf8_init(state);
    for (size_t i = 0; i < len; i++)
        if (ws_utf8_feed(state, s + i, 1) != WS_OK) return i;
    return len;
}

static int utf8_valid(const unsigned char *s, size_t len)
{
    struct ws_utf8 state;

    ws_utf8_init(&state);
    return ws_utf8_feed(&state, s, len) == WS_OK && ws_utf8_complete(&state) == WS_OK;
}

/* One input against the reference: the verdict in one piece, in two at
 * every split point, and the byte it fails at. */
static int utf8_agrees(const unsigned char *s, size_t len)
{
    int truncated, want_valid;
    size_t want_error = reference_utf8_error(s, len, &truncated);
    struct ws_utf8 state;

    want_valid = want_error == len && !truncated;
    if (feed_bytewise(s, len, &state) != want_error) return 0;
    if ((ws_utf8_complete(&state) == WS_OK) != want_valid) return 0;
    if (utf8_valid(s, len) != want_valid) return 0;
    for (size_t split = 0; split <= len; split++)
    {
        ws_utf8_init(&state);
        if ((ws_utf8_feed(&state, s, split) == WS_OK) != (want_error >= split)) return 0;
        ws_utf8_feed(&state, s + split, len - split);
        if ((ws_utf8_complete(&state) == WS_OK) != want_valid) return 0;
    }
    return 1;
}

struct utf8_vector
{
    const char *bytes;
    size_t fails_at;            /* (size_t)-1: valid; its length: cut short */
};

static void test_utf8(void)
{
    static const struct utf8_vector vectors[] =
    {
        { "", -1 },
        { "Hello, world", -1 },
        { "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", -1 },     /* the Greek word kosme */
        { "\x7f", -1 },
        { "\xc2\x80", -1 },                 /* U+0080, the first two-byte one */
        { "\xdf\xbf", -1 },                 /* U+07FF */
        { "\xe0\xa0\x80", -1 },             /* U+0800 */
        { "\xed\x9f\xbf", -1 },             /* U+D7FF, just below the surrogates */
        { "\xee\x80\x80", -1 },             /* U+E000, just above */
        { "\xef\xbf\xbe", -1 },             /* U+FFFE: a noncharacter, but valid UTF-8 */
        { "\xef\xbf\xbf", -1 },             /* U+FFFF */
        { "\xf0\x90\x80\x80", -1 },         /* U+10000 */
        { "\xf4\x8f\xbf\xbf", -1 },         /* U+10FFFF, the last */
        { "\x80", 0 },                      /* a lone continuation byte */
        { "\xbf", 0 },
        { "a\x80", 1 },
        { "\xc0\x80", 0 },                  /* C0, C1: only ever overlong */
        { "\xc1\xbf", 0 },
        { "\xe0\x80\x80", 1 },              /* overlong U+0000 in three bytes */
        { "\xe0\x9f\xbf", 1 },              /* overlong U+07FF */
        { "\xed\xa0\x80", 1 },              /* U+D800 */
        { "\xed\xbf\xbf", 1 },              /* U+DFFF */
        { "\xed\xa0\x80\xed\xb0\x80", 1 },  /* a surrogate pair, CESU-8 style */
        { "\xf0\x80\x80\x80", 1 },          /* overlong in four bytes */
        { "\xf0\x8f\xbf\xbf", 1 },          /* overlong U+FFFF */
        { "\xf4\x90\x80\x80", 1 },          /* U+110000 */
        { "\xf5\x80\x80\x80", 0 },          /* F5 and up: past U+10FFFF */
        { "\xf7\xbf\xbf\xbf", 0 },
        { "\xf8\x88\x80\x80\x80", 0 },      /* five bytes */
        { "\xfe", 0 },
        { "\xff", 0 },
        { "\xc2\x41", 1 },                  /* a sequence cut by ASCII */
        { "\xe1\x80\x41", 2 },
        { "\xf1\x80\x80\xc2\x80", 3 },
        { "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80" "edited", 12 },  /* kosme, then a surrogate */
        { "\xc2", 1 },                      /* cut short at the end */
        { "\xe1\x80", 2 },
        { "\xf1\x80\x80", 3 },
        { "abc\xf4\x8f\xbf", 6 },
    };
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
    {
        const unsigned char *s = (const unsigned char *)vectors[i].bytes;
        size_t len = strlen(vectors[i].bytes), at = vectors[i].fails_at;
        struct ws_utf8 state;
        size_t failed_at = feed_bytewise(s, len, &state);

        CHECK_MSG(utf8_valid(s, len) == (at == (size_t)-1), "vector %zu", i);
        /* fail fast (8.1): at the first byte that shows it, cut short or not */
        CHECK_MSG(failed_at == (at == (size_t)-1 ? len : at), "vector %zu fails at %zu", i, failed_at);
        if (at == len) CHECK_MSG(ws_utf8_complete(&state) == WS_ERR_UTF8, "vector %zu", i);
        CHECK_MSG(utf8_agrees(s, len), "vector %zu", i);
    }

    /* the ASCII fast path hands over at every position */
    for (size_t bad = 0; bad < 40; bad++)
        for (size_t align = 0; align < 8; align++)
        {
            unsigned char text[48];
            struct ws_utf8 state;

            memset(text, 'a', sizeof(text));
            text[align + bad] = 0x80;
            ws_utf8_init(&state);
            CHECK_INT(ws_utf8_feed(&state, text + align, 40), WS_ERR_UTF8);
            text[align + bad] = 0xC3;
            text[align + bad + 1] = 0xA9;
            ws_utf8_init(&state);
            CHECK_INT(ws_utf8_feed(&state, text + align, 40), WS_OK);
            CHECK_INT(ws_utf8_complete(&state), bad == 39 ? WS_ERR_UTF8 : WS_OK);
        }

    /* once invalid, whatever follows */
    {
        struct ws_utf8 state;

        ws_utf8_init(&state);
        CHECK_INT(ws_utf8_feed(&state, (const unsigned char *)"\xff", 1), WS_ERR_UTF8);
        CHECK_INT(ws_utf8_feed(&state, (const unsigned char *)"ok", 2), WS_ERR_UTF8);
        CHECK_INT(ws_utf8_feed(&state, NULL, 0), WS_ERR_UTF8);
        CHECK_INT(ws_utf8_complete(&state), WS_ERR_UTF8);
        ws_utf8_init(&state);
        CHECK_INT(ws_utf8_feed(&state, NULL, 0), WS_OK);
        CHECK_INT(ws_utf8_complete(&state), WS_OK);
    }

    /* every code point, encoded the obvious way: valid unless a surrogate */
    {
        int wrong = 0;

        for (uint32_t cp = 0; cp <= 0x10FFFF; cp++)
        {
            unsigned char s[4];
            size_t n;

            if (cp < 0x80) s[0] = (unsigned char)cp, n = 1;
            else if (cp < 0x800) s[0] = 0xC0 | cp >> 6, s[1] = 0x80 | (cp & 0x3F), n = 2;
            else if (cp < 0x10000)
                s[0] = 0xE0 | cp >> 12, s[1] = 0x80 | ((cp >> 6) & 0x3F), s[2] = 0x80 | (cp & 0x3F), n = 3;
            else
                s[0] = 0xF0 | cp >> 18, s[1] = 0x80 | ((cp >> 12) & 0x3F), s[2] = 0x80 | ((cp >> 6) & 0x3F),
                s[3] = 0x80 | (cp & 0x3F), n = 4;
            wrong += utf8_valid(s, n) == (cp >= 0xD800 && cp <= 0xDFFF);
        }
        CHECK_MSG(!wrong, "%d code points", wrong);
    }

    /* every two-byte input, every three-byte one after E0-EF, four-byte
     * ones around the interesting second bytes: the same as the reference */
    {
        static const unsigned char tails[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xFF };
        int wrong = 0;
        unsigned char s[4];

        for (unsigned a = 0; a < 256; a++)
            for (unsigned b = 0; b < 256; b++)
            {
                s[0] = (unsigned char)a, s[1] = (unsigned char)b;
                wrong += !utf8_agrees(s, 2);
                if (a >= 0xE0 && a <= 0xEF)
                    for (unsigned c = 0; c < 256; c++)
                    {
                        s[2] = (unsigned char)c;
                        wrong += !utf8_agrees(s, 3);
                    }
                if (a >= 0xF0 && a <= 0xF8)
                    for (size_t c = 0; c < sizeof(tails); c++)
                        for (size_t d = 0; d < sizeof(tails); d++)
                        {
                            s[2] = tails[c], s[3] = tails[d];
                            wrong += !utf8_agrees(s, 4);
                        }
            }
        CHECK_MSG(!wrong, "%d inputs disagree with the reference", wrong);
    }
}

static void test_close_codes(void)
{
    static const struct { unsigned code; int valid; } codes[] =
    {
        { 0, 0 }, { 999, 0 },
        { 1000, 1 }, { 1001, 1 }, { 1002, 1 }, { 1003, 1 },
        { 1004, 0 },                                            /* reserved */
        { 1005, 0 }, { 1006, 0 },                               /* never on the wire */
        { 1007, 1 }, { 1008, 1 }, { 1009, 1 }, { 1010, 1 }, { 1011, 1 },
        { 1012, 1 }, { 1013, 1 }, { 1014, 1 },                  /* IANA registry */
        { 1015, 0 },                                            /* never on the wire */
        { 1016, 0 }, { 1100, 0 }, { 2000, 0 }, { 2999, 0 },     /* unassigned */
        { 3000, 1 }, { 3999, 1 }, { 4000, 1 }, { 4999, 1 },
        { 5000, 0 }, { 65535, 0 }, { 65536 + 1000, 0 },
    };

    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        CHECK_MSG(ws_close_code_valid(codes[i].code) == codes[i].valid, "code %u", codes[i].code);
}

static void test_close_payload(void)
{
    unsigned char out[WS_MAX_CONTROL_PAYLOAD + 8], reason[130];
    const unsigned char *got_reason;
    size_t got_len, n;
    unsigned code;

    /* 5.5.1: no body, no status */
    CHECK_INT(ws_close_parse(NULL, 0, &code, &got_reason, &got_len), WS_OK);
    CHECK_INT(code, WS_CLOSE_NO_STATUS);
    CHECK_INT(got_len, 0);
    /* a code alone */
    CHECK_INT(ws_close_parse((const unsigned char *)"\x03\xe8", 2, &code, &got_reason, &got_len), WS_OK);
    CHECK_INT(code, 1000);
    CHECK_INT(got_len, 0);
    /* a code and a reason, pointing into the payload */
    {
        static const unsigned char payload[] = "\x03\xe9" "bye \xe2\x82\xac";

        CHECK_INT(ws_close_parse(payload, sizeof(payload) - 1, &code, &got_reason, &got_len), WS_OK);
        CHECK_INT(code, 1001);
        CHECK(got_reason == payload + 2 && got_len == 7);
    }
    /* one byte is not a code */
    CHECK_INT(ws_close_parse((const unsigned char *)"\x03", 1, &code, &got_reason, &got_len), WS_ERR_CLOSE_PAYLOAD);
    /* codes not for the wire, with or without a reason */
    CHECK_INT(ws_close_parse((const unsigned char *)"\x03\xed", 2, &code, &got_reason, &got_len), WS_ERR_CLOSE_PAYLOAD);
    CHECK_INT(code, WS_CLOSE_NO_STATUS);
    CHECK_INT(ws_close_parse((const unsigned char *)"\x03\xee" "x", 3, &code, &got_reason, &got_len), WS_ERR_CLOSE_PAYLOAD);
    CHECK_INT(ws_close_parse((const unsigned char *)"\x00\x00", 2, &code, &got_reason, &got_len), WS_ERR_CLOSE_PAYLOAD);
    /* a reason that is not UTF-8 (8.1), cut short or a surrogate */
    CHECK_INT(ws_close_parse((const unsigned char *)"\x03\xe8\xce", 3, &code, &got_reason, &got_len), WS_ERR_UTF8);
    CHECK_INT(ws_close_parse((const unsigned char *)"\x03\xe8\xed\xa0\x80", 5, &code, &got_reason, &got_len),
              WS_ERR_UTF8);
    CHECK_INT(ws_close_parse((const unsigned char *)"\x0f\xa0\xff", 3, &code, &got_reason, &got_len), WS_ERR_UTF8);

    /* 123 bytes of reason fit, 124 do not */
    memset(reason, 'r', sizeof(reason));
    n = ws_close_build(out, 4000, reason, 123);
    CHECK_INT(n, 125);
    CHECK(out[0] == 0x0F && out[1] == 0xA0 && !memcmp(out + 2, reason, 123));
    CHECK_INT(ws_close_parse(out, n, &code, &got_reason, &got_len), WS_OK);
    CHECK(code == 4000 && got_len == 123 && got_reason == out + 2);
    CHECK_INT(ws_close_build(out, 4000, reason, 124), 0);
    memset(out, 'r', sizeof(out));
    out[0] = 0x03, out[1] = 0xE8;
    CHECK_INT(ws_close_parse(out, 126, &code, &got_reason, &got_len), WS_ERR_CLOSE_PAYLOAD);
    /* nothing the parser would refuse */
    CHECK_INT(ws_close_build(out, 1005, NULL, 0), 0);
    CHECK_INT(ws_close_build(out, 1000, (const unsigned char *)"\xc0\xaf", 2), 0);
    CHECK_INT(ws_close_build(out, 1000, NULL, 0), 2);
    CHECK(out[0] == 0x03 && out[1] == 0xE8);

    /* every code: builds exactly when it is valid, and parses back */
    {
        int wrong = 0;

        for (unsigned c = 0; c <= 0xFFFF; c++)
        {
            n = ws_close_build(out, c, (const unsigned char *)"why", 3);
            if (!ws_close_code_valid(c))
            {
                unsigned char raw[2] = { (unsigned char)(c >> 8), (unsigned char)c };
                wrong += n != 0;
                wrong += ws_close_parse(raw, 2, &code, &got_reason, &got_len) != WS_ERR_CLOSE_PAYLOAD;
                continue;
            }
            wrong += n != 5;
            wrong += ws_close_parse(out, n, &code, &got_reason, &got_len) != WS_OK;
            wrong += code != c || got_len != 3 || memcmp(got_reason, "why", 3);
        }
        CHECK_MSG(!wrong, "%d wrong", wrong);
    }
}

/* RFC 6455 section 1.3's example, and the key's form. */
static void test_handshake(void)
{
    static const unsigned char nonce[16] = "the sample nonce";
    char key[WS_KEY_LEN + 1];

    ws_make_key(nonce, key);
    CHECK(!strcmp(key, "dGhlIHNhbXBsZSBub25jZQ=="));
    CHECK(ws_accept_matches(key, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", 28));
    CHECK(ws_accept_matches(key, " s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\t", 30));   /* spaces around the value */
    CHECK(!ws_accept_matches(key, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo", 27));      /* cut short */
    CHECK(!ws_accept_matches(key, "s3pPLMBiTxaQ9kYGzzhZRbK+xOp=", 28));
    CHECK(!ws_accept_matches(key, "S3PPLMBITXAQ9KYGZZHZRBK+XOO=", 28));     /* base64 is case-sensitive */
    CHECK(!ws_accept_matches(key, "", 0));
    CHECK(!ws_accept_matches("x3JJHMbDL1EzLkh9GBhXDw==", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", 28));
    CHECK(ws_accept_matches("x3JJHMbDL1EzLkh9GBhXDw==", "HSmrc0sMlYUkAGmm5OPpG2HaGWk=", 28));  /* RFC 6455 4.2.2's other */
}

int main(void)
{
    test_header_lengths();
    test_header_errors();
    test_write_header();
    test_mask();
    test_utf8();
    test_close_codes();
    test_close_payload();
    test_handshake();
    return UNIT_DONE();
}
