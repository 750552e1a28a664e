# Unloading the module with traffic running is clean: rmmod succeeds, the
# traffic goes on (unfiltered), the kernel log stays clean, and the module
# loads again.
. /cw/guest/lib.sh
cw_require
net_up
nf_keys_hold
srv_udp denied 198.51.100.10 53
srv_tcp allowed 198.51.100.11 80
owner_std
stop=$CW_OUT/stop
cwprobe flood udp 198.51.100.10 53 -d 600000 -i 1 -f "$stop" >"$CW_OUT/f1" &
floods="$floods $!"
cwprobe flood tcp 198.51.100.11 80 -d 600000 -i 2 -f "$stop" >"$CW_OUT/f2" &
floods="$floods $!"
cwprobe flood udp 2001:db8:100::10 53 -d 600000 -i 1 -f "$stop" >"$CW_OUT/f3" &
floods="$floods $!"
sleep 1
assert_eq "denied datagrams while loaded" 0 "$(srv_packets denied)"
# The owner's socket is still open: unload must cope with that too.
rmmod consentwall || fail "rmmod with traffic running"
pass "rmmod with traffic running and the owner connected"
i=0
while [ "$(srv_packets denied)" = 0 ] && [ $i -lt 100 ]; do
	usleep 20000
	i=$((i + 1))
done
assert_gt "datagrams once unloaded" 0 "$(srv_packets denied)"
insmod "$CW_KO" || fail "insmod after unload"
pass "insmod again"
sleep 0.5
rmmod consentwall || fail "second rmmod"
touch "$stop"
wait $floods
log "$(cat "$CW_OUT/f1") / $(cat "$CW_OUT/f2") / $(cat "$CW_OUT/f3")"
owner_kill || true
dmesg_clean || fail "kernel log: $(dmesg | tail -n 20)"
pass "kernel log clean"
insmod "$CW_KO" || fail "insmod at the end"
