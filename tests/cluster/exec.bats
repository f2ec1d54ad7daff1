#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# --exec: a handler per event, checked for what it promises: every event
# once, in order, its JSON as --json prints it and its environment; a
# slow handler loses nothing up to --max-backlog and past it the exit
# says so; --exec-timeout stops a hanging handler and the next one runs;
# a failing handler is a line, not the end; a signal stops the running
# handler, a SIGKILL takes it along.
# Handlers are sh -c scripts that expand their variables themselves:
# shellcheck disable=SC2016

load ../lib/test_helper

eval "helper_$(declare -f setup)"

setup() {
	helper_setup
	# handlers find their scratch directory in the environment
	export T=$BATS_TEST_TMPDIR
	# rec: the handler that records what it is given, an event a line:
	# its environment in $T/env (~ for a variable not set), its stdin
	# in $T/json
	cat >"$T/rec" <<-'EOF'
	#!/bin/sh
	printf '%s|%s|%s|%s|%s|%s|%s\n' "${CPGTOOL_EVENT-~}" \
		"${CPGTOOL_GROUP-~}" "${CPGTOOL_NODEID-~}" "${CPGTOOL_PID-~}" \
		"${CPGTOOL_REASON-~}" "${CPGTOOL_MEMBERS-~}" \
		"${CPGTOOL_NODE_NAME-~}" >>"$T/env"
	cat >>"$T/json"
	EOF
	chmod +x "$T/rec"
}

