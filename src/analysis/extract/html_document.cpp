#include "analysis/extract/html_document.h"

#include <libxml/xpath.h>

#include <cstring>
#include <string>
#include <unordered_map>

#include "analysis/extract/numbers.h"

namespace worthit::analysis::extract {
namespace {

// Compiled XPath expressions, per thread (xmlXPathCompExpr is not shared across threads). The
// set of expressions is fixed by the code, so the cache is bounded.
xmlXPathCompExpr* Compiled(const char* xpath) {
  struct Cache {
    std::unordered_map<std::string, xmlXPathCompExpr*> map;
    ~Cache() {
      for (auto& [k, v] : map) xmlXPathFreeCompExpr(v);
    }
  };
  thread_local Cache cache;
  auto it = cache.map.find(xpath);
  if (it != cache.map.end()) return it->second;
  xmlXPathCompExpr* comp = xmlXPathCompile(reinterpret_cast<const xmlChar*>(xpath));
  cache.map.emplace(xpath, comp);
  return comp;
}

void AppendText(const xmlNode* node, std::string& out, bool visible) {
  for (const xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) out += reinterpret_cast<const char*>(n->content);
    } else if (n->type == XML_ELEMENT_NODE) {
      const char* name = reinterpret_cast<const char*>(n->name);
      if (visible && (std::strcmp(name, "script") == 0 || std::strcmp(name, "style") == 0 ||
                      std::strcmp(name, "template") == 0 || std::strcmp(name, "noscript") == 0)) {
        continue;
      }
      if (visible && (std::strcmp(name, "br") == 0 || std::strcmp(name, "p") == 0 || std::strcmp(name, "div") == 0 ||
                      std::strcmp(name, "li") == 0)) {
        out += ' ';
      }
      AppendText(n->children, out, visible);
    }
  }
}

}  // namespace

std::optional<HtmlDocument> HtmlDocument::Parse(std::string_view utf8_html) {
  if (utf8_html.empty()) return std::nullopt;
  xmlDoc* doc = htmlReadMemory(
      utf8_html.data(), static_cast<int>(utf8_html.size()), nullptr, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT);
  if (doc == nullptr) return std::nullopt;
  if (xmlDocGetRootElement(doc) == nullptr) {
    xmlFreeDoc(doc);
    return std::nullopt;
  }
  return HtmlDocument(doc);
}

std::vector<xmlNode*> HtmlDocument::Select(const char* xpath, xmlNode* context) const {
  std::vector<xmlNode*> out;
  xmlXPathCompExpr* comp = Compiled(xpath);
  if (comp == nullptr) return out;
  xmlXPathContext* ctx = xmlXPathNewContext(doc_.get());
  if (ctx == nullptr) return out;
  ctx->node = context ? context : reinterpret_cast<xmlNode*>(doc_.get());
  xmlXPathObject* obj = xmlXPathCompiledEval(comp, ctx);
  if (obj && obj->nodesetval) {
    out.reserve(obj->nodesetval->nodeNr);
    for (int i = 0; i < obj->nodesetval->nodeNr; ++i) out.push_back(obj->nodesetval->nodeTab[i]);
  }
  xmlXPathFreeObject(obj);
  xmlXPathFreeContext(ctx);
  return out;
}

xmlNode* HtmlDocument::First(const char* xpath, xmlNode* context) const {
  auto nodes = Select(xpath, context);
  return nodes.empty() ? nullptr : nodes.front();
}

std::string HtmlDocument::TextOf(const char* xpath, xmlNode* context) const {
  xmlNode* n = First(xpath, context);
  return n ? Text(n) : std::string();
}

std::string HtmlDocument::AttrOf(const char* xpath, const char* attr, xmlNode* context) const {
  xmlNode* n = First(xpath, context);
  return n ? Attr(n, attr) : std::string();
}

std::string HtmlDocument::Text(const xmlNode* node) {
  if (node == nullptr) return "";
  std::string out;
  if (node->type == XML_ATTRIBUTE_NODE) {
    AppendText(node->children, out, false);
  } else if (node->type == XML_TEXT_NODE) {
    if (node->content) out = reinterpret_cast<const char*>(node->content);
  } else {
    AppendText(node->children, out, true);
  }
  return CollapseSpace(out);
}

std::string HtmlDocument::RawText(const xmlNode* node) {
  if (node == nullptr) return "";
  std::string out;
  AppendText(node->children, out, false);
  return out;
}

std::string HtmlDocument::Attr(const xmlNode* node, const char* name) {
  if (node == nullptr || node->type != XML_ELEMENT_NODE) return "";
  xmlChar* v = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return "";
  std::string out = CollapseSpace(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

bool HtmlDocument::HasAttr(const xmlNode* node, const char* name) {
  return node != nullptr && node->type == XML_ELEMENT_NODE &&
         xmlHasProp(node, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

bool HtmlDocument::HasClass(const xmlNode* node, std::string_view cls) {
  const std::string classes = Attr(node, "class");
  size_t pos = 0;
  while (pos < classes.size()) {
    size_t end = classes.find(' ', pos);
    if (end == std::string::npos) end = classes.size();
    if (std::string_view(classes).substr(pos, end - pos) == cls) return true;
    pos = end + 1;
  }
  return false;
}

std::string_view HtmlDocument::Name(const xmlNode* node) {
  return node && node->name ? reinterpret_cast<const char*>(node->name) : "";
}

}  // namespace worthit::analysis::extract
