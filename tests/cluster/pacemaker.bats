#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# Next to real Pacemaker: its groups seen without joining them, its
# controller's death and restart seen by members --watch, and watch
# refused there unless --intrusive. This file runs a cluster of its own
# with Pacemaker on every node (about 25 s to start and elect a DC).

load ../lib/test_helper

setup_file() {
	if ! command -v pacemakerd >/dev/null; then
		export PCMK_MISSING=1
		return 0
	fi
	eval "$(CPGT_PACEMAKER=1 cluster_up 3)"
	export CPGT_OWN=1
}

setup() {
	if [ -n "${PCMK_MISSING:-}" ]; then
		skip "pacemaker is not installed (apt-get install pacemaker)"
	fi
	G=t${BATS_TEST_NUMBER}x$$x$RANDOM
	BG=$BATS_TEST_TMPDIR/bg.pids
	: >"$BG"
}

# node I's controller: its pid, as a member of crmd\0
controller() {
	cpgt "$1" members 'crmd\x00' | awk -v n="$1" '$2 == n { print $3 }'
}

@test "members lists Pacemaker's four groups, NUL-terminated, 3 members each" {
	run -0 cpgt 1 members
	run -0 cut -d' ' -f1 <<<"$output"
	[ "$(uniq -c <<<"$output" | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" = \
	    'attrd\x00=3 cib\x00=3 crmd\x00=3 stonith-ng\x00=3 ' ]
	run -0 cpgt 1 members --json
	# a NUL is text in JSON: "group" holds the name, NUL and all
	run -0 jq -r '.group | @json' <<<"$output"
	[ "${lines[*]}" = '"attrd\u0000" "cib\u0000" "crmd\u0000" "stonith-ng\u0000"' ]
}

@test "members --watch sees node 3's controller killed and restarted" {
	old=$(controller 3)
	[ -n "$old" ]
	spawn "$BATS_TEST_TMPDIR/m" 1 members --watch 'crmd\x00'
	wait_for "$BATS_TEST_TMPDIR/m" '^members crmd\\x00 '
	# looking added no member
	[ "$(cpgt 1 members 'crmd\x00' | wc -l)" -eq 3 ]
	kill -KILL "$old"
	wait_for "$BATS_TEST_TMPDIR/m" " left=3:$old\$" 30
	# pacemakerd starts a new one, which joins; within one --interval
	# the two are one event
	wait_for "$BATS_TEST_TMPDIR/m" " joined=3:[0-9]+ left=(-|3:$old)\$" 60
	new=$(controller 3)
	[ -n "$new" ]
	[ "$new" != "$old" ]
	grep -qE "^members crmd\\\\x00 .* joined=3:$new left=(-|3:$old)\$" \
		"$BATS_TEST_TMPDIR/m"
	[ ! -s "$BATS_TEST_TMPDIR/m.err" ]
}

@test "watch, join and send refuse Pacemaker's groups" {
	for g in 'crmd\x00' 'cib\x00' 'attrd\x00' 'stonith-ng\x00'; do
		run -2 --separate-stderr cpgt 1 watch "$g"
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ $stderr == "cpgtool: '$g' belongs to Pacemaker's "* ]]
		run -2 cpgt 1 join "$g"
		run -2 cpgt 1 send "$g" x
	done
	# refused before joining: the group is as it was
	[ "$(cpgt 1 members 'crmd\x00' | wc -l)" -eq 3 ]
}

@test "their NUL twins: the hint names members --watch, not a refused join" {
	run -0 --separate-stderr cpgt 1 send crmd x
	[ "$stderr" = "cpgtool: 'crmd' has no other members but 'crmd\x00' has 3, a group of Pacemaker's controller: did you mean cpgtool members --watch 'crmd\x00' (never joins)?" ]
	run -0 --separate-stderr cpgt 1 members cib
	[ "$stderr" = "cpgtool: 'cib' has no members but 'cib\x00' has 3: did you mean 'cib\x00'?" ]
}

