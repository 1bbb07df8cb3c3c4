#include "telegram/scripted_http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <stdexcept>

namespace worthit::testing {
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;

std::optional<TlsFiles> MakeSelfSignedCertificate(const std::string& dir, const std::string& name,
                                                  const std::string& san) {
  TlsFiles files{dir + "/" + name + ".pem", dir + "/" + name + ".key"};
  // EC key: generated in milliseconds (an RSA key takes long on a loaded machine). One day is plenty.
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "
      "/CN=worthit-test -addext subjectAltName=" +
      san + " -keyout " + files.key + " -out " + files.cert + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0 || !std::filesystem::exists(files.cert)) return std::nullopt;
  return files;
}

namespace {

std::string DefaultSendMessageResult(const std::string& body, int64_t message_id) {
  json::error_code ec;
  auto v = json::parse(body, ec);
  json::object req = (!ec && v.is_object()) ? v.as_object() : json::object{};
  json::object msg{
      {"message_id", message_id},
      {"chat", json::object{{"id", req.contains("chat_id") ? req["chat_id"] : json::value(0)}, {"type", "private"}}},
      {"date", 1767225600},
      {"text", req.contains("text") ? req["text"] : json::value("")}};
  return json::serialize(json::object{{"ok", true}, {"result", msg}});
}

}  // namespace

struct ScriptedHttpServer::Impl {
  explicit Impl(ScriptedHttpServer& owner, const std::optional<TlsFiles>& tls)
      : owner(owner), acceptor(io), tls_context(ssl::context::tls_server) {
    if (tls) {
      tls_context.use_certificate_chain_file(tls->cert);
      tls_context.use_private_key_file(tls->key, ssl::context::pem);
    }
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
    acceptor.open(ep.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen();
    port = acceptor.local_endpoint().port();
    Accept();
    thread = std::thread([this] { io.run(); });
  }
  ~Impl() {
    net::post(io, [this] {
      boost::system::error_code ignored;
      acceptor.close(ignored);
    });
    work.reset();
    io.stop();
    thread.join();
  }

  template <class Stream>
  struct Session : std::enable_shared_from_this<Session<Stream>> {
    Session(Impl& impl, Stream s) : impl(impl), stream(std::move(s)), timer(impl.io) {}
    Impl& impl;
    Stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    http::response<http::empty_body> interim{http::status::continue_, 11};
    http::response<http::string_body> unasked;
    std::string raw;
    net::steady_timer timer;
    bool close_after = false;
    bool send_interim = false;

    void Read() {
      request = {};
      // Between requests: the moment a server could write an answer nobody asked for.
      impl.unasked = [weak = this->weak_from_this()](std::function<void()> written) {
        if (auto self = weak.lock()) self->WriteUnasked(std::move(written));
      };
      http::async_read(stream, buffer, request, [self = this->shared_from_this()](beast::error_code ec, size_t) {
        if (ec) return;
        self->Answer();
      });
    }
    void WriteUnasked(std::function<void()> written) {
      unasked = {};
      unasked.version(11);
      unasked.result(http::status::ok);
      unasked.set(http::field::content_type, "application/json");
      unasked.body() = DefaultSendMessageResult(R"({"chat_id":999,"text":"unasked"})", 999);
      unasked.prepare_payload();
      http::async_write(stream, unasked,
                        [self = this->shared_from_this(), written](beast::error_code, size_t) { written(); });
    }
    void Answer() {
      impl.unasked = nullptr;
      ScriptedHttpServer& o = impl.owner;
      const int64_t id = 1000 + static_cast<int64_t>(++o.requests_);
      ScriptedHttpServer::Answer a;
      {
        std::lock_guard lock(o.mu_);
        o.targets_.emplace_back(request.target());
        if (o.script_) a = o.script_(std::string(request.target()), request.body());
      }
      if (a.drop) {
        beast::error_code ignored;
        beast::get_lowest_layer(stream).close(ignored);
        return;
      }
      if (a.body.empty() && a.status == 200) a.body = DefaultSendMessageResult(request.body(), id);
      response = {};
      response.version(11);
      response.result(static_cast<unsigned>(a.status));
      response.set(http::field::content_type, "application/json");
      if (a.header_padding > 0) response.set("X-Padding", std::string(a.header_padding, 'p'));
      response.keep_alive(request.keep_alive() && !a.announce_close && !a.close_delimited);
      response.body() = a.body;
      if (a.chunked) {
        response.chunked(true);
      } else if (!a.close_delimited) {
        response.prepare_payload();
      }
      raw = std::move(a.raw);
      send_interim = a.interim;
      close_after = a.close_after || a.announce_close || a.close_delimited || !request.keep_alive();
      timer.expires_after(a.delay);
      timer.async_wait([self = this->shared_from_this()](beast::error_code) { self->Write(); });
    }
    void Write() {
      auto self = this->shared_from_this();
      if (!raw.empty()) {
        return net::async_write(stream, net::buffer(raw), [self](beast::error_code ec, size_t) {
          if (!ec) self->Written();
        });
      }
      if (send_interim) {
        send_interim = false;
        return http::async_write(stream, interim, [self](beast::error_code ec, size_t) {
          if (!ec) self->Write();
        });
      }
      http::async_write(stream, response, [self](beast::error_code ec, size_t) {
        if (!ec) self->Written();
      });
    }
    void Written() {
      if (close_after) {
        beast::error_code ignored;
        beast::get_lowest_layer(stream).shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream).close(ignored);
        return;
      }
      Read();
    }
  };

  void Accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      ++owner.accepted_;
      if (owner.tls_) {
        auto s = std::make_shared<Session<beast::ssl_stream<tcp::socket>>>(
            *this, beast::ssl_stream<tcp::socket>(std::move(socket), tls_context));
        s->stream.async_handshake(ssl::stream_base::server, [this, s](beast::error_code hec) {
          if (hec) {
            ++owner.handshake_failures_;
            return;
          }
          s->Read();
        });
      } else {
        std::make_shared<Session<tcp::socket>>(*this, std::move(socket))->Read();
      }
      Accept();
    });
  }

  ScriptedHttpServer& owner;
  std::function<void(std::function<void()>)> unasked;  // the last session waiting for a request (io thread)
  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(io);
  tcp::acceptor acceptor;
  ssl::context tls_context;
  uint16_t port = 0;
  std::thread thread;
};

ScriptedHttpServer::ScriptedHttpServer(std::optional<TlsFiles> tls) : tls_(tls.has_value()) {
  impl_ = std::make_unique<Impl>(*this, tls);
}

ScriptedHttpServer::~ScriptedHttpServer() { impl_.reset(); }

uint16_t ScriptedHttpServer::port() const { return impl_->port; }

std::string ScriptedHttpServer::BaseUrl() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

void ScriptedHttpServer::SetScript(Script script) {
  std::lock_guard lock(mu_);
  script_ = std::move(script);
}

bool ScriptedHttpServer::SendUnasked() {
  // The last answer's write completes on the server's thread a moment after the client has read it:
  // try again (bounded) until its session waits for the next request.
  for (int attempt = 0; attempt < 500; ++attempt) {
    auto written = std::make_shared<std::promise<bool>>();
    auto f = written->get_future();
    net::post(impl_->io, [this, written] {
      if (!impl_->unasked) return written->set_value(false);
      impl_->unasked([written] { written->set_value(true); });
    });
    if (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return false;
    if (f.get()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::vector<std::string> ScriptedHttpServer::Targets() const {
  std::lock_guard lock(mu_);
  return targets_;
}

}  // namespace worthit::testing
