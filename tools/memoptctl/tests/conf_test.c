// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of pool files (conf.c: every setting, defaults, comments, bad
 * lines with their line numbers and reasons, duplicates), of the pool
 * settings they share with "pool create" (settings.c) and of the splitting
 * of batch lines into words (words.c). TAP out.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../conf.h"
#include "../print.h"
#include "../settings.h"
#include "../words.h"

static int n, failed;

static void check(int ok, const char *what)
{
	n++;
	printf("%sok %d %s\n", ok ? "" : "not ", n, what);
	failed |= !ok;
}

/* What conf_read() printed on stderr, and what it returned. */
static char errs[8192];

/* Read @text as the pool file "t.conf" into @c; returns conf_read()'s value. */
static int parse(const char *text, struct conf *c)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *cap = tmpfile();
	int saved = dup(2), ret;
	size_t len;

	fflush(stderr);
	dup2(fileno(cap), 2);
	ret = conf_read(in, "t.conf", c);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(cap);
	len = fread(errs, 1, sizeof(errs) - 1, cap);
	errs[len] = '\0';
	fclose(cap);
	fclose(in);
	return ret;
}

/* How many times @s is in errs. */
static int count(const char *s)
{
	const char *p = errs;
	int k = 0;

	while ((p = strstr(p, s))) {
		k++;
		p++;
	}
	return k;
}

/* @text has exactly one bad line, @line, whose error contains @why. */
static void bad(const char *text, unsigned int line, const char *why)
{
	struct conf c;
	char want[512], what[600];
	int ret = parse(text, &c);

	snprintf(want, sizeof(want), "Error: t.conf:%u: ", line);
	snprintf(what, sizeof(what), "rejected, line %u: %s", line, why);
	check(ret == 1 && !strncmp(errs, want, strlen(want)) && strstr(errs, why) &&
	      count("Error: t.conf:") == 1 && errs[strlen(errs) - 2] == '.', what);
	if (ret != 1 || !strstr(errs, want) || !strstr(errs, why))
		printf("# got %d: %s", ret, errs);
	conf_free(&c);
}

static const struct conf_pool *pool(const struct conf *c, const char *name)
{
	return conf_find(c, name);
}

static void test_good(void)
{
	static const char text[] =
		"# pools of the camera\n"
		"\n"
		"   # an indented comment\n"
		"pool frames size=4k min=64 max=65536 watermark=80 leak-age=5m  # trailing\n"
		"pool\tvideo\tsize=2M max=64 growth=16M growth-window=2m uid=root gid=0 mode=640\n"
		"pool a#b size=8KiB leak-age=1d mode=0\r\n"
		"pool plain size=4096\n"
		"pool 123 size=4K\n";
	const struct conf_pool *p;
	struct conf c;
	int ret = parse(text, &c);

	check(ret == 0 && !errs[0] && c.n == 5, "a good file: 5 pools, no error");
	p = pool(&c, "frames");
	check(p && p->line == 4, "frames is on line 4");
	check(p && p->s.v[SF_SIZE] == 4096 && p->s.v[SF_MIN] == 64 && p->s.v[SF_MAX] == 65536 &&
	      p->s.v[SF_WATERMARK] == 80 && p->s.v[SF_LEAK_AGE] == 300,
	      "size, min, max, watermark, leak-age");
	check(p && p->s.given == (SF_BIT(SF_SIZE) | SF_BIT(SF_MIN) | SF_BIT(SF_MAX) |
				  SF_BIT(SF_WATERMARK) | SF_BIT(SF_LEAK_AGE)),
	      "given: the 5 settings of the line");
	check(p && p->s.v[SF_GROWTH] == 0 && p->s.v[SF_GROWTH_WINDOW] == 60 &&
	      p->s.v[SF_MODE] == 0660 && p->s.v[SF_UID] == geteuid() &&
	      p->s.v[SF_GID] == getegid(),
	      "left out: pool create's defaults (growth off, window 60s, mode 0660, the caller)");
	p = pool(&c, "video");
	check(p && p->line == 5 && p->s.v[SF_SIZE] == 2 << 20 && p->s.v[SF_MAX] == 64 &&
	      p->s.v[SF_GROWTH] == 16 << 20 && p->s.v[SF_GROWTH_WINDOW] == 120,
	      "tabs separate; growth, growth-window");
	check(p && p->s.v[SF_UID] == 0 && p->s.v[SF_GID] == 0 && p->s.v[SF_MODE] == 0640,
	      "uid by name, gid by number, mode in octal");
	p = pool(&c, "a#b");
	check(p && p->s.v[SF_SIZE] == 8192 && p->s.v[SF_LEAK_AGE] == 86400 &&
	      p->s.v[SF_MODE] == 0, "# inside a word is no comment; CRLF; mode 0");
	check(pool(&c, "123") && pool(&c, "plain") && pool(&c, "plain")->s.given == SF_BIT(SF_SIZE),
	      "an all-digit name; a pool with a size only");
	check(c.pools[0].line == 4 && c.pools[4].line == 8 && !strcmp(c.pools[4].name, "123"),
	      "pools in the file's order");
	conf_free(&c);

	check(parse("", &c) == 0 && c.n == 0 && !errs[0], "an empty file: no pools, no error");
	conf_free(&c);
	check(parse("# nothing\n\n  \n\t# more\n", &c) == 0 && c.n == 0,
	      "comments and blank lines only");
	conf_free(&c);
	check(parse("pool last size=4k", &c) == 0 && c.n == 1, "a last line without a newline");
	conf_free(&c);
}

