#include "app/shutdown_signal.h"

#include <pthread.h>
#include <signal.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace worthit::app {
namespace {

std::mutex g_mu;
std::condition_variable g_cv;
bool g_requested = false;

}  // namespace

ShutdownSignal& ShutdownSignal::Install() {
  static ShutdownSignal instance;
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
      int sig = 0;
      sigwait(&set, &sig);
      instance.Trigger();
    }).detach();
  });
  return instance;
}

bool ShutdownSignal::Requested() const {
  std::lock_guard lock(g_mu);
  return g_requested;
}

void ShutdownSignal::Wait() {
  std::unique_lock lock(g_mu);
  g_cv.wait(lock, [] { return g_requested; });
}

bool ShutdownSignal::WaitFor(std::chrono::milliseconds d) {
  std::unique_lock lock(g_mu);
  return g_cv.wait_for(lock, d, [] { return g_requested; });
}

void ShutdownSignal::Trigger() {
  {
    std::lock_guard lock(g_mu);
    g_requested = true;
  }
  g_cv.notify_all();
}

}  // namespace worthit::app
