// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of what memoptctl makes of the ledger without a kernel:
 * holders summaries, grouping by owner, the leak report, snapshots and
 * their differences, the process table's order, Prometheus output (with a
 * strict checker of the exposition format) and monitor event lines. TAP.
 *
 * "report_test --prom FILE" writes a sample of Prometheus output to FILE
 * for an external checker (promtool check metrics) and exits.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../events.h"
#include "../print.h"
#include "../prom.h"
#include "../report.h"

static int n, failed;

static void check(int ok, const char *what)
{
	n++;
	printf("%sok %d %s\n", ok ? "" : "not ", n, what);
	failed |= !ok;
}

static void check_str(const char *got, const char *want, const char *what)
{
	check(!strcmp(got, want), what);
	if (strcmp(got, want))
		printf("# got:  \"%s\"\n# want: \"%s\"\n", got, want);
}

static json_object *parse(const char *s)
{
	json_object *o = json_tokener_parse(s);

	if (!o) {
		fprintf(stderr, "bad test JSON: %s\n", s);
		exit(2);
	}
	return o;
}

/* A buffer as buf_to_json makes it. */
static json_object *buf(unsigned int id, unsigned int pool, const char *pname, unsigned int size,
			unsigned int pid, const char *comm, unsigned int age, const char *label,
			const char *suspect, const char *holders)
{
	char s[1024];

	snprintf(s, sizeof(s),
		 "{\"id\":%u,\"pool_id\":%u,\"pool\":%s%s%s,\"size\":%u,\"requested\":%u,"
		 "\"owner_pid\":%u,\"owner_comm\":\"%s\",\"owner_uid\":0,\"owner_exited\":false,"
		 "\"age_ms\":%u,\"label\":%s%s%s,\"holders\":%s,\"suspect\":%s}",
		 id, pool, pname ? "\"" : "", pname ? pname : "null", pname ? "\"" : "", size, size,
		 pid, comm, age, label ? "\"" : "", label ? label : "null", label ? "\"" : "",
		 holders ? holders : "[]", suspect ? suspect : "[]");
	return parse(s);
}

static void test_holders(void)
{
	json_object *h = parse("[{\"kind\":\"handle\",\"pid\":12,\"count\":2},"
			       "{\"kind\":\"map\",\"pid\":13,\"count\":1},"
			       "{\"kind\":\"dmabuf\",\"count\":1},{\"kind\":\"kernel\",\"count\":3}]");
	char b[256];

	check_str(holders_text(h, b, sizeof(b)),
		  "2 handles (pid 12), 1 map (pid 13), 1 dmabuf, 3 kernel refs",
		  "holders: kinds, counts, plurals and pids");
	json_object_put(h);
	h = parse("[]");
	check_str(holders_text(h, b, sizeof(b)), "none", "holders: none");
	json_object_put(h);
	check_str(holders_text(NULL, b, sizeof(b)), "none", "holders: absent");
}

static void test_owners(void)
{
	json_object *bufs = json_object_new_array(), *o, *g;

	json_object_array_add(bufs, buf(1, 3, "p", 4096, 10, "a", 500, NULL, NULL,
					"[{\"kind\":\"handle\",\"pid\":10,\"count\":1}]"));
	json_object_array_add(bufs, buf(2, 3, "p", 8192, 20, "b", 900, NULL, NULL,
					"[{\"kind\":\"handle\",\"pid\":20,\"count\":1}]"));
	json_object_array_add(bufs, buf(3, 3, "p", 8192, 10, "a", 700, "x", NULL,
					"[{\"kind\":\"handle\",\"pid\":10,\"count\":2},"
					"{\"kind\":\"map\",\"pid\":30,\"count\":1}]"));
	o = owners_of(bufs);
	check(json_object_array_length(o) == 2, "owners: one group per owner");
	g = json_object_array_get_idx(o, 0);
	check(jnum(g, "pid") == 10 && jnum(g, "buffers") == 2 && jnum(g, "bytes") == 12288 &&
	      jnum(g, "oldest_ms") == 700, "owners: most bytes first, counted and aged");
	check(json_object_array_length(jget(g, "holders")) == 2 &&
	      jnum(json_object_array_get_idx(jget(g, "holders"), 0), "count") == 3,
	      "owners: holders added up by kind and process");
	json_object_put(o);
	json_object_put(bufs);
}

