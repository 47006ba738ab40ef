# dialtrack_library(<target> PREFIX <prefix> [INTERFACE] [RECURSE] SOURCES ... PUBLIC ... PRIVATE ...)
#
# One library per folder of src/ (docs/architecture.md states the dependency rule). A target
# exposes only the headers of its own folder: each header is linked into
# <build>/include/<target>/<prefix>/, and that directory is the target's only include path. A
# file can therefore include "<prefix>/x.hpp" of a target it links, directly or through a
# PUBLIC dependency, and nothing else: an include across the rule fails to compile.
# RECURSE also exposes the headers of subfolders that belong to the same target (http/routes).
# scripts/check_deps.sh checks the same rule on the sources and on the link graph.
function(dialtrack_expose_headers target prefix)
  cmake_parse_arguments(arg "RECURSE" "" "" ${ARGN})
  set(include_dir ${CMAKE_BINARY_DIR}/include/${target}/${prefix})
  # Made anew at every configure, so a deleted or moved header leaves no stale link behind.
  file(REMOVE_RECURSE ${CMAKE_BINARY_DIR}/include/${target})
  if(arg_RECURSE)
    file(GLOB_RECURSE headers CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}
      ${CMAKE_CURRENT_SOURCE_DIR}/*.hpp)
  else()
    file(GLOB headers CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}
      ${CMAKE_CURRENT_SOURCE_DIR}/*.hpp)
  endif()
  foreach(header IN LISTS headers)
    get_filename_component(dir ${include_dir}/${header} DIRECTORY)
    file(MAKE_DIRECTORY ${dir})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/${header} ${include_dir}/${header} SYMBOLIC)
  endforeach()
endfunction()

function(dialtrack_library target)
  cmake_parse_arguments(arg "INTERFACE;RECURSE" "PREFIX" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  if(arg_RECURSE)
    dialtrack_expose_headers(${target} ${arg_PREFIX} RECURSE)
  else()
    dialtrack_expose_headers(${target} ${arg_PREFIX})
  endif()
  set(include_root ${CMAKE_BINARY_DIR}/include/${target})
  if(arg_INTERFACE)
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${include_root})
    target_link_libraries(${target} INTERFACE ${arg_PUBLIC})
  else()
    add_library(${target} STATIC ${arg_SOURCES})
    target_include_directories(${target} PUBLIC ${include_root})
    target_link_libraries(${target} PUBLIC ${arg_PUBLIC} PRIVATE ${arg_PRIVATE})
  endif()
endfunction()
