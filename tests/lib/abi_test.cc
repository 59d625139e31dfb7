// The ABI rule for the structs a program allocates (docs/architecture.md): each starts with its
// size, set by its _init function; the library refuses one that was not set up, refuses one from
// newer headers, and gives defaults to the members an older program did not know.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "greet/client.h"
#include "greet/fetch.h"
#include "greet/http.h"
#include "greet/server.h"
#include "greet/url.h"

namespace
{

TEST(Abi, InitSetsTheSize)
{
    greet_server_config cfg;
    greet_server_stats st;
    greet_fetch_options opt;
    greet_fetch_sink sink;
    greet_fetch_result res;
    greet_http_callbacks cb;

    greet_server_config_init(&cfg);
    greet_server_stats_init(&st);
    greet_fetch_options_init(&opt);
    greet_fetch_sink_init(&sink);
    greet_fetch_result_init(&res);
    greet_http_callbacks_init(&cb);
    EXPECT_EQ(cfg.size, sizeof cfg);
    EXPECT_EQ(st.size, sizeof st);
    EXPECT_EQ(opt.size, sizeof opt);
    EXPECT_EQ(sink.size, sizeof sink);
    EXPECT_EQ(res.size, sizeof res);
    EXPECT_EQ(cb.size, sizeof cb);
}

TEST(Abi, ConfigNotSetUpByInitIsRefused)
{
    greet_server_config cfg;
    std::memset(&cfg, 0, sizeof cfg);
    greet_server *srv = nullptr;
    EXPECT_EQ(greet_server_start(&cfg, &srv), GREET_EINVAL);
    EXPECT_EQ(srv, nullptr);

    greet_fetch_options opt;
    std::memset(&opt, 0, sizeof opt);
    greet_fetch_result res;
    greet_fetch_result_init(&res);
    EXPECT_EQ(greet_fetch("http://127.0.0.1:1/", &opt, nullptr, &res), GREET_EINVAL);

    greet_http_callbacks cb{};
    greet_http_parser *p = nullptr;
    EXPECT_EQ(greet_http_parser_new(&p, &cb, nullptr, 0), GREET_EINVAL);
    EXPECT_EQ(p, nullptr);
}

TEST(Abi, StructFromNewerHeadersIsUnsupported)
{
    // A program built against a later greet_server_config, with a member this library lacks.
    struct newer {
        greet_server_config cfg;
        int added_later;
    } n;
    greet_server_config_init(&n.cfg);
    n.cfg.size = sizeof n;
    n.added_later = 1;
    greet_server *srv = nullptr;
    EXPECT_EQ(greet_server_start(&n.cfg, &srv), GREET_EUNSUPPORTED);
}

TEST(Abi, OlderProgramGetsDefaultsForWhatItDidNotKnow)
{
    // An older program's config ended before `model`: whatever lies beyond its size is not
    // read, so garbage there must not matter.
    greet_server_config cfg;
    greet_server_config_init(&cfg);
    cfg.size = offsetof(greet_server_config, model);
    cfg.bind = "127.0.0.1";
    cfg.port = 0;
    cfg.model = 12345;
    cfg.workers = -7;
    greet_server *srv = nullptr;
    ASSERT_EQ(greet_server_start(&cfg, &srv), GREET_OK);
    EXPECT_NE(greet_server_port(srv), 0u);

    // Output structs too: only the first size bytes of the program's struct are written.
    struct {
        greet_server_stats st;
        unsigned char guard[8];
    } out;
    std::memset(&out, 0xAB, sizeof out);
    out.st.size = offsetof(greet_server_stats, accepted);
    EXPECT_EQ(greet_server_stats_get(srv, &out.st), GREET_OK);
    EXPECT_EQ(out.st.active, 0);
    unsigned char untouched[sizeof out.st.accepted];
    std::memset(untouched, 0xAB, sizeof untouched);
    EXPECT_EQ(std::memcmp(&out.st.accepted, untouched, sizeof untouched), 0);
    greet_server_stop(srv);
}

TEST(Abi, FamilyOutsideTheEnumIsInvalid)
{
    greet_client *c = nullptr;
    EXPECT_EQ(greet_client_connect("127.0.0.1", 1, 5, 1000, &c), GREET_EINVAL);
    EXPECT_EQ(c, nullptr);

    greet_fetch_options opt;
    greet_fetch_options_init(&opt);
    opt.family = 5;
    greet_fetch_result res;
    greet_fetch_result_init(&res);
    EXPECT_EQ(greet_fetch("http://127.0.0.1:1/", &opt, nullptr, &res), GREET_EINVAL);
    EXPECT_NE(std::string(res.message).find("address family 5"), std::string::npos) << res.message;
}

TEST(Abi, UrlIsAnObjectReadThroughAccessors)
{
    greet_url *u = nullptr;
    ASSERT_EQ(greet_url_new(&u), GREET_OK);
    EXPECT_STREQ(greet_url_reason(u), "");
    EXPECT_EQ(greet_url_parse("ftp://example.com/", u), GREET_EUNSUPPORTED);
    EXPECT_STRNE(greet_url_reason(u), "");
    ASSERT_EQ(greet_url_parse("HTTPS://Example.com/a/b?c=d#frag", u), GREET_OK);
    EXPECT_STREQ(greet_url_reason(u), "");
    EXPECT_STREQ(greet_url_scheme(u), "https");
    EXPECT_STREQ(greet_url_host(u), "example.com");
    EXPECT_STREQ(greet_url_target(u), "/a/b?c=d");
    EXPECT_EQ(greet_url_port(u), 443u);
    greet_url_free(u);
    greet_url_free(nullptr);
}

} // namespace
