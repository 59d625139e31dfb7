// A folder of its own for one test: unique per process and test (tests run in parallel
// processes), under the build tree, removed with everything in it when the test ends.
#ifndef GREET_TESTS_SUPPORT_TEMP_DIR_H
#define GREET_TESTS_SUPPORT_TEMP_DIR_H

#include <string>

class TempDir
{
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    // The folder's UTF-8 path, with '/' separators.
    const std::string &path() const
    {
        return path_;
    }
    // path() + "/" + name.
    std::string file(const std::string &name) const
    {
        return path_ + "/" + name;
    }

  private:
    std::string path_;
};

// The whole content of a file opened through gp_fopen (so UTF-8 names work everywhere), or
// "<missing>" when it cannot be opened.
std::string read_file_utf8(const std::string &path);

// Writes content to a file through gp_fopen with mode ("wb" or "wbx"); returns the greet_err.
int write_file_utf8(const std::string &path, const std::string &content, const char *mode = "wb");

#endif
