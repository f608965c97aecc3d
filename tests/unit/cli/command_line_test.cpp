#include "vmm/cli/command_line.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "vmm/cli/config_file.h"

namespace vmm {
namespace {

Result<CommandLine> parse(std::vector<std::string> args) { return parse_command_line(args); }

std::string error_of(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  return r.ok() ? std::string("(no error)") : r.error().message;
}

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

class ConfigFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    std::ofstream(path_) << text;
    return path_;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_ = ::testing::TempDir() + "vmm_cli_test.toml";
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
}

}  // namespace
}  // namespace vmm
