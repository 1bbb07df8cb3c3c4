// `worthit queue stats | dead list | dead requeue ID|--all | dead purge` — operate the task queue
// named by QUEUE_URL (SQLite or Redis), including its dead-letter queue.
// Human output by default, --json for scripts. Exit codes: 0 ok, 1 failure (e.g. no such dead
// letter), 2 usage/config, 3 the queue is unreachable (kExitUnavailable).
#include <boost/json.hpp>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>

#include "app/command.h"
#include "queue/analysis_task.h"
#include "queue/queue.h"
#include "queue/queue_url.h"

namespace worthit::app {
namespace {

namespace json = boost::json;

// The URL for messages: a password in it never reaches the terminal.
std::string SafeUrl(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  return url.substr(0, scheme + 3) + "***@" + url.substr(at + 1);
}

std::string Iso(int64_t ms) {
  if (ms <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int Unreachable(const std::string& url, const Error& e) {
  std::cerr << "worthit: queue unreachable at " << SafeUrl(url) << ": " << e.ToString() << "\n";
  return kExitUnavailable;
}

struct Opened {
  std::unique_ptr<queue::TaskQueue> queue;
  std::string url;
  int exit_code = kExitOk;
};

// Opens QUEUE_URL and checks it answers. An SQLite file that does not exist is reported, not
// created: an operator's typo must not look like an empty queue.
Opened OpenFromConfig() {
  Opened out;
  auto config = LoadConfig();
  if (!config.ok()) {
    out.exit_code = kExitUsage;
    return out;
  }
  out.url = config->Get("QUEUE_URL");
  auto endpoint = queue::ParseQueueUrl(out.url);
  if (!endpoint.ok()) {
    std::cerr << "worthit: " << endpoint.error().ToString() << "\n";
    out.exit_code = kExitUsage;
    return out;
  }
  if (auto* sqlite = std::get_if<queue::SqliteEndpoint>(&endpoint.value())) {
    if (!std::filesystem::exists(sqlite->path)) {
      std::cerr << "worthit: queue unreachable: no queue file at " << sqlite->path << " (check QUEUE_URL / DATA_DIR)\n";
      out.exit_code = kExitUnavailable;
      return out;
    }
  }
  auto q = queue::OpenQueue(out.url, queue::QueueOptionsFromConfig(*config));
  if (!q.ok()) {
    out.exit_code = q.error().code == "QUEUE_INVALID_URL" ? kExitUsage : Unreachable(out.url, q.error());
    if (out.exit_code == kExitUsage) std::cerr << "worthit: " << q.error().ToString() << "\n";
    return out;
  }
  if (auto ping = (*q)->Ping(); !ping.ok()) {
    out.exit_code = Unreachable(out.url, ping.error());
    return out;
  }
  out.queue = std::move(q.value());
  return out;
}

int Fail(const Opened& o, const Error& e) {
  if (e.code == "QUEUE_UNAVAILABLE") return Unreachable(o.url, e);
  std::cerr << "worthit: " << e.ToString() << "\n";
  return kExitFailure;
}

int Stats(bool as_json) {
  auto o = OpenFromConfig();
  if (!o.queue) return o.exit_code;
  auto s = o.queue->Stats();
  if (!s.ok()) return Fail(o, s.error());
  if (as_json) {
    json::object j{{"backend", o.queue->Backend()},
                   {"ready", s->ready},
                   {"leased", s->leased},
                   {"delayed", s->delayed},
                   {"dead", s->dead},
                   {"oldest_ready_age_seconds", s->oldest_ready_age_seconds},
                   {"enqueued_total", s->enqueued_total},
                   {"acked_total", s->acked_total},
                   {"retried_total", s->retried_total},
                   {"dead_total", s->dead_total}};
    std::cout << json::serialize(j) << "\n";
    return kExitOk;
  }
  std::printf("queue    %s (%s)\n", o.queue->Backend().c_str(), SafeUrl(o.url).c_str());
  std::printf("ready    %lld", static_cast<long long>(s->ready));
  if (s->ready > 0) std::printf("   (oldest waiting %.1f s)", s->oldest_ready_age_seconds);
  std::printf("\nleased   %lld\ndelayed  %lld\ndead     %lld\n", static_cast<long long>(s->leased),
              static_cast<long long>(s->delayed), static_cast<long long>(s->dead));
  std::printf("totals   enqueued %lld, acked %lld, retried %lld, dead-lettered %lld\n",
              static_cast<long long>(s->enqueued_total), static_cast<long long>(s->acked_total),
              static_cast<long long>(s->retried_total), static_cast<long long>(s->dead_total));
  return kExitOk;
}

// One line describing a payload: the product link when it is an analysis task.
std::string Summary(const std::string& payload) {
  auto task = queue::ParseAnalysisTask(payload);
  if (task.ok()) return "chat " + std::to_string(task->chat_id) + " " + task->url;
  return payload.size() > 80 ? payload.substr(0, 77) + "..." : payload;
}

int DeadList(int limit, bool as_json) {
  auto o = OpenFromConfig();
  if (!o.queue) return o.exit_code;
  auto dead = o.queue->ListDead(limit);
  if (!dead.ok()) return Fail(o, dead.error());
  if (as_json) {
    json::array a;
    for (const auto& d : *dead) {
      json::array reasons;
      for (const auto& r : d.reasons) reasons.emplace_back(r);
      a.emplace_back(json::object{{"id", d.id},
                                  {"payload", d.payload},
                                  {"attempts", d.attempts},
                                  {"reasons", reasons},
                                  {"enqueued_at_ms", d.enqueued_at_ms},
                                  {"dead_at_ms", d.dead_at_ms}});
    }
    std::cout << json::serialize(a) << "\n";
    return kExitOk;
  }
  if (dead->empty()) {
    std::cout << "no dead letters\n";
    return kExitOk;
  }
  for (const auto& d : *dead) {
    std::printf("%s  dead %s  attempts %d  %s\n", d.id.c_str(), Iso(d.dead_at_ms).c_str(), d.attempts,
                Summary(d.payload).c_str());
    for (size_t i = 0; i < d.reasons.size(); ++i) std::printf("    %zu. %s\n", i + 1, d.reasons[i].c_str());
  }
  if (static_cast<int>(dead->size()) == limit) std::printf("(first %d shown; --limit N for more)\n", limit);
  return kExitOk;
}

int DeadRequeue(const std::optional<std::string>& id, bool as_json) {
  auto o = OpenFromConfig();
  if (!o.queue) return o.exit_code;
  auto moved = o.queue->RequeueDead(id);
  if (!moved.ok()) return Fail(o, moved.error());
  if (as_json) {
    std::cout << json::serialize(json::object{{"requeued", moved.value()}}) << "\n";
  } else {
    std::cout << "requeued " << moved.value() << " dead letter" << (moved.value() == 1 ? "" : "s") << "\n";
  }
  return kExitOk;
}

int DeadPurge(bool as_json) {
  auto o = OpenFromConfig();
  if (!o.queue) return o.exit_code;
  auto purged = o.queue->PurgeDead();
  if (!purged.ok()) return Fail(o, purged.error());
  if (as_json) {
    std::cout << json::serialize(json::object{{"purged", purged.value()}}) << "\n";
  } else {
    std::cout << "purged " << purged.value() << " dead letter" << (purged.value() == 1 ? "" : "s") << "\n";
  }
  return kExitOk;
}

struct QueueFlags {
  bool json = false;
  int limit = 50;
  std::string id;
  bool all = false;
};

const CommandRegistrar kQueue(
    {"queue", "Operate the task queue: stats | dead list | dead requeue ID|--all | dead purge", 50,
     [](CLI::App& sub) -> CommandRun {
       auto flags = std::make_shared<QueueFlags>();
       sub.require_subcommand(1);
       auto* stats = sub.add_subcommand("stats", "Ready, leased, delayed and dead tasks, oldest age, totals");
       stats->add_flag("--json", flags->json, "Print JSON");
       auto* dead = sub.add_subcommand("dead", "The dead-letter queue");
       dead->require_subcommand(1);
       auto* list = dead->add_subcommand("list", "List dead letters with the reason of every attempt");
       list->add_flag("--json", flags->json, "Print JSON");
       list->add_option("--limit", flags->limit, "How many to show (oldest first)")->check(CLI::Range(1, 100000));
       auto* requeue = dead->add_subcommand("requeue", "Put a dead letter (ID) or all of them (--all) back to ready");
       auto* id_opt = requeue->add_option("id", flags->id, "Dead letter id (from `dead list`)");
       auto* all_opt = requeue->add_flag("--all", flags->all, "Requeue every dead letter");
       id_opt->excludes(all_opt);
       requeue->add_flag("--json", flags->json, "Print JSON");
       auto* purge = dead->add_subcommand("purge", "Delete every dead letter");
       purge->add_flag("--json", flags->json, "Print JSON");
       return [=] {
         if (stats->parsed()) return Stats(flags->json);
         if (list->parsed()) return DeadList(flags->limit, flags->json);
         if (requeue->parsed()) {
           if (!flags->all && flags->id.empty()) {
             std::cerr << "worthit: queue dead requeue needs an ID or --all\n";
             return kExitUsage;
           }
           return DeadRequeue(flags->all ? std::nullopt : std::optional<std::string>(flags->id), flags->json);
         }
         if (purge->parsed()) return DeadPurge(flags->json);
         return kExitUsage;
       };
     }});

}  // namespace
}  // namespace worthit::app
