// LoopbackListener: the socket plumbing the tests' fake servers share — a TCP listener on
// 127.0.0.1 (a free port), an accept thread, and one thread per connection running the server's
// `serve(fd)` (HTTP parsing and answers stay in each fake).
//
// Ownership: the listener owns the listening socket, every accepted fd (closed after `serve`
// returns) and all threads. Stop() (also the destructor) stops accepting, shuts every open
// connection down so blocked reads in `serve` return, and joins the threads — bounded: `serve`
// must return once its reads fail or its owner's own stop flag is set (set it, and wake the
// owner's condition variables, BEFORE calling Stop()).
// Thread-safety: port() any time; Stop() from any one thread, more than once is fine.
// Failure: the constructor throws std::runtime_error naming `who` when it cannot listen.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace worthit::testing {

class LoopbackListener {
 public:
  LoopbackListener(std::string who, int backlog, std::function<void(int fd)> serve);
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  uint16_t port() const { return port_; }
  void Stop();

 private:
  void AcceptLoop();

  std::function<void(int)> serve_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::mutex mu_;
  bool stopping_ = false;                 // guarded by mu_
  std::set<int> open_fds_;                // guarded by mu_
  std::vector<std::thread> connections_;  // guarded by mu_
  std::thread acceptor_;
};

// Writes all of `data` (MSG_NOSIGNAL); false when the peer went away.
bool WriteAll(int fd, const std::string& data);

}  // namespace worthit::testing
