// Loading the saved product pages of /work/shared/data/pages for the extraction tools:
// gunzip, charset to UTF-8, and the two ground-truth files. Tool code, not product code.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>

namespace worthit::bench {

// The decompressed bytes of a .gz file (or the file itself when not gzip), nullopt on error.
std::optional<std::string> ReadMaybeGzip(const std::string& path);
// Parsed JSON file, or a null value on error (message on stderr).
boost::json::value ReadJson(const std::string& path);

}  // namespace worthit::bench
