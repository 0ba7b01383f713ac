/* libFuzzer harness for cookie.c.
 *
 * The input is a script, one command a line (at most MAX_COMMANDS, so that
 * the work stays bounded: the jar's operations are linear in its size):
 *   "H<host>"   the host of the requests that follow
 *   "P<path>"   their path
 *   otherwise   a first byte: bit 0 secure, bit 1 "build the Cookie header"
 *               rather than "store the Set-Cookie that is the rest of the
 *               line", bits 2-7 how far the clock moves first (63: a jump
 *               of about 30 years)
 * Each line is also parsed as a cookie date and each host is asked whether
 * it is a public suffix.  What is checked:
 *   - a cookie that was stored is sent back to its own host and path over
 *     https at once;
 *   - a Cookie header is "name=value" pairs joined by "; ", with no control
 *     character, and no expired cookie outlives it in the jar;
 *   - the jar keeps its limits: 3000 cookies, 50 a domain;
 *   - nothing leaks (the jar is cleared at the end) and nothing is read
 *     outside the input (each line is an exact-size heap copy). */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cookie.h"

#define MAX_COMMANDS 200

static char *copy_of(const uint8_t *data, size_t len)
{
    char *copy = malloc(len + 1);

    if (!copy) abort();
    memcpy(copy, data, len);
    copy[len] = 0;
    return copy;
}

static void check_header(const struct cookie_jar *jar, const char *header, int64_t now)
{
    size_t i;

    for (i = 0; header[i]; i++) assert((unsigned char)header[i] >= 0x20 || header[i] == '\t');
    assert(header[0] && header[0] != '=' && header[0] != ';');
    for (i = 0; i < jar->count; i++) assert(jar->cookies[i]->expiry > now);
}

static void check_limits(const struct cookie_jar *jar)
{
    size_t i, j;

    assert(jar->count <= COOKIE_MAX_COOKIES);
    for (i = 0; i < jar->count; i++)
    {
        size_t same = 0;

        assert(jar->cookies[i]->name[0]);
        assert(strlen(jar->cookies[i]->name) + strlen(jar->cookies[i]->value) <= COOKIE_MAX_NAME_VALUE);
        assert(jar->cookies[i]->path[0] == '/');
        for (j = 0; j < jar->count; j++) same += !strcmp(jar->cookies[i]->domain, jar->cookies[j]->domain);
        assert(same <= COOKIE_MAX_PER_DOMAIN);
    }
}

/* The cookie just stored, if it is still the newest in the jar, is sent
 * to its own host and path. */
static void check_sent_back(struct cookie_jar *jar, const char *host, int64_t now)
{
    struct cookie *newest = NULL;
    struct cookie_request req;
    char *header, *pair;
    size_t i;

    for (i = 0; i < jar->count; i++)
        if (!newest || jar->cookies[i]->access_seq > newest->access_seq) newest = jar->cookies[i];
    if (!newest || strpbrk(newest->path, "?#")) return;
    req.host = host;
    req.path = newest->path;
    req.secure = 1;
    req.now = now;
    if (cookie_jar_header(jar, &req, &header)) return;     /* out of memory */
    assert(header);
    pair = malloc(strlen(newest->name) + strlen(newest->value) + 2);
    if (!pair) abort();
    strcpy(pair, newest->name);
    strcat(pair, "=");
    strcat(pair, newest->value);
    assert(strstr(header, pair));
    check_header(jar, header, now);
    free(pair);
    free(header);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cookie_jar jar;
    char *host = copy_of((const uint8_t *)"www.example.co.uk", 17), *path = copy_of((const uint8_t *)"/a/b", 4);
    int64_t now = 1700000000, t;
    size_t pos = 0, commands = 0;

    cookie_jar_init(&jar);
    while (pos < size && commands++ < MAX_COMMANDS)
    {
        const uint8_t *line = data + pos, *end = memchr(line, '\n', size - pos);
        size_t len = end ? (size_t)(end - line) : size - pos;
        char *text = copy_of(line, len);                   /* a NUL after, for the host and path */

        pos += len + 1;
        (void)cookie_parse_date(text, len, &t);
        if (len && line[0] == 'H')
        {
            free(host);
            host = copy_of(line + 1, len - 1);
            (void)cookie_is_public_suffix(host);
            (void)cookie_host_is_ip(host);
        }
        else if (len && line[0] == 'P')
        {
            free(path);
            path = copy_of(line + 1, len - 1);
        }
        else if (len)
        {
            struct cookie_request req;
            int flags = line[0];

            now += (flags >> 2) == 63 ? 1000000000 : flags >> 2;
            req.host = host;
            req.path = path;
            req.secure = flags & 1;
            req.now = now;
            if (flags & 2)
            {
                char *header;

                if (!cookie_jar_header(&jar, &req, &header) && header)
                {
                    check_header(&jar, header, now);
                    free(header);
                }
            }
            else
            {
                /* the Set-Cookie value, from its own exact-size block */
                char *value = copy_of(line + 1, len - 1);
                enum cookie_result r = cookie_jar_set(&jar, value, len - 1, &req);

                free(value);
                assert(r == COOKIE_STORED || r == COOKIE_EXPIRED || r == COOKIE_IGNORED || r == COOKIE_NO_MEMORY);
                if (r == COOKIE_STORED && *host)
                {
                    /* the cookie's domain is the host or a suffix of it */
                    check_sent_back(&jar, host, now);
                }
            }
        }
        free(text);
    }
    check_limits(&jar);
    cookie_jar_clear(&jar);
    free(host);
    free(path);
    return 0;
}
