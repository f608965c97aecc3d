// The hostile cases: one function each, grouped in case_*.cpp files, picked
// by `case=NAME` on the command line (main.cpp has the table).
#pragma once

#include "boot_info.h"
#include "net_device.h"
#include "shm_client.h"

namespace hg {

struct Env {
  BootInfo boot;
  NetDevice net;
  ShmClient shm;
};

using CaseFunction = void (*)(Env&);

struct Case {
  const char* name;
  CaseFunction run;
};

// case_baseline.cpp
void case_none(Env&);
// case_chains.cpp: broken descriptor chains on the transmit queue
void case_desc_outside_ram(Env&);
void case_len_overflow(Env&);
void case_desc_loop(Env&);
void case_nested_indirect(Env&);
// case_queue_setup.cpp: bad queue sizes and QueueReady too early
void case_queue_size_0(Env&);
void case_queue_size_npot(Env&);
void case_queue_ready_early(Env&);
// case_registers.cpp: the initialization steps out of order, and after FAILED
void case_regs_out_of_order(Env&);
void case_regs_after_failed(Env&);
// case_shmem.cpp: garbage in the shared-memory header, indices and slots
void case_shmem_header_garbage(Env&);
void case_shmem_index_garbage(Env&);
void case_shmem_slot_garbage(Env&);
void case_shmem_state_garbage(Env&);
// case_flood.cpp
void case_tx_flood(Env&);
// case_scan.cpp
void case_unmapped_scan(Env&);
// case_storm.cpp
void case_port_scan_marker_storm(Env&);

}  // namespace hg
