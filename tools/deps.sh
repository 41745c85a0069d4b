#!/usr/bin/env bash
# Install the Debian packages the harness needs (idempotent).
. "$(dirname "$0")/lib.sh"

PKGS=(
	# kernel build
	build-essential flex bison bc libelf-dev libssl-dev cpio kmod dwarves ccache
	python3 perl git xz-utils rsync shellcheck
	# checkpatch runs scripts/spdxcheck.py on files a patch adds
	python3-ply python3-git
	# guest: QEMU, and the userland the guest borrows from this machine over 9p
	qemu-system-x86 bash coreutils findutils grep sed gawk util-linux procps
	trace-cmd
	# guest suite "clients": perf as a tracefs client
	linux-perf
	# what ftrace selftests call: ping (9 inter-event cases ping 127.0.0.1),
	# checkbashisms (selftest/bashisms.tc), ip (bring up lo)
	iputils-ping devscripts iproute2
	# make bench: plots
	gnuplot-nox
)

# EXTRA_PKGS: more packages for a session (and the tooling self-test of a bad name)
read -r -a extra <<<"${EXTRA_PKGS:-}"
PKGS+=("${extra[@]}")

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

log "deps: installing ${missing[*]}"
[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]} (run as root, or apt-get install them)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || die "apt-get update failed: is a Debian mirror reachable?"
apt-get install -y -q --no-install-recommends "${missing[@]}" \
	|| die "apt-get install failed for: ${missing[*]}"
