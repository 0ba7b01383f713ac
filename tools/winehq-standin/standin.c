/*
 * standin: a loopback stand-in for the internet servers that Wine's winhttp
 * tests (dlls/winhttp/tests/winhttp.c, notification.c) talk to:
 *
 *   test.winehq.org, www.winehq.org, winehq.org   http (80) and https (443)
 *   ws.ifelse.io                                  ws (80) and wss (443), a
 *                                                 WebSocket echo server
 *
 * It is meant to run inside a private network namespace where those names
 * resolve to 127.0.0.1 (tools/with-winehq-standin sets that up).  Host-native
 * C: OpenSSL for TLS, one thread per connection.
 *
 * What each resource does, and why, is written next to its handler; the facts
 * come from what the tests expect of the real servers.  Everything the
 * real servers do that the tests do not look at is a guess, kept simple:
 * Apache-like HTTP/1.1 with keep-alive (test.winehq.org answers like
 * Apache with mod_ssl), and for ws.ifelse.io what the tests show, which is
 * what an echo server built on the Go gorilla/websocket library does (its
 * greeting, whole-message echoes, close handling).
 *
 * usage: standin --pki DIR [--ready FILE] [--addr 127.0.0.1]
 *                [--http-port 80] [--https-port 443] [--ws-latency-ms 200]
 *
 *   DIR holds server.pem and server.key (the certificate for all the names
 *   above) and, optionally, client-expired.pem: the client certificate of
 *   winhttp.c's test_client_cert_authentication, which the server trusts
 *   as it is (see request_client_certificate).  FILE is written (the pid)
 *   once both ports listen.  SIGTERM or SIGINT stops the server, and so
 *   does the end of the process that started it.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

/* An idle keep-alive connection is closed after this long (and announced
 * in Keep-Alive: timeout=).  Apache's default is 5 s; a little longer
 * keeps a slow Wine under load from racing the server's close. */
#define KEEPALIVE_TIMEOUT_S 15
#define WEBSOCKET_TIMEOUT_S 120
#define TLS_HANDSHAKE_TIMEOUT_S 30
#define LINGER_MS 2000

#define MAX_HEAD 65536
#define MAX_KEPT_BODY (1 << 20)          /* what post.php looks at */
#define MAX_BODY ((long long)64 << 20)
#define MAX_WS_MESSAGE ((uint64_t)16 << 20)

/* ws.ifelse.io greets every WebSocket with "Request served by HOST".
 * winhttp.c wants that first message to be 26 bytes long and begin with
 * 'R', so the host part has 8 characters, as the real server's has. */
#define WS_GREETING "Request served by standin1"
_Static_assert( sizeof(WS_GREETING) - 1 == 26, "winhttp.c expects a greeting of 26 bytes" );
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

struct options
{
    const char *pki;
    const char *ready;
    const char *addr;
    int http_port;
    int https_port;
    int ws_latency_ms;
};

static struct options opt = { NULL, NULL, "127.0.0.1", 80, 443, 200 };
static SSL_CTX *tls_ctx;
static int client_trust_loaded;
static char *home_page;
static size_t home_page_len;
static int signal_pipe[2] = { -1, -1 };

/* ---------------------------------------------------------------------- */
/* logging                                                                 */

static void log_msg( unsigned conn_id, const char *fmt, ... )
{
    char when[32], text[1024];
    struct timeval tv;
    struct tm tm;
    va_list ap;

    gettimeofday( &tv, NULL );
    localtime_r( &tv.tv_sec, &tm );
    strftime( when, sizeof(when), "%H:%M:%S", &tm );
    va_start( ap, fmt );
    vsnprintf( text, sizeof(text), fmt, ap );
    va_end( ap );
    /* one fprintf per line: stdio locks the stream, so threads do not mix lines */
    fprintf( stderr, "%s.%03ld #%u %s\n", when, (long)(tv.tv_usec / 1000), conn_id, text );
}

static void log_tls_errors( unsigned conn_id, const char *what )
{
    unsigned long err;
    char text[256];
    int any = 0;

    while ((err = ERR_get_error()))
    {
        ERR_error_string_n( err, text, sizeof(text) );
        log_msg( conn_id, "%s: %s", what, text );
        any = 1;
    }
    if (!any) log_msg( conn_id, "%s (%s)", what, errno ? strerror( errno ) : "connection closed" );
}

/* ---------------------------------------------------------------------- */
/* a growable byte buffer                                                  */

struct buf
{
    char *data;
    size_t len, cap;
};

static void buf_reserve( struct buf *b, size_t more )
{
    if (b->len + more + 1 <= b->cap) return;
    while (b->len + more + 1 > b->cap) b->cap = b->cap ? b->cap * 2 : 1024;
    if (!(b->data = realloc( b->data, b->cap ))) abort();
}

static void buf_add( struct buf *b, const void *data, size_t len )
{
    buf_reserve( b, len );
    memcpy( b->data + b->len, data, len );
    b->len += len;
    b->data[b->len] = 0;
}

static void buf_printf( struct buf *b, const char *fmt, ... )
{
    char small[256];
    va_list ap;
    int n;

    va_start( ap, fmt );
    n = vsnprintf( small, sizeof(small), fmt, ap );
    va_end( ap );
    if (n < (int)sizeof(small))
    {
        buf_add( b, small, n );
        return;
    }
    buf_reserve( b, n );
    va_start( ap, fmt );
    vsnprintf( b->data + b->len, n + 1, fmt, ap );
    va_end( ap );
    b->len += n;
}

static void buf_free( struct buf *b )
{
    free( b->data );
    memset( b, 0, sizeof(*b) );
}

/* ---------------------------------------------------------------------- */
/* a connection: a socket, maybe TLS over it, and a read buffer            */

struct conn
{
    unsigned id;
    int fd;
    SSL *ssl;
    int tls_failed;             /* a fatal TLS error: no SSL_shutdown then */
    int on_tls_port;
    char rbuf[16384];
    size_t rpos, rlen;
};

/* SSL_get_error, noting the fatal errors after which OpenSSL forbids
 * SSL_shutdown. */
static int tls_error( struct conn *c, int ret )
{
    int err = SSL_get_error( c->ssl, ret );

    if (err == SSL_ERROR_SYSCALL || err == SSL_ERROR_SSL) c->tls_failed = 1;
    return err;
}

static void set_timeouts( int fd, int seconds )
{
    struct timeval tv = { seconds, 0 };

    setsockopt( fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv) );
    setsockopt( fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv) );
}

/* Reads what is there (at least one byte) into the read buffer; returns
 * 0 at the end of the stream, on a timeout (SO_RCVTIMEO) or an error. */
static int conn_fill( struct conn *c )
{
    int n;

    if (c->rpos == c->rlen) c->rpos = c->rlen = 0;
    if (c->rlen == sizeof(c->rbuf)) return 0;
    if (c->ssl)
    {
        ERR_clear_error();
        n = SSL_read( c->ssl, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen );
        if (n <= 0)
        {
            if (tls_error( c, n ) == SSL_ERROR_SSL) log_tls_errors( c->id, "TLS read failed" );
            return 0;
        }
    }
    else
    {
        do n = recv( c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen, 0 );
        while (n < 0 && errno == EINTR);
        if (n <= 0) return 0;
    }
    c->rlen += n;
    return 1;
}

