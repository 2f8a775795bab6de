// SPDX-License-Identifier: GPL-2.0
/*
 * memopt-consumer: receive memopt-producer's stream and check every byte.
 *
 * memopt mode (--socket): listen on a unix socket; receive the producer's
 * ring of buffers once, as dma-buf fds, and import each into a session of
 * our own (or, with --mmap, map the dma-buf fd directly, with no memopt
 * session at all); then for each "buffer i holds n bytes" check the bytes
 * in place against our own copy of the generator and answer "buffer i is
 * free".
 *
 * pipe mode (--pipe): create a FIFO and read the same stream from it in
 * chunks, with the same checking work: the copying baseline.
 *
 * The time is measured from the producer's start (it sends its clock) to
 * the last byte checked here, so it covers the whole stream end to end.
 * Prints "result role=consumer mode=... mib_s=... hash=..." on stdout.
 * Exit status: 0 when every byte was as generated, 1 when one was not or
 * on an error, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/dma-buf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <libmemopt.h>

#include "stream.h"

/**
 * struct consumer - options and state
 * @path: our socket or FIFO
 * @pipe: pipe mode
 * @direct: map the dma-buf fds instead of importing them
 * @chunk: bytes per read (pipe mode)
 * @sock: the connection to the producer (socket or FIFO)
 * @s: the memopt session (memopt mode without @direct)
 * @ring: the producer's buffers as we map them
 * @fds: with @direct, the dma-buf fds (kept for DMA_BUF_IOCTL_SYNC)
 * @nbuf: buffers in @ring
 * @bytes: stream length announced by the producer
 * @seen: bytes checked so far
 * @t0: the producer's start time
 * @gen: our copy of the generator, and the hash of what arrived
 */
struct consumer {
	const char *path;
	bool pipe, direct;
	uint64_t chunk;
	int sock;
	struct memopt_session *s;
	struct memopt_buffer ring[STREAM_BUFFERS_MAX];
	int fds[STREAM_BUFFERS_MAX];
	unsigned int nbuf;
	uint64_t bytes, seen, t0;
	struct stream_gen gen;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: memopt-consumer [--socket PATH] [--mmap]\n"
		"       memopt-consumer --pipe PATH [--chunk N]\n"
		"Receive memopt-producer's stream and check every byte of it.\n"
		"  -s, --socket PATH  listen on this unix socket (default %s)\n"
		"  -m, --mmap         map the dma-buf fds directly instead of importing them\n"
		"  -P, --pipe PATH    pipe mode: create this FIFO and read from it\n"
		"  -c, --chunk N      bytes per read in pipe mode (default 1M)\n"
		"  -h, --help\n",
		STREAM_SOCKET_DEFAULT);
}

static int parse_args(struct consumer *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' }, { "mmap", no_argument, NULL, 'm' },
		{ "pipe", required_argument, NULL, 'P' }, { "chunk", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "s:mP:c:h", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			c->path = optarg;
			break;
		case 'm':
			c->direct = true;
			break;
		case 'P':
			c->path = optarg;
			c->pipe = true;
			break;
		case 'c':
			if (parse_bytes(optarg, &c->chunk) || c->chunk % 8 || c->chunk > SIZE_MAX)
				return fail("--chunk \"%s\" is not a multiple of 8 bytes", optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc)
		return fail("unexpected argument \"%s\"", argv[optind]);
	return 0;
}

/* Listen on a fresh socket at path and accept one producer. */
static int accept_producer(const char *path)
{
	struct sockaddr_un sa;
	int lfd, fd;

	if (stream_sockaddr(path, &sa))
		return -1;
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return fail("creating a unix socket: %s", strerror(errno));
	unlink(path);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1)) {
		fail("listening on %s: %s", path, strerror(errno));
		close(lfd);
		return -1;
	}
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		fail("accepting the producer on %s: %s", path, strerror(errno));
	close(lfd);
	unlink(path);
	return fd;
}

