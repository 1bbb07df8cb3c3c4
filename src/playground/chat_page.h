// The chat page (src/playground/web/chat.html), embedded into the binary at build time by
// CMake (chat_page.cpp is generated; edit the .html). Thread-safety: immutable data.
#pragma once

#include <string_view>

namespace worthit::playground {

std::string_view ChatPageHtml();

}  // namespace worthit::playground
