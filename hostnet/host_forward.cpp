#include "hostnet/host_forward.h"

#include <arpa/inet.h>

#include <optional>

namespace vmm::net {

namespace {

constexpr const char* kForm = "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT";

Error forward_error(const ForwardTarget& target, std::string_view text, const std::string& why) {
  return make_error(std::string(target.error_prefix) + "hostfwd '" + std::string(text) + "': " + why +
                    " (expected " + kForm + ")");
}

std::optional<uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

std::optional<uint32_t> parse_ipv4(std::string_view text) {
  // inet_pton reads a C string: an embedded NUL (a TOML string may hold one)
  // would cut the text short and accept "127.0.0.1\0junk".
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  in_addr addr{};
  if (inet_pton(AF_INET, std::string(text).c_str(), &addr) != 1) return std::nullopt;
  return ntohl(addr.s_addr);
}

struct Endpoint {
  uint32_t addr;
  uint16_t port;
};

// "ADDR:PORT", ":PORT" or "PORT"; `side` names it in errors.
Result<Endpoint> parse_endpoint(const ForwardTarget& target, std::string_view full, std::string_view text,
                                uint32_t default_addr, const char* side) {
  std::string_view addr_text, port_text = text;
  if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    addr_text = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  Endpoint endpoint{default_addr, 0};
  if (!addr_text.empty()) {
    auto addr = parse_ipv4(addr_text);
    if (!addr)
      return forward_error(target, full, std::string(side) + " address '" + std::string(addr_text) +
                                     "' is not an IPv4 address");
    endpoint.addr = *addr;
  }
  auto port = parse_port(port_text);
  if (!port)
    return forward_error(target, full, std::string(side) + " port '" + std::string(port_text) +
                                   "' is not a number from 1 to 65535");
  endpoint.port = *port;
  return endpoint;
}

}  // namespace

Result<HostForward> parse_host_forward(std::string_view text, const ForwardTarget& target) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return forward_error(target, text, "no protocol");
  std::string_view protocol = text.substr(0, colon);
  HostForward forward;
  if (protocol == "udp") forward.protocol = Protocol::kUdp;
  else if (protocol != "tcp" && !protocol.empty())
    return forward_error(target, text, "protocol '" + std::string(protocol) + "' is not tcp or udp");
  std::string_view rest = text.substr(colon + 1);
  auto dash = rest.find('-');
  if (dash == std::string_view::npos) return forward_error(target, text, "no '-' between host and guest");
  Endpoint host =
      VMM_TRY(parse_endpoint(target, text, rest.substr(0, dash), kDefaultForwardHostAddr, "host"));
  Endpoint guest =
      VMM_TRY(parse_endpoint(target, text, rest.substr(dash + 1), target.default_guest, "guest"));
  if ((guest.addr & target.netmask) != target.network)
    return forward_error(target, text, "guest address " + ipv4_to_string(guest.addr) +
                                           " is outside the user network " + ipv4_to_string(target.network) +
                                           "/24");
  forward.host_addr = host.addr;
  forward.host_port = host.port;
  forward.guest_addr = guest.addr;
  forward.guest_port = guest.port;
  return forward;
}

std::string ipv4_to_string(uint32_t addr) {
  return std::to_string(addr >> 24) + "." + std::to_string((addr >> 16) & 0xff) + "." +
         std::to_string((addr >> 8) & 0xff) + "." + std::to_string(addr & 0xff);
}

std::string describe(const HostForward& forward) {
  return std::string(forward.protocol == Protocol::kUdp ? "udp " : "tcp ") +
         ipv4_to_string(forward.host_addr) + ":" + std::to_string(forward.host_port) + " -> " +
         ipv4_to_string(forward.guest_addr) + ":" + std::to_string(forward.guest_port);
}

}  // namespace vmm::net
