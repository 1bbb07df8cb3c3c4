// ApiOnIoThread: an event Bot API client for tests, on an io_context run by its own thread, with a
// blocking Send. Shared by the event-client tests (async_bot_api_test, beast_bot_api_test).
//
// Ownership: owns the io_context, its thread and `api` (made by the test on io()). The destructor
// drops `api` first, then stops the loop and joins the thread. Send waits at most `wait` for the
// callback (a hang is a TEST_TIMEOUT error, never a stuck test).
#pragma once

#include <boost/asio.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "telegram/async_bot_api.h"

namespace worthit::testing {

class ApiOnIoThread {
 public:
  ApiOnIoThread() : thread_([this] { io_.run(); }) {}
  ~ApiOnIoThread() {
    api.reset();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  ApiOnIoThread(const ApiOnIoThread&) = delete;
  ApiOnIoThread& operator=(const ApiOnIoThread&) = delete;

  boost::asio::io_context& io() { return io_; }

  // sendMessage of `text` to `chat` (a reply to `reply_to` when non-zero) through `api`.
  Result<telegram::Message> Send(const std::string& text, int64_t chat, int64_t reply_to = 0,
                                 std::chrono::seconds wait = std::chrono::seconds(30)) {
    std::promise<Result<telegram::Message>> p;
    auto f = p.get_future();
    telegram::SendMessageRequest req;
    req.chat_id = chat;
    req.text = text;
    if (reply_to != 0) req.reply_to_message_id = reply_to;
    api->SendMessage(req, [&p](Result<telegram::Message> r) { p.set_value(std::move(r)); });
    if (f.wait_for(wait) != std::future_status::ready) return Error::Transient("TEST_TIMEOUT", "no callback");
    return f.get();
  }

  std::unique_ptr<telegram::AsyncBotApi> api;

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ = boost::asio::make_work_guard(io_);
  std::thread thread_;  // last: runs io_ from construction on
};

}  // namespace worthit::testing
