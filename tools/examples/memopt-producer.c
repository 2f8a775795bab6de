// SPDX-License-Identifier: GPL-2.0
/*
 * memopt-producer: send a generated data stream to memopt-consumer.
 *
 * memopt mode (--socket): allocate a ring of buffers from a memopt pool,
 * export each once as a read-only dma-buf and pass the fds to the
 * consumer over a unix socket; then, per chunk, generate the data straight
 * into a free buffer and send only "buffer i holds n bytes". The consumer
 * checks the buffer in place and answers "buffer i is free". The data is
 * never copied.
 *
 * pipe mode (--pipe): the same stream, the same generation work, written
 * in chunks into a FIFO: the copying baseline.
 *
 * Prints "result role=producer mode=... mib_s=... hash=..." on stdout.
 * Exit status: 0 when the consumer confirmed every byte (memopt mode) or
 * everything was written (pipe mode), 1 on an error, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <libmemopt.h>

#include "stream.h"

#define CONNECT_WAIT_MS	10000	/* for the consumer to create its endpoint */

/**
 * struct producer - options and state
 * @path: the consumer's socket or FIFO
 * @pool: the pool to allocate the ring from (memopt mode)
 * @pipe: pipe mode
 * @bytes: stream length
 * @chunk: bytes per buffer or write
 * @nbuf: buffers in the ring
 * @seed: the generator's seed
 * @pause_s: pause this long halfway through the stream (0: no pause)
 * @corrupt: flip the stream's byte at this offset (testing; -1: none)
 * @sock: the connection to the consumer (socket or FIFO)
 * @s: the memopt session
 * @ring: the buffers, @nbuf of them once set up
 * @freeq: indices of buffers the consumer has given back, a queue
 * @qhead: first entry of @freeq
 * @qlen: entries in @freeq
 * @gen: the generator and hash
 */
struct producer {
	const char *path, *pool;
	bool pipe;
	uint64_t bytes, chunk, seed;
	unsigned int nbuf, pause_s;
	int64_t corrupt;
	int sock;
	struct memopt_session *s;
	struct memopt_buffer ring[STREAM_BUFFERS_MAX];
	uint32_t freeq[STREAM_BUFFERS_MAX];
	unsigned int qhead, qlen;
	struct stream_gen gen;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: memopt-producer [--socket PATH] --pool NAME [OPTIONS]\n"
		"       memopt-producer --pipe PATH [OPTIONS]\n"
		"Send a generated stream to memopt-consumer, through a ring of memopt\n"
		"buffers (zero-copy) or through a FIFO (copying).\n"
		"  -s, --socket PATH     the consumer's unix socket (default %s)\n"
		"  -p, --pool NAME       the memopt pool to allocate the ring from\n"
		"  -P, --pipe PATH       pipe mode: write into the consumer's FIFO\n"
		"  -b, --bytes N         stream length, e.g. 256M (default 64M)\n"
		"  -c, --chunk N         bytes per buffer or write (default 1M)\n"
		"  -n, --buffers K       buffers in the ring (default %d, at most %d)\n"
		"      --seed N          the generator's seed (decimal, or hex with 0x)\n"
		"      --pause SECONDS   pause halfway, holding the ring (figures include it)\n"
		"      --corrupt OFFSET  flip the stream's byte at OFFSET (tests the consumer)\n"
		"  -h, --help\n",
		STREAM_SOCKET_DEFAULT, STREAM_BUFFERS_DEFAULT, STREAM_BUFFERS_MAX);
}

static int parse_count(const char *opt, const char *arg, uint64_t *v)
{
	if (parse_bytes(arg, v) == 0)
		return 0;
	fail("%s \"%s\" is not a byte count (digits, optional K, M or G)", opt, arg);
	return -1;
}

