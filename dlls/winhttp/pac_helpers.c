/* The functions a PAC script may call: Netscape's originals and Microsoft's
 * IPv6 "Ex" extensions.  Those that look names up or test addresses are C
 * (getaddrinfo, pac_match.c); the string and calendar ones are a few lines
 * of JavaScript run in each new heap (pac_library below). */
#include "winhttp_private.h"
#include "duktape.h"
#include "pac.h"
#include "pac_match.h"

/* ---- name lookups ------------------------------------------------------------------ */

static INIT_ONCE winsock_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK start_winsock(INIT_ONCE *once, void *param, void **context)
{
    WSADATA data;

    return !WSAStartup(MAKEWORD(2, 2), &data);
}

/* The addresses of host (one family, or AF_UNSPEC for both), as text joined
   by ';' into out; returns how many were written. */
static int lookup(duk_context *ctx, const char *host, int family, char *out, size_t capacity)
{
    ADDRINFOA hints = {0}, *list, *ai;
    ULONGLONG begun;
    size_t at = 0;
    int count = 0;

    out[0] = 0;
    if (!InitOnceExecuteOnce(&winsock_once, start_winsock, NULL, NULL) || !*host) return 0;
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    begun = pac_wait_begin(ctx);
    if (getaddrinfo(host, NULL, &hints, &list)) list = NULL;
    pac_wait_end(ctx, begun);
    for (ai = list; ai; ai = ai->ai_next)
    {
        char text[INET6_ADDRSTRLEN];
        const void *addr;
        size_t len;

        if (ai->ai_family == AF_INET) addr = &((SOCKADDR_IN *)ai->ai_addr)->sin_addr;
        else if (ai->ai_family == AF_INET6) addr = &((SOCKADDR_IN6 *)ai->ai_addr)->sin6_addr;
        else continue;
        if (!inet_ntop(ai->ai_family, addr, text, sizeof(text))) continue;
        len = strlen(text);
        if (at + len + 2 > capacity) break;
        if (count++) out[at++] = ';';
        memcpy(out + at, text, len + 1);
        at += len;
    }
    if (list) freeaddrinfo(list);
    return count;
}

#define LOOKUP_MAX 1024

/* dnsResolve(host): its first IPv4 address, or null. */
static duk_ret_t dns_resolve(duk_context *ctx)
{
    char found[LOOKUP_MAX];
    char *end;

    if (!lookup(ctx, duk_to_string(ctx, 0), AF_INET, found, sizeof(found))) duk_push_null(ctx);
    else
    {
        if ((end = strchr(found, ';'))) *end = 0;
        duk_push_string(ctx, found);
    }
    return 1;
}

/* dnsResolveEx(host): every address, IPv6 and IPv4, joined by ';'; "" when none. */
static duk_ret_t dns_resolve_ex(duk_context *ctx)
{
    char found[LOOKUP_MAX];

    lookup(ctx, duk_to_string(ctx, 0), AF_UNSPEC, found, sizeof(found));
    duk_push_string(ctx, found);
    return 1;
}

static duk_ret_t is_resolvable(duk_context *ctx)
{
    char found[LOOKUP_MAX];

    duk_push_boolean(ctx, lookup(ctx, duk_to_string(ctx, 0), AF_INET, found, sizeof(found)) > 0);
    return 1;
}

static duk_ret_t is_resolvable_ex(duk_context *ctx)
{
    char found[LOOKUP_MAX];

    duk_push_boolean(ctx, lookup(ctx, duk_to_string(ctx, 0), AF_UNSPEC, found, sizeof(found)) > 0);
    return 1;
}

/* The address this machine would reach the internet from: a UDP socket
   "connected" to a public address chooses its route without sending
   anything. */
