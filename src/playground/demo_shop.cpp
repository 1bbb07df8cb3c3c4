#include "playground/demo_shop.h"

#include "playground/demo_shop_catalog.h"

namespace worthit::playground {

std::string DemoShop::BaseUrl() const { return "http://" + address_ + ":" + std::to_string(port()); }

Status DemoShop::Start(uint16_t port) {
  return server_.Start(address_, port, [this](const HttpRequest& req) {
    if (req.method != "GET" && req.method != "HEAD") return HttpResponse::Text(405, "method not allowed\n");
    if (req.path == "/healthz") return HttpResponse::Text(200, "ok\n");
    auto page = RenderDemoShopPage(req.path, BaseUrl());
    if (!page) return HttpResponse::Html(404, "<!doctype html><title>404</title><h1>Pagina non trovata</h1>");
    return HttpResponse::Html(200, std::move(*page));
  });
}

std::vector<DemoLink> DemoShop::Links() const {
  std::vector<DemoLink> out;
  for (const auto& p : DemoCatalog()) out.push_back({BaseUrl() + "/p/" + p.slug, p.name, p.language, p.expected});
  return out;
}

}  // namespace worthit::playground
