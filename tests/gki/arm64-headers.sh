#!/bin/bash
# Debian's arm64 kernel headers of one ABI, for cross-building the module;
# prints their directory. The ABI defaults to the default cell's
# (tests/qemu/cells); tests/qemu/headers.sh does the work.
#
#   tests/gki/arm64-headers.sh [VER]           fetch if missing (root), print dir
#   tests/gki/arm64-headers.sh --check [VER]   print dir, exit 1 if missing
set -euo pipefail
check=()
[ "${1:-}" != --check ] || { check=(--check); shift; }
exec "$(dirname "$0")/../qemu/headers.sh" "${check[@]}" arm64 "$@"
