#include "tund/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace tund {

namespace {

constexpr cap_value_t kKeptCapabilities[] = {CAP_NET_ADMIN};

bool kept(cap_value_t c) {
  return std::find(std::begin(kKeptCapabilities), std::end(kKeptCapabilities), c) != std::end(kKeptCapabilities);
}

SysStatus fail_errno(const char* detail) { return sys_fail(SysErrc::Privileges, errno, detail); }

SysStatus set_capabilities() {
  cap_t caps = cap_init();  // all flags clear
  if (!caps) return fail_errno("cap_init");
  const int n = int(std::size(kKeptCapabilities));
  bool ok = cap_set_flag(caps, CAP_PERMITTED, n, kKeptCapabilities, CAP_SET) == 0 &&
            cap_set_flag(caps, CAP_EFFECTIVE, n, kKeptCapabilities, CAP_SET) == 0 && cap_set_proc(caps) == 0;
  int saved = errno;
  cap_free(caps);
  if (!ok) return sys_fail(SysErrc::Privileges, saved, "cap_set_proc");
  return {};
}

}  // namespace

SysStatus drop_privileges(const std::string& user) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  int rc = ::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found);
  if (rc != 0 || !found) return sys_fail(SysErrc::Privileges, rc, "unknown run-as user");
  if (pw.pw_uid == 0) return sys_fail(SysErrc::Privileges, 0, "run-as user is root");
  const uid_t uid = pw.pw_uid;
  const gid_t gid = pw.pw_gid;

  // Still root: empty the bounding set of everything not kept (needs CAP_SETPCAP).
  for (cap_value_t c = 0; c <= CAP_LAST_CAP; ++c)
    if (!kept(c) && cap_drop_bound(c) < 0 && errno != EINVAL) return fail_errno("cap_drop_bound");
  // Keep the permitted set across the uid change; effective is recomputed below.
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return fail_errno("PR_SET_KEEPCAPS");
  if (::setgroups(1, &gid) < 0) return fail_errno("setgroups");
  if (::setresgid(gid, gid, gid) < 0) return fail_errno("setresgid");
  if (::setresuid(uid, uid, uid) < 0) return fail_errno("setresuid");
  if (auto s = set_capabilities(); !s) return s;
  if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return fail_errno("clear PR_SET_KEEPCAPS");
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return fail_errno("PR_SET_NO_NEW_PRIVS");
  // Paranoia as in OpenSSH's permanently_set_uid(): getting root back must fail.
  if (::setresuid(0, 0, 0) == 0 || ::setegid(0) == 0) return sys_fail(SysErrc::Privileges, 0, "could regain root");
  return {};
}

}  // namespace tund
