// virtio-net: probing and initialization (virtio 1.2 §3.1.1, §4.2.3,
// §5.1.5), configuration space and the interrupt acknowledgement. The data
// path is in virtio_net_driver_rx.cpp and virtio_net_driver_tx.cpp.
#include "dev/virtio/virtio_net_driver.h"

#include <new>  // placement new (freestanding)

#include "arch/x86/include/layout.h"
#include "kernel/console.h"
#include "lib/kstring.h"
#include "mm/pmm.h"

namespace virtio {

namespace {

// The features this driver understands (§6, §5.1.3). INDIRECT_DESC is not
// needed: every buffer is one descriptor.
constexpr uint64_t kWantedFeatures = kFeatureVersion1 | net_spec::kFeatureMac | net_spec::kFeatureStatus |
                                     net_spec::kFeatureMergeRxBuffers | kFeatureEventIdx;

// Without VIRTIO_NET_F_MAC the driver picks its own address (§5.1.5 step
// 3: "Otherwise, the driver SHOULD generate a random MAC address"): a fixed
// locally administered one (bit 1 of the first octet, IEEE 802), so runs
// are reproducible.
constexpr net::MacAddress kFallbackMac = {{0x02, 0x76, 0x6d, 0x6d, 0x00, 0x01}};

uint32_t frames_for(uint64_t bytes) {
  return static_cast<uint32_t>((bytes + layout::kPageSize - 1) / layout::kPageSize);
}

// The largest power of 2 <= min(max, kMaxSize): split queue sizes are
// powers of 2 (§2.7), whatever QueueNumMax says.
uint16_t queue_size_for(uint32_t max) {
  uint32_t size = Virtqueue::kMaxSize;
  while (size > max) size >>= 1;
  return static_cast<uint16_t>(size);
}

}  // namespace

NetDriver::NetDriver(const MmioDeviceInfo& info) : info_(info), transport_(info) {}

NetDriver* NetDriver::create(const MmioDeviceInfo& info) {
  MmioTransport probe(info);
  uint32_t device_id = 0;
  Status s = probe.identify(&device_id);
  if (!s.is_ok()) {
    kprintf("virtio-net: 0x%lx: %s\n", info.phys, s.message());
    return nullptr;
  }
  if (device_id == kDeviceIdNone) return nullptr;  // an empty slot (§4.2.2)
  if (device_id != kDeviceIdNet) {
    kprintf("virtio-net: 0x%lx: device id %u is not a network device\n", info.phys, device_id);
    return nullptr;
  }
  uint64_t phys = pmm::alloc_contiguous(frames_for(sizeof(NetDriver)));
  if (phys == 0) {
    kprintf("virtio-net: 0x%lx: out of memory\n", info.phys);
    return nullptr;
  }
  void* block = layout::phys_to_virt(phys);
  memset(block, 0, frames_for(sizeof(NetDriver)) * layout::kPageSize);
  NetDriver* driver = new (block) NetDriver(info);
  s = driver->initialize();
  if (!s.is_ok()) {
    kprintf("virtio-net: 0x%lx: %s\n", info.phys, s.message());
    destroy(driver);
    return nullptr;
  }
  return driver;
}

// "If any of these steps go irrecoverably wrong, the driver SHOULD set the
// FAILED status bit to indicate that it has given up on the device"
// (§3.1.1). A reset first, so that the device lets go of the rings and
// buffers before they are freed; if it does not finish, they are leaked.
void NetDriver::destroy(NetDriver* driver) {
  bool device_let_go = driver->transport_.reset().is_ok();
  driver->transport_.add_status(kStatusFailed);
  if (device_let_go) driver->release_memory();
  uint64_t phys = reinterpret_cast<uint64_t>(driver) - layout::kDirectMapBase;
  driver->~NetDriver();
  pmm::put_contiguous(phys, frames_for(sizeof(NetDriver)));
}

void NetDriver::release_memory() {
  rx_.release();
  tx_.release();
  if (rx_buffers_) pmm::put_contiguous(rx_buffers_, frames_for(uint64_t{rx_.size()} * kBufferSize));
  if (tx_buffers_) pmm::put_contiguous(tx_buffers_, frames_for(uint64_t{tx_.size()} * kBufferSize));
  if (scratch_) pmm::put_contiguous(scratch_, frames_for(kScratchSize));
  rx_buffers_ = tx_buffers_ = scratch_ = 0;
}

// The initialization sequence of §3.1.1, with the net device's own steps
// (§5.1.5: fill the receive queue, read the MAC).
Status NetDriver::initialize() {
  TRY(transport_.reset());
  transport_.add_status(kStatusAcknowledge);
  transport_.add_status(kStatusDriver);
  TRY(negotiate_features());
  TRY(setup_queue(net_spec::kReceiveQueue, rx_, &rx_buffers_));
  TRY(setup_queue(net_spec::kTransmitQueue, tx_, &tx_buffers_));
  // TX completions are reclaimed in transmit(): no interrupts for them.
  tx_.suppress_interrupts();
  if (mrg_rxbuf_) {
    scratch_ = pmm::alloc_contiguous(frames_for(kScratchSize));
    if (scratch_ == 0) return Status::error("out of memory for the receive scratch buffer");
  }
  // Buffers may be made available before DRIVER_OK, but the device is not
  // notified until after it (§3.1.1: "The driver MUST NOT notify the device
  // before setting DRIVER_OK").
  refill_rx();
  rx_.publish();
  read_config();
  transport_.add_status(kStatusDriverOk);
  uint32_t status = transport_.status();
  if (status & kStatusDeviceNeedsReset) {
    return Status::error("device needs a reset after DRIVER_OK");
  }
  if (!(status & kStatusDriverOk)) return Status::error("device did not accept DRIVER_OK");
  publish_rx();  // the one notification for the buffers posted above
  return Status::ok();
}

Status NetDriver::negotiate_features() {
  uint64_t offered = transport_.device_features();
  // A modern-only driver: without VERSION_1 the device is legacy (§6.1).
  if (!(offered & kFeatureVersion1)) {
    return Status::error("device does not offer VIRTIO_F_VERSION_1");
  }
  features_ = offered & kWantedFeatures;
  mrg_rxbuf_ = features_ & net_spec::kFeatureMergeRxBuffers;
  transport_.set_driver_features(features_);
  transport_.add_status(kStatusFeaturesOk);
  // "The driver MUST re-read device status to ensure the FEATURES_OK bit is
  // still set: otherwise, the device does not support our subset of
  // features and the device is unusable" (§3.1.1 step 6).
  if (!(transport_.status() & kStatusFeaturesOk)) {
    return Status::error("device refused FEATURES_OK");
  }
  return Status::ok();
}

Status NetDriver::setup_queue(uint16_t index, Virtqueue& queue, uint64_t* buffers) {
  uint32_t max = transport_.select_queue(index);
  if (max == 0) return Status::error("queue missing or already in use");
  TRY(queue.init(queue_size_for(max), features_ & kFeatureEventIdx));
  *buffers = pmm::alloc_contiguous(frames_for(uint64_t{queue.size()} * kBufferSize));
  if (*buffers == 0) return Status::error("out of memory for queue buffers");
  transport_.activate_queue(queue.size(), queue.desc_phys(), queue.avail_phys(), queue.used_phys());
  return Status::ok();
}

void NetDriver::read_config() {
  uint64_t f = features_;
  read_config_stable(transport_, [this, f] {
    if (f & net_spec::kFeatureMac) {
      for (uint32_t i = 0; i < 6; ++i) mac_.bytes[i] = transport_.config8(net_spec::kConfigMacOffset + i);
    } else {
      mac_ = kFallbackMac;
    }
    // "If the driver does not negotiate the VIRTIO_NET_F_STATUS feature, it
    // SHOULD assume the link is active" (§5.1.4.2).
    bool up = !(f & net_spec::kFeatureStatus) ||
              (transport_.config16(net_spec::kConfigStatusOffset) & net_spec::kStatusLinkUp) != 0;
    __atomic_store_n(&link_up_, up, __ATOMIC_RELAXED);
  });
}

uint32_t NetDriver::ack_interrupt() {
  uint32_t status = transport_.read(mmio::kRegInterruptStatus);
  if (status == 0) return 0;  // not this device (or already acknowledged)
  // Acknowledging deasserts the level-triggered line; it must happen before
  // the EOI or the interrupt fires again at once (§4.2.2, InterruptACK).
  transport_.write(mmio::kRegInterruptAck, status);
  __atomic_fetch_add(&counters_.interrupts, 1, __ATOMIC_RELAXED);
  if (status & mmio::kInterruptConfigChange) {
    if (features_ & net_spec::kFeatureStatus) {
      read_config_stable(transport_, [this] {
        bool up = (transport_.config16(net_spec::kConfigStatusOffset) & net_spec::kStatusLinkUp) != 0;
        __atomic_store_n(&link_up_, up, __ATOMIC_RELAXED);
      });
    }
    // DEVICE_NEEDS_RESET comes with a configuration change interrupt
    // (§2.1.2); recovering would need a reset and a new set-up.
    if ((transport_.status() & kStatusDeviceNeedsReset) &&
        !__atomic_exchange_n(&needs_reset_reported_, true, __ATOMIC_RELAXED)) {
      kprintf("virtio-net: 0x%lx: device needs a reset; it stopped\n", info_.phys);
    }
  }
  return status;
}

void NetDriver::report_broken_queue(const Virtqueue& queue, const char* name) {
  if (!queue.broken() || broken_reported_) return;
  broken_reported_ = true;
  kprintf("virtio-net: 0x%lx: %s queue: used index ran ahead of the buffers in flight; "
          "queue stopped\n", info_.phys, name);
}

}  // namespace virtio
