#!/bin/sh
# packaging_uci: the OpenWrt UCI -> TOML translator and the procd init script.
#
#   uci_test.sh MCSNOOPD SOURCE_DIR
#
# 1. Every sample tests/packaging/uci/*.uci (and the shipped /etc/config/mcsnoopd)
#    translates to exactly its .toml, and that TOML passes `mcsnoopd --check-config`.
# 2. Every tests/packaging/uci/bad/*.uci fails with status 1, writes no TOML, and
#    its message contains the text of the matching .err file.
# 3. The init script (procd functions stubbed): start_service writes the checked
#    TOML and declares the instance (foreground command, reload_signal HUP, the
#    file whose checksum triggers it, respawn, stderr to syslog); a broken UCI file
#    keeps the last good TOML and the instance; no enabled bridge means no
#    instance; the reload trigger watches the mcsnoopd package.
# All of it runs twice when busybox is installed: with sh + awk of this machine
# and with busybox ash + awk, as on OpenWrt.
set -u
MCSNOOPD=$1
SRC=$2
FILES=$SRC/packaging/openwrt/mcsnoopd/files
SAMPLES=$SRC/tests/packaging/uci
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
passed=0
failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL [$engine] $*"; }

# An engine: a directory whose sh and awk come first in PATH.
mkdir -p "$TMP/bin-busybox"
engines=system
if command -v busybox > /dev/null 2>&1; then
	for a in sh awk grep mv rm mkdir cat; do ln -s "$(command -v busybox)" "$TMP/bin-busybox/$a"; done
	engines="system busybox"
else
	echo "note: busybox not installed: the busybox ash/awk run is skipped"
fi

run_engine() {
	if [ "$engine" = busybox ]; then PATH="$TMP/bin-busybox:$PATH" "$@"; else "$@"; fi
}

