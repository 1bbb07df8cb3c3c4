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
// Thread-safety: Schedule/End from any thread; Start/Stop from the owner.
#pragma once

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

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::multimap<TimePoint, std::shared_ptr<ScheduledEdit::State>> due_;
  std::thread thread_;
};

}  // namespace worthit::worker
