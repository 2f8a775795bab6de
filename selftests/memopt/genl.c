// SPDX-License-Identifier: GPL-2.0
/* Minimal raw generic netlink for the selftests; see genl.h. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/memopt.h>

#include "genl.h"

#define GENL_BUF 8192

int genl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static void put_attr(struct nlmsghdr *nlh, uint16_t type, const void *data, size_t len)
{
	struct nlattr *nla = (void *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(nla->nla_len);
}

#define nla_for_each(pos, head, len)					\
	for (pos = (head); (len) >= (int)NLA_HDRLEN &&			\
	     pos->nla_len >= NLA_HDRLEN && pos->nla_len <= (len);	\
	     (len) -= NLA_ALIGN(pos->nla_len),				\
	     pos = (void *)((char *)pos + NLA_ALIGN(pos->nla_len)))

static void *nla_data(struct nlattr *nla)
{
	return (char *)nla + NLA_HDRLEN;
}

static void parse_groups(struct nlattr *grps, struct genl_family_info *info)
{
	struct nlattr *grp, *a;
	int len = grps->nla_len - NLA_HDRLEN, alen;
	uint32_t id;
	const char *name;

	nla_for_each(grp, (struct nlattr *)nla_data(grps), len) {
		id = 0;
		name = NULL;
		alen = grp->nla_len - NLA_HDRLEN;
		nla_for_each(a, (struct nlattr *)nla_data(grp), alen) {
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				id = *(uint32_t *)nla_data(a);
			else if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				name = nla_data(a);
		}
		if (name && !strcmp(name, MEMOPT_MCGRP_MONITOR))
			info->monitor_grp = id;
	}
}

int genl_resolve(int fd, const char *name, struct genl_family_info *info)
{
	char buf[GENL_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nlh = (void *)buf;
	struct genlmsghdr *g;
	struct nlattr *a;
	int len;

	memset(buf, 0, sizeof(buf));
	memset(info, 0, sizeof(*info));
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = NLMSG_DATA(nlh);
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	put_attr(nlh, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	if (send(fd, buf, nlh->nlmsg_len, 0) < 0)
		return -errno;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0)
		return -errno;
	if (!NLMSG_OK(nlh, (unsigned int)len))
		return -EPROTO;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error ?: -EPROTO;
	len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	nla_for_each(a, (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN), len) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			info->id = *(uint16_t *)nla_data(a);
		else if (a->nla_type == CTRL_ATTR_VERSION)
			info->version = *(uint32_t *)nla_data(a);
		else if (a->nla_type == CTRL_ATTR_MCAST_GROUPS)
			parse_groups(a, info);
	}
	return info->id ? 0 : -EPROTO;
}
