/* Unit tests of pac_match.c: address text, networks, shell expressions and
 * address-list sorting behind the PAC helper functions. */
#include <stdlib.h>
#include "unit.h"
#include "pac_match.h"

static int parse(const char *text, struct pac_ip *ip)
{
    /* an exact-size copy without a NUL, so AddressSanitizer sees overreads */
    size_t len = strlen(text);
    char *copy = malloc(len ? len : 1);
    int ret;

    memcpy(copy, text, len);
    ret = pac_ip_parse(copy, len, ip);
    free(copy);
    return ret;
}

static void check_round_trip(const char *text, const char *canonical)
{
    struct pac_ip ip;
    char out[PAC_IP_TEXT_MAX + 1];
    size_t len;

    CHECK_MSG(parse(text, &ip), "%s", text);
    len = pac_ip_format(&ip, out, sizeof(out));
    CHECK_MSG(len == strlen(canonical) && !strcmp(out, canonical), "%s gave %s, want %s", text, out, canonical);
}

static void test_parse(void)
{
    static const char *bad[] = {
        "", "1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "1.2.3.", "a.b.c.d",
        "1234.1.1.1", ":", ":::", "1:2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::",
        "::1:", "g::", "[::1]", "::1%1", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::256.1.1.1", "1:",
    };
    struct pac_ip ip;

    check_round_trip("1.2.3.4", "1.2.3.4");
    check_round_trip("255.255.255.0", "255.255.255.0");
    check_round_trip("010.0.0.1", "10.0.0.1");
    check_round_trip("::", "::");
    check_round_trip("::1", "::1");
    check_round_trip("1::", "1::");
    check_round_trip("2001:DB8:0:0:0:0:0:1", "2001:db8::1");
    check_round_trip("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
    check_round_trip("1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0");
    check_round_trip("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");
    check_round_trip("::ffff:1.2.3.4", "::ffff:102:304");
    check_round_trip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) CHECK_MSG(!parse(bad[i], &ip), "\"%s\"", bad[i]);

    CHECK(parse("1.2.3.4", &ip));
    {
        char small[7];
        CHECK_INT(pac_ip_format(&ip, small, sizeof(small)), 0);
    }
}

static int in_net(const char *ip_text, const char *pattern_text, const char *mask_text)
{
    struct pac_ip ip, pattern, mask;

    return parse(ip_text, &ip) && parse(pattern_text, &pattern) && parse(mask_text, &mask) &&
           pac_ip_in_net(&ip, &pattern, &mask);
}

static int in_prefix(const char *ip_text, const char *prefix)
{
    struct pac_ip ip, net;
    unsigned int bits;

    return parse(ip_text, &ip) && pac_prefix_parse(prefix, strlen(prefix), &net, &bits) &&
           pac_ip_in_prefix(&ip, &net, bits);
}

static void test_networks(void)
{
    struct pac_ip net;
    unsigned int bits;

    CHECK(in_net("198.95.249.79", "198.95.249.79", "255.255.255.255"));
    CHECK(in_net("198.95.6.8", "198.95.0.0", "255.255.0.0"));
    CHECK(!in_net("198.94.6.8", "198.95.0.0", "255.255.0.0"));
    CHECK(in_net("10.1.2.3", "0.0.0.0", "0.0.0.0"));
    CHECK(!in_net("::1", "0.0.0.0", "0.0.0.0"));

    CHECK(in_prefix("198.95.6.8", "198.95.0.0/16"));
    CHECK(!in_prefix("198.96.6.8", "198.95.0.0/16"));
    CHECK(in_prefix("10.0.0.129", "10.0.0.128/25"));
    CHECK(!in_prefix("10.0.0.127", "10.0.0.128/25"));
    CHECK(in_prefix("1.2.3.4", "0.0.0.0/0"));
    CHECK(in_prefix("3ffe:8311:ffff:1::1", "3ffe:8311:ffff::/48"));
    CHECK(!in_prefix("3ffe:8312::1", "3ffe:8311:ffff::/48"));
    CHECK(in_prefix("::1", "::1/128"));
    CHECK(!in_prefix("1.2.3.4", "::/0"));
    CHECK(!pac_prefix_parse("1.2.3.4", 7, &net, &bits));
    CHECK(!pac_prefix_parse("1.2.3.4/33", 10, &net, &bits));
    CHECK(!pac_prefix_parse("::/129", 6, &net, &bits));
    CHECK(!pac_prefix_parse("1.2.3.4/", 8, &net, &bits));
    CHECK(!pac_prefix_parse("1.2.3.4/1x", 10, &net, &bits));
    CHECK(pac_prefix_parse("::/128", 6, &net, &bits) && bits == 128);
}

static int glob(const char *text, const char *pattern)
{
    return pac_glob_match(text, strlen(text), pattern, strlen(pattern));
}

static void test_glob(void)
{
    CHECK(glob("http://home.netscape.com/people/ari/index.html", "*/ari/*"));
    CHECK(!glob("http://home.netscape.com/people/montulli/index.html", "*/ari/*"));
    CHECK(glob("", ""));
    CHECK(glob("", "*"));
    CHECK(glob("", "**"));
    CHECK(!glob("", "?"));
    CHECK(glob("abc", "a?c"));
    CHECK(!glob("abc", "A?C"));
    CHECK(glob("abc", "*c"));
    CHECK(glob("abcabc", "*abc"));
    CHECK(glob("abcabd", "*ab?"));
    CHECK(!glob("abcab", "*abc?"));
    CHECK(glob("a.example.com", "*.example.com"));
    CHECK(!glob("example.com", "*.example.com"));
    CHECK(glob("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*a*b"));
    CHECK(!glob("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "*a*a*a*a*a*a*a*a*b"));
    CHECK(glob("x", "x"));
    CHECK(!glob("xy", "x"));
    CHECK(!glob("x", "xy"));
}

static const char *sort(const char *list)
{
    static char out[512];
    size_t len = pac_sort_ip_list(list, strlen(list), out, sizeof(out));

    return len == (size_t)-1 ? NULL : out;
}

static void test_sort(void)
{
    const char *got;
    char many[PAC_SORT_MAX * 4 + 8] = "";

    got = sort("10.2.3.9;2001:4898:28:3:201:2ff:feea:fc14;3.4.5.6;::1;2002:4898::1");
    CHECK_MSG(got && !strcmp(got, "::1;2001:4898:28:3:201:2ff:feea:fc14;2002:4898::1;3.4.5.6;10.2.3.9"), "%s", got);
    got = sort(" 1.1.1.2 ; 1.1.1.1 ;");
    CHECK_MSG(got && !strcmp(got, "1.1.1.1;1.1.1.2"), "%s", got);
    CHECK(sort("") == NULL);
    CHECK(sort(";;") == NULL);
    CHECK(sort("1.2.3.4;host") == NULL);
    for (int i = 0; i <= PAC_SORT_MAX; i++) strcat(many, "::;");
    CHECK(sort(many) == NULL);
    {
        char small[8];
        CHECK(pac_sort_ip_list("1.1.1.1;2.2.2.2", 15, small, sizeof(small)) == (size_t)-1);
    }
}

int main(void)
{
    test_parse();
    test_networks();
    test_glob();
    test_sort();
    return UNIT_DONE();
}
