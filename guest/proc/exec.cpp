#include "proc/exec.h"

#include "arch/x86/cpu/gdt.h"
#include "arch/x86/include/layout.h"
#include "arch/x86/include/x86.h"
#include "lib/kstring.h"
#include "mm/aspace.h"
#include "mm/uaccess.h"
#include "proc/elf_loader.h"
#include "proc/process.h"
#include "proc/programs.h"
#include "proc/user_thread.h"
#include "sched/sched.h"
#include "sched/thread.h"
#include "uapi/errno.h"

namespace {

constexpr uint64_t kInitialRflags = x86::kRflagsIf | 0x2;  // bit 1 is always set

// Lays out argc/argv at the top of the stack region.
int64_t build_stack(AddressSpace* as, const ArgVector& args, uint64_t* sp_out) {
  uint64_t stack_base = layout::kUserTop - layout::kUserStackSize;
  if (!aspace::add_region(as, stack_base, layout::kUserStackSize,
                          uabi::kProtRead | uabi::kProtWrite).is_ok()) {
    return -err::kNoMem;
  }
  uint64_t sp = layout::kUserTop;
  uint64_t pointers[uabi::kMaxArgs];
  for (int i = args.argc - 1; i >= 0; --i) {
    size_t len = strlen(args.args[i]) + 1;
    sp -= len;
    if (!aspace::write_bytes(as, sp, args.args[i], len)) return -err::kNoMem;
    pointers[i] = sp;
  }
  sp &= ~uint64_t{15};
  // argc, argv[0..argc), NULL, envp NULL, auxv {AT_NULL, 0}.
  uint64_t words[1 + uabi::kMaxArgs + 4];
  size_t n = 0;
  words[n++] = static_cast<uint64_t>(args.argc);
  for (int i = 0; i < args.argc; ++i) words[n++] = pointers[i];
  words[n++] = 0;
  words[n++] = 0;
  words[n++] = 0;
  words[n++] = 0;
  if (n % 2) words[n++] = 0;  // keeps RSP 16-byte aligned at argc
  sp -= n * sizeof(uint64_t);
  if (!aspace::write_bytes(as, sp, words, n * sizeof(uint64_t))) return -err::kNoMem;
  *sp_out = sp;
  return 0;
}

}  // namespace

int64_t argv_from_user(uint64_t user_argv, ArgVector* out) {
  out->argc = 0;
  if (user_argv == 0) return 0;
  for (;;) {
    uint64_t ptr;
    if (get_user(&ptr, user_argv + out->argc * sizeof(uint64_t)) < 0) return -err::kFault;
    if (ptr == 0) return 0;
    if (out->argc == uabi::kMaxArgs) return -err::k2Big;
    int64_t n = strncpy_from_user(out->args[out->argc], ptr, uabi::kMaxArgLen);
    if (n == -err::kNameTooLong) return -err::k2Big;
    if (n < 0) return n;
    out->argc++;
  }
}

int64_t exec_image(const char* name, const ArgVector& args, AddressSpace** as_out,
                   uint64_t* entry, uint64_t* sp) {
  const Program* prog = program_find(name);
  if (prog == nullptr) return -err::kNoEnt;
  AddressSpace* as = aspace::create();
  if (as == nullptr) return -err::kNoMem;
  int64_t r = elf_load(as, prog->image, prog->size(), entry);
  if (r == 0) r = build_stack(as, args, sp);
  if (r < 0) {
    aspace::put(as);
    return r;
  }
  *as_out = as;
  return 0;
}

TrapFrame initial_frame(uint64_t entry, uint64_t sp) {
  TrapFrame f;
  memset(&f, 0, sizeof(f));
  f.rip = entry;
  f.rsp = sp;
  f.cs = gdt::kUserCs;
  f.ss = gdt::kUserDs;
  f.rflags = kInitialRflags;
  return f;
}

int64_t spawn_program(Process* parent, const char* name, const ArgVector& args,
                      void (*before_start)(Process*)) {
  AddressSpace* as;
  uint64_t entry, sp;
  if (int64_t r = exec_image(name, args, &as, &entry, &sp); r < 0) return r;
  Process* p = process_create(parent, name, as);
  if (p == nullptr) {
    aspace::put(as);
    return -err::kAgain;
  }
  Thread* t = thread_create_user(p, initial_frame(entry, sp), p->pid);
  if (t == nullptr) {
    process_discard(p);
    return -err::kAgain;
  }
  // The thread holds its own reference now; drop the one creation gave.
  aspace::put(as);
  if (before_start) before_start(p);
  sched_start(t);
  return p->pid;
}
