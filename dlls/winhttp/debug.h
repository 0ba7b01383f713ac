/* Wine-style debug traces for the "winhttp" channel.
 *
 * WINEDEBUG is read once at load, with Wine's syntax ("+winhttp",
 * "warn+winhttp", "-all", "trace+all,-winhttp", ...), so a Wine user turns
 * these traces on exactly as for any builtin DLL.  Output goes to stderr as
 * "tid:class:winhttp:function message".
 */
#ifndef WINHTTP_DEBUG_H
#define WINHTTP_DEBUG_H

#include <windows.h>

enum debug_class { DEBUG_ERR, DEBUG_FIXME, DEBUG_WARN, DEBUG_TRACE };

extern unsigned int debug_enabled_classes;

void debug_init(void);
void debug_log(enum debug_class cls, const char *function, const char *format, ...)
    __attribute__((format(ms_printf, 3, 4)));

/* Quote strings for traces.  The results live in a small ring of buffers:
 * valid until a few dozen later calls, which is enough for one trace line. */
const char *debugstr_w(const WCHAR *str);
const char *debugstr_wn(const WCHAR *str, int length);
const char *debugstr_a(const char *str);
const char *debugstr_guid(const GUID *guid);
/* Header lines, the values of Authorization and Proxy-Authorization hidden. */
const char *debugstr_headers(const WCHAR *str, int length);

#define DEBUG_ON(cls) (debug_enabled_classes & (1u << (cls)))
#define DEBUG_LOG(cls, ...) \
    do { if (DEBUG_ON(cls)) debug_log(cls, __func__, __VA_ARGS__); } while (0)

#define TRACE_ON(ch) DEBUG_ON(DEBUG_TRACE)
#define TRACE(...) DEBUG_LOG(DEBUG_TRACE, __VA_ARGS__)
#define WARN(...)  DEBUG_LOG(DEBUG_WARN, __VA_ARGS__)
#define FIXME(...) DEBUG_LOG(DEBUG_FIXME, __VA_ARGS__)
#define ERR(...)   DEBUG_LOG(DEBUG_ERR, __VA_ARGS__)

#endif
