// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-off: passing SIZE bytes from one process to another, again and
 * again, with memopt and with the copying transports. This process is the
 * producer; a forked child is the consumer.
 *
 *   memopt-ring  the producer allocates a ring of K buffers from a pool,
 *                exports each once as a dma-buf and passes the fds once
 *                (SCM_RIGHTS); both sides map the ring once. A hand-off is
 *                a ring index sent on a socket; the consumer sends it back
 *                when done (a credit). Ownership passes, no byte is copied.
 *   memopt-fd    every hand-off is a fresh buffer: allocate, map, stamp,
 *                export, send the dma-buf fd, free the handle, unmap; the
 *                consumer maps the fd, checks, unmaps, closes (the buffer
 *                goes back to its pool) and sends a credit. At most K
 *                are in flight. The cost of a full ownership transfer.
 *   pipe         the producer write()s its buffer into a pipe (of 1 MiB
 *                when allowed); the consumer read()s it into its own.
 *   unix         the same over an AF_UNIX stream socketpair with large
 *                socket buffers.
 *
 * The work on either side is the same in every mode: the producer stamps
 * the buffer (at the start of every 4 KiB page, 8 bytes naming the hand-off
 * and the page), the consumer checks every stamp. So the differences are
 * those of the transport. A wrong stamp is a failure (exit 1).
 *
 * Method: for each size, R repetitions; in each, every mode runs with a
 * consumer of its own, in an order rotated per repetition (so that drift
 * of the machine's speed hits all modes alike): a warm-up of M/8 + K
 * hand-offs, a sync (all sent has been checked), then M hand-offs timed
 * from that sync to the next. Prints one JSON object: per size and mode the
 * median MiB/s and ns per hand-off over the repetitions, min and max MiB/s,
 * and per copying mode the medians of the ratios memopt-ring / mode and
 * memopt-fd / mode (in MiB/s) of the same repetition (>1: memopt is faster).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/memopt.h>

#include "bench.h"

const char *const bench_name = "handoff";

#define RING_MAX	64
#define SOCKBUF		(4 << 20)

enum { M_RING, M_FD, M_PIPE, M_UNIX, NMODES };
static const char *const mode_name[NMODES] = { "memopt-ring", "memopt-fd", "pipe", "unix" };

struct opts {
	struct bench_opts b;		/* b.base: hand-offs at 4 KiB */
	int ring[MAX_SIZES];
	int selected[NMODES];
	char why[NMODES][128];		/* why a mode is skipped */
	__u32 pool_id[MAX_SIZES];
	double ns[NMODES][MAX_SIZES][MAX_REPS];
};

/* One mode's run at one size, as one side sees it. */
struct run {
	int mode;
	size_t size;
	__u32 pool_id;
	long warm, total;		/* hand-offs: warm-up, in all */
	int ctl;			/* control socket: indexes, fds, credits */
	int data;			/* pipe or stream socket (copying modes) */
	char *buf;			/* copying modes: this side's buffer */
	char *map[RING_MAX];		/* memopt-ring: the ring */
	__u32 handle[RING_MAX];		/* memopt-ring: the producer's handles */
	long inflight, credited;	/* producer: hand-offs not yet credited, credited */
};

/* pipe and unix copy the bytes; the memopt modes hand over buffers. */
static int copies(int mode)
{
	return mode == M_PIPE || mode == M_UNIX;
}

/*
 * Buffers in memopt-ring for the size being run: --ring, or by default as
 * many as hold RING_BYTES, the pipe's buffer (at least 4, at most RING_MAX),
 * so that the ring may run as far ahead of the consumer as the pipe does.
 */
#define RING_BYTES	(1 << 20)
static int ring, ring_opt;
static int session = -1;		/* /dev/memopt (producer) */
static const struct run *cur;		/* for messages */
static const char *side = "producer";
static int pipe_bytes = -1, sndbuf = -1, rcvbuf = -1;

/* die()'s context: the run, and which side of it. */
static void where(FILE *f)
{
	if (cur)
		fprintf(f, "%s, %zu bytes, %s: ", mode_name[cur->mode], cur->size, side);
}

static void xclose(int fd, const char *what)
{
	if (close(fd))
		syserr(what);
}

static void *xmap(int fd, off_t off, size_t size, int prot, const char *what)
{
	void *p = mmap(NULL, size, prot, fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED,
		       fd, off);

	if (p == MAP_FAILED)
		syserr(what);
	return p;
}

static void xunmap(void *p, size_t size)
{
	if (munmap(p, size))
		syserr("munmap");
}

static uint64_t stamp(uint64_t seq, size_t page)
{
	return seq << 32 | page;
}

static void stamp_buf(char *p, size_t size, uint64_t seq)
{
	size_t i;

	for (i = 0; i < size / PAGE; i++)
		*(uint64_t *)(p + i * PAGE) = stamp(seq, i);
}

static void check_buf(const char *p, size_t size, uint64_t seq)
{
	size_t i;
	uint64_t v;

	for (i = 0; i < size / PAGE; i++) {
		v = *(const uint64_t *)(p + i * PAGE);
		if (v != stamp(seq, i))
			die("data mismatch: hand-off %llu, page %zu: stamp %#llx, expected %#llx",
			    (unsigned long long)seq, i, (unsigned long long)v,
			    (unsigned long long)stamp(seq, i));
	}
}

/* Send @v on the control socket, with @nfds fds. */
static void send_msg(int sock, __u32 v, const int *fds, int nfds)
{
	union { char b[CMSG_SPACE(sizeof(int) * RING_MAX)]; struct cmsghdr align; } cb;
	struct iovec iov = { &v, sizeof(v) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (nfds) {
		memset(&cb, 0, sizeof(cb));
		mh.msg_control = cb.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) != sizeof(v))
		syserr("sendmsg");
}

/* Receive a value from the control socket, with exactly @nfds fds. */
static __u32 recv_msg(int sock, int *fds, int nfds)
{
	union { char b[CMSG_SPACE(sizeof(int) * RING_MAX)]; struct cmsghdr align; } cb;
	__u32 v;
	struct iovec iov = { &v, sizeof(v) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cb.b, .msg_controllen = sizeof(cb) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);

	if (n < 0)
		syserr("recvmsg");
	if (n != sizeof(v))
		die("recvmsg: %s", n ? "short message" :
		    side[0] == 'p' ? "the consumer went away" : "the producer went away");
	c = CMSG_FIRSTHDR(&mh);
	if (mh.msg_flags & MSG_CTRUNC || !c != !nfds ||
	    (c && (c->cmsg_type != SCM_RIGHTS ||
		   c->cmsg_len != CMSG_LEN(sizeof(int) * nfds))))
		die("recvmsg: expected %d fds", nfds);
	if (nfds)
		memcpy(fds, CMSG_DATA(c), sizeof(int) * nfds);
	return v;
}

static void write_all(int fd, const char *p, size_t n)
{
	ssize_t k;

	for (; n; p += k, n -= k) {
		k = write(fd, p, n);
		if (k < 0)
			syserr("write");
	}
}

static void read_all(int fd, char *p, size_t n)
{
	ssize_t k;

	for (; n; p += k, n -= k) {
		k = read(fd, p, n);
		if (k < 0)
			syserr("read");
		if (!k)
			die("read: the producer went away");
	}
}

static struct memopt_alloc alloc_buf(const struct run *r)
{
	struct memopt_alloc a = { .pool_id = r->pool_id, .size = r->size };

	if (ioctl(session, MEMOPT_IOC_ALLOC, &a))
		syserr("MEMOPT_IOC_ALLOC");
	return a;
}

static int export_buf(__u32 handle)
{
	struct memopt_export e = { .handle = handle, .flags = MEMOPT_EXPORT_CLOEXEC };

	if (ioctl(session, MEMOPT_IOC_EXPORT, &e))
		syserr("MEMOPT_IOC_EXPORT");
	return e.fd;
}

static void free_buf(__u32 handle)
{
	struct memopt_free f = { .handle = handle };

	if (ioctl(session, MEMOPT_IOC_FREE, &f))
		syserr("MEMOPT_IOC_FREE");
}

/* Producer: wait for the oldest hand-off in flight to come back. */
static void take_credit(struct run *r)
{
	__u32 v = recv_msg(r->ctl, NULL, 0);

	r->credited++;
	if (r->mode == M_RING && v != r->credited % ring)
		die("credit for slot %u, expected %ld", v, r->credited % ring);
	r->inflight--;
}

static void produce_start(struct run *r)
{
	struct memopt_alloc a;
	int fds[RING_MAX], i;

	if (copies(r->mode)) {
		r->buf = xmap(-1, 0, r->size, PROT_READ | PROT_WRITE, "mmap of the buffer");
		memset(r->buf, 0xa5, r->size);
	}
	if (r->mode != M_RING)
		return;
	for (i = 0; i < ring; i++) {
		a = alloc_buf(r);
		r->handle[i] = a.handle;
		r->map[i] = xmap(session, a.mmap_offset, r->size, PROT_READ | PROT_WRITE,
				 "mmap of the ring");
		fds[i] = export_buf(a.handle);
	}
	send_msg(r->ctl, ring, fds, ring);
	for (i = 0; i < ring; i++)
		xclose(fds[i], "close of a ring dma-buf");
}

static void produce(struct run *r, uint64_t seq)
{
	struct memopt_alloc a;
	char *p;
	int fd;

	if (copies(r->mode)) {
		stamp_buf(r->buf, r->size, seq);
		write_all(r->data, r->buf, r->size);
		return;
	}
	if (r->inflight == ring)
		take_credit(r);
	r->inflight++;
	if (r->mode == M_RING) {
		stamp_buf(r->map[seq % ring], r->size, seq);
		send_msg(r->ctl, seq % ring, NULL, 0);
		return;
	}
	a = alloc_buf(r);
	p = xmap(session, a.mmap_offset, r->size, PROT_READ | PROT_WRITE, "mmap");
	stamp_buf(p, r->size, seq);
	fd = export_buf(a.handle);
	send_msg(r->ctl, 0, &fd, 1);
	xclose(fd, "close of the dma-buf");
	free_buf(a.handle);
	xunmap(p, r->size);
}

/* Producer: wait until the consumer has checked all that was sent. */
static void sync_consumer(struct run *r)
{
	if (copies(r->mode))
		recv_msg(r->ctl, NULL, 0);
	while (r->inflight)
		take_credit(r);
}

static void produce_end(struct run *r)
{
	int i;

	if (r->buf)
		xunmap(r->buf, r->size);
	for (i = 0; r->mode == M_RING && i < ring; i++) {
		xunmap(r->map[i], r->size);
		free_buf(r->handle[i]);
	}
}

static void consume(struct run *r, uint64_t seq)
{
	__u32 idx;
	char *p;
	int fd;

	switch (r->mode) {
	case M_RING:
		idx = recv_msg(r->ctl, NULL, 0);
		if (idx != seq % ring)
			die("hand-off %llu in slot %u", (unsigned long long)seq, idx);
		check_buf(r->map[idx], r->size, seq);
		send_msg(r->ctl, idx, NULL, 0);
		break;
	case M_FD:
		recv_msg(r->ctl, &fd, 1);
		p = xmap(fd, 0, r->size, PROT_READ, "mmap of the dma-buf");
		check_buf(p, r->size, seq);
		xunmap(p, r->size);
		xclose(fd, "close of the dma-buf");
		send_msg(r->ctl, 0, NULL, 0);
		break;
	default:
		read_all(r->data, r->buf, r->size);
		check_buf(r->buf, r->size, seq);
		if (seq == (uint64_t)r->warm || seq == (uint64_t)r->total)
			send_msg(r->ctl, 0, NULL, 0);
	}
}

static void consumer(struct run *r)
{
	int fds[RING_MAX], i;
	uint64_t seq;

	side = "consumer";
	die_in_child = 1;
	if (session >= 0)
		xclose(session, "close of /dev/memopt");
	if (r->mode == M_RING) {
		recv_msg(r->ctl, fds, ring);
		for (i = 0; i < ring; i++) {
			r->map[i] = xmap(fds[i], 0, r->size, PROT_READ, "mmap of a ring dma-buf");
			xclose(fds[i], "close of a ring dma-buf");
		}
	} else if (copies(r->mode)) {
		r->buf = xmap(-1, 0, r->size, PROT_READ | PROT_WRITE, "mmap of the buffer");
		memset(r->buf, 0x5a, r->size);
	}
	for (seq = 1; seq <= (uint64_t)r->total; seq++)
		consume(r, seq);
	for (i = 0; r->mode == M_RING && i < ring; i++)
		xunmap(r->map[i], r->size);
	if (r->buf)
		xunmap(r->buf, r->size);
	_exit(0);
}

/* The transport of the copying modes: @fds[0] the consumer's end. */
static void make_data(int mode, int fds[2])
{
	int big = SOCKBUF;
	socklen_t len = sizeof(int);

	if (mode == M_PIPE) {
		if (pipe2(fds, O_CLOEXEC))
			syserr("pipe2");
		fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);	/* 1 MiB when allowed */
		pipe_bytes = fcntl(fds[1], F_GETPIPE_SZ);
		if (pipe_bytes < 0)
			syserr("F_GETPIPE_SZ");
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds))
		syserr("socketpair");
	/* The FORCE variants pass net.core.[rw]mem_max when privileged. */
	if (setsockopt(fds[1], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) &&
	    setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big)))
		syserr("SO_SNDBUF");
	if (setsockopt(fds[0], SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) &&
	    setsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)))
		syserr("SO_RCVBUF");
	if (getsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) ||
	    getsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len))
		syserr("getsockopt");
}

