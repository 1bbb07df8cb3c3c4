// Link detection: finds the product-link candidates in a message.
//
// Sources, in order: `url` entities (text cut by UTF-16 offsets), `text_link` entities (the hidden
// URL), the same two in captions (caption_entities), then a plain-text scan of text and caption
// for http(s)://, www. and bare known-shop hosts (amzn.to/xyz) — clients and forwards do not always
// send entities. Only http/https survive; a scheme-less "www.amazon.it/..." gets https://. Trailing
// punctuation a sentence adds (").,;!?»") is trimmed. Duplicates are dropped, order is kept.
// Classification: Amazon on every TLD (amazon.it, www.amazon.co.uk, smile.amazon.com, ...),
// Amazon short links (amzn.to, amzn.eu, amzn.asia, a.co), eBay (ebay.*, ebay.us), anything else
// http(s) is kOther (a candidate shop page; the worker decides whether it is a product).
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "telegram/types.h"

namespace worthit::bot {

enum class LinkKind { kAmazon, kAmazonShort, kEbay, kOther };
std::string_view ToString(LinkKind kind);

struct DetectedLink {
  std::string url;   // normalised (scheme added when missing)
  std::string host;  // lowercase, without port
  LinkKind kind = LinkKind::kOther;
};

// nullopt when `raw` is not an http(s) URL with a plausible host.
std::optional<DetectedLink> ClassifyUrl(std::string_view raw);
std::vector<DetectedLink> DetectLinks(const telegram::Message& message);
// The link the bot analyses: the first Amazon/eBay link if any, else the first candidate.
std::optional<DetectedLink> PickProductLink(const std::vector<DetectedLink>& links);

}  // namespace worthit::bot
