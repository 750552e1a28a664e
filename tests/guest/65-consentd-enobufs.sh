# Events lost to a full netlink receive buffer (consentd stopped while a
# flood of blocked attempts goes on): consentd counts the overrun, marks a
# gap in the event log, checks the kernel, and stays in control.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cd_net
cd_setup_analytics
# 64 KiB: a few hundred events fill it (the default 4 MiB would take a
# flood far longer than a scenario has).
echo 'netlink_buffer_bytes = 65536' >>"$CD/consentd.conf"
cd_start
echo 1000000 >/sys/module/consentwall/parameters/event_rate
assert_match "no gap before" '"event_gaps":"?0' "$(ctl --json status)"

kill -STOP "$CD_PID"
# Two destinations in turn: no attempt folds into the one before it.
cwprobe flood udp 198.51.100.10 1000 -d 3000 -i 0 >"$CW_OUT/f1" &
f1=$!
cwprobe flood udp 198.51.100.10 1001 -d 3000 -i 0 >"$CW_OUT/f2" &
f2=$!
wait "$f1" "$f2" || true
log "floods: $(cat "$CW_OUT/f1"); $(cat "$CW_OUT/f2")"
log "kernel: sent $(status_get counter events_sent), dropped $(status_get counter events_dropped)"
off=$(cd_log_size)
kill -CONT "$CD_PID"
cd_log_wait 'kernel: messages lost \(netlink receive buffer full, [1-9][0-9]* times\): checking the kernel' "$off"
out=$(ctl --json status)
assert_match "status counts the gap" '"event_gaps":"?[1-9]' "$out"
assert_match "and the overruns" '"netlink_overruns":"?[1-9]' "$out"
assert_match "a gap record in the log" '"gap"' "$(ctl --json log)"
assert_match "still in control" '^kernel: +connected' "$(ctl status)"
expect_unreached tcp 198.51.100.10 80 ana
ctl allow analytics >/dev/null || fail "allow after the overrun"
expect_reached tcp 198.51.100.10 80 ana
cd_stop
