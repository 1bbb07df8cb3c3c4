// IoStrand: the strand an Asio object on an io_context should run on — one strand shared by every
// object of an io_context that a single thread runs, or a fresh strand per object otherwise.
//
// Why: `serve` runs the webhook's sockets, the Redis client and the Bot API client on one io_context,
// by default with one thread (HTTP_THREADS=1). With a strand per object, every hand-off between them
// (session → Redis client → Bot API client → session) is a post: a trip through the scheduler's
// queue, which also costs an extra epoll_wait between handlers. With one shared strand a hand-off
// is a net::dispatch that runs inline (the caller already runs on that strand), and a write
// deferred with a post lands after the rest of the ready handlers, so concurrent updates' Redis
// commands go out together (docs/performance.md, session 5).
// Correctness does not depend on the thread count: a shared strand serialises every handler of
// the objects that use it, so an io_context run by several threads stays safe — it only loses the
// parallelism, which is why MakeIoContext (webhook_server.h) shares one only for a single thread.
// Header-only, Asio included: include it from .cpp files that already use Asio, never from widely
// included headers. Thread-safety: ShareOneStrand before objects are created on the io_context;
// StrandFor from any thread.
#pragma once

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace worthit {

using IoStrand = boost::asio::strand<boost::asio::io_context::executor_type>;

namespace detail {
// An io_context service holding the shared strand; its presence means "one strand for all".
class SharedStrandService : public boost::asio::execution_context::service {
 public:
  using key_type = SharedStrandService;
  inline static boost::asio::execution_context::id id;  // NOLINT(readability-identifier-naming): Asio's name
  explicit SharedStrandService(boost::asio::io_context& io)
      : boost::asio::execution_context::service(io), strand_(boost::asio::make_strand(io)) {}
  const IoStrand& strand() const { return strand_; }

 private:
  void shutdown() override {}
  IoStrand strand_;
};
}  // namespace detail

// Makes every later StrandFor(io) return the same strand. Idempotent.
inline void ShareOneStrand(boost::asio::io_context& io) {
  boost::asio::use_service<detail::SharedStrandService>(io);  // created on first use
}

// The io_context's shared strand if ShareOneStrand was called on it, else a new strand.
inline IoStrand StrandFor(boost::asio::io_context& io) {
  if (boost::asio::has_service<detail::SharedStrandService>(io)) {
    return boost::asio::use_service<detail::SharedStrandService>(io).strand();
  }
  return boost::asio::make_strand(io);
}

}  // namespace worthit
