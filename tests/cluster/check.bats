#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# check: a monitoring plugin as the Monitoring Plugins development
# guidelines define one: one line, performance data after a |, the
# state as the exit status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN),
# thresholds in the guidelines' range syntax; while members come and
# go, and while node 3 is cut off.

load ../lib/test_helper

eval "helper_$(declare -f setup)"

setup() {
	helper_setup
	T=$BATS_TEST_TMPDIR
}

# three members of $G, one on each node
three() {
	for i in 1 2 3; do
		watcher "$i" "$T/w$i" "$G"
	done
}

@test "check: OK, one line, the performance data in the guidelines' format" {
	three
	run --separate-stderr -0 cpgt 1 check -w 3: -c 2: "$G"
	[ "$output" = "CPG OK - $G: 3 members|members=3;3:;2:;0;" ]
	[ -z "$stderr" ]
	# without thresholds: CRITICAL only for a group with no member
	run -0 cpgt 2 check "$G"
	[ "$output" = "CPG OK - $G: 3 members|members=3;;1:;0;" ]
	run -2 cpgt 2 check "${G}none"
	[ "$output" = "CPG CRITICAL - ${G}none: 0 members|members=0;;1:;0;" ]
}

@test "check: each form of the guidelines' ranges, with 3 members" {
	three
	# RANGE ALERT-WHEN STATUS
	while read -r r st; do
		run cpgt 1 check -c "$r" "$G"
		[ "$status" -eq "$st" ] || {
			echo "-c $r: status $status, not $st: $output" >&2
			return 1
		}
		[ "$output" = "CPG $([ "$st" = 0 ] && echo OK || echo CRITICAL) - $G: 3 members|members=3;;$r;0;" ]
		run cpgt 1 check -w "$r" "$G"
		[ "$status" -eq "$((st / 2))" ]
	done <<-EOF
		10 0
		2 2
		3 0
		3: 0
		4: 2
		~:2 2
		~:3 0
		1:3 0
		4:5 2
		2.5:3.5 0
		@3:4 2
		@4:5 0
		@~:3 2
		-5:3 0
	EOF
	# CRITICAL is worse than WARNING
	run -2 cpgt 1 check -w 4: -c 4: "$G"
	run -1 cpgt 1 check -w 4: -c 3: "$G"
}

@test "check: several groups, a performance label each; the worst state" {
	three
	run -2 cpgt 1 check -c 2: "$G" "${G}x"
	[ "$output" = "CPG CRITICAL - $G: 3 members, ${G}x: 0 members|members_$G=3;;2:;0; members_${G}x=0;;2:;0;" ]
}

@test "check --nodes: members expected on nodes named as corosync names them, or by id" {
	watcher 2 "$T/w2" "$G"
	run -0 cpgt 1 check --nodes node2 "$G"
	[ "$output" = "CPG OK - $G: 1 member|members=1;;1:;0;" ]
	run -0 cpgt 1 check --nodes 2 "$G"
	run -2 cpgt 1 check --nodes node2,node3 "$G"
	[ "$output" = "CPG CRITICAL - $G: 1 member (none on node3)|members=1;;1:;0;" ]
	run -2 cpgt 1 check --nodes 1,node2,3 "$G"
	[ "$output" = "CPG CRITICAL - $G: 1 member (none on node1,node3)|members=1;;1:;0;" ]
}

@test "check: a node cut off: CRITICAL for --nodes and for --quorum there" {
	three
	run -0 cpgt 1 check --quorum --nodes node1,node2,node3 -c 3 "$G"
	[ "$output" = "CPG OK - $G: 3 members, quorate|members=3;;3;0;" ]
	touch "$T/restore"
	cluster_cut 3
	cluster_wait_members 1 2
	wait_members_exactly() {
		local t
		for ((t = 0; t < 300; t++)); do
			[ "$(cpg_members "$1" "$G" | wc -l)" -eq "$2" ] && return 0
			sleep 0.1
		done
		return 1
	}
	wait_members_exactly 1 2
	run -2 cpgt 1 check --quorum --nodes node1,node2,node3 -c 3: "$G"
	[ "$output" = "CPG CRITICAL - $G: 2 members (none on node3), quorate|members=2;;3:;0;" ]
	# node 3 alone: not quorate
	cluster_wait_members 3 1
	run -2 cpgt 3 check --quorum "$G"
	[[ $output == "CPG CRITICAL - $G: "*" not quorate|"* ]]
	run -0 cpgt 3 check "$G"
	cluster_uncut 3
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$T/restore"
	wait_members_exactly 1 3
	run -0 cpgt 1 check --quorum --nodes node1,node2,node3 -c 3: "$G"
}

@test "check: UNKNOWN (3) for bad arguments, an unknown node, and a corosync not running; one cpgtool line" {
	for a in "-w 1:2:3 $G" "-c 5:1 $G" "-c @ $G" "-w inf $G" "-c 0x10 $G" \
	    "" "-t 0 $G" "--nodes , $G" "--nodes node9 $G" "-x $G"; do
		# shellcheck disable=SC2086
		run --separate-stderr cpgt 1 check $a
		[ "$status" -eq 3 ] || {
			echo "check $a: status $status" >&2
			return 1
		}
		[ "$output" = "CPG UNKNOWN - invalid arguments (see cpgtool check --help)" ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ $stderr == cpgtool:* ]]
	done
	run --separate-stderr -3 cpgt 1 check --nodes node9 "$G"
	[ "$stderr" = "cpgtool: --nodes: no node 'node9' in corosync's nodelist (see 'cpgtool check --help')" ]
	touch "$T/restore"
	cluster_stop 3
	run --separate-stderr -3 cpgt 3 check "$G"
	[ "$output" = "CPG UNKNOWN - cannot connect to corosync (is it running?)" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	cluster_start 3 >/dev/null 2>&1
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$T/restore"
	# --help and --version: 0
	run -0 cpgt 1 check --help
	run -0 cpgt 1 check -V
	[[ $output == "cpgtool "* ]]
}

@test "check -t: UNKNOWN when corosync does not answer in time" {
	touch "$T/restore"
	pid=$(cat "$CPGT_RUNDIR/n3/pid")
	kill -STOP "$pid"
	run cpgt 3 check -t 0.5 "$G"
	kill -CONT "$pid"
	[ "$status" -eq 3 ]
	[ "$output" = "CPG UNKNOWN - timed out after 0.5 seconds" ]
}
