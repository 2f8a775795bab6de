// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl's generic netlink layer: one socket to the "memopt" family,
 * requests with extended acks, and errors reported the way people read
 * them: the kernel's extack message and the option it is about. In batch
 * mode (mctl_share) every command borrows one request socket, kept open
 * from the first command that needs it to the end of the batch; sockets
 * that listen to the monitor group are always a command's own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/memopt.h>

#include "nl.h"
#include "print.h"
#include "wait.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* What a request came back with. */
struct reply {
	mctl_cb cb;
	void *arg;
	int error;		/* 0 or -errno, from the kernel or from @cb */
	bool done;
	bool interrupted;	/* a dump raced with changes */
	char msg[256];		/* extack message */
	uint32_t bad_off;	/* extack: offset of the attribute at fault */
	uint32_t miss_type;	/* extack: the attribute missing */
};

/* What the user typed that became attribute @type. */
static const char *attr_label(struct mctl *m, int type)
{
	return type >= 0 && type < m->n_labels ? m->labels[type] : NULL;
}

/* A socket of its own for @m, connected to the family. */
static int mctl_connect(struct mctl *m)
{
	int one = 1;

	m->sk = nl_socket_alloc();
	if (!m->sk) {
		errorf("cannot allocate a netlink socket");
		return -ENOMEM;
	}
	if (genl_connect(m->sk)) {
		errorf("cannot connect to generic netlink");
		mctl_close(m);
		return -ECONNREFUSED;
	}
	setsockopt(nl_socket_get_fd(m->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(m->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	m->family = genl_ctrl_resolve(m->sk, MEMOPT_GENL_NAME);
	if (m->family == -NLE_OBJ_NOTFOUND) {
		errorf("the memopt module is not loaded (no generic netlink family \"%s\")",
		       MEMOPT_GENL_NAME);
		mctl_close(m);
		return -ENOENT;
	}
	if (m->family < 0) {
		errorf("cannot look up the generic netlink family \"%s\": %s", MEMOPT_GENL_NAME,
		       nl_geterror(m->family));
		mctl_close(m);
		return -EIO;
	}
	m->monitor_grp = genl_ctrl_resolve_grp(m->sk, MEMOPT_GENL_NAME, MEMOPT_MCGRP_MONITOR);
	return 0;
}

/* Batch mode: the request socket that every command borrows. */
static struct mctl shared;
static bool sharing;

void mctl_share(bool on)
{
	if (!on && shared.sk)
		nl_socket_free(shared.sk);
	if (!on)
		shared.sk = NULL;
	sharing = on;
}

int mctl_open(struct mctl *m)
{
	int ret;

	if (!sharing)
		return mctl_connect(m);
	if (!shared.sk) {
		ret = mctl_connect(&shared);
		if (ret)
			return ret;
	}
	m->sk = shared.sk;
	m->family = shared.family;
	m->monitor_grp = shared.monitor_grp;
	m->borrowed = true;
	return 0;
}

int mctl_open_events(struct mctl *m)
{
	return mctl_connect(m);
}

void mctl_close(struct mctl *m)
{
	if (m->sk && !m->borrowed)
		nl_socket_free(m->sk);
	m->sk = NULL;
	m->borrowed = false;
}

struct nl_msg *mctl_msg(struct mctl *m, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, m->family, 0, flags, cmd,
				MEMOPT_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* Parse @nlh and call @cb; a message that does not parse is skipped. */
static int mctl_call(struct nlmsghdr *nlh, mctl_cb cb, void *arg)
{
	struct nlattr *tb[MCTL_MAXATTR + 1];
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct mctl_reply r = { .cmd = g->cmd, .tb = tb };

	if (genlmsg_parse(nlh, 0, tb, MCTL_MAXATTR, NULL))
		return 0;
	r.attrs = genlmsg_attrdata(g, 0);
	r.len = genlmsg_attrlen(g, 0);
	return cb(&r, arg);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;
	int ret;

	ret = r->cb ? mctl_call(nlmsg_hdr(msg), r->cb, r->arg) : 0;
	if (ret < 0 && !r->error)
		r->error = ret;
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct reply *r = arg;
	int off = sizeof(*e);

	(void)nla;
	r->error = e->error;
	r->done = true;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      nlh->nlmsg_len - NLMSG_HDRLEN - off, NULL))
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(r->msg, sizeof(r->msg), "%s", nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS])
		r->bad_off = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		r->miss_type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	return NL_STOP;
}

static int on_intr(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;

	(void)msg;
	r->interrupted = true;
	return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/* The option behind the attribute at @off in the request we sent. */
static const char *bad_option(struct mctl *m, struct nl_msg *msg, uint32_t off)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem)
		if ((uint32_t)((char *)a - (char *)nlh) == off)
			return attr_label(m, nla_type(a));
	return NULL;
}