static int conn_read_exact( struct conn *c, void *dst, size_t len )
{
    char *p = dst;

    while (len)
    {
        size_t n;
        if (c->rpos == c->rlen && !conn_fill( c )) return 0;
        n = c->rlen - c->rpos;
        if (n > len) n = len;
        memcpy( p, c->rbuf + c->rpos, n );
        c->rpos += n;
        p += n;
        len -= n;
    }
    return 1;
}

static int conn_write_all( struct conn *c, const void *data, size_t len )
{
    const char *p = data;

    while (len)
    {
        int n;
        int chunk = len > (1u << 30) ? (1 << 30) : (int)len;
        if (c->ssl)
        {
            ERR_clear_error();
            n = SSL_write( c->ssl, p, chunk );
            if (n <= 0)
            {
                tls_error( c, n );
                return 0;
            }
        }
        else
        {
            do n = send( c->fd, p, chunk, MSG_NOSIGNAL );
            while (n < 0 && errno == EINTR);
            if (n <= 0) return 0;
        }
        p += n;
        len -= n;
    }
    return 1;
}

/* Closes the way Apache's lingering close does: finish sending, then read
 * and drop what the client still sends for a while.  Closing a socket with
 * unread data makes the kernel send a reset, which can destroy a response
 * the client has not read yet (test_WinHttpSendRequest writes more body
 * than it announced, for one). */
static void conn_close( struct conn *c )
{
    char drain[4096];
    struct timespec start, now;

    if (c->ssl)
    {
        /* close_notify, unless TLS failed (then an alert went, if any) */
        if (!c->tls_failed && !SSL_in_init( c->ssl )) SSL_shutdown( c->ssl );
        ERR_clear_error();
        SSL_free( c->ssl );
        c->ssl = NULL;
    }
    shutdown( c->fd, SHUT_WR );
    clock_gettime( CLOCK_MONOTONIC, &start );
    for (;;)
    {
        struct pollfd pfd = { c->fd, POLLIN, 0 };
        long elapsed;

        clock_gettime( CLOCK_MONOTONIC, &now );
        elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsed >= LINGER_MS || poll( &pfd, 1, LINGER_MS - elapsed ) <= 0) break;
        if (recv( c->fd, drain, sizeof(drain), 0 ) <= 0) break;
    }
    close( c->fd );
}

/* ---------------------------------------------------------------------- */
/* HTTP requests                                                           */

struct request
{
    char method[32];
    char target[8192];
    char path[8192];
    const char *query;          /* in path, after the '?', or "" */
    int minor;                  /* HTTP/1.minor */
    char host[256];             /* without the port */
    long long content_length;   /* -1: none */
    int chunked;
    int conn_close, conn_keep_alive, conn_upgrade;
    int upgrade_websocket;
    int expect_continue;
    char content_type[256];
    char ws_key[128];
    char ws_version[16];
    char head[MAX_HEAD];        /* as received, for the HTTP echo */
    size_t head_len;
    char *body;                 /* the first MAX_KEPT_BODY bytes */
    size_t body_len;
};

struct response
{
    int status;
    const char *reason;
    const char *content_type;
    struct buf headers;         /* extra header lines, each ending in CRLF */
    struct buf body;
    const char *static_body;    /* instead of body, not freed */
    size_t static_len;
    int chunked;                /* send body as several chunks: one per line */
    int close;                  /* close the connection after this response */
    int none;                   /* send nothing at all, close (a TLS failure) */
};

static int token_in_list( const char *list, const char *token )
{
    size_t len = strlen( token );
    const char *p = list;

    while (*p)
    {
        while (*p == ' ' || *p == '\t' || *p == ',') p++;
        if (!strncasecmp( p, token, len ) && (!p[len] || p[len] == ',' || p[len] == ' ' || p[len] == '\t'))
            return 1;
        while (*p && *p != ',') p++;
    }
    return 0;
}

static void copy_str( char *dst, size_t size, const char *src, size_t len )
{
    if (len >= size) len = size - 1;
    memcpy( dst, src, len );
    dst[len] = 0;
}

/* Reads up to the blank line after the headers.  Returns 1, 0 when the
 * client closed or went quiet first, -1 when the head is too big. */
static int read_head( struct conn *c, struct request *req )
{
    size_t len = 0;

    for (;;)
    {
        while (c->rpos < c->rlen)
        {
            if (len == sizeof(req->head) - 1) return -1;
            req->head[len++] = c->rbuf[c->rpos++];
            /* skip empty lines before a request, as RFC 9112 allows */
            if (len <= 2 && (req->head[0] == '\r' || req->head[0] == '\n'))
            {
                if (req->head[len - 1] == '\n') len = 0;
                continue;
            }
            if ((len >= 4 && !memcmp( req->head + len - 4, "\r\n\r\n", 4 )) ||
                (len >= 2 && !memcmp( req->head + len - 2, "\n\n", 2 )))
            {
                req->head[len] = 0;
                req->head_len = len;
                return 1;
            }
        }
        if (!conn_fill( c )) return 0;
    }
}

static int parse_request_line( struct request *req, const char *line, size_t len )
{
    const char *end = line + len, *sp1, *sp2;
    const char *target, *path;

    if (!(sp1 = memchr( line, ' ', len ))) return 0;
    if (!(sp2 = memchr( sp1 + 1, ' ', end - sp1 - 1 ))) return 0;
    if (sp1 == line || sp1 - line >= (long)sizeof(req->method)) return 0;
    copy_str( req->method, sizeof(req->method), line, sp1 - line );
    copy_str( req->target, sizeof(req->target), sp1 + 1, sp2 - sp1 - 1 );
    if (end - sp2 - 1 != 8 || strncmp( sp2 + 1, "HTTP/1.", 7 ) || !isdigit( (unsigned char)sp2[8] ))
        return 0;
    req->minor = sp2[8] - '0';

    /* origin-form, or absolute-form as sent to proxies */
    target = req->target;
    if (!strncasecmp( target, "http://", 7 ) || !strncasecmp( target, "https://", 8 ))
    {
        const char *auth = strstr( target, "//" ) + 2;
        path = strchr( auth, '/' );
        if (!req->host[0]) copy_str( req->host, sizeof(req->host), auth, path ? (size_t)(path - auth) : strlen( auth ) );
        if (!path) path = "/";
    }
    else if (target[0] == '/') path = target;
    else return 0;   /* Apache answers "GET tests/post.php" with 400 too */
    copy_str( req->path, sizeof(req->path), path, strlen( path ) );
    {
        char *q = strchr( req->path, '?' );
        if (q) { *q = 0; req->query = q + 1; }
        else req->query = "";
    }
    return 1;
}

