#include "worker/worker.h"

#include <algorithm>

#include "analysis/card/card.h"
#include "analysis/card/user_messages.h"
#include "analysis/pipeline/pipeline.h"
#include "analysis/product_link.h"
#include "common/log.h"
#include "common/metrics.h"
#include "worker/result_codec.h"

namespace worthit::worker {
namespace {

// PRODUCT.md's progress stages.
std::string StageFetchText(const std::string& lang) {
  return lang == "en" ? "🔍 Gathering product information..." : "🔍 Raccolta informazioni sul prodotto...";
}
std::string StageAnalyzeText(const std::string& lang) {
  return lang == "en" ? "✨ Processing the results..." : "✨ Elaborazione dei risultati...";
}

void CountOutcome(TaskOutcome o) {
  metrics::Registry::Global()
      .GetCounter("worthit_worker_tasks_total", "Tasks by how they ended (this delivery)",
                  {{"outcome", std::string(ToString(o))}})
      .Inc();
}

void ObserveStage(const std::string& stage, int64_t ms) {
  metrics::Registry::Global()
      .GetHistogram("worthit_worker_stage_seconds", "Duration of each stage of a task", {{"stage", stage}})
      .Observe(static_cast<double>(ms) / 1000.0);
}

// Tasks this process is working on now (all Worker objects of the process together).
metrics::Gauge& InflightGauge() {
  static auto& g = metrics::Registry::Global().GetGauge("worthit_worker_inflight", "Tasks being processed now");
  return g;
}

void CountCacheHit(const std::string& where) {
  metrics::Registry::Global()
      .GetCounter("worthit_cache_hits_total", "Results served from the result cache", {{"where", where}})
      .Inc();
}

std::string DeliveryKey(const queue::AnalysisTask& task, const queue::Task& queued) {
  return task.update_id > 0 ? "u:" + std::to_string(task.update_id) : "t:" + queued.id;
}

DeliveryTarget TargetFor(const queue::AnalysisTask& task, const std::string& key) {
  DeliveryTarget t;
  t.chat_id = task.chat_id;
  t.is_group = task.chat_type == "group" || task.chat_type == "supergroup";
  t.ack_message_id = task.ack_message_id;
  t.reply_to_message_id = task.reply_to_message_id;
  t.key = key;
  return t;
}

std::string UrlKey(const std::string& url) {
  auto link = analysis::CanonicalProductLink(url);
  return link.ok() ? link->canonical_url : std::string();
}

// The error code recorded in a reason ("FETCH_TIMEOUT: ..." → "FETCH_TIMEOUT").
std::string CodeOfReason(const std::string& reason) {
  const auto colon = reason.find(':');
  return colon == std::string::npos ? reason : reason.substr(0, colon);
}

}  // namespace

std::string_view ToString(TaskOutcome o) {
  switch (o) {
    case TaskOutcome::kCard: return "card";
    case TaskOutcome::kCachedCard: return "cached_card";
    case TaskOutcome::kFinalError: return "final_error";
    case TaskOutcome::kPermanentError: return "permanent_error";
    case TaskOutcome::kRetried: return "retried";
    case TaskOutcome::kDuplicate: return "duplicate";
    case TaskOutcome::kHandedBack: return "handed_back";
    case TaskOutcome::kBadPayload: return "bad_payload";
    case TaskOutcome::kUnreachableUser: return "unreachable_user";
    case TaskOutcome::kLeaseLost: return "lease_lost";
  }
  return "unknown";
}

struct Worker::Active {
  std::mutex mu;
  queue::Lease lease;
};

Worker::Worker(WorkerDeps deps, WorkerOptions options)
    : deps_(deps),
      options_(std::move(options)),
      deliverer_(deps.api, deps.limiter, deps.results, deps.clock,
                 options_.sleeper ? options_.sleeper
                                  : Sleeper([this](std::chrono::milliseconds d) { return SleepUnlessStopping(d); }),
                 options_.delivery) {}

Worker::~Worker() {
  Stop();
  Join();
}

void Worker::Start() {
  if (started_) return;
  started_ = true;
  cpu_slots_ = std::make_unique<CpuSlots>(options_.cpu_threads);
  for (int i = 0; i < std::max(1, options_.concurrency); ++i) task_threads_.emplace_back([this, i] { TaskLoop(i); });
  progress_timer_.Start();
  heartbeat_ = std::thread([this] { HeartbeatLoop(); });
  reaper_ = std::thread([this] { ReaperLoop(); });
  log::Info("worker.started", {{"concurrency", options_.concurrency},
                               {"cpu_threads", options_.cpu_threads},
                               {"consumer", options_.consumer},
                               {"queue", deps_.queue.Backend()}});
}

void Worker::Stop() {
  if (stopping_.exchange(true)) return;
  hand_back_at_ms_ =
      deps_.clock.NowMillis() + std::chrono::duration_cast<std::chrono::milliseconds>(options_.shutdown_grace).count();
  wake_cv_.notify_all();
}

bool Worker::Join() {
  if (!started_) return true;
  for (auto& t : task_threads_) {
    if (t.joinable()) t.join();
  }
  if (heartbeat_.joinable()) heartbeat_.join();
  if (reaper_.joinable()) reaper_.join();
  progress_timer_.Stop();
  task_threads_.clear();
  started_ = false;
  log::Info("worker.stopped", {{"completed", completed_.load()}});
  return true;
}

bool Worker::SleepUnlessStopping(std::chrono::milliseconds d) {
  std::unique_lock lock(wake_mu_);
  // Deliveries keep waiting through a shutdown until the hand-back deadline (a card in hand is
  // delivered if at all possible); idle loops wake at once.
  const auto deadline = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < deadline) {
    if (HandingBack()) return false;
    wake_cv_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(200)));
  }
  return !HandingBack();
}

