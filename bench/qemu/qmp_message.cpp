#include "bench/qemu/qmp_message.h"

#include "bench/qemu/json_field.h"

namespace vmm::bench {

std::optional<std::string> QmpLineBuffer::next_line() {
  for (;;) {
    size_t end = data_.find('\n');
    if (end == std::string::npos) return std::nullopt;
    std::string line = data_.substr(0, end);
    data_.erase(0, end + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) return line;
  }
}

namespace {

std::string excerpt(std::string_view line) {
  constexpr size_t kMax = 200;
  return line.size() <= kMax ? std::string(line) : std::string(line.substr(0, kMax)) + "...";
}

Result<QmpMessage> classify(nlohmann::json doc, std::string_view line) {
  QmpMessage m;
  if (doc.contains("id")) m.id = doc["id"];
  if (doc.contains("QMP")) {
    m.kind = QmpKind::kGreeting;
    m.body = std::move(doc["QMP"]);
  } else if (doc.contains("return")) {
    m.kind = QmpKind::kReturn;
    m.body = std::move(doc["return"]);
  } else if (doc.contains("error")) {
    const auto& e = doc["error"];
    if (!e.is_object()) return make_error("QMP: \"error\" is not an object: " + excerpt(line));
    m.kind = QmpKind::kError;
    m.error_class = string_field(e, "class");
    m.error_desc = string_field(e, "desc");
  } else if (!string_field(doc, "event").empty()) {
    m.kind = QmpKind::kEvent;
    m.event = string_field(doc, "event");
    if (doc.contains("data")) m.body = std::move(doc["data"]);
  } else {
    return make_error("QMP: a message that is no greeting, reply, error or event: " +
                      excerpt(line));
  }
  return m;
}

}  // namespace

Result<QmpMessage> parse_qmp_message(std::string_view line) {
  auto doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error("QMP: not valid JSON: " + excerpt(line));
  if (!doc.is_object()) return make_error("QMP: not a JSON object: " + excerpt(line));
  return classify(std::move(doc), line);
}

std::string qmp_greeting_version(const QmpMessage& greeting) {
  const auto& v = greeting.body;
  if (!v.is_object() || !v.contains("version") || !v["version"].contains("qemu")) return "unknown";
  const auto& q = v["version"]["qemu"];
  auto part = [&](const char* key) {
    return q.contains(key) && q[key].is_number_integer() ? std::to_string(q[key].get<int64_t>())
                                                          : std::string("?");
  };
  return part("major") + "." + part("minor") + "." + part("micro");
}

}  // namespace vmm::bench