static int parse_header( struct request *req, const char *name, size_t name_len, const char *value )
{
#define IS(n) (name_len == sizeof(n) - 1 && !strncasecmp( name, n, name_len ))
    if (IS("Host"))
    {
        char host[256];
        char *colon;
        copy_str( host, sizeof(host), value, strlen( value ) );
        if (host[0] != '[' && (colon = strchr( host, ':' ))) *colon = 0;
        strcpy( req->host, host );
    }
    else if (IS("Content-Length"))
    {
        char *end;
        long long n = strtoll( value, &end, 10 );
        if (!isdigit( (unsigned char)*value ) || *end || n < 0) return 0;
        if (req->content_length >= 0 && req->content_length != n) return 0;
        req->content_length = n;
    }
    else if (IS("Transfer-Encoding"))
    {
        if (!token_in_list( value, "chunked" )) return 0;  /* nothing else is supported */
        req->chunked = 1;
    }
    else if (IS("Connection"))
    {
        if (token_in_list( value, "close" )) req->conn_close = 1;
        if (token_in_list( value, "keep-alive" )) req->conn_keep_alive = 1;
        if (token_in_list( value, "upgrade" )) req->conn_upgrade = 1;
    }
    else if (IS("Upgrade"))
    {
        if (token_in_list( value, "websocket" )) req->upgrade_websocket = 1;
    }
    else if (IS("Expect"))
    {
        if (!strcasecmp( value, "100-continue" )) req->expect_continue = 1;
    }
    else if (IS("Content-Type")) copy_str( req->content_type, sizeof(req->content_type), value, strlen( value ) );
    else if (IS("Sec-WebSocket-Key")) copy_str( req->ws_key, sizeof(req->ws_key), value, strlen( value ) );
    else if (IS("Sec-WebSocket-Version")) copy_str( req->ws_version, sizeof(req->ws_version), value, strlen( value ) );
    return 1;
#undef IS
}

/* Returns 1 if the head is a well-formed HTTP/1.x request. */
static int parse_request( struct request *req )
{
    char *end = req->head + req->head_len;
    char *line, *eol;
    size_t len;

    req->content_length = -1;
    req->query = "";
    /* the header lines first: the request line's target may need the Host
     * (read_head saw the blank line, so every line ends in '\n') */
    eol = memchr( req->head, '\n', req->head_len );
    for (line = eol + 1; (eol = memchr( line, '\n', end - line )); line = eol + 1)
    {
        char *colon, *value, *vend, v[4096];

        len = eol - line;
        if (len && line[len - 1] == '\r') len--;
        if (!len) break;
        if (*line == ' ' || *line == '\t') return 0;   /* obsolete line folding */
        if (!(colon = memchr( line, ':', len )) || colon == line) return 0;
        if (colon[-1] == ' ' || colon[-1] == '\t') return 0;   /* RFC 9112 5.1 */
        value = colon + 1;
        vend = line + len;
        while (value < vend && (*value == ' ' || *value == '\t')) value++;
        while (vend > value && (vend[-1] == ' ' || vend[-1] == '\t')) vend--;
        copy_str( v, sizeof(v), value, vend - value );
        if (!parse_header( req, line, colon - line, v )) return 0;
    }
    eol = memchr( req->head, '\n', req->head_len );
    len = eol - req->head;
    if (len && req->head[len - 1] == '\r') len--;
    if (!parse_request_line( req, req->head, len )) return 0;
    if (req->minor >= 1 && !req->host[0]) return 0;   /* HTTP/1.1 requires Host */
    return 1;
}

static void keep_body( struct request *req, const char *data, size_t len )
{
    if (req->body_len >= MAX_KEPT_BODY) return;
    if (len > MAX_KEPT_BODY - req->body_len) len = MAX_KEPT_BODY - req->body_len;
    memcpy( req->body + req->body_len, data, len );
    req->body_len += len;
}

static int read_counted_body( struct conn *c, struct request *req, long long len )
{
    char chunk[8192];

    while (len > 0)
    {
        size_t n = len > (long long)sizeof(chunk) ? sizeof(chunk) : (size_t)len;
        if (!conn_read_exact( c, chunk, n )) return 0;
        keep_body( req, chunk, n );
        len -= n;
    }
    return 1;
}

static int read_line( struct conn *c, char *line, size_t size )
{
    size_t len = 0;
    char ch;

    for (;;)
    {
        if (!conn_read_exact( c, &ch, 1 )) return 0;
        if (ch == '\n') break;
        if (len + 1 < size) line[len++] = ch;
    }
    if (len && line[len - 1] == '\r') len--;
    line[len] = 0;
    return 1;
}

static int read_chunked_body( struct conn *c, struct request *req )
{
    char line[1024];
    long long total = 0;

    for (;;)
    {
        char *end;
        long long size;

        if (!read_line( c, line, sizeof(line) )) return 0;
        size = strtoll( line, &end, 16 );
        if (end == line || size < 0 || (total += size) > MAX_BODY) return 0;
        if (!size) break;
        if (!read_counted_body( c, req, size )) return 0;
        if (!read_line( c, line, sizeof(line) ) || line[0]) return 0;
    }
    do if (!read_line( c, line, sizeof(line) )) return 0;   /* trailers */
    while (line[0]);
    return 1;
}

static int read_body( struct conn *c, struct request *req )
{
    if (req->expect_continue && (req->chunked || req->content_length > 0))
    {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        if (!conn_write_all( c, cont, sizeof(cont) - 1 )) return 0;
    }
    if (!req->chunked && req->content_length <= 0) return 1;
    if (req->content_length > MAX_BODY) return 0;
    if (!(req->body = malloc( MAX_KEPT_BODY ))) abort();
    if (req->chunked) return read_chunked_body( c, req );
    return read_counted_body( c, req, req->content_length );
}

/* ---------------------------------------------------------------------- */
/* HTTP responses                                                          */

static void http_date( char *out, size_t size )
{
    time_t now = time( NULL );
    struct tm tm;

    gmtime_r( &now, &tm );
    strftime( out, size, "%a, %d %b %Y %H:%M:%S GMT", &tm );
}

static void set_status( struct response *resp, int status, const char *reason )
{
    resp->status = status;
    resp->reason = reason;
}

static void set_html( struct response *resp, int status, const char *reason, const char *html )
{
    set_status( resp, status, reason );
    resp->content_type = "text/html; charset=utf-8";
    buf_add( &resp->body, html, strlen( html ) );
}

/* An Apache-style error page. */
static void set_error( struct response *resp, int status, const char *reason, const char *detail )
{
    set_status( resp, status, reason );
    resp->content_type = "text/html; charset=iso-8859-1";
    buf_printf( &resp->body,
                "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n"
                "<html><head>\n<title>%d %s</title>\n</head><body>\n<h1>%s</h1>\n<p>%s</p>\n</body></html>\n",
                status, reason, reason, detail );
}

static void body_of( const struct response *resp, const char **data, size_t *len )
{
    if (resp->static_body) { *data = resp->static_body; *len = resp->static_len; }
    else { *data = resp->body.data ? resp->body.data : ""; *len = resp->body.len; }
}

/* Chunks of the body, one per line, so that a client's query of the data
 * available ends at a line's end (test_chunked_read checks that). */
static void add_chunked_body( struct buf *out, const char *data, size_t len )
{
    while (len)
    {
        const char *nl = memchr( data, '\n', len );
        size_t n = nl ? (size_t)(nl - data) + 1 : len;
        buf_printf( out, "%zx\r\n", n );
        buf_add( out, data, n );
        buf_add( out, "\r\n", 2 );
        data += n;
        len -= n;
    }
    buf_add( out, "0\r\n\r\n", 5 );
}

