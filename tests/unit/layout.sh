#!/bin/sh
# The module's calls go one way (README, "Repository layout"): each kmod/
# file may call functions of the files after it in $order, never of one
# before it. Checked on the built objects: every cw_* symbol an object
# needs (nm -u) is looked up among the symbols the others define.
# Usage: tests/unit/layout.sh [DIR...] (default kmod; run after make module,
# and give build/kmod-debug/kmod too for selftest.o and ruleset_ref.o).
order="main selftest ruleset_ref hooks scan names reject events netlink net learned flows
quic_flows quic_crypto quic dns_answer parse ruleset ruleset_tables ruleset_addr ruleset_intern ruleset_match
idmatch"
[ $# -gt 0 ] || set -- kmod

rank() {
	i=0
	for f in $order; do
		[ "$f" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

defs=$(mktemp) && trap 'rm -f "$defs"' EXIT
for dir; do
	for o in "$dir"/*.o; do
		case $o in *.mod.o | */consentwall.o) continue ;; esac
		b=$(basename "$o" .o)
		nm --defined-only -g "$o" | awk -v f="$b" '$3 ~ /^cw_/ { print $3, f }'
	done
done | sort -u >"$defs"

bad=0 n=0 seen=" "
for dir; do
	for o in "$dir"/*.o; do
		case $o in *.mod.o | */consentwall.o) continue ;; esac
		b=$(basename "$o" .o)
		case $seen in *" $b "*) continue ;; esac
		seen="$seen$b "
		rb=$(rank "$b")
		if [ "$rb" -lt 0 ]; then
			echo "# $b.o is not in the layout order of $0"
			bad=1
			continue
		fi
		n=$((n + 1))
		for s in $(nm -u "$o" | awk '$2 ~ /^cw_/ { print $2 }'); do
			t=$(awk -v s="$s" '$1 == s { print $2; exit }' "$defs")
			[ -n "$t" ] || continue
			rt=$(rank "$t")
			if [ "$rt" -le "$rb" ]; then
				echo "# $b.c calls $s() of $t.c, which is not below it"
				bad=1
			fi
		done
	done
done
if [ $bad = 0 ] && [ $n -gt 0 ]; then
	echo "ok - layout: $n kmod/ objects, every call goes down the order"
else
	echo "not ok - layout: calls back up, or no object built (make module)"
	exit 1
fi
