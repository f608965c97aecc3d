#include "hv/bus/bus.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace vmm {

namespace {

std::string describe(const std::string& name, uint64_t base, uint64_t end) {
  char buf[96];
  std::snprintf(buf, sizeof buf, " [0x%" PRIx64 ", 0x%" PRIx64 ")", base, end);
  return "'" + name + "'" + buf;
}

}  // namespace

Result<void> Bus::insert(uint64_t base, uint64_t size, std::string name,
                         std::shared_ptr<BusDevice> device) {
  if (size == 0 || base + size < base)
    return make_error(name_ + " bus: " + describe(name, base, base + size) + " is empty or wraps");
  if (!device) return make_error(name_ + " bus: no device given for '" + name + "'");
  auto pos = std::lower_bound(ranges_.begin(), ranges_.end(), base,
                              [](const BusRange& r, uint64_t b) { return r.base < b; });
  auto clashes = [&](const BusRange& r) { return base < r.end() && r.base < base + size; };
  if (pos != ranges_.end() && clashes(*pos))
    return make_error(name_ + " bus: " + describe(name, base, base + size) + " overlaps " +
                      describe(pos->name, pos->base, pos->end()));
  if (pos != ranges_.begin() && clashes(*std::prev(pos)))
    return make_error(name_ + " bus: " + describe(name, base, base + size) + " overlaps " +
                      describe(std::prev(pos)->name, std::prev(pos)->base, std::prev(pos)->end()));
  ranges_.insert(pos, BusRange{base, size, std::move(name), std::move(device)});
  return ok();
}

const BusRange* Bus::find(uint64_t addr, uint64_t len) const {
  auto pos = std::upper_bound(ranges_.begin(), ranges_.end(), addr,
                              [](uint64_t a, const BusRange& r) { return a < r.base; });
  if (pos == ranges_.begin()) return nullptr;
  const BusRange& r = *std::prev(pos);
  if (addr + len < addr || addr + len > r.end()) return nullptr;
  return &r;
}

}  // namespace vmm
