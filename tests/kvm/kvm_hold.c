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
 *
 * A line "read" on stdin reads every statistic of every VM and vCPU through
 * KVM's binary stats fds, as a telemetry agent that keeps them open would
 * (the fds and their descriptors are set up at the first "read", so that
 * the memory measured before does not include them), and answers "done".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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

struct statfd {
	int fd;
	off_t data_offset;
	size_t data_size;
};

static struct statfd *statfds;
static int nr_statfds;
static int *owners;	/* VM and vCPU fds, in creation order */
static int nr_owners;

/* open the stats fd of every VM and vCPU and find its data block */
static int setup_statfds(void)
{
	struct kvm_stats_header hdr;
	char *desc;
	int i, j;

	statfds = calloc(nr_owners, sizeof(*statfds));
	if (!statfds)
		return -1;
	for (i = 0; i < nr_owners; i++) {
		struct statfd *s = &statfds[i];
		size_t dsize, end;

		s->fd = ioctl(owners[i], KVM_GET_STATS_FD, NULL);
		if (s->fd < 0 || pread(s->fd, &hdr, sizeof(hdr), 0) != sizeof(hdr))
			return -1;
		dsize = sizeof(struct kvm_stats_desc) + hdr.name_size;
		desc = malloc(dsize * hdr.num_desc);
		if (!desc || pread(s->fd, desc, dsize * hdr.num_desc, hdr.desc_offset) !=
		    (ssize_t)(dsize * hdr.num_desc))
			return -1;
		for (j = 0; j < (int)hdr.num_desc; j++) {
			struct kvm_stats_desc *d = (void *)(desc + j * dsize);

			end = d->offset + d->size * sizeof(uint64_t);
			if (end > s->data_size)
				s->data_size = end;
		}
		free(desc);
		s->data_offset = hdr.data_offset;
		nr_statfds++;
	}
	return 0;
}

static int read_statfds(void)
{
	static char data[1 << 16];
	int i;

	if (!statfds && setup_statfds())
		return -1;
	for (i = 0; i < nr_statfds; i++) {
		if (statfds[i].data_size > sizeof(data) ||
		    pread(statfds[i].fd, data, statfds[i].data_size,
			  statfds[i].data_offset) != (ssize_t)statfds[i].data_size)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long nr_vms, nr_vcpus, vm, cpu;
	char buf[64];
	FILE *in;
	int kvm;

	if (argc != 3) {
		fprintf(stderr, "usage: kvm_hold NR_VMS NR_VCPUS_PER_VM\n");
		return 2;
	}
	nr_vms = arg(argv[1], "number of VMs", 256);
	nr_vcpus = arg(argv[2], "number of vCPUs", 64);

	owners = calloc(nr_vms * (nr_vcpus + 1) + 1, sizeof(*owners));
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0 || !owners) {
		fprintf(stderr, "kvm_hold: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	for (vm = 0; vm < nr_vms; vm++) {
		int vmfd = ioctl(kvm, KVM_CREATE_VM, 0);

		if (vmfd < 0) {
			fprintf(stderr, "kvm_hold: KVM_CREATE_VM #%ld: %s\n", vm, strerror(errno));
			return 1;
		}
		owners[nr_owners++] = vmfd;
		for (cpu = 0; cpu < nr_vcpus; cpu++) {
			int fd = ioctl(vmfd, KVM_CREATE_VCPU, cpu);

			owners[nr_owners++] = fd;
			if (fd < 0) {
				fprintf(stderr, "kvm_hold: KVM_CREATE_VCPU %ld of VM #%ld: %s\n",
					cpu, vm, strerror(errno));
				return 1;
			}
		}
	}
	printf("ready %ld %ld\n", nr_vms, nr_vcpus);
	fflush(stdout);
	/* Hold every fd until the benchmark closes our stdin. */
	in = fdopen(0, "r");
	while (in && fgets(buf, sizeof(buf), in)) {
		if (strcmp(buf, "read\n"))
			continue;
		if (read_statfds()) {
			fprintf(stderr, "kvm_hold: reading the stats fds: %s\n", strerror(errno));
			printf("error\n");
		} else {
			printf("done\n");
		}
		fflush(stdout);
	}
	return 0;
}
