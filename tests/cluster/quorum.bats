#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# quorum: this node's view of votequorum, held against what
# corosync-quorumtool -s says on the same node, with every node in and
# while node 3 is cut off; quorum --watch and watch --quorum as it
# changes.
# awk and jq programs are in single quotes:
# shellcheck disable=SC2016

load ../lib/test_helper

# qt I: node I's view as corosync-quorumtool -s gives it, one line:
# "QUORATE RING EXPECTED TOTAL QUORUM LOCAL NODEID:VOTES,..."
qt() {
	on "$1" corosync-quorumtool -s | awk '
		/^Node ID:/ { id = $3 }
		/^Ring ID:/ { ring = $3 }
		/^Quorate:/ { q = $2 == "Yes" ? "true" : "false" }
		/^Expected votes:/ { e = $3 }
		/^Total votes:/ { t = $3 }
		/^Quorum:/ { quorum = $2 }
		/^Membership information/ { m = 1; next }
		m && $1 ~ /^[0-9]+$/ { nodes = nodes sep $1 ":" $2; sep = "," }
		END { print q, ring, e, t, quorum, id, nodes }'
}

# cq I: the same from cpgtool quorum --json; the members are the nodes in
# state member, as corosync-quorumtool lists only those; the ring id in
# corosync's notation, hex
cq() {
	cpgt "$1" quorum --json | jq -r '
		def hex: if . == 0 then "0" else [recurse(if . >= 16 then
		    (. / 16 | floor) else empty end) | . % 16 |
		    "0123456789abcdef"[.:.+1]] | reverse | join("") end;
		[(.quorate | tostring),
		 "\(.ring_id.nodeid | hex).\(.ring_id.seq | hex)",
		 .expected_votes, .total_votes, .quorum, .nodeid,
		 ([.nodes[] | select(.state == "member") |
		   "\(.nodeid):\(.votes)"] | join(","))] | map(tostring) |
		join(" ")'
}

# same I: cpgtool and corosync-quorumtool agree on node I. The two are
# asked one after the other: if the quorum changed in between (the
# quorumtool before and after differ), ask again.
same() {
	local a b c t
	for ((t = 0; t < 50; t++)); do
		a=$(qt "$1")
		b=$(cq "$1")
		c=$(qt "$1")
		[ "$a" = "$c" ] && break
	done
	[ "$a" = "$b" ] || {
		echo "node $1: quorumtool '$a', cpgtool '$b'" >&2
		return 1
	}
}

# wait_qt I PATTERN: until node I's corosync-quorumtool line matches
wait_qt() {
	local t
	for ((t = 0; t < 300; t++)); do
		[[ $(qt "$1") =~ $2 ]] && return 0
		sleep 0.1
	done
	echo "node $1: '$(qt "$1")' never matched '$2'" >&2
	return 1
}

