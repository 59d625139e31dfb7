// The TLS contract's build-independent promises: the configured backend is the one linked, and a
// build without TLS refuses https clearly instead of pretending.
#include <gtest/gtest.h>

#include <string>

#include "gp_tls.h"

TEST(TlsContract, LinkedBackendIsTheConfiguredOne)
{
    std::string name = gp_tls_backend();
    std::string configured = GREET_TLS_BACKEND_NAME;
    if (configured == "openssl") {
        EXPECT_EQ(name.rfind("OpenSSL ", 0), 0u) << name;
    } else if (configured == "schannel") {
        EXPECT_EQ(name, "SChannel");
    } else {
        EXPECT_EQ(name, "none");
    }
}

TEST(TlsContract, BuildWithoutTlsRefusesWithUnsupported)
{
    if (std::string(GREET_TLS_BACKEND_NAME) != "none") {
        GTEST_SKIP() << "this build has TLS";
    }
    gp_tls_options opts = {nullptr, 0};
    gp_tls_ctx *ctx = nullptr;
    EXPECT_EQ(gp_tls_ctx_create(&opts, &ctx), GREET_EUNSUPPORTED);
    EXPECT_EQ(ctx, nullptr);
}

TEST(TlsContract, MissingCaFileIsRefusedBeforeAnyConnection)
{
    if (std::string(GREET_TLS_BACKEND_NAME) == "none") {
        GTEST_SKIP() << "this build has no TLS";
    }
    gp_tls_options opts = {GREET_SOURCE_DIR "/tests/data/tls/no-such-ca.pem", 0};
    gp_tls_ctx *ctx = nullptr;
    EXPECT_LT(gp_tls_ctx_create(&opts, &ctx), 0);
    EXPECT_EQ(ctx, nullptr);
}
