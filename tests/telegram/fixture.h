// Fixture loading for telegram/ and bot/ tests, and the location of the shared third-party data
// (../shared/data beside the clone; tests using it skip when it is absent).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace worthit::testing {

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string Fixture(const std::string& name) {
  return ReadFile(std::filesystem::path(WORTHIT_SOURCE_DIR) / "tests/telegram/fixtures" / name);
}

// WORTHIT_SHARED_DATA if set, else the first <ancestor>/shared/data above the source tree
// (CI: ../shared beside the clone; a worktree may sit one level deeper).
inline std::filesystem::path SharedData() {
  if (const char* env = std::getenv("WORTHIT_SHARED_DATA"); env && *env) return env;
  for (auto dir = std::filesystem::path(WORTHIT_SOURCE_DIR).parent_path(); !dir.empty() && dir != dir.root_path();
       dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "shared" / "data")) return dir / "shared" / "data";
  }
  return std::filesystem::path(WORTHIT_SOURCE_DIR) / ".." / "shared" / "data";
}

}  // namespace worthit::testing
