// SPDX-License-Identifier: GPL-2.0
/*
 * The generated stream, its hash, and the helpers both example programs
 * use: message exchange over the socket, sizes, clocks and the result line.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "stream.h"

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static inline uint64_t next_word(struct stream_gen *g)
{
	uint64_t x = g->x;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g->x = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static inline void hash_word(struct stream_gen *g, uint64_t w)
{
	g->hash = (g->hash ^ w) * FNV_PRIME;
}

/**
 * stream_init() - start a stream
 * @g: the generator
 * @seed: any value; 0 is replaced, as xorshift's state must not be 0
 */
void stream_init(struct stream_gen *g, uint64_t seed)
{
	g->x = seed ? seed : STREAM_SEED_DEFAULT;
	g->hash = FNV_OFFSET;
}

/**
 * stream_fill() - write the next @n bytes of the stream, and hash them
 * @g: the generator
 * @p: where, 8-byte aligned
 * @n: how many; only the stream's last chunk may be no multiple of 8
 */
void stream_fill(struct stream_gen *g, void *p, size_t n)
{
	uint64_t *w = p, last;
	size_t i;

	for (i = 0; i < n / 8; i++) {
		w[i] = next_word(g);
		hash_word(g, w[i]);
	}
	if (n % 8) {
		last = next_word(g);
		memcpy(&w[i], &last, n % 8);
		last = 0;
		memcpy(&last, &w[i], n % 8);
		hash_word(g, last);
	}
}

/**
 * stream_check() - compare @n bytes with the stream's next, and hash them
 * @g: the generator
 * @p: the bytes received, 8-byte aligned
 * @n: how many
 *
 * The hash is of the bytes as received, not as generated.
 *
 * Return: -1 when all are as expected, else the offset of the first byte
 * that is not.
 */
int64_t stream_check(struct stream_gen *g, const void *p, size_t n)
{
	const uint64_t *w = p;
	uint64_t want, got;
	size_t i, b;

	for (i = 0; i < n / 8; i++) {
		want = next_word(g);
		hash_word(g, w[i]);
		if (w[i] != want)
			goto differ;
	}
	if (n % 8) {
		want = next_word(g);
		got = 0;
		memcpy(&got, &w[i], n % 8);
		hash_word(g, got);
		if (memcmp(&got, &want, n % 8))
			goto differ;
	}
	return -1;

differ:
	for (b = 0; b < 8 && ((const unsigned char *)&w[i])[b] == ((unsigned char *)&want)[b]; b++)
		;
	return (int64_t)(i * 8 + b);
}

/**
 * now_ns() - CLOCK_MONOTONIC in nanoseconds, the same in every process
 *
 * Return: the time.
 */
uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/**
 * parse_bytes() - a byte count: digits with an optional K, M or G (powers
 * of 1024)
 * @s: the text
 * @v: set to the count
 *
 * Return: 0, or -EINVAL when @s is not such a count, is 0 or overflows.
 */
int parse_bytes(const char *s, uint64_t *v)
{
	unsigned long long n;
	char *end;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	}
	if (shift)
		end++;
	if (*end || !n || n > (UINT64_MAX >> shift))
		return -EINVAL;
	*v = (uint64_t)n << shift;
	return 0;
}

/**
 * print_result() - the machine-readable result line, on stdout
 * @role: "producer" or "consumer"
 * @mode: "memopt" or "pipe"
 * @bytes: bytes moved
 * @ns: in how long
 * @hash: the hash of the data
 * @extra: more "key=value" fields, or ""
 *
 * One line: "result role=R mode=M bytes=N seconds=S mib_s=T hash=H ...".
 */
void print_result(const char *role, const char *mode, uint64_t bytes, uint64_t ns,
		  uint64_t hash, const char *extra)
{
	double s = ns / 1e9;

	printf("result role=%s mode=%s bytes=%" PRIu64 " seconds=%.3f mib_s=%.1f hash=%016" PRIx64 "%s%s\n",
	       role, mode, bytes, s, s > 0 ? bytes / 1048576.0 / s : 0.0, hash,
	       *extra ? " " : "", extra);
	fflush(stdout);
}

/**
 * msg_send() - send one message (no descriptor)
 * @sock: the connected SOCK_SEQPACKET socket
 * @m: the message
 *
 * Return: 0 or a negative errno (-EPIPE when the peer is gone).
 */
int msg_send(int sock, const struct stream_msg *m)
{
	ssize_t n;

	do
		n = send(sock, m, sizeof(*m), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(*m) ? 0 : -EPIPE;
}

/**
 * msg_recv() - receive one message (no descriptor) of a given type
 * @sock: the connected SOCK_SEQPACKET socket
 * @m: where it goes
 * @type: the type expected, or 0 for any
 *
 * Return: 0; -EPIPE when the peer closed the connection; -EBADMSG for a
 * message of the wrong size or type; or another negative errno.
 */
int msg_recv(int sock, struct stream_msg *m, uint32_t type)
{
	ssize_t n;

	do
		n = recv(sock, m, sizeof(*m), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	if (n != sizeof(*m) || (type && m->type != type))
		return -EBADMSG;
	return 0;
}

/**
 * msg_name() - a message type's name, for errors
 * @type: &enum stream_type
 *
 * Return: the name, or "unknown".
 */
const char *msg_name(uint32_t type)
{
	static const char *const names[] = {
		[STREAM_HELLO] = "hello", [STREAM_BUFFER] = "buffer", [STREAM_READY] = "ready",
		[STREAM_START] = "start", [STREAM_FILLED] = "filled", [STREAM_FREE] = "free",
		[STREAM_END] = "end", [STREAM_DONE] = "done",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "unknown";
}

/* "PROGRAM: message" on stderr; returns -1, for "return fail(...)". */
int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/**
 * stream_sockaddr() - the unix socket address of @path
 * @path: the socket's path
 * @sa: set to an AF_UNIX address of @path
 *
 * Return: 0, or -1 (printed) when @path does not fit.
 */
int stream_sockaddr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return fail("socket path \"%s\" is too long", path);
	strcpy(sa->sun_path, path);
	return 0;
}
