#!/usr/bin/env bash
# make test: checks, kernel, guest run, summary. The last line printed is the
# summary 'N passed, N failed, N skipped'; the exit code is non-zero on any
# failure, a guest that did not finish, or a kernel problem in its log.
USER_SUITES=${SUITES:-}
. "$(dirname "$0")/lib.sh"
validate_vars
t0=$SECONDS
STOCK=${STOCK:-0}
KIND=${KIND:-test}
select_kernel
RES=$BUILD/results/$FLAVOUR-$KIND
# The stress suite runs on the debug kernel, in a guest of its own after the
# others: a short pass (TEST_STRESS_SECS per scenario) by default, as make
# stress does at length. Not for the stock baseline or a single CASE.
STRESS=0
case ",${USER_SUITES:-stress}," in *,stress,*) STRESS=1 ;; esac
{ [ "$STOCK" = 1 ] || [ -n "${CASE:-}" ] || [ "${TEST_STRESS:-1}" = 0 ]; } && STRESS=0
SUITES=$(echo ",$SUITES," | sed 's/,stress,/,/g; s/^,//; s/,$//')
[ -n "$SUITES" ] || die "SUITES=stress alone: run make stress (STRESS_SECS=5 STRESS_STOCK=0 for a short pass)"
export SUITES
mkdir -p "$BUILD/results"

# 1. static checks and the tooling's own tests (results become part of the summary)
"$TOP/tools/check.sh" --ktap "$BUILD/results/check.ktap" || true
if [ "${SELFTEST:-1}" = 1 ]; then
	"$TOP/tools/selftest.sh" --ktap "$BUILD/results/harness.ktap" >"$BUILD/results/harness.log" 2>&1 || true
	HOST_SUITES=check,harness
else
	HOST_SUITES=check
fi
# 2. kernel and guest programs
"$TOP/tools/kernel.sh" build
make -s -C "$TOP" guest-bin
# 3. boot and run the suites. The ftrace selftests are most of the time and a
# guest keeps about one host core busy, so they are split over FTRACE_SHARDS
# guests run in parallel: the first also runs the other suites.
SHARDS=${FTRACE_SHARDS:-2}
case ",$SUITES," in *,ftrace,*) ;; *) SHARDS=1 ;; esac
[ -n "${CASE:-}" ] && SHARDS=1
guest_rc=0
if [ "$SHARDS" -le 1 ]; then
	"$TOP/tools/guest.sh" test || guest_rc=$?
else
	pids=()
	SHARD=1/$SHARDS "$TOP/tools/guest.sh" test & pids+=($!)
	for ((i = 2; i <= SHARDS; i++)); do
		SUITES=ftrace SHARD=$i/$SHARDS "$TOP/tools/guest.sh" test & pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || guest_rc=$?; done
fi
RESDIRS=("$RES")
for ((i = 2; i <= SHARDS; i++)); do RESDIRS+=("$RES-shard$i"); done
if [ "$STRESS" = 1 ]; then
	KIND=debug "$TOP/tools/kernel.sh" build
	KIND=debug SUITES=stress KUNIT_FILTER=none STRESS_SECS=${TEST_STRESS_SECS:-5} \
		"$TOP/tools/guest.sh" test || guest_rc=$?
	RESDIRS+=("$BUILD/results/$FLAVOUR-debug")
	SUITES=$SUITES,stress
fi
cp "$BUILD/results/check.ktap" "$BUILD/results/harness.ktap" "$BUILD/results/harness.log" "$RES/" 2>/dev/null || true
# 4. verdict
sum_rc=0
STOCK_ARG=()
[ "$STOCK" = 1 ] && STOCK_ARG=(--stock)
python3 "$TOP/tools/summarize.py" "${RESDIRS[@]}" --src "$SRC" --suites "$HOST_SUITES,$SUITES" \
	--baseline "$TOP/baselines/ftrace-stock.txt" --reasons "$TOP/baselines/ftrace-stock-reasons.txt" \
	--exclude "$TOP/baselines/ftrace-exclude.txt" \
	--kernel "$BASE_PKG $BASE_VERSION, configs/$KIND.config" --case "${CASE:-}" \
	"${STOCK_ARG[@]}" | tee "$RES/summary.txt" || sum_rc=$?
log "test: $FLAVOUR-$KIND took $((SECONDS - t0)) s (results in ${RES#"$TOP"/})"
tail -1 "$RES/summary.txt"
[ $guest_rc = 0 ] && [ $sum_rc = 0 ]
