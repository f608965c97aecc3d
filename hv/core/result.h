// Errors are values: every fallible call returns Result<T>, and every Error
// carries a message that can be shown to the user as it is.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace vmm {

struct Error {
  std::string message;
};

inline Error make_error(std::string message) { return Error{std::move(message)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(state_); }
  Error&& take_error() { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }
  Error&& take_error() { return std::move(error_); }

 private:
  Error error_;
  bool failed_ = false;
};

inline Result<void> ok() { return {}; }

}  // namespace vmm

// Early return of a failed Result (SerenityOS TRY style). Usable in any
// function returning a Result of any type.
#define VMM_TRY(expr)                                  \
  ({                                                   \
    auto _vmm_try_result = (expr);                     \
    if (!_vmm_try_result.ok())                         \
      return ::vmm::Error{_vmm_try_result.take_error()}; \
    std::move(_vmm_try_result).value();                \
  })

#define VMM_TRY_VOID(expr)                             \
  do {                                                 \
    auto _vmm_try_result = (expr);                     \
    if (!_vmm_try_result.ok())                         \
      return ::vmm::Error{_vmm_try_result.take_error()}; \
  } while (0)
