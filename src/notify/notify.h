/* notify.h — notifications: notify() records an event for a person and hands
 * it to every channel (in-app now: the notifications table, the
 * /notifications page, the nav badge and GET /api/v1/notifications; e-mail
 * and webhooks later register as further channels). The text is an i18n key
 * with arguments, rendered in the reader's language. Other modules include
 * only this header; nothing here knows another module's tables. */
#ifndef OPSDESK_NOTIFY_H
#define OPSDESK_NOTIFY_H
#include <stdbool.h>
#include <stdint.h>

#include "../db/db.h"
#include "../web/web.h"

#define NOTIFY_MAX_ARGS 9

typedef struct Notification {
    int64_t id, user_id;
    const char *kind;     /* "digest", "reminder", … */
    const char *text_key; /* i18n key with {1}..{n} */
    const char **args;
    int n_args;
    const char *link;            /* a path inside opsdesk, or NULL */
    int64_t created_at, read_at; /* read_at 0: unread */
} Notification;

/* A delivery channel beyond the in-app one (e-mail, webhooks): called inside
 * the caller's transaction after the in-app row is written; should queue
 * (jobs_enqueue) rather than deliver. 0 or <0 (the notify fails). */
typedef int (*NotifyChannelFn)(Db *db, const Notification *n);
int notify_register_channel(const char *name, NotifyChannelFn fn);

/* Notifies user_id. args: n_args strings for the key's {1}..{n}. With a
 * dedupe_key a second call with the same key does nothing (*id_out = 0).
 * Runs in the caller's transaction when there is one. 0 or a negative db error. */
int notify(Db *db, int64_t user_id, const char *kind, const char *text_key, int n_args, const char *const *args,
           const char *link, const char *dedupe_key, int64_t *id_out);

/* The caller's notifications, newest first, below cursor (0: from the top).
 * Arena memory. 0 or req_fail. */
int notify_list(Req *r, bool unread_only, int64_t cursor, int limit, Notification **out, int *n);
/* Unread count of the caller (the nav badge). */
int64_t notify_unread_count(Req *r);
/* Marks the caller's notifications read: the n ids given (others' ids are
 * ignored), or all when all is true. 0 or req_fail. */
int notify_mark_read(Req *r, const int64_t *ids, int n, bool all);
/* The text of n in the request's locale (arena memory). */
const char *notify_text(Req *r, const Notification *n);

extern const RouteTable notify_api_route_table;
extern const RouteTable notify_page_route_table;

#endif