static void report(struct mctl *m, struct reply *r, struct nl_msg *msg)
{
	const char *opt = r->bad_off ? bad_option(m, msg, r->bad_off) : NULL;
	char paren[64] = "";

	if (!opt && r->miss_type)
		opt = attr_label(m, r->miss_type);
	if (opt)
		snprintf(paren, sizeof(paren), " (%s)", opt);
	if (r->msg[0])
		snprintf(m->last_error, sizeof(m->last_error), "%s%s", r->msg, paren);
	else if (r->error == -EPERM)
		snprintf(m->last_error, sizeof(m->last_error),
			 "%s (changing pools needs CAP_NET_ADMIN)%s", strerror(EPERM), paren);
	else
		snprintf(m->last_error, sizeof(m->last_error), "%s%s", strerror(-r->error), paren);
	errorf("%s%s", m->context ? m->context : "", m->last_error);
}

int mctl_request(struct mctl *m, struct nl_msg *msg, mctl_cb cb, void *arg)
{
	struct reply r = { .cb = cb, .arg = arg };
	struct nl_cb *nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!nlcb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &r);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &r);
	nl_cb_set(nlcb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_intr, &r);
	nl_cb_err(nlcb, NL_CB_CUSTOM, on_error, &r);
	ret = nl_send_auto(m->sk, msg);
	while (ret >= 0 && !r.done)
		ret = nl_recvmsgs(m->sk, nlcb);
	if (ret < 0 && !r.error)
		r.error = -EIO;
	if (r.error && !m->quiet)
		report(m, &r, msg);
	else if (r.interrupted)
		warnf("pools changed during the listing; run it again");
	nl_cb_put(nlcb);
	nlmsg_free(msg);
	return r.error;
}

int mctl_subscribe(struct mctl *m)
{
	int ret;

	if (m->borrowed) {
		errorf("internal error: a shared socket cannot join the \"%s\" group",
		       MEMOPT_MCGRP_MONITOR);
		return -EINVAL;
	}
	if (m->monitor_grp < 0) {
		errorf("the memopt family has no \"%s\" multicast group", MEMOPT_MCGRP_MONITOR);
		return -ENOENT;
	}
	nl_socket_disable_seq_check(m->sk);
	/* Room for bursts (the kernel caps it at net.core.rmem_max). */
	nl_socket_set_buffer_size(m->sk, 1 << 20, 0);
	ret = nl_socket_add_membership(m->sk, m->monitor_grp);
	if (ret) {
		errorf("cannot join the \"%s\" multicast group: %s", MEMOPT_MCGRP_MONITOR,
		       nl_geterror(ret));
		return -EIO;
	}
	return 0;
}

/* Call @cb for each message of our family in @buf[0..len). */
static int mctl_dispatch(struct mctl *m, void *buf, int len, mctl_cb cb, void *arg)
{
	struct nlmsghdr *nlh;
	int ret;

	for (nlh = buf; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type != m->family)
			continue;
		ret = mctl_call(nlh, cb, arg);
		if (ret)
			return ret;
	}
	return 0;
}

int mctl_events(struct mctl *m, int timeout_ms, mctl_cb cb, void *arg)
{
	static char buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd = nl_socket_get_fd(m->sk);
	ssize_t n;
	int ret;

	ret = wait_fd(fd, timeout_ms);
	if (ret <= 0)
		return ret;	/* 0 timed out, -EINTR stopped, or -errno */
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return mctl_dispatch(m, buf, (int)n, cb, arg);
}
