#include "vmm/stats/mark_record.h"

#include <algorithm>

namespace vmm {

namespace {

// What one stored name costs besides its characters: the string in names_
// and the map node with its copy as the key (libstdc++: 32-byte strings,
// 48-byte node headers).
constexpr size_t kNameOverhead = 2 * sizeof(std::string) + 48;
constexpr size_t kHeapBlockOverhead = 16;  // glibc malloc's header of a row's words
constexpr uint64_t kNone = 0;  // "no layout", "no error": ids are stored + 1

size_t name_bytes(const std::string& name) {
  return kNameOverhead + (name.size() > 15 ? name.size() + 1 : 0);  // beyond the SSO buffer
}

size_t layout_bytes(const std::vector<uint32_t>& ids) {
  return sizeof(ids) + ids.size() * sizeof(uint32_t);
}

uint64_t region_word(uint32_t name_id, Direction direction) {
  return uint64_t{name_id} | uint64_t{static_cast<uint8_t>(direction)} << 32;
}

}  // namespace

// Row layout, all 64-bit words:
//   nvcpus, then per vCPU: id, kvm_error name id + 1 (0: none), total,
//     nreasons (reason, count)..., npio (region word, count)...,
//     nmmio (region word, count)..., KVM layout id + 1 (0: no counters)
//     and one value per name of that layout;
//   ndevices, then per device: name id, layout id, one value per counter.
class MarkRecord::Encoder {
 public:
  explicit Encoder(MarkRecord& record) : record_(record) {}

  std::vector<uint64_t> encode(const PhaseMark& mark) {
    put(mark.vcpus.size());
    for (const VcpuStats& vcpu : mark.vcpus) encode_vcpu(vcpu);
    put(mark.devices.size());
    for (const DeviceStats& device : mark.devices) encode_device(device);
    return std::move(words_);
  }

 private:
  void put(uint64_t word) { words_.push_back(word); }

  void encode_regions(const std::map<RegionKey, uint64_t>& regions) {
    put(regions.size());
    for (const auto& [key, count] : regions) {
      put(region_word(record_.intern(key.region), key.direction));
      put(count);
    }
  }

  void encode_vcpu(const VcpuStats& vcpu) {
    put(vcpu.id);
    put(vcpu.kvm_error ? record_.intern(*vcpu.kvm_error) + 1 : kNone);
    put(vcpu.vmm.total);
    put(vcpu.vmm.by_reason.size());
    for (const auto& [reason, count] : vcpu.vmm.by_reason) {
      put(reason);
      put(count);
    }
    encode_regions(vcpu.vmm.pio);
    encode_regions(vcpu.vmm.mmio);
    if (vcpu.kvm.empty()) {
      put(kNone);
      return;
    }
    std::vector<std::string> names;
    for (const KvmStat& stat : vcpu.kvm) names.push_back(stat.name);
    put(record_.layout(names) + 1);
    for (const KvmStat& stat : vcpu.kvm) put(stat.value);
  }

  void encode_device(const DeviceStats& device) {
    put(record_.intern(device.name));
    std::vector<std::string> names;
    for (const auto& [name, value] : device.counters) names.push_back(name);
    put(record_.layout(names));
    for (const auto& [name, value] : device.counters) put(value);
  }

  MarkRecord& record_;
  std::vector<uint64_t> words_;
};

class MarkRecord::Decoder {
 public:
  Decoder(const MarkRecord& record, const Row& row) : record_(record), row_(row) {}

  PhaseMark decode() {
    PhaseMark mark{row_.phase, row_.vcpu, row_.host_time_ns, {}, {}};
    mark.vcpus.resize(take());
    for (VcpuStats& vcpu : mark.vcpus) decode_vcpu(vcpu);
    mark.devices.resize(take());
    for (DeviceStats& device : mark.devices) decode_device(device);
    return mark;
  }

 private:
  uint64_t take() { return row_.words.at(next_++); }
  const std::string& name(uint64_t id) const { return record_.names_.at(id); }

