/* SPDX-License-Identifier: GPL-2.0 */
/* memoptctl's generic netlink layer (libnl-genl-3). */
#ifndef _MEMOPTCTL_NL_H
#define _MEMOPTCTL_NL_H

#include <stdbool.h>
#include <netlink/genl/genl.h>

struct mctl {
	struct nl_sock *sk;
	int family;
	int monitor_grp;
	bool quiet;		/* do not print kernel errors (probes) */
	/* How errors name request attributes: labels[type], e.g. "--size". */
	const char *const *labels;
	int n_labels;
};

/* Connect and resolve the family; prints the error. 0 or -errno. */
int mctl_open(struct mctl *m);
void mctl_close(struct mctl *m);
/* A request for @cmd; @flags e.g. NLM_F_DUMP. NULL on ENOMEM. */
struct nl_msg *mctl_msg(struct mctl *m, uint8_t cmd, int flags);

/*
 * Send @msg (consumed) and call @cb with the top-level attributes of each
 * reply. Kernel errors are printed as "Error: <extack message> (<option>)."
 * Returns 0 or a negative errno.
 */
typedef int (*mctl_cb)(struct nlattr **tb, void *arg);
int mctl_request(struct mctl *m, struct nl_msg *msg, mctl_cb cb, void *arg);

#endif
