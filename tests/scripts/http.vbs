' WinHttpRequest from VBScript: requests and responses (tools/run-scripts
' runs it after harness.vbs).  Expectations are native Windows behaviour as
' Microsoft documents it (IWinHttpRequest, the WinHTTP error codes).
' Environment: WINHTTP_TEST_NGINX (harness.vbs), WINHTTP_TEST_CLOSED=
' 127.0.0.1:PORT (nothing listens there).
Dim HELLO
HELLO = "Hello from nginx." & vbLf & "This file is fetched by tests/conformance/nginx.c." & vbLf

' ---- the cases ---------------------------------------------------------------

Sub Case_create()
    Dim r
    Set r = CreateObject(PROGID)
    CheckEqual TypeName(r), "IWinHttpRequest", "TypeName(CreateObject)"
End Sub

Sub Case_get()
    Dim r
    Set r = GetPage("/hello.txt")
    CheckEqual r.Status, 200, "Status"
    CheckEqual r.StatusText, "OK", "StatusText"
    CheckEqual r.ResponseText, HELLO, "ResponseText"
End Sub

' an HTTP error is a response, not a script error
Sub Case_not_found()
    Dim r
    Set r = GetPage("/no-such-page")
    CheckEqual r.Status, 404, "Status"
    CheckEqual r.StatusText, "Not Found", "StatusText"
End Sub

Sub Case_post()
    Dim r
    Set r = NewRequest()
    r.Open "POST", base & "/echo", False
    r.Send "name=value&other=2"
    CheckEqual r.Status, 200, "Status"
    CheckEqual r.ResponseText, "name=value&other=2", "ResponseText (the body nginx received)"
End Sub

Sub Case_response_header()
    Dim r
    Set r = GetPage("/hello.txt")
    CheckEqual r.GetResponseHeader("Content-Type"), "text/plain", "GetResponseHeader(Content-Type)"
    CheckEqual r.GetResponseHeader("content-length"), "69", "GetResponseHeader(content-length)"
    On Error Resume Next
    r.GetResponseHeader "X-No-Such-Header"
    CheckErr E_HEADER_NOT_FOUND, "GetResponseHeader of a header not in the response"
End Sub

' the headers, one "Name: value" a line, without the status line, two CRLFs at the end
Sub Case_all_response_headers()
    Dim all
    all = GetPage("/hello.txt").GetAllResponseHeaders()
    Check InStr(all, "Content-Type: text/plain" & vbCrLf) > 0, "no Content-Type line in " & Show(all)
    Check InStr(all, "HTTP/1.1") = 0, "the status line is in " & Show(all)
    Check Right(all, 4) = vbCrLf & vbCrLf, "does not end with two CRLFs: " & Show(all)
End Sub

Sub Case_set_request_header()
    Dim r
    Set r = NewRequest()
    r.Open "GET", base & "/scripts/headers", False
    r.SetRequestHeader "X-Test", "from a script"
    r.Send
    Check InStr(r.ResponseText, "X-Test: from a script" & vbLf) > 0, "the server saw " & Show(r.ResponseText)
End Sub

' The two pages' texts, decoded by the charset of their Content-Type.  Wine
' 8's VBScript has no ChrW: the letters are compared as Chr() of their
' Windows-1252 codes (the ANSI code page of Wine's default locale and of
' Western Windows), and U+2713, which has none, by the length only.
Sub Case_text_utf8()
    Dim r, text
    Set r = GetPage("/scripts/utf8.txt")
    CheckEqual r.GetResponseHeader("Content-Type"), "text/plain; charset=utf-8", "Content-Type"
    text = r.ResponseText
    CheckEqual Len(text), 16, "Len(ResponseText) of " & Show(text)
    CheckEqual Left(text, 14), "Gr" & Chr(252) & Chr(223) & "e, caf" & Chr(233) & " " & Chr(128) & " ", "ResponseText's first 14 characters"
    CheckEqual Right(text, 1), vbLf, "ResponseText's last character"
End Sub

Sub Case_text_latin1()
    Dim r
    Set r = GetPage("/scripts/latin1.txt")
    CheckEqual r.GetResponseHeader("Content-Type"), "text/plain; charset=iso-8859-1", "Content-Type"
    CheckEqual r.ResponseText, "Gr" & Chr(252) & Chr(223) & "e, caf" & Chr(233) & " " & Chr(169) & vbLf, "ResponseText"
End Sub

' ResponseBody: the bytes as sent, a Byte() array
Sub Case_response_body()
    Dim r, digits
    Set r = GetPage("/hello.txt")
    CheckEqual VarType(r.ResponseBody), vbArray + vbByte, "VarType(ResponseBody)"
    digits = BodyHex(r)
    CheckEqual Len(digits), 2 * 69, "ResponseBody's length in hex digits"
    CheckEqual Left(digits, 10), "48656c6c6f", "ResponseBody's first five bytes"
    CheckEqual BodyHex(GetPage("/scripts/utf8.txt")), "4772c3bcc39f652c20636166c3a920e282ac20e29c930a", "ResponseBody of the UTF-8 page"
End Sub

Sub Case_send_before_open()
    Dim r
    Set r = NewRequest()
    On Error Resume Next
    r.Send
    CheckErr E_CANNOT_CALL_BEFORE_OPEN, "Send before Open"
    r.SetRequestHeader "X-Test", "1"
    CheckErr E_CANNOT_CALL_BEFORE_OPEN, "SetRequestHeader before Open"
End Sub

Sub Case_status_before_send()
    Dim r, v
    Set r = NewRequest()
    r.Open "GET", base & "/hello.txt", False
    On Error Resume Next
    v = r.Status
    CheckErr E_CANNOT_CALL_BEFORE_SEND, "Status before Send"
    v = r.ResponseText
    CheckErr E_CANNOT_CALL_BEFORE_SEND, "ResponseText before Send"
End Sub

Sub Case_unrecognized_scheme()
    Dim r
    Set r = NewRequest()
    On Error Resume Next
    r.Open "GET", "foo://127.0.0.1/", False
    CheckErr E_UNRECOGNIZED_SCHEME, "Open of a foo:// URL"
End Sub

Sub Case_cannot_connect()
    Dim r
    Set r = NewRequest()
    r.Open "GET", "http://" & Env("WINHTTP_TEST_CLOSED") & "/", False
    On Error Resume Next
    r.Send
    CheckErr E_CANNOT_CONNECT, "Send to a port nothing listens on"
End Sub

On Error Resume Next
BeginCase "create" : Case_create : EndCase
BeginCase "get" : Case_get : EndCase
BeginCase "not_found" : Case_not_found : EndCase
BeginCase "post" : Case_post : EndCase
BeginCase "response_header" : Case_response_header : EndCase
BeginCase "all_response_headers" : Case_all_response_headers : EndCase
BeginCase "set_request_header" : Case_set_request_header : EndCase
BeginCase "text_utf8" : Case_text_utf8 : EndCase
BeginCase "text_latin1" : Case_text_latin1 : EndCase
BeginCase "response_body" : Case_response_body : EndCase
BeginCase "send_before_open" : Case_send_before_open : EndCase
BeginCase "status_before_send" : Case_status_before_send : EndCase
BeginCase "unrecognized_scheme" : Case_unrecognized_scheme : EndCase
BeginCase "cannot_connect" : Case_cannot_connect : EndCase
Finish
