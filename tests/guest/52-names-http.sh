# HTTP: a plaintext request whose Host (or absolute-form target) is a
# denied purpose's name is reset before the server gets a byte, even to an
# address no rule lists; look-alike and unrelated hosts pass; after
# consent the same host passes.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
net_up
srv_tcp web "$UNLISTED" 80
owner_names

b=$(srv_bytes web)
expect_flow_blocked "Host xiaomi.net" "$(http xiaomi.net)" web "$b"
expect_flow_blocked "Host with port, mixed case" "$(http Data.XiaoMi.net:80)" web "$b"
expect_flow_blocked "Host tracking subdomain" "$(http x.tracking.example.com)" web "$b"
# A proxy-style absolute-form target names the host too.
r=$(timed curl -s --max-time "$CW_CLIENT_TIMEOUT" --proxy "http://$UNLISTED:80" http://api.xiaomi.net/collect)
expect_flow_blocked "absolute-form target through a proxy" "$r" web "$b"

b=$(srv_bytes web)
expect_flow_allowed "Host notxiaomi.net" "$(http notxiaomi.net)" web "$b"
b=$(srv_bytes web)
expect_flow_allowed "Host example.org" "$(http example.org)" web "$b"

wait_event ' name data\.xiaomi\.net( |$)'
ev=$(owner_events | grep -E ' name data\.xiaomi\.net( |$)' | head -n1)
assert_match "http event" " proto 6 addr $UNLISTED port 80 .*purposes push" "$ev"

owner_ok consent push 1 >/dev/null
b=$(srv_bytes web)
expect_flow_allowed "after consent: Host xiaomi.net" "$(http xiaomi.net)" web "$b"
b=$(srv_bytes web)
expect_flow_blocked "after consent: analytics still denied" "$(http tracking.example.com)" web "$b"
dmesg_clean || fail "kernel warnings"
