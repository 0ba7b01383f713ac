/* ws-client: the native WebSocket anchor of the benchmark (Linux), the
 * measurements of bench.exe's ws-echo and ws-bulk on a blocking socket.
 *
 *   ws-client echo HOST PORT PATH SECONDS    32-byte binary messages, one at a time: send, receive
 *                                            its echo; round trips/s
 *   ws-client bulk HOST PORT PATH SECONDS    1 MiB binary messages, one at a time: send, receive the
 *                                            whole echo; MiB/s of payload through the client, both
 *                                            directions (sent + echoed, as bench.exe counts)
 *
 * The handshake (a GET with Upgrade and a random Sec-WebSocket-Key, its
 * Sec-WebSocket-Accept checked) and a few untimed messages come first;
 * a close handshake ends the run.  Each message goes out as one frame,
 * masked as a client must (a random key each, XORed eight bytes at a time
 * into a buffer of its own), header and payload in one send.  Prints the
 * line bench.exe prints:
 *   result mode=MODE bytes=N requests=N seconds=S mib_s=X req_s=X cpu_s=C server_cpu_s=-
 * with bytes the payload sent and received (both directions), requests the round trips, cpu_s this
 * process's user+system seconds over the measured interval.
 *
 * Built by tools/bench/run: gcc -O2 ws-client.c -lcrypto.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ECHO_SIZE 32
#define BULK_SIZE (1 << 20)
#define WARM_UP 4
#define READ_BUFFER (256 * 1024)

static int fd;
static unsigned char *in;           /* buffered input: in[pos..len) */
static size_t pos, len;
static unsigned char *frame;        /* the masked frame being sent */

static int fail(const char *what)
{
    fprintf(stderr, "error %s failed: %s\n", what, errno ? strerror(errno) : "protocol");
    exit(1);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static void send_all(const unsigned char *p, size_t n)
{
    while (n)
    {
        ssize_t put = send(fd, p, n, 0);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) fail("send");
        p += put;
        n -= put;
    }
}

static void need(size_t n)
{
    if (len - pos >= n) return;
    memmove(in, in + pos, len - pos);
    len -= pos;
    pos = 0;
    while (len < n)
    {
        ssize_t got = recv(fd, in + len, READ_BUFFER - len, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) fail("recv");
        len += got;
    }
}

static void read_exact(unsigned char *dst, size_t n)
{
    size_t have = len - pos;

    if (have > n) have = n;
    memcpy(dst, in + pos, have);
    pos += have;
    dst += have;
    n -= have;
    while (n)
    {
        ssize_t got = recv(fd, dst, n, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) fail("recv");
        dst += got;
        n -= got;
    }
}

/* One masked frame, FIN set, head and payload in one send. */
static void send_frame(int opcode, const unsigned char *payload, size_t length)
{
    unsigned char *p = frame, key[4];
    uint64_t wide;
    size_t i;

    *p++ = 0x80 | opcode;
    if (length < 126) *p++ = 0x80 | length;
    else if (length < 65536)
    {
        *p++ = 0x80 | 126;
        *p++ = length >> 8;
        *p++ = length;
    }
    else
    {
        *p++ = 0x80 | 127;
        for (i = 0; i < 8; i++) *p++ = (uint64_t)length >> (56 - 8 * i);
    }
    if (RAND_bytes(key, 4) != 1) fail("RAND_bytes");
    memcpy(p, key, 4);
    p += 4;
    memcpy(&wide, key, 4);
    memcpy((unsigned char *)&wide + 4, key, 4);
    for (i = 0; i + 8 <= length; i += 8)
    {
        uint64_t v;
        memcpy(&v, payload + i, 8);
        v ^= wide;
        memcpy(p + i, &v, 8);
    }
    for (; i < length; i++) p[i] = payload[i] ^ key[i & 3];
    send_all(frame, p + length - frame);
}

/* One whole message into buffer (fragments reassembled; pings answered);
 * its opcode, its length in *length. */
static int receive_message(unsigned char *buffer, size_t size, size_t *length)
{
    int opcode = 0;

    *length = 0;
    for (;;)
    {
        unsigned char *h, control[125];
        uint64_t n;
        size_t head = 2;
        int fin, op, i;

        need(2);
        h = in + pos;
        fin = h[0] & 0x80;
        op = h[0] & 0x0f;
        n = h[1] & 0x7f;
        if (h[1] & 0x80) fail("unmasked server frame check");
        head += n == 126 ? 2 : n == 127 ? 8 : 0;
        need(head);
        h = in + pos;
        if (n == 126) n = (h[2] << 8) | h[3];
        else if (n == 127)
            for (n = 0, i = 0; i < 8; i++) n = (n << 8) | h[2 + i];
        pos += head;
        if (op & 8)
        {
            if (n > 125) fail("control frame");
            read_exact(control, n);
            if (op == 9) send_frame(10, control, n);
            if (op == 8) fail("server closed");
            continue;
        }
        if (op) opcode = op;
        if (*length + n > size) fail("message size");
        read_exact(buffer + *length, n);
        *length += n;
        if (fin) return opcode;
    }
}

