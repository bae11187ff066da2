#!/bin/sh
# make-tree.sh ROOT [API] - the emulated devices' sysfs tree and device nodes:
#   ROOT/sys/class/uacce/hisi_sec2-0  SEC2 (cipher, digest, aead)
#   ROOT/sys/class/uacce/hisi_hpre-1  HPRE (rsa, dh)
#   ROOT/dev/hisi_sec2-0, ROOT/dev/hisi_hpre-1
# API is hisi_qm_v2 (BD2, Kunpeng 920; default) or hisi_qm_v3 (BD3).
# Every attribute real UADK 2.10 reads (UADK-EMULATION.md section 2): region_*_size are
# mandatory (wd.c:774-779), flags is decimal with bit 0 = SVA, algorithms newline-separated,
# and the names start with the drivers' names (hisi_sec2, hisi_hpre: wd_alg.c:118-142).
# Region sizes are the kernel's for 1024-deep queues and 4 KiB pages (qm_alloc_uacce).
set -eu
root=${1:?usage: make-tree.sh ROOT [hisi_qm_v2|hisi_qm_v3]}
api=${2:-hisi_qm_v2}
sys=$root/sys/class/uacce
mkdir -p "$sys" "$root/dev"
pg=$(getconf PAGESIZE)
# DUS: (PAGE_SIZE-1 + sqe_size*1024 + 16*1024 + PAGE_SIZE) >> PAGE_SHIFT pages
dus() { echo $(( ((pg - 1 + $1 * 1024 + 16 * 1024 + pg) / pg) * pg )); }
mk() {
	d=$sys/$1
	mkdir -p "$d/device"
	echo "$api" >"$d/api"
	echo 1 >"$d/flags"
	printf '%s\n' $2 >"$d/algorithms"
	echo 256 >"$d/available_instances"
	echo 0 >"$d/isolate"
	echo 0 >"$d/device/numa_node"
	echo $(( pg + 4096 )) >"$d/region_mmio_size"
	dus "$3" >"$d/region_dus_size"
	: >"$root/dev/$1"
	chmod 0666 "$root/dev/$1"
}
mk hisi_sec2-0 "cipher digest aead" 128
mk hisi_hpre-1 "rsa dh" 64
