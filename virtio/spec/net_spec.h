// The network device's part of the specification (virtio 1.2 §5.1): its
// feature bits, configuration layout and the header in front of every frame.
#pragma once

#include <cstdint>

#include "virtio/spec/virtio_constants.h"

namespace vmm::virtio::net_spec {

// Feature bits (virtio 1.2 §5.1.3).
inline constexpr uint64_t kFeatureMac = feature(5);          // VIRTIO_NET_F_MAC
inline constexpr uint64_t kFeatureMergeRxBuffers = feature(15);  // VIRTIO_NET_F_MRG_RXBUF
inline constexpr uint64_t kFeatureStatus = feature(16);      // VIRTIO_NET_F_STATUS

// Queues of a device without VIRTIO_NET_F_MQ (virtio 1.2 §5.1.2).
inline constexpr uint16_t kReceiveQueue = 0;
inline constexpr uint16_t kTransmitQueue = 1;
inline constexpr uint16_t kQueueCount = 2;

// Configuration layout (virtio 1.2 §5.1.4); the fields past `status` only
// exist with features this device does not offer.
struct Config {
  uint8_t mac[6];
  uint16_t status;               // VIRTIO_NET_S_*, valid with VIRTIO_NET_F_STATUS
  uint16_t max_virtqueue_pairs;  // valid with VIRTIO_NET_F_MQ; 1 here
};
static_assert(sizeof(Config) == 10);
inline constexpr uint16_t kStatusLinkUp = 1;  // VIRTIO_NET_S_LINK_UP

// The header in front of each frame on both queues (virtio 1.2 §5.1.6). With
// VIRTIO_F_VERSION_1 it always includes num_buffers, so it is 12 bytes.
struct Header {
  uint8_t flags;
  uint8_t gso_type;
  uint16_t hdr_len;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
  uint16_t num_buffers;  // chains holding this received frame (MRG_RXBUF)
};
static_assert(sizeof(Header) == 12);
inline constexpr uint8_t kGsoNone = 0;  // VIRTIO_NET_HDR_GSO_NONE

}  // namespace vmm::virtio::net_spec
