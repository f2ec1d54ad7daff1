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
shellcheck -s bash tests/cluster.sh tests/run tests/soak tests/lint.sh tests/bin/* \
	tests/offline tests/pkgcheck bench/run \
	.ci/run completion/cpgtool.bash || problem "shellcheck"
shellcheck -s bash -e SC2030,SC2031,SC1091,SC2034,SC2154 \
	tests/*.bash tests/*.bats || problem "shellcheck (tests)"

# long options: the quoted first field of each struct option line
opts=$(sed -nE 's/^[[:space:]]*\{ "([a-z0-9-]+)",[[:space:]]*(no|required)_argument.*/\1/p' cpgtool.c \
	cpgtool.h cmd/*.c | sort -u)
help=$(./cpgtool --help; for c in join send watch members lock; do
	./cpgtool "$c" --help; done)
for o in $opts; do
	grep -q -- "--$o\\b" <<<"$help" || problem "--$o not in --help"
	grep -qE -- "Fl -?$o\\b|Fl $o\\b" cpgtool.1 ||
		problem "--$o not in cpgtool.1"
	grep -q -- "--$o\\b" completion/cpgtool.bash ||
		problem "--$o not in completion/cpgtool.bash"
	grep -q -- "--$o\\b" completion/_cpgtool ||
		problem "--$o not in completion/_cpgtool"
	grep -q -- "-l $o\\b" completion/cpgtool.fish ||
		problem "--$o not in completion/cpgtool.fish"
done
exit "$bad"
