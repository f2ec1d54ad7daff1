#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# The example systemd units and --exec handler in examples/: systemd
# accepts the units as written (systemd-analyze verify), the handler
# does what its comment says, and make install puts them where the
# README and the manual say. No cluster needed.
# Unit lines and inner scripts are in single quotes:
# shellcheck disable=SC2016

bats_require_minimum_version 1.5.0

setup() {
	TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	CPGTOOL=${CPGTOOL:-$TOP/cpgtool}
}

# verify DIR UNIT...: systemd-analyze verify, which says what it ignores
# (an unknown escape, a bad Type=) on stderr but exits 0: silence too
verify() {
	local dir=$1
	shift
	run --separate-stderr bash -c 'cd "$1" && shift &&
		systemd-analyze verify --man=no "$@"' verify "$dir" "$@"
	if [ "$status" -ne 0 ] || [ -n "$output" ] || [ -n "$stderr" ]; then
		echo "systemd-analyze verify $*: $status, $output $stderr" >&2
		return 1
	fi
}

@test "systemd-analyze verify passes on the example units" {
	command -v systemd-analyze >/dev/null ||
		skip "systemd-analyze is not installed (apt-get install systemd)"
	# the units name the packages' /usr/bin/cpgtool, which verify wants
	# to find: the one under test stands in for it
	d=$BATS_TEST_TMPDIR/units
	mkdir "$d"
	for f in "$TOP"/examples/systemd/*.service; do
		sed "s|/usr/bin/cpgtool|$CPGTOOL|" "$f" >"$d/${f##*/}"
	done
	grep -q "^ExecStart=$CPGTOOL " "$d/cpgtool-controller-gone.service"
	verify "$d" cpgtool-controller-gone.service cpgtool-standby@web.service
	verify "$d" cpgtool-metrics.service
	# and verify can fail: an escape systemd would not pass on as written
	sed 's/crmd\\\\x00/crmd\\x00/' "$d/cpgtool-controller-gone.service" \
		>"$d/bad.service"
	run ! grep -q 'crmd\\\\x00' "$d/bad.service"
	run ! verify "$d" bad.service
}

@test "the example units run what the README says" {
	u=$TOP/examples/systemd
	grep -qx 'ExecStart=/usr/bin/cpgtool lock --wait-for-corosync 60 standby-%i -- $DAEMON' \
		"$u/cpgtool-standby@.service"
	grep -qx 'Restart=always' "$u/cpgtool-standby@.service"
	grep -qx 'KillMode=mixed' "$u/cpgtool-standby@.service"
	grep -qx 'ExecStart=/usr/bin/cpgtool members --watch --names --wait-for-corosync 60 --exec-timeout 60 --exec /usr/local/sbin/controller-gone crmd\\\\x00' \
		"$u/cpgtool-controller-gone.service"
	grep -qx 'Restart=always' "$u/cpgtool-controller-gone.service"
	# every option they give is one cpgtool takes
	"$CPGTOOL" lock --help | grep -q -- '--wait-for-corosync'
	for o in --watch --names --wait-for-corosync --exec-timeout --exec; do
		"$CPGTOOL" members --help | grep -q -- "$o "
	done
}

@test "the metrics unit runs what the README says" {
	u=$TOP/examples/systemd/cpgtool-metrics.service
	grep -qx 'ExecStart=/usr/bin/cpgtool metrics --watch --wait-for-corosync 60 --textfile /var/lib/prometheus/node-exporter' "$u"
	grep -qx 'Restart=always' "$u"
	for o in --watch --wait-for-corosync --textfile; do
		"$CPGTOOL" metrics --help | grep -q -- "$o "
	done
}

@test "the example handler says which node's controller left, and nothing for a join" {
	stub=$BATS_TEST_TMPDIR/bin
	mkdir "$stub"
	printf '#!/bin/sh\necho "logger: $*" >>"%s/log"\n' \
		"$BATS_TEST_TMPDIR" >"$stub/logger"
	chmod +x "$stub/logger"
	run -0 env PATH="$stub:$PATH" CPGTOOL_EVENT=members \
		CPGTOOL_REASON='joined left' CPGTOOL_NODEID='3 2' \
		CPGTOOL_PID='200 100' CPGTOOL_NODE_NAME='node3 node2' \
		sh "$TOP/examples/controller-gone" </dev/null
	[ "$output" = "the Pacemaker controller of node node2 (2) is gone" ]
	[ "$(cat "$BATS_TEST_TMPDIR/log")" = "logger: -p daemon.crit -t controller-gone the Pacemaker controller of node node2 (2) is gone" ]
	run -0 env PATH="$stub:$PATH" CPGTOOL_REASON='joined joined' \
		CPGTOOL_NODEID='1 2' CPGTOOL_NODE_NAME='node1 node2' \
		sh "$TOP/examples/controller-gone" </dev/null
	[ -z "$output" ]
}

@test "make install puts the examples under share/doc/cpgtool/examples" {
	root=$BATS_TEST_TMPDIR/root
	make -s -C "$TOP" install DESTDIR="$root" PREFIX=/usr >/dev/null
	ex=$root/usr/share/doc/cpgtool/examples
	[ -f "$ex/controller-gone" ]
	[ -f "$ex/systemd/cpgtool-standby@.service" ]
	[ -f "$ex/systemd/cpgtool-controller-gone.service" ]
	[ -f "$ex/systemd/cpgtool-metrics.service" ]
	[ -f "$ex/cpgtool-alerts.yml" ]
	make -s -C "$TOP" uninstall DESTDIR="$root" PREFIX=/usr >/dev/null
	[ ! -e "$ex" ]
}
