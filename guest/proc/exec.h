// Starting programs: building an address space from a built-in program and
// its arguments (System V AMD64 ABI, 3.4.1: RSP points at argc, then the
// argv pointers, NULL, the (empty) environment's NULL, the auxiliary vector's
// AT_NULL; RSP is 16-byte aligned), and spawning a process running it.
#pragma once

#include <stdint.h>

#include "arch/x86/include/trapframe.h"
#include "uapi/abi.h"

struct AddressSpace;
struct Process;

struct ArgVector {
  int argc;
  char args[uabi::kMaxArgs][uabi::kMaxArgLen];
};

// Copies a user argv (a NULL-terminated array of string pointers): 0 or
// -EFAULT / -E2BIG.
int64_t argv_from_user(uint64_t user_argv, ArgVector* out);
// A fresh address space with program name loaded and its stack built:
// 0 or -ENOENT / -ENOEXEC / -ENOMEM.
int64_t exec_image(const char* name, const ArgVector& args, AddressSpace** as,
                   uint64_t* entry, uint64_t* sp);
// The user-mode frame a program starts from: every register zero but RIP,
// RSP and RFLAGS (interrupts on).
TrapFrame initial_frame(uint64_t entry, uint64_t sp);
// A new child process of parent (nullptr: nobody's) running name: its pid
// or -errno. before_start, if given, sees the process before its thread can
// run.
int64_t spawn_program(Process* parent, const char* name, const ArgVector& args,
                      void (*before_start)(Process*) = nullptr);