bool Worker::HandingBack() const {
  const int64_t at = hand_back_at_ms_.load();
  return at != 0 && deps_.clock.NowMillis() >= at;
}

void Worker::TaskLoop(int index) {
  const std::string consumer = options_.consumer + "-" + std::to_string(index);
  int failures = 0;
  // Delivered cards' acks (and records), sent together with the next lease call.
  DeferredAcks deferred;
  while (!stopping_) {
    auto leases = deferred.empty() ? deps_.queue.LeaseTasks(consumer, 1, std::chrono::milliseconds(1000))
                                   : SendDeferred(deferred, consumer, 1);
    if (!leases.ok()) {
      ++failures;
      log::Warn("worker.lease_failed", {{"error", leases.error().ToString()}});
      std::unique_lock lock(wake_mu_);
      wake_cv_.wait_for(lock, std::min(std::chrono::milliseconds(250) * failures, std::chrono::milliseconds(5000)),
                        [&] { return stopping_.load(); });
      continue;
    }
    failures = 0;
    for (auto& lease : *leases) ProcessLease(std::move(lease), &deferred);
  }
  if (!deferred.empty()) {
    auto last = SendDeferred(deferred, consumer, 0);
    // Left unsent: their leases expire and the next attempts find the cards delivered.
    if (!deferred.leases.empty()) LogDeferredAcks(deferred.leases, {deferred.leases.size(), Status(last.error())});
  }
}

Result<std::vector<queue::Lease>> Worker::SendDeferred(DeferredAcks& deferred, const std::string& consumer,
                                                       int max_tasks) {
  queue::PipelinedWrites writes;
  writes.commands = std::move(deferred.writes);
  deferred.writes.clear();
  const bool with_writes = !writes.commands.empty();
  std::vector<Status> acked;
  auto leases = deps_.queue.AckThenLease(deferred.leases, acked, consumer, max_tasks, std::chrono::milliseconds(1000),
                                         with_writes ? &writes : nullptr);
  // The records are sent once: a failure costs a history entry and the delivery record (as a
  // failed RecordDelivered did); the ack still ends the task.
  if (with_writes && !writes.status.ok()) {
    log::Warn("worker.history_failed", {{"error", writes.status.error().ToString()}, {"deferred", true}});
  }
  // The acks were sent (applied or not) unless the transport failed before any reply: then they
  // go again with the next call, where an applied one answers QUEUE_LEASE_LOST.
  const bool unsent = !leases.ok() && !deferred.leases.empty() && acked.size() == deferred.leases.size() &&
                      std::all_of(acked.begin(), acked.end(), [](const Status& st) { return !st.ok(); }) &&
                      acked.front().error().code != "QUEUE_LEASE_LOST";
  if (!unsent) {
    LogDeferredAcks(deferred.leases, acked);
    deferred.leases.clear();
  }
  return leases;
}

