// SPDX-License-Identifier: GPL-2.0
/*
 * The ledger's side of the netlink family: buffer, process and leak dumps,
 * and the body of leak notifications.
 *
 * Dumps are filled under the ledger lock (messages are built into the
 * dump's skb, nothing sleeps) and resume after the last buffer id or
 * process entry sequence number sent. A caller without CAP_SYS_ADMIN sees
 * only buffers and processes of its own uid; that is decided, and the
 * filters are parsed, once in .start.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <linux/memopt.h>

#include "buffer.h"
#include "compat.h"
#include "ledger.h"
#include "netlink.h"
#include "pool.h"

/**
 * struct memopt_dump - a ledger dump in progress (cb->args[0])
 * @cursor: the last buffer id or process sequence number sent
 * @phase: leak dumps: 0 while sending buffers, 1 while sending processes
 * @admin: the caller may see every user's buffers
 * @uid: otherwise, the uid whose buffers it sees
 * @pool_id: filter, 0 for any
 * @pid: filter, 0 for any
 * @min_age_ns: filter
 * @label: filter, when @has_label
 * @has_label: filter by @label
 */
struct memopt_dump {
	u64 cursor;
	int phase;
	bool admin;
	kuid_t uid;
	u32 pool_id;
	u32 pid;
	u64 min_age_ns;
	char label[MEMOPT_LABEL_SIZE];
	bool has_label;
};

static struct memopt_dump *memopt_dump_new(struct netlink_callback *cb)
{
	struct memopt_dump *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return NULL;
	d->admin = netlink_capable(cb->skb, CAP_SYS_ADMIN);
	d->uid = current_uid();
	cb->args[0] = (long)d;
	return d;
}

static bool memopt_dump_visible(const struct memopt_dump *d, const struct memopt_proc *proc)
{
	return d->admin || uid_eq(d->uid, proc->uid);
}

static int memopt_put_comm(struct sk_buff *skb, int attr, struct pid *pid)
{
	char comm[TASK_COMM_LEN] = "";
	struct task_struct *t;

	rcu_read_lock();
	t = pid ? pid_task(pid, PIDTYPE_TGID) : NULL;
	if (t)
		strscpy(comm, t->comm, sizeof(comm));
	rcu_read_unlock();
	return comm[0] ? nla_put_string(skb, attr, comm) : 0;
}

static int memopt_put_holder(struct sk_buff *skb, int kind, struct pid *pid, u32 count)
{
	struct nlattr *nest = nla_nest_start(skb, MEMOPT_A_BUF_HOLDER);

	if (!nest || nla_put_u32(skb, MEMOPT_A_HOLDER_KIND, kind) ||
	    (pid && nla_put_u32(skb, MEMOPT_A_HOLDER_PID, pid_nr(pid))) ||
	    memopt_put_comm(skb, MEMOPT_A_HOLDER_COMM, pid) ||
	    nla_put_u32(skb, MEMOPT_A_HOLDER_COUNT, count))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Holders by kind and process; what no record explains is the kernel's. */
static int memopt_put_holders(struct sk_buff *skb, struct memopt_buf *buf)
{
	unsigned int refs = kref_read(&buf->ref), counted;
	struct memopt_holder *h;
	int ret = 0;

	spin_lock(&buf->lock);
	list_for_each_entry(h, &buf->holders, node) {
		ret = memopt_put_holder(skb, h->kind, memopt_holder_pid(h), h->count);
		if (ret)
			goto out;
	}
	if (buf->lost_maps)
		ret = memopt_put_holder(skb, MEMOPT_HOLDER_MAPPING, NULL, buf->lost_maps);
	counted = memopt_holders_counted(buf);
	if (!ret && refs > counted)
		ret = memopt_put_holder(skb, MEMOPT_HOLDER_KERNEL, NULL, refs - counted);
out:
	spin_unlock(&buf->lock);
	return ret;
}

/* The attributes of one buffer, into a message or a nest. */
static int memopt_put_buf(struct sk_buff *skb, struct memopt_buf *buf, u64 now)
{
	struct memopt_proc *proc = buf->proc;
	char label[MEMOPT_LABEL_SIZE];

	memopt_buf_label(buf, label);
	if (nla_put_u64_64bit(skb, MEMOPT_A_BUF_ID, buf->id, MEMOPT_A_BUF_PAD) ||
	    nla_put_u32(skb, MEMOPT_A_BUF_POOL_ID, proc->pool_id) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_BUF_SIZE, buf->size, MEMOPT_A_BUF_PAD) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_BUF_REQUESTED, buf->requested, MEMOPT_A_BUF_PAD) ||
	    nla_put_u32(skb, MEMOPT_A_BUF_OWNER_PID, pid_nr(proc->pid)) ||
	    nla_put_string(skb, MEMOPT_A_BUF_OWNER_COMM, proc->comm) ||
	    nla_put_u32(skb, MEMOPT_A_BUF_OWNER_UID, from_kuid_munged(&init_user_ns, proc->uid)) ||
	    (memopt_proc_exited(proc) && nla_put_flag(skb, MEMOPT_A_BUF_OWNER_EXITED)) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_BUF_AGE_MS,
			      div_u64(now - buf->created_ns, NSEC_PER_MSEC), MEMOPT_A_BUF_PAD) ||
	    (label[0] && nla_put_string(skb, MEMOPT_A_BUF_LABEL, label)) ||
	    (buf->suspect && nla_put_u32(skb, MEMOPT_A_BUF_SUSPECT, buf->suspect)))
		return -EMSGSIZE;
	return memopt_put_holders(skb, buf);
}

