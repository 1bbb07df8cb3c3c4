#include "bot/bot.h"

#include <array>
#include <atomic>

#include "bot/command_parser.h"
#include "bot/link_detector.h"
#include "common/log.h"
#include "common/metrics.h"
#include "queue/analysis_task.h"

namespace worthit::bot {
namespace {

constexpr std::string_view kLangCallbackPrefix = "lang:";

metrics::Counter& DedupeHits() {
  static auto& c = metrics::Registry::Global().GetCounter(
      "worthit_bot_dedupe_hits_total", "Updates ignored because their update_id was already handled");
  return c;
}

void CountDisposition(const HandleOutcome& o) {
  // One registry lookup per disposition for the process, not one per update.
  static std::array<std::atomic<metrics::Counter*>, 4> cache{};
  const auto i = static_cast<size_t>(o.disposition);
  metrics::Counter* c = i < cache.size() ? cache[i].load(std::memory_order_acquire) : nullptr;
  if (c == nullptr) {
    c = &metrics::Registry::Global().GetCounter("worthit_bot_outcomes_total", "Updates by what the bot did with them",
                                                {{"disposition", std::string(ToString(o.disposition))}});
    if (i < cache.size()) cache[i].store(c, std::memory_order_release);
  }
  c->Inc();
}

}  // namespace

std::string_view ToString(Disposition d) {
  switch (d) {
    case Disposition::kHandled: return "handled";
    case Disposition::kDuplicate: return "duplicate";
    case Disposition::kIgnored: return "ignored";
    case Disposition::kAbsorbed: return "absorbed";
  }
  return "ignored";
}

Bot::Bot(BotDeps deps, BotOptions options) : deps_(deps), options_(std::move(options)) {}

std::vector<telegram::BotCommand> Bot::CommandsFor(Lang lang) {
  std::vector<telegram::BotCommand> out;
  for (const auto& c : TextsFor(lang).commands) out.push_back({std::string(c.command), std::string(c.description)});
  return out;
}

telegram::ReplyMarkup Bot::MainKeyboard(Lang lang) {
  const Texts& t = TextsFor(lang);
  telegram::ReplyKeyboard kb;
  kb.rows = {
      {std::string(t.btn_search)}, {std::string(t.btn_history), std::string(t.btn_help)}, {std::string(t.btn_popular)}};
  telegram::ReplyMarkup m;
  m.reply_keyboard = kb;
  return m;
}

Status Bot::PublishCommands() {
  if (auto s = deps_.api.SetMyCommands(CommandsFor(Lang::kIt), ""); !s.ok()) return s;
  return deps_.api.SetMyCommands(CommandsFor(Lang::kEn), "en");
}

bool Bot::IsPermanentTelegram(const Error& e) {
  return e.kind == ErrorKind::kPermanent || e.kind == ErrorKind::kInvalidInput;
}

HandleOutcome Bot::Absorbed(const Error& e, const std::string& action) {
  metrics::Registry::Global()
      .GetCounter("worthit_bot_absorbed_errors_total", "Permanent Telegram errors absorbed (no redelivery)",
                  {{"code", e.code}})
      .Inc();
  log::Warn("bot.telegram_permanent", {{"action", action}, {"error", e.ToString()}});
  return {Disposition::kAbsorbed, action};
}

void Bot::CountOutcome(const HandleOutcome& o) {
  if (o.disposition == Disposition::kDuplicate) DedupeHits().Inc();
  CountDisposition(o);
}

ReadPlan Bot::Plan(const telegram::Update& update) const {
  ReadPlan plan;
  if (update.kind != telegram::UpdateKind::kMessage || !update.message) {
    // Callbacks and inline queries read the user's language and the insights' stores: blocking.
    plan.event_driven =
        update.kind != telegram::UpdateKind::kCallbackQuery && update.kind != telegram::UpdateKind::kInlineQuery;
    return plan;
  }
  const telegram::Message& m = *update.message;
  plan.message = true;
  plan.user_id = m.from ? std::optional<int64_t>(m.from->id) : std::nullopt;
  plan.chat_id = m.chat.id;
  plan.event_driven = true;
  if (m.from && m.from->is_bot) return plan;
  auto blocking = [](std::string_view name) { return name == "analisi" || name == "popolari"; };
  if (auto cmd = ParseCommand(m.text)) {
    plan.event_driven = !blocking(cmd->name);
    return plan;
  }
  for (Lang l : {Lang::kIt, Lang::kEn}) {
    const Texts& tl = TextsFor(l);
    if (m.text == tl.btn_history || m.text == tl.btn_popular) {
      plan.event_driven = false;
      return plan;
    }
    if (m.text == tl.btn_search || m.text == tl.btn_help) return plan;
  }
  const auto links = DetectLinks(m);
  if (auto link = PickProductLink(links)) {
    plan.link_url = link->url;
    const InsightsRequest req{m.chat.id, m.from ? m.from->id : m.chat.id, Lang::kIt};
    plan.probe = deps_.insights.ProbeFor(req, link->url);
    if (plan.probe) {
      // A group message the bot reads only because the chat awaits a link (after /cerca) is
      // counted only if it does.
      plan.probe->require_awaiting = m.chat.IsGroup() && !AddressedToBot(m, false);
    } else {
      plan.event_driven = false;  // AdmitLink + CachedCard are blocking calls
    }
  }
  return plan;
}

Decision Bot::Decide(const telegram::Update& update, const ReadPlan& plan, const store::MessageLookup& seen) const {
  Decision d;
  if (seen.update.handled) {
    d.outcome = {Disposition::kDuplicate, "duplicate"};
    return d;
  }
  d.outcome = {Disposition::kIgnored, "ignored:" + std::string(ToString(update.kind))};
  switch (update.kind) {
    case telegram::UpdateKind::kMessage: {
      Decision m = DecideMessage(*update.message, plan, seen);
      m.task.update_id = update.update_id;
      return m;
    }
    case telegram::UpdateKind::kCallbackQuery:
    case telegram::UpdateKind::kInlineQuery: d.kind = Decision::Kind::kBlocking; break;
    case telegram::UpdateKind::kMyChatMember:
      // Added to / removed from a chat, blocked / unblocked: nothing to say (a blocked bot cannot
      // talk, and greeting a group on join is spam). Logged for operators.
      log::Info("bot.membership",
                {{"chat_id", update.my_chat_member->chat.id}, {"status", update.my_chat_member->new_status}});
      break;
    default:
      // edited_message: the original message was already handled (or deliberately ignored);
      // re-analysing on every typo fix would double the work. channel_post: the bot does not talk
      // in channels. Unknown kinds: ignored by contract.
      break;
  }
  return d;
}

Result<HandleOutcome> Bot::HandleUpdate(const telegram::Update& update) {
  // (a), the ack record of (b) and, for a message, the user's language, the chat's state and a
  // link's limits and cached card: one read (one round trip on Redis).
  const ReadPlan plan = Plan(update);
  Result<store::MessageLookup> seen = store::MessageLookup{};
  if (plan.message) {
    seen = deps_.updates.LookupMessage(update.update_id, deps_.conversations, plan.user_id, plan.chat_id,
                                       plan.probe ? &*plan.probe : nullptr, deps_.insights.ProbeStore());
  } else if (auto u = deps_.updates.Lookup(update.update_id); u.ok()) {
    seen->update = *u;
  } else {
    seen = u.error();
  }
  if (!seen.ok()) return seen.error();
  Decision d = Decide(update, plan, *seen);
  auto result = Execute(update, d);
  if (result.ok()) CountOutcome(*result);
  return result;
}

Result<HandleOutcome> Bot::Execute(const telegram::Update& update, Decision& d) {
  switch (d.kind) {
    case Decision::Kind::kDone: return d.outcome;
    case Decision::Kind::kReply: {
      if (d.set_state) {
        if (auto s = deps_.conversations.SetChatState(d.send.chat_id, *d.set_state); !s.ok()) return s.error();
      }
      return ReplyAndMark(update, d);
    }
    case Decision::Kind::kIntake: return Intake(update, d);
    case Decision::Kind::kBlocking: break;
  }
  if (update.kind == telegram::UpdateKind::kCallbackQuery) return OnCallback(update, *update.callback_query);
  if (update.kind == telegram::UpdateKind::kInlineQuery) {
    auto lang = LanguageOf(update.inline_query->from);
    if (!lang.ok()) return lang.error();
    auto r = deps_.insights.HandleInlineQuery(*update.inline_query, *lang);
    if (!r.ok()) {
      if (!IsPermanentTelegram(r.error())) return r.error();
      return Absorbed(r.error(), "inline_query");
    }
    if (*r) return HandleOutcome{Disposition::kHandled, "inline_query"};
    return HandleOutcome{Disposition::kIgnored, "ignored:inline_query"};
  }
  // /analisi, /popolari (commands or buttons): the insights read the workers' stores.
  const auto& name = d.blocking_command;
  auto reply = name == "analisi" ? deps_.insights.History(d.request) : deps_.insights.Popular(d.request);
  if (!reply.ok()) return reply.error();
  Decision r = ReplyDecision(*update.message, *reply, "command:" + name);
  return ReplyAndMark(update, r);
}

Result<Lang> Bot::LanguageOf(const std::optional<telegram::User>& user) {
  if (!user) return Lang::kIt;
  auto chosen = deps_.conversations.GetUserLanguage(user->id);
  if (!chosen.ok()) return chosen.error();
  return ResolveLanguage(*chosen, user->language_code);
}

bool Bot::AddressedToBot(const telegram::Message& m, bool awaiting) const {
  if (!m.chat.IsGroup()) return true;
  if (awaiting) return true;
  if (options_.username.empty()) return false;
  if (m.reply_to_from && m.reply_to_from->is_bot && SameUsername(m.reply_to_from->username, options_.username)) {
    return true;
  }
  const std::string mention = "@" + options_.username;
  auto mentioned = [&](const std::string& text, const std::vector<telegram::MessageEntity>& entities) {
    for (const auto& e : entities) {
      if (e.type == "mention" && SameUsername(telegram::Utf16Substr(text, e.offset, e.length), mention)) return true;
    }
    return false;
  };
  return mentioned(m.text, m.entities) || mentioned(m.caption, m.caption_entities);
}

Decision Bot::ReplyDecision(const telegram::Message& m, const Reply& reply, const std::string& action) const {
  Decision d;
  d.kind = Decision::Kind::kReply;
  d.outcome = {Disposition::kHandled, action};
  d.send.chat_id = m.chat.id;
  d.send.text = reply.text;
  d.send.parse_mode = reply.parse_mode;
  d.send.reply_markup = reply.markup;
  // In groups, reply to the message so it is clear whom the bot answers.
  if (m.chat.IsGroup()) d.send.reply_to_message_id = m.message_id;
  return d;
}

Decision Bot::DecideMessage(const telegram::Message& m, const ReadPlan& plan, const store::MessageLookup& seen) const {
  Decision d;
  d.kind = Decision::Kind::kDone;
  if (m.from && m.from->is_bot) {
    d.outcome = {Disposition::kIgnored, "ignored:from_bot"};
    return d;
  }
  const store::ChatContext& context = seen.chat;  // read with the update's lookup
  const Lang lang = m.from ? ResolveLanguage(context.language, m.from->language_code) : Lang::kIt;
  const Texts& t = TextsFor(lang);

  if (auto cmd = ParseCommand(m.text)) {
    if (m.chat.IsGroup()) {
      // In groups only /cmd@ThisBot: a bare /start may be meant for another bot in the chat.
      if (cmd->target.empty() || !SameUsername(cmd->target, options_.username)) {
        d.outcome = {Disposition::kIgnored, "ignored:group_command"};
        return d;
      }
    } else if (!cmd->target.empty() && !options_.username.empty() && !SameUsername(cmd->target, options_.username)) {
      d.outcome = {Disposition::kIgnored, "ignored:other_bot_command"};
      return d;
    }
    return CommandDecision(m, cmd->name, lang);
  }

  // Reply-keyboard buttons arrive as their label, in whichever language the keyboard was sent.
  for (Lang l : {Lang::kIt, Lang::kEn}) {
    const Texts& tl = TextsFor(l);
    if (m.text == tl.btn_search) return CommandDecision(m, "cerca", lang);
    if (m.text == tl.btn_history) return CommandDecision(m, "analisi", lang);
    if (m.text == tl.btn_help) return CommandDecision(m, "aiuto", lang);
    if (m.text == tl.btn_popular) return CommandDecision(m, "popolari", lang);
  }

  const auto& state = context.state;
  const bool awaiting = state.has_value() && state->mode == store::ChatMode::kAwaitingLink;
  if (!AddressedToBot(m, awaiting)) {
    d.outcome = {Disposition::kIgnored, "ignored:not_addressed"};
    return d;
  }

  if (!plan.link_url.empty()) {
    // Intake (docs/design.md): (b) one acknowledgement per update_id, whatever redeliveries happen.
    const InsightsRequest req{m.chat.id, m.from ? m.from->id : m.chat.id, lang};
    const std::optional<store::AckRecord>& ack = seen.update.ack;
    std::optional<Decision::Counted> counted;
    if (seen.link.taken && plan.probe) counted = Decision::Counted{plan.probe->user_id, plan.probe->now_ms};
    if (!ack.has_value() && plan.probe) {
      // A new link: the per-user limits, then a recent analysis of the same product (the cached
      // card at once, no task), both read with the lookup. Either reply is sent like a command's.
      LinkVerdict verdict = deps_.insights.DecideLink(req, seen.link);
      if (verdict.reply) {
        Decision r = ReplyDecision(m, *verdict.reply, verdict.action);
        r.served_product_id = verdict.served_product_id;
        r.request = req;
        r.counted = counted;
        return r;
      }
    }
    d.kind = Decision::Kind::kIntake;
    d.outcome = {Disposition::kHandled, "link"};
    d.request = req;
    d.legacy_checks = !ack.has_value() && !plan.probe;
    d.counted = counted;
    // No store write when the chat had no state (a DELETE of nothing still costs a write).
    d.clear_state_after = state.has_value();
    if (ack.has_value()) d.ack_message_id = ack->message_id;
    d.send.chat_id = m.chat.id;
    d.send.text = std::string(t.ack);
    d.send.reply_to_message_id = m.message_id;
    queue::AnalysisTask& task = d.task;
    task.chat_id = m.chat.id;
    task.user_id = m.from ? m.from->id : m.chat.id;
    task.chat_type = m.chat.type.empty() ? "private" : m.chat.type;
    task.lang = std::string(LangCode(lang));
    task.url = plan.link_url;
    task.reply_to_message_id = m.message_id;
    task.created_at_ms = deps_.clock.NowMillis();
    return d;
  }

  if (awaiting) {
    // The message after /cerca had no link: say so, and stop waiting (the next message is free
    // text again; the user can tap "🔍 Cerca prodotto" once more).
    Decision r = ReplyDecision(m, Reply{std::string(t.not_a_link), "", {}}, "not_a_link");
    r.clear_state_after_reply = true;
    return r;
  }
  if (m.chat.IsGroup() && m.text.empty() && m.caption.empty()) {
    d.outcome = {Disposition::kIgnored, "ignored:group_service"};
    return d;
  }
  return ReplyDecision(m, Reply{std::string(t.hint), "", {}}, "hint");
}

Decision Bot::CommandDecision(const telegram::Message& m, const std::string& name, Lang lang) const {
  const Texts& t = TextsFor(lang);
  if (name == "start") {
    // A /start with a payload (deep link) is still a start; the payload is not used yet.
    return ReplyDecision(m, Reply{std::string(t.welcome), "HTML", MainKeyboard(lang)}, "command:start");
  }
  if (name == "aiuto" || name == "help") {
    return ReplyDecision(m, Reply{std::string(t.help), "HTML", {}}, "command:help");
  }
  if (name == "cerca" || name == "search") {
    Decision d = ReplyDecision(m, Reply{std::string(t.ask_link), "", {}}, "command:cerca");
    const int64_t expires = deps_.clock.NowMillis() +
                            std::chrono::duration_cast<std::chrono::milliseconds>(options_.awaiting_link_ttl).count();
    d.set_state = store::ChatState{store::ChatMode::kAwaitingLink, expires};
    return d;
  }
  if (name == "lingua" || name == "language") {
    telegram::InlineKeyboard kb;
    kb.rows = {{telegram::InlineButton{"🇮🇹 Italiano", std::string(kLangCallbackPrefix) + "it", "", "", false},
                telegram::InlineButton{"🇬🇧 English", std::string(kLangCallbackPrefix) + "en", "", "", false}}};
    telegram::ReplyMarkup markup;
    markup.inline_keyboard = kb;
    return ReplyDecision(m, Reply{std::string(t.choose_language), "", markup}, "command:lingua");
  }
  if (name == "analisi" || name == "popolari") {
    Decision d;
    d.kind = Decision::Kind::kBlocking;
    d.blocking_command = name;
    d.request = InsightsRequest{m.chat.id, m.from ? m.from->id : m.chat.id, lang};
    return d;
  }
  return ReplyDecision(m, Reply{std::string(t.hint), "", {}}, "command:unknown");
}

Result<HandleOutcome> Bot::ReplyAndMark(const telegram::Update& update, const Decision& d) {
  auto sent = deps_.api.SendMessage(d.send);
  HandleOutcome outcome = d.outcome;
  if (!sent.ok()) {
    if (!IsPermanentTelegram(sent.error())) {
      GiveBackCount(d);
      return sent.error();
    }
    outcome = Absorbed(sent.error(), d.outcome.action);
  } else if (!d.served_product_id.empty()) {
    (void)deps_.insights.RecordServed(d.request, d.served_product_id);
  }
  // The reply is out: record it. If this fails the update will come again and be answered twice,
  // which is the documented worst case for commands; failing here makes that more likely, so log.
  if (auto s = deps_.updates.MarkHandled(update.update_id, d.outcome.action); !s.ok()) {
    log::Warn("bot.mark_handled_failed", {{"update_id", update.update_id}, {"error", s.error().ToString()}});
  }
  // The user has been told the chat stops waiting for a link: now it does. A failure leaves the
  // state to expire on its own (15 minutes); the next message would be read as a link attempt.
  if (d.clear_state_after_reply) {
    if (auto s = deps_.conversations.ClearChatState(d.send.chat_id); !s.ok()) {
      log::Warn("bot.clear_state_failed", {{"chat_id", d.send.chat_id}, {"error", s.error().ToString()}});
    }
  }
  return outcome;
}

void Bot::GiveBackCount(const Decision& d) {
  store::ResultStore* results = d.counted ? deps_.insights.ProbeStore() : nullptr;
  if (results == nullptr) return;
  if (auto s = results->GiveBackUserRequest(d.counted->user_id, d.counted->at_ms); !s.ok()) {
    log::Warn("bot.give_back_failed", {{"user_id", d.counted->user_id}, {"error", s.error().ToString()}});
  }
}

IntakeWrite Bot::MakeIntakeWrite(const Decision& d, int64_t ack_message_id) const {
  IntakeWrite w;
  queue::AnalysisTask task = d.task;
  task.ack_message_id = ack_message_id;
  w.payload = queue::ToJson(task);
  w.options = queue::EnqueueOptions{"update:" + std::to_string(task.update_id), {}};
  // Atomic intake (queue and stores on one Redis): the ack record and the handled mark go into the
  // enqueue script, so (b)'s record, (c) and (d) are one durable write. Otherwise three writes.
  if (options_.atomic_intake) {
    w.records = deps_.updates.IntakeRecords(task.update_id, {task.chat_id, ack_message_id}, "enqueued");
  }
  return w;
}

Result<HandleOutcome> Bot::Intake(const telegram::Update& update, Decision& d) {
  const telegram::Message& m = *update.message;
  if (d.legacy_checks) {
    // An InsightsHandler without a probe: its limits and cache, as separate blocking calls.
    auto refused = deps_.insights.AdmitLink(d.request);
    if (!refused.ok()) return refused.error();
    if (refused->has_value()) return ReplyAndMark(update, ReplyDecision(m, **refused, "rate_limited"));
    auto cached = deps_.insights.CachedCard(d.request, d.task.url);
    if (!cached.ok()) return cached.error();
    if (cached->has_value()) return ReplyAndMark(update, ReplyDecision(m, **cached, "cached"));
  }
  const bool had_ack = d.ack_message_id.has_value();
  int64_t ack_message_id = 0;
  if (had_ack) {
    ack_message_id = *d.ack_message_id;
  } else {
    auto sent = deps_.api.SendMessage(d.send);
    if (!sent.ok()) {
      if (!IsPermanentTelegram(sent.error())) {
        GiveBackCount(d);
        return sent.error();
      }
      // The user cannot be reached (blocked the bot, chat gone): analysing would deliver nothing.
      (void)deps_.updates.MarkHandled(update.update_id, "absorbed");
      return Absorbed(sent.error(), "link");
    }
    ack_message_id = sent->message_id;
  }
  const IntakeWrite w = MakeIntakeWrite(d, ack_message_id);
  const bool atomic = !w.records.empty();
  if (!atomic && !had_ack) {
    if (auto s = deps_.updates.PutAck(update.update_id, {m.chat.id, ack_message_id}); !s.ok()) return s.error();
  }
  // (c) hand the task over; the idempotency key makes a redelivered update enqueue nothing new.
  auto id = atomic ? deps_.queue.EnqueueWithRecords(w.payload, w.options, w.records)
                   : deps_.queue.Enqueue(w.payload, w.options);
  if (!id.ok()) {
    // The one write failed after the acknowledgement went out: keep its record on its own if Redis
    // still takes it, so the redelivery reuses the acknowledgement instead of sending a second.
    if (atomic && !had_ack) (void)deps_.updates.PutAck(update.update_id, {m.chat.id, ack_message_id});
    return id.error();
  }
  // (d) durable: the next redelivery stops at (a). A failure here is harmless (b and c are
  // idempotent), so it does not fail the update. Atomic intake wrote the mark with the task.
  if (!atomic) {
    if (auto s = deps_.updates.MarkHandled(update.update_id, "enqueued"); !s.ok()) {
      log::Warn("bot.mark_handled_failed", {{"update_id", update.update_id}, {"error", s.error().ToString()}});
    }
  }
  if (d.clear_state_after) {
    if (auto s = deps_.conversations.ClearChatState(m.chat.id); !s.ok()) {
      log::Warn("bot.clear_state_failed", {{"chat_id", m.chat.id}, {"error", s.error().ToString()}});
    }
  }
  if (log::Enabled(log::Level::kInfo)) {  // no field vector built when the line is not written
    log::Info("bot.link_enqueued", {{"update_id", update.update_id}, {"chat_id", m.chat.id}, {"task_id", *id}});
  }
  return d.outcome;
}

Result<HandleOutcome> Bot::OnCallback(const telegram::Update& update, const telegram::CallbackQuery& q) {
  auto lang_r = LanguageOf(q.from);
  if (!lang_r.ok()) return lang_r.error();
  if (q.data.starts_with(kLangCallbackPrefix)) {
    auto chosen = ParseLang(std::string_view(q.data).substr(kLangCallbackPrefix.size()));
    if (!chosen) {
      (void)deps_.api.AnswerCallbackQuery(q.id, "", false);
      return HandleOutcome{Disposition::kIgnored, "ignored:bad_callback"};
    }
    if (auto s = deps_.conversations.SetUserLanguage(q.from.id, std::string(LangCode(*chosen))); !s.ok()) {
      return s.error();
    }
    const Texts& t = TextsFor(*chosen);
    // The toast confirms at once; the answered message becomes the confirmation, and a fresh
    // keyboard in the new language is sent (reply keyboards cannot be edited in place).
    (void)deps_.api.AnswerCallbackQuery(q.id, std::string(t.language_set), false);
    if (q.message) {
      telegram::EditMessageTextRequest edit;
      edit.chat_id = q.message->chat.id;
      edit.message_id = q.message->message_id;
      edit.text = std::string(t.language_set);
      auto e = deps_.api.EditMessageText(edit);
      if (!e.ok() && !IsPermanentTelegram(e.error())) return e.error();
      if (q.message->chat.IsPrivate()) {
        telegram::SendMessageRequest req;
        req.chat_id = q.message->chat.id;
        req.text = std::string(t.keyboard_updated);
        req.reply_markup = MainKeyboard(*chosen);
        auto sent = deps_.api.SendMessage(req);
        if (!sent.ok() && !IsPermanentTelegram(sent.error())) return sent.error();
      }
    }
    (void)deps_.updates.MarkHandled(update.update_id, "callback:lang");
    return HandleOutcome{Disposition::kHandled, "callback:lang"};
  }
  auto handled = deps_.insights.HandleCallback(q, *lang_r);
  if (!handled.ok()) {
    if (!IsPermanentTelegram(handled.error())) return handled.error();
    return Absorbed(handled.error(), "callback");
  }
  if (!*handled) {
    // Always answer a callback query, or the user's button keeps spinning.
    (void)deps_.api.AnswerCallbackQuery(q.id, "", false);
    return HandleOutcome{Disposition::kIgnored, "ignored:callback"};
  }
  (void)deps_.updates.MarkHandled(update.update_id, "callback");
  return HandleOutcome{Disposition::kHandled, "callback"};
}

}  // namespace worthit::bot
