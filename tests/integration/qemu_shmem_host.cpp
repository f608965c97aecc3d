#include "tests/integration/qemu_shmem_host.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "devices/shmem/shmem_region.h"
#include "hostnet/host_forward.h"
#include "hostnet/slirp_backend.h"
#include "hv/core/hex.h"
#include "hv/kvm/file_descriptor.h"

namespace vmm::testing {

namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// Where QEMU's RAM file goes: /dev/shm when it has room for all of it (a
// smaller tmpfs would kill QEMU with SIGBUS once the guest touched the
// rest), else $TMPDIR or /tmp (a disk file shares as well).
std::string ram_folder(uint64_t bytes) {
  struct statvfs fs {};
  if (statvfs("/dev/shm", &fs) == 0 && static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize >= bytes) return "/dev/shm";
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

}  // namespace

Result<std::unique_ptr<QemuShmemHost>> QemuShmemHost::start(const std::vector<std::string>& host_forwards) {
  std::unique_ptr<QemuShmemHost> host(new QemuShmemHost());
  std::string path = ram_folder(kRamBytes) + "/vmm-qemu-ram-XXXXXX";
  FileDescriptor file(mkstemp(path.data()));
  if (file.get() < 0) return make_error(errno_text("mkstemp " + path));
  host->ram_path_ = path;
  if (ftruncate(file.get(), static_cast<off_t>(kRamBytes)) != 0) return make_error(errno_text("ftruncate"));
  void* region = mmap(nullptr, kRegionBytes, PROT_READ | PROT_WRITE, MAP_SHARED, file.get(), static_cast<off_t>(kRegionGpa));
  if (region == MAP_FAILED) return make_error(errno_text("mmap"));
  host->region_ = static_cast<uint8_t*>(region);
  std::span<uint8_t> bytes(host->region_, kRegionBytes);
  PollSettings poll;  // the VMM's default: adaptive, 100 us
  VMM_TRY_VOID(initialise_shmem_header(bytes, poll.max_latency));
  std::vector<net::HostForward> forwards;
  for (const auto& text : host_forwards) forwards.push_back(VMM_TRY(net::parse_host_forward(text, net::kShmemForwardTarget)));
  auto backend = VMM_TRY(net::SlirpBackend::create(net::kShmemUserNetwork, forwards));
  host->network_ = VMM_TRY(ShmemNetAdapter::create(std::move(backend)));
  host->poller_ = VMM_TRY(ShmemPoller::start(VMM_TRY(ShmemEndpoint::attach(bytes)), *host->network_, poll));
  return host;
}

QemuShmemHost::~QemuShmemHost() {
  if (poller_) poller_->stop();
  poller_.reset();
  network_.reset();
  if (region_) munmap(region_, kRegionBytes);
  if (!ram_path_.empty()) unlink(ram_path_.c_str());
}

std::vector<std::string> QemuShmemHost::qemu_machine_args() const {
  return {"-M", "microvm,accel=tcg,memory-backend=ram",
          "-object", "memory-backend-file,id=ram,size=" + std::to_string(kRamBytes) + ",mem-path=" + ram_path_ + ",share=on",
          "-m", std::to_string(kRamBytes >> 20), "-cpu", "max"};
}

std::string QemuShmemHost::kernel_words() {
  return "mem=" + std::to_string(kGuestRam >> 20) + "M shmem=" + std::to_string(kRegionBytes >> 10) + "K@" +
         hex(kRegionGpa);
}

}  // namespace vmm::testing
