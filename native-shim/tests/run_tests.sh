#!/bin/sh
# Runs each test program; 0 = pass, 77 = skip, anything else = fail.
# Prints one final line "N passed, N failed[, N skipped]" and fails on any failure.
pass=0 fail=0 skip=0 failed=""
# exports: the library must export exactly the accel_* entry points (version script)
if [ -n "$LIB" ]; then
	extra=$(${NM:-nm} -D --defined-only "$LIB" | awk '{print $NF}' | grep -v '^accel_')
	if [ -z "$extra" ] && ${NM:-nm} -D --defined-only "$LIB" | grep -q ' accel_submit$'; then
		echo "  PASS exports"
		pass=$((pass + 1))
	else
		echo "  FAIL exports: unexpected symbols: $extra"
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