void Worker::LogDeferredAcks(const std::vector<queue::Lease>& leases, const std::vector<Status>& statuses) {
  for (size_t i = 0; i < leases.size() && i < statuses.size(); ++i) {
    if (statuses[i].ok()) continue;
    log::Warn("worker.ack_failed",
              {{"task_id", leases[i].task.id}, {"error", statuses[i].error().ToString()}, {"deferred", true}});
  }
}

void Worker::HeartbeatLoop() {
  const auto every = std::max(std::chrono::milliseconds(200), options_.lease_duration / 3);
  while (true) {
    {
      std::unique_lock lock(wake_mu_);
      wake_cv_.wait_for(lock, every, [&] { return stopping_.load(); });
    }
    std::vector<std::shared_ptr<Active>> active;
    {
      std::lock_guard lock(active_mu_);
      active.assign(active_.begin(), active_.end());
    }
    // After Stop, the heartbeat lives as long as tasks run (they may run past the grace period).
    if (stopping_ && active.empty()) return;
    for (auto& a : active) {
      std::lock_guard lock(a->mu);
      if (auto s = deps_.queue.Extend(a->lease); !s.ok()) {
        log::Warn("worker.extend_failed", {{"task_id", a->lease.task.id}, {"error", s.error().ToString()}});
      }
    }
  }
}

void Worker::ReaperLoop() {
  while (!stopping_) {
    ReapDeadLetters();
    std::unique_lock lock(wake_mu_);
    wake_cv_.wait_for(lock, options_.reap_every, [&] { return stopping_.load(); });
  }
}

int Worker::ReapDeadLetters() {
  auto dead = deps_.queue.ListDead(200);
  if (!dead.ok()) return 0;
  int told = 0;
  for (const auto& d : *dead) {
    auto task = queue::ParseAnalysisTask(d.payload);
    if (!task.ok()) continue;
    queue::Task queued;
    queued.id = d.id;
    const std::string key = DeliveryKey(*task, queued);
    auto delivered = deps_.results.GetDelivery(key);
    if (!delivered.ok() || delivered->has_value()) continue;
    // Claim first: two reapers (two processes) must not both tell the user.
    auto claim = deps_.results.PutDelivery(key, "dead_notice");
    if (!claim.ok() || !*claim) continue;
    log::Scope scope(log::Fields{{"task_id", d.id}, {"update_id", task->update_id}});
    const std::string code = d.reasons.empty() ? "DEAD" : CodeOfReason(d.reasons.back());
    Error e = Error::Permanent(code, "dead-lettered");
    // A task that died of lease expiries has no meaningful class: the generic final message.
    if (code.find("LEASE") != std::string::npos || code.find("EXPIRED") != std::string::npos) e.code = "DEAD";
    auto st = deliverer_.Deliver(TargetFor(*task, key), {analysis::card::MessageForError(e, task->lang), "", {}});
    log::Info("worker.dead_letter_notified", {{"code", code}, {"ok", st.ok()}});
    ++told;
  }
  return told;
}

