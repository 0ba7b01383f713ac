/* The client and the server-side checks the authentication programs
 * (auth.c, logon.c) share: see auth_client.h. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "harness.h"
#include "server.h"
#include "auth_client.h"

/* ---- a client, synchronous or asynchronous --------------------------------- */


static void CALLBACK on_status(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct client *c = (struct client *)context;

    if (!c) return;
    if (status == WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE ||
        status == WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE || status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
    {
        c->error = status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR ? ((WINHTTP_ASYNC_RESULT *)info)->dwError : 0;
        c->status = (LONG)status;
        SetEvent(c->done);
    }
}

BOOL client_open(struct client *c, BOOL async, const WCHAR *proxy, const WCHAR *host, INTERNET_PORT port,
                        const WCHAR *path, DWORD flags)
{
    memset(c, 0, sizeof(*c));
    c->async = async;
    c->session = WinHttpOpen(AGENT, proxy ? WINHTTP_ACCESS_TYPE_NAMED_PROXY : WINHTTP_ACCESS_TYPE_NO_PROXY,
                             proxy ? proxy : WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS,
                             async ? WINHTTP_FLAG_ASYNC : 0);
    if (!c->session) return FALSE;
    WinHttpSetTimeouts(c->session, TIMEOUT_MS, TIMEOUT_MS, TIMEOUT_MS, TIMEOUT_MS);
    c->connect = WinHttpConnect(c->session, host, port, 0);
    c->request = c->connect ? WinHttpOpenRequest(c->connect, NULL, path, NULL, NULL, NULL, flags) : NULL;
    if (!c->request) return FALSE;
    if (async)
    {
        c->done = CreateEventW(NULL, FALSE, FALSE, NULL);
        client_watch(c, c->request);
    }
    return TRUE;
}

void client_watch(struct client *c, HINTERNET request)
{
    DWORD_PTR context = (DWORD_PTR)c;

    WinHttpSetStatusCallback(request, on_status, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS, 0);
    WinHttpSetOption(request, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context));
}

void client_close(struct client *c)
{
    if (c->request) WinHttpCloseHandle(c->request);
    if (c->connect) WinHttpCloseHandle(c->connect);
    if (c->session) WinHttpCloseHandle(c->session);
    Sleep(c->async ? 50 : 0);       /* HANDLE_CLOSING is not waited for: no callback wants c now */
    if (c->done) CloseHandle(c->done);
}

DWORD wait_for(struct client *c, LONG want)
{
    if (WaitForSingleObject(c->done, WAIT_MS)) return ERROR_TIMEOUT;
    if (c->status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) return c->error;
    return c->status == want ? ERROR_SUCCESS : ERROR_INVALID_STATE;
}

/* Send and receive; 0 and the status, or the error. */
DWORD client_exchange(struct client *c, const void *body, DWORD length, DWORD *status)
{
    DWORD size = sizeof(*status);

    *status = 0;
    if (!WinHttpSendRequest(c->request, NULL, 0, (void *)body, length, length, 0)) return GetLastError();
    if (c->async)
    {
        DWORD error = wait_for(c, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
        if (error) return error;
    }
    if (!WinHttpReceiveResponse(c->request, NULL)) return GetLastError();
    if (c->async)
    {
        DWORD error = wait_for(c, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE);
        if (error) return error;
    }
    if (!WinHttpQueryHeaders(c->request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, status, &size,
                             NULL))
        return GetLastError();
    return ERROR_SUCCESS;
}

void set_string_option(HINTERNET h, DWORD option, const WCHAR *value)
{
    ok(WinHttpSetOption(h, option, (void *)value, lstrlenW(value)), "option %lu: error %lu", option, GetLastError());
}

void client_options(struct client *c, BOOL proxy, const WCHAR *user, const WCHAR *password)
{
    set_string_option(c->request, proxy ? WINHTTP_OPTION_PROXY_USERNAME : WINHTTP_OPTION_USERNAME, user);
    set_string_option(c->request, proxy ? WINHTTP_OPTION_PROXY_PASSWORD : WINHTTP_OPTION_PASSWORD, password);
}

/* ---- what the server saw -------------------------------------------------- */

/* A header's value in a request head ("" when absent), copied. */
const char *head_value(const char *head, const char *name, char *buf, size_t size)
{
    size_t name_length = strlen(name);

    buf[0] = 0;
    for (const char *line = head ? strstr(head, "\r\n") : NULL; line && line[2] != '\r'; line = strstr(line + 2, "\r\n"))
    {
        const char *end;
        if (_strnicmp(line + 2, name, name_length) || line[2 + name_length] != ':') continue;
        line += 2 + name_length + 1;
        while (*line == ' ') line++;
        end = strstr(line, "\r\n");
        if (end && (size_t)(end - line) < size)
        {
            memcpy(buf, line, end - line);
            buf[end - line] = 0;
        }
        break;
    }
    return buf;
}

const char *request_header(struct server *srv, int i, const char *name)
{
    char buf[2048];
    const struct server_request *r = server_request(srv, i);
    return head_value(r ? r->head : NULL, name, buf, sizeof(buf));
}

BOOL env(const WCHAR *name, WCHAR *value, DWORD size)
{
    DWORD length = GetEnvironmentVariableW(name, value, size);
    if (length && length < size) return TRUE;
    skip("%ls is not set (tools/with-apache and tools/with-proxies set it)", name);
    return FALSE;
}

BOOL split_endpoint(WCHAR *value, INTERNET_PORT *port)
{
    WCHAR *colon = wcsrchr(value, ':');
    if (!colon) return FALSE;
    *colon = 0;
    *port = (INTERNET_PORT)wcstoul(colon + 1, NULL, 10);
    return *port != 0;
}


BOOL env_tls_server(const WCHAR *name, WCHAR *host, DWORD size, INTERNET_PORT *port)
{
    WCHAR list[2048], *entry, *next;
    size_t name_length = wcslen(name);
    DWORD length = GetEnvironmentVariableW(L"WINHTTP_TEST_TLS", list, ARRAYSIZE(list));

    if (length && length < ARRAYSIZE(list))
        for (entry = list; *entry; entry = next)
        {
            if ((next = wcschr(entry, ';'))) *next++ = 0;
            else next = entry + wcslen(entry);
            if (wcsncmp(entry, name, name_length) || entry[name_length] != '=' ||
                wcslen(entry + name_length + 1) >= size)
                continue;
            lstrcpyW(host, entry + name_length + 1);
            return split_endpoint(host, port);
        }
    skip("WINHTTP_TEST_TLS names no \"%ls\" server (tools/with-nginx --tls sets it)", name);
    return FALSE;
}
