#include "telegram/beast_bot_api.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <cstdlib>
#include <deque>
#include <optional>
#include <vector>

#include "common/http_read_reserve.h"
#include "common/io_strand.h"
#include "common/log.h"
#include "common/metrics.h"
#include "telegram/api_error.h"
#include "telegram/bot_api_wire.h"
#include "telegram/call_metrics.h"

namespace worthit::telegram {
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

// Bot API answers are small; 16 MiB caps a broken or hostile endpoint (as the libcurl clients).
constexpr uint64_t kMaxBody = 16u << 20;
// Connections to the Bot API at most: Telegram's largest webhook max_connections (100) opens at most
// that many requests at once, each with one sendMessage in flight; more would only queue there.
constexpr size_t kMaxConnections = 100;
// Calls waiting for a connection at most; beyond, a call fails at once (TELEGRAM_UNAVAILABLE), so a
// stalled Telegram cannot grow memory without bound. Far above kMaxConnections × a few.
constexpr size_t kMaxWaiting = 10000;
// An idle connection older than this is closed instead of reused: servers drop idle keep-alive
// connections after 60 s (nginx: 75 s), and a request on a dropped one costs a failed write/read and
// the retry.
constexpr auto kMaxIdleAge = std::chrono::seconds(50);
// Sweep period bounds: a tenth of the shortest timeout, so a call ends at most ~10 % late, never more
// often than every 5 ms (short test timeouts) nor less often than every 100 ms.
constexpr auto kMinSweep = std::chrono::milliseconds(5);
constexpr auto kMaxSweep = std::chrono::milliseconds(100);

struct Target {
  bool tls = false;
  std::string host;         // as in the URL, brackets removed for IPv6
  std::string port;         // explicit or the scheme's default
  std::string host_header;  // host[:port] as the URL wrote it
  std::string path;         // path prefix without a trailing '/'
  bool host_is_ip = false;
};

std::optional<Target> ParseTarget(const std::string& base_url) {
  auto u = boost::urls::parse_uri(base_url);
  if (!u) return std::nullopt;
  Target t;
  const std::string scheme(u->scheme());
  if (scheme == "https") {
    t.tls = true;
  } else if (scheme != "http") {
    return std::nullopt;
  }
  if (u->has_userinfo() || u->has_query() || u->has_fragment()) return std::nullopt;
  t.host = std::string(u->host_address());
  if (t.host.empty()) return std::nullopt;
  t.host_is_ip = u->host_type() == boost::urls::host_type::ipv4 || u->host_type() == boost::urls::host_type::ipv6;
  t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
  t.host_header = std::string(u->encoded_host_and_port());
  t.path = std::string(u->encoded_path());
  while (!t.path.empty() && t.path.back() == '/') t.path.pop_back();
  return t;
}

bool ProxyConfigured() {
  for (const char* name : {"https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return true;
  }
  return false;
}

struct Call {
  std::string payload;
  std::function<void(Result<Message>)> done;
  SteadyClock::time_point started;
  SteadyClock::time_point deadline;
  bool retried = false;
};

template <class Stream>
class Client;

// One keep-alive connection. Lives in its client's idle or busy list (or in the handlers of its
// pending operations); `dead` once closed, so late completions are ignored.
template <class Stream>
struct Connection {
  Connection(net::strand<net::io_context::executor_type> ex, ssl::context* tls) : stream(MakeStream(ex, tls)) {
    buffer.reserve(kHttpReadReserve);  // one read takes a whole answer (http_read_reserve.h)
  }

  static Stream MakeStream(net::strand<net::io_context::executor_type> ex, ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      (void)tls;
      return Stream(ex);
    } else {
      return Stream(ex, *tls);
    }
  }
  tcp::socket& Socket() { return beast::get_lowest_layer(stream); }

  Stream stream;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;  // method, target and headers set once; the body per call
  std::optional<http::response_parser<http::string_body>> parser;
  std::optional<Call> call;
  SteadyClock::time_point deadline{};
  SteadyClock::time_point idle_since{};
  size_t busy_index = 0;
  bool reused = false;  // has answered a call before: a failure before any answer byte may be staleness
  bool dead = false;
};

template <class Stream>
class Client final : public std::enable_shared_from_this<Client<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;
  using Conn = Connection<Stream>;
  using ConnPtr = std::shared_ptr<Conn>;