# lines FILE N: until FILE has N lines
lines() {
	local t
	for ((t = 0; t < 600; t++)); do
		[ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "$1 has $(wc -l <"$1") lines, not $2" >&2
	return 1
}

# The environment an event's JSON says its handler should get, as rec
# writes it
ENVOF='def words(f): [(.joined[], .left[]) | f | tostring] | join(" ");
	def memb: .type == "confchg" or .type == "members";
	[.type,
	 (if .type == "totem" then "~" else .group end),
	 (if .type == "message" then .nodeid | tostring
	  elif memb then words(.nodeid) else "~" end),
	 (if .type == "message" then .pid | tostring
	  elif memb then words(.pid) else "~" end),
	 (if .type == "confchg" then words(.reason)
	  elif .type == "members" then
	    [(.joined[] | "joined"), (.left[] | "left")] | join(" ")
	  else "~" end),
	 (if memb or .type == "totem" then .members | length | tostring
	  else "~" end),
	 "~"] | join("|")'

@test "watch --exec: a scenario's every event, once, in order, its JSON as --json prints it" {
	touch "$T/restore"
	watcher 1 "$T/ref" --json "$G"
	spawn "$T/x" 1 watch --exec "$T/rec" "$G"
	xpid=$!
	wait_member 1 "$G" "$xpid"
	# a join and a leave
	watcher 2 "$T/m2" "$G"
	m2=$!
	wait_for "$T/ref" "\"joined\":\\[\\{\"nodeid\":2,\"pid\":$m2,"
	kill -TERM "$m2"
	wait_for "$T/ref" "\"pid\":$m2,\"reason\":\"leave\""
	# a procdown
	watcher 3 "$T/m3" "$G"
	m3=$!
	wait_for "$T/ref" "\"joined\":\\[\\{\"nodeid\":3,\"pid\":$m3,"
	kill -KILL "$m3"
	wait_for "$T/ref" "\"pid\":$m3,\"reason\":\"procdown\""
	# node 3 cut off with a member, and back
	watcher 3 "$T/m3b" "$G"
	m3b=$!
	wait_for "$T/ref" "\"joined\":\\[\\{\"nodeid\":3,\"pid\":$m3b,"
	cluster_cut 3
	wait_for "$T/ref" "\"pid\":$m3b,\"reason\":\"nodedown\"" 30
	cluster_uncut 3
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$T/restore"
	wait_for "$T/ref" "\"pid\":$m3b,\"reason\":\"nodeup\"" 30
	# a burst, then a last message
	seq 1 200 | cpgt 2 send "$G"
	cpgt 2 send "$G" end
	wait_for "$T/ref" '"payload":"end"'
	wait_for "$T/json" '"payload":"end"' 60
	# the handlers saw, from their watch's own join on, what --json
	# printed from that join on: the same lines, each once, in order;
	# but for the ring a new connection is told of first, which the
	# --json watch was told at its own start
	sed -n "/\"joined\":\\[{\"nodeid\":1,\"pid\":$xpid,/,\$p" "$T/ref" >"$T/want"
	awk '/"type":"totem"/ && !seen { seen = 1; next } { print }' \
		"$T/json" |
		sed -n "/\"joined\":\\[{\"nodeid\":1,\"pid\":$xpid,/,\$p" >"$T/got"
	[ "$(wc -l <"$T/want")" -ge 210 ]
	diff "$T/want" "$T/got"
	# every kind of the scenario is there
	for k in '"reason":"join"' '"reason":"leave"' '"reason":"procdown"' \
	    '"reason":"nodedown"' '"reason":"nodeup"' '"type":"totem"' \
	    '"payload":"200"'; do
		grep -q "$k" "$T/got"
	done
	# and each handler had the environment its event says
	[ "$(wc -l <"$T/env")" -eq "$(wc -l <"$T/json")" ]
	jq -r "$ENVOF" "$T/json" | diff - "$T/env"
	# cpgtool printed nothing of its own
	[ ! -s "$T/x" ]
	[ ! -s "$T/x.err" ]
}

@test "watch --exec: a slow handler loses nothing up to --max-backlog; -c ends after the last one ran" {
	spawn "$T/x" 1 watch -E message -c 100 --exec \
		'sleep 0.01; cat >>"$T/slow"' "$G"
	xpid=$!
	wait_member 1 "$G" "$xpid"
	seq 1 100 | cpgt 2 send "$G"
	reap "$xpid"
	[ "$status" -eq 0 ]
	run -0 jq -r .payload "$T/slow"
	[ "$output" = "$(seq 1 100)" ]
	[ ! -s "$T/x.err" ]
}

@test "watch --exec: past --max-backlog it says so and exits 1, not a silent drop" {
	spawn "$T/x" 1 watch -E message --max-backlog 4K --exec \
		'echo $$ >"$T/sh"; sleep 1000' "$G"
	xpid=$!
	wait_member 1 "$G" "$xpid"
	seq 1 300 | cpgt 2 send "$G"
	reap "$xpid"
	[ "$status" -eq 1 ]
	run -0 cat "$T/x.err"
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[0]} =~ ^cpgtool:\ --exec:\ ([0-9]+)\ events\ \([0-9]+\ bytes\)\ wait\ for\ the\ handler,\ over\ --max-backlog\ 4096:\ it\ is\ too\ slow\;\ leaving$ ]]
	n=${BASH_REMATCH[1]}
	[ "$n" -gt 1 ]
	[ "${lines[1]}" = "cpgtool: $n event(s) not handled" ]
	[ "${lines[2]}" = "cpgtool: handler of event 1 (message in '$G') stopped as cpgtool ends: status 143" ]
	wait_gone "$(cat "$T/sh")"
	[ ! -s "$T/x" ]
}

@test "watch --exec-timeout: a hanging handler is stopped, with what it started, and the next one runs" {
	spawn "$T/x" 1 watch -E message --exec-timeout 0.5 --exec '
		read -r ev
		case $ev in
		*hang*) sleep 1000 & echo $! >"$T/sleep"; wait ;;
		*deaf*) trap "" TERM; echo $$ >"$T/deaf"
			while :; do sleep 0.1; done ;;
		esac
		echo "$ev" >>"$T/ran"' "$G"
	xpid=$!
	wait_member 1 "$G" "$xpid"
	cpgt 2 send "$G" hang next deaf last
	wait_for "$T/ran" '"payload":"last"' 30
	run -0 jq -r .payload "$T/ran"
	[ "$output" = "next"$'\n'"last" ]
	run -0 cat "$T/x.err"
	[ "${lines[0]}" = "cpgtool: handler of event 1 (message in '$G') ran over --exec-timeout 0.5: stopped, status 143" ]
	# SIGTERM ignored: SIGKILL 5 s later
	[ "${lines[1]}" = "cpgtool: handler of event 3 (message in '$G') ran over --exec-timeout 0.5: stopped, status 137" ]
	[ "${#lines[@]}" -eq 2 ]
	# the handler's own children went with it
	wait_gone "$(cat "$T/sleep")"
	wait_gone "$(cat "$T/deaf")"
	kill -0 "$xpid"
}

