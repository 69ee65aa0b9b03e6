#include "tools/tcpcrypt/vectors/verify.h"

#include "tools/tcpcrypt/vectors/compute.h"

namespace vectors {
namespace {

void compare_all(VectorReport& r, const Json& want, const Json& got,
                 std::initializer_list<const char*> required,
                 std::initializer_list<const char*> optional, const std::string& prefix = "") {
  for (const char* k : required) r.compare(want, got, k, true, prefix);
  for (const char* k : optional) r.compare(want, got, k, false, prefix);
}

void compare_frames(VectorReport& r, const Json& want, const Json& got) {
  if (want.contains("frames")) {
    const Json& wf = want["frames"];
    for (size_t i = 0; i < wf.size(); ++i) {
      compare_all(r, wf[i], got["frames"][i], {"frame"},
                  {"traffic_key", "plaintext", "associated_data", "frame_ID", "N"},
                  "frames[" + std::to_string(i) + "].");
    }
  }
  if (want.contains("received_frames")) {
    const Json& wf = want["received_frames"];
    for (size_t i = 0; i < wf.size(); ++i) {
      const Json& g = got["received_frames"][i];
      const std::string p = "received_frames[" + std::to_string(i) + "].";
      r.compare(wf[i], g, "result", true, p);
      if (g.value("result", "") == "ok") {
        compare_all(r, wf[i], g, {"rekey", "FINp", "URGp", "data"}, {}, p);
        if (g.value("URGp", 0) == 1) r.compare(wf[i], g, "urgent", true, p);
      }
    }
  }
}

void check_connection(VectorReport& r, const Json& v) {
  Json got = compute_connection(v);
  compare_all(r, v, got,
              {"eno_transcript", "mode", "negotiated_TEP", "TEP_byte", "ss", "sn", "mk", "k_ab",
               "k_ba", "session_id", "resume"},
              {"Pub_A", "Pub_B", "ES"});
  const bool fresh = got.value("mode", "") == "fresh";
  compare_all(r, v, got, {}, {"Init1", "Init2", "PRK"});
  if (fresh) {
    for (const char* k : {"Init1", "Init2", "PRK"})
      if (!v.contains(k)) r.compare(v, got, k, true);
  }
  for (const auto& rule : got.value("consistency_errors", Json::array())) r.fail("consistency", rule.get<std::string>());
  compare_frames(r, v, got);
}

}  // namespace

VectorReport verify_vector(const Json& v, size_t index) {
  std::string name = v.is_object() && v.contains("name") && v["name"].is_string()
                         ? v["name"].get<std::string>()
                         : "#" + std::to_string(index);
  VectorReport r(name);
  try {
    if (!v.is_object() || !v.contains("kind") || !v["kind"].is_string()) throw InputError("vector has no \"kind\"");
    const std::string kind = v["kind"];
    if (kind == "connection") {
      check_connection(r, v);
    } else if (kind == "eno") {
      compare_all(r, v, compute_eno(v), {"eno_transcript", "mode", "negotiated_TEP", "TEP_byte"},
                  {"global_A", "global_B", "suboptions_A", "suboptions_B"});
    } else if (kind == "key_agreement") {
      compare_all(r, v, compute_key_agreement(v), {"Pub", "result"}, {"ES"});
    } else {
      throw InputError("unknown kind \"" + kind + "\"");
    }
  } catch (const InputError& e) {
    r.fail("input", e.what());
  } catch (const std::exception& e) {  // JSON type errors from malformed files
    r.fail("input", std::string("malformed vector: ") + e.what());
  }
  return r;
}

int verify_files(const std::vector<std::string>& paths, std::ostream& os, bool verbose) {
  size_t checked = 0, failed = 0, skipped = 0;
  bool load_error = false;
  for (const auto& path : paths) {
    LoadedFile file;
    std::string error;
    if (!load_vector_file(path, file, error)) {
      os << "ERROR " << error << "\n";
      load_error = true;
      continue;
    }
    for (size_t i = 0; i < file.vectors.size(); ++i) {
      const Json& v = file.vectors[i];
      if (v.is_object() && v.value("kind", "").rfind("x-", 0) == 0) {
        ++skipped;  // private extension kinds are skipped (vectors.md §1)
        continue;
      }
      VectorReport r = verify_vector(v, i);
      ++checked;
      if (!r.passed()) ++failed;
      r.print(os, verbose);
    }
  }
  os << checked << " vectors checked, " << failed << " failed, " << skipped << " skipped\n";
  return (load_error || failed > 0 || checked == 0) ? 1 : 0;
}

}  // namespace vectors
