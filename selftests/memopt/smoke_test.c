// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke tests: memopt.ko is loaded, /dev/memopt behaves like a device
 * with no commands yet, and the "memopt" generic netlink family answers.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/memopt.h>

#include "kselftest_harness.h"
#include "genl.h"

#define DEV "/dev/" MEMOPT_DEVICE_NAME

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open(DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, DEV " does not exist: memopt.ko not loaded");
	ASSERT_LE(0, self->fd) TH_LOG("open " DEV ": %s", strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, is_char_device)
{
	struct stat st;

	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(dev, unknown_ioctl_is_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(0xff, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, open_twice)
{
	int fd2 = open(DEV, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, close(fd2));
}

TEST(genl_family_registered)
{
	struct genl_family_info info;
	int fd = genl_open();

	ASSERT_LE(0, fd);
	if (access(DEV, F_OK) && genl_resolve(fd, MEMOPT_GENL_NAME, &info) == -ENOENT)
		SKIP(return, "memopt.ko not loaded");
	ASSERT_EQ(0, genl_resolve(fd, MEMOPT_GENL_NAME, &info));
	EXPECT_EQ(MEMOPT_GENL_VERSION, (int)info.version);
	EXPECT_NE(0U, info.monitor_grp) TH_LOG("no \"%s\" multicast group",
					      MEMOPT_MCGRP_MONITOR);
	close(fd);
}

TEST(genl_unknown_family_is_enoent)
{
	struct genl_family_info info;
	int fd = genl_open();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOENT, genl_resolve(fd, "memopt-none", &info));
	close(fd);
}

TEST_HARNESS_MAIN
