#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Drive the "memopt" family with the kernel's own YNL tooling and memopt's
# spec (Documentation/netlink/specs/memopt.yaml): create, list, change and
# destroy a pool with tools/net/ynl/cli.py, check that the kernel refuses
# bad requests with the extack messages and policy limits the spec states;
# hold buffers in a second pool and find them, their process and, once
# they are old enough, their leak suspicions in the buf-get, proc-get and
# leak-get dumps; destroy that pool while they are held; and check that
# the monitor group announced each change and event, decoded through the
# spec. Needs vm.sh --python.
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

# jv FILE EXPR: the Python expression EXPR over d, FILE's JSON (a reply,
# or a dump's list of messages); "-" when it cannot be evaluated.
jv() {
	"$PY" - "$@" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print(eval(sys.argv[2]))
except Exception:
    print('-')
EOF
}

# listen READY STOP: a second YNL client on the monitor group. Once it has
# joined it creates READY, then prints each notification as it arrives, a
# JSON line {"name": ..., "msg": ...}, until STOP appears. cli.py
# --subscribe cannot be used: it reads notifications only after its
# --sleep, with no way to tell when it joined the group, and the 6.12
# ynl.py crashes when a notification arrives during its own --do (fixed
# upstream by "tools: ynl: fix mixing ops and notifications on one socket").
listen() {
	"$PY" - "$SPEC" "$@" <<'EOF'
import json, os, sys, time
sys.path.insert(0, '/memopt/ynl')
from lib import YnlFamily
ynl = YnlFamily(sys.argv[1])
ynl.ntf_subscribe('monitor')
open(sys.argv[2], 'w').close()
while True:
    stop = os.path.exists(sys.argv[3])
    ynl.check_ntf()
    while ynl.async_msg_queue:
        ntf = ynl.async_msg_queue.pop(0)
        print(json.dumps({'name': ntf['name'], 'msg': ntf['msg']}, default=sorted),
              flush=True)
    if stop:
        break
    time.sleep(0.1)
EOF
}

# ntf_pick FILE COND FORMAT: for each notification in FILE (listen's
# output) for which the Python expression COND holds, the expression
# FORMAT, one a line; in both, n is the notification's name and m its
# attributes.
ntf_pick() {
	"$PY" - "$@" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    if not line.startswith('{'):
        continue
    ntf = json.loads(line)
    n, m = ntf['name'], ntf['msg']
    try:
        if eval(sys.argv[2]):
            print(eval(sys.argv[3]))
    except Exception as e:
        print('error:', n, e)
EOF
}

# holder POOL_ID READY STOP: a process holding three one-block buffers of
# pool POOL_ID through /dev/memopt: the first asked for 3000 bytes and
# labelled "ynl-label", the others for 4096. It then asks for two blocks
# more, which the pool's max of 4 must refuse (ENOSPC: an exhaustion
# event), writes its pid to READY and keeps its buffers until STOP
# appears. The ioctl numbers and structs are uapi/linux/memopt.h's.
holder() {
	"$PY" - "$@" <<'EOF'
import errno, fcntl, os, struct, sys, time

def ioc(direction, nr, size):
    return direction << 30 | size << 16 | 0xBA << 8 | nr

ALLOC = struct.Struct('=IIQIIQQ')	# struct memopt_alloc
LABEL = struct.Struct('=II32s')		# struct memopt_set_label
IOC_ALLOC = ioc(3, 0x00, ALLOC.size)	# _IOWR
IOC_SET_LABEL = ioc(1, 0x03, LABEL.size)	# _IOW
pool, ready, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
fd = os.open('/dev/memopt', os.O_RDWR)

def alloc(size):
    arg = bytearray(ALLOC.pack(pool, 0, size, 0, 0, 0, 0))
    fcntl.ioctl(fd, IOC_ALLOC, arg)
    return ALLOC.unpack(arg)[3]

handles = [alloc(3000), alloc(4096), alloc(4096)]
fcntl.ioctl(fd, IOC_SET_LABEL, LABEL.pack(handles[0], 0, b'ynl-label'))
try:
    alloc(8192)
    sys.exit('two more blocks were allocated beyond the pool\'s max')
except OSError as e:
    if e.errno != errno.ENOSPC:
        raise
with open(ready + '.tmp', 'w') as f:
    f.write(str(os.getpid()))
os.rename(ready + '.tmp', ready)
while not os.path.exists(stop):
    time.sleep(0.1)
EOF
}

