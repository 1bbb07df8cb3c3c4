#include "telegram/async_bot_api.h"

#include <curl/curl.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <map>
#include <optional>
#include <vector>

#include "common/curl_global.h"
#include "common/log.h"
#include "telegram/api_error.h"
#include "telegram/bot_api_wire.h"
#include "telegram/call_metrics.h"

namespace worthit::telegram {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Bot API answers are small; 16 MiB caps a broken or hostile endpoint (as the blocking client).
constexpr size_t kMaxBody = 16u << 20;
// Easy handles kept for reuse: about the webhook's concurrent requests (Telegram's max_connections).
constexpr size_t kMaxIdleHandles = 64;
// Idle connections the multi handle keeps for reuse: Telegram's largest max_connections (100) opens
// at most that many webhook requests at once, each with one sendMessage in flight. Without it curl
// sizes its cache to 4x the transfers in flight at that moment, so every lull after a burst closed
// connections the next burst had to open again (a connect, TCP and keep-alive setup per reopen).
constexpr long kMaxCachedConnections = 100;

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > kMaxBody) return 0;
  out->append(data, size * n);
  return size * n;
}

struct Transfer {
  CURL* easy = nullptr;
  std::string payload;
  std::string response;
  char errbuf[CURL_ERROR_SIZE] = {0};
  std::function<void(Result<Message>)> done;
  std::chrono::steady_clock::time_point started;
};

class CurlMultiBotApi final : public AsyncBotApi {
 public:
  CurlMultiBotApi(net::io_context& io, CurlBotApiOptions options) : impl_(std::make_shared<Impl>(io, options)) {}
  ~CurlMultiBotApi() override {
    net::post(impl_->strand, [impl = impl_] { impl->Shutdown(); });
  }

  void SendMessage(const SendMessageRequest& req, std::function<void(Result<Message>)> done) override {
    auto t = std::make_unique<Transfer>();
    t->payload = SerializeSendMessageBody(req);
    t->done = std::move(done);
    net::post(impl_->strand, [impl = impl_, t = std::move(t)]() mutable { impl->Start(std::move(t)); });
  }

 private:
  struct Socket {
    explicit Socket(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    int want = 0;  // CURL_POLL_IN / OUT / INOUT, 0 = not watched
    bool reading = false;
    bool writing = false;
  };

  struct Impl : std::enable_shared_from_this<Impl> {
    Impl(net::io_context& io, CurlBotApiOptions o)
        : strand(net::make_strand(io)), timer(strand), options(std::move(o)) {
      EnsureCurlGlobalInit();
      while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
      if (!options.token.empty()) log::AddSecret(options.token);
      url = options.base_url + "/bot" + options.token + "/sendMessage";
      headers = curl_slist_append(nullptr, "Content-Type: application/json");
      multi = curl_multi_init();
      curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
      curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
      curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
      curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
      curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, kMaxCachedConnections);
    }
    ~Impl() {
      Shutdown();
      curl_multi_cleanup(multi);
      curl_slist_free_all(headers);
    }

    // Ends every transfer (their callbacks are dropped: the process is stopping) and frees handles.
    void Shutdown() {
      for (auto& [easy, t] : transfers) {
        curl_multi_remove_handle(multi, easy);
        curl_easy_cleanup(easy);
      }
      transfers.clear();
      for (CURL* h : idle) curl_easy_cleanup(h);
      idle.clear();
      timer.cancel();
    }

