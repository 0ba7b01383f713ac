' WinHttpRequest from VBScript: options, redirects, asynchronous requests
' and events (tools/run-scripts runs it after harness.vbs).  Expectations
' are native Windows behaviour as Microsoft documents it (IWinHttpRequest,
' WinHttpRequestOption, IWinHttpRequestEvents).
' Environment: WINHTTP_TEST_NGINX (harness.vbs).
Const OPTION_USER_AGENT = 0, OPTION_URL = 1, OPTION_ENABLE_REDIRECTS = 6
Dim HELLO, events
HELLO = "Hello from nginx." & vbLf & "This file is fetched by tests/conformance/nginx.c." & vbLf

' ---- the cases ---------------------------------------------------------------

' WinHttpRequestOption_UserAgentString: read, written, and sent
Sub Case_user_agent()
    Dim r, before
    Set r = NewRequest()
    before = r.Option(OPTION_USER_AGENT)
    Check VarType(before) = vbString And Len(before) > 0, "the default user agent is " & Show(before)
    r.Option(OPTION_USER_AGENT) = "winhttp-scripts/1.0 (VBScript)"
    CheckEqual r.Option(OPTION_USER_AGENT), "winhttp-scripts/1.0 (VBScript)", "Option(UserAgentString) after the put"
    r.Open "GET", base & "/scripts/headers", False
    r.Send
    Check InStr(r.ResponseText, "User-Agent: winhttp-scripts/1.0 (VBScript)" & vbLf) = 1, "the server saw " & Show(r.ResponseText)
End Sub

' WinHttpRequestOption_URL: the URL opened, then the one a redirect led to
Sub Case_url_after_redirect()
    Dim r
    Set r = NewRequest()
    r.Open "GET", base & "/scripts/redirect", False
    CheckEqual r.Option(OPTION_URL), base & "/scripts/redirect", "Option(URL) after Open"
    r.Send
    CheckEqual r.Status, 200, "Status"
    CheckEqual r.ResponseText, HELLO, "ResponseText"
    CheckEqual r.Option(OPTION_URL), base & "/hello.txt", "Option(URL) after the redirect"
End Sub

' WinHttpRequestOption_EnableRedirects: True by default; False hands the
' 302 to the script
Sub Case_redirects_disabled()
    Dim r
    Set r = NewRequest()
    CheckEqual r.Option(OPTION_ENABLE_REDIRECTS), True, "Option(EnableRedirects) by default"
    r.Option(OPTION_ENABLE_REDIRECTS) = False
    CheckEqual r.Option(OPTION_ENABLE_REDIRECTS), False, "Option(EnableRedirects) after the put"
    r.Open "GET", base & "/scripts/redirect", False
    r.Send
    CheckEqual r.Status, 302, "Status"
    CheckEqual r.GetResponseHeader("Location"), base & "/hello.txt", "Location"
    CheckEqual r.Option(OPTION_URL), base & "/scripts/redirect", "Option(URL)"
End Sub

Sub Case_set_timeouts()
    Dim r
    Set r = NewRequest()
    r.SetTimeouts 5000, 5000, 5000, 5000
    r.Open "GET", base & "/hello.txt", False
    r.Send
    CheckEqual r.Status, 200, "Status"
End Sub

Sub Case_async()
    Dim r
    Set r = NewRequest()
    r.Open "GET", base & "/hello.txt", True
    r.Send
    CheckEqual r.WaitForResponse(), True, "WaitForResponse()"
    CheckEqual r.Status, 200, "Status"
    CheckEqual r.ResponseText, HELLO, "ResponseText"
End Sub

' IWinHttpRequestEvents through the host's event prefix
Sub ev_OnResponseStart(status, contentType)
    events = events & "start " & status & " " & contentType & ";"
End Sub
Sub ev_OnResponseDataAvailable(data)
    events = events & "data " & LenB(data) & ";"
End Sub
Sub ev_OnResponseFinished()
    events = events & "finished;"
End Sub
Sub ev_OnError(number, description)
    events = events & "error " & Hex8(number) & ";"
End Sub

Sub Case_events()
    Dim r, number
    events = ""
    On Error Resume Next
    Set r = WScript.CreateObject(PROGID, "ev_")
    number = Err.Number
    On Error GoTo 0
    If number = E_NOTIMPL Or number = VBSE_ACTION_NOT_SUPPORTED Then
        Skip "the script host cannot connect events (WScript.CreateObject with a prefix: " & Hex8(number) & ")"
        Exit Sub
    End If
    Check number = 0, "WScript.CreateObject with a prefix raised " & Hex8(number)
    If number <> 0 Then Exit Sub
    r.Open "GET", base & "/hello.txt", False
    r.Send
    CheckEqual events, "start 200 text/plain;data 69;finished;", "the events"
End Sub

On Error Resume Next
BeginCase "user_agent" : Case_user_agent : EndCase
BeginCase "url_after_redirect" : Case_url_after_redirect : EndCase
BeginCase "redirects_disabled" : Case_redirects_disabled : EndCase
BeginCase "set_timeouts" : Case_set_timeouts : EndCase
BeginCase "async" : Case_async : EndCase
BeginCase "events" : Case_events : EndCase
Finish
