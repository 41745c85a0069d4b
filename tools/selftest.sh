#!/usr/bin/env bash
# make selftest: the tooling itself, on a scratch copy of this project
# (build/selftest/proj; the unpacked base is shared, build/linux is cloned).
# Checks that bad input gives a message naming the problem and a non-zero
# exit, never a half-built tree that a rerun trusts, and that export and tree
# round-trip to the same commit ids. Prints KTAP; with --ktap FILE writes it too.
. "$(dirname "$0")/lib.sh"
set +e    # the checks below expect commands to fail
# The checks run make on the copy with variables of their own; what the
# caller gave (make test STOCK=1 SUITES=...) reaches them through MAKEFLAGS
# and the Makefile's exports and once made "bench: a bad BENCH_REPS is
# refused" fail on the STOCK= refusal instead.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL STOCK KIND SUITES CASE ACCEL \
	GUEST_TIMEOUT FTRACE_CASE_TIMEOUT KUNIT_FILTER BENCH_REPS BENCH_ATTR \
	BENCH_CLOCK BENCH_PASS STRESS_SECS STRESS_STOCK SCRIPT CHECK_FROM
KTAP_OUT=
[ "${1:-}" = --ktap ] && KTAP_OUT=$2
[ -d "$TREE/.git" ] && [ -d "$BASE_DIR" ] || die "selftest: run 'make tree' first"

S=$BUILD/selftest
P=$S/proj
rm -rf "$S"
mkdir -p "$P/build/base"
# The project as it is in this working copy (tracked files, with their edits).
(cd "$TOP" && git ls-files -z | xargs -0 cp --parents -t "$P")
ln -s "$BASE_DIR" "$P/build/base/$BASE_PKG"
cp "$BUILD/base/.stamp" "$P/build/base/"
git clone -q --shared -b series "$TREE" "$P/build/linux" 2>/dev/null || git clone -q --shared "$TREE" "$P/build/linux"
cp "$BUILD/linux.base" "$P/build/"
cp "$P/patches/series" "$P/patches/series.orig"
PT=$P/build/linux
pgit() { git -C "$PT" -c user.name="$GIT_IDENT_NAME" -c user.email="$GIT_IDENT_EMAIL" "$@"; }

. "$TOP/guest/suites/ktap.sh"
# expect_fail DESC REGEX CMD...: CMD must exit non-zero and print REGEX
expect_fail() {
	local desc=$1 re=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -qE "$re" <<<"$out"; then
		ktap_result 0 "$desc"
	else
		printf '# exit %s, output:\n' "$rc"
		sed 's/^/#   /' <<<"$out" | tail -8
		ktap_result 1 "$desc"
	fi
}
m() { make -s -C "$P" "$@"; }

# tree is up to date in the copy
m tree >/dev/null 2>&1
ktap_result $? "make tree on the scratch copy is a no-op"
# A fresh tree (loose objects) abbreviates ids differently from a packed one;
# the exported patches must not depend on that (CI failed on it once).
env GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.abbrev GIT_CONFIG_VALUE_0=7 make -s -C "$P" check-exported
ktap_result $? "check-exported does not depend on git's abbreviation length"

expect_fail "unknown KIND is refused" "KIND must be test, debug or nodebugfs" m kernel KIND=bogus
expect_fail "bad STOCK is refused" "STOCK must be 0 or 1" m test STOCK=2
expect_fail "unknown suite is refused" "unknown suite 'bogus'" m test SUITES=kunit,bogus
expect_fail "unknown ACCEL is refused" "ACCEL must be tcg or kvm" m test ACCEL=xen
expect_fail "ACCEL=kvm without /dev/kvm names the device" "$S/no-kvm does not exist" \
	env KVM_DEV="$S/no-kvm" make -s -C "$P" test ACCEL=kvm
expect_fail "unknown make target fails" "No rule to make target" m bogus-target
expect_fail "a package that cannot be fetched is named" "kseries-no-such-package" \
	env EXTRA_PKGS=kseries-no-such-package make -s -C "$P" deps

# a series entry with no file: nothing is touched
head0=$(pgit rev-parse HEAD)
echo "0001-no-such-file.patch" >>"$P/patches/series"
expect_fail "a series entry with no file is named" "patches/0001-no-such-file.patch does not exist" m tree
[ "$(pgit rev-parse HEAD)" = "$head0" ] && [ -f "$P/build/linux.stamp" ]
ktap_result $? "... and build/linux is left as it was"
cp "$P/patches/series.orig" "$P/patches/series"

