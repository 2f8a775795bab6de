/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal raw generic netlink for the selftests: no libnl, so that the
 * tests see exactly what the kernel sends (errno, extack message, the
 * offset of the attribute at fault, the missing attribute).
 */
#ifndef _MEMOPT_SELFTEST_GENL_H
#define _MEMOPT_SELFTEST_GENL_H

#include <stdint.h>
#include <linux/netlink.h>

#define GENL_BUF	32768
#define GENL_MAXATTR	64

struct genl_family_info {
	uint16_t id;
	uint32_t version;
	uint32_t monitor_grp;	/* 0 when the family has no "monitor" group */
};

/* A request being built. off[type]: offset of attribute @type, for extack. */
struct genl_req {
	char buf[4096] __attribute__((aligned(4)));
	uint32_t off[GENL_MAXATTR];
};

/* The answer: error (0 or -errno), extack, and the first data message. */
struct genl_reply {
	int error;
	char msg[256];
	uint32_t bad_off;		/* 0: none */
	uint32_t miss_type;		/* 0: none */
	uint8_t cmd;			/* of the data message */
	struct nlattr *tb[GENL_MAXATTR];
	char buf[GENL_BUF] __attribute__((aligned(4)));
};

int genl_open(void);
int genl_resolve(int fd, const char *name, struct genl_family_info *info);
int genl_join(int fd, uint32_t group);

void genl_req_init(struct genl_req *r, uint16_t family, uint8_t cmd, uint16_t flags);
void genl_put(struct genl_req *r, uint16_t type, const void *data, uint16_t len);
void genl_put_u32(struct genl_req *r, uint16_t type, uint32_t v);
void genl_put_str(struct genl_req *r, uint16_t type, const char *s);

/* Send @r, collect the answer; returns rep->error. */
int genl_do(int fd, struct genl_req *r, struct genl_reply *rep);
/* Dump: call @cb on each message's attributes; returns count or -errno. */
int genl_dump(int fd, struct genl_req *r,
	      void (*cb)(struct nlattr **tb, void *arg), void *arg, int *intr);
/* Wait up to @ms for one message (a notification); 0 or -errno. */
int genl_recv(int fd, struct genl_reply *rep, int ms);

void genl_parse(struct nlattr *head, int len, struct nlattr **tb);
uint32_t genl_u32(struct nlattr *a);
uint64_t genl_u64(struct nlattr *a);
const char *genl_str(struct nlattr *a);
/* Nested attributes of @nest into @tb. */
void genl_nested(struct nlattr *nest, struct nlattr **tb);

#endif
