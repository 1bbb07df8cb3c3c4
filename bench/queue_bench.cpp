// Queue throughput per backend (Google Benchmark; a measurement, not a test).
//
//   BM_Enqueue/<backend>            one Enqueue per task (one round trip / transaction each)
//   BM_EnqueueBatch/<backend>       EnqueueBatch of 100 (one pipeline / transaction per batch)
//   BM_EndToEnd/<backend>/<C>       enqueue → lease → ack of kRunTasks tasks: one producer thread
//                                   (EnqueueBatch of 100) and C consumer threads, each with its
//                                   own queue object (own connection), LeaseTasks(64) + AckBatch;
//                                   timed from the first enqueue to the last ack
//   BM_RedisXaddReference/<P>       raw XADD through hiredis on the same server, P per pipeline
//                                   (the physical reference for the Redis figures)
// Redis: QUEUE_BENCH_REDIS_URL=redis://127.0.0.1:PORT (bench/queue-bench.sh starts one and runs
// redis-benchmark beside it); without it the program starts its own redis-server.
// SQLite: a file under $TMPDIR. Items/s is tasks per second.
#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "queue/queue.h"
#include "support/redis_server.h"

namespace worthit::queue {
namespace {

// Tasks per end-to-end run: enough to amortise thread start-up, small enough for quick repeats.
constexpr int kRunTasks = 20000;
constexpr int kBatch = 100;
constexpr int kLeaseMax = 64;

const std::string kPayload =
    R"({"v":1,"kind":"analyze","update_id":912345678,"chat_id":1234,"user_id":1234,"chat_type":"private",)"
    R"("lang":"it","url":"https://www.amazon.it/dp/B0TEST1234","ack_message_id":77,"created_at_ms":1767225600000})";

std::unique_ptr<worthit::testing::RedisServer>& OwnRedis() {
  static std::unique_ptr<worthit::testing::RedisServer> server;
  return server;
}

std::string RedisUrl() {
  if (const char* url = std::getenv("QUEUE_BENCH_REDIS_URL"); url && *url) return url;
  auto& server = OwnRedis();
  if (!server) {
    server = std::make_unique<worthit::testing::RedisServer>();
    if (!server->Start()) return "";
  }
  return server->Url();
}

std::string SqlitePath() {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("worthit-queue-bench-" + std::to_string(::getpid()) + ".db")).string();
  return path;
}

std::string UrlFor(int backend) {
  switch (backend) {
    case 0: return "memory://";
    case 1: return "sqlite://" + SqlitePath();
    default: return RedisUrl();
  }
}

const char* NameOf(int backend) { return backend == 0 ? "memory" : backend == 1 ? "sqlite" : "redis"; }

// Empties the backend between benchmarks so each starts from an empty queue.
void Reset(int backend) {
  if (backend == 1) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(SqlitePath() + suffix);
  } else if (backend == 2) {
    auto q = OpenQueue(RedisUrl(), QueueOptions{});
    if (!q.ok()) return;
    // Drain through the queue itself (FLUSHALL would need a raw connection to a server we may not own).
    for (int i = 0; i < 100000; ++i) {
      auto leases = (*q)->LeaseTasks("reset", 512, std::chrono::milliseconds(0));
      if (!leases.ok() || leases->empty()) break;
      (*q)->AckBatch(*leases);
    }
    (void)(*q)->PurgeDead();
  }
}

std::unique_ptr<TaskQueue> Open(int backend) {
  auto q = OpenQueue(UrlFor(backend), QueueOptions{});
  return q.ok() ? std::move(q.value()) : nullptr;
}

