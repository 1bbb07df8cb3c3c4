// The webhook handler wired to a FrontDoor: the same secret check, body cap, routing and readiness
// for `serve` (Beast server) and `lambda` (AWS Lambda Runtime API loop), so both answer Telegram
// identically. Ownership: the handler keeps the FrontDoor alive (shared_ptr) for as long as it lives.
// Thread-safety: as WebhookHandler (Handle() from many threads; the Bot is thread-safe).
#pragma once

#include <memory>

#include "app/event_front_door.h"
#include "app/front_door.h"
#include "common/config.h"
#include "webhook/webhook_handler.h"

namespace worthit::app {

// WEBHOOK_PATH, WEBHOOK_SECRET (+ WEBHOOK_SECRET_PREVIOUS), WEBHOOK_MAX_BODY_BYTES; updates go to fd->bot (or, with
// `event`, to the event-driven front door), /readyz asks fd->Ready().
std::shared_ptr<const webhook::WebhookHandler> MakeWebhookHandler(const Config& config, std::shared_ptr<FrontDoor> fd,
                                                                  std::shared_ptr<EventFrontDoor> event = nullptr);

}  // namespace worthit::app