 public:
  Client(net::io_context& io, Target target, const CurlBotApiOptions& options)
      : strand_(StrandFor(io)),
        resolver_(strand_),
        sweep_(strand_),
        target_(std::move(target)),
        options_(options),
        tls_(ssl::context::tls_client) {
    if (!options_.token.empty()) log::AddSecret(options_.token);
    path_ = target_.path + "/bot" + options_.token + "/sendMessage";
    const auto shortest = std::min(options_.connect_timeout, options_.request_timeout);
    sweep_period_ = std::clamp<std::chrono::milliseconds>(shortest / 10, kMinSweep, kMaxSweep);
    if constexpr (kTls) {
      tls_.set_verify_mode(ssl::verify_peer);
      boost::system::error_code ec;
      if (options_.ca_file.empty()) {
        tls_.set_default_verify_paths(ec);
      } else {
        tls_.load_verify_file(options_.ca_file, ec);
      }
      if (ec) tls_error_ = "TLS trust store: " + ec.message();
    }
  }

  void Submit(Call call) {
    // dispatch: inline when the caller already runs on this strand (the io_context's one shared
    // strand with HTTP_THREADS=1, common/io_strand.h): no trip through the scheduler per call.
    net::dispatch(
        strand_, [self = this->shared_from_this(), call = std::move(call)]() mutable { self->Start(std::move(call)); });
  }

  void Shutdown() {
    net::post(strand_, [self = this->shared_from_this()] {
      self->shutting_ = true;
      for (auto& c : self->idle_) self->Kill(*c);
      for (auto& c : self->busy_) self->Kill(*c);
      self->idle_.clear();
      self->busy_.clear();
      self->waiting_.clear();
      self->sweep_.cancel();
    });
  }

 private:
  // --- on the strand from here on ---

  void Start(Call call) {
    if (shutting_) return;
    const auto now = SteadyClock::now();
    while (!idle_.empty()) {
      ConnPtr c = std::move(idle_.back());
      idle_.pop_back();
      if (now - c->idle_since > kMaxIdleAge) {
        Kill(*c);
        --open_;
        continue;
      }
      return Send(c, std::move(call));
    }
    if (open_ < kMaxConnections) return Connect(std::move(call));
    if (waiting_.size() >= kMaxWaiting) {
      return Complete(std::move(call), NetworkError("sendMessage", "too many calls waiting for a connection"));
    }
    waiting_.push_back(std::move(call));
    EnsureSweep();
  }

