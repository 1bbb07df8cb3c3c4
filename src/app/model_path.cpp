#include "app/model_path.h"

#include <filesystem>
#include <system_error>

namespace worthit::app {

std::string ResolveModelPath(const std::string& configured) {
  namespace fs = std::filesystem;
  const fs::path path(configured);
  std::error_code ec;
  if (configured.empty() || path.is_absolute() || fs::exists(path, ec)) return configured;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path dir = exe.parent_path();
    for (const fs::path& candidate : {dir / path, dir / "../../../.." / path}) {
      if (fs::exists(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
    }
  }
  const fs::path shared = fs::path("/usr/share/worthit") / path;
  if (fs::exists(shared, ec)) return shared.string();
  return configured;
}

}  // namespace worthit::app
