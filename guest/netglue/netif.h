// The network interfaces: every virtio-net device the command line
// announces (virtio_mmio.device=...) becomes eth0, eth1, ..., the
// shared-memory device (shmem=) shm0. Above netglue.h: it attaches them to
// the stack that netglue.h brings up.
#pragma once

// Brings the stack up and every network device the command line announces,
// with addresses from ip=ADDR/PREFIX and gw=ADDR (default: the user
// backend's 10.0.2.15/24 via 10.0.2.2). Prints one line per interface.
// Without any device the stack still serves loopback.
void net_init();
