#include "bot/texts.h"

namespace worthit::bot {

std::string_view LangCode(Lang lang) { return lang == Lang::kEn ? "en" : "it"; }

std::optional<Lang> ParseLang(std::string_view code) {
  if (code == "it") return Lang::kIt;
  if (code == "en") return Lang::kEn;
  return std::nullopt;
}

Lang ResolveLanguage(const std::optional<std::string>& chosen, std::string_view code) {
  if (chosen) {
    if (auto l = ParseLang(*chosen)) return *l;
  }
  if (code.size() >= 2 && (code[0] == 'e' || code[0] == 'E') && (code[1] == 'n' || code[1] == 'N') &&
      (code.size() == 2 || code[2] == '-' || code[2] == '_')) {
    return Lang::kEn;
  }
  return Lang::kIt;
}

namespace {

const Texts kItalian{
    .welcome =
        "Ciao! 👋 Sono <b>WorthIt!</b>\n\n"
        "Mandami il link di un prodotto (Amazon, eBay o un altro negozio online) e ti dico se vale il suo "
        "prezzo, in base alle recensioni di chi l'ha comprato.\n\n"
        "Usa i pulsanti qui sotto oppure incolla direttamente un link.",
    .help =
        "<b>Come funziona</b>\n\n"
        "1. Invia il link di un prodotto (Amazon di ogni paese, amzn.to, eBay o un altro negozio online), "
        "anche inoltrato o nella didascalia di una foto.\n"
        "2. Rispondo subito e in pochi secondi trasformo quel messaggio nella scheda del prodotto.\n"
        "3. La scheda mostra prezzo, valutazione, punti di forza e punti deboli presi dalle recensioni.\n\n"
        "<b>Il punteggio WorthIt</b> va da 0 a 10: 🟢 da 7 in su, 🟡 da 5 a 7, 🔴 sotto 5. "
        "Tiene conto delle stelle, di cosa dicono davvero le recensioni e di quanto sono affidabili.\n\n"
        "Comandi: /cerca, /analisi, /popolari, /lingua, /aiuto",
    .ask_link = "Incolla il link del prodotto che vuoi analizzare 🔗",
    .ack = "Sto analizzando il prodotto... Riceverai presto i risultati! ⏳",
    .hint = "Non ho capito. Invia un link di un prodotto o usa i pulsanti in basso.",
    .btn_search = "🔍 Cerca prodotto",
    .btn_history = "📊 Le mie analisi",
    .btn_help = "ℹ️ Aiuto",
    .btn_popular = "⭐️ Prodotti popolari",
    .choose_language = "Scegli la lingua / Choose your language:",
    .language_set = "Lingua impostata: Italiano 🇮🇹",
    .keyboard_updated = "Ecco i pulsanti in italiano 👇",
    .history_unavailable =
        "📊 Le tue analisi compariranno qui quando il servizio delle analisi sarà attivo su questo "
        "server: lo storico viene salvato dai worker che elaborano i prodotti.",
    .popular_unavailable =
        "⭐️ I prodotti più analizzati compariranno qui quando il servizio delle analisi sarà attivo "
        "su questo server: la classifica viene calcolata dai worker che elaborano i prodotti.",
    .not_a_link = "Questo non sembra un link. Incolla il link di un prodotto (per esempio da Amazon) 🔗",
    .commands = {{"start", "Avvia il bot"},
                 {"cerca", "Analizza un prodotto da un link"},
                 {"analisi", "Le mie ultime analisi"},
                 {"popolari", "Prodotti più analizzati della settimana"},
                 {"lingua", "Cambia lingua"},
                 {"aiuto", "Come funziona"}},
};

const Texts kEnglish{
    .welcome =
        "Hi! 👋 I'm <b>WorthIt!</b>\n\n"
        "Send me a product link (Amazon, eBay or another online shop) and I'll tell you whether it is worth "
        "its price, based on the reviews of people who bought it.\n\n"
        "Use the buttons below or just paste a link.",
    .help =
        "<b>How it works</b>\n\n"
        "1. Send a product link (any Amazon country, amzn.to, eBay or another online shop), also forwarded or "
        "in a photo caption.\n"
        "2. I answer at once and within seconds turn that message into the product card.\n"
        "3. The card shows price, rating, strengths and weaknesses taken from the reviews.\n\n"
        "<b>The WorthIt score</b> goes from 0 to 10: 🟢 7 and above, 🟡 5 to 7, 🔴 below 5. "
        "It weighs the stars, what the reviews actually say and how trustworthy they are.\n\n"
        "Commands: /cerca, /analisi, /popolari, /lingua, /help",
    .ask_link = "Paste the link of the product you want to analyse 🔗",
    .ack = "Analysing the product... You'll get the results shortly! ⏳",
    .hint = "I didn't understand. Send a product link or use the buttons below.",
    .btn_search = "🔍 Search product",
    .btn_history = "📊 My analyses",
    .btn_help = "ℹ️ Help",
    .btn_popular = "⭐️ Popular products",
    .choose_language = "Scegli la lingua / Choose your language:",
    .language_set = "Language set: English 🇬🇧",
    .keyboard_updated = "Here are the buttons in English 👇",
    .history_unavailable =
        "📊 Your analyses will appear here once the analysis service is running on this server: "
        "the history is saved by the workers that process products.",
    .popular_unavailable =
        "⭐️ The most analysed products will appear here once the analysis service is running on "
        "this server: the ranking is computed by the workers that process products.",
    .not_a_link = "That doesn't look like a link. Paste a product link (for example from Amazon) 🔗",
    .commands = {{"start", "Start the bot"},
                 {"cerca", "Analyse a product from a link"},
                 {"analisi", "My latest analyses"},
                 {"popolari", "Most analysed products this week"},
                 {"lingua", "Change language"},
                 {"help", "How it works"}},
};

}  // namespace

const Texts& TextsFor(Lang lang) { return lang == Lang::kEn ? kEnglish : kItalian; }

}  // namespace worthit::bot