static BOOL routed_address(char *out, size_t capacity)
{
    SOCKADDR_IN target = {0}, local = {0};
    int len = sizeof(local);
    SOCKET s;
    BOOL ok;

    if (!InitOnceExecuteOnce(&winsock_once, start_winsock, NULL, NULL)) return FALSE;
    if ((s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)) == INVALID_SOCKET) return FALSE;
    target.sin_family = AF_INET;
    target.sin_port = htons(53);
    target.sin_addr.s_addr = htonl(0xc6336401);   /* 198.51.100.1, a documentation address */
    ok = !connect(s, (SOCKADDR *)&target, sizeof(target)) && !getsockname(s, (SOCKADDR *)&local, &len) &&
         local.sin_addr.s_addr && inet_ntop(AF_INET, &local.sin_addr, out, capacity);
    closesocket(s);
    return ok;
}

static void host_name(char *out, size_t capacity)
{
    if (!InitOnceExecuteOnce(&winsock_once, start_winsock, NULL, NULL) || gethostname(out, (int)capacity))
        lstrcpynA(out, "localhost", (int)capacity);
}

/* myIpAddress(): the routed IPv4 address, else the host name's first,
   else 127.0.0.1. */
static duk_ret_t my_ip_address(duk_context *ctx)
{
    char found[LOOKUP_MAX], name[256];
    char *end;

    if (!routed_address(found, sizeof(found)))
    {
        host_name(name, sizeof(name));
        if (!lookup(ctx, name, AF_INET, found, sizeof(found))) strcpy(found, "127.0.0.1");
        if ((end = strchr(found, ';'))) *end = 0;
    }
    duk_push_string(ctx, found);
    return 1;
}

/* myIpAddressEx(): the host name's addresses, both families, else
   myIpAddress's. */
static duk_ret_t my_ip_address_ex(duk_context *ctx)
{
    char found[LOOKUP_MAX], name[256];

    host_name(name, sizeof(name));
    if (lookup(ctx, name, AF_UNSPEC, found, sizeof(found))) duk_push_string(ctx, found);
    else my_ip_address(ctx);
    return 1;
}

/* ---- addresses ---------------------------------------------------------------------- */

static BOOL to_ip(duk_context *ctx, duk_idx_t index, struct pac_ip *ip)
{
    duk_size_t len;
    const char *text = duk_to_lstring(ctx, index, &len);

    return pac_ip_parse(text, len, ip);
}

/* host as an address: itself when it is one, else what a lookup gives
   (family AF_INET or AF_UNSPEC), into found. */
static int host_addresses(duk_context *ctx, int family, char *found, size_t capacity)
{
    struct pac_ip ip;
    const char *host = duk_to_string(ctx, 0);

    if (pac_ip_parse(host, strlen(host), &ip) && (family == AF_UNSPEC || ip.family == 4))
    {
        lstrcpynA(found, host, (int)capacity);
        return 1;
    }
    return lookup(ctx, host, family, found, capacity);
}

/* isInNet(host, pattern, mask): IPv4 only. */
static duk_ret_t is_in_net(duk_context *ctx)
{
    struct pac_ip ip, pattern, mask;
    char found[LOOKUP_MAX];
    char *end;
    BOOL in = FALSE;

    if (to_ip(ctx, 1, &pattern) && to_ip(ctx, 2, &mask) && host_addresses(ctx, AF_INET, found, sizeof(found)))
    {
        if ((end = strchr(found, ';'))) *end = 0;
        in = pac_ip_parse(found, strlen(found), &ip) && pac_ip_in_net(&ip, &pattern, &mask);
    }
    duk_push_boolean(ctx, in);
    return 1;
}

/* isInNetEx(host, "prefix/bits"): any of the host's addresses in it. */
static duk_ret_t is_in_net_ex(duk_context *ctx)
{
    struct pac_ip ip, net;
    char found[LOOKUP_MAX];
    unsigned int bits;
    duk_size_t len;
    const char *prefix = duk_to_lstring(ctx, 1, &len);
    BOOL in = FALSE;

    if (pac_prefix_parse(prefix, len, &net, &bits) && host_addresses(ctx, AF_UNSPEC, found, sizeof(found)))
    {
        for (char *entry = found, *next; entry && !in; entry = next)
        {
            if ((next = strchr(entry, ';'))) *next++ = 0;
            in = pac_ip_parse(entry, strlen(entry), &ip) && pac_ip_in_prefix(&ip, &net, bits);
        }
    }
    duk_push_boolean(ctx, in);
    return 1;
}