TaskOutcome Worker::ProcessLease(queue::Lease lease, DeferredAcks* ack_later) {
  const int64_t start = deps_.clock.NowMillis();
  auto active = std::make_shared<Active>();
  active->lease = lease;
  {
    std::lock_guard lock(active_mu_);
    active_.insert(active);
  }
  InflightGauge().Add(1);
  struct Unregister {
    Worker* w;
    std::shared_ptr<Active> a;
    ~Unregister() {
      {
        std::lock_guard lock(w->active_mu_);
        w->active_.erase(a);
      }
      InflightGauge().Add(-1);
    }
  } unregister{this, active};

  auto finish = [&](TaskOutcome o) {
    CountOutcome(o);
    ObserveStage("total", deps_.clock.NowMillis() - start);
    if (o != TaskOutcome::kRetried && o != TaskOutcome::kHandedBack) ++completed_;
    log::Info("worker.task_done", {{"outcome", std::string(ToString(o))},
                                   {"attempt", lease.task.attempt},
                                   {"ms", deps_.clock.NowMillis() - start}});
    return o;
  };

  auto parsed = queue::ParseAnalysisTask(lease.task.payload);
  if (!parsed.ok()) {
    log::Scope scope(log::Fields{{"task_id", lease.task.id}});
    (void)deps_.queue.Dead(lease, parsed.error().code + ": " + parsed.error().message);
    return finish(TaskOutcome::kBadPayload);
  }
  const queue::AnalysisTask& task = *parsed;
  log::Scope scope(log::Fields{{"task_id", lease.task.id}, {"update_id", task.update_id}});
  const std::string key = DeliveryKey(task, lease.task);
  const DeliveryTarget target = TargetFor(task, key);
  auto retry_later = [&](const std::string& reason) {
    (void)deps_.queue.Retry(lease, options_.backoff.Delay(lease.task.attempt), reason);
    return finish(TaskOutcome::kRetried);
  };

  // The delivery record, a stored result and the price history of the product the link names,
  // read together (one round trip on Redis). The page decides the product (its rel=canonical, a
  // redirect); when it is the one the link names, as it nearly always is, the history read here is
  // the one the analysis needs.
  const std::string url_key = UrlKey(task.url);
  std::string linked_product;
  if (!url_key.empty()) {
    analysis::ProductPage named;
    named.canonical_url = url_key;
    linked_product = analysis::card::ProductId(named);
  }
  auto looked_up = deps_.results.LookupTask(key, url_key, linked_product);
  if (!looked_up.ok()) return retry_later(looked_up.error().code);
  if (looked_up->delivery.has_value()) {
    (void)deps_.queue.Ack(lease);
    return finish(TaskOutcome::kDuplicate);
  }

  // A result already there: this task's own earlier attempt (analysed, not yet delivered), or a
  // recent analysis of the same product (two users, or the intake's cache check lost a race).
  if (looked_up->result.has_value()) {
    const auto& r = *looked_up->result;
    const int64_t created = task.created_at_ms > 0 ? task.created_at_ms : lease.task.enqueued_at_ms;
    const int64_t age_ms = deps_.clock.NowMillis() - r.analyzed_at_ms;
    if (r.analyzed_at_ms > created) return finish(DeliverStored(lease, task, target, r, false, ack_later));
    if (!task.force_refresh && age_ms < options_.cache_ttl.count() * 1000) {
      CountCacheHit("worker");
      return finish(DeliverStored(lease, task, target, r, true, ack_later));
    }
  }

  auto hand_back = [&] {
    (void)deps_.queue.Retry(lease, std::chrono::milliseconds(0), "SHUTDOWN: handed back");
    return finish(TaskOutcome::kHandedBack);
  };
  const bool last_attempt = lease.task.attempt >= options_.max_attempts;
  if (HandingBack() && !last_attempt) return hand_back();

  // What the user saw last and when: the acknowledgement, then each progress edit.
  int64_t last_shown_ms = task.created_at_ms > 0 ? task.created_at_ms : lease.task.enqueued_at_ms;
  // A stage's edit: once the user has seen nothing new for progress_after and, on a started
  // worker, the stage has run progress_stage_after (progress_timer.h); the stage ends it with
  // stage_over, which says whether it went out.
  auto progress = [&](const std::string& text) -> ProgressTimer::ScheduledEdit {
    const int64_t now = deps_.clock.NowMillis();
    const int64_t user_waits = last_shown_ms + options_.progress_after.count() - now;
    if (!started_ || options_.progress_stage_after.count() <= 0) {
      if (user_waits <= 0) {
        deliverer_.Progress(target, text);
        last_shown_ms = now;
      }
      return {};
    }
    const auto delay = std::chrono::milliseconds(std::max<int64_t>(user_waits, options_.progress_stage_after.count()));
    return progress_timer_.Schedule(std::chrono::steady_clock::now() + delay,
                                    [this, target, text] { deliverer_.Progress(target, text); });
  };
  auto stage_over = [&](ProgressTimer::ScheduledEdit& edit) {
    if (edit.End()) last_shown_ms = deps_.clock.NowMillis();
  };
  auto fetch_edit = progress(StageFetchText(task.lang));
  const int64_t fetch_start = deps_.clock.NowMillis();
  auto page = analysis::pipeline::FetchProduct(task.url, deps_.fetcher, task.lang);
  ObserveStage("fetch", deps_.clock.NowMillis() - fetch_start);
  stage_over(fetch_edit);
  if (!page.ok()) return finish(Fail(lease, task, target, page.error()));
  if (HandingBack() && !last_attempt) return hand_back();

  auto analyze_edit = progress(StageAnalyzeText(task.lang));
  const std::string product_id = analysis::card::ProductId(*page);
  std::optional<analysis::score::PriceHistory> history;
  if (looked_up->prices && product_id == linked_product) {
    history = PriceHistoryFrom(*looked_up->prices, page->product.currency);
  } else if (auto prices = deps_.results.Prices(product_id, store::kPriceKeep); prices.ok()) {
    history = PriceHistoryFrom(*prices, page->product.currency);
  }
  const int64_t analyze_start = deps_.clock.NowMillis();
  // A worker that was never started (tests call ProcessLease directly) runs it without a slot.
  auto analyse = [&] {
    auto analyzed =
        analysis::pipeline::AnalyzeFetched(std::move(*page), deps_.model, history ? &*history : nullptr, task.lang);
    auto result = MakeStoredResult(analyzed, deps_.clock.NowMillis());
    return std::make_pair(std::move(analyzed.page), std::move(result));
  };
  auto stored = cpu_slots_ ? cpu_slots_->Run(analyse) : analyse();
  ObserveStage("analyze", deps_.clock.NowMillis() - analyze_start);
  const analysis::ProductPage& analysed_page = stored.first;
  const store::StoredResult& result = stored.second;
  std::optional<store::PriceObservation> price;
  if (analysed_page.product.price) {
    price =
        store::PriceObservation{*analysed_page.product.price, analysed_page.product.currency, result.analyzed_at_ms};
  }
  // The card's limiter token is taken with the write (one round trip on Redis): the call that
  // delivers the card comes next.
  std::optional<std::chrono::milliseconds> token_wait;
  const auto stored_status = deps_.results.PutAnalysisTakeToken(result, {url_key}, price, deps_.limiter, target.chat_id,
                                                                target.is_group, token_wait);
  stage_over(analyze_edit);  // before any message or hand-over: no edit may follow them
  if (!stored_status.ok()) return retry_later(stored_status.error().code);
  if (options_.learn_reviews) {
    std::vector<store::LearnedReview> learned;
    for (const auto& r : analysed_page.reviews) {
      // Only what trains the model: the text and its stars. No names, no ids of reviewers.
      if (r.stars && !r.text.empty()) learned.push_back({result.product_id, r.text, *r.stars, r.lang, r.date});
    }
    if (auto n = deps_.results.AddLearnedReviews(learned); !n.ok()) {
      log::Warn("worker.learn_failed", {{"error", n.error().ToString()}});
    }
  }
  return finish(DeliverStored(lease, task, target, result, false, ack_later, token_wait));
}

