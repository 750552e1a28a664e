# The identifier guard's transport (issue 15): CW_A_PATTERNS in CW_CMD_ADD
# go into the transaction; COMMIT builds the matcher aside and swaps it in
# with the ruleset (the memory it reports grows, and shrinks again with a
# ruleset without patterns); bad patterns get an extack naming the
# attribute, end the transaction and change nothing; no reply, dump or
# event ever carries a pattern's bytes. (The scan of payloads is not built
# yet: nothing here is blocked by a pattern.)
. /cw/guest/lib.sh
cw_require
net_up
srv_tcp host 198.51.100.10 80
owner_std
gen=$(status_get generation)
mem0=$(status_get memory)

IMEI=490154203237518
TEL=%2B8613800138000
owner_ok begin >/dev/null
owner_ok add analytics $STD_RULES_ANALYTICS >/dev/null
owner_ok add cleartext-identifiers desc=Identifiers >/dev/null
owner_ok addpat cleartext-identifiers "$IMEI:257" "$TEL:515" >/dev/null
owner_ok commit >/dev/null
gen1=$(status_get generation)
mem1=$(status_get memory)
assert_eq "committed with its patterns" $((gen + 1)) "$gen1"
assert_gt "the matcher's memory is counted" "$mem0" "$mem1"
assert_match "the purpose is there, denied" 'purpose cleartext-identifiers .*consent 0' "$(cwnl status)"
expect_blocked tcp 198.51.100.10 80

# Nothing the kernel sends back holds a pattern; the capture itself works
# (the purpose's name is in it).
rm -f "$CW_OUT/raw"
CWNL_RAW=$CW_OUT/raw cwnl status >/dev/null
CWNL_RAW=$CW_OUT/raw cwnl stats >/dev/null
CWNL_RAW=$CW_OUT/raw cwnl explain tcp 198.51.100.10 80 >/dev/null
assert_gt "replies captured" 100 "$(wc -c <"$CW_OUT/raw")"
assert_gt "the capture holds the purpose's name" 0 "$(grep -ac cleartext-identifiers "$CW_OUT/raw")"
assert_eq "no reply holds the IMEI pattern" 0 "$(grep -ac "$IMEI" "$CW_OUT/raw")"
assert_eq "no reply holds the %2B pattern" 0 "$(grep -ac -- "$TEL" "$CW_OUT/raw")"

# Bad patterns: refused with the attribute named, the transaction ends,
# the ruleset in force stays (a failed ADD drops the transaction, so each
# gets its own).
bad_pat() {
	owner_ok begin >/dev/null
	owner "$@" || true
}
long=$(printf '%0257d' 0)
out=$(bad_pat addpat cleartext-identifiers :5)
assert_match "an empty pattern" '^error (EINVAL|ERANGE): .*\[attr' "$out"
out=$(bad_pat addpat cleartext-identifiers "$long")
assert_match "a pattern of 257 bytes" '^error (EINVAL|ERANGE): .*\[attr' "$out"
out=$(bad_pat addpatgen cleartext-identifiers 4097 8)
assert_match "4097 patterns" '^error E2BIG: .*more than CW_PATTERNS_MAX patterns' "$out"
out=$(bad_pat addpatgen cleartext-identifiers 257 256)
assert_match "65792 bytes of patterns" '^error E2BIG: .*\[attr' "$out"
owner_ok begin >/dev/null
owner_ok addpat cleartext-identifiers "$IMEI:1" >/dev/null
out=$(owner addpat analytics "$IMEI:1" || true)
assert_match "patterns for a second purpose" '^error EINVAL: .*another purpose of this ruleset has the patterns' "$out"
out=$(owner commit || true)
assert_match "commit after a refused pattern" '^error E' "$out"
assert_eq "after bad patterns: generation unchanged" "$gen1" "$(status_get generation)"
assert_eq "after bad patterns: memory unchanged" "$mem1" "$(status_get memory)"
expect_blocked tcp 198.51.100.10 80

# The bounds themselves: 4096 patterns of 16 bytes, 65536 bytes, commit.
owner_ok begin >/dev/null
owner_ok add analytics $STD_RULES_ANALYTICS >/dev/null
owner_ok addpatgen cleartext-identifiers 4096 16 >/dev/null
owner_ok commit >/dev/null
mem2=$(status_get memory)
assert_gt "4096 patterns of 16 bytes commit, and take more" "$mem1" "$mem2"
assert_lt "... within the matcher's bound (2138262 bytes)" $((mem0 + 2138262)) "$mem2"

# A transaction with patterns dies with its socket: nothing of it stays.
owner_ok begin >/dev/null
owner_ok addpat cleartext-identifiers "$IMEI:1" >/dev/null
owner_kill
owner_start
owner_ok claim >/dev/null
out=$(owner commit || true)
assert_match "commit after the owner's transaction died" '^error E' "$out"
assert_eq "its patterns were never committed" "$mem2" "$(status_get memory)"

# A ruleset without patterns frees the matcher.
owner_ok begin >/dev/null
owner_ok add analytics $STD_RULES_ANALYTICS >/dev/null
owner_ok add push $STD_RULES_PUSH >/dev/null
owner_ok add tracker $STD_RULES_TRACKER >/dev/null
owner_ok commit >/dev/null
assert_eq "without patterns: the memory of the plain ruleset" "$mem0" "$(status_get memory)"
dmesg_clean || fail "kernel log: $(dmesg | tail -n 20)"