@test "quorum agrees with corosync-quorumtool on every node" {
	for i in 1 2 3; do
		same "$i"
	done
	run -0 cpgt 2 quorum
	[ "${lines[0]%% *}" = quorate ]
	[[ ${lines[0]} =~ ^quorate\ ring=[0-9a-f]+\.[0-9a-f]+\ expected=3\ total=3\ quorum=2\ members=1,2,3$ ]]
	[ "${lines[1]}" = "node 1 state=member votes=1" ]
	[ "${lines[2]}" = "node 2 state=member votes=1 local" ]
	[ "${lines[3]}" = "node 3 state=member votes=1" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "quorum -N: names and addresses from corosync's configuration" {
	run -0 cpgt 3 quorum -N
	for i in 1 2 3; do
		addr=$(on "$i" ip -4 -o addr show dev eth0 |
			awk '{ sub("/.*", "", $4); print $4 }')
		want="node $i state=member votes=1 name=node$i addrs=$addr"
		[ "$i" = 3 ] && want="$want local"
		[ "${lines[i]}" = "$want" ]
	done
	run -0 cpgt 3 quorum -N --json
	run -0 jq -c '[.nodes[] | [.nodeid, .name, .local]]' <<<"$output"
	[ "$output" = '[[1,"node1",false],[2,"node2",false],[3,"node3",true]]' ]
}

@test "quorum while node 3 is cut off and healed: as corosync-quorumtool, exit 7 where inquorate" {
	touch "$BATS_TEST_TMPDIR/restore"
	cluster_cut 3
	wait_qt 3 '^false [^ ]+ 3 1 2 3 3:1$'
	wait_qt 1 '^true [^ ]+ 3 2 2 1 1:1,2:1$'
	wait_qt 2 '^true [^ ]+ 3 2 2 2 1:1,2:1$'
	for i in 1 2 3; do
		same "$i"
	done
	run -7 cpgt 3 quorum
	[ "${lines[0]%% *}" = inquorate ]
	[ "${lines[1]}" = "node 1 state=dead votes=1" ]
	[ "${lines[3]}" = "node 3 state=member votes=1 local" ]
	run -0 cpgt 1 quorum
	[ "${lines[3]}" = "node 3 state=dead votes=1" ]
	run -7 cpgt 3 quorum --json
	[ "$(jq .quorate <<<"$output")" = false ]
	cluster_uncut 3
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$BATS_TEST_TMPDIR/restore"
	wait_qt 3 '^true '
	for i in 1 2 3; do
		same "$i"
	done
	run -0 cpgt 3 quorum
}

@test "quorum --watch: inquorate on the cut node, quorate again after the heal" {
	touch "$BATS_TEST_TMPDIR/restore"
	spawn "$BATS_TEST_TMPDIR/q3" 3 quorum --watch -T
	spawn "$BATS_TEST_TMPDIR/q1" 1 quorum --watch --json
	wait_for "$BATS_TEST_TMPDIR/q3" '^node [^ ]+ 3 state=member votes=1 local$'
	wait_for "$BATS_TEST_TMPDIR/q1" '"nodeid":3,"state":"member"'
	cluster_cut 3
	wait_for "$BATS_TEST_TMPDIR/q3" '^inquorate ' 30
	wait_for "$BATS_TEST_TMPDIR/q1" '"nodeid":3,"state":"dead"' 30
	cluster_uncut 3
	wait_for "$BATS_TEST_TMPDIR/q3" '^quorate .* members=1,2,3$' 30
	wait_for "$BATS_TEST_TMPDIR/q1" '"nodeid":3,"state":"member".*' 30
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$BATS_TEST_TMPDIR/restore"
	# node 3 saw the current state (the verdict, then each node), nodes
	# 1 and 2 die, the verdict fall; at the end the nodes come back and
	# the verdict rises (a merge may take more than one ring)
	run -0 awk '{ s = $1; if ($1 == "node") s = s " " $3 " " $4;
		print s }' "$BATS_TEST_TMPDIR/q3"
	seq=$(tr '\n' '|' <<<"$output")
	[[ $seq == 'quorate|node 1 state=member|node 2 state=member|node 3 state=member|node 1 state=dead|node 2 state=dead|inquorate|'* ]]
	[[ $seq == *'|node 1 state=member|node 2 state=member|quorate|' ]]
	run -0 awk '$2 !~ /^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/' \
		"$BATS_TEST_TMPDIR/q3"
	[ -z "$output" ]
	# node 1 stayed quorate: no verdict after the first; node 3 went
	# and came back
	run -0 jq -r '[.type, .nodeid // "", .state // ""] | join(" ")' \
		"$BATS_TEST_TMPDIR/q1"
	seq=$(tr '\n' '|' <<<"$output")
	[[ $seq == 'quorate  |node 1 member|node 2 member|node 3 member|node 3 dead|'* ]]
	[[ $seq == *'|node 3 member|' ]]
	[ "$(grep -c quorate <<<"$output")" -eq 1 ]
	[ ! -s "$BATS_TEST_TMPDIR/q3.err" ]
	[ ! -s "$BATS_TEST_TMPDIR/q1.err" ]
}

@test "watch --quorum: quorum events in a group's stream, marked unordered" {
	watcher 1 "$BATS_TEST_TMPDIR/w" --quorum --json -N "$G"
	wait_for "$BATS_TEST_TMPDIR/w" '"type":"node","nodeid":3'
	cpgt 2 send "$G" hello
	wait_for "$BATS_TEST_TMPDIR/w" '"payload":"hello"'
	# quorum events say so; CPG's do not
	run -0 jq -r '[.type, (.unordered // false)] | join(" ")' \
		"$BATS_TEST_TMPDIR/w"
	grep -qx 'quorate true' <<<"$output"
	[ "$(grep -c '^node true$' <<<"$output")" -eq 3 ]
	grep -qx 'confchg false' <<<"$output"
	grep -qx 'message false' <<<"$output"
	[ "$(grep -c true <<<"$output")" -eq 4 ]
	run -0 jq -r 'select(.type == "node") | .name' "$BATS_TEST_TMPDIR/w"
	[ "$(tr '\n' ' ' <<<"$output")" = 'node1 node2 node3 ' ]
	# text: the same events, the word last
	watcher 2 "$BATS_TEST_TMPDIR/t" --quorum "$G"
	wait_for "$BATS_TEST_TMPDIR/t" '^node 3 state=member votes=1 unordered$'
	grep -qE '^quorate ring=.* members=1,2,3 unordered$' \
		"$BATS_TEST_TMPDIR/t"
	grep -qx 'node 2 state=member votes=1 local unordered' \
		"$BATS_TEST_TMPDIR/t"
}

@test "quorum: corosync not running is exit 3" {
	touch "$BATS_TEST_TMPDIR/restore"
	cluster_stop 3
	run -3 --separate-stderr cpgt 3 quorum
	[ "$stderr" = "cpgtool: cannot connect to corosync: CS_ERR_LIBRARY (is corosync running?)" ]
	[ -z "$output" ]
	run -3 cpgt 3 quorum --watch
	cluster_start 3 >/dev/null
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$BATS_TEST_TMPDIR/restore"
}

@test "quorum --watch: a lost connection to corosync is exit 3" {
	touch "$BATS_TEST_TMPDIR/restore"
	spawn "$BATS_TEST_TMPDIR/q" 3 quorum --watch
	pid=$!
	wait_for "$BATS_TEST_TMPDIR/q" '^node 3 '
	cluster_stop 3
	reap "$pid"
	[ "$status" -eq 3 ]
	grep -q '^cpgtool: lost connection to corosync: ' \
		"$BATS_TEST_TMPDIR/q.err"
	cluster_start 3 >/dev/null
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$BATS_TEST_TMPDIR/restore"
}
