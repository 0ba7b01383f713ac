/* whget: a small curl-like client over the public WinHTTP API.
 *
 *   whget [-v] [--async] [--http2] [-k] [-I] [-X METHOD] [-H "Name: value"]... [-d DATA] [-o FILE] URL
 *
 * -v prints the request and response headers and the status callback trace
 * (handle, status name, payload, thread) on stderr.  --async opens the
 * session with WINHTTP_FLAG_ASYNC and drives the whole exchange from the
 * completion callbacks.  --http2 enables HTTP/2 (WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL)
 * and -v then says which protocol was used; -k ignores certificate errors.
 * A body of more than
 * 1 MiB written to a file (-o) gets a progress bar on stderr.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winhttp.h"

struct options
{
    BOOL verbose, head_only, async, system_proxy, http2, insecure;
    const WCHAR *method, *data_arg, *output, *url, *proxy, *no_proxy;
    WCHAR headers[4096];
};

static BOOL verbose;

static const char *status_name(DWORD status)
{
    switch (status)
    {
#define NAME(s) case WINHTTP_CALLBACK_STATUS_##s: return #s
    NAME(RESOLVING_NAME); NAME(NAME_RESOLVED); NAME(CONNECTING_TO_SERVER); NAME(CONNECTED_TO_SERVER);
    NAME(SENDING_REQUEST); NAME(REQUEST_SENT); NAME(RECEIVING_RESPONSE); NAME(RESPONSE_RECEIVED);
    NAME(CLOSING_CONNECTION); NAME(CONNECTION_CLOSED); NAME(HANDLE_CREATED); NAME(HANDLE_CLOSING);
    NAME(DETECTING_PROXY); NAME(REDIRECT); NAME(INTERMEDIATE_RESPONSE); NAME(SECURE_FAILURE);
    NAME(HEADERS_AVAILABLE); NAME(DATA_AVAILABLE); NAME(READ_COMPLETE); NAME(WRITE_COMPLETE);
    NAME(REQUEST_ERROR); NAME(SENDREQUEST_COMPLETE);
#undef NAME
    default: return "?";
    }
}

static void print_payload(DWORD status, void *info, DWORD length)
{
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_HANDLE_CREATED:
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        fprintf(stderr, " handle=%p", *(HINTERNET *)info);
        break;
    case WINHTTP_CALLBACK_STATUS_RESOLVING_NAME:
    case WINHTTP_CALLBACK_STATUS_NAME_RESOLVED:
    case WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER:
    case WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER:
    case WINHTTP_CALLBACK_STATUS_REDIRECT:
        if (info) fprintf(stderr, " %ls", (WCHAR *)info);
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_SENT:
    case WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED:
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE:
    case WINHTTP_CALLBACK_STATUS_SECURE_FAILURE:
        if (info) fprintf(stderr, " %lu", *(DWORD *)info);
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
    {
        WINHTTP_ASYNC_RESULT *result = info;
        fprintf(stderr, " api=%lu error=%lu", (unsigned long)result->dwResult, result->dwError);
        break;
    }
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        fprintf(stderr, " bytes=%lu", length);
        break;
    }
}

static void CALLBACK trace_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    fprintf(stderr, "* [thread %04lx] %p %s", GetCurrentThreadId(), handle, status_name(status));
    print_payload(status, info, length);
    fprintf(stderr, "\n");
}

/* ---- asynchronous mode: the exchange driven from the callbacks ----------------- */

struct exchange
{
    const struct options *opts;
    FILE *out;
    HANDLE done;
    DWORD error;                /* of the failed API, or 0 */
    char buffer[1 << 16];
};

static void print_headers(HINTERNET request, DWORD level, const char *prefix);
static void print_protocol(HINTERNET request);

static void finish_exchange(struct exchange *x, DWORD error)
{
    x->error = error;
    SetEvent(x->done);
}

