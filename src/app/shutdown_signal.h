// ShutdownSignal: SIGTERM / SIGINT as a flag and a wakeup, without async-signal-unsafe handlers.
//
// Install() blocks the two signals in the calling thread (call it in main's thread before any
// other thread starts, so every thread inherits the mask) and starts one thread that sigwait()s
// for them. Requested() and WaitFor() let loops stop promptly; Wait() blocks until a signal.
// Thread-safety: all methods are safe from any thread. One instance per process.
#pragma once

#include <chrono>

namespace worthit::app {

class ShutdownSignal {
 public:
  static ShutdownSignal& Install();
  bool Requested() const;
  void Wait();
  // Sleeps up to `d`; returns true when shutdown was requested.
  bool WaitFor(std::chrono::milliseconds d);
  // Request shutdown from inside the process (fatal error in a loop).
  void Trigger();
};

}  // namespace worthit::app
