/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memoptctl monitor's events: what a notification of the "monitor" group
 * says, as a JSON object and as one line of text. The object is
 * {"event": NAME, "time_ms": ..., ...}, see "monitor" in memoptctl.rst.
 */
#ifndef _MEMOPTCTL_EVENTS_H
#define _MEMOPTCTL_EVENTS_H

#include <stddef.h>
#include <json-c/json.h>

struct mctl_reply;

/* A notification as an event; @pools names the pools of leak events. */
json_object *event_to_json(const struct mctl_reply *r, json_object *pools);
/* The event that says notifications were lost (ENOBUFS). */
json_object *event_lost(void);
/* The event as one line of text, without a newline. */
const char *event_text(json_object *ev, char *buf, size_t len);

#endif
