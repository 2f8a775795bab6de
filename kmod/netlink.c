// SPDX-License-Identifier: GPL-2.0
/*
 * The "memopt" generic netlink family: memopt's control plane.
 *
 * Operations: pool new / del / set (admin only) and pool get (do: one pool
 * by id or name; dump: every pool); the ledger's buffer, process and leak
 * dumps (ledger_nl.c). Each operation has its own strict policy; every
 * semantic rejection carries an extack message and, where one attribute is
 * at fault, points at it. Pool dumps are marked interrupted
 * (NLM_F_DUMP_INTR) when pools change under them. Creations, changes,
 * destructions and the ledger's events are announced on the "monitor"
 * multicast group.
 *
 * The family is described for generic tooling by
 * Documentation/netlink/specs/memopt.yaml.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <kunit/visibility.h>
#include <linux/memopt.h>

#include "compat.h"
#include "ledger.h"
#include "netlink.h"
#include "pool.h"

enum memopt_mcgrp {
	MEMOPT_MCGRP_MONITOR_IDX,
};

static const struct genl_multicast_group memopt_mcgrps[] = {
	[MEMOPT_MCGRP_MONITOR_IDX] = { .name = MEMOPT_MCGRP_MONITOR },
};

/* Not const: 6.1's NLA_POLICY_FULL_RANGE() takes a non-const pointer. */
static struct netlink_range_validation memopt_block_size_range = {
	.min = PAGE_SIZE,
	.max = MEMOPT_BLOCK_SIZE_MAX,
};

