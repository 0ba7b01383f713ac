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
/* Reads up to size body bytes; *read is 0 at the end. */
DWORD body_read(struct request *request, void *buffer, DWORD size, DWORD *read);
/* Reads and discards what is left, up to limit bytes (redirects, reuse). */
DWORD body_drain(struct request *request, DWORD limit);
/* Consumes the rest of the body when it has all arrived, so that the
 * connection can be reused; never waits (a request being closed). */
void body_finish_buffered(struct request *request);
void body_free(struct body_reader *body);

#endif
