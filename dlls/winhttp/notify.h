/* Delivering status callbacks to the application. */
#ifndef WINHTTP_NOTIFY_H
#define WINHTTP_NOTIFY_H

struct object;

/* Call the object's status callback if its notification mask wants
 * status.  info/length are the documented payload for that status. */
void notify(struct object *obj, DWORD status, void *info, DWORD length);

#endif
