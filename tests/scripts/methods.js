// WinHttpRequest from JScript: every WinHttpRequestOption through IDispatch
// (documented defaults, and a write read back where the option is
// writable), and the methods http.js and options.js leave out: SetProxy,
// SetCredentials, SetAutoLogonPolicy, SetClientCertificate, Abort,
// WaitForResponse after a synchronous Send, ResponseStream (tools/run-scripts runs it
// after harness.js).  Expectations: Microsoft's documentation of
// IWinHttpRequest and WinHttpRequestOption.
// Environment: WINHTTP_TEST_NGINX (harness.js).
var HELLO = "Hello from nginx.\nThis file is fetched by tests/conformance/nginx.c.\n";
var E_INVALIDARG = 0x80070057;

// ---- options ------------------------------------------------------------

// [index, name, documented default]; URL (1) fails before Open and
// SelectCertificate (5) is write-only, so they are left to their cases
var DEFAULTS = [
    [2, "URLCodePage", 65001],
    [3, "EscapePercentInURL", true],
    [4, "SslErrorIgnoreFlags", 0],
    [6, "EnableRedirects", true],
    [7, "UrlEscapeDisable", true],
    [8, "UrlEscapeDisableQuery", true],
    [11, "RevertImpersonationOverSsl", true],
    [12, "EnableHttpsToHttpRedirects", false],
    [13, "EnablePassportAuthentication", false],
    [14, "MaxAutomaticRedirects", 10],
    [15, "MaxResponseHeaderSize", 64 * 1024],
    [16, "MaxResponseDrainSize", 1024 * 1024],
    [17, "EnableHttp1_1", true],
    [18, "EnableCertificateRevocationCheck", false]
];

run("option_defaults", function () {
    var r = request();
    for (var i = 0; i < DEFAULTS.length; i++)
        checkEqual(r.Option(DEFAULTS[i][0]), DEFAULTS[i][2], "Option(" + DEFAULTS[i][1] + ")");
    var protocols = r.Option(9);
    check(typeof protocols == "number" && protocols != 0, "Option(SecureProtocols) is " + show(protocols));
    checkEqual(typeof r.Option(10), "boolean", "typeof Option(EnableTracing)");
});

// every writable option takes a value and reads it back
var WRITES = [
    [2, "URLCodePage", 1252],
    [3, "EscapePercentInURL", false],
    [4, "SslErrorIgnoreFlags", 0x3300],
    [6, "EnableRedirects", false],
    [7, "UrlEscapeDisable", false],
    [8, "UrlEscapeDisableQuery", false],
    [9, "SecureProtocols", 0x800],
    [10, "EnableTracing", true],
    [11, "RevertImpersonationOverSsl", false],
    [12, "EnableHttpsToHttpRedirects", true],
    [14, "MaxAutomaticRedirects", 3],
    [15, "MaxResponseHeaderSize", 8192],
    [16, "MaxResponseDrainSize", 4096],
    [17, "EnableHttp1_1", false],
    [18, "EnableCertificateRevocationCheck", true]
];

run("option_writes", function () {
    var r = request();
    for (var i = 0; i < WRITES.length; i++) {
        r.Option(WRITES[i][0]) = WRITES[i][2];
        checkEqual(r.Option(WRITES[i][0]), WRITES[i][2], "Option(" + WRITES[i][1] + ") after the put");
    }
    r.Option(2) = "utf-8";     // a code page also by its charset name
    checkEqual(r.Option(2), 65001, "Option(URLCodePage) after putting \"utf-8\"");
});

run("option_url_and_certificate", function () {
    var r = request();
    check(threw(function () { return r.Option(1); }), "Option(URL) before Open did not fail");
    r.Open("GET", base + "/hello.txt", false);
    checkEqual(r.Option(1), base + "/hello.txt", "Option(URL) after Open");
    r.Option(5) = "CURRENT_USER\\MY\\nobody";      // SelectCertificate: written, not read
    r.Send();
    checkEqual(r.Status, 200, "Status (no server asked for the certificate)");
});

