#!/bin/bash
# checkpatch --strict over the module's sources. ERRORs and WARNINGs fail;
# CHECKs are listed (each must be justified in the code or the report).
# checkpatch.pl comes from the Debian linux-source package, extracted once
# into /var/cache/consentwall/checkpatch (or $CHECKPATCH).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CW_CACHE:-/var/cache/consentwall}/checkpatch
cp=${CHECKPATCH:-$cache/scripts/checkpatch.pl}

if [ ! -x "$cp" ]; then
	src=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)
	if [ -z "$src" ]; then
		echo "not ok - checkpatch: no /usr/src/linux-source-*.tar.xz (tests/deps.sh)"
		exit 1
	fi
	d=$(basename "$src" .tar.xz)
	tmp=$(mktemp -d)
	tar -C "$tmp" -xJf "$src" "$d/scripts/checkpatch.pl" \
		"$d/scripts/spelling.txt" "$d/scripts/const_structs.checkpatch" || exit 1
	mkdir -p "$(dirname "$cache")"
	rm -rf "$cache"
	mv "$tmp/$d" "$cache"
	rm -rf "$tmp"
fi

cd "$top"
# checkpatch exits 1 on any report (a CHECK too, with --strict): a file
# that exits non-zero with nothing reported, or without its "total:" line,
# means checkpatch itself did not run on it, which is a failure.
out=
broken=0
for f in kmod/*.c kmod/*.h kmod/uapi/*.h; do
	case $f in *.mod.c) continue ;; esac
	o=$("$cp" --no-tree --strict -q --terse --show-types -f "$f" 2>&1)
	rc=$?
	out="$out$o"$'\n'
	if ! printf '%s\n' "$o" | grep -q '^total: ' ||
	   { [ $rc != 0 ] && ! printf '%s\n' "$o" | grep -qE ': (ERROR|WARNING|CHECK):'; }; then
		printf '%s\n' "$o" | sed "s|^|# checkpatch on $f (exit $rc): |"
		broken=$((broken + 1))
	fi
done
printf '%s\n' "$out" | grep -E ': (ERROR|WARNING|CHECK):' | sed 's/^/# /'
bad=$(printf '%s\n' "$out" | grep -cE ': (ERROR|WARNING):')
checks=$(printf '%s\n' "$out" | grep -cE ': CHECK:')
if [ "$broken" != 0 ]; then
	echo "not ok - checkpatch --strict: checkpatch failed on $broken files"
	exit 1
elif [ "$bad" = 0 ]; then
	echo "ok - checkpatch --strict: no errors or warnings ($checks checks listed above)"
else
	echo "not ok - checkpatch --strict: $bad errors/warnings"
	exit 1
fi
