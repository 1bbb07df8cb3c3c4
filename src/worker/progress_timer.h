// ProgressTimer: a task's progress edit ("🔍 ...", "✨ ...") deferred until its stage has run a
// while, so a stage that ends sooner shows nothing and the next thing the user sees is the card.
//
// Why: a task that waited in a backlog used to edit its acknowledgement into "🔍 ..." as it
// started, and the card followed a few milliseconds later: an edit nobody could read, which cost a
// Bot API call, a limiter token (the chat's ~1 message/s the card itself needs) and a limiter
// script in Redis per task. Deferred, the edit goes out only while the stage is really running.
//
// One thread runs the due edits in due order. Ordering guarantee: ScheduledEdit::End (the task's
// stage is over) waits for an edit in flight and cancels one not yet started, so a progress edit
// never lands after the card (which would overwrite it). A timer that is stopped drops the edits
// still pending (their tasks end them anyway).
// Wake-ups: the timer thread is woken only when a new edit becomes the earliest one, and an edit
// ended before it is due leaves the queue at once, so a stage that ends early (nearly every stage)
// costs the timer thread nothing: before, every Schedule woke it (a futex wake and two context
// switches) and every cancelled edit woke it again at its due time just to be dropped.
// Thread-safety: Schedule/End from any thread; Start/Stop from the owner. The timer outlives every
// ScheduledEdit it returned (the worker joins its task threads before stopping it).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace worthit::worker {

class ProgressTimer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // One scheduled edit, owned by the task; ended (cancelled or waited for) at the latest when
  // destroyed.
  class ScheduledEdit {
   public:
    ScheduledEdit() = default;
    ScheduledEdit(ScheduledEdit&&) = default;
    ScheduledEdit& operator=(ScheduledEdit&& other) noexcept;
    ~ScheduledEdit() { End(); }
    // The stage is over: cancels the edit unless it already ran (waits if it is running).
    // Returns whether it ran. Idempotent.
    bool End();

   private:
    friend class ProgressTimer;
    struct State {
      std::mutex mu;
      bool over = false;  // ran, or cancelled
      bool ran = false;
      std::function<void()> run;
      // Where the edit waits in the timer's queue (guarded by the timer's mu_): erased by End,
      // or by the timer when it takes the edit. queued says whether `at` is still valid; timer
      // is cleared once the edit has left the queue (taken, or dropped by Stop), so an edit
      // ended after its timer stopped never touches it.
      std::atomic<ProgressTimer*> timer{nullptr};
      bool queued = false;
      std::multimap<std::chrono::steady_clock::time_point, std::shared_ptr<State>>::iterator at;
    };
    std::shared_ptr<State> state_;
  };

  ProgressTimer() = default;
  ~ProgressTimer() { Stop(); }
  ProgressTimer(const ProgressTimer&) = delete;
  ProgressTimer& operator=(const ProgressTimer&) = delete;

  void Start();
  void Stop();
  // `run` is called on the timer's thread at `due` unless the edit was ended before.
  ScheduledEdit Schedule(TimePoint due, std::function<void()> run);
  // Edits waiting in the queue (neither run, taken nor ended).
  size_t Pending();

 private:
  void Loop();
  // Removes an ended edit from the queue (End calls it; no wake-up: a timer waiting for it wakes
  // at its due time and finds the next one).
  void Unqueue(ScheduledEdit::State& state);

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::multimap<TimePoint, std::shared_ptr<ScheduledEdit::State>> due_;
  std::thread thread_;
};

}  // namespace worthit::worker
