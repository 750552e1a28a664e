#!/bin/sh
# consentctl(8) and `consentctl --help` must describe the same command line:
# the synopsis, every command with its arguments, every option. Either one
# changed alone fails this check (TAP). Usage: check-man.sh CONSENTCTL MANPAGE
set -u
ctl=$1 page=$2
n=0 bad=0
t() { # t OK? DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=1; fi
}
lc() { tr 'A-Z' 'a-z' | sed 's/[[:space:]]\{1,\}/ /g; s/ $//'; }

help=$("$ctl" --help) || { echo "not ok 1 - $ctl --help failed"; exit 1; }
man=$(groff -man -Tascii -P-cbou -rLL=200n "$page" 2>/dev/null) ||
	{ echo "not ok 1 - groff cannot render $page"; exit 1; }
[ -n "$man" ] || { echo "not ok 1 - $page renders to nothing"; exit 1; }
section() { printf '%s\n' "$man" | sed -n "/^$1\$/,/^[A-Z]/p" | sed '1d;$d'; }

# The synopsis: help's first line without "Usage: ".
syn=$(printf '%s\n' "$help" | sed -n '1s/^Usage: //p' | lc)
section SYNOPSIS | lc | grep -qxF " $syn"
t $? "man SYNOPSIS has the --help usage line: $syn"

# Commands: "  name args" in --help; a tag at indent 7 in COMMANDS.
cmds=$(printf '%s\n' "$help" | sed -n '/^Commands:$/,/^$/p' | sed '1d;$d')
tags=$(section COMMANDS | grep '^       [^ ]')
[ -n "$cmds" ] && [ -n "$tags" ]
t $? "both list commands"
printf '%s\n' "$cmds" | while read -r line; do
	want=$(printf '%s\n' "$line" | lc)
	printf '%s\n' "$tags" | lc | awk -v w=" $want" \
		'$0 == w || index($0, w " ") == 1 { f = 1 } END { exit !f }' ||
		echo "$want"
done >/tmp/check-man.$$
[ ! -s /tmp/check-man.$$ ]
t $? "every --help command is in the man page as written: $(tr '\n' ';' </tmp/check-man.$$)"
names=$(printf '%s\n' "$cmds" | awk '{print $1}')
printf '%s\n' "$tags" | awk '{print $1}' | while read -r c; do
	printf '%s\n' "$names" | grep -qxF "$c" || echo "$c"
done >/tmp/check-man.$$
[ ! -s /tmp/check-man.$$ ]
t $? "every man page command is in --help: $(tr '\n' ';' </tmp/check-man.$$)"

# Options: the dash words of the option lines of each.
hopts=$(printf '%s\n' "$help" | sed -n '/^Options/,/^$/p' | grep -E '^  -' |
	sed 's/^ *//; s/  .*//' | tr ', ' '\n\n' | grep '^-' | sort)
mopts=$(section OPTIONS | grep '^       -' | sed 's/^ *//' |
	tr ', ' '\n\n' | grep '^-' | sort)
[ -n "$hopts" ] && [ "$hopts" = "$mopts" ]
t $? "the same options: --help [$(echo $hopts)], man [$(echo $mopts)]"
rm -f /tmp/check-man.$$
echo "1..$n"
exit $bad