    // A new easy handle gets the options every sendMessage shares; a reused one keeps them (all
    // transfers are the same POST), so a call only sets its body, its buffers and its error buffer.
    CURL* NewHandle() {
      CURL* h = curl_easy_init();
      if (h == nullptr) return nullptr;
      curl_easy_setopt(h, CURLOPT_URL, url.c_str());
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteBody);
      curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
      curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
      curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
      curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
      if (!options.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str());
      curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, &Impl::OnOpenSocket);
      curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, this);
      curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, &Impl::OnCloseSocket);
      curl_easy_setopt(h, CURLOPT_CLOSESOCKETDATA, this);
      return h;
    }

    void Start(std::unique_ptr<Transfer> t) {
      CURL* h = nullptr;
      if (!idle.empty()) {
        h = idle.back();
        idle.pop_back();
      } else {
        h = NewHandle();
      }
      if (h == nullptr) return t->done(NetworkError("sendMessage", "curl_easy_init failed"));
      t->easy = h;
      t->started = std::chrono::steady_clock::now();
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, t->payload.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(t->payload.size()));
      curl_easy_setopt(h, CURLOPT_WRITEDATA, &t->response);
      curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->errbuf);
      transfers.emplace(h, std::move(t));
      if (curl_multi_add_handle(multi, h) != CURLM_OK) {
        auto owned = std::move(transfers[h]);
        transfers.erase(h);
        curl_easy_cleanup(h);
        owned->done(NetworkError("sendMessage", "curl_multi_add_handle failed"));
      }
    }

    // Completed transfers → callbacks.
    void Harvest() {
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL* h = msg->easy_handle;
        const CURLcode rc = msg->data.result;
        auto it = transfers.find(h);
        curl_multi_remove_handle(multi, h);
        if (it == transfers.end()) {
          curl_easy_cleanup(h);
          continue;
        }
        std::unique_ptr<Transfer> t = std::move(it->second);
        transfers.erase(it);
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (idle.size() < kMaxIdleHandles) {
          idle.push_back(h);
        } else {
          curl_easy_cleanup(h);
        }
        Result<Message> out = rc != CURLE_OK
                                  ? Result<Message>(NetworkError(
                                        "sendMessage", log::Redact(t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc))))
                                  : ReadSendMessageResponse(status, t->response, "sendMessage");
        call_metrics.Finished(t->started, out);
        t->done(std::move(out));
      }
    }

    void Action(curl_socket_t fd, int events) {
      const int64_t calls = curl_timer_calls;
      int running = 0;
      curl_multi_socket_action(multi, fd, events, &running);
      Harvest();
      EnsureTimer(fd == CURL_SOCKET_TIMEOUT ? calls : -1);
    }

    // One readiness wait per direction at a time. When it fires, curl acts on the socket, and the
    // watch re-arms while the socket is still the one curl knows under `fd` (curl may have closed
    // it and reused the number) and still wants that direction.
    void WatchDirection(const std::shared_ptr<Socket>& s, curl_socket_t fd, bool out) {
      const int want = out ? CURL_POLL_OUT : CURL_POLL_IN;
      bool& pending = out ? s->writing : s->reading;
      if (!(s->want & want) || pending) return;
      pending = true;
      s->socket.async_wait(out ? tcp::socket::wait_write : tcp::socket::wait_read,
                           [self = shared_from_this(), s, fd, out, want](boost::system::error_code ec) {
                             (out ? s->writing : s->reading) = false;
                             auto current = [&] {
                               auto it = self->sockets.find(fd);
                               return it != self->sockets.end() && it->second == s;
                             };
                             if (ec || !current() || !(s->want & want)) return;
                             self->Action(fd, out ? CURL_CSELECT_OUT : CURL_CSELECT_IN);
                             if (current()) self->Watch(s, fd);
                           });
    }

    void Watch(const std::shared_ptr<Socket>& s, curl_socket_t fd) {
      WatchDirection(s, fd, false);
      WatchDirection(s, fd, true);
    }

    static int OnSocket(CURL*, curl_socket_t fd, int what, void* user, void*) {
      auto* self = static_cast<Impl*>(user);
      auto it = self->sockets.find(fd);
      if (it == self->sockets.end()) return 0;  // not ours (curl opened it another way): nothing to watch
      it->second->want = what == CURL_POLL_REMOVE ? 0 : what;
      if (what != CURL_POLL_REMOVE) self->Watch(it->second, fd);
      return 0;
    }

    // curl asks to be called back after timeout_ms (-1: no timeout needed). The reactor's timer costs
    // a timerfd_settime syscall whenever its earliest deadline moves, and curl moves its deadline
    // several times per transfer; so the asio timer is re-armed only when curl needs it *sooner* than
    // it is set, and may fire early. Firing early is harmless only if curl's own deadline is then
    // armed again: curl reports a deadline once (it calls back only when it changes), so it is kept
    // in curl_deadline and EnsureTimer() re-arms it after every action. "Now" (0) is a posted call.
    static int OnTimer(CURLM*, long timeout_ms, void* user) {
      auto* self = static_cast<Impl*>(user);
      ++self->curl_timer_calls;
      if (timeout_ms < 0) {
        self->curl_deadline.reset();
        return 0;
      }
      const auto when = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
      self->curl_deadline = when;
      if (timeout_ms == 0) {
        self->PostDue();
      } else if (!self->timer_armed || self->timer_deadline > when) {
        self->Arm(when);
      }
      return 0;
    }

    void PostDue() {
      if (due_now) return;
      due_now = true;
      net::post(strand, [weak = weak_from_this()] {
        auto s = weak.lock();
        if (!s) return;
        s->due_now = false;
        s->Action(CURL_SOCKET_TIMEOUT, 0);
      });
    }

    void Arm(std::chrono::steady_clock::time_point when) {
      timer_armed = true;
      timer_deadline = when;
      timer.expires_at(when);
      timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        auto s = weak.lock();
        if (!s || ec == net::error::operation_aborted) return;
        s->timer_armed = false;
        s->Action(CURL_SOCKET_TIMEOUT, 0);
      });
    }

    // After an action: curl's deadline, if any, must be covered by the timer (or a posted call).
    // timed_out_calls: curl_timer_calls before a CURL_SOCKET_TIMEOUT action (-1 for socket actions).
    void EnsureTimer(int64_t timed_out_calls) {
      if (!curl_deadline) return;
      const auto now = std::chrono::steady_clock::now();
      if (*curl_deadline <= now) {
        // Unchanged by a timeout action that ran after it: curl has run what was due.
        if (timed_out_calls == curl_timer_calls) {
          curl_deadline.reset();
        } else {
          PostDue();
        }
        return;
      }
      if (!timer_armed || timer_deadline > *curl_deadline) Arm(*curl_deadline);
    }

    static curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
      auto* self = static_cast<Impl*>(user);
      if (purpose != CURLSOCKTYPE_IPCXN || (address->family != AF_INET && address->family != AF_INET6)) {
        return CURL_SOCKET_BAD;
      }
      tcp::socket socket(self->strand);
      boost::system::error_code ec;
      socket.open(address->family == AF_INET ? tcp::v4() : tcp::v6(), ec);
      if (ec) return CURL_SOCKET_BAD;
      const curl_socket_t fd = socket.native_handle();
      self->sockets[fd] = std::make_shared<Socket>(std::move(socket));
      return fd;
    }

    static int OnCloseSocket(void* user, curl_socket_t fd) {
      auto* self = static_cast<Impl*>(user);
      auto it = self->sockets.find(fd);
      if (it == self->sockets.end()) return ::close(fd);
      boost::system::error_code ec;
      it->second->socket.close(ec);  // cancels its waits
      self->sockets.erase(it);
      return 0;
    }

    net::strand<net::io_context::executor_type> strand;
    net::steady_timer timer;
    bool timer_armed = false;
    std::chrono::steady_clock::time_point timer_deadline{};
    bool due_now = false;
    std::optional<std::chrono::steady_clock::time_point> curl_deadline;  // what curl last asked for
    int64_t curl_timer_calls = 0;
    CurlBotApiOptions options;
    std::string url;
    curl_slist* headers = nullptr;  // the same for every call; outlives the handles using it
    CURLM* multi = nullptr;
    std::map<CURL*, std::unique_ptr<Transfer>> transfers;
    std::vector<CURL*> idle;
    std::map<curl_socket_t, std::shared_ptr<Socket>> sockets;
    CallMetrics call_metrics;
  };

  std::shared_ptr<Impl> impl_;
};

}  // namespace

std::unique_ptr<AsyncBotApi> MakeCurlMultiBotApi(net::io_context& io, const CurlBotApiOptions& options) {
  return std::make_unique<CurlMultiBotApi>(io, options);
}

}  // namespace worthit::telegram