static void test_bad(void)
{
	struct conf c;
	int ret;

	bad("pool p size=4q\n", 1, "size \"4q\" is not a size (4096, 4k, 64K, 2M)");
	bad("\n\npool p min=3\n", 3, "pool p needs size=SIZE");
	bad("pools p size=4k\n", 1, "unknown keyword \"pools\"");
	bad("pool\n", 1, "the NAME is missing");
	bad("pool size=4k\n", 1, "the NAME is missing");
	bad("pool pool7 size=4k\n", 1, "names of the form pool<N> are reserved");
	bad("pool p size=4k colour=red\n", 1, "unknown setting \"colour\"");
	bad("pool p size=4k min=1 min=2\n", 1, "min is given twice");
	bad("pool p size=4k size=8k\n", 1, "size is given twice");
	bad("pool p size=4k 64\n", 1, "\"64\" is not KEY=VALUE");
	bad("pool p size=4k =64\n", 1, "\"=64\" is not KEY=VALUE");
	bad("pool p size=4k min=\n", 1, "min \"\" is not a number of blocks");
	bad("pool p size=4k min=-1\n", 1, "min \"-1\" is not a number of blocks");
	bad("pool p size=4k max=4294967296\n", 1, "max \"4294967296\" is not a number of blocks");
	bad("pool p size=4k watermark=101\n", 1, "watermark \"101\" is not a percentage");
	bad("pool p size=4k leak-age=5min\n", 1, "leak-age \"5min\" is not a duration");
	bad("pool p size=4k leak-age=5M\n", 1, "leak-age \"5M\" is not a duration");
	bad("pool p size=4k growth=x\n", 1, "growth \"x\" is not a size");
	bad("pool p size=4k growth-window=1h30m\n", 1, "growth-window \"1h30m\" is not a duration");
	bad("pool p size=4k uid=no-such-user-here\n", 1, "uid \"no-such-user-here\" is no user");
	bad("pool p size=4k gid=no-such-group-here\n", 1, "gid \"no-such-group-here\" is no group");
	bad("pool p size=4k mode=999\n", 1, "mode \"999\" is not octal permission bits");
	bad("pool p size=4k mode=1777\n", 1, "mode \"1777\" is not octal permission bits");
	bad("pool p size=5000\n", 1, "size 5000 is not a multiple of the page size");
	bad("pool p size=0\n", 1, "size 0 is not a multiple of the page size");
	bad("pool p size=8M\n", 1, "size 8 MiB is above the largest block size, 4 MiB");
	bad("pool p size=8G\n", 1, "size \"8G\" is not a size");
	bad("pool p size=4k min=10 max=5\n", 1, "min 10 exceeds max 5");
	bad("pool p size=4k growth-window=0\n", 1, "growth-window must be at least 1s");
	bad("pool 01234567890123456789012345678901 size=4k\n", 1, "is not 1 to 31 characters long");
	bad("pool caf\xc3\xa9 size=4k\n", 1, "is not printable ASCII without blanks");
	bad("pool p size=4k\npool q size=4k\npool p size=8k\n", 3, "pool p is already on line 1");

	check(parse("pool p size=4k min=10 max=0\n", &c) == 0, "min above a max of 0 (none) is fine");
	conf_free(&c);
	check(parse("pool 0123456789012345678901234567890 size=4k\n", &c) == 0,
	      "a name of 31 characters is fine");
	conf_free(&c);
	check(parse("pool pool size=4k\npool pool1x size=4k\n", &c) == 0 && c.n == 2,
	      "\"pool\" and \"pool1x\" are not reserved");
	conf_free(&c);

	ret = parse("pool a size=4k\nbogus\npool b size=4q\npool c size=4k\npool a size=4k\n", &c);
	check(ret == 3, "three bad lines counted");
	check(strstr(errs, "t.conf:2: ") && strstr(errs, "t.conf:3: ") && strstr(errs, "t.conf:5: ") &&
	      !strstr(errs, "t.conf:1: ") && !strstr(errs, "t.conf:4: "),
	      "each bad line is reported with its number, the good ones are not");
	conf_free(&c);
}

