/* The WebSocket frame codec (RFC 6455), client side: the header of a frame
 * the server sends (section 5.2), the header of one the client sends, the
 * payload mask (5.3), incremental UTF-8 validation of text messages (8.1)
 * and the Close frame's payload (5.5.1, 7.4).
 *
 * Pure C (no <windows.h>): it builds on the host for unit tests and
 * fuzzing.  Nothing allocates and nothing keeps state between calls except
 * what the caller holds (struct ws_utf8).  Which frame may follow which
 * (a continuation without a message to continue, a new data frame in the
 * middle of a fragmented one) is the caller's to track: a header alone
 * cannot tell.
 */
#ifndef WINHTTP_WS_FRAME_H
#define WINHTTP_WS_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum ws_opcode
{
    WS_OP_CONTINUATION = 0x0,
    WS_OP_TEXT         = 0x1,
    WS_OP_BINARY       = 0x2,
    WS_OP_CLOSE        = 0x8,
    WS_OP_PING         = 0x9,
    WS_OP_PONG         = 0xA,
};

/* Control frames (opcodes 8 and up) carry at most this much (5.5). */
#define WS_MAX_CONTROL_PAYLOAD 125
/* The longest header: 2 bytes, a 64-bit length, a masking key. */
#define WS_MAX_HEADER 14

/* Close status codes (7.4.1) this code has a use for. */
#define WS_CLOSE_NORMAL         1000
#define WS_CLOSE_PROTOCOL_ERROR 1002
#define WS_CLOSE_NO_STATUS      1005  /* never on the wire: the payload was empty */
#define WS_CLOSE_ABNORMAL       1006  /* never on the wire: no Close frame at all */
#define WS_CLOSE_INVALID_DATA   1007
#define WS_CLOSE_TOO_BIG        1009

enum ws_result
{
    WS_OK = 0,
    WS_NEED_MORE,               /* the header goes on past the bytes given */
    WS_ERR_RESERVED_BITS,       /* RSV1-3 set: no extension was negotiated */
    WS_ERR_OPCODE,              /* 3-7 or 11-15, reserved */
    WS_ERR_CONTROL_FRAGMENTED,  /* a control frame without FIN */
    WS_ERR_CONTROL_LENGTH,      /* a control frame longer than 125 bytes */
    WS_ERR_MASKED,              /* a server must not mask */
    WS_ERR_LENGTH_TOP_BIT,      /* a 64-bit length with its top bit set */
    WS_ERR_LENGTH_NOT_MINIMAL,  /* a length in more bytes than it needs */
    WS_ERR_CLOSE_PAYLOAD,       /* a 1-byte Close payload or a status code not for the wire */
    WS_ERR_UTF8,                /* text (a message, a close reason) that is not UTF-8 */
    WS_TOO_BIG,                 /* a well-formed frame longer than the caller takes */
};

struct ws_frame_header
{
    int fin;
    int opcode;
    int masked;
    unsigned char mask[4];
    uint64_t length;            /* of the payload */
    size_t header_len;          /* where the payload starts */
};

/* Parses the header of a frame the server sent.  WS_OK fills *out; an
 * error is reported as soon as the bytes given show it, even when the
 * header is not complete yet.  Every error but WS_NEED_MORE is fatal to
 * the connection; ws_result_close_code() gives the status to close with. */
enum ws_result ws_parse_header(const unsigned char *data, size_t len, uint64_t max_payload,
                               struct ws_frame_header *out);

/* The status code a client fails the connection with after that result
 * (7.4.1): 1002 for a malformed frame, 1007 for bad text, 1009 for one
 * too big; 0 for WS_OK and WS_NEED_MORE, which are not failures. */
unsigned ws_result_close_code(enum ws_result result);

/* Writes the header of a frame the client sends: always masked (5.3),
 * the length in as few bytes as it fits (5.2).  Returns the header's
 * length (6 to 14), or 0 for a frame no endpoint may send: an unknown
 * opcode, a fragmented or over-long control frame, a length of 2^63 or
 * more. */
size_t ws_write_header(unsigned char out[WS_MAX_HEADER], int fin, int opcode, uint64_t length,
                       const unsigned char mask[4]);

/* XORs payload bytes with the masking key, in place; offset is where the
 * bytes start within the payload, so a payload can be (un)masked a buffer
 * at a time.  Masking twice gives back the original. */
void ws_mask(unsigned char *data, size_t len, const unsigned char mask[4], uint64_t offset);
/* The same from src into dst (which may be src) in one pass: a frame
 * masked while it is copied into the send buffer. */
void ws_mask_copy(unsigned char *dst, const unsigned char *src, size_t len, const unsigned char mask[4],
                  uint64_t offset);

/* Validates a text message's UTF-8 as its fragments arrive.  Strict
 * (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF;
 * and failing fast (8.1): a byte that no valid text could follow with is
 * refused as it is fed, not when its sequence ends. */
struct ws_utf8
{
    unsigned char pending;      /* continuation bytes still to come */
    unsigned char lo, hi;       /* the range the next one must be in */
    unsigned char failed;       /* sticky: once invalid, always invalid */
};

void ws_utf8_init(struct ws_utf8 *state);
/* WS_OK, or WS_ERR_UTF8 from the first bad byte on. */
enum ws_result ws_utf8_feed(struct ws_utf8 *state, const unsigned char *data, size_t len);
/* At the end of the message: WS_ERR_UTF8 if a sequence is cut short. */
enum ws_result ws_utf8_complete(const struct ws_utf8 *state);

/* Whether a status code may be sent in a Close frame (7.4.1, 7.4.2). */
int ws_close_code_valid(unsigned code);

/* Splits a Close payload into its status code and reason.  An empty
 * payload is valid and gives WS_CLOSE_NO_STATUS and no reason.  Returns
 * WS_OK, WS_ERR_CLOSE_PAYLOAD (1 byte, more than 125, a code not for the
 * wire) or WS_ERR_UTF8 (the reason).  The reason points into payload. */
enum ws_result ws_close_parse(const unsigned char *payload, size_t len, unsigned *code,
                              const unsigned char **reason, size_t *reason_len);

/* Writes a Close payload (at most 125 bytes) and returns its length, or
 * 0 when the code may not be sent, the reason is longer than 123 bytes or
 * not UTF-8: what it writes, ws_close_parse() takes back.  (A Close
 * without a status is an empty payload: no need to build one.) */
size_t ws_close_build(unsigned char *out, unsigned code, const unsigned char *reason, size_t reason_len);

/* ---- the opening handshake (section 4) ---- */

/* Sec-WebSocket-Key: 16 random bytes in base64 (24 characters). */
#define WS_KEY_LEN 24
void ws_make_key(const unsigned char nonce[16], char out[WS_KEY_LEN + 1]);
/* Whether a server's Sec-WebSocket-Accept value (accept[0..len), spaces
 * around it allowed) answers key: base64(SHA-1(key + the RFC's GUID)). */
int ws_accept_matches(const char *key, const char *accept, size_t len);

#endif
