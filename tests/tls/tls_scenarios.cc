// The scenarios both TLS test servers serve (see tls_server.h).
#include "tls/tls_server.h"

const char kTlsReply[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
const char kTlsChunkedReply[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
const char kTlsLargeHead[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";

std::string tls_fixture(const std::string &name)
{
    return std::string(GREET_SOURCE_DIR) + "/tests/data/tls/" + name;
}

std::string tls_large_body()
{
    std::string body(3 * 1024 * 1024 + 17, '\0');
    for (size_t i = 0; i < body.size(); i++) {
        body[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
    }
    return body;
}

std::string tls_scenario_reply(const std::string &path)
{
    if (path == "/reply" || path == "/abrupt") {
        return kTlsReply;
    }
    if (path == "/short-abrupt") {
        return "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello";
    }
    if (path == "/chunked") {
        return kTlsChunkedReply;
    }
    if (path.rfind("/to-http/", 0) == 0) {
        return "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:" + path.substr(9) +
               "/end\r\nContent-Length: 0\r\n\r\n";
    }
    if (path == "/large") {
        return kTlsLargeHead + tls_large_body();
    }
    return "";
}
