#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Unit tests of scripts/tap-count.awk, the counter behind make check's
# summary: every way a suite can go wrong must count as a failure. TAP out.
set -u
AWK=$(dirname "$0")/../tap-count.awk
n=0 bad=0

case_() { # NAME EXPECTED INPUT
	local got
	n=$((n + 1))
	got=$(printf '%b' "$3" | awk -v prefix=k -f "$AWK")
	if [ "$got" = "$(printf '%b' "$2")" ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		printf '# expected:\n%b\n# got:\n%s\n' "$2" "$got" | sed 's/^/# /'
		bad=1
	fi
}

case_ "passes, a failure and a skip are counted" \
	'SUITE k/a 2 passed, 1 failed, 1 skipped\nTOTAL 2 1 1' \
	'# suite a tap\nok 1 x\nnot ok 2 y\nok 3 z # SKIP why\nok 4 w\n1..4\n# endsuite a rc=1\n'
case_ "kselftest comment lines are not results" \
	'SUITE k/a 1 passed, 0 failed, 0 skipped\nTOTAL 1 0 0' \
	'# suite a tap\nTAP version 13\n1..1\n#  RUN x ...\n#            OK  x\nok 1 x\n# endsuite a rc=0\n'
case_ "KTAP counts the suite's cases, not the suite line" \
	'SUITE k/s 1 passed, 1 failed, 0 skipped\nTOTAL 1 1 0' \
	'# suite s ktap\nKTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n    1..2\n        ok 1 param\n    ok 1 t1\n    not ok 2 t2\nnot ok 1 s\n# endsuite s rc=1\n'
case_ "a suite that ran nothing fails" \
	'SUITE k/e 0 passed, 1 failed, 0 skipped (no test ran)\nTOTAL 0 1 0' \
	'# suite e tap\n1..0\n# endsuite e rc=0\n'
case_ "fewer results than planned fail" \
	'SUITE k/p 1 passed, 2 failed, 0 skipped (planned 3, ran 1)\nTOTAL 1 2 0' \
	'# suite p tap\n1..3\nok 1 x\n# endsuite p rc=0\n'
case_ "a non-zero exit with all passed fails" \
	'SUITE k/r 1 passed, 1 failed, 0 skipped (exited with status 139)\nTOTAL 1 1 0' \
	'# suite r tap\nok 1 x\n1..1\n# endsuite r rc=139\n'
case_ "a suite cut off by a dead VM fails" \
	'SUITE k/a 1 passed, 0 failed, 0 skipped\nSUITE k/b 1 passed, 1 failed, 0 skipped (did not finish)\nTOTAL 2 1 0' \
	'# suite a tap\nok 1 x\n# endsuite a rc=0\n# suite b tap\nok 1 x\n'
case_ "carriage returns from the serial port are ignored" \
	'SUITE k/a 1 passed, 0 failed, 0 skipped\nTOTAL 1 0 0' \
	'# suite a tap\r\nok 1 x\r\n1..1\r\n# endsuite a rc=0\r\n'

echo "1..$n"
exit $bad
