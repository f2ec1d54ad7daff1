#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# out_diff.sh BASE: the renderers of git revision BASE against this
# tree's, byte for byte (out_diff.c says what is compared). BASE's
# renderers (its out*.c) are built from its own tree with every global
# they define renamed old_*, and linked with this tree's output layer.
# The files are found by name, in whichever folders a tree keeps them.
# Run from fuzz/ (make -C fuzz diff BASE=rev); the work is done in a
# temporary directory, removed at the end.
set -eu
base=${1:?usage: out_diff.sh BASE}
cc=${CC:-clang}
w=$(mktemp -d "${TMPDIR:-/tmp}/out_diff.XXXXXX")
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/base" "$w/new"
git -C .. archive "$base" | tar -x -C "$w/base"

# a tree's sources, tests, fuzz targets and commands left out
sources() {
	find "$1" \( -path "$1/tests" -o -path "$1/fuzz" -o -path "$1/cmd" -o \
	    -path "$1/.git" -o -path "$1/.san" -o -path "$1/debian" \) -prune \
	    -o -type f -name "$2" -print
}
# -I for every folder of a tree that holds a header
incs() {
	sources "$1" '*.h' | sed 's|/[^/]*$||' | sort -u | sed 's/^/-I/'
}
flags="-std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=address,undefined
-fno-sanitize-recover=all $(pkg-config --cflags libcpg)"

# BASE's renderers: out.c and whatever it was later split into
for f in $(sources "$w/base" 'out*.c'); do
	case ${f##*/} in outopt.c) continue ;; esac
	# shellcheck disable=SC2046,SC2086
	$cc $flags $(incs "$w/base") -c -o "$w/base/$(basename "$f" .c).o" "$f"
done
nm --defined-only -g "$w"/base/out*.o | awk 'NF == 3 { print $3, "old_" $3 }' |
	sort -u >"$w/rename"
for o in "$w"/base/out*.o; do
	objcopy --redefine-syms="$w/rename" "$o"
done
# this tree's output layer (the options' parser by either name), util.c
for f in $(sources .. 'sink.c'; sources .. 'enc.c'; sources .. 'util.c'
    sources .. 'out*.c'; sources .. 'fmt.c') out_diff.c; do
	# shellcheck disable=SC2046,SC2086
	$cc $flags $(incs ..) -c -o "$w/new/$(basename "$f" .c).o" "$f"
done
# shellcheck disable=SC2086
$cc $flags -Wl,--wrap=enc_now -o "$w/out_diff" "$w"/new/*.o "$w"/base/out*.o
"$w/out_diff"
