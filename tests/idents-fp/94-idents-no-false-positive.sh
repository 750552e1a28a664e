# No false positive (issue 15): random valid identifiers configured (two
# IMEIs, two IMSIs, two phone numbers, a serial, an Android ID and an
# advertising ID, each of the last three also in the other case: a few hundred
# patterns), the corpus of real plaintext on /dev/vda (this machine's man
# pages and documentation, tests/idents-fp/run.sh) streamed over TCP,
# and then sent again as UDP datagrams of 1200 bytes, to counting servers
# on a destination no rule lists: every byte arrives and the guard blocks
# nothing. Then one of the IMEIs, on the same paths, is blocked: the guard
# was there all along.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh
. /cw/guest/idents.sh

modprobe virtio_pci 2>/dev/null || true
modprobe virtio_blk || fail "modprobe virtio_blk"
i=0
until [ -b /dev/vda ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "no /dev/vda: the corpus disk is missing (run tests/idents-fp/run.sh)"
	usleep 50000
done
# The corpus is text, without a NUL byte; the image pads it with NULs to
# a whole sector: its length is the disk's less the NULs of the last one.
disk=$(blockdev --getsize64 /dev/vda)
size=$((disk - 512 + $(tail -c 512 /dev/vda | tr -d '\000' | wc -c)))
assert_gt "a corpus of at least 100 MiB" $((100 * 1024 * 1024 - 1)) "$size"

# digits N: N random decimal digits.
digits() {
	od -An -N"$1" -tu1 /dev/urandom | tr -s ' ' '\n' | grep . |
		while read -r b; do printf %d $((b % 10)); done
}
# hex N: N random bytes in lower-case hex.
hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
# imei: 14 random digits and their Luhn check digit.
imei() {
	local d s=0 i=0 x
	d=$(digits 14)
	while [ $i -lt 14 ]; do
		x=$(echo "$d" | cut -c$((14 - i)))
		[ $((i % 2)) = 0 ] && { x=$((x * 2)); [ $x -gt 9 ] && x=$((x - 9)); }
		s=$((s + x))
		i=$((i + 1))
	done
	echo "$d$(( (10 - s % 10) % 10 ))"
}

IMEI1=$(imei)
cd_idents <<IDS
imei = $IMEI1
imei = $(imei)
imsi = 310$(digits 12)
imsi = 46000$(digits 10)
msisdn = +1415$(digits 7)
msisdn = +86138$(digits 8)
serial = R58M$(digits 7)
android_id = $(hex 8)
advertising_id = $(hex 4)-$(hex 2)-4$(hex 2 | cut -c2-)-a$(hex 2 | cut -c2-)-$(hex 6)
IDS
cd_start
assert_match "the guard is on" '^cleartext-identifiers +denied' "$(ctl status)"

idline() { ctl status | sed -n 's/^identifiers: scanned \([0-9]*\), skipped \([0-9]*\) (TLS\/QUIC), blocked \([0-9]*\)$/\1 \2 \3/p'; }
set -- $(idline)
scanned0=$1 blocked0=$3

srv_tcp fp 203.0.113.80 9000
t0=$(now_ms)
rc=0
head -c "$size" /dev/vda | socat -u - TCP:203.0.113.80:9000 2>"$CW_OUT/fp.err" || rc=$?
i=0
while [ "$(srv_bytes fp)" -lt "$size" ] && [ $i -lt 100 ]; do
	usleep 50000
	i=$((i + 1))
done
ms=$(($(now_ms) - t0))
log "$size bytes in $ms ms ($((size / 1024 * 1000 / (ms + 1) / 1024)) MiB/s)"
assert_eq "the upload ended well ($(cat "$CW_OUT/fp.err"))" 0 "$rc"
assert_eq "every byte of the corpus arrived" "$size" "$(srv_bytes fp)"
set -- $(idline)
assert_eq "the guard blocked nothing" "$blocked0" "$3"
assert_gt "it scanned the upload's segments" $((scanned0 + size / 65536)) "$1"
assert_nomatch "no event of an identifier" 'carrying' "$(ctl log)"


# The same bytes as UDP datagrams of 1200 bytes (socat sends one a read),
# 4.2 MB at a time, each chunk waited for at the server: the server, which
# records every datagram, is slower than its sender, so its receive
# buffer (rmem_default, raised in this guest) takes a chunk whole.
# Nothing is lost on the way, so a byte missing would be a block.
echo $((32 * 1024 * 1024)) >/proc/sys/net/core/rmem_default
srv_udp fpu 203.0.113.80 9001
set -- $(idline)
scanned1=$1
chunk=$((3500 * 1200))	# whole datagrams
t0=$(now_ms)
off=0
while [ $off -lt "$size" ]; do
	n=$((size - off < chunk ? size - off : chunk))
	socat -u -b 1200 OPEN:/dev/vda,rdonly,seek=$off,readbytes=$n \
		UDP-SENDTO:203.0.113.80:9001 2>"$CW_OUT/fpu.err" ||
		fail "UDP datagrams from byte $off refused: $(cat "$CW_OUT/fpu.err")"
	off=$((off + n))
	# until all of it is there, or 2 s without a new datagram
	i=0 last=-1
	while [ "$(srv_bytes fpu)" -lt $off ]; do
		got=$(srv_bytes fpu)
		[ "$got" = "$last" ] && i=$((i + 1)) || i=0
		last=$got
		[ $i -lt 40 ] ||
			fail "UDP: $got bytes at the server after $off sent ($(inet grep ^Udp: /proc/net/snmp | tail -n1 | tr -s ' '))"
		usleep 50000
	done
done
ms=$(($(now_ms) - t0))
dgrams=$(( (size + 1199) / 1200 ))
log "UDP: $size bytes, $(srv_packets fpu) datagrams in $ms ms ($((size / 1024 * 1000 / (ms + 1) / 1024)) MiB/s)"
assert_eq "UDP: every byte of the corpus arrived" "$size" "$(srv_bytes fpu)"
assert_eq "UDP: in datagrams of 1200 bytes" "$dgrams" "$(srv_packets fpu)"
set -- $(idline)
assert_eq "UDP: the guard blocked nothing" "$blocked0" "$3"
assert_gt "UDP: it scanned every datagram" $((scanned1 + dgrams - 1)) "$1"
assert_nomatch "UDP: no event of an identifier" 'carrying' "$(ctl log)"

# The control: one of those identifiers on the same paths is blocked.
b=$(srv_bytes fp)
p=$(srv_packets fpu)
printf 'imei=%s\n' "$IMEI1" >"$CW_OUT/imei"
assert_eq "an IMEI on the same path: reset" ECONNRESET "$(probe_result tcp 203.0.113.80 9000 -D "$CW_OUT/imei")"
assert_eq "an IMEI in a datagram to the same server: refused" ECONNREFUSED "$(probe_result udp 203.0.113.80 9001 -D "$CW_OUT/imei")"
set -- $(idline)
assert_eq "and both counted blocked" $((blocked0 + 2)) "$3"
assert_eq "and nothing more arrived" "$b $p" "$(srv_bytes fp) $(srv_packets fpu)"
