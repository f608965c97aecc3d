// QmpClient against a scripted QMP server on a unix socket in a temp dir.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <thread>

#include "bench/qemu/private_temp_dir.h"
#include "bench/qemu/qmp_client.h"
#include "tests/unit/bench_qemu/deadline_helpers.h"

namespace vmm::bench {
namespace {

constexpr const char* kBareGreeting =
    R"({"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": ""}, "capabilities": ["oob"]}})";

// For each command the client sends, the server writes the lines given for
// it, with $ID replaced by the command's id; then it closes.
struct Step {
  std::string command;
  std::vector<std::string> lines;
};

class FakeQmpServer {
 public:
  FakeQmpServer(const std::string& path, std::vector<Step> steps) {
    listener_ = FileDescriptor(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    EXPECT_EQ(bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(listener_.get(), 1), 0);
    thread_ = std::jthread([this, steps = std::move(steps)] { serve(steps); });
  }
  std::vector<std::string> commands_seen() {
    thread_.join();
    return seen_;
  }

 private:
  void serve(const std::vector<Step>& steps) {
    FileDescriptor conn(accept(listener_.get(), nullptr, nullptr));
    write_line(conn.get(), kBareGreeting);
    QmpLineBuffer buffer;
    for (const auto& step : steps) {
      std::optional<std::string> line;
      while (!(line = buffer.next_line())) {
        char buf[1024];
        ssize_t n = read(conn.get(), buf, sizeof buf);
        if (n <= 0) return;
        buffer.append(std::string_view(buf, static_cast<size_t>(n)));
      }
      auto request = nlohmann::json::parse(*line);
      seen_.push_back(request["execute"]);
      EXPECT_EQ(request["execute"], step.command);
      for (auto out : step.lines) {
        if (auto at = out.find("$ID"); at != std::string::npos)
          out.replace(at, 3, request["id"].dump());
        write_line(conn.get(), out);
      }
    }
  }
  static void write_line(int fd, const std::string& line) {
    std::string data = line + "\r\n";
    EXPECT_EQ(write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }

  FileDescriptor listener_;
  std::vector<std::string> seen_;
  std::jthread thread_;
};

using testing::in_seconds;

TEST(QmpClient, HandshakeCommandsAndEventsThatArriveBetween) {
  auto dir = PrivateTempDir::create("qmp-test-");
  ASSERT_TRUE(dir) << dir.error().message;
  std::string path = (*dir)->path() + "/qmp.sock";
  FakeQmpServer server(path, {
      {"qmp_capabilities", {R"({"return": {}, "id": $ID})"}},
      {"cont", {R"({"event": "RESUME", "timestamp": {}})", R"({"return": {}, "id": $ID})",
                R"({"event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-shutdown"}})"}},
      {"query-stats", {R"({"id": $ID, "error": {"class": "CommandNotFound", "desc": "no"}})"}},
  });
  auto client = QmpClient::connect(path, in_seconds(5), [] { return false; });
  ASSERT_TRUE(client) << client.error().message;
  auto version = client->handshake(in_seconds(5));
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(*version, "7.2.22");
  ASSERT_TRUE(client->execute("cont", {}, in_seconds(5)));
  auto shutdown = client->wait_for_event({"SHUTDOWN"}, in_seconds(5));
  ASSERT_TRUE(shutdown) << shutdown.error().message;
  EXPECT_EQ(shutdown->body["reason"], "guest-shutdown");
  auto stats = client->execute("query-stats", {{"target", "vcpu"}}, in_seconds(5));
  ASSERT_FALSE(stats);
  EXPECT_EQ(client->last_failure(), QmpFailure::kCommandError);
  EXPECT_NE(stats.error().message.find("query-stats failed: CommandNotFound"), std::string::npos)
      << stats.error().message;
  auto closed = client->wait_for_event({"SHUTDOWN"}, in_seconds(5));
  ASSERT_FALSE(closed);
  EXPECT_EQ(client->last_failure(), QmpFailure::kClosed);
  EXPECT_EQ(server.commands_seen(),
            (std::vector<std::string>{"qmp_capabilities", "cont", "query-stats"}));
}

TEST(QmpClient, TimesOutWhenNothingComes) {
  auto dir = PrivateTempDir::create("qmp-test-");
  ASSERT_TRUE(dir);
  std::string path = (*dir)->path() + "/qmp.sock";
  FakeQmpServer server(path, {{"qmp_capabilities", {R"({"return": {}, "id": $ID})"}},
                              {"never-sent", {}}});
  auto client = QmpClient::connect(path, in_seconds(5), [] { return false; });
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->handshake(in_seconds(5)));
  auto start = std::chrono::steady_clock::now();
  auto event = client->wait_for_event({"SHUTDOWN"}, start + std::chrono::milliseconds(200));
  ASSERT_FALSE(event);
  EXPECT_EQ(client->last_failure(), QmpFailure::kTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  client = Error{"done"};  // closes the connection, so the server ends
  server.commands_seen();
}

TEST(QmpClient, HandshakeFailsWithoutGreeting) {
  auto dir = PrivateTempDir::create("qmp-test-");
  ASSERT_TRUE(dir);
  std::string path = (*dir)->path() + "/qmp.sock";
  FileDescriptor listener(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener.get(), 1), 0);
  std::jthread server([&] {
    FileDescriptor conn(accept(listener.get(), nullptr, nullptr));
    std::string line = "{\"event\": \"STOP\"}\r\n";
    EXPECT_GT(write(conn.get(), line.data(), line.size()), 0);
  });
  auto client = QmpClient::connect(path, in_seconds(5), [] { return false; });
  ASSERT_TRUE(client);
  auto version = client->handshake(in_seconds(5));
  ASSERT_FALSE(version);
  EXPECT_NE(version.error().message.find("QMP handshake failed"), std::string::npos);
}

TEST(QmpClient, ConnectGivesUpWhenToldTo) {
  auto dir = PrivateTempDir::create("qmp-test-");
  ASSERT_TRUE(dir);
  auto client = QmpClient::connect((*dir)->path() + "/none.sock", in_seconds(5), [] { return true; });
  ASSERT_FALSE(client);
  EXPECT_NE(client.error().message.find("never accepted a connection"), std::string::npos);
}

}  // namespace
}  // namespace vmm::bench
