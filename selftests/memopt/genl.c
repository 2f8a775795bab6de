// SPDX-License-Identifier: GPL-2.0
/* Minimal raw generic netlink for the selftests; see genl.h. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/memopt.h>

#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static uint32_t genl_seq = 1;

int genl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

int genl_join(int fd, uint32_t group)
{
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)))
		return -errno;
	return 0;
}

void genl_req_init(struct genl_req *r, uint16_t family, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = (void *)r->buf;
	struct genlmsghdr *g;

	memset(r, 0, sizeof(*r));
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = genl_seq++;
	g = NLMSG_DATA(nlh);
	g->cmd = cmd;
	g->version = MEMOPT_GENL_VERSION;
}

void genl_put(struct genl_req *r, uint16_t type, const void *data, uint16_t len)
{
	struct nlmsghdr *nlh = (void *)r->buf;
	struct nlattr *nla = (void *)(r->buf + NLMSG_ALIGN(nlh->nlmsg_len));

	if (type < GENL_MAXATTR)
		r->off[type] = (char *)nla - r->buf;
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(nla->nla_len);
}

void genl_put_u32(struct genl_req *r, uint16_t type, uint32_t v)
{
	genl_put(r, type, &v, sizeof(v));
}

void genl_put_str(struct genl_req *r, uint16_t type, const char *s)
{
	genl_put(r, type, s, strlen(s) + 1);
}

void genl_parse(struct nlattr *a, int len, struct nlattr **tb)
{
	memset(tb, 0, sizeof(*tb) * GENL_MAXATTR);
	while (len >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) < GENL_MAXATTR)
			tb[a->nla_type & NLA_TYPE_MASK] = a;
		len -= NLA_ALIGN(a->nla_len);
		a = (void *)((char *)a + NLA_ALIGN(a->nla_len));
	}
}

void genl_nested(struct nlattr *nest, struct nlattr **tb)
{
	genl_parse((void *)((char *)nest + NLA_HDRLEN), nest->nla_len - NLA_HDRLEN, tb);
}

uint32_t genl_u32(struct nlattr *a)
{
	return a ? *(uint32_t *)((char *)a + NLA_HDRLEN) : 0;
}

uint64_t genl_u64(struct nlattr *a)
{
	uint64_t v = 0;

	if (a)
		memcpy(&v, (char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

const char *genl_str(struct nlattr *a)
{
	return a ? (char *)a + NLA_HDRLEN : "";
}

/* The attributes of a generic netlink message into @tb. */
static void genl_parse_msg(struct nlmsghdr *nlh, struct nlattr **tb)
{
	genl_parse((void *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN),
		   nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), tb);
}

/* An NLMSG_ERROR: errno and the extack TLVs (the request is capped off). */
static void genl_error(struct nlmsghdr *nlh, struct genl_reply *rep)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct nlattr *tb[GENL_MAXATTR];
	int off = NLMSG_HDRLEN + sizeof(*e);

	rep->error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	genl_parse((void *)((char *)nlh + off), nlh->nlmsg_len - off, tb);
	if (tb[NLMSGERR_ATTR_MSG])
		strncpy(rep->msg, genl_str(tb[NLMSGERR_ATTR_MSG]), sizeof(rep->msg) - 1);
	rep->bad_off = genl_u32(tb[NLMSGERR_ATTR_OFFS]);
	rep->miss_type = genl_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

static void genl_reply_reset(struct genl_reply *rep)
{
	rep->error = 0;
	rep->msg[0] = '\0';
	rep->bad_off = 0;
	rep->miss_type = 0;
	rep->cmd = 0;
	memset(rep->tb, 0, sizeof(rep->tb));
}

int genl_do(int fd, struct genl_req *r, struct genl_reply *rep)
{
	struct nlmsghdr *nlh = (void *)r->buf;
	char buf[GENL_BUF] __attribute__((aligned(4)));
	bool have_data = false;
	int len;

	genl_reply_reset(rep);
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (send(fd, r->buf, nlh->nlmsg_len, 0) < 0)
		return rep->error = -errno;
	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			return rep->error = -errno;
		for (nlh = (void *)buf; NLMSG_OK(nlh, (unsigned int)len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				genl_error(nlh, rep);
				return rep->error;
			}
			if (have_data)
				continue;
			memcpy(rep->buf, nlh, nlh->nlmsg_len);
			rep->cmd = ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
			genl_parse_msg((void *)rep->buf, rep->tb);
			have_data = true;
		}
	}
}

int genl_dump(int fd, struct genl_req *r,
	      void (*cb)(struct nlattr **tb, void *arg), void *arg, int *intr)
{
	struct nlmsghdr *nlh = (void *)r->buf;
	char buf[GENL_BUF] __attribute__((aligned(4)));
	struct nlattr *tb[GENL_MAXATTR];
	int len, n = 0;

	nlh->nlmsg_flags |= NLM_F_DUMP;
	if (intr)
		*intr = 0;
	if (send(fd, r->buf, nlh->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		for (nlh = (void *)buf; NLMSG_OK(nlh, (unsigned int)len); nlh = NLMSG_NEXT(nlh, len)) {
			if (intr && (nlh->nlmsg_flags & NLM_F_DUMP_INTR))
				*intr = 1;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return n;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			genl_parse_msg(nlh, tb);
			if (cb)
				cb(tb, arg);
			n++;
		}
	}
}

int genl_recv(int fd, struct genl_reply *rep, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct nlmsghdr *nlh = (void *)rep->buf;
	int len;

	genl_reply_reset(rep);
	if (poll(&p, 1, ms) <= 0)
		return -ETIMEDOUT;
	len = recv(fd, rep->buf, sizeof(rep->buf), 0);
	if (len < 0)
		return -errno;
	if (!NLMSG_OK(nlh, (unsigned int)len))
		return -EPROTO;
	rep->cmd = ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
	genl_parse_msg(nlh, rep->tb);
	return 0;
}

int genl_resolve(int fd, const char *name, struct genl_family_info *info)
{
	static struct genl_reply rep;
	struct nlattr *grp, *gtb[GENL_MAXATTR];
	struct genl_req r;
	int len;

	memset(info, 0, sizeof(*info));
	genl_req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)NLMSG_DATA((struct nlmsghdr *)r.buf))->version = 1;
	genl_put_str(&r, CTRL_ATTR_FAMILY_NAME, name);
	if (genl_do(fd, &r, &rep))
		return rep.error;
	info->id = *(uint16_t *)((char *)rep.tb[CTRL_ATTR_FAMILY_ID] + NLA_HDRLEN);
	info->version = genl_u32(rep.tb[CTRL_ATTR_VERSION]);
	if (!rep.tb[CTRL_ATTR_MCAST_GROUPS])
		return info->id ? 0 : -EPROTO;
	grp = (void *)((char *)rep.tb[CTRL_ATTR_MCAST_GROUPS] + NLA_HDRLEN);
	len = rep.tb[CTRL_ATTR_MCAST_GROUPS]->nla_len - NLA_HDRLEN;
	while (len >= (int)NLA_HDRLEN && grp->nla_len >= NLA_HDRLEN && grp->nla_len <= len) {
		genl_nested(grp, gtb);
		if (!strcmp(genl_str(gtb[CTRL_ATTR_MCAST_GRP_NAME]), MEMOPT_MCGRP_MONITOR))
			info->monitor_grp = genl_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
		len -= NLA_ALIGN(grp->nla_len);
		grp = (void *)((char *)grp + NLA_ALIGN(grp->nla_len));
	}
	return info->id ? 0 : -EPROTO;
}