TaskOutcome Worker::DeliverStored(const queue::Lease& lease, const queue::AnalysisTask& task,
                                  const DeliveryTarget& target, const store::StoredResult& result, bool cached,
                                  DeferredAcks* ack_later, std::optional<std::chrono::milliseconds> token_wait) {
  std::optional<std::chrono::seconds> age;
  if (cached) age = std::chrono::seconds((deps_.clock.NowMillis() - result.analyzed_at_ms) / 1000);
  OutgoingMessage message{ServedCard(result, task.lang, age), "HTML",
                          ToInlineKeyboard(KeyboardFromJson(result.keyboard_json))};
  const int64_t deliver_start = deps_.clock.NowMillis();
  auto st = deliverer_.Deliver(target, message, token_wait);
  ObserveStage("deliver", deps_.clock.NowMillis() - deliver_start);
  if (!st.ok()) {
    if (st.error().Retryable() || st.error().code == "STORE_UNAVAILABLE") {
      // The result is stored: the next attempt only delivers it.
      const auto delay = st.error().retry_after
                             ? std::chrono::duration_cast<std::chrono::milliseconds>(*st.error().retry_after)
                             : options_.backoff.Delay(lease.task.attempt);
      (void)deps_.queue.Retry(lease, delay, st.error().code + ": delivery");
      return TaskOutcome::kRetried;
    }
    // The user cannot be reached (blocked the bot, chat gone): nothing more to do.
    log::Warn("worker.user_unreachable", {{"error", st.error().ToString()}});
    (void)deps_.results.PutDelivery(target.key, "unreachable");
    (void)deps_.queue.Ack(lease);
    return TaskOutcome::kUnreachableUser;
  }
  const std::string outcome = cached ? "cached_card" : "card";
  const int64_t at_ms = deps_.clock.NowMillis();
  const TaskOutcome delivered = cached ? TaskOutcome::kCachedCard : TaskOutcome::kCard;
  if (ack_later != nullptr && options_.records_with_queue) {
    auto writes = deps_.results.RecordDeliveredCommands(target.key, outcome, task.user_id, result.product_id, at_ms);
    if (!writes.empty()) {
      for (auto& w : writes) ack_later->writes.push_back(std::move(w));
      ack_later->leases.push_back(lease);
      return delivered;
    }
  }
  if (auto s = deps_.results.RecordDelivered(target.key, outcome, task.user_id, result.product_id, at_ms); !s.ok()) {
    log::Warn("worker.history_failed", {{"error", s.error().ToString()}});
  }
  if (ack_later != nullptr) {
    ack_later->leases.push_back(lease);
    return delivered;
  }
  if (auto s = deps_.queue.Ack(lease); !s.ok()) {
    log::Warn("worker.ack_failed", {{"error", s.error().ToString()}});
    return TaskOutcome::kLeaseLost;
  }
  return delivered;
}

