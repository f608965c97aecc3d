// The backend a NetConfig asks for, created and ready to attach; nullptr for
// `--net none`. Errors name --net (status 2: nothing has started yet).
#pragma once

#include <memory>

#include "hostnet/net_backend.h"
#include "hostnet/net_config.h"

namespace vmm::net {

Result<std::unique_ptr<NetBackend>> create_net_backend(const NetConfig& config);

}  // namespace vmm::net
