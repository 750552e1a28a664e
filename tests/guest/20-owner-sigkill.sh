# The owner killed with SIGKILL: every consent reverts to denied within one
# second; the ruleset stays; the release is counted.
. /cw/guest/lib.sh
cw_require
net_up
srv_tcp host 198.51.100.10 80
srv_tcp push 198.51.100.20 5050
owner_std
gen=$(status_get generation)
owner_ok consent analytics 1
expect_allowed tcp 198.51.100.10 80

t0=$(now_ms)
owner_kill
blocked=
while [ $(( $(now_ms) - t0 )) -lt 3000 ]; do
	r=$(probe_result tcp 198.51.100.10 80 -t 500)
	if [ "$r" = ECONNREFUSED ]; then
		blocked=$(( $(now_ms) - t0 ))
		break
	fi
done
[ -n "$blocked" ] || fail "still allowed 3 s after the owner was killed"
assert_lt "ms from SIGKILL to blocked" 1000 "$blocked"
assert_eq "consent of analytics" 0 "$(consent_of analytics)"
assert_eq "owner" 0 "$(status_get owner)"
assert_eq "ruleset generation kept" "$gen" "$(status_get generation)"
assert_eq "owner_releases counter" 1 "$(status_get counter owner_releases)"
expect_blocked tcp 198.51.100.20 5050
assert_eq "bytes: only the one allowed connection" 100 "$(srv_bytes host)"

# A new owner can claim and grant again.
owner_start
owner_ok claim >/dev/null
owner_ok consent analytics 1
expect_allowed tcp 198.51.100.10 80