# wait_for SECONDS CMD...: until CMD succeeds, at most SECONDS.
wait_for() {
	local i=0 n=$(($1 * 2))
	shift
	until "$@"; do
		i=$((i + 1))
		[ $i -lt $n ] || return 1
		sleep 0.5
	done
}

t_begin ynl-load
t_check "python3 and cli.py are in the image (vm.sh --python)" test -x "$PY" -a -f "$YNL/cli.py"
t_check "insmod memopt.ko" insmod /memopt/kmod/memopt.ko
# The first run also validates the spec against the genetlink-c schema.
t_check "cli.py --list-ops lists the four pool operations" sh -c "
	$PY $YNL/cli.py --spec $SPEC --list-ops >$OUT/ops &&
	grep -q '^pool-new ' $OUT/ops && grep -q '^pool-del ' $OUT/ops &&
	grep -q '^pool-set ' $OUT/ops && grep -q '^pool-get ' $OUT/ops"
t_check "cli.py --list-ops lists the buffer, process and leak dumps" sh -c "
	grep -q '^buf-get ' $OUT/ops && grep -q '^proc-get ' $OUT/ops &&
	grep -q '^leak-get ' $OUT/ops"
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
is "the reply carries growth 0 (off, the default)" 0 "$(pool_field "$OUT/new" ynl0 growth)"
is "the reply carries growth-window 60 (the default)" 60 \
	"$(pool_field "$OUT/new" ynl0 growth-window)"
is "the reply does not mark a live pool dying" - "$(pool_field "$OUT/new" ynl0 dying)"

t_check "pool-get dump" ynl_json "$OUT/dump" --dump pool-get
is "the dump lists ynl0 with its id" "$id" "$(pool_field "$OUT/dump" ynl0 id)"
is "the dump shows block-size 8192" 8192 "$(pool_field "$OUT/dump" ynl0 block-size)"
is "the dump shows min 4" 4 "$(pool_field "$OUT/dump" ynl0 min)"
is "the dump shows max 0" 0 "$(pool_field "$OUT/dump" ynl0 max)"
is "the dump shows watermark 0" 0 "$(pool_field "$OUT/dump" ynl0 watermark)"
is "the dump shows leak-age 0" 0 "$(pool_field "$OUT/dump" ynl0 leak-age)"
is "the dump shows 4 blocks in the pool" 4 "$(pool_field "$OUT/dump" ynl0 stats.blocks-total)"
is "the dump shows no buffers" 0 "$(pool_field "$OUT/dump" ynl0 stats.buffers)"
is "the dump shows no bytes used" 0 "$(pool_field "$OUT/dump" ynl0 stats.bytes-used)"

t_check "pool-set by id: max 64, watermark 80, growth 1 MiB, growth-window 30" \
	ynl_json "$OUT/set" --do pool-set --json \
	"{\"id\": $id, \"max\": 64, \"watermark\": 80, \"growth\": 1048576, \"growth-window\": 30}"
is "the reply carries max 64" 64 "$(pool_field "$OUT/set" ynl0 max)"
is "the reply carries growth 1048576" 1048576 "$(pool_field "$OUT/set" ynl0 growth)"
is "the reply carries growth-window 30" 30 "$(pool_field "$OUT/set" ynl0 growth-window)"
t_check "pool-get by name" ynl_json "$OUT/get" --do pool-get --json '{"name": "ynl0"}'
is "pool-get shows max 64" 64 "$(pool_field "$OUT/get" ynl0 max)"
is "pool-get shows watermark 80" 80 "$(pool_field "$OUT/get" ynl0 watermark)"
is "pool-get shows min unchanged" 4 "$(pool_field "$OUT/get" ynl0 min)"
is "pool-get shows growth-window 30" 30 "$(pool_field "$OUT/get" ynl0 growth-window)"
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
t_check "growth-window 0 fails the policy minimum the spec states" \
	ynl_fails "'min-value': 1, 'max-value': 4294967295, 'type': 'u32'}, 'bad-attr': '.growth-window'" \
	"$OUT/e8" --do pool-set --json '{"name": "ynl0", "growth-window": 0}'
