// The hostile guest: a freestanding 32-bit PVH image that misbehaves towards
// one device on purpose and then checks that the rest of the machine, and
// the device itself after a reset, still work (issue 8, "Hostile guests").
// tests/integration/hostile_guest_test.cpp boots it under the real VMM; it
// also boots under QEMU microvm (README.md in this folder).
//
// Command line (hvm_start_info.cmdline_paddr):
//   case=NAME                          which case to run (table below)
//   virtio_mmio.device=SIZE@ADDR:GSI   the virtio-net device (the VMM and
//                                      QEMU microvm put it there)
//   shmem=SIZE@ADDR                    the shared-memory device, if any
//
// Console protocol (COM1), one line each:
//   hostile: start case=NAME virtio=ADDR shmem=ADDR ram_end=ADDR
//   hostile: cmdline: WHOLE COMMAND LINE
//   hostile: CHECK[/VARIANT]: key=value ...      one per check (case_*.cpp say which keys)
//   hostile: result=pass | result=fail (WHAT)    the verdict, then the exit
// Values: 0/1 for yes/no, 0x... hex, decimal counts; shm0_arp=absent when
// there is no shared-memory device (it is then not a failure).
//
// Debug-exit port 0x501 (the VM ends with status (v << 1) | 1):
//   0x10 (status 0x21)  pass: every must-check held (the UART, the other
//                       device's round trip, the broken virtio-net device
//                       working again after a reset)
//   0x11 (status 0x23)  fail: a must-check did not hold (result= names the first)
//   0x12 (status 0x25)  no or unknown case= word
//   0x13 (status 0x27)  no start_info, or no modern virtio-net device
// Whether the VMM put a broken device in an error state (needs_reset=,
// shm0_state=) is reported, not judged: that is the VMM's side, which the
// host test asserts.
#include "abi/platform.h"
#include "cases.h"
#include "console.h"
#include "hw.h"
#include "report.h"

namespace hg {

namespace {

constexpr uint8_t kExitPass = 0x10;
constexpr uint8_t kExitFail = 0x11;
constexpr uint8_t kExitNoCase = 0x12;
constexpr uint8_t kExitNoDevice = 0x13;

const Case kCases[] = {
    {"none", case_none},
    {"desc-outside-ram", case_desc_outside_ram},
    {"len-overflow", case_len_overflow},
    {"desc-loop", case_desc_loop},
    {"nested-indirect", case_nested_indirect},
    {"queue-size-0", case_queue_size_0},
    {"queue-size-npot", case_queue_size_npot},
    {"queue-ready-early", case_queue_ready_early},
    {"regs-out-of-order", case_regs_out_of_order},
    {"regs-after-failed", case_regs_after_failed},
    {"shmem-header-garbage", case_shmem_header_garbage},
    {"shmem-index-garbage", case_shmem_index_garbage},
    {"shmem-slot-garbage", case_shmem_slot_garbage},
    {"shmem-state-garbage", case_shmem_state_garbage},
    {"tx-flood", case_tx_flood},
    {"unmapped-scan", case_unmapped_scan},
    {"port-scan-marker-storm", case_port_scan_marker_storm},
};

bool same(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

const Case* find_case(const char* name) {
  for (const Case& c : kCases)
    if (same(c.name, name)) return &c;
  return nullptr;
}

[[noreturn]] void debug_exit(uint8_t value) {
  for (;;) {
    outb(platform::kDebugExitPort, value);
    asm volatile("cli; hlt");
  }
}

void print_start(const Env& env) {
  put_str("hostile: start case=");
  put_str(env.boot.case_name);
  put_str(" virtio=");
  put_hex(env.boot.virtio_base);
  put_str(" shmem=");
  put_hex(env.shm.present() ? env.boot.shmem_base : 0);
  put_str(" ram_end=");
  put_hex(env.boot.ram_end);
  put_str("\nhostile: cmdline: ");
  put_str(env.boot.cmdline);
  put_char('\n');
}

}  // namespace

}  // namespace hg

extern "C" [[noreturn]] void hostile_main(const platform::HvmStartInfo* start_info) {
  using namespace hg;
  Env env;
  if (!read_boot_info(start_info, &env.boot)) {
    put_str("hostile: result=fail (no start_info or a malformed device word)\n");
    debug_exit(kExitNoDevice);
  }
  env.net.mmio.base = static_cast<uintptr_t>(env.boot.virtio_base);
  env.shm.attach(env.boot);
  print_start(env);
  const Case* chosen = find_case(env.boot.case_name);
  if (chosen == nullptr) {
    put_str("hostile: result=fail (no or unknown case= word)\n");
    debug_exit(kExitNoCase);
  }
  if (env.boot.virtio_base == 0 || !env.net.mmio.is_modern_net()) {
    put_str("hostile: result=fail (no modern virtio-net device)\n");
    debug_exit(kExitNoDevice);
  }
  chosen->run(env);
  if (all_held()) {
    put_str("hostile: result=pass\n");
    debug_exit(kExitPass);
  }
  put_str("hostile: result=fail (");
  put_str(first_failure());
  put_str(")\n");
  debug_exit(kExitFail);
}
