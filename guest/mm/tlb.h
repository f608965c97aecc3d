// TLB shootdown: after an address space's page tables lose a permission or a
// frame, every other CPU that has it loaded must flush before the frame is
// reused (Intel SDM vol 3, 4.10.5, "Propagation of Paging-Structure Changes
// to Multiple Processors"). The initiator sends an IPI and waits for each
// target to acknowledge.
//
// Deadlock rule: a CPU waiting with interrupts off (for the acknowledgements,
// or spinning on an address-space lock) keeps serving flush requests aimed
// at itself through tlb_serve_pending(), so two CPUs that shoot at each other
// both make progress.
#pragma once

#include <stdint.h>

// Flushes this CPU's TLB and that of every CPU in cpu_mask (bit = cpu id;
// this CPU's own bit is ignored), waiting until they all have.
void tlb_shootdown(uint64_t cpu_mask);
// Flushes this CPU's TLB if another CPU asked for it. Cheap when nobody did.
void tlb_serve_pending();
// Installs the IPI handler (boot CPU, once).
void tlb_init();
