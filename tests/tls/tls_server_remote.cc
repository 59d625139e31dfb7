// The TLS test server for builds without OpenSSL (the mingw build under Wine): the servers run
// natively as tls_server.py, started by a ctest fixture that writes "CERT PORT" lines to the file
// named by GREET_TLS_TEST_SERVERS. Without that variable the TLS cases are skipped.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tls/tls_server.h"

struct TlsTestServer::Impl {
    uint16_t port = 0;
};

bool TlsTestServer::available()
{
    const char *file = std::getenv("GREET_TLS_TEST_SERVERS");
    return file != nullptr && file[0] != '\0';
}

TlsTestServer::TlsTestServer(const std::string &cert) : impl_(new Impl)
{
    const char *file = std::getenv("GREET_TLS_TEST_SERVERS");
    FILE *f = file ? std::fopen(file, "r") : nullptr;
    char name[64];
    unsigned port = 0;

    if (f == nullptr) {
        ADD_FAILURE() << "no TLS test server list: " << (file ? file : "(unset)");
        return;
    }
    while (std::fscanf(f, "%63s %u", name, &port) == 2) {
        if (cert == name) {
            impl_->port = static_cast<uint16_t>(port);
        }
    }
    std::fclose(f);
    EXPECT_NE(impl_->port, 0) << "no TLS test server for " << cert;
}

TlsTestServer::~TlsTestServer() = default;

uint16_t TlsTestServer::port() const
{
    return impl_->port;
}
