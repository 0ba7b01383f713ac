/* WebSocket objects (RFC 6455 over a connection a request upgraded).
 *
 * After the 101 the request's connection is detached from it (it never
 * goes back to the pool) and owned by the WebSocket object, which outlives
 * the request handle.  The two directions are independent (full duplex,
 * stream.h): a send and a receive may be in flight at the same time, each
 * on its own task queue in asynchronous mode (so each direction's callbacks
 * are serialized, and the two complete independently), each on its
 * caller's thread in synchronous mode.
 *
 *   ws_writer.c  frames out: messages and fragments, Close, Pong (answering
 *                a ping, or as the keep-alive), masked and sent a send
 *                buffer at a time
 *   ws_reader.c  frames in: data copied to the caller, pings answered,
 *                Close recorded, protocol violations failing the connection
 *   websocket.c  the exports, their argument and state rules, close
 *   ws_upgrade.c the request's side: the handshake headers, the 101, and
 *                WinHttpWebSocketCompleteUpgrade
 */
#ifndef WINHTTP_WEBSOCKET_H
#define WINHTTP_WEBSOCKET_H

#include "winhttp_private.h"
#include <ntsecapi.h>   /* RtlGenRandom: the keys and masks */
#include "http.h"
#include "task.h"
#include "ws_frame.h"

struct connection;
struct request;

/* The most a large message's send or receive moves in one socket call,
 * whatever the buffer-size options (which size the buffers of small ones):
 * under Wine every socket call is a round trip to wineserver. */
#define WS_BULK_SIZE                (1024 * 1024)

/* WINHTTP_OPTION_WEB_SOCKET_* defaults (documented, and native's). */
#define WS_MIN_SEND_BUFFER_SIZE     16          /* smaller: the upgrade fails (native) */
#define WS_DEFAULT_KEEPALIVE        30000       /* ms */
#define WS_MIN_KEEPALIVE            15000
#define WS_MAX_REASON               123

/* What the receiving side is asked for. */
struct ws_receive
{
    BOOL active;                /* a WinHttpWebSocketReceive is in flight */
    BYTE *buffer;
    DWORD size;
    DWORD count;                /* bytes copied so far */
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
};

/* Where the reader stands in the incoming frames. */
struct ws_reader_state
{
    unsigned char header[WS_MAX_HEADER];
    size_t header_len;          /* bytes of a header collected so far */
    BOOL in_frame;              /* header parsed, payload under way */
    struct ws_frame_header frame;
    uint64_t payload_left;
    int message_opcode;         /* WS_OP_TEXT/BINARY of a message under way, 0 between messages */
    struct ws_utf8 utf8;
    unsigned char control[WS_MAX_CONTROL_PAYLOAD];  /* a control frame's payload, collected */
    size_t control_len;
};

/* One frame going out. */
struct ws_outgoing
{
    int opcode;
    BOOL fin;
    const BYTE *data;           /* the caller's payload (masked into chunk as it goes) */
    DWORD length;
    uint64_t offset;            /* payload bytes sent */
    BOOL header_sent;
    BYTE *chunk;                /* header and masked payload being sent (send_chunk or bulk_chunk) */
    size_t chunk_len;
    unsigned char mask[4];
};

struct websocket
{
    struct object obj;          /* parent: the request's connect object */
    struct connection *conn;
    BOOL async;
    DWORD receive_buffer_size, send_buffer_size, keepalive;     /* (the close timeout is in obj.settings) */

    SRWLOCK lock;               /* guards the state below; never held across I/O */
    BOOL closing;               /* the handle was closed */
    DWORD failure;              /* the connection failed (aborted): every later call gets it */

