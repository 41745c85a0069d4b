#!/usr/bin/env bash
# The series in patches/ is the source of truth; build/linux is derived from it.
#   series.sh export          write base..HEAD of build/linux to patches/
#   series.sh check-exported  exit 1 (one-line reason) if build/linux holds
#                             commits or changes that are not in patches/
. "$(dirname "$0")/lib.sh"

# format-patch with settings that make the output depend only on the commits:
# no commit ids, no version signature, no "n/m" numbering in subjects.
format_series() { # outdir
	gitt -c format.signature= -c format.coverLetter=false -c diff.noprefix=false \
		-c diff.mnemonicPrefix=false -c format.numbered=false \
		format-patch -q --zero-commit --no-signature -N --no-cover-letter \
		-o "$1" base..HEAD >/dev/null
}

need_tree() {
	[ -d "$TREE/.git" ] || die "build/linux does not exist (run 'make tree')"
	gitt rev-parse -q --verify base >/dev/null || die "build/linux has no tag 'base'"
	gitt merge-base --is-ancestor base HEAD || die "build/linux: HEAD does not descend from base"
}

cmd_export() {
	local tmp f n=0
	need_tree
	if [ -n "$(gitt status --porcelain)" ]; then
		die "build/linux has uncommitted changes; commit them first (git -C build/linux status)"
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	format_series "$tmp"
	mkdir -p "$PATCHES"
	rm -f "$PATCHES"/*.patch
	: >"$PATCHES/series.new"
	for f in "$tmp"/*.patch; do
		[ -e "$f" ] || continue
		cp "$f" "$PATCHES/"
		basename "$f" >>"$PATCHES/series.new"
		n=$((n + 1))
	done
	mv "$PATCHES/series.new" "$PATCHES/series"
	# The tree now matches patches/: record it so make tree does not re-apply.
	echo "$BASE_SHA256 $(series_hash)" >"$BUILD/linux.stamp"
	log "export: $n patch(es) in patches/ (commit them in the project repo)"
}

cmd_check_exported() {
	local tmp f found p
	[ -d "$TREE/.git" ] || exit 0          # no tree: nothing unexported
	need_tree
	if [ -n "$(gitt status --porcelain)" ]; then
		echo "build/linux has uncommitted changes ($(gitt status --porcelain | wc -l) paths): commit and 'make export'"
		exit 1
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	format_series "$tmp"
	for f in "$tmp"/*.patch; do
		[ -e "$f" ] || continue
		found=
		for p in "$PATCHES"/*.patch; do
			[ -e "$p" ] || continue
			if cmp -s "$f" "$p"; then
				if series_entries | grep -qxF "$(basename "$p")"; then found=1; break; fi
			fi
		done
		if [ -z "$found" ]; then
			echo "build/linux commit '$(sed -n 's/^Subject: \[PATCH\] //p' "$f" | head -1)' is not exported: run 'make export'"
			exit 1
		fi
	done
	exit 0
}

case "${1:-}" in
export) cmd_export ;;
check-exported) cmd_check_exported ;;
*) die "usage: series.sh export|check-exported" ;;
esac
