// Encoding of a task's failure reasons ("why each earlier attempt failed") as a JSON array of
// strings, the form SQLite stores in a column and Redis in a stream field. Pure functions.
// A malformed value decodes to a single reason holding the raw text rather than failing: a
// reason list is diagnostic, never worth losing a task over.
#pragma once

#include <string>
#include <vector>

namespace worthit::queue {

std::string EncodeReasons(const std::vector<std::string>& reasons);
std::vector<std::string> DecodeReasons(const std::string& json);

}  // namespace worthit::queue
