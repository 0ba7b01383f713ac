/* A scripted HTTP server inside the test program.
 *
 * It listens on 127.0.0.1 on a port the system picks, runs on its own
 * threads and serves each connection it accepts by a script the test wrote
 * beforehand: read a request head, send these bytes, send them slowly, wait,
 * close, reset...  It uses only Winsock, so the conformance programs that use
 * it run unchanged on native Windows.  It counts the connections it accepted
 * and the requests it read, and keeps every request head (and body) exactly
 * as received, so a test can check what the client put on the wire.
 *
 * Usage:
 *
 *     struct server *srv = server_start();
 *     struct script *c = server_add_connection(srv);  // the first connection
 *     script_recv_request(c);
 *     script_respond(c, 200, "Content-Type: text/plain\r\n", "hello");
 *     script_recv_request(c);                          // kept alive: a second request
 *     script_send(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0);
 *     script_close(c);
 *
 *     ... the client under test talks to 127.0.0.1:server_port(srv) ...
 *
 *     server_wait_idle(srv, 5000);                     // let the server finish its scripts
 *     ok(!strncmp(server_last_request(srv), "GET /missing HTTP/1.1\r\n", 23), ...);
 *     ok_int(server_connections(srv), 1);
 *     ok_int(server_requests(srv), 2);
 *     ok_int(server_errors(srv), 0);                   // every script ran as written
 *     server_stop(srv);                                // joins its threads, closes every socket, frees all
 *
 * Connections get scripts in the order they are accepted: the first accepted
 * connection runs the first script added with server_add_connection(), and
 * so on; connections past those run the server_every_connection() script, or
 * are closed at once (and counted as an error) if there is none.  Write a
 * script completely before the client can connect.  A script that runs out
 * of steps closes its connection gracefully.
 *
 * Every read waits at most the server's timeout (10 s unless
 * server_set_timeout() says otherwise); a step that fails (timeout, the
 * client closed or reset the connection, a head too large) is counted by
 * server_errors() and ends that connection.  server_stop() interrupts every
 * wait at once.
 */
#ifndef CONFORMANCE_SERVER_H
#define CONFORMANCE_SERVER_H

#include <winsock2.h>
#include <windows.h>
#include <stddef.h>

struct server;
struct script;
struct response;
struct server_request;

/* ---- the server ----------------------------------------------------------- */

/* Listens on 127.0.0.1:0 and starts the server thread; NULL on failure. */
struct server *server_start(void);
/* Stops serving, joins every thread, closes every socket and frees the
 * server, its scripts and its records: nothing it returned stays valid. */
void server_stop(struct server *server);
unsigned short server_port(const struct server *server);
/* How long a read may wait for the client; also bounds script_close()'s
 * drain.  Applies to steps that start after the call. */
void server_set_timeout(struct server *server, DWORD ms);

/* ---- scripts: the steps run for one connection, in order ------------------ */

/* The script of the next connection in accept order (the first call scripts
 * the first connection, and so on). */
struct script *server_add_connection(struct server *server);
/* The script of every connection accepted after the listed ones. */
struct script *server_every_connection(struct server *server);

/* Read one request head, up to and including the empty line; it is recorded
 * and counted.  If the client closes the connection cleanly before sending
 * any byte of it, the connection ends quietly (no error). */
void script_recv_request(struct script *script);
/* Read a request body of `length` bytes and record it raw with its request;
 * SERVER_BODY_AUTO reads what the last head announced: Content-Length bytes,
 * or a chunked body up to its last chunk and trailer, or nothing. */
#define SERVER_BODY_AUTO (-1LL)
void script_recv_body(struct script *script, long long length);
/* Send these exact bytes (length 0: strlen(bytes)).  The bytes are copied. */
void script_send(struct script *script, const void *bytes, size_t length);
/* Send `piece` bytes at a time, pausing `ms` milliseconds after each piece
 * but the last. */
void script_send_slow(struct script *script, const void *bytes, size_t length, size_t piece,
                      DWORD ms);
/* Send bytes made when the step runs, from what the connection read: the
 * builder gets the last request head read on this connection (NULL if none)
 * and the context given, and returns a malloc'd buffer and its length, which
 * is sent and freed; NULL fails the step.  It runs on the connection's
 * thread.  (A WebSocket handshake's answer depends on the client's key.) */
