/* Content codings of a response body (RFC 9110 8.4): gzip and deflate,
 * decoded with zlib as the body streams in, in bounded memory whatever the
 * ratio (the output goes to the caller's buffer, a piece at a time).
 *
 * Pure C (no <windows.h>): unit tested and fuzzed on the host against the
 * host's zlib, linked into the DLL against MinGW's static one.
 */
#ifndef WINHTTP_CONTENT_DECODER_H
#define WINHTTP_CONTENT_DECODER_H

#include <stddef.h>

enum content_coding
{
    CODING_IDENTITY,            /* nothing to decode (or not a coding we decode) */
    CODING_GZIP,                /* RFC 1952; "x-gzip" too */
    CODING_DEFLATE,             /* the zlib format (RFC 1950), or raw deflate as some servers send it */
};

/* The coding a Content-Encoding value names, when it names exactly one
 * that this code decodes; CODING_IDENTITY for none, "identity", an
 * unknown coding or a list of several (which are then left alone). */
enum content_coding content_coding_parse(const char *value, size_t len);

enum decode_result
{
    DECODE_MORE,                /* went as far as the input and output allow */
    DECODE_END,                 /* the coded stream ended (what follows it is ignored) */
    DECODE_ERROR,               /* corrupt data (or out of memory) */
};

struct content_decoder
{
    enum content_coding coding;
    void *zstream;              /* z_stream, allocated by init */
    int started;                /* inflateInit2 done (deflate waits for two bytes to choose) */
    int ended;
    int trailing;               /* bytes after the end that start no gzip member: all ignored */
    unsigned char first[2];     /* deflate: the bytes that decide zlib or raw */
    size_t first_len;           /* ...collected */
    size_t first_used;          /* ...and given to zlib since */
};

/* 0, or -1 when out of memory. */
int content_decoder_init(struct content_decoder *d, enum content_coding coding);
/* Decodes in[0..in_len) into out[0..out_size): *consumed input bytes were
 * used, *produced output bytes written.  Called with nothing left to read,
 * in_len 0, it only flushes what zlib holds. */
enum decode_result content_decoder_feed(struct content_decoder *d, const void *in, size_t in_len, size_t *consumed,
                                        void *out, size_t out_size, size_t *produced);
/* Whether the stream ended properly (a body that stops before is truncated). */
static inline int content_decoder_ended(const struct content_decoder *d) { return d->ended; }
void content_decoder_free(struct content_decoder *d);

#endif
