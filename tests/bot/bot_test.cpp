#include "bot/bot.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "queue/analysis_task.h"
#include "store/store_factory.h"
#include "support/fake_bot_api.h"
#include "support/forwarding_queue.h"
#include "telegram/fixture.h"

namespace worthit::bot {
namespace {

using namespace std::chrono_literals;
using worthit::testing::FakeBotApi;
using worthit::testing::Fixture;

constexpr const char* kBotName = "WorthItTestBot";

std::string PrivateText(int64_t update_id, int64_t chat, const std::string& text, const std::string& lang = "it") {
  boost::json::object from{{"id", chat}, {"is_bot", false}, {"first_name", "U"}};
  if (!lang.empty()) from["language_code"] = lang;
  boost::json::object msg{{"message_id", update_id * 10},
                          {"date", 1767225600},
                          {"from", from},
                          {"chat", boost::json::object{{"id", chat}, {"type", "private"}}},
                          {"text", text}};
  return boost::json::serialize(boost::json::object{{"update_id", update_id}, {"message", msg}});
}

std::string GroupText(int64_t update_id, const std::string& text, std::optional<std::string> reply_to_bot = {}) {
  boost::json::object msg{{"message_id", update_id * 10},
                          {"date", 1767225600},
                          {"from", boost::json::object{{"id", 5}, {"is_bot", false}, {"first_name", "U"}}},
                          {"chat", boost::json::object{{"id", -100}, {"type", "supergroup"}, {"title", "G"}}},
                          {"text", text}};
  if (reply_to_bot) {
    msg["reply_to_message"] = boost::json::object{
        {"message_id", 1},
        {"date", 1767225600},
        {"chat", boost::json::object{{"id", -100}, {"type", "supergroup"}}},
        {"from", boost::json::object{{"id", 42}, {"is_bot", true}, {"first_name", "B"}, {"username", *reply_to_bot}}}};
  }
  return boost::json::serialize(boost::json::object{{"update_id", update_id}, {"message", msg}});
}

class BotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto q = queue::OpenQueue("memory://", {}, clock_);
    ASSERT_TRUE(q.ok());
    queue_ = std::move(*q);
    stores_ = *store::OpenFrontDoorStores("memory://", clock_);
    insights_ = MakeUnavailableInsights();
    bot_ = std::make_unique<Bot>(BotDeps{api_, *queue_, *stores_.conversations, *stores_.updates, *insights_, clock_},
                                 BotOptions{kBotName});
  }

  Result<HandleOutcome> Handle(const std::string& json) {
    auto u = telegram::ParseUpdate(json);
    EXPECT_TRUE(u.ok());
    return bot_->HandleUpdate(*u);
  }

  std::vector<queue::AnalysisTask> Tasks() {
    std::vector<queue::AnalysisTask> out;
    auto leases = queue_->LeaseTasks("test", 100, 0ms);
    for (const auto& l : *leases) {
      out.push_back(*queue::ParseAnalysisTask(l.task.payload));
      (void)queue_->Retry(l, 0ms, "peek");  // put back
    }
    return out;
  }

  ManualClock clock_;
  FakeBotApi api_;
  std::unique_ptr<queue::TaskQueue> queue_;
  store::FrontDoorStores stores_;
  std::unique_ptr<InsightsHandler> insights_;
  std::unique_ptr<Bot> bot_;
};

TEST_F(BotTest, StartSendsWelcomeWithTheReplyKeyboard) {
  auto r = Handle(PrivateText(1, 7, "/start"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->action, "command:start");
  auto sent = api_.Calls("sendMessage");
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(sent[0].markup.reply_keyboard.has_value());
  const auto& rows = sent[0].markup.reply_keyboard->rows;
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], std::vector<std::string>{"🔍 Cerca prodotto"});
  EXPECT_EQ(rows[1], (std::vector<std::string>{"📊 Le mie analisi", "ℹ️ Aiuto"}));
  EXPECT_EQ(rows[2], std::vector<std::string>{"⭐️ Prodotti popolari"});
}