static void read_next(HINTERNET request, struct exchange *x)
{
    if (!WinHttpReadData(request, x->buffer, sizeof(x->buffer), NULL)) finish_exchange(x, GetLastError());
}

static void CALLBACK async_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length)
{
    struct exchange *x = (struct exchange *)context;

    if (verbose) trace_callback(handle, context, status, info, length);
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        if (!WinHttpReceiveResponse(handle, NULL)) finish_exchange(x, GetLastError());
        break;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        if (x->opts->verbose)
            print_headers(handle, WINHTTP_QUERY_RAW_HEADERS_CRLF | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, ">");
        if (x->opts->verbose || x->opts->head_only) print_headers(handle, WINHTTP_QUERY_RAW_HEADERS_CRLF, "<");
        if (x->opts->verbose) print_protocol(handle);
        if (x->opts->head_only) finish_exchange(x, 0);
        else read_next(handle, x);
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        if (!length)
        {
            finish_exchange(x, 0);
            break;
        }
        fwrite(info, 1, length, x->out);
        read_next(handle, x);
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        finish_exchange(x, ((WINHTTP_ASYNC_RESULT *)info)->dwError);
        break;
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: whget [-v] [--async] [--http2] [-k] [-I] [-X METHOD] [-H \"Name: value\"]... [-d DATA] [-o FILE]\n"
                    "             [-x PROXY-LIST [--noproxy BYPASS-LIST] | --system-proxy] URL\n");
    exit(2);
}

static void parse_arguments(int argc, WCHAR **argv, struct options *opts)
{
    memset(opts, 0, sizeof(*opts));
    for (int i = 1; i < argc; i++)
    {
        const WCHAR *arg = argv[i];
        if (!wcscmp(arg, L"-v")) opts->verbose = TRUE;
        else if (!wcscmp(arg, L"--async")) opts->async = TRUE;
        else if (!wcscmp(arg, L"--http2")) opts->http2 = TRUE;
        else if (!wcscmp(arg, L"-k")) opts->insecure = TRUE;
        else if (!wcscmp(arg, L"-I")) opts->head_only = TRUE;
        else if (!wcscmp(arg, L"-X") && i + 1 < argc) opts->method = argv[++i];
        else if (!wcscmp(arg, L"-d") && i + 1 < argc) opts->data_arg = argv[++i];
        else if (!wcscmp(arg, L"-o") && i + 1 < argc) opts->output = argv[++i];
        else if (!wcscmp(arg, L"-x") && i + 1 < argc) opts->proxy = argv[++i];
        else if (!wcscmp(arg, L"--noproxy") && i + 1 < argc) opts->no_proxy = argv[++i];
        else if (!wcscmp(arg, L"--system-proxy")) opts->system_proxy = TRUE;
        else if (!wcscmp(arg, L"-H") && i + 1 < argc)
        {
            wcsncat(opts->headers, argv[++i], ARRAYSIZE(opts->headers) - wcslen(opts->headers) - 3);
            wcscat(opts->headers, L"\r\n");
        }
        else if (arg[0] == '-') usage();
        else opts->url = arg;
    }
    if (!opts->url) usage();
    if (!opts->method) opts->method = opts->head_only ? L"HEAD" : opts->data_arg ? L"POST" : L"GET";
}

static int fail(const char *what)
{
    DWORD error = GetLastError();
    fprintf(stderr, "whget: %s failed: error %lu%s\n", what, error,
            error == ERROR_CALL_NOT_IMPLEMENTED ? " (not implemented yet in this winhttp.dll)" : "");
    return 1;
}

