// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_smoke - KVM statistics smoke test, run inside the test guest.
 *
 * Creates one VM with two vCPUs. Each vCPU runs the same real-mode loop,
 *
 *	1: out %al, $0x10 ; dec %cx ; jnz 1b ; hlt
 *
 * with CX preset to a different count per vCPU, so every vCPU makes a known
 * number of port I/O exits followed by one HLT exit (no in-kernel irqchip, so
 * HLT exits to userspace). The counters are then checked through
 *   - KVM's binary stats fd (KVM_GET_STATS_FD) of each vCPU and of the VM,
 *   - debugfs: /sys/kernel/debug/kvm/<pid>-<vmfd>/<stat> (summed over the
 *     VM's vCPUs) and /sys/kernel/debug/kvm/<stat> (summed over all VMs).
 * Output is KTAP on stdout; the exit code is 0 only if every check passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#define NR_VCPUS	2
#define MEM_SIZE	0x10000
#define CODE_GPA	0x1000
#define DEBUGFS_KVM	"/sys/kernel/debug/kvm"

static const unsigned int io_count[NR_VCPUS] = { 3, 5 };

/* out %al,$0x10; dec %cx; jnz -5; hlt */
static const uint8_t guest_code[] = { 0xe6, 0x10, 0x49, 0x75, 0xfb, 0xf4 };

static int test_no, failed;

static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		failed++;
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Stats read through a binary stats fd: name -> first u64 of the value. */
struct stats {
	struct kvm_stats_header hdr;
	char id[64];			/* hdr.name_size is 48 in 6.12 */
	struct kvm_stats_desc *desc;	/* hdr.num_desc entries of desc_size */
	size_t desc_size;
	uint64_t *data;
	size_t data_size;
};

static int read_stats(int fd_owner, struct stats *st)
{
	int fd = ioctl(fd_owner, KVM_GET_STATS_FD, NULL);
	size_t i, n;

	memset(st, 0, sizeof(*st));
	if (fd < 0)
		return -errno;
	if (pread(fd, &st->hdr, sizeof(st->hdr), 0) != sizeof(st->hdr))
		goto fail;
	if (st->hdr.name_size > sizeof(st->id) ||
	    pread(fd, st->id, st->hdr.name_size, sizeof(st->hdr)) != st->hdr.name_size)
		goto fail;
	st->desc_size = sizeof(struct kvm_stats_desc) + st->hdr.name_size;
	n = st->hdr.num_desc * st->desc_size;
	st->desc = malloc(n);
	if (!st->desc || pread(fd, st->desc, n, st->hdr.desc_offset) != (ssize_t)n)
		goto fail;
	/* The data block ends after the last descriptor's value. */
	for (i = 0; i < st->hdr.num_desc; i++) {
		struct kvm_stats_desc *d = (void *)((char *)st->desc + i * st->desc_size);
		size_t end = d->offset + d->size * sizeof(uint64_t);

		if (end > st->data_size)
			st->data_size = end;
	}
	st->data = malloc(st->data_size);
	if (!st->data || pread(fd, st->data, st->data_size, st->hdr.data_offset) !=
			 (ssize_t)st->data_size)
		goto fail;
	close(fd);
	return 0;
fail:
	close(fd);
	return -EIO;
}

static int stat_value(const struct stats *st, const char *name, uint64_t *val)
{
	size_t i;

	for (i = 0; i < st->hdr.num_desc; i++) {
		struct kvm_stats_desc *d = (void *)((char *)st->desc + i * st->desc_size);

		if (!strcmp(d->name, name)) {
			*val = st->data[d->offset / sizeof(uint64_t)];
			return 0;
		}
	}
	return -ENOENT;
}

static int debugfs_value(const char *dir, const char *name, uint64_t *val)
{
	char path[256];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ok = fscanf(f, "%" SCNu64, val) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

/* Run one vCPU until HLT; returns the number of I/O exits, or -1. */
static int run_vcpu(int vcpu_fd, struct kvm_run *run, unsigned int count)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int ios = 0;

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return -1;
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rcx = count;
	regs.rflags = 0x2;
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return -1;

	for (;;) {
		if (ioctl(vcpu_fd, KVM_RUN, NULL) < 0)
			return -1;
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (run->io.direction != KVM_EXIT_IO_OUT || run->io.port != 0x10)
				return -1;
			ios++;
			break;
		case KVM_EXIT_HLT:
			return ios;
		default:
			diag("unexpected exit reason %u", run->exit_reason);
			return -1;
		}
	}
}

