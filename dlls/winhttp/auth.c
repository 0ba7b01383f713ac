/* Authentication: the schemes a 401/407 response offers, credentials. */
#include "request.h"

static const struct { const WCHAR *name; DWORD scheme; } schemes[] =
{
    { L"Basic", WINHTTP_AUTH_SCHEME_BASIC },
    { L"NTLM", WINHTTP_AUTH_SCHEME_NTLM },
    { L"Passport1.4", WINHTTP_AUTH_SCHEME_PASSPORT },
    { L"Digest", WINHTTP_AUTH_SCHEME_DIGEST },
    { L"Negotiate", WINHTTP_AUTH_SCHEME_NEGOTIATE },
};

/* The scheme named by a challenge's first token, or 0. */
static DWORD scheme_of(const WCHAR *challenge)
{
    size_t length = 0;

    while (challenge[length] && challenge[length] != ' ' && challenge[length] != ',') length++;
    for (size_t i = 0; i < ARRAY_SIZE(schemes); i++)
        if (CompareStringOrdinal(challenge, (int)length, schemes[i].name, -1, TRUE) == CSTR_EQUAL)
            return schemes[i].scheme;
    return 0;
}

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
        header = request->response.status == 407 ? L"Proxy-Authenticate" : L"WWW-Authenticate";
        for (int i, n = 0; (i = header_list_find(&request->response.headers, header, n)) >= 0; n++)
        {
            DWORD scheme = scheme_of(request->response.headers.items[i].value);
            if (scheme && !first_scheme) first_scheme = scheme;
            all |= scheme;
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

BOOL WINAPI WinHttpSetCredentials(HINTERNET handle, DWORD target, DWORD scheme, LPCWSTR username,
                                  LPCWSTR password, LPVOID params)
{
    TRACE("%p, %lu, %#lx, %s, %p, %p\n", handle, target, scheme, debugstr_w(username), password, params);
    NOT_IMPLEMENTED(FALSE);
}
