#include "bench/exits/kvm_exit_trace.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace vmm::bench {

namespace {

// Room for about a million events on each CPU: a phase of this suite on a
// host that emulates the guest kernel exits millions of times.
constexpr const char* kBufferSizeKb = "65536";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// trace_clock reads "[local] global mono ...": the one in brackets.
std::string current_choice(const std::string& text) {
  size_t open = text.find('['), close = text.find(']');
  return open == std::string::npos || close == std::string::npos ? trim(text) : text.substr(open + 1, close - open - 1);
}

// buffer_size_kb reads "7 (expanded: 1408)" before first use: the size it
// will have is the expanded one.
std::string buffer_size(const std::string& text) {
  size_t expanded = text.find("expanded: ");
  if (expanded == std::string::npos) return trim(text);
  std::string rest = text.substr(expanded + 10);
  return rest.substr(0, rest.find(')'));
}

uint64_t parse_u64(std::string_view s) {
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// "1234.567890" (seconds, microseconds or finer) into nanoseconds.
uint64_t parse_timestamp_ns(std::string_view s) {
  size_t dot = s.find('.');
  uint64_t seconds = parse_u64(s.substr(0, dot));
  if (dot == std::string_view::npos) return seconds * 1'000'000'000ull;
  std::string_view fraction = s.substr(dot + 1);
  uint64_t ns = 0;
  for (size_t i = 0; i < 9; ++i) ns = ns * 10 + (i < fraction.size() ? static_cast<uint64_t>(fraction[i] - '0') : 0);
  return seconds * 1'000'000'000ull + ns;
}

}  // namespace

std::optional<KvmExitEvent> parse_kvm_exit_line(std::string_view line) {
  constexpr std::string_view kTag = ": kvm_exit: ";
  size_t tag = line.find(kTag);
  if (tag == std::string_view::npos) return std::nullopt;
  // "<task>-<pid> [cpu] flags <timestamp>: kvm_exit: vcpu N reason R rip 0x..."
  std::string_view head = line.substr(0, tag);
  size_t space = head.find_last_of(' ');
  std::string_view timestamp = space == std::string_view::npos ? head : head.substr(space + 1);
  std::string_view body = line.substr(tag + kTag.size());
  constexpr std::string_view kVcpu = "vcpu ", kReason = " reason ", kRip = " rip ";
  if (body.substr(0, kVcpu.size()) != kVcpu) return std::nullopt;
  size_t reason = body.find(kReason), rip = body.find(kRip);
  if (reason == std::string_view::npos || rip == std::string_view::npos || rip < reason) return std::nullopt;
  KvmExitEvent event;
  event.time_ns = parse_timestamp_ns(timestamp);
  event.vcpu = static_cast<uint32_t>(parse_u64(body.substr(kVcpu.size(), reason - kVcpu.size())));
  event.reason = std::string(body.substr(reason + kReason.size(), rip - reason - kReason.size()));
  return event;
}

std::map<std::string, uint64_t> count_reasons(const std::vector<KvmExitEvent>& events,
                                              const std::vector<TimeWindow>& windows) {
  std::map<std::string, uint64_t> counts;
  for (const auto& e : events)
    for (const auto& w : windows)
      if (e.time_ns >= w.start_ns && e.time_ns < w.end_ns) {
        ++counts[e.reason];
        break;
      }
  return counts;
}

Result<void> KvmExitTrace::set(const std::string& file, const std::string& value) {
  std::string path = root_ + "/" + file;
  saved_.emplace_back(file, file == "trace_clock"      ? current_choice(read_file(path))
                            : file == "buffer_size_kb" ? buffer_size(read_file(path))
                                                       : trim(read_file(path)));
  std::ofstream out(path, std::ios::trunc);
  out << value;
  out.flush();
  if (!out) return make_error("tracefs: cannot write " + path);
  return ok();
}

Result<std::unique_ptr<KvmExitTrace>> KvmExitTrace::start(const std::string& tracefs) {
  std::string enable = tracefs + "/events/kvm/kvm_exit/enable";
  if (access(enable.c_str(), F_OK) != 0) return make_error("tracefs: no " + enable + " (not mounted, or no kvm events)");
  if (access(enable.c_str(), W_OK) != 0) return make_error("tracefs: " + enable + " is not writable");
  std::unique_ptr<KvmExitTrace> trace(new KvmExitTrace(tracefs));
  // Order matters: the buffer and clock first (both clear the buffer), the
  // pid filter, then the event itself.
  for (const auto& [file, value] : std::vector<std::pair<std::string, std::string>>{
           {"tracing_on", "0"},
           {"buffer_size_kb", kBufferSizeKb},
           {"trace_clock", "mono"},
           {"options/event-fork", "1"},
           {"set_event_pid", std::to_string(getpid())},
           {"events/kvm/kvm_exit/enable", "1"},
           {"tracing_on", "1"}}) {
    auto r = trace->set(file, value);
    if (!r) return r.take_error();
  }
  std::ofstream(tracefs + "/trace", std::ios::trunc);  // empties the buffer
  return trace;
}

Result<std::vector<KvmExitEvent>> KvmExitTrace::stop(bool* overrun) {
  std::ofstream(root_ + "/tracing_on") << "0";
  *overrun = false;
  for (int cpu = 0; cpu < 4096; ++cpu) {
    std::ifstream stats(root_ + "/per_cpu/cpu" + std::to_string(cpu) + "/stats");
    if (!stats) break;
    for (std::string line; std::getline(stats, line);)
      if (line.rfind("overrun: ", 0) == 0 && parse_u64(line.substr(9)) > 0) *overrun = true;
  }
  std::ifstream in(root_ + "/trace");
  if (!in) return make_error("tracefs: cannot read " + root_ + "/trace");
  std::vector<KvmExitEvent> events;
  for (std::string line; std::getline(in, line);)
    if (auto e = parse_kvm_exit_line(line)) events.push_back(std::move(*e));
  restore();
  return events;
}

// Back to what start() found, newest setting first.
void KvmExitTrace::restore() {
  if (stopped_) return;
  stopped_ = true;
  for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) std::ofstream(root_ + "/" + it->first, std::ios::trunc) << it->second;
}

KvmExitTrace::~KvmExitTrace() { restore(); }

}  // namespace vmm::bench
