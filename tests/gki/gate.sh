#!/bin/bash
# The GKI symbol gate: every undefined symbol of an arm64 consentwall.ko
# must be exported by the GKI kernel of the Android branch, that is, be in
# one of the branch's vendor symbol lists (tests/gki/symbols/BRANCH), or be
# one that only a build against Debian's headers imports
# (tests/gki/symbols/debian-only). Lists every symbol with the lists that
# hold it; prints one TAP line; exits 1 on any symbol outside the lists.
#
#   tests/gki/gate.sh KO BRANCH      e.g. build/kmod-arm64/kmod/consentwall.ko android14-6.1
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ko=${1:?usage: gate.sh KO BRANCH}
branch=${2:?usage: gate.sh KO BRANCH}
list=$here/symbols/$branch
nm=${NM:-aarch64-linux-gnu-nm}

fail() { echo "not ok - GKI gate $branch: $*"; exit 1; }
[ -f "$list" ] || fail "no symbol list $list"
[ -f "$ko" ] || fail "no module $ko"
syms=$("$nm" -u "$ko" | awk '{ print $2 }') || fail "$nm -u $ko failed"
[ -n "$syms" ] || fail "$ko imports no symbol at all (not a module?)"
ver=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)

n=0 bad=0 deb=0
echo "# undefined symbols of $ko ($ver) against $branch:"
for s in $syms; do
	n=$((n + 1))
	where=$(awk -v s="$s" '$1 == s { print $2; exit }' "$list")
	if [ -n "$where" ]; then
		printf '#   %-32s %s\n' "$s" "$where"
		continue
	fi
	why=$(awk -v s="$s" '$1 == s { $1 = ""; print substr($0, 2); exit }' "$here/symbols/debian-only")
	if [ -n "$why" ]; then
		printf '#   %-32s (Debian build only: %s)\n' "$s" "$why"
		deb=$((deb + 1))
		continue
	fi
	printf '#   %-32s NOT FOUND: look it up in the %s lists, add it here with the list named\n' "$s" "$branch"
	bad=$((bad + 1))
done
[ $bad = 0 ] || fail "$bad of $n undefined symbols of consentwall.ko ($ver) are not exported by GKI"
echo "ok - GKI gate $branch: the $n undefined symbols of consentwall.ko ($ver) are in its lists ($deb from Debian's build only)"
