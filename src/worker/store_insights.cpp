#include "worker/store_insights.h"

#include <ctime>

#include "analysis/card/card.h"
#include "analysis/card/user_messages.h"
#include "analysis/product_link.h"
#include "analysis/score/locale_format.h"
#include "common/metrics.h"
#include "queue/analysis_task.h"
#include "worker/result_codec.h"

namespace worthit::worker {
namespace {

// /analisi and /popolari list this many: a screenful on a phone.
constexpr int kListSize = 10;

struct InsightTexts {
  const char* history_title;
  const char* history_empty;
  const char* popular_title;
  const char* popular_empty;
  const char* analyses;  // "analisi" count label
  const char* refreshing;
  const char* gone;
};

const InsightTexts kIt{"📊 <b>Le tue ultime analisi</b>",
                       "Non hai ancora analizzato prodotti. Invia un link di un prodotto per iniziare! 🔗",
                       "⭐️ <b>Prodotti più analizzati negli ultimi 7 giorni</b>",
                       "Nessun prodotto analizzato negli ultimi 7 giorni. Invia un link per essere il primo! 🔗",
                       "analisi",
                       "🔄 Aggiornamento in corso...",
                       "Questa analisi non è più disponibile: invia di nuovo il link del prodotto."};
const InsightTexts kEn{"📊 <b>Your latest analyses</b>",
                       "You have not analysed any product yet. Send a product link to start! 🔗",
                       "⭐️ <b>Most analysed products in the last 7 days</b>",
                       "No product analysed in the last 7 days. Send a link to be the first! 🔗",
                       "analyses",
                       "🔄 Refreshing...",
                       "This analysis is no longer available: send the product link again."};

const InsightTexts& TextsOf(bot::Lang lang) { return lang == bot::Lang::kEn ? kEn : kIt; }
std::string Code(bot::Lang lang) { return std::string(bot::LangCode(lang)); }

std::string ScoreText(const std::optional<double>& score, const std::string& lang) {
  if (!score) return "–";
  return analysis::score::FormatDecimal(*score, 1, lang) + "/10";
}

std::string DateText(int64_t ms, const std::string& lang) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char iso[16];
  std::strftime(iso, sizeof iso, "%Y-%m-%d", &tm);
  return analysis::score::FormatShortDate(iso, lang);
}

void CountCacheHit() {
  metrics::Registry::Global()
      .GetCounter("worthit_cache_hits_total", "Results served from the result cache", {{"where", "intake"}})
      .Inc();
}

class StoreInsights final : public bot::InsightsHandler {
 public:
  StoreInsights(store::ResultStore& results, telegram::BotApi& api, queue::TaskQueue& queue, Clock& clock,
                InsightsOptions options)
      : results_(results), api_(api), queue_(queue), clock_(clock), options_(options) {}

  Result<std::optional<bot::Reply>> AdmitLink(const bot::InsightsRequest& r) override {
    auto a = results_.TakeUserRequest(r.user_id, options_.user_per_minute, options_.user_per_day, clock_.NowMillis());
    if (!a.ok()) return a.error();
    return Refusal(r, *a);
  }

  // AdmitLink + CachedCard as one read folded into the update's lookup (store::LinkProbe).
  std::optional<store::LinkProbe> ProbeFor(const bot::InsightsRequest& r, const std::string& url) override {
    store::LinkProbe p;
    p.user_id = r.user_id;
    p.per_minute = options_.user_per_minute;
    p.per_day = options_.user_per_day;
    p.now_ms = clock_.NowMillis();
    if (auto link = analysis::CanonicalProductLink(url); link.ok()) p.url_key = link->canonical_url;
    return p;
  }
  store::ResultStore* ProbeStore() override { return &results_; }
  bot::LinkVerdict DecideLink(const bot::InsightsRequest& r, const store::LinkProbeResult& read) override {
    bot::LinkVerdict v;
    if (!read.taken) return v;
    if (auto refused = Refusal(r, read.allowance)) {
      v.reply = std::move(*refused);
      v.action = "rate_limited";
      return v;
    }
    if (!read.cached || !Fresh(*read.cached)) return v;
    CountCacheHit();
    v.reply = CardReply(*read.cached, Code(r.lang));
    v.action = "cached";
    v.served_product_id = read.cached->product_id;
    return v;
  }
  Status RecordServed(const bot::InsightsRequest& r, const std::string& product_id) override {
    return results_.RecordAnalysis(r.user_id, product_id, clock_.NowMillis());
  }

