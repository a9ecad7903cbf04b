# Writes OUT_CC/OUT_H: each file of FILES (or every file under DIR) as a byte array, looked up by
# its path relative to ROOT.
file(WRITE ${OUT_H} "#pragma once\n#include <string_view>\n#include <vector>\nnamespace ${NS} {\n"
     "// The embedded file at `name` (path relative to the source root), or an empty view.\n"
     "std::string_view Get(std::string_view name);\n"
     "// Every embedded name, in the order given to amity_embed.\n"
     "const std::vector<std::string_view>& Names();\n}\n")
set(body "#include \"embedded/${HDR}\"\n#include <array>\n#include <utility>\nnamespace ${NS} {\nnamespace {\n")
set(table "")
set(i 0)
string(REPLACE "|" ";" FILES "${FILES}")
if(DIR)  # every file under DIR but build tools' own (.vite/manifest.json), in a stable order
  file(GLOB_RECURSE FILES LIST_DIRECTORIES false ${DIR}/*)
  list(SORT FILES)
endif()
foreach(f ${FILES})
  file(RELATIVE_PATH rel ${ROOT} ${f})
  if(rel MATCHES "^\\.|/\\.")
    continue()
  endif()
  file(READ ${f} hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR len "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," arr "${hex}")
  string(APPEND body "constexpr char k${i}[] = {${arr} 0};\n")
  string(APPEND table "  {\"${rel}\", std::string_view(k${i}, ${len})},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "const std::pair<std::string_view, std::string_view> kFiles[] = {\n${table}  {\"\", \"\"}};\n}  // namespace\n"
  "std::string_view Get(std::string_view name) {\n  for (const auto& [n, d] : kFiles) if (!n.empty() && n == name) return d;\n  return {};\n}\n"
  "const std::vector<std::string_view>& Names() {\n  static const std::vector<std::string_view> names = [] {\n    std::vector<std::string_view> v;\n"
  "    for (const auto& [n, d] : kFiles) if (!n.empty()) v.push_back(n);\n    return v;\n  }();\n  return names;\n}\n}\n")
file(WRITE ${OUT_CC} "${body}")
