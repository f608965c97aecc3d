// Types, flags and limits shared by the kernel and user programs (Linux's
// values where Linux has the same thing).
#pragma once

#include <stdint.h>

namespace uabi {

struct Timespec {  // struct timespec
  int64_t tv_sec;
  int64_t tv_nsec;
};

// clock_gettime clocks. There is no real-time clock: every clock counts from
// boot.
inline constexpr int kClockRealtime = 0;
inline constexpr int kClockMonotonic = 1;
inline constexpr int kClockMonotonicRaw = 4;
inline constexpr int kClockBoottime = 7;

// mmap (include/uapi/asm-generic/mman-common.h). Only private anonymous
// mappings exist.
inline constexpr int kProtNone = 0;
inline constexpr int kProtRead = 1;
inline constexpr int kProtWrite = 2;
inline constexpr int kProtExec = 4;
inline constexpr int kMapShared = 0x01;
inline constexpr int kMapPrivate = 0x02;
inline constexpr int kMapFixed = 0x10;
inline constexpr int kMapAnonymous = 0x20;

// wait4 options and status encoding (as Linux: exit code in bits 15:8,
// terminating signal in bits 6:0).
inline constexpr int kWnohang = 1;
inline constexpr int wait_exited_status(int code) { return (code & 0xff) << 8; }
inline constexpr int wait_signal_status(int sig) { return sig & 0x7f; }
inline constexpr bool wifexited(int s) { return (s & 0x7f) == 0; }
inline constexpr int wexitstatus(int s) { return (s >> 8) & 0xff; }
inline constexpr bool wifsignaled(int s) { return (s & 0x7f) != 0; }
inline constexpr int wtermsig(int s) { return s & 0x7f; }

// Signal numbers (Linux x86). Signals are not delivered to handlers: a
// fault ends the process "killed by" the signal.
inline constexpr int kSigIll = 4;
inline constexpr int kSigTrap = 5;
inline constexpr int kSigBus = 7;
inline constexpr int kSigFpe = 8;
inline constexpr int kSigKill = 9;
inline constexpr int kSigSegv = 11;

// Limits of spawn/execve argument vectors.
inline constexpr int kMaxArgs = 16;
inline constexpr int kMaxArgLen = 128;   // bytes, NUL included
inline constexpr int kMaxNameLen = 32;   // program names, NUL included

// kdebug(op, arg) operations: hooks for the kernel's self-tests.
inline constexpr int kKdebugPanic = 1;        // panic("... requested by pid N")
inline constexpr int kKdebugSmapEnabled = 2;  // 1 if CR4.SMAP is on, else 0
inline constexpr int kKdebugTouchUser = 3;    // the kernel reads byte *arg with no stac
inline constexpr int kKdebugCpuCount = 4;     // CPUs online
// Writes garbage into the shared-memory device's header, as a hostile guest
// would: arg kShmemScribbleHead moves the guest-to-host head (the guest's
// producer index) 1000 slots beyond the ring. -ENODEV without the device.
inline constexpr int kKdebugShmemScribble = 5;
inline constexpr long kShmemScribbleHead = 0;
// The physical page frames free right now (soak: guest memory stays flat).
inline constexpr int kKdebugFreeFrames = 6;
// The LAPIC timer interrupts CPU `arg` has taken since boot; -EINVAL if no
// such CPU is online (selftest's tickless check).
inline constexpr int kKdebugTimerInterrupts = 7;
// The calling CPU's kernel entries since boot into the KernelEntries at
// arg (this call's own system call included), and its CPU id as result:
// what a --bypass program reports for its data path.
inline constexpr int kKdebugKernelEntries = 8;
struct KernelEntries {
  uint64_t syscalls;
  uint64_t interrupts;  // external interrupts, IPIs, NMIs
  uint64_t exceptions;  // page faults included
};

// Exit status smap-test uses when the CPU has no SMAP (VM status 9).
inline constexpr int kSmapTestNoSmapStatus = 4;

// shm_take(2) (issue 18): the shared-memory device's whole region mapped
// into the calling process, its rings handed over: the kernel stops sending
// through and polling shm0 until the process ends (however it ends), then
// takes them back. One process at a time. Errors: -ENODEV (no shm0),
// -EBUSY (a process holds it), -EIO (its rings are broken), -EFAULT,
// -ENOMEM. The region's layout and ring code are abi/shmem_ring.h.
struct ShmLease {
  uint64_t addr;        // where the region is mapped (read-write)
  uint64_t size;        // its size in bytes
  uint64_t tsc_hz;      // the TSC's rate as the kernel calibrated it: a clock without a system call
  uint32_t address;     // shm0's IPv4 address (host byte order)
  uint32_t host;        // the host's address on that network (libslirp's)
  uint8_t prefix_len;   // shm0's prefix length
  uint8_t mac[6];       // shm0's MAC address
  uint8_t reserved;
};
static_assert(sizeof(ShmLease) == 40);

}  // namespace uabi