TEST_F(BotTest, EnglishUserGetsEnglishKeyboard) {
  ASSERT_TRUE(Handle(PrivateText(1, 7, "/start", "en-US")).ok());
  EXPECT_EQ(api_.Calls("sendMessage")[0].markup.reply_keyboard->rows[0][0], "🔍 Search product");
}

TEST_F(BotTest, ProductLinkIsAcknowledgedAndEnqueuedOnce) {
  auto r = Handle(Fixture("emoji_url_update.json"));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->action, "link");
  auto sent = api_.Calls("sendMessage");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].text, "Sto analizzando il prodotto... Riceverai presto i risultati! ⏳");
  EXPECT_EQ(sent[0].reply_to_message_id, 77);
  auto tasks = Tasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].url, "https://www.amazon.it/dp/B0TEST1234");
  EXPECT_EQ(tasks[0].update_id, 900001);
  EXPECT_EQ(tasks[0].chat_id, 5001);
  EXPECT_EQ(tasks[0].ack_message_id, sent[0].message_id);
  EXPECT_EQ(tasks[0].lang, "it");
  // Redelivery: nothing at all.
  auto again = Handle(Fixture("emoji_url_update.json"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->disposition, Disposition::kDuplicate);
  EXPECT_EQ(api_.Count("sendMessage"), 1u);
  EXPECT_EQ(Tasks().size(), 1u);
}

TEST_F(BotTest, QueueFailureAfterAckReusesTheAckOnRedelivery) {
  // Enqueue fails once: the update must fail (→ 5xx, redelivery), and the redelivery must reuse
  // the acknowledgement already sent instead of sending a second one.
  class FailingQueue : public testing::ForwardingQueue {
   public:
    using ForwardingQueue::ForwardingQueue;
    Result<std::string> Enqueue(const std::string& p, const queue::EnqueueOptions& o) override {
      if (fail_next_) {
        fail_next_ = false;
        return Error::Transient("QUEUE_UNAVAILABLE", "down");
      }
      return inner_.Enqueue(p, o);
    }
    // Every enqueue goes through Enqueue above: no atomic records.
    bool SupportsRecords() const override { return false; }
    std::string Backend() const override { return "failing"; }
    bool fail_next_ = true;
  } failing(*queue_);
  Bot bot(BotDeps{api_, failing, *stores_.conversations, *stores_.updates, *insights_, clock_}, BotOptions{kBotName});
  auto update = *telegram::ParseUpdate(Fixture("emoji_url_update.json"));
  auto first = bot.HandleUpdate(update);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, "QUEUE_UNAVAILABLE");
  auto second = bot.HandleUpdate(update);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(api_.Count("sendMessage"), 1u) << "one acknowledgement across the redelivery";
  auto tasks = Tasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].ack_message_id, api_.Calls("sendMessage")[0].message_id);
}

TEST_F(BotTest, TransientTelegramFailureFailsTheUpdate) {
  api_.FailNext("sendMessage", Error::Transient("TELEGRAM_UNAVAILABLE", "502"));
  auto r = Handle(PrivateText(3, 7, "https://www.amazon.de/dp/B0X"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Tasks().empty()) << "no task without an acknowledgement";
  EXPECT_FALSE(*stores_.updates->IsHandled(3));
  ASSERT_TRUE(Handle(PrivateText(3, 7, "https://www.amazon.de/dp/B0X")).ok());
  EXPECT_EQ(Tasks().size(), 1u);
}

TEST_F(BotTest, BlockedUserIsAbsorbedNotRetried) {
  api_.FailNext("sendMessage", Error::Permanent("TELEGRAM_FORBIDDEN", "Forbidden: bot was blocked by the user"));
  auto r = Handle(PrivateText(4, 7, "https://www.amazon.it/dp/B0X"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->disposition, Disposition::kAbsorbed);
  EXPECT_TRUE(Tasks().empty());
  EXPECT_TRUE(*stores_.updates->IsHandled(4));
}

TEST_F(BotTest, CercaThenLinkInTheNextUpdate) {
  ASSERT_TRUE(Handle(PrivateText(10, 7, "🔍 Cerca prodotto")).ok());
  EXPECT_EQ(api_.Calls("sendMessage")[0].text, "Incolla il link del prodotto che vuoi analizzare 🔗");
  EXPECT_TRUE(stores_.conversations->GetChatState(7)->has_value());
  ASSERT_TRUE(Handle(PrivateText(11, 7, "amzn.to/3abcDEF")).ok());
  auto tasks = Tasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].url, "https://amzn.to/3abcDEF");
  EXPECT_FALSE(stores_.conversations->GetChatState(7)->has_value()) << "state cleared after the link";
}