/* Run @r->mode once, as producer, with a fresh consumer: ns per hand-off. */
static double run_mode(struct run *r, long iters)
{
	int ctl[2], data[2] = { -1, -1 }, status;
	double t0, t1;
	uint64_t seq;
	pid_t pid;

	cur = r;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl))
		syserr("socketpair");
	if (copies(r->mode))
		make_data(r->mode, data);
	pid = fork();
	if (pid < 0)
		syserr("fork");
	r->ctl = ctl[!pid];
	r->data = data[!!pid];
	xclose(ctl[!!pid], "close");
	if (data[!pid] >= 0)
		xclose(data[!pid], "close");
	if (!pid)
		consumer(r);
	produce_start(r);
	for (seq = 1; seq <= (uint64_t)r->warm; seq++)
		produce(r, seq);
	sync_consumer(r);
	t0 = now_ns();
	for (; seq <= (uint64_t)r->total; seq++)
		produce(r, seq);
	sync_consumer(r);
	t1 = now_ns();
	produce_end(r);
	xclose(r->ctl, "close");
	if (r->data >= 0)
		xclose(r->data, "close");
	if (waitpid(pid, &status, 0) != pid)
		syserr("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("the consumer failed (wait status %#x)", status);
	cur = NULL;
	return (t1 - t0) / iters;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: handoff [--pool-prefix P] [--sizes LIST] [--peers LIST] [--reps R]\n"
		"               [--iters N] [--ring K] [--smoke]\n"
		"Hand SIZE bytes to a forked consumer, again and again, per mode and size;\n"
		"print one JSON object.\n"
		"  --pool-prefix P  memopt takes SIZE-byte buffers from the pool named P<SIZE>,\n"
		"                   SIZE as 4k, 64k, 1m, 16m (default P: bench, so bench4k ...);\n"
		"                   create them first, for K buffers at once; a pool's block\n"
		"                   size must divide SIZE (blocks are at most 4m): memoptctl\n"
		"                   pool create --name bench16m --size 4m --max 32\n"
		"  --sizes LIST     buffer sizes, multiples of 4k (default 4k,64k,1m,16m)\n"
		"  --peers LIST     some of memopt-ring,memopt-fd,pipe,unix (default all)\n"
		"  --reps R         repetitions, 1-%d (default 5)\n"
		"  --iters N        hand-offs per run at 4k (default 1000); a size of P pages\n"
		"                   runs max(N*8/(7+P), N/100, 1) (1000: 347 at 64k, 10 at 16m)\n"
		"  --ring K         buffers in memopt-ring, and memopt-fd's most in flight,\n"
		"                   1-%d (default: as many as fill 1 MiB, the pipe's\n"
		"                   buffer, at least 4: 64 at 4k, 16 at 64k, 4 from 1m)\n"
		"  --smoke          2 repetitions of a few hand-offs: check that it all runs\n",
		MAX_REPS, RING_MAX);
}