t_check "a buf-get label filter of 32 characters fails the policy's max-len 31" \
	ynl_fails "'max-length': 31, 'type': 'nul-string'}, 'bad-attr': '.label'" \
	"$OUT/e9" --dump buf-get --json '{"label": "0123456789abcdef0123456789abcdef"}'
t_check "a proc-get pid filter of 0 fails the policy minimum the spec states" \
	ynl_fails "'min-value': 1, 'max-value': 4294967295, 'type': 'u32'}, 'bad-attr': '.pid'" \
	"$OUT/e10" --dump proc-get --json '{"pid": 0}'
t_check "leak-get takes no filter: an attribute is refused" \
	ynl_fails "'bad-attr': '.reason'" \
	"$OUT/e11" --dump leak-get --json '{"reason": 1}'
t_end

t_begin ynl-del
t_check "pool-del by name" ynl_json "$OUT/del" --do pool-del --json '{"name": "ynl0"}'
is "pool-del replies with the pool's id" "$id" "$(pool_field "$OUT/del" ynl0 id)"
is "pool-del's reply carries its figures (max 64)" 64 "$(pool_field "$OUT/del" ynl0 max)"
is "pool-del's reply does not mark a pool without buffers dying" - \
	"$(pool_field "$OUT/del" ynl0 dying)"
t_check "pool-get dump" ynl_json "$OUT/dump2" --dump pool-get
is "the dump no longer lists ynl0" - "$(pool_field "$OUT/dump2" ynl0 id)"
t_check "pool-get of ynl0 fails: no pool with this name" \
	ynl_fails "no pool with this name" "$OUT/e7" --do pool-get --json '{"name": "ynl0"}'
t_end

# A pool of 4 one-page blocks, watermark 50%, leak age 1 s; a process holds
# 3 blocks (75%: over the watermark) and is refused 2 more (exhaustion).
t_begin ynl-ledger
t_check "pool-new ynl1: block-size 4096, max 4, watermark 50, leak-age 1, growth-window 5" \
	ynl_json "$OUT/new1" --do pool-new --json \
	'{"name": "ynl1", "block-size": 4096, "max": 4, "watermark": 50, "leak-age": 1, "growth-window": 5}'
id1=$(pool_field "$OUT/new1" ynl1 id)
is "the reply carries growth-window 5" 5 "$(pool_field "$OUT/new1" ynl1 growth-window)"
rm -f "$OUT/hready" "$OUT/hstop"
holder "$id1" "$OUT/hready" "$OUT/hstop" >"$OUT/holder" 2>&1 &
hjob=$!
wait_for 120 sh -c "[ -e '$OUT/hready' ] || ! kill -0 $hjob 2>/dev/null"
sed 's/^/#   /' "$OUT/holder" >&4
t_check "a process holds 3 buffers of ynl1 and is refused 2 blocks more" test -e "$OUT/hready"
# The holder's own pid (the job is the shell running it) and name.
hpid=$(cat "$OUT/hready" 2>/dev/null)
comm=$(cat "/proc/$hpid/comm" 2>/dev/null)

t_check "buf-get dump, filtered by pool-id" \
	ynl_json "$OUT/bufs" --dump buf-get --json "{\"pool-id\": $id1}"
is "it lists the 3 buffers" 3 "$(jv "$OUT/bufs" 'len(d)')"
is "each is owned by the holder" "$hpid $hpid $hpid" \
	"$(jv "$OUT/bufs" '" ".join(str(b["owner-pid"]) for b in d)')"
is "each is in ynl1" "$id1 $id1 $id1" "$(jv "$OUT/bufs" '" ".join(str(b["pool-id"]) for b in d)')"
t_check "buf-get dump, filtered by label" \
	ynl_json "$OUT/buf" --dump buf-get --json '{"label": "ynl-label"}'
