// The allowlist tables, one per concern; thread_policy.cpp puts each thread
// kind's policy together from them:
//
//   vcpu          runtime + refused opens    + vcpu
//   device        runtime + refused opens    + network + device
//   shmem-poller  runtime + refused opens    + network
//   main          runtime + refused opens    + main
//
// Every entry is there because a run-time path of that thread makes the
// call; set-up calls (opening /dev/kvm, KVM_CREATE_*, TUNSETIFF, binding
// host forwards, creating threads, eventfds and timerfds) happen before any
// filter is installed and are in no table. How the tables were derived
// (reading the code, strace of the unit tests that drive these threads) is
// in the comments beside the entries.
//
// One deliberate exception to "anything else kills": openat fails with
// EACCES on every thread, whatever it asks for, because glibc opens
// files lazily on whatever thread happens to need them, at moments no VMM
// code controls, and copes with the failure:
//   - malloc, the first time a thread's heap shrinks, reads
//     /proc/sys/vm/overcommit_memory (arena.c, check_may_shrink_heap); on
//     failure it assumes the default heuristic overcommit;
//   - malloc, when a thread needs a 9th arena, reads
//     /sys/devices/system/cpu/online, then /proc/stat (__get_nprocs) to
//     size the arena limit; when both fail it asks sched_getaffinity;
//   - iconv (GLib's message conversion) reads its module cache.
// Both malloc cases were seen in strace of a plain 40-thread program on
// this Debian 12 (glibc 2.36). Killing the VMM there would make a harmless
// lazy read fatal at random; refusing the open keeps files shut. No thread
// needs a file after set-up: the one libslirp reads at run time, the
// host's /etc/resolv.conf, is read before confinement (slirp_resolver.h).
// (A second exception, local sockets on the network threads, is in
// policy_network.cpp.)
#pragma once

#include "vmm/seccomp/thread_policy.h"

namespace vmm::seccomp {

// What glibc, libstdc++ and spdlog do on any thread.
SyscallRules runtime_rules(const PolicyContext& context);
// openat fails with EACCES, whatever it asks for.
SyscallRules refused_opens();
// The KVM_RUN loop and exit dispatch.
SyscallRules vcpu_rules();
// An event loop with a network backend (libslirp or tap) on it: the device
// thread's and the shared-memory poller's.
SyscallRules network_rules();
// The device thread's own: raising the UART's interrupt for console input.
SyscallRules device_rules();
// The main thread, from the moment every other thread runs to exit.
SyscallRules main_rules(const PolicyContext& context);

}  // namespace vmm::seccomp
