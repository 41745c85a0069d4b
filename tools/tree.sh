#!/usr/bin/env bash
# make tree: fetch and verify the base, unpack it pristine, and build
# build/linux (git: tag "base" + one commit per patch in patches/series).
# Idempotent; refuses to touch build/linux while it holds unexported work.
. "$(dirname "$0")/lib.sh"

# --- 1. fetch: the pinned version, else the newest 6.12 with a loud warning
fetch_base() {
	local dl=$CACHE/dl deb ver sha
	mkdir -p "$dl"
	deb=$dl/${BASE_PKG}_${BASE_VERSION//:/%3a}_all.deb
	if [ ! -f "$deb" ]; then
		log "tree: downloading $BASE_PKG=$BASE_VERSION"
		if ! (cd "$dl" && apt-get download -q "$BASE_PKG=$BASE_VERSION" >/dev/null 2>"$dl/apt.err"); then
			# Is the pinned version gone, or is the mirror unreachable?
			ver=$(apt-cache madison "$BASE_PKG" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}' \
				| sort -V | tail -1)
			if [ -z "$ver" ]; then
				cat "$dl/apt.err" >&2
				die "cannot fetch $BASE_PKG: no version known to apt (run 'apt-get update'; is a Debian mirror reachable?)"
			fi
			if [ "$ver" = "$BASE_VERSION" ]; then
				cat "$dl/apt.err" >&2
				die "cannot download $BASE_PKG=$BASE_VERSION although apt lists it (network?)"
			fi
			warn "$BASE_PKG=$BASE_VERSION (pinned) is no longer served; using the newest, $ver.
*** Its sha256 cannot match the pin: update BASE_VERSION and BASE_SHA256 in tools/lib.sh,
*** rebuild the stock baseline (make test STOCK=1) and check the series still applies."
			(cd "$dl" && apt-get download -q "$BASE_PKG=$ver" >/dev/null) || die "cannot download $BASE_PKG=$ver"
			BASE_VERSION=$ver
			deb=$dl/${BASE_PKG}_${ver//:/%3a}_all.deb
			BASE_SHA256=$(sha256sum "$deb" | cut -d' ' -f1)
		fi
	fi
	sha=$(sha256sum "$deb" | cut -d' ' -f1)
	if [ "$sha" != "$BASE_SHA256" ]; then
		rm -f "$deb"
		die "$deb: sha256 $sha does not match the pin $BASE_SHA256 (removed; rerun to download again)"
	fi
	DEB=$deb
}

# --- 2. unpack pristine into build/base (atomic: unpack aside, then rename)
unpack_base() {
	local stamp=$BUILD/base/.stamp want="$BASE_VERSION $BASE_SHA256" tmp
	if [ -d "$BASE_DIR" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		return
	fi
	log "tree: unpacking $BASE_PKG $BASE_VERSION"
	rm -rf "$BUILD/base"
	tmp=$BUILD/base.tmp
	rm -rf "$tmp" && mkdir -p "$tmp"
	dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$tmp" "./usr/src/$BASE_PKG.tar.xz" \
		|| die "cannot extract /usr/src/$BASE_PKG.tar.xz from $DEB"
	tar -x -C "$tmp" -f "$tmp/usr/src/$BASE_PKG.tar.xz" || die "cannot unpack $BASE_PKG.tar.xz"
	rm -rf "${tmp:?}/usr"
	[ -f "$tmp/$BASE_PKG/Makefile" ] || die "unexpected layout in $BASE_PKG.tar.xz"
	echo "$want" >"$tmp/.stamp"
	mv "$tmp" "$BUILD/base"
}

# --- 3. build/linux: base commit (fixed identity and date, so ids are stable)
make_base_commit() {
	local tmp=$BUILD/linux.tmp
	log "tree: creating build/linux (git) from the pristine base"
	rm -rf "$tmp"
	cp -a "$BASE_DIR" "$tmp"
	git -C "$tmp" init -q -b series
	git -C "$tmp" add -f -A .
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
		git -C "$tmp" -c user.name="$GIT_IDENT_NAME" -c user.email="$GIT_IDENT_EMAIL" \
		commit -q -m "Linux $(make -s -C "$tmp" kernelversion) from Debian $BASE_PKG $BASE_VERSION" \
		|| die "cannot commit the base"
	git -C "$tmp" tag base
	mv "$tmp" "$TREE"
}

# --- 4. apply the series with git am; the stamp is written only on success
apply_series() {
	local p n=0
	gitt checkout -q -B series base
	gitt reset -q --hard base
	gitt clean -q -fdx
	rm -f "$BUILD/linux.stamp"
	while read -r p; do
		n=$((n + 1))
		if ! gitt am -q --committer-date-is-author-date "$PATCHES/$p" >"$BUILD/am.log" 2>&1; then
			cat "$BUILD/am.log" >&2
			gitt am --abort >/dev/null 2>&1 || true
			gitt reset -q --hard base
			die "patch $n ($p) does not apply; build/linux was reset to base (fix the patch, then rerun make tree)"
		fi
	done < <(series_entries)
	echo "$WANT" >"$BUILD/linux.stamp"
	log "tree: build/linux at $(gitt rev-parse --short HEAD): base + $n patch(es)"
}

main() {
	"$TOP/tools/deps.sh"
	WANT="$BASE_SHA256 $(series_hash)"   # also checks that every series entry exists
	fetch_base
	unpack_base
	WANT="$BASE_SHA256 $(series_hash)"   # the pin may have moved to the newest version
	if [ -d "$TREE" ] && ! git -C "$TREE" rev-parse -q --verify base >/dev/null; then
		die "build/linux exists but is not a tree made by 'make tree' (no tag base); move it away"
	fi
	# A tree made from another base version is rebuilt (after the unexported-work check).
	if [ -d "$TREE" ] && [ "$(cat "$BUILD/linux.base" 2>/dev/null)" != "$BASE_VERSION $BASE_SHA256" ]; then
		"$TOP/tools/series.sh" check-exported \
			|| die "build/linux holds unexported work but was made from another base; export it first"
		rm -rf "$TREE" "$BUILD/linux.stamp"
	fi
	if [ ! -d "$TREE" ]; then
		make_base_commit
		echo "$BASE_VERSION $BASE_SHA256" >"$BUILD/linux.base"
	fi
	if [ "$(cat "$BUILD/linux.stamp" 2>/dev/null)" = "$WANT" ]; then
		log "tree: build/linux is up to date ($(gitt rev-parse --short HEAD))"
		return
	fi
	"$TOP/tools/series.sh" check-exported \
		|| die "refusing to rebuild build/linux: it holds work not in patches/ (make export, or discard it)"
	apply_series
}
main "$@"
