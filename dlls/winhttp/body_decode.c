/* The decoding stage of the body pipeline (body.h): WINHTTP_OPTION_DECOMPRESSION.
 *
 * The body as sent is read (framing and length accounting stay body.c's)
 * into a buffer of coded bytes, and decoded from there by the pure-C
 * decoder (content_decoder.c, zlib) straight into the caller's buffer;
 * WinHttpQueryDataAvailable decodes into a buffer of its own and counts
 * decoded bytes, which the next reads take first.  Memory stays two small
 * buffers and zlib's window whatever the ratio.  Every step is resumable:
 * a read that waits for the network has changed nothing yet.
 */
#include <wchar.h>

#include "body.h"
#include "content_decoder.h"

#define CODED_SIZE   (16 * 1024)
#define DECODED_SIZE (16 * 1024)

struct body_decoding
{
    struct content_decoder decoder;
    BOOL ended;                 /* the decoded body ended */
    BOOL any_input;             /* a coded byte was read (an empty body is just empty) */
    BYTE coded[CODED_SIZE];     /* [coded_start, coded_end): read, not decoded yet */
    size_t coded_start, coded_end;
    BYTE decoded[DECODED_SIZE]; /* [decoded_start, decoded_end): decoded for QueryDataAvailable */
    size_t decoded_start, decoded_end;
};

const WCHAR *body_decode_accept(DWORD flags)
{
    switch (flags & WINHTTP_DECOMPRESSION_FLAG_ALL)
    {
    case WINHTTP_DECOMPRESSION_FLAG_GZIP:    return L"gzip";
    case WINHTTP_DECOMPRESSION_FLAG_DEFLATE: return L"deflate";
    case WINHTTP_DECOMPRESSION_FLAG_ALL:     return L"gzip, deflate";
    default:                                 return NULL;
    }
}

/* The coding to decode: exactly one Content-Encoding header naming one
 * coding the option allows. */
static enum content_coding coding_to_decode(struct request *r)
{
    const struct header_list *headers = &r->response.headers;
    DWORD flags = r->obj.settings.decompression;
    enum content_coding coding;
    char value[32];

    if (!header_list_value_a(headers, L"Content-Encoding", 0, value, sizeof(value)) ||
        header_list_find(headers, L"Content-Encoding", 1) >= 0)
        return CODING_IDENTITY;
    coding = content_coding_parse(value, strlen(value));
    if (coding == CODING_GZIP && !(flags & WINHTTP_DECOMPRESSION_FLAG_GZIP)) return CODING_IDENTITY;
    if (coding == CODING_DEFLATE && !(flags & WINHTTP_DECOMPRESSION_FLAG_DEFLATE)) return CODING_IDENTITY;
    return coding;
}

DWORD body_decode_start(struct request *r)
{
    struct body_decoding *d;
    enum content_coding coding;

    if (!r->obj.settings.decompression || (coding = coding_to_decode(r)) == CODING_IDENTITY) return ERROR_SUCCESS;
    if (!(d = heap_alloc_zero(sizeof(*d)))) return ERROR_OUTOFMEMORY;
    if (content_decoder_init(&d->decoder, coding))
    {
        content_decoder_free(&d->decoder);
        heap_free(d);
        return ERROR_OUTOFMEMORY;
    }
    r->body.decoding = d;
    /* what the application reads is no longer what these describe: native
     * removes them (Microsoft's .NET WinHttpHandler says so where it does
     * the same for a WinHTTP that cannot decode) */
    header_list_remove(&r->response.headers, L"Content-Encoding");
    header_list_remove(&r->response.headers, L"Content-Length");
    TRACE("decoding %s\n", coding == CODING_GZIP ? "gzip" : "deflate");
    return ERROR_SUCCESS;
}

void body_decode_free(struct body_reader *body)
{
    if (!body->decoding) return;
    content_decoder_free(&body->decoding->decoder);
    heap_free(body->decoding);
    body->decoding = NULL;
}

/* Decodes what is buffered into out; at the end of the body as sent, also
 * what zlib still holds, and then the decoded body ends (not before: a
 * gzip body may hold another member).  A body that ends inside its coded
 * stream, or corrupt data, is a bad response. */
static DWORD decode_buffered(struct request *r, BYTE *out, DWORD size, DWORD *produced)
{
    struct body_decoding *d = r->body.decoding;
    size_t consumed, made;
    enum decode_result result;

    result = content_decoder_feed(&d->decoder, d->coded + d->coded_start, d->coded_end - d->coded_start, &consumed,
                                  out, size, &made);
    d->coded_start += consumed;
    d->any_input |= consumed != 0;
    *produced = (DWORD)made;
    if (result == DECODE_ERROR)
    {
        WARN("corrupt %s body\n", d->decoder.coding == CODING_GZIP ? "gzip" : "deflate");
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    }
    if (made || !r->body.done || d->coded_start < d->coded_end) return ERROR_SUCCESS;
    /* an empty body is just empty */
    if (content_decoder_ended(&d->decoder) || !d->any_input)
    {
        d->ended = TRUE;
        return ERROR_SUCCESS;
    }
    WARN("the body ended inside its coded stream\n");
    return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
}

/* More of the body as sent into the coded buffer; resumable (a read that
 * waits has moved nothing, so the call made again reads to the same place). */
static DWORD read_coded(struct request *r)
{
    struct body_decoding *d = r->body.decoding;
    DWORD read, error;

    if (d->coded_start)
    {
        memmove(d->coded, d->coded + d->coded_start, d->coded_end - d->coded_start);
        d->coded_end -= d->coded_start;
        d->coded_start = 0;
    }
    if (d->coded_end == CODED_SIZE) return ERROR_WINHTTP_INTERNAL_ERROR;   /* zlib takes what it is given */
    error = body_read_sent(r, d->coded + d->coded_end, (DWORD)(CODED_SIZE - d->coded_end), &read);
    if (!error) d->coded_end += read;
    return error;
}

/* Decoded bytes into out: those QueryDataAvailable decoded first. */
static DWORD decode(struct request *r, BYTE *out, DWORD size, DWORD *read)
{
    struct body_decoding *d = r->body.decoding;
    DWORD error;

    *read = 0;
    if (d->decoded_start < d->decoded_end)
    {
        *read = (DWORD)min(size, d->decoded_end - d->decoded_start);
        memcpy(out, d->decoded + d->decoded_start, *read);
        d->decoded_start += *read;
        return ERROR_SUCCESS;
    }
    while (size && !d->ended)
    {
        if ((error = decode_buffered(r, out, size, read)) || *read) return error;
        /* all of it decoded: more of the body, or (at its end) decode
         * again, which flushes zlib, then ends or finds it truncated */
        if (!r->body.done && (error = read_coded(r))) return error;
    }
    return ERROR_SUCCESS;
}

DWORD body_decode_read(struct request *r, void *buffer, DWORD size, DWORD *read)
{
    return decode(r, buffer, size, read);
}

DWORD body_decode_available(struct request *r, DWORD *available)
{
    struct body_decoding *d = r->body.decoding;
    DWORD error, read;

    if (d->decoded_start == d->decoded_end)
    {
        d->decoded_start = d->decoded_end = 0;
        if ((error = decode(r, d->decoded, DECODED_SIZE, &read))) return error;
        d->decoded_end = read;
    }
    *available = (DWORD)(d->decoded_end - d->decoded_start);
    return ERROR_SUCCESS;
}