/* Buffers of three processes: 100 leaks 3 "frames" (age) and 1 unlabelled; 200 holds 2 fine. */
static json_object *report_bufs(void)
{
	json_object *b = json_object_new_array();

	json_object_array_add(b, buf(1, 1, "video", 1 << 20, 100, "cam", 90000, "frames",
				     "[\"age\"]", NULL));
	json_object_array_add(b, buf(2, 1, "video", 1 << 20, 100, "cam", 80000, "frames",
				     "[\"age\"]", NULL));
	json_object_array_add(b, buf(3, 1, "video", 1 << 20, 100, "cam", 1000, "frames", NULL, NULL));
	json_object_array_add(b, buf(4, 2, "net", 4096, 100, "cam", 5000, NULL, NULL, NULL));
	json_object_array_add(b, buf(5, 1, "video", 4 << 20, 200, "enc", 100, "out", NULL, NULL));
	json_object_array_add(b, buf(6, 1, "video", 4 << 20, 200, "enc", 100, "out", NULL, NULL));
	json_object_array_add(b, buf(7, 2, "net", 4096, 300, "gone", 70000, NULL, NULL, NULL));
	return b;
}

static void test_leak_report(void)
{
	json_object *bufs = report_bufs(), *r, *p, *l;
	/* The leak dump adds: buffer 3 is an orphan; 300 grows in pool 2. */
	json_object *leaks = parse("[{\"reason\":[\"orphan\"],\"buffer\":{\"id\":3}},"
				   "{\"reason\":[\"growth\"],\"process\":{\"pid\":300,\"pool_id\":2,"
				   "\"pool\":\"net\",\"suspect\":[\"growth\"],\"growth\":65536,"
				   "\"bytes\":4096}}]");
	json_object *pools = parse("[{\"id\":2,\"name\":\"net\",\"growth_window\":60}]");

	r = leak_report(bufs, leaks, pools, false);
	p = jget(r, "processes");
	check(json_object_array_length(p) == 2 && jnum(r, "buffers") == 4 &&
	      jnum(r, "live_buffers") == 7, "report: suspects only, two processes");
	p = json_object_array_get_idx(jget(r, "processes"), 0);
	check(jnum(p, "pid") == 100 && jnum(p, "buffers") == 3 && jnum(p, "bytes") == 3 << 20 &&
	      jnum(p, "oldest_ms") == 90000, "report: the worst process first, its suspects counted");
	check(jnum(jget(p, "suspects"), "age") == 2 && jnum(jget(p, "suspects"), "orphan") == 1,
	      "report: reasons from the buffers and from the leak dump");
	l = json_object_array_get_idx(jget(p, "labels"), 0);
	check(json_object_array_length(jget(p, "labels")) == 1 &&
	      !strcmp(jstr(l, "label"), "frames") && jnum(l, "buffers") == 3 &&
	      json_object_array_length(jget(l, "ids")) == 3, "report: grouped by label, with ids");
	p = json_object_array_get_idx(jget(r, "processes"), 1);
	check(jnum(p, "pid") == 300 && jnum(jget(p, "suspects"), "growth") == 1 &&
	      jnum(json_object_array_get_idx(jget(p, "growth"), 0), "window") == 60 &&
	      jnum(json_object_array_get_idx(jget(p, "growth"), 0), "growth") == 65536,
	      "report: a growth suspect's buffers in that pool, with the window");
	json_object_put(r);

	r = leak_report(bufs, leaks, pools, true);
	p = json_object_array_get_idx(jget(r, "processes"), 0);
	check(json_object_array_length(jget(r, "processes")) == 3 && jnum(p, "pid") == 200 &&
	      jnum(r, "buffers") == 7 && jnum(r, "suspects") == 4,
	      "report --all: every buffer, most bytes first");
	p = json_object_array_get_idx(jget(r, "processes"), 1);
	l = json_object_array_get_idx(jget(p, "labels"), 1);
	check(jnum(p, "pid") == 100 && json_object_array_length(jget(p, "labels")) == 2 &&
	      !jget(l, "label") && jnum(l, "pool_id") == 2,
	      "report --all: labels then the unlabelled, by bytes");
	json_object_put(r);
	json_object_put(pools);
	json_object_put(leaks);
	json_object_put(bufs);
}

