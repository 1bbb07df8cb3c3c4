#include "analysis/fetch/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace worthit::analysis::fetch {
namespace {

AddressClass ClassifyV4(const uint8_t* b) {
  const uint32_t a = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  auto in = [a](uint32_t net, int prefix) {
    const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
    return (a & mask) == (net & mask);
  };
  if (a == 0xFFFFFFFFu) return AddressClass::kBroadcast;
  if (in(0x00000000, 8)) return AddressClass::kUnspecified;
  if (in(0x7F000000, 8)) return AddressClass::kLoopback;
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16)) return AddressClass::kPrivate;
  if (in(0xA9FE0000, 16)) return AddressClass::kLinkLocal;
  if (in(0x64400000, 10)) return AddressClass::kCgnat;
  if (in(0xE0000000, 4)) return AddressClass::kMulticast;
  if (in(0xC0000200, 24) || in(0xC6336400, 24) || in(0xCB007100, 24)) return AddressClass::kDocumentation;
  if (in(0xC6120000, 15)) return AddressClass::kBenchmark;
  if (in(0xF0000000, 4) || in(0xC0000000, 24) || in(0xC0586300, 24)) return AddressClass::kReserved;
  return AddressClass::kPublic;
}

bool PrefixMatch(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& net, int bits) {
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xFF : static_cast<uint8_t>(0xFF << (8 - bits));
    if ((a[i] & mask) != (net[i] & mask)) return false;
  }
  return true;
}

std::array<uint8_t, 16> V6(std::initializer_list<uint16_t> groups) {
  std::array<uint8_t, 16> out{};
  int i = 0;
  for (uint16_t g : groups) {
    out[i++] = static_cast<uint8_t>(g >> 8);
    out[i++] = static_cast<uint8_t>(g & 0xFF);
  }
  return out;
}

AddressClass ClassifyV6(const std::array<uint8_t, 16>& b) {
  auto in = [&b](std::initializer_list<uint16_t> groups, int bits) { return PrefixMatch(b, V6(groups), bits); };
  static const std::array<uint8_t, 16> kZero{};
  if (b == kZero) return AddressClass::kUnspecified;
  auto one = kZero;
  one[15] = 1;
  if (b == one) return AddressClass::kLoopback;
  // Embedded IPv4: mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96 → the v4 address.
  if (in({0, 0, 0, 0, 0, 0xFFFF}, 96) || in({0, 0, 0, 0, 0, 0}, 96) || in({0x64, 0xFF9B, 0, 0, 0, 0}, 96)) {
    return ClassifyV4(&b[12]);
  }
  if (in({0x2002}, 16)) {  // 6to4: 2002:AABB:CCDD::/48 carries a.b.c.d
    const AddressClass c = ClassifyV4(&b[2]);
    return c;
  }
  if (in({0x64, 0xFF9B, 1}, 48)) return AddressClass::kPrivate;  // local-use NAT64
  if (in({0xFC00}, 7) || in({0xFEC0}, 10)) return AddressClass::kPrivate;
  if (in({0xFE80}, 10)) return AddressClass::kLinkLocal;
  if (in({0xFF00}, 8)) return AddressClass::kMulticast;
  if (in({0x2001, 0x0DB8}, 32) || in({0x3FFF}, 20)) return AddressClass::kDocumentation;
  if (in({0x2001, 0x0002}, 48)) return AddressClass::kBenchmark;
  // 2001::/23 IETF protocol assignments (Teredo 2001::/32 tunnels to arbitrary v4, ORCHID),
  // 100::/64 discard, and everything outside global unicast 2000::/3.
  if (in({0x2001}, 23) || in({0x0100}, 64) || !in({0x2000}, 3) || in({0x5F00}, 16)) return AddressClass::kReserved;
  return AddressClass::kPublic;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool ParsePort(std::string_view s, uint16_t& port) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v == 0 || v > 65535) return false;
  port = static_cast<uint16_t>(v);
  return true;
}

}  // namespace

