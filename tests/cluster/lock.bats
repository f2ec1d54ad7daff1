#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# lock: a cluster-wide mutex (or semaphore) on a CPG group, checked for
# what it promises: exclusion, FIFO order, the same queue on every node,
# release however the holder ends, and no overlap across a partition or
# a dead corosync.
# COMMANDs are sh -c scripts that expand their variables themselves:
# shellcheck disable=SC2016

load ../lib/test_helper

# a lock that never comes must not hang the suite
BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}

# what a lock says on a cluster with votequorum's two_node
TWO_NODE="cpgtool: votequorum's two_node lets both halves of a split be"
TWO_NODE+=" quorate: use a qdevice instead, or --no-quorum knowingly"

# the helper's setup and teardown, called from ours
eval "helper_$(declare -f setup)"
eval "helper_$(declare -f teardown)"

setup() {
	helper_setup
	# COMMANDs find their scratch directory in the environment
	export T=$BATS_TEST_TMPDIR
	# hold TAG: the COMMAND of most tests. It takes the marker cs (if it
	# is taken, another holder overlaps: a violation), appends TAG to
	# order, writes TAG.pid last, and holds until TAG.go or go exists or
	# a signal comes, which it writes to TAG.sig (and exits 3).
	cat >"$T/hold" <<-'EOF'
	#!/bin/sh
	tag=$1 mine=
	if mkdir "$T/cs" 2>/dev/null; then
		mine=1
	else
		echo "$tag" >>"$T/violations"
	fi
	end() {
		[ -z "$mine" ] || rmdir "$T/cs"
		exit "$1"
	}
	for s in INT TERM HUP; do
		trap "echo $s >>'$T/$tag.sig'; end 3" "$s"
	done
	echo "$tag" >>"$T/order"
	echo "$CPGTOOL_LOCK" >"$T/$tag.env"
	echo "$CPGTOOL_LOCK_TOKEN" >"$T/$tag.tok"
	echo $$ >"$T/$tag.pid"
	until [ -e "$T/$tag.go" ] || [ -e "$T/go" ]; do
		sleep 0.05
	done
	end 0
	EOF
	chmod +x "$T/hold"
}

teardown() {
	# a process a test stopped and failed before it went on: it would
	# never hear the helper's SIGTERM
	if [ -e "$T/stopped" ]; then
		kill -CONT "$(cat "$T/stopped")" 2>/dev/null
	fi
	# every hold lets go; then the helper kills what is left
	touch "$T/go"
	helper_teardown
	# the corosync of its own that a test started, and its namespace
	if [ -e "$T/nq.pid" ]; then
		kill "$(cat "$T/nq.pid")" 2>/dev/null
		wait_gone "$(cat "$T/nq.pid")"
		ip netns del "$(cat "$T/nq.ns")"
	fi
	[ -e "$T/none.ns" ] && ip netns del "$(cat "$T/none.ns")"
	# a cluster of the test's own (CPGT_QUORUM_EXTRA)
	if [ -e "$T/c2" ]; then
		(CPGT_RUNDIR=$(cat "$T/c2") cluster_down)
	fi
	# two_node set at run time on the suite's cluster: unset again
	if [ -e "$T/two_node" ]; then
		for i in 1 2 3; do
			on "$i" corosync-cmapctl -s quorum.two_node u8 0
		done
	fi
	# a test that stopped every corosync and failed before the restart
	if [ -e "$T/restore-all" ]; then
		for i in 1 2 3; do
			kill -0 "$(cat "$CPGT_RUNDIR/n$i/pid")" 2>/dev/null ||
				cluster_start "$i" >/dev/null 2>&1 &
		done
		wait
	fi
}

# lk OUT I ARGS...: like spawn, with every signal at its default:
# bash starts background jobs with SIGINT ignored, which COMMAND could
# inherit; $! is cpgtool's pid
lk() {
	local out=$1 i=$2
	shift 2
	on "$i" env --default-signal "$CPGTOOL" "$@" <&0 >"$out" \
		2>"$out.err" 3>&- &
	echo $! >>"$BG"
}

# counter: $T/count N adds N to a counter of COMMANDs inside, kept under
# flock(1) in $T/n; each value it reaches going up goes to $T/seen
counter() {
	cat >"$T/count" <<-'EOF'
	#!/bin/sh
	flock "$T/n.lock" sh -c 'n=$(($(cat "$T/n") + $1)); echo $n >"$T/n"
		[ "$1" -lt 0 ] || echo $n >>"$T/seen"' _ "$1"
	EOF
	chmod +x "$T/count"
	echo 0 >"$T/n"
}

# forever: $T/in, a stdin that never ends and has no process behind it
# (a fifo this shell keeps open)
forever() {
	mkfifo "$T/in"
	exec {keep}<>"$T/in"
}

# show I: --show of $G on node I, into $output, the holders' fencing
# tokens left out (TOKENS: what they were)
show() {
	run -0 cpgt "$1" lock --show "$G"
	TOKENS=$(sed -n 's/^holder [0-9]* [0-9]* \([0-9]*\).*/\1/p' <<<"$output")
	output=$(untok <<<"$output")
}

# untok: lock lines without their fencing tokens (checked on their own)
untok() {
	sed -E 's/^(holder [0-9]+ [0-9]+) [0-9]+/\1/; s/^(acquired .*) [0-9]+$/\1/'
}

