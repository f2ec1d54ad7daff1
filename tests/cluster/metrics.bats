#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# metrics: the cluster's CPG state in Prometheus' text exposition format,
# held to the format by promtool check metrics and to the cluster by
# corosync's own tools; --textfile and --watch as node_exporter's
# textfile collector reads them, while members come and go and a node is
# cut off.
# awk programs are in single quotes:
# shellcheck disable=SC2016

load ../lib/test_helper

eval "helper_$(declare -f setup)"

setup() {
	helper_setup
	T=$BATS_TEST_TMPDIR
	command -v promtool >/dev/null ||
		skip "promtool is not installed (apt-get install prometheus)"
}

# valid FILE: promtool accepts it, lint included
valid() {
	run -0 promtool check metrics <"$1"
}

# sample FILE LINE: FILE has that sample line, exactly
sample() {
	grep -qxF -- "$2" "$1" || {
		echo "no line '$2' in $1:" >&2
		grep -v '^#' "$1" >&2
		return 1
	}
}

@test "metrics: groups, members by node, nodes and quorum, as corosync has them; promtool accepts them" {
	watcher 2 "$T/w2" "$G"
	watcher 3 "$T/w3" "$G"
	watcher 3 "$T/w3b" "$G"
	cpgt 1 metrics >"$T/m"
	valid "$T/m"
	sample "$T/m" 'cpgtool_corosync_up 1'
	sample "$T/m" 'cpgtool_quorate 1'
	sample "$T/m" 'cpgtool_quorum_votes 3'
	sample "$T/m" 'cpgtool_quorum_expected_votes 3'
	sample "$T/m" 'cpgtool_quorum_needed_votes 2'
	sample "$T/m" "cpgtool_group_members{group=\"$G\"} 3"
	sample "$T/m" "cpgtool_group_node_members{group=\"$G\",node_id=\"1\",node=\"node1\"} 0"
	sample "$T/m" "cpgtool_group_node_members{group=\"$G\",node_id=\"2\",node=\"node2\"} 1"
	sample "$T/m" "cpgtool_group_node_members{group=\"$G\",node_id=\"3\",node=\"node3\"} 2"
	for i in 1 2 3; do
		sample "$T/m" "cpgtool_node_up{node_id=\"$i\",node=\"node$i\"} 1"
		sample "$T/m" "cpgtool_node_votes{node_id=\"$i\",node=\"node$i\"} 1"
	done
	sample "$T/m" 'cpgtool_node_local{node_id="1",node="node1"} 1'
	sample "$T/m" 'cpgtool_node_local{node_id="2",node="node2"} 0'
	# the ring's sequence as corosync-quorumtool gives it (hex)
	seq=$(on 1 corosync-quorumtool -s | awk '/^Ring ID:/ { print $3 }')
	sample "$T/m" "cpgtool_ring_sequence $((16#${seq#*.}))"
	# as many groups as corosync-cpgtool lists
	n=$(on 1 corosync-cpgtool -d "$(printf '\t')" |
		awk -F '\t' 'NR > 1 { print $1 }' | sort -u | wc -l)
	sample "$T/m" "cpgtool_groups $n"
	# every family has its HELP and TYPE, and _total only on counters
	run -0 grep -c '^# TYPE ' "$T/m"
	[ "$output" -eq "$(grep -c '^# HELP ' "$T/m")" ]
	run ! grep -E '_total(\{| )' "$T/m"
}

@test "metrics: a group name's bytes in a label escaped as the exposition format wants" {
	# a quote, a backslash, a newline, a byte that is no UTF-8, a space
	g="${G}q\"b\\\\c\\x0ad\\xffe\\x20f"
	# (corosync-cpgtool, the oracle of watcher, mangles \xff: not here)
	spawn "$T/w" 2 watch "$g"
	# cpgtool's text of the name (\xNN, \\), then \ and " escaped
	want="cpgtool_group_members{group=\"${G}q\\\"b\\\\\\\\c\\\\x0ad\\\\xffe\\\\x20f\"} 1"
	for ((t = 0; t < 100; t++)); do
		cpgt 1 metrics >"$T/m"
		grep -qxF -- "$want" "$T/m" && break
		sleep 0.1
	done
	valid "$T/m"
	sample "$T/m" "$want"
	# one sample a line: the newline did not get through
	run -0 grep -c "^cpgtool_group_members{group=\"$G" "$T/m"
	[ "$output" -eq 1 ]
}

