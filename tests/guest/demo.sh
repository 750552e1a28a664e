# `make run`: the handset demo. Sets up the internet namespace with a web
# server that answers for a real MIUI Cloud Messaging address
# (cn.app.chat.xiaomi.net, 111.13.141.211, as in userspace/rules) and for
# www.example.org, starts consentd with the default MIUI rules, then either
# runs the demo (no terminal: `sh demo.sh demo`) or prints a banner for the
# interactive shell (`sh demo.sh run`). Nothing leaves the QEMU guest: it
# has no network device; "the internet" is a namespace inside it.
. /cw/guest/lib.sh
trap - EXIT
mode=${1:-demo}

step() { printf '\n>>> %s\n' "$*"; }
say() { printf '    %s\n' "$*"; }

insmod "$CW_KO" 2>/dev/null || cw_loaded || { echo "consentwall.ko did not load"; exit 1; }
net_up
ip -n inet route add local 111.13.141.211/32 dev lo
printf '111.13.141.211 cn.app.chat.xiaomi.net\n198.51.100.11 www.example.org\n' >>/etc/hosts
mkdir -p /tmp/www
echo "hello from the other side of consentwall" >/tmp/www/index.html
inet httpd -p 80 -h /tmp/www

if command -v consentd >/dev/null && [ -d /etc/consentwall/rules.d ]; then
	mkdir -p /var/log/consentwall /var/lib/consentwall /run/consentwall
	consentd --foreground >/var/log/consentwall/consentd.log 2>&1 &
	i=0
	until consentctl status 2>/dev/null | grep -q '^kernel: *connected'; do
		i=$((i + 1))
		if [ $i -gt 250 ]; then
			echo "consentd did not start:"; tail /var/log/consentwall/consentd.log
			exit 1
		fi
		usleep 20000
	done
	CTL=consentctl
	status() { consentctl status; }
	allow() { consentctl allow "$@"; }
	deny() { consentctl deny "$@"; }
else
	# ---- stand-in until consentd exists: cwnl as the owner ----
	owner_start
	owner_ok claim >/dev/null
	owner_ok begin >/dev/null
	owner_ok add cloud-messaging "desc=MIUI Cloud Messaging" ip=111.13.141.211 >/dev/null
	owner_ok commit >/dev/null
	CTL=cwnl
	status() { owner status; }
	allow() { owner consent "$1" 1; }
	deny() { owner consent "$1" 0; }
fi

if [ "$mode" = run ]; then
	cat <<BANNER

======================================================================
 consentwall handset (QEMU guest, stock Debian $(uname -r) kernel)
 Running: consentwall.ko, $( [ $CTL = consentctl ] && echo "consentd with the default MIUI rules" || echo "a cwnl owner holding a demo ruleset").
 "The internet" is a network namespace in this guest (no real network).
 Try:
   $( [ $CTL = consentctl ] && echo "consentctl status" || echo "cwnl status")
   curl -m 5 http://cn.app.chat.xiaomi.net/      # blocked: no consent
   $( [ $CTL = consentctl ] && echo "consentctl allow cloud-messaging" || echo "echo 'consent cloud-messaging 1' >&9   # (cwnl owner)") ; then curl again
 Exit the shell to power off (Ctrl-A X quits QEMU at once).
======================================================================
BANNER
	exit 0
fi

step "The handset has consentwall loaded and consent for nothing"
status | sed 's/^/    /'
step "An app sends to MIUI Cloud Messaging (cn.app.chat.xiaomi.net)"
out=$(curl -sS -m 5 http://cn.app.chat.xiaomi.net/ 2>&1) && rc=0 || rc=$?
say "curl: $out"
[ $rc != 0 ] || { echo "DEMO FAILED: the request went through without consent"; exit 1; }
say "=> blocked at once, nothing left the handset"
if [ $CTL = consentctl ]; then
	step "What the user can read: consentctl log -n 1"
	i=0
	until consentctl log -n 1 | grep -q 111.13.141.211 || [ $i -gt 50 ]; do
		usleep 20000; i=$((i + 1))
	done
	consentctl log -n 1 | sed 's/^/    /'
fi
step "Other traffic is not affected"
out=$(curl -sS -m 5 http://www.example.org/ 2>&1) || { echo "DEMO FAILED: $out"; exit 1; }
say "curl www.example.org: $out"
step "The user opts in: $CTL allow cloud-messaging"
allow cloud-messaging | sed 's/^/    /'
out=$(curl -sS -m 5 http://cn.app.chat.xiaomi.net/ 2>&1) || { echo "DEMO FAILED: still blocked after consent: $out"; exit 1; }
say "curl: $out"
say "=> allowed after consent"
step "The user withdraws: $CTL deny cloud-messaging"
deny cloud-messaging | sed 's/^/    /'
out=$(curl -sS -m 5 http://cn.app.chat.xiaomi.net/ 2>&1) && { echo "DEMO FAILED: allowed after withdrawal"; exit 1; }
say "curl: $out"
say "=> blocked again"
echo
echo "demo finished: blocked, then allowed after consent, then blocked again"