static void print_headers(HINTERNET request, DWORD level, const char *prefix)
{
    DWORD size = 0;
    WCHAR *text;

    WinHttpQueryHeaders(request, level, WINHTTP_HEADER_NAME_BY_INDEX, NULL, &size, WINHTTP_NO_HEADER_INDEX);
    if (GetLastError() != ERROR_INSUFFICIENT_BUFFER || !(text = malloc(size + sizeof(WCHAR)))) return;
    if (WinHttpQueryHeaders(request, level, WINHTTP_HEADER_NAME_BY_INDEX, text, &size, WINHTTP_NO_HEADER_INDEX))
    {
        for (WCHAR *line = wcstok(text, L"\r\n"); line; line = wcstok(NULL, L"\r\n"))
            fprintf(stderr, "%s %ls\n", prefix, line);
    }
    free(text);
}

/* The body's announced length, or 0 when it has none (chunked, close-delimited). */
static ULONGLONG content_length(HINTERNET request)
{
    ULONGLONG length = 0;
    DWORD size = sizeof(length);

    if (!WinHttpQueryHeaders(request, WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER64,
                             WINHTTP_HEADER_NAME_BY_INDEX, &length, &size, WINHTTP_NO_HEADER_INDEX))
        return 0;
    return length;
}

#define PROGRESS_MIN (1 << 20)
#define PROGRESS_WIDTH 40

static void show_progress(ULONGLONG done, ULONGLONG total, DWORD start, BOOL last)
{
    double seconds = (GetTickCount() - start) / 1000.0, mib = done / 1048576.0;
    int filled = total ? (int)(done * PROGRESS_WIDTH / total) : 0;

    fprintf(stderr, "\r[%.*s%*s] %3d%% %8.1f MiB %7.1f MiB/s", filled,
            "########################################", PROGRESS_WIDTH - filled, "",
            total ? (int)(done * 100 / total) : 0, mib, seconds > 0 ? mib / seconds : 0.0);
    if (last) fputc('\n', stderr);
}

static int download(HINTERNET request, FILE *out, BOOL head_only)
{
    static char buffer[1 << 16];
    ULONGLONG total = content_length(request), done = 0;
    BOOL progress = out != stdout && total > PROGRESS_MIN;
    DWORD read, start = GetTickCount(), shown = start;

    if (head_only) return 0;
    for (;;)
    {
        if (!WinHttpReadData(request, buffer, sizeof(buffer), &read)) return fail("WinHttpReadData");
        if (progress && (!read || GetTickCount() - shown >= 200))
        {
            show_progress(done, total, start, !read);
            shown = GetTickCount();
        }
        if (!read) return 0;
        fwrite(buffer, 1, read, out);
        done += read;
    }
}

/* WINHTTP_OPTION_HTTP_PROTOCOL_USED, after the response head. */
static void print_protocol(HINTERNET request)
{
    DWORD used = 0, size = sizeof(used);

    if (WinHttpQueryOption(request, WINHTTP_OPTION_HTTP_PROTOCOL_USED, &used, &size))
        fprintf(stderr, "* protocol: %s\n", used & WINHTTP_PROTOCOL_FLAG_HTTP2 ? "HTTP/2" : "HTTP/1.x");
}

static int run_async(const struct options *opts, HINTERNET request, char *data, DWORD data_length, FILE *out)
{
    static struct exchange x;
    int ret = 0;

    x.opts = opts;
    x.out = out;
    x.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    WinHttpSetStatusCallback(request, async_callback, verbose ? WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS
                                                              : WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS, 0);
    if (!WinHttpSendRequest(request, opts->headers[0] ? opts->headers : WINHTTP_NO_ADDITIONAL_HEADERS, -1L,
                            data, data_length, data_length, (DWORD_PTR)&x))
        ret = fail("WinHttpSendRequest");
    else
    {
        WaitForSingleObject(x.done, INFINITE);
        if (x.error)
        {
            SetLastError(x.error);
            ret = fail("the asynchronous request");
        }
    }
    CloseHandle(x.done);
    return ret;
}

