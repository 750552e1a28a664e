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

# The demo is consentd's: without it there is nothing to show, and a
# stand-in would demonstrate something else.
command -v consentd >/dev/null && command -v consentctl >/dev/null ||
	{ echo "DEMO FAILED: consentd or consentctl is not in the guest (make userspace)"; exit 1; }
[ -d /etc/consentwall/rules.d ] ||
	{ echo "DEMO FAILED: no /etc/consentwall/rules.d in the guest"; exit 1; }
mkdir -p /var/log/consentwall /var/lib/consentwall /run/consentwall
consentd --foreground >/var/log/consentwall/consentd.log 2>&1 &
i=0
until consentctl status 2>/dev/null | grep -q '^kernel: *connected'; do
	i=$((i + 1))
	if [ $i -gt 250 ]; then
		echo "DEMO FAILED: consentd did not start:"; tail /var/log/consentwall/consentd.log
		exit 1
	fi
	usleep 20000
done

# fetch URL: curl, its output in $out; returns curl's exit status.
# Blocked means refused at once (exit 7, "Connection refused"): a run into
# the 5 s limit (exit 28) is a silent drop or a broken path, not the demo.
fetch() {
	out=$(curl -sS -m 5 "$1" 2>&1)
}
expect_refused() {
	local rc=0 t0
	t0=$(now_ms)
	fetch "$1" || rc=$?
	say "curl: $out"
	case $rc in
	0) echo "DEMO FAILED: $2: the request went through"; exit 1 ;;
	7) ;;
	28) echo "DEMO FAILED: $2: no refusal, curl ran into its 5 s timeout"; exit 1 ;;
	*) echo "DEMO FAILED: $2: curl exit $rc, not a refusal"; exit 1 ;;
	esac
	say "=> refused after $(( $(now_ms) - t0 )) ms, nothing left the handset"
}

if [ "$mode" = run ]; then
	cat <<BANNER

======================================================================
 consentwall handset (QEMU guest, stock Debian $(uname -r) kernel)
 Running: consentwall.ko, consentd with the default MIUI rules.
 "The internet" is a network namespace in this guest (no real network).
 Try:
   consentctl status
   curl -m 5 http://cn.app.chat.xiaomi.net/      # blocked: no consent
   consentctl allow cloud-messaging ; then curl again
 Exit the shell to power off (Ctrl-A X quits QEMU at once).
======================================================================
BANNER
	exit 0
fi

step "The handset has consentwall loaded and consent for nothing"
consentctl status | sed 's/^/    /'
step "An app sends to MIUI Cloud Messaging (cn.app.chat.xiaomi.net)"
expect_refused http://cn.app.chat.xiaomi.net/ "without consent"
step "What the user can read: consentctl log -n 1"
i=0
until consentctl log -n 1 | grep -q 111.13.141.211 || [ $i -gt 50 ]; do
	usleep 20000; i=$((i + 1))
done
consentctl log -n 1 | sed 's/^/    /'
step "Other traffic is not affected"
fetch http://www.example.org/ || { echo "DEMO FAILED: $out"; exit 1; }
say "curl www.example.org: $out"
step "The user opts in: consentctl allow cloud-messaging"
consentctl allow cloud-messaging | sed 's/^/    /'
fetch http://cn.app.chat.xiaomi.net/ || { echo "DEMO FAILED: still blocked after consent: $out"; exit 1; }
say "curl: $out"
say "=> allowed after consent"
step "The user withdraws: consentctl deny cloud-messaging"
consentctl deny cloud-messaging | sed 's/^/    /'
expect_refused http://cn.app.chat.xiaomi.net/ "after withdrawal"
say "=> blocked again"
echo
echo "demo finished: blocked, then allowed after consent, then blocked again"
