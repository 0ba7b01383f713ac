/* Reading a response body off a connection, by its framing. */
#ifndef WINHTTP_BODY_H
#define WINHTTP_BODY_H

#include "request.h"

DWORD http_result_to_error(enum http_result result);

/* Sets up the reader for the response just parsed. */
DWORD body_start(struct request *request, const struct http_response_head *head);
/* Bytes readable without waiting for the network; waits for some (within
 * the receive timeout) when none are buffered.  0 at the end of the body. */
DWORD body_available(struct request *request, DWORD *available);
/* Reads up to size body bytes (decoded, when a coding is decoded); *read
 * is 0 at the end. */
DWORD body_read(struct request *request, void *buffer, DWORD size, DWORD *read);
/* The same, of the body as sent (the decoding stage reads through it). */
DWORD body_read_sent(struct request *request, void *buffer, DWORD size, DWORD *read);
/* Reads and discards what is left, up to limit bytes (redirects, reuse). */
DWORD body_drain(struct request *request, DWORD limit);
/* Consumes the rest of the body when it has all arrived, so that the
 * connection can be reused; never waits (a request being closed). */
void body_finish_buffered(struct request *request);
void body_free(struct body_reader *body);

/* ---- the decoding stage (body_decode.c) ---------------------------------------------- */

/* The response head is in: with WINHTTP_OPTION_DECOMPRESSION allowing the
 * one coding its Content-Encoding names, the body is decoded, and, as
 * native does, Content-Encoding and Content-Length leave the headers. */
DWORD body_decode_start(struct request *request);
DWORD body_decode_read(struct request *request, void *buffer, DWORD size, DWORD *read);
DWORD body_decode_available(struct request *request, DWORD *available);
void body_decode_free(struct body_reader *body);
/* The Accept-Encoding WINHTTP_OPTION_DECOMPRESSION sends (in place of the
 * application's, documented), or NULL. */
const WCHAR *body_decode_accept(DWORD flags);

#endif
