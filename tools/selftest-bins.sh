#!/usr/bin/env bash
# Build the kernel's own tracefs client selftests that the guest suite
# "clients" runs: ring-buffer/map_test and the user_events tests. They come
# from the pristine base (the series does not change them) and are built
# against its uapi headers (make headers), into build/guest-bin/.
. "$(dirname "$0")/lib.sh"
HDR=$BUILD/out/headers
DST=$BUILD/guest-bin
ST=$BASE_DIR/tools/testing/selftests
[ -d "$ST/ring-buffer" ] || die "$ST is missing: run 'make tree' first"
if [ ! -f "$HDR/usr/include/linux/trace_mmap.h" ]; then
	make -s -C "$BASE_DIR" O="$HDR" ARCH=x86_64 headers >"$BUILD/headers.log" 2>&1 \
		|| die "make headers failed (see $BUILD/headers.log)"
fi
mkdir -p "$DST"
cc_test() { # out src [libs]
	local out=$1 src=$2
	shift 2
	gcc -O2 -Wall -D_GNU_SOURCE= -Wl,-no-as-needed -isystem "$HDR/usr/include" -o "$DST/$out" "$src" "$@" \
		|| die "cannot build $src"
}
cc_test map_test "$ST/ring-buffer/map_test.c"
for t in ftrace_test dyn_test perf_test abi_test; do
	cc_test "$t" "$ST/user_events/$t.c" -lrt -lpthread -lm
done
