/* A callback recorder for the async conformance programs (async.c, closing.c).
 *
 * One recorder watches one session, its connect handle and one request
 * handle.  Each handle gets its own context value (the address of its slot
 * in the recorder) and the recorder's callback, so every callback can be
 * attributed; a callback whose context names no live recorder is counted as
 * "unknown" (a callback after the test let go of its handles, or a wrong
 * dwContext).  The callback copies what each payload points to, notes the
 * thread and the nesting depth of callbacks on that thread, and counts the
 * breaches of the seeds' promises (DESIGN.md, "The async engine"):
 *
 *   - two callbacks of one handle running at once on two threads;
 *   - any callback for a handle after its HANDLE_CLOSING, a second HANDLE_CLOSING;
 *   - a completion with no call pending, a pending call with no completion.
 *
 * The recorder can also drive a request from its callbacks (send, write the
 * body, receive, query, read until the end), the way an async client does,
 * and close the request from inside a chosen callback.
 *
 * Everything is recorded from the callback threads; only the main thread
 * calls ok() on what was recorded.
 */
#ifndef CONFORMANCE_RECORDER_H
#define CONFORMANCE_RECORDER_H

#include <winsock2.h>
#include <windows.h>
#include "winhttp.h"

enum handle_kind { KIND_SESSION, KIND_CONNECT, KIND_REQUEST, KIND_COUNT };

#define EVENT_TEXT 96

struct callback_event
{
    DWORD status;
    enum handle_kind kind;
    HINTERNET handle;            /* hInternet as given */
    DWORD thread;
    int depth;                   /* callbacks of any handle nested on this thread, this one included */
    const void *info;            /* the pointer as given, for comparison only */
    DWORD length;                /* dwStatusInformationLength */
    DWORD dword;                 /* *(DWORD *)info for the DWORD payloads */
    HINTERNET handle_payload;    /* *(HINTERNET *)info for HANDLE_CREATED/CLOSING */
    WINHTTP_ASYNC_RESULT result; /* REQUEST_ERROR */
    WCHAR text[EVENT_TEXT];      /* the string payloads */
    BOOL after_close_call;       /* the test had called WinHttpCloseHandle on this handle */
};

struct recorder;
typedef void (*recorder_hook)(struct recorder *rec, enum handle_kind kind, DWORD status, void *info,
                              DWORD length);

struct slot
{
    struct recorder *owner;
    enum handle_kind kind;
    HINTERNET handle;
    LONG running;        /* callbacks of this handle running now */
    DWORD running_thread;
    int closings;        /* HANDLE_CLOSING seen */
    BOOL close_called;   /* WinHttpCloseHandle called on it */
};

/* What the driver does with the request; see recorder_drive(). */
struct drive
{
    BOOL enabled;
    DWORD piece;              /* bytes per WinHttpReadData (0: 4096) */
    BOOL read_without_query;  /* READ_COMPLETE -> ReadData directly, no QueryDataAvailable */
    const char *upload;       /* the request body: its first optional_length bytes go with */
    DWORD upload_length;      /* WinHttpSendRequest, the rest with WinHttpWriteData after */
    DWORD optional_length;    /* SENDREQUEST_COMPLETE, upload_piece bytes at a time */
    DWORD upload_piece;
    DWORD close_in_status;    /* close the request inside the first callback with this status */
    BOOL close_after_next_call; /* ... after issuing the next call from that callback */
};

#define RECORDER_LOG 4096

struct recorder
{
    CRITICAL_SECTION lock;
    struct slot slots[KIND_COUNT];
    LONG in_flight;            /* callbacks running now; the recorder is freed only at 0 */

    struct callback_event *log; /* the first RECORDER_LOG events */
    int count;                 /* every event, logged or not */
    LONG status_count[32];     /* per status bit */

