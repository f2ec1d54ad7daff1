#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# make lint: the manual, every shell file, and one check that every long
# option in the C sources is in --help, the manual and each completion.
set -u
cd "$(dirname "$0")/.." || exit 1
bad=0
# the binary and its objects (make lint passes them; O= builds elsewhere)
bin=${CPGTOOL:-./cpgtool}

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

# Every source file names its licence (LICENSE) in its first three lines:
# C, headers, Makefiles, scripts (anything starting #!), bats files, the
# completions, the manual and the packaging's own scripts.
spdx_sources() {
	find . \( -path ./.git -o -path './.san*' -o -path ./fuzz/corpus -o \
		-path ./fuzz/corpus.run -o -path './fuzz/stream.*' \) -prune \
		-o -type f -print |
		while IFS= read -r f; do
			case $f in
			*.[ch] | *.bats | *.bash | *.sh | *.fish | */Makefile | \
			*/_cpgtool | ./cpgtool.1 | ./cpgtool.spec | ./debian/rules)
				echo "$f" ;;
			./debian/*)
				;;	# the packaging's own: a build writes there
			*)
				[ "$(head -c 2 "$f")" = '#!' ] && echo "$f" ;;
			esac
		done
}
while IFS= read -r f; do
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: BSD-3-Clause' ||
		problem "$f: no 'SPDX-License-Identifier: BSD-3-Clause' at its top"
done < <(spdx_sources)

# bats files are bash with @test blocks; SC2030/31 flag bats' run subshells
shellcheck -s bash tests/lib/cluster.sh tests/run tests/soak tests/lock-soak \
	tests/lint.sh tests/lib/bin/* tests/conform \
	tests/offline tests/pkgcheck tests/sim/mutants bench/run \
	.ci/run completion/cpgtool.bash || problem "shellcheck"
shellcheck -s sh examples/controller-gone examples/fence-check ||
	problem "shellcheck (examples)"
shellcheck -s sh fuzz/out_diff.sh || problem "shellcheck (fuzz/out_diff.sh)"
shellcheck -s bash -e SC2030,SC2031,SC1091,SC2034,SC2154 \
	tests/lib/*.bash tests/cluster/*.bats || problem "shellcheck (tests)"

# The module map: HACKING's list of arrows ("a -> b" lines) against the
# calls the objects make. An arrow a -> b exists when an undefined symbol
# of a's object is defined by b's; cmd/*.o are one module, cmd/*.
# CPGT_OBJS: the objects make built (make lint passes them).
module() {
	local m=${1##*/}
	m=${m%.o}
	case $1 in */cmd/*) m='cmd/*' ;; esac
	printf '%s\n' "$m"
}

# "a -> b symbol" for every call from one module into another
calls() {
	local o
	for o in "$@"; do
		nm -g --defined-only "$o" |
			awk -v m="$(module "$o")" 'NF == 3 { print "D", m, $3 }'
		nm -u "$o" | awk -v m="$(module "$o")" '{ print "U", m, $NF }'
	done | awk '$1 == "D" { def[$3] = $2; next }
		{ use[++n] = $2 " " $3 }
		END {
			for (i = 1; i <= n; i++) {
				split(use[i], u, " ")
				if ((u[2] in def) && def[u[2]] != u[1])
					print u[1] " -> " def[u[2]] " " u[2]
			}
		}' | sort -k1,3 -u
}

# "a -> b" for each arrow HACKING lists under "The arrows exactly"
drawn() {
	awk '/^The arrows exactly/ { on = 1; next }
		on && /^[^ ]/ && !/^$/ && seen { exit }
		on && /^    [a-z*\/]+ -> [a-z*\/]+( |$)/ {
			seen = 1; print $1 " -> " $3 }' HACKING | sort -u
}

read -ra objs <<<"${CPGT_OBJS:-$(echo ./*.o ./*/*.o)}"
if [ ! -e "${objs[0]}" ]; then
	problem "the module map: no objects to read (make lint builds them)"