# wait_show I REGEX: until a line of --show on node I matches
wait_show() {
	local t
	for ((t = 0; t < 100; t++)); do
		timeout 10 cpgt "$1" lock --show "$G" | untok |
			grep -qE -- "$2" &&
			return 0
		sleep 0.05
	done
	echo "no line matching '$2' in --show on node $1:" >&2
	timeout 10 cpgt "$1" lock --show "$G" >&2
	return 1
}

# no_violations: no two holds ever held the marker at once
no_violations() {
	if [ -e "$T/violations" ]; then
		echo "$(wc -l <"$T/violations") overlaps, by:" \
			"$(sort "$T/violations" | uniq -c | tr -s '\n ' ' ')" >&2
		return 1
	fi
}

# contend LIMIT ROUNDS SCRIPT: 4 contenders on each of the 3 nodes, each
# taking the lock ROUNDS times around sh -c SCRIPT; a lock call that
# fails writes its status to $T/failed
contend() {
	local i k
	local -a pids=()
	for i in 1 2 3; do
		for k in 1 2 3 4; do
			on "$i" bash -c 'for ((r = 0; r < $1; r++)); do
				"$CPGTOOL" lock -l "$2" "$3" -- sh -c "$4" ||
					echo "$?" >>"$T/failed"
			done' _ "$2" "$1" "$G" "$3" 3>&- &
			pids+=($!)
			echo $! >>"$BG"
		done
	done
	wait "${pids[@]}"
}

@test "mutual exclusion: 12 contenders on 3 nodes, 120 turns, never two" {
	contend 1 10 'if mkdir "$T/cs" 2>/dev/null; then sleep 0.05; rmdir "$T/cs";
		else echo x >>"$T/violations"; fi; echo x >>"$T/turns"'
	[ ! -e "$T/failed" ]
	no_violations
	[ "$(wc -l <"$T/turns")" -eq 120 ]
}

@test "--limit 2: two at once does happen, three never" {
	counter
	contend 2 5 '"$T/count" 1; sleep 0.05; "$T/count" -1'
	[ ! -e "$T/failed" ]
	[ "$(wc -l <"$T/seen")" -eq 60 ]
	[ "$(sort -n "$T/seen" | tail -n 1)" -eq 2 ]
	[ "$(cat "$T/n")" -eq 0 ]
}

@test "FIFO: granted in request order; the same queue on every node" {
	lk "$T/h" 1 lock "$G" -- "$T/hold" h
	want="holder 1 $!"
	pids=("$!")
	wait_for "$T/h.pid" .
	for k in 1 2 3 4 5; do
		i=$((k % 3 + 1))
		lk "$T/w$k" "$i" lock "$G" -- "$T/hold" "w$k"
		want+=$'\n'"waiter $i $!"
		pids+=("$!")
		# the next one is requested only once this one is queued
		wait_show 1 "^waiter $i $!\$"
	done
	for i in 1 2 3; do
		show "$i"
		[ "$output" = "$want" ]
	done
	touch "$T/go"
	for p in "${pids[@]}"; do
		reap "$p"
		[ "$status" -eq 0 ]
	done
	[ "$(tr '\n' ' ' <"$T/order")" = "h w1 w2 w3 w4 w5 " ]
	no_violations
	show 2
	[ -z "$output" ]
}

@test "a late contender learns the holder and the queue (state transfer)" {
	forever
	spawn "$T/h" 1 lock "$G" <"$T/in"
	hpid=$!
	wait_for "$T/h" "^acquired $G [0-9]+\$"
	lk "$T/w" 2 lock "$G" -- "$T/hold" w
	wpid=$!
	wait_show 2 "^waiter 2 $wpid\$"
	# not a state to poll: the requests are simply long past
	sleep 2
	run -5 cpgt 3 lock -n "$G" -- true
	tok=$(sed -n 's/^acquired [^ ]* //p' "$T/h")
	run -0 cpgt 3 lock --show --names "$G"
	[ "$output" = "holder 1 $hpid $tok node1"$'\n'"waiter 2 $wpid node2" ]
	run -0 cpgt 3 lock --show --json "$G"
	[ "$(jq -c . <<<"$output")" = "{\"lock\":\"$G\",\"limit\":1,\"holders\":[{\"nodeid\":1,\"pid\":$hpid,\"token\":\"$tok\"}],\"waiters\":[{\"nodeid\":2,\"pid\":$wpid}]}" ]
	# a late waiter queues behind the one it found
	lk "$T/w3" 3 lock "$G" -- "$T/hold" w3
	w3pid=$!
	wait_show 1 "^waiter 3 $w3pid\$"
	# the holder without COMMAND: a signal releases it, status 0
	kill -TERM "$hpid"
	reap "$hpid"
	hstatus=$status
	[ "$(cat "$T/h")" = "acquired $G $tok"$'\n'"released $G" ]
	touch "$T/go"
	reap "$wpid"
	[ "$status" -eq 0 ]
	reap "$w3pid"
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <"$T/order")" = "w w3 " ]
	[ "$hstatus" -eq 0 ]
}

@test "COMMAND: its status, its stdio, CPGTOOL_LOCK; the lock free after" {
	run -0 --separate-stderr cpgt 1 lock "$G" -- \
		sh -c 'echo "$CPGTOOL_LOCK"; cat; echo to-stderr >&2' <<<in
	[ "$output" = "$G"$'\n'in ]
	[ "$stderr" = to-stderr ]
	run -7 cpgt 2 lock "$G" -- sh -c 'exit 7'
	run -0 cpgt 3 lock -n "$G" -- true
	run -137 cpgt 3 lock "$G" -- sh -c 'kill -KILL $$'
	run -0 cpgt 1 lock -n "$G" -- true
	run -0 cpgt 1 lock --show "$G"
	[ -z "$output" ]
}

