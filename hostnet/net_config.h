// What `--net` asked for (also the `net` key of a config file):
//   --net user[,hostfwd=RULE]...[,restrict=on|off]
//                                  libslirp user-mode network (the default
//                                  kind: `--net` alone or `--net hostfwd=...`);
//                                  restrict=on (QEMU's option, libslirp's
//                                  SlirpConfig.restricted): the guest reaches
//                                  nothing outside, only DHCP and what the
//                                  host forwards in
//   --net tap,ifname=NAME          a host tap interface
//   --net none                     no network device (the default)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hostnet/host_forward.h"
#include "hv/core/result.h"

namespace vmm::net {

struct NetConfig {
  enum class Kind { kNone, kUser, kTap };
  Kind kind = Kind::kNone;
  std::vector<HostForward> host_forwards;  // kUser
  bool restricted = false;                 // kUser: restrict=on
  std::string tap_ifname;                  // kTap
  bool operator==(const NetConfig&) const = default;
};

// Errors start with "--net" and say what was expected.
Result<NetConfig> parse_net_option(std::string_view text);

const char* kind_name(NetConfig::Kind kind);  // "none", "user", "tap"

}  // namespace vmm::net