static void test_settings(void)
{
	struct pool_settings s = { 0 };
	char buf[64], err[160];
	json_object *p;

	p = json_tokener_parse("{\"id\":3,\"name\":\"frames\",\"block_size\":4096,\"min\":64,"
			       "\"max\":0,\"watermark\":80,\"leak_age\":300,\"uid\":0,\"gid\":0,"
			       "\"mode\":432,\"growth\":0,\"growth_window\":60}");
	pool_field_parse(SF_SIZE, "4k", false, &s, err, sizeof(err));
	pool_field_parse(SF_MIN, "64", false, &s, err, sizeof(err));
	pool_field_parse(SF_WATERMARK, "80", false, &s, err, sizeof(err));
	pool_field_parse(SF_LEAK_AGE, "5m", false, &s, err, sizeof(err));
	pool_field_parse(SF_UID, "0", false, &s, err, sizeof(err));
	pool_field_parse(SF_GID, "0", false, &s, err, sizeof(err));
	pool_settings_fill(&s);
	check(pool_settings_diff(&s, p, SF_ALL) == 0, "settings equal to the kernel's: no difference");
	s.v[SF_MIN] = 128;
	s.v[SF_MODE] = 0640;
	check(pool_settings_diff(&s, p, SF_ALL) == (SF_BIT(SF_MIN) | SF_BIT(SF_MODE)),
	      "min and mode differ: exactly those");
	check(pool_settings_diff(&s, p, SF_BIT(SF_WATERMARK)) == 0, "the mask limits the comparison");
	json_object_put(p);

	check(pool_field_parse(SF_MIN, "x", true, &s, err, sizeof(err)) &&
	      !strcmp(err, "--min \"x\" is not a number of blocks"),
	      "as an option, the error names --min");
	check(pool_field_lookup("growth-window") == SF_GROWTH_WINDOW &&
	      pool_field_lookup("growth_window") == -1 && pool_field_lookup("name") == -1,
	      "file keys are the option names");
	check(!strcmp(pool_field_format(SF_MAX, 0, buf, sizeof(buf)), "none") &&
	      !strcmp(pool_field_format(SF_WATERMARK, 0, buf, sizeof(buf)), "off") &&
	      !strcmp(pool_field_format(SF_WATERMARK, 80, buf, sizeof(buf)), "80%") &&
	      !strcmp(pool_field_format(SF_LEAK_AGE, 300, buf, sizeof(buf)), "5m") &&
	      !strcmp(pool_field_format(SF_GROWTH, 0, buf, sizeof(buf)), "off") &&
	      !strcmp(pool_field_format(SF_GROWTH, 16 << 20, buf, sizeof(buf)), "16 MiB") &&
	      !strcmp(pool_field_format(SF_MODE, 0660, buf, sizeof(buf)), "0660") &&
	      !strcmp(pool_field_format(SF_SIZE, 4096, buf, sizeof(buf)), "4 KiB"),
	      "values for people: none, off, 80%, 5m, 16 MiB, 0660, 4 KiB");
}

/* @line split (with quotes or not) is exactly @want, words joined by "|". */
static void words(const char *line, bool quotes, const char *want)
{
	char *copy = strdup(line), joined[512] = "", what[600];
	const char *err = NULL;
	char **w;
	int i, cnt;

	w = split_words(copy, quotes, &cnt, &err);
	if (w)
		for (i = 0; i < cnt; i++)
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
				 i ? "|" : "", w[i]);
	snprintf(what, sizeof(what), "split%s: [%.*s] is [%s]", quotes ? "" : " (no quotes)",
		 (int)strcspn(line, "\n"), line, want);
	check(w && !strcmp(joined, want) && !w[cnt], what);
	if (!w || strcmp(joined, want))
		printf("# got [%s]%s%s\n", joined, err ? ": " : "", err ? err : "");
	free(w);
	free(copy);
}

static void words_bad(const char *line, const char *why)
{
	char *copy = strdup(line), what[600];
	const char *err = NULL;
	int cnt;
	char **w = split_words(copy, true, &cnt, &err);

	snprintf(what, sizeof(what), "split: [%s] is refused: %s", line, why);
	check(!w && err && strstr(err, why), what);
	free(w);
	free(copy);
}

static void test_words(void)
{
	words("pool show frames\n", true, "pool|show|frames");
	words("  pool\t list  ", true, "pool|list");
	words("", true, "");
	words("   # a comment\n", true, "");
	words("pool list # all of them", true, "pool|list");
	words("pool show a#b", true, "pool|show|a#b");
	words("buf list --label 'two words'", true, "buf|list|--label|two words");
	words("buf list --label=\"a \\\"b\\\" c\"", true, "buf|list|--label=a \"b\" c");
	words("x 'it''s' \"\\\\\" \"\\n\"", true, "x|its|\\|\\n");
	words("x '' \"\" y", true, "x|||y");
	words("x a\\ b \\#c '#d'", true, "x|a b|#c|#d");
	words("x 'a\"b' \"a'b\"", true, "x|a\"b|a'b");
	words("x 'a\\b'", true, "x|a\\b");
	words("pool 'a b' c\\d", false, "pool|'a|b'|c\\d");
	words_bad("pool show 'frames", "single quote");
	words_bad("pool show \"frames", "double quote");
	words_bad("pool show frames\\", "backslash at the end");
}

int main(void)
{
	test_good();
	test_bad();
	test_settings();
	test_words();
	printf("1..%d\n", n);
	return failed;
}