/* Create a fresh FIFO at path and wait for the producer to open it. */
static int open_fifo(const char *path)
{
	int fd;

	unlink(path);
	if (mkfifo(path, 0600))
		return fail("creating the FIFO %s: %s", path, strerror(errno));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("opening the FIFO %s: %s", path, strerror(errno));
	unlink(path);
	return fd;
}

/* Map one buffer's dma-buf: import it, or with --mmap map the fd itself. */
static int map_buffer(struct consumer *c, unsigned int i, int fd, uint64_t len)
{
	struct memopt_buffer *b = &c->ring[i];
	void *p;
	int ret;

	if (!c->direct) {
		ret = memopt_buffer_import(c->s, fd, b);
		close(fd);
		if (ret)
			return fail("importing buffer %u: %s", i, strerror(-ret));
		return 0;
	}
	c->fds[i] = fd;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail("mapping buffer %u's dma-buf: %s", i, strerror(errno));
	*b = (struct memopt_buffer){ .addr = p, .size = len, .flags = MEMOPT_HANDLE_RDONLY };
	return 0;
}

/* One "buffer" message with its fd. */
static int receive_buffer(struct consumer *c, unsigned int i)
{
	struct stream_msg m;
	int fd, ret;

	ret = memopt_recv_fd(c->sock, &fd, &m, sizeof(m));
	if (ret)
		return fail("receiving buffer %u: %s", i, strerror(-ret));
	if (m.type != STREAM_BUFFER || m.index != i || fd < 0 || !m.len || m.len > SIZE_MAX) {
		if (fd >= 0)
			close(fd);
		return fail("expected buffer %u with its fd, got \"%s\" %u", i, msg_name(m.type),
			    m.index);
	}
	return map_buffer(c, i, fd, m.len);
}

static int setup_ring(struct consumer *c)
{
	struct stream_msg m;
	unsigned int i;
	int ret;

	ret = msg_recv(c->sock, &m, STREAM_HELLO);
	if (ret || m.index < 1 || m.index > STREAM_BUFFERS_MAX)
		return fail("expected hello from the producer (%s)", ret ? strerror(-ret) : "bad ring size");
	c->nbuf = m.index;
	c->bytes = m.len;
	stream_init(&c->gen, m.seed);
	if (!c->direct) {
		ret = memopt_open(&c->s);
		if (ret)
			return fail("opening /dev/memopt: %s", strerror(-ret));
	}
	for (i = 0; i < c->nbuf; i++)
		if (receive_buffer(c, i))
			return -1;
	m = (struct stream_msg){ .type = STREAM_READY };
	ret = msg_send(c->sock, &m);
	if (!ret)
		ret = msg_recv(c->sock, &m, STREAM_START);
	if (ret)
		return fail("starting the stream: %s", strerror(-ret));
	c->t0 = m.value;
	return 0;
}

/* DMA_BUF_IOCTL_SYNC around CPU access to a directly mapped dma-buf. */
static void dmabuf_sync(struct consumer *c, unsigned int i, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags | DMA_BUF_SYNC_READ };

	if (c->direct)
		ioctl(c->fds[i], DMA_BUF_IOCTL_SYNC, &sync);
}

/* Check n bytes that arrived, at the stream's current offset. */
static int check(struct consumer *c, const void *p, uint64_t n, const char *where)
{
	int64_t bad = stream_check(&c->gen, p, n);

	if (bad >= 0)
		return fail("byte %" PRIu64 " of the stream (%s, offset %" PRId64
			    ") is not what the producer generated", c->seen + bad, where, bad);
	c->seen += n;
	return 0;
}

static int on_filled(struct consumer *c, const struct stream_msg *m)
{
	struct stream_msg reply = { .type = STREAM_FREE, .index = m->index };
	char where[32];
	int ret;

	if (m->index >= c->nbuf || m->len > c->ring[m->index].size || m->len > c->bytes - c->seen)
		return fail("the producer filled buffer %u with %" PRIu64 " bytes: out of range",
			    m->index, m->len);
	snprintf(where, sizeof(where), "buffer %u", m->index);
	dmabuf_sync(c, m->index, DMA_BUF_SYNC_START);
	ret = check(c, c->ring[m->index].addr, m->len, where);
	dmabuf_sync(c, m->index, DMA_BUF_SYNC_END);
	if (ret)
		return -1;
	ret = msg_send(c->sock, &reply);
	if (ret)
		return fail("telling the producer buffer %u is free: %s", m->index, strerror(-ret));
	return 0;
}