@test "COMMAND not found: 127, not executable: 126; the lock is free" {
	run -127 --separate-stderr cpgt 1 lock "$G" -- "$T/nonexistent"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == "cpgtool: "*nonexistent* ]]
	run -0 cpgt 2 lock -n "$G" -- true
	touch "$T/noexec"
	run -126 --separate-stderr cpgt 2 lock "$G" -- "$T/noexec"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == "cpgtool: "*noexec* ]]
	run -0 cpgt 3 lock -n "$G" -- true
}

@test "INT, TERM, HUP to cpgtool go to COMMAND; the next waiter gets it" {
	lk "$T/h0" 1 lock "$G" -- "$T/hold" h0
	prev=$!
	wait_for "$T/h0.pid" .
	k=0
	for sig in INT TERM HUP; do
		k=$((k + 1))
		lk "$T/h$k" $((k % 3 + 1)) lock "$G" -- "$T/hold" "h$k"
		next=$!
		wait_show 1 "^waiter $((k % 3 + 1)) $next\$"
		kill "-$sig" "$prev"
		# COMMAND trapped it and exited 3: cpgtool passes that on
		reap "$prev"
		[ "$status" -eq 3 ]
		[ "$(cat "$T/h$((k - 1)).sig")" = "$sig" ]
		wait_for "$T/h$k.pid" .
		prev=$next
	done
	touch "$T/h3.go"
	reap "$prev"
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <"$T/order")" = "h0 h1 h2 h3 " ]
	[ "$(cat "$T/h0.env")" = "$G" ]
	no_violations
}

@test "holder SIGKILLed: its COMMAND dies with it, the waiter gets it 1 s on" {
	# the kernel closes a dying cpgtool's corosync connection before it
	# kills COMMAND (PR_SET_PDEATHSIG), so the waiter gives that 1 s; a
	# grace of 22 s would apply to a node failure, not to a procdown
	lk "$T/h" 1 lock --kill-after 20 "$G" -- "$T/hold" h
	hpid=$!
	wait_for "$T/h.pid" .
	lk "$T/w" 2 lock --kill-after 20 "$G" -- "$T/hold" w
	wpid=$!
	wait_show 3 "^waiter 2 $wpid\$"
	t0=${EPOCHREALTIME/./}
	kill -KILL "$hpid"
	reap "$hpid"
	[ "$status" -eq 137 ]
	wait_gone "$(cat "$T/h.pid")"
	wait_for "$T/w.pid" . 10
	t1=${EPOCHREALTIME/./}
	echo "granted $(((t1 - t0) / 1000)) ms after the kill" >&2
	((t1 - t0 >= 1000000))
	touch "$T/go"
	reap "$wpid"
	[ "$status" -eq 0 ]
}

@test "newcomers nobody answers go on when every older member is gone" {
	lk "$T/h" 1 lock "$G" -- \
		sh -c 'echo h >>"$T/order"; echo $$ >"$T/h.pid"; exec sleep 60'
	hpid=$!
	wait_for "$T/h.pid" .
	# the one process that knows the queue stops answering
	kill -STOP "$hpid"
	touch "$T/a.go" "$T/b.go"
	lk "$T/a" 2 lock "$G" -- "$T/hold" a
	apid=$!
	wait_members 2 "$G" 2
	lk "$T/b" 3 lock "$G" -- "$T/hold" b
	bpid=$!
	wait_members 3 "$G" 3
	# gone without a word (PROCDOWN), its COMMAND with it: the two know
	# that nobody older is left, so nobody knows more than they saw; the
	# way round, each would ask twice, 1 s apart, and start over at 2 s
	# (how soon they go on is bench/run's: "recover")
	kill -KILL "$hpid"
	reap "$hpid"
	wait_gone "$(cat "$T/h.pid")"
	reap "$apid"
	[ "$status" -eq 0 ]
	reap "$bpid"
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <"$T/order")" = "h a b " ]
	no_violations
	[ ! -s "$T/a.err" ] && [ ! -s "$T/b.err" ]
}

@test "starting from nothing while a configured node is out: the grace first" {
	touch "$T/restore"
	cluster_stop 3 >/dev/null
	cluster_wait_members 1 2
	# a holder may still run on node 3 for its --kill-after: 1 s + 2 s
	t0=${EPOCHREALTIME/./}
	run -0 cpgt 1 lock --kill-after 1 "$G" -- true
	t1=${EPOCHREALTIME/./}
	echo "granted after $(((t1 - t0) / 1000)) ms" >&2
	((t1 - t0 >= 3000000))
	# --no-quorum has no such holder to wait for: it would run on; and
	# once node 3 is back there is none either (that neither waits out
	# the grace is timed by bench/run: "recover")
	run -0 cpgt 1 lock --no-quorum --kill-after 1 "$G" -- true
	cluster_start 3 >/dev/null
	cluster_wait_members 1 3
	rm "$T/restore"
	run -0 cpgt 1 lock --kill-after 1 "$G" -- true
}