  Result<bot::Reply> History(const bot::InsightsRequest& r) override {
    auto items = results_.History(r.user_id, kListSize);
    if (!items.ok()) return items.error();
    const auto& t = TextsOf(r.lang);
    const std::string lang = Code(r.lang);
    if (items->empty()) return bot::Reply{t.history_empty, "", {}};
    std::string text = std::string(t.history_title) + "\n";
    telegram::InlineKeyboard kb;
    int n = 0;
    for (const auto& i : *items) {
      ++n;
      text += "\n" + std::to_string(n) + ". <b>" +
              analysis::card::EscapeHtml(analysis::card::ShortenText(i.title, 80)) + "</b> — " +
              ScoreText(i.score, lang) + " · " + DateText(i.at_ms, lang);
      kb.rows.push_back({OpenButton(n, i.title, i.product_id)});
    }
    telegram::ReplyMarkup markup;
    markup.inline_keyboard = kb;
    return bot::Reply{text, "HTML", markup};
  }

  Result<bot::Reply> Popular(const bot::InsightsRequest& r) override {
    const int64_t since = clock_.NowMillis() - int64_t{6} * 86400000;  // today and the 6 days before
    auto items = results_.Popular(since, kListSize);
    if (!items.ok()) return items.error();
    const auto& t = TextsOf(r.lang);
    const std::string lang = Code(r.lang);
    if (items->empty()) return bot::Reply{t.popular_empty, "", {}};
    std::string text = std::string(t.popular_title) + "\n";
    telegram::InlineKeyboard kb;
    int n = 0;
    for (const auto& i : *items) {
      ++n;
      text += "\n" + std::to_string(n) + ". <b>" +
              analysis::card::EscapeHtml(analysis::card::ShortenText(i.title, 80)) + "</b> — " +
              ScoreText(i.score, lang) + " (" + std::to_string(i.count) + " " + t.analyses + ")";
      kb.rows.push_back({OpenButton(n, i.title, i.product_id)});
    }
    telegram::ReplyMarkup markup;
    markup.inline_keyboard = kb;
    return bot::Reply{text, "HTML", markup};
  }

  Result<std::optional<bot::Reply>> CachedCard(const bot::InsightsRequest& r, const std::string& url) override {
    auto link = analysis::CanonicalProductLink(url);
    if (!link.ok()) return std::optional<bot::Reply>();
    auto cached = results_.GetResultByUrl(link->canonical_url);
    if (!cached.ok()) return cached.error();
    if (!cached->has_value() || !Fresh(**cached)) return std::optional<bot::Reply>();
    CountCacheHit();
    (void)results_.RecordAnalysis(r.user_id, (*cached)->product_id, clock_.NowMillis());
    return std::optional<bot::Reply>(CardReply(**cached, Code(r.lang)));
  }

  Result<bool> HandleCallback(const telegram::CallbackQuery& q, bot::Lang lang) override {
    const auto& t = TextsOf(lang);
    const std::string code = Code(lang);
    std::string_view data = q.data;
    if (data.starts_with(analysis::card::kRefreshCallbackPrefix)) {
      auto r = results_.GetResult(std::string(data.substr(analysis::card::kRefreshCallbackPrefix.size())));
      if (!r.ok()) return r.error();
      if (!r->has_value()) {
        (void)api_.AnswerCallbackQuery(q.id, t.gone, true);
        return true;
      }
      queue::AnalysisTask task;
      task.user_id = q.from.id;
      task.lang = code;
      task.url = (*r)->canonical_url;
      task.force_refresh = true;
      task.created_at_ms = clock_.NowMillis();
      if (q.message) {
        task.chat_id = q.message->chat.id;
        task.chat_type = q.message->chat.type.empty() ? "private" : q.message->chat.type;
        task.ack_message_id = q.message->message_id;
      } else {
        task.chat_id = q.from.id;  // an inline message: the fresh card comes in the private chat
      }
      auto id = queue_.Enqueue(queue::ToJson(task), {"callback:" + q.id, {}});
      if (!id.ok()) return id.error();
      (void)api_.AnswerCallbackQuery(q.id, t.refreshing, false);
      return true;
    }
    if (data.starts_with(kOpenCallbackPrefix)) {
      auto r = results_.GetResult(std::string(data.substr(kOpenCallbackPrefix.size())));
      if (!r.ok()) return r.error();
      if (!r->has_value()) {
        (void)api_.AnswerCallbackQuery(q.id, t.gone, true);
        return true;
      }
      const auto reply = CardReply(**r, code);
      telegram::SendMessageRequest req;
      req.chat_id = q.message ? q.message->chat.id : q.from.id;
      req.text = reply.text;
      req.parse_mode = reply.parse_mode;
      req.reply_markup = reply.markup;
      auto sent = api_.SendMessage(req);
      if (!sent.ok()) return sent.error();
      (void)api_.AnswerCallbackQuery(q.id, "", false);
      return true;
    }
    return false;
  }

