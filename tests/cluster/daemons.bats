#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# The cluster daemons' groups, which join, send and watch refuse without
# --intrusive, and the hint for a group whose NUL twin is the busy one.
# Pacemaker itself is in pacemaker.bats; here the names are only names.

load ../lib/test_helper

# What each daemon passes to cpg_join, NUL and all (see daemons.c).
daemon_groups=(
	'attrd\x00' 'cib\x00' 'crmd\x00' 'stonith-ng\x00' 'pacemakerd\x00'
	'sbd:cluster\x00' 'dlm:controld\x00' 'dlm:ls:lvm_global\x00'
	'gfs:controld\x00' 'gfs:mount:fs1\x00' 'ocfs2:controld'
	'ocfs2:0123456789ABCDEF' 'LVM-abcdef\x00' 'clvmd'
)

# refused CMD GROUP: exit 2, one line that says why and what to use
refused() {
	local cmd=$1 g=$2
	run -2 --separate-stderr "$CPGTOOL" "$cmd" "$g" </dev/null
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "cpgtool: '$g' belongs to "* ]]
	[[ $stderr == *"cpgtool members --watch '$g' (never joins)"* ]]
	[[ $stderr == *--intrusive ]]
}

@test "join, send and watch refuse every daemon's group, before connecting" {
	for g in "${daemon_groups[@]}"; do
		refused join "$g"
		refused send "$g"
		refused watch "$g"
	done
	# one refused group refuses the whole watch
	run -2 --separate-stderr "$CPGTOOL" watch "$G" 'cib\x00'
	[[ $stderr == "cpgtool: 'cib\x00' belongs to Pacemaker's CIB manager"* ]]
}

@test "the same names without their NUL, or with other bytes, are allowed" {
	for g in crmd cib 'crmd\x00\x00' 'crmdx\x00' 'dlm:controld' \
	    'dlm:ls:\x00' 'dlm:ls:a\x00b\x00' 'ocfs2:x\x00' 'clvmd\x00' \
	    "$G"; do
		run -0 --separate-stderr cpgt 1 send --timeout 10 "$g" hello
	done
}

# what --intrusive says, once, of Pacemaker's controller's group
crmd_effect="cpgtool: joining 'crmd\x00', a group of Pacemaker's controller: Pacemaker will count this process as the node's controller for as long as it stays, and not see the real one fail"

@test "--intrusive joins a daemon-named group all the same, and says so" {
	watcher 2 "$BATS_TEST_TMPDIR/w" --intrusive 'crmd\x00'
	run -0 --separate-stderr cpgt 1 send --intrusive 'crmd\x00' hello
	[ "$stderr" = "$crmd_effect" ]
	wait_for "$BATS_TEST_TMPDIR/w" '^message crmd\\x00 1 [0-9]+ 5 hello$'
	[ "$(cat "$BATS_TEST_TMPDIR/w.err")" = "$crmd_effect" ]
	run -0 --separate-stderr cpgt 1 join --intrusive --count 1 \
		'dlm:ls:x\x00' <<<"own"
	[ "${lines[-1]#* * * * }" = "3 own" ]
	[ "$stderr" = "cpgtool: joining 'dlm:ls:x\x00', a group of dlm_controld (a lockspace): dlm_controld will wait for this process to answer before it recovers, which it never will, for as long as it stays" ]
	# a line for each daemon's group watched, none for the others
	run -124 --separate-stderr cpgt 1 watch --intrusive --timeout 0.5 \
		"$G" 'cib\x00' 'sbd:cluster\x00'
	[ "${#stderr_lines[@]}" -eq 3 ]
	[[ ${stderr_lines[0]} == "cpgtool: joining 'cib\x00', a group of Pacemaker's CIB manager: Pacemaker will count this process as the node's CIB manager "* ]]
	[[ ${stderr_lines[1]} == "cpgtool: joining 'sbd:cluster\x00', a group of sbd's cluster watcher: sbd will count "* ]]
	[ "${stderr_lines[2]}" = "cpgtool: timed out after 0.5 seconds" ]
	# and on an ordinary group it changes nothing
	run -0 --separate-stderr cpgt 1 send --intrusive "$G" hello
	[ -z "$stderr" ]
}