is "it lists the one labelled buffer" 1 "$(jv "$OUT/buf" 'len(d)')"
is "its label" ynl-label "$(jv "$OUT/buf" 'd[0]["label"]')"
is "its size: one block" 4096 "$(jv "$OUT/buf" 'd[0]["size"]')"
is "its requested bytes" 3000 "$(jv "$OUT/buf" 'd[0]["requested"]')"
is "its owner's name" "$comm" "$(jv "$OUT/buf" 'd[0]["owner-comm"]')"
is "its owner's uid" 0 "$(jv "$OUT/buf" 'd[0]["owner-uid"]')"
is "its owner has not exited" False "$(jv "$OUT/buf" '"owner-exited" in d[0]')"
is "its holder: one handle of the holder" \
	"[{'kind': 'handle', 'pid': $hpid, 'comm': '$comm', 'count': 1}]" \
	"$(jv "$OUT/buf" 'd[0]["holder"]')"
t_check "buf-get dump, filtered by owner-pid and pool-id" \
	ynl_json "$OUT/bufs2" --dump buf-get --json "{\"owner-pid\": $hpid, \"pool-id\": $id1}"
is "it lists the 3 buffers" 3 "$(jv "$OUT/bufs2" 'len(d)')"
t_check "buf-get dump, filtered by a minimum age of an hour" \
	ynl_json "$OUT/bufs3" --dump buf-get --json '{"age-ms": 3600000}'
is "it lists nothing" 0 "$(jv "$OUT/bufs3" 'len(d)')"

t_check "proc-get dump, filtered by pid" \
	ynl_json "$OUT/procs" --dump proc-get --json "{\"pid\": $hpid}"
is "it lists the holder once, in ynl1" "1 $id1" "$(jv "$OUT/procs" '"%s %s" % (len(d), d[0]["pool-id"])')"
is "its name" "$comm" "$(jv "$OUT/procs" 'd[0]["comm"]')"
is "its buffers, bytes, allocs and frees" "3 12288 3 0" \
	"$(jv "$OUT/procs" '" ".join(str(d[0][k]) for k in ("buffers", "bytes", "allocs", "frees"))')"
is "its peak" 12288 "$(jv "$OUT/procs" 'd[0]["peak-bytes"]')"
t_check "proc-get dump, filtered by a pool without buffers" \
	ynl_json "$OUT/procs2" --dump proc-get --json '{"pool-id": 999999}'
is "it lists nothing" 0 "$(jv "$OUT/procs2" 'len(d)')"

t_check "pool-get ynl1" ynl_json "$OUT/get1" --do pool-get --json '{"name": "ynl1"}'
is "its stats: 3 buffers, 12288 bytes used, 11192 requested, peak 3 blocks" \
	"3 12288 11192 3" "$(jv "$OUT/get1" '" ".join(str(d["stats"][k]) for k in
		("buffers", "bytes-used", "bytes-requested", "peak-used"))')"
is "its stats: one allocation refused at max" 1 "$(jv "$OUT/get1" 'd["stats"]["fail-pool-max"]')"

# The detector scans every second; the buffers are a second old by now.
leaks() {
	ynl_json "$OUT/leaks" --dump leak-get && [ "$(jv "$OUT/leaks" 'len(d)')" = 3 ]
}
t_check "leak-get dump lists the 3 buffers, older than the leak age" wait_for 30 leaks
is "each suspected of age, in ynl1" "['age'] $id1|['age'] $id1|['age'] $id1" \
	"$(jv "$OUT/leaks" '"|".join("%s %s" % (x["reason"], x["buf"]["pool-id"]) for x in d)')"
is "the nested buffers are buf-get's, labels included" "['ynl-label']" \
	"$(jv "$OUT/leaks" '[x["buf"]["label"] for x in d if "label" in x["buf"]]')"
t_check "buf-get dump, filtered by label" \
	ynl_json "$OUT/buf2" --dump buf-get --json '{"label": "ynl-label"}'
is "the buffer is now a suspect of age" "['age']" "$(jv "$OUT/buf2" 'd[0]["suspect"]')"

