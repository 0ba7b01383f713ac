/* Proxy configuration text and bytes: WinHTTP proxy and bypass lists, the
 * results of a PAC script's FindProxyForURL, the registry blobs that hold
 * the WinHTTP and IE settings, the http_proxy family of environment
 * variables, and the names WPAD looks up.
 *
 * Pure C (no <windows.h>) so it builds on the host for unit tests and
 * fuzzing.  Strings are UTF-16 with explicit lengths; nothing here reads
 * past a length or writes past a capacity it was given, whatever the input.
 * proxy_config.c holds the lists, proxy_pac.c the PAC results, proxy_blob.c
 * the registry blobs, proxy_env.c the environment variables.
 */
#ifndef WINHTTP_PROXY_CONFIG_H
#define WINHTTP_PROXY_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "wchar16.h"

/* ---- proxy lists and bypass lists (proxy_config.c) ------------------------ */

enum proxy_scheme { PROXY_SCHEME_HTTP, PROXY_SCHEME_HTTPS };

struct proxy_entry { const wchar16 *host; size_t host_len; uint16_t port; };

#define PROXY_DEFAULT_PORT 80

/* The index-th (0-based) proxy of a WinHTTP proxy list that applies to URLs of the scheme;
   returns 1 and fills *entry (host points into list; IPv6 literals keep their brackets "[::1]"),
   0 when there is none.  Default port 80.
   The list: entries separated by runs of ';' and whitespace, each
   [<scheme>=][<scheme>"://"]<server>[":"<port>]["/"].  "http=" entries apply
   to http URLs only, "https=" ones to https only, others ("socks=") never;
   an entry with a bad port or host is skipped. */
int proxy_list_get(const wchar16 *list, size_t len, enum proxy_scheme scheme, size_t index, struct proxy_entry *entry);

/* Whether the bypass list says the host (as the application wrote it in WinHttpConnect, an IPv6 literal with or
   without brackets) at port, for the scheme, goes direct.
   The list: entries separated by ';', ',' and whitespace, compared without
   case: "<local>" (any name without a '.', not an IP literal), or
   ["http://" | "https://"]<pattern>[":"<port>] where the pattern may hold
   '*' wildcards and must otherwise equal the host. */
int proxy_bypass_match(const wchar16 *list, size_t len, const wchar16 *host, size_t host_len, uint16_t port, enum proxy_scheme scheme);

/* The index-th domain WPAD by DNS tries "wpad." in, for the machine's DNS
   domain: "a.b.example.com" gives "a.b.example.com", "b.example.com",
   "example.com", and never a bare top-level domain ("com").
   Returns 1 and points *suffix into domain, 0 when there are no more. */
int proxy_wpad_suffix(const wchar16 *domain, size_t len, size_t index, const wchar16 **suffix, size_t *suffix_len);

/* ---- PAC results (proxy_pac.c) ------------------------------------------- */

/* What FindProxyForURL returns: "PROXY a:1; SOCKS b; DIRECT", entries
   separated by ';', each a keyword (any case) and, but for DIRECT, a
   host[:port]. */
enum pac_type
{
    PAC_INVALID,    /* an entry that does not parse: skip it */
    PAC_DIRECT,
    PAC_PROXY,
    PAC_HTTP,
    PAC_HTTPS,
    PAC_SOCKS,
    PAC_SOCKS4,
    PAC_SOCKS5,
};

struct pac_entry
{
    enum pac_type  type;
    const wchar16 *host;        /* into the text; NULL for DIRECT and PAC_INVALID */
    size_t         host_len;
    uint16_t       port;        /* given, or the type's default: 80, 443 for HTTPS, 1080 for SOCKS */
};

/* Reads the entry at *pos and moves *pos past it; returns 0 when only
   separators and whitespace are left.  Each call that returns 1 moves *pos
   forward, so a walk ends within len calls. */
int pac_result_next(const wchar16 *text, size_t len, size_t *pos, struct pac_entry *entry);

/* ---- registry blobs (proxy_blob.c) ------------------------------------------ */

/* The binary values WinHttpSettings (HKLM\...\Internet Settings\Connections,
   what netsh winhttp writes) and DefaultConnectionSettings (the same key
   under HKCU, IE's): little-endian DWORD version, change counter and flags,
   then DWORD length + 8-bit proxy list, DWORD length + bypass list, in IE's
   also DWORD length + auto-config URL; whatever follows is kept opaque. */
#define PROXY_BLOB_VERSION_WINHTTP 0x18
#define PROXY_BLOB_VERSION_IE      0x46

#define PROXY_BLOB_DIRECT      0x1
#define PROXY_BLOB_NAMED       0x2
#define PROXY_BLOB_AUTO_URL    0x4
#define PROXY_BLOB_AUTO_DETECT 0x8

enum proxy_blob_kind { PROXY_BLOB_WINHTTP, PROXY_BLOB_IE };

struct proxy_blob_string { const uint8_t *data; size_t len; };

struct proxy_blob
{
    uint32_t                 version, counter, flags;
    struct proxy_blob_string proxy, bypass;
    struct proxy_blob_string auto_config_url;   /* PROXY_BLOB_IE only */
    struct proxy_blob_string trailer;           /* bytes after the last field */
};

/* Splits data[0..size); the strings point into data.  Returns 0 when the
   blob is truncated or a length runs past its end. */
int proxy_blob_decode(const uint8_t *data, size_t size, enum proxy_blob_kind kind, struct proxy_blob *blob);

/* Lays the blob out; returns its size, and writes it only when capacity is
   at least that (0, writing nothing, for a string longer than a DWORD
   counts).  Decoding a blob and encoding it gives the same bytes. */
size_t proxy_blob_encode(const struct proxy_blob *blob, enum proxy_blob_kind kind, uint8_t *out, size_t capacity);

/* ---- environment variables (proxy_env.c) ---------------------------------------- */

/* The WinHTTP proxy list for the values of http_proxy and https_proxy
   (either may be NULL or empty): "http://user:pass@host:port/" and
   "host:port" give "host:port", credentials and path dropped.  One
   variable, or both the same, give one entry for both schemes; two
   different ones give "http=a:1;https=b:2".  A value with another scheme
   (socks5://) is ignored.  Returns the length without the NUL and writes
   the NUL-terminated list only when capacity is larger than that. */
size_t proxy_env_list(const wchar16 *http, size_t http_len, const wchar16 *https, size_t https_len,
                      wchar16 *out, size_t capacity);

/* The WinHTTP bypass list for no_proxy ("a,.b.com,*"): a name also covers
   its subdomains (as curl reads it), so "b.com" and ".b.com" both give
   "b.com;*.b.com"; IP addresses stay exact, "10.0.0.0/8" and other
   whole-octet CIDR blocks become "10.*", IPv6 addresses get brackets, "*"
   stays "*"; a ":port" is kept.  Same length protocol as proxy_env_list. */
size_t proxy_env_bypass(const wchar16 *no_proxy, size_t len, wchar16 *out, size_t capacity);

#endif