@test "metrics --textfile: DIR/cpgtool.prom, whole, readable by others, nothing else left" {
	watcher 1 "$T/w" "$G"
	mkdir "$T/d"
	run -0 cpgt 2 metrics --textfile "$T/d"
	[ -z "$output" ]
	[ "$(ls -A "$T/d")" = cpgtool.prom ]
	[ "$(stat -c %a "$T/d/cpgtool.prom")" = 644 ]
	valid "$T/d/cpgtool.prom"
	sample "$T/d/cpgtool.prom" "cpgtool_group_members{group=\"$G\"} 1"
	# a directory that is not there: one line, status 1
	run --separate-stderr -1 cpgt 2 metrics --textfile "$T/none"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "cpgtool: cannot create a file in '$T/none': "* ]]
}

# wait_sample FILE LINE: until FILE has that sample line
wait_sample() {
	local t
	for ((t = 0; t < 300; t++)); do
		grep -qxF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no line '$2' in $1 after 30 s:" >&2
	grep -v '^#' "$1" >&2
	return 1
}

@test "metrics --watch --textfile: rewritten as members come and go and as node 3 is cut off and back" {
	mkdir "$T/d"
	f=$T/d/cpgtool.prom
	spawn "$T/m" 1 metrics --watch --textfile "$T/d" --interval 0.1
	m=$!
	wait_sample "$f" 'cpgtool_quorate 1'
	run ! grep -F "group=\"$G\"" "$f"
	watcher 3 "$T/w3" "$G"
	w3=$!
	wait_sample "$f" "cpgtool_group_members{group=\"$G\"} 1"
	watcher 2 "$T/w2" "$G"
	wait_sample "$f" "cpgtool_group_members{group=\"$G\"} 2"
	valid "$f"
	touch "$T/restore"
	cluster_cut 3
	wait_sample "$f" 'cpgtool_node_up{node_id="3",node="node3"} 0'
	wait_sample "$f" "cpgtool_group_members{group=\"$G\"} 1"
	wait_sample "$f" "cpgtool_group_node_members{group=\"$G\",node_id=\"3\",node=\"node3\"} 0"
	wait_sample "$f" 'cpgtool_quorum_votes 2'
	sample "$f" 'cpgtool_quorate 1'
	valid "$f"
	cluster_uncut 3
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$T/restore"
	wait_sample "$f" 'cpgtool_node_up{node_id="3",node="node3"} 1'
	wait_sample "$f" "cpgtool_group_members{group=\"$G\"} 2"
	kill "$w3"
	wait_sample "$f" "cpgtool_group_members{group=\"$G\"} 1"
	# nothing but the file, and the watcher still there
	[ "$(ls -A "$T/d")" = cpgtool.prom ]
	[ ! -s "$T/m" ] && [ ! -s "$T/m.err" ]
	kill -0 "$m"
}

@test "metrics without corosync: cpgtool_corosync_up 0, one line, status 3; --watch writes it when corosync goes" {
	mkdir "$T/d"
	f=$T/d/cpgtool.prom
	spawn "$T/m" 3 metrics --watch --textfile "$T/d" --interval 0.1
	m=$!
	wait_sample "$f" 'cpgtool_corosync_up 1'
	touch "$T/restore"
	cluster_stop 3
	reap "$m"
	[ "$status" -eq 3 ]
	[ "$(grep -v '^#' "$f")" = 'cpgtool_corosync_up 0' ]
	valid "$f"
	[ "$(wc -l <"$T/m.err")" -eq 1 ]
	run --separate-stderr -3 cpgt 3 metrics
	[ "$output" = "$(cat "$f")" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == cpgtool:* ]]
	cluster_start 3 >/dev/null 2>&1
	for i in 1 2 3; do
		cluster_wait_members "$i" 3
	done
	rm "$T/restore"
	run -0 cpgt 3 metrics
	grep -qx 'cpgtool_corosync_up 1' <<<"$output"
}

@test "the example alerting rules: promtool check rules accepts them" {
	watcher 1 "$T/w" "$G"
	run -0 promtool check rules "$TOP/examples/cpgtool-alerts.yml"
	[[ $output == *"SUCCESS: 4 rules found"* ]]
	# they name metrics that cpgtool metrics writes
	cpgt 1 metrics >"$T/m"
	while read -r m; do
		grep -q "^# TYPE $m " "$T/m" || {
			echo "the rules name $m, which metrics does not write" >&2
			return 1
		}
	done < <(grep -oE 'cpgtool_[a-z_]+' \
	    "$TOP/examples/cpgtool-alerts.yml" | sort -u)
}
