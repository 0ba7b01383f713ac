/* libFuzzer harness for ws_frame.c.
 *
 * The input, in an exact-size heap block so AddressSanitizer sees any
 * overread, is taken four ways at once:
 *   - as the start of a frame from the server: what parses lies inside
 *     the input and breaks none of RFC 6455's rules; a shorter prefix
 *     needs more or shows the same error; the client's header for the
 *     same frame is the server's bytes plus the mask bit and the key;
 *   - as text fed to the UTF-8 validator in two pieces split where the
 *     first byte says: the same verdict as in one piece, and failing at
 *     the same byte as a reference worked out from code points;
 *   - as a Close payload: what parses builds back to the same bytes;
 *   - as a payload to mask from an offset: the same as the obvious loop,
 *     and masking again gives it back. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws_frame.h"
#include "utf8_reference.h"

static int is_error(enum ws_result r)
{
    return r != WS_OK && r != WS_NEED_MORE;
}

static void check_prefixes(const unsigned char *data, size_t size, enum ws_result whole, size_t header_len)
{
    struct ws_frame_header h;
    int seen_error = 0;

    for (size_t n = 0; n < size && n <= WS_MAX_HEADER; n++)
    {
        enum ws_result r = ws_parse_header(data, n, UINT64_MAX, &h);

        if (whole == WS_OK) assert(r == (n < header_len ? WS_NEED_MORE : WS_OK));
        else if (is_error(whole))
        {
            /* fail fast: once shown, the error stays the same */
            assert(r == WS_NEED_MORE ? !seen_error : r == whole);
            seen_error |= r == whole;
        }
        else assert(r == WS_NEED_MORE);
    }
}

/* The client's header for the frame that parsed is the same bytes but
 * for the mask bit, then the key: lengths are minimal both ways. */
static void check_round_trip(const unsigned char *data, const struct ws_frame_header *h)
{
    static const unsigned char key[4] = { 0xde, 0xad, 0xbe, 0xef };
    unsigned char out[WS_MAX_HEADER];
    struct ws_frame_header again;
    size_t n = ws_write_header(out, h->fin, h->opcode, h->length, key);

    assert(n == h->header_len + 4);
    assert(out[1] & 0x80);
    assert(!memcmp(out + h->header_len, key, 4));
    out[1] &= 0x7F;
    assert(!memcmp(out, data, h->header_len));
    assert(ws_parse_header(out, h->header_len, h->length, &again) == WS_OK);
    assert(again.fin == h->fin && again.opcode == h->opcode && again.length == h->length);
    assert(again.header_len == h->header_len);
}

static void check_header(const unsigned char *data, size_t size)
{
    struct ws_frame_header h;
    enum ws_result r = ws_parse_header(data, size, UINT64_MAX, &h);

    /* no limit: never too big; and no text or Close payload is looked at */
    assert(r < WS_TOO_BIG && r != WS_ERR_UTF8 && r != WS_ERR_CLOSE_PAYLOAD);
    /* a masked header would be an error, so a complete one fits in 10 */
    if (r == WS_NEED_MORE) assert(size < 10);
    check_prefixes(data, size, r, r == WS_OK ? h.header_len : 0);
    if (r != WS_OK) return;

    assert(h.header_len <= size);
    assert(h.header_len == 2 || h.header_len == 4 || h.header_len == 10);
    assert(h.length < (1ull << 63));
    assert(h.header_len == 2 ? h.length <= 125 : h.header_len == 4 ? h.length >= 126 && h.length <= 0xFFFF
                                                                   : h.length > 0xFFFF);
    assert(!h.masked && (h.fin == 0 || h.fin == 1));
    assert(h.opcode <= WS_OP_BINARY || (h.opcode >= WS_OP_CLOSE && h.opcode <= WS_OP_PONG));
    if (h.opcode >= WS_OP_CLOSE) assert(h.fin && h.length <= WS_MAX_CONTROL_PAYLOAD);
    assert(ws_parse_header(data, size, h.length, &h) == WS_OK);
    if (h.length) assert(ws_parse_header(data, size, h.length - 1, &h) == WS_TOO_BIG);
    check_round_trip(data, &h);
}


static void check_utf8(const unsigned char *data, size_t size)
{
    size_t split = size ? data[0] % (size + 1) : 0, failed_at = size;
    int truncated;
    size_t want_error = reference_utf8_error(data, size, &truncated);
    int want_valid = want_error == size && !truncated;
    struct ws_utf8 whole, pieces, bytewise;
    enum ws_result first;

    ws_utf8_init(&whole);
    assert((ws_utf8_feed(&whole, data, size) == WS_OK) == (want_error == size));
    assert((ws_utf8_complete(&whole) == WS_OK) == want_valid);

    ws_utf8_init(&pieces);
    first = ws_utf8_feed(&pieces, data, split);
    assert((first == WS_OK) == (want_error >= split));
    ws_utf8_feed(&pieces, data + split, size - split);
    assert((ws_utf8_complete(&pieces) == WS_OK) == want_valid);

    ws_utf8_init(&bytewise);
    for (size_t i = 0; i < size && failed_at == size; i++)
        if (ws_utf8_feed(&bytewise, data + i, 1) != WS_OK) failed_at = i;
    assert(failed_at == want_error);
}

static void check_close(const unsigned char *data, size_t size)
{
    unsigned char out[WS_MAX_CONTROL_PAYLOAD];
    const unsigned char *reason;
    size_t reason_len;
    unsigned code;
    enum ws_result r = ws_close_parse(data, size, &code, &reason, &reason_len);

    if (r == WS_ERR_UTF8) assert(size >= 2 && size <= WS_MAX_CONTROL_PAYLOAD && ws_close_code_valid(data[0] << 8 | data[1]));
    if (r != WS_OK)
    {
        assert(r == WS_ERR_UTF8 || r == WS_ERR_CLOSE_PAYLOAD);
        assert(code == WS_CLOSE_NO_STATUS && !reason_len);
        return;
    }
    if (!size)
    {
        assert(code == WS_CLOSE_NO_STATUS && !reason_len);
        return;
    }
    assert(ws_close_code_valid(code) && size <= WS_MAX_CONTROL_PAYLOAD);
    assert(reason == data + 2 && reason_len == size - 2);
    assert(ws_close_build(out, code, reason, reason_len) == size);
    assert(!memcmp(out, data, size));
}

static void check_mask(const unsigned char *data, size_t size)
{
    unsigned char key[4] = { 0x01, 0x80, 0x7f, 0xff }, *block, *buf;
    size_t align = size ? data[size - 1] % 8 : 0;
    uint64_t offset = 0;

    for (size_t i = 0; i < 4 && i < size; i++) key[i] = data[i];
    for (size_t i = 4; i < 12 && i < size; i++) offset = offset << 8 | data[i];
    /* starting at a data-dependent alignment, ending where the block does */
    block = malloc(align + size ? align + size : 1);
    buf = block + align;
    memcpy(buf, data, size);
    ws_mask(buf, size, key, offset);
    for (size_t i = 0; i < size; i++) assert(buf[i] == (data[i] ^ key[(offset + i) % 4]));
    ws_mask(buf, size, key, offset);
    assert(!memcmp(buf, data, size));
    free(block);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *bytes = malloc(size ? size : 1);

    memcpy(bytes, data, size);
    check_header(bytes, size);
    check_utf8(bytes, size);
    check_close(bytes, size);
    check_mask(bytes, size);
    free(bytes);
    return 0;
}
