// Early CPU set-up shared by arch/x86/kernel/entry.S (boot CPU) and
// arch/x86/kernel/trampoline.S (APs). Assembly only.
#pragma once

#if defined(__ASSEMBLER__)

#define MSR_MTRR_DEF_TYPE 0x2FF
#define MTRR_ENABLE 0x800      // IA32_MTRR_DEF_TYPE.E
#define MTRR_TYPE_WB 0x06

// Make ordinary memory cacheable. Without firmware nobody programs the MTRRs;
// at reset they are disabled, which makes ALL memory uncached (Intel SDM
// vol 3, 11.11.2.1), and KVM may honour that. If they are still disabled,
// enable them with write-back as the default type; device memory is made
// uncached by the page tables (PCD|PWT, and PAT UC wins over MTRR WB, SDM
// vol 3, table 11-7). MTRRs a firmware did set up are left alone. Every CPU
// runs this (MTRRs are per CPU). Clobbers eax, ebx, ecx, edx.
.macro ENABLE_WB_CACHING
  mov $1, %eax
  cpuid
  bt $12, %edx                         // CPUID.01H:EDX.MTRR
  jnc 91f
  mov $MSR_MTRR_DEF_TYPE, %ecx
  rdmsr
  test $MTRR_ENABLE, %eax
  jnz 91f
  mov $(MTRR_ENABLE | MTRR_TYPE_WB), %eax
  xor %edx, %edx
  wrmsr
91:
.endm

#endif
