// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl apply FILE [--dry-run] [--prune]
 *
 * Make the kernel's pools what the pool file FILE (conf.h) says: create
 * the pools it names that do not exist, change the settings that differ
 * (a field the file leaves out means pool create's default), and report
 * the pools the kernel has that the file does not name, destroying them
 * with --prune. The whole file is read and checked first: a bad file
 * changes nothing. A pool whose block size differs cannot be changed (only
 * destroyed and created again): that is an error for that pool, and the
 * others are still applied. --dry-run asks the kernel what it has and says
 * what it would do. Applying the same file again changes nothing.
 *
 * Each pool's outcome is a JSON object ("action": created, changed,
 * unchanged, extra, pruned or failed); -j prints them all in one document
 * at the end, text one line each as they are done, then a summary.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <linux/memopt.h>

#include "attrs.h"
#include "conf.h"
#include "memoptctl.h"
#include "nl.h"
#include "pool.h"
#include "print.h"
#include "settings.h"

enum action { A_CREATED, A_CHANGED, A_UNCHANGED, A_EXTRA, A_PRUNED, A_FAILED, A_COUNT };

static const char *const action_names[A_COUNT] = {
	"created", "changed", "unchanged", "extra", "pruned", "failed",
};

struct apply {
	const char *path;
	bool dry_run;
	bool prune;
	struct conf conf;
	struct mctl m;
	json_object *kernel;	/* the pools the kernel had */
	json_object *done;	/* the outcome of each pool */
	unsigned int count[A_COUNT];
	char context[320];	/* "FILE:LINE: pool NAME: " for kernel errors */
};

/* How kernel errors name the attributes: as the pool file does. */
static const char *labels[MEMOPT_A_POOL_MAX_ATTR + 1];

static void init_labels(void)
{
	int f;

	labels[MEMOPT_A_POOL_ID] = "id";
	labels[MEMOPT_A_POOL_NAME] = "NAME";
	for (f = 0; f < SF_COUNT; f++)
		labels[pool_field_attr(f)] = pool_field_key(f);
}

/* @settings for people: the size and each field that is not the default. */
static const char *settings_text(json_object *settings, char *buf, size_t len)
{
	size_t off = 0;
	char v[48];
	int f;

	buf[0] = '\0';
	for (f = 0; f < SF_COUNT && off < len; f++) {
		uint64_t x = pool_field_of(settings, f);

		if (f != SF_SIZE && x == pool_field_default(f))
			continue;
		off += snprintf(buf + off, len - off, "%s%s %s", off ? ", " : "",
				pool_field_key(f), pool_field_format(f, x, v, sizeof(v)));
	}
	return buf;
}

/* "min 64 -> 128, watermark off -> 80%" */
static const char *changes_text(json_object *changes, char *buf, size_t len)
{
	size_t off = 0;
	char a[48], b[48];
	json_object *c;
	int f;

	buf[0] = '\0';
	for (f = 0; f < SF_COUNT && off < len; f++) {
		c = jget(changes, pool_field_json(f));
		if (!c)
			continue;
		off += snprintf(buf + off, len - off, "%s%s %s -> %s", off ? ", " : "",
				pool_field_key(f), pool_field_format(f, jnum(c, "old"), a, sizeof(a)),
				pool_field_format(f, jnum(c, "new"), b, sizeof(b)));
	}
	return buf;
}

/* One pool's outcome, one line (a failure's line is its error, already printed). */
static void print_outcome(const struct apply *a, json_object *e)
{
	const char *act = jstr(e, "action"), *name = jstr(e, "name");
	unsigned long long line = jnum(e, "line"), id = jnum(e, "id");
	char text[1024];

	if (!strcmp(act, "created"))
		printf("%s %s (line %llu): %s\n", a->dry_run ? "would create" : "created", name,
		       line, settings_text(jget(e, "settings"), text, sizeof(text)));
	else if (!strcmp(act, "changed"))
		printf("%s %s (line %llu): %s\n", a->dry_run ? "would change" : "changed", name,
		       line, changes_text(jget(e, "changes"), text, sizeof(text)));
	else if (!strcmp(act, "unchanged"))
		printf("unchanged %s (line %llu)\n", name, line);
	else if (!strcmp(act, "extra"))
		printf("extra %s (id %llu): not in %s; --prune destroys it\n", name, id, a->path);
	else if (!strcmp(act, "pruned") && jbool(e, "dying"))
		printf("%s %s (id %llu): dying, held by %llu buffer%s\n",
		       a->dry_run ? "would prune" : "pruned", name, id,
		       (unsigned long long)jstat(e, "buffers"), jstat(e, "buffers") == 1 ? "" : "s");
	else if (!strcmp(act, "pruned"))
		printf("%s %s (id %llu)\n", a->dry_run ? "would prune" : "pruned", name, id);
	fflush(stdout);
}

