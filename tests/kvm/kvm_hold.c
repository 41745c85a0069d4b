// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hold - create VMs and vCPUs and keep them until told to go (make bench).
 *
 * Usage: kvm_hold NR_VMS NR_VCPUS_PER_VM
 *
 * Creates NR_VMS VMs with NR_VCPUS_PER_VM vCPUs each (nothing runs: the
 * benchmark measures what exposing their statistics costs, not guest work),
 * prints "ready <vms> <vcpus>" on stdout and then blocks until stdin reaches
 * end of file, when it closes everything and exits. A failure is reported on
 * stderr with the errno and exits 1, before "ready" is printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

static long arg(const char *s, const char *what, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "kvm_hold: bad %s '%s' (0..%ld)\n", what, s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long nr_vms, nr_vcpus, vm, cpu;
	char buf[64];
	int kvm;

	if (argc != 3) {
		fprintf(stderr, "usage: kvm_hold NR_VMS NR_VCPUS_PER_VM\n");
		return 2;
	}
	nr_vms = arg(argv[1], "number of VMs", 256);
	nr_vcpus = arg(argv[2], "number of vCPUs", 64);

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvm_hold: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	for (vm = 0; vm < nr_vms; vm++) {
		int vmfd = ioctl(kvm, KVM_CREATE_VM, 0);

		if (vmfd < 0) {
			fprintf(stderr, "kvm_hold: KVM_CREATE_VM #%ld: %s\n", vm, strerror(errno));
			return 1;
		}
		for (cpu = 0; cpu < nr_vcpus; cpu++) {
			if (ioctl(vmfd, KVM_CREATE_VCPU, cpu) < 0) {
				fprintf(stderr, "kvm_hold: KVM_CREATE_VCPU %ld of VM #%ld: %s\n",
					cpu, vm, strerror(errno));
				return 1;
			}
		}
	}
	printf("ready %ld %ld\n", nr_vms, nr_vcpus);
	fflush(stdout);
	/* Hold every fd until the benchmark closes our stdin. */
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
