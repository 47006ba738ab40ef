# Writes OUTPUT, a C++ file defining dialtrack::http::openapi_yaml() with the bytes of INPUT
# (docs/openapi.yaml), so the program serves its API description without files beside it.
# Run at build time: cmake -DINPUT=... -DOUTPUT=... -P embed_openapi.cmake
file(READ "${INPUT}" content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from docs/openapi.yaml by cmake/embed_openapi.cmake; do not edit.\n"
  "#include \"http/routes/openapi.hpp\"\n\n"
  "namespace dialtrack::http {\nnamespace {\n"
  "constexpr unsigned char kDocument[] = {${bytes}};\n"
  "}  // namespace\n\n"
  "std::string_view openapi_yaml() {\n"
  "  return {reinterpret_cast<const char*>(kDocument), sizeof kDocument};\n"
  "}\n\n"
  "}  // namespace dialtrack::http\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