@test "holder's corosync killed: COMMAND killed, exit 6; then the next" {
	touch "$T/restore"
	# a COMMAND deaf to SIGTERM: a holder that loses its connection
	# SIGKILLs it at once (nobody could be told it still runs); the
	# waiter on node 1 gets the lock after the grace for the nodedown
	lk "$T/h" 3 lock --kill-after 4 "$G" -- \
		sh -c 'trap "" TERM; echo $$ >"$T/h.pid"; exec sleep 60'
	hpid=$!
	wait_for "$T/h.pid" .
	old=$(cat "$T/h.pid")
	# the next COMMAND looks whether the old one is still there
	lk "$T/w" 1 lock --kill-after 4 "$G" -- sh -c \
		'ps -o stat= -p "$1" >"$T/w.old"; echo $$ >"$T/w.pid"' _ "$old"
	wpid=$!
	wait_show 1 "^waiter 1 $wpid\$"
	cluster_kill 3
	reap "$hpid"
	[ "$status" -eq 6 ]
	grep -q "^cpgtool: lost lock '$G': " "$T/h.err"
	wait_gone "$old"
	# granted once the grace (--kill-after + 2 s) is over
	wait_for "$T/w.pid" . 20
	reap "$wpid"
	[ "$status" -eq 0 ]
	# gone when the next one started (a zombie is dead enough)
	[[ $(cat "$T/w.old") == @(|Z*) ]]
	cluster_start 3
	rm "$T/restore"
}

@test "partition: the cut holder loses it (exit 6), the quorate side takes over" {
	touch "$T/restore"
	lk "$T/h" 3 lock -v --kill-after 1 "$G" -- "$T/hold" h
	hpid=$!
	wait_for "$T/h.pid" .
	lk "$T/w" 1 lock --kill-after 1 "$G" -- "$T/hold" w
	wpid=$!
	wait_show 1 "^waiter 1 $wpid\$"
	cluster_cut 3
	reap "$hpid"
	[ "$status" -eq 6 ]
	[ "$(cat "$T/h.sig")" = TERM ]
	grep -q "^cpgtool: lost lock '$G': " "$T/h.err"
	grep -q "^lost $G " "$T/h.err"
	wait_for "$T/w.pid" . 20
	no_violations
	cluster_uncut 3
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$T/restore"
	# node 3 back: one queue, one holder, on every node
	lk "$T/w3" 3 lock --kill-after 1 "$G" -- "$T/hold" w3
	w3pid=$!
	wait_show 1 "^waiter 3 $w3pid\$"
	for i in 1 2 3; do
		wait_show "$i" "^waiter 3 $w3pid\$"
		show "$i"
		[ "$output" = "holder 1 $wpid"$'\n'"waiter 3 $w3pid" ]
	done
	touch "$T/w.go"
	reap "$wpid"
	[ "$status" -eq 0 ]
	wait_for "$T/w3.pid" .
	touch "$T/w3.go"
	reap "$w3pid"
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <"$T/order")" = "h w w3 " ]
	no_violations
}

@test "a corosync stopped past the token: back, its waiters never run beside the others' holder" {
	touch "$T/restore"
	# every lock process's inputs and actions, printed if this fails
	export CPGTOOL_LOCK_TRACE=$T/trace
	counter
	# job TAG SECONDS: inside that long, counted; SECONDS "go": until
	# TAG.go is there
	job='"$T/count" 1; echo "$1" >>"$T/order"
		if [ "$2" = go ]; then
			until [ -e "$T/$1.go" ]; do sleep 0.05; done
		else
			sleep "$2"
		fi
		"$T/count" -1'
	lk "$T/h" 3 lock --kill-after 1 "$G" -- sh -c "$job" _ h go
	pids=("$!")
	wait_for "$T/order" '^h$'
	# two waiters on the stopped node, two on the others, whose turns
	# are long enough that one runs when node 3 comes back
	for w in 3:w1:0.2 3:w2:0.2 1:x1:8 2:x2:8; do
		IFS=: read -r i tag secs <<<"$w"
		lk "$T/$tag" "$i" lock --kill-after 1 "$G" -- \
		    sh -c "$job" _ "$tag" "$secs"
		pids+=("$!")
		wait_show 1 "^waiter $i $!\$"
	done
	# past the token (1 s here): the others see node 3 go, wait out the
	# grace and grant; node 3's holder ends meanwhile and leaves, its
	# leave held in the stopped corosync. (The holder ended on a timer
	# once, and on a slow host its hand-over raced the stop: the waiter
	# it went to heard of it only as corosync ran again, and started
	# beside the others' holder. A grant is acted on only fresh since;
	# tests/sim/locksim models that race.)
	echo "$(date +%s.%3N) - pause 3" >>"$T/trace"
	cluster_pause 3
	sleep 1
	touch "$T/h.go"
	sleep 14
	echo "$(date +%s.%3N) - resume 3" >>"$T/trace"
	cluster_resume 3
	for p in "${pids[@]}"; do
		reap "$p"
		[ "$status" -eq 0 ]
	done
	rm "$T/restore"
	echo "# order: $(tr '\n' ' ' <"$T/order"), seen: $(tr '\n' ' ' \
	    <"$T/seen")"
	sort -s -n "$T/trace"
	[ "$(wc -l <"$T/seen")" -eq 5 ]
	[ "$(sort -n "$T/seen" | tail -n 1)" -eq 1 ]
	[ "$(cat "$T/n")" -eq 0 ]
}

