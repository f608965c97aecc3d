// Garbage in the shared-memory device's header (abi/shmem_ring.h). The host
// keeps private copies of the geometry and of its own indices and never
// reads back the config or its own status line, so garbage there changes
// nothing: shm0 goes on answering. What it does read from the guest (the
// guest's state and features, the guest's ring indices, slot lengths) it
// checks, and a bad value stops the device for good: HostState::kFailed
// and the ShmemError in the host's status line, the VM running on. Each
// case then proves virtio-net still carries an ARP round trip.
//   hostile: CASE: shm0_arp_before=.. shm0_state=N shm0_error=N shm0_arp=.. net_arp=0|1 uart=0|1
// (shm0_state: HostState, 0 idle, 1 polling, 2 failed; shm0_error: ShmemError;
// both left out after shmem-header-garbage, which overwrote them, and the
// shm0 fields but shm0_arp=absent without the device).
#include "cases.h"
#include "console.h"
#include "hw.h"
#include "report.h"

namespace hg {

namespace {

void fill(volatile void* at, uint32_t bytes, uint8_t seed) {
  auto* p = static_cast<volatile uint8_t*>(at);
  for (uint32_t i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(seed + i * 37);
}

// The rest of every case's line, with the host's status line if it can be
// believed; virtio-net and the UART are must-checks.
void finish_line(Env& env, Line& line, ShmArp shm0_after, bool host_status = true) {
  bool net_arp = env.net.recover();
  bool uart = uart_scratch_works();
  if (env.shm.present() && host_status) line.num("shm0_state", env.shm.host_state()).num("shm0_error", env.shm.host_error());
  line.text("shm0_arp", shm_arp_text(shm0_after)).flag("net_arp", net_arp).flag("uart", uart).end();
  must(net_arp, "virtio-net round trip");
  must(uart, "uart");
}

// Breaks the device with `scribble`, waits for the host to stop, reports.
void break_shmem(Env& env, const char* check, void (*scribble)(ShmClient&)) {
  Line line(check);
  if (env.shm.present()) {
    line.text("shm0_arp_before", shm_arp_text(env.shm.arp_round_trip()));
    scribble(env.shm);
    env.shm.wait_host_failed(2000);
  }
  finish_line(env, line, env.shm.arp_round_trip());
}

}  // namespace

void case_shmem_header_garbage(Env& env) {
  Line line("shmem-header-garbage");
  if (env.shm.present()) {
    shmem::Header* h = env.shm.header();
    line.text("shm0_arp_before", shm_arp_text(env.shm.arp_round_trip()));
    fill(&h->config, sizeof h->config, 0x11);
    fill(&h->host, sizeof h->host, 0x22);
    // The guest's counters, not its state and features (those the host
    // checks: shmem-state-garbage).
    fill(&h->guest.frames_to_host, sizeof h->guest - 0x10, 0x33);
    fill(h->reserved, sizeof h->reserved, 0x44);
    // The padding of the four index lines. (Not the host's indices
    // themselves: the guest's own ring would rightly refuse those.)
    fill(h->guest_to_host_head.reserved, sizeof h->guest_to_host_head.reserved, 0x55);
    fill(h->guest_to_host_tail.reserved, sizeof h->guest_to_host_tail.reserved, 0x66);
    fill(h->host_to_guest_head.reserved, sizeof h->host_to_guest_head.reserved, 0x77);
    fill(h->host_to_guest_tail.reserved, sizeof h->host_to_guest_tail.reserved, 0x88);
  }
  // The host's status line is garbage now too; only a round trip tells.
  finish_line(env, line, env.shm.arp_round_trip(), false);
}

// The producer index 0x10000 frames ahead of what the host consumed
// (ShmemError::kPeerHeadAhead).
void case_shmem_index_garbage(Env& env) {
  break_shmem(env, "shmem-index-garbage", [](ShmClient& shm) {
    uint32_t head = shm.rings().to_host.head();
    __atomic_store_n(&shm.header()->guest_to_host_head.index, head + 0x10000, __ATOMIC_RELEASE);
  });
}

// A slot whose length is 0xffffffff, published (ShmemError::kFrameTooLong).
void case_shmem_slot_garbage(Env& env) {
  break_shmem(env, "shmem-slot-garbage", [](ShmClient& shm) {
    shmem::Header* h = shm.header();
    uint32_t head = shm.rings().to_host.head();
    shmem::Slot* slots = shmem::ring_slots(h, h->config.guest_to_host_offset);
    slots[head & (h->config.slots_per_ring - 1)].length = 0xffffffffu;
    __atomic_store_n(&h->guest_to_host_head.index, head + 1, __ATOMIC_RELEASE);
  });
}

// A guest state no version defines (ShmemError::kBadGuestState).
void case_shmem_state_garbage(Env& env) {
  break_shmem(env, "shmem-state-garbage", [](ShmClient& shm) {
    __atomic_store_n(&shm.header()->guest.state, 0x7777u, __ATOMIC_RELEASE);
  });
}

}  // namespace hg
