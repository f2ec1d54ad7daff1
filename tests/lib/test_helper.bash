# SPDX-License-Identifier: BSD-3-Clause
# Shared by every .bats file: the binary under test, running it as a
# client of a node, background processes, waiting without fixed sleeps.
# shellcheck shell=bash

bats_require_minimum_version 1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
export CPGTOOL=${CPGTOOL:-$TOP/cpgtool}
# on and cpgt (run as a client of node I) are scripts in tests/lib/bin
PATH=$TOP/tests/lib/bin:$PATH
# shellcheck source=tests/lib/cluster.sh
. "$TOP/tests/lib/cluster.sh"

# A cluster is started once by tests/run; a file run alone gets its own.
setup_file() {
	if [ -z "${CPGT_RUNDIR:-}" ]; then
		eval "$(cluster_up 3)"
		export CPGT_OWN=1
	fi
}

teardown_file() {
	if [ -n "${CPGT_OWN:-}" ]; then
		cluster_down
	fi
}

setup() {
	# a group of this test's own, so tests cannot see each other
	G=t${BATS_TEST_NUMBER}x$$x$RANDOM
	BG=$BATS_TEST_TMPDIR/bg.pids
	: >"$BG"
}

teardown() {
	local pid
	while read -r pid; do
		kill "$pid" 2>/dev/null
	done <"$BG"
	while read -r pid; do
		wait "$pid" 2>/dev/null
	done <"$BG"
	restore_nodes
}

# restore_nodes: a test that takes a node away (cut off, stopped,
# paused) touches $BATS_TEST_TMPDIR/restore first and removes it once the
# node is back; if it failed in between, every node is put back here for
# the next test. A corosync started here gets none of bats' descriptors,
# or bats would wait for it (seen: fd 4, in top.bats's teardown).
restore_nodes() {
	local i
	[ -e "$BATS_TEST_TMPDIR/restore" ] || return 0
	for i in 1 2 3; do
		cluster_resume "$i"
		cluster_uncut "$i"
		kill -0 "$(cat "$CPGT_RUNDIR/n$i/pid")" 2>/dev/null ||
			cluster_start "$i" >/dev/null 2>&1 </dev/null \
				3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
	done
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
}

# spawn OUT I ARGS...: cpgtool in the background, stdout to OUT, stderr to
# OUT.err; its pid in $! and killed at teardown. stdin is passed on
# explicitly (bash gives background jobs /dev/null otherwise); fd 3 is
# closed, or bats would wait for it.
spawn() {
	local out=$1
	shift
	cpgt "$@" <&0 >"$out" 2>"$out.err" 3>&- &
	echo $! >>"$BG"
}

# wait_for FILE PATTERN [SECONDS]: until a line of FILE matches (grep -E)
wait_for() {
	local file=$1 pat=$2 t=$((${3:-10} * 20))
	while ((t-- > 0)); do
		grep -qE -- "$pat" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no line matching '$pat' in $file after ${3:-10} s:" >&2
	tail -c 2000 "$file" >&2 2>/dev/null
	return 1
}

# reap PID: its exit status in $status (run would use a subshell, which
# cannot wait for our children)
reap() {
	status=0
	wait "$1" || status=$?
}

# cpg_members I GROUP: "NODEID PID" per member of GROUP as node I's
# corosync sees it, told by corosync-cpgtool: the setup of a test waits on
# an oracle that does not share cpgtool's code
cpg_members() {
	# corosync-cpgtool writes \\ and \xNN as cpgtool does, but a space
	# as it is: hence tabs between its fields
	local g=${2//\\x20/ }
	on "$1" corosync-cpgtool -d "$(printf '\t')" |
		G=$g awk -F '\t' 'NR > 1 && $1 == ENVIRON["G"] { print $3, $2 }'
}

# wait_members I GROUP N: until node I sees at least N members in GROUP
wait_members() {
	local t
	for ((t = 0; t < 200; t++)); do
		[ "$(cpg_members "$1" "$2" | wc -l)" -ge "$3" ] && return 0
		sleep 0.05
	done
	echo "node $1 did not see $3 members in $2 in 10 s" >&2
	return 1
}

# watcher I OUT ARGS... GROUP: a watch that is a member of GROUP (the
# last argument) before this returns; $! is its pid
watcher() {
	local i=$1 out=$2
	shift 2
	spawn "$out" "$i" watch "$@"
	wait_member "$i" "${!#}" $! || { echo "watch $*" >&2; return 1; }
}

# wait_member I GROUP PID: until node I lists PID as a member of GROUP
wait_member() {
	local t
	for ((t = 0; t < 200; t++)); do
		cpg_members "$1" "$2" | grep -q " $3\$" && return 0
		sleep 0.05
	done
	echo "pid $3 on node $1 did not join '$2' in 10 s" >&2
	return 1
}

# wait_gone PID: until PID has exited (a zombie counts: our init may not
# reap orphans)
wait_gone() {
	local t
	for ((t = 0; t < 200; t++)); do
		[[ $(ps -o stat= -p "$1") == @(|Z*) ]] && return 0
		sleep 0.05
	done
	echo "process $1 still runs" >&2
	return 1
}