/* The head and the body go out in one write: test_secure_connection wants
 * more than 2014 bytes from the first query of the data available. */
static int send_response( struct conn *c, const struct request *req, struct response *resp )
{
    int head_only = !strcmp( req->method, "HEAD" ) || resp->status == 204 || resp->status == 304;
    struct buf out = { 0 };
    char date[64];
    const char *data;
    size_t len;
    int ok;

    body_of( resp, &data, &len );
    http_date( date, sizeof(date) );
    buf_printf( &out, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: Apache (winehq stand-in)\r\n",
                resp->status, resp->reason, date );
    buf_add( &out, resp->headers.data ? resp->headers.data : "", resp->headers.len );
    if (resp->chunked) buf_printf( &out, "Transfer-Encoding: chunked\r\n" );
    else if (resp->status != 204 && resp->status != 304) buf_printf( &out, "Content-Length: %zu\r\n", len );
    if (resp->close) buf_printf( &out, "Connection: close\r\n" );
    else buf_printf( &out, "Keep-Alive: timeout=%d, max=100\r\nConnection: Keep-Alive\r\n", KEEPALIVE_TIMEOUT_S );
    if (resp->content_type && (len || resp->chunked)) buf_printf( &out, "Content-Type: %s\r\n", resp->content_type );
    buf_add( &out, "\r\n", 2 );
    if (!head_only)
    {
        if (resp->chunked) add_chunked_body( &out, data, len );
        else buf_add( &out, data, len );
    }
    ok = conn_write_all( c, out.data, out.len );
    buf_free( &out );
    return ok;
}

/* ---------------------------------------------------------------------- */
/* the web site: test.winehq.org, www.winehq.org, winehq.org               */

/* The start page.  The tests want it to begin with "<!DOCTYPE html PUBLIC"
 * and to be big (more than 2014 bytes at once over https); it is made at
 * start-up, about 6 KB: with its head, one write and one TLS record. */
static void make_home_page( void )
{
    struct buf page = { 0 };
    int i;

    buf_printf( &page,
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
        "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
        "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n"
        "<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n"
        "<title>Wine test stand-in</title>\n</head>\n<body>\n"
        "<h1>Wine test stand-in</h1>\n"
        "<p>This page stands in for test.winehq.org while Wine's winhttp tests run "
        "without the internet.</p>\n<table>\n" );
    for (i = 1; i <= 80; i++)
        buf_printf( &page, "<tr><td>row %02d</td><td>filler text so the page is large enough</td></tr>\n", i );
    buf_printf( &page, "</table>\n</body>\n</html>\n" );
    home_page = page.data;
    home_page_len = page.len;
}

static void handle_home( struct conn *c, struct request *req, struct response *resp )
{
    (void)c; (void)req;
    set_status( resp, 200, "OK" );
    resp->content_type = "text/html; charset=utf-8";
    resp->static_body = home_page;
    resp->static_len = home_page_len;
}

static void handle_hello( struct conn *c, struct request *req, struct response *resp )
{
    (void)c; (void)req;
    set_html( resp, 200, "OK",
              "<html>\n<head><title>Hello</title></head>\n<body>\n<p>Hello from the stand-in.</p>\n</body>\n</html>\n" );
}

static void add_location( struct response *resp, const char *location )
{
    buf_printf( &resp->headers, "Location: %s\r\n", location );
}

/* /tests/redirect goes to hello.html on the same server (notification.c's
 * test_redirect expects a redirect, then 200; wininet's tests name the
 * target). */
static void handle_redirect( struct conn *c, struct request *req, struct response *resp )
{
    (void)req;
    add_location( resp, c->on_tls_port ? "https://test.winehq.org/tests/hello.html"
                                       : "http://test.winehq.org/tests/hello.html" );
    set_error( resp, 302, "Found", "The document has moved." );
}

static long query_number( const char *query, const char *name, long fallback )
{
    size_t len = strlen( name );
    const char *p = query;

    while (p && *p)
    {
        if (!strncmp( p, name, len ) && p[len] == '=') return strtol( p + len + 1, NULL, 10 );
        if ((p = strchr( p, '&' ))) p++;
    }
    return fallback;
}

/* redirecttest.php?max=N redirects N times, then answers 200
 * (test_max_http_automatic_redirects allows 2 of 3 and expects failure). */
static void handle_redirecttest( struct conn *c, struct request *req, struct response *resp )
{
    long max = query_number( req->query, "max", 0 );
    long id = query_number( req->query, "id", 0 );
    char location[128];

    (void)c;
    if (id < max)
    {
        snprintf( location, sizeof(location), "/tests/redirecttest.php?max=%ld&id=%ld", max, id + 1 );
        add_location( resp, location );
        set_status( resp, 302, "Found" );
        resp->content_type = "text/html; charset=UTF-8";
        return;
    }
    set_status( resp, 200, "OK" );
    resp->content_type = "text/html; charset=UTF-8";
    buf_printf( &resp->body, "Finished after %ld redirects\n", id );
}

static int hex_value( int ch )
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* application/x-www-form-urlencoded decoding of one name or value */
static void add_form_decoded( struct buf *out, const char *p, const char *end )
{
    while (p < end)
    {
        char ch = *p++;
        if (ch == '+') ch = ' ';
        else if (ch == '%' && end - p >= 2 && hex_value( p[0] ) >= 0 && hex_value( p[1] ) >= 0)
        {
            ch = (char)(hex_value( p[0] ) * 16 + hex_value( p[1] ));
            p += 2;
        }
        buf_add( out, &ch, 1 );
    }
}

/* post.php prints each form field as "name => value\n", in the order sent,
 * the way a PHP loop over $_POST does.  test_WinHttpSendRequest posts the
 * 10 bytes "mode=Test\0" and expects "mode => Test\0\n": values are taken
 * by length, NULs and all.  Without a form content type PHP sees no
 * fields, and the page is empty. */
static void handle_post( struct conn *c, struct request *req, struct response *resp )
{
    const char *p = req->body, *end = req->body + req->body_len;

    (void)c;
    set_status( resp, 200, "OK" );
    resp->content_type = "text/html; charset=UTF-8";
    if (strncasecmp( req->content_type, "application/x-www-form-urlencoded", 33 )) return;
    while (p && p < end)
    {
        const char *amp = memchr( p, '&', end - p ), *field_end = amp ? amp : end;
        const char *eq = memchr( p, '=', field_end - p );
        if (field_end > p)
        {
            add_form_decoded( &resp->body, p, eq ? eq : field_end );
            buf_add( &resp->body, " => ", 4 );
            if (eq) add_form_decoded( &resp->body, eq + 1, field_end );
            buf_add( &resp->body, "\n", 1 );
        }
        p = amp ? amp + 1 : NULL;
    }
}

/* /tests/chunked: a chunked response without a Content-Length, one chunk
 * per line (test_chunked_read). */
static void handle_chunked( struct conn *c, struct request *req, struct response *resp )
{
    int i;

    (void)c; (void)req;
    set_status( resp, 200, "OK" );
    resp->content_type = "text/plain; charset=UTF-8";
    resp->chunked = 1;
    for (i = 1; i <= 20; i++)
        buf_printf( &resp->body, "This is line %d of a response sent in chunks, one line each.\n", i );
}