    /* the promises */
    int overlaps;              /* two callbacks of one handle at once on two threads */
    int after_closing;         /* callbacks after HANDLE_CLOSING */
    int double_closing;        /* second HANDLE_CLOSING */
    int closing_nested;        /* HANDLE_CLOSING inside another callback of the same handle */
    int wrong_handles;         /* hInternet not the handle the context belongs to */
    int stray_completions;     /* completion with no call pending */
    int max_depth;
    LONG pending;              /* calls that returned (or will return) TRUE with no completion yet */
    int calls_failed;          /* calls made by the driver that returned FALSE */
    DWORD first_call_error;

    /* the driver */
    struct drive drive;
    char *body;                /* what was read */
    DWORD body_capacity, body_length;
    const void *last_read_buffer;
    DWORD last_read_size;
    int bad_read_buffers;      /* READ_COMPLETE not pointing at the buffer given, or longer than asked */
    DWORD upload_done;
    BOOL closed_in_callback;
    DWORD close_status;        /* the status inside which the driver closed */
    BOOL overflow;             /* more body than body_capacity */
    BOOL finished;             /* the driver reached the end, an error or a close */
    HANDLE done;               /* set when finished */
    HANDLE all_closed;         /* set when every slot with a callback saw HANDLE_CLOSING */
    int closing_wanted;        /* how many slots expect HANDLE_CLOSING */
    int closing_seen;

    recorder_hook hook;        /* called after recording, outside the lock */
    void *user;
};

/* The recorder's callback, for tests that install it themselves. */
void CALLBACK recorder_callback(HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD length);

struct recorder *recorder_create(void);
/* Unregisters the recorder, waits for its running callbacks, frees it.
 * Callbacks arriving afterwards with its contexts count as unknown. */
void recorder_free(struct recorder *rec);

/* Sets handle's context value to the slot's address (WINHTTP_OPTION_CONTEXT_VALUE)
 * and installs recorder_callback with this mask; FALSE if either failed. */
BOOL recorder_attach(struct recorder *rec, enum handle_kind kind, HINTERNET handle, DWORD mask);
DWORD_PTR recorder_context(struct recorder *rec, enum handle_kind kind);

/* WinHttpCloseHandle, noting that the close was called; a second call for
 * the same handle (a callback and the main thread racing) does nothing. */
BOOL recorder_close(struct recorder *rec, enum handle_kind kind);

/* The async calls, with the pending count kept: a call that returns TRUE
 * is owed exactly one completion. */
BOOL recorder_send(struct recorder *rec, const void *optional, DWORD optional_length, DWORD total_length);
BOOL recorder_receive(struct recorder *rec);
BOOL recorder_query_data(struct recorder *rec);
BOOL recorder_read(struct recorder *rec, void *buffer, DWORD size);
BOOL recorder_write(struct recorder *rec, const void *buffer, DWORD size);

/* Start driving the request from its callbacks: SendRequest, then on each
 * completion the next call, up to the end of the body (or an error, or the
 * close_in_status close).  Returns the SendRequest result. */
BOOL recorder_drive(struct recorder *rec, DWORD body_capacity, const struct drive *drive);

BOOL recorder_wait_done(struct recorder *rec, DWORD ms);
BOOL recorder_wait_closed(struct recorder *rec, DWORD ms);

/* Counters of callbacks with no live recorder, over the whole program. */
LONG recorder_unknown_callbacks(void);
DWORD recorder_last_unknown_status(void);
/* The deepest nesting of callbacks seen on one thread, over the whole program. */
LONG recorder_global_max_depth(void);

/* Events of one handle, in order; returns how many were copied. */
int recorder_events(struct recorder *rec, enum handle_kind kind, struct callback_event *out, int max);
LONG recorder_status_count(struct recorder *rec, DWORD status);
const char *status_name(DWORD status);
/* "NAME NAME ..." of the logged events of one handle (static buffer, main thread only). */
const char *recorder_trace(struct recorder *rec, enum handle_kind kind);

BOOL is_completion_status(DWORD status);

#endif
