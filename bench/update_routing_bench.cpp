// Update parsing and routing cost, in process (no sockets): what the front door spends per update
// before Telegram and the queue are involved. Side by side in one run:
//   BM_ParseUpdate       JSON → telegram::Update
//   BM_DetectLinks       link detection on a message with an emoji before the URL
//   BM_HandleLinkUpdate  Bot::HandleUpdate of a product link (memory stores + memory queue +
//                        in-process FakeBotApi): dedupe, ack, ack record, enqueue, mark handled
//   BM_HandleDuplicate   the same update again (dedupe hit)
// Run: build/debug/bench/update_routing_bench (numbers from a debug build are for ratios only).
#include <benchmark/benchmark.h>

#include "bot/bot.h"
#include "bot/link_detector.h"
#include "common/log.h"
#include "store/store_factory.h"
#include "support/fake_bot_api.h"

namespace {

using namespace worthit;

std::string LinkUpdate(int64_t id) {
  return R"({"update_id":)" + std::to_string(id) +
         R"(,"message":{"message_id":77,"date":1767225600,"from":{"id":5001,"is_bot":false,"first_name":"G","language_code":"it"},"chat":{"id":5001,"type":"private"},"text":"🎧😀 guarda https://www.amazon.it/dp/B0TEST1234 che ne pensi?","entities":[{"type":"url","offset":12,"length":35}]}})";
}

void BM_ParseUpdate(benchmark::State& state) {
  const std::string json = LinkUpdate(1);
  for (auto _ : state) benchmark::DoNotOptimize(telegram::ParseUpdate(json));
}
BENCHMARK(BM_ParseUpdate);

void BM_DetectLinks(benchmark::State& state) {
  auto u = *telegram::ParseUpdate(LinkUpdate(1));
  for (auto _ : state) benchmark::DoNotOptimize(bot::DetectLinks(*u.message));
}
BENCHMARK(BM_DetectLinks);

struct World {
  World() {
    queue = queue::OpenQueue("memory://", {}, clock).value();
    stores = *store::OpenFrontDoorStores("memory://", clock);
    insights = bot::MakeUnavailableInsights();
    b = std::make_unique<bot::Bot>(bot::BotDeps{api, *queue, *stores.conversations, *stores.updates, *insights, clock},
                                   bot::BotOptions{"WorthItTestBot"});
  }
  ManualClock clock;
  worthit::testing::FakeBotApi api;
  std::unique_ptr<queue::TaskQueue> queue;
  store::FrontDoorStores stores;
  std::unique_ptr<bot::InsightsHandler> insights;
  std::unique_ptr<bot::Bot> b;
};

void BM_HandleLinkUpdate(benchmark::State& state) {
  World w;
  int64_t id = 1;
  for (auto _ : state) {
    state.PauseTiming();
    auto u = *telegram::ParseUpdate(LinkUpdate(id++));
    if (id % 4096 == 0) w.api.Clear();
    state.ResumeTiming();
    benchmark::DoNotOptimize(w.b->HandleUpdate(u));
  }
}
BENCHMARK(BM_HandleLinkUpdate);

void BM_HandleDuplicate(benchmark::State& state) {
  World w;
  auto u = *telegram::ParseUpdate(LinkUpdate(1));
  (void)w.b->HandleUpdate(u);
  for (auto _ : state) benchmark::DoNotOptimize(w.b->HandleUpdate(u));
}
BENCHMARK(BM_HandleDuplicate);

}  // namespace

int main(int argc, char** argv) {
  worthit::log::Configure(worthit::log::Level::kWarn, worthit::log::Format::kText);  // one info line per link otherwise
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
