#include "bench/qemu/qmp_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

namespace vmm::bench {

namespace {

int ms_left(Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1000));
}

bool expired(Deadline deadline) { return std::chrono::steady_clock::now() >= deadline; }

// Waits for `events` on fd until the deadline: 1 ready, 0 timeout, -1 error.
int wait_fd(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int r = poll(&p, 1, ms_left(deadline));
    if (r > 0) return 1;
    if (r < 0 && errno != EINTR) return -1;
    if (r == 0 && expired(deadline)) return 0;
  }
}

}  // namespace

Result<QmpClient> QmpClient::connect(const std::string& path, Deadline deadline,
                                     const std::function<bool()>& gave_up) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    return make_error("QMP socket path too long for a unix socket: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  for (;;) {
    FileDescriptor fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return make_error(std::string("socket(AF_UNIX): ") + std::strerror(errno));
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0)
      return QmpClient(std::move(fd));
    int e = errno;
    if (e != ENOENT && e != ECONNREFUSED)
      return make_error("cannot connect to QMP socket " + path + ": " + std::strerror(e));
    if (gave_up()) return make_error("QMP socket " + path + " never accepted a connection");
    if (expired(deadline))
      return make_error("timed out waiting for QEMU's QMP socket " + path + ": " +
                        std::strerror(e));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Error QmpClient::fail(QmpFailure why, std::string message) {
  failure_ = why;
  return make_error(std::move(message));
}

Result<QmpMessage> QmpClient::next_message(Deadline deadline) {
  for (;;) {
    if (auto line = buffer_.next_line()) {
      auto message = parse_qmp_message(*line);
      if (!message) return fail(QmpFailure::kOther, message.error().message);
      return message;
    }
    int ready = wait_fd(fd_.get(), POLLIN, deadline);
    if (ready == 0) return fail(QmpFailure::kTimeout, "QMP: timed out waiting for QEMU");
    if (ready < 0)
      return fail(QmpFailure::kOther, std::string("QMP: poll: ") + std::strerror(errno));
    char buf[8192];
    ssize_t n = recv(fd_.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != ECONNRESET)
      return fail(QmpFailure::kOther, std::string("QMP: recv: ") + std::strerror(errno));
    if (n <= 0) return fail(QmpFailure::kClosed, "QMP: QEMU closed the connection");
    buffer_.append(std::string_view(buf, static_cast<size_t>(n)));
  }
}

Result<void> QmpClient::send_line(const std::string& line, Deadline deadline) {
  std::string data = line + "\r\n";
  size_t sent = 0;
  while (sent < data.size()) {
    int ready = wait_fd(fd_.get(), POLLOUT, deadline);
    if (ready == 0) return fail(QmpFailure::kTimeout, "QMP: timed out sending to QEMU");
    ssize_t n = ready < 0 ? -1
                          : send(fd_.get(), data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
      return fail(QmpFailure::kClosed, "QMP: QEMU closed the connection");
    if (n < 0) return fail(QmpFailure::kOther, std::string("QMP: send: ") + std::strerror(errno));
    sent += static_cast<size_t>(n);
  }
  return ok();
}

Result<std::string> QmpClient::handshake(Deadline deadline) {
  auto greeting = next_message(deadline);
  if (!greeting)
    return fail(failure_, "QMP handshake failed: no greeting: " + greeting.error().message);
  if (greeting->kind != QmpKind::kGreeting)
    return fail(QmpFailure::kOther, "QMP handshake failed: the first message is no greeting");
  auto negotiated = execute("qmp_capabilities", nlohmann::json::object(), deadline);
  if (!negotiated) return fail(failure_, "QMP handshake failed: " + negotiated.error().message);
  return qmp_greeting_version(*greeting);
}

Result<nlohmann::json> QmpClient::execute(const std::string& command,
                                          const nlohmann::json& arguments, Deadline deadline) {
  nlohmann::json id = "vmm-bench-" + std::to_string(next_id_++);
  nlohmann::json request = {{"execute", command}, {"id", id}};
  if (!arguments.empty()) request["arguments"] = arguments;
  if (auto sent = send_line(request.dump(), deadline); !sent)
    return Error{command + ": " + sent.error().message};
  for (;;) {
    auto message = next_message(deadline);
    if (!message) return Error{command + ": " + message.error().message};
    if (message->kind == QmpKind::kEvent) {
      events_.push_back(std::move(*message));
      continue;
    }
    if (message->id != id) continue;  // a reply to a command we gave up on
    if (message->kind == QmpKind::kReturn) return std::move(message->body);
    return fail(QmpFailure::kCommandError, "QMP command " + command + " failed: " +
                                               message->error_class + ": " + message->error_desc);
  }
}

Result<QmpMessage> QmpClient::wait_for_event(const std::vector<std::string>& names,
                                             Deadline deadline) {
  auto wanted = [&](const QmpMessage& m) {
    return std::find(names.begin(), names.end(), m.event) != names.end();
  };
  while (!events_.empty()) {
    QmpMessage m = std::move(events_.front());
    events_.pop_front();
    if (wanted(m)) return m;
  }
  for (;;) {
    auto message = next_message(deadline);
    if (!message) return message;
    if (message->kind == QmpKind::kEvent && wanted(*message)) return message;
  }
}

}  // namespace vmm::bench
