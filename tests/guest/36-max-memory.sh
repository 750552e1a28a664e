# max_memory_mb bounds what one ruleset and its builder may take: past it
# the ADD fails with E2BIG and an extack message, the transaction ends,
# and the running ruleset (and its enforcement) stays. Raised at run time
# in /sys/module/consentwall/parameters, the same ruleset commits.
. /cw/guest/lib.sh
cw_require
cw_reload max_memory_mb=1
net_up
srv_tcp host 198.51.100.10 80
srv_tcp other 198.51.100.11 80
owner_std
gen=$(status_get generation)
entries=$(status_get nr_entries)

owner_ok begin >/dev/null
out=$(owner addgen big 100000 2000 || true)
assert_match "100k entries past 1 MiB" '^error E2BIG: ruleset exceeds the memory limit' "$out"
out=$(owner commit || true)
assert_match "commit after the failed add" '^error E' "$out"
assert_eq "generation unchanged" "$gen" "$(status_get generation)"
assert_eq "entries unchanged" "$entries" "$(status_get nr_entries)"
expect_blocked_at host tcp 198.51.100.10 80
expect_allowed_at other tcp 198.51.100.11 80

# Bad values are refused and change nothing.
! echo -5 2>/dev/null >/sys/module/consentwall/parameters/max_memory_mb ||
	fail "max_memory_mb took -5"
assert_eq "max_memory_mb after a bad write" 1 "$(cat /sys/module/consentwall/parameters/max_memory_mb)"

echo 64 >/sys/module/consentwall/parameters/max_memory_mb
owner_ok begin >/dev/null
owner_ok addgen big 100000 2000 >/dev/null
owner_ok add analytics $STD_RULES_ANALYTICS >/dev/null
owner_ok commit >/dev/null
assert_gt "entries with max_memory_mb=64" 99999 "$(status_get nr_entries)"
assert_match "entry 100000 classifies" '^purpose big' "$(cwnl explain tcp 10.1.134.160 443)"
expect_blocked_at host tcp 198.51.100.10 80
expect_allowed_at other tcp 198.51.100.11 80
