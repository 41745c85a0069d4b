# shellcheck shell=bash
# Tiny KTAP writer for the guest suites (sourced).
KTAP_LINES=()
KTAP_PLAN=0
ktap_plan() { KTAP_PLAN=$1; }
ktap_result() { # rc description
	local n=$((${#KTAP_LINES[@]} + 1))
	if [ "$1" = 0 ]; then KTAP_LINES+=("ok $n $2"); else KTAP_LINES+=("not ok $n $2"); fi
	echo "${KTAP_LINES[-1]}"
}
# ktap_check DESC CMD... ('&&' as a word chains a second command)
ktap_check() {
	local desc=$1 rc=0 cmd=()
	shift
	for w in "$@"; do
		if [ "$w" = '&&' ]; then "${cmd[@]}" || rc=1; cmd=(); else cmd+=("$w"); fi
	done
	[ ${#cmd[@]} -gt 0 ] && { "${cmd[@]}" || rc=1; }
	ktap_result $rc "$desc"
}
ktap_write() { # file
	{
		echo "KTAP version 1"
		echo "1..$KTAP_PLAN"
		printf '%s\n' "${KTAP_LINES[@]}"
	} >"$1"
}