static void test_diff(void)
{
	json_object *bufs = report_bufs(), *before, *now, *d, *g, *l;

	before = holdings_of(bufs);
	check(json_object_array_length(before) == 4, "holdings: one group per process, pool, label");
	g = json_object_array_get_idx(before, 0);
	check(jnum(g, "pid") == 100 && jnum(g, "pool_id") == 1 && jnum(g, "buffers") == 3,
	      "holdings: sorted by pid, pool id, label");
	d = holdings_diff(before, before);
	check(!json_object_array_length(jget(d, "grew")) && !jnum(d, "grown_bytes") &&
	      !jnum(d, "shrunk_bytes"), "diff: nothing grew against itself");
	json_object_put(d);

	/* 200 gets two more "out" and a new label; 100's net buffer goes; 300 is a new pid's. */
	json_object_array_add(bufs, buf(8, 1, "video", 4 << 20, 200, "enc", 1, "out", NULL, NULL));
	json_object_array_add(bufs, buf(9, 1, "video", 4 << 20, 200, "enc", 1, "out", NULL, NULL));
	json_object_array_add(bufs, buf(10, 1, "video", 1 << 20, 200, "enc", 1, "meta", NULL, NULL));
	json_object_array_add(bufs, buf(11, 2, "net", 4096, 300, "other", 1, NULL, NULL, NULL));
	json_object_array_del_idx(bufs, 3, 1);
	now = holdings_of(bufs);
	d = holdings_diff(before, now);
	g = json_object_array_get_idx(jget(d, "grew"), 0);
	l = json_object_array_get_idx(jget(g, "labels"), 0);
	check(json_object_array_length(jget(d, "grew")) == 2 && jnum(g, "pid") == 200 &&
	      json_object_get_int64(jget(g, "bytes_delta")) == (9 << 20) &&
	      json_object_get_int64(jget(g, "buffers_delta")) == 3,
	      "diff: the process that grew most first, deltas added up");
	check(!strcmp(jstr(l, "label"), "out") && jnum(l, "buffers_before") == 2 &&
	      jnum(l, "buffers") == 4, "diff: its label that grew most first, before and now");
	g = json_object_array_get_idx(jget(d, "grew"), 1);
	check(jnum(g, "pid") == 300 && !strcmp(jstr(g, "comm"), "other"),
	      "diff: a reused pid with another name is another process");
	check(jnum(d, "grown_bytes") == (9 << 20) + 4096 && jnum(d, "shrunk_bytes") == 4096,
	      "diff: grown and released bytes");
	json_object_put(d);
	json_object_put(now);
	json_object_put(before);
	json_object_put(bufs);
}

static void test_sort(void)
{
	json_object *p = parse("[{\"pid\":5,\"pool_id\":1,\"buffers\":1,\"bytes\":10,"
			       "\"peak_bytes\":90,\"oldest_ms\":3},"
			       "{\"pid\":3,\"pool_id\":1,\"buffers\":7,\"bytes\":30,"
			       "\"peak_bytes\":30,\"oldest_ms\":1},"
			       "{\"pid\":9,\"pool_id\":1,\"buffers\":2,\"bytes\":20,"
			       "\"peak_bytes\":20},"
			       "{\"pid\":3,\"pool_id\":0,\"buffers\":2,\"bytes\":20,"
			       "\"peak_bytes\":20,\"oldest_ms\":9}]");
	static const struct { const char *key; unsigned int pids[4]; } want[] = {
		{ "bytes", { 3, 3, 9, 5 } }, { "buffers", { 3, 3, 9, 5 } },
		{ "peak", { 5, 3, 3, 9 } }, { "age", { 3, 5, 3, 9 } }, { "pid", { 3, 3, 5, 9 } },
	};
	unsigned int i, k, ok;
	char what[64];

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ok = !procs_sort(p, want[i].key);
		for (k = 0; k < 4; k++)
			ok &= jnum(json_object_array_get_idx(p, k), "pid") == want[i].pids[k];
		snprintf(what, sizeof(what), "proc --sort %s", want[i].key);
		check(ok, what);
	}
	check(procs_sort(p, "size") == -EINVAL, "proc --sort: an unknown key is refused");
	json_object_put(p);
}

