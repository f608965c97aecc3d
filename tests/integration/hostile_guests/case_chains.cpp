// Broken descriptor chains on virtio-net's transmit queue, each breaking a
// rule of virtio 1.2 §2.7.5: buffers outside RAM, lengths that wrap or add
// up to 4 GiB, chains that loop, indirect tables inside indirect tables.
// Each variant: the device brought up fresh, the chain published and
// notified, then the aftermath (aftermath.h). The VMM puts the device in
// DEVICE_NEEDS_RESET for every one of them and sends nothing.
#include "aftermath.h"
#include "hw.h"
#include "layout.h"

namespace hg {

namespace {

using namespace virtio;

constexpr uint16_t kIndirect = 4;  // VIRTQ_DESC_F_INDIRECT (§2.7.5.3)
constexpr uint32_t kFrameBytes = sizeof(net_spec::Header) + 60;
constexpr uint64_t kGoodBuffer = kTxBuffersGpa + 100 * kBufferBytes;  // zeros: a valid header
constexpr uint32_t k32MiB = 32 << 20;

struct Variant {
  const char* name;
  uint64_t features;
  uint16_t (*write)(Env&);  // writes the chain, returns its head
};

// Entry `i` of an indirect table at `table`.
void table_entry(uint64_t table, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
  volatile VirtqDesc* d = phys<VirtqDesc>(table) + i;
  d->addr = addr;
  d->len = len;
  d->flags = flags;
  d->next = next;
}

// Where RAM ends; without a memmap, an address no machine has RAM at.
uint64_t past_ram(const Env& env) { return env.boot.ram_end ? env.boot.ram_end : 0x7f0000000000ull; }

uint16_t single(Env& env, uint64_t addr, uint32_t len) {
  env.net.tx.set_desc(7, addr, len, 0, 0);
  return 7;
}

void run_variants(Env& env, const char* check, const Variant* variants, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    must(env.net.bring_up(variants[i].features), "bring-up before a hostile chain");
    env.net.tx.publish(variants[i].write(env));
    env.net.mmio.notify(net_spec::kTransmitQueue);
    Aftermath a = observe_and_recover(env);
    Line line(check, variants[i].name);
    finish(line, a);
  }
}

constexpr uint64_t kV1 = kFeatureVersion1;
constexpr uint64_t kV1Indirect = kFeatureVersion1 | kFeatureIndirectDesc;

const Variant kOutsideRam[] = {
    {"past-ram", kV1, [](Env& env) { return single(env, past_ram(env), kFrameBytes); }},
    {"straddling-ram-end", kV1, [](Env& env) { return single(env, past_ram(env) - 16, kFrameBytes); }},
    {"mmio-window", kV1, [](Env& env) { return single(env, env.boot.virtio_base, 64); }},
    {"top-of-address-space", kV1, [](Env& env) { return single(env, 0xffffffffffff0000ull, 64); }},
    {"second-buffer-past-ram", kV1, [](Env& env) {
       env.net.tx.set_desc(7, kGoodBuffer, kFrameBytes, kDescNext, 8);
       env.net.tx.set_desc(8, past_ram(env) + 4096, 64, 0, 0);
       return uint16_t{7};
     }},
};

const Variant kLengthOverflow[] = {
    {"len-0xffffffff", kV1, [](Env& env) { return single(env, kTxBuffersGpa, 0xffffffffu); }},
    {"addr-plus-len-wraps", kV1, [](Env& env) { return single(env, 0xfffffffffffff000ull, 0x2000); }},
    // 256 buffers of 32 MiB each, every one inside RAM: 8 GiB, more than
    // any chain may hold (§2.7.5.2: "Drivers MUST NOT add a descriptor chain
    // longer than 2^32 bytes in total").
    {"chain-over-4gib", kV1, [](Env& env) {
       for (uint16_t i = 0; i < env.net.tx.size; ++i)
         env.net.tx.set_desc(i, 0, k32MiB, i + 1 < env.net.tx.size ? kDescNext : 0,
                             static_cast<uint16_t>(i + 1));
       return uint16_t{0};
     }},
    {"indirect-table-over-4gib", kV1Indirect, [](Env& env) {
       for (uint16_t i = 0; i < 256; ++i)
         table_entry(kScratchGpa, i, 0, k32MiB, i < 255 ? kDescNext : 0, static_cast<uint16_t>(i + 1));
       env.net.tx.set_desc(7, kScratchGpa, 256 * sizeof(VirtqDesc), kIndirect, 0);
       return uint16_t{7};
     }},
};

const Variant kLoops[] = {
    {"next-is-itself", kV1, [](Env& env) {
       env.net.tx.set_desc(5, kGoodBuffer, kFrameBytes, kDescNext, 5);
       return uint16_t{5};
     }},
    {"two-in-a-cycle", kV1, [](Env& env) {
       env.net.tx.set_desc(5, kGoodBuffer, kFrameBytes, kDescNext, 6);
       env.net.tx.set_desc(6, kGoodBuffer, kFrameBytes, kDescNext, 5);
       return uint16_t{5};
     }},
    {"cycle-through-the-table", kV1, [](Env& env) {
       uint16_t n = env.net.tx.size;
       for (uint16_t i = 0; i < n; ++i)
         env.net.tx.set_desc(i, kGoodBuffer, 1, kDescNext, static_cast<uint16_t>((i + 1) % n));
       return uint16_t{0};
     }},
    {"next-past-the-table", kV1, [](Env& env) {
       env.net.tx.set_desc(4, kGoodBuffer, kFrameBytes, kDescNext, env.net.tx.size);
       return uint16_t{4};
     }},
    {"loop-in-an-indirect-table", kV1Indirect, [](Env& env) {
       for (uint16_t i = 0; i < 3; ++i)
         table_entry(kScratchGpa, i, kGoodBuffer, kFrameBytes, kDescNext, static_cast<uint16_t>((i + 1) % 3));
       env.net.tx.set_desc(9, kScratchGpa, 3 * sizeof(VirtqDesc), kIndirect, 0);
       return uint16_t{9};
     }},
};

// "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag within an
// indirect descriptor" (§2.7.5.3.1).
constexpr uint64_t kInnerTable = kScratchGpa + 0x10000;
const Variant kNestedIndirect[] = {
    {"indirect-in-indirect", kV1Indirect, [](Env& env) {
       table_entry(kInnerTable, 0, kGoodBuffer, kFrameBytes, 0, 0);
       table_entry(kScratchGpa, 0, kInnerTable, sizeof(VirtqDesc), kIndirect, 0);
       env.net.tx.set_desc(9, kScratchGpa, sizeof(VirtqDesc), kIndirect, 0);
       return uint16_t{9};
     }},
    {"chain-into-indirect", kV1Indirect, [](Env& env) {
       table_entry(kInnerTable, 0, kGoodBuffer, kFrameBytes, 0, 0);
       table_entry(kScratchGpa, 0, kGoodBuffer, sizeof(net_spec::Header), kDescNext, 1);
       table_entry(kScratchGpa, 1, kInnerTable, sizeof(VirtqDesc), kIndirect, 0);
       env.net.tx.set_desc(9, kScratchGpa, 2 * sizeof(VirtqDesc), kIndirect, 0);
       return uint16_t{9};
     }},
    {"table-naming-itself", kV1Indirect, [](Env& env) {
       table_entry(kScratchGpa, 0, kScratchGpa, sizeof(VirtqDesc), kIndirect, 0);
       env.net.tx.set_desc(9, kScratchGpa, sizeof(VirtqDesc), kIndirect, 0);
       return uint16_t{9};
     }},
};

template <uint32_t N>
void run(Env& env, const char* check, const Variant (&variants)[N]) {
  run_variants(env, check, variants, N);
}

}  // namespace

void case_desc_outside_ram(Env& env) { run(env, "desc-outside-ram", kOutsideRam); }
void case_len_overflow(Env& env) { run(env, "len-overflow", kLengthOverflow); }
void case_desc_loop(Env& env) { run(env, "desc-loop", kLoops); }
void case_nested_indirect(Env& env) { run(env, "nested-indirect", kNestedIndirect); }

}  // namespace hg
