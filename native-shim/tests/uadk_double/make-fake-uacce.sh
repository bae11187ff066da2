#!/bin/sh
# make-fake-uacce.sh ROOT - builds a FAKE UACCE sysfs tree and /dev directory for
# tests and demos (never a real device):
#   ROOT/sys/class/uacce/<name>/{api,flags,algorithms,available_instances,isolate,device/numa_node}
#   ROOT/dev/<name>
# Point Accel at it with
#   ACCEL_UACCE_SYSFS_ROOT=ROOT/sys/class/uacce ACCEL_UACCE_DEV_ROOT=ROOT/dev
# Devices, one per state discovery must explain:
#   hisi_sec2-0   OK (SEC2: cipher digest aead)
#   hisi_hpre-1   OK (HPRE: rsa dh ecdh ...)
#   hisi_sec2-2   no SVA (flags=0)
#   hisi_sec2-3   isolated (isolate=1)
#   hisi_hpre-4   no free queues (available_instances=0)
#   hisi_sec2-5   no device node in ROOT/dev
#   hisi_hpre-6   no permission (device node mode 0600, owned by root; as root
#                 this one looks usable: root bypasses file permissions)
#   hisi_zip-7    a driver Accel does not use
#   hisi_sec-8    out-of-tree driver name, OK
# Only-OK mode (a tree the uadk test double can serve without noise):
#   make-fake-uacce.sh ROOT ok
set -eu
root=${1:?usage: make-fake-uacce.sh ROOT [ok]}
mode=${2:-all}
sys=$root/sys/class/uacce
dev=$root/dev
mkdir -p "$sys" "$dev"

# mk NAME FLAGS ALGS AVAIL ISOLATE NUMA DEVMODE(none = no node)
mk() {
	d=$sys/$1
	mkdir -p "$d/device"
	echo hisi_qm_v2 >"$d/api"
	echo "$2" >"$d/flags"
	printf '%s\n' $3 >"$d/algorithms"
	echo "$4" >"$d/available_instances"
	echo "$5" >"$d/isolate"
	echo "$6" >"$d/device/numa_node"
	if [ "$7" != none ]; then
		: >"$dev/$1"
		chmod "$7" "$dev/$1"
	fi
}

SEC="cipher digest aead"
HPRE="rsa dh ecdh x25519 x448 ecdsa sm2"
mk hisi_sec2-0 1 "$SEC" 256 0 0 0666
mk hisi_hpre-1 1 "$HPRE" 256 0 0 0666
[ "$mode" = ok ] && exit 0
mk hisi_sec2-2 0 "$SEC" 256 0 0 0666
mk hisi_sec2-3 1 "$SEC" 256 1 0 0666
mk hisi_hpre-4 1 "$HPRE" 0 0 1 0666
mk hisi_sec2-5 1 "$SEC" 256 0 1 none
mk hisi_hpre-6 1 "$HPRE" 256 0 1 0600
mk hisi_zip-7 1 "zlib gzip deflate lz77_zstd" 256 0 0 0666
mk hisi_sec-8 1 "$SEC" 256 0 1 0666
