// Program entry. The kernel starts a program with RSP pointing at argc,
// followed by the argv pointers (System V AMD64 ABI, 3.4.1) and every other
// register zero. main's return value becomes the exit status.
.section .text.start, "ax"
.globl _start
_start:
  xorl %ebp, %ebp                      // end of the frame-pointer chain
  movq (%rsp), %rdi                    // argc
  leaq 8(%rsp), %rsi                   // argv
  call main
  movl %eax, %edi
  call u_exit_group
1:
  hlt                                  // not reached (a #GP if it were)
  jmp 1b
