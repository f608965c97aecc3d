// The only kernel code that touches user memory. Each access that may fault
// has an exception-table entry (extable.h): the page-fault handler first
// tries to resolve the fault (demand-zero, copy-on-write) and retries the
// instruction; if the address is simply bad it resumes at the fixup, and
// the routine reports how far it got.
//
// With SMAP on, user pages are off limits to the kernel unless RFLAGS.AC is
// set (Intel SDM vol 3, 4.6.1): the window is opened only around the copy.
// STAC/CLAC are the dedicated instructions, but POPFQ sets and clears AC as
// well at CPL 0 (SDM vol 1, 3.4.3.3) and, unlike STAC/CLAC, is also
// understood by hypervisors that emulate the kernel's privileged
// instructions (this project's development host, KVM's PVM module, cannot
// emulate STAC). Without SMAP, AC is left alone.
#define RFLAGS_AC 0x40000

.macro SMAP_OPEN
  testb $1, g_smap_enabled(%rip)
  jz 91f
  pushfq
  orl $RFLAGS_AC, (%rsp)
  popfq
91:
.endm

.macro SMAP_CLOSE
  testb $1, g_smap_enabled(%rip)
  jz 92f
  pushfq
  andl $~RFLAGS_AC, (%rsp)
  popfq
92:
.endm

.macro EXTABLE insn, fixup
  .pushsection __ex_table, "aw"
  .balign 8
  .quad \insn, \fixup
  .popsection
.endm

.text

// uint64_t user_copy(void* dst, const void* src, uint64_t n)
// Returns the number of bytes NOT copied (0 on success). One of dst and src
// is a user address the caller has range-checked.
.globl user_copy
user_copy:
  SMAP_OPEN
  mov %rdx, %rcx
  shr $3, %rcx
  and $7, %edx
1:
  rep movsq                     // on a fault RCX holds the words left
  mov %rdx, %rcx
2:
  rep movsb                     // on a fault RCX holds the bytes left
3:
  SMAP_CLOSE
  mov %rcx, %rax
  ret
4:
  lea (%rdx,%rcx,8), %rcx       // bytes left after a fault in the words
  jmp 3b
  EXTABLE 1b, 4b
  EXTABLE 2b, 3b

// int64_t user_strncpy(char* dst, const char* src, uint64_t max)
// Copies up to max bytes, stopping after a NUL. Returns the string's length
// (NUL found), max (no NUL within max bytes), or -14 (-EFAULT).
.globl user_strncpy
user_strncpy:
  SMAP_OPEN
  xor %eax, %eax
3:
  cmp %rdx, %rax
  je 5f
4:
  movb (%rsi,%rax), %cl
  movb %cl, (%rdi,%rax)
  test %cl, %cl
  jz 5f
  inc %rax
  jmp 3b
5:
  SMAP_CLOSE
  ret
6:
  SMAP_CLOSE
  mov $-14, %rax
  ret
  EXTABLE 4b, 6b
