/* The WebSocket frame codec: see ws_frame.h.  Section numbers are RFC 6455's. */
#include <stdlib.h>
#include <string.h>

#include "ws_frame.h"
#include "auth_base64.h"
#include "auth_hash.h"

static int is_control(int opcode)
{
    return (opcode & 0x8) != 0;
}

static int is_known_opcode(int opcode)
{
    switch (opcode)
    {
    case WS_OP_CONTINUATION: case WS_OP_TEXT: case WS_OP_BINARY:
    case WS_OP_CLOSE: case WS_OP_PING: case WS_OP_PONG:
        return 1;
    }
    return 0;
}

static uint64_t read_big_endian(const unsigned char *p, size_t n)
{
    uint64_t v = 0;

    for (size_t i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

static void write_big_endian(unsigned char *p, uint64_t v, size_t n)
{
    for (size_t i = n; i--; v >>= 8) p[i] = (unsigned char)v;
}

/* 5.2: "the minimal number of bytes MUST be used to encode the length".
 * A server breaking a MUST is failed like any other malformed frame (10.7
 * lets an endpoint drop what violates its criteria); no server we know
 * of pads lengths, and refusing them keeps one encoding per frame. */
static int is_minimal(size_t extended_bytes, uint64_t length)
{
    if (extended_bytes == 2) return length >= 126;
    if (extended_bytes == 8) return length > 0xFFFF;
    return 1;
}

/* The checks go in the order the bytes arrive, so an error shows as soon
 * as its byte does (a client should not wait for more of a bad frame). */
enum ws_result ws_parse_header(const unsigned char *data, size_t len, uint64_t max_payload,
                               struct ws_frame_header *out)
{
    size_t extended_bytes;
    unsigned length7;
    uint64_t length;

    if (len < 1) return WS_NEED_MORE;
    /* 5.2: RSV1-3 are 0 unless an extension says otherwise; none is ever
     * negotiated here. */
    if (data[0] & 0x70) return WS_ERR_RESERVED_BITS;
    if (!is_known_opcode(data[0] & 0x0F)) return WS_ERR_OPCODE;
    /* 5.5: control frames are never fragmented */
    if (is_control(data[0] & 0x0F) && !(data[0] & 0x80)) return WS_ERR_CONTROL_FRAGMENTED;
    if (len < 2) return WS_NEED_MORE;
    /* 5.1: a client closes the connection on a masked frame */
    if (data[1] & 0x80) return WS_ERR_MASKED;
    length7 = data[1] & 0x7F;
    /* 5.5: at most 125 bytes, so always the 7-bit length form */
    if (is_control(data[0] & 0x0F) && length7 > WS_MAX_CONTROL_PAYLOAD) return WS_ERR_CONTROL_LENGTH;
    extended_bytes = length7 == 127 ? 8 : length7 == 126 ? 2 : 0;
    /* 5.2: the 64-bit form's most significant bit MUST be 0 */
    if (extended_bytes == 8 && len > 2 && (data[2] & 0x80)) return WS_ERR_LENGTH_TOP_BIT;
    if (len < 2 + extended_bytes) return WS_NEED_MORE;
    length = extended_bytes ? read_big_endian(data + 2, extended_bytes) : length7;
    if (!is_minimal(extended_bytes, length)) return WS_ERR_LENGTH_NOT_MINIMAL;
    if (length > max_payload) return WS_TOO_BIG;

    out->fin = (data[0] & 0x80) != 0;
    out->opcode = data[0] & 0x0F;
    out->masked = 0;
    memset(out->mask, 0, sizeof(out->mask));
    out->length = length;
    out->header_len = 2 + extended_bytes;
    return WS_OK;
}

unsigned ws_result_close_code(enum ws_result result)
{
    switch (result)
    {
    case WS_OK: case WS_NEED_MORE: return 0;
    case WS_ERR_UTF8: return WS_CLOSE_INVALID_DATA;
    case WS_TOO_BIG: return WS_CLOSE_TOO_BIG;
    default: return WS_CLOSE_PROTOCOL_ERROR;
    }
}

size_t ws_write_header(unsigned char out[WS_MAX_HEADER], int fin, int opcode, uint64_t length,
                       const unsigned char mask[4])
{
    size_t len = 2;

    if (!is_known_opcode(opcode) || length >> 63) return 0;
    if (is_control(opcode) && (!fin || length > WS_MAX_CONTROL_PAYLOAD)) return 0;
    out[0] = (unsigned char)((fin ? 0x80 : 0) | opcode);
    if (length < 126)
        out[1] = (unsigned char)(0x80 | length);
    else if (length <= 0xFFFF)
    {
        out[1] = 0x80 | 126;
        write_big_endian(out + 2, length, 2);
        len += 2;
    }
    else
    {
        out[1] = 0x80 | 127;
        write_big_endian(out + 2, length, 8);
        len += 8;
    }
    memcpy(out + len, mask, 4);
    return len + 4;
}

/* 5.3: payload byte i is XORed with mask[i % 4].  Eight bytes at a time
 * once the pointer is aligned: as 8 is a multiple of 4, one rotated copy
 * of the key serves every word.  memcpy keeps the word accesses free of
 * aliasing and alignment questions; compilers make them plain loads. */
void ws_mask_copy(unsigned char *dst, const unsigned char *src, size_t len, const unsigned char mask[4],
                  uint64_t offset)
{
    unsigned phase = (unsigned)(offset & 3);
    size_t i = 0;

    for (; i < len && ((uintptr_t)(dst + i) & 7); i++) dst[i] = src[i] ^ mask[(phase + i) & 3];
    if (len - i >= 8)
    {
        unsigned char key_bytes[8];
        uint64_t key, word;

        for (size_t j = 0; j < 8; j++) key_bytes[j] = mask[(phase + i + j) & 3];
        memcpy(&key, key_bytes, 8);
        for (; len - i >= 8; i += 8)
        {
            memcpy(&word, src + i, 8);
            word ^= key;
            memcpy(dst + i, &word, 8);
        }
    }
    for (; i < len; i++) dst[i] = src[i] ^ mask[(phase + i) & 3];
}

void ws_mask(unsigned char *data, size_t len, const unsigned char mask[4], uint64_t offset)
{
    ws_mask_copy(data, data, len, mask, offset);
}

void ws_utf8_init(struct ws_utf8 *state)
{
    memset(state, 0, sizeof(*state));
}

/* RFC 3629's well-formed sequences, as the range each byte must be in
 * (the table in section 4 there): narrowing the second byte's range
 * after E0, ED, F0 and F4 is what refuses overlong forms, surrogates and
 * code points past U+10FFFF at the first byte that shows them.  Returns 0
 * for a byte that cannot start a sequence: a continuation byte, C0 and
 * C1 (only ever overlong), F5 and up (past U+10FFFF). */
static int start_sequence(struct ws_utf8 *state, unsigned char lead)
{
    state->lo = 0x80;
    state->hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF)
        state->pending = 1;
    else if (lead >= 0xE0 && lead <= 0xEF)
    {
        state->pending = 2;
        if (lead == 0xE0) state->lo = 0xA0;       /* below U+0800: overlong */
        if (lead == 0xED) state->hi = 0x9F;       /* U+D800..DFFF: surrogates */
    }
    else if (lead >= 0xF0 && lead <= 0xF4)
    {
        state->pending = 3;
        if (lead == 0xF0) state->lo = 0x90;       /* below U+10000: overlong */
        if (lead == 0xF4) state->hi = 0x8F;       /* past U+10FFFF */
    }
    else
        return 0;
    return 1;
}

/* Text is mostly ASCII: skip it eight bytes at a time. */
static size_t skip_ascii(const unsigned char *data, size_t i, size_t len)
{
    uint64_t word;

    for (; len - i >= 8; i += 8)
    {
        memcpy(&word, data + i, 8);
        if (word & 0x8080808080808080ull) break;
    }
    while (i < len && data[i] < 0x80) i++;
    return i;
}

enum ws_result ws_utf8_feed(struct ws_utf8 *state, const unsigned char *data, size_t len)
{
    size_t i = 0;

    while (i < len && !state->failed)
    {
        unsigned char byte = data[i];

        if (state->pending)
        {
            if (byte < state->lo || byte > state->hi) state->failed = 1;
            state->pending--;
            state->lo = 0x80;
            state->hi = 0xBF;
            i++;
        }
        else if (byte < 0x80)
            i = skip_ascii(data, i, len);
        else
        {
            if (!start_sequence(state, byte)) state->failed = 1;
            i++;
        }
    }
    return state->failed ? WS_ERR_UTF8 : WS_OK;
}

enum ws_result ws_utf8_complete(const struct ws_utf8 *state)
{
    return state->failed || state->pending ? WS_ERR_UTF8 : WS_OK;
}

static int is_utf8(const unsigned char *data, size_t len)
{
    struct ws_utf8 state;

    ws_utf8_init(&state);
    return ws_utf8_feed(&state, data, len) == WS_OK && ws_utf8_complete(&state) == WS_OK;
}

/* 7.4.1 defines 1000-1011 and 1015; of those 1004 is reserved, and 1005,
 * 1006 and 1015 stand for what a Close frame did not say, so they MUST
 * NOT be sent.  The IANA registry 11.7 sets up has since added 1012-1014
 * (service restart, try again later, bad gateway), which servers do send.
 * The rest of 1000-2999 is unassigned (7.4.2): a peer cannot have meant
 * anything by it.  3000-3999 are registered for libraries and
 * applications, 4000-4999 for private use, both fine on the wire; 0-999
 * and 5000 up are not status codes at all. */
int ws_close_code_valid(unsigned code)
{
    if (code >= 3000 && code <= 4999) return 1;
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

enum ws_result ws_close_parse(const unsigned char *payload, size_t len, unsigned *code,
                              const unsigned char **reason, size_t *reason_len)
{
    unsigned status;

    *code = WS_CLOSE_NO_STATUS;
    *reason = payload;
    *reason_len = 0;
    if (!len) return WS_OK;                     /* 5.5.1: the body is optional */
    /* 5.5.1: a body starts with a 2-byte code; 5.5: at most 125 bytes */
    if (len < 2 || len > WS_MAX_CONTROL_PAYLOAD) return WS_ERR_CLOSE_PAYLOAD;
    status = (unsigned)payload[0] << 8 | payload[1];
    if (!ws_close_code_valid(status)) return WS_ERR_CLOSE_PAYLOAD;
    /* 5.5.1: the reason is UTF-8; 8.1: text that is not fails the connection */
    if (!is_utf8(payload + 2, len - 2)) return WS_ERR_UTF8;
    *code = status;
    *reason = payload + 2;
    *reason_len = len - 2;
    return WS_OK;
}

size_t ws_close_build(unsigned char *out, unsigned code, const unsigned char *reason, size_t reason_len)
{
    if (!ws_close_code_valid(code) || reason_len > WS_MAX_CONTROL_PAYLOAD - 2) return 0;
    if (reason_len && !is_utf8(reason, reason_len)) return 0;
    write_big_endian(out, code, 2);
    if (reason_len) memcpy(out + 2, reason, reason_len);
    return 2 + reason_len;
}

/* ---- the opening handshake ---- */

void ws_make_key(const unsigned char nonce[16], char out[WS_KEY_LEN + 1])
{
    char *key = base64_encode("", nonce, 16);

    memset(out, 0, WS_KEY_LEN + 1);
    if (key) memcpy(out, key, WS_KEY_LEN);
    free(key);
}

int ws_accept_matches(const char *key, const char *accept, size_t len)
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[AUTH_HASH_MAX];
    struct auth_hash sha1;
    char *expected;
    int match;

    while (len && (*accept == ' ' || *accept == '\t')) { accept++; len--; }
    while (len && (accept[len - 1] == ' ' || accept[len - 1] == '\t')) len--;
    auth_hash_init(&sha1, AUTH_HASH_SHA1);
    auth_hash_update(&sha1, key, strlen(key));
    auth_hash_update(&sha1, guid, sizeof(guid) - 1);
    auth_hash_final(&sha1, digest);
    if (!(expected = base64_encode("", digest, 20))) return 0;
    match = strlen(expected) == len && !memcmp(expected, accept, len);
    free(expected);
    return match;
}
