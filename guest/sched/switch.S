// Thread* context_switch(Thread* prev, Thread* next)
//
// Saves the callee-saved registers (System V AMD64 ABI: rbx, rbp, r12-r15)
// on prev's stack, stores its RSP in prev->saved_rsp (offset 0), loads
// next's, and returns prev on next's stack: in next's own call of
// context_switch, or in thread_start for a new thread. Everything else is
// caller-saved, so the C++ caller has already spilled it.
.text
.globl context_switch
context_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq (%rsi), %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  movq %rdi, %rax
  ret

// A new thread's first instructions: thread_create_user leaves a switch
// frame whose return address is this, right below the thread's user
// TrapFrame. context_switch has just returned here with RAX = prev.
.globl thread_start
thread_start:
  movq %rax, %rdi
  call sched_first_run
  jmp trap_return
