#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# watch: messages and membership from several groups at once, text and
# JSON, ending on --count, --timeout, a signal or a closed pipe.

load ../lib/test_helper

@test "joins, leaves and process deaths show with their reasons" {
	watcher 1 "$BATS_TEST_TMPDIR/w" "$G"
	cpgt 2 send "$G" x
	wait_for "$BATS_TEST_TMPDIR/w" "^confchg $G .* left=2:[0-9]+:leave$"
	spawn "$BATS_TEST_TMPDIR/j" 3 join "$G" < <(sleep 30)
	jpid=$!
	wait_for "$BATS_TEST_TMPDIR/w" "joined=3:[0-9]+:join left=-$"
	kill -KILL "$jpid"
	wait_for "$BATS_TEST_TMPDIR/w" "left=3:[0-9]+:procdown$"
}

@test "several groups on one watch, one totem line per ring change" {
	watcher 1 "$BATS_TEST_TMPDIR/w" "${G}a" "${G}b"
	wait_for "$BATS_TEST_TMPDIR/w" "^confchg ${G}b "
	cpgt 2 send "${G}a" to-a
	cpgt 2 send "${G}b" to-b
	wait_for "$BATS_TEST_TMPDIR/w" "^message ${G}b 2 [0-9]+ 4 to-b$"
	grep -qE "^message ${G}a 2 [0-9]+ 4 to-a$" "$BATS_TEST_TMPDIR/w"
	[ "$(grep -c '^totem ' "$BATS_TEST_TMPDIR/w")" -eq 1 ]
	grep -qE '^totem ring=[0-9a-f]+\.[0-9a-f]+ members=1,2,3$' "$BATS_TEST_TMPDIR/w"
	# the ring id as corosync's own tools print it
	ring=$(on 1 corosync-quorumtool -s | awk '/^Ring ID:/ { print $3 }')
	grep -qF "totem ring=$ring members=" "$BATS_TEST_TMPDIR/w"
}

@test "JSON for every event, valid for any bytes" {
	watcher 2 "$BATS_TEST_TMPDIR/w" --json --timestamps "$G"
	{
		printf 'plain\n\xff\xfe\x00bin\n\x1b[2Jesc"q\\\n\xc3\xa9t\xc3\xa9\n'
		printf 'nul\x00\xc3\xa9\n\xc2\x85\xe2\x80\xa8\xe2\x80\xa9\x7f\n'
	} | cpgt 1 send "$G"
	wait_for "$BATS_TEST_TMPDIR/w" 'leave'
	jq -c . "$BATS_TEST_TMPDIR/w" >/dev/null
	run -0 jq -c 'select(.type=="message") | [.payload, .payload_base64]' \
		"$BATS_TEST_TMPDIR/w"
	[ "${lines[0]}" = '["plain",null]' ]
	[ "${lines[1]}" = '[null,"//4AYmlu"]' ]
	[ "${lines[2]}" = '["\u001b[2Jesc\"q\\",null]' ]
	[ "${lines[3]}" = '["été",null]' ]
	# a NUL in valid UTF-8 is still text: \u0000, not base64
	[ "${lines[4]}" = '["nul\u0000é",null]' ]
	# C1, U+2028, U+2029 and DEL never raw: a line is a line to any reader
	grep -qF '"payload":"\u0085\u2028\u2029\u007f"' "$BATS_TEST_TMPDIR/w"
	LC_ALL=C run ! grep -qE $'\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]' \
		"$BATS_TEST_TMPDIR/w"
	run -0 jq -r 'select(.type=="totem") | "\(.ring_id.seq|type) \(.members)"' \
		"$BATS_TEST_TMPDIR/w"
	[ "$output" = 'number [1,2,3]' ]
	run -0 jq -r 'select(.type=="confchg") | .joined[0].reason // .left[0].reason' \
		"$BATS_TEST_TMPDIR/w"
	[ "${lines[*]}" = "join join leave" ]
	# jq 1.6's -e looks at the last input only: slurp, then all()
	jq -s -e 'map(select(.type=="message") | .time |
	    test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}[+-][0-9]{2}:[0-9]{2}$"))
	    | all' "$BATS_TEST_TMPDIR/w" >/dev/null
}

