/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pool figures in the Prometheus text exposition format, as node_exporter's
 * textfile collector reads it. See "stats" in memoptctl.rst for the names.
 */
#ifndef _MEMOPTCTL_PROM_H
#define _MEMOPTCTL_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

/* A label value with \, " and newline escaped; cut to fit @len. */
const char *prom_escape(const char *s, char *buf, size_t len);
/*
 * Every metric of the pools in the array @pools (pool objects as in
 * attrs.h); @count_pools adds memopt_pools, how many there are.
 */
void prom_write(FILE *f, json_object *pools, bool count_pools);

#endif
