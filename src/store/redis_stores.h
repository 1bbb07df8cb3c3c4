// Redis implementations of the stores (STORE_URL=redis://host:port/db), so `serve` and `work`
// keep no state of their own and any number of them can share one Redis:
//   ConversationStore  chat state as a key with PX expiry; languages in one hash
//   UpdateStore        handled ids and ack records as keys with EX = kUpdateRetention (Redis
//                      expires them, Prune() has nothing to do); cursors in one hash
//   ResultStore        results as hashes (EX kResultRetention), url keys as strings, history as a
//                      capped list per user, popularity as one sorted set per UTC day (8 days),
//                      prices as a capped list, deliveries as SET NX keys, user windows as INCR
//                      counters with expiry, learned reviews in one hash keyed by text hash
//   OutboundLimiter    token buckets per chat and one global, updated by one Lua script with the
//                      Redis server's clock (TIME), so all processes share one budget; a result
//                      store on the same server and prefix sends that script in its own pipeline
//                      (PutAnalysisTakeToken: the worker's write and the card's token, one round trip)
// Key prefix: REDIS_PREFIX + ":s:" (the queue uses REDIS_PREFIX too; the names do not collide).
// Connections: one RedisClient pool (queue/redis/redis_connection.h) shared by the three stores;
// the limiter has its own. RecordDeliveredCommands hands the worker its delivery writes for the
// queue's pipeline (TaskQueue::AckThenLease + PipelinedWrites).
// Errors: STORE_UNAVAILABLE (transient) when Redis cannot be reached.
// Thread-safety: all objects are safe from many threads.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "store/conversation_store.h"
#include "store/result_store.h"
#include "store/update_store.h"
#include "telegram/outbound_limiter.h"
#include "telegram/rate_limiter.h"

namespace worthit::store {

struct RedisStores {
  std::shared_ptr<ConversationStore> conversations;
  std::shared_ptr<UpdateStore> updates;
  std::shared_ptr<ResultStore> results;
};

// url: redis://[:password@]host:port[/db]. Connects lazily.
Result<RedisStores> OpenRedisStores(const std::string& url, const std::string& prefix);
Result<std::shared_ptr<telegram::OutboundLimiter>> OpenRedisOutboundLimiter(const std::string& url,
                                                                            const std::string& prefix,
                                                                            telegram::RateLimits limits);

}  // namespace worthit::store
