#!/usr/bin/env bash
# make check-nodebugfs: the patched kernel built with CONFIG_DEBUG_FS=n
# (configs/nodebugfs.config) boots and tracefs works without debugfs
# (guest/nodebugfs-check).  Not part of make test: a kernel build of its own.
. "$(dirname "$0")/lib.sh"
[ -d "$TREE/.git" ] || die "build/linux does not exist: run 'make tree'"
KIND=nodebugfs "$TOP/tools/kernel.sh" build
KIND=nodebugfs KUNIT_FILTER=none SCRIPT="$TOP/guest/nodebugfs-check" \
	"$TOP/tools/guest.sh" exec || die "check-nodebugfs: the checks failed (see above)"
log "check-nodebugfs: tracefs works in a kernel without debugfs"