/* Record @e's outcome @act, and print it. */
static void outcome(struct apply *a, json_object *e, enum action act)
{
	jset_str(e, "action", action_names[act]);
	a->count[act]++;
	json_object_array_add(a->done, e);
	if (!opts.json)
		print_outcome(a, e);
}

/* A pool that failed: the reason, printed as "Error: FILE:LINE: pool NAME: ...". */
static void failed(struct apply *a, json_object *e, const char *why)
{
	jset_str(e, "error", why);
	outcome(a, e, A_FAILED);
}

static json_object *settings_json(const struct pool_settings *s)
{
	json_object *o = json_object_new_object();
	int f;

	for (f = 0; f < SF_COUNT; f++)
		jset_u64(o, pool_field_json(f), s->v[f]);
	return o;
}

/* Send @msg about @cp's pool; its reply (a pool) into @reply. 0 or -errno (printed). */
static int request(struct apply *a, const struct conf_pool *cp, const char *name,
		   struct nl_msg *msg, json_object *reply)
{
	int ret;

	if (cp)
		snprintf(a->context, sizeof(a->context), "%s:%u: pool %s: ", a->path, cp->line,
			 name);
	else
		snprintf(a->context, sizeof(a->context), "pool %s: ", name);
	a->m.context = a->context;
	ret = mctl_request(&a->m, msg, collect_pools, reply);
	a->m.context = NULL;
	if (!ret && json_object_array_length(reply) != 1) {
		snprintf(a->m.last_error, sizeof(a->m.last_error), "the kernel's reply has no pool");
		errorf("%s%s", a->context, a->m.last_error);
		ret = -EPROTO;
	}
	return ret;
}

static void apply_create(struct apply *a, const struct conf_pool *cp, json_object *e)
{
	struct pool_settings s = cp->s;
	json_object *reply;
	struct nl_msg *msg;

	json_object_object_add(e, "settings", settings_json(&cp->s));
	if (a->dry_run) {
		outcome(a, e, A_CREATED);
		return;
	}
	msg = mctl_msg(&a->m, MEMOPT_CMD_POOL_NEW, 0);
	if (!msg) {
		failed(a, e, strerror(ENOMEM));
		return;
	}
	nla_put_string(msg, MEMOPT_A_POOL_NAME, cp->name);
	s.given = SF_ALL;	/* every field, so that the pool is exactly the file's */
	pool_settings_put(msg, &s, SF_ALL);
	reply = json_object_new_array();
	if (request(a, cp, cp->name, msg, reply)) {
		failed(a, e, a->m.last_error);
	} else {
		jset_u64(e, "id", jnum(json_object_array_get_idx(reply, 0), "id"));
		outcome(a, e, A_CREATED);
	}
	json_object_put(reply);
}

/* Change the fields in @diff of the pool @kp to @cp's. */
static void apply_change(struct apply *a, const struct conf_pool *cp, json_object *kp,
			 unsigned int diff, json_object *e)
{
	json_object *changes = json_object_new_object(), *c, *reply;
	struct pool_settings s = cp->s;
	struct nl_msg *msg;
	int f;

	for (f = 0; f < SF_COUNT; f++) {
		if (!(diff & SF_BIT(f)))
			continue;
		c = json_object_new_object();
		jset_u64(c, "old", pool_field_of(kp, f));
		jset_u64(c, "new", cp->s.v[f]);
		json_object_object_add(changes, pool_field_json(f), c);
	}
	json_object_object_add(e, "changes", changes);
	if (a->dry_run) {
		outcome(a, e, A_CHANGED);
		return;
	}
	msg = mctl_msg(&a->m, MEMOPT_CMD_POOL_SET, 0);
	if (!msg) {
		failed(a, e, strerror(ENOMEM));
		return;
	}
	nla_put_u32(msg, MEMOPT_A_POOL_ID, (uint32_t)jnum(kp, "id"));
	s.given = diff;
	pool_settings_put(msg, &s, diff);
	reply = json_object_new_array();
	if (request(a, cp, cp->name, msg, reply))
		failed(a, e, a->m.last_error);
	else
		outcome(a, e, A_CHANGED);
	json_object_put(reply);
}

