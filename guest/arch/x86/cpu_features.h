// CPU features the kernel uses when CPUID offers them, and the control
// register set-up every CPU repeats: SMEP and SMAP (CR4), no-execute pages
// (EFER.NXE), and no x87/SSE for user programs (they are integer-only: the
// kernel saves no FPU state on a context switch, so CR0.EM makes x87 fault
// and CR4.OSFXSR stays clear so that SSE faults).
#pragma once

struct CpuFeatures {
  bool smep;          // CPUID.(EAX=7,ECX=0):EBX[7]
  bool smap;          // CPUID.(EAX=7,ECX=0):EBX[20]
  bool nx;            // CPUID.80000001H:EDX[20]
  bool tsc_deadline;  // CPUID.01H:ECX[24]
};

extern CpuFeatures g_cpu_features;

// Reads CPUID (boot CPU, once) and prints "cpu: smep on|off, smap ...".
void cpu_features_detect();
// Sets CR0/CR4/EFER on this CPU as the features allow (every CPU).
void cpu_features_enable();
