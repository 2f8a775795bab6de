// SPDX-License-Identifier: GPL-2.0
/* Unit tests of memoptctl's size, count, duration and age parsing and printing. TAP out. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../units.h"

static int n, failed;

static void check(int ok, const char *what, const char *in)
{
	n++;
	printf("%sok %d %s \"%s\"\n", ok ? "" : "not ", n, what, in);
	failed |= !ok;
}

static void size_ok(const char *in, uint64_t want)
{
	uint64_t got = 0;
	int ret = parse_size(in, &got);

	check(!ret && got == want, "size parses", in);
}

static void size_bad(const char *in, int err)
{
	uint64_t got;

	check(parse_size(in, &got) == err, "size refused", in);
}

static void fmt(uint64_t bytes, const char *want)
{
	char buf[32];

	check(!strcmp(format_size(bytes, buf, sizeof(buf)), want), "size formats as", want);
}

static void age(uint64_t ms, const char *want)
{
	char buf[32];

	check(!strcmp(format_age(ms, buf, sizeof(buf)), want), "age formats as", want);
}

static void pct(double r, const char *want)
{
	char buf[32];

	check(!strcmp(format_percent(r, buf, sizeof(buf)), want), "ratio formats as", want);
}

int main(void)
{
	uint64_t v;

	size_ok("4096", 4096);
	size_ok("4k", 4096);
	size_ok("64K", 65536);
	size_ok("2M", 2 << 20);
	size_ok("1G", 1ULL << 30);
	size_ok("16KiB", 16384);
	size_ok("0", 0);
	/* Every unit is a power of 1024, in any case; "b" is bytes. */
	size_ok("8b", 8);
	size_ok("8B", 8);
	size_ok("1kb", 1024);
	size_ok("1KB", 1024);
	size_ok("1kiB", 1024);
	size_ok("3mb", 3 << 20);
	size_ok("2Mib", 2 << 20);
	size_ok("1gb", 1ULL << 30);
	size_bad("1tb", -EINVAL);
	size_bad("1kbit", -EINVAL);
	size_bad("", -EINVAL);
	size_bad("k", -EINVAL);
	size_bad("-4k", -EINVAL);
	size_bad(" 4k", -EINVAL);
	size_bad("0x1000", -EINVAL);
	size_bad("4q", -EINVAL);
	size_bad("4.5M", -EINVAL);
	size_bad("99999999999999999999", -ERANGE);
	size_bad("17179869184G", -ERANGE);

	check(parse_uint("65536", UINT32_MAX, &v) == 0 && v == 65536, "count parses", "65536");
	check(parse_uint("4294967296", UINT32_MAX, &v) == -ERANGE, "count over u32 refused",
	      "4294967296");
	check(parse_uint("12x", UINT32_MAX, &v) == -EINVAL, "count with junk refused", "12x");
	check(parse_uint("101", 100, &v) == -ERANGE, "count over its max refused", "101");

	check(parse_duration("90", &v) == 0 && v == 90, "duration parses", "90");
	check(parse_duration("5m", &v) == 0 && v == 300, "duration parses", "5m");
	check(parse_duration("2h", &v) == 0 && v == 7200, "duration parses", "2h");
	check(parse_duration("1d", &v) == 0 && v == 86400, "duration parses", "1d");
	check(parse_duration("5min", &v) == -EINVAL, "duration refused", "5min");
	check(parse_duration("30s", &v) == 0 && v == 30, "duration parses", "30s");
	/* Duration units are lower case only. */
	check(parse_duration("5M", &v) == -EINVAL, "an upper-case duration unit refused", "5M");
	check(parse_duration("2H", &v) == -EINVAL, "an upper-case duration unit refused", "2H");
	check(parse_duration("1D", &v) == -EINVAL, "an upper-case duration unit refused", "1D");
	check(parse_duration("30S", &v) == -EINVAL, "an upper-case duration unit refused", "30S");
	check(parse_duration("1h30m", &v) == -EINVAL, "one unit only", "1h30m");
	check(parse_duration("7d", &v) == 0 && v == WAIT_MAX_S, "7d is the longest wait", "7d");

	fmt(4096, "4 KiB");
	fmt(65536, "64 KiB");
	fmt(1536, "1.5 KiB");
	fmt(512, "512 B");
	fmt(256ULL << 20, "256 MiB");
	fmt(3ULL << 30, "3 GiB");

	age(0, "0ms");
	age(850, "850ms");
	age(1000, "1s");
	age(42999, "42s");
	age(303000, "5m 3s");
	age(300000, "5m");
	age(7500000, "2h 5m");
	age(3 * 86400000ULL + 4 * 3600000ULL + 59000, "3d 4h");

	check(parse_duration_ms("1500ms", &v) == 0 && v == 1500, "ms duration parses", "1500ms");
	check(parse_duration_ms("2", &v) == 0 && v == 2000, "ms duration parses", "2");
	check(parse_duration_ms("5m", &v) == 0 && v == 300000, "ms duration parses", "5m");
	check(parse_duration_ms("ms", &v) == -EINVAL, "ms duration refused", "ms");
	check(parse_duration_ms("1.5s", &v) == -EINVAL, "ms duration refused", "1.5s");
	check(parse_duration_ms("500MS", &v) == -EINVAL, "ms in upper case refused", "500MS");

	pct(0.07, "7.0%");
	pct(1, "100.0%");
	pct(-1, "-");

	printf("1..%d\n", n);
	return failed;
}
