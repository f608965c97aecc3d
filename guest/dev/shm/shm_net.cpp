#include "dev/shm/shm_net.h"

#include <new>

#include "arch/x86/include/layout.h"
#include "boot/bootinfo.h"
#include "kernel/console.h"
#include "mm/kheap.h"
#include "uapi/errno.h"

namespace shm {

ShmNetDevice* ShmNetDevice::create(const Region& region) {
  if (bootinfo_overlaps_ram(region.phys, region.size)) {
    kprintf("shm0: shmem=%lu@0x%lx overlaps RAM in the memory map: not using it\n", region.size,
            region.phys);
    return nullptr;
  }
  for (uint64_t p = region.phys & ~(layout::kLargePageSize - 1); p < region.phys + region.size;
       p += layout::kLargePageSize) {
    if (!write_back_page(&region, p)) {
      kprintf("shm0: region at 0x%lx shares a 2 MiB page with device registers: not using it\n",
              region.phys);
      return nullptr;
    }
  }
  void* base = layout::phys_to_virt(region.phys);
  void* block = kheap::allocate(sizeof(ShmNetDevice));
  if (block == nullptr) return nullptr;
  auto* dev = new (block) ShmNetDevice();
  dev->base_ = base;
  dev->phys_ = region.phys;
  dev->size_ = region.size;
  shmem::ShmemError e = shmem::guest_attach(base, region.size, &dev->rings_);
  if (e != shmem::ShmemError::kNone) {
    kprintf("shm0: cannot attach: %s\n", shmem::shmem_error_name(e));
    shmem::guest_announce_stopped(base, e);
    dev->~ShmNetDevice();
    kheap::release(block, sizeof(ShmNetDevice));
    return nullptr;
  }
  shmem::guest_announce_ready(base, 0);
  return dev;
}

void ShmNetDevice::stop(shmem::ShmemError why, const char* where) {
  if (broken_) return;
  broken_ = true;
  kprintf("shm0: %s ring broken (%s): interface stopped\n", where, shmem::shmem_error_name(why));
  shmem::guest_announce_stopped(base_, why);
}

int64_t ShmNetDevice::hand_over(uint32_t pid) {
  if (broken_) return -err::kIo;
  if (holder_.take(pid) != RingHolder::Take::kTaken) return -err::kBusy;
  kprintf("shm0: rings handed to process %u: the kernel stops using them\n", pid);
  return 0;
}

bool ShmNetDevice::take_back(uint32_t pid) {
  if (!holder_.give_back(pid)) return false;
  if (broken_) return true;
  // A process that broke the rings (a bad index, garbage) made the host
  // stop the device: the kernel's shm0 stays down, and the next taker gets
  // -EIO (docs/ARCHITECTURE.md §5).
  if (shmem::ShmemError why = shmem::host_failure(base_); why != shmem::ShmemError::kNone) {
    stop(why, "host");
    return true;
  }
  shmem::ShmemError e = shmem::guest_attach(base_, size_, &rings_);
  if (e != shmem::ShmemError::kNone) {
    stop(e, "re-attach");
    return true;
  }
  // A process that detached in order announced the guest side stopped, and
  // the host moves no frame until it reads "ready" again (ShmemPump).
  shmem::guest_announce_ready(base_, 0);
  kprintf("shm0: process %u ended: the kernel has the rings again\n", pid);
  return true;
}

bool ShmNetDevice::transmit(const uint8_t* frame, size_t len) {
  // While a process holds the rings, the kernel's frames for shm0 are
  // dropped (as on a link that is down): the process owns the producer index.
  if (broken_ || handed_over() || len > shmem::kMaxFrameSize) return false;
  shmem::RingResult r = rings_.to_host.try_push(frame, static_cast<uint32_t>(len));
  switch (r.status) {
    case shmem::RingStatus::kDone:
      counters_.tx_frames++;
      counters_.tx_bytes += len;
      return true;
    case shmem::RingStatus::kFull: counters_.tx_ring_full++; return false;
    case shmem::RingStatus::kBroken: stop(r.error, "guest-to-host"); return false;
    default: return false;
  }
}

uint32_t ShmNetDevice::poll_rx(uint32_t budget, Deliver deliver, void* ctx) {
  uint32_t n = 0;
  while (!broken_ && !handed_over() && n < budget) {
    shmem::RingResult r = rings_.from_host.try_pop(rx_buffer_, sizeof(rx_buffer_));
    if (r.status == shmem::RingStatus::kBroken) stop(r.error, "host-to-guest");
    if (r.status != shmem::RingStatus::kDone) break;
    counters_.rx_frames++;
    counters_.rx_bytes += r.value;
    deliver(ctx, rx_buffer_, r.value);
    ++n;
  }
  return n;
}

}  // namespace shm
