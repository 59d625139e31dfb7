// A variable of the test process's environment set for a scope, for the program tests: the
// greet child inherits it.
#ifndef GREET_TESTS_SUPPORT_SCOPED_ENV_H
#define GREET_TESTS_SUPPORT_SCOPED_ENV_H

#include <cstdlib>
#include <string>

namespace greet_test
{

// Sets (or with nullptr unsets) a variable of this test process's environment, which the greet
// child inherits, and puts the old value back at the end of the scope. Each test runs in a
// process of its own (ctest), so no other test sees the change.
class ScopedEnv
{
  public:
    ScopedEnv(const char *name, const char *value) : name_(name)
    {
        const char *old = std::getenv(name);
        had_ = old != nullptr;
        old_ = old ? old : "";
        set(value);
    }
    ~ScopedEnv()
    {
        set(had_ ? old_.c_str() : nullptr);
    }
    ScopedEnv(const ScopedEnv &) = delete;
    ScopedEnv &operator=(const ScopedEnv &) = delete;

  private:
    void set(const char *value)
    {
#ifdef _WIN32
        _putenv_s(name_.c_str(), value ? value : "");
#else
        if (value) {
            setenv(name_.c_str(), value, 1);
        } else {
            unsetenv(name_.c_str());
        }
#endif
    }
    std::string name_, old_;
    bool had_ = false;
};

// The proxy variables a greet child would otherwise take from the machine running the tests,
// unset for a scope.
class NoProxyEnv
{
    ScopedEnv http_{"http_proxy", nullptr}, https_{"https_proxy", nullptr},
        https_upper_{"HTTPS_PROXY", nullptr}, all_{"ALL_PROXY", nullptr},
        all_lower_{"all_proxy", nullptr}, no_{"NO_PROXY", nullptr}, no_lower_{"no_proxy", nullptr};
};

} // namespace greet_test

#endif