  void Connect(Call call) {
    if (!tls_error_.empty()) return Complete(std::move(call), NetworkError("sendMessage", tls_error_));
    ++open_;
    auto c = std::make_shared<Conn>(strand_, &tls_);
    c->request.method(http::verb::post);
    c->request.target(path_);
    c->request.version(11);
    c->request.set(http::field::host, target_.host_header);
    c->request.set(http::field::content_type, "application/json");
    c->request.keep_alive(true);
    if constexpr (kTls) {
      SSL* ssl = c->stream.native_handle();
      if (target_.host_is_ip) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), target_.host.c_str());
      } else {
        SSL_set_tlsext_host_name(ssl, target_.host.c_str());  // SNI: never for an IP literal (RFC 6066)
        SSL_set1_host(ssl, target_.host.c_str());
      }
    }
    c->deadline = std::min(call.deadline, SteadyClock::now() + options_.connect_timeout);
    c->call = std::move(call);
    AddBusy(c);
    resolver_.async_resolve(
        target_.host, target_.port,
        [self = this->shared_from_this(), c](boost::system::error_code ec, tcp::resolver::results_type results) {
          if (c->dead) return;
          if (ec) return self->Fail(c, "resolve: " + ec.message(), false);
          net::async_connect(c->Socket(), results, [self, c](boost::system::error_code ec2, const tcp::endpoint&) {
            if (c->dead) return;
            if (ec2) return self->Fail(c, "connect: " + ec2.message(), false);
            boost::system::error_code ignored;
            c->Socket().set_option(tcp::no_delay(true), ignored);
            self->Handshake(c);
          });
        });
  }

  void Handshake(const ConnPtr& c) {
    if constexpr (kTls) {
      c->stream.async_handshake(ssl::stream_base::client,
                                [self = this->shared_from_this(), c](boost::system::error_code ec) {
                                  if (c->dead) return;
                                  if (ec) return self->Fail(c, "TLS handshake: " + ec.message(), false);
                                  self->Write(c);
                                });
    } else {
      Write(c);
    }
  }

  // A connection taken from the idle list: the call's own deadline applies from now on.
  void Send(const ConnPtr& c, Call call) {
    c->deadline = call.deadline;
    c->call = std::move(call);
    AddBusy(c);
    Write(c);
  }

  void Write(const ConnPtr& c) {
    c->request.body() = std::move(c->call->payload);  // moved back if the call is retried
    c->request.content_length(c->request.body().size());
    c->deadline = std::max(c->deadline, c->call->deadline);  // connect phase over: the call's deadline
    http::async_write(c->stream, c->request,
                      [self = this->shared_from_this(), c](boost::system::error_code ec, size_t) {
                        if (c->dead) return;
                        if (ec) return self->Fail(c, "write: " + ec.message(), true);
                        self->Read(c);
                      });
  }

  void Read(const ConnPtr& c) {
    c->parser.emplace();
    c->parser->body_limit(kMaxBody);
    http::async_read(c->stream, c->buffer, *c->parser,
                     [self = this->shared_from_this(), c](boost::system::error_code ec, size_t) {
                       if (c->dead) return;
                       if (ec) {
                         const bool nothing = !c->parser->got_some() && c->buffer.size() == 0;
                         return self->Fail(c, "read: " + ec.message(), nothing);
                       }
                       self->Answered(c);
                     });
  }

  void Answered(const ConnPtr& c) {
    auto& res = c->parser->get();
    const long status = static_cast<long>(res.result_int());
    // Bytes past the answer would be an unasked-for response (no pipelining here): do not reuse.
    const bool keep = c->parser->keep_alive() && c->buffer.size() == 0;
    Result<Message> out = ReadSendMessageResponse(status, res.body(), "sendMessage");
    c->parser.reset();
    Release(c, keep, std::move(out));
  }

  // A failed operation. `before_answer`: nothing of the answer arrived; on a reused connection that
  // is what a keep-alive connection the server closed while idle looks like, so the call is sent
  // once more on a fresh connection.
  void Fail(const ConnPtr& c, const std::string& what, bool before_answer) {
    if (before_answer && c->reused && !c->call->retried && !shutting_) {
      Call call = std::move(*c->call);
      c->call.reset();
      call.payload = std::move(c->request.body());
      call.retried = true;
      RemoveBusy(*c);
      Kill(*c);
      --open_;
      retries_->Inc();
      return Connect(std::move(call));
    }
    Release(c, false, NetworkError("sendMessage", what));
  }

  void Release(const ConnPtr& c, bool keep, Result<Message> out) {
    Call call = std::move(*c->call);
    c->call.reset();
    RemoveBusy(*c);
    if (keep && !shutting_) {
      c->reused = true;
      c->idle_since = SteadyClock::now();
      c->request.body().clear();
      idle_.push_back(c);
    } else {
      Kill(*c);
      --open_;
    }
    Complete(std::move(call), std::move(out));
    Pump();
  }

  void Complete(Call call, Result<Message> out) {
    metrics_.Finished(call.started, out);
    call.done(std::move(out));
  }

  // Waiting calls take the connections that became free.
  void Pump() {
    while (!waiting_.empty() && !shutting_ && (!idle_.empty() || open_ < kMaxConnections)) {
      Call call = std::move(waiting_.front());
      waiting_.pop_front();
      Start(std::move(call));
    }
  }

  void Kill(Conn& c) {
    c.dead = true;
    boost::system::error_code ignored;
    c.Socket().close(ignored);  // cancels its pending operations
  }

  void AddBusy(const ConnPtr& c) {
    c->busy_index = busy_.size();
    busy_.push_back(c);
    EnsureSweep();
  }

  void RemoveBusy(Conn& c) {
    const size_t i = c.busy_index;
    if (i >= busy_.size() || busy_[i].get() != &c) return;
    if (i + 1 != busy_.size()) {
      busy_[i] = std::move(busy_.back());
      busy_[i]->busy_index = i;
    }
    busy_.pop_back();
  }

  void EnsureSweep() {
    if (sweep_armed_ || shutting_) return;
    sweep_armed_ = true;
    sweep_.expires_after(sweep_period_);
    sweep_.async_wait([weak = this->weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (!self || ec == net::error::operation_aborted) return;
      self->sweep_armed_ = false;
      self->Sweep();
    });
  }

  // Calls past their deadline fail (TELEGRAM_UNAVAILABLE) and their connections are closed.
  void Sweep() {
    const auto now = SteadyClock::now();
    for (size_t i = 0; i < busy_.size();) {
      if (busy_[i]->deadline > now) {
        ++i;
        continue;
      }
      ConnPtr c = busy_[i];  // Release removes it from busy_ (swapping the last one into i)
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - c->call->started).count();
      Release(c, false, NetworkError("sendMessage", "timed out after " + std::to_string(ms) + " ms"));
    }
    while (!waiting_.empty() && waiting_.front().deadline <= now) {
      Call call = std::move(waiting_.front());
      waiting_.pop_front();
      Complete(std::move(call), NetworkError("sendMessage", "timed out waiting for a connection"));
    }
    if (!busy_.empty() || !waiting_.empty()) EnsureSweep();
  }

  net::strand<net::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  net::steady_timer sweep_;
  bool sweep_armed_ = false;
  std::chrono::milliseconds sweep_period_{kMaxSweep};
  Target target_;
  CurlBotApiOptions options_;
  std::string path_;
  ssl::context tls_;
  std::string tls_error_;  // the trust store could not be loaded: every https call fails with it
  bool shutting_ = false;
  size_t open_ = 0;            // connections open or opening (idle + busy)
  std::vector<ConnPtr> idle_;  // most recently used last
  std::vector<ConnPtr> busy_;  // with a call; index in Conn::busy_index
  std::deque<Call> waiting_;   // calls for which no connection was free
  CallMetrics metrics_;
  metrics::Counter* retries_ = &metrics::Registry::Global().GetCounter(
      "worthit_telegram_stale_retries_total",
      "Bot API calls sent again after a kept-alive connection was found closed");
};

