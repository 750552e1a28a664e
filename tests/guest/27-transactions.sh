# Ruleset transactions: abort, order errors, malformed entries with an
# extack naming the attribute (and the running ruleset untouched), a
# transaction dropped with its socket, and 100k prefixes in one ruleset.
. /cw/guest/lib.sh
cw_require
net_up
srv_tcp host 198.51.100.10 80
owner_std
gen=$(status_get generation)

out=$(owner commit || true)
assert_match "commit without begin" '^error E' "$out"
out=$(owner add analytics ip=198.51.100.99 || true)
assert_match "add without begin" '^error E' "$out"

owner_ok begin >/dev/null
owner_ok add analytics ip=198.51.100.99 >/dev/null
owner_ok abort >/dev/null
assert_eq "abort: generation unchanged" "$gen" "$(status_get generation)"
out=$(cwnl explain tcp 198.51.100.99 80)
assert_match "abort: entry never applied" '^verdict accept' "$out"

# Malformed entries: EINVAL (or ERANGE from the policy), the attribute
# named (CW_ENTRY_A_* numbers). A failed ADD ends the transaction, so each
# one gets its own.
bad_add() {
	owner_ok begin >/dev/null
	owner add "$@" || true
}
out=$(bad_add analytics ip=198.51.100.0/33)
assert_match "prefix length 33" '^error (EINVAL|ERANGE): .*\[attr 3\]' "$out"
out=$(bad_add analytics ip=2001:db8::/129)
assert_match "prefix length 129" '^error (EINVAL|ERANGE): .*\[attr 3\]' "$out"
out=$(bad_add analytics ip=198.51.100.1,tcp,6000-5000)
assert_match "reversed port range" '^error (EINVAL|ERANGE): .*\[attr 6\]' "$out"
out=$(bad_add analytics ip=198.51.100.1,any,80)
assert_match "port without protocol" '^error EINVAL: .+' "$out"
out=$(bad_add BadName ip=198.51.100.1)
assert_match "bad purpose name" '^error EINVAL: .*\[attr 1\]' "$out"
out=$(owner commit || true)
assert_match "commit after a failed add" '^error E' "$out"
owner abort >/dev/null || true
assert_eq "after bad input: generation unchanged" "$gen" "$(status_get generation)"
expect_blocked tcp 198.51.100.10 80

# A transaction belongs to its socket: gone with it.
owner_ok begin >/dev/null
owner_ok add analytics ip=198.51.100.98 >/dev/null
owner_kill
owner_start
owner_ok claim >/dev/null
out=$(owner commit || true)
assert_match "commit after the old owner's transaction died" '^error E' "$out"

# 100k prefixes go through and still classify.
t0=$(now_ms)
owner_ok begin >/dev/null
owner_ok addgen big 100000 2000 >/dev/null
owner_ok add analytics $STD_RULES_ANALYTICS >/dev/null
owner_ok commit >/dev/null
log "100k entries committed in $(( $(now_ms) - t0 )) ms"
assert_gt "entries in the ruleset" 99999 "$(status_get nr_entries)"
out=$(cwnl explain tcp 10.1.134.160 443)
assert_match "entry 100000 (10.1.134.160)" '^purpose big' "$out"
out=$(cwnl explain tcp 10.1.134.161 443)
assert_match "entry 100001 does not exist" '^verdict accept' "$out"
expect_blocked tcp 198.51.100.10 80
