#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A private corosync cluster on this machine, for tests and for trying
# cpgtool. Each node is a network namespace (libqb's IPC sockets belong to
# one) running corosync in a private mount namespace (its pid lock and
# state directory); the nodes' veths meet on a bridge in a namespace of its
# own, so nothing is added to the host's network and teardown is complete.
#
#   cluster.sh up [N]       start N nodes (3), wait until all are in;
#                           prints "export CPGT_RUNDIR=..." for eval
#   cluster.sh down         stop everything, remove every trace
#   cluster.sh down-all     the same for every cluster left in /tmp
#   cluster.sh exec I CMD   run CMD as a client of node I
#   cluster.sh kill I       SIGKILL node I's corosync
#   cluster.sh stop I       SIGTERM node I's corosync and wait for it
#   cluster.sh start I      start node I's corosync again, wait until in
#   cluster.sh cut I        take node I off the network
#   cluster.sh uncut I      put it back
#   cluster.sh pause I      SIGSTOP node I's corosync (by pid): past its
#                           token the others take the node for dead
#   cluster.sh resume I     SIGCONT it
#   cluster.sh wait-members I N   wait until node I sees N nodes
#   cluster.sh status       the membership as node 1 sees it
#   cluster.sh pacemaker-up       start Pacemaker on every node, wait
#                                 until a DC is elected
#   cluster.sh pacemaker-start I  start node I's pacemakerd
#   cluster.sh pacemaker-stop I   stop it, by pid, and wait
#
# Root only. State lives in $CPGT_RUNDIR; sourcing this file gives the
# same verbs as functions named cluster_VERB (pacemaker-up: cluster_pcmk_up).
# Pacemaker needs a cluster started with CPGT_PACEMAKER=1 in the
# environment: corosync.conf then lets hacluster in (uidgid), and up
# starts Pacemaker as well. CPGT_QUORUM_EXTRA, lines for corosync.conf's
# quorum section (CPGT_QUORUM_EXTRA='two_node: 1'), is read by up.

set -u

die() {
	echo "cluster.sh: $*" >&2
	exit 1
}

state() {
	if [ -z "${CPGT_RUNDIR:-}" ] || [ ! -f "$CPGT_RUNDIR/env" ]; then
		die "no cluster: run 'eval \"\$(cluster.sh up)\"' first"
	fi
	# shellcheck source=/dev/null
	. "$CPGT_RUNDIR/env"
}

ns() {
	echo "${CPGT_ID}n$1"
}

