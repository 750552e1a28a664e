#!/bin/bash
# kernel-doc over the module: every function a kmod/ header declares (or
# defines inline) has a kernel-doc comment there, and scripts/kernel-doc
# (from the kernel headers, or $KERNEL_DOC) has nothing to say about any
# of them. Prints TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kd=${KERNEL_DOC:-$(ls -d /usr/src/linux-headers-*-common/scripts/kernel-doc \
	2>/dev/null | sort -V | head -n1)}
if [ -z "$kd" ] || [ ! -f "$kd" ]; then
	echo "not ok - kernel-doc: no scripts/kernel-doc (linux-headers, tests/deps.sh)"
	exit 1
fi
cd "$top"
hdrs=$(ls kmod/*.h)

# -none -v prints the warnings (and progress, dropped): a comment that does not match its
# function, an undocumented parameter or return value, a stray "/**".
warn=$(perl "$kd" -none -v $hdrs 2>&1 | grep -E ': (warning|error):')

# Every declared function (a prototype or a static inline, whose name is
# at the start of a line or after its return type) must be documented.
declared=$(perl -0777 -ne '
	s{/\*.*?\*/}{}gs;			# comments
	s{^[ \t]*#(?:[^\n]*\\\n)*[^\n]*}{}gm;	# preprocessor lines
	s{\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}}{;}gs;	# bodies
	for (split /;/) {
		next if /typedef|\(\s*\*/;
		print "$1\n" if /^[^=()]*?\b(cw_[a-z0-9_]+)\s*\(/s;
	}' $hdrs | sort -u)
documented=$(perl "$kd" -rst $hdrs 2>/dev/null |
	perl -ne 'print "$1\n" if /^\.\. c:function:: .*?(\w+)\s*\(/' | sort -u)
missing=$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$documented"))

rc=0
if [ -n "$warn" ]; then
	printf '%s\n' "$warn" | sed 's/^/# /'
	rc=1
fi
for f in $missing; do
	echo "# $f(): declared in a kmod/ header without a kernel-doc comment"
	rc=1
done
n=$(printf '%s\n' "$declared" | grep -c .)
if [ $rc = 0 ]; then
	echo "ok - kernel-doc: $n functions of kmod/*.h documented, no warning"
else
	echo "not ok - kernel-doc: warnings or undocumented functions above"
fi
exit $rc