/* sortIpAddressList(list): the sorted list, or false for a bad one. */
static duk_ret_t sort_ip_address_list(duk_context *ctx)
{
    duk_size_t len;
    const char *list = duk_to_lstring(ctx, 0, &len);
    char *out = duk_push_fixed_buffer(ctx, len + 1);
    size_t out_len = pac_sort_ip_list(list, len, out, len + 1);

    if (out_len == (size_t)-1) duk_push_false(ctx);
    else duk_push_lstring(ctx, out, out_len);
    return 1;
}

/* shExpMatch(str, shexp). */
static duk_ret_t sh_exp_match(duk_context *ctx)
{
    duk_size_t len, pattern_len;
    const char *text = duk_to_lstring(ctx, 0, &len);
    const char *pattern = duk_to_lstring(ctx, 1, &pattern_len);

    duk_push_boolean(ctx, pac_glob_match(text, len, pattern, pattern_len));
    return 1;
}

/* getClientVersion(): the version of the PAC extensions supported. */
static duk_ret_t get_client_version(duk_context *ctx)
{
    duk_push_string(ctx, "1.0");
    return 1;
}

/* ---- the JavaScript part ------------------------------------------------------------------ */

/* Host names compare without case.  The calendar functions take an
   optional last argument "GMT"; a range whose start is after its end wraps
   (FRI to MON, DEC to JAN, 22 to 6 o'clock); each range bound compares only
   the fields it names, so dateRange(1, "JUN", 15, "AUG") ignores the year
   and timeRange(9, 17) includes 17:59. */