/* ---------------------------------------------------------------------- */
/* client certificates: /tests/clientcert/                                 */

static long ms_since( const struct timespec *start )
{
    struct timespec now;

    clock_gettime( CLOCK_MONOTONIC, &now );
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

enum cert_result
{
    CERT_ACCEPTED,      /* a certificate that verified */
    CERT_REFUSED,       /* the handshake failed, the alert is sent: hang up */
    CERT_MISSING,       /* the client went on without answering: 403 */
    CERT_NOT_ASKED,     /* TLS 1.3 without post-handshake authentication: 403 */
};

/* Drives the exchange until the client has sent its certificate, the
 * handshake has failed, or the client has sent data instead.  Auto-retry
 * is off, so SSL_peek returns once handshake records are processed instead
 * of waiting for application data, which the client does not send: it
 * waits for the response.  (The HelloRequest goes out on the first call;
 * the client's handshake runs within a later one.)  With
 * SSL_VERIFY_FAIL_IF_NO_PEER_CERT a finished handshake has a verified
 * certificate; anything else is an error. */
static enum cert_result finish_handshake( struct conn *c )
{
    enum cert_result result = CERT_REFUSED;
    struct timespec start;

    clock_gettime( CLOCK_MONOTONIC, &start );
    SSL_clear_mode( c->ssl, SSL_MODE_AUTO_RETRY );
    while (ms_since( &start ) < TLS_HANDSHAKE_TIMEOUT_S * 1000)
    {
        char byte;
        int n, err;

        ERR_clear_error();
        errno = 0;
        n = SSL_peek( c->ssl, &byte, 1 );
        if (SSL_get0_peer_certificate( c->ssl ) && !SSL_in_init( c->ssl ))
        {
            result = CERT_ACCEPTED;
            break;
        }
        if (n > 0)
        {
            /* A client may ignore a HelloRequest (Wine 8's builtin winhttp
             * does, and sends its request again) */
            log_msg( c->id, "the client sent data instead of a certificate" );
            result = CERT_MISSING;
            break;
        }
        err = tls_error( c, n );
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
        {
            log_tls_errors( c->id, "client certificate handshake failed" );
            break;
        }
    }
    SSL_set_mode( c->ssl, SSL_MODE_AUTO_RETRY );
    return result;
}

/* Asks for a client certificate after the request has arrived, as Apache's
 * per-directory "SSLVerifyClient require" does: over TLS 1.2 and older by
 * renegotiating (a HelloRequest, then a full handshake with a
 * CertificateRequest); over TLS 1.3 by post-handshake authentication,
 * when the client offers it.
 *
 * The only certificate trusted is the test's own client certificate
 * (client-expired.pem, loaded with X509_V_FLAG_PARTIAL_CHAIN: its issuer
 * is not in the test's PKCS#12 blob).  Verification then fails on its
 * expiry, and OpenSSL sends the certificate_expired alert that makes
 * Windows report SEC_E_CERT_EXPIRED.  No certificate at all ends in a
 * handshake_failure (certificate_required in TLS 1.3) alert. */
static enum cert_result request_client_certificate( struct conn *c )
{
    int tls13 = SSL_version( c->ssl ) >= TLS1_3_VERSION;
    int ret;

    SSL_set_verify( c->ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL );
    /* a resumed session would skip the CertificateRequest */
    SSL_set_options( c->ssl, SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION );
    ERR_clear_error();
    if (tls13 ? !SSL_verify_client_post_handshake( c->ssl ) : !SSL_renegotiate( c->ssl ))
    {
        log_tls_errors( c->id, "cannot ask for a client certificate" );
        return CERT_NOT_ASKED;
    }
    if ((ret = SSL_do_handshake( c->ssl )) <= 0)
    {
        tls_error( c, ret );
        log_tls_errors( c->id, tls13 ? "CertificateRequest failed" : "HelloRequest failed" );
        return CERT_REFUSED;
    }
    return finish_handshake( c );
}

/* /tests/clientcert/: over https, a page for clients with an acceptable
 * certificate.  Otherwise the alert ends the connection, or, where Apache
 * answers "403 Forbidden" (no post-handshake authentication; the client
 * ignored the request and sent data), so does this. */
static void handle_clientcert( struct conn *c, struct request *req, struct response *resp )
{
    static const char *const names[] = { "accepted", "refused", "missing", "not asked for" };
    enum cert_result result;

    (void)req;
    if (!c->ssl)
    {
        set_error( resp, 403, "Forbidden", "You don't have permission to access this resource." );
        return;
    }
    result = request_client_certificate( c );
    log_msg( c->id, "client certificate %s (%s)", names[result],
             X509_verify_cert_error_string( SSL_get_verify_result( c->ssl ) ) );
    switch (result)
    {
    case CERT_ACCEPTED:
        set_html( resp, 200, "OK", "<html><body><p>Client certificate accepted.</p></body></html>\n" );
        break;
    case CERT_REFUSED:
        resp->none = 1;
        break;
    case CERT_MISSING:
        set_error( resp, 403, "Forbidden", "Re-negotiation handshake failed: Client certificate missing" );
        break;
    case CERT_NOT_ASKED:
        set_error( resp, 403, "Forbidden", "Cannot perform Post-Handshake Authentication." );
        break;
    }
}

static void handle_clientcert_dir( struct conn *c, struct request *req, struct response *resp )
{
    (void)req;
    add_location( resp, c->on_tls_port ? "https://test.winehq.org/tests/clientcert/"
                                       : "http://test.winehq.org/tests/clientcert/" );
    set_error( resp, 301, "Moved Permanently", "The document has moved." );
}

typedef void (*handler)( struct conn *, struct request *, struct response * );

static const struct route
{
    const char *path;
    handler fn;
}
site_routes[] =
{
    { "/",                       handle_home },
    { "/index.html",             handle_home },
    { "/tests/hello.html",       handle_hello },
    { "/tests/redirect",         handle_redirect },
    { "/tests/redirecttest.php", handle_redirecttest },
    { "/tests/post.php",         handle_post },
    { "/tests/chunked",          handle_chunked },
    { "/tests/clientcert/",      handle_clientcert },
    { "/tests/clientcert",       handle_clientcert_dir },
};

static void handle_site( struct conn *c, struct request *req, struct response *resp )
{
    size_t i;

    for (i = 0; i < sizeof(site_routes) / sizeof(site_routes[0]); i++)
    {
        if (strcmp( req->path, site_routes[i].path )) continue;
        site_routes[i].fn( c, req, resp );
        return;
    }
    set_error( resp, 404, "Not Found", "The requested URL was not found on this server." );
}

/* ---------------------------------------------------------------------- */
/* ws.ifelse.io: a WebSocket echo server                                   */

enum { WS_CONT = 0, WS_TEXT = 1, WS_BINARY = 2, WS_CLOSE = 8, WS_PING = 9, WS_PONG = 10 };

struct ws_frame
{
    int fin;
    int opcode;
    unsigned char *payload;
    uint64_t len;
};

static void sleep_ms( int ms )
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep( &ts, &ts ) && errno == EINTR);
}