/* Growth of @proc over its samples, 0 when it is not a growth suspect. */
static u64 memopt_proc_growth(const struct memopt_proc *proc)
{
	const struct memopt_growth *g = &proc->growth;
	unsigned int old;

	if (!(proc->suspect & MEMOPT_LEAK_GROWTH) || !g->n)
		return 0;
	old = (g->head + MEMOPT_GROWTH_SLOTS - g->n) % MEMOPT_GROWTH_SLOTS;
	return proc->bytes > g->b[old] ? proc->bytes - g->b[old] : 0;
}

static int memopt_put_proc(struct sk_buff *skb, struct memopt_proc *proc, u64 now)
{
	struct memopt_buf *oldest;
	u64 growth = memopt_proc_growth(proc);

	oldest = list_first_entry_or_null(&proc->bufs, struct memopt_buf, proc_node);
	if (nla_put_u32(skb, MEMOPT_A_PROC_PID, pid_nr(proc->pid)) ||
	    nla_put_string(skb, MEMOPT_A_PROC_COMM, proc->comm) ||
	    nla_put_u32(skb, MEMOPT_A_PROC_UID, from_kuid_munged(&init_user_ns, proc->uid)) ||
	    nla_put_u32(skb, MEMOPT_A_PROC_POOL_ID, proc->pool_id) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_PROC_BUFFERS, proc->buffers, MEMOPT_A_PROC_PAD) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_PROC_BYTES, proc->bytes, MEMOPT_A_PROC_PAD) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_PROC_PEAK_BYTES, proc->peak, MEMOPT_A_PROC_PAD) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_PROC_ALLOCS, proc->allocs, MEMOPT_A_PROC_PAD) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_PROC_FREES, proc->frees, MEMOPT_A_PROC_PAD) ||
	    (oldest && nla_put_u64_64bit(skb, MEMOPT_A_PROC_OLDEST_MS,
					 div_u64(now - oldest->created_ns, NSEC_PER_MSEC),
					 MEMOPT_A_PROC_PAD)) ||
	    (memopt_proc_exited(proc) && nla_put_flag(skb, MEMOPT_A_PROC_EXITED)) ||
	    (proc->suspect && nla_put_u32(skb, MEMOPT_A_PROC_SUSPECT, proc->suspect)) ||
	    (growth && nla_put_u64_64bit(skb, MEMOPT_A_PROC_GROWTH, growth, MEMOPT_A_PROC_PAD)))
		return -EMSGSIZE;
	return 0;
}

static void *memopt_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &memopt_genl_family, NLM_F_MULTI, cmd);
}

/*
 * A whole message: @put's attributes of @obj, plain (@cmd) or, for a leak
 * dump, nested in @nest_attr under the leak @reason.
 */
