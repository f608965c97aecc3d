#include "hostnet/net_config.h"

#include <algorithm>

namespace vmm::net {

namespace {

// Linux interface names are at most IFNAMSIZ - 1 = 15 bytes.
constexpr size_t kMaxIfnameLength = 15;

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    auto comma = text.find(',');
    parts.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return parts;
    text = text.substr(comma + 1);
  }
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// on or off, as QEMU spells restrict=; nothing else (a typo must not leave
// the guest unrestricted).
Result<bool> parse_restrict(std::string_view value) {
  if (value == "on") return true;
  if (value == "off") return false;
  return make_error("--net user: restrict='" + std::string(value) + "' (expected restrict=on or restrict=off)");
}

Result<void> add_user_option(std::string_view option, NetConfig& config) {
  if (starts_with(option, "restrict=")) {
    config.restricted = VMM_TRY(parse_restrict(option.substr(9)));
    return ok();
  }
  if (!starts_with(option, "hostfwd="))
    return make_error("--net user: unknown option '" + std::string(option) +
                      "' (expected hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT or restrict=on|off)");
  HostForward forward = VMM_TRY(parse_host_forward(option.substr(8)));
  for (const HostForward& other : config.host_forwards)
    if (other.protocol == forward.protocol && other.host_addr == forward.host_addr &&
        other.host_port == forward.host_port)
      return make_error("--net: hostfwd " + describe(forward) + ": host port already forwarded");
  config.host_forwards.push_back(forward);
  return ok();
}

Result<void> check_ifname(std::string_view name) {
  bool bad_char = std::any_of(name.begin(), name.end(), [](char c) {
    return c == '/' || c == ':' || c <= ' ' || c > '~';
  });
  if (name.empty() || name.size() > kMaxIfnameLength || bad_char || name == "." || name == "..")
    return make_error("--net tap: ifname '" + std::string(name) +
                      "' is not an interface name (1-15 characters, no '/', ':' or spaces)");
  return ok();
}

Result<void> add_tap_option(std::string_view option, NetConfig& config) {
  if (!starts_with(option, "ifname="))
    return make_error("--net tap: unknown option '" + std::string(option) + "' (expected ifname=NAME)");
  std::string_view name = option.substr(7);
  VMM_TRY_VOID(check_ifname(name));
  config.tap_ifname = name;
  return ok();
}

Result<NetConfig::Kind> parse_kind(std::string_view word) {
  if (word == "user") return NetConfig::Kind::kUser;
  if (word == "tap") return NetConfig::Kind::kTap;
  if (word == "none") return NetConfig::Kind::kNone;
  return make_error("--net: unknown kind '" + std::string(word) + "' (expected user, tap or none)");
}

}  // namespace

Result<NetConfig> parse_net_option(std::string_view text) {
  NetConfig config;
  config.kind = NetConfig::Kind::kUser;  // `--net` alone, or options without a kind
  if (text.empty()) return config;
  std::vector<std::string_view> parts = split_commas(text);
  size_t first_option = 0;
  if (parts[0].find('=') == std::string_view::npos) {
    config.kind = VMM_TRY(parse_kind(parts[0]));
    first_option = 1;
  }
  for (size_t i = first_option; i < parts.size(); ++i) {
    if (parts[i].empty()) return make_error("--net: empty option in '" + std::string(text) + "'");
    switch (config.kind) {
      case NetConfig::Kind::kUser: VMM_TRY_VOID(add_user_option(parts[i], config)); break;
      case NetConfig::Kind::kTap: VMM_TRY_VOID(add_tap_option(parts[i], config)); break;
      case NetConfig::Kind::kNone:
        return make_error("--net none: takes no options, got '" + std::string(parts[i]) + "'");
    }
  }
  if (config.kind == NetConfig::Kind::kTap && config.tap_ifname.empty())
    return make_error("--net tap: needs ifname=NAME");
  return config;
}

const char* kind_name(NetConfig::Kind kind) {
  switch (kind) {
    case NetConfig::Kind::kUser: return "user";
    case NetConfig::Kind::kTap: return "tap";
    case NetConfig::Kind::kNone: break;
  }
  return "none";
}

}  // namespace vmm::net
