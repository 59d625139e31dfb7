#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "gp.h"
#include "support/dir_list.h"

TempDir::TempDir()
{
    static std::atomic<unsigned> counter{0};
    const ::testing::TestInfo *info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "none";

    path_ = std::string(GREET_BINARY_DIR) + "/test-tmp/" + std::to_string(gp_process_id()) + "-" +
            std::to_string(counter++) + "-" + name;
    EXPECT_EQ(gp_mkdir_p(path_.c_str()), GREET_OK) << path_;
}

TempDir::~TempDir()
{
    std::error_code ec;
    // u8path: on Windows a plain std::string would be read in the ANSI code page.
    std::filesystem::remove_all(std::filesystem::u8path(path_), ec);
}

std::string read_file_utf8(const std::string &path)
{
    FILE *f = gp_fopen(path.c_str(), "rb", nullptr);
    std::string out;
    char buf[4096];
    size_t n;

    if (f == nullptr) {
        return "<missing>";
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        out.append(buf, n);
    }
    fclose(f);
    return out;
}

int write_file_utf8(const std::string &path, const std::string &content, const char *mode)
{
    int err = GREET_OK;
    FILE *f = gp_fopen(path.c_str(), mode, &err);

    if (f == nullptr) {
        return err;
    }
    bool ok = fwrite(content.data(), 1, content.size(), f) == content.size();
    ok = fclose(f) == 0 && ok;
    return ok ? GREET_OK : GREET_EIO;
}

std::vector<std::string> list_dir_utf8(const std::string &dir)
{
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator(std::filesystem::u8path(dir), ec)) {
        std::string name;
        for (auto c : e.path().filename().u8string()) {
            name.push_back(static_cast<char>(c));
        }
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}
