/* The request's side of a WebSocket (websocket.h): the handshake headers
 * of a request with WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET (RFC 6455 4.1),
 * the 101 that keeps its connection out of the pool, and
 * WinHttpWebSocketCompleteUpgrade, which checks the server's answer and
 * hands the connection (with any bytes read past the 101) to a new
 * WebSocket handle. */
#include <wchar.h>

#include "websocket.h"
#include "body.h"
#include "connection.h"

DWORD ws_upgrade_check(struct request *r)
{
    /* native refuses to start with a send buffer too small for a frame header */
    if (r->obj.settings.ws_send_buffer_size < WS_MIN_SEND_BUFFER_SIZE) return ERROR_NOT_ENOUGH_MEMORY;
    return ERROR_SUCCESS;
}

static DWORD write_header(struct http_buf *head, struct request *r, const WCHAR *name, const WCHAR *value)
{
    if (header_list_find(&r->headers, name, 0) >= 0) return ERROR_SUCCESS;     /* the application's */
    return http_result_to_error(http_write_header(head, name, value));
}

DWORD ws_upgrade_write_headers(struct request *r, struct http_buf *head)
{
    unsigned char nonce[16];
    WCHAR key[WS_KEY_LEN + 1];
    DWORD error;

    /* a new key for every send (Wine's tests: native sends a new one) */
    if (!RtlGenRandom(nonce, sizeof(nonce))) return ERROR_WINHTTP_INTERNAL_ERROR;
    ws_make_key(nonce, r->ws_key);
    for (int i = 0; i <= WS_KEY_LEN; i++) key[i] = (unsigned char)r->ws_key[i];
    if ((error = write_header(head, r, L"Upgrade", L"websocket"))) return error;
    if ((error = http_result_to_error(http_write_header(head, L"Sec-WebSocket-Key", key)))) return error;
    return write_header(head, r, L"Sec-WebSocket-Version", L"13");
}

void ws_upgrade_note_response(struct request *r)
{
    r->upgraded = r->upgrade && r->response.status == HTTP_STATUS_SWITCH_PROTOCOLS;
}

/* The server agreed to this handshake: Upgrade names websocket and
 * Sec-WebSocket-Accept answers our key (RFC 6455 4.1, the client's checks). */
static BOOL server_agreed(struct request *r)
{
    const struct header_list *headers = &r->response.headers;
    int upgrade = header_list_find(headers, L"Upgrade", 0);
    char accept[64];

    if (upgrade < 0 || wcsicmp(headers->items[upgrade].value, L"websocket")) return FALSE;
    return header_list_value_a(headers, L"Sec-WebSocket-Accept", 0, accept, sizeof(accept)) &&
           ws_accept_matches(r->ws_key, accept, strlen(accept));
}

/* Under the request's lock: the upgraded connection, detached. */
static DWORD take_connection(struct request *r, struct connection **out)
{
    if (r->op != OP_NONE || !r->upgrade || !r->conn) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    /* native hands over the connection of a request sent and not yet
     * received as it is (Wine's tests: their server never answers that
     * second handshake, and the upgrade succeeds) */
    if (r->state != REQUEST_SENT)
    {
        if (r->state != REQUEST_RESPONSE || !r->upgraded) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
        if (!server_agreed(r))
        {
            WARN("the server's 101 does not answer our key\n");
            return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
        }
    }
    r->upgraded = FALSE;
    *out = request_detach_connection(r);
    return ERROR_SUCCESS;
}

HINTERNET WINAPI WinHttpWebSocketCompleteUpgrade(HINTERNET handle, DWORD_PTR context)
{
    struct connection *conn = NULL;
    HINTERNET socket;
    struct request *r;
    DWORD error;

    TRACE("%p, %Ix\n", handle, context);
    if (!(r = request_enter(handle))) return NULL;
    error = take_connection(r, &conn);
    ReleaseSRWLockExclusive(&r->lock);
    socket = error ? NULL : websocket_create(r, conn, context);
    object_release(&r->obj);
    if (error) return FAIL(error, NULL);
    if (socket) SetLastError(ERROR_SUCCESS);
    return socket;
}