  void decode_regions(std::map<RegionKey, uint64_t>& regions) {
    for (uint64_t n = take(); n > 0; --n) {
      uint64_t key = take();
      regions[RegionKey{name(key & 0xffffffff), static_cast<Direction>(key >> 32)}] = take();
    }
  }

  void decode_vcpu(VcpuStats& vcpu) {
    vcpu.id = static_cast<uint32_t>(take());
    if (uint64_t error = take(); error != kNone) vcpu.kvm_error = name(error - 1);
    vcpu.vmm.total = take();
    for (uint64_t n = take(); n > 0; --n) {
      auto reason = static_cast<uint32_t>(take());
      vcpu.vmm.by_reason[reason] = take();
    }
    decode_regions(vcpu.vmm.pio);
    decode_regions(vcpu.vmm.mmio);
    uint64_t layout = take();
    if (layout == kNone) return;
    for (uint32_t id : record_.layouts_.at(layout - 1)) vcpu.kvm.push_back({name(id), take()});
  }

  void decode_device(DeviceStats& device) {
    device.name = name(take());
    for (uint32_t id : record_.layouts_.at(take())) device.counters.emplace_back(name(id), take());
  }

  const MarkRecord& record_;
  const Row& row_;
  size_t next_ = 0;
};

uint32_t MarkRecord::intern(const std::string& name) {
  auto it = name_ids_.find(name);
  if (it != name_ids_.end()) return it->second;
  auto id = static_cast<uint32_t>(names_.size());
  names_.push_back(name);
  name_ids_.emplace(name, id);
  bytes_ += name_bytes(name);
  return id;
}

uint32_t MarkRecord::layout(const std::vector<std::string>& names) {
  std::vector<uint32_t> ids;
  for (const std::string& name : names) ids.push_back(intern(name));
  auto it = std::find(layouts_.begin(), layouts_.end(), ids);
  if (it != layouts_.end()) return static_cast<uint32_t>(it - layouts_.begin());
  bytes_ += layout_bytes(ids);
  layouts_.push_back(std::move(ids));
  return static_cast<uint32_t>(layouts_.size() - 1);
}

// Takes back the names and layouts a refused mark added.
void MarkRecord::forget_from(size_t names, size_t layouts) {
  while (layouts_.size() > layouts) {
    bytes_ -= layout_bytes(layouts_.back());
    layouts_.pop_back();
  }
  while (names_.size() > names) {
    bytes_ -= name_bytes(names_.back());
    name_ids_.erase(names_.back());
    names_.pop_back();
  }
}

bool MarkRecord::append(const PhaseMark& mark) {
  if (closed()) {
    closed_ = true;
    ++dropped_;
    return false;
  }
  size_t names_before = names_.size(), layouts_before = layouts_.size();
  std::vector<uint64_t> words = Encoder(*this).encode(mark);
  // rows_ grows by doubling up to max_marks; its whole capacity counts.
  size_t capacity = rows_.capacity();
  if (rows_.size() == capacity) capacity = std::min(std::max<size_t>(16, 2 * capacity), limits_.max_marks);
  words.shrink_to_fit();
  size_t row_bytes = words.capacity() * sizeof(uint64_t) + kHeapBlockOverhead;
  size_t projected = bytes_ + row_bytes + (capacity - rows_.capacity()) * sizeof(Row);
  if (projected > limits_.max_bytes) {
    forget_from(names_before, layouts_before);
    closed_ = true;
    ++dropped_;
    return false;
  }
  rows_.reserve(capacity);
  bytes_ = projected;
  rows_.push_back({mark.phase, mark.vcpu, mark.host_time_ns, std::move(words)});
  return true;
}

PhaseMark MarkRecord::at(size_t i) const { return Decoder(*this, rows_.at(i)).decode(); }

void MarkRecord::for_each(const std::function<void(const PhaseMark&)>& visit) const {
  for (const Row& row : rows_) visit(Decoder(*this, row).decode());
}

}  // namespace vmm
