// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl monitor's events: notifications of the "monitor" group as JSON
 * objects (event_to_json), and those objects as one line of text each
 * (event_text, which the host's unit tests cover).
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <netlink/attr.h>
#include <linux/memopt.h>

#include "attrs.h"
#include "events.h"
#include "nl.h"
#include "print.h"
#include "units.h"

static const struct {
	int cmd;
	const char *name;
} event_names[] = {
	{ MEMOPT_CMD_POOL_CREATE_NTF, "pool_created" },
	{ MEMOPT_CMD_POOL_CHANGE_NTF, "pool_changed" },
	{ MEMOPT_CMD_POOL_DELETE_NTF, "pool_destroyed" },
	{ MEMOPT_CMD_POOL_FREED_NTF, "pool_freed" },
	{ MEMOPT_CMD_WATERMARK_NTF, "watermark" },
	{ MEMOPT_CMD_EXHAUSTED_NTF, "exhausted" },
	{ MEMOPT_CMD_LEAK_NTF, "leak" },
};

/* &enum memopt_event as "direction" (watermark) or "reason" (exhausted). */
static void put_pool_event(json_object *o, struct nlattr *a)
{
	uint32_t ev = a && nla_len(a) == 4 ? nla_get_u32(a) : 0;

	switch (ev) {
	case MEMOPT_EVENT_WATERMARK_UP:
		jset_str(o, "direction", "up");
		break;
	case MEMOPT_EVENT_WATERMARK_DOWN:
		jset_str(o, "direction", "down");
		break;
	case MEMOPT_EVENT_EXHAUSTED_MAX:
		jset_str(o, "reason", "pool_max");
		break;
	case MEMOPT_EVENT_EXHAUSTED_CAP:
		jset_str(o, "reason", "global_cap");
		break;
	case MEMOPT_EVENT_EXHAUSTED_NOMEM:
		jset_str(o, "reason", "out_of_memory");
		break;
	}
}

static json_object *event_new(const char *name)
{
	json_object *ev = json_object_new_object();
	struct timeval tv;

	gettimeofday(&tv, NULL);
	jset_str(ev, "event", name);
	jset_u64(ev, "time_ms", (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000);
	return ev;
}

json_object *event_lost(void)
{
	return event_new("lost");
}

/* Move the members of @from into @to, then drop @from. */
static void merge(json_object *to, json_object *from)
{
	json_object_object_foreach(from, key, val)
		json_object_object_add(to, key, json_object_get(val));
	json_object_put(from);
}

/*
 * A leak notification carries ids, sizes, ages, pids and uids only (the
 * monitor group is open to every user): leave out what the dumps' converter
 * fills in whether or not the kernel sent it, rather than show false or null.
 */
static void leak_event_trim(json_object *ev)
{
	static const char *const keys[] = { "owner_exited", "exited", "label", "suspect" };
	json_object *o = jget(ev, "buffer") ? jget(ev, "buffer") : jget(ev, "process");
	unsigned int i;

	for (i = 0; o && i < ARRAY_SIZE(keys); i++)
		json_object_object_del(o, keys[i]);
}

json_object *event_to_json(const struct mctl_reply *r, json_object *pools)
{
	const char *name = NULL;
	json_object *ev, *leak;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(event_names); i++)
		if (event_names[i].cmd == r->cmd)
			name = event_names[i].name;
	if (!name)
		return NULL;
	ev = event_new(name);
	if (r->cmd == MEMOPT_CMD_LEAK_NTF) {
		leak = leak_to_json(r->tb, pools);
		if (leak)
			merge(ev, leak);
		leak_event_trim(ev);
		return ev;
	}
	put_pool_event(ev, r->tb[MEMOPT_A_POOL_EVENT]);
	json_object_object_add(ev, "pool", pool_to_json(r->tb));
	if (r->cmd == MEMOPT_CMD_POOL_FREED_NTF)	/* an id and a name only */
		json_object_object_del(jget(ev, "pool"), "dying");
	return ev;
}

/* "frames (id 3)" */
static const char *pool_text(json_object *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s (id %llu)", jstr(p, "name"), (unsigned long long)jnum(p, "id"));
	return buf;
}

/* "frames (id 3): 4 KiB blocks, min 64, max 65536, watermark 80%, leak age 5m" */
static const char *settings_text(json_object *p, char *buf, size_t len)
{
	char name[64], bs[32], t[32];
	int off;

	off = snprintf(buf, len, "%s: %s blocks, min %llu", pool_text(p, name, sizeof(name)),
		       format_size(jnum(p, "block_size"), bs, sizeof(bs)),
		       (unsigned long long)jnum(p, "min"));
	if (jnum(p, "max") && off < (int)len)
		off += snprintf(buf + off, len - off, ", max %llu", (unsigned long long)jnum(p, "max"));
	if (jnum(p, "watermark") && off < (int)len)
		off += snprintf(buf + off, len - off, ", watermark %llu%%",
				(unsigned long long)jnum(p, "watermark"));
	if (jnum(p, "leak_age") && off < (int)len)
		off += snprintf(buf + off, len - off, ", leak age %s",
				format_duration(jnum(p, "leak_age"), t, sizeof(t)));
	if (jnum(p, "growth") && off < (int)len)
		snprintf(buf + off, len - off, ", growth %s within %s",
			 format_size(jnum(p, "growth"), bs, sizeof(bs)),
			 format_duration(jnum(p, "growth_window"), t, sizeof(t)));
	return buf;
}

/* "frames (id 3) at 82% of max (53740 of 65536 blocks), watermark 80%" */
static const char *watermark_text(json_object *p, char *buf, size_t len)
{
	uint64_t bs = jnum(p, "block_size"), used = bs ? jstat(p, "bytes_used") / bs : 0;
	uint64_t max = jnum(p, "max");
	char name[64];

	if (max)
		snprintf(buf, len, "%s at %llu%% of max (%llu of %llu blocks), watermark %llu%%",
			 pool_text(p, name, sizeof(name)), (unsigned long long)(used * 100 / max),
			 (unsigned long long)used, (unsigned long long)max,
			 (unsigned long long)jnum(p, "watermark"));
	else
		snprintf(buf, len, "%s, %llu blocks used, watermark %llu%% of the global cap",
			 pool_text(p, name, sizeof(name)), (unsigned long long)used,
			 (unsigned long long)jnum(p, "watermark"));
	return buf;
}

static const char *exhausted_text(json_object *ev, char *buf, size_t len)
{
	json_object *p = jget(ev, "pool");
	const char *why = jstr(ev, "reason");
	char name[64];

	pool_text(p, name, sizeof(name));
	if (!strcmp(why, "pool_max"))
		snprintf(buf, len, "%s: the pool is at its max (%llu blocks)", name,
			 (unsigned long long)jnum(p, "max"));
	else if (!strcmp(why, "global_cap"))
		snprintf(buf, len, "%s: the global cap (max_memory_mb) is reached", name);
	else
		snprintf(buf, len, "%s: the system is out of memory", name);
	return buf;
}

/* "frames (id 3)", or "#3" when the pool's name is not known */
static const char *pool_ref(json_object *o, char *buf, size_t len)
{
	if (jget(o, "pool"))
		snprintf(buf, len, "%s (id %llu)", jstr(o, "pool"),
			 (unsigned long long)jnum(o, "pool_id"));
	else
		snprintf(buf, len, "#%llu", (unsigned long long)jnum(o, "pool_id"));
	return buf;
}

static const char *leak_text(json_object *ev, char *buf, size_t len)
{
	json_object *b = jget(ev, "buffer"), *p = jget(ev, "process");
	char why[32], pool[64], a[32], c[32];

	join_strings(jget(ev, "reason"), "", why, sizeof(why));	/* "age,orphan" */
	if (p) {
		snprintf(buf, len, "leak suspected (%s): pid %llu in pool %s grew by %s to %s", why,
			 (unsigned long long)jnum(p, "pid"), pool_ref(p, pool, sizeof(pool)),
			 format_size(jnum(p, "growth"), a, sizeof(a)),
			 format_size(jnum(p, "bytes"), c, sizeof(c)));
		return buf;
	}
	snprintf(buf, len, "leak suspected (%s): buffer %llu in pool %s, %s, owner pid %llu, age %s",
		 why, (unsigned long long)jnum(b, "id"), pool_ref(b, pool, sizeof(pool)),
		 format_size(jnum(b, "size"), a, sizeof(a)),
		 (unsigned long long)jnum(b, "owner_pid"),
		 format_age(jnum(b, "age_ms"), c, sizeof(c)));
	return buf;
}

static const char *destroyed_text(json_object *p, char *buf, size_t len)
{
	char name[64], sz[32];

	if (!jbool(p, "dying"))
		snprintf(buf, len, "pool destroyed: %s", pool_text(p, name, sizeof(name)));
	else
		snprintf(buf, len, "pool destroyed: %s, dying: held by %llu buffer%s (%s)",
			 pool_text(p, name, sizeof(name)), (unsigned long long)jstat(p, "buffers"),
			 jstat(p, "buffers") == 1 ? "" : "s",
			 format_size(jstat(p, "bytes_used"), sz, sizeof(sz)));
	return buf;
}

const char *event_text(json_object *ev, char *buf, size_t len)
{
	const char *name = jstr(ev, "event");
	json_object *p = jget(ev, "pool");
	char s[256];

	if (!strcmp(name, "pool_created") || !strcmp(name, "pool_changed"))
		snprintf(buf, len, "pool %s: %s", name + 5, settings_text(p, s, sizeof(s)));
	else if (!strcmp(name, "pool_destroyed"))
		destroyed_text(p, buf, len);
	else if (!strcmp(name, "pool_freed"))
		snprintf(buf, len, "pool freed: %s", pool_text(p, s, sizeof(s)));
	else if (!strcmp(name, "watermark"))
		snprintf(buf, len, "watermark %s: %s", jstr(ev, "direction"),
			 watermark_text(p, s, sizeof(s)));
	else if (!strcmp(name, "exhausted"))
		snprintf(buf, len, "exhausted: %s", exhausted_text(ev, s, sizeof(s)));
	else if (!strcmp(name, "leak"))
		leak_text(ev, buf, len);
	else if (!strcmp(name, "lost"))
		snprintf(buf, len, "events lost: the monitor fell behind (ENOBUFS); listening on");
	else
		snprintf(buf, len, "event %s", name);
	return buf;
}
