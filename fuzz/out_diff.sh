#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# out_diff.sh BASE: the renderers of git revision BASE against this
# tree's, byte for byte (out_diff.c says what is compared). BASE's
# renderers (its out*.c) are built from its own tree with every global
# they define renamed old_*, and linked with this tree's output layer.
# Run from fuzz/ (make -C fuzz diff BASE=rev); the work is done in a
# temporary directory, removed at the end.
set -eu
base=${1:?usage: out_diff.sh BASE}
cc=${CC:-clang}
flags="-std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=address,undefined
-fno-sanitize-recover=all $(pkg-config --cflags libcpg)"
w=$(mktemp -d "${TMPDIR:-/tmp}/out_diff.XXXXXX")
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/base" "$w/new"
git -C .. archive "$base" | tar -x -C "$w/base"
# BASE's renderers: out.c and whatever it was later split into
for f in "$w"/base/out*.c; do
	o=$w/base/$(basename "$f" .c).o
	# shellcheck disable=SC2086
	$cc $flags -c -o "$o" "$f"
done
nm --defined-only -g "$w"/base/out*.o | awk 'NF == 3 { print $3, "old_" $3 }' |
	sort -u >"$w/rename"
for o in "$w"/base/out*.o; do
	objcopy --redefine-syms="$w/rename" "$o"
done
# this tree's output layer, and util.c under it
for f in ../sink.c ../enc.c ../util.c ../out*.c out_diff.c; do
	[ -e "$f" ] || continue
	# shellcheck disable=SC2086
	$cc $flags -c -o "$w/new/$(basename "$f" .c).o" "$f"
done
# shellcheck disable=SC2086
$cc $flags -Wl,--wrap=enc_now -o "$w/out_diff" "$w"/new/*.o "$w"/base/out*.o
"$w/out_diff"
