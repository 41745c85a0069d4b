#!/usr/bin/env bash
# make check-series: every patch of the series builds in turn (bisectability).
# Builds each commit base..HEAD of build/linux in a separate worktree and out
# dir, incrementally and with ccache, so only the first step is slow.
. "$(dirname "$0")/lib.sh"
[ -d "$TREE/.git" ] || die "build/linux does not exist: run 'make tree'"
WT=$BUILD/series-wt
mapfile -t commits < <(gitt rev-list --reverse base..HEAD)
[ ${#commits[@]} -gt 0 ] || { log "check-series: the series is empty"; exit 0; }
if [ ! -d "$WT" ]; then
	gitt worktree prune
	gitt worktree add -q --detach "$WT" base
fi
# CHECK_FROM=n: start at patch n (those before it were checked already)
FROM=${CHECK_FROM:-1}
case "$FROM" in ''|*[!0-9]*|0) die "CHECK_FROM must be a patch number (1..${#commits[@]}), not '$FROM'" ;; esac
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	[ $i -ge "$FROM" ] || continue
	subj=$(gitt log -1 --format=%s "$c")
	git -C "$WT" checkout -q --detach "$c"
	log "check-series: [$i/${#commits[@]}] $subj"
	# SERIES_PARTIAL: options of configs/series.config that a later
	# patch adds may not exist yet; the config is redone for every patch.
	SERIES_PARTIAL=1 KSRC=$WT KOUT=$BUILD/out/series-test "$TOP/tools/kernel.sh" build \
		|| die "patch $i ('$subj') does not build"
done
log "check-series: all ${#commits[@]} patches build"
