# The guest's virtio drivers (virtio-mmio transport, split virtqueue,
# virtio-net), for guest/CMakeLists.txt: include(dev/virtio/sources.cmake) and
# add ${GUEST_VIRTIO_SOURCES} to the kernel. Paths relative to guest/.
set(GUEST_VIRTIO_SOURCES
  dev/virtio/mmio_discover.cpp
  dev/virtio/virtio_mmio.cpp
  dev/virtio/driver_queue.cpp
  dev/virtio/virtio_net_driver.cpp
  dev/virtio/virtio_net_driver_rx.cpp
  dev/virtio/virtio_net_driver_tx.cpp
)