conf() {
	local dir=$1 n=$2 net=$3 i
	cat <<EOF
totem {
	version: 2
	cluster_name: $CPGT_ID
	transport: knet
	token: 1000
	crypto_cipher: none
	crypto_hash: none
}
logging {
	to_logfile: yes
	logfile: $dir/corosync.log
	to_syslog: no
	to_stderr: no
	timestamp: on
	blackbox: off
}
quorum {
	provider: corosync_votequorum
EOF
	if [ -n "${CPGT_QUORUM_EXTRA:-}" ]; then
		printf '%s\n' "$CPGT_QUORUM_EXTRA" | sed 's/^/\t/'
	fi
	echo "}"
	if [ -n "${CPGT_PCMK:-}" ]; then
		printf 'uidgid {\n\tuid: hacluster\n\tgid: haclient\n}\n'
	fi
	echo "nodelist {"
	for ((i = 1; i <= n; i++)); do
		printf '\tnode {\n\t\tring0_addr: %s.%d\n\t\tname: node%d\n' \
			"$net" "$i" "$i"
		printf '\t\tnodeid: %d\n\t}\n' "$i"
	done
	echo "}"
}

cluster_start() {
	local i=$1 dir
	state
	dir=$CPGT_RUNDIR/n$i
	# the bind mount gives corosync its own /var/lib/corosync, the tmpfs
	# its own /run (pid lock); ip netns exec already unshared the mounts.
	# corosync keeps none of the caller's descriptors: started from a
	# bats teardown it would hold bats' fd 3 or 4 open, and bats would
	# wait for it to the end (seen in top.bats)
	ip netns exec "$(ns "$i")" unshare -m sh -c "
		mount -t tmpfs tmpfs /run &&
		mount --bind '$dir/lib' /var/lib/corosync &&
		exec corosync -f -c '$dir/corosync.conf'" \
		</dev/null >>"$dir/stderr" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	echo $! >"$dir/pid"
	# every pid it has had: libqb names its files in /dev/shm with them
	echo $! >>"$dir/pids"
	cluster_wait_members "$i" "$CPGT_N"
}

votes() {
	ip netns exec "$(ns "$1")" corosync-quorumtool -s 2>/dev/null |
		awk '/^Total votes:/ { print $3 }'
}

cluster_wait_members() {
	local i=$1 want=$2 t
	state
	for ((t = 0; t < 300; t++)); do
		[ "$(votes "$i")" = "$want" ] && return 0
		sleep 0.1
	done
	echo "cluster.sh: node $i did not see $want nodes in 30 s" >&2
	tail -n 20 "$CPGT_RUNDIR/n$i/corosync.log" >&2 2>/dev/null
	return 1
}

cluster_up() {
	local n=${1:-3} i net dir
	[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
	command -v corosync >/dev/null || die "corosync is not installed"
	CPGT_RUNDIR=$(mktemp -d /tmp/cpgt.XXXXXX) || die "mktemp failed"
	CPGT_ID=cpgt$(printf '%04x' $((RANDOM ^ $$ & 0xffff)))
	net=10.213.$((RANDOM % 250 + 2))
	CPGT_N=$n
	CPGT_PCMK=${CPGT_PACEMAKER:-}
	printf 'CPGT_ID=%s\nCPGT_N=%s\nCPGT_PCMK=%s\n' "$CPGT_ID" "$n" \
		"$CPGT_PCMK" >"$CPGT_RUNDIR/env"
	# /dev/shm as found: what is there already is never ours
	ls -A /dev/shm >"$CPGT_RUNDIR/shm.before"
	export CPGT_RUNDIR CPGT_ID CPGT_N
	ip netns add "${CPGT_ID}sw" || die "cannot add a network namespace"
	ip -n "${CPGT_ID}sw" link add br0 type bridge
	ip -n "${CPGT_ID}sw" link set br0 up
	for ((i = 1; i <= n; i++)); do
		dir=$CPGT_RUNDIR/n$i
		mkdir -p "$dir/lib"
		conf "$dir" "$n" "$net" >"$dir/corosync.conf"
		ip netns add "$(ns "$i")"
		ip -n "$(ns "$i")" link set lo up
		ip -n "$(ns "$i")" link add eth0 type veth \
			peer name "s$i" netns "${CPGT_ID}sw"
		ip -n "$(ns "$i")" addr add "$net.$i/24" dev eth0
		ip -n "$(ns "$i")" link set eth0 up
		ip -n "${CPGT_ID}sw" link set "s$i" master br0 up
	done
	for ((i = 1; i <= n; i++)); do
		cluster_start "$i" >/dev/null 2>&1 &
	done
	wait
	for ((i = 1; i <= n; i++)); do
		cluster_wait_members "$i" "$n" >&2 || { cluster_down; exit 1; }
	done
	if [ -n "$CPGT_PCMK" ]; then
		cluster_pcmk_up >&2 || { cluster_down; exit 1; }
	fi
	echo "export CPGT_RUNDIR=$CPGT_RUNDIR CPGT_ID=$CPGT_ID CPGT_N=$CPGT_N"
}

cluster_stop_node() {
	local i=$1 sig=$2 pid t
	state
	pid=$(cat "$CPGT_RUNDIR/n$i/pid" 2>/dev/null) || return 0
	# a corosync that is SIGKILLed leaves its IPC rings in /dev/shm
	[ "$sig" = KILL ] && echo "$pid" >>"$CPGT_RUNDIR/n$i/killed"
	kill "-$sig" "$pid" 2>/dev/null || return 0
	# a paused one (cluster_pause) takes its signal once running
	kill -CONT "$pid" 2>/dev/null
	for ((t = 0; t < 100; t++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	echo "$pid" >>"$CPGT_RUNDIR/n$i/killed"
	kill -KILL "$pid" 2>/dev/null
	sleep 0.1
}

cluster_kill() {
	cluster_stop_node "$1" KILL
}

cluster_stop() {
	cluster_stop_node "$1" TERM
}

cluster_cut() {
	state
	ip -n "${CPGT_ID}sw" link set "s$1" down
}

cluster_uncut() {
	state
	ip -n "${CPGT_ID}sw" link set "s$1" up
}

# a stopped corosync: its pid, from its node's state, never by name
cluster_pause() {
	state
	kill -STOP "$(cat "$CPGT_RUNDIR/n$1/pid")"
}

cluster_resume() {
	state
	kill -CONT "$(cat "$CPGT_RUNDIR/n$1/pid")" 2>/dev/null || true
}

cluster_exec() {
	local i=$1
	shift
	state
	ip netns exec "$(ns "$i")" "$@"
}

cluster_status() {
	state
	ip netns exec "$(ns 1)" corosync-quorumtool -s
}

# Pacemaker on node I, in corosync's mount namespace with a private
# /var/lib/pacemaker and /var/log/pacemaker (/run is private there
# already). nsenter and sh exec, so $! is pacemakerd's pid.
cluster_pcmk_start() {
	local i=$1 dir cpid
	state
	command -v pacemakerd >/dev/null || die "pacemaker is not installed"
	[ -n "${CPGT_PCMK:-}" ] ||
		die "corosync.conf lacks uidgid: start with CPGT_PACEMAKER=1"
	dir=$CPGT_RUNDIR/n$i
	cpid=$(cat "$dir/pid") || die "node $i has no corosync"
	mkdir -p "$dir/pcmk/lib/cib" "$dir/pcmk/lib/pengine" \
		"$dir/pcmk/lib/blackbox" "$dir/pcmk/lib/cores" "$dir/pcmk/log"
	chown -R hacluster:haclient "$dir/pcmk"
	chmod -R u=rwX,g=rwX,o= "$dir/pcmk"
	chmod o+x "$dir" "$dir/pcmk"
	PCMK_logfacility=none PCMK_logfile=/var/log/pacemaker/pacemaker.log \
		nsenter -t "$cpid" -m -n sh -c "
		mount --bind '$dir/pcmk/lib' /var/lib/pacemaker &&
		mount --bind '$dir/pcmk/log' /var/log/pacemaker &&
		exec pacemakerd -f" >>"$dir/pcmk.stderr" 2>&1 3>&- &
	echo $! >"$dir/pcmk.pid"
}

# pacemakerd stops its daemons on SIGTERM; if it has not within 60 s,
# it and the daemons it started are killed, by pid.
cluster_pcmk_stop() {
	local i=$1 pid kids t
	state
	pid=$(cat "$CPGT_RUNDIR/n$i/pcmk.pid" 2>/dev/null) || return 0
	rm -f "$CPGT_RUNDIR/n$i/pcmk.pid"
	kids=$(ps -o pid= --ppid "$pid" 2>/dev/null)
	# the daemons' IPC rings in /dev/shm are named with their pids
	# shellcheck disable=SC2086
	printf '%s\n' "$pid" $kids >>"$CPGT_RUNDIR/n$i/pcmk.pids"
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((t = 0; t < 600; t++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	printf '%s\n' "$pid" $kids >>"$CPGT_RUNDIR/n$i/killed"
	# shellcheck disable=SC2086
	kill -KILL "$pid" $kids 2>/dev/null
	return 0
}

# Until node I's Pacemaker names a DC (about 20 s from a cold start).
cluster_pcmk_wait_dc() {
	local i=$1 t
	state
	for ((t = 0; t < 600; t++)); do
		ip netns exec "$(ns "$i")" crm_mon -1 2>/dev/null |
			grep -q 'Current DC: node' && return 0
		sleep 0.2
	done
	echo "cluster.sh: node $i's Pacemaker elected no DC in 120 s" >&2
	tail -n 20 "$CPGT_RUNDIR/n$i/pcmk/log/pacemaker.log" >&2 2>/dev/null
	return 1
}

cluster_pcmk_up() {
	local i
	state
	for ((i = 1; i <= CPGT_N; i++)); do
		cluster_pcmk_start "$i"
	done
	for ((i = 1; i <= CPGT_N; i++)); do
		cluster_pcmk_wait_dc "$i" || return 1
	done
}

# What libqb left in /dev/shm for the processes PIDS... since cluster_up
# (a name it had then is not ours): as a server, a directory of IPC rings
# per connection, qb-SERVERPID-CLIENTPID-ID-RANDOM (libqb 2; the client
# end needs no name of its own, corosync is every test client's server);
# and a blackbox, qb-NAME-PID-blackbox-{header,data}.
shm_of() {
	local pid f
	[ -f "$CPGT_RUNDIR/shm.before" ] || return 0
	for pid in "$@"; do
		for f in /dev/shm/qb-"$pid"-* /dev/shm/qb-*-"$pid"-blackbox-*; do
			[ -e "$f" ] || continue
			grep -qxF -- "${f#/dev/shm/}" "$CPGT_RUNDIR/shm.before" &&
				continue
			echo "$f"
		done
	done
}

# Leave /dev/shm as cluster_up found it. A process that exits cleanly
# removes its IPC rings (a client's, its server), and the nodes keep no
# blackbox (blackbox: off); a server SIGKILLed cannot, so its rings are
# removed here, found by its pid. Then nothing of any pid that was ours
# may be left: said, with status 1, if something is.
shm_tidy() {
	local left
	# shellcheck disable=SC2046
	shm_of $(cat "$CPGT_RUNDIR"/n*/killed 2>/dev/null) | xargs -r rm -rf --
	# shellcheck disable=SC2046
	left=$(shm_of $(cat "$CPGT_RUNDIR"/n*/pids "$CPGT_RUNDIR"/n*/pcmk.pids \
		2>/dev/null))
	[ -z "$left" ] && return 0
	echo "cluster.sh: left in /dev/shm by the cluster's processes:" \
		"$(tr '\n' ' ' <<<"$left")" >&2
	return 1
}

# Safe to call at any time, from traps too, and twice. Status 1 if
# something of the cluster's stays in /dev/shm (shm_tidy).
cluster_down() {
	local i st=0
	[ -n "${CPGT_RUNDIR:-}" ] && [ -f "$CPGT_RUNDIR/env" ] || return 0
	state
	# Pacemaker before corosync, which it would otherwise wait for
	for ((i = 1; i <= CPGT_N; i++)); do
		cluster_pcmk_stop "$i" &
	done
	wait
	for ((i = 1; i <= CPGT_N; i++)); do
		cluster_stop_node "$i" TERM
	done
	shm_tidy || st=1
	for ((i = 1; i <= CPGT_N; i++)); do
		ip netns del "$(ns "$i")" 2>/dev/null
	done
	ip netns del "${CPGT_ID}sw" 2>/dev/null
	rm -rf "$CPGT_RUNDIR"
	return "$st"
}

# Clusters whose run was killed before it could clean up.
cluster_down_all() {
	local env
	for env in /tmp/cpgt.*/env; do
		[ -f "$env" ] || continue
		CPGT_RUNDIR=${env%/env} cluster_down
	done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	verb=${1:-}
	[ -n "$verb" ] || die "usage: cluster.sh up|down|exec|kill|stop|start|cut|uncut|pause|resume|wait-members|status|pacemaker-up|pacemaker-start|pacemaker-stop"
	shift
	case $verb in
	down)
		[ -n "${CPGT_RUNDIR:-}" ] ||
			die "CPGT_RUNDIR is not set: which cluster? (see down-all)"
		cluster_down ;;
	up | exec | kill | stop | start | cut | uncut | pause | resume | status)
		"cluster_$verb" "$@" ;;
	pacemaker-up)
		cluster_pcmk_up ;;
	pacemaker-start | pacemaker-stop)
		"cluster_pcmk_${verb#pacemaker-}" "$@" ;;
	down-all)
		cluster_down_all ;;
	wait-members)
		cluster_wait_members "$@" ;;
	*)
		die "unknown verb '$verb'" ;;
	esac
fi
