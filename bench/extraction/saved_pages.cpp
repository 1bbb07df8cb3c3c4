#include "saved_pages.h"

#include <zlib.h>

#include <fstream>
#include <iostream>
#include <sstream>

namespace worthit::bench {

std::optional<std::string> ReadMaybeGzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files transparently too
  if (f == nullptr) return std::nullopt;
  std::string out;
  char buf[65536];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  gzclose(f);
  if (n < 0) return std::nullopt;
  return out;
}

boost::json::value ReadJson(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  boost::json::error_code ec;
  auto v = boost::json::parse(s.str(), ec);
  if (ec) {
    std::cerr << path << ": " << ec.message() << "\n";
    return nullptr;
  }
  return v;
}

}  // namespace worthit::bench
