// The harness of the JScript tests (tests/scripts/*.js): tools/run-scripts
// runs each test as this file followed by the test's own (on Windows:
// copy /b harness.js+http.js run.js, then cscript //nologo run.js).
// A test is a list of run(NAME, function) calls and ends with finish().
// Each case prints "ok NAME", or detail lines "FAIL NAME message" then
// "FAIL NAME (n failed)"; a case that cannot run here prints
// "skip NAME why" before its "ok NAME"; the last line is
// "N passed, M failed" (tests/conformance/harness.h's format).
// Environment: WINHTTP_TEST_NGINX=127.0.0.1:PORT (tools/nginx-ctl's server).

var PROGID = "WinHttp.WinHttpRequest.5.1";
var passed = 0, failed = 0, current = "", failures = 0;
function echo(s) { WScript.Echo(s); }     // (Wine 8's host has no WScript.StdOut)
function hex(n) { return "0x" + (n >>> 0).toString(16).toUpperCase(); }
// a value printed on one ASCII line
function show(v) {
    if (typeof v != "string") return String(v);
    return "\"" + v.replace(/[^\x20-\x7e]/g, function (c) {
        var h = c.charCodeAt(0).toString(16);
        return "\\u" + "0000".substr(h.length) + h;
    }) + "\"";
}
function check(cond, message) {
    if (cond) return;
    failures++;
    echo("FAIL " + current + " " + message);
}
function checkEqual(got, want, what) {
    check(got === want, what + " is " + show(got) + ", expected " + show(want));
}
// fn must raise the HRESULT want
function checkError(fn, want, what) {
    var raised = false, number = 0;
    try { fn(); } catch (e) { raised = true; number = e.number; }
    if (!raised) check(false, what + " raised no error, expected " + hex(want));
    else check((number >>> 0) == want, what + " raised " + hex(number) + ", expected " + hex(want));
}
function skip(why) { echo("skip " + current + " " + why); }
function run(name, fn) {
    current = name;
    failures = 0;
    try { fn(); } catch (e) { check(false, "unexpected error " + hex(e.number) + " " + show(e.description)); }
    if (failures) { failed++; echo("FAIL " + name + " (" + failures + " failed)"); }
    else { passed++; echo("ok " + name); }
}
function env(name) {
    var v = WScript.CreateObject("WScript.Shell").Environment("PROCESS").Item(name);
    if (!v) { echo("FAIL setup " + name + " is not set"); echo("FAIL setup (1 failed)"); echo("0 passed, 1 failed"); WScript.Quit(1); }
    return v;
}
var base = "http://" + env("WINHTTP_TEST_NGINX");
function request() { return WScript.CreateObject(PROGID); }
function get(path) {
    var r = request();
    r.Open("GET", base + path, false);
    r.Send();
    return r;
}
// HRESULT_FROM_WIN32 of the WinHTTP errors (winhttp.h)
var E_TIMEOUT = 0x80072EE2;                 // 12002
var E_UNRECOGNIZED_SCHEME = 0x80072EE6;     // 12006
var E_CANNOT_CONNECT = 0x80072EFD;          // 12029
var E_CANNOT_CALL_BEFORE_OPEN = 0x80072F44; // 12100
var E_CANNOT_CALL_BEFORE_SEND = 0x80072F45; // 12101
var E_HEADER_NOT_FOUND = 0x80072F76;        // 12150

// A ResponseBody (a SAFEARRAY of VT_UI1) as lowercase hex, two digits a
// byte, through MSXML's bin.hex data type: Wine 8's JScript can neither
// take typeof of such an array nor read it with VBArray (VARIANT arrays
// only), and its VBScript has no LenB, UBound or index for it.
function bodyHex(body) {
    var e = WScript.CreateObject("Msxml2.DOMDocument.3.0").createElement("body");
    e.dataType = "bin.hex";
    e.nodeTypedValue = body;
    return e.text;
}
function finish() {
    echo(passed + " passed, " + failed + " failed");
    WScript.Quit(failed ? 1 : 0);
}