static int run_memopt(struct consumer *c)
{
	struct stream_msg m;
	uint64_t ns;
	int ret;

	if (setup_ring(c))
		return -1;
	while (!(ret = msg_recv(c->sock, &m, 0)) && m.type == STREAM_FILLED)
		if (on_filled(c, &m))
			return -1;
	if (ret || m.type != STREAM_END)
		return fail("expected the stream's end: %s", ret ? strerror(-ret) : msg_name(m.type));
	ns = now_ns() - c->t0;
	if (c->seen != c->bytes)
		return fail("the stream ended after %" PRIu64 " of %" PRIu64 " bytes", c->seen, c->bytes);
	m = (struct stream_msg){ .type = STREAM_DONE, .len = m.value == c->gen.hash,
				 .value = c->gen.hash };
	msg_send(c->sock, &m);
	if (!m.len)
		return fail("hash %016" PRIx64 " differs from the producer's", c->gen.hash);
	print_result("consumer", "memopt", c->bytes, ns, c->gen.hash,
		     c->direct ? "map=dmabuf" : "map=import");
	return 0;
}

/* Read exactly n bytes; fewer only at the end of the stream. */
static ssize_t read_full(int fd, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static int run_pipe(struct consumer *c)
{
	struct stream_msg m;
	uint64_t want;
	ssize_t n;
	char *buf;
	int ret;

	n = read_full(c->sock, (char *)&m, sizeof(m));
	if (n != sizeof(m) || m.type != STREAM_HELLO)
		return fail("expected hello from the producer on the FIFO");
	c->bytes = m.len;
	c->t0 = m.value;
	stream_init(&c->gen, m.seed);
	buf = aligned_alloc(4096, c->chunk);
	if (!buf)
		return fail("allocating a %" PRIu64 "-byte chunk: %s", c->chunk, strerror(errno));
	for (n = 1, ret = 0; !ret && c->seen < c->bytes && n > 0;) {
		want = c->bytes - c->seen < c->chunk ? c->bytes - c->seen : c->chunk;
		n = read_full(c->sock, buf, want);
		if (n > 0)
			ret = check(c, buf, (uint64_t)n, "the FIFO");
	}
	free(buf);
	if (ret)
		return -1;
	if (n < 0)
		return fail("reading the FIFO: %s", strerror((int)-n));
	if (c->seen != c->bytes)
		return fail("the stream ended after %" PRIu64 " of %" PRIu64 " bytes", c->seen, c->bytes);
	print_result("consumer", "pipe", c->bytes, now_ns() - c->t0, c->gen.hash, "");
	return 0;
}

static void teardown(struct consumer *c)
{
	unsigned int i;

	for (i = 0; i < c->nbuf; i++) {
		if (c->ring[i].handle)
			memopt_buffer_free(c->s, &c->ring[i]);
		else if (c->ring[i].addr)
			munmap(c->ring[i].addr, c->ring[i].size);
		if (c->fds[i] >= 0)
			close(c->fds[i]);
	}
	memopt_close(c->s);
	if (c->sock >= 0)
		close(c->sock);
}

int main(int argc, char **argv)
{
	struct consumer c = { .path = STREAM_SOCKET_DEFAULT, .chunk = STREAM_CHUNK_DEFAULT };
	unsigned int i;
	int ret;

	for (i = 0; i < STREAM_BUFFERS_MAX; i++)
		c.fds[i] = -1;
	if (parse_args(&c, argc, argv))
		return 2;
	c.sock = c.pipe ? open_fifo(c.path) : accept_producer(c.path);
	if (c.sock < 0)
		return 1;
	ret = c.pipe ? run_pipe(&c) : run_memopt(&c);
	teardown(&c);
	return ret ? 1 : 0;
}
