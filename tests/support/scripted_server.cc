#include "support/scripted_server.h"

#include "support/sock_io.h"

namespace greet_test
{

namespace
{
constexpr int kSliceMs = 50; // how often the accept loop looks at stop_
}

ScriptedServer::ScriptedServer(Script script) : script_(std::move(script))
{
    if (gp_net_init() != GREET_OK) {
        return;
    }
    listener_ = listen_loopback(false, &port_);
    if (listener_ == GP_SOCKET_INVALID) {
        return;
    }
    thread_ = std::thread([this] { serve(); });
}

ScriptedServer::~ScriptedServer()
{
    stop_ = true;
    if (thread_.joinable()) {
        thread_.join();
    }
    gp_sock_close(listener_);
    gp_net_fini();
}

void ScriptedServer::serve()
{
    while (!stop_) {
        if (gp_sock_wait(listener_, GP_WAIT_READ, gp_deadline_in(kSliceMs)) != GREET_OK) {
            continue;
        }
        gp_socket s = GP_SOCKET_INVALID;
        if (gp_sock_accept(listener_, 0, &s, nullptr) == GREET_OK) {
            gp_sock_set_nodelay(s, 1);
            script_(s);
            gp_sock_close(s);
        }
    }
}

bool script_send(gp_socket s, const std::string &bytes, int gap_ms)
{
    if (gap_ms <= 0) {
        return gp_sock_send_all(s, bytes.data(), bytes.size()) == GREET_OK;
    }
    for (size_t i = 0; i < bytes.size(); i++) {
        if (i > 0) {
            gp_sleep_ms(gap_ms);
        }
        if (gp_sock_send_all(s, bytes.data() + i, 1) != GREET_OK) {
            return false;
        }
    }
    return true;
}

std::string script_recv(gp_socket s)
{
    char buf[1024];
    size_t got = 0;
    if (gp_sock_wait(s, GP_WAIT_READ, gp_deadline_in(10000)) != GREET_OK ||
        gp_sock_recv(s, buf, sizeof buf, &got) != GREET_OK) {
        return "";
    }
    return std::string(buf, got);
}

} // namespace greet_test
