// Opening a Linux tap interface: /dev/net/tun plus the TUNSETIFF request,
// which attaches to the interface NAME or creates it. This file holds the
// VMM's only ioctl() outside hv/kvm: TUNSETIFF has no other interface, and
// it is not a KVM call the mock KVM layer would need to see.
#pragma once

#include <string>

#include "hv/core/result.h"
#include "hv/kvm/file_descriptor.h"

namespace vmm::net {

// A non-blocking fd carrying whole Ethernet frames (IFF_TAP | IFF_NO_PI).
// Creating an interface needs CAP_NET_ADMIN; attaching to a persistent one
// made for this user (`ip tuntap add NAME mode tap user USER`) does not. The
// VMM neither addresses the interface nor brings it up.
Result<FileDescriptor> open_tap_interface(const std::string& ifname);

}  // namespace vmm::net
