// Processes: identity, creation (fork, spawn, execve), ending, waiting.
#include "lib/kstring.h"
#include "lib/spinlock.h"
#include "mm/aspace.h"
#include "mm/uaccess.h"
#include "proc/exec.h"
#include "proc/file.h"
#include "proc/process.h"
#include "proc/user_thread.h"
#include "sched/sched.h"
#include "sched/thread.h"
#include "sys/syscall.h"
#include "uapi/abi.h"
#include "uapi/errno.h"

namespace {

int64_t name_from_user(char (&name)[uabi::kMaxNameLen], uint64_t user) {
  int64_t n = strncpy_from_user(name, user, sizeof(name));
  return n == -err::kNameTooLong ? -err::kNoEnt : n;  // no program has such a name
}

// Starts a child thread on a copy of frame, in a new process.
int64_t start_child(Process* parent, AddressSpace* as, const TrapFrame& frame) {
  Process* child = process_create(parent, parent->name, as, parent->files);
  if (child == nullptr) {
    aspace::put(as);
    return -err::kAgain;
  }
  Thread* t = thread_create_user(child, frame, child->pid);
  if (t == nullptr) {
    process_discard(child);
    return -err::kAgain;
  }
  t->affinity = current_thread()->affinity;  // inherited, as in Linux
  aspace::put(as);  // the thread holds its own reference
  sched_start(t);
  return child->pid;
}

}  // namespace

int64_t sys_getpid(const SyscallArgs&) { return current_process()->pid; }

// exit(status): ends the calling thread; the process ends with its last
// thread, with that thread's status.
int64_t sys_exit(const SyscallArgs& a) { thread_exit(static_cast<int>(a.a0) & 0xff); }

// exit_group(status): ends every thread of the process.
int64_t sys_exit_group(const SyscallArgs& a) {
  int code = static_cast<int>(a.a0) & 0xff;
  process_kill(current_process(), uabi::wait_exited_status(code));
  thread_exit(code);
}

// fork(): the child gets a copy-on-write copy of the address space and of
// the calling thread, and sees 0 where the parent sees the child's pid.
int64_t sys_fork(const SyscallArgs& a) {
  Process* parent = current_process();
  AddressSpace* as = aspace::clone(parent->as);
  if (as == nullptr) return -err::kNoMem;
  TrapFrame frame = *a.tf;
  frame.rax = 0;
  return start_child(parent, as, frame);
}

// spawn(name, argv): a new child process running built-in program name.
int64_t sys_spawn(const SyscallArgs& a) {
  char name[uabi::kMaxNameLen];
  if (int64_t r = name_from_user(name, a.a0); r < 0) return r;
  ArgVector args;
  if (int64_t r = argv_from_user(a.a1, &args); r < 0) return r;
  return spawn_program(current_process(), name, args);
}

// execve(name, argv, envp): replaces the calling (single-threaded) process's
// program with built-in program name; envp is ignored.
int64_t sys_execve(const SyscallArgs& a) {
  char name[uabi::kMaxNameLen];
  if (int64_t r = name_from_user(name, a.a0); r < 0) return r;
  ArgVector args;
  if (int64_t r = argv_from_user(a.a1, &args); r < 0) return r;
  Process* p = current_process();
  if (__atomic_load_n(&p->live_threads, __ATOMIC_RELAXED) != 1) return -err::kBusy;
  AddressSpace* as;
  uint64_t entry, sp;
  if (int64_t r = exec_image(name, args, &as, &entry, &sp); r < 0) return r;
  AddressSpace* old = p->as;
  {
    InterruptsOff irq_off;
    p->as = as;  // the thread's reference moves to the new space
    aspace::activate(as);
  }
  aspace::put(old);
  files_close_on_exec(p->files);
  size_t n = strlen(name);
  memcpy(p->name, name, n + 1);
  *a.tf = initial_frame(entry, sp);
  return 0;
}

// wait4(pid, status, options, rusage): rusage is not filled in.
int64_t sys_wait4(const SyscallArgs& a) {
  auto pid = static_cast<int32_t>(a.a0);
  auto options = static_cast<uint32_t>(a.a2);
  if (options & ~uint32_t{uabi::kWnohang}) return -err::kInval;
  int status = 0;
  int64_t r = process_wait(current_process(), pid, &status, options & uabi::kWnohang);
  if (r > 0 && a.a1 && put_user(a.a1, status) < 0) return -err::kFault;
  return r;
}
