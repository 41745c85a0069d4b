# shellcheck shell=bash
# shellcheck disable=SC2034  # the settings are used by the scripts that source this
# Common settings and helpers for the tools/ scripts. Sourced, not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
# Downloads and ccache live outside the clone so that a fresh clone (CI) reuses them.
CACHE=${KSERIES_CACHE:-${HOME:-/root}/.cache/kseries}

# The pinned base: Debian's linux-source-6.12 package.
BASE_PKG=linux-source-6.12
BASE_VERSION=6.12.117-1~deb12u1
BASE_SHA256=e849faf31ca3555757f3a8877cb01af92122f744f75d1f3102734651c4e14703
BASE_DIR=$BUILD/base/$BASE_PKG      # pristine unpacked base (STOCK builds)
TREE=$BUILD/linux                   # git tree: tag "base" + one commit per patch
PATCHES=$TOP/patches

# Fixed identity and dates make the tree reproducible: the same base and
# series always give the same commit ids.
GIT_IDENT_NAME=$(git -C "$TOP" config user.name 2>/dev/null || echo "kseries")
GIT_IDENT_EMAIL=$(git -C "$TOP" config user.email 2>/dev/null || echo "kseries@localhost")
BASE_DATE="2024-11-17T00:00:00+0000"

log()  { printf '%s\n' "$*" >&2; }
warn() { printf '\n*** WARNING: %s\n\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

gitt() { git -C "$TREE" -c user.name="$GIT_IDENT_NAME" -c user.email="$GIT_IDENT_EMAIL" \
	-c core.autocrlf=false -c advice.detachedHead=false "$@"; }

# The series entries, in order: non-empty lines of patches/series without comments.
series_entries() {
	[ -f "$PATCHES/series" ] || die "patches/series is missing"
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$PATCHES/series"
}

# sha256 over the series file and every patch it names: what build/linux must hold.
series_hash() {
	local p
	{
		cat "$PATCHES/series"
		series_entries | while read -r p; do
			[ -f "$PATCHES/$p" ] || die "patches/series names '$p', but patches/$p does not exist"
			cat "$PATCHES/$p"
		done
	} | sha256sum | cut -d' ' -f1
}

# Validate the user-facing variables before any work starts.
validate_vars() {
	local s
	case "${STOCK:-0}" in 0|1) ;; *) die "STOCK must be 0 or 1, not '$STOCK'" ;; esac
	case "${KIND:-test}" in test|debug|nodebugfs) ;; *) die "KIND must be test, debug or nodebugfs, not '$KIND'" ;; esac
	for s in ${SUITES//,/ }; do
		[ -x "$TOP/guest/suites/$s" ] \
			|| die "unknown suite '$s' in SUITES (have: kunit ftrace tracecmd clients badinput kvm kselftest stress)"
	done
	case "${ACCEL:-tcg}" in
	tcg) ;;
	kvm)
		[ -e "$KVM_DEV" ] || die "ACCEL=kvm: $KVM_DEV does not exist on this machine; use the default ACCEL=tcg"
		[ -r "$KVM_DEV" ] && [ -w "$KVM_DEV" ] || die "ACCEL=kvm: $KVM_DEV is not accessible (permissions)"
		;;
	*) die "ACCEL must be tcg or kvm, not '$ACCEL'" ;;
	esac
	case "${CASE:-}" in *[[:space:]]*) die "CASE must not contain white space" ;; esac
	case "${STRESS_SECS:-60}" in ''|*[!0-9]*|0) die "STRESS_SECS must be a positive number of seconds, not '$STRESS_SECS'" ;; esac
	return 0
}
# The kernel STOCK and KIND name: its source (pristine base or build/linux),
# its flavour and its out-of-tree build directory.
select_kernel() {
	if [ "${STOCK:-0}" = 1 ]; then SRC=$BASE_DIR; FLAVOUR=stock; else SRC=$TREE; FLAVOUR=patched; fi
	OUT=$BUILD/out/$FLAVOUR-${KIND:-test}
}
KVM_DEV=${KVM_DEV:-/dev/kvm}
SUITES=${SUITES:-kunit,ftrace,tracecmd,clients,badinput,kvm,kselftest}
