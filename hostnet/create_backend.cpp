#include "hostnet/create_backend.h"

#include "hostnet/slirp_backend.h"
#include "hostnet/tap_backend.h"

namespace vmm::net {

Result<std::unique_ptr<NetBackend>> create_net_backend(const NetConfig& config) {
  switch (config.kind) {
    case NetConfig::Kind::kUser:
      return std::unique_ptr<NetBackend>(VMM_TRY(SlirpBackend::create(
          config.host_forwards, config.restricted ? GuestReach::kForwardsOnly : GuestReach::kOutside)));
    case NetConfig::Kind::kTap:
      return std::unique_ptr<NetBackend>(VMM_TRY(TapBackend::open(config.tap_ifname)));
    case NetConfig::Kind::kNone:
      break;
  }
  return std::unique_ptr<NetBackend>();
}

}  // namespace vmm::net