@test "flow control: a responder told to try again queues its answers, none lost" {
	# corosync says CS_ERR_TRY_AGAIN under flow control, which a test
	# cluster never does on demand: the shim refuses 9 multicasts in 10.
	# The holder answers 8 newcomers at once; the lock kept 4 messages
	# held back, then died with status 1 and SIGKILLed its COMMAND. The
	# shim writes a 't' into faults for each TRY_AGAIN it made up.
	local pc
	read -ra pc < <(pkg-config --cflags libcpg)
	cc -shared -fPIC -O2 "${pc[@]}" -o "$T/tryagain.so" \
		"$TOP/tests/lib/shim/tryagain.c" -ldl
	: >"$T/faults"
	# (under ASan the shim comes first: tell ASan that is fine)
	on 1 env LD_PRELOAD="$T/tryagain.so" CPGT_TRYAGAIN=10 \
		CPGT_FAULTS="$T/faults" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$CPGTOOL" lock "$G" -- "$T/hold" h 2>"$T/h.err" 3>&- &
	hpid=$!
	echo "$hpid" >>"$BG"
	wait_for "$T/h.pid" .
	pids=()
	for i in 1 2 3 4 5 6 7 8; do
		lk "$T/w$i" $((i % 2 + 2)) lock "$G" -- "$T/hold" "w$i"
		pids+=($!)
	done
	wait_show 1 "^waiter . ${pids[7]}\$"
	touch "$T/go"
	reap "$hpid"
	[ "$status" -eq 0 ]
	[ ! -s "$T/h.err" ]
	for p in "${pids[@]}"; do
		reap "$p"
		[ "$status" -eq 0 ]
	done
	no_violations
	[ "$(wc -l <"$T/order")" -eq 9 ]
	# the holder was told to try again, and did
	tries=$(tr -cd t <"$T/faults" | wc -c)
	echo "TRY_AGAIN made up: $tries"
	[ "$tries" -gt 0 ]
}

@test "--show in a partition that is not quorate: says so, exit 7, never 'free'" {
	touch "$T/restore"
	lk "$T/h" 1 lock --kill-after 1 "$G" -- "$T/hold" h
	hpid=$!
	wait_for "$T/h.pid" .
	cluster_cut 3
	# the quorate side still knows the holder
	wait_show 1 "^holder 1 $hpid\$"
	# node 3 cannot know: not an empty lock, but exit 7 and one line
	for ((t = 0; t < 100; t++)); do
		run --separate-stderr cpgt 3 lock --show "$G"
		[ "$status" -eq 7 ] && break
		sleep 0.1
	done
	[ "$status" -eq 7 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == "cpgtool: lock '$G': "*"not quorate"* ]]
	run --separate-stderr cpgt 3 lock --show --json "$G"
	[ "$status" -eq 7 ]
	[ -z "$output" ]
	cluster_uncut 3
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$T/restore"
	wait_show 3 "^holder 1 $hpid\$"
	touch "$T/h.go"
	reap "$hpid"
	[ "$status" -eq 0 ]
}

@test "--nonblock: 5 while held; --timeout: 124, and not left queued" {
	lk "$T/h" 1 lock "$G" -- "$T/hold" h
	hpid=$!
	wait_for "$T/h.pid" .
	run -5 cpgt 2 lock -n "$G" -- true
	forever
	run -5 cpgt 1 lock --nonblock "$G" <"$T/in"
	run -124 cpgt 3 lock -t 0.5 "$G" -- true
	run -124 cpgt 2 lock --timeout 0.5 "$G" <"$T/in"
	show 3
	[ "$output" = "holder 1 $hpid" ]
	touch "$T/go"
	reap "$hpid"
	[ "$status" -eq 0 ]
	run -0 cpgt 2 lock -n "$G" -- true
	[ "$(cat "$T/order")" = h ]
}

# disagree OPTION...: a holder with the defaults on node 1, a contender
# with OPTION on node 2: refused with one line, status 1, its COMMAND
# never run, never queued
disagree() {
	lk "$T/h" 1 lock "$G" -- "$T/hold" h
	hpid=$!
	wait_for "$T/h.pid" .
	run --separate-stderr cpgt 2 lock "$@" "$G" -- sh -c 'echo x >>"$T/ran"'
	echo "status $status, stderr: $stderr"
	# run while the holder holds: two holders
	[ ! -e "$T/ran" ]
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == "cpgtool: "* ]]
	refusal=${stderr_lines[0]}
	show 3
	[ "$output" = "holder 1 $hpid" ]
	touch "$T/go"
	reap "$hpid"
	[ "$status" -eq 0 ]
}

@test "--limit must agree: another N is refused, status 1, one line" {
	disagree -l 2
	[[ $refusal == "cpgtool: lock '"*"': in use with --limit 1; this request has --limit 2" ]]
}

@test "--no-quorum must agree: refused, status 1, one line" {
	disagree --no-quorum
	[[ $refusal == "cpgtool: lock '"*"': in use with --limit 1; this request has --limit 1 --no-quorum" ]]
}

@test "-v: acquired and released on stderr; -j -T: JSON events" {
	run -0 --separate-stderr cpgt 1 lock -v "$G" -- \
		sh -c 'echo "out $CPGTOOL_LOCK_TOKEN"'
	[ "$output" = "out ${stderr_lines[0]##* }" ]
	[[ ${stderr_lines[0]} =~ ^acquired\ $G\ [1-9][0-9]*$ ]]
	[ "${stderr_lines[1]}" = "released $G" ]
	run -0 --separate-stderr cpgt 2 lock -v -j -T "$G" -- true
	[ -z "$output" ]
	run -0 jq -r '"\(.type) \(.lock) \(.time | type) \(.token | type)"' \
		<<<"$stderr"
	[ "$output" = "acquired $G string string"$'\n'"released $G string null" ]
}

