#!/bin/sh
# UADK's uadk_tool SEC known answers (api v2 and v3) against the emulated QM.
here=$(cd "$(dirname "$0")/.." && pwd)
exec python3 "$here/tests/uadk_tool_kat.py" \
	"$here/target/uadk-${KUNPENG_EMU_ARCH:-$(uname -m)}/src/uadk_tool/test/sec_template_tv.h" "$here/run" "$@"
