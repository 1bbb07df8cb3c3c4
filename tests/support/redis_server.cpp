#include "support/redis_server.h"

#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace worthit::testing {
namespace {

// A redis-server starts in a few milliseconds; 20 s covers a loaded CI box loading an AOF.
constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr auto kStopTimeout = std::chrono::seconds(20);

std::string Render(const redisReply* r) {
  if (!r) return "ERR:no reply";
  switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS: return std::string(r->str, r->len);
    case REDIS_REPLY_ERROR: return "ERR:" + std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER: return std::to_string(r->integer);
    case REDIS_REPLY_NIL: return "";
    case REDIS_REPLY_ARRAY: {
      std::string out;
      for (size_t i = 0; i < r->elements; ++i) {
        if (i) out += "\n";
        out += Render(r->element[i]);
      }
      return out;
    }
    default: return "";
  }
}

}  // namespace

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    socklen_t len = sizeof(addr);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {}

RedisServer::~RedisServer() {
  if (pid_ > 0) Kill();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string RedisServer::Url() const {
  std::string auth = options_.password.empty() ? "" : ":" + options_.password + "@";
  return "redis://" + auth + "127.0.0.1:" + std::to_string(port_);
}

bool RedisServer::Start() {
  if (dir_.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "worthit-redis-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
      error_ = "mkdtemp failed";
      return false;
    }
    dir_ = tmpl;
  }
  // A port can be taken between FreeLoopbackPort and the server's bind: try a few.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = FreeLoopbackPort();
    if (port_ > 0 && Launch()) return true;
  }
  return false;
}

bool RedisServer::Restart() {
  if (pid_ > 0) Stop();
  return Launch();
}

bool RedisServer::Launch() {
  std::vector<std::string> args = {"/usr/bin/redis-server",
                                   "--port",
                                   std::to_string(port_),
                                   "--bind",
                                   "127.0.0.1",
                                   "--dir",
                                   dir_,
                                   "--save",
                                   "",
                                   "--daemonize",
                                   "no",
                                   "--logfile",
                                   dir_ + "/redis.log",
                                   "--protected-mode",
                                   "no"};
  if (options_.appendonly) {
    args.insert(args.end(), {"--appendonly", "yes", "--appendfsync", "always"});
  }
  if (!options_.password.empty()) args.insert(args.end(), {"--requirepass", options_.password});
  const pid_t pid = ::fork();
  if (pid < 0) {
    error_ = "fork failed";
    return false;
  }
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  const auto give_up = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < give_up) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "redis-server exited at start (port " + std::to_string(port_) + ")";
      return false;
    }
    const auto reply = Command({"PING"});
    if (reply == "PONG") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // refused, or LOADING the AOF
  }
  error_ = "redis-server did not answer PING in time";
  Kill();
  return false;
}

void RedisServer::WaitExit() {
  const auto give_up = std::chrono::steady_clock::now() + kStopTimeout;
  while (pid_ > 0) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || r < 0) {
      pid_ = -1;
      return;
    }
    if (std::chrono::steady_clock::now() > give_up) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void RedisServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  WaitExit();
}

void RedisServer::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  WaitExit();
}

std::string RedisServer::Command(const std::vector<std::string>& args) const {
  timeval tv{2, 0};
  redisContext* ctx = redisConnectWithTimeout("127.0.0.1", port_, tv);
  if (!ctx || ctx->err) {
    std::string e = ctx ? ctx->errstr : "alloc";
    if (ctx) redisFree(ctx);
    return "ERR:" + e;
  }
  redisSetTimeout(ctx, timeval{10, 0});
  if (!options_.password.empty()) {
    auto* r = static_cast<redisReply*>(redisCommand(ctx, "AUTH %s", options_.password.c_str()));
    if (r) freeReplyObject(r);
  }
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* reply =
      static_cast<redisReply*>(redisCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lens.data()));
  std::string out = reply ? Render(reply) : "ERR:" + std::string(ctx->errstr);
  if (reply) freeReplyObject(reply);
  redisFree(ctx);
  return out;
}

}  // namespace worthit::testing