@test "without COMMAND: acquired, held while stdin is open (a coprocess)" {
	# the README's example
	coproc LK { cpgt 1 lock "$G" 2>"$T/lk.err"; } 3>&-
	# bash unsets LK_PID once the coprocess has ended
	lkpid=$LK_PID lkout=${LK[0]} lkin=${LK[1]}
	read -r -t 10 line <&"$lkout"
	[[ $line =~ ^acquired\ $G\ [1-9][0-9]*$ ]]
	run -5 cpgt 2 lock -n "$G" -- true
	exec {lkin}>&-
	read -r -t 10 line <&"$lkout"
	[ "$line" = "released $G" ]
	reap "$lkpid"
	[ "$status" -eq 0 ]
	[ ! -s "$T/lk.err" ]
	run -0 cpgt 2 lock -n "$G" -- true
	# JSON
	forever
	spawn "$T/j" 3 lock -j "$G" <"$T/in"
	jpid=$!
	wait_for "$T/j" .
	[ "$(jq -c 'del(.token)' "$T/j")" = "{\"type\":\"acquired\",\"lock\":\"$G\"}" ]
	[[ $(jq -r .token "$T/j") =~ ^[1-9][0-9]*$ ]]
	kill -HUP "$jpid"
	reap "$jpid"
	jstatus=$status
	run -0 jq -c . "$T/j"
	[ "${lines[1]}" = "{\"type\":\"released\",\"lock\":\"$G\"}" ]
	[ "$jstatus" -eq 0 ]
}

@test "without COMMAND, stdin already at its end: -n still 5, -t 124" {
	lk "$T/h" 1 lock "$G" -- "$T/hold" h
	wait_for "$T/h.pid" .
	# 0 would say it had the lock (and let it go)
	run -5 cpgt 2 lock -n "$G" </dev/null
	run -124 cpgt 3 lock -t 0.5 "$G" </dev/null
}

@test "watch shows the traffic; a watcher is no contender" {
	watcher 2 "$T/w" --json "$G"
	run -0 cpgt 1 lock -n "$G" -- true
	show 3
	[ -z "$output" ]
	run -0 cpgt 3 lock --show --json "$G"
	[ "$(jq -c . <<<"$output")" = "{\"lock\":\"$G\",\"limit\":null,\"holders\":[],\"waiters\":[]}" ]
	wait_for "$T/w" '"left":\[\{"nodeid":1'
	run -0 jq -r 'select(.type == "message") | .payload' "$T/w"
	[ "${#lines[@]}" -ge 1 ]
	for l in "${lines[@]}"; do
		[[ $l == "lock2 "* ]]
	done
}

@test "a watch says it is a bystander: contenders beside it start at once" {
	watcher 2 "$T/w" --json "$G"
	run -0 cpgt 1 lock "$G" -- true
	run -0 cpgt 3 lock "$G" -- true
	wait_for "$T/w" '"left":\[\{"nodeid":3'
	run -0 jq -r 'select(.type == "message") | "\(.nodeid) \(.payload)"' \
		"$T/w"
	# said once to each contender, in the group's order like any message
	[ "$(grep -c '^2 lock2 bystander$' <<<"$output")" -eq 2 ]
	# nobody else took part: each started from nothing at once, where
	# beside a silent member it asks twice and sends an init
	run grep 'lock2 init' <<<"$output"
	[ "$status" -eq 1 ]
}

@test "a foreign message: one warning from each, never taken for a request" {
	lk "$T/h" 1 lock "$G" -- "$T/hold" h
	hpid=$!
	wait_for "$T/h.pid" .
	lk "$T/w" 2 lock "$G" -- "$T/hold" w
	wpid=$!
	wait_show 1 "^waiter 2 $wpid\$"
	cpgt 3 send "$G" hello
	wait_for "$T/h.err" '^cpgtool: '
	wait_for "$T/w.err" '^cpgtool: '
	show 3
	[ "$output" = "holder 1 $hpid"$'\n'"waiter 2 $wpid" ]
	touch "$T/go"
	reap "$hpid"
	[ "$status" -eq 0 ]
	reap "$wpid"
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$T/h.err")" -eq 1 ]
	[ "$(wc -l <"$T/w.err")" -eq 1 ]
	[ "$(tr '\n' ' ' <"$T/order")" = "h w " ]
}

# bad PATTERN ARGS...: status 2 and exactly one line on stderr,
# "cpgtool: PATTERN (see 'cpgtool lock --help')", PATTERN a glob (as in
# cli.bats); the bounds' patterns name the option and the value, not
# the wording
bad() {
	local want="cpgtool: $1 (see 'cpgtool lock --help')"
	shift
	run -2 --separate-stderr cpgt 1 "$@"
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	# shellcheck disable=SC2053 # a glob
	[[ ${stderr_lines[0]} == $want ]] || {
		echo "args: $*; said: ${stderr_lines[0]}; wanted: $want" >&2
		return 1
	}
}

@test "usage errors: status 2, one line on stderr" {
	long=$(printf 'x%.0s' {1..129})
	bad 'lock needs a name' lock
	bad "unknown option '--frobnicate'" lock --frobnicate g
	bad 'empty group name' lock ''
	bad "group name 'x*' is longer than 128 bytes" lock "$long"
	bad "invalid escape in group name 'bad?xZZ' (use ?xNN or ??)" \
		lock 'bad\xZZ'
	bad '--limit *1 to 128' lock -l 0 g
	bad "--limit *'-1'" lock -l -1 g
	bad "--limit *'abc'" lock -l abc g
	bad "option '--limit' needs a value" lock --limit
	bad "--timeout *'-1'" lock -t -1 g
	bad "--timeout *'nan'" lock --timeout nan g
	bad "--kill-after *'-1'" lock --kill-after -1 g
	bad "--kill-after *'abc'" lock --kill-after abc g
	# peers add it to a grace in 32-bit milliseconds: bounded
	bad '--kill-after *3600 seconds' lock --kill-after 3601 g
	bad '--kill-after *3600 seconds' lock --kill-after 1000000000 g
	bad "--wait-for-corosync *'-1'" lock --wait-for-corosync -1 g
	bad 'lock needs a name' lock --show
	bad '--show takes no COMMAND' lock --show g true
	bad '--show takes no COMMAND' lock --show g -- true
	bad '--show goes with only --json, *' lock --show -n g
	bad '--show goes with only --json, *' lock --show --nonblock g
}

