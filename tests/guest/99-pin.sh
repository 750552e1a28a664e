# pin=1 (ROM builds): the module cannot be unloaded, so nobody can lift
# the policy by removing it; it keeps filtering. Runs last: the module
# stays in for the rest of the boot.
. /cw/guest/lib.sh
cw_require
net_up
srv_tcp web 198.51.100.11 80
cw_reload pin=1
assert_eq "pin parameter" Y "$(cat /sys/module/consentwall/parameters/pin)"
if rmmod consentwall 2>"$CW_OUT/rmmod.err"; then
	fail "rmmod of a pinned module succeeded"
fi
log "rmmod: $(cat "$CW_OUT/rmmod.err")"
cw_loaded || fail "the pinned module is gone"
pass "rmmod refused, module still loaded"
expect_blocked tcp 198.51.100.11 80
assert_eq "bytes that reached the server" 0 "$(srv_bytes web)"
