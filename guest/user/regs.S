// long syscall_with_patterns(long nr, long arg0, uint64_t out[16])
//
// Loads every general-purpose register the kernel could leak into with a
// known pattern, makes system call nr(arg0), and stores what came back:
// out[0..15] = rax rbx rcx rdx rsi rdi rbp(unused) r8 r9 r10 r11 r12 r13 r14
// r15, and out[6] = the expected RCX (the return address).
.text
.globl syscall_with_patterns
syscall_with_patterns:
  pushq %rbx
  pushq %rbp
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  pushq %rdx                         // out
  movq %rdi, %rax                    // nr
  movq %rsi, %rdi                    // arg0
  movabsq $0x1111111111111111, %rbx
  movabsq $0x3333333333333333, %rdx
  movabsq $0x4444444444444444, %rsi
  movabsq $0x8888888888888888, %r8
  movabsq $0x9999999999999999, %r9
  movabsq $0xaaaaaaaaaaaaaaaa, %r10
  movabsq $0xcccccccccccccccc, %r12
  movabsq $0xdddddddddddddddd, %r13
  movabsq $0xeeeeeeeeeeeeeeee, %r14
  movabsq $0xffffffffffffffff, %r15
  syscall
1:
  pushq %rdi
  movq 8(%rsp), %rdi                 // out
  movq %rax, 0(%rdi)
  movq %rbx, 8(%rdi)
  movq %rcx, 16(%rdi)
  movq %rdx, 24(%rdi)
  movq %rsi, 32(%rdi)
  popq %rax
  movq %rax, 40(%rdi)                // rdi
  leaq 1b(%rip), %rax
  movq %rax, 48(%rdi)                // expected rcx
  movq %r8, 56(%rdi)
  movq %r9, 64(%rdi)
  movq %r10, 72(%rdi)
  movq %r11, 80(%rdi)
  movq %r12, 88(%rdi)
  movq %r13, 96(%rdi)
  movq %r14, 104(%rdi)
  movq %r15, 112(%rdi)
  movq 0(%rdi), %rax
  popq %rdx
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbp
  popq %rbx
  ret
