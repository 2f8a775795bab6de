// SPDX-License-Identifier: GPL-2.0
/* Parsing and printing of sizes, counts and durations for memoptctl. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

/* Digits only: strtoull would take signs, spaces and hex. */
static int parse_digits(const char *s, uint64_t *v, const char **end)
{
	uint64_t n = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (UINT64_MAX - (*p - '0')) / 10)
			return -ERANGE;
		n = n * 10 + (*p - '0');
	}
	*v = n;
	*end = p;
	return 0;
}

int parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	const char *end;
	int ret = parse_digits(s, v, &end);

	if (ret)
		return ret;
	if (*end)
		return -EINVAL;
	return *v > max ? -ERANGE : 0;
}

int parse_size(const char *s, uint64_t *bytes)
{
	static const struct { const char *suffix; unsigned int shift; } units[] = {
		{ "", 0 }, { "b", 0 },
		{ "k", 10 }, { "kb", 10 }, { "kib", 10 },
		{ "m", 20 }, { "mb", 20 }, { "mib", 20 },
		{ "g", 30 }, { "gb", 30 }, { "gib", 30 },
	};
	const char *end;
	uint64_t n;
	unsigned int i;
	int ret;

	ret = parse_digits(s, &n, &end);
	if (ret)
		return ret;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].suffix))
			continue;
		if (n > (UINT64_MAX >> units[i].shift))
			return -ERANGE;
		*bytes = n << units[i].shift;
		return 0;
	}
	return -EINVAL;
}

int parse_duration(const char *s, uint64_t *seconds)
{
	static const struct { char suffix; uint64_t mult; } units[] = {
		{ '\0', 1 }, { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	const char *end;
	uint64_t n;
	unsigned int i;
	int ret;

	ret = parse_digits(s, &n, &end);
	if (ret)
		return ret;
	if (end[0] && end[1])
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (end[0] != units[i].suffix)
			continue;
		if (n > UINT64_MAX / units[i].mult)
			return -ERANGE;
		*seconds = n * units[i].mult;
		return 0;
	}
	return -EINVAL;
}

const char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned int u = 0;
	uint64_t whole = bytes;

	while (whole >= 1024 && u < 6) {
		whole >>= 10;
		u++;
	}
	if (!u || bytes % (1ULL << (10 * u)) == 0)
		snprintf(buf, len, "%llu %s", (unsigned long long)whole, unit[u]);
	else
		snprintf(buf, len, "%.1f %s", (double)bytes / (double)(1ULL << (10 * u)), unit[u]);
	return buf;
}

const char *format_duration(uint64_t s, char *buf, size_t len)
{
	if (!s)
		snprintf(buf, len, "off");
	else if (s % 86400 == 0)
		snprintf(buf, len, "%llud", (unsigned long long)(s / 86400));
	else if (s % 3600 == 0)
		snprintf(buf, len, "%lluh", (unsigned long long)(s / 3600));
	else if (s % 60 == 0)
		snprintf(buf, len, "%llum", (unsigned long long)(s / 60));
	else
		snprintf(buf, len, "%llus", (unsigned long long)s);
	return buf;
}

int parse_duration_ms(const char *s, uint64_t *ms)
{
	size_t len = strlen(s);
	char digits[32];
	uint64_t v;
	int ret;

	if (len > 2 && !strcmp(s + len - 2, "ms")) {
		if (len - 2 >= sizeof(digits))
			return -ERANGE;
		memcpy(digits, s, len - 2);
		digits[len - 2] = '\0';
		return parse_uint(digits, UINT64_MAX, ms);
	}
	ret = parse_duration(s, &v);
	if (ret)
		return ret;
	if (v > UINT64_MAX / 1000)
		return -ERANGE;
	*ms = v * 1000;
	return 0;
}

const char *format_age(uint64_t ms, char *buf, size_t len)
{
	static const struct { const char *unit; uint64_t ms; } u[] = {
		{ "d", 86400000 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
	};
	unsigned int i;
	uint64_t hi, lo;

	if (ms < 1000) {
		snprintf(buf, len, "%llums", (unsigned long long)ms);
		return buf;
	}
	for (i = 0; ms < u[i].ms; i++)
		;
	hi = ms / u[i].ms;
	lo = i < 3 ? ms % u[i].ms / u[i + 1].ms : 0;
	if (lo)
		snprintf(buf, len, "%llu%s %llu%s", (unsigned long long)hi, u[i].unit,
			 (unsigned long long)lo, u[i + 1].unit);
	else
		snprintf(buf, len, "%llu%s", (unsigned long long)hi, u[i].unit);
	return buf;
}

const char *format_percent(double ratio, char *buf, size_t len)
{
	if (ratio < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", ratio * 100);
	return buf;
}
