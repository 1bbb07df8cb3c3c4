// AppendSerialized: the bytes of a Beast HTTP message, as Beast's serializer produces them, appended
// to a std::string — for a caller that writes them itself (one write for several messages, or a
// direct non-blocking write_some) instead of through http::async_write.
//
// Why: http::async_write runs the serializer inside Beast's composed write operations, whose buffer
// sequence iteration (buffers_cat_view / buffers_prefix_view / buffers_suffix over the header fields)
// and completion hand-off cost more per small message than copying ≈ 300–600 bytes once; and it
// writes one message per call, so N requests for one connection cost N sends (docs/performance.md,
// session 7). The framing stays Beast's: this only copies what the serializer hands out.
// Contract: the message is complete and prepared (Content-Length set, e.g. by prepare_payload() or
// content_length()); a message whose body needs a writer that can fail returns that error and leaves
// what was appended so far. Header-only with Beast included: include it only from .cpp files that
// already use Beast. Thread-safety: none of its own (the message must not change meanwhile).
#pragma once

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/serializer.hpp>
#include <string>

namespace worthit {

template <bool kIsRequest, class Body, class Fields>
boost::beast::error_code AppendSerialized(boost::beast::http::message<kIsRequest, Body, Fields>& message,
                                          std::string& out) {
  boost::beast::http::serializer<kIsRequest, Body, Fields> serializer{message};
  boost::beast::error_code ec;
  while (!serializer.is_done()) {
    serializer.next(ec, [&](boost::beast::error_code& visit_ec, const auto& buffers) {
      visit_ec = {};
      size_t taken = 0;
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        out.append(static_cast<const char*>(buffer.data()), buffer.size());
        taken += buffer.size();
      }
      serializer.consume(taken);
    });
    if (ec) return ec;
  }
  return ec;
}

}  // namespace worthit
