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

void CountOutcome(const HandleOutcome& o) {
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

bool IsPermanentTelegram(const Error& e) {
  return e.kind == ErrorKind::kPermanent || e.kind == ErrorKind::kInvalidInput;
}

HandleOutcome Absorbed(const Error& e, const std::string& action) {
  metrics::Registry::Global()
      .GetCounter("worthit_bot_absorbed_errors_total", "Permanent Telegram errors absorbed (no redelivery)",
                  {{"code", e.code}})
      .Inc();
  log::Warn("bot.telegram_permanent", {{"action", action}, {"error", e.ToString()}});
  return {Disposition::kAbsorbed, action};
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

Result<HandleOutcome> Bot::HandleUpdate(const telegram::Update& update) {
  // (a), the ack record of (b) and, for a message, the user's language and the chat's state: one
  // read (one round trip on Redis).
  const telegram::Message* message =
      update.kind == telegram::UpdateKind::kMessage && update.message ? &*update.message : nullptr;
  Result<store::MessageLookup> seen = store::MessageLookup{};
  if (message != nullptr) {
    seen = deps_.updates.LookupMessage(update.update_id, deps_.conversations,
                                       message->from ? std::optional<int64_t>(message->from->id) : std::nullopt,
                                       message->chat.id);
  } else if (auto u = deps_.updates.Lookup(update.update_id); u.ok()) {
    seen->update = *u;
  } else {
    seen = u.error();
  }
  if (!seen.ok()) return seen.error();
  if (seen->update.handled) {
    DedupeHits().Inc();
    HandleOutcome o{Disposition::kDuplicate, "duplicate"};
    CountOutcome(o);
    return o;
  }
  Result<HandleOutcome> result = HandleOutcome{Disposition::kIgnored, "ignored:" + std::string(ToString(update.kind))};
  switch (update.kind) {
    case telegram::UpdateKind::kMessage: result = OnMessage(update, *update.message, *seen); break;
    case telegram::UpdateKind::kCallbackQuery: result = OnCallback(update, *update.callback_query); break;
    case telegram::UpdateKind::kInlineQuery: {
      auto lang = LanguageOf(update.inline_query->from);
      if (!lang.ok()) return lang.error();
      auto r = deps_.insights.HandleInlineQuery(*update.inline_query, *lang);
      if (!r.ok()) {
        if (!IsPermanentTelegram(r.error())) return r.error();
        result = Absorbed(r.error(), "inline_query");
      } else if (*r) {
        result = HandleOutcome{Disposition::kHandled, "inline_query"};
      }
      break;
    }
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
  if (result.ok()) CountOutcome(*result);
  return result;
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

Result<HandleOutcome> Bot::OnMessage(const telegram::Update& update, const telegram::Message& m,
                                     const store::MessageLookup& seen) {
  if (m.from && m.from->is_bot) return HandleOutcome{Disposition::kIgnored, "ignored:from_bot"};
  const std::optional<store::AckRecord>& ack = seen.update.ack;
  const store::ChatContext* context = &seen.chat;  // read with the update's lookup
  const Lang lang = m.from ? ResolveLanguage(context->language, m.from->language_code) : Lang::kIt;
  const Texts& t = TextsFor(lang);

  if (auto cmd = ParseCommand(m.text)) {
    if (m.chat.IsGroup()) {
      // In groups only /cmd@ThisBot: a bare /start may be meant for another bot in the chat.
      if (cmd->target.empty() || !SameUsername(cmd->target, options_.username)) {
        return HandleOutcome{Disposition::kIgnored, "ignored:group_command"};
      }
    } else if (!cmd->target.empty() && !options_.username.empty() && !SameUsername(cmd->target, options_.username)) {
      return HandleOutcome{Disposition::kIgnored, "ignored:other_bot_command"};
    }
    return RunCommand(update, m, cmd->name, lang);
  }

  // Reply-keyboard buttons arrive as their label, in whichever language the keyboard was sent.
  for (Lang l : {Lang::kIt, Lang::kEn}) {
    const Texts& tl = TextsFor(l);
    if (m.text == tl.btn_search) return RunCommand(update, m, "cerca", lang);
    if (m.text == tl.btn_history) return RunCommand(update, m, "analisi", lang);
    if (m.text == tl.btn_help) return RunCommand(update, m, "aiuto", lang);
    if (m.text == tl.btn_popular) return RunCommand(update, m, "popolari", lang);
  }

  const auto& state = context->state;
  const bool awaiting = state.has_value() && state->mode == store::ChatMode::kAwaitingLink;
  if (!AddressedToBot(m, awaiting)) return HandleOutcome{Disposition::kIgnored, "ignored:not_addressed"};

  const auto links = DetectLinks(m);
  if (auto link = PickProductLink(links)) return Intake(update, m, link->url, lang, state.has_value(), ack);

  if (awaiting) {
    // The message after /cerca had no link: say so, and stop waiting (the next message is free
    // text again; the user can tap "🔍 Cerca prodotto" once more).
    if (auto s = deps_.conversations.ClearChatState(m.chat.id); !s.ok()) return s.error();
    return ReplyAndMark(update, m, Reply{std::string(t.not_a_link), "", {}}, "not_a_link");
  }
  if (m.chat.IsGroup() && m.text.empty() && m.caption.empty()) {
    return HandleOutcome{Disposition::kIgnored, "ignored:group_service"};
  }
  return ReplyAndMark(update, m, Reply{std::string(t.hint), "", {}}, "hint");
}

Result<HandleOutcome> Bot::RunCommand(const telegram::Update& update, const telegram::Message& m,
                                      const std::string& name, Lang lang) {
  const Texts& t = TextsFor(lang);
  if (name == "start") {
    // A /start with a payload (deep link) is still a start; the payload is not used yet.
    return ReplyAndMark(update, m, Reply{std::string(t.welcome), "HTML", MainKeyboard(lang)}, "command:start");
  }
  if (name == "aiuto" || name == "help") {
    return ReplyAndMark(update, m, Reply{std::string(t.help), "HTML", {}}, "command:help");
  }
  if (name == "cerca" || name == "search") {
    const int64_t expires = deps_.clock.NowMillis() +
                            std::chrono::duration_cast<std::chrono::milliseconds>(options_.awaiting_link_ttl).count();
    if (auto s = deps_.conversations.SetChatState(m.chat.id, {store::ChatMode::kAwaitingLink, expires}); !s.ok()) {
      return s.error();
    }
    return ReplyAndMark(update, m, Reply{std::string(t.ask_link), "", {}}, "command:cerca");
  }
  if (name == "lingua" || name == "language") {
    telegram::InlineKeyboard kb;
    kb.rows = {{telegram::InlineButton{"🇮🇹 Italiano", std::string(kLangCallbackPrefix) + "it", "", "", false},
                telegram::InlineButton{"🇬🇧 English", std::string(kLangCallbackPrefix) + "en", "", "", false}}};
    telegram::ReplyMarkup markup;
    markup.inline_keyboard = kb;
    return ReplyAndMark(update, m, Reply{std::string(t.choose_language), "", markup}, "command:lingua");
  }
  if (name == "analisi" || name == "popolari") {
    InsightsRequest req{m.chat.id, m.from ? m.from->id : m.chat.id, lang};
    auto reply = name == "analisi" ? deps_.insights.History(req) : deps_.insights.Popular(req);
    if (!reply.ok()) return reply.error();
    return ReplyAndMark(update, m, *reply, "command:" + name);
  }
  return ReplyAndMark(update, m, Reply{std::string(t.hint), "", {}}, "command:unknown");
}

Result<HandleOutcome> Bot::ReplyAndMark(const telegram::Update& update, const telegram::Message& m, const Reply& reply,
                                        const std::string& action) {
  telegram::SendMessageRequest req;
  req.chat_id = m.chat.id;
  req.text = reply.text;
  req.parse_mode = reply.parse_mode;
  req.reply_markup = reply.markup;
  // In groups, reply to the message so it is clear whom the bot answers.
  if (m.chat.IsGroup()) req.reply_to_message_id = m.message_id;
  auto sent = deps_.api.SendMessage(req);
  HandleOutcome outcome{Disposition::kHandled, action};
  if (!sent.ok()) {
    if (!IsPermanentTelegram(sent.error())) return sent.error();
    outcome = Absorbed(sent.error(), action);
  }
  // The reply is out: record it. If this fails the update will come again and be answered twice,
  // which is the documented worst case for commands; failing here makes that more likely, so log.
  if (auto s = deps_.updates.MarkHandled(update.update_id, action); !s.ok()) {
    log::Warn("bot.mark_handled_failed", {{"update_id", update.update_id}, {"error", s.error().ToString()}});
  }
  return outcome;
}

Result<HandleOutcome> Bot::Intake(const telegram::Update& update, const telegram::Message& m, const std::string& url,
                                  Lang lang, bool had_state, const std::optional<store::AckRecord>& ack) {
  const Texts& t = TextsFor(lang);
  // (b) one acknowledgement per update_id, whatever redeliveries happen (ack: read by Lookup).
  if (!ack.has_value()) {
    // A new link (no acknowledgement yet): the per-user limits, then a recent analysis of the same
    // product (the cached card at once, no task). Both replies are sent like a command reply.
    const InsightsRequest req{m.chat.id, m.from ? m.from->id : m.chat.id, lang};
    auto refused = deps_.insights.AdmitLink(req);
    if (!refused.ok()) return refused.error();
    if (refused->has_value()) return ReplyAndMark(update, m, **refused, "rate_limited");
    auto cached = deps_.insights.CachedCard(req, url);
    if (!cached.ok()) return cached.error();
    if (cached->has_value()) return ReplyAndMark(update, m, **cached, "cached");
  }
  int64_t ack_message_id = 0;
  if (ack.has_value()) {
    ack_message_id = ack->message_id;
  } else {
    telegram::SendMessageRequest req;
    req.chat_id = m.chat.id;
    req.text = std::string(t.ack);
    req.reply_to_message_id = m.message_id;
    auto sent = deps_.api.SendMessage(req);
    if (!sent.ok()) {
      if (!IsPermanentTelegram(sent.error())) return sent.error();
      // The user cannot be reached (blocked the bot, chat gone): analysing would deliver nothing.
      (void)deps_.updates.MarkHandled(update.update_id, "absorbed");
      return Absorbed(sent.error(), "link");
    }
    ack_message_id = sent->message_id;
  }
  // Atomic intake (queue and stores on one Redis): the ack record and the handled mark go into the
  // enqueue script, so (b)'s record, (c) and (d) are one durable write. Otherwise three writes.
  std::vector<queue::AtomicRecord> records;
  if (options_.atomic_intake) {
    records = deps_.updates.IntakeRecords(update.update_id, {m.chat.id, ack_message_id}, "enqueued");
  }
  if (records.empty() && !ack.has_value()) {
    if (auto s = deps_.updates.PutAck(update.update_id, {m.chat.id, ack_message_id}); !s.ok()) return s.error();
  }
  // (c) hand the task over; the idempotency key makes a redelivered update enqueue nothing new.
  queue::AnalysisTask task;
  task.update_id = update.update_id;
  task.chat_id = m.chat.id;
  task.user_id = m.from ? m.from->id : m.chat.id;
  task.chat_type = m.chat.type.empty() ? "private" : m.chat.type;
  task.lang = std::string(LangCode(lang));
  task.url = url;
  task.ack_message_id = ack_message_id;
  task.reply_to_message_id = m.message_id;
  task.created_at_ms = deps_.clock.NowMillis();
  const bool atomic = !records.empty();
  const queue::EnqueueOptions enqueue_options{"update:" + std::to_string(update.update_id), {}};
  auto id = atomic ? deps_.queue.EnqueueWithRecords(queue::ToJson(task), enqueue_options, records)
                   : deps_.queue.Enqueue(queue::ToJson(task), enqueue_options);
  if (!id.ok()) {
    // The one write failed after the acknowledgement went out: keep its record on its own if Redis
    // still takes it, so the redelivery reuses the acknowledgement instead of sending a second.
    if (atomic && !ack.has_value()) (void)deps_.updates.PutAck(update.update_id, {m.chat.id, ack_message_id});
    return id.error();
  }
  // (d) durable: the next redelivery stops at (a). A failure here is harmless (b and c are
  // idempotent), so it does not fail the update. Atomic intake wrote the mark with the task.
  if (!atomic) {
    if (auto s = deps_.updates.MarkHandled(update.update_id, "enqueued"); !s.ok()) {
      log::Warn("bot.mark_handled_failed", {{"update_id", update.update_id}, {"error", s.error().ToString()}});
    }
  }
  if (had_state) {
    if (auto s = deps_.conversations.ClearChatState(m.chat.id); !s.ok()) {
      log::Warn("bot.clear_state_failed", {{"chat_id", m.chat.id}, {"error", s.error().ToString()}});
    }
  }
  if (log::Enabled(log::Level::kInfo)) {  // no field vector built when the line is not written
    log::Info("bot.link_enqueued", {{"update_id", update.update_id}, {"chat_id", m.chat.id}, {"task_id", *id}});
  }
  return HandleOutcome{Disposition::kHandled, "link"};
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
