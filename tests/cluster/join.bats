#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# join: stdin lines go out, everything delivered comes in; at the end of
# input it waits for its own messages, leaves and exits 0.

load ../lib/test_helper

@test "stdin lines are sent and printed as delivered, then it leaves" {
	watcher 2 "$BATS_TEST_TMPDIR/w" "$G"
	run -0 --separate-stderr cpgt 1 join --events message "$G" <<<$'one\ntwo'
	[[ ${lines[0]} =~ ^message\ $G\ 1\ [0-9]+\ 3\ one$ ]]
	[[ ${lines[1]} =~ ^message\ $G\ 1\ [0-9]+\ 3\ two$ ]]
	[ "${#lines[@]}" -eq 2 ]
	wait_for "$BATS_TEST_TMPDIR/w" "left=1:[0-9]+:leave$"
	grep -qE "^message $G 1 [0-9]+ 3 two$" "$BATS_TEST_TMPDIR/w"
}

@test "it prints the others' messages and membership" {
	spawn "$BATS_TEST_TMPDIR/j" 1 join "$G" < <(sleep 30)
	wait_for "$BATS_TEST_TMPDIR/j" "^confchg $G members=1:"
	wait_for "$BATS_TEST_TMPDIR/j" '^totem '
	cpgt 3 send "$G" 'from three'
	wait_for "$BATS_TEST_TMPDIR/j" "joined=3:[0-9]+:join left=-$"
	wait_for "$BATS_TEST_TMPDIR/j" "^message $G 3 [0-9]+ 10 from three$"
	wait_for "$BATS_TEST_TMPDIR/j" "left=3:[0-9]+:leave$"
}

@test "--count ends it with stdin still open" {
	spawn "$BATS_TEST_TMPDIR/j" 1 join --count 1 --events message "$G" \
		< <(sleep 30)
	pid=$!
	wait_members 2 "$G" 1
	cpgt 2 send "$G" only
	reap "$pid"
	[ "$status" -eq 0 ]
	[[ $(cat "$BATS_TEST_TMPDIR/j") =~ ^message\ $G\ 2\ [0-9]+\ 4\ only$ ]]
}

@test "-0 and --whole framing" {
	run -0 cpgt 1 join -0 --format '<%s>' "$G" < <(printf 'a\nb\0c\0')
	[ "$output" = $'<a\nb><c>' ]
	run -0 cpgt 1 join --whole --format '%x' "$G" < <(printf 'x\0y\n')
	[ "$output" = 7800790a ]
	run -0 cpgt 1 join --whole --format '%l' "$G" < <(printf 'x\0y\n')
	[ "$output" = 4 ]
}

@test "SIGTERM with stdin open: peers see a leave, status 143" {
	watcher 2 "$BATS_TEST_TMPDIR/w" "$G"
	spawn "$BATS_TEST_TMPDIR/j" 1 join "$G" < <(sleep 30)
	pid=$!
	wait_for "$BATS_TEST_TMPDIR/w" "joined=1:"
	kill -TERM "$pid"
	reap "$pid"
	[ "$status" -eq 143 ]
	wait_for "$BATS_TEST_TMPDIR/w" "left=1:[0-9]+:leave$"
}

@test "a burst of 32 KiB lines through flow control: each once, in order" {
	# faster than corosync takes them: held back (CS_ERR_TRY_AGAIN),
	# queued by the session and sent again, while input waits
	awk 'BEGIN { s = sprintf("%32000s", ""); gsub(/ /, "x", s)
		for (i = 1; i <= 2000; i++) print i "-" s }' \
		>"$BATS_TEST_TMPDIR/in"
	watcher 2 "$BATS_TEST_TMPDIR/w" --format '%s\n' "$G"
	cpgt 1 join --events message --format '%s\n' "$G" \
		<"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/j"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/j"
	wait_for "$BATS_TEST_TMPDIR/w" '^2000-' 30
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/w"
}