static int memopt_dump_msg(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
			   bool leak, u32 reason, int nest_attr,
			   int (*put)(struct sk_buff *skb, void *obj, u64 now), void *obj, u64 now)
{
	struct nlattr *nest = NULL;
	void *hdr;

	hdr = memopt_dump_hdr(skb, cb, leak ? MEMOPT_CMD_LEAK_GET : cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (leak) {
		if (nla_put_u32(skb, MEMOPT_A_LEAK_REASON, reason))
			goto cancel;
		nest = nla_nest_start(skb, nest_attr);
		if (!nest)
			goto cancel;
	}
	if (put(skb, obj, now))
		goto cancel;
	if (nest)
		nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int memopt_put_buf_obj(struct sk_buff *skb, void *buf, u64 now)
{
	return memopt_put_buf(skb, buf, now);
}

static int memopt_put_proc_obj(struct sk_buff *skb, void *proc, u64 now)
{
	return memopt_put_proc(skb, proc, now);
}

static bool memopt_buf_matches(const struct memopt_dump *d, struct memopt_buf *buf, u64 now)
{
	char label[MEMOPT_LABEL_SIZE];

	if (!memopt_dump_visible(d, buf->proc))
		return false;
	if (d->pool_id && buf->proc->pool_id != d->pool_id)
		return false;
	if (d->pid && pid_nr(buf->proc->pid) != d->pid)
		return false;
	if (now - buf->created_ns < d->min_age_ns)
		return false;
	if (!d->has_label)
		return true;
	memopt_buf_label(buf, label);
	return !strcmp(label, d->label);
}

/* Buffers from the cursor on; @leak: suspects only, as leak messages. */
static int memopt_dump_bufs(struct sk_buff *skb, struct netlink_callback *cb, bool leak)
{
	struct memopt_dump *d = (struct memopt_dump *)cb->args[0];
	u64 now = memopt_ledger_now();
	struct memopt_buf *buf;
	int ret = 0;

	spin_lock(&memopt_ledger_lock);
	list_for_each_entry(buf, &memopt_ledger_bufs, ledger_node) {
		if (buf->id <= d->cursor || !kref_read(&buf->ref))
			continue;
		if (leak ? !buf->suspect || !memopt_dump_visible(d, buf->proc) :
			   !memopt_buf_matches(d, buf, now))
			continue;
		ret = memopt_dump_msg(skb, cb, MEMOPT_CMD_BUF_GET, leak, buf->suspect,
				      MEMOPT_A_LEAK_BUF, memopt_put_buf_obj, buf, now);
		if (ret)
			break;
		d->cursor = buf->id;
	}
	spin_unlock(&memopt_ledger_lock);
	return ret;
}

static int memopt_dump_procs(struct sk_buff *skb, struct netlink_callback *cb, bool leak)
{
	struct memopt_dump *d = (struct memopt_dump *)cb->args[0];
	u64 now = memopt_ledger_now();
	struct memopt_proc *proc;
	int ret = 0;

	spin_lock(&memopt_ledger_lock);
	list_for_each_entry(proc, &memopt_ledger_procs, node) {
		if (proc->seq <= d->cursor || !memopt_dump_visible(d, proc))
			continue;
		if (leak ? !proc->suspect :
			   (d->pool_id && proc->pool_id != d->pool_id) ||
			   (d->pid && pid_nr(proc->pid) != d->pid))
			continue;
		ret = memopt_dump_msg(skb, cb, MEMOPT_CMD_PROC_GET, leak, proc->suspect,
				      MEMOPT_A_LEAK_PROC, memopt_put_proc_obj, proc, now);
		if (ret)
			break;
		d->cursor = proc->seq;
	}
	spin_unlock(&memopt_ledger_lock);
	return ret;
}

/* A message that fits no empty skb would end the dump: report it instead. */
static int memopt_dump_result(struct sk_buff *skb, int ret)
{
	return ret && !skb->len ? ret : skb->len;
}

/**
 * memopt_nl_buf_start() - parse a buffer dump's filters
 * @cb: the dump
 *
 * Context: Process context (the requester's).
 * Return: 0 or -ENOMEM.
 */
int memopt_nl_buf_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = memopt_dump_attrs(cb);
	struct memopt_dump *d = memopt_dump_new(cb);

	if (!d)
		return -ENOMEM;
	if (!attrs)
		return 0;
	if (attrs[MEMOPT_A_BUF_POOL_ID])
		d->pool_id = nla_get_u32(attrs[MEMOPT_A_BUF_POOL_ID]);
	if (attrs[MEMOPT_A_BUF_OWNER_PID])
		d->pid = nla_get_u32(attrs[MEMOPT_A_BUF_OWNER_PID]);
	/* An age whose ns do not fit is older than any buffer: not a wrap. */
	if (attrs[MEMOPT_A_BUF_AGE_MS] &&
	    check_mul_overflow(nla_get_u64(attrs[MEMOPT_A_BUF_AGE_MS]), (u64)NSEC_PER_MSEC,
			       &d->min_age_ns))
		d->min_age_ns = U64_MAX;
	if (attrs[MEMOPT_A_BUF_LABEL]) {
		nla_strscpy(d->label, attrs[MEMOPT_A_BUF_LABEL], sizeof(d->label));
		d->has_label = true;
	}
	return 0;
}

/**
 * memopt_nl_buf_dumpit() - dump live buffers
 * @skb: the reply
 * @cb: the dump
 *
 * Context: Process context.
 * Return: the reply's length, 0 at the end.
 */
int memopt_nl_buf_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return memopt_dump_result(skb, memopt_dump_bufs(skb, cb, false));
}

