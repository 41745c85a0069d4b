#!/usr/bin/env bash
# make check: static checks of the series, fast (no kernel build).
#  - checkpatch.pl --strict on every patch: no error, warning or check
#  - kernel-doc -Wall on every .c/.h file the series touches: no warning
#  - both config fragments resolve as written (tinyconfig + fragments)
#  - shellcheck on the harness's own scripts
# With --ktap FILE, also writes the results as KTAP (make test reports them).
. "$(dirname "$0")/lib.sh"
KTAP_OUT=
[ "${1:-}" = --ktap ] && KTAP_OUT=$2
[ -d "$TREE/.git" ] || die "build/linux does not exist: run 'make tree'"

. "$TOP/guest/suites/ktap.sh"

# every file a patch adds or deletes is a MAINTAINERS F: entry or lies below one
covered_paths() {
	local f d ok=1
	while read -r f; do
		ok=0
		grep -qxF "F:	$f" "$TREE/MAINTAINERS" && { ok=1; continue; }
		d=$(dirname "$f")
		while [ "$d" != . ]; do
			grep -qxF "F:	$d/" "$TREE/MAINTAINERS" && { ok=1; break; }
			d=$(dirname "$d")
		done
		[ $ok = 1 ] || return 1
	done < <(awk '/^diff --git/ { f = $3; sub(/^a\//, "", f) } /^(deleted|new) file mode/ { print f }' "$1")
	[ $ok = 1 ]
}

# checkpatch, per patch. Debian's python3 first: checkpatch runs
# scripts/spdxcheck.py (python3-ply, python3-git) on files a patch adds, and
# a python3 earlier in PATH (pyenv) may lack those modules.
while read -r p; do
	out=$(cd "$TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --terse --no-summary --show-types \
		"$PATCHES/$p" 2>&1) || true
	# FILE_PATH_CHANGES asks whether MAINTAINERS needs updating; for a
	# patch whose added and deleted files are all covered by MAINTAINERS
	# F: entries (the file, or a directory above it), it does not.
	if covered_paths "$PATCHES/$p"; then
		out=$(printf '%s\n' "$out" | grep -v 'FILE_PATH_CHANGES' || true)
	fi
	# UNKNOWN_COMMIT_ID: the base is Debian's source package as one commit,
	# without upstream's history, so checkpatch cannot look up the commit a
	# Fixes: tag names; such ids are taken from upstream's own Fixes: tags.
	if [ "$(git -C "$TREE" rev-list --count base 2>/dev/null)" = 1 ]; then
		out=$(printf '%s\n' "$out" | grep -v 'UNKNOWN_COMMIT_ID' || true)
	fi
	rc=0
	[ -z "$out" ] || { rc=1; printf '%s\n' "$out" | head -20; }
	ktap_result $rc "checkpatch --strict $p"
done < <(series_entries)

# kernel-doc on the C files the series touches: no warning that the base
# version of the file does not have already (line numbers aside)
kdoc() { (cd "$TREE" && ./scripts/kernel-doc -none -Wall "$1" 2>&1 | sed -E 's/^[^:]*:[0-9]+: //' | sort -u) || true; }
mapfile -t files < <(gitt diff --name-only --diff-filter=AM base..HEAD -- '*.c' '*.h')
kd_bad=0
KD_TMP=$(mktemp -d)
trap 'rm -rf "$KD_TMP"' EXIT
for f in "${files[@]}"; do
	: >"$KD_TMP/base"
	if gitt cat-file -e "base:$f" 2>/dev/null; then
		mkdir -p "$KD_TMP/src/$(dirname "$f")"
		gitt show "base:$f" >"$KD_TMP/src/$f"
		kdoc "$KD_TMP/src/$f" >"$KD_TMP/base"
	fi
	new=$(comm -13 "$KD_TMP/base" <(kdoc "$f"))
	if [ -n "$new" ]; then printf '%s: %s\n' "$f" "$new" | head -20; kd_bad=1; fi
done
ktap_result $kd_bad "kernel-doc -Wall on ${#files[@]} file(s) the series touches: no new warning"

# the harness's own shell scripts
rc=0
out=$(cd "$TOP" && shellcheck -x -S warning tools/*.sh guest/init guest/run-suites guest/bench guest/suites/* \
	guest/tour guest/banner .ci/run 2>&1) || rc=$?
[ $rc = 0 ] || printf '%s\n' "$out" | head -20
ktap_result $rc "shellcheck -S warning on the harness scripts"

# config fragments
for kind in test debug; do
	if KIND=$kind "$TOP/tools/kernel.sh" config >"$BUILD/check-config-$kind.log" 2>&1; then
		ktap_result 0 "configs/$kind fragment resolves"
	else
		cat "$BUILD/check-config-$kind.log" | tail -15
		ktap_result 1 "configs/$kind fragment resolves"
	fi
done

[ -z "$KTAP_OUT" ] || ktap_write "$KTAP_OUT"
[ $KTAP_FAILS = 0 ]
