// Configuration: one table of keys (name, default, type, meaning), read from the environment
// (12-factor) with command-line overrides, validated at start.
//
// The table in config.cpp is the single source of truth: docs/configuration.md is generated from
// it (`worthit config docs`, checked by a test) and the deployment-file test checks every key a
// deployment sets against it. Unknown environment variables are ignored (the environment holds
// many); an unknown override (a flag) or an invalid value fails Load() with CONFIG_INVALID and a
// message that names the key.
// Thread-safety: a loaded Config is immutable and may be shared freely.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace worthit {

enum class ConfigType { kString, kInt, kBool, kUrl, kEnum, kList, kSecret };

struct ConfigKey {
  std::string_view name;
  std::string_view default_value;  // may reference another key as ${NAME}; "" = unset
  ConfigType type;
  std::string_view meaning;
  std::string_view allowed = {};  // kEnum: "a|b|c"; kInt: "min..max"
};

// Every key the binary knows, in documentation order.
const std::vector<ConfigKey>& ConfigKeys();
const ConfigKey* FindConfigKey(std::string_view name);
// docs/configuration.md, generated from the table.
std::string RenderConfigMarkdown();

class Config {
 public:
  using Map = std::map<std::string, std::string, std::less<>>;

  // env: the process environment (or a test's); overrides: from flags, win over env.
  static Result<Config> Load(const Map& env, const Map& overrides = {});
  // Load(environ, overrides).
  static Result<Config> FromEnvironment(const Map& overrides = {});

  // Value after defaults and ${KEY} expansion; "" when unset. Asking for a key not in the table
  // is a programming error (throws std::logic_error) so typos are caught by the first test.
  const std::string& Get(std::string_view name) const;
  bool Has(std::string_view name) const { return !Get(name).empty(); }
  int64_t GetInt(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  // Comma-separated list, trimmed, empty items dropped.
  std::vector<std::string> GetList(std::string_view name) const;

  // Secrets (kSecret values) — registered with the log redactor by Load().
  std::vector<std::string> Secrets() const;

  // A copy with one value replaced (tests, composition root); not validated again.
  Config With(std::string_view name, std::string value) const;

 private:
  Map values_;
};

}  // namespace worthit
