#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# The command line: help, version, and the table of bad inputs, each with
# its one-line "cpgtool: ..." error and documented status.

load ../lib/test_helper

# every command, stated here: one dropped from the table fails
commands="join send watch members top lock ask serve quorum metrics check"

@test "--help lists every command, exit 0" {
	run -0 "$CPGTOOL" --help
	[ "$(sed -nE 's/^  cpgtool ([a-z]+) .*/\1/p' <<<"$output" | xargs)" = \
	    "$commands" ]
}

@test "COMMAND --help shows its options on stdout, exit 0" {
	for c in $commands; do
		run -0 --separate-stderr "$CPGTOOL" "$c" --help
		[[ ${lines[0]} == "usage: cpgtool $c "* ]]
		[[ $output == *--timeout* ]]
		[ -z "$stderr" ]
	done
}

@test "--version" {
	run -0 "$CPGTOOL" --version
	[[ $output =~ ^cpgtool\ [0-9] ]]
}

# bad PATTERN ARGS...: status 2 and exactly one line on stderr, that line
# "cpgtool: MESSAGE (see 'cpgtool [CMD ]--help')" with MESSAGE matching
# the glob PATTERN: which error was said, not only that one was
bad() {
	local pat=$1
	shift
	run -2 --separate-stderr cpgt 1 "$@"
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	local want="cpgtool: $pat (see 'cpgtool *--help')"
	# shellcheck disable=SC2053
	[[ ${stderr_lines[0]} == $want ]] || {
		echo "args: $*; said: ${stderr_lines[0]}; wanted: $pat" >&2
		return 1
	}
}

@test "usage errors: status 2, one line on stderr saying which" {
	long=$(printf 'x%.0s' {1..129})
	bad 'no command given'
	bad "unknown command 'frobnicate'" frobnicate
	bad "unknown option '--frobnicate'" --frobnicate
	bad "unknown option '--frobnicate'" watch --frobnicate g
	bad "unknown option '-Q'" watch -Q g
	bad 'watch needs at least one group' watch
	bad 'empty group name' watch ''
	bad "group name 'xxx*' is longer than 128 bytes" watch "$long"
	# a glob: ? stands for the backslash
	bad "invalid escape in group name 'bad?xZZ' (use ?xNN or ??)" \
		watch 'bad\xZZ'
	bad "invalid escape in group name 'trailing?'*" watch "trailing\\"
	bad "group 'g' named twice" watch g g
	bad "option '--count' needs a value" watch --count
	bad "--count needs a whole number, not 'abc'" watch --count abc g
	bad "--count needs a whole number, not '-1'" watch --count -1 g
	bad "--timeout needs a number of seconds, not '-1'" watch --timeout -1 g
	bad '--timeout must be more than 0' watch --timeout 0 g
	bad "--timeout needs a number of seconds, not 'nan'" watch --timeout nan g
	bad "invalid --format token '%q'" watch --format '%q' g
	bad "invalid --format token '%'" watch --format 'x%' g
	bad '--format has more than 64 fields' \
		watch --format "$(printf '%%n-%.0s' {1..33})" g
	bad "unknown encoding 'rot13'*" watch --encoding rot13 g
	bad "unknown event 'bogus' in --events*" watch --events message,bogus g
	bad "--max-backlog needs a size in bytes*'12Q'" watch --max-backlog 12Q g
	bad 'join needs exactly one group' join
	bad 'join needs exactly one group' join a b
	bad 'send needs a group' send
	bad "--wait-members needs a whole number, not 'x'" send --wait-members x g
	bad 'messages as arguments exclude -0, -f and --whole' \
		send -f /etc/hostname g extra
	bad '--wait and --watch need a group' members --wait 2
	bad '--wait and --watch need a group' members --watch
	bad '--wait and --watch exclude each other' members --wait 2 --watch g
	bad '--timestamps goes with --watch' members --timestamps g
	bad '--interval must be at least 0.001' members --interval 0 --watch g
	# -n is lock's --nonblock; --names is -N wherever it is taken
	bad "unknown option '-n'" members -n g
	bad 'lock needs a name' lock
	bad 'lock needs a name' lock --show
	bad 'empty group name' lock ''
	bad "unknown option '--frobnicate'" lock --frobnicate x
	bad "unknown option '-Q'" lock -Q x
	bad "option '--limit' needs a value" lock --limit
	bad '--limit must be 1 to 128' lock -l 0 x
	bad '--limit must be 1 to 128' lock -l 129 x
	bad "--limit needs a whole number, not '-1'" lock -l -1 x
	bad "--timeout needs a number of seconds, not '-1'" lock -t -1 x
	bad "--kill-after needs a number of seconds, not 'x'" lock --kill-after x x
	bad "--wait-for-corosync needs a number of seconds, not '-1'" \
		lock --wait-for-corosync -1 x
	bad '--show takes no COMMAND' lock --show x true
	bad '--show takes no COMMAND' lock --show x -- true
	bad '--show goes with only *' lock --show -n x
	bad '--show goes with only *' lock --show --no-quorum x
	bad '--names goes with --show' lock --names x
	bad '--names goes with --show' lock -N x
	bad '--verbose goes with a COMMAND*' lock -v x
	bad "group name 'xxx*' is longer than 128 bytes" lock "$long"
	bad "'crmd?x00' belongs to Pacemaker's controller and cannot name a lock" \
		lock 'crmd\x00' true
}

