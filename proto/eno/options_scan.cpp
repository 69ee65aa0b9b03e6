#include "proto/eno/options_scan.h"

#include "proto/eno/constants.h"

namespace proto::eno {

namespace {
constexpr uint8_t kEndOfList = 0;
constexpr uint8_t kNoOp = 1;
constexpr size_t kExIdLen = 2;
}  // namespace

Result<EnoOptionsFound> find_eno_options(ByteView area) {
  EnoOptionsFound found;
  size_t i = 0;
  while (i < area.size()) {
    const uint8_t kind = area[i];
    if (kind == kEndOfList) break;
    if (kind == kNoOp) {
      ++i;
      continue;
    }
    if (i + 1 >= area.size()) return fail(Errc::Truncated, "TCP option without length byte");
    const size_t len = area[i + 1];
    if (len < kOptionHeaderLen) return fail(Errc::BadValue, "TCP option length below 2");
    if (len > area.size() - i) return fail(Errc::Truncated, "TCP option runs past the options area");
    const ByteView opt = area.subspan(i, len);
    if (kind == kEnoKind) found.options.push_back(opt);
    if (kind == kExperimentalKind && len >= kOptionHeaderLen + kExIdLen &&
        load_be16(opt, kOptionHeaderLen) == kLegacyEnoExId)
      found.legacy_experimental = true;
    i += len;
  }
  return found;
}

}  // namespace proto::eno