t_check "a non-admin (uid 65534) buf-get dump" sh -c "
	$PY -c 'import os, sys; os.setgid(65534); os.setuid(65534); os.execv(sys.argv[1], sys.argv[1:])' \
		$PY $YNL/cli.py --spec $SPEC --output-json --dump buf-get >$OUT/nobody 2>&1"
{ echo "# cli.py --dump buf-get, as uid 65534"; sed 's/^/#   /' "$OUT/nobody"; } >&4
is "it does not see root's buffers" 0 "$(jv "$OUT/nobody" 'len(d)')"

t_check "pool-del ynl1 while its buffers are held" \
	ynl_json "$OUT/del1" --do pool-del --json '{"name": "ynl1"}'
is "the reply marks it dying" True "$(pool_field "$OUT/del1" ynl1 dying)"
touch "$OUT/hstop"
wait $hjob
t_check "the holder exits cleanly, giving its buffers back" test $? -eq 0
t_end

t_begin ynl-monitor-events
# ynl1 is freed once the holder's buffers are gone, at the next scan.
t_check "the listener hears that ynl1 was freed" wait_for 30 sh -c \
	"grep -q '\"name\": \"pool-freed-ntf\".*\"name\": \"ynl1\"' '$OUT/ntf'"
touch "$OUT/stop"
wait $lpid
t_check "the listener exits cleanly" test $? -eq 0
sed 's/^/#   /' "$OUT/ntf"
is "ynl0: create, change (max 64), delete, freed" \
	"pool-create-ntf 0|pool-change-ntf 64|pool-delete-ntf 64|pool-freed-ntf $id" \
	"$(ntf_pick "$OUT/ntf" 'm.get("name") == "ynl0"' \
		'"%s %s" % (n, m["id"] if n == "pool-freed-ntf" else m["max"])' | paste -s -d '|')"
is "ynl1: watermark-ntf, event watermark-up, with the pool's attributes" \
	"watermark-up 4 50 True" \
	"$(ntf_pick "$OUT/ntf" 'n == "watermark-ntf" and m["name"] == "ynl1"' \
		'"%s %s %s %s" % (m["event"], m["max"], m["watermark"], "stats" in m)')"
is "ynl1: exhausted-ntf, event exhausted-max" "exhausted-max" \
	"$(ntf_pick "$OUT/ntf" 'n == "exhausted-ntf" and m["name"] == "ynl1"' 'm["event"]')"
is "ynl1: a leak-ntf of age for each buffer, with its id, pool, size, owner and age" \
	"['age'] $id1 4096 $hpid 0 True|['age'] $id1 4096 $hpid 0 True|['age'] $id1 4096 $hpid 0 True" \
	"$(ntf_pick "$OUT/ntf" 'n == "leak-ntf"' \
		'" ".join(str(x) for x in (m["reason"], m["buf"]["pool-id"], m["buf"]["size"],
			m["buf"]["owner-pid"], m["buf"]["owner-uid"],
			"id" in m["buf"] and m["buf"]["age-ms"] >= 1000))' | paste -s -d '|')"
is "leak notifications carry no names and no labels" "" \
	"$(ntf_pick "$OUT/ntf" 'n == "leak-ntf"' \
		'" ".join(k for k in ("owner-comm", "label") if k in m["buf"]) or None' | grep -v None)"
is "ynl1: pool-delete-ntf marks it dying" "True" \
	"$(ntf_pick "$OUT/ntf" 'n == "pool-delete-ntf" and m["name"] == "ynl1"' 'm.get("dying")')"
is "ynl1: pool-freed-ntf carries its id and name only" "$id1 ynl1 2" \
	"$(ntf_pick "$OUT/ntf" 'n == "pool-freed-ntf" and m["name"] == "ynl1"' \
		'"%s %s %s" % (m["id"], m["name"], len(m))')"
t_end

t_begin ynl-unload
t_check "rmmod memopt" rmmod memopt
t_expect_rc 1 "cli.py fails once the family is gone" ynl --dump pool-get
t_end

echo "ynl: done at $(cut -d' ' -f1 /proc/uptime) s of uptime"

exit "$MEMOPT_FAILED"