@test "watch --exec: a handler that fails or is not there is a line each, and the watch goes on" {
	printf '#!/bin/sh\nexit 0\n' >"$T/noexec"
	spawn "$T/x" 1 watch -E message --exec 'read -r ev
		case $ev in
		*missing*) cpgt-no-such-command ;;
		*noexec*) "$T/noexec" ;;
		*fail*) exit 3 ;;
		esac' "$G"
	xpid=$!
	wait_member 1 "$G" "$xpid"
	cpgt 2 send "$G" missing noexec fail fine
	wait_for "$T/x.err" 'event 3 ' 30
	run -0 grep '^cpgtool: ' "$T/x.err"
	[ "${lines[0]}" = "cpgtool: handler of event 1 (message in '$G') failed: status 127" ]
	[ "${lines[1]}" = "cpgtool: handler of event 2 (message in '$G') failed: status 126" ]
	[ "${lines[2]}" = "cpgtool: handler of event 3 (message in '$G') failed: status 3" ]
	[ "${#lines[@]}" -eq 3 ]
	# the shell's own complaints, on cpgtool's stderr
	grep -q 'cpgt-no-such-command' "$T/x.err"
	# still watching: the next event is handled
	cpgt 2 send "$G" missing
	wait_for "$T/x.err" "event 5 \\(message in '$G'\\) failed: status 127"
	kill -0 "$xpid"
	# and so for a handler command that is not there at all
	spawn "$T/y" 1 watch --exec cpgt-no-such-command "$G"
	ypid=$!
	wait_member 1 "$G" "$ypid"
	cpgt 2 send "$G" one
	wait_for "$T/y.err" "event [0-9]+ \\(message in '$G'\\) failed: status 127"
	kill -0 "$ypid"
}

@test "watch --exec: the handler's stdout and stderr are cpgtool's" {
	spawn "$T/x" 1 watch -E message -c 1 --exec \
		'echo "out $CPGTOOL_EVENT"; echo "err $CPGTOOL_PID" >&2' "$G"
	xpid=$!
	wait_member 1 "$G" "$xpid"
	spid=$(cpgt 2 send -v --json "$G" hello | jq .pid)
	reap "$xpid"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/x")" = "out message" ]
	[ "$(cat "$T/x.err")" = "err $spid" ]
}

@test "watch --exec: a signal stops the running handler before cpgtool leaves; SIGKILL takes it along" {
	watcher 1 "$T/ref" --json "$G"
	spawn "$T/x" 1 watch -E message --exec \
		'sleep 1000 & echo $! >"$T/sleep"; wait' "$G"
	xpid=$!
	wait_member 1 "$G" "$xpid"
	cpgt 2 send "$G" one two
	wait_for "$T/sleep" .
	kill -TERM "$xpid"
	reap "$xpid"
	[ "$status" -eq 143 ]
	run -0 cat "$T/x.err"
	[ "${lines[0]}" = "cpgtool: 1 event(s) not handled" ]
	[ "${lines[1]}" = "cpgtool: handler of event 1 (message in '$G') stopped as cpgtool ends: status 143" ]
	wait_gone "$(cat "$T/sleep")"
	# it left: peers saw a leave, not a procdown
	wait_for "$T/ref" "\"pid\":$xpid,\"reason\":\"leave\""
	# SIGKILLed, its handler goes with it (PR_SET_PDEATHSIG)
	spawn "$T/k" 1 watch -E message --exec 'echo $$ >"$T/k.sh"; exec sleep 1000' "$G"
	kpid=$!
	wait_member 1 "$G" "$kpid"
	cpgt 2 send "$G" three
	wait_for "$T/k.sh" .
	kill -KILL "$kpid"
	wait_gone "$(cat "$T/k.sh")"
}

