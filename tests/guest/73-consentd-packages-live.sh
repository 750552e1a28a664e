# packages.list followed live (issue 13): Android replaces the file by
# rename; consentd recommits within 1 s without a reload. An install is
# blocked, a reinstall under a new UID is blocked with consent unchanged,
# an uninstall drops the entry.
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cw_require
net_up
srv_tcp web 198.51.100.11 80
srv_tcp poll 198.51.100.11 81	# the probes that wait for a change

# pkgs LINE...: a new packages.list, written aside and renamed over the
# old one, as PackageManager does.
pkgs() {
	printf '%s\n' "$@" >"$CD_PKGS.tmp"
	mv "$CD_PKGS.tmp" "$CD_PKGS"
}
line() { echo "$1 $2 0 /data/user/0/$1 default:targetSdkVersion=33 none 0 1 1 @null"; }

# within_1s tcp|udp ADDR PORT -u UID ERRNO: the probe's result becomes
# ERRNO within one second (polled every 50 ms); prints the milliseconds.
within_1s() {
	local want=$6 t0 r i=0
	t0=$(now_ms)
	while :; do
		r=$(probe_result "$1" "$2" "$3" "$4" "$5" -s 1 -t 500)
		[ "$r" = "$want" ] && break
		i=$((i + 1))
		[ $i -lt 20 ] || fail "$*: still $r after 1 s"
		usleep 50000
	done
	echo $(( $(now_ms) - t0 ))
}

cd_setup <<'RULES'
[tracker]
app = com.example.tracker
[push]
app = com.example.push
RULES
pkgs "$(line com.example.push 10180)"
cd_start
ctl allow push >/dev/null || fail "allow push"
gen0=$(status_get generation)

expect_allowed tcp 198.51.100.11 80 -u 10187
expect_allowed tcp 198.51.100.11 80 -u 10180

# Install: blocked within 1 s, in every user, without reload.
pkgs "$(line com.example.push 10180)" "$(line com.example.tracker 10187)"
ms=$(within_1s tcp 198.51.100.11 81 -u 10187 ECONNREFUSED)
pass "installed app blocked after $ms ms"
expect_blocked tcp 198.51.100.11 80 -u 1010187
expect_allowed tcp 198.51.100.11 80 -u 10180
assert_match "recommitted, not reloaded" 'committed for the new package list' "$(cat "$CD/consentd.log")"
gen1=$(status_get generation)
[ "$gen1" -gt "$gen0" ] || fail "no new generation after the install ($gen0 -> $gen1)"

# Reinstall both under new UIDs: the tracker is blocked under its new UID,
# the old one is free; push keeps its consent (bound to the name).
pkgs "$(line com.example.push 10181)" "$(line com.example.tracker 10199)"
ms=$(within_1s tcp 198.51.100.11 81 -u 10199 ECONNREFUSED)
pass "reinstalled app blocked under its new UID after $ms ms"
expect_allowed tcp 198.51.100.11 80 -u 10187
expect_allowed tcp 198.51.100.11 80 -u 10181
assert_match "push still allowed" '^push +allowed' "$(ctl purposes)"
assert_match "tracker still denied" '^tracker +denied' "$(ctl purposes)"

# Uninstall: the entry resolves to nothing, the purpose stays.
pkgs "$(line com.example.push 10181)"
ms=$(within_1s tcp 198.51.100.11 81 -u 10199 OK)
pass "uninstalled app's UID free after $ms ms"
assert_match "tracker still listed" '^tracker +denied' "$(ctl purposes)"
sleep 0.2
# 10187, 10180 twice, 10187 and 10181 got through; 1010187 did not.
assert_eq "connections that were allowed, and only those" 5 "$(srv_conns web)"

# A change that does not touch the rules' packages commits nothing.
gen2=$(status_get generation)
pkgs "$(line com.example.push 10181)" "$(line com.other.app 10300)"
usleep 500000
assert_eq "an unrelated install commits nothing" "$gen2" "$(status_get generation)"
cd_stop
