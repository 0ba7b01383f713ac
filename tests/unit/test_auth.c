/* Unit tests of the challenge parser, the hashes, the Digest and Basic
 * credentials and base64 (auth_challenge.c, auth_hash.c, auth_digest.c,
 * auth_base64.c). */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "auth_challenge.h"
#include "auth_digest.h"
#include "auth_hash.h"
#include "auth_base64.h"

static struct auth_challenges list;

static size_t parse(const char *text)
{
    memset(&list, 0, sizeof(list));
    return auth_parse(text, strlen(text), &list);
}

static int param_equals(const struct auth_challenge *c, const char *name, const char *want)
{
    const struct auth_param *p = auth_find_param(c, name);
    char buf[256];

    return p && auth_param_value(p, buf, sizeof(buf)) != (size_t)-1 && !strcmp(buf, want);
}

static void test_parser(void)
{
    CHECK_INT(parse("Basic realm=\"placebo\""), 1);
    CHECK(auth_span_is(list.items[0].scheme, "basic"));
    CHECK(param_equals(&list.items[0], "REALM", "placebo"));

    /* several challenges in one value, a token68, parameters in any case */
    CHECK_INT(parse("Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\""), 2);
    CHECK(auth_span_is(list.items[0].scheme, "Newauth"));
    CHECK_INT(list.items[0].param_count, 3);
    CHECK(param_equals(&list.items[0], "title", "Login to \"apps\""));
    CHECK(param_equals(&list.items[0], "type", "1"));
    CHECK(auth_span_is(list.items[1].scheme, "Basic"));
    CHECK(param_equals(&list.items[1], "realm", "simple"));

    CHECK_INT(parse("Negotiate YIIBhgYGKwYBBQUCoIIBejCCAXagMDAuBgkqhkiC9xIBAgI==, NTLM, Basic realm=x"), 3);
    CHECK(list.items[0].token68.len == strlen("YIIBhgYGKwYBBQUCoIIBejCCAXagMDAuBgkqhkiC9xIBAgI=="));
    CHECK(auth_span_is(list.items[1].scheme, "NTLM"));
    CHECK_INT(list.items[1].param_count, 0);
    CHECK(param_equals(&list.items[2], "realm", "x"));

    /* a token68 of one "=" padded character, not a parameter */
    CHECK_INT(parse("Foo a="), 1);
    CHECK_INT(list.items[0].token68.len, 2);

    /* whitespace around "=", empty list members */
    CHECK_INT(parse(" , Digest realm = \"r\" ,, nonce=abc ,"), 1);
    CHECK(param_equals(&list.items[0], "nonce", "abc"));
    CHECK(param_equals(&list.items[0], "realm", "r"));

    /* a bare scheme, the end of the value */
    CHECK_INT(parse("Bearer"), 1);
    CHECK_INT(parse(""), 0);
    CHECK_INT(parse(",,, ,"), 0);

    /* malformed members are skipped, the rest is kept */
    CHECK_INT(parse("Basic realm=\"unterminated"), 1);
    CHECK_INT(list.items[0].param_count, 0);
    CHECK_INT(parse("Digest realm=a b c, nonce=\"n\", Basic realm=\"ok\""), 2);
    CHECK(param_equals(&list.items[0], "nonce", "n"));
    CHECK(!auth_find_param(&list.items[0], "realm"));
    CHECK(param_equals(&list.items[1], "realm", "ok"));
    CHECK_INT(parse("\"quoted\" scheme, Basic realm=y"), 1);
    CHECK_INT(parse("=x, Basic"), 1);
    CHECK(auth_span_is(list.items[0].scheme, "Basic"));
    CHECK_INT(parse("Basic\x01realm=x, Digest"), 1);

    /* bounded counts */
    {
        char big[8192] = "";
        for (int i = 0; i < 40; i++) strcat(big, "A, ");
        CHECK_INT(parse(big), AUTH_MAX_CHALLENGES);
        strcpy(big, "Digest ");
        for (int i = 0; i < 40; i++) strcat(big, "p=1, ");
        CHECK_INT(parse(big), 1);
        CHECK_INT(list.items[0].param_count, AUTH_MAX_PARAMS);
    }
    /* several header lines append */
    memset(&list, 0, sizeof(list));
    auth_parse("Basic realm=a", 13, &list);
    auth_parse("Digest realm=b, nonce=c", 23, &list);
    CHECK_INT(list.count, 2);

    /* a value too long for the buffer, a NUL inside */
    {
        char small[4];
        parse("X p=\"abcdef\"");
        CHECK(auth_param_value(&list.items[0].params[0], small, sizeof(small)) == (size_t)-1);
        memset(&list, 0, sizeof(list));
        auth_parse("X p=\"a\0b\"", 9, &list);
        CHECK_INT(list.items[0].param_count, 1);
        CHECK(auth_param_value(&list.items[0].params[0], small, sizeof(small)) == (size_t)-1);
    }
}

