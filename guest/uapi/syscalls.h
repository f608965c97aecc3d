// System call numbers: the contract between the kernel and user programs.
// Linux x86-64 numbers wherever a Linux call exists (arch/x86/entry/
// syscalls/syscall_64.tbl), so that a reader (or strace-like tool) knows
// them; this kernel's own calls live above Linux's range. The calling
// convention is Linux's too: number in rax, arguments in rdi, rsi, rdx, r10,
// r8, r9, result (or -errno) in rax; rcx and r11 are clobbered.
#pragma once

namespace sys {

enum : long {
  kRead = 0,
  kWrite = 1,
  kClose = 3,
  kPoll = 7,
  kMmap = 9,
  kMunmap = 11,
  kSelect = 23,
  kSchedYield = 24,
  kNanosleep = 35,
  kGetpid = 39,
  // Sockets.
  kSocket = 41,
  kConnect = 42,
  kAccept = 43,
  kSendto = 44,
  kRecvfrom = 45,
  kSendmsg = 46,
  kRecvmsg = 47,
  kShutdown = 48,
  kBind = 49,
  kListen = 50,
  kGetsockname = 51,
  kGetpeername = 52,
  kSocketpair = 53,
  kSetsockopt = 54,
  kGetsockopt = 55,
  kFork = 57,
  kExecve = 59,
  kExit = 60,   // ends the calling thread
  kWait4 = 61,
  kFcntl = 72,  // F_GETFL/F_SETFL (O_NONBLOCK) on sockets
  kGettid = 186,
  kSchedSetaffinity = 203,
  kSchedGetaffinity = 204,
  kClockGettime = 228,
  kExitGroup = 231,  // ends the whole process
  kAccept4 = 288,
  kGetcpu = 309,
  // This kernel's own calls (no Linux equivalent).
  kSpawn = 500,         // spawn(name, argv): new process running a built-in program
  kThreadCreate = 501,  // thread_create(rip, rsp, arg0, arg1): new thread, returns its tid
  kThreadJoin = 502,    // thread_join(tid, int64_t* value): waits for it, reaps it
  kKdebug = 503,        // kdebug(op, arg): test hooks (uapi/abi.h, KDEBUG_*)
  kBenchMark = 504,     // bench_mark(phase): one OUT to the benchmark marker port
  kShmTake = 505,       // shm_take(uabi::ShmLease*): shm0's rings into this process (uapi/abi.h)
  kTableSize = 506,
};

}  // namespace sys