// HTTP/1.0 when EnableHttp1_1 is false: nginx answers in kind
run("http_1_0", function () {
    var r = request();
    r.Option(17) = false;
    r.Open("GET", base + "/hello.txt", false);
    r.Send();
    checkEqual(r.Status, 200, "Status");
    checkEqual(r.ResponseText, HELLO, "ResponseText");
});

// MaxAutomaticRedirects 0: the first redirect is one too many
run("max_redirects", function () {
    var r = request();
    r.Option(14) = 0;
    r.Open("GET", base + "/scripts/redirect", false);
    check(threw(function () { r.Send(); }) || r.Status == 302,
          "with no redirect allowed the request neither failed nor stopped at the 302");
});

// ---- methods ------------------------------------------------------------

// SetProxy(PROXY): nginx, asked for an absolute URI, serves its own file,
// so a host that does not resolve still gets the page through it
run("set_proxy", function () {
    var r = request();
    r.SetProxy(2, env("WINHTTP_TEST_NGINX"), "");
    r.Open("GET", "http://proxied.invalid/hello.txt", false);
    r.Send();
    checkEqual(r.Status, 200, "Status through the proxy");
    checkEqual(r.ResponseText, HELLO, "ResponseText through the proxy");
    var d = request();
    d.SetProxy(1);                         // DIRECT, the optional arguments left out
    checkError(function () { d.SetProxy(7); }, E_INVALIDARG, "SetProxy(7)");
});

run("set_credentials", function () {
    var r = request();
    checkError(function () { r.SetCredentials("user", "pass", 0); }, E_CANNOT_CALL_BEFORE_OPEN,
               "SetCredentials before Open");
    r.Open("GET", base + "/hello.txt", false);
    r.SetCredentials("user", "pass", 0);   // HTTPREQUEST_SETCREDENTIALS_FOR_SERVER
    r.SetCredentials("puser", "ppass", 1); // _FOR_PROXY
    checkError(function () { r.SetCredentials("user", "pass", 2); }, E_INVALIDARG, "SetCredentials(flags 2)");
    r.Send();                              // nobody asks: nothing is sent
    checkEqual(r.Status, 200, "Status");
});

run("set_autologon_policy", function () {
    var r = request();
    for (var policy = 0; policy <= 2; policy++) r.SetAutoLogonPolicy(policy);
    checkError(function () { r.SetAutoLogonPolicy(3); }, E_INVALIDARG, "SetAutoLogonPolicy(3)");
});

run("set_client_certificate", function () {
    var r = request();
    r.SetClientCertificate("LOCAL_MACHINE\\Personal\\My Middle-Tier Certificate");
    r.SetClientCertificate("nobody");
    checkError(function () { r.SetClientCertificate("SOMEWHERE\\MY\\nobody"); }, E_INVALIDARG,
               "SetClientCertificate with an unknown location");
    r.Open("GET", base + "/hello.txt", false);
    r.Send();
    checkEqual(r.Status, 200, "Status (no server asked for the certificate)");
});

run("abort", function () {
    var r = request();
    r.Abort();                             // nothing to abort
    r.Open("GET", base + "/hello.txt", true);
    r.Send();
    r.Abort();
    r.Abort();
    checkError(function () { r.Send(); }, E_CANNOT_CALL_BEFORE_OPEN, "Send after Abort");
    r.Open("GET", base + "/hello.txt", false);
    r.Send();
    checkEqual(r.Status, 200, "Status after a new Open");
});

// documented: true once a response has been received
run("wait_after_sync_send", function () {
    var r = request();
    r.Open("GET", base + "/hello.txt", false);
    r.Send();
    checkEqual(r.WaitForResponse(), true, "WaitForResponse after a synchronous Send");
});

run("response_stream", function () {
    var r = get("/hello.txt");
    var stream = r.ResponseStream;
    check(stream != null, "ResponseStream is null");
    check(r.ResponseStream !== undefined, "ResponseStream is undefined");
});

function threw(fn) {
    try { fn(); } catch (e) { return true; }
    return false;
}

finish();
