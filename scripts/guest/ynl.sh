#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Drive the "memopt" family with the kernel's own YNL tooling and memopt's
# spec (Documentation/netlink/specs/memopt.yaml): create, list, change and
# destroy a pool with tools/net/ynl/cli.py, check that the kernel refuses
# bad requests with the extack messages and policy limits the spec states,
# and that the monitor group announces each change. Needs vm.sh --python.
. /memopt/lib.sh

PY=/usr/bin/python3
YNL=/memopt/ynl
SPEC=$YNL/netlink/specs/memopt.yaml
OUT=/tmp/ynl
mkdir -p "$OUT"
# fd 4: the console, for the requests and replies that t_check would swallow.
exec 4>&1
echo "ynl: start at $(cut -d' ' -f1 /proc/uptime) s of uptime"

ynl() { "$PY" "$YNL/cli.py" --spec "$SPEC" "$@"; }

# ynl_json FILE ARGS...: run cli.py with --output-json into FILE, showing
# the request and the reply on the console; cli.py's exit status.
ynl_json() {
	local f=$1 rc
	shift
	ynl --output-json "$@" >"$f" 2>&1 && rc=0 || rc=$?
	{ echo "# cli.py $*"; sed 's/^/#   /' "$f"; } >&4
	return "$rc"
}

# ynl_fails WANT FILE ARGS...: cli.py must fail, and its output in FILE
# must contain WANT (the extack message, the policy, the attribute); the
# output is shown on the console.
ynl_fails() {
	local want=$1 f=$2 rc
	shift 2
	ynl "$@" >"$f" 2>&1 && rc=0 || rc=$?
	{ echo "# cli.py $*"; sed 's/^/#   /' "$f"; } >&4
	[ "$rc" -ne 0 ] && grep -qF "$want" "$f"
}

# pool_field FILE NAME KEY: KEY ("stats.blocks-reserved" for a nested one)
# of the pool called NAME in FILE, a JSON reply or dump of cli.py; "-" when
# there is no such pool or key.
pool_field() {
	"$PY" - "$@" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
val = '-'
for pool in doc if isinstance(doc, list) else [doc]:
    if isinstance(pool, dict) and pool.get('name') == sys.argv[2]:
        val = pool
        for key in sys.argv[3].split('.'):
            val = val.get(key, '-') if isinstance(val, dict) else '-'
print(val)
EOF
}

# is DESC WANT GOT: a check that GOT is WANT.
is() {
	t_check "$1" sh -c '[ "$1" = "$2" ] || { echo "wanted $1, got $2"; exit 1; }' - "$2" "$3"
}

# listen READY STOP: a second YNL client on the monitor group. It prints
# each notification as "NAME POOL MAX" once it has three, or when STOP
# appears. cli.py --subscribe cannot be used: it reads notifications only
# after its --sleep, with no way to tell when it joined the group, and the
# 6.12 ynl.py crashes when a notification arrives during its own --do
# (fixed upstream by "tools: ynl: fix mixing ops and notifications on one
# socket").
listen() {
	"$PY" - "$SPEC" "$@" <<'EOF'
import os, sys, time
sys.path.insert(0, '/memopt/ynl')
from lib import YnlFamily
ynl = YnlFamily(sys.argv[1])
ynl.ntf_subscribe('monitor')
open(sys.argv[2], 'w').close()
while len(ynl.async_msg_queue) < 3 and not os.path.exists(sys.argv[3]):
    ynl.check_ntf()
    time.sleep(0.1)
ynl.check_ntf()
for ntf in ynl.async_msg_queue:
    print(ntf['name'], ntf['msg'].get('name'), ntf['msg'].get('max'))
EOF
}

t_begin ynl-load
t_check "python3 and cli.py are in the image (vm.sh --python)" test -x "$PY" -a -f "$YNL/cli.py"
t_check "insmod memopt.ko" insmod /memopt/kmod/memopt.ko
# The first run also validates the spec against the genetlink-c schema.
t_check "cli.py --list-ops lists the four pool operations" sh -c "
	$PY $YNL/cli.py --spec $SPEC --list-ops >$OUT/ops &&
	grep -q '^pool-new ' $OUT/ops && grep -q '^pool-del ' $OUT/ops &&
	grep -q '^pool-set ' $OUT/ops && grep -q '^pool-get ' $OUT/ops"
t_end

t_begin ynl-monitor
rm -f "$OUT/ready" "$OUT/stop"
listen "$OUT/ready" "$OUT/stop" >"$OUT/ntf" 2>&1 &
lpid=$!
i=0
while [ ! -e "$OUT/ready" ] && [ $i -lt 600 ] && kill -0 $lpid 2>/dev/null; do
	sleep 0.5
	i=$((i + 1))
done
t_check "a YNL client joins the monitor group" test -e "$OUT/ready"
t_end