/**
 * memopt_nl_proc_start() - parse a process dump's filters
 * @cb: the dump
 *
 * Context: Process context (the requester's).
 * Return: 0 or -ENOMEM.
 */
int memopt_nl_proc_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = memopt_dump_attrs(cb);
	struct memopt_dump *d = memopt_dump_new(cb);

	if (!d)
		return -ENOMEM;
	if (attrs && attrs[MEMOPT_A_PROC_POOL_ID])
		d->pool_id = nla_get_u32(attrs[MEMOPT_A_PROC_POOL_ID]);
	if (attrs && attrs[MEMOPT_A_PROC_PID])
		d->pid = nla_get_u32(attrs[MEMOPT_A_PROC_PID]);
	return 0;
}

/**
 * memopt_nl_proc_dumpit() - dump per-process figures
 * @skb: the reply
 * @cb: the dump
 *
 * Context: Process context.
 * Return: the reply's length, 0 at the end.
 */
int memopt_nl_proc_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return memopt_dump_result(skb, memopt_dump_procs(skb, cb, false));
}

/**
 * memopt_nl_leak_start() - start a leak dump
 * @cb: the dump
 *
 * Context: Process context (the requester's).
 * Return: 0 or -ENOMEM.
 */
int memopt_nl_leak_start(struct netlink_callback *cb)
{
	return memopt_dump_new(cb) ? 0 : -ENOMEM;
}

/**
 * memopt_nl_leak_dumpit() - dump leak suspects: buffers, then processes
 * @skb: the reply
 * @cb: the dump
 *
 * Context: Process context.
 * Return: the reply's length, 0 at the end.
 */
int memopt_nl_leak_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct memopt_dump *d = (struct memopt_dump *)cb->args[0];
	int ret = 0;

	if (d->phase == 0) {
		ret = memopt_dump_bufs(skb, cb, true);
		if (!ret) {
			d->phase = 1;
			d->cursor = 0;
		}
	}
	if (!ret && d->phase == 1)
		ret = memopt_dump_procs(skb, cb, true);
	return memopt_dump_result(skb, ret);
}

/**
 * memopt_nl_ledger_done() - free a ledger dump's state
 * @cb: the dump
 *
 * Context: Process context.
 * Return: 0.
 */
int memopt_nl_ledger_done(struct netlink_callback *cb)
{
	kfree((void *)cb->args[0]);
	return 0;
}

/**
 * memopt_nl_put_leak_event() - the attributes of a leak notification
 * @skb: the message
 * @ev: the suspicion
 *
 * Context: Any context.
 * Return: 0 or -EMSGSIZE.
 */
int memopt_nl_put_leak_event(struct sk_buff *skb, const struct memopt_leak_event *ev)
{
	bool growth = ev->reason == MEMOPT_LEAK_GROWTH;
	struct nlattr *nest;

	if (nla_put_u32(skb, MEMOPT_A_LEAK_REASON, ev->reason))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, growth ? MEMOPT_A_LEAK_PROC : MEMOPT_A_LEAK_BUF);
	if (!nest)
		return -EMSGSIZE;
	if (growth ?
	    nla_put_u32(skb, MEMOPT_A_PROC_PID, ev->pid) ||
	    nla_put_u32(skb, MEMOPT_A_PROC_UID, ev->uid) ||
	    nla_put_u32(skb, MEMOPT_A_PROC_POOL_ID, ev->pool_id) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_PROC_BYTES, ev->bytes, MEMOPT_A_PROC_PAD) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_PROC_GROWTH, ev->size, MEMOPT_A_PROC_PAD) :
	    nla_put_u64_64bit(skb, MEMOPT_A_BUF_ID, ev->buf_id, MEMOPT_A_BUF_PAD) ||
	    nla_put_u32(skb, MEMOPT_A_BUF_POOL_ID, ev->pool_id) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_BUF_SIZE, ev->size, MEMOPT_A_BUF_PAD) ||
	    nla_put_u32(skb, MEMOPT_A_BUF_OWNER_PID, ev->pid) ||
	    nla_put_u32(skb, MEMOPT_A_BUF_OWNER_UID, ev->uid) ||
	    nla_put_u64_64bit(skb, MEMOPT_A_BUF_AGE_MS, ev->age_ms, MEMOPT_A_BUF_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}
