#!/bin/bash
# Keeps the build cache (/var/cache/consentwall, or CW_CACHE) from growing
# without end: every change to the debug kernel's configuration, the
# in-tree build, the guest's arm64 program list or the packaging chroot's
# package list makes a new entry (1.8 GB for each kernel tree), and the old
# one is never used again by that checkout. Of each kind, the KEEP entries
# (default 2) built last stay, so switching between two checkouts costs
# nothing; an older one goes, unless a build holds its lock right now.
# Entries of the in-tree kernel keep their KEEP newest images too.
#
#   tests/prune-cache.sh          prune, saying what went and what it freed
#   env: CW_CACHE, CW_DEBUG_CACHE (as the build scripts), KEEP
set -euo pipefail

keep=${KEEP:-2}
[ "$keep" -ge 1 ] 2>/dev/null || { echo "prune-cache: KEEP must be a number >= 1" >&2; exit 2; }

# prune DIR PATTERN STAMP: entries DIR/PATTERN, newest by their STAMP
# (a file inside a directory entry, or "." for a file entry) first.
prune() {
	local dir=$1 pattern=$2 stamp=$3 e n=0 size
	[ -d "$dir" ] || return 0
	for e in $(cd "$dir" && for f in $pattern; do
			case $f in *.lock) continue ;; esac
			s=$f; [ "$stamp" = . ] || s=$f/$stamp
			[ -e "$s" ] && echo "$(stat -c %Y "$s") $f"
		done | sort -rn | cut -d' ' -f2); do
		n=$((n + 1))
		[ $n -gt "$keep" ] || continue
		# A build or a run of it holds the lock: leave it.
		if [ -e "$dir/$e.lock" ]; then
			exec 8>"$dir/$e.lock"
			flock -n 8 || { exec 8>&-; continue; }
		fi
		size=$(du -sh "$dir/$e" | cut -f1)
		rm -rf "${dir:?}/$e"
		[ ! -e "$dir/$e.lock" ] || rm -f "$dir/$e.lock"
		exec 8>&- 2>/dev/null || true
		echo "# pruned $dir/$e ($size, not among the $keep built last)"
	done
}

cache=${CW_CACHE:-/var/cache/consentwall}
debug=${CW_DEBUG_CACHE:-/var/cache/consentwall}
prune "$debug" 'debug-kernel-*' complete
prune "$debug" 'intree-kernel-*' copied
prune "$cache" 'userland-*' .complete
prune "$cache" 'chroot-bookworm-*.tar' .
for d in "$debug"/intree-kernel-*/; do
	[ -d "$d" ] || continue
	d=${d%/}
	prune "$d" 'vmlinuz-*' .
	# Each image's build log goes with it.
	for l in "$d"/build-*.log; do
		[ -e "$l" ] || continue
		s=${l##*/build-}
		[ -e "$d/vmlinuz-${s%.log}" ] || rm -f "$l"
	done
done
