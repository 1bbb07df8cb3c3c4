#include "analysis/card/user_messages.h"

#include <initializer_list>

namespace worthit::analysis::card {
namespace {

bool ContainsAny(std::string_view code, std::initializer_list<std::string_view> parts) {
  for (auto p : parts)
    if (code.find(p) != std::string_view::npos) return true;
  return false;
}

}  // namespace

UserErrorClass ClassifyErrorCode(std::string_view code) {
  if (ContainsAny(code, {"RATE_LIMIT", "TOO_MANY_REQUESTS"})) return UserErrorClass::kRateLimited;
  if (ContainsAny(code, {"NOT_A_PRODUCT", "NOT_PRODUCT", "INVALID_URL", "UNSUPPORTED", "SCHEME", "NO_LINK",
                         "EXTRACT_EMPTY", "NOT_FOUND", "PRIVATE_ADDRESS", "HTTP_404", "HTTP_410",
                         // The real codes of fetch/, product_link and extract/ (a link we may not or
                         // cannot read as a product page is, for the user, not a product page).
                         "FORBIDDEN_ADDRESS", "BAD_URL", "LINK_INVALID", "LINK_UNRESOLVED", "NOT_HTML",
                         "FETCH_HTTP_ERROR", "EXTRACT_UNPARSABLE"}))
    return UserErrorClass::kNotProduct;
  if (ContainsAny(code, {"BLOCKED", "CAPTCHA", "FORBIDDEN", "HTTP_403", "HTTP_503", "ROBOT"}))
    return UserErrorClass::kBlocked;
  if (ContainsAny(code, {"TIMEOUT", "UNREACHABLE", "CONNECT", "DNS", "RESOLVE", "NETWORK", "HTTP_5"}))
    return UserErrorClass::kUnreachable;
  return UserErrorClass::kFinalFailure;
}

std::string MessageForError(UserErrorClass cls, const std::string& lang,
                            std::optional<std::chrono::seconds> retry_after) {
  const bool en = lang == "en";
  switch (cls) {
    case UserErrorClass::kNotProduct:
      return en ? "This link does not look like a product page. Try a link from Amazon or another online shop."
                : "Questo link non sembra una pagina prodotto. Prova con un link di Amazon o di un negozio online.";
    case UserErrorClass::kUnreachable:
      return en ? "The shop is not responding right now. Try again in a few minutes."
                : "Il negozio non risponde in questo momento. Riprova tra qualche minuto.";
    case UserErrorClass::kBlocked:
      return en ? "The shop blocked us from reading the page. Try again later."
                : "Il negozio ha bloccato la lettura della pagina. Riprova più tardi.";
    case UserErrorClass::kRateLimited: {
      long minutes = 1;
      if (retry_after && retry_after->count() > 0) minutes = static_cast<long>((retry_after->count() + 59) / 60);
      const std::string n = std::to_string(minutes);
      if (en) return "You have sent many requests: try again in " + n + (minutes == 1 ? " minute." : " minutes.");
      return "Hai inviato molte richieste: riprova tra " + n + (minutes == 1 ? " minuto." : " minuti.");
    }
    case UserErrorClass::kFinalFailure: break;
  }
  return en ? "Sorry, I could not analyse this product. Try again later."
            : "Mi dispiace, non sono riuscito ad analizzare questo prodotto. Riprova più tardi.";
}

std::string MessageForError(const Error& error, const std::string& lang) {
  auto cls = ClassifyErrorCode(error.code);
  if (cls == UserErrorClass::kFinalFailure && error.kind == ErrorKind::kRateLimited) cls = UserErrorClass::kRateLimited;
  return MessageForError(cls, lang, error.retry_after);
}

}  // namespace worthit::analysis::card
