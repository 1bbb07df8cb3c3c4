// OpenQueue: QUEUE_URL → the backend behind the TaskQueue interface.
#include <type_traits>

#include "queue/backends.h"
#include "queue/queue.h"
#include "queue/queue_url.h"

namespace worthit::queue {

Result<std::unique_ptr<TaskQueue>> OpenQueue(const std::string& url, const QueueOptions& options, Clock& clock) {
  auto endpoint = ParseQueueUrl(url);
  if (!endpoint.ok()) return endpoint.error();
  if (options.max_attempts < 1) return Error::Invalid("QUEUE_INVALID_URL", "max_attempts must be at least 1");
  if (options.lease_duration.count() < 1) return Error::Invalid("QUEUE_INVALID_URL", "lease_duration must be > 0");
  return std::visit(
      [&](const auto& e) -> Result<std::unique_ptr<TaskQueue>> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, MemoryEndpoint>) {
          return NewMemoryQueue(options, clock);
        } else if constexpr (std::is_same_v<T, SqliteEndpoint>) {
          return OpenSqliteQueue(e.path, options, clock);
        } else {
          return OpenRedisQueue(e, options);
        }
      },
      endpoint.value());
}

}  // namespace worthit::queue
