# SPDX-License-Identifier: GPL-2.0
#
# Count the results a guest reported (see scripts/guest/lib.sh). Input:
#
#   # suite NAME KIND       KIND is "tap" (results at column 0, kselftest
#   ...                     and shell suites) or "ktap" (KUnit debugfs:
#   # endsuite NAME rc=N    the suite's test cases, indented one level)
#
# A suite fails a test of its own when it planned more results than it
# printed, printed none, exited non-zero with nothing marked failed, or
# never reached its "# endsuite" line (the VM died under it).
#
# Output: one line per suite, "SUITE NAME P passed, F failed, S skipped",
# and last "TOTAL P F S".
# Usage: awk -v prefix=stock-6.1 -f tap-count.awk RESULTS

function finish(rc, unfinished,    extra, why) {
	extra = 0
	why = ""
	if (unfinished) { extra = cur_plan > cur_n ? cur_plan - cur_n : 1; why = "did not finish" }
	else if (cur_n == 0) { extra = 1; why = "no test ran" }
	else if (cur_plan > cur_n) { extra = cur_plan - cur_n; why = "planned " cur_plan ", ran " cur_n }
	else if (rc != 0 && cur_f == 0) { extra = 1; why = "exited with status " rc }
	cur_f += extra
	line = sprintf("SUITE %s %d passed, %d failed, %d skipped", cur, cur_p, cur_f, cur_s)
	if (why != "") line = line " (" why ")"
	print line
	tp += cur_p; tf += cur_f; ts += cur_s
	cur = ""
}

{ sub(/\r$/, "") }

/^# suite / {
	if (cur != "") finish(1, 1)
	cur = (prefix != "" ? prefix "/" : "") $3
	kind = $4
	cur_p = cur_f = cur_s = cur_n = cur_plan = 0
	next
}

/^# endsuite / {
	if (cur == "") next
	rc = $0
	sub(/.*rc=/, "", rc)
	finish(rc + 0, 0)
	next
}

cur == "" { next }

{
	line = $0
	if (kind == "ktap") {
		if (line !~ /^    [^ ]/) next
		sub(/^    /, "", line)
	}
	if (line ~ /^1\.\.[0-9]+/) {
		cur_plan = substr(line, 4) + 0
		next
	}
	if (line ~ /^(not )?ok [0-9]+/) {
		cur_n++
		if (line ~ /^not ok/) {
			cur_f++
		} else if (line ~ /# *SKIP/) {
			cur_s++
		} else {
			cur_p++
		}
	}
}

END {
	if (cur != "") finish(1, 1)
	printf "TOTAL %d %d %d\n", tp, tf, ts
}
