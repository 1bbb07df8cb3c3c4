// Harnesses that give the contract suite a fresh queue per test on each backend, and a way to
// let time pass: memory and SQLite run on a ManualClock (time jumps, nothing sleeps); Redis runs
// on the server's clock, so its harness uses short leases and really waits (generous margins,
// and the suite never asserts on how long anything took).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <unistd.h>

#include "common/clock.h"
#include "queue/queue.h"
#include "support/redis_server.h"

namespace worthit::queue::testing {

class MemoryHarness {
 public:
  static constexpr const char* kName = "memory";
  static void SetUpSuite() {}
  static void TearDownSuite() {}
  std::chrono::milliseconds LeaseDuration() const { return std::chrono::seconds(30); }
  std::unique_ptr<TaskQueue> Open(const QueueOptions& options) {
    auto q = OpenQueue("memory://", options, clock_);
    return q.ok() ? std::move(q.value()) : nullptr;
  }
  void Advance(std::chrono::milliseconds d) { clock_.Advance(d); }

 private:
  ManualClock clock_;
};

class SqliteHarness {
 public:
  static constexpr const char* kName = "sqlite";
  static void SetUpSuite() {}
  static void TearDownSuite() {}
  SqliteHarness() {
    dir_ = std::filesystem::temp_directory_path() /
           ("worthit-queue-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~SqliteHarness() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::chrono::milliseconds LeaseDuration() const { return std::chrono::seconds(30); }
  std::unique_ptr<TaskQueue> Open(const QueueOptions& options) {
    auto q = OpenQueue("sqlite://" + (dir_ / "queue.db").string(), options, clock_);
    return q.ok() ? std::move(q.value()) : nullptr;
  }
  void Advance(std::chrono::milliseconds d) { clock_.Advance(d); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  ManualClock clock_;
};

class RedisHarness {
 public:
  static constexpr const char* kName = "redis";
  static void SetUpSuite() {
    server_ = std::make_unique<worthit::testing::RedisServer>();
    if (!server_->Start()) server_.reset();
  }
  static void TearDownSuite() { server_.reset(); }
  static worthit::testing::RedisServer* server() { return server_.get(); }
  RedisHarness() {
    if (server_) server_->Command({"FLUSHALL"});
  }
  // Long enough that a loaded machine never loses a lease between two calls of one test,
  // short enough that tests letting a lease expire stay quick.
  std::chrono::milliseconds LeaseDuration() const { return std::chrono::milliseconds(2500); }
  std::unique_ptr<TaskQueue> Open(const QueueOptions& options) {
    if (!server_) return nullptr;
    auto q = OpenQueue(server_->Url(), options);
    return q.ok() ? std::move(q.value()) : nullptr;
  }
  void Advance(std::chrono::milliseconds d) { std::this_thread::sleep_for(d + std::chrono::milliseconds(50)); }

 private:
  static inline std::unique_ptr<worthit::testing::RedisServer> server_;
};

}  // namespace worthit::queue::testing