static const char pac_library[] =
    "function isPlainHostName(host) { return String(host).indexOf('.') < 0; }\n"
    "function dnsDomainIs(host, domain) {\n"
    "  host = String(host).toLowerCase(); domain = String(domain).toLowerCase();\n"
    "  return host.length >= domain.length && host.slice(host.length - domain.length) === domain;\n"
    "}\n"
    "function localHostOrDomainIs(host, hostdom) {\n"
    "  host = String(host).toLowerCase(); hostdom = String(hostdom).toLowerCase();\n"
    "  return host === hostdom || (host.indexOf('.') < 0 && hostdom.indexOf(host + '.') === 0);\n"
    "}\n"
    "function dnsDomainLevels(host) { return String(host).split('.').length - 1; }\n"
    "var __pacCalendar = (function () {\n"
    "  var DAYS = 'SUNMONTUEWEDTHUFRISAT', MONTHS = 'JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC';\n"
    "  function index(names, name) {\n"
    "    name = String(name).toUpperCase();\n"
    "    var at = name.length === 3 ? names.indexOf(name) : -1;\n"
    "    return at % 3 === 0 ? at / 3 : -1;\n"
    "  }\n"
    "  function args(list) {\n"
    "    list = Array.prototype.slice.call(list);\n"
    "    var utc = list.length > 0 && String(list[list.length - 1]).toUpperCase() === 'GMT';\n"
    "    if (utc) list.pop();\n"
    "    var now = new Date();\n"
    "    return { list: list, get: function (what) { return now[(utc ? 'getUTC' : 'get') + what](); } };\n"
    "  }\n"
    "  function within(value, low, high) {\n"
    "    return low <= high ? low <= value && value <= high : value >= low || value <= high;\n"
    "  }\n"
    "  function weekdayRange() {\n"
    "    var a = args(arguments), day = a.get('Day');\n"
    "    var low = index(DAYS, a.list[0]), high = a.list.length > 1 ? index(DAYS, a.list[1]) : low;\n"
    "    return low >= 0 && high >= 0 && within(day, low, high);\n"
    "  }\n"
    "  var WEIGHT = { year: 10000, month: 100, day: 1 };\n"
    "  function dateField(value) {\n"
    "    var month = index(MONTHS, value);\n"
    "    if (month >= 0) return { kind: 'month', value: month };\n"
    "    var n = Number(value);\n"
    "    if (isNaN(n) || n !== Math.floor(n) || n < 1) return null;\n"
    "    return n <= 31 ? { kind: 'day', value: n } : { kind: 'year', value: n };\n"
    "  }\n"
    "  function dateRange() {\n"
    "    var a = args(arguments), fields = [], i;\n"
    "    for (i = 0; i < a.list.length; i++) {\n"
    "      var f = dateField(a.list[i]);\n"
    "      if (!f) return false;\n"
    "      fields.push(f);\n"
    "    }\n"
    "    var now = { year: a.get('FullYear'), month: a.get('Month'), day: a.get('Date') };\n"
    "    if (fields.length === 1) return now[fields[0].kind] === fields[0].value;\n"
    "    if (fields.length === 0 || fields.length % 2 || fields.length > 6) return false;\n"
    "    var half = fields.length / 2, low = 0, high = 0, at = 0;\n"
    "    for (i = 0; i < half; i++) {\n"
    "      var kind = fields[i].kind;\n"
    "      if (fields[i + half].kind !== kind) return false;\n"
    "      low += fields[i].value * WEIGHT[kind];\n"
    "      high += fields[i + half].value * WEIGHT[kind];\n"
    "      at += now[kind] * WEIGHT[kind];\n"
    "    }\n"
    "    return within(at, low, high);\n"
    "  }\n"
    "  function timeRange() {\n"
    "    var a = args(arguments), n = a.list.length, i, low = 0, high = 0, at = 0;\n"
    "    var now = [a.get('Hours'), a.get('Minutes'), a.get('Seconds')], weight = [3600, 60, 1];\n"
    "    for (i = 0; i < n; i++) if (isNaN(Number(a.list[i]))) return false;\n"
    "    if (n === 1) return now[0] === Number(a.list[0]);\n"
    "    if (n === 0 || n % 2 || n > 6) return false;\n"
    "    for (i = 0; i < n / 2; i++) {\n"
    "      low += Number(a.list[i]) * weight[i];\n"
    "      high += Number(a.list[i + n / 2]) * weight[i];\n"
    "      at += now[i] * weight[i];\n"
    "    }\n"
    "    return within(at, low, high);\n"
    "  }\n"
    "  return { weekdayRange: weekdayRange, dateRange: dateRange, timeRange: timeRange };\n"
    "})();\n"
    "function weekdayRange() { return __pacCalendar.weekdayRange.apply(null, arguments); }\n"
    "function dateRange() { return __pacCalendar.dateRange.apply(null, arguments); }\n"
    "function timeRange() { return __pacCalendar.timeRange.apply(null, arguments); }\n";

static const duk_function_list_entry pac_natives[] = {
    { "dnsResolve", dns_resolve, 1 },
    { "dnsResolveEx", dns_resolve_ex, 1 },
    { "isResolvable", is_resolvable, 1 },
    { "isResolvableEx", is_resolvable_ex, 1 },
    { "myIpAddress", my_ip_address, 0 },
    { "myIpAddressEx", my_ip_address_ex, 0 },
    { "isInNet", is_in_net, 3 },
    { "isInNetEx", is_in_net_ex, 2 },
    { "sortIpAddressList", sort_ip_address_list, 1 },
    { "shExpMatch", sh_exp_match, 2 },
    { "getClientVersion", get_client_version, 0 },
    { NULL, NULL, 0 },
};

int pac_helpers_define(duk_context *ctx, void *arg)
{
    duk_push_global_object(ctx);
    duk_put_function_list(ctx, -1, pac_natives);
    duk_pop(ctx);
    duk_eval_string_noresult(ctx, pac_library);
    return 0;
}
