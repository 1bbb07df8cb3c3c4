#include "playground/demo_shop_catalog.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <cstdlib>

namespace worthit::playground {

namespace json = boost::json;

namespace {

std::vector<DemoProduct> BuildCatalog() {
  std::vector<DemoProduct> c;

  c.push_back({"moka-aurora",
               "it",
               "Caffettiera Moka Aurora 6 tazze in alluminio",
               "Casa Brunelli",
               "Moka classica in alluminio pressofuso per 6 tazze, valvola di sicurezza ispezionabile, manico in "
               "bachelite e guarnizione in silicone alimentare. Per fornelli a gas, elettrici e vetroceramica.",
               "34.90",
               "EUR",
               "CB-AUR-6",
               "ottimo acquisto",
               "4.7",
               1246,
               {
                   {"Francesca R.", "2025-11-04", 5, true, "Il caffè come a casa della nonna",
                    "Ottima moka, la uso tutte le mattine da tre mesi. Il caffè esce cremoso e con un gusto pieno e "
                    "buonissimo. Il manico resta freddo anche sul fuoco grande. Consigliata!"},
                   {"Gianni P.", "2025-11-19", 5, true, "Solida e ben rifinita",
                    "Qualità eccellente: alluminio spesso, filettatura precisa, si chiude senza sforzo e non perde "
                    "una goccia. La guarnizione in silicone è un bel passo avanti. Soddisfatto."},
                   {"Marta L.", "2025-12-02", 5, true, "Regalo azzeccato",
                    "L'ho regalata a mio padre ed è contentissimo: dice che il caffè ha un gusto più aromatico della "
                    "sua vecchia moka e che si pulisce in un attimo. Bellissima anche da vedere."},
                   {"Davide C.", "2025-12-15", 4, true, "Ottima, ma i primi caffè vanno buttati",
                    "Come tutte le moka nuove i primi quattro caffè hanno un sapore di metallo, poi è perfetta. Il "
                    "caffè è buono e la moka è robusta. Tolgo una stella per le istruzioni poco chiare."},
                   {"Elena S.", "2026-01-08", 5, true, "Perfetta per 4 persone",
                    "Perfetta: sei tazzine piene oppure quattro tazze generose. Il beccuccio versa pulito senza "
                    "colare sul fornello. Molto soddisfatta dell'acquisto."},
                   {"Roberto M.", "2026-01-21", 5, true, "Qualità vera a un prezzo onesto",
                    "Avevo preso una moka economica che dopo sei mesi si era ossidata. Questa costa il doppio ma la "
                    "qualità è un altro pianeta. Prezzo onesto per una moka che dura anni, la consiglio."},
                   {"Silvia T.", "2026-02-03", 3, true, "Buona, ma non va sull'induzione",
                    "Il caffè è buono, ma avevo capito che andasse anche sull'induzione e invece serve "
                    "l'adattatore. Peccato, andrebbe scritto più in grande."},
                   {"Antonio G.", "2026-02-17", 5, true, "Crema e profumo",
                    "Fantastica. Con fuoco basso esce un caffè con una crema e un profumo eccellenti, meglio di quanto "
                    "mi aspettassi da una moka. Ottima anche la valvola, che si può smontare e controllare."},
                   {"Laura B.", "2026-03-01", 4, true, "Molto buona, manico un po' piccolo",
                    "Tutto ottimo tranne il manico, un po' piccolo per chi ha mani grandi. Per il resto robusta, "
                    "facile da pulire e il caffè è buonissimo."},
                   {"Stefano V.", "2026-03-22", 5, true, "Dopo sei mesi come nuova",
                    "Dopo sei mesi di uso quotidiano è perfetta, non ha una macchia e la guarnizione non si è "
                    "deformata. Ottima qualità dei materiali. Consigliatissima."},
                   {"Paola D.", "2026-04-09", 5, true, "Finalmente una moka fatta bene",
                    "Ben fatta in ogni dettaglio: chiusura precisa, il filtro non si incastra, il caffè sale "
                    "regolare senza schizzi. Sono molto contenta, ottimo acquisto."},
                   {"Michele F.", "2026-04-30", 5, true, "La compro di nuovo",
                    "Ne ho presa una seconda per la casa al mare, tanto mi è piaciuta la prima. Il caffè viene "
                    "buono uguale ogni volta. Ottimo prodotto, lo ricomprerei."},
                   {"Chiara N.", "2026-05-18", 4, true, "Buona, imballo migliorabile",
                    "Moka eccellente e caffè ottimo. La confezione è arrivata un po' schiacciata ma la "
                    "caffettiera era intatta. Per il resto consigliata."},
                   {"Luca Z.", "2026-06-06", 5, true, "Rapporto qualità prezzo ottimo",
                    "Per 35 euro è difficile chiedere di più: materiali seri, caffè pieno e due anni di garanzia. "
                    "Rapporto qualità prezzo ottimo, consigliata."},
                   {"Giorgia A.", "2026-07-12", 5, true, "Il manico non scotta",
                    "Finalmente una moka comoda: con le vecchie mi bruciavo sempre, con questa il manico resta "
                    "tiepido e il pomello pure. Caffè ottimo, sono contentissima."},
                   {"Federico O.", "2026-08-03", 5, true, "Perfetta anche in campeggio",
                    "L'ho usata sul fornellino da campeggio per due settimane: nessun problema e caffè ottimo ogni "
                    "mattina. Solida e leggera, perfetta da portare in viaggio."},
                   {"Valentina E.", "2026-09-14", 5, true, "Caffè cremoso, pulizia facile",
                    "Ottima. Il filtro si sciacqua in pochi secondi ed è facile togliere la guarnizione per "
                    "pulirla. Il caffè è cremoso e ha un gusto ottimo."},
                   {"Alessandro I.", "2026-10-02", 4, true, "Ottima, coperchio un po' rigido",
                    "Il coperchio all'inizio era un po' duro da aprire, poi si è assestato. Il caffè è tra i "
                    "migliori che abbia fatto in moka: molto buona, la consiglio."},
               }});

  c.push_back({"trailhead-30l",
               "en",
               "Trailhead 30L Hiking Backpack",
               "Northcairn",
               "A 30-litre daypack with a ventilated mesh back panel, padded hip belt, integrated rain cover, "
               "hydration sleeve and side stretch pockets. 1.1 kg.",
               "79.00",
               "EUR",
               "NC-TH30-GRN",
               "good buy",
               "4.1",
               384,
               {
                   {"Tom H.", "2025-09-12", 5, true, "Comfortable all day",
                    "Great pack. Carried it for a 9-hour ridge walk with about 7 kg inside and it stayed comfortable: "
                    "the mesh back keeps your shirt mostly dry and the hip belt takes the weight off the shoulders."},
                   {"Priya K.", "2025-09-30", 4, true, "Good pack, stiff zips",
                    "Lots of sensible pockets and the rain cover covers the whole bag. The main zip is stiff for "
                    "the first weeks and catches at the corners, which is annoying."},
                   {"Daniel W.", "2025-10-14", 4, true, "Good value",
                    "Good value for money: for under 80 euros it has features I have only seen on packs costing "
                    "twice as much. The hip belt pockets are too small for a modern phone though."},
                   {"Sarah M.", "2025-11-02", 5, true, "Rain cover saved my camera",
                    "Excellent rain cover. Got caught in a two-hour downpour on a hut trip, pulled it out and "
                    "everything inside stayed dry. Really happy with this backpack."},
                   {"James O.", "2025-11-20", 3, true, "Fits short torsos badly",
                    "The back length is not adjustable and at 1.68 m the hip belt sits on my stomach instead of my "
                    "hips. Build quality is fine, but the fit was not for me."},
                   {"Lena B.", "2025-12-08", 4, true, "Solid daypack",
                    "Good quality: the fabric feels tough, seams are clean, and after a season of scrambling there "
                    "is no visible wear. The side pockets are hard to reach while walking."},
                   {"Marcus R.", "2026-01-15", 5, true, "My new favourite",
                    "Love it. Hydration sleeve, trekking pole loops, a separate pocket for wet gear: everything is "
                    "where you expect it. Very happy with it."},
                   {"Aisha N.", "2026-02-03", 3, true, "Nice, but heavier than listed",
                    "My kitchen scale says 1.25 kg, not 1.1 kg, and it feels heavy by the end of a long day. Fine "
                    "for day hikes, disappointing if you count grams."},
                   {"Chris P.", "2026-02-27", 2, true, "Buckle broke after a month",
                    "The sternum strap buckle snapped on a cold morning. Poor quality plastic. Customer service sent "
                    "a replacement quickly, which is the only reason this is not one star."},
                   {"Emily S.", "2026-03-19", 5, true, "Perfect size for day hikes",
                    "Perfect size: 30 litres is exactly right for layers, lunch, first aid kit and a flask. It "
                    "compresses well when half empty so nothing rattles. Highly recommend."},
                   {"Noah G.", "2026-04-06", 4, true, "Ventilation really works",
                    "Comfortable even in summer: the suspended mesh back makes a real difference. Only wish the "
                    "top lid had a key clip."},
                   {"Olivia F.", "2026-05-01", 4, true, "Good, colours duller than in photos",
                    "The green is darker and duller than on the product page. Otherwise a well designed and "
                    "comfortable backpack, I like it."},
                   {"Ben T.", "2026-06-22", 5, true, "Survived the Alta Via 1",
                    "Used it for eight days hut to hut and it was excellent. Straps never dug in and the fabric "
                    "shrugged off rocks and wet grass. Great backpack."},
                   {"Hannah L.", "2026-07-30", 4, true, "Does the job well",
                    "Comfortable and well organised. The zipper pulls are small to use with gloves on, which "
                    "matters in autumn."},
                   {"Ryan D.", "2026-09-09", 3, true, "Average",
                    "It is a decent bag, but the shoulder straps are thin and become uncomfortable above 8 kg. Fine "
                    "for light days, not for heavy loads."},
                   {"Grace E.", "2026-10-18", 5, true, "Excellent for the price",
                    "Compared it in a shop with two big-brand packs: similar features, similar comfort, thirty "
                    "euros cheaper. Excellent value, I would buy it again."},
               }});

  c.push_back({"cuffie-studiomax-pro",
               "it",
               "Cuffie wireless StudioMax Pro con cancellazione attiva del rumore",
               "Sonora",
               "Cuffie over-ear Bluetooth 5.3 con cancellazione attiva del rumore, 30 ore di autonomia, "
               "custodia rigida e app di equalizzazione.",
               "349.00",
               "EUR",
               "SON-SMP-BLK",
               "caro per quello che offre",
               "3.3",
               212,
               {
                   {"Andrea C.", "2025-10-05", 3, true, "Buone, ma non a questo prezzo",
                    "Il suono è ottimo, pulito e con bassi controllati. Ma a questo prezzo mi aspettavo una "
                    "cancellazione del rumore al livello delle concorrenti più famose: troppo care per quello che "
                    "offrono."},
                   {"Beatrice M.", "2025-10-22", 4, true, "Suono molto bello",
                    "Suono ottimo, dettaglio e scena sonora bellissimi, le ascolto con piacere per ore. L'app è un "
                    "po' lenta."},
                   {"Carlo S.", "2025-11-09", 2, true, "Troppo care",
                    "Le ho restituite. Con metà dei soldi ho preso un modello che isola meglio in treno. Suonano "
                    "bene ma il prezzo è esagerato, non valgono 349 euro."},
                   {"Daniela F.", "2025-11-28", 3, true, "Cancellazione del rumore deludente",
                    "In ufficio tolgono il ronzio del condizionatore ma le voci passano quasi tutte. Autonomia vera "
                    "intorno alle 24 ore, non 30. Deludente."},
                   {"Enrico T.", "2025-12-14", 4, true, "Comode e ben costruite",
                    "Padiglioni morbidi, archetto in metallo, custodia rigida ottima. Costruzione solida, si sente "
                    "la qualità."},
                   {"Federica B.", "2026-01-07", 3, true, "Nella media, prezzo no",
                    "Niente di sbagliato, niente di eccezionale. Per un prezzo così alto vorrei la ricarica "
                    "wireless e un'app che non perda le impostazioni: non vale la spesa."},
                   {"Giacomo R.", "2026-01-30", 2, true, "App inutilizzabile",
                    "L'equalizzatore dell'app si resetta a ogni aggiornamento e la connessione multipoint salta. "
                    "Con quello che costano è inaccettabile, soldi buttati."},
                   {"Irene P.", "2026-02-19", 4, true, "Audio eccellente per la musica classica",
                    "Gli archi sono naturali e non c'è distorsione ad alto volume. Suono bellissimo."},
                   {"Lorenzo D.", "2026-03-11", 3, true, "Microfono scarso",
                    "In chiamata mi sentono lontano e con il vento è un disastro: microfono scarso. La musica "
                    "invece è buona."},
                   {"Monica G.", "2026-04-02", 3, true, "Belle ma care",
                    "Eleganti e leggere, ma troppo care: le ho pagate 349 euro e onestamente ne valgono 200. Prezzo "
                    "esagerato."},
                   {"Nicola V.", "2026-04-25", 2, true, "Si scaldano le orecchie",
                    "Dopo un'ora le orecchie sudano, i cuscinetti in similpelle non traspirano, scomode d'estate. "
                    "Per quello che costano mi aspettavo materiali migliori, non le ricomprerei."},
                   {"Ornella Z.", "2026-05-20", 3, true, "Qualità ok, prezzo no",
                    "Suono buono, costruzione buona, cancellazione del rumore mediocre. Troppo costose: ci sono "
                    "alternative migliori a 250 euro."},
                   {"Pietro L.", "2026-06-14", 4, true, "Suono caldo",
                    "Bassi profondi ma non invadenti, voci chiare, suono molto piacevole. Le consiglio, ma solo in "
                    "offerta: a prezzo pieno sono troppo care."},
                   {"Rita C.", "2026-07-08", 3, true, "Batteria sotto le attese",
                    "Con la cancellazione attiva arrivo a 22 ore, non 30: batteria deludente. Ricarica veloce "
                    "utile."},
                   {"Sergio A.", "2026-08-26", 2, true, "Non valgono la differenza",
                    "Ho confrontato con le mie vecchie cuffie da 150 euro: la differenza di suono c'è ma è piccola, "
                    "quella di prezzo enorme. Non valgono quello che costano, deluso."},
                   {"Tiziana O.", "2026-09-30", 4, true, "Ottime per viaggiare",
                    "Custodia compatta e rigida, si piegano bene. In aereo riducono il rombo dei motori. Comode."},
               }});

  // A new listing flooded in two days with near-identical five-star blurbs from unverified
  // accounts, while the verified buyers who wrote in detail gave one or two stars.
  c.push_back({"friggitrice-turbocrisp",
               "it",
               "Friggitrice ad aria TurboCrisp XL 8 litri 2400 W",
               "TurboCrisp",
               "Friggitrice ad aria da 8 litri con 12 programmi, finestra di controllo, cestello antiaderente "
               "lavabile in lavastoviglie e timer fino a 60 minuti.",
               "89.99",
               "EUR",
               "TC-XL8-2400",
               "recensioni sospette",
               "",
               0,
               {
                   {"Simona Q.", "2026-08-21", 1, true, "Il rivestimento si stacca",
                    "Dopo tre settimane il rivestimento antiaderente del cestello ha cominciato a sfaldarsi in "
                    "scaglie nere, finite anche nelle patatine. Pessima, l'ho restituita."},
                   {"Riccardo U.", "2026-09-02", 1, true, "Smessa di funzionare dopo un mese",
                    "Un mattino non si è più accesa: display spento, nessun rumore. L'assistenza non risponde alle "
                    "email da due settimane. Delusione totale."},
                   {"Elisa H.", "2026-09-16", 1, true, "Odore di plastica bruciata",
                    "Anche dopo cinque cicli a vuoto come dice il manuale, ogni volta che la accendo la cucina "
                    "puzza di plastica bruciata. Non mi fido a cucinarci, la sconsiglio."},
                   {"Mario R.", "2026-10-03", 5, false, "Ottimo prodotto",
                    "Ottima friggitrice, cuoce benissimo e si pulisce facilmente. Consigliata!"},
                   {"Anna B.", "2026-10-03", 5, false, "Fantastica", "Top!"},
                   {"Giuseppe T.", "2026-10-03", 5, false, "Consigliata",
                    "Ottima friggitrice, cuoce benissimo e si pulisce facilmente. Consigliatissima!"},
                   {"Lucia F.", "2026-10-03", 5, false, "Top",
                    "Friggitrice fantastica, spedizione veloce, prodotto come da descrizione. Cinque stelle!"},
                   {"Franco M.", "2026-10-03", 5, false, "Ottima",
                    "Ottima friggitrice, cuoce benissimo e si pulisce facilmente, consigliata a tutti!"},
                   {"Rosa C.", "2026-10-03", 5, false, "Bellissima", "Bellissima, funziona benissimo."},
                   {"Paolo G.", "2026-10-03", 5, false, "Perfetta",
                    "Friggitrice fantastica, spedizione veloce, prodotto come da descrizione. Consigliato!"},
                   {"Teresa D.", "2026-10-04", 5, false, "Super",
                    "Ottima friggitrice, cuoce benissimo e si pulisce facilmente. Super!"},
                   {"Vincenzo L.", "2026-10-04", 5, false, "Molto bene", "Perfetta, consigliatissima!"},
                   {"Carla S.", "2026-10-04", 5, false, "Eccellente",
                    "Friggitrice fantastica, spedizione veloce, prodotto come da descrizione. Top!"},
                   {"Salvatore P.", "2026-10-04", 5, false, "Ottimo acquisto",
                    "Ottima friggitrice, cuoce benissimo e si pulisce facilmente. Ottimo acquisto!"},
                   {"Giovanna E.", "2026-10-04", 5, false, "Consigliata", "Tutto perfetto, top!"},
                   {"Angelo N.", "2026-10-04", 5, false, "Fantastico",
                    "Friggitrice fantastica, spedizione veloce, prodotto come da descrizione, consigliata!"},
                   {"Maria V.", "2026-10-04", 5, false, "Bella", "Bella e funzionale, consigliata."},
                   {"Fabio K.", "2026-10-11", 2, true, "Capacità reale molto più piccola",
                    "Gli 8 litri sono il volume della scocca: il cestello utile ne contiene forse 5. Cuoce in modo "
                    "poco uniforme, le patatine al centro restano crude. Deluso."},
                   {"Ilaria W.", "2026-10-20", 1, true, "Recensioni poco credibili",
                    "Ho comprato fidandomi delle tante cinque stelle, ma il cestello si blocca nella guida e per "
                    "estrarlo bisogna tirare con forza. Pessima, non compratela."},
               }});

  c.push_back({"lumen-smart-bulb",
               "en",
               "Lumen Smart LED Bulb E27, Wi-Fi, 9 W, dimmable",
               "Lumen Home",
               "A 9 W (60 W equivalent) E27 LED bulb with Wi-Fi control, 16 million colours and tunable white "
               "from 2700 K to 6500 K. Works with the Lumen app.",
               "14.99",
               "EUR",
               "LH-E27-9W",
               "too few reviews",
               "",
               0,
               {
                   {"Kate J.", "2026-10-27", 5, true, "Easy setup",
                    "Paired with the app in under a minute and the warm white looks like a normal bulb."},
                   {"Sam V.", "2026-11-10", 4, true, "Fine so far",
                    "Bright enough for the living room. Only had it a week, so cannot say much about durability."},
               }});
  return c;
}

std::string Escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

double AverageStars(const DemoProduct& p) {
  if (p.rating_value && *p.rating_value) return std::strtod(p.rating_value, nullptr);
  if (p.reviews.empty()) return 0;
  int sum = 0;
  for (const auto& r : p.reviews) sum += r.stars;
  return static_cast<double>(sum) / static_cast<double>(p.reviews.size());
}

// "34.90" → "34,90 €" (it) or "€34.90" (en), as a shop in that language shows it.
std::string DisplayPrice(const DemoProduct& p) {
  std::string price = p.price;
  if (std::string(p.language) == "it") {
    for (auto& ch : price) {
      if (ch == '.') ch = ',';
    }
    return price + " €";
  }
  return "€" + price;
}

std::string FormatRating(double value, bool italian) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", value);
  std::string s = buf;
  if (italian) {
    for (auto& ch : s) {
      if (ch == '.') ch = ',';
    }
  }
  return s;
}

int64_t RatingCount(const DemoProduct& p) {
  return p.rating_count > 0 ? p.rating_count : static_cast<int64_t>(p.reviews.size());
}

std::string JsonLd(const DemoProduct& p, const std::string& base_url) {
  const std::string url = base_url + "/p/" + p.slug;
  json::array reviews;
  for (const auto& r : p.reviews) {
    reviews.push_back(json::object{
        {"@type", "Review"},
        {"author", {{"@type", "Person"}, {"name", r.author}}},
        {"datePublished", r.date},
        {"name", r.title},
        {"reviewBody", r.body},
        {"inLanguage", p.language},
        {"reviewRating", {{"@type", "Rating"}, {"ratingValue", r.stars}, {"bestRating", 5}, {"worstRating", 1}}}});
  }
  char avg[16];
  std::snprintf(avg, sizeof avg, "%.2f", AverageStars(p));
  json::object product{{"@context", "https://schema.org"},
                       {"@type", "Product"},
                       {"name", p.name},
                       {"description", p.description},
                       {"sku", p.sku},
                       {"brand", {{"@type", "Brand"}, {"name", p.brand}}},
                       {"url", url},
                       {"offers",
                        {{"@type", "Offer"},
                         {"price", p.price},
                         {"priceCurrency", p.currency},
                         {"availability", "https://schema.org/InStock"},
                         {"itemCondition", "https://schema.org/NewCondition"},
                         {"url", url}}},
                       {"aggregateRating",
                        {{"@type", "AggregateRating"},
                         {"ratingValue", avg},
                         {"ratingCount", RatingCount(p)},
                         {"reviewCount", static_cast<int64_t>(p.reviews.size())},
                         {"bestRating", 5},
                         {"worstRating", 1}}},
                       {"review", std::move(reviews)}};
  std::string out = json::serialize(product);
  // Inside <script>, "</" would end the element: escape the slash (valid JSON either way).
  for (size_t pos = 0; (pos = out.find("</", pos)) != std::string::npos; pos += 3) out.replace(pos, 2, "<\\/");
  return out;
}

const char* kStyle =
    "body{font-family:Arial,Helvetica,sans-serif;margin:0;background:#eaeded;color:#0f1111}"
    "header{background:#131921;color:#fff;padding:12px 24px;font-size:20px}header a{color:#fff;text-decoration:none}"
    "main{max-width:980px;margin:20px auto;background:#fff;padding:24px;border-radius:8px}"
    "#productTitle{font-size:24px;font-weight:400;margin:0 0 8px}.a-price{font-size:28px;color:#b12704}"
    ".stars{color:#ffa41c;letter-spacing:1px}.review{border-top:1px solid #ddd;padding:12px 0}"
    ".review .who{font-size:13px;color:#565959}.review-title{font-weight:700}"
    ".card{display:block;padding:14px;border:1px solid #ddd;border-radius:8px;margin:10px 0;color:#0f1111;"
    "text-decoration:none}.card:hover{background:#f7fafa}.tag{font-size:12px;color:#565959}";

std::string Stars(int n) {
  std::string s;
  for (int i = 0; i < 5; ++i) s += i < n ? "★" : "☆";
  return s;
}

std::string RenderProduct(const DemoProduct& p, const std::string& base_url) {
  const bool it = std::string(p.language) == "it";
  const double avg = AverageStars(p);
  std::string h;
  h += "<!doctype html><html lang=\"";
  h += p.language;
  h += "\"><head><meta charset=\"utf-8\"><title>" + Escape(p.name) + " — Bottega Demo</title>";
  h += "<meta name=\"description\" content=\"" + Escape(p.description) + "\">";
  h += "<meta property=\"og:type\" content=\"product\"><meta property=\"og:title\" content=\"" + Escape(p.name) + "\">";
  h += "<link rel=\"canonical\" href=\"" + Escape(base_url + "/p/" + p.slug) + "\">";
  h += "<style>" + std::string(kStyle) + "</style>";
  h += "<script type=\"application/ld+json\">" + JsonLd(p, base_url) + "</script></head><body>";
  h += "<header><a href=\"/\">Bottega Demo</a></header><main>";
  h += "<div id=\"dp\" data-asin=\"" + Escape(p.sku) + "\">";
  h += "<h1 id=\"title\"><span id=\"productTitle\">" + Escape(p.name) + "</span></h1>";
  h += "<a id=\"bylineInfo\">" + std::string(it ? "Marca: " : "Brand: ") + Escape(p.brand) + "</a>";
  h += "<div id=\"averageCustomerReviews\"><span class=\"stars\" id=\"acrPopover\" title=\"" + FormatRating(avg, it) +
       (it ? " su 5 stelle" : " out of 5 stars") + "\">" + Stars(static_cast<int>(avg + 0.5)) +
       "</span> <span id=\"acrCustomerReviewText\">" + std::to_string(RatingCount(p)) + (it ? " voti" : " ratings") +
       "</span></div>";
  h += "<div id=\"corePrice_feature_div\"><span class=\"a-price\"><span class=\"a-offscreen\">" +
       Escape(DisplayPrice(p)) + "</span></span></div>";
  h += "<div id=\"feature-bullets\"><p>" + Escape(p.description) + "</p></div>";
  h += "<h2>" + std::string(it ? "Recensioni dei clienti" : "Customer reviews") + "</h2>";
  h += "<div id=\"cm-cr-dp-review-list\">";
  for (const auto& r : p.reviews) {
    h += "<div class=\"review\" data-hook=\"review\">";
    h += "<div class=\"who\"><span class=\"a-profile-name\">" + Escape(r.author) +
         "</span> · <span data-hook=\"review-date\">" + Escape(r.date) + "</span></div>";
    h += "<div><span class=\"stars\" data-hook=\"review-star-rating\" title=\"" + std::to_string(r.stars) +
         (it ? ",0 su 5 stelle" : ".0 out of 5 stars") + "\">" + Stars(r.stars) +
         "</span> <span class=\"review-title\" data-hook=\"review-title\">" + Escape(r.title) + "</span></div>";
    if (r.verified)
      h += std::string("<div class=\"tag\" data-hook=\"avp-badge\">") +
           (it ? "Acquisto verificato" : "Verified Purchase") + "</div>";
    h += "<div data-hook=\"review-body\"><span>" + Escape(r.body) + "</span></div></div>";
  }
  h += "</div></div></main></body></html>";
  return h;
}

std::string RenderIndex(const std::string& base_url) {
  std::string h =
      "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><title>Bottega Demo — WorthIt! playground"
      "</title><style>" +
      std::string(kStyle) +
      "</style></head><body><header><a href=\"/\">Bottega Demo</a></header><main>"
      "<h1>Bottega Demo</h1><p>Un negozio finto su 127.0.0.1 per provare WorthIt!: incolla un link nella chat del "
      "playground. / A fake shop on 127.0.0.1 to try WorthIt!: paste a link into the playground chat.</p>";
  for (const auto& p : DemoCatalog()) {
    h += "<a class=\"card\" href=\"/p/" + std::string(p.slug) + "\"><b>" + Escape(p.name) + "</b><br>" +
         Escape(DisplayPrice(p)) + " · " + std::to_string(p.reviews.size()) +
         (std::string(p.language) == "it" ? " recensioni" : " reviews") + " · <span class=\"tag\">" + p.language +
         " — " + Escape(p.expected) + "</span><br><span class=\"tag\">" + Escape(base_url + "/p/" + p.slug) +
         "</span></a>";
  }
  h += "</main></body></html>";
  return h;
}

}  // namespace

const std::vector<DemoProduct>& DemoCatalog() {
  static const std::vector<DemoProduct> kCatalog = BuildCatalog();
  return kCatalog;
}

std::optional<std::string> RenderDemoShopPage(const std::string& path, const std::string& base_url) {
  if (path == "/" || path == "/index.html") return RenderIndex(base_url);
  const std::string prefix = "/p/";
  if (path.rfind(prefix, 0) != 0) return std::nullopt;
  std::string slug = path.substr(prefix.size());
  if (!slug.empty() && slug.back() == '/') slug.pop_back();
  for (const auto& p : DemoCatalog()) {
    if (slug == p.slug) return RenderProduct(p, base_url);
  }
  return std::nullopt;
}

}  // namespace worthit::playground