static int run(const struct options *opts, HINTERNET session)
{
    WCHAR host[256], path[2048];
    URL_COMPONENTS url = { sizeof(url) };
    HINTERNET connect, request;
    char *data = NULL;
    DWORD data_length = 0;
    FILE *out = stdout;
    int ret;

    url.lpszHostName = host; url.dwHostNameLength = ARRAYSIZE(host);
    url.lpszUrlPath = path; url.dwUrlPathLength = ARRAYSIZE(path);
    url.dwExtraInfoLength = 1;
    if (!WinHttpCrackUrl(opts->url, 0, 0, &url)) return fail("WinHttpCrackUrl");
    if (url.dwExtraInfoLength) wcsncat(path, url.lpszExtraInfo, url.dwExtraInfoLength);

    if (!(connect = WinHttpConnect(session, host, url.nPort, 0))) return fail("WinHttpConnect");
    request = WinHttpOpenRequest(connect, opts->method, path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                 url.nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE : 0);
    if (!request) { WinHttpCloseHandle(connect); return fail("WinHttpOpenRequest"); }
    if (opts->insecure)
    {
        DWORD flags = SECURITY_FLAG_IGNORE_ALL_CERT_ERRORS;
        WinHttpSetOption(request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags));
    }

    if (opts->data_arg)
    {
        data_length = WideCharToMultiByte(CP_UTF8, 0, opts->data_arg, -1, NULL, 0, NULL, NULL) - 1;
        data = malloc(data_length + 1);
        WideCharToMultiByte(CP_UTF8, 0, opts->data_arg, -1, data, data_length + 1, NULL, NULL);
    }
    if (opts->output && !(out = _wfopen(opts->output, L"wb"))) ret = fail("opening the output file");
    else if (opts->async) ret = run_async(opts, request, data, data_length, out);
    else if (!WinHttpSendRequest(request, opts->headers[0] ? opts->headers : WINHTTP_NO_ADDITIONAL_HEADERS, -1L,
                                 data, data_length, data_length, 0))
        ret = fail("WinHttpSendRequest");
    else if (!WinHttpReceiveResponse(request, NULL))
        ret = fail("WinHttpReceiveResponse");
    else
    {
        if (opts->verbose) print_headers(request, WINHTTP_QUERY_RAW_HEADERS_CRLF | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, ">");
        if (opts->verbose || opts->head_only) print_headers(request, WINHTTP_QUERY_RAW_HEADERS_CRLF, "<");
        if (opts->verbose) print_protocol(request);
        ret = download(request, out, opts->head_only);
    }
    if (out && out != stdout) fclose(out);
    free(data);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    return ret;
}

int wmain(int argc, WCHAR **argv)
{
    struct options opts;
    HINTERNET session;
    DWORD access;
    int ret;

    parse_arguments(argc, argv, &opts);
    verbose = opts.verbose;
    /* -x: a named proxy; --system-proxy: WinHTTP's default configuration
     * (netsh winhttp, or under Wine the http_proxy environment) */
    access = opts.proxy ? WINHTTP_ACCESS_TYPE_NAMED_PROXY
                        : opts.system_proxy ? WINHTTP_ACCESS_TYPE_DEFAULT_PROXY : WINHTTP_ACCESS_TYPE_NO_PROXY;
    if (!(session = WinHttpOpen(L"whget/0.1", access, opts.proxy, opts.no_proxy,
                                opts.async ? WINHTTP_FLAG_ASYNC : 0)))
        return fail("WinHttpOpen");
    if (opts.http2)
    {
        DWORD protocols = WINHTTP_PROTOCOL_FLAG_HTTP2;
        if (!WinHttpSetOption(session, WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, &protocols, sizeof(protocols)))
            return fail("WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL");
    }
    if (verbose)
        WinHttpSetStatusCallback(session, trace_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    ret = run(&opts, session);
    WinHttpCloseHandle(session);
    if (verbose) Sleep(100); /* let HANDLE_CLOSING callbacks land before exit */
    return ret;
}