@test "watch --exec --names: CPGTOOL_NODE_NAME; --exclude-self and --events apply" {
	spawn "$T/x" 1 watch -x -E message,confchg -N --exec "$T/rec" "$G"
	xpid=$!
	wait_member 1 "$G" "$xpid"
	watcher 2 "$T/m2" "$G"
	m2=$!
	cpgt 3 send "$G" hi
	wait_for "$T/json" '"payload":"hi"'
	kill -TERM "$m2"
	wait_for "$T/json" "\"pid\":$m2,\"reason\":\"leave\""
	run -0 cut -d'|' -f1,3-5,7 "$T/env"
	# no own join (-x), no totem (-E); the sender joins, sends, leaves;
	# the names of the nodes
	[ "${lines[0]}" = "confchg|2|$m2|join|node2" ]
	[[ ${lines[1]} =~ ^confchg\|3\|([0-9]+)\|join\|node3$ ]]
	spid=${BASH_REMATCH[1]}
	[ "${lines[2]}" = "message|3|$spid|~|node3" ]
	[ "${lines[3]}" = "confchg|3|$spid|leave|node3" ]
	[ "${lines[4]}" = "confchg|2|$m2|leave|node2" ]
	[ "${#lines[@]}" -eq 5 ]
}

@test "members --watch --exec: never joins; a member that goes runs the handler" {
	watcher 2 "$T/m2" "$G"
	m2=$!
	watcher 3 "$T/m3" "$G"
	m3=$!
	spawn "$T/x" 1 members --watch --names --exec "$T/rec" "$G"
	xpid=$!
	lines "$T/env" 1
	# looking added no member
	[ "$(cpg_members 1 "$G" | wc -l)" -eq 2 ]
	kill -KILL "$m3"
	lines "$T/env" 2
	run -0 cat "$T/env"
	# the current members first, then the one that left
	[ "${lines[0]}" = "members|$G|2 3|$m2 $m3|joined joined|2|node2 node3" ]
	[ "${lines[1]}" = "members|$G|3|$m3|left|1|node3" ]
	jq -c . "$T/json" >/dev/null
	[ "$(jq -r "$ENVOF" "$T/json" | cut -d'|' -f1-6)" = \
	    "$(cut -d'|' -f1-6 "$T/env")" ]
	[ ! -s "$T/x" ]
	kill -0 "$xpid"
}

@test "quorum --watch --exec: node 3 cut off and back, as events with their environment" {
	touch "$T/restore"
	spawn "$T/x" 3 quorum --watch --exec "$T/rec"
	lines "$T/env" 4
	cluster_cut 3
	wait_for "$T/env" '^inquorate\|' 30
	cluster_uncut 3
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$T/restore"
	wait_for "$T/env" '^quorate\|.*\|3\|~$' 30
	run -0 cat "$T/env"
	[ "${lines[0]}" = 'quorate|~|~|~|~|3|~' ]
	[ "${lines[1]}" = 'node|~|1|~|member|3|~' ]
	[ "${lines[3]}" = 'node|~|3|~|member|3|~' ]
	[ "${lines[4]}" = 'node|~|1|~|dead|1|~' ]
	[ "${lines[5]}" = 'node|~|2|~|dead|1|~' ]
	[ "${lines[6]}" = 'inquorate|~|~|~|~|1|~' ]
	[ "$(jq -r .type "$T/json" | tr '\n' ' ')" = \
	    "$(cut -d'|' -f1 "$T/env" | tr '\n' ' ')" ]
	[ ! -s "$T/x.err" ]
}
