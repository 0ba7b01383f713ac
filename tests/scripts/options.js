// WinHttpRequest from JScript: options, redirects, SetTimeouts, asynchronous
// requests and events (tools/run-scripts runs it after harness.js).
// Expectations are native Windows behaviour as Microsoft documents it
// (IWinHttpRequest, WinHttpRequestOption, IWinHttpRequestEvents).
// Environment: WINHTTP_TEST_NGINX (harness.js).
var HELLO = "Hello from nginx.\nThis file is fetched by tests/conformance/nginx.c.\n";
var OPTION_USER_AGENT = 0, OPTION_URL = 1, OPTION_ENABLE_REDIRECTS = 6;
var E_NOTIMPL = 0x80004001;

// ---- the cases -------------------------------------------------------------

// WinHttpRequestOption_UserAgentString: read, written, and sent
run("user_agent", function () {
    var r = request();
    var before = r.Option(OPTION_USER_AGENT);
    check(typeof before == "string" && before.length > 0, "the default user agent is " + show(before));
    r.Option(OPTION_USER_AGENT) = "winhttp-scripts/1.0";
    checkEqual(r.Option(OPTION_USER_AGENT), "winhttp-scripts/1.0", "Option(UserAgentString) after the put");
    r.Open("GET", base + "/scripts/headers", false);
    r.Send();
    check(r.ResponseText.indexOf("User-Agent: winhttp-scripts/1.0\n") == 0, "the server saw " + show(r.ResponseText));
});

// WinHttpRequestOption_URL: the URL opened, then the one a redirect led to
run("url_after_redirect", function () {
    var r = request();
    r.Open("GET", base + "/scripts/redirect", false);
    checkEqual(r.Option(OPTION_URL), base + "/scripts/redirect", "Option(URL) after Open");
    r.Send();
    checkEqual(r.Status, 200, "Status");
    checkEqual(r.ResponseText, HELLO, "ResponseText");
    checkEqual(r.Option(OPTION_URL), base + "/hello.txt", "Option(URL) after the redirect");
});

// WinHttpRequestOption_EnableRedirects: VARIANT_TRUE by default; false
// hands the 302 to the script
run("redirects_disabled", function () {
    var r = request();
    checkEqual(r.Option(OPTION_ENABLE_REDIRECTS), true, "Option(EnableRedirects) by default");
    r.Option(OPTION_ENABLE_REDIRECTS) = false;
    checkEqual(r.Option(OPTION_ENABLE_REDIRECTS), false, "Option(EnableRedirects) after the put");
    r.Open("GET", base + "/scripts/redirect", false);
    r.Send();
    checkEqual(r.Status, 302, "Status");
    checkEqual(r.GetResponseHeader("Location"), base + "/hello.txt", "Location");
    checkEqual(r.Option(OPTION_URL), base + "/scripts/redirect", "Option(URL)");
});

// SetTimeouts: 0 and -1 mean no time-out, other negative values fail
run("set_timeouts", function () {
    var r = request();
    r.SetTimeouts(5000, 5000, 5000, 5000);
    r.SetTimeouts(0, -1, 0, -1);
    var raised = false;
    try { r.SetTimeouts(-2, 5000, 5000, 5000); } catch (e) { raised = true; }
    check(raised, "SetTimeouts(-2, ...) raised no error");
    r.SetTimeouts(5000, 5000, 5000, 5000);
    r.Open("GET", base + "/hello.txt", false);
    r.Send();
    checkEqual(r.Status, 200, "Status");
});

run("async", function () {
    var r = request();
    r.Open("GET", base + "/hello.txt", true);
    r.Send();
    checkEqual(r.WaitForResponse(), true, "WaitForResponse()");
    checkEqual(r.Status, 200, "Status");
    checkEqual(r.ResponseText, HELLO, "ResponseText");
    checkEqual(r.WaitForResponse(5), true, "WaitForResponse(5) once the response is in");
    r = request();
    r.Open("POST", base + "/echo", true);
    r.Send("async body");
    checkEqual(r.WaitForResponse(10), true, "WaitForResponse(10) of a POST");
    checkEqual(r.ResponseText, "async body", "ResponseText of the POST");
});

// IWinHttpRequestEvents through the host's event prefix
var events = [];
function ev_OnResponseStart(status, contentType) { events.push("start " + status + " " + contentType); }
function ev_OnResponseDataAvailable(data) { events.push("data"); }
function ev_OnResponseFinished() { events.push("finished"); }
function ev_OnError(number, description) { events.push("error " + hex(number)); }
run("events", function () {
    var r;
    try { r = WScript.CreateObject(PROGID, "ev_"); }
    catch (e) {
        if ((e.number >>> 0) != E_NOTIMPL) throw e;
        skip("the script host cannot connect events (WScript.CreateObject with a prefix: " + hex(e.number) + ")");
        return;
    }
    r.Open("GET", base + "/hello.txt", false);
    r.Send();
    var seen = events.join(", ");
    check(events.length >= 3, "events " + seen);
    checkEqual(events[0], "start 200 text/plain", "the first event");
    checkEqual(events[events.length - 1], "finished", "the last event");
    for (var i = 1; i < events.length - 1; i++) checkEqual(events[i], "data", "event " + i);
});

finish();
