// The curl fetcher against local page servers. Only 127.0.0.1 (and ::1, which is refused before
// any packet) is ever a target here.
#include <gtest/gtest.h>
#include <zlib.h>

#include "analysis/fetch/page_fetcher.h"
#include "common/metrics.h"
#include "support/page_server.h"

namespace worthit::analysis::fetch {
namespace {

using testing::PageServer;

const char* kPage = "<html><head><title>Moka</title></head><body><h1>Moka</h1></body></html>";

std::unique_ptr<PageFetcher> Fetcher(std::vector<std::string> allow, FetchOptions o = {}) {
  o.allow = std::move(allow);
  // Generous: this machine is loaded; no assertion depends on time.
  o.total_timeout = std::chrono::seconds(20);
  o.connect_timeout = std::chrono::seconds(10);
  auto f = MakeCurlPageFetcher(o);
  EXPECT_TRUE(f.ok());
  return std::move(*f);
}

std::string Allow(const PageServer& s) { return "127.0.0.1:" + std::to_string(s.port()); }

Result<FetchedPage> Get(PageFetcher& f, const std::string& url, const std::string& lang = "it") {
  FetchRequest r;
  r.url = url;
  r.lang = lang;
  return f.Fetch(r);
}

TEST(CurlPageFetcherTest, LoopbackSpellingsAreRefusedBeforeAnyRequest) {
  PageServer server;
  server.Route("/", {.body = kPage});
  auto fetcher = Fetcher({});
  const std::string port = std::to_string(server.port());
  for (const std::string host : {"127.0.0.1", "2130706433", "0x7f.1", "017700000001", "[::1]", "[::ffff:127.0.0.1]",
                                 "0.0.0.0", "localhost", "127.1", "0177.0.0.1"}) {
    auto page = Get(*fetcher, "http://" + host + ":" + port + "/");
    ASSERT_FALSE(page.ok()) << host;
    EXPECT_EQ(page.error().code, "FETCH_FORBIDDEN_ADDRESS") << host << ": " << page.error().ToString();
    EXPECT_EQ(page.error().kind, ErrorKind::kPermanent);
  }
  EXPECT_EQ(server.RequestCount(), 0u);
}

TEST(CurlPageFetcherTest, AllowedServerIsFetchedWithBrowserHeaders) {
  PageServer server;
  server.Route("/p", {.body = kPage});
  auto fetcher = Fetcher({Allow(server)});
  auto page = Get(*fetcher, server.Url("/p"), "en");
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  EXPECT_EQ(page->body, kPage);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->content_type, "text/html");
  EXPECT_EQ(page->final_url, server.Url("/p"));
  const auto req = server.Requests().at(0);
  EXPECT_NE(req.headers.at("user-agent").find("Mozilla/5.0"), std::string::npos);
  EXPECT_EQ(req.headers.at("accept-language").substr(0, 5), "en-GB");
  EXPECT_NE(req.headers.at("accept-encoding").find("gzip"), std::string::npos);
  auto it_page = Get(*fetcher, server.Url("/p"), "it");
  ASSERT_TRUE(it_page.ok());
  EXPECT_EQ(server.Requests().at(1).headers.at("accept-language").substr(0, 5), "it-IT");
}

TEST(CurlPageFetcherTest, RedirectToAnotherLoopbackPortIsRefused) {
  PageServer allowed, other;
  other.Route("/secret", {.body = "internal"});
  allowed.Redirect("/go", other.Url("/secret"));
  allowed.Redirect("/go-localhost", "http://localhost:" + std::to_string(other.port()) + "/secret", 301);
  allowed.Redirect("/go-decimal", "http://2130706433:" + std::to_string(other.port()) + "/secret", 307);
  auto fetcher = Fetcher({Allow(allowed)});
  for (const char* path : {"/go", "/go-localhost", "/go-decimal"}) {
    auto page = Get(*fetcher, allowed.Url(path));
    ASSERT_FALSE(page.ok()) << path;
    EXPECT_EQ(page.error().code, "FETCH_FORBIDDEN_ADDRESS") << path << ": " << page.error().ToString();
  }
  EXPECT_EQ(other.RequestCount(), 0u);
  EXPECT_EQ(allowed.RequestCount(), 3u);
}

TEST(CurlPageFetcherTest, FollowsAllowedRedirectsKeepingCookies) {
  PageServer server;
  server.Redirect("/a", "/b", 302, {{"Set-Cookie", "session=abc; Path=/"}});
  server.Redirect("/b", server.Url("/c"), 301);
  server.Route("/c", {.body = kPage});
  auto fetcher = Fetcher({Allow(server)});
  auto page = Get(*fetcher, server.Url("/a"));
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  EXPECT_EQ(page->final_url, server.Url("/c"));
  ASSERT_EQ(page->redirects.size(), 2u);
  const auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[2].headers.count("cookie"), 1u);
  EXPECT_EQ(reqs[2].headers.at("cookie"), "session=abc");
  // A new fetch starts without cookies.
  ASSERT_TRUE(Get(*fetcher, server.Url("/c")).ok());
  EXPECT_EQ(server.Requests().back().headers.count("cookie"), 0u);
}