@test "watch --intrusive: the controller's procdown, join and messages, as JSON" {
	watcher 1 "$BATS_TEST_TMPDIR/w" --intrusive --json 'crmd\x00'
	# what it does to Pacemaker, said once
	[ "$(cat "$BATS_TEST_TMPDIR/w.err")" = "cpgtool: joining 'crmd\x00', a group of Pacemaker's controller: Pacemaker will count this process as the node's controller for as long as it stays, and not see the real one fail" ]
	old=$(controller 3)
	kill -KILL "$old"
	wait_for "$BATS_TEST_TMPDIR/w" \
	    "\"left\":\\[\\{\"nodeid\":3,\"pid\":$old,\"reason\":\"procdown\"\\}\\]" 30
	wait_for "$BATS_TEST_TMPDIR/w" \
	    '"joined":\[\{"nodeid":3,"pid":[0-9]+,"reason":"join"\}\]' 60
	# the DC takes the new controller in: messages in crmd\0
	wait_for "$BATS_TEST_TMPDIR/w" '"type":"message"' 60
	kill -TERM "$(tail -1 "$BG")"
	wait "$(tail -1 "$BG")" || true
	# every line is one valid JSON object; payloads are binary
	[ "$(jq -c . "$BATS_TEST_TMPDIR/w" | wc -l)" -eq \
	    "$(wc -l <"$BATS_TEST_TMPDIR/w")" ]
	jq -s -e 'map(select(.type == "message") |
	    .group == "crmd\u0000" and .size > 0) | length > 0 and all' \
	    "$BATS_TEST_TMPDIR/w" >/dev/null
}

# shellcheck disable=SC2016
# left I PID FILE: a line of FILE (REASON|NODEID|PID|NAME, lists of
# words) says that PID of node I left
left() {
	awk -F'|' -v n="$1" -v p="$2" '{
		k = split($1, r, " "); split($2, id, " "); split($3, pid, " ")
		split($4, nm, " ")
		for (i = 1; i <= k; i++)
			if (r[i] == "left" && id[i] == n && pid[i] == p &&
			    nm[i] == "node" n)
				found = 1
	} END { exit !found }' "$3"
}

@test "members --watch --exec: a killed controller runs the handler, and Pacemaker sees it go" {
	T=$BATS_TEST_TMPDIR
	export T
	old=$(controller 3)
	[ -n "$old" ]
	# on node 3 itself: a member there would hide its controller's end
	# shellcheck disable=SC2016
	spawn "$T/m" 3 members --watch --names --exec \
		'echo "$CPGTOOL_REASON|$CPGTOOL_NODEID|$CPGTOOL_PID|$CPGTOOL_NODE_NAME" >>"$T/h"' \
		'crmd\x00'
	wait_for "$T/h" '^joined joined joined\|1 2 3\|'
	# the handler's watch is no member
	[ "$(cpgt 3 members 'crmd\x00' | wc -l)" -eq 3 ]
	log=$CPGT_RUNDIR/n1/pcmk/log/pacemaker.log
	before=$(wc -l <"$log")
	kill -KILL "$old"
	# its leaving, alone or (within one --interval) with the new one's
	# join
	for ((t = 0; t < 300; t++)); do
		left 3 "$old" "$T/h" && break
		sleep 0.1
	done
	left 3 "$old" "$T/h"
	# node 1's controller saw the controller of node 3 go: nothing of
	# node 3 remained in its group to hide it
	for ((t = 0; t < 300; t++)); do
		tail -n +"$before" "$log" |
			grep -q "node3 (node 3 pid $old) left" && break
		sleep 0.1
	done
	run -0 tail -n +"$before" "$log"
	grep -q "node3 (node 3 pid $old) left" <<<"$output"
	grep -q 'Node node3 is no longer a peer' <<<"$output"
	[[ $output != *"pid $old) left"*remains* ]]
	[ ! -s "$T/m" ]
	[ ! -s "$T/m.err" ]
}
