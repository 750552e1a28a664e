# Consent granted lets a purpose through, withdrawn blocks it again; it
# survives a new commit of the same purpose; a packet matching several
# purposes needs consent for every one of them.
. /cw/guest/lib.sh
cw_require
net_up
srv_tcp host 198.51.100.10 80
srv_tcp both 198.51.100.30 80
srv_tcp push 198.51.100.20 5050
owner_std

expect_blocked tcp 198.51.100.10 80
assert_eq "consent of analytics" 0 "$(consent_of analytics)"
owner_ok consent analytics 1
assert_eq "consent of analytics" 1 "$(consent_of analytics)"
expect_allowed tcp 198.51.100.10 80
assert_eq "bytes after consent" 100 "$(srv_bytes host)"
expect_blocked tcp 198.51.100.20 5050
assert_eq "other purpose still blocked: connections" 0 "$(srv_conns push)"

owner_ok consent analytics 0
expect_blocked tcp 198.51.100.10 80
assert_eq "bytes after withdrawal" 100 "$(srv_bytes host)"

# Consent is kept by purpose name across commits.
owner_ok consent analytics 1
owner_ok begin >/dev/null
owner_ok add analytics $STD_RULES_ANALYTICS ip=198.51.100.30 >/dev/null
owner_ok add push $STD_RULES_PUSH ip=198.51.100.30 >/dev/null
owner_ok commit
assert_eq "consent of analytics after a commit" 1 "$(consent_of analytics)"
assert_eq "consent of push after a commit" 0 "$(consent_of push)"
expect_allowed tcp 198.51.100.10 80

# 198.51.100.30 is in both purposes: one consent is not enough.
expect_blocked tcp 198.51.100.30 80
owner_ok consent push 1
expect_allowed tcp 198.51.100.30 80
owner_ok consent analytics 0
expect_blocked tcp 198.51.100.30 80
assert_eq "bytes at the two-purpose endpoint" 100 "$(srv_bytes both)"

# Unknown purpose: a clear error.
out=$(owner consent nosuch 1 || true)
assert_match "consent for an unknown purpose" '^error ENOENT|^error EINVAL' "$out"