@test "a 128-byte name is fine, 129 is not" {
	name=$(printf 'y%.0s' {1..128})
	run -0 cpgt 1 members "$name"
	run -2 cpgt 1 members "${name}y"
	[[ $output == *"longer than 128 bytes"* ]]
}

@test "unreadable file: status 1, the file named" {
	run -1 --separate-stderr cpgt 1 send -f /nonexistent/file "$G"
	[[ $stderr == "cpgtool: cannot open '/nonexistent/file': "* ]]
}

@test "a message over corosync's 4 GiB limit: status 1, said at once" {
	# sparse: nothing of it is written, read or buffered
	truncate -s 4294967296 "$BATS_TEST_TMPDIR/huge"
	run -1 --separate-stderr cpgt 1 send --whole \
		-f "$BATS_TEST_TMPDIR/huge" "$G"
	[ "$stderr" = "cpgtool: message 1 of $BATS_TEST_TMPDIR/huge is over corosync's limit of 4294967295 bytes" ]
}

@test "stdin closed: send says so, status 1" {
	# closed in an inner shell: bats' own pipes would take fd 0 here
	run -1 --separate-stderr bash -c \
		"ip netns exec ${CPGT_ID}n1 $CPGTOOL send $G <&-"
	[ "$stderr" = "cpgtool: standard input is closed" ]
}

@test "stdout closed: watch says so, status 1; send does not need it" {
	run -1 --separate-stderr bash -c \
		"ip netns exec ${CPGT_ID}n1 $CPGTOOL watch $G >&-"
	[ "$stderr" = "cpgtool: standard output is closed" ]
	run -0 bash -c "ip netns exec ${CPGT_ID}n1 $CPGTOOL send $G quiet >&-"
}

@test "write error on stdout: status 1" {
	spawn "$BATS_TEST_TMPDIR/m" 2 join "$G" < <(sleep 5)
	wait_members 1 "$G" 1
	# the redirection in an inner shell: run captures stdout itself
	run -1 --separate-stderr bash -c \
		"ip netns exec ${CPGT_ID}n1 $CPGTOOL members $G >/dev/full"
	[[ $stderr == "cpgtool: write: "* ]]
}

@test "corosync not running: status 3 with a hint" {
	ns=cpgtnone$$
	ip netns add "$ns"
	run -3 --separate-stderr ip netns exec "$ns" "$CPGTOOL" members
	[ "$stderr" = "cpgtool: cannot connect to corosync: CS_ERR_LIBRARY (is corosync running?)" ]
	run -3 ip netns exec "$ns" "$CPGTOOL" watch --wait-for-corosync 0.3 g
	ip netns del "$ns"
}