/* Decimal (a leading 0 is not octal); hex with 0x too when @hex. */
static int parse_uint(const char *opt, const char *arg, bool hex, uint64_t *v)
{
	bool is_hex = hex && arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X');
	char *end;

	errno = 0;
	*v = strtoull(arg, &end, is_hex ? 16 : 10);
	if (*arg >= '0' && *arg <= '9' && !*end && !errno && *v <= INT64_MAX)
		return 0;
	fail("%s \"%s\" is not a number", opt, arg);
	return -1;
}

static int parse_args(struct producer *p, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' }, { "pool", required_argument, NULL, 'p' },
		{ "pipe", required_argument, NULL, 'P' }, { "bytes", required_argument, NULL, 'b' },
		{ "chunk", required_argument, NULL, 'c' }, { "buffers", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 'S' }, { "pause", required_argument, NULL, 'w' },
		{ "corrupt", required_argument, NULL, 'x' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "s:p:P:b:c:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			p->path = optarg;
			break;
		case 'p':
			p->pool = optarg;
			break;
		case 'P':
			p->path = optarg;
			p->pipe = true;
			break;
		case 'b':
			if (parse_count("--bytes", optarg, &p->bytes))
				return -1;
			break;
		case 'c':
			if (parse_count("--chunk", optarg, &p->chunk))
				return -1;
			break;
		case 'n':
			if (parse_uint("--buffers", optarg, false, &v))
				return -1;
			p->nbuf = v > STREAM_BUFFERS_MAX ? 0 : (unsigned int)v;
			break;
		case 'S':
			if (parse_uint("--seed", optarg, true, &p->seed))
				return -1;
			break;
		case 'w':
			if (parse_uint("--pause", optarg, false, &v) || v > 3600)
				return fail("--pause takes 0 to 3600 seconds");
			p->pause_s = (unsigned int)v;
			break;
		case 'x':
			if (parse_uint("--corrupt", optarg, false, &v))
				return -1;
			p->corrupt = (int64_t)v;
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
	if (!p->pipe && !p->pool)
		return fail("memopt mode needs --pool NAME (or use --pipe PATH)");
	if (p->nbuf < 1 || p->nbuf > STREAM_BUFFERS_MAX)
		return fail("--buffers must be 1 to %d", STREAM_BUFFERS_MAX);
	if (p->chunk % 8 || p->chunk > SIZE_MAX)
		return fail("--chunk must be a multiple of 8");
	return 0;
}

/* Connect to the consumer's socket, waiting for it to appear. */
static int connect_socket(const char *path)
{
	struct sockaddr_un sa;
	int fd, waited;

	if (stream_sockaddr(path, &sa))
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("creating a unix socket: %s", strerror(errno));
	for (waited = 0; connect(fd, (struct sockaddr *)&sa, sizeof(sa)); waited += 20) {
		if ((errno != ENOENT && errno != ECONNREFUSED) || waited >= CONNECT_WAIT_MS) {
			fail("connecting to the consumer at %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		usleep(20 * 1000);
	}
	return fd;
}

/* Open the consumer's FIFO for writing, waiting for it to appear. */
static int open_fifo(const char *path, uint64_t chunk)
{
	int fd, waited, size;

	for (waited = 0; (fd = open(path, O_WRONLY | O_CLOEXEC)) < 0; waited += 20) {
		if (errno != ENOENT || waited >= CONNECT_WAIT_MS)
			return fail("opening the consumer's FIFO %s: %s", path, strerror(errno));
		usleep(20 * 1000);
	}
	/* The best pipe for the baseline: one chunk fits (pipe-max-size allowing). */
	if (chunk <= INT32_MAX)
		fcntl(fd, F_SETPIPE_SZ, (int)chunk);
	size = fcntl(fd, F_GETPIPE_SZ);
	fprintf(stderr, "memopt-producer: pipe buffer %d KiB\n", size / 1024);
	return fd;
}

/* One ring buffer: allocated, labelled, exported read-only, sent. */
static int share_buffer(struct producer *p, uint32_t pool_id, unsigned int i)
{
	struct memopt_buffer *b = &p->ring[i];
	struct stream_msg m = { .type = STREAM_BUFFER, .index = i };
	char label[MEMOPT_LABEL_SIZE];
	int fd, ret;

	ret = memopt_buffer_alloc(p->s, pool_id, p->chunk, b);
	if (ret)
		return fail("allocating buffer %u of %" PRIu64 " bytes from pool \"%s\": %s",
			    i, p->chunk, p->pool, strerror(-ret));
	/* The label names the buffer in memopt's leak reports; best effort. */
	snprintf(label, sizeof(label), "stream-%u", i);
	memopt_buffer_set_label(p->s, b, label);
	ret = memopt_buffer_export(p->s, b, MEMOPT_EXPORT_RDONLY, &fd);
	if (ret)
		return fail("exporting buffer %u: %s", i, strerror(-ret));
	m.len = p->chunk;
	ret = memopt_send_fd(p->sock, fd, &m, sizeof(m));
	close(fd);
	if (ret)
		return fail("sending buffer %u to the consumer: %s", i, strerror(-ret));
	p->freeq[i] = i;
	p->qlen++;
	return 0;
}

static int setup_ring(struct producer *p)
{
	struct stream_msg m = { .type = STREAM_HELLO, .index = p->nbuf, .len = p->bytes,
				.seed = p->seed };
	uint32_t pool_id;
	unsigned int i;
	int ret;

	ret = memopt_open(&p->s);
	if (ret)
		return fail("opening /dev/memopt: %s%s", strerror(-ret),
			    ret == -ENOENT ? " (is memopt.ko loaded?)" : "");
	ret = memopt_pool_lookup(p->s, p->pool, &pool_id, NULL);
	if (ret)
		return fail("pool \"%s\": %s", p->pool,
			    ret == -ENOENT ? "no such pool (memoptctl pool create)" : strerror(-ret));
	ret = msg_send(p->sock, &m);
	if (ret)
		return fail("sending hello to the consumer: %s", strerror(-ret));
	for (i = 0; i < p->nbuf; i++)
		if (share_buffer(p, pool_id, i))
			return -1;
	ret = msg_recv(p->sock, &m, STREAM_READY);
	if (ret)
		return fail("waiting for the consumer to import the ring: %s", strerror(-ret));
	return 0;
}

static void maybe_corrupt(struct producer *p, void *buf, uint64_t off, uint64_t n)
{
	if (p->corrupt >= 0 && (uint64_t)p->corrupt >= off && (uint64_t)p->corrupt < off + n)
		((unsigned char *)buf)[p->corrupt - off] ^= 0x01;
}

static void maybe_pause(struct producer *p, uint64_t off)
{
	if (!p->pause_s || off < p->bytes / 2)
		return;
	fprintf(stderr, "memopt-producer: paused halfway for %u s, holding %u buffers\n",
		p->pause_s, p->nbuf);
	sleep(p->pause_s);
	p->pause_s = 0;
}

/* A free ring buffer: from the queue, or the consumer's next "free". */
static int next_free(struct producer *p, uint32_t *idx)
{
	struct stream_msg m = { 0 };
	int ret;

	if (!p->qlen) {
		ret = msg_recv(p->sock, &m, STREAM_FREE);
		if (ret)
			return fail("waiting for a free buffer: %s (got \"%s\")", strerror(-ret),
				    msg_name(m.type));
		if (m.index >= p->nbuf)
			return fail("the consumer freed buffer %u of %u", m.index, p->nbuf);
		p->freeq[(p->qhead + p->qlen++) % p->nbuf] = m.index;
	}
	*idx = p->freeq[p->qhead];
	p->qhead = (p->qhead + 1) % p->nbuf;
	p->qlen--;
	return 0;
}

/* The consumer's "done": its hash must be ours, and it must be content. */
static int finish(struct producer *p)
{
	struct stream_msg m = { .type = STREAM_END, .value = p->gen.hash };
	int ret;

	ret = msg_send(p->sock, &m);
	if (ret)
		return fail("sending end to the consumer: %s", strerror(-ret));
	do
		ret = msg_recv(p->sock, &m, 0);
	while (!ret && m.type == STREAM_FREE);
	if (ret || m.type != STREAM_DONE)
		return fail("waiting for the consumer to finish: %s",
			    ret ? strerror(-ret) : msg_name(m.type));
	if (!m.len || m.value != p->gen.hash)
		return fail("the consumer found the stream corrupted (its hash %016" PRIx64
			    ", ours %016" PRIx64 ")", m.value, p->gen.hash);
	return 0;
}

static int run_memopt(struct producer *p)
{
	struct stream_msg m = { .type = STREAM_START };
	uint64_t off, n, t0;
	uint32_t i = 0;
	int ret;

	if (setup_ring(p))
		return -1;
	stream_init(&p->gen, p->seed);
	m.value = t0 = now_ns();
	ret = msg_send(p->sock, &m);
	if (ret)
		return fail("starting the stream: %s", strerror(-ret));
	for (off = 0; off < p->bytes; off += n) {
		if (next_free(p, &i))
			return -1;
		n = p->bytes - off < p->chunk ? p->bytes - off : p->chunk;
		stream_fill(&p->gen, p->ring[i].addr, n);
		maybe_corrupt(p, p->ring[i].addr, off, n);
		m = (struct stream_msg){ .type = STREAM_FILLED, .index = i, .len = n };
		ret = msg_send(p->sock, &m);
		if (ret)
			return fail("telling the consumer buffer %u is filled: %s", i, strerror(-ret));
		maybe_pause(p, off + n);
	}
	if (finish(p))
		return -1;
	print_result("producer", "memopt", p->bytes, now_ns() - t0, p->gen.hash, "");
	return 0;
}

static int write_all(int fd, const char *buf, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static int run_pipe(struct producer *p)
{
	struct stream_msg m = { .type = STREAM_HELLO, .len = p->bytes, .seed = p->seed };
	uint64_t off, n, t0;
	char *buf;
	int ret = 0;

	buf = aligned_alloc(4096, p->chunk);
	if (!buf)
		return fail("allocating a %" PRIu64 "-byte chunk: %s", p->chunk, strerror(errno));
	stream_init(&p->gen, p->seed);
	m.value = t0 = now_ns();
	ret = write_all(p->sock, (const char *)&m, sizeof(m));
	for (off = 0; !ret && off < p->bytes; off += n) {
		n = p->bytes - off < p->chunk ? p->bytes - off : p->chunk;
		stream_fill(&p->gen, buf, n);
		maybe_corrupt(p, buf, off, n);
		ret = write_all(p->sock, buf, n);
		maybe_pause(p, off + n);
	}
	free(buf);
	if (ret)
		return fail("writing to the FIFO %s: %s", p->path, strerror(-ret));
	print_result("producer", "pipe", p->bytes, now_ns() - t0, p->gen.hash, "");
	return 0;
}

static void teardown(struct producer *p)
{
	unsigned int i;

	for (i = 0; i < p->nbuf; i++)
		if (p->ring[i].handle)
			memopt_buffer_free(p->s, &p->ring[i]);
	memopt_close(p->s);
	if (p->sock >= 0)
		close(p->sock);
}

int main(int argc, char **argv)
{
	struct producer p = {
		.path = STREAM_SOCKET_DEFAULT, .bytes = 64 << 20, .chunk = STREAM_CHUNK_DEFAULT,
		.nbuf = STREAM_BUFFERS_DEFAULT, .seed = STREAM_SEED_DEFAULT, .corrupt = -1,
	};
	int ret;

	if (parse_args(&p, argc, argv))
		return 2;
	signal(SIGPIPE, SIG_IGN);	/* a consumer gone is an error, reported */
	p.sock = p.pipe ? open_fifo(p.path, p.chunk) : connect_socket(p.path);
	if (p.sock < 0)
		return 1;
	ret = p.pipe ? run_pipe(&p) : run_memopt(&p);
	teardown(&p);
	return ret ? 1 : 0;
}