t_begin ynl-pool
t_check "pool-new ynl0, block-size 8192, min 4" \
	ynl_json "$OUT/new" --do pool-new --json '{"name": "ynl0", "block-size": 8192, "min": 4}'
id=$(pool_field "$OUT/new" ynl0 id)
t_check "the reply carries the new pool's id" test "$id" -ge 1
is "the reply carries block-size 8192" 8192 "$(pool_field "$OUT/new" ynl0 block-size)"
is "the reply carries min 4" 4 "$(pool_field "$OUT/new" ynl0 min)"
is "the reply's stats show the reserve of 4 blocks" 4 \
	"$(pool_field "$OUT/new" ynl0 stats.blocks-reserved)"

t_check "pool-get dump" ynl_json "$OUT/dump" --dump pool-get
is "the dump lists ynl0 with its id" "$id" "$(pool_field "$OUT/dump" ynl0 id)"
is "the dump shows block-size 8192" 8192 "$(pool_field "$OUT/dump" ynl0 block-size)"
is "the dump shows min 4" 4 "$(pool_field "$OUT/dump" ynl0 min)"
is "the dump shows max 0" 0 "$(pool_field "$OUT/dump" ynl0 max)"
is "the dump shows watermark 0" 0 "$(pool_field "$OUT/dump" ynl0 watermark)"
is "the dump shows leak-age 0" 0 "$(pool_field "$OUT/dump" ynl0 leak-age)"
is "the dump shows 4 blocks in the pool" 4 "$(pool_field "$OUT/dump" ynl0 stats.blocks-total)"

t_check "pool-set by id: max 64, watermark 80" \
	ynl_json "$OUT/set" --do pool-set --json "{\"id\": $id, \"max\": 64, \"watermark\": 80}"
is "the reply carries max 64" 64 "$(pool_field "$OUT/set" ynl0 max)"
t_check "pool-get by name" ynl_json "$OUT/get" --do pool-get --json '{"name": "ynl0"}'
is "pool-get shows max 64" 64 "$(pool_field "$OUT/get" ynl0 max)"
is "pool-get shows watermark 80" 80 "$(pool_field "$OUT/get" ynl0 watermark)"
is "pool-get shows min unchanged" 4 "$(pool_field "$OUT/get" ynl0 min)"
t_end

t_begin ynl-errors
t_check "block-size 5000 is refused with the kernel's extack message" \
	ynl_fails "'msg': 'block size must be a non-zero multiple of the page size', 'bad-attr': '.block-size'" \
	"$OUT/e1" --do pool-new --json '{"name": "bad", "block-size": 5000}'
t_check "block-size 1024 fails the policy range the spec states" \
	ynl_fails "'min-value': 4096, 'max-value': 4194304" \
	"$OUT/e2" --do pool-new --json '{"name": "bad", "block-size": 1024}'
t_check "watermark 101 fails the policy maximum the spec states" \
	ynl_fails "'max-value': 100" \
	"$OUT/e3" --do pool-set --json '{"name": "ynl0", "watermark": 101}'
t_check "id 0 fails the policy minimum the spec states" \
	ynl_fails "'min-value': 1" \
	"$OUT/e4" --do pool-get --json '{"id": 0}'
t_check "pool-new refuses an id, which is not in its request" \
	ynl_fails "'bad-attr': '.id'" \
	"$OUT/e5" --do pool-new --json '{"id": 7, "block-size": 8192}'
t_check "pool-set without a change is refused with the kernel's extack message" \
	ynl_fails "nothing to change" "$OUT/e6" --do pool-set --json '{"name": "ynl0"}'
t_end

t_begin ynl-del
t_check "pool-del by name" ynl_json "$OUT/del" --do pool-del --json '{"name": "ynl0"}'
t_check "pool-get dump" ynl_json "$OUT/dump2" --dump pool-get
is "the dump no longer lists ynl0" - "$(pool_field "$OUT/dump2" ynl0 id)"
t_check "pool-get of ynl0 fails: no pool with this name" \
	ynl_fails "no pool with this name" "$OUT/e7" --do pool-get --json '{"name": "ynl0"}'
t_end

t_begin ynl-monitor-events
touch "$OUT/stop"
wait $lpid
t_check "the listener exits cleanly" test $? -eq 0
sed 's/^/#   /' "$OUT/ntf"
is "notifications: create, change (max 64), delete" \
	"pool-create-ntf ynl0 0|pool-change-ntf ynl0 64|pool-delete-ntf ynl0 64" \
	"$(paste -s -d '|' "$OUT/ntf")"
t_end

t_begin ynl-unload
t_check "rmmod memopt" rmmod memopt
t_expect_rc 1 "cli.py fails once the family is gone" ynl --dump pool-get
t_end

echo "ynl: done at $(cut -d' ' -f1 /proc/uptime) s of uptime"

exit "$MEMOPT_FAILED"
