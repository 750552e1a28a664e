# The guest half of the power-loss test (tests/powerloss/run.sh puts
# PL_MODE=loop or PL_MODE=final in front of it and boots it as the only
# scenario). consentd keeps its receipts on an ext4 filesystem on a virtio
# disk that survives the kills; the rules are the same at every boot.
#
# Every line the host judges goes through /dev/kmsg: with one CPU, printk
# has written it to the serial console before the write returns, so a
# line the host did not get was never acted on. The host knows nothing
# else of the guest.
#   PL-BOOT                      this boot reached the test
#   PL-RECEIPTS <consentd line>  what consentd said of its receipts
#   PL-STATE P DAEMON KERNEL     consent of purpose P, consentd's and the kernel's
#   PL-LOOP                      the decisions start
#   PL-REQ N P OP                decision N about to be asked (OP: allow,
#                                deny, or allow-refused: asked by uid 1000)
#   PL-ACK N P OP                consentctl returned success
#   PL-NAK N P OP RC             consentctl failed (the expected end of allow-refused)
. /cw/guest/lib.sh

say() { echo "<3>PL-$*" >/dev/kmsg; }
PL=/tmp/pl
PURPOSES="p0 p1 p2 p3"

say BOOT
modprobe virtio_pci
modprobe virtio_blk
modprobe crc32c_generic	# ext4 asks the crypto API for crc32c
modprobe ext4
i=0
while [ ! -b /dev/vda ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || { say "ERROR no /dev/vda"; exit 1; }
	usleep 20000
done
mkdir -p /mnt/pl
mount -t ext4 /dev/vda /mnt/pl || { say "ERROR mount /dev/vda failed"; exit 1; }
mkdir -p /mnt/pl/state "$PL/rules.d"
n=1
for p in $PURPOSES; do
	printf '[%s]\ndescription = power-loss test purpose\nip = 192.0.2.%d\n' \
		"$p" "$n" >>"$PL/rules.d/10-pl.rules"
	n=$((n + 1))
done
printf 'control_group =\nevent_log = %s/events.log\n' "$PL" >"$PL/consentd.conf"
consentd --foreground --config "$PL/consentd.conf" --rules-dir "$PL/rules.d" \
	--state-dir /mnt/pl/state --socket "$PL/sock" >"$PL/consentd.log" 2>&1 &
cd_pid=$!
i=0
until consentctl --socket "$PL/sock" status 2>/dev/null | grep -q '^kernel: *connected'; do
	i=$((i + 1))
	kill -0 $cd_pid 2>/dev/null && [ $i -lt 500 ] ||
		{ say "ERROR consentd did not connect: $(tail -n 3 "$PL/consentd.log" | tr '\n' '|')"; exit 1; }
	usleep 20000
done
say "RECEIPTS $(grep -m1 -i 'receipt' "$PL/consentd.log")"
for p in $PURPOSES; do
	rc=0
	consentctl --socket "$PL/sock" get "$p" >/dev/null 2>&1 || rc=$?
	case $rc in 0) d=allowed ;; 1) d=denied ;; *) d="error-$rc" ;; esac
	case "$(consent_of "$p")" in 1) k=allowed ;; 0) k=denied ;; *) k=unknown ;; esac
	say "STATE $p $d $k"
done
[ "$PL_MODE" = final ] && exit 0

say LOOP
seq=0
while :; do
	seq=$((seq + 1))
	r=$RANDOM
	p=p$((r % 4))
	case $(((r / 4) % 5)) in
	0) op=allow-refused ;;
	1 | 2) op=allow ;;
	*) op=deny ;;
	esac
	say "REQ $seq $p $op"
	rc=0
	if [ $op = allow-refused ]; then
		setpriv --reuid 1000 --regid 1000 --clear-groups \
			consentctl --socket "$PL/sock" allow "$p" >/dev/null 2>&1 || rc=$?
	else
		consentctl --socket "$PL/sock" $op "$p" >/dev/null 2>&1 || rc=$?
	fi
	if [ $rc = 0 ]; then say "ACK $seq $p $op"; else say "NAK $seq $p $op $rc"; fi
done
