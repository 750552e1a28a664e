#!/bin/bash
# One cell of the test matrix (tests/qemu/cells), for scripts and make.
#
#   tests/qemu/cell.sh CELL      prints "ARCH KVER": amd64 6.1.0-57-amd64
#   tests/qemu/cell.sh --list    prints every cell's name, default first
# An unknown cell is an error naming the known ones.
set -euo pipefail
cells=$(dirname "$0")/cells
table() { sed 's/#.*//' "$cells" | awk 'NF == 3'; }
if [ "${1:-}" = --list ]; then
	table | awk '{ print $1 }'
	exit 0
fi
cell=${1:?usage: cell.sh CELL | --list}
line=$(table | awk -v c="$cell" '$1 == c { print $2, $3 "-" $2 }')
if [ -z "$line" ]; then
	echo "cell.sh: no cell '$cell' in $cells (known: $(table | awk '{ print $1 }' | tr '\n' ' '))" >&2
	exit 2
fi
echo "$line"
