#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# memcheck on the real cluster: no errors, nothing definitely, indirectly
# or possibly lost. (libcpg's own handle table stays "still reachable":
# the library never frees it.) Always the plain build: ASan and valgrind
# do not mix.

load ../lib/test_helper

vg() {
	local i=$1
	shift
	on "$i" valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible \
		"$TOP/cpgtool" "$@"
}

@test "valgrind: send, arguments and stdin" {
	run -0 vg 1 send -v "$G" one two
	run -0 vg 1 send --json -v "$G" < <(printf 'a\n\xff\n')
}

@test "valgrind: watch with every output option" {
	vg 2 watch --json --timestamps --count 3 "$G" >/dev/null &
	p1=$!
	vg 3 watch --format '%g %n %p %s %x %T\n' --count 3 "$G" >/dev/null &
	p2=$!
	wait_members 1 "$G" 2
	cpgt 1 send "$G" x 'y z' $'\x01'
	reap "$p1"
	[ "$status" -eq 0 ]
	reap "$p2"
	[ "$status" -eq 0 ]
}

@test "valgrind: join to the end of input, members in every form" {
	spawn "$BATS_TEST_TMPDIR/j" 2 join "$G" < <(sleep 10)
	wait_members 1 "$G" 1
	run -0 vg 1 join --events message "$G" <<<$'a\nb'
	run -0 vg 1 members --names --json
	run -0 vg 1 members --wait 1 "$G"
	run -124 vg 1 members --watch --timeout 0.5 "$G"
}

@test "valgrind: usage errors and a timeout" {
	run -2 vg 1 watch --format '%q' "$G"
	run -124 vg 1 watch --timeout 0.3 "$G"
}

@test "valgrind: lock around a COMMAND, waiting, --show, a COMMAND not found" {
	spawn "$BATS_TEST_TMPDIR/h" 2 lock "$G" < <(sleep 10)
	h=$!
	wait_for "$BATS_TEST_TMPDIR/h" "^acquired "
	# a waiter that learns the state from the holder, and a look
	vg 1 lock -v "$G" -- true 2>"$BATS_TEST_TMPDIR/w" &
	w=$!
	wait_members 1 "$G" 2
	run -0 vg 3 lock --show --json --names "$G"
	kill -TERM "$h"
	reap "$w"
	[ "$status" -eq 0 ]
	run -0 vg 1 lock --no-quorum "$G" -- true
	run -127 vg 3 lock "$G" -- "$BATS_TEST_TMPDIR/nonexistent"
	[[ $output == *"cannot run"* ]]
}

@test "valgrind: quorum in every form; --exec handlers, queued, failing, stopped" {
	run -0 vg 1 quorum
	run -0 vg 1 quorum --json -N
	run -124 vg 2 quorum --watch -T --timeout 0.5
	# handlers that fail, events queued behind them, -c's end
	vg 2 watch -E message -c 3 --names --quorum \
		--exec 'cat >/dev/null; sleep 0.1; exit 1' "$G" \
		2>"$BATS_TEST_TMPDIR/e" &
	p=$!
	wait_members 1 "$G" 1
	cpgt 1 send "$G" a b c
	reap "$p"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'failed: status 1' "$BATS_TEST_TMPDIR/e")" -ge 3 ]
	# a handler running at the deadline, and one at a signal
	run -124 vg 3 members --watch --timeout 0.5 --exec 'sleep 10' "$G"
	# not vg: $! must be valgrind's pid, not a subshell's; a handler
	# running when the signal comes
	export T=$BATS_TEST_TMPDIR
	# shellcheck disable=SC2016
	on 3 valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible \
		"$TOP/cpgtool" quorum --watch --exec 'touch "$T/started"
		sleep 10' >/dev/null 2>&1 3>&- &
	p=$!
	echo "$p" >>"$BG"
	for ((t = 0; t < 600; t++)); do
		[ -e "$T/started" ] && break
		sleep 0.1
	done
	[ -e "$T/started" ]
	kill -TERM "$p"
	reap "$p"
	[ "$status" -eq 143 ]
}

@test "valgrind: serve and ask; a reply cut short, a timeout, a cancel" {
	# on execs valgrind, which runs serve: $! is valgrind itself (a
	# backgrounded vg would be a subshell, and killing it would leave
	# serve running until the cluster goes)
	# shellcheck disable=SC2016
	on 2 valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible \
		"$TOP/cpgtool" serve -v -j 1 --max-reply 4 --exec-timeout 2 \
		"$G" -- sh -c 'cat; [ -n "$CPGTOOL_ASK_ID" ] && exec sleep 60' \
		2>"$BATS_TEST_TMPDIR/s" 3>&- &
	s=$!
	echo "$s" >>"$BG"
	wait_members 1 "$G" 1
	printf 'hello\n' >"$BATS_TEST_TMPDIR/in"
	# stopped by --exec-timeout: status 124, its output cut at 4 bytes
	run -8 vg 1 ask --json --names -f "$BATS_TEST_TMPDIR/in" "$G"
	[[ $output == *'"status":124,"size":4,"truncated":true,"payload":"hell"'* ]]
	# the asker gives up; its request is cancelled
	run -124 vg 1 ask --timeout 1 "$G" x
	wait_for "$BATS_TEST_TMPDIR/s" '^cancel '
	kill -TERM "$s"
	reap "$s"
	[ "$status" -eq 143 ]
}
