# A name made of an identifier is never given back (issue 15), even with
# cleartext-identifiers allowed: a DNS query for 490154203237518.t.example,
# a subdomain of a denied name, is refused like any query for that name,
# but its event (consentctl log) names no host, while the same query for
# ok.t.example names it; consentctl explain of an address a DNS answer for
# such a name bound says it matched by a learned name without the name,
# while that of an address bound by ok.t.example names it. Nothing
# consentd writes or says holds the IMEI.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh
. /cw/guest/idents.sh

IMEI=490154203237518
cd_net
cd_setup <<-'RULES'
[telemetry]
description = Test telemetry
domain = t.example
RULES
printf 'imei = %s\n' $IMEI >"$CD/identifiers"
chmod 0600 "$CD/identifiers"
echo "identifiers = $CD/identifiers" >>"$CD/consentd.conf"
cd_start
ctl allow cleartext-identifiers >/dev/null

# ok.t.example and the rest of t.example on addresses of their own.
dns_record --address=/ok.t.example/198.51.100.2 --address=/t.example/198.51.100.3
q() { dig +tries=1 +time=2 +noall +comments "@$ID_DNS" "$1" A 2>&1 | sed -n 's/.*status: \([A-Z]*\).*/\1/p'; }
a() { dig +tries=1 +time=2 +short "@$ID_DNS" "$1" A 2>&1; }

# Denied: both refused by name; the event names one of them.
assert_eq "an unlisted name resolves (the control)" NOERROR "$(q other.example)"
assert_eq "ok.t.example: refused" REFUSED "$(q ok.t.example)"
sleep 0.3
assert_eq "$IMEI.t.example: refused" REFUSED "$(q $IMEI.t.example)"
sleep 0.3
assert_eq "dnsmasq saw the control, not the refused" "other.example" \
	"$(sed -n 's/.*query\[A\] \([^ ]*\) from.*/\1/p' "$CW_OUT/rec-dns" | grep -v '^up\.example$' | sort -u | tr '\n' ' ' | sed 's/ $//')"
out=$(ctl log)
assert_match "log: the query for ok.t.example, by name" "blocked telemetry +udp $ID_DNS:53 uid 0 ok\\.t\\.example\$" "$out"
assert_match "log: the query for the IMEI's name, without it" "blocked telemetry +udp $ID_DNS:53 uid 0\$" "$out"
assert_eq "log: two events of telemetry" 2 "$(printf '%s\n' "$out" | grep -c 'blocked telemetry ')"

# Consented, the answers bind their addresses; denied again, explain
# says which name bound each, but not the IMEI's.
ctl allow telemetry >/dev/null
assert_eq "allowed: ok.t.example resolves" 198.51.100.2 "$(a ok.t.example)"
assert_eq "allowed: $IMEI.t.example resolves" 198.51.100.3 "$(a $IMEI.t.example)"
ctl deny telemetry >/dev/null
out=$(ctl explain tcp 198.51.100.2 443)
assert_match "explain: ok.t.example's address, blocked" '^block: matches telemetry' "$out"
assert_match "explain: and the name that bound it" 'learned from a DNS answer for ok\.t\.example' "$out"
out=$(ctl explain tcp 198.51.100.3 443)
assert_match "explain: the IMEI name's address, blocked" '^block: matches telemetry' "$out"
assert_nomatch "explain: no name for it" 'learned from a DNS answer' "$out"

all="$(cat "$CD/consentd.log" "$CD/events.log"; ctl log; ctl --json log; ctl status; ctl --json status; ctl explain tcp 198.51.100.3 443; ctl --json explain tcp 198.51.100.3 443)"
assert_gt "consentd said something" 500 "${#all}"
assert_eq "the IMEI in nothing consentd wrote or said" 0 "$(printf '%s\n' "$all" | grep -c $IMEI || true)"
