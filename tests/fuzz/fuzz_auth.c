/* libFuzzer harness for auth_challenge.c, auth_digest.c and auth_base64.c.
 *
 * The input is a WWW-Authenticate value (split at NULs into several header
 * lines), in an exact-size heap block so AddressSanitizer sees any
 * overread.  Every span must lie inside the input; every parameter value
 * must copy out or say it does not fit; a Digest challenge that can be
 * answered must give an Authorization value that parses back as one
 * Digest challenge-like member list; every challenge's token68 (what an
 * NTLM or Negotiate server sends) decodes strictly or is refused, and what
 * decodes encodes back to the same text. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth_challenge.h"
#include "auth_digest.h"
#include "auth_base64.h"

static void check_span(struct auth_span span, const char *text, size_t len)
{
    assert(!span.len || (span.ptr >= text && span.ptr + span.len <= text + len));
}

static void check_token(struct auth_span token)
{
    unsigned char *bytes;
    size_t len;
    char *again;

    if (base64_decode(token.ptr, token.len, &bytes, &len))
    {
        assert(!bytes && !len);
        return;
    }
    assert(len <= token.len / 4 * 3);
    again = base64_encode("", bytes, len);
    /* strict decoding: only the canonical text decodes (unused bits of
     * the last sextet aside) */
    assert(again && strlen(again) == token.len);
    free(again);
    free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct auth_challenges list, again;
    struct digest_challenge digest;
    struct digest_request request = { "user", "pass", "GET", "/path", "body", 4, 1, "cnonce", 1 };
    char *text = malloc(size ? size : 1), value[64], *out = NULL;
    size_t start = 0;

    memcpy(text, data, size);
    memset(&list, 0, sizeof(list));
    for (size_t i = 0; i <= size; i++)
        if (i == size || !text[i])
        {
            auth_parse(text + start, i - start, &list);
            start = i + 1;
        }
    assert(list.count <= AUTH_MAX_CHALLENGES);
    for (size_t i = 0; i < list.count; i++)
    {
        const struct auth_challenge *c = &list.items[i];
        assert(c->scheme.len && c->param_count <= AUTH_MAX_PARAMS);
        check_span(c->scheme, text, size);
        check_span(c->token68, text, size);
        for (size_t j = 0; j < c->param_count; j++)
        {
            size_t n = auth_param_value(&c->params[j], value, sizeof(value));
            check_span(c->params[j].name, text, size);
            check_span(c->params[j].value, text, size);
            assert(n == (size_t)-1 || (n < sizeof(value) && strlen(value) == n));
        }
        check_token(c->token68);
    }
    if (!digest_pick(&list, &digest) && digest_authorization(&digest, &request, &out) == DIGEST_OK)
    {
        memset(&again, 0, sizeof(again));
        assert(auth_parse(out, strlen(out), &again) == 1 && auth_span_is(again.items[0].scheme, "Digest"));
        assert(auth_find_param(&again.items[0], "response"));
        free(out);
    }
    free(text);
    return 0;
}
