#include "bench/qemu/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

namespace vmm::bench {

namespace {

// In the forked child: only async-signal-safe calls until exec. An exec
// failure's errno goes back through `report` (close-on-exec, so a
// successful exec closes it with nothing written).
[[noreturn]] void exec_child(char* const* argv, pid_t parent, int out, int err, int report) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
    int e = errno;
    (void)!write(report, &e, sizeof e);
    _exit(127);
  }
  execv(argv[0], argv);
  int e = errno;
  (void)!write(report, &e, sizeof e);
  _exit(127);
}

Result<std::pair<FileDescriptor, FileDescriptor>> make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return make_error(std::string("pipe2: ") + std::strerror(errno));
  return std::pair{FileDescriptor(fds[0]), FileDescriptor(fds[1])};
}

}  // namespace

Result<std::unique_ptr<ChildProcess>> ChildProcess::start(const std::vector<std::string>& argv) {
  if (argv.empty()) return make_error("no program to run");
  auto out = VMM_TRY(make_pipe());
  auto err = VMM_TRY(make_pipe());
  auto report = VMM_TRY(make_pipe());
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return make_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0)
    exec_child(args.data(), parent, out.second.get(), err.second.get(), report.second.get());
  out.second.reset();
  err.second.reset();
  report.second.reset();
  int exec_errno = 0;
  ssize_t n;
  do n = read(report.first.get(), &exec_errno, sizeof exec_errno);
  while (n < 0 && errno == EINTR);
  if (n == sizeof exec_errno) {
    waitpid(pid, nullptr, 0);
    return make_error("cannot run '" + argv[0] + "': " + std::strerror(exec_errno));
  }
  return std::unique_ptr<ChildProcess>(
      new ChildProcess(pid, std::move(out.first), std::move(err.first)));
}

ChildProcess::ChildProcess(pid_t pid, FileDescriptor out, FileDescriptor err)
    : pid_(pid),
      collector_([this, o = std::move(out), e = std::move(err)](std::stop_token stop) mutable {
        collect(stop, std::move(o), std::move(e));
      }) {}

ChildProcess::~ChildProcess() {
  if (!status_) {
    kill(pid_, SIGKILL);
    int wstatus = 0;
    while (waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {
    }
  }
  // collector_'s destructor asks it to stop and joins it.
}

// Reads both pipes until both reach EOF or a stop is requested (checked
// every 100 ms, in case a grandchild keeps a pipe open).
void ChildProcess::collect(std::stop_token stop, FileDescriptor out, FileDescriptor err) {
  pollfd fds[2] = {{out.get(), POLLIN, 0}, {err.get(), POLLIN, 0}};
  std::string* sinks[2] = {&out_, &err_};
  int open_fds = 2;
  while (open_fds > 0 && !stop.stop_requested()) {
    if (poll(fds, 2, 100) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds[i].fd = -1;  // poll ignores negative fds
        --open_fds;
        continue;
      }
      std::lock_guard lock(output_mutex_);
      sinks[i]->append(buf, static_cast<size_t>(n));
    }
  }
  output_done_ = true;
}

void ChildProcess::finish_output(Deadline deadline) {
  while (!output_done_ && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  collector_.request_stop();
  if (collector_.joinable()) collector_.join();
}

std::optional<int> ChildProcess::poll_exit() {
  if (status_) return status_;
  int wstatus = 0;
  if (waitpid(pid_, &wstatus, WNOHANG) != pid_) return std::nullopt;
  by_signal_ = WIFSIGNALED(wstatus);
  status_ = by_signal_ ? 128 + WTERMSIG(wstatus) : WEXITSTATUS(wstatus);
  return status_;
}

std::optional<int> ChildProcess::wait_exit(Deadline deadline) {
  for (;;) {
    if (auto status = poll_exit()) return status;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string ChildProcess::out() const {
  std::lock_guard lock(output_mutex_);
  return out_;
}

std::string ChildProcess::err() const {
  std::lock_guard lock(output_mutex_);
  return err_;
}

}  // namespace vmm::bench
