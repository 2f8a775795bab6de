/* SPDX-License-Identifier: GPL-2.0 */
/* Parsing and printing of sizes, counts and durations for memoptctl. */
#ifndef _MEMOPTCTL_UNITS_H
#define _MEMOPTCTL_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * "4096", "4k", "64K", "2M", "1G", "16KiB", "8b": bytes. Units, in any case:
 * b; k, kb, kib; m, mb, mib; g, gb, gib, each a power of 1024.
 */
int parse_size(const char *s, uint64_t *bytes);
/* A decimal integer within [0, max]. */
int parse_uint(const char *s, uint64_t max, uint64_t *v);
/*
 * "30", "30s", "5m", "2h", "1d": seconds. The units are lower case only;
 * "ms" is parse_duration_ms()'s.
 */
int parse_duration(const char *s, uint64_t *seconds);
/* The longest --watch and --timeout: 7 days (the shortest is 1 s). */
#define WAIT_MAX_S	(7 * 86400ULL)

/* "1500ms", "30", "30s", "5m", "2h", "1d": milliseconds. */
int parse_duration_ms(const char *s, uint64_t *ms);
/* "4 KiB", "1.5 MiB", "512 B": for people; exact numbers go to JSON. */
const char *format_size(uint64_t bytes, char *buf, size_t len);
/* One unit, the largest that divides it: "30s", "5m", "2h", "1d"; "off" for 0. */
const char *format_duration(uint64_t seconds, char *buf, size_t len);
/* An age: "850ms", "42s", "5m 3s", "2h 5m", "3d 4h" (two units at most). */
const char *format_age(uint64_t ms, char *buf, size_t len);
/* A ratio as a percentage with one decimal: "7.0%"; "-" when undefined (< 0). */
const char *format_percent(double ratio, char *buf, size_t len);

#endif
