#include "bot/insights_handler.h"

namespace worthit::bot {
namespace {

class UnavailableInsights final : public InsightsHandler {
 public:
  Result<Reply> History(const InsightsRequest& r) override {
    return Reply{std::string(TextsFor(r.lang).history_unavailable), "", {}};
  }
  Result<Reply> Popular(const InsightsRequest& r) override {
    return Reply{std::string(TextsFor(r.lang).popular_unavailable), "", {}};
  }
  Result<std::optional<Reply>> CachedCard(const InsightsRequest&, const std::string&) override {
    return std::optional<Reply>();
  }
  Result<bool> HandleCallback(const telegram::CallbackQuery&, Lang) override { return false; }
  Result<bool> HandleInlineQuery(const telegram::InlineQuery&, Lang) override { return false; }
};

}  // namespace

std::unique_ptr<InsightsHandler> MakeUnavailableInsights() { return std::make_unique<UnavailableInsights>(); }

}  // namespace worthit::bot
