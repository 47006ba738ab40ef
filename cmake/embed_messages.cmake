# Writes OUTPUT, a C++ header of the API's messages from INPUT (src/http/messages.tsv: key, 中文
# and English, separated by tabs): dialtrack::http::message_texts::kMessages (by http::Msg),
# kProblems (by domain::Problem) and kExpected (by word), so the texts live in the one catalogue
# translators edit. A line that is neither blank, a comment (#) nor such a row stops the build.
# Run at build time: cmake -DINPUT=... -DOUTPUT=... -P embed_messages.cmake
file(READ "${INPUT}" text)
set(messages "")
set(problems "")
set(expected "")
set(number 0)
# Line by line without CMake's lists, whose `;` and `[` the texts may hold.
while(NOT text STREQUAL "")
  string(FIND "${text}" "\n" eol)
  if(eol EQUAL -1)
    set(line "${text}")
    set(text "")
  else()
    string(SUBSTRING "${text}" 0 ${eol} line)
    math(EXPR next "${eol} + 1")
    string(SUBSTRING "${text}" ${next} -1 text)
  endif()
  math(EXPR number "${number} + 1")
  string(REGEX REPLACE "\r$" "" line "${line}")
  if(line STREQUAL "" OR line MATCHES "^#")
    continue()
  endif()
  if(NOT line MATCHES "^(Msg|Problem|Expected)\\.([A-Za-z0-9_-]+)\t([^\t]+)\t([^\t]+)$")
    message(FATAL_ERROR "${INPUT}:${number}: not a message row (key, 中文, English): ${line}")
  endif()
  set(kind "${CMAKE_MATCH_1}")
  set(key "${CMAKE_MATCH_2}")
  set(zh "${CMAKE_MATCH_3}")
  set(en "${CMAKE_MATCH_4}")
  foreach(var zh en)
    string(REPLACE "\\" "\\\\" ${var} "${${var}}")
    string(REPLACE "\"" "\\\"" ${var} "${${var}}")
  endforeach()
  set(texts "{\"${zh}\", \"${en}\"}")
  if(kind STREQUAL "Msg")
    string(APPEND messages "    {Msg::${key}, ${texts}},\n")
  elseif(kind STREQUAL "Problem")
    string(APPEND problems "    {domain::Problem::${key}, ${texts}},\n")
  else()
    string(APPEND expected "    {\"${key}\", ${texts}},\n")
  endif()
endwhile()
foreach(kind messages problems expected)
  if("${${kind}}" STREQUAL "")
    message(FATAL_ERROR "${INPUT}: no ${kind} found")
  endif()
endforeach()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from src/http/messages.tsv by cmake/embed_messages.cmake; do not edit.\n"
  "#pragma once\n\n"
  "#include <array>\n\n"
  "#include \"domain/bilingual.hpp\"\n"
  "#include \"domain/enum_names.hpp\"\n"
  "#include \"domain/validation.hpp\"\n"
  "#include \"http/messages.hpp\"\n\n"
  "namespace dialtrack::http::message_texts {\n\n"
  "inline constexpr auto kMessages = std::to_array<domain::EnumName<Msg, domain::Bilingual>>({\n"
  "${messages}});\n\n"
  "inline constexpr auto kProblems =\n"
  "    std::to_array<domain::EnumName<domain::Problem, domain::Bilingual>>({\n"
  "${problems}});\n\n"
  "inline constexpr auto kExpected = std::to_array<domain::BilingualEntry>({\n"
  "${expected}});\n\n"
  "}  // namespace dialtrack::http::message_texts\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
