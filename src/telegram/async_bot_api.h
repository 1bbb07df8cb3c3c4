// AsyncBotApi: the Bot API calls of the event-driven front door, without a thread per call.
//
// Implementations: MakeBeastBotApi (beast_bot_api.h, the default of the event path since session 4)
// and MakeCurlMultiBotApi below, which MakeEventBotApi picks when a proxy is configured.
//
// MakeCurlMultiBotApi: libcurl's multi_socket interface driven by an Asio io_context (sockets
// watched with async_wait, curl's timer on a steady_timer), so a sendMessage in flight costs no
// thread: the io thread that started it serves other requests until Telegram answers. libcurl keeps
// what the blocking client has (TLS and its session cache, proxies from the environment, HTTP/2 to
// api.telegram.org, connection reuse through the multi handle's cache) and the request body and the
// error mapping are the blocking client's own (bot_api_wire.h, api_error.h): same codes
// (TELEGRAM_RATE_LIMITED with retry_after, TELEGRAM_FORBIDDEN, TELEGRAM_UNAVAILABLE, ...).
// Timeouts: connect_timeout per connection and request_timeout per call (CurlBotApiOptions), run by
// curl's timer; a call always completes.
// Ownership: the client owns its multi handle, easy handles and sockets (opened and closed through
// libcurl's open/close socket callbacks, so Asio never watches a descriptor curl has closed).
// Destroying it fails nothing that already completed; calls still in flight when the io_context
// stops are abandoned (their callbacks never run), as for every Asio operation.
// Thread-safety: SendMessage may be called from any thread; `done` runs on the client's strand and
// must not block.
#pragma once

#include <functional>
#include <memory>

#include "common/result.h"
#include "telegram/bot_api.h"
#include "telegram/curl_bot_api.h"

namespace boost::asio {
class io_context;
}

namespace worthit::telegram {

class AsyncBotApi {
 public:
  virtual ~AsyncBotApi() = default;
  virtual void SendMessage(const SendMessageRequest& request, std::function<void(Result<Message>)> done) = 0;
};

std::unique_ptr<AsyncBotApi> MakeCurlMultiBotApi(boost::asio::io_context& io, const CurlBotApiOptions& options);

}  // namespace worthit::telegram
