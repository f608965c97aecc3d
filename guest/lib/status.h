// Errors as values: a Status is either ok or carries a static message.
// TRY(expr) returns a failed Status to the caller early.
#pragma once

class [[nodiscard]] Status {
 public:
  static Status ok() { return Status(nullptr); }
  static Status error(const char* message) { return Status(message); }

  bool is_ok() const { return message_ == nullptr; }
  const char* message() const { return message_ ? message_ : "ok"; }

 private:
  explicit Status(const char* m) : message_(m) {}
  const char* message_;
};

#define TRY(expr)                        \
  do {                                   \
    Status try_status_ = (expr);         \
    if (!try_status_.is_ok()) return try_status_; \
  } while (0)