TEST_F(BotTest, CercaThenNoLinkExplainsAndStopsWaiting) {
  ASSERT_TRUE(Handle(PrivateText(10, 7, "/cerca")).ok());
  ASSERT_TRUE(Handle(PrivateText(11, 7, "boh")).ok());
  EXPECT_EQ(api_.Calls("sendMessage").back().text, TextsFor(Lang::kIt).not_a_link);
  EXPECT_FALSE(stores_.conversations->GetChatState(7)->has_value());
}

// The chat stops waiting only once the user has been told so: when that reply fails transiently,
// the redelivery must still find the chat waiting and send the same reply (in a group, the message
// after /cerca is only addressed to the bot because the chat waits; without the state it would be
// ignored and the user told nothing).
TEST_F(BotTest, CercaThenNoLinkWhoseReplyFailedIsAnsweredOnTheRedelivery) {
  ASSERT_EQ(Handle(GroupText(80, "/cerca@WorthItTestBot"))->action, "command:cerca");
  api_.FailNext("sendMessage", Error::Transient("TELEGRAM_UNAVAILABLE", "502"));
  ASSERT_FALSE(Handle(GroupText(81, "boh")).ok());
  EXPECT_TRUE(stores_.conversations->GetChatState(-100)->has_value()) << "still waiting: the user was not told";
  auto again = Handle(GroupText(81, "boh"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->action, "not_a_link");
  EXPECT_EQ(api_.Calls("sendMessage").back().text, TextsFor(Lang::kIt).not_a_link);
  EXPECT_FALSE(stores_.conversations->GetChatState(-100)->has_value());
}

TEST_F(BotTest, TextWithoutLinkAndUnknownCommandGetTheHint) {
  ASSERT_TRUE(Handle(PrivateText(20, 7, "ciao")).ok());
  ASSERT_TRUE(Handle(PrivateText(21, 7, "/boh")).ok());
  auto sent = api_.Calls("sendMessage");
  ASSERT_EQ(sent.size(), 2u);
  for (const auto& s : sent)
    EXPECT_EQ(s.text, "Non ho capito. Invia un link di un prodotto o usa i pulsanti in basso.");
}

TEST_F(BotTest, HelpAndAiutoAndButton) {
  ASSERT_TRUE(Handle(PrivateText(30, 7, "/aiuto")).ok());
  ASSERT_TRUE(Handle(PrivateText(31, 7, "/help")).ok());
  ASSERT_TRUE(Handle(PrivateText(32, 7, "ℹ️ Aiuto")).ok());
  auto sent = api_.Calls("sendMessage");
  ASSERT_EQ(sent.size(), 3u);
  for (const auto& s : sent) EXPECT_EQ(s.text, TextsFor(Lang::kIt).help);
}

TEST_F(BotTest, AnalisiAndPopolariSayWhereTheDataComesFrom) {
  ASSERT_TRUE(Handle(PrivateText(40, 7, "/analisi")).ok());
  ASSERT_TRUE(Handle(PrivateText(41, 7, "⭐️ Prodotti popolari")).ok());
  auto sent = api_.Calls("sendMessage");
  EXPECT_EQ(sent[0].text, TextsFor(Lang::kIt).history_unavailable);
  EXPECT_EQ(sent[1].text, TextsFor(Lang::kIt).popular_unavailable);
}

TEST_F(BotTest, LinguaStoresTheChoicePerUser) {
  ASSERT_TRUE(Handle(PrivateText(50, 5001, "/lingua")).ok());
  auto choose = api_.Calls("sendMessage")[0];
  ASSERT_TRUE(choose.markup.inline_keyboard.has_value());
  EXPECT_EQ(choose.markup.inline_keyboard->rows[0][1].callback_data, "lang:en");
  ASSERT_TRUE(Handle(Fixture("callback_update.json")).ok());  // user 5001 taps English
  EXPECT_EQ(**stores_.conversations->GetUserLanguage(5001), "en");
  EXPECT_EQ(api_.Calls("answerCallbackQuery").size(), 1u);
  EXPECT_EQ(api_.Calls("editMessageText")[0].text, TextsFor(Lang::kEn).language_set);
  api_.Clear();
  // An Italian Telegram client, but the user chose English.
  ASSERT_TRUE(Handle(PrivateText(52, 5001, "ciao", "it")).ok());
  EXPECT_EQ(api_.Calls("sendMessage")[0].text, TextsFor(Lang::kEn).hint);
}

TEST_F(BotTest, GroupsOnlyAnswerWhenAddressed) {
  auto r = Handle(GroupText(60, "/start"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->disposition, Disposition::kIgnored);
  EXPECT_EQ(Handle(GroupText(61, "/start@OtherBot"))->disposition, Disposition::kIgnored);
  EXPECT_EQ(Handle(GroupText(62, "guardate https://www.amazon.it/dp/B0G"))->disposition, Disposition::kIgnored);
  EXPECT_EQ(Handle(GroupText(63, "ciao a tutti"))->disposition, Disposition::kIgnored);
  EXPECT_EQ(api_.Count("sendMessage"), 0u);
  EXPECT_TRUE(Tasks().empty());

  EXPECT_EQ(Handle(GroupText(64, "/start@worthittestbot"))->action, "command:start");
  EXPECT_EQ(Handle(GroupText(65, "https://www.amazon.it/dp/B0G", kBotName))->action, "link");
  auto mention = GroupText(66, "@WorthItTestBot https://www.ebay.it/itm/1");
  auto mv = boost::json::parse(mention);
  mv.at("message").as_object()["entities"] =
      boost::json::array{boost::json::object{{"type", "mention"}, {"offset", 0}, {"length", 15}},
                         boost::json::object{{"type", "url"}, {"offset", 16}, {"length", 25}}};
  EXPECT_EQ(Handle(boost::json::serialize(mv))->action, "link");
  EXPECT_EQ(Tasks().size(), 2u);
  // Replies in groups quote the user's message.
  for (const auto& s : api_.Calls("sendMessage")) EXPECT_TRUE(s.reply_to_message_id.has_value());
}

TEST_F(BotTest, GroupCercaMakesTheNextMessageALink) {
  ASSERT_EQ(Handle(GroupText(70, "/cerca@WorthItTestBot"))->action, "command:cerca");
  EXPECT_EQ(Handle(GroupText(71, "https://www.amazon.fr/dp/B0F"))->action, "link");
}

TEST_F(BotTest, EditedMessagesChannelPostsAndUnknownKindsAreIgnored) {
  for (const char* f : {"edited_message_update.json", "channel_post_update.json", "unknown_kind_update.json"}) {
    auto r = Handle(Fixture(f));
    ASSERT_TRUE(r.ok()) << f;
    EXPECT_EQ(r->disposition, Disposition::kIgnored) << f;
  }
  EXPECT_TRUE(api_.Calls().empty());
}

TEST_F(BotTest, CaptionOfAForwardedPhotoIsALink) {
  auto r = Handle(Fixture("caption_forward_update.json"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->action, "link");
  EXPECT_EQ(Tasks()[0].url, "https://amzn.to/3xYzAbC");
}

TEST_F(BotTest, UnknownCallbackIsAnswered) {
  auto json = Fixture("callback_update.json");
  auto v = boost::json::parse(json);
  v.at("callback_query").as_object()["data"] = "r:abc";
  auto r = Handle(boost::json::serialize(v));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(api_.Count("answerCallbackQuery"), 1u);
}

TEST_F(BotTest, PublishCommandsItalianDefaultAndEnglish) {
  ASSERT_TRUE(bot_->PublishCommands().ok());
  auto calls = api_.Calls("setMyCommands");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].language_code, "");
  EXPECT_EQ(calls[0].commands[0].command, "start");
  EXPECT_EQ(calls[0].commands[0].description, "Avvia il bot");
  EXPECT_EQ(calls[1].language_code, "en");
  EXPECT_EQ(calls[1].commands[0].description, "Start the bot");
}

// Every real update of ../shared/data/updates is handled without error.
TEST_F(BotTest, EveryRealUpdateIsHandled) {
  const auto dir = worthit::testing::SharedData() / "updates";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "manifest.json") continue;
    auto u = telegram::ParseUpdate(worthit::testing::ReadFile(entry.path()));
    ASSERT_TRUE(u.ok()) << entry.path();
    auto r = bot_->HandleUpdate(*u);
    EXPECT_TRUE(r.ok()) << entry.path() << ": " << r.error().ToString();
    ++n;
  }
  EXPECT_GT(n, 10);
}

}  // namespace
}  // namespace worthit::bot

