# Writes OUTPUT, a C++ file defining dialtrack::exports::status_label() over the rows of INPUT
# (web/src/statuses.js: [status, 中文, English, colour]), so the exports write the dashboard's
# words for a call status from the one table both read.
# Run at build time: cmake -DINPUT=... -DOUTPUT=... -P embed_status_labels.cmake
file(STRINGS "${INPUT}" lines ENCODING UTF-8 REGEX "^  \\['[A-Za-z0-9_]+', '[^']*', '[^']*', '#")
set(rows "")
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^  \\['([A-Za-z0-9_]+)', '([^'\"\\\\]*)', '([^'\"\\\\]*)', '#")
    message(FATAL_ERROR "${INPUT}: a status row the labels cannot be read from: ${line}")
  endif()
  string(APPEND rows "    {\"${CMAKE_MATCH_1}\", {\"${CMAKE_MATCH_2}\", \"${CMAKE_MATCH_3}\"}},\n")
endforeach()
if(rows STREQUAL "")
  message(FATAL_ERROR "${INPUT}: no status rows found")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from web/src/statuses.js by cmake/embed_status_labels.cmake; do not edit.\n"
  "#include \"export/labels.hpp\"\n\n"
  "namespace dialtrack::exports {\nnamespace {\n"
  "constexpr domain::BilingualEntry kLabels[] = {\n${rows}};\n"
  "}  // namespace\n\n"
  "std::optional<StatusLabel> status_label(std::string_view status) {\n"
  "  return domain::find_text(kLabels, status);\n"
  "}\n\n"
  "}  // namespace dialtrack::exports\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
