// SPDX-License-Identifier: GPL-2.0
/*
 * libmemopt against memopt.ko (run in the VMs): every function's success
 * path and its errors, sharing a buffer with a forked process through
 * memopt_send_fd() and memopt_buffer_import(), read-only exports, and
 * buffers going back to the pool. TAP on stdout; exit status 1 on any
 * failure.
 *
 * Usage: device_test POOL, where POOL is a pool of exactly POOL_MAX
 * blocks (--max 8), all free, that root may allocate from.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libmemopt.h"
#include "tap.h"

#define POOL_MAX	8

static struct memopt_session *s;
static uint32_t pool_id, block_size;

static void die(const char *what, int err)
{
	printf("# %s: %s\n", what, strerror(-err));
	printf("Bail out! %s\n", what);
	exit(1);
}

static void alloc_or_die(struct memopt_session *ses, struct memopt_buffer *b)
{
	int ret = memopt_buffer_alloc(ses, pool_id, 1, b);

	if (ret)
		die("memopt_buffer_alloc", ret);
}

static int all_bytes(const struct memopt_buffer *b, unsigned char c)
{
	const unsigned char *p = b->addr;
	size_t i;

	for (i = 0; i < b->size; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

static int cloexec(int fd)
{
	return fcntl(fd, F_GETFD) & FD_CLOEXEC;
}

static void test_session(const char *pool)
{
	uint32_t id = 0, bs = 0;
	char longname[40];
	int ret;

	ret = memopt_open(&s);
	if (!tap_ret(ret, 0, "memopt_open"))
		die("memopt_open", ret);
	tap_ok(memopt_session_fd(s) >= 0 && cloexec(memopt_session_fd(s)),
	       "memopt_session_fd: open, close-on-exec");
	tap_ret(memopt_pool_lookup(s, pool, &id, &bs), 0, "memopt_pool_lookup finds the pool");
	tap_ok(id != 0 && bs >= 4096 && bs % 4096 == 0, "... id %u, block size %u", id, bs);
	pool_id = id;
	block_size = bs;
	tap_ret(memopt_pool_lookup(s, pool, NULL, NULL), 0, "... NULL outputs are allowed");
	tap_ret(memopt_pool_lookup(s, "no-such-pool", &id, &bs), -ENOENT, "an unknown pool: -ENOENT");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	tap_ret(memopt_pool_lookup(s, longname, &id, &bs), -ENAMETOOLONG,
		"a 39-character name: -ENAMETOOLONG");
	tap_ret(memopt_pool_lookup(s, "", &id, &bs), -EINVAL, "an empty name: -EINVAL");
}

static void test_alloc(void)
{
	struct memopt_buffer b, untouched = { .handle = 77 };
	int ret;

	ret = memopt_buffer_alloc(s, pool_id, 1, &b);
	tap_ret(ret, 0, "memopt_buffer_alloc of 1 byte");
	if (ret)
		return;
	tap_ok(b.handle != 0 && b.flags == 0 && b.id != 0 && b.addr,
	       "... handle %u, flags %u, id %llu", b.handle, b.flags, (unsigned long long)b.id);
	tap_ok(b.size == block_size, "... rounded up to a block (%zu)", b.size);
	tap_ok(all_bytes(&b, 0), "... zero-filled");
	memset(b.addr, 0xa5, b.size);
	tap_ok(all_bytes(&b, 0xa5), "... mapped read-write");
	tap_ret(memopt_buffer_free(s, &b), 0, "memopt_buffer_free");
	tap_ok(!b.handle && !b.addr && !b.size && !b.id, "... clears the struct");
	tap_ret(memopt_buffer_free(s, &b), -EINVAL, "freeing the cleared struct again: -EINVAL");
	alloc_or_die(s, &b);
	tap_ok(all_bytes(&b, 0), "a new buffer never shows the last one's contents");
	memopt_buffer_free(s, &b);

	b = untouched;
	tap_ret(memopt_buffer_alloc(s, pool_id, 0, &b), -EINVAL, "size 0: -EINVAL");
	tap_ret(memopt_buffer_alloc(s, 0xfffffff0, 1, &b), -ENOENT, "an unknown pool id: -ENOENT");
	tap_ok(!memcmp(&b, &untouched, sizeof(b)), "... the struct untouched on failure");
	tap_ret(memopt_buffer_alloc(s, pool_id, (size_t)(POOL_MAX + 1) * block_size, &b), -EINVAL,
		"more than the pool's max: -EINVAL");
}

/* All POOL_MAX blocks, one more, then the same again after freeing. */
static void test_full(void)
{
	struct memopt_buffer b[POOL_MAX] = { 0 }, extra = { .handle = 77 };
	int i, n, ret = 0;

	/* n: how many were allocated; only those are freed. */
	for (n = 0; n < POOL_MAX; n++) {
		ret = memopt_buffer_alloc(s, pool_id, 1, &b[n]);
		if (ret)
			break;
	}
	tap_ret(ret, 0, "the pool's max, one block at a time");
	tap_ret(memopt_buffer_alloc(s, pool_id, 1, &extra), -ENOSPC, "one more: -ENOSPC");
	tap_ok(extra.handle == 77, "... the struct untouched");
	for (i = 0; i < n; i++)
		memopt_buffer_free(s, &b[i]);
	ret = memopt_buffer_alloc(s, pool_id, (size_t)POOL_MAX * block_size, &extra);
	tap_ret(ret, 0, "freed buffers went back to the pool: all of it in one buffer");
	if (!ret)
		memopt_buffer_free(s, &extra);
}

