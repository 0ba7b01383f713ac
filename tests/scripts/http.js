// WinHttpRequest from JScript: requests and responses (tools/run-scripts
// runs it after harness.js).  Expectations are native Windows behaviour as
// Microsoft documents it (IWinHttpRequest, the WinHTTP error codes).
// Environment: WINHTTP_TEST_NGINX (harness.js), WINHTTP_TEST_CLOSED=
// 127.0.0.1:PORT (nothing listens there).
var HELLO = "Hello from nginx.\nThis file is fetched by tests/conformance/nginx.c.\n";
var UTF8_TEXT = "Gr\u00fc\u00dfe, caf\u00e9 \u20ac \u2713\n";
var LATIN1_TEXT = "Gr\u00fc\u00dfe, caf\u00e9 \u00a9\n";
var UTF8_HEX = "4772c3bcc39f652c20636166c3a920e282ac20e29c930a";    // tools/site/scripts/utf8.txt

// ---- the cases -------------------------------------------------------------

run("create", function () {
    var r = request();
    checkEqual(typeof r, "object", "typeof WScript.CreateObject");
    var a = new ActiveXObject(PROGID);
    checkEqual(typeof a, "object", "typeof new ActiveXObject");
});

run("get", function () {
    var r = get("/hello.txt");
    checkEqual(r.Status, 200, "Status");
    checkEqual(r.StatusText, "OK", "StatusText");
    checkEqual(r.ResponseText, HELLO, "ResponseText");
});

// an HTTP error is a response, not a script error
run("not_found", function () {
    var r = get("/no-such-page");
    checkEqual(r.Status, 404, "Status");
    checkEqual(r.StatusText, "Not Found", "StatusText");
});

run("post", function () {
    var r = request();
    r.Open("POST", base + "/echo", false);
    r.Send("name=value&other=2");
    checkEqual(r.Status, 200, "Status");
    checkEqual(r.ResponseText, "name=value&other=2", "ResponseText (the body nginx received)");
});

run("response_header", function () {
    var r = get("/hello.txt");
    checkEqual(r.GetResponseHeader("Content-Type"), "text/plain", "GetResponseHeader(Content-Type)");
    checkEqual(r.GetResponseHeader("content-length"), "69", "GetResponseHeader(content-length)");
    checkError(function () { r.GetResponseHeader("X-No-Such-Header"); }, E_HEADER_NOT_FOUND,
               "GetResponseHeader of a header not in the response");
});

// the headers, one "Name: value" a line, without the status line
run("all_response_headers", function () {
    var r = get("/hello.txt"), all = r.GetAllResponseHeaders();
    check(all.indexOf("Content-Type: text/plain\r\n") >= 0, "no Content-Type line in " + show(all));
    check(all.indexOf("Content-Length: 69\r\n") >= 0, "no Content-Length line in " + show(all));
    check(all.indexOf("HTTP/1.1") < 0, "the status line is in " + show(all));
    check(all.substr(all.length - 4) == "\r\n\r\n", "does not end with two CRLFs: " + show(all));
});

run("set_request_header", function () {
    var r = request();
    r.Open("GET", base + "/scripts/headers", false);
    r.SetRequestHeader("X-Test", "from a script");
    r.Send();
    check(r.ResponseText.indexOf("X-Test: from a script\n") >= 0, "the server saw " + show(r.ResponseText));
});

run("text_utf8", function () {
    var r = get("/scripts/utf8.txt");
    checkEqual(r.GetResponseHeader("Content-Type"), "text/plain; charset=utf-8", "Content-Type");
    checkEqual(r.ResponseText, UTF8_TEXT, "ResponseText");
});

run("text_latin1", function () {
    var r = get("/scripts/latin1.txt");
    checkEqual(r.GetResponseHeader("Content-Type"), "text/plain; charset=iso-8859-1", "Content-Type");
    checkEqual(r.ResponseText, LATIN1_TEXT, "ResponseText");
});

// ResponseBody: the bytes as sent
run("response_body", function () {
    var hex = bodyHex(get("/hello.txt").ResponseBody);
    checkEqual(hex.length, 2 * 69, "ResponseBody's length in hex digits");
    checkEqual(hex.substr(0, 10), "48656c6c6f", "ResponseBody's first five bytes");
    checkEqual(bodyHex(get("/scripts/utf8.txt").ResponseBody), UTF8_HEX, "ResponseBody of the UTF-8 page");
});

run("send_before_open", function () {
    var r = request();
    checkError(function () { r.Send(); }, E_CANNOT_CALL_BEFORE_OPEN, "Send before Open");
    checkError(function () { r.SetRequestHeader("X-Test", "1"); }, E_CANNOT_CALL_BEFORE_OPEN,
               "SetRequestHeader before Open");
});

run("status_before_send", function () {
    var r = request();
    r.Open("GET", base + "/hello.txt", false);
    checkError(function () { return r.Status; }, E_CANNOT_CALL_BEFORE_SEND, "Status before Send");
    checkError(function () { return r.ResponseText; }, E_CANNOT_CALL_BEFORE_SEND, "ResponseText before Send");
    checkError(function () { r.GetResponseHeader("Content-Type"); }, E_CANNOT_CALL_BEFORE_SEND,
               "GetResponseHeader before Send");
});

run("unrecognized_scheme", function () {
    var r = request();
    checkError(function () { r.Open("GET", "foo://127.0.0.1/", false); }, E_UNRECOGNIZED_SCHEME,
               "Open of a foo:// URL");
});

run("cannot_connect", function () {
    var r = request();
    r.Open("GET", "http://" + env("WINHTTP_TEST_CLOSED") + "/", false);
    checkError(function () { r.Send(); }, E_CANNOT_CONNECT, "Send to a port nothing listens on");
});

finish();
