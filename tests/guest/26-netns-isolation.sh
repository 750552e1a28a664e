# Each network namespace has its own state: another netns (a container) is
# not policed until a daemon claims it, and then follows its own ruleset,
# while the handset's stays as it is.
. /cw/guest/lib.sh
cw_require
net_up
net_other_up
srv_tcp host 198.51.100.10 80
srv_tcp other 198.51.100.11 80
other() { ip netns exec other "$@"; }

# The handset is unconfigured (blocks); the other netns is not policed.
expect_blocked tcp 198.51.100.11 80
r=$(other cwprobe tcp 198.51.100.10 80 -s 100 || true)
assert_eq "unclaimed netns reaches any host" OK "${r%% *}"
assert_eq "other netns: policed" 0 "$(other cwnl status | sed -n 's/^policed //p')"

# A daemon in the other netns claims it and commits (then goes away:
# the ruleset stays, consent is denied).
out=$(other cwnl -c 'claim; begin; add analytics ip=198.51.100.10; commit')
assert_match "commit in the other netns" '^generation [1-9]' "$out"
assert_eq "other netns: policed" 1 "$(other cwnl status | sed -n 's/^policed //p')"
r=$(other cwprobe tcp 198.51.100.10 80 -s 100 || true)
assert_eq "claimed netns: denied host" ECONNREFUSED "${r%% *}"
r=$(other cwprobe tcp 198.51.100.11 80 -s 100 || true)
assert_eq "claimed netns: other host" OK "${r%% *}"

# The handset did not change: still unconfigured, still blocking.
assert_eq "handset configured" 0 "$(status_get configured)"
expect_blocked tcp 198.51.100.11 80
assert_eq "bytes at the denied host" 100 "$(srv_bytes host)"
assert_eq "bytes at the other host" 100 "$(srv_bytes other)"

# Its hooks were registered at the first claim. A second daemon claims it
# again and commits another ruleset: the hooks are not registered twice
# (a second copy would outlive the namespace and be called after unload),
# and the new ruleset applies.
out=$(other cwnl -c 'claim; begin; add analytics ip=198.51.100.11; commit')
assert_match "second claim and commit" '^generation [1-9]' "$out"
r=$(other cwprobe tcp 198.51.100.11 80 -s 100 || true)
assert_eq "second ruleset: its host denied" ECONNREFUSED "${r%% *}"
r=$(other cwprobe tcp 198.51.100.10 80 -s 100 || true)
assert_eq "second ruleset: the first one's host" OK "${r%% *}"
assert_eq "bytes at the first one's host" 200 "$(srv_bytes host)"
assert_eq "bytes at the newly denied host" 100 "$(srv_bytes other)"

# The namespace goes away with its hooks, while traffic flows elsewhere.
ip netns delete other
expect_blocked tcp 198.51.100.11 80
