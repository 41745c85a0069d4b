#!/usr/bin/env bash
# make kernel [STOCK=1] [KIND=test|debug|nodebugfs]: configure and build a kernel out of tree.
#   patched: source build/linux          -> build/out/patched-KIND
#   stock:   source build/base (pristine) -> build/out/stock-KIND
# Config: x86_64 tinyconfig + configs/test.config (+ configs/debug.config),
# + configs/series.config unless STOCK=1 (options the series adds).
. "$(dirname "$0")/lib.sh"

STOCK=${STOCK:-0}
KIND=${KIND:-test}
validate_vars

select_kernel
# tools/check-series.sh builds a worktree of its own
[ -n "${KSRC:-}" ] && { SRC=$KSRC; FLAVOUR=series; }
[ -n "${KOUT:-}" ] && OUT=$KOUT
[ -f "$SRC/Makefile" ] || die "$SRC is missing: run 'make tree' first"

FRAGS=("$TOP/configs/test.config")
# Options that only the series adds (its tests): not for the stock kernel.
[ "$STOCK" = 1 ] || FRAGS+=("$TOP/configs/series.config")
[ "$KIND" = debug ] && FRAGS+=("$TOP/configs/debug.config")
if [ "$KIND" = nodebugfs ]; then
	# The options nodebugfs.config turns off leave the other fragments, so
	# that every line still resolves as written (check_config).
	mkdir -p "$OUT"
	off=$(sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1/p' "$TOP/configs/nodebugfs.config")
	nf=()
	for f in "${FRAGS[@]}"; do
		g=$OUT/frag-$(basename "$f")
		grep -v -E "^($(echo "$off" | paste -sd'|'))=" "$f" >"$g"
		nf+=("$g")
	done
	FRAGS=("${nf[@]}" "$TOP/configs/nodebugfs.config")
fi

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export CCACHE_BASEDIR=$BUILD          # stock and patched trees share cache entries
# Stable build identity: the same source gives the same objects (and ccache hits).
export KBUILD_BUILD_USER=kseries KBUILD_BUILD_HOST=kseries
export KBUILD_BUILD_TIMESTAMP="$BASE_DATE"
JOBS=${JOBS:-$(($(nproc) + 1))}
CC_WRAP=gcc
command -v ccache >/dev/null && [ "${NO_CCACHE:-0}" != 1 ] && CC_WRAP="ccache gcc"
kmake() { make -s -C "$SRC" O="$OUT" ARCH=x86_64 CC="$CC_WRAP" HOSTCC="$CC_WRAP" "$@"; }

# Every option the fragments set must survive olddefconfig, or the kernel is
# not the one we think we test.
# check_config quiet: return 1 instead of dying, and say nothing.
check_config() {
	local f line opt val got bad=0 quiet=${1:-}
	for f in "${FRAGS[@]}"; do
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=*) opt=${line%%=*}; val=${line#*=} ;;
			"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}; val=n ;;
			*) continue ;;
			esac
			got=$(grep -E "^$opt=|^# $opt is not set" "$OUT/.config" || true)
			case "$got" in
			"$opt=$val") ;;
			"# $opt is not set") [ "$val" = n ] || { [ -n "$quiet" ] || log "config: $opt=$val requested, but it is not set"; bad=1; } ;;
			"") if [ "$val" = n ]; then :
			elif [ "${SERIES_PARTIAL:-0}" = 1 ] && [ "$f" = "$TOP/configs/series.config" ]; then
				[ -n "$quiet" ] || log "config: $opt does not exist yet at this patch (series.config)"
			else
				[ -n "$quiet" ] || log "config: $opt=$val requested, but it does not exist or its dependencies are missing"; bad=1
			fi ;;
			*) [ -n "$quiet" ] || log "config: $opt=$val requested, got '$got'"; bad=1 ;;
			esac
		done <"$f"
	done
	[ -n "$quiet" ] && return $bad
	[ $bad = 0 ] || die "the config fragments do not resolve as written (see above; $OUT/.config)"
}

configure() {
	local want have
	want=$(cat "${FRAGS[@]}" "$SRC/Makefile" | sha256sum | cut -d' ' -f1)
	have=$(cat "$OUT/.config.stamp" 2>/dev/null || true)
	# check-series: each patch may add options, so configure every time
	[ "${SERIES_PARTIAL:-0}" = 1 ] && have=
	if [ "$want" = "$have" ] && [ -f "$OUT/.config" ]; then
		# a make run against another state of the tree (a patch that
		# lacks an option) rewrites .config silently: configure again
		check_config quiet && return
		log "kernel: $FLAVOUR-$KIND's .config lost options of the fragments (built against another tree state?)"
	fi
	log "kernel: configuring $FLAVOUR-$KIND"
	mkdir -p "$OUT"
	rm -f "$OUT/.config.stamp"
	kmake tinyconfig >/dev/null
	KCONFIG_CONFIG="$OUT/.config" "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OUT" \
		"$OUT/.config" "${FRAGS[@]}" >"$OUT/merge_config.log" 2>&1 \
		|| { cat "$OUT/merge_config.log" >&2; die "merge_config.sh failed"; }
	kmake olddefconfig >/dev/null
	check_config
	echo "$want" >"$OUT/.config.stamp"
}

build() {
	local log=$OUT/build.log t0=$SECONDS
	log "kernel: building $FLAVOUR-$KIND in ${OUT#"$TOP"/} (-j$JOBS, CC=$CC_WRAP)"
	if ! kmake -j"$JOBS" bzImage modules >"$log" 2>&1; then
		grep -E 'error|Error' "$log" | head -30 >&2
		tail -20 "$log" >&2
		die "kernel build failed ($FLAVOUR-$KIND); full log: $log"
	fi
	rm -rf "$OUT/modroot"
	kmake INSTALL_MOD_PATH="$OUT/modroot" modules_install >>"$log" 2>&1 \
		|| die "modules_install failed; see $log"
	kmake -s kernelrelease >"$OUT/kernelrelease"
	log "kernel: $FLAVOUR-$KIND $(cat "$OUT/kernelrelease") built in $((SECONDS - t0)) s"
}

case "${1:-build}" in
config) configure ;;
build) configure; build ;;
*) die "usage: kernel.sh [config|build]" ;;
esac