int main(void)
{
	struct kvm_userspace_memory_region region;
	int kvm, vm, vcpu[NR_VCPUS], i, run_size;
	struct kvm_run *run[NR_VCPUS];
	char vm_dir[128];
	struct stats st;
	uint64_t v, sum_io = 0, sum_halt = 0;
	void *mem;

	printf("KTAP version 1\n1..%d\n", 3 + NR_VCPUS * 4 + 5);

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	result(kvm >= 0, "open /dev/kvm%s", kvm >= 0 ? "" : " (missing: is KVM built in and nested SVM/VMX on?)");
	if (kvm < 0)
		return 1;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm < 0 || mem == MAP_FAILED || run_size <= 0) {
		result(0, "create VM with guest memory");
		return 1;
	}
	memcpy((char *)mem + CODE_GPA, guest_code, sizeof(guest_code));
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};
	result(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) == 0, "create VM with guest memory");

	for (i = 0; i < NR_VCPUS; i++) {
		vcpu[i] = ioctl(vm, KVM_CREATE_VCPU, i);
		run[i] = vcpu[i] < 0 ? MAP_FAILED :
			 mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu[i], 0);
		if (vcpu[i] < 0 || run[i] == MAP_FAILED) {
			result(0, "create %d vCPUs", NR_VCPUS);
			return 1;
		}
	}
	result(1, "create %d vCPUs", NR_VCPUS);

	for (i = 0; i < NR_VCPUS; i++) {
		int ios = run_vcpu(vcpu[i], run[i], io_count[i]);

		result(ios == (int)io_count[i], "vcpu%d: %u I/O exits then HLT (saw %d)",
		       i, io_count[i], ios);

		if (read_stats(vcpu[i], &st)) {
			result(0, "vcpu%d: binary stats fd readable", i);
			result(0, "vcpu%d: stats io_exits", i);
			result(0, "vcpu%d: stats halt_exits", i);
			continue;
		}
		result(1, "vcpu%d: binary stats fd readable (id %s, %u descriptors)",
		       i, st.id, st.hdr.num_desc);
		v = ~0ULL;
		stat_value(&st, "io_exits", &v);
		result(v == io_count[i], "vcpu%d: stats io_exits == %u (got %" PRIu64 ")",
		       i, io_count[i], v);
		v = ~0ULL;
		stat_value(&st, "halt_exits", &v);
		result(v == 1, "vcpu%d: stats halt_exits == 1 (got %" PRIu64 ")", i, v);
		sum_io += io_count[i];
		sum_halt += 1;
		free(st.desc);
		free(st.data);
	}

	if (read_stats(vm, &st) == 0) {
		char want[64];

		snprintf(want, sizeof(want), "kvm-%d", getpid());
		result(!strcmp(st.id, want) && st.hdr.num_desc > 0,
		       "VM binary stats fd: id %s, %u descriptors", st.id, st.hdr.num_desc);
	} else {
		result(0, "VM binary stats fd readable");
	}

	snprintf(vm_dir, sizeof(vm_dir), "%s/%d-%d", DEBUGFS_KVM, getpid(), vm);
	v = ~0ULL;
	debugfs_value(vm_dir, "io_exits", &v);
	result(v == sum_io, "debugfs %s/io_exits == %" PRIu64 " (got %" PRIu64 ")",
	       vm_dir, sum_io, v);
	v = ~0ULL;
	debugfs_value(vm_dir, "halt_exits", &v);
	result(v == sum_halt, "debugfs %s/halt_exits == %" PRIu64 " (got %" PRIu64 ")",
	       vm_dir, sum_halt, v);
	/* This is the only VM in the guest, so the global sums are the same. */
	v = ~0ULL;
	debugfs_value(DEBUGFS_KVM, "io_exits", &v);
	result(v == sum_io, "debugfs kvm/io_exits == %" PRIu64 " (got %" PRIu64 ")", sum_io, v);
	v = ~0ULL;
	debugfs_value(DEBUGFS_KVM, "halt_exits", &v);
	result(v == sum_halt, "debugfs kvm/halt_exits == %" PRIu64 " (got %" PRIu64 ")",
	       sum_halt, v);

	return failed ? 1 : 0;
}
