// The CONNECT test proxy (see tunnel_proxy.h).
#include "support/tunnel_proxy.h"

#include "support/sock_io.h"

namespace greet_test
{

TunnelProxy::TunnelProxy()
{
    gp_addr addr;
    size_t count = 0;
    if (gp_net_init() != GREET_OK) {
        return;
    }
    if (gp_resolve("127.0.0.1", 0, GP_AF_INET4, 1, &addr, 1, &count) != GREET_OK ||
        gp_sock_listen(&addr, 16, &listener_) != GREET_OK) {
        listener_ = GP_SOCKET_INVALID;
        return;
    }
    gp_addr bound;
    if (gp_sock_local_addr(listener_, &bound) == GREET_OK) {
        port_ = gp_addr_port(&bound);
    }
    thread_ = std::thread(
        [this] { serve_in_turn(listener_, stop_, [this](gp_socket s) { serve_one(s); }); });
}

TunnelProxy::~TunnelProxy()
{
    stop_ = true;
    if (thread_.joinable()) {
        thread_.join();
    }
    gp_sock_close(listener_);
    gp_net_fini();
}

std::string TunnelProxy::url() const
{
    return "http://127.0.0.1:" + std::to_string(port_);
}

void TunnelProxy::refuse_with(const std::string &bytes)
{
    std::lock_guard<std::mutex> lock(mu_);
    refuse_ = true;
    refusal_ = bytes;
}

std::vector<std::string> TunnelProxy::requests()
{
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
}

// Reads byte by byte, so that nothing after the head (the client's TLS hello) is taken.
bool TunnelProxy::read_head(gp_socket s, std::string &head)
{
    while (!stop_ && head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
        if (gp_sock_wait(s, GP_WAIT_READ, gp_deadline_in(50)) != GREET_OK) {
            continue;
        }
        char c;
        size_t got = 0;
        if (gp_sock_recv(s, &c, 1, &got) != GREET_OK || got == 0) {
            return false;
        }
        head.push_back(c);
    }
    return head.find("\r\n\r\n") != std::string::npos;
}

void TunnelProxy::serve_one(gp_socket s)
{
    std::string head;
    if (!read_head(s, head)) {
        return;
    }
    bool refuse;
    std::string refusal;
    {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(head);
        refuse = refuse_;
        refusal = refusal_;
    }
    if (refuse) {
        gp_sock_send_all(s, refusal.data(), refusal.size());
        return;
    }
    // "CONNECT host:port HTTP/1.1": only loopback targets, by their port.
    size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
    std::string target = head.substr(sp1 + 1, sp2 - sp1 - 1);
    uint16_t port = static_cast<uint16_t>(std::stoi(target.substr(target.rfind(':') + 1)));
    gp_addr addr;
    size_t count = 0;
    gp_socket up = GP_SOCKET_INVALID;
    if (head.compare(0, 8, "CONNECT ") != 0 ||
        gp_resolve("127.0.0.1", port, GP_AF_INET4, 1, &addr, 1, &count) != GREET_OK ||
        gp_sock_connect(&addr, gp_deadline_in(5000), &up) != GREET_OK) {
        static const char bad[] = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
        gp_sock_send_all(s, bad, sizeof bad - 1);
        return;
    }
    static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
    if (gp_sock_send_all(s, ok, sizeof ok - 1) == GREET_OK) {
        splice(s, up, stop_);
    }
    gp_sock_close(up);
}

} // namespace greet_test
