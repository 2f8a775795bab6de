/* SPDX-License-Identifier: GPL-2.0 */
/* Lines of batch and pool files split into words. */
#ifndef _MEMOPTCTL_WORDS_H
#define _MEMOPTCTL_WORDS_H

#include <stdbool.h>

/*
 * Split @line in place into words, like a shell's simple words: blanks
 * (spaces, tabs, a final newline) separate them, and "#" at the start of a
 * word starts a comment that runs to the end of the line. With @quotes,
 * '...' keeps everything in it as it is, "..." too but for \" and \\ (a
 * backslash and the character after it), and outside quotes a backslash
 * keeps the next character as it is (no line continuation); quotes may
 * make an empty word ('') or part of one (--label="a b"). Without @quotes,
 * quotes and backslashes are characters like any other.
 *
 * Returns an array of the words ended by NULL (free() it; the words point
 * into @line) and their number in *@n; NULL with the reason in *@err for an
 * unterminated quote or a backslash at the end of the line, or when out of
 * memory.
 */
char **split_words(char *line, bool quotes, int *n, const char **err);

#endif
