// The user-space library: system call wrappers (Linux calling convention,
// uapi/syscalls.h), output, threads. Freestanding: no C library.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "uapi/abi.h"
#include "uapi/errno.h"
#include "uapi/syscalls.h"

namespace u {

// ---- raw system calls ----
inline long syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
  long ret;
  register long r10 asm("r10") = a3;
  register long r8 asm("r8") = a4;
  register long r9 asm("r9") = a5;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
               : "rcx", "r11", "memory");
  return ret;
}
inline long syscall(long nr, long a0 = 0, long a1 = 0, long a2 = 0, long a3 = 0) {
  return syscall6(nr, a0, a1, a2, a3, 0, 0);
}
template <typename T>
long arg(T* p) {
  return reinterpret_cast<long>(p);
}

// ---- processes ----
[[noreturn]] void exit(int status);         // the whole process (exit_group)
[[noreturn]] void thread_exit(long value);  // the calling thread (exit)
inline long getpid() { return syscall(sys::kGetpid); }
inline long gettid() { return syscall(sys::kGettid); }
inline long fork() { return syscall(sys::kFork); }
// argv: NULL-terminated. Return a pid, or -errno.
inline long spawn(const char* name, const char* const* argv) {
  return syscall(sys::kSpawn, arg(name), arg(argv));
}
inline long execve(const char* name, const char* const* argv) {
  return syscall(sys::kExecve, arg(name), arg(argv), 0);
}
inline long wait(long pid, int* status) { return syscall(sys::kWait4, pid, arg(status), 0, 0); }
inline long kdebug(int op, long a = 0) { return syscall(sys::kKdebug, op, a); }
// Marks a benchmark phase boundary (the VMM snapshots its exit counters).
inline long bench_mark(uint32_t phase) { return syscall(sys::kBenchMark, phase); }
// Takes shm0's rings into this process (uapi/abi.h, ShmLease): 0 or -errno.
inline long shm_take(uabi::ShmLease* lease) { return syscall(sys::kShmTake, arg(lease)); }

// ---- I/O ----
inline long write(int fd, const void* buf, size_t n) {
  return syscall(sys::kWrite, fd, arg(buf), static_cast<long>(n));
}
inline long read(int fd, void* buf, size_t n) {
  return syscall(sys::kRead, fd, arg(buf), static_cast<long>(n));
}
// Formats into one write(1, ...) per call (lines stay whole).
void printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// The same onto fd (2 for error messages).
void dprintf(int fd, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// ---- memory ----
// Private anonymous memory: its address, or a negative errno as a pointer
// value (check with is_error).
void* mmap(size_t len, int prot);
inline long munmap(void* p, size_t len) {
  return syscall(sys::kMunmap, arg(p), static_cast<long>(len));
}
inline bool is_error(const void* p) { return reinterpret_cast<long>(p) < 0; }

// ---- time and CPUs ----
uint64_t now_ns();  // CLOCK_MONOTONIC
long sleep_ns(uint64_t ns);
inline uint64_t rdtsc() { return __builtin_ia32_rdtsc(); }
inline long yield() { return syscall(sys::kSchedYield); }
int cpu();        // getcpu
int cpu_count();  // CPUs online
long set_affinity(uint64_t mask);  // calling thread
uint64_t get_affinity();

// ---- threads ----
using ThreadFn = long (*)(void* arg);
struct Thread {
  long tid;
  void* stack;
  size_t stack_size;
};
// Starts fn(arg) on a new thread with its own mmap'd stack: 0 or -errno.
long thread_start(Thread* t, ThreadFn fn, void* arg, size_t stack_size = 64 * 1024);
// Waits for it, frees its stack, stores fn's return value: 0 or -errno.
long thread_join(Thread* t, long* value);

// ---- strings ----
bool streq(const char* a, const char* b);
long parse_long(const char* s);

}  // namespace u