/* The sample pools of the Prometheus tests: a name to escape, an empty pool. */
static json_object *prom_pools(void)
{
	return parse("[{\"id\":3,\"name\":\"fra\\\"m\\\\es\",\"block_size\":4096,\"min\":64,"
		     "\"max\":0,\"stats\":{\"blocks_total\":64,\"blocks_used\":2,"
		     "\"bytes_total\":262144,\"bytes_used\":8192,\"bytes_requested\":6000,"
		     "\"bytes_stranded\":0,\"allocs\":9,\"frees\":7,\"fail_pool_max\":1},"
		     "\"efficiency\":0.0228882,\"fragmentation\":0},"
		     "{\"id\":4,\"name\":\"empty\",\"block_size\":65536,\"stats\":{},"
		     "\"efficiency\":null,\"fragmentation\":null}]");
}

static bool metric_name_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!(isalpha((unsigned char)s[i]) || s[i] == '_' || s[i] == ':' ||
		      (i && isdigit((unsigned char)s[i]))))
			return false;
	return len > 0;
}

/* Labels: name="value" pairs, values escaped; returns the end, or NULL. */
static const char *labels_ok(const char *s)
{
	while (*s != '}') {
		const char *eq = strchr(s, '=');

		if (!eq || !metric_name_ok(s, eq - s) || eq[1] != '"')
			return NULL;
		for (s = eq + 2; *s != '"'; s++) {
			if (!*s || *s == '\n')
				return NULL;
			if (*s == '\\' && s[1] != '\\' && s[1] != '"' && s[1] != 'n')
				return NULL;
			if (*s == '\\')
				s++;
		}
		s++;
		if (*s == ',')
			s++;
		else if (*s != '}')
			return NULL;
	}
	return s + 1;
}

/*
 * A strict reading of the text exposition format: HELP and TYPE once per
 * family and before its samples, a family's samples together, counters
 * named _total and gauges not, values numbers or NaN, no series twice.
 */
static int prom_check(char *text, char *why, size_t len)
{
	char family[128] = "", type[256] = "", *line, *save, seen[8192] = "\n";
	double v;
	char *end;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
			char name[128], rest[256];

			if (sscanf(line + 7, "%127s %255[^\n]", name, rest) != 2)
				return snprintf(why, len, "bad comment: %s", line);
			if (!strncmp(line, "# TYPE ", 7)) {
				if (strcmp(name, family))
					return snprintf(why, len, "TYPE without HELP: %s", line);
				snprintf(type, sizeof(type), "%s", rest);
				if (strcmp(type, "gauge") && strcmp(type, "counter"))
					return snprintf(why, len, "bad type: %s", line);
				if (!strcmp(type, "counter") !=
				    (strlen(name) > 6 && !strcmp(name + strlen(name) - 6, "_total")))
					return snprintf(why, len, "_total iff counter: %s", name);
				continue;
			}
			if (strstr(seen, name) && strstr(seen, name)[strlen(name)] == '\n' &&
			    strstr(seen, name)[-1] == '\n')
				return snprintf(why, len, "family twice: %s", name);
			snprintf(family, sizeof(family), "%s", name);
			type[0] = '\0';
			strncat(seen, name, sizeof(seen) - strlen(seen) - 2);
			strcat(seen, "\n");
			continue;
		}
		end = line + strcspn(line, "{ ");
		if (!*end || !type[0] || (size_t)(end - line) != strlen(family) ||
		    strncmp(line, family, strlen(family)))
			return snprintf(why, len, "sample outside its family: %s", line);
		if (*end == '{')
			end = (char *)labels_ok(end + 1);
		if (!end || *end != ' ')
			return snprintf(why, len, "bad labels: %s", line);
		if (strcmp(end + 1, "NaN")) {
			v = strtod(end + 1, &end);
			if (*end || v < 0)
				return snprintf(why, len, "bad value: %s", line);
		}
	}
	return 0;
}