  Result<bool> HandleInlineQuery(const telegram::InlineQuery& q, bot::Lang lang) override {
    const std::string code = Code(lang);
    std::vector<std::string> ids;
    const std::string query(q.query.substr(0, 64));
    if (!query.empty()) {
      ids.push_back(query);
    } else {
      auto h = results_.History(q.from.id, 5);
      if (!h.ok()) return h.error();
      for (const auto& i : *h) ids.push_back(i.product_id);
    }
    std::vector<telegram::InlineQueryResultArticle> articles;
    for (const auto& id : ids) {
      auto r = results_.GetResult(id);
      if (!r.ok()) return r.error();
      if (!r->has_value()) continue;
      const auto reply = CardReply(**r, code);
      telegram::InlineQueryResultArticle a;
      a.id = id;
      a.title = (*r)->title;
      a.description = "WorthIt! " + ScoreText((*r)->score, code);
      a.message_text = reply.text;
      a.parse_mode = "HTML";
      // Shared cards keep the shop link and the share button; "refresh" needs the bot's chat.
      telegram::InlineKeyboard kb;
      for (const auto& row : reply.markup.inline_keyboard->rows) {
        std::vector<telegram::InlineButton> kept;
        for (const auto& b : row) {
          if (b.callback_data.empty()) kept.push_back(b);
        }
        if (!kept.empty()) kb.rows.push_back(kept);
      }
      a.reply_markup = kb;
      articles.push_back(std::move(a));
    }
    auto st = api_.AnswerInlineQuery(q.id, articles, 60);
    if (!st.ok()) return st.error();
    return true;
  }

 private:
  std::optional<bot::Reply> Refusal(const bot::InsightsRequest& r, const store::UserAllowance& a) {
    if (a.allowed) return std::nullopt;
    metrics::Registry::Global()
        .GetCounter("worthit_user_limited_total", "Product links refused by the per-user limits",
                    {{"limit", a.daily ? "daily" : "minute"}})
        .Inc();
    return bot::Reply{
        analysis::card::MessageForError(analysis::card::UserErrorClass::kRateLimited, Code(r.lang), a.retry_after),
        "",
        {}};
  }
  bool Fresh(const store::StoredResult& r) const {
    return clock_.NowMillis() - r.analyzed_at_ms < options_.cache_ttl.count() * 1000;
  }

  bot::Reply CardReply(const store::StoredResult& r, const std::string& lang) {
    const auto age = std::chrono::seconds((clock_.NowMillis() - r.analyzed_at_ms) / 1000);
    telegram::ReplyMarkup markup;
    markup.inline_keyboard = ToInlineKeyboard(KeyboardFromJson(r.keyboard_json));
    return bot::Reply{ServedCard(r, lang, age), "HTML", markup};
  }

  static telegram::InlineButton OpenButton(int n, const std::string& title, const std::string& product_id) {
    telegram::InlineButton b;
    b.text = std::to_string(n) + ". " + analysis::card::ShortenText(title, 40);
    b.callback_data = std::string(kOpenCallbackPrefix) + product_id;
    return b;
  }

  store::ResultStore& results_;
  telegram::BotApi& api_;
  queue::TaskQueue& queue_;
  Clock& clock_;
  InsightsOptions options_;
};

}  // namespace

std::unique_ptr<bot::InsightsHandler> MakeStoreInsights(store::ResultStore& results, telegram::BotApi& api,
                                                        queue::TaskQueue& queue, Clock& clock,
                                                        InsightsOptions options) {
  return std::make_unique<StoreInsights>(results, api, queue, clock, options);
}

}  // namespace worthit::worker
