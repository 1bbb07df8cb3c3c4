#include "queue/analysis_task.h"

#include <array>
#include <boost/json.hpp>

namespace worthit::queue {
namespace json = boost::json;
namespace {

// ToJson builds the object in this stack buffer (a monotonic resource: nothing freed one by one, all
// released together): the object's table, its keys and the url need no heap, only the returned text
// does. 1 KiB holds a task's 12 members with a url of a few hundred bytes; a longer one spills to
// the heap (the resource's upstream), same output.
constexpr size_t kToJsonBuffer = 1024;
constexpr size_t kTaskMembers = 12;

}  // namespace

std::string ToJson(const AnalysisTask& task) {
  std::array<unsigned char, kToJsonBuffer> buffer;  // NOLINT(cppcoreguidelines-pro-type-member-init): scratch
  json::monotonic_resource mr(buffer.data(), buffer.size());
  json::object o(&mr);
  o.reserve(kTaskMembers);
  o["v"] = task.v;
  o["kind"] = "analyze";
  o["update_id"] = task.update_id;
  o["chat_id"] = task.chat_id;
  o["user_id"] = task.user_id;
  o["chat_type"] = task.chat_type;
  o["lang"] = task.lang;
  o["url"] = task.url;
  if (task.ack_message_id) o["ack_message_id"] = *task.ack_message_id;
  if (task.reply_to_message_id) o["reply_to_message_id"] = *task.reply_to_message_id;
  if (task.force_refresh) o["force_refresh"] = true;
  o["created_at_ms"] = task.created_at_ms;
  return json::serialize(o);
}

Result<AnalysisTask> ParseAnalysisTask(const std::string& text) {
  json::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) return Error::Permanent("QUEUE_BAD_PAYLOAD", "payload is not a JSON object");
  const auto& o = value.as_object();
  auto int_of = [&](const char* key) -> std::optional<int64_t> {
    auto it = o.find(key);
    if (it == o.end()) return std::nullopt;
    if (it->value().is_int64()) return it->value().as_int64();
    if (it->value().is_uint64()) return static_cast<int64_t>(it->value().as_uint64());
    return std::nullopt;
  };
  auto str_of = [&](const char* key) -> std::string {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
  };
  AnalysisTask task;
  const auto v = int_of("v");
  if (!v) return Error::Permanent("QUEUE_BAD_PAYLOAD", "payload has no version \"v\"");
  if (*v < 1 || *v > kAnalysisTaskVersion) {
    return Error::Permanent("QUEUE_BAD_PAYLOAD", "unsupported payload version " + std::to_string(*v));
  }
  task.v = static_cast<int>(*v);
  task.update_id = int_of("update_id").value_or(0);
  const auto chat = int_of("chat_id");
  if (!chat) return Error::Permanent("QUEUE_BAD_PAYLOAD", "payload has no chat_id");
  task.chat_id = *chat;
  task.user_id = int_of("user_id").value_or(0);
  task.chat_type = str_of("chat_type");
  if (task.chat_type.empty()) task.chat_type = "private";
  task.lang = str_of("lang");
  if (task.lang != "en") task.lang = "it";
  task.url = str_of("url");
  if (task.url.empty()) return Error::Permanent("QUEUE_BAD_PAYLOAD", "payload has no url");
  task.ack_message_id = int_of("ack_message_id");
  task.reply_to_message_id = int_of("reply_to_message_id");
  if (auto it = o.find("force_refresh"); it != o.end() && it->value().is_bool())
    task.force_refresh = it->value().as_bool();
  task.created_at_ms = int_of("created_at_ms").value_or(0);
  return task;
}

}  // namespace worthit::queue