static const char *peer_name(int m)
{
	return mode_name[m];
}

static void ring_option(int val, const char *arg)
{
	(void)val;
	ring_opt = atoi(arg);
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option own[] = {
		{ "ring", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const struct bench_cli cli = {
		.usage = usage, .npeers = NMODES, .peer_name = peer_name,
		.selected = o->selected, .own = own, .own_option = ring_option,
	};

	bench_parse_args(&o->b, &cli, argc, argv);
	if (ring_opt < 0 || ring_opt > RING_MAX) {
		usage(stderr);
		exit(2);
	}
}

/* Open /dev/memopt and find the pools; a missing device skips memopt. */
static void open_memopt(struct opts *o)
{
	session = open("/dev/memopt", O_RDWR | O_CLOEXEC);
	if (session < 0) {
		if (errno != ENOENT && errno != ENODEV && errno != ENXIO)
			syserr("/dev/memopt");
		snprintf(o->why[M_RING], sizeof(o->why[M_RING]), "/dev/memopt: %s",
			 strerror(errno));
		memcpy(o->why[M_FD], o->why[M_RING], sizeof(o->why[M_FD]));
		return;
	}
	lookup_pools(session, &o->b, o->pool_id);
}

/*
 * Size @s: the repetitions, the modes' order rotated. Its hand-offs:
 * @o->b.base at 4 KiB, fewer for bigger sizes, as the copying modes' cost
 * grows with the size: with the default 1000, 347 at 64k, 30 at 1m, 10 at
 * 16m (a run of 0.1 to 0.5 s under TCG).
 */
static void bench_size(struct opts *o, int s)
{
	int act[NMODES], nact = 0, m, i, j;
	long n = o->b.iters[s] = iters_for(o->b.base, o->b.sizes[s], 7, 100);
	struct run r;

	ring = ring_opt ? ring_opt : (int)(RING_BYTES / o->b.sizes[s]);
	ring = ring < 4 ? 4 : ring > RING_MAX ? RING_MAX : ring;
	o->ring[s] = ring;
	for (m = 0; m < NMODES; m++)
		if (o->selected[m] && !o->why[m][0])
			act[nact++] = m;
	for (i = 0; i < o->b.reps; i++) {
		for (j = 0; j < nact; j++) {
			m = act[(i + j) % nact];
			r = (struct run){ .mode = m, .size = o->b.sizes[s],
					  .pool_id = o->pool_id[s], .warm = n / 8 + ring };
			r.total = r.warm + n;
			o->ns[m][s][i] = run_mode(&r, n);
		}
	}
}

/* Median over the repetitions of MiB/s of @a divided by that of @b. */
static void print_ratio(const struct opts *o, const char *key, int a, int b, int s)
{
	double v[MAX_REPS];
	int i;

	printf(",\"%s\":", key);
	if (!o->selected[a] || o->why[a][0]) {
		printf("null");
		return;
	}
	for (i = 0; i < o->b.reps; i++)
		v[i] = o->ns[b][s][i] / o->ns[a][s][i];
	printf("%.4f", median(v, o->b.reps));
}

static void print_mode(const struct opts *o, int m, int s)
{
	double mib = o->b.sizes[s] * 1e9 / (1 << 20), ns[MAX_REPS];

	printf("\"%s\":", mode_name[m]);
	if (o->why[m][0]) {
		printf("{\"skipped\":\"%s\"}", o->why[m]);
		return;
	}
	memcpy(ns, o->ns[m][s], sizeof(double) * o->b.reps);
	printf("{\"mib_s\":%.1f,\"ns\":%.0f", mib / median(ns, o->b.reps), median(ns, o->b.reps));
	printf(",\"min_mib_s\":%.1f,\"max_mib_s\":%.1f", mib / ns[o->b.reps - 1], mib / ns[0]);
	if (copies(m)) {
		print_ratio(o, "speedup_ring", M_RING, m, s);
		print_ratio(o, "speedup_fd", M_FD, m, s);
	}
	printf("}");
}

static void print_int(const char *key, int v)
{
	printf(v < 0 ? ",\"%s\":null" : ",\"%s\":%d", key, v);
}

static void print_json(const struct opts *o)
{
	int s, m, first;

	printf("{\"bench\":\"handoff\",\"reps\":%d,\"pool_prefix\":\"%s\"",
	       o->b.reps, o->b.prefix);
	print_int("pipe_bytes", pipe_bytes);
	print_int("unix_sndbuf_bytes", sndbuf);
	print_int("unix_rcvbuf_bytes", rcvbuf);
	printf(",\"sizes\":[");
	for (s = 0; s < o->b.nsizes; s++) {
		printf("%s{\"size\":%zu,\"iters\":%ld,\"ring\":%d,\"peers\":{", s ? "," : "",
		       o->b.sizes[s], o->b.iters[s], o->ring[s]);
		for (m = 0, first = 1; m < NMODES; m++) {
			if (!o->selected[m])
				continue;
			printf("%s", first ? "" : ",");
			print_mode(o, m, s);
			first = 0;
		}
		printf("}}");
	}
	printf("]}\n");
}

int main(int argc, char **argv)
{
	static struct opts o = {
		.b = { .prefix = "bench", .reps = 5, .base = 1000 }, .selected = { 1, 1, 1, 1 },
	};
	int s;

	die_where = where;
	parse_args(&o, argc, argv);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		syserr("signal");
	if (o.selected[M_RING] || o.selected[M_FD])
		open_memopt(&o);
	for (s = 0; s < o.b.nsizes; s++)
		bench_size(&o, s);
	print_json(&o);
	if (session >= 0)
		xclose(session, "close of /dev/memopt");
	return 0;
}
