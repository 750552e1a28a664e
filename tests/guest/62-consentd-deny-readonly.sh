# DENY when the receipts cannot be written (a read-only state dir): the
# withdrawal is in force in the kernel and in PURPOSES all the same, the
# client is told the receipt is not on disk, nothing brings the grant back,
# and the receipt is written once the disk takes it again.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_net
cd_setup_analytics
mount -t tmpfs -o size=1m,mode=0700 cwstate "$CD/state" || fail "tmpfs"
cd_start
ctl allow analytics >/dev/null || fail "allow"
expect_reached tcp 198.51.100.10 80 ana
assert_eq "kernel consent after allow" 1 "$(consent_of analytics)"

mount -o remount,ro "$CD/state" || fail "remount ro"
ctl_fails deny analytics
assert_eq "deny exit status" 1 "$CTL_RC"
assert_match "the client is told the receipt is not on disk" \
	'^consentctl: denied now, in the kernel and here, but the receipt could not be written \(.*Read-only file system\)' "$CTL_OUT"
assert_eq "kernel consent after the deny" 0 "$(consent_of analytics)"
expect_unreached tcp 198.51.100.10 80 ana
assert_match "PURPOSES says withdrawn" '^analytics +denied +1 +withdrawn' "$(ctl purposes)"
# Two health checks and retries later, still denied everywhere.
usleep 4500000
assert_eq "kernel consent 4.5 s later" 0 "$(consent_of analytics)"
expect_unreached tcp 198.51.100.10 80 ana
assert_match "PURPOSES 4.5 s later" '^analytics +denied' "$(ctl purposes)"
assert_match "the file still holds the old grant" '^grant analytics ' "$(cat "$CD/state/receipts")"

ctl_fails allow analytics
assert_match "no grant without its receipt" '^consentctl: nothing was allowed: the receipt could not be made durable: .*Read-only file system' "$CTL_OUT"
assert_eq "kernel consent after the refused allow" 0 "$(consent_of analytics)"
expect_unreached tcp 198.51.100.10 80 ana

# Writable again: the withdrawal reaches the disk by itself.
mount -o remount,rw "$CD/state" || fail "remount rw"
i=0
until grep -q '^deny analytics ' "$CD/state/receipts"; do
	i=$((i + 1))
	[ $i -lt 250 ] || fail "the receipt was never written: $(cat "$CD/state/receipts")"
	usleep 20000
done
pass "receipt written $((i * 20)) ms after the disk came back"
cd_stop
cd_start
assert_eq "a restart loads the withdrawal" 0 "$(consent_of analytics)"
expect_unreached tcp 198.51.100.10 80 ana
cd_stop
umount "$CD/state"