/* The pool of @a->kernel named @name, or NULL. */
static json_object *kernel_pool(struct apply *a, const char *name)
{
	size_t i, n = json_object_array_length(a->kernel);

	for (i = 0; i < n; i++)
		if (!strcmp(jstr(json_object_array_get_idx(a->kernel, i), "name"), name))
			return json_object_array_get_idx(a->kernel, i);
	return NULL;
}

/* One pool of the file: create it, change it, or leave it as it is. */
static void apply_pool(struct apply *a, const struct conf_pool *cp)
{
	json_object *e = json_object_new_object(), *kp = kernel_pool(a, cp->name);
	char have[32], want[32], why[256];
	unsigned int diff;

	jset_str(e, "name", cp->name);
	jset_u64(e, "line", cp->line);
	if (!kp) {
		apply_create(a, cp, e);
		return;
	}
	jset_u64(e, "id", jnum(kp, "id"));
	if (pool_field_of(kp, SF_SIZE) != cp->s.v[SF_SIZE]) {
		snprintf(why, sizeof(why),
			 "the block size cannot change (%s in the kernel, %s in the file); destroy the pool to create it anew",
			 pool_field_format(SF_SIZE, pool_field_of(kp, SF_SIZE), have, sizeof(have)),
			 pool_field_format(SF_SIZE, cp->s.v[SF_SIZE], want, sizeof(want)));
		errorf("%s:%u: pool %s: %s", a->path, cp->line, cp->name, why);
		failed(a, e, why);
		return;
	}
	diff = pool_settings_diff(&cp->s, kp, SF_ALL & ~SF_BIT(SF_SIZE));
	if (diff)
		apply_change(a, cp, kp, diff, e);
	else
		outcome(a, e, A_UNCHANGED);
}

/* A pool of the kernel's that the file does not name: report it, or prune it. */
static void apply_extra(struct apply *a, json_object *kp)
{
	json_object *e = json_object_new_object(), *reply;
	const char *name = jstr(kp, "name");
	struct nl_msg *msg;

	jset_str(e, "name", name);
	jset_u64(e, "id", jnum(kp, "id"));
	if (!a->prune || a->dry_run) {
		outcome(a, e, a->prune ? A_PRUNED : A_EXTRA);
		return;
	}
	msg = mctl_msg(&a->m, MEMOPT_CMD_POOL_DEL, 0);
	if (!msg) {
		failed(a, e, strerror(ENOMEM));
		return;
	}
	nla_put_u32(msg, MEMOPT_A_POOL_ID, (uint32_t)jnum(kp, "id"));
	reply = json_object_new_array();
	if (request(a, NULL, name, msg, reply)) {
		failed(a, e, a->m.last_error);
	} else {
		json_object *p = json_object_array_get_idx(reply, 0);

		jset_bool(e, "dying", jbool(p, "dying"));
		json_object_object_add(e, "stats", json_object_get(jget(p, "stats")));
		outcome(a, e, A_PRUNED);
	}
	json_object_put(reply);
}

/*
 * "pools.conf: 1 created, 2 changed, 0 pruned; 3 unchanged, 1 extra, 0 failed",
 * "pools.conf: no changes; 3 unchanged, 0 extra, 0 failed",
 * "pools.conf (dry run, nothing changed): 1 to create, 0 to change, ..."
 */
static void print_summary(const struct apply *a)
{
	const unsigned int *n = a->count;

	printf("%s%s: ", a->path, a->dry_run ? " (dry run, nothing changed)" : "");
	if (n[A_CREATED] + n[A_CHANGED] + n[A_PRUNED] == 0)
		printf("no changes");
	else if (a->dry_run)
		printf("%u to create, %u to change, %u to prune", n[A_CREATED], n[A_CHANGED],
		       n[A_PRUNED]);
	else
		printf("%u created, %u changed, %u pruned", n[A_CREATED], n[A_CHANGED],
		       n[A_PRUNED]);
	printf("; %u unchanged, %u extra, %u failed\n", n[A_UNCHANGED], n[A_EXTRA], n[A_FAILED]);
}

