/* Client steps the conformance programs share, each checking what it
 * did with ok(): only <windows.h> and the public winhttp.h. */
#ifndef CONFORMANCE_CLIENT_H
#define CONFORMANCE_CLIENT_H

#include "harness.h"
#include "winhttp.h"
#include "server.h"

/* WinHttpSendRequest with nothing, then WinHttpReceiveResponse. */
BOOL send_and_receive(HINTERNET request);
/* The response's status code (0 when it cannot be read). */
DWORD status_of(HINTERNET request);
/* Reads the body to its end; returns its length. */
DWORD read_all(HINTERNET request);

/* The fixture of most cases: a scripted server, a session and a connect
 * handle to it. */
struct fixture
{
    struct server *srv;
    HINTERNET session, connect;
};

/* The server (its reads time out after 3 s), a session of this agent
 * opened with flags (WinHttpOpen's), its four timeouts timeout_ms, and a
 * connect handle to the server under host; FALSE after a failed check. */
BOOL fixture_open_session(struct fixture *f, const WCHAR *agent, const WCHAR *host, DWORD flags, int timeout_ms);
/* The server as the named proxy of a new session of this agent (3 s
 * timeouts), no connect handle: its scripts see what goes to the proxy,
 * whatever origin the case connects to. */
BOOL fixture_open_proxy(struct fixture *f, const WCHAR *agent);
/* Closes the client side (pooled connections too) and checks that the
 * server's scripts ended. */
void fixture_finish(struct fixture *f);
/* Closes the client side and stops the server without waiting for its
 * scripts (idle keep-alive connections stay in the process's pool after
 * the session is closed); its errors fail the case. */
void fixture_stop_now(struct fixture *f);
/* A script: a keep-alive connection answering every request with "hello". */
void serve_keepalive(struct script *c);

#endif
