# Once claimed, only the owner's socket writes: another admin gets EBUSY
# with an extack message, and nothing changes.
. /cw/guest/lib.sh
cw_require
owner_std
gen=$(status_get generation)

for cmd in claim begin "consent analytics 1" commit abort \
	   "add analytics ip=198.51.100.99"; do
	out=$(cwnl $cmd || true)
	log "$cmd: $out"
	assert_match "non-owner $cmd: EBUSY" '^error EBUSY: consentwall: ' "$out"
done
assert_eq "consent unchanged" 0 "$(consent_of analytics)"
assert_eq "generation unchanged" "$gen" "$(status_get generation)"
assert_eq "owner unchanged" "$OWNER_PORTID" "$(status_get owner)"
owner_ok consent analytics 1 >/dev/null
assert_eq "owner can still set consent" 1 "$(consent_of analytics)"
