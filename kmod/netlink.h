/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MEMOPT_NETLINK_H
#define _MEMOPT_NETLINK_H

#include <net/genetlink.h>

struct memopt_leak_event;
struct memopt_pool;

extern struct genl_family memopt_genl_family;

int memopt_netlink_init(void);
void memopt_netlink_exit(void);

void memopt_nl_pool_event(struct memopt_pool *pool, u8 cmd, u32 event);
void memopt_nl_pool_freed(u32 id, const char *name);
void memopt_nl_leak_event(const struct memopt_leak_event *ev);

/* The ledger's dumps (ledger_nl.c). */
int memopt_nl_put_leak_event(struct sk_buff *skb, const struct memopt_leak_event *ev);
int memopt_nl_buf_start(struct netlink_callback *cb);
int memopt_nl_buf_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int memopt_nl_proc_start(struct netlink_callback *cb);
int memopt_nl_proc_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int memopt_nl_leak_start(struct netlink_callback *cb);
int memopt_nl_leak_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int memopt_nl_ledger_done(struct netlink_callback *cb);

#endif /* _MEMOPT_NETLINK_H */
