// EnsureCurlGlobalInit: the process's one call of curl_global_init, for every libcurl user to call
// before its first handle (the Bot API clients in telegram/, the Lambda runtime's HTTP calls in
// webhook/, the page fetcher in analysis/fetch).
//
// Why one: curl_global_init sets up libcurl's global state (TLS library, sockets) and is not
// thread-safe on the libcurl this project builds against (Debian 12: 7.88; thread-safe only from
// 7.84 when built with CURL_VERSION_THREADSAFE, which we do not rely on). It must run before the
// first curl_easy_init while no other thread may be inside libcurl. Each client used to guard it
// with a call_once of its own, so a process with several clients called it several times (harmless:
// libcurl counts the calls) behind several flags (not: two first calls from different clients on
// different threads could race). One flag here serialises all of them.
//
// Ownership: the global state lives for the whole process; nothing calls curl_global_cleanup
// (clients may be used until exit, and cleanup at exit buys nothing).
// Failure modes: the init's result is not checked, as before; after a failed init curl_easy_init
// tries again itself and returns null if that fails too, which every caller maps to its own error.
// Thread-safety: callable from any thread, any number of times.
// Header-only and includes <curl/curl.h>: include it only from .cpp files of targets that link
// PkgConfig::CURL (worthit_common itself does not).
#pragma once

#include <curl/curl.h>

#include <mutex>

namespace worthit {

inline void EnsureCurlGlobalInit() {
  // An inline function's static is one object across the program, however many files include this.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace worthit
