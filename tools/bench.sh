#!/usr/bin/env bash
# make bench: build the stock and the patched kernel from the same config,
# boot each with the same command line, run the same scenarios (guest/bench)
# and print one table: stock, patched, ratio patched/stock. Raw numbers
# (CSV, JSON) and plots (PNG) go to build/bench/.
#
# The two kernels run at the same time, one guest per host core. Latencies
# are medians of BENCH_REPS rounds in guest virtual time (QEMU -icount, see
# tools/guest.sh): an instruction count, which host load does not disturb.
# A second pair of boots (BENCH_ATTR=1, the default) adds slub_debug=U to
# attribute memory to the events tree by allocation stack.
. "$(dirname "$0")/lib.sh"
validate_vars
[ "${KIND:-test}" = test ] || die "make bench measures the test kernels: KIND=test, not '$KIND'"
[ "${STOCK:-0}" = 0 ] || die "make bench builds and runs both kernels; STOCK= does not apply"
case "${BENCH_ATTR:-1}" in 0|1) ;; *) die "BENCH_ATTR must be 0 or 1, not '$BENCH_ATTR'" ;; esac
case "${BENCH_CLOCK:-icount}" in icount|host) ;; *) die "BENCH_CLOCK must be icount or host, not '$BENCH_CLOCK'" ;; esac
case "${BENCH_REPS:-15}" in ''|*[!0-9]*|0) die "BENCH_REPS must be a positive number, not '$BENCH_REPS'" ;; esac
export BENCH_REPS=${BENCH_REPS:-15}
t0=$SECONDS
OUTDIR=$BUILD/bench

STOCK=1 "$TOP/tools/kernel.sh" build
STOCK=0 "$TOP/tools/kernel.sh" build
make -s -C "$TOP" guest-bin

# Same config: every option both kernels know must be set alike (the series
# may add options of its own, which are listed). Lines "NAME<tab>value".
cfg() { sed -nE 's/^(CONFIG_[A-Za-z0-9_]+)=(.*)/\1\t\2/p; s/^# (CONFIG_[A-Za-z0-9_]+) is not set/\1\tn/p' "$1" | LC_ALL=C sort; }
s_cfg=$(cfg "$BUILD/out/stock-test/.config")
p_cfg=$(cfg "$BUILD/out/patched-test/.config")
differ=$(LC_ALL=C join -t $'\t' <(echo "$s_cfg") <(echo "$p_cfg") | awk -F '\t' '$2 != $3')
[ -z "$differ" ] || die "the stock and patched configs differ (option, stock, patched):
$differ"
only=$(LC_ALL=C join -t $'\t' -v 2 -o 2.1 <(echo "$s_cfg") <(echo "$p_cfg") | tr '\n' ' ')
log "bench: configs agree$([ -n "$only" ] && echo "; options of the series only: $only")"

PASSES=(main)
[ "${BENCH_ATTR:-1}" = 1 ] && PASSES+=(attr)
for pass in "${PASSES[@]}"; do
	pids=()
	for stock in 1 0; do
		STOCK=$stock BENCH_PASS=$pass "$TOP/tools/guest.sh" bench & pids+=($!)
	done
	rc=0
	for p in "${pids[@]}"; do wait "$p" || rc=$?; done
	[ $rc = 0 ] || die "bench: a $pass guest failed (see build/results/*-bench-$pass/console.log)"
done

ATTR_ARGS=()
[ "${BENCH_ATTR:-1}" = 1 ] && ATTR_ARGS=(--stock-attr "$BUILD/results/stock-test-bench-attr"
	--patched-attr "$BUILD/results/patched-test-bench-attr")
rm -rf "$OUTDIR"
clock="ms of guest virtual time (-icount: 1 ns per guest instruction)"
[ "${BENCH_CLOCK:-icount}" = host ] && clock="ms of host time (noisy under TCG)"
title="make bench: $BASE_PKG $BASE_VERSION, configs/test.config, stock $(cat "$BUILD/out/stock-test/kernelrelease")"
title+=" vs patched $(cat "$BUILD/out/patched-test/kernelrelease") ($(series_entries | wc -l) patches);"
title+=" TCG, 1 vCPU each, both at once; slub_nomerge; latencies: medians of $BENCH_REPS, $clock"
printf '\n%s\n\n' "$title"
python3 "$TOP/tools/bench.py" --stock "$BUILD/results/stock-test-bench-main" \
	--patched "$BUILD/results/patched-test-bench-main" "${ATTR_ARGS[@]}" --out "$OUTDIR" --title "$title"
log "bench: took $((SECONDS - t0)) s"