@test "JSON names with a NUL are text, as Pacemaker's are" {
	watcher 2 "$BATS_TEST_TMPDIR/w" --json "${G}\\x00"
	printf 'a\0b\n' | cpgt 1 send "${G}\\x00"
	wait_for "$BATS_TEST_TMPDIR/w" '"type":"message"'
	run -0 jq -c 'select(.type=="message") | [.group, .payload]' \
		"$BATS_TEST_TMPDIR/w"
	[ "$output" = "[\"${G}\\u0000\",\"a\\u0000b\"]" ]
}

@test "text escapes control bytes, so no payload reaches the terminal" {
	watcher 2 "$BATS_TEST_TMPDIR/w" "$G"
	printf '\x1b[2J\\ \xff\x7f\xc2\x9b \xc3\xa9\xe2\x80\xa8\n' | cpgt 1 send "$G"
	wait_for "$BATS_TEST_TMPDIR/w" '^message'
	run grep '^message' "$BATS_TEST_TMPDIR/w"
	[ "${output#* * * * * }" = '\x1b[2J\\ \xff\x7f\xc2\x9b é\xe2\x80\xa8' ]
}

@test "--encoding hex and base64, --format tokens" {
	watcher 2 "$BATS_TEST_TMPDIR/h" --encoding hex "$G"
	watcher 2 "$BATS_TEST_TMPDIR/b" --json --encoding base64 "$G"
	watcher 2 "$BATS_TEST_TMPDIR/f" \
		--format '%t|%g|%n|%l|%x|%s|%%\t.\n' "$G"
	cpgt 1 send "$G" 'hi!'
	wait_for "$BATS_TEST_TMPDIR/h" '^message .* 686921$'
	wait_for "$BATS_TEST_TMPDIR/b" '"payload_base64":"aGkh"'
	wait_for "$BATS_TEST_TMPDIR/f" .
	[ "$(cat "$BATS_TEST_TMPDIR/f")" = "message|$G|1|3|686921|hi!|%	." ]
}

@test "--events and --exclude-self filter" {
	# the control: a watch that sees every message, the join's own too
	watcher 3 "$BATS_TEST_TMPDIR/w" --events message --format '%s\n' "$G"
	spawn "$BATS_TEST_TMPDIR/j" 1 join --exclude-self --events message,confchg \
		"$G" < <(echo mine; sleep 30)
	# 'mine' was sent; 'theirs', sent after, comes after it everywhere
	# (one total order): the join, once it has 'theirs', was handed
	# 'mine' and held it back
	wait_for "$BATS_TEST_TMPDIR/w" '^mine$'
	cpgt 2 send "$G" theirs
	wait_for "$BATS_TEST_TMPDIR/j" theirs
	wait_for "$BATS_TEST_TMPDIR/w" '^theirs$'
	[ "$(cat "$BATS_TEST_TMPDIR/w")" = $'mine\ntheirs' ]
	run ! grep -q mine "$BATS_TEST_TMPDIR/j"
	run ! grep -q "^totem" "$BATS_TEST_TMPDIR/j"
	grep -qE "joined=2:[0-9]+:join" "$BATS_TEST_TMPDIR/j"
}

@test "--count exits 0 after N messages and leaves" {
	watcher 3 "$BATS_TEST_TMPDIR/o" "$G"
	cpgt 2 watch --count 2 --events message "$G" >"$BATS_TEST_TMPDIR/w" &
	pid=$!
	wait_members 1 "$G" 2
	cpgt 1 send "$G" a b c
	wait "$pid"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/w")" -eq 2 ]
	wait_for "$BATS_TEST_TMPDIR/o" "left=2:[0-9]+:leave$"
}

@test "--timeout: 124 and a message" {
	run -124 --separate-stderr cpgt 1 watch --timeout 0.3 "$G"
	[ "$stderr" = "cpgtool: timed out after 0.3 seconds" ]
}

