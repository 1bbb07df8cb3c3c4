// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
// Thread-safety: one owner.
#pragma once

#include <filesystem>
#include <string>

namespace worthit::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace worthit::testing
