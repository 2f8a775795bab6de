/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pool files, as "memoptctl apply" reads them: one pool a line,
 *
 *     pool NAME size=SIZE [min=BLOCKS] [max=BLOCKS] [watermark=PERCENT]
 *          [leak-age=DURATION] [growth=SIZE] [growth-window=DURATION]
 *          [uid=USER] [gid=GROUP] [mode=MODE]
 *
 * the values and limits of "pool create"'s options; blank lines, and "#"
 * comments from the start of a word to the end of the line.
 */
#ifndef _MEMOPTCTL_CONF_H
#define _MEMOPTCTL_CONF_H

#include <stddef.h>
#include <stdio.h>

#include <linux/memopt.h>

#include "settings.h"

struct conf_pool {
	char name[MEMOPT_POOL_NAME_SIZE];
	unsigned int line;
	/* Every field: the file's (in s.given) or pool create's default. */
	struct pool_settings s;
};

struct conf {
	struct conf_pool *pools;	/* in the file's order */
	size_t n;
};

/*
 * Read the pool file @f into @c, reporting each bad line as
 * "Error: PATH:LINE: reason." (@path names the file). Returns the number of
 * bad lines (0: @c holds every pool), or -errno when @f cannot be read
 * (reported). conf_free() @c either way.
 */
int conf_read(FILE *f, const char *path, struct conf *c);
void conf_free(struct conf *c);
/* The pool named @name in @c, or NULL. */
const struct conf_pool *conf_find(const struct conf *c, const char *name);

#endif
