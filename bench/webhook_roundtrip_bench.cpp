// Webhook round trip in one process, over real sockets on 127.0.0.1: a product-link update is
// POSTed to the Beast server (keep-alive connection), the bot sends the acknowledgement to the
// fake Bot API through the libcurl client, enqueues the task (memory://), answers 200.
//   BM_WebhookLinkUpdate  the full intake path per update
//   BM_WebhookDuplicate   the same update again (dedupe: no Telegram call)
//   BM_Healthz            the server's own floor (no bot code)
// The fake Telegram and the client share the process and the cores: compare the rows, not the
// absolute numbers. Run: build/debug/bench/webhook_roundtrip_bench
#include <benchmark/benchmark.h>
#include <curl/curl.h>

#include "bot/bot.h"
#include "common/log.h"
#include "store/store_factory.h"
#include "support/fake_telegram.h"
#include "telegram/curl_bot_api.h"
#include "webhook/webhook_server.h"

namespace {

using namespace worthit;

std::string LinkUpdate(int64_t id) {
  return R"({"update_id":)" + std::to_string(id) +
         R"(,"message":{"message_id":77,"date":1767225600,"from":{"id":5001,"is_bot":false,"first_name":"G","language_code":"it"},"chat":{"id":5001,"type":"private"},"text":"https://www.amazon.it/dp/B0TEST1234"}})";
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

struct Stack {
  Stack() {
    telegram::CurlBotApiOptions o;
    o.base_url = fake.BaseUrl();
    o.token = worthit::testing::FakeTelegram::kToken;
    api = telegram::MakeCurlBotApi(o);
    queue = queue::OpenQueue("memory://", {}).value();
    stores = *store::OpenFrontDoorStores("memory://");
    insights = bot::MakeUnavailableInsights();
    b = std::make_unique<bot::Bot>(
        bot::BotDeps{*api, *queue, *stores.conversations, *stores.updates, *insights, SystemClock::Instance()},
        bot::BotOptions{"WorthItTestBot"});
    auto handler = std::make_shared<const webhook::WebhookHandler>(
        webhook::WebhookHandlerOptions{"/telegram/webhook", "bench-secret", 1 << 20, ""},
        [this](const telegram::Update& u) -> Status {
          auto r = b->HandleUpdate(u);
          if (!r.ok()) return r.error();
          return OkStatus();
        },
        nullptr);
    webhook::WebhookServerOptions so;
    so.listen_addr = "127.0.0.1";
    so.port = 0;
    server = webhook::WebhookServer::Start(so, handler).value();
    curl = curl_easy_init();
    headers = curl_slist_append(nullptr, "X-Telegram-Bot-Api-Secret-Token: bench-secret");
    headers = curl_slist_append(headers, "Content-Type: application/json");
  }
  ~Stack() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    server->Stop(std::chrono::seconds(5));
  }
  long Post(const std::string& path, const std::string* body) {
    const std::string url = "http://127.0.0.1:" + std::to_string(server->port()) + path;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Discard);
    if (body) {
      curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
    } else {
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }

  worthit::testing::FakeTelegram fake;
  std::unique_ptr<telegram::BotApi> api;
  std::unique_ptr<queue::TaskQueue> queue;
  store::FrontDoorStores stores;
  std::unique_ptr<bot::InsightsHandler> insights;
  std::unique_ptr<bot::Bot> b;
  std::unique_ptr<webhook::WebhookServer> server;
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
};

void BM_WebhookLinkUpdate(benchmark::State& state) {
  Stack s;
  int64_t id = 1;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string body = LinkUpdate(id++);
    if (id % 2048 == 0) s.fake.ClearCalls();
    state.ResumeTiming();
    if (s.Post("/telegram/webhook", &body) != 200) state.SkipWithError("not 200");
  }
}
BENCHMARK(BM_WebhookLinkUpdate)->UseRealTime();

void BM_WebhookDuplicate(benchmark::State& state) {
  Stack s;
  const std::string body = LinkUpdate(1);
  (void)s.Post("/telegram/webhook", &body);
  for (auto _ : state) {
    if (s.Post("/telegram/webhook", &body) != 200) state.SkipWithError("not 200");
  }
}
BENCHMARK(BM_WebhookDuplicate)->UseRealTime();

void BM_Healthz(benchmark::State& state) {
  Stack s;
  for (auto _ : state) {
    if (s.Post("/healthz", nullptr) != 200) state.SkipWithError("not 200");
  }
}
BENCHMARK(BM_Healthz)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  worthit::log::Configure(worthit::log::Level::kWarn, worthit::log::Format::kText);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
