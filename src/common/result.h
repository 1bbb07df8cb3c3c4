// Result<T> and Error: how failures cross component boundaries.
//
// An Error carries a stable upper-case code ("FETCH_TIMEOUT", "QUEUE_UNAVAILABLE") that logs,
// metrics and tests match on, a Kind that tells the caller what to do with it, a human message
// (never shown raw to Telegram users), and for rate limits the delay the other side asked for.
// Exceptions stay inside a component; its public functions return Result<T>.
// Thread-safety: plain values, copyable.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace worthit {

enum class ErrorKind {
  kTransient,     // try again later (network, timeouts, 5xx, a dependency briefly down)
  kRateLimited,   // try again after Error::retry_after
  kPermanent,     // trying again will fail the same way (404, forbidden, not a product)
  kInvalidInput,  // the caller's input is wrong (bad config, malformed update)
};

std::string_view ToString(ErrorKind kind);

struct Error {
  std::string code;  // stable, upper-case, e.g. "FETCH_TIMEOUT"
  ErrorKind kind = ErrorKind::kPermanent;
  std::string message;
  std::optional<std::chrono::seconds> retry_after;  // set for kRateLimited when known

  static Error Transient(std::string code, std::string message) {
    return {std::move(code), ErrorKind::kTransient, std::move(message), std::nullopt};
  }
  static Error Permanent(std::string code, std::string message) {
    return {std::move(code), ErrorKind::kPermanent, std::move(message), std::nullopt};
  }
  static Error Invalid(std::string code, std::string message) {
    return {std::move(code), ErrorKind::kInvalidInput, std::move(message), std::nullopt};
  }
  static Error RateLimited(std::string code, std::string message, std::chrono::seconds after) {
    return {std::move(code), ErrorKind::kRateLimited, std::move(message), after};
  }

  bool Retryable() const { return kind == ErrorKind::kTransient || kind == ErrorKind::kRateLimited; }
  // "CODE: message" — for logs and CLI stderr.
  std::string ToString() const;
};

// Either a value or an Error. Deliberately small: ok(), value(), error(), operator*/->.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  const Error& error() const { return std::get<1>(data_); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> data_;
};

// Result<void>: success carries nothing.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace worthit