void BM_Enqueue(benchmark::State& state) {
  const int backend = static_cast<int>(state.range(0));
  Reset(backend);
  auto q = Open(backend);
  if (!q) {
    state.SkipWithError("queue unavailable");
    return;
  }
  for (auto _ : state) {
    auto id = q->Enqueue(kPayload, {});
    if (!id.ok()) {
      state.SkipWithError(id.error().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(NameOf(backend));
  Reset(backend);
}

void BM_EnqueueBatch(benchmark::State& state) {
  const int backend = static_cast<int>(state.range(0));
  Reset(backend);
  auto q = Open(backend);
  if (!q) {
    state.SkipWithError("queue unavailable");
    return;
  }
  std::vector<EnqueueRequest> batch(kBatch, EnqueueRequest{kPayload, {}});
  for (auto _ : state) {
    auto ids = q->EnqueueBatch(batch);
    if (!ids.ok()) {
      state.SkipWithError(ids.error().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetLabel(NameOf(backend));
  Reset(backend);
}

void BM_EndToEnd(benchmark::State& state) {
  const int backend = static_cast<int>(state.range(0));
  const int consumers = static_cast<int>(state.range(1));
  Reset(backend);
  // Memory: one shared object (it is the queue); others: one object (connection) per thread,
  // as separate worker processes would have.
  std::shared_ptr<TaskQueue> memory = backend == 0 ? std::shared_ptr<TaskQueue>(Open(0)) : nullptr;
  std::vector<std::shared_ptr<TaskQueue>> queues;
  for (int i = 0; i <= consumers; ++i)
    queues.push_back(backend == 0 ? memory : std::shared_ptr<TaskQueue>(Open(backend)));
  for (auto& q : queues) {
    if (!q) {
      state.SkipWithError("queue unavailable");
      return;
    }
  }
  std::atomic<bool> failed{false};
  for (auto _ : state) {
    std::atomic<int> acked{0};
    // The run ends when the last task is acked; consumers still blocked in LeaseTasks afterwards
    // (up to their 50 ms wait) are not part of the measurement.
    std::atomic<int64_t> done_ns{0};
    const auto start = std::chrono::steady_clock::now();
    std::thread producer([&] {
      std::vector<EnqueueRequest> batch(kBatch, EnqueueRequest{kPayload, {}});
      for (int sent = 0; sent < kRunTasks && !failed; sent += kBatch) {
        if (!queues[0]->EnqueueBatch(batch).ok()) failed = true;
      }
    });
    std::vector<std::thread> threads;
    for (int c = 0; c < consumers; ++c) {
      threads.emplace_back([&, c] {
        auto& q = *queues[c + 1];
        const std::string name = "bench-" + std::to_string(c);
        // Bounded by the task count: every round acks at least one task or waits at most 50 ms,
        // and a run gives up after 100,000 rounds.
        for (int round = 0; round < 100000 && acked.load() < kRunTasks && !failed; ++round) {
          auto leases = q.LeaseTasks(name, kLeaseMax, std::chrono::milliseconds(50));
          if (!leases.ok()) {
            failed = true;
            return;
          }
          if (leases->empty()) continue;
          for (const auto& s : q.AckBatch(*leases)) {
            if (!s.ok()) failed = true;
          }
          const int total = acked += static_cast<int>(leases->size());
          if (total >= kRunTasks) {
            done_ns =
                std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
          }
        }
      });
    }
    producer.join();
    for (auto& t : threads) t.join();
    if (failed) {
      state.SkipWithError("a queue call failed");
      break;
    }
    state.SetIterationTime(static_cast<double>(done_ns.load()) / 1e9);
  }
  state.SetItemsProcessed(state.iterations() * kRunTasks);
  state.SetLabel(std::string(NameOf(backend)) + ", " + std::to_string(consumers) + " consumer(s)");
  queues.clear();
  Reset(backend);
}

// Raw XADD to a scratch stream on the same server, `pipeline` commands per round trip.
void BM_RedisXaddReference(benchmark::State& state) {
  const int pipeline = static_cast<int>(state.range(0));
  auto endpoint = RedisUrl();
  const auto colon = endpoint.rfind(':');
  const int port = std::atoi(endpoint.c_str() + colon + 1);
  redisContext* ctx = redisConnect("127.0.0.1", port);
  if (!ctx || ctx->err) {
    state.SkipWithError("cannot connect");
    return;
  }
  for (auto _ : state) {
    for (int i = 0; i < pipeline; ++i) {
      redisAppendCommand(ctx, "XADD bench:xadd-reference MAXLEN ~ 100000 * p %s", kPayload.c_str());
    }
    for (int i = 0; i < pipeline; ++i) {
      void* reply = nullptr;
      if (redisGetReply(ctx, &reply) != REDIS_OK) {
        state.SkipWithError("XADD failed");
        break;
      }
      freeReplyObject(reply);
    }
  }
  redisCommand(ctx, "DEL bench:xadd-reference");
  redisFree(ctx);
  state.SetItemsProcessed(state.iterations() * pipeline);
  state.SetLabel("hiredis XADD, pipeline " + std::to_string(pipeline));
}

BENCHMARK(BM_Enqueue)->Arg(0)->Arg(1)->Arg(2)->UseRealTime();
BENCHMARK(BM_EnqueueBatch)->Arg(0)->Arg(1)->Arg(2)->UseRealTime();
BENCHMARK(BM_EndToEnd)
    ->Args({0, 1})
    ->Args({0, 4})
    ->Args({1, 1})
    ->Args({1, 4})
    ->Args({2, 1})
    ->Args({2, 4})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);
BENCHMARK(BM_RedisXaddReference)->Arg(1)->Arg(64)->UseRealTime();

}  // namespace
}  // namespace worthit::queue

BENCHMARK_MAIN();
