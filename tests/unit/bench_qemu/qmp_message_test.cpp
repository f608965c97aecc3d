#include <gtest/gtest.h>

#include "bench/qemu/qmp_message.h"

namespace vmm::bench {
namespace {

// Lines as QEMU 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3) sent them to this
// project's probe, microvm running the bundled guest.
constexpr const char* kGreeting =
    R"({"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, )"
    R"("package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}})";
constexpr const char* kShutdown =
    R"({"timestamp": {"seconds": 1796176339, "microseconds": 419574}, "event": "SHUTDOWN", )"
    R"("data": {"guest": true, "reason": "guest-shutdown"}})";
constexpr const char* kStatus =
    R"({"return": {"status": "shutdown", "singlestep": false, "running": false}, "id": "c7"})";
constexpr const char* kNoCommand =
    R"({"id": "c8", "error": {"class": "CommandNotFound", "desc": "The command query-stats has not been found"}})";

TEST(QmpLineBuffer, GivesWholeLinesOnlyAndDropsCrLf) {
  QmpLineBuffer buffer;
  buffer.append("{\"return\": {}}\r\n{\"ev");
  auto first = buffer.next_line();
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "{\"return\": {}}");
  EXPECT_FALSE(buffer.next_line());
  EXPECT_EQ(buffer.pending_bytes(), 4u);
  buffer.append("ent\": \"STOP\"}\r\n");
  auto second = buffer.next_line();
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, "{\"event\": \"STOP\"}");
  EXPECT_FALSE(buffer.next_line());
}

TEST(QmpLineBuffer, SkipsBlankLinesAndAcceptsBareNewline) {
  QmpLineBuffer buffer;
  buffer.append("\r\n  \n{}\n");
  auto line = buffer.next_line();
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "{}");
  EXPECT_FALSE(buffer.next_line());
}

TEST(QmpMessage, GreetingGivesQemuVersion) {
  auto m = parse_qmp_message(kGreeting);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->kind, QmpKind::kGreeting);
  EXPECT_EQ(qmp_greeting_version(*m), "7.2.22");
}

TEST(QmpMessage, EventHasNameAndData) {
  auto m = parse_qmp_message(kShutdown);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->kind, QmpKind::kEvent);
  EXPECT_EQ(m->event, "SHUTDOWN");
  EXPECT_EQ(m->body["reason"], "guest-shutdown");
}

TEST(QmpMessage, ReturnCarriesValueAndId) {
  auto m = parse_qmp_message(kStatus);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->kind, QmpKind::kReturn);
  EXPECT_EQ(m->id, "c7");
  EXPECT_EQ(m->body["status"], "shutdown");
}

TEST(QmpMessage, ErrorCarriesClassAndText) {
  auto m = parse_qmp_message(kNoCommand);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->kind, QmpKind::kError);
  EXPECT_EQ(m->id, "c8");
  EXPECT_EQ(m->error_class, "CommandNotFound");
  EXPECT_NE(m->error_desc.find("query-stats"), std::string::npos);
}

TEST(QmpMessage, MalformedLinesAreErrorsNamingTheProblem) {
  auto bad_json = parse_qmp_message("{\"return\": ");
  ASSERT_FALSE(bad_json);
  EXPECT_NE(bad_json.error().message.find("not valid JSON"), std::string::npos);
  auto not_object = parse_qmp_message("[1, 2]");
  ASSERT_FALSE(not_object);
  EXPECT_NE(not_object.error().message.find("not a JSON object"), std::string::npos);
  auto unknown = parse_qmp_message("{\"hello\": 1}");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("no greeting, reply, error or event"), std::string::npos);
  EXPECT_FALSE(parse_qmp_message("{\"error\": \"text\"}"));
}

TEST(QmpMessage, GreetingWithoutVersionSaysUnknown) {
  auto m = parse_qmp_message(R"({"QMP": {"capabilities": []}})");
  ASSERT_TRUE(m);
  EXPECT_EQ(qmp_greeting_version(*m), "unknown");
}

}  // namespace
}  // namespace vmm::bench
