#!/bin/bash
# The identifier guard's false positives (issue 15): at least 100 MB of
# real plaintext, this machine's own documentation (the man pages and
# /usr/share/doc, decompressed), sent through the guest to a counting
# server while random valid identifiers are configured, must all arrive
# and block nothing. The text goes in as a read-only virtio disk, a raw
# image of the concatenated files, built once and cached in
# /var/cache/consentwall/ (its manifest next to it); the guest scenario
# (94-idents-no-false-positive.sh, here, not in tests/guest: it needs the
# disk) streams it from /dev/vda.
#
# usage: tests/idents-fp/run.sh          (TAP, from make check-idents-fp)
# env:   CW_FP_MB   the corpus size in MiB (default 112, at least 100)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mb=${CW_FP_MB:-112}
cache=${CW_CACHE:-/var/cache/consentwall}
img=$cache/idents-fp-docs-${mb}M.img
mkdir -p "$cache"

# The corpus: every text file of the man pages and /usr/share/doc in name
# order, gzip'd ones decompressed, binary ones (NUL bytes: images, PDFs)
# left out, up to mb MiB.
if [ ! -s "$img" ]; then
	echo "# building $img from /usr/share/man and /usr/share/doc" >&2
	tmp=$img.tmp
	: >"$tmp"
	: >"$img.manifest"
	want=$((mb * 1024 * 1024))
	while IFS= read -r -d '' f; do
		case $f in
		*.gz) zcat -- "$f" 2>/dev/null >"$tmp.one" || continue ;;
		*) cat -- "$f" >"$tmp.one" 2>/dev/null || continue ;;
		esac
		# Text only: no NUL byte, and grep sees it as text.
		grep -qI . "$tmp.one" 2>/dev/null || continue
		cat "$tmp.one" >>"$tmp"
		echo "$f" >>"$img.manifest"
		[ "$(stat -c %s "$tmp")" -lt "$want" ] || break
	done < <(find /usr/share/man /usr/share/doc -type f -print0 | LC_ALL=C sort -z)
	rm -f "$tmp.one"
	got=$(stat -c %s "$tmp")
	if [ "$got" -lt $((100 * 1024 * 1024)) ]; then
		echo "not ok - a corpus of at least 100 MiB (only $got bytes of text on this machine)"
		rm -f "$tmp"
		exit 1
	fi
	# A whole number of 512-byte sectors, padded with NULs (which no text
	# file has: the guest finds the corpus's end by them).
	echo "$got" >"$img.size"
	truncate -s $(( (got + 511) / 512 * 512 )) "$tmp"
	mv "$tmp" "$img"
fi
size=$(cat "$img.size")
echo "# corpus: $img, $size bytes of text from $(wc -l <"$img.manifest") files" >&2

CW_ONLY=94 CW_EXTRA_SCENARIOS="$here/94-idents-no-false-positive.sh" \
CW_EXTRA_MODULES="virtio_pci virtio_blk" \
CW_QEMU_ARGS="-drive file=$img,format=raw,if=virtio,readonly=on" \
CW_SCENARIO_TIMEOUT=${CW_SCENARIO_TIMEOUT:-900} \
CW_BUILD=${CW_BUILD:-$top/build/idents-fp} \
	exec "$top/tests/qemu/run.sh" check