    /* sending */
    struct task_queue send_queue;
    BOOL send_busy;             /* a Send, Shutdown or Close's frame in flight */
    int fragment_opcode;        /* WS_OP_TEXT/BINARY of a fragmented message being sent, else 0 */
    BOOL close_sent;            /* our Close frame went (or is going) out */
    BOOL close_frame_done;      /* ...and is out */
    CRITICAL_SECTION send_cs;   /* synchronous mode: one frame on the wire at a time */
    BYTE *send_chunk;           /* send_buffer_size bytes of staging (masking needs a copy) */
    BYTE *bulk_chunk;           /* WS_BULK_SIZE of it for large messages, made when first needed */
    unsigned char mask_pool[256];   /* masking keys to come (ws_writer.c) */
    size_t mask_used;
    ULONGLONG last_send;        /* GetTickCount64 of the last frame out, for the keep-alive */
    TP_TIMER *keepalive_timer;

    /* receiving */
    struct task_queue recv_queue;
    BOOL reader_busy;           /* a reader runs (task queued, or a synchronous caller) */
    struct ws_receive receive;
    struct ws_reader_state reader;
    BOOL close_received;
    USHORT close_status;
    BYTE close_reason[WS_MAX_REASON];
    DWORD close_reason_len;

    /* WinHttpWebSocketClose */
    BOOL close_active;          /* a Close waits for the server's Close frame */
    BOOL close_timed_out;
    TP_TIMER *close_timer;
    HANDLE close_event;         /* synchronous: the reader on another thread saw the Close */
    DWORD close_result;         /* ...with this result */
};

static inline struct websocket *websocket_from_object(struct object *obj) { return (struct websocket *)obj; }

/* ---- ws_upgrade.c ---------------------------------------------------------------- */

/* The handshake's request headers (SendRequest with
 * WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET): Upgrade, Connection, a new
 * Sec-WebSocket-Key from the system's RNG, Sec-WebSocket-Version. */
DWORD ws_upgrade_write_headers(struct request *request, struct http_buf *head);
/* A SendRequest that upgrades checks its send buffer size first. */
DWORD ws_upgrade_check(struct request *request);
/* The final response head arrived: a 101 to an upgrade keeps its
 * connection for WinHttpWebSocketCompleteUpgrade. */
void ws_upgrade_note_response(struct request *request);

/* ---- ws_writer.c ------------------------------------------------------------------ */

/* Starts a frame: payload data[0..length) is the caller's until it is sent. */
void ws_outgoing_init(struct ws_outgoing *out, int opcode, BOOL fin, const void *data, DWORD length);
/* Sends the frame; resumable (ERROR_IO_PENDING in asynchronous mode). */
DWORD ws_outgoing_send(struct websocket *ws, struct ws_outgoing *out);
/* A control frame (Pong, Close) sent by the DLL on its own: after any frame
 * being sent, never in the middle of one; no callback. */
void ws_send_control(struct websocket *ws, int opcode, const void *payload, size_t length);
/* The keep-alive: an unsolicited Pong when nothing went out for an interval. */
void ws_keepalive_start(struct websocket *ws);
void ws_keepalive_stop(struct websocket *ws);

/* ---- ws_reader.c ------------------------------------------------------------------ */

enum ws_read_event
{
    WS_READ_DATA,               /* ws->receive filled: its count and type are set */
    WS_READ_CLOSE,              /* the server's Close frame arrived (recorded) */
};

/* Reads frames until the receive in ws->receive has data to return (or,
 * with none active, until the server's Close), answering pings on the way;
 * resumable.  A protocol violation fails the connection (a Close with the
 * RFC's code goes out) with ERROR_WINHTTP_INVALID_SERVER_RESPONSE. */
DWORD ws_read(struct websocket *ws, enum ws_read_event *event);

/* ---- websocket.c ----------------------------------------------------------------- */

/* The connection failed: what is in flight ends, later calls get error. */
void ws_fail(struct websocket *ws, DWORD error);
/* A WebSocket handle over the request's upgraded connection, which it
 * takes over (closed on failure); NULL with the last error set. */
HINTERNET websocket_create(struct request *request, struct connection *conn, DWORD_PTR context);
/* WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL on the handle. */
void websocket_set_keepalive(struct websocket *ws, DWORD interval);

#endif
