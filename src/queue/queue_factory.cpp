// OpenQueue: picks the backend from the URL scheme. This version knows memory:// only; the queue
// branch replaces this file with one that also opens sqlite:// and redis://.
#include "queue/queue.h"

namespace worthit::queue {

std::unique_ptr<TaskQueue> MakeMemoryQueue(const QueueOptions& options, Clock& clock);

Result<std::unique_ptr<TaskQueue>> OpenQueue(const std::string& url, const QueueOptions& options, Clock& clock) {
  if (url == "memory://" || url == "memory:") return MakeMemoryQueue(options, clock);
  return Error::Invalid("QUEUE_INVALID_URL", "unsupported queue URL in this build (memory:// only): " + url);
}

}  // namespace worthit::queue
