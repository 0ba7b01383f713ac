// The PAC file tests/conformance/pac.c downloads from nginx.
function FindProxyForURL(url, host) {
    if (isPlainHostName(host) || dnsDomainIs(host, ".local"))
        return "DIRECT";
    return "PROXY proxy.example:3128; PROXY backup.example:8080; DIRECT";
}
