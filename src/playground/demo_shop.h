// DemoShop: serves the demo catalogue (demo_shop_catalog.h) over HTTP on a loopback port, so the
// playground's bot has real product pages to fetch (FETCH_ALLOW opens only this host:port).
// Ownership: owns its HttpServer. Thread-safety: Start/Stop from one thread; serving is
// concurrent. Failure modes: Start fails with HTTP_LISTEN_FAILED.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "playground/http_server.h"

namespace worthit::playground {

struct DemoLink {
  std::string url;       // http://127.0.0.1:PORT/p/<slug>
  std::string name;      // product name
  std::string language;  // "it" / "en"
  std::string expected;  // the verdict the page is built to show
};

class DemoShop {
 public:
  explicit DemoShop(std::string address = "127.0.0.1") : address_(std::move(address)) {}
  Status Start(uint16_t port);  // 0 = any free port
  void Stop() { server_.Stop(); }
  uint16_t port() const { return server_.port(); }
  std::string BaseUrl() const;
  std::vector<DemoLink> Links() const;

 private:
  std::string address_;
  HttpServer server_;
};

}  // namespace worthit::playground
