/* Header lists of a request: what the application adds, what the server
 * sends back. */
#ifndef WINHTTP_HEADERS_H
#define WINHTTP_HEADERS_H

#include "winhttp_private.h"

struct header
{
    WCHAR *name;
    WCHAR *value;
};

struct header_list
{
    struct header *items;
    size_t count, capacity;
};

void header_list_free(struct header_list *list);
/* The index-th header called name (case-insensitive), or -1. */
int header_list_find(const struct header_list *list, const WCHAR *name, size_t index);
/* One header line "Name: value" with WINHTTP_ADDREQ_* semantics. */
DWORD header_list_apply(struct header_list *list, const WCHAR *name, size_t name_length, const WCHAR *value,
                        size_t value_length, DWORD modifiers);
/* Several CRLF-separated lines, as WinHttpAddRequestHeaders takes them. */
DWORD header_list_apply_text(struct header_list *list, const WCHAR *text, size_t length, DWORD modifiers);
DWORD header_list_append(struct header_list *list, const WCHAR *name, const WCHAR *value);
/* The index-th header called name, its value in the ANSI code page as it
 * came off the wire (NUL-terminated); FALSE when absent or longer than size. */
BOOL header_list_value_a(const struct header_list *list, const WCHAR *name, size_t index, char *out, size_t size);
/* Every header called name goes. */
void header_list_remove(struct header_list *list, const WCHAR *name);

#endif
