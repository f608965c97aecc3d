// Threads confined by each kind's filter, in a child process each (gtest
// death tests): a call the policy does not allow kills the whole process
// with SIGSYS; the calls the policy allows work; opening files fails with
// EACCES instead of killing. This is also how the project checks that a
// forbidden call from a vCPU thread is stopped: the guest itself has no way
// to make the VMM's vCPU thread issue an arbitrary system call, and a hidden
// switch in the VMM to provoke one would be a hole of its own.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "hv/kvm/kvm_uapi.h"
#include "vmm/seccomp/thread_filters.h"

namespace vmm::seccomp {
namespace {

using ::testing::ExitedWithCode;
using ::testing::KilledBySignal;

// Runs `body` on a new thread confined to `kind`'s filter; the process ends
// with `body`'s return value as its status (from that thread: exit_group is
// allowed everywhere).
[[noreturn]] void run_confined(ThreadKind kind, const std::function<int()>& body) {
  auto filters = ThreadFilters::compile();
  if (!filters.ok()) {
    std::fprintf(stderr, "%s\n", filters.error().message.c_str());
    _exit(100);
  }
  std::thread([&] {
    auto installed = filters->install(kind);
    if (!installed.ok()) {
      std::fprintf(stderr, "%s\n", installed.error().message.c_str());
      _exit(101);
    }
    _exit(body());
  }).join();
  _exit(102);
}

class Confinement : public ::testing::Test {
 protected:
  void SetUp() override {
    if (seccomp::kSanitizerBuild) GTEST_SKIP() << "a sanitizer build runs unconfined (vmm/seccomp/CMakeLists.txt)";
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};

// ---- forbidden calls end the process, loudly ----

TEST_F(Confinement, VcpuThreadCreatingASocketKillsTheProcess) {
  EXPECT_EXIT(run_confined(ThreadKind::kVcpu, [] { return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1; }),
              KilledBySignal(SIGSYS), "");
}

TEST_F(Confinement, VcpuThreadStartingAProgramKillsTheProcess) {
  EXPECT_EXIT(run_confined(ThreadKind::kVcpu,
                           [] {
                             char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
                             execv("/bin/true", argv);
                             return 1;
                           }),
              KilledBySignal(SIGSYS), "");
}

TEST_F(Confinement, VcpuThreadIoctlOutsideItsRequestsKillsTheProcess) {
  EXPECT_EXIT(run_confined(ThreadKind::kVcpu,
                           [] {
                             char t[64];
                             return ioctl(STDIN_FILENO, TCGETS, t) == 0 ? 0 : 1;
                           }),
              KilledBySignal(SIGSYS), "");
}

TEST_F(Confinement, ExecutableMemoryKillsTheProcess) {
  EXPECT_EXIT(run_confined(ThreadKind::kVcpu,
                           [] {
                             void* p = mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                             return p == MAP_FAILED ? 1 : 0;
                           }),
              KilledBySignal(SIGSYS), "");
}

TEST_F(Confinement, SignallingAnotherProcessKillsTheProcess) {
  EXPECT_EXIT(run_confined(ThreadKind::kVcpu, [] { return int(syscall(SYS_tgkill, 1, 1, SIGUSR1)); }),
              KilledBySignal(SIGSYS), "");
}

TEST_F(Confinement, DeviceThreadRunningAVcpuKillsTheProcess) {
  EXPECT_EXIT(run_confined(ThreadKind::kDevice, [] { return ioctl(STDIN_FILENO, KVM_RUN, 0) == 0 ? 0 : 1; }),
              KilledBySignal(SIGSYS), "");
}

TEST_F(Confinement, NetworkThreadsOpenOnlyInternetSockets) {
  for (ThreadKind kind : {ThreadKind::kDevice, ThreadKind::kShmemPoller})
    EXPECT_EXIT(run_confined(kind, [] { return socket(AF_NETLINK, SOCK_RAW, 0) >= 0 ? 0 : 1; }),
                KilledBySignal(SIGSYS), "")
        << thread_kind_name(kind);
}

// libslirp's sockets are socket(AF_INET, SOCK_STREAM or SOCK_DGRAM |
// SOCK_CLOEXEC, 0 or IPPROTO_ICMP for pings): any other type, protocol or
// family is a kill, IPv6 included (no user network enables it).
TEST_F(Confinement, NetworkThreadsOpenOnlyTheSocketsLibslirpAsksFor) {
  struct Forbidden {
    int family, type, protocol;
  };
  const Forbidden forbidden[] = {
      {AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP},   // raw ICMP
      {AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW},    // forged IP headers
      {AF_INET, SOCK_STREAM, 0},                          // without CLOEXEC
      {AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP},
      {AF_INET, SOCK_SEQPACKET | SOCK_CLOEXEC, 0},
      {AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0},
      {AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0},
      {AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0},
      {AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0},
  };
  for (ThreadKind kind : {ThreadKind::kDevice, ThreadKind::kShmemPoller})
    for (const Forbidden& f : forbidden)
      EXPECT_EXIT(run_confined(kind, [f] { return socket(f.family, f.type, f.protocol) >= 0 ? 0 : 1; }),
                  KilledBySignal(SIGSYS), "")
          << thread_kind_name(kind) << " family " << f.family << " type " << f.type << " protocol " << f.protocol;
}

// Local sockets: no backend uses one; on the network threads they fail
// with EACCES (GLib's journald writer tries one and copes), elsewhere the
// call kills.
TEST_F(Confinement, NetworkThreadsAreRefusedLocalSocketsWithEacces) {
  for (ThreadKind kind : {ThreadKind::kDevice, ThreadKind::kShmemPoller})
    EXPECT_EXIT(run_confined(kind,
                             [] {
                               for (int type : {int(SOCK_STREAM), SOCK_DGRAM | SOCK_CLOEXEC, int(SOCK_SEQPACKET)})
                                 if (socket(AF_UNIX, type, 0) != -1 || errno != EACCES) return 1;
                               return 0;
                             }),
                ExitedWithCode(0), "")
        << thread_kind_name(kind);
}

TEST_F(Confinement, VcpuAndMainThreadsCreatingALocalSocketKillTheProcess) {
  for (ThreadKind kind : {ThreadKind::kVcpu, ThreadKind::kMain})
    EXPECT_EXIT(run_confined(kind, [] { return socket(AF_UNIX, SOCK_STREAM, 0) >= 0 ? 0 : 1; }),
                KilledBySignal(SIGSYS), "")
        << thread_kind_name(kind);
}

TEST_F(Confinement, ShmemPollerRaisingAnInterruptKillsTheProcess) {
  EXPECT_EXIT(run_confined(ThreadKind::kShmemPoller, [] { return ioctl(STDIN_FILENO, KVM_IRQ_LINE, 0) == 0 ? 0 : 1; }),
              KilledBySignal(SIGSYS), "");
}

TEST_F(Confinement, MainThreadCreatingASocketKillsTheProcess) {
  EXPECT_EXIT(run_confined(ThreadKind::kMain, [] { return socket(AF_INET, SOCK_DGRAM, 0) >= 0 ? 0 : 1; }),
              KilledBySignal(SIGSYS), "");
}

// ---- allowed calls work ----

void ignore_signal(int) {}

// What every confined thread does all the time: allocate (large and small),
// lock and wait on another thread, read clocks, sleep, log, kick itself.
int runtime_calls() {
  std::vector<std::vector<char>> blocks;
  for (int i = 0; i < 64; ++i) blocks.emplace_back(size_t(1) << (i % 22), 'x');
  blocks.clear();
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  {
    std::unique_lock lock(mutex);
    done = true;
    cv.notify_all();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
  (void)std::chrono::steady_clock::now();
  (void)std::chrono::system_clock::now();
  std::fprintf(stderr, "confined thread logs\n");
  if (pthread_kill(pthread_self(), SIGUSR1) != 0) return 2;
  return done ? 0 : 3;
}

TEST_F(Confinement, RuntimeCallsWorkOnEveryKind) {
  struct sigaction action {};
  action.sa_handler = ignore_signal;
  sigaction(SIGUSR1, &action, nullptr);
  for (ThreadKind kind : kAllThreadKinds)
    EXPECT_EXIT(run_confined(kind, runtime_calls), ExitedWithCode(0), "confined thread logs")
        << thread_kind_name(kind);
}

TEST_F(Confinement, VcpuRequestsPassTheFilterEvenSignExtended) {
  int fd = open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  // /dev/null is no vCPU: the call fails with ENOTTY, which shows the filter
  // let it through.
  EXPECT_EXIT(run_confined(ThreadKind::kVcpu,
                           [fd] {
                             kvm_regs regs;
                             unsigned long sign_extended = static_cast<unsigned long>(static_cast<long>(
                                 static_cast<int>(KVM_GET_REGS)));
                             if (ioctl(fd, KVM_RUN, 0) != -1 || errno != ENOTTY) return 1;
                             if (ioctl(fd, sign_extended, &regs) != -1 || errno != ENOTTY) return 2;
                             if (ioctl(fd, KVM_IRQ_LINE, nullptr) != -1) return 3;
                             char stats[8];
                             if (pread(fd, stats, sizeof stats, 0) != 0) return 4;
                             return 0;
                           }),
              ExitedWithCode(0), "");
}

TEST_F(Confinement, OpeningFilesFailsWithEaccesInsteadOfKilling) {
  for (ThreadKind kind : kAllThreadKinds)
    EXPECT_EXIT(run_confined(kind, [] { return open("/etc/hostname", O_RDONLY) == -1 && errno == EACCES ? 0 : 1; }),
                ExitedWithCode(0), "")
        << thread_kind_name(kind);
}

// No thread reads a file after set-up, the network threads included
// (libslirp's /etc/resolv.conf is read before, slirp_resolver.h): the
// user database stays shut, read or written, whatever the flags.
TEST_F(Confinement, NoKindOpensTheUserDatabase) {
  for (ThreadKind kind : kAllThreadKinds)
    EXPECT_EXIT(run_confined(kind,
                             [] {
                               for (int flags : {O_RDONLY, O_RDONLY | O_CLOEXEC, O_RDONLY | O_NOFOLLOW, O_PATH,
                                                 O_WRONLY, O_RDWR})
                                 if (openat(AT_FDCWD, "/etc/passwd", flags) != -1 || errno != EACCES) return 1;
                               // The raw call, as code that bypasses glibc would make it.
                               if (syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY) != -1 || errno != EACCES)
                                 return 2;
                               return 0;
                             }),
                ExitedWithCode(0), "")
        << thread_kind_name(kind);
}

TEST_F(Confinement, NetworkThreadsNeverWriteFilesAndStillStatAndUseSockets) {
  std::string path = ::testing::TempDir() + "seccomp_must_not_exist";
  for (ThreadKind kind : {ThreadKind::kDevice, ThreadKind::kShmemPoller})
    EXPECT_EXIT(run_confined(kind,
                             [&path] {
                               // libslirp's check whether /etc/resolv.conf changed.
                               struct stat st;
                               if (stat("/etc/hostname", &st) != 0) return 3;
                               for (int flags : {O_WRONLY, O_RDWR, O_RDONLY | O_CREAT, O_RDONLY | O_TRUNC,
                                                 O_RDONLY | O_APPEND})
                                 if (open(path.c_str(), flags, 0600) != -1 || errno != EACCES) return 4;
                               for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
                                 int s = socket(AF_INET, type | SOCK_CLOEXEC, 0);
                                 if (s < 0) return 5;
                                 close(s);
                               }
                               // A ping socket: the kernel may refuse it
                               // (net.ipv4.ping_group_range), the filter not.
                               int ping = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
                               if (ping < 0 && errno != EACCES) return 6;
                               if (ping >= 0) close(ping);
                               return 0;
                             }),
                ExitedWithCode(0), "")
        << thread_kind_name(kind);
  EXPECT_NE(access(path.c_str(), F_OK), 0);
}

// glibc opens /proc/sys/vm/overcommit_memory when a thread's heap first
// shrinks and /sys/devices/system/cpu/online when a 9th arena is needed,
// on whatever thread gets there: with the filters refusing opens (EACCES),
// forty confined allocating threads live.
TEST_F(Confinement, GlibcsLazyFileReadsDoNotKillConfinedThreads) {
  EXPECT_EXIT(
      {
        auto filters = ThreadFilters::compile();
        if (!filters.ok()) _exit(100);
        std::vector<std::thread> threads;
        std::atomic<int> failed{0};
        for (int i = 0; i < 40; ++i)
          threads.emplace_back([&] {
            if (!filters->install(ThreadKind::kVcpu).ok()) failed++;
            std::vector<void*> blocks;
            for (int k = 0; k < 64; ++k) blocks.push_back(std::malloc(60000));
            for (void* p : blocks) std::free(p);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          });
        for (auto& t : threads) t.join();
        _exit(failed.load());
      },
      ExitedWithCode(0), "");
}

}  // namespace
}  // namespace vmm::seccomp
