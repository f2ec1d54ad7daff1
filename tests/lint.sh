#!/bin/bash
# make lint: the manual, every shell file, and one check that every long
# option in the C sources is in --help, the manual and each completion.
set -u
cd "$(dirname "$0")/.." || exit 1
bad=0

problem() {
	echo "lint: $*"
	bad=1
}

out=$(mandoc -Tlint -W warning cpgtool.1 2>&1) || problem "mandoc: $out"
# the manual as installed, with the version in its footer
ver=${CPGT_VERSION:-$(cat VERSION)}
if [ -f cpgtool.1.out ]; then
	out=$(mandoc -Tlint -W warning cpgtool.1.out 2>&1) ||
		problem "mandoc: $out"
	grep -qx "\.Os cpgtool $ver" cpgtool.1.out ||
		problem "cpgtool.1.out: no '.Os cpgtool $ver'"
fi

# one version: the packages' must be the release VERSION names (a git
# describe version like 0.2.0-3-gabcdef is a build of release 0.2.0)
rel=${ver%%-*}
deb=$(sed -nE '1s/^cpgtool \(([^)]*)\).*/\1/p' debian/changelog)
[ "${deb%-*}" = "$rel" ] ||
	problem "debian/changelog is at $deb, VERSION at $rel"
spec=$(sed -nE 's/^Version:[[:space:]]*//p' cpgtool.spec)
[ "$spec" = "$rel" ] || problem "cpgtool.spec is at $spec, VERSION at $rel"

# bats files are bash with @test blocks; SC2030/31 flag bats' run subshells
shellcheck -s bash tests/cluster.sh tests/run tests/soak tests/lock-soak tests/lint.sh tests/bin/* \
	tests/offline tests/pkgcheck bench/run \
	.ci/run completion/cpgtool.bash || problem "shellcheck"
shellcheck -s sh examples/controller-gone || problem "shellcheck (examples)"
shellcheck -s bash -e SC2030,SC2031,SC1091,SC2034,SC2154 \
	tests/*.bash tests/*.bats || problem "shellcheck (tests)"

# Every option is declared once, in the C sources (struct optdef); --help
# and the synopses are made from that. Hold the manual and the completions
# to what --help says, command by command: the long options and their
# short letters, and each synopsis against the manual's.
cmds="join send watch members lock quorum"

# "S LONG" per option of COMMAND's --help ("-" for a long-only option)
help_opts() {
	./cpgtool "$1" --help | sed -nE \
		's/^  (-(.), |    )--([a-z0-9-]+).*/\2 \3/p' |
		sed -E 's/^ /- /'
}

# the options in a synopsis: one word each, "-c" or "--long"
syn_words() {
	grep -oE '\[-[^] ]+|\[--[a-z0-9-]+' |
		sed -E 's/^\[--/--/; s/^\[-//' |
		awk '/^--/ { print; next } length($0) == 1 { print "-" $0; next }
			{ n = split($0, c, ""); for (i = 1; i <= n; i++) print "-" c[i] }' |
		sort -u
}

# COMMAND's synopsis in the manual: every form of it, Fl words
man_syn() {
	awk -v c="$1" '/^\.Sh DESCRIPTION/ { exit }
		/^\.Nm/ { on = 0 } $0 == ".Cm " c { on = 1; next }
		on && /^\.Op Fl / { print $3 } on && /^\.Fl / { print $2 }' cpgtool.1 |
		awk '/^-/ { print "-" $0; next } length($0) == 1 { print "-" $0; next }
			{ n = split($0, c, ""); for (i = 1; i <= n; i++) print "-" c[i] }' |
		sort -u
}

for c in $cmds; do
	h=$(./cpgtool "$c" --help) || problem "cpgtool $c --help failed"
	syn=$(sed -n '1,/^  -h, --help/p' <<<"$h" | syn_words)
	[ "$syn" = "$(man_syn "$c")" ] || problem "cpgtool.1's synopsis of $c" \
		"differs from --help's: $(diff <(echo "$syn") <(man_syn "$c") |
			grep '^[<>]' | tr '\n' ' ')"
	while read -r s o; do
		grep -qE -- "Fl -$o\\b" cpgtool.1 || problem "--$o not in cpgtool.1"
		if [ "$s" = - ]; then
			grep -q -- "--$o\\b" completion/cpgtool.bash ||
				problem "--$o not in completion/cpgtool.bash"
			grep -qE -- "(^|[^-])--$o\\b" completion/_cpgtool ||
				problem "--$o not in completion/_cpgtool"
			grep -qE -- "-l $o\\b" completion/cpgtool.fish ||
				problem "--$o not in completion/cpgtool.fish"
			continue
		fi
		grep -qE -- "Fl $s , Fl -$o\\b|Fl $s Ar [a-z]+ , Fl -$o\\b" \
			cpgtool.1 || problem "-$s, --$o not paired in cpgtool.1"
		grep -q -- "-$s --$o\\b" completion/cpgtool.bash ||
			problem "-$s --$o not in completion/cpgtool.bash"
		grep -q -- "{-$s,--$o}" completion/_cpgtool ||
			problem "-$s --$o not in completion/_cpgtool"
		grep -qE -- "-s $s -l $o\\b" completion/cpgtool.fish ||
			problem "-$s --$o not in completion/cpgtool.fish"
	done < <(help_opts "$c")
done
exit "$bad"
