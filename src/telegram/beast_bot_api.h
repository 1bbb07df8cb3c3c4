// MakeBeastBotApi: the event front door's Bot API client on Boost.Beast — HTTP/1.1 over plain TCP
// (http://) or TLS (https://, asio::ssl on OpenSSL), without libcurl's per-transfer machinery.
//
// Why: on the event path libcurl cost ≈ 13 % of `serve`'s CPU per update plus two poll() calls per
// transfer it makes itself (liveness check of a reused connection, readiness check of a timer-driven
// action). A sendMessage here is one write and one read on a kept-alive connection.
//
// Connections: one host (the base URL's), a keep-alive pool of at most kMaxConnections (Telegram's
// largest max_connections: one sendMessage per webhook request in flight), reused most-recent first.
// Batches (HTTP/1.1 pipelining): the calls started in one turn of the event loop leave at its end,
// up to options.pipeline_depth per connection in one write, and their answers come back in order
// on it; one read often takes several. This saves a send and a receive per call (≈ a fifth of
// `serve`'s CPU per link update: docs/performance.md, session 7), but a call waits behind the ones
// before it, so batches form only while answers come back within options.pipeline_latency_ceiling
// (5 ms) on average (a Bot API server on the same host or network); against api.telegram.org over the
// internet each call has a connection of its own. Calls beyond the connection bound wait in a FIFO.
// A connection the server closed while idle is noticed on use: calls that fail before any byte of an
// answer came back on a *reused* connection are sent once more on a fresh connection. When an answer
// says "Connection: close", the calls behind it (which the server did not process) go out again on a
// fresh connection. Idle connections older than kMaxIdleAge are not reused (servers drop idle
// keep-alive connections after 60–75 s).
// TLS: certificate chain verified (system store, or options.ca_file), host name checked (IP literal
// or DNS name), SNI sent for DNS names.
// Timeouts: connect_timeout for resolve + connect + handshake, request_timeout for the whole call
// (queueing included), enforced by one coarse sweep timer running while calls are pending (no timer
// per operation: each re-arm of the reactor's earliest deadline is a timerfd_settime syscall). A
// call always completes, at most one sweep period (≤ 100 ms) after its deadline. A call past its
// deadline closes its connection: the calls batched with it fail too (their answers were behind it).
// Errors: answers through ReadSendMessageResponse (MapBotApiResponse, api_error.h: the one mapping);
// transport failures and timeouts → NetworkError (TELEGRAM_UNAVAILABLE, transient). Interim 1xx answers
// are skipped; a body that ends at the server's close is an answer. Answers are matched to calls by
// order alone, so a success whose Message is in another chat than its call's means an answer nobody
// asked for came first (a server writing while the connection sat idle): the connection's calls fail
// (transient) and it is closed, instead of every later answer going to the wrong call.
// Not supported (MakeEventBotApi falls back to the libcurl client then): proxies from the
// environment, schemes other than http/https.
// Ownership / thread-safety: as AsyncBotApi (async_bot_api.h): SendMessage from any thread; `done`
// runs on the client's strand (StrandFor(io), common/io_strand.h: shared by the io_context's objects
// when one thread runs it, so a call from that strand starts inline; a call that fails at once —
// TLS trust store unusable, too many waiting — may then complete inside SendMessage) and must not block; calls in
// flight when the client is destroyed or the io_context stops are abandoned (their callbacks never run).
#pragma once

#include <memory>

#include "telegram/async_bot_api.h"

namespace worthit::telegram {

// Fails (returns nullptr) only for a base URL it cannot serve (not http/https, unparsable).
std::unique_ptr<AsyncBotApi> MakeBeastBotApi(boost::asio::io_context& io, const CurlBotApiOptions& options);

// The event path's client: Beast when it can serve the URL and no proxy is configured in the
// environment (https_proxy, HTTPS_PROXY, http_proxy, all_proxy, ALL_PROXY), else libcurl's multi
// interface (MakeCurlMultiBotApi).
std::unique_ptr<AsyncBotApi> MakeEventBotApi(boost::asio::io_context& io, const CurlBotApiOptions& options);

}  // namespace worthit::telegram
