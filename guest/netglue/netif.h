// The network interfaces: every virtio-net device the command line
// announces (virtio_mmio.device=...) becomes eth0, eth1, ..., the
// shared-memory device (shmem=) shm0. Above netglue.h: it attaches them to
// the stack that netglue.h brings up.
#pragma once

#include <stdint.h>

// Brings the stack up and every network device the command line announces,
// with addresses from ip=ADDR/PREFIX and gw=ADDR (default: the user
// backend's 10.0.2.15/24 via 10.0.2.2). Prints one line per interface.
// Without any device the stack still serves loopback.
void net_init();

struct AddressSpace;
namespace uabi {
struct ShmLease;
}

// shm_take(2) (issue 18): maps shm0's whole region into `as` (write-back,
// every page at once) and hands its rings to process pid; fills `lease`
// with where it is and the addresses to use on it. 0, -ENODEV (no shm0),
// -EBUSY (a process holds it), -EIO (its rings are broken) or -ENOMEM.
int64_t net_shm0_hand_over(uint32_t pid, AddressSpace* as, uabi::ShmLease* lease);
// Process pid has ended (its last thread): if it held shm0, the kernel
// takes the rings back. Registered as the process-end hook by net_init.
void net_shm0_take_back(uint32_t pid);