static void test_label(void)
{
	struct memopt_info info;
	struct memopt_buffer b;

	alloc_or_die(s, &b);
	tap_ret(memopt_buffer_set_label(s, &b, "frame-0"), 0, "memopt_buffer_set_label");
	info = (struct memopt_info){ .handle = b.handle };
	tap_ok(!ioctl(memopt_session_fd(s), MEMOPT_IOC_INFO, &info) && !strcmp(info.label, "frame-0") &&
	       info.buf_id == b.id, "... the kernel has it (\"%s\"), and the id", info.label);
	tap_ret(memopt_buffer_set_label(s, &b, "0123456789012345678901234567890123"), -ENAMETOOLONG,
		"a 34-character label: -ENAMETOOLONG");
	tap_ret(memopt_buffer_set_label(s, &b, "tab\there"), -EINVAL, "a control character: -EINVAL");
	tap_ret(memopt_buffer_set_label(s, &b, ""), 0, "\"\" clears the label");
	memopt_buffer_free(s, &b);
}

static void test_export_import(void)
{
	struct memopt_session *s2 = NULL;
	struct memopt_buffer b, c, untouched = { .handle = 77 };
	int fd = -1, ret;

	alloc_or_die(s, &b);
	tap_ret(memopt_buffer_export(s, &b, 0, &fd), 0, "memopt_buffer_export");
	tap_ok(fd >= 0 && cloexec(fd), "... a dma-buf fd, close-on-exec without asking");
	ret = memopt_open(&s2);
	if (ret)
		die("memopt_open (second session)", ret);
	ret = memopt_buffer_import(s2, fd, &c);
	tap_ret(ret, 0, "memopt_buffer_import into another session");
	if (ret) {
		/* Give everything back, or the later tests find the pool short. */
		close(fd);
		memopt_buffer_free(s, &b);
		memopt_close(s2);
		return;
	}
	close(fd);
	tap_ok(c.id == b.id && c.size == b.size && c.flags == 0 && c.addr != b.addr,
	       "... the same buffer (id, size), read-write, mapped again");
	memset(b.addr, 0x3c, b.size);
	tap_ok(all_bytes(&c, 0x3c), "... writes through one mapping show in the other");
	tap_ret(memopt_buffer_free(s, &b), 0, "the allocating session frees it");
	memset(c.addr, 0x5a, c.size);
	tap_ok(all_bytes(&c, 0x5a), "... the importer's mapping still works");
	tap_ret(memopt_buffer_free(s2, &c), 0, "... and frees it too");

	c = untouched;
	tap_ret(memopt_buffer_import(s2, -1, &c), -EBADF, "import of fd -1: -EBADF");
	fd = memfd_create("not-a-dmabuf", MFD_CLOEXEC);
	tap_ret(memopt_buffer_import(s2, fd, &c), -EINVAL, "import of a memfd: -EINVAL");
	close(fd);
	tap_ok(c.handle == 77, "... the struct untouched");
	alloc_or_die(s, &b);
	tap_ret(memopt_buffer_export(s, &b, 1U << 31, &fd), -EINVAL, "export with an unknown flag: -EINVAL");
	tap_ret(memopt_buffer_export(s, &b, MEMOPT_EXPORT_CLOEXEC, &fd), 0,
		"export with MEMOPT_EXPORT_CLOEXEC is accepted");
	close(fd);
	memopt_buffer_free(s, &b);
	memopt_close(s2);
}

