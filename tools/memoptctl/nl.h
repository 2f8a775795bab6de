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
	bool borrowed;		/* the batch's shared socket: not ours to free */
	/* Put before kernel errors, e.g. "pools.conf:3: pool frames: " (or NULL). */
	const char *context;
	/* The last kernel error, as printed (without "Error: " and @context). */
	char last_error[320];
	/* How errors name request attributes: labels[type], e.g. "--size". */
	const char *const *labels;
	int n_labels;
};

/*
 * Connect and resolve the family; prints the error (-ENOENT: the module is
 * not loaded). 0 or -errno. In batch mode, the batch's shared socket.
 */
int mctl_open(struct mctl *m);
/* The same, always with a socket of its own: for mctl_subscribe(). */
int mctl_open_events(struct mctl *m);
/* Close @m's socket (a borrowed one stays open for the next command). */
void mctl_close(struct mctl *m);
/*
 * Batch mode on: from now on mctl_open() lends every command one socket,
 * opened by the first that needs it; off: close it.
 */
void mctl_share(bool on);
/* A request for @cmd; @flags e.g. NLM_F_DUMP. NULL on ENOMEM. */
struct nl_msg *mctl_msg(struct mctl *m, uint8_t cmd, int flags);

/* Replies are parsed with room for this many attributes (every set's max). */
#define MCTL_MAXATTR	32

/* One message of the family, as given to callbacks. */
struct mctl_reply {
	uint8_t cmd;
	struct nlattr **tb;	/* top-level attributes, tb[0..MCTL_MAXATTR] */
	struct nlattr *attrs;	/* all of them, in order (repeated ones too) */
	int len;
};

/*
 * Send @msg (consumed) and call @cb for each reply. Kernel errors are
 * printed as "Error: <extack message> (<option>)." unless m->quiet.
 * Returns 0 or a negative errno (also one @cb returned).
 */
typedef int (*mctl_cb)(const struct mctl_reply *r, void *arg);
int mctl_request(struct mctl *m, struct nl_msg *msg, mctl_cb cb, void *arg);

/*
 * Join the "monitor" multicast group. Use a socket of its own: requests
 * go through another one. 0 or -errno (printed).
 */
int mctl_subscribe(struct mctl *m);

/*
 * Wait up to @timeout_ms (-1: no limit) for notifications and call @cb for
 * each. Returns after one batch: 0 (handled, or nothing came in time),
 * what @cb returned if not 0 (it wants to stop), -EINTR when SIGINT or
 * SIGTERM came (see wait.h), -ENOBUFS when the socket overflowed and
 * events were lost, or another -errno.
 */
int mctl_events(struct mctl *m, int timeout_ms, mctl_cb cb, void *arg);

#endif
