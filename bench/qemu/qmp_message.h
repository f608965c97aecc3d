// QMP wire format (QEMU docs/interop/qmp-spec): one JSON object per line,
// "\r\n" terminated. The server speaks first with a greeting {"QMP": ...};
// after that every line is a command's reply {"return": ..., "id": ...},
// its failure {"error": {"class", "desc"}, "id": ...}, or an asynchronous
// event {"event": NAME, "data": ..., "timestamp": ...}.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "hv/core/result.h"

namespace vmm::bench {

// Splits the byte stream from the QMP socket into lines.
class QmpLineBuffer {
 public:
  void append(std::string_view bytes) { data_.append(bytes); }
  // The next complete line without its "\r\n" ("\n" alone is accepted too);
  // blank lines are skipped. nullopt until a whole line has arrived.
  std::optional<std::string> next_line();
  // Bytes received that do not end a line yet.
  size_t pending_bytes() const { return data_.size(); }

 private:
  std::string data_;
};

enum class QmpKind { kGreeting, kReturn, kError, kEvent };

struct QmpMessage {
  QmpKind kind = QmpKind::kReturn;
  nlohmann::json body;  // greeting: the "QMP" object; return: "return"; event: "data"
  nlohmann::json id;    // the command's "id" (return, error), null if none
  std::string event;        // event name
  std::string error_class;  // error: "CommandNotFound", "GenericError", ...
  std::string error_desc;   // error: QEMU's human-readable text
};

// Parses one line; an error names what is wrong with it.
Result<QmpMessage> parse_qmp_message(std::string_view line);

// "7.2.22" from a greeting's {"version": {"qemu": {major, minor, micro}}},
// or "unknown".
std::string qmp_greeting_version(const QmpMessage& greeting);

}  // namespace vmm::bench
