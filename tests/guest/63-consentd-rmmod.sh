# consentd never loads the module: after an rmmod it waits (and says why)
# instead of looking the family up by name, which makes the kernel run
# modprobe. Here modprobe is a script that counts its calls and loads the
# module, and a lookup by name (cwnl) proves that path works.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_net
calls=$CW_OUT/modprobe.calls
old_modprobe=$(cat /proc/sys/kernel/modprobe)
cat >"$CW_OUT/modprobe" <<SH
#!/bin/sh
echo "\$*" >>$calls
case "\$*" in *family-consentwall*) insmod $CW_KO ;; esac
SH
chmod 755 "$CW_OUT/modprobe"
: >"$calls"
restore() { echo "$old_modprobe" >/proc/sys/kernel/modprobe; }
echo "$CW_OUT/modprobe" >/proc/sys/kernel/modprobe
trap 'restore' EXIT

# The control: a lookup by name loads the module back.
rmmod consentwall || fail "rmmod"
cwnl status >/dev/null 2>&1 || true
cw_loaded || fail "a lookup by name did not load the module: the check below could not fail"
assert_match "modprobe was asked for the family" 'family-consentwall' "$(cat "$calls")"
pass "a lookup by name loads the module back"

cd_setup_analytics
cd_start
trap '_rc=$?; restore; cd_stop; [ $_rc = 0 ] || echo "FAIL: $CW_SCENARIO stopped with status $_rc"' EXIT
rmmod consentwall || fail "rmmod under a running consentd"
: >"$calls"
usleep 4000000
cw_loaded && fail "consentd loaded the module again: $(cat "$calls")"
assert_eq "modprobe calls while consentd waited" 0 "$(wc -l <"$calls")"
out=$(ctl status)
assert_match "status says why" "kernel: +NOT under consentd's control: generic netlink family 'consentwall' not found" "$out"
assert_eq "one log line for the one reason" 1 "$(grep -c "family 'consentwall' not found" "$CD/consentd.log")"
kill -0 "$CD_PID" || fail "consentd died"

# Loaded again by the administrator: consentd takes it over at once.
restore
insmod "$CW_KO" || fail "insmod"
i=0
until [ "$(status_get owner)" != 0 ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "consentd did not take the module over: $(tail -n 5 "$CD/consentd.log")"
	usleep 20000
done
pass "consentd took the module over $((i * 20)) ms after insmod"
expect_unreached tcp 198.51.100.10 80 ana
ctl allow analytics >/dev/null || fail "allow"
expect_reached tcp 198.51.100.10 80 ana
cd_stop
