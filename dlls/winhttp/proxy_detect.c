/* WinHttpDetectAutoProxyConfigUrl: WPAD, finding the URL of the network's
 * PAC file by DHCP (option 252) and then by DNS ("wpad." in each domain of
 * the machine's DNS domain, walking up).  The adapter and DHCP client APIs
 * are loaded only when asked for, so the DLL imports nothing more. */
#include "winhttp_private.h"
#include <iphlpapi.h>
#include <dhcpcsdk.h>
#include "proxy_config.h"

_Static_assert(sizeof(WCHAR) == sizeof(wchar16), "WCHAR is UTF-16");

#define DHCP_OPTION_WPAD 252
#define DNS_NAME_MAX     253

typedef ULONG (WINAPI *get_adapters_fn)(ULONG, ULONG, void *, IP_ADAPTER_ADDRESSES *, ULONG *);
typedef DWORD (WINAPI *dhcp_init_fn)(DWORD *);
typedef void (WINAPI *dhcp_cleanup_fn)(void);
typedef DWORD (WINAPI *dhcp_request_fn)(DWORD, void *, WCHAR *, DHCPCAPI_CLASSID *, DHCPCAPI_PARAMS_ARRAY,
                                        DHCPCAPI_PARAMS_ARRAY, BYTE *, DWORD *, WCHAR *);

/* ---- adapters ----------------------------------------------------------------- */

/* The machine's network adapters (heap), or NULL. */
static IP_ADAPTER_ADDRESSES *list_adapters(void)
{
    static const ULONG flags = GAA_FLAG_SKIP_UNICAST | GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST |
                               GAA_FLAG_SKIP_DNS_SERVER;
    HMODULE iphlpapi = LoadLibraryW(L"iphlpapi.dll");
    get_adapters_fn get_adapters;
    IP_ADAPTER_ADDRESSES *list = NULL;
    ULONG size = 16384, err = ERROR_BUFFER_OVERFLOW;

    if (!iphlpapi) return NULL;
    get_adapters = (void *)GetProcAddress(iphlpapi, "GetAdaptersAddresses");
    /* the list may grow between the calls: try a few sizes */
    for (int tries = 0; get_adapters && err == ERROR_BUFFER_OVERFLOW && tries < 3; tries++)
    {
        heap_free(list);
        if (!(list = heap_alloc(size))) break;
        err = get_adapters(AF_UNSPEC, flags, NULL, list, &size);
    }
    if (err)
    {
        heap_free(list);
        list = NULL;
    }
    FreeLibrary(iphlpapi);
    return list;
}

static BOOL adapter_up(const IP_ADAPTER_ADDRESSES *a)
{
    return a->OperStatus == IfOperStatusUp && a->IfType != IF_TYPE_SOFTWARE_LOOPBACK;
}

/* ---- DHCP ---------------------------------------------------------------------- */

/* Option 252's bytes: the URL itself, maybe with a NUL; nothing else is
   taken for a URL. */
static WCHAR *url_from_option(const BYTE *data, DWORD len)
{
    WCHAR *url;

    while (len && (!data[len - 1] || data[len - 1] == ' ')) len--;
    if (!len) return NULL;
    for (DWORD i = 0; i < len; i++)
        if (data[i] < 0x21 || data[i] > 0x7e) return NULL;
    if (!(url = GlobalAlloc(GMEM_FIXED, (len + 1) * sizeof(WCHAR)))) return NULL;
    for (DWORD i = 0; i < len; i++) url[i] = data[i];
    url[len] = 0;
    return url;
}

static WCHAR *dhcp_adapter_url(dhcp_request_fn request, const char *adapter)
{
    DHCPCAPI_PARAMS param = { 0, DHCP_OPTION_WPAD, FALSE, NULL, 0 };
    DHCPCAPI_PARAMS_ARRAY send = { 0, NULL }, receive = { 1, &param };
    BYTE buffer[4096];
    DWORD size = sizeof(buffer);
    WCHAR name[256];

    if (!adapter || !MultiByteToWideChar(CP_ACP, 0, adapter, -1, name, ARRAY_SIZE(name))) return NULL;
    if (request(DHCPCAPI_REQUEST_SYNCHRONOUS, NULL, name, NULL, send, receive, buffer, &size, NULL)) return NULL;
    if (!param.Data || param.Data < buffer || param.nBytesData > sizeof(buffer) ||
        param.Data + param.nBytesData > buffer + sizeof(buffer))
        return NULL;
    return url_from_option(param.Data, param.nBytesData);
}

