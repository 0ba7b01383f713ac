/* Wine-compatible debug channel parsing and trace output. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "debug.h"

#define CHANNEL "winhttp"

static const char *const class_names[] = { "err", "fixme", "warn", "trace" };

/* Wine's default: errors and fixmes on, the rest off. */
unsigned int debug_enabled_classes = (1u << DEBUG_ERR) | (1u << DEBUG_FIXME);

static int class_from_name(const char *name, size_t length)
{
    for (int i = 0; i < 4; i++)
        if (strlen(class_names[i]) == length && !strncmp(name, class_names[i], length)) return i;
    return -1;
}

/* One WINEDEBUG item: "[class]+channel", "[class]-channel" or "channel". */
static void apply_item(const char *item, size_t length)
{
    size_t op = 0, channel_length;
    unsigned int mask = 0xf;
    int enable = 1;

    while (op < length && item[op] != '+' && item[op] != '-') op++;
    if (op < length)
    {
        if (op)
        {
            int cls = class_from_name(item, op);
            if (cls < 0) return;
            mask = 1u << cls;
        }
        enable = item[op] == '+';
        item += op + 1;
        length -= op + 1;
    }
    channel_length = length;
    if (!(channel_length == 3 && !strncmp(item, "all", 3)) &&
        !(channel_length == strlen(CHANNEL) && !strncmp(item, CHANNEL, channel_length)))
        return;
    if (enable) debug_enabled_classes |= mask;
    else debug_enabled_classes &= ~mask;
}

void debug_init(void)
{
    char value[1024];
    DWORD length = GetEnvironmentVariableA("WINEDEBUG", value, sizeof(value));
    const char *item = value;

    if (!length || length >= sizeof(value)) return;
    while (*item)
    {
        size_t n = strcspn(item, ",");
        if (n) apply_item(item, n);
        item += n;
        if (*item == ',') item++;
    }
}

static void write_stderr(const char *text, size_t length)
{
    DWORD written;
    WriteFile(GetStdHandle(STD_ERROR_HANDLE), text, (DWORD)length, &written, NULL);
}

void debug_log(enum debug_class cls, const char *function, const char *format, ...)
{
    char line[2048];
    int prefix, body;
    va_list args;

    prefix = _snprintf(line, sizeof(line), "%04lx:%s:" CHANNEL ":%s ",
                       GetCurrentThreadId(), class_names[cls], function);
    if (prefix < 0) return;
    va_start(args, format);
    body = _vsnprintf(line + prefix, sizeof(line) - prefix - 1, format, args);
    va_end(args);
    if (body < 0) body = sizeof(line) - prefix - 2; /* truncated */
    if (prefix + body == 0 || line[prefix + body - 1] != '\n') line[prefix + body++] = '\n';
    write_stderr(line, prefix + body);
}

#define RING_SIZE 32
#define RING_BUFFER 512

static char *ring_buffer(void)
{
    static char ring[RING_SIZE][RING_BUFFER];
    static LONG next;
    return ring[(ULONG)InterlockedIncrement(&next) % RING_SIZE];
}

/* Wine quotes wide strings as L"..." with C escapes. */
static const char *quote(const void *str, int length, int wide)
{
    char *out, *p, *end;

    if (!str) return "(null)";
    if ((ULONG_PTR)str < 0x10000) { out = ring_buffer(); _snprintf(out, RING_BUFFER, "#%04x", (unsigned)(ULONG_PTR)str); return out; }
    out = p = ring_buffer();
    end = out + RING_BUFFER - 8;
    if (wide) *p++ = 'L';
    *p++ = '"';
    for (int i = 0; length < 0 || i < length; i++)
    {
        unsigned int c = wide ? ((const WCHAR *)str)[i] : ((const unsigned char *)str)[i];
        if (length < 0 && !c) break;
        if (p >= end) { memcpy(p, "\"...", 5); return out; }
        switch (c)
        {
        case '\n': *p++ = '\\'; *p++ = 'n'; break;
        case '\r': *p++ = '\\'; *p++ = 'r'; break;
        case '\t': *p++ = '\\'; *p++ = 't'; break;
        case '"':  *p++ = '\\'; *p++ = '"'; break;
        case '\\': *p++ = '\\'; *p++ = '\\'; break;
        default:
            if (c >= ' ' && c < 0x7f) *p++ = (char)c;
            else p += sprintf(p, c < 0x100 ? "\\x%02x" : "\\x%04x", c);
        }
    }
    *p++ = '"';
    *p = 0;
    return out;
}

const char *debugstr_w(const WCHAR *str) { return quote(str, -1, 1); }
const char *debugstr_wn(const WCHAR *str, int length) { return quote(str, length, 1); }
const char *debugstr_a(const char *str) { return quote(str, -1, 0); }

/* GUIDs as Wine prints them: {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx} */
const char *debugstr_guid(const GUID *guid)
{
    char *out;

    if (!guid) return "(null)";
    out = ring_buffer();
    _snprintf(out, RING_BUFFER, "{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", guid->Data1,
              guid->Data2, guid->Data3, guid->Data4[0], guid->Data4[1], guid->Data4[2], guid->Data4[3],
              guid->Data4[4], guid->Data4[5], guid->Data4[6], guid->Data4[7]);
    return out;
}

/* Whether the header line at str names credentials. */
static BOOL credentials_line(const WCHAR *str, int left)
{
    static const WCHAR *const names[] = { L"Authorization:", L"Proxy-Authorization:" };

    if (left < 0) left = (int)wcsnlen(str, 32);     /* never past the terminator */
    for (int i = 0; i < 2; i++)
    {
        int n = lstrlenW(names[i]);
        if (left >= n && CompareStringOrdinal(str, n, names[i], n, TRUE) == CSTR_EQUAL) return TRUE;
    }
    return FALSE;
}

const char *debugstr_headers(const WCHAR *str, int length)
{
    static const WCHAR hidden[] = L" (hidden)";
    WCHAR copy[RING_BUFFER];
    int n = 0, i = 0;

    if (!str || (ULONG_PTR)str < 0x10000) return quote(str, length, 1);
    while ((length < 0 ? str[i] != 0 : i < length) && n < (int)ARRAYSIZE(copy) - (int)ARRAYSIZE(hidden))
    {
        BOOL hide = credentials_line(str + i, length < 0 ? -1 : length - i);

        /* one line: its name, then its value or "(hidden)" */
        while ((length < 0 ? str[i] != 0 : i < length) && n < (int)ARRAYSIZE(copy) - (int)ARRAYSIZE(hidden))
        {
            WCHAR c = str[i++];
            copy[n++] = c;
            if (c == '\n') break;
            if (hide && c == ':')
            {
                memcpy(copy + n, hidden, (ARRAYSIZE(hidden) - 1) * sizeof(WCHAR));
                n += ARRAYSIZE(hidden) - 1;
                while ((length < 0 ? str[i] != 0 : i < length) && str[i] != '\r' && str[i] != '\n') i++;
                hide = FALSE;
            }
        }
    }
    return quote(copy, n, 1);
}
