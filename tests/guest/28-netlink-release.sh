# A COMMIT of a big ruleset holds its namespace's lock for a second or
# more (two million entries here, about 1.5 s under QEMU TCG); the
# rest of generic netlink must not wait for it: not a request to another
# family (nlctrl, which shares genl_lock with every non-parallel family),
# not the close of an unrelated socket (the NETLINK_URELEASE notifier).
# The owner's own close still ends its ownership at once.
. /cw/guest/lib.sh
cw_require
P=/sys/module/consentwall/parameters
echo 2000000 >$P/max_entries
echo 256 >$P/max_memory_mb
owner_start
owner_ok claim >/dev/null
owner_ok begin >/dev/null
owner_ok addgen big 2000000 2000 >/dev/null

seq=$(( $(grep -c '^\. ' "$CW_OUT/owner.out") + 1 ))
t0=$(now_ms)
echo commit >&9
usleep 100000
# Another socket: it resolves the family (an nlctrl request), sends
# nothing to it and closes.
t1=$(now_ms)
out=$(cwnl echo other)
t2=$(now_ms)
assert_eq "the other socket's command" other "$out"
i=0
while ! grep -q "^\. $seq " "$CW_OUT/owner.out"; do
	i=$((i + 1))
	[ $i -lt 6000 ] || fail "the commit got no answer in 120 s"
	usleep 20000
done
t3=$(now_ms)
assert_match "the commit succeeded" "^\. $seq OK" "$(cat "$CW_OUT/owner.out")"
log "commit $((t3 - t0)) ms; the other socket lived $((t2 - t1)) ms"
# Only a commit that outlasts the other socket by far tells anything:
# before the fix the other socket waited for the commit's end.
assert_gt "commit time (ms)" 1000 "$((t3 - t0))"
assert_gt "the other socket was done this long before the commit (ms)" \
	400 "$((t3 - t2))"
assert_eq "entries committed" 2000000 "$(status_get nr_entries)"

# The owner's close: ownership ends and consent reverts, as ever.
assert_eq "owner before its close" "$OWNER_PORTID" "$(status_get owner)"
owner_kill
assert_eq "owner after its close" 0 "$(status_get owner)"
assert_eq "owner releases counted" 1 "$(status_get counter owner_releases)"
