#!/usr/bin/env bash
# make stress: the stress scenarios (guest/suites/stress) on the debug kernel
# (configs/debug.config: KASAN, lockdep, kmemleak, DEBUG_OBJECTS), patched and
# stock side by side, STRESS_SECS (default 60) per scenario. Prints a table of
# iterations, races, errors and splats per scenario and kernel, then leaks and
# the final walk. Exit status: non-zero if the patched kernel failed anything
# (stock's results are recorded, not judged). STRESS_STOCK=0 skips stock.
. "$(dirname "$0")/lib.sh"
export STRESS_SECS=${STRESS_SECS:-60}
validate_vars
t0=$SECONDS
flavours=(0)
[ "${STRESS_STOCK:-1}" = 1 ] && flavours+=(1)
for s in "${flavours[@]}"; do
	STOCK=$s KIND=debug "$TOP/tools/kernel.sh" build
done
make -s -C "$TOP" guest-bin
pids=()
for s in "${flavours[@]}"; do
	STOCK=$s KIND=debug SUITES=stress KUNIT_FILTER=none "$TOP/tools/guest.sh" test & pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
dirs=("$BUILD/results/patched-debug")
[ "${STRESS_STOCK:-1}" = 1 ] && dirs+=("$BUILD/results/stock-debug")
python3 "$TOP/tools/stress-report.py" --secs "$STRESS_SECS" "${dirs[@]}" \
	| tee "$BUILD/results/stress-report.txt" || rc=1
log "stress: took $((SECONDS - t0)) s (report in build/results/stress-report.txt)"
exit $rc
