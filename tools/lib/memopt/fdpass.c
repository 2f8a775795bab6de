// SPDX-License-Identifier: GPL-2.0
/*
 * libmemopt fd passing: a file descriptor and a small message over an
 * AF_UNIX socket (SCM_RIGHTS).
 *
 * The receiving side owns every descriptor the kernel installs, including
 * ones it did not ask for (a peer sending two, or more than the control
 * buffer holds, which the kernel reports with MSG_CTRUNC after installing
 * those that fit). memopt_recv_fd() therefore closes every descriptor of a
 * message it refuses, so that a confused or hostile peer cannot make the
 * receiver leak descriptors. The control buffer holds one descriptor and
 * the credentials a socket with SO_PASSCRED receives with every message,
 * which are ignored.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "libmemopt.h"

#ifndef SCM_PIDFD
#define SCM_PIDFD	0x04	/* Linux 6.5: a pidfd of the sender */
#endif

/* One descriptor and a struct ucred, aligned for struct cmsghdr. */
union fd_control {
	char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
	struct cmsghdr align;
};

static ssize_t send_retry(int sock, struct msghdr *msg)
{
	ssize_t n;

	do
		n = sendmsg(sock, msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* The rest of a partial stream send, without the descriptor. */
static int send_rest(int sock, const char *p, size_t left)
{
	while (left) {
		struct iovec iov = { .iov_base = (void *)p, .iov_len = left };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = send_retry(sock, &msg);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EPIPE;
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

LIBMEMOPT_API int memopt_send_fd(int sock, int fd, const void *data, size_t len)
{
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	union fd_control ctl;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = CMSG_SPACE(sizeof(int)),
	};
	struct cmsghdr *c;
	ssize_t n;

	if (!data || !len)
		return -EINVAL;
	if (fd < 0)
		return -EBADF;
	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	n = send_retry(sock, &msg);
	if (n < 0)
		return (int)n;
	return send_rest(sock, (const char *)data + n, len - (size_t)n);
}

static bool cmsg_is(const struct cmsghdr *c, int type)
{
	return c->cmsg_level == SOL_SOCKET && c->cmsg_type == type;
}

/* Number of descriptors in a control message that carries some. */
static size_t cmsg_nfds(const struct cmsghdr *c)
{
	if (!cmsg_is(c, SCM_RIGHTS) && !cmsg_is(c, SCM_PIDFD))
		return 0;
	return (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
}

/*
 * take_fds: the one descriptor of a received message, in *fd (or -1).
 * Anything else (a second descriptor, a truncated control buffer, unknown
 * ancillary data) refuses the message: every descriptor in it is closed.
 */
static int take_fds(struct msghdr *msg, int *fd)
{
	bool bad = msg->msg_flags & MSG_CTRUNC;
	struct cmsghdr *c;
	size_t i, n;
	int got;

	*fd = -1;
	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (cmsg_is(c, SCM_CREDENTIALS))
			continue;
		if (!cmsg_is(c, SCM_RIGHTS))
			bad = true;
		n = cmsg_nfds(c);
		for (i = 0; i < n; i++) {
			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(got));
			if (!bad && *fd < 0) {
				*fd = got;
			} else {
				close(got);
				bad = true;
			}
		}
	}
	if (!bad)
		return 0;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	return -EBADMSG;
}

/*
 * recv_part: one recvmsg(), retried on EINTR. Returns the bytes read and
 * sets *fd (or -1) and *flags, or returns a negative errno with *fd -1.
 */
static ssize_t recv_part(int sock, void *p, size_t len, int *fd, int *flags)
{
	struct iovec iov = { .iov_base = p, .iov_len = len };
	union fd_control ctl;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;
	int ret;

	*fd = -1;
	*flags = 0;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	ret = take_fds(&msg, fd);
	if (ret)
		return ret;
	*flags = msg.msg_flags;
	return n;
}

static bool is_stream(int sock)
{
	socklen_t sl;
	int type;

	sl = sizeof(type);
	return !getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &sl) && type == SOCK_STREAM;
}

/* The rest of a message split on a stream socket: no descriptor allowed. */
static int recv_rest(int sock, char *p, size_t left)
{
	int extra, flags;
	ssize_t n;

	if (!is_stream(sock))
		return -EBADMSG;
	while (left) {
		n = recv_part(sock, p, left, &extra, &flags);
		if (n < 0)
			return (int)n;
		if (extra >= 0) {
			close(extra);
			return -EBADMSG;
		}
		if (n == 0)
			return -EBADMSG;
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

/* recv_check: what a first part of n bytes (with *fd) says about the message. */
static int recv_check(int sock, char *data, size_t len, ssize_t n, int fd, int flags)
{
	if (n == 0)
		return fd < 0 ? -EPIPE : -EBADMSG;
	if (flags & MSG_TRUNC)
		return -EMSGSIZE;
	if ((size_t)n < len)
		return recv_rest(sock, data + n, len - (size_t)n);
	return 0;
}

LIBMEMOPT_API int memopt_recv_fd(int sock, int *fd, void *data, size_t len)
{
	int got, flags, ret;
	ssize_t n;

	if (fd)
		*fd = -1;
	if (!fd || !data || !len)
		return -EINVAL;
	n = recv_part(sock, data, len, &got, &flags);
	if (n < 0)
		return (int)n;
	ret = recv_check(sock, data, len, n, got, flags);
	if (ret) {
		if (got >= 0)
			close(got);
		return ret;
	}
	*fd = got;
	return 0;
}