static WCHAR *dhcp_url(const IP_ADAPTER_ADDRESSES *adapters)
{
    HMODULE dhcp = LoadLibraryW(L"dhcpcsvc.dll");
    dhcp_init_fn init;
    dhcp_cleanup_fn cleanup;
    dhcp_request_fn request;
    WCHAR *url = NULL;
    DWORD version;

    if (!dhcp) return NULL;
    init = (void *)GetProcAddress(dhcp, "DhcpCApiInitialize");
    cleanup = (void *)GetProcAddress(dhcp, "DhcpCApiCleanup");
    request = (void *)GetProcAddress(dhcp, "DhcpRequestParams");
    if (init && cleanup && request && !init(&version))
    {
        for (const IP_ADAPTER_ADDRESSES *a = adapters; a && !url; a = a->Next)
            if (adapter_up(a) && (a->Flags & IP_ADAPTER_DHCP_ENABLED)) url = dhcp_adapter_url(request, a->AdapterName);
        cleanup();
    }
    FreeLibrary(dhcp);
    TRACE("DHCP: %s\n", debugstr_w(url));
    return url;
}

/* ---- DNS ------------------------------------------------------------------------- */

/* "http://<host>/wpad.dat", for the caller to GlobalFree. */
static WCHAR *wpad_url(const WCHAR *host)
{
    WCHAR *url = GlobalAlloc(GMEM_FIXED, (lstrlenW(host) + 18) * sizeof(WCHAR));

    if (!url) return NULL;
    lstrcpyW(url, L"http://");
    lstrcatW(url, host);
    lstrcatW(url, L"/wpad.dat");
    return url;
}

static BOOL resolves(const WCHAR *name)
{
    ADDRINFOW hints = { 0 }, *result;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (GetAddrInfoW(name, NULL, &hints, &result)) return FALSE;
    FreeAddrInfoW(result);
    return TRUE;
}

/* The URL on the first "wpad.<domain>" that resolves, walking up from the
   given domain. */
static WCHAR *dns_url_in(const WCHAR *domain)
{
    WCHAR host[DNS_NAME_MAX + 1];
    const wchar16 *suffix;
    size_t suffix_len;

    for (size_t i = 0; proxy_wpad_suffix(domain, lstrlenW(domain), i, &suffix, &suffix_len); i++)
    {
        if (suffix_len + 5 > DNS_NAME_MAX) continue;
        memcpy(host, L"wpad.", 5 * sizeof(WCHAR));
        memcpy(host + 5, suffix, suffix_len * sizeof(WCHAR));
        host[5 + suffix_len] = 0;
        TRACE("trying %s\n", debugstr_w(host));
        if (resolves(host)) return wpad_url(host);
    }
    return NULL;
}

/* The machine's DNS domain, then the DNS suffix of each adapter that is up. */
static WCHAR *dns_url(const IP_ADAPTER_ADDRESSES *adapters)
{
    WCHAR domain[256] = { 0 }, *url = NULL;
    DWORD size = ARRAY_SIZE(domain);
    WSADATA wsa;

    if (WSAStartup(MAKEWORD(2, 2), &wsa)) return NULL;
    if (!GetComputerNameExW(ComputerNameDnsDomain, domain, &size)) domain[0] = 0;
    if (domain[0]) url = dns_url_in(domain);
    for (const IP_ADAPTER_ADDRESSES *a = adapters; a && !url; a = a->Next)
        if (adapter_up(a) && a->DnsSuffix && a->DnsSuffix[0] && lstrcmpiW(a->DnsSuffix, domain))
            url = dns_url_in(a->DnsSuffix);
    WSACleanup();
    TRACE("DNS: %s\n", debugstr_w(url));
    return url;
}

BOOL WINAPI WinHttpDetectAutoProxyConfigUrl(DWORD flags, LPWSTR *url)
{
    IP_ADAPTER_ADDRESSES *adapters;
    WCHAR *found = NULL;

    TRACE("%#lx, %p\n", flags, url);

    if (!url || !(flags & (WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A)))
        return FAIL(ERROR_INVALID_PARAMETER, FALSE);
    *url = NULL;
    adapters = list_adapters();
    /* documented order: DHCP first, DNS when DHCP finds nothing */
    if (flags & WINHTTP_AUTO_DETECT_TYPE_DHCP) found = dhcp_url(adapters);
    if (!found && (flags & WINHTTP_AUTO_DETECT_TYPE_DNS_A)) found = dns_url(adapters);
    heap_free(adapters);
    if (!found) return FAIL(ERROR_WINHTTP_AUTODETECTION_FAILED, FALSE);
    *url = found;
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}
