/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the programs that are not harness tests: the fuzzer (fuzz.c)
 * and the stress program (stress.c).
 */
#ifndef MEMOPT_PROG_H
#define MEMOPT_PROG_H

#include <stdint.h>

/* The next number of a splitmix64 stream: a seed fixes every draw. */
uint64_t prog_splitmix(uint64_t *state);
/* "0", or the errno's name ("ENOMEM"); a static buffer. */
const char *prog_errname(int e);
/* Receive whatever is queued on @sock, closing every fd passed with it; close @sock. */
void prog_drain_close(int sock);

#endif