static int ws_send( struct conn *c, int opcode, const void *data, size_t len )
{
    unsigned char head[10];
    size_t head_len = 2;
    struct buf out = { 0 };
    int ok;

    head[0] = 0x80 | opcode;     /* FIN: messages go out whole */
    if (len < 126) head[1] = (unsigned char)len;
    else if (len < 65536)
    {
        head[1] = 126;
        head[2] = (unsigned char)(len >> 8);
        head[3] = (unsigned char)len;
        head_len = 4;
    }
    else
    {
        int i;
        head[1] = 127;
        for (i = 0; i < 8; i++) head[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
        head_len = 10;
    }
    buf_add( &out, head, head_len );
    buf_add( &out, data, len );
    ok = conn_write_all( c, out.data, out.len );
    buf_free( &out );
    return ok;
}

/* What the peer sees of our replies: the real server is an internet
 * round trip away.  The tests rely on that: notification.c checks that no
 * close status is there yet right after WinHttpWebSocketShutdown and
 * WinHttpWebSocketClose return, which a loopback echo would beat. */
static int ws_reply( struct conn *c, int opcode, const void *data, size_t len )
{
    sleep_ms( opt.ws_latency_ms );
    return ws_send( c, opcode, data, len );
}

static int ws_send_close( struct conn *c, unsigned code, const char *reason, int delayed )
{
    unsigned char payload[125];
    size_t len = 0;

    if (code)
    {
        payload[0] = (unsigned char)(code >> 8);
        payload[1] = (unsigned char)code;
        len = 2;
        if (reason)
        {
            size_t n = strlen( reason );
            if (n > sizeof(payload) - 2) n = sizeof(payload) - 2;
            memcpy( payload + 2, reason, n );
            len += n;
        }
    }
    return delayed ? ws_reply( c, WS_CLOSE, payload, len ) : ws_send( c, WS_CLOSE, payload, len );
}

/* Reads one frame.  Returns 1, 0 when the connection ended, or -1 with
 * *why set on a protocol error. */
static int ws_read_frame( struct conn *c, struct ws_frame *f, const char **why )
{
    unsigned char head[2], ext[8], mask[4];
    uint64_t i;

    if (!conn_read_exact( c, head, 2 )) return 0;
    f->fin = head[0] >> 7;
    f->opcode = head[0] & 0x0f;
    f->len = head[1] & 0x7f;
    if (head[0] & 0x70) { *why = "reserved bits set"; return -1; }
    if (!(head[1] & 0x80)) { *why = "frame not masked"; return -1; }
    if (f->len == 126)
    {
        if (!conn_read_exact( c, ext, 2 )) return 0;
        f->len = (ext[0] << 8) | ext[1];
    }
    else if (f->len == 127)
    {
        if (!conn_read_exact( c, ext, 8 )) return 0;
        for (i = 0, f->len = 0; i < 8; i++) f->len = (f->len << 8) | ext[i];
    }
    if (f->opcode >= 8 && (f->len > 125 || !f->fin)) { *why = "bad control frame"; return -1; }
    if (f->opcode != WS_CONT && f->opcode != WS_TEXT && f->opcode != WS_BINARY &&
        f->opcode != WS_CLOSE && f->opcode != WS_PING && f->opcode != WS_PONG)
    {
        *why = "unknown opcode";
        return -1;
    }
    if (f->len > MAX_WS_MESSAGE) { *why = "frame too big"; return -1; }
    if (!conn_read_exact( c, mask, 4 )) return 0;
    if (!(f->payload = malloc( f->len + 1 ))) abort();
    if (!conn_read_exact( c, f->payload, f->len ))
    {
        free( f->payload );
        return 0;
    }
    for (i = 0; i < f->len; i++) f->payload[i] ^= mask[i % 4];
    return 1;
}

static int valid_close_code( unsigned code )
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/* The echo server: greet, then echo every message whole (fragments are
 * put together: winhttp.c sends 256 bytes and reads them back in two
 * halves, notification.c sends 8 KiB + 8 KiB + 0 and reads 16 KiB back),
 * answer pings, and answer a close with the same code and no reason
 * (winhttp.c expects status 1000 and a reason of length 0), as the
 * gorilla library's default close handler does; then hang up. */
static void ws_session( struct conn *c )
{
    struct buf message = { 0 };
    int message_type = 0;

    set_timeouts( c->fd, WEBSOCKET_TIMEOUT_S );
    if (!ws_send( c, WS_TEXT, WS_GREETING, strlen( WS_GREETING ) )) return;
    for (;;)
    {
        struct ws_frame f;
        const char *why = NULL;
        int r = ws_read_frame( c, &f, &why );

        if (r == 0) { log_msg( c->id, "websocket: connection ended" ); break; }
        if (r < 0)
        {
            log_msg( c->id, "websocket: protocol error: %s", why );
            ws_send_close( c, 1002, why, 0 );
            break;
        }
        if (f.opcode == WS_PING) r = ws_reply( c, WS_PONG, f.payload, f.len );
        else if (f.opcode == WS_PONG) r = 1;
        else if (f.opcode == WS_CLOSE)
        {
            unsigned code = f.len >= 2 ? (f.payload[0] << 8) | f.payload[1] : 0;
            log_msg( c->id, "websocket: close %u, reason of %u bytes", code, (unsigned)(f.len >= 2 ? f.len - 2 : 0) );
            if (f.len == 1 || (f.len >= 2 && !valid_close_code( code ))) ws_send_close( c, 1002, "bad close code", 1 );
            else ws_send_close( c, code, NULL, 1 );
            free( f.payload );
            break;
        }
        else if ((f.opcode == WS_CONT) != (message_type != 0))
        {
            free( f.payload );
            ws_send_close( c, 1002, f.opcode == WS_CONT ? "continuation without a message" : "message inside a message", 0 );
            break;
        }
        else
        {
            if (f.opcode != WS_CONT) message_type = f.opcode;
            buf_add( &message, f.payload, f.len );
            if (message.len > MAX_WS_MESSAGE)
            {
                free( f.payload );
                ws_send_close( c, 1009, "message too big", 0 );
                break;
            }
            if (f.fin)
            {
                log_msg( c->id, "websocket: echo %s message of %zu bytes",
                         message_type == WS_TEXT ? "text" : "binary", message.len );
                r = ws_reply( c, message_type, message.data ? message.data : "", message.len );
                message.len = 0;
                message_type = 0;
            }
        }
        free( f.payload );
        if (!r) break;
    }
    buf_free( &message );
}

static void websocket_accept_key( const char *key, char *out )
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    char input[256];

    snprintf( input, sizeof(input), "%s%s", key, WS_GUID );
    EVP_Digest( input, strlen( input ), digest, &digest_len, EVP_sha1(), NULL );
    EVP_EncodeBlock( (unsigned char *)out, digest, digest_len );
}

static int valid_websocket_key( const char *key )
{
    unsigned char raw[64];

    /* 16 random bytes, base64: 24 characters */
    return strlen( key ) == 24 && EVP_DecodeBlock( raw, (const unsigned char *)key, 24 ) == 18;
}

/* Returns 1 if the connection now carries a WebSocket (the session is
 * over when this returns); otherwise resp is filled in. */
