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

#include "common/beast_body_parser.h"
#include "common/beast_serialize.h"
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
// Requests per write on one connection at most (TELEGRAM_PIPELINE_DEPTH is clamped to it): past a
// few dozen the saving per call is nil and one slow answer would hold more calls behind it.
constexpr size_t kMaxPipelineDepth = 32;

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
  int64_t chat_id = 0;  // the request's: its answer's Message must be in this chat
  SteadyClock::time_point started;
  SteadyClock::time_point deadline;
  bool retried = false;
};

SteadyClock::time_point EarliestDeadline(const std::deque<Call>& calls) {
  auto t = SteadyClock::time_point::max();
  for (const auto& c : calls) t = std::min(t, c.deadline);
  return t;
}

template <class Stream>
class Client;

// An answer's status and body, parsed by Beast (BodyParser, common/beast_body_parser.h) into the
// connection's own body string (its capacity is kept from answer to answer). The Bot API's answer
// fields (Server, Date, Content-Type, CORS...) are not stored: the status, the body and keep-alive
// (basic_parser's own) are all a call needs.
class AnswerParser : public BodyParser<false> {
 public:
  explicit AnswerParser(std::string& body) : BodyParser(body, kMaxBody) {}
  int status() const { return status_; }

 private:
  void on_response_impl(int code, string_view, int, error_code&) override { status_ = code; }
  int status_ = 0;
};

