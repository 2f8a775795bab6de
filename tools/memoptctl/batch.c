// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl [OPTIONS] -batch FILE [-force]
 *
 * Run each line of FILE ("-": standard input) as "memoptctl OBJECT COMMAND
 * [ARGS]", like "ip -batch": lines are split as a shell splits simple words
 * (quotes and backslashes; words.h), "#" starts a comment, and blank lines
 * are skipped. Every command borrows one netlink socket (nl.c), opened by
 * the first that needs it. Lines are read and run one at a time, so a pipe
 * can feed them. Errors name the line: "Error: FILE:LINE: <message>.".
 *
 * What one command leaves behind is undone before the next: getopt's state,
 * the global options (as given on the command line), the error prefix, and
 * the handling of SIGINT and SIGTERM (monitor, stats --watch and pool
 * destroy --wait catch them; a command they stopped ends the batch).
 *
 * The batch stops at the first command that exits with a status other than
 * 0, unless -force; it exits with the status of the first that failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memoptctl.h"
#include "nl.h"
#include "print.h"
#include "wait.h"
#include "words.h"

struct batch {
	const char *name;	/* in error messages: the path, or "stdin" */
	unsigned long line;
	struct opts base;	/* the global options of the command line */
};

/* Run the command on @line; its exit status, or -1 for a line without one. */
static int batch_line(struct batch *b, char *line)
{
	unsigned long errors = error_count();
	char where[4200];
	const char *err;
	char **argv;
	int argc, ret;

	snprintf(where, sizeof(where), "%s:%lu: ", b->name, b->line);
	argv = split_words(line, true, &argc, &err);
	if (!argv) {
		error_where(where);
		errorf("%s", err);
		error_where(NULL);
		return EXIT_USAGE;
	}
	if (!argc) {
		free(argv);
		return -1;
	}
	opts = b->base;
	getopt_reset();
	error_where(where);
	ret = do_object(argc, argv);
	fflush(stdout);
	stop_release();
	/* Every failure names its line, even one whose command said nothing. */
	if (ret && error_count() == errors)
		errorf("\"%s\" exited with status %d", argv[0], ret);
	error_where(NULL);
	free(argv);
	return ret;
}

int do_batch(const char *path, bool force)
{
	struct batch b = { .name = path, .base = opts };
	FILE *f = stdin;
	int status = EXIT_OK, ret, err;
	size_t cap = 0;
	char *line = NULL;

	if (!strcmp(path, "-"))
		b.name = "stdin";
	else
		f = fopen(path, "r");
	if (!f) {
		errorf("cannot read the batch file \"%s\": %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	mctl_share(true);
	while (getline(&line, &cap, f) != -1) {
		b.line++;
		ret = batch_line(&b, line);
		if (ret > 0 && status == EXIT_OK)
			status = ret;
		if (stop_requested() || (ret > 0 && !force))
			break;
	}
	err = ferror(f) ? errno : 0;
	if (err)
		errorf("cannot read the batch file \"%s\": %s", path, strerror(err));
	mctl_share(false);
	free(line);
	if (f != stdin)
		fclose(f);
	opts = b.base;
	return err && status == EXIT_OK ? EXIT_FAIL : status;
}
