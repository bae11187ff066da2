#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check-env.sh OBJ_DIR LIB - what the shim takes from its environment, from what
# the linker sees:
#
#   - no object calls getenv: every override (library names, sysfs roots,
#     kernel choices) goes through secure_getenv, which returns NULL in a
#     setuid/setgid/setcap process (AT_SECURE), so such a process cannot be
#     made to dlopen another library or read another tree;
#   - the library names libcrypto only as libcrypto.so.3: the unversioned
#     libcrypto.so is a development symlink that may point at any ABI.
# NM: the binutils for the objects (aarch64: aarch64-linux-gnu-nm).
set -u
obj=${1:?usage: check-env.sh OBJ_DIR LIB}
lib=${2:?usage: check-env.sh OBJ_DIR LIB}
NM=${NM:-nm}
fail=0

set -- "$obj"/*.o
[ -e "$1" ] || { echo "check-env: no objects in $obj"; exit 1; }
for o in "$@"; do
	if $NM -u "$o" | awk '{ print $NF }' | grep -qx 'getenv'; then
		echo "check-env: $(basename "$o" .o).c calls getenv; use secure_getenv"
		fail=1
	fi
done
[ -f "$lib" ] || { echo "check-env: no library $lib"; exit 1; }
if tr '\0' '\n' <"$lib" | grep -qx 'libcrypto\.so'; then
	echo "check-env: $lib names the unversioned libcrypto.so; load libcrypto.so.3 only"
	fail=1
fi
if ! tr '\0' '\n' <"$lib" | grep -qx 'libcrypto\.so\.3'; then
	echo "check-env: $lib does not name libcrypto.so.3"
	fail=1
fi
if [ $fail -ne 0 ]; then
	echo "check-env: FAILED"
	exit 1
fi
echo "check-env: OK: $# objects, no getenv (secure_getenv only); libcrypto by libcrypto.so.3 only"
