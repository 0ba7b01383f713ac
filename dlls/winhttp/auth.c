/* Authentication's APIs: the schemes a 401/407 response offers, and the
 * credentials the application gives for the server or the proxy (auth.h
 * says how they are used). */
#include "request.h"

BOOL WINAPI WinHttpQueryAuthSchemes(HINTERNET handle, LPDWORD supported, LPDWORD first, LPDWORD target)
{
    struct request *request;
    const WCHAR *header;
    DWORD all = 0, first_scheme = 0, error = ERROR_SUCCESS;

    TRACE("%p, %p, %p, %p\n", handle, supported, first, target);

    /* native checks the handle first, then the state, then the pointers */
    if (!(request = request_enter(handle))) return FALSE;
    /* before a response native fails with ERROR_INVALID_OPERATION, as when no scheme is offered */
    if (request->state != REQUEST_RESPONSE) error = ERROR_INVALID_OPERATION;
    else if (!supported || !first || !target) error = ERROR_INVALID_PARAMETER;
    else
    {
        struct auth_challenges *list = heap_alloc(sizeof(*list));
        char *text = NULL;

        header = request->response.status == 407 ? L"Proxy-Authenticate" : L"WWW-Authenticate";
        if (list)
        {
            auth_read_challenges(&request->response.headers, header, list, &text);
            for (size_t i = 0; i < list->count; i++)
            {
                DWORD scheme = auth_scheme_flag(&list->items[i]);
                if (scheme && !first_scheme) first_scheme = scheme;
                all |= scheme;
            }
            heap_free(text);
            heap_free(list);
        }
        if (!all) error = ERROR_INVALID_OPERATION;
        else
        {
            *supported = all;
            *first = first_scheme;
            *target = request->response.status == 407 ? WINHTTP_AUTH_TARGET_PROXY : WINHTTP_AUTH_TARGET_SERVER;
        }
    }
    request_leave(request);
    SetLastError(error);
    return !error;
}

static BOOL one_scheme(DWORD scheme)
{
    return scheme == WINHTTP_AUTH_SCHEME_BASIC || scheme == WINHTTP_AUTH_SCHEME_NTLM ||
           scheme == WINHTTP_AUTH_SCHEME_PASSPORT || scheme == WINHTTP_AUTH_SCHEME_DIGEST ||
           scheme == WINHTTP_AUTH_SCHEME_NEGOTIATE;
}

/* Basic and Digest need a user name and a password (which may be empty);
 * NTLM, Negotiate and Passport take none for the logged-on user's own
 * (Wine's tests run on Windows: NULL and NULL accepted for those three,
 * refused for Basic and Digest, as is either one alone for Basic). */
static DWORD check_credentials(DWORD scheme, const WCHAR *username, const WCHAR *password)
{
    if (!username != !password) return ERROR_INVALID_PARAMETER;
    if (!username && (scheme == WINHTTP_AUTH_SCHEME_BASIC || scheme == WINHTTP_AUTH_SCHEME_DIGEST))
        return ERROR_INVALID_PARAMETER;
    return ERROR_SUCCESS;
}

static DWORD store_credentials(struct auth_target_state *s, DWORD scheme, const WCHAR *username,
                               const WCHAR *password)
{
    WCHAR *user = NULL, *pass = NULL;

    if (username && (!(user = strdupW(username)) || !(pass = strdupW(password))))
    {
        heap_free(user);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    auth_clear_app_credentials(s);
    s->app_scheme = scheme;
    s->app_user = user;
    s->app_password = pass;
    return ERROR_SUCCESS;
}

BOOL WINAPI WinHttpSetCredentials(HINTERNET handle, DWORD target, DWORD scheme, LPCWSTR username,
                                  LPCWSTR password, LPVOID params)
{
    struct request *request;
    DWORD error;

    /* the credentials themselves never appear in a trace */
    TRACE("%p, %lu, %#lx, %s, %s, %p\n", handle, target, scheme, username ? "(user)" : "NULL",
          password ? "(password)" : "NULL", params);

    if (!(request = request_enter(handle))) return FALSE;
    if (target != WINHTTP_AUTH_TARGET_SERVER && target != WINHTTP_AUTH_TARGET_PROXY) error = ERROR_INVALID_PARAMETER;
    else if (!one_scheme(scheme) || params) error = ERROR_INVALID_PARAMETER;
    else if ((error = check_credentials(scheme, username, password))) ;
    else if (request->op != OP_NONE) error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else
        error = store_credentials(&request->auth.target[target == WINHTTP_AUTH_TARGET_PROXY ? AUTH_PROXY : AUTH_SERVER],
                                  scheme, username, password);
    request_leave(request);
    SetLastError(error);
    return !error;
}
