#include "bench/timed_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

namespace vmm::bench {

namespace {

double now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

pid_t spawn(const std::vector<std::string>& argv, int out_fd) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int devnull = open("/dev/null", O_RDWR);
  dup2(devnull, 0);
  dup2(out_fd, 1);
  dup2(out_fd, 2);  // the VMM's own error lines belong in the record too
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

}  // namespace

TimedRun run_timed(const std::vector<std::string>& argv, const std::string& marker,
                   double timeout_s, const std::function<void(int pid)>& every_second) {
  TimedRun run;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return run;
  double start = now_ms();
  pid_t pid = spawn(argv, pipe_fds[1]);
  close(pipe_fds[1]);
  pollfd fd{pipe_fds[0], POLLIN, 0};
  double next_tick = start + 1000;
  for (;;) {
    double now = now_ms();
    double left = timeout_s * 1e3 - (now - start);
    if (left <= 0) {
      run.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    if (every_second && now >= next_tick) {
      every_second(pid);
      next_tick += 1000;
    }
    double wait = every_second ? std::min(left, std::max(next_tick - now, 1.0)) : left;
    if (poll(&fd, 1, static_cast<int>(wait) + 1) <= 0) continue;
    char buf[4096];
    ssize_t n = read(pipe_fds[0], buf, sizeof buf);
    if (n <= 0) break;
    run.output.append(buf, static_cast<size_t>(n));
    if (!run.marker_ms && run.output.find(marker) != std::string::npos)
      run.marker_ms = now_ms() - start;
  }
  close(pipe_fds[0]);
  int wstatus = 0;
  rusage usage{};
  wait4(pid, &wstatus, 0, &usage);
  run.exit_ms = now_ms() - start;
  run.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  run.peak_rss_kib = usage.ru_maxrss;
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  run.cpu_ms = ms(usage.ru_utime) + ms(usage.ru_stime);
  return run;
}

}  // namespace vmm::bench