namespace worthit::bot {
namespace {

class CachedInsights : public InsightsHandler {
 public:
  Result<Reply> History(const InsightsRequest&) override { return Reply{"h", "", {}}; }
  Result<Reply> Popular(const InsightsRequest&) override { return Reply{"p", "", {}}; }
  Result<std::optional<Reply>> CachedCard(const InsightsRequest& r, const std::string& url) override {
    seen_url = url;
    if (url.find("B0CACHED") == std::string::npos) return std::optional<Reply>();
    return std::optional<Reply>(Reply{"<b>card</b> (2 h fa)", "HTML", {}});
  }
  Result<std::optional<Reply>> AdmitLink(const InsightsRequest&) override {
    if (++admitted <= limit) return std::optional<Reply>();
    return std::optional<Reply>(Reply{"Hai inviato molte richieste: riprova tra 1 minuto.", "", {}});
  }
  Result<bool> HandleCallback(const telegram::CallbackQuery&, Lang) override { return true; }
  Result<bool> HandleInlineQuery(const telegram::InlineQuery&, Lang) override { return true; }
  std::string seen_url;
  int admitted = 0;
  int limit = 1000;
};

TEST(BotCache, CachedCardIsSentAtOnceWithoutATask) {
  ManualClock clock;
  FakeBotApi api;
  auto q = queue::OpenQueue("memory://", {}, clock).value();
  auto stores = *store::OpenFrontDoorStores("memory://", clock);
  CachedInsights insights;
  Bot bot(BotDeps{api, *q, *stores.conversations, *stores.updates, insights, clock}, BotOptions{kBotName});
  auto r = bot.HandleUpdate(*telegram::ParseUpdate(PrivateText(1, 7, "https://www.amazon.it/dp/B0CACHED")));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->action, "cached");
  ASSERT_EQ(api.Count("sendMessage"), 1u);
  EXPECT_EQ(api.Calls("sendMessage")[0].text, "<b>card</b> (2 h fa)");
  EXPECT_EQ(q->Stats()->enqueued_total, 0);
  EXPECT_TRUE(*stores.updates->IsHandled(1));
  // Not cached: the usual acknowledgement and task.
  ASSERT_EQ(bot.HandleUpdate(*telegram::ParseUpdate(PrivateText(2, 7, "https://www.amazon.it/dp/B0OTHER")))->action,
            "link");
  EXPECT_EQ(insights.seen_url, "https://www.amazon.it/dp/B0OTHER");
  EXPECT_EQ(q->Stats()->enqueued_total, 1);
}

// Counts writes, delegates everything to the real (memory) store.
class CountingConversations final : public store::ConversationStore {
 public:
  explicit CountingConversations(store::ConversationStore& inner) : inner_(inner) {}
  Result<std::optional<store::ChatState>> GetChatState(int64_t chat_id) override {
    return inner_.GetChatState(chat_id);
  }
  Status SetChatState(int64_t chat_id, const store::ChatState& state) override {
    return inner_.SetChatState(chat_id, state);
  }
  Status ClearChatState(int64_t chat_id) override {
    ++clears;
    return inner_.ClearChatState(chat_id);
  }
  Result<std::optional<std::string>> GetUserLanguage(int64_t user_id) override {
    return inner_.GetUserLanguage(user_id);
  }
  Status SetUserLanguage(int64_t user_id, const std::string& lang) override {
    return inner_.SetUserLanguage(user_id, lang);
  }
  Status Ping() override { return inner_.Ping(); }
  int clears = 0;

