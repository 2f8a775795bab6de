/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What memopt-producer and memopt-consumer share: the generated data
 * stream, its hash, the messages they exchange, and small helpers.
 *
 * The stream is a xorshift64* sequence of 64-bit words from a seed, so the
 * consumer can check every byte against its own copy of the generator
 * without the data ever being stored twice. Both ends also hash what they
 * wrote or read (FNV-1a over 64-bit words) and print it.
 */
#ifndef MEMOPT_EXAMPLES_STREAM_H
#define MEMOPT_EXAMPLES_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define STREAM_CHUNK_DEFAULT	(1U << 20)	/* bytes per buffer or pipe write */
#define STREAM_BUFFERS_DEFAULT	8		/* buffers in the ring */
#define STREAM_BUFFERS_MAX	64
#define STREAM_SEED_DEFAULT	0x6d656d6f7074ULL	/* "memopt" */
#define STREAM_SOCKET_DEFAULT	"/tmp/memopt-stream.sock"

/**
 * enum stream_type - messages between producer (P) and consumer (C)
 * @STREAM_HELLO: P->C first: @index buffers in the ring (0 in pipe mode),
 *	@len stream bytes, @seed, @value the start time (pipe mode only)
 * @STREAM_BUFFER: P->C, with the buffer's dma-buf fd: ring buffer @index,
 *	@len bytes
 * @STREAM_READY: C->P: every buffer is imported
 * @STREAM_START: P->C: the stream starts; @value the start time
 *	(CLOCK_MONOTONIC, ns), from which both ends time it
 * @STREAM_FILLED: P->C: buffer @index holds the next @len bytes
 * @STREAM_FREE: C->P: buffer @index is checked; the producer may refill it
 * @STREAM_END: P->C: no more data; @value the producer's hash
 * @STREAM_DONE: C->P: @value the consumer's hash, @len 1 if every byte
 *	was as expected
 */
enum stream_type {
	STREAM_HELLO = 1,
	STREAM_BUFFER,
	STREAM_READY,
	STREAM_START,
	STREAM_FILLED,
	STREAM_FREE,
	STREAM_END,
	STREAM_DONE,
};

/**
 * struct stream_msg - one message; the same 32 bytes in both directions
 * @type: &enum stream_type
 * @index: a ring buffer index (or count, for %STREAM_HELLO)
 * @len: a length in bytes
 * @seed: the generator's seed (%STREAM_HELLO)
 * @value: a time or a hash, by @type
 */
struct stream_msg {
	uint32_t type;
	uint32_t index;
	uint64_t len;
	uint64_t seed;
	uint64_t value;
};

/**
 * struct stream_gen - the generator and the running hash of one end
 * @x: xorshift64* state, never 0
 * @hash: FNV-1a over the 64-bit words so far
 */
struct stream_gen {
	uint64_t x;
	uint64_t hash;
};

void stream_init(struct stream_gen *g, uint64_t seed);
void stream_fill(struct stream_gen *g, void *p, size_t n);
int64_t stream_check(struct stream_gen *g, const void *p, size_t n);

uint64_t now_ns(void);
int parse_bytes(const char *s, uint64_t *v);
void print_result(const char *role, const char *mode, uint64_t bytes, uint64_t ns,
		  uint64_t hash, const char *extra);

__attribute__((format(printf, 1, 2)))
int fail(const char *fmt, ...);
struct sockaddr_un;
int stream_sockaddr(const char *path, struct sockaddr_un *sa);
int msg_send(int sock, const struct stream_msg *m);
int msg_recv(int sock, struct stream_msg *m, uint32_t type);
const char *msg_name(uint32_t type);

#endif /* MEMOPT_EXAMPLES_STREAM_H */
