#!/usr/bin/env bash
# make test: checks, kernel, guest run, summary. The last line printed is the
# summary 'N passed, N failed, N skipped'; the exit code is non-zero on any
# failure, a guest that did not finish, or a kernel problem in its log.
. "$(dirname "$0")/lib.sh"
t0=$SECONDS
STOCK=${STOCK:-0}
KIND=${KIND:-test}
if [ "$STOCK" = 1 ]; then SRC=$BASE_DIR; FLAVOUR=stock; else SRC=$TREE; FLAVOUR=patched; fi
RES=$BUILD/results/$FLAVOUR-$KIND
mkdir -p "$BUILD/results"

# 1. static checks (results become part of the summary)
"$TOP/tools/check.sh" --ktap "$BUILD/results/check.ktap" || true
# 2. kernel and guest programs
"$TOP/tools/kernel.sh" build
make -s -C "$TOP" guest-bin
# 3. boot and run the suites
guest_rc=0
"$TOP/tools/guest.sh" test || guest_rc=$?
cp "$BUILD/results/check.ktap" "$RES/" 2>/dev/null || true
# 4. verdict
sum_rc=0
python3 "$TOP/tools/summarize.py" "$RES" --src "$SRC" --suites "check,$SUITES" \
	--baseline "$TOP/baselines/ftrace-stock.txt" --reasons "$TOP/baselines/ftrace-stock-reasons.txt" \
	--kernel "$BASE_PKG $BASE_VERSION, configs/$KIND.config" --case "${CASE:-}" \
	$([ "$STOCK" = 1 ] && echo --stock) | tee "$RES/summary.txt" || sum_rc=$?
log "test: $FLAVOUR-$KIND took $((SECONDS - t0)) s (results in ${RES#"$TOP"/})"
tail -1 "$RES/summary.txt"
[ $guest_rc = 0 ] && [ $sum_rc = 0 ]
