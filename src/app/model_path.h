// Where the review model is, for commands that load it (run, work, analyze, reviews predict).
//
// MODEL_PATH defaults to the relative "models/reviews.ftz", which is right from the repository
// root (the README's commands) and in the container's working directory. From anywhere else a
// relative path that does not exist is looked up, in order, next to the executable
// (<exe dir>/models/...), in the source tree the executable was built in (build/<preset>/src/app
// → ../../../../models/...), and under /usr/share/worthit. An absolute path, or a relative one that
// exists, is returned unchanged; when nothing matches the original path is returned so the
// loader's MODEL_NOT_FOUND names what was configured.
#pragma once

#include <string>

namespace worthit::app {

std::string ResolveModelPath(const std::string& configured);

}  // namespace worthit::app
