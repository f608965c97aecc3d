#include "devices/shmem/shmem_option.h"

#include <cinttypes>
#include <cstdio>
#include <string>

#include "abi/shmem_ring.h"
#include "hv/core/hex.h"
#include "hv/memory/guest_memory.h"

namespace vmm {

namespace {

constexpr std::string_view kKeys = "size, gpa, poll, max-latency, hostfwd";

struct Given {
  bool size = false, gpa = false, poll = false, max_latency = false;
};

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// Digits in `base` (10 or 16) making up all of `digits`, without overflow.
bool parse_unsigned(std::string_view digits, unsigned base, uint64_t* out) {
  if (digits.empty()) return false;
  uint64_t value = 0;
  for (char c : digits) {
    unsigned d;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
    else return false;
    if (value > (UINT64_MAX - d) / base) return false;
    value = value * base + d;
  }
  *out = value;
  return true;
}

Result<uint64_t> parse_region_size(std::string_view text) {
  auto size = parse_size(std::string(text));
  if (!size.ok()) return make_error("size: " + size.error().message);
  switch (shmem::check_region_size(*size)) {
    case shmem::ShmemError::kNone: return *size;
    case shmem::ShmemError::kRegionTooSmall:
      return make_error("size " + quoted(text) + " is below the minimum 8K (a 4 KiB header page "
                        "and one 2048-byte slot per ring)");
    case shmem::ShmemError::kRegionTooLarge:
      return make_error("size " + quoted(text) + " is above the maximum 1G");
    default:
      return make_error("size " + quoted(text) + " is not a multiple of 4 KiB");
  }
}

Result<uint64_t> parse_address(std::string_view text) {
  uint64_t value = 0;
  bool is_hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  bool parsed = is_hex ? parse_unsigned(text.substr(2), 16, &value) : parse_unsigned(text, 10, &value);
  if (!parsed) return make_error("gpa " + quoted(text) + " is not an address (0x-hex or decimal)");
  if (value % platform::kPageSize != 0)
    return make_error("gpa " + quoted(text) + " is not page-aligned (4 KiB)");
  return value;
}

Result<PollPolicy> parse_policy(std::string_view text) {
  if (text == "busy") return PollPolicy::kBusy;
  if (text == "adaptive") return PollPolicy::kAdaptive;
  return make_error("poll " + quoted(text) + " is neither busy nor adaptive");
}

Result<std::chrono::nanoseconds> parse_max_latency(std::string_view text) {
  auto latency = parse_duration(text);
  if (!latency.ok()) return make_error("max-latency: " + latency.error().message);
  if (*latency < kMinMaxLatency || *latency > kMaxMaxLatency)
    return make_error("max-latency " + quoted(text) + " is outside 1us..100ms");
  return *latency;
}

// Marks `key` as given; an error if it was given before.
Result<void> mark_given(bool& given, std::string_view key) {
  if (given) return make_error(quoted(key) + " is given twice");
  given = true;
  return ok();
}

Result<void> apply_item(std::string_view key, std::string_view value, ShmemDeviceConfig& config,
                        Given& given) {
  if (key == "size") {
    VMM_TRY_VOID(mark_given(given.size, key));
    config.size = VMM_TRY(parse_region_size(value));
  } else if (key == "gpa") {
    VMM_TRY_VOID(mark_given(given.gpa, key));
    config.gpa = VMM_TRY(parse_address(value));
  } else if (key == "poll") {
    VMM_TRY_VOID(mark_given(given.poll, key));
    config.poll.policy = VMM_TRY(parse_policy(value));
  } else if (key == "max-latency") {
    VMM_TRY_VOID(mark_given(given.max_latency, key));
    config.poll.max_latency = VMM_TRY(parse_max_latency(value));
  } else if (key == "hostfwd") {  // the one key that may repeat
    config.host_forwards.push_back(VMM_TRY(net::parse_host_forward(value, net::kShmemForwardTarget)));
  } else {
    return make_error("unknown key " + quoted(key) + " (expected " + std::string(kKeys) + ")");
  }
  return ok();
}

Result<void> apply_item(std::string_view item, ShmemDeviceConfig& config, Given& given) {
  if (item.empty()) return make_error("empty item (two commas in a row, or a comma at an end)");
  size_t eq = item.find('=');
  if (eq == std::string_view::npos) return make_error(quoted(item) + " is not key=value");
  std::string_view value = item.substr(eq + 1);
  if (value.empty()) return make_error(quoted(item.substr(0, eq)) + " has an empty value");
  return apply_item(item.substr(0, eq), value, config, given);
}

Result<void> check_combination(const ShmemDeviceConfig& config, const Given& given) {
  if (!given.size) return make_error("size=SIZE is required");
  if (given.max_latency && config.poll.policy != PollPolicy::kAdaptive)
    return make_error("max-latency applies only to poll=adaptive");
  if (config.gpa + config.size < config.gpa)
    return make_error("region at gpa " + hex(config.gpa) + " wraps around the address space");
  return ok();
}

}  // namespace

Result<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  uint64_t count = 0;
  if (digits == 0) return make_error("duration " + quoted(text) + " does not start with a number");
  if (!parse_unsigned(text.substr(0, digits), 10, &count))
    return make_error("duration " + quoted(text) + " is too large");
  std::string_view unit = text.substr(digits);
  uint64_t ns_per_unit;
  if (unit == "ns") ns_per_unit = 1;
  else if (unit == "us") ns_per_unit = 1000;
  else if (unit == "ms") ns_per_unit = 1000 * 1000;
  else if (unit == "s") ns_per_unit = 1000 * 1000 * 1000;
  else if (unit.empty()) return make_error("duration " + quoted(text) + " needs a unit (ns, us, ms, s)");
  else return make_error("duration " + quoted(text) + " has an unknown unit (ns, us, ms, s)");
  if (count > static_cast<uint64_t>(INT64_MAX) / ns_per_unit)
    return make_error("duration " + quoted(text) + " is too large");
  return std::chrono::nanoseconds(static_cast<int64_t>(count * ns_per_unit));
}

Result<ShmemDeviceConfig> parse_shmem_option(std::string_view text) {
  if (text.empty()) return make_error("empty value; expected size=SIZE[,gpa=ADDR][,poll=busy|adaptive]"
                                      "[,max-latency=DURATION]");
  ShmemDeviceConfig config;
  Given given;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    VMM_TRY_VOID(apply_item(item, config, given));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  VMM_TRY_VOID(check_combination(config, given));
  return config;
}

}  // namespace vmm
