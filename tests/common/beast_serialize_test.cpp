// AppendSerialized: the bytes are exactly what Beast writes for the same message (its ostream
// writer is the oracle), appended after what the string held, for requests and responses.
#include "common/beast_serialize.h"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <sstream>

namespace worthit {
namespace {
namespace http = boost::beast::http;

template <class Message>
std::string ViaOstream(const Message& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

TEST(BeastSerializeTest, RequestMatchesBeastsOwnWriterAndAppends) {
  http::request<http::string_body> req{http::verb::post, "/bot123:abc/sendMessage", 11};
  req.set(http::field::host, "127.0.0.1:8081");
  req.set(http::field::content_type, "application/json");
  req.body() = R"({"chat_id":42,"text":"Sto analizzando il prodotto..."})";
  req.prepare_payload();
  std::string out = "previous bytes|";
  ASSERT_FALSE(AppendSerialized(req, out));
  EXPECT_EQ(out, "previous bytes|" + ViaOstream(req));
  EXPECT_NE(out.find("Content-Length: 54\r\n"), std::string::npos);
  // Twice in a row: the two messages follow each other, as a pipelined write needs.
  const std::string once = out.substr(15);
  ASSERT_FALSE(AppendSerialized(req, out));
  EXPECT_EQ(out, "previous bytes|" + once + once);
}

TEST(BeastSerializeTest, ResponseWithEmptyBodyAndConnectionClose) {
  http::response<http::string_body> res{http::status::ok, 11};
  res.set(http::field::server, "worthit");
  res.keep_alive(false);
  res.prepare_payload();
  std::string out;
  ASSERT_FALSE(AppendSerialized(res, out));
  EXPECT_EQ(out, ViaOstream(res));
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");  // no body bytes after the header
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
}

TEST(BeastSerializeTest, LargeBodyIsCopiedWhole) {
  http::response<http::string_body> res{http::status::payload_too_large, 11};
  res.body().assign(100000, 'x');
  res.prepare_payload();
  std::string out;
  ASSERT_FALSE(AppendSerialized(res, out));
  EXPECT_EQ(out, ViaOstream(res));
}

}  // namespace
}  // namespace worthit
