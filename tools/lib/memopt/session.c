// SPDX-License-Identifier: GPL-2.0
/*
 * libmemopt sessions: one open of /dev/memopt each, and the ioctls that
 * need no buffer (pool lookup by name).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"
#include "libmemopt.h"

#define MEMOPT_DEVICE_PATH	"/dev/" MEMOPT_DEVICE_NAME

/**
 * libmemopt_ioctl() - an ioctl on the session's device, retried on EINTR
 * @s: the session
 * @cmd: the ioctl
 * @arg: its argument
 *
 * Return: 0 or a negative errno.
 */
int libmemopt_ioctl(const struct memopt_session *s, unsigned long cmd, void *arg)
{
	int ret;

	do
		ret = ioctl(s->fd, cmd, arg);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

LIBMEMOPT_API int memopt_open(struct memopt_session **s)
{
	struct memopt_session *new;
	int err;

	if (!s)
		return -EINVAL;
	new = malloc(sizeof(*new));
	if (!new)
		return -ENOMEM;
	new->fd = open(MEMOPT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (new->fd < 0) {
		err = -errno;
		free(new);
		return err;
	}
	*s = new;
	return 0;
}

LIBMEMOPT_API void memopt_close(struct memopt_session *s)
{
	if (!s)
		return;
	close(s->fd);
	free(s);
}

LIBMEMOPT_API int memopt_session_fd(const struct memopt_session *s)
{
	return s ? s->fd : -EINVAL;
}

LIBMEMOPT_API int memopt_pool_lookup(struct memopt_session *s, const char *name,
				     uint32_t *pool_id, uint32_t *block_size)
{
	struct memopt_pool_lookup l;
	size_t len;
	int ret;

	if (!s || !name || !*name)
		return -EINVAL;
	len = strlen(name);
	if (len >= sizeof(l.name))
		return -ENAMETOOLONG;
	memset(&l, 0, sizeof(l));
	memcpy(l.name, name, len);
	ret = libmemopt_ioctl(s, MEMOPT_IOC_POOL_LOOKUP, &l);
	if (ret)
		return ret;
	if (pool_id)
		*pool_id = l.pool_id;
	if (block_size)
		*block_size = l.block_size;
	return 0;
}
