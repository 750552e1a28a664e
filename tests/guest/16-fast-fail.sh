# A blocked TCP connect fails within one second (reset, not a timeout);
# block=drop makes it a silent drop instead (a timeout), and the same
# connect passes once consented.
. /cw/guest/lib.sh
cw_require
net_up
srv_tcp host 198.51.100.10 80
owner_std

r=$(probe tcp 198.51.100.10 80 -t 5000)
log "blocked connect: $r"
assert_eq "errno of a blocked connect" ECONNREFUSED "${r%% *}"
assert_lt "ms until a blocked connect failed" 1000 "${r#* }"
r=$(probe udp 198.51.100.10 80)
assert_eq "errno of a blocked send" ECONNREFUSED "${r%% *}"
assert_lt "ms until a blocked send failed" 1000 "${r#* }"

owner_kill
cw_reload block=drop
owner_std
r=$(probe tcp 198.51.100.10 80 -t 1500)
log "blocked connect, block=drop: $r"
assert_eq "errno with block=drop" ETIMEDOUT "${r%% *}"
assert_eq "connections at the server" 0 "$(srv_conns host)"
# The timeout was the module's drop, not a broken path: consented, the
# same connect to the same server goes through at once.
owner_ok consent analytics 1 >/dev/null
r=$(probe tcp 198.51.100.10 80 -t 1500 -s 100)
assert_eq "consented, block=drop: connect" OK "${r%% *}"
assert_eq "consented, block=drop: bytes at the server" 100 "$(srv_bytes host)"