std::string_view ToString(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic: return "public";
    case AddressClass::kUnspecified: return "unspecified";
    case AddressClass::kLoopback: return "loopback";
    case AddressClass::kPrivate: return "private";
    case AddressClass::kLinkLocal: return "link-local";
    case AddressClass::kCgnat: return "cgnat";
    case AddressClass::kMulticast: return "multicast";
    case AddressClass::kBroadcast: return "broadcast";
    case AddressClass::kDocumentation: return "documentation";
    case AddressClass::kBenchmark: return "benchmark";
    case AddressClass::kReserved: return "reserved";
  }
  return "reserved";
}

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  std::string s(text);
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  IpAddress out;
  if (inet_pton(AF_INET, s.c_str(), out.bytes.data()) == 1) return out;
  out.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), out.bytes.data()) == 1) return out;
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::FromSockaddr(const sockaddr* addr, uint16_t* port) {
  if (addr == nullptr) return std::nullopt;
  IpAddress out;
  if (addr->sa_family == AF_INET) {
    const auto* in4 = reinterpret_cast<const sockaddr_in*>(addr);
    std::memcpy(out.bytes.data(), &in4->sin_addr, 4);
    if (port) *port = ntohs(in4->sin_port);
    return out;
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    out.v6 = true;
    std::memcpy(out.bytes.data(), &in6->sin6_addr, 16);
    if (port) *port = ntohs(in6->sin6_port);
    return out;
  }
  return std::nullopt;  // AF_UNIX and friends: never a web page
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

AddressClass ClassifyAddress(const IpAddress& addr) {
  return addr.v6 ? ClassifyV6(addr.bytes) : ClassifyV4(addr.bytes.data());
}

Result<AllowList> AllowList::Parse(const std::vector<std::string>& entries) {
  AllowList list;
  for (const auto& raw : entries) {
    auto bad = [&raw](const char* why) { return Error::Invalid("CONFIG_INVALID", "FETCH_ALLOW=" + raw + ": " + why); };
    std::string_view s = raw;
    Entry e;
    // Port: "[v6]:port", "v4:port", "host:port" (one colon only, so bare IPv6 is not split).
    if (!s.empty() && s.front() == '[') {
      const auto close = s.find(']');
      if (close == std::string_view::npos) return bad("unclosed [");
      if (close + 1 < s.size()) {
        uint16_t port = 0;
        if (s[close + 1] != ':' || !ParsePort(s.substr(close + 2), port)) return bad("bad port");
        e.port = port;
      }
      s = s.substr(1, close - 1);
    } else if (std::count(s.begin(), s.end(), ':') == 1) {
      const auto colon = s.find(':');
      uint16_t port = 0;
      if (!ParsePort(s.substr(colon + 1), port)) return bad("bad port");
      e.port = port;
      s = s.substr(0, colon);
    }
    const auto slash = s.find('/');
    const std::string_view addr_part = s.substr(0, slash);
    if (auto ip = IpAddress::Parse(addr_part)) {
      e.net = *ip;
      const int max_bits = ip->v6 ? 128 : 32;
      e.prefix = max_bits;
      if (slash != std::string_view::npos) {
        int bits = -1;
        const auto rest = s.substr(slash + 1);
        auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), bits);
        if (ec != std::errc() || p != rest.data() + rest.size() || bits < 0 || bits > max_bits) {
          return bad("bad prefix length");
        }
        e.prefix = bits;
      }
    } else {
      if (slash != std::string_view::npos || addr_part.empty()) return bad("neither a host, an address nor a CIDR");
      for (char c : addr_part) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return bad("bad host name");
      }
      e.host = Lower(addr_part);
    }
    list.entries_.push_back(std::move(e));
  }
  return list;
}

bool AllowList::Allows(std::string_view host, const IpAddress& addr, uint16_t port) const {
  const std::string lower_host = Lower(host);
  for (const auto& e : entries_) {
    if (e.port && *e.port != port) continue;
    if (e.prefix < 0) {
      if (!lower_host.empty() && e.host == lower_host) return true;
      continue;
    }
    if (e.net.v6 != addr.v6) continue;
    if (PrefixMatch(addr.bytes, e.net.bytes, e.prefix)) return true;
  }
  return false;
}

bool MayConnect(const AllowList& allow, std::string_view host, const IpAddress& addr, uint16_t port) {
  return IsPublic(addr) || allow.Allows(host, addr, port);
}

}  // namespace worthit::analysis::fetch