static const struct nla_policy memopt_pool_new_policy[MEMOPT_A_POOL_GROWTH_WINDOW + 1] = {
	[MEMOPT_A_POOL_NAME]		= { .type = NLA_NUL_STRING },
	[MEMOPT_A_POOL_BLOCK_SIZE]	= NLA_POLICY_FULL_RANGE(NLA_U32, &memopt_block_size_range),
	[MEMOPT_A_POOL_MIN]		= { .type = NLA_U32 },
	[MEMOPT_A_POOL_MAX]		= { .type = NLA_U32 },
	[MEMOPT_A_POOL_WATERMARK]	= NLA_POLICY_MAX(NLA_U32, MEMOPT_WATERMARK_MAX),
	[MEMOPT_A_POOL_LEAK_AGE]	= { .type = NLA_U32 },
	[MEMOPT_A_POOL_UID]		= { .type = NLA_U32 },
	[MEMOPT_A_POOL_GID]		= { .type = NLA_U32 },
	[MEMOPT_A_POOL_MODE]		= NLA_POLICY_MAX(NLA_U32, MEMOPT_POOL_MODE_MAX),
	[MEMOPT_A_POOL_GROWTH]		= { .type = NLA_U64 },
	[MEMOPT_A_POOL_GROWTH_WINDOW]	= NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy memopt_pool_set_policy[MEMOPT_A_POOL_GROWTH_WINDOW + 1] = {
	[MEMOPT_A_POOL_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[MEMOPT_A_POOL_NAME]		= { .type = NLA_NUL_STRING },
	[MEMOPT_A_POOL_MIN]		= { .type = NLA_U32 },
	[MEMOPT_A_POOL_MAX]		= { .type = NLA_U32 },
	[MEMOPT_A_POOL_WATERMARK]	= NLA_POLICY_MAX(NLA_U32, MEMOPT_WATERMARK_MAX),
	[MEMOPT_A_POOL_LEAK_AGE]	= { .type = NLA_U32 },
	[MEMOPT_A_POOL_UID]		= { .type = NLA_U32 },
	[MEMOPT_A_POOL_GID]		= { .type = NLA_U32 },
	[MEMOPT_A_POOL_MODE]		= NLA_POLICY_MAX(NLA_U32, MEMOPT_POOL_MODE_MAX),
	[MEMOPT_A_POOL_GROWTH]		= { .type = NLA_U64 },
	[MEMOPT_A_POOL_GROWTH_WINDOW]	= NLA_POLICY_MIN(NLA_U32, 1),
};

/* Pool del and get: the pool, by id or by name. */
static const struct nla_policy memopt_pool_sel_policy[MEMOPT_A_POOL_NAME + 1] = {
	[MEMOPT_A_POOL_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[MEMOPT_A_POOL_NAME]		= { .type = NLA_NUL_STRING },
};

/* Buffer dump filters. */
static const struct nla_policy memopt_buf_get_policy[MEMOPT_A_BUF_LABEL + 1] = {
	[MEMOPT_A_BUF_POOL_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[MEMOPT_A_BUF_OWNER_PID]	= NLA_POLICY_MIN(NLA_U32, 1),
	[MEMOPT_A_BUF_LABEL]		= { .type = NLA_NUL_STRING, .len = MEMOPT_LABEL_SIZE - 1 },
	[MEMOPT_A_BUF_AGE_MS]		= { .type = NLA_U64 },
};

/* Process dump filters. */
static const struct nla_policy memopt_proc_get_policy[MEMOPT_A_PROC_POOL_ID + 1] = {
	[MEMOPT_A_PROC_PID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[MEMOPT_A_PROC_POOL_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
};

struct genl_family memopt_genl_family;

/*
 * Serialises pool changes (new, del, set) with their replies and
 * notifications, so that monitors hear of events in the order they
 * happened. Reads take no lock.
 */
static DEFINE_MUTEX(memopt_nl_lock);

static int memopt_nl_put_stats(struct sk_buff *skb, struct memopt_pool *pool)
{
	static const struct {
		int attr;
		size_t off;
	} fields[] = {
#define F(a, f) { MEMOPT_A_STATS_##a, offsetof(struct memopt_pool_stats, f) }
		F(BLOCKS_TOTAL, blocks_total),		F(BLOCKS_USED, blocks_used),
		F(BLOCKS_CACHED, blocks_cached),	F(BLOCKS_RESERVED, blocks_reserved),
		F(SLABS, slabs),			F(BYTES_TOTAL, bytes_total),
		F(ALLOCS, allocs),			F(FREES, frees),
		F(FAIL_POOL_MAX, fail_pool_max),	F(FAIL_GLOBAL_CAP, fail_global_cap),
		F(FAIL_NOMEM, fail_nomem),		F(MAG_HITS, mag_hits),
		F(MAG_MISSES, mag_misses),		F(ORDER_FALLBACKS, order_fallbacks),
		F(SHRINKER_BLOCKS, shrinker_blocks),	F(BYTES_USED, bytes_used),
		F(BYTES_REQUESTED, bytes_requested),	F(PEAK_USED, peak_used),
		F(BUFFERS, buffers),			F(BYTES_STRANDED, bytes_stranded),
#undef F
	};
	struct memopt_pool_stats st;
	struct nlattr *nest;
	unsigned int i;

	memopt_pool_stats(pool, &st);
	nest = nla_nest_start(skb, MEMOPT_A_POOL_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (nla_put_u64_64bit(skb, fields[i].attr,
				      *(u64 *)((char *)&st + fields[i].off),
				      MEMOPT_A_STATS_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One pool message; @cb is set for dumps (consistency marking), @event for
 * event notifications (&enum memopt_event, else 0).
 */
static int memopt_nl_pool_fill(struct sk_buff *skb, struct memopt_pool *pool,
			       u32 portid, u32 seq, int flags, u8 cmd,
			       struct netlink_callback *cb, u32 event)
{
	struct memopt_pool_params p;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &memopt_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	memopt_pool_params(pool, &p);
	if (nla_put_u32(skb, MEMOPT_A_POOL_ID, memopt_pool_id(pool)) ||
	    nla_put_string(skb, MEMOPT_A_POOL_NAME, p.name) ||
	    nla_put_u32(skb, MEMOPT_A_POOL_BLOCK_SIZE, p.block_size) ||
	    nla_put_u32(skb, MEMOPT_A_POOL_MIN, p.min) ||
	    nla_put_u32(skb, MEMOPT_A_POOL_MAX, p.max) ||
	    nla_put_u32(skb, MEMOPT_A_POOL_WATERMARK, p.watermark) ||
	    nla_put_u32(skb, MEMOPT_A_POOL_LEAK_AGE, p.leak_age) ||
	    nla_put_u32(skb, MEMOPT_A_POOL_UID, from_kuid_munged(&init_user_ns, p.uid)) ||
	    nla_put_u32(skb, MEMOPT_A_POOL_GID, from_kgid_munged(&init_user_ns, p.gid)) ||
	    nla_put_u32(skb, MEMOPT_A_POOL_MODE, p.mode) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_POOL_GROWTH, p.growth, MEMOPT_A_POOL_PAD) ||
	    nla_put_u32(skb, MEMOPT_A_POOL_GROWTH_WINDOW, p.growth_window) ||
	    (memopt_pool_is_dying(pool) && memopt_pool_buffers(pool) &&
	     nla_put_flag(skb, MEMOPT_A_POOL_DYING)) ||
	    (event && nla_put_u32(skb, MEMOPT_A_POOL_EVENT, event)) ||
	    memopt_nl_put_stats(skb, pool)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static bool memopt_nl_listened(void)
{
	return genl_has_listeners(&memopt_genl_family, &init_net, MEMOPT_MCGRP_MONITOR_IDX);
}

/* Tell the monitor group's listeners they missed an event (ENOBUFS on recv). */
static void memopt_nl_event_lost(void)
{
	netlink_set_err(init_net.genl_sock, 0,
			memopt_genl_family.mcgrp_offset + MEMOPT_MCGRP_MONITOR_IDX, -ENOBUFS);
}

static void memopt_nl_multicast(struct sk_buff *skb)
{
	genlmsg_multicast(&memopt_genl_family, skb, 0, MEMOPT_MCGRP_MONITOR_IDX, GFP_KERNEL);
}

/* Announce a pool on "monitor" (@event: &enum memopt_event, or 0). */
static void memopt_nl_notify_event(struct memopt_pool *pool, u8 cmd, u32 event)
{
	struct sk_buff *skb;

	if (!memopt_nl_listened())
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb || memopt_nl_pool_fill(skb, pool, 0, 0, 0, cmd, NULL, event)) {
		nlmsg_free(skb);
		memopt_nl_event_lost();
		return;
	}
	memopt_nl_multicast(skb);
}

static void memopt_nl_notify(struct memopt_pool *pool, u8 cmd)
{
	memopt_nl_notify_event(pool, cmd, 0);
}

/**
 * memopt_nl_pool_event() - announce a pool event on "monitor"
 * @pool: the pool
 * @cmd: %MEMOPT_CMD_WATERMARK_NTF or %MEMOPT_CMD_EXHAUSTED_NTF
 * @event: &enum memopt_event
 *
 * Context: Process context, may sleep.
 */
void memopt_nl_pool_event(struct memopt_pool *pool, u8 cmd, u32 event)
{
	mutex_lock(&memopt_nl_lock);
	memopt_nl_notify_event(pool, cmd, event);
	mutex_unlock(&memopt_nl_lock);
}

/**
 * memopt_nl_pool_freed() - announce that a destroyed pool was freed
 * @id: its id
 * @name: its name
 *
 * Context: Process context, may sleep.
 */
void memopt_nl_pool_freed(u32 id, const char *name)
{
	struct sk_buff *skb;
	void *hdr;

	if (!memopt_nl_listened())
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	hdr = skb ? genlmsg_put(skb, 0, 0, &memopt_genl_family, 0,
				MEMOPT_CMD_POOL_FREED_NTF) : NULL;
	if (!hdr || nla_put_u32(skb, MEMOPT_A_POOL_ID, id) ||
	    nla_put_string(skb, MEMOPT_A_POOL_NAME, name)) {
		nlmsg_free(skb);
		memopt_nl_event_lost();
		return;
	}
	genlmsg_end(skb, hdr);
	mutex_lock(&memopt_nl_lock);
	memopt_nl_multicast(skb);
	mutex_unlock(&memopt_nl_lock);
}

/**
 * memopt_nl_leak_event() - announce a leak suspicion on "monitor"
 * @ev: the suspicion
 *
 * Context: Process context, may sleep.
 */
void memopt_nl_leak_event(const struct memopt_leak_event *ev)
{
	struct sk_buff *skb;
	void *hdr;

	if (!memopt_nl_listened())
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	hdr = skb ? genlmsg_put(skb, 0, 0, &memopt_genl_family, 0, MEMOPT_CMD_LEAK_NTF) : NULL;
	if (!hdr || memopt_nl_put_leak_event(skb, ev)) {
		nlmsg_free(skb);
		memopt_nl_event_lost();
		return;
	}
	genlmsg_end(skb, hdr);
	mutex_lock(&memopt_nl_lock);
	memopt_nl_multicast(skb);
	mutex_unlock(&memopt_nl_lock);
}

/* The reply to a request about a pool, allocated before anything changes. */
static struct sk_buff *memopt_nl_reply_new(void)
{
	return genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
}

/*
 * Fill and send @skb, from memopt_nl_reply_new(): the pool's attributes fit
 * NLMSG_GOODSIZE by construction, so a change already made is never
 * reported as failed for want of a reply.
 */
static int memopt_nl_reply_send(struct sk_buff *skb, struct memopt_pool *pool,
				struct genl_info *info)
{
	if (WARN_ON_ONCE(memopt_nl_pool_fill(skb, pool, info->snd_portid, info->snd_seq, 0,
					     info->genlhdr->cmd, NULL, 0))) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	return genlmsg_reply(skb, info);
}

static int memopt_nl_reply(struct memopt_pool *pool, struct genl_info *info)
{
	struct sk_buff *skb = memopt_nl_reply_new();

	return skb ? memopt_nl_reply_send(skb, pool, info) : -ENOMEM;
}

/*
 * Report a refusal from the pool core, pointing at the attribute at fault.
 * The pool core's messages are string literals, as extack requires (the
 * NL_SET_ERR_MSG macros only take literals, hence the direct store).
 */
static int memopt_nl_err(struct genl_info *info, int ret, const struct memopt_pool_err *err)
{
	struct nlattr *attr = err->attr ? info->attrs[err->attr] : NULL;

	if (!attr && err->alt)
		attr = info->attrs[err->alt];
	if (!info->extack)
		return ret;
	info->extack->_msg = err->msg;
	if (attr)
		NL_SET_BAD_ATTR(info->extack, attr);
	return ret;
}

/* Copy the name attribute, if any: 1 to 31 characters. */
static int memopt_nl_name(struct genl_info *info, char *name)
{
	struct nlattr *attr = info->attrs[MEMOPT_A_POOL_NAME];
	size_t len;

	name[0] = '\0';
	if (!attr)
		return 0;
	len = strnlen(nla_data(attr), nla_len(attr));
	if (!len) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "name must not be empty");
		return -EINVAL;
	}
	if (len >= MEMOPT_POOL_NAME_SIZE) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "name must be at most 31 characters");
		return -EINVAL;
	}
	nla_strscpy(name, attr, MEMOPT_POOL_NAME_SIZE);
	return 0;
}

/* The pool a request names, by id or by name, with a reference. */
static struct memopt_pool *memopt_nl_pool_get(struct genl_info *info)
{
	struct nlattr *id = info->attrs[MEMOPT_A_POOL_ID];
	struct nlattr *name = info->attrs[MEMOPT_A_POOL_NAME];
	char buf[MEMOPT_POOL_NAME_SIZE];
	struct memopt_pool *pool;

	if (id && name) {
		NL_SET_ERR_MSG_ATTR(info->extack, name, "name the pool by id or by name, not both");
		return ERR_PTR(-EINVAL);
	}
	if (id) {
		pool = memopt_pool_get_by_id(nla_get_u32(id));
		if (!pool)
			NL_SET_ERR_MSG_ATTR(info->extack, id, "no pool with this id");
		return pool ?: ERR_PTR(-ENOENT);
	}
	if (name) {
		/* A longer name would be cut, and match another pool. */
		if (nla_strscpy(buf, name, sizeof(buf)) < 0) {
			NL_SET_ERR_MSG_ATTR(info->extack, name,
					    "name must be at most 31 characters");
			return ERR_PTR(-EINVAL);
		}
		pool = memopt_pool_get_by_name(buf);
		if (!pool)
			NL_SET_ERR_MSG_ATTR(info->extack, name, "no pool with this name");
		return pool ?: ERR_PTR(-ENOENT);
	}
	NL_SET_ERR_MSG(info->extack, "pool id or name is required");
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, MEMOPT_A_POOL_ID);
	return ERR_PTR(-EINVAL);
}

/*
 * Read the settable attributes present into @p; returns their mask. Ids
 * are read in the caller's user namespace (invalid ones fail the pool
 * core's check).
 */
static unsigned long memopt_nl_limits(struct genl_info *info, struct memopt_pool_params *p)
{
	static const int attrs[] = {
		MEMOPT_A_POOL_MIN, MEMOPT_A_POOL_MAX, MEMOPT_A_POOL_WATERMARK,
		MEMOPT_A_POOL_LEAK_AGE, MEMOPT_A_POOL_MODE, MEMOPT_A_POOL_GROWTH_WINDOW,
	};
	u32 *fields[] = {
		&p->min, &p->max, &p->watermark, &p->leak_age, &p->mode, &p->growth_window,
	};
	struct nlattr **tb = info->attrs;
	unsigned long mask = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		if (!tb[attrs[i]])
			continue;
		*fields[i] = nla_get_u32(tb[attrs[i]]);
		mask |= BIT(attrs[i]);
	}
	if (tb[MEMOPT_A_POOL_GROWTH]) {
		p->growth = nla_get_u64(tb[MEMOPT_A_POOL_GROWTH]);
		mask |= BIT(MEMOPT_A_POOL_GROWTH);
	}
	if (tb[MEMOPT_A_POOL_UID]) {
		p->uid = make_kuid(current_user_ns(), nla_get_u32(tb[MEMOPT_A_POOL_UID]));
		mask |= BIT(MEMOPT_A_POOL_UID);
	}
	if (tb[MEMOPT_A_POOL_GID]) {
		p->gid = make_kgid(current_user_ns(), nla_get_u32(tb[MEMOPT_A_POOL_GID]));
		mask |= BIT(MEMOPT_A_POOL_GID);
	}
	return mask;
}

static int memopt_nl_pool_new(struct sk_buff *skb, struct genl_info *info)
{
	struct memopt_pool_params p = {};
	struct memopt_pool_err err = {};
	struct memopt_pool *pool;
	struct sk_buff *reply;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, MEMOPT_A_POOL_BLOCK_SIZE)) {
		NL_SET_ERR_MSG(info->extack, "block size is required");
		return -EINVAL;
	}
	ret = memopt_nl_name(info, p.name);
	if (ret)
		return ret;
	p.block_size = nla_get_u32(info->attrs[MEMOPT_A_POOL_BLOCK_SIZE]);
	/* Owned by its creator, like a new file, unless told otherwise. */
	p.uid = current_fsuid();
	p.gid = current_fsgid();
	p.mode = MEMOPT_POOL_MODE_DEFAULT;
	memopt_nl_limits(info, &p);

	/* Out of memory for the reply: fail before the pool exists. */
	reply = memopt_nl_reply_new();
	if (!reply)
		return -ENOMEM;
	mutex_lock(&memopt_nl_lock);
	pool = memopt_pool_create(&p, &err);
	if (IS_ERR(pool)) {
		nlmsg_free(reply);
		ret = memopt_nl_err(info, PTR_ERR(pool), &err);
		goto out;
	}
	/* The requester hears its reply before the monitor group hears news. */
	ret = memopt_nl_reply_send(reply, pool, info);
	memopt_nl_notify(pool, MEMOPT_CMD_POOL_CREATE_NTF);
	memopt_pool_put(pool);
out:
	mutex_unlock(&memopt_nl_lock);
	return ret;
}

static int memopt_nl_pool_del(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply = memopt_nl_reply_new();
	struct memopt_pool *pool;
	int ret = 0;

	if (!reply)
		return -ENOMEM;
	mutex_lock(&memopt_nl_lock);
	pool = memopt_nl_pool_get(info);
	if (IS_ERR(pool)) {
		ret = PTR_ERR(pool);
		goto out;
	}
	if (memopt_pool_destroy(pool)) {
		/* With MEMOPT_A_POOL_DYING while buffers still hold it. */
		ret = memopt_nl_reply_send(reply, pool, info);
		reply = NULL;
		memopt_nl_notify(pool, MEMOPT_CMD_POOL_DELETE_NTF);
	} else {
		NL_SET_ERR_MSG(info->extack, "pool is being destroyed");
		ret = -ENOENT;
	}
	memopt_pool_put(pool);
out:
	mutex_unlock(&memopt_nl_lock);
	nlmsg_free(reply);
	return ret;
}

static int memopt_nl_pool_set(struct sk_buff *skb, struct genl_info *info)
{
	struct memopt_pool_params p = {};
	struct memopt_pool_err err = {};
	struct memopt_pool *pool;
	struct sk_buff *reply;
	unsigned long mask;
	int ret;

	mask = memopt_nl_limits(info, &p);
	if (!mask) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to change: give min, max, watermark, leak age, growth, growth window, uid, gid or mode");
		return -EINVAL;
	}
	reply = memopt_nl_reply_new();
	if (!reply)
		return -ENOMEM;
	mutex_lock(&memopt_nl_lock);
	pool = memopt_nl_pool_get(info);
	if (IS_ERR(pool)) {
		ret = PTR_ERR(pool);
		goto unlock;
	}
	ret = memopt_pool_set(pool, &p, mask, &err);
	if (ret) {
		memopt_nl_err(info, ret, &err);
		goto out;
	}
	ret = memopt_nl_reply_send(reply, pool, info);
	reply = NULL;
	memopt_nl_notify(pool, MEMOPT_CMD_POOL_CHANGE_NTF);
out:
	memopt_pool_put(pool);
unlock:
	mutex_unlock(&memopt_nl_lock);
	nlmsg_free(reply);
	return ret;
}

static int memopt_nl_pool_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct memopt_pool *pool;
	int ret;

	pool = memopt_nl_pool_get(info);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	ret = memopt_nl_reply(pool, info);
	memopt_pool_put(pool);
	return ret;
}

