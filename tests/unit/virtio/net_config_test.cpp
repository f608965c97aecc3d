// `--net` and `hostfwd=` parsing, as tables of good and malformed forms.
// Every error names --net, so the user knows which option to fix.
#include "hostnet/net_config.h"

#include <gtest/gtest.h>

namespace vmm::net {
namespace {

constexpr uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return uint32_t(a) << 24 | uint32_t(b) << 16 | uint32_t(c) << 8 | d;
}

struct GoodForward {
  const char* text;
  HostForward expected;
};

TEST(HostForward, GoodForms) {
  const GoodForward cases[] = {
      {"tcp:8080-:80", {Protocol::kTcp, ip(127, 0, 0, 1), 8080, ip(10, 0, 2, 15), 80}},
      {"udp:5555-:5555", {Protocol::kUdp, ip(127, 0, 0, 1), 5555, ip(10, 0, 2, 15), 5555}},
      {"tcp::2222-:22", {Protocol::kTcp, ip(127, 0, 0, 1), 2222, ip(10, 0, 2, 15), 22}},
      {"tcp:0.0.0.0:2222-10.0.2.15:22", {Protocol::kTcp, 0, 2222, ip(10, 0, 2, 15), 22}},
      {"udp:192.168.1.5:53-10.0.2.20:5353",
       {Protocol::kUdp, ip(192, 168, 1, 5), 53, ip(10, 0, 2, 20), 5353}},
      {":8080-:80", {Protocol::kTcp, ip(127, 0, 0, 1), 8080, ip(10, 0, 2, 15), 80}},  // QEMU: tcp
      {"tcp:8080-80", {Protocol::kTcp, ip(127, 0, 0, 1), 8080, ip(10, 0, 2, 15), 80}},
      {"tcp:65535-:1", {Protocol::kTcp, ip(127, 0, 0, 1), 65535, ip(10, 0, 2, 15), 1}},
  };
  for (const auto& c : cases) {
    auto parsed = parse_host_forward(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, c.expected) << c.text << " -> " << describe(*parsed);
  }
}

struct BadForward {
  const char* text;
  const char* complaint;
};

TEST(HostForward, MalformedFormsAreClearErrorsNamingNet) {
  const BadForward cases[] = {
      {"", "no protocol"},
      {"8080-:80", "protocol '8080-' is not tcp or udp"},
      {"sctp:1-:1", "protocol 'sctp' is not tcp or udp"},
      {"tcp:8080", "no '-' between host and guest"},
      {"tcp:-:80", "host port '' is not a number"},
      {"tcp:0-:80", "host port '0'"},
      {"tcp:65536-:80", "host port '65536'"},
      {"tcp:80x-:80", "host port '80x'"},
      {"tcp:8080-:", "guest port ''"},
      {"tcp:8080-:99999", "guest port '99999'"},
      {"tcp:1.2.3:8080-:80", "host address '1.2.3' is not an IPv4 address"},
      {"tcp:localhost:8080-:80", "host address 'localhost'"},
      {"tcp:8080-10.0.3.15:80", "guest address 10.0.3.15 is outside the user network"},
      {"tcp:8080-:80-:81", "guest address"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_host_forward(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    const std::string& message = parsed.error().message;
    EXPECT_EQ(message.rfind("--net: hostfwd '" + std::string(c.text) + "'", 0), 0u) << message;
    EXPECT_NE(message.find(c.complaint), std::string::npos) << message;
    EXPECT_NE(message.find("[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT"), std::string::npos);
  }
}

// Found by config_cli_fuzz: inet_pton() stopped at an embedded NUL, so the
// text before it was taken for the whole address. (A TOML string can carry
// a NUL as \u0000; a command-line argument cannot.)
TEST(HostForward, EmbeddedNulInAnAddressIsRefused) {
  using namespace std::string_literals;
  for (const std::string& text : {"tcp:127.0.0.1\0junk:8080-:80"s, "tcp:8080-10.0.2.15\0:80"s}) {
    auto parsed = parse_host_forward(text);
    EXPECT_FALSE(parsed.ok()) << describe(*parsed);
    if (!parsed.ok()) {
      EXPECT_NE(parsed.error().message.find("is not an IPv4 address"), std::string::npos);
    }
  }
}

TEST(NetOption, Kinds) {
  auto user = parse_net_option("user");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->kind, NetConfig::Kind::kUser);
  EXPECT_TRUE(user->host_forwards.empty());

  auto bare = parse_net_option("");  // `--net` alone
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->kind, NetConfig::Kind::kUser);

  auto forwards = parse_net_option("user,hostfwd=tcp:8080-:80,hostfwd=udp:5555-:5555");
  ASSERT_TRUE(forwards.ok()) << forwards.error().message;
  ASSERT_EQ(forwards->host_forwards.size(), 2u);
  EXPECT_EQ(forwards->host_forwards[1].protocol, Protocol::kUdp);

  auto kindless = parse_net_option("hostfwd=tcp:2222-:22");  // user is the default kind
  ASSERT_TRUE(kindless.ok());
  EXPECT_EQ(kindless->kind, NetConfig::Kind::kUser);
  EXPECT_EQ(kindless->host_forwards.size(), 1u);

  auto tap = parse_net_option("tap,ifname=vmtap0");
  ASSERT_TRUE(tap.ok());
  EXPECT_EQ(tap->kind, NetConfig::Kind::kTap);
  EXPECT_EQ(tap->tap_ifname, "vmtap0");

  auto none = parse_net_option("none");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->kind, NetConfig::Kind::kNone);
}

