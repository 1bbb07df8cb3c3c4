// Process helpers for end-to-end tests: spawn the real binary with an environment, wait for its
// port, signal it, wait for its exit — every wait bounded. Only 127.0.0.1 is ever used.
// Thread-safety: one owner per ChildProcess.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace worthit::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (bind to 0, read, close).
uint16_t FreePort();
// True once something accepts connections on 127.0.0.1:port.
bool WaitForPort(uint16_t port, std::chrono::milliseconds timeout);
// Path of the built `worthit` binary (WORTHIT_BINARY_DIR "/src/app/worthit").
std::string WorthitBinary();

class ChildProcess {
 public:
  // Starts `path args...` with exactly `env` (plus PATH, HOME, TMPDIR from this process);
  // stdout and stderr go to `log_path` (read it with Log()).
  ChildProcess(const std::string& path, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env, const std::string& log_path);
  ~ChildProcess();  // SIGKILL if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  void Signal(int sig);
  // Exit code (128+signal when killed), or nullopt if it did not exit in time.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool Running();
  std::string Log() const;

 private:
  int pid_ = -1;
  std::optional<int> exit_code_;
  std::string log_path_;
};

// Runs a command to completion (bounded); returns exit code and combined output.
struct RunResult {
  int exit_code = -1;
  std::string output;
};
RunResult RunToExit(const std::string& path, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, const std::string& log_path,
                    std::chrono::milliseconds timeout);

}  // namespace worthit::testing
