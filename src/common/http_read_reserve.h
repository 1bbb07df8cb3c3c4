// kHttpReadReserve: how many bytes a Beast HTTP connection's flat_buffer reserves up front, and
// kHttpMaxRead, the most one read takes; shared by the webhook's server sessions
// (webhook_server.cpp) and the Beast Bot API client's connections (beast_bot_api.cpp).
//
// Why reserve at all: Beast reads at most max(512, free capacity) bytes at a time, and a
// flat_buffer emptied by the parser never grows past 512, so a ~800-byte Telegram update (or a
// ~700-byte sendMessage answer) took two reads: two recv syscalls, two parser passes. With the
// reserve one read takes the whole message.
// Why 8 KiB: most updates (a message with its sender, chat and entities) and most sendMessage /
// editMessageText answers fit, headers included; larger ones still arrive, in more reads. It is
// paid once per open connection and kept across keep-alive requests, so it is small next to a
// connection's other state.
// A plain constant (no Beast include): safe to include anywhere.
#pragma once

#include <cstddef>

namespace worthit {

inline constexpr std::size_t kHttpReadReserve = 8 * 1024;

// The most one read takes (beast::read_size's bound): Beast's own cap for a read of an HTTP message
// (http::detail::read_some_op), kept by the code that reads raw bytes into Beast's parsers itself.
inline constexpr std::size_t kHttpMaxRead = 64 * 1024;

}  // namespace worthit