TEST(NetOption, MalformedFormsNameNet) {
  const BadForward cases[] = {
      {"bogus", "--net: unknown kind 'bogus' (expected user, tap or none)"},
      {"user,foo=1", "--net user: unknown option 'foo=1'"},
      {"user,", "--net: empty option"},
      {"user,hostfwd=tcp:80", "--net: hostfwd 'tcp:80'"},
      {"user,hostfwd=tcp:80-:80,hostfwd=tcp:80-:81", "host port already forwarded"},
      {"tap", "--net tap: needs ifname=NAME"},
      {"tap,ifname=", "--net tap: ifname ''"},
      {"tap,ifname=a-very-long-interface-name", "is not an interface name"},
      {"tap,ifname=../x", "is not an interface name"},
      {"tap,mode=x", "--net tap: unknown option 'mode=x'"},
      {"none,hostfwd=tcp:80-:80", "--net none: takes no options"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_net_option(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_NE(parsed.error().message.find(c.complaint), std::string::npos)
        << c.text << ": " << parsed.error().message;
  }
}

TEST(NetOption, RestrictIsOnOrOff) {
  auto plain = parse_net_option("user");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->restricted);  // QEMU's default: the guest reaches outside

  auto on = parse_net_option("user,restrict=on,hostfwd=tcp:2222-:22");
  ASSERT_TRUE(on.ok()) << on.error().message;
  EXPECT_TRUE(on->restricted);
  EXPECT_EQ(on->host_forwards.size(), 1u);

  auto kindless = parse_net_option("restrict=on");  // user is the default kind
  ASSERT_TRUE(kindless.ok()) << kindless.error().message;
  EXPECT_EQ(kindless->kind, NetConfig::Kind::kUser);
  EXPECT_TRUE(kindless->restricted);

  auto last_wins = parse_net_option("user,restrict=on,restrict=off");  // as QEMU's options
  ASSERT_TRUE(last_wins.ok());
  EXPECT_FALSE(last_wins->restricted);
}

TEST(NetOption, RestrictTakesNothingButOnOrOff) {
  const BadForward cases[] = {
      {"user,restrict=yes", "--net user: restrict='yes' (expected restrict=on or restrict=off)"},
      {"user,restrict=", "--net user: restrict='' (expected restrict=on or restrict=off)"},
      {"user,restrict=ON", "restrict='ON'"},
      {"user,restrict=1", "restrict='1'"},
      {"user,restrict", "--net user: unknown option 'restrict'"},
      {"tap,ifname=t0,restrict=on", "--net tap: unknown option 'restrict=on'"},
      {"none,restrict=on", "--net none: takes no options"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_net_option(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_NE(parsed.error().message.find(c.complaint), std::string::npos)
        << c.text << ": " << parsed.error().message;
  }
}

TEST(NetOption, SameHostPortForTcpAndUdpIsFine) {
  EXPECT_TRUE(parse_net_option("user,hostfwd=tcp:5000-:5000,hostfwd=udp:5000-:5000").ok());
}

}  // namespace
}  // namespace vmm::net
