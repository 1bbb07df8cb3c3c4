// Process-level scenarios shared by the SQLite and Redis runs: consumers are real forked
// processes (each opens its own queue from the URL, as `worthit work` would), killed with SIGKILL
// where the scenario says so. Results come back through one file per process in a temp dir.
// Every wait is bounded and generous; nothing here asserts on speed.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "queue/options.h"
#include "queue/queue.h"

namespace worthit::queue::testing {

using namespace std::chrono_literals;

inline int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Forks a child that runs body(out) with `out` open on its own file, then _exits with its result.
inline pid_t ForkChild(const std::function<int(std::ofstream&)>& body, const std::string& out_path) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    int rc = 1;
    {
      std::ofstream out(out_path);
      rc = body(out);
      out.flush();
    }
    std::_Exit(rc);
  }
  return pid;
}

// Waits for the child to exit (bounded); SIGKILLs it if it would not.
inline int WaitChild(pid_t pid, std::chrono::seconds limit = 120s) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < give_up) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(20ms);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -2;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool WaitForFileContent(const std::string& path, std::chrono::seconds limit = 30s) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < give_up) {
    if (!ReadFile(path).empty()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

class ProcessScenarios {
 public:
  ProcessScenarios(std::string url, std::filesystem::path dir) : url_(std::move(url)), dir_(std::move(dir)) {}

  std::unique_ptr<TaskQueue> Open(const QueueOptions& options) {
    auto q = OpenQueue(url_, options);
    return q.ok() ? std::move(q.value()) : nullptr;
  }

  // A consumer holding a lease is SIGKILLed → the task is leased again after the lease expires,
  // and completes exactly once.
  void KilledConsumerLeaseIsTakenOverAfterExpiry() {
    QueueOptions o;
    o.lease_duration = 800ms;
    auto q = Open(o);
    ASSERT_NE(q, nullptr);
    const auto id = q->Enqueue("crash-me", {}).value();
    const auto path = (dir_ / "holder.txt").string();
    const pid_t child = ForkChild(
        [&](std::ofstream& out) {
          auto cq = Open(o);
          if (!cq) return 3;
          auto leases = cq->LeaseTasks("doomed", 1, 20s);
          if (!leases.ok() || leases->empty()) return 4;
          out << leases->front().task.id << std::endl;
          ::pause();  // hold the lease until killed
          return 0;
        },
        path);
    ASSERT_TRUE(WaitForFileContent(path)) << "the child never leased the task";
    EXPECT_EQ(ReadFile(path), id + "\n");
    ::kill(child, SIGKILL);
    WaitChild(child);
    // The lease is still live right after the kill: nobody else may have it yet...
    // ...but once it expires, it is leased again (wait is generous, not a speed assertion).
    auto again = q->LeaseTasks("survivor", 1, 30s);
    ASSERT_TRUE(again.ok());
    ASSERT_EQ(again->size(), 1u);
    EXPECT_EQ(again->front().task.id, id);
    EXPECT_EQ(again->front().task.attempt, 2);
    ASSERT_TRUE(q->Ack(again->front()).ok());
    EXPECT_TRUE(q->LeaseTasks("survivor", 1, 1500ms)->empty()) << "completed once: nothing comes back";
    auto s = q->Stats().value();
    EXPECT_EQ(s.acked_total, 1);
    EXPECT_EQ(s.ready + s.leased + s.delayed + s.dead, 0);
  }

  // A task that crashes every worker that takes it ends in the dead-letter queue after
  // max_attempts deliveries, with one reason per attempt.
  void PoisonTaskIsDeadLetteredAfterMaxAttempts() {
    QueueOptions o;
    o.lease_duration = 500ms;
    o.max_attempts = 3;
    auto q = Open(o);
    ASSERT_NE(q, nullptr);
    const auto id = q->Enqueue("poison", {}).value();
    ASSERT_TRUE(q->Enqueue("fine", DelayOpt(600s)).ok());
    for (int worker = 0; worker < o.max_attempts; ++worker) {
      const auto path = (dir_ / ("poisoned-" + std::to_string(worker) + ".txt")).string();
      const pid_t child = ForkChild(
          [&](std::ofstream& out) {
            auto cq = Open(o);
            if (!cq) return 3;
            auto leases = cq->LeaseTasks("w" + std::to_string(worker), 1, 30s);
            if (!leases.ok() || leases->empty()) return 4;
            out << leases->front().task.payload << " " << leases->front().task.attempt << std::endl;
            ::abort();  // the poison crashes the worker
          },
          path);
      WaitChild(child);
      EXPECT_EQ(ReadFile(path), "poison " + std::to_string(worker + 1) + "\n");
    }
    // The last lease has to expire before the queue can know; wait for the dead letter (bounded).
    std::vector<DeadLetter> dead;
    for (int i = 0; i < 300 && dead.empty(); ++i) {
      auto none = q->LeaseTasks("checker", 1, 0ms);  // leasing is what notices the expired lease
      ASSERT_TRUE(none.ok());
      EXPECT_TRUE(none->empty()) << "the poison task must not be delivered a fourth time";
      dead = q->ListDead(10).value();
      if (dead.empty()) std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].id, id);
    EXPECT_EQ(dead[0].attempts, 3);
    ASSERT_EQ(dead[0].reasons.size(), 3u);
    for (const auto& r : dead[0].reasons) EXPECT_EQ(r.rfind("lease expired", 0), 0u) << r;
    auto s = q->Stats().value();
    EXPECT_EQ(s.dead, 1);
    EXPECT_EQ(s.delayed, 1) << "the healthy task is untouched";
  }

  // 4 consumer processes drain `tasks` tasks: each is acked exactly once, and no task is ever
  // held by two consumers at the same time (recorded hold intervals never overlap).
  void FourConsumersDrainEveryTaskExactlyOnce(int tasks) {
    QueueOptions o;
    o.lease_duration = 60s;  // nothing should expire here: a task leased twice is a bug
    auto q = Open(o);
    ASSERT_NE(q, nullptr);
    std::vector<EnqueueRequest> batch;
    for (int i = 0; i < tasks; ++i) {
      batch.push_back({std::to_string(i), {}});
      if (batch.size() == 500 || i == tasks - 1) {
        ASSERT_TRUE(q->EnqueueBatch(batch).ok());
        batch.clear();
      }
    }
    std::vector<pid_t> children;
    std::vector<std::string> paths;
    for (int c = 0; c < 4; ++c) {
      paths.push_back((dir_ / ("consumer-" + std::to_string(c) + ".txt")).string());
      children.push_back(ForkChild(
          [&, c](std::ofstream& out) {
            auto cq = Open(o);
            if (!cq) return 3;
            const std::string name = "consumer-" + std::to_string(c);
            // Bounded: at most `tasks` rounds. A child ends when a lease comes back empty AND the
            // queue says nothing is ready: an empty lease alone can mean that the wait ran out
            // while this process was descheduled on a loaded machine (timing must not decide).
            // A transient error (a call timing out under load) is retried as a real consumer
            // would, at most 20 times in a row; only a persistent one fails the child.
            int transient_in_a_row = 0;
            int empty_in_a_row = 0;
            for (int round = 0; round < tasks; ++round) {
              const int64_t before = NowMicros();
              auto leases = cq->LeaseTasks(name, 8, 500ms);
              if (!leases.ok()) {
                if (!leases.error().Retryable() || ++transient_in_a_row > 20) return 5;
                std::this_thread::sleep_for(100ms);
                continue;
              }
              transient_in_a_row = 0;
              if (leases->empty()) {
                auto stats = cq->Stats();
                if (stats.ok() && stats->ready == 0 && stats->delayed == 0) return 0;
                if (++empty_in_a_row > 40) return 6;  // ready tasks that never come: a bug
                continue;
              }
              empty_in_a_row = 0;
              for (const auto& l : *leases) {
                bool ok = cq->Ack(l).ok();
                for (int retry = 0; !ok && retry < 20; ++retry) {
                  std::this_thread::sleep_for(100ms);
                  ok = cq->Ack(l).ok();
                }
                out << l.task.payload << ' ' << before << ' ' << NowMicros() << ' ' << (ok ? 1 : 0) << '\n';
              }
            }
            return 0;
          },
          paths.back()));
    }
    for (auto pid : children) EXPECT_EQ(WaitChild(pid), 0);
    struct Hold {
      int64_t from, to;
      int consumer;
    };
    std::map<std::string, std::vector<Hold>> holds;
    std::map<std::string, int> acks;
    for (int c = 0; c < 4; ++c) {
      std::istringstream in(ReadFile(paths[c]));
      std::string payload;
      int64_t from = 0, to = 0;
      int ok = 0;
      while (in >> payload >> from >> to >> ok) {
        holds[payload].push_back({from, to, c});
        if (ok) ++acks[payload];
      }
    }
    EXPECT_EQ(static_cast<int>(acks.size()), tasks);
    int duplicates = 0, overlaps = 0;
    for (const auto& [payload, n] : acks) duplicates += n != 1;
    for (auto& [payload, list] : holds) {
      for (size_t i = 0; i < list.size(); ++i)
        for (size_t j = i + 1; j < list.size(); ++j)
          if (list[i].from < list[j].to && list[j].from < list[i].to) ++overlaps;
    }
    EXPECT_EQ(duplicates, 0) << "tasks acked more than once";
    EXPECT_EQ(overlaps, 0) << "tasks held by two consumers at once";
    int consumers_used = 0;
    for (const auto& p : paths) consumers_used += !ReadFile(p).empty();
    ::testing::Test::RecordProperty("consumers_that_acked", consumers_used);
    auto s = q->Stats().value();
    EXPECT_EQ(s.acked_total, tasks);
    EXPECT_EQ(s.ready + s.leased + s.delayed + s.dead, 0);
  }

 private:
  std::string url_;
  std::filesystem::path dir_;
};

}  // namespace worthit::queue::testing
