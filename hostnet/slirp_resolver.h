// libslirp's DNS forwarder (the guest's 10.0.2.3 / 10.0.3.3, port 53)
// sends each query to the first IPv4 nameserver of the host's
// /etc/resolv.conf. It reads that file lazily, on whichever thread first
// forwards a query, and from then on only stat()s it (at most once a
// second) to see whether it changed (libslirp 4.7 slirp.c get_dns_addr;
// the address it found is a process-wide static). The threads that run
// libslirp are confined by seccomp and may open no file at all, so the file
// is read here, before any confinement: libslirp is made to look the
// nameserver up once, and once more a second later by its clock, so that it
// also has the file's stat() on record and later checks find it unchanged.
//
// What that costs: if the host's resolver configuration changes while the
// VM runs, libslirp cannot re-read it (the open fails with EACCES) and
// drops the query that noticed the change (the guest sees an ICMP
// unreachable and retries); the queries after it go to the nameserver read
// here.
#pragma once

namespace vmm::net {

// Once per process; later calls do nothing. Nothing is sent: the look-ups
// are empty DNS datagrams from a stand-in guest, through a Slirp of their
// own, on a thread of their own whose seccomp filter makes sending fail
// (EPERM). Without seccomp in the kernel nothing is looked up.
void load_host_resolver_into_slirp();

}  // namespace vmm::net
