// AddressPolicy: which network addresses a page fetch may connect to — the SSRF guard.
//
// A user's link is untrusted: without this, "http://169.254.169.254/" or a DNS name that
// resolves to 10.0.0.5 would make the worker read the cloud metadata service or an internal
// admin page. The check runs on the socket address curl is about to connect to (opensocket
// callback), for every resolved address of every connection, redirects included — so DNS
// rebinding and odd IPv4 spellings ("2130706433", "0x7f.1", "017700000001"), which the resolver
// turns into plain addresses, are caught where it matters.
//
// ClassifyAddress is pure. AllowList holds FETCH_ALLOW entries: a CIDR ("10.0.0.0/8", "::1/128"),
// an address ("127.0.0.1"), an address with port ("127.0.0.1:8080", "[::1]:8080"), a host name
// ("localhost") or host with port ("localhost:8080"). Host entries match the URL's host name, the
// others the connected address; a port narrows an entry to that port, which lets tests allow one
// local server and still prove that a redirect to another local port is blocked.
// Thread-safety: immutable after construction; safe to share.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct sockaddr;

namespace worthit::analysis::fetch {

enum class AddressClass {
  kPublic,
  kUnspecified,    // 0.0.0.0/8, ::
  kLoopback,       // 127/8, ::1
  kPrivate,        // RFC 1918, fc00::/7 ULA, fec0::/10 site-local, 64:ff9b:1::/48
  kLinkLocal,      // 169.254/16 (cloud metadata lives here), fe80::/10
  kCgnat,          // 100.64/10 shared address space
  kMulticast,      // 224/4, ff00::/8
  kBroadcast,      // 255.255.255.255
  kDocumentation,  // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20
  kBenchmark,      // 198.18/15
  kReserved,       // 240/4, 192.0.0/24, 192.88.99/24, IPv6 outside 2000::/3, Teredo, ORCHID, discard
};

std::string_view ToString(AddressClass c);

// A raw IPv4 or IPv6 address; v4 uses the first 4 bytes.
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};

  static std::optional<IpAddress> Parse(std::string_view text);  // inet_pton; no odd spellings
  static std::optional<IpAddress> FromSockaddr(const sockaddr* addr, uint16_t* port = nullptr);
  std::string ToString() const;
};

// The class of an address. IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
// (64:ff9b::/96) and 6to4 (2002::/16) addresses are classified by the IPv4 address they embed.
AddressClass ClassifyAddress(const IpAddress& addr);
inline bool IsPublic(const IpAddress& addr) { return ClassifyAddress(addr) == AddressClass::kPublic; }

class AllowList {
 public:
  AllowList() = default;
  // Parses FETCH_ALLOW entries; a malformed entry fails with CONFIG_INVALID naming it.
  static Result<AllowList> Parse(const std::vector<std::string>& entries);

  // True when the connection to `addr`:`port`, made for URL host `host`, is exempt.
  bool Allows(std::string_view host, const IpAddress& addr, uint16_t port) const;
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    std::string host;  // lower-case host name; empty for address entries
    IpAddress net;
    int prefix = -1;  // -1 for host entries
    std::optional<uint16_t> port;
  };
  std::vector<Entry> entries_;
};

// The decision the fetcher applies at connect time: public addresses pass, others only when
// the allow-list exempts them.
bool MayConnect(const AllowList& allow, std::string_view host, const IpAddress& addr, uint16_t port);

}  // namespace worthit::analysis::fetch