@test "SIGINT, SIGTERM, SIGHUP: peers see a leave; status 128+N" {
	watcher 1 "$BATS_TEST_TMPDIR/o" "$G"
	for sig in INT TERM HUP; do
		cpgt 2 watch "$G" >/dev/null &
		pid=$!
		wait_members 1 "$G" 2
		kill "-$sig" "$pid"
		reap "$pid"
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ]
	done
	[ "$(grep -cE 'left=2:[0-9]+:leave$' "$BATS_TEST_TMPDIR/o")" -eq 3 ]
}

@test "a closed pipe ends it at once and quietly, status 0" {
	run -0 --separate-stderr bash -c \
		"ip netns exec ${CPGT_ID}n1 $CPGTOOL watch $G | head -1;
		 exit \${PIPESTATUS[0]}"
	[[ $output == "confchg $G "* ]]
	[ -z "$stderr" ]
}

@test "a reader that sleeps: past --max-backlog it says so and leaves" {
	watcher 3 "$BATS_TEST_TMPDIR/o" "$G"
	bash -c "ip netns exec ${CPGT_ID}n2 $CPGTOOL watch --max-backlog 200K \
		$G 2>$BATS_TEST_TMPDIR/err | { sleep 20; cat >/dev/null; }" 3>&- &
	echo $! >>"$BG"
	wait_members 1 "$G" 2
	head -c 2000000 /dev/zero | tr '\0' x | fold -w 500 | cpgt 1 send "$G"
	wait_for "$BATS_TEST_TMPDIR/err" 'backlog over 204800 bytes' 10
	wait_for "$BATS_TEST_TMPDIR/o" "left=2:[0-9]+:leave$"
}

@test "stdout shared with another writer keeps its flags, even after SIGKILL" {
	# a pipe that this shell writes to as well: the watch's stdout is the
	# same open file description, and an O_NONBLOCK set there would make
	# every other writer of it (a pipeline, journald's socket) get EAGAIN
	# once a SIGKILL left it set
	mkfifo "$BATS_TEST_TMPDIR/f"
	cat "$BATS_TEST_TMPDIR/f" >/dev/null 3>&- &
	echo $! >>"$BG"
	exec {w}>"$BATS_TEST_TMPDIR/f"
	before=$(awk '/^flags:/ { print $2 }' "/proc/$BASHPID/fdinfo/$w")
	cpgt 2 watch "$G" >&"$w" 2>/dev/null 3>&- &
	pid=$!
	echo "$pid" >>"$BG"
	wait_member 2 "$G" "$pid"
	kill -KILL "$pid"
	reap "$pid"
	after=$(awk '/^flags:/ { print $2 }' "/proc/$BASHPID/fdinfo/$w")
	exec {w}>&-
	echo "flags before $before, after $after" >&2
	[ "$before" = "$after" ]
}

@test "a backlog in corosync: all of it written once the reader goes on" {
	watcher 3 "$BATS_TEST_TMPDIR/o" --json -E message "$G"
	pid=$!
	# corosync queues for a stopped reader: 10 MB of JSON to catch up on
	# (that it is written as it comes, not piled up in memory, is a peak
	# RSS that bench/run measures: "backlog")
	kill -STOP "$pid"
	seq 100000 | cpgt 1 send "$G"
	kill -CONT "$pid"
	wait_for "$BATS_TEST_TMPDIR/o" '"payload":"100000"' 20
	run -0 jq -r .payload "$BATS_TEST_TMPDIR/o"
	[ "$output" = "$(seq 100000)" ]
}

# big_rss OUT ARGS...: the peak RSS (KiB, VmHWM) of a watch on node 3 that
# takes one message from $BATS_TEST_TMPDIR/m, sent whole from node 1
big_rss() {
	local out=$1 p
	shift
	on 3 /usr/bin/time -f %M -o "$out" "$CPGTOOL" watch -E message -c 1 \
		"$@" "$G" >/dev/null 2>"$out.err" 3>&- &
	p=$!
	echo "$p" >>"$BG"
	wait_members 3 "$G" 1
	cpgt 1 send --whole -f "$BATS_TEST_TMPDIR/m" "$G" 2>/dev/null
	reap "$p"
	[ "$status" -eq 0 ]
	wait_gone_members 3 "$G"
}

# wait_gone_members I GROUP: until node I sees nobody in GROUP
wait_gone_members() {
	local t
	for ((t = 0; t < 200; t++)); do
		[ -z "$(cpg_members "$1" "$2")" ] && return 0
		sleep 0.05
	done
	return 1
}

