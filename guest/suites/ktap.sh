# shellcheck shell=bash
# The one KTAP writer of the project, sourced by the guest suites and by the
# host's tools/check.sh and tools/selftest.sh (not a suite: not executable).
KTAP_LINES=()
KTAP_FAILS=0
ktap_result() { # rc description
	local n=$((${#KTAP_LINES[@]} + 1))
	if [ "$1" = 0 ]; then
		KTAP_LINES+=("ok $n $2")
	else
		KTAP_LINES+=("not ok $n $2")
		KTAP_FAILS=$((KTAP_FAILS + 1))
	fi
	echo "${KTAP_LINES[-1]}"
}
# ktap_check DESC CMD... ('&&' as a word chains a second command)
ktap_check() {
	local desc=$1 rc=0 cmd=() w
	shift
	for w in "$@"; do
		if [ "$w" = '&&' ]; then "${cmd[@]}" || rc=1; cmd=(); else cmd+=("$w"); fi
	done
	[ ${#cmd[@]} -gt 0 ] && { "${cmd[@]}" || rc=1; }
	ktap_result $rc "$desc"
}
# ktap_write FILE: the results so far, with a plan of as many tests as were run
ktap_write() {
	{
		echo "KTAP version 1"
		echo "1..${#KTAP_LINES[@]}"
		printf '%s\n' "${KTAP_LINES[@]}"
	} >"$1"
}
