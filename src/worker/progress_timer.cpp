#include "worker/progress_timer.h"

namespace worthit::worker {

ProgressTimer::ScheduledEdit& ProgressTimer::ScheduledEdit::operator=(ScheduledEdit&& other) noexcept {
  if (this != &other) {
    End();
    state_ = std::move(other.state_);
  }
  return *this;
}

bool ProgressTimer::ScheduledEdit::End() {
  if (state_ == nullptr) return false;
  // Taking the lock waits for a run in progress (the timer holds it while it runs).
  bool ran = false;
  ProgressTimer* timer = nullptr;
  {
    std::lock_guard lock(state_->mu);
    state_->over = true;
    state_->run = nullptr;
    ran = state_->ran;
  }
  timer = state_->timer.load();
  // Outside the edit's lock: the timer takes its own lock first and the edit's lock after it.
  if (!ran && timer != nullptr) timer->Unqueue(*state_);
  return ran;
}

void ProgressTimer::Unqueue(ScheduledEdit::State& state) {
  std::lock_guard lock(mu_);
  if (!state.queued) return;
  state.queued = false;
  state.timer = nullptr;
  due_.erase(state.at);
}

size_t ProgressTimer::Pending() {
  std::lock_guard lock(mu_);
  return due_.size();
}

void ProgressTimer::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ProgressTimer::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    for (auto& [due, state] : due_) {
      state->queued = false;
      state->timer = nullptr;
    }
    due_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

ProgressTimer::ScheduledEdit ProgressTimer::Schedule(TimePoint due, std::function<void()> run) {
  ScheduledEdit edit;
  edit.state_ = std::make_shared<ScheduledEdit::State>();
  edit.state_->run = std::move(run);
  {
    std::lock_guard lock(mu_);
    if (stop_ || !thread_.joinable()) {
      edit.state_->over = true;  // no timer: nothing will run it
      edit.state_->run = nullptr;
      return edit;
    }
    edit.state_->at = due_.emplace(due, edit.state_);
    edit.state_->timer = this;
    edit.state_->queued = true;
    // The timer waits for the earliest edit: a later one does not change when it must wake.
    if (edit.state_->at != due_.begin()) return edit;
  }
  cv_.notify_one();
  return edit;
}

void ProgressTimer::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (due_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto next = due_.begin()->first;
    if (std::chrono::steady_clock::now() < next) {
      cv_.wait_until(lock, next);
      continue;
    }
    auto state = std::move(due_.begin()->second);
    due_.erase(due_.begin());
    state->queued = false;
    state->timer = nullptr;
    lock.unlock();
    {
      std::lock_guard run_lock(state->mu);
      if (!state->over) {
        state->run();
        state->ran = true;
        state->over = true;
        state->run = nullptr;
      }
    }
    lock.lock();
  }
}

}  // namespace worthit::worker
