// Boost.Beast adapter of HttpCall (see http_client.h): async operations on a private io_context,
// run with a deadline, so one slow peer can never hold the caller past `timeout`.
#include "playground/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace worthit::playground {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

Result<ClientResponse> HttpCall(const std::string& method, const std::string& url, const std::string& body,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                std::chrono::milliseconds timeout) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
    return Error::Invalid("HTTP_BAD_URL", "only http://host[:port]/path URLs are supported: " + url);
  }
  const std::string host = parsed->host_address();
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string target = std::string(parsed->encoded_path());
  if (target.empty()) target = "/";
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());

  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto remaining = [&] {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
  };
  // Runs the queued async operation to completion (or to the stream's deadline).
  auto run = [&] {
    ioc.restart();
    ioc.run_for(remaining() + std::chrono::milliseconds(100));
  };

  tcp::resolver::results_type endpoints;
  resolver.async_resolve(host, port, [&](beast::error_code e, tcp::resolver::results_type r) {
    ec = e;
    endpoints = std::move(r);
  });
  run();
  if (ec || endpoints.empty()) return Error::Transient("HTTP_CONNECT_FAILED", "cannot resolve " + host);

  stream.expires_after(remaining());
  stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  run();
  if (ec == beast::error::timeout) return Error::Transient("HTTP_TIMEOUT", "connect to " + url + " timed out");
  if (ec) return Error::Transient("HTTP_CONNECT_FAILED", "connect to " + host + ":" + port + ": " + ec.message());

  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, host + ":" + port);
  req.set(http::field::user_agent, "worthit-playground");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.keep_alive(false);
  req.prepare_payload();

  stream.expires_after(remaining());
  http::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
  run();
  if (ec == beast::error::timeout) return Error::Transient("HTTP_TIMEOUT", "writing to " + url + " timed out");
  if (ec) return Error::Transient("HTTP_IO", "write to " + url + ": " + ec.message());

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);  // webhook answers and test responses are small
  stream.expires_after(remaining());
  http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
  run();
  if (ec == beast::error::timeout) return Error::Transient("HTTP_TIMEOUT", "reading from " + url + " timed out");
  if (ec) return Error::Transient("HTTP_IO", "read from " + url + ": " + ec.message());
  auto& res = parser.get();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  out.body = std::move(res.body());
  out.content_type = std::string(res[http::field::content_type]);
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

}  // namespace worthit::playground
