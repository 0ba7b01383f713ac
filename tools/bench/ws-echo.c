/* ws-echo: a WebSocket echo server for the benchmark (Linux, loopback).
 *
 *   ws-echo [PORT]      PORT 0 or none: one the kernel picks
 *
 * Listens on 127.0.0.1, prints the port on a line of its own and serves
 * every connection on a thread of its own with blocking sockets until it
 * is killed (tools/bench/run stops it).  RFC 6455, server side: any GET
 * with a Sec-WebSocket-Key is answered 101 with its Sec-WebSocket-Accept
 * (SHA-1 and base64 from the host's libcrypto), no subprotocol, no
 * extension.  Then every data message (fragments reassembled) goes back
 * as one unmasked frame with its opcode, written with one writev (looped
 * on partial writes); a ping is answered with a pong of its payload; a
 * close with a close of its payload (the status code echoed), after which
 * the connection ends.  Reads are large (a 256 KiB buffer; the rest of a
 * large payload straight into the message), so a 1 MiB message costs a
 * handful of system calls, not one per frame header byte.  At the end of
 * each upgraded connection, a line on stderr counts what came in on it
 * after the handshake: "connection end: messages=N frames=N reads=N"
 * (data messages and data frames, recv calls that returned data), for
 * the benchmark's frames and reads per message.
 *
 * Built by tools/bench/run: gcc -O2 ws-echo.c -lcrypto -lpthread.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define READ_BUFFER (256 * 1024)
#define MAX_HEAD 8192
#define MAX_MESSAGE (64u << 20)     /* a client gone wrong, not a benchmark */

struct conn
{
    int fd;
    unsigned char *in;              /* buffered input: in[pos..len) not consumed yet */
    size_t pos, len;
    unsigned char *message;         /* the message being reassembled */
    size_t size, capacity;
    unsigned long messages, frames, reads;      /* data messages and frames in, recv calls with data */
};

/* At least n bytes buffered (n <= READ_BUFFER); 0, or -1 at the end or an error. */
static int need(struct conn *c, size_t n)
{
    if (c->len - c->pos >= n) return 0;
    if (c->pos)
    {
        memmove(c->in, c->in + c->pos, c->len - c->pos);
        c->len -= c->pos;
        c->pos = 0;
    }
    while (c->len < n)
    {
        ssize_t got = recv(c->fd, c->in + c->len, READ_BUFFER - c->len, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        c->len += got;
        c->reads++;
    }
    return 0;
}

/* n bytes into dst: what is buffered, then straight from the socket. */
static int read_exact(struct conn *c, unsigned char *dst, size_t n)
{
    size_t have = c->len - c->pos;

    if (have > n) have = n;
    memcpy(dst, c->in + c->pos, have);
    c->pos += have;
    dst += have;
    n -= have;
    while (n)
    {
        ssize_t got = recv(c->fd, dst, n, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        c->reads++;
        dst += got;
        n -= got;
    }
    return 0;
}

static int write_all(int fd, struct iovec *iov, int count)
{
    while (count)
    {
        ssize_t put = writev(fd, iov, count);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) return -1;
        while (count && (size_t)put >= iov->iov_len)
        {
            put -= iov->iov_len;
            iov++;
            count--;
        }
        if (count)
        {
            iov->iov_base = (char *)iov->iov_base + put;
            iov->iov_len -= put;
        }
    }
    return 0;
}

/* One unmasked frame, FIN set: its head and payload in one writev. */
static int send_frame(struct conn *c, int opcode, const unsigned char *payload, size_t length)
{
    unsigned char head[10];
    struct iovec iov[2];
    int n = 2, i;

    head[0] = 0x80 | opcode;
    if (length < 126) head[1] = length;
    else if (length < 65536)
    {
        head[1] = 126;
        head[2] = length >> 8;
        head[3] = length;
        n = 4;
    }
    else
    {
        head[1] = 127;
        for (i = 0; i < 8; i++) head[2 + i] = (uint64_t)length >> (56 - 8 * i);
        n = 10;
    }
    iov[0].iov_base = head;
    iov[0].iov_len = n;
    iov[1].iov_base = (void *)payload;
    iov[1].iov_len = length;
    return write_all(c->fd, iov, length ? 2 : 1);
}

/* XORs p[0..n) with the 4-byte key, eight bytes at a time. */
static void unmask(unsigned char *p, size_t n, const unsigned char key[4])
{
    uint64_t wide;
    size_t i = 0;

    memcpy(&wide, key, 4);
    memcpy((unsigned char *)&wide + 4, key, 4);
    for (; i + 8 <= n; i += 8)
    {
        uint64_t v;
        memcpy(&v, p + i, 8);
        v ^= wide;
        memcpy(p + i, &v, 8);
    }
    for (; i < n; i++) p[i] ^= key[i & 3];
}

static void accept_key(const char *key, size_t length, char out[29])
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char text[128 + sizeof(guid)], digest[20];
    unsigned int size = 0;

    memcpy(text, key, length);
    memcpy(text + length, guid, sizeof(guid) - 1);
    EVP_Digest(text, length + sizeof(guid) - 1, digest, &size, EVP_sha1(), NULL);
    EVP_EncodeBlock((unsigned char *)out, digest, 20);
}

