/* The parts of the PAC helper functions that need no system: IP address
 * text, network and prefix tests, shell-expression matching, sorting an
 * address list.  pac_helpers.c puts them behind isInNet, isInNetEx,
 * shExpMatch, sortIpAddressList and friends.
 *
 * Pure C (no <windows.h>) so it builds on the host for unit tests and
 * fuzzing.  Strings are 8-bit (what the script engine hands over) with
 * explicit lengths; nothing reads past a length or writes past a capacity,
 * and nothing allocates.
 */
#ifndef WINHTTP_PAC_MATCH_H
#define WINHTTP_PAC_MATCH_H

#include <stddef.h>
#include <stdint.h>

struct pac_ip
{
    int     family;         /* 4 or 6 */
    uint8_t bytes[16];      /* network order; 4 used for IPv4 */
};

/* Longest text pac_ip_format writes, without the NUL. */
#define PAC_IP_TEXT_MAX 45

/* Parses a dotted IPv4 address (four decimal parts of 0-255) or an IPv6
   address (RFC 4291 text: hex groups, one "::", a dotted IPv4 tail), with
   no brackets, zone or spaces.  Returns 1 on success. */
int pac_ip_parse(const char *text, size_t len, struct pac_ip *ip);

/* Writes the address as text (IPv6 in RFC 5952's shortest form) and a NUL
   when capacity allows; returns the length without the NUL, or 0 when the
   buffer is too small. */
size_t pac_ip_format(const struct pac_ip *ip, char *out, size_t capacity);

/* isInNet's test: both IPv4, and (ip & mask) == (pattern & mask). */
int pac_ip_in_net(const struct pac_ip *ip, const struct pac_ip *pattern, const struct pac_ip *mask);

/* isInNetEx's prefix, "198.95.0.0/16" or "3ffe:8311:ffff::/48": returns 1
   and fills *net and *bits (at most 32 or 128). */
int pac_prefix_parse(const char *text, size_t len, struct pac_ip *net, unsigned int *bits);

/* Whether ip lies in net/bits (the same family only). */
int pac_ip_in_prefix(const struct pac_ip *ip, const struct pac_ip *net, unsigned int bits);

/* shExpMatch: '*' matches any run of characters (none included), '?' any
   one character, everything else itself, case kept.  Time is bounded by
   len * pattern_len. */
int pac_glob_match(const char *text, size_t len, const char *pattern, size_t pattern_len);

/* sortIpAddressList: the addresses of a ';'-separated list (spaces around
   entries ignored) sorted IPv6 first, then IPv4, each by numeric value,
   written as they were given, joined by ';', NUL-terminated.  Returns the
   length without the NUL; (size_t)-1 when an entry is not an address, the
   list is empty or holds more than PAC_SORT_MAX entries, or out (capacity)
   is too small. */
#define PAC_SORT_MAX 256
size_t pac_sort_ip_list(const char *list, size_t len, char *out, size_t capacity);

#endif
