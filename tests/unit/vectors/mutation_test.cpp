// `tcpcrypt vectors verify` must notice any single change to a vector: every committed
// vector passes as is, and fails after one byte of any hex field, one character of any
// other string, or one integer or boolean is changed (issue 3: "verify rejects a vector
// with any single byte changed"). Exceptions, each unavoidable: the inputs of a received
// frame that must FAIL (a changed bad frame is still bad) and the peer key of a
// key-agreement vector whose key must be rejected (a changed bad key is still bad).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/tcpcrypt/vectors/verify.h"

namespace vectors {
namespace {

const std::string kDir = std::string(TCPCRYPT_SOURCE_DIR) + "/tests/vectors";

std::vector<std::string> committed_files() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(kDir))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

bool is_hex(const std::string& s) {
  return !s.empty() && s.size() % 2 == 0 && s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

// Visits every mutable leaf of `node` (a vector or part of one) and calls check(mutated
// vector, path) with that one leaf changed.
template <class Check>
void mutate_leaves(const Json& root, Json& node, const std::string& path, const Check& check) {
  if (node.is_object()) {
    if (node.contains("result") && node["result"] == "FAIL") return;  // bad frame stays bad
    const bool bad_key = node.value("kind", "") == "key_agreement" && node.value("result", "") != "ok";
    for (auto& [key, value] : node.items()) {
      if (key == "name" || key == "comment" || key == "kind") continue;
      if (bad_key && key == "peer_Pub") continue;  // bad key stays bad
      mutate_leaves(root, value, path + "." + key, check);
    }
    return;
  }
  if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) mutate_leaves(root, node[i], path + "[" + std::to_string(i) + "]", check);
    return;
  }
  const Json saved = node;
  if (node.is_string()) {
    std::string s = node.get<std::string>();
    if (s.empty()) return;
    if (is_hex(s)) {
      const size_t at = (s.size() / 4) * 2;  // one byte, a quarter into the field
      s[at + 1] = s[at + 1] == '0' ? '1' : '0';
    } else {
      s.back() = s.back() == 'A' ? 'B' : s.back() == 'B' ? 'A' : char(s.back() ^ 1);
    }
    node = s;
  } else if (node.is_number_integer()) {
    node = node.get<int64_t>() + 1;
  } else if (node.is_boolean()) {
    node = !node.get<bool>();
  } else {
    return;
  }
  check(root, path);
  node = saved;
}

TEST(VectorFiles, CommittedVectorsVerify) {
  const auto files = committed_files();
  ASSERT_GE(files.size(), 3u);
  std::ostringstream log;
  EXPECT_EQ(verify_files(files, log, false), 0) << log.str();
}

TEST(VectorFiles, AnySingleChangeIsRejected) {
  size_t mutations = 0;
  for (const auto& file : committed_files()) {
    LoadedFile loaded;
    std::string error;
    ASSERT_TRUE(load_vector_file(file, loaded, error)) << error;
    for (size_t i = 0; i < loaded.vectors.size(); ++i) {
      Json v = loaded.vectors[i];
      ASSERT_TRUE(verify_vector(v, i).passed()) << file << " " << v["name"];
      mutate_leaves(v, v, v["name"].get<std::string>(), [&](const Json& mutated, const std::string& path) {
        ++mutations;
        EXPECT_FALSE(verify_vector(mutated, i).passed()) << file << ": change at " << path << " not detected";
      });
    }
  }
  EXPECT_GT(mutations, 1000u);
}

TEST(VectorFiles, FileShapesAndKindsAreChecked) {
  // vectors.md §1: a bare array and a single vector object are accepted; x- kinds are
  // skipped; an unknown kind fails; an empty set fails.
  const std::string tmp = testing::TempDir() + "/shapes.json";
  auto verify_text = [&](const std::string& text) {
    std::ofstream(tmp) << text;
    std::ostringstream log;
    return verify_files({tmp}, log, false);
  };
  const std::string one = R"({"name":"k","kind":"key_agreement","TEP":35,
    "priv":"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    "peer_Pub":"de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
    "Pub":"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a","result":"ok",
    "ES":"4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"})";
  EXPECT_EQ(verify_text(one), 0);
  EXPECT_EQ(verify_text("[" + one + "]"), 0);
  EXPECT_EQ(verify_text("[" + one + R"(,{"name":"p","kind":"x-private"}])"), 0);
  EXPECT_EQ(verify_text(R"([{"name":"u","kind":"unknown"}])"), 1);
  EXPECT_EQ(verify_text("[]"), 1);
  EXPECT_EQ(verify_text("{not json"), 1);
  std::string missing = one;
  missing.replace(missing.find(R"("result":"ok",)"), 14, "");
  EXPECT_EQ(verify_text(missing), 1);  // a required output missing is a failure
}

}  // namespace
}  // namespace vectors