static int handle_ws_host( struct conn *c, struct request *req, struct response *resp )
{
    char accept[64], head[512];

    if (!req->upgrade_websocket)
    {
        /* a plain request: the echo server echoes the request itself */
        set_status( resp, 200, "OK" );
        resp->content_type = "text/plain";
        buf_printf( &resp->body, "%s\n\n", WS_GREETING );
        buf_add( &resp->body, req->head, req->head_len );
        return 0;
    }
    if (strcmp( req->method, "GET" ) || req->minor < 1 || !req->conn_upgrade || !valid_websocket_key( req->ws_key ))
    {
        set_status( resp, 400, "Bad Request" );
        resp->content_type = "text/plain; charset=utf-8";
        buf_printf( &resp->body, "Bad Request\n" );
        resp->close = 1;
        return 0;
    }
    if (strcmp( req->ws_version, "13" ))
    {
        set_status( resp, 426, "Upgrade Required" );
        buf_printf( &resp->headers, "Sec-WebSocket-Version: 13\r\n" );
        resp->content_type = "text/plain; charset=utf-8";
        buf_printf( &resp->body, "Upgrade Required\n" );
        resp->close = 1;
        return 0;
    }
    websocket_accept_key( req->ws_key, accept );
    snprintf( head, sizeof(head),
              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Accept: %s\r\n\r\n", accept );
    if (!conn_write_all( c, head, strlen( head ) )) return 1;
    log_msg( c->id, "%s %s %s -> 101 websocket", req->host, req->method, req->target );
    ws_session( c );
    return 1;
}

/* ---------------------------------------------------------------------- */
/* serving a connection                                                    */

static int is_ws_host( const char *host )
{
    return !strcasecmp( host, "ws.ifelse.io" );
}

static void free_request( struct request *req )
{
    free( req->body );
    req->body = NULL;
}

static void free_response( struct response *resp )
{
    buf_free( &resp->headers );
    buf_free( &resp->body );
}

/* Serves requests until the connection closes; returns when it should be
 * closed. */
static void serve_http( struct conn *c )
{
    struct request *req = malloc( sizeof(*req) );

    if (!req) abort();
    for (;;)
    {
        struct response resp;
        int r, keep_alive;

        memset( req, 0, sizeof(*req) );
        memset( &resp, 0, sizeof(resp) );
        set_timeouts( c->fd, KEEPALIVE_TIMEOUT_S );
        if (!(r = read_head( c, req ))) break;
        if (r < 0 || !parse_request( req ))
        {
            log_msg( c->id, "bad request: %.*s", (int)strcspn( req->head, "\r\n" ), req->head );
            set_error( &resp, 400, "Bad Request", "Your browser sent a request that this server could not understand." );
            resp.close = 1;
            send_response( c, req, &resp );
            free_response( &resp );
            break;
        }
        if (!read_body( c, req ))
        {
            log_msg( c->id, "%s %s: the body did not arrive", req->method, req->target );
            free_request( req );
            break;
        }
        keep_alive = req->minor >= 1 ? !req->conn_close : req->conn_keep_alive && !req->conn_close;
        resp.close = !keep_alive;
        if (is_ws_host( req->host ))
        {
            if (handle_ws_host( c, req, &resp ))
            {
                free_request( req );
                free_response( &resp );
                break;
            }
        }
        else handle_site( c, req, &resp );

        if (resp.none)
        {
            log_msg( c->id, "%s %s %s -> no response", req->host, req->method, req->target );
            free_request( req );
            free_response( &resp );
            break;
        }
        log_msg( c->id, "%s %s %s%s -> %d", req->host, req->method, req->target,
                 req->body_len ? " (with a body)" : "", resp.status );
        r = send_response( c, req, &resp );
        keep_alive = !resp.close;
        free_request( req );
        free_response( &resp );
        if (!r || !keep_alive) break;
    }
    free( req );
}

/* Plain HTTP sent to the TLS port gets a 400 in clear text, as from
 * Apache (test_secure_connection sends one and expects 400). */
static void serve_plain_on_tls_port( struct conn *c )
{
    struct request *req = calloc( 1, sizeof(*req) );
    struct response resp;

    if (!req) abort();
    memset( &resp, 0, sizeof(resp) );
    set_timeouts( c->fd, KEEPALIVE_TIMEOUT_S );
    if (read_head( c, req ) != 0)
    {
        set_error( &resp, 400, "Bad Request",
                   "Your browser sent a request that this server could not understand.<br />\n"
                   "Reason: You're speaking plain HTTP to an SSL-enabled server port.<br />\n"
                   " Instead use the HTTPS scheme to access this URL, please.<br />" );
        resp.close = 1;
        strcpy( req->method, "GET" );
        log_msg( c->id, "plain HTTP on the TLS port: %.*s -> 400", (int)strcspn( req->head, "\r\n" ), req->head );
        send_response( c, req, &resp );
        free_response( &resp );
    }
    free( req );
}

static int peek_first_byte( int fd )
{
    unsigned char byte;
    ssize_t n;

    do n = recv( fd, &byte, 1, MSG_PEEK );
    while (n < 0 && errno == EINTR);
    return n == 1 ? byte : -1;
}

static int tls_accept( struct conn *c )
{
    if (!(c->ssl = SSL_new( tls_ctx ))) return 0;
    SSL_set_fd( c->ssl, c->fd );
    ERR_clear_error();
    errno = 0;
    if (SSL_accept( c->ssl ) <= 0)
    {
        log_tls_errors( c->id, "TLS handshake failed" );
        SSL_free( c->ssl );
        c->ssl = NULL;
        return 0;
    }
    log_msg( c->id, "TLS: %s, %s", SSL_get_version( c->ssl ), SSL_get_cipher_name( c->ssl ) );
    return 1;
}

static void *connection_thread( void *arg )
{
    struct conn *c = arg;

    set_timeouts( c->fd, TLS_HANDSHAKE_TIMEOUT_S );
    if (c->on_tls_port)
    {
        int first = peek_first_byte( c->fd );
        if (first < 0) ;                            /* closed without a word */
        else if (first != 0x16) serve_plain_on_tls_port( c );   /* 0x16: a TLS handshake record */
        else if (tls_accept( c )) serve_http( c );
    }
    else serve_http( c );
    conn_close( c );
    log_msg( c->id, "closed" );
    free( c );
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* set-up                                                                  */

static void die( const char *fmt, ... )
{
    va_list ap;

    va_start( ap, fmt );
    fprintf( stderr, "standin: " );
    vfprintf( stderr, fmt, ap );
    fprintf( stderr, "\n" );
    va_end( ap );
    ERR_print_errors_fp( stderr );
    exit( 1 );
}

static void pki_path( char *out, size_t size, const char *name )
{
    snprintf( out, size, "%s/%s", opt.pki, name );
}

static void make_tls_context( void )
{
    char cert[4096], key[4096], client[4096];

    if (!(tls_ctx = SSL_CTX_new( TLS_server_method() ))) die( "SSL_CTX_new failed" );
    /* TLS 1.0 to 1.3, and every cipher: test_client_cert_authentication
     * limits the client to TLS 1.1 */
    SSL_CTX_set_min_proto_version( tls_ctx, TLS1_VERSION );
    SSL_CTX_set_max_proto_version( tls_ctx, TLS1_3_VERSION );
    SSL_CTX_set_security_level( tls_ctx, 0 );
    if (!SSL_CTX_set_cipher_list( tls_ctx, "DEFAULT:@SECLEVEL=0" )) die( "no ciphers" );

    pki_path( cert, sizeof(cert), "server.pem" );
    pki_path( key, sizeof(key), "server.key" );
    if (SSL_CTX_use_certificate_chain_file( tls_ctx, cert ) != 1) die( "cannot load %s", cert );
    if (SSL_CTX_use_PrivateKey_file( tls_ctx, key, SSL_FILETYPE_PEM ) != 1) die( "cannot load %s", key );
    if (!SSL_CTX_check_private_key( tls_ctx )) die( "%s does not match %s", key, cert );

    /* the trust for client certificates: see request_client_certificate */
    pki_path( client, sizeof(client), "client-expired.pem" );
    if (!access( client, R_OK ))
    {
        if (SSL_CTX_load_verify_locations( tls_ctx, client, NULL ) != 1) die( "cannot load %s", client );
        X509_VERIFY_PARAM_set_flags( SSL_CTX_get0_param( tls_ctx ), X509_V_FLAG_PARTIAL_CHAIN );
        client_trust_loaded = 1;
    }
    /* renegotiations and resumed sessions need the same context id */
    SSL_CTX_set_session_id_context( tls_ctx, (const unsigned char *)"standin", 7 );
}

static int make_listener( int port )
{
    struct sockaddr_in sin;
    int fd, on = 1;

    memset( &sin, 0, sizeof(sin) );
    sin.sin_family = AF_INET;
    sin.sin_port = htons( port );
    if (inet_pton( AF_INET, opt.addr, &sin.sin_addr ) != 1) die( "bad address %s", opt.addr );
    if ((fd = socket( AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0 )) < 0) die( "socket: %s", strerror( errno ) );
    setsockopt( fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on) );
    if (bind( fd, (struct sockaddr *)&sin, sizeof(sin) ) < 0) die( "bind %s:%d: %s", opt.addr, port, strerror( errno ) );
    if (listen( fd, 128 ) < 0) die( "listen: %s", strerror( errno ) );
    return fd;
}

static void on_signal( int sig )
{
    unsigned char byte = (unsigned char)sig;
    int saved = errno;

    if (write( signal_pipe[1], &byte, 1 ) < 0) {}
    errno = saved;
}

static void setup_signals( void )
{
    struct sigaction sa;

    if (pipe2( signal_pipe, O_CLOEXEC | O_NONBLOCK ) < 0) die( "pipe: %s", strerror( errno ) );
    memset( &sa, 0, sizeof(sa) );
    sa.sa_handler = on_signal;
    sigemptyset( &sa.sa_mask );
    sigaction( SIGTERM, &sa, NULL );
    sigaction( SIGINT, &sa, NULL );
    signal( SIGPIPE, SIG_IGN );
    /* stop with the shell that started us, even if that is killed outright:
     * nothing else would stop us inside a namespace nobody looks into */
    prctl( PR_SET_PDEATHSIG, SIGTERM );
}

static void write_ready_file( void )
{
    char tmp[4096];
    FILE *f;

    if (!opt.ready) return;
    snprintf( tmp, sizeof(tmp), "%s.tmp", opt.ready );
    if (!(f = fopen( tmp, "w" ))) die( "cannot write %s: %s", tmp, strerror( errno ) );
    fprintf( f, "%d\n", (int)getpid() );
    if (fclose( f ) || rename( tmp, opt.ready )) die( "cannot write %s: %s", opt.ready, strerror( errno ) );
}

static void start_connection( int listener, int tls, unsigned id )
{
    pthread_attr_t attr;
    pthread_t thread;
    struct conn *c;
    int fd, on = 1;

    if ((fd = accept4( listener, NULL, NULL, SOCK_CLOEXEC )) < 0) return;
    setsockopt( fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on) );
    if (!(c = calloc( 1, sizeof(*c) ))) abort();
    c->id = id;
    c->fd = fd;
    c->on_tls_port = tls;
    log_msg( id, "accepted on the %s port", tls ? "TLS" : "plain" );
    pthread_attr_init( &attr );
    pthread_attr_setdetachstate( &attr, PTHREAD_CREATE_DETACHED );
    if (pthread_create( &thread, &attr, connection_thread, c ))
    {
        log_msg( id, "cannot start a thread" );
        close( fd );
        free( c );
    }
    pthread_attr_destroy( &attr );
}