@test "the bounds themselves are taken: --limit 128, --kill-after 3600" {
	run -0 --separate-stderr cpgt 1 lock -l 128 --kill-after 3600 "$G" \
		-- echo ran
	[ "$output" = ran ]
	[ -z "$stderr" ]
	run -0 cpgt 1 lock -l 1 --kill-after 0 "$G" -- echo ran
	[ "$output" = ran ]
}

@test "a corosync without votequorum: said, status 1; --no-quorum works" {
	# one node of its own on loopback, in a namespace of its own, with no
	# quorum section
	ns=cpgtnq$$
	mkdir "$T/nq"
	{
		sed -n '/^totem/,/^}/p' "$CPGT_RUNDIR/n1/corosync.conf"
		printf 'logging {\n\tto_syslog: no\n}\n'
		printf 'nodelist {\n\tnode {\n\t\tring0_addr: 127.0.0.1\n'
		printf '\t\tnodeid: 1\n\t}\n}\n'
	} >"$T/nq/conf"
	ip netns add "$ns"
	echo "$ns" >"$T/nq.ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" unshare -m sh -c "
		mount -t tmpfs tmpfs /run &&
		mount -t tmpfs tmpfs /var/lib/corosync &&
		exec corosync -f -c '$T/nq/conf'" >"$T/nq/log" 2>&1 3>&- &
	echo $! >"$T/nq.pid"
	run -1 --separate-stderr ip netns exec "$ns" "$CPGTOOL" lock \
		--wait-for-corosync 20 "$G" -- true
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == "cpgtool: corosync runs no votequorum"* ]]
	run -0 ip netns exec "$ns" "$CPGTOOL" lock --no-quorum "$G" -- \
		echo ran
	[ "$output" = ran ]
}

@test "two_node: refused, status 10, one line; --no-quorum knowingly works" {
	# a majority is trusted
	run -0 cpgt 1 lock "$G" -- true
	# a two-node cluster of the test's own, with two_node: 1
	eval "$(CPGT_QUORUM_EXTRA='two_node: 1' cluster_up 2)"
	echo "$CPGT_RUNDIR" >"$T/c2"
	for i in 1 2; do
		run -10 --separate-stderr cpgt "$i" lock "$G" -- echo ran
		[ -z "$output" ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[ "${stderr_lines[0]}" = "$TWO_NODE" ]
	done
	run -10 --separate-stderr cpgt 1 lock --show "$G"
	[ "${#stderr_lines[@]}" -eq 1 ]
	run -0 cpgt 1 lock --no-quorum "$G" -- echo ran
	[ "$output" = ran ]
}

@test "two_node set while held: the holder is told at the split, exit 6" {
	touch "$T/restore"
	lk "$T/h" 1 lock -v --kill-after 1 "$G" -- "$T/hold" h
	hpid=$!
	wait_for "$T/h.pid" .
	lk "$T/w" 2 lock --kill-after 1 "$G" -- "$T/hold" w
	wpid=$!
	wait_show 1 "^waiter 2 $wpid\$"
	touch "$T/two_node"
	for i in 1 2 3; do
		on "$i" corosync-cmapctl -s quorum.two_node u8 1
	done
	# nodes 1 and 2 keep a majority: only two_node makes them refuse
	cluster_cut 3
	wait_for "$T/h.err" "two_node" 20
	reap "$hpid"
	[ "$status" -eq 6 ]
	[ "$(cat "$T/h.sig")" = TERM ]
	grep -qxF "$TWO_NODE" "$T/h.err"
	grep -q "^cpgtool: lost lock '$G': " "$T/h.err"
	# nor does anyone start while two_node is on
	run -10 cpgt 2 lock --show "$G"
	[ ! -e "$T/w.pid" ]
	for i in 1 2 3; do
		on "$i" corosync-cmapctl -s quorum.two_node u8 0
	done
	rm "$T/two_node"
	cluster_uncut 3
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$T/restore"
	no_violations
}

@test "corosync not reachable: status 3, one line" {
	# a network namespace of its own holds no corosync (libqb's sockets
	# are the namespace's), whether or not one runs on the host, as CI's
	ns=cpgtnone$$
	ip netns add "$ns"
	echo "$ns" >"$T/none.ns"
	run -3 --separate-stderr ip netns exec "$ns" "$CPGTOOL" lock "$G" -- \
		touch "$T/ran"
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "${stderr_lines[0]}" = "cpgtool: cannot connect to corosync: CS_ERR_LIBRARY (is corosync running?)" ]
	[ ! -e "$T/ran" ]
	run -3 --separate-stderr ip netns exec "$ns" "$CPGTOOL" lock --show "$G"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "${stderr_lines[0]}" = "cpgtool: cannot connect to corosync: CS_ERR_LIBRARY (is corosync running?)" ]
}

