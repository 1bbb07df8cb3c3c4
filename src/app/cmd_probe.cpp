// `worthit probe URL`: GET a health endpoint and exit 0 on a 2xx answer, 1 otherwise — a container
// health check (docker compose healthcheck) without curl or wget in the runtime image.
#include <iostream>
#include <memory>

#include "app/command.h"
#include "webhook/http_call.h"

namespace worthit::app {
namespace {

const CommandRegistrar kProbe(
    {"probe", "GET a health URL (e.g. http://127.0.0.1:8080/readyz); exit 0 on 2xx", 95,
     [](CLI::App& sub) -> CommandRun {
       auto url = std::make_shared<std::string>();
       auto timeout_s = std::make_shared<int>(3);
       sub.add_option("url", *url, "URL to GET")->required();
       sub.add_option("--timeout", *timeout_s, "Seconds before giving up")->check(CLI::Range(1, 60));
       return [url, timeout_s] {
         webhook::HttpCallRequest req;
         req.url = *url;
         req.timeout = std::chrono::seconds(*timeout_s);
         req.connect_timeout = req.timeout;
         auto r = webhook::HttpCall(req);
         if (!r.ok()) {
           std::cerr << "worthit probe: " << r.error().ToString() << "\n";
           return kExitFailure;
         }
         std::cout << r->status << " " << r->body;
         return r->status >= 200 && r->status < 300 ? kExitOk : kExitFailure;
       };
     }});

}  // namespace
}  // namespace worthit::app
