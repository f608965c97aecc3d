/* The general-purpose-register half of a trap frame (trapframe.h), pushed
   and popped in one place for every entry path (interrupt stubs in
   arch/x86/kernel/vectors.S, SYSCALL in arch/x86/kernel/syscall_entry.S):
   two copies of this order would drift from struct TrapFrame. Assembler
   only. */
#pragma once

.macro PUSH_GPRS
  pushq %rax
  pushq %rbx
  pushq %rcx
  pushq %rdx
  pushq %rsi
  pushq %rdi
  pushq %rbp
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
.endm

.macro POP_GPRS
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %r11
  popq %r10
  popq %r9
  popq %r8
  popq %rbp
  popq %rdi
  popq %rsi
  popq %rdx
  popq %rcx
  popq %rbx
  popq %rax
.endm