@test "one 64 MiB message costs its own size, not its encoding's: text, JSON, --exec" {
	# 0x01 bytes: \x01 as text (256 MiB), \u0001 in JSON (384 MiB)
	head -c $((64 << 20)) /dev/zero | tr '\0' '\1' >"$BATS_TEST_TMPDIR/m"
	on 3 /usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/idle" "$CPGTOOL" \
		watch -t 0.5 "${G}i" >/dev/null 2>&1 3>&- || true
	# time writes a line of its own first: the watch ended at -t
	idle=$(tail -n 1 "$BATS_TEST_TMPDIR/idle")
	# the message (libcpg reassembles it in a buffer of its own) x 1.25
	max=$((idle + 64 * 1280))
	big_rss "$BATS_TEST_TMPDIR/text"
	big_rss "$BATS_TEST_TMPDIR/json" --json
	big_rss "$BATS_TEST_TMPDIR/exec" --exec 'cat >/dev/null'
	for m in text json exec; do
		echo "$m: $(cat "$BATS_TEST_TMPDIR/$m") KiB, at most $max" >&2
	done
	for m in text json exec; do
		[ "$(cat "$BATS_TEST_TMPDIR/$m")" -le "$max" ]
	done
}

@test "a peer node killed: nodedown and a totem change; back in the ring" {
	watcher 1 "$BATS_TEST_TMPDIR/w" "$G"
	spawn "$BATS_TEST_TMPDIR/j" 3 join "$G" < <(sleep 60)
	wait_for "$BATS_TEST_TMPDIR/w" "joined=3:"
	cluster_kill 3
	wait_for "$BATS_TEST_TMPDIR/w" "left=3:[0-9]+:nodedown$" 10
	wait_for "$BATS_TEST_TMPDIR/w" '^totem ring=[0-9a-f]+\.[0-9a-f]+ members=1,2$' 10
	cluster_start 3
	wait_for "$BATS_TEST_TMPDIR/w" '^totem ring=[0-9a-f]+\.[0-9a-f]+ members=1,2,3$' 10
}

@test "a node cut off the network: nodedown; reconnected: nodeup" {
	watcher 1 "$BATS_TEST_TMPDIR/w" "$G"
	spawn "$BATS_TEST_TMPDIR/j" 2 join "$G" < <(sleep 60)
	wait_for "$BATS_TEST_TMPDIR/w" "joined=2:"
	cluster_cut 2
	wait_for "$BATS_TEST_TMPDIR/w" "left=2:[0-9]+:nodedown$" 10
	cluster_uncut 2
	wait_for "$BATS_TEST_TMPDIR/w" '^totem ring=[0-9a-f]+\.[0-9a-f]+ members=1,2,3$' 15
	# its process lived through the cut: it comes back as nodeup
	wait_for "$BATS_TEST_TMPDIR/w" "joined=2:[0-9]+:nodeup left=-$" 10
	cluster_wait_members 1 3
}

@test "local corosync killed: exit 3 at once; with --reconnect a gap, then on" {
	watcher 2 "$BATS_TEST_TMPDIR/plain" "$G"
	plain=$!
	watcher 2 "$BATS_TEST_TMPDIR/re" --reconnect "$G"
	cluster_kill 2
	reap "$plain"
	[ "$status" -eq 3 ]
	grep -q '^cpgtool: lost connection to corosync: CS_ERR_' \
		"$BATS_TEST_TMPDIR/plain.err"
	cluster_start 2
	wait_for "$BATS_TEST_TMPDIR/re" "^gap $G\$" 10
	cpgt 1 send "$G" after
	wait_for "$BATS_TEST_TMPDIR/re" "^message $G 1 [0-9]+ 5 after$"
	# corosync was gone for seconds, retried every 200 ms: said once when
	# it went, once when it was back, and nothing in between
	run cat "$BATS_TEST_TMPDIR/re.err"
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} == "cpgtool: lost connection to corosync: CS_ERR_"*"; reconnecting" ]]
	[[ ${lines[1]} =~ ^cpgtool:\ connected\ to\ corosync\ again\ after\ [0-9.]+\ seconds$ ]]
}

