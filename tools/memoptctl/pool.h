/* SPDX-License-Identifier: GPL-2.0 */
/* memoptctl pool: what destroy.c shares with pool.c. */
#ifndef _MEMOPTCTL_POOL_H
#define _MEMOPTCTL_POOL_H

#include <stdint.h>
#include <json-c/json.h>

struct mctl;
struct nl_msg;
struct pool_settings;

/* How kernel errors name the attributes of requests about one pool. */
extern const char *const pool_select_labels[];
extern const int n_pool_select_labels;

/* "pool show" for people. */
void print_pool(json_object *p);

/*
 * Send @cmd about the pool @sel (a name or an id), with more attributes
 * added by @fill; the pools replied go to the array @out (may be NULL).
 * 0 or -errno (printed).
 */
int pool_request(struct mctl *m, uint8_t cmd, const char *sel,
		 void (*fill)(struct nl_msg *, void *), void *farg, json_object *out);

/* Put the settings of @s that are given and in @mask (SF_BIT()s). */
void pool_settings_put(struct nl_msg *msg, const struct pool_settings *s, unsigned int mask);

/* memoptctl pool destroy POOL [--wait] [--timeout DURATION] */
int pool_destroy(struct mctl *m, int argc, char **argv);

#endif