# a patch that does not apply: the tree is reset and not trusted by a rerun
cat >"$P/patches/0001-kseries-does-not-apply.patch" <<'EOF'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: kseries selftest <selftest@localhost>
Date: Sun, 17 Nov 2024 00:00:00 +0000
Subject: [PATCH] selftest: a patch that does not apply

---
 Makefile | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/Makefile b/Makefile
--- a/Makefile
+++ b/Makefile
@@ -1,3 +1,3 @@
 # SPDX-License-Identifier: GPL-2.0
-VERSION = 5
+VERSION = 7
 PATCHLEVEL = 12
EOF
echo "0001-kseries-does-not-apply.patch" >>"$P/patches/series"
expect_fail "a patch that does not apply is named" "patch [0-9]+ \(0001-kseries-does-not-apply.patch\) does not apply" m tree
[ ! -f "$P/build/linux.stamp" ] && [ "$(pgit rev-parse HEAD)" = "$(pgit rev-parse base)" ] \
	&& [ -z "$(pgit status --porcelain)" ]
ktap_result $? "... and build/linux is reset to base with no stamp"
expect_fail "... and a rerun fails the same way instead of trusting the tree" "does not apply" m tree
rm "$P/patches/0001-kseries-does-not-apply.patch"
cp "$P/patches/series.orig" "$P/patches/series"
m tree >/dev/null 2>&1 && [ -f "$P/build/linux.stamp" ]
ktap_result $? "... and with the series fixed, make tree recovers"

# unexported work is detected and protected
echo "selftest" >>"$PT/README"
expect_fail "check-exported reports uncommitted changes" "uncommitted changes" m check-exported
pgit add README
GIT_AUTHOR_DATE="2025-01-01T00:00:00+0000" pgit commit -q -m "selftest: add a file

Signed-off-by: $GIT_IDENT_NAME <$GIT_IDENT_EMAIL>"
expect_fail "check-exported reports an unexported commit" "'selftest: add a file' is not exported" m check-exported
echo "0002-other.patch" >>"$P/patches/series"
: >"$P/patches/0002-other.patch"
expect_fail "make tree refuses to rebuild over unexported work" "refusing to rebuild" m tree
[ "$(tail -1 "$PT/README")" = selftest ]
ktap_result $? "... and the work is still there"
cp "$P/patches/series.orig" "$P/patches/series"
rm "$P/patches/0002-other.patch"

m export >/dev/null 2>&1 && m check-exported
ktap_result $? "make export, then check-exported passes"
n=$(printf '%04d' $(($(grep -c . "$P/patches/series.orig") + 1)))   # after the series as it was
grep -qx "$n-selftest-add-a-file.patch" "$P/patches/series" && [ -f "$P/patches/$n-selftest-add-a-file.patch" ]
ktap_result $? "... and patches/series lists $n-selftest-add-a-file.patch"
exported=$(pgit rev-parse HEAD)
rm -f "$P/build/linux.stamp"
m tree >/dev/null 2>&1 && [ "$(pgit rev-parse HEAD)" = "$exported" ]
ktap_result $? "a fresh make tree reproduces the exported commit id ($(cut -c1-12 <<<"$exported"))"

# make check reports a patch that checkpatch rejects, by name and reason
echo "selftest 2" >>"$PT/README"
pgit commit -q -am "selftest: a commit without a sign-off"
m export >/dev/null 2>&1
expect_fail "check: checkpatch findings of a patch are reported, not swallowed" \
	"MISSING_SIGN_OFF.*|not ok [0-9]+ checkpatch --strict [0-9]+-selftest-a-commit-without" m check