static void handshake(const char *host, const char *port, const char *path)
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai;
    unsigned char nonce[16], digest[20];
    char key[25], text[64], accept[29], request[1024], *end, *field;
    unsigned int size;
    int one = 1, n;

    if (getaddrinfo(host, port, &hints, &ai)) fail("getaddrinfo");
    if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen))
        fail("connect");
    freeaddrinfo(ai);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (RAND_bytes(nonce, sizeof(nonce)) != 1) fail("RAND_bytes");
    EVP_EncodeBlock((unsigned char *)key, nonce, sizeof(nonce));
    n = snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n",
                 path, host, port, key);
    send_all((unsigned char *)request, n);
    for (;;)
    {
        need(len - pos + 1);
        in[len] = 0;
        if ((end = strstr((char *)in, "\r\n\r\n"))) break;
    }
    pos = end + 4 - (char *)in;
    *end = 0;
    if (strncmp((char *)in, "HTTP/1.1 101 ", 13)) fail("101 check");
    snprintf(text, sizeof(text), "%s%s", key, guid);
    EVP_Digest(text, strlen(text), digest, &size, EVP_sha1(), NULL);
    EVP_EncodeBlock((unsigned char *)accept, digest, sizeof(digest));
    if (!(field = strcasestr((char *)in, "\r\nSec-WebSocket-Accept:"))) fail("Sec-WebSocket-Accept check");
    for (field += 23; *field == ' '; field++)
        ;
    if (strncmp(field, accept, 28)) fail("Sec-WebSocket-Accept check");
}

int main(int argc, char **argv)
{
    size_t message_size, got;
    unsigned char *message, *echo;
    unsigned long long bytes = 0;
    unsigned long round_trips = 0;
    double seconds, end, start_wall, start_cpu, wall, used;
    const char *mode;
    int i;

    if (argc != 6 || (strcmp(argv[1], "echo") && strcmp(argv[1], "bulk")) || (seconds = atof(argv[5])) <= 0)
    {
        fprintf(stderr, "usage: ws-client echo|bulk HOST PORT PATH SECONDS\n");
        return 2;
    }
    mode = strcmp(argv[1], "echo") ? "ws-bulk" : "ws-echo";
    message_size = strcmp(argv[1], "echo") ? BULK_SIZE : ECHO_SIZE;
    in = malloc(READ_BUFFER + 1);
    frame = malloc(message_size + 14);
    message = malloc(message_size);
    echo = malloc(message_size);
    if (!in || !frame || !message || !echo) fail("malloc");
    for (got = 0; got < message_size; got++) message[got] = (unsigned char)(got * 7);
    handshake(argv[2], argv[3], argv[4]);
    for (i = 0; i < WARM_UP; i++)
    {
        send_frame(2, message, message_size);
        if (receive_message(echo, message_size, &got) != 2 || got != message_size) fail("echo check");
    }
    start_cpu = cpu();
    start_wall = now();
    end = start_wall + seconds;
    do
    {
        send_frame(2, message, message_size);
        if (receive_message(echo, message_size, &got) != 2 || got != message_size) fail("echo check");
        bytes += message_size + got;
        round_trips++;
    } while (now() < end);
    wall = now() - start_wall;
    used = cpu() - start_cpu;
    if (memcmp(echo, message, message_size)) fail("echo content check");
    printf("result mode=%s bytes=%llu requests=%lu seconds=%.4f mib_s=%.1f req_s=%.1f cpu_s=%.3f server_cpu_s=-\n",
           mode, bytes, round_trips, wall, bytes / 1048576.0 / wall, round_trips / wall, used);
    fflush(stdout);
    send_frame(8, (const unsigned char *)"\x03\xe8", 2);
    for (;;)    /* until the server's close (or the end of the connection) */
    {
        unsigned char h[2];
        need(2);
        memcpy(h, in + pos, 2);
        if ((h[0] & 0x0f) == 8) break;
        receive_message(echo, message_size, &got);
    }
    close(fd);
    return 0;
}
