// SPDX-License-Identifier: GPL-2.0
/*
 * Pool files (conf.h): read line by line, each line parsed into a pool or
 * rejected with one reason, and every line read before the caller acts,
 * so that a bad file changes nothing. The values go through the parsers of
 * "pool create"'s options (settings.c), and what the kernel would refuse
 * anyway (a block size that is no multiple of the page size, min above max,
 * a reserved name, ...) is refused here, before anything is sent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "print.h"
#include "words.h"

/* The reason a line is bad, filled by the parsers below. */
struct why {
	char msg[256];
};

/* One KEY=VALUE word into @s; 0 or -EINVAL (@why says why). */
static int parse_setting(char *word, struct pool_settings *s, struct why *why)
{
	char *eq = strchr(word, '=');
	int f;

	if (!eq || eq == word) {
		snprintf(why->msg, sizeof(why->msg), "\"%s\" is not KEY=VALUE", word);
		return -EINVAL;
	}
	*eq = '\0';
	f = pool_field_lookup(word);
	if (f < 0) {
		snprintf(why->msg, sizeof(why->msg),
			 "unknown setting \"%s\" (size, min, max, watermark, leak-age, growth, growth-window, uid, gid, mode)",
			 word);
		return -EINVAL;
	}
	if (s->given & SF_BIT(f)) {
		snprintf(why->msg, sizeof(why->msg), "%s is given twice", word);
		return -EINVAL;
	}
	return pool_field_parse(f, eq + 1, false, s, why->msg, sizeof(why->msg));
}

/* The words of one "pool" line into @p; 0 or -EINVAL (@why says why). */
static int parse_pool(char **w, int n, struct conf_pool *p, struct why *why)
{
	int i;

	if (n < 2 || strchr(w[1], '=')) {
		snprintf(why->msg, sizeof(why->msg),
			 "a pool line is \"pool NAME size=SIZE [KEY=VALUE ...]\": the NAME is missing");
		return -EINVAL;
	}
	if (pool_name_check(w[1], why->msg, sizeof(why->msg)))
		return -EINVAL;
	snprintf(p->name, sizeof(p->name), "%s", w[1]);
	for (i = 2; i < n; i++)
		if (parse_setting(w[i], &p->s, why))
			return -EINVAL;
	if (!(p->s.given & SF_BIT(SF_SIZE))) {
		snprintf(why->msg, sizeof(why->msg), "pool %s needs size=SIZE", p->name);
		return -EINVAL;
	}
	pool_settings_fill(&p->s);
	return pool_settings_check(&p->s, why->msg, sizeof(why->msg));
}

/* One line; 0 (a pool added to @c, or nothing on the line), or -EINVAL. */
static int parse_line(char *line, unsigned int lineno, struct conf *c, struct why *why)
{
	struct conf_pool p = { .line = lineno };
	const struct conf_pool *dup;
	const char *err;
	char **w;
	int n, ret = 0;

	w = split_words(line, false, &n, &err);
	if (!w) {
		snprintf(why->msg, sizeof(why->msg), "%s", err);
		return -EINVAL;
	}
	if (n && strcmp(w[0], "pool")) {
		snprintf(why->msg, sizeof(why->msg),
			 "unknown keyword \"%s\": a line is \"pool NAME size=SIZE [KEY=VALUE ...]\"",
			 w[0]);
		ret = -EINVAL;
	} else if (n) {
		ret = parse_pool(w, n, &p, why);
	}
	free(w);
	if (ret || !n)
		return ret;
	dup = conf_find(c, p.name);
	if (dup) {
		snprintf(why->msg, sizeof(why->msg), "pool %s is already on line %u", p.name,
			 dup->line);
		return -EINVAL;
	}
	c->pools = realloc(c->pools, (c->n + 1) * sizeof(*c->pools));
	if (!c->pools)
		abort();
	c->pools[c->n++] = p;
	return 0;
}

int conf_read(FILE *f, const char *path, struct conf *c)
{
	unsigned int lineno = 0;
	int bad = 0, err;
	size_t cap = 0;
	char *line = NULL;
	struct why why;

	c->pools = NULL;
	c->n = 0;
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		if (parse_line(line, lineno, c, &why)) {
			errorf("%s:%u: %s", path, lineno, why.msg);
			bad++;
		}
	}
	err = ferror(f) ? errno : 0;
	free(line);
	if (err) {
		errorf("cannot read \"%s\": %s", path, strerror(err));
		return -err;
	}
	return bad;
}

void conf_free(struct conf *c)
{
	free(c->pools);
	c->pools = NULL;
	c->n = 0;
}

const struct conf_pool *conf_find(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->pools[i].name, name))
			return &c->pools[i];
	return NULL;
}