/* Accepts until a signal comes.  Connections still open then are simply
 * dropped with the process. */
static void serve( int http_fd, int https_fd )
{
    struct pollfd fds[3] = { { http_fd, POLLIN, 0 }, { https_fd, POLLIN, 0 }, { signal_pipe[0], POLLIN, 0 } };
    unsigned next_id = 1;

    for (;;)
    {
        if (poll( fds, 3, -1 ) < 0)
        {
            if (errno == EINTR) continue;
            die( "poll: %s", strerror( errno ) );
        }
        if (fds[2].revents)
        {
            unsigned char sig = 0;
            if (read( signal_pipe[0], &sig, 1 ) < 0) {}
            log_msg( 0, "signal %d: stopping", sig );
            return;
        }
        if (fds[0].revents & POLLIN) start_connection( http_fd, 0, next_id++ );
        if (fds[1].revents & POLLIN) start_connection( https_fd, 1, next_id++ );
    }
}

static void usage( void )
{
    fprintf( stderr, "usage: standin --pki DIR [--ready FILE] [--addr ADDR] [--http-port PORT] "
                     "[--https-port PORT] [--ws-latency-ms MS]\n" );
    exit( 2 );
}

static void parse_options( int argc, char **argv )
{
    int i;

    for (i = 1; i < argc; i++)
    {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!value) usage();
        if (!strcmp( arg, "--pki" )) opt.pki = value;
        else if (!strcmp( arg, "--ready" )) opt.ready = value;
        else if (!strcmp( arg, "--addr" )) opt.addr = value;
        else if (!strcmp( arg, "--http-port" )) opt.http_port = atoi( value );
        else if (!strcmp( arg, "--https-port" )) opt.https_port = atoi( value );
        else if (!strcmp( arg, "--ws-latency-ms" )) opt.ws_latency_ms = atoi( value );
        else usage();
        i++;
    }
    if (!opt.pki || opt.ws_latency_ms < 0) usage();
}

int main( int argc, char **argv )
{
    int http_fd, https_fd;

    parse_options( argc, argv );
    setvbuf( stderr, NULL, _IOLBF, 0 );
    setup_signals();
    make_tls_context();
    make_home_page();
    http_fd = make_listener( opt.http_port );
    https_fd = make_listener( opt.https_port );
    log_msg( 0, "listening on %s:%d (http) and %s:%d (https); client certificate trust %s; "
             "websocket latency %d ms", opt.addr, opt.http_port, opt.addr, opt.https_port,
             client_trust_loaded ? "loaded" : "absent", opt.ws_latency_ms );
    write_ready_file();
    serve( http_fd, https_fd );
    close( http_fd );
    close( https_fd );
    if (opt.ready) unlink( opt.ready );
    SSL_CTX_free( tls_ctx );
    free( home_page );
    return 0;
}
