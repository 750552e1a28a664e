# consentd and the identifiers file (issue 15), end to end: with entries,
# the purpose cleartext-identifiers is in the kernel, denied until allowed,
# with the patterns consentd derived (the matcher's memory counted), and
# no value in anything consentd or consentctl prints or logs; a
# world-readable file is refused, and status says so: at a reload the
# identifiers read before stay, at start the guard is off; the file
# removed, the patterns go; a kind with no value (a SIM without a number)
# names none.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh
. /cw/guest/idents.sh

IMEI=490154203237518
IMSI=460001234567890
TEL=+8613800138000
cd_idents <<IDS
# written by the ROM
imei = $IMEI
imsi = $IMSI
msisdn = $TEL
msisdn =
IDS
cd_start

out=$(ctl status)
assert_match "status: the purpose, denied" '^cleartext-identifiers +denied' "$out"
assert_match "status: its description" "device identifiers in unencrypted traffic" "$(ctl status)"
assert_eq "the kernel has it, denied" 0 "$(consent_of cleartext-identifiers)"
mem1=$(status_get memory)
expect_blocked tcp 198.51.100.10 80

ctl allow cleartext-identifiers >/dev/null
assert_eq "allowed in the kernel" 1 "$(consent_of cleartext-identifiers)"
ctl deny cleartext-identifiers >/dev/null
assert_eq "denied again" 0 "$(consent_of cleartext-identifiers)"

# A grant holds for the kinds it was given for: another IMEI keeps it, an
# ICCID added voids it, the ICCID gone it holds again.
cp "$CD/identifiers" "$CD/identifiers.orig"
ctl allow cleartext-identifiers >/dev/null
echo "imei = 356938035643809" >>"$CD/identifiers"
ctl reload >/dev/null
assert_eq "another IMEI, reload: still allowed in the kernel" 1 "$(consent_of cleartext-identifiers)"
echo "iccid = 8986001234567890123" >>"$CD/identifiers"
ctl reload >/dev/null
assert_eq "an ICCID added, reload: denied in the kernel" 0 "$(consent_of cleartext-identifiers)"
assert_match "purposes: why" '^cleartext-identifiers +denied .*the kinds of identifiers changed since it was allowed' "$(ctl purposes)"
cat "$CD/identifiers.orig" >"$CD/identifiers"
ctl reload >/dev/null
assert_eq "the ICCID gone, reload: allowed again" 1 "$(consent_of cleartext-identifiers)"
assert_eq "the patterns as before" "$mem1" "$(status_get memory)"
ctl deny cleartext-identifiers >/dev/null

# World-readable: a reload keeps what was read before.
chmod 0644 "$CD/identifiers"
ctl reload >/dev/null
assert_match "reload: refused in the log" 'readable or writable by others than its owner \(mode 0644\).*read before stay in force' "$(cat "$CD/consentd.log")"
assert_match "reload: the purpose stays" '^cleartext-identifiers +denied' "$(ctl status)"
assert_eq "reload: the patterns stay" "$mem1" "$(status_get memory)"
out=$(ctl status)
assert_match "reload: status names the refused file" "SKIPPED: +$CD/identifiers: readable or writable by others than its owner \\(mode 0644\\)" "$out"
assert_match "reload: and what stays in force" 'in force instead: the identifiers read before' "$out"

# Removed: no identifiers, no purpose, no patterns.
mv "$CD/identifiers" "$CD/identifiers.off"
ctl reload >/dev/null
assert_nomatch "removed: no purpose" 'cleartext-identifiers' "$(ctl status)"
assert_lt "removed: the matcher's memory is gone" "$mem1" "$(status_get memory)"

# World-readable at start: the guard is off.
cd_stop
mv "$CD/identifiers.off" "$CD/identifiers"
cd_start
assert_match "start: refused in the log" 'mode 0644.*the identifiers guard is off' "$(cat "$CD/consentd.log")"
out=$(ctl status)
assert_nomatch "start: no purpose" 'cleartext-identifiers' "$out"
assert_match "start: status names the refused file" "SKIPPED: +$CD/identifiers: .*mode 0644" "$out"
assert_match "start: and that no guard is in force" 'in force instead: no identifiers guard' "$out"

# The largest file, 32 phone numbers: its 1,500-odd patterns (about
# 50 KB) go in more than one ADD message.
i=0
while [ $i -lt 32 ]; do
	printf 'msisdn = +1415555%04d\n' $((i * 37))
	i=$((i + 1))
done >"$CD/identifiers"
chmod 0600 "$CD/identifiers"
ctl reload >/dev/null
assert_match "32 numbers: the purpose" '^cleartext-identifiers +denied' "$(ctl status)"
assert_gt "32 numbers: a larger matcher than 3 identifiers'" "$mem1" "$(status_get memory)"

# No value anywhere consentd or consentctl wrote.
all="$(cat "$CD/consentd.log" "$CD/events.log" 2>/dev/null; ctl status; ctl purposes; ctl --json status; ctl log -n 100 2>&1 || true)"
for v in $IMEI $IMSI 8613800138000; do
	assert_eq "no $v in logs or output" 0 "$(printf '%s\n' "$all" | grep -c "$v" || true)"
done
