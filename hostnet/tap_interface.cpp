#include "hostnet/tap_interface.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

namespace vmm::net {

namespace {

std::string advice_for(int error) {
  if (error == EPERM || error == EACCES)
    return " (creating a tap needs CAP_NET_ADMIN; or create it once as root with "
           "`ip tuntap add NAME mode tap user $USER`)";
  if (error == EBUSY) return " (another process holds it, or it is not a tap)";
  return "";
}

}  // namespace

Result<FileDescriptor> open_tap_interface(const std::string& ifname) {
  std::string what = "--net tap,ifname=" + ifname + ": ";
  if (ifname.empty() || ifname.size() >= IFNAMSIZ)
    return make_error(what + "interface name must be 1 to " + std::to_string(IFNAMSIZ - 1) + " characters");
  FileDescriptor fd(open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) {
    int error = errno;
    return make_error(what + "cannot open /dev/net/tun: " + std::strerror(error) + advice_for(error));
  }
  ifreq request{};
  std::memcpy(request.ifr_name, ifname.data(), ifname.size());
  request.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (ioctl(fd.get(), TUNSETIFF, &request) != 0) {
    int error = errno;
    return make_error(what + "cannot open or create tap interface '" + ifname +
                      "': " + std::strerror(error) + advice_for(error));
  }
  return fd;
}

}  // namespace vmm::net
