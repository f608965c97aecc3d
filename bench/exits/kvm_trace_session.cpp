#include "bench/exits/kvm_trace_session.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
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

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

std::string enable_file(KvmEvent e) { return std::string("events/kvm/") + kvm_event_name(e) + "/enable"; }

bool any_overrun(const std::string& root) {
  for (int cpu = 0; cpu < 4096; ++cpu) {
    std::ifstream stats(root + "/per_cpu/cpu" + std::to_string(cpu) + "/stats");
    if (!stats) break;
    for (std::string line; std::getline(stats, line);)
      if (line.rfind("overrun: ", 0) == 0 && parse_u64(line.substr(9)) > 0) return true;
  }
  return false;
}

}  // namespace

std::map<std::string, uint64_t> count_reasons(const std::vector<KvmTraceEvent>& events,
                                              const std::vector<TimeWindow>& windows) {
  std::map<std::string, uint64_t> counts;
  for (const auto& e : events) {
    if (e.kind != KvmEvent::kExit) continue;
    for (const auto& w : windows)
      if (e.time_ns >= w.start_ns && e.time_ns < w.end_ns) {
        ++counts[e.text];
        break;
      }
  }
  return counts;
}

// tracefs lives at /sys/kernel/tracing since Linux 4.1; a system that
// never mounted it has the empty directory only.
Result<void> KvmTraceSession::mount_if_needed() {
  if (exists(root_ + "/trace")) return ok();
  struct stat st {};
  if (stat(root_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return make_error("tracefs: no directory " + root_ + " to mount it on");
  if (mount("nodev", root_.c_str(), "tracefs", 0, nullptr) != 0)
    return make_error("tracefs: not mounted at " + root_ + ", and mounting it failed: " + std::strerror(errno) +
                      (errno == EPERM ? " (needs root: CAP_SYS_ADMIN)" : ""));
  mounted_ = true;
  return ok();
}

Result<void> KvmTraceSession::set(const std::string& file, const std::string& value) {
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

Result<std::unique_ptr<KvmTraceSession>> KvmTraceSession::start(const std::string& tracefs) {
  std::unique_ptr<KvmTraceSession> s(new KvmTraceSession(tracefs));
  s->lock_ = VMM_TRY(TracefsLock::take());  // before anything changes (tracefs_lock.h)
  VMM_TRY_VOID(s->mount_if_needed());
  for (KvmEvent e : kAllKvmEvents) {
    if (exists(tracefs + "/" + enable_file(e))) s->enabled_.insert(e);
    else s->missing_.push_back(kvm_event_name(e));
  }
  if (s->enabled_.empty()) return make_error("tracefs: no kvm events under " + tracefs + "/events/kvm");
  std::string probe = tracefs + "/" + enable_file(*s->enabled_.begin());
  if (access(probe.c_str(), W_OK) != 0) return make_error("tracefs: " + probe + " is not writable");
  // Order matters: the buffer and clock first (both clear the buffer), the
  // pid filter, then the events themselves.
  std::vector<std::pair<std::string, std::string>> settings = {{"tracing_on", "0"},
                                                               {"buffer_size_kb", kBufferSizeKb},
                                                               {"trace_clock", "mono"},
                                                               {"options/event-fork", "1"},
                                                               {"set_event_pid", std::to_string(getpid())}};
  for (KvmEvent e : s->enabled_) settings.emplace_back(enable_file(e), "1");
  settings.emplace_back("tracing_on", "1");
  for (const auto& [file, value] : settings) VMM_TRY_VOID(s->set(file, value));
  std::ofstream(tracefs + "/trace", std::ios::trunc);  // empties the buffer
  return s;
}

Result<KvmTrace> KvmTraceSession::stop() {
  std::ofstream(root_ + "/tracing_on") << "0";
  KvmTrace trace;
  trace.enabled = enabled_;
  trace.overrun = any_overrun(root_);
  std::ifstream in(root_ + "/trace");
  if (!in) return make_error("tracefs: cannot read " + root_ + "/trace");
  for (std::string line; std::getline(in, line);)
    if (auto e = parse_kvm_trace_line(line)) trace.events.push_back(std::move(*e));
  in.close();  // an open file keeps tracefs busy: restore() may unmount it
  restore();
  return trace;
}

// Back to what start() found, newest setting first; then unmounts what
// start() mounted.
void KvmTraceSession::restore() {
  if (stopped_) return;
  stopped_ = true;
  for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) std::ofstream(root_ + "/" + it->first, std::ios::trunc) << it->second;
  if (mounted_ && umount2(root_.c_str(), 0) != 0) umount2(root_.c_str(), MNT_DETACH);
}

KvmTraceSession::~KvmTraceSession() { restore(); }

}  // namespace vmm::bench
