// SPDX-License-Identifier: GPL-2.0
/*
 * libmemopt unit tests that need no module: memopt_send_fd() and
 * memopt_recv_fd() over socketpairs (descriptors and payloads intact,
 * split and truncated messages, stray descriptors closed, EINTR, SIGPIPE,
 * bad arguments), memopt_open() without /dev/memopt, and the argument
 * checks of every function. TAP on stdout; exit status 1 on any failure.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libmemopt.h"
#include "tap.h"

#define PAYLOAD_LEN	32

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

static void pattern(char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (char)(seed + i * 7);
}

/* A memfd holding "memopt": something recognisable to pass around. */
static int test_file(void)
{
	int fd = memfd_create("libmemopt-test", MFD_CLOEXEC);

	if (fd < 0 || pwrite(fd, "memopt", 6, 0) != 6) {
		printf("# memfd_create: %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

static void pair(int type, int sv[2])
{
	if (socketpair(AF_UNIX, type, 0, sv)) {
		printf("# socketpair: %s\n", strerror(errno));
		exit(1);
	}
}

static int same_file(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

/* raw_send: LEN bytes and NFDS copies of FD in one sendmsg(). */
static void raw_send(int sock, const void *data, size_t len, int fd, int nfds)
{
	char ctl[CMSG_SPACE(64 * sizeof(int))] __attribute__((aligned(8)));
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int i;

	if (nfds) {
		msg.msg_control = ctl;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		for (i = 0; i < nfds; i++)
			memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof(int));
	}
	if (sendmsg(sock, &msg, 0) != (ssize_t)len) {
		printf("# sendmsg: %s\n", strerror(errno));
		exit(1);
	}
}

static void test_pass(int type, const char *name)
{
	char out[PAYLOAD_LEN], in[PAYLOAD_LEN], word[7] = "";
	int sv[2], file = test_file(), got = -2, ret;

	pair(type, sv);
	pattern(out, sizeof(out), 1);
	ret = memopt_send_fd(sv[0], file, out, sizeof(out));
	tap_ret(ret, 0, name);
	ret = memopt_recv_fd(sv[1], &got, in, sizeof(in));
	tap_ret(ret, 0, "... received");
	tap_ok(got >= 0 && got != file && same_file(got, file),
	       "... a new descriptor for the same file");
	tap_ok(got >= 0 && pread(got, word, 6, 0) == 6 && !strcmp(word, "memopt"),
	       "... reading through it gives the file's contents");
	tap_ok(got >= 0 && (fcntl(got, F_GETFD) & FD_CLOEXEC), "... close-on-exec");
	tap_ok(!memcmp(in, out, sizeof(in)), "... payload intact");
	close(got);
	close(file);
	close(sv[0]);
	close(sv[1]);
}

static void test_no_fd(void)
{
	char out[PAYLOAD_LEN], in[PAYLOAD_LEN];
	int sv[2], got = -2, ret;

	pair(SOCK_SEQPACKET, sv);
	pattern(out, sizeof(out), 2);
	raw_send(sv[0], out, sizeof(out), -1, 0);
	ret = memopt_recv_fd(sv[1], &got, in, sizeof(in));
	tap_ok(ret == 0 && got == -1 && !memcmp(in, out, sizeof(in)),
	       "a message without a descriptor: received, *fd = -1");
	close(sv[0]);
	close(sv[1]);
}

/* A stream message in two sends, the descriptor with the first. */
static void test_split(void)
{
	char out[PAYLOAD_LEN], in[PAYLOAD_LEN];
	int sv[2], file = test_file(), got = -2, ret;

	pair(SOCK_STREAM, sv);
	pattern(out, sizeof(out), 3);
	raw_send(sv[0], out, 10, file, 1);
	raw_send(sv[0], out + 10, sizeof(out) - 10, -1, 0);
	ret = memopt_recv_fd(sv[1], &got, in, sizeof(in));
	tap_ok(ret == 0 && same_file(got, file) && !memcmp(in, out, sizeof(in)),
	       "stream: a message split in two arrives whole, with its descriptor");
	close(got);
	close(file);
	close(sv[0]);
	close(sv[1]);
}

struct big {
	int sock, fd, ret;
	char *data;
	size_t len;
};

static void *big_sender(void *arg)
{
	struct big *b = arg;

	b->ret = memopt_send_fd(b->sock, b->fd, b->data, b->len);
	return NULL;
}

/* 1 MiB: more than a socket buffer, so both sides go in several parts. */
static void test_big(void)
{
	size_t len = 1 << 20;
	struct big b = { .fd = test_file(), .len = len, .data = malloc(len) };
	char *in = malloc(len);
	int sv[2], got = -2, ret;
	pthread_t t;

	pair(SOCK_STREAM, sv);
	pattern(b.data, len, 4);
	b.sock = sv[0];
	pthread_create(&t, NULL, big_sender, &b);
	ret = memopt_recv_fd(sv[1], &got, in, len);
	pthread_join(t, NULL);
	tap_ok(ret == 0 && b.ret == 0 && same_file(got, b.fd) && !memcmp(in, b.data, len),
	       "stream: a 1 MiB payload arrives whole (send %d, recv %d)", b.ret, ret);
	close(got);
	close(b.fd);
	close(sv[0]);
	close(sv[1]);
	free(in);
	free(b.data);
}

/*
 * refused: a message the receiver must refuse with WANT, leaving it with
 * no new descriptor. SEND sends it on sv[0].
 */
static void refused(int type, const char *what, int want,
		    void (*send)(int sock, int file, const char *data))
{
	char out[2 * PAYLOAD_LEN], in[PAYLOAD_LEN];
	int sv[2], file = test_file(), got = -2, before, ret;

	pair(type, sv);
	pattern(out, sizeof(out), 5);
	send(sv[0], file, out);
	before = open_fds();
	ret = memopt_recv_fd(sv[1], &got, in, sizeof(in));
	tap_ret(ret, want, what);
	tap_ok(got == -1 && open_fds() == before, "... *fd = -1, no descriptor left open (%d, was %d)",
	       open_fds(), before);
	close(file);
	close(sv[0]);
	close(sv[1]);
}

static void send_long(int sock, int file, const char *data)
{
	raw_send(sock, data, 2 * PAYLOAD_LEN, file, 1);
}

static void send_short(int sock, int file, const char *data)
{
	raw_send(sock, data, PAYLOAD_LEN / 2, file, 1);
}

static void send_two(int sock, int file, const char *data)
{
	raw_send(sock, data, PAYLOAD_LEN, file, 2);
}

static void send_many(int sock, int file, const char *data)
{
	raw_send(sock, data, PAYLOAD_LEN, file, 64);
}

static void send_then_close(int sock, int file, const char *data)
{
	raw_send(sock, data, PAYLOAD_LEN / 2, file, 1);
	shutdown(sock, SHUT_WR);
}

static void send_fd_in_rest(int sock, int file, const char *data)
{
	raw_send(sock, data, 10, file, 1);
	raw_send(sock, data + 10, PAYLOAD_LEN - 10, file, 1);
}

static void send_nothing(int sock, int file, const char *data)
{
	(void)file;
	(void)data;
	shutdown(sock, SHUT_WR);
}

static void test_refused(void)
{
	refused(SOCK_SEQPACKET, "seqpacket: a longer message is -EMSGSIZE", -EMSGSIZE, send_long);
	refused(SOCK_SEQPACKET, "seqpacket: a shorter message is -EBADMSG", -EBADMSG, send_short);
	refused(SOCK_SEQPACKET, "two descriptors in one message: -EBADMSG", -EBADMSG, send_two);
	refused(SOCK_STREAM, "stream: two descriptors in one message: -EBADMSG", -EBADMSG, send_two);
	refused(SOCK_SEQPACKET, "64 descriptors, control data truncated (MSG_CTRUNC): -EBADMSG",
		-EBADMSG, send_many);
	refused(SOCK_STREAM, "stream: the peer closes mid-message: -EBADMSG", -EBADMSG,
		send_then_close);
	refused(SOCK_STREAM, "stream: a descriptor in the rest of a message: -EBADMSG", -EBADMSG,
		send_fd_in_rest);
	refused(SOCK_STREAM, "stream: the peer closed before the message: -EPIPE", -EPIPE,
		send_nothing);
	refused(SOCK_SEQPACKET, "seqpacket: the peer closed before the message: -EPIPE", -EPIPE,
		send_nothing);
}

static volatile sig_atomic_t interrupts;

static void on_signal(int sig)
{
	(void)sig;
	interrupts++;
}

struct late {
	pthread_t target;
	int sock, fd;
};

/* Interrupt the receiver while it waits, then send. */
static void *late_sender(void *arg)
{
	struct late *l = arg;
	char out[PAYLOAD_LEN];

	usleep(100 * 1000);
	pthread_kill(l->target, SIGUSR1);
	usleep(100 * 1000);
	pattern(out, sizeof(out), 6);
	memopt_send_fd(l->sock, l->fd, out, sizeof(out));
	return NULL;
}

static void test_eintr(void)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct late l = { .target = pthread_self(), .fd = test_file() };
	char in[PAYLOAD_LEN], want[PAYLOAD_LEN];
	int sv[2], got = -2, ret;
	pthread_t t;

	sigaction(SIGUSR1, &sa, NULL);
	pair(SOCK_STREAM, sv);
	l.sock = sv[0];
	pthread_create(&t, NULL, late_sender, &l);
	ret = memopt_recv_fd(sv[1], &got, in, sizeof(in));
	pthread_join(t, NULL);
	pattern(want, sizeof(want), 6);
	tap_ok(ret == 0 && interrupts == 1 && same_file(got, l.fd) && !memcmp(in, want, sizeof(in)),
	       "a signal while waiting (EINTR) is retried (ret %d, %d signal)", ret, interrupts);
	close(got);
	close(l.fd);
	close(sv[0]);
	close(sv[1]);
}

static void test_bad_args(void)
{
	char data[PAYLOAD_LEN] = "";
	int sv[2], p[2], file = test_file(), got = -2;

	pair(SOCK_STREAM, sv);
	if (pipe(p))
		exit(1);
	tap_ret(memopt_send_fd(sv[0], file, NULL, 1), -EINVAL, "send: NULL data is -EINVAL");
	tap_ret(memopt_send_fd(sv[0], file, data, 0), -EINVAL, "send: length 0 is -EINVAL");
	tap_ret(memopt_send_fd(sv[0], -1, data, 1), -EBADF, "send: fd -1 is -EBADF");
	tap_ret(memopt_send_fd(sv[0], 1000000, data, 1), -EBADF, "send: a closed fd is -EBADF");
	tap_ret(memopt_send_fd(p[1], file, data, 1), -ENOTSOCK, "send on a pipe is -ENOTSOCK");
	tap_ret(memopt_send_fd(1000000, file, data, 1), -EBADF, "send on a closed socket is -EBADF");
	tap_ret(memopt_recv_fd(sv[1], NULL, data, 1), -EINVAL, "recv: NULL fd is -EINVAL");
	tap_ret(memopt_recv_fd(sv[1], &got, NULL, 1), -EINVAL, "recv: NULL data is -EINVAL");
	tap_ok(got == -1, "... and sets *fd to -1");
	tap_ret(memopt_recv_fd(sv[1], &got, data, 0), -EINVAL, "recv: length 0 is -EINVAL");
	tap_ret(memopt_recv_fd(p[0], &got, data, 1), -ENOTSOCK, "recv on a pipe is -ENOTSOCK");
	close(sv[1]);
	/* Default SIGPIPE disposition: a raised SIGPIPE would kill the test. */
	tap_ret(memopt_send_fd(sv[0], file, data, 1), -EPIPE,
		"send to a closed peer is -EPIPE, without SIGPIPE");
	close(sv[0]);
	close(p[0]);
	close(p[1]);
	close(file);
}

static void test_open(void)
{
	struct memopt_session *s = (struct memopt_session *)&s;

	tap_ret(memopt_open(NULL), -EINVAL, "memopt_open(NULL) is -EINVAL");
	if (!access("/dev/memopt", F_OK)) {
		tap_skip("/dev/memopt exists here", "memopt_open without /dev/memopt is -ENOENT");
		return;
	}
	tap_ret(memopt_open(&s), -ENOENT, "memopt_open without /dev/memopt is -ENOENT");
	tap_ok(s == (struct memopt_session *)&s, "... and leaves *s untouched");
}

static void test_null_session(void)
{
	struct memopt_buffer b = { .handle = 1 };
	uint32_t id;
	int fd;

	memopt_close(NULL);
	tap_ret(memopt_session_fd(NULL), -EINVAL, "memopt_session_fd(NULL) is -EINVAL");
	tap_ret(memopt_pool_lookup(NULL, "x", &id, NULL), -EINVAL, "pool_lookup: NULL session");
	tap_ret(memopt_buffer_alloc(NULL, 1, 4096, &b), -EINVAL, "buffer_alloc: NULL session");
	tap_ret(memopt_buffer_free(NULL, &b), -EINVAL, "buffer_free: NULL session");
	tap_ret(memopt_buffer_export(NULL, &b, 0, &fd), -EINVAL, "buffer_export: NULL session");
	tap_ret(memopt_buffer_import(NULL, 0, &b), -EINVAL, "buffer_import: NULL session");
	tap_ret(memopt_buffer_set_label(NULL, &b, "x"), -EINVAL, "buffer_set_label: NULL session");
}

int main(void)
{
	alarm(60);	/* a test that hangs fails (SIGALRM) instead */
	test_open();
	test_null_session();
	test_pass(SOCK_STREAM, "stream: send a descriptor with a payload");
	test_pass(SOCK_SEQPACKET, "seqpacket: send a descriptor with a payload");
	test_pass(SOCK_DGRAM, "datagram: send a descriptor with a payload");
	test_no_fd();
	test_split();
	test_big();
	test_refused();
	test_eintr();
	test_bad_args();
	return tap_done();
}