template <class Stream>
class BeastBotApi final : public AsyncBotApi {
 public:
  BeastBotApi(net::io_context& io, Target target, const CurlBotApiOptions& options)
      : options_(options), client_(std::make_shared<Client<Stream>>(io, std::move(target), options)) {}
  ~BeastBotApi() override { client_->Shutdown(); }

  void SendMessage(const SendMessageRequest& request, std::function<void(Result<Message>)> done) override {
    Call call;
    call.payload = SerializeSendMessageBody(request);
    call.done = std::move(done);
    call.started = SteadyClock::now();
    call.deadline = call.started + options_.request_timeout;
    client_->Submit(std::move(call));
  }

 private:
  CurlBotApiOptions options_;
  std::shared_ptr<Client<Stream>> client_;
};

}  // namespace

std::unique_ptr<AsyncBotApi> MakeBeastBotApi(net::io_context& io, const CurlBotApiOptions& options) {
  auto target = ParseTarget(options.base_url);
  if (!target) return nullptr;
  if (target->tls)
    return std::make_unique<BeastBotApi<beast::ssl_stream<tcp::socket>>>(io, std::move(*target), options);
  return std::make_unique<BeastBotApi<tcp::socket>>(io, std::move(*target), options);
}

std::unique_ptr<AsyncBotApi> MakeEventBotApi(net::io_context& io, const CurlBotApiOptions& options) {
  if (!ProxyConfigured()) {
    if (auto api = MakeBeastBotApi(io, options)) return api;
  }
  return MakeCurlMultiBotApi(io, options);
}

}  // namespace worthit::telegram
