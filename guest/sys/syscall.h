// System calls: entry through SYSCALL (arch/x86/kernel/syscall_entry.S,
// MSRs in arch/x86/kernel/syscall_cpu.h), one table from number to handler
// (syscall.cpp), one handler per call (sys_*.cpp).
// Numbers and errno values: uapi/syscalls.h, uapi/errno.h.
#pragma once

#include <stdint.h>

#include "arch/x86/include/trapframe.h"

struct SyscallArgs {
  uint64_t a0, a1, a2, a3, a4, a5;  // rdi, rsi, rdx, r10, r8, r9
  TrapFrame* tf;                    // the caller's saved registers
};

using SyscallHandler = int64_t (*)(const SyscallArgs&);

// Runs the handler for tf->rax with interrupts on and puts its result in
// tf->rax (syscall_dispatch, which arch/x86/kernel/syscall_entry.S calls, and the ring-3
// quirk's path in arch/x86/kernel/syscall_cpu.cpp).
void syscall_run(TrapFrame* tf);

// The handlers (sys_*.cpp).
int64_t sys_read(const SyscallArgs&);
int64_t sys_write(const SyscallArgs&);
int64_t sys_mmap(const SyscallArgs&);
int64_t sys_munmap(const SyscallArgs&);
int64_t sys_sched_yield(const SyscallArgs&);
int64_t sys_nanosleep(const SyscallArgs&);
int64_t sys_getpid(const SyscallArgs&);
int64_t sys_fork(const SyscallArgs&);
int64_t sys_execve(const SyscallArgs&);
int64_t sys_exit(const SyscallArgs&);
int64_t sys_wait4(const SyscallArgs&);
int64_t sys_gettid(const SyscallArgs&);
int64_t sys_sched_setaffinity(const SyscallArgs&);
int64_t sys_sched_getaffinity(const SyscallArgs&);
int64_t sys_clock_gettime(const SyscallArgs&);
int64_t sys_exit_group(const SyscallArgs&);
int64_t sys_getcpu(const SyscallArgs&);
int64_t sys_spawn(const SyscallArgs&);
int64_t sys_thread_create(const SyscallArgs&);
int64_t sys_thread_join(const SyscallArgs&);
int64_t sys_kdebug(const SyscallArgs&);
int64_t sys_bench_mark(const SyscallArgs&);
int64_t sys_shm_take(const SyscallArgs&);  // sys_shm.cpp
// Files and sockets (sys_socket.cpp, sys_sockio.cpp, sys_poll.cpp).
int64_t sys_close(const SyscallArgs&);
int64_t sys_poll(const SyscallArgs&);
int64_t sys_select(const SyscallArgs&);
int64_t sys_socket(const SyscallArgs&);
int64_t sys_connect(const SyscallArgs&);
int64_t sys_accept(const SyscallArgs&);
int64_t sys_sendto(const SyscallArgs&);
int64_t sys_recvfrom(const SyscallArgs&);
int64_t sys_sendmsg(const SyscallArgs&);
int64_t sys_recvmsg(const SyscallArgs&);
int64_t sys_shutdown(const SyscallArgs&);
int64_t sys_bind(const SyscallArgs&);
int64_t sys_listen(const SyscallArgs&);
int64_t sys_getsockname(const SyscallArgs&);
int64_t sys_getpeername(const SyscallArgs&);
int64_t sys_socketpair(const SyscallArgs&);
int64_t sys_setsockopt(const SyscallArgs&);
int64_t sys_getsockopt(const SyscallArgs&);
int64_t sys_accept4(const SyscallArgs&);
int64_t sys_fcntl(const SyscallArgs&);