 private:
  store::ConversationStore& inner_;
};

TEST(BotStoreWrites, LinkClearsTheChatStateOnlyWhenThereIsOne) {
  // A DELETE of nothing is still a write transaction in the SQLite store: a plain link (no
  // /cerca before it) must not clear anything; a link after /cerca must.
  ManualClock clock;
  FakeBotApi api;
  auto q = queue::OpenQueue("memory://", {}, clock).value();
  auto stores = *store::OpenFrontDoorStores("memory://", clock);
  CountingConversations conversations(*stores.conversations);
  auto insights = MakeUnavailableInsights();
  Bot bot(BotDeps{api, *q, conversations, *stores.updates, *insights, clock}, BotOptions{kBotName});
  auto handle = [&](const std::string& json) { return bot.HandleUpdate(*telegram::ParseUpdate(json)); };
  ASSERT_EQ(handle(PrivateText(1, 7, "https://www.amazon.it/dp/B0PLAIN1"))->action, "link");
  EXPECT_EQ(conversations.clears, 0);
  ASSERT_EQ(handle(PrivateText(2, 7, "/cerca"))->action, "command:cerca");
  ASSERT_EQ(handle(PrivateText(3, 7, "https://www.amazon.it/dp/B0AFTER2"))->action, "link");
  EXPECT_EQ(conversations.clears, 1);
  EXPECT_FALSE(stores.conversations->GetChatState(7)->has_value());
  EXPECT_EQ(q->Stats()->enqueued_total, 2);
}

TEST(BotLimits, ARefusedLinkGetsTheLimitMessageAndNoTaskButARedeliveryIsNotCountedAgain) {
  ManualClock clock;
  FakeBotApi api;
  auto q = queue::OpenQueue("memory://", {}, clock).value();
  auto stores = *store::OpenFrontDoorStores("memory://", clock);
  CachedInsights insights;
  insights.limit = 1;
  Bot bot(BotDeps{api, *q, *stores.conversations, *stores.updates, insights, clock}, BotOptions{kBotName});
  // The first link is admitted.
  ASSERT_EQ(bot.HandleUpdate(*telegram::ParseUpdate(PrivateText(1, 7, "https://www.amazon.it/dp/B0FIRST")))->action,
            "link");
  // A redelivery of an update whose acknowledgement exists is not re-admitted.
  ASSERT_TRUE(stores.updates->PutAck(2, {7, 900}).ok());
  ASSERT_EQ(bot.HandleUpdate(*telegram::ParseUpdate(PrivateText(2, 7, "https://www.amazon.it/dp/B0SECOND")))->action,
            "link");
  EXPECT_EQ(insights.admitted, 1);
  // A new link over the limit: the friendly message instead of an acknowledgement, no task.
  auto r = bot.HandleUpdate(*telegram::ParseUpdate(PrivateText(3, 7, "https://www.amazon.it/dp/B0THIRD")));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->action, "rate_limited");
  EXPECT_EQ(api.Calls("sendMessage").back().text, "Hai inviato molte richieste: riprova tra 1 minuto.");
  EXPECT_EQ(q->Stats()->enqueued_total, 2);
  EXPECT_TRUE(*stores.updates->IsHandled(3));
}

}  // namespace
}  // namespace worthit::bot
