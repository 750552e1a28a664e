#!/bin/bash
# The Android integration files, checked as far as Debian's tools allow.
# Each check prints one TAP line and can fail:
#   - Android.bp parses and is bpfmt-formatted, and its globs compile
#     exactly the files userspace/Makefile builds into consentd, consentctl;
#   - the sepolicy compiles with checkpolicy (MLS, as Android's) on a
#     minimal base, and file_contexts validates against it (setfiles -c);
#   - the identifiers file: consentd.conf's path is labelled
#     consentd_identifiers_file, its directory made 0700 by the .rc, and
#     the policy's neverallows refuse any other domain reading it (a
#     policy that lets shell read it must not compile) while the ROM's
#     writer (consentd_identifiers_writer) may write it;
#   - consentwall.rc agrees with the code and the policy: the socket
#     consentd takes over (ANDROID_SOCKET_consentd), its label, the binary
#     path, and CAP_NET_ADMIN as the only capability;
#   - kmod/BUILD.bazel parses (Starlark is Python syntax) and its glob
#     is exactly the module's sources in kmod/Makefile.
# Not checked (no tool on Debian): Soong's own build, init's parser,
# Android's full policy (its own neverallows, m4 macros), Kleaf's build.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
rc=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; rc=1; }
a=userspace/android

# ---- Android.bp ------------------------------------------------------------
if out=$(bpfmt -d userspace/Android.bp 2>&1) && [ -z "$out" ]; then
	ok "Android.bp parses and is bpfmt-clean"
else
	echo "$out"
	notok "Android.bp parses and is bpfmt-clean"
fi
# The sources each program gets from Android.bp's globs...
bp_srcs() {
	python3 - "$1" <<'PY'
import glob, re, sys
bp = open("userspace/Android.bp").read()
m = re.search(r'cc_binary \{\s*name: "%s",(.*?)\n\}' % sys.argv[1], bp, re.S)
srcs = re.findall(r'"([^"]+\.c)"', m.group(1)) if m else []
print(" ".join(sorted(f for g in srcs for f in glob.glob("userspace/" + g))))
PY
}
# ...and from userspace/Makefile.
mk_srcs() {
	make -s --no-print-directory -C userspace -f Makefile -f - <<<'p: ; @echo $(LIB_SRC) '"$1" p |
		tr ' ' '\n' | grep . | sed 's|^|userspace/|' | sort | tr '\n' ' ' | sed 's/ $//'
}
for p in consentd consentctl; do
	case $p in
	consentd) want=$(mk_srcs '$(D_SRC) consentd/main.c') ;;
	consentctl) want=$(mk_srcs '$(CTL_SRC)') ;;
	esac
	got=$(bp_srcs $p)
	if [ -n "$got" ] && [ "$got" = "$want" ]; then
		ok "Android.bp builds $p from the files userspace/Makefile does"
	else
		echo "# Android.bp: $got"
		echo "# Makefile:   $want"
		notok "Android.bp builds $p from the files userspace/Makefile does"
	fi
done

# ---- sepolicy ---------------------------------------------------------------
cat tests/android/base.te $a/sepolicy/consentd.te tests/android/base-tail.te >"$t/policy.conf"
if out=$(checkpolicy -M -c 30 -o "$t/policy.bin" "$t/policy.conf" 2>&1); then
	ok "sepolicy: consentd.te compiles with checkpolicy -M on a minimal base"
	if out=$(setfiles -c "$t/policy.bin" $a/sepolicy/file_contexts 2>&1); then
		ok "sepolicy: file_contexts valid against it (setfiles -c)"
	else
		echo "$out"
		notok "sepolicy: file_contexts valid against it (setfiles -c)"
	fi
else
	echo "$out"
	notok "sepolicy: consentd.te compiles with checkpolicy -M on a minimal base"
fi

# ---- the identifiers file ------------------------------------------------------
idpath=$(sed -n 's/^identifiers = //p' $a/consentd.conf)
# The label file_contexts gives a path: its last matching line, as Android's.
label_of() {
	python3 - "$1" $a/sepolicy/file_contexts <<'PY'
import re, sys
label = None
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) >= 2 and not f[0].startswith("#") and re.fullmatch(f[0], sys.argv[1]):
        label = f[-1]
