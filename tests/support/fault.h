// Failure injection for tests: installs a hook in the platform seam (gp.h, gp_fault_install) for
// the life of a scope. The hook is any callable taking a gp_fault_call& and returning a gp_fault;
// hooks run one at a time under the seam's lock, so plain counters in the callable are safe.
//
//   ScopedFault f([](gp_fault_call &c) { return c.point == GP_FAULT_ACCEPT ? GP_FAULT_MFILE : 0;
//   });
#ifndef GREET_TESTS_SUPPORT_FAULT_H
#define GREET_TESTS_SUPPORT_FAULT_H

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gp.h"

class ScopedFault
{
  public:
    using Hook = std::function<int(gp_fault_call &)>;

    explicit ScopedFault(Hook hook) : hook_(std::move(hook))
    {
        installed_ = gp_fault_install(&ScopedFault::call, this) == GREET_OK;
    }
    ~ScopedFault()
    {
        gp_fault_install(nullptr, nullptr);
    }
    ScopedFault(const ScopedFault &) = delete;
    ScopedFault &operator=(const ScopedFault &) = delete;

    bool installed() const
    {
        return installed_;
    }

    // The next `times` calls at point fail with fault; every other call goes through.
    static Hook fail(int point, int fault, int times = 1)
    {
        return [point, fault, times](gp_fault_call &c) mutable {
            if (c.point != point || times <= 0) {
                return static_cast<int>(GP_FAULT_NONE);
            }
            times--;
            return fault;
        };
    }

    // Lookups of name are answered with addrs (in that order, ports included) and reach no
    // resolver; every other call goes through.
    static Hook answer(std::string name, std::vector<gp_addr> addrs)
    {
        return [name, addrs](gp_fault_call &c) {
            if (c.point == GP_FAULT_RESOLVE && c.host != nullptr && name == c.host) {
                c.addrs = addrs.data();
                c.addr_count = addrs.size();
            }
            return static_cast<int>(GP_FAULT_NONE);
        };
    }

  private:
    static int call(void *self, gp_fault_call *c)
    {
        return static_cast<ScopedFault *>(self)->hook_(*c);
    }

    Hook hook_;
    bool installed_ = false;
};

#endif
