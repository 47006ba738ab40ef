# The dashboard (web/, Vue + Vite + ECharts) and the API viewer (swagger-ui-dist) are built with
# npm and compiled into the program as byte strings (src/web), so the installed binary needs no
# files beside it. Steps, each rerun only when its inputs change:
#   1. `npm ci` in web/ when node_modules is missing or package-lock.json changed;
#   2. `npm run build` into <build>/web-dist; swagger-ui's two files copied into <build>/docs-dist;
#   3. web/scripts/precompress.mjs writes a gzip and a brotli copy beside each text file there
#      (X.gz, X.br), served with Content-Encoding to browsers that accept them;
#   4. embed_assets (a host tool built first) writes <build>/generated/web_assets.cpp.
option(DIALTRACK_EMBED_WEB "Build the dashboard with npm and embed it in the program" ON)

set(web_dir ${PROJECT_SOURCE_DIR}/web)
set(web_dist ${CMAKE_BINARY_DIR}/web-dist)
set(web_assets_cpp ${CMAKE_BINARY_DIR}/generated/web_assets.cpp)

add_executable(embed_assets ${PROJECT_SOURCE_DIR}/src/web/embed_assets.cpp)

set(embed_inputs)
set(embed_depends)
if(DIALTRACK_EMBED_WEB)
  find_program(NPM_EXECUTABLE npm)
  if(NOT NPM_EXECUTABLE)
    message(FATAL_ERROR
      "npm not found: the dashboard is built with Node.js (18 or newer) and npm. Install them "
      "(scripts/setup.sh does), or configure with -DDIALTRACK_EMBED_WEB=OFF for a program "
      "without the dashboard.")
  endif()
  find_program(NODE_EXECUTABLE node REQUIRED)
  set(precompress ${web_dir}/scripts/precompress.mjs)
  set(npm_installed ${web_dir}/node_modules/.package-lock.json)
  add_custom_command(
    OUTPUT ${npm_installed}
    COMMAND ${NPM_EXECUTABLE} ci --no-audit --no-fund
    WORKING_DIRECTORY ${web_dir}
    DEPENDS ${web_dir}/package.json ${web_dir}/package-lock.json ${web_dir}/.npmrc
    COMMENT "npm ci (web/)"
    VERBATIM)
  file(GLOB_RECURSE web_sources CONFIGURE_DEPENDS ${web_dir}/src/*)
  set(web_built ${CMAKE_BINARY_DIR}/web-dist.stamp)
  add_custom_command(
    OUTPUT ${web_built}
    COMMAND ${NPM_EXECUTABLE} run build --silent -- --outDir ${web_dist} --emptyOutDir --logLevel warn
    COMMAND ${NODE_EXECUTABLE} ${precompress} ${web_dist}
    COMMAND ${CMAKE_COMMAND} -E touch ${web_built}
    WORKING_DIRECTORY ${web_dir}
    DEPENDS ${npm_installed} ${web_sources} ${web_dir}/index.html ${web_dir}/vite.config.js
      ${precompress}
    COMMENT "npm run build (web/ -> web-dist/), precompressed"
    VERBATIM)
  set(swagger ${web_dir}/node_modules/swagger-ui-dist)
  set(docs_dist ${CMAKE_BINARY_DIR}/docs-dist)
  set(docs_built ${CMAKE_BINARY_DIR}/docs-dist.stamp)
  add_custom_command(
    OUTPUT ${docs_built}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${docs_dist}
    COMMAND ${CMAKE_COMMAND} -E copy ${swagger}/swagger-ui-bundle.js ${swagger}/swagger-ui.css
      ${docs_dist}
    COMMAND ${NODE_EXECUTABLE} ${precompress} ${docs_dist}
    COMMAND ${CMAKE_COMMAND} -E touch ${docs_built}
    DEPENDS ${npm_installed} ${precompress}
    COMMENT "swagger-ui (-> docs-dist/), precompressed"
    VERBATIM)
  file(GLOB docs_sources CONFIGURE_DEPENDS ${web_dir}/docs/*)
  set(embed_inputs
    /=${web_dist}
    /docs/=${web_dir}/docs
    /docs/swagger-ui-bundle.js=${docs_dist}/swagger-ui-bundle.js
    /docs/swagger-ui.css=${docs_dist}/swagger-ui.css)
  set(embed_depends ${web_built} ${docs_built} ${docs_sources})
endif()

add_custom_command(
  OUTPUT ${web_assets_cpp}
  COMMAND embed_assets ${web_assets_cpp} ${embed_inputs}
  DEPENDS embed_assets ${embed_depends}
  COMMENT "Embedding the dashboard and the API viewer"
  VERBATIM)

dialtrack_library(dialtrack_web PREFIX web SOURCES ${web_assets_cpp})
