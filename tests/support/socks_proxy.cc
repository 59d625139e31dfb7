// The SOCKS test proxy (see socks_proxy.h).
#include "support/socks_proxy.h"

#include <algorithm>
#include <cstdio>

#include "support/sock_io.h"

namespace greet_test
{

namespace
{
constexpr int kIoMs = 10000; // a client that stops mid-handshake cannot hold the proxy longer

bool send_bytes(gp_socket s, const std::string &bytes)
{
    return gp_sock_send_all(s, bytes.data(), bytes.size()) == GREET_OK;
}

// One byte, or -1 at the end.
int recv_byte(gp_socket s)
{
    std::string b = recv_exact(s, 1);
    return b.size() == 1 ? static_cast<unsigned char>(b[0]) : -1;
}

// A NUL-terminated string (SOCKS4a's user id and name), without its NUL; false when cut short.
bool recv_string(gp_socket s, std::string &out)
{
    for (int c; (c = recv_byte(s)) > 0 && out.size() < 1024;) {
        out.push_back(static_cast<char>(c));
    }
    return out.size() < 1024;
}

std::string address_text(const std::string &raw)
{
    char text[64];
    const unsigned char *b = reinterpret_cast<const unsigned char *>(raw.data());
    if (raw.size() == 4) {
        std::snprintf(text, sizeof text, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    } else {
        std::snprintf(text, sizeof text, "%x:%x:%x:%x:%x:%x:%x:%x", b[0] << 8 | b[1],
                      b[2] << 8 | b[3], b[4] << 8 | b[5], b[6] << 8 | b[7], b[8] << 8 | b[9],
                      b[10] << 8 | b[11], b[12] << 8 | b[13], b[14] << 8 | b[15]);
    }
    return text;
}

uint16_t port_of(const std::string &two)
{
    return two.size() == 2 ? static_cast<uint16_t>(static_cast<unsigned char>(two[0]) << 8 |
                                                   static_cast<unsigned char>(two[1]))
                           : 0;
}
} // namespace

SocksProxy::SocksProxy()
{
    if (gp_net_init() != GREET_OK) {
        return;
    }
    listener_ = listen_loopback(false, &port_);
    if (listener_ != GP_SOCKET_INVALID) {
        thread_ = std::thread([this] {
            serve_in_turn(
                listener_, stop_, [this](gp_socket s) { serve_one(s); }, &concurrent_);
        });
    }
}

SocksProxy::~SocksProxy()
{
    stop_ = true;
    if (thread_.joinable()) {
        thread_.join();
    }
    gp_sock_close(listener_);
    gp_net_fini();
}

std::string SocksProxy::url(const std::string &scheme, const std::string &userinfo) const
{
    return scheme + "://" + (userinfo.empty() ? "" : userinfo + "@") +
           "127.0.0.1:" + std::to_string(port_);
}

void SocksProxy::require_login(const std::string &user, const std::string &password)
{
    std::lock_guard<std::mutex> lock(mu_);
    login_ = true;
    user_ = user;
    password_ = password;
}

void SocksProxy::refuse_with(int code)
{
    std::lock_guard<std::mutex> lock(mu_);
    refuse_ = code;
}

void SocksProxy::cut(Stage stage, const std::string &bytes, bool hold)
{
    std::lock_guard<std::mutex> lock(mu_);
    cut_set_ = true;
    cut_stage_ = stage;
    cut_bytes_ = bytes;
    hold_ = hold;
}

std::vector<SocksProxy::Request> SocksProxy::requests()
{
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
}

void SocksProxy::serve_one(gp_socket s)
{
    gp_sock_set_timeouts(s, kIoMs, kIoMs);
    int version = recv_byte(s);
    size_t id;
    {
        std::lock_guard<std::mutex> lock(mu_);
        id = requests_.size();
        requests_.emplace_back();
        requests_.back().version = version;
    }
    if (version == 5) {
        serve_socks5(s, id);
    } else if (version == 4) {
        serve_socks4a(s, id);
    }
}

// Sends the scripted bytes when the cut is at stage (then closes, or holds until the client
// leaves); true when it was.
bool SocksProxy::cut_here(gp_socket s, Stage stage)
{
    std::string bytes;
    bool hold;
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (!cut_set_ || cut_stage_ != stage) {
            return false;
        }
        bytes = cut_bytes_;
        hold = hold_;
    }
    send_bytes(s, bytes);
    while (hold && !stop_) {
        if (gp_sock_wait(s, GP_WAIT_READ, gp_deadline_in(50)) == GREET_OK) {
            char c;
            size_t got = 0;
            if (gp_sock_recv(s, &c, 1, &got) != GREET_OK || got == 0) {
                break; // the client left
            }
        }
    }
    return true;
}

bool SocksProxy::serve_socks5(gp_socket s, size_t id)
{
    int n = recv_byte(s);
    std::string methods = n > 0 ? recv_exact(s, static_cast<size_t>(n)) : "";
    update(id, [&](Request &r) { r.methods.assign(methods.begin(), methods.end()); });
    if (n <= 0 || cut_here(s, Stage::Greeting)) {
        return false;
    }
    bool login;
    std::string user, password;
    {
        std::lock_guard<std::mutex> lock(mu_);
        login = login_;
        user = user_;
        password = password_;
    }
    unsigned char want = login ? 2 : 0;
    bool offered = methods.find(static_cast<char>(want)) != std::string::npos;
    if (!send_bytes(s, std::string("\x05") + static_cast<char>(offered ? want : 0xff)) ||
        !offered) {
        return false;
    }
    if (login) {
        recv_byte(s); // the sub-negotiation's version
        std::string u = recv_exact(s, static_cast<size_t>(std::max(recv_byte(s), 0)));
        std::string p = recv_exact(s, static_cast<size_t>(std::max(recv_byte(s), 0)));
        update(id, [&](Request &r) {
            r.login = true;
            r.user = u;
            r.password = p;
        });
        if (cut_here(s, Stage::Login)) {
            return false;
        }
        bool good = u == user && p == password;
        if (!send_bytes(s, std::string("\x01") + (good ? '\0' : '\x01')) || !good) {
            return false;
        }
    }
    std::string head = recv_exact(s, 4);
    if (head.size() != 4 || !read_target(s, id, static_cast<unsigned char>(head[3])) ||
        cut_here(s, Stage::Request)) {
        return false;
    }
    connect_and_splice(s, id, true);
    return true;
}

bool SocksProxy::read_target(gp_socket s, size_t id, int atyp)
{
    std::string host;
    if (atyp == 1 || atyp == 4) {
        std::string raw = recv_exact(s, atyp == 1 ? 4 : 16);
        if (raw.size() != (atyp == 1 ? 4u : 16u)) {
            return false;
        }
        host = address_text(raw);
    } else if (atyp == 3) {
        int len = recv_byte(s);
        host = len > 0 ? recv_exact(s, static_cast<size_t>(len)) : "";
    } else {
        return false;
    }
    uint16_t port = port_of(recv_exact(s, 2));
    update(id, [&](Request &r) {
        r.atyp = atyp;
        r.host = host;
        r.port = port;
    });
    return port != 0;
}

bool SocksProxy::serve_socks4a(gp_socket s, size_t id)
{
    std::string head = recv_exact(s, 7); // CD, DSTPORT, DSTIP
    std::string user, host;
    if (head.size() != 7 || !recv_string(s, user)) {
        return false;
    }
    const unsigned char *ip = reinterpret_cast<const unsigned char *>(head.data()) + 3;
    bool by_name = ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0;
    if (by_name && !recv_string(s, host)) {
        return false;
    }
    uint16_t port = port_of(head.substr(1, 2));
    std::string address = address_text(head.substr(3, 4));
    update(id, [&](Request &r) {
        r.user = user;
        r.atyp = by_name ? 3 : 1;
        r.host = by_name ? host : address;
        r.port = port;
    });
    if (cut_here(s, Stage::Request)) {
        return false;
    }
    connect_and_splice(s, id, false);
    return true;
}

// Connects to the recorded target (a name as 127.0.0.1), answers and splices; a refusal, or a
// target that does not answer, gets the reply code instead.
void SocksProxy::connect_and_splice(gp_socket s, size_t id, bool socks5)
{
    Request r;
    int refuse;
    {
        std::lock_guard<std::mutex> lock(mu_);
        r = requests_[id];
        refuse = refuse_;
    }
    gp_addr addr;
    size_t count = 0;
    gp_socket up = GP_SOCKET_INVALID;
    if (refuse == 0 && (gp_resolve(r.atyp == 3 ? "127.0.0.1" : r.host.c_str(), r.port, GP_AF_ANY, 1,
                                   &addr, 1, &count) != GREET_OK ||
                        gp_sock_connect(&addr, gp_deadline_in(5000), &up) != GREET_OK)) {
        refuse = socks5 ? 5 : 91;
    }
    std::string reply = socks5 ? std::string("\x05\0\0\x01\x7f\0\0\x01\0\0", 10)
                               : std::string("\0\x5a\0\0\x7f\0\0\x01", 8);
    if (refuse != 0) {
        reply[1] = static_cast<char>(refuse);
    }
    if (send_bytes(s, reply) && refuse == 0) {
        splice(s, up, stop_);
    }
    gp_sock_close(up);
}

} // namespace greet_test
