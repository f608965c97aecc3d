#include "sys/syscall.h"

#include "arch/x86/cpu/percpu.h"
#include "arch/x86/include/x86.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "uapi/abi.h"
#include "uapi/errno.h"
#include "uapi/syscalls.h"

namespace {

struct Entry {
  long number;
  SyscallHandler handler;
};

// The system call table. Linux numbers; see uapi/syscalls.h.
constexpr Entry kSyscalls[] = {
    {sys::kRead, sys_read},
    {sys::kWrite, sys_write},
    {sys::kClose, sys_close},
    {sys::kPoll, sys_poll},
    {sys::kMmap, sys_mmap},
    {sys::kMunmap, sys_munmap},
    {sys::kSelect, sys_select},
    {sys::kSchedYield, sys_sched_yield},
    {sys::kNanosleep, sys_nanosleep},
    {sys::kGetpid, sys_getpid},
    {sys::kSocket, sys_socket},
    {sys::kConnect, sys_connect},
    {sys::kAccept, sys_accept},
    {sys::kSendto, sys_sendto},
    {sys::kRecvfrom, sys_recvfrom},
    {sys::kSendmsg, sys_sendmsg},
    {sys::kRecvmsg, sys_recvmsg},
    {sys::kShutdown, sys_shutdown},
    {sys::kBind, sys_bind},
    {sys::kListen, sys_listen},
    {sys::kGetsockname, sys_getsockname},
    {sys::kGetpeername, sys_getpeername},
    {sys::kSocketpair, sys_socketpair},
    {sys::kSetsockopt, sys_setsockopt},
    {sys::kGetsockopt, sys_getsockopt},
    {sys::kFork, sys_fork},
    {sys::kExecve, sys_execve},
    {sys::kExit, sys_exit},
    {sys::kWait4, sys_wait4},
    {sys::kFcntl, sys_fcntl},
    {sys::kGettid, sys_gettid},
    {sys::kSchedSetaffinity, sys_sched_setaffinity},
    {sys::kSchedGetaffinity, sys_sched_getaffinity},
    {sys::kClockGettime, sys_clock_gettime},
    {sys::kExitGroup, sys_exit_group},
    {sys::kAccept4, sys_accept4},
    {sys::kGetcpu, sys_getcpu},
    {sys::kSpawn, sys_spawn},
    {sys::kThreadCreate, sys_thread_create},
    {sys::kThreadJoin, sys_thread_join},
    {sys::kKdebug, sys_kdebug},
    {sys::kBenchMark, sys_bench_mark},
    {sys::kShmTake, sys_shm_take},
};

struct Table {
  SyscallHandler by_number[sys::kTableSize];
};

constexpr Table build_table() {
  Table t{};
  for (const Entry& e : kSyscalls) t.by_number[e.number] = e.handler;
  return t;
}

constexpr Table kTable = build_table();

}  // namespace

void syscall_run(TrapFrame* tf) {
  x86::sti();
  uint64_t nr = tf->rax;
  SyscallArgs args{tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9, tf};
  SyscallHandler h = nr < sys::kTableSize ? kTable.by_number[nr] : nullptr;
  tf->rax = static_cast<uint64_t>(h ? h(args) : -err::kNoSys);
  x86::cli();
}

extern "C" void syscall_dispatch(TrapFrame* tf) {
  ++this_cpu()->syscalls;
  syscall_run(tf);
  sched_user_return();
}

