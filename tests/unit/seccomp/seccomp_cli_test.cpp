// --no-seccomp and the config key no-seccomp: seccomp is on unless asked.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "vmm/cli/command_line.h"

namespace vmm {
namespace {

TEST(SeccompOption, OnByDefaultOffWithNoSeccomp) {
  auto plain = parse_command_line({});
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->config.seccomp);
  auto off = parse_command_line({"--no-seccomp"});
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_FALSE(off->config.seccomp);
  auto help = parse_command_line({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_NE(help->output.find("--no-seccomp"), std::string::npos);
  auto bad = parse_command_line({"--no-seccomp=maybe"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("--no-seccomp"), std::string::npos);
}

class SeccompConfigKey : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    std::ofstream(path_) << text;
    return path_;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_ = ::testing::TempDir() + "vmm_seccomp_cli_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml";
};

TEST_F(SeccompConfigKey, MirrorsTheFlagAndTheCommandLineWins) {
  auto off = parse_command_line({"--config", write("no-seccomp = true\n")});
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_FALSE(off->config.seccomp);
  auto on = parse_command_line({"--config", write("no-seccomp = false\n")});
  ASSERT_TRUE(on.ok()) << on.error().message;
  EXPECT_TRUE(on->config.seccomp);
  auto overridden = parse_command_line({"--config", write("no-seccomp = false\n"), "--no-seccomp"});
  ASSERT_TRUE(overridden.ok());
  EXPECT_FALSE(overridden->config.seccomp);
  auto wrong = parse_command_line({"--config", write("no-seccomp = 1\n")});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("key 'no-seccomp': expected true or false"), std::string::npos);
}

}  // namespace
}  // namespace vmm
