' The harness of the VBScript tests (tests/scripts/*.vbs): tools/run-scripts
' runs each test as this file followed by the test's own (on Windows:
' copy /b harness.vbs+http.vbs run.vbs, then cscript //nologo run.vbs).
' A test defines a Sub Case_NAME for each case and runs each, under the
' top level's On Error Resume Next, as one line
'     BeginCase "NAME" : Case_NAME : EndCase
' (an error the case does not handle ends it there and EndCase reports it;
' Wine 8's VBScript has no GetRef), then calls Finish.  Each case prints "ok NAME", or detail lines
' "FAIL NAME message" then "FAIL NAME (n failed)"; a case that cannot run
' here prints "skip NAME why" before its "ok NAME"; the last line is
' "N passed, M failed" (tests/conformance/harness.h's format).
' Environment: WINHTTP_TEST_NGINX=127.0.0.1:PORT (tools/nginx-ctl's server).
Option Explicit

Const PROGID = "WinHttp.WinHttpRequest.5.1"
' HRESULT_FROM_WIN32 of the WinHTTP errors (winhttp.h)
Const E_TIMEOUT = &H80072EE2                  ' 12002
Const E_UNRECOGNIZED_SCHEME = &H80072EE6      ' 12006
Const E_CANNOT_CONNECT = &H80072EFD           ' 12029
Const E_CANNOT_CALL_BEFORE_OPEN = &H80072F44  ' 12100
Const E_CANNOT_CALL_BEFORE_SEND = &H80072F45  ' 12101
Const E_HEADER_NOT_FOUND = &H80072F76         ' 12150
Const E_NOTIMPL = &H80004001
Const VBSE_ACTION_NOT_SUPPORTED = 445        ' E_NOTIMPL as VBScript reports it

Dim passed, failed, current, failures, base
passed = 0
failed = 0
failures = 0

Sub Echo(s)
    WScript.Echo s
End Sub

Function Hex8(n)
    Hex8 = "0x" & Right("00000000" & Hex(n), 8)
End Function

' A value printed on one ASCII line: other characters as \xNN, their code
' in the ANSI code page (Wine 8's VBScript has no AscW).
Function Show(v)
    Dim i, c, s
    If VarType(v) <> vbString Then
        Show = CStr(v) & " (VarType " & VarType(v) & ")"
        Exit Function
    End If
    s = """"
    For i = 1 To Len(v)
        c = Asc(Mid(v, i, 1))
        If c >= 32 And c < 127 Then
            s = s & Mid(v, i, 1)
        Else
            s = s & "\x" & Right("0" & Hex(c), 2)
        End If
    Next
    Show = s & """"
End Function

Sub Check(cond, message)
    If Not cond Then
        failures = failures + 1
        Echo "FAIL " & current & " " & message
    End If
End Sub

' got = want, and both strings or neither (200 = "200" is true in VBScript)
Sub CheckEqual(got, want, what)
    Dim same
    same = (VarType(got) = vbString) = (VarType(want) = vbString)
    If same Then same = (got = want)
    Check same, what & " is " & Show(got) & ", expected " & Show(want)
End Sub

' After a statement run under On Error Resume Next: it raised the HRESULT
' want.  Clears Err.
Sub CheckErr(want, what)
    If Err.Number = 0 Then
        Check False, what & " raised no error, expected " & Hex8(want)
    Else
        Check Err.Number = want, what & " raised " & Hex8(Err.Number) & ", expected " & Hex8(want)
    End If
    Err.Clear
End Sub

Sub Skip(why)
    Echo "skip " & current & " " & why
End Sub

Sub BeginCase(name)
    current = name
    failures = 0
    Err.Clear
End Sub

Sub EndCase()
    If Err.Number <> 0 Then Check False, "unexpected error " & Hex8(Err.Number) & " " & Show(Err.Description)
    Err.Clear
    If failures > 0 Then
        failed = failed + 1
        Echo "FAIL " & current & " (" & failures & " failed)"
    Else
        passed = passed + 1
        Echo "ok " & current
    End If
End Sub

Sub Finish()
    Echo passed & " passed, " & failed & " failed"
    If failed > 0 Then WScript.Quit 1
    WScript.Quit 0
End Sub

Function Env(name)
    Env = WScript.CreateObject("WScript.Shell").Environment("PROCESS").Item(name)
    If Env = "" Then
        Echo "FAIL setup " & name & " is not set"
        Echo "FAIL setup (1 failed)"
        Echo "0 passed, 1 failed"
        WScript.Quit 1
    End If
End Function

base = "http://" & Env("WINHTTP_TEST_NGINX")

Function NewRequest()
    Set NewRequest = WScript.CreateObject(PROGID)
End Function

Function GetPage(path)
    Dim r
    Set r = NewRequest()
    r.Open "GET", base & path, False
    r.Send
    Set GetPage = r
End Function

' A request's ResponseBody (a Byte() array) as lowercase hex, two digits a
' byte, through MSXML's bin.hex data type: Wine 8's VBScript has no LenB,
' UBound or index for a Byte() array, and hands a variable holding one to
' MSXML as a VT_BYREF VARIANT, which Wine's MSXML refuses: the property
' goes straight to MSXML.
Function BodyHex(r)
    Dim e
    Set e = WScript.CreateObject("Msxml2.DOMDocument.3.0").createElement("body")
    e.dataType = "bin.hex"
    e.nodeTypedValue = r.ResponseBody
    BodyHex = e.text
End Function