@test "a user corosync does not allow: status 4, says how to allow it" {
	tmp=$(mktemp -d /tmp/cpgt-user.XXXXXX)
	cp "$CPGTOOL" "$tmp/cpgtool"
	chmod 755 "$tmp" "$tmp/cpgtool"
	run -4 --separate-stderr on 1 setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$tmp/cpgtool" members
	rm -rf "$tmp"
	[[ $stderr == *CS_ERR_ACCESS*uidgid* ]]
}

@test "--exec and quorum: usage errors" {
	bad '--exec needs a command' watch --exec '' g
	bad '--exec needs a command' members --watch --exec '' g
	bad "option '--exec' needs a value" watch g --exec
	bad '--count must be at least 1' watch -c 0 --exec true g
	bad '--count must be at least 1' watch -c 0 g
	bad '--exec-timeout goes with --exec' watch --exec-timeout 1 g
	bad '--exec-timeout must be more than 0' \
		watch --exec true --exec-timeout 0 g
	bad "--exec-timeout needs a number of seconds, not 'x'" \
		watch --exec true --exec-timeout x g
	bad '--format does not go with --exec*' watch --exec true -F '%s' g
	bad '--names goes with --quorum or --exec' watch -N g
	bad '--exec goes with --watch' members --exec true g
	bad '--exec goes with --watch' quorum --exec true
	bad 'quorum takes no operands' quorum g
	bad '--timestamps goes with --watch' quorum -T
}

@test "numbers: decimal only, the units listed, nothing clamped" {
	bad "--timeout needs a number of seconds, not '0x10'" watch -t 0x10 g
	bad "--timeout needs a number of seconds, not '0x1p4'" watch -t 0x1p4 g
	bad "--timeout needs a number of seconds, not '1e3'" watch -t 1e3 g
	bad "--timeout needs a number of seconds, not '1s'" watch -t 1s g
	bad "--count needs a whole number, not '0x10'" watch -c 0x10 g
	bad "--count needs a whole number, not '99999999999999999999'" \
		watch -c 99999999999999999999 g
	bad "--max-backlog needs a size in bytes*'0x10'" watch --max-backlog 0x10 g
	bad "--max-backlog needs a size in bytes*'1.5M'" watch --max-backlog 1.5M g
	bad "--max-backlog needs a size in bytes*'99999999999999999999K'" \
		watch --max-backlog 99999999999999999999K g
	bad "--interval needs a number of seconds, not '0x1'" \
		members --watch --interval 0x1 g
	bad "--kill-after needs a number of seconds, not '0x1'" \
		lock --kill-after 0x1 g true
	bad "--limit needs a whole number, not '1.0'" lock -l 1.0 g true
	bad "--jobs needs a whole number, not '0x2'" serve --jobs 0x2 g true
	bad "--max-queue needs a whole number, not '1e3'" \
		serve --max-queue 1e3 g true
	bad "--ack-timeout needs a number of seconds, not 'inf'" \
		ask --ack-timeout inf g x
	bad "--wait-members needs a whole number, not '+1'" \
		send --wait-members +1 g x
	bad "--max-reply is at most 1G" serve --max-reply 1025M g true
	bad "--max-reply is at most 1G" ask --max-reply 2G g x
	bad "--max-reply needs a size in bytes*'0'" ask --max-reply 0 g x
	bad "--max-reply needs a size in bytes*'100G0'" \
		serve --max-reply 100G0 g true
}

@test "top: usage errors" {
	bad 'top takes no operands' top g
	bad '--interval must be at least 0.01' top -i 0
	bad "--interval needs a number of seconds, not 'x'" top -i x
	bad "unknown option '-w'" top -w 2
	bad 'top shows no JSON; see members and quorum' -j top
}
