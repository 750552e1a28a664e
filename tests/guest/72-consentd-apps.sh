# consentd resolves `app = PACKAGE` in every Android user, `app = PACKAGE
# user N` in one, `app = UID` as that UID only; a package that is not
# installed matches nothing and the rest of its file stays in force;
# explain and log name the app (issue 13).
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh

cw_require
net_up
srv_tcp web 198.51.100.11 80
srv_tcp other 198.51.100.40 80
srv_tcp other81 198.51.100.40 81

cd_setup <<'RULES'
[tracker]
app = com.example.tracker
app = com.example.work user 10
app = 10190
[more]
app = com.not.installed
ip = 198.51.100.40 tcp 80
RULES
cat >"$CD_PKGS" <<'PKGS'
com.example.tracker 10187 0 /data/user/0/com.example.tracker default:targetSdkVersion=33 none 0 12 1 com.android.vending
com.example.work 10188 0 /data/user/0/com.example.work default:targetSdkVersion=33 3003 0 7 1 @null
com.example.fine 10189 0 /data/user/0/com.example.fine default:targetSdkVersion=33 3003 0 7 1 @null
PKGS
cd_start

for uid in 10187 1010187 99910187 1010188 10190; do
	expect_blocked tcp 198.51.100.11 80 -u $uid
done
sleep 0.2
assert_eq "no connection from the tracker in users 0, 10, 999, work in 10, UID 10190" 0 "$(srv_conns web)"
# Controls on the same path: other apps, work outside user 10, UID 10190's
# app in user 10.
for uid in 10189 10188 99910188 1010190; do
	expect_allowed tcp 198.51.100.11 80 -u $uid
done
sleep 0.2
assert_eq "four connections from the others" 4 "$(srv_conns web)"

# A missing package: one warning, and its file's other entries hold.
assert_match "the missing package is named once" \
	'\[more\] app = com.not.installed: not in .*packages.list: matches nothing until it is installed' \
	"$(cat "$CD/consentd.log")"
assert_eq "one warning line" 1 "$(grep -c 'com.not.installed: not in' "$CD/consentd.log")"
assert_nomatch "no broken file" 'SKIPPED|broken' "$(ctl status)"
expect_blocked tcp 198.51.100.40 80
expect_allowed tcp 198.51.100.40 81
sleep 0.2
assert_eq "the ip entry next to the missing package holds" 0 "$(srv_conns other)"
assert_eq "its control on another port got through" 1 "$(srv_conns other81)"

out=$(ctl explain tcp 198.51.100.11 80 --uid 1010187)
assert_eq "explain names the app and its user" \
	"block: matches tracker (denied); the app is com.example.tracker (user 10)" "$out"
out=$(ctl --json explain tcp 198.51.100.11 80 --uid 99910187)
assert_match "explain --json carries the package" '"app": *"com.example.tracker"' "$out"
assert_match "explain --json carries the user" '"user": *"?999"?' "$out"
usleep 300000
out=$(ctl log)
assert_match "log names the app and its user" \
	'blocked tracker +tcp 198.51.100.11:80 uid 99910187 \(com.example.tracker, user 999\)' "$out"
out=$(ctl --json log)
assert_match "log --json carries the package" '"app": *"com.example.tracker"' "$out"
cd_stop