TEST(CurlPageFetcherTest, RedirectCapAndSchemes) {
  PageServer server;
  server.Redirect("/loop", "/loop");
  server.Redirect("/file", "file:///etc/passwd");
  server.Redirect("/gopher", "gopher://127.0.0.1/");
  FetchOptions o;
  o.max_redirects = 3;
  auto fetcher = Fetcher({Allow(server)}, o);
  auto loop = Get(*fetcher, server.Url("/loop"));
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.error().code, "FETCH_TOO_MANY_REDIRECTS");
  EXPECT_EQ(server.RequestCount(), 4u);  // the first request and three redirects
  for (const char* path : {"/file", "/gopher"}) {
    auto page = Get(*fetcher, server.Url(path));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error().code, "FETCH_BAD_URL") << path;
  }
  auto bad = Get(*fetcher, "ftp://127.0.0.1/x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "FETCH_BAD_URL");
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
}

TEST(CurlPageFetcherTest, StopBeforeEndsAtTheRedirectTarget) {
  PageServer server;
  server.Redirect("/short", "https://www.amazon.it/dp/B000000001?tag=x");
  auto fetcher = Fetcher({Allow(server)});
  FetchRequest r;
  r.url = server.Url("/short");
  r.stop_before = [](const std::string& next) { return next.find("amazon.") != std::string::npos; };
  auto page = fetcher->Fetch(r);
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  EXPECT_EQ(page->final_url, "https://www.amazon.it/dp/B000000001?tag=x");
  EXPECT_TRUE(page->body.empty());
}

TEST(CurlPageFetcherTest, ClassifiesShopAnswers) {
  PageServer server;
  server.Route("/404", {.status = 404, .body = "gone"});
  server.Route("/410", {.status = 410, .body = "gone"});
  server.Route("/403", {.status = 403, .body = "no"});
  server.Route("/503", {.status = 503, .body = "busy"});
  server.Route("/500", {.status = 500, .body = "oops"});
  server.Route("/400", {.status = 400, .body = "bad"});
  server.Route("/captcha", {.body = "<html><title>Robot Check</title><form action=\"/errors/validateCaptcha\">"});
  server.Route("/image", {.headers = {{"Content-Type", "image/png"}}, .body = "\x89PNG...."});
  struct Want {
    const char* path;
    const char* code;
    ErrorKind kind;
  };
  const Want wants[] = {
      {"/404", "FETCH_NOT_FOUND", ErrorKind::kPermanent},   {"/410", "FETCH_NOT_FOUND", ErrorKind::kPermanent},
      {"/403", "FETCH_BLOCKED", ErrorKind::kTransient},     {"/503", "FETCH_BLOCKED", ErrorKind::kTransient},
      {"/500", "FETCH_UNREACHABLE", ErrorKind::kTransient}, {"/400", "FETCH_HTTP_ERROR", ErrorKind::kPermanent},
      {"/captcha", "FETCH_BLOCKED", ErrorKind::kTransient}, {"/image", "FETCH_NOT_HTML", ErrorKind::kPermanent},
  };
  auto fetcher = Fetcher({Allow(server)});
  for (const auto& w : wants) {
    auto page = Get(*fetcher, server.Url(w.path));
    ASSERT_FALSE(page.ok()) << w.path;
    EXPECT_EQ(page.error().code, w.code) << w.path;
    EXPECT_EQ(page.error().kind, w.kind) << w.path;
  }
}

TEST(CurlPageFetcherTest, BodyCapAndTimeout) {
  PageServer server;
  server.Route("/huge", {.stream_bytes = 8 * 1024 * 1024, .send_length = false});
  server.Route("/huge-declared", {.stream_bytes = 8 * 1024 * 1024});
  server.Route("/slow", {.body = kPage, .delay = std::chrono::milliseconds(30000)});
  FetchOptions o;
  o.max_bytes = 256 * 1024;
  auto fetcher = Fetcher({Allow(server)}, o);
  for (const char* path : {"/huge", "/huge-declared"}) {
    auto page = Get(*fetcher, server.Url(path));
    ASSERT_FALSE(page.ok()) << path;
    EXPECT_EQ(page.error().code, "FETCH_TOO_LARGE") << path << ": " << page.error().ToString();
  }
  FetchOptions quick;
  quick.allow = {Allow(server)};
  quick.total_timeout = std::chrono::milliseconds(300);
  auto impatient = MakeCurlPageFetcher(quick);
  ASSERT_TRUE(impatient.ok());
  auto slow = Get(**impatient, server.Url("/slow"));
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, "FETCH_TIMEOUT");
  EXPECT_EQ(slow.error().kind, ErrorKind::kTransient);
}

