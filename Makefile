# kseries: a kernfs-based statsfs and tracefs/eventfs series for Linux 6.12,
# with the tooling that builds, boots, tests and measures it. See README.md.
#
# Variables: STOCK=1 (pristine base instead of the series), KIND=test|debug,
# SUITES=kunit,ftrace,tracecmd,kvm  CASE=<ftrace case glob,...>  ACCEL=tcg|kvm
SHELL := /bin/bash
.DEFAULT_GOAL := help
export STOCK ?= 0
export KIND ?= test
export SUITES ?= kunit,ftrace,tracecmd,kvm
export CASE ?=
export ACCEL ?= tcg

.PHONY: help deps tree export check-exported kernel guest-bin check check-series \
	test run clean distclean

help:
	@sed -n 's/^## //p' README.md 2>/dev/null | head -40 || true
	@echo "targets: deps tree export check-exported kernel check check-series test run clean"

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

guest-bin: build/guest-bin/kvm_smoke

build/guest-bin/kvm_smoke: tests/kvm/kvm_smoke.c
	@mkdir -p $(@D)
	gcc -O2 -Wall -Wextra -Werror -o $@ $<

check: tree
	@tools/check.sh

check-series: tree
	@tools/check-series.sh

test: tree
	@tools/test.sh

run: kernel guest-bin
	@if [ -t 0 ]; then tools/guest.sh run; else tools/guest.sh tour; fi

clean:
	rm -rf build/out build/results build/guest-bin

distclean:
	@tools/series.sh check-exported || { echo "refusing: build/linux holds unexported work"; exit 1; }
	rm -rf build