static void hex(const unsigned char *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", d[i]);
}

static void check_hash(enum auth_hash_kind kind, const char *input, size_t repeat, const char *want)
{
    struct auth_hash h;
    unsigned char d[AUTH_HASH_MAX];
    char text[2 * AUTH_HASH_MAX + 1];
    size_t n;

    auth_hash_init(&h, kind);
    for (size_t i = 0; i < repeat; i++) auth_hash_update(&h, input, strlen(input));
    n = auth_hash_final(&h, d);
    hex(d, n, text);
    CHECK_MSG(!strcmp(text, want), "%s: got %s, want %s", input, text, want);
}

static void test_hashes(void)
{
    /* RFC 1321 appendix A.5 */
    check_hash(AUTH_HASH_MD5, "", 1, "d41d8cd98f00b204e9800998ecf8427e");
    check_hash(AUTH_HASH_MD5, "abc", 1, "900150983cd24fb0d6963f7d28e17f72");
    check_hash(AUTH_HASH_MD5, "12345678901234567890123456789012345678901234567890123456789012345678901234567890", 1,
               "57edf4a22be3c955ac49da2e2107b67a");
    check_hash(AUTH_HASH_MD5, "a", 1000, "cabe45dcc9ae5b66ba86600cca6b8ba8");
    /* FIPS 180-4 examples */
    check_hash(AUTH_HASH_SHA256, "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_hash(AUTH_HASH_SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
               "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    check_hash(AUTH_HASH_SHA256, "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_hash(AUTH_HASH_SHA1, "abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d");
    check_hash(AUTH_HASH_SHA1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
               "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    check_hash(AUTH_HASH_SHA1, "", 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    check_hash(AUTH_HASH_SHA1, "a", 1000, "291e9a6c66994949b57ba5e650361e98fc36b1ba");
    check_hash(AUTH_HASH_SHA256, "a", 1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

/* The response="..." of an Authorization value. */
static int response_is(const char *value, const char *want)
{
    const char *p = strstr(value, "response=\"");
    return p && !strncmp(p + 10, want, strlen(want)) && p[10 + strlen(want)] == '"';
}

static char *answer(const char *challenge, const char *user, const char *password, const char *method,
                    const char *uri, const char *cnonce, unsigned nc, const char *body, int body_known)
{
    struct digest_challenge c;
    struct digest_request r = { user, password, method, uri, body, body ? strlen(body) : 0, body_known, cnonce, nc };
    char *out = NULL;

    parse(challenge);
    if (digest_pick(&list, &c)) return NULL;
    if (digest_authorization(&c, &r, &out) != DIGEST_OK) return NULL;
    return out;
}

#define RFC7616_CHALLENGE(alg) \
    "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=" alg ", " \
    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
#define RFC7616_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

static void test_digest(void)
{
    struct digest_challenge c;
    char *v;

    /* RFC 7616 section 3.9.1, both algorithms */
    v = answer(RFC7616_CHALLENGE("MD5"), "Mufasa", "Circle of Life", "GET", "/dir/index.html", RFC7616_CNONCE, 1,
               NULL, 0);
    CHECK(v && response_is(v, "8ca523f5e9506fed4657c9700eebdbec"));
    CHECK(v && !strcmp(v, "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
                          "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\", "
                          "algorithm=MD5, response=\"8ca523f5e9506fed4657c9700eebdbec\", "
                          "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", qop=auth, nc=00000001, "
                          "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\""));
    free(v);
    v = answer(RFC7616_CHALLENGE("SHA-256"), "Mufasa", "Circle of Life", "GET", "/dir/index.html", RFC7616_CNONCE,
               1, NULL, 0);
    CHECK(v && response_is(v, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"));
    CHECK(v && strstr(v, "algorithm=SHA-256,"));
    free(v);
    /* the server offers both: SHA-256 is chosen whatever the order */
    v = answer(RFC7616_CHALLENGE("MD5") ", " RFC7616_CHALLENGE("SHA-256"), "Mufasa", "Circle of Life", "GET",
               "/dir/index.html", RFC7616_CNONCE, 1, NULL, 0);
    CHECK(v && strstr(v, "algorithm=SHA-256,"));
    free(v);
    /* -sess variants and the nonce count (values computed independently) */
    v = answer(RFC7616_CHALLENGE("SHA-256-sess"), "Mufasa", "Circle of Life", "GET", "/dir/index.html",
               RFC7616_CNONCE, 2, NULL, 0);
    CHECK(v && response_is(v, "6bb0010aa4bdf46422a798c509ea32e256f27bd37de5cc3bdf8ed51e1d77d650"));
    CHECK(v && strstr(v, "nc=00000002"));
    free(v);
    v = answer(RFC7616_CHALLENGE("MD5-sess"), "Mufasa", "Circle of Life", "GET", "/dir/index.html", RFC7616_CNONCE,
               1, NULL, 0);
    CHECK(v && response_is(v, "e783283f46242139c486a698fec7211d"));
    free(v);
    /* auth-int when it is all the server takes; not without the body */
    v = answer("Digest realm=\"http-auth@example.org\", qop=\"auth-int\", nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\"",
               "Mufasa", "Circle of Life", "POST", "/form", RFC7616_CNONCE, 1, "a=1", 1);
    CHECK(v && response_is(v, "876175aae0d61bbaa6bbb10667b87e93") && strstr(v, "qop=auth-int"));
    free(v);
    CHECK(!answer("Digest realm=\"r\", qop=\"auth-int\", nonce=\"n\"", "u", "p", "POST", "/", "c", 1, NULL, 0));
    /* RFC 2617 section 3.5's challenge without qop: the RFC 2069 form */
    v = answer("Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"", "Mufasa",
               "Circle Of Life", "GET", "/dir/index.html", "x", 1, NULL, 0);
    CHECK(v && response_is(v, "670fd8c2df070c60b045671b8b24ff02") && !strstr(v, "qop=") && !strstr(v, "cnonce"));
    free(v);
    /* userhash (RFC 7616 section 3.4.4) with SHA-256, UTF-8 user name */
    v = answer("Digest realm=\"api@example.org\", qop=\"auth\", algorithm=SHA-256, nonce=\"n\", userhash=true, charset=UTF-8",
               "J\xc3\xa4s\xc3\xb8n Doe", "Secret, or not?", "GET", "/doe.json", "c", 1, NULL, 0);
    CHECK(v && strstr(v, "username=\"5a1a8a47df5c298551b9b42ba9b05835174a5bd7d511ff7fe9191d8e946fc4e7\""));
    CHECK(v && strstr(v, "userhash=true"));
    free(v);
    /* without userhash a non-ASCII name goes as username* */
    v = answer("Digest realm=\"api@example.org\", qop=\"auth\", nonce=\"n\", charset=UTF-8", "J\xc3\xa4s\xc3\xb8n Doe",
               "p", "GET", "/", "c", 1, NULL, 0);
    CHECK(v && strstr(v, "username*=UTF-8''J%C3%A4s%C3%B8n%20Doe,"));
    free(v);
    /* quotes and backslashes in what is echoed are escaped */
    v = answer("Digest realm=\"a\\\"b\", nonce=\"n\\\\1\", qop=auth", "us\"er", "p", "GET", "/", "c", 1, NULL, 0);
    CHECK(v && strstr(v, "username=\"us\\\"er\"") && strstr(v, "realm=\"a\\\"b\"") && strstr(v, "nonce=\"n\\\\1\""));
    free(v);

    /* challenges that cannot be answered */
    parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256");
    CHECK(digest_pick(&list, &c) == -1);
    parse("Digest realm=\"r\"");
    CHECK(digest_pick(&list, &c) == -1);
    parse("Digest nonce=\"n\"");
    CHECK(digest_pick(&list, &c) == -1);
    parse("Digest realm=\"r\", nonce=\"n\", qop=\"x-unknown\"");
    CHECK(digest_pick(&list, &c) == -1);
    parse("Basic realm=\"r\"");
    CHECK(digest_pick(&list, &c) == -1);
    parse("Digest realm=\"r\", nonce=\"n\", stale=TRUE, qop=\"auth,x\"");
    CHECK(!digest_pick(&list, &c) && c.stale && c.qop == DIGEST_QOP_AUTH);
}

static void test_basic(void)
{
    char *v;

    v = basic_authorization("user", "pwd");     /* Wine's test server's credentials */
    CHECK(v && !strcmp(v, "Basic dXNlcjpwd2Q="));
    free(v);
    v = basic_authorization("Aladdin", "open sesame");      /* RFC 7617 section 2 */
    CHECK(v && !strcmp(v, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
    free(v);
    v = basic_authorization("test", "123\xc2\xa3");          /* RFC 7617 section 2.1, UTF-8 */
    CHECK(v && !strcmp(v, "Basic dGVzdDoxMjPCow=="));
    free(v);
    v = basic_authorization("", "");
    CHECK(v && !strcmp(v, "Basic Og=="));
    free(v);
}

static int decodes_to(const char *text, const void *want, size_t want_len)
{
    unsigned char *out;
    size_t len;
    int ok = !base64_decode(text, strlen(text), &out, &len) && len == want_len && !memcmp(out, want, len);

    free(out);
    return ok;
}

static int refused(const char *text)
{
    unsigned char *out = (unsigned char *)"x";
    size_t len = 1;

    return base64_decode(text, strlen(text), &out, &len) == -1 && !out && !len;
}

/* RFC 4648 section 10's vectors both ways, tokens of NTLM's shape, and
 * what a server may garble. */
static void test_base64(void)
{
    static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    static const char *const coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
    static const unsigned char ntlm[] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1, 0, 0, 0, 0xff, 0xfe };
    char *v;

    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
    {
        v = base64_encode("", plain[i], strlen(plain[i]));
        CHECK(v && !strcmp(v, coded[i]));
        free(v);
        CHECK(decodes_to(coded[i], plain[i], strlen(plain[i])));
    }
    v = base64_encode("NTLM ", ntlm, sizeof(ntlm));
    CHECK(v && !strcmp(v, "NTLM TlRMTVNTUAABAAAA//4="));
    CHECK(decodes_to(v + 5, ntlm, sizeof(ntlm)));
    free(v);
    CHECK(decodes_to("+/+/", "\xfb\xff\xbf", 3));
    CHECK(refused("Zg="));          /* not a multiple of four */
    CHECK(refused("Zg=a"));         /* padding inside */
    CHECK(refused("Z==="));         /* too much padding */
    CHECK(refused("===="));
    CHECK(refused("Zm9v Yg=="));    /* whitespace */
    CHECK(refused("Zm9-"));         /* base64url is not base64 */
    CHECK(refused("Zm\0v"));
}

int main(void)
{
    test_parser();
    test_hashes();
    test_digest();
    test_basic();
    test_base64();
    return UNIT_DONE();
}