TEST(CurlPageFetcherTest, DecodesGzipAndConvertsCharset) {
  const std::string latin1 = "<html><body><h1>Caff\xE8</h1></body></html>";
  std::string gz(compressBound(latin1.size()) + 64, '\0');
  z_stream zs{};
  ASSERT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(latin1.data()));
  zs.avail_in = static_cast<uInt>(latin1.size());
  zs.next_out = reinterpret_cast<Bytef*>(gz.data());
  zs.avail_out = static_cast<uInt>(gz.size());
  ASSERT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  gz.resize(zs.total_out);
  deflateEnd(&zs);
  PageServer server;
  server.Route("/gz", {.headers = {{"Content-Type", "text/html; charset=ISO-8859-1"}, {"Content-Encoding", "gzip"}},
                       .body = gz});
  auto fetcher = Fetcher({Allow(server)});
  auto page = Get(*fetcher, server.Url("/gz"));
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  EXPECT_EQ(page->body, "<html><body><h1>Caffè</h1></body></html>");
  EXPECT_EQ(page->charset, "windows-1252");
}

TEST(CurlPageFetcherTest, ClosedPortIsUnreachable) {
  uint16_t port = 0;
  {
    PageServer gone;
    port = gone.port();
  }
  auto fetcher = Fetcher({"127.0.0.1:" + std::to_string(port)});
  auto page = Get(*fetcher, "http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, "FETCH_UNREACHABLE");
}

TEST(CurlPageFetcherTest, FakeFetcherAnswersFromItsTable) {
  FakePageFetcher fake;
  fake.Add("https://shop.example/p", FetchedPage{.final_url = "https://shop.example/p", .status = 200, .body = "x"});
  fake.Add("https://shop.example/down", Error::Transient("FETCH_TIMEOUT", "slow"));
  EXPECT_TRUE(fake.Fetch({.url = "https://shop.example/p"}).ok());
  EXPECT_EQ(fake.Fetch({.url = "https://shop.example/down"}).error().code, "FETCH_TIMEOUT");
  EXPECT_EQ(fake.Fetch({.url = "https://shop.example/none"}).error().code, "FETCH_NOT_FOUND");
  EXPECT_EQ(fake.requests().size(), 3u);
}

}  // namespace
}  // namespace worthit::analysis::fetch

namespace worthit::analysis::fetch {
namespace {

TEST(CurlPageFetcherMetricsTest, CountsOutcomes) {
  auto& counter =
      metrics::Registry::Global().GetCounter("worthit_fetch_total", "", {{"outcome", "FETCH_FORBIDDEN_ADDRESS"}});
  const double before = counter.Value();
  PageServer server;
  auto fetcher = MakeCurlPageFetcher({});
  ASSERT_TRUE(fetcher.ok());
  FetchRequest r;
  r.url = server.Url("/");
  EXPECT_FALSE((*fetcher)->Fetch(r).ok());
  EXPECT_EQ(counter.Value(), before + 1);
  EXPECT_EQ(server.RequestCount(), 0u);
}

}  // namespace
}  // namespace worthit::analysis::fetch

namespace worthit::analysis::fetch {
namespace {

TEST(CurlPageFetcherExtraTest, RetryAfterAndMetaCharset) {
  PageServer server;
  server.Route("/busy", {.status = 429, .headers = {{"Retry-After", "30"}}, .body = "slow down"});
  server.Route("/latin",
               {.headers = {{"Content-Type", "text/html"}},
                .body = "<html><head><meta charset=\"iso-8859-1\"></head><body>Perch\xE9 s\xEC</body></html>"});
  FetchOptions o;
  o.allow = {"127.0.0.1:" + std::to_string(server.port())};
  auto fetcher = MakeCurlPageFetcher(o);
  ASSERT_TRUE(fetcher.ok());
  FetchRequest r;
  r.url = server.Url("/busy");
  auto busy = (*fetcher)->Fetch(r);
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, "FETCH_BLOCKED");
  EXPECT_EQ(busy.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(busy.error().retry_after, std::chrono::seconds(30));
  r.url = server.Url("/latin");
  auto latin = (*fetcher)->Fetch(r);
  ASSERT_TRUE(latin.ok()) << latin.error().ToString();
  EXPECT_NE(latin->body.find("Perché sì"), std::string::npos);
  EXPECT_EQ(latin->charset, "windows-1252");
}

}  // namespace
}  // namespace worthit::analysis::fetch
