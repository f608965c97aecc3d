#include "vmm/cli/command_line.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "vmm/cli/config_file.h"
#include "tests/unit/cli/parse_helpers.h"

namespace vmm {
namespace {

using testing::error_of;
using testing::parse;

TEST(CommandLine, DefaultsWithNoArguments) {
  auto r = parse({});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->kind, CommandLine::Kind::kRun);
  EXPECT_FALSE(r->config.guest_path.has_value());
  EXPECT_EQ(r->config.vcpus, 1u);
  EXPECT_EQ(r->config.memory_bytes, 256ull << 20);
}

TEST(CommandLine, ParsesEveryOption) {
  auto r = parse({"--guest", "g.elf", "--smp", "4", "--memory", "1G", "--cmdline", "init=x -- a",
                  "--log-level", "debug", "--stats", "--stats-json", "s.json"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const VmConfig& c = r->config;
  EXPECT_EQ(*c.guest_path, "g.elf");
  EXPECT_EQ(c.vcpus, 4u);
  EXPECT_EQ(c.memory_bytes, 1ull << 30);
  EXPECT_EQ(c.cmdline, "init=x -- a");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_TRUE(c.print_stats);
  EXPECT_EQ(*c.stats_json_path, "s.json");
}

TEST(CommandLine, HelpAndVersionAreAnswers) {
  auto help = parse({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_EQ(help->kind, CommandLine::Kind::kPrintAndExit);
  EXPECT_NE(help->output.find("--smp"), std::string::npos);
  auto version = parse({"--version"});
  ASSERT_TRUE(version.ok());
  EXPECT_NE(version->output.find("vmm "), std::string::npos);
}

TEST(CommandLine, BadValuesNameTheOption) {
  EXPECT_NE(error_of({"--smp", "0"}).find("--smp"), std::string::npos);
  EXPECT_NE(error_of({"--smp", "100000"}).find("--smp"), std::string::npos);
  EXPECT_NE(error_of({"--smp", "four"}).find("--smp"), std::string::npos);
  EXPECT_NE(error_of({"--memory", "lots"}).find("--memory"), std::string::npos);
  EXPECT_NE(error_of({"--memory", "1M"}).find("--memory"), std::string::npos);
  EXPECT_NE(error_of({"--memory", "100001K"}).find("--memory"), std::string::npos);
  EXPECT_NE(error_of({"--log-level", "loud"}).find("--log-level"), std::string::npos);
  EXPECT_NE(error_of({"--bogus"}).find("--bogus"), std::string::npos);
  EXPECT_NE(error_of({"--smp"}).find("--smp"), std::string::npos);
  EXPECT_NE(error_of({"--guest", ""}).find("--guest"), std::string::npos);
  EXPECT_NE(error_of({"--config", "/nonexistent.toml"}).find("/nonexistent.toml"),
            std::string::npos);
}

TEST(CommandLine, NetForms) {
  auto user = parse({"--net", "user,hostfwd=tcp:8080-:80,hostfwd=udp:5555-:5555"});
  ASSERT_TRUE(user.ok()) << user.error().message;
  EXPECT_EQ(user->config.net.kind, net::NetConfig::Kind::kUser);
  ASSERT_EQ(user->config.net.host_forwards.size(), 2u);
  EXPECT_EQ(user->config.net.host_forwards[0].host_port, 8080);
  EXPECT_TRUE(user->config.use_ioeventfd);

  auto bare = parse({"--net", "--stats"});  // --net alone: user
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_EQ(bare->config.net.kind, net::NetConfig::Kind::kUser);
  EXPECT_TRUE(bare->config.print_stats);
  auto last = parse({"--net"});
  ASSERT_TRUE(last.ok()) << last.error().message;
  EXPECT_EQ(last->config.net.kind, net::NetConfig::Kind::kUser);

  auto restricted = parse({"--net", "user,restrict=on"});
  ASSERT_TRUE(restricted.ok()) << restricted.error().message;
  EXPECT_TRUE(restricted->config.net.restricted);
  EXPECT_FALSE(user->config.net.restricted);

  auto tap = parse({"--net", "tap,ifname=vmtap0", "--no-ioeventfd"});
  ASSERT_TRUE(tap.ok()) << tap.error().message;
  EXPECT_EQ(tap->config.net.kind, net::NetConfig::Kind::kTap);
  EXPECT_EQ(tap->config.net.tap_ifname, "vmtap0");
  EXPECT_FALSE(tap->config.use_ioeventfd);

  auto none = parse({"--net", "none"});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->config.net.kind, net::NetConfig::Kind::kNone);
  EXPECT_EQ(parse({})->config.net.kind, net::NetConfig::Kind::kNone);  // the default
}

TEST(CommandLine, BadNetFormsNameNet) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--net", "bogus"},
           {"--net", "user,foo=1"},
           {"--net", "user,hostfwd=tcp:8080"},
           {"--net", "user,hostfwd=tcp:8080-:99999"},
           {"--net", "user,restrict=maybe"},
           {"--net", "tap"},
           {"--net", "none,ifname=x"},
           {"--net", "user", "--net", "none"},
       }) {
    std::string message = error_of(args);
    EXPECT_EQ(message.rfind("--net", 0), 0u) << message;
  }
  EXPECT_NE(error_of({"--no-ioeventfd=maybe"}).find("--no-ioeventfd"), std::string::npos);
}

class ConfigFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    std::ofstream(path_) << text;
    return path_;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  // One file per test: ctest runs the tests of this fixture in parallel.
  std::string path_ = ::testing::TempDir() + "vmm_cli_test_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml";
};

