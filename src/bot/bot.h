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
#include "queue/analysis_task.h"
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

// Sans-I/O, step 1: what the bot must read for an update, from the update alone.
struct ReadPlan {
  bool message = false;  // a message: UpdateStore::LookupMessage (else Lookup)
  std::optional<int64_t> user_id;
  int64_t chat_id = 0;
  std::string link_url;                   // the product link the message carries ("" = none)
  std::optional<store::LinkProbe> probe;  // the link's limits + cache read, folded into the lookup
  // After the read, the update needs at most one sendMessage and one store/queue write (a reply,
  // an intake, or nothing), so an event loop can run it (Decide + the steps of Decision). False:
  // callbacks, inline queries, /analisi, /popolari, a link without a probe: HandleUpdate runs them.
  bool event_driven = false;
};

// Sans-I/O, step 2: what to do, given what was read. Executed by Bot::HandleUpdate (blocking
// calls) or by the webhook's event-driven path (app/event_front_door.cpp); both follow the order
// documented on the fields and in docs/design.md "Intake".
struct Decision {
  enum class Kind {
    kDone,      // nothing more to do: `outcome` (duplicate, ignored)
    kReply,     // [state write] → send `send` → mark handled (outcome.action) [+ clear state] → [RecordServed]
    kIntake,    // [send the ack `send`, unless ack_message_id] → the write (IntakeWrite) → [clear state]
    kBlocking,  // not decidable without more I/O: HandleUpdate's blocking code runs it
  };
  Kind kind = Kind::kDone;
  HandleOutcome outcome;  // on success
  telegram::SendMessageRequest send;
  std::optional<store::ChatState> set_state;  // kReply: written before sending (/cerca)
  // kReply: the message after /cerca had no link. Cleared once the reply is out (or absorbed), not
  // before: a redelivery after a failed send must still find the chat waiting and say so.
  bool clear_state_after_reply = false;
  bool clear_state_after = false;  // kIntake: the chat awaited this link (best effort)
  std::string served_product_id;   // kReply of a cached card: RecordServed once sent
  InsightsRequest request;
  std::optional<int64_t> ack_message_id;  // kIntake of a redelivery: reuse it, send nothing
  bool legacy_checks = false;             // kIntake without a probe: AdmitLink + CachedCard first (blocking)
  queue::AnalysisTask task;               // kIntake; ack_message_id set once known
  std::string blocking_command;           // kBlocking of a message: "analisi" | "popolari"
  // The link probe counted this delivery against the user's limits (its user and time): given back
  // (ResultStore::GiveBackUserRequest) if the reply or acknowledgement cannot be sent, because the
  // update then comes again and is counted again.
  struct Counted {
    int64_t user_id = 0;
    int64_t at_ms = 0;
  };
  std::optional<Counted> counted;
};

// The one durable write of an intake: the task and (atomic intake) the records, or the task alone
// (then PutAck and MarkHandled are separate writes).
struct IntakeWrite {
  std::string payload;
  queue::EnqueueOptions options;
  std::vector<queue::AtomicRecord> records;  // empty: not atomic
};

class Bot {
 public:
  Bot(BotDeps deps, BotOptions options);

  // Plan → one read → Decide → execute with blocking calls.
  Result<HandleOutcome> HandleUpdate(const telegram::Update& update);

  // The pure steps, shared with the event-driven path.
  ReadPlan Plan(const telegram::Update& update) const;
  // `seen`: what the read of `plan` returned (for a non-message, only seen.update is used).
  Decision Decide(const telegram::Update& update, const ReadPlan& plan, const store::MessageLookup& seen) const;
  IntakeWrite MakeIntakeWrite(const Decision& d, int64_t ack_message_id) const;
  // Permanent Telegram errors (403 blocked, 400 chat not found) are absorbed, not retried.
  static bool IsPermanentTelegram(const Error& e);
  // Counts and logs an absorbed error; the outcome to return.
  static HandleOutcome Absorbed(const Error& e, const std::string& action);
  // Counts a final outcome (worthit_bot_outcomes_total, dedupe hits).
  static void CountOutcome(const HandleOutcome& o);

  // setMyCommands: Italian descriptions as the default, English for language_code "en".
  Status PublishCommands();
  static std::vector<telegram::BotCommand> CommandsFor(Lang lang);
  // The /start reply keyboard in a language.
  static telegram::ReplyMarkup MainKeyboard(Lang lang);
  const BotOptions& options() const { return options_; }
  InsightsHandler& insights() const { return deps_.insights; }

 private:
  Result<HandleOutcome> Execute(const telegram::Update& update, Decision& d);
  Decision DecideMessage(const telegram::Message& m, const ReadPlan& plan, const store::MessageLookup& seen) const;
  Decision CommandDecision(const telegram::Message& m, const std::string& name, Lang lang) const;
  Decision ReplyDecision(const telegram::Message& m, const Reply& reply, const std::string& action) const;
  Result<HandleOutcome> OnCallback(const telegram::Update& update, const telegram::CallbackQuery& q);
  Result<HandleOutcome> Intake(const telegram::Update& update, Decision& d);
  // Sends d.send and marks the update handled; permanent send errors are absorbed.
  Result<HandleOutcome> ReplyAndMark(const telegram::Update& update, const Decision& d);
  // A counted delivery's reply failed (transient): its count back, best effort (Decision::counted).
  void GiveBackCount(const Decision& d);
  Result<Lang> LanguageOf(const std::optional<telegram::User>& user);
  bool AddressedToBot(const telegram::Message& m, bool awaiting) const;

  BotDeps deps_;
  BotOptions options_;
};

}  // namespace worthit::bot