static void print_doc(const struct apply *a)
{
	json_object *doc = json_object_new_object();
	int i;

	jset_str(doc, "file", a->path);
	jset_bool(doc, "dry_run", a->dry_run);
	jset_bool(doc, "prune", a->prune);
	json_object_object_add(doc, "pools", json_object_get(a->done));
	for (i = 0; i < A_COUNT; i++)
		jset_u64(doc, action_names[i], a->count[i]);
	out_json(doc);
}

static int apply_run(struct apply *a)
{
	size_t i, n;

	if (mctl_open(&a->m))
		return EXIT_FAIL;
	a->m.labels = labels;
	a->m.n_labels = ARRAY_SIZE(labels);
	a->kernel = json_object_new_array();
	if (fetch_pools(&a->m, a->kernel))
		return EXIT_FAIL;
	a->done = json_object_new_array();
	for (i = 0; i < a->conf.n; i++)
		apply_pool(a, &a->conf.pools[i]);
	n = json_object_array_length(a->kernel);
	for (i = 0; i < n; i++) {
		json_object *kp = json_object_array_get_idx(a->kernel, i);

		if (!conf_find(&a->conf, jstr(kp, "name")))
			apply_extra(a, kp);
	}
	if (opts.json)
		print_doc(a);
	else
		print_summary(a);
	return a->count[A_FAILED] ? EXIT_FAIL : EXIT_OK;
}

static void apply_usage(FILE *f)
{
	fprintf(f,
		"Usage: memoptctl apply FILE [--dry-run] [--prune]\n"
		"Make the pools what FILE says: create the missing ones, change the settings\n"
		"that differ (a setting left out means pool create's default), and report the\n"
		"pools FILE does not name (--prune destroys them). --dry-run only says what it\n"
		"would do. A bad FILE changes nothing (exit 2). FILE has one pool a line:\n"
		"  pool NAME size=SIZE [min=BLOCKS] [max=BLOCKS] [watermark=PERCENT]\n"
		"       [leak-age=DURATION] [growth=SIZE] [growth-window=DURATION]\n"
		"       [uid=USER] [gid=GROUP] [mode=MODE]\n"
		"with the values of pool create's options; \"#\" starts a comment.\n");
}

static int apply_parse(int argc, char **argv, struct apply *a)
{
	static const struct option lopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "prune", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	getopt_reset();
	/* FILE may come before or after the options: no "+", getopt permutes. */
	while ((c = getopt_long(argc, argv, ":", lopts, NULL)) != -1) {
		if (c == 'n')
			a->dry_run = true;
		else if (c == 'P')
			a->prune = true;
		else
			return option_error("apply", "apply", c, getopt_arg(argc, argv));
	}
	if (optind >= argc)
		return usage_error("apply", "apply needs a FILE");
	a->path = argv[optind++];
	if (optind < argc)
		return arg_error("apply", argv[optind]);
	return 0;
}

int do_apply(int argc, char **argv)
{
	struct apply a = { 0 };
	FILE *f;
	int ret;

	if (argc > 0 && !strcmp(argv[0], "help")) {
		apply_usage(stdout);
		return EXIT_OK;
	}
	ret = apply_parse(argc + 1, argv - 1, &a);
	if (ret)
		return ret;
	f = fopen(a.path, "r");
	if (!f) {
		errorf("cannot read the pool file \"%s\": %s", a.path, strerror(errno));
		return EXIT_FAIL;
	}
	ret = conf_read(f, a.path, &a.conf);
	fclose(f);
	if (ret > 0)
		errorf("%s: %d bad line%s: nothing was changed", a.path, ret, ret == 1 ? "" : "s");
	if (ret) {
		conf_free(&a.conf);
		return ret > 0 ? EXIT_USAGE : EXIT_FAIL;
	}
	init_labels();
	ret = apply_run(&a);
	json_object_put(a.kernel);
	json_object_put(a.done);
	mctl_close(&a.m);
	conf_free(&a.conf);
	return ret;
}
