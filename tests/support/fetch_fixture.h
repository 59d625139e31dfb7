// The fixture of the library-level fetch tests (tests/lib/fetch*_test.cc): the scripted
// in-process server, options with a time limit so that no test can hang the suite, and a sink
// that keeps what the engine gives it.
#ifndef GREET_TESTS_SUPPORT_FETCH_FIXTURE_H
#define GREET_TESTS_SUPPORT_FETCH_FIXTURE_H

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gp.h"
#include "greet/fetch.h"
#include "support/http_server.h"

namespace greet_test
{

// A sink that keeps what it is given (or only a hash of the body, for big ones), and can fail
// the body or stop the transfer from on_progress.
struct FetchCollector {
    bool keep_body = true;
    std::string body;
    Fnv hash;
    uint64_t size = 0;
    std::vector<std::string> heads;
    std::vector<std::string> urls;
    std::vector<int> redirecting;
    std::string request;
    int fail_body_with = GREET_OK;
    uint64_t cancel_at = 0; // a gp_clock_ms time after which on_progress stops the fetch
    int progress_calls = 0;

    greet_fetch_sink sink()
    {
        greet_fetch_sink s;
        greet_fetch_sink_init(&s);
        s.ctx = this;
        s.on_request = on_request;
        s.on_response = on_response;
        s.on_body = on_body;
        s.on_progress = on_progress;
        return s;
    }
    static void on_request(void *ctx, const char *head, size_t len)
    {
        static_cast<FetchCollector *>(ctx)->request.append(head, len);
    }
    static int on_response(void *ctx, const greet_fetch_response *r)
    {
        auto *c = static_cast<FetchCollector *>(ctx);
        c->heads.emplace_back(r->head, r->head_len);
        c->urls.emplace_back(r->url);
        c->redirecting.push_back(r->redirecting);
        return GREET_OK;
    }
    static int on_body(void *ctx, const void *data, size_t len)
    {
        auto *c = static_cast<FetchCollector *>(ctx);
        if (c->fail_body_with != GREET_OK) {
            return c->fail_body_with;
        }
        if (c->keep_body) {
            c->body.append(static_cast<const char *>(data), len);
        }
        c->hash.add(data, len);
        c->size += len;
        return GREET_OK;
    }
    static int on_progress(void *ctx, const greet_fetch_progress *)
    {
        auto *c = static_cast<FetchCollector *>(ctx);
        c->progress_calls++;
        return c->cancel_at && gp_clock_ms() >= c->cancel_at ? GREET_ECANCELED : GREET_OK;
    }
};

class FetchFixture : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.ok());
        greet_fetch_options_init(&opt);
        greet_fetch_result_init(&result);
        opt.max_time_ms = 20000; // no test may hang the suite
    }
    // Fetches the server's target into got; took_ms is how long it took.
    int fetch(const std::string &target)
    {
        return fetch_url(server.url(target));
    }
    int fetch_url(const std::string &url)
    {
        greet_fetch_sink s = got.sink();
        uint64_t t0 = gp_clock_ms();
        int rc = greet_fetch(url.c_str(), &opt, &s, &result);
        took_ms = gp_clock_ms() - t0;
        return rc;
    }

    HttpServer server;
    greet_fetch_options opt;
    greet_fetch_result result;
    FetchCollector got;
    uint64_t took_ms = 0;
};

} // namespace greet_test

#endif
