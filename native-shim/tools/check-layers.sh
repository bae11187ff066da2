#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check-layers.sh OBJ_DIR SRC_DIR - the shim's layering, from what the compiler
# and linker see rather than from what the comments say:
#
#   api (shim.c) -> backend (backend_*.c) -> core (core.c, buf.c, uacce.c)
#       -> kernels (crypto_*.c, rsa_ifma.c, sha_mb.c)
#
# Calls: an undefined symbol of A.o that B.o defines is an edge A -> B (nm).
# Includes: #include "h" in A is an edge A -> h. Every edge must stay in its
# layer or go down; the call graph must have no cycle (tsort), also inside a
# layer. Besides: each backend_<name>.o defines exactly one global symbol,
# accel_<name>_ops (its registration), and only the API layer defines
# exported (default-visibility) symbols. A file in no layer fails the check:
# give it one below.
# NM, READELF: the binutils for the objects (aarch64: aarch64-linux-gnu-nm).
set -u
obj=${1:?usage: check-layers.sh OBJ_DIR SRC_DIR}
src=${2:?usage: check-layers.sh OBJ_DIR SRC_DIR}
NM=${NM:-nm}
READELF=${READELF:-readelf}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# rank of a source file or header (by base name): higher calls lower
rank() {
	case $1 in
	accel_shim.h) echo 0 ;;	# the public ABI: types and constants every layer shares
	crypto_*.c | rsa_ifma.[ch] | sha_mb.[ch] | kernels.h | cpu_x86.h) echo 1 ;;
	core.[ch] | buf.c | uacce.c | ring.h) echo 2 ;;
	backend_*.c | internal.h | uadk_abi.h) echo 3 ;;
	shim.c) echo 4 ;;
	*) echo x ;;
	esac
}
layer_name() {
	case $1 in 0) echo abi ;; 1) echo kernels ;; 2) echo core ;; 3) echo backend ;; 4) echo api ;; esac
}
err() {
	echo "check-layers: $*"
	fail=1
}

set -- "$obj"/*.o
[ -e "$1" ] || { echo "check-layers: no objects in $obj"; exit 1; }

# symbol table: "symbol file" for every global definition
for o in "$@"; do
	f=$(basename "$o" .o)
	[ "$(rank "$f.c")" = x ] && err "$f.c is in no layer (add it to tools/check-layers.sh)"
done
for o in "$@"; do
	f=$(basename "$o" .o)
	# __*: the compiler's own (ASan's __odr_asan.<name> beside each global)
	$NM -g --defined-only "$o" | awk -v f="$f" 'NF >= 3 && $3 !~ /^__/ { print $3, f }'
done | sort >"$tmp/defs"

# call edges "from to" (each once)
for o in "$@"; do
	f=$(basename "$o" .o)
	$NM -u "$o" | awk '{ print $NF }' | sort -u | join - "$tmp/defs" |
		awk -v f="$f" '$2 != f { print f, $2 }'
done | sort -u >"$tmp/calls"

while read -r a b; do
	ra=$(rank "$a.c") rb=$(rank "$b.c")
	[ "$rb" -le "$ra" ] ||
		err "upward call: $a.c ($(layer_name "$ra")) -> $b.c ($(layer_name "$rb")):" \
			"$($NM -u "$obj/$a.o" | awk '{ print $NF }' | sort | join - "$tmp/defs" |
				awk -v b="$b" '$2 == b { printf "%s ", $1 }')"
done <"$tmp/calls"

# cycles: tsort reports a loop (also one inside a layer)
awk '{ print; print $1, $1; print $2, $2 }' "$tmp/calls" | tsort >/dev/null 2>"$tmp/tsort" ||
	err "call cycle(s):$(sed -e 's/.*input contains a loop:/ |/' -e 's/^tsort: //' "$tmp/tsort" | tr '\n' ' ')"

# include edges
: >"$tmp/includes"
for s in "$src"/*.c "$src"/*.h; do
	a=$(basename "$s")
	ra=$(rank "$a")
	[ "$ra" = x ] && { err "$a is in no layer (add it to tools/check-layers.sh)"; continue; }
	for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$s"); do
		rh=$(rank "$(basename "$h")")
		if [ "$rh" = x ]; then
			err "$a includes $h, which is in no layer"
		elif [ "$rh" -gt "$ra" ]; then
			err "upward include: $a ($(layer_name "$ra")) includes $h ($(layer_name "$rh"))"
		else
			echo "$a $h" >>"$tmp/includes"
		fi
	done
done

# a backend registers itself with one symbol and exposes nothing else
for o in "$obj"/backend_*.o; do
	[ -e "$o" ] || continue
	f=$(basename "$o" .o)
	want="accel_${f#backend_}_ops"
	got=$(awk -v f="$f" '$2 == f { printf "%s ", $1 }' "$tmp/defs")
	[ "$got" = "$want " ] || err "$f.o must define only $want; it defines: $got"
done

# exported (default visibility) definitions: API layer only
for o in "$@"; do
	f=$(basename "$o" .o)
	[ "$(rank "$f.c")" = 4 ] && continue
	exp=$($READELF -sW "$o" | awk '$5 == "GLOBAL" && $6 == "DEFAULT" && $7 != "UND" { printf "%s ", $8 }')
	[ -z "$exp" ] || err "$f.o ($(layer_name "$(rank "$f.c")")) exports $exp- only the API layer may"
done

if [ $fail -ne 0 ]; then
	echo "check-layers: FAILED"
	exit 1
fi
echo "check-layers: calls (nm):"
awk '{ to[$1] = to[$1] " " $2 } END { for (f in to) print f " ->" to[f] }' "$tmp/calls" |
	sort | sed 's/^/  /'
echo "check-layers: OK: $(wc -l <"$tmp/calls") call edges, $(wc -l <"$tmp/includes")" \
	"include edges, no cycle, none upward (api -> backend -> core -> kernels)"
