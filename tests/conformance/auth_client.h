/* What the authentication programs (auth.c: Basic and Digest; logon.c:
 * NTLM and Negotiate) share: a client that sends a request synchronously
 * or asynchronously and reads the status, and the server-side checks. */
#ifndef CONFORMANCE_AUTH_CLIENT_H
#define CONFORMANCE_AUTH_CLIENT_H

#include <winsock2.h>
#include <windows.h>
#include "winhttp.h"

struct server;

#define WAIT_MS    10000
#define TIMEOUT_MS 5000
#define AGENT      L"conformance/auth"

struct client
{
    HINTERNET session, connect, request;
    BOOL async;
    HANDLE done;
    volatile LONG status;       /* of the last completion: the callback status */
    volatile DWORD error;
};

/* A session (through proxy when not NULL), a connection to host:port and
 * a GET request for path (WinHttpOpenRequest's flags); asynchronous ones
 * report their completions to the client. */
BOOL client_open(struct client *c, BOOL async, const WCHAR *proxy, const WCHAR *host, INTERNET_PORT port,
                 const WCHAR *path, DWORD flags);
void client_close(struct client *c);
/* An asynchronous client's request opened anew: its completions reported. */
void client_watch(struct client *c, HINTERNET request);
/* The next completion of an asynchronous client: 0 when it is want. */
DWORD wait_for(struct client *c, LONG want);
/* Send and receive; 0 and the status, or the error. */
DWORD client_exchange(struct client *c, const void *body, DWORD length, DWORD *status);
void set_string_option(HINTERNET h, DWORD option, const WCHAR *value);
/* The request's USERNAME/PASSWORD options, or PROXY_USERNAME/PROXY_PASSWORD. */
void client_options(struct client *c, BOOL proxy, const WCHAR *user, const WCHAR *password);

/* A header's value in a request head ("" when absent), copied. */
const char *head_value(const char *head, const char *name, char *buf, size_t size);
/* The header of the server's i-th request (a static buffer). */
const char *request_header(struct server *srv, int i, const char *name);

/* An environment variable naming a real server; "skip" when unset. */
BOOL env(const WCHAR *name, WCHAR *value, DWORD size);
/* "host:port" into host and port. */
BOOL split_endpoint(WCHAR *value, INTERNET_PORT *port);
/* NAME's server in WINHTTP_TEST_TLS ("NAME=HOST:PORT;..."); "skip" without it. */
BOOL env_tls_server(const WCHAR *name, WCHAR *host, DWORD size, INTERNET_PORT *port);

#endif
