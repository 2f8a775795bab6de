// SPDX-License-Identifier: GPL-2.0
/*
 * memoptctl: control memopt.ko over its generic netlink family.
 *
 * Grammar: memoptctl [OPTIONS] OBJECT COMMAND [ARGS]
 * Exit status: 0 success, 1 the operation failed, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/memopt.h>

#ifndef MEMOPT_VERSION
#define MEMOPT_VERSION "0.0.0"
#endif

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: memoptctl [OPTIONS] OBJECT COMMAND\n"
		"where  OBJECT := { module }\n"
		"       OPTIONS := { -V[ersion] | -h[elp] }\n"
		"\n"
		"       memoptctl module show    is memopt.ko loaded, and what it offers\n");
}

/* module show: resolve the family through the generic netlink controller. */
static int cmd_module_show(void)
{
	struct nl_sock *sk;
	struct stat st;
	int family, grp, ret = EXIT_FAIL;

	sk = nl_socket_alloc();
	if (!sk) {
		fprintf(stderr, "Error: cannot allocate a netlink socket: %s.\n",
			strerror(ENOMEM));
		return EXIT_FAIL;
	}
	if (genl_connect(sk)) {
		fprintf(stderr, "Error: cannot connect to generic netlink.\n");
		goto out;
	}
	family = genl_ctrl_resolve(sk, MEMOPT_GENL_NAME);
	if (family < 0) {
		fprintf(stderr,
			"Error: generic netlink family \"%s\" not found: is memopt.ko loaded?\n",
			MEMOPT_GENL_NAME);
		goto out;
	}
	grp = genl_ctrl_resolve_grp(sk, MEMOPT_GENL_NAME, MEMOPT_MCGRP_MONITOR);
	printf("module memopt loaded\n");
	printf("  netlink family %s id %d", MEMOPT_GENL_NAME, family);
	if (grp >= 0)
		printf(" monitor group %d", grp);
	printf("\n");
	if (stat("/dev/" MEMOPT_DEVICE_NAME, &st) == 0 && S_ISCHR(st.st_mode))
		printf("  device /dev/%s (%u:%u)\n", MEMOPT_DEVICE_NAME,
		       major(st.st_rdev), minor(st.st_rdev));
	else
		printf("  device /dev/%s missing\n", MEMOPT_DEVICE_NAME);
	ret = EXIT_OK;
out:
	nl_socket_free(sk);
	return ret;
}

static int do_module(int argc, char **argv)
{
	if (argc < 1 || !strcmp(argv[0], "show"))
		return cmd_module_show();
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "Error: unknown command \"%s\" for object \"module\".\n", argv[0]);
	usage(stderr);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ "help",    no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "+Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'V':
			printf("memoptctl %s\n", MEMOPT_VERSION);
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "module"))
		return do_module(argc - 1, argv + 1);
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "Error: unknown object \"%s\".\n", argv[0]);
	usage(stderr);
	return EXIT_USAGE;
}
