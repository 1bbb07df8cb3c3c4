// ScriptedHttpServer: a Bot API endpoint on 127.0.0.1 (free port), plain HTTP or TLS, for the
// transport tests of the Beast client — what FakeTelegram does not show: connections accepted,
// connections closed behind the client's back, TLS handshakes that failed.
//
// HTTP is Beast's (read/write of messages); TLS is asio::ssl with a certificate made at test time by
// MakeSelfSignedCertificate (the `openssl` CLI). Every request is answered by the script (default: a
// sendMessage result echoing chat_id and text, message_id counting from 1000). An Answer can delay,
// and can close the connection right after answering without saying so (no "Connection: close"),
// which is what a server dropping an idle keep-alive connection looks like to the client; or drop
// the connection without answering; or answer with "Connection: close" and stop, as a server does at
// its keep-alive request limit. Requests are read and answered one after the other, so pipelined
// requests are answered in order (as nginx does). Framing variants, all written by Beast: an interim
// "100 Continue" before the answer, a chunked body, a body delimited by the server's close (no
// Content-Length). `raw` replaces the answer with bytes as given (a broken server). SendUnasked
// writes a whole answer nobody asked for on the connection that answered last.
// Ownership: the server owns its io_context, thread, sockets. Thread-safety: public methods from any
// thread; the script runs on the server's thread. Failure: the constructor throws when it cannot
// listen or load the certificate.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace worthit::testing {

struct TlsFiles {
  std::string cert;  // PEM certificate (also the CA file a client trusts: it is self-signed)
  std::string key;   // PEM private key
};

// A self-signed certificate for `san` (e.g. "IP:127.0.0.1" or "DNS:localhost") in `dir`, named
// `name`.pem / `name`.key. Returns nullopt when the openssl CLI failed.
std::optional<TlsFiles> MakeSelfSignedCertificate(const std::string& dir, const std::string& name,
                                                  const std::string& san);

class ScriptedHttpServer {
 public:
  struct Answer {
    int status = 200;
    std::string body;  // empty: the default sendMessage result
    std::chrono::milliseconds delay{0};
    bool close_after = false;      // close the connection after this answer, without "Connection: close"
    bool drop = false;             // close the connection instead of answering
    bool announce_close = false;   // answer with "Connection: close", then close (reading nothing more)
    bool interim = false;          // an interim "HTTP/1.1 100 Continue" before the answer
    bool chunked = false;          // the body in the chunked transfer coding
    bool close_delimited = false;  // no Content-Length: "Connection: close", the body ends at the close
    size_t header_padding = 0;     // an extra header of this many bytes (an oversized answer head)
    std::string raw{};             // non-empty: these bytes instead of an HTTP answer
  };
  using Script = std::function<Answer(const std::string& target, const std::string& body)>;

  explicit ScriptedHttpServer(std::optional<TlsFiles> tls = std::nullopt);
  ~ScriptedHttpServer();
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  uint16_t port() const;
  std::string BaseUrl() const;  // http(s)://127.0.0.1:port
  void SetScript(Script script);

  size_t Accepted() const { return accepted_; }
  size_t Requests() const { return requests_; }
  size_t HandshakeFailures() const { return handshake_failures_; }
  // Writes a 200 sendMessage answer (chat 999, text "unasked") on the connection that answered last,
  // between requests; true once written (bounded wait).
  bool SendUnasked();
  std::vector<std::string> Targets() const;

 private:
  struct Impl;
  std::atomic<size_t> accepted_{0};
  std::atomic<size_t> requests_{0};
  std::atomic<size_t> handshake_failures_{0};
  mutable std::mutex mu_;
  Script script_;                     // guarded by mu_
  std::vector<std::string> targets_;  // guarded by mu_
  bool tls_ = false;
  std::unique_ptr<Impl> impl_;  // last: its thread uses the members above
};

}  // namespace worthit::testing
