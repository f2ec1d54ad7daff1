#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# members: what corosync knows of a group, asked without joining it.

load ../lib/test_helper

setup_members() {
	for n in 1 2 3; do
		spawn "$BATS_TEST_TMPDIR/j$n" "$n" join "$G" < <(sleep 60)
	done
	wait_members 1 "$G" 3
}

@test "a group's members, the same from every node, one line each" {
	setup_members
	for n in 1 2 3; do
		run -0 cpgt "$n" members "$G"
		[ "${#lines[@]}" -eq 3 ]
		run -0 cut -d' ' -f1,2 <<<"$output"
		[ "$(sort <<<"$output" | tr '\n' ,)" = "$G 1,$G 2,$G 3," ]
	done
}

@test "agrees with corosync-cpgtool, for one group and for all" {
	setup_members
	expect=$(on 1 corosync-cpgtool -e | awk -v g="$G" '
	    $1 == g { grp = 1; next } /^[^ \t]/ { grp = 0 }
	    grp && NF >= 2 { print $2 " " $1 }' | sort)
	[ -n "$expect" ]
	got=$(cpgt 1 members "$G" | awk '{ print $2 " " $3 }' | sort)
	[ "$got" = "$expect" ]
	got=$(cpgt 1 members | awk -v g="$G" '$1 == g { print $2 " " $3 }' |
		sort)
	[ "$got" = "$expect" ]
}

@test "looking does not join: the group is not disturbed" {
	setup_members
	watcher 1 "$BATS_TEST_TMPDIR/w" --events confchg "$G"
	wait_for "$BATS_TEST_TMPDIR/w" "joined=1:$!:join"
	before=$(wc -l <"$BATS_TEST_TMPDIR/w")
	cpgt 2 members "$G" >/dev/null
	cpgt 2 members --wait 4 "$G" >/dev/null
	# a join after them, as a marker: CPG delivers a group's changes in
	# one order, so had the two joined (and left), the watcher would
	# see their changes before the marker's
	spawn "$BATS_TEST_TMPDIR/marker" 3 join "$G" < <(sleep 30)
	marker=$!
	wait_for "$BATS_TEST_TMPDIR/w" "joined=3:$marker:join"
	run -0 tail -n +$((before + 1)) "$BATS_TEST_TMPDIR/w"
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == *" joined=3:$marker:join left=-" ]]
}

@test "JSON, with -N/--names: node names, addresses, the local node" {
	setup_members
	run -0 cpgt 2 members --json --names "$G"
	jq -e --arg g "$G" '.group == $g and (.members | length) == 3' <<<"$output"
	run -0 jq -r '.members[] | "\(.nodeid) \(.name) \(.local) \(.addrs|length)"' \
		<<<"$output"
	[[ $output == *"2 node2 true 1"* ]]
	[[ $output == *"1 node1 false 1"* ]]
	run -0 cpgt 2 members -N "$G"
	grep -qE "^$G 2 [0-9]+ node2 10\.213\.[0-9]+\.2 local$" <<<"$output"
}

@test "an empty group: no text lines, one JSON object" {
	run -0 cpgt 1 members "$G"
	[ -z "$output" ]
	run -0 cpgt 1 members --json "$G"
	[ "$output" = "{\"group\":\"$G\",\"members\":[]}" ]
}

@test "--wait is a barrier: returns once N are in" {
	cpgt 1 members --wait 2 --timeout 10 "$G" >"$BATS_TEST_TMPDIR/m" &
	pid=$!
	spawn "$BATS_TEST_TMPDIR/a" 2 join "$G" < <(sleep 30)
	# one is in, as node 1 sees it: --wait 2 must still be waiting
	wait_members 1 "$G" 1
	kill -0 "$pid"
	spawn "$BATS_TEST_TMPDIR/b" 3 join "$G" < <(sleep 30)
	wait "$pid"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/m")" -eq 2 ]
	run -124 cpgt 1 members --wait 5 --timeout 0.3 "$G"
}

@test "--watch prints each change without joining" {
	spawn "$BATS_TEST_TMPDIR/w" 1 members --watch --json "$G"
	wait_for "$BATS_TEST_TMPDIR/w" '"type":"members"'
	spawn "$BATS_TEST_TMPDIR/j" 2 join "$G" < <(sleep 30)
	jpid=$!
	wait_for "$BATS_TEST_TMPDIR/w" '"joined":\[\{"nodeid":2'
	kill "$jpid"
	wait_for "$BATS_TEST_TMPDIR/w" '"left":\[\{"nodeid":2'
	run -0 jq -s 'map(.members | length)' "$BATS_TEST_TMPDIR/w"
	[ "$(jq -c . <<<"$output")" = '[0,1,0]' ]
}

@test "exact names: Pacemaker's trailing NUL, spaces, backslashes" {
	spawn "$BATS_TEST_TMPDIR/a" 1 join "${G}\\x00" < <(sleep 30)
	spawn "$BATS_TEST_TMPDIR/b" 1 join "${G} sp\\\\" < <(sleep 30)
	wait_members 1 "${G}\\x00" 1
	wait_members 1 "${G}\\x20sp\\\\" 1
	# empty, and told which name has the members (daemons.bats)
	run -0 --separate-stderr cpgt 1 members "$G"
	[ -z "$output" ]
	[[ $stderr == *"did you mean '${G}\\x00'?" ]]
	run -0 cpgt 1 members
	grep -qE "^${G}\\\\x00 1 [0-9]+$" <<<"$output"
	grep -qE "^${G}\\\\x20sp\\\\\\\\ 1 [0-9]+$" <<<"$output"
	run -0 cpgt 1 members --json
	jq -s -e --arg g "$G" 'any(.[]; .group == $g + "\u0000")' <<<"$output"
}
