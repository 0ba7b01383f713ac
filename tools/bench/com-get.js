// The com group of tools/bench/run: BENCH_REQUESTS sequential GETs of
// BENCH_URL through one WinHttpRequest object (Open, Send, ResponseText
// each), timed inside the script after one untimed request (the object's
// session, the connection and the script engine's first calls).  Prints
//   result mode=com bytes=N requests=N seconds=S mib_s=- req_s=X cpu_s=- server_cpu_s=-
// or "error ..." and exits 1.
var vars = WScript.CreateObject("WScript.Shell").Environment("PROCESS");
var url = vars.Item("BENCH_URL"), count = parseInt(vars.Item("BENCH_REQUESTS"), 10);
var request = WScript.CreateObject("WinHttp.WinHttpRequest.5.1");

function get() {
    request.Open("GET", url, false);
    request.Send();
    if (request.Status != 200) throw new Error("status " + request.Status);
    return request.ResponseText.length;
}

try {
    get();
    var chars = 0, start = new Date().getTime();
    for (var i = 0; i < count; i++) chars += get();
    var seconds = (new Date().getTime() - start) / 1000;
    WScript.Echo("result mode=com bytes=" + chars + " requests=" + count + " seconds=" + seconds.toFixed(4) +
                 " mib_s=- req_s=" + (count / seconds).toFixed(1) + " cpu_s=- server_cpu_s=-");
} catch (e) {
    WScript.Echo("error " + ((e.number >>> 0).toString(16)) + " " + (e.message || e.description));
    WScript.Quit(1);
}
