#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memoptctl apply (pool files), batch mode, pool destroy --wait stopped by
# SIGINT, and module show without the module, end to end in the guest with
# memopt.ko loaded. Sourced (by a guest script that loaded lib.sh and the
# module): results go through lib.sh's helpers, failures into
# MEMOPT_FAILED. Self-contained: its pools are named ca-*, its buffers are
# held by memopt-hold (tools/memoptctl/tests/memopt-hold.c), and it leaves
# no pool, buffer or process behind. Its last suite unloads the module and
# loads it again (without parameters).
command -v t_begin >/dev/null 2>&1 || . /memopt/lib.sh

# ca_run OUT CMD...: run CMD, stdout and stderr to OUT; its status in ca_rc.
ca_run() {
	out=$1
	shift
	"$@" >"$out" 2>&1
	ca_rc=$?
}

# ca_sockets PID: the socket inodes PID has open, sorted, one a line.
ca_sockets() {
	for fd in /proc/"$1"/fd/*; do
		readlink "$fd"
	done 2>/dev/null | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | sort
}

# ca_destroy_all: every ca- pool (waiting for held ones is not needed: none is).
ca_destroy_all() {
	for p in $(memoptctl pool list 2>/dev/null | awk '$2 ~ /^ca-/ { print $2 }'); do
		memoptctl pool destroy "$p" >/dev/null
	done
}

ca_destroy_all

cat >/tmp/ca.conf <<'EOF'
# ca: the pools of the apply suite
pool ca-a size=4k min=8 max=64 watermark=80 leak-age=5m   # frames
pool ca-b size=8k growth=64k growth-window=30s uid=nobody gid=nogroup mode=0640
pool ca-c size=4k
EOF

t_begin cli-apply
ca_run /tmp/ca.o memoptctl apply /tmp/ca.conf
t_check "apply creates the pools: exit 0" test "$ca_rc" -eq 0
t_check "... one line each, with the settings the file gives" has /tmp/ca.o \
	'^created ca-a \(line 2\): size 4 KiB, min 8, max 64, watermark 80%, leak-age 5m$'
t_check "... ca-b's growth detector and access" has /tmp/ca.o \
	'^created ca-b \(line 3\): size 8 KiB, growth 64 KiB, growth-window 30s, uid 65534, gid 65534, mode 0640$'
t_check "... ca-c with a size only" has /tmp/ca.o '^created ca-c \(line 4\): size 4 KiB$'
t_check "... and a summary" has /tmp/ca.o '^/tmp/ca.conf: 3 created, 0 changed, 0 pruned; 0 unchanged, [0-9]+ extra, 0 failed$'
memoptctl pool show ca-a >/tmp/ca.o
t_check "the kernel has ca-a's reserve" has /tmp/ca.o '^  reserve \(min\) +8 blocks, 32 KiB$'
t_check "... its watermark" has /tmp/ca.o '^  watermark +80% of max$'
t_check "... its leak age" has /tmp/ca.o '^  leak age +5m$'
memoptctl -j pool show ca-b >/tmp/ca.o
t_check "-j: ca-b's growth, window, owner, group and mode" has /tmp/ca.o \
	'"block_size":8192,"min":0,"max":0,"watermark":0,"leak_age":0,"uid":65534,"gid":65534,"mode":416,"growth":65536,"growth_window":30,'
memoptctl -j pool show ca-c >/tmp/ca.o
t_check "-j: ca-c has pool create's defaults" has /tmp/ca.o \
	'"block_size":4096,"min":0,"max":0,"watermark":0,"leak_age":0,"uid":0,"gid":0,"mode":432,"growth":0,"growth_window":60,'

ca_run /tmp/ca.o memoptctl apply /tmp/ca.conf
t_check "a second apply: exit 0" test "$ca_rc" -eq 0
t_check "... changes nothing" has /tmp/ca.o '^/tmp/ca.conf: no changes; 3 unchanged, [0-9]+ extra, 0 failed$'
t_check "... every pool unchanged" count_is /tmp/ca.o '^unchanged ca-[abc] \(line [234]\)$' 3
t_check "... nothing created or changed" hasnt /tmp/ca.o '^(created|changed) '
memoptctl -j apply /tmp/ca.conf >/tmp/ca.o
t_check "-j: the counts" has /tmp/ca.o \
	'"created":0,"changed":0,"unchanged":3,"extra":[0-9]+,"pruned":0,"failed":0\}$'
t_check "-j: each pool's action" has /tmp/ca.o \
	'\{"name":"ca-a","line":2,"id":[0-9]+,"action":"unchanged"\}'

# A changed field; a field left out goes back to its default.
sed -i 's/^pool ca-a size=4k min=8 max=64 watermark=80 leak-age=5m/pool ca-a size=4k min=16 max=64 leak-age=5m/' /tmp/ca.conf
memoptctl pool set ca-c --leak-age 1h >/dev/null
ca_run /tmp/ca.o memoptctl apply /tmp/ca.conf
t_check "apply after the file changed: exit 0" test "$ca_rc" -eq 0
t_check "... the changed fields, old -> new" has /tmp/ca.o \
	'^changed ca-a \(line 2\): min 8 -> 16, watermark 80% -> off$'
t_check "... a field the file leaves out goes back to its default" has /tmp/ca.o \
	'^changed ca-c \(line 4\): leak-age 1h -> off$'
t_check "... the other pool is unchanged" has /tmp/ca.o '^unchanged ca-b \(line 3\)$'
t_check "... the summary" has /tmp/ca.o '^/tmp/ca.conf: 0 created, 2 changed, 0 pruned; 1 unchanged,'
memoptctl pool show ca-a >/tmp/ca.o
t_check "the kernel has the new reserve" has /tmp/ca.o '^  reserve \(min\) +16 blocks, 64 KiB$'
t_check "... and no watermark" has /tmp/ca.o '^  watermark +off$'
memoptctl pool set ca-a --min 20 >/dev/null
memoptctl -j apply /tmp/ca.conf >/tmp/ca.o
t_check "-j: a change with its old and new value" has /tmp/ca.o \
	'\{"name":"ca-a","line":2,"id":[0-9]+,"changes":\{"min":\{"old":20,"new":16\}\},"action":"changed"\}'
t_expect_rc 0 "and then nothing to do" sh -c \
	'memoptctl apply /tmp/ca.conf | grep -q "^/tmp/ca.conf: no changes; 3 unchanged"'

# --dry-run: says what it would do, and does nothing.
cp /tmp/ca.conf /tmp/ca-dry.conf
sed -i 's/^pool ca-a size=4k min=16 max=64/pool ca-a size=4k min=16 max=128/' /tmp/ca-dry.conf
echo 'pool ca-d size=16k min=2' >>/tmp/ca-dry.conf
memoptctl pool list >/tmp/ca.before
ca_run /tmp/ca.o memoptctl apply --dry-run /tmp/ca-dry.conf
t_check "--dry-run: exit 0" test "$ca_rc" -eq 0
t_check "... would change ca-a" has /tmp/ca.o '^would change ca-a \(line 2\): max 64 -> 128$'
t_check "... would create ca-d" has /tmp/ca.o '^would create ca-d \(line 5\): size 16 KiB, min 2$'
t_check "... says nothing changed" has /tmp/ca.o \
	'^/tmp/ca-dry.conf \(dry run, nothing changed\): 1 to create, 1 to change, 0 to prune; 2 unchanged,'
memoptctl pool list >/tmp/ca.after
t_check "... and the pools are as they were" cmp /tmp/ca.before /tmp/ca.after
t_expect_rc 1 "... ca-d was not created" memoptctl pool show ca-d
memoptctl -j apply /tmp/ca-dry.conf --dry-run >/tmp/ca.o
t_check "-j --dry-run says so" has /tmp/ca.o '^\{"file":"/tmp/ca-dry.conf","dry_run":true,"prune":false,'

# A block size cannot change: an error for that pool, the others applied.
cp /tmp/ca.conf /tmp/ca-size.conf
sed -i 's/^pool ca-c size=4k$/pool ca-c size=8k/; s/min=16 max=64/min=16 max=96/' /tmp/ca-size.conf
ca_run /tmp/ca.o memoptctl apply /tmp/ca-size.conf
t_check "a block size that differs: exit 1" test "$ca_rc" -eq 1
t_check "... an error naming the line, the pool and why" has /tmp/ca.o \
	'^Error: /tmp/ca-size.conf:4: pool ca-c: the block size cannot change \(4 KiB in the kernel, 8 KiB in the file\); destroy the pool to create it anew\.$'
t_check "... the other pools are applied" has /tmp/ca.o '^changed ca-a \(line 2\): max 64 -> 96$'
t_check "... and counted" has /tmp/ca.o '^/tmp/ca-size.conf: 0 created, 1 changed, 0 pruned; 1 unchanged, [0-9]+ extra, 1 failed$'
memoptctl -j pool show ca-c >/tmp/ca.o
t_check "... ca-c keeps its block size" has /tmp/ca.o '"block_size":4096,'

# What the kernel refuses names the file's line and pool.
echo 'pool ca-e size=4k' >/tmp/ca-e.conf
su -s /bin/sh nobody -c "/memopt/bin/memoptctl apply /tmp/ca-e.conf" >/tmp/ca.o 2>&1
ca_rc=$?
t_check "unprivileged: exit 1" test "$ca_rc" -eq 1
t_check "... the kernel's reason, with the line and the pool" has /tmp/ca.o \
	'^Error: /tmp/ca-e.conf:1: pool ca-e: Operation not permitted \(changing pools needs CAP_NET_ADMIN\)\.$'
t_check "... and a summary that counts it" has /tmp/ca.o '^/tmp/ca-e.conf: no changes; 0 unchanged, [0-9]+ extra, 1 failed$'

# A bad file changes nothing, whatever its good lines say.
cat >/tmp/ca-bad.conf <<'EOF'
pool ca-a size=4k min=32 max=64 leak-age=5m
pool ca-f size=4k
pool ca-b size=8k growth=64k growth-window=30s uid=nobody gid=nogroup mode=0640 colour=red
pool ca-g size=5000
EOF
memoptctl pool list >/tmp/ca.before
ca_run /tmp/ca.o memoptctl apply --prune /tmp/ca-bad.conf
t_check "a bad file: exit 2" test "$ca_rc" -eq 2
t_check "... each bad line named: line 3" has /tmp/ca.o \
	'^Error: /tmp/ca-bad.conf:3: unknown setting "colour" \(size, min, max, watermark, leak-age, growth, growth-window, uid, gid, mode\)\.$'
t_check "... line 4" has /tmp/ca.o '^Error: /tmp/ca-bad.conf:4: size 5000 is not a multiple of the page size \([0-9]+\)\.$'
t_check "... and that nothing was changed" has /tmp/ca.o '^Error: /tmp/ca-bad.conf: 2 bad lines: nothing was changed\.$'
memoptctl pool list >/tmp/ca.after
t_check "... and nothing was" cmp /tmp/ca.before /tmp/ca.after
t_expect_rc 1 "... ca-f was not created" memoptctl pool show ca-f

# Extra pools: reported; with --prune, destroyed.
memoptctl pool create --name ca-x1 --size 4k >/dev/null
memoptctl pool create --name ca-x2 --size 4k >/dev/null
memopt-hold --count 1 ca-x2 >/tmp/ca.hold 2>&1 &
CA_HOLD=$!
wait_match /tmp/ca.hold '^ready' 20
ca_run /tmp/ca.o memoptctl apply /tmp/ca.conf
t_check "extra pools: exit 0" test "$ca_rc" -eq 0
t_check "... reported" has /tmp/ca.o '^extra ca-x1 \(id [0-9]+\): not in /tmp/ca.conf; --prune destroys it$'
t_expect_rc 0 "... and left alone" memoptctl pool show ca-x1
ca_run /tmp/ca.o memoptctl apply --prune --dry-run /tmp/ca.conf
t_check "--prune --dry-run: would prune them" has /tmp/ca.o '^would prune ca-x1 \(id [0-9]+\)$'
t_expect_rc 0 "... and does not" memoptctl pool show ca-x1
# Only the suite's own pools may go: skip if the VM has others.
if grep -E '^would prune ' /tmp/ca.o | grep -qvE '^would prune ca-'; then
	t_skip "--prune destroys the extra pools" "pools other than ca-* exist"
else
	ca_run /tmp/ca.o memoptctl apply --prune /tmp/ca.conf
	t_check "--prune: exit 0" test "$ca_rc" -eq 0
	t_check "... destroys an extra pool" has /tmp/ca.o '^pruned ca-x1 \(id [0-9]+\)$'
	t_check "... says when a pruned pool is still held" has /tmp/ca.o \
		'^pruned ca-x2 \(id [0-9]+\): dying, held by 1 buffer$'
	t_check "... counts them" has /tmp/ca.o '^/tmp/ca.conf: 0 created, 0 changed, 2 pruned; 3 unchanged, 0 extra, 0 failed$'
	t_expect_rc 1 "... they are gone" memoptctl pool show ca-x1
	memoptctl pool list >/tmp/ca.o
	t_check "... and the file's pools stay" count_is /tmp/ca.o ' ca-[abc] ' 3
	ca_run /tmp/ca.o memoptctl apply --prune /tmp/ca.conf
	t_check "a second --prune: no changes" has /tmp/ca.o '^/tmp/ca.conf: no changes; 3 unchanged, 0 extra, 0 failed$'
fi
kill "$CA_HOLD" 2>/dev/null
wait "$CA_HOLD" 2>/dev/null
memoptctl pool destroy ca-x1 >/dev/null 2>&1
t_end

t_begin cli-batch
cat >/tmp/ca.batch <<'EOF'
# several commands over one socket
pool create --name ca-b1 --size 4k
pool set ca-b1 --min 4 --leak-age '1m'     # quotes work
pool show "ca-b1"

stats ca-b1 --format json
pool list
EOF
ca_run /tmp/ca.o memoptctl -batch /tmp/ca.batch
t_check "a batch of 5 commands: exit 0" test "$ca_rc" -eq 0
t_check "... created the pool" has /tmp/ca.o '^created pool ca-b1 \(id [0-9]+\)$'
t_check "... changed it" has /tmp/ca.o '^  leak age +1m$'
t_check "... showed it" count_is /tmp/ca.o '^  reserve \(min\) +4 blocks, 16 KiB$' 2
t_check "... stats as JSON" has /tmp/ca.o '^\{"total":\{"pools":1,'
t_check "... and the list, as text again" has /tmp/ca.o '^[0-9]+ +ca-b1 +4 KiB +4 '
memoptctl -j -force -b /tmp/ca.batch >/tmp/ca.o 2>&1
t_check "-j applies to every line" has /tmp/ca.o '^\[\{"id":[0-9]+,"name":'
t_check "... pool show as JSON" has /tmp/ca.o '^\{"id":[0-9]+,"name":"ca-b1","block_size":4096,"min":4,'
t_check "... the failure (ca-b1 exists) names the line" has /tmp/ca.o \
	'^Error: /tmp/ca.batch:2: a pool with this name exists \(--name\)\.$'

# One socket, from the first command to the end: fed through a FIFO,
# memoptctl keeps the same socket between its commands.
rm -f /tmp/ca.fifo
mkfifo /tmp/ca.fifo
memoptctl -b /tmp/ca.fifo >/tmp/ca.o 2>&1 &
CA_B=$!
exec 4>/tmp/ca.fifo
echo "pool show ca-b1" >&4
wait_match /tmp/ca.o '^pool ca-b1 ' 10
sleep 0.5
ca_sockets "$CA_B" >/tmp/ca.s1
echo "pool list" >&4
wait_match /tmp/ca.o '^ID +NAME' 10
sleep 0.5
ca_sockets "$CA_B" >/tmp/ca.s2
exec 4>&-
wait "$CA_B"
ca_rc=$?
t_check "a batch from a FIFO: exit 0" test "$ca_rc" -eq 0
t_check "between commands, one socket stays open" test "$(wc -l </tmp/ca.s1)" -eq 1
t_check "... the same one after the next command" cmp /tmp/ca.s1 /tmp/ca.s2

cat >/tmp/ca-fail.batch <<'EOF'
pool create --name ca-b2 --size 4k
pool show ca-nosuch
pool create --name ca-b3 --size 4k
EOF
ca_run /tmp/ca.o memoptctl -b /tmp/ca-fail.batch
t_check "a failing command: exit 1" test "$ca_rc" -eq 1
t_check "... Error: FILE:LINE: and the kernel's reason" has /tmp/ca.o \
	'^Error: /tmp/ca-fail.batch:2: no pool with this name \(POOL\)\.$'
t_expect_rc 0 "... the command before it ran" memoptctl pool show ca-b2
t_expect_rc 1 "... the batch stopped there" memoptctl pool show ca-b3
memoptctl pool destroy ca-b2 >/dev/null
ca_run /tmp/ca.o memoptctl -force -b /tmp/ca-fail.batch
t_check "-force: the first failure's status" test "$ca_rc" -eq 1
t_check "... the error" has /tmp/ca.o '^Error: /tmp/ca-fail.batch:2: no pool with this name'
t_expect_rc 0 "... and the commands after it ran" memoptctl pool show ca-b3
printf 'pool destroy ca-b2\npool destroy ca-b3\npool frob\n' | memoptctl -b - >/tmp/ca.o 2>&1
ca_rc=$?
t_check "from standard input: a usage error's status" test "$ca_rc" -eq 2
t_check "... named stdin:LINE" has /tmp/ca.o '^Error: stdin:3: unknown command "frob" for object "pool"\.$'
t_expect_rc 1 "... after the commands before it" memoptctl pool show ca-b3
memoptctl pool destroy ca-b1 >/dev/null
t_end

t_begin cli-destroy-sigint
memoptctl pool create --name ca-s --size 4k >/dev/null
memopt-hold --count 1 ca-s >/tmp/ca.hold 2>&1 &
CA_HOLD=$!
wait_match /tmp/ca.hold '^ready' 20
memoptctl pool destroy ca-s --wait >/tmp/ca.o 2>&1 &
CA_W=$!
wait_match /tmp/ca.o '^destroyed pool ca-s .*dying' 10
sleep 0.5
kill -INT "$CA_W"
wait "$CA_W"
ca_rc=$?
t_check "SIGINT ends destroy --wait with exit 0" test "$ca_rc" -eq 0
t_check "... saying the pool is still held" has /tmp/ca.o \
	'^stopped waiting after [0-9]+(ms|s): pool ca-s \(id [0-9]+\) is still held; it is freed when its last buffer is released$'
kill "$CA_HOLD" 2>/dev/null
wait "$CA_HOLD" 2>/dev/null
memoptctl pool create --name ca-s2 --size 4k >/dev/null
memopt-hold --count 1 ca-s2 >/tmp/ca.hold 2>&1 &
CA_HOLD=$!
wait_match /tmp/ca.hold '^ready' 20
memoptctl -j pool destroy ca-s2 --wait --timeout 1m >/tmp/ca.o 2>&1 &
CA_W=$!
sleep 2
kill -TERM "$CA_W"
wait "$CA_W"
ca_rc=$?
t_check "SIGTERM ends destroy --wait --timeout with exit 0, not 4" test "$ca_rc" -eq 0
t_check "-j: freed false, interrupted" has /tmp/ca.o '"destroyed":true,.*"freed":false,"waited_ms":[0-9]+,"interrupted":true\}$'
kill "$CA_HOLD" 2>/dev/null
wait "$CA_HOLD" 2>/dev/null
t_end

t_begin cli-module-unloaded
ca_destroy_all
if rmmod memopt; then
	ca_run /tmp/ca.o memoptctl module show
	t_check "module show without the module: exit 1" test "$ca_rc" -eq 1
	t_check "... says the module is not loaded" has /tmp/ca.o \
		'^Error: the memopt module is not loaded \(no generic netlink family "memopt"\)\.$'
	ca_run /tmp/ca.o memoptctl module
	t_check "module alone: the same" has /tmp/ca.o '^Error: the memopt module is not loaded'
	ca_run /tmp/ca.o memoptctl apply /tmp/ca.conf
	t_check "apply without the module: exit 1, saying so" sh -c \
		"[ $ca_rc -eq 1 ] && grep -q '^Error: the memopt module is not loaded' /tmp/ca.o"
	echo 'module show' | memoptctl -b - >/tmp/ca.o 2>&1
	t_check "... in a batch, with its line" has /tmp/ca.o \
		'^Error: stdin:1: the memopt module is not loaded \(no generic netlink family "memopt"\)\.$'
	t_check "insmod memopt.ko again" insmod /memopt/kmod/memopt.ko
	t_check "module show finds it again" memoptctl module show
else
	t_check "rmmod memopt (something holds it)" false
	t_skip "module show without the module" "the module could not be unloaded"
fi
t_end
