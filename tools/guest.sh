#!/usr/bin/env bash
# Boot a built kernel in QEMU with this machine's root as the guest userland.
#   guest.sh test  run SUITES (comma-separated) [CASE=...]; results in build/results/<kernel>/
#   guest.sh run   interactive root shell on the console (a terminal on stdin), else the tour
#   guest.sh tour  the scripted tour, non-interactive
#   guest.sh exec  SCRIPT=file: boot, run the script, print its output, power off
#   guest.sh bench BENCH_PASS=main|attr [BENCH_REPS=n]: the benchmark scenarios
#                  (guest/bench); raw data in build/results/<kernel>-bench-<pass>/
# Environment: STOCK=0|1 KIND=test|debug|nodebugfs SUITES CASE KUNIT_FILTER ACCEL=tcg|kvm GUEST_TIMEOUT (s) QEMU_MEM SMP EXTRA_CMDLINE STRESS_SECS
. "$(dirname "$0")/lib.sh"

MODE=${1:-test}
STOCK=${STOCK:-0}
KIND=${KIND:-test}
SUITES=${SUITES:-kunit,ftrace,tracecmd,clients,badinput,kvm,kselftest}
CASE=${CASE:-}
ACCEL=${ACCEL:-tcg}
validate_vars
case "$MODE" in test|run|tour|probe|exec|bench) ;; *) die "unknown mode '$MODE' (test, run, tour, exec or bench)" ;; esac
if [ "$MODE" = bench ]; then
	case "${BENCH_PASS:-}" in main|attr) ;; *) die "bench: BENCH_PASS must be main or attr, not '${BENCH_PASS:-}'" ;; esac
	case "${BENCH_REPS:-15}" in ''|*[!0-9]*|0) die "BENCH_REPS must be a positive number, not '$BENCH_REPS'" ;; esac
fi
if [ "$MODE" = exec ]; then
	[ -n "${SCRIPT:-}" ] && [ -f "$SCRIPT" ] || die "exec: SCRIPT=<file> must name an existing script"
	SCRIPT=$(readlink -f "$SCRIPT")
fi
select_kernel
KERNEL=$OUT/arch/x86/boot/bzImage
[ -f "$KERNEL" ] || die "no kernel at ${KERNEL#"$TOP"/}: run 'make kernel$([ "$STOCK" = 1 ] && echo ' STOCK=1')'"
[ -x "$BUILD/guest-bin/kvm_smoke" ] || die "guest test programs are not built (make guest-bin)"
case "$TOP$SRC$CASE${KUNIT_FILTER:-}" in *[[:space:]]*) die "paths, CASE and KUNIT_FILTER must not contain white space (kernel command line)" ;; esac

