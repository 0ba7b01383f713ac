// WinHttpRequest from JScript: time-outs against a server that never
// answers (tools/run-scripts runs it after harness.js; apart from
// options.js so that a client that never times out loses only these cases
// to the runner's time limit).  Expectations are native Windows behaviour
// as Microsoft documents it (IWinHttpRequest::SetTimeouts, WaitForResponse).
// Environment: WINHTTP_TEST_NGINX (harness.js), WINHTTP_TEST_SILENT=
// 127.0.0.1:PORT (a listener that accepts connections and never answers).

// ---- the cases -------------------------------------------------------------

// WaitForResponse(seconds) is false when the time runs out; Abort ends the request
run("async_wait_timeout", function () {
    var r = request();
    r.Open("GET", "http://" + env("WINHTTP_TEST_SILENT") + "/", true);
    r.Send();
    checkEqual(r.WaitForResponse(1), false, "WaitForResponse(1) with no answer");
    r.Abort();
});

// the receive time-out against a server that never answers
run("receive_timeout", function () {
    var r = request();
    r.SetTimeouts(5000, 5000, 5000, 500);
    r.Open("GET", "http://" + env("WINHTTP_TEST_SILENT") + "/", false);
    checkError(function () { r.Send(); }, E_TIMEOUT, "Send to a server that never answers");
});

finish();