static void test_prom(void)
{
	json_object *pools = prom_pools();
	char esc[64], *text = NULL, why[256] = "";
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	check_str(prom_escape("a\"b\\c\nd", esc, sizeof(esc)), "a\\\"b\\\\c\\nd",
		  "prometheus: label values escaped");
	prom_write(f, pools, true);
	fclose(f);
	check(strstr(text, "memopt_pool_blocks_used{pool=\"fra\\\"m\\\\es\",id=\"3\"} 2\n") != NULL,
	      "prometheus: a gauge with escaped pool and id labels");
	check(strstr(text, "# TYPE memopt_pool_block_allocations_total counter\n"
			   "memopt_pool_block_allocations_total{pool=\"fra\\\"m\\\\es\",id=\"3\"} 9\n") != NULL,
	      "prometheus: a counter, its TYPE line first");
	check(strstr(text, "memopt_pool_allocation_failures_total{pool=\"fra\\\"m\\\\es\",id=\"3\","
			   "reason=\"pool_max\"} 1\n") != NULL,
	      "prometheus: failures by reason");
	check(strstr(text, "memopt_pool_held_bytes{pool=\"empty\",id=\"4\"} 0\n") &&
	      strstr(text, "memopt_pool_memory_efficiency_ratio{pool=\"empty\",id=\"4\"} NaN\n") &&
	      strstr(text, "memopt_pool_memory_efficiency_ratio{pool=\"fra\\\"m\\\\es\",id=\"3\"} 0.0228882\n"),
	      "prometheus: ratios, NaN when undefined");
	check(strstr(text, "memopt_pools 2\n") != NULL, "prometheus: the number of pools");
	check(prom_check(text, why, sizeof(why)) == 0, "prometheus: strict format check passes");
	if (why[0])
		printf("# %s\n", why);
	free(text);
	text = strdup("# HELP x_total a\n# TYPE x_total gauge\n");
	check(prom_check(text, why, sizeof(why)) != 0, "prometheus: the checker catches a bad name");
	free(text);
	text = strdup("# HELP x a\n# TYPE x gauge\nx{a=\"b\\q\"} 1\n");
	check(prom_check(text, why, sizeof(why)) != 0, "prometheus: the checker catches a bad escape");
	free(text);
	json_object_put(pools);
}

static void test_events(void)
{
	static const struct { const char *ev, *want; } t[] = {
		{ "{\"event\":\"watermark\",\"direction\":\"up\",\"pool\":{\"id\":3,\"name\":\"f\","
		  "\"block_size\":4096,\"max\":100,\"watermark\":80,\"stats\":{\"bytes_used\":348160}}}",
		  "watermark up: f (id 3) at 85% of max (85 of 100 blocks), watermark 80%" },
		{ "{\"event\":\"exhausted\",\"reason\":\"pool_max\",\"pool\":{\"id\":3,\"name\":\"f\","
		  "\"max\":100}}", "exhausted: f (id 3): the pool is at its max (100 blocks)" },
		{ "{\"event\":\"leak\",\"reason\":[\"age\"],\"buffer\":{\"id\":17,\"pool_id\":3,"
		  "\"pool\":\"f\",\"size\":4096,\"owner_pid\":12,\"age_ms\":303000}}",
		  "leak suspected (age): buffer 17 in pool f (id 3), 4 KiB, owner pid 12, age 5m 3s" },
		{ "{\"event\":\"leak\",\"reason\":[\"growth\"],\"process\":{\"pid\":12,\"pool_id\":3,"
		  "\"pool\":null,\"bytes\":2097152,\"growth\":1048576}}",
		  "leak suspected (growth): pid 12 in pool #3 grew by 1 MiB to 2 MiB" },
		{ "{\"event\":\"pool_destroyed\",\"pool\":{\"id\":3,\"name\":\"f\",\"dying\":true,"
		  "\"stats\":{\"buffers\":2,\"bytes_used\":8192}}}",
		  "pool destroyed: f (id 3), dying: held by 2 buffers (8 KiB)" },
		{ "{\"event\":\"pool_created\",\"pool\":{\"id\":3,\"name\":\"f\",\"block_size\":4096,"
		  "\"min\":64,\"max\":0,\"watermark\":0,\"leak_age\":300}}",
		  "pool created: f (id 3): 4 KiB blocks, min 64, leak age 5m" },
		{ "{\"event\":\"pool_freed\",\"pool\":{\"id\":3,\"name\":\"f\"}}",
		  "pool freed: f (id 3)" },
	};
	unsigned int i;
	char line[512], what[64];

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		json_object *ev = parse(t[i].ev);

		snprintf(what, sizeof(what), "monitor line: %s", jstr(ev, "event"));
		check_str(event_text(ev, line, sizeof(line)), t[i].want, what);
		json_object_put(ev);
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--prom")) {
		json_object *pools = prom_pools();
		FILE *f = fopen(argv[2], "w");

		if (!f)
			return 1;
		prom_write(f, pools, true);
		json_object_put(pools);
		return fclose(f) ? 1 : 0;
	}
	test_holders();
	test_owners();
	test_leak_report();
	test_diff();
	test_sort();
	test_prom();
	test_events();
	printf("1..%d\n", n);
	return failed;
}
