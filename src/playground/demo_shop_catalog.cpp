#include "playground/demo_shop_catalog.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdio>

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
               {
                   {"Francesca R.", "2025-11-04", 5, "Il caffè come a casa della nonna",
                    "Uso la Aurora tutte le mattine da tre mesi: il caffè esce cremoso e senza sapore di bruciato. "
                    "Il manico resta freddo anche sul fuoco grande."},
                   {"Gianni P.", "2025-11-19", 5, "Solida e ben rifinita",
                    "Alluminio spesso, filettatura precisa, si chiude senza sforzo e non perde una goccia. La "
                    "guarnizione in silicone è un bel passo avanti rispetto alla gomma."},
                   {"Marta L.", "2025-12-02", 5, "Regalo azzeccato",
                    "L'ho regalata a mio padre che aveva una moka di trent'anni: dice che il caffè è più "
                    "aromatico e che si pulisce in un attimo sotto l'acqua calda."},
                   {"Davide C.", "2025-12-15", 4, "Ottima, ma i primi caffè vanno buttati",
                    "Come tutte le moka nuove i primi tre o quattro caffè sanno di metallo, poi è perfetta. Un "
                    "foglietto con le istruzioni in più lingue sarebbe stato utile."},
                   {"Elena S.", "2026-01-08", 5, "Perfetta per 4 persone",
                    "Sei tazzine piene, oppure quattro tazze generose. Il beccuccio versa pulito senza colare sul "
                    "fornello."},
                   {"Roberto M.", "2026-01-21", 5, "Qualità vera a un prezzo onesto",
                    "Avevo preso una moka da 15 euro che dopo sei mesi si era ossidata. Questa costa il doppio ma "
                    "è un altro pianeta: spessore, finiture, tenuta della valvola."},
                   {"Silvia T.", "2026-02-03", 3, "Non va sull'induzione",
                    "Il caffè è buono, ma avevo capito che andasse anche sull'induzione e invece serve l'adattatore. "
                    "Colpa mia che non ho letto bene, però andrebbe scritto più in grande."},
                   {"Antonio G.", "2026-02-17", 5, "Crema e profumo",
                    "Con una miscela 100% arabica e fuoco basso esce un caffè con una crema che non mi aspettavo "
                    "da una moka. La valvola si può smontare e controllare."},
                   {"Laura B.", "2026-03-01", 4, "Molto buona, manico un po' piccolo",
                    "Tutto ottimo tranne il manico, un po' piccolo per chi ha mani grandi. Per il resto robusta e "
                    "facile da pulire."},
                   {"Stefano V.", "2026-03-22", 5, "Dopo sei mesi come nuova",
                    "La lavo solo con acqua come si deve fare e dopo sei mesi di uso quotidiano non ha una macchia. "
                    "La guarnizione non si è deformata."},
                   {"Paola D.", "2026-04-09", 5, "Finalmente una moka fatta bene",
                    "Chiusura precisa, il filtro non si incastra, il caffè sale regolare senza schizzi. Si vede la "
                    "cura nella fusione."},
                   {"Michele F.", "2026-04-30", 5, "La compro di nuovo",
                    "Ne ho presa una seconda per la casa al mare. Il caffè viene uguale ogni volta, cosa che con la "
                    "vecchia non succedeva."},
                   {"Chiara N.", "2026-05-18", 4, "Buona, imballo migliorabile",
                    "Moka eccellente, il caffè è ottimo. La scatola è arrivata un po' schiacciata ma la caffettiera "
                    "era intatta."},
                   {"Luca Z.", "2026-06-06", 5, "Rapporto qualità prezzo ottimo",
                    "Per 35 euro è difficile chiedere di più: materiali seri, caffè pieno e una garanzia di due anni "
                    "sulla valvola."},
                   {"Giorgia A.", "2026-07-12", 5, "Il manico non scotta",
                    "Uso il fornello grande e con le vecchie moka mi bruciavo sempre: con questa il manico resta "
                    "tiepido e il pomello del coperchio pure."},
                   {"Federico O.", "2026-08-03", 5, "Perfetta anche in campeggio",
                    "L'ho usata sul fornellino da campeggio per due settimane, nessun problema e caffè ottimo ogni "
                    "mattina."},
                   {"Valentina E.", "2026-09-14", 5, "Caffè cremoso, pulizia facile",
                    "Il filtro a imbuto si sciacqua in pochi secondi e la guarnizione si toglie senza attrezzi per "
                    "pulirla. Il caffè è cremoso e non amaro."},
                   {"Alessandro I.", "2026-10-02", 4, "Ottima, coperchio un po' rigido",
                    "Il coperchio all'inizio era un po' duro da aprire, poi si è assestato. Il caffè è tra i "
                    "migliori che abbia fatto in moka."},
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
               {
                   {"Tom H.", "2025-09-12", 5, "Comfortable all day",
                    "Carried it for a 9-hour ridge walk with about 7 kg inside. The mesh back kept my shirt "
                    "mostly dry and the hip belt takes the weight off the shoulders."},
                   {"Priya K.", "2025-09-30", 4, "Great pack, stiff zips",
                    "Lots of sensible pockets and the rain cover actually covers the whole bag. The main zip is "
                    "stiff for the first weeks and catches at the corners."},
                   {"Daniel W.", "2025-10-14", 4, "Good value",
                    "For under 80 euros it has features I have only seen on packs costing twice as much. The hip "
                    "belt pockets are too small for a modern phone though."},
                   {"Sarah M.", "2025-11-02", 5, "Rain cover saved my camera",
                    "Got caught in a two-hour downpour on day two of a hut trip. Pulled out the cover and "
                    "everything inside stayed bone dry."},
                   {"James O.", "2025-11-20", 3, "Fits short torsos badly",
                    "The back length is not adjustable and at 1.68 m the hip belt sits on my stomach instead of "
                    "my hips. Build quality is fine, the fit was not for me."},
                   {"Lena B.", "2025-12-08", 4, "Solid daypack",
                    "Fabric feels tough, seams are clean, and after a season of scrambling there is no visible "
                    "wear. Side pockets hold a 1 litre bottle but it is hard to reach while walking."},
                   {"Marcus R.", "2026-01-15", 5, "My new favourite",
                    "Hydration sleeve, trekking pole loops, a separate pocket for wet gear. Everything is where "
                    "you expect it. Very happy with it."},
                   {"Aisha N.", "2026-02-03", 4, "Nice, but heavier than listed",
                    "My kitchen scale says 1.25 kg, not 1.1 kg. Not a big deal for day hikes but worth knowing if "
                    "you count grams."},
                   {"Chris P.", "2026-02-27", 2, "Buckle broke after a month",
                    "The sternum strap buckle snapped on a cold morning. Customer service sent a replacement "
                    "buckle quickly, which is the only reason this is not one star."},
                   {"Emily S.", "2026-03-19", 5, "Perfect size for day hikes",
                    "30 litres is exactly right for layers, lunch, first aid kit and a flask. It compresses well "
                    "when half empty so nothing rattles."},
                   {"Noah G.", "2026-04-06", 4, "Ventilation really works",
                    "The suspended mesh back makes a real difference in summer. Only wish the top lid had a "
                    "key clip."},
                   {"Olivia F.", "2026-05-01", 4, "Good, colours brighter in photos",
                    "The green is darker and duller than on the product page. Otherwise a well designed and "
                    "comfortable backpack."},
                   {"Ben T.", "2026-06-22", 5, "Survived the Alta Via 1",
                    "Used it for eight days hut to hut. Straps never dug in, and the fabric shrugged off rocks "
                    "and wet grass."},
                   {"Hannah L.", "2026-07-30", 4, "Does the job well",
                    "Comfortable and well organised. The zipper pulls are small to use with gloves on, which "
                    "matters in autumn."},
                   {"Ryan D.", "2026-09-09", 3, "Average",
                    "It is a decent bag, but the shoulder straps are thin and start to hurt above 8 kg. Fine for "
                    "light days."},
                   {"Grace E.", "2026-10-18", 5, "Excellent for the price",
                    "Compared it in a shop with two big-brand packs: similar features, similar comfort, thirty "
                    "euros cheaper."},
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
               {
                   {"Andrea C.", "2025-10-05", 3, "Buone, ma non a questo prezzo",
                    "Il suono è pulito e i bassi sono controllati, ma a 349 euro mi aspettavo una cancellazione del "
                    "rumore al livello delle concorrenti più famose. Non ci siamo."},
                   {"Beatrice M.", "2025-10-22", 4, "Suono molto bello",
                    "Dettaglio e scena sonora ottimi, le ascolto con piacere per ore. Il prezzo però è alto e "
                    "l'app è lenta."},
                   {"Carlo S.", "2025-11-09", 2, "Troppo care",
                    "Le ho restituite: con metà della cifra ho preso un modello che isola meglio in treno. Queste "
                    "suonano bene ma non valgono 349 euro."},
                   {"Daniela F.", "2025-11-28", 3, "Cancellazione del rumore deludente",
                    "In ufficio tolgono il ronzio del condizionatore ma le voci passano quasi tutte. Autonomia "
                    "vera intorno alle 24 ore, non 30."},
                   {"Enrico T.", "2025-12-14", 4, "Comode e ben costruite",
                    "Padiglioni morbidi, archetto in metallo, custodia rigida ottima. Il prezzo è alto ma almeno "
                    "si sente la qualità costruttiva."},
                   {"Federica B.", "2026-01-07", 3, "Nella media",
                    "Niente di sbagliato, niente di eccezionale. Per questa cifra vorrei la ricarica wireless e "
                    "un'app che non perda le impostazioni."},
                   {"Giacomo R.", "2026-01-30", 2, "App inutilizzabile",
                    "L'equalizzatore dell'app si resetta a ogni aggiornamento e la connessione multipoint salta. "
                    "A 349 euro non è accettabile."},
                   {"Irene P.", "2026-02-19", 4, "Audio eccellente per la musica classica",
                    "Gli archi sono naturali e non c'è distorsione ad alto volume. Peccato per il prezzo, "
                    "aspetterei uno sconto."},
                   {"Lorenzo D.", "2026-03-11", 3, "Microfono scarso",
                    "In chiamata mi sentono lontano e con il vento è un disastro. La musica invece è buona."},
                   {"Monica G.", "2026-04-02", 4, "Belle ma care",
                    "Mi piacciono molto, eleganti e leggere. Le ho pagate 349 euro e onestamente valgono sui 200."},
                   {"Nicola V.", "2026-04-25", 2, "Si scaldano le orecchie",
                    "Dopo un'ora le orecchie sudano, i cuscinetti in similpelle non traspirano. Per il prezzo mi "
                    "aspettavo materiali migliori."},
                   {"Ornella Z.", "2026-05-20", 3, "Qualità ok, prezzo no",
                    "Suono buono, costruzione buona, cancellazione del rumore mediocre. Ci sono alternative migliori "
                    "a 250 euro."},
                   {"Pietro L.", "2026-06-14", 4, "Suono caldo",
                    "Bassi profondi ma non invadenti, voci chiare. Le consiglio solo in offerta."},
                   {"Rita C.", "2026-07-08", 3, "Batteria sotto le attese",
                    "Con la cancellazione attiva arrivo a 22 ore. Ricarica veloce utile, ma il prezzo pieno è "
                    "esagerato."},
                   {"Sergio A.", "2026-08-26", 3, "Non valgono la differenza",
                    "Ho confrontato con le mie vecchie cuffie da 150 euro: la differenza di suono c'è ma è piccola, "
                    "quella di prezzo enorme."},
                   {"Tiziana O.", "2026-09-30", 4, "Ottime per viaggiare",
                    "Custodia compatta e rigida, si piegano bene. In aereo riducono il rombo dei motori. Costose."},
               }});

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
               {
                   {"Mario R.", "2026-10-03", 5, "Ottimo prodotto", "Ottimo prodotto, consigliato!"},
                   {"Anna B.", "2026-10-03", 5, "Fantastica", "Prodotto fantastico, spedizione veloce."},
                   {"Giuseppe T.", "2026-10-03", 5, "Consigliato", "Ottimo prodotto, consigliato!"},
                   {"Lucia F.", "2026-10-03", 5, "Top", "Tutto perfetto, top!"},
                   {"Franco M.", "2026-10-04", 5, "Ottimo", "Ottimo prodotto, consigliato!"},
                   {"Rosa C.", "2026-10-04", 5, "Bellissima", "Bellissima, funziona benissimo. Cinque stelle."},
                   {"Paolo G.", "2026-10-04", 5, "Perfetta", "Prodotto fantastico, spedizione veloce."},
                   {"Teresa D.", "2026-10-04", 5, "Super", "Super prodotto, lo consiglio a tutti."},
                   {"Vincenzo L.", "2026-10-04", 5, "Molto bene", "Molto bene, contentissimo dell'acquisto."},
                   {"Carla S.", "2026-10-05", 5, "Eccellente", "Eccellente! Consigliatissima."},
                   {"Salvatore P.", "2026-10-05", 5, "Ottimo acquisto", "Ottimo acquisto, prezzo giusto."},
                   {"Giovanna E.", "2026-10-05", 5, "Consigliata", "Tutto perfetto, top!"},
                   {"Angelo N.", "2026-10-05", 5, "Fantastico", "Super prodotto, lo consiglio a tutti."},
                   {"Maria V.", "2026-10-05", 5, "Bella", "Bella e funzionale, consigliata."},
                   {"Simona Q.", "2026-08-21", 1, "Il rivestimento si stacca",
                    "Dopo tre settimane il rivestimento antiaderente del cestello ha cominciato a sfaldarsi in "
                    "scaglie nere, finite anche nelle patatine. L'ho restituita."},
                   {"Riccardo U.", "2026-09-02", 1, "Smessa di funzionare dopo un mese",
                    "Un mattino non si è più accesa: display spento, nessun rumore. L'assistenza non risponde alle "
                    "email da due settimane."},
                   {"Elisa H.", "2026-09-16", 1, "Odore di plastica bruciata",
                    "Anche dopo cinque cicli a vuoto come dice il manuale, ogni volta che la accendo la cucina "
                    "puzza di plastica bruciata. Non mi fido a cucinarci."},
                   {"Fabio K.", "2026-10-11", 2, "Capacità reale molto più piccola",
                    "Gli 8 litri sono il volume della scocca: il cestello utile ne contiene forse 5. Cuoce in modo "
                    "poco uniforme, le patatine al centro restano crude."},
                   {"Ilaria W.", "2026-10-20", 1, "Recensioni poco credibili",
                    "Ho comprato fidandomi delle tante cinque stelle, ma il cestello si blocca nella guida e per "
                    "estrarlo bisogna tirare con forza. Pessima."},
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
               {
                   {"Kate J.", "2026-10-27", 5, "Easy setup",
                    "Paired with the app in under a minute and the warm white looks like a normal bulb."},
                   {"Sam V.", "2026-11-10", 4, "Fine so far",
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
       "</span> <span id=\"acrCustomerReviewText\">" + std::to_string(p.reviews.size()) + (it ? " voti" : " ratings") +
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
