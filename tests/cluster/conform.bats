#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# The model against the real corosync, the short scenarios: tests/conform
# records what each node's processes are told through one cut and one
# corosync SIGKILL and restart on the suite's cluster, and conformcheck
# holds each trace to the simulator's assumptions (tests/sim/README,
# Conformance). make conform runs all of them on clusters of its own.

load ../lib/test_helper

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-180}
CHECK=${CONFORMCHECK:-$TOP/tests/sim/conformcheck}

setup_file() {
	if [ -z "${CPGT_RUNDIR:-}" ]; then
		eval "$(cluster_up 3)"
		export CPGT_OWN=1
	fi
	[ -x "$CHECK" ] || make -s -C "$TOP" tests/sim/conformcheck >&2
}

# record SCENARIO: its trace in $BATS_TEST_TMPDIR, checked
record() {
	run -0 "$TOP/tests/conform" -o "$BATS_TEST_TMPDIR" "$1"
	run -0 "$CHECK" "$BATS_TEST_TMPDIR/$1.trace"
	[ "${lines[-1]}" = "1 passed, 0 failed" ]
}

@test "conform: one cut and its heal, as the model has it" {
	record cut
	# each node was told the cut: node 3 lost both others, they node 3
	grep -q " 3 confchg members 3 left 1:nodedown,2:nodedown" \
		"$BATS_TEST_TMPDIR/cut.trace"
	grep -q " 1 confchg members 1,2 left 3:nodedown" \
		"$BATS_TEST_TMPDIR/cut.trace"
	grep -q " 3 inquorate " "$BATS_TEST_TMPDIR/cut.trace"
}

@test "conform: corosync SIGKILLed and restarted, as the model has it" {
	record kill
	grep -q " 1 confchg members 1,2 left 3:nodedown" \
		"$BATS_TEST_TMPDIR/kill.trace"
	# a new watch on node 3, started with its corosync, joined
	grep -q " 3 confchg members .* joined .*3:join" \
		"$BATS_TEST_TMPDIR/kill.trace"
}

@test "conformcheck: a trace the model cannot produce fails, naming the step" {
	cat >"$BATS_TEST_TMPDIR/bad.trace" <<-'TRACE'
	nodes 3
	quorum majority
	0 1 quorate ring 1.9 members 1,2,3
	0 1 confchg members 1 left - joined 1:join
	0 2 confchg members 1,2 left - joined 2:join
	0 3 confchg members 1,2,3 left - joined 3:join
	0 1 ring 1.9 members 1,2,3
	10 1 ring 1.5 members 1,2,3
	20 1 node 2 dead votes 1
	20 1 node 3 dead votes 1
	TRACE
	run -1 "$CHECK" "$BATS_TEST_TMPDIR/bad.trace"
	[[ $output == *"10 1 ring 1.5 members 1,2,3"*"NOT IN THE MODEL: ring 5 after ring 9"* ]]
	[[ $output == *"20 1 node 3 dead"*"NOT IN THE MODEL: told quorate with 1 of 3 nodes"* ]]
	[ "${lines[-1]}" = "0 passed, 1 failed" ]
}
