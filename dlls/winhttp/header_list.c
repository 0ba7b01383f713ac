/* Header lists: find, add, replace, coalesce, with WINHTTP_ADDREQ_* rules. */
#include "headers.h"

void header_list_free(struct header_list *list)
{
    for (size_t i = 0; i < list->count; i++)
    {
        heap_free(list->items[i].name);
        heap_free(list->items[i].value);
    }
    heap_free(list->items);
    list->items = NULL;
    list->count = list->capacity = 0;
}

static int find_n(const struct header_list *list, const WCHAR *name, size_t length, size_t index)
{
    for (size_t i = 0; i < list->count; i++)
    {
        const WCHAR *item = list->items[i].name;
        if (CompareStringOrdinal(item, -1, name, (int)length, TRUE) != CSTR_EQUAL) continue;
        if (!index--) return (int)i;
    }
    return -1;
}

int header_list_find(const struct header_list *list, const WCHAR *name, size_t index)
{
    return find_n(list, name, lstrlenW(name), index);
}

static DWORD append_n(struct header_list *list, const WCHAR *name, size_t name_length, const WCHAR *value,
                      size_t value_length)
{
    struct header *items = list->items, item;

    if (list->count == list->capacity)
    {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        items = items ? HeapReAlloc(GetProcessHeap(), 0, items, capacity * sizeof(*items))
                      : heap_alloc(capacity * sizeof(*items));
        if (!items) return ERROR_OUTOFMEMORY;
        list->items = items;
        list->capacity = capacity;
    }
    item.name = strndupW(name, name_length);
    item.value = strndupW(value, value_length);
    if (!item.name || !item.value)
    {
        heap_free(item.name);
        heap_free(item.value);
        return ERROR_OUTOFMEMORY;
    }
    list->items[list->count++] = item;
    return ERROR_SUCCESS;
}

DWORD header_list_append(struct header_list *list, const WCHAR *name, const WCHAR *value)
{
    return append_n(list, name, lstrlenW(name), value, lstrlenW(value));
}

static void remove_at(struct header_list *list, int i)
{
    heap_free(list->items[i].name);
    heap_free(list->items[i].value);
    memmove(&list->items[i], &list->items[i + 1], (list->count - i - 1) * sizeof(*list->items));
    list->count--;
}

BOOL header_list_value_a(const struct header_list *list, const WCHAR *name, size_t index, char *out, size_t size)
{
    int i = header_list_find(list, name, index);

    return i >= 0 && WideCharToMultiByte(CP_ACP, 0, list->items[i].value, -1, out, (int)size, NULL, NULL) > 0;
}

void header_list_remove(struct header_list *list, const WCHAR *name)
{
    int i;

    while ((i = header_list_find(list, name, 0)) >= 0) remove_at(list, i);
}

static DWORD coalesce(struct header *item, const WCHAR *value, size_t value_length, WCHAR separator)
{
    size_t old = lstrlenW(item->value);
    WCHAR *joined = heap_alloc((old + 2 + value_length + 1) * sizeof(WCHAR));

    if (!joined) return ERROR_OUTOFMEMORY;
    memcpy(joined, item->value, old * sizeof(WCHAR));
    joined[old] = separator;
    joined[old + 1] = ' ';
    memcpy(joined + old + 2, value, value_length * sizeof(WCHAR));
    joined[old + 2 + value_length] = 0;
    heap_free(item->value);
    item->value = joined;
    return ERROR_SUCCESS;
}

DWORD header_list_apply(struct header_list *list, const WCHAR *name, size_t name_length, const WCHAR *value,
                        size_t value_length, DWORD modifiers)
{
    int existing = find_n(list, name, name_length, 0);

    if (modifiers & WINHTTP_ADDREQ_FLAG_REPLACE)
    {
        if (existing < 0 && !(modifiers & WINHTTP_ADDREQ_FLAG_ADD) && value_length)
            return ERROR_WINHTTP_HEADER_NOT_FOUND;
        if (existing >= 0) remove_at(list, existing);
        /* an empty value with REPLACE removes the header */
        return value_length ? append_n(list, name, name_length, value, value_length) : ERROR_SUCCESS;
    }
    if (existing >= 0 && (modifiers & WINHTTP_ADDREQ_FLAG_ADD_IF_NEW)) return ERROR_WINHTTP_HEADER_ALREADY_EXISTS;
    if (existing >= 0 && (modifiers & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON))
        return coalesce(&list->items[existing], value, value_length, ';');
    if (existing >= 0 && (modifiers & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA))
        return coalesce(&list->items[existing], value, value_length, ',');
    return append_n(list, name, name_length, value, value_length);
}

static BOOL is_space(WCHAR c) { return c == ' ' || c == '\t'; }

/* One line "Name: value" (no CR/LF).  Blank lines are skipped. */
static DWORD apply_line(struct header_list *list, const WCHAR *line, size_t length, DWORD modifiers)
{
    size_t colon = 0, name_end, value_start;

    while (length && is_space(line[length - 1])) length--;
    if (!length) return ERROR_SUCCESS;
    while (colon < length && line[colon] != ':') colon++;
    if (colon == length || !colon) return ERROR_WINHTTP_INVALID_HEADER;
    name_end = colon;
    while (name_end && is_space(line[name_end - 1])) name_end--;
    if (!name_end) return ERROR_WINHTTP_INVALID_HEADER;
    for (size_t i = 0; i < name_end; i++)
        if (line[i] <= ' ' || line[i] == 0x7f) return ERROR_WINHTTP_INVALID_HEADER;
    value_start = colon + 1;
    while (value_start < length && is_space(line[value_start])) value_start++;
    return header_list_apply(list, line, name_end, line + value_start, length - value_start, modifiers);
}

DWORD header_list_apply_text(struct header_list *list, const WCHAR *text, size_t length, DWORD modifiers)
{
    size_t start = 0;

    while (start < length)
    {
        size_t end = start;
        DWORD error;

        while (end < length && text[end] != '\r' && text[end] != '\n') end++;
        /* a bare CR or LF inside a line would be a second line on the wire:
         * lines are split at every CR or LF, so none survives into a value */
        if ((error = apply_line(list, text + start, end - start, modifiers))) return error;
        start = end;
        while (start < length && (text[start] == '\r' || text[start] == '\n')) start++;
    }
    return ERROR_SUCCESS;
}
