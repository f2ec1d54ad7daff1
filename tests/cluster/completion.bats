#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-3-Clause
# Shell completion (driven directly, no cluster needed) and make install.

bats_require_minimum_version 1.5.0

setup() {
	TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	STUB=$BATS_TEST_TMPDIR/bin
	mkdir -p "$STUB"
}

# complete WORDS...: COMPREPLY for the command line WORDS (last word is
# the one being completed), as bash would ask for it
complete_bash() {
	# shellcheck source=/dev/null
	. "$TOP/completion/cpgtool.bash"
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	_cpgtool
	printf '%s\n' "${COMPREPLY[@]}"
}

stub_members() {
	printf '#!/bin/sh\n%s\n' "$1" >"$STUB/cpgtool"
	chmod +x "$STUB/cpgtool"
	PATH=$STUB:$PATH
}

@test "bash: commands" {
	run -0 complete_bash cpgtool ''
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "ask check join lock members metrics quorum send serve top watch " ]
	run -0 complete_bash cpgtool wa
	[ "$output" = watch ]
}

@test "bash: options of each command" {
	run -0 complete_bash cpgtool watch --ma
	[ "$output" = --max-backlog ]
	run -0 complete_bash cpgtool send --wait-m
	[ "$output" = --wait-members ]
	run -0 complete_bash cpgtool members --w
	[ "$(tr '\n' ' ' <<<"$output")" = "--wait --watch --wait-for-corosync " ]
	run -0 complete_bash cpgtool join --wh
	[ "$output" = --whole ]
	run -0 complete_bash cpgtool quorum --w
	[ "$(tr '\n' ' ' <<<"$output")" = "--watch --wait-for-corosync " ]
	run -0 complete_bash cpgtool watch --q
	[ "$output" = --quorum ]
	run -0 complete_bash cpgtool metrics --te
	[ "$output" = --textfile ]
	run -0 complete_bash cpgtool check --c
	[ "$output" = --critical ]
}

@test "bash: quorum takes no groups" {
	stub_members 'echo "alpha 1 10"'
	run -0 complete_bash cpgtool quorum ''
	[[ $output != *alpha* ]]
}

@test "bash: top's options, and no groups" {
	run -0 complete_bash cpgtool top --
	[ "$(tr '\n' ' ' <<<"$output")" = \
		"--help --once --interval --timeout --wait-for-corosync " ]
	stub_members 'echo "alpha 1 10"'
	run -0 complete_bash cpgtool top ''
	[[ $output != *alpha* ]]
}

@test "bash: ask and serve" {
	run -0 complete_bash cpgtool ask --fi
	[ "$(tr '\n' ' ' <<<"$output")" = "--file --first " ]
	run -0 complete_bash cpgtool ask --encoding h
	[ "$output" = hex ]
	# serve's -j takes a count: nothing to offer
	run -0 complete_bash cpgtool serve -j ''
	[ -z "$output" ]
	run -0 complete_bash cpgtool serve --max-r
	[ "$output" = --max-reply ]
	# past GROUP, the words are COMMAND's
	run -0 complete_bash cpgtool serve -j 2 grp -- bas
	grep -qx bash <<<"$output"
}

@test "bash: values of --encoding and --events" {
	run -0 complete_bash cpgtool watch --encoding b
	[ "$output" = base64 ]
	run -0 complete_bash cpgtool watch -E c
	[ "$output" = confchg ]
}

@test "bash: group names from the live cluster" {
	stub_members 'echo "alpha 1 10"; echo "alpha 2 20"; echo "crmd\\x00 1 5"'
	run -0 complete_bash cpgtool watch ''
	# quoted for the shell: typed back, it is the argument crmd\x00
	[ "$(tr '\n' ' ' <<<"$output")" = 'alpha crmd\\x00 ' ]
	run -0 complete_bash cpgtool members a
	[ "$output" = alpha ]
}

@test "bash: no corosync, no groups, no noise" {
	stub_members 'echo "cpgtool: cannot connect" >&2; exit 3'
	run -0 --separate-stderr complete_bash cpgtool watch ''
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "zsh loads its completion" {
	# +X loads it now (an autoload alone says "function" for a file that
	# exists nowhere); whence -v says from where
	run -0 zsh -fc "fpath=($TOP/completion \$fpath); autoload -U compinit;
	    compinit -u -D; autoload -U +X _cpgtool; whence -v _cpgtool"
	[[ $output == *"function from $TOP/completion/_cpgtool" ]]
}

@test "fish loads its completion and completes commands" {
	run -0 fish -n "$TOP/completion/cpgtool.fish"
	run -0 fish -c "source $TOP/completion/cpgtool.fish; complete -C'cpgtool wa'"
	[[ $output == watch* ]]
	run -0 fish -c "source $TOP/completion/cpgtool.fish;
	    complete -C'cpgtool watch --enc'"
	[[ $output == --encoding* ]]
}

@test "make install and uninstall into a DESTDIR" {
	d=$BATS_TEST_TMPDIR/root
	make -s -C "$TOP" install DESTDIR="$d" PREFIX=/usr >/dev/null
	for f in usr/bin/cpgtool usr/share/man/man1/cpgtool.1 \
		usr/share/zsh/site-functions/_cpgtool \
		usr/share/fish/vendor_completions.d/cpgtool.fish; do
		[ -f "$d/$f" ]
	done
	[ -x "$d/usr/bin/cpgtool" ]
	bash_dir=$(pkg-config --define-variable=prefix=/usr \
		--variable=completionsdir bash-completion)
	[ -f "$d$bash_dir/cpgtool" ]
	make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/usr >/dev/null
	[ -z "$(find "$d" -type f)" ]
}

@test "make install under PREFIX=/usr/local puts nothing outside it" {
	d=$BATS_TEST_TMPDIR/root
	make -s -C "$TOP" install DESTDIR="$d" PREFIX=/usr/local >/dev/null
	[ -f "$d/usr/local/share/bash-completion/completions/cpgtool" ]
	run -0 find "$d" ! -type d ! -path "$d/usr/local/*"
	[ -z "$output" ]
	make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/usr/local >/dev/null
	[ -z "$(find "$d" ! -type d)" ]
}