translate_samples() {
	for uci in "$SAMPLES"/*.uci "$FILES/mcsnoopd.config"; do
		base=$(basename "$uci" .uci)
		expected=$SAMPLES/$base.toml
		[ "$base" = mcsnoopd.config ] && expected=$SAMPLES/default.toml
		out=$TMP/$engine-$base.toml
		if ! run_engine sh "$FILES/mcsnoopd-uci2toml" "$uci" > "$out" 2> "$TMP/err"; then
			fail "$base: translator failed: $(cat "$TMP/err")"
			continue
		fi
		if ! diff -u "$expected" "$out"; then
			fail "$base: output differs from $(basename "$expected")"
			continue
		fi
		if ! "$MCSNOOPD" --check-config "$out" > /dev/null 2> "$TMP/err"; then
			fail "$base: mcsnoopd --check-config rejects it: $(cat "$TMP/err")"
			continue
		fi
		ok
	done
	# Standard input, as `uci export mcsnoopd | mcsnoopd-uci2toml` feeds it.
	if run_engine sh "$FILES/mcsnoopd-uci2toml" < "$SAMPLES/full.uci" | cmp -s - "$SAMPLES/full.toml"; then ok; else fail "stdin input differs"; fi
}

reject_bad_samples() {
	for uci in "$SAMPLES"/bad/*.uci; do
		base=$(basename "$uci" .uci)
		want=$(cat "$SAMPLES/bad/$base.err")
		run_engine sh "$FILES/mcsnoopd-uci2toml" "$uci" > "$TMP/out" 2> "$TMP/err"
		rc=$?
		got=$(cat "$TMP/err")
		if [ "$rc" != 1 ]; then fail "bad/$base: status $rc, want 1"; continue; fi
		if [ -s "$TMP/out" ]; then fail "bad/$base: wrote TOML despite errors"; continue; fi
		case "$got" in
		*"$want"*) ok ;;
		*) fail "bad/$base: message '$got' does not contain '$want'" ;;
		esac
	done
}

# Runs one init-script action in a subshell with procd stubbed; the calls it makes
# are recorded in $TMP/calls, syslog lines in $TMP/syslog.
init_action() {
	uci_file=$1
	action=$2
	: > "$TMP/calls"
	UCI_FILE=$uci_file T=$TMP
	export UCI_FILE T FILES MCSNOOPD
	run_engine sh -c '
		uci() { cat "$UCI_FILE"; }
		logger() { shift 4; echo "$*" >> "$T/syslog"; }
		procd_open_instance() { echo "open_instance" >> "$T/calls"; }
		procd_set_param() { echo "set_param $*" >> "$T/calls"; }
		procd_close_instance() { echo "close_instance" >> "$T/calls"; }
		procd_add_reload_trigger() { echo "reload_trigger $*" >> "$T/calls"; }
		start() { echo "start" >> "$T/calls"; }
		. "$FILES/mcsnoopd.init"
		PROG=$MCSNOOPD UCI2TOML=$T/uci2toml CONF=$T/var/etc/mcsnoopd.conf RUNDIR=$T/run
		'"$action"'
	'
}

check_init_script() {
	conf=$TMP/var/etc/mcsnoopd.conf
	rm -rf "$TMP/var" "$TMP/syslog"
	init_action "$SAMPLES/full.uci" start_service
	if cmp -s "$conf" "$SAMPLES/full.toml"; then ok; else fail "init: start_service did not write the translated file"; fi
	want="open_instance
set_param command $MCSNOOPD --config $conf --runtime-dir $TMP/run
set_param file $conf
set_param reload_signal HUP
set_param respawn
set_param stdout 1
set_param stderr 1
close_instance"
	if [ "$(cat "$TMP/calls")" = "$want" ]; then ok; else fail "init: instance declared as
$(cat "$TMP/calls")
want
$want"; fi

	# A broken UCI file: logged, the last good TOML and the instance stay.
	init_action "$SAMPLES/bad/unknown-option.uci" start_service
	if cmp -s "$conf" "$SAMPLES/full.toml"; then ok; else fail "init: a broken UCI file replaced the running TOML"; fi
	if grep -q "open_instance" "$TMP/calls"; then ok; else fail "init: a broken UCI file dropped the instance"; fi
	if grep -q "unknown option 'fast_leave'" "$TMP/syslog"; then ok; else fail "init: the translator's error was not logged"; fi

	# A UCI file the translator accepts but the daemon does not (range check).
	printf 'config bridge\n\toption name br0\n\toption igmp_version 9\n' > "$TMP/range.uci"
	: > "$TMP/syslog"
	init_action "$TMP/range.uci" start_service
	if cmp -s "$conf" "$SAMPLES/full.toml"; then ok; else fail "init: a TOML failing --check-config replaced the running one"; fi
	if grep -q "igmp-version" "$TMP/syslog"; then ok; else fail "init: the --check-config error was not logged: $(cat "$TMP/syslog")"; fi

	# No enabled bridge: no instance (procd stops a running one).
	init_action "$SAMPLES/disabled.uci" start_service
	if [ ! -s "$TMP/calls" ]; then ok; else fail "init: an instance was declared without an enabled bridge"; fi

	init_action "$SAMPLES/full.uci" service_triggers
	if [ "$(cat "$TMP/calls")" = "reload_trigger mcsnoopd" ]; then ok; else fail "init: triggers $(cat "$TMP/calls")"; fi
	init_action "$SAMPLES/full.uci" reload_service
	if [ "$(cat "$TMP/calls")" = "start" ]; then ok; else fail "init: reload_service made $(cat "$TMP/calls")"; fi
}

# The init script runs "$UCI2TOML" as one word: point it at a wrapper script.
printf '#!/bin/sh\nexec sh "%s" "$@"\n' "$FILES/mcsnoopd-uci2toml" > "$TMP/uci2toml"
chmod +x "$TMP/uci2toml"

for engine in $engines; do
	translate_samples
	reject_bad_samples
	check_init_script
done

echo "packaging_uci: $passed passed, $failed failed"
[ "$failed" = 0 ]
