# kseries: a kernfs-based statsfs and tracefs/eventfs series for Linux 6.12,
# with the tooling that builds, boots, tests and measures it. See README.md.
#
# Variables: STOCK=1 (pristine base instead of the series), KIND=test|debug,
# SUITES=kunit,ftrace,tracecmd,clients,badinput,kvm,kselftest,stress  CASE=<ftrace case glob,...>  ACCEL=tcg|kvm
SHELL := /bin/bash
.DEFAULT_GOAL := help
export STOCK ?= 0
export KIND ?= test
export SUITES ?= kunit,ftrace,tracecmd,clients,badinput,kvm,kselftest,stress
export CASE ?=
export ACCEL ?= tcg

.PHONY: stress help deps tree export check-exported kernel guest-bin check check-series check-nodebugfs selftest \
	test run exec bench clean distclean

help:
	@echo "kseries: the series and its harness (README.md)"
	@echo "  make test            check, build, boot, run every suite; last line 'N passed, N failed'"
	@echo "  make test STOCK=1    the same on the pristine base; writes baselines/ftrace-stock.txt"
	@echo "  make test SUITES=ftrace CASE='00basic/*'   one suite, some cases"
	@echo "  make run             interactive guest shell (a scripted tour without a terminal)"
	@echo "  make exec SCRIPT=f   boot, run a script of yours in the guest, power off"
	@echo "  make bench           stock vs patched memory and latency table; data, plots in build/bench"
	@echo "  make tree | export | check-exported | kernel [STOCK=1] [KIND=debug|nodebugfs]"
	@echo "  make check | check-series | check-nodebugfs | selftest | clean | distclean"

deps:
	@tools/deps.sh

tree: deps
	@tools/tree.sh

export:
	@tools/series.sh export

check-exported:
	@tools/series.sh check-exported

kernel: tree
	@tools/kernel.sh build

guest-bin: build/guest-bin/kvm_smoke build/guest-bin/kvm_hold build/guest-bin/map_test \
	build/guest-bin/kvm_statsfs

# the series' KVM-through-statsfs selftest, from the tree under test (none
# before the patch that adds it: the kvm suite then reports it skipped)
KVM_STATSFS_C := build/linux/tools/testing/selftests/statsfs/kvm_statsfs.c
build/guest-bin/kvm_statsfs: $(wildcard $(KVM_STATSFS_C))
	@mkdir -p $(@D)
	@if [ -f $(KVM_STATSFS_C) ]; then gcc -O2 -Wall -Wextra -Werror -o $@ $(KVM_STATSFS_C); \
	else rm -f $@; fi

# the kernel's ring-buffer and user_events selftests (guest suite "clients")
build/guest-bin/map_test: tools/selftest-bins.sh
	@tools/selftest-bins.sh

build/guest-bin/%: tests/kvm/%.c
	@mkdir -p $(@D)
	gcc -O2 -Wall -Wextra -Werror -o $@ $<

check: tree
	@tools/check.sh

selftest: tree
	@tools/selftest.sh

check-series: tree
	@tools/check-series.sh

check-nodebugfs: tree guest-bin
	@tools/check-nodebugfs.sh

test: tree
	@tools/test.sh

run: kernel guest-bin
	@if [ -t 0 ]; then tools/guest.sh run; else tools/guest.sh tour; fi

exec: kernel guest-bin
	@tools/guest.sh exec

bench: tree
	@tools/bench.sh

stress: tree
	@tools/stress.sh

clean:
	rm -rf build/out build/results build/guest-bin build/bench

distclean:
	@tools/series.sh check-exported || { echo "refusing: build/linux holds unexported work"; exit 1; }
	rm -rf build