@test "--wait-for-corosync: it connects once corosync is up, and sends" {
	watcher 1 "$BATS_TEST_TMPDIR/w" "$G"
	cluster_stop 3
	# a corosync just started is in a ring of its own before it merges:
	# --wait-members is what makes the message reach node 1
	cpgt 3 send --wait-for-corosync 30 --wait-members 1 "$G" patient \
		3>&- &
	pid=$!
	sleep 1
	kill -0 "$pid"
	cluster_start 3
	reap "$pid"
	[ "$status" -eq 0 ]
	wait_for "$BATS_TEST_TMPDIR/w" "^message $G 3 [0-9]+ 7 patient$"
}

# what a hostile peer sends: a title, a screen clear, a right-to-left
# override, and a line that would end the watcher's line early
HOSTILE=$'\e]0;owned\a\e[2J\xe2\x80\xaeab\xe2\x81\xa6c\xe2\x80\x8b'

# tty_watch I OUT FORMAT: a watch -c 1 -F FORMAT of $G on node I whose
# stdout is a pseudo-terminal (script(1)), in the background; its
# terminal's bytes in OUT, and a member of $G before this returns
tty_watch() {
	script -qefc "$TOP/tests/lib/bin/cpgt $1 watch -c 1 -F '$3' $G" \
		/dev/null >"$2" 2>"$2.err" 3>&- < <(sleep 30) &
	echo $! >>"$BG"
	wait_members "$1" "$G" 1
}

@test "on a terminal %s escapes a peer's control sequences and bidi controls" {
	tty_watch 2 "$BATS_TEST_TMPDIR/t" '[%s]\n'
	printf '%s' "$HOSTILE" | cpgt 1 send "$G"
	reap "$(tail -n 1 "$BG")"
	[ "$status" -eq 0 ]
	# the pseudo-terminal turns \n into \r\n; nothing else is raw
	[ "$(tr -d '\r' <"$BATS_TEST_TMPDIR/t")" = \
		'[\x1b]0;owned\x07\x1b[2J\xe2\x80\xaeab\xe2\x81\xa6c\xe2\x80\x8b]' ]
	LC_ALL=C run ! grep -q $'\e' "$BATS_TEST_TMPDIR/t"
}

@test "%r is raw on a terminal too, %s raw into a file" {
	tty_watch 2 "$BATS_TEST_TMPDIR/t" '[%r]\n'
	watcher 3 "$BATS_TEST_TMPDIR/f" -c 1 -F '[%s]\n' "$G"
	printf '%s' "$HOSTILE" | cpgt 1 send "$G"
	reap "$(head -n 1 "$BG")"
	[ "$status" -eq 0 ]
	LC_ALL=C grep -qF "[$HOSTILE]" "$BATS_TEST_TMPDIR/t"
	wait_for "$BATS_TEST_TMPDIR/f" '^\['
	[ "$(cat "$BATS_TEST_TMPDIR/f")" = "[$HOSTILE]" ]
}

@test "text output escapes the format characters that reorder or hide text" {
	watcher 2 "$BATS_TEST_TMPDIR/w" "$G"
	watcher 3 "$BATS_TEST_TMPDIR/j" --json "$G"
	printf 'if admin\xe2\x80\xae \xe2\x81\xa6// x\xe2\x81\xa9\xef\xbb\xbf\n' |
		cpgt 1 send "$G"
	wait_for "$BATS_TEST_TMPDIR/w" '^message'
	run grep '^message' "$BATS_TEST_TMPDIR/w"
	[ "${output#* * * * * }" = \
		'if admin\xe2\x80\xae \xe2\x81\xa6// x\xe2\x81\xa9\xef\xbb\xbf' ]
	# JSON carries them exactly: it is for programs
	wait_for "$BATS_TEST_TMPDIR/j" '"type":"message"'
	run -0 jq -r 'select(.type=="message") | .payload' "$BATS_TEST_TMPDIR/j"
	[ "$output" = $'if admin\xe2\x80\xae \xe2\x81\xa6// x\xe2\x81\xa9\xef\xbb\xbf' ]
}
