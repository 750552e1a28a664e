#!/bin/bash
# Power loss, for real: consentd in the QEMU guest keeps its receipts on
# ext4 on a virtio disk (a file here); the guest asks allow/deny in a loop
# and the host kills QEMU (SIGKILL) at a random moment, KILLS times, then
# boots once more to look. After every boot the guest reports what
# consentd and the kernel hold for each purpose (tests/powerloss/guest.sh)
# and this script judges it against what the guest's console said before
# the kill:
#   - every decision acknowledged to the client is in force;
#   - an allow refused (asked by an unprivileged user) never is;
#   - a purpose whose last word was an acknowledged deny is denied, and an
#     allow never asked (or asked but not answered before the kill, see
#     below) is not in force unless it is the one decision in flight;
#   - the receipts load (never "corrupt"), consentd and the kernel agree.
# The one decision in flight at the kill (asked, no answer on the
# console) may land either way: its receipt can be durable a moment
# before the reply is written. The figures count both outcomes.
#
# What a kill models: the guest loses its memory (page cache, the
# daemon, in-flight requests); what QEMU had written to the disk file
# stays, as on a disk whose write cache is durable.
#
# usage: tests/powerloss/run.sh [KILLS]        (default 200; TAP output)
# env:   CW_PL_MAX_DELAY_MS  longest wait after the loop starts before a
#                            kill (default 2000)
#        CW_QEMU_ARGS        more QEMU options
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kills=${1:-200}
max_delay=${CW_PL_MAX_DELAY_MS:-2000}
build=${CW_BUILD:-$top/build}/powerloss
rm -rf "$build"
mkdir -p "$build"

kdir=$("$top/tests/qemu/fetch-kernel.sh")
kver=$(basename "$(ls -d "$kdir"/lib/modules/*/ | head -n1)")
make -s -C "$top/tests/tools" O="$top/build/tools" >&2