/* Reads the request head and answers it: 0 when 101 went out. */
static int handshake(struct conn *c)
{
    static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    char head[MAX_HEAD + 1], *end = NULL, *line, answer[256], accept[29];
    size_t length = 0;
    struct iovec iov;

    while (!end)
    {
        if (c->len - c->pos >= MAX_HEAD) return -1;
        if (need(c, c->len - c->pos + 1)) return -1;
        length = c->len - c->pos;
        memcpy(head, c->in + c->pos, length);
        head[length] = 0;
        end = strstr(head, "\r\n\r\n");
    }
    c->pos += end + 4 - head;       /* what follows the head stays buffered */
    end[2] = 0;
    for (line = strstr(head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n"))
    {
        char *value, *stop;
        if (strncasecmp(line + 2, "Sec-WebSocket-Key:", 18)) continue;
        for (value = line + 20; *value == ' ' || *value == '\t'; value++)
            ;
        for (stop = strstr(value, "\r\n"); stop > value && (stop[-1] == ' ' || stop[-1] == '\t'); stop--)
            ;
        if (stop - value <= 0 || stop - value > 128) break;
        accept_key(value, stop - value, accept);
        length = snprintf(answer, sizeof(answer), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
        iov.iov_base = answer;
        iov.iov_len = length;
        return write_all(c->fd, &iov, 1);
    }
    iov.iov_base = (void *)bad;
    iov.iov_len = sizeof(bad) - 1;
    write_all(c->fd, &iov, 1);
    return -1;
}

/* Frames until a close or an error. */
static void echo(struct conn *c)
{
    int message_opcode = 0;

    for (;;)
    {
        unsigned char *h, key[4] = { 0 }, control[125];
        int fin, opcode, masked, i;
        uint64_t length;
        size_t head = 2;

        if (need(c, 2)) return;
        h = c->in + c->pos;
        fin = h[0] & 0x80;
        opcode = h[0] & 0x0f;
        masked = h[1] & 0x80;
        length = h[1] & 0x7f;
        head += (length == 126 ? 2 : length == 127 ? 8 : 0) + (masked ? 4 : 0);
        if (need(c, head)) return;
        h = c->in + c->pos;
        if (length == 126) length = (h[2] << 8) | h[3];
        else if (length == 127)
            for (length = 0, i = 0; i < 8; i++) length = (length << 8) | h[2 + i];
        if (masked) memcpy(key, h + head - 4, 4);
        c->pos += head;

        if (opcode & 8)     /* control: ping, pong, close */
        {
            if (length > 125 || !fin) return;
            if (read_exact(c, control, length)) return;
            if (masked) unmask(control, length, key);
            if (opcode == 9 && send_frame(c, 10, control, length)) return;
            if (opcode == 8)
            {
                send_frame(c, 8, control, length);
                return;
            }
            continue;
        }
        if (opcode == 0 ? !message_opcode : message_opcode) return;     /* a fragment out of sequence */
        if (opcode) message_opcode = opcode, c->size = 0;
        if (c->size + length > MAX_MESSAGE) return;
        if (c->size + length > c->capacity)
        {
            size_t capacity = c->capacity ? c->capacity : 64 * 1024;
            unsigned char *grown;
            while (capacity < c->size + length) capacity *= 2;
            if (!(grown = realloc(c->message, capacity))) return;
            c->message = grown;
            c->capacity = capacity;
        }
        if (read_exact(c, c->message + c->size, length)) return;
        if (masked) unmask(c->message + c->size, length, key);
        c->size += length;
        c->frames++;
        if (!fin) continue;
        c->messages++;
        if (send_frame(c, message_opcode, c->message, c->size)) return;
        message_opcode = 0;
    }
}

static void *serve(void *arg)
{
    struct conn c = { .fd = (int)(intptr_t)arg };
    int one = 1;

    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if ((c.in = malloc(READ_BUFFER)) && !handshake(&c))
    {
        c.reads = 0;
        echo(&c);
        fprintf(stderr, "connection end: messages=%lu frames=%lu reads=%lu\n", c.messages, c.frames, c.reads);
    }
    close(c.fd);
    free(c.in);
    free(c.message);
    return NULL;
}

int main(int argc, char **argv)
{
    struct sockaddr_in address = { .sin_family = AF_INET };
    socklen_t size = sizeof(address);
    pthread_attr_t attr;
    int fd, one = 1;

    signal(SIGPIPE, SIG_IGN);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(argc > 1 ? atoi(argv[1]) : 0);
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
        bind(fd, (struct sockaddr *)&address, sizeof(address)) || listen(fd, 64) ||
        getsockname(fd, (struct sockaddr *)&address, &size))
    {
        perror("ws-echo");
        return 1;
    }
    printf("%d\n", ntohs(address.sin_port));
    fflush(stdout);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (;;)
    {
        pthread_t thread;
        int client = accept(fd, NULL, NULL);

        if (client < 0)
        {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE) continue;
            perror("ws-echo: accept");
            return 1;
        }
        if (pthread_create(&thread, &attr, serve, (void *)(intptr_t)client)) close(client);
    }
}