SHARD=${SHARD:-}
case "$SHARD" in ""|[1-9]/[1-9]) ;; *) die "SHARD must be i/n (for example 2/2), not '$SHARD'" ;; esac
RES=$BUILD/results/$FLAVOUR-$KIND
[ "$MODE" = test ] || RES=$BUILD/results/$FLAVOUR-$KIND-$MODE
[ "$MODE" = bench ] && RES=$BUILD/results/$FLAVOUR-$KIND-bench-$BENCH_PASS
[ -n "$SHARD" ] && [ "${SHARD%/*}" != 1 ] && RES=$BUILD/results/$FLAVOUR-$KIND-shard${SHARD%/*}
LABEL=${SHARD:+[shard $SHARD]}
rm -rf "$RES"
mkdir -p "$RES"

# Accelerator: TCG by default. KVM only on request, and only after a probe boot
# shows that it works here (on these machines a KVM guest has hung after the BIOS).
QEMU_ACCEL=(-accel "tcg,thread=${TCG_THREAD:-multi}" -cpu EPYC)
if [ "$ACCEL" = kvm ]; then
	QEMU_ACCEL=(-accel kvm -cpu EPYC)
	if [ "$MODE" != probe ]; then
		ACCEL=kvm GUEST_TIMEOUT=90 "$0" probe >/dev/null 2>&1 \
			|| die "ACCEL=kvm: a probe boot with KVM did not reach userspace in 90 s; use ACCEL=tcg"
	fi
fi

# make bench times in the guest's virtual time: with -icount every guest
# instruction advances the clock by 2^shift ns, so a latency is an instruction
# count that host load cannot disturb (icount needs single-threaded TCG; the
# bench guests have one vCPU). BENCH_CLOCK=host times in host time instead.
if [ "$MODE" = bench ] && [ "$ACCEL" = tcg ]; then
	# shellcheck disable=SC2054  # the commas are QEMU's option syntax
	case "${BENCH_CLOCK:-icount}" in
	icount) QEMU_ACCEL=(-accel tcg,thread=single -cpu EPYC -icount shift=0,sleep=on) ;;
	host) ;;
	*) die "BENCH_CLOCK must be icount or host, not '$BENCH_CLOCK'" ;;
	esac
fi

CMDLINE="console=ttyS0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,cache=loose,msize=262144"
CMDLINE+=" ro init=$TOP/guest/init panic=-1 slub_nomerge"
CMDLINE+=" kseries.mode=$MODE kseries.suites=$SUITES kseries.src=$SRC kseries.bin=$BUILD/guest-bin"
CMDLINE+=" kseries.modroot=$OUT/modroot kseries.top=$TOP"
[ -n "$CASE" ] && CMDLINE+=" kseries.case=$CASE"
# KUNIT_FILTER=glob runs only the KUnit suites (suite.case) it matches
[ -n "${KUNIT_FILTER:-}" ] && CMDLINE+=" kunit.filter_glob=$KUNIT_FILTER"
[ "$MODE" = exec ] && CMDLINE+=" kseries.script=$SCRIPT"
if [ "$MODE" = bench ]; then
	CMDLINE+=" kseries.bench=$BENCH_PASS kseries.reps=${BENCH_REPS:-15}"
	# the attribution pass records an allocation stack for every slab object
	[ "$BENCH_PASS" = attr ] && CMDLINE+=" slub_debug=U"
fi
[ -n "$SHARD" ] && CMDLINE+=" kseries.shard=$SHARD"
[ -n "${FTRACE_CASE_TIMEOUT:-}" ] && CMDLINE+=" kseries.case_timeout=$FTRACE_CASE_TIMEOUT"
[ -n "${STRESS_SECS:-}" ] && CMDLINE+=" kseries.stress_secs=$STRESS_SECS"
# The debug kernel interprets ACPI's AML so slowly under TCG (KASAN, lockdep,
# kmemleak and SLUB debugging on every ACPICA allocation and mutex) that the
# While loop of the pc machine's \_SB.PCI0._PRT hits ACPICA's 30-second
# AE_AML_LOOP_TIMEOUT: the virtio-9p devices get no INTx routing ("PCI INT A:
# no GSI"; the config has no MSI) and the 9p root mount waits, killably and so
# unseen by the hung-task detector, for an interrupt that never comes.
# acpi=noirq routes PCI interrupts from the BIOS's MP table instead; the test
# kind keeps ACPI routing, which takes milliseconds there.
# DEBUG_ACPI_NOIRQ=0 boots without it (to see the stall).
[ "$KIND" = debug ] && [ "${DEBUG_ACPI_NOIRQ:-1}" = 1 ] && CMDLINE+=" acpi=noirq"
[ "$KIND" = debug ] && CMDLINE+=" hung_task_timeout_secs=60"
# EXTRA_CMDLINE: more kernel parameters (hung_task_timeout_secs=30, initcall_debug, ...)
[ -n "${EXTRA_CMDLINE:-}" ] && CMDLINE+=" $EXTRA_CMDLINE"
if [ "$MODE" = run ] && [ -t 0 ]; then
	read -r rows cols < <(stty size 2>/dev/null || echo "24 80")
	CMDLINE+=" kseries.rows=$rows kseries.cols=$cols"
fi

# shellcheck disable=SC2054  # the commas are QEMU's option syntax
QEMU=(qemu-system-x86_64 -machine pc -m "${QEMU_MEM:-2G}" -smp "${SMP:-1}" "${QEMU_ACCEL[@]}"
	-no-reboot -kernel "$KERNEL" -append "$CMDLINE"
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root
	-fsdev local,id=res,path="$RES",security_model=none,multidevs=remap
	-device virtio-9p-pci,fsdev=res,mount_tag=results)

if [ "$MODE" = run ]; then
	log "guest: booting $FLAVOUR-$KIND ($(cat "$OUT/kernelrelease" 2>/dev/null)); quit QEMU with Ctrl-A X"
	exec "${QEMU[@]}" -nographic
fi

case "$MODE" in
test) T=${GUEST_TIMEOUT:-4500} ;;
bench) T=${GUEST_TIMEOUT:-2400} ;;
*) T=${GUEST_TIMEOUT:-900} ;;
esac
[ "$MODE" = bench ] && LABEL="[$FLAVOUR $BENCH_PASS]"
log "guest$LABEL: booting $FLAVOUR-$KIND ($(cat "$OUT/kernelrelease" 2>/dev/null)), mode $MODE, suites $SUITES, limit ${T}s"
t0=$SECONDS
# A guest that is still running 30 s before its limit is asked for a task
# dump (sysrq w and t, through QEMU's monitor and the guest's keyboard) so
# that the console shows where it hangs; then timeout kills it.
MON=$(mktemp -u /tmp/kseries-monitor.XXXXXX)
if [ "$T" -gt 60 ]; then
	( sleep $((T - 30)) && [ -S "$MON" ] && "$TOP/tools/qemu-sysrq.py" "$MON" w t >"$RES/sysrq.log" 2>&1 ) &
	SYSRQ_PID=$!
	disown "$SYSRQ_PID"
fi
set +e
timeout -k 10 "$T" "${QEMU[@]}" -display none -monitor "unix:$MON,server=on,wait=off" \
	-serial stdio </dev/null 2>"$RES/qemu.err" \
	| sed -u 's/\r$//' | tee "$RES/console.log" \
	| if [ "$MODE" = test ] || [ "$MODE" = bench ]; then sed -un "s|^kseries: |kseries$LABEL: |p"; else cat; fi
rc=${PIPESTATUS[0]}
set -e
echo "$rc $((SECONDS - t0))" >"$RES/qemu.rc"
if [ -n "${SYSRQ_PID:-}" ]; then	# the subshell first, so that it reports nothing
	# (set -e is on again: none of these may fail the script)
	kids=$(pgrep -P "$SYSRQ_PID" | tr '\n' ' ' || true)
	kill -9 "$SYSRQ_PID" 2>/dev/null || true
	for k in $kids; do kill "$k" 2>/dev/null || true; done
fi
rm -f "$MON"
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	log "guest$LABEL: TIMED OUT after ${T}s and was killed; last console lines:"
	tail -25 "$RES/console.log" >&2
	exit 1
fi
[ "$rc" = 0 ] || { log "guest$LABEL: QEMU exited with status $rc; last console lines:"; tail -25 "$RES/console.log" >&2; exit 1; }
log "guest$LABEL: finished in $((SECONDS - t0)) s"
# QEMU exits 0 on a kernel panic too (panic=-1, -no-reboot): a mode that did not
# reach its end marker failed. Test mode is judged by tools/summarize.py.
case "$MODE" in
probe) marker='^kseries: probe ok' ;;
tour) marker='^kseries: tour done' ;;
exec) marker='^kseries: exec: exit status' ;;
bench) marker='^kseries: bench: done' ;;
*) marker= ;;
esac
if [ -n "$marker" ] && ! grep -q "$marker" "$RES/console.log"; then
	log "guest$LABEL: the $MODE run did not finish (kernel panic or crash?); see ${RES#"$TOP"/}/console.log"
	grep -E '\] (Oops|BUG:|Kernel panic|WARNING:)' "$RES/console.log" | head -5 >&2
	exit 1
fi
[ "$MODE" != exec ] || grep -q '^kseries: exec: exit status 0' "$RES/console.log"