# increasing FILE: each line's number above the line's before
increasing() {
	awk 'NR > 1 && $1 <= prev { print "not above " prev ": " $1; bad = 1 }
		{ prev = $1 } END { exit bad }' "$1" >&2
}

@test "fencing tokens: each grant's above the last, every lock process gone or not" {
	# one after the other on each node, none left between: each starts
	# its queue from nothing
	for i in 1 2 3 1 2 3; do
		run -0 cpgt "$i" lock "$G" -- \
			sh -c 'echo "$CPGTOOL_LOCK_TOKEN" >>"$T/tokens"'
	done
	# a queue: the holder's token in --show, the waiter's above it
	lk "$T/h" 1 lock "$G" -- "$T/hold" h
	hpid=$!
	wait_for "$T/h.pid" .
	lk "$T/w" 2 lock -v "$G" -- "$T/hold" w
	wpid=$!
	wait_show 1 "^waiter 2 $wpid\$"
	show 3
	[ "$TOKENS" = "$(cat "$T/h.tok")" ]
	touch "$T/h.go"
	wait_for "$T/w.pid" .
	show 1
	[ "$TOKENS" = "$(cat "$T/w.tok")" ]
	touch "$T/w.go"
	reap "$hpid"
	reap "$wpid"
	[ "$status" -eq 0 ]
	grep -qx "acquired $G $(cat "$T/w.tok")" "$T/w.err"
	cat "$T/h.tok" "$T/w.tok" >>"$T/tokens"
	cat "$T/tokens" >&2
	[ "$(wc -l <"$T/tokens")" -eq 8 ]
	run -1 grep -vx '[1-9][0-9]*' "$T/tokens"
	increasing "$T/tokens"
	# the resource's side: each let through in turn, then a stale one
	# refused, the newest again let through
	while read -r tok; do
		"$TOP/examples/fence-check" "$T/fence" "$tok"
	done <"$T/tokens"
	run -1 "$TOP/examples/fence-check" "$T/fence" "$(head -n 1 "$T/tokens")"
	[[ $output == *refused* ]]
	CPGTOOL_LOCK_TOKEN=$(tail -n 1 "$T/tokens") \
		"$TOP/examples/fence-check" "$T/fence"
}

@test "fencing tokens go up across a restart of every node's corosync" {
	run -0 cpgt 1 lock "$G" -- sh -c 'echo "$CPGTOOL_LOCK_TOKEN" >"$T/t1"'
	touch "$T/restore-all"
	for i in 1 2 3; do
		cluster_stop "$i"
	done
	pids=()
	for i in 1 2 3; do
		cluster_start "$i" >/dev/null 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$T/restore-all"
	run -0 cpgt 2 lock "$G" -- sh -c 'echo "$CPGTOOL_LOCK_TOKEN" >"$T/t2"'
	t1=$(cat "$T/t1") t2=$(cat "$T/t2")
	echo "before $t1, after $t2" >&2
	[ "$t2" -gt "$t1" ]
	# ... by the ring's seq, which corosync keeps on disk, not only by
	# the clock
	[ $((t2 >> 40)) -gt $((t1 >> 40)) ]
}

@test "one 'running' from a member that never held the lock stalls nobody" {
	lk "$T/h" 1 lock "$G" -- "$T/hold" h
	hpid=$!
	wait_for "$T/h.pid" .
	lk "$T/w" 2 lock "$G" -- "$T/hold" w
	wpid=$!
	wait_show 1 "^waiter 2 $wpid\$"
	# a COMMAND that lives an hour more, says a member that never held
	# the lock: before, every contender believed it
	cpgt 3 send "$G" 'lock2 running 3600000'
	wait_for "$T/w.err" "^cpgtool: lock '$G': ignoring 'running' from 3:"
	touch "$T/h.go"
	reap "$hpid"
	[ "$status" -eq 0 ]
	wait_for "$T/w.pid" . 10
	touch "$T/w.go"
	reap "$wpid"
	[ "$status" -eq 0 ]
	no_violations
}

@test "a state forged by a member that came after a newcomer is not taken" {
	lk "$T/h" 1 lock "$G" -- "$T/hold" h
	hpid=$!
	wait_for "$T/h.pid" .
	watcher 3 "$T/watch" --json "$G"
	# the holder's process stopped for a moment: nobody answers yet
	echo "$hpid" >"$T/stopped"
	kill -STOP "$hpid"
	lk "$T/n" 2 lock "$G" -- "$T/hold" n
	npid=$!
	wait_for "$T/watch" "\"pid\":$npid,\"size\":[0-9]+,\"payload\":\"lock2 request"
	# the answer to its request, from a new member that lists itself as
	# holder and as synced (as the rules of before and of now write it)
	on 3 sh -c 'exec "$CPGTOOL" send "$1" \
		"lock2 state 2:$2:1 1 q 0 3:$$:5000,2:$2:5000 3:$$ 2:$2:1" \
		"lock2 state 2:$2:1 1 q 0 3:$$:5000,2:$2:5000 3:$$ 2:$2:1 1 0 0 1"' \
		_ "$G" "$npid"
	wait_for "$T/n.err" "^cpgtool: lock '$G': ignoring a state from 3:"
	kill -CONT "$hpid"
	wait_show 1 "^waiter 2 $npid\$"
	touch "$T/h.go"
	reap "$hpid"
	[ "$status" -eq 0 ]
	wait_for "$T/n.pid" .
	touch "$T/n.go"
	reap "$npid"
	[ "$status" -eq 0 ]
	no_violations
}
