// An in-process greet server on a loopback port 0 for tests, with its log lines collected so a
// test can wait for "connection from ... closed" instead of sleeping.
#ifndef GREET_TESTS_SUPPORT_GREET_SERVER_FIXTURE_H
#define GREET_TESTS_SUPPORT_GREET_SERVER_FIXTURE_H

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "greet/client.h"
#include "greet/server.h"

namespace greet_test
{

// Collects log lines from the server's threads.
class LogSink
{
  public:
    static void callback(void *user, int level, const char *message)
    {
        (void)level;
        auto *self = static_cast<LogSink *>(user);
        std::lock_guard<std::mutex> lock(self->m_);
        self->lines_.emplace_back(message);
        self->cv_.notify_all();
    }

    // Waits until at least count lines contain text; true when they do.
    bool wait_for(const std::string &text, size_t count = 1, int timeout_ms = 30000)
    {
        std::unique_lock<std::mutex> lock(m_);
        return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                            [&] { return count_locked(text) >= count; });
    }

    size_t count(const std::string &text)
    {
        std::lock_guard<std::mutex> lock(m_);
        return count_locked(text);
    }

    std::string all()
    {
        std::lock_guard<std::mutex> lock(m_);
        std::string s;
        for (const auto &l : lines_) {
            s += l + "\n";
        }
        return s;
    }

  private:
    size_t count_locked(const std::string &text) const
    {
        size_t n = 0;
        for (const auto &l : lines_) {
            n += l.find(text) != std::string::npos;
        }
        return n;
    }

    std::mutex m_;
    std::condition_variable cv_;
    std::vector<std::string> lines_;
};

// The server models every server test runs against (value-parameterised tests), and their
// names as --model takes them. A new model is added here once and every suite covers it.
inline std::vector<int> server_models()
{
    return {GREET_SERVER_THREADS, GREET_SERVER_EVENTS, GREET_SERVER_PROCESSES};
}

inline std::string model_name(int model)
{
    return model == GREET_SERVER_THREADS  ? "threads"
           : model == GREET_SERVER_EVENTS ? "events"
                                          : "processes";
}

// For INSTANTIATE_TEST_SUITE_P: "Server.Greets/events" instead of ".../1".
struct ModelName {
    std::string operator()(const ::testing::TestParamInfo<int> &info) const
    {
        return model_name(info.param);
    }
};

// Owns one running server; stop() may be called early, the destructor stops it otherwise.
class TestServer
{
  public:
    explicit TestServer(int model = GREET_SERVER_DEFAULT)
    {
        greet_server_config_init(&cfg);
        cfg.model = model;
        cfg.bind = "127.0.0.1";
        cfg.port = 0;
        cfg.log = LogSink::callback;
        cfg.log_user = &log;
        cfg.log_level = GREET_LOG_DEBUG;
    }
    ~TestServer()
    {
        stop();
    }
    TestServer(const TestServer &) = delete;
    TestServer &operator=(const TestServer &) = delete;

    int start()
    {
        return greet_server_start(&cfg, &srv);
    }
    void stop()
    {
        greet_server_stop(srv);
        srv = nullptr;
    }
    unsigned port() const
    {
        return greet_server_port(srv);
    }

    greet_server_config cfg;
    greet_server *srv = nullptr;
    LogSink log;
};

// A connected client, closed by the destructor.
struct ClientPtr {
    greet_client *c = nullptr;
    ~ClientPtr()
    {
        greet_client_close(c);
    }
};

// Connects to 127.0.0.1:port and returns the client, or fails the test.
inline int connect_local(unsigned port, ClientPtr &out, const char *host = "127.0.0.1")
{
    // Generous: under Wine on a loaded machine 200 clients take many seconds to be served.
    return greet_client_connect(host, port, GREET_FAMILY_ANY, 60000, &out.c);
}

// Receives until exactly n bytes arrived (replies may come in more than one receive).
inline int recv_exact(greet_client *c, size_t n, std::string &out)
{
    out.clear();
    while (out.size() < n) {
        char buf[2048];
        size_t got = 0;
        size_t want = n - out.size() < sizeof buf ? n - out.size() : sizeof buf;
        int rc = greet_client_recv(c, buf, want, &got);
        if (rc != GREET_OK) {
            return rc;
        }
        out.append(buf, got);
    }
    return GREET_OK;
}

// Reads the greeting line ("hello world!\n" by default).
inline std::string read_greeting(greet_client *c, size_t len = sizeof GREET_DEFAULT_GREETING)
{
    std::string g;
    EXPECT_EQ(recv_exact(c, len, g), GREET_OK);
    return g;
}

inline std::string recv_line(greet_client *c)
{
    char buf[8192];
    size_t got = 0;
    int rc = greet_client_recv_line(c, buf, sizeof buf, &got);
    return rc == GREET_OK ? std::string(buf, got) : "<" + std::string(greet_errname(rc)) + ">";
}

} // namespace greet_test

#endif
