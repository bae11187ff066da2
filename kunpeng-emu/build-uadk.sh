#!/bin/sh
# build-uadk.sh [x86_64|aarch64] - build Linaro UADK 2.10 from ../shared/uadk (the archive,
# unmodified, checked against its SHA256SUMS) into kunpeng-emu/target/uadk-<arch>/prefix.
# Cached: a stamp file named after the archive's SHA-256 skips the build when it is current.
# UADK is never copied into the repository (Apache-2.0; not packaged by any registry here).
# Needs autoconf automake libtool libnuma-dev (aarch64: gcc-aarch64-linux-gnu, libnuma-dev:arm64);
# missing Debian packages are installed when running as root (CI), else the script says which.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
arch=${1:-$(uname -m)}
shared=${UADK_SHARED:-$(cd "$here/../.." && pwd)/shared/uadk}
[ -d "$shared" ] || shared=$(cd "$here/.." && pwd)/../shared/uadk
tarball=$shared/uadk-2.10-97d643e4.tar.gz
out=$here/target/uadk-$arch
prefix=$out/prefix

[ -f "$tarball" ] || { echo "ERROR: UADK archive not found: $tarball" >&2; exit 1; }
want=$(awk '$2 == "uadk-2.10-97d643e4.tar.gz" { print $1 }' "$shared/SHA256SUMS")
have=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ -z "$want" ] || [ "$want" != "$have" ]; then
	echo "ERROR: $tarball SHA-256 $have does not match SHA256SUMS ($want)" >&2
	exit 1
fi
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$have" ] &&
   [ -e "$prefix/lib/libwd_crypto.so.2" ] && [ -e "$prefix/lib/uadk/libhisi_sec.so" ]; then
	exit 0	# built from this very archive
fi

case $arch in
x86_64) host=; pc=; need="autoconf automake libtool pkg-config libnuma-dev" ;;
aarch64) host=aarch64-linux-gnu; pc=/usr/lib/aarch64-linux-gnu/pkgconfig
	need="autoconf automake libtool pkg-config gcc-aarch64-linux-gnu libnuma-dev:arm64" ;;
*) echo "ERROR: unsupported arch $arch (x86_64 or aarch64)" >&2; exit 1 ;;
esac
missing=
for p in $need; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "[uadk] installing:$missing"
		case $missing in *:arm64*) dpkg --print-foreign-architectures | grep -qx arm64 ||
			dpkg --add-architecture arm64 ;; esac
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
	else
		echo "ERROR: UADK's build needs:$missing (apt-get install -y$missing)" >&2
		exit 1
	fi
fi

rm -rf "$out"
mkdir -p "$out/src"
tar -xzf "$tarball" -C "$out/src" --strip-components=1
cd "$out/src"
echo "[uadk] building UADK 2.10 ($arch) in $out"
./autogen.sh >"$out/autogen.log" 2>&1 || { tail -20 "$out/autogen.log"; exit 1; }
# WD_NO_LOG is not set: WD_ERR goes to syslog; the emulator's run script can show it.
if [ -n "$host" ]; then
	PKG_CONFIG_LIBDIR=$pc ./configure --host="$host" --prefix="$prefix" >"$out/configure.log" 2>&1 ||
		{ tail -20 "$out/configure.log"; exit 1; }
else
	./configure --prefix="$prefix" >"$out/configure.log" 2>&1 || { tail -20 "$out/configure.log"; exit 1; }
fi
make -j"$(nproc)" >"$out/make.log" 2>&1 || { tail -30 "$out/make.log"; exit 1; }
make install >"$out/install.log" 2>&1 || { tail -20 "$out/install.log"; exit 1; }
echo "$have" >"$out/stamp"
echo "[uadk] installed in $prefix"
