#!/bin/sh
# Runs each test program; 0 = pass, 77 = skip, anything else = fail.
# Prints one final line "N passed, N failed[, N skipped]" and fails on any failure.
pass=0 fail=0 skip=0 failed=""
# exports: exactly the entry points accel_shim.h declares (ACCEL_API), on every platform:
# the version script exports accel_*, so a missing one is a build that lost it and an
# extra one is a symbol that escaped hidden visibility. Java binds every one unprobed.
if [ -n "$LIB" ]; then
	hdr="$(dirname "$0")/../include/accel_shim.h"
	want=$(sed -n 's/^ACCEL_API[^(]*[ *]\(accel_[a-z0-9_]*\)(.*/\1/p' "$hdr" | sort)
	have=$(${NM:-nm} -D --defined-only "$LIB" | awk '{print $NF}' | sort)
	missing=$(printf '%s\n' "$want" | grep -vxF -e "$have")
	extra=$(printf '%s\n' "$have" | grep -vxF -e "$want")
	if [ -n "$want" ] && [ -z "$missing$extra" ]; then
		echo "  PASS exports ($(printf '%s\n' "$want" | wc -l) accel_* entry points)"
		pass=$((pass + 1))
	else
		echo "  FAIL exports: missing: $(echo $missing) unexpected: $(echo $extra)"
		fail=$((fail + 1))
		failed=" exports"
	fi
fi
for t in "$@"; do
	name=$(basename "$t")
	timeout -k 10 300 $RUNNER "$t" >"$t.log" 2>&1
	rc=$?
	sed 's/^/  /' "$t.log"
	case $rc in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed="$failed $name"; echo "  $name: exit code $rc" ;;
	esac
done
[ -n "$failed" ] && echo "failed:$failed"
if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
