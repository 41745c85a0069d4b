#!/usr/bin/env bash
# The series in patches/ is the source of truth; build/linux is derived from it.
#   series.sh export          write base..HEAD of build/linux to patches/
#   series.sh check-exported  exit 1 (one-line reason) if build/linux holds
#                             commits or changes that are not in patches/
. "$(dirname "$0")/lib.sh"

# format-patch with settings that make the output depend only on the commits:
# no commit ids, no version signature, no "n/m" numbering in subjects.
format_series() { # outdir
	# core.abbrev is fixed: git's default scales with its estimate of the
	# object count, which differs between a fresh tree (loose objects) and a
	# packed one, and the index lines of a patch would change with it.
	gitt -c core.abbrev=12 -c format.signature= -c format.coverLetter=false -c diff.noprefix=false \
		-c diff.mnemonicPrefix=false -c format.numbered=false \
		format-patch -q --zero-commit --no-signature -N --no-cover-letter \
		-o "$1" base..HEAD >/dev/null
}

# The cover letter: git format-patch --cover-letter's, with the subject and
# blurb from docs/cover-letter.txt (first line: subject; then the text).
COVER_SRC=$TOP/docs/cover-letter.txt
COVER=0000-cover-letter.patch
write_cover() { # outfile
	local d
	[ -f "$COVER_SRC" ] || return 0
	d=$(mktemp -d)
	gitt -c core.abbrev=12 -c format.signature= -c diff.noprefix=false \
		-c diff.mnemonicPrefix=false \
		format-patch -q --zero-commit --no-signature -n --cover-letter \
		-o "$d" base..HEAD >/dev/null
	if [ ! -f "$d/$COVER" ]; then	# no commits above base: no cover letter
		rm -rf "$d" "$1"
		return 0
	fi
	# dated as the last patch, not now: the file depends only on the commits
	python3 - "$d/$COVER" "$COVER_SRC" "$1" "$(gitt log -1 --format=%aD HEAD)" <<'PY'
import re, sys
cover, src, out, date = sys.argv[1:]
text = open(cover).read()
text = re.sub(r'^Date: .*$', 'Date: ' + date, text, count=1, flags=re.M)
# the per-file mode summary repeats what the patches say, in lines over
# 75 columns that checkpatch takes for an unwrapped description
text = re.sub(r'^ (create|delete) mode \d+ .*\n', '', text, flags=re.M)
subject, _, blurb = open(src).read().partition('\n')
text = text.replace('*** SUBJECT HERE ***', subject.strip(), 1)
text = text.replace('*** BLURB HERE ***', blurb.strip('\n'), 1)
open(out, 'w').write(text)
PY
	rm -rf "$d"
}

need_tree() {
	[ -d "$TREE/.git" ] || die "build/linux does not exist (run 'make tree')"
	gitt rev-parse -q --verify base >/dev/null || die "build/linux has no tag 'base'"
	gitt merge-base --is-ancestor base HEAD || die "build/linux: HEAD does not descend from base"
}

cmd_export() {
	local f n=0
	need_tree
	if [ -n "$(gitt status --porcelain)" ]; then
		die "build/linux has uncommitted changes; commit them first (git -C build/linux status)"
	fi
	TMPD=$(mktemp -d)
	trap 'rm -rf "$TMPD"' EXIT
	format_series "$TMPD"
	mkdir -p "$PATCHES"
	rm -f "$PATCHES"/*.patch
	: >"$PATCHES/series.new"
	for f in "$TMPD"/*.patch; do
		[ -e "$f" ] || continue
		cp "$f" "$PATCHES/"
		basename "$f" >>"$PATCHES/series.new"
		n=$((n + 1))
	done
	mv "$PATCHES/series.new" "$PATCHES/series"
	reapply
	write_cover "$PATCHES/$COVER"
	echo "$BASE_SHA256 $(series_hash)" >"$BUILD/linux.stamp"
	log "export: $n patch(es) in patches/, build/linux at $(gitt rev-parse --short HEAD)" \
		"(commit patches/ in the project repo)"
}

# Rebuild build/linux from the exported patches, as a fresh 'make tree' would
# (git am, committer = author date, the project's identity), so that commit ids
# are reproducible. The old HEAD is kept in refs/kseries/pre-export; if the
# result's tree differs from it, the old HEAD is restored and export fails.
reapply() {
	local old p
	old=$(gitt rev-parse HEAD)
	gitt update-ref refs/kseries/pre-export "$old"
	gitt checkout -q -B series base
	while read -r p; do
		if ! gitt am -q --committer-date-is-author-date "$PATCHES/$p" >/dev/null 2>&1; then
			gitt am --abort >/dev/null 2>&1 || true
			gitt reset -q --hard "$old"
			die "export: $p does not re-apply with git am; build/linux restored to $old"
		fi
	done < <(series_entries)
	if [ "$(gitt rev-parse 'HEAD^{tree}')" != "$(gitt rev-parse "$old^{tree}")" ]; then
		gitt reset -q --hard "$old"
		die "export: re-applied series differs from the tree it came from; build/linux restored to $old"
	fi
}

cmd_check_exported() {
	local f found p
	[ -d "$TREE/.git" ] || exit 0          # no tree: nothing unexported
	need_tree
	if [ -n "$(gitt status --porcelain)" ]; then
		echo "build/linux has uncommitted changes ($(gitt status --porcelain | wc -l) paths): commit and 'make export'"
		exit 1
	fi
	TMPD=$(mktemp -d)
	trap 'rm -rf "$TMPD"' EXIT
	format_series "$TMPD"
	for f in "$TMPD"/*.patch; do
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
	if [ -f "$COVER_SRC" ]; then
		write_cover "$TMPD/$COVER"
		if [ -f "$TMPD/$COVER" ] && ! cmp -s "$TMPD/$COVER" "$PATCHES/$COVER"; then
			echo "patches/$COVER is not up to date with docs/cover-letter.txt and the series: run 'make export'"
			exit 1
		fi
	fi
	exit 0
}

case "${1:-}" in
export) cmd_export ;;
check-exported) cmd_check_exported ;;
*) die "usage: series.sh export|check-exported" ;;
esac
