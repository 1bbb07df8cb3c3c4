// Bot: turns one Telegram Update into replies and tasks — the conversation of PRODUCT.md.
//
// Both `serve` (webhook) and `poll` (getUpdates) call HandleUpdate() for every update; the result
// decides the HTTP answer / whether the poll offset advances:
//   ok            → the update's effect is durable (or it needs none): answer 200 / advance.
//   error         → transient (Telegram or queue or store unreachable): answer 5xx / retry, so the
//                   same update_id comes again. Permanent Telegram errors (403: bot blocked) are
//                   NOT errors here: redelivery cannot help, so they are counted and absorbed.
// Intake of a product link (exactly-once, see docs/design.md "Intake"); first, if
// InsightsHandler::CachedCard() has a recent card for the link, that card is sent instead:
//   (a) update_id already handled → nothing;  (b) reuse the ack record, or send the ack
//   "Sto analizzando..." as a reply and store the ack record;  (c) Enqueue the AnalysisTask with
//   idempotency key "update:<update_id>";  (d) mark the update handled; only then return ok.
//   With BotOptions::atomic_intake (queue and stores on one Redis) the ack record of (b), (c) and
//   (d) are one write: the enqueue script writes the records with the task.
// Commands: the reply is sent, then the update is marked handled (a crash in between = at most one
// duplicate reply on redelivery, documented). Groups: only /cmd@ThisBot, replies to the bot,
// mentions of it, and the message after /cerca in that chat.
// Thread-safety: HandleUpdate may run on many threads at once (all state is in the stores).
// Telegram delivers one chat's updates in order, one at a time per webhook connection, so per-chat
// state read here is consistent.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "bot/insights_handler.h"
#include "bot/texts.h"
#include "common/clock.h"
#include "common/result.h"
#include "queue/queue.h"
#include "store/conversation_store.h"
#include "store/update_store.h"
#include "telegram/bot_api.h"
#include "telegram/types.h"

namespace worthit::bot {

struct BotDeps {
  telegram::BotApi& api;
  queue::TaskQueue& queue;
  store::ConversationStore& conversations;
  store::UpdateStore& updates;
  InsightsHandler& insights;
  Clock& clock;
};

struct BotOptions {
  std::string username;  // the bot's @username without '@' (BOT_USERNAME or getMe)
  // How long "awaiting a link" after /cerca lasts: long enough to find the link in another app.
  std::chrono::minutes awaiting_link_ttl{15};
  // The queue and the UpdateStore live in one backend (the same Redis): the ack record and the
  // handled mark are written by the enqueue itself (UpdateStore::IntakeRecords +
  // TaskQueue::EnqueueWithRecords), one atomic write per link instead of three. Set by the front door
  // only when TaskQueue::SupportsRecords() and STORE_URL and QUEUE_URL name the same server.
  bool atomic_intake = false;
};

enum class Disposition {
  kHandled,    // replied and/or enqueued
  kDuplicate,  // update_id already handled: nothing done
  kIgnored,    // nothing to do (not addressed to the bot, unusable kind)
  kAbsorbed,   // a permanent Telegram error (blocked, kicked): counted, not retried
};
std::string_view ToString(Disposition d);

struct HandleOutcome {
  Disposition disposition = Disposition::kIgnored;
  std::string action;  // "link", "command:start", "hint", "callback", "ignored:edited_message", ...
};

class Bot {
 public:
  Bot(BotDeps deps, BotOptions options);

  Result<HandleOutcome> HandleUpdate(const telegram::Update& update);

  // setMyCommands: Italian descriptions as the default, English for language_code "en".
  Status PublishCommands();
  static std::vector<telegram::BotCommand> CommandsFor(Lang lang);
  // The /start reply keyboard in a language.
  static telegram::ReplyMarkup MainKeyboard(Lang lang);
  const BotOptions& options() const { return options_; }

 private:
  // seen: what UpdateStore::LookupMessage read (the ack record of a redelivered link, the user's
  // language, the chat's state).
  Result<HandleOutcome> OnMessage(const telegram::Update& update, const telegram::Message& m,
                                  const store::MessageLookup& seen);
  Result<HandleOutcome> OnCallback(const telegram::Update& update, const telegram::CallbackQuery& q);
  Result<HandleOutcome> RunCommand(const telegram::Update& update, const telegram::Message& m, const std::string& name,
                                   Lang lang);
  // had_state: the chat had a conversation state (e.g. awaiting a link after /cerca) to clear;
  // without one the store is not written (a DELETE of nothing still costs a write transaction).
  Result<HandleOutcome> Intake(const telegram::Update& update, const telegram::Message& m, const std::string& url,
                               Lang lang, bool had_state, const std::optional<store::AckRecord>& ack);
  // Sends a reply and marks the update handled; permanent send errors are absorbed.
  Result<HandleOutcome> ReplyAndMark(const telegram::Update& update, const telegram::Message& m, const Reply& reply,
                                     const std::string& action);
  Result<Lang> LanguageOf(const std::optional<telegram::User>& user);
  bool AddressedToBot(const telegram::Message& m, bool awaiting) const;

  BotDeps deps_;
  BotOptions options_;
};

}  // namespace worthit::bot
