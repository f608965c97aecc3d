#include "sys/syscall.h"

#include "arch/x86/cpu/gdt.h"
#include "arch/x86/include/layout.h"
#include "arch/x86/include/x86.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "uapi/abi.h"
#include "uapi/errno.h"
#include "uapi/syscalls.h"

extern "C" char syscall_entry[];  // syscall_entry.S

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

// RFLAGS bits a user program may hold: CF PF AF ZF SF TF DF OF AC ID (no
// IOPL, NT, VM, RF; IF is forced on).
constexpr uint64_t kUserRflags = 0x240DD5;

// IA32_FMASK: RFLAGS bits SYSCALL clears (SDM vol 2, SYSCALL): IF (entry
// runs with interrupts off until it is on the kernel stack), TF, DF (the
// ABI wants it clear), AC (SMAP stays armed), NT, IOPL.
constexpr uint64_t kFmask = (1u << 8) | (1u << 9) | (1u << 10) | (3u << 12) | (1u << 14) |
                            (1u << 18);

void run_handler(TrapFrame* tf) {
  x86::sti();
  uint64_t nr = tf->rax;
  SyscallArgs args{tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9, tf};
  SyscallHandler h = nr < sys::kTableSize ? kTable.by_number[nr] : nullptr;
  tf->rax = static_cast<uint64_t>(h ? h(args) : -err::kNoSys);
  x86::cli();
}

}  // namespace

void syscall_init_cpu() {
  x86::wrmsr(x86::kMsrStar, uint64_t{gdt::kStarHigh} << 32);
  x86::wrmsr(x86::kMsrLstar, reinterpret_cast<uint64_t>(syscall_entry));
  x86::wrmsr(x86::kMsrFmask, kFmask);
}

extern "C" void syscall_dispatch(TrapFrame* tf) {
  run_handler(tf);
  sched_user_return();
}

// Some hypervisors emulate SYSCALL from user mode only in part: they load
// RIP from IA32_LSTAR, save RCX and R11 and apply IA32_FMASK, but leave the
// vCPU in ring 3 (seen on this project's development host, KVM's PVM
// module in "native" mode). The first instruction fetch at syscall_entry
// then faults as a user access to a supervisor page, and that fault's frame
// holds exactly what SYSCALL would have handed over: the user's registers,
// RCX = return RIP, R11 = RFLAGS. So the system call is finished here and
// returns through IRETQ instead of SYSRET. A program that jumps to
// syscall_entry on purpose gains nothing: it is what `syscall` does.
bool syscall_recover_from_fault(TrapFrame* tf) {
  constexpr uint64_t kUserFetch = (1u << 2) | (1u << 4);  // #PF error code U and I/D
  if (tf->rip != reinterpret_cast<uint64_t>(syscall_entry) ||
      (tf->error_code & kUserFetch) != kUserFetch || !layout::is_user_address(tf->rcx)) {
    return false;
  }
  static bool noted = false;
  if (!__atomic_exchange_n(&noted, true, __ATOMIC_RELAXED)) {
    kprintf("syscall: SYSCALL arrived in ring 3 (hypervisor quirk); completing it from #PF\n");
  }
  tf->rip = tf->rcx;
  tf->rflags = (tf->r11 & kUserRflags) | x86::kRflagsIf | 0x2;
  run_handler(tf);
  return true;
}

extern "C" [[noreturn]] void syscall_bad_return_panic(const TrapFrame* tf) {
  panic("syscall: return to non-user rip 0x%lx", tf->rip);
}

