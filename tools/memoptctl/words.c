// SPDX-License-Identifier: GPL-2.0
/*
 * Lines of batch and pool files split into words (see words.h). Words are
 * unquoted in place: the output never runs ahead of the input.
 */
#include <stdlib.h>
#include <string.h>

#include "words.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Copy one word from *@in to @out, unquoting it; stop at a blank or the end.
 * Returns the end of the word in @out, or NULL with the reason in *@err.
 */
static char *one_word(char **in, char *out, bool quotes, const char **err)
{
	char *p = *in, q = 0;

	for (; *p && (q || !blank(*p)); p++) {
		if (!quotes) {
			*out++ = *p;
		} else if (q == '\'') {
			if (*p == '\'')
				q = 0;
			else
				*out++ = *p;
		} else if (q == '"') {
			if (*p == '"')
				q = 0;
			else if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				*out++ = *++p;
			else
				*out++ = *p;
		} else if (*p == '\'' || *p == '"') {
			q = *p;
		} else if (*p == '\\') {
			if (!p[1] || p[1] == '\n') {
				*err = "a backslash at the end of the line (lines do not continue)";
				return NULL;
			}
			*out++ = *++p;
		} else {
			*out++ = *p;
		}
	}
	if (q) {
		*err = q == '"' ? "a double quote (\") is not closed" :
				  "a single quote (') is not closed";
		return NULL;
	}
	*in = p;
	return out;
}

char **split_words(char *line, bool quotes, int *n, const char **err)
{
	size_t cap = strlen(line) / 2 + 2;	/* a word and a blank: 2 characters */
	char **w = calloc(cap, sizeof(*w));
	char *p = line, *end;

	*n = 0;
	if (!w) {
		*err = "out of memory";
		return NULL;
	}
	for (;;) {
		while (blank(*p))
			p++;
		if (!*p || *p == '#')
			break;
		w[*n] = p;
		end = one_word(&p, p, quotes, err);
		if (!end) {
			free(w);
			return NULL;
		}
		/* The word ended at a blank or at the end: p >= end. */
		if (*p)
			p++;
		*end = '\0';
		(*n)++;
	}
	w[*n] = NULL;
	return w;
}