@test "a joined group that is empty while its NUL twin is not: one hint" {
	spawn "$BATS_TEST_TMPDIR/j" 2 join "$G\\x00" < <(sleep 60)
	wait_members 1 "$G\\x00" 1
	run -0 --separate-stderr cpgt 3 send "$G" x
	[ "$stderr" = "cpgtool: '$G' has no other members but '$G\\x00' has 1: did you mean '$G\\x00'?" ]
	watcher 1 "$BATS_TEST_TMPDIR/w" "$G"
	wait_for "$BATS_TEST_TMPDIR/w.err" "did you mean"
	run cat "$BATS_TEST_TMPDIR/w.err"
	[ "$output" = "cpgtool: '$G' has no other members but '$G\\x00' has 1: did you mean '$G\\x00'?" ]
	# the reverse: the name with the NUL is the empty one
	spawn "$BATS_TEST_TMPDIR/k" 2 join "${G}y" < <(sleep 60)
	wait_members 1 "${G}y" 1
	run -0 --separate-stderr cpgt 3 join "${G}y\\x00" <<<x
	[ "${stderr_lines[*]}" = "cpgtool: '${G}y\\x00' has no other members but '${G}y' has 1: did you mean '${G}y'?" ]
}

@test "join GROUP </dev/null: its own join comes back, and the hint" {
	spawn "$BATS_TEST_TMPDIR/j" 2 join "$G\\x00" < <(sleep 60)
	wait_members 1 "$G\\x00" 1
	run -0 --separate-stderr cpgt 3 join "$G" </dev/null
	[ "$stderr" = "cpgtool: '$G' has no other members but '$G\\x00' has 1: did you mean '$G\\x00'?" ]
	# it left only after its join had come back: a join peers saw
	grep -qE "^confchg $G members=3:[0-9]+ joined=3:[0-9]+:join left=-$" \
		<<<"$output"
}

@test "a daemon's group as the twin: the hint names members --watch" {
	# a lockspace's name is any name: this test's own
	spawn "$BATS_TEST_TMPDIR/j" 2 join --intrusive "dlm:ls:$G\\x00" \
		< <(sleep 60)
	wait_members 1 "dlm:ls:$G\\x00" 1
	hint="cpgtool: 'dlm:ls:$G' has no other members but 'dlm:ls:$G\\x00' has 1, a group of dlm_controld (a lockspace): did you mean cpgtool members --watch 'dlm:ls:$G\\x00' (never joins)?"
	run -0 --separate-stderr cpgt 3 send "dlm:ls:$G" x
	[ "$stderr" = "$hint" ]
	run -0 --separate-stderr cpgt 3 join "dlm:ls:$G" </dev/null
	[ "$stderr" = "$hint" ]
	# members may look at it: there the name itself is the answer
	run -0 --separate-stderr cpgt 1 members "dlm:ls:$G"
	[ "$stderr" = "cpgtool: 'dlm:ls:$G' has no members but 'dlm:ls:$G\\x00' has 1: did you mean 'dlm:ls:$G\\x00'?" ]
}

@test "members: an empty group whose twin has members gets the hint" {
	spawn "$BATS_TEST_TMPDIR/j" 2 join "$G\\x00" < <(sleep 60)
	wait_members 1 "$G\\x00" 1
	run -0 --separate-stderr cpgt 1 members "$G"
	[ -z "$output" ]
	[ "$stderr" = "cpgtool: '$G' has no members but '$G\\x00' has 1: did you mean '$G\\x00'?" ]
	run -124 --separate-stderr cpgt 1 members --watch --timeout 1 "$G"
	[ "${#stderr_lines[@]}" -eq 2 ]
	[[ ${stderr_lines[0]} == *"did you mean '$G\\x00'?" ]]
	[ "${stderr_lines[1]}" = "cpgtool: timed out after 1 seconds" ]
}

@test "silence when the group has members, or the twin has none" {
	run -0 --separate-stderr cpgt 1 members "$G"
	[ -z "$stderr" ]
	run -0 --separate-stderr cpgt 1 send "$G" x
	[ -z "$stderr" ]
	spawn "$BATS_TEST_TMPDIR/j" 2 join "$G\\x00" < <(sleep 60)
	spawn "$BATS_TEST_TMPDIR/k" 2 join "$G" < <(sleep 60)
	wait_members 1 "$G\\x00" 1
	wait_members 1 "$G" 1
	run -0 --separate-stderr cpgt 1 members "$G"
	[ -z "$stderr" ]
	run -0 --separate-stderr cpgt 3 send "$G" x
	[ -z "$stderr" ]
}