static void test_rdonly(void)
{
	struct memopt_buffer b, r;
	int fd = -1, fd2 = -1, ret, err;

	alloc_or_die(s, &b);
	memset(b.addr, 0x11, b.size);
	tap_ret(memopt_buffer_export(s, &b, MEMOPT_EXPORT_RDONLY, &fd), 0, "read-only export");
	ret = memopt_buffer_import(s, fd, &r);
	close(fd);
	tap_ret(ret, 0, "... imported");
	if (ret)
		return;
	tap_ok(r.flags == MEMOPT_HANDLE_RDONLY && r.handle != b.handle && r.id == b.id,
	       "... a new handle, MEMOPT_HANDLE_RDONLY (flags %u)", r.flags);
	tap_ok(all_bytes(&r, 0x11), "... mapped, readable");
	err = mprotect(r.addr, r.size, PROT_READ | PROT_WRITE) ? errno : 0;
	tap_ok(err == EACCES, "... and read-only: mprotect(PROT_WRITE) is EACCES (%s)",
	       err ? strerror(err) : "it succeeded");
	tap_ret(memopt_buffer_export(s, &r, 0, &fd2), -EACCES,
		"exporting the read-only handle read-write: -EACCES");
	tap_ret(memopt_buffer_export(s, &r, MEMOPT_EXPORT_RDONLY, &fd2), 0, "... read-only: allowed");
	close(fd2);
	memopt_buffer_free(s, &r);
	memopt_buffer_free(s, &b);
}

/* child: receive the buffer, check the parent's pattern, answer with ours. */
static int child(int sock)
{
	struct memopt_session *cs;
	struct memopt_buffer b;
	char msg[8];
	int fd, ok;

	if (memopt_open(&cs) || memopt_recv_fd(sock, &fd, msg, sizeof(msg)))
		return 2;
	if (memcmp(msg, "buffer0", 8) || memopt_buffer_import(cs, fd, &b))
		return 3;
	close(fd);
	ok = all_bytes(&b, 0x77);
	memset(b.addr, 0x88, b.size);
	memopt_buffer_free(cs, &b);
	memopt_close(cs);
	return write(sock, ok ? "y" : "n", 1) == 1 ? 0 : 4;
}

static void test_fork(void)
{
	struct memopt_buffer b;
	int sv[2], fd, status = -1, ret;
	char answer = 0;
	pid_t pid;

	alloc_or_die(s, &b);
	memset(b.addr, 0x77, b.size);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		die("socketpair", -errno);
	ret = memopt_buffer_export(s, &b, 0, &fd);
	if (ret)
		die("memopt_buffer_export", ret);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		_exit(child(sv[1]));
	}
	close(sv[1]);
	tap_ret(memopt_send_fd(sv[0], fd, "buffer0", 8), 0, "memopt_send_fd to another process");
	close(fd);
	tap_ok(read(sv[0], &answer, 1) == 1 && answer == 'y', "... which imports it and sees our data");
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "... and exits cleanly (status %d)", status);
	tap_ok(all_bytes(&b, 0x88), "its writes are in our mapping: the same pages");
	memopt_buffer_free(s, &b);
	close(sv[0]);
}

/* Closing a session keeps its mappings; unmapping then frees the blocks. */
static void test_close(void)
{
	struct memopt_buffer b[POOL_MAX], all;
	struct memopt_session *s2;
	int i, ret;

	ret = memopt_open(&s2);
	if (ret)
		die("memopt_open (second session)", ret);
	for (i = 0; i < POOL_MAX; i++)
		alloc_or_die(s2, &b[i]);
	memopt_close(s2);
	memset(b[0].addr, 0x42, b[0].size);
	tap_ok(all_bytes(&b[0], 0x42), "memopt_close keeps the mappings valid");
	for (i = 0; i < POOL_MAX; i++)
		munmap(b[i].addr, b[i].size);
	ret = memopt_buffer_alloc(s, pool_id, (size_t)POOL_MAX * block_size, &all);
	tap_ret(ret, 0, "... and unmapping them gives the blocks back to the pool");
	if (!ret)
		memopt_buffer_free(s, &all);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s POOL (a pool of exactly %d blocks, all free)\n", argv[0],
			POOL_MAX);
		return 2;
	}
	alarm(120);
	test_session(argv[1]);
	if (!s || !pool_id)
		die("no session or no pool", -ENODEV);
	test_alloc();
	test_full();
	test_label();
	test_export_import();
	test_rdonly();
	test_fork();
	test_close();
	memopt_close(s);
	return tap_done();
}
