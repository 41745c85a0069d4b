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
# may add options of its own, which are listed).
opts() { grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set)' "$1" | sort; }
s_cfg=$(opts "$BUILD/out/stock-test/.config")
p_cfg=$(opts "$BUILD/out/patched-test/.config")
name() { sed -E 's/^# (CONFIG_[A-Za-z0-9_]+) is not set/\1/; s/=.*//'; }
common=$(comm -12 <(name <<<"$s_cfg" | sort -u) <(name <<<"$p_cfg" | sort -u))
differ=$(comm -3 <(grep -wFf <(echo "$common") <<<"$s_cfg") <(grep -wFf <(echo "$common") <<<"$p_cfg") || true)
[ -z "$differ" ] || die "the stock and patched configs differ in options both have:
$differ"
only=$(comm -13 <(name <<<"$s_cfg" | sort -u) <(name <<<"$p_cfg" | sort -u) | tr '\n' ' ')
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
	for stock in stock patched; do
		if grep -E '\] (Oops|BUG:|WARNING:|Kernel panic|INFO: task .* blocked)' \
			"$BUILD/results/$stock-test-bench-$pass/console.log" >&2; then
			die "bench: the $stock kernel reported a problem in the $pass pass"
		fi
		if grep -q '^kseries: bench: .*\(failed\|did not\|bad\|unknown\|no /\)' \
			"$BUILD/results/$stock-test-bench-$pass/console.log"; then
			grep '^kseries: bench: ' "$BUILD/results/$stock-test-bench-$pass/console.log" >&2
			die "bench: a scenario did not run as written on the $stock kernel ($pass pass)"
		fi
	done
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