typedef char *(*script_builder)(const struct server_request *last, void *context, size_t *length);
void script_send_built(struct script *script, script_builder build, void *context);
/* Send a response built by response_build(): see below. */
void script_send_response(struct script *script, const struct response *response);
/* Shorthand: status with its standard reason, the header lines given (each
 * ending in "\r\n", or NULL), Content-Length and the body (or NULL). */
void script_respond(struct script *script, int status, const char *headers, const char *body);
/* Pause. */
void script_wait(struct script *script, DWORD ms);
/* Graceful close: shutdown(SD_SEND), read what the client still sends until
 * it closes or is quiet for a moment, then closesocket. */
void script_close(struct script *script);
/* Abortive close: SO_LINGER {1, 0} then closesocket, so the client gets RST. */
void script_reset(struct script *script);
/* Keep the connection open until the client closes it.  With a timeout, not
 * seeing the close in time is an error; with INFINITE the connection is held
 * until the client closes it or the server stops (keep-alive tests).  Bytes
 * received meanwhile are an error (the script expected none). */
void script_await_close(struct script *script, DWORD ms);
/* Start the script over from its first step; the loop ends quietly when the
 * client closes the connection between two requests. */
void script_repeat(struct script *script);

/* ---- what the server saw -------------------------------------------------- */

struct server_request
{
    const char *head;    /* the request head exactly as received, NUL-terminated */
    size_t head_length;
    const char *body;    /* the raw body read by script_recv_body(), or NULL */
    size_t body_length;
    int connection;      /* which connection it came on: 0 for the first accepted */
    int index;           /* its place on that connection: 0 for the first request */
};

LONG server_connections(struct server *server);      /* accepted so far */
LONG server_requests(struct server *server);         /* request heads read so far */
LONG server_open_connections(struct server *server); /* scripts still running */
LONG server_errors(struct server *server);           /* steps that failed */
/* The first error, in words ("" if none), e.g. "connection 0 step 2: timed out". */
const char *server_error_text(struct server *server);
/* The i-th request read (in the order the server finished reading them), or
 * NULL; valid until server_stop(). */
const struct server_request *server_request(struct server *server, int i);
/* The last request head read, or "" if none. */
const char *server_last_request(struct server *server);
/* Wait until every connection listed with server_add_connection() has been
 * accepted and no script is running any more; FALSE if that took longer
 * than `ms`. */
BOOL server_wait_idle(struct server *server, DWORD ms);

/* ---- building responses ----------------------------------------------------- */

enum
{
    RESPONSE_CHUNKED   = 0x01, /* Transfer-Encoding: chunked instead of Content-Length */
    RESPONSE_NO_LENGTH = 0x02, /* no framing header: the body ends when the connection closes */
    RESPONSE_CLOSE     = 0x04, /* add "Connection: close" */
    RESPONSE_HTTP10    = 0x08, /* "HTTP/1.0" instead of "HTTP/1.1" */
};

struct response
{
    int status;          /* 0 means 200 */
    const char *reason;  /* NULL: the standard phrase for the status ("Unknown" if none) */
    const char *headers; /* extra header lines, each ending in "\r\n", or NULL */
    const void *body;    /* NULL for none */
    size_t body_length;  /* 0: strlen(body) */
    unsigned flags;      /* RESPONSE_* */
    size_t chunk_size;   /* RESPONSE_CHUNKED: bytes per chunk; 0: one chunk */
};

/* Builds the bytes of a response, laid out exactly as
 *     "HTTP/1.1 <status> <reason>\r\n" <headers> ["Connection: close\r\n"]
 *     ["Content-Length: <n>\r\n" | "Transfer-Encoding: chunked\r\n"] "\r\n" <body>
 * where a chunked body is "<hex size>\r\n<bytes>\r\n"... "0\r\n\r\n".  No
 * Content-Length is added to 1xx, 204 and 304 responses.  Returns a malloc'd
 * buffer (free() it) and its length in *length. */
char *response_build(const struct response *response, size_t *length);
/* The standard reason phrase of a status code, or "Unknown". */
const char *response_reason(int status);

#endif
