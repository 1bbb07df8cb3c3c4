// Default batch operations of TaskQueue and the options read from the configuration.
#include "queue/queue.h"

namespace worthit::queue {

Result<std::vector<std::string>> TaskQueue::EnqueueBatch(const std::vector<EnqueueRequest>& requests) {
  std::vector<std::string> ids;
  ids.reserve(requests.size());
  for (const auto& request : requests) {
    auto id = Enqueue(request.payload, request.options);
    if (!id.ok()) return id.error();
    ids.push_back(std::move(id.value()));
  }
  return ids;
}

Result<std::string> TaskQueue::EnqueueWithRecords(const std::string&, const EnqueueOptions&,
                                                  const std::vector<AtomicRecord>&) {
  return Error::Invalid("QUEUE_RECORDS_UNSUPPORTED", "the " + Backend() + " queue cannot write records with a task");
}

std::vector<Status> TaskQueue::AckBatch(const std::vector<Lease>& leases) {
  std::vector<Status> out;
  out.reserve(leases.size());
  for (const auto& lease : leases) out.push_back(Ack(lease));
  return out;
}

Result<std::vector<Lease>> TaskQueue::AckThenLease(const std::vector<Lease>& acks, std::vector<Status>& acked,
                                                   const std::string& consumer, int max_tasks,
                                                   std::chrono::milliseconds wait, PipelinedWrites* writes) {
  if (writes != nullptr && !writes->commands.empty()) {
    writes->status = Error::Invalid("QUEUE_RECORDS_UNSUPPORTED", "the " + Backend() + " queue cannot send writes");
  }
  acked = acks.empty() ? std::vector<Status>{} : AckBatch(acks);
  if (max_tasks < 1) return std::vector<Lease>{};
  return LeaseTasks(consumer, max_tasks, wait);
}

QueueOptions QueueOptionsFromConfig(const Config& config) {
  QueueOptions options;
  options.lease_duration = std::chrono::seconds(config.GetInt("LEASE_SECONDS"));
  options.max_attempts = static_cast<int>(config.GetInt("MAX_ATTEMPTS"));
  options.idempotency_ttl = std::chrono::seconds(config.GetInt("IDEMPOTENCY_TTL_SECONDS"));
  options.redis_prefix = config.Get("REDIS_PREFIX");
  options.backoff.base = std::chrono::milliseconds(config.GetInt("RETRY_BASE_MS"));
  options.backoff.cap = std::chrono::milliseconds(config.GetInt("RETRY_CAP_MS"));
  return options;
}

}  // namespace worthit::queue
