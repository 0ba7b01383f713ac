/* libFuzzer: server bytes through the HTTP/2 client connection (h2.c) as
 * the engine drives it.  Two requests go out (a GET, and a POST whose body
 * is still coming), then the input, past its first byte, arrives in pieces
 * whose sizes that byte sets; after each piece the output is taken and the
 * streams read out, small windows keeping flow control busy; while a
 * piece arrives the GET's reader lends its buffer, as a synchronous reader
 * waiting for the body does (h2_stream_give_direct).  Built with
 * -fsanitize=fuzzer,address,undefined: any crash, leak or undefined
 * behaviour is a finding. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "h2.h"

static void take_output(struct h2_conn *conn)
{
    const uint8_t *data;
    size_t len;

    for (int i = 0; i < 64 && h2_output(conn, &data, &len) == H2_OK && len; i++)
        h2_output_done(conn, len > 1000 ? len / 2 : len);   /* partial writes too */
}

static void read_out(struct h2_conn *conn, struct h2_stream *s)
{
    uint8_t buf[700];
    size_t n;
    const struct h2_head *head;

    if (!s) return;
    while (h2_stream_read(conn, s, buf, sizeof(buf), &n) == H2_OK);
    /* touch what the engine would show */
    if ((head = h2_stream_head(s)))
        for (size_t i = 0; i < head->count; i++) (void)(head->fields[i].name[0] + head->fields[i].value[head->fields[i].value_len]);
    if ((head = h2_stream_trailers(s)))
        for (size_t i = 0; i < head->count; i++) (void)head->fields[i].name[head->fields[i].name_len];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct h2_settings settings;
    struct h2_conn *conn;
    struct h2_field fields[] = {{"Accept", 6, "*/*", 3}};
    struct h2_request get = {"GET", "https", "example.com", "/", fields, 1, 0};
    struct h2_request post = {"POST", "https", "example.com", "/up", NULL, 0, 1};
    struct h2_stream *a = NULL, *b = NULL;
    size_t piece, pos = 1;
    uint8_t *lent;

    if (!size || !(lent = malloc(500))) return 0;
    piece = data[0] ? data[0] : size;
    h2_settings_default(&settings);
    settings.stream_window = 1000;
    settings.connection_window = 3000;
    settings.max_header_list = 2000;
    if (h2_conn_new(&conn, &settings, NULL))
    {
        free(lent);
        return 0;
    }
    h2_submit(conn, &get, &a);
    h2_submit(conn, &post, &b);
    if (b) h2_stream_write(conn, b, "part one", 8);
    take_output(conn);
    while (pos < size)
    {
        size_t n = size - pos < piece ? size - pos : piece;

        if (a && !h2_stream_buffered(a)) h2_stream_give_direct(a, lent, 500);
        if (h2_recv(conn, data + pos, n)) break;
        if (a) h2_stream_take_direct(conn, a);
        pos += n;
        take_output(conn);
        read_out(conn, a);
        read_out(conn, b);
        if (b && pos > size / 2 && h2_stream_unsent(b) == 0) h2_stream_end_body(conn, b);
        if (data[pos - 1] == 0xfe) h2_ping(conn);
    }
    if (a) h2_stream_take_direct(conn, a);     /* the loop left by a break */
    free(lent);
    h2_connection_lost(conn);
    read_out(conn, a);
    read_out(conn, b);
    h2_stream_release(conn, a);
    h2_stream_release(conn, b);
    h2_conn_free(conn);
    return 0;
}
