#!/usr/bin/env bats
# The command line: help, version, and the table of bad inputs, each with
# its one-line "cpgtool: ..." error and documented status.

load test_helper

@test "--help lists every command, exit 0" {
	run -0 "$CPGTOOL" --help
	for c in join send watch members; do
		[[ $output == *"cpgtool $c "* ]]
	done
}

@test "COMMAND --help shows its options on stdout, exit 0" {
	for c in join send watch members; do
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

# bad ARGS...: status 2 and exactly one line on stderr, "cpgtool: ..."
bad() {
	run -2 --separate-stderr cpgt 1 "$@"
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == "cpgtool: "* ]]
}

@test "usage errors: status 2, one line on stderr" {
	long=$(printf 'x%.0s' {1..129})
	bad
	bad frobnicate
	bad --frobnicate
	bad watch --frobnicate g
	bad watch -Q g
	bad watch
	bad watch ''
	bad watch "$long"
	bad watch 'bad\xZZ'
	bad watch "trailing\\"
	bad watch g g
	bad watch --count
	bad watch --count abc g
	bad watch --count -1 g
	bad watch --timeout -1 g
	bad watch --timeout 0 g
	bad watch --timeout nan g
	bad watch --format '%q' g
	bad watch --format 'x%' g
	bad watch --format "$(printf '%%n-%.0s' {1..33})" g
	bad watch --encoding rot13 g
	bad watch --events message,bogus g
	bad watch --max-backlog 12Q g
	bad join
	bad join a b
	bad send
	bad send --wait-members x g
	bad send -f /etc/hostname g extra
	bad members --wait 2
	bad members --watch
	bad members --wait 2 --watch g
	bad members --timestamps g
	bad members --interval 0 --watch g
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
