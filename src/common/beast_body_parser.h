// BodyParser<isRequest>: Beast's HTTP/1 parser (http::basic_parser: the start line, field syntax,
// Content-Length, chunked bodies, keep-alive and limits are all Beast's) that appends the message
// body to a string the caller owns and keeps nothing else unless a derived class asks for it
// (override on_request_impl / on_response_impl / on_field_impl / on_header_impl).
// Why: http::parser stores every header field in a basic_fields (one allocation each) and the body
// in a new string per message; the webhook's requests and the Bot API's answers need two or three
// of those values, and a kept-alive connection can reuse one body string's capacity for every
// message (docs/performance.md, issue 2, session 8).
// Ownership: `body` outlives the parser; it is cleared when the parser is made. One parser per
// message (basic_parser is not reusable). Include only from .cpp files that already use Beast.
#pragma once

#include <algorithm>
#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>
#include <string>

namespace worthit {

template <bool isRequest>
class BodyParser : public boost::beast::http::basic_parser<isRequest> {
 public:
  // `reserve_cap` bounds what a Content-Length makes the parser reserve up front (the body limit
  // itself is basic_parser's body_limit).
  BodyParser(std::string& body, std::uint64_t reserve_cap) : body_(body), reserve_cap_(reserve_cap) { body_.clear(); }

 protected:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code&) override {}
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field, string_view, string_view, error_code&) override {}
  void on_header_impl(error_code&) override {}

 private:
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) final {
    if (length) body_.reserve(static_cast<size_t>(std::min(*length, reserve_cap_)));
  }
  size_t on_body_impl(string_view body, error_code&) final {
    body_.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) final {}
  size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) final {
    body_.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) final {}

  std::string& body_;
  std::uint64_t reserve_cap_;
};

}  // namespace worthit