TaskOutcome Worker::Fail(const queue::Lease& lease, const queue::AnalysisTask& task, const DeliveryTarget& target,
                         const Error& error) {
  const int64_t created = task.created_at_ms > 0 ? task.created_at_ms : lease.task.enqueued_at_ms;
  const bool last = lease.task.attempt >= options_.max_attempts;
  const bool over_budget = deps_.clock.NowMillis() - created > options_.retry_budget.count();
  const std::string reason = error.code + ": " + error.message;
  if (error.Retryable() && !last && !over_budget) {
    auto delay = options_.backoff.Delay(lease.task.attempt);
    if (error.retry_after) {
      delay = std::max(delay, std::chrono::duration_cast<std::chrono::milliseconds>(*error.retry_after));
    }
    log::Info("worker.retry", {{"code", error.code}, {"attempt", lease.task.attempt}, {"delay_ms", delay.count()}});
    (void)deps_.queue.Retry(lease, delay, reason);
    return TaskOutcome::kRetried;
  }
  const std::string text = analysis::card::MessageForError(error, task.lang);
  auto st = deliverer_.Deliver(target, {text, "", telegram::InlineKeyboard{}});
  if (!st.ok() && st.error().Retryable() && !last) {
    (void)deps_.queue.Retry(lease, options_.backoff.Delay(lease.task.attempt), reason);
    return TaskOutcome::kRetried;
  }
  (void)deps_.results.PutDelivery(target.key, "error:" + error.code);
  log::Info("worker.final_message", {{"code", error.code}, {"attempt", lease.task.attempt}});
  if (error.Retryable()) {
    (void)deps_.queue.Dead(lease, reason);
    return TaskOutcome::kFinalError;
  }
  (void)deps_.queue.Ack(lease);
  return TaskOutcome::kPermanentError;
}

}  // namespace worthit::worker