else
	real=$(calls "${objs[@]}")
	map=$(drawn)
	[ -n "$map" ] || problem "the module map: no arrows found in HACKING"
	while read -r a _ b sym; do
		grep -qxF "$a -> $b" <<<"$map" ||
			problem "the module map: $a calls $b ($sym and" \
				"perhaps more) but HACKING draws no" \
				"'$a -> $b'; draw it, or remove the call"
	done < <(awk '!seen[$1 FS $3]++' <<<"$real")
	while read -r a _ b; do
		grep -q "^$(printf '%s' "$a" | sed 's/[*]/[*]/g') -> $(
		    printf '%s' "$b" | sed 's/[*]/[*]/g') " <<<"$real" ||
			problem "the module map: HACKING draws '$a -> $b'" \
				"but no object of $a calls into $b; remove" \
				"the arrow"
	done <<<"$map"
fi

# The folders (HACKING's "The folders, top down"): each module sits in
# one of them, and every call and every #include runs within a folder or
# down to one below it, never up. "./" is the top: cpgtool.c alone.
folders=$(awk '/^The folders, top down/ { on = 1; next }
	on && /^[^ ]/ && seen { exit }
	on && /^    (\.|[a-z]+)\/ / { seen = 1; sub(/\/$/, "", $1); print $1 }' \
	HACKING)
rank() {
	awk -v f="$1" '$0 == f { print NR; found = 1; exit }
		END { if (!found) print 0 }' <<<"$folders"
}
# the folder of a path, from the top: ".", "cmd", "corosync", ...
folder() {
	local d
	d=$(dirname "$(realpath --relative-to=. "$1")")
	printf '%s\n' "$d"
}
# the Makefile builds the folders HACKING lists (CPGT_INCS: an -I each)
if [ -n "$folders" ] && [ -n "${CPGT_INCS:-}" ]; then
	want=$(grep -vx '[.]' <<<"$folders" | sort | paste -sd ' ')
	have=$(tr ' ' '\n' <<<"$CPGT_INCS" | sed -n 's/^-I//p' | sort |
		paste -sd ' ')
	[ "$want" = "$have" ] || problem "the folders: HACKING lists" \
		"'$want', the Makefile builds '$have' (MODDIRS)"
fi
if [ -z "$folders" ]; then
	problem "the folders: no list found in HACKING"
elif [ -e "${objs[0]}" ]; then
	declare -A where=()
	for o in "${objs[@]}"; do
		m=$(module "$o")
		f=$(folder "$o")
		where[$m]=$f
		if [ "$(rank "$f")" -eq 0 ]; then
			problem "the folders: $m.o is built in $f/, no folder" \
				"of HACKING's list; list it there"
		elif [ "$f" = . ] && [ "$m" != cpgtool ]; then
			problem "the folders: $m.c sits at the top; git mv" \
				"it (and its header) into its row's folder"
		fi
	done
	while read -r a _ b sym; do
		fa=${where[$a]:-} fb=${where[$b]:-}
		if [ -z "$fa" ] || [ -z "$fb" ] || [ "$fa" = "$fb" ]; then
			continue
		fi
		[ "$(rank "$fa")" -lt "$(rank "$fb")" ] ||
			problem "the folders: $a ($fa/) calls $b ($fb/, $sym)," \
				"an arrow up; move the thing called down," \
				"or hand it in from above"
	done <<<"$real"
	# and the headers: a struct or an enum is an arrow too
	while IFS= read -r src; do
		fs=$(folder "$src")
		while IFS= read -r h; do
			hp=
			for d in "$(dirname "$src")" $folders; do
				[ -e "$d/$h" ] && { hp=$d/$h; break; }
			done
			[ -n "$hp" ] || continue
			fh=$(folder "$hp")
			[ "$fs" = "$fh" ] ||
			    [ "$(rank "$fs")" -lt "$(rank "$fh")" ] ||
				problem "the folders: $src includes $hp," \
					"an arrow up; move what it needs down"
		done < <(sed -nE 's/^#include "([^"]+)".*/\1/p' "$src")
	done < <(for f in $folders; do
			[ "$f" = . ] && { echo ./cpgtool.c; continue; }
			ls "$f"/*.[ch] 2>/dev/null
		done)
fi

# Only the corosync layer calls corosync's libraries (HACKING): symbols
# of libcpg, libcmap, libcfg and libvotequorum are undefined in these
# objects alone, and in sess.o at least (so that the check can fail)
cslayer="sess grouplist nodeinfo quorum cs"
if [ -e "${objs[0]}" ]; then
	cs=$(for o in "${objs[@]}"; do
		nm -u "$o" | awk -v m="$(module "$o")" \
		    '$NF ~ /^(cpg|cmap|corosync_cfg|votequorum)_/ {
			print m, $NF }'
	done)
	grep -q '^sess cpg_' <<<"$cs" ||
		problem "the corosync layer: sess.o calls no cpg_* (nm)"
	while read -r m sym; do
		grep -qwF -- "$m" <<<"$cslayer" ||
			problem "the corosync layer: $m calls $sym; only" \
				"$cslayer may call corosync's libraries"
	done < <(awk 'NF && !seen[$1]++' <<<"$cs")
fi

# loop.c knows nothing of CPG (HACKING): not even corosync's headers
# reach it, directly or through ours
# (CPGT_INCS: the folders' -I flags, from make lint)
# shellcheck disable=SC2086
if deps=$(${CC:-cc} -M -D_GNU_SOURCE ${CPGT_INCS:--Ibase -Iloop} loop/loop.c \
    2>&1); then
	grep -q corosync/ <<<"$deps" &&
		problem "loop.c includes corosync's headers (${CC:-cc} -M)"
else
	problem "${CC:-cc} -M loop/loop.c failed: $deps"
fi

# Every option is declared once, in the C sources (struct optdef); --help
# and the synopses are made from that. Hold the manual and the completions
# to what --help says, command by command: the long options and their
# short letters, and each synopsis against the manual's.
cmds="join send watch members lock ask serve quorum"
# for operators: monitoring
cmds="$cmds metrics check"

# "S LONG" per option of COMMAND's --help ("-" for a long-only option)
help_opts() {
	"$bin" "$1" --help | sed -nE \
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
	h=$("$bin" "$c" --help) || problem "cpgtool $c --help failed"
	syn=$(sed -n '1,/^  -h, --help/p' <<<"$h" | syn_words)
	# every command takes options: none read means the patterns below
	# no longer match what --help writes, and nothing would be checked
	[ -n "$syn" ] || problem "no option read from $c's synopsis"
	help_opts "$c" | grep -qv ' help$' ||
		problem "no option read from cpgtool $c --help"
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
# One letter, one meaning: a short option stands for the same long one in
# every command that takes it (lock's -n is --nonblock, as in flock(1);
# --names is -N wherever it is taken). One exception, asked for by name:
# serve's -j is --jobs, as make's is; serve prints nothing, so it has no
# --json for it to be mistaken for. And check's -w and -c are --warning
# and --critical, as the Monitoring Plugins guidelines define them for
# every plugin.
letters=$(for c in $cmds; do
		if [ "$c" = serve ]; then
			help_opts "$c" | grep -vx 'j jobs'
		elif [ "$c" = check ]; then
			# a monitoring plugin's -w and -c are the guidelines'
			help_opts "$c" | grep -vxE 'w warning|c critical'
		else
			help_opts "$c"
		fi
	done | awk '$1 != "-"' | LC_ALL=C sort -u)
for s in $(awk '{ print $1 }' <<<"$letters" | LC_ALL=C uniq -d); do
	problem "-$s means $(awk -v s="$s" '$1 == s { print "--" $2 }' \
		<<<"$letters" | paste -sd/) in different commands"
done
exit "$bad"
