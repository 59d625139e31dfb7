// The scripted test HTTP server (see http_server.h).
#include "support/http_server.h"
#include "support/sock_io.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace greet_test
{

namespace
{
constexpr int kSliceMs = 50;          // how often blocked loops look at the stop flag
constexpr int kSendTimeoutMs = 20000; // a client that stops reading cannot hang the server
constexpr size_t kHeadLimit = 64 * 1024;
} // namespace

void GeneratedBody::fill(unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        // xorshift64: cheap, and no short period that a misplaced block could hide in.
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        buf[i] = static_cast<unsigned char>(state_ >> 24);
    }
}

uint64_t GeneratedBody::hash_of(uint64_t size)
{
    GeneratedBody g;
    Fnv h;
    std::vector<unsigned char> buf(64 * 1024);
    while (size > 0) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(size, buf.size()));
        g.fill(buf.data(), n);
        h.add(buf.data(), n);
        size -= n;
    }
    return h.value();
}

void Fnv::add(const void *data, size_t n)
{
    const unsigned char *p = static_cast<const unsigned char *>(data);
    for (size_t i = 0; i < n; i++) {
        h_ = (h_ ^ p[i]) * 1099511628211u;
    }
}

Reply raw_reply(const std::string &bytes)
{
    Reply r;
    r.bytes = bytes;
    return r;
}

Reply held_reply(const std::string &bytes)
{
    Reply r = raw_reply(bytes);
    r.hold = true;
    return r;
}

Reply ok_reply(const std::string &body, const std::string &extra_headers)
{
    Reply r;
    r.bytes = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
              extra_headers + "\r\n" + body;
    return r;
}

Reply redirect_reply(int status, const std::string &location)
{
    Reply r;
    r.bytes = "HTTP/1.1 " + std::to_string(status) + " Moved\r\nLocation: " + location +
              "\r\nContent-Length: 7\r\n\r\nmoved!\n";
    return r;
}

HttpServer::HttpServer(bool ipv6) : ipv6_(ipv6)
{
    if (gp_net_init() != GREET_OK) {
        return;
    }
    listener_ = listen_loopback(ipv6, &port_);
    if (listener_ == GP_SOCKET_INVALID) {
        return;
    }
    thread_ = std::thread([this] { serve(); });
}

HttpServer::~HttpServer()
{
    stop_ = true;
    if (thread_.joinable()) {
        thread_.join();
    }
    for (auto &t : conn_threads_) {
        t.join();
    }
    gp_sock_close(listener_);
    gp_net_fini();
}

void HttpServer::on(const std::string &target, const Reply &reply)
{
    on(target, std::vector<Reply>{reply});
}

void HttpServer::on(const std::string &target, const std::vector<Reply> &replies)
{
    std::lock_guard<std::mutex> lock(mu_);
    replies_[target] = replies;
}

std::string HttpServer::url(const std::string &target) const
{
    return std::string(ipv6_ ? "http://[::1]:" : "http://127.0.0.1:") + std::to_string(port_) +
           target;
}

std::vector<std::string> HttpServer::requests()
{
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
}

void HttpServer::serve()
{
    while (!stop_) {
        if (gp_sock_wait(listener_, GP_WAIT_READ, gp_deadline_in(kSliceMs)) != GREET_OK) {
            continue;
        }
        gp_socket s = GP_SOCKET_INVALID;
        if (gp_sock_accept(listener_, 0, &s, nullptr) != GREET_OK) {
            continue;
        }
        accepted_++;
        if (concurrent_) {
            conn_threads_.emplace_back([this, s] { serve_conn(s); });
        } else {
            serve_conn(s);
        }
    }
}

void HttpServer::serve_conn(gp_socket s)
{
    int now = ++active_;
    int seen = max_active_;
    while (now > seen && !max_active_.compare_exchange_weak(seen, now)) {
    }
    gp_sock_set_timeouts(s, 0, kSendTimeoutMs);
    std::string pending; // bytes read past the last request's head
    while (serve_one(s, pending) && keep_alive_ && !stop_) {
    }
    gp_sock_close(s);
    active_--;
}

// Reads one request head from buf and the socket (buf keeps what comes after it).
bool HttpServer::read_head(gp_socket s, std::string &buf, std::string &head)
{
    char chunk[4096];
    while (!stop_ && buf.find("\r\n\r\n") == std::string::npos && buf.size() < kHeadLimit) {
        if (gp_sock_wait(s, GP_WAIT_READ, gp_deadline_in(kSliceMs)) != GREET_OK) {
            continue;
        }
        size_t got = 0;
        if (gp_sock_recv(s, chunk, sizeof chunk, &got) != GREET_OK || got == 0) {
            return false;
        }
        buf.append(chunk, got);
    }
    size_t end = buf.find("\r\n\r\n");
    if (end == std::string::npos) {
        return false;
    }
    head = buf.substr(0, end + 4);
    buf.erase(0, end + 4);
    return true;
}

// Answers one request; false when the connection must end (closed, or the reply said so).
bool HttpServer::serve_one(gp_socket s, std::string &pending)
{
    std::string head;
    if (!read_head(s, pending, head)) {
        return false;
    }
    // The target is the request line's second word.
    size_t sp1 = head.find(' ');
    size_t sp2 = head.find(' ', sp1 + 1);
    std::string target = head.substr(sp1 + 1, sp2 - sp1 - 1);
    Reply reply;
    {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(head);
        auto it = replies_.find(target);
        if (it != replies_.end() && !it->second.empty()) {
            reply = it->second.front();
            if (it->second.size() > 1) {
                it->second.erase(it->second.begin());
            }
        } else {
            reply.bytes = "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nnot found\n";
        }
    }
    if (reply.delay_ms > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(reply.delay_ms));
    }
    return send_reply(s, reply) && !reply.hold && !reply.close;
}

bool HttpServer::send_reply(gp_socket s, const Reply &r)
{
    size_t piece = r.piece > 0 ? r.piece : r.bytes.size();
    for (size_t at = 0; at < r.bytes.size() && !stop_; at += piece) {
        size_t n = std::min(piece, r.bytes.size() - at);
        if (gp_sock_send_all(s, r.bytes.data() + at, n) != GREET_OK) {
            return false;
        }
    }
    GeneratedBody gen;
    std::vector<unsigned char> buf(64 * 1024);
    for (uint64_t left = r.generated; left > 0 && !stop_;) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(left, buf.size()));
        gen.fill(buf.data(), n);
        if (gp_sock_send_all(s, buf.data(), n) != GREET_OK) {
            return false;
        }
        left -= n;
    }
    if (r.hold) {
        hold(s);
    }
    return true;
}

// Stays silent until the client closes (recv gives 0 or an error) or the server stops.
void HttpServer::hold(gp_socket s)
{
    char buf[256];
    while (!stop_) {
        if (gp_sock_wait(s, GP_WAIT_READ, gp_deadline_in(kSliceMs)) != GREET_OK) {
            continue;
        }
        size_t got = 0;
        if (gp_sock_recv(s, buf, sizeof buf, &got) != GREET_OK || got == 0) {
            return;
        }
    }
}

} // namespace greet_test
