// The VMM stopped the shared-memory device for `reason`, once: one
// "shmem device stopped: ..." line on stderr, and in the --stats-json
// document at `json_path` (read and removed) shmem0's failed counter at 1
// and its error property naming the reason.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tests/integration/output_text.h"
#include "tests/integration/process.h"
#include "tests/integration/stats_json_file.h"

namespace vmm::testing {

inline void expect_shmem_stopped_once(const ProcessResult& r, const std::string& json_path, const std::string& reason) {
  EXPECT_TRUE(contains(r.err, "shmem device stopped: ")) << r.err;
  EXPECT_TRUE(contains(r.err, reason)) << r.err;
  EXPECT_EQ(r.err.find("shmem device stopped"), r.err.rfind("shmem device stopped")) << "said once: " << r.err;
  auto doc = read_and_remove_json(json_path);
  ASSERT_FALSE(doc.is_discarded());
  const nlohmann::json* device = find_device(doc, "shmem0");
  ASSERT_NE(device, nullptr) << doc.dump(2);
  EXPECT_EQ((*device)["counters"]["failed"], 1);
  EXPECT_TRUE(contains((*device)["properties"].value("error", ""), reason)) << (*device).dump(2);
}

}  // namespace vmm::testing