/* A dump lists every pool: a selector would be silently ignored, so refuse. */
static int memopt_nl_pool_get_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = memopt_dump_attrs(cb);

	if (attrs && (attrs[MEMOPT_A_POOL_ID] || attrs[MEMOPT_A_POOL_NAME])) {
		NL_SET_ERR_MSG(cb->extack, "a pool dump lists every pool: give no id or name");
		return -EINVAL;
	}
	return 0;
}

/* cb->args[0]: the id to resume from. */
static int memopt_nl_pool_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	u32 id = cb->args[0] ?: 1;
	struct memopt_pool *pool;
	int ret = 0;

	cb->seq = memopt_pools_generation();
	while ((pool = memopt_pool_get_next(&id))) {
		ret = memopt_nl_pool_fill(skb, pool, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI,
					  MEMOPT_CMD_POOL_GET, cb, 0);
		memopt_pool_put(pool);
		if (ret)
			break;
		id++;
	}
	cb->args[0] = id;
	/* A pool that does not fit an empty message would end the dump early. */
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

static const struct genl_ops memopt_genl_ops[] = {
	{
		.cmd		= MEMOPT_CMD_POOL_NEW,
		.doit		= memopt_nl_pool_new,
		.policy		= memopt_pool_new_policy,
		.maxattr	= ARRAY_SIZE(memopt_pool_new_policy) - 1,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MEMOPT_CMD_POOL_DEL,
		.doit		= memopt_nl_pool_del,
		.policy		= memopt_pool_sel_policy,
		.maxattr	= ARRAY_SIZE(memopt_pool_sel_policy) - 1,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MEMOPT_CMD_POOL_SET,
		.doit		= memopt_nl_pool_set,
		.policy		= memopt_pool_set_policy,
		.maxattr	= ARRAY_SIZE(memopt_pool_set_policy) - 1,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MEMOPT_CMD_POOL_GET,
		.doit		= memopt_nl_pool_get_doit,
		.start		= memopt_nl_pool_get_start,
		.dumpit		= memopt_nl_pool_get_dumpit,
		.policy		= memopt_pool_sel_policy,
		.maxattr	= ARRAY_SIZE(memopt_pool_sel_policy) - 1,
	},
	{
		.cmd		= MEMOPT_CMD_BUF_GET,
		.start		= memopt_nl_buf_start,
		.dumpit		= memopt_nl_buf_dumpit,
		.done		= memopt_nl_ledger_done,
		.policy		= memopt_buf_get_policy,
		.maxattr	= ARRAY_SIZE(memopt_buf_get_policy) - 1,
	},
	{
		.cmd		= MEMOPT_CMD_PROC_GET,
		.start		= memopt_nl_proc_start,
		.dumpit		= memopt_nl_proc_dumpit,
		.done		= memopt_nl_ledger_done,
		.policy		= memopt_proc_get_policy,
		.maxattr	= ARRAY_SIZE(memopt_proc_get_policy) - 1,
	},
	{
		.cmd		= MEMOPT_CMD_LEAK_GET,
		.start		= memopt_nl_leak_start,
		.dumpit		= memopt_nl_leak_dumpit,
		.done		= memopt_nl_ledger_done,
	},
};

struct genl_family memopt_genl_family __ro_after_init = {
	.name		= MEMOPT_GENL_NAME,
	.version	= MEMOPT_GENL_VERSION,
	.module		= THIS_MODULE,
	.parallel_ops	= true,
	.resv_start_op	= MEMOPT_CMD_POOL_NEW,
	.ops		= memopt_genl_ops,
	.n_ops		= ARRAY_SIZE(memopt_genl_ops),
	.mcgrps		= memopt_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(memopt_mcgrps),
};
EXPORT_SYMBOL_IF_KUNIT(memopt_genl_family);

/**
 * memopt_netlink_init() - register the memopt generic netlink family
 *
 * Context: Process context, module init.
 * Return: 0 on success, a negative errno from genl_register_family().
 */
int __init memopt_netlink_init(void)
{
	return genl_register_family(&memopt_genl_family);
}

/**
 * memopt_netlink_exit() - unregister the memopt generic netlink family
 *
 * Context: Process context, module exit.
 */
void memopt_netlink_exit(void)
{
	genl_unregister_family(&memopt_genl_family);
}