print(label or "none")
PY
}
got=$(label_of "$idpath")
iddir=${idpath%/*}
if [ -n "$idpath" ] && [ "$got" = u:object_r:consentd_identifiers_file:s0 ] &&
   [ "$(label_of "$iddir")" = "$got" ] &&
   grep -qE "^ +mkdir $iddir 0700 system system$" $a/consentwall.rc; then
	ok "identifiers: $idpath labelled consentd_identifiers_file, $iddir made 0700 system"
else
	notok "identifiers: '$idpath' labelled $got; $iddir must be too and made 0700 system by the .rc"
fi
# The policy with one more rule: compiles (0) or not (1).
with_rule() {
	{ cat tests/android/base.te $a/sepolicy/consentd.te; echo "$1"; cat tests/android/base-tail.te; } >"$t/p2.conf"
	checkpolicy -M -c 30 -o "$t/p2.bin" "$t/p2.conf" >"$t/p2.out" 2>&1
}
if ! with_rule "allow shell consentd_identifiers_file:file { open read };" &&
   grep -q neverallow "$t/p2.out" &&
   ! with_rule "allow system_app consentd_identifiers_file:dir search;" &&
   ! with_rule "allow consentd consentd_identifiers_file:file write;" &&
   with_rule "type rom_writer, domain; typeattribute rom_writer consentd_identifiers_writer;"; then
	ok "identifiers: no other domain may read them, consentd may not write them, the ROM's writer may"
else
	cat "$t/p2.out"
	notok "identifiers: the neverallows do not hold as they should"
fi

# ---- init .rc agrees with the code and the policy ---------------------------
rcf=$a/consentwall.rc
svc=$(awk '$1 == "service" && $2 == "consentd" { print $3 }' $rcf)
sock=$(awk '$1 == "socket" { print $2 }' $rcf)
caps=$(awk '$1 == "capabilities" { $1 = ""; print substr($0, 2) }' $rcf)
why=
grep -q "getenv(\"ANDROID_SOCKET_$sock\")" userspace/consentd/control.c ||
	why="consentd does not take over ANDROID_SOCKET_$sock"
grep -q "^/dev/socket/$sock[[:space:]].*consentd_socket" $a/sepolicy/file_contexts ||
	why="/dev/socket/$sock has no consentd_socket label"
grep -q "^$svc[[:space:]].*consentd_exec" $a/sepolicy/file_contexts ||
	why="$svc is not labelled consentd_exec"
[ "$svc" = /vendor/bin/consentd ] || why="service binary $svc is not where Android.bp (vendor) installs it"
[ "$caps" = NET_ADMIN ] || why="capabilities '$caps', not NET_ADMIN alone"
grep -q "self:capability net_admin;" $a/sepolicy/consentd.te ||
	why="the policy does not grant net_admin"
if [ -z "$why" ]; then
	ok "consentwall.rc: socket $sock handed to consentd, $svc labelled, NET_ADMIN only"
else
	notok "consentwall.rc: $why"
fi

# ---- Kleaf BUILD.bazel --------------------------------------------------------
if out=$(python3 - <<'PY' 2>&1
import ast, glob, fnmatch, os, re, subprocess
tree = ast.parse(open("kmod/BUILD.bazel").read())
call = next(n.value for n in tree.body if isinstance(n, ast.Expr)
            and getattr(n.value.func, "id", "") == "ddk_module")
kw = {k.arg: k.value for k in call.keywords}
g = kw["srcs"]
inc = [ast.literal_eval(e) for e in g.args[0].elts]
exc = [ast.literal_eval(e) for e in next(k.value for k in g.keywords if k.arg == "exclude").elts]
files = {f for p in inc for f in glob.glob(os.path.join("kmod", p))}
files = {f for f in files if not any(fnmatch.fnmatch(os.path.basename(f), x) for x in exc)}
got = sorted(f for f in files if f.endswith(".c"))
mk = open("kmod/Makefile").read()
objs = re.search(r"consentwall-y\s*:=(.*?)\n(?!\s)", mk, re.S).group(1).replace("\\", " ").split()
want = sorted("kmod/" + o[:-2] + ".c" for o in objs)
if got != want:
    raise SystemExit("BUILD.bazel compiles %s, kmod/Makefile %s" % (got, want))
if ast.literal_eval(kw["out"]) != "consentwall.ko":
    raise SystemExit("out is not consentwall.ko")
PY
); then
	ok "kmod/BUILD.bazel parses; its ddk_module compiles kmod/Makefile's sources"
else
	echo "$out"
	notok "kmod/BUILD.bazel: ddk_module sources"
fi
exit $rc
