#include "tools/tcpcrypt/vectors/field_report.h"

#include <algorithm>
#include <cctype>

namespace vectors {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string show(const Json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

bool same_scalar(const Json& want, const Json& got) {
  if (want.is_string() && got.is_string()) return lower(want.get<std::string>()) == lower(got.get<std::string>());
  if (want.is_number_integer() && got.is_number_integer()) return want.get<int64_t>() == got.get<int64_t>();
  return want == got;
}

}  // namespace

void VectorReport::compare(const Json& expected, const Json& computed, const std::string& key,
                           bool required, const std::string& prefix) {
  const std::string field = prefix + key;
  if (!expected.contains(key)) {
    if (required) fields_.push_back({field, false, "(missing)", computed.contains(key) ? show(computed[key]) : "(none)"});
    return;
  }
  const Json& want = expected[key];
  const Json got = computed.contains(key) ? computed[key] : Json(nullptr);
  compare_values(field, want, got);
}

void VectorReport::compare_values(const std::string& field, const Json& want, const Json& got) {
  if (want.is_array()) {
    if (!got.is_array()) {
      fields_.push_back({field, false, want.dump(), show(got)});
      return;
    }
    // Files may list more entries than the minimum; every listed entry is checked.
    for (size_t i = 0; i < want.size(); ++i) {
      const std::string f = field + "[" + std::to_string(i) + "]";
      if (i >= got.size()) {
        fields_.push_back({f, false, show(want[i]), "(not computed)"});
      } else {
        compare_values(f, want[i], got[i]);
      }
    }
    return;
  }
  fields_.push_back({field, same_scalar(want, got), show(want), show(got)});
}

void VectorReport::fail(const std::string& what, const std::string& detail) {
  fields_.push_back({what, false, "", detail});
}

bool VectorReport::passed() const {
  return !fields_.empty() && std::all_of(fields_.begin(), fields_.end(), [](const FieldResult& f) { return f.pass; });
}

void VectorReport::print(std::ostream& os, bool verbose) const {
  os << (passed() ? "PASS " : "FAIL ") << name_ << "\n";
  for (const auto& f : fields_) {
    if (f.pass && !verbose) continue;
    os << "  " << (f.pass ? "ok   " : "FAIL ") << f.field;
    if (!f.pass) os << "\n       expected: " << f.expected << "\n       computed: " << f.computed;
    os << "\n";
  }
}

}  // namespace vectors
