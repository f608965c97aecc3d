#include "arch/x86/cpu_features.h"

#include "arch/x86/include/x86.h"
#include "kernel/console.h"

CpuFeatures g_cpu_features;

namespace {

// Control register bits (Intel SDM vol 3, 2.5; EFER: 2.2.1).
constexpr uint64_t kCr0Mp = 1ull << 1;
constexpr uint64_t kCr0Em = 1ull << 2;
constexpr uint64_t kCr4Tsd = 1ull << 2;
constexpr uint64_t kCr4Osfxsr = 1ull << 9;
constexpr uint64_t kCr4Osxmmexcpt = 1ull << 10;
constexpr uint64_t kCr4Smep = 1ull << 20;
constexpr uint64_t kCr4Smap = 1ull << 21;
constexpr uint64_t kEferSce = 1ull << 0;
constexpr uint64_t kEferNxe = 1ull << 11;

const char* on_off(bool b) { return b ? "on" : "off"; }

}  // namespace

void cpu_features_detect() {
  uint32_t max_leaf = x86::cpuid(0).eax;
  uint32_t max_ext = x86::cpuid(0x80000000).eax;
  CpuFeatures& f = g_cpu_features;
  f.tsc_deadline = (x86::cpuid(1).ecx >> 24) & 1;
  if (max_leaf >= 7) {
    uint32_t ebx = x86::cpuid(7, 0).ebx;
    f.smep = (ebx >> 7) & 1;
    f.smap = (ebx >> 20) & 1;
  }
  if (max_ext >= 0x80000001) f.nx = (x86::cpuid(0x80000001).edx >> 20) & 1;
  kprintf("cpu: smep %s, smap %s, nx %s, tsc-deadline %s\n", on_off(f.smep), on_off(f.smap),
          on_off(f.nx), on_off(f.tsc_deadline));
}

void cpu_features_enable() {
  const CpuFeatures& f = g_cpu_features;
  uint64_t cr4 = x86::read_cr4() & ~(kCr4Osfxsr | kCr4Osxmmexcpt | kCr4Tsd);
  if (f.smep) cr4 |= kCr4Smep;
  if (f.smap) cr4 |= kCr4Smap;  // kernel code runs with RFLAGS.AC = 0: user pages are off limits
  x86::write_cr4(cr4);
  x86::write_cr0(x86::read_cr0() | kCr0Em | kCr0Mp);
  // SCE enables SYSCALL/SYSRET (SDM vol 2, SYSCALL: #UD if EFER.SCE = 0).
  uint64_t efer = x86::rdmsr(x86::kMsrEfer) | kEferSce;
  if (f.nx) efer |= kEferNxe;
  x86::wrmsr(x86::kMsrEfer, efer);
}