TEST_F(ConfigFileTest, CommandLineOverridesTheFile) {
  std::string path = write("smp = 2\nmemory = \"512M\"\nstats = true\n");
  auto r = parse({"--config", path, "--smp", "3"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->config.vcpus, 3u);
  EXPECT_EQ(r->config.memory_bytes, 512ull << 20);
  EXPECT_TRUE(r->config.print_stats);
}

TEST_F(ConfigFileTest, ErrorsNameTheFileAndKey) {
  std::string path = write("smpp = 2\n");
  std::string msg = error_of({"--config", path});
  EXPECT_NE(msg.find(path), std::string::npos);
  EXPECT_NE(msg.find("unknown key 'smpp'"), std::string::npos);

  path = write("smp = \"two\"\n");
  EXPECT_NE(error_of({"--config", path}).find("key 'smp': expected an integer"),
            std::string::npos);
  path = write("smp = 0\n");
  EXPECT_NE(error_of({"--config", path}).find("key 'smp'"), std::string::npos);
  path = write("memory = \"12Q\"\n");
  EXPECT_NE(error_of({"--config", path}).find("key 'memory'"), std::string::npos);
  path = write("smp = [\n");
  EXPECT_NE(error_of({"--config", path}).find(path + ":"), std::string::npos);
}

TEST_F(ConfigFileTest, NetKeys) {
  std::string path = write("net = \"user,hostfwd=tcp:2222-:22\"\nno-ioeventfd = true\n");
  auto r = parse({"--config", path});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->config.net.kind, net::NetConfig::Kind::kUser);
  EXPECT_EQ(r->config.net.host_forwards.size(), 1u);
  EXPECT_FALSE(r->config.use_ioeventfd);
  auto overridden = parse({"--config", path, "--net", "none"});
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(overridden->config.net.kind, net::NetConfig::Kind::kNone);

  path = write("net = \"user,restrict=on\"\n");
  auto restricted = parse({"--config", path});
  ASSERT_TRUE(restricted.ok()) << restricted.error().message;
  EXPECT_TRUE(restricted->config.net.restricted);
  path = write("net = \"user,restrict=true\"\n");
  EXPECT_NE(error_of({"--config", path}).find("key 'net': --net user: restrict='true' (expected restrict=on or restrict=off)"),
            std::string::npos);

  path = write("net = \"tap\"\n");
  std::string message = error_of({"--config", path});
  EXPECT_NE(message.find("key 'net': --net tap: needs ifname=NAME"), std::string::npos) << message;
  path = write("no-ioeventfd = 1\n");
  EXPECT_NE(error_of({"--config", path}).find("key 'no-ioeventfd': expected true or false"),
            std::string::npos);
}

// Found by config_cli_fuzz: toml++ 3.3 hits __builtin_unreachable() on
// U+0329 (bytes CC A9) where it looks for whitespace; under UBSan that
// aborts, without it anything may happen. Refused before toml++ runs.
TEST(ConfigText, NonAsciiIsRefusedBeforeTomlParsesIt) {
  for (const char* text : {"\xcc\xa9" "et", "\xcc\xaa", "smp = 1\ncmdline = \"\xc3\xa9\"\n",
                           "s = \"\"\"\\\n\xc2\xa7\"\"\"\n"}) {
    VmConfig config;
    auto r = apply_config_text(text, "f.toml", config);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().message.find("non-ASCII character"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.rfind("f.toml:", 0), 0u) << r.error().message;
  }
  VmConfig config;
  auto second_line = apply_config_text("smp = 2\n# caf\xc3\xa9\n", "f.toml", config);
  ASSERT_FALSE(second_line.ok());
  EXPECT_EQ(second_line.error().message.rfind("f.toml:2: ", 0), 0u) << second_line.error().message;
}

// Found by config_cli_fuzz: toml++ converted a float to int64 with a cast
// that is undefined beyond int64's range (UBSan: "2.22222e+230 is outside
// the range of representable values of type 'long'"). Floats are refused.
TEST(ConfigText, AFloatVcpuCountIsRefusedWhateverItsSize) {
  for (const char* text : {"\nsmp =222222226E222", "smp = 4.0\n", "smp = -1e300\n", "smp = inf\n", "smp = nan\n"}) {
    VmConfig config;
    auto r = apply_config_text(text, "f.toml", config);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().message.find("key 'smp': expected an integer"), std::string::npos) << r.error().message;
  }
}

TEST(DefaultConfig, ShippedFileMatchesBuiltInDefaults) {
  VmConfig from_file;
  auto r = apply_config_file(std::string(VMM_SOURCE_DIR) + "/configs/default.toml", from_file);
  ASSERT_TRUE(r.ok()) << r.error().message;
  VmConfig built_in;
  EXPECT_EQ(from_file.vcpus, built_in.vcpus);
  EXPECT_EQ(from_file.memory_bytes, built_in.memory_bytes);
  EXPECT_EQ(from_file.cmdline, built_in.cmdline);
  EXPECT_EQ(from_file.log_level, built_in.log_level);
  EXPECT_EQ(from_file.print_stats, built_in.print_stats);
  EXPECT_EQ(from_file.guest_path, built_in.guest_path);
  EXPECT_EQ(from_file.stats_json_path, built_in.stats_json_path);
  EXPECT_EQ(from_file.net, built_in.net);
  EXPECT_EQ(from_file.seccomp, built_in.seccomp);
  EXPECT_EQ(from_file.use_ioeventfd, built_in.use_ioeventfd);
}

}  // namespace
}  // namespace vmm