# The guest needs busybox, consentd, consentctl, setpriv and the test tools;
# the suite's other programs (dig alone brings 30 MB of ICU data) only
# slow each of the hundreds of boots down. Drop them and every library
# nothing left needs.
slim() { # slim INITRAMFS
	local r=$build/slim f keep
	rm -rf "$r" && mkdir -p "$r"
	(cd "$r" && zcat "$1" | cpio -id --quiet)
	rm -f "$r"/usr/bin/{dig,curl,openssl,socat} "$r"/usr/sbin/nft
	keep=$(for f in "$r"/usr/bin/* "$r"/usr/sbin/* "$r"/cw/bin/*; do
		[ -f "$f" ] && ldd "$f" 2>/dev/null | grep -o '/[^ ]*'
	done | xargs -r -n1 realpath 2>/dev/null | sort -u)
	for f in "$r"/lib/x86_64-linux-gnu/* "$r"/usr/lib/x86_64-linux-gnu/*; do
		[ -f "$f" ] || continue
		grep -qxF "$(realpath "${f#"$r"}" 2>/dev/null)" <<<"$keep" || rm -f "$f"
	done
	(cd "$r" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$1"
	rm -rf "$r"
}

# Two initramfs: the loop, and the final look. The guest script is the
# only scenario of each.
for mode in loop final; do
	mkdir -p "$build/$mode"
	{ echo "PL_MODE=$mode"; cat "$here/guest.sh"; } >"$build/$mode/80-powerloss.sh"
	CW_MODE=check CW_ONLY=powerloss CW_SCENARIO_TIMEOUT=100000 \
	CW_EXTRA_SCENARIOS="$build/$mode/80-powerloss.sh" \
	CW_EXTRA_MODULES="virtio_pci virtio_blk ext4" \
	CW_TOOLS_DIR="$top/build/tools" \
		"$top/tests/qemu/mkinitramfs.sh" "$kdir" "$build/initramfs-$mode.cpio.gz"
	slim "$build/initramfs-$mode.cpio.gz"
done
# The kernel uncompressed, booted through its PVH entry: under TCG the
# decompression of the XZ bzImage alone took about 15 s of every boot.
python3 - "$kdir/boot/vmlinuz-$kver" "$build/vmlinux" <<'PY'
import lzma, sys
image = open(sys.argv[1], 'rb').read()
start = image.find(b'\xfd7zXZ\x00')
if start < 0:
    sys.exit('no XZ payload in ' + sys.argv[1])
open(sys.argv[2], 'wb').write(lzma.LZMADecompressor().decompress(image[start:]))
PY
disk=$build/state.img
truncate -s 32M "$disk"
mkfs.ext4 -q -F "$disk"
set +e		# from here every failure is counted, not fatal
qpid=
trap '[ -n "$qpid" ] && kill -KILL $qpid 2>/dev/null' EXIT

qemu_args() { # qemu_args MODE: the QEMU command line, in Q
	# One CPU: printk reaches the console before /dev/kmsg's write returns.
	# printk.devkmsg=on: no rate limit on the guest's report lines.
	# no_timer_check, tsc=unstable: on a loaded host TCG fails the IO-APIC
	# timer test and the TSC calibration (the guest clock then races
	# hundreds of seconds ahead and the boot stalls); the HPET is sane.
	Q=(qemu-system-x86_64 -m 512M -smp 1 -nographic -no-reboot -nic none
	   -cpu max -kernel "$build/vmlinux"
	   -initrd "$build/initramfs-$1.cpio.gz"
	   -drive "file=$disk,format=raw,if=virtio"
	   -append "console=ttyS0 panic=-1 loglevel=5 printk.devkmsg=on no_timer_check tsc=unstable")
	# shellcheck disable=SC2206 # split on blanks, as documented
	[ -n "${CW_QEMU_ARGS:-}" ] && Q+=($CW_QEMU_ARGS)
	return 0
}

declare -A want=()
for p in p0 p1 p2 p3; do want[$p]=denied; done
pending=		# "N P OP": asked, not answered, when QEMU was killed
n=0 failed=0
acked=0 refused=0 landed=0 lost=0 restored=0 early=0 slow=0
problems=()

problem() { problems+=("boot $boot: $*"); }

# judge LOG: check the states one boot reported, then learn its decisions.
judge() {
	local line tag a b c d
	while read -r tag a b c d; do
		case $tag in
		PL-ERROR) problem "the guest failed: $a $b $c $d" ;;
		PL-RECEIPTS)
			case "$a $b $c $d" in
			*corrupt* | *[Cc]ould\ not* | *error*) problem "receipts: $a $b $c $d" ;;
			*restored*) restored=$((restored + 1)) ;;
			esac ;;
		PL-STATE)
			[ "$b" = "$c" ] || problem "$a: consentd says $b, the kernel $c"
			local pn= pp= pop= to=
			read -r pn pp pop <<<"$pending"
			if [ "$pp" = "$a" ]; then
				# The decision in flight at the last kill.
				case $pop in
				allow) to=allowed ;;
				deny) to=denied ;;
				esac
				if [ "$b" = "${want[$a]}" ]; then
					[ -n "$to" ] && [ "$to" != "$b" ] && lost=$((lost + 1))
				elif [ -n "$to" ] && [ "$b" = "$to" ]; then
					landed=$((landed + 1))
					want[$a]=$b
				else
					problem "$a is $b: the last acknowledged decision said ${want[$a]}, and the one in flight was $pop (decision $pn)"
				fi
				pending=
			elif [ "$b" != "${want[$a]}" ]; then
				problem "$a is $b, the last acknowledged decision said ${want[$a]}"
				want[$a]=$b
			fi ;;
		PL-REQ) pending="$a $b $c" ;;
		PL-ACK)
			case $c in
			allow) want[$b]=allowed; acked=$((acked + 1)) ;;
			deny) want[$b]=denied; acked=$((acked + 1)) ;;
			*) problem "decision $a: a refused allow of $b succeeded"; want[$b]=allowed ;;
			esac
			pending= ;;
		PL-NAK)
			[ "$c" = allow-refused ] || problem "decision $a: root's $c $b failed (exit $d)"
			refused=$((refused + 1))
			pending= ;;
		esac
	done < <(sed -n 's/^\[ *[0-9.]*\] \(PL-.*\)$/\1/p' "$1" | tr -d '\r')
}

tap() { # tap OK DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

start=$(date +%s)
for boot in $(seq 1 "$kills"); do
	log=$build/boot-$boot.log
	qemu_args loop
	"${Q[@]}" </dev/null >"$log" 2>&1 &
	qpid=$!
	# Most kills land in the decision loop; one in ten earlier, while
	# the disk is recovered, consentd starts and loads its receipts.
	if [ $((RANDOM % 10)) = 0 ]; then
		mark=PL-BOOT early=$((early + 1))
	else
		mark=PL-LOOP
	fi
	t=0
	until grep -q "$mark" "$log" 2>/dev/null; do
		t=$((t + 1))
		if ! kill -0 $qpid 2>/dev/null; then
			problem "QEMU ended before $mark: $(tail -n 5 "$log" | tr '\n' '|')"
			break
		fi
		# A boot this slow is the host's load, not consentd: it is
		# killed where it is, which is a power loss like any other.
		if [ $t -gt 2400 ]; then
			slow=$((slow + 1))
			break
		fi
		sleep 0.05
	done
	d=$(( (RANDOM * 32768 + RANDOM) % (max_delay + 1) ))
	sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
	kill -KILL $qpid 2>/dev/null || true
	wait $qpid 2>/dev/null || true
	judge "$log"
	echo "# kill $boot/$kills: $(grep -c 'PL-ACK' "$log") acknowledged, in flight: ${pending:-none}; ${#problems[@]} problems so far"
done

# The last boot only looks.
log=$build/boot-final.log
boot=final
qemu_args final
timeout -s KILL 300 "${Q[@]}" </dev/null >"$log" 2>&1
judge "$log"
grep -q '^ok 1 - 80-powerloss' <(tr -d '\r' <"$log") ||
	problem "the final boot did not report every purpose: $(tail -n 5 "$log" | tr '\n' '|')"
[ -z "$pending" ] || problem "decision in flight never resolved: $pending"

tap $([ "$(grep -l 'PL-STATE' "$build"/boot-*.log | wc -l)" -gt 0 ]; echo $?) \
	"the guest reported states after the kills"
tap $([ $acked -gt 0 ]; echo $?) "decisions were acknowledged between kills ($acked)"
tap $([ $refused -gt 0 ]; echo $?) "unprivileged allows were refused ($refused)"
tap ${#problems[@]} "after $kills kills: every acknowledged decision in force, nothing refused or unasked allowed, receipts loaded"
for p in "${problems[@]:0:20}"; do echo "#   $p"; done
echo "# figures: $kills kills ($early during boot or receipt loading, $slow after a boot slower than 120 s), $acked decisions acknowledged, $refused refused, in flight at a kill: $landed landed, $lost did not; receipts restored at $restored boots; $(( $(date +%s) - start )) s"
echo "# console logs: $build/boot-*.log"
echo "1..$n"
[ $failed = 0 ]
