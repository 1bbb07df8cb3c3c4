// Product pages for worker and end-to-end tests: a small schema.org (JSON-LD) product page per
// index, with a distinct title and price, so a test can check that each card carries the right
// product. Written here (not copied from any shop). Pure; thread-safe.
#pragma once

#include <cstdio>
#include <string>

namespace worthit::testing {

inline std::string ProductTitle(int i) { return "Prodotto di prova numero " + std::to_string(i); }
// "10.99", "11.99", ...: the card shows it as "10,99 €".
inline std::string ProductPrice(int i) { return std::to_string(10 + i % 900) + ".99"; }
inline std::string ProductPriceShown(int i) { return std::to_string(10 + i % 900) + ",99 €"; }

inline std::string ProductPage(int i) {
  const std::string title = ProductTitle(i);
  return "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><title>" + title +
         "</title><script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"Product\","
         "\"name\":\"" +
         title + "\",\"sku\":\"SKU" + std::to_string(i) + "\",\"offers\":{\"@type\":\"Offer\",\"price\":\"" +
         ProductPrice(i) +
         "\",\"priceCurrency\":\"EUR\",\"availability\":\"https://schema.org/InStock\"},"
         "\"aggregateRating\":{\"@type\":\"AggregateRating\",\"ratingValue\":\"4.4\",\"reviewCount\":\"87\"},"
         "\"review\":["
         "{\"@type\":\"Review\",\"reviewBody\":\"Ottimo prodotto, la batteria dura tantissimo e funziona bene.\","
         "\"reviewRating\":{\"@type\":\"Rating\",\"ratingValue\":\"5\"},\"datePublished\":\"2025-10-01\"},"
         "{\"@type\":\"Review\",\"reviewBody\":\"Buona qualità ma la spedizione è stata lenta.\","
         "\"reviewRating\":{\"@type\":\"Rating\",\"ratingValue\":\"4\"},\"datePublished\":\"2025-10-03\"},"
         "{\"@type\":\"Review\",\"reviewBody\":\"Si è rotto dopo una settimana, pessimo.\","
         "\"reviewRating\":{\"@type\":\"Rating\",\"ratingValue\":\"1\"},\"datePublished\":\"2025-10-05\"}"
         "]}</script></head><body><h1>" +
         title + "</h1></body></html>";
}

// A page that is not a product (a shop's home page).
inline std::string HomePage() {
  return "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><title>Negozio</title></head><body>"
         "<h1>Benvenuti nel negozio</h1><p>Le offerte della settimana.</p></body></html>";
}

// A robot-check page (what a shop serves when it blocks a bot).
inline std::string CaptchaPage() {
  return "<!doctype html><html><head><title>Robot Check</title></head><body><h4>Enter the characters you see "
         "below</h4><p>Sorry, we just need to make sure you're not a robot.</p><form action=\"/errors/"
         "validateCaptcha\"><input name=\"field-keywords\"></form></body></html>";
}

}  // namespace worthit::testing