// One keep-alive connection. Lives in its client's idle or busy list (or in the handlers of its
// pending operations); `dead` once closed, so late completions are ignored.
template <class Stream>
struct Connection {
  Connection(net::strand<net::io_context::executor_type> ex, ssl::context* tls) : stream(MakeStream(ex, tls)) {
    buffer.reserve(kHttpReadReserve);  // one read takes whole answers (http_read_reserve.h)
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
  std::string out;                           // the batch's requests, serialised (capacity reused)
  std::optional<AnswerParser> parser;        // the answer being read, into answer_body
  std::string answer_body;
  std::deque<Call> calls;  // sent (or being sent) on this connection; answers come back in this order
  SteadyClock::time_point deadline{};
  SteadyClock::time_point idle_since{};
  SteadyClock::time_point written_at{};
  size_t busy_index = 0;
  bool reused = false;    // has answered a batch before: a failure before any answer byte may be staleness
  bool answered = false;  // some byte of an answer arrived since the current batch was written
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
    max_batch_ = std::clamp<size_t>(options_.pipeline_depth, 1, kMaxPipelineDepth);
    latency_us_ = static_cast<double>(options_.pipeline_latency_ceiling.count());
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

  // A call waits for the end of this turn of the event loop, so the calls that concurrent updates
  // start in one turn can leave together (Flush).
  void Start(Call call) {
    if (shutting_) return;
    if (waiting_.size() >= kMaxWaiting) {
      return Complete(std::move(call), NetworkError("sendMessage", "too many calls waiting for a connection"));
    }
    waiting_.push_back(std::move(call));
    ScheduleFlush();
    EnsureSweep();
  }

  // As the Redis client's writes (async_redis_client.cpp): a post to the io_context, then back onto
  // the strand, runs after the handlers already queued, i.e. at the end of this turn.
  void ScheduleFlush() {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    net::post(strand_.get_inner_executor(), [self = this->shared_from_this()] {
      net::dispatch(self->strand_, [self] {
        self->flush_scheduled_ = false;
        self->Flush();
      });
    });
  }

  // Waiting calls go out in batches of up to BatchLimit() per connection, each batch in one write
  // (HTTP/1.1 pipelining), on an idle connection (most recently used first) or a new one.
  void Flush() {
    const auto now = SteadyClock::now();
    while (!waiting_.empty() && !shutting_) {
      ConnPtr c = TakeIdle(now);
      if (!c && open_ >= kMaxConnections) return;  // the next connection to free up takes them
      std::deque<Call> batch;
      const size_t n = std::min(waiting_.size(), BatchLimit());
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(waiting_.front()));
        waiting_.pop_front();
      }
      if (n > 1) pipelined_->Inc(static_cast<double>(n - 1));
      if (c) {
        Send(c, std::move(batch));
      } else {
        Connect(std::move(batch));
      }
    }
  }

  // Several requests per write only while the server answers fast: pipelined requests are answered
  // in order, so a call waits behind the ones before it. Against a far server (api.telegram.org over
  // the internet: tens of ms per answer) every call keeps a connection of its own, as without
  // pipelining; against a near one (a local Bot API server, the load harness) answers take well under
  // a millisecond and the batch saves a send and a receive per call (docs/design.md, "Threading of
  // `serve`", Bot API).
  size_t BatchLimit() const {
    return latency_us_ < static_cast<double>(options_.pipeline_latency_ceiling.count()) ? max_batch_ : 1;
  }

  void NoteLatency(SteadyClock::duration d) {
    const double us = std::chrono::duration<double, std::micro>(d).count();
    latency_us_ += (us - latency_us_) / 8;  // moving average over the last ~8 answers
  }

  ConnPtr TakeIdle(SteadyClock::time_point now) {
    while (!idle_.empty()) {
      ConnPtr c = std::move(idle_.back());
      idle_.pop_back();
      if (now - c->idle_since <= kMaxIdleAge) return c;
      Drop(c);
    }
    return nullptr;
  }

  void Connect(std::deque<Call> calls) {
    if (!tls_error_.empty()) {
      for (auto& call : calls) Complete(std::move(call), NetworkError("sendMessage", tls_error_));
      return;
    }
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
    c->deadline = std::min(EarliestDeadline(calls), SteadyClock::now() + options_.connect_timeout);
    c->calls = std::move(calls);
    AddBusy(c);
    resolver_.async_resolve(
        target_.host, target_.port,
        [self = this->shared_from_this(), c](boost::system::error_code ec, tcp::resolver::results_type results) {
          if (c->dead) return;
          if (ec) return self->Fail(c, "resolve: " + ec.message());
          net::async_connect(c->Socket(), results, [self, c](boost::system::error_code ec2, const tcp::endpoint&) {
            if (c->dead) return;
            if (ec2) return self->Fail(c, "connect: " + ec2.message());
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
                                  if (ec) return self->Fail(c, "TLS handshake: " + ec.message());
                                  self->Write(c);
                                });
    } else {
      Write(c);
    }
  }

  // A connection taken from the idle list.
  void Send(const ConnPtr& c, std::deque<Call> calls) {
    c->calls = std::move(calls);
    AddBusy(c);
    Write(c);
  }

  // The batch's requests, serialised by Beast, in one write; reading starts once it is out.
  void Write(const ConnPtr& c) {
    c->out.clear();
    for (auto& call : c->calls) {
      c->request.body() = std::move(call.payload);
      c->request.content_length(c->request.body().size());
      const auto ec = AppendSerialized(c->request, c->out);
      call.payload = std::move(c->request.body());  // kept for a retry
      if (ec) return Fail(c, "serialise: " + ec.message());
    }
    c->deadline = EarliestDeadline(c->calls);  // connect phase over: the calls' own deadlines
    c->written_at = SteadyClock::now();
    c->answered = false;
    net::async_write(c->stream, net::buffer(c->out),
                     [self = this->shared_from_this(), c](boost::system::error_code ec, size_t) {
                       if (c->dead) return;
                       if (ec) return self->Fail(c, "write: " + ec.message());
                       self->ParseAnswers(c);
                     });
  }

  void Read(const ConnPtr& c) {
    // Sized as Beast's own reads are (the free capacity, at least 512 bytes), as the webhook's do.
    c->stream.async_read_some(c->buffer.prepare(beast::read_size(c->buffer, kHttpMaxRead)),
                              [self = this->shared_from_this(), c](boost::system::error_code ec, size_t n) {
                                if (c->dead) return;
                                if (ec) return self->ReadFailed(c, ec);
                                c->buffer.commit(n);
                                c->answered = true;
                                self->ParseAnswers(c);
                              });
  }

  // An answer without Content-Length or chunked coding ends where the server closes the connection
  // (RFC 9112 §6.3; over TLS only a close_notify is such an end, a bare TCP close is a truncation):
  // that end is the front call's answer, not a failure. Anything else fails the connection.
  void ReadFailed(const ConnPtr& c, const boost::system::error_code& ec) {
    if (ec == net::error::eof && c->parser && c->parser->got_some()) {
      beast::error_code eof;
      c->parser->put_eof(eof);
      if (!eof && c->parser->is_done()) {
        Answered(c);  // says "Connection: close": the calls behind go out again on a fresh connection
        return;
      }
    }
    Fail(c, "read: " + ec.message());
  }

  // Beast's parser takes the answers from the buffer, in order, one per call; one read often holds
  // several. Reads again while calls remain and the buffer has no whole answer.
  void ParseAnswers(const ConnPtr& c) {
    while (!c->calls.empty()) {
      if (!c->parser) {
        c->parser.emplace(c->answer_body);
        c->parser->body_limit(kMaxBody);
        c->parser->eager(true);
      }
      if (c->buffer.size() == 0) return Read(c);
      beast::error_code ec;
      const size_t n = c->parser->put(c->buffer.data(), ec);
      c->buffer.consume(n);
      if (ec == http::error::need_more) {
        if (n == 0 || c->buffer.size() == 0) return Read(c);
        continue;
      }
      if (ec) return Fail(c, "read: " + ec.message());
      if (!c->parser->is_done()) continue;
      if (c->parser->status() / 100 == 1) {
        // An interim answer (100 Continue, 103 Early Hints): the call's final answer follows it
        // (RFC 9110 §15.2: a client parses them even unasked). Taken for the answer, it would
        // shift every later answer on the connection onto the wrong call.
        c->parser.reset();
        continue;
      }
      if (!Answered(c)) return;
    }
  }

  // The front call's answer is complete. False when the connection was given up (or went idle).
  bool Answered(const ConnPtr& c) {
    const long status = c->parser->status();
    const bool keep = c->parser->keep_alive();
    Result<Message> out = ReadSendMessageResponse(status, c->answer_body, "sendMessage");
    c->parser.reset();
    if (out.ok() && out->chat.id != c->calls.front().chat_id) {
      // Not this call's answer: one nobody asked for came first (written while the connection sat
      // idle, where no read watches it), and every answer behind it would go to the wrong call. The
      // calls on the connection fail (transient: redelivery recovers); it is not used again.
      Fail(c, "an answer for another chat (the connection is out of step)");
      return false;
    }
    NoteLatency(SteadyClock::now() - c->written_at);
    Call call = std::move(c->calls.front());
    c->calls.pop_front();
    if (!keep) {
      // The server closes after this answer and, as HTTP/1.1 requires, processed nothing after it:
      // the calls behind it are sent again on a fresh connection (not a retry: nothing was done).
      std::deque<Call> rest = Drop(c);
      Complete(std::move(call), std::move(out));
      if (!rest.empty() && !shutting_) Connect(std::move(rest));
      ScheduleFlush();
      return false;
    }
    if (c->calls.empty()) {
      // Bytes past the last answer would be an unasked-for response: do not reuse the connection.
      if (c->buffer.size() != 0) {
        Drop(c);
      } else {
        RemoveBusy(*c);
        c->reused = true;
        c->idle_since = SteadyClock::now();
        c->request.body().clear();
        if (!shutting_) idle_.push_back(c);
      }
      Complete(std::move(call), std::move(out));
      if (!waiting_.empty()) Flush();  // the connection that just freed takes the waiting calls
      return false;
    }
    c->deadline = EarliestDeadline(c->calls);
    Complete(std::move(call), std::move(out));
    return !c->dead;  // the callback may have shut the client down
  }

  // The connection failed (or could not be opened). Its unanswered calls fail, except when it was a
  // reused connection on which nothing of an answer came back since the batch was written: that is
  // what a keep-alive connection the server closed while idle looks like, and the calls are sent
  // once more on a fresh connection (each call at most once).
  void Fail(const ConnPtr& c, const std::string& what) {
    const bool stale = c->reused && !c->answered && !shutting_;
    std::deque<Call> calls = Drop(c);
    std::deque<Call> again;
    for (auto& call : calls) {
      if (stale && !call.retried) {
        call.retried = true;
        retries_->Inc();
        again.push_back(std::move(call));
      } else {
        Complete(std::move(call), NetworkError("sendMessage", what));
      }
    }
    if (!again.empty()) Connect(std::move(again));
    ScheduleFlush();
  }

  // Closes a connection (busy or idle) for good; returns its unanswered calls, for the caller to
  // complete or send again.
  std::deque<Call> Drop(const ConnPtr& c) {
    RemoveBusy(*c);
    Kill(*c);
    --open_;
    std::deque<Call> calls = std::move(c->calls);
    c->calls.clear();
    return calls;
  }

  void Complete(Call call, Result<Message> out) {
    metrics_.Finished(call.started, out);
    call.done(std::move(out));
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

  // Calls past their deadline fail (TELEGRAM_UNAVAILABLE) and their connections are closed; the
  // other calls of such a connection fail with them (their answers would come after the late one).
  void Sweep() {
    const auto now = SteadyClock::now();
    for (size_t i = 0; i < busy_.size();) {
      if (busy_[i]->deadline > now) {
        ++i;
        continue;
      }
      const ConnPtr c = busy_[i];  // a copy: Drop removes it from busy_ (swapping the last one into i)
      for (auto& call : Drop(c)) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - call.started).count();
        Complete(std::move(call), NetworkError("sendMessage", "timed out after " + std::to_string(ms) + " ms"));
      }
    }
    while (!waiting_.empty() && waiting_.front().deadline <= now) {
      Call call = std::move(waiting_.front());
      waiting_.pop_front();
      Complete(std::move(call), NetworkError("sendMessage", "timed out waiting for a connection"));
    }
    if (!waiting_.empty()) ScheduleFlush();
    if (!busy_.empty() || !waiting_.empty()) EnsureSweep();
  }

  net::strand<net::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  net::steady_timer sweep_;
  bool sweep_armed_ = false;
  bool flush_scheduled_ = false;
  std::chrono::milliseconds sweep_period_{kMaxSweep};
  Target target_;
  CurlBotApiOptions options_;
  std::string path_;
  ssl::context tls_;
  std::string tls_error_;  // the trust store could not be loaded: every https call fails with it
  bool shutting_ = false;
  size_t max_batch_ = 1;
  // Answer latency (write to whole answer), moving average; starts at the ceiling, so pipelining
  // begins only once answers have shown the server is near.
  double latency_us_ = 0;
  size_t open_ = 0;            // connections open or opening (idle + busy)
  std::vector<ConnPtr> idle_;  // most recently used last
  std::vector<ConnPtr> busy_;  // with calls; index in Conn::busy_index
  std::deque<Call> waiting_;   // calls not yet sent: this turn's, and those no connection was free for
  CallMetrics metrics_;
  metrics::Counter* retries_ = &metrics::Registry::Global().GetCounter(
      "worthit_telegram_stale_retries_total",
      "Bot API calls sent again after a kept-alive connection was found closed");
  metrics::Counter* pipelined_ = &metrics::Registry::Global().GetCounter(
      "worthit_telegram_pipelined_calls_total",
      "Bot API calls written behind another call in the same write (HTTP/1.1 pipelining)");
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
    call.chat_id = request.chat_id;
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