# a corrupted download is detected and removed
mkdir -p "$S/cache/dl"
deb=$S/cache/dl/${BASE_PKG}_${BASE_VERSION//:/%3a}_all.deb
echo corrupt >"$deb"
expect_fail "a base package with the wrong sha256 is refused" "does not match the pin" \
	env KSERIES_CACHE="$S/cache" make -s -C "$P" tree
[ ! -e "$deb" ]
ktap_result $? "... and removed, so a rerun downloads it again"

# the verdict: tools/summarize.py on small synthetic results
F=$S/fake
mkdir -p "$F/res"
printf 'ftrace rc=0 seconds=1\ndone\n' >"$F/res/status"
printf 'KTAP version 1\n1..2\nok 1 a.tc\nok 2 b.tc\n' >"$F/res/ftrace.ktap"
printf '[    1.000000] Linux version x\n' >"$F/res/dmesg.txt"
printf 'PASS\ta.tc\nPASS\tb.tc\n' >"$F/base.txt"
: >"$F/reasons.txt"
summ() { python3 "$TOP/tools/summarize.py" "$F/res" --src "$TREE" --suites ftrace \
	--baseline "$F/base.txt" --reasons "$F/reasons.txt" --exclude "$F/reasons.txt"; }
out=$(summ 2>&1)
[ $? = 0 ] && [ "$(tail -1 <<<"$out")" = "2 passed, 0 failed, 0 skipped" ]
ktap_result $? "summarize: a clean run passes, last line '2 passed, 0 failed, 0 skipped'"
sed -i 's/^ok 2 b.tc/not ok 2 b.tc/' "$F/res/ftrace.ktap"
expect_fail "summarize: a case that passes on stock and fails here fails the run" \
	"b.tc: FAIL here, passes on stock" summ
printf 'FAIL\tb.tc\n' >>"$F/base.txt"
sed -i '/^PASS\tb.tc/d' "$F/base.txt"
expect_fail "summarize: a stock failure without a reason fails the run" "b.tc: FAIL on stock without a reason" summ
printf 'b.tc\tknown\n' >"$F/reasons.txt"
out=$(summ 2>&1)
[ $? = 0 ] && [ "$(tail -1 <<<"$out")" = "1 passed, 0 failed, 1 skipped" ]
ktap_result $? "summarize: a stock failure with a reason is counted as skipped"
printf '[    2.000000] WARNING: CPU: 0 PID: 1 at x.c:1 f+0x0/0x1\n' >>"$F/res/dmesg.txt"
expect_fail "summarize: a WARNING in the kernel log fails the run" "FAIL \[kernel\].*WARNING" summ
sed -i '/^done$/d' "$F/res/status"
expect_fail "summarize: a guest that did not finish fails the run" "did not finish" summ
# the suites compared with stock besides ftrace (clients, badinput) keep
# their baseline beside ftrace's: <dir of --baseline>/<suite>-stock.txt
mkdir -p "$F/res2"
printf 'clients rc=0 seconds=1\ndone\n' >"$F/res2/status"
printf 'KTAP version 1\n1..2\nok 1 x: EINVAL\nnot ok 2 y\n' >"$F/res2/clients.ktap"
: >"$F/res2/dmesg.txt"
printf 'PASS\tx: ok\nFAIL\ty\n' >"$F/clients-stock.txt"
printf 'y\tknown on stock\n' >"$F/clients-stock-reasons.txt"
summ2() { python3 "$TOP/tools/summarize.py" "$F/res2" --src "$TREE" --suites clients \
	--baseline "$F/base.txt" --reasons "$F/reasons.txt" --exclude "$F/reasons.txt"; }
expect_fail "summarize: a clients check named differently from stock's (another answer) fails the run" \
	"x: ok: in the stock baseline but did not run" summ2
sed -i 's/^ok 1 x: EINVAL/ok 1 x: ok/' "$F/res2/clients.ktap"
out=$(summ2 2>&1)
[ $? = 0 ] && [ "$(tail -1 <<<"$out")" = "1 passed, 0 failed, 1 skipped" ]
ktap_result $? "summarize: clients parity with stock, a stock failure with a reason is skipped"

# make bench: bad input, and the arithmetic of tools/bench.py on synthetic
# snapshots where every synthetic event costs one kmalloc-96 object on
# "stock" and two on "patched", and an instance 10 kernfs nodes on "patched".
expect_fail "bench: a bad BENCH_REPS is refused" "BENCH_REPS must be a positive number" m bench BENCH_REPS=x
expect_fail "bench: a bad BENCH_ATTR is refused" "BENCH_ATTR must be 0 or 1" m bench BENCH_ATTR=2
expect_fail "bench: KIND=debug is refused" "measures the test kernels" m bench KIND=debug
B=$S/bench
python3 - "$B" <<'PY'
import os, sys
top = sys.argv[1]
states = {"rest0": (0, 0), "rest0b": (0, 0), "find": (0, 0), "lsR": (0, 0), "formats": (0, 0),
          "rest1": (0, 0), "inst_rest": (0, 1), "inst_browsed": (0, 1), "inst_rmdir": (0, 0),
          "synth1000": (1000, 0), "synth5000": (5000, 0), "synth_cleared": (0, 0),
          "inst4": (0, 4), "inst16": (0, 16), "inst_cleared": (0, 0)}
for kern, per_event, per_inst in (("stock", 1, 0), ("patched", 2, 10)):
    d = os.path.join(top, kern, "snap")
    os.makedirs(d)
    for label, (events, inst) in states.items():
        with open(os.path.join(d, label + ".slabinfo"), "w") as f:
            f.write("slabinfo - version: 2.1\n# name <active_objs> <num_objs> <objsize> ...\n")
            f.write("kmalloc-96 %d 9000 96 42 1 : tunables 0 0 0 : slabdata 1 1 0\n" % (100 + per_event * events))
            f.write("kernfs_node_cache %d 9000 136 30 1 : tunables 0 0 0 : slabdata 1 1 0\n" % (50 + per_inst * inst))
        with open(os.path.join(d, label + ".meminfo"), "w") as f:
            f.write("Slab: 1000 kB\nSReclaimable: 100 kB\nSUnreclaim: 900 kB\n")
        for name, text in (("dentry-state", "10 5 45 0 0 0\n"), ("inode-nr", "20 3\n")):
            with open(os.path.join(d, "%s.%s" % (label, name)), "w") as f:
                f.write(text)
    with open(os.path.join(top, kern, "counts.txt"), "w") as f:
        f.write("events_dirs\t10\nevents_files\t90\nstats_source\t/sys/kernel/debug/kvm\n")
    with open(os.path.join(top, kern, "latency.tsv"), "w") as f:
        for rep, ms in enumerate((10, 12, 11, 30)):
            f.write("ls_lR_cold\t%d\t%d\n" % (rep + 1, ms * 1000 * (2 if kern == "patched" else 1)))
PY
out=$(python3 "$TOP/tools/bench.py" --stock "$B/stock" --patched "$B/patched" --out "$B/out" --no-plots 2>&1)
grep -qE '^4 +per synthetic event: involved_bytes +bytes +96.0 +192 +2.00$' <<<"$out" \
	&& grep -qE '^4 +per instance: kernfs_nodes +objects +0.0 +10.0 +-$' <<<"$out" \
	&& grep -qE '^5 +ls -lR events, cold dcache +ms +11.5 +23.0 +2.00 ' <<<"$out" \
	&& grep -q '"ratio": 2.0' "$B/out/results.json" && [ "$(wc -l <"$B/out/results.csv")" -gt 20 ]
rc=$?
ktap_result $rc "bench.py: slopes, medians and ratios of synthetic snapshots; CSV and JSON written"
[ $rc = 0 ] || sed 's/^/#   /' <<<"$out" | grep -E '^#   (4|5) '

# make stress: bad input, and tools/stress-report.py's verdict on synthetic results
expect_fail "stress: a bad STRESS_SECS is refused" "STRESS_SECS must be a positive number" m stress STRESS_SECS=0
expect_fail "test: SUITES=stress alone points to make stress" "run make stress" m test SUITES=stress SELFTEST=0
R=$S/stress
mkdir -p "$R/patched-debug" "$R/stock-debug"
for k in patched-debug stock-debug; do
	printf 'stress rc=0 seconds=9\ndone\n' >"$R/$k/status"
	printf 'TAP version 13\n1..2\nok 1 tracing # iterations=9 races=1 errors=0 splats=0\nok 2 kmemleak # leaks=0\n' >"$R/$k/stress.ktap"
	printf '[    1.000000] Linux version x\n' >"$R/$k/console.log"
done
srep() { python3 "$TOP/tools/stress-report.py" --secs 1 "$R/patched-debug" "$R/stock-debug"; }
out=$(srep 2>&1)
[ $? = 0 ] && grep -q 'stress: passed' <<<"$out" && grep -q 'iterations=9' <<<"$out"
ktap_result $? "stress-report: clean results pass, the table shows the iterations"
printf '[    2.000000] BUG: KASAN: use-after-free in f+0x0/0x1\n' >>"$R/stock-debug/console.log"
out=$(srep 2>&1)
[ $? = 0 ] && grep -q '1 kernel problem' <<<"$out"
ktap_result $? "stress-report: a splat on stock is recorded, not judged"
printf '[    2.000000] WARNING: possible circular locking dependency detected\n' >>"$R/patched-debug/console.log"
expect_fail "stress-report: a lockdep splat on patched fails" "stress: FAILED" srep
sed -i '/circular/d' "$R/patched-debug/console.log"
sed -i 's/^ok 2 kmemleak # leaks=0/not ok 2 kmemleak # leaks=3/' "$R/patched-debug/stress.ktap"
expect_fail "stress-report: a leak on patched fails" "stress: FAILED" srep
sed -i 's/^not ok 2 kmemleak # leaks=3/ok 2 kmemleak # leaks=0/' "$R/patched-debug/stress.ktap"
sed -i '/^done$/d' "$R/patched-debug/status"
expect_fail "stress-report: a patched guest that did not finish fails" "DID NOT FINISH" srep

[ -z "$KTAP_OUT" ] || ktap_write "$KTAP_OUT"
[ "${KEEP:-0}" = 1 ] || rm -rf "$S"
[ $KTAP_FAILS = 0 ]
